//! What the provider language accepts, and the model it yields.

use probe_provider::{parse_str, CType, IntType, Severity, TypeClass};

fn ty(text: &str) -> CType {
    CType::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

#[test]
fn normalized_spellings() {
    let cases = [
        ("unsigned long long int", "unsigned long long"),
        ("long unsigned int", "unsigned long"),
        ("long   int", "long"),
        ("int long", "long"),
        ("long long int", "long long"),
        ("signed", "int"),
        ("signed int", "int"),
        ("unsigned", "unsigned int"),
        ("short int", "short"),
        ("unsigned short int", "unsigned short"),
        ("signed char", "signed char"),
        ("char unsigned", "unsigned char"),
        ("char const *", "const char *"),
        ("const char*", "const char *"),
        ("char * const", "char *const"),
        ("char const * const", "const char *const"),
        ("const char *const *", "const char *const *"),
        ("char **", "char **"),
        ("int volatile const", "const volatile int"),
        ("const struct s *", "const struct s *"),
        ("struct s const*", "const struct s *"),
        ("union u *", "union u *"),
        ("enum e *", "enum e *"),
        ("string", "string"),
        ("_Bool", "bool"),
        ("bool", "bool"),
        ("double", "double"),
        ("long double *", "long double *"),
        ("float", "float"),
        ("void *", "void *"),
        ("const void *", "const void *"),
        ("int *restrict", "int *restrict"),
        ("size_t", "size_t"),
        ("uint64_t", "uint64_t"),
        ("foo_t", "foo_t"),
        ("foo_t*", "foo_t *"),
    ];
    for (written, normalized) in cases {
        let t = ty(written);
        assert_eq!(t.normalized, normalized, "normalizing `{written}`");
        // Normalizing is idempotent.
        assert_eq!(
            ty(&t.normalized).normalized,
            normalized,
            "renormalizing `{written}`"
        );
    }
}

#[test]
fn written_keeps_the_words_as_given() {
    assert_eq!(ty("char  const*").written, "char const*");
    assert_eq!(ty("long\tunsigned  int").written, "long unsigned int");
    assert_eq!(ty("char /* c */ * const").written, "char * const");
}

#[test]
fn classes() {
    use IntType::*;
    let cases = [
        ("char", TypeClass::Integer(Char)),
        ("signed char", TypeClass::Integer(SignedChar)),
        ("unsigned char", TypeClass::Integer(UnsignedChar)),
        ("short", TypeClass::Integer(Short)),
        ("unsigned short", TypeClass::Integer(UnsignedShort)),
        ("int", TypeClass::Integer(Int)),
        ("unsigned", TypeClass::Integer(UnsignedInt)),
        ("long", TypeClass::Integer(Long)),
        ("unsigned long", TypeClass::Integer(UnsignedLong)),
        ("long long", TypeClass::Integer(LongLong)),
        ("unsigned long long", TypeClass::Integer(UnsignedLongLong)),
        ("int8_t", TypeClass::Integer(I8)),
        ("uint8_t", TypeClass::Integer(U8)),
        ("int16_t", TypeClass::Integer(I16)),
        ("uint16_t", TypeClass::Integer(U16)),
        ("int32_t", TypeClass::Integer(I32)),
        ("uint32_t", TypeClass::Integer(U32)),
        ("int64_t", TypeClass::Integer(I64)),
        ("uint64_t", TypeClass::Integer(U64)),
        ("size_t", TypeClass::Integer(Size)),
        ("ssize_t", TypeClass::Integer(SSize)),
        ("intptr_t", TypeClass::Integer(IntPtr)),
        ("uintptr_t", TypeClass::Integer(UIntPtr)),
        ("ptrdiff_t", TypeClass::Integer(PtrDiff)),
        ("off_t", TypeClass::Integer(Off)),
        ("pid_t", TypeClass::Integer(Pid)),
        ("uid_t", TypeClass::Integer(Uid)),
        ("gid_t", TypeClass::Integer(Gid)),
        ("const int", TypeClass::Integer(Int)),
        ("bool", TypeClass::Bool),
        ("_Bool", TypeClass::Bool),
        ("float", TypeClass::Float),
        ("double", TypeClass::Float),
        ("long double *", TypeClass::Pointer),
        ("string", TypeClass::String),
        ("char *", TypeClass::String),
        ("const char *", TypeClass::String),
        ("char *const", TypeClass::String),
        ("unsigned char *", TypeClass::String),
        ("signed char *", TypeClass::String),
        ("char **", TypeClass::Pointer),
        ("void *", TypeClass::Pointer),
        ("int *", TypeClass::Pointer),
        ("uint8_t *", TypeClass::Pointer),
        ("foo_t *", TypeClass::Pointer),
        ("struct s *", TypeClass::Pointer),
        ("union u *", TypeClass::Pointer),
        ("enum e *", TypeClass::Pointer),
        ("foo_t", TypeClass::Other),
        ("enum e", TypeClass::Other),
        ("enum e", TypeClass::Other),
    ];
    for (text, class) in cases {
        assert_eq!(ty(text).class, class, "class of `{text}`");
    }
}

#[test]
fn parameter_names_and_typedef_names() {
    let file = parse_str(
        "t.d",
        "provider p { probe x(unsigned int count, TxnId, my_t x, unsigned n, long long, \
         char *name, const struct s *const s, string str, int, foo_t *f); };",
    )
    .unwrap();
    let args = &file.providers[0].probes[0].args;
    let got: Vec<(&str, Option<&str>)> = args
        .iter()
        .map(|a| (a.ty.normalized.as_str(), a.name.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("unsigned int", Some("count")),
            ("TxnId", None),
            ("my_t", Some("x")),
            ("unsigned int", Some("n")),
            ("long long", None),
            ("char *", Some("name")),
            ("const struct s *const", Some("s")),
            ("string", Some("str")),
            ("int", None),
            ("foo_t *", Some("f")),
        ]
    );
}

#[test]
fn the_kitchen_sink() {
    let text = "\u{feff}// leading comment\r\n\
        #pragma D option quiet\r\n\
        typedef struct conn { int fd; struct { int x; } inner; } conn_t;\r\n\
        struct req { char *url; };\r\n\
        union u { int a; long b; };\r\n\
        enum state { IDLE, BUSY = 2 };\r\n\
        provider a { probe one(); probe two(void); }; provider b { };\r\n\
        provider c /* c */ {\r\n\
        \tprobe multi(int x, // first\r\n\
        \t            long y /* second */);  /* trailing */\r\n\
        \tprobe tr(conn_t *c, int n) : (conn_t *c, string s);\r\n\
        #pragma D attributes Evolving/Evolving/Common provider c args\r\n\
        };\r\n\
        #pragma D depends_on library net.d\r\n";
    let file = parse_str("sink.d", text).unwrap();
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    let names: Vec<&str> = file.providers.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["a", "b", "c"]);
    assert_eq!(file.providers[0].probes.len(), 2);
    assert!(file.providers[0].probes.iter().all(|p| p.args.is_empty()));
    assert!(file.providers[1].probes.is_empty());
    let c = &file.providers[2];
    assert_eq!(c.span.line, 8);
    assert_eq!(c.probes[0].name, "multi");
    assert_eq!(c.probes[0].span.line, 9);
    assert_eq!(c.probes[0].span.column, 8);
    assert_eq!(c.probes[0].args[1].span.line, 10);
    assert_eq!(c.probes[0].args[1].name.as_deref(), Some("y"));
    let tr = &c.probes[1];
    assert_eq!(tr.args.len(), 2);
    let translated = tr.translated_args.as_ref().unwrap();
    assert_eq!(translated[1].ty.class, TypeClass::String);
    assert_eq!(translated[1].name.as_deref(), Some("s"));
    let pragmas: Vec<&str> = file.pragmas.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(
        pragmas,
        [
            "option quiet",
            "attributes Evolving/Evolving/Common provider c args",
            "depends_on library net.d"
        ]
    );
    assert_eq!(file.pragmas[2].span.line, 14);
}

#[test]
fn empty_file_has_no_providers() {
    for text in ["", "\n\n", "/* only a comment */\n", "\u{feff}", ";"] {
        let file = parse_str("empty.d", text).unwrap();
        assert!(file.providers.is_empty());
        assert!(file.warnings.is_empty());
    }
}

#[test]
fn d_clauses_are_skipped_with_a_warning() {
    for text in [
        "BEGIN{}",
        "BEGIN { exit(0); }\n",
        "syscall::open:entry\n/pid == $target/\n{ @[execname] = count(); }",
    ] {
        let file = parse_str("conftest.d", text).unwrap();
        assert!(file.providers.is_empty());
        assert_eq!(file.warnings.len(), 1, "{text}");
        let w = &file.warnings[0];
        assert_eq!(w.severity, Severity::Warning);
        assert_eq!((w.span.line, w.span.column), (1, 1));
        assert!(
            w.to_string()
                .starts_with("conftest.d:1:1: warning: skipped the D program clause"),
            "{w}"
        );
    }
}

#[test]
fn clause_before_a_provider_keeps_the_provider() {
    let file = parse_str(
        "t.d",
        "BEGIN { x = 1; }\nint y;\nprovider p { probe x(); };",
    )
    .unwrap();
    assert_eq!(file.providers[0].probes.len(), 1);
    assert_eq!(file.warnings.len(), 2);
}

#[test]
fn directives_without_preprocessing_warn_once() {
    let text = "#define X 1\n#if X\nprovider p { probe x(int); };\n#endif\n#include \"y.h\"\n";
    let file = parse_str("t.d", text).unwrap();
    assert_eq!(file.providers[0].probes.len(), 1);
    assert_eq!(file.warnings.len(), 1);
    let shown = file.warnings[0].to_string();
    assert!(
        shown.starts_with(
            "t.d:1:1: warning: preprocessor directive `#define` ignored (and 3 more directives)"
        ),
        "{shown}"
    );
    assert!(shown.contains("-C"));
}

#[test]
fn line_markers_move_spans_and_errors() {
    let text = "# 1 \"orig.d\"\n# 1 \"<built-in>\"\n# 1 \"orig.d\"\n\n\nprovider p {\n# 10 \"orig.d\"\n  probe x(int);\n};\n";
    let file = parse_str("pre.i", text).unwrap();
    let probe = &file.providers[0].probes[0];
    assert_eq!(&*probe.span.file, std::path::Path::new("orig.d"));
    assert_eq!(probe.span.line, 10);
    assert_eq!(file.providers[0].span.line, 3);

    let err = parse_str(
        "pre.i",
        "#line 40 \"orig.d\"\nprovider p {\n  probe x(int)\n};\n",
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("orig.d:41:15: error: missing `;`"),
        "{err}"
    );
}

#[test]
fn directive_continuation_lines_are_counted() {
    let file = parse_str(
        "t.d",
        "#define X \\\n  1\nprovider p {\n  probe x(int);\n};\n",
    )
    .unwrap();
    assert_eq!(file.providers[0].probes[0].span.line, 4);
}

#[test]
fn many_providers_on_one_line() {
    let file = parse_str(
        "t.d",
        "provider a{probe x();};provider b{probe y(int);probe z(char*s);};",
    )
    .unwrap();
    assert_eq!(file.providers.len(), 2);
    assert_eq!(
        file.providers[1].probes[1].args[0].name.as_deref(),
        Some("s")
    );
    assert_eq!(file.providers[1].probes[1].args[0].ty.written, "char*");
}

#[test]
fn lone_cr_line_endings() {
    let file = parse_str("t.d", "provider p {\r  probe x(int);\r};\r").unwrap();
    assert_eq!(file.providers[0].probes[0].span.line, 2);
}

#[test]
fn the_words_probe_and_provider_in_skipped_declarations() {
    let text = "typedef struct { int probe; char *provider; } t;\n\
        BEGIN { probe = 1; }\n\
        provider p { probe x(t *probe_arg); };";
    let file = parse_str("t.d", text).unwrap();
    assert_eq!(file.providers[0].probes.len(), 1);
}

#[test]
fn d_keywords_as_parameter_names() {
    // Ruby's provider names a parameter `string`.
    let file = parse_str(
        "t.d",
        "provider ruby { probe symbol__create(const char *string, const char *filename, int lineno); \
         probe o(int self, long this, string string); };",
    )
    .unwrap();
    let probes = &file.providers[0].probes;
    assert_eq!(probes[0].args[0].name.as_deref(), Some("string"));
    assert_eq!(probes[0].args[0].ty.normalized, "const char *");
    let o: Vec<(&str, Option<&str>)> = probes[1]
        .args
        .iter()
        .map(|a| (a.ty.normalized.as_str(), a.name.as_deref()))
        .collect();
    assert_eq!(
        o,
        [
            ("int", Some("self")),
            ("long", Some("this")),
            ("string", Some("string"))
        ]
    );
}

#[test]
fn shebang_line_of_a_d_script() {
    let file = parse_str("t.d", "#!/usr/sbin/dtrace -s\nprovider p { probe x(); };\n").unwrap();
    assert!(file.warnings.is_empty(), "{:?}", file.warnings);
    assert_eq!(file.providers[0].probes[0].span.line, 2);
}
