//! Each rejection the provider language makes, one test each: the error is
//! `FILE:LINE:COL: error: MESSAGE`, then the source line and a caret.

use probe_provider::{parse_bytes, parse_str, Error};

/// Parses `text` as `bad.d`, expects a rejection and returns its display.
fn reject(text: &str) -> String {
    reject_bytes(text.as_bytes())
}

fn reject_bytes(bytes: &[u8]) -> String {
    match parse_bytes("bad.d", bytes) {
        Ok(file) => panic!("accepted: {:?}", file.providers),
        Err(err @ Error::Syntax(_)) => {
            let shown = err.to_string();
            let Error::Syntax(diagnostics) = &err else {
                unreachable!()
            };
            assert_eq!(diagnostics.len(), 1);
            assert!(
                diagnostics[0].source_line.is_some(),
                "no source line: {shown}"
            );
            shown
        }
        Err(other) => panic!("unexpected error kind: {other}"),
    }
}

/// Checks the first line of the message and the caret's column.
fn assert_error(shown: &str, location: &str, message: &str) {
    let first = shown.lines().next().unwrap();
    assert!(
        first.starts_with(&format!("bad.d:{location}: error: ")),
        "wrong location in:\n{shown}"
    );
    assert!(first.contains(message), "expected {message:?} in:\n{shown}");
    let lines: Vec<&str> = shown.lines().collect();
    assert_eq!(
        lines.len(),
        3,
        "expected message, source line, caret:\n{shown}"
    );
    let column: usize = location.split(':').nth(1).unwrap().parse().unwrap();
    assert_eq!(
        lines[2].chars().count(),
        column + 1,
        "caret misplaced:\n{shown}"
    );
    assert!(lines[2].ends_with('^'));
}

#[test]
fn more_than_twelve_arguments() {
    let args = vec!["int"; 13].join(", ");
    let shown = reject(&format!("provider p {{\n  probe x({args});\n}};\n"));
    assert_error(&shown, "2:71", "more than 12 arguments");
}

#[test]
fn twelve_arguments_are_fine() {
    let args = ["int"; 12].join(", ");
    let file = parse_str("ok.d", &format!("provider p {{ probe x({args}); }};")).unwrap();
    assert_eq!(file.providers[0].probes[0].args.len(), 12);
}

#[test]
fn translated_list_over_twelve() {
    let args = vec!["int"; 13].join(", ");
    let shown = reject(&format!("provider p {{ probe x(int) : ({args}); }};"));
    assert!(shown.contains("more than 12 arguments"), "{shown}");
}

#[test]
fn repeated_probe_name() {
    let shown = reject("provider p {\n  probe x(int);\n  probe x(long);\n};\n");
    assert_error(
        &shown,
        "3:9",
        "probe `x` is declared twice in provider `p` (first at line 2)",
    );
}

#[test]
fn redeclared_provider_with_a_new_probe() {
    let shown = reject("provider p { probe x(int); };\nprovider p { probe y(int); };\n");
    assert_error(
        &shown,
        "2:20",
        "provider `p` declared again (first at line 1) does not match: probe `y` is not declared",
    );
}

#[test]
fn redeclared_provider_with_other_types() {
    let shown = reject("provider p { probe x(int); };\nprovider p {\n probe x(long);\n};\n");
    assert_error(&shown, "3:8", "probe `x` has other argument types");
    let shown = reject("provider p { probe x(int) : (int); };\nprovider p {\n probe x(int);\n};\n");
    assert_error(
        &shown,
        "3:8",
        "probe `x` has other translated argument types",
    );
}

#[test]
fn redeclared_provider_that_matches_is_accepted_as_dtrace_does() {
    let file = parse_str(
        "ok.d",
        "provider p { probe x(int a); probe y(); };\nprovider p { probe x(signed int b); };\n",
    )
    .unwrap();
    assert_eq!(file.providers.len(), 1);
    assert_eq!(file.providers[0].probes.len(), 2);
    assert_eq!(file.warnings.len(), 1);
    assert!(file.warnings[0]
        .to_string()
        .starts_with("ok.d:2:10: warning: provider `p` is declared again"));
}

#[test]
fn provider_name_ending_in_a_digit_warns() {
    let file = parse_str("ok.d", "provider http2 { probe x(); };").unwrap();
    assert_eq!(file.providers.len(), 1);
    assert!(
        file.warnings[0].message.contains("ends with a digit"),
        "{:?}",
        file.warnings
    );
}

#[test]
fn same_probe_name_in_two_providers_is_fine() {
    let file = parse_str(
        "ok.d",
        "provider a { probe x(); }; provider b { probe x(); };",
    )
    .unwrap();
    assert_eq!(file.providers.len(), 2);
}

#[test]
fn invalid_provider_name_starting_with_digit() {
    assert_error(
        &reject("provider 9p {\n};\n"),
        "1:10",
        "invalid provider name `9p`",
    );
}

#[test]
fn invalid_probe_name_with_dash() {
    let shown = reject("provider p {\n  probe foo-bar(int);\n};\n");
    assert_error(&shown, "2:9", "invalid probe name `foo-bar`");
    assert!(shown.contains("foo__bar"));
}

#[test]
fn invalid_probe_name_non_ascii() {
    assert_error(
        &reject("provider p { probe caf\u{e9}(int); };"),
        "1:20",
        "invalid probe name `caf\u{e9}`",
    );
}

#[test]
fn reserved_word_as_name() {
    assert_error(
        &reject("provider p { probe int(int); };"),
        "1:20",
        "invalid probe name `int`",
    );
    assert_error(
        &reject("provider p { probe x(int for); };"),
        "1:26",
        "invalid parameter name `for`",
    );
}

#[test]
fn missing_provider_name() {
    assert_error(
        &reject("provider {\n};\n"),
        "1:10",
        "expected a provider name, found `{`",
    );
}

#[test]
fn unbalanced_parenthesis_in_probe() {
    assert_error(
        &reject("provider p {\n  probe x(int;\n};\n"),
        "2:14",
        "missing `)`",
    );
}

#[test]
fn unmatched_closing_parenthesis() {
    assert_error(
        &reject("provider p { probe x(int)); };"),
        "1:26",
        "unmatched `)`",
    );
}

#[test]
fn unmatched_closing_brace_at_top_level() {
    assert_error(
        &reject("provider p { probe x(int); };\n};\n"),
        "2:1",
        "unmatched `}`",
    );
}

#[test]
fn unclosed_brace_in_declaration() {
    assert_error(
        &reject("typedef struct {\n  int x;\n"),
        "1:16",
        "`{` is never closed",
    );
}

#[test]
fn mismatched_brackets_in_clause() {
    assert_error(
        &reject("BEGIN { x = (1 }\n"),
        "1:16",
        "`}` does not close `(`",
    );
}

#[test]
fn missing_semicolon_after_probe() {
    let shown = reject("provider p {\n  probe x(int)\n  probe y(int);\n};\n");
    assert_error(
        &shown,
        "2:15",
        "missing `;` after the declaration of probe `x`",
    );
}

#[test]
fn missing_semicolon_after_provider() {
    assert_error(
        &reject("provider p {\n  probe x(int);\n}\n"),
        "3:2",
        "missing `;` after the `}` of provider `p`",
    );
}

#[test]
fn missing_closing_brace_at_end() {
    let shown = reject("provider p {\n  probe x(int);\n");
    assert_error(
        &shown,
        "2:16",
        "missing `}` to close provider `p` (opened at line 1, column 12)",
    );
}

#[test]
fn missing_closing_brace_before_next_provider() {
    let shown = reject("provider p {\n  probe x(int);\nprovider q { };\n");
    assert_error(&shown, "2:16", "missing `}` to close provider `p`");
}

#[test]
fn unterminated_comment() {
    assert_error(
        &reject("provider p {\n  /* hello\n  probe x(int);\n};\n"),
        "2:3",
        "unterminated comment",
    );
}

#[test]
fn probe_outside_provider() {
    assert_error(
        &reject("probe x(int);\n"),
        "1:1",
        "probe declaration outside a provider",
    );
}

#[test]
fn probe_after_misspelled_provider() {
    // Not silently skipped as a D clause: the probe would be lost.
    assert_error(
        &reject("provder p {\n  probe x(int);\n};\n"),
        "2:3",
        "probe declaration outside a provider",
    );
}

#[test]
fn incomplete_struct_type() {
    assert_error(
        &reject("provider p {\n  probe x(struct);\n};\n"),
        "2:11",
        "incomplete type: `struct` needs a tag name",
    );
    assert_error(
        &reject("provider p { probe x(const union *); };"),
        "1:28",
        "incomplete type: `union`",
    );
}

#[test]
fn struct_defined_in_parameter_list() {
    assert_error(
        &reject("provider p { probe x(struct { int a; } *); };"),
        "1:29",
        "cannot be defined in a parameter list",
    );
}

#[test]
fn conflicting_type_words() {
    assert_error(
        &reject("provider p { probe x(unsigned double); };"),
        "1:22",
        "invalid type `unsigned double`",
    );
    assert_error(
        &reject("provider p { probe x(short long); };"),
        "1:22",
        "invalid type `short long`",
    );
    assert_error(
        &reject("provider p { probe x(long long long); };"),
        "1:22",
        "invalid type",
    );
    assert_error(
        &reject("provider p { probe x(signed unsigned); };"),
        "1:22",
        "invalid type",
    );
}

#[test]
fn void_among_parameters() {
    assert_error(
        &reject("provider p { probe x(void, int); };"),
        "1:22",
        "cannot have type `void`",
    );
}

#[test]
fn empty_parameter() {
    assert_error(
        &reject("provider p { probe x(int, ); };"),
        "1:27",
        "expected a parameter type",
    );
}

#[test]
fn two_names_for_one_parameter() {
    assert_error(
        &reject("provider p { probe x(int a b); };"),
        "1:28",
        "expected `,` or `)`",
    );
}

#[test]
fn array_parameter() {
    assert_error(
        &reject("provider p { probe x(int a[4]); };"),
        "1:27",
        "array parameters are not supported",
    );
}

#[test]
fn function_pointer_parameter() {
    assert_error(
        &reject("provider p { probe x(void (*f)(int)); };"),
        "1:27",
        "function pointer",
    );
}

#[test]
fn variadic_parameters() {
    assert_error(
        &reject("provider p { probe x(int, ...); };"),
        "1:27",
        "variable argument lists",
    );
}

#[test]
fn nul_byte() {
    assert_error(
        &reject_bytes(b"provider p {\n  probe x(int\0);\n};\n"),
        "2:14",
        "binary data",
    );
}

#[test]
fn control_character() {
    assert_error(
        &reject_bytes(b"provider p { probe x(int); \x1b};"),
        "1:28",
        "control character 0x1b",
    );
}

#[test]
fn invalid_utf8() {
    assert_error(
        &reject_bytes(b"provider p {\n  probe x(int\xff);\n};\n"),
        "2:14",
        "not valid UTF-8",
    );
}

#[test]
fn binary_file() {
    let junk: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    assert!(reject_bytes(&junk).contains("binary data"));
}

#[test]
fn stray_character_at_top_level() {
    assert_error(
        &reject("provider p { probe x(int); };\n@\n"),
        "2:1",
        "expected `provider`, found `@`",
    );
    assert_error(
        &reject("provider p { probe x(int); };\n\u{e9}\n"),
        "2:1",
        "unexpected character `\u{e9}`",
    );
}

#[test]
fn unterminated_string_in_clause() {
    assert_error(
        &reject("BEGIN { printf(\"hello); }\n"),
        "1:16",
        "unterminated string literal",
    );
}

#[test]
fn junk_without_braces() {
    assert_error(
        &reject("hello world\n"),
        "1:1",
        "expected `provider`, found `hello`",
    );
}

#[test]
fn unknown_word_in_provider() {
    assert_error(
        &reject("provider p {\n  prob x(int);\n};\n"),
        "2:3",
        "expected `probe` or `}` in provider `p`, found `prob`",
    );
}

#[test]
fn errors_point_at_lines_after_crlf_and_bom() {
    let shown = reject("\u{feff}provider p {\r\n  probe x(int)\r\n};\r\n");
    assert_error(&shown, "2:15", "missing `;`");
}

/// `#pragma D attributes` about a provider of the file must be readable:
/// macOS bakes them into a symbol, DTrace into the DOF.
#[test]
fn bad_attributes_pragma_is_a_located_error() {
    for (pragma, message) in [
        (
            "#pragma D attributes Bogus/Evolving/Common provider vm provider",
            "unknown stability `Bogus`",
        ),
        (
            "#pragma D attributes Evolving/Evolving/Kernel provider vm args",
            "unknown dependency class `Kernel`",
        ),
        (
            "#pragma D attributes Evolving provider vm everything",
            "unknown attribute group `everything`",
        ),
        ("#pragma D attributes Evolving provider vm", "needs a group"),
    ] {
        let text = format!("provider vm {{ probe tick(); }};\n\n{pragma}\n");
        let err = parse_str("bad.d", &text).unwrap_err().to_string();
        assert!(err.starts_with("bad.d:3:1: error: "), "{err}");
        assert!(err.contains(message), "{err}");
    }
}

/// A probe argument is a scalar of at most 8 bytes: one register or stack
/// slot. Each larger kind is refused where it is written, with the way out.
#[test]
fn arguments_larger_than_a_register_are_refused() {
    for (param, column, message) in [
        (
            "struct pair p",
            11,
            "a struct passed by value cannot be a probe argument; pass a pointer (`struct pair *`)",
        ),
        (
            "const union u",
            11,
            "a union passed by value cannot be a probe argument; pass a pointer (`union u *`)",
        ),
        (
            "long double x",
            11,
            "`long double` (16 bytes) cannot be a probe argument",
        ),
        (
            "__int128 x",
            11,
            "a 128-bit integer cannot be a probe argument",
        ),
        (
            "unsigned __int128",
            11,
            "a 128-bit integer cannot be a probe argument",
        ),
        (
            "__uint128_t v",
            11,
            "a 128-bit integer cannot be a probe argument",
        ),
        (
            "int a[4]",
            16,
            "array parameters are not supported; use a pointer",
        ),
    ] {
        let shown = reject(&format!("provider p {{\n  probe x({param});\n}};\n"));
        assert_error(&shown, &format!("2:{column}"), message);
    }
}

/// Pointers to those, enums and floating point stay fine.
#[test]
fn pointers_to_large_types_enums_and_floats_are_arguments() {
    let file = parse_str(
        "ok.d",
        "provider p { probe x(struct pair *a, long double *b, __int128 *c, enum color d, \
         float e, double f); };",
    )
    .unwrap();
    assert_eq!(file.providers[0].probes[0].args.len(), 6);
}

/// Two probes that make one C macro would be defined twice by the header.
#[test]
fn two_probes_making_one_c_macro() {
    let shown =
        reject("provider svc {\n\tprobe request__start(int);\n\tprobe request_start(long);\n};\n");
    assert_error(
        &shown,
        "3:8",
        "probe `svc:request_start` gives the C macro `SVC_REQUEST_START`, as probe `svc:request__start` (line 2) does",
    );
    // Across providers too: provider `a_b` probe `c` and provider `a` probe `b_c`.
    let shown = reject("provider a_b { probe c(); };\nprovider a { probe b_c(); };\n");
    assert_error(&shown, "2:20", "gives the C macro `A_B_C`");
}

/// Control bytes are binary data in a `//` comment too, as in a block
/// comment and as the check before preprocessing finds them.
#[test]
fn control_character_in_a_line_comment() {
    let shown = reject_bytes(b"provider svc {\n\tprobe a(int); // \x01 here\n};\n");
    assert_error(&shown, "2:19", "binary data: control character 0x01");
}
