//! `probe-build trace`: the probes of a program, as they fire, without root
//! (the `probe-trace` crate does the tracing).

use std::collections::{BTreeMap, HashMap};
use std::ffi::OsString;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use probe_provider::TypeClass;
use probe_trace::{format, ArgKind, Filter, Hit, Options, Sink, Target};

use crate::cli::TraceArgs;
use crate::failure::{failed, Failure, Result};
use crate::input::read_provider_file;

pub fn run(args: &TraceArgs) -> Result<()> {
    let target = match (args.pid, args.command.split_first()) {
        (Some(pid), None) => Target::Attach(pid),
        (None, Some((program, rest))) => Target::Run {
            program: find_program(program)?,
            args: rest.to_vec(),
        },
        _ => {
            return Err(Failure::Usage(
                "probe-build trace: give a program after `--`, or -p PID\n\
                 usage: probe-build trace [--count] [--json] [--strings N] [-n PROVIDER:NAME] \
                 [--provider FILE.d] [-p PID | -- PROGRAM ARGS...]"
                    .to_string(),
            ))
        }
    };
    let mut options = Options {
        filter: Filter::new(&args.names),
        string_bytes: args.strings,
        arg_kinds: HashMap::new(),
        allow_no_probes: args.allow_no_probes,
    };
    for path in &args.provider {
        let file = read_provider_file(path, &args.read.options())?;
        for provider in &file.providers {
            for probe in &provider.probes {
                let kinds = probe.args.iter().map(|a| kind(a.ty.class)).collect();
                options
                    .arg_kinds
                    .insert((provider.name.clone(), probe.name.clone()), kinds);
            }
        }
    }
    let (out, terminal): (Box<dyn Write>, bool) = match &args.output {
        Some(path) => (
            Box::new(std::fs::File::create(path).map_err(|e| {
                failed!("probe-build: error: cannot write {}: {e}", path.display())
            })?),
            false,
        ),
        None => (Box::new(std::io::stdout()), std::io::stdout().is_terminal()),
    };
    let mut sink = CliSink {
        out: BufWriter::new(out),
        json: args.json,
        counts: args.count.then(BTreeMap::new),
        terminal,
        pending: false,
    };
    probe_trace::stop_on_signals()
        .map_err(|e| failed!("probe-build: error: cannot handle signals: {e}"))?;
    let outcome = probe_trace::trace(&target, &options, &mut sink);
    let written = sink.finish();
    if let Err(probe_trace::TraceError::Output(error)) = &outcome {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            // The reader went away (`| head`): end quietly, as a program
            // killed by SIGPIPE would. The traced program was let go.
            std::process::exit(128 + 13);
        }
    }
    let outcome = outcome.map_err(|e| failed!("probe-build: error: {e}"))?;
    written.map_err(|e| failed!("probe-build: error: cannot write the trace: {e}"))?;
    std::process::exit(outcome.exit_code());
}

/// `PROGRAM` as the shell would find it: a name without `/` on `PATH`.
fn find_program(program: &OsString) -> Result<PathBuf> {
    let path = Path::new(program);
    if path.components().count() > 1 || program.to_string_lossy().contains('/') {
        return Ok(path.to_path_buf());
    }
    which::which(path)
        .map_err(|_| failed!("probe-build: error: {}: not found on PATH", path.display()))
}

fn kind(class: TypeClass) -> ArgKind {
    match class {
        TypeClass::String => ArgKind::String,
        TypeClass::Pointer => ArgKind::Pointer,
        TypeClass::Float => ArgKind::Float,
        TypeClass::Integer(_) | TypeClass::Bool => ArgKind::Integer,
        TypeClass::Other => ArgKind::Auto,
    }
}

struct CliSink {
    out: BufWriter<Box<dyn Write>>,
    json: bool,
    /// `--count`: hits per probe, every traced probe listed.
    counts: Option<BTreeMap<(String, String), u64>>,
    /// Flush after every line, for someone watching.
    terminal: bool,
    pending: bool,
}

impl Sink for CliSink {
    fn hit(&mut self, hit: &Hit<'_>) -> std::io::Result<()> {
        if let Some(counts) = &mut self.counts {
            *counts
                .entry((hit.provider.to_string(), hit.name.to_string()))
                .or_insert(0) += 1;
            return Ok(());
        }
        let line = if self.json {
            format::json_line(hit)
        } else {
            format::text_line(hit)
        };
        writeln!(self.out, "{line}")?;
        if self.terminal {
            self.out.flush()?;
        } else {
            self.pending = true;
        }
        Ok(())
    }

    fn probe_installed(&mut self, provider: &str, name: &str) {
        if let Some(counts) = &mut self.counts {
            counts
                .entry((provider.to_string(), name.to_string()))
                .or_insert(0);
        }
    }

    fn warning(&mut self, message: &str) {
        eprintln!("probe-build: warning: {message}");
    }

    fn pending(&self) -> bool {
        self.pending
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.pending = false;
        self.out.flush()
    }
}

impl CliSink {
    fn finish(&mut self) -> std::io::Result<()> {
        if let Some(counts) = self.counts.take() {
            for ((provider, name), count) in counts {
                let line = if self.json {
                    format::count_json(&provider, &name, count)
                } else {
                    format::count_line(&provider, &name, count)
                };
                writeln!(self.out, "{line}")?;
            }
        }
        self.out.flush()
    }
}
