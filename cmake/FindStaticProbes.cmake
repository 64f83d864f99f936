#[=======================================================================[.rst:
FindStaticProbes
----------------

Static tracing markers from a DTrace provider file, on every system that has
a DTrace, SystemTap's ``dtrace`` wrapper or StaticProbes' ``probe-build``,
and no-op markers everywhere else, with no ``#ifdef`` in the sources.

Works as a package configuration (installed, or this directory given as
``StaticProbes_DIR``, ``PATHS``, or through ``add_subdirectory`` or
FetchContent of this directory) and as a find module (this directory on
``CMAKE_MODULE_PATH``); either way ``find_package(StaticProbes)``.
Requires CMake 3.16.

.. code-block:: cmake

  add_library(service service.c)
  add_executable(server main.c)
  target_link_libraries(server PRIVATE service)
  find_package(StaticProbes)
  static_probes_add_provider(service server server_probes.d)   # -> server_probes.h

and in ``main.c``::

  #include "server_probes.h"
  if (SERVER_REQUEST_START_ENABLED())
    SERVER_REQUEST_START(url, fd);

Options and cache variables
^^^^^^^^^^^^^^^^^^^^^^^^^^^

``STATIC_PROBES``
  ``OFF`` (the default): no-op markers, no tool needed.  ``ON``: real markers;
  configuring stops with the cause when no working tool is found.  ``AUTO``:
  real markers when a working tool is found, no-op markers otherwise.  The
  same meanings as autoconf's ``--without-dtrace``, ``--with-dtrace`` and
  ``--with-dtrace=check``.  A project can choose another default by setting
  the cache entry before calling ``find_package``.

``DTRACE``
  The tool: a DTrace (Oracle's DTrace for Linux included), SystemTap's
  ``dtrace`` wrapper or ``probe-build`` (called as ``probe-build dtrace``).
  Taken from the cache, else from the ``DTRACE`` environment variable, else
  searched (``dtrace``, then ``probe-build``).

``DTRACEFLAGS``
  Extra flags for the tool, given to both ``-h`` and ``-G`` (for example
  ``-C -I${CMAKE_SOURCE_DIR}/include``).  Also read from the environment.

``STATIC_PROBES_PROBE_BUILD``
  ``probe-build`` for the helpers: the headers for Oracle's DTrace, the
  post-link check, trace tests.  The tool itself when it is ``probe-build``,
  else this path (searched when unset; ``OFF``: none).

``STATIC_PROBES_CHECK``
  The post-link check, ``probe-build list --check``: every probe a provider
  file declares must have a site in the programs and libraries it is
  attached to, once they are linked.  ``AUTO`` (the default): on when the
  tool is ``probe-build`` (also as a link named ``dtrace``), or when
  ``probe-build`` writes the headers for Oracle's DTrace (it reads the
  DOF).  ``ON``: also with another tool.  ``OFF``: never.

``STATIC_PROBES_TRACE_TESTS``
  The tests of ``static_probes_add_trace_test``.  ``AUTO`` (the default):
  run where ``probe-build trace`` can run them, reported as skipped (with
  the reason) elsewhere.  ``ON``: configuring stops where it cannot.
  ``OFF``: skipped.

Result variables
^^^^^^^^^^^^^^^^

``StaticProbes_FOUND``
  True when the package is usable: always with ``STATIC_PROBES`` ``OFF`` or
  ``AUTO`` (no-op markers are a valid outcome), and with ``ON`` when a working
  tool was found.
``StaticProbes_ENABLED``
  True when markers are real probes.
``StaticProbes_EXECUTABLE``
  The tool's path (empty when probes are off).
``StaticProbes_COMMAND``
  The command line that acts as ``dtrace`` (``probe-build`` gets ``dtrace``
  appended).
``StaticProbes_TOOL_KIND``
  ``DTRACE``, ``ORACLE`` (Oracle's DTrace for Linux), ``SYSTEMTAP``,
  ``PROBE_BUILD`` or ``NONE``.
``StaticProbes_HEADER_COMMAND``
  The command that writes the headers: ``<tool> <flags> -h``, or for
  Oracle's DTrace ``probe-build header --flavor oracle`` when
  ``probe-build`` is at hand.
``StaticProbes_NEEDS_G``
  True when programs must link an object made by ``dtrace -G``.
``StaticProbes_G_NEEDS_OBJECTS``
  True when ``dtrace -G`` reads (and rewrites) the program's objects, as on
  Solaris, illumos and FreeBSD.
``StaticProbes_DTRACEFLAGS``
  The flags used (``DTRACEFLAGS`` plus ``-xnolibs``, ``-64`` or ``-32`` when
  detection found them needed).
``StaticProbes_LINK_LIBRARIES``
  What linking needs besides the probe object (``elf`` on FreeBSD).
``StaticProbes_OBJCOPY``, ``StaticProbes_NO_PIE``
  Oracle's DTrace: the ``objcopy`` run over each object ``dtrace -G``
  rewrote (GNU ld refuses their relocations in a PIE otherwise); or, when
  that does not help, executables are linked with ``-no-pie``.
``StaticProbes_PROBE_BUILD``
  The ``probe-build`` used for the helpers (empty when none).
``StaticProbes_CHECK``, ``StaticProbes_CHECK_COMMAND``
  True when the post-link check runs; the ``probe-build`` it runs.
``StaticProbes_TRACE``, ``StaticProbes_TRACE_REASON``
  True when trace tests run; why not.
``StaticProbes_VERSION``
  The version of this module.

Imported targets
^^^^^^^^^^^^^^^^

``StaticProbes::dtrace``
  The tool, as an imported executable (when probes are on).

Detection
^^^^^^^^^

By trying, never by the name of the system, with the project's compiler and
flags (C, else C++): the tool writes a header with ``-h``; the header must
compile; a program using it is linked without a ``-G`` object (macOS needs
none); else ``-G`` runs without objects (SystemTap's wrapper and
``probe-build`` write a stub object), else over the program's objects
(Solaris, illumos, FreeBSD), retrying with ``-64``/``-32`` and ``-lelf``.
Oracle's DTrace for Linux is told by its header (``__dtraceenabled_P___N``
takes a ``uint32_t *``); ``-G`` runs over the objects with ``-64``/``-32``
and ``-xnolibs``, then ``objcopy`` over them, else programs link with
``-no-pie`` (a warning says so); a warning also says when the ``-G``
object makes hardened programs lose their CET or BTI/PAC marks.
Results are cached and printed.

Functions
^^^^^^^^^

.. command:: static_probes_add_provider

  .. code-block:: cmake

    static_probes_add_provider(<target>... <provider.d>
                               [HEADER <name.h>] [PUBLIC]
                               [FLAGS <flag>...]
                               [UNUSED <probe>...])

  Attaches a provider file to executables, static libraries, shared (or
  module) libraries and object libraries, like ``set_target_properties()``:
  the targets first.  The provider is read at once by this module's own
  reader, as strict as ``probe-build``'s, whatever the tool: an error stops
  CMake with ``FILE:LINE:COL: error: ...`` first on a line of its own.  The
  header (``HEADER``, default: the provider's
  base name with ``.h``) is generated into
  ``${CMAKE_CURRENT_BINARY_DIR}/static_probes/<target>/include``, which is
  added to the target's include path (``PUBLIC`` also gives it to the
  target's users), and it is generated before any of the target's sources
  compile (with every generator, Ninja included).  Macros: for each probe
  ``NAME`` of provider ``PROV``, ``PROV_NAME(args...)`` and
  ``PROV_NAME_ENABLED()``; a double underscore becomes one underscore
  (``function__entry`` -> ``FUNCTION_ENTRY``).

  When probes are on, the build reads the provider again before the tool
  writes the header, and refuses a header that lacks the macros of a
  declared probe (SystemTap's wrapper drops probes it cannot parse and
  exits 0); the target is compiled with ``HAVE_STATIC_PROBES=1`` (``PUBLIC``
  with ``PUBLIC``), as autoconf's ``AC_DEFINE`` does.

  When probes are on and the system needs it, the probe object is added:
  the stub from ``dtrace -G`` on Linux, or, where ``dtrace -G`` works over
  objects, a pre-link step that runs it over the target's objects (keeping
  pristine copies so that relinking works) and adds its output to the link
  (to the archive, for a static library).  ``FLAGS`` go to the tool after
  ``DTRACEFLAGS``.  When probes are off, the header holds the same macros as
  no-ops (``PROV_NAME_ENABLED()`` is ``0``), written by CMake alone.

  Give it every target whose sources include the header, in one call or
  several; each target gets its own copy of the header and of the probe
  object.

  With the post-link check on (``STATIC_PROBES_CHECK``), one check per
  provider file runs once every program and library it is attached to is
  linked (static and object libraries: their objects, when nothing else is
  attached); a declared probe without a site fails the build, named at its
  declaration.  ``UNUSED`` lists probes left without a site on purpose
  (``name`` or ``provider:name``).

  Where ``dtrace -G`` rewrites objects, a program or shared library holds
  one ``-G`` object: its ``-G`` run also covers the static libraries with
  the same provider file that it links directly (copies of their objects
  with probe sites are linked before the archive).

.. command:: static_probes_add_trace_test

  .. code-block:: cmake

    static_probes_add_trace_test(<name> COMMAND <program> [<arg>...]
                                 EXPECT <line>...
                                 [PROBES <provider:name>...]
                                 [PROVIDERS <provider.d>...]
                                 [WORKING_DIRECTORY <dir>])

  Adds a test (``add_test``) that runs the program under ``probe-build
  trace``, which needs no root, and passes when the program exits with 0
  and the trace, line by line, is ``EXPECT``: one ``provider:name(args)``
  line per probe hit, in order, as ``probe-build trace`` prints them
  (``hello:greet("cmake", 1)``).  ``PROBES`` traces only those probes
  (``-n``, ``*`` wildcards); ``PROVIDERS`` adds provider files for the
  argument types (those attached to the program's target are used
  already).  Reported as skipped, with the reason, where the tracer cannot
  run (see ``STATIC_PROBES_TRACE_TESTS``).

.. command:: static_probes_disabled_header

  .. code-block:: cmake

    static_probes_disabled_header(<provider.d> <output.h>)

  Writes the no-op header now (at configure time), with CMake alone.  A
  provider file with an error stops with ``FILE:LINE:COL: error: ...``.
#]=======================================================================]

cmake_policy(PUSH)
cmake_policy(VERSION 3.16)

set(_StaticProbes_MODULE_FILE "${CMAKE_CURRENT_LIST_FILE}")
set(_StaticProbes_MODULE_VERSION "0.1.0")

# ---------------------------------------------------------------------------
# Provider files read by CMake alone, as strictly as probe-build's reader
# (crates/probe-provider): the same grammar, the same verdicts, errors at the
# same line, most with the same words. It serves the no-op header (no tool at
# all) and checks every provider whatever the tool is: SystemTap's wrapper
# drops probes it cannot parse and still exits 0.
# ---------------------------------------------------------------------------

# Macros here never take text from the provider file as a parameter: CMake
# pastes macro arguments into the body and parses them again, so a "\" or
# "${" in a comment would be read as CMake syntax. Text goes through
# variables instead; macro parameters are only numbers and plain words.
# Tokens live in variables named by their index (_sp_k<i> kind, _sp_t<i>
# text, _sp_l<i> line, _sp_c<i> byte column, _sp_e<i> end column, _sp_s<i>
# space before, _sp_f<i> file, _sp_p<i> physical line, _sp_x<i> the text
# of a "#pragma D"), never in lists: a token may be ";", "[" or "\".

macro(_static_probes_reader_constants)
  set(_StaticProbes_RESERVED auto break case char const continue default do double else
    enum extern float for goto if inline int long register restrict return short signed
    sizeof static struct switch typedef union unsigned void volatile while _Alignas
    _Alignof _Atomic _Bool _Complex _Generic _Imaginary _Noreturn _Static_assert
    _Thread_local bool true false nullptr alignas alignof constexpr static_assert
    thread_local typeof typeof_unqual)
  # Probe arguments travel in one register or stack slot: at most 8 bytes.
  set(_StaticProbes_WIDE_TYPEDEFS __int128_t __uint128_t)
  set(_StaticProbes_MAX_ARGS 12)

  # Byte classes: vertical tab and form feed (white space), control
  # characters (binary junk), UTF-8 continuation bytes (columns count
  # characters, as compilers and probe-build do).
  string(ASCII 11 12 _StaticProbes_VTFF)
  set(_StaticProbes_CONTROL_CODES 1 2 3 4 5 6 7 8 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 127)
  string(ASCII ${_StaticProbes_CONTROL_CODES} _StaticProbes_CONTROL)
  set(_sp_codes "")
  foreach(_sp_code RANGE 128 191)
    list(APPEND _sp_codes ${_sp_code})
  endforeach()
  string(ASCII ${_sp_codes} _StaticProbes_UTF8_CONT)
  foreach(_sp_code RANGE 192 255)
    list(APPEND _sp_codes ${_sp_code})
  endforeach()
  # Every byte that is not ASCII, in order: a byte's code is its index + 128.
  string(ASCII ${_sp_codes} _StaticProbes_HIGH)
  # One UTF-8 character that is not ASCII, as Rust's str::from_utf8 takes
  # it: no overlong forms, no surrogates, nothing above U+10FFFF.
  string(ASCII 194 195 196 197 198 199 200 201 202 203 204 205 206 207 208 209
    210 211 212 213 214 215 216 217 218 219 220 221 222 223 _sp_lead2)
  string(ASCII 225 226 227 228 229 230 231 232 233 234 235 236 238 239 _sp_lead3)
  string(ASCII 224 _sp_e0)
  string(ASCII 237 _sp_ed)
  string(ASCII 240 _sp_f0)
  string(ASCII 241 242 243 _sp_lead4)
  string(ASCII 244 _sp_f4)
  string(ASCII 128 129 130 131 132 133 134 135 136 137 138 139 140 141 142 143 _sp_80_8f)
  string(ASCII 144 145 146 147 148 149 150 151 152 153 154 155 156 157 158 159 _sp_90_9f)
  string(ASCII 160 161 162 163 164 165 166 167 168 169 170 171 172 173 174 175
    176 177 178 179 180 181 182 183 184 185 186 187 188 189 190 191 _sp_a0_bf)
  set(_sp_c "[${_StaticProbes_UTF8_CONT}]")
  set(_StaticProbes_UTF8_CHAR "[${_sp_lead2}]${_sp_c}|${_sp_e0}[${_sp_a0_bf}]${_sp_c}|[${_sp_lead3}]${_sp_c}${_sp_c}|${_sp_ed}[${_sp_80_8f}${_sp_90_9f}]${_sp_c}|${_sp_f0}[${_sp_90_9f}${_sp_a0_bf}]${_sp_c}${_sp_c}|[${_sp_lead4}]${_sp_c}${_sp_c}${_sp_c}|${_sp_f4}[${_sp_80_8f}]${_sp_c}${_sp_c}")
  unset(_sp_codes)
  unset(_sp_code)
  unset(_sp_c)
  set(_StaticProbes_PUNCT "!#$%&()*+,-./:;<=>?@[\\]^`{|}~")
endmacro()

# Line <n> (1-based) of the text held by variable <text_var>.
function(_static_probes_text_line text_var n out_var)
  set(rest "${${text_var}}")
  set(i 1)
  while(i LESS n)
    string(FIND "${rest}" "\n" nl)
    if(nl LESS 0)
      set(${out_var} "" PARENT_SCOPE)
      return()
    endif()
    math(EXPR nl "${nl} + 1")
    string(SUBSTRING "${rest}" ${nl} -1 rest)
    math(EXPR i "${i} + 1")
  endwhile()
  string(FIND "${rest}" "\n" nl)
  if(nl GREATER -1)
    string(SUBSTRING "${rest}" 0 ${nl} rest)
  endif()
  set(${out_var} "${rest}" PARENT_SCOPE)
endfunction()

# Sets <out_var> to "FILE:LINE:COL: error: MESSAGE", then the source line
# and a caret under the column, the way C compilers (and probe-build) do.
# <col> counts bytes; it is turned into characters here. An optional last
# argument names a variable holding the source line to show.
function(_static_probes_diagnostic file line col phys message_var out_var)
  set(source "")
  if(ARGC GREATER 6)
    set(source "${${ARGV6}}")
  elseif(_sp_preprocessed AND EXISTS "${file}" AND NOT IS_DIRECTORY "${file}")
    # A line marker of the C preprocessor: the original file's line.
    file(READ "${file}" original)
    string(REPLACE "\r\n" "\n" original "${original}")
    string(REPLACE "\r" "\n" original "${original}")
    _static_probes_text_line(original ${line} source)
  elseif(DEFINED _sp_text)
    _static_probes_text_line(_sp_text ${phys} source)
  endif()
  # Shown up to a NUL byte at most: CMake's messages would end there.
  string(REGEX MATCH "^[^\n]+" source "${source}")
  set(column ${col})
  set(pad "")
  if(NOT source STREQUAL "")
    math(EXPR before "${col} - 1")
    string(LENGTH "${source}" len)
    if(before GREATER len)
      set(before ${len})
    endif()
    string(SUBSTRING "${source}" 0 ${before} pad)
    string(REGEX REPLACE "[${_StaticProbes_UTF8_CONT}]" "" pad "${pad}")
    string(LENGTH "${pad}" chars)
    math(EXPR column "${chars} + 1")
    string(REGEX REPLACE "[^\t]" " " pad "${pad}")
  endif()
  set(text "${file}:${line}:${column}: error: ${${message_var}}")
  if(NOT source STREQUAL "")
    string(APPEND text "\n ${source}\n ${pad}^")
  endif()
  set(${out_var} "${text}" PARENT_SCOPE)
endfunction()

# Only inside _static_probes_parse_text: reports _sp_msg at token <idx>, or
# just after it (AFTER: where something is missing, as compilers report a
# missing ';'), and returns from the parse.
macro(_static_probes_error_at idx)
  _static_probes_diagnostic("${_sp_f${idx}}" ${_sp_l${idx}} ${_sp_c${idx}} ${_sp_p${idx}} _sp_msg _sp_diag)
  set(${_sp_error_var} "${_sp_diag}" PARENT_SCOPE)
  return()
endmacro()
macro(_static_probes_error_after_previous)
  if(_sp_pos EQUAL 0)
    _static_probes_error_at(0)
  endif()
  math(EXPR _sp_prev "${_sp_pos} - 1")
  _static_probes_diagnostic("${_sp_f${_sp_prev}}" ${_sp_l${_sp_prev}} ${_sp_e${_sp_prev}} ${_sp_p${_sp_prev}} _sp_msg _sp_diag)
  set(${_sp_error_var} "${_sp_diag}" PARENT_SCOPE)
  return()
endmacro()
# An error at the lexer's position.
macro(_static_probes_lex_error)
  _static_probes_diagnostic("${_sp_cur_file}" ${_sp_line} ${_sp_col} ${_sp_phys} _sp_msg _sp_diag)
  set(${_sp_error_var} "${_sp_diag}" PARENT_SCOPE)
  return()
endmacro()

# ---- Lexer ----------------------------------------------------------------

# The text was cut at a control character (_sp_control says which) and the
# lexer came to the cut inside a comment or literal: the error is there.
macro(_static_probes_control_error)
  set(_sp_cut "${_sp_rest}")
  _static_probes_consume(_sp_cut)
  set(_sp_msg "${_sp_control}")
  _static_probes_lex_error()
endmacro()

# A line break just consumed: a pending line marker takes effect.
macro(_static_probes_newline)
  math(EXPR _sp_phys "${_sp_phys} + 1")
  if(DEFINED _sp_marker_line)
    set(_sp_line ${_sp_marker_line})
    set(_sp_cur_file "${_sp_marker_file}")
    unset(_sp_marker_line)
  else()
    math(EXPR _sp_line "${_sp_line} + 1")
  endif()
  set(_sp_col 1)
  set(_sp_bol TRUE)
  set(_sp_space 1)
endmacro()

# Consumes the text held by variable <var> (a comment or directive, maybe
# over several lines) from the front of _sp_rest.
macro(_static_probes_consume var)
  set(_sp_chunk "${${var}}")
  string(LENGTH "${_sp_chunk}" _sp_len)
  string(SUBSTRING "${_sp_rest}" ${_sp_len} -1 _sp_rest)
  string(REGEX MATCHALL "\n" _sp_nls "${_sp_chunk}")
  list(LENGTH _sp_nls _sp_nls)
  if(_sp_nls GREATER 0)
    _static_probes_newline()
    math(EXPR _sp_nls "${_sp_nls} - 1")
    math(EXPR _sp_line "${_sp_line} + ${_sp_nls}")
    math(EXPR _sp_phys "${_sp_phys} + ${_sp_nls}")
    string(REGEX REPLACE ".*\n" "" _sp_tail "${_sp_chunk}")
    string(LENGTH "${_sp_tail}" _sp_len)
    math(EXPR _sp_col "${_sp_len} + 1")
  else()
    math(EXPR _sp_col "${_sp_col} + ${_sp_len}")
  endif()
endmacro()

# Records a token of <kind> with text _sp_tok at the current position.
macro(_static_probes_record kind)
  set(_sp_k${_sp_n} ${kind})
  set(_sp_t${_sp_n} "${_sp_tok}")
  set(_sp_l${_sp_n} ${_sp_line})
  set(_sp_c${_sp_n} ${_sp_col})
  set(_sp_s${_sp_n} ${_sp_space})
  set(_sp_f${_sp_n} "${_sp_cur_file}")
  set(_sp_p${_sp_n} ${_sp_phys})
  string(LENGTH "${_sp_tok}" _sp_len)
  math(EXPR _sp_e${_sp_n} "${_sp_col} + ${_sp_len}")
  math(EXPR _sp_n "${_sp_n} + 1")
endmacro()

# Records a token of <kind> whose text _sp_tok starts _sp_rest, and
# consumes it (a token never spans lines).
macro(_static_probes_push kind)
  _static_probes_record(${kind})
  string(SUBSTRING "${_sp_rest}" ${_sp_len} -1 _sp_rest)
  math(EXPR _sp_col "${_sp_col} + ${_sp_len}")
  set(_sp_space 0)
  set(_sp_bol FALSE)
endmacro()

# A '#' line: a line marker ("# 12 "file"", "#line 12"), "#pragma D ..." (a
# token), or a directive acted on only by the preprocessor (-C).
# No regular expression here repeats a group over the line: CMake's matcher
# recurses once per repetition, and a long line would crash it.
macro(_static_probes_directive)
  # Through each line that ends with "\", as probe-build reads it.
  set(_sp_directive "")
  set(_sp_scan "${_sp_rest}")
  while(TRUE)
    string(FIND "${_sp_scan}" "\n" _sp_nl)
    if(_sp_nl LESS 0)
      string(APPEND _sp_directive "${_sp_scan}")
      break()
    endif()
    string(SUBSTRING "${_sp_scan}" 0 ${_sp_nl} _sp_chunk)
    string(APPEND _sp_directive "${_sp_chunk}")
    if(NOT _sp_chunk MATCHES "\\\\$")
      break()
    endif()
    string(APPEND _sp_directive "\n")
    math(EXPR _sp_nl "${_sp_nl} + 1")
    string(SUBSTRING "${_sp_scan}" ${_sp_nl} -1 _sp_scan)
  endwhile()
  unset(_sp_scan)
  string(SUBSTRING "${_sp_directive}" 1 -1 _sp_body)
  string(REPLACE "\\\n" " " _sp_body "${_sp_body}")
  # Comments: "/* */" is a space, "//" ends the line (an unclosed "/*" too).
  set(_sp_kept "")
  while(TRUE)
    string(FIND "${_sp_body}" "/*" _sp_block)
    string(FIND "${_sp_body}" "//" _sp_slashes)
    if(_sp_slashes GREATER -1 AND (_sp_block LESS 0 OR _sp_slashes LESS _sp_block))
      string(SUBSTRING "${_sp_body}" 0 ${_sp_slashes} _sp_chunk)
      string(APPEND _sp_kept "${_sp_chunk}")
      break()
    elseif(_sp_block LESS 0)
      string(APPEND _sp_kept "${_sp_body}")
      break()
    endif()
    string(SUBSTRING "${_sp_body}" 0 ${_sp_block} _sp_chunk)
    string(APPEND _sp_kept "${_sp_chunk} ")
    math(EXPR _sp_block "${_sp_block} + 2")
    string(SUBSTRING "${_sp_body}" ${_sp_block} -1 _sp_body)
    string(FIND "${_sp_body}" "*/" _sp_block)
    if(_sp_block LESS 0)
      break()
    endif()
    math(EXPR _sp_block "${_sp_block} + 2")
    string(SUBSTRING "${_sp_body}" ${_sp_block} -1 _sp_body)
  endwhile()
  string(STRIP "${_sp_kept}" _sp_body)
  if(_sp_body MATCHES "^pragma[ \t]+D(([ \t].*)?)$")
    # What follows "#pragma D", read once the whole file is.
    string(STRIP "${CMAKE_MATCH_1}" _sp_x${_sp_n})
    set(_sp_tok "#pragma")
    set(_sp_space 1)
    _static_probes_record(pragma)
    # Where something missing after it is reported: probe-build's pragma
    # token ends where it starts.
    math(EXPR _sp_prev "${_sp_n} - 1")
    set(_sp_e${_sp_prev} ${_sp_c${_sp_prev}})
  elseif(_sp_body MATCHES "^(line)?[ \t]*([0-9]+)[ \t]*(.*)$")
    # A line marker takes effect on the next line; its file name, quoted,
    # may hold escaped quotes.
    set(_sp_number ${CMAKE_MATCH_2})
    set(_sp_quoted "${CMAKE_MATCH_3}")
    if(_sp_quoted STREQUAL "")
      set(_sp_marker_line ${_sp_number})
      set(_sp_marker_file "${_sp_cur_file}")
    elseif(_sp_quoted MATCHES "^\"")
      string(SUBSTRING "${_sp_quoted}" 1 -1 _sp_quoted)
      string(REGEX REPLACE "\\\\." "__" _sp_plain "${_sp_quoted}")
      string(FIND "${_sp_plain}" "\"" _sp_end)
      if(_sp_end GREATER -1)
        string(SUBSTRING "${_sp_quoted}" 0 ${_sp_end} _sp_quoted)
        string(REGEX REPLACE "\\\\(.)" "\\1" _sp_marker_file "${_sp_quoted}")
        set(_sp_marker_line ${_sp_number})
      endif()
    endif()
  endif()
  _static_probes_consume(_sp_directive)
  set(_sp_space 1)
endmacro()

# Splits _sp_rest into tokens _sp_*0 .. _sp_*<_sp_n - 1>; the last is eof.
macro(_static_probes_lex)
  set(_sp_n 0)
  set(_sp_line 1)
  set(_sp_col 1)
  set(_sp_phys 1)
  set(_sp_bol TRUE)
  set(_sp_space 1)
  set(_sp_cur_file "${_sp_file}")
  unset(_sp_marker_line)
  while(TRUE)
    if(_sp_rest STREQUAL "")
      set(_sp_tok "")
      _static_probes_push(eof)
      break()
    elseif(_sp_rest MATCHES "^[ \t${_StaticProbes_VTFF}]+")
      _static_probes_consume(CMAKE_MATCH_0)
      set(_sp_space 1)
    elseif(_sp_rest MATCHES "^\n")
      string(SUBSTRING "${_sp_rest}" 1 -1 _sp_rest)
      _static_probes_newline()
    elseif(_sp_rest MATCHES "^/\\*")
      string(SUBSTRING "${_sp_rest}" 2 -1 _sp_after)
      string(FIND "${_sp_after}" "*/" _sp_end)
      if(_sp_end LESS 0)
        if(NOT _sp_control STREQUAL "")
          _static_probes_control_error()
        endif()
        set(_sp_msg "unterminated comment: `/*` has no matching `*/`")
        _static_probes_lex_error()
      endif()
      math(EXPR _sp_end "${_sp_end} + 4")
      string(SUBSTRING "${_sp_rest}" 0 ${_sp_end} _sp_comment)
      # A comment over several lines keeps the line-start state for '#'.
      set(_sp_was_bol ${_sp_bol})
      _static_probes_consume(_sp_comment)
      set(_sp_bol ${_sp_was_bol})
      set(_sp_space 1)
    elseif(_sp_rest MATCHES "^//[^\n]*")
      _static_probes_consume(CMAKE_MATCH_0)
      set(_sp_space 1)
    elseif(_sp_rest MATCHES "^\\\\\n")
      # A continued line outside a directive: white space.
      string(SUBSTRING "${_sp_rest}" 2 -1 _sp_rest)
      _static_probes_newline()
      set(_sp_bol FALSE)
    elseif(_sp_bol AND _sp_rest MATCHES "^#")
      _static_probes_directive()
    elseif(_sp_rest MATCHES "^[A-Za-z_][A-Za-z0-9_]*")
      set(_sp_tok "${CMAKE_MATCH_0}")
      _static_probes_push(ident)
    elseif(_sp_rest MATCHES "^[0-9][A-Za-z0-9_.]*")
      set(_sp_tok "${CMAKE_MATCH_0}")
      _static_probes_push(number)
    elseif(_sp_rest MATCHES "^[\"']")
      # To the first quote of its kind on the line that no "\" escapes.
      set(_sp_quote "${CMAKE_MATCH_0}")
      string(REGEX MATCH "^[^\n]+" _sp_chunk "${_sp_rest}")
      string(LENGTH "${_sp_chunk}" _sp_line_len)
      string(LENGTH "${_sp_rest}" _sp_len)
      string(SUBSTRING "${_sp_chunk}" 1 -1 _sp_chunk)
      string(REGEX REPLACE "\\\\." "__" _sp_plain "${_sp_chunk}")
      string(FIND "${_sp_plain}" "${_sp_quote}" _sp_end)
      if(_sp_end GREATER -1)
        math(EXPR _sp_end "${_sp_end} + 2")
        string(SUBSTRING "${_sp_rest}" 0 ${_sp_end} _sp_tok)
        _static_probes_push(literal)
      else()
        # Its line goes on to the cut: the control character comes first.
        if(NOT _sp_control STREQUAL "" AND _sp_line_len EQUAL _sp_len)
          _static_probes_control_error()
        endif()
        if(_sp_rest MATCHES "^\"")
          set(_sp_msg "unterminated string literal")
        else()
          set(_sp_msg "unterminated character literal")
        endif()
        _static_probes_lex_error()
      endif()
    elseif(_sp_rest MATCHES "^\\.\\.\\.")
      set(_sp_tok "...")
      _static_probes_push(punct)
    else()
      string(SUBSTRING "${_sp_rest}" 0 1 _sp_tok)
      string(FIND "${_StaticProbes_PUNCT}" "${_sp_tok}" _sp_at)
      if(_sp_at GREATER -1)
        _static_probes_push(punct)
      else()
        # A character with no place in the language (one whole UTF-8 one).
        string(REGEX MATCH "^.[${_StaticProbes_UTF8_CONT}]*" _sp_tok "${_sp_rest}")
        _static_probes_push(stray)
      endif()
    endif()
  endwhile()
  math(EXPR _sp_last "${_sp_n} - 1")
endmacro()

# ---- Parser ---------------------------------------------------------------
# _sp_pos is the next token; it never moves past the eof token.

macro(_static_probes_bump)
  if(NOT _sp_k${_sp_pos} STREQUAL "eof")
    math(EXPR _sp_pos "${_sp_pos} + 1")
  endif()
endmacro()

# Sets <out> to the index <ahead> tokens after _sp_pos (at most the eof).
macro(_static_probes_ahead ahead out)
  math(EXPR ${out} "${_sp_pos} + ${ahead}")
  if(${out} GREATER _sp_last)
    set(${out} ${_sp_last})
  endif()
endmacro()

macro(_static_probes_is idx kind text out)
  set(${out} FALSE)
  if(_sp_k${idx} STREQUAL "${kind}" AND _sp_t${idx} STREQUAL "${text}")
    set(${out} TRUE)
  endif()
endmacro()

# Sets _sp_what to how messages show token <idx>.
macro(_static_probes_describe idx)
  if(_sp_k${idx} STREQUAL "eof")
    set(_sp_what "the end of the file")
  elseif(_sp_k${idx} STREQUAL "pragma")
    set(_sp_what "`#pragma D`")
  else()
    set(_sp_what "`${_sp_t${idx}}`")
  endif()
endmacro()

# Whether the token at <at> starts a declaration ("provider NAME {" or
# "probe NAME ("), rather than being a word in something skipped.
macro(_static_probes_declares at out)
  set(${out} FALSE)
  math(EXPR _sp_d1 "${at} + 1")
  math(EXPR _sp_d2 "${at} + 2")
  if(_sp_d1 GREATER _sp_last)
    set(_sp_d1 ${_sp_last})
  endif()
  if(_sp_d2 GREATER _sp_last)
    set(_sp_d2 ${_sp_last})
  endif()
  if(_sp_k${at} STREQUAL "ident" AND _sp_k${_sp_d1} STREQUAL "ident" AND _sp_k${_sp_d2} STREQUAL "punct")
    if((_sp_t${at} STREQUAL "probe" AND _sp_t${_sp_d2} STREQUAL "(")
        OR (_sp_t${at} STREQUAL "provider" AND _sp_t${_sp_d2} STREQUAL "{"))
      set(${out} TRUE)
    endif()
  endif()
endmacro()

# Consumes _sp_want (a punctuation character) or fails; _sp_ctx says where.
macro(_static_probes_expect)
  if(_sp_k${_sp_pos} STREQUAL "punct" AND _sp_t${_sp_pos} STREQUAL _sp_want)
    _static_probes_bump()
  else()
    _static_probes_describe(${_sp_pos})
    if(_sp_want STREQUAL ";" AND _sp_k${_sp_pos} STREQUAL "punct" AND _sp_t${_sp_pos} MATCHES "^[])]$")
      set(_sp_msg "unbalanced brackets: unmatched ${_sp_what}")
      _static_probes_error_at(${_sp_pos})
    elseif(_sp_want STREQUAL ";" OR _sp_k${_sp_pos} STREQUAL "eof")
      set(_sp_msg "missing `${_sp_want}` ${_sp_ctx}")
      if(NOT _sp_k${_sp_pos} STREQUAL "eof")
        string(APPEND _sp_msg " (found ${_sp_what})")
      endif()
      _static_probes_error_after_previous()
    else()
      set(_sp_msg "expected `${_sp_want}` ${_sp_ctx}, found ${_sp_what}")
      _static_probes_error_at(${_sp_pos})
    endif()
  endif()
endmacro()

# A provider, probe or parameter name (<what>); sets _sp_name, _sp_name_at.
macro(_static_probes_name what)
  _static_probes_ahead(1 _sp_nx)
  _static_probes_ahead(2 _sp_nx2)
  set(_sp_word "${_sp_t${_sp_pos}}")
  if(_sp_k${_sp_pos} STREQUAL "ident")
    if(_sp_word IN_LIST _StaticProbes_RESERVED)
      set(_sp_msg "invalid ${what} name `${_sp_word}`: it is a reserved word")
      _static_probes_error_at(${_sp_pos})
    endif()
    if(NOT _sp_s${_sp_nx} AND _sp_k${_sp_nx} MATCHES "^(stray|number)$")
      set(_sp_msg "invalid ${what} name `${_sp_word}${_sp_t${_sp_nx}}`: names are ASCII letters, digits and `_`")
      _static_probes_error_at(${_sp_pos})
    endif()
    if(NOT _sp_s${_sp_nx} AND _sp_k${_sp_nx} STREQUAL "punct" AND _sp_t${_sp_nx} STREQUAL "-"
        AND _sp_k${_sp_nx2} STREQUAL "ident")
      set(_sp_msg "invalid ${what} name `${_sp_word}-${_sp_t${_sp_nx2}}`: `-` is not allowed in names; write `${_sp_word}__${_sp_t${_sp_nx2}}` (DTrace shows `__` as `-`)")
      _static_probes_error_at(${_sp_pos})
    endif()
    set(_sp_name "${_sp_word}")
    set(_sp_name_at ${_sp_pos})
    _static_probes_bump()
  else()
    _static_probes_describe(${_sp_pos})
    if(_sp_k${_sp_pos} STREQUAL "number")
      set(_sp_msg "invalid ${what} name `${_sp_word}`: names must start with a letter or `_`")
    elseif(_sp_k${_sp_pos} STREQUAL "stray")
      set(_sp_msg "invalid ${what} name: unexpected character ${_sp_what}")
    else()
      set(_sp_msg "expected a ${what} name, found ${_sp_what}")
    endif()
    _static_probes_error_at(${_sp_pos})
  endif()
endmacro()

# Something that cannot continue a parameter list, at token <idx>.
macro(_static_probes_unexpected_in_params idx)
  _static_probes_describe(${idx})
  if(_sp_k${idx} STREQUAL "eof"
      OR (_sp_k${idx} STREQUAL "punct" AND _sp_t${idx} MATCHES "^[;{}]$")
      OR (_sp_k${idx} STREQUAL "ident" AND _sp_t${idx} MATCHES "^(probe|provider)$"))
    set(_sp_msg "unbalanced brackets: missing `)` to close the parameter list (found ${_sp_what})")
    _static_probes_error_after_previous()
  elseif(_sp_k${idx} STREQUAL "punct" AND _sp_t${idx} STREQUAL "[")
    set(_sp_msg "array parameters are not supported; use a pointer")
  elseif(_sp_k${idx} STREQUAL "punct" AND _sp_t${idx} STREQUAL "(")
    set(_sp_msg "function pointer parameters are not supported; use `void *` or a typedef name")
  else()
    set(_sp_msg "expected `,` or `)` in the parameter list, found ${_sp_what}")
  endif()
  _static_probes_error_at(${idx})
endmacro()

# Canonical integer spelling of the words counted in _sp_ty_*; sets
# _sp_int or _sp_why.
macro(_static_probes_int_type)
  set(_sp_why "")
  math(EXPR _sp_signs "${_sp_ty_signed} + ${_sp_ty_unsigned}")
  math(EXPR _sp_cs "${_sp_ty_char} + ${_sp_ty_short}")
  math(EXPR _sp_sli "${_sp_ty_short} + ${_sp_ty_long} + ${_sp_ty_int}")
  if(_sp_signs GREATER 1)
    set(_sp_why "`signed` and `unsigned` can be given only once, not both")
  elseif(_sp_cs GREATER 1 OR _sp_ty_int GREATER 1 OR _sp_ty_long GREATER 2)
    set(_sp_why "too many integer type words")
  elseif(_sp_ty_char EQUAL 1)
    if(_sp_sli GREATER 0)
      set(_sp_why "`char` cannot be combined with `short`, `int` or `long`")
    elseif(_sp_ty_signed EQUAL 1)
      set(_sp_int "signed char")
    elseif(_sp_ty_unsigned EQUAL 1)
      set(_sp_int "unsigned char")
    else()
      set(_sp_int "char")
    endif()
  elseif(_sp_ty_short EQUAL 1)
    if(_sp_ty_long GREATER 0)
      set(_sp_why "`short` cannot be combined with `long`")
    else()
      set(_sp_int "short")
    endif()
  elseif(_sp_ty_long EQUAL 0)
    set(_sp_int "int")
  elseif(_sp_ty_long EQUAL 1)
    set(_sp_int "long")
  else()
    set(_sp_int "long long")
  endif()
  if(_sp_why STREQUAL "" AND _sp_ty_unsigned EQUAL 1 AND NOT _sp_ty_char EQUAL 1)
    set(_sp_int "unsigned ${_sp_int}")
  endif()
endmacro()

# One parameter: its type (words in any order, '*'s with qualifiers) and an
# optional name. Sets _sp_type (the canonical spelling, which compares
# equal exactly when the C types are the same) and _sp_first (its first
# token).
macro(_static_probes_param)
  set(_sp_first ${_sp_pos})
  set(_sp_type_end ${_sp_pos})
  foreach(_sp_w IN ITEMS const volatile signed unsigned char short int long int128 float double void bool string)
    set(_sp_ty_${_sp_w} 0)
  endforeach()
  set(_sp_ty_tagged "")
  set(_sp_ty_typedef "")
  set(_sp_ty_ptrs 0)
  while(TRUE)
    set(_sp_word "${_sp_t${_sp_pos}}")
    math(EXPR _sp_base_words "${_sp_ty_signed} + ${_sp_ty_unsigned} + ${_sp_ty_char} + ${_sp_ty_short} + ${_sp_ty_int} + ${_sp_ty_long} + ${_sp_ty_int128} + ${_sp_ty_float} + ${_sp_ty_double} + ${_sp_ty_void} + ${_sp_ty_bool} + ${_sp_ty_string}")
    set(_sp_has_base FALSE)
    if(_sp_base_words GREATER 0 OR NOT _sp_ty_tagged STREQUAL "" OR NOT _sp_ty_typedef STREQUAL "")
      set(_sp_has_base TRUE)
    endif()
    if(_sp_k${_sp_pos} STREQUAL "ident")
      if(_sp_word STREQUAL "string" AND (_sp_ty_ptrs GREATER 0 OR _sp_has_base))
        # D's `string` type, used as a parameter name.
        _static_probes_name(parameter)
        break()
      elseif(_sp_word MATCHES "^(const|__const|volatile|__volatile__|restrict|__restrict|__restrict__)$")
        if(_sp_word MATCHES "const")
          set(_sp_qual const)
        elseif(_sp_word MATCHES "volatile")
          set(_sp_qual volatile)
        else()
          set(_sp_qual restrict)
        endif()
        if(_sp_ty_ptrs GREATER 0)
          if(NOT _sp_qual IN_LIST _sp_ty_q${_sp_ty_ptrs})
            list(APPEND _sp_ty_q${_sp_ty_ptrs} ${_sp_qual})
          endif()
        elseif(_sp_qual STREQUAL "restrict")
          set(_sp_msg "`restrict` applies only to a pointer (after `*`)")
          _static_probes_error_at(${_sp_pos})
        else()
          set(_sp_ty_${_sp_qual} 1)
        endif()
      elseif(_sp_word MATCHES "^(signed|__signed__|unsigned|char|short|int|long|__int128|float|double|void|bool|_Bool|string)$")
        if(_sp_ty_ptrs GREATER 0)
          set(_sp_msg "unexpected `${_sp_word}` after `*`")
          _static_probes_error_at(${_sp_pos})
        endif()
        if(_sp_word STREQUAL "__signed__")
          set(_sp_word signed)
        elseif(_sp_word STREQUAL "_Bool")
          set(_sp_word bool)
        elseif(_sp_word STREQUAL "__int128")
          # GCC's keyword: `unsigned __int128` is one type, not `unsigned`
          # and a parameter named __int128.
          set(_sp_word int128)
        endif()
        math(EXPR _sp_ty_${_sp_word} "${_sp_ty_${_sp_word}} + 1")
      elseif(_sp_word MATCHES "^(struct|union|enum)$")
        if(_sp_ty_ptrs GREATER 0 OR _sp_has_base)
          set(_sp_msg "unexpected `${_sp_word}` in a type that is already named")
          _static_probes_error_at(${_sp_pos})
        endif()
        set(_sp_keyword_at ${_sp_pos})
        _static_probes_bump()
        if(_sp_k${_sp_pos} STREQUAL "punct" AND _sp_t${_sp_pos} STREQUAL "{")
          set(_sp_msg "a `${_sp_word}` cannot be defined in a parameter list; declare it before the provider and name it here")
          _static_probes_error_at(${_sp_pos})
        endif()
        set(_sp_tag "${_sp_t${_sp_pos}}")
        if(NOT _sp_k${_sp_pos} STREQUAL "ident" OR _sp_tag IN_LIST _StaticProbes_RESERVED)
          _static_probes_describe(${_sp_pos})
          set(_sp_msg "incomplete type: `${_sp_word}` needs a tag name (`${_sp_word} NAME`), found ${_sp_what}")
          _static_probes_error_at(${_sp_keyword_at})
        endif()
        set(_sp_ty_tagged "${_sp_word} ${_sp_tag}")
      else()
        if(_sp_ty_ptrs GREATER 0 OR _sp_has_base)
          # The parameter's name.
          _static_probes_name(parameter)
          break()
        endif()
        if(_sp_word IN_LIST _StaticProbes_RESERVED)
          set(_sp_msg "expected a type, found the reserved word `${_sp_word}`")
          _static_probes_error_at(${_sp_pos})
        endif()
        _static_probes_ahead(1 _sp_nx)
        if(NOT _sp_s${_sp_nx} AND _sp_k${_sp_nx} STREQUAL "stray")
          set(_sp_msg "invalid type name `${_sp_word}${_sp_t${_sp_nx}}`: names are ASCII letters, digits and `_`")
          _static_probes_error_at(${_sp_pos})
        endif()
        set(_sp_ty_typedef "${_sp_word}")
      endif()
    elseif(_sp_k${_sp_pos} STREQUAL "punct" AND _sp_word STREQUAL "*")
      if(NOT _sp_has_base)
        set(_sp_msg "expected a type before `*`")
        _static_probes_error_at(${_sp_pos})
      endif()
      math(EXPR _sp_ty_ptrs "${_sp_ty_ptrs} + 1")
      set(_sp_ty_q${_sp_ty_ptrs} "")
    elseif(_sp_k${_sp_pos} STREQUAL "punct" AND _sp_word STREQUAL "...")
      set(_sp_msg "variable argument lists (`...`) are not allowed in probe declarations")
      _static_probes_error_at(${_sp_pos})
    else()
      break()
    endif()
    _static_probes_bump()
    set(_sp_type_end ${_sp_pos})
  endwhile()
  if(_sp_k${_sp_pos} STREQUAL "punct" AND _sp_t${_sp_pos} MATCHES "^[[(]$")
    _static_probes_unexpected_in_params(${_sp_pos})
  endif()
  if(_sp_first EQUAL _sp_type_end)
    _static_probes_describe(${_sp_pos})
    if(_sp_k${_sp_pos} STREQUAL "number")
      set(_sp_msg "invalid parameter: expected a type, found the number ${_sp_what}")
    elseif(_sp_k${_sp_pos} STREQUAL "stray")
      set(_sp_msg "unexpected character ${_sp_what}")
    elseif(_sp_k${_sp_pos} STREQUAL "punct" AND _sp_t${_sp_pos} MATCHES "^[,)]$")
      set(_sp_msg "expected a parameter type, found ${_sp_what}")
    else()
      _static_probes_unexpected_in_params(${_sp_pos})
    endif()
    _static_probes_error_at(${_sp_pos})
  endif()
  _static_probes_type()
endmacro()

# Checks the words of a parameter's type and spells it canonically.
macro(_static_probes_type)
  # The type as written, for messages.
  set(_sp_written "")
  set(_sp_i ${_sp_first})
  while(_sp_i LESS _sp_type_end)
    if(_sp_i GREATER _sp_first AND _sp_s${_sp_i})
      string(APPEND _sp_written " ")
    endif()
    string(APPEND _sp_written "${_sp_t${_sp_i}}")
    math(EXPR _sp_i "${_sp_i} + 1")
  endwhile()
  math(EXPR _sp_int_words "${_sp_ty_signed} + ${_sp_ty_unsigned} + ${_sp_ty_char} + ${_sp_ty_short} + ${_sp_ty_int} + ${_sp_ty_long}")
  set(_sp_others 0)
  foreach(_sp_w IN ITEMS float double void bool string)
    math(EXPR _sp_others "${_sp_others} + ${_sp_ty_${_sp_w}}")
  endforeach()
  if(NOT _sp_ty_tagged STREQUAL "")
    math(EXPR _sp_others "${_sp_others} + 1")
  endif()
  if(NOT _sp_ty_typedef STREQUAL "")
    math(EXPR _sp_others "${_sp_others} + 1")
  endif()
  set(_sp_why "")
  set(_sp_base "")
  math(EXPR _sp_csil "${_sp_ty_char} + ${_sp_ty_short} + ${_sp_ty_int} + ${_sp_ty_long}")
  math(EXPR _sp_signs "${_sp_ty_signed} + ${_sp_ty_unsigned}")
  if(_sp_ty_int128 GREATER 0)
    if(_sp_others GREATER 0 OR _sp_csil GREATER 0 OR _sp_ty_int128 GREATER 1)
      set(_sp_why "conflicting type names")
    elseif(_sp_signs GREATER 1)
      set(_sp_why "`signed` and `unsigned` can be given only once, not both")
    elseif(_sp_ty_unsigned EQUAL 1)
      set(_sp_base "unsigned __int128")
    else()
      set(_sp_base "__int128")
    endif()
  elseif(_sp_others GREATER 1 OR (_sp_others EQUAL 1 AND _sp_int_words GREATER 0
      AND NOT (_sp_ty_double EQUAL 1 AND _sp_ty_long EQUAL 1 AND _sp_int_words EQUAL 1)))
    set(_sp_why "conflicting type names")
  elseif(_sp_ty_double EQUAL 1 AND _sp_ty_long EQUAL 1)
    set(_sp_base "long double")
  elseif(_sp_others EQUAL 1)
    foreach(_sp_w IN ITEMS float double void bool string)
      if(_sp_ty_${_sp_w} EQUAL 1)
        set(_sp_base ${_sp_w})
      endif()
    endforeach()
    if(NOT _sp_ty_tagged STREQUAL "")
      set(_sp_base "${_sp_ty_tagged}")
    elseif(NOT _sp_ty_typedef STREQUAL "")
      set(_sp_base "${_sp_ty_typedef}")
    endif()
  else()
    _static_probes_int_type()
    set(_sp_base "${_sp_int}")
  endif()
  if(_sp_why STREQUAL "" AND _sp_ty_ptrs EQUAL 0)
    # What one register or stack slot cannot carry.
    if(_sp_base STREQUAL "void")
      set(_sp_why "a parameter cannot have type `void`")
    elseif(_sp_base MATCHES "^(struct|union) ")
      set(_sp_why "a ${CMAKE_MATCH_1} passed by value cannot be a probe argument; pass a pointer (`${_sp_base} *`)")
    elseif(_sp_base STREQUAL "long double")
      set(_sp_why "`long double` (16 bytes) cannot be a probe argument, which is at most 8 bytes; pass a `double` or a pointer")
    elseif(_sp_base MATCHES "__int128$" OR _sp_base IN_LIST _StaticProbes_WIDE_TYPEDEFS)
      set(_sp_why "a 128-bit integer cannot be a probe argument, which is at most 8 bytes; pass it in two 64-bit halves or by pointer")
    endif()
  elseif(_sp_why STREQUAL "" AND _sp_base STREQUAL "string")
    set(_sp_why "`string` is already a pointer; write `char *` for a pointer")
  endif()
  if(NOT _sp_why STREQUAL "")
    set(_sp_msg "invalid type `${_sp_written}`: ${_sp_why}")
    _static_probes_error_at(${_sp_first})
  endif()
  set(_sp_type "")
  if(_sp_ty_const)
    string(APPEND _sp_type "const ")
  endif()
  if(_sp_ty_volatile)
    string(APPEND _sp_type "volatile ")
  endif()
  string(APPEND _sp_type "${_sp_base}")
  if(_sp_ty_ptrs GREATER 0)
    string(APPEND _sp_type " ")
    foreach(_sp_i RANGE 1 ${_sp_ty_ptrs})
      string(REPLACE ";" " " _sp_q "${_sp_ty_q${_sp_i}}")
      string(APPEND _sp_type "*${_sp_q}")
      if(NOT _sp_q STREQUAL "" AND _sp_i LESS _sp_ty_ptrs)
        string(APPEND _sp_type " ")
      endif()
    endforeach()
  endif()
endmacro()

# The parameters after "(", through ")": sets _sp_arity and _sp_types (the
# canonical types joined with "|") for probe _sp_probe.
macro(_static_probes_params)
  set(_sp_arity 0)
  set(_sp_types "")
  _static_probes_ahead(1 _sp_nx)
  if(_sp_k${_sp_pos} STREQUAL "punct" AND _sp_t${_sp_pos} STREQUAL ")")
    _static_probes_bump()
  elseif(_sp_k${_sp_pos} STREQUAL "ident" AND _sp_t${_sp_pos} STREQUAL "void"
      AND _sp_k${_sp_nx} STREQUAL "punct" AND _sp_t${_sp_nx} STREQUAL ")")
    _static_probes_bump()
    _static_probes_bump()
  else()
    while(TRUE)
      _static_probes_param()
      if(_sp_arity EQUAL _StaticProbes_MAX_ARGS)
        set(_sp_msg "probe `${_sp_probe}` has more than ${_StaticProbes_MAX_ARGS} arguments; SDT probes carry at most ${_StaticProbes_MAX_ARGS}")
        _static_probes_error_at(${_sp_first})
      endif()
      math(EXPR _sp_arity "${_sp_arity} + 1")
      string(APPEND _sp_types "${_sp_type}|")
      if(_sp_k${_sp_pos} STREQUAL "punct" AND _sp_t${_sp_pos} STREQUAL ",")
        _static_probes_bump()
      elseif(_sp_k${_sp_pos} STREQUAL "punct" AND _sp_t${_sp_pos} STREQUAL ")")
        _static_probes_bump()
        break()
      else()
        _static_probes_unexpected_in_params(${_sp_pos})
      endif()
    endwhile()
  endif()
endmacro()

# "probe NAME (params) [: (params)] ;" in provider _sp_provider.
macro(_static_probes_probe)
  _static_probes_bump()
  _static_probes_name(probe)
  set(_sp_probe "${_sp_name}")
  set(_sp_probe_at ${_sp_name_at})
  if(DEFINED _sp_seen_${_sp_probe})
    set(_sp_msg "probe `${_sp_probe}` is declared twice in provider `${_sp_provider}` (first at line ${_sp_seen_${_sp_probe}})")
    _static_probes_error_at(${_sp_probe_at})
  endif()
  set(_sp_seen_${_sp_probe} ${_sp_l${_sp_probe_at}})
  list(APPEND _sp_seen "${_sp_probe}")
  set(_sp_want "(")
  set(_sp_ctx "after the probe name `${_sp_probe}`")
  _static_probes_expect()
  _static_probes_params()
  set(_sp_probe_arity ${_sp_arity})
  set(_sp_probe_types "${_sp_types}")
  set(_sp_probe_translated "")
  if(_sp_k${_sp_pos} STREQUAL "punct" AND _sp_t${_sp_pos} STREQUAL ":")
    _static_probes_bump()
    set(_sp_want "(")
    set(_sp_ctx "to start the translated argument list")
    _static_probes_expect()
    _static_probes_params()
    set(_sp_probe_translated "${_sp_types}")
  endif()
  set(_sp_want ";")
  set(_sp_ctx "after the declaration of probe `${_sp_probe}`")
  _static_probes_expect()
  list(APPEND _sp_decl_probes "${_sp_probe}:${_sp_probe_arity}:${_sp_probe_at}")
  set(_sp_decl_types_${_sp_probe} "${_sp_probe_types}")
  set(_sp_decl_translated_${_sp_probe} "${_sp_probe_translated}")
endmacro()

# "provider NAME { probe...; };"
macro(_static_probes_provider)
  _static_probes_bump()
  _static_probes_name(provider)
  set(_sp_provider "${_sp_name}")
  set(_sp_provider_at ${_sp_name_at})
  foreach(_sp_p IN LISTS _sp_seen)
    unset(_sp_seen_${_sp_p})
  endforeach()
  set(_sp_seen "")
  set(_sp_decl_probes "")
  set(_sp_open_at ${_sp_pos})
  set(_sp_want "{")
  set(_sp_ctx "after `provider ${_sp_provider}`")
  _static_probes_expect()
  while(TRUE)
    if(_sp_k${_sp_pos} STREQUAL "punct" AND _sp_t${_sp_pos} STREQUAL "}")
      _static_probes_bump()
      break()
    elseif(_sp_k${_sp_pos} STREQUAL "punct" AND _sp_t${_sp_pos} STREQUAL ";")
      _static_probes_bump()
    elseif(_sp_k${_sp_pos} STREQUAL "pragma")
      list(APPEND _sp_pragmas ${_sp_pos})
      _static_probes_bump()
    elseif(_sp_k${_sp_pos} STREQUAL "ident" AND _sp_t${_sp_pos} STREQUAL "probe")
      _static_probes_probe()
    elseif(_sp_k${_sp_pos} STREQUAL "eof" OR (_sp_k${_sp_pos} STREQUAL "ident" AND _sp_t${_sp_pos} STREQUAL "provider"))
      set(_sp_msg "missing `}` to close provider `${_sp_provider}` (opened at line ${_sp_l${_sp_open_at}}, column ${_sp_c${_sp_open_at}})")
      if(NOT _sp_k${_sp_pos} STREQUAL "eof")
        string(APPEND _sp_msg " before the next `provider`")
      endif()
      _static_probes_error_after_previous()
    else()
      _static_probes_describe(${_sp_pos})
      set(_sp_msg "expected `probe` or `}` in provider `${_sp_provider}`, found ${_sp_what}")
      _static_probes_error_at(${_sp_pos})
    endif()
  endwhile()
  set(_sp_want ";")
  set(_sp_ctx "after the `}` of provider `${_sp_provider}`")
  _static_probes_expect()
  if(NOT DEFINED _sp_provider_line_${_sp_provider})
    set(_sp_provider_line_${_sp_provider} ${_sp_l${_sp_provider_at}})
    foreach(_sp_entry IN LISTS _sp_decl_probes)
      string(REPLACE ":" ";" _sp_parts "${_sp_entry}")
      list(GET _sp_parts 0 _sp_p)
      list(GET _sp_parts 1 _sp_a)
      list(GET _sp_parts 2 _sp_at)
      list(APPEND _sp_probes "${_sp_provider}:${_sp_p}:${_sp_a}:${_sp_l${_sp_at}}:${_sp_c${_sp_at}}")
      list(APPEND _sp_probe_names_at ${_sp_at})
      set(_sp_types_${_sp_provider}_${_sp_p} "${_sp_decl_types_${_sp_p}}")
      set(_sp_translated_${_sp_provider}_${_sp_p} "${_sp_decl_translated_${_sp_p}}")
    endforeach()
  else()
    # DTrace takes a provider declared again when it repeats probes of the
    # first declaration with the same types: it adds nothing.
    foreach(_sp_entry IN LISTS _sp_decl_probes)
      string(REPLACE ":" ";" _sp_parts "${_sp_entry}")
      list(GET _sp_parts 0 _sp_p)
      list(GET _sp_parts 2 _sp_at)
      set(_sp_problem "")
      if(NOT DEFINED _sp_types_${_sp_provider}_${_sp_p})
        set(_sp_problem "is not declared in the first declaration")
      elseif(NOT _sp_types_${_sp_provider}_${_sp_p} STREQUAL _sp_decl_types_${_sp_p})
        set(_sp_problem "has other argument types than in the first declaration")
      elseif(NOT _sp_translated_${_sp_provider}_${_sp_p} STREQUAL _sp_decl_translated_${_sp_p})
        set(_sp_problem "has other translated argument types than in the first declaration")
      endif()
      if(NOT _sp_problem STREQUAL "")
        set(_sp_msg "provider `${_sp_provider}` declared again (first at line ${_sp_provider_line_${_sp_provider}}) does not match: probe `${_sp_p}` ${_sp_problem}")
        _static_probes_error_at(${_sp_at})
      endif()
    endforeach()
  endif()
endmacro()

# Skips one token, or a whole bracketed group when it opens one.
macro(_static_probes_skip_balanced)
  set(_sp_at ${_sp_pos})
  _static_probes_bump()
  if(NOT _sp_k${_sp_at} STREQUAL "punct")
    _static_probes_declares(${_sp_at} _sp_decl)
    if(_sp_decl AND _sp_t${_sp_at} STREQUAL "probe")
      set(_sp_msg "probe declaration outside a provider: put it inside `provider NAME { ... };`")
      _static_probes_error_at(${_sp_at})
    endif()
  elseif(_sp_t${_sp_at} MATCHES "^[[({]$")
    set(_sp_stack ${_sp_at})
    while(NOT _sp_stack STREQUAL "")
      list(GET _sp_stack -1 _sp_open)
      set(_sp_at ${_sp_pos})
      _static_probes_bump()
      if(_sp_k${_sp_at} STREQUAL "eof")
        if(_sp_t${_sp_open} STREQUAL "(")
          set(_sp_close ")")
        elseif(_sp_t${_sp_open} STREQUAL "[")
          set(_sp_close "]")
        else()
          set(_sp_close "}")
        endif()
        set(_sp_msg "unbalanced brackets: `${_sp_t${_sp_open}}` is never closed with `${_sp_close}`")
        _static_probes_error_at(${_sp_open})
      elseif(_sp_k${_sp_at} STREQUAL "ident")
        _static_probes_declares(${_sp_at} _sp_decl)
        if(_sp_decl AND _sp_t${_sp_at} STREQUAL "probe")
          set(_sp_msg "probe declaration outside a provider (inside the `${_sp_t${_sp_open}}` at line ${_sp_l${_sp_open}}, column ${_sp_c${_sp_open}}); put it inside `provider NAME { ... };`")
          _static_probes_error_at(${_sp_at})
        elseif(_sp_decl)
          set(_sp_msg "`provider` inside an unclosed `${_sp_t${_sp_open}}` (opened at line ${_sp_l${_sp_open}}, column ${_sp_c${_sp_open}})")
          _static_probes_error_at(${_sp_at})
        endif()
      elseif(_sp_k${_sp_at} STREQUAL "punct" AND _sp_t${_sp_at} MATCHES "^[[({]$")
        list(APPEND _sp_stack ${_sp_at})
      elseif(_sp_k${_sp_at} STREQUAL "punct" AND _sp_t${_sp_at} MATCHES "^[])}]$")
        set(_sp_pair "${_sp_t${_sp_open}}${_sp_t${_sp_at}}")
        if(NOT (_sp_pair STREQUAL "()" OR _sp_pair STREQUAL "[]" OR _sp_pair STREQUAL "{}"))
          set(_sp_msg "unbalanced brackets: `${_sp_t${_sp_at}}` does not close `${_sp_t${_sp_open}}` (line ${_sp_l${_sp_open}}, column ${_sp_c${_sp_open}})")
          _static_probes_error_at(${_sp_at})
        endif()
        list(REMOVE_AT _sp_stack -1)
      endif()
    endwhile()
  elseif(_sp_t${_sp_at} MATCHES "^[])}]$")
    set(_sp_msg "unbalanced brackets: unmatched `${_sp_t${_sp_at}}`")
    _static_probes_error_at(${_sp_at})
  endif()
endmacro()

# typedef, struct, union, enum declarations: skipped through their ';'.
macro(_static_probes_skip_declaration)
  set(_sp_start ${_sp_pos})
  while(TRUE)
    _static_probes_declares(${_sp_pos} _sp_decl)
    if(_sp_k${_sp_pos} STREQUAL "eof" OR (_sp_k${_sp_pos} STREQUAL "ident" AND _sp_decl))
      set(_sp_msg "missing `;` at the end of the `${_sp_t${_sp_start}}` declaration that starts at line ${_sp_l${_sp_start}}")
      _static_probes_error_after_previous()
    elseif(_sp_k${_sp_pos} STREQUAL "punct" AND _sp_t${_sp_pos} STREQUAL ";")
      _static_probes_bump()
      break()
    else()
      _static_probes_skip_balanced()
    endif()
  endwhile()
endmacro()

# A D program clause ("BEGIN { ... }") or D declaration: skipped.
macro(_static_probes_skip_clause)
  set(_sp_start ${_sp_pos})
  _static_probes_describe(${_sp_start})
  set(_sp_start_what "${_sp_what}")
  if(_sp_k${_sp_start} STREQUAL "stray")
    set(_sp_msg "unexpected character ${_sp_start_what}")
    _static_probes_error_at(${_sp_start})
  endif()
  while(TRUE)
    _static_probes_declares(${_sp_pos} _sp_decl)
    if(_sp_k${_sp_pos} STREQUAL "eof" OR (_sp_decl AND _sp_t${_sp_pos} STREQUAL "provider"))
      set(_sp_msg "expected `provider`, found ${_sp_start_what}")
      _static_probes_error_at(${_sp_start})
    elseif(_sp_k${_sp_pos} STREQUAL "stray")
      _static_probes_describe(${_sp_pos})
      set(_sp_msg "unexpected character ${_sp_what}")
      _static_probes_error_at(${_sp_pos})
    elseif(_sp_k${_sp_pos} STREQUAL "punct" AND _sp_t${_sp_pos} STREQUAL ";")
      _static_probes_bump()
      break()
    elseif(_sp_k${_sp_pos} STREQUAL "punct" AND _sp_t${_sp_pos} STREQUAL "{")
      _static_probes_skip_balanced()
      if(_sp_k${_sp_pos} STREQUAL "punct" AND _sp_t${_sp_pos} STREQUAL ";")
        _static_probes_bump()
      endif()
      break()
    else()
      _static_probes_skip_balanced()
    endif()
  endwhile()
endmacro()

# CMake's regular expressions stop at a NUL byte, where string(LENGTH),
# string(SUBSTRING), string(FIND) and string(REGEX REPLACE) go on (and
# string(REPLACE) cuts the text short): every check below is written so
# that a NUL byte cannot hide what follows it, or stall a loop.

# Refuses bytes that are not UTF-8 before anything else, as probe-build
# does: the first anywhere in the file (Rust's str::from_utf8), lines
# counted after "\n" only. Sets <error_var> to the error, or to "".
# The text is walked one NUL-free piece at a time; a run of non-ASCII bytes
# is matched in slices, since a match of a repeated group recurses once per
# repetition and a long one would crash CMake.
function(_static_probes_check_utf8 file text_var error_var)
  set(${error_var} "" PARENT_SCOPE)
  set(_sp_preprocessed FALSE)
  set(_sp_input "${${text_var}}")
  set(rest "${_sp_input}")
  # Lines as from_utf8's error counts them (after "\n" only), and the
  # current line so far (a NUL shown as a space).
  set(line 1)
  set(line_text "")
  while(NOT rest STREQUAL "")
    string(REGEX MATCH "^.+" piece "${rest}")
    string(LENGTH "${piece}" piece_len)
    while(NOT piece STREQUAL "")
      string(REGEX MATCH "^[^${_StaticProbes_HIGH}]+" ascii "${piece}")
      string(LENGTH "${ascii}" len)
      if(len EQUAL 0)
        string(REGEX MATCH "^[${_StaticProbes_HIGH}]+" run "${piece}")
        string(SUBSTRING "${run}" 0 1024 slice)
        string(REGEX MATCH "^(${_StaticProbes_UTF8_CHAR})+" ascii "${slice}")
        string(LENGTH "${ascii}" len)
        string(LENGTH "${slice}" slice_len)
        string(LENGTH "${run}" run_len)
        # A slice may end inside a character: only the first one is sure.
        if(len LESS slice_len AND (len EQUAL 0 OR slice_len EQUAL run_len))
          string(APPEND line_text "${ascii}")
          string(SUBSTRING "${slice}" ${len} 1 byte)
          string(FIND "${_StaticProbes_HIGH}" "${byte}" code)
          math(EXPR code "${code} + 128" OUTPUT_FORMAT HEXADECIMAL)
          string(LENGTH "${line_text}" col)
          math(EXPR col "${col} + 1")
          set(message "binary data: byte ${code} is not valid UTF-8 text")
          _static_probes_diagnostic("${file}" ${line} ${col} ${line} message diagnostic line_text)
          set(${error_var} "${diagnostic}" PARENT_SCOPE)
          return()
        endif()
      endif()
      string(FIND "${ascii}" "\n" nl REVERSE)
      if(nl LESS 0)
        string(APPEND line_text "${ascii}")
      else()
        string(REGEX MATCHALL "\n" nls "${ascii}")
        list(LENGTH nls nls)
        math(EXPR line "${line} + ${nls}")
        math(EXPR nl "${nl} + 1")
        string(SUBSTRING "${ascii}" ${nl} -1 line_text)
      endif()
      string(SUBSTRING "${piece}" ${len} -1 piece)
    endwhile()
    string(LENGTH "${rest}" rest_len)
    if(piece_len EQUAL rest_len)
      break()
    endif()
    # A NUL byte ends the piece.
    string(APPEND line_text " ")
    math(EXPR piece_len "${piece_len} + 1")
    string(SUBSTRING "${rest}" ${piece_len} -1 rest)
  endwhile()
endfunction()

# The text of a provider file as the lexer reads it (held by <text_var>,
# changed in place): without its byte-order mark, every line ending "\n".
macro(_static_probes_normalize text_var)
  string(ASCII 239 187 191 _sp_bom)
  if(${text_var} MATCHES "^${_sp_bom}")
    string(SUBSTRING "${${text_var}}" 3 -1 ${text_var})
  endif()
  string(REGEX REPLACE "\r\n?" "\n" ${text_var} "${${text_var}}")
endmacro()

# The first control character of the text held by <text_var> (a NUL byte
# included): sets <prefix_var> to the text before it and <message_var> to
# probe-build's message, or <message_var> to "" when there is none.
function(_static_probes_find_control text_var prefix_var message_var)
  set(${message_var} "" PARENT_SCOPE)
  # No match gives "" (a match of nothing would be an error).
  string(REGEX MATCH "^[^${_StaticProbes_CONTROL}]+" good "${${text_var}}")
  string(LENGTH "${good}" at)
  string(LENGTH "${${text_var}}" len)
  if(at LESS len)
    string(SUBSTRING "${${text_var}}" ${at} 1 bad)
    string(FIND "${_StaticProbes_CONTROL}" "${bad}" index)
    set(code 0)
    if(index GREATER -1)
      list(GET _StaticProbes_CONTROL_CODES ${index} code)
    endif()
    math(EXPR hex "${code}" OUTPUT_FORMAT HEXADECIMAL)
    string(REGEX REPLACE "^0x(.)$" "0x0\\1" hex "${hex}")
    set(${prefix_var} "${good}" PARENT_SCOPE)
    set(${message_var} "binary data: control character ${hex} is not allowed in a provider file" PARENT_SCOPE)
  endif()
endfunction()

# What probe-build checks before running the C preprocessor over a file
# (which would pass binary junk through): UTF-8, then control characters
# on every line, comments and all. Sets <error_var> to the error, or "".
function(_static_probes_check_binary file text_var error_var)
  _static_probes_check_utf8("${file}" ${text_var} error)
  if(error STREQUAL "")
    set(_sp_text "${${text_var}}")
    _static_probes_normalize(_sp_text)
    _static_probes_find_control(_sp_text good message)
    if(NOT message STREQUAL "")
      string(REGEX MATCHALL "\n" nls "${good}")
      list(LENGTH nls line)
      math(EXPR line "${line} + 1")
      string(REGEX REPLACE ".*\n" "" tail "${good}")
      string(LENGTH "${tail}" col)
      math(EXPR col "${col} + 1")
      set(_sp_preprocessed FALSE)
      _static_probes_diagnostic("${file}" ${line} ${col} ${line} message error)
    endif()
  endif()
  set(${error_var} "${error}" PARENT_SCOPE)
endfunction()

# Once the whole file is read: two probes that give one C macro (request__start
# and request_start; provider a_b probe c and provider a probe b_c) are
# refused at the second.
macro(_static_probes_check_macro_names)
  set(_sp_i 0)
  foreach(_sp_entry IN LISTS _sp_probes)
    list(GET _sp_probe_names_at ${_sp_i} _sp_at)
    math(EXPR _sp_i "${_sp_i} + 1")
    string(REPLACE ":" ";" _sp_parts "${_sp_entry}")
    list(GET _sp_parts 0 _sp_pv)
    list(GET _sp_parts 1 _sp_pr)
    _static_probes_macro_name(${_sp_pv} ${_sp_pr} _sp_macro)
    if(DEFINED _sp_macro_of_${_sp_macro})
      set(_sp_first ${_sp_macro_of_${_sp_macro}})
      set(_sp_msg "probe `${_sp_pv}:${_sp_pr}` gives the C macro `${_sp_macro}`, as probe `${_sp_macro_from_${_sp_macro}}` (line ${_sp_l${_sp_first}}) does")
      _static_probes_error_at(${_sp_at})
    endif()
    set(_sp_macro_of_${_sp_macro} ${_sp_at})
    set(_sp_macro_from_${_sp_macro} "${_sp_pv}:${_sp_pr}")
  endforeach()
endmacro()

# Once the whole file is read: "#pragma D attributes NAME/DATA/CLASS provider
# PROVIDER GROUP" about a provider of this file must name a known group,
# stabilities and dependency class (in any case), as probe-build reads it;
# other pragmas, and those about providers declared elsewhere, are not read.
macro(_static_probes_check_attributes)
  foreach(_sp_at IN LISTS _sp_pragmas)
    # Its first five words.
    set(_sp_rest_words "${_sp_x${_sp_at}}")
    foreach(_sp_i RANGE 4)
      set(_sp_w${_sp_i} "")
      set(_sp_has${_sp_i} FALSE)
      if(_sp_rest_words MATCHES "^[ \t${_StaticProbes_VTFF}]*([^ \t${_StaticProbes_VTFF}]+)(.*)$")
        set(_sp_w${_sp_i} "${CMAKE_MATCH_1}")
        set(_sp_rest_words "${CMAKE_MATCH_2}")
        set(_sp_has${_sp_i} TRUE)
      endif()
    endforeach()
    set(_sp_msg "")
    if(NOT (_sp_w0 STREQUAL "attributes" AND _sp_w2 STREQUAL "provider" AND _sp_has3
        AND _sp_w3 MATCHES "^[A-Za-z_][A-Za-z0-9_]*$"))
      # Not about a provider.
    elseif(NOT DEFINED _sp_provider_line_${_sp_w3})
      # About a provider of another file.
    elseif(NOT _sp_has4)
      set(_sp_msg "`#pragma D attributes` for a provider needs a group: provider, module, function, name or args")
    elseif(NOT _sp_w4 MATCHES "^(provider|module|function|name|args)$")
      set(_sp_msg "unknown attribute group `${_sp_w4}`: expected provider, module, function, name or args")
    elseif(_sp_w1 STREQUAL "" OR NOT _sp_w1 MATCHES "^([^/]*)(/([^/]*)(/([^/]*))?)?$")
      set(_sp_msg "bad attributes `${_sp_w1}`: expected NAME/DATA/CLASS, e.g. Evolving/Evolving/Common")
    else()
      # Parts left out are Standard/Standard/Common, as dtrace_str2attr
      # reads them. (No CMake lists: a part may hold ";".)
      set(_sp_level0 "${CMAKE_MATCH_1}")
      set(_sp_level1 "${CMAKE_MATCH_3}")
      set(_sp_has_level1 FALSE)
      if(NOT "${CMAKE_MATCH_2}" STREQUAL "")
        set(_sp_has_level1 TRUE)
      endif()
      set(_sp_class "${CMAKE_MATCH_5}")
      set(_sp_has_class FALSE)
      if(NOT "${CMAKE_MATCH_4}" STREQUAL "")
        set(_sp_has_class TRUE)
      endif()
      foreach(_sp_i 0 1)
        string(TOLOWER "${_sp_level${_sp_i}}" _sp_lower)
        if((_sp_i EQUAL 0 OR _sp_has_level1)
            AND NOT _sp_lower MATCHES "^(internal|private|obsolete|external|unstable|evolving|stable|standard)$")
          set(_sp_msg "unknown stability `${_sp_level${_sp_i}}`: expected Internal, Private, Obsolete, External, Unstable, Evolving, Stable or Standard")
          break()
        endif()
      endforeach()
      string(TOLOWER "${_sp_class}" _sp_lower)
      if(_sp_msg STREQUAL "" AND _sp_has_class
          AND NOT _sp_lower MATCHES "^(unknown|cpu|platform|group|isa|common)$")
        set(_sp_msg "unknown dependency class `${_sp_class}`: expected Unknown, CPU, Platform, Group, ISA or Common")
      endif()
    endif()
    if(NOT _sp_msg STREQUAL "")
      _static_probes_error_at(${_sp_at})
    endif()
  endforeach()
endmacro()

# Parses provider-file text (held by variable <text_var>; <file> names it in
# errors, and line markers of the C preprocessor are followed). Sets
# <out_var> to a list of PROVIDER:PROBE:ARITY:LINE:COL, one per probe, or
# <error_var> to "FILE:LINE:COL: error: MESSAGE" with the source line.
function(_static_probes_parse_text file text_var out_var error_var)
  _static_probes_reader_constants()
  set(_sp_preprocessed FALSE)
  if(ARGV4 STREQUAL "PREPROCESSED")
    set(_sp_preprocessed TRUE)
  endif()
  set(_sp_file "${file}")
  set(_sp_error_var "${error_var}")
  set(${error_var} "" PARENT_SCOPE)
  set(${out_var} "" PARENT_SCOPE)
  _static_probes_check_utf8("${file}" ${text_var} _sp_diag)
  if(NOT _sp_diag STREQUAL "")
    set(${error_var} "${_sp_diag}" PARENT_SCOPE)
    return()
  endif()
  set(_sp_rest "${${text_var}}")
  _static_probes_normalize(_sp_rest)
  set(_sp_text "${_sp_rest}")
  # A control character is an error where probe-build's lexer comes to it:
  # the lexer reads the text before it, so that an unterminated literal on
  # an earlier line still comes first, and line markers count.
  _static_probes_find_control(_sp_rest _sp_good _sp_control)
  if(NOT _sp_control STREQUAL "")
    set(_sp_rest "${_sp_good}")
  endif()
  _static_probes_lex()
  if(NOT _sp_control STREQUAL "")
    set(_sp_msg "${_sp_control}")
    _static_probes_lex_error()
  endif()
  set(_sp_pos 0)
  set(_sp_probes "")
  set(_sp_probe_names_at "")
  set(_sp_pragmas "")
  set(_sp_seen "")
  while(NOT _sp_k${_sp_pos} STREQUAL "eof")
    if(_sp_k${_sp_pos} STREQUAL "pragma")
      list(APPEND _sp_pragmas ${_sp_pos})
      _static_probes_bump()
    elseif(_sp_k${_sp_pos} STREQUAL "ident" AND _sp_t${_sp_pos} STREQUAL "provider")
      _static_probes_provider()
    elseif(_sp_k${_sp_pos} STREQUAL "ident" AND _sp_t${_sp_pos} STREQUAL "probe")
      set(_sp_msg "probe declaration outside a provider: put it inside `provider NAME { ... };`")
      _static_probes_error_at(${_sp_pos})
    elseif(_sp_k${_sp_pos} STREQUAL "ident" AND _sp_t${_sp_pos} MATCHES "^(typedef|struct|union|enum)$")
      _static_probes_skip_declaration()
    elseif(_sp_k${_sp_pos} STREQUAL "punct" AND _sp_t${_sp_pos} STREQUAL ";")
      _static_probes_bump()
    elseif(_sp_k${_sp_pos} STREQUAL "punct" AND _sp_t${_sp_pos} MATCHES "^[])}]$")
      set(_sp_msg "unbalanced brackets: unmatched `${_sp_t${_sp_pos}}`")
      _static_probes_error_at(${_sp_pos})
    else()
      _static_probes_skip_clause()
    endif()
  endwhile()
  _static_probes_check_macro_names()
  _static_probes_check_attributes()
  set(${out_var} "${_sp_probes}" PARENT_SCOPE)
endfunction()

# Runs the C preprocessor over a provider, as `dtrace -C` does: $CPP, else
# <compiler> -E; -I, -D and -U from <flags> (a list). Sets <text_var>, or
# <error_var>.
function(_static_probes_preprocess file flags compiler text_var error_var)
  set(${error_var} "" PARENT_SCOPE)
  set(cpp "")
  if(DEFINED ENV{CPP})
    set(cpp "$ENV{CPP}")
  endif()
  if(NOT cpp STREQUAL "")
    separate_arguments(command UNIX_COMMAND "${cpp}")
  elseif(compiler)
    set(command ${compiler} -E)
  else()
    set(command cc -E)
  endif()
  list(APPEND command -x c)
  set(next "")
  foreach(flag IN LISTS flags)
    if(next)
      list(APPEND command "${next}${flag}")
      set(next "")
    elseif(flag MATCHES "^-[IDU]$")
      set(next "${flag}")
    elseif(flag MATCHES "^-[IDU].")
      list(APPEND command "${flag}")
    endif()
  endforeach()
  execute_process(COMMAND ${command} "${file}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE text ERROR_VARIABLE err)
  if(NOT rc STREQUAL "0")
    string(REPLACE ";" " " shown "${command}")
    string(STRIP "${err}" err)
    set(${error_var} "${file}: error: the C preprocessor `${shown}` failed (${rc}): ${err}" PARENT_SCOPE)
    return()
  endif()
  set(${text_var} "${text}" PARENT_SCOPE)
endfunction()

# Reads a provider file: through the C preprocessor when <flags> hold -C
# (<compiler> runs it). Sets <out_var> (PROVIDER:PROBE:ARITY:LINE:COL list)
# or <error_var>.
function(_static_probes_parse file flags compiler out_var error_var)
  _static_probes_reader_constants()
  set(${out_var} "" PARENT_SCOPE)
  if(NOT EXISTS "${file}" OR IS_DIRECTORY "${file}")
    set(${error_var} "${file}: error: provider file not found" PARENT_SCOPE)
    return()
  endif()
  if("-C" IN_LIST flags)
    # The file as written is checked first: the preprocessor would pass
    # binary junk through.
    file(READ "${file}" text)
    _static_probes_check_binary("${file}" text error)
    if(NOT error STREQUAL "")
      set(${error_var} "${error}" PARENT_SCOPE)
      return()
    endif()
    _static_probes_preprocess("${file}" "${flags}" "${compiler}" text error)
    if(error)
      set(${error_var} "${error}" PARENT_SCOPE)
      return()
    endif()
    set(preprocessed PREPROCESSED)
  else()
    file(READ "${file}" text)
    set(preprocessed "")
  endif()
  _static_probes_parse_text("${file}" text probes error ${preprocessed})
  set(${out_var} "${probes}" PARENT_SCOPE)
  set(${error_var} "${error}" PARENT_SCOPE)
endfunction()

function(_static_probes_macro_name provider probe out_var)
  string(REPLACE "__" "_" probe "${probe}")
  string(TOUPPER "${provider}_${probe}" name)
  set(${out_var} "${name}" PARENT_SCOPE)
endfunction()

# Writes the no-op header (through a temporary file: never half-written).
function(static_probes_disabled_header provider_file output)
  _static_probes_write_disabled_header("${provider_file}" "${output}" error)
  if(error)
    _static_probes_stop(error)
  endif()
endfunction()

function(_static_probes_write_disabled_header provider_file output error_var)
  get_filename_component(provider_file "${provider_file}" ABSOLUTE)
  get_filename_component(output "${output}" ABSOLUTE)
  _static_probes_parse("${provider_file}" "" "" probes error)
  set(${error_var} "${error}" PARENT_SCOPE)
  if(error)
    return()
  endif()
  get_filename_component(out_name "${output}" NAME)
  get_filename_component(in_name "${provider_file}" NAME)
  string(MAKE_C_IDENTIFIER "STATIC_PROBES_${out_name}" guard)
  string(TOUPPER "${guard}" guard)
  set(text "/* Generated by StaticProbes (FindStaticProbes.cmake) from ${in_name}; do not edit.\n")
  string(APPEND text " * Probes are disabled: every marker is a no-op and its arguments are not\n")
  string(APPEND text " * evaluated. */\n#ifndef ${guard}\n#define ${guard}\n\n")
  # Arguments are never evaluated, but appear under if (0): type-checked,
  # and the variables they name count as used (as probe-build's header).
  # The reader refused two probes that would give one macro.
  foreach(entry IN LISTS probes)
    string(REPLACE ":" ";" parts "${entry}")
    list(GET parts 0 provider)
    list(GET parts 1 probe)
    list(GET parts 2 arity)
    _static_probes_macro_name("${provider}" "${probe}" macro)
    set(params "")
    set(body "do { } while (0)")
    if(arity GREATER 0)
      set(uses "")
      foreach(i RANGE 1 ${arity})
        list(APPEND params "arg${i}")
        string(APPEND uses " (void) (arg${i});")
      endforeach()
      string(REPLACE ";" ", " params "${params}")
      set(body "do { if (0) {${uses} } } while (0)")
    endif()
    string(APPEND text "#define ${macro}_ENABLED() (0)\n")
    string(APPEND text "#define ${macro}(${params}) \\\n${body}\n")
  endforeach()
  string(APPEND text "\n#endif /* ${guard} */\n")
  get_filename_component(out_dir "${output}" DIRECTORY)
  file(MAKE_DIRECTORY "${out_dir}")
  file(WRITE "${output}.tmp" "${text}")
  file(RENAME "${output}.tmp" "${output}")
endfunction()

# ---------------------------------------------------------------------------
# Script mode: the build runs this file with cmake -P for its steps.
# ---------------------------------------------------------------------------

# Stops with an error whose first line is the text held by <text_var>
# ("FILE:LINE:COL: error: ..."), on a line of its own as compilers print
# it, so editors and CI annotators find it; not wrapped in CMake's
# "CMake Error at ..." frame, which only follows, when this CMake has no
# other way to exit with a failure.
# In script mode the caller returns, and the script stops at its top level
# (see StaticProbes_SCRIPT_ACTION below), which keeps CMake's call stack out.
macro(_static_probes_stop text_var)
  message(NOTICE "${${text_var}}")
  if(NOT CMAKE_SCRIPT_MODE_FILE)
    message(FATAL_ERROR "StaticProbes: stopped by the error above")
  endif()
  if(NOT CMAKE_VERSION VERSION_LESS 3.29)
    cmake_language(EXIT 1)
  endif()
  set_property(GLOBAL PROPERTY _StaticProbes_FAILED TRUE)
  return()
endmacro()

# Runs the tool, its messages passed through untouched; on failure removes
# the partial output and stops.
function(_static_probes_run_tool output)
  set(tmp "${output}.tmp")
  file(REMOVE "${tmp}")
  execute_process(COMMAND ${ARGN} -o "${tmp}" RESULT_VARIABLE rc)
  if(NOT rc STREQUAL "0" OR NOT EXISTS "${tmp}")
    file(REMOVE "${tmp}")
    string(REPLACE ";" " " cmd "${ARGN}")
    message(FATAL_ERROR "StaticProbes: `${cmd}` failed (${rc})")
  endif()
  file(RENAME "${tmp}" "${output}")
endfunction()

# The header step with probes on: the provider is read by the reader above
# first (a lenient tool must not decide what a broken file means), then the
# tool writes the header, which must define both macros of every declared
# probe; otherwise nothing is left behind.
function(_static_probes_tool_header provider output flags compiler)
  _static_probes_parse("${provider}" "${flags}" "${compiler}" probes error)
  if(error)
    _static_probes_stop(error)
  endif()
  set(tmp "${output}.tmp")
  file(REMOVE "${tmp}")
  # ARGN: `dtrace ... -h`, or `probe-build header ...`, which takes the
  # provider file without -s.
  set(command ${ARGN})
  list(GET command 1 word)
  if(word STREQUAL "header")
    list(APPEND command "${provider}")
  else()
    list(APPEND command -s "${provider}")
  endif()
  execute_process(COMMAND ${command} -o "${tmp}" RESULT_VARIABLE rc)
  string(REPLACE ";" " " cmd "${command}")
  if(NOT rc STREQUAL "0" OR NOT EXISTS "${tmp}")
    file(REMOVE "${tmp}")
    message(FATAL_ERROR "StaticProbes: `${cmd}` failed (${rc})")
  endif()
  file(READ "${tmp}" header)
  _static_probes_reader_constants()
  set(_sp_preprocessed FALSE)
  set(_sp_file "${provider}")
  file(READ "${provider}" _sp_text)
  string(REPLACE "\r\n" "\n" _sp_text "${_sp_text}")
  string(REPLACE "\r" "\n" _sp_text "${_sp_text}")
  set(report "")
  set(lost 0)
  foreach(entry IN LISTS probes)
    string(REPLACE ":" ";" parts "${entry}")
    list(GET parts 0 provider_name)
    list(GET parts 1 probe)
    list(GET parts 3 line)
    list(GET parts 4 col)
    _static_probes_macro_name("${provider_name}" "${probe}" macro)
    set(missing "")
    foreach(name IN ITEMS ${macro} ${macro}_ENABLED)
      if(NOT header MATCHES "#[ \t]*define[ \t]+${name}[ \t]*\\(")
        list(APPEND missing "${name}()")
      endif()
    endforeach()
    if(missing)
      string(REPLACE ";" " and " missing "${missing}")
      set(message "probe `${provider_name}:${probe}` is missing from the header `${cmd}` wrote (no ${missing}): the tool dropped it")
      _static_probes_diagnostic("${provider}" ${line} ${col} ${line} message diagnostic)
      string(APPEND report "${diagnostic}\n")
      math(EXPR lost "${lost} + 1")
    endif()
  endforeach()
  if(lost GREATER 0)
    file(REMOVE "${tmp}")
    string(APPEND report "StaticProbes: the tool lost ${lost} of the probes ${provider} declares; no header written")
    _static_probes_stop(report)
  endif()
  file(RENAME "${tmp}" "${output}")
endfunction()

# The post-link check: `probe-build list --check` over the linked files,
# probes listed as unused passed with --unused. probe-build's report (each
# missing probe at its declaration) is passed through; a hint follows.
function(_static_probes_check stamp unused)
  set(command ${ARGN})
  if(unused)
    list(REMOVE_DUPLICATES unused)
    string(REPLACE ";" "," unused "${unused}")
    # After `list --check PROVIDER.d`.
    list(INSERT command 4 --unused "${unused}")
  endif()
  execute_process(COMMAND ${command} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc STREQUAL "0")
    string(STRIP "${err}" report)
    if(report STREQUAL "")
      string(REPLACE ";" " " cmd "${command}")
      set(report "StaticProbes: `${cmd}` failed (${rc})")
    elseif(report MATCHES ": error: probe [^ ]+ has no site")
      string(APPEND report "\nStaticProbes: fire these probes, or list those left unused on purpose with UNUSED in static_probes_add_provider()")
    endif()
    _static_probes_stop(report)
  endif()
  get_filename_component(dir "${stamp}" DIRECTORY)
  file(MAKE_DIRECTORY "${dir}")
  file(WRITE "${stamp}" "${out}")
endfunction()

# A trace test: the program under `probe-build trace`; the trace must be
# the expected lines, in order, and the program must exit with 0.
function(_static_probes_trace_test)
  if(_sp_skip)
    message(NOTICE "StaticProbes: skipped: ${_sp_skip}")
    return()
  endif()
  set(command "${_sp_tracer}" trace)
  list(REMOVE_DUPLICATES _sp_providers)
  list(REMOVE_ITEM _sp_providers "")
  foreach(provider IN LISTS _sp_providers)
    list(APPEND command --provider "${provider}")
  endforeach()
  if(_sp_providers)
    list(APPEND command ${_sp_flags})
  endif()
  foreach(probe IN LISTS _sp_probes)
    list(APPEND command -n "${probe}")
  endforeach()
  file(REMOVE "${_sp_trace_file}")
  list(APPEND command -o "${_sp_trace_file}" -- "${_sp_program}" ${_sp_args})
  execute_process(COMMAND ${command} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  file(READ "${_sp_expected_file}" expected)
  set(traced "")
  if(EXISTS "${_sp_trace_file}")
    file(READ "${_sp_trace_file}" traced)
  endif()
  string(REPLACE ";" " " shown "${command}")
  if(rc STREQUAL "0" AND traced STREQUAL expected)
    string(REGEX MATCHALL "\n" hits "${traced}")
    list(LENGTH hits hits)
    message(NOTICE "StaticProbes: `${shown}`: ${hits} probe hits, as expected:\n${traced}")
    return()
  endif()
  set(report "StaticProbes: trace test failed: `${shown}`")
  if(NOT rc STREQUAL "0")
    string(APPEND report "\nexit status: ${rc}")
  endif()
  # The first line that differs.
  string(REGEX REPLACE "\n$" "" want "${expected}")
  string(REGEX REPLACE "\n$" "" got "${traced}")
  string(REPLACE ";" "\\;" want "${want}")
  string(REPLACE ";" "\\;" got "${got}")
  string(REPLACE "\n" ";" want "${want}")
  string(REPLACE "\n" ";" got "${got}")
  list(LENGTH want want_n)
  list(LENGTH got got_n)
  set(i 0)
  while(i LESS want_n OR i LESS got_n)
    set(a "(nothing)")
    set(b "(nothing)")
    if(i LESS want_n)
      list(GET want ${i} a)
    endif()
    if(i LESS got_n)
      list(GET got ${i} b)
    endif()
    if(NOT a STREQUAL b)
      math(EXPR line "${i} + 1")
      string(APPEND report "\nline ${line}: expected `${a}`, traced `${b}`")
      break()
    endif()
    math(EXPR i "${i} + 1")
  endwhile()
  string(APPEND report "\nexpected (${_sp_expected_file}):\n${expected}traced (${_sp_trace_file}):\n${traced}")
  string(APPEND report "the program's output:\n${out}${err}")
  message(NOTICE "${report}")
  message(FATAL_ERROR "StaticProbes: the probes did not fire as expected")
endfunction()

if(CMAKE_SCRIPT_MODE_FILE AND DEFINED StaticProbes_SCRIPT_ACTION)
  if(StaticProbes_SCRIPT_ACTION STREQUAL "disabled-header")
    _static_probes_write_disabled_header("${StaticProbes_SCRIPT_INPUT}" "${StaticProbes_SCRIPT_OUTPUT}" _sp_error)
    if(_sp_error)
      message(NOTICE "${_sp_error}")
      set_property(GLOBAL PROPERTY _StaticProbes_FAILED TRUE)
    endif()
  elseif(StaticProbes_SCRIPT_ACTION STREQUAL "header")
    # -D lists arrive with ';' intact.
    _static_probes_tool_header("${StaticProbes_SCRIPT_INPUT}" "${StaticProbes_SCRIPT_OUTPUT}"
      "${StaticProbes_SCRIPT_FLAGS}" "${StaticProbes_SCRIPT_COMPILER}" ${StaticProbes_SCRIPT_COMMAND})
  elseif(StaticProbes_SCRIPT_ACTION STREQUAL "run")
    _static_probes_run_tool("${StaticProbes_SCRIPT_OUTPUT}" ${StaticProbes_SCRIPT_COMMAND})
  elseif(StaticProbes_SCRIPT_ACTION STREQUAL "check")
    # The linked programs and libraries; objects only when the provider is
    # attached to static or object libraries alone.
    set(_sp_files ${StaticProbes_SCRIPT_FILES})
    if(NOT _sp_files)
      set(_sp_files ${StaticProbes_SCRIPT_OBJECTS})
    endif()
    _static_probes_check("${StaticProbes_SCRIPT_OUTPUT}" "${StaticProbes_SCRIPT_UNUSED}"
      ${StaticProbes_SCRIPT_COMMAND} ${_sp_files})
  elseif(StaticProbes_SCRIPT_ACTION STREQUAL "trace-test")
    include("${StaticProbes_SCRIPT_SETTINGS}")
    _static_probes_trace_test()
  elseif(StaticProbes_SCRIPT_ACTION STREQUAL "g-objects")
    # dtrace -G over a target's objects rewrites them in place.  Keep a
    # pristine copy of each, and restore it when the object on disk is the
    # one we rewrote last time, so a relink without recompiling works.  The
    # rewritten object gets its compile time back (touch -r): Ninja would
    # otherwise find its recorded dependencies stale and recompile it.
    include("${StaticProbes_SCRIPT_SETTINGS}")
    set(objects "")
    foreach(obj IN LISTS _sp_objects)
      if(NOT EXISTS "${obj}")
        message(FATAL_ERROR "StaticProbes: object ${obj} not found")
      endif()
      file(SHA256 "${obj}" now)
      set(stamp "")
      if(EXISTS "${obj}.sdt-rewritten")
        file(READ "${obj}.sdt-rewritten" stamp)
      endif()
      if(now STREQUAL stamp AND EXISTS "${obj}.sdt-orig")
        execute_process(COMMAND "${CMAKE_COMMAND}" -E copy "${obj}.sdt-orig" "${obj}")
      else()
        execute_process(COMMAND "${CMAKE_COMMAND}" -E copy "${obj}" "${obj}.sdt-orig")
        execute_process(COMMAND touch -r "${obj}" "${obj}.sdt-orig")
      endif()
      list(APPEND objects "${obj}")
    endforeach()
    # A program or library also covers the static libraries it links that
    # share its provider file: fresh copies of their pristine objects that
    # hold probe sites go through the same -G run, and are linked (through
    # a response file) before the archives, which then give nothing more.
    get_filename_component(copies "${_sp_static_objects}" DIRECTORY)
    set(copies "${copies}/static-objects")
    file(REMOVE_RECURSE "${copies}")
    set(covered "")
    set(response "")
    if(NOT _sp_type STREQUAL "STATIC_LIBRARY")
      set(n 0)
      foreach(entry IN LISTS _sp_static_libraries)
        string(REPLACE "|" ";" parts "${entry}")
        list(GET parts 0 library)
        list(GET parts 1 key)
        list(REMOVE_AT parts 0 1)
        if(NOT key STREQUAL _sp_key OR NOT library IN_LIST _sp_links)
          continue()
        endif()
        foreach(obj IN LISTS parts)
          set(pristine "${obj}")
          if(EXISTS "${obj}.sdt-orig")
            set(pristine "${obj}.sdt-orig")
          endif()
          file(STRINGS "${pristine}" sites REGEX "^__dtrace" LIMIT_COUNT 1)
          if(NOT sites)
            continue()
          endif()
          math(EXPR n "${n} + 1")
          get_filename_component(name "${obj}" NAME)
          set(copy "${copies}/${n}-${name}")
          file(MAKE_DIRECTORY "${copies}")
          execute_process(COMMAND "${CMAKE_COMMAND}" -E copy "${pristine}" "${copy}")
          list(APPEND covered "${copy}")
          string(REGEX REPLACE "([\"\\\\])" "\\\\\\1" quoted "${copy}")
          string(APPEND response "\"${quoted}\"\n")
        endforeach()
      endforeach()
      file(WRITE "${_sp_static_objects}" "${response}")
    endif()
    get_filename_component(out_dir "${_sp_output}" DIRECTORY)
    file(MAKE_DIRECTORY "${out_dir}")
    set(tmp "${_sp_output}.tmp")
    file(REMOVE "${tmp}")
    execute_process(COMMAND ${_sp_command} -G -s "${_sp_provider}" -o "${tmp}" ${objects} ${covered}
      WORKING_DIRECTORY "${out_dir}" RESULT_VARIABLE rc)
    # Oracle's DTrace: its rewritten call sites keep a relocation, R_X86_64_NONE
    # against a symbol in section SHN_SUNW_IGNORE, which GNU ld refuses in a
    # position-independent executable; objcopy writes it against symbol 0.
    # (-G finds no sites in an object after that: hence the pristine copies.)
    if(rc STREQUAL "0" AND EXISTS "${tmp}" AND _sp_objcopy)
      foreach(obj IN LISTS objects covered)
        execute_process(COMMAND "${_sp_objcopy}" "${obj}" "${obj}.sdt-objcopy" RESULT_VARIABLE rc)
        if(NOT rc STREQUAL "0")
          set(rc "${rc} (${_sp_objcopy} ${obj})")
          break()
        endif()
        file(RENAME "${obj}.sdt-objcopy" "${obj}")
      endforeach()
    endif()
    if(NOT rc STREQUAL "0" OR NOT EXISTS "${tmp}")
      foreach(obj IN LISTS objects)
        execute_process(COMMAND "${CMAKE_COMMAND}" -E copy "${obj}.sdt-orig" "${obj}")
        execute_process(COMMAND touch -r "${obj}.sdt-orig" "${obj}")
      endforeach()
      file(REMOVE "${tmp}")
      string(REPLACE ";" " " cmd "${_sp_command} -G -s ${_sp_provider} -o ${tmp} ${objects} ${covered}")
      message(FATAL_ERROR "StaticProbes: `${cmd}` failed (${rc})")
    endif()
    foreach(obj IN LISTS objects)
      execute_process(COMMAND touch -r "${obj}.sdt-orig" "${obj}")
      file(SHA256 "${obj}" now)
      file(WRITE "${obj}.sdt-rewritten" "${now}")
    endforeach()
    file(RENAME "${tmp}" "${_sp_output}")
  else()
    message(FATAL_ERROR "StaticProbes: unknown script action '${StaticProbes_SCRIPT_ACTION}'")
  endif()
  get_property(_sp_failed GLOBAL PROPERTY _StaticProbes_FAILED)
  if(_sp_failed)
    message(FATAL_ERROR "StaticProbes: stopped by the error above")
  endif()
  cmake_policy(POP)
  return()
endif()

# ---------------------------------------------------------------------------
# Attaching providers to targets.
# ---------------------------------------------------------------------------

# The results, for functions called where find_package's variables are not
# visible (a sibling directory).
set(_StaticProbes_RESULT_VARIABLES _StaticProbes_MODULE_FILE StaticProbes_ENABLED
  StaticProbes_EXECUTABLE StaticProbes_COMMAND StaticProbes_TOOL_KIND StaticProbes_NEEDS_G
  StaticProbes_G_NEEDS_OBJECTS StaticProbes_DTRACEFLAGS StaticProbes_LINK_LIBRARIES
  StaticProbes_HEADER_COMMAND StaticProbes_HEADER_TOOL StaticProbes_OBJCOPY StaticProbes_NO_PIE
  StaticProbes_PROBE_BUILD StaticProbes_CHECK StaticProbes_CHECK_COMMAND
  StaticProbes_TRACE StaticProbes_TRACE_REASON)
macro(_static_probes_publish_results)
  set_property(GLOBAL PROPERTY _StaticProbes_RESULT_VARIABLES "${_StaticProbes_RESULT_VARIABLES}")
  foreach(_sp_var IN LISTS _StaticProbes_RESULT_VARIABLES)
    set_property(GLOBAL PROPERTY ${_sp_var} "${${_sp_var}}")
  endforeach()
endmacro()

# The compiler that runs the C preprocessor for -C (the tool's own -C uses
# CC, which the build sets to the same compiler).
macro(_static_probes_compiler out)
  if(CMAKE_C_COMPILER_LOADED)
    set(${out} "${CMAKE_C_COMPILER}")
  elseif(CMAKE_CXX_COMPILER_LOADED)
    set(${out} "${CMAKE_CXX_COMPILER}")
  else()
    set(${out} "")
  endif()
endmacro()

# Loads the results when a function is called where find_package's
# variables are not visible (a sibling directory).
macro(_static_probes_load_results caller)
  if(NOT DEFINED StaticProbes_ENABLED OR NOT DEFINED _StaticProbes_MODULE_FILE)
    get_property(_sp_known GLOBAL PROPERTY StaticProbes_ENABLED SET)
    if(NOT _sp_known)
      message(FATAL_ERROR "${caller}: call find_package(StaticProbes) first")
    endif()
    get_property(_sp_variables GLOBAL PROPERTY _StaticProbes_RESULT_VARIABLES)
    foreach(_sp_var IN LISTS _sp_variables)
      get_property(${_sp_var} GLOBAL PROPERTY ${_sp_var})
    endforeach()
  endif()
endmacro()

function(static_probes_add_provider)
  cmake_parse_arguments(PARSE_ARGV 0 arg "PUBLIC" "HEADER" "FLAGS;UNUSED")
  set(usage "static_probes_add_provider(<target>... <provider.d> [HEADER <name.h>] [PUBLIC] [FLAGS <flag>...] [UNUSED <probe>...])")
  _static_probes_load_results(static_probes_add_provider)
  # Like set_target_properties(): the targets, then what they get.
  set(targets ${arg_UNPARSED_ARGUMENTS})
  list(LENGTH targets count)
  if(count LESS 2)
    message(FATAL_ERROR "static_probes_add_provider: expected one or more targets and a provider file: ${usage}")
  endif()
  list(GET targets -1 provider)
  list(REMOVE_AT targets -1)
  foreach(target IN LISTS targets)
    if(NOT TARGET ${target})
      message(FATAL_ERROR "static_probes_add_provider: '${target}' is not a target (usage: ${usage})")
    endif()
    get_target_property(type ${target} TYPE)
    if(NOT type MATCHES "^(EXECUTABLE|STATIC_LIBRARY|SHARED_LIBRARY|MODULE_LIBRARY|OBJECT_LIBRARY)$")
      message(FATAL_ERROR "static_probes_add_provider(${target}): a ${type} target cannot hold probes")
    endif()
  endforeach()
  string(REPLACE ";" " " shown "${targets}")
  get_filename_component(provider "${provider}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(NOT EXISTS "${provider}" OR IS_DIRECTORY "${provider}")
    message(FATAL_ERROR "static_probes_add_provider(${shown}): provider file ${provider} does not exist")
  endif()

  # Read now, whatever the tool: a broken provider stops CMake here, with
  # the provider's FILE:LINE:COL on a line of its own. (The build reads it
  # again before each header, for edits made after configuring.)
  set(flags "")
  if(StaticProbes_ENABLED)
    set(flags ${StaticProbes_DTRACEFLAGS} ${arg_FLAGS})
  endif()
  _static_probes_compiler(compiler)
  file(TIMESTAMP "${provider}" stamp "%s")
  string(MD5 key "${provider}|${flags}|${stamp}")
  get_property(probes GLOBAL PROPERTY _StaticProbes_PARSED_${key})
  get_property(read GLOBAL PROPERTY _StaticProbes_PARSED_${key} SET)
  if(NOT read)
    _static_probes_parse("${provider}" "${flags}" "${compiler}" probes error)
    if(error)
      message(NOTICE "${error}")
      message(SEND_ERROR "static_probes_add_provider(${shown}): ${provider} has an error (above)")
      return()
    endif()
    set_property(GLOBAL PROPERTY _StaticProbes_PARSED_${key} "${probes}")
  endif()
  set(declared "")
  foreach(entry IN LISTS probes)
    string(REGEX MATCH "^[^:]+:[^:]+" name "${entry}")
    string(REGEX REPLACE "^[^:]+:" "" probe "${name}")
    list(APPEND declared "${name}" "${probe}")
  endforeach()
  foreach(name IN LISTS arg_UNUSED)
    if(NOT name IN_LIST declared)
      message(FATAL_ERROR "static_probes_add_provider(${shown}): UNUSED names `${name}`, which ${provider} does not declare")
    endif()
  endforeach()

  foreach(target IN LISTS targets)
    _static_probes_attach(${target} "${provider}" "${arg_HEADER}" "${arg_PUBLIC}" "${arg_FLAGS}" "${compiler}")
  endforeach()
  if(StaticProbes_CHECK)
    _static_probes_add_check("${provider}" "${targets}" "${arg_UNUSED}" "${flags}")
  endif()
endfunction()

# One target gets the header (and the probe object where one is needed).
function(_static_probes_attach target provider header_name public extra_flags compiler)
  get_target_property(type ${target} TYPE)
  get_filename_component(base "${provider}" NAME_WE)
  if(NOT header_name)
    set(header_name "${base}.h")
  endif()
  set(dir "${CMAKE_CURRENT_BINARY_DIR}/static_probes/${target}")
  set(include_dir "${dir}/include")
  set(header "${include_dir}/${header_name}")
  get_filename_component(header_dir "${header}" DIRECTORY)
  file(MAKE_DIRECTORY "${header_dir}")

  set(flags ${StaticProbes_DTRACEFLAGS} ${extra_flags})
  set(tool_env "${CMAKE_COMMAND}" -E env)
  if(CMAKE_C_COMPILER_LOADED)
    # SystemTap's wrapper compiles its stub with $CC: use the project's.
    list(APPEND tool_env "CC=${CMAKE_C_COMPILER}")
  endif()
  set(command ${StaticProbes_COMMAND} ${flags})
  # The header: `dtrace -h -s PROVIDER -o OUT`, or for Oracle's DTrace
  # `probe-build header --flavor oracle PROVIDER -o OUT`.
  if(StaticProbes_HEADER_TOOL)
    _static_probes_preprocessor_flags("${flags}" pp_flags)
    set(header_command "${StaticProbes_HEADER_TOOL}" header --flavor oracle ${pp_flags})
    set(header_tool "${StaticProbes_HEADER_TOOL}")
  else()
    set(header_command ${command} -h)
    set(header_tool ${StaticProbes_EXECUTABLE})
  endif()

  # The outputs also depend on a file that changes only when the settings
  # do (probes switched on or off, another tool or flags), so no generator
  # has to notice the changed command line by itself.
  set(settings_stamp "${dir}/${base}.settings")
  set(settings_text "enabled=${StaticProbes_ENABLED}\nneeds_g=${StaticProbes_NEEDS_G}\ncommand=${command}\nheader=${header_command}\nobjcopy=${StaticProbes_OBJCOPY}\n")
  set(old_settings "")
  if(EXISTS "${settings_stamp}")
    file(READ "${settings_stamp}" old_settings)
  endif()
  if(NOT old_settings STREQUAL settings_text)
    file(WRITE "${settings_stamp}" "${settings_text}")
  endif()

  if(StaticProbes_ENABLED)
    add_custom_command(OUTPUT "${header}"
      COMMAND ${tool_env} "${CMAKE_COMMAND}" -DStaticProbes_SCRIPT_ACTION=header
        "-DStaticProbes_SCRIPT_INPUT=${provider}"
        "-DStaticProbes_SCRIPT_OUTPUT=${header}"
        "-DStaticProbes_SCRIPT_COMMAND=${header_command}"
        "-DStaticProbes_SCRIPT_FLAGS=${flags}"
        "-DStaticProbes_SCRIPT_COMPILER=${compiler}"
        -P "${_StaticProbes_MODULE_FILE}"
      DEPENDS "${provider}" ${header_tool} "${_StaticProbes_MODULE_FILE}" "${settings_stamp}"
      WORKING_DIRECTORY "${dir}"
      COMMENT "Generating ${header_name} from ${base}.d for ${target} (${StaticProbes_TOOL_KIND})"
      VERBATIM)
  else()
    add_custom_command(OUTPUT "${header}"
      COMMAND "${CMAKE_COMMAND}" -DStaticProbes_SCRIPT_ACTION=disabled-header
        "-DStaticProbes_SCRIPT_INPUT=${provider}"
        "-DStaticProbes_SCRIPT_OUTPUT=${header}"
        -P "${_StaticProbes_MODULE_FILE}"
      DEPENDS "${provider}" "${_StaticProbes_MODULE_FILE}" "${settings_stamp}"
      COMMENT "Generating ${header_name} from ${base}.d for ${target} (no-op markers)"
      VERBATIM)
  endif()
  target_sources(${target} PRIVATE "${header}")
  # For trace tests: the argument types of the target's probes.
  set_property(TARGET ${target} APPEND PROPERTY _STATIC_PROBES_PROVIDERS "${provider}")
  if(public)
    target_include_directories(${target} PUBLIC "$<BUILD_INTERFACE:${include_dir}>")
  else()
    target_include_directories(${target} PRIVATE "${include_dir}")
  endif()
  if(StaticProbes_ENABLED)
    # As autoconf's AC_DEFINE: the sources can tell real markers from no-ops.
    if(public)
      target_compile_definitions(${target} PUBLIC HAVE_STATIC_PROBES=1)
    else()
      target_compile_definitions(${target} PRIVATE HAVE_STATIC_PROBES=1)
    endif()
  endif()

  if(NOT StaticProbes_ENABLED OR NOT StaticProbes_NEEDS_G)
    return()
  endif()

  if(NOT StaticProbes_G_NEEDS_OBJECTS)
    # Linux: a stub object (SystemTap's semaphores) from the provider alone.
    set(object "${dir}/${base}.o")
    add_custom_command(OUTPUT "${object}"
      COMMAND ${tool_env} "${CMAKE_COMMAND}" -DStaticProbes_SCRIPT_ACTION=run
        "-DStaticProbes_SCRIPT_OUTPUT=${object}"
        "-DStaticProbes_SCRIPT_COMMAND=${command};-G;-s;${provider}"
        -P "${_StaticProbes_MODULE_FILE}"
      DEPENDS "${provider}" ${StaticProbes_EXECUTABLE} "${settings_stamp}"
      WORKING_DIRECTORY "${dir}"
      COMMENT "Generating ${base}.o from ${base}.d for ${target}"
      VERBATIM)
    set_source_files_properties("${object}" PROPERTIES EXTERNAL_OBJECT TRUE GENERATED TRUE)
    target_sources(${target} PRIVATE "${object}")
    if(StaticProbes_LINK_LIBRARIES)
      target_link_libraries(${target} PRIVATE ${StaticProbes_LINK_LIBRARIES})
    endif()
    return()
  endif()

  # Solaris, illumos, FreeBSD, Oracle Linux: dtrace -G over the target's
  # own objects, just before they are linked or archived.
  if(type STREQUAL "OBJECT_LIBRARY")
    message(FATAL_ERROR "static_probes_add_provider(${target}): with ${StaticProbes_TOOL_KIND} `dtrace -G` runs over the objects at link time; attach the provider to the executable or library that links this object library")
  endif()
  # Each -G run must know every provider whose sites are in the objects.
  get_property(earlier TARGET ${target} PROPERTY _STATIC_PROBES_G_PROVIDER)
  if(earlier)
    message(FATAL_ERROR "static_probes_add_provider(${target}): ${target} already has the provider file ${earlier}; where `dtrace -G` runs over the objects, give each target one provider file (several providers can share one file)")
  endif()
  set_property(TARGET ${target} PROPERTY _STATIC_PROBES_G_PROVIDER "${provider}")
  string(MD5 key "${provider}")
  set_property(TARGET ${target} PROPERTY _STATIC_PROBES_G_KEY "${key}")
  set(object "${dir}/$<CONFIG>/${base}.o")
  set(settings "${dir}/$<CONFIG>/g-objects.cmake")
  set(static_objects "${dir}/$<CONFIG>/static-objects.rsp")
  # A program or library holds one DOF object (a second one clashes on
  # `__SUNW_dof`, and Oracle's runtime refuses to register it): its -G run
  # also covers the static libraries with the same provider file that it
  # links. They are registered here, read when the build files are written.
  if(NOT TARGET StaticProbes::static_libraries)
    add_library(StaticProbes::static_libraries INTERFACE IMPORTED GLOBAL)
  endif()
  file(GENERATE OUTPUT "${settings}" CONTENT
"set(_sp_command [==[${command}]==])
set(_sp_provider [==[${provider}]==])
set(_sp_output [==[${object}]==])
set(_sp_objects [==[$<TARGET_OBJECTS:${target}>]==])
set(_sp_objcopy [==[${StaticProbes_OBJCOPY}]==])
set(_sp_type [==[${type}]==])
set(_sp_key [==[${key}]==])
set(_sp_links [==[$<TARGET_PROPERTY:${target},LINK_LIBRARIES>]==])
set(_sp_static_libraries [==[$<GENEX_EVAL:$<TARGET_PROPERTY:StaticProbes::static_libraries,INTERFACE_STATIC_PROBES_LIBRARIES>>]==])
set(_sp_static_objects [==[${static_objects}]==])
")
  add_custom_command(TARGET ${target} PRE_LINK
    COMMAND ${tool_env} "${CMAKE_COMMAND}" -DStaticProbes_SCRIPT_ACTION=g-objects
      "-DStaticProbes_SCRIPT_SETTINGS=${settings}"
      -P "${_StaticProbes_MODULE_FILE}"
    COMMENT "Running dtrace -G over the objects of ${target}"
    VERBATIM)
  if(type STREQUAL "STATIC_LIBRARY")
    set_property(TARGET StaticProbes::static_libraries APPEND PROPERTY INTERFACE_STATIC_PROBES_LIBRARIES
      "${target}|${key}|$<JOIN:$<TARGET_OBJECTS:${target}>,|>")
    # The -G object is not archived: nothing refers to it, so a link would
    # never pull it out of the archive. The library's users link it
    # directly (it is made when the archive is, before any of them links),
    # unless their own -G run covers the library.
    set(covered "$<AND:$<STREQUAL:$<TARGET_PROPERTY:_STATIC_PROBES_G_KEY>,${key}>,$<IN_LIST:${target},$<TARGET_PROPERTY:LINK_LIBRARIES>>>")
    target_link_options(${target} INTERFACE "$<$<NOT:${covered}>:$<BUILD_INTERFACE:${object}>>")
    if(StaticProbes_NO_PIE)
      target_link_options(${target} INTERFACE "$<$<STREQUAL:$<TARGET_PROPERTY:TYPE>,EXECUTABLE>:-no-pie>")
    endif()
    if(StaticProbes_LINK_LIBRARIES)
      target_link_libraries(${target} INTERFACE ${StaticProbes_LINK_LIBRARIES})
    endif()
  else()
    # The -G object, and the copies of the covered static libraries'
    # objects that hold probe sites (written by the PRE_LINK step): linked
    # before the archives, they define everything those members would, so
    # the linker takes nothing more from them for those objects.
    target_link_options(${target} PRIVATE "${object}" "@${static_objects}")
    if(StaticProbes_NO_PIE AND type STREQUAL "EXECUTABLE")
      target_link_options(${target} PRIVATE -no-pie)
    endif()
    if(StaticProbes_LINK_LIBRARIES)
      target_link_libraries(${target} PRIVATE ${StaticProbes_LINK_LIBRARIES})
    endif()
  endif()
  set_property(TARGET ${target} APPEND PROPERTY ADDITIONAL_CLEAN_FILES "${object}")
endfunction()

function(static_probes_add_trace_test name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "WORKING_DIRECTORY" "COMMAND;EXPECT;PROBES;PROVIDERS")
  set(usage "static_probes_add_trace_test(<name> COMMAND <program> [<arg>...] EXPECT <line>... [PROBES <provider:name>...] [PROVIDERS <provider.d>...] [WORKING_DIRECTORY <dir>])")
  _static_probes_load_results(static_probes_add_trace_test)
  if(arg_UNPARSED_ARGUMENTS OR NOT arg_COMMAND OR NOT DEFINED arg_EXPECT)
    message(FATAL_ERROR "static_probes_add_trace_test(${name}): usage: ${usage}")
  endif()
  list(GET arg_COMMAND 0 program)
  list(REMOVE_AT arg_COMMAND 0)
  set(providers "")
  foreach(provider IN LISTS arg_PROVIDERS)
    get_filename_component(provider "${provider}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND providers "${provider}")
  endforeach()
  if(TARGET ${program})
    # The program's own providers, when read (at generate time).
    list(APPEND providers "$<TARGET_PROPERTY:${program},_STATIC_PROBES_PROVIDERS>")
    set(program "$<TARGET_FILE:${program}>")
  endif()
  set(working_directory "${arg_WORKING_DIRECTORY}")
  if(NOT working_directory)
    set(working_directory "${CMAKE_CURRENT_BINARY_DIR}")
  endif()
  _static_probes_preprocessor_flags("${StaticProbes_DTRACEFLAGS}" pp_flags)
  set(dir "${CMAKE_CURRENT_BINARY_DIR}/static_probes/tests/${name}")
  set(config_dir "${dir}$<$<BOOL:$<CONFIG>>:/$<CONFIG>>")
  # The expected lines as written, outside any generator expression.
  string(REPLACE ";" "\n" expected "${arg_EXPECT}")
  file(WRITE "${dir}/expected.txt" "${expected}\n")
  file(GENERATE OUTPUT "${config_dir}/settings.cmake" CONTENT
"set(_sp_skip [==[${StaticProbes_TRACE_REASON}]==])
set(_sp_tracer [==[${StaticProbes_PROBE_BUILD}]==])
set(_sp_program [==[${program}]==])
set(_sp_args [==[${arg_COMMAND}]==])
set(_sp_providers [==[${providers}]==])
set(_sp_flags [==[${pp_flags}]==])
set(_sp_probes [==[${arg_PROBES}]==])
set(_sp_expected_file [==[${dir}/expected.txt]==])
set(_sp_trace_file [==[${config_dir}/trace.txt]==])
")
  add_test(NAME ${name}
    COMMAND "${CMAKE_COMMAND}" -DStaticProbes_SCRIPT_ACTION=trace-test
      "-DStaticProbes_SCRIPT_SETTINGS=${config_dir}/settings.cmake"
      -P "${_StaticProbes_MODULE_FILE}"
    WORKING_DIRECTORY "${working_directory}")
  set_tests_properties(${name} PROPERTIES SKIP_REGULAR_EXPRESSION "StaticProbes: skipped: ")
endfunction()

# The post-link check of one provider file: one target per provider file in
# the whole project, run once every program and library it is attached to
# is linked, because a library and a program often share a provider file
# and each fires only its own share of the probes. Its stamp is written only
# when the check passes, so a failed check runs again on the next build.
function(_static_probes_add_check provider targets unused flags)
  file(RELATIVE_PATH rel "${CMAKE_SOURCE_DIR}" "${provider}")
  string(MAKE_C_IDENTIFIER "static_probes_check_${rel}" check)
  if(NOT TARGET ${check})
    # -C, -I, -D and -U reach `list --check`, which reads the provider too.
    set(read_flags "")
    set(next FALSE)
    foreach(flag IN LISTS flags)
      if(next OR flag MATCHES "^-[CIDU]")
        list(APPEND read_flags "${flag}")
      endif()
      set(next FALSE)
      if(flag MATCHES "^-[IDU]$")
        set(next TRUE)
      endif()
    endforeach()
    if(CMAKE_VERSION VERSION_LESS 3.20)
      set(stamp "${CMAKE_CURRENT_BINARY_DIR}/static_probes/${check}.passed")
    else()
      set(stamp "${CMAKE_CURRENT_BINARY_DIR}/static_probes/$<CONFIG>/${check}.passed")
    endif()
    set(files "$<GENEX_EVAL:$<TARGET_PROPERTY:${check},_STATIC_PROBES_LINKED>>")
    set(objects "$<GENEX_EVAL:$<TARGET_PROPERTY:${check},_STATIC_PROBES_OBJECTS>>")
    set(env "${CMAKE_COMMAND}" -E env)
    _static_probes_compiler(compiler)
    if(compiler)
      list(APPEND env "CC=${compiler}")
    endif()
    get_filename_component(name "${provider}" NAME)
    add_custom_command(OUTPUT "${stamp}"
      COMMAND ${env} "${CMAKE_COMMAND}" -DStaticProbes_SCRIPT_ACTION=check
        "-DStaticProbes_SCRIPT_COMMAND=${StaticProbes_CHECK_COMMAND};list;--check;${provider};${read_flags}"
        "-DStaticProbes_SCRIPT_FILES=${files}"
        "-DStaticProbes_SCRIPT_OBJECTS=${objects}"
        "-DStaticProbes_SCRIPT_UNUSED=$<TARGET_PROPERTY:${check},_STATIC_PROBES_UNUSED>"
        "-DStaticProbes_SCRIPT_OUTPUT=${stamp}"
        -P "${_StaticProbes_MODULE_FILE}"
      DEPENDS "${provider}" "${StaticProbes_CHECK_COMMAND}" "${_StaticProbes_MODULE_FILE}" ${files} ${objects}
      COMMENT "Checking that every probe of ${name} has a site (probe-build list --check)"
      VERBATIM)
    add_custom_target(${check} ALL DEPENDS "${stamp}")
  endif()
  foreach(target IN LISTS targets)
    get_target_property(type ${target} TYPE)
    if(type MATCHES "^(EXECUTABLE|SHARED_LIBRARY|MODULE_LIBRARY)$")
      set_property(TARGET ${check} APPEND PROPERTY _STATIC_PROBES_LINKED "$<TARGET_FILE:${target}>")
    else()
      set_property(TARGET ${check} APPEND PROPERTY _STATIC_PROBES_OBJECTS "$<TARGET_OBJECTS:${target}>")
    endif()
    add_dependencies(${check} ${target})
  endforeach()
  if(unused)
    set_property(TARGET ${check} APPEND PROPERTY _STATIC_PROBES_UNUSED ${unused})
  endif()
endfunction()

# ---------------------------------------------------------------------------
# Finding and trying the tool.
# ---------------------------------------------------------------------------

# Sets _sp_reason and returns from the calling function's perspective via
# the caller checking it.
macro(_static_probes_fail reason)
  set(_sp_reason "${reason}")
  set(StaticProbes__RESULT_WORKS FALSE CACHE INTERNAL "")
  set(StaticProbes__RESULT_REASON "${reason}" CACHE INTERNAL "")
  return()
endmacro()

function(_static_probes_try_project dir lang command flags link_libs objcopy no_pie out_var log_var)
  # A whole little project built with the same generator: the real -G
  # flow, over real objects, through this very module.
  file(REMOVE_RECURSE "${dir}")
  file(MAKE_DIRECTORY "${dir}/src")
  configure_file("${_sp_work}/conftest.d" "${dir}/src/conftest.d" COPYONLY)
  configure_file("${_sp_work}/conftest.${_sp_ext}" "${dir}/src/conftest.${_sp_ext}" COPYONLY)
  file(WRITE "${dir}/src/settings.cmake"
"set(StaticProbes__TRYING TRUE)
set(StaticProbes_ENABLED TRUE)
set(StaticProbes_NEEDS_G TRUE)
set(StaticProbes_G_NEEDS_OBJECTS TRUE)
set(StaticProbes_TOOL_KIND [==[${StaticProbes__KIND}]==])
set(StaticProbes_EXECUTABLE [==[${StaticProbes__EXE}]==])
set(StaticProbes_COMMAND [==[${command}]==])
set(StaticProbes_HEADER_TOOL [==[${header_tool}]==])
set(StaticProbes_DTRACEFLAGS [==[${flags}]==])
set(StaticProbes_LINK_LIBRARIES [==[${link_libs}]==])
set(StaticProbes_OBJCOPY [==[${objcopy}]==])
set(StaticProbes_NO_PIE [==[${no_pie}]==])
")
  file(WRITE "${dir}/src/CMakeLists.txt"
"cmake_minimum_required(VERSION 3.16)
project(StaticProbesConftest ${lang})
include(\"\${CMAKE_CURRENT_SOURCE_DIR}/settings.cmake\")
include([==[${_StaticProbes_MODULE_FILE}]==])
add_executable(conftest conftest.${_sp_ext})
static_probes_add_provider(conftest conftest.d HEADER conftest_probes.h)
")
  set(cmake_flags "-DCMAKE_${lang}_COMPILER=${CMAKE_${lang}_COMPILER}"
                  "-DCMAKE_${lang}_FLAGS=${CMAKE_${lang}_FLAGS}")
  foreach(var IN ITEMS CMAKE_TOOLCHAIN_FILE CMAKE_SYSROOT CMAKE_${lang}_COMPILER_TARGET
      CMAKE_POSITION_INDEPENDENT_CODE CMAKE_EXE_LINKER_FLAGS CMAKE_LINKER)
    if(DEFINED ${var})
      list(APPEND cmake_flags "-D${var}=${${var}}")
    endif()
  endforeach()
  if(CMAKE_CROSSCOMPILING AND NOT CMAKE_TOOLCHAIN_FILE)
    list(APPEND cmake_flags "-DCMAKE_SYSTEM_NAME=${CMAKE_SYSTEM_NAME}"
      "-DCMAKE_SYSTEM_PROCESSOR=${CMAKE_SYSTEM_PROCESSOR}")
  endif()
  try_compile(_sp_project_ok "${dir}/build" "${dir}/src" StaticProbesConftest conftest
    CMAKE_FLAGS ${cmake_flags}
    OUTPUT_VARIABLE log)
  set(${out_var} ${_sp_project_ok} PARENT_SCOPE)
  set(${log_var} "${log}" PARENT_SCOPE)
  unset(_sp_project_ok CACHE)
endfunction()

# The preprocessor flags among <flags> (-C, -I, -D, -U, with their values):
# what probe-build's header and list --check take of DTRACEFLAGS.
function(_static_probes_preprocessor_flags flags out_var)
  set(kept "")
  set(next FALSE)
  foreach(flag IN LISTS flags)
    if(next OR flag MATCHES "^-[CIDU]")
      list(APPEND kept "${flag}")
    endif()
    set(next FALSE)
    if(flag MATCHES "^-[IDU]$")
      set(next TRUE)
    endif()
  endforeach()
  set(${out_var} "${kept}" PARENT_SCOPE)
endfunction()

# The hardening marks of the GNU property note of <file> (readelf -n):
# "IBT", "SHSTK", "BTI", "PAC"; empty without readelf or a note.
function(_static_probes_marks file out_var)
  set(marks "")
  if(CMAKE_READELF AND EXISTS "${file}")
    execute_process(COMMAND "${CMAKE_READELF}" -n "${file}" OUTPUT_VARIABLE notes ERROR_QUIET)
    if(notes MATCHES "(x86|AArch64) feature: ([^\n]*)")
      string(REGEX MATCHALL "IBT|SHSTK|BTI|PAC" marks "${CMAKE_MATCH_2}")
    endif()
  endif()
  set(${out_var} "${marks}" PARENT_SCOPE)
endfunction()

function(_static_probes_detect)
  set(_sp_work "${CMAKE_BINARY_DIR}${CMAKE_FILES_DIRECTORY}/StaticProbes")
  file(REMOVE_RECURSE "${_sp_work}")
  file(MAKE_DIRECTORY "${_sp_work}")
  set(exe "${StaticProbes__EXE}")
  set(command ${StaticProbes__BASE_COMMAND})
  set(flags ${StaticProbes__USER_FLAGS})

  if(CMAKE_C_COMPILER_LOADED)
    set(lang C)
    set(_sp_ext c)
  elseif(CMAKE_CXX_COMPILER_LOADED)
    set(lang CXX)
    set(_sp_ext cpp)
  else()
    _static_probes_fail("the project enables neither C nor C++, so there is no compiler to try the tool's output with")
  endif()

  file(WRITE "${_sp_work}/conftest.d"
"provider staticprobesconf {
\tprobe hit(int, const char *);
\tprobe tick();
};
")
  file(WRITE "${_sp_work}/conftest.${_sp_ext}"
"#include \"conftest_probes.h\"
int main(int argc, char **argv)
{
\t(void)argv;
\tif (STATICPROBESCONF_HIT_ENABLED())
\t\tSTATICPROBESCONF_HIT(argc, \"conftest\");
\tSTATICPROBESCONF_TICK();
\treturn 0;
}
")

  set(env "${CMAKE_COMMAND}" -E env)
  if(CMAKE_C_COMPILER_LOADED)
    list(APPEND env "CC=${CMAKE_C_COMPILER}")
  endif()

  # 1. -h: retried with -xnolibs (a DTrace that cannot load its D libraries).
  set(header_ok FALSE)
  foreach(extra "" "-xnolibs")
    file(REMOVE "${_sp_work}/conftest_probes.h")
    execute_process(COMMAND ${env} ${command} ${flags} ${extra} -h -s conftest.d -o conftest_probes.h
      WORKING_DIRECTORY "${_sp_work}"
      RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(rc STREQUAL "0" AND EXISTS "${_sp_work}/conftest_probes.h")
      set(header_ok TRUE)
      list(APPEND flags ${extra})
      break()
    endif()
    if(extra STREQUAL "")
      set(first_error "${out}${err}")
      set(first_rc "${rc}")
    endif()
  endforeach()
  string(REPLACE ";" " " command_text "${command}")
  if(NOT header_ok)
    string(STRIP "${first_error}" first_error)
    _static_probes_fail("`${command_text} -h` failed on a test provider (exit ${first_rc}): ${first_error}")
  endif()
  message(STATUS "StaticProbes: `${command_text} -h` writes a header - yes")

  # 2. Which kind of tool answered. Oracle's DTrace for Linux is told by
  # its header: illumos' sites, but an is-enabled call that stores a flag
  # (`__dtraceenabled_PROV___NAME(uint32_t *)`), which illumos' header
  # cannot serve.
  file(READ "${_sp_work}/conftest_probes.h" header_text)
  execute_process(COMMAND ${command} --version
    RESULT_VARIABLE rc OUTPUT_VARIABLE version_text ERROR_VARIABLE version_err)
  if(exe MATCHES "probe-build[^/]*$" OR version_text MATCHES "probe-build" OR header_text MATCHES "probe-build|StaticProbes")
    set(kind PROBE_BUILD)
  elseif(header_text MATCHES "Systemtap|systemtap|<sys/sdt.h>")
    set(kind SYSTEMTAP)
  elseif(header_text MATCHES "__dtraceenabled_[A-Za-z0-9_]+\\(uint32_t \\*")
    set(kind ORACLE)
  else()
    set(kind DTRACE)
  endif()
  set(StaticProbes__KIND "${kind}")
  set(header_command ${command} ${flags} -h)
  set(header_tool "")
  if(kind STREQUAL "ORACLE")
    execute_process(COMMAND ${command} -V OUTPUT_VARIABLE version ERROR_VARIABLE version_err)
    string(STRIP "${version}${version_err}" version)
    string(REGEX REPLACE "^dtrace: " "" version "${version}")
    message(STATUS "StaticProbes: Oracle's DTrace for Linux (${version}) - yes")
    # Its D libraries may not load on a build host (they follow the
    # running kernel); -h and -G need none.
    if(NOT "-xnolibs" IN_LIST flags)
      list(APPEND flags -xnolibs)
    endif()
    # The header: probe-build's `oracle` flavor when probe-build is at hand
    # (the same calls and flag, with const-correct prototypes: Oracle's
    # header declares `char *` for `const char *` arguments, a warning in
    # C and an error in C++), else the tool's own.
    if(StaticProbes__HELPER)
      _static_probes_preprocessor_flags("${flags}" pp_flags)
      set(try_command "${StaticProbes__HELPER}" header --flavor oracle ${pp_flags})
      execute_process(COMMAND ${env} ${try_command} conftest.d -o conftest_probes.h
        WORKING_DIRECTORY "${_sp_work}"
        RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
      string(REPLACE ";" " " try_text "${try_command}")
      if(rc STREQUAL "0")
        set(header_command ${try_command})
        set(header_tool "${StaticProbes__HELPER}")
      else()
        string(STRIP "${out}${err}" err)
        message(STATUS "StaticProbes: `${try_text}` failed (${err}); using the tool's own header")
      endif()
    endif()
    string(REPLACE ";" " " header_text "${header_command}")
    message(STATUS "StaticProbes: headers from `${header_text}`")
  endif()

  # 3. Does the header compile with the project's compiler and flags?
  set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
  try_compile(_sp_compiles "${_sp_work}/compile" "${_sp_work}/conftest.${_sp_ext}"
    CMAKE_FLAGS "-DINCLUDE_DIRECTORIES=${_sp_work}"
    OUTPUT_VARIABLE log)
  set(compiles ${_sp_compiles})
  unset(_sp_compiles CACHE)
  if(NOT compiles)
    file(WRITE "${_sp_work}/compile.log" "${log}")
    string(REPLACE ";" " " header_text "${header_command}")
    _static_probes_fail("the header from `${header_text}` does not compile with ${CMAKE_${lang}_COMPILER} (see ${_sp_work}/compile.log)")
  endif()
  message(STATUS "StaticProbes: its header compiles with the ${lang} compiler - yes")

  # 4. Does a program link without a -G object (macOS)?
  set(CMAKE_TRY_COMPILE_TARGET_TYPE EXECUTABLE)
  try_compile(_sp_links "${_sp_work}/link" "${_sp_work}/conftest.${_sp_ext}"
    CMAKE_FLAGS "-DINCLUDE_DIRECTORIES=${_sp_work}"
    OUTPUT_VARIABLE log)
  set(links ${_sp_links})
  unset(_sp_links CACHE)
  set(needs_g FALSE)
  set(needs_objects FALSE)
  set(link_libs "")
  set(objcopy "")
  set(no_pie FALSE)
  if(links)
    message(STATUS "StaticProbes: -G needed - no")
  else()
    set(needs_g TRUE)
    message(STATUS "StaticProbes: -G needed - yes")
    # 5. Does -G work from the provider alone (a stub object)? A tool that
    # rewrites objects may still write an object without any (Oracle's
    # does): it must also make the program link.
    file(REMOVE "${_sp_work}/conftest_stub.o")
    execute_process(COMMAND ${env} ${command} ${flags} -G -s conftest.d -o conftest_stub.o
      WORKING_DIRECTORY "${_sp_work}"
      RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    set(stub_links FALSE)
    if(rc STREQUAL "0" AND EXISTS "${_sp_work}/conftest_stub.o")
      try_compile(_sp_links "${_sp_work}/link-stub" "${_sp_work}/conftest.${_sp_ext}"
        CMAKE_FLAGS "-DINCLUDE_DIRECTORIES=${_sp_work}"
        LINK_LIBRARIES "${_sp_work}/conftest_stub.o"
        OUTPUT_VARIABLE log)
      set(stub_links ${_sp_links})
      unset(_sp_links CACHE)
      file(WRITE "${_sp_work}/link.log" "${log}")
      set(stub_error "its output alone does not make the program link (see ${_sp_work}/link.log)")
    else()
      set(stub_error "${out}${err}")
      string(STRIP "${stub_error}" stub_error)
    endif()
    if(stub_links)
      message(STATUS "StaticProbes: -G needs the objects - no")
    else()
      message(STATUS "StaticProbes: -G needs the objects - yes")
      set(needs_objects TRUE)
      # 6. The whole flow over objects. Plain DTraces: with -64/-32 and
      # -lelf as needed. Oracle's: with -64/-32, then an objcopy pass over
      # the rewritten objects (GNU ld refuses their relocations in a PIE;
      # objcopy writes them against symbol 0, which it takes), else -no-pie.
      if(CMAKE_SIZEOF_VOID_P EQUAL 8)
        set(bits -64)
      else()
        set(bits -32)
      endif()
      if(kind STREQUAL "ORACLE")
        set(attempts "")
        if(CMAKE_OBJCOPY)
          list(APPEND attempts bits+objcopy)
        endif()
        list(APPEND attempts bits+nopie)
      else()
        set(attempts none bits elf bits+elf)
      endif()
      set(works FALSE)
      set(logs "")
      foreach(attempt IN LISTS attempts)
        set(try_flags ${flags})
        set(try_libs "")
        set(try_objcopy "")
        set(try_no_pie FALSE)
        if(attempt MATCHES "bits")
          list(APPEND try_flags ${bits})
        endif()
        if(attempt MATCHES "elf")
          set(try_libs elf)
        endif()
        if(attempt MATCHES "objcopy")
          set(try_objcopy "${CMAKE_OBJCOPY}")
        endif()
        if(attempt MATCHES "nopie")
          set(try_no_pie TRUE)
        endif()
        _static_probes_try_project("${_sp_work}/objects-${attempt}" ${lang} "${command}" "${try_flags}"
          "${try_libs}" "${try_objcopy}" "${try_no_pie}" ok log)
        string(APPEND logs "=== attempt: ${attempt}\n${log}\n")
        if(ok)
          set(works TRUE)
          set(flags ${try_flags})
          set(link_libs ${try_libs})
          set(objcopy "${try_objcopy}")
          set(no_pie ${try_no_pie})
          set(chosen "${_sp_work}/objects-${attempt}")
          break()
        endif()
      endforeach()
      file(WRITE "${_sp_work}/objects.log" "${logs}")
      if(NOT works)
        set(why "`${command_text} -G` refuses to run without objects (${stub_error}) and a program built by running it over its objects does not link (see ${_sp_work}/objects.log)")
        if(kind STREQUAL "ORACLE")
          string(APPEND why "; the objects of Oracle's dtrace -G link with GNU ld only (not lld, gold or mold)")
        endif()
        _static_probes_fail("${why}")
      endif()
      set(how "flags: ${flags}; libraries: ${link_libs}")
      if(objcopy)
        string(APPEND how "; each rewritten object through ${objcopy}")
      endif()
      if(no_pie)
        string(APPEND how "; programs linked with -no-pie")
      endif()
      message(STATUS "StaticProbes: -G over the objects links - yes (${how})")
      if(no_pie)
        if(CMAKE_OBJCOPY)
          set(why "an objcopy pass over the rewritten objects (${CMAKE_OBJCOPY}) did not make a PIE link (see ${_sp_work}/objects.log)")
        else()
          set(why "no objcopy was found to rewrite them first (set CMAKE_OBJCOPY)")
        endif()
        message(WARNING "StaticProbes: programs with probes are linked with -no-pie, without address randomisation of the executable: GNU ld refuses the relocations `${command_text} -G` leaves in the objects of a position-independent executable, and ${why}.")
      endif()
      # 7. Do programs keep the hardening marks of their objects (CET's
      # IBT and SHSTK, AArch64's BTI and PAC)? Only an object with a GNU
      # property note keeps them, and Oracle's -G object has none.
      file(GLOB_RECURSE pristine "${chosen}/build/*conftest.${_sp_ext}.o.sdt-orig")
      file(GLOB_RECURSE program LIST_DIRECTORIES false "${chosen}/build/conftest" "${chosen}/build/conftest.exe")
      if(pristine AND program)
        list(GET pristine 0 pristine)
        list(GET program 0 program)
        _static_probes_marks("${pristine}" object_marks)
        _static_probes_marks("${program}" program_marks)
        set(lost "")
        foreach(mark IN LISTS object_marks)
          if(NOT mark IN_LIST program_marks)
            list(APPEND lost ${mark})
          endif()
        endforeach()
        if(lost)
          string(REPLACE ";" ", " lost "${lost}")
          message(WARNING "StaticProbes: programs and libraries with probes lose the ${lost} marks their objects carry: the object `${command_text} -G` writes has no GNU property note, and the linker keeps a mark only when every object has it. They run without that protection (CET or BTI/PAC) even where the compiler flags ask for it.")
        endif()
      endif()
    endif()
  endif()

  set(StaticProbes__RESULT_WORKS TRUE CACHE INTERNAL "")
  set(StaticProbes__RESULT_REASON "" CACHE INTERNAL "")
  set(StaticProbes__RESULT_KIND "${kind}" CACHE INTERNAL "")
  set(StaticProbes__RESULT_FLAGS "${flags}" CACHE INTERNAL "")
  set(StaticProbes__RESULT_HEADER_TOOL "${header_tool}" CACHE INTERNAL "")
  set(StaticProbes__RESULT_NEEDS_G "${needs_g}" CACHE INTERNAL "")
  set(StaticProbes__RESULT_NEEDS_OBJECTS "${needs_objects}" CACHE INTERNAL "")
  set(StaticProbes__RESULT_LINK_LIBRARIES "${link_libs}" CACHE INTERNAL "")
  set(StaticProbes__RESULT_OBJCOPY "${objcopy}" CACHE INTERNAL "")
  set(StaticProbes__RESULT_NO_PIE "${no_pie}" CACHE INTERNAL "")
endfunction()

set(StaticProbes_VERSION "${_StaticProbes_MODULE_VERSION}")

if(StaticProbes__TRYING)
  # Inside the detection's own test project: settings come from outside.
  _static_probes_publish_results()
  cmake_policy(POP)
  return()
endif()

set(STATIC_PROBES "OFF" CACHE STRING "Static probes: ON (required), OFF (no-op markers) or AUTO (when a working tool is found)")
set_property(CACHE STATIC_PROBES PROPERTY STRINGS ON OFF AUTO)
string(TOUPPER "${STATIC_PROBES}" _sp_mode)
if(_sp_mode MATCHES "^(ON|YES|TRUE|Y|1|REQUIRED)$")
  set(_sp_mode ON)
elseif(_sp_mode MATCHES "^(OFF|NO|FALSE|N|0|)$")
  set(_sp_mode OFF)
elseif(_sp_mode MATCHES "^(AUTO|CHECK)$")
  set(_sp_mode AUTO)
else()
  message(FATAL_ERROR "StaticProbes: STATIC_PROBES must be ON, OFF or AUTO, not '${STATIC_PROBES}'")
endif()

if(NOT DEFINED DTRACEFLAGS AND DEFINED ENV{DTRACEFLAGS})
  set(DTRACEFLAGS "$ENV{DTRACEFLAGS}" CACHE STRING "Flags for the dtrace tool (both -h and -G)")
endif()
set(DTRACEFLAGS "" CACHE STRING "Flags for the dtrace tool (both -h and -G)")

# An installed package looks for the tool beside itself too (<prefix>/bin).
set(_sp_hints "")
if(DEFINED _StaticProbes_HINT_BIN)
  set(_sp_hints "${_StaticProbes_HINT_BIN}")
endif()

set(StaticProbes_ENABLED FALSE)
set(StaticProbes_EXECUTABLE "")
set(StaticProbes_COMMAND "")
set(StaticProbes_TOOL_KIND NONE)
set(StaticProbes_NEEDS_G FALSE)
set(StaticProbes_G_NEEDS_OBJECTS FALSE)
set(StaticProbes_DTRACEFLAGS "")
set(StaticProbes_LINK_LIBRARIES "")
set(StaticProbes_HEADER_COMMAND "")
set(StaticProbes_HEADER_TOOL "")
set(StaticProbes_OBJCOPY "")
set(StaticProbes_NO_PIE FALSE)
set(StaticProbes_PROBE_BUILD "")
set(_sp_reason "")

if(_sp_mode STREQUAL "OFF")
  set(_sp_reason "STATIC_PROBES is OFF")
else()
  get_property(_sp_cached CACHE DTRACE PROPERTY VALUE)
  if(NOT _sp_cached AND DEFINED ENV{DTRACE})
    if(NOT "$ENV{DTRACE}" STREQUAL "")
      # Empty or not found before: the environment decides.
      set(DTRACE "$ENV{DTRACE}" CACHE FILEPATH "The dtrace tool: a DTrace, SystemTap's wrapper or probe-build" FORCE)
    endif()
  endif()
  find_program(DTRACE NAMES dtrace probe-build HINTS ${_sp_hints}
    DOC "The dtrace tool: a DTrace, SystemTap's wrapper or probe-build")
  # A value with arguments ("probe-build dtrace") is a command line.
  set(_sp_command "${DTRACE}")
  if(NOT EXISTS "${DTRACE}" AND DTRACE MATCHES " ")
    separate_arguments(_sp_command UNIX_COMMAND "${DTRACE}")
  endif()
  list(GET _sp_command 0 _sp_exe)
  if(NOT DTRACE)
    set(_sp_reason "no dtrace tool was found (looked for dtrace and probe-build on PATH; set DTRACE to the tool's path)")
  elseif(NOT EXISTS "${_sp_exe}" OR IS_DIRECTORY "${_sp_exe}")
    set(_sp_reason "the dtrace tool ${_sp_exe} (from DTRACE) does not exist")
  else()
    get_filename_component(_sp_exe "${_sp_exe}" ABSOLUTE)
    list(LENGTH _sp_command _sp_command_len)
    if(_sp_exe MATCHES "probe-build[^/]*$" AND _sp_command_len EQUAL 1)
      list(APPEND _sp_command dtrace)
    endif()
    list(REMOVE_AT _sp_command 0)
    set(_sp_command "${_sp_exe}" ${_sp_command})
    separate_arguments(_sp_user_flags UNIX_COMMAND "${DTRACEFLAGS}")
    file(TIMESTAMP "${_sp_exe}" _sp_stamp "%s")
    if(CMAKE_C_COMPILER_LOADED)
      set(_sp_compiler "${CMAKE_C_COMPILER} ${CMAKE_C_FLAGS}")
    else()
      set(_sp_compiler "${CMAKE_CXX_COMPILER} ${CMAKE_CXX_FLAGS}")
    endif()
    # probe-build for the helpers (the header for Oracle's DTrace, the
    # post-link check, trace tests): the tool itself when it is probe-build
    # (through a link named dtrace, the binary it points to, which does not
    # run as dtrace), else searched.
    get_filename_component(_sp_real "${_sp_exe}" REALPATH)
    get_filename_component(_sp_real_name "${_sp_real}" NAME)
    if(_sp_real_name MATCHES "^probe-build")
      set(StaticProbes_PROBE_BUILD "${_sp_real}")
    else()
      find_program(STATIC_PROBES_PROBE_BUILD NAMES probe-build HINTS ${_sp_hints}
        DOC "probe-build, for the header for Oracle's DTrace, the post-link check and trace tests (OFF: none)")
      if(STATIC_PROBES_PROBE_BUILD)
        set(StaticProbes_PROBE_BUILD "${STATIC_PROBES_PROBE_BUILD}")
      endif()
    endif()
    set(_sp_signature "${_StaticProbes_MODULE_VERSION}|${_sp_command}|${_sp_stamp}|${_sp_user_flags}|${_sp_compiler}|${CMAKE_GENERATOR}|${CMAKE_EXE_LINKER_FLAGS}|${StaticProbes_PROBE_BUILD}")
    if(NOT StaticProbes__SIGNATURE STREQUAL _sp_signature)
      message(STATUS "StaticProbes: trying ${DTRACE}")
      set(StaticProbes__EXE "${_sp_exe}")
      set(StaticProbes__BASE_COMMAND "${_sp_command}")
      set(StaticProbes__USER_FLAGS "${_sp_user_flags}")
      set(StaticProbes__HELPER "${StaticProbes_PROBE_BUILD}")
      _static_probes_detect()
      set(StaticProbes__SIGNATURE "${_sp_signature}" CACHE INTERNAL "")
    endif()
    if(StaticProbes__RESULT_WORKS)
      set(StaticProbes_ENABLED TRUE)
      set(StaticProbes_EXECUTABLE "${_sp_exe}")
      set(StaticProbes_COMMAND "${_sp_command}")
      set(StaticProbes_TOOL_KIND "${StaticProbes__RESULT_KIND}")
      set(StaticProbes_NEEDS_G "${StaticProbes__RESULT_NEEDS_G}")
      set(StaticProbes_G_NEEDS_OBJECTS "${StaticProbes__RESULT_NEEDS_OBJECTS}")
      set(StaticProbes_DTRACEFLAGS "${StaticProbes__RESULT_FLAGS}")
      set(StaticProbes_LINK_LIBRARIES "${StaticProbes__RESULT_LINK_LIBRARIES}")
      set(StaticProbes_HEADER_TOOL "${StaticProbes__RESULT_HEADER_TOOL}")
      set(StaticProbes_OBJCOPY "${StaticProbes__RESULT_OBJCOPY}")
      set(StaticProbes_NO_PIE "${StaticProbes__RESULT_NO_PIE}")
      if(StaticProbes_HEADER_TOOL)
        _static_probes_preprocessor_flags("${StaticProbes_DTRACEFLAGS}" _sp_pp_flags)
        set(StaticProbes_HEADER_COMMAND "${StaticProbes_HEADER_TOOL}" header --flavor oracle ${_sp_pp_flags})
      else()
        set(StaticProbes_HEADER_COMMAND ${_sp_command} ${StaticProbes_DTRACEFLAGS} -h)
      endif()
      if(NOT TARGET StaticProbes::dtrace)
        add_executable(StaticProbes::dtrace IMPORTED)
        set_target_properties(StaticProbes::dtrace PROPERTIES IMPORTED_LOCATION "${_sp_exe}")
      endif()
    else()
      set(_sp_reason "${StaticProbes__RESULT_REASON}")
    endif()
  endif()
  if(NOT StaticProbes_ENABLED AND _sp_mode STREQUAL "ON")
    message(FATAL_ERROR "StaticProbes: STATIC_PROBES is ON but ${_sp_reason}")
  endif()
endif()

# The post-link check: every declared probe must have a site in what was
# linked. On by default where the tool is ours: probe-build as the tool
# (SDT notes), or writing the headers for Oracle's DTrace (DOF, which
# probe-build list reads too).
set(STATIC_PROBES_CHECK "AUTO" CACHE STRING
  "After linking, check with probe-build list --check that every declared probe has a site: AUTO (when the tool or the headers are probe-build's), ON or OFF")
set_property(CACHE STATIC_PROBES_CHECK PROPERTY STRINGS AUTO ON OFF)
set(StaticProbes_CHECK FALSE)
set(StaticProbes_CHECK_COMMAND "")
string(TOUPPER "${STATIC_PROBES_CHECK}" _sp_check)
if(_sp_check MATCHES "^(ON|YES|TRUE|Y|1)$")
  set(_sp_check ON)
elseif(_sp_check MATCHES "^(OFF|NO|FALSE|N|0|)$")
  set(_sp_check OFF)
elseif(NOT _sp_check STREQUAL "AUTO")
  message(FATAL_ERROR "StaticProbes: STATIC_PROBES_CHECK must be AUTO, ON or OFF, not '${STATIC_PROBES_CHECK}'")
endif()
if(StaticProbes_ENABLED AND _sp_check STREQUAL "ON" AND NOT StaticProbes_PROBE_BUILD)
  message(FATAL_ERROR "StaticProbes: STATIC_PROBES_CHECK is ON but probe-build was not found (set STATIC_PROBES_PROBE_BUILD to its path)")
endif()
if(StaticProbes_ENABLED AND StaticProbes_PROBE_BUILD AND (_sp_check STREQUAL "ON"
    OR (_sp_check STREQUAL "AUTO" AND (StaticProbes_TOOL_KIND STREQUAL "PROBE_BUILD" OR StaticProbes_HEADER_TOOL))))
  set(StaticProbes_CHECK TRUE)
  set(StaticProbes_CHECK_COMMAND "${StaticProbes_PROBE_BUILD}")
endif()
get_property(_sp_shown CACHE StaticProbes__CHECK_SHOWN PROPERTY VALUE)
if(StaticProbes_ENABLED AND NOT "${StaticProbes_CHECK}|${StaticProbes_CHECK_COMMAND}" STREQUAL "${_sp_shown}")
  if(StaticProbes_CHECK)
    message(STATUS "StaticProbes: post-link check (${StaticProbes_CHECK_COMMAND} list --check) - yes")
  else()
    message(STATUS "StaticProbes: post-link check - no (STATIC_PROBES_CHECK is ${STATIC_PROBES_CHECK}; neither the tool nor the headers are probe-build's)")
  endif()
  set(StaticProbes__CHECK_SHOWN "${StaticProbes_CHECK}|${StaticProbes_CHECK_COMMAND}" CACHE INTERNAL "")
endif()

# Trace tests (static_probes_add_trace_test): `probe-build trace` runs the
# program under ptrace, as the user running ctest, and reads the SDT notes.
set(STATIC_PROBES_TRACE_TESTS "AUTO" CACHE STRING
  "Tests of static_probes_add_trace_test(): AUTO (run when probe-build trace can run them, else skipped), ON (configuring stops when it cannot) or OFF (skipped)")
set_property(CACHE STATIC_PROBES_TRACE_TESTS PROPERTY STRINGS AUTO ON OFF)
string(TOUPPER "${STATIC_PROBES_TRACE_TESTS}" _sp_trace)
if(_sp_trace MATCHES "^(ON|YES|TRUE|Y|1)$")
  set(_sp_trace ON)
elseif(_sp_trace MATCHES "^(OFF|NO|FALSE|N|0|)$")
  set(_sp_trace OFF)
elseif(NOT _sp_trace STREQUAL "AUTO")
  message(FATAL_ERROR "StaticProbes: STATIC_PROBES_TRACE_TESTS must be AUTO, ON or OFF, not '${STATIC_PROBES_TRACE_TESTS}'")
endif()
set(StaticProbes_TRACE FALSE)
set(StaticProbes_TRACE_REASON "")
if(_sp_trace STREQUAL "OFF")
  set(StaticProbes_TRACE_REASON "STATIC_PROBES_TRACE_TESTS is OFF")
elseif(NOT StaticProbes_ENABLED)
  set(StaticProbes_TRACE_REASON "probes are off (no-op markers): ${_sp_reason}")
elseif(NOT StaticProbes_TOOL_KIND MATCHES "^(PROBE_BUILD|SYSTEMTAP)$")
  set(StaticProbes_TRACE_REASON "the probes are DTrace's (${StaticProbes_TOOL_KIND}), not SDT notes, which is what probe-build trace reads; trace them with dtrace")
elseif(CMAKE_CROSSCOMPILING)
  set(StaticProbes_TRACE_REASON "cross-compiling: the programs do not run on this machine")
elseif(NOT CMAKE_HOST_SYSTEM_NAME STREQUAL "Linux" OR NOT CMAKE_HOST_SYSTEM_PROCESSOR MATCHES "^(x86_64|amd64|AMD64|aarch64|arm64)$")
  set(StaticProbes_TRACE_REASON "probe-build trace runs on Linux x86_64 and aarch64, not ${CMAKE_HOST_SYSTEM_NAME} ${CMAKE_HOST_SYSTEM_PROCESSOR}")
elseif(NOT StaticProbes_PROBE_BUILD)
  set(StaticProbes_TRACE_REASON "probe-build was not found (set STATIC_PROBES_PROBE_BUILD to its path)")
else()
  execute_process(COMMAND "${StaticProbes_PROBE_BUILD}" trace --help
    RESULT_VARIABLE _sp_rc OUTPUT_QUIET ERROR_QUIET)
  if(_sp_rc STREQUAL "0")
    set(StaticProbes_TRACE TRUE)
  else()
    set(StaticProbes_TRACE_REASON "${StaticProbes_PROBE_BUILD} has no trace command (an older probe-build)")
  endif()
endif()
if(_sp_trace STREQUAL "ON" AND NOT StaticProbes_TRACE)
  message(FATAL_ERROR "StaticProbes: STATIC_PROBES_TRACE_TESTS is ON but ${StaticProbes_TRACE_REASON}")
endif()
get_property(_sp_shown CACHE StaticProbes__TRACE_SHOWN PROPERTY VALUE)
if(NOT "${StaticProbes_TRACE}|${StaticProbes_TRACE_REASON}" STREQUAL "${_sp_shown}")
  if(StaticProbes_TRACE)
    message(STATUS "StaticProbes: trace tests (${StaticProbes_PROBE_BUILD} trace) - yes")
  else()
    message(STATUS "StaticProbes: trace tests - skipped (${StaticProbes_TRACE_REASON})")
  endif()
  set(StaticProbes__TRACE_SHOWN "${StaticProbes_TRACE}|${StaticProbes_TRACE_REASON}" CACHE INTERNAL "")
endif()

_static_probes_publish_results()
if(StaticProbes_ENABLED)
  set(_sp_description "probes on: ${StaticProbes_EXECUTABLE} (${StaticProbes_TOOL_KIND})")
else()
  set(_sp_description "probes off, no-op markers: ${_sp_reason}")
endif()
include(FindPackageHandleStandardArgs)
set(FPHSA_NAME_MISMATCHED TRUE)
find_package_handle_standard_args(StaticProbes
  REQUIRED_VARS _sp_description
  VERSION_VAR StaticProbes_VERSION)
unset(FPHSA_NAME_MISMATCHED)

cmake_policy(POP)
