//! The tracer on real programs: C built with the project's header and stub
//! object, and Rust built with its generated module, traced in this
//! process; every value read back is compared with what the program
//! passed.

mod common;

use std::process::Command;

use common::*;
use probe_trace::{Filter, Options, Outcome, Target, TraceError, Value};

fn typed() -> Options {
    Options {
        arg_kinds: kinds_from(&fixture("trace.d")),
        ..Options::default()
    }
}

fn ints_first() -> Vec<Value> {
    use Value::*;
    vec![
        Signed(-1),
        Signed(-300),
        Signed(-70000),
        Signed(-5_000_000_000),
        Unsigned(250),
        Unsigned(65000),
        Unsigned(4_000_000_000),
        Unsigned(18_000_000_000_000_000_000),
    ]
}

/// The second site passes literals: 250 and 65000 are `int`s there.
fn ints_second() -> Vec<Value> {
    let mut values = ints_first();
    values[4] = Value::Signed(250);
    values[5] = Value::Signed(65000);
    values
}

fn check_args_mode(events: &Collect, typed: bool) {
    let ints = events.of("tr:ints");
    assert_eq!(ints.len(), 2, "{:?}", events.events);
    assert_eq!(ints[0].args, ints_first());
    assert_eq!(ints[1].args, ints_second());

    let strs = events.of("tr:strs");
    assert_eq!(strs.len(), 1);
    let args = without_addresses(&strs[0].args);
    assert!(
        matches!(&args[0], Value::String { bytes, truncated: false, .. } if bytes.ends_with(b"/prog")),
        "{args:?}"
    );
    assert_eq!(
        args[1],
        Value::String {
            bytes: vec![b'x'; 64],
            truncated: true,
            address: 0
        }
    );
    if typed {
        assert_eq!(args[2], string(""));
    } else {
        // Guessing needs two characters: an empty string is a pointer.
        assert!(matches!(args[2], Value::Pointer(p) if p != 0), "{args:?}");
    }

    let ptr = events.of("tr:ptr");
    assert_eq!(ptr.len(), 2);
    let Value::Pointer(global) = ptr[0].args[0] else {
        panic!("{:?}", ptr[0].args)
    };
    assert_ne!(global, 0);
    assert_eq!(
        ptr[0].args,
        [Value::Pointer(global), Value::Pointer(global)]
    );
    let null = if typed {
        Value::Pointer(0)
    } else {
        Value::Unsigned(0)
    };
    assert_eq!(ptr[1].args, [null.clone(), null]);

    let twelve = events.of("tr:twelve");
    assert_eq!(twelve.len(), 1);
    let mut want: Vec<Value> = [1, -2, 3, -4, 5, -6, 7, -8, 9, -10, -9_000_000_000]
        .into_iter()
        .map(Value::Signed)
        .collect();
    want.push(string("twelfth"));
    assert_eq!(without_addresses(&twelve[0].args), want);

    assert_eq!(events.of("tr:done").len(), 1);
    assert_eq!(events.of("tr:done")[0].args, [Value::Signed(0)]);
    assert!(events.warnings.is_empty(), "{:?}", events.warnings);
}

#[test]
fn arguments_of_every_size_and_sign_at_o0_and_o2() {
    for optimize in ["-O0", "-O2"] {
        let built = build_c("args", optimize);
        let (outcome, events) = trace(&built.prog, &[], &typed());
        assert_eq!(outcome, Outcome::Exited(0));
        check_args_mode(&events, true);
        for event in &events.events {
            assert_eq!(event.pid, event.tid);
        }
    }
}

#[test]
fn arguments_without_the_provider_file() {
    let built = build_c("guess", "-O2");
    let (_, events) = trace(&built.prog, &[], &Options::default());
    check_args_mode(&events, false);
}

#[test]
fn strings_are_cut_at_the_window() {
    let built = build_c("window", "-O2");
    let options = Options {
        string_bytes: 3,
        ..typed()
    };
    let (_, events) = trace(&built.prog, &[], &options);
    let strs = without_addresses(&events.of("tr:strs")[0].args);
    assert_eq!(
        strs[1],
        Value::String {
            bytes: b"xxx".to_vec(),
            truncated: true,
            address: 0
        }
    );
    assert_eq!(strs[2], string(""));
}

#[test]
fn semaphores_are_raised_only_while_traced() {
    let built = build_c("enabled", "-O2");
    let plain = run(Command::new(&built.prog).arg("enabled"));
    assert_eq!(plain, "enabled=0\n");
    let (_, events) = trace(&built.prog, &["enabled"], &Options::default());
    assert_eq!(events.of("tr:enabled").len(), 1, "{:?}", events.events);
    assert_eq!(events.of("tr:enabled")[0].args, [Value::Signed(1)]);
    // Not traced (filtered out): its semaphore stays down.
    let options = Options {
        filter: Filter::new(&["tr:done"]),
        ..Options::default()
    };
    let (_, events) = trace(&built.prog, &["enabled"], &options);
    assert!(events.of("tr:enabled").is_empty());
    assert_eq!(events.of("tr:done").len(), 1);
}

#[test]
fn threads() {
    let built = build_c("threads", "-O2");
    let (outcome, events) = trace(&built.prog, &["threads", "16"], &Options::default());
    assert_eq!(outcome, Outcome::Exited(0));
    let mut threads = events.of("tr:thread");
    assert_eq!(threads.len(), 16);
    threads.sort_by_key(|e| signed(&e.args[0]));
    let main = events.of("tr:done")[0].pid;
    let mut tids = std::collections::HashSet::new();
    for (n, event) in threads.iter().enumerate() {
        let n = n as i64 + 1;
        assert_eq!(event.args, [Value::Signed(n), Value::Signed(n * 10)]);
        assert_eq!(event.pid, main);
        assert_ne!(event.tid, main);
        assert!(tids.insert(event.tid));
    }
}

fn signed(value: &Value) -> i64 {
    match value {
        Value::Signed(v) => *v,
        other => panic!("not signed: {other:?}"),
    }
}

#[test]
fn forked_children_are_traced() {
    let built = build_c("fork", "-O2");
    let (outcome, events) = trace(&built.prog, &["fork"], &Options::default());
    assert_eq!(outcome, Outcome::Exited(0));
    let forked = events.of("tr:forked");
    assert_eq!(forked.len(), 2, "{:?}", events.events);
    let parent = events.of("tr:done")[0].pid;
    let child = signed(&forked[0].args[1]) as i32;
    assert_eq!(forked[0].args[0], Value::Signed(1));
    assert_eq!(forked[0].pid, child);
    assert_ne!(child, parent);
    assert_eq!(
        forked[1].args,
        [Value::Signed(0), Value::Signed(child.into())]
    );
    assert_eq!(forked[1].pid, parent);
    let who: Vec<(i32, Vec<Value>)> = events
        .of("tr:whoami")
        .iter()
        .map(|e| (e.pid, without_addresses(&e.args)))
        .collect();
    assert_eq!(
        who,
        [
            (child, vec![string("child")]),
            (parent, vec![string("parent")])
        ]
    );
}

#[test]
fn exec_is_followed() {
    let built = build_c("exec", "-O2");
    let (outcome, events) = trace(&built.prog, &["exec"], &Options::default());
    assert_eq!(outcome, Outcome::Exited(0));
    let probes: Vec<&str> = events.events.iter().map(|e| e.probe.as_str()).collect();
    // The exec'd image's probes are traced: `done` from "prog done".
    assert_eq!(probes, ["tr:execd", "tr:done"]);
    assert_eq!(events.events[0].pid, events.events[1].pid);
}

#[test]
fn vfork_then_exec() {
    let built = build_c("spawn", "-O2");
    let (outcome, events) = trace(&built.prog, &["spawn"], &Options::default());
    assert_eq!(outcome, Outcome::Exited(0));
    let done = events.of("tr:done");
    assert_eq!(done.len(), 3, "{:?}", events.events);
    let parent = done[2].pid;
    assert_eq!(done[0].args, [Value::Signed(0)]);
    assert_ne!(done[0].pid, parent);
    assert_eq!(done[1].args, [Value::Signed(1)]);
    assert_eq!(done[1].pid, parent);
}

#[test]
fn libraries_loaded_with_dlopen() {
    let built = build_c("dlopen", "-O2");
    let lib = built.lib.to_str().unwrap();
    let (outcome, events) = trace(&built.prog, &["dlopen", lib], &typed());
    assert_eq!(outcome, Outcome::Exited(0));
    let hits = events.of("tr:lib");
    assert_eq!(hits.len(), 2, "{:?} {:?}", events.events, events.warnings);
    assert_eq!(
        without_addresses(&hits[0].args),
        [string("from the library"), Value::Signed(7)]
    );
    assert_eq!(
        without_addresses(&hits[1].args),
        [string("again"), Value::Signed(8)]
    );
}

#[test]
fn exit_status_and_signals_pass_through() {
    let built = build_c("exit", "-O2");
    let (outcome, events) = trace(&built.prog, &["exit", "7"], &Options::default());
    assert_eq!(outcome, Outcome::Exited(7));
    assert_eq!(events.of("tr:done")[0].args, [Value::Signed(7)]);
    let (outcome, _) = trace(&built.prog, &["kill"], &Options::default());
    assert_eq!(outcome, Outcome::Signaled(libc::SIGSEGV));
    assert_eq!(outcome.exit_code(), 128 + 11);
    // The program's own SIGTRAP is its own.
    let (outcome, events) = trace(&built.prog, &["trap"], &Options::default());
    assert_eq!(outcome, Outcome::Exited(0));
    assert_eq!(events.of("tr:done")[0].args, [Value::Signed(5)]);
}

#[test]
fn filters_choose_the_breakpoints() {
    let built = build_c("filter", "-O2");
    let options = Options {
        filter: Filter::new(&["tr:t*", "done"]),
        ..Options::default()
    };
    let (_, events) = trace(&built.prog, &[], &options);
    let probes: Vec<&str> = events.events.iter().map(|e| e.probe.as_str()).collect();
    assert_eq!(probes, ["tr:twelve", "tr:done"]);
    let mut installed = events.installed.clone();
    installed.sort();
    assert_eq!(installed, ["tr:done", "tr:thread", "tr:tick", "tr:twelve"]);
}

#[test]
fn nothing_to_trace_is_an_error_and_the_program_does_not_run() {
    let built = build_c("nothing", "-O2");
    let marker = built.dir.join("ran");
    let options = Options {
        filter: Filter::new(&["nomatch:*"]),
        ..Options::default()
    };
    let target = Target::Run {
        program: built.prog.clone(),
        args: vec!["touch".into(), marker.clone().into()],
    };
    let error = probe_trace::trace(&target, &options, &mut Collect::default()).unwrap_err();
    assert!(matches!(error, TraceError::NoMatch { .. }), "{error:?}");
    let message = error.to_string();
    assert!(
        message.starts_with(&format!(
            "no probe in {} or the libraries it loads at start matches 'nomatch:*' (it has tr:done, ",
            built.prog.display()
        )),
        "{message}"
    );
    assert!(!marker.exists(), "the program ran");

    // A program with no probes at all.
    let plain = built.dir.join("plain");
    std::fs::write(built.dir.join("plain.c"), "int main(void) { return 0; }\n").unwrap();
    run(cc().arg("-o").arg(&plain).arg(built.dir.join("plain.c")));
    let target = Target::Run {
        program: plain.clone(),
        args: vec![],
    };
    let error =
        probe_trace::trace(&target, &Options::default(), &mut Collect::default()).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "no SDT probes in {} or the libraries it loads at start",
            plain.display()
        )
    );
    // Unless told to wait for libraries loaded later.
    let options = Options {
        allow_no_probes: true,
        ..Options::default()
    };
    let outcome = probe_trace::trace(&target, &options, &mut Collect::default()).unwrap();
    assert_eq!(outcome, Outcome::Exited(0));

    // Not ELF.
    let script = built.dir.join("script.sh");
    std::fs::write(&script, "#!/bin/sh\ntouch \"$1\"\n").unwrap();
    let target = Target::Run {
        program: script.clone(),
        args: vec![marker.clone().into()],
    };
    let error =
        probe_trace::trace(&target, &Options::default(), &mut Collect::default()).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("{}: not an ELF file (script)", script.display())
    );
    assert!(!marker.exists());
}

#[test]
fn rust_program() {
    let dir = scratch("rust");
    let output = probe_build::Build::new()
        .file(fixture("trace.d"))
        .target(&format!("{}-unknown-linux-gnu", std::env::consts::ARCH))
        .out_dir(&dir)
        .cargo_metadata(false)
        .try_compile()
        .unwrap();
    let prog = dir.join("rust_prog");
    run(
        Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
            .env("PROBES_MODULE", &output.module)
            .args(["--edition", "2021", "-C", "opt-level=2", "-o"])
            .arg(&prog)
            .arg(fixture("rust_prog.rs")),
    );
    let (outcome, events) = trace(&prog, &[], &typed());
    assert_eq!(outcome, Outcome::Exited(0));
    assert_eq!(events.of("tr:ints")[0].args, ints_first());
    assert_eq!(
        without_addresses(&events.of("tr:strs")[0].args),
        [string("from rust"), string("a C string"), string("")]
    );
    let ptr = &events.of("tr:ptr")[0].args;
    assert!(matches!(ptr[0], Value::Pointer(p) if p != 0));
    assert_eq!(ptr[0], ptr[1]);
    let mut want: Vec<Value> = [1, -2, 3, -4, 5, -6, 7, -8, 9, -10, -9_000_000_000]
        .into_iter()
        .map(Value::Signed)
        .collect();
    want.push(string("twelfth"));
    assert_eq!(without_addresses(&events.of("tr:twelve")[0].args), want);
    // enabled_if_enabled: fired because the tracer raised the semaphore.
    assert_eq!(events.of("tr:enabled")[0].args, [Value::Signed(1)]);

    let (_, events) = trace(&prog, &["threads"], &typed());
    let mut threads: Vec<i64> = events
        .of("tr:thread")
        .iter()
        .map(|e| signed(&e.args[0]))
        .collect();
    threads.sort();
    assert_eq!(threads, [1, 2, 3, 4]);
    let _ = std::fs::remove_dir_all(dir);
}

/// A 32-bit x86 program under the x86_64 tracer (static: no i386 dynamic
/// linker is installed here).
#[test]
#[ignore = "system tier: needs i686-linux-gnu-gcc"]
fn i386_program() {
    let compiler = "i686-linux-gnu-gcc";
    if Command::new(compiler).arg("--version").output().is_err() {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "{compiler} is missing"
        );
        eprintln!("skip: {compiler} is not installed");
        return;
    }
    let built = build_c_for(
        "i386",
        "-O2",
        Command::new(compiler),
        Some("i686-linux-gnu"),
    );
    let (outcome, events) = trace(&built.prog, &[], &typed());
    assert_eq!(outcome, Outcome::Exited(0));
    // long is 32 bits: the C code truncates -5000000000 to -705032704 and
    // -9000000000 to -410065408; the literal stays a long long.
    let mut ints = ints_first();
    ints[3] = Value::Signed(-705_032_704);
    assert_eq!(events.of("tr:ints")[0].args, ints);
    assert_eq!(events.of("tr:ints")[1].args, ints_second());
    let mut want: Vec<Value> = [1, -2, 3, -4, 5, -6, 7, -8, 9, -10, -410_065_408]
        .into_iter()
        .map(Value::Signed)
        .collect();
    want.push(string("twelfth"));
    assert_eq!(without_addresses(&events.of("tr:twelve")[0].args), want);
    let strs = without_addresses(&events.of("tr:strs")[0].args);
    assert!(matches!(&strs[0], Value::String { bytes, .. } if bytes.ends_with(b"/prog")));
    assert_eq!(strs[2], string(""));
    let (_, events) = trace(&built.prog, &["threads", "3"], &Options::default());
    assert_eq!(events.of("tr:thread").len(), 3);
    let (_, events) = trace(&built.prog, &["fork"], &Options::default());
    assert_eq!(events.of("tr:whoami").len(), 2);
    assert!(events.warnings.is_empty(), "{:?}", events.warnings);
}
