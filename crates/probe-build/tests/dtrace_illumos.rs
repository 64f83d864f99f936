//! The illumos/FreeBSD backend's build wiring, run as a build script for an
//! illumos target would run it (the `CARGO_CFG_TARGET_*`, `TARGET` and `cc`
//! variables set here), with the host's gcc standing in for the target's C
//! compiler and `scripts/stand-ins/dtrace-illumos` for illumos' `dtrace`:
//! the shim is written and compiled, `dtrace -G` runs once over its object
//! with the provider file and `-64`, the sites in the object are rewritten,
//! the archive holds the rewritten object and the DOF object, and a Rust
//! program built from the generated module links against it (as Cargo
//! would: the archive bundled whole into the rlib), keeps the `.SUNW_dof`
//! section, and runs with every probe disabled.
//!
//! One test only: it sets process-wide environment variables.

use std::path::Path;
use std::process::Command;

mod common;

use common::{fixture, run, scratch};
use probe_build::{Backend, Build, DtraceSystem, Error};

fn build(dir: &Path) -> Result<probe_build::Output, Error> {
    Build::new()
        .file(fixture("kinds.d"))
        .rust_type("my_id_t", "u32")
        .c_header("probes.h")
        .out_dir(dir)
        .cargo_metadata(false)
        .try_compile()
}

#[test]
#[ignore = "system tier: the illumos stand-in (python3), cross compilers, qemu-user"]
fn illumos_build_runs_dtrace_g_over_the_shim_and_links() {
    probe_test_support::require_tools!("python3");
    let stand_in =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/stand-ins/dtrace-illumos");
    let stand_in = stand_in
        .canonicalize()
        .expect("scripts/stand-ins/dtrace-illumos");
    let dir = scratch("illumos-shim");
    let log = dir.join("dtrace.log");
    for (name, value) in [
        ("CARGO_CFG_TARGET_OS", "illumos"),
        ("CARGO_CFG_TARGET_ARCH", "x86_64"),
        ("CARGO_CFG_TARGET_POINTER_WIDTH", "64"),
        ("CARGO_PKG_NAME", "uses-kinds"),
        ("TARGET", "x86_64-unknown-illumos"),
        ("HOST", "x86_64-unknown-linux-gnu"),
        ("OPT_LEVEL", "2"),
        ("CC_x86_64_unknown_illumos", "gcc"),
        ("AR_x86_64_unknown_illumos", "ar"),
    ] {
        std::env::set_var(name, value);
    }
    std::env::remove_var(probe_build::DISABLE_ENV);
    std::env::set_var("DTRACE_STANDIN_LOG", &log);

    // A dtrace that fails: a clear error, no library.
    std::env::set_var("DTRACE", "/bin/false");
    let failed = build(&dir).unwrap_err();
    assert!(matches!(failed, Error::Tool { .. }), "{failed:?}");
    assert!(failed.to_string().contains("-G"), "{failed}");
    assert!(!dir.join("libprobe_build_dtrace_uses_kinds_0.a").exists());

    std::env::set_var("DTRACE", &stand_in);
    let out = build(&dir).unwrap();
    assert_eq!(out.backend, Backend::DtraceShim(DtraceSystem::Illumos));
    let library = dir.join("libprobe_build_dtrace_uses_kinds_0.a");
    assert_eq!(out.dtrace_libraries, vec![library.clone()]);

    // The C header's macros call the shim (no `-G` needed for C objects).
    let header = std::fs::read_to_string(out.c_header.as_ref().unwrap()).unwrap();
    assert!(
        header.contains("#define\tKINDS_INTS_ENABLED() \\\n\t__probe_build_enabled_kinds___ints()"),
        "{header}"
    );

    // `dtrace -G` ran once, over the shim's object, with the provider file.
    let calls = std::fs::read_to_string(&log).unwrap();
    assert_eq!(calls.lines().count(), 1, "{calls}");
    let dof = dir.join("probe-build-dtrace-0-dof.o");
    for arg in [
        "\"-G\"",
        "\"-64\"",
        "\"-s\"",
        "kinds.d\"",
        "\"-o\"",
        &format!("{:?}", dof.display().to_string()),
    ] {
        assert!(calls.contains(arg), "{arg} missing in {calls}");
    }
    assert!(
        calls.contains("probe-build-dtrace-0.o\"") || calls.contains(".o\"]"),
        "{calls}"
    );

    // The archive: the rewritten shim object and the DOF object.
    let members = run(Command::new("ar").arg("t").arg(&library));
    assert_eq!(members.lines().count(), 2, "{members}");
    assert!(members.contains("probe-build-dtrace-0-dof.o"), "{members}");
    let disassembly = run(Command::new("objdump")
        .args(["-dr", "--no-show-raw-insn"])
        .arg(&library));
    assert!(
        !disassembly.contains("R_X86_64_PLT32\t__dtrace")
            && !disassembly.contains("R_X86_64_PC32\t__dtrace"),
        "{disassembly}"
    );
    // Each of the 10 probes: a call site become 5 nops, an is-enabled call
    // `xor rax, rax` and 2 nops; no call or jump is left.
    let raw = run(Command::new("objdump").arg("-d").arg(&library));
    assert_eq!(
        raw.lines().filter(|l| l.contains(":\t48 33 c0 ")).count(),
        10,
        "{raw}"
    );
    assert_eq!(
        raw.lines().filter(|l| l.contains(":\t90 ")).count(),
        70,
        "{raw}"
    );
    assert!(
        !disassembly.contains("call") && !disassembly.contains("jmp"),
        "{disassembly}"
    );
    let sections = run(Command::new("readelf").arg("-SW").arg(&library));
    assert!(sections.contains(".SUNW_dof"), "{sections}");

    // A Rust program from the generated module, linked as Cargo links it.
    let rlib = dir.join("libuses_kinds.rlib");
    let log = run(Command::new("rustc")
        .env("PROBES_MODULE", &out.module)
        .args([
            "--edition",
            "2021",
            "--crate-type",
            "rlib",
            "--crate-name",
            "uses_kinds",
            "-O",
            "-o",
        ])
        .arg(&rlib)
        .arg("-L")
        .arg(format!("native={}", dir.display()))
        .args([
            "-l",
            "static:+whole-archive=probe_build_dtrace_uses_kinds_0",
        ])
        .arg(fixture("uses_kinds.rs")));
    assert!(!log.contains("warning"), "{log}");
    let main = dir.join("main.rs");
    std::fs::write(
        &main,
        "fn main() {\n    let x = 5u32;\n    let on = uses_kinds::fire_all(&x, \"a str\", c\"a CStr\", core::ptr::null());\n    \
         println!(\"enabled: {on}\");\n}\n",
    )
    .unwrap();
    let exe = dir.join("main");
    // Nothing refers to the stand-in's placeholder DOF, so the linker's
    // `--gc-sections` would drop it; the real object holds drti.o, whose
    // constructor refers to the DOF and keeps it. `link-dead-code` keeps
    // what the whole archive brought in, to check that it came.
    run(Command::new("rustc")
        .arg("-Clink-dead-code")
        .args(["--edition", "2021", "-O", "--extern"])
        .arg(format!("uses_kinds={}", rlib.display()))
        .arg("-L")
        .arg(format!("native={}", dir.display()))
        .arg("-o")
        .arg(&exe)
        .arg(&main));
    let sections = run(Command::new("readelf").arg("-SW").arg(&exe));
    assert!(
        sections.contains(".SUNW_dof"),
        "the DOF object was not linked: {sections}"
    );
    let printed = run(&mut Command::new(&exe));
    assert_eq!(printed.trim(), "enabled: false");

    // C code firing the same probes through the header, linked with the same
    // archive: compiles warning-free, links, runs with probes disabled.
    let c_main = dir.join("main.c");
    std::fs::write(
        &c_main,
        "#include <stdio.h>\n#include \"probes.h\"\nstruct foo { int x; };\n\
         int main(void) {\n  const char *s = \"c\"; struct foo f = {1}; int *p = &f.x;\n  \
         KINDS_INTS(-1, -2, 3, -4, 5, -6);\n  KINDS_STRS(s, s, (char *)s);\n  KINDS_PTRS((void *)0, &f, &p);\n  \
         KINDS_OTHERS(1, 2, 3, 1, 1.5f, 2.5);\n  KINDS_TWELVE(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, s);\n  \
         if (KINDS_NONE_ENABLED()) KINDS_NONE();\n  printf(\"C enabled: %d\\n\", KINDS_INTS_ENABLED());\n  return 0;\n}\n",
    )
    .unwrap();
    let c_exe = dir.join("c-main");
    run(Command::new("gcc")
        .args(["-Wall", "-Wextra", "-Werror", "-O2", "-I"])
        .arg(&dir)
        .arg("-o")
        .arg(&c_exe)
        .arg(&c_main)
        .arg("-Wl,--whole-archive")
        .arg(&library)
        .arg("-Wl,--no-whole-archive"));
    assert_eq!(run(&mut Command::new(&c_exe)).trim(), "C enabled: 0");
}
