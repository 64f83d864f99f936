//! Builds the fixture programs and runs the tracer on them, in process.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

use probe_trace::{Hit, Options, Outcome, Sink, Target, Value};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A fresh folder, world-readable (a test runs the tracer as another user).
pub fn scratch(name: &str) -> PathBuf {
    static COUNT: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "probe-trace-test-{name}-{}-{}",
        std::process::id(),
        COUNT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn run(cmd: &mut Command) -> String {
    let shown = format!("{cmd:?}");
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {shown}: {e}"));
    assert!(
        out.status.success(),
        "{shown} failed ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The C compiler: `$CC`, else `cc`.
pub fn cc() -> Command {
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_string());
    let mut parts = cc.split_whitespace();
    let mut cmd = Command::new(parts.next().unwrap());
    cmd.args(parts);
    cmd
}

/// The fixture program and library, built in `dir` with the header and
/// stub object `probe-build dtrace -h/-G` write (the same generators).
pub struct Built {
    pub dir: PathBuf,
    pub prog: PathBuf,
    pub lib: PathBuf,
}

impl Drop for Built {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

pub fn build_c(name: &str, optimize: &str) -> Built {
    build_c_for(name, optimize, cc(), None)
}

/// Built with `compiler` for `triple` (the host when `None`; a static
/// program otherwise, with no library).
pub fn build_c_for(
    name: &str,
    optimize: &str,
    mut compiler: Command,
    triple: Option<&str>,
) -> Built {
    let dir = scratch(name);
    let file = probe_provider::parse_file(fixture("trace.d")).unwrap();
    let header = probe_gen::sdt_header::generate(&file, &Default::default());
    std::fs::write(dir.join("trace.h"), header).unwrap();
    let target = match triple {
        Some(triple) => probe_target::ElfTarget::from_triple(triple).unwrap(),
        None => probe_target::ElfTarget::host().unwrap(),
    };
    let stub = probe_gen::stub_object::generate(&file, &target).unwrap();
    std::fs::write(dir.join("trace.o"), stub).unwrap();
    let prog = dir.join("prog");
    let lib = dir.join("libtr.so");
    if triple.is_some() {
        run(compiler
            .args([optimize, "-static", "-w", "-I"])
            .arg(&dir)
            .arg("-o")
            .arg(&prog)
            .arg(fixture("prog.c"))
            .arg(dir.join("trace.o"))
            .arg("-lpthread"));
        return Built { dir, prog, lib };
    }
    run(cc()
        .arg(optimize)
        .arg("-I")
        .arg(&dir)
        .arg("-o")
        .arg(&prog)
        .arg(fixture("prog.c"))
        .arg(dir.join("trace.o"))
        .args(["-lpthread", "-ldl"]));
    run(cc()
        .arg(optimize)
        .args(["-fPIC", "-shared", "-I"])
        .arg(&dir)
        .arg("-o")
        .arg(&lib)
        .arg(fixture("lib.c"))
        .arg(dir.join("trace.o")));
    Built { dir, prog, lib }
}

/// A hit, owned.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub pid: i32,
    pub tid: i32,
    pub probe: String,
    pub args: Vec<Value>,
}

#[derive(Default)]
pub struct Collect {
    pub events: Vec<Event>,
    pub warnings: Vec<String>,
    pub installed: Vec<String>,
}

impl Sink for Collect {
    fn hit(&mut self, hit: &Hit<'_>) -> std::io::Result<()> {
        self.events.push(Event {
            pid: hit.pid,
            tid: hit.tid,
            probe: format!("{}:{}", hit.provider, hit.name),
            args: hit.args.to_vec(),
        });
        Ok(())
    }

    fn probe_installed(&mut self, provider: &str, name: &str) {
        self.installed.push(format!("{provider}:{name}"));
    }

    fn warning(&mut self, message: &str) {
        self.warnings.push(message.to_string());
    }
}

impl Collect {
    /// The events of one probe.
    pub fn of(&self, probe: &str) -> Vec<&Event> {
        self.events.iter().filter(|e| e.probe == probe).collect()
    }
}

/// Runs `program args` under the tracer, in this thread.
pub fn trace(program: &Path, args: &[&str], options: &Options) -> (Outcome, Collect) {
    let mut sink = Collect::default();
    let target = Target::Run {
        program: program.to_path_buf(),
        args: args.iter().map(Into::into).collect(),
    };
    let outcome = probe_trace::trace(&target, options, &mut sink)
        .unwrap_or_else(|e| panic!("tracing {} {args:?}: {e}", program.display()));
    (outcome, sink)
}

/// `Value::String` with these bytes, not cut.
pub fn string(text: &str) -> Value {
    Value::String {
        bytes: text.as_bytes().to_vec(),
        truncated: false,
        address: 0,
    }
}

/// Clears string addresses, which differ from run to run.
pub fn without_addresses(values: &[Value]) -> Vec<Value> {
    values
        .iter()
        .map(|v| match v {
            Value::String {
                bytes, truncated, ..
            } => Value::String {
                bytes: bytes.clone(),
                truncated: *truncated,
                address: 0,
            },
            other => other.clone(),
        })
        .collect()
}

/// The kinds the provider file gives each argument.
pub fn kinds_from(
    path: &Path,
) -> std::collections::HashMap<(String, String), Vec<probe_trace::ArgKind>> {
    use probe_provider::TypeClass;
    use probe_trace::ArgKind;
    let file = probe_provider::parse_file(path).unwrap();
    let mut kinds = std::collections::HashMap::new();
    for provider in &file.providers {
        for probe in &provider.probes {
            let list = probe
                .args
                .iter()
                .map(|a| match a.ty.class {
                    TypeClass::String => ArgKind::String,
                    TypeClass::Pointer => ArgKind::Pointer,
                    TypeClass::Float => ArgKind::Float,
                    TypeClass::Other => ArgKind::Auto,
                    _ => ArgKind::Integer,
                })
                .collect();
            kinds.insert((provider.name.clone(), probe.name.clone()), list);
        }
    }
    kinds
}
