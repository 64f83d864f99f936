//! `probe-build list` reads whatever file it is given. A truncated or
//! corrupt file must make it exit 1 with one clear line naming the file:
//! no panic, no hang, nothing on standard output. The files are cut or
//! damaged copies of a real relocatable object built here with our header
//! and compiled by `cc` (notes, relocations, semaphores).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::{probe_build, run_ok, run_timed, Scratch};
use object::{Object, ObjectSection};

const PROVIDER: &str = "\
provider shop {
    probe order(const char *item, int count, long total);
    probe refund(unsigned long id);
};
";

const SOURCE: &str = r#"
#include "shop.h"
long sell(const char *item, int count)
{
    long total = count * 3L;
    if (SHOP_ORDER_ENABLED())
        SHOP_ORDER(item, count, total);
    SHOP_REFUND((unsigned long) total);
    return total;
}
"#;

/// Generous: `list` reads a file in milliseconds.
const TIMEOUT: Duration = Duration::from_secs(20);

/// Builds the object in `scratch` and returns its bytes.
fn real_object(scratch: &Scratch) -> Vec<u8> {
    scratch.write("shop.d", PROVIDER);
    scratch.write("shop.c", SOURCE);
    run_ok(
        probe_build()
            .current_dir(&scratch.dir)
            .args(["dtrace", "-h", "-s", "shop.d", "-o", "shop.h"]),
    );
    run_ok(
        Command::new("cc")
            .current_dir(&scratch.dir)
            .args(["-O2", "-c", "shop.c", "-o", "shop.o"]),
    );
    let bytes = std::fs::read(scratch.path("shop.o")).unwrap();
    assert_eq!(
        &bytes[..6],
        b"\x7fELF\x02\x01",
        "these tests patch ELF64 little-endian objects; this host's cc writes another kind"
    );
    bytes
}

/// The ELF64 header fields and section header fields the tests change.
const E_SHOFF: usize = 0x28;
const E_SHNUM: usize = 0x3c;
const E_SHSTRNDX: usize = 0x3e;
const SHDR_SIZE: usize = 64;
const SH_OFFSET: usize = 0x18;
const SH_SIZE: usize = 0x20;

fn get_u64(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap())
}

fn put_u16(bytes: &mut [u8], at: usize, value: u16) {
    bytes[at..at + 2].copy_from_slice(&value.to_le_bytes());
}

fn put_u32(bytes: &mut [u8], at: usize, value: u32) {
    bytes[at..at + 4].copy_from_slice(&value.to_le_bytes());
}

fn put_u64(bytes: &mut [u8], at: usize, value: u64) {
    bytes[at..at + 8].copy_from_slice(&value.to_le_bytes());
}

/// Where a section's header is, and its data.
struct Section {
    header: usize,
    data: std::ops::Range<usize>,
}

fn section(bytes: &[u8], name: &str) -> Section {
    let file = object::File::parse(bytes).unwrap();
    let section = file
        .section_by_name(name)
        .unwrap_or_else(|| panic!("the object has no {name}"));
    let (offset, size) = section.file_range().unwrap();
    Section {
        header: get_u64(bytes, E_SHOFF) as usize + section.index().0 * SHDR_SIZE,
        data: offset as usize..(offset + size) as usize,
    }
}

/// The object with `copies` more section headers, each a copy of the
/// header of section `name`: sections that overlap.
fn with_copies_of(bytes: &[u8], name: &str, copies: usize) -> Vec<u8> {
    let header = section(bytes, name).header;
    let shoff = get_u64(bytes, E_SHOFF) as usize;
    let shnum = u16::from_le_bytes([bytes[E_SHNUM], bytes[E_SHNUM + 1]]) as usize;
    let mut out = bytes.to_vec();
    out.resize(out.len().next_multiple_of(8), 0);
    let new_shoff = out.len();
    out.extend_from_slice(&bytes[shoff..shoff + shnum * SHDR_SIZE]);
    for _ in 0..copies {
        out.extend_from_slice(&bytes[header..header + SHDR_SIZE]);
    }
    put_u64(&mut out, E_SHOFF, new_shoff as u64);
    put_u16(&mut out, E_SHNUM, u16::try_from(shnum + copies).unwrap());
    out
}

/// Runs `probe-build list FILES...` and returns (exit code, stdout, stderr).
fn list(dir: &Path, files: &[PathBuf]) -> (Option<i32>, String, String) {
    let out = run_timed(
        probe_build().current_dir(dir).arg("list").args(files),
        TIMEOUT,
    )
    .unwrap_or_else(|e| panic!("probe-build list hangs: {e}"));
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `list` on one damaged file: exit 1, nothing on stdout, one line on stderr
/// naming the file and containing `why`.
fn assert_refused(scratch: &Scratch, label: &str, bytes: &[u8], why: &str) {
    let path = scratch.path(&format!("{label}.o"));
    std::fs::write(&path, bytes).unwrap();
    let (code, stdout, stderr) = list(&scratch.dir, std::slice::from_ref(&path));
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(
        code == Some(1) && stdout.is_empty() && lines.len() == 1,
        "{label}: expected exit 1 and one line on stderr, got exit {code:?}\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    let prefix = format!("probe-build: error: {}: ", path.display());
    assert!(
        lines[0].starts_with(&prefix) && lines[0].contains(why),
        "{label}: expected `{prefix}...{why}...`, got:\n{}",
        lines[0]
    );
}

#[test]
fn the_undamaged_object_lists_its_probes() {
    let scratch = Scratch::new("list-untrusted-whole");
    real_object(&scratch);
    let (code, stdout, stderr) = list(&scratch.dir, &[scratch.path("shop.o")]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("shop:order pc=") && stdout.contains("shop:refund pc="));
    assert!(
        stdout.contains("semaphore=shop_order__semaphore")
            || stdout.contains("semaphore=shop_order_semaphore"),
        "{stdout}"
    );
}

/// Every prefix of the object, all in one run: each is one error line, in
/// order, and nothing is listed.
#[test]
fn every_truncation_is_one_error_line() {
    let scratch = Scratch::new("list-untrusted-prefixes");
    let bytes = real_object(&scratch);
    let cut = scratch.path("cut");
    std::fs::create_dir_all(&cut).unwrap();
    let files: Vec<PathBuf> = (0..bytes.len())
        .map(|len| {
            let path = cut.join(format!("{len:05}"));
            std::fs::write(&path, &bytes[..len]).unwrap();
            path
        })
        .collect();
    let (code, stdout, stderr) = list(&scratch.dir, &files);
    assert_eq!(code, Some(1));
    assert!(
        stdout.is_empty(),
        "a truncated object was listed:\n{stdout}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), files.len(), "one line per file:\n{stderr}");
    for (line, path) in lines.iter().zip(&files) {
        let prefix = format!("probe-build: error: {}: ", path.display());
        assert!(line.starts_with(&prefix), "{line}");
    }
}

#[test]
fn bogus_note_sizes_are_refused() {
    let scratch = Scratch::new("list-untrusted-note-sizes");
    let bytes = real_object(&scratch);
    let notes = section(&bytes, ".note.stapsdt").data;
    let first = notes.start;
    // The second note starts after the first's header, name and descriptor.
    let namesz = u32::from_le_bytes(bytes[first..first + 4].try_into().unwrap()) as usize;
    let descsz = u32::from_le_bytes(bytes[first + 4..first + 8].try_into().unwrap()) as usize;
    let second = first + 12 + namesz.next_multiple_of(4) + descsz.next_multiple_of(4);
    assert!(second < notes.end, "the object has two notes");
    let past_the_end = (notes.len() + 1) as u32;
    for (note, at) in [("first", first), ("second", second)] {
        for (field, offset) in [("namesz", 0), ("descsz", 4)] {
            for value in [u32::MAX, 0x7fff_ffff, 0xffff_fff0, past_the_end] {
                let mut damaged = bytes.clone();
                put_u32(&mut damaged, at + offset, value);
                assert_refused(
                    &scratch,
                    &format!("{note}-{field}-{value:x}"),
                    &damaged,
                    "malformed stapsdt note",
                );
            }
        }
    }
    // A descriptor too short for its three addresses.
    let mut damaged = bytes.clone();
    put_u32(&mut damaged, first + 4, 8);
    assert_refused(
        &scratch,
        "short-descriptor",
        &damaged,
        "malformed stapsdt note",
    );
}

#[test]
fn huge_section_sizes_and_offsets_are_refused() {
    let scratch = Scratch::new("list-untrusted-sections");
    let bytes = real_object(&scratch);
    let len = bytes.len() as u64;
    for name in [".note.stapsdt", ".rela.note.stapsdt"] {
        let header = section(&bytes, name).header;
        for (field, at) in [("size", SH_SIZE), ("offset", SH_OFFSET)] {
            for value in [u64::MAX, 1 << 62, 1 << 40, len] {
                let mut damaged = bytes.clone();
                put_u64(&mut damaged, header + at, value);
                assert_refused(
                    &scratch,
                    &format!("{name}-{field}-{value:x}"),
                    &damaged,
                    "malformed ELF file",
                );
            }
        }
    }
}

#[test]
fn a_damaged_section_table_is_refused() {
    let scratch = Scratch::new("list-untrusted-table");
    let bytes = real_object(&scratch);
    for value in [u64::MAX, 1 << 40, bytes.len() as u64] {
        let mut damaged = bytes.clone();
        put_u64(&mut damaged, E_SHOFF, value);
        assert_refused(
            &scratch,
            &format!("shoff-{value:x}"),
            &damaged,
            "malformed ELF file",
        );
    }
    let mut damaged = bytes.clone();
    put_u16(&mut damaged, E_SHNUM, 0xfeff);
    assert_refused(&scratch, "shnum", &damaged, "malformed ELF file");
    let mut damaged = bytes.clone();
    put_u16(&mut damaged, E_SHSTRNDX, 0xfeff);
    assert_refused(&scratch, "shstrndx", &damaged, "malformed ELF file");
}

/// Thousands of section headers that all point at the same notes or
/// relocations would make a small file read as many times as much.
#[test]
fn overlapping_note_and_relocation_sections_are_refused() {
    let scratch = Scratch::new("list-untrusted-overlap");
    let bytes = real_object(&scratch);
    for name in [".note.stapsdt", ".rela.note.stapsdt"] {
        assert_refused(
            &scratch,
            &format!("copies-of{name}"),
            &with_copies_of(&bytes, name, 60_000),
            "overlap",
        );
    }
    // A single copy is not yet more than the file holds, and reads.
    let path = scratch.path("one-copy.o");
    std::fs::write(&path, with_copies_of(&bytes, ".note.stapsdt", 1)).unwrap();
    let (code, stdout, stderr) = list(&scratch.dir, &[path]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains(": 4 probes"), "{stdout}");
}

/// A device that never ends, or a pipe nobody writes to, is refused before
/// it is read.
#[test]
fn devices_and_pipes_are_refused_without_reading_them() {
    let scratch = Scratch::new("list-untrusted-device");
    let fifo = scratch.path("fifo");
    run_ok(Command::new("mkfifo").arg(&fifo));
    for path in [PathBuf::from("/dev/zero"), fifo] {
        let (code, stdout, stderr) = list(&scratch.dir, std::slice::from_ref(&path));
        assert_eq!(code, Some(1), "{stderr}");
        assert!(stdout.is_empty());
        assert_eq!(
            stderr,
            format!(
                "probe-build: error: {}: not an ELF file (device, pipe or socket)\n",
                path.display()
            )
        );
    }
}
