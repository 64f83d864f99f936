//! Reading provider files into one model.

use std::fs;
use std::path::{Path, PathBuf};

use probe_provider::{Error, Preprocessor, ProviderFile};

/// When to run the C preprocessor over a provider file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Preprocess {
    /// Never (`dtrace` without `-C`): directives are reported, not acted on.
    #[default]
    Never,
    /// Always (`dtrace -C`).
    Always,
    /// For files that use preprocessor directives (`#include`, `#define`,
    /// `#if`, ...; `#pragma D` lines belong to D).
    WhenNeeded,
}

/// How to read provider files.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    pub preprocess: Preprocess,
    /// The preprocessor: its command, `-I`, `-D` and `-U`.
    pub preprocessor: Preprocessor,
    /// A folder for the preprocessor's dependency lists (`-MMD`), so that
    /// [`Sources::inputs`] names the files each provider file includes.
    /// Without it, only the provider files are listed.
    pub dependency_dir: Option<PathBuf>,
}

/// What [`read`] read.
#[derive(Debug, Clone)]
pub struct Sources {
    /// All files in one model: providers, pragmas and warnings in order.
    pub merged: ProviderFile,
    /// Each file on its own, in the order given.
    pub files: Vec<ProviderFile>,
    /// Every file read: the provider files, then what they include.
    pub inputs: Vec<PathBuf>,
}

/// Reads `paths` (at least one) into one model.
pub fn read<P: AsRef<Path>>(paths: &[P], options: &ReadOptions) -> Result<Sources, Error> {
    let mut merged: Option<ProviderFile> = None;
    let mut files = Vec::new();
    let mut inputs: Vec<PathBuf> = paths.iter().map(|p| p.as_ref().to_path_buf()).collect();
    for (i, path) in paths.iter().enumerate() {
        let path = path.as_ref();
        let preprocess = match options.preprocess {
            Preprocess::Never => false,
            Preprocess::Always => true,
            Preprocess::WhenNeeded => has_cpp_directives(path),
        };
        let file = if preprocess {
            read_preprocessed(path, i, options, &mut inputs)?
        } else {
            probe_provider::parse_file(path)?
        };
        files.push(file.clone());
        match &mut merged {
            None => merged = Some(file),
            Some(m) => {
                m.providers.extend(file.providers);
                m.pragmas.extend(file.pragmas);
                m.warnings.extend(file.warnings);
            }
        }
    }
    let merged = merged.ok_or_else(|| Error::Io {
        path: PathBuf::new(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "no provider file given"),
    })?;
    Ok(Sources {
        merged,
        files,
        inputs,
    })
}

fn read_preprocessed(
    path: &Path,
    index: usize,
    options: &ReadOptions,
    inputs: &mut Vec<PathBuf>,
) -> Result<ProviderFile, Error> {
    let Some(dir) = &options.dependency_dir else {
        return probe_provider::parse_file_with(path, Some(&options.preprocessor));
    };
    // The preprocessor lists the (non-system) files it includes.
    let deps = dir.join(format!("probe-build-{index}.deps"));
    let mut cpp = options.preprocessor.clone();
    cpp.arg("-MMD").arg("-MF").arg(&deps);
    let parsed = probe_provider::parse_file_with(path, Some(&cpp));
    // Even a failed run lists what it read: a fix there must rerun the build.
    if let Ok(text) = fs::read_to_string(&deps) {
        for dep in parse_make_deps(&text) {
            if !inputs.contains(&dep) {
                inputs.push(dep);
            }
        }
    }
    let _ = fs::remove_file(&deps);
    parsed
}

/// Whether a provider file uses the C preprocessor (`#include`, `#define`,
/// `#if`...; `#pragma D` lines belong to the D language).
pub fn has_cpp_directives(path: &Path) -> bool {
    let Ok(text) = fs::read_to_string(path) else {
        return false;
    };
    text.lines().any(|line| {
        let Some(rest) = line.trim_start().strip_prefix('#') else {
            return false;
        };
        let word: String = rest
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect();
        matches!(
            word.as_str(),
            "include"
                | "define"
                | "undef"
                | "if"
                | "ifdef"
                | "ifndef"
                | "elif"
                | "else"
                | "endif"
                | "error"
                | "line"
        )
    })
}

/// The prerequisites of a Make rule written by `cc -MD`.
fn parse_make_deps(text: &str) -> Vec<PathBuf> {
    let joined = text.replace("\\\n", " ");
    let mut deps = Vec::new();
    for line in joined.lines() {
        // Skip the target, up to the first unescaped `: `.
        let Some(pos) = line.find(": ") else { continue };
        let mut word = String::new();
        let mut chars = line[pos + 2..].chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' if chars.peek() == Some(&' ') => {
                    word.push(' ');
                    chars.next();
                }
                ' ' | '\t' => {
                    if !word.is_empty() {
                        deps.push(PathBuf::from(std::mem::take(&mut word)));
                    }
                }
                _ => word.push(c),
            }
        }
        if !word.is_empty() {
            deps.push(PathBuf::from(word));
        }
    }
    deps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn make_deps() {
        let deps = parse_make_deps("x.o: a.d inc/b.h \\\n  with\\ space.h\n");
        assert_eq!(
            deps,
            vec![
                PathBuf::from("a.d"),
                PathBuf::from("inc/b.h"),
                PathBuf::from("with space.h")
            ]
        );
    }

    #[test]
    fn merges_files_in_order() {
        let dir = std::env::temp_dir().join(format!("probe-pipeline-read-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("a.d"), "provider a { probe x(int); };\n").unwrap();
        fs::write(
            dir.join("b.d"),
            "#define T long\nprovider b { probe y(T); };\n",
        )
        .unwrap();
        let options = ReadOptions {
            preprocess: Preprocess::WhenNeeded,
            ..ReadOptions::default()
        };
        let read = read(&[dir.join("a.d"), dir.join("b.d")], &options).unwrap();
        let names: Vec<&str> = read
            .merged
            .providers
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(read.files.len(), 2);
        assert_eq!(
            read.merged.providers[1].probes[0].args[0].ty.normalized,
            "long"
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}
