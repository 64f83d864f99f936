//! `cargo run --example list -- [--json] [--check PROVIDER.d] FILE...`: what
//! `probe-build list` does, for trying the library before the CLI wires it.
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut json = false;
    let mut provider = None;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--json" => json = true,
            "--check" => provider = args.next(),
            _ => files.push(arg),
        }
    }
    let mut status = ExitCode::SUCCESS;
    let mut read = Vec::new();
    for file in &files {
        match probe_inspect::read_file(file) {
            Ok(probes) => read.push(probes),
            Err(err) => {
                eprintln!("error: {err}");
                status = ExitCode::FAILURE;
            }
        }
    }
    print!(
        "{}",
        if json {
            probe_inspect::format_json(&read)
        } else {
            probe_inspect::format_text(&read)
        }
    );
    if let Some(provider) = provider {
        let declared = match probe_provider::parse_file(&provider) {
            Ok(declared) => declared,
            Err(err) => {
                eprintln!("{err}");
                return ExitCode::FAILURE;
            }
        };
        for file in &read {
            for missing in probe_inspect::check(&declared, &file.probes) {
                eprintln!("{}", missing.diagnostic(&file.path));
                status = ExitCode::FAILURE;
            }
        }
    }
    status
}
