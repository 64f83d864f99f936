//! Turns provider-file text into tokens.
//!
//! Comments and white space are dropped (a token only remembers whether
//! something separated it from the previous one, so types can be shown as
//! written). Lines starting with `#` are preprocessor lines: line markers
//! move the position that spans report, `#pragma D` lines become tokens,
//! and any other directive is reported to the parser, which warns about it.

use std::path::Path;
use std::sync::Arc;

use crate::{Diagnostic, Severity, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    Ident,
    /// A number, lexed loosely (`997`, `1sec`, `0x1f`): only D clauses use them.
    Number,
    /// A string or character literal: only D clauses use them.
    Literal,
    /// One punctuation character (`{`, `(`, `;`, `*`, ...), or `...`.
    Punct,
    /// `#pragma D ...`; the text is what follows `#pragma D`.
    Pragma,
    /// A character that has no place in the language (`@`, `é`, ...).
    Stray,
    /// The end of the text; always the last token.
    Eof,
}

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub kind: TokenKind,
    pub text: String,
    pub span: Span,
    /// Line and column just after the token, in the same file as `span`.
    pub end_line: u32,
    pub end_column: u32,
    /// White space, a comment or a line break came before this token.
    pub space_before: bool,
    /// Index of the physical line (0-based) of the lexed text; used to find
    /// the source line for a diagnostic.
    pub phys_line: usize,
}

impl Token {
    pub fn is(&self, punct: &str) -> bool {
        matches!(self.kind, TokenKind::Punct) && self.text == punct
    }

    pub fn is_ident(&self, word: &str) -> bool {
        matches!(self.kind, TokenKind::Ident) && self.text == word
    }
}

/// A directive other than a line marker or `#pragma D`, e.g. `#define`.
#[derive(Debug, Clone)]
pub(crate) struct Directive {
    pub name: String,
    pub span: Span,
    pub phys_line: usize,
}

pub(crate) struct Lexed {
    pub tokens: Vec<Token>,
    pub directives: Vec<Directive>,
    /// For each physical line of the text: the file and line it stands for,
    /// and whether that mapping came from a line marker.
    pub line_map: Vec<(Arc<Path>, u32, bool)>,
}

/// Error as a diagnostic plus the physical line it was found on.
pub(crate) struct LexError {
    pub diagnostic: Diagnostic,
    pub phys_line: usize,
}

struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// Physical line (0-based) and the byte offset where it starts.
    phys_line: usize,
    line_start: usize,
    /// The file and line the current physical line stands for.
    file: Arc<Path>,
    line: u32,
    from_marker: bool,
    /// A line marker seen on this physical line takes effect on the next one.
    pending_marker: Option<(Arc<Path>, u32)>,
    line_map: Vec<(Arc<Path>, u32, bool)>,
    at_line_start: bool,
    space_before: bool,
    tokens: Vec<Token>,
    directives: Vec<Directive>,
    /// A byte offset on the current line and its column.
    column_cache: std::cell::Cell<(usize, u32)>,
}

pub(crate) fn lex(path: &Arc<Path>, text: &str) -> Result<Lexed, LexError> {
    let mut lexer = Lexer {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        phys_line: 0,
        line_start: 0,
        file: path.clone(),
        line: 1,
        from_marker: false,
        pending_marker: None,
        line_map: vec![(path.clone(), 1, false)],
        at_line_start: true,
        space_before: true,
        tokens: Vec::new(),
        directives: Vec::new(),
        column_cache: std::cell::Cell::new((0, 1)),
    };
    lexer.run()?;
    let end = lexer.span_at(lexer.pos);
    lexer.tokens.push(Token {
        kind: TokenKind::Eof,
        text: String::new(),
        end_line: end.line,
        end_column: end.column,
        span: end,
        space_before: true,
        phys_line: lexer.phys_line,
    });
    Ok(Lexed {
        tokens: lexer.tokens,
        directives: lexer.directives,
        line_map: lexer.line_map,
    })
}

/// Control characters that mark a file as binary junk: all but tab, line
/// feed, carriage return, vertical tab and form feed.
pub(crate) fn is_forbidden_control(c: char) -> bool {
    (c < ' ' && !matches!(c, '\t' | '\n' | '\r' | '\x0b' | '\x0c')) || c == '\x7f'
}

pub(crate) fn control_message(b: u8) -> String {
    format!("binary data: control character 0x{b:02x} is not allowed in a provider file")
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident_continue(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl<'a> Lexer<'a> {
    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    fn column_at(&self, pos: usize) -> u32 {
        // Columns count characters, so a caret lines up under UTF-8 text.
        // Counting resumes from the last token on the line, so a very long
        // line costs linear time, not quadratic.
        let (from, column) = match self.column_cache.get() {
            (cached, column) if cached >= self.line_start && cached <= pos => (cached, column),
            _ => (self.line_start.min(pos), 1),
        };
        let column = column
            + self
                .text
                .get(from..pos)
                .map_or(0, |s| s.chars().count() as u32);
        self.column_cache.set((pos, column));
        column
    }

    fn span_at(&self, pos: usize) -> Span {
        Span {
            file: self.file.clone(),
            line: self.line,
            column: self.column_at(pos),
        }
    }

    fn error_at(&self, pos: usize, message: impl Into<String>) -> LexError {
        LexError {
            diagnostic: Diagnostic {
                severity: Severity::Error,
                span: self.span_at(pos),
                message: message.into(),
                source_line: None,
            },
            phys_line: self.phys_line,
        }
    }

    /// Consumes a line break at `pos` (either `\n` or `\r\n`, or a lone `\r`).
    fn newline(&mut self) {
        if self.peek(0) == Some(b'\r') && self.peek(1) == Some(b'\n') {
            self.pos += 2;
        } else {
            self.pos += 1;
        }
        self.phys_line += 1;
        self.line_start = self.pos;
        match self.pending_marker.take() {
            Some((file, line)) => {
                self.file = file;
                self.line = line;
                self.from_marker = true;
            }
            None => self.line = self.line.saturating_add(1),
        }
        self.line_map
            .push((self.file.clone(), self.line, self.from_marker));
        self.at_line_start = true;
        self.space_before = true;
    }

    fn run(&mut self) -> Result<(), LexError> {
        while let Some(b) = self.peek(0) {
            match b {
                b'\n' | b'\r' => self.newline(),
                b' ' | b'\t' | b'\x0b' | b'\x0c' => {
                    self.pos += 1;
                    self.space_before = true;
                }
                b'/' if self.peek(1) == Some(b'*') => self.block_comment()?,
                b'/' if self.peek(1) == Some(b'/') => {
                    self.skip_to_line_end()?;
                    self.space_before = true;
                }
                b'\\' if matches!(self.peek(1), Some(b'\n' | b'\r')) => {
                    // A continued line outside a directive: just white space.
                    self.pos += 1;
                    self.newline();
                    self.at_line_start = false;
                }
                b'#' if self.at_line_start => self.directive()?,
                _ => {
                    self.at_line_start = false;
                    self.token()?;
                }
            }
        }
        Ok(())
    }

    fn check_control(&self, pos: usize, b: u8) -> Result<(), LexError> {
        if is_forbidden_control(b as char) {
            return Err(self.error_at(pos, control_message(b)));
        }
        Ok(())
    }

    fn block_comment(&mut self) -> Result<(), LexError> {
        let start = self.pos;
        let start_err = self.error_at(start, "unterminated comment: `/*` has no matching `*/`");
        self.pos += 2;
        loop {
            match self.peek(0) {
                None => return Err(start_err),
                Some(b'*') if self.peek(1) == Some(b'/') => {
                    self.pos += 2;
                    break;
                }
                Some(b'\n' | b'\r') => {
                    // A comment spanning lines does not end the line-start
                    // state for `#`, matching the C preprocessor closely enough.
                    let at_start = self.at_line_start;
                    self.newline();
                    self.at_line_start = at_start;
                }
                Some(b) => {
                    self.check_control(self.pos, b)?;
                    self.pos += 1;
                }
            }
        }
        self.space_before = true;
        Ok(())
    }

    /// Skips a `//` comment. Control bytes are binary data here too, as in
    /// block comments and as the check before preprocessing finds them.
    fn skip_to_line_end(&mut self) -> Result<(), LexError> {
        while let Some(b) = self.peek(0) {
            if b == b'\n' || b == b'\r' {
                break;
            }
            self.check_control(self.pos, b)?;
            self.pos += 1;
        }
        Ok(())
    }

    /// Reads a `#` line (with `\` continuations) and acts on it.
    fn directive(&mut self) -> Result<(), LexError> {
        let start = self.pos;
        let span = self.span_at(start);
        let phys_line = self.phys_line;
        let mut text = String::new();
        self.pos += 1;
        loop {
            let chunk_start = self.pos;
            while let Some(b) = self.peek(0) {
                if b == b'\n' || b == b'\r' {
                    break;
                }
                self.check_control(self.pos, b)?;
                self.pos += 1;
            }
            let chunk = &self.text[chunk_start..self.pos];
            if let Some(stripped) = chunk.strip_suffix('\\') {
                text.push_str(stripped);
                text.push(' ');
                if self.peek(0).is_some() {
                    self.newline();
                    continue;
                }
            } else {
                text.push_str(chunk);
            }
            break;
        }
        let text = strip_comments(&text);
        let body = text.trim();
        let mut words = body.split_whitespace();
        let first = words.next().unwrap_or("");
        if first == "pragma" && words.next() == Some("D") {
            let rest = body["pragma".len()..].trim_start();
            let rest = rest[1..].trim().to_string();
            self.tokens.push(Token {
                kind: TokenKind::Pragma,
                text: rest,
                span: span.clone(),
                end_line: span.line,
                end_column: span.column,
                space_before: true,
                phys_line,
            });
        } else if let Some((line, file)) = parse_line_marker(body) {
            let file: Arc<Path> = match file {
                Some(f) => Arc::from(Path::new(&f)),
                None => self.file.clone(),
            };
            self.pending_marker = Some((file, line));
        } else if first.is_empty()
            || first == "pragma"
            || first == "ident"
            || (phys_line == 0 && body.starts_with('!'))
        {
            // A null directive, a pragma for someone else, `#ident`, or the
            // `#!/usr/sbin/dtrace -s` line of a D script: nothing to do.
        } else {
            let name: String = first
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            self.directives.push(Directive {
                name: if name.is_empty() {
                    first.to_string()
                } else {
                    name
                },
                span,
                phys_line,
            });
        }
        self.space_before = true;
        Ok(())
    }

    fn token(&mut self) -> Result<(), LexError> {
        let start = self.pos;
        let b = self.bytes[start];
        let kind = if is_ident_start(b) {
            while self.peek(0).is_some_and(is_ident_continue) {
                self.pos += 1;
            }
            TokenKind::Ident
        } else if b.is_ascii_digit() {
            while self
                .peek(0)
                .is_some_and(|c| is_ident_continue(c) || c == b'.')
            {
                self.pos += 1;
            }
            TokenKind::Number
        } else if b == b'"' || b == b'\'' {
            self.pos += 1;
            loop {
                match self.peek(0) {
                    None | Some(b'\n' | b'\r') => {
                        let what = if b == b'"' { "string" } else { "character" };
                        return Err(self.error_at(start, format!("unterminated {what} literal")));
                    }
                    Some(b'\\') if self.peek(1).is_some_and(|c| c != b'\n' && c != b'\r') => {
                        self.pos += 2
                    }
                    Some(c) if c == b => {
                        self.pos += 1;
                        break;
                    }
                    Some(c) => {
                        self.check_control(self.pos, c)?;
                        self.pos += 1;
                    }
                }
            }
            TokenKind::Literal
        } else if b == b'.' && self.peek(1) == Some(b'.') && self.peek(2) == Some(b'.') {
            self.pos += 3;
            TokenKind::Punct
        } else if b.is_ascii_punctuation() {
            self.pos += 1;
            TokenKind::Punct
        } else {
            self.check_control(start, b)?;
            // One whole character, even when it takes several bytes.
            let len = self.text[start..].chars().next().map_or(1, char::len_utf8);
            self.pos += len;
            TokenKind::Stray
        };
        let span = self.span_at(start);
        let end_column = self.column_at(self.pos);
        self.tokens.push(Token {
            kind,
            text: self.text[start..self.pos].to_string(),
            end_line: span.line,
            end_column,
            span,
            space_before: self.space_before,
            phys_line: self.phys_line,
        });
        self.space_before = false;
        Ok(())
    }
}

/// Removes `/* */` and `//` comments from one directive line.
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('/') {
        let after = &rest[i + 1..];
        if after.starts_with('/') {
            out.push_str(&rest[..i]);
            return out;
        } else if let Some(body) = after.strip_prefix('*') {
            out.push_str(&rest[..i]);
            out.push(' ');
            rest = match body.find("*/") {
                Some(end) => &body[end + 2..],
                None => "",
            };
        } else {
            out.push_str(&rest[..=i]);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// `# 12 "file" 1 3`, `#line 12 "file"` or `#line 12`: the line number the
/// next line has, and the file it belongs to when named.
fn parse_line_marker(body: &str) -> Option<(u32, Option<String>)> {
    let rest = body
        .strip_prefix("line")
        .map(str::trim_start)
        .unwrap_or(body);
    let digits_end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    if digits_end == 0 {
        return None;
    }
    let line: u32 = rest[..digits_end].parse().ok()?;
    let rest = rest[digits_end..].trim_start();
    if rest.is_empty() {
        return Some((line, None));
    }
    let quoted = rest.strip_prefix('"')?;
    let mut name = String::new();
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some((line, Some(name))),
            '\\' => match chars.next() {
                Some(escaped) => name.push(escaped),
                None => return None,
            },
            c => name.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<String> {
        let path: Arc<Path> = Arc::from(Path::new("t.d"));
        lex(&path, text)
            .ok()
            .unwrap()
            .tokens
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    #[test]
    fn comments_and_markers() {
        assert_eq!(kinds("a /* x */ b // c\n d"), ["a", "b", "d", ""]);
        assert_eq!(
            parse_line_marker("12 \"f.d\" 1 3"),
            Some((12, Some("f.d".into())))
        );
        assert_eq!(parse_line_marker("line 7"), Some((7, None)));
        assert_eq!(parse_line_marker("define X"), None);
        assert_eq!(
            strip_comments("pragma D option /* x */ y // z"),
            "pragma D option   y "
        );
    }

    #[test]
    fn line_marker_moves_spans() {
        let path: Arc<Path> = Arc::from(Path::new("t.d"));
        let lexed = lex(&path, "# 40 \"orig.d\"\nfoo\n  bar").ok().unwrap();
        assert_eq!(lexed.tokens[0].span.line, 40);
        assert_eq!(&*lexed.tokens[0].span.file, Path::new("orig.d"));
        assert_eq!(lexed.tokens[1].span.line, 41);
        assert_eq!(lexed.tokens[1].span.column, 3);
    }
}
