//! The self-contained header on every architecture `<sys/sdt.h>` covers that
//! Debian cross-builds here. For each: build one small static program with
//! the Debian cross gcc (no target `<sys/sdt.h>` exists in those sysroots)
//! and with clang-16 `--target`, compare the notes with the same program
//! built by gcc against the host's `<sys/sdt.h>`, then run both builds under
//! qemu-user with gdb-multiarch attached and read the probe arguments. gdb 13 cannot decode riscv64 argument
//! operands: there the stops and the notes are checked.

mod sdt_support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use probe_gen::sdt_header::{generate, SdtFlavor, SdtHeaderOptions};
use sdt_support::*;

fn file() -> probe_provider::ProviderFile {
    model(&[(
        "cross",
        &[
            ("args", &["int", "long", "unsigned char"]),
            ("args2", &["const char *", "short", "char"]),
            ("konst", &["int"]),
            ("wide", &["long long"]),
            ("none", &[]),
        ],
    )])
}

const PROGRAM: &str = r#"
#include <stdio.h>
#include <string.h>
#include "probes.h"
static volatile int vi = -5;
static volatile long vl = -7000000;
static volatile unsigned char vu = 200;
static volatile short vs = -3;
static volatile char vc = 'A';
static volatile long long vw = -5000000000LL;
int main(void) {
    char name[8];
    int fired = 0;
    strcpy(name, "cross");
    printf("%s\n", name);
    /* Locals, so that operands are registers or stack slots: i386 PIE
       globals read as sym@GOTOFF(%ebx), which gdb cannot parse. */
    int i = vi; long l = vl; unsigned char u = vu; short s = vs; char c = vc;
    long long w = vw;
    /* Few operands per site: on armhf a sixth one lands in r12, which gcc
       names "ip", an alias gdb 13 cannot parse (<sys/sdt.h> alike). */
    CROSS_ARGS(i, l, u);
    CROSS_ARGS2(name, s, c);
    if (CROSS_KONST_ENABLED()) { CROSS_KONST(1234); fired++; }
    CROSS_WIDE(w);
    CROSS_NONE();
    printf("fired=%d\n", fired);
    return 0;
}
"#;

struct Arch {
    name: &'static str,
    gcc: &'static str,
    readelf: &'static str,
    qemu: &'static str,
    /// gdb can decode the argument operands.
    gdb_args: bool,
    lp64: bool,
    /// The build gdb runs: armhf at -O2 puts operands in r12, which gcc
    /// names "ip" and gdb 13 cannot parse (the same with <sys/sdt.h>), so
    /// gdb reads the -O0 build there; the -O2 notes are still compared.
    gdb_build: &'static str,
}

const ARCHES: &[Arch] = &[
    Arch {
        name: "aarch64",
        gcc: "aarch64-linux-gnu-gcc",
        readelf: "aarch64-linux-gnu-readelf",
        qemu: "qemu-aarch64",
        gdb_args: true,
        lp64: true,
        gdb_build: "SelfContained-O2",
    },
    Arch {
        name: "armhf",
        gcc: "arm-linux-gnueabihf-gcc",
        readelf: "arm-linux-gnueabihf-readelf",
        qemu: "qemu-arm",
        gdb_args: true,
        lp64: false,
        gdb_build: "SelfContained-O0",
    },
    Arch {
        name: "riscv64",
        gcc: "riscv64-linux-gnu-gcc",
        readelf: "riscv64-linux-gnu-readelf",
        qemu: "qemu-riscv64",
        gdb_args: false,
        lp64: true,
        gdb_build: "SelfContained-O2",
    },
    Arch {
        name: "ppc64le",
        gcc: "powerpc64le-linux-gnu-gcc",
        readelf: "powerpc64le-linux-gnu-readelf",
        qemu: "qemu-ppc64le",
        gdb_args: true,
        lp64: true,
        gdb_build: "SelfContained-O2",
    },
    Arch {
        name: "s390x",
        gcc: "s390x-linux-gnu-gcc",
        readelf: "s390x-linux-gnu-readelf",
        qemu: "qemu-s390x",
        gdb_args: true,
        lp64: true,
        gdb_build: "SelfContained-O2",
    },
    Arch {
        name: "i386",
        gcc: "i686-linux-gnu-gcc",
        readelf: "i686-linux-gnu-readelf",
        qemu: "qemu-i386",
        gdb_args: true,
        lp64: false,
        gdb_build: "SelfContained-O2",
    },
];

/// A folder holding the host's `<sys/sdt.h>` (architecture-neutral) for the
/// reference builds.
fn reference_include(dir: &Path) -> PathBuf {
    let inc = dir.join("refinc");
    std::fs::create_dir_all(inc.join("sys")).unwrap();
    for f in ["sdt.h", "sdt-config.h"] {
        std::fs::copy(
            Path::new("/usr/include/x86_64-linux-gnu/sys").join(f),
            inc.join("sys").join(f),
        )
        .unwrap();
    }
    inc
}

/// Builds the program; `clang` builds with clang-16 for the same target
/// instead of the cross gcc.
fn build_flavor(arch: &Arch, dir: &Path, flavor: SdtFlavor, opt: &str, clang: bool) -> PathBuf {
    let f = file();
    let sub = dir.join(format!(
        "{}{flavor:?}{opt}",
        if clang { "clang-" } else { "" }
    ));
    std::fs::create_dir_all(&sub).unwrap();
    write(
        &sub,
        "probes.h",
        &generate(&f, &SdtHeaderOptions::new().flavor(flavor)),
    );
    let src = write(&sub, "prog.c", PROGRAM);
    let sems = write(&sub, "sems.c", &semaphores_c(&f));
    let inc = reference_include(dir);
    let mut flags = vec![
        opt,
        "-g",
        "-static",
        "-Wall",
        "-Werror",
        "-I",
        sub.to_str().unwrap(),
    ];
    if flavor == SdtFlavor::SystemSdt {
        flags.extend(["-I", inc.to_str().unwrap()]);
    }
    let target = format!("--target={}", arch.gcc.trim_end_matches("-gcc"));
    if clang {
        flags.push(&target);
        build("clang-16", &sub, &[&src, &sems], &flags, "prog")
    } else {
        build(arch.gcc, &sub, &[&src, &sems], &flags, "prog")
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn check_arch(arch: &Arch) -> Result<(), String> {
    let dir = workdir(&format!("sdt-cross-{}", arch.name));
    for opt in ["-O2", "-O0"] {
        let ours = build_flavor(arch, &dir, SdtFlavor::SelfContained, opt, false);
        let reference = build_flavor(arch, &dir, SdtFlavor::SystemSdt, opt, false);
        let with_clang = build_flavor(arch, &dir, SdtFlavor::SelfContained, opt, true);
        let (a, b, c) = (
            notes_with(arch.readelf, &ours),
            notes_with(arch.readelf, &reference),
            notes_with(arch.readelf, &with_clang),
        );
        if a.len() != 5 || c.len() != 5 {
            return Err(format!(
                "{opt}: expected 5 notes, got {a:#?} and with clang {c:#?}"
            ));
        }
        for (x, y) in a.iter().zip(&b).chain(c.iter().zip(&b)) {
            // Sizes and signedness must match; registers may differ.
            if (&x.provider, &x.name, x.sizes()) != (&y.provider, &y.name, y.sizes()) {
                return Err(format!(
                    "{opt}: note differs from <sys/sdt.h>'s:\n ours {x:?}\n sdt.h {y:?}"
                ));
            }
            if x.base == 0 || x.semaphore == 0 {
                return Err(format!("{opt}: zero base or semaphore: {x:?}"));
            }
        }
    }
    gdb_run(arch, &dir.join(arch.gdb_build).join("prog"))?;
    gdb_run(
        arch,
        &dir.join(format!("clang-{}", arch.gdb_build)).join("prog"),
    )
    .map_err(|e| format!("clang build: {e}"))
}

/// Runs `exe` under qemu-user with gdb-multiarch attached and checks what
/// gdb reads at each probe.
fn gdb_run(arch: &Arch, exe: &Path) -> Result<(), String> {
    let exe = exe.to_path_buf();
    let port = free_port();
    let mut qemu = Command::new(arch.qemu)
        .arg("-g")
        .arg(port.to_string())
        .arg(&exe)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", arch.qemu))?;
    std::thread::sleep(Duration::from_millis(300));
    let fmt = |f: &'static str| if arch.gdb_args { f } else { "" };
    let probes = [
        ("cross:args", fmt("ddu")),
        ("cross:args2", fmt("sdd")),
        ("cross:konst", fmt("d")),
        (
            "cross:wide",
            if arch.gdb_args && arch.lp64 { "d" } else { "" },
        ),
        ("cross:none", ""),
    ];
    let hits = gdb_probe_values("gdb-multiarch", &exe, &probes, Some(port));
    let _ = qemu.kill();
    let out = qemu.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let expected: Vec<&str> = if !arch.gdb_args {
        vec![
            "cross:args",
            "cross:args2",
            "cross:konst",
            "cross:wide",
            "cross:none",
        ]
    } else if arch.lp64 {
        vec![
            "cross:args -5 -7000000 200",
            "cross:args2 cross -3 65",
            "cross:konst 1234",
            "cross:wide -5000000000",
            "cross:none",
        ]
    } else {
        vec![
            "cross:args -5 -7000000 200",
            "cross:args2 cross -3 65",
            "cross:konst 1234",
            "cross:wide",
            "cross:none",
        ]
    };
    if hits != expected {
        return Err(format!(
            "gdb-multiarch read {hits:?}, expected {expected:?}; program printed {stdout:?}"
        ));
    }
    // gdb set the semaphore, so the guarded probe ran.
    if !stdout.contains("fired=1") {
        return Err(format!("semaphore not seen: {stdout:?}"));
    }
    Ok(())
}

#[test]
#[ignore = "system tier: cross compilers, qemu-user, gdb-multiarch"]
fn all_architectures() {
    probe_test_support::require_tools!(
        "aarch64-linux-gnu-gcc",
        "arm-linux-gnueabihf-gcc",
        "i686-linux-gnu-gcc",
        "powerpc64le-linux-gnu-gcc",
        "s390x-linux-gnu-gcc",
        "riscv64-linux-gnu-gcc",
        "qemu-aarch64",
        "qemu-arm",
        "qemu-i386",
        "qemu-ppc64le",
        "qemu-s390x",
        "qemu-riscv64",
        "gdb-multiarch",
        "clang-16"
    );
    let mut failures = Vec::new();
    // One thread per architecture; failures are reported per architecture.
    let results: Vec<(&str, Result<(), String>)> = std::thread::scope(|s| {
        let handles: Vec<_> = ARCHES
            .iter()
            .map(|arch| (arch.name, s.spawn(move || check_arch(arch))))
            .collect();
        handles
            .into_iter()
            .map(|(name, h)| {
                (
                    name,
                    h.join().unwrap_or_else(|_| Err("panicked".to_string())),
                )
            })
            .collect()
    });
    for (name, r) in results {
        match r {
            Ok(()) => eprintln!("{name}: ok"),
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "architectures failed:\n{}",
        failures.join("\n\n")
    );
}
