# Sourced by the project's scripts and system suites (POSIX sh):
#   . "$top/scripts/lib.sh"     (with $top set to the repository's top)
#
# cargo_target_dir       Cargo's target folder for this workspace: honours
#                        CARGO_TARGET_DIR and build.target-dir, as Cargo does.
# probe_build_bin        builds the probe-build command (release) if needed
#                        and prints its path.
# require TOOL [WHY]     returns 0 when TOOL is on PATH (or an executable
#                        path). Otherwise prints "skip: ..." and returns 1, so
#                        a suite can skip; under CI=true a missing tool is a
#                        failure and the script exits 1 instead.
# skip_or_fail MESSAGE   the same for any other missing prerequisite.

cargo_target_dir() {
  (cd "$top" && cargo metadata --format-version 1 --no-deps) |
    sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p'
}

probe_build_bin() {
  (cd "$top" && cargo build --release --quiet --locked -p probe-build-cli) >&2 || return 1
  echo "$(cargo_target_dir)/release/probe-build"
}

skip_or_fail() {
  if [ "${CI:-}" = true ]; then
    echo "FAIL: $* (CI=true: a missing prerequisite is a failure; scripts/install-deps installs it)" >&2
    exit 1
  fi
  echo "skip: $*" >&2
  return 1
}

require() {
  case $1 in
    */*) [ -x "$1" ] && return 0 ;;
    *) command -v "$1" >/dev/null 2>&1 && return 0 ;;
  esac
  skip_or_fail "$1 is not installed${2:+ ($2)}"
}
