//! Runs `rust-and-c` under bpftrace (linked by rust-lld and by GNU ld) and
//! gdb, and checks every argument of every probe, fired from C and from
//! Rust. bpftrace relies on the kernel to count the semaphores up, so the
//! guarded probes (`rust__bytes`, `c__value`) and the `&str` copy
//! (`rust__start`) only show when the kernel's semaphore handling works with
//! our layout. gdb is a consumer of the notes in its own right (it reads
//! the operands and writes the semaphores itself); it runs once, on the
//! rust-lld binary. Our own tracer reads the same values without root in
//! `tests/probes.rs`.
//!
//! Needs gdb, and bpftrace as root with tracefs mounted: see
//! `scripts/install-deps`. Missing tools fail the tests under `CI=true`.

use std::process::Command;

/// What one round prints, in firing order, as `probe arg arg ...`.
const EXPECTED: &[&str] = &[
    "rust__start rust-side 0",
    "rust__tick 1 -1000 -3 1",
    "rust__tick 2 -2000 -3 0",
    "rust__tick 3 -3000 -3 1",
    "rust__bytes 7 16 200 -100",
    "shared rust 10",
    "c__start c-side 0",
    "c__value -1234567890123 4000000000 255 -2",
    "shared c 20",
    "c__done",
];

/// The probe lines of a tool's output, in order.
fn probe_lines(output: &str) -> Vec<String> {
    output
        .lines()
        .filter(|l| {
            EXPECTED
                .iter()
                .any(|e| e.split(' ').next() == l.split(' ').next())
        })
        .map(str::to_string)
        .collect()
}

fn run(cmd: &mut Command) -> String {
    let shown = format!("{cmd:?}");
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {shown}: {e} (run scripts/install-deps)"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{shown} failed: {}\n{stdout}\n{stderr}",
        out.status
    );
    stdout
}

const GDB_SCRIPT: &str = r#"set language c
set pagination off
set breakpoint pending off
break -probe-stap mixed:rust__start
commands
silent
printf "rust__start %s %d\n", (char *) $_probe_arg0, $_probe_arg1
continue
end
break -probe-stap mixed:rust__tick
commands
silent
printf "rust__tick %lu %ld %d %d\n", $_probe_arg0, $_probe_arg1, $_probe_arg2, $_probe_arg3
continue
end
break -probe-stap mixed:rust__bytes
commands
silent
printf "rust__bytes %d %lu %u %d\n", *(unsigned char *) $_probe_arg0, $_probe_arg1, $_probe_arg2, $_probe_arg3
continue
end
break -probe-stap mixed:c__start
commands
silent
printf "c__start %s %d\n", (char *) $_probe_arg0, $_probe_arg1
continue
end
break -probe-stap mixed:c__value
commands
silent
printf "c__value %lld %u %u %d\n", $_probe_arg0, $_probe_arg1, $_probe_arg2, $_probe_arg3
continue
end
break -probe-stap mixed:c__done
commands
silent
printf "c__done\n"
continue
end
break -probe-stap mixed:shared
commands
silent
printf "shared %s %d\n", (char *) $_probe_arg0, $_probe_arg1
continue
end
run
"#;

const BPFTRACE_SCRIPT: &str = r#"
usdt:$1:mixed:rust__start { printf("rust__start %s %d\n", str(arg0), arg1); }
usdt:$1:mixed:rust__tick { printf("rust__tick %lu %ld %d %d\n", arg0, arg1, arg2, arg3); }
usdt:$1:mixed:rust__bytes { printf("rust__bytes %d %lu %u %d\n", *(uint8 *) arg0, arg1, arg2, arg3); }
usdt:$1:mixed:c__start { printf("c__start %s %d\n", str(arg0), arg1); }
usdt:$1:mixed:c__value { printf("c__value %lld %u %u %d\n", arg0, arg1, arg2, arg3); }
usdt:$1:mixed:c__done { printf("c__done\n"); }
usdt:$1:mixed:shared { printf("shared %s %d\n", str(arg0), arg1); }
"#;

fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A copy of `binary` for one test: uprobes belong to a file, so tests
/// running at the same time must not share one.
fn copy_of(binary: &str, tag: &str) -> String {
    let path =
        std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("rust-and-c-{tag}"));
    std::fs::copy(binary, &path).unwrap();
    path.to_str().unwrap().to_string()
}

fn check_gdb(binary: &str, tag: &str) {
    let binary = &copy_of(binary, &format!("gdb-{tag}"));
    let script = temp_file(&format!("mixed-{tag}.gdb"), GDB_SCRIPT);
    let out = run(Command::new("gdb")
        .args(["-q", "-batch", "-nx", "-x"])
        .arg(&script)
        .args(["--args", binary, "1"]));
    assert_eq!(probe_lines(&out), EXPECTED, "gdb output:\n{out}");
}

fn check_bpftrace(binary: &str, tag: &str) {
    let binary = &copy_of(binary, &format!("bpftrace-{tag}"));
    let script = temp_file(&format!("mixed-{tag}.bt"), BPFTRACE_SCRIPT);
    let out = run(Command::new("bpftrace")
        .arg(&script)
        .arg(binary)
        .arg("-c")
        .arg(format!("{binary} 1")));
    assert_eq!(probe_lines(&out), EXPECTED, "bpftrace output:\n{out}");
    assert!(
        out.contains("enabled now: true"),
        "the semaphore was not counted up:\n{out}"
    );
}

const RUST_LLD: &str = env!("CARGO_BIN_EXE_rust-and-c");
const GNU_LD: &str = env!("CARGO_BIN_EXE_rust-and-c-gnu-ld");

#[test]
fn untraced_fires_nothing_guarded() {
    let out = run(&mut Command::new(RUST_LLD));
    assert!(out.contains("enabled now: false"), "{out}");
}

#[test]
fn linkers_are_the_ones_named() {
    let comment = |b: &str| run(Command::new("readelf").args(["-p", ".comment", b]));
    assert!(
        comment(RUST_LLD).contains("Linker: LLD"),
        "rust-and-c is not linked by lld"
    );
    assert!(
        !comment(GNU_LD).contains("Linker: LLD"),
        "rust-and-c-gnu-ld is linked by lld"
    );
}

#[test]
#[ignore = "system tier: gdb"]
fn gdb_reads_every_argument() {
    probe_test_support::require_tools!("gdb");
    check_gdb(RUST_LLD, "lld");
}

#[test]
#[ignore = "system tier: bpftrace as root"]
fn bpftrace_reads_every_argument_rust_lld() {
    probe_test_support::require_tools!("root", "tracefs", "bpftrace");
    check_bpftrace(RUST_LLD, "lld");
}

#[test]
#[ignore = "system tier: bpftrace as root"]
fn bpftrace_reads_every_argument_gnu_ld() {
    probe_test_support::require_tools!("root", "tracefs", "bpftrace");
    check_bpftrace(GNU_LD, "bfd");
}
