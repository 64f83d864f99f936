//! The command line, apart from `probe-build dtrace`, which keeps the
//! wrapper's own syntax (see `dtrace.rs`).

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use probe_pipeline::HeaderFlavor;

use crate::input::ReadOptions;

pub const EXIT_CODES: &str = "\
Exit status:
  0  success
  1  bad input (a provider file with errors, a file that is not ELF),
     a failed `list --check`, or an output that could not be written
  2  usage error (unknown option, missing argument)";

#[derive(Debug, Parser)]
#[command(
    name = "probe-build",
    version,
    about = "Static tracing probes from DTrace provider files: headers, stub objects, scripts, listings.",
    after_help = EXIT_CODES,
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Act as SystemTap's `dtrace` wrapper: `dtrace -h|-G -s FILE.d [-o OUT] [OBJ...]`
    /// (see `probe-build dtrace --help`). A link named `dtrace` to this binary does the same.
    #[command(disable_help_flag = true)]
    Dtrace {
        #[arg(
            trailing_var_arg = true,
            allow_hyphen_values = true,
            value_name = "ARGS"
        )]
        args: Vec<std::ffi::OsString>,
    },
    /// Write the C header with the probe macros.
    #[command(after_help = EXIT_CODES)]
    Header(HeaderArgs),
    /// Write the stub object that defines the probe semaphores (like `dtrace -G`).
    #[command(after_help = EXIT_CODES)]
    Object(ObjectArgs),
    /// Write a SystemTap tapset (.stp): one probe alias per marker with named arguments.
    #[command(after_help = EXIT_CODES)]
    Tapset(ScriptArgs),
    /// Write a bpftrace script printing every probe with its named arguments.
    #[command(after_help = EXIT_CODES)]
    Bpftrace(BpftraceArgs),
    /// List the probes of ELF files and macOS programs (SDT notes, DTrace DOF), or check them against a provider file.
    #[command(after_help = EXIT_CODES)]
    List(ListArgs),
    /// Trace the SDT probes of a program as they fire, with ptrace (no root needed).
    #[command(after_help = TRACE_EXIT)]
    Trace(TraceArgs),
}

/// `-C`, `-I`, `-D`, `-U`, as for `dtrace`.
#[derive(Debug, Args)]
pub struct ReadArgs {
    /// Run the C preprocessor over the provider file first ($CPP, else the C compiler with -E).
    #[arg(short = 'C')]
    pub preprocess: bool,
    /// Add DIR to the preprocessor's include path.
    #[arg(short = 'I', value_name = "DIR")]
    pub include_dirs: Vec<PathBuf>,
    /// Define a preprocessor macro.
    #[arg(short = 'D', value_name = "NAME[=VALUE]")]
    pub defines: Vec<String>,
    /// Undefine a preprocessor macro.
    #[arg(short = 'U', value_name = "NAME")]
    pub undefines: Vec<String>,
}

impl ReadArgs {
    pub fn options(&self) -> ReadOptions {
        ReadOptions {
            preprocess: self.preprocess,
            include_dirs: self.include_dirs.clone(),
            defines: self.defines.clone(),
            undefines: self.undefines.clone(),
        }
    }
}

#[derive(Debug, Args)]
pub struct HeaderArgs {
    /// The provider file (.d).
    pub file: PathBuf,
    /// The kind of header.
    #[arg(long, default_value = "sdt", value_parser = flavor_parser())]
    pub flavor: HeaderFlavor,
    /// Output file; `-` for standard output.
    #[arg(short, long, value_name = "OUT", default_value = "-")]
    pub output: PathBuf,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Debug, Args)]
pub struct ObjectArgs {
    /// The provider file (.d).
    pub file: PathBuf,
    /// Object files of the program: the first ELF one sets the architecture. Left unchanged.
    #[arg(value_name = "OBJ")]
    pub objects: Vec<PathBuf>,
    /// Target triple (e.g. aarch64-linux-gnu) when no object is given; default: `$CC -dumpmachine`, else the host.
    #[arg(long, value_name = "TRIPLE")]
    pub target: Option<String>,
    /// A 32-bit object (i386 on x86_64 ...); also spelled -32.
    #[arg(long = "32", conflicts_with = "m64")]
    pub m32: bool,
    /// A 64-bit object; also spelled -64.
    #[arg(long = "64")]
    pub m64: bool,
    /// Output file.
    #[arg(short, long, value_name = "OUT")]
    pub output: PathBuf,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Debug, Args)]
pub struct ScriptArgs {
    /// The provider file (.d).
    pub file: PathBuf,
    /// The executable or shared library with the probes, as the script should name it.
    #[arg(long, value_name = "PATH")]
    pub binary: String,
    /// Output file; `-` for standard output.
    #[arg(short, long, value_name = "OUT", default_value = "-")]
    pub output: PathBuf,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Debug, Args)]
pub struct BpftraceArgs {
    #[command(flatten)]
    pub script: ScriptArgs,
    /// Read at most N arguments per probe: bpftrace before 0.24 rejects USDT arguments past
    /// the sixth on x86_64; use 12 with newer bpftrace.
    #[arg(long, value_name = "N", default_value_t = probe_gen::bpftrace_script::DEFAULT_MAX_ARGS)]
    pub max_args: usize,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// ELF executables, shared libraries or relocatable objects; macOS programs.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Fail (exit 1) naming every probe PROVIDER.d declares that has no site in the files.
    #[arg(long, value_name = "PROVIDER.d")]
    pub check: Option<PathBuf>,
    /// With --check: a probe left without a site on purpose (NAME or PROVIDER:NAME, as
    /// declared); repeat or separate with commas. Naming an undeclared probe is an error.
    #[arg(long, value_name = "PROBE", value_delimiter = ',', requires = "check")]
    pub unused: Vec<String>,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// `--flavor`: the names and help of every header flavor the pipeline knows.
fn flavor_parser() -> impl TypedValueParser<Value = HeaderFlavor> {
    PossibleValuesParser::new(
        HeaderFlavor::ALL
            .iter()
            .map(|(_, name, help)| PossibleValue::new(*name).help(*help)),
    )
    .map(|name| name.parse::<HeaderFlavor>().expect("a listed flavor"))
}

pub const TRACE_EXIT: &str = "\
Exit status:
  the traced program's own status (128 + N when killed by signal N);
  0 after detaching from a process given with -p;
  1 when tracing could not start (no probes, a -n matching nothing, a program
    that is not ELF, a process that may not be traced)
  2 usage error;
  141 when the reader of the trace went away (`| head`)";

#[derive(Debug, Args)]
pub struct TraceArgs {
    /// Count hits per probe; print the counts when the program exits or on Ctrl-C.
    #[arg(long)]
    pub count: bool,
    /// One JSON object per hit (or per probe with --count).
    #[arg(long)]
    pub json: bool,
    /// Read at most N bytes of each string argument.
    #[arg(long, value_name = "N", default_value_t = 64)]
    pub strings: usize,
    /// Trace only probes matching PROVIDER:NAME (`*` wildcards; a name alone matches in any
    /// provider; `-` in a name matches `__`). Repeatable. Default: every probe but glibc's own.
    #[arg(short = 'n', value_name = "PROVIDER:NAME")]
    pub names: Vec<String>,
    /// Attach to a running process (all its threads) instead of starting one.
    #[arg(short = 'p', value_name = "PID", conflicts_with = "command")]
    pub pid: Option<i32>,
    /// The provider file: gives the arguments' types (strings, pointers). Without it,
    /// a pointer-sized unsigned argument that points at text is shown as a string.
    #[arg(long, value_name = "FILE.d")]
    pub provider: Vec<PathBuf>,
    /// Write the trace to FILE instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Keep tracing when no probe is found at start (probes of a library loaded later
    /// with dlopen).
    #[arg(long)]
    pub allow_no_probes: bool,
    #[command(flatten)]
    pub read: ReadArgs,
    /// The program to start, and its arguments (after `--`).
    #[arg(last = true, value_name = "PROGRAM ARGS")]
    pub command: Vec<OsString>,
}
