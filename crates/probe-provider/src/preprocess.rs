//! Running the C preprocessor over a provider file (`dtrace -C`).
//!
//! The command is the one given to [`Preprocessor::command`], else `$CPP`
//! when set (split on white space, used as is), else `$CC -E`, else
//! `cc -E`. Build scripts that know their target's compiler (from the `cc`
//! crate) pass it as the command. The output keeps line markers, so the
//! parser reports positions in the files the user wrote.
//!
//! ```no_run
//! use probe_provider::preprocess::Preprocessor;
//! let mut cpp = Preprocessor::new();
//! cpp.include_dir("include").define("HAVE_JIT", Some("1")).undefine("NDEBUG");
//! let file = probe_provider::parse_file_with("probes.d", Some(&cpp)).unwrap();
//! # let _ = file;
//! ```

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::Error;

/// One `-D` or `-U`, kept in command-line order (the order matters to cpp).
#[derive(Debug, Clone, PartialEq, Eq)]
enum MacroOp {
    Define(String, Option<String>),
    Undefine(String),
}

/// How to run the C preprocessor: a small builder in the style of `cc::Build`.
#[derive(Debug, Clone, Default)]
pub struct Preprocessor {
    command: Option<Vec<OsString>>,
    include_dirs: Vec<PathBuf>,
    macros: Vec<MacroOp>,
    args: Vec<OsString>,
}

impl Preprocessor {
    /// A preprocessor found from the environment (`$CPP`, else `$CC -E`,
    /// else `cc -E`).
    pub fn new() -> Preprocessor {
        Preprocessor::default()
    }

    /// Uses this command (program and leading arguments) instead of
    /// `$CPP` or the C compiler. It must preprocess the file named last and
    /// write the result to standard output, as `cpp` and `cc -E` do.
    pub fn command<I, S>(&mut self, program_and_args: I) -> &mut Preprocessor
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.command = Some(program_and_args.into_iter().map(Into::into).collect());
        self
    }

    /// Adds `-I DIR`.
    pub fn include_dir(&mut self, dir: impl AsRef<Path>) -> &mut Preprocessor {
        self.include_dirs.push(dir.as_ref().to_path_buf());
        self
    }

    /// Adds `-D NAME` or `-D NAME=VALUE`.
    pub fn define<'a>(
        &mut self,
        name: &str,
        value: impl Into<Option<&'a str>>,
    ) -> &mut Preprocessor {
        self.macros.push(MacroOp::Define(
            name.to_string(),
            value.into().map(str::to_string),
        ));
        self
    }

    /// Adds a `-D` argument as given on a command line: `NAME` or `NAME=VALUE`.
    pub fn define_arg(&mut self, arg: &str) -> &mut Preprocessor {
        match arg.split_once('=') {
            Some((name, value)) => self.define(name, Some(value)),
            None => self.define(arg, None),
        }
    }

    /// Adds `-U NAME`.
    pub fn undefine(&mut self, name: &str) -> &mut Preprocessor {
        self.macros.push(MacroOp::Undefine(name.to_string()));
        self
    }

    /// Adds any other argument, placed before the input file.
    pub fn arg(&mut self, arg: impl Into<OsString>) -> &mut Preprocessor {
        self.args.push(arg.into());
        self
    }

    /// The program and arguments that will run, without the input file.
    pub fn resolved_command(&self) -> Result<Vec<OsString>, Error> {
        let mut cmd = match &self.command {
            Some(cmd) if !cmd.is_empty() => cmd.clone(),
            _ => match std::env::var_os("CPP").filter(|v| !v.to_string_lossy().trim().is_empty()) {
                Some(cpp) => cpp
                    .to_string_lossy()
                    .split_whitespace()
                    .map(OsString::from)
                    .collect(),
                None => compiler(),
            },
        };
        // The input is C whatever its suffix; cc would take `.d` for a linker input.
        cmd.push("-x".into());
        cmd.push("c".into());
        for dir in &self.include_dirs {
            let mut arg = OsString::from("-I");
            arg.push(dir);
            cmd.push(arg);
        }
        for op in &self.macros {
            cmd.push(match op {
                MacroOp::Define(name, None) => format!("-D{name}").into(),
                MacroOp::Define(name, Some(value)) => format!("-D{name}={value}").into(),
                MacroOp::Undefine(name) => format!("-U{name}").into(),
            });
        }
        cmd.extend(self.args.iter().cloned());
        Ok(cmd)
    }

    /// Preprocesses `path` and returns the output text (with line markers).
    pub fn run(&self, path: &Path) -> Result<String, Error> {
        let mut cmd = self.resolved_command()?;
        // A relative name starting with `-` would be taken for an option.
        let input = if path.is_relative() && path.to_string_lossy().starts_with('-') {
            Path::new(".").join(path)
        } else {
            path.to_path_buf()
        };
        cmd.push(input.into_os_string());
        let shown = cmd
            .iter()
            .map(|a| a.to_string_lossy())
            .collect::<Vec<_>>()
            .join(" ");
        let output = Command::new(&cmd[0])
            .args(&cmd[1..])
            .stdin(Stdio::null())
            .output()
            .map_err(|e| Error::Preprocessor {
                command: shown.clone(),
                message: e.to_string(),
            })?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(Error::Preprocessor {
                command: shown,
                message: format!("{} ({})", stderr.trim_end(), output.status),
            });
        }
        String::from_utf8(output.stdout).map_err(|_| Error::Preprocessor {
            command: shown,
            message: "the output is not UTF-8 text".to_string(),
        })
    }
}

/// `$CC -E` (split on white space), else `cc -E`.
fn compiler() -> Vec<OsString> {
    let mut command: Vec<OsString> = match std::env::var("CC") {
        Ok(cc) if !cc.trim().is_empty() => cc.split_whitespace().map(OsString::from).collect(),
        _ => vec![OsString::from("cc")],
    };
    command.push("-E".into());
    command
}
