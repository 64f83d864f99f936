//! Parses provider files and prints the model or the diagnostics
//! (`cargo run --example check -- [-C] FILE...`).
fn main() {
    let mut cpp = None;
    let mut status = 0;
    for arg in std::env::args().skip(1) {
        if arg == "-C" {
            cpp = Some(probe_provider::Preprocessor::new());
            continue;
        }
        match probe_provider::parse_file_with(&arg, cpp.as_ref()) {
            Ok(file) => {
                for w in &file.warnings {
                    eprintln!("{w}");
                }
                for p in &file.providers {
                    for probe in &p.probes {
                        let args: Vec<String> = probe
                            .args
                            .iter()
                            .map(|a| {
                                format!(
                                    "{} [{:?}]{}",
                                    a.ty.normalized,
                                    a.ty.class,
                                    a.name.as_ref().map(|n| format!(" {n}")).unwrap_or_default()
                                )
                            })
                            .collect();
                        println!(
                            "{}:{}({}) at {}:{}",
                            p.name,
                            probe.name,
                            args.join(", "),
                            probe.span.file.display(),
                            probe.span.line
                        );
                    }
                }
            }
            Err(e) => {
                eprintln!("{e}");
                status = 1;
            }
        }
    }
    std::process::exit(status);
}
