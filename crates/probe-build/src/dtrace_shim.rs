//! illumos/Solaris and FreeBSD: the C shim through which Rust fires probes,
//! compiled with `cc` and rewritten by the system `dtrace -G` (see
//! `probe_gen::dtrace_shim` for why a shim).

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

use probe_pipeline::read::has_cpp_directives;
use probe_provider::ProviderFile;

use crate::{write, Arch, Build, DtraceSystem, Error, DTRACE_ENV};

/// For each provider file, writes the shim's C source, compiles it with
/// `cc`, runs `dtrace -G` over the object (once, on fresh output: a second
/// run would find no sites), archives the rewritten object with the DOF
/// object, and links the archive whole (nothing refers to the DOF object;
/// its constructor registers it). Returns the archives.
pub(crate) fn build(
    this: &Build,
    files: &[ProviderFile],
    system: DtraceSystem,
    out_dir: &Path,
) -> Result<Vec<PathBuf>, Error> {
    let dtrace = this
        .dtrace
        .clone()
        .or_else(|| {
            env::var_os(DTRACE_ENV)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        })
        .unwrap_or_else(|| PathBuf::from("dtrace"));
    if this.cargo_metadata {
        println!("cargo:rerun-if-env-changed={DTRACE_ENV}");
    }
    let width = match &this.target {
        Some(_) => {
            let (_, arch) = this.target_os_and_arch();
            match Arch::from_rust_target_arch(&arch).map(Arch::pointer_width) {
                Some(4) => "32".to_string(),
                _ => "64".to_string(),
            }
        }
        None => env::var("CARGO_CFG_TARGET_POINTER_WIDTH").unwrap_or_else(|_| "64".to_string()),
    };
    let crate_name: String = env::var("CARGO_PKG_NAME")
        .unwrap_or_default()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let mut libraries = Vec::new();
    for (i, file) in files.iter().enumerate() {
        if file.providers.iter().all(|p| p.probes.is_empty()) {
            continue;
        }
        let stem = format!("probe-build-dtrace-{i}");
        let source = out_dir.join(format!("{stem}.c"));
        write(&source, probe_gen::dtrace_shim::generate(file).as_bytes())?;
        let objects_dir = out_dir.join(&stem);
        fs::create_dir_all(&objects_dir).map_err(|source| Error::Io {
            path: objects_dir.clone(),
            source,
        })?;
        let mut cc = cc::Build::new();
        if let Some(target) = &this.target {
            cc.target(target);
        }
        cc.file(&source)
            .out_dir(&objects_dir)
            .cargo_metadata(this.cargo_metadata)
            .warnings(false);
        let objects = cc.try_compile_intermediates().map_err(|e| Error::Tool {
            command: format!("cc {}", source.display()),
            message: e.to_string(),
        })?;

        let dof = out_dir.join(format!("{stem}-dof.o"));
        let _ = fs::remove_file(&dof);
        let mut command = std::process::Command::new(&dtrace);
        command
            .arg("-G")
            .arg(if width == "32" { "-32" } else { "-64" });
        command.args(&this.dtrace_args);
        if this.preprocess || has_cpp_directives(&file.path) {
            command.arg("-C");
            // dtrace feeds the file to cpp on stdin: a quoted #include is
            // found next to the file only through -I.
            if let Some(dir) = file.path.parent().filter(|d| !d.as_os_str().is_empty()) {
                command.arg("-I").arg(dir);
            }
            for dir in &this.include_dirs {
                command.arg("-I").arg(dir);
            }
            for (name, value) in &this.defines {
                match value {
                    Some(v) => command.arg("-D").arg(format!("{name}={v}")),
                    None => command.arg("-D").arg(name),
                };
            }
        }
        command
            .arg("-s")
            .arg(&file.path)
            .arg("-o")
            .arg(&dof)
            .args(&objects);
        run_tool(&mut command)?;

        let name = format!("probe_build_dtrace_{crate_name}_{i}");
        let library = out_dir.join(format!("lib{name}.a"));
        let _ = fs::remove_file(&library);
        let mut ar = cc.try_get_archiver().map_err(|e| Error::Tool {
            command: "ar".to_string(),
            message: e.to_string(),
        })?;
        ar.arg("crs").arg(&library).args(&objects).arg(&dof);
        run_tool(&mut ar)?;
        if this.cargo_metadata {
            println!("cargo:rustc-link-search=native={}", out_dir.display());
            println!("cargo:rustc-link-lib=static:+whole-archive={name}");
        }
        libraries.push(library);
    }
    // FreeBSD's drti.o, which `dtrace -G` links into the DOF object, needs libelf.
    if system == DtraceSystem::FreeBsd && !libraries.is_empty() && this.cargo_metadata {
        println!("cargo:rustc-link-lib=elf");
    }
    Ok(libraries)
}

/// Runs a tool, turning a failure into an error that shows its output.
fn run_tool(command: &mut std::process::Command) -> Result<(), Error> {
    let shown = format!("{command:?}");
    let output = command.output().map_err(|e| Error::Tool {
        command: shown.clone(),
        message: e.to_string(),
    })?;
    if output.status.success() {
        return Ok(());
    }
    let mut message = String::from_utf8_lossy(&output.stderr).trim().to_string();
    if message.is_empty() {
        message = String::from_utf8_lossy(&output.stdout).trim().to_string();
    }
    Err(Error::Tool {
        command: shown,
        message: format!("{} ({})", message, output.status),
    })
}
