//! `probe-build dtrace ...`: the command line of SystemTap's `dtrace`
//! wrapper, which build systems call as `$(DTRACE) -h -s probes.d -o probes.h`
//! and `$(DTRACE) -G -s probes.d -o probes.o objects...`.
//!
//! The syntax is getopt-like and predates clap's conventions (`-32`, `-64`,
//! `-fPIC`, `-IDIR` and `-I DIR`, objects among the options), so it is
//! parsed by hand here.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use probe_target::ElfClass;

use crate::failure::{failed, Failure, Result};
use crate::generate;
use crate::input::{read_provider_file, ReadOptions};
use crate::output::{write_output, Destination};
use crate::target::{self, TargetChoice};

pub const USAGE_LINE: &str =
    "Usage: dtrace [-h | -G] [-C] [-I DIR] [-D NAME[=VALUE]] [-U NAME] -s FILE.d [-o OUTPUT] [OBJECT...]";

pub const USAGE: &str = "\
Usage: dtrace [-h | -G] [-C] [-I DIR] [-D NAME[=VALUE]] [-U NAME] -s FILE.d [-o OUTPUT] [OBJECT...]
       (also: probe-build dtrace ...)

  -h          write a C header with the probe macros (default output: FILE.h)
  -G          write the stub object defining the probe semaphores (default: FILE.o)
  -s FILE.d   the provider file
  -o OUTPUT   the output file (replaced atomically)
  -C          run the C preprocessor over FILE.d first ($CPP, else cc -E)
  -I DIR, -D NAME[=VALUE], -U NAME
              passed to the C preprocessor (with -C)
  -32, -64    the ELF class of the -G object when no object file decides it
  OBJECT...   object files: accepted and left unchanged; the first ELF one
              sets the -G object's architecture
  -x ARG, -fPIC, -fpic, -k, --types
              accepted for compatibility, without effect
  --help      this text

Exit status: 0 success, 1 bad input or unwritable output, 2 usage error.
";

/// What to produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `-h`
    Header,
    /// `-G`
    Object,
}

/// A parsed wrapper command line.
#[derive(Debug, Clone, Default)]
pub struct DtraceArgs {
    pub mode: Option<Mode>,
    pub read: ReadOptions,
    pub source: Option<PathBuf>,
    pub output: Option<PathBuf>,
    pub class: Option<ElfClass>,
    pub objects: Vec<PathBuf>,
    pub help: bool,
    /// `--types`, which the wrapper notes as obsolete.
    pub types: bool,
}

/// Parses the wrapper's arguments (without the program name).
pub fn parse_args(args: Vec<OsString>) -> Result<DtraceArgs> {
    let mut parsed = DtraceArgs::default();
    let mut args = args.into_iter();
    let usage = |message: String| usage_error(&message);
    while let Some(arg) = args.next() {
        let Some(text) = arg.to_str() else {
            // Only file names can be non-UTF-8: an object file.
            parsed.objects.push(PathBuf::from(arg));
            continue;
        };
        match text {
            "-h" => set_mode(&mut parsed, Mode::Header).map_err(usage)?,
            "-G" => set_mode(&mut parsed, Mode::Object).map_err(usage)?,
            "-C" => parsed.read.preprocess = true,
            "-32" => parsed.class = Some(ElfClass::Elf32),
            "-64" => parsed.class = Some(ElfClass::Elf64),
            "-fPIC" | "-fpic" | "-k" | "--no-pyparsing" => {}
            "--types" => parsed.types = true,
            "--help" | "-help" | "-?" => parsed.help = true,
            "--" => {
                parsed.objects.extend(args.by_ref().map(PathBuf::from));
            }
            "-" => return Err(usage("standard input is not supported; use -s FILE".into())),
            _ if !text.starts_with('-') => parsed.objects.push(PathBuf::from(text)),
            _ => {
                // An option that takes a value, given as `-oFILE` or `-o FILE`.
                let mut value_of = |flag: &str| -> Result<Option<OsString>> {
                    let Some(rest) = text.strip_prefix(flag) else {
                        return Ok(None);
                    };
                    if !rest.is_empty() {
                        return Ok(Some(OsString::from(rest)));
                    }
                    args.next()
                        .map(Some)
                        .ok_or_else(|| usage(format!("option {flag} needs a value")))
                };
                if let Some(value) = value_of("-s")? {
                    parsed.source = Some(value.into());
                } else if let Some(value) = value_of("-o")? {
                    parsed.output = Some(value.into());
                } else if let Some(value) = value_of("-I")? {
                    parsed.read.include_dirs.push(value.into());
                } else if let Some(value) = value_of("-D")? {
                    parsed.read.defines.push(utf8(value, "-D").map_err(usage)?);
                } else if let Some(value) = value_of("-U")? {
                    parsed
                        .read
                        .undefines
                        .push(utf8(value, "-U").map_err(usage)?);
                } else if value_of("-x")?.is_some() {
                    // DTrace options (-x bufsize=..., ...) mean nothing here.
                } else {
                    return Err(usage(format!("invalid option {text}")));
                }
            }
        }
    }
    Ok(parsed)
}

fn usage_error(message: &str) -> Failure {
    Failure::Usage(format!(
        "dtrace: error: {message}\n{USAGE_LINE}\n(dtrace --help for more)"
    ))
}

fn set_mode(parsed: &mut DtraceArgs, mode: Mode) -> Result<(), String> {
    match parsed.mode {
        Some(existing) if existing != mode => Err("-h and -G cannot be used together".into()),
        _ => {
            parsed.mode = Some(mode);
            Ok(())
        }
    }
}

fn utf8(value: OsString, flag: &str) -> Result<String, String> {
    value
        .into_string()
        .map_err(|_| format!("the value of {flag} is not valid UTF-8"))
}

/// The wrapper's default output name: the provider file's base name without
/// its extension, in the current folder, with `.h` or `.o`.
pub fn default_output(source: &Path, mode: Mode) -> PathBuf {
    let stem = source.file_stem().unwrap_or(source.as_os_str());
    let mut name = OsString::from(stem);
    name.push(match mode {
        Mode::Header => ".h",
        Mode::Object => ".o",
    });
    PathBuf::from(name)
}

/// Runs `probe-build dtrace ARGS...`.
pub fn run(args: Vec<OsString>) -> Result<()> {
    let args = parse_args(args)?;
    if args.help {
        print!("{USAGE}");
        return Ok(());
    }
    if args.types {
        eprintln!("dtrace: note: obsolete option --types used");
    }
    let Some(mode) = args.mode else {
        return Err(usage_error("one of -h or -G is required"));
    };
    let Some(source) = &args.source else {
        return Err(usage_error("no provider file: use -s FILE.d"));
    };
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| default_output(source, mode));
    let destination = Destination::File(output);
    let file = read_provider_file(source, &args.read)?;
    let contents = match mode {
        Mode::Header => {
            probe_pipeline::header(&file, probe_pipeline::HeaderFlavor::Sdt, None).into_bytes()
        }
        Mode::Object => {
            let choice = TargetChoice {
                objects: args.objects,
                class: args.class,
                triple: None,
            };
            let target = target::resolve(&choice)?;
            generate::stub_object(&file, &target)?
        }
    };
    if file.providers.is_empty() && file.warnings.is_empty() {
        // configure scripts probe the tool with a file holding only `BEGIN{}`
        // and expect success; the wrapper warns and writes an empty result.
        eprintln!(
            "dtrace: warning: {}: no provider declared; output has no probes",
            source.display()
        );
    }
    write_output(&destination, &contents).map_err(|e| failed!("{e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<DtraceArgs> {
        parse_args(args.iter().map(OsString::from).collect())
    }

    #[test]
    fn header_command_line() {
        let a = parse(&[
            "-C", "-h", "-s", "probes.d", "-o", "probes.h", "-IDIR", "-I", "two", "-DX=1", "-D",
            "Y", "-UZ",
        ])
        .unwrap();
        assert_eq!(a.mode, Some(Mode::Header));
        assert!(a.read.preprocess);
        assert_eq!(a.source.as_deref(), Some(Path::new("probes.d")));
        assert_eq!(a.output.as_deref(), Some(Path::new("probes.h")));
        assert_eq!(
            a.read.include_dirs,
            vec![PathBuf::from("DIR"), PathBuf::from("two")]
        );
        assert_eq!(a.read.defines, vec!["X=1".to_string(), "Y".to_string()]);
        assert_eq!(a.read.undefines, vec!["Z".to_string()]);
    }

    #[test]
    fn object_command_line_with_objects_and_ignored_flags() {
        let a = parse(&[
            "-G", "-64", "-fPIC", "-x", "nolibs", "-k", "-s", "p.d", "a.o", "b.o", "-o", "p.o",
        ])
        .unwrap();
        assert_eq!(a.mode, Some(Mode::Object));
        assert_eq!(a.class, Some(ElfClass::Elf64));
        assert_eq!(a.objects, vec![PathBuf::from("a.o"), PathBuf::from("b.o")]);
        assert_eq!(a.output.as_deref(), Some(Path::new("p.o")));
    }

    #[test]
    fn bad_command_lines_are_usage_errors() {
        for bad in [
            &["-h", "-G", "-s", "p.d"][..],
            &["-h", "-s"],
            &["-q"],
            &["-o"],
        ] {
            match parse(bad) {
                Err(Failure::Usage(_)) => {}
                other => panic!("{bad:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn default_outputs_follow_the_wrapper() {
        assert_eq!(
            default_output(Path::new("src/probes.d"), Mode::Header),
            PathBuf::from("probes.h")
        );
        assert_eq!(
            default_output(Path::new("../x/probes.d"), Mode::Object),
            PathBuf::from("probes.o")
        );
        assert_eq!(
            default_output(Path::new("probes"), Mode::Header),
            PathBuf::from("probes.h")
        );
    }
}
