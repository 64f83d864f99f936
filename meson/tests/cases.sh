#!/bin/sh
# One case of the Meson suite: cases.sh NAME (run by `meson test`; see
# meson.build here and ./run). Each case works in $CASES_WORK/NAME and fails
# with a message naming what went wrong. Real tools only: meson, ninja, the
# compilers, readelf, gdb, bpftrace, SystemTap's dtrace wrapper, probe-build,
# the illumos stand-in, Oracle's DTrace when STATIC_PROBES_ORACLE_DTRACE
# names it.
set -eu
case=$1
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
work=${CASES_WORK:?run the cases through meson/tests/run}/$case
example=$top/examples/meson
subproject=$top/meson
stap=/usr/bin/dtrace
pb=${PROBE_BUILD:?run the cases through meson/tests/run}
standin=$top/scripts/stand-ins/dtrace-illumos
corpus=$top/tests/corpus
meson=$(command -v "${MESON:-meson}") || { echo "FAIL [$case]: meson is not installed" >&2; exit 1; }
# A newer Meson than Debian's, where install-deps put one.
meson_new=${MESON_NEW:-/opt/staticprobes-meson/bin/meson}

# The cases name probe-build where they use it: one on PATH would change
# which tests run.
clean_path=
IFS=:
for d in $PATH; do
  [ -x "$d/probe-build" ] || clean_path=${clean_path:+$clean_path:}$d
done
unset IFS
PATH=$clean_path

rm -rf "$work"
mkdir -p "$work"
cd "$work"

fail() { echo "FAIL [$case]: $*" >&2; exit 1; }
skip() {
  if [ "${CI:-}" = true ]; then fail "$* (CI=true: a missing prerequisite is a failure)"; fi
  echo "skipped [$case]: $*"
  exit 77
}
for t in "$meson" ninja cc readelf; do
  command -v "$t" >/dev/null 2>&1 || fail "required tool '$t' is not installed (scripts/install-deps)"
done
[ -x "$stap" ] || fail "SystemTap's dtrace wrapper $stap is missing (scripts/install-deps: systemtap-sdt-dev)"

# A copy of the example, with the subproject copied in as a user would.
copy_example() {
  mkdir -p src/subprojects
  cp "$example"/*.c "$example"/*.h "$example"/*.d "$example"/meson.build \
     "$example"/meson_options.txt "$example"/test-probes src/
  cp -r "$subproject" src/subprojects/static-probes
  rm -rf src/subprojects/static-probes/tests
}
# setup BUILD [meson args]: configures ${SRC:-the example} in BUILD.
setup() {
  b=$1; shift
  if ! "$meson" setup "$b" "${SRC:-$example}" "$@" >"$b.setup.log" 2>&1; then
    cat "$b.setup.log" >&2
    fail "meson setup $b failed"
  fi
}
build() {
  if ! ninja -C "$1" >"$1.build.log" 2>&1; then
    cat "$1.build.log" >&2
    fail "building $1 failed"
  fi
}
# run_tests BUILD EXPECTED: meson test's summary must be EXPECTED, e.g.
# "ok=5 skip=0".
run_tests() {
  (cd "$1" && "$meson" test --no-rebuild >"../$1.test.log" 2>&1) || true
  ok=$(sed -n 's/^Ok: *\([0-9]*\).*/\1/p' "$1.test.log")
  sk=$(sed -n 's/^Skipped: *\([0-9]*\).*/\1/p' "$1.test.log")
  if [ "ok=$ok skip=$sk" != "$2" ]; then
    cat "$1.test.log" "$1/meson-logs/testlog.txt" >&2
    fail "meson test in $1: ok=$ok skip=$sk, expected $2"
  fi
}
expect_in() {
  grep -q -- "$2" "$1" || { cat "$1" >&2; fail "$1 does not say: $2"; }
}
native() {
  printf "[binaries]\ndtrace = '%s'\n" "$1" >"$2"
}
# A bin folder with the tools a build needs and no dtrace or probe-build.
bare_path() {
  mkdir -p bare
  for t in cc gcc as ld ld.bfd ar gcc-ar ranlib nm readelf objdump ninja sh; do
    p=$(command -v $t 2>/dev/null) && ln -sf "$p" bare/$t
  done
  ln -sf /usr/bin/python3 bare/python3
  echo "$work/bare"
}

case $case in
systemtap)
  # SystemTap's wrapper; probe-build, also named by the machine file,
  # runs the trace test.
  printf "[binaries]\ndtrace = '%s'\nprobe-build = '%s'\n" "$stap" "$pb" >stap.ini
  setup b -Ddtrace=enabled --native-file stap.ini
  expect_in b.setup.log "static probes on: $stap (systemtap, -G: stub)"
  expect_in b.setup.log "trace tests (static_probes_trace): .*probe-build trace"
  build b
  # The post-link check is skipped: the tool is not probe-build.
  run_tests b "ok=5 skip=1"
  expect_in b/meson-logs/testlog.txt "ok: gdb (stub)"
  expect_in b/meson-logs/testlog.txt "ok: bpftrace (stub)"
  expect_in b/meson-logs/testlog.txt "7 probe hits, as expected"
  # Nothing is regenerated needlessly.
  ninja -C b >b.again.log 2>&1
  expect_in b.again.log "no work to do" ;;
probe-build)
  native "$pb" pb.ini
  setup b -Ddtrace=enabled --native-file pb.ini
  expect_in b.setup.log "static probes on: $pb (probe-build, -G: stub)"
  build b
  run_tests b "ok=6 skip=0"
  expect_in b/meson-logs/testlog.txt "all 5 declared probes have sites"
  expect_in b/meson-logs/testlog.txt "7 probe hits, as expected"
  expect_in b/meson-logs/testlog.txt '^  hello:greet("probes", 2)$' ;;
dtrace-link)
  # probe-build under the name dtrace, first on PATH, found by auto.
  mkdir bin
  ln -s "$pb" bin/dtrace
  (PATH=$work/bin:$PATH; setup b)
  expect_in b.setup.log "static probes on: $work/bin/dtrace (probe-build, -G: stub)"
  build b
  run_tests b "ok=6 skip=0" ;;
off)
  # No tool anywhere, and none needed.
  bare_path >/dev/null
  (PATH=$work/bare; setup b -Ddtrace=disabled)
  expect_in b.setup.log "static probes off, no-op markers: the dtrace option is disabled"
  if grep -q -e '--tool' -e dtrace b/build.ninja; then fail "the build runs a dtrace tool"; fi
  build b
  grep -q 'define HELLO_GREET(arg1, arg2)' b/libgreet.so.0.0.0.p/hello_probes.h ||
    fail "the no-op header lacks HELLO_GREET(arg1, arg2)"
  # hello, readelf (no notes, sections or symbols) pass; probes, gdb, bpftrace skip.
  run_tests b "ok=2 skip=4" ;;
auto-missing)
  bare_path >/dev/null
  (PATH=$work/bare; setup b -Ddtrace=auto)
  expect_in b.setup.log "static probes off, no-op markers: no dtrace tool was found"
  build b
  run_tests b "ok=2 skip=4" ;;
enabled-missing)
  bare_path >/dev/null
  if (PATH=$work/bare; "$meson" setup b "$example" -Ddtrace=enabled >b.setup.log 2>&1); then
    fail "setup accepted -Ddtrace=enabled without a tool"
  fi
  expect_in b.setup.log "ERROR: .*StaticProbes: the dtrace option is enabled but no dtrace tool was found" ;;
rewrite)
  # The illumos-like stand-in: -G rewrites the objects it is given.
  native "$standin" il.ini
  export DTRACE_STANDIN_LOG=$work/calls.log
  setup b -Ddtrace=enabled --native-file il.ini
  expect_in b.setup.log "static probes on: $standin (dtrace, -G: rewrite)"
  : >calls.log
  build b
  run_tests b "ok=2 skip=4"
  [ "$(grep -c '"-G"' calls.log)" = 3 ] || { cat calls.log >&2; fail "-G did not run once per target"; }
  for f in b/hello b/libgreet.so.0.0.0; do
    readelf -p .SUNW_dof "$f" >dof.txt || fail "$f lacks .SUNW_dof"
    for p in main-start count greet greet-done farewell; do
      grep -q "hello:$p:__static_probes_hello___" dof.txt || { cat dof.txt >&2; fail "$f: no site for hello:$p"; }
    done
    # The shim's functions are hidden: the library exports none.
    if nm -D "$f" | grep -q __static_probes; then fail "$f exports its probe functions"; fi
  done
  # Each site is the nops -G wrote; is-enabled returns 0 (hello --probes).
  objdump -d b/hello | grep -A3 '<__static_probes_hello___greet>:' | grep -q 'nop' ||
    fail "the greet site in hello is not rewritten" ;;
oracle)
  # Oracle's DTrace for Linux (scripts/real-dtrace-tools builds it and
  # starts its runtime): the example builds, and its probes fire under
  # dtrace -c with their values.
  ora=${STATIC_PROBES_ORACLE_DTRACE:-}
  [ -n "$ora" ] && [ -x "$ora" ] || { echo "skipped [$case]: STATIC_PROBES_ORACLE_DTRACE names no dtrace"; exit 77; }
  # Programs run outside dtrace -c do not hand their DOF to the dtprobed
  # daemon: the fallback daemon of a kernel without CUSE never hears that a
  # process exited and, after a few dozen, registers no more.
  export DTRACE_DOF_INIT_DISABLE=1
  native "$ora" ora.ini
  setup b -Ddtrace=enabled --native-file ora.ini
  expect_in b.setup.log "static probes on: $ora (dtrace, -G: rewrite)"
  build b
  run_tests b "ok=2 skip=4"
  # Oracle's is-enabled site writes a flag through a pointer; untraced,
  # no probe is enabled.
  objdump -d b/hello | grep -A6 '<__static_probes_enabled_hello___greet>:' | grep -q 'lea' ||
    fail "the is-enabled function does not pass a flag's address"
  out=$(b/hello --probes 2>/dev/null) && [ "$out" = "static probes: yes
enabled: 0" ] || fail "hello --probes printed '$out'"
  # Every probe, strings included, under dtrace -c. Each probe's firing
  # site is in __static_probes_hello___NAME, its is-enabled site in
  # __static_probes_enabled_hello___NAME: naming the function traces the
  # firing sites only. `hello$target:::greet` would also enable the
  # is-enabled site, which this kernel refuses (its lockdown forbids the
  # bpf_probe_write_user helper Oracle's is-enabled probes use).
  cat >fire.d <<'EOF'
hello$target::__static_probes_hello___main__start:main-start { printf("main-start %d\n", (int)arg0); }
hello$target::__static_probes_hello___count:count { printf("count %d\n", (int)arg0); }
hello$target::__static_probes_hello___greet:greet { printf("greet %s %d\n", copyinstr(arg0), (int)arg1); }
hello$target::__static_probes_hello___greet__done:greet-done { printf("greet-done %d\n", (long)arg0); }
hello$target::__static_probes_hello___farewell:farewell { printf("farewell %s\n", copyinstr(arg0)); }
EOF
  unset DTRACE_DOF_INIT_DISABLE
  timeout 120 "$ora" -q -s fire.d -c "$work/b/hello meson probes" >fired.out 2>fired.err ||
    { cat fired.out; grep -v '^BPF' fired.err | tail -20; fail "dtrace -c failed (is the runtime up? scripts/real-dtrace-tools runs dtrace-runtime-setup)"; } >&2
  fired=$(grep -v -e '^hello, ' -e '^goodbye, ' -e '^$' fired.out)
  want="main-start 2
count 2
greet meson 1
greet-done 13
greet probes 2
greet-done 14
farewell probes"
  [ "$fired" = "$want" ] || { cat fired.out; grep -v '^BPF' fired.err; fail "dtrace -c read other values"; } >&2
  grep -q '^goodbye, probes$' fired.out || fail "hello did not run to its end under dtrace -c"
  # Traced (its other probes enabled), greet's is-enabled test still reads 0.
  timeout 120 "$ora" -q -s fire.d -c "$work/b/hello --probes" >enabled.out 2>enabled.err ||
    { grep -v '^BPF' enabled.err | tail -20; fail "dtrace -c hello --probes failed"; } >&2
  expect_in enabled.out "^enabled: 0$"
  echo "fired under Oracle's dtrace -c:"
  echo "$fired" | sed 's/^/  /' ;;
trace)
  # static_probes_trace: a wrong expectation fails naming the line; the
  # example's trace test passes as an unprivileged user (root becomes
  # nobody, in a folder it may read); the options.
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  chmod 755 "$tmp"
  (cd "$tmp" && copy_example)
  cp "$pb" "$tmp/probe-build"
  native "$tmp/probe-build" "$tmp/pb.ini"
  cat >>"$tmp/src/meson.build" <<'EOF'
test('trace-wrong', static_probes.get_variable('static_probes_trace'),
  args : ['--provider', files('hello_probes.d'), '-n', 'hello:greet',
    '--expect', 'hello:greet("meson", 1)', '--expect', 'hello:greet("probes", 3)',
    '--', hello, 'meson', 'probes'])
EOF
  SRC=$tmp/src setup "$tmp/b" -Ddtrace=enabled --native-file "$tmp/pb.ini"
  build "$tmp/b"
  if (cd "$tmp/b" && "$meson" test --no-rebuild trace-wrong >/dev/null 2>&1); then
    fail "a trace test expecting a wrong value passed"
  fi
  expect_in "$tmp/b/meson-logs/testlog.txt" 'line 2: expected `hello:greet("probes", 3)`, traced `hello:greet("probes", 2)`'
  chmod -R a+rX "$tmp"
  if [ "$(id -u)" = 0 ]; then
    command -v setpriv >/dev/null || fail "setpriv (util-linux) is not installed"
    chown -R nobody "$tmp/b"
    as_user="setpriv --reuid=nobody --regid=nogroup --clear-groups"
  else
    as_user=
  fi
  user=$(${as_user:-env} id -un)
  (cd "$tmp/b" && $as_user env PATH=/usr/local/bin:/usr/bin:/bin "$meson" test --no-rebuild trace) >trace.log 2>&1 ||
    { cat trace.log "$tmp/b/meson-logs/testlog.txt" >&2; fail "the trace test failed as user $user"; }
  expect_in "$tmp/b/meson-logs/testlog.txt" "7 probe hits, as expected"
  echo "the example's trace test passes as user $user"
  # disabled: skipped, saying so; enabled where it cannot run: setup stops.
  setup off -Ddtrace=enabled --native-file "$tmp/pb.ini" -Dstatic-probes:trace_tests=disabled
  (cd off && "$meson" test --no-rebuild trace >/dev/null 2>&1) || true
  expect_in off/meson-logs/testlog.txt "skipped: the trace tests are turned off"
  if "$meson" setup no "$example" -Ddtrace=disabled -Dstatic-probes:trace_tests=enabled >no.setup.log 2>&1; then
    fail "trace_tests=enabled was accepted with probes off"
  fi
  expect_in no.setup.log "StaticProbes: the trace_tests option is enabled but static probes are off" ;;
macos-like)
  # A tool whose header needs no -G object and that refuses -G.
  cat >macos-dtrace <<EOF
#!/bin/sh
echo "\$*" >>$work/calls.log
case " \$* " in *" -G "*) echo "dtrace: -G is not supported here" >&2; exit 1 ;; esac
while [ \$# -gt 0 ]; do
  case \$1 in -s) src=\$2; shift ;; -o) out=\$2; shift ;; esac
  shift
done
"$pb" header --flavor disabled "\$src" -o "\$out"
EOF
  chmod +x macos-dtrace
  native "$work/macos-dtrace" mac.ini
  setup b -Ddtrace=enabled --native-file mac.ini
  expect_in b.setup.log "static probes on: $work/macos-dtrace (probe-build, -G: none)"
  : >calls.log
  build b
  grep -q -- "-h" calls.log || fail "the build did not call -h"
  if grep -q -- "-G" calls.log; then fail "the build called -G"; fi
  # hello passes; readelf, gdb and bpftrace skip (no notes to read); so does the check.
  run_tests b "ok=1 skip=5" ;;
switch)
  # One build folder, probes switched off -> on -> off: headers and objects follow.
  setup b -Ddtrace=disabled
  build b
  run_tests b "ok=2 skip=4"
  "$meson" configure b -Ddtrace=enabled >b.conf.log 2>&1 || { cat b.conf.log >&2; fail "meson configure failed"; }
  build b
  run_tests b "ok=4 skip=2"
  "$meson" configure b -Ddtrace=disabled >b.conf.log 2>&1
  build b
  run_tests b "ok=2 skip=4" ;;
regenerate)
  # Editing the provider regenerates the header before anything compiles.
  copy_example
  SRC=$work/src setup on -Ddtrace=enabled
  SRC=$work/src setup off -Ddtrace=disabled
  build on; build off
  sed -i 's/probe farewell(const char \*);/probe farewell(const char *);\n\tprobe extra(int, int);/' src/hello_probes.d
  build on; build off
  grep -q HELLO_EXTRA on/hello.p/hello_probes.h || fail "on: header not regenerated"
  grep -q 'HELLO_EXTRA(arg1, arg2)' off/hello.p/hello_probes.h || fail "off: header not regenerated" ;;
dtrace-flags)
  # dtrace_flags reach the tool and our own reader: -C resolves #define'd types.
  copy_example
  cat >src/hello_probes.d <<'EOF'
#define Count int
provider hello {
	probe main__start(Count);
	probe count(Count);
	probe greet(const char *, Count);
	probe greet__done(long);
	probe farewell(const char *);
};
EOF
  SRC=$work/src setup on -Ddtrace=enabled -Dstatic-probes:dtrace_flags=-C
  build on
  if grep -q Count on/libgreet.so.0.0.0.p/hello_probes.h; then fail "-C did not reach the tool"; fi
  run_tests on "ok=4 skip=2"
  SRC=$work/src setup off -Ddtrace=disabled -Dstatic-probes:dtrace_flags=-C
  build off
  run_tests off "ok=2 skip=4" ;;
bad-provider)
  # Meson before 1.3 ignores a failing postconf script: setup prints the
  # error and the first build step stops with it, leaving no header.
  copy_example
  sed -i 's/probe main__start(int);/probe main__start(int)/' src/hello_probes.d
  for mode in enabled disabled; do
    "$meson" setup $mode src -Ddtrace=$mode >$mode.setup.log 2>&1 || true
    expect_in $mode.setup.log "^$work/src/hello_probes.d:5:24: error: missing \`;\` after the declaration of probe \`main__start\` (found \`probe\`)\$"
    if ninja -C $mode >$mode.build.log 2>&1; then fail "the build accepted a broken provider ($mode)"; fi
    expect_in $mode.build.log "^\.\./src/hello_probes.d:5:24: error: missing \`;\`"
    left=$(find $mode -name '*hello_probes*')
    [ -z "$left" ] || fail "left behind ($mode): $left"
    # Still broken on the next try: nothing stale lets it pass.
    if ninja -C $mode >$mode.build2.log 2>&1; then fail "a second build passed ($mode)"; fi
  done
  # Meson 1.3 and later stop at setup.
  if [ -x "$meson_new" ]; then
    if "$meson_new" setup new src -Ddtrace=enabled >new.setup.log 2>&1; then
      fail "meson $("$meson_new" --version) setup accepted a broken provider"
    fi
    expect_in new.setup.log "^$work/src/hello_probes.d:5:24: error: missing"
    expect_in new.setup.log "ERROR: Postconf script"
  else
    skip "no newer Meson at $meson_new (scripts/install-deps installs one)"
  fi ;;
bad-tool)
  # A tool whose -h works and whose -G fails once configure is done: the
  # build names the object and quotes the tool; no object is left, and the
  # next build fails again.
  cat >flaky-dtrace <<EOF
#!/bin/sh
case " \$* " in
  *" -G "*) if [ -f $work/break-G ]; then echo "dtrace: failed to link: the tool is broken on purpose" >&2; exit 1; fi ;;
esac
exec "$pb" dtrace "\$@"
EOF
  chmod +x flaky-dtrace
  native "$work/flaky-dtrace" flaky.ini
  setup b -Ddtrace=enabled --native-file flaky.ini
  touch break-G
  if ninja -C b >b.build.log 2>&1; then fail "the build passed with a failing -G"; fi
  expect_in b.build.log "error: .*hello_probes.o: \`$work/flaky-dtrace .*-G .*\` failed (exit status 1): dtrace: failed to link: the tool is broken on purpose"
  left=$(find b -name '*hello_probes.o*' -o -name '.hello_probes*')
  [ -z "$left" ] || fail "left behind: $left"
  if ninja -C b >b.build2.log 2>&1; then fail "a second build passed"; fi
  rm break-G
  build b
  run_tests b "ok=4 skip=2"
  # A tool whose -h fails: enabled stops setup, auto turns probes off and says why.
  cat >failing-dtrace <<'EOF'
#!/bin/sh
echo "dtrace: failed to compile script: broken on purpose" >&2
exit 1
EOF
  chmod +x failing-dtrace
  native "$work/failing-dtrace" failing.ini
  if "$meson" setup c "$example" -Ddtrace=enabled --native-file failing.ini >c.setup.log 2>&1; then
    fail "setup accepted a failing tool"
  fi
  expect_in c.setup.log "StaticProbes: the dtrace option is enabled but \`$work/failing-dtrace -h\` fails on a test provider: .*broken on purpose"
  setup d -Ddtrace=auto --native-file failing.ini
  expect_in d.setup.log "static probes off, no-op markers: .*broken on purpose"
  build d
  run_tests d "ok=2 skip=4" ;;
check)
  # The post-link check fails naming a probe without a site; --unused
  # lets it pass; an --unused name the provider lacks is an error; the
  # option turns it off.
  copy_example
  sed -i 's/probe farewell(const char \*);/probe farewell(const char *);\n\tprobe never__fired(int);/' src/hello_probes.d
  native "$pb" pb.ini
  SRC=$work/src setup b -Ddtrace=enabled --native-file pb.ini
  build b
  run_tests b "ok=5 skip=0"
  expect_in b/meson-logs/testlog.txt "hello_probes.d:14:8: error: probe hello:never__fired has no site in"
  echo "test('probes-unused', static_probes.get_variable('static_probes_check'), args : [files('hello_probes.d'), hello, greet, '--unused', 'hello:never__fired'])" >>src/meson.build
  echo "test('probes-stray', static_probes.get_variable('static_probes_check'), args : [files('hello_probes.d'), hello, greet, '--unused', 'hello:nothere'])" >>src/meson.build
  build b
  (cd b && "$meson" test --no-rebuild probes-unused >/dev/null 2>&1) || { cat b/meson-logs/testlog.txt >&2; fail "--unused did not let the check pass"; }
  expect_in b/meson-logs/testlog.txt "all 5 probes in use have sites in .*; 1 more declared unused on purpose"
  if (cd b && "$meson" test --no-rebuild probes-stray >/dev/null 2>&1); then fail "an unknown --unused name passed"; fi
  expect_in b/meson-logs/testlog.txt "error: --unused hello:nothere: .*hello_probes.d declares no such probe"
  "$meson" configure b -Dstatic-probes:probe_check=disabled >/dev/null
  build b
  (cd b && "$meson" test --no-rebuild probes >/dev/null 2>&1) || true
  expect_in b/meson-logs/testlog.txt "skipped: the probe check is turned off" ;;
wrap)
  # The subproject through a wrap file, from a tarball of the meson folder
  # in the package cache (as a release would ship it).
  mkdir -p src/subprojects/packagecache
  cp "$example"/*.c "$example"/*.h "$example"/*.d "$example"/meson.build "$example"/meson_options.txt "$example"/test-probes src/
  tar czf src/subprojects/packagecache/static-probes-0.1.0.tar.gz -C "$top" \
    --exclude=meson/tests --transform 's,^meson,static-probes-0.1.0,' meson
  hash=$(sha256sum src/subprojects/packagecache/static-probes-0.1.0.tar.gz | cut -d' ' -f1)
  sed -e "s/^source_hash = .*/source_hash = $hash/" "$subproject/static-probes.wrap" >src/subprojects/static-probes.wrap
  SRC=$work/src setup b -Ddtrace=enabled --wrap-mode=nodownload
  [ -f src/subprojects/static-probes-0.1.0/static_probes.py ] || fail "the wrap was not unpacked"
  build b
  run_tests b "ok=4 skip=2" ;;
objects)
  # PostgreSQL's shape: -G over a target's objects (extract_all_objects),
  # with the stand-in (objects rewritten in place) and SystemTap's wrapper.
  mkdir src
  cp "$example"/*.c "$example"/*.h "$example"/hello_probes.d src/
  mkdir src/subprojects
  ln -s "$subproject" src/subprojects/static-probes
  cat >src/meson.build <<'EOF'
project('objects', 'c')
sp = subproject('static-probes')
# The tool's own header, as PostgreSQL makes it: here the sites must be in
# the program's own functions, so -G runs over the program's objects.
probes_h = custom_target('hello_probes.h', input : 'hello_probes.d', output : 'hello_probes.h',
  command : [sp.get_variable('static_probes_dtrace'), '-h', '-s', '@INPUT@', '-o', '@OUTPUT@'])
objs = static_library('hello_objs', 'hello.c', 'greet.c', 'farewell.c', 'count.c', probes_h,
  c_args : '-DHAVE_STATIC_PROBES=1')
probes_o = custom_target('hello_probes.o',
  input : ['hello_probes.d', objs.extract_all_objects(recursive : false)], output : 'hello_probes.o',
  command : sp.get_variable('static_probes_objects') + ['--output', '@OUTPUT@', '@INPUT@'])
executable('hello', probes_o, objects : objs.extract_all_objects(recursive : false))
EOF
  native "$standin" il.ini
  export DTRACE_STANDIN_LOG=$work/calls.log
  SRC=$work/src setup il -Dstatic-probes:dtrace=enabled --native-file il.ini
  build il
  readelf -p .SUNW_dof il/hello >dof.txt || fail "hello lacks .SUNW_dof"
  for site in "hello:main-start:main:" "hello:count:count_names:" "hello:greet:greet:" "hello:farewell:farewell:"; do
    grep -q "$site" dof.txt || { cat dof.txt >&2; fail "hello's DOF lacks the site $site"; }
  done
  out=$(il/hello --probes) && [ "$out" = "static probes: yes
enabled: 0" ] || fail "hello --probes printed '$out'"
  # One source changes: -G runs again over every object, the others
  # restored from their pristine copies first (a second -G over a rewritten
  # object finds no sites), and only that source is compiled again.
  touch src/greet.c
  : >calls.log
  build il
  [ "$(grep -c 'Compiling C object' il.build.log)" = 1 ] || { cat il.build.log >&2; fail "more than greet.c was compiled"; }
  [ "$(grep -c '"-G"' calls.log)" = 1 ] || { cat calls.log >&2; fail "-G did not run again"; }
  readelf -p .SUNW_dof il/hello >dof2.txt
  cmp -s dof.txt dof2.txt || { diff dof.txt dof2.txt >&2; fail "the DOF changed after a rebuild"; }
  ninja -C il >il.again.log 2>&1
  expect_in il.again.log "no work to do"
  # Stub mode: the same meson.build with SystemTap's wrapper.
  SRC=$work/src setup st -Dstatic-probes:dtrace=enabled --native-file /dev/null
  build st
  readelf -n st/hello | grep -q 'Name: greet$' || fail "hello has no SDT note for greet" ;;
meson-new)
  # The example with a current Meson.
  [ -x "$meson_new" ] || skip "no newer Meson at $meson_new (scripts/install-deps installs one)"
  MESON=$meson_new
  meson=$meson_new
  setup b -Ddtrace=enabled
  build b
  run_tests b "ok=4 skip=2"
  native "$standin" il.ini
  setup il -Ddtrace=enabled --native-file il.ini
  build il
  run_tests il "ok=2 skip=4" ;;
reader)
  "$here/reader-agreement" "$pb" "$corpus" ;;
noop-corpus)
  # The no-op header of every corpus file declares each expected probe with
  # its arity and compiles cleanly with every macro used.
  for d in "$corpus"/*.d; do
    n=$(basename "$d" .d)
    "$subproject/static_probes.py" noop-header "$d" "$n.h" 2>"$n.log" || { cat "$n.log" >&2; fail "$d: no-op header failed"; }
    {
      echo "#include \"$n.h\""
      echo "int main(void) {"
      sed -n 's/^\/\* yields: \(.*\) \*\/\r*$/\1/p' "$d" | while IFS= read -r e; do
        prov=${e%%:*}; rest=${e#*:}; name=${rest%%(*}; args=${rest#*(}; args=${args%)}
        macro=$(echo "${prov}_$name" | sed 's/__/_/g' | tr a-z A-Z)
        if [ -z "$args" ] || [ "$args" = void ]; then call=""
        else call=$(echo "$args" | sed 's/[^,]//g; s/,/0, /g')0; fi
        echo "  if ($macro""_ENABLED()) return 1;"
        echo "  $macro($call);"
      done
      echo "  return 0;"
      echo "}"
    } >"$n.c"
    cc -std=c99 -Wall -Wextra -Werror -pedantic -I. "$n.c" -o "$n" >"$n.cc.log" 2>&1 ||
      { cat "$n.c" "$n.cc.log" >&2; fail "$d: the no-op header does not fit the expected probes"; }
    ./"$n" || fail "$d: an _ENABLED() macro is not 0"
  done ;;
lines)
  # What probes cost in the example's meson.build: at most 6 lines for the
  # library, the archive and the program (the [probes] marks), plus one
  # line in meson_options.txt.
  n=$(grep -c '# \[probes\]$' "$example/meson.build")
  [ "$n" -le 6 ] || fail "examples/meson/meson.build spends $n lines on probes"
  [ "$(grep -c '# \[probes\]$' "$example/meson_options.txt")" = 1 ] || fail "meson_options.txt: not one line"
  echo "meson.build: $n lines marked [probes]; meson_options.txt: 1" ;;
same-as-autotools)
  for f in hello_probes.d greet.c greet.h hello.c farewell.c count.c count.h; do
    cmp "$example/$f" "$top/examples/autotools/$f" || fail "examples/meson/$f differs from examples/autotools/$f"
  done ;;
*)
  fail "unknown case" ;;
esac
echo "ok [$case]"
