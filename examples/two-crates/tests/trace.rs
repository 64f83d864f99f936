//! Both crates' probes in one binary, read by bpftrace (which needs the
//! kernel to count the library's semaphore up). A missing bpftrace fails
//! under `CI=true`. Our own tracer reads the same values without root in
//! `tests/probes.rs`.

use std::process::Command;

const BINARY: &str = env!("CARGO_BIN_EXE_two-crates");

const EXPECTED: &[&str] = &[
    "main__start 1",
    "checksum__start 1 10",
    "checksum__done 55 sum of bytes",
    "main__done 55",
];

fn run(cmd: &mut Command) -> String {
    let shown = format!("{cmd:?}");
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {shown}: {e} (run scripts/install-deps)"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{shown} failed: {}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn probe_lines(out: &str) -> Vec<&str> {
    out.lines()
        .filter(|l| l.starts_with("main__") || l.starts_with("checksum__"))
        .collect()
}

/// A copy of the binary per test: uprobes belong to a file.
fn copy_of(tag: &str) -> String {
    let path =
        std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("two-crates-{tag}"));
    std::fs::copy(BINARY, &path).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn untraced() {
    assert_eq!(
        run(&mut Command::new(BINARY)).trim(),
        "sum 55 helper enabled 0"
    );
}

#[test]
#[ignore = "system tier: bpftrace as root"]
fn bpftrace_sees_both_providers() {
    probe_test_support::require_tools!("root", "tracefs", "bpftrace");
    let b = copy_of("bpftrace");
    let script = format!(
        "usdt:{b}:app:main__start {{ printf(\"main__start %d\\n\", arg0); }}\n\
         usdt:{b}:helper:checksum__start {{ printf(\"checksum__start %d %lu\\n\", *(uint8 *) arg0, arg1); }}\n\
         usdt:{b}:helper:checksum__done {{ printf(\"checksum__done %u %s\\n\", arg0, str(arg1)); }}\n\
         usdt:{b}:app:main__done {{ printf(\"main__done %u\\n\", arg0); }}\n"
    );
    let out = run(Command::new("bpftrace")
        .arg("-e")
        .arg(script)
        .arg("-c")
        .arg(&b));
    assert_eq!(probe_lines(&out), EXPECTED, "{out}");
    assert!(out.contains("sum 55 helper enabled 1"), "{out}");
}
