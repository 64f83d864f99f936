//! What `Build::compile` tells Cargo, run as a build script would run it
//! (the `build_script` example): rerun lines for the files and what they
//! include, a warning when probes are compiled out, and on bad input a
//! `FILE:LINE:COL: error:` message, exit status 1 and no output files.

use std::path::PathBuf;
use std::process::{Command, Output};

fn build_script(
    name: &str,
    target: (&str, &str),
    files: &[(&str, &str)],
    env: &[(&str, &str)],
) -> (Output, PathBuf) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("cargo-lines")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    let out_dir = dir.join("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    let mut paths = Vec::new();
    for (file, text) in files {
        std::fs::write(dir.join(file), text).unwrap();
        if file.ends_with(".d") {
            paths.push(dir.join(file));
        }
    }
    // The example sits next to the test binaries' folder.
    let exe = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("examples/build_script");
    let mut cmd = Command::new(&exe);
    cmd.arg(&out_dir)
        .arg(target.0)
        .arg(target.1)
        .args(&paths)
        .env_remove("PROBE_BUILD_DISABLE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    (
        cmd.output()
            .unwrap_or_else(|e| panic!("{}: {e}", exe.display())),
        out_dir,
    )
}

const PROBES: &str = "#include \"args.h\"\nprovider app {\n  probe start(ARGS);\n};\n";
const ARGS_H: &str = "#define ARGS const char *who, int n\n";

#[test]
fn rerun_lines_cover_includes() {
    let (out, out_dir) = build_script(
        "rerun",
        ("linux", "x86_64"),
        &[("probes.d", PROBES), ("args.h", ARGS_H)],
        &[],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("cargo:rerun-if-env-changed=PROBE_BUILD_DISABLE\n"),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("cargo:rerun-if-changed=") && l.ends_with("probes.d")),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("cargo:rerun-if-changed=") && l.ends_with("args.h")),
        "{stdout}"
    );
    assert!(!stdout.contains("cargo:warning"), "{stdout}");
    assert!(out_dir.join("probes.rs").exists() && out_dir.join("probes.h").exists());
}

#[test]
fn compiled_out_says_why() {
    let files = [("probes.d", PROBES), ("args.h", ARGS_H)];
    let (out, out_dir) = build_script(
        "off-env",
        ("linux", "x86_64"),
        &files,
        &[("PROBE_BUILD_DISABLE", "1")],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout
            .contains("cargo:warning=probes compiled out: switched off by PROBE_BUILD_DISABLE=1\n"),
        "{stdout}"
    );
    let header = std::fs::read_to_string(out_dir.join("probes.h")).unwrap();
    assert!(
        !header.contains("semaphore"),
        "the compiled-out C header must not need the semaphores:\n{header}"
    );

    let (out, _) = build_script("off-target", ("windows", "x86_64"), &files, &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(
            "cargo:warning=probes compiled out: no probe mechanism for target OS `windows`\n"
        ),
        "{stdout}"
    );
}

#[test]
fn bad_input_fails_cleanly() {
    let (out, out_dir) = build_script(
        "bad",
        ("linux", "x86_64"),
        &[("probes.d", "provider app {\n  probe start(int;\n};\n")],
        &[],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("probes.d:2:") && stderr.contains(": error: "),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        std::fs::read_dir(&out_dir).unwrap().count(),
        0,
        "output written on error"
    );
}

/// A FreeBSD target: the shim archive linked whole, `-lelf` for FreeBSD's
/// drti.o, `dtrace -G -C` for a provider file that includes a header; and a
/// `dtrace` that fails stops the build script with its message.
#[test]
#[ignore = "system tier: the illumos stand-in (python3)"]
fn freebsd_links_the_shim_and_libelf() {
    probe_test_support::require_tools!("python3");
    let stand_in = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scripts/stand-ins/dtrace-illumos");
    let stand_in = stand_in.canonicalize().unwrap().display().to_string();
    let files = [("probes.d", PROBES), ("args.h", ARGS_H)];
    let env = |dtrace: &str| {
        [
            ("TARGET", "x86_64-unknown-freebsd".to_string()),
            ("HOST", "x86_64-unknown-linux-gnu".to_string()),
            ("OPT_LEVEL", "0".to_string()),
            ("CC_x86_64_unknown_freebsd", "gcc".to_string()),
            ("AR_x86_64_unknown_freebsd", "ar".to_string()),
            ("CARGO_PKG_NAME", "app".to_string()),
            ("DTRACE", dtrace.to_string()),
        ]
    };
    let owned = env(&stand_in);
    let pairs: Vec<(&str, &str)> = owned.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (out, out_dir) = build_script("freebsd", ("freebsd", "x86_64"), &files, &pairs);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("cargo:rerun-if-env-changed=DTRACE\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "cargo:rustc-link-search=native={}\n",
            out_dir.display()
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("cargo:rustc-link-lib=static:+whole-archive=probe_build_dtrace_app_0\n"),
        "{stdout}"
    );
    assert!(stdout.contains("cargo:rustc-link-lib=elf\n"), "{stdout}");
    assert!(!stdout.contains("cargo:warning"), "{stdout}");
    assert!(out_dir.join("libprobe_build_dtrace_app_0.a").exists());

    let owned = env("/bin/false");
    let pairs: Vec<(&str, &str)> = owned.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (out, out_dir) = build_script("freebsd-bad-dtrace", ("freebsd", "x86_64"), &files, &pairs);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("probe-build: error: ") && stderr.contains("\"-G\""),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!out_dir.join("libprobe_build_dtrace_app_0.a").exists());
}
