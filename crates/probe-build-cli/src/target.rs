//! Choosing the architecture and ELF class of the `-G` stub object.
//!
//! In order: the first ELF object named on the command line; else the C
//! compiler's target (`$CC -dumpmachine`, else `cc -dumpmachine`, with
//! `-m32`/`-m64` found in `$CC` or `$CFLAGS` applied), else the host; then
//! `-32`/`-64` change the class of what was found when no object decided it.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use probe_target::{ElfClass, ElfTarget};

use crate::failure::{failed, Result};

/// What the command line says about the target.
#[derive(Debug, Clone, Default)]
pub struct TargetChoice {
    /// Object files named on the command line.
    pub objects: Vec<PathBuf>,
    /// `-32` or `-64`.
    pub class: Option<ElfClass>,
    /// `--target TRIPLE` (subcommand `object` only).
    pub triple: Option<String>,
}

/// Resolves the stub object's target.
pub fn resolve(choice: &TargetChoice) -> Result<ElfTarget> {
    for object in &choice.objects {
        if let Some(target) = target_of_object(object) {
            return Ok(target);
        }
    }
    let (base, compiler_class) = match &choice.triple {
        Some(triple) => {
            let target =
                ElfTarget::from_triple(triple).map_err(|e| failed!("probe-build: error: {e}"))?;
            (target, None)
        }
        None => compiler_target()?,
    };
    match choice.class.or(compiler_class) {
        Some(class) => base
            .with_class(class)
            .map_err(|e| failed!("probe-build: error: {e}")),
        None => Ok(base),
    }
}

/// The target of an ELF object file; `None` for files that are missing or
/// not ELF (LLVM bitcode from `-flto`, libtool `.lo` scripts, archives).
/// Only the ELF header is read, so hundreds of objects cost little.
fn target_of_object(path: &Path) -> Option<ElfTarget> {
    let mut header = [0u8; 64];
    let mut file = File::open(path).ok()?;
    let mut len = 0;
    while len < header.len() {
        match file.read(&mut header[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(_) => return None,
        }
    }
    ElfTarget::from_elf_header(&header[..len]).ok()
}

/// The C compiler's target and the class its flags ask for, else the host.
fn compiler_target() -> Result<(ElfTarget, Option<ElfClass>)> {
    let cc = std::env::var("CC").ok().filter(|cc| !cc.trim().is_empty());
    let cc_words: Vec<String> = match &cc {
        Some(cc) => cc.split_whitespace().map(String::from).collect(),
        None => vec!["cc".to_string()],
    };
    let cflags = std::env::var("CFLAGS").unwrap_or_default();
    let class = cc_words
        .iter()
        .map(String::as_str)
        .chain(cflags.split_whitespace())
        .fold(None, |class, word| match word {
            "-m32" => Some(ElfClass::Elf32),
            "-m64" => Some(ElfClass::Elf64),
            _ => class,
        });
    let target = triple_from_compiler_path(&cc_words)
        .or_else(|| dump_machine(&cc_words))
        .and_then(|triple| ElfTarget::from_triple(&triple).ok());
    let target = match target {
        Some(target) => target,
        None => ElfTarget::host().map_err(|e| failed!("probe-build: error: {e}"))?,
    };
    Ok((target, class))
}

/// `CC -dumpmachine`, when the compiler runs.
fn dump_machine(cc_words: &[String]) -> Option<String> {
    let out = Command::new(&cc_words[0])
        .args(&cc_words[1..])
        .arg("-dumpmachine")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|out| out.status.success())?;
    String::from_utf8(out.stdout)
        .ok()
        .map(|s| s.trim().to_string())
}

/// The triple in the compiler's own file name, found without running it:
/// Debian's and most distributions' compilers are installed as
/// `TRIPLE-gcc-VERSION` with `cc`, `gcc` and cross names linking there
/// (`/usr/bin/cc` resolves to `/usr/bin/x86_64-linux-gnu-gcc-12`). That is
/// what `-dumpmachine` would print, at no process start. A compiler command
/// with options that may change the target (`--target`, `-target`) or a
/// wrapper (`ccache gcc`) is left to `-dumpmachine`.
fn triple_from_compiler_path(cc_words: &[String]) -> Option<String> {
    if cc_words[1..]
        .iter()
        .any(|w| w.starts_with("--target") || w == "-target")
    {
        return None;
    }
    // `which` resolves a bare name through PATH the way the shell does
    // (executable files only) and leaves a path with a folder as it is.
    let found = which::which(&cc_words[0]).ok()?;
    let resolved = std::fs::canonicalize(found).ok()?;
    let name = resolved.file_name()?.to_str()?;
    // TRIPLE-TOOL or TRIPLE-TOOL-VERSION.
    let without_version = match name.rsplit_once('-') {
        Some((head, version)) if version.chars().all(|c| c.is_ascii_digit() || c == '.') => head,
        _ => name,
    };
    let (triple, tool) = without_version.rsplit_once('-')?;
    let known_tool = matches!(tool, "gcc" | "cc" | "clang" | "g++" | "c++" | "clang++");
    // A GNU triple has at least a CPU and a system part.
    (known_tool && triple.contains('-')).then(|| triple.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triple_comes_from_the_resolved_compiler_name() {
        let dir = std::env::temp_dir().join(format!("probe-build-target-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let real = dir.join("aarch64-linux-gnu-gcc-12");
        std::fs::write(&real, "").unwrap();
        // Compilers are executables; `which` finds nothing else.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o755)).unwrap();
        let link = dir.join("cc");
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let cc = link.to_str().unwrap();
        assert_eq!(
            triple_from_compiler_path(&words(&[cc])).as_deref(),
            Some("aarch64-linux-gnu")
        );
        assert_eq!(
            triple_from_compiler_path(&words(&[cc, "--target=x86_64-linux-gnu"])),
            None
        );
        let plain = dir.join("clang");
        std::fs::write(&plain, "").unwrap();
        assert_eq!(
            triple_from_compiler_path(&words(&[plain.to_str().unwrap()])),
            None
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
