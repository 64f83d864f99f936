//! `probe-build dtrace ...` as build systems call SystemTap's wrapper.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::*;

const PROVIDER: &str =
    "provider hello {\n\tprobe greet(const char *who, int times);\n\tprobe bye();\n};\n";

fn elf_class_and_machine(path: &Path) -> (u8, u16) {
    let bytes = fs::read(path).unwrap();
    assert_eq!(&bytes[..4], b"\x7fELF", "{} is not ELF", path.display());
    (bytes[4], u16::from_le_bytes([bytes[18], bytes[19]]))
}
const ELFCLASS32: u8 = 1;
const ELFCLASS64: u8 = 2;
const EM_386: u16 = 3;
const EM_X86_64: u16 = 62;
const EM_AARCH64: u16 = 183;

#[test]
fn a_link_named_dtrace_behaves_as_the_dtrace_subcommand() {
    let s = Scratch::new("link");
    s.write("probes.d", PROVIDER);
    let link = s.path("dtrace");
    std::os::unix::fs::symlink(probe_build_path(), &link).unwrap();
    run_ok(
        Command::new(&link)
            .current_dir(&s.dir)
            .args(["-h", "-s", "probes.d"]),
    );
    run_ok(
        Command::new(&link)
            .current_dir(&s.dir)
            .args(["-G", "-s", "probes.d"]),
    );
    run_ok(
        probe_build()
            .current_dir(&s.dir)
            .args(["dtrace", "-h", "-s", "probes.d", "-o", "sub.h"]),
    );
    run_ok(
        probe_build()
            .current_dir(&s.dir)
            .args(["dtrace", "-G", "-s", "probes.d", "-o", "sub.o"]),
    );
    assert_eq!(
        fs::read(s.path("probes.h")).unwrap(),
        fs::read(s.path("sub.h")).unwrap()
    );
    assert_eq!(
        fs::read(s.path("probes.o")).unwrap(),
        fs::read(s.path("sub.o")).unwrap()
    );
    assert!(fs::read_to_string(s.path("probes.h"))
        .unwrap()
        .contains("HELLO_GREET("));
    // Its help is the wrapper's, not clap's.
    let help = run_ok(Command::new(&link).arg("--help"));
    assert!(help.contains("-s FILE.d"), "{help}");
}

#[test]
fn default_output_names_follow_the_provider_file_like_the_wrapper() {
    let s = Scratch::new("defaults");
    fs::create_dir(s.path("src")).unwrap();
    s.write("src/probes.d", PROVIDER);
    run_ok(
        probe_build()
            .current_dir(&s.dir)
            .args(["dtrace", "-h", "-s", "src/probes.d"]),
    );
    run_ok(
        probe_build()
            .current_dir(&s.dir)
            .args(["dtrace", "-G", "-s", "src/probes.d"]),
    );
    // In the current folder, not beside the provider file.
    assert_eq!(s.names(), vec!["probes.h", "probes.o", "src"]);
    // -o is used exactly as given.
    run_ok(probe_build().current_dir(&s.dir).args([
        "dtrace",
        "-h",
        "-s",
        "src/probes.d",
        "-o",
        "out.hdr",
    ]));
    assert!(s.path("out.hdr").is_file());
}

#[test]
fn configure_probe_with_only_a_d_clause_succeeds_with_an_empty_object() {
    // What CPython's and PHP's configure run to decide whether -G is needed.
    let s = Scratch::new("conftest");
    s.write("conftest.d", "BEGIN{}\n");
    let out = run(probe_build().current_dir(&s.dir).args([
        "dtrace",
        "-G",
        "-s",
        "conftest.d",
        "-o",
        "conftest.o",
    ]));
    assert!(out.status.success(), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning"),
        "expected a warning, got: {stderr}"
    );
    let symbols = readelf(&["-sW"], &s.path("conftest.o"));
    assert!(!symbols.contains("_semaphore"), "{symbols}");
    let header = readelf(&["-hW"], &s.path("conftest.o"));
    assert!(header.contains("REL (Relocatable file)"), "{header}");
    // The object links into a program.
    s.write("main.c", "int main(void) { return 0; }\n");
    run_ok(
        Command::new("cc")
            .current_dir(&s.dir)
            .args(["main.c", "conftest.o", "-o", "main"]),
    );
}

#[test]
fn a_probe_outside_a_provider_stays_an_error() {
    let s = Scratch::new("outside");
    s.write("bad.d", "probe lost(int);\n");
    for mode in ["-h", "-G"] {
        let stderr = run_fails(
            probe_build()
                .current_dir(&s.dir)
                .args(["dtrace", mode, "-s", "bad.d", "-o", "out"]),
            1,
        );
        assert!(stderr.starts_with("bad.d:1:1: error:"), "{stderr}");
    }
    assert_eq!(s.names(), vec!["bad.d"]);
}

#[test]
fn a_bad_provider_file_fails_for_h_and_g_and_leaves_no_output() {
    let s = Scratch::new("bad");
    s.write("bad.d", "provider p {\n\tprobe x(int;\n};\n");
    for (mode, out) in [("-h", "bad.h"), ("-G", "bad.o")] {
        let stderr = run_fails(
            probe_build()
                .current_dir(&s.dir)
                .args(["dtrace", mode, "-s", "bad.d"]),
            1,
        );
        let first = stderr.lines().next().unwrap_or("");
        assert!(first.starts_with("bad.d:2:13: error: "), "{stderr}");
        // The source line and a caret follow.
        assert!(
            stderr.contains("probe x(int;") && stderr.contains('^'),
            "{stderr}"
        );
        assert!(!s.path(out).exists());
    }
    assert_eq!(s.names(), vec!["bad.d"]);
    // An existing output is left as it was.
    s.write("kept.h", "old\n");
    run_fails(
        probe_build()
            .current_dir(&s.dir)
            .args(["dtrace", "-h", "-s", "bad.d", "-o", "kept.h"]),
        1,
    );
    assert_eq!(fs::read_to_string(s.path("kept.h")).unwrap(), "old\n");
    assert_eq!(s.names(), vec!["bad.d", "kept.h"]);
}

#[test]
fn a_missing_input_file_fails() {
    let s = Scratch::new("missing");
    for mode in ["-h", "-G"] {
        let stderr = run_fails(
            probe_build()
                .current_dir(&s.dir)
                .args(["dtrace", mode, "-s", "nothere.d"]),
            1,
        );
        assert!(
            stderr.contains("nothere.d") && stderr.contains("No such file"),
            "{stderr}"
        );
    }
    assert!(s.names().is_empty());
}

#[test]
fn an_unwritable_output_folder_fails_cleanly() {
    let s = Scratch::new("unwritable");
    s.write("p.d", PROVIDER);
    s.write("plainfile", "");
    for out in ["no/such/folder/p.h", "plainfile/p.h"] {
        for mode in ["-h", "-G"] {
            let stderr = run_fails(
                probe_build()
                    .current_dir(&s.dir)
                    .args(["dtrace", mode, "-s", "p.d", "-o", out]),
                1,
            );
            assert!(
                stderr.contains("cannot write") && stderr.contains(out),
                "{stderr}"
            );
        }
    }
    assert_eq!(s.names(), vec!["p.d", "plainfile"]);
}

#[test]
fn command_line_mistakes_are_usage_errors() {
    let s = Scratch::new("usage");
    s.write("p.d", PROVIDER);
    for args in [
        &["-s", "p.d"][..],
        &["-h", "-G", "-s", "p.d"],
        &["-h", "-q", "-s", "p.d"],
        &["-h"],
        &["-h", "-s"],
        &["-h", "-s", "p.d", "-o"],
    ] {
        let stderr = run_fails(
            probe_build().current_dir(&s.dir).arg("dtrace").args(args),
            2,
        );
        assert!(stderr.contains("Usage: dtrace"), "{args:?}: {stderr}");
    }
    assert_eq!(s.names(), vec!["p.d"]);
}

#[test]
fn the_wrappers_other_options_are_accepted() {
    let s = Scratch::new("accepted");
    s.write("p.d", PROVIDER);
    run_ok(probe_build().current_dir(&s.dir).args([
        "dtrace",
        "-x",
        "nolibs",
        "-xstrsize=64",
        "-fPIC",
        "-fpic",
        "-k",
        "--types",
        "-64",
        "-h",
        "-s",
        "p.d",
        "-o",
        "p.h",
    ]));
    run_ok(
        probe_build()
            .current_dir(&s.dir)
            .args(["dtrace", "-G", "-32", "-fpic", "-s", "p.d", "-o", "p.o"]),
    );
    assert_eq!(elf_class_and_machine(&s.path("p.o")).0, ELFCLASS32);
}

#[test]
fn preprocessor_options_reach_the_preprocessor() {
    let s = Scratch::new("cpp");
    fs::create_dir(s.path("inc")).unwrap();
    s.write("inc/types.h", "#define Count unsigned long\n");
    s.write(
        "p.d",
        "#include \"types.h\"\nprovider pp {\n\tprobe always(Count);\n#ifdef WANT_EXTRA\n\tprobe extra(int);\n#endif\n#ifdef DROPPED\n\tprobe dropped(int);\n#endif\n};\n",
    );
    run_ok(probe_build().current_dir(&s.dir).args([
        "dtrace",
        "-C",
        "-I",
        "inc",
        "-DWANT_EXTRA",
        "-D",
        "DROPPED=1",
        "-UDROPPED",
        "-h",
        "-s",
        "p.d",
        "-o",
        "p.h",
    ]));
    let header = fs::read_to_string(s.path("p.h")).unwrap();
    assert!(header.contains("PP_ALWAYS("), "{header}");
    assert!(header.contains("PP_EXTRA("), "{header}");
    assert!(!header.contains("PP_DROPPED("), "{header}");
    // Joined spelling, and without -C the directives stay unevaluated.
    run_ok(
        probe_build()
            .current_dir(&s.dir)
            .args(["dtrace", "-C", "-Iinc", "-h", "-s", "p.d", "-o", "q.h"]),
    );
    assert!(!fs::read_to_string(s.path("q.h"))
        .unwrap()
        .contains("PP_EXTRA("));
}

#[test]
fn concurrent_identical_header_runs_never_corrupt_the_output() {
    // make -j can start the same `dtrace -h` rule twice; readers (the C
    // compiler) must only ever see a complete header.
    let s = Scratch::new("concurrent");
    let mut provider = String::from("provider busy {\n");
    for i in 0..200 {
        provider.push_str(&format!(
            "\tprobe event{i}(const char *name, unsigned long long value, int code);\n"
        ));
    }
    provider.push_str("};\n");
    s.write("busy.d", &provider);
    run_ok(probe_build().current_dir(&s.dir).args([
        "dtrace",
        "-h",
        "-s",
        "busy.d",
        "-o",
        "reference.h",
    ]));
    let expected = fs::read(s.path("reference.h")).unwrap();
    assert!(
        expected.len() > 100_000,
        "the header should be large enough to be written in pieces"
    );

    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let (path, expected, stop) = (s.path("busy.h"), expected.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut reads = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                if let Ok(seen) = fs::read(&path) {
                    assert!(
                        seen == expected,
                        "a reader saw a partial header ({} bytes)",
                        seen.len()
                    );
                    reads += 1;
                }
            }
            reads
        })
    };
    for _round in 0..5 {
        let children: Vec<_> = (0..16)
            .map(|_| {
                probe_build()
                    .current_dir(&s.dir)
                    .args(["dtrace", "-h", "-s", "busy.d", "-o", "busy.h"])
                    .spawn()
                    .unwrap()
            })
            .collect();
        for mut child in children {
            assert!(child.wait().unwrap().success());
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let reads = reader.join().unwrap();
    assert!(reads > 0, "the reader never saw the header");
    assert_eq!(fs::read(s.path("busy.h")).unwrap(), expected);
    assert_eq!(
        s.names(),
        vec!["busy.d", "busy.h", "reference.h"],
        "temporary files left behind"
    );
}

#[test]
#[ignore = "system tier: cross compilers"]
fn g_takes_300_object_files_leaves_them_unchanged_and_follows_their_architecture() {
    probe_test_support::require_tools!("aarch64-linux-gnu-gcc", "i686-linux-gnu-gcc", "clang-16");
    let s = Scratch::new("objects");
    s.write("p.d", PROVIDER);
    s.write("unit.c", "int unit_value(void) { return 42; }\n");
    // 32-bit objects: they decide the class even against -64.
    run_ok(
        Command::new("i686-linux-gnu-gcc")
            .current_dir(&s.dir)
            .args(["-c", "unit.c", "-o", "unit.o"]),
    );
    let unit = fs::read(s.path("unit.o")).unwrap();
    let mut names = Vec::new();
    for i in 0..300 {
        let name = format!("obj{i:03}.o");
        fs::write(s.path(&name), &unit).unwrap();
        names.push(name);
    }
    run_ok(
        probe_build()
            .current_dir(&s.dir)
            .args(["dtrace", "-G", "-64", "-s", "p.d", "-o", "p.o"])
            .args(&names),
    );
    assert_eq!(elf_class_and_machine(&s.path("p.o")), (ELFCLASS32, EM_386));
    for name in &names {
        assert_eq!(fs::read(s.path(name)).unwrap(), unit, "{name} was changed");
    }
    // A non-ELF first "object" (LLVM bitcode, a libtool .lo) is skipped.
    s.write("first.lo", "# libtool object\n");
    run_ok(probe_build().current_dir(&s.dir).args([
        "dtrace", "-G", "-s", "p.d", "-o", "q.o", "first.lo", "obj000.o",
    ]));
    assert_eq!(elf_class_and_machine(&s.path("q.o")), (ELFCLASS32, EM_386));
    // The whole thing links: header, objects and stub.
    run_ok(
        probe_build()
            .current_dir(&s.dir)
            .args(["dtrace", "-h", "-s", "p.d", "-o", "p.h"]),
    );
    s.write(
        "main.c",
        "#include \"p.h\"\nint unit_value(void);\nint main(void) { HELLO_GREET(\"x\", unit_value()); if (HELLO_BYE_ENABLED()) HELLO_BYE(); return 0; }\n",
    );
    run_ok(
        Command::new("i686-linux-gnu-gcc")
            .current_dir(&s.dir)
            .args(["main.c", "unit.o", "p.o", "-o", "main"]),
    );
    let notes = readelf(&["-nW"], &s.path("main"));
    assert!(
        notes.contains("Name: greet") && notes.contains("Name: bye"),
        "{notes}"
    );
}

#[test]
#[ignore = "system tier: cross compilers"]
fn without_objects_the_c_compiler_or_32_64_choose_the_target() {
    probe_test_support::require_tools!("aarch64-linux-gnu-gcc", "i686-linux-gnu-gcc", "clang-16");
    let s = Scratch::new("target");
    s.write("p.d", PROVIDER);
    let object = |env: &[(&str, &str)], extra: &[&str]| {
        let mut cmd = probe_build();
        cmd.current_dir(&s.dir)
            .env_remove("CC")
            .env_remove("CFLAGS");
        for (k, v) in env {
            cmd.env(k, v);
        }
        run_ok(
            cmd.args(["dtrace", "-G", "-s", "p.d", "-o", "p.o"])
                .args(extra),
        );
        elf_class_and_machine(&s.path("p.o"))
    };
    assert_eq!(object(&[], &[]), (ELFCLASS64, EM_X86_64));
    assert_eq!(object(&[], &["-32"]), (ELFCLASS32, EM_386));
    assert_eq!(
        object(&[("CC", "aarch64-linux-gnu-gcc")], &[]),
        (ELFCLASS64, EM_AARCH64)
    );
    assert_eq!(object(&[("CC", "gcc -m32")], &[]), (ELFCLASS32, EM_386));
    assert_eq!(
        object(&[("CC", "gcc"), ("CFLAGS", "-O2 -m32")], &[]),
        (ELFCLASS32, EM_386)
    );
    assert_eq!(
        object(&[("CC", "gcc -m32")], &["-64"]),
        (ELFCLASS64, EM_X86_64)
    );
    // clang names its target only when asked.
    assert_eq!(
        object(&[("CC", "clang-16 --target=i686-linux-gnu")], &[]),
        (ELFCLASS32, EM_386)
    );
    // A compiler that does not run: the host.
    assert_eq!(
        object(&[("CC", "/nonexistent/cc")], &[]),
        (ELFCLASS64, EM_X86_64)
    );
}
