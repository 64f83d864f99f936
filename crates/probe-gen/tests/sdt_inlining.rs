//! A small function holding a probe is inlined as it is with <sys/sdt.h>.
//!
//! GCC weighs an asm statement by its lines when it decides what to inline;
//! the self-contained header's note takes many lines for one `nop`, so
//! without `asm inline` GCC kept QEMU-style `static inline` trace helpers
//! out of line (one call per use, and one probe site in all where
//! <sys/sdt.h> gives one per caller).

use std::process::Command;

use probe_gen::sdt_header::{generate, SdtHeaderOptions};
use probe_provider::parse_str;

#[test]
fn a_static_inline_trace_helper_is_inlined_into_every_caller() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("sdt_inlining");
    std::fs::create_dir_all(&dir).unwrap();
    let file = parse_str(
        "q.d",
        "provider q { probe ev(void *s, long cnt, int buf, int fl); };",
    )
    .unwrap();
    std::fs::write(dir.join("q.h"), generate(&file, &SdtHeaderOptions::new())).unwrap();
    let mut source = String::from(
        "#include \"q.h\"\n\
         extern int tracing;\n\
         static inline void trace_ev(void *s, long cnt, int buf, int fl)\n\
         {\n\tif (tracing || Q_EV_ENABLED())\n\t\tQ_EV(s, cnt, buf, fl);\n}\n",
    );
    for i in 1..=12 {
        source +=
            &format!("void f{i}(void *s, int x) {{ trace_ev(s, x * {i}, x + {i}, x - {i}); }}\n");
    }
    std::fs::write(dir.join("callers.c"), source).unwrap();
    let object = dir.join("callers.o");
    let out = Command::new("gcc")
        .args(["-O2", "-Wall", "-Werror", "-c"])
        .arg(dir.join("callers.c"))
        .arg("-o")
        .arg(&object)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let notes = Command::new("readelf")
        .arg("-nW")
        .arg(&object)
        .output()
        .unwrap();
    let sites = String::from_utf8_lossy(&notes.stdout)
        .matches("NT_STAPSDT")
        .count();
    assert_eq!(
        sites, 12,
        "the trace helper was not inlined into its 12 callers"
    );
}
