//! Helpers for the project's own tests (a dev-dependency only).
//!
//! Tests come in two tiers. `cargo test --workspace` runs the quick tier:
//! nothing but Rust and a C compiler with its binutils. Tests that need
//! anything else (gdb, bpftrace as root, qemu-user, cross compilers, clang,
//! SystemTap's `dtrace` and `<sys/sdt.h>`, ...) belong to the system tier:
//! they are marked `#[ignore = "system tier: ..."]` and `scripts/test-all`
//! runs them with `-- --include-ignored`. Each begins with
//! [`require_tools!`], which skips the test with a message when a tool is
//! missing, and fails it instead under `CI=true`.

use std::path::{Path, PathBuf};

/// Returns from the calling test, saying which tool is missing, unless
/// every tool named is present. Under `CI=true` a missing tool fails the
/// test instead. Besides command names (or paths), it knows `"root"`,
/// `"tracefs"` (mounted, for bpftrace's uprobes), `"sys/sdt.h"`
/// (systemtap-sdt-dev) and `"nightly"` (a nightly rustc through rustup).
///
/// ```
/// # fn test() {
/// probe_test_support::require_tools!("cc", "readelf");
/// // ... the test ...
/// # }
/// ```
#[macro_export]
macro_rules! require_tools {
    ($($tool:expr),+ $(,)?) => {
        if !$crate::tools_present(module_path!(), &[$($tool),+]) {
            return;
        }
    };
}

/// Whether the continuous-integration run is asking (`CI=true`): there a
/// missing tool is a failure, not a skip.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Whether every tool is present; prints a skip line for the first missing
/// one, or panics under `CI=true`. Use [`require_tools!`].
pub fn tools_present(test: &str, tools: &[&str]) -> bool {
    for tool in tools {
        if !tool_present(tool) {
            let message = format!(
                "{test}: needs {tool}, which is missing here (scripts/install-deps installs it)"
            );
            if in_ci() {
                panic!("{message}; CI=true makes a missing tool a failure");
            }
            eprintln!("skip: {message}");
            return false;
        }
    }
    true
}

fn tool_present(tool: &str) -> bool {
    match tool {
        "root" => effective_uid() == Some(0),
        "tracefs" => Path::new("/sys/kernel/tracing/uprobe_events").exists(),
        "sys/sdt.h" => {
            let multiarch = std::fs::read_dir("/usr/include")
                .into_iter()
                .flatten()
                .flatten()
                .any(|e| e.path().join("sys/sdt.h").is_file());
            multiarch || Path::new("/usr/include/sys/sdt.h").is_file()
        }
        "nightly" => std::process::Command::new("rustc")
            .args(["+nightly", "--version"])
            .output()
            .is_ok_and(|o| o.status.success()),
        path if path.contains('/') => is_executable(Path::new(path)),
        name => find_in_path(name).is_some(),
    }
}

/// The first executable named `name` in `PATH`.
pub fn find_in_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

fn effective_uid() -> Option<u32> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("Uid:"))?;
    line.split_whitespace().nth(2)?.parse().ok()
}

/// The repository's provider corpus (`tests/corpus`), or
/// `$STATIC_PROBES_CORPUS` when set (to run the tests over other files).
pub fn corpus_dir() -> PathBuf {
    match std::env::var_os("STATIC_PROBES_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus"),
    }
}

/// The corpus files (`*.d`), sorted.
pub fn corpus_files() -> Vec<PathBuf> {
    let dir = corpus_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read the corpus at {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "d"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no corpus files in {}", dir.display());
    files
}

/// Oracle's `dtrace` for Linux, from `$STATIC_PROBES_ORACLE_DTRACE`, or
/// `None` after saying why the test skips. These real tools are built
/// outside the repository (`scripts/real-dtrace-tools`, from
/// `../shared/tools`, which `.ci/run` runs when that folder is there), so a
/// missing one is a skip even under `CI=true`.
pub fn oracle_dtrace() -> Option<PathBuf> {
    real_tool("STATIC_PROBES_ORACLE_DTRACE", "Oracle's dtrace")
}

/// The folder Apple's ld64 is installed in (`bin/ld64`, `lib/libdtrace-shim.so`,
/// `lib/libSystem-ARCH.dylib`), from `$STATIC_PROBES_LD64`, or `None` after
/// saying why the test skips (see [`oracle_dtrace`]).
pub fn apple_ld64() -> Option<PathBuf> {
    real_tool("STATIC_PROBES_LD64", "Apple's ld64")
}

fn real_tool(variable: &str, what: &str) -> Option<PathBuf> {
    match std::env::var_os(variable) {
        Some(value) if !value.is_empty() => Some(PathBuf::from(value)),
        _ => {
            eprintln!(
                "skip: {variable} is not set (scripts/real-dtrace-tools builds {what} from \
                 ../shared/tools)"
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_shell_and_not_a_made_up_tool() {
        assert!(tool_present("sh"));
        assert!(!tool_present("no-such-tool-anywhere"));
        assert!(!tool_present("/no/such/path"));
    }

    #[test]
    fn the_corpus_is_in_the_repository() {
        assert!(corpus_files().len() >= 12);
    }
}
