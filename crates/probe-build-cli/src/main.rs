//! The `probe-build` command.
//!
//! `probe-build dtrace ...`, or this binary called through a link named
//! `dtrace`, takes SystemTap's `dtrace` wrapper command line; everything else
//! is an ordinary clap command line (see `cli.rs`).

mod cli;
mod dtrace;
mod failure;
mod generate;
mod input;
mod list;
mod output;
mod target;

use std::ffi::OsString;
use std::path::Path;

use clap::Parser;

use crate::cli::{BpftraceArgs, Cli, Command};
use crate::failure::{Result, EXIT_OK};
use crate::output::{write_output, Destination};

fn main() {
    let mut args: Vec<OsString> = std::env::args_os().collect();
    let invoked_as = args
        .first()
        .and_then(|arg0| Path::new(arg0).file_name())
        .map(|name| name.to_os_string());
    let result = if invoked_as.as_deref() == Some(std::ffi::OsStr::new("dtrace")) {
        dtrace::run(args.split_off(1))
    } else if args.get(1).map(|a| a == "dtrace").unwrap_or(false) {
        dtrace::run(args.split_off(2))
    } else {
        run(args)
    };
    let code = match result {
        Ok(()) => EXIT_OK,
        Err(failure) => {
            eprintln!("{failure}");
            failure.exit_code()
        }
    };
    std::process::exit(code);
}

fn run(mut args: Vec<OsString>) -> Result<()> {
    // `object -32`/`-64` as the wrapper spells them; clap wants `--32`.
    if args.get(1).map(|a| a == "object").unwrap_or(false) {
        for arg in args.iter_mut().skip(2) {
            if arg == "-32" || arg == "-64" {
                let mut long = OsString::from("-");
                long.push(&*arg);
                *arg = long;
            }
        }
    }
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            // --help and --version are not errors.
            let usage = error.use_stderr();
            let _ = error.print();
            if usage {
                std::process::exit(failure::EXIT_USAGE);
            }
            return Ok(());
        }
    };
    match cli.command {
        Command::Dtrace { args } => dtrace::run(args),
        Command::Header(args) => {
            let file = input::read_provider_file(&args.file, &args.read.options())?;
            let destination = Destination::from_arg(&args.output);
            let output_name = match &destination {
                Destination::File(path) => {
                    path.file_name().map(|n| n.to_string_lossy().into_owned())
                }
                Destination::Stdout => None,
            };
            let contents = probe_pipeline::header(&file, args.flavor, output_name.as_deref());
            write_output(&destination, contents.as_bytes())
        }
        Command::Object(args) => {
            let file = input::read_provider_file(&args.file, &args.read.options())?;
            let class = if args.m32 {
                Some(probe_target::ElfClass::Elf32)
            } else if args.m64 {
                Some(probe_target::ElfClass::Elf64)
            } else {
                None
            };
            let choice = target::TargetChoice {
                objects: args.objects,
                class,
                triple: args.target,
            };
            let target = target::resolve(&choice)?;
            let contents = generate::stub_object(&file, &target)?;
            write_output(&Destination::File(args.output), &contents)
        }
        Command::Tapset(args) => {
            let file = input::read_provider_file(&args.file, &args.read.options())?;
            let options = probe_gen::tapset::TapsetOptions::new(args.binary);
            let text = probe_gen::tapset::generate(&file, &options);
            write_output(&Destination::from_arg(&args.output), text.as_bytes())
        }
        Command::Bpftrace(BpftraceArgs {
            script: args,
            max_args,
        }) => {
            let mut file = input::read_provider_file(&args.file, &args.read.options())?;
            keep_probes_with_sites(&mut file, Path::new(&args.binary));
            let options =
                probe_gen::bpftrace_script::BpftraceOptions::new(args.binary).max_args(max_args);
            let text = probe_gen::bpftrace_script::generate(&file, &options);
            write_output(&Destination::from_arg(&args.output), text.as_bytes())
        }
        Command::List(args) => list::run(&args),
    }
}

/// bpftrace rejects a whole script when one `usdt:` probe has no site in the
/// binary (projects declare probes they never fire: CPython 3.11's
/// `instance__new__start`). When the binary exists, probes without a site
/// are left out, with a warning; before the binary is built, all are kept.
fn keep_probes_with_sites(file: &mut probe_provider::ProviderFile, binary: &Path) {
    let Ok(found) = probe_inspect::read_file(binary) else {
        return;
    };
    let sites: std::collections::HashSet<(String, String)> = found
        .probes
        .into_iter()
        .map(|p| (p.provider, p.name))
        .collect();
    for provider in &mut file.providers {
        let name = provider.name.clone();
        provider.probes.retain(|probe| {
            let present = sites.contains(&(name.clone(), probe.name.clone()));
            if !present {
                eprintln!(
                    "probe-build: warning: probe {name}:{} has no site in {}; left out of the script",
                    probe.name,
                    binary.display()
                );
            }
            present
        });
    }
}
