//! The plain subcommands: header, object, tapset, bpftrace, list, --help.

mod common;

use std::fs;
use std::process::Command;

use common::*;

const PROVIDER: &str = "\
provider vm {
\tprobe function__entry(const char *filename, const char *funcname, int lineno);
\tprobe gc__done(long, unsigned long long);
\tprobe tick();
};
";

const PROGRAM: &str = r#"
#include <string.h>
#include "probes.h"
static int evaluated;
static int side_effect(void) { return ++evaluated; }
char file[16], func[16];
int main(void)
{
    strcpy(file, "main.py");
    strcpy(func, "run");
    VM_FUNCTION_ENTRY(file, func, side_effect());
    if (VM_GC_DONE_ENABLED())
        VM_GC_DONE(-7L, 9ULL);
    VM_TICK();
    return evaluated;
}
"#;

#[test]
fn help_is_available_everywhere_and_documents_exit_codes() {
    for sub in [
        &[][..],
        &["header"],
        &["object"],
        &["tapset"],
        &["bpftrace"],
        &["list"],
    ] {
        let out = run_ok(probe_build().args(sub).arg("--help"));
        assert!(out.contains("Exit status"), "{sub:?}: {out}");
    }
    let out = run_ok(probe_build().args(["dtrace", "--help"]));
    assert!(out.contains("Exit status"), "{out}");
}

#[test]
fn usage_mistakes_exit_2() {
    let s = Scratch::new("usage2");
    let p = s.write("p.d", PROVIDER);
    run_fails(probe_build().arg("frobnicate"), 2);
    run_fails(&mut probe_build(), 2);
    run_fails(probe_build().arg("tapset").arg(&p), 2); // --binary missing
    run_fails(probe_build().arg("object").arg(&p), 2); // -o missing
    run_fails(
        probe_build()
            .arg("header")
            .arg(&p)
            .args(["--flavor", "solaris"]),
        2,
    );
    run_fails(probe_build().arg("list"), 2);
    assert_eq!(s.names(), vec!["p.d"]);
}

#[test]
#[ignore = "system tier: SystemTap's <sys/sdt.h>"]
fn header_flavors_build_and_behave() {
    probe_test_support::require_tools!(
        "/usr/bin/dtrace",
        "sys/sdt.h",
        "root",
        "tracefs",
        "bpftrace"
    );
    let s = Scratch::new("flavors");
    let p = s.write("p.d", PROVIDER);
    s.write("main.c", PROGRAM);
    run_ok(
        probe_build()
            .arg("object")
            .arg(&p)
            .args(["-o"])
            .arg(s.path("probes.o")),
    );

    // The default, self-contained SDT header.
    run_ok(
        probe_build()
            .arg("header")
            .arg(&p)
            .arg("-o")
            .arg(s.path("probes.h")),
    );
    let header = fs::read_to_string(s.path("probes.h")).unwrap();
    assert!(
        !header.contains("#include <sys/sdt.h>"),
        "the default header must be self-contained"
    );
    run_ok(
        Command::new("cc")
            .current_dir(&s.dir)
            .args(["-O2", "main.c", "probes.o", "-o", "sdt"]),
    );
    let notes = readelf(&["-nW"], &s.path("sdt"));
    assert_eq!(notes.matches("NT_STAPSDT").count(), 3, "{notes}");

    // Standard output is the default destination, and matches the file.
    let stdout = run_ok(probe_build().arg("header").arg(&p));
    assert_eq!(stdout, header);

    // Through the system <sys/sdt.h>.
    run_ok(
        probe_build()
            .arg("header")
            .arg(&p)
            .args(["--flavor", "sdt-system", "-o"])
            .arg(s.path("probes.h")),
    );
    assert!(fs::read_to_string(s.path("probes.h"))
        .unwrap()
        .contains("#include <sys/sdt.h>"));
    run_ok(
        Command::new("cc")
            .current_dir(&s.dir)
            .args(["-O2", "main.c", "probes.o", "-o", "system"]),
    );
    let notes = readelf(&["-nW"], &s.path("system"));
    assert_eq!(notes.matches("NT_STAPSDT").count(), 3, "{notes}");

    // Disabled: no notes, no object needed, arguments not evaluated.
    run_ok(
        probe_build()
            .arg("header")
            .arg(&p)
            .args(["--flavor", "disabled", "-o"])
            .arg(s.path("probes.h")),
    );
    run_ok(
        Command::new("cc")
            .current_dir(&s.dir)
            .args(["-O2", "main.c", "-o", "disabled"]),
    );
    assert!(!readelf(&["-nW"], &s.path("disabled")).contains("stapsdt"));
    let status = Command::new(s.path("disabled")).status().unwrap();
    assert_eq!(
        status.code(),
        Some(0),
        "a disabled probe evaluated its arguments"
    );
}

#[test]
fn object_subcommand_takes_the_wrapper_class_flags_and_a_target() {
    let s = Scratch::new("object");
    let p = s.write("p.d", PROVIDER);
    let class_and_machine = |args: &[&str]| {
        run_ok(
            probe_build()
                .current_dir(&s.dir)
                .arg("object")
                .arg(&p)
                .args(args)
                .args(["-o", "p.o"]),
        );
        let bytes = fs::read(s.path("p.o")).unwrap();
        (bytes[4], u16::from_le_bytes([bytes[18], bytes[19]]))
    };
    assert_eq!(class_and_machine(&["-32"]), (1, 3));
    assert_eq!(class_and_machine(&["--32"]), (1, 3));
    assert_eq!(
        class_and_machine(&["--target", "aarch64-linux-gnu"]),
        (2, 183)
    );
    assert_eq!(
        class_and_machine(&["--target", "x86_64-linux-gnu", "-32"]),
        (1, 3)
    );
    let symbols = readelf(&["-sW"], &s.path("p.o"));
    for name in [
        "vm_function__entry_semaphore",
        "vm_gc__done_semaphore",
        "vm_tick_semaphore",
    ] {
        assert!(symbols.contains(name), "{name} missing: {symbols}");
    }
    let stderr = run_fails(
        probe_build()
            .arg("object")
            .arg(&p)
            .args(["--target", "vax-dec-ultrix", "-o"])
            .arg(s.path("x.o")),
        1,
    );
    assert!(stderr.contains("vax"), "{stderr}");
    assert!(!s.path("x.o").exists());
}

#[test]
fn tapset_has_one_alias_per_probe_with_named_arguments() {
    // The exact text; the corpus test has stap itself resolve generated
    // tapsets against real programs.
    let s = Scratch::new("tapset");
    let p = s.write("p.d", PROVIDER);
    let text = run_ok(
        probe_build()
            .arg("tapset")
            .arg(&p)
            .args(["--binary", "/usr/bin/vm"]),
    );
    let expected = "\
probe vm.function__entry = process(\"/usr/bin/vm\").mark(\"function__entry\")
{
  filename = user_string($arg1);
  funcname = user_string($arg2);
  lineno = $arg3;
}

probe vm.gc__done = process(\"/usr/bin/vm\").mark(\"gc__done\")
{
  arg1 = $arg1;
  arg2 = $arg2;
}

probe vm.tick = process(\"/usr/bin/vm\").mark(\"tick\")
{
}
";
    assert!(text.ends_with(expected), "{text}");
    assert_eq!(text.matches("probe vm.").count(), 3);
}

#[test]
fn bpftrace_script_has_one_block_per_probe() {
    let s = Scratch::new("bt");
    let p = s.write("p.d", PROVIDER);
    run_ok(
        probe_build()
            .arg("bpftrace")
            .arg(&p)
            .args(["--binary", "/usr/bin/vm", "-o"])
            .arg(s.path("vm.bt")),
    );
    let text = fs::read_to_string(s.path("vm.bt")).unwrap();
    assert!(text.contains(
        "usdt:/usr/bin/vm:vm:function__entry\n{\n  printf(\"vm:function__entry filename=%s funcname=%s lineno=%lld\\n\", str(arg0), str(arg1), arg2);\n}\n"
    ), "{text}");
    assert!(text.contains("usdt:/usr/bin/vm:vm:gc__done\n{\n  printf(\"vm:gc__done arg1=%lld arg2=%llu\\n\", arg0, arg1);\n}\n"), "{text}");
    assert!(
        text.contains("usdt:/usr/bin/vm:vm:tick\n{\n  printf(\"vm:tick\\n\");\n}\n"),
        "{text}"
    );
    // The corpus test runs such scripts with bpftrace against real programs.
}

#[test]
fn generating_subcommands_take_preprocessor_options_and_reject_bad_input() {
    let s = Scratch::new("gen-cpp");
    let p = s.write(
        "p.d",
        "provider c {\n#ifdef WANT\n\tprobe wanted(TYPE);\n#endif\n};\n",
    );
    for sub in ["header", "tapset", "bpftrace"] {
        let mut cmd = probe_build();
        cmd.arg(sub)
            .arg(&p)
            .args(["-C", "-DWANT", "-D", "TYPE=int"]);
        if sub != "header" {
            cmd.args(["--binary", "/bin/c"]);
        }
        let out = run_ok(&mut cmd);
        assert!(
            out.contains("wanted") || out.contains("WANTED"),
            "{sub}: {out}"
        );
    }
    run_ok(
        probe_build()
            .arg("object")
            .arg(&p)
            .args(["-C", "-DWANT", "-DTYPE=int", "-o"])
            .arg(s.path("c.o")),
    );
    assert!(readelf(&["-sW"], &s.path("c.o")).contains("c_wanted_semaphore"));

    let bad = s.write("bad.d", "provider c {\n\tprobe x(int, );\n};\n");
    for sub in ["header", "object", "tapset", "bpftrace"] {
        let out = s.path(&format!("out.{sub}"));
        let mut cmd = probe_build();
        cmd.arg(sub).arg(&bad).arg("-o").arg(&out);
        if sub == "tapset" || sub == "bpftrace" {
            cmd.args(["--binary", "/bin/c"]);
        }
        let stderr = run_fails(&mut cmd, 1);
        assert!(
            stderr.contains("bad.d:2:") && stderr.contains(": error: "),
            "{sub}: {stderr}"
        );
        assert!(!out.exists(), "{sub} left an output file");
    }
    let stderr = run_fails(probe_build().arg("header").arg(s.path("absent.d")), 1);
    assert!(stderr.contains("absent.d"), "{stderr}");
}

#[test]
#[ignore = "system tier: bpftrace as root"]
fn list_shows_probes_and_check_names_missing_ones() {
    probe_test_support::require_tools!(
        "/usr/bin/dtrace",
        "sys/sdt.h",
        "root",
        "tracefs",
        "bpftrace"
    );
    let s = Scratch::new("list");
    let p = s.write("p.d", PROVIDER);
    s.write("main.c", PROGRAM);
    run_ok(
        probe_build()
            .arg("header")
            .arg(&p)
            .arg("-o")
            .arg(s.path("probes.h")),
    );
    run_ok(
        probe_build()
            .arg("object")
            .arg(&p)
            .arg("-o")
            .arg(s.path("probes.o")),
    );
    run_ok(
        Command::new("cc")
            .current_dir(&s.dir)
            .args(["-O2", "main.c", "probes.o", "-o", "prog"]),
    );

    let text = run_ok(
        probe_build()
            .current_dir(&s.dir)
            .args(["list", "prog", "probes.o"]),
    );
    assert!(text.contains("prog: 3 probes"), "{text}");
    assert!(
        text.contains("vm:function__entry")
            && text.contains("vm:gc__done")
            && text.contains("vm:tick"),
        "{text}"
    );
    assert!(text.contains("probes.o: no probes"), "{text}");

    let json = run_ok(
        probe_build()
            .current_dir(&s.dir)
            .args(["list", "--json", "prog"]),
    );
    fs::write(s.path("list.json"), &json).unwrap();
    let names = run_ok(Command::new("python3").current_dir(&s.dir).args([
        "-c",
        "import json; d = json.load(open('list.json')); print(sorted(p['name'] for p in d[0]['probes']))",
    ]));
    assert_eq!(names.trim(), "['function__entry', 'gc__done', 'tick']");

    // --check passes for the provider the program was built from...
    let ok = run_ok(
        probe_build()
            .current_dir(&s.dir)
            .args(["list", "--check", "p.d", "prog"]),
    );
    assert!(ok.contains("all 3 declared probes"), "{ok}");
    // ...and names each declared probe without a site.
    let more = s.write("more.d", "provider vm {\n\tprobe function__entry(const char *, const char *, int);\n\tprobe lost(int);\n};\nprovider other { probe gone(); };\n");
    let stderr = run_fails(
        probe_build()
            .current_dir(&s.dir)
            .arg("list")
            .arg("--check")
            .arg(&more)
            .arg("prog"),
        1,
    );
    assert!(
        stderr.contains("more.d:3:8: error: probe vm:lost has no site in prog"),
        "{stderr}"
    );
    assert!(
        stderr.contains("more.d:5:24: error: probe other:gone has no site in prog"),
        "{stderr}"
    );
    assert!(!stderr.contains("function__entry"), "{stderr}");

    // bpftrace refuses a script naming a probe without a site: for an
    // existing binary such probes are left out, with a warning.
    let out = run(probe_build()
        .current_dir(&s.dir)
        .arg("bpftrace")
        .arg(&more)
        .args(["--binary", "prog"]));
    assert!(out.status.success());
    let script = String::from_utf8_lossy(&out.stdout);
    let warnings = String::from_utf8_lossy(&out.stderr);
    assert!(script.contains("usdt:prog:vm:function__entry"), "{script}");
    assert!(
        !script.contains("lost") && !script.contains("gone"),
        "{script}"
    );
    assert!(
        warnings.contains("probe vm:lost has no site in prog"),
        "{warnings}"
    );
    let before_build = run_ok(
        probe_build()
            .current_dir(&s.dir)
            .arg("bpftrace")
            .arg(&more)
            .args(["--binary", "not-built-yet"]),
    );
    assert!(
        before_build.contains("usdt:not-built-yet:vm:lost"),
        "{before_build}"
    );

    // Not ELF: a clear error, exit 1.
    let stderr = run_fails(
        probe_build().current_dir(&s.dir).args(["list", "main.c"]),
        1,
    );
    assert!(stderr.contains("main.c: not an ELF file"), "{stderr}");
    let stderr = run_fails(
        probe_build()
            .current_dir(&s.dir)
            .args(["list", "--check", "p.d", "main.c"]),
        1,
    );
    assert!(stderr.contains("main.c: not an ELF file"), "{stderr}");
    let stderr = run_fails(
        probe_build().current_dir(&s.dir).args(["list", "nothere"]),
        1,
    );
    assert!(stderr.contains("nothere"), "{stderr}");
}

/// `list --check` over a static archive reads its members; `--unused`
/// excuses a probe left without a site on purpose, and refuses a name the
/// provider file does not declare (a stale list would hide nothing).
#[test]
fn list_check_reads_archives_and_excuses_unused_probes() {
    let s = Scratch::new("list-archive");
    let p = s.write(
        "p.d",
        "provider app {\n\tprobe start(int);\n\tprobe stop(int);\n\tprobe spare();\n};\n",
    );
    run_ok(
        probe_build()
            .arg("header")
            .arg(&p)
            .arg("-o")
            .arg(s.path("p.h")),
    );
    s.write("a.c", "#include \"p.h\"\nvoid a(int x) { APP_START(x); }\n");
    s.write("b.c", "#include \"p.h\"\nvoid b(int x) { APP_STOP(x); }\n");
    run_ok(
        Command::new("cc")
            .current_dir(&s.dir)
            .args(["-c", "a.c", "b.c"]),
    );
    run_ok(
        Command::new("ar")
            .current_dir(&s.dir)
            .args(["rcs", "libapp.a", "a.o", "b.o"]),
    );

    let listed = run_ok(probe_build().current_dir(&s.dir).args(["list", "libapp.a"]));
    assert!(listed.contains("libapp.a(a.o): 1 probe"), "{listed}");
    assert!(listed.contains("app:stop"), "{listed}");

    let stderr = run_fails(
        probe_build()
            .current_dir(&s.dir)
            .args(["list", "--check", "p.d", "libapp.a"]),
        1,
    );
    assert!(
        stderr.contains("p.d:4:8: error: probe app:spare has no site in libapp.a"),
        "{stderr}"
    );

    let ok = run_ok(
        probe_build()
            .current_dir(&s.dir)
            .args(["list", "--check", "p.d", "--unused", "spare", "libapp.a"]),
    );
    assert!(
        ok.contains(
            "all 2 probes in use have sites in libapp.a; 1 more declared unused on purpose"
        ),
        "{ok}"
    );
    let stderr = run_fails(
        probe_build()
            .current_dir(&s.dir)
            .args(["list", "--check", "p.d", "--unused", "app:gone", "libapp.a"]),
        1,
    );
    assert!(
        stderr.contains("--unused app:gone: p.d declares no such probe"),
        "{stderr}"
    );
}
