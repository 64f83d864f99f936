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

use probe_gen::stub_object::{ElfClass, ObjectTarget};

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
pub fn resolve(choice: &TargetChoice) -> Result<ObjectTarget> {
    for object in &choice.objects {
        if let Some(target) = target_of_object(object) {
            return Ok(target);
        }
    }
    let (base, compiler_class) = match &choice.triple {
        Some(triple) => {
            let target = ObjectTarget::from_triple(triple)
                .map_err(|e| failed!("probe-build: error: {e}"))?;
            (target, None)
        }
        None => compiler_target(),
    };
    match choice.class.or(compiler_class) {
        Some(class) => base.with_class(class).map_err(|e| failed!("probe-build: error: {e}")),
        None => Ok(base),
    }
}

/// The target of an ELF object file; `None` for files that are missing or
/// not ELF (LLVM bitcode from `-flto`, libtool `.lo` scripts, archives).
/// Only the ELF header is read, so hundreds of objects cost little.
fn target_of_object(path: &Path) -> Option<ObjectTarget> {
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
    ObjectTarget::from_elf_object(&header[..len]).ok()
}

/// The C compiler's target and the class its flags ask for, else the host.
fn compiler_target() -> (ObjectTarget, Option<ElfClass>) {
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
    let triple = Command::new(&cc_words[0])
        .args(&cc_words[1..])
        .arg("-dumpmachine")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|out| out.status.success())
        .and_then(|out| String::from_utf8(out.stdout).ok());
    let target = triple
        .and_then(|triple| ObjectTarget::from_triple(triple.trim()).ok())
        .or_else(|| ObjectTarget::host().ok())
        .unwrap_or_else(|| {
            ObjectTarget::from_triple("x86_64-linux-gnu").expect("x86_64 is always supported")
        });
    (target, class)
}
