//! The illumos/Solaris and FreeBSD header, checked on Linux: for every
//! corpus file, a program firing every probe is compiled with gcc against
//! the header, run through `scripts/stand-ins/dtrace-illumos -G` (a stand-in
//! that checks and rewrites the sites the way illumos' `dtrace -G` does),
//! linked with the `.SUNW_dof` object it writes, and run.

mod dtrace_support;

use std::path::Path;
use std::process::Command;

use dtrace_support::{corpus, program, repo_root, run, run_failing, work_dir, write};
use probe_gen::illumos_header::{self, IllumosHeaderOptions};
use probe_provider::{parse_str, ProviderFile};
use probe_target::DtraceSystem;

fn stand_in() -> std::path::PathBuf {
    repo_root().join("scripts/stand-ins/dtrace-illumos")
}

/// Call relocations against `__dtrace_*` / `__dtraceenabled_*` in `object`.
fn probe_relocations(object: &Path) -> (usize, usize) {
    let text = run(Command::new("readelf").args(["-rW"]).arg(object));
    let mut probes = 0;
    let mut enabled = 0;
    for line in text
        .lines()
        .filter(|l| l.contains("R_X86_64_PLT32") || l.contains("R_X86_64_PC32"))
    {
        if line.contains(" __dtraceenabled_") {
            enabled += 1;
        } else if line.contains(" __dtrace_") {
            probes += 1;
        }
    }
    (probes, enabled)
}

/// Builds, `-G`s, links and runs `file`'s program; returns the site count.
fn check_file(path: &Path, file: &ProviderFile, system: DtraceSystem) -> usize {
    let name = path.file_stem().unwrap().to_string_lossy().into_owned();
    let dir = work_dir(&format!("{system:?}-{name}"));
    let header = illumos_header::generate(
        file,
        &IllumosHeaderOptions::new()
            .system(system)
            .output_name("probes.h"),
    );
    write(&dir.join("probes.h"), &header);
    write(&dir.join("prog.c"), &program(file, "probes.h"));

    // What the system headers provide: illumos' <unistd.h> defines
    // _DTRACE_VERSION; FreeBSD's <sys/sdt.h> does (Linux has neither).
    let mut cc = Command::new("gcc");
    cc.args([
        "-O2", "-Wall", "-Wextra", "-Werror", "-c", "prog.c", "-o", "prog.o",
    ])
    .current_dir(&dir);
    if system == DtraceSystem::FreeBsd {
        std::fs::create_dir_all(dir.join("stub/sys")).unwrap();
        write(&dir.join("stub/sys/sdt.h"), "#define _DTRACE_VERSION 1\n");
        cc.args(["-isystem", "stub"]);
    } else {
        cc.arg("-D_DTRACE_VERSION=1");
    }
    run(&mut cc);
    let (probes, enabled) = probe_relocations(&dir.join("prog.o"));
    let declared: usize = file.providers.iter().map(|p| p.probes.len()).sum();
    assert!(
        probes >= 2 * declared && enabled >= declared,
        "{name}: {probes} probe and {enabled} is-enabled calls for {declared} probes"
    );

    let mut g = Command::new("python3");
    g.arg(stand_in())
        .args(["-G", "-64", "-C", "-s"])
        .arg(path)
        .args(["-o", "dof.o", "prog.o"])
        .current_dir(&dir);
    if file.providers.iter().any(|p| p.probes.is_empty()) {
        // Like illumos, -G wants at least one site for every provider.
        let err = run_failing(&mut g);
        assert!(
            err.contains("No probe sites found for declared provider"),
            "{name}: {err}"
        );
        return 0;
    }
    run(&mut g);

    let (left_probes, left_enabled) = probe_relocations(&dir.join("prog.o"));
    assert_eq!(
        (left_probes, left_enabled),
        (0, 0),
        "{name}: calls left after -G"
    );
    let dof = run(Command::new("objdump")
        .args(["-s", "-j", ".SUNW_dof", "dof.o"])
        .current_dir(&dir));
    assert!(dof.contains("7f444f46"), "{name}: no DOF magic in\n{dof}");
    run(Command::new("gcc")
        .args(["prog.o", "dof.o", "-o", "prog"])
        .current_dir(&dir));
    run(Command::new(dir.join("prog")).current_dir(&dir));
    probes + enabled
}

#[test]
#[ignore = "system tier: the illumos stand-in (python3), cross compilers, qemu-user"]
fn corpus_builds_through_dtrace_g_illumos() {
    probe_test_support::require_tools!("python3", "g++", "i686-linux-gnu-gcc", "qemu-i386");
    let mut sites = 0;
    for (path, file) in corpus() {
        sites += check_file(&path, &file, DtraceSystem::Illumos);
    }
    eprintln!("illumos: {sites} sites rewritten");
    assert!(sites > 100);
}

#[test]
#[ignore = "system tier: the illumos stand-in (python3), cross compilers, qemu-user"]
fn corpus_builds_through_dtrace_g_freebsd() {
    probe_test_support::require_tools!("python3", "g++", "i686-linux-gnu-gcc", "qemu-i386");
    let mut sites = 0;
    for (path, file) in corpus() {
        sites += check_file(&path, &file, DtraceSystem::FreeBsd);
    }
    eprintln!("freebsd: {sites} sites rewritten");
    assert!(sites > 100);
}

#[test]
#[ignore = "system tier: the illumos stand-in (python3), cross compilers, qemu-user"]
fn i386_objects_go_through_dtrace_g_32() {
    probe_test_support::require_tools!("python3", "g++", "i686-linux-gnu-gcc", "qemu-i386");
    // 32-bit builds pass -32; the stand-in refuses them without it, as illumos does.
    let (path, file) = corpus()
        .into_iter()
        .find(|(p, _)| p.ends_with("07-twelve.d"))
        .unwrap();
    let dir = work_dir("i386");
    write(
        &dir.join("probes.h"),
        &illumos_header::generate(&file, &IllumosHeaderOptions::new()),
    );
    write(&dir.join("prog.c"), &program(&file, "probes.h"));
    run(Command::new("i686-linux-gnu-gcc")
        .args([
            "-O2",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-D_DTRACE_VERSION=1",
            "-c",
            "prog.c",
            "-o",
            "prog.o",
        ])
        .current_dir(&dir));
    let g = |model: &str| {
        let mut g = Command::new("python3");
        g.arg(stand_in())
            .args(["-G", model, "-s"])
            .arg(&path)
            .args(["-o", "dof.o", "prog.o"])
            .current_dir(&dir);
        g
    };
    let err = run_failing(&mut g("-64"));
    assert!(
        err.contains("incorrect ELF class for object file: prog.o"),
        "{err}"
    );
    run(&mut g("-32"));
    let relocs = run(Command::new("readelf")
        .args(["-rW", "prog.o"])
        .current_dir(&dir));
    let calls = relocs
        .lines()
        .filter(|l| l.contains("__dtrace") && (l.contains("PLT32") || l.contains("PC32")));
    assert_eq!(calls.count(), 0, "{relocs}");
    assert!(relocs.contains("R_386_NONE"), "{relocs}");
    run(Command::new("i686-linux-gnu-gcc")
        .args(["prog.o", "dof.o", "-o", "prog"])
        .current_dir(&dir));
    run(Command::new("qemu-i386")
        .args(["-L", "/usr/i686-linux-gnu", "./prog"])
        .current_dir(&dir));
}

#[test]
fn without_dtrace_version_the_macros_are_empty() {
    for (path, file) in corpus() {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let dir = work_dir(&format!("nodtrace-{name}"));
        write(
            &dir.join("probes.h"),
            &illumos_header::generate(&file, &IllumosHeaderOptions::new()),
        );
        write(&dir.join("prog.c"), &program(&file, "probes.h"));
        run(Command::new("gcc")
            .args([
                "-O2",
                "-Wall",
                "-Werror",
                "-Wno-unused-variable",
                "-c",
                "prog.c",
                "-o",
                "prog.o",
            ])
            .current_dir(&dir));
        assert_eq!(probe_relocations(&dir.join("prog.o")), (0, 0), "{name}");
    }
}

#[test]
fn header_text_follows_dt_program_c() {
    let file = parse_str(
        "srv.d",
        "provider srv { probe req__start(struct conn *c, char *path, int n); probe tick(); };",
    )
    .unwrap();
    let header = illumos_header::generate(
        &file,
        &IllumosHeaderOptions::new().output_name("srv-probes.h"),
    );
    let expected = "\
#ifndef\t_SRV_PROBES_H
#define\t_SRV_PROBES_H

#include <unistd.h>

#ifdef\t__cplusplus
extern \"C\" {
#endif

struct conn;

#if _DTRACE_VERSION

#define\tSRV_REQ_START(arg0, arg1, arg2) \\
\t__dtrace_srv___req__start(arg0, arg1, arg2)
#ifndef\t__sparc
#define\tSRV_REQ_START_ENABLED() \\
\t__dtraceenabled_srv___req__start()
#else
#define\tSRV_REQ_START_ENABLED() \\
\t__dtraceenabled_srv___req__start(0)
#endif
#define\tSRV_TICK() \\
\t__dtrace_srv___tick()
#ifndef\t__sparc
#define\tSRV_TICK_ENABLED() \\
\t__dtraceenabled_srv___tick()
#else
#define\tSRV_TICK_ENABLED() \\
\t__dtraceenabled_srv___tick(0)
#endif


extern void __dtrace_srv___req__start(const struct conn *, const char *, int);
#ifndef\t__sparc
extern int __dtraceenabled_srv___req__start(void);
#else
extern int __dtraceenabled_srv___req__start(long);
#endif
extern void __dtrace_srv___tick(void);
#ifndef\t__sparc
extern int __dtraceenabled_srv___tick(void);
#else
extern int __dtraceenabled_srv___tick(long);
#endif

#else

#define\tSRV_REQ_START(arg0, arg1, arg2)
#define\tSRV_REQ_START_ENABLED() (0)
#define\tSRV_TICK()
#define\tSRV_TICK_ENABLED() (0)

#endif


#ifdef\t__cplusplus
}
#endif

#endif\t/* _SRV_PROBES_H */
";
    let body = header.split_once("*/\n\n").expect("leading comment").1;
    assert_eq!(body, expected);

    let freebsd = illumos_header::generate(
        &file,
        &IllumosHeaderOptions::new().system(DtraceSystem::FreeBsd),
    );
    assert!(freebsd.contains("#include <unistd.h>\n#include <sys/sdt.h>\n"));
    // FreeBSD's dt_program.c has no SPARC variants.
    assert!(!freebsd.contains("__sparc"), "{freebsd}");
    assert!(freebsd.contains(
        "#define\tSRV_REQ_START_ENABLED() \\\n\t__dtraceenabled_srv___req__start()\n#define\tSRV_TICK()"
    ));
    assert!(freebsd.contains(
        "extern void __dtrace_srv___tick(void);\nextern int __dtraceenabled_srv___tick(void);\n"
    ));
    assert!(
        freebsd.contains("#ifndef\t_SRV_H\n"),
        "default guard from the provider file's name"
    );
}

#[test]
#[ignore = "system tier: the illumos stand-in (python3), cross compilers, qemu-user"]
fn const_strings_need_no_sed() {
    probe_test_support::require_tools!("python3", "g++", "i686-linux-gnu-gcc", "qemu-i386");
    // PostgreSQL runs sed over Solaris headers to turn `char *` into
    // `const char *`; here a `const char *` must pass with -Werror, in C and C++.
    let file = parse_str(
        "pg.d",
        "provider postgresql { probe query__start(char *); };",
    )
    .unwrap();
    let dir = work_dir("const-strings");
    write(
        &dir.join("probes.h"),
        &illumos_header::generate(&file, &IllumosHeaderOptions::new()),
    );
    let src = "#include \"probes.h\"\nvoid f(const char *q);\nvoid f(const char *q) { POSTGRESQL_QUERY_START(q); }\n";
    write(&dir.join("f.c"), src);
    write(&dir.join("f.cc"), src);
    for (compiler, source) in [("gcc", "f.c"), ("g++", "f.cc")] {
        run(Command::new(compiler)
            .args([
                "-D_DTRACE_VERSION=1",
                "-Wall",
                "-Wextra",
                "-Werror",
                "-c",
                source,
                "-o",
                "f.o",
            ])
            .current_dir(&dir));
    }
}
