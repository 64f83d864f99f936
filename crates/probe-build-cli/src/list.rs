//! `probe-build list`: the probes of ELF files and macOS programs (through
//! `probe-inspect`): SDT notes, and DTrace probes carried as DOF (the objects
//! `dtrace -G` writes, and the programs that link them); and `--check`,
//! which fails when a declared probe has no site.

use std::path::PathBuf;

use probe_inspect::dof::DofFile;
use probe_inspect::{ElfProbes, NameError};

use crate::cli::ListArgs;
use crate::failure::{failed, Result};
use crate::input::read_provider_file;
use crate::output::{write_output, Destination};

/// What one file holds: its SDT notes, its DOF, or both.
struct Found {
    sdt: Option<ElfProbes>,
    dof: Option<DofFile>,
}

/// What `path` holds; for a static archive, what its members hold, each as
/// one [`Found`].
fn read(path: &PathBuf) -> std::result::Result<Vec<Found>, String> {
    let data =
        probe_inspect::read_contents(path).map_err(|e| format!("probe-build: error: {e}"))?;
    if !data.starts_with(b"!<arch>\n") {
        return read_one(path, &data).map(|found| vec![found]);
    }
    let archive = object::read::archive::ArchiveFile::parse(&*data)
        .map_err(|e| format!("probe-build: error: {}: bad archive: {e}", path.display()))?;
    let mut found = Vec::new();
    for member in archive.members() {
        let member = member
            .map_err(|e| format!("probe-build: error: {}: bad archive: {e}", path.display()))?;
        let name = String::from_utf8_lossy(member.name()).into_owned();
        let bytes = member
            .data(&*data)
            .map_err(|e| format!("probe-build: error: {}({name}): {e}", path.display()))?;
        if !bytes.starts_with(b"\x7fELF") {
            // The symbol table and other non-object members.
            continue;
        }
        let member_path = PathBuf::from(format!("{}({name})", path.display()));
        found.push(read_one(&member_path, bytes)?);
    }
    Ok(found)
}

fn read_one(path: &PathBuf, data: &[u8]) -> std::result::Result<Found, String> {
    let error = |e: probe_inspect::InspectError| format!("probe-build: error: {e}");
    let dof = match probe_inspect::dof::read_bytes(path, data) {
        Ok(dof) if !dof.dofs.is_empty() => Some(dof),
        Ok(_) => None,
        // Not ELF nor Mach-O: the SDT reader names what it is.
        Err(probe_inspect::InspectError::NotElf { .. }) => None,
        Err(e) => return Err(error(e)),
    };
    match probe_inspect::read_bytes(path, data) {
        // A DTrace build without SDT notes is listed by its DOF alone.
        Ok(sdt) if sdt.probes.is_empty() && dof.is_some() => Ok(Found { sdt: None, dof }),
        Ok(sdt) => Ok(Found {
            sdt: Some(sdt),
            dof,
        }),
        Err(_) if dof.is_some() => Ok(Found { sdt: None, dof }),
        Err(e) => Err(error(e)),
    }
}

pub fn run(args: &ListArgs) -> Result<()> {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for path in &args.files {
        match read(path) {
            Ok(f) => found.extend(f),
            Err(e) => errors.push(e),
        }
    }
    let Some(provider_path) = &args.check else {
        let text = if args.json {
            json(&found)
        } else {
            found
                .iter()
                .map(|f| {
                    let mut text = String::new();
                    if let Some(sdt) = &f.sdt {
                        text += &probe_inspect::format_text(std::slice::from_ref(sdt));
                    }
                    if let Some(dof) = &f.dof {
                        if !text.is_empty() {
                            text.push('\n');
                        }
                        text += &probe_inspect::dof::format_text(std::slice::from_ref(dof));
                    }
                    text
                })
                .collect::<Vec<_>>()
                .join("\n")
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
    let sdt_sites = found
        .iter()
        .filter_map(|f| f.sdt.as_ref())
        .flat_map(|file| file.probes.iter())
        .map(|p| (p.provider.clone(), p.name.clone()));
    let dof_sites = found
        .iter()
        .filter_map(|f| f.dof.as_ref())
        .flat_map(DofFile::probe_names);
    let sites: Vec<(String, String)> = sdt_sites.chain(dof_sites).collect();
    let linked = PathBuf::from(
        args.files
            .iter()
            .map(|f| f.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
    );
    let unused = unused_probes(&declared, &args.unused)?;
    let missing: Vec<_> = probe_inspect::check_sites(
        &declared,
        sites.iter().map(|(p, n)| (p.as_str(), n.as_str())),
    )
    .into_iter()
    .filter(|m| !unused.contains(&(m.provider.name.as_str(), m.probe.name.as_str())))
    .collect();
    if missing.is_empty() {
        let count: usize = declared.providers.iter().map(|p| p.probes.len()).sum();
        if unused.is_empty() {
            println!(
                "{}: all {count} declared probes have sites in {}",
                provider_path.display(),
                linked.display()
            );
        } else {
            println!(
                "{}: all {} probes in use have sites in {}; {} more declared unused on purpose",
                provider_path.display(),
                count - unused.len(),
                linked.display(),
                unused.len()
            );
        }
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

/// The SDT array as before; files with DOF add objects with `"format": "dof"`.
fn json(found: &[Found]) -> String {
    let sdt: Vec<ElfProbes> = found.iter().filter_map(|f| f.sdt.clone()).collect();
    let text = probe_inspect::format_json(&sdt);
    let dof: Vec<DofFile> = found.iter().filter_map(|f| f.dof.clone()).collect();
    if dof.is_empty() {
        return text;
    }
    let objects = probe_inspect::dof::format_json_objects(&dof);
    let body = text.trim_end().trim_end_matches(']').trim_end();
    let mut out = body.to_string();
    for object in objects {
        out.push_str(if out == "[" { "\n  " } else { ",\n  " });
        out.push_str(&object);
    }
    out.push_str("\n]\n");
    out
}

fn finish(errors: Vec<String>) -> Result<()> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(failed!("{}", errors.join("\n")))
    }
}

/// The probes `--unused` names, as `(provider, probe)`; a name the provider
/// file does not declare is an error (a stale list would hide nothing).
fn unused_probes<'a>(
    declared: &'a probe_provider::ProviderFile,
    names: &[String],
) -> Result<Vec<(&'a str, &'a str)>> {
    let mut unused = Vec::new();
    for name in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        let (provider, probe) =
            probe_inspect::declared_probe(declared, name).map_err(|error| match error {
                NameError::NotDeclared => failed!(
                    "probe-build: error: --unused {name}: {} declares no such probe",
                    declared.path.display()
                ),
                NameError::Ambiguous => failed!(
                    "probe-build: error: --unused {name}: several providers declare it; \
                     write PROVIDER:{name}"
                ),
            })?;
        unused.push((provider.name.as_str(), probe.name.as_str()));
    }
    Ok(unused)
}
