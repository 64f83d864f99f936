//! `$CPP` chooses the preprocessor; a file name starting with `-` is not
//! taken for an option. A test binary of its own with a single test,
//! because it changes the environment and working directory of the process.

use probe_provider::{parse_file_with, Preprocessor};

#[test]
fn cpp_environment_variable_is_split_on_white_space() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("cpp_env");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("p.d"), "provider p { probe x(MY_T); };\n").unwrap();
    // SAFETY: this test binary runs only this one test, on one thread.
    unsafe { std::env::set_var("CPP", "cpp  -DMY_T=uint32_t") };
    let cpp = Preprocessor::new();
    let command = cpp.resolved_command().unwrap();
    assert_eq!(command[0], "cpp");
    assert_eq!(command[1], "-DMY_T=uint32_t");
    let file = parse_file_with(dir.join("p.d"), Some(&cpp)).unwrap();
    assert_eq!(
        file.providers[0].probes[0].args[0].ty.normalized,
        "uint32_t"
    );

    unsafe { std::env::remove_var("CPP") };
    let command = cpp.resolved_command().unwrap();
    assert!(command.iter().any(|a| a == "-E"), "{command:?}");

    std::fs::write(dir.join("-dash.d"), "provider p { probe y(); };\n").unwrap();
    std::env::set_current_dir(&dir).unwrap();
    let file = parse_file_with("-dash.d", Some(&cpp)).unwrap();
    assert_eq!(file.providers[0].probes[0].name, "y");
}
