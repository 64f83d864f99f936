#!/usr/bin/env python3
# static_probes.py: the build steps behind StaticProbes' Meson subproject.
#
# Meson always has Python, so this one file, with the standard library only,
# does what the subproject cannot do in meson.build: it reads provider
# files (as strictly as probe-build does: the same verdicts, macro names and
# arities), writes the no-op header with no tool at all, runs the dtrace
# tool for the header and the -G object, tries the tool at configure time,
# and checks linked files with `probe-build list --check`.
#
#   static_probes.py read [--json] [-C] [-I DIR] [-D NAME[=VALUE]] [-U NAME] FILE.d
#   static_probes.py noop-header [-C ...] FILE.d OUTPUT.h
#   static_probes.py generate --mode MODE [--tool ARG]... [--flag ARG]... [--cc ARG]...
#                             FILE.d OUTPUT.h [OUTPUT.o [OUTPUT-DOF.o]]
#   static_probes.py objects [settings] --output OUTPUT.o FILE.d OBJECT...
#   static_probes.py try STEP ...            (configure-time trials; see try_main)
#   static_probes.py check [--probe-build PATH] [--tool ARG]... [--unused PROV:NAME]...
#                          FILE.d FILE...
#   static_probes.py trace [--tracer PATH | --skip WHY] [--provider FILE.d]... [-n PROV:NAME]...
#                          [--expect LINE]... [--expect-file FILE] -- PROGRAM ARG...
#
# `read` prints one line per probe, `PROVIDER:NAME ARITY MACRO`, or with
# --json the whole model; a provider file with an error gives
# `FILE:LINE:COL: error: MESSAGE`, the source line and a caret on standard
# error and exit status 1, as probe-build does.
#
# Every output is written to a temporary file and renamed: a failed step
# leaves nothing a later build could take for a good result.
#
# This file is part of StaticProbes; copying and distribution of this file,
# with or without modification, are permitted in any medium without royalty
# provided the copyright notice and this notice are preserved. This file is
# offered as-is, without any warranty.

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

ME = "static_probes.py"
MAX_PROBE_ARGS = 12


# ---------------------------------------------------------------------------
# The provider language: a port of crates/probe-provider (lex.rs, parse.rs,
# types.rs). Each rule, position and message follows the Rust reader, so
# both accept and refuse the same files, at the same line and column.
# ---------------------------------------------------------------------------

class ProviderError(Exception):
    """A provider file that cannot be read; str() is the full diagnostic."""

    def __init__(self, file, line, column, message, source_line=None):
        Exception.__init__(self, message)
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.source_line = source_line

    def first_line(self):
        return "%s:%d:%d: error: %s" % (self.file, self.line, self.column, self.message)

    def __str__(self):
        text = self.first_line()
        if self.source_line is not None:
            line = self.source_line.rstrip("\r\n")
            pad = "".join("\t" if c == "\t" else " " for c in line[: max(self.column - 1, 0)])
            text += "\n %s\n %s^" % (line, pad)
        return text


class OtherError(Exception):
    """A failure that is not about a place in a provider file; a tool's own
    last line of output, when a tool failed, is kept as tool_message."""

    def __init__(self, message, tool_message=None):
        Exception.__init__(self, message)
        self.tool_message = tool_message


class Span(object):
    __slots__ = ("file", "line", "column")

    def __init__(self, file, line, column):
        self.file = file
        self.line = line
        self.column = column

    def key(self):
        return (self.file, self.line, self.column)


# Token kinds.
IDENT, NUMBER, LITERAL, PUNCT, PRAGMA, STRAY, EOF = range(7)


class Token(object):
    __slots__ = ("kind", "text", "span", "end_line", "end_column", "space_before", "phys_line")

    def __init__(self, kind, text, span, end_line, end_column, space_before, phys_line):
        self.kind = kind
        self.text = text
        self.span = span
        self.end_line = end_line
        self.end_column = end_column
        self.space_before = space_before
        self.phys_line = phys_line

    def is_punct(self, text):
        return self.kind == PUNCT and self.text == text

    def is_ident(self, word):
        return self.kind == IDENT and self.text == word


class Failure(Exception):
    """A parse error before its source line is filled in."""

    def __init__(self, span, message, phys_line):
        Exception.__init__(self, message)
        self.span = span
        self.message = message
        self.phys_line = phys_line


def is_forbidden_control(c):
    return (c < " " and c not in "\t\n\r\x0b\x0c") or c == "\x7f"


def control_message(c):
    return "binary data: control character 0x%02x is not allowed in a provider file" % ord(c)


def is_ident_start(c):
    return ("a" <= c <= "z") or ("A" <= c <= "Z") or c == "_"


def is_ident_continue(c):
    return is_ident_start(c) or ("0" <= c <= "9")


ASCII_PUNCT = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def strip_comments(text):
    """Removes /* */ and // comments from one directive line."""
    out = []
    rest = text
    while True:
        i = rest.find("/")
        if i < 0:
            break
        after = rest[i + 1:]
        if after.startswith("/"):
            out.append(rest[:i])
            return "".join(out)
        elif after.startswith("*"):
            out.append(rest[:i])
            out.append(" ")
            body = after[1:]
            end = body.find("*/")
            rest = body[end + 2:] if end >= 0 else ""
        else:
            out.append(rest[: i + 1])
            rest = after
    out.append(rest)
    return "".join(out)


def parse_line_marker(body):
    """`# 12 "file" 1 3`, `#line 12 "file"`, `#line 12`: (line, file or None)."""
    rest = body[4:].lstrip() if body.startswith("line") else body
    m = re.match(r"[0-9]+", rest)
    if not m:
        return None
    line = int(m.group(0))
    if line > 0xFFFFFFFF:
        return None
    rest = rest[m.end():].lstrip()
    if rest == "":
        return (line, None)
    if not rest.startswith('"'):
        return None
    name = []
    i = 1
    while i < len(rest):
        c = rest[i]
        if c == '"':
            return (line, "".join(name))
        if c == "\\":
            if i + 1 >= len(rest):
                return None
            name.append(rest[i + 1])
            i += 2
            continue
        name.append(c)
        i += 1
    return None


class Lexed(object):
    def __init__(self, tokens, directives, line_map):
        self.tokens = tokens
        self.directives = directives
        self.line_map = line_map


class Lexer(object):
    def __init__(self, path, text):
        self.text = text
        self.pos = 0
        self.phys_line = 0
        self.line_start = 0
        self.file = path
        self.line = 1
        self.from_marker = False
        self.pending_marker = None
        self.line_map = [(path, 1, False)]
        self.at_line_start = True
        self.space_before = True
        self.tokens = []
        self.directives = []

    def peek(self, ahead=0):
        i = self.pos + ahead
        return self.text[i] if i < len(self.text) else None

    def span_at(self, pos):
        return Span(self.file, self.line, pos - self.line_start + 1)

    def error_at(self, pos, message):
        return Failure(self.span_at(pos), message, self.phys_line)

    def newline(self):
        if self.peek() == "\r" and self.peek(1) == "\n":
            self.pos += 2
        else:
            self.pos += 1
        self.phys_line += 1
        self.line_start = self.pos
        if self.pending_marker is not None:
            self.file, self.line = self.pending_marker
            self.pending_marker = None
            self.from_marker = True
        else:
            self.line += 1
        self.line_map.append((self.file, self.line, self.from_marker))
        self.at_line_start = True
        self.space_before = True

    def run(self):
        text = self.text
        n = len(text)
        while self.pos < n:
            c = text[self.pos]
            nxt = text[self.pos + 1] if self.pos + 1 < n else None
            if c == "\n" or c == "\r":
                self.newline()
            elif c in " \t\x0b\x0c":
                self.pos += 1
                self.space_before = True
            elif c == "/" and nxt == "*":
                self.block_comment()
            elif c == "/" and nxt == "/":
                self.skip_to_line_end()
                self.space_before = True
            elif c == "\\" and nxt in ("\n", "\r"):
                self.pos += 1
                self.newline()
                self.at_line_start = False
            elif c == "#" and self.at_line_start:
                self.directive()
            else:
                self.at_line_start = False
                self.token()
        end = self.span_at(self.pos)
        self.tokens.append(Token(EOF, "", end, end.line, end.column, True, self.phys_line))
        return Lexed(self.tokens, self.directives, self.line_map)

    def check_control(self, pos, c):
        if is_forbidden_control(c):
            raise self.error_at(pos, control_message(c))

    def block_comment(self):
        start_err = self.error_at(self.pos, "unterminated comment: `/*` has no matching `*/`")
        self.pos += 2
        while True:
            c = self.peek()
            if c is None:
                raise start_err
            if c == "*" and self.peek(1) == "/":
                self.pos += 2
                break
            if c == "\n" or c == "\r":
                at_start = self.at_line_start
                self.newline()
                self.at_line_start = at_start
            else:
                self.check_control(self.pos, c)
                self.pos += 1
        self.space_before = True

    def skip_to_line_end(self):
        """Skips a `//` comment; control bytes are binary data here too."""
        while True:
            c = self.peek()
            if c is None or c == "\n" or c == "\r":
                break
            self.check_control(self.pos, c)
            self.pos += 1

    def directive(self):
        start = self.pos
        span = self.span_at(start)
        phys_line = self.phys_line
        text = []
        self.pos += 1
        while True:
            chunk_start = self.pos
            while True:
                c = self.peek()
                if c is None or c == "\n" or c == "\r":
                    break
                self.check_control(self.pos, c)
                self.pos += 1
            chunk = self.text[chunk_start:self.pos]
            if chunk.endswith("\\"):
                text.append(chunk[:-1])
                text.append(" ")
                if self.peek() is not None:
                    self.newline()
                    continue
            else:
                text.append(chunk)
            break
        body = strip_comments("".join(text)).strip()
        words = body.split()
        first = words[0] if words else ""
        marker = parse_line_marker(body)
        if first == "pragma" and len(words) > 1 and words[1] == "D":
            rest = body[len("pragma"):].lstrip()
            rest = rest[1:].strip()
            self.tokens.append(Token(PRAGMA, rest, span, span.line, span.column, True, phys_line))
        elif marker is not None:
            line, file = marker
            self.pending_marker = (file if file is not None else self.file, line)
        elif first == "" or first == "pragma" or first == "ident" or (
                phys_line == 0 and body.startswith("!")):
            pass
        else:
            m = re.match(r"[A-Za-z0-9]*", first)
            name = m.group(0) if m.group(0) else first
            self.directives.append((name, span, phys_line))
        self.space_before = True

    def token(self):
        start = self.pos
        c = self.text[start]
        if is_ident_start(c):
            while self.peek() is not None and is_ident_continue(self.peek()):
                self.pos += 1
            kind = IDENT
        elif "0" <= c <= "9":
            while self.peek() is not None and (is_ident_continue(self.peek()) or self.peek() == "."):
                self.pos += 1
            kind = NUMBER
        elif c == '"' or c == "'":
            self.pos += 1
            while True:
                d = self.peek()
                if d is None or d == "\n" or d == "\r":
                    what = "string" if c == '"' else "character"
                    raise self.error_at(start, "unterminated %s literal" % what)
                if d == "\\" and self.peek(1) is not None and self.peek(1) not in "\n\r":
                    self.pos += 2
                elif d == c:
                    self.pos += 1
                    break
                else:
                    self.check_control(self.pos, d)
                    self.pos += 1
            kind = LITERAL
        elif c == "." and self.peek(1) == "." and self.peek(2) == ".":
            self.pos += 3
            kind = PUNCT
        elif c in ASCII_PUNCT:
            self.pos += 1
            kind = PUNCT
        else:
            self.check_control(start, c)
            self.pos += 1
            kind = STRAY
        span = self.span_at(start)
        end_column = self.pos - self.line_start + 1
        self.tokens.append(Token(kind, self.text[start:self.pos], span, span.line, end_column,
                                 self.space_before, self.phys_line))
        self.space_before = False


def physical_lines(text):
    """Lines as the lexer counts them: \\n, \\r\\n and \\r end a line."""
    return re.split(r"\r\n|\r|\n", text)


# C's keywords (through C23): they cannot name a provider, probe or
# parameter. D's own keywords (`string`, `self`, ...) can.
RESERVED = frozenset("""
auto break case char const continue default do double else enum extern float
for goto if inline int long register restrict return short signed sizeof
static struct switch typedef union unsigned void volatile while _Alignas
_Alignof _Atomic _Bool _Complex _Generic _Imaginary _Noreturn _Static_assert
_Thread_local bool true false nullptr alignas alignof constexpr static_assert
thread_local typeof typeof_unqual
""".split())

KNOWN_TYPEDEFS = {
    "int8_t": ("int8_t", True), "uint8_t": ("uint8_t", False),
    "int16_t": ("int16_t", True), "uint16_t": ("uint16_t", False),
    "int32_t": ("int32_t", True), "uint32_t": ("uint32_t", False),
    "int64_t": ("int64_t", True), "uint64_t": ("uint64_t", False),
    "size_t": ("size_t", False), "ssize_t": ("ssize_t", True),
    "intptr_t": ("intptr_t", True), "uintptr_t": ("uintptr_t", False),
    "ptrdiff_t": ("ptrdiff_t", True), "off_t": ("off_t", True),
    "pid_t": ("pid_t", True), "uid_t": ("uid_t", False), "gid_t": ("gid_t", False),
}


def describe(tok):
    if tok.kind == EOF:
        return "the end of the file"
    if tok.kind == PRAGMA:
        return "`#pragma D`"
    return "`%s`" % tok.text


STABILITIES = ("Internal", "Private", "Obsolete", "External", "Unstable", "Evolving", "Stable",
               "Standard")
DEPENDENCY_CLASSES = ("Unknown", "CPU", "Platform", "Group", "ISA", "Common")
ATTRIBUTE_GROUPS = ("provider", "module", "function", "name", "args")


def ascii_upper(word):
    return "".join(chr(ord(c) - 32) if "a" <= c <= "z" else c for c in word)


def provider_attributes_error(text, providers):
    """Why a `#pragma D attributes ATTR provider PROV GROUP` line about one
    of PROVIDERS cannot be read, or None (other pragmas are not checked)."""
    words = text.split()
    if not words or words[0] != "attributes" or len(words) < 3 or words[2] != "provider":
        return None
    if len(words) < 4 or words[3] not in providers:
        return None
    if len(words) < 5:
        return ("`#pragma D attributes` for a provider needs a group: provider, module, "
                "function, name or args")
    if words[4] not in ATTRIBUTE_GROUPS:
        return ("unknown attribute group `%s`: expected provider, module, function, name or args"
                % words[4])
    attributes = words[1]
    parts = attributes.split("/")
    if attributes == "" or len(parts) > 3:
        return ("bad attributes `%s`: expected NAME/DATA/CLASS, e.g. Evolving/Evolving/Common"
                % attributes)
    def ascii_lower(word):
        return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in word)
    for word in parts[:2]:
        if ascii_lower(word) not in [ascii_lower(n) for n in STABILITIES]:
            return ("unknown stability `%s`: expected Internal, Private, Obsolete, External, "
                    "Unstable, Evolving, Stable or Standard" % word)
    if len(parts) == 3 and ascii_lower(parts[2]) not in [ascii_lower(n) for n in DEPENDENCY_CLASSES]:
        return ("unknown dependency class `%s`: expected Unknown, CPU, Platform, Group, ISA or "
                "Common" % parts[2])
    return None


def closing(open_text):
    return {"(": ")", "[": "]"}.get(open_text, "}")


def join_tokens(tokens):
    out = []
    for i, tok in enumerate(tokens):
        if i > 0 and tok.space_before:
            out.append(" ")
        out.append(tok.text)
    return "".join(out)


class TypeSpec(object):
    """The words of one parameter's type, in any order, as C allows."""

    def __init__(self):
        self.is_const = False
        self.is_volatile = False
        self.count = dict.fromkeys(
            ("signed", "unsigned", "char", "short", "int", "long", "float", "double",
             "void", "bool", "string", "int128"), 0)
        self.tagged = None
        self.typedef_name = None
        self.pointers = []

    def has_base(self):
        return sum(self.count.values()) > 0 or self.tagged is not None or \
            self.typedef_name is not None

    def base(self):
        c = self.count
        if c["int128"] > 0:
            others = c["char"] + c["short"] + c["int"] + c["long"] + c["float"] + c["double"]
            if c["int128"] > 1 or others > 0 or self.tagged is not None or \
                    self.typedef_name is not None:
                raise ValueError("conflicting type names")
            return ("unsigned __int128" if c["unsigned"] > 0 else "__int128", "int128")
        words = c["signed"] + c["unsigned"] + c["char"] + c["short"] + c["int"] + c["long"]
        others = c["float"] + c["double"] + c["void"] + c["bool"] + c["string"] + \
            (self.tagged is not None) + (self.typedef_name is not None)
        if others > 1 or (others == 1 and words > 0 and
                          not (c["double"] == 1 and words == c["long"] and c["long"] == 1)):
            raise ValueError("conflicting type names")
        if c["double"] == 1 and c["long"] == 1:
            return ("long double", "long double")
        if others == 1:
            if c["float"]:
                return ("float", "float")
            if c["double"]:
                return ("double", "float")
            if c["void"]:
                return ("void", "void")
            if c["bool"]:
                return ("bool", "bool")
            if c["string"]:
                return ("string", "string")
            if self.tagged is not None:
                return ("%s %s" % self.tagged, "tagged")
            if self.typedef_name in KNOWN_TYPEDEFS:
                return (self.typedef_name, "integer")
            if self.typedef_name in ("__int128_t", "__uint128_t"):
                return (self.typedef_name, "int128")
            return (self.typedef_name, "other")
        if c["signed"] + c["unsigned"] > 1:
            raise ValueError("`signed` and `unsigned` can be given only once, not both")
        if c["char"] + c["short"] > 1 or c["int"] > 1 or c["long"] > 2:
            raise ValueError("too many integer type words")
        unsigned = c["unsigned"] == 1
        if c["char"] == 1:
            if c["short"] + c["long"] + c["int"] > 0:
                raise ValueError("`char` cannot be combined with `short`, `int` or `long`")
            if c["signed"] == 1:
                return ("signed char", "char")
            if unsigned:
                return ("unsigned char", "char")
            return ("char", "char")
        if c["short"] == 1:
            if c["long"] > 0:
                raise ValueError("`short` cannot be combined with `long`")
            return ("unsigned short" if unsigned else "short", "integer")
        names = {0: "int", 1: "long"}.get(c["long"], "long long")
        if unsigned:
            names = "unsigned " + names
        return (names, "integer")

    def finish(self):
        """(normalized spelling, class), or ValueError saying why not a type."""
        name, kind = self.base()
        out = ""
        if self.is_const:
            out += "const "
        if self.is_volatile:
            out += "volatile "
        out += name
        if kind == "string" and self.pointers:
            raise ValueError("`string` is already a pointer; write `char *` for a pointer")
        cls = {"char": "integer", "void": "other", "long double": "other", "int128": "other",
               "tagged": "other"}.get(kind, kind)
        if not self.pointers:
            # A probe argument travels in one register or stack slot: a
            # scalar of at most 8 bytes.
            if kind == "void":
                raise ValueError("a parameter cannot have type `void`")
            if kind == "tagged" and not name.startswith("enum "):
                raise ValueError("a %s passed by value cannot be a probe argument; pass a pointer "
                                 "(`%s *`)" % (name.split(" ")[0], name))
            if kind == "long double":
                raise ValueError("`long double` (16 bytes) cannot be a probe argument, which is at "
                                 "most 8 bytes; pass a `double` or a pointer")
            if kind == "int128":
                raise ValueError("a 128-bit integer cannot be a probe argument, which is at most 8 "
                                 "bytes; pass it in two 64-bit halves or by pointer")
            return out, cls
        out += " "
        for i, quals in enumerate(self.pointers):
            out += "*"
            if quals:
                out += " ".join(quals)
                if i + 1 < len(self.pointers):
                    out += " "
        if kind == "char" and len(self.pointers) == 1:
            return out, "string"
        return out, "pointer"


class Argument(object):
    def __init__(self, written, normalized, cls, name, span):
        self.written = written
        self.normalized = normalized
        self.cls = cls
        self.name = name
        self.span = span


class Probe(object):
    def __init__(self, name, span, args, translated_args):
        self.name = name
        self.span = span
        self.args = args
        self.translated_args = translated_args


class Provider(object):
    def __init__(self, name, span):
        self.name = name
        self.span = span
        self.probes = []

    def macro_name(self, probe):
        return "%s_%s" % (self.name.upper(), probe.name.replace("__", "_").upper())


class ProviderFile(object):
    def __init__(self, path, providers, warnings):
        self.path = path
        self.providers = providers
        self.warnings = warnings


def same_types(a, b):
    return len(a) == len(b) and all(x.normalized == y.normalized for x, y in zip(a, b))


class Parser(object):
    def __init__(self, tokens):
        self.tokens = tokens
        self.pos = 0
        self.providers = []
        self.pragmas = []
        self.warnings = []
        self.provider_lines = {}
        self.probe_lines = {}

    def peek(self):
        return self.tokens[min(self.pos, len(self.tokens) - 1)]

    def peek_at(self, ahead):
        return self.tokens[min(self.pos + ahead, len(self.tokens) - 1)]

    def bump(self):
        tok = self.peek()
        if tok.kind != EOF:
            self.pos += 1
        return tok

    def previous(self):
        return self.tokens[max(self.pos - 1, 0)]

    def error_at(self, tok, message):
        return Failure(tok.span, message, tok.phys_line)

    def error_after_previous(self, message):
        if self.pos == 0:
            return self.error_at(self.peek(), message)
        prev = self.previous()
        return Failure(Span(prev.span.file, prev.end_line, prev.end_column), message,
                       prev.phys_line)

    def warn_at(self, tok, message):
        self.warnings.append((tok.span, message, tok.phys_line))

    def error_at_span(self, span, message):
        phys = self.peek().phys_line
        for t in self.tokens:
            if t.span.key() == span.key():
                phys = t.phys_line
                break
        return Failure(span, message, phys)

    def check_macro_names(self):
        """Two probes of the file must not make the same C macro
        (`request__start` and `request_start`, or provider `a_b` probe `c`
        and provider `a` probe `b_c`): the header would define it twice."""
        seen = {}
        for provider in self.providers:
            for probe in provider.probes:
                c_macro = ascii_upper("%s_%s" % (provider.name, probe.name.replace("__", "_")))
                if c_macro in seen:
                    first_provider, first = seen[c_macro]
                    raise self.error_at_span(
                        probe.span, "probe `%s:%s` gives the C macro `%s`, as probe `%s:%s` "
                                    "(line %d) does" % (provider.name, probe.name, c_macro,
                                                        first_provider.name, first.name,
                                                        first.span.line))
                seen[c_macro] = (provider, probe)

    def apply_attributes(self):
        """A malformed `#pragma D attributes ... provider NAME GROUP` about a
        provider of this file is an error (crates/probe-provider's
        attributes.rs); the attributes themselves are not needed here."""
        names = set(p.name for p in self.providers)
        for tok in self.pragmas:
            message = provider_attributes_error(tok.text, names)
            if message:
                raise self.error_at(tok, message)

    def file(self):
        while True:
            tok = self.peek()
            if tok.kind == EOF:
                return
            if tok.kind == PRAGMA:
                self.pragmas.append(self.bump())
            elif tok.kind == IDENT and tok.text == "provider":
                self.provider()
            elif tok.kind == IDENT and tok.text == "probe":
                raise self.error_at(tok, "probe declaration outside a provider: put it inside "
                                         "`provider NAME { ... };`")
            elif tok.kind == IDENT and tok.text in ("typedef", "struct", "union", "enum"):
                self.skip_declaration()
            elif tok.is_punct(";"):
                self.bump()
            elif tok.kind == PUNCT and tok.text in ("}", ")", "]"):
                raise self.error_at(tok, "unbalanced brackets: unmatched `%s`" % tok.text)
            else:
                self.skip_clause()

    def skip_declaration(self):
        start = self.peek()
        while True:
            tok = self.peek()
            if tok.kind == EOF or (tok.kind == IDENT and self.declares(self.pos)):
                raise self.error_after_previous(
                    "missing `;` at the end of the `%s` declaration that starts at line %d"
                    % (start.text, start.span.line))
            if tok.is_punct(";"):
                self.bump()
                return
            self.skip_balanced()

    def declares(self, at):
        last = len(self.tokens) - 1
        word = self.tokens[min(at, last)]
        name = self.tokens[min(at + 1, last)]
        opening = self.tokens[min(at + 2, last)]
        return name.kind == IDENT and (
            (word.is_ident("probe") and opening.is_punct("(")) or
            (word.is_ident("provider") and opening.is_punct("{")))

    def skip_balanced(self):
        tok = self.bump()
        if tok.kind != PUNCT:
            if tok.is_ident("probe") and self.declares(self.pos - 1):
                raise self.error_at(tok, "probe declaration outside a provider: put it inside "
                                         "`provider NAME { ... };`")
            return
        if tok.text in ("{", "(", "["):
            stack = [tok]
            while stack:
                opening = stack[-1]
                nxt = self.bump()
                if nxt.kind == EOF:
                    raise self.error_at(opening, "unbalanced brackets: `%s` is never closed with `%s`"
                                        % (opening.text, closing(opening.text)))
                if nxt.kind == IDENT and nxt.text == "probe" and self.declares(self.pos - 1):
                    raise self.error_at(nxt, (
                        "probe declaration outside a provider (inside the `%s` at line %d, column %d);"
                        " put it inside `provider NAME { ... };`")
                        % (opening.text, opening.span.line, opening.span.column))
                if nxt.kind == IDENT and nxt.text == "provider" and self.declares(self.pos - 1):
                    raise self.error_at(nxt, "`%s` inside an unclosed `%s` (opened at line %d, column %d)"
                                        % (nxt.text, opening.text, opening.span.line,
                                           opening.span.column))
                if nxt.kind == PUNCT:
                    if nxt.text in ("{", "(", "["):
                        stack.append(nxt)
                    elif nxt.text in ("}", ")", "]"):
                        if closing(opening.text) != nxt.text:
                            raise self.error_at(nxt, "unbalanced brackets: `%s` does not close `%s` "
                                                     "(line %d, column %d)"
                                                % (nxt.text, opening.text, opening.span.line,
                                                   opening.span.column))
                        stack.pop()
            return
        if tok.text in ("}", ")", "]"):
            raise self.error_at(tok, "unbalanced brackets: unmatched `%s`" % tok.text)

    def skip_clause(self):
        start = self.peek()
        start_pos = self.pos
        if start.kind == STRAY:
            raise self.error_at(start, "unexpected character %s" % describe(start))
        while True:
            tok = self.peek()
            if tok.kind == EOF or (tok.kind == IDENT and self.declares(self.pos) and
                                   tok.text == "provider"):
                raise self.error_at(start, "expected `provider`, found %s" % describe(start))
            if tok.kind == STRAY:
                raise self.error_at(tok, "unexpected character %s" % describe(tok))
            if tok.is_punct(";"):
                self.bump()
                self.warn_at(start, "skipped a D declaration outside any provider "
                                    "(it declares no probes)")
                return
            if tok.is_punct("{"):
                self.skip_balanced()
                if self.peek().is_punct(";"):
                    self.bump()
                self.warn_at(start, "skipped the D program clause `%s` (only provider "
                                    "declarations are used)" % self.clause_description(start_pos))
                return
            self.skip_balanced()

    def clause_description(self, start):
        end = start + 1
        for n, t in enumerate(self.tokens[start:]):
            if t.is_punct("{") or t.is_punct("/") or t.kind == EOF:
                end = start + max(n, 1)
                break
        text = join_tokens(self.tokens[start:end])
        if len(text) > 60:
            text = text[:57] + "..."
        return text

    def expect_punct(self, punct, context):
        if self.peek().is_punct(punct):
            return self.bump()
        raise self.expected(punct, context)

    def expected(self, punct, context):
        found = self.peek()
        if punct == ";" and (found.is_punct(")") or found.is_punct("]")):
            return self.error_at(found, "unbalanced brackets: unmatched `%s`" % found.text)
        if punct == ";" or found.kind == EOF:
            failure = self.error_after_previous("missing `%s` %s" % (punct, context))
            if found.kind != EOF:
                failure.message += " (found %s)" % describe(found)
            return failure
        return self.error_at(found, "expected `%s` %s, found %s" % (punct, context, describe(found)))

    def name(self, what):
        tok = self.peek()
        if tok.kind == IDENT and tok.text not in RESERVED:
            nxt = self.peek_at(1)
            if not nxt.space_before and nxt.kind in (STRAY, NUMBER):
                raise self.error_at(tok, "invalid %s name `%s%s`: names are ASCII letters, digits "
                                         "and `_`" % (what, tok.text, nxt.text))
            if not nxt.space_before and nxt.is_punct("-") and self.peek_at(2).kind == IDENT:
                after = self.peek_at(2).text
                raise self.error_at(tok, "invalid %s name `%s-%s`: `-` is not allowed in names; "
                                         "write `%s__%s` (DTrace shows `__` as `-`)"
                                    % (what, tok.text, after, tok.text, after))
            return self.bump()
        if tok.kind == IDENT:
            raise self.error_at(tok, "invalid %s name `%s`: it is a reserved word" % (what, tok.text))
        if tok.kind == NUMBER:
            raise self.error_at(tok, "invalid %s name `%s`: names must start with a letter or `_`"
                                % (what, tok.text))
        if tok.kind == STRAY:
            raise self.error_at(tok, "invalid %s name: unexpected character %s"
                                % (what, describe(tok)))
        raise self.error_at(tok, "expected a %s name, found %s" % (what, describe(tok)))

    def provider(self):
        self.bump()
        name_tok = self.name("provider")
        earlier = self.provider_lines.get(name_tok.text)
        if earlier is None:
            self.provider_lines[name_tok.text] = name_tok.span.line
            self.name_warnings(name_tok)
        self.probe_lines = {}
        opening = self.expect_punct("{", "after `provider %s`" % name_tok.text)
        provider = Provider(name_tok.text, name_tok.span)
        while True:
            tok = self.peek()
            if tok.is_punct("}"):
                self.bump()
                break
            if tok.is_punct(";"):
                self.bump()
            elif tok.kind == PRAGMA:
                self.pragmas.append(self.bump())
            elif tok.is_ident("probe"):
                provider.probes.append(self.probe(provider))
            elif tok.kind == EOF or tok.is_ident("provider"):
                failure = self.error_after_previous(
                    "missing `}` to close provider `%s` (opened at line %d, column %d)"
                    % (provider.name, opening.span.line, opening.span.column))
                if tok.kind != EOF:
                    failure.message += " before the next `provider`"
                raise failure
            else:
                raise self.error_at(tok, "expected `probe` or `}` in provider `%s`, found %s"
                                    % (provider.name, describe(tok)))
        self.expect_punct(";", "after the `}` of provider `%s`" % provider.name)
        if earlier is None:
            self.providers.append(provider)
        else:
            self.redeclared(provider, earlier, name_tok)

    def redeclared(self, again, first_line, name_tok):
        first = None
        for p in self.providers:
            if p.name == again.name:
                first = p
                break
        if first is None:
            return
        for probe in again.probes:
            old = None
            for p in first.probes:
                if p.name == probe.name:
                    old = p
                    break
            problem = None
            if old is None:
                problem = "is not declared in the first declaration"
            elif not same_types(old.args, probe.args):
                problem = "has other argument types than in the first declaration"
            elif not same_types(old.translated_args or [], probe.translated_args or []):
                problem = "has other translated argument types than in the first declaration"
            if problem:
                tok = name_tok
                for t in self.tokens:
                    if t.span.key() == probe.span.key():
                        tok = t
                        break
                raise self.error_at(tok, "provider `%s` declared again (first at line %d) does not "
                                         "match: probe `%s` %s"
                                    % (again.name, first_line, probe.name, problem))
        self.warn_at(name_tok, "provider `%s` is declared again (first at line %d); the "
                               "declarations match, the second adds nothing"
                     % (again.name, first_line))

    def name_warnings(self, name_tok):
        name = name_tok.text
        if name[-1:].isdigit():
            self.warn_at(name_tok, "provider name `%s` ends with a digit: DTrace rejects it (it "
                                   "appends the process ID to provider names)" % name)
        if len(name) > 63:
            self.warn_at(name_tok, "provider name `%s` is longer than 63 characters: DTrace "
                                   "rejects it" % name)

    def probe(self, provider):
        self.bump()
        name_tok = self.name("probe")
        if name_tok.text in self.probe_lines:
            raise self.error_at(name_tok, "probe `%s` is declared twice in provider `%s` (first at "
                                          "line %d)" % (name_tok.text, provider.name,
                                                        self.probe_lines[name_tok.text]))
        self.probe_lines[name_tok.text] = name_tok.span.line
        self.expect_punct("(", "after the probe name `%s`" % name_tok.text)
        args = self.params(name_tok.text)
        translated = None
        if self.peek().is_punct(":"):
            self.bump()
            self.expect_punct("(", "to start the translated argument list")
            translated = self.params(name_tok.text)
        self.expect_punct(";", "after the declaration of probe `%s`" % name_tok.text)
        return Probe(name_tok.text, name_tok.span, args, translated)

    def params(self, probe):
        args = []
        if self.peek().is_punct(")"):
            self.bump()
            return args
        if self.peek().is_ident("void") and self.peek_at(1).is_punct(")"):
            self.pos += 2
            return args
        while True:
            arg = self.param()
            if len(args) == MAX_PROBE_ARGS:
                phys = self.peek().phys_line
                for t in self.tokens:
                    if t.span.key() == arg.span.key():
                        phys = t.phys_line
                        break
                raise Failure(arg.span, "probe `%s` has more than %d arguments; SDT probes carry "
                                        "at most %d" % (probe, MAX_PROBE_ARGS, MAX_PROBE_ARGS), phys)
            args.append(arg)
            tok = self.peek()
            if tok.is_punct(","):
                self.bump()
                continue
            if tok.is_punct(")"):
                self.bump()
                return args
            raise self.unexpected_in_params(tok)

    def unexpected_in_params(self, tok):
        if tok.kind == EOF or (tok.kind == PUNCT and tok.text in (";", "{", "}")) or (
                tok.kind == IDENT and tok.text in ("probe", "provider")):
            return self.error_after_previous(
                "unbalanced brackets: missing `)` to close the parameter list (found %s)"
                % describe(tok))
        if tok.is_punct("["):
            return self.error_at(tok, "array parameters are not supported; use a pointer")
        if tok.is_punct("("):
            return self.error_at(tok, "function pointer parameters are not supported; use "
                                      "`void *` or a typedef name")
        return self.error_at(tok, "expected `,` or `)` in the parameter list, found %s"
                             % describe(tok))

    def param(self):
        first = self.peek()
        start = self.pos
        spec = TypeSpec()
        name = None
        type_end = self.pos
        qualifiers = {"const": "const", "__const": "const", "volatile": "volatile",
                      "__volatile__": "volatile", "restrict": "restrict",
                      "__restrict": "restrict", "__restrict__": "restrict"}
        counted = {"signed": "signed", "__signed__": "signed", "unsigned": "unsigned",
                   "char": "char", "short": "short", "int": "int", "long": "long",
                   "float": "float", "double": "double", "void": "void", "bool": "bool",
                   "_Bool": "bool", "__int128": "int128", "string": "string"}
        while True:
            tok = self.peek()
            if tok.kind == IDENT:
                word = tok.text
                after_pointer = bool(spec.pointers)
                if word == "string" and (after_pointer or spec.has_base()):
                    name = self.name("parameter").text
                    break
                if word in qualifiers:
                    qual = qualifiers[word]
                    if spec.pointers:
                        if qual not in spec.pointers[-1]:
                            spec.pointers[-1].append(qual)
                    elif qual == "const":
                        spec.is_const = True
                    elif qual == "volatile":
                        spec.is_volatile = True
                    else:
                        raise self.error_at(tok, "`restrict` applies only to a pointer (after `*`)")
                    self.bump()
                    type_end = self.pos
                    continue
                if word in counted:
                    if after_pointer:
                        raise self.error_at(tok, "unexpected `%s` after `*`" % word)
                    spec.count[counted[word]] += 1
                    self.bump()
                    type_end = self.pos
                    continue
                if word in ("struct", "union", "enum"):
                    if after_pointer or spec.has_base():
                        raise self.error_at(tok, "unexpected `%s` in a type that is already named"
                                            % word)
                    self.bump()
                    tag = self.peek()
                    if tag.is_punct("{"):
                        raise self.error_at(tag, "a `%s` cannot be defined in a parameter list; "
                                                 "declare it before the provider and name it here"
                                            % word)
                    if tag.kind != IDENT or tag.text in RESERVED:
                        raise self.error_at(tok, "incomplete type: `%s` needs a tag name (`%s NAME`), "
                                                 "found %s" % (word, word, describe(tag)))
                    self.bump()
                    spec.tagged = (word, tag.text)
                    type_end = self.pos
                    continue
                if after_pointer or spec.has_base():
                    name = self.name("parameter").text
                    break
                if word in RESERVED:
                    raise self.error_at(tok, "expected a type, found the reserved word `%s`" % word)
                nxt = self.peek_at(1)
                if not nxt.space_before and nxt.kind == STRAY:
                    raise self.error_at(tok, "invalid type name `%s%s`: names are ASCII letters, "
                                             "digits and `_`" % (tok.text, nxt.text))
                spec.typedef_name = word
                self.bump()
                type_end = self.pos
                continue
            if tok.is_punct("*"):
                if not spec.has_base():
                    raise self.error_at(tok, "expected a type before `*`")
                spec.pointers.append([])
                self.bump()
                type_end = self.pos
                continue
            if tok.is_punct("..."):
                raise self.error_at(tok, "variable argument lists (`...`) are not allowed in probe "
                                         "declarations")
            break
        nxt = self.peek()
        if nxt.is_punct("(") or nxt.is_punct("["):
            raise self.unexpected_in_params(nxt)
        if start == type_end:
            tok = self.peek()
            if tok.kind == NUMBER:
                raise self.error_at(tok, "invalid parameter: expected a type, found the number `%s`"
                                    % tok.text)
            if tok.kind == STRAY:
                raise self.error_at(tok, "unexpected character %s" % describe(tok))
            if tok.is_punct(",") or tok.is_punct(")"):
                raise self.error_at(tok, "expected a parameter type, found %s" % describe(tok))
            raise self.unexpected_in_params(tok)
        written = join_tokens(self.tokens[start:type_end])
        try:
            normalized, cls = spec.finish()
        except ValueError as why:
            raise self.error_at(first, "invalid type `%s`: %s" % (written, why))
        return Argument(written, normalized, cls, name, first.span)


def read_lines_of(path, cache):
    if path not in cache:
        try:
            with open(path, "rb") as f:
                text = f.read().decode("utf-8", "replace")
            if text.startswith("\ufeff"):
                text = text[1:]
            cache[path] = physical_lines(text)
        except (OSError, ValueError):
            cache[path] = None
    return cache[path]


def word_at(line, column):
    rest = line[max(column - 1, 0):]
    m = re.match(r"[A-Za-z0-9_]+", rest)
    if m:
        return m.group(0)
    if rest and not rest[0].isspace():
        return rest[0]
    return ""


def source_line_for(lines, line_map, files, phys, span):
    """The text of the line a span points at (the original file's, after -C)."""
    from_marker = phys < len(line_map) and line_map[phys][2]
    if not from_marker:
        return lines[phys] if phys < len(lines) else None
    original = read_lines_of(span.file, files)
    if original is None:
        return lines[phys] if phys < len(lines) else None
    index = span.line - 1
    return original[index] if 0 <= index < len(original) else None


def fill(error, lines, line_map, files, phys):
    """Sets the source line; after -C, moves the column back onto the
    original line when a macro expansion shifted it, and says so."""
    error.source_line = source_line_for(lines, line_map, files, phys, Span(error.file, error.line,
                                                                          error.column))
    from_marker = phys < len(line_map) and line_map[phys][2]
    original = error.source_line
    parsed = lines[phys] if phys < len(lines) else None
    if original is None or parsed is None or not from_marker or original == parsed:
        return
    rest = parsed[max(error.column - 1, 0):].rstrip()
    original_trimmed = original.rstrip()
    parsed_column = error.column
    if rest and original_trimmed.endswith(rest):
        error.column = len(original_trimmed) - len(rest) + 1
    written = word_at(original, error.column)
    expanded = word_at(parsed, parsed_column)
    if written and (written[0].isalpha() or written[0] == "_") and written.isascii() and \
            expanded and written != expanded:
        error.message += " (`%s` is a macro: the preprocessor turned it into `%s`)" % (
            written, expanded)


def decode(path, data):
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        good = data[: e.start].decode("utf-8")
        line = good.count("\n") + 1
        line_start = good.rfind("\n") + 1
        column = len(good[line_start:]) + 1
        raise ProviderError(path, line, column, "binary data: byte 0x%02x is not valid UTF-8 text"
                            % data[e.start], good[line_start:])


def check_binary(path, text):
    for index, line in enumerate(physical_lines(text)):
        for column, c in enumerate(line):
            if is_forbidden_control(c):
                raise ProviderError(path, index + 1, column + 1, control_message(c), line)


def parse_text(path, text, preprocessed=False):
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = physical_lines(text)
    files = {}
    try:
        lexed = Lexer(path, text).run()
    except Failure as f:
        error = ProviderError(f.span.file, f.span.line, f.span.column, f.message)
        error.source_line = lines[f.phys_line] if f.phys_line < len(lines) else None
        raise error
    parser = Parser(lexed.tokens)
    warnings = []
    if not preprocessed and lexed.directives:
        name, span, phys = lexed.directives[0]
        count = len(lexed.directives)
        others = " (and %d more directives)" % (count - 1) if count > 1 else ""
        warnings.append((span, "preprocessor directive `#%s` ignored%s; this file probably needs "
                               "-C (run the C preprocessor)" % (name, others), phys))
    try:
        parser.file()
        parser.check_macro_names()
        parser.apply_attributes()
    except Failure as f:
        error = ProviderError(f.span.file, f.span.line, f.span.column, f.message)
        fill(error, lines, lexed.line_map, files, f.phys_line)
        raise error
    warnings.extend(parser.warnings)
    warnings.sort(key=lambda w: w[2])
    shown = []
    for span, message, phys in warnings:
        w = ProviderError(span.file, span.line, span.column, message)
        fill(w, lines, lexed.line_map, files, phys)
        shown.append(str(w).replace(": error: ", ": warning: ", 1))
    return ProviderFile(path, parser.providers, shown)


class Preprocessor(object):
    """`dtrace -C`: $CPP when set, else the C compiler given (or cc) with -E."""

    def __init__(self, compiler=None):
        self.compiler = compiler
        self.args = []

    def command(self):
        cmd = os.environ.get("CPP", "").split()
        if not cmd:
            cmd = list(self.compiler) if self.compiler else (os.environ.get("CC", "").split() or ["cc"])
            cmd.append("-E")
        return cmd + ["-x", "c"] + self.args

    def run(self, path):
        cmd = self.command()
        cmd.append(os.path.join(".", path) if path.startswith("-") else path)
        shown = " ".join(cmd)
        try:
            res = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE)
        except OSError as e:
            raise OtherError("C preprocessor `%s` failed: %s" % (shown, e.strerror))
        if res.returncode != 0:
            raise OtherError("C preprocessor `%s` failed: %s (exit status: %d)"
                             % (shown, res.stderr.decode("utf-8", "replace").rstrip(),
                                res.returncode))
        try:
            return res.stdout.decode("utf-8")
        except UnicodeDecodeError:
            raise OtherError("C preprocessor `%s` failed: the output is not UTF-8 text" % shown)


def parse_file(path, preprocessor=None):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise OtherError("%s: %s" % (path, e.strerror))
    text = decode(path, data)
    if preprocessor is None:
        return parse_text(path, text)
    check_binary(path, text[1:] if text.startswith("\ufeff") else text)
    return parse_text(path, preprocessor.run(path), preprocessed=True)


# ---------------------------------------------------------------------------
# Headers.
# ---------------------------------------------------------------------------

def noop_header(model, source_name, output_name):
    """The header whose probe macros do nothing: the macros and arities of
    `probe-build header --flavor disabled`, under an include guard."""
    guard = "STATIC_PROBES_NOOP_" + re.sub(r"[^A-Za-z0-9]", "_", os.path.basename(output_name)).upper()
    out = ["/* Generated by StaticProbes (static_probes.py) from %s: probes disabled.\n"
           "   Each probe macro does nothing and does not evaluate its arguments\n"
           "   (they are type-checked under if (0)); each _ENABLED() macro is 0.\n"
           "   Do not edit. */\n" % os.path.basename(source_name).replace("*/", "* /"),
           "#ifndef %s\n#define %s\n" % (guard, guard)]
    for provider in model.providers:
        for probe in provider.probes:
            macro = provider.macro_name(probe)
            params = ["arg%d" % i for i in range(1, len(probe.args) + 1)]
            out.append("\n#define %s_ENABLED() (0)\n" % macro)
            out.append("#define %s(%s) \\\n" % (macro, ", ".join(params)))
            if params:
                out.append("do { if (0) {%s } } while (0)\n"
                           % "".join(" (void) (%s);" % p for p in params))
            else:
                out.append("do { } while (0)\n")
    out.append("\n#endif /* %s */\n" % guard)
    return "".join(out)


def write_atomically(path, data):
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix="." + os.path.basename(path) + ".",
                               suffix=".tmp")
    try:
        with os.fdopen(fd, "w" if isinstance(data, str) else "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def temp_output(path):
    """A fresh name beside PATH for a tool to write to, then renamed."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix="." + os.path.basename(path) + ".",
                               suffix=".tmp" + os.path.splitext(path)[1])
    os.close(fd)
    os.unlink(tmp)
    return tmp


# ---------------------------------------------------------------------------
# Running the tool.
# ---------------------------------------------------------------------------

def tool_command(tool):
    """The command that acts as `dtrace`: probe-build is called as
    `probe-build dtrace` (a link named dtrace to it needs nothing added)."""
    tool = list(tool)
    if not tool:
        raise OtherError("no dtrace tool given")
    if len(tool) == 1 and os.path.basename(tool[0]).startswith("probe-build"):
        tool.append("dtrace")
    return tool


def shown(cmd):
    return " ".join(shlex.quote(c) for c in cmd)


def run_tool(cmd, what, env=None, cwd=None):
    """Runs the tool, passing its messages through; a failure names WHAT
    (the output being made) and the command, with the tool's message."""
    try:
        res = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, env=env, cwd=cwd)
    except OSError as e:
        raise OtherError("%s: cannot run `%s`: %s" % (what, shown(cmd), e.strerror))
    out = res.stdout.decode("utf-8", "replace")
    if res.returncode != 0:
        sys.stderr.write(out)
        message = out.strip().splitlines()
        raise OtherError("%s: `%s` failed (exit status %d)%s" % (
            what, shown(cmd), res.returncode,
            ": " + message[-1] if message else ""), message[-1] if message else None)
    sys.stderr.write(out)
    return out


def tool_env(cc):
    """SystemTap's wrapper compiles its -G stub with $CC: the project's."""
    env = dict(os.environ)
    if cc:
        env["CC"] = shown(cc)
    return env


def cpp_flags(flags):
    """The -C/-I/-D/-U flags of DTRACEFLAGS, for our own reader."""
    args = Args([], cpp=True)
    rest = list(flags)
    i = 0
    while i < len(rest):
        a = rest[i]
        if a == "-C":
            args.cpp = True
        elif a in ("-I", "-D", "-U") and i + 1 < len(rest):
            args.cpp_args.append(a + rest[i + 1])
            i += 1
        elif a[:2] in ("-I", "-D", "-U"):
            args.cpp_args.append(a)
        i += 1
    return args


class Settings(object):
    """What configure found, as the generator passes it to every step."""

    OPTIONS = ("--mode", "--tool", "--flag", "--gflag", "--cc", "--cflag", "--enabled",
               "--probe-build", "--unused", "--check", "--dir", "--bits", "--kind", "--output",
               "--tracer", "--skip", "--provider", "-n", "--expect", "--expect-file")

    def __init__(self, argv, flags=()):
        self.args = Args(argv, flags=flags, values=self.OPTIONS)
        a = self.args
        self.mode = a.get("--mode", "off")
        self.tool = a.all("--tool")
        self.flags = a.all("--flag")
        self.gflags = a.all("--gflag")
        self.cc = a.all("--cc")
        self.cflags = a.all("--cflag")
        self.enabled = a.get("--enabled", "return")
        self.positional = a.positional

    def dtrace(self):
        return tool_command(self.tool) + self.flags


def generate_header(settings, provider, header):
    if settings.mode in ("off",):
        model = read_model(provider, cpp_flags(settings.flags), settings.cc or None)
        write_atomically(header, noop_header(model, provider, header))
        return
    tmp = temp_output(header)
    try:
        run_tool(settings.dtrace() + ["-h", "-s", provider, "-o", tmp], header,
                 env=tool_env(settings.cc))
        if not os.path.isfile(tmp) or os.path.getsize(tmp) == 0:
            raise OtherError("%s: `dtrace -h` wrote no header" % header)
        os.replace(tmp, header)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def generate_stub(settings, provider, obj):
    tmp = temp_output(obj)
    try:
        run_tool(settings.dtrace() + settings.gflags + ["-G", "-s", provider, "-o", tmp], obj,
                 env=tool_env(settings.cc))
        if not os.path.isfile(tmp) or os.path.getsize(tmp) == 0:
            raise OtherError("%s: `dtrace -G` wrote no object" % obj)
        os.replace(tmp, obj)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


# Where `dtrace -G` rewrites the objects that hold probe sites (illumos,
# Solaris, FreeBSD, Oracle's DTrace for Linux), Meson gives no step between
# compiling a target's sources and linking them. So each probe site lives
# in a small hidden function of the target's own probe object, compiled
# here and rewritten by -G here: the macros call it (one call per probe,
# arguments as uintptr_t, which is what DTrace reads from each argument
# slot). The Rust front door does the same on those systems, for the same
# reason. Projects that want the sites in their own functions run -G over
# their objects themselves (docs/meson.md, PostgreSQL's shape).

def shim_names(provider, probe):
    """The tool's site symbols (dt_program.c's spelling) and ours."""
    prov = provider.name.replace("-", "__")
    name = probe.name
    return ("__dtrace_%s___%s" % (prov, name), "__dtraceenabled_%s___%s" % (prov, name),
            "__static_probes_%s___%s" % (prov, name),
            "__static_probes_enabled_%s___%s" % (prov, name))


def shim_header(model, source_name, output_name):
    guard = "STATIC_PROBES_SHIM_" + re.sub(r"[^A-Za-z0-9]", "_",
                                           os.path.basename(output_name)).upper()
    out = ["/* Generated by StaticProbes (static_probes.py) from %s for a dtrace\n"
           "   that rewrites objects: each probe macro calls a hidden function of\n"
           "   this target's probe object, whose probe site dtrace -G rewrote.\n"
           "   Do not edit. */\n" % os.path.basename(source_name).replace("*/", "* /"),
           "#ifndef %s\n#define %s\n\n#include <stdint.h>\n\n" % (guard, guard),
           "#if defined(__GNUC__) && !defined(_WIN32)\n"
           "#define STATIC_PROBES_SHIM_API __attribute__((visibility(\"hidden\")))\n"
           "#else\n#define STATIC_PROBES_SHIM_API\n#endif\n\n"
           "#ifdef __cplusplus\nextern \"C\" {\n#endif\n"]
    for provider in model.providers:
        for probe in provider.probes:
            _, _, fire, enabled = shim_names(provider, probe)
            n = len(probe.args)
            macro = provider.macro_name(probe)
            params = ", ".join("arg%d" % i for i in range(1, n + 1))
            casts = ", ".join("(uintptr_t) (arg%d)" % i for i in range(1, n + 1))
            out.append("\nextern STATIC_PROBES_SHIM_API void %s(%s);\n"
                       % (fire, ", ".join(["uintptr_t"] * n) or "void"))
            out.append("extern STATIC_PROBES_SHIM_API int %s(void);\n" % enabled)
            out.append("#define %s_ENABLED() \\\n%s()\n" % (macro, enabled))
            out.append("#define %s(%s) \\\n%s(%s)\n" % (macro, params, fire, casts))
    out.append("\n#ifdef __cplusplus\n}\n#endif\n\n#endif /* %s */\n" % guard)
    return "".join(out)


def shim_source(model, enabled_convention):
    out = ["/* Probe sites for StaticProbes' Meson subproject; dtrace -G rewrites them. */\n"
           "#include <stdint.h>\n"
           "#if defined(__GNUC__)\n"
           "#define SHIM __attribute__((noinline, used, visibility(\"hidden\")))\n"
           "/* Code after the site keeps it a call, not a tail jump. */\n"
           "#define AFTER_SITE __asm__ __volatile__(\"\")\n"
           "#else\n#define SHIM\n#define AFTER_SITE\n#endif\n"]
    for provider in model.providers:
        for probe in provider.probes:
            site, site_enabled, fire, enabled = shim_names(provider, probe)
            n = len(probe.args)
            params = ", ".join("uintptr_t a%d" % i for i in range(n)) or "void"
            names = ", ".join("a%d" % i for i in range(n))
            out.append("\nextern void %s(%s);\n" % (site, ", ".join(["uintptr_t"] * n) or "void"))
            out.append("SHIM void %s(%s)\n{\n  %s(%s);\n  AFTER_SITE;\n}\n"
                       % (fire, params, site, names))
            if enabled_convention == "flag":
                # Oracle's DTrace: the is-enabled site writes a flag.
                out.append("extern void %s(uint32_t *);\n" % site_enabled)
                out.append("SHIM int %s(void)\n{\n  uint32_t flag = 0;\n  %s(&flag);\n"
                           "  AFTER_SITE;\n  return flag != 0;\n}\n" % (enabled, site_enabled))
            else:
                out.append("extern int %s(void);\n" % site_enabled)
                out.append("SHIM int %s(void)\n{\n  int on = %s();\n  AFTER_SITE;\n"
                           "  return on;\n}\n" % (enabled, site_enabled))
    return "".join(out)


def retarget_none_relocations(path):
    """After -G, each site's relocation is a NONE relocation, which GNU ld
    refuses in a PIE when its symbol is absolute (Oracle's -G leaves one):
    point those at symbol 0. Only our own shim object is touched."""
    import struct
    with open(path, "rb") as f:
        data = bytearray(f.read())
    if data[:4] != b"\x7fELF":
        return
    is64 = data[4] == 2
    end = "<" if data[5] == 1 else ">"
    if is64:
        shoff, = struct.unpack_from(end + "Q", data, 0x28)
        shentsize, shnum = struct.unpack_from(end + "HH", data, 0x3A)
    else:
        shoff, = struct.unpack_from(end + "I", data, 0x20)
        shentsize, shnum = struct.unpack_from(end + "HH", data, 0x2E)
    changed = False
    for i in range(shnum):
        h = shoff + i * shentsize
        if is64:
            sh_type, = struct.unpack_from(end + "I", data, h + 4)
            off, size = struct.unpack_from(end + "QQ", data, h + 0x18)
            entsize, = struct.unpack_from(end + "Q", data, h + 0x38)
        else:
            sh_type, = struct.unpack_from(end + "I", data, h + 4)
            off, size = struct.unpack_from(end + "II", data, h + 0x10)
            entsize, = struct.unpack_from(end + "I", data, h + 0x24)
        if sh_type not in (4, 9) or not entsize:
            continue
        for e in range(off, off + size, entsize):
            if is64:
                info, = struct.unpack_from(end + "Q", data, e + 8)
                if info & 0xFFFFFFFF == 0 and info >> 32:
                    struct.pack_into(end + "Q", data, e + 8, 0)
                    changed = True
            else:
                info, = struct.unpack_from(end + "I", data, e + 4)
                if info & 0xFF == 0 and info >> 8:
                    struct.pack_into(end + "I", data, e + 4, 0)
                    changed = True
    if changed:
        write_atomically(path, bytes(data))


def generate_shim(settings, provider, header, obj):
    model = read_model(provider, cpp_flags(settings.flags), settings.cc or None)
    if not settings.cc:
        raise OtherError("%s: no C compiler given (--cc) to compile the probe sites" % obj)
    work = tempfile.mkdtemp(prefix=".static-probes.", dir=os.path.dirname(os.path.abspath(obj)))
    try:
        src = os.path.join(work, "sites.c")
        with open(src, "w") as f:
            f.write(shim_source(model, settings.enabled))
        sites = os.path.join(work, "sites.o")
        run_tool(settings.cc + settings.cflags + ["-fPIC", "-O1", "-c", src, "-o", sites],
                 obj + " (its probe sites)")
        dof = os.path.join(work, "dof.o")
        run_tool(settings.dtrace() + settings.gflags +
                 ["-G", "-s", os.path.abspath(provider), "-o", dof, sites], obj,
                 env=tool_env(settings.cc), cwd=work)
        if not os.path.isfile(dof):
            raise OtherError("%s: `dtrace -G` wrote no object" % obj)
        retarget_none_relocations(sites)
        combined = os.path.join(work, "combined.o")
        run_tool(settings.cc + settings.cflags + ["-r", "-nostdlib", "-o", combined, sites, dof],
                 obj + " (joining the sites and dtrace -G's object)")
        write_atomically(header, shim_header(model, provider, header))
        os.replace(combined, obj)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def generate_main(argv):
    settings = Settings(argv)
    pos = settings.positional
    need = {"off": 2, "none": 2, "stub": 3, "rewrite": 3}.get(settings.mode)
    if need is None:
        fail("unknown --mode %s" % settings.mode, 2)
    if len(pos) != need:
        fail("usage: %s generate --mode %s [settings] FILE.d OUTPUT.h%s"
             % (ME, settings.mode, " OUTPUT.o" if need == 3 else ""), 2)
    provider = pos[0]
    if not os.path.isfile(provider):
        raise OtherError("%s: no such provider file" % provider)
    if settings.mode == "rewrite":
        generate_shim(settings, provider, pos[1], pos[2])
        return 0
    # Our reader first, whatever the tool: a broken file stops here with
    # FILE:LINE:COL, even with a tool that would take it (SystemTap's
    # wrapper drops what it cannot parse).
    if settings.mode != "off":
        read_model(provider, cpp_flags(settings.flags), settings.cc or None)
    generate_header(settings, provider, pos[1])
    if settings.mode == "stub":
        generate_stub(settings, provider, pos[2])
    return 0


# `objects`: dtrace -G over a target's objects, for projects that keep
# PostgreSQL's shape (a custom_target over extract_all_objects()). In
# rewrite mode the objects are rewritten in place, so a pristine copy of
# each is kept (OBJ.sp-orig) and restored when the object on disk is the one
# this step rewrote last time (its SHA-256 in OBJ.sp-rewritten): relinking
# without recompiling works. Each rewritten object gets its compile time
# back, or Ninja would find it newer than its recorded dependencies.

def sha256(path):
    import hashlib
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def objects_main(argv):
    settings = Settings(argv)
    pos = settings.positional
    output = settings.args.get("--output")
    if not output or not pos:
        fail("usage: %s objects [settings] --output OUTPUT.o FILE.d OBJECT..." % ME, 2)
    provider, objects = pos[0], pos[1:]
    if settings.mode == "stub":
        generate_stub(settings, provider, output)
        return 0
    if settings.mode != "rewrite":
        raise OtherError("%s: this dtrace needs no -G object (mode %s); make the custom_target "
                         "only when static_probes_mode is 'stub' or 'rewrite'"
                         % (output, settings.mode))
    if not objects:
        raise OtherError("%s: no objects to run dtrace -G over" % output)
    for o in objects:
        if not os.path.isfile(o):
            raise OtherError("%s: no such object" % o)
        orig, stamp = o + ".sp-orig", o + ".sp-rewritten"
        rewritten = ""
        if os.path.exists(stamp):
            with open(stamp) as f:
                rewritten = f.read().strip()
        if os.path.exists(orig) and rewritten == sha256(o):
            shutil.copy2(orig, o)
        else:
            shutil.copy2(o, orig)
    tmp = temp_output(output)
    try:
        run_tool(settings.dtrace() + settings.gflags + ["-G", "-s", provider, "-o", tmp] + objects,
                 output, env=tool_env(settings.cc))
        if not os.path.isfile(tmp):
            raise OtherError("%s: `dtrace -G` wrote no object" % output)
    except BaseException:
        for o in objects:
            shutil.copy2(o + ".sp-orig", o)
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    for o in objects:
        st = os.stat(o + ".sp-orig")
        os.utime(o, ns=(st.st_atime_ns, st.st_mtime_ns))
        with open(o + ".sp-rewritten", "w") as f:
            f.write(sha256(o) + "\n")
    os.replace(tmp, output)
    return 0


# ---------------------------------------------------------------------------
# Configure-time trials: `try STEP`, each printing `yes` or `no` on its
# first line, then what it found (one value a line), or why not.
# ---------------------------------------------------------------------------

CONFTEST_D = """/* StaticProbes' test provider for configure. */
provider static_probes_conftest {
\tprobe ping(int, char *);
\tprobe tick();
};
"""


def answer(found, *lines):
    print("yes" if found else "no")
    for line in lines:
        print(line)
    return 0


def first_words(text, limit=300):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def try_main(argv):
    if not argv:
        fail("usage: %s try header|stub|rewrite|tracer [settings]" % ME, 2)
    step = argv[0]
    settings = Settings(argv[1:])
    if step == "tracer":
        # probe-build's own binary (the tool may be a link named dtrace to
        # it), and whether it has the trace command.
        pb = find_probe_build(settings)
        if not pb:
            return answer(False, "probe-build was not found (on PATH, or as [binaries] "
                                 "probe-build in a machine file)")
        try:
            res = subprocess.run([pb, "trace", "--help"], stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except OSError as e:
            return answer(False, "%s cannot run: %s" % (pb, e.strerror))
        if res.returncode != 0:
            return answer(False, "%s has no trace command (an older probe-build)" % pb)
        return answer(True, pb)
    work = settings.args.get("--dir")
    if not work:
        fail("try: --dir is required", 2)
    os.makedirs(work, exist_ok=True)
    provider = os.path.join(work, "conftest.d")
    with open(provider, "w") as f:
        f.write(CONFTEST_D)
    if step == "header":
        # -h, retried with -xnolibs (a DTrace that cannot load its D libraries).
        header = os.path.join(work, "conftest_probes.h")
        first_error = ""
        for extra in ([], ["-xnolibs"]):
            trial = Settings(argv[1:] + sum((["--flag", x] for x in extra), []))
            trial.mode = "none"
            try:
                with open(os.devnull, "w") as quiet:
                    saved, sys.stderr = sys.stderr, quiet
                    try:
                        generate_header(trial, provider, header)
                    finally:
                        sys.stderr = saved
            except OtherError as e:
                first_error = first_error or e.tool_message or str(e)
                continue
            with open(header, encoding="utf-8", errors="replace") as f:
                text = f.read()
            return answer(True, tool_kind(settings.tool, text), " ".join(extra),
                          enabled_convention(text))
        return answer(False, first_words(first_error))
    if step == "stub":
        obj = os.path.join(work, "conftest_stub.o")
        try:
            quietly(generate_stub, settings, provider, obj)
        except OtherError as e:
            return answer(False, first_words(e.tool_message or str(e)))
        return answer(True, obj)
    if step == "rewrite":
        bits = settings.args.get("--bits", "")
        errors = []
        for gflags in ([], ["-" + bits] if bits else []):
            trial = Settings(argv[1:] + sum((["--gflag", g] for g in gflags), []))
            out = os.path.join(work, "rewrite" + "".join(gflags))
            os.makedirs(out, exist_ok=True)
            header, obj = os.path.join(out, "conftest_probes.h"), os.path.join(out, "conftest_probes.o")
            try:
                quietly(generate_shim, trial, provider, header, obj)
            except OtherError as e:
                errors.append(e.tool_message or str(e))
                continue
            return answer(True, out, " ".join(gflags))
        return answer(False, first_words(errors[0] if errors else "no trial"))
    fail("try: unknown step %s" % step, 2)


def quietly(fn, *args):
    with open(os.devnull, "w") as quiet:
        saved, sys.stderr = sys.stderr, quiet
        try:
            return fn(*args)
        finally:
            sys.stderr = saved


def tool_kind(tool, header_text):
    exe = os.path.basename(os.path.realpath(tool[0])) if tool else ""
    if exe.startswith("probe-build") or "probe-build" in header_text or \
            "StaticProbes" in header_text:
        return "probe-build"
    if "sys/sdt.h" in header_text or "ystemtap" in header_text:
        return "systemtap"
    return "dtrace"


def enabled_convention(header_text):
    """How the tool's is-enabled site reports: illumos' returns the value;
    Oracle's DTrace for Linux writes a flag through a pointer."""
    if re.search(r"__dtraceenabled_\w+\s*\(\s*uint32_t\s*\*", header_text):
        return "flag"
    return "return"


# ---------------------------------------------------------------------------
# The post-link check: `probe-build list --check PROVIDER.d FILE...`, as a
# Meson test. Exit 77 (skipped) when there is nothing it can check.
# ---------------------------------------------------------------------------

SKIP = 77


def find_probe_build(settings):
    """probe-build's own binary: the one configure named (the tool, when it
    is probe-build or a link to it), else probe-build on PATH."""
    for path in (settings.args.get("--probe-build"), shutil.which("probe-build")):
        if path and os.path.basename(os.path.realpath(path)).startswith("probe-build"):
            return os.path.realpath(path)
    return None


def check_main(argv):
    settings = Settings(argv)
    pos = settings.positional
    if len(pos) < 2:
        fail("usage: %s check [settings] [--unused PROVIDER:NAME]... FILE.d FILE..." % ME, 2)
    provider, files = pos[0], pos[1:]
    if settings.args.get("--check", "on") == "off":
        print("skipped: the probe check is turned off (-Dstatic-probes:probe_check=disabled)")
        return SKIP
    if settings.mode == "off":
        print("skipped: static probes are off")
        return SKIP
    if settings.mode == "rewrite":
        # probe-build list reads the DOF, but each target's probe object
        # holds a site for every probe whether the code fires it or not:
        # every probe always has a site, so the check could not fail.
        print("skipped: with a dtrace that rewrites objects (mode rewrite), each target's probe "
              "object has a site for every declared probe, so the check could not fail")
        return SKIP
    if settings.mode == "none":
        print("skipped: the system linker makes the probes (mode none); not checked")
        return SKIP
    pb = find_probe_build(settings)
    if not pb:
        print("skipped: probe-build is not installed (it runs the check)")
        return SKIP
    # probe-build refuses an --unused name the provider does not declare,
    # so the list cannot go stale.
    unused = []
    for u in settings.args.all("--unused"):
        unused += ["--unused", u]
    flags = ["-C"] if cpp_flags(settings.flags).cpp else []
    flags += cpp_flags(settings.flags).cpp_args
    cmd = [pb, "list", "--check", provider] + unused + flags + files
    try:
        res = subprocess.run(cmd, stdin=subprocess.DEVNULL)
    except OSError as e:
        fail("cannot run `%s`: %s" % (shown(cmd), e.strerror))
    return 1 if res.returncode != 0 else 0


# ---------------------------------------------------------------------------
# Trace tests: a program run under `probe-build trace` (ptrace, as the user
# running meson test: no root, no kernel tracer), every probe hit compared,
# in order, with the expected lines. Exit 77 (skipped) where the tracer
# cannot run: configure's reason (--skip), or ptrace refused here.
# ---------------------------------------------------------------------------

def first_difference(expected, traced):
    for i in range(max(len(expected), len(traced))):
        want = expected[i] if i < len(expected) else "(nothing)"
        got = traced[i] if i < len(traced) else "(nothing)"
        if want != got:
            return "line %d: expected `%s`, traced `%s`" % (i + 1, want, got)
    return None


def trace_main(argv):
    settings = Settings(argv)
    a = settings.args
    command = settings.positional
    expected = list(a.all("--expect"))
    for path in a.all("--expect-file"):
        try:
            with open(path, encoding="utf-8") as f:
                expected += [l.rstrip("\r\n") for l in f if l.strip() and not l.startswith("#")]
        except OSError as e:
            fail("--expect-file %s: %s" % (path, e.strerror))
    if not command:
        fail("usage: %s trace [--provider FILE.d]... [-n PROVIDER:NAME]... [--expect LINE]... "
             "[--expect-file FILE] -- PROGRAM ARG..." % ME, 2)
    if not expected:
        fail("trace: no --expect line and no --expect-file: say which probe hits you expect", 2)
    skip = a.get("--skip")
    if skip:
        print("skipped: %s" % skip)
        return SKIP
    tracer = a.get("--tracer")
    if not tracer:
        fail("trace: no --tracer and no --skip (run it through static_probes_trace)", 2)
    cmd = [tracer, "trace"]
    providers = a.all("--provider")
    for provider in providers:
        cmd += ["--provider", provider]
    if providers:
        pre = cpp_flags(settings.flags)
        cmd += (["-C"] if pre.cpp else []) + pre.cpp_args
    for name in a.all("-n"):
        cmd += ["-n", name]
    folder = tempfile.mkdtemp(prefix="static-probes-trace.")
    try:
        out_file = os.path.join(folder, "trace.txt")
        cmd += ["-o", out_file, "--"] + command
        try:
            res = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE)
        except OSError as e:
            fail("cannot run `%s`: %s" % (shown(cmd), e.strerror))
        traced = []
        if os.path.exists(out_file):
            with open(out_file, encoding="utf-8", errors="replace") as f:
                traced = f.read().splitlines()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    err = res.stderr.decode("utf-8", "replace")
    program_out = res.stdout.decode("utf-8", "replace") + err
    refused = re.search(r"^probe-build: error: (cannot trace the program.*)$", err, re.M)
    if res.returncode != 0 and refused:
        print("skipped: ptrace is not allowed here: %s" % refused.group(1))
        return SKIP
    difference = first_difference(expected, traced)
    if res.returncode == 0 and difference is None:
        print("`%s`: %d probe hits, as expected:" % (shown(cmd), len(traced)))
        for line in traced:
            print("  " + line)
        return 0
    report = ["%s: error: the probes did not fire as expected: `%s`" % (ME, shown(cmd))]
    if res.returncode != 0:
        report.append("exit status: %d" % res.returncode)
    if difference:
        report.append(difference)
    report.append("expected:")
    report += ["  " + l for l in expected]
    report.append("traced:")
    report += ["  " + l for l in traced]
    report.append("the program's (and the tracer's) output:")
    report.append(program_out.rstrip("\n"))
    sys.stderr.write("\n".join(report) + "\n")
    return 1


# ---------------------------------------------------------------------------
# `validate`: the subproject's postconf script. After `meson setup` has
# written build.ninja, every provider file a static_probes_gen step reads
# is read now, so a broken one is reported at setup time (Meson 1.3 and
# later stop there; older versions carry on, and the first build step
# stops with the same message). Providers that a build step generates do
# not exist yet; their own step reads them.
# ---------------------------------------------------------------------------

def ninja_unescape(text):
    return re.sub(r"\$(.)", r"\1", text)


def validate_main(argv):
    build = os.environ.get("MESON_BUILD_ROOT") or (argv[0] if argv else "")
    if not build:
        fail("validate: MESON_BUILD_ROOT is not set (run as a postconf script)", 2)
    try:
        with open(os.path.join(build, "build.ninja"), encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError as e:
        fail("validate: cannot read build.ninja: %s" % e.strerror)
    me = os.path.basename(__file__)
    seen = set()
    failed = False
    for line in lines:
        line = line.strip()
        if not line.startswith("COMMAND = ") or me not in line or " generate " not in line:
            continue
        try:
            words = shlex.split(ninja_unescape(line[len("COMMAND = "):]))
        except ValueError:
            continue
        if "generate" not in words or "--" not in words:
            continue
        settings = Settings(words[words.index("generate") + 1:])
        if not settings.positional:
            continue
        provider = os.path.normpath(os.path.join(build, settings.positional[0]))
        key = (provider, tuple(settings.flags))
        if key in seen or not os.path.isfile(provider):
            continue
        seen.add(key)
        try:
            quietly(read_model, provider, cpp_flags(settings.flags), settings.cc or None)
        except ProviderError as e:
            sys.stderr.write(str(e) + "\n")
            failed = True
        except OtherError as e:
            sys.stderr.write("%s: error: %s\n" % (ME, e))
            failed = True
    return 1 if failed else 0


# ---------------------------------------------------------------------------
# Command line.
# ---------------------------------------------------------------------------

def fail(message, status=1):
    sys.stderr.write("%s: error: %s\n" % (ME, message))
    sys.exit(status)


class Args(object):
    """A small option reader: long options with values may repeat."""

    def __init__(self, argv, flags=(), values=(), cpp=False):
        self.flags = set()
        self.values = {}
        self.positional = []
        self.cpp = False
        self.cpp_args = []
        i = 0
        while i < len(argv):
            a = argv[i]
            i += 1
            if a == "--":
                self.positional.extend(argv[i:])
                break
            if cpp and a == "-C":
                self.cpp = True
                continue
            if cpp and a[:2] in ("-I", "-D", "-U"):
                value = a[2:]
                if value == "":
                    if i >= len(argv):
                        fail("option %s needs a value" % a, 2)
                    value = argv[i]
                    i += 1
                self.cpp_args.append(a[:2] + value)
                continue
            if a in flags:
                self.flags.add(a)
                continue
            if a in values:
                if i >= len(argv):
                    fail("option %s needs a value" % a, 2)
                self.values.setdefault(a, []).append(argv[i])
                i += 1
                continue
            if a.startswith("-") and a != "-" and not self.positional:
                fail("unknown option %s" % a, 2)
            self.positional.append(a)

    def get(self, name, default=None):
        v = self.values.get(name)
        return v[-1] if v else default

    def all(self, name):
        return self.values.get(name, [])


def read_model(path, args, compiler=None):
    pre = None
    if args.cpp:
        pre = Preprocessor(compiler)
        pre.args = list(args.cpp_args)
    model = parse_file(path, pre)
    for w in model.warnings:
        sys.stderr.write(w + "\n")
    return model


def read_main(argv):
    args = Args(argv, flags=("--json",), cpp=True)
    if len(args.positional) != 1:
        fail("usage: %s read [--json] [-C] [-I DIR] [-D NAME[=VALUE]] [-U NAME] FILE.d" % ME, 2)
    path = args.positional[0]
    model = read_model(path, args)
    if "--json" in args.flags:
        doc = {"file": path, "providers": []}
        for provider in model.providers:
            doc["providers"].append({
                "name": provider.name,
                "probes": [{
                    "name": p.name,
                    "macro": provider.macro_name(p),
                    "arity": len(p.args),
                    "line": p.span.line,
                    "column": p.span.column,
                    "types": [a.normalized for a in p.args],
                } for p in provider.probes],
            })
        print(json.dumps(doc, indent=1))
    else:
        for provider in model.providers:
            for p in provider.probes:
                print("%s:%s %d %s" % (provider.name, p.name, len(p.args), provider.macro_name(p)))
    return 0


def noop_header_main(argv):
    args = Args(argv, cpp=True)
    if len(args.positional) != 2:
        fail("usage: %s noop-header [-C ...] FILE.d OUTPUT.h" % ME, 2)
    path, output = args.positional
    model = read_model(path, args)
    write_atomically(output, noop_header(model, path, output))
    return 0


COMMANDS = {
    "read": read_main,
    "noop-header": noop_header_main,
    "generate": generate_main,
    "objects": objects_main,
    "try": try_main,
    "check": check_main,
    "trace": trace_main,
    "validate": validate_main,
}


def main(argv):
    if len(argv) < 2 or argv[1] not in COMMANDS:
        fail("usage: %s %s ARGS..." % (ME, "|".join(sorted(COMMANDS))), 2)
    try:
        return COMMANDS[argv[1]](argv[2:])
    except ProviderError as e:
        sys.stderr.write(str(e) + "\n")
        return 1
    except OtherError as e:
        sys.stderr.write("%s: error: %s\n" % (ME, e))
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
