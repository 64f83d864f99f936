//! A C program loads the Rust cdylib; bpftrace reads the probes' arguments
//! in the shared library, and the kernel counts its semaphore up. Needs gcc
//! and bpftrace (root): missing tools fail the tests under `CI=true`. Our
//! own tracer reads the same values without root in `tests/probes.rs`.

use std::path::PathBuf;
use std::process::Command;

fn run(cmd: &mut Command) -> String {
    // Cargo points LD_LIBRARY_PATH at target/release/deps, which would win
    // over the loader's run path and load the shared, uncopied library.
    cmd.env_remove("LD_LIBRARY_PATH");
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

/// Builds the C loader against a copy of the library made for this test:
/// uprobes belong to a file, so tests running at the same time must not
/// share one.
fn loader(tag: &str) -> (PathBuf, PathBuf) {
    let deps = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf();
    let built = deps.join("librust_cdylib.so");
    assert!(built.exists(), "{} not built", built.display());
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("cdylib-{tag}"));
    std::fs::create_dir_all(&dir).unwrap();
    let lib = dir.join("librust_cdylib.so");
    std::fs::copy(&built, &lib).unwrap();
    let exe = dir.join("loader");
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/c/loader.c");
    run(Command::new("gcc")
        .args(["-O2", "-o"])
        .arg(&exe)
        .arg(src)
        .arg(format!("-L{}", dir.display()))
        .arg("-lrust_cdylib")
        .arg(format!("-Wl,-rpath,{}", dir.display())));
    (exe, lib)
}

#[test]
fn untraced() {
    let (exe, _) = loader("plain");
    assert_eq!(run(&mut Command::new(exe)).trim(), "square 144 enabled 0");
}

#[test]
#[ignore = "system tier: bpftrace as root"]
fn bpftrace_in_the_shared_library() {
    probe_test_support::require_tools!("root", "tracefs", "bpftrace");
    use std::io::{BufRead, BufReader, Read};
    use std::process::Stdio;
    let (exe, lib) = loader("bpftrace");
    // bpftrace's `-c` looks for the probes before the program has loaded
    // the library, so attach to the library file system-wide instead; the
    // program waits for the semaphore (which the kernel counts up, also in
    // running processes, when bpftrace attaches), and bpftrace stops at
    // `result`.
    let script = format!(
        "BEGIN {{ printf(\"ready\\n\"); }}\n\
         usdt:{lib}:rustlib:call {{ printf(\"call %d %s\\n\", arg0, str(arg1)); }}\n\
         usdt:{lib}:rustlib:result {{ printf(\"result %ld\\n\", arg0); exit(); }}\n",
        lib = lib.display()
    );
    let mut tracer = Command::new("timeout")
        .args(["30", "bpftrace", "-e", &script])
        .stdout(Stdio::piped())
        .spawn()
        .expect("cannot run bpftrace (run scripts/install-deps)");
    let mut stdout = BufReader::new(tracer.stdout.take().unwrap());
    let mut out = String::new();
    while !out.contains("ready") {
        let mut line = String::new();
        if stdout.read_line(&mut line).unwrap() == 0 {
            panic!("bpftrace ended before attaching:\n{out}");
        }
        out.push_str(&line);
    }
    let program = run(Command::new(&exe).arg("--wait"));
    stdout.read_to_string(&mut out).unwrap();
    let status = tracer.wait().unwrap();
    assert!(
        status.success(),
        "bpftrace: {status}\n{out}\nprogram: {program}"
    );
    let lines: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("call") || l.starts_with("result"))
        .collect();
    assert_eq!(lines, ["call 12 from-c", "result 144"], "{out}");
    assert_eq!(
        program.trim(),
        "square 144 enabled 1",
        "the kernel did not count the semaphore up"
    );
}
