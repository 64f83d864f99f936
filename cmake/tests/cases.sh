#!/bin/sh
# One test case of the CMake suite: cases.sh NAME (run by ctest; see
# CMakeLists.txt). Each case works in $CASES_WORK/NAME and fails with a
# message naming what went wrong. Real tools only: cmake, the compilers,
# readelf, gdb, SystemTap's dtrace wrapper, probe-build.
set -eu
case=$1
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
work=${CASES_WORK:?run the cases through cmake/tests/run}/$case
example=$top/examples/cmake
module_dir=$top/cmake
stap=/usr/bin/dtrace
# cmake/tests/run builds probe-build and exports its path.
pb=${PROBE_BUILD:?run the cases through cmake/tests/run}
# The illumos-like stand-in (its header says what it checks and rewrites).
standin=$top/scripts/stand-ins/dtrace-illumos
corpus=${STATIC_PROBES_CORPUS:-$top/tests/corpus}

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
# expect_probes FILE NAME...: FILE carries SDT notes hello:NAME.
expect_probes() {
  f=$1; shift
  [ -f "$f" ] || fail "$f was not built"
  notes=$(readelf -n "$f")
  for n in "$@"; do
    echo "$notes" | grep -A3 'stapsdt' | grep -q "Name: $n\$" ||
      fail "$f has no SDT note for hello:$n"
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
# gdb_arg PROGRAM PROBE ARGN CAST EXPECTED: runs PROGRAM cmake probes, reads
# $_probe_argN at the first hit of hello:PROBE and compares what gdb prints.
gdb_arg() {
  prog=$1; probe=$2; n=$3; cast=$4; expected=$5
  out=$(gdb -q -batch -ex start -ex "break -probe-stap hello:$probe" -ex continue \
        -ex "print ${cast}\$_probe_arg$n" --args "$prog" cmake probes 2>&1) || true
  echo "$out" | grep -q "^\$1 = $expected" ||
    { echo "$out" >&2; fail "gdb: hello:$probe arg$n of $prog is not $expected"; }
}
# run_hello PROGRAM yes|no: what the autotools example's make check checks.
run_hello() {
  out=$("$1" cmake probes) || fail "$1 exited with status $?"
  [ "$out" = "hello, cmake
hello, probes
goodbye, probes" ] || fail "$1 printed '$out'"
  out=$("$1" --probes) || fail "$1 --probes exited with status $?"
  [ "$out" = "static probes: $2
enabled: 0" ] || fail "$1 --probes printed '$out'"
}
# check_on BUILDDIR [CONFIG-SUBDIR]: the example with real probes.
check_on() {
  d=$1${2:+/$2}
  prog=$d/hello
  run_hello "$prog" yes
  expect_probes "$prog" main__start count
  if [ -f "$d/libgreet.so" ]; then
    expect_probes "$d/libgreet.so" greet greet__done farewell
  else
    expect_probes "$prog" greet greet__done farewell
  fi
  gdb_arg "$prog" main__start 0 "" 2
  gdb_arg "$prog" count 0 "" 2
  gdb_arg "$prog" greet 0 "(char *)" '0x[0-9a-f]* "cmake"'
  gdb_arg "$prog" greet 1 "" 1
  gdb_arg "$prog" greet__done 0 "" 13
  gdb_arg "$prog" farewell 0 "(char *)" '0x[0-9a-f]* "probes"'
}
check_off() {
  d=$1${2:+/$2}
  run_hello "$d/hello" no
  expect_no_probes "$d/hello" $(ls "$d"/libgreet.so 2>/dev/null || true)
}
# expect_in_log FILE PATTERN: CMake wraps its messages; lines are joined.
expect_in_log() {
  tr '\n' ' ' < "$1" | tr -s ' ' | grep -q -- "$2" || { cat "$1" >&2; fail "$1 does not say: $2"; }
}
# A copy of the example to modify.
copy_example() {
  mkdir -p "$work/src"
  cp "$example"/* "$work/src/"
  # Its PATHS names this repository's cmake/ relative to examples/cmake.
  sed -i "s|\${CMAKE_CURRENT_SOURCE_DIR}/../../cmake|$module_dir|" "$work/src/CMakeLists.txt"
  grep -q "PATHS \"$module_dir\"" "$work/src/CMakeLists.txt" || fail "the example's find_package(... PATHS ...) line changed"
  SRC=$work/src
}
# The stand-in's logged -G calls, one a line (plain or JSON argv).
g_calls() {
  grep -e '"-G"' -e '^-G' -e ' -G ' calls.log || true
}
pb_ready() {
  [ -x "$pb" ] || fail "$pb is missing (cargo build --release -p probe-build-cli)"
}

# Oracle's DTrace for Linux, from $STATIC_PROBES_ORACLE_DTRACE
# (scripts/real-dtrace-tools builds it from ../shared/tools); the case skips
# (exit 77, which ctest reports as skipped) without it.
oracle_ready() {
  oracle=${STATIC_PROBES_ORACLE_DTRACE:-}
  if [ -z "$oracle" ]; then
    echo "skip [$case]: STATIC_PROBES_ORACLE_DTRACE is not set (scripts/real-dtrace-tools builds Oracle's dtrace from ../shared/tools)"
    exit 77
  fi
  [ -x "$oracle" ] || fail "STATIC_PROBES_ORACLE_DTRACE=$oracle is not an executable"
  # Programs run outside dtrace -c do not register their DOF with the
  # dtprobed daemon (which never hears that they exited).
  DTRACE_DOF_INIT_DISABLE=1
  export DTRACE_DOF_INIT_DISABLE
}
# oracle_fire PROGRAM: runs `PROGRAM cmake probes` under Oracle's dtrace -c
# (as root, with the runtime dtrace-runtime-setup starts) and compares what
# its probes carried. hello:greet is not traced: it has an is-enabled site
# (hello.c), and enabling such a probe loads a BPF program that this
# kernel's lockdown refuses (bpf_probe_write_user), failing the whole
# enabling; the other four probes have none.
oracle_fire() {
  if [ "$(id -u)" != 0 ]; then
    echo "[$case] not root: probes not fired under dtrace -c"
    return
  fi
  script='hello$target:::main-start { printf("main-start %d\n", (int)arg0); }
hello$target:::count { printf("count %d\n", (int)arg0); }
hello$target:::greet-done { printf("greet-done %d\n", (long)arg0); }
hello$target:::farewell { printf("farewell %s\n", copyinstr(arg0)); }'
  (unset DTRACE_DOF_INIT_DISABLE; timeout 120 "$oracle" -q -c "$1 cmake probes" -n "$script") >fire.out 2>fire.err ||
    { cat fire.out fire.err >&2; fail "dtrace -c $1 failed (is the runtime up? dtrace-runtime-setup)"; }
  fired=$(grep -E '^(main-start|count|greet-done|farewell) ' fire.out || true)
  [ "$fired" = "main-start 2
count 2
greet-done 13
greet-done 14
farewell probes" ] || { cat fire.out fire.err >&2; fail "the probes of $1 did not fire with the expected values under dtrace -c"; }
  [ "$(grep -E '^(hello|goodbye),' fire.out)" = "hello, cmake
hello, probes
goodbye, probes" ] || { cat fire.out >&2; fail "$1 printed something else under dtrace -c"; }
  echo "[$case] fired under Oracle's dtrace -c: $(echo "$fired" | tr '\n' ';')"
}
# oracle_untraced BUILDDIR: the program runs, is-enabled false.
oracle_untraced() {
  run_hello "$1/hello" yes
}
case $case in
oracle-fire)
  # Oracle's DTrace for Linux with probe-build at hand: headers from
  # probe-build header --flavor oracle (the flag form of is-enabled, const
  # pointees: the example builds without a warning), -G over the objects
  # with -64 and -xnolibs, an objcopy pass, a PIE; the post-link check reads
  # the DOF; the probes fire under dtrace -c with their values.
  oracle_ready; pb_ready
  configure b Ninja -DSTATIC_PROBES=ON -DDTRACE="$oracle" -DSTATIC_PROBES_PROBE_BUILD="$pb" -DCMAKE_C_FLAGS="-Wall -Werror"
  expect_in_log b.configure.log "Oracle's DTrace for Linux (Oracle D 2"
  expect_in_log b.configure.log "headers from \`$pb header --flavor oracle\`"
  expect_in_log b.configure.log "over the objects links - yes (flags: -xnolibs;-64; libraries: ; each rewritten object through"
  expect_in_log b.configure.log "post-link check ($pb list --check) - yes"
  expect_in_log b.configure.log "probes on: $oracle (ORACLE)"
  build b
  expect_in_log b.build.log "Checking that every probe of hello_probes.d has a site"
  grep -q 'extern void __dtraceenabled_hello___greet(uint32_t \*);' b/static_probes/hello/include/hello_probes.h ||
    fail "the header is not the oracle flavor"
  readelf -h b/hello | grep -q 'Type:.*DYN' || fail "hello is not a PIE"
  for f in b/hello b/libgreet.so; do
    [ "$(nm "$f" | grep -c SUNW_dof)" = 1 ] || fail "$f does not hold exactly one -G object"
  done
  "$pb" list b/hello b/libgreet.so > list.txt || fail "probe-build list failed"
  for p in "hello:main:main-start(int) sites=" "hello:count_names:count(int) sites=" "hello:main:greet(char \*, int) enabled=" \
      "hello:greet:greet(char \*, int) sites=" "hello:greet:greet-done(long) sites=" "hello:farewell:farewell(char \*) sites="; do
    grep -q "^$p" list.txt || { cat list.txt >&2; fail "the DOF lacks $p"; }
  done
  oracle_untraced b
  oracle_fire "$work/b/hello"
  # Relinking without recompiling: the pristine copies go through -G and
  # objcopy again.
  rm -f b/hello b/libgreet.so*
  build b
  if grep -q "Building C object" b.build.log; then fail "relinking recompiled objects"; fi
  oracle_untraced b
  "$pb" list b/hello | grep -q "^hello:count_names:count(int) sites=" || fail "after relinking, hello's DOF lacks hello:count" ;;
oracle-own-header)
  # Without probe-build (STATIC_PROBES_PROBE_BUILD=OFF): Oracle's own
  # header (its prototypes take char * for const char *: a warning in C),
  # no post-link check by default; the probes still fire.
  oracle_ready
  configure b Ninja -DSTATIC_PROBES=ON -DDTRACE="$oracle" -DSTATIC_PROBES_PROBE_BUILD=OFF
  expect_in_log b.configure.log "headers from \`$oracle -h\`"
  expect_in_log b.configure.log "post-link check - no"
  build b
  grep -q 'Generated by dtrace' b/static_probes/hello/include/hello_probes.h || fail "the header is not Oracle's own"
  grep -q '__dtraceenabled_hello___greet(uint32_t \*flag)' b/static_probes/hello/include/hello_probes.h ||
    fail "Oracle's header lacks its flag form of is-enabled"
  oracle_untraced b
  oracle_fire "$work/b/hello" ;;
oracle-static)
  # Static libraries (BUILD_SHARED_LIBS=OFF): the program's -G run covers
  # libgreet.a and libcount.a, so it holds one DOF object with every site
  # (two would clash on __SUNW_dof, and Oracle's runtime registers one DOF
  # per program); the libraries' own -G objects are not linked into it.
  # With -fcf-protection, the warning that Oracle's -G object drops the CET
  # marks; with no objcopy, -no-pie and its warning.
  oracle_ready; pb_ready
  configure b Ninja -DSTATIC_PROBES=ON -DDTRACE="$oracle" -DSTATIC_PROBES_PROBE_BUILD="$pb" -DBUILD_SHARED_LIBS=OFF \
    -DCMAKE_C_FLAGS=-fcf-protection
  expect_in_log b.configure.log "lose the IBT, SHSTK marks their objects carry: the object \`$oracle -G\` writes has no GNU property note"
  build b
  [ "$(nm b/hello | grep -c SUNW_dof)" = 1 ] || fail "hello does not hold exactly one -G object"
  "$pb" list b/hello > list.txt || fail "probe-build list failed"
  for p in main-start count greet greet-done farewell; do
    grep -q "^hello:[a-z_]*:$p(.*sites=" list.txt || { cat list.txt >&2; fail "hello's DOF lacks sites of hello:$p"; }
  done
  oracle_untraced b
  oracle_fire "$work/b/hello"
  configure n Ninja -DSTATIC_PROBES=ON -DDTRACE="$oracle" -DSTATIC_PROBES_PROBE_BUILD="$pb" -DCMAKE_OBJCOPY=
  expect_in_log n.configure.log "programs linked with -no-pie"
  expect_in_log n.configure.log "linked with -no-pie, without address randomisation of the executable: GNU ld refuses the relocations"
  build n
  readelf -h n/hello | grep -q 'Type:.*EXEC' || fail "hello is not linked with -no-pie"
  oracle_untraced n ;;
trace-test)
  # The example's own tests: ctest runs the program under probe-build trace
  # and compares every hit with its arguments, as an unprivileged user
  # (nobody, when the suite runs as root: the example, the package and
  # probe-build are copied where that user can read them).
  pb_ready
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp/examples/cmake" "$tmp/cmake" "$tmp/bin"
  cp "$example"/* "$tmp/examples/cmake/"
  cp "$module_dir"/*.cmake "$tmp/cmake/"
  cp "$pb" "$tmp/bin/probe-build"
  chmod -R a+rX "$tmp"
  as_user() {
    if [ "$(id -u)" = 0 ]; then
      need setpriv
      setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
    else
      "$@"
    fi
  }
  SRC=$tmp/examples/cmake configure "$tmp/b" Ninja -DCMAKE_MODULE_PATH= -DSTATIC_PROBES=ON -DDTRACE="$tmp/bin/probe-build" \
    -DSTATIC_PROBES_TRACE_TESTS=ON
  expect_in_log "$tmp/b.configure.log" "trace tests ($tmp/bin/probe-build trace) - yes"
  build "$tmp/b"
  chmod -R a+rwX "$tmp/b"
  (cd "$tmp/b" && as_user ctest -V) >ctest.log 2>&1 || { cat ctest.log >&2; fail "the example's ctest failed as $(as_user id -un)"; }
  expect_in_log ctest.log "7 probe hits, as expected"
  expect_in_log ctest.log '2: hello:greet("probes", 2)'
  expect_in_log ctest.log "100% tests passed, 0 tests failed out of 2"
  if grep -q "Skipped" ctest.log; then fail "a test was skipped"; fi
  echo "ctest of the example passed as $(as_user id -un)"
  # A wrong expectation fails, naming the first line that differs.
  sed -i 's/\[\[hello:greet__done(14)\]\]/[[hello:greet__done(15)]]/' "$tmp/examples/cmake/CMakeLists.txt"
  grep -q 'greet__done(15)' "$tmp/examples/cmake/CMakeLists.txt" || fail "the example's EXPECT lines changed"
  cmake "$tmp/b" >/dev/null 2>&1 || fail "reconfiguring failed"
  if (cd "$tmp/b" && ctest --output-on-failure) >ctest2.log 2>&1; then fail "a wrong expected line passed"; fi
  expect_in_log ctest2.log 'line 6: expected `hello:greet__done(15)`, traced `hello:greet__done(14)`'
  # SystemTap's wrapper, with probe-build for the tracer.
  cp "$example/CMakeLists.txt" "$tmp/examples/cmake/CMakeLists.txt"
  SRC=$tmp/examples/cmake configure st Ninja -DCMAKE_MODULE_PATH= -DSTATIC_PROBES=ON -DDTRACE=$stap -DSTATIC_PROBES_PROBE_BUILD="$pb"
  build st
  (cd st && ctest) >ctest3.log 2>&1 || { cat ctest3.log >&2; fail "ctest failed with SystemTap's wrapper"; }
  # Where the tracer cannot run, skipped with the reason; ON stops.
  SRC=$tmp/examples/cmake configure off Ninja -DCMAKE_MODULE_PATH=
  build off
  (cd off && ctest -V) >ctest4.log 2>&1 || { cat ctest4.log >&2; fail "ctest failed with probes off"; }
  expect_in_log ctest4.log "StaticProbes: skipped: probes are off (no-op markers): STATIC_PROBES is OFF"
  expect_in_log ctest4.log "hello-probes .*Skipped"
  SRC=$tmp/examples/cmake configure dt Ninja -DCMAKE_MODULE_PATH= -DSTATIC_PROBES=ON -DDTRACE=$standin
  expect_in_log dt.configure.log "trace tests - skipped (the probes are DTrace's (DTRACE), not SDT notes"
  if cmake -G Ninja -S "$tmp/examples/cmake" -B on -DSTATIC_PROBES_TRACE_TESTS=ON >on.log 2>&1; then
    fail "STATIC_PROBES_TRACE_TESTS=ON accepted probes off"
  fi
  expect_in_log on.log "STATIC_PROBES_TRACE_TESTS is ON but probes are off" ;;
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
  grep -q 'define HELLO_GREET(arg1, arg2) ' b/static_probes/greet/include/hello_probes.h ||
    fail "the no-op header lacks HELLO_GREET(arg1, arg2)"
  grep -q 'define HELLO_MAIN_START_ENABLED() (0)' b/static_probes/hello/include/hello_probes.h ||
    fail "the no-op header lacks HELLO_MAIN_START_ENABLED()" ;;
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
  # The library's objects and its stub go into libgreet.a; the program has
  # its own stub, so the archive's is not pulled in twice.
  configure b Ninja -DSTATIC_PROBES=ON -DDTRACE=$stap -DBUILD_SHARED_LIBS=OFF
  build b
  [ -f b/libgreet.a ] || fail "libgreet.a was not built"
  ar t b/libgreet.a | grep -q hello_probes.o || fail "libgreet.a lacks the probe object"
  check_on b ;;
dtraceflags)
  # DTRACEFLAGS reaches the tool: -C runs the provider through cpp, whose
  # #define the wrapper needs to see the types.
  copy_example
  cat > src/hello_probes.d <<'EOD'
#define Count int
provider hello {
	probe main__start(Count);
	probe count(Count);
	probe greet(const char *, Count);
	probe greet__done(long);
	probe farewell(const char *);
};
EOD
  DTRACEFLAGS=-C configure b Ninja -DSTATIC_PROBES=ON -DDTRACE=$stap
  build b
  grep -q 'HELLO_GREET' b/static_probes/greet/include/hello_probes.h || fail "no HELLO_GREET in the header"
  if grep -q 'Count' b/static_probes/greet/include/hello_probes.h; then
    fail "DTRACEFLAGS=-C did not reach the tool (types not preprocessed)"
  fi
  check_on b ;;
cxx-only)
  # A C++-only project: detection tries the header with the C++ compiler.
  mkdir src
  cp "$example/hello_probes.d" src/
  cat > src/main.cpp <<'EOD'
#include <cstdio>
#include <string>
#include "probes.hpp"
int main(int argc, char **argv) {
  HELLO_MAIN_START(argc - 1);
  for (int i = 1; i < argc; i++) {
    std::string name(argv[i]);
    if (HELLO_GREET_ENABLED())
      HELLO_GREET(name.c_str(), i);
    HELLO_GREET_DONE(long(name.size()) * 10);
  }
  HELLO_FAREWELL(argc > 1 ? argv[argc - 1] : "world");
  std::puts("ok");
}
EOD
  cat > src/CMakeLists.txt <<'EOD'
cmake_minimum_required(VERSION 3.16)
project(cxxonly CXX)
find_package(StaticProbes REQUIRED)
add_executable(hello main.cpp)
static_probes_add_provider(hello hello_probes.d HEADER probes.hpp)
EOD
  SRC=$work/src configure b Ninja -DSTATIC_PROBES=ON -DDTRACE=$stap
  expect_in_log b.configure.log "compiles with the CXX compiler - yes"
  build b
  expect_probes b/hello main__start greet greet__done farewell
  gdb_arg b/hello greet__done 0 "" 50
  gdb_arg b/hello greet 0 "(char *)" '0x[0-9a-f]* "cmake"'
  SRC=$work/src configure off Ninja -DSTATIC_PROBES=OFF
  build off
  expect_no_probes off/hello ;;
regenerate)
  # Editing the provider regenerates the header before anything compiles.
  copy_example
  configure b Ninja -DSTATIC_PROBES=ON -DDTRACE=$stap
  configure off Ninja -DSTATIC_PROBES=OFF
  build b; build off
  sed -i 's/probe farewell(const char \*);/probe farewell(const char *);\n\tprobe main__extra(int, int);/' src/hello_probes.d
  build b; build off
  grep -q HELLO_MAIN_EXTRA b/static_probes/hello/include/hello_probes.h || fail "ON: header not regenerated"
  grep -q 'HELLO_MAIN_EXTRA(arg1, arg2)' off/static_probes/hello/include/hello_probes.h || fail "OFF: header not regenerated" ;;
no-g-tool)
  # A tool whose header needs no -G object (the macOS way) and that refuses
  # -G: detection finds "-G needed - no" and the build never calls -G.
  pb_ready
  cat > macos-like-dtrace <<EOD
#!/bin/sh
echo "\$*" >> $work/calls.log
case " \$* " in *" -G "*) echo "dtrace: -G is not supported here" >&2; exit 1 ;; esac
while [ \$# -gt 0 ]; do
  case \$1 in -s) src=\$2; shift ;; -o) out=\$2; shift ;; esac
  shift
done
"$pb" header --flavor disabled "\$src" -o "\$out.pb" || exit 1
{ echo "/* macOS-like stand-in */"; tail -n +2 "\$out.pb"; } > "\$out" && rm -f "\$out.pb"
EOD
  chmod +x macos-like-dtrace
  configure b Ninja -DSTATIC_PROBES=ON -DDTRACE=$work/macos-like-dtrace
  expect_in_log b.configure.log "StaticProbes: -G needed - no"
  expect_in_log b.configure.log "probes on: $work/macos-like-dtrace (DTRACE)"
  : > calls.log
  build b
  run_hello b/hello yes
  grep -q -- "-h" calls.log || fail "the build did not call -h"
  if grep -q -- "-G" calls.log; then fail "the build called -G"; fi ;;
objects-ninja)
  # The Solaris/illumos flow: -G runs over the objects at link time.
  configure b Ninja -DSTATIC_PROBES=ON -DDTRACE=$standin
  expect_in_log b.configure.log "needs the objects - yes"
  expect_in_log b.configure.log "over the objects links - yes"
  export STANDIN_DTRACE_LOG=$work/calls.log DTRACE_STANDIN_LOG=$work/calls.log
  build b
  run_hello b/hello yes
  g_calls | grep "$example/hello_probes.d" | grep "greet.dir/.*greet.c.o" | grep -q "greet.dir/.*farewell.c.o" ||
    { cat calls.log >&2; fail "-G did not run over greet.c.o and farewell.c.o"; }
  g_calls | grep "$example/hello_probes.d" | grep -q "hello.dir/.*hello.c.o" || { cat calls.log >&2; fail "-G did not run over hello.c.o"; }
  readelf -p .SUNW_dof b/libgreet.so > dof.txt || fail "libgreet.so lacks the .SUNW_dof section"
  for site in "hello:greet:greet:" "hello:greet-done:greet:" "hello:farewell:farewell:"; do
    grep -q "$site" dof.txt || { cat dof.txt >&2; fail "libgreet.so's DOF lacks the site $site"; }
  done
  readelf -p .SUNW_dof b/hello > dof-hello.txt || fail "hello lacks the .SUNW_dof section"
  for site in "hello:main-start:main:" "hello:count:count_names:"; do
    grep -q "$site" dof-hello.txt || { cat dof-hello.txt >&2; fail "hello's DOF lacks the site $site (main or libcount.a)"; }
  done
  for f in b/hello b/libgreet.so; do
    readelf -S "$f" | grep -q SUNW_dof || fail "$f lacks the .SUNW_dof section of the -G object"
    # Every probe call site was rewritten: no call reaches a __dtrace symbol.
    if objdump -d "$f" | grep -q 'call.*__dtrace'; then fail "$f still calls __dtrace_* (objects not rewritten)"; fi
  done
  # Relinking without recompiling: the objects were rewritten in place;
  # the pristine copies are restored so -G finds its probe sites again.
  rm -f b/hello b/libgreet.so*
  : > calls.log
  build b
  if grep -q "Building C object" b.build.log; then fail "relinking recompiled objects"; fi
  [ "$(g_calls | wc -l)" = 2 ] || { cat calls.log >&2; fail "-G did not run again for both targets"; }
  run_hello b/hello yes
  build b
  expect_in_log b.build.log "no work to do" ;;
objects-make-static)
  configure b "Unix Makefiles" -DSTATIC_PROBES=ON -DDTRACE=$standin -DBUILD_SHARED_LIBS=OFF
  export STANDIN_DTRACE_LOG=$work/calls.log DTRACE_STANDIN_LOG=$work/calls.log
  build b -j2
  run_hello b/hello yes
  g_calls | grep -q "greet.c.o" || { cat calls.log >&2; fail "-G did not run over the library's objects"; }
  if g_calls | grep -q '\.a\b'; then fail "-G was given an archive"; fi
  # The program carries the DOF of its own sites and of the library's: the
  # library's -G object is linked into its users (an archive member nobody
  # refers to would be left out).
  readelf -p .SUNW_dof b/hello > dof.txt || fail "hello lacks the .SUNW_dof section"
  for site in "hello:main-start:main:" "hello:count:count_names:" "hello:greet:greet:" "hello:greet-done:greet:" "hello:farewell:farewell:"; do
    grep -q "$site" dof.txt || { cat dof.txt >&2; fail "hello's DOF lacks the site $site"; }
  done
  # One DOF object per program (illumos' and Oracle's __SUNW_dof is a
  # global symbol; Oracle's runtime registers one DOF per program): the
  # program's -G run covers the static libraries it links, through copies
  # of their objects.
  [ "$(nm b/hello | grep -c SUNW_dof)" = 1 ] || { nm b/hello | grep SUNW_dof >&2; fail "hello links more than one -G object"; }
  g_calls | grep "hello_probes.o.tmp" | grep "hello.dir/hello.c.o" | grep "static-objects/[0-9]*-count.c.o" |
    grep "static-objects/[0-9]*-greet.c.o" | grep -q "static-objects/[0-9]*-farewell.c.o" ||
    { cat calls.log >&2; fail "hello's -G run did not cover libgreet.a and libcount.a"; } ;;
objects-two-providers)
  # Two provider files on one target where -G runs over the objects: each
  # -G run would meet the other provider's sites, so configure refuses.
  mkdir src
  cp "$example"/*.c "$example"/*.h "$example/hello_probes.d" src/
  printf 'provider other {\n\tprobe x(int);\n};\n' > src/other.d
  cat > src/CMakeLists.txt <<'EOD'
cmake_minimum_required(VERSION 3.16)
project(two C)
find_package(StaticProbes REQUIRED)
add_executable(hello hello.c greet.c farewell.c count.c)
static_probes_add_provider(hello hello_probes.d)
static_probes_add_provider(hello other.d)
EOD
  if cmake -G Ninja -S src -B b -DCMAKE_MODULE_PATH="$module_dir" -DSTATIC_PROBES=ON -DDTRACE=$standin >log 2>&1; then
    fail "two provider files on one -G-over-objects target were accepted"
  fi
  expect_in_log log "hello already has the provider file $work/src/hello_probes.d; where \`dtrace -G\` runs over the objects, give each target one provider file"
  # Elsewhere two providers on one target are fine.
  sed -i 's/^static_probes_add_provider(hello other.d)/static_probes_add_provider(hello other.d)\nadd_compile_definitions(HAVE_STATIC_PROBES=1)/' src/CMakeLists.txt
  SRC=$work/src configure s Ninja -DSTATIC_PROBES=ON -DDTRACE=$stap
  build s
  check_on s
  [ -f s/static_probes/hello/include/other.h ] || fail "other.h was not generated" ;;
objects-multi-config)
  configure b "Ninja Multi-Config" -DSTATIC_PROBES=ON -DDTRACE=$standin
  build b --config Debug
  build b --config Release
  for c in Debug Release; do
    run_hello b/$c/hello yes
    readelf -S b/$c/hello | grep -q SUNW_dof || fail "$c/hello lacks the -G object"
  done ;;
objects-32bit)
  # 32-bit objects: the stand-in, like illumos, refuses them without -32;
  # detection finds the flag and the build passes it to -G.
  need i686-linux-gnu-gcc; need qemu-i386
  export DTRACE_STANDIN_LOG=$work/calls.log
  configure b Ninja -DSTATIC_PROBES=ON -DDTRACE=$standin -DCMAKE_C_COMPILER=i686-linux-gnu-gcc
  expect_in_log b.configure.log "over the objects links - yes (flags: -32;"
  : > calls.log
  build b
  g_calls | grep -q '"-32"' || { cat calls.log >&2; fail "-G was not given -32"; }
  file b/hello | grep -q "ELF 32-bit" || fail "hello is not a 32-bit program"
  readelf -S b/hello | grep -q SUNW_dof || fail "hello lacks the -G object"
  out=$(qemu-i386 -L /usr/i686-linux-gnu b/hello cmake probes) || fail "hello failed under qemu-i386"
  [ "$out" = "hello, cmake
hello, probes
goodbye, probes" ] || fail "hello printed '$out' under qemu-i386" ;;
sibling-dirs)
  # find_package in one directory, the provider attached in a sibling one
  # (the results are global properties, not only variables).
  mkdir -p src/probes src/app
  cp "$example"/*.c "$example"/*.h "$example/hello_probes.d" src/app/
  echo 'find_package(StaticProbes REQUIRED)' > src/probes/CMakeLists.txt
  cat > src/app/CMakeLists.txt <<'EOD'
add_library(greet SHARED greet.c farewell.c)
static_probes_add_provider(greet hello_probes.d)
add_executable(hello hello.c count.c)
target_link_libraries(hello PRIVATE greet)
static_probes_add_provider(hello hello_probes.d)
target_compile_definitions(hello PRIVATE HAVE_STATIC_PROBES=1)
EOD
  cat > src/CMakeLists.txt <<'EOD'
cmake_minimum_required(VERSION 3.16)
project(siblings C)
add_subdirectory(probes)
add_subdirectory(app)
EOD
  SRC=$work/src configure b Ninja -DSTATIC_PROBES=ON -DDTRACE=$stap
  build b
  check_on b/app ;;
public-header)
  # PUBLIC: the library's header serves its users too (the program attaches
  # no provider; with SystemTap its semaphores come from the stub archived
  # in libgreet.a). FLAGS reach the tool.
  mkdir src
  cp "$example"/*.c "$example"/*.h "$example/hello_probes.d" src/
  cat > src/CMakeLists.txt <<'EOD'
cmake_minimum_required(VERSION 3.16)
project(public C)
find_package(StaticProbes REQUIRED)
add_library(greet STATIC greet.c farewell.c count.c)
static_probes_add_provider(greet hello_probes.d PUBLIC FLAGS -C)
add_executable(hello hello.c)
target_link_libraries(hello PRIVATE greet)
if(StaticProbes_ENABLED)
  target_compile_definitions(hello PRIVATE HAVE_STATIC_PROBES=1)
endif()
EOD
  SRC=$work/src configure b Ninja -DSTATIC_PROBES=ON -DDTRACE=$stap
  build b -v
  grep -q -- "SCRIPT_COMMAND=$stap;-C;-h\"" b.build.log || fail "FLAGS -C did not reach the tool"
  check_on b
  SRC=$work/src configure off Ninja
  build off
  check_off off ;;
switch-mode)
  # One build tree, probes switched OFF -> ON -> OFF, with Makefiles (which
  # compare times, not command lines): headers and objects follow.
  configure b "Unix Makefiles" -DSTATIC_PROBES=OFF
  build b -j2
  check_off b
  configure b "Unix Makefiles" -DSTATIC_PROBES=ON -DDTRACE=$stap
  build b -j2
  check_on b
  configure b "Unix Makefiles" -DSTATIC_PROBES=OFF
  build b -j2
  check_off b ;;
cross-aarch64)
  # Cross-compiling for aarch64: probe-build's header is self-contained and
  # works; SystemTap's needs <sys/sdt.h>, which the cross sysroot lacks, so
  # detection (the header must compile with the project's compiler) turns
  # AUTO off and says why, and ON stops.
  pb_ready; need aarch64-linux-gnu-gcc; need qemu-aarch64
  cross="-DCMAKE_SYSTEM_NAME=Linux -DCMAKE_SYSTEM_PROCESSOR=aarch64 -DCMAKE_C_COMPILER=aarch64-linux-gnu-gcc"
  configure pb Ninja $cross -DSTATIC_PROBES=ON -DDTRACE=$pb
  build pb
  file pb/hello | grep -q aarch64 || fail "hello is not an aarch64 program"
  expect_probes pb/hello main__start
  expect_probes pb/libgreet.so greet greet__done farewell
  out=$(qemu-aarch64 -L /usr/aarch64-linux-gnu pb/hello --probes) || fail "hello failed under qemu-aarch64"
  [ "$out" = "static probes: yes
enabled: 0" ] || fail "hello --probes printed '$out' under qemu-aarch64"
  configure st Ninja $cross -DSTATIC_PROBES=AUTO -DDTRACE=$stap
  expect_in_log st.configure.log "probes off, no-op markers: the header from \`$stap -h\` does not compile with /usr/bin/aarch64-linux-gnu-gcc"
  build st
  expect_no_probes st/hello st/libgreet.so
  if cmake -G Ninja -S "$example" -B st-on -DCMAKE_MODULE_PATH="$module_dir" $cross -DSTATIC_PROBES=ON -DDTRACE=$stap >st-on.log 2>&1; then
    fail "STATIC_PROBES=ON accepted a header that does not compile"
  fi
  expect_in_log st-on.log "STATIC_PROBES is ON but the header from" ;;
install-config)
  # Install the package; a consumer finds it through CMAKE_PREFIX_PATH with
  # a plain find_package(StaticProbes): no module path, no CONFIG.
  cmake -S "$module_dir" -B pkg -DCMAKE_INSTALL_PREFIX="$work/prefix" >pkg.log 2>&1 || { cat pkg.log >&2; fail "configuring the package failed"; }
  cmake --install pkg >>pkg.log 2>&1 || { cat pkg.log >&2; fail "installing the package failed"; }
  for f in StaticProbesConfig.cmake StaticProbesConfigVersion.cmake FindStaticProbes.cmake; do
    [ -f "prefix/share/cmake/StaticProbes/$f" ] || fail "$f was not installed"
  done
  mkdir short
  cp "$example"/*.c "$example"/*.h "$example/hello_probes.d" short/
  cat > short/CMakeLists.txt <<'EOD'
cmake_minimum_required(VERSION 3.16)
project(short C)
add_library(greet SHARED greet.c farewell.c)
add_executable(hello hello.c count.c)
target_link_libraries(hello PRIVATE greet)
find_package(StaticProbes REQUIRED)
static_probes_add_provider(greet hello hello_probes.d)
EOD
  SRC=$work/short configure on Ninja -DCMAKE_MODULE_PATH= -DCMAKE_PREFIX_PATH="$work/prefix" -DSTATIC_PROBES=ON -DDTRACE=$stap
  expect_in_log on/CMakeCache.txt "StaticProbes_DIR:PATH=$work/prefix/share/cmake/StaticProbes"
  build on
  check_on on
  SRC=$work/short configure off Ninja -DCMAKE_MODULE_PATH= -DCMAKE_PREFIX_PATH="$work/prefix"
  build off
  check_off off
  # The example names this repository's copy with PATHS; an installed
  # package on CMAKE_PREFIX_PATH comes first.
  configure ex Ninja -DCMAKE_PREFIX_PATH="$work/prefix"
  expect_in_log ex/CMakeCache.txt "StaticProbes_DIR:PATH=$work/prefix/share/cmake/StaticProbes"
  configure ex2 Ninja
  expect_in_log ex2/CMakeCache.txt "StaticProbes_DIR:PATH=$module_dir"
  # A version that is too new is refused, installed or not.
  mkdir v && cat > v/CMakeLists.txt <<'EOD'
cmake_minimum_required(VERSION 3.16)
project(v NONE)
find_package(StaticProbes 9.0 REQUIRED)
EOD
  if cmake -S v -B vb -DCMAKE_PREFIX_PATH="$work/prefix" >v.log 2>&1; then fail "version 9.0 was accepted"; fi
  expect_in_log v.log "0.1.0"
  if cmake -S v -B vb2 -DStaticProbes_DIR="$module_dir" >v2.log 2>&1; then fail "version 9.0 was accepted from the source tree"; fi
  expect_in_log v2.log "0.1.0"
  # With the tool installed beside the package and no other dtrace to be
  # found, the package finds <prefix>/bin/probe-build.
  pb_ready
  cmake -S "$module_dir" -B pkg -DSTATIC_PROBES_INSTALL_TOOL="$pb" >>pkg.log 2>&1 && cmake --install pkg >>pkg.log 2>&1 ||
    { cat pkg.log >&2; fail "installing the package with the tool failed"; }
  [ -x prefix/bin/probe-build ] || fail "probe-build was not installed"
  mkdir bin; for t in ld as; do ln -s "$(command -v $t)" bin/; done
  PATH=$work/bin "$(command -v cmake)" -G Ninja -S "$example" -B tool \
    -DCMAKE_PREFIX_PATH="$work/prefix" -DSTATIC_PROBES=ON -DCMAKE_FIND_USE_CMAKE_SYSTEM_PATH=OFF \
    -DCMAKE_C_COMPILER="$(command -v cc)" -DCMAKE_MAKE_PROGRAM="$(command -v ninja)" >tool.configure.log 2>&1 ||
    { cat tool.configure.log >&2; fail "configuring with the installed tool failed"; }
  expect_in_log tool.configure.log "probes on: $work/prefix/bin/probe-build (PROBE_BUILD)"
  build tool
  check_on tool ;;
package-no-warning)
  # The installable package configures with no warning at all, even with
  # uninitialized variables reported and developer warnings as errors.
  cmake -S "$module_dir" -B pkg --warn-uninitialized -Werror=dev >pkg.log 2>&1 || { cat pkg.log >&2; fail "configuring the package failed"; }
  if grep -v '^Warn about uninitialized values\.$' pkg.log | grep -e Warning -e Error -e warning: -e error:; then
    fail "configuring the package warned"
  fi ;;
subproject)
  # A copy of the repository used with add_subdirectory, and through
  # FetchContent: find_package(StaticProbes) then finds that copy.
  for how in add_subdirectory FetchContent; do
    mkdir -p $how
    cp "$example"/*.c "$example"/*.h "$example/hello_probes.d" $how/
    if [ $how = add_subdirectory ]; then
      use="add_subdirectory(\"$module_dir\" static-probes)"
    else
      use="include(FetchContent)
FetchContent_Declare(StaticProbes SOURCE_DIR \"$top\" SOURCE_SUBDIR cmake)
FetchContent_MakeAvailable(StaticProbes)"
    fi
    cat > $how/CMakeLists.txt <<EOD
cmake_minimum_required(VERSION 3.16)
project(sub C)
$use
find_package(StaticProbes REQUIRED)
add_library(greet SHARED greet.c farewell.c)
add_executable(hello hello.c count.c)
target_link_libraries(hello PRIVATE greet)
static_probes_add_provider(greet hello hello_probes.d)
EOD
    SRC=$work/$how configure b-$how Ninja -DCMAKE_MODULE_PATH= -DSTATIC_PROBES=ON -DDTRACE=$stap
    expect_in_log b-$how/CMakeCache.txt "StaticProbes_DIR:PATH=$module_dir"
    build b-$how
    check_on b-$how
    if grep -rqs --include=cmake_install.cmake FindStaticProbes b-$how; then
      fail "$how: the subproject installs the package into the user's prefix"
    fi
  done ;;
few-lines)
  # A library plus a program with probes: at most 4 lines of CMake, counted
  # in the example, and the count the docs give is the example's (its
  # optional trace test is not counted).
  lines=$(grep -E '^[^#]*(StaticProbes|static_probes_)' "$example/CMakeLists.txt" | grep -c -v static_probes_add_trace_test)
  [ "$lines" -le 4 ] || { grep -n -E '^[^#]*(StaticProbes|static_probes_)' "$example/CMakeLists.txt" >&2; fail "the example spends $lines lines on probes"; }
  grep -q "CMakeLists.txt: $lines lines" "$top/docs/cmake.md" || fail "docs/cmake.md does not say 'CMakeLists.txt: $lines lines'" ;;
lenient-wrapper)
  # SystemTap's wrapper drops the probes it cannot parse and exits 0; the
  # module reads every provider itself first. A missing ')' on line 5 stops
  # CMake, the provider's FILE:LINE:COL first on a line of its own.
  copy_example
  sed -i '5s/probe main__start(int);/probe main__start(int;/' src/hello_probes.d
  grep -q 'main__start(int;' src/hello_probes.d || fail "line 5 of the example's provider changed"
  if cmake -G Ninja -S src -B b -DCMAKE_MODULE_PATH="$module_dir" -DSTATIC_PROBES=ON -DDTRACE=$stap >b.out 2>b.err; then
    fail "configuring with the wrapper accepted a provider missing ')'"
  fi
  [ "$(head -n 1 b.err)" = "$work/src/hello_probes.d:5:23: error: unbalanced brackets: missing \`)\` to close the parameter list (found \`;\`)" ] ||
    { cat b.err >&2; fail "the first error line is not the provider's FILE:LINE:COL"; }
  # Broken after configuring: the build stops at the header, none is left.
  copy_example
  configure c Ninja -DSTATIC_PROBES=ON -DDTRACE=$stap
  sed -i '5s/probe main__start(int);/probe main__start(int;/' src/hello_probes.d
  if cmake --build c >c.build.log 2>&1; then fail "the build accepted a provider missing ')'"; fi
  grep -q "^$work/src/hello_probes.d:5:23: error: unbalanced brackets" c.build.log ||
    { cat c.build.log >&2; fail "no FILE:LINE:COL error line in the build"; }
  if ls c/static_probes/*/include/hello_probes.h* >/dev/null 2>&1; then fail "a header was left behind"; fi ;;
tool-drops-probe)
  # A tool that writes a header without one declared probe (the wrapper,
  # then the probe's lines removed): the header step names the probe at its
  # declaration and leaves no header.
  cat > dropping-dtrace <<EOD
#!/bin/sh
$stap "\$@" || exit
for a; do [ "\$prev" = -o ] && out=\$a; prev=\$a; done
case " \$* " in *" -h "*) sed -i '/HELLO_COUNT/d' "\$out" ;; esac
EOD
  chmod +x dropping-dtrace
  configure b Ninja -DSTATIC_PROBES=ON -DDTRACE=$work/dropping-dtrace
  if cmake --build b >b.build.log 2>&1; then fail "the build accepted a header without HELLO_COUNT"; fi
  grep -q "^$example/hello_probes.d:7:8: error: probe \`hello:count\` is missing from the header" b.build.log ||
    { cat b.build.log >&2; fail "the lost probe is not named at its declaration"; }
  if ls b/static_probes/*/include/hello_probes.h* >/dev/null 2>&1; then fail "a header was left behind"; fi ;;
check-probe-build)
  # probe-build as the tool: after linking, every declared probe must have a
  # site in the program or its libraries, checked by default.
  pb_ready
  copy_example
  configure b Ninja -DSTATIC_PROBES=ON -DDTRACE=$pb
  expect_in_log b.configure.log "post-link check ($pb list --check) - yes"
  build b
  expect_in_log b.build.log "Checking that every probe of hello_probes.d has a site"
  check_on b
  # A probe nothing fires fails the build, named with its declaration.
  sed -i 's/\tprobe farewell(const char \*);/\tprobe farewell(const char *);\n\tprobe lost(int);\n\tprobe spare();/' src/hello_probes.d
  for attempt in 1 2; do
    if cmake --build b >b.build.log 2>&1; then fail "the build passed with probes that have no site (attempt $attempt)"; fi
    grep -q "^$work/src/hello_probes.d:14:8: error: probe hello:lost has no site in $work/b/libgreet.so.0.0.0, $work/b/hello" b.build.log ||
      { cat b.build.log >&2; fail "hello:lost is not named at its declaration"; }
    grep -q "^$work/src/hello_probes.d:15:8: error: probe hello:spare has no site" b.build.log ||
      { cat b.build.log >&2; fail "hello:spare is not named"; }
  done
  # Probes left unused on purpose: UNUSED (by name, or provider:name).
  sed -i 's/hello hello_probes.d)/hello hello_probes.d UNUSED lost hello:spare)/' src/CMakeLists.txt
  build b
  run_hello b/hello yes
  # They reach probe-build as --unused, which says so.
  grep -q "all 5 probes in use have sites in .*; 2 more declared unused on purpose" b/static_probes/static_probes_check_hello_probes_d.passed ||
    { cat b/static_probes/*.passed >&2; fail "the check did not pass the UNUSED probes to probe-build"; }
  # Opt-out.
  sed -i 's/ UNUSED lost hello:spare)/)/' src/CMakeLists.txt
  configure b Ninja -DSTATIC_PROBES_CHECK=OFF
  build b
  if grep -q "Checking that every probe" b.build.log; then fail "STATIC_PROBES_CHECK=OFF still checked"; fi
  # UNUSED must name declared probes.
  sed -i 's/hello hello_probes.d)/hello hello_probes.d UNUSED nosuch)/' src/CMakeLists.txt
  if cmake -S src -B b >b2.configure.log 2>&1; then fail "UNUSED accepted an undeclared probe"; fi
  expect_in_log b2.configure.log "UNUSED names \`nosuch\`, which $work/src/hello_probes.d does not declare"
  # Per configuration (Ninja Multi-Config), and with probe-build found as a
  # link named dtrace.
  sed -i 's/ UNUSED nosuch)/)/' src/CMakeLists.txt
  mkdir bin
  ln -s "$pb" bin/dtrace
  PATH=$work/bin:$PATH configure m "Ninja Multi-Config" -DSTATIC_PROBES=ON
  expect_in_log m.configure.log "probes on: $work/bin/dtrace (PROBE_BUILD)"
  expect_in_log m.configure.log "post-link check ($pb list --check) - yes"
  for c in Debug Release; do
    if cmake --build m --config $c >m.build.log 2>&1; then fail "$c: the build passed with probes that have no site"; fi
    grep -q "error: probe hello:lost has no site in $work/m/$c/libgreet.so.0.0.0, $work/m/$c/hello" m.build.log ||
      { cat m.build.log >&2; fail "$c: hello:lost is not named with the $c files"; }
  done ;;
check-systemtap)
  # SystemTap's wrapper: no check unless asked; asked, probe-build checks.
  pb_ready
  copy_example
  sed -i 's/\tprobe farewell(const char \*);/\tprobe farewell(const char *);\n\tprobe lost(int);/' src/hello_probes.d
  configure b Ninja -DSTATIC_PROBES=ON -DDTRACE=$stap
  expect_in_log b.configure.log "post-link check - no"
  build b
  configure c Ninja -DSTATIC_PROBES=ON -DDTRACE=$stap -DSTATIC_PROBES_CHECK=ON -DSTATIC_PROBES_PROBE_BUILD=$pb
  if cmake --build c >c.build.log 2>&1; then fail "STATIC_PROBES_CHECK=ON did not catch hello:lost"; fi
  grep -q "^$work/src/hello_probes.d:14:8: error: probe hello:lost has no site" c.build.log ||
    { cat c.build.log >&2; fail "hello:lost is not named"; }
  # A provider attached to a static library only: its objects are checked.
  mkdir lib
  cp "$example/count.c" "$example/count.h" "$example/hello_probes.d" lib/
  cat > lib/CMakeLists.txt <<EOD
cmake_minimum_required(VERSION 3.16)
project(lib C)
find_package(StaticProbes REQUIRED PATHS "$module_dir")
add_library(count STATIC count.c)
static_probes_add_provider(count hello_probes.d UNUSED main__start greet greet__done)
EOD
  SRC=$work/lib configure l Ninja -DSTATIC_PROBES=ON -DDTRACE=$pb
  if cmake --build l >l.build.log 2>&1; then fail "the static library's check passed without a farewell site"; fi
  grep -q "error: probe hello:farewell has no site in .*count.c.o" l.build.log ||
    { cat l.build.log >&2; fail "the static library's objects were not checked"; } ;;
reader-like-probe-build)
  # The module's reader and probe-build's take and refuse the same files,
  # with the error on the same line and column, and give the same macros.
  # Probe-build still takes some arguments the module refuses (struct,
  # union, long double and __int128 by value): those are only reported.
  pb_ready
  mkdir in
  w() { printf "$2" > "in/$1.d"; }
  w missing-paren-5 'provider svc {\n\tprobe start(int);\n\tprobe request(const char *, int);\n\tprobe reply(const char *, int);\n\tprobe error(int;\n\tprobe stop(void);\n};\n'
  w missing-paren-eof 'provider svc {\n\tprobe start(int'
  w missing-semi 'provider svc {\n\tprobe start(int)\n\tprobe stop(void);\n};\n'
  w missing-semi-provider 'provider svc {\n\tprobe start(int);\n}\nprovider b {\n\tprobe x();\n};\n'
  w missing-brace 'provider svc {\n\tprobe start(int);\n\tprobe stop(void);\n'
  w missing-brace-next 'provider svc {\n\tprobe start(int);\nprovider b {\n\tprobe x();\n};\n'
  w missing-open 'provider p\n\tprobe a(int);\n};\n'
  w twelve 'provider p {\n\tprobe ok(int, int, int, int, int, int, int, int, int, int, int, int);\n};\n'
  w thirteen 'provider p {\n\tprobe many(int, int, int, int, int, int, int, int, int, int, int, int,\n\t\tlong);\n};\n'
  w duplicate-probe 'provider p {\n\tprobe a(int);\n\tprobe b(int);\n\tprobe a(int);\n};\n'
  w duplicate-provider-same 'provider p {\n\tprobe a(int);\n};\nprovider p {\n\tprobe a(signed int);\n};\n'
  w duplicate-provider-new 'provider p {\n\tprobe a(int);\n};\nprovider p {\n\tprobe a(int);\n\tprobe b(int);\n};\n'
  w duplicate-provider-types 'provider p {\n\tprobe a(int);\n};\nprovider p {\n\tprobe a(long);\n};\n'
  w unterminated-comment 'provider p {\n\tprobe a(int); /* the end\n};\n'
  w probe-outside 'probe a(int);\nprovider p {\n\tprobe b(int);\n};\n'
  w probe-outside-after 'provider p {\n\tprobe b(int);\n};\n\nprobe c(int);\n'
  w array 'provider p {\n\tprobe bad(int, char name[16]);\n};\n'
  w varargs 'provider p {\n\tprobe a(int, ...);\n};\n'
  w function-pointer 'provider p {\n\tprobe a(int (*)(int));\n};\n'
  w void-argument 'provider p {\n\tprobe a(int, void);\n};\n'
  w reserved-name 'provider p {\n\tprobe int(int);\n};\n'
  w dash-name 'provider p {\n\tprobe a-b(int);\n};\n'
  w conflicting 'provider p {\n\tprobe a(int char);\n};\n'
  w restrict 'provider p {\n\tprobe a(restrict int);\n};\n'
  w string-pointer 'provider p {\n\tprobe a(string *);\n};\n'
  w unmatched 'provider p {\n\tprobe a(int);\n};\n}\n'
  w clause 'BEGIN { x = 1; }\nprovider p {\n\tprobe a(int);\n};\n'
  w clause-eof 'syscall::open:entry\n'
  w stray 'provider p {\n\tprobe a(int @);\n};\n'
  w struct-defined 'provider p {\n\tprobe a(struct { int x; } *);\n};\n'
  w typedef-unterminated 'typedef int t\nprovider p {\n\tprobe a(t);\n};\n'
  w control "provider p {\n\tprobe a(int);\001\n};\n"
  w unterminated-string 'provider p {\n\tprobe a(int); "abc\n};\n'
  w pragma 'provider p {\n#pragma D attributes Evolving/Evolving/ISA provider p provider\n\tprobe a(int);\n};\n'
  w translated 'provider p {\n\tprobe a(int, char *) : (int, string);\n};\n'
  w names 'provider p {\n\tprobe a(const char *string, unsigned long long count, void *restrict buf);\n};\n'
  w lone-cr "provider p {\r\tprobe a(int)\r};\r"
  w utf8-column 'provider p { /* \303\251 */ probe a(int @); };\n'
  w line-marker '# 40 "orig.d"\nprovider p {\n\tprobe a(int;\n};\n'
  w struct-by-value 'struct pair { int a, b; };\nprovider p {\n\tprobe ok(struct pair *);\n\tprobe bad(int, struct pair);\n};\n'
  w union-by-value 'provider p {\n\tprobe bad(union u);\n};\n'
  w long-double 'provider p {\n\tprobe ok(long double *);\n\tprobe bad(long double);\n};\n'
  w int128 'provider p {\n\tprobe ok(__int128 *);\n\tprobe bad(__int128);\n};\n'
  w unsigned-int128 'provider p {\n\tprobe bad(unsigned __int128);\n};\n'
  w uint128-t 'provider p {\n\tprobe bad(__uint128_t);\n};\n'
  # Bytes: CMake's regular expressions stop at a NUL, so none may hide what
  # follows it or stall the lexer (one run spun for 39 minutes).
  w nul 'provider p {\n\tprobe a(int\000);\n};\n'
  w nul-first-byte '\000provider p {\n\tprobe a(int);\n};\n'
  w nul-then-control 'provider p {\n\000\tprobe a(int);\001\n};\n'
  w nul-then-bad-utf8 'provider p {\n\000\tprobe a(int); /* \303\251 \377 */\n};\n'
  w nul-after-marker '# 40 "orig.d"\nprovider p {\n\tprobe a(int\000);\n};\n'
  w nul-cr 'provider p {\r\tprobe a(int\000);\r};\r'
  w bad-utf8 'provider p {\n\tprobe a(int\377);\n};\n'
  w overlong-utf8 'provider p {\n\tprobe a(int); /* \300\200 */\n};\n'
  w surrogate-utf8 'provider p {\n\tprobe a(int); /* \355\240\200 */\n};\n'
  w above-max-utf8 'provider p {\n\tprobe a(int); /* \364\220\200\200 */\n};\n'
  w truncated-utf8 'provider p {\n\tprobe a(int);\n};\n/* \342\202'
  w four-byte-utf8 'provider p {\n\tprobe a(int); /* \360\237\230\200 \364\217\277\277 */ probe b(int @);\n};\n'
  w control-after-literal 'BEGIN { x = "abc\n};\n\001\n'
  w control-in-comment 'provider p {\n/* abc\n\001\n};\n'
  w control-after-marker '# 40 "orig.d"\nprovider p {\n\tprobe a(int);\001\n};\n'
  w double-bom '\357\273\277\357\273\277provider p {\n\tprobe a(int);\n};\n'
  # Long lines: a repeated group in a regular expression recurses once per
  # repetition, and CMake crashed on a literal or directive this long.
  long=$(yes a | head -n 60000 | tr -d '\n')
  accents=$(yes "$(printf '\303\251')" | head -n 20000 | tr -d '\n')
  w long-literal "BEGIN { x = \"$long\"; y = '$long'; }\nprovider p {\n\tprobe a(int);\n};\n"
  w long-directive "#define X $long /* $long */ \\\\\n $long\nprovider p {\n\tprobe a(int @);\n};\n"
  w long-utf8 "provider p { /* $accents */ probe a(int); };\n/* $accents\377 */\n"
  # #pragma D attributes about a provider of the file.
  P='provider svc {\n\tprobe start(int);\n};\n'
  w attributes-any-case "$P#pragma D attributes eVOLVING/stable/isa provider svc args\n"
  w attributes-one-part "#pragma D attributes Stable provider svc name\n$P"
  w attributes-data "$P#pragma D attributes Stable/Bogus provider svc name\n"
  w attributes-class "$P#pragma D attributes Stable/Stable/Bogus provider svc name\n"
  w attributes-four-parts "$P#pragma D attributes a/b/c/d provider svc name\n"
  w attributes-empty-part "$P#pragma D attributes Evolving/ provider svc name\n"
  w attributes-no-group "$P#pragma D attributes Evolving provider svc\n"
  w attributes-group-case "$P#pragma D attributes Evolving provider svc Name\n"
  w attributes-other-provider "$P#pragma D attributes Bogus provider other bogus\n"
  w attributes-before "#pragma D attributes Bogus/Evolving provider svc name\n$P"
  w attributes-inside 'provider svc {\n#pragma D attributes Evolving/Evolving/Bogus provider svc name\n\tprobe start(int);\n};\n'
  w attributes-semicolon "$P#pragma D attributes a;b/Evolving provider svc name\n"
  w attributes-comment "$P#pragma D attributes /* x */ Bogus provider svc name // y\n"
  w attributes-last-token 'provider svc {\n\tprobe start(int);\n#pragma D attributes Evolving provider svc name\n'
  # Two probes that give one C macro.
  w macro-across 'provider a_b {\n\tprobe c(int);\n};\nprovider a {\n\tprobe b_c(int);\n};\n'
  w macro-case 'provider svc {\n\tprobe Start(int);\n\tprobe start(int);\n};\n'
  w macro-then-attributes 'provider svc {\n\tprobe a__b(int);\n\tprobe a_b(long);\n};\n#pragma D attributes Bogus provider svc name\n'
  w macro-then-syntax 'provider svc {\n\tprobe a__b(int);\n\tprobe a_b(int);\n};\nprovider x {\n\tprobe a(int;\n};\n'
  only_cmake_refuses="struct-by-value union-by-value long-double int128 unsigned-int128 uint128-t"
  macros() {
    awk '/^#define [A-Z]/ { if ($0 ~ /\\$/) { getline next_line; print $0 " " next_line } else print }' "$1" |
      grep -v '^#define STATIC_PROBES_' | sort
  }
  position() { LC_ALL=C sed -n 's/^.*\.d:\([0-9]*:[0-9]*\): error: .*/\1/p' "$1" | head -n 1; }
  files="$corpus/*.d in/*.d"
  [ -d "$top/tests/bad-input" ] && files="$files $top/tests/bad-input/*.d"
  limit=
  command -v timeout >/dev/null 2>&1 && limit="timeout 60"
  compared=0; bad=""
  for d in $files; do
    n=$(basename "$d" .d)
    pb_rc=0; cm_rc=0
    "$pb" header --flavor disabled "$d" -o "pb-$n.h" >"pb-$n.log" 2>&1 || pb_rc=$?
    $limit cmake -DStaticProbes_SCRIPT_ACTION=disabled-header -DStaticProbes_SCRIPT_INPUT="$d" \
      -DStaticProbes_SCRIPT_OUTPUT="cm-$n.h" -P "$module_dir/FindStaticProbes.cmake" >"cm-$n.log" 2>&1 || cm_rc=$?
    compared=$((compared + 1))
    if [ $cm_rc -gt 128 ] || { [ -n "$limit" ] && [ $cm_rc = 124 ]; }; then
      bad="$bad
$n: the module hung or crashed (exit $cm_rc)"
      continue
    fi
    if [ $pb_rc != 0 ] && [ $cm_rc != 0 ]; then
      [ "$(position pb-$n.log)" = "$(position cm-$n.log)" ] ||
        bad="$bad
$n: probe-build refuses at $(position pb-$n.log), the module at $(position cm-$n.log)"
      case $(head -n 1 cm-$n.log) in *": error: "*) ;; *) bad="$bad
$n: the module's first line is not its FILE:LINE:COL error" ;; esac
    elif [ $pb_rc = 0 ] && [ $cm_rc = 0 ]; then
      [ "$(macros pb-$n.h)" = "$(macros cm-$n.h)" ] || bad="$bad
$n: different macros: $(macros pb-$n.h | tr '\n' ' ') | $(macros cm-$n.h | tr '\n' ' ')"
    elif [ $pb_rc = 0 ] && echo " $only_cmake_refuses " | grep -q " $n "; then
      echo "$n: refused by the module ($(position cm-$n.log)); probe-build still takes it"
      [ -n "$(position cm-$n.log)" ] || bad="$bad
$n: the module refuses it without FILE:LINE:COL"
    else
      bad="$bad
$n: probe-build exit $pb_rc, the module exit $cm_rc: $(head -n 1 pb-$n.log) | $(head -n 1 cm-$n.log)"
    fi
  done
  [ -z "$bad" ] || fail "the readers disagree:$bad"
  echo "$compared files compared" ;;
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
  sed -i 's/probe main__start(int);/probe main__start(int)/' src/hello_probes.d
  if cmake --build b >b.build.log 2>&1; then fail "the build accepted a broken provider file"; fi
  expect_in_log b.build.log "hello_probes.d:[0-9]*:[0-9]*: error"
  [ ! -f b/static_probes/greet/include/hello_probes.h ] || fail "a header was left behind" ;;
bad-provider-off)
  copy_example
  configure b Ninja -DSTATIC_PROBES=OFF
  sed -i 's/probe main__start(int);/probe main__start(int)/' src/hello_probes.d
  if cmake --build b >b.build.log 2>&1; then fail "the build accepted a broken provider file"; fi
  grep -q "^$work/src/hello_probes.d:5:24: error: missing \`;\` after the declaration of probe \`main__start\` (found \`probe\`)" b.build.log ||
    { cat b.build.log >&2; fail "no FILE:LINE:COL error line for the broken provider"; }
  [ ! -f b/static_probes/greet/include/hello_probes.h ] || fail "a header was left behind" ;;
parser-errors)
  # Each broken provider file stops with FILE:LINE:COL on the first line of
  # the output (the words are probe-build's) and writes nothing.
  check_error() {
    printf "$1" > p.d
    if cmake -DStaticProbes_SCRIPT_ACTION=disabled-header -DStaticProbes_SCRIPT_INPUT=p.d \
         -DStaticProbes_SCRIPT_OUTPUT=p.h -P "$module_dir/FindStaticProbes.cmake" >log 2>&1; then
      fail "accepted: $1"
    fi
    first=$(head -n 1 log)
    case $first in
      "$work/p.d:$2"*) ;;
      *) cat log >&2; fail "the first line is not '$work/p.d:$2...' for: $1" ;;
    esac
    [ ! -f p.h ] && [ ! -f p.h.tmp ] || fail "output left behind for: $1"
  }
  check_error 'provider x {\n  probe a(int);\n  /* never closed\n' "3:3: error: unterminated comment"
  check_error 'provider x {\n  probe a(int);\n' "2:16: error: missing \`}\` to close provider \`x\` (opened at line 1, column 12)"
  check_error 'provider x {\n  probe a(int\n};\n' "2:14: error: unbalanced brackets: missing \`)\` to close the parameter list (found \`}\`)"
  check_error 'provider {\n};\n' "1:10: error: expected a provider name, found \`{\`"
  check_error 'provider x {\n  probe 9a(int);\n};\n' "2:9: error: invalid probe name \`9a\`"
  check_error 'provider x {\n  int a(int);\n};\n' "2:3: error: expected \`probe\` or \`}\` in provider \`x\`, found \`int\`"
  check_error 'provider x {\n  probe a(int) : (int;\n};\n' "2:22: error: unbalanced brackets: missing \`)\`"
  check_error 'typedef int t\n' "1:14: error: missing \`;\` at the end of the \`typedef\` declaration"
  check_error 'provider x { probe a(int); }; #define X\n' "1:31: error: expected \`provider\`, found \`#\`"
  check_error 'provider x {\n  probe a(int) \\\\ ;\n};\n' "2:15: error: missing \`;\` after the declaration of probe \`a\` (found \`\\\`)"
  check_error 'provider x {\n\tprobe a(int\000);\n};\n' "2:13: error: binary data: control character 0x00 is not allowed in a provider file"
  check_error 'provider x {\n\tprobe a(int\377);\n};\n' "2:13: error: binary data: byte 0xff is not valid UTF-8 text"
  check_error 'provider x {\n\tprobe a(int);\n};\n#pragma D attributes Bogus/Evolving/Common provider x provider\n' "4:1: error: unknown stability \`Bogus\`: expected Internal, Private, Obsolete, External, Unstable, Evolving, Stable or Standard"
  check_error 'provider x {\n\tprobe a(int);\n};\n#pragma D attributes Evolving/Evolving/Common provider x everything\n' "4:1: error: unknown attribute group \`everything\`: expected provider, module, function, name or args"
  check_error 'provider x {\n\tprobe a(int);\n};\n#pragma D attributes Evolving/Evolving/Bogus provider x name\n' "4:1: error: unknown dependency class \`Bogus\`"
  check_error 'provider x {\n\tprobe a__b(int);\n\tprobe a_b(long);\n};\n' "3:8: error: probe \`x:a_b\` gives the C macro \`X_A_B\`, as probe \`x:a__b\` (line 2) does"
  # The source line and a caret under the column follow.
  printf 'provider x {\n\tprobe a(int;\n};\n' > p.d
  cmake -DStaticProbes_SCRIPT_ACTION=disabled-header -DStaticProbes_SCRIPT_INPUT=p.d \
    -DStaticProbes_SCRIPT_OUTPUT=p.h -P "$module_dir/FindStaticProbes.cmake" >log 2>&1 && fail "accepted a missing )"
  [ "$(sed -n 2,3p log)" = "$(printf ' \tprobe a(int;\n \t           ^')" ] || { cat log >&2; fail "no source line and caret under the error"; }
  # Text CMake itself would read as syntax (backslashes, \${...}, ";",
  # brackets, quotes) in comments is just comment text.
  cat > ok.d <<'EOD'
provider x {
  /* see C:\path and ${HOME} and \n "q" ; [a] */
  probe a(int); // trailing \ backslash ${X}
  probe b(const char *); /* "str;" */
};
EOD
  cmake -DStaticProbes_SCRIPT_ACTION=disabled-header -DStaticProbes_SCRIPT_INPUT=ok.d \
    -DStaticProbes_SCRIPT_OUTPUT=ok.h -P "$module_dir/FindStaticProbes.cmake" >log 2>&1 || { cat log >&2; fail "comments with CMake syntax broke the reader"; }
  grep -q '^#define X_A(arg1)' ok.h && grep -q '^#define X_B(arg1)' ok.h || { cat ok.h >&2; fail "ok.d: wrong macros"; }
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
      sed -n 's/^\/\* \(yields\|expect\): \(.*\) \*\/$/\2/p' "$d" | while IFS= read -r e; do
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
disabled-like-probe-build)
  # CMake's no-op header and `probe-build header --flavor disabled` define
  # the same macros, the same way, for every corpus file (extras on the
  # CMake side are reported; with -C probe-build would drop probes under a
  # false #if, which CMake's reader keeps).
  pb_ready
  [ -d "$corpus" ] || fail "corpus $corpus not found"
  macros() {
    awk '/^#define [A-Z]/ { if ($0 ~ /\\$/) { getline next_line; print $0 " " next_line } else print }' "$1" |
      grep -v '^#define STATIC_PROBES_' | sort
  }
  for d in "$corpus"/*.d; do
    n=$(basename "$d" .d)
    "$pb" header --flavor disabled "$d" -o "pb-$n.h" || fail "probe-build failed on $d"
    cmake -DStaticProbes_SCRIPT_ACTION=disabled-header -DStaticProbes_SCRIPT_INPUT="$d" \
      -DStaticProbes_SCRIPT_OUTPUT="cmake-$n.h" -P "$module_dir/FindStaticProbes.cmake" >/dev/null 2>&1 ||
      fail "the CMake no-op header failed on $d"
    macros "pb-$n.h" > "pb-$n.txt"
    macros "cmake-$n.h" > "cmake-$n.txt"
    [ -s "pb-$n.txt" ] || fail "no macros read from probe-build's header for $d"
    missing=$(comm -23 "pb-$n.txt" "cmake-$n.txt")
    [ -z "$missing" ] || { echo "$missing" >&2; fail "$d: the CMake header lacks or differs from probe-build's macros above"; }
    extra=$(comm -13 "pb-$n.txt" "cmake-$n.txt")
    [ -z "$extra" ] || echo "$n: CMake only: $extra"
  done ;;
same-as-autotools)
  # The example is the autotools example's program and library: its sources
  # are copies and must stay identical (once that example is on this tree).
  if [ ! -d "$top/examples/autotools" ]; then
    echo "examples/autotools is not on this tree: nothing to compare"
  else
    for f in hello_probes.d greet.c greet.h hello.c farewell.c count.c count.h; do
      cmp "$example/$f" "$top/examples/autotools/$f" || fail "examples/cmake/$f differs from examples/autotools/$f"
    done
  fi ;;
*)
  fail "unknown case" ;;
esac
echo "ok [$case]"
