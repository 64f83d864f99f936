//! A hand-written descent parser for provider files: one function per
//! grammar rule, none calling itself (brackets are balanced by counting), so
//! no input can overflow the stack.
//!
//! The grammar, informally:
//!
//! ```text
//! file      := item*
//! item      := provider | "#pragma D ..." | declaration | d-clause | ";"
//! provider  := "provider" NAME "{" (probe | "#pragma D ..." | ";")* "}" ";"
//! probe     := "probe" NAME "(" params ")" [":" "(" params ")"] ";"
//! params    := ε | "void" | param ("," param)*
//! param     := type-words ["*" qualifiers]* [NAME]
//! ```
//!
//! Declarations (`typedef`, `struct`, `union`, `enum`) before providers are
//! skipped with their braces balanced; anything else outside a provider is
//! taken as a D program clause (`BEGIN { ... }`) and skipped with a warning.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::attributes::provider_attributes_pragma;
use crate::lex::{self, Lexed, Token, TokenKind};
use crate::preprocess::Preprocessor;
use crate::types::TypeSpec;
use crate::{
    Argument, CType, Diagnostic, Error, Pragma, Probe, Provider, ProviderFile, Severity, Span,
    MAX_PROBE_ARGS,
};

/// Parses provider-file text. `path` names the file in diagnostics.
///
/// The text may come from the C preprocessor: `# LINE "FILE"` markers are
/// followed, so spans point into the original files. A leading UTF-8
/// byte-order mark is ignored, and lines may end in `\n`, `\r\n` or `\r`.
pub fn parse_str(path: impl AsRef<Path>, text: &str) -> Result<ProviderFile, Error> {
    parse_text(path.as_ref(), text, false)
}

/// Parses provider-file bytes, rejecting text that is not UTF-8 with a
/// diagnostic that points at the first bad byte.
pub fn parse_bytes(path: impl AsRef<Path>, bytes: &[u8]) -> Result<ProviderFile, Error> {
    let path = path.as_ref();
    let text = decode(path, bytes)?;
    parse_text(path, &text, false)
}

/// Reads and parses a provider file without preprocessing.
pub fn parse_file(path: impl AsRef<Path>) -> Result<ProviderFile, Error> {
    parse_file_with(path, None)
}

/// Reads and parses a provider file, first running it through the C
/// preprocessor when one is given (what `dtrace -C` does).
///
/// Spans and diagnostics point at lines of the original file (and of any
/// file it includes), following the preprocessor's line markers.
pub fn parse_file_with(
    path: impl AsRef<Path>,
    preprocessor: Option<&Preprocessor>,
) -> Result<ProviderFile, Error> {
    let path = path.as_ref();
    match preprocessor {
        None => {
            let bytes = std::fs::read(path).map_err(|source| Error::Io {
                path: path.to_path_buf(),
                source,
            })?;
            parse_bytes(path, &bytes)
        }
        Some(preprocessor) => {
            // Check the input ourselves first: the preprocessor would pass
            // binary junk through or fail with a less helpful message.
            let bytes = std::fs::read(path).map_err(|source| Error::Io {
                path: path.to_path_buf(),
                source,
            })?;
            let text = decode(path, &bytes)?;
            check_binary(path, strip_bom(&text))?;
            let output = preprocessor.run(path)?;
            parse_text(path, &output, true)
        }
    }
}

fn decode<'a>(path: &Path, bytes: &'a [u8]) -> Result<Cow<'a, str>, Error> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Cow::Borrowed(text)),
        Err(e) => {
            let good = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or("");
            let line = good.matches('\n').count() as u32 + 1;
            let line_start = good.rfind('\n').map_or(0, |i| i + 1);
            let column = good[line_start..].chars().count() as u32 + 1;
            let diagnostic = Diagnostic {
                severity: Severity::Error,
                span: Span {
                    file: Arc::from(path),
                    line,
                    column,
                },
                message: format!(
                    "binary data: byte 0x{:02x} is not valid UTF-8 text",
                    bytes[e.valid_up_to()]
                ),
                source_line: Some(good[line_start..].to_string()),
            };
            Err(Error::Syntax(vec![diagnostic]))
        }
    }
}

fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Physical lines as the lexer counts them: `\n`, `\r\n` and `\r` end a line.
fn physical_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                lines.push(&text[start..i]);
                i += 1;
                start = i;
            }
            b'\r' => {
                lines.push(&text[start..i]);
                i += if bytes.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                start = i;
            }
            _ => i += 1,
        }
    }
    lines.push(&text[start..]);
    lines
}

/// Rejects control characters the way the lexer does, without lexing: text
/// the preprocessor will drop (`#if 0` blocks) may hold anything else.
fn check_binary(path: &Path, text: &str) -> Result<(), Error> {
    for (index, line) in physical_lines(text).into_iter().enumerate() {
        if let Some((column, c)) = line
            .chars()
            .enumerate()
            .find(|(_, c)| lex::is_forbidden_control(*c))
        {
            let diagnostic = Diagnostic {
                severity: Severity::Error,
                span: Span {
                    file: Arc::from(path),
                    line: index as u32 + 1,
                    column: column as u32 + 1,
                },
                message: lex::control_message(c as u8),
                source_line: Some(line.to_string()),
            };
            return Err(Error::Syntax(vec![diagnostic]));
        }
    }
    Ok(())
}

fn parse_text(path: &Path, text: &str, preprocessed: bool) -> Result<ProviderFile, Error> {
    let text = strip_bom(text);
    let file: Arc<Path> = Arc::from(path);
    let lines = physical_lines(text);
    let lexed = match lex::lex(&file, text) {
        Ok(lexed) => lexed,
        Err(e) => {
            let mut d = e.diagnostic;
            d.source_line = lines.get(e.phys_line).map(|s| s.to_string());
            return Err(Error::Syntax(vec![d]));
        }
    };
    let sources = SourceLines {
        lines,
        line_map: &lexed.line_map,
        files: Default::default(),
    };
    let mut parser = Parser {
        tokens: &lexed.tokens,
        pos: 0,
        providers: Vec::new(),
        pragmas: Vec::new(),
        pragma_lines: Vec::new(),
        warnings: Vec::new(),
        provider_lines: HashMap::new(),
        probe_lines: HashMap::new(),
    };
    let mut sources = sources;
    if !preprocessed {
        directive_warnings(&lexed, &mut parser.warnings);
    }
    let result = parser
        .file()
        .and_then(|()| parser.check_macro_names())
        .and_then(|()| parser.apply_attributes());
    let mut warnings = std::mem::take(&mut parser.warnings);
    warnings.sort_by_key(|(_, phys)| *phys);
    for (w, phys) in warnings.iter_mut() {
        sources.fill(w, *phys);
    }
    match result {
        Ok(()) => Ok(ProviderFile {
            path: path.to_path_buf(),
            providers: parser.providers,
            pragmas: parser.pragmas,
            warnings: warnings.into_iter().map(|(w, _)| w).collect(),
        }),
        Err((mut d, phys)) => {
            sources.fill(&mut d, phys);
            Err(Error::Syntax(vec![d]))
        }
    }
}

/// Warns once that `#define`, `#if` and friends were not acted on.
fn directive_warnings(lexed: &Lexed, warnings: &mut Vec<(Diagnostic, usize)>) {
    if let Some(first) = lexed.directives.first() {
        let count = lexed.directives.len();
        let others = if count > 1 {
            format!(" (and {} more directives)", count - 1)
        } else {
            String::new()
        };
        warnings.push((
            Diagnostic {
                severity: Severity::Warning,
                span: first.span.clone(),
                message: format!(
                    "preprocessor directive `#{}` ignored{others}; this file probably needs -C (run the C preprocessor)",
                    first.name
                ),
                source_line: None,
            },
            first.phys_line,
        ));
    }
}

/// Finds the text of the line a span points at: the lexed text itself, or
/// the original file named by a line marker when the text was preprocessed.
struct SourceLines<'a> {
    lines: Vec<&'a str>,
    line_map: &'a [(Arc<Path>, u32, bool)],
    files: HashMap<PathBuf, Option<Vec<String>>>,
}

/// The identifier or number starting at a 1-based column, else the one
/// character there.
fn word_at(line: &str, column: u32) -> String {
    let mut chars = line
        .chars()
        .skip((column as usize).saturating_sub(1))
        .peekable();
    let is_word = |c: &char| c.is_ascii_alphanumeric() || *c == '_';
    match chars.peek() {
        Some(c) if is_word(c) => chars.take_while(is_word).collect(),
        Some(c) if !c.is_whitespace() => c.to_string(),
        _ => String::new(),
    }
}

impl SourceLines<'_> {
    /// Sets the diagnostic's source line; after preprocessing, also moves
    /// its column back onto the original line when a macro expansion
    /// earlier on the line shifted it.
    fn fill(&mut self, d: &mut Diagnostic, phys: usize) {
        d.source_line = self.line(phys, &d.span);
        let from_marker = self.line_map.get(phys).is_some_and(|m| m.2);
        let (Some(original), Some(parsed)) = (&d.source_line, self.lines.get(phys)) else {
            return;
        };
        if !from_marker || original == parsed {
            return;
        }
        // The rest of the line from the column on is usually unchanged: find
        // it at the end of the original line.
        let rest: String = parsed
            .chars()
            .skip((d.span.column as usize).saturating_sub(1))
            .collect();
        let rest = rest.trim_end();
        let original_trimmed = original.trim_end();
        let parsed_column = d.span.column;
        if !rest.is_empty() && original_trimmed.ends_with(rest) {
            let before = original_trimmed.len() - rest.len();
            d.span.column = original_trimmed[..before].chars().count() as u32 + 1;
        }
        // A word the preprocessor replaced (`linux` is `1` to GCC) makes a
        // baffling message unless it says so.
        let written = word_at(original, d.span.column);
        let expanded = word_at(parsed, parsed_column);
        if written.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && !expanded.is_empty()
            && written != expanded
        {
            d.message.push_str(&format!(
                " (`{written}` is a macro: the preprocessor turned it into `{expanded}`)"
            ));
        }
    }

    fn line(&mut self, phys: usize, span: &Span) -> Option<String> {
        let from_marker = self.line_map.get(phys).is_some_and(|m| m.2);
        if !from_marker {
            return self.lines.get(phys).map(|s| s.to_string());
        }
        let lines = self
            .files
            .entry(span.file.to_path_buf())
            .or_insert_with(|| {
                let bytes = std::fs::read(&span.file).ok()?;
                let text = String::from_utf8_lossy(&bytes);
                Some(
                    physical_lines(strip_bom(&text))
                        .into_iter()
                        .map(str::to_string)
                        .collect(),
                )
            });
        match lines {
            Some(lines) => lines.get((span.line as usize).wrapping_sub(1)).cloned(),
            // The original is gone (or was `<stdin>`): show what was parsed.
            None => self.lines.get(phys).map(|s| s.to_string()),
        }
    }
}

type Failure = (Diagnostic, usize);

struct Parser<'t> {
    tokens: &'t [Token],
    pos: usize,
    providers: Vec<Provider>,
    pragmas: Vec<Pragma>,
    /// The physical line of each pragma, for diagnostics.
    pragma_lines: Vec<usize>,
    warnings: Vec<(Diagnostic, usize)>,
    /// Names seen so far, with the line of their first declaration.
    provider_lines: HashMap<String, u32>,
    probe_lines: HashMap<String, u32>,
}

/// Words that cannot name a provider, probe or parameter: C's keywords
/// (through C23). D's own keywords (`string`, `self`, `this`, ...) are
/// allowed as names: real files use them (Ruby's `const char *string`).
const RESERVED: &[&str] = &[
    "auto",
    "break",
    "case",
    "char",
    "const",
    "continue",
    "default",
    "do",
    "double",
    "else",
    "enum",
    "extern",
    "float",
    "for",
    "goto",
    "if",
    "inline",
    "int",
    "long",
    "register",
    "restrict",
    "return",
    "short",
    "signed",
    "sizeof",
    "static",
    "struct",
    "switch",
    "typedef",
    "union",
    "unsigned",
    "void",
    "volatile",
    "while",
    "_Alignas",
    "_Alignof",
    "_Atomic",
    "_Bool",
    "_Complex",
    "_Generic",
    "_Imaginary",
    "_Noreturn",
    "_Static_assert",
    "_Thread_local",
    "bool",
    "true",
    "false",
    "nullptr",
    "alignas",
    "alignof",
    "constexpr",
    "static_assert",
    "thread_local",
    "typeof",
    "typeof_unqual",
];

fn is_reserved(word: &str) -> bool {
    RESERVED.contains(&word)
}

fn describe(tok: &Token) -> String {
    match tok.kind {
        TokenKind::Eof => "the end of the file".to_string(),
        TokenKind::Pragma => "`#pragma D`".to_string(),
        _ => format!("`{}`", tok.text),
    }
}

fn closing(open: &str) -> &'static str {
    match open {
        "(" => ")",
        "[" => "]",
        _ => "}",
    }
}

impl<'t> Parser<'t> {
    fn peek(&self) -> &'t Token {
        // The lexer always ends the tokens with Eof, and nothing moves past it.
        &self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    fn peek_at(&self, ahead: usize) -> &'t Token {
        &self.tokens[(self.pos + ahead).min(self.tokens.len() - 1)]
    }

    fn bump(&mut self) -> &'t Token {
        let tok = self.peek();
        if tok.kind != TokenKind::Eof {
            self.pos += 1;
        }
        tok
    }

    fn previous(&self) -> &'t Token {
        &self.tokens[self.pos.saturating_sub(1)]
    }

    fn error_at(&self, tok: &Token, message: impl Into<String>) -> Failure {
        (
            Diagnostic {
                severity: Severity::Error,
                span: tok.span.clone(),
                message: message.into(),
                source_line: None,
            },
            tok.phys_line,
        )
    }

    /// An error placed just after the previous token, where something is
    /// missing (the way C compilers report a missing `;`).
    fn error_after_previous(&self, message: impl Into<String>) -> Failure {
        let prev = self.previous();
        if self.pos == 0 {
            return self.error_at(self.peek(), message);
        }
        let span = Span {
            file: prev.span.file.clone(),
            line: prev.end_line,
            column: prev.end_column,
        };
        (
            Diagnostic {
                severity: Severity::Error,
                span,
                message: message.into(),
                source_line: None,
            },
            prev.phys_line,
        )
    }

    fn warn_at(&mut self, tok: &Token, message: impl Into<String>) {
        self.warnings.push((
            Diagnostic {
                severity: Severity::Warning,
                span: tok.span.clone(),
                message: message.into(),
                source_line: None,
            },
            tok.phys_line,
        ));
    }

    fn file(&mut self) -> Result<(), Failure> {
        loop {
            let tok = self.peek();
            match tok.kind {
                TokenKind::Eof => return Ok(()),
                TokenKind::Pragma => self.pragma(),
                TokenKind::Ident if tok.text == "provider" => self.provider()?,
                TokenKind::Ident if tok.text == "probe" => return Err(self.error_at(
                    tok,
                    "probe declaration outside a provider: put it inside `provider NAME { ... };`",
                )),
                TokenKind::Ident
                    if matches!(tok.text.as_str(), "typedef" | "struct" | "union" | "enum") =>
                {
                    self.skip_declaration()?
                }
                TokenKind::Punct if tok.text == ";" => {
                    self.bump();
                }
                TokenKind::Punct if matches!(tok.text.as_str(), "}" | ")" | "]") => {
                    return Err(self.error_at(
                        tok,
                        format!("unbalanced brackets: unmatched `{}`", tok.text),
                    ))
                }
                _ => self.skip_clause()?,
            }
        }
    }

    fn pragma(&mut self) {
        let tok = self.bump();
        self.pragma_lines.push(tok.phys_line);
        self.pragmas.push(Pragma {
            text: tok.text.clone(),
            span: tok.span.clone(),
        });
    }

    /// Every probe becomes one C macro, `PROVIDER_NAME` with each `__` of
    /// the name folded to `_` and upper-cased (what `dtrace -h` writes): two
    /// probes of the file must not make the same one (`request__start` and
    /// `request_start`, or provider `a_b` probe `c` and provider `a` probe
    /// `b_c`), or the header would define it twice.
    fn check_macro_names(&self) -> Result<(), Failure> {
        let mut seen: HashMap<String, (&Provider, &Probe)> = HashMap::new();
        for provider in &self.providers {
            for probe in &provider.probes {
                let folded = probe.name.replace("__", "_");
                let c_macro = format!("{}_{}", provider.name, folded).to_ascii_uppercase();
                if let Some((first_provider, first)) = seen.get(&c_macro) {
                    return Err(self.error_at_span(
                        &probe.span,
                        format!(
                            "probe `{}:{}` gives the C macro `{c_macro}`, as probe `{}:{}` (line {}) does",
                            provider.name, probe.name, first_provider.name, first.name, first.span.line
                        ),
                    ));
                }
                seen.insert(c_macro, (provider, probe));
            }
        }
        Ok(())
    }

    /// Gives each provider the attributes its `#pragma D attributes` lines
    /// set; a malformed line about a provider of this file is an error.
    fn apply_attributes(&mut self) -> Result<(), Failure> {
        for (pragma, &phys) in self.pragmas.iter().zip(&self.pragma_lines) {
            let Some(read) = provider_attributes_pragma(&pragma.text) else {
                continue;
            };
            let Some(provider) = self.providers.iter_mut().find(|p| p.name == read.provider) else {
                continue;
            };
            match read.setting {
                Ok((group, attributes)) => provider.attributes.set(group, attributes),
                Err(message) => {
                    return Err((
                        Diagnostic {
                            severity: Severity::Error,
                            span: pragma.span.clone(),
                            message,
                            source_line: None,
                        },
                        phys,
                    ))
                }
            }
        }
        Ok(())
    }

    /// Skips tokens up to and including the `;` that ends a declaration,
    /// with brackets balanced on the way.
    fn skip_declaration(&mut self) -> Result<(), Failure> {
        let start = self.peek();
        loop {
            let tok = self.peek();
            match tok.kind {
                TokenKind::Eof => {
                    return Err(self.error_after_previous(format!(
                        "missing `;` at the end of the `{}` declaration that starts at line {}",
                        start.text, start.span.line
                    )))
                }
                TokenKind::Punct if tok.text == ";" => {
                    self.bump();
                    return Ok(());
                }
                TokenKind::Ident if self.declares(self.pos) => {
                    return Err(self.error_after_previous(format!(
                        "missing `;` at the end of the `{}` declaration that starts at line {}",
                        start.text, start.span.line
                    )))
                }
                _ => self.skip_balanced()?,
            }
        }
    }

    /// Whether the token at `at` starts a provider or probe declaration
    /// (`provider NAME {`, `probe NAME (`), rather than being a plain word
    /// in a declaration or clause being skipped (`struct { int probe; }`).
    fn declares(&self, at: usize) -> bool {
        let word = &self.tokens[at.min(self.tokens.len() - 1)];
        let name = &self.tokens[(at + 1).min(self.tokens.len() - 1)];
        let open = &self.tokens[(at + 2).min(self.tokens.len() - 1)];
        name.kind == TokenKind::Ident
            && ((word.is_ident("probe") && open.is("("))
                || (word.is_ident("provider") && open.is("{")))
    }

    /// Skips one token, or a whole bracketed group when it opens one.
    fn skip_balanced(&mut self) -> Result<(), Failure> {
        let tok = self.bump();
        if tok.kind != TokenKind::Punct {
            if tok.is_ident("probe") && self.declares(self.pos - 1) {
                return Err(self.error_at(
                    tok,
                    "probe declaration outside a provider: put it inside `provider NAME { ... };`",
                ));
            }
            return Ok(());
        }
        match tok.text.as_str() {
            "{" | "(" | "[" => {
                let mut stack: Vec<&Token> = vec![tok];
                while let Some(open) = stack.last() {
                    let next = self.bump();
                    match next.kind {
                        TokenKind::Eof => {
                            return Err(self.error_at(
                                open,
                                format!(
                                    "unbalanced brackets: `{}` is never closed with `{}`",
                                    open.text,
                                    closing(&open.text)
                                ),
                            ))
                        }
                        TokenKind::Ident if next.text == "probe" && self.declares(self.pos - 1) => {
                            return Err(self.error_at(
                                next,
                                format!(
                                    "probe declaration outside a provider (inside the `{}` at line {}, column {}); put it inside `provider NAME {{ ... }};`",
                                    open.text, open.span.line, open.span.column
                                ),
                            ))
                        }
                        TokenKind::Ident if next.text == "provider" && self.declares(self.pos - 1) => {
                            return Err(self.error_at(
                                next,
                                format!(
                                    "`{}` inside an unclosed `{}` (opened at line {}, column {})",
                                    next.text, open.text, open.span.line, open.span.column
                                ),
                            ))
                        }
                        TokenKind::Punct => match next.text.as_str() {
                            "{" | "(" | "[" => stack.push(next),
                            "}" | ")" | "]" => {
                                if closing(&open.text) != next.text {
                                    return Err(self.error_at(
                                        next,
                                        format!(
                                            "unbalanced brackets: `{}` does not close `{}` (line {}, column {})",
                                            next.text, open.text, open.span.line, open.span.column
                                        ),
                                    ));
                                }
                                stack.pop();
                            }
                            _ => {}
                        },
                        _ => {}
                    }
                }
                Ok(())
            }
            "}" | ")" | "]" => Err(self.error_at(
                tok,
                format!("unbalanced brackets: unmatched `{}`", tok.text),
            )),
            _ => Ok(()),
        }
    }

    /// Skips a D program clause (`BEGIN { exit(0); }`, `syscall::open:entry
    /// /pid == 1/ { ... }`) or a D declaration (`int x;`), with a warning.
    fn skip_clause(&mut self) -> Result<(), Failure> {
        let start = self.peek();
        let start_pos = self.pos;
        if start.kind == TokenKind::Stray {
            return Err(self.error_at(start, format!("unexpected character {}", describe(start))));
        }
        loop {
            let tok = self.peek();
            match tok.kind {
                TokenKind::Eof => {
                    return Err(self.error_at(
                        start,
                        format!("expected `provider`, found {}", describe(start)),
                    ))
                }
                TokenKind::Ident if self.declares(self.pos) && tok.text == "provider" => {
                    return Err(self.error_at(
                        start,
                        format!("expected `provider`, found {}", describe(start)),
                    ))
                }
                TokenKind::Stray => {
                    return Err(
                        self.error_at(tok, format!("unexpected character {}", describe(tok)))
                    )
                }
                TokenKind::Punct if tok.text == ";" => {
                    self.bump();
                    self.warn_at(
                        start,
                        "skipped a D declaration outside any provider (it declares no probes)",
                    );
                    return Ok(());
                }
                TokenKind::Punct if tok.text == "{" => {
                    self.skip_balanced()?;
                    if self.peek().is(";") {
                        self.bump();
                    }
                    let description = self.clause_description(start_pos);
                    self.warn_at(
                        start,
                        format!(
                            "skipped the D program clause `{description}` (only provider declarations are used)"
                        ),
                    );
                    return Ok(());
                }
                _ => self.skip_balanced()?,
            }
        }
    }

    /// The probe description that starts a clause, for messages.
    fn clause_description(&self, start: usize) -> String {
        let end = self.tokens[start..]
            .iter()
            .position(|t| t.is("{") || t.is("/") || t.kind == TokenKind::Eof)
            .map_or(start + 1, |n| start + n.max(1));
        let mut text = join_tokens(&self.tokens[start..end]);
        if text.chars().count() > 60 {
            text = text.chars().take(57).collect::<String>() + "...";
        }
        text
    }

    fn expect_punct(&mut self, punct: &str, context: &str) -> Result<&'t Token, Failure> {
        if self.peek().is(punct) {
            return Ok(self.bump());
        }
        Err(self.expected(punct, context))
    }

    fn expected(&self, punct: &str, context: &str) -> Failure {
        let found = self.peek();
        if punct == ";" && (found.is(")") || found.is("]")) {
            return self.error_at(
                found,
                format!("unbalanced brackets: unmatched `{}`", found.text),
            );
        }
        if punct == ";" || found.kind == TokenKind::Eof {
            // A missing terminator is easiest to see right after what precedes it.
            let mut failure = self.error_after_previous(format!("missing `{punct}` {context}"));
            if found.kind != TokenKind::Eof {
                failure
                    .0
                    .message
                    .push_str(&format!(" (found {})", describe(found)));
            }
            return failure;
        }
        self.error_at(
            found,
            format!("expected `{punct}` {context}, found {}", describe(found)),
        )
    }

    /// An identifier naming a provider, probe or parameter.
    fn name(&mut self, what: &str) -> Result<&'t Token, Failure> {
        let tok = self.peek();
        match tok.kind {
            TokenKind::Ident if !is_reserved(&tok.text) => {
                let next = self.peek_at(1);
                if !next.space_before && matches!(next.kind, TokenKind::Stray | TokenKind::Number) {
                    return Err(self.error_at(
                        tok,
                        format!(
                            "invalid {what} name `{}{}`: names are ASCII letters, digits and `_`",
                            tok.text, next.text
                        ),
                    ));
                }
                if !next.space_before && next.is("-") && self.peek_at(2).kind == TokenKind::Ident {
                    return Err(self.error_at(
                        tok,
                        format!(
                            "invalid {what} name `{}-{}`: `-` is not allowed in names; write `{}__{}` (DTrace shows `__` as `-`)",
                            tok.text,
                            self.peek_at(2).text,
                            tok.text,
                            self.peek_at(2).text
                        ),
                    ));
                }
                Ok(self.bump())
            }
            TokenKind::Ident => Err(self.error_at(
                tok,
                format!("invalid {what} name `{}`: it is a reserved word", tok.text),
            )),
            TokenKind::Number => Err(self.error_at(
                tok,
                format!(
                    "invalid {what} name `{}`: names must start with a letter or `_`",
                    tok.text
                ),
            )),
            TokenKind::Stray => Err(self.error_at(
                tok,
                format!(
                    "invalid {what} name: unexpected character {}",
                    describe(tok)
                ),
            )),
            _ => Err(self.error_at(
                tok,
                format!("expected a {what} name, found {}", describe(tok)),
            )),
        }
    }

    fn provider(&mut self) -> Result<(), Failure> {
        self.bump();
        let name_tok = self.name("provider")?;
        let earlier = self.provider_lines.get(&name_tok.text).copied();
        if earlier.is_none() {
            self.provider_lines
                .insert(name_tok.text.clone(), name_tok.span.line);
            self.name_warnings(name_tok);
        }
        self.probe_lines.clear();
        let open = self.expect_punct("{", &format!("after `provider {}`", name_tok.text))?;
        let mut provider = Provider {
            name: name_tok.text.clone(),
            span: name_tok.span.clone(),
            probes: Vec::new(),
            attributes: Default::default(),
        };
        loop {
            let tok = self.peek();
            match tok.kind {
                TokenKind::Punct if tok.text == "}" => {
                    self.bump();
                    break;
                }
                TokenKind::Punct if tok.text == ";" => {
                    self.bump();
                }
                TokenKind::Pragma => self.pragma(),
                TokenKind::Ident if tok.text == "probe" => {
                    let probe = self.probe(&provider)?;
                    provider.probes.push(probe);
                }
                TokenKind::Eof | TokenKind::Ident
                    if tok.kind == TokenKind::Eof || tok.text == "provider" =>
                {
                    let mut failure = self.error_after_previous(format!(
                        "missing `}}` to close provider `{}` (opened at line {}, column {})",
                        provider.name, open.span.line, open.span.column
                    ));
                    if tok.kind != TokenKind::Eof {
                        failure.0.message.push_str(" before the next `provider`");
                    }
                    return Err(failure);
                }
                _ => {
                    return Err(self.error_at(
                        tok,
                        format!(
                            "expected `probe` or `}}` in provider `{}`, found {}",
                            provider.name,
                            describe(tok)
                        ),
                    ))
                }
            }
        }
        self.expect_punct(
            ";",
            &format!("after the `}}` of provider `{}`", provider.name),
        )?;
        match earlier {
            None => self.providers.push(provider),
            Some(first_line) => self.redeclared(provider, first_line, name_tok)?,
        }
        Ok(())
    }

    /// DTrace accepts a provider declared again when the new declaration
    /// repeats probes of the first one with the same argument types; it
    /// adds nothing. Anything else is an interface mismatch.
    fn redeclared(
        &mut self,
        again: Provider,
        first_line: u32,
        name_tok: &Token,
    ) -> Result<(), Failure> {
        let Some(first) = self.providers.iter().find(|p| p.name == again.name) else {
            return Ok(());
        };
        for probe in &again.probes {
            let problem = match first.probes.iter().find(|p| p.name == probe.name) {
                None => Some("is not declared in the first declaration"),
                Some(old) if !same_types(&old.args, &probe.args) => {
                    Some("has other argument types than in the first declaration")
                }
                Some(old)
                    if !same_types(
                        old.translated_args.as_deref().unwrap_or(&[]),
                        probe.translated_args.as_deref().unwrap_or(&[]),
                    ) =>
                {
                    Some("has other translated argument types than in the first declaration")
                }
                Some(_) => None,
            };
            if let Some(problem) = problem {
                let tok = self
                    .tokens
                    .iter()
                    .find(|t| t.span == probe.span)
                    .unwrap_or(name_tok);
                return Err(self.error_at(
                    tok,
                    format!(
                        "provider `{}` declared again (first at line {first_line}) does not match: probe `{}` {problem}",
                        again.name, probe.name
                    ),
                ));
            }
        }
        self.warn_at(
            name_tok,
            format!(
                "provider `{}` is declared again (first at line {first_line}); the declarations match, the second adds nothing",
                again.name
            ),
        );
        Ok(())
    }

    /// Names DTrace would refuse but SDT on Linux takes: warn, do not fail,
    /// so files that work with SystemTap's wrapper keep working.
    fn name_warnings(&mut self, name_tok: &Token) {
        let name = &name_tok.text;
        if name.ends_with(|c: char| c.is_ascii_digit()) {
            self.warn_at(
                name_tok,
                format!("provider name `{name}` ends with a digit: DTrace rejects it (it appends the process ID to provider names)"),
            );
        }
        if name.len() > 63 {
            self.warn_at(
                name_tok,
                format!("provider name `{name}` is longer than 63 characters: DTrace rejects it"),
            );
        }
    }

    fn probe(&mut self, provider: &Provider) -> Result<Probe, Failure> {
        self.bump();
        let name_tok = self.name("probe")?;
        if let Some(first_line) = self.probe_lines.get(&name_tok.text) {
            return Err(self.error_at(
                name_tok,
                format!(
                    "probe `{}` is declared twice in provider `{}` (first at line {first_line})",
                    name_tok.text, provider.name
                ),
            ));
        }
        self.probe_lines
            .insert(name_tok.text.clone(), name_tok.span.line);
        let context = format!("after the probe name `{}`", name_tok.text);
        self.expect_punct("(", &context)?;
        let args = self.params(&name_tok.text)?;
        let mut translated_args = None;
        if self.peek().is(":") {
            self.bump();
            self.expect_punct("(", "to start the translated argument list")?;
            translated_args = Some(self.params(&name_tok.text)?);
        }
        self.expect_punct(
            ";",
            &format!("after the declaration of probe `{}`", name_tok.text),
        )?;
        Ok(Probe {
            name: name_tok.text.clone(),
            span: name_tok.span.clone(),
            args,
            translated_args,
        })
    }

    /// The parameters after `(`, through the closing `)`.
    fn params(&mut self, probe: &str) -> Result<Vec<Argument>, Failure> {
        let mut args = Vec::new();
        if self.peek().is(")") {
            self.bump();
            return Ok(args);
        }
        if self.peek().is_ident("void") && self.peek_at(1).is(")") {
            self.pos += 2;
            return Ok(args);
        }
        loop {
            let arg = self.param()?;
            if args.len() == MAX_PROBE_ARGS {
                return Err(self.error_at_span(
                    &arg.span,
                    format!(
                        "probe `{probe}` has more than {MAX_PROBE_ARGS} arguments; SDT probes carry at most {MAX_PROBE_ARGS}"
                    ),
                ));
            }
            args.push(arg);
            let tok = self.peek();
            if tok.is(",") {
                self.bump();
                continue;
            }
            if tok.is(")") {
                self.bump();
                return Ok(args);
            }
            return Err(self.unexpected_in_params(tok));
        }
    }

    fn error_at_span(&self, span: &Span, message: String) -> Failure {
        // Find the token at that span again for its physical line.
        let phys = self
            .tokens
            .iter()
            .find(|t| &t.span == span)
            .map_or(self.peek().phys_line, |t| t.phys_line);
        (
            Diagnostic {
                severity: Severity::Error,
                span: span.clone(),
                message,
                source_line: None,
            },
            phys,
        )
    }

    fn unexpected_in_params(&self, tok: &Token) -> Failure {
        match tok.kind {
            TokenKind::Eof | TokenKind::Punct
                if tok.kind == TokenKind::Eof || matches!(tok.text.as_str(), ";" | "{" | "}") =>
            {
                self.error_after_previous(format!(
                    "unbalanced brackets: missing `)` to close the parameter list (found {})",
                    describe(tok)
                ))
            }
            TokenKind::Ident if tok.text == "probe" || tok.text == "provider" => self
                .error_after_previous(format!(
                    "unbalanced brackets: missing `)` to close the parameter list (found {})",
                    describe(tok)
                )),
            TokenKind::Punct if tok.text == "[" => {
                self.error_at(tok, "array parameters are not supported; use a pointer")
            }
            TokenKind::Punct if tok.text == "(" => self.error_at(
                tok,
                "function pointer parameters are not supported; use `void *` or a typedef name",
            ),
            _ => self.error_at(
                tok,
                format!(
                    "expected `,` or `)` in the parameter list, found {}",
                    describe(tok)
                ),
            ),
        }
    }

    fn param(&mut self) -> Result<Argument, Failure> {
        let first = self.peek();
        let start = self.pos;
        let mut spec = TypeSpec::default();
        let mut name: Option<String> = None;
        let mut type_end = self.pos;
        loop {
            let tok = self.peek();
            match tok.kind {
                TokenKind::Ident => {
                    let word = tok.text.as_str();
                    let after_pointer = !spec.pointers.is_empty();
                    if word == "string" && (after_pointer || spec.has_base()) {
                        // D's `string` type, used as a parameter name.
                        name = Some(self.name("parameter")?.text.clone());
                        break;
                    }
                    let count = match word {
                        "const" | "volatile" | "restrict" | "__restrict" | "__restrict__"
                        | "__const" | "__volatile__" => {
                            let qual = match word {
                                "const" | "__const" => "const",
                                "volatile" | "__volatile__" => "volatile",
                                _ => "restrict",
                            };
                            if let Some(quals) = spec.pointers.last_mut() {
                                if !quals.contains(&qual) {
                                    quals.push(qual);
                                }
                            } else if qual == "const" {
                                spec.is_const = true;
                            } else if qual == "volatile" {
                                spec.is_volatile = true;
                            } else {
                                return Err(self.error_at(
                                    tok,
                                    "`restrict` applies only to a pointer (after `*`)",
                                ));
                            }
                            self.bump();
                            type_end = self.pos;
                            continue;
                        }
                        "signed" | "__signed__" => &mut spec.signed,
                        "unsigned" => &mut spec.unsigned,
                        "char" => &mut spec.char,
                        "short" => &mut spec.short,
                        "int" => &mut spec.int,
                        "long" => &mut spec.long,
                        "float" => &mut spec.float,
                        "double" => &mut spec.double,
                        "void" => &mut spec.void,
                        "bool" | "_Bool" => &mut spec.bool_,
                        "__int128" => &mut spec.int128,
                        "string" => &mut spec.string,
                        "struct" | "union" | "enum" => {
                            if after_pointer || spec.has_base() {
                                return Err(self.error_at(
                                    tok,
                                    format!("unexpected `{word}` in a type that is already named"),
                                ));
                            }
                            let keyword = match word {
                                "struct" => "struct",
                                "union" => "union",
                                _ => "enum",
                            };
                            self.bump();
                            let tag = self.peek();
                            if tag.is("{") {
                                return Err(self.error_at(
                                    tag,
                                    format!("a `{keyword}` cannot be defined in a parameter list; declare it before the provider and name it here"),
                                ));
                            }
                            if tag.kind != TokenKind::Ident || is_reserved(&tag.text) {
                                return Err(self.error_at(
                                    tok,
                                    format!("incomplete type: `{keyword}` needs a tag name (`{keyword} NAME`), found {}", describe(tag)),
                                ));
                            }
                            self.bump();
                            spec.tagged = Some((keyword, tag.text.clone()));
                            type_end = self.pos;
                            continue;
                        }
                        _ => {
                            if after_pointer || spec.has_base() {
                                // The parameter's name.
                                let name_tok = self.name("parameter")?;
                                name = Some(name_tok.text.clone());
                                break;
                            }
                            if is_reserved(word) {
                                return Err(self.error_at(
                                    tok,
                                    format!("expected a type, found the reserved word `{word}`"),
                                ));
                            }
                            let next = self.peek_at(1);
                            if !next.space_before && matches!(next.kind, TokenKind::Stray) {
                                return Err(self.error_at(
                                    tok,
                                    format!("invalid type name `{}{}`: names are ASCII letters, digits and `_`", tok.text, next.text),
                                ));
                            }
                            spec.typedef_name = Some(word.to_string());
                            self.bump();
                            type_end = self.pos;
                            continue;
                        }
                    };
                    if after_pointer {
                        return Err(self.error_at(tok, format!("unexpected `{word}` after `*`")));
                    }
                    *count += 1;
                    self.bump();
                    type_end = self.pos;
                }
                TokenKind::Punct if tok.text == "*" => {
                    if !spec.has_base() {
                        return Err(self.error_at(tok, "expected a type before `*`"));
                    }
                    spec.pointers.push(Vec::new());
                    self.bump();
                    type_end = self.pos;
                }
                TokenKind::Punct if tok.text == "..." => {
                    return Err(self.error_at(
                        tok,
                        "variable argument lists (`...`) are not allowed in probe declarations",
                    ));
                }
                _ => break,
            }
        }
        let next = self.peek();
        if next.is("(") || next.is("[") {
            return Err(self.unexpected_in_params(next));
        }
        if start == type_end {
            let tok = self.peek();
            return Err(match tok.kind {
                TokenKind::Number => self.error_at(
                    tok,
                    format!(
                        "invalid parameter: expected a type, found the number `{}`",
                        tok.text
                    ),
                ),
                TokenKind::Stray => {
                    self.error_at(tok, format!("unexpected character {}", describe(tok)))
                }
                _ if tok.is(",") || tok.is(")") => self.error_at(
                    tok,
                    format!("expected a parameter type, found {}", describe(tok)),
                ),
                _ => self.unexpected_in_params(tok),
            });
        }
        let written = join_tokens(&self.tokens[start..type_end]);
        let (normalized, class) = spec
            .finish()
            .map_err(|why| self.error_at(first, format!("invalid type `{written}`: {why}")))?;
        Ok(Argument {
            ty: CType {
                written,
                normalized,
                class,
            },
            name,
            span: first.span.clone(),
        })
    }
}

fn same_types(a: &[Argument], b: &[Argument]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.ty.normalized == y.ty.normalized)
}

/// The tokens' text with one space wherever the source separated them.
fn join_tokens(tokens: &[Token]) -> String {
    let mut out = String::new();
    for (i, tok) in tokens.iter().enumerate() {
        if i > 0 && tok.space_before {
            out.push(' ');
        }
        out.push_str(&tok.text);
    }
    out
}

impl CType {
    /// Parses a C type on its own, e.g. `long unsigned int` or `char * const`.
    ///
    /// A trailing parameter name is not allowed here. Errors are plain
    /// messages, since the text has no file.
    pub fn parse(text: &str) -> Result<CType, String> {
        let file: Arc<Path> = Arc::from(Path::new("<type>"));
        let lexed = lex::lex(&file, text).map_err(|e| e.diagnostic.message)?;
        let mut parser = Parser {
            tokens: &lexed.tokens,
            pos: 0,
            providers: Vec::new(),
            pragmas: Vec::new(),
            pragma_lines: Vec::new(),
            warnings: Vec::new(),
            provider_lines: HashMap::new(),
            probe_lines: HashMap::new(),
        };
        let arg = parser.param().map_err(|(d, _)| d.message)?;
        if let Some(name) = arg.name {
            return Err(format!("unexpected name `{name}` after the type"));
        }
        if parser.peek().kind != TokenKind::Eof {
            return Err(format!(
                "unexpected {} after the type",
                describe(parser.peek())
            ));
        }
        Ok(arg.ty)
    }
}
