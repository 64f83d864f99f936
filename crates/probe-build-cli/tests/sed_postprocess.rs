//! The header `dtrace -h` writes survives the sed scripts real projects run
//! over it (CPython, PostgreSQL, PHP), end to end through the CLI: sed the
//! header, build with the renamed macros, fire, read the arguments in gdb.

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
    /// gdb: probe and the expected argument values (strings, then numbers).
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

fn check(project: &Project) {
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
    for (compiler, output) in [("gcc", "prog"), ("clang-16", "prog-clang")] {
        run_ok(Command::new(compiler).current_dir(&s.dir).args([
            "-O2", "-Wall", "-Werror", "main.c", "probes.o", "-o", output,
        ]));
    }
    // C++ too: CPython and PostgreSQL headers are included from C++ extensions.
    fs::copy(s.path("main.c"), s.path("main.cc")).unwrap();
    run_ok(Command::new("g++").current_dir(&s.dir).args([
        "-O2", "-Wall", "-Werror", "main.cc", "probes.o", "-o", "prog-cxx",
    ]));

    for prog in ["prog", "prog-clang", "prog-cxx"] {
        let mut script = String::from("set pagination off\n");
        for (probe, values) in project.expect {
            script.push_str(&format!(
                "break -probe-stap {probe}\ncommands\nsilent\nprintf \"HIT {probe}\\n\"\n"
            ));
            for (i, value) in values.iter().enumerate() {
                if value.parse::<i64>().is_ok() {
                    script.push_str(&format!(
                        "printf \"ARG %lld\\n\", (long long) $_probe_arg{i}\n"
                    ));
                } else {
                    script.push_str(&format!("printf \"ARG %s\\n\", (char *) $_probe_arg{i}\n"));
                }
            }
            script.push_str("continue\nend\n");
        }
        script.push_str("run\n");
        s.write("gdb.cmd", &script);
        let out = run_ok(
            Command::new("gdb")
                .current_dir(&s.dir)
                .args(["-batch", "-nx", "-x", "gdb.cmd"])
                .arg(format!("./{prog}")),
        );
        let mut expected = String::new();
        for (probe, values) in project.expect {
            expected.push_str(&format!("HIT {probe}\n"));
            for value in *values {
                // Unsigned 4000000000 in a 4-byte unsigned slot reads back as is.
                expected.push_str(&format!("ARG {value}\n"));
            }
        }
        let seen: String = out
            .lines()
            .filter(|l| l.starts_with("HIT ") || l.starts_with("ARG "))
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(
            seen, expected,
            "{}: {prog}: gdb output:\n{out}",
            project.name
        );
    }
}

#[test]
#[ignore = "system tier: gdb, clang-16, g++"]
fn cpython_header_after_sed() {
    probe_test_support::require_tools!("/usr/bin/dtrace", "sys/sdt.h", "gdb", "g++", "clang-16");
    check(&PROJECTS[0]);
}

#[test]
#[ignore = "system tier: gdb, clang-16, g++"]
fn postgresql_header_after_sed() {
    probe_test_support::require_tools!("/usr/bin/dtrace", "sys/sdt.h", "gdb", "g++", "clang-16");
    check(&PROJECTS[1]);
}

#[test]
#[ignore = "system tier: gdb, clang-16, g++"]
fn php_header_after_sed() {
    probe_test_support::require_tools!("/usr/bin/dtrace", "sys/sdt.h", "gdb", "g++", "clang-16");
    check(&PROJECTS[2]);
}
