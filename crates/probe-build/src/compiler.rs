//! The C preprocessor of a build script: the target's C compiler with `-E`,
//! found the way the `cc` crate finds it (`CC_<target>`, `$CC`, a
//! target-prefixed compiler, ...), unless `$CPP` names one.

use std::ffi::OsString;

use probe_provider::Preprocessor;

/// A preprocessor for provider files of `target` (a Rust or GNU triple);
/// without a target, or when `cc` finds no compiler, the provider crate's
/// default (`$CPP`, else `$CC -E`, else `cc -E`).
pub(crate) fn preprocessor(target: Option<&str>) -> Preprocessor {
    let mut preprocessor = Preprocessor::new();
    let cpp_given = std::env::var_os("CPP").is_some_and(|v| !v.to_string_lossy().trim().is_empty());
    if let (Some(target), false) = (target, cpp_given) {
        if let Some(command) = compiler_command(target) {
            preprocessor.command(command);
        }
    }
    preprocessor
}

fn compiler_command(target: &str) -> Option<Vec<OsString>> {
    let host = std::env::var("HOST").unwrap_or_else(|_| target.to_string());
    let mut build = cc::Build::new();
    build
        .cargo_metadata(false)
        .cargo_warnings(false)
        .opt_level(0)
        .debug(false)
        .warnings(false)
        .target(target)
        .host(&host);
    let compiler = build.try_get_compiler().ok()?;
    let mut command = vec![compiler.path().as_os_str().to_owned()];
    // Keep only what changes how the preprocessor sees the code.
    for arg in compiler.args() {
        let text = arg.to_string_lossy();
        if text.starts_with("-m") || text.starts_with("--target") || text.starts_with("-std") {
            command.push(arg.clone());
        }
    }
    command.push("-E".into());
    Some(command)
}
