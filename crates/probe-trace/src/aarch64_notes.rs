//! AArch64 argument decoding, tested on any host: the fixture program is
//! cross-compiled for AArch64 with the project's header and stub object,
//! run under qemu-aarch64 with gdb-multiarch stopping at each probe site
//! and dumping the registers and the memory around them; the decoder then
//! reads every argument from the real AArch64 notes, registers and memory,
//! and must find the values the program passed. (qemu-user cannot be
//! ptraced, so the tracer itself does not run here.)

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::arch::{Machine, Registers};
use crate::decode::{decode, Context};
use crate::memory::Memory;
use crate::objects::ObjectFile;
use crate::{ArgKind, Value};

/// Memory as gdb dumped it: a few regions.
struct Regions(Vec<(u64, Vec<u8>)>);

impl Memory for Regions {
    fn read_some(&self, address: u64, buf: &mut [u8]) -> usize {
        for (start, bytes) in &self.0 {
            if let Some(offset) = address.checked_sub(*start) {
                let offset = offset as usize;
                if offset < bytes.len() {
                    let n = buf.len().min(bytes.len() - offset);
                    buf[..n].copy_from_slice(&bytes[offset..offset + n]);
                    return n;
                }
            }
        }
        0
    }
}

struct Stop {
    registers: Registers,
    memory: Regions,
}

const GDB_SCRIPT: &str = r#"
import gdb, sys, time
port = PORT
gdb.execute("set architecture aarch64")
gdb.execute("set pagination off")
for attempt in range(100):
    try:
        gdb.execute("target remote 127.0.0.1:%d" % port)
        break
    except gdb.error:
        time.sleep(0.1)
for site in SITES:
    gdb.Breakpoint("*0x%x" % site)
inferior = gdb.selected_inferior()
def dump(address, size):
    try:
        data = bytes(inferior.read_memory(address, size))
        print("MEM %x %s" % (address, data.hex()))
        return data
    except gdb.MemoryError:
        return b""
while True:
    try:
        gdb.execute("continue", to_string=True)
    except gdb.error:
        break
    try:
        pc = int(gdb.parse_and_eval("$pc")) & (2**64 - 1)
    except gdb.error:
        break
    if pc not in SITES:
        break
    regs = [int(gdb.parse_and_eval("$x%d" % i)) & (2**64 - 1) for i in range(31)]
    sp = int(gdb.parse_and_eval("$sp")) & (2**64 - 1)
    print("STOP %x %s %x" % (pc, " ".join("%x" % r for r in regs), sp))
    stack = dump(sp, 512)
    # What the registers and stack slots point at: strings and globals.
    pointers = set(regs)
    for i in range(0, len(stack) - 7, 8):
        pointers.add(int.from_bytes(stack[i:i + 8], "little"))
    for p in sorted(pointers):
        if p > 0x10000:
            dump(p, 128)
    print("END")
    sys.stdout.flush()
try:
    gdb.execute("kill")
except gdb.error:
    pass
"#;

fn tool_missing(tool: &str) -> bool {
    let found = Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if !found {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{tool} is not installed (scripts/install-deps installs it)");
        }
        eprintln!("skip: {tool} is not installed");
    }
    !found
}

fn run(cmd: &mut Command) -> String {
    let shown = format!("{cmd:?}");
    let out = cmd.output().unwrap_or_else(|e| panic!("{shown}: {e}"));
    assert!(
        out.status.success(),
        "{shown}: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn build(dir: &Path, optimize: &str) -> PathBuf {
    let file = probe_provider::parse_file(fixture("trace.d")).unwrap();
    std::fs::write(
        dir.join("trace.h"),
        probe_gen::sdt_header::generate(&file, &Default::default()),
    )
    .unwrap();
    let target = probe_target::ElfTarget::from_triple("aarch64-linux-gnu").unwrap();
    std::fs::write(
        dir.join("trace.o"),
        probe_gen::stub_object::generate(&file, &target).unwrap(),
    )
    .unwrap();
    let prog = dir.join(format!("prog{optimize}"));
    run(Command::new("aarch64-linux-gnu-gcc")
        .args([optimize, "-static", "-w", "-I"])
        .arg(dir)
        .arg("-o")
        .arg(&prog)
        .arg(fixture("prog.c"))
        .arg(dir.join("trace.o"))
        .arg("-lpthread"));
    prog
}

/// Runs `prog` under qemu, stopping at every site.
fn stops(prog: &Path, sites: &[u64]) -> Vec<Stop> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let script = GDB_SCRIPT.replace("PORT", &port.to_string()).replace(
        "SITES",
        &format!(
            "[{}]",
            sites
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    let script_path = prog.with_extension("gdb.py");
    std::fs::write(&script_path, script).unwrap();
    let mut qemu = Command::new("qemu-aarch64")
        .arg("-g")
        .arg(port.to_string())
        .arg(prog)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let out = run(Command::new("gdb-multiarch")
        .args(["-q", "-batch", "-nx", "-x"])
        .arg(&script_path)
        .arg(prog));
    let _ = qemu.kill();
    let _ = qemu.wait();
    let mut stops = Vec::new();
    let mut current: Option<Stop> = None;
    for line in out.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let hex = |s: &str| u64::from_str_radix(s, 16).unwrap();
        match fields.first() {
            Some(&"STOP") => {
                let mut registers = Registers::new(Machine::Aarch64);
                registers.pc = hex(fields[1]);
                for i in 0..31 {
                    registers.general[i] = hex(fields[2 + i]);
                }
                registers.general[31] = hex(fields[33]);
                current = Some(Stop {
                    registers,
                    memory: Regions(Vec::new()),
                });
            }
            Some(&"MEM") => {
                let bytes = (0..fields[2].len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&fields[2][i..i + 2], 16).unwrap())
                    .collect();
                current
                    .as_mut()
                    .unwrap()
                    .memory
                    .0
                    .push((hex(fields[1]), bytes));
            }
            Some(&"END") => stops.push(current.take().unwrap()),
            _ => {}
        }
    }
    stops
}

fn kinds(provider: &str, name: &str, index: usize) -> ArgKind {
    let file = probe_provider::parse_file(fixture("trace.d")).unwrap();
    let probe = file
        .providers
        .iter()
        .find(|p| p.name == provider)
        .and_then(|p| p.probes.iter().find(|probe| probe.name == name))
        .unwrap();
    match probe.args[index].ty.class {
        probe_provider::TypeClass::String => ArgKind::String,
        probe_provider::TypeClass::Pointer => ArgKind::Pointer,
        _ => ArgKind::Integer,
    }
}

fn clean(value: Value) -> Value {
    match value {
        Value::String {
            bytes, truncated, ..
        } => Value::String {
            bytes,
            truncated,
            address: 0,
        },
        other => other,
    }
}

fn text(s: &str) -> Value {
    Value::String {
        bytes: s.as_bytes().to_vec(),
        truncated: false,
        address: 0,
    }
}

#[test]
#[ignore = "system tier: needs aarch64-linux-gnu-gcc, qemu-aarch64 and gdb-multiarch"]
fn aarch64_arguments_from_real_notes_registers_and_memory() {
    if ["aarch64-linux-gnu-gcc", "qemu-aarch64", "gdb-multiarch"]
        .iter()
        .any(|tool| tool_missing(tool))
    {
        return;
    }
    let dir = std::env::temp_dir().join(format!("probe-trace-aarch64-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for optimize in ["-O0", "-O2"] {
        let prog = build(&dir, optimize);
        let object = ObjectFile::load(&prog, &prog, false, &kinds)
            .unwrap()
            .unwrap();
        assert_eq!(object.machine, "aarch64");
        let sites: HashMap<u64, _> = object.sites.iter().map(|s| (s.pc, s.clone())).collect();
        let addresses: Vec<u64> = sites.keys().copied().collect();
        let mut seen: Vec<(std::string::String, Vec<Value>)> = Vec::new();
        for stop in stops(&prog, &addresses) {
            let site = &sites[&stop.registers.pc];
            let context = Context {
                registers: &stop.registers,
                memory: &stop.memory,
                bias: 0,
                object: Some(&object),
                string_bytes: 64,
                pointer_size: 8,
            };
            let values = site
                .args
                .iter()
                .map(|plan| {
                    decode(plan, &context)
                        .map(clean)
                        .unwrap_or_else(|e| panic!("{} {}: {e}", site.name, plan.spec))
                })
                .collect();
            seen.push((site.name.clone(), values));
        }
        use Value::*;
        let ints = vec![
            Signed(-1),
            Signed(-300),
            Signed(-70000),
            Signed(-5_000_000_000),
            Unsigned(250),
            Unsigned(65000),
            Unsigned(4_000_000_000),
            Unsigned(18_000_000_000_000_000_000),
        ];
        let mut literal_ints = ints.clone();
        literal_ints[4] = Signed(250);
        literal_ints[5] = Signed(65000);
        let names: Vec<&str> = seen.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            ["ints", "ints", "strs", "ptr", "ptr", "twelve", "done"],
            "{optimize}"
        );
        assert_eq!(seen[0].1, ints, "{optimize}");
        assert_eq!(seen[1].1, literal_ints, "{optimize}");
        assert!(
            matches!(&seen[2].1[0], String { bytes, .. } if bytes.ends_with(optimize.as_bytes())),
            "{optimize}: {:?}",
            seen[2].1
        );
        assert_eq!(
            seen[2].1[1..],
            [
                String {
                    bytes: vec![b'x'; 64],
                    truncated: true,
                    address: 0
                },
                text("")
            ]
        );
        assert!(matches!(seen[3].1[0], Pointer(p) if p != 0));
        assert_eq!(seen[3].1[0], seen[3].1[1]);
        assert_eq!(seen[4].1, [Pointer(0), Pointer(0)]);
        let mut twelve: Vec<Value> = [1, -2, 3, -4, 5, -6, 7, -8, 9, -10, -9_000_000_000]
            .into_iter()
            .map(Signed)
            .collect();
        twelve.push(text("twelfth"));
        assert_eq!(seen[5].1, twelve, "{optimize}");
        assert_eq!(seen[6].1, [Signed(0)]);
    }
    let _ = std::fs::remove_dir_all(dir);
}
