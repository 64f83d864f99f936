#!/bin/sh
# One test case of the CMake suite: cases.sh NAME (run by ctest; see
# CMakeLists.txt). Each case works in $CASES_WORK/NAME and fails with a
# message naming what went wrong. Real tools only: cmake, the compilers,
# readelf, gdb, SystemTap's dtrace wrapper, probe-build.
set -eu
case=$1
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
work=${CASES_WORK:-$top/target/cmake-tests/work}/$case
example=$top/examples/cmake
module_dir=$top/cmake
stap=/usr/bin/dtrace
pb=$top/target/release/probe-build
# The illumos-like stand-in (its header says what it checks and rewrites).
standin=$top/scripts/stand-ins/dtrace-illumos
# The shared corpus sits beside the main checkout (also from a worktree).
corpus=$top/../shared/corpus
if [ ! -d "$corpus" ] && common=$(git -C "$top" rev-parse --path-format=absolute --git-common-dir 2>/dev/null); then
  corpus=$common/../../shared/corpus
fi

rm -rf "$work"
mkdir -p "$work"
cd "$work"

fail() { echo "FAIL [$case]: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || fail "required tool '$1' is not installed (scripts/install-deps)"; }
need readelf; need gdb; need ninja; need cc
[ -x "$standin" ] || fail "the stand-in $standin is missing"
[ -x "$stap" ] || fail "SystemTap's dtrace wrapper $stap is missing (scripts/install-deps: systemtap-sdt-dev)"

# configure BUILD GENERATOR [cmake args...]: configures the example.
configure() {
  b=$1; g=$2; shift 2
  if ! cmake -G "$g" -S "${SRC:-$example}" -B "$b" -DCMAKE_MODULE_PATH="$module_dir" "$@" >"$b.configure.log" 2>&1; then
    cat "$b.configure.log" >&2
    fail "configuring $b failed"
  fi
}
build() {
  b=$1; shift
  if ! cmake --build "$b" "$@" >"$b.build.log" 2>&1; then
    cat "$b.build.log" >&2
    fail "building $b failed"
  fi
}
# expect_probes FILE NAME...: FILE carries SDT notes demo:NAME.
expect_probes() {
  f=$1; shift
  [ -f "$f" ] || fail "$f was not built"
  notes=$(readelf -n "$f")
  for n in "$@"; do
    echo "$notes" | grep -A3 'stapsdt' | grep -q "Name: $n\$" ||
      fail "$f has no SDT note for demo:$n"
  done
}
expect_no_probes() {
  for f in "$@"; do
    [ -f "$f" ] || fail "$f was not built"
    if readelf -n "$f" | grep -q stapsdt; then fail "$f has SDT notes with probes off"; fi
    if readelf -S "$f" | grep -q -e '\.probes' -e SUNW_dof; then fail "$f has probe sections with probes off"; fi
    if nm "$f" 2>/dev/null | grep -q -e _semaphore -e __dtrace; then fail "$f has probe symbols with probes off"; fi
  done
}
# gdb_arg PROGRAM PROBE ARGN EXPRESSION-SUFFIX EXPECTED: reads $_probe_argN at
# the first hit of demo:PROBE and compares what gdb prints.
gdb_arg() {
  prog=$1; probe=$2; n=$3; cast=$4; expected=$5
  out=$(gdb -q -batch -ex start -ex "break -probe-stap demo:$probe" -ex continue \
        -ex "print ${cast}\$_probe_arg$n" "$prog" 2>&1) || true
  echo "$out" | grep -q "^\$1 = $expected" ||
    { echo "$out" >&2; fail "gdb: demo:$probe arg$n of $prog is not $expected"; }
}
# check_on BUILDDIR [CONFIG-SUBDIR]: the example with real probes.
check_on() {
  d=$1${2:+/$2}
  prog=$d/demo-prog
  [ "$("$prog")" = "total 42" ] || fail "$prog did not print 'total 42'"
  expect_probes "$prog" main__start main__done
  if [ -f "$d/libdemo.so" ]; then
    expect_probes "$d/libdemo.so" lib__call
  else
    expect_probes "$prog" lib__call
  fi
  gdb_arg "$prog" main__start 0 "" 1
  gdb_arg "$prog" lib__call 1 "" 7
  gdb_arg "$prog" lib__call 0 "(char *)" '0x[0-9a-f]* "step"'
  gdb_arg "$prog" main__done 0 "" 42
}
check_off() {
  d=$1${2:+/$2}
  [ "$("$d/demo-prog")" = "total 42" ] || fail "$d/demo-prog did not print 'total 42'"
  expect_no_probes "$d/demo-prog" $(ls "$d"/libdemo.so 2>/dev/null || true)
}
# expect_in_log FILE PATTERN: CMake wraps its messages; lines are joined.
expect_in_log() {
  tr '\n' ' ' < "$1" | tr -s ' ' | grep -q -- "$2" || { cat "$1" >&2; fail "$1 does not say: $2"; }
}
# A copy of the example to modify.
copy_example() {
  mkdir -p "$work/src"
  cp "$example"/* "$work/src/"
  SRC=$work/src
}
# The stand-in's logged -G calls, one a line (plain or JSON argv).
g_calls() {
  grep -e '"-G"' -e '^-G' -e ' -G ' calls.log || true
}
pb_ready() {
  [ -x "$pb" ] || fail "$pb is missing (cargo build --release -p probe-build-cli)"
}

case $case in
stap-make-on)
  configure b "Unix Makefiles" -DSTATIC_PROBES=ON -DDTRACE=$stap
  expect_in_log b.configure.log "probes on: $stap (SYSTEMTAP)"
  expect_in_log b.configure.log "needs the objects - no"
  build b -j2
  check_on b ;;
stap-ninja-on)
  configure b Ninja -DSTATIC_PROBES=ON -DDTRACE=$stap
  build b
  check_on b
  # A second build has nothing to do: nothing is regenerated needlessly.
  build b
  expect_in_log b.build.log "no work to do" ;;
pb-make-on)
  pb_ready
  configure b "Unix Makefiles" -DSTATIC_PROBES=ON -DDTRACE=$pb
  expect_in_log b.configure.log "probes on: $pb (PROBE_BUILD)"
  build b -j2
  check_on b ;;
pb-ninja-on)
  pb_ready
  DTRACE=$pb configure b Ninja -DSTATIC_PROBES=ON
  expect_in_log b.configure.log "(PROBE_BUILD)"
  build b
  check_on b ;;
pb-symlink-dtrace)
  # probe-build under the name dtrace, found on PATH (before SystemTap's).
  pb_ready
  mkdir bin
  ln -s "$pb" bin/dtrace
  PATH=$work/bin:$PATH configure b Ninja -DSTATIC_PROBES=ON
  expect_in_log b.configure.log "probes on: $work/bin/dtrace"
  build b
  check_on b ;;
off-make)
  # No tool at all is needed: DTRACE points nowhere.
  DTRACE=/nonexistent/dtrace configure b "Unix Makefiles" -DSTATIC_PROBES=OFF
  expect_in_log b.configure.log "probes off, no-op markers: STATIC_PROBES is OFF"
  build b -j2
  check_off b ;;
off-ninja)
  # OFF is the default.
  configure b Ninja -DDTRACE=/nonexistent/dtrace
  expect_in_log b.configure.log "probes off"
  build b
  check_off b
  grep -q 'define DEMO_LIB_CALL(arg1, arg2) ' b/static_probes/demo/include/demo_probes.h ||
    fail "the no-op header lacks DEMO_LIB_CALL(arg1, arg2)"
  grep -q 'define DEMO_MAIN_DONE_ENABLED() (0)' b/static_probes/demo-prog/include/demo_probes.h ||
    fail "the no-op header lacks DEMO_MAIN_DONE_ENABLED()" ;;
auto-found)
  configure b Ninja -DSTATIC_PROBES=AUTO -DDTRACE=$stap
  expect_in_log b.configure.log "probes on"
  build b
  check_on b ;;
auto-missing)
  configure b Ninja -DSTATIC_PROBES=AUTO -DDTRACE=/nonexistent/dtrace
  expect_in_log b.configure.log "probes off, no-op markers: the dtrace tool /nonexistent/dtrace (from DTRACE) does not exist"
  build b
  check_off b ;;
multi-config)
  configure b "Ninja Multi-Config" -DSTATIC_PROBES=ON -DDTRACE=$stap
  build b --config Debug
  build b --config Release
  check_on b Debug
  check_on b Release ;;
static-lib)
  # The library's objects and its stub go into libdemo.a; the program has
  # its own stub, so the archive's is not pulled in twice.
  configure b Ninja -DSTATIC_PROBES=ON -DDTRACE=$stap -DBUILD_SHARED_LIBS=OFF
  build b
  [ -f b/libdemo.a ] || fail "libdemo.a was not built"
  ar t b/libdemo.a | grep -q demo-probes.o || fail "libdemo.a lacks the probe object"
  check_on b ;;
dtraceflags)
  # DTRACEFLAGS reaches the tool: -C runs the provider through cpp, whose
  # #define the wrapper needs to see the types.
  copy_example
  cat > src/demo.d <<'EOD'
#define Name const char *
#define Value int
provider demo {
	probe lib__call(Name name, Value value);
	probe main__start(int argc);
	probe main__done(long total);
};
EOD
  DTRACEFLAGS=-C configure b Ninja -DSTATIC_PROBES=ON -DDTRACE=$stap
  build b
  grep -q 'const char \* name' b/static_probes/demo/include/demo_probes.h ||
    fail "DTRACEFLAGS=-C did not reach the tool (types not preprocessed)"
  check_on b ;;
cxx-only)
  # A C++-only project: detection tries the header with the C++ compiler.
  mkdir src
  cp "$example/demo.d" src/
  cat > src/main.cpp <<'EOD'
#include <cstdio>
#include "demo_probes.h"
int main(int argc, char **) {
  DEMO_MAIN_START(argc);
  long total = 0;
  for (int i = 1; i <= 3; i++) {
    if (DEMO_LIB_CALL_ENABLED())
      DEMO_LIB_CALL("step", i * 7);
    total += i * 7;
  }
  DEMO_MAIN_DONE(total);
  std::printf("total %ld\n", total);
}
EOD
  cat > src/CMakeLists.txt <<'EOD'
cmake_minimum_required(VERSION 3.16)
project(cxxonly CXX)
find_package(StaticProbes REQUIRED)
add_executable(demo-prog main.cpp)
static_probes_add_provider(demo-prog demo.d HEADER demo_probes.h)
EOD
  SRC=$work/src configure b Ninja -DSTATIC_PROBES=ON -DDTRACE=$stap
  expect_in_log b.configure.log "compiles with the CXX compiler - yes"
  build b
  expect_probes b/demo-prog main__start lib__call main__done
  gdb_arg b/demo-prog main__done 0 "" 42
  SRC=$work/src configure off Ninja -DSTATIC_PROBES=OFF
  build off
  expect_no_probes off/demo-prog ;;
regenerate)
  # Editing the provider regenerates the header before anything compiles.
  copy_example
  configure b Ninja -DSTATIC_PROBES=ON -DDTRACE=$stap
  configure off Ninja -DSTATIC_PROBES=OFF
  build b; build off
  sed -i 's/probe main__done(long total);/probe main__done(long total);\n\tprobe main__extra(int, int);/' src/demo.d
  build b; build off
  grep -q DEMO_MAIN_EXTRA b/static_probes/demo-prog/include/demo_probes.h || fail "ON: header not regenerated"
  grep -q 'DEMO_MAIN_EXTRA(arg1, arg2)' off/static_probes/demo-prog/include/demo_probes.h || fail "OFF: header not regenerated" ;;
objects-ninja)
  # The Solaris/illumos flow: -G runs over the objects at link time.
  configure b Ninja -DSTATIC_PROBES=ON -DDTRACE=$standin
  expect_in_log b.configure.log "needs the objects - yes"
  expect_in_log b.configure.log "over the objects links - yes"
  export STANDIN_DTRACE_LOG=$work/calls.log DTRACE_STANDIN_LOG=$work/calls.log
  build b
  [ "$(b/demo-prog)" = "total 42" ] || fail "demo-prog did not print 'total 42'"
  g_calls | grep "$example/demo.d" | grep -q "demo.dir/.*libdemo.c.o" || { cat calls.log >&2; fail "-G did not run over libdemo.c.o"; }
  g_calls | grep "$example/demo.d" | grep -q "demo-prog.dir/.*main.c.o" || { cat calls.log >&2; fail "-G did not run over main.c.o"; }
  for f in b/demo-prog b/libdemo.so; do
    readelf -S "$f" | grep -q SUNW_dof || fail "$f lacks the .SUNW_dof section of the -G object"
    # Every probe call site was rewritten: no call reaches a __dtrace symbol.
    if objdump -d "$f" | grep -q 'call.*__dtrace'; then fail "$f still calls __dtrace_* (objects not rewritten)"; fi
  done
  # Relinking without recompiling: the objects were rewritten in place;
  # the pristine copies are restored so -G finds its probe sites again.
  rm -f b/demo-prog b/libdemo.so*
  : > calls.log
  build b
  if grep -q "Building C object" b.build.log; then fail "relinking recompiled objects"; fi
  [ "$(g_calls | wc -l)" = 2 ] || { cat calls.log >&2; fail "-G did not run again for both targets"; }
  [ "$(b/demo-prog)" = "total 42" ] || fail "relinked demo-prog did not print 'total 42'"
  build b
  expect_in_log b.build.log "no work to do" ;;
objects-make-static)
  configure b "Unix Makefiles" -DSTATIC_PROBES=ON -DDTRACE=$standin -DBUILD_SHARED_LIBS=OFF
  export STANDIN_DTRACE_LOG=$work/calls.log DTRACE_STANDIN_LOG=$work/calls.log
  build b -j2
  [ "$(b/demo-prog)" = "total 42" ] || fail "demo-prog did not print 'total 42'"
  ar t b/libdemo.a | grep -q demo-probes.o || fail "libdemo.a lacks the -G object"
  g_calls | grep -q "libdemo.c.o" || { cat calls.log >&2; fail "-G did not run over the library's objects"; }
  if g_calls | grep -q '\.a\b'; then fail "-G was given an archive"; fi
  readelf -S b/demo-prog | grep -q SUNW_dof || fail "demo-prog lacks the .SUNW_dof section" ;;
objects-multi-config)
  configure b "Ninja Multi-Config" -DSTATIC_PROBES=ON -DDTRACE=$standin
  build b --config Debug
  build b --config Release
  for c in Debug Release; do
    [ "$(b/$c/demo-prog)" = "total 42" ] || fail "$c/demo-prog did not print 'total 42'"
    readelf -S b/$c/demo-prog | grep -q SUNW_dof || fail "$c/demo-prog lacks the -G object"
  done ;;
install-config)
  # Install the package; a consumer finds it with find_package(... CONFIG).
  cmake -S "$module_dir" -B pkg -DCMAKE_INSTALL_PREFIX="$work/prefix" >pkg.log 2>&1 || { cat pkg.log >&2; fail "configuring the package failed"; }
  cmake --install pkg >>pkg.log 2>&1 || { cat pkg.log >&2; fail "installing the package failed"; }
  for f in StaticProbesConfig.cmake StaticProbesConfigVersion.cmake FindStaticProbes.cmake; do
    [ -f "prefix/share/cmake/StaticProbes/$f" ] || fail "$f was not installed"
  done
  configure on Ninja -DDEMO_USE_INSTALLED_STATIC_PROBES=ON -DCMAKE_MODULE_PATH= \
    -DCMAKE_PREFIX_PATH="$work/prefix" -DSTATIC_PROBES=ON -DDTRACE=$stap
  expect_in_log on/CMakeCache.txt "StaticProbes_DIR:PATH=$work/prefix/share/cmake/StaticProbes"
  build on
  check_on on
  configure off Ninja -DDEMO_USE_INSTALLED_STATIC_PROBES=ON -DCMAKE_MODULE_PATH= \
    -DCMAKE_PREFIX_PATH="$work/prefix"
  build off
  check_off off
  # A version that is too new is refused.
  mkdir v && cat > v/CMakeLists.txt <<'EOD'
cmake_minimum_required(VERSION 3.16)
project(v NONE)
find_package(StaticProbes 9.0 CONFIG REQUIRED)
EOD
  if cmake -S v -B vb -DCMAKE_PREFIX_PATH="$work/prefix" >v.log 2>&1; then fail "version 9.0 was accepted"; fi
  expect_in_log v.log "0.1.0" ;;
bad-missing-provider)
  mkdir src
  echo 'int main(void) { return 0; }' > src/main.c
  cat > src/CMakeLists.txt <<'EOD'
cmake_minimum_required(VERSION 3.16)
project(missing C)
find_package(StaticProbes REQUIRED)
add_executable(prog main.c)
static_probes_add_provider(prog nothere.d)
EOD
  for mode in OFF ON; do
    if cmake -S src -B b$mode -DCMAKE_MODULE_PATH="$module_dir" -DSTATIC_PROBES=$mode -DDTRACE=$stap >$mode.log 2>&1; then
      fail "configure accepted a missing provider file ($mode)"
    fi
    expect_in_log $mode.log "provider file $work/src/nothere.d does not exist"
  done ;;
bad-tool-missing)
  if cmake -G Ninja -S "$example" -B b -DCMAKE_MODULE_PATH="$module_dir" -DSTATIC_PROBES=ON -DDTRACE=/nonexistent/dtrace >log 2>&1; then
    fail "STATIC_PROBES=ON accepted a missing tool"
  fi
  expect_in_log log "STATIC_PROBES is ON but the dtrace tool /nonexistent/dtrace (from DTRACE) does not exist"
  # No tool anywhere: an empty PATH, and CMake's system paths off.
  mkdir bin; for t in ld as; do ln -s "$(command -v $t)" bin/; done
  if PATH=$work/bin "$(command -v cmake)" -G Ninja -S "$example" -B b2 -DCMAKE_MODULE_PATH="$module_dir" -DSTATIC_PROBES=ON \
       -DCMAKE_FIND_USE_CMAKE_SYSTEM_PATH=OFF -DCMAKE_C_COMPILER="$(command -v cc)" -DCMAKE_MAKE_PROGRAM="$(command -v ninja)" >log2 2>&1; then
    fail "STATIC_PROBES=ON accepted no tool"
  fi
  expect_in_log log2 "STATIC_PROBES is ON but no dtrace tool was found" ;;
bad-tool-fails)
  cat > failing-dtrace <<'EOD'
#!/bin/sh
echo "dtrace: failed to compile script: the tool is broken on purpose" >&2
exit 1
EOD
  chmod +x failing-dtrace
  if cmake -G Ninja -S "$example" -B b -DCMAKE_MODULE_PATH="$module_dir" -DSTATIC_PROBES=ON -DDTRACE=$work/failing-dtrace >log 2>&1; then
    fail "STATIC_PROBES=ON accepted a failing tool"
  fi
  expect_in_log log "failing-dtrace -h\` failed on a test provider (exit 1): dtrace: failed to compile script: the tool is broken on purpose"
  # AUTO falls back to no-op markers and says why.
  configure a Ninja -DSTATIC_PROBES=AUTO -DDTRACE=$work/failing-dtrace
  expect_in_log a.configure.log "probes off, no-op markers: .*the tool is broken on purpose"
  build a
  check_off a
  # A tool whose header does not compile.
  cat > badheader-dtrace <<'EOD'
#!/bin/sh
while [ $# -gt 0 ]; do [ "$1" = -o ] && out=$2; shift; done
echo "#error this header does not compile" > "$out"
EOD
  chmod +x badheader-dtrace
  if cmake -G Ninja -S "$example" -B c -DCMAKE_MODULE_PATH="$module_dir" -DSTATIC_PROBES=ON -DDTRACE=$work/badheader-dtrace >log3 2>&1; then
    fail "STATIC_PROBES=ON accepted a header that does not compile"
  fi
  expect_in_log log3 "badheader-dtrace -h\` does not compile with" ;;
bad-provider-on)
  # The tool reports the error at build time; the build stops, no header
  # is left behind. (SystemTap's wrapper loops forever on this input, so
  # the tool here is probe-build.)
  pb_ready
  copy_example
  configure b Ninja -DSTATIC_PROBES=ON -DDTRACE=$pb
  sed -i 's/probe main__start(int argc);/probe main__start(int argc)/' src/demo.d
  if cmake --build b >b.build.log 2>&1; then fail "the build accepted a broken provider file"; fi
  expect_in_log b.build.log "demo.d:[0-9]*:[0-9]*: error"
  [ ! -f b/static_probes/demo/include/demo_probes.h ] || fail "a header was left behind" ;;
bad-provider-off)
  copy_example
  configure b Ninja -DSTATIC_PROBES=OFF
  sed -i 's/probe main__start(int argc);/probe main__start(int argc)/' src/demo.d
  if cmake --build b >b.build.log 2>&1; then fail "the build accepted a broken provider file"; fi
  expect_in_log b.build.log "$work/src/demo.d:9:2: error: expected ';' after probe 'main__start', found 'probe'"
  [ ! -f b/static_probes/demo/include/demo_probes.h ] || fail "a header was left behind" ;;
parser-errors)
  # Each broken provider file stops with FILE:LINE:COL and writes nothing.
  check_error() {
    printf "$1" > p.d
    if cmake -DStaticProbes_SCRIPT_ACTION=disabled-header -DStaticProbes_SCRIPT_INPUT=p.d \
         -DStaticProbes_SCRIPT_OUTPUT=p.h -P "$module_dir/FindStaticProbes.cmake" >log 2>&1; then
      fail "accepted: $1"
    fi
    expect_in_log log "$work/p.d:$2"
    [ ! -f p.h ] && [ ! -f p.h.tmp ] || fail "output left behind for: $1"
  }
  check_error 'provider x {\n  probe a(int);\n  /* never closed\n' "3:3: error: unterminated comment"
  check_error 'provider x {\n  probe a(int);\n' "1:10: error: provider 'x' is not closed (missing '}')"
  check_error 'provider x {\n  probe a(int\n};\n' "3:1: error: unexpected '}' in the arguments of probe 'a'"
  check_error 'provider {\n};\n' "1:10: error: expected a provider name after 'provider', found '{'"
  check_error 'provider x {\n  probe 9a(int);\n};\n' "2:9: error: expected a probe name after 'probe', found '9a'"
  check_error 'provider x {\n  int a(int);\n};\n' "2:3: error: expected 'probe' or '}' in provider 'x', found 'int'"
  check_error 'provider x {\n  probe a(int) : (int;\n};\n' "2:22: error: unexpected ';' in the arguments of probe 'a'"
  check_error 'typedef int t\n' "1:1: error: declaration is not terminated"
  check_error 'provider x { probe a(int); }; #define X\n' "1:31: error: '#' must start a line"
  # Missing file.
  if cmake -DStaticProbes_SCRIPT_ACTION=disabled-header -DStaticProbes_SCRIPT_INPUT=$work/none.d \
       -DStaticProbes_SCRIPT_OUTPUT=p.h -P "$module_dir/FindStaticProbes.cmake" >log 2>&1; then
    fail "accepted a missing provider file"
  fi
  expect_in_log log "none.d: error: provider file not found" ;;
disabled-corpus)
  # The no-op header of every corpus file has each expected probe's macro
  # with the right arity, and compiles cleanly with every macro used.
  [ -d "$corpus" ] || fail "corpus $corpus not found"
  for d in "$corpus"/*.d; do
    n=$(basename "$d" .d)
    cmake -DStaticProbes_SCRIPT_ACTION=disabled-header -DStaticProbes_SCRIPT_INPUT="$d" \
      -DStaticProbes_SCRIPT_OUTPUT="$n.h" -P "$module_dir/FindStaticProbes.cmake" >"$n.log" 2>&1 ||
      { cat "$n.log" >&2; fail "$d: no-op header failed"; }
    {
      echo "#include \"$n.h\""
      echo "int main(void) {"
      sed -n 's/^\/\* expect: \(.*\) \*\/$/\1/p' "$d" | while IFS= read -r e; do
        prov=${e%%:*}; rest=${e#*:}; name=${rest%%(*}; args=${rest#*(}; args=${args%)}
        macro=$(echo "${prov}_$name" | sed 's/__/_/g' | tr a-z A-Z)
        if [ -z "$args" ] || [ "$args" = void ]; then call=""
        else call=$(echo "$args" | sed 's/[^,]//g; s/,/0, /g')0; fi
        grep -q "^#define $macro(" "$n.h" || echo "#error missing $macro"
        echo "  if ($macro""_ENABLED()) return 1;"
        echo "  $macro($call);"
      done
      echo "  return 0;"
      echo "}"
    } > "$n.c"
    cc -std=c99 -Wall -Wextra -Werror -pedantic -I. "$n.c" -o "$n" >"$n.cc.log" 2>&1 ||
      { cat "$n.c" "$n.cc.log" >&2; fail "$d: the no-op header does not fit the expected probes"; }
    ./"$n" || fail "$d: an _ENABLED() macro is not 0"
  done ;;
*)
  fail "unknown case" ;;
esac
echo "ok [$case]"
