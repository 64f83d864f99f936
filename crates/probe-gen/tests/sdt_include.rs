//! Ways real code includes the header: two generated headers in one
//! translation unit, inclusion inside `extern "C" { }` from C++, the same
//! header included twice, strict C89, and the unknown-architecture error.

mod sdt_support;

use std::process::Command;

use probe_gen::sdt_header::{generate, SdtHeaderOptions};
use sdt_support::*;

const PROGRAM: &str = r#"
#ifdef __cplusplus
extern "C" {
#endif
#include "one.h"
#include "two.h"
#include "one.h"
#ifdef __cplusplus
}
#endif
int main(void) {
    int v = 3;
    ONE_A(v);
    if (TWO_B_ENABLED()) TWO_B(v, "s");
    return 0;
}
"#;

fn build_two(compiler: &str, std: &str, src_name: &str) {
    let one = model(&[("one", &[("a", &["int"])])]);
    let two = model(&[("two", &[("b", &["int", "const char *"])])]);
    let dir = workdir(&format!("sdt-include-{compiler}"));
    write(&dir, "one.h", &generate(&one, &SdtHeaderOptions::new()));
    write(&dir, "two.h", &generate(&two, &SdtHeaderOptions::new()));
    let sems = write(&dir, "sems.c", &(semaphores_c(&one) + &semaphores_c(&two)));
    let sems_o = dir.join("sems.o");
    run(Command::new("gcc")
        .arg("-c")
        .arg(&sems)
        .arg("-o")
        .arg(&sems_o));
    let src = write(&dir, src_name, PROGRAM);
    let exe = build(
        compiler,
        &dir,
        &[&src, &sems_o],
        &[
            "-O2",
            std,
            "-pedantic",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-I",
            dir.to_str().unwrap(),
        ],
        "prog",
    );
    let n = notes(&exe);
    let names: Vec<(&str, &str, Vec<String>)> = n
        .iter()
        .map(|x| (x.provider.as_str(), x.name.as_str(), x.sizes()))
        .collect();
    assert_eq!(
        names,
        [
            ("one", "a", vec!["-4".to_string()]),
            ("two", "b", vec!["-4".to_string(), "8".to_string()])
        ]
    );
}

#[test]
fn two_headers_c89() {
    build_two("gcc", "-std=c89", "prog.c");
}

#[test]
#[ignore = "system tier: g++, clang++-16"]
fn two_headers_inside_extern_c_gpp() {
    probe_test_support::require_tools!("g++", "clang++-16");
    build_two("g++", "-std=c++11", "prog.cc");
}

#[test]
#[ignore = "system tier: g++, clang++-16"]
fn two_headers_inside_extern_c_clangpp() {
    probe_test_support::require_tools!("g++", "clang++-16");
    build_two("clang++-16", "-std=c++98", "prog.cc");
}

/// An architecture the header does not know stops with a clear #error.
#[test]
fn unknown_architecture_is_an_error() {
    let file = model(&[("one", &[("a", &["int"])])]);
    let dir = workdir("sdt-include-arch");
    write(&dir, "one.h", &generate(&file, &SdtHeaderOptions::new()));
    let src = write(
        &dir,
        "prog.c",
        "#include \"one.h\"\nint main(void) { ONE_A(1); return 0; }\n",
    );
    // Pretend to be another architecture: undefine x86_64's macro.
    let out = run_raw(
        Command::new("gcc")
            .args(["-c", "-U__x86_64__", "-I"])
            .arg(&dir)
            .arg(&src)
            .arg("-o")
            .arg(dir.join("p.o")),
        std::time::Duration::from_secs(60),
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("#error") && err.contains("this architecture has no SDT support"),
        "{err}"
    );
}
