//! A tracer for SystemTap SDT probes that needs no root, no BPF and no
//! kernel tracer: it runs (or attaches to) a program with `ptrace`, as
//! gdb does, puts a breakpoint on every probe site of the program and of
//! each library it loads, and reads the arguments at every hit.
//!
//! ```no_run
//! use probe_trace::{trace, Hit, Options, Sink, Target};
//!
//! struct Print;
//! impl Sink for Print {
//!     fn hit(&mut self, hit: &Hit<'_>) -> std::io::Result<()> {
//!         println!("{}", probe_trace::format::text_line(hit));
//!         Ok(())
//!     }
//! }
//!
//! let target = Target::Run { program: "./myprog".into(), args: vec![] };
//! let outcome = trace(&target, &Options::default(), &mut Print)?;
//! std::process::exit(outcome.exit_code());
//! # Ok::<(), probe_trace::TraceError>(())
//! ```
//!
//! How it works, in short:
//! - A probe site is a `nop`. The breakpoint (`int3`, AArch64 `brk #0`)
//!   takes its place, so resuming after a hit only moves the program
//!   counter past it: no single-stepping, no instruction to emulate, and
//!   threads never see the site without its breakpoint.
//! - Each probe's semaphore is raised while it is traced, so that
//!   `PROBE_ENABLED()` code runs, and lowered again on detach.
//! - Libraries: a breakpoint on the `ret` of the dynamic linker's
//!   `_dl_debug_state` (`r_debug.r_brk`), which it calls whenever it has
//!   changed the list of loaded objects (at start and at every `dlopen` and
//!   `dlclose`); `/proc/PID/maps` then says what is loaded where.
//! - Threads, `fork`, `vfork` and `exec` are followed
//!   (`PTRACE_O_TRACECLONE` and friends); a forked child carries the
//!   breakpoints in its copy of memory and is traced like its parent.
//! - Detaching (the program exits, or a stop is requested by
//!   [`stop_on_signals`]'s signals or [`request_stop`]) stops every task,
//!   writes back every byte the tracer changed, and lets go.

#[cfg(test)]
mod aarch64_notes;
mod arch;
mod decode;
mod filter;
pub mod format;
mod maps;
mod memory;
mod objects;
mod tracer;

use std::collections::HashMap;
use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

pub use arch::{Machine, Registers};
pub use filter::Filter;

/// What to trace.
#[derive(Debug, Clone)]
pub enum Target {
    /// Start `program` (a path; no `PATH` search) with `args` (not
    /// counting `argv[0]`, which is `program`).
    Run {
        program: PathBuf,
        args: Vec<OsString>,
    },
    /// Attach to a running process, with all its threads.
    Attach(i32),
}

/// How to show an argument. The SDT note gives each argument's size and
/// sign but not its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArgKind {
    /// Not known (no provider file): a pointer-sized unsigned value that
    /// points at printable NUL-terminated text is shown as a string,
    /// pointing anywhere else readable as a pointer, else as a number.
    Auto,
    Integer,
    /// `char *`, `string`: the text it points to.
    String,
    /// Any other pointer: its value in hexadecimal.
    Pointer,
    Float,
}

/// How to trace.
#[derive(Debug, Clone)]
pub struct Options {
    /// Which probes; see [`Filter::new`].
    pub filter: Filter,
    /// The longest string read, in bytes (64 by default, as bpftrace).
    pub string_bytes: usize,
    /// Argument kinds per `(provider, probe)`, from a provider file. Probes
    /// not listed, and arguments past the list, are [`ArgKind::Auto`].
    pub arg_kinds: HashMap<(String, String), Vec<ArgKind>>,
    /// Keep going when no probe matches at start: the probes may be in a
    /// library loaded later with `dlopen`. Otherwise that is an error.
    pub allow_no_probes: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            filter: Filter::new::<&str>(&[]),
            string_bytes: 64,
            arg_kinds: HashMap::new(),
            allow_no_probes: false,
        }
    }
}

/// An argument's value at a hit.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Signed(i64),
    Unsigned(u64),
    Float(f64),
    Pointer(u64),
    /// The bytes before the NUL, at most `string_bytes` of them;
    /// `truncated` when no NUL came first.
    String {
        bytes: Vec<u8>,
        truncated: bool,
        address: u64,
    },
    /// The operand could not be read (the reason is a warning, once per
    /// site and argument).
    Unreadable,
}

/// One probe hit.
#[derive(Debug, Clone, Copy)]
pub struct Hit<'a> {
    /// The process (thread group).
    pub pid: i32,
    /// The thread.
    pub tid: i32,
    pub provider: &'a str,
    pub name: &'a str,
    pub args: &'a [Value],
}

/// Where hits and news go.
pub trait Sink {
    fn hit(&mut self, hit: &Hit<'_>) -> std::io::Result<()>;

    /// A probe got its breakpoint (once per probe name per process).
    fn probe_installed(&mut self, _provider: &str, _name: &str) {}

    /// Something the user should know that does not stop tracing (a site
    /// that is not a `nop`, an argument that cannot be read).
    fn warning(&mut self, message: &str) {
        eprintln!("probe-trace: warning: {message}");
    }

    /// Whether output is waiting in a buffer: it is flushed before the
    /// tracer waits for the program.
    fn pending(&self) -> bool {
        false
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// How tracing ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The program (the process started, or attached to) exited.
    Exited(i32),
    /// It was killed by this signal.
    Signaled(i32),
    /// The tracer detached (a stop was requested) and the program lives on.
    Detached,
}

impl Outcome {
    /// The exit status a shell would report for it: the program's code,
    /// 128 + the signal, 0 after detaching.
    pub fn exit_code(self) -> i32 {
        match self {
            Outcome::Exited(code) => code,
            Outcome::Signaled(signal) => 128 + signal,
            Outcome::Detached => 0,
        }
    }
}

/// Why tracing could not start, or had to stop.
#[derive(Debug)]
#[non_exhaustive]
pub enum TraceError {
    /// Tracing needs x86_64 or AArch64 Linux.
    Unsupported(String),
    /// The program is not something this tracer can run.
    BadProgram { program: PathBuf, message: String },
    /// The process may not be traced, or does not exist.
    Attach { pid: i32, message: String },
    /// No probe at all in the program and the libraries loaded at start.
    NoProbes { what: String },
    /// Probes exist, but none matches the filter.
    NoMatch {
        what: String,
        filter: String,
        available: Vec<String>,
    },
    /// ptrace or `/proc` failed in a way that stops tracing.
    System(String),
    /// Writing the hits failed (a closed pipe, a full disk).
    Output(std::io::Error),
}

impl fmt::Display for TraceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TraceError::Unsupported(message) => f.write_str(message),
            TraceError::BadProgram { program, message } => {
                write!(f, "{}: {message}", program.display())
            }
            TraceError::Attach { pid, message } => {
                write!(f, "cannot trace process {pid}: {message}")
            }
            TraceError::NoProbes { what } => write!(f, "no SDT probes in {what}"),
            TraceError::NoMatch {
                what,
                filter,
                available,
            } => {
                write!(f, "no probe in {what} matches {filter}")?;
                const SHOWN: usize = 8;
                if !available.is_empty() {
                    write!(
                        f,
                        " (it has {}",
                        available[..available.len().min(SHOWN)].join(", ")
                    )?;
                    if available.len() > SHOWN {
                        write!(f, " and {} more", available.len() - SHOWN)?;
                    }
                    f.write_str(")")?;
                }
                Ok(())
            }
            TraceError::System(message) => f.write_str(message),
            TraceError::Output(error) => write!(f, "cannot write the trace: {error}"),
        }
    }
}

impl std::error::Error for TraceError {}

/// Traces `target` until it exits or a stop is requested; every hit goes
/// to `sink`. Returns how the traced program ended.
///
/// Bad input (a program that is not ELF, a process that may not be
/// traced, no probe matching) is an error before anything in the program
/// changed; in [`Target::Run`] a program with no probes is stopped before
/// its own code (even its constructors) ran.
pub fn trace(
    target: &Target,
    options: &Options,
    sink: &mut dyn Sink,
) -> Result<Outcome, TraceError> {
    tracer::trace(target, options, sink)
}

static STOP: AtomicBool = AtomicBool::new(false);
static SIGNALS: AtomicU32 = AtomicU32::new(0);

/// Asks a running [`trace`] to detach. It notices when the program next
/// stops, or at once when the tracing thread is interrupted by a signal;
/// [`stop_on_signals`] takes care of that for `SIGINT`, `SIGTERM` and
/// `SIGHUP`.
pub fn request_stop() {
    STOP.store(true, Ordering::SeqCst);
}

pub(crate) fn stop_requested() -> bool {
    STOP.load(Ordering::SeqCst)
}

/// How many of the signals [`stop_on_signals`] handles have arrived; a
/// second Ctrl-C while waiting for a detached program gives up waiting.
pub(crate) fn signals_received() -> u32 {
    SIGNALS.load(Ordering::SeqCst)
}

/// Makes `SIGINT`, `SIGTERM` and `SIGHUP` detach cleanly instead of
/// killing the tracer (which would leave breakpoints in the program). For
/// a single-threaded program such as a command-line tool: the handler
/// interrupts the waiting thread, and re-arms `alarm(1)` until the tracer
/// has seen the request, in case the signal came just before it waited.
pub fn stop_on_signals() -> std::io::Result<()> {
    use nix::sys::signal::{sigaction, SaFlags, SigAction, SigHandler, SigSet, Signal};

    extern "C" fn on_stop(_: libc::c_int) {
        STOP.store(true, Ordering::SeqCst);
        SIGNALS.fetch_add(1, Ordering::SeqCst);
        // SAFETY: alarm is async-signal-safe.
        unsafe { libc::alarm(1) };
    }
    extern "C" fn on_alarm(_: libc::c_int) {
        if STOP.load(Ordering::SeqCst) && !tracer::STOP_SEEN.load(Ordering::SeqCst) {
            // SAFETY: as above.
            unsafe { libc::alarm(1) };
        }
    }
    // No SA_RESTART: waitpid must return EINTR.
    let stop = SigAction::new(
        SigHandler::Handler(on_stop),
        SaFlags::empty(),
        SigSet::empty(),
    );
    let alarm = SigAction::new(
        SigHandler::Handler(on_alarm),
        SaFlags::empty(),
        SigSet::empty(),
    );
    for signal in [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP] {
        // SAFETY: the handlers only touch atomics and call alarm.
        unsafe { sigaction(signal, &stop) }.map_err(std::io::Error::from)?;
    }
    // SAFETY: as above.
    unsafe { sigaction(Signal::SIGALRM, &alarm) }.map_err(std::io::Error::from)?;
    Ok(())
}
