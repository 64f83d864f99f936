//! `probe-build list`: the SDT probes of ELF files (through `probe-inspect`),
//! and `--check`, which fails when a declared probe has no site.

use std::path::PathBuf;

use crate::cli::ListArgs;
use crate::failure::{failed, Result};
use crate::input::read_provider_file;
use crate::output::{write_output, Destination};

pub fn run(args: &ListArgs) -> Result<()> {
    let mut read = Vec::new();
    let mut errors = Vec::new();
    for path in &args.files {
        match probe_inspect::read_file(path) {
            Ok(probes) => read.push(probes),
            Err(error) => errors.push(format!("probe-build: error: {error}")),
        }
    }
    let Some(provider_path) = &args.check else {
        let text = if args.json {
            probe_inspect::format_json(&read)
        } else {
            probe_inspect::format_text(&read)
        };
        write_output(&Destination::Stdout, text.as_bytes())?;
        return finish(errors);
    };

    if !errors.is_empty() {
        return finish(errors);
    }
    // The files together make up the program (an executable and its
    // libraries): a probe needs a site in any of them.
    let declared = read_provider_file(provider_path, &args.read.options())?;
    let sites: Vec<_> = read
        .iter()
        .flat_map(|file| file.probes.iter().cloned())
        .collect();
    let linked = PathBuf::from(
        args.files
            .iter()
            .map(|f| f.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
    );
    let missing = probe_inspect::check(&declared, &sites);
    if missing.is_empty() {
        let count: usize = declared.providers.iter().map(|p| p.probes.len()).sum();
        println!(
            "{}: all {count} declared probes have sites in {}",
            provider_path.display(),
            linked.display()
        );
        return Ok(());
    }
    let mut messages: Vec<String> = missing
        .iter()
        .map(|m| m.diagnostic(&linked).to_string())
        .collect();
    messages.push(format!(
        "probe-build: error: {} of the probes {} declares have no site",
        missing.len(),
        provider_path.display()
    ));
    Err(failed!("{}", messages.join("\n")))
}

fn finish(errors: Vec<String>) -> Result<()> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(failed!("{}", errors.join("\n")))
    }
}
