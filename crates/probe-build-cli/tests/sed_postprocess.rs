//! The header `dtrace -h` writes survives the sed scripts real projects run
//! over it (CPython, PostgreSQL, PHP), end to end through the CLI: sed the
//! header, build with the renamed macros (gcc in the quick tier, clang-16
//! and g++ in the system tier), fire, read the arguments with `probe-build
//! trace`.

mod common;

use std::fs;
use std::process::Command;

use common::*;

struct Project {
    name: &'static str,
    provider: &'static str,
    /// Runs the project's dtrace command(s) in the build folder.
    dtrace_args: &'static [&'static str],
    /// sed arguments turning `probes.raw.h` into `probes.h`, as the project's Makefile does.
    sed: &'static [&'static str],
    program: &'static str,
    /// `probe-build trace`: probe and the expected argument values (text
    /// that is not a number is a string).
    expect: &'static [(&'static str, &'static [&'static str])],
}

const PROJECTS: &[Project] = &[
    Project {
        name: "cpython",
        // Modeled on Include/pydtrace.d.
        provider: "provider python {
    probe function__entry(const char *, const char *, int);
    probe function__return(const char *, const char *, int);
    probe instance__new__start(const char *, const char *);
    probe line(const char *, const char *, int);
    probe gc__start(int);
    probe gc__done(long);
    probe import__find__load__start(const char *);
    probe import__find__load__done(const char *, int);
    probe audit(const char *, void *);
};
#pragma D attributes Evolving/Evolving/Common provider python provider
",
        dtrace_args: &["-o", "probes.raw.h", "-h", "-s", "probes.d"],
        // CPython's Makefile: only the first PYTHON_ on each line.
        sed: &["s/PYTHON_/PyDTrace_/"],
        program: r#"
#include <string.h>
#include "probes.h"
char file[16], func[16];
int main(void)
{
    strcpy(file, "spam.py"); strcpy(func, "eggs");
    if (PyDTrace_FUNCTION_ENTRY_ENABLED() || 1)
        PyDTrace_FUNCTION_ENTRY(file, func, 42);
    PyDTrace_GC_DONE(-1234L);
    PyDTrace_IMPORT_FIND_LOAD_DONE(file, 1);
    return PyDTrace_LINE_ENABLED();
}
"#,
        expect: &[
            ("python:function__entry", &["spam.py", "eggs", "42"]),
            ("python:gc__done", &["-1234"]),
            ("python:import__find__load__done", &["spam.py", "1"]),
        ],
    },
    Project {
        name: "postgresql",
        // Modeled on src/backend/utils/probes.d (run with -C).
        provider: "#define LocalTransactionId unsigned int
#define LWLockMode int
#define LOCKMODE int
#define BlockNumber unsigned int
#define Oid unsigned int
#define ForkNumber int
#define bool unsigned char

provider postgresql {
    probe transaction__start(LocalTransactionId);
    probe query__start(const char *);
    probe query__done(const char *);
    probe lwlock__acquire(const char *, LWLockMode);
    probe lock__wait__start(unsigned int, unsigned int, unsigned int, unsigned int, unsigned int, LOCKMODE);
    probe buffer__read__done(ForkNumber, BlockNumber, Oid, Oid, Oid, int, bool);
    probe statement__status(const char *);
    probe sort__start(int, bool, int, int, bool, int);
};
",
        dtrace_args: &["-C", "-h", "-s", "probes.d", "-o", "probes.raw.h"],
        // src/backend/utils/postprocess_dtrace.sed
        sed: &["-e", "s/POSTGRESQL_/TRACE_POSTGRESQL_/g", "-e", "s/( *char \\*/(const char */g", "-e", "s/, *char \\*/, const char */g"],
        program: r#"
#include <string.h>
#include "probes.h"
char query[32], lock[16];
int main(void)
{
    strcpy(query, "SELECT 1"); strcpy(lock, "WALWrite");
    TRACE_POSTGRESQL_TRANSACTION_START(77u);
    TRACE_POSTGRESQL_QUERY_START(query);
    TRACE_POSTGRESQL_LWLOCK_ACQUIRE(lock, 2);
    if (TRACE_POSTGRESQL_BUFFER_READ_DONE_ENABLED() || 1)
        TRACE_POSTGRESQL_BUFFER_READ_DONE(0, 4000000000u, 1, 2, 3, -1, (unsigned char)1);
    return 0;
}
"#,
        expect: &[
            ("postgresql:transaction__start", &["77"]),
            ("postgresql:query__start", &["SELECT 1"]),
            ("postgresql:lwlock__acquire", &["WALWrite", "2"]),
            ("postgresql:buffer__read__done", &["0", "4000000000", "1", "2", "3", "-1", "1"]),
        ],
    },
    Project {
        name: "php",
        // Modeled on Zend/zend_dtrace.d.
        provider: "provider php {
\tprobe compile__file__entry(char* /* compile_file */,
\t\t\tchar* /* compile_file_translated */);
\tprobe request__startup(char* /* request_file */,
\t\t\tchar* /* request_uri */,
\t\t\tchar* /* request_method */);
\tprobe execute__entry(char* /* filename */, int /* lineno */);
\tprobe function__entry(char* /* function_name */,
\t\t\tchar* /* filename */,
\t\t\tint /* lineno */,
\t\t\tchar* /* classname */,
\t\t\tchar* /* scope */);
\tprobe error(char* /* errormsg */,
\t\t\tchar* /* request_file */,
\t\t\tint /* lineno */);
};
",
        dtrace_args: &["-h", "-C", "-s", "probes.d", "-o", "probes.raw.h"],
        // Zend's build: every PHP_ becomes DTRACE_.
        sed: &["-e", "s,PHP_,DTRACE_,g"],
        program: r#"
#include <string.h>
#include "probes.h"
char fn[16], file[16], cls[16], scope[8];
int main(void)
{
    strcpy(fn, "strlen"); strcpy(file, "index.php"); strcpy(cls, "Foo"); strcpy(scope, "::");
    if (DTRACE_FUNCTION_ENTRY_ENABLED() || 1)
        DTRACE_FUNCTION_ENTRY(fn, file, 12, cls, scope);
    DTRACE_EXECUTE_ENTRY(file, 99);
    return 0;
}
"#,
        expect: &[
            ("php:function__entry", &["strlen", "index.php", "12", "Foo", "::"]),
            ("php:execute__entry", &["index.php", "99"]),
        ],
    },
];

/// Builds the project's program with each of `compilers` (a C compiler,
/// or a C++ one for `main.cc`) and reads the expected probes' arguments
/// with `probe-build trace`.
fn check(project: &Project, compilers: &[&str]) {
    let s = Scratch::new(project.name);
    s.write("probes.d", project.provider);
    run_ok(
        probe_build()
            .current_dir(&s.dir)
            .arg("dtrace")
            .args(project.dtrace_args),
    );
    run_ok(
        probe_build()
            .current_dir(&s.dir)
            .args(["dtrace", "-C", "-G", "-s", "probes.d", "-o", "probes.o"]),
    );
    let sedded = run_ok(
        Command::new("sed")
            .current_dir(&s.dir)
            .args(project.sed)
            .arg("probes.raw.h"),
    );
    fs::write(s.path("probes.h"), sedded).unwrap();
    s.write("main.c", project.program);
    // C++ too: CPython and PostgreSQL headers are included from C++ extensions.
    fs::copy(s.path("main.c"), s.path("main.cc")).unwrap();

    let expected: Vec<String> = project
        .expect
        .iter()
        .map(|(probe, values)| {
            let args: Vec<String> = values
                .iter()
                .map(|value| match value.parse::<i64>() {
                    Ok(_) => value.to_string(),
                    Err(_) => format!("{value:?}"),
                })
                .collect();
            format!("{probe}({})", args.join(", "))
        })
        .collect();
    for compiler in compilers {
        let source = if compiler.contains("++") {
            "main.cc"
        } else {
            "main.c"
        };
        let prog = format!("prog-{compiler}");
        run_ok(
            Command::new(compiler)
                .current_dir(&s.dir)
                .args(["-O2", "-Wall", "-Werror", source, "probes.o", "-o", &prog]),
        );
        let mut trace = probe_build();
        trace
            .current_dir(&s.dir)
            .args(["trace", "-C", "--provider", "probes.d"]);
        for (probe, _) in project.expect {
            trace.args(["-n", probe]);
        }
        let out = run_ok(trace.arg("--").arg(format!("./{prog}")));
        let seen: Vec<&str> = out.lines().collect();
        assert_eq!(seen, expected, "{}: {prog}", project.name);
    }
}

#[test]
fn headers_after_sed_with_gcc() {
    for project in PROJECTS {
        check(project, &["gcc"]);
    }
}

#[test]
#[ignore = "system tier: clang-16, g++"]
fn cpython_header_after_sed() {
    probe_test_support::require_tools!("g++", "clang-16");
    check(&PROJECTS[0], &["clang-16", "g++"]);
}

#[test]
#[ignore = "system tier: clang-16, g++"]
fn postgresql_header_after_sed() {
    probe_test_support::require_tools!("g++", "clang-16");
    check(&PROJECTS[1], &["clang-16", "g++"]);
}

#[test]
#[ignore = "system tier: clang-16, g++"]
fn php_header_after_sed() {
    probe_test_support::require_tools!("g++", "clang-16");
    check(&PROJECTS[2], &["clang-16", "g++"]);
}
