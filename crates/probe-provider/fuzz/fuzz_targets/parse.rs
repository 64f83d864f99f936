//! Any bytes: the parser returns Ok or Err, never panics or hangs, and
//! whatever it reports can be displayed.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match probe_provider::parse_bytes("fuzz.d", data) {
        Ok(file) => {
            for w in &file.warnings {
                let _ = w.to_string();
            }
            for provider in &file.providers {
                for probe in &provider.probes {
                    assert!(probe.args.len() <= probe_provider::MAX_PROBE_ARGS);
                    for arg in &probe.args {
                        // What the parser produced must parse again to the same type.
                        let again = probe_provider::CType::parse(&arg.ty.normalized)
                            .expect("normalized type parses");
                        assert_eq!(again.normalized, arg.ty.normalized);
                        assert_eq!(again.class, arg.ty.class);
                    }
                }
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
