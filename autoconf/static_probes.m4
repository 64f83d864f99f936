# ===========================================================================
#        StaticProbes: static_probes.m4 (autoconf support for DTrace
#        provider files on Linux, illumos/Solaris, FreeBSD and macOS)
# ===========================================================================
#
# SYNOPSIS
#
#   STATIC_PROBES_INIT([DEFAULT])
#   STATIC_PROBES_PROVIDERS([PROVIDER.d ...])
#   STATIC_PROBES_CHECK([PROVIDER.d ...])
#
# DESCRIPTION
#
#   Adds the configure options
#
#     --with-dtrace          static probes on; configure stops with a clear
#                            message when no working dtrace tool is found
#     --with-dtrace=PATH     static probes on, using the tool at PATH
#     --with-dtrace=check    static probes on when a working tool is found
#     --without-dtrace       no-op probe macros (the default, unless DEFAULT
#                            says yes or check)
#     --disable-probe-check  no post-link check in "make check" (it is on by
#                            default when the tool is probe-build, or when
#                            probe-build writes the headers for Oracle's
#                            DTrace; --enable-probe-check asks for it with
#                            any tool)
#     --disable-probe-trace  skip the trace tests of "make check"
#                            (STATIC_PROBES_TRACE_TEST in static-probes.am;
#                            by default they run where probe-build trace
#                            can run them; --enable-probe-trace stops
#                            configure where it cannot)
#
#   and the precious variables DTRACE (the tool: a DTrace, SystemTap's
#   dtrace wrapper, or "probe-build dtrace"), DTRACEFLAGS (given to every
#   call of the tool, -h and -G alike) and STATIC_PROBES_PROBE_BUILD
#   (probe-build, for the helpers), honored from the environment and from
#   configure's command line (./configure DTRACE=... DTRACEFLAGS=...).
#
#   STATIC_PROBES_INIT finds the tool (--with-dtrace=PATH, else $DTRACE,
#   else "dtrace" in PATH or /usr/sbin, else "probe-build dtrace") and
#   learns what it needs by trying it on a small provider file, never by the
#   name of the system: whether "$DTRACE -h" works, which tool answered,
#   whether its header compiles with the project's compiler and flags,
#   whether programs link without a "dtrace -G" object, and if not, whether
#   -G needs the program's objects, whether it rewrites them (Solaris,
#   illumos, FreeBSD, Oracle Linux), whether -G needs -32/-64 or -xnolibs,
#   how programs link the rewritten objects (as they are, after an objcopy
#   pass, or with -no-pie), whether linking needs -lelf, and whether the -G
#   object keeps the objects' CET or BTI/PAC marks (a warning otherwise).
#   Oracle's DTrace for Linux is told by its header (its is-enabled call
#   stores a flag, __dtraceenabled_PROV___NAME(uint32_t *)); its headers
#   then come from `probe-build header --flavor oracle' when probe-build is
#   at hand. Each result is cached (static_probes_cv_*) and printed.
#
#   When probes are on it defines HAVE_STATIC_PROBES (AC_DEFINE) and adds
#   what linking needs (-lelf) to LIBS. It always sets:
#
#     AC_SUBST:       STATIC_PROBES (yes or no), STATIC_PROBES_G_MODE (none:
#                     no -G object; stub: -G writes an object without
#                     touching the program's; rewrite: -G rewrites them),
#                     STATIC_PROBES_GFLAGS (-64, -xnolibs, ...: -G only),
#                     STATIC_PROBES_HFLAGS (-h only),
#                     STATIC_PROBES_HEADER_CMD (the command writing the
#                     headers in place of $DTRACE -h; empty: that),
#                     STATIC_PROBES_OBJCOPY (run over rewritten objects),
#                     STATIC_PROBES_NO_PIE (yes or no),
#                     STATIC_PROBES_LIBS, STATIC_PROBES_SH (the build
#                     helper), STATIC_PROBES_POSTLINK (yes or no: the
#                     post-link check), STATIC_PROBES_LIST (the
#                     `probe-build list` command it runs),
#                     STATIC_PROBES_TRACE (yes or no: the trace tests run),
#                     STATIC_PROBES_TRACER (probe-build),
#                     STATIC_PROBES_TRACE_REASON (why they do not),
#                     STATIC_PROBES_PROVIDER_FILES and
#                     STATIC_PROBES_HEADER_FILES (see below), DTRACE,
#                     DTRACEFLAGS
#     AM_CONDITIONAL: STATIC_PROBES_ENABLED, STATIC_PROBES_NEED_OBJECT
#
#   The build steps are done by static-probes.sh, which must sit in the
#   package's auxiliary folder (AC_CONFIG_AUX_DIR); static-probes.am holds
#   the make rules for automake. With probes off the header of no-op macros
#   is written by static-probes.sh with sh and awk alone, so such a build
#   needs no DTrace, no SystemTap and no Rust.
#
#   STATIC_PROBES_PROVIDERS names the package's provider files (relative to
#   $srcdir), checks each as STATIC_PROBES_CHECK does, and writes its header
#   into the build folder (DIR/NAME.d gives DIR/NAME.h; make remakes it
#   when the provider changes, and distclean removes it). It never writes
#   over a header that was not generated (the package's own NAME.h beside
#   NAME.d): configure stops instead. With it, the rules of static-probes.am
#   need one line per target that holds probe sites (the short form).
#
#   STATIC_PROBES_CHECK runs the header step over each of the package's
#   provider files (relative to $srcdir) at configure time and compiles the
#   result, so that a broken provider file or a tool that cannot read it
#   stops configure with a message naming the file and line, instead of
#   failing later in make. Whatever the tool, the step first reads the file
#   with static-probes.sh's own strict reader (a lenient tool, such as
#   SystemTap's dtrace, drops what it cannot parse and exits 0), then checks
#   that the tool's header defines the macro of every declared probe with
#   as many arguments. It writes no file: the package's own rules make the
#   header (the long form). Both macros require STATIC_PROBES_INIT (with
#   its default) and list the files in STATIC_PROBES_PROVIDER_FILES.
#
#   Example configure.ac:
#
#     AC_INIT([hello], [1.0])
#     AC_CONFIG_AUX_DIR([build-aux])
#     AC_CONFIG_MACRO_DIRS([m4])
#     AM_INIT_AUTOMAKE([foreign])
#     AC_PROG_CC
#     LT_INIT
#     STATIC_PROBES_INIT
#     STATIC_PROBES_PROVIDERS([hello_probes.d])
#     AC_CONFIG_HEADERS([config.h])
#     AC_CONFIG_FILES([Makefile])
#     AC_OUTPUT
#
#   Example Makefile.am, a program linked with a libtool library (see
#   static-probes.am for the long form):
#
#     include $(top_srcdir)/build-aux/static-probes.am
#     lib_LTLIBRARIES = libgreet.la
#     libgreet_la_SOURCES = greet.c
#     libgreet_la_LDFLAGS = -version-info 0:0:0
#     libgreet_la_LINK = $(STATIC_PROBES_LINK) $(libgreet_la_LDFLAGS)
#     bin_PROGRAMS = hello
#     hello_SOURCES = hello.c
#     hello_LDADD = libgreet.la
#     hello_LINK = $(STATIC_PROBES_LINK)
#
#   Installation: copy static_probes.m4 into the package's macro folder
#   (or into `aclocal --print-ac-dir`), and static-probes.sh and
#   static-probes.am into its auxiliary folder.
#
# LICENSE
#
#   Copyright (c) 2026 The StaticProbes authors
#
#   Copying and distribution of this file, with or without modification, are
#   permitted in any medium without royalty provided the copyright notice
#   and this notice are preserved.  This file is offered as-is, without any
#   warranty.

#serial 4

AC_DEFUN([STATIC_PROBES_INIT], [dnl
AC_REQUIRE([AC_PROG_CC])dnl
AC_REQUIRE([AC_PROG_AWK])dnl
AC_REQUIRE_AUX_FILE([static-probes.sh])dnl
AC_ARG_VAR([DTRACE],
  [the dtrace tool: a DTrace, SystemTap's dtrace wrapper, or "probe-build dtrace"])dnl
AC_ARG_VAR([DTRACEFLAGS], [flags for every call of $DTRACE (-h and -G)])dnl
AC_ARG_VAR([STATIC_PROBES_PROBE_BUILD],
  [probe-build, for the headers for Oracle's DTrace, the post-link check and
   the trace tests (default: the tool when it is probe-build, else found in
   PATH)])dnl
AC_ARG_WITH([dtrace],
  [AS_HELP_STRING([--with-dtrace@<:@=PATH|check@:>@],
    [static probes from DTrace provider files: "yes" requires a working
     dtrace tool, PATH names it, "check" uses one when it works; default:
     ]m4_default([$1], [no]))],
  [], [with_dtrace=m4_default([$1], [no])])dnl
AC_ARG_ENABLE([probe-check],
  [AS_HELP_STRING([--disable-probe-check],
    [do not check in "make check" that every declared probe has a site in
     the linked programs and libraries (on by default when the dtrace tool
     is probe-build; --enable-probe-check asks for it with any tool)])],
  [], [enable_probe_check=auto])dnl
AC_ARG_ENABLE([probe-trace],
  [AS_HELP_STRING([--disable-probe-trace],
    [skip the tests that run programs under `probe-build trace' in "make
     check" (STATIC_PROBES_TRACE_TEST; by default they run where they can
     and are skipped, saying why, elsewhere; --enable-probe-trace stops
     configure where they cannot run)])],
  [], [enable_probe_trace=auto])dnl
_STATIC_PROBES_SHELL_FNS
static_probes=no
static_probes_g_mode=none
static_probes_gflags=
static_probes_hflags=
static_probes_header_cmd=
static_probes_objcopy=
static_probes_no_pie=no
static_probes_libs=
static_probes_aux=`cd "$ac_aux_dir" && pwd`
STATIC_PROBES_SH="\${SHELL} '$static_probes_aux/static-probes.sh'"
AS_IF([test -f "$static_probes_aux/static-probes.sh"], [],
  [AC_MSG_ERROR([static-probes.sh is missing from $ac_aux_dir: copy it there from StaticProbes' autoconf folder])])
AS_CASE([$with_dtrace],
  [no], [static_probes_want=no],
  [yes|check], [static_probes_want=$with_dtrace],
  [static_probes_want=yes
   AS_CASE([$with_dtrace],
     [*/*], [AS_IF([test -d "$with_dtrace" || test ! -x "$with_dtrace"],
        [AC_MSG_ERROR([--with-dtrace=$with_dtrace: no such executable file])])
        dnl make runs the tool from other folders: make the name absolute.
        AS_CASE([$with_dtrace],
          [/*], [DTRACE=$with_dtrace],
          [DTRACE=`pwd`/$with_dtrace])],
     [static_probes_named=`command -v "$with_dtrace" 2>/dev/null`
      AS_CASE([$static_probes_named],
        [/*], [DTRACE=$static_probes_named],
        [AC_MSG_ERROR([--with-dtrace=$with_dtrace: not found in PATH])])])])
AS_IF([test "$static_probes_want" != no], [_STATIC_PROBES_DETECT])
AS_IF([test "$static_probes" = yes],
  [AC_DEFINE([HAVE_STATIC_PROBES], [1],
     [Define to 1 if static probes (DTrace/SystemTap markers) are compiled in.])
   AS_IF([test -n "$static_probes_libs"], [LIBS="$static_probes_libs $LIBS"])])
AC_MSG_CHECKING([whether to compile in static probes])
AC_MSG_RESULT([$static_probes])
_STATIC_PROBES_POSTLINK
_STATIC_PROBES_TRACE
STATIC_PROBES=$static_probes
STATIC_PROBES_G_MODE=$static_probes_g_mode
STATIC_PROBES_GFLAGS=$static_probes_gflags
STATIC_PROBES_HFLAGS=$static_probes_hflags
STATIC_PROBES_HEADER_CMD=$static_probes_header_cmd
STATIC_PROBES_OBJCOPY=$static_probes_objcopy
STATIC_PROBES_NO_PIE=$static_probes_no_pie
STATIC_PROBES_LIBS=$static_probes_libs
AC_SUBST([STATIC_PROBES])dnl
AC_SUBST([STATIC_PROBES_G_MODE])dnl
AC_SUBST([STATIC_PROBES_GFLAGS])dnl
AC_SUBST([STATIC_PROBES_HFLAGS])dnl
AC_SUBST([STATIC_PROBES_HEADER_CMD])dnl
AC_SUBST([STATIC_PROBES_OBJCOPY])dnl
AC_SUBST([STATIC_PROBES_NO_PIE])dnl
AC_SUBST([STATIC_PROBES_LIBS])dnl
AC_SUBST([STATIC_PROBES_SH])dnl
AC_SUBST([STATIC_PROBES_POSTLINK])dnl
AC_SUBST([STATIC_PROBES_LIST])dnl
AC_SUBST([STATIC_PROBES_TRACE])dnl
AC_SUBST([STATIC_PROBES_TRACER])dnl
AC_SUBST([STATIC_PROBES_TRACE_REASON])dnl
STATIC_PROBES_PROVIDER_FILES=
STATIC_PROBES_HEADER_FILES=
AC_SUBST([STATIC_PROBES_PROVIDER_FILES])dnl
AC_SUBST([STATIC_PROBES_HEADER_FILES])dnl
m4_ifdef([AM_CONDITIONAL], [dnl
AM_CONDITIONAL([STATIC_PROBES_ENABLED], [test "$static_probes" = yes])dnl
AM_CONDITIONAL([STATIC_PROBES_NEED_OBJECT],
  [test "$static_probes" = yes && test "$static_probes_g_mode" != none])dnl
])dnl
])# STATIC_PROBES_INIT


# _STATIC_PROBES_FIND_PROBE_BUILD
# -------------------------------
# Sets static_probes_pb to probe-build, for the helpers (the headers for
# Oracle's DTrace, the post-link check, trace tests): the tool itself when
# it is probe-build (the first word of DTRACE, or what a link named dtrace
# points at, which does not act as probe-build under that name), else
# STATIC_PROBES_PROBE_BUILD or probe-build in PATH; empty when none.
AC_DEFUN([_STATIC_PROBES_FIND_PROBE_BUILD], [dnl
AS_IF([test "${static_probes_pb_searched-}" != yes], [dnl
  static_probes_pb_searched=yes
  static_probes_pb=
  static_probes_prog=
  dnl Only a tool whose header says so is asked whether it is probe-build.
  AS_CASE([$static_probes_cv_kind], [probe-build*], [set dummy $DTRACE
    static_probes_prog=${2-}])
  AS_CASE([$static_probes_prog],
    [*/dtrace|dtrace],
      [static_probes_to=`ls -l "$static_probes_prog" 2>/dev/null | sed -n 's/.* -> //p'`
       AS_CASE([$static_probes_to],
         [/*], [static_probes_prog=$static_probes_to],
         [?*], [static_probes_prog=`dirname "$static_probes_prog"`/$static_probes_to])])
  AS_IF([test -n "$static_probes_prog" &&
         "$static_probes_prog" list --help 2>/dev/null | grep -e --check >/dev/null],
    [static_probes_pb=$static_probes_prog],
    [AS_IF([test -z "$STATIC_PROBES_PROBE_BUILD"],
       [AC_PATH_PROG([STATIC_PROBES_PROBE_BUILD], [probe-build])])
     static_probes_pb=$STATIC_PROBES_PROBE_BUILD])])
])


# _STATIC_PROBES_POSTLINK
# -----------------------
# Whether "make check" runs `probe-build list --check` over the linked
# programs and libraries (static-probes.am): by default when the tool is
# probe-build (as "probe-build dtrace" or a link named dtrace) or when
# probe-build writes the headers (for Oracle's DTrace: it reads the DOF
# too), with any tool for --enable-probe-check (probe-build must then be
# found), never for --disable-probe-check. Sets STATIC_PROBES_POSTLINK
# (yes or no) and STATIC_PROBES_LIST (the `probe-build list` command).
AC_DEFUN([_STATIC_PROBES_POSTLINK], [dnl
STATIC_PROBES_POSTLINK=no
STATIC_PROBES_LIST=
AS_CASE([$static_probes:$enable_probe_check:$static_probes_cv_kind:$static_probes_header_cmd],
  [yes:yes:*|yes:auto:probe-build*|yes:auto:Oracle*:?*], [dnl
   _STATIC_PROBES_FIND_PROBE_BUILD
   AS_IF([test -n "$static_probes_pb" &&
          "$static_probes_pb" list --help 2>/dev/null | grep -e --check >/dev/null],
     [STATIC_PROBES_LIST="$static_probes_pb list"
      STATIC_PROBES_POSTLINK=yes])
   AS_IF([test "$STATIC_PROBES_POSTLINK:$enable_probe_check" = no:yes],
     [AC_MSG_ERROR([--enable-probe-check: probe-build (with `list --check') is not found in PATH nor behind DTRACE=$DTRACE])])])
AC_MSG_CHECKING([whether make check checks that every probe has a site])
AC_MSG_RESULT([$STATIC_PROBES_POSTLINK${STATIC_PROBES_LIST:+ ($STATIC_PROBES_LIST --check)}])
])


# _STATIC_PROBES_TRACE
# --------------------
# Whether the tests of STATIC_PROBES_TRACE_TEST (static-probes.am) can run
# programs under `probe-build trace', which reads SDT notes with ptrace, as
# the user running make check: probes on with SDT notes (probe-build or
# SystemTap's wrapper), not cross-compiling, Linux on x86_64 or aarch64,
# and a probe-build with `trace'. Sets STATIC_PROBES_TRACE (yes or no),
# STATIC_PROBES_TRACER (probe-build) and STATIC_PROBES_TRACE_REASON (why
# not; the tests print it when they skip). --enable-probe-trace stops
# configure when they cannot run, --disable-probe-trace skips them.
AC_DEFUN([_STATIC_PROBES_TRACE], [dnl
STATIC_PROBES_TRACE=no
STATIC_PROBES_TRACER=
STATIC_PROBES_TRACE_REASON=
static_probes_system=`(uname -s) 2>/dev/null`:`(uname -m) 2>/dev/null`
AS_IF([test "$enable_probe_trace" = no],
  [STATIC_PROBES_TRACE_REASON="configure --disable-probe-trace"],
  [test "$static_probes" != yes],
  [STATIC_PROBES_TRACE_REASON="static probes are off (configure --with-dtrace turns them on)"],
  [AS_CASE([$static_probes_cv_kind], [probe-build*|SystemTap*], [false], [:])],
  [STATIC_PROBES_TRACE_REASON="the probes are DTrace probes (DOF), not the SDT notes probe-build trace reads; trace them with dtrace"],
  [test "$cross_compiling" = yes],
  [STATIC_PROBES_TRACE_REASON="cross-compiling: the programs do not run on this machine"],
  [AS_CASE([$static_probes_system], [Linux:x86_64|Linux:aarch64], [false], [:])],
  [STATIC_PROBES_TRACE_REASON="probe-build trace runs on Linux x86_64 and aarch64, not on this machine ($static_probes_system)"],
  [_STATIC_PROBES_FIND_PROBE_BUILD
   AS_IF([test -z "$static_probes_pb"],
     [STATIC_PROBES_TRACE_REASON="probe-build was not found (give its path in STATIC_PROBES_PROBE_BUILD)"],
     [AS_IF(["$static_probes_pb" trace --help >/dev/null 2>&1],
       [STATIC_PROBES_TRACE=yes
        STATIC_PROBES_TRACER=$static_probes_pb],
       [STATIC_PROBES_TRACE_REASON="$static_probes_pb has no trace command (an older probe-build)"])])])
AC_MSG_CHECKING([whether make check traces probes (probe-build trace)])
AS_IF([test "$STATIC_PROBES_TRACE" = yes],
  [AC_MSG_RESULT([yes ($STATIC_PROBES_TRACER trace)])],
  [AC_MSG_RESULT([no: $STATIC_PROBES_TRACE_REASON])
   AS_IF([test "$enable_probe_trace" = yes],
     [AC_MSG_ERROR([--enable-probe-trace: the trace tests cannot run: $STATIC_PROBES_TRACE_REASON])])])
])


# _STATIC_PROBES_SHELL_FNS
# ------------------------
# Shell helpers for the checks: run a command with its output in
# config.log, and give up (or, for --with-dtrace=check, turn probes off).
AC_DEFUN([_STATIC_PROBES_SHELL_FNS], [dnl
static_probes_run ()
{
  AS_ECHO(["$as_me:${as_lineno-$LINENO}: $[*]"]) >&AS_MESSAGE_LOG_FD
  "$[@]" >&AS_MESSAGE_LOG_FD 2>&1
  static_probes_status=$?
  AS_ECHO(["$as_me:${as_lineno-$LINENO}: \$? = $static_probes_status"]) >&AS_MESSAGE_LOG_FD
  return $static_probes_status
}
static_probes_give_up ()
{
  rm -f conftest_sp*
  AS_IF([test "$static_probes_want" = check],
    [AC_MSG_WARN([static probes off: $[1]])
     static_probes=no static_probes_want=no],
    [AC_MSG_ERROR([--with-dtrace: $[1]])])
}
])


# _STATIC_PROBES_DETECT
# ---------------------
# Finds the tool and tries it; sets static_probes, static_probes_g_mode,
# static_probes_gflags and static_probes_libs.
AC_DEFUN([_STATIC_PROBES_DETECT], [dnl
AS_IF([test -z "$DTRACE"],
  [dnl Solaris, illumos, FreeBSD and macOS keep dtrace in /usr/sbin,
   dnl which is often not in a user's PATH.
   AC_PATH_PROG([DTRACE], [dtrace], [], [$PATH$PATH_SEPARATOR/usr/sbin])
   AS_IF([test -z "$DTRACE"],
     [AC_PATH_PROG([STATIC_PROBES_PROBE_BUILD], [probe-build])
      AS_IF([test -n "$STATIC_PROBES_PROBE_BUILD"],
        [DTRACE="$STATIC_PROBES_PROBE_BUILD dtrace"])])],
  [AC_MSG_CHECKING([for dtrace])
   AC_MSG_RESULT([$DTRACE])])
static_probes=yes
AS_IF([test -z "$DTRACE"],
  [static_probes_give_up "no dtrace tool found (looked for dtrace and probe-build in PATH); install one, or name it with --with-dtrace=PATH or DTRACE=..."])
AS_IF([test "$static_probes" = yes], [dnl
  set dummy $DTRACE
  static_probes_prog=$[2]
  AS_CASE([$static_probes_prog],
    [*/*], [test -f "$static_probes_prog" && test -x "$static_probes_prog"],
    [command -v "$static_probes_prog" >/dev/null 2>&1]) ||
    static_probes_give_up "DTRACE=$DTRACE: $static_probes_prog is not an executable file"])
# Results cached for another tool do not hold for this one.
AS_IF([test "${static_probes_cv_tool+set}" = set &&
       test "$static_probes_cv_tool" != "$DTRACE $DTRACEFLAGS"],
  [AS_UNSET([static_probes_cv_h])
   AS_UNSET([static_probes_cv_kind])
   AS_UNSET([static_probes_cv_h_compiles])
   AS_UNSET([static_probes_cv_link_without_g])
   AS_UNSET([static_probes_cv_g_mode])
   AS_UNSET([static_probes_cv_g_flags])
   AS_UNSET([static_probes_cv_g_libs])
   AS_UNSET([static_probes_cv_header_cmd])
   AS_UNSET([static_probes_cv_g_link])
   AS_UNSET([static_probes_cv_g_marks])])
static_probes_cv_tool="$DTRACE $DTRACEFLAGS"
static_probes_tool="$DTRACE${DTRACEFLAGS:+ $DTRACEFLAGS}"
AS_IF([test "$static_probes" = yes], [_STATIC_PROBES_TRY])
rm -f conftest_sp*
])


# _STATIC_PROBES_CONFTEST
# -----------------------
# Writes the test provider file, its header and the test program's object.
AC_DEFUN([_STATIC_PROBES_CONFTEST], [dnl
cat >conftest_sp.d <<_SPEOF
/* A provider for configure's checks. */
provider static_probes_conftest {
	probe ping(int, char *);
	probe tick();
};
_SPEOF
cat >conftest_sp.c <<_SPEOF
_STATIC_PROBES_PROGRAM
_SPEOF
])

m4_define([_STATIC_PROBES_PROGRAM], [[#include "conftest_sp.h"
int
main (void)
{
  char text[8] = "probe";
  int n = 1;
  if (STATIC_PROBES_CONFTEST_PING_ENABLED ())
    n = 2;
  STATIC_PROBES_CONFTEST_PING (n, text);
  STATIC_PROBES_CONFTEST_TICK ();
  return n == 42;
}
]])


# _STATIC_PROBES_TRY
# ------------------
AC_DEFUN([_STATIC_PROBES_TRY], [dnl
AC_LANG_PUSH([C])dnl
_STATIC_PROBES_CONFTEST
# The header step of the checks: "$static_probes_hcmd FILE.d -o OUT.h",
# the tool's `-h -s` (or, for Oracle's DTrace, probe-build's header).
static_probes_hcmd="$DTRACE $DTRACEFLAGS -h -s"
static_probes_hname="$DTRACE -h"
static_probes_header ()
{
  test -s conftest_sp.h ||
    static_probes_run $static_probes_hcmd conftest_sp.d -o conftest_sp.h
}
AC_CACHE_CHECK([whether $DTRACE -h works], [static_probes_cv_h],
  [static_probes_cv_h=no
   dnl Oracle's D libraries follow the running kernel and may not load on
   dnl a build host; -h needs none of them.
   for static_probes_hf in '' -xnolibs; do
     rm -f conftest_sp.h
     AS_IF([static_probes_run $DTRACE $DTRACEFLAGS $static_probes_hf -h -s conftest_sp.d -o conftest_sp.h &&
            test -s conftest_sp.h],
       [static_probes_cv_h=yes${static_probes_hf:+, with $static_probes_hf}
        break])
   done])
AS_CASE([$static_probes_cv_h],
  [*-xnolibs], [static_probes_hflags=-xnolibs
    static_probes_hcmd="$DTRACE $DTRACEFLAGS -xnolibs -h -s"])
AS_CASE([$static_probes_cv_h], [yes*], [],
  [static_probes_give_up "$static_probes_tool -h does not work on a small provider file (see config.log)"])
AS_IF([test "$static_probes" = yes], [dnl
AC_CACHE_CHECK([which dtrace $DTRACE is], [static_probes_cv_kind],
  [static_probes_cv_kind="unknown"
   AS_IF([static_probes_header], [dnl
   if grep 'probe-build' conftest_sp.h >/dev/null 2>&1; then
     static_probes_cv_kind="probe-build dtrace (SystemTap SDT notes)"
   elif grep 'sys/sdt.h' conftest_sp.h >/dev/null 2>&1; then
     static_probes_cv_kind="SystemTap's dtrace wrapper (SDT notes)"
   elif grep '__dtrace_probe\$' conftest_sp.h >/dev/null 2>&1; then
     static_probes_cv_kind="DTrace, macOS style (the linker makes the probes)"
   elif grep '__dtraceenabled_static_probes_conftest___ping(uint32_t \*' conftest_sp.h >/dev/null 2>&1; then
     dnl illumos' probe calls, but an is-enabled call that stores a flag
     dnl through its pointer: Oracle's DTrace for Linux.
     static_probes_v=`$DTRACE -V 2>&1 | sed 's/^dtrace: //; 1q'`
     static_probes_cv_kind="Oracle's DTrace for Linux ($static_probes_v)"
   elif grep '__dtrace_static_probes_conftest___' conftest_sp.h >/dev/null 2>&1; then
     static_probes_cv_kind="DTrace, Solaris style (dtrace -G makes the probes)"
   fi])])
AS_CASE([$static_probes_cv_kind], [Oracle*], [_STATIC_PROBES_ORACLE_HEADER])
AC_CACHE_CHECK([whether the $static_probes_hname header compiles], [static_probes_cv_h_compiles],
  [static_probes_cv_h_compiles=no
   AS_IF([static_probes_header],
     [AC_COMPILE_IFELSE([AC_LANG_SOURCE([_STATIC_PROBES_PROGRAM])],
       [static_probes_cv_h_compiles=yes])])])
AS_IF([test "$static_probes_cv_h_compiles" != yes],
  [static_probes_cc=`echo $CC $CPPFLAGS $CFLAGS`
   static_probes_give_up "the header from $static_probes_hname does not compile with $static_probes_cc (see config.log)"])
])
AS_IF([test "$static_probes" = yes], [dnl
AC_CACHE_CHECK([whether programs link without a dtrace -G object], [static_probes_cv_link_without_g],
  [static_probes_cv_link_without_g=no
   AS_IF([static_probes_header],
     [AC_LINK_IFELSE([AC_LANG_SOURCE([_STATIC_PROBES_PROGRAM])],
       [static_probes_cv_link_without_g=yes])])])
])
AS_IF([test "$static_probes" = yes && test "$static_probes_cv_link_without_g" = yes],
  [static_probes_g_mode=none])
AS_IF([test "$static_probes" = yes && test "$static_probes_cv_link_without_g" = no], [dnl
AC_CACHE_CHECK([how $DTRACE -G makes the probe object], [static_probes_cv_g_mode],
  [_STATIC_PROBES_TRY_G])
AS_CASE([$static_probes_cv_g_mode],
  [stub*|rewrite*], [static_probes_g_mode=`echo "$static_probes_cv_g_mode" | sed 's/ .*//'`
    static_probes_gflags=$static_probes_cv_g_flags],
  [static_probes_give_up "$static_probes_tool -G fails, with and without the program's objects and with -32/-64 and -xnolibs (see config.log)"])
])
AS_IF([test "$static_probes" = yes && test "$static_probes_g_mode" != none], [dnl
AC_MSG_CHECKING([for the flags -G needs])
AC_MSG_RESULT([${static_probes_gflags:-none}])
_STATIC_PROBES_G_LINK
])
AC_LANG_POP([C])dnl
])


# _STATIC_PROBES_ORACLE_HEADER
# ----------------------------
# Oracle's DTrace for Linux: the headers come from `probe-build header
# --flavor oracle' when probe-build is at hand (the same probe calls and
# is-enabled flag as Oracle's own `dtrace -h', with const-correct
# prototypes: Oracle's header declares `char *' for `const char *'
# arguments, a warning in C), else from the tool's own -h. Sets
# static_probes_header_cmd (empty: the tool's -h), static_probes_hcmd and
# static_probes_hname.
AC_DEFUN([_STATIC_PROBES_ORACLE_HEADER], [dnl
_STATIC_PROBES_FIND_PROBE_BUILD
# The preprocessor flags of DTRACEFLAGS (-C, -I, -D, -U), which probe-build
# header takes too.
static_probes_ppflags=
static_probes_next=
for static_probes_f in $DTRACEFLAGS; do
  if test -n "$static_probes_next"; then
    static_probes_ppflags="$static_probes_ppflags $static_probes_f"
    static_probes_next=
    continue
  fi
  case $static_probes_f in
    -C|-I?*|-D?*|-U?*) static_probes_ppflags="$static_probes_ppflags $static_probes_f" ;;
    -I|-D|-U) static_probes_ppflags="$static_probes_ppflags $static_probes_f"; static_probes_next=yes ;;
  esac
done
AC_CACHE_CHECK([which command writes the probe headers], [static_probes_cv_header_cmd],
  [static_probes_cv_header_cmd="$DTRACE -h"
   rm -f conftest_sp_pb.h
   AS_IF([test -n "$static_probes_pb" &&
          static_probes_run $static_probes_pb header --flavor oracle $static_probes_ppflags conftest_sp.d -o conftest_sp_pb.h &&
          test -s conftest_sp_pb.h],
     [static_probes_cv_header_cmd="$static_probes_pb header --flavor oracle"])])
AS_CASE([$static_probes_cv_header_cmd],
  [*" header --flavor oracle"],
    [static_probes_header_cmd=$static_probes_cv_header_cmd
     static_probes_hcmd="$static_probes_header_cmd$static_probes_ppflags"
     static_probes_hname=$static_probes_header_cmd
     rm -f conftest_sp.h])
])


# _STATIC_PROBES_G_LINK
# ---------------------
# How programs link with the -G object: with a tool that rewrites the
# objects, as they are, after an objcopy pass over them, or with -no-pie;
# with -lelf or without; and whether they keep the hardening marks of their
# objects. Sets static_probes_objcopy, static_probes_no_pie and
# static_probes_libs.
AC_DEFUN([_STATIC_PROBES_G_LINK], [dnl
# static_probes_g_ready WAY: conftest_sp.o and the -G object, made afresh
# (over the object, as make does: a tool may take the target from it), then
# WAY: "objcopy" runs $OBJCOPY over the rewritten object.
static_probes_g_ready ()
{
  _STATIC_PROBES_G_OBJECT([$static_probes_gflags], [yes]) || return 1
  case $[1] in
    objcopy)
      static_probes_run $OBJCOPY conftest_sp.$ac_objext conftest_sp_oc.$ac_objext &&
        mv -f conftest_sp_oc.$ac_objext conftest_sp.$ac_objext ;;
  esac
}
# static_probes_g_link WAY LIBS: links the program with the -G object.
static_probes_g_link ()
{
  static_probes_extra=
  test "$[1]" != -no-pie || static_probes_extra=-no-pie
  rm -f conftest_sp$ac_exeext
  static_probes_run $CC $CFLAGS $LDFLAGS $static_probes_extra -o conftest_sp$ac_exeext conftest_sp.$ac_objext conftest_sp_probes.$ac_objext $[2] $LIBS
}
static_probes_way=plain
AS_IF([test "$static_probes_g_mode" = rewrite], [dnl
  dnl GNU ld refuses the relocations Oracle's -G leaves at the sites
  dnl (R_X86_64_NONE against a symbol in SHN_SUNW_IGNORE) in a PIE;
  dnl objcopy writes them against symbol 0, which it takes.
  AC_CHECK_TOOL([OBJCOPY], [objcopy])
  AC_CACHE_CHECK([how programs link the objects $DTRACE -G rewrote], [static_probes_cv_g_link],
    [static_probes_cv_g_link=failed
     for static_probes_w in plain objcopy -no-pie; do
       test "$static_probes_w" != objcopy || test -n "$OBJCOPY" || continue
       static_probes_g_ready "$static_probes_w" || continue
       for static_probes_lib in '' -lelf; do
         AS_IF([static_probes_g_link "$static_probes_w" "$static_probes_lib"],
           [AS_CASE([$static_probes_w],
              [plain], [static_probes_cv_g_link="as they are"],
              [objcopy], [static_probes_cv_g_link="after an objcopy pass ($OBJCOPY)"],
              [static_probes_cv_g_link="with -no-pie"])
            break 2])
       done
     done])
  AS_CASE([$static_probes_cv_g_link],
    [after*], [static_probes_way=objcopy
      static_probes_objcopy=$OBJCOPY],
    [with*], [static_probes_way=-no-pie
      static_probes_no_pie=yes
      AS_IF([test -n "$OBJCOPY"],
        [static_probes_why="an objcopy pass over the rewritten objects ($OBJCOPY) did not make a PIE link"],
        [static_probes_why="no objcopy was found to rewrite them first (set OBJCOPY)"])
      AC_MSG_WARN([programs with probes are linked with -no-pie, without address randomisation of the executable: GNU ld refuses the relocations $DTRACE -G leaves in the objects of a position-independent executable, and $static_probes_why (see config.log)])])])
AC_CACHE_CHECK([for the libraries a program with a -G object needs], [static_probes_cv_g_libs],
  [static_probes_cv_g_libs=failed
   AS_IF([static_probes_g_ready "$static_probes_way"], [dnl
   for static_probes_lib in '' -lelf; do
     AS_IF([static_probes_g_link "$static_probes_way" "$static_probes_lib"],
       [static_probes_cv_g_libs=${static_probes_lib:-none}; break])
   done])])
AS_CASE([$static_probes_cv_g_libs],
  [none], [],
  [failed], [static_probes_give_up "a program does not link with the $DTRACE -G object, with or without -lelf (see config.log)"],
  [static_probes_libs=$static_probes_cv_g_libs])
dnl The marks of CET (x86 IBT, SHSTK) and AArch64 (BTI, PAC) in a GNU
dnl property note: the linker keeps a mark only when every object has it,
dnl so the -G object (and the objects it rewrote) must carry those of the
dnl compiler's objects. (The program itself is not compared: where the C
dnl library's start files have no marks, as on Debian 12, no program keeps
dnl any, with or without probes.)
AS_IF([test "$static_probes" = yes], [dnl
AC_CHECK_TOOL([READELF], [readelf])
AS_IF([test -n "$READELF"], [dnl
AC_CACHE_CHECK([whether the $DTRACE -G object keeps the hardening marks of the objects], [static_probes_cv_g_marks],
  [static_probes_cv_g_marks="cannot tell"
   AS_IF([static_probes_g_ready "$static_probes_way"], [dnl
     static_probes_marks ()
     {
       $READELF -n "$[1]" 2>/dev/null | sed -n 's/.* feature: //p' | tr ',' ' '
     }
     static_probes_want_marks=`static_probes_marks conftest_sp_orig.$ac_objext`
     static_probes_lost=
     for static_probes_m in $static_probes_want_marks; do
       for static_probes_o in conftest_sp_probes.$ac_objext conftest_sp.$ac_objext; do
         case " `static_probes_marks $static_probes_o` " in
           *" $static_probes_m "*) ;;
           *) static_probes_lost="$static_probes_lost${static_probes_lost:+, }$static_probes_m"
              break ;;
         esac
       done
     done
     AS_IF([test -n "$static_probes_lost"],
       [static_probes_cv_g_marks="no, $static_probes_lost lost"],
       [AS_IF([test -n "$static_probes_want_marks"],
         [static_probes_cv_g_marks=yes],
         [static_probes_cv_g_marks="yes (the compiler's have none)"])])])])
AS_CASE([$static_probes_cv_g_marks],
  [no,*], [static_probes_lost=`echo "$static_probes_cv_g_marks" | sed 's/^no, //; s/ lost$//'`
    AC_MSG_WARN([programs and libraries with probes lose the $static_probes_lost marks their objects carry: the object $DTRACE -G writes has no GNU property note with them, and the linker keeps a mark only when every object has it; they run without that protection (CET or BTI/PAC) even where the compiler flags ask for it])])
])])
])


# _STATIC_PROBES_G_OBJECT(FLAGS, [WITH-OBJECTS])
# ----------------------------------------------
# Compiles conftest_sp.c afresh and runs -G with FLAGS, over the object
# when WITH-OBJECTS is "yes" (or when the cached mode says the tool needs it).
AC_DEFUN([_STATIC_PROBES_G_OBJECT], [dnl
rm -f conftest_sp.$ac_objext conftest_sp_probes.$ac_objext
static_probes_header &&
  static_probes_run $CC -c $CPPFLAGS $CFLAGS conftest_sp.c -o conftest_sp.$ac_objext &&
  cp conftest_sp.$ac_objext conftest_sp_orig.$ac_objext &&
  AS_CASE([m4_default([$2], [$static_probes_cv_g_mode])],
    [yes*|rewrite*|stub\ over*],
      [static_probes_run $DTRACE $DTRACEFLAGS $1 -G -s conftest_sp.d -o conftest_sp_probes.$ac_objext conftest_sp.$ac_objext],
    [static_probes_run $DTRACE $DTRACEFLAGS $1 -G -s conftest_sp.d -o conftest_sp_probes.$ac_objext]) &&
  test -s conftest_sp_probes.$ac_objext])


# _STATIC_PROBES_TRY_G
# --------------------
# Sets static_probes_cv_g_mode to "stub", "stub over objects" (the tool
# needs the objects but leaves them alone) or "rewrite", or "failed"; and
# static_probes_cv_g_flags.
AC_DEFUN([_STATIC_PROBES_TRY_G], [dnl
static_probes_cv_g_mode=failed
static_probes_cv_g_flags=
AC_COMPUTE_INT([static_probes_ptr_size], [sizeof (void *)], [],
  [static_probes_ptr_size=0])
AS_CASE([$static_probes_ptr_size],
  [8], [static_probes_bits=-64],
  [4], [static_probes_bits=-32],
  [static_probes_bits=])
# A stub must make the program link: a tool that rewrites objects may
# still write an object without any (Oracle's does), which defines nothing.
static_probes_stub_links ()
{
  for static_probes_lib in '' -lelf; do
    rm -f conftest_sp$ac_exeext
    static_probes_run $CC $CFLAGS $LDFLAGS -o conftest_sp$ac_exeext conftest_sp.$ac_objext conftest_sp_probes.$ac_objext $static_probes_lib $LIBS &&
      return 0
  done
  return 1
}
dnl Oracle's DTrace: with -64/-32 and -xnolibs at once (its D libraries
dnl follow the running kernel and need not load on a build host).
AS_CASE([$static_probes_cv_kind],
  [Oracle*], [static_probes_flag_sets=bits+xnolibs],
  [static_probes_flag_sets="none bits xnolibs bits+xnolibs"])
for static_probes_set in $static_probes_flag_sets; do
  case $static_probes_set in
    none) static_probes_flags= ;;
    bits) static_probes_flags=$static_probes_bits ;;
    xnolibs) static_probes_flags=-xnolibs ;;
    *) static_probes_flags="$static_probes_bits -xnolibs" ;;
  esac
  static_probes_stub=no
  AS_IF([_STATIC_PROBES_G_OBJECT([$static_probes_flags], [no])],
    [AS_IF([static_probes_stub_links], [static_probes_stub=yes])])
  AS_IF([test "$static_probes_stub" = yes],
    [static_probes_cv_g_mode=stub],
    [AS_IF([_STATIC_PROBES_G_OBJECT([$static_probes_flags], [yes])],
      [AS_IF([cmp conftest_sp.$ac_objext conftest_sp_orig.$ac_objext >/dev/null 2>&1],
        [static_probes_cv_g_mode="stub over objects"],
        [static_probes_cv_g_mode=rewrite])])])
  AS_IF([test "$static_probes_cv_g_mode" != failed],
    [static_probes_cv_g_flags=$static_probes_flags
     break])
done
])


# STATIC_PROBES_CHECK([PROVIDER.d ...])
# -------------------------------------
AC_DEFUN([STATIC_PROBES_CHECK], [dnl
AC_REQUIRE([STATIC_PROBES_INIT])dnl
m4_foreach_w([static_probes_file], [$1],
  [_STATIC_PROBES_CHECK_ONE(static_probes_file)])dnl
])


# STATIC_PROBES_PROVIDERS([PROVIDER.d ...])
# -----------------------------------------
# STATIC_PROBES_CHECK, which also writes each file's header (DIR/NAME.d
# gives DIR/NAME.h in the build folder, listed in
# STATIC_PROBES_HEADER_FILES). Both list the files in
# STATIC_PROBES_PROVIDER_FILES for the rules of static-probes.am.
AC_DEFUN([STATIC_PROBES_PROVIDERS], [dnl
AC_REQUIRE([STATIC_PROBES_INIT])dnl
m4_foreach_w([static_probes_file], [$1],
  [_STATIC_PROBES_CHECK_ONE(static_probes_file, [header])])dnl
])


# _STATIC_PROBES_CHECK_ONE(PROVIDER.d, [header])
# ----------------------------------------------
m4_define([_STATIC_PROBES_CHECK_ONE], [dnl
AC_MSG_CHECKING([whether the probe header from $1 compiles])
static_probes_h=conftest_sp.h
m4_if([$2], [header], [dnl
static_probes_h=`echo "$1" | sed 's/\.d$//'`.h
# Never over a header of the package's own (CPython keeps a hand-written
# pydtrace.h beside pydtrace.d): a header made here says it was generated.
AS_IF([test -f "$srcdir/$static_probes_h" && test "`cd "$srcdir" && pwd`" != "`pwd`"],
  [AC_MSG_RESULT([no])
   AC_MSG_ERROR([$srcdir/$static_probes_h exists: STATIC_PROBES@&t@_PROVIDERS makes $static_probes_h from $1 in the build folder (if it was left by a build in the source folder, run "make distclean" there)])])
AS_IF([test -f "$static_probes_h" && sed 5q "$static_probes_h" | grep 'Generated by' >/dev/null],
  [cp "$static_probes_h" conftest_sp.old],
  [test -f "$static_probes_h"],
  [AC_MSG_RESULT([no])
   AC_MSG_ERROR([$static_probes_h was not generated: STATIC_PROBES@&t@_PROVIDERS would write it from $1; rename one of them (or use STATIC_PROBES@&t@_CHECK and a rule of your own)])])
AS_CASE([$static_probes_h], [*/*], [AS_MKDIR_P([`dirname "$static_probes_h"`])])
])dnl
rm -f conftest_sp.err
AS_ECHO(["$as_me:${as_lineno-$LINENO}: static-probes.sh header $srcdir/$1 $static_probes_h (STATIC_PROBES=$static_probes DTRACE=$DTRACE DTRACEFLAGS=$DTRACEFLAGS STATIC_PROBES_HEADER_CMD=$static_probes_header_cmd STATIC_PROBES_HFLAGS=$static_probes_hflags)"]) >&AS_MESSAGE_LOG_FD
AS_IF([STATIC_PROBES=$static_probes DTRACE=$DTRACE DTRACEFLAGS=$DTRACEFLAGS AWK=$AWK \
         STATIC_PROBES_HEADER_CMD=$static_probes_header_cmd STATIC_PROBES_HFLAGS=$static_probes_hflags \
         ${SHELL} "$static_probes_aux/static-probes.sh" header "$srcdir/$1" "$static_probes_h" 2>conftest_sp.err],
  [cat conftest_sp.err >&AS_MESSAGE_LOG_FD
   AC_COMPILE_IFELSE([AC_LANG_SOURCE([[#include "$static_probes_h"
int main (void) { return 0; }]])],
     [AC_MSG_RESULT([yes])],
     [AC_MSG_RESULT([no])
      m4_if([$2], [header], [rm -f "$static_probes_h"
      test -f conftest_sp.old && mv conftest_sp.old "$static_probes_h"])
      rm -f conftest_sp*
      AC_MSG_ERROR([the probe header made from $1 does not compile (see config.log)])])],
  [AC_MSG_RESULT([no])
   cat conftest_sp.err >&AS_MESSAGE_LOG_FD
   sed 's/^/  /' conftest_sp.err >&2
   static_probes_why=`grep -v '^static-probes.sh: ' conftest_sp.err | sed 1q`
   test -n "$static_probes_why" || static_probes_why=`sed 1q conftest_sp.err`
   rm -f conftest_sp*
   AC_MSG_ERROR([the probe header step failed on $1: $static_probes_why])])
m4_if([$2], [header], [dnl
# An unchanged header keeps its time, so nothing is rebuilt for it.
AS_IF([test -f conftest_sp.old && cmp -s conftest_sp.old "$static_probes_h"],
  [mv -f conftest_sp.old "$static_probes_h"])
AS_CASE([" $STATIC_PROBES_HEADER_FILES "], [*" $static_probes_h "*], [],
  [STATIC_PROBES_HEADER_FILES="${STATIC_PROBES_HEADER_FILES:+$STATIC_PROBES_HEADER_FILES }$static_probes_h"])
])dnl
AS_CASE([" $STATIC_PROBES_PROVIDER_FILES "], [*" $1 "*], [],
  [STATIC_PROBES_PROVIDER_FILES="${STATIC_PROBES_PROVIDER_FILES:+$STATIC_PROBES_PROVIDER_FILES }$1"])
rm -f conftest_sp*
])
