//! Golden files: every generator's output for every corpus file, kept in
//! `tests/golden/CORPUS-STEM/OUTPUT` and compared byte for byte.
//!
//! A change to a generator shows up as a diff of these files in review.
//! After an intended change, bless the new outputs:
//!
//! ```text
//! BLESS=1 cargo test -p probe-gen --features stub-object --test golden
//! git diff crates/probe-gen/tests/golden
//! ```
//!
//! Stub objects are binary: their golden file is a listing (sections,
//! symbols) followed by a hex dump of every byte (runs of equal lines as
//! `*`, as `hexdump` prints them), so a review sees what
//! changed and the comparison stays exact.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use probe_provider::{parse_file, parse_file_with, Preprocessor, ProviderFile};
use probe_target::{Arch, Backend, DtraceSystem};

fn corpus_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus"))
}

fn golden_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden"))
}

fn needs_cpp(path: &Path) -> bool {
    fs::read_to_string(path).unwrap().lines().any(|line| {
        let line = line.trim_start_matches('\u{feff}').trim_start();
        ["#define", "#if", "#include"]
            .iter()
            .any(|d| line.starts_with(d))
    })
}

fn read(path: &Path) -> ProviderFile {
    let parsed = if needs_cpp(path) {
        parse_file_with(path, Some(&Preprocessor::new()))
    } else {
        parse_file(path)
    };
    let mut file = parsed.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    // Outputs name the provider file; keep the name free of the checkout's path.
    file.path = PathBuf::from(path.file_name().unwrap());
    file
}

/// Every output of every generator for one provider file, by golden name.
fn outputs(file: &ProviderFile) -> BTreeMap<String, Vec<u8>> {
    use probe_gen::*;
    let mut out: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut text = |name: &str, s: String| {
        out.insert(name.to_string(), s.into_bytes());
    };

    text(
        "sdt.h",
        sdt_header::generate(file, &sdt_header::SdtHeaderOptions::new()),
    );
    text(
        "sdt-system.h",
        sdt_header::generate(
            file,
            &sdt_header::SdtHeaderOptions::new().flavor(sdt_header::SdtFlavor::SystemSdt),
        ),
    );
    text("disabled.h", disabled_header::generate(file));
    text(
        "macos.h",
        macos_header::generate(
            file,
            &macos_header::MacosHeaderOptions::new().output_name("probes.h"),
        ),
    );
    for (name, system) in [
        ("illumos.h", DtraceSystem::Illumos),
        ("freebsd.h", DtraceSystem::FreeBsd),
    ] {
        text(
            name,
            illumos_header::generate(
                file,
                &illumos_header::IllumosHeaderOptions::new()
                    .system(system)
                    .output_name("probes.h"),
            ),
        );
    }
    text(
        "oracle.h",
        oracle_header::generate(
            file,
            &oracle_header::OracleHeaderOptions::new().output_name("probes.h"),
        ),
    );
    text("shim.c", dtrace_shim::generate(file));
    text("shim.h", dtrace_shim::generate_header(file, "probes.h"));
    text(
        "tapset.stp",
        tapset::generate(file, &tapset::TapsetOptions::new("/usr/bin/app")),
    );
    text(
        "bpftrace.bt",
        bpftrace_script::generate(file, &bpftrace_script::BpftraceOptions::new("/usr/bin/app")),
    );

    use rust_module::RustModuleOptions;
    let backends = [
        ("sdt-x86_64", Backend::Sdt(Arch::X86_64)),
        ("sdt-aarch64", Backend::Sdt(Arch::Aarch64)),
        ("sdt-powerpc64", Backend::Sdt(Arch::Powerpc64)),
        ("sdt-s390x", Backend::Sdt(Arch::S390x)),
        ("sdt-riscv64", Backend::Sdt(Arch::Riscv64)),
        ("macos-x86_64", Backend::Macos(Arch::X86_64)),
        ("macos-aarch64", Backend::Macos(Arch::Aarch64)),
        ("shim-illumos", Backend::DtraceShim(DtraceSystem::Illumos)),
        ("shim-freebsd", Backend::DtraceShim(DtraceSystem::FreeBsd)),
        ("disabled", Backend::Disabled),
    ];
    for (name, backend) in backends {
        let module = match rust_module::generate(file, &RustModuleOptions::new(backend)) {
            Ok(s) => s,
            Err(diagnostics) => diagnostics
                .iter()
                .map(|d| format!("error: {d}\n"))
                .collect(),
        };
        text(&format!("rust-{name}.rs"), module);
    }

    stub_objects(file, &mut out);
    out
}

#[cfg(feature = "stub-object")]
fn stub_objects(file: &ProviderFile, out: &mut BTreeMap<String, Vec<u8>>) {
    use probe_gen::stub_object::generate;
    use probe_target::ElfTarget;
    for triple in [
        "x86_64-linux-gnu",
        "i686-linux-gnu",
        "aarch64-linux-gnu",
        "arm-linux-gnueabihf",
        "powerpc64le-linux-gnu",
        "s390x-linux-gnu",
        "riscv64-linux-gnu",
    ] {
        let target = ElfTarget::from_triple(triple).unwrap();
        let listing = match generate(file, &target) {
            Ok(bytes) => object_listing(&bytes),
            Err(e) => format!("error: {e}\n"),
        };
        out.insert(format!("stub-{triple}.o.txt"), listing.into_bytes());
    }
}

#[cfg(not(feature = "stub-object"))]
fn stub_objects(_: &ProviderFile, _: &mut BTreeMap<String, Vec<u8>>) {}

/// Sections and symbols as `object` reads them, then every byte in hex.
#[cfg(feature = "stub-object")]
fn object_listing(bytes: &[u8]) -> String {
    use object::{Object, ObjectSection, ObjectSymbol};
    use std::fmt::Write as _;
    let mut s = String::new();
    let obj = object::File::parse(bytes).expect("the stub object parses");
    let _ = writeln!(
        s,
        "{:?} {:?} {:?}",
        obj.format(),
        obj.architecture(),
        obj.endianness()
    );
    for section in obj.sections() {
        let _ = writeln!(
            s,
            "section {:?} kind={:?} size={} align={} flags={:?}",
            section.name().unwrap_or("?"),
            section.kind(),
            section.size(),
            section.align(),
            section.flags()
        );
    }
    for symbol in obj.symbols() {
        let _ = writeln!(
            s,
            "symbol {:?} kind={:?} section={:?} value={} size={} scope={:?} flags={:?}",
            symbol.name().unwrap_or("?"),
            symbol.kind(),
            symbol.section_index().map(|i| i.0),
            symbol.address(),
            symbol.size(),
            symbol.scope(),
            symbol.flags()
        );
    }
    // Repeated lines (alignment padding) shrink to one `*`, as in `hexdump`.
    let mut previous: Option<&[u8]> = None;
    let mut repeating = false;
    for (i, chunk) in bytes.chunks(16).enumerate() {
        if previous == Some(chunk) {
            if !repeating {
                s.push_str("*\n");
                repeating = true;
            }
            continue;
        }
        repeating = false;
        previous = Some(chunk);
        let _ = write!(s, "{:06x}:", i * 16);
        for b in chunk {
            let _ = write!(s, " {b:02x}");
        }
        s.push('\n');
    }
    let _ = writeln!(s, "{:06x}: end", bytes.len());
    s
}

#[test]
fn every_output_matches_its_golden_file() {
    let bless = std::env::var_os("BLESS").is_some_and(|v| !v.is_empty() && v != "0");
    let mut files: Vec<PathBuf> = fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "d"))
        .collect();
    files.sort();
    assert!(files.len() >= 12, "corpus looks incomplete");

    let mut differences = Vec::new();
    let mut compared = 0;
    for path in &files {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let dir = golden_dir().join(&stem);
        let outputs = outputs(&read(path));
        if bless {
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(&dir).unwrap();
        }
        for (name, bytes) in &outputs {
            let golden = dir.join(name);
            if bless {
                fs::write(&golden, bytes).unwrap();
                continue;
            }
            compared += 1;
            match fs::read(&golden) {
                Ok(want) if want == *bytes => {}
                Ok(want) => differences.push(format!(
                    "{stem}/{name}: differs (first difference at byte {})",
                    want.iter()
                        .zip(bytes.iter())
                        .position(|(a, b)| a != b)
                        .unwrap_or(want.len().min(bytes.len()))
                )),
                Err(_) => differences.push(format!("{stem}/{name}: no golden file")),
            }
        }
        if !bless {
            for entry in fs::read_dir(&dir).into_iter().flatten() {
                let name = entry.unwrap().file_name().to_string_lossy().into_owned();
                if !outputs.contains_key(&name) {
                    differences.push(format!("{stem}/{name}: golden file of no output"));
                }
            }
        }
    }
    assert!(
        differences.is_empty(),
        "{} of {compared} outputs differ from tests/golden (after an intended change: \
         BLESS=1 cargo test -p probe-gen --features stub-object --test golden, then review \
         `git diff`):\n{}",
        differences.len(),
        differences.join("\n")
    );
}
