//! `probe-build header --flavor macos|illumos|freebsd|oracle`: the
//! DTrace-system headers from the command line, each built the way its
//! system builds it (macOS: clang + ld64.lld rewrite the calls, and Apple's
//! ld64 with `$STATIC_PROBES_LD64`; illumos/FreeBSD: the `dtrace-illumos`
//! stand-in's `-G`; Oracle Linux: Oracle's `dtrace -G`, with
//! `$STATIC_PROBES_ORACLE_DTRACE`), then `probe-build list` over what they
//! made. The generators' own tests are in crates/probe-gen/tests/dtrace_*.rs;
//! see docs/platforms.md.

mod common;

use std::fs;
use std::path::PathBuf;
use std::process::Command;

use common::*;

const PROVIDER: &str = "\
provider vm {
\tprobe function__entry(const char *filename, const char *funcname, int lineno);
\tprobe gc__done(long, unsigned long long);
\tprobe tick();
};
#pragma D attributes Evolving/Evolving/Common provider vm provider
";

const PROGRAM: &str = r#"
#include "probes.h"
void run(const char *file, const char *func);
void run(const char *file, const char *func)
{
    VM_FUNCTION_ENTRY(file, func, 3);
    if (VM_GC_DONE_ENABLED())
        VM_GC_DONE(-7L, 9ULL);
    VM_TICK();
}
int main(void)
{
    run("main.py", "run");
    return 0;
}
"#;

fn stand_in() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/stand-ins/dtrace-illumos")
}

#[test]
#[ignore = "system tier: clang-16, ld64.lld-16, the illumos stand-in"]
fn macos_flavor_links_with_ld64_lld() {
    probe_test_support::require_tools!(
        "python3",
        "clang-16",
        "ld64.lld-16",
        "llvm-nm-16",
        "llvm-objdump-16"
    );
    macos_flavor_links(None);
}

#[test]
#[ignore = "system tier: needs STATIC_PROBES_LD64, clang-16, llvm-16"]
fn macos_flavor_links_with_apples_ld64_and_lists_its_dof() {
    probe_test_support::require_tools!("clang-16", "llvm-nm-16", "llvm-objdump-16");
    let Some(prefix) = probe_test_support::apple_ld64() else {
        return;
    };
    macos_flavor_links(Some(&prefix));
}

/// Linked by ld64.lld-16, or by Apple's ld64 installed in `apple` (which
/// also writes the DOF that `probe-build list` then reads).
fn macos_flavor_links(apple: Option<&std::path::Path>) {
    let s = Scratch::new("flavor-macos");
    let p = s.write("vm.d", PROVIDER);
    run_ok(
        probe_build()
            .arg("header")
            .arg(&p)
            .args(["--flavor", "macos", "-o"])
            .arg(s.path("probes.h")),
    );
    let header = fs::read_to_string(s.path("probes.h")).unwrap();
    assert!(header.contains(
        "#define VM_STABILITY \"___dtrace_stability$vm$v1$5_5_5_1_1_0_1_1_0_1_1_0_1_1_0\""
    ));
    assert!(header.contains("extern int __dtrace_isenabled$vm$tick$v1(void);"));
    s.write("prog.c", PROGRAM);
    fs::create_dir_all(s.path("stub")).unwrap();
    s.write("stub/unistd.h", "#include <stddef.h>\n");
    for arch in ["x86_64", "arm64"] {
        run_ok(
            Command::new("clang-16")
                .args([
                    "-target",
                    &format!("{arch}-apple-macos11"),
                    "-nostdlibinc",
                    "-isystem",
                    "stub",
                ])
                .args(["-O2", "-Wall", "-Werror", "-c", "prog.c", "-o", "prog.o"])
                .current_dir(&s.dir),
        );
        let refs = run_ok(
            Command::new("llvm-nm-16")
                .args(["-u", "prog.o"])
                .current_dir(&s.dir),
        );
        assert!(refs.contains("___dtrace_typedefs$vm$v2"), "{refs}");
        assert!(
            refs.contains(
                "___dtrace_probe$vm$gc__done$v1$6c6f6e67$756e7369676e6564206c6f6e67206c6f6e67"
            ),
            "{refs}"
        );
        let mut ld = match apple {
            None => Command::new("ld64.lld-16"),
            Some(prefix) => {
                let mut ld = Command::new(prefix.join("bin/ld64"));
                ld.env("LD_PRELOAD", prefix.join("lib/libdtrace-shim.so"))
                    .arg("-w")
                    .arg(prefix.join(format!("lib/libSystem-{arch}.dylib")));
                ld
            }
        };
        run_ok(
            ld.args([
                "-arch",
                arch,
                "-platform_version",
                "macos",
                "11.0",
                "11.0",
                "-e",
                "_main",
            ])
            .args(["-o", "prog", "prog.o"])
            .current_dir(&s.dir),
        );
        if apple.is_some() {
            let listed = run_ok(probe_build().args(["list", "prog"]).current_dir(&s.dir));
            assert!(
                listed.starts_with("prog: 3 DOF probes in 1 provider (executable, Mach-O 64"),
                "{listed}"
            );
            assert!(
                listed.contains(":function-entry(const char *, const char *, int) sites="),
                "{listed}"
            );
            let checked = run_ok(
                probe_build()
                    .args(["list", "--check", "vm.d", "prog"])
                    .current_dir(&s.dir),
            );
            assert!(
                checked.contains("all 3 declared probes have sites"),
                "{checked}"
            );
        }
        let dis = run_ok(
            Command::new("llvm-objdump-16")
                .args(["-d", "prog"])
                .current_dir(&s.dir),
        );
        let (nop, enabled) = match arch {
            "x86_64" => ("0f 1f 40 00", "33 c0"),
            _ => ("d503201f", "d2800000"),
        };
        // `run` is inlined into main too: at least 3 probe sites and 1 is-enabled.
        assert!(dis.matches(nop).count() >= 3, "{arch}: {dis}");
        assert!(dis.matches(enabled).count() >= 1, "{arch}: {dis}");
        let left = run_ok(
            Command::new("llvm-nm-16")
                .args(["-u", "prog"])
                .current_dir(&s.dir),
        );
        assert!(!left.contains("dtrace"), "{arch}: {left}");
    }
}

#[test]
#[ignore = "system tier: clang-16, ld64.lld-16, the illumos stand-in"]
fn illumos_and_freebsd_flavors_build_through_dtrace_g() {
    probe_test_support::require_tools!(
        "python3",
        "clang-16",
        "ld64.lld-16",
        "llvm-nm-16",
        "llvm-objdump-16"
    );
    for flavor in ["illumos", "freebsd"] {
        let s = Scratch::new(&format!("flavor-{flavor}"));
        let p = s.write("vm.d", PROVIDER);
        run_ok(
            probe_build()
                .arg("header")
                .arg(&p)
                .args(["--flavor", flavor, "-o"])
                .arg(s.path("probes.h")),
        );
        let header = fs::read_to_string(s.path("probes.h")).unwrap();
        assert!(header.contains("#if _DTRACE_VERSION"));
        assert!(header.contains(
            "extern void __dtrace_vm___function__entry(const char *, const char *, int);"
        ));
        assert_eq!(header.contains("#include <sys/sdt.h>"), flavor == "freebsd");
        s.write("prog.c", PROGRAM);
        // What illumos' <unistd.h> and FreeBSD's <sys/sdt.h> define.
        fs::create_dir_all(s.path("stub/sys")).unwrap();
        s.write("stub/sys/sdt.h", "#define _DTRACE_VERSION 1\n");
        let mut cc = Command::new("gcc");
        cc.args([
            "-O2", "-Wall", "-Wextra", "-Werror", "-c", "prog.c", "-o", "prog.o",
        ])
        .current_dir(&s.dir);
        if flavor == "illumos" {
            cc.arg("-D_DTRACE_VERSION=1");
        } else {
            cc.args(["-isystem", "stub"]);
        }
        run_ok(&mut cc);
        run_ok(
            Command::new("python3")
                .arg(stand_in())
                .args(["-G", "-s", "vm.d", "-o", "vm-dof.o", "prog.o"])
                .current_dir(&s.dir),
        );
        run_ok(
            Command::new("gcc")
                .args(["prog.o", "vm-dof.o", "-o", "prog"])
                .current_dir(&s.dir),
        );
        run_ok(&mut Command::new(s.path("prog")));
    }
}

#[test]
fn bad_attributes_for_macos_exit_1_with_the_place() {
    let s = Scratch::new("flavor-macos-bad");
    let p = s.write(
        "bad.d",
        "provider vm { probe tick(); };\n#pragma D attributes Sturdy/Evolving/Common provider vm name\n",
    );
    let err = run_fails(
        probe_build()
            .arg("header")
            .arg(&p)
            .args(["--flavor", "macos", "-o"])
            .arg(s.path("probes.h")),
        1,
    );
    assert!(
        err.contains("bad.d:2:1: error: unknown stability `Sturdy`"),
        "{err}"
    );
    assert!(!s.path("probes.h").exists(), "no half-written header");
}

#[test]
fn include_guard_follows_the_output_name() {
    let s = Scratch::new("flavor-guard");
    let p = s.write("vm.d", PROVIDER);
    for flavor in ["macos", "illumos", "freebsd", "oracle"] {
        let out = s.path("my-probes.h");
        run_ok(
            probe_build()
                .arg("header")
                .arg(&p)
                .args(["--flavor", flavor, "-o"])
                .arg(&out),
        );
        let text = fs::read_to_string(&out).unwrap();
        assert!(
            text.contains("#ifndef\t_MY_PROBES_H\n#define\t_MY_PROBES_H\n"),
            "{flavor}:\n{text}"
        );
        // Standard output has no name: the provider file's name is used.
        let text = run_ok(
            probe_build()
                .arg("header")
                .arg(&p)
                .args(["--flavor", flavor, "-o", "-"]),
        );
        assert!(text.contains("#ifndef\t_VM_H\n"), "{flavor}:\n{text}");
    }
}

#[test]
#[ignore = "system tier: needs STATIC_PROBES_ORACLE_DTRACE"]
fn oracle_flavor_builds_through_oracle_dtrace_g_and_lists_its_dof() {
    probe_test_support::require_tools!("gcc");
    let Some(dtrace) = probe_test_support::oracle_dtrace() else {
        return;
    };
    let s = Scratch::new("flavor-oracle");
    let p = s.write("vm.d", PROVIDER);
    run_ok(
        probe_build()
            .arg("header")
            .arg(&p)
            .args(["--flavor", "oracle", "-o"])
            .arg(s.path("probes.h")),
    );
    let header = fs::read_to_string(s.path("probes.h")).unwrap();
    assert!(header.contains("extern void __dtraceenabled_vm___gc__done(uint32_t *);"));
    s.write("prog.c", PROGRAM);
    run_ok(
        Command::new("gcc")
            .args([
                "-O2", "-Wall", "-Wextra", "-Werror", "-c", "prog.c", "-o", "prog.o",
            ])
            .current_dir(&s.dir),
    );
    run_ok(
        Command::new(&dtrace)
            .args(["-G", "-s", "vm.d", "-o", "vm-dof.o", "prog.o"])
            .current_dir(&s.dir),
    );
    run_ok(
        Command::new("gcc")
            .args(["-no-pie", "prog.o", "vm-dof.o", "-o", "prog"])
            .current_dir(&s.dir),
    );
    // Not registered with dtprobed: nothing traces it.
    run_ok(Command::new(s.path("prog")).env("DTRACE_DOF_INIT_DISABLE", "1"));

    // The -G object: sites relative to their functions.
    let listed = run_ok(probe_build().args(["list", "vm-dof.o"]).current_dir(&s.dir));
    assert!(
        listed.starts_with(
            "vm-dof.o: 3 DOF probes in 1 provider (relocatable, ELF64 little-endian x86_64)\n"
        ),
        "{listed}"
    );
    assert!(
        listed.contains("vm:run:gc-done(long, unsigned long long) sites=run+0x"),
        "{listed}"
    );
    assert!(listed.contains(" enabled=run+0x"), "{listed}");
    // The program: addresses.
    let listed = run_ok(probe_build().args(["list", "prog"]).current_dir(&s.dir));
    assert!(listed.contains(":tick() sites=0x"), "{listed}");
    let json = run_ok(
        probe_build()
            .args(["list", "--json", "prog"])
            .current_dir(&s.dir),
    );
    assert!(json.contains("\"format\": \"dof\""), "{json}");
    assert!(
        json.contains("\"native\": [\"char *\", \"char *\", \"int\"]"),
        "{json}"
    );

    let checked = run_ok(
        probe_build()
            .args(["list", "--check", "vm.d", "prog"])
            .current_dir(&s.dir),
    );
    assert!(
        checked.contains("all 3 declared probes have sites in prog"),
        "{checked}"
    );
    s.write(
        "more.d",
        "provider vm {\n\tprobe tick();\n\tprobe never__fired(int);\n};\n",
    );
    let err = run_fails(
        probe_build()
            .args(["list", "--check", "more.d", "prog"])
            .current_dir(&s.dir),
        1,
    );
    assert!(
        err.contains("more.d:3:8: error: probe vm:never__fired has no site in prog"),
        "{err}"
    );
}
