//! `probe-build trace` on C programs built with `probe-build dtrace -h/-G`:
//! the text, JSON and count outputs, the exit status, Ctrl-C on a started
//! program and on one attached to with -p (every byte written back), bad
//! input, and (system tier) the tracer run as an unprivileged user.

mod common;

use std::io::{BufRead, BufReader};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{probe_build, probe_build_path, run, run_fails, run_ok, Scratch};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../probe-trace/tests/fixtures")
        .join(name)
}

/// prog.c built the way a C project builds it with the drop-in `dtrace`.
fn build(scratch: &Scratch) -> PathBuf {
    let provider = fixture("trace.d");
    run_ok(
        probe_build()
            .args(["dtrace", "-h", "-s"])
            .arg(&provider)
            .arg("-o")
            .arg(scratch.path("trace.h")),
    );
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    run_ok(
        Command::new(&cc)
            .args(["-O2", "-c", "-I"])
            .arg(&scratch.dir)
            .arg("-o")
            .arg(scratch.path("prog.o"))
            .arg(fixture("prog.c")),
    );
    run_ok(
        probe_build()
            .args(["dtrace", "-G", "-s"])
            .arg(&provider)
            .arg("-o")
            .arg(scratch.path("trace.o"))
            .arg(scratch.path("prog.o")),
    );
    let prog = scratch.path("prog");
    run_ok(
        Command::new(&cc)
            .arg("-o")
            .arg(&prog)
            .arg(scratch.path("prog.o"))
            .arg(scratch.path("trace.o"))
            // Bound at start: no lazy binding writes into the data pages
            // the detach tests compare.
            .args(["-Wl,-z,now", "-lpthread", "-ldl"]),
    );
    prog
}

fn trace() -> Command {
    let mut cmd = probe_build();
    cmd.arg("trace");
    cmd
}

/// Replaces `0x...` by `0xADDR`.
fn mask_pointers(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("0x") {
        out.push_str(&rest[..at]);
        out.push_str("0xADDR");
        rest = rest[at + 2..].trim_start_matches(|c: char| c.is_ascii_hexdigit());
    }
    out.push_str(rest);
    out
}

#[test]
fn text_json_and_counts() {
    let scratch = Scratch::new("trace-out");
    let prog = build(&scratch);
    let out = run_ok(
        trace()
            .arg("--provider")
            .arg(fixture("trace.d"))
            .arg("-o")
            .arg(scratch.path("trace.txt"))
            .arg("--")
            .arg(&prog),
    );
    assert_eq!(out, "");
    let text = std::fs::read_to_string(scratch.path("trace.txt")).unwrap();
    let long = "x".repeat(64);
    let p = prog.display();
    assert_eq!(
        mask_pointers(&text),
        format!(
            "tr:ints(-1, -300, -70000, -5000000000, 250, 65000, 4000000000, 18000000000000000000)\n\
             tr:ints(-1, -300, -70000, -5000000000, 250, 65000, 4000000000, 18000000000000000000)\n\
             tr:strs(\"{p}\", \"{long}\"..., \"\")\n\
             tr:ptr(0xADDR, 0xADDR)\n\
             tr:ptr(NULL, NULL)\n\
             tr:twelve(1, -2, 3, -4, 5, -6, 7, -8, 9, -10, -9000000000, \"twelfth\")\n\
             tr:done(0)\n"
        )
    );

    let json = run_ok(
        trace()
            .args([
                "--json",
                "--strings",
                "4",
                "-n",
                "tr:strs",
                "-n",
                "tr:twelve",
                "--provider",
            ])
            .arg(fixture("trace.d"))
            .arg("--")
            .arg(&prog),
    );
    let lines: Vec<&str> = json.lines().collect();
    assert_eq!(lines.len(), 2, "{json}");
    let p4: String = p.to_string().chars().take(4).collect();
    assert!(
        lines[0].ends_with(&format!(
            r#","provider":"tr","name":"strs","args":["{p4}","xxxx",""]}}"#
        )),
        "{json}"
    );
    assert!(lines[0].starts_with(r#"{"pid":"#), "{json}");
    assert!(
        lines[1].ends_with(r#""args":[1,-2,3,-4,5,-6,7,-8,9,-10,-9000000000,"twel"]}"#),
        "{json}"
    );

    let counts = run_ok(
        trace()
            .args(["--count", "-n", "tr:t*", "--"])
            .arg(&prog)
            .args(["count", "1000"]),
    );
    assert_eq!(
        counts,
        "         0  tr:thread\n      1000  tr:tick\n         0  tr:twelve\n"
    );
    let counts = run_ok(
        trace()
            .args(["--count", "--json", "-n", "tick", "--"])
            .arg(&prog)
            .args(["count", "3"]),
    );
    assert_eq!(
        counts,
        "{\"provider\":\"tr\",\"name\":\"tick\",\"count\":3}\n"
    );
}

#[test]
fn exit_status_passes_through() {
    let scratch = Scratch::new("trace-exit");
    let prog = build(&scratch);
    let out = run(trace()
        .args(["-n", "nothing-matches", "--allow-no-probes", "--"])
        .arg(&prog)
        .args(["exit", "7"]));
    assert_eq!(out.status.code(), Some(7), "{out:?}");
    let out = run(trace().arg("--").arg(&prog).arg("kill"));
    assert_eq!(out.status.code(), Some(128 + 11), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "tr:done(0)\n");
}

/// Bad input: one line on standard error, exit 1, and the program did not
/// run (it would have created `ran`).
#[test]
fn bad_input_is_one_line_and_leaves_the_program_alone() {
    let scratch = Scratch::new("trace-bad");
    let prog = build(&scratch);
    let marker = scratch.path("ran");
    let script = scratch.write("script.sh", "#!/bin/sh\ntouch \"$1\"\n");
    run_ok(Command::new("chmod").arg("+x").arg(&script));
    let plain_c = scratch.write(
        "plain.c",
        "#include <stdio.h>\nint main(int c, char **v) { fclose(fopen(v[1], \"w\")); return 0; }\n",
    );
    let plain = scratch.path("plain");
    run_ok(Command::new("cc").arg("-o").arg(&plain).arg(&plain_c));

    let cases: Vec<(Vec<String>, String)> = vec![
        (
            vec![plain.display().to_string(), marker.display().to_string()],
            format!(
                "probe-build: error: no SDT probes in {} or the libraries it loads at start",
                plain.display()
            ),
        ),
        (
            vec![script.display().to_string(), marker.display().to_string()],
            format!(
                "probe-build: error: {}: not an ELF file (script)",
                script.display()
            ),
        ),
        (
            vec![
                "-n".into(),
                "tr:nothing*".into(),
                "--".into(),
                prog.display().to_string(),
                "touch".into(),
                marker.display().to_string(),
            ],
            format!(
                "probe-build: error: no probe in {} or the libraries it loads at start matches \
                 'tr:nothing*' (it has tr:done, tr:enabled, tr:execd, tr:forked, tr:ints, tr:ptr, \
                 tr:strs, tr:thread and 3 more)",
                prog.display()
            ),
        ),
    ];
    for (args, want) in cases {
        let mut cmd = trace();
        if args[0] != "-n" {
            cmd.arg("--");
        }
        let stderr = run_fails(cmd.args(&args), 1);
        assert_eq!(stderr.trim_end(), want);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(!marker.exists(), "{args:?}: the program ran");
    }
    // The program ran fine without the tracer.
    run_ok(Command::new(&prog).arg("touch").arg(&marker));
    assert!(marker.exists());

    let stderr = run_fails(trace().args(["-p", "999999999"]), 1);
    assert_eq!(
        stderr,
        "probe-build: error: cannot trace process 999999999: no such process\n"
    );
    let stderr = run_fails(trace().arg("--").arg(scratch.path("missing")), 1);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    run_fails(&mut trace(), 2);
    run_fails(trace().args(["-p", "1", "--", "true"]), 2);
}

/// A program started with `loop STOP`: fires `tr:tick` (and `tr:enabled`
/// while its semaphore is up) until STOP exists; prints its pid first.
fn wait_for(what: &str, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn read_pid(child: &mut Child) -> i32 {
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    line.trim()
        .parse()
        .unwrap_or_else(|_| panic!("no pid: {line:?}"))
}

fn tracer_of(pid: i32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("TracerPid:"))
        .unwrap()
        .trim()
        .to_string()
}

/// The bytes of every mapping of `file` in process `pid`, with where they
/// are.
fn mapped_bytes(pid: i32, file: &Path) -> Vec<(String, Vec<u8>)> {
    let maps = std::fs::read_to_string(format!("/proc/{pid}/maps")).unwrap();
    let memory = std::fs::File::open(format!("/proc/{pid}/mem")).unwrap();
    let file = file.canonicalize().unwrap();
    let mut out = Vec::new();
    for line in maps.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() < 6 || Path::new(fields[5]) != file {
            continue;
        }
        let (start, end) = fields[0].split_once('-').unwrap();
        let start = u64::from_str_radix(start, 16).unwrap();
        let end = u64::from_str_radix(end, 16).unwrap();
        let mut bytes = vec![0u8; (end - start) as usize];
        memory.read_exact_at(&mut bytes, start).unwrap();
        out.push((format!("{} {}", fields[0], fields[1]), bytes));
    }
    assert!(!out.is_empty(), "{} not mapped in {pid}", file.display());
    out
}

/// Kills a test's program if the test fails halfway.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Kills a process that is not our child if the test fails halfway.
struct KillPidOnDrop(i32);

impl Drop for KillPidOnDrop {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg("-KILL")
            .arg(self.0.to_string())
            .stderr(Stdio::null())
            .status();
    }
}

fn signal(pid: u32, name: &str) {
    run_ok(
        Command::new("kill")
            .arg(format!("-{name}"))
            .arg(pid.to_string()),
    );
}

#[test]
fn ctrl_c_detaches_from_an_attached_process_and_restores_every_byte() {
    let scratch = Scratch::new("trace-attach");
    let prog = build(&scratch);
    let stop = scratch.path("stop");
    let mut program = KillOnDrop(
        Command::new(&prog)
            .arg("loop")
            .arg(&stop)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let pid = read_pid(&mut program.0);
    let before = mapped_bytes(pid, &prog);

    let output = scratch.path("trace.txt");
    let mut tracer = KillOnDrop(
        trace()
            .arg("-p")
            .arg(pid.to_string())
            .arg("-o")
            .arg(&output)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let enabled = || {
        std::fs::read_to_string(&output)
            .unwrap_or_default()
            .contains("tr:enabled(2)\n")
    };
    // The semaphore is up (TR_ENABLED_ENABLED() is true) and ticks come in.
    wait_for("tr:enabled(2) from the attached program", enabled);
    let during = mapped_bytes(pid, &prog);
    assert_ne!(before, during, "no breakpoint or semaphore in memory");

    signal(tracer.0.id(), "INT");
    let status = tracer.0.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    let mut stderr = String::new();
    std::io::Read::read_to_string(tracer.0.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    assert_eq!(stderr, "");
    assert_eq!(tracer_of(pid), "0");
    let after = mapped_bytes(pid, &prog);
    for ((place, a), (_, b)) in before.iter().zip(&after) {
        assert!(a == b, "{place}: differs after detaching");
    }
    assert_eq!(before.len(), after.len());
    let text = std::fs::read_to_string(&output).unwrap();
    let ticks: Vec<i64> = text
        .lines()
        .filter_map(|l| l.strip_prefix("tr:tick(")?.strip_suffix(')')?.parse().ok())
        .collect();
    assert!(!ticks.is_empty());
    assert!(ticks.windows(2).all(|w| w[1] == w[0] + 1), "ticks missed");

    // The program goes on, untraced, and ends normally.
    std::fs::write(&stop, "").unwrap();
    assert!(program.0.wait().unwrap().success());
}

#[test]
fn ctrl_c_detaches_from_a_started_program_which_then_exits_with_its_status() {
    let scratch = Scratch::new("trace-started");
    let prog = build(&scratch);
    let stop = scratch.path("stop");
    let output = scratch.path("trace.txt");
    let mut tracer = KillOnDrop(
        trace()
            .arg("-o")
            .arg(&output)
            .arg("--")
            .arg(&prog)
            .arg("loop")
            .arg(&stop)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let pid = read_pid(&mut tracer.0);
    let _program = KillPidOnDrop(pid);
    wait_for("tr:enabled(2) from the started program", || {
        std::fs::read_to_string(&output)
            .unwrap_or_default()
            .contains("tr:enabled(2)\n")
    });
    signal(tracer.0.id(), "INT");
    wait_for("the tracer to detach", || tracer_of(pid) == "0");
    // Code as in the file, semaphores down again: mapped from file offset
    // 0 on, each page is the file's (the text has no relocations; the
    // .probes section holds only the semaphores).
    let file = std::fs::read(&prog).unwrap();
    let elf = object::File::parse(&*file).unwrap();
    use object::{Object, ObjectSection};
    let probes = elf.section_by_name(".probes").unwrap();
    let text = elf.section_by_name(".text").unwrap();
    let maps = mapped_bytes(pid, &prog);
    let start = u64::from_str_radix(maps[0].0.split('-').next().unwrap(), 16).unwrap();
    // A PIE is linked at 0; a position-dependent program where it runs.
    let base = if elf.kind() == object::ObjectKind::Dynamic {
        start
    } else {
        0
    };
    let memory = std::fs::File::open(format!("/proc/{pid}/mem")).unwrap();
    for section in [text, probes] {
        let mut bytes = vec![0u8; section.size() as usize];
        memory
            .read_exact_at(&mut bytes, base + section.address())
            .unwrap();
        assert!(
            bytes == section.data().unwrap(),
            "{:?} differs",
            section.name()
        );
    }
    std::fs::write(&stop, "").unwrap();
    let status = tracer.0.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

/// As root: the tracer dropped to user `nobody` traces a program it starts,
/// and may not attach to root's processes. As another user: the same
/// without dropping anything.
#[test]
#[ignore = "system tier: needs root (to become nobody with setpriv)"]
fn unprivileged_user() {
    let scratch = Scratch::new("trace-nobody");
    let prog = build(&scratch);
    let root = Command::new("id").arg("-u").output().unwrap().stdout == b"0\n";
    let as_user = |args: &[&std::ffi::OsStr]| -> std::process::Output {
        if root {
            let copy = scratch.path("probe-build");
            std::fs::copy(probe_build_path(), &copy).unwrap();
            run_ok(
                Command::new("chmod")
                    .arg("-R")
                    .arg("a+rX")
                    .arg(&scratch.dir),
            );
            // /tmp's parents may be closed to others: the test's scratch
            // folder is under the system temporary folder.
            let mut cmd = Command::new("setpriv");
            cmd.args(["--reuid=nobody", "--regid=nogroup", "--clear-groups"])
                .arg(&copy)
                .arg("trace");
            cmd.args(args);
            run(&mut cmd)
        } else {
            run(trace().args(args))
        }
    };
    if root && Command::new("setpriv").arg("--version").output().is_err() {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("setpriv is missing (util-linux)");
        }
        eprintln!("skip: setpriv is missing (util-linux)");
        return;
    }
    let out = as_user(&[
        "-n".as_ref(),
        "tr:twelve".as_ref(),
        "--".as_ref(),
        prog.as_os_str(),
    ]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "tr:twelve(1, -2, 3, -4, 5, -6, 7, -8, 9, -10, -9000000000, \"twelfth\")\n"
    );
    // PID 1 belongs to root.
    let out = as_user(&["-p".as_ref(), "1".as_ref()]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("probe-build: error: cannot trace process 1: Operation not permitted ("),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}
