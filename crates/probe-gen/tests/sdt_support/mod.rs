//! Shared helpers for the `sdt_*` integration tests: models from provider-file text,
//! temporary build folders, compilers, readelf, gdb, bpftrace and our own
//! tracer.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use probe_provider::ProviderFile;

/// A probe: its name and its argument types.
pub type ProbeSpec<'a> = (&'a str, &'a [&'a str]);

/// A provider file from `(provider, [(probe, [arg types])])`, written as
/// provider-file text and parsed by the real parser.
pub fn model(providers: &[(&str, &[ProbeSpec])]) -> ProviderFile {
    let mut text = String::new();
    for (name, probes) in providers {
        text += &format!("provider {name} {{\n");
        for (probe, args) in probes.iter() {
            text += &format!("  probe {probe}({});\n", args.join(", "));
        }
        text += "};\n";
    }
    probe_provider::parse_str("test.d", &text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// C source defining every semaphore of `file` the way the `-G` object does.
pub fn semaphores_c(file: &ProviderFile) -> String {
    let mut s = String::new();
    for p in &file.providers {
        for probe in &p.probes {
            s += &format!(
                "__attribute__((used, visibility(\"hidden\"), section(\".probes\"))) unsigned short {};\n",
                probe_target::names::sdt::semaphore_name(p, probe)
            );
        }
    }
    s
}

/// A fresh folder under the target directory (kept for post-mortems).
pub fn workdir(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let dir = base.join(format!(
        "{}-{}-{}",
        name,
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// Runs a command with a timeout; panics with its output when it fails.
pub fn run(cmd: &mut Command) -> String {
    let out = run_raw(cmd, Duration::from_secs(120));
    if !out.status.success() {
        panic!(
            "command failed ({}): {:?}\n--- stdout\n{}\n--- stderr\n{}",
            out.status,
            cmd,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

pub fn run_raw(cmd: &mut Command, timeout: Duration) -> Output {
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {:?}: {e} (run scripts/install-deps)", cmd));
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(timeout) {
        Ok(out) => out.unwrap(),
        Err(_) => {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            panic!("timed out after {timeout:?}: {:?}", cmd);
        }
    }
}

/// Compiles and links `sources` into `out` with `compiler` and `flags`.
pub fn build(compiler: &str, dir: &Path, sources: &[&Path], flags: &[&str], out: &str) -> PathBuf {
    let exe = dir.join(out);
    let mut cmd = Command::new(compiler);
    cmd.current_dir(dir)
        .args(flags)
        .args(sources)
        .arg("-o")
        .arg(&exe);
    run(&mut cmd);
    exe
}

/// One stapsdt note as readelf shows it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Note {
    pub provider: String,
    pub name: String,
    pub location: u64,
    pub base: u64,
    pub semaphore: u64,
    /// The full argument strings, e.g. `-4@%edi`.
    pub args: Vec<String>,
}

impl Note {
    /// The argument sizes with sign and float marker (`-4`, `8`, `8f`).
    pub fn sizes(&self) -> Vec<String> {
        self.args
            .iter()
            .map(|a| a.split('@').next().unwrap().to_string())
            .collect()
    }
}

pub fn notes_with(readelf: &str, file: &Path) -> Vec<Note> {
    let text = run(Command::new(readelf).arg("-n").arg("--wide").arg(file));
    parse_notes(&text)
}

pub fn notes(file: &Path) -> Vec<Note> {
    notes_with("readelf", file)
}

/// Splits a note's argument text at spaces outside brackets: aarch64 and
/// arm memory operands read `[sp, 56]`.
pub fn split_args(text: &str) -> Vec<String> {
    let mut args: Vec<String> = Vec::new();
    let mut depth = 0i32;
    for word in text.split_whitespace() {
        if depth > 0 {
            let last = args.last_mut().unwrap();
            last.push(' ');
            last.push_str(word);
        } else {
            args.push(word.to_string());
        }
        depth += word.matches('[').count() as i32 - word.matches(']').count() as i32;
    }
    args
}

pub fn parse_notes(text: &str) -> Vec<Note> {
    let mut notes = Vec::new();
    let mut cur: Option<Note> = None;
    let hex = |s: &str| u64::from_str_radix(s.trim().trim_start_matches("0x"), 16).unwrap_or(0);
    for line in text.lines() {
        let l = line.trim();
        if l.starts_with("stapsdt") {
            if let Some(n) = cur.take() {
                notes.push(n);
            }
            let provider = l
                .split("Provider: ")
                .nth(1)
                .unwrap_or("")
                .trim()
                .to_string();
            cur = Some(Note {
                provider,
                name: String::new(),
                location: 0,
                base: 0,
                semaphore: 0,
                args: vec![],
            });
        } else if let Some(n) = cur.as_mut() {
            if let Some(v) = l.strip_prefix("Provider: ") {
                n.provider = v.to_string();
            } else if let Some(v) = l.strip_prefix("Name: ") {
                n.name = v.to_string();
            } else if let Some(v) = l.strip_prefix("Location: ") {
                // "Location: 0x..., Base: 0x..., Semaphore: 0x..."
                for part in v.split(", ") {
                    if let Some(x) = part.strip_prefix("Base: ") {
                        n.base = hex(x);
                    } else if let Some(x) = part.strip_prefix("Semaphore: ") {
                        n.semaphore = hex(x);
                    } else {
                        n.location = hex(part);
                    }
                }
            } else if let Some(v) = l.strip_prefix("Arguments:") {
                n.args = split_args(v);
            }
        }
    }
    if let Some(n) = cur.take() {
        notes.push(n);
    }
    notes
}

/// Runs `exe` under gdb, stopping at each listed probe and printing its
/// arguments; returns one line per hit: `provider:name a0 a1 ...`.
/// Each probe's format string says how to print each argument (`d` signed,
/// `u` unsigned, `s` string, `x` hex). With `remote`, gdb attaches to a
/// gdbserver (qemu-user `-g PORT`) on that port instead of running `exe`.
pub fn gdb_probe_values(
    gdb: &str,
    exe: &Path,
    probes: &[(&str, &str)],
    remote: Option<u16>,
) -> Vec<String> {
    let mut script =
        String::from("set pagination off\nset confirm off\nset breakpoint pending on\n");
    for (probe, fmt) in probes {
        script += &format!("break -probe-stap {probe}\ncommands\nsilent\n");
        let mut line = format!("printf \"HIT {probe}");
        let mut vals = String::new();
        for (k, c) in fmt.chars().enumerate() {
            match c {
                'd' => {
                    line += " %lld";
                    vals += &format!(", (long long) $_probe_arg{k}");
                }
                'u' => {
                    line += " %llu";
                    vals += &format!(", (unsigned long long) $_probe_arg{k}");
                }
                's' => {
                    line += " %s";
                    vals += &format!(", (char *) $_probe_arg{k}");
                }
                'x' => {
                    line += " 0x%llx";
                    vals += &format!(", (unsigned long long) $_probe_arg{k}");
                }
                _ => panic!("bad format {c}"),
            }
        }
        script += &format!("{line}\\n\"{vals}\ncontinue\nend\n");
    }
    match remote {
        None => script += "run\n",
        Some(port) => {
            script += &format!("set tcp connect-timeout 10\ntarget remote :{port}\ncontinue\n")
        }
    }
    script += "quit\n";
    let dir = exe.parent().unwrap();
    let sp = write(
        dir,
        &format!("{}.gdb", exe.file_name().unwrap().to_string_lossy()),
        &script,
    );
    let out = run_raw(
        Command::new(gdb)
            .arg("-nx")
            .arg("-batch")
            .arg("-x")
            .arg(&sp)
            .arg(exe),
        Duration::from_secs(120),
    );
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    let hits: Vec<String> = text
        .lines()
        .filter_map(|l| l.strip_prefix("HIT "))
        .map(str::to_string)
        .collect();
    if hits.is_empty() {
        eprintln!("gdb printed no hits; its output:\n{text}");
    }
    hits
}

/// Runs `exe` under our own tracer (`probe-trace`, what `probe-build trace`
/// runs), with the arguments typed by `file`, and returns one line per
/// hit: `provider:name("text", -1, 0x7ffd5a3c)`.
pub fn trace_hits(exe: &Path, file: &ProviderFile) -> Vec<String> {
    use probe_trace::{ArgKind, Options, Target};

    struct Lines(Vec<String>);
    impl probe_trace::Sink for Lines {
        fn hit(&mut self, hit: &probe_trace::Hit<'_>) -> std::io::Result<()> {
            self.0.push(probe_trace::format::text_line(hit));
            Ok(())
        }
    }

    let mut options = Options::default();
    for provider in &file.providers {
        for probe in &provider.probes {
            let kinds = probe
                .args
                .iter()
                .map(|arg| match arg.ty.class {
                    probe_provider::TypeClass::String => ArgKind::String,
                    probe_provider::TypeClass::Pointer => ArgKind::Pointer,
                    _ => ArgKind::Integer,
                })
                .collect();
            options
                .arg_kinds
                .insert((provider.name.clone(), probe.name.clone()), kinds);
        }
    }
    let target = Target::Run {
        program: exe.to_path_buf(),
        args: Vec::new(),
    };
    let mut lines = Lines(Vec::new());
    let outcome = probe_trace::trace(&target, &options, &mut lines)
        .unwrap_or_else(|e| panic!("cannot trace {}: {e}", exe.display()));
    assert_eq!(
        outcome,
        probe_trace::Outcome::Exited(0),
        "{}: {:?}",
        exe.display(),
        lines.0
    );
    lines.0
}

/// The tracefs mount bpftrace needs.
pub fn ensure_tracefs() {
    if !Path::new("/sys/kernel/tracing/events").exists() {
        let _ = Command::new("mount")
            .args(["-t", "tracefs", "nodev", "/sys/kernel/tracing"])
            .status();
    }
}

/// Runs `program` (a bpftrace script) with `exe` as its child (`-c`),
/// returning bpftrace's output.
pub fn bpftrace(program: &str, exe: &Path) -> String {
    ensure_tracefs();
    let out = run_raw(
        Command::new("bpftrace")
            .arg("-e")
            .arg(program)
            .arg("-c")
            .arg(exe),
        Duration::from_secs(120),
    );
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "bpftrace failed: {text}");
    text
}

/// Starts `exe` (which waits for `PROBE_WAIT_FILE` after printing `ready`),
/// attaches bpftrace by pid, lets the program run, and returns bpftrace's
/// output followed by the program's. Needed for probes in shared libraries
/// whose semaphores bpftrace can only set once the library is mapped.
pub fn bpftrace_pid(program: &str, exe: &Path) -> String {
    use std::io::{BufRead, BufReader, Read};
    ensure_tracefs();
    let dir = exe.parent().unwrap();
    let flag = dir.join(format!("go-{}", std::process::id()));
    let _ = std::fs::remove_file(&flag);
    let mut app = Command::new(exe)
        .env("PROBE_WAIT_FILE", &flag)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut app_out = BufReader::new(app.stdout.take().unwrap());
    let mut line = String::new();
    app_out.read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "ready");
    let mut tracer = Command::new("bpftrace")
        .arg("-p")
        .arg(app.id().to_string())
        .arg("-e")
        .arg(program)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut tout = BufReader::new(tracer.stdout.take().unwrap());
    let mut text = String::new();
    let start = std::time::Instant::now();
    loop {
        let mut l = String::new();
        if tout.read_line(&mut l).unwrap() == 0 || start.elapsed() > Duration::from_secs(60) {
            break;
        }
        text += &l;
        if l.starts_with("Attaching") {
            break;
        }
    }
    std::thread::sleep(Duration::from_millis(500));
    std::fs::write(&flag, "").unwrap();
    let mut rest = String::new();
    app_out.read_to_string(&mut rest).unwrap();
    let _ = app.wait();
    let (tx, rx) = std::sync::mpsc::channel();
    let tid = tracer.id();
    std::thread::spawn(move || {
        let mut s = String::new();
        let _ = tout.read_to_string(&mut s);
        let _ = tx.send(s);
    });
    let tail = rx
        .recv_timeout(Duration::from_secs(30))
        .unwrap_or_else(|_| {
            let _ = Command::new("kill").arg("-9").arg(tid.to_string()).status();
            String::from("(bpftrace did not exit)")
        });
    let mut err = String::new();
    let _ = tracer.stderr.take().unwrap().read_to_string(&mut err);
    let _ = tracer.wait();
    text + &tail + &err + &rest
}
