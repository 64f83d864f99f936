//! Any bytes as an ELF file, the way `probe-build list` reads one: the
//! reader returns probes or an error, never panics or hangs, and whatever it
//! returns can be printed as text and as JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match probe_inspect::read_bytes("fuzz.elf", data) {
        Ok(file) => {
            for probe in &file.probes {
                // The arguments are the note's text, split.
                assert_eq!(
                    probe.arguments.len(),
                    probe_inspect::parse_arguments(&probe.raw_arguments).len()
                );
            }
            let files = [file];
            let _ = probe_inspect::format_text(&files);
            let _ = probe_inspect::format_json(&files);
        }
        Err(error) => {
            let shown = error.to_string();
            assert!(shown.starts_with("fuzz.elf: "), "{shown}");
            assert!(!shown.contains('\n'), "{shown}");
        }
    }
});
