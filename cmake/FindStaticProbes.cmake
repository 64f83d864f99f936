#[=======================================================================[.rst:
FindStaticProbes
----------------

Static tracing markers from a DTrace provider file, on every system that has
a DTrace, SystemTap's ``dtrace`` wrapper or StaticProbes' ``probe-build``,
and no-op markers everywhere else, with no ``#ifdef`` in the sources.

Works as a find module (put this directory on ``CMAKE_MODULE_PATH`` and call
``find_package(StaticProbes)``) and, once installed, as a package
configuration (``find_package(StaticProbes CONFIG)``).  Requires CMake 3.16.

.. code-block:: cmake

  find_package(StaticProbes)
  add_executable(server main.c)
  static_probes_add_provider(server server_probes.d)   # -> server_probes.h

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
  The tool: a DTrace, SystemTap's ``dtrace`` wrapper or ``probe-build``
  (called as ``probe-build dtrace``).  Taken from the cache, else from the
  ``DTRACE`` environment variable, else searched (``dtrace``, then
  ``probe-build``).

``DTRACEFLAGS``
  Extra flags for the tool, given to both ``-h`` and ``-G`` (for example
  ``-C -I${CMAKE_SOURCE_DIR}/include``).  Also read from the environment.

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
  ``DTRACE``, ``SYSTEMTAP``, ``PROBE_BUILD`` or ``NONE``.
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
Results are cached and printed.

Functions
^^^^^^^^^

.. command:: static_probes_add_provider

  .. code-block:: cmake

    static_probes_add_provider(<target> <provider.d>
                               [HEADER <name.h>] [PUBLIC]
                               [FLAGS <flag>...])

  Attaches a provider file to an executable, a static library or a shared
  (or module) library.  The header (``HEADER``, default: the provider's
  base name with ``.h``) is generated into
  ``${CMAKE_CURRENT_BINARY_DIR}/static_probes/<target>/include``, which is
  added to the target's include path (``PUBLIC`` also gives it to the
  target's users), and it is generated before any of the target's sources
  compile (with every generator, Ninja included).  Macros: for each probe
  ``NAME`` of provider ``PROV``, ``PROV_NAME(args...)`` and
  ``PROV_NAME_ENABLED()``; a double underscore becomes one underscore
  (``function__entry`` -> ``FUNCTION_ENTRY``).

  When probes are on and the system needs it, the probe object is added:
  the stub from ``dtrace -G`` on Linux, or, where ``dtrace -G`` works over
  objects, a pre-link step that runs it over the target's objects (keeping
  pristine copies so that relinking works) and adds its output to the link
  (to the archive, for a static library).  ``FLAGS`` go to the tool after
  ``DTRACEFLAGS``.  When probes are off, the header holds the same macros as
  no-ops (``PROV_NAME_ENABLED()`` is ``0``), written by CMake alone.

  Call it for each target whose sources include the header; each target
  gets its own copy of the header and of the probe object.

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
# Provider files read by CMake alone: just enough of the D grammar to find
# every provider's probes and their arity.  Preprocessor lines are skipped,
# so probes under #if all get a macro (a no-op macro too many is harmless).
# ---------------------------------------------------------------------------

# Macros here never take text from the provider file as a parameter: CMake
# pastes macro arguments into the body and parses them again, so a "\" or
# "${" in a comment would be read as CMake syntax. Text goes through
# variables (named by the arguments) instead.

# Only used inside _static_probes_parse: reports _sp_msg and returns from it.
macro(_static_probes_error line col)
  set(${_sp_error_var} "${_sp_file}:${line}:${col}: error: ${_sp_msg}" PARENT_SCOPE)
  return()
endmacro()

# Advances over the text held by variable <var>: updates line and column.
macro(_static_probes_advance var)
  set(_sp_adv_text "${${var}}")
  string(LENGTH "${_sp_adv_text}" _sp_adv_len)
  string(SUBSTRING "${_sp_rest}" ${_sp_adv_len} -1 _sp_rest)
  string(REGEX MATCHALL "\n" _sp_adv_nl "${_sp_adv_text}")
  list(LENGTH _sp_adv_nl _sp_adv_nls)
  if(_sp_adv_nls GREATER 0)
    math(EXPR _sp_line "${_sp_line} + ${_sp_adv_nls}")
    string(REGEX REPLACE ".*\n" "" _sp_adv_tail "${_sp_adv_text}")
    string(LENGTH "${_sp_adv_tail}" _sp_adv_tail_len)
    math(EXPR _sp_col "${_sp_adv_tail_len} + 1")
    set(_sp_bol TRUE)
  else()
    math(EXPR _sp_col "${_sp_col} + ${_sp_adv_len}")
  endif()
endmacro()

# Sets _sp_tok (text; ";" is spelled SEMI), _sp_kind (ident, punct, eof),
# _sp_tok_line and _sp_tok_col.
macro(_static_probes_next)
  set(_sp_kind "")
  while(_sp_kind STREQUAL "")
    set(_sp_tok_line ${_sp_line})
    set(_sp_tok_col ${_sp_col})
    if(_sp_rest STREQUAL "")
      set(_sp_kind eof)
      set(_sp_tok "end of file")
    elseif(_sp_rest MATCHES "^[ \t${_sp_ffvt}]+")
      _static_probes_advance(CMAKE_MATCH_0)
    elseif(_sp_rest MATCHES "^\n")
      set(_sp_newline "\n")
      _static_probes_advance(_sp_newline)
      set(_sp_bol TRUE)
    elseif(_sp_rest MATCHES "^//[^\n]*")
      _static_probes_advance(CMAKE_MATCH_0)
    elseif(_sp_rest MATCHES "^/\\*")
      string(SUBSTRING "${_sp_rest}" 2 -1 _sp_after)
      string(FIND "${_sp_after}" "*/" _sp_end)
      if(_sp_end LESS 0)
        set(_sp_msg "unterminated comment")
        _static_probes_error(${_sp_tok_line} ${_sp_tok_col})
      endif()
      math(EXPR _sp_end "${_sp_end} + 4")
      string(SUBSTRING "${_sp_rest}" 0 ${_sp_end} _sp_comment)
      _static_probes_advance(_sp_comment)
    elseif(_sp_rest MATCHES "^#")
      if(NOT _sp_bol)
        set(_sp_msg "'#' must start a line (a preprocessor directive)")
        _static_probes_error(${_sp_tok_line} ${_sp_tok_col})
      endif()
      string(REGEX MATCH "^#([^\\\n]|\\\\.)*" _sp_directive "${_sp_rest}")
      _static_probes_advance(_sp_directive)
    else()
      set(_sp_bol FALSE)
      if(_sp_rest MATCHES "^[A-Za-z_][A-Za-z0-9_]*")
        set(_sp_kind ident)
        set(_sp_tok "${CMAKE_MATCH_0}")
      elseif(_sp_rest MATCHES "^[0-9][A-Za-z0-9_.]*")
        set(_sp_kind number)
        set(_sp_tok "${CMAKE_MATCH_0}")
      elseif(_sp_rest MATCHES "^\"([^\"\\\n]|\\\\.)*\"")
        set(_sp_kind string)
        set(_sp_tok "${CMAKE_MATCH_0}")
      else()
        set(_sp_kind punct)
        string(SUBSTRING "${_sp_rest}" 0 1 _sp_tok)
      endif()
      _static_probes_advance(_sp_tok)
      if(_sp_tok STREQUAL ";")
        set(_sp_tok SEMI)
      endif()
    endif()
  endwhile()
endmacro()

# Reads a balanced (...) whose "(" was just read; sets _sp_arity to the
# number of top-level arguments (0 for "()" and "(void)").
macro(_static_probes_read_args what)
  set(_sp_depth 1)
  set(_sp_commas 0)
  set(_sp_arg_tokens "")
  set(_sp_open_line ${_sp_tok_line})
  set(_sp_open_col ${_sp_tok_col})
  while(_sp_depth GREATER 0)
    _static_probes_next()
    if(_sp_kind STREQUAL "eof")
      set(_sp_msg "unclosed '(' in ${what}")
      _static_probes_error(${_sp_open_line} ${_sp_open_col})
    elseif(_sp_tok STREQUAL "(")
      math(EXPR _sp_depth "${_sp_depth} + 1")
    elseif(_sp_tok STREQUAL ")")
      math(EXPR _sp_depth "${_sp_depth} - 1")
    elseif(_sp_tok MATCHES "^[{}]$" OR _sp_tok STREQUAL "SEMI")
      if(_sp_tok STREQUAL "SEMI")
        set(_sp_tok ";")
      endif()
      set(_sp_msg "unexpected '${_sp_tok}' in the arguments of ${what} (missing ')'?)")
      _static_probes_error(${_sp_tok_line} ${_sp_tok_col})
    elseif(_sp_tok STREQUAL "," AND _sp_depth EQUAL 1)
      math(EXPR _sp_commas "${_sp_commas} + 1")
    endif()
    if(_sp_depth GREATER 0)
      list(APPEND _sp_arg_tokens "${_sp_tok}")
    endif()
  endwhile()
  list(LENGTH _sp_arg_tokens _sp_ntok)
  if(_sp_ntok EQUAL 0 OR _sp_arg_tokens STREQUAL "void")
    set(_sp_arity 0)
  else()
    math(EXPR _sp_arity "${_sp_commas} + 1")
  endif()
endmacro()

# Parses a provider file; sets <out_var> to a list of PROVIDER:PROBE:ARITY,
# or <error_var> to "FILE:LINE:COL: error: MESSAGE".
function(_static_probes_parse file out_var error_var)
  set(_sp_file "${file}")
  set(_sp_error_var "${error_var}")
  set(${error_var} "" PARENT_SCOPE)
  if(NOT EXISTS "${file}")
    set(${error_var} "${file}: error: provider file not found" PARENT_SCOPE)
    return()
  endif()
  file(READ "${file}" _sp_rest)
  string(ASCII 239 187 191 _sp_bom)
  string(ASCII 12 11 _sp_ffvt)
  string(REGEX REPLACE "^${_sp_bom}" "" _sp_rest "${_sp_rest}")
  string(REPLACE "\r" "" _sp_rest "${_sp_rest}")
  # Brackets would confuse CMake's list handling; they never matter here.
  string(REPLACE "[" "(" _sp_rest "${_sp_rest}")
  string(REPLACE "]" ")" _sp_rest "${_sp_rest}")
  set(_sp_line 1)
  set(_sp_col 1)
  set(_sp_bol TRUE)
  set(probes "")
  while(TRUE)
    _static_probes_next()
    if(_sp_kind STREQUAL "eof")
      break()
    elseif(_sp_kind STREQUAL "ident" AND _sp_tok STREQUAL "provider")
      _static_probes_next()
      if(NOT _sp_kind STREQUAL "ident")
        set(_sp_msg "expected a provider name after 'provider', found '${_sp_tok}'")
        _static_probes_error(${_sp_tok_line} ${_sp_tok_col})
      endif()
      set(provider "${_sp_tok}")
      set(provider_line ${_sp_tok_line})
      set(provider_col ${_sp_tok_col})
      _static_probes_next()
      if(NOT _sp_tok STREQUAL "{")
        set(_sp_msg "expected '{' after 'provider ${provider}', found '${_sp_tok}'")
        _static_probes_error(${_sp_tok_line} ${_sp_tok_col})
      endif()
      while(TRUE)
        _static_probes_next()
        if(_sp_tok STREQUAL "}")
          break()
        elseif(_sp_kind STREQUAL "eof")
          set(_sp_msg "provider '${provider}' is not closed (missing '}')")
          _static_probes_error(${provider_line} ${provider_col})
        elseif(NOT _sp_tok STREQUAL "probe")
          set(_sp_msg "expected 'probe' or '}' in provider '${provider}', found '${_sp_tok}'")
          _static_probes_error(${_sp_tok_line} ${_sp_tok_col})
        endif()
        _static_probes_next()
        if(NOT _sp_kind STREQUAL "ident")
          set(_sp_msg "expected a probe name after 'probe', found '${_sp_tok}'")
          _static_probes_error(${_sp_tok_line} ${_sp_tok_col})
        endif()
        set(probe "${_sp_tok}")
        _static_probes_next()
        if(NOT _sp_tok STREQUAL "(")
          set(_sp_msg "expected '(' after 'probe ${probe}', found '${_sp_tok}'")
          _static_probes_error(${_sp_tok_line} ${_sp_tok_col})
        endif()
        _static_probes_read_args("probe '${probe}'")
        set(arity ${_sp_arity})
        _static_probes_next()
        if(_sp_tok STREQUAL ":")
          # Translated arguments: only the native list shapes the macros.
          _static_probes_next()
          if(NOT _sp_tok STREQUAL "(")
            set(_sp_msg "expected '(' after ':' in probe '${probe}', found '${_sp_tok}'")
            _static_probes_error(${_sp_tok_line} ${_sp_tok_col})
          endif()
          _static_probes_read_args("probe '${probe}'")
          _static_probes_next()
        endif()
        if(NOT _sp_tok STREQUAL "SEMI")
          set(_sp_msg "expected ';' after probe '${probe}', found '${_sp_tok}'")
          _static_probes_error(${_sp_tok_line} ${_sp_tok_col})
        endif()
        list(APPEND probes "${provider}:${probe}:${arity}")
      endwhile()
      # "};" is the D spelling; a lone "}" is accepted.
      _static_probes_next()
      if(NOT _sp_tok STREQUAL "SEMI")
        if(_sp_kind STREQUAL "eof")
          break()
        endif()
        # Not a ";": hand the token back by re-reading from its position.
        set(_sp_rest "${_sp_tok}${_sp_rest}")
        if(_sp_tok STREQUAL "SEMI")
          set(_sp_rest ";${_sp_rest}")
        endif()
        set(_sp_line ${_sp_tok_line})
        set(_sp_col ${_sp_tok_col})
      endif()
    else()
      # Another declaration (typedef, struct, enum, inline, translator, ...):
      # skip it up to its ";" at depth 0.
      set(decl_line ${_sp_tok_line})
      set(decl_col ${_sp_tok_col})
      set(depth 0)
      while(NOT (_sp_tok STREQUAL "SEMI" AND depth EQUAL 0))
        if(_sp_tok MATCHES "^[{(]$")
          math(EXPR depth "${depth} + 1")
        elseif(_sp_tok MATCHES "^[})]$")
          math(EXPR depth "${depth} - 1")
        endif()
        _static_probes_next()
        if(_sp_kind STREQUAL "eof")
          set(_sp_msg "declaration is not terminated (missing ';')")
          _static_probes_error(${decl_line} ${decl_col})
        endif()
      endwhile()
    endif()
  endwhile()
  set(${out_var} "${probes}" PARENT_SCOPE)
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
    message(FATAL_ERROR "${error}")
  endif()
endfunction()

function(_static_probes_write_disabled_header provider_file output error_var)
  get_filename_component(provider_file "${provider_file}" ABSOLUTE)
  get_filename_component(output "${output}" ABSOLUTE)
  _static_probes_parse("${provider_file}" probes error)
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
  set(seen "")
  set(variadic "")
  foreach(entry IN LISTS probes)
    string(REPLACE ":" ";" parts "${entry}")
    list(GET parts 0 provider)
    list(GET parts 1 probe)
    list(GET parts 2 arity)
    _static_probes_macro_name("${provider}" "${probe}" macro)
    if(DEFINED arity_of_${macro})
      if(NOT arity_of_${macro} EQUAL arity)
        list(APPEND variadic ${macro})
      endif()
    else()
      set(arity_of_${macro} ${arity})
      list(APPEND seen ${macro})
    endif()
  endforeach()
  # Arguments are never evaluated, but appear under if (0): type-checked,
  # and the variables they name count as used (as probe-build's header).
  foreach(macro IN LISTS seen)
    set(params "")
    set(body "do { } while (0)")
    if(macro IN_LIST variadic)
      set(params "...")
    elseif(arity_of_${macro} GREATER 0)
      set(uses "")
      foreach(i RANGE 1 ${arity_of_${macro}})
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

if(CMAKE_SCRIPT_MODE_FILE AND DEFINED StaticProbes_SCRIPT_ACTION)
  if(StaticProbes_SCRIPT_ACTION STREQUAL "disabled-header")
    _static_probes_write_disabled_header("${StaticProbes_SCRIPT_INPUT}" "${StaticProbes_SCRIPT_OUTPUT}" _sp_error)
    if(_sp_error)
      message(FATAL_ERROR "${_sp_error}")
    endif()
  elseif(StaticProbes_SCRIPT_ACTION STREQUAL "run")
    # -D lists arrive with ';' intact.
    _static_probes_run_tool("${StaticProbes_SCRIPT_OUTPUT}" ${StaticProbes_SCRIPT_COMMAND})
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
    get_filename_component(out_dir "${_sp_output}" DIRECTORY)
    file(MAKE_DIRECTORY "${out_dir}")
    set(tmp "${_sp_output}.tmp")
    file(REMOVE "${tmp}")
    execute_process(COMMAND ${_sp_command} -G -s "${_sp_provider}" -o "${tmp}" ${objects}
      WORKING_DIRECTORY "${out_dir}" RESULT_VARIABLE rc)
    if(NOT rc STREQUAL "0" OR NOT EXISTS "${tmp}")
      foreach(obj IN LISTS objects)
        execute_process(COMMAND "${CMAKE_COMMAND}" -E copy "${obj}.sdt-orig" "${obj}")
        execute_process(COMMAND touch -r "${obj}.sdt-orig" "${obj}")
      endforeach()
      file(REMOVE "${tmp}")
      string(REPLACE ";" " " cmd "${_sp_command} -G -s ${_sp_provider} -o ${tmp} ${objects}")
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
  StaticProbes_G_NEEDS_OBJECTS StaticProbes_DTRACEFLAGS StaticProbes_LINK_LIBRARIES)
macro(_static_probes_publish_results)
  foreach(_sp_var IN LISTS _StaticProbes_RESULT_VARIABLES)
    set_property(GLOBAL PROPERTY ${_sp_var} "${${_sp_var}}")
  endforeach()
endmacro()

function(static_probes_add_provider target provider)
  cmake_parse_arguments(PARSE_ARGV 2 arg "PUBLIC" "HEADER" "FLAGS")
  if(NOT DEFINED StaticProbes_ENABLED OR NOT DEFINED _StaticProbes_MODULE_FILE)
    get_property(known GLOBAL PROPERTY StaticProbes_ENABLED SET)
    if(NOT known)
      message(FATAL_ERROR "static_probes_add_provider(${target}): call find_package(StaticProbes) first")
    endif()
    foreach(var IN ITEMS _StaticProbes_MODULE_FILE StaticProbes_ENABLED StaticProbes_EXECUTABLE
        StaticProbes_COMMAND StaticProbes_TOOL_KIND StaticProbes_NEEDS_G StaticProbes_G_NEEDS_OBJECTS
        StaticProbes_DTRACEFLAGS StaticProbes_LINK_LIBRARIES)
      get_property(${var} GLOBAL PROPERTY ${var})
    endforeach()
  endif()
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "static_probes_add_provider(${target}): unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT TARGET ${target})
    message(FATAL_ERROR "static_probes_add_provider: '${target}' is not a target")
  endif()
  get_target_property(type ${target} TYPE)
  if(NOT type MATCHES "^(EXECUTABLE|STATIC_LIBRARY|SHARED_LIBRARY|MODULE_LIBRARY|OBJECT_LIBRARY)$")
    message(FATAL_ERROR "static_probes_add_provider(${target}): a ${type} target cannot hold probes")
  endif()
  get_filename_component(provider "${provider}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(NOT EXISTS "${provider}" OR IS_DIRECTORY "${provider}")
    message(FATAL_ERROR "static_probes_add_provider(${target}): provider file ${provider} does not exist")
  endif()
  get_filename_component(base "${provider}" NAME_WE)
  if(NOT arg_HEADER)
    set(arg_HEADER "${base}.h")
  endif()

  set(dir "${CMAKE_CURRENT_BINARY_DIR}/static_probes/${target}")
  set(include_dir "${dir}/include")
  set(header "${include_dir}/${arg_HEADER}")
  get_filename_component(header_dir "${header}" DIRECTORY)
  file(MAKE_DIRECTORY "${header_dir}")

  set(flags ${StaticProbes_DTRACEFLAGS} ${arg_FLAGS})
  set(tool_env "${CMAKE_COMMAND}" -E env)
  if(CMAKE_C_COMPILER_LOADED)
    # SystemTap's wrapper compiles its stub with $CC: use the project's.
    list(APPEND tool_env "CC=${CMAKE_C_COMPILER}")
  endif()
  set(command ${StaticProbes_COMMAND} ${flags})

  # The outputs also depend on a file that changes only when the settings
  # do (probes switched on or off, another tool or flags), so no generator
  # has to notice the changed command line by itself.
  set(settings_stamp "${dir}/${base}.settings")
  set(settings_text "enabled=${StaticProbes_ENABLED}\nneeds_g=${StaticProbes_NEEDS_G}\ncommand=${command}\n")
  set(old_settings "")
  if(EXISTS "${settings_stamp}")
    file(READ "${settings_stamp}" old_settings)
  endif()
  if(NOT old_settings STREQUAL settings_text)
    file(WRITE "${settings_stamp}" "${settings_text}")
  endif()

  if(StaticProbes_ENABLED)
    add_custom_command(OUTPUT "${header}"
      COMMAND ${tool_env} "${CMAKE_COMMAND}" -DStaticProbes_SCRIPT_ACTION=run
        "-DStaticProbes_SCRIPT_OUTPUT=${header}"
        "-DStaticProbes_SCRIPT_COMMAND=${command};-h;-s;${provider}"
        -P "${_StaticProbes_MODULE_FILE}"
      DEPENDS "${provider}" ${StaticProbes_EXECUTABLE} "${settings_stamp}"
      WORKING_DIRECTORY "${dir}"
      COMMENT "Generating ${arg_HEADER} from ${base}.d for ${target} (${StaticProbes_TOOL_KIND})"
      VERBATIM)
  else()
    add_custom_command(OUTPUT "${header}"
      COMMAND "${CMAKE_COMMAND}" -DStaticProbes_SCRIPT_ACTION=disabled-header
        "-DStaticProbes_SCRIPT_INPUT=${provider}"
        "-DStaticProbes_SCRIPT_OUTPUT=${header}"
        -P "${_StaticProbes_MODULE_FILE}"
      DEPENDS "${provider}" "${_StaticProbes_MODULE_FILE}" "${settings_stamp}"
      COMMENT "Generating ${arg_HEADER} from ${base}.d for ${target} (no-op markers)"
      VERBATIM)
  endif()
  target_sources(${target} PRIVATE "${header}")
  if(arg_PUBLIC)
    target_include_directories(${target} PUBLIC "$<BUILD_INTERFACE:${include_dir}>")
  else()
    target_include_directories(${target} PRIVATE "${include_dir}")
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

  # Solaris, illumos, FreeBSD: dtrace -G over the target's own objects,
  # just before they are linked or archived.
  if(type STREQUAL "OBJECT_LIBRARY")
    message(FATAL_ERROR "static_probes_add_provider(${target}): with ${StaticProbes_TOOL_KIND} `dtrace -G` runs over the objects at link time; attach the provider to the executable or library that links this object library")
  endif()
  # Each -G run must know every provider whose sites are in the objects.
  get_property(earlier TARGET ${target} PROPERTY _STATIC_PROBES_G_PROVIDER)
  if(earlier)
    message(FATAL_ERROR "static_probes_add_provider(${target}): ${target} already has the provider file ${earlier}; where `dtrace -G` runs over the objects, give each target one provider file (several providers can share one file)")
  endif()
  set_property(TARGET ${target} PROPERTY _STATIC_PROBES_G_PROVIDER "${provider}")
  set(object "${dir}/$<CONFIG>/${base}.o")
  set(settings "${dir}/$<CONFIG>/g-objects.cmake")
  file(GENERATE OUTPUT "${settings}" CONTENT
"set(_sp_command [==[${command}]==])
set(_sp_provider [==[${provider}]==])
set(_sp_output [==[${object}]==])
set(_sp_objects [==[$<TARGET_OBJECTS:${target}>]==])
")
  add_custom_command(TARGET ${target} PRE_LINK
    COMMAND ${tool_env} "${CMAKE_COMMAND}" -DStaticProbes_SCRIPT_ACTION=g-objects
      "-DStaticProbes_SCRIPT_SETTINGS=${settings}"
      -P "${_StaticProbes_MODULE_FILE}"
    COMMENT "Running dtrace -G over the objects of ${target}"
    VERBATIM)
  if(type STREQUAL "STATIC_LIBRARY")
    # Not archived: nothing refers to the -G object, so a link would never
    # pull it out of the archive. The library's users link it directly
    # (it is made when the archive is, before any of them links).
    target_link_options(${target} INTERFACE "$<BUILD_INTERFACE:${object}>")
    if(StaticProbes_LINK_LIBRARIES)
      target_link_libraries(${target} INTERFACE ${StaticProbes_LINK_LIBRARIES})
    endif()
  else()
    target_link_options(${target} PRIVATE "${object}")
    if(StaticProbes_LINK_LIBRARIES)
      target_link_libraries(${target} PRIVATE ${StaticProbes_LINK_LIBRARIES})
    endif()
  endif()
  set_property(TARGET ${target} APPEND PROPERTY ADDITIONAL_CLEAN_FILES "${object}")
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

function(_static_probes_try_project dir lang command flags link_libs out_var log_var)
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
set(StaticProbes_DTRACEFLAGS [==[${flags}]==])
set(StaticProbes_LINK_LIBRARIES [==[${link_libs}]==])
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
      CMAKE_POSITION_INDEPENDENT_CODE)
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

  # 2. Which kind of tool answered.
  file(READ "${_sp_work}/conftest_probes.h" header_text)
  execute_process(COMMAND ${command} --version
    RESULT_VARIABLE rc OUTPUT_VARIABLE version_text ERROR_VARIABLE version_err)
  if(exe MATCHES "probe-build[^/]*$" OR version_text MATCHES "probe-build" OR header_text MATCHES "probe-build|StaticProbes")
    set(kind PROBE_BUILD)
  elseif(header_text MATCHES "Systemtap|systemtap|<sys/sdt.h>")
    set(kind SYSTEMTAP)
  else()
    set(kind DTRACE)
  endif()
  set(StaticProbes__KIND "${kind}")

  # 3. Does the header compile with the project's compiler and flags?
  set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
  try_compile(_sp_compiles "${_sp_work}/compile" "${_sp_work}/conftest.${_sp_ext}"
    CMAKE_FLAGS "-DINCLUDE_DIRECTORIES=${_sp_work}"
    OUTPUT_VARIABLE log)
  set(compiles ${_sp_compiles})
  unset(_sp_compiles CACHE)
  if(NOT compiles)
    file(WRITE "${_sp_work}/compile.log" "${log}")
    _static_probes_fail("the header from `${command_text} -h` does not compile with ${CMAKE_${lang}_COMPILER} (see ${_sp_work}/compile.log)")
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
  if(links)
    message(STATUS "StaticProbes: -G needed - no")
  else()
    set(needs_g TRUE)
    message(STATUS "StaticProbes: -G needed - yes")
    # 5. Does -G work from the provider alone (a stub object)?
    file(REMOVE "${_sp_work}/conftest_stub.o")
    execute_process(COMMAND ${env} ${command} ${flags} -G -s conftest.d -o conftest_stub.o
      WORKING_DIRECTORY "${_sp_work}"
      RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(rc STREQUAL "0" AND EXISTS "${_sp_work}/conftest_stub.o")
      message(STATUS "StaticProbes: -G needs the objects - no")
      try_compile(_sp_links "${_sp_work}/link-stub" "${_sp_work}/conftest.${_sp_ext}"
        CMAKE_FLAGS "-DINCLUDE_DIRECTORIES=${_sp_work}"
        LINK_LIBRARIES "${_sp_work}/conftest_stub.o"
        OUTPUT_VARIABLE log)
      set(links ${_sp_links})
      unset(_sp_links CACHE)
      if(NOT links)
        file(WRITE "${_sp_work}/link.log" "${log}")
        _static_probes_fail("a program does not link with the object from `${command_text} -G` (see ${_sp_work}/link.log)")
      endif()
    else()
      set(stub_error "${out}${err}")
      string(STRIP "${stub_error}" stub_error)
      message(STATUS "StaticProbes: -G needs the objects - yes")
      set(needs_objects TRUE)
      # 6. The whole flow over objects, with -64/-32 and -lelf as needed.
      if(CMAKE_SIZEOF_VOID_P EQUAL 8)
        set(bits -64)
      else()
        set(bits -32)
      endif()
      set(works FALSE)
      set(logs "")
      foreach(attempt "none" "bits" "elf" "bits;elf")
        set(try_flags ${flags})
        set(try_libs "")
        if("bits" IN_LIST attempt)
          list(APPEND try_flags ${bits})
        endif()
        if("elf" IN_LIST attempt)
          set(try_libs elf)
        endif()
        string(REPLACE ";" "-" tag "${attempt}")
        _static_probes_try_project("${_sp_work}/objects-${tag}" ${lang} "${command}" "${try_flags}" "${try_libs}" ok log)
        string(APPEND logs "=== attempt: ${attempt}\n${log}\n")
        if(ok)
          set(works TRUE)
          set(flags ${try_flags})
          set(link_libs ${try_libs})
          break()
        endif()
      endforeach()
      file(WRITE "${_sp_work}/objects.log" "${logs}")
      if(NOT works)
        _static_probes_fail("`${command_text} -G` refuses to run without objects (${stub_error}) and a program built by running it over its objects does not link (see ${_sp_work}/objects.log)")
      endif()
      message(STATUS "StaticProbes: -G over the objects links - yes (flags: ${flags}; libraries: ${link_libs})")
    endif()
  endif()

  set(StaticProbes__RESULT_WORKS TRUE CACHE INTERNAL "")
  set(StaticProbes__RESULT_REASON "" CACHE INTERNAL "")
  set(StaticProbes__RESULT_KIND "${kind}" CACHE INTERNAL "")
  set(StaticProbes__RESULT_FLAGS "${flags}" CACHE INTERNAL "")
  set(StaticProbes__RESULT_NEEDS_G "${needs_g}" CACHE INTERNAL "")
  set(StaticProbes__RESULT_NEEDS_OBJECTS "${needs_objects}" CACHE INTERNAL "")
  set(StaticProbes__RESULT_LINK_LIBRARIES "${link_libs}" CACHE INTERNAL "")
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

set(StaticProbes_ENABLED FALSE)
set(StaticProbes_EXECUTABLE "")
set(StaticProbes_COMMAND "")
set(StaticProbes_TOOL_KIND NONE)
set(StaticProbes_NEEDS_G FALSE)
set(StaticProbes_G_NEEDS_OBJECTS FALSE)
set(StaticProbes_DTRACEFLAGS "")
set(StaticProbes_LINK_LIBRARIES "")
set(_sp_reason "")

if(_sp_mode STREQUAL "OFF")
  set(_sp_reason "STATIC_PROBES is OFF")
else()
  if(NOT DTRACE AND NOT "$ENV{DTRACE}" STREQUAL "")
    # Empty or not found before: the environment decides.
    set(DTRACE "$ENV{DTRACE}" CACHE FILEPATH "The dtrace tool: a DTrace, SystemTap's wrapper or probe-build" FORCE)
  endif()
  # An installed package looks beside itself too (<prefix>/bin).
  find_program(DTRACE NAMES dtrace probe-build HINTS ${_StaticProbes_HINT_BIN}
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
    set(_sp_signature "${_StaticProbes_MODULE_VERSION}|${_sp_command}|${_sp_stamp}|${_sp_user_flags}|${_sp_compiler}|${CMAKE_GENERATOR}")
    if(NOT StaticProbes__SIGNATURE STREQUAL _sp_signature)
      message(STATUS "StaticProbes: trying ${DTRACE}")
      set(StaticProbes__EXE "${_sp_exe}")
      set(StaticProbes__BASE_COMMAND "${_sp_command}")
      set(StaticProbes__USER_FLAGS "${_sp_user_flags}")
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
