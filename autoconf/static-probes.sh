#! /bin/sh
# static-probes.sh: the build steps behind StaticProbes' autoconf support.
#
#   static-probes.sh header   PROVIDER.d OUTPUT.h
#   static-probes.sh noop-header PROVIDER.d OUTPUT.h
#   static-probes.sh object   PROVIDER.d OUTPUT.o  OBJECT.o|ARCHIVE.a...
#   static-probes.sh ltobject PROVIDER.d OUTPUT.lo OBJECT.lo...
#
# `header` runs `$DTRACE $DTRACEFLAGS -h` when STATIC_PROBES=yes, and
# otherwise writes the no-op header itself (`noop-header` always does), with
# POSIX sh and awk only: a build without probes needs no DTrace, no
# SystemTap and no Rust.
# `object` runs `$DTRACE $DTRACEFLAGS $STATIC_PROBES_GFLAGS -G` over the
# objects that hold probe sites. With STATIC_PROBES_G_MODE=rewrite (the
# Solaris, illumos and FreeBSD dtrace, which rewrites the objects' probe
# calls in place) the compiler's output is kept as OBJECT.sp-orig and -G
# always starts again from it, so a rebuild after a partial change works.
# `ltobject` does the same for libtool objects: -G over the PIC objects and
# over the non-PIC ones, then writes OUTPUT.lo naming both results.
#
# The make rules in static-probes.am set the environment from configure's
# results: STATIC_PROBES (yes|no), STATIC_PROBES_G_MODE (none|stub|rewrite),
# DTRACE, DTRACEFLAGS, STATIC_PROBES_GFLAGS, and AWK (a POSIX awk: on
# Solaris /usr/bin/awk is not one; configure's AC_PROG_AWK finds nawk).
# Outputs are written to a temporary file and renamed, so a failed step
# leaves no half-written file.
#
# This file is part of StaticProbes; copying and distribution of this file,
# with or without modification, are permitted in any medium without royalty
# provided the copyright notice and this notice are preserved. This file is
# offered as-is, without any warranty.

me=static-probes.sh

die () {
  echo "$me: error: $*" >&2
  exit 1
}

usage () {
  echo "usage: $me header|noop-header PROVIDER.d OUTPUT.h" >&2
  echo "       $me object PROVIDER.d OUTPUT.o OBJECT.o..." >&2
  echo "       $me ltobject PROVIDER.d OUTPUT.lo OBJECT.lo..." >&2
  exit 2
}

# Writes the header whose probe macros do nothing, from the provider file
# alone. It reads what every provider file has (`provider NAME { probe
# NAME(TYPES); ... };`), skips comments and preprocessor lines (so probes
# under #if are all declared: a superset is harmless for no-op macros), and
# reports what it cannot read as FILE:LINE:COL: error: MESSAGE.
noop_header () {
  ${AWK:-awk} -v file="$1" -v output="$2" '
function fail(line, col, msg) {
  printf "%s:%d:%d: error: %s\n", file, line, col, msg | "cat 1>&2"
  close("cat 1>&2")
  failed = 1
  exit 1
}
function add(t, line, col) {
  ntok++
  tok[ntok] = t
  tline[ntok] = line
  tcol[ntok] = col
}
function describe(i) {
  return i > ntok ? "end of file" : "\"" tok[i] "\""
}
function where_line(i) { return i > ntok ? lastline : tline[i] }
function where_col(i) { return i > ntok ? 1 : tcol[i] }
function expect(i, what) {
  if (tok[i] != what)
    fail(where_line(i), where_col(i), "expected \"" what "\" but found " describe(i))
}
function is_ident(t) { return t ~ /^[A-Za-z_$][A-Za-z0-9_$]*$/ }
# Skips a parenthesized list starting at token i ("("); returns the index
# after the closing ")" and sets nargs to its top-level comma-separated count.
function paren_list(i, owner,    depth, count, empty, first) {
  first = i
  depth = 0
  count = 1
  empty = 1
  for (; i <= ntok; i++) {
    if (tok[i] == "(") {
      depth++
      if (depth == 1) continue
    } else if (tok[i] == ")") {
      depth--
      if (depth == 0) {
        if (empty) count = 0
        nargs = count
        return i + 1
      }
    } else if (tok[i] == ";" || tok[i] == "{" || tok[i] == "}") {
      fail(tline[i], tcol[i], "unexpected \"" tok[i] "\" in the argument list of probe " owner)
    } else if (tok[i] == "," && depth == 1) {
      if (empty) fail(tline[i], tcol[i], "missing argument type before \",\" in probe " owner)
      count++
      empty = 1
      continue
    }
    if (depth >= 1) {
      if (empty && tok[i] == "void" && tok[i + 1] == ")" && depth == 1 && count == 1) { i++; nargs = 0; return i + 1 }
      empty = 0
    }
  }
  fail(tline[first], tcol[first], "unterminated argument list of probe " owner)
}
function macro_name(provider, probe,    p) {
  p = probe
  gsub(/__/, "_", p)
  return toupper(provider) "_" toupper(p)
}
BEGIN { in_comment = 0; continued = 0; ntok = 0 }
{
  line = $0
  sub(/\r$/, "", line)
  lastline = NR
  # Preprocessor lines (and their continuations) carry no declarations the
  # no-op header needs: #pragma D attributes, #include, #define, #if.
  if (continued) {
    continued = (line ~ /\\$/)
    next
  }
  if (!in_comment && line ~ /^[ \t]*#/) {
    continued = (line ~ /\\$/)
    next
  }
  col = 1
  while (col <= length(line)) {
    rest = substr(line, col)
    if (in_comment) {
      end = index(rest, "*/")
      if (end == 0) { col = length(line) + 1; continue }
      in_comment = 0
      col += end + 1
      continue
    }
    if (match(rest, /^[ \t\f\v]+/)) { col += RLENGTH; continue }
    if (substr(rest, 1, 2) == "/*") {
      in_comment = 1; comment_line = NR; comment_col = col; col += 2; continue
    }
    if (substr(rest, 1, 2) == "//") break
    if (match(rest, /^[A-Za-z_$][A-Za-z0-9_$]*/) || match(rest, /^[0-9][A-Za-z0-9_.]*/)) {
      add(substr(rest, 1, RLENGTH), NR, col)
      col += RLENGTH
      continue
    }
    add(substr(rest, 1, 1), NR, col)
    col++
  }
}
END {
  if (failed) exit 1
  if (in_comment) fail(comment_line, comment_col, "unterminated comment")
  out = ""
  nprobes = 0
  depth = 0
  i = 1
  while (i <= ntok) {
    t = tok[i]
    if (t == "provider" && depth == 0) {
      i++
      if (i > ntok || !is_ident(tok[i]))
        fail(where_line(i), where_col(i), "expected a provider name after \"provider\" but found " describe(i))
      provider = tok[i]
      pline = tline[i]; pcol = tcol[i]
      i++
      expect(i, "{")
      i++
      for (;;) {
        if (i > ntok) fail(pline, pcol, "provider " provider " is not closed with \"}\"")
        if (tok[i] == "}") { i++; break }
        if (tok[i] == ";") { i++; continue }
        if (tok[i] != "probe")
          fail(tline[i], tcol[i], "expected \"probe\" or \"}\" in provider " provider " but found " describe(i))
        i++
        if (i > ntok || !is_ident(tok[i]))
          fail(where_line(i), where_col(i), "expected a probe name after \"probe\" but found " describe(i))
        probe = tok[i]
        i++
        expect(i, "(")
        i = paren_list(i, provider ":" probe)
        args = nargs
        if (tok[i] == ":") {
          i++
          expect(i, "(")
          i = paren_list(i, provider ":" probe)
        }
        expect(i, ";")
        i++
        name = macro_name(provider, probe)
        if (name in seen) continue
        seen[name] = 1
        params = ""
        for (a = 1; a <= args; a++) params = params (a > 1 ? ", " : "") "arg" a
        out = out "#define " name "(" params ") do { } while (0)\n"
        out = out "#define " name "_ENABLED() (0)\n"
        nprobes++
      }
      continue
    }
    if (t == "{") depth++
    else if (t == "}") {
      if (depth == 0) fail(tline[i], tcol[i], "unmatched \"}\"")
      depth--
    }
    i++
  }
  guard = output
  sub(/.*\//, "", guard)
  guard = toupper(guard)
  gsub(/[^A-Z0-9]/, "_", guard)
  guard = "STATIC_PROBES_NOOP_" guard
  src = file
  sub(/.*\//, "", src)
  printf "/* Generated by static-probes.sh from %s. Static probes are off\n", src
  printf "   (configure --without-dtrace): each probe macro does nothing and does\n"
  printf "   not evaluate its arguments; each _ENABLED() macro is 0. */\n"
  printf "#ifndef %s\n#define %s\n\n%s\n#endif\n", guard, guard, out
}' "$1"
}

# Runs "$@" quietly unless it fails, then shows what it printed.
run_dtrace () {
  log=$tmpdir/log
  if "$@" >"$log" 2>&1; then
    cat "$log" >&2
    return 0
  fi
  status=$?
  cat "$log" >&2
  echo "$me: error: the dtrace step failed (status $status): $*" >&2
  return 1
}

tmpdir=
cleanup () {
  test -n "$tmpdir" && rm -rf "$tmpdir"
  test -n "$tmpout" && rm -f "$tmpout"
  :
}
trap cleanup 0
trap 'exit 1' 1 2 13 15
tmpout=

make_tmpdir () {
  tmpdir=${TMPDIR-/tmp}/static-probes.$$
  (umask 077 && mkdir "$tmpdir") || die "cannot create $tmpdir"
}

# The dtrace -G step over OBJECTS... writing OUTPUT. Objects may include
# static archives (NAME.a). When the tool rewrites objects in place, the
# compiler's objects and archives are kept and restored (see above), and the
# archives' members are extracted, given to -G, and put back; other tools
# get the objects only (they read nothing from archives). File names must
# not hold blanks.
g_step () {
  provider=$1 output=$2
  shift 2
  case ${STATIC_PROBES_G_MODE-stub} in
    stub|rewrite) ;;
    none) die "$output: this dtrace needs no -G object (STATIC_PROBES_G_MODE=none); the rule should be under 'if STATIC_PROBES_NEED_OBJECT'" ;;
    *) die "unknown STATIC_PROBES_G_MODE '$STATIC_PROBES_G_MODE'" ;;
  esac
  rewrite=${STATIC_PROBES_G_MODE-stub}
  gargs= archives= n=0
  for o in "$@"; do
    test -f "$o" || die "$o: no such object"
    case $o in
      *.a)
        test "$rewrite" = rewrite || continue
        archives="$archives $o" ;;
      *) gargs="$gargs $o" ;;
    esac
  done
  if test "$rewrite" = rewrite; then
    test $# -gt 0 || die "$output: no objects to run dtrace -G over"
    for o in "$@"; do
      if test -f "$o.sp-orig" && test -z "`find "$o" -newer "$o.sp-orig"`"; then
        # $o is the previous run's rewrite: start again from the compiler's output.
        cp "$o.sp-orig" "$o" || die "cannot restore $o"
      else
        cp "$o" "$o.sp-orig" || die "cannot keep a copy of $o"
      fi
    done
    for a in $archives; do
      n=`expr $n + 1`
      mkdir "$tmpdir/a$n" || die "cannot create $tmpdir/a$n"
      case $a in /*) abs=$a ;; *) abs=`pwd`/$a ;; esac
      (cd "$tmpdir/a$n" && ar x "$abs") || die "$a: cannot extract its members"
      for m in `ar t "$a"`; do
        case $m in
          *.o|*.obj) gargs="$gargs $tmpdir/a$n/$m" ;;
        esac
      done
    done
  fi
  tmpout=$output.tmp$$
  rm -f "$tmpout"
  # shellcheck disable=SC2086 # DTRACE and the flags are word lists, like CC and CFLAGS.
  if run_dtrace $DTRACE $DTRACEFLAGS $STATIC_PROBES_GFLAGS -G -s "$provider" -o "$tmpout" $gargs &&
     test -s "$tmpout"; then
    :
  else
    test -f "$tmpout" || echo "$me: error: dtrace -G wrote no $tmpout" >&2
    if test "$rewrite" = rewrite; then
      for o in "$@"; do cp "$o.sp-orig" "$o"; done
    fi
    rm -f "$tmpout"
    exit 1
  fi
  if test "$rewrite" = rewrite; then
    n=0
    for a in $archives; do
      n=`expr $n + 1`
      case $a in /*) abs=$a ;; *) abs=`pwd`/$a ;; esac
      # ar r replaces each member where it stands, keeping the order.
      (cd "$tmpdir/a$n" && ar rs "$abs" `ar t "$abs"`) ||
        { for o in "$@"; do cp "$o.sp-orig" "$o"; done; rm -f "$tmpout"; die "$a: cannot put the rewritten members back"; }
    done
  fi
  mv -f "$tmpout" "$output" || die "cannot rename $tmpout to $output"
  tmpout=
  if test "$rewrite" = rewrite; then
    # Newer than the rewritten objects, so the next run knows them for rewrites.
    for o in "$@"; do touch "$o.sp-orig"; done
    touch "$output"
  fi
}

# Prints the value of VAR='...' from a libtool object file.
lo_value () {
  sed -n "s/^$2='\\(.*\\)'\$/\\1/p; s/^$2=\\([^'].*\\)\$/\\1/p" "$1"
}

test $# -ge 3 || usage
command=$1 provider=$2 output=$3
shift 3
test -f "$provider" || die "$provider: no such provider file"

case $command in
  header|noop-header)
    test $# -eq 0 || usage
    tmpout=$output.tmp$$
    rm -f "$tmpout"
    if test "$command" = header && test "${STATIC_PROBES-no}" = yes; then
      test -n "$DTRACE" || die "probes are on but DTRACE is empty; rerun configure"
      make_tmpdir
      # shellcheck disable=SC2086
      if run_dtrace $DTRACE $DTRACEFLAGS -h -s "$provider" -o "$tmpout" && test -s "$tmpout"; then
        :
      else
        rm -f "$tmpout"
        die "$provider: dtrace -h wrote no header"
      fi
    else
      noop_header "$provider" "$output" >"$tmpout" || {
        rm -f "$tmpout"
        exit 1
      }
    fi
    mv -f "$tmpout" "$output" || die "cannot rename $tmpout to $output"
    tmpout=
    ;;
  object)
    test "${STATIC_PROBES-no}" = yes || die "$output: static probes are off; the rule should be under 'if STATIC_PROBES_NEED_OBJECT'"
    make_tmpdir
    g_step "$provider" "$output" "$@"
    ;;
  ltobject)
    test "${STATIC_PROBES-no}" = yes || die "$output: static probes are off; the rule should be under 'if STATIC_PROBES_NEED_OBJECT'"
    case $output in
      *.lo) ;;
      *) die "$output: a libtool object must end in .lo" ;;
    esac
    make_tmpdir
    pic= nonpic= objdir=
    for lo in "$@"; do
      test -f "$lo" || die "$lo: no such libtool object"
      sed 4q "$lo" | grep '^# Generated by .*libtool' >/dev/null ||
        die "$lo: not a libtool object"
      dir=`dirname "$lo"`
      p=`lo_value "$lo" pic_object`
      n=`lo_value "$lo" non_pic_object`
      if test -n "$p" && test "$p" != none; then
        pic="$pic $dir/$p"
        test -n "$objdir" || objdir=`dirname "$p"`
      fi
      if test -n "$n" && test "$n" != none; then
        nonpic="$nonpic $dir/$n"
      fi
    done
    outdir=`dirname "$output"`
    base=`basename "$output" .lo`
    pic_out=none nonpic_out=none
    if test -n "$pic"; then
      mkdir -p "$outdir/$objdir" || die "cannot create $outdir/$objdir"
      # shellcheck disable=SC2086 # object names from libtool hold no blanks
      (g_step "$provider" "$outdir/$objdir/$base.o" $pic) || exit 1
      pic_out=$objdir/$base.o
    fi
    if test -n "$nonpic"; then
      # shellcheck disable=SC2086
      (g_step "$provider" "$outdir/$base.o" $nonpic) || exit 1
      nonpic_out=$base.o
    fi
    test -n "$pic$nonpic" || die "$output: the libtool objects name no object files"
    tmpout=$output.tmp$$
    {
      echo "# $base.lo - a libtool object file"
      echo "# Generated by static-probes.sh for GNU libtool"
      echo "#"
      echo "# Please DO NOT delete this file!"
      echo "# It is necessary for linking the library."
      echo
      echo "# Name of the PIC object."
      echo "pic_object='$pic_out'"
      echo
      echo "# Name of the non-PIC object"
      echo "non_pic_object='$nonpic_out'"
    } >"$tmpout" || die "cannot write $tmpout"
    mv -f "$tmpout" "$output" || die "cannot rename $tmpout to $output"
    tmpout=
    ;;
  *)
    usage
    ;;
esac
exit 0
