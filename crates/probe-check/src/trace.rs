//! [`Trace`]: run a program under the tracer and keep every hit.

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

use probe_provider::TypeClass;
use probe_trace::{ArgKind, Filter, Options, Outcome, Sink, Target, Value};

use crate::Error;

/// Runs a program under the ptrace tracer of `probe-build trace` (no root)
/// and collects every probe hit with its arguments.
///
/// ```no_run
/// # macro_rules! env { ($name:literal) => { "target/debug/myapp" } }
/// let hits = probe_check::Trace::new(env!("CARGO_BIN_EXE_myapp"))
///     .provider("probes.d")
///     .args(["--requests", "1"])
///     .run();
/// assert_eq!(hits.count("myapp:request__start"), 1);
/// ```
///
/// Every probe's semaphore is raised while traced, so `*_enabled()` is true
/// and `*_if_enabled` probes fire. The program inherits the test's
/// environment, current folder and standard streams. Probes of shared
/// libraries are traced too, also those loaded later with `dlopen`.
#[derive(Debug, Clone)]
pub struct Trace {
    program: PathBuf,
    args: Vec<OsString>,
    providers: Vec<PathBuf>,
    probes: Vec<String>,
    string_bytes: usize,
}

impl Trace {
    /// The program to run: a path (no `PATH` search).
    pub fn new(program: impl AsRef<Path>) -> Trace {
        Trace {
            program: program.as_ref().to_path_buf(),
            args: Vec::new(),
            providers: Vec::new(),
            probes: Vec::new(),
            string_bytes: Options::default().string_bytes,
        }
    }

    pub fn arg(&mut self, arg: impl Into<OsString>) -> &mut Trace {
        self.args.push(arg.into());
        self
    }

    pub fn args<I, S>(&mut self, args: I) -> &mut Trace
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// A provider file, for the arguments' types: a `char *` is read as a
    /// string and any other pointer shown as an address. Without it, a
    /// pointer-sized unsigned argument pointing at text is taken for a
    /// string.
    pub fn provider(&mut self, path: impl AsRef<Path>) -> &mut Trace {
        self.providers.push(path.as_ref().to_path_buf());
        self
    }

    /// Traces only the probes matching `provider:name` (`*` wildcards; a
    /// name alone matches in any provider). Without it: every probe but
    /// glibc's own.
    pub fn probe(&mut self, pattern: &str) -> &mut Trace {
        self.probes.push(pattern.to_string());
        self
    }

    /// Reads at most `bytes` of each string argument (64 by default, as
    /// bpftrace; a longer string shows as `"..."...`).
    pub fn strings(&mut self, bytes: usize) -> &mut Trace {
        self.string_bytes = bytes;
        self
    }

    /// Runs the program to its end. Panics when it cannot be traced (no
    /// probes, not an executable) or does not exit with status 0, showing
    /// the hits seen.
    #[track_caller]
    pub fn run(&self) -> Hits {
        let hits = self.try_run().unwrap_or_else(|error| panic!("{error}"));
        if hits.outcome != Outcome::Exited(0) {
            panic!(
                "probe-check: {} {}; hits:\n{hits}",
                self.program.display(),
                match hits.outcome {
                    Outcome::Exited(code) => format!("exited with status {code}"),
                    Outcome::Signaled(signal) => format!("was killed by signal {signal}"),
                    Outcome::Detached => "was let go".to_string(),
                }
            );
        }
        hits
    }

    /// [`run`](Trace::run), returning the hits whatever the program's exit
    /// status ([`Hits::outcome`]); an error only when tracing failed.
    pub fn try_run(&self) -> Result<Hits, Error> {
        let mut options = Options {
            filter: Filter::new(&self.probes),
            string_bytes: self.string_bytes,
            ..Options::default()
        };
        if !self.providers.is_empty() {
            let read = probe_pipeline::ReadOptions {
                preprocess: probe_pipeline::Preprocess::WhenNeeded,
                ..Default::default()
            };
            let declared = probe_pipeline::read(&self.providers, &read)
                .map_err(Error::Provider)?
                .merged;
            for provider in &declared.providers {
                for probe in &provider.probes {
                    let kinds = probe.args.iter().map(|a| kind(a.ty.class)).collect();
                    options
                        .arg_kinds
                        .insert((provider.name.clone(), probe.name.clone()), kinds);
                }
            }
        }
        let target = Target::Run {
            program: self.program.clone(),
            args: self.args.clone(),
        };
        let mut collect = Collect::default();
        let outcome = probe_trace::trace(&target, &options, &mut collect).map_err(Error::Trace)?;
        Ok(Hits {
            hits: collect.hits,
            warnings: collect.warnings,
            outcome,
        })
    }
}

/// How the provider file's type says to show an argument (as
/// `probe-build trace --provider` does).
fn kind(class: TypeClass) -> ArgKind {
    match class {
        TypeClass::String => ArgKind::String,
        TypeClass::Pointer => ArgKind::Pointer,
        TypeClass::Float => ArgKind::Float,
        TypeClass::Integer(_) | TypeClass::Bool => ArgKind::Integer,
        TypeClass::Other => ArgKind::Auto,
    }
}

#[derive(Default)]
struct Collect {
    hits: Vec<Hit>,
    warnings: Vec<String>,
}

impl Sink for Collect {
    fn hit(&mut self, hit: &probe_trace::Hit<'_>) -> std::io::Result<()> {
        self.hits.push(Hit {
            pid: hit.pid,
            tid: hit.tid,
            provider: hit.provider.to_string(),
            name: hit.name.to_string(),
            args: hit.args.to_vec(),
        });
        Ok(())
    }

    fn warning(&mut self, message: &str) {
        // Shown with a failing test's output, and kept for Hits::warnings.
        eprintln!("probe-check: warning: {message}");
        self.warnings.push(message.to_string());
    }
}

/// One probe hit.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The process (thread group) and the thread that fired it.
    pub pid: i32,
    pub tid: i32,
    pub provider: String,
    pub name: String,
    pub args: Vec<Value>,
}

impl Hit {
    /// Whether `probe` (`provider:name`, or a name alone) names this hit's
    /// probe.
    pub fn is(&self, probe: &str) -> bool {
        match probe.split_once(':') {
            Some((provider, name)) => self.provider == provider && self.name == name,
            None => self.name == probe,
        }
    }
}

/// `provider:name(1, -2, "text", 0x7ffd5a3c)`, as `probe-build trace`
/// prints it: strings quoted, pointers in hexadecimal (`NULL` for 0), `?`
/// for an argument that could not be read.
impl fmt::Display for Hit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&probe_trace::format::text_line(&probe_trace::Hit {
            pid: self.pid,
            tid: self.tid,
            provider: &self.provider,
            name: &self.name,
            args: &self.args,
        }))
    }
}

/// Every hit of a traced run, in the order they fired.
#[derive(Debug, Clone)]
pub struct Hits {
    hits: Vec<Hit>,
    warnings: Vec<String>,
    outcome: Outcome,
}

impl Hits {
    /// One line per hit, as [`Hit`] displays: compare with
    /// `assert_eq!(hits.lines(), ["p:start(1)", "p:done()"])`.
    pub fn lines(&self) -> Vec<String> {
        self.hits.iter().map(Hit::to_string).collect()
    }

    /// The hits of one probe: `provider:name`, or a name alone.
    pub fn of(&self, probe: &str) -> Vec<&Hit> {
        self.hits.iter().filter(|hit| hit.is(probe)).collect()
    }

    /// How many times `probe` fired.
    pub fn count(&self, probe: &str) -> usize {
        self.hits.iter().filter(|hit| hit.is(probe)).count()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Hit> {
        self.hits.iter()
    }

    pub fn len(&self) -> usize {
        self.hits.len()
    }

    pub fn is_empty(&self) -> bool {
        self.hits.is_empty()
    }

    /// How the program ended.
    pub fn outcome(&self) -> Outcome {
        self.outcome
    }

    /// What the tracer warned about: a site that is not a `nop`, an
    /// argument it could not read (shown as `?`).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }
}

impl<'a> IntoIterator for &'a Hits {
    type Item = &'a Hit;
    type IntoIter = std::slice::Iter<'a, Hit>;

    fn into_iter(self) -> Self::IntoIter {
        self.hits.iter()
    }
}

/// The lines, then the warnings.
impl fmt::Display for Hits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for hit in &self.hits {
            writeln!(f, "{hit}")?;
        }
        for warning in &self.warnings {
            writeln!(f, "warning: {warning}")?;
        }
        Ok(())
    }
}
