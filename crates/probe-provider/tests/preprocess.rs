//! `dtrace -C`: the C preprocessor runs first, and positions still point at
//! the files the user wrote. Needs a C compiler (gcc from install-deps).

use std::path::{Path, PathBuf};

use probe_provider::{parse_file_with, Error, Preprocessor};

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("preprocess")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn include_resolves_next_to_the_provider_file() {
    let dir = scratch("include");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("sub/types.h"), "#define RelOid unsigned int\n").unwrap();
    std::fs::write(
        dir.join("sub/probes.d"),
        "#include \"types.h\"\nprovider db {\n  probe open(RelOid rel);\n};\n",
    )
    .unwrap();
    // Run from elsewhere: the include must not depend on the working directory.
    let file = parse_file_with(dir.join("sub/probes.d"), Some(&Preprocessor::new())).unwrap();
    let probe = &file.providers[0].probes[0];
    assert_eq!(probe.args[0].ty.normalized, "unsigned int");
    assert_eq!(probe.args[0].name.as_deref(), Some("rel"));
    assert_eq!(probe.span.line, 3);
    assert_eq!(&*probe.span.file, dir.join("sub/probes.d").as_path());
    assert!(file.warnings.is_empty());
}

#[test]
fn defines_and_undefines_in_order() {
    let dir = scratch("defines");
    let path = dir.join("p.d");
    std::fs::write(
        &path,
        "provider p {\n#ifdef WITH_A\n  probe a(ARG_T);\n#endif\n#ifdef WITH_B\n  probe b();\n#endif\n};\n",
    )
    .unwrap();
    let mut cpp = Preprocessor::new();
    cpp.define("WITH_A", None)
        .define("ARG_T", Some("long"))
        .define_arg("WITH_B=1")
        .undefine("WITH_B");
    let file = parse_file_with(&path, Some(&cpp)).unwrap();
    let names: Vec<&str> = file.providers[0]
        .probes
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["a"]);
    assert_eq!(file.providers[0].probes[0].args[0].ty.normalized, "long");
    assert_eq!(file.providers[0].probes[0].span.line, 3);
}

#[test]
fn include_dir_option() {
    let dir = scratch("include_dir");
    std::fs::create_dir_all(dir.join("inc")).unwrap();
    std::fs::write(dir.join("inc/t.h"), "typedef struct { int x; } thing_t;\n").unwrap();
    std::fs::write(
        dir.join("p.d"),
        "#include <t.h>\nprovider p { probe x(thing_t *t); };\n",
    )
    .unwrap();
    let mut cpp = Preprocessor::new();
    cpp.include_dir(dir.join("inc"));
    let file = parse_file_with(dir.join("p.d"), Some(&cpp)).unwrap();
    assert_eq!(
        file.providers[0].probes[0].args[0].ty.normalized,
        "thing_t *"
    );
}

#[test]
fn errors_point_at_the_original_file_and_line() {
    let dir = scratch("errors");
    std::fs::write(
        dir.join("inc.h"),
        "/* one */\n/* two */\nprovider q {\n  probe bad(int\n};\n",
    )
    .unwrap();
    std::fs::write(dir.join("main.d"), "#define X 1\n\n#include \"inc.h\"\n").unwrap();
    let err = parse_file_with(dir.join("main.d"), Some(&Preprocessor::new())).unwrap_err();
    let shown = err.to_string();
    let expected = format!("{}:4:16: error:", dir.join("inc.h").display());
    assert!(shown.starts_with(&expected), "{shown}");
    // The source line comes from the original file.
    assert!(shown.contains("\n   probe bad(int\n"), "{shown}");
}

#[test]
fn errors_in_the_main_file_after_directives() {
    let dir = scratch("errors_main");
    std::fs::write(
        dir.join("main.d"),
        "#define T int\n#if 0\nignored\n#endif\n/* c */\nprovider p {\n  probe x(T) probe y();\n};\n",
    )
    .unwrap();
    let err = parse_file_with(dir.join("main.d"), Some(&Preprocessor::new())).unwrap_err();
    let shown = err.to_string();
    assert!(shown.contains("main.d:7:"), "{shown}");
    assert!(shown.contains("missing `;`"), "{shown}");
    assert!(shown.contains("\n   probe x(T) probe y();\n"), "{shown}");
}

#[test]
fn preprocessor_failure_is_reported() {
    let dir = scratch("failure");
    std::fs::write(dir.join("p.d"), "#include \"missing.h\"\nprovider p {};\n").unwrap();
    match parse_file_with(dir.join("p.d"), Some(&Preprocessor::new())) {
        Err(Error::Preprocessor { message, .. }) => {
            assert!(message.contains("missing.h"), "{message}")
        }
        other => panic!("expected a preprocessor error, got {other:?}"),
    }
}

#[test]
fn missing_preprocessor_program() {
    let dir = scratch("missing_program");
    std::fs::write(dir.join("p.d"), "provider p {};\n").unwrap();
    let mut cpp = Preprocessor::new();
    cpp.command(["/nonexistent/cpp"]);
    match parse_file_with(dir.join("p.d"), Some(&cpp)) {
        Err(err @ Error::Preprocessor { .. }) => {
            assert!(err.to_string().contains("/nonexistent/cpp"), "{err}")
        }
        other => panic!("expected a preprocessor error, got {other:?}"),
    }
}

#[test]
fn explicit_command_like_cpp() {
    let dir = scratch("explicit");
    std::fs::write(dir.join("p.d"), "provider p { probe x(N); };\n").unwrap();
    let mut cpp = Preprocessor::new();
    cpp.command(["cpp", "-DN=short"]);
    let file = parse_file_with(dir.join("p.d"), Some(&cpp)).unwrap();
    assert_eq!(file.providers[0].probes[0].args[0].ty.normalized, "short");
}

#[test]
fn binary_input_is_rejected_before_preprocessing() {
    let dir = scratch("binary");
    std::fs::write(dir.join("p.d"), b"provider p {\0};\n").unwrap();
    let err = parse_file_with(dir.join("p.d"), Some(&Preprocessor::new())).unwrap_err();
    assert!(
        err.to_string().contains("p.d:1:13: error: binary data"),
        "{err}"
    );
}

#[test]
fn pragmas_survive_preprocessing() {
    let dir = scratch("pragmas");
    std::fs::write(
        dir.join("p.d"),
        "provider p { probe x(); };\n#pragma D attributes Evolving/Evolving/Common provider p provider\n",
    )
    .unwrap();
    let file = parse_file_with(dir.join("p.d"), Some(&Preprocessor::new())).unwrap();
    assert_eq!(file.pragmas.len(), 1);
    assert_eq!(
        file.pragmas[0].text,
        "attributes Evolving/Evolving/Common provider p provider"
    );
    assert_eq!(file.pragmas[0].span.line, 2);
}

#[test]
#[ignore = "system tier: clang-16, cross compilers"]
fn clang_as_the_preprocessor() {
    probe_test_support::require_tools!("clang-16", "aarch64-linux-gnu-gcc");
    let dir = scratch("clang");
    std::fs::write(dir.join("inc.h"), "#define COUNT_T unsigned long\n").unwrap();
    std::fs::write(
        dir.join("p.d"),
        "#include \"inc.h\"\n/* x */\nprovider p {\n  probe x(COUNT_T n);\n  probe y(int\n};\n",
    )
    .unwrap();
    let mut cpp = Preprocessor::new();
    cpp.command(["clang-16", "-E"]);
    let err = parse_file_with(dir.join("p.d"), Some(&cpp)).unwrap_err();
    assert!(
        err.to_string()
            .contains("p.d:5:14: error: unbalanced brackets"),
        "{err}"
    );
    std::fs::write(
        dir.join("p.d"),
        "#include \"inc.h\"\n/* x */\nprovider p {\n  probe x(COUNT_T n);\n};\n",
    )
    .unwrap();
    let file = parse_file_with(dir.join("p.d"), Some(&cpp)).unwrap();
    assert_eq!(
        file.providers[0].probes[0].args[0].ty.normalized,
        "unsigned long"
    );
    assert_eq!(file.providers[0].probes[0].span.line, 4);
}

#[test]
fn columns_after_a_macro_expansion_point_into_the_original_line() {
    let dir = scratch("columns");
    std::fs::write(
        dir.join("p.d"),
        "#define LONG_TYPE_NAME int\nprovider p {\n  probe b(LONG_TYPE_NAME x y);\n};\n",
    )
    .unwrap();
    let err = parse_file_with(dir.join("p.d"), Some(&Preprocessor::new())).unwrap_err();
    let shown = err.to_string();
    // `y` is at column 28 of the original line (column 17 after expansion).
    assert!(
        shown.contains("p.d:3:28: error: expected `,` or `)`"),
        "{shown}"
    );
    assert!(
        shown.ends_with("\n   probe b(LONG_TYPE_NAME x y);\n                            ^"),
        "{shown}"
    );
}

#[test]
fn anything_in_skipped_conditional_blocks() {
    let dir = scratch("skipped_blocks");
    std::fs::write(
        dir.join("p.d"),
        "#if 0\nthis isn't a provider file: don't lex it\n\"unterminated\n#endif\nprovider p { probe x(); };\n",
    )
    .unwrap();
    let file = parse_file_with(dir.join("p.d"), Some(&Preprocessor::new())).unwrap();
    assert_eq!(file.providers[0].probes[0].span.line, 5);
}

#[test]
fn a_word_the_preprocessor_replaced_is_named() {
    let dir = scratch("linux");
    std::fs::write(dir.join("p.d"), "provider linux {\n  probe x(int);\n};\n").unwrap();
    let err = parse_file_with(dir.join("p.d"), Some(&Preprocessor::new())).unwrap_err();
    let shown = err.to_string();
    assert!(
        shown.contains("p.d:1:10: error: invalid provider name `1`"),
        "{shown}"
    );
    assert!(
        shown.contains("(`linux` is a macro: the preprocessor turned it into `1`)"),
        "{shown}"
    );
    let mut cpp = Preprocessor::new();
    cpp.undefine("linux");
    let file = parse_file_with(dir.join("p.d"), Some(&cpp)).unwrap();
    assert_eq!(file.providers[0].name, "linux");
}
