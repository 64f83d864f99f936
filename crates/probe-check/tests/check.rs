//! `Sites` and `Trace` on a C program built with the header and stub object
//! `probe-build dtrace -h/-G` write: what passes, and what each failure
//! says.

use std::path::{Path, PathBuf};
use std::process::Command;

use probe_check::{Error, Outcome, Sites, Trace, Value};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// `tests/fixtures/check.c` built into `NAME/prog` under the test's
/// scratch folder; with `probes: false`, without any probe.
fn build(name: &str, probes: bool) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = probe_provider::parse_file(fixture("check.d")).unwrap();
    let header = if probes {
        probe_gen::sdt_header::generate(&file, &Default::default())
    } else {
        probe_gen::disabled_header::generate(&file)
    };
    std::fs::write(dir.join("check.h"), header).unwrap();
    let stub =
        probe_gen::stub_object::generate(&file, &probe_target::ElfTarget::host().unwrap()).unwrap();
    std::fs::write(dir.join("check.o"), stub).unwrap();
    let prog = dir.join("prog");
    let compiler = std::env::var("CC").unwrap_or_else(|_| "cc".to_string());
    let out = Command::new(&compiler)
        .args(["-O2", "-Wall", "-Werror", "-I"])
        .arg(&dir)
        .arg("-o")
        .arg(&prog)
        .arg(fixture("check.c"))
        .arg(dir.join("check.o"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run {compiler}: {e}"));
    assert!(
        out.status.success(),
        "{compiler}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    prog
}

#[test]
fn sites_name_each_probe_without_one_and_the_file() {
    let prog = build("sites", true);
    let d = fixture("check.d");
    let error = Sites::new().file(&d).try_check(&prog).unwrap_err();
    let Error::NoSite {
        linked,
        no_probes_at_all,
        missing,
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(linked, &prog);
    assert!(!no_probes_at_all);
    let names: Vec<(&str, &str)> = missing
        .iter()
        .map(|m| (m.provider.as_str(), m.probe.as_str()))
        .collect();
    assert_eq!(names, [("chk", "spare"), ("other", "spare")]);
    assert_eq!(
        error.to_string(),
        format!(
            "{d}:6:11: error: probe chk:spare has no site in {prog}\n     probe spare();\n           ^\n\
             {d}:10:11: error: probe other:spare has no site in {prog}\n     probe spare();\n           ^\n\
             probe-check: 2 declared probes have no site in {prog}; a probe left without a site \
             on purpose goes in Sites::unused(\"chk:spare\")",
            d = d.display(),
            prog = prog.display()
        )
    );

    // Listed as unused on purpose, they pass; the probes that fire need no
    // listing.
    Sites::new()
        .file(&d)
        .unused("chk:spare")
        .unused("other:spare")
        .check(&prog);
    // One left: still an error, about that one only.
    let error = Sites::new()
        .file(&d)
        .unused("other:spare")
        .try_check(&prog)
        .unwrap_err();
    assert!(
        matches!(&error, Error::NoSite { missing, .. } if missing.len() == 1 && missing[0].provider == "chk"),
        "{error:?}"
    );
}

#[test]
fn check_panics_with_the_message() {
    let prog = build("sites-panic", true);
    let result = std::panic::catch_unwind(|| Sites::new().file(fixture("check.d")).check(&prog));
    let message = result.unwrap_err();
    let message = message.downcast_ref::<String>().unwrap();
    assert!(
        message.contains("error: probe chk:spare has no site in "),
        "{message}"
    );
}

#[test]
fn unused_must_name_one_declared_probe() {
    let prog = build("sites-unused", true);
    let d = fixture("check.d");
    let error = Sites::new()
        .file(&d)
        .unused("chk:gone")
        .try_check(&prog)
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "probe-check: Sites::unused(\"chk:gone\"): {} declares no such probe",
            d.display()
        )
    );
    let error = Sites::new()
        .file(&d)
        .unused("spare")
        .try_check(&prog)
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "probe-check: Sites::unused(\"spare\"): several providers declare it; write \"PROVIDER:spare\""
    );
    // A name alone is enough when one provider declares it.
    let error = Sites::new()
        .file(&d)
        .unused("start")
        .try_check(&prog)
        .unwrap_err();
    assert!(matches!(error, Error::NoSite { .. }), "{error:?}");
}

#[test]
fn a_file_without_probes_says_they_may_be_compiled_out() {
    let prog = build("sites-none", false);
    let error = Sites::new()
        .file(fixture("check.d"))
        .try_check(&prog)
        .unwrap_err();
    assert!(
        matches!(&error, Error::NoSite { no_probes_at_all: true, missing, .. } if missing.len() == 5),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .ends_with("; it has no probe at all: were probes compiled out (PROBE_BUILD_DISABLE, Build::enabled(false))?"),
        "{error}"
    );
}

#[test]
fn bad_input() {
    let d = fixture("check.d");
    let error = Sites::new().try_check(&d).unwrap_err();
    assert_eq!(
        error.to_string(),
        "probe-check: no provider file given (Sites::file)"
    );
    // A provider file is not ELF.
    let error = Sites::new().file(&d).try_check(&d).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("probe-check: {}: not an ELF file", d.display())
    );
    let missing = fixture("missing.d");
    let error = Sites::new().file(&missing).try_check(&d).unwrap_err();
    assert!(matches!(error, Error::Provider(_)), "{error:?}");
    assert!(
        error
            .to_string()
            .starts_with(&missing.display().to_string()),
        "{error}"
    );
}

#[test]
fn trace_collects_every_hit_with_typed_arguments() {
    let prog = build("trace", true);
    let hits = Trace::new(&prog).provider(fixture("check.d")).run();
    assert_eq!(hits.outcome(), Outcome::Exited(0));
    assert_eq!(
        hits.lines(),
        [
            r#"chk:start("tester", 0)"#,
            "chk:value(-5000000000, 4000000000, NULL)",
            "chk:guarded(0)",
            r#"chk:start("tester", 1)"#,
            "chk:value(-5000000001, 4000000000, NULL)",
            "chk:guarded(10)",
        ]
    );
    assert_eq!(hits.len(), 6);
    assert_eq!(hits.count("chk:guarded"), 2);
    assert_eq!(hits.count("guarded"), 2);
    assert_eq!(hits.count("other:guarded"), 0);
    let start = hits.of("chk:start");
    assert_eq!(start[1].args[1], Value::Signed(1));
    assert!(
        matches!(&start[0].args[0], Value::String { bytes, truncated: false, .. } if bytes == b"tester")
    );
    assert!(hits.warnings().is_empty(), "{:?}", hits.warnings());

    // Strings are cut at the window.
    let hits = Trace::new(&prog).probe("chk:start").strings(3).run();
    assert_eq!(hits.lines()[0], r#"chk:start("tes"..., 0)"#);

    // Untyped: the string is still recognized, the null pointer is 0.
    let hits = Trace::new(&prog).probe("chk:value").run();
    assert_eq!(
        hits.lines(),
        [
            "chk:value(-5000000000, 4000000000, 0)",
            "chk:value(-5000000001, 4000000000, 0)",
        ]
    );
}

#[test]
fn trace_failures() {
    let prog = build("trace-fail", true);
    // The program's status is the caller's business with try_run...
    let hits = Trace::new(&prog).arg("3").try_run().unwrap();
    assert_eq!(hits.outcome(), Outcome::Exited(3));
    assert_eq!(hits.len(), 6);
    // ...and a failure with run, which shows what fired.
    let message = std::panic::catch_unwind(|| Trace::new(&prog).arg("3").run())
        .unwrap_err()
        .downcast::<String>()
        .unwrap();
    assert!(
        message.starts_with(&format!(
            "probe-check: {} exited with status 3; hits:\nchk:start(\"tester\", 0)\n",
            prog.display()
        )),
        "{message}"
    );
    // No probes: tracing cannot start, and the program does not run.
    let bare = build("trace-none", false);
    let error = Trace::new(&bare).try_run().unwrap_err();
    assert!(matches!(error, Error::Trace(_)), "{error:?}");
    assert!(
        error
            .to_string()
            .starts_with(&format!("probe-check: no SDT probes in {}", bare.display())),
        "{error}"
    );
    let error = Trace::new(&prog)
        .probe("chk:nothing")
        .try_run()
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("matches 'chk:nothing' (it has chk:guarded, chk:start, chk:value)"),
        "{error}"
    );
}
