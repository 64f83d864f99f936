#! /bin/sh
# static-probes.sh: the build steps behind StaticProbes' autoconf support.
#
#   static-probes.sh header      PROVIDER.d OUTPUT.h
#   static-probes.sh noop-header PROVIDER.d OUTPUT.h
#   static-probes.sh object      PROVIDER.d OUTPUT.o  OBJECT.o|ARCHIVE.a...
#   static-probes.sh ltobject    PROVIDER.d OUTPUT.lo OBJECT.lo...
#   static-probes.sh link        LINK-COMMAND...
#   static-probes.sh post-link-check PROGRAM|LIBRARY.la...
#   static-probes.sh trace-test  FILE.trace
#
# `header` reads the provider file with its own strict reader (the same
# rules as the project's Rust reader) and, when STATIC_PROBES=yes, runs
# `$DTRACE $DTRACEFLAGS -h` and checks that the tool's header defines every
# declared probe's macro with its arity; otherwise it writes the no-op
# header itself (`noop-header` always does), with POSIX sh and awk only: a
# build without probes needs no DTrace, no SystemTap and no Rust.
# `object` runs `$DTRACE $DTRACEFLAGS $STATIC_PROBES_GFLAGS -G` over the
# objects that hold probe sites. With STATIC_PROBES_G_MODE=rewrite (the
# Solaris, illumos and FreeBSD dtrace, which rewrites the objects' probe
# calls in place) the compiler's output is kept as OBJECT.sp-orig.o and -G
# always starts again from it, so a rebuild after a partial change works.
# `ltobject` does the same for libtool objects: -G over the PIC objects and
# over the non-PIC ones, then writes OUTPUT.lo naming both results.
# `link` runs a link command (automake's $(LINK), with or without libtool)
# after making the probe objects of the provider files
# (STATIC_PROBES_PROVIDER_FILES, relative to $top_srcdir) whose probes the
# objects and archives on the command line use, and adds them to it.
# `post-link-check` runs `$STATIC_PROBES_LIST --check` (probe-build list)
# for each provider file over the programs and shared libraries together.
# `trace-test` runs a program under `probe-build trace` and compares the
# probes it fired, with their arguments, with the lines a test file gives.
#
# The make rules in static-probes.am set the environment from configure's
# results: STATIC_PROBES (yes|no), STATIC_PROBES_G_MODE (none|stub|rewrite),
# DTRACE, DTRACEFLAGS, STATIC_PROBES_GFLAGS (-G only), STATIC_PROBES_HFLAGS
# (-h only), STATIC_PROBES_HEADER_CMD (a command writing the headers in
# place of `$DTRACE -h`: probe-build's, for Oracle's DTrace),
# STATIC_PROBES_OBJCOPY (run over each object -G rewrote),
# STATIC_PROBES_NO_PIE (yes: programs link with -no-pie),
# STATIC_PROBES_PROVIDER_FILES, top_srcdir, STATIC_PROBES_POSTLINK,
# STATIC_PROBES_LIST, STATIC_PROBES_UNUSED, STATIC_PROBES_TRACE,
# STATIC_PROBES_TRACER, STATIC_PROBES_TRACE_REASON, LIBTOOL (for
# trace-test), and AWK (a POSIX awk: on Solaris /usr/bin/awk is
# not one; configure's AC_PROG_AWK finds nawk). Outputs are written to a
# temporary file and renamed, so a failed step leaves no half-written file.
#
# This file is part of StaticProbes; copying and distribution of this file,
# with or without modification, are permitted in any medium without royalty
# provided the copyright notice and this notice are preserved. This file is
# offered as-is, without any warranty.

me=static-probes.sh

die () {
  echo "$me: error: $*" >&2
  exit 1
}

usage () {
  echo "usage: $me header|noop-header PROVIDER.d OUTPUT.h" >&2
  echo "       $me object PROVIDER.d OUTPUT.o OBJECT.o..." >&2
  echo "       $me ltobject PROVIDER.d OUTPUT.lo OBJECT.lo..." >&2
  echo "       $me link LINK-COMMAND..." >&2
  echo "       $me post-link-check PROGRAM|LIBRARY.la..." >&2
  echo "       $me trace-test FILE.trace" >&2
  exit 2
}

# The provider-file reader, in POSIX awk (run with LC_ALL=C, so that it
# sees bytes): the no-op header (MODE=header, on standard output) or the
# list of probes (MODE=list: "MACRO ARITY CONDITIONAL LINE COLUMN
# PROVIDER:PROBE" per probe, CONDITIONAL 1 for a probe under #if).
#
#   read_provider MODE PROVIDER.d [OUTPUT.h]
#
# It follows the project's Rust reader (crates/probe-provider) rule for
# rule, so that every front door accepts and refuses the same files, at the
# same line and column (tests/readers/compare checks it): first UTF-8
# validity, then the lexer (comments, literals, control characters, # lines),
# then the grammar, stopping at the first error, reported as
# FILE:LINE:COL: error: MESSAGE. It also refuses what issue 9 of the project
# refuses (a struct or union passed by value, long double, __int128: a probe
# argument is a scalar of at most 8 bytes), and two probes that would give
# the same C macro (a__b and a_b). Preprocessor lines are skipped, as the
# Rust reader does without -C: probes under #if are all declared (harmless
# for no-op macros; marked CONDITIONAL in the list).
read_provider () {
  rp_endnl=0
  if test -s "$2" && test -z "`tail -c 1 "$2" | tr -d '\r\n'`"; then
    rp_endnl=1
  fi
  LC_ALL=C ${AWK:-awk} -v mode="$1" -v file="$2" -v output="${3-}" -v endnl=$rp_endnl '
function fail(f, line, col, msg) {
  printf "%s:%d:%d: error: %s\n", f, line, col, msg | "cat 1>&2"
  close("cat 1>&2")
  failed = 1
  exit 1
}
# The column (in characters) of byte b of s.
function ccol(s, b,    t, n) {
  if (s !~ /[\200-\377]/) return b
  t = substr(s, 1, b - 1)
  n = gsub(/[\200-\277]/, "", t)
  return b - n
}
# Index of the first control character of t that no provider file may hold
# (all but tab, vertical tab and form feed), or 0.
function first_ctl(t,    a, b) {
  a = match(t, /[^\001-\377]/) ? RSTART : 0
  b = match(t, /[\001\002\003\004\005\006\007\010\016-\037\177]/) ? RSTART : 0
  if (a && (!b || a < b)) return a
  return b
}
function ctl_message(c) {
  return sprintf("binary data: control character 0x%02x is not allowed in a provider file", c == "" ? 0 : ord[c])
}
# Fails at the first control character of s from byte p to byte q.
function check_ctl(s, p, q,    k) {
  k = first_ctl(substr(s, p, q - p + 1))
  if (k) fail(fname, line, ccol(s, p + k - 1), ctl_message(substr(s, p + k - 1, 1)))
}
function check_utf8(    r, s, t, base, p, b, need, lo, hi, k, cb, ok) {
  for (r = 1; r <= nrec; r++) {
    s = rec[r]
    base = 0
    t = s
    while (match(t, /[\200-\377]/)) {
      p = base + RSTART
      b = ord[substr(s, p, 1)]
      need = 0; lo = 128; hi = 191
      if (b >= 194 && b <= 223) need = 1
      else if (b == 224) { need = 2; lo = 160 }
      else if (b >= 225 && b <= 236) need = 2
      else if (b == 237) { need = 2; hi = 159 }
      else if (b == 238 || b == 239) need = 2
      else if (b == 240) { need = 3; lo = 144 }
      else if (b >= 241 && b <= 243) need = 3
      else if (b == 244) { need = 3; hi = 143 }
      ok = need > 0
      for (k = 1; ok && k <= need; k++) {
        cb = ord[substr(s, p + k, 1)] + 0
        if (k == 1 ? (cb < lo || cb > hi) : (cb < 128 || cb > 191)) ok = 0
      }
      if (!ok) fail(file, r, ccol(s, p), sprintf("binary data: byte 0x%02x is not valid UTF-8 text", b))
      base = p + need
      t = substr(s, base + 1)
    }
  }
}
function newline() {
  if (pending) { line = pline; fname = pfile; pending = 0 }
  else line++
  sbefore = 1
}
function addtok(kind, text, col, endcol) {
  ntok++
  K[ntok] = kind; T[ntok] = text; LN[ntok] = line; CO[ntok] = col; EC[ntok] = endcol
  FN[ntok] = fname; SB[ntok] = sbefore; CD[ntok] = (cdepth > 0)
  sbefore = 0
}
function strip_comments(t,    out, i, after, body, e) {
  out = ""
  while ((i = index(t, "/")) > 0) {
    after = substr(t, i + 1)
    if (substr(after, 1, 1) == "/") return out substr(t, 1, i - 1)
    if (substr(after, 1, 1) == "*") {
      out = out substr(t, 1, i - 1) " "
      body = substr(after, 2)
      e = index(body, "*/")
      t = e ? substr(body, e + 2) : ""
    } else {
      out = out substr(t, 1, i)
      t = after
    }
  }
  return out t
}
# `# 12 "file"`, `#line 12 "file"`, `#line 12`: sets mline and mfile.
function line_marker(body,    rest, nm, c, k, n) {
  rest = body
  if (substr(rest, 1, 4) == "line") { rest = substr(rest, 5); sub(/^[ \t]+/, "", rest) }
  if (!match(rest, /^[0-9]+/)) return 0
  mline = substr(rest, 1, RLENGTH) + 0
  rest = substr(rest, RLENGTH + 1)
  sub(/^[ \t]+/, "", rest)
  mfile = fname
  if (rest == "") return 1
  if (substr(rest, 1, 1) != "\"") return 0
  nm = ""
  n = length(rest)
  for (k = 2; k <= n; k++) {
    c = substr(rest, k, 1)
    if (c == "\"") { mfile = nm; return 1 }
    if (c == "\\") {
      k++
      if (k > n) return 0
      c = substr(rest, k, 1)
    }
    nm = nm c
  }
  return 0
}
# A # line from byte p of physical line i, with its continuations; returns
# the index of its last physical line.
function directive(i, p,    s, text, dline, dcol, dfile, body, w, nw, first, rest, cur_line) {
  s = PH[i]
  dline = line; dcol = ccol(s, p); dfile = fname
  check_ctl(s, p + 1, length(s))
  text = substr(s, p + 1)
  while (text ~ /\\$/) {
    text = substr(text, 1, length(text) - 1) " "
    if (i >= nph) break
    i++
    newline()
    s = PH[i]
    check_ctl(s, 1, length(s))
    text = text s
  }
  body = strip_comments(text)
  sub(/^[ \t\v\f]+/, "", body)
  sub(/[ \t\v\f]+$/, "", body)
  nw = split(body, w)
  first = nw ? w[1] : ""
  if (first == "pragma" && nw >= 2 && w[2] == "D") {
    rest = body
    sub(/^pragma[ \t]*D/, "", rest)
    sub(/^[ \t]+/, "", rest)
    cur_line = line
    line = dline
    sbefore = 1
    addtok("G", rest, dcol, dcol)
    FN[ntok] = dfile
    line = cur_line
  } else if (line_marker(body)) {
    pending = 1; pline = mline; pfile = mfile
  } else if (first == "" || first == "pragma" || first == "ident" || (i == 1 && substr(body, 1, 1) == "!")) {
    # Nothing to do.
  } else {
    match(first, /^[A-Za-z0-9]*/)
    first = substr(first, 1, RLENGTH)
    if (first == "if" || first == "ifdef" || first == "ifndef") cdepth++
    else if (first == "endif" && cdepth > 0) cdepth--
  }
  sbefore = 1
  return i
}
function lex(    i, s, n, p, c, c2, rest, e, seg, k, q, len, b, als, cont) {
  line = 1; fname = file; pending = 0; sbefore = 1; incom = 0; cdepth = 0
  als = 1; cont = 0
  for (i = 1; i <= nph; i++) {
    s = PH[i]
    if (i == 1 && substr(s, 1, 3) == BOM) s = substr(s, 4)
    PH[i] = s
    if (i > 1) {
      newline()
      if (!incom) als = !cont
    }
    cont = 0
    n = length(s)
    p = 1
    while (p <= n) {
      if (incom) {
        rest = substr(s, p)
        e = index(rest, "*/")
        seg = e ? substr(rest, 1, e - 1) : rest
        k = first_ctl(seg)
        if (k) fail(fname, line, ccol(s, p + k - 1), ctl_message(substr(s, p + k - 1, 1)))
        if (!e) { p = n + 1; break }
        incom = 0
        p += e + 1
        sbefore = 1
        continue
      }
      c = substr(s, p, 1)
      if (c == " " || c == "\t" || c == VT || c == FF) { p++; sbefore = 1; continue }
      c2 = substr(s, p, 2)
      if (c2 == "/*") {
        incom = 1; cml = line; cmc = ccol(s, p); cmf = fname
        p += 2
        continue
      }
      if (c2 == "//") { check_ctl(s, p + 2, n); sbefore = 1; break }
      if (c == "\\" && p == n && (i < nph || endnl)) { cont = 1; break }
      if (c == "#" && als) {
        i = directive(i, p)
        s = PH[i]; n = length(s)
        break
      }
      als = 0
      rest = substr(s, p)
      if (match(rest, /^[A-Za-z_][A-Za-z0-9_]*/)) {
        addtok("I", substr(rest, 1, RLENGTH), ccol(s, p), ccol(s, p + RLENGTH))
        p += RLENGTH
        continue
      }
      if (match(rest, /^[0-9][A-Za-z0-9_.]*/)) {
        addtok("N", substr(rest, 1, RLENGTH), ccol(s, p), ccol(s, p + RLENGTH))
        p += RLENGTH
        continue
      }
      if (c == "\"" || c == "\047") {
        q = p + 1
        for (;;) {
          if (q > n) fail(fname, line, ccol(s, p), "unterminated " (c == "\"" ? "string" : "character") " literal")
          b = substr(s, q, 1)
          if (b == "\\" && q < n) { q += 2; continue }
          if (b == c) { q++; break }
          if (first_ctl(b)) fail(fname, line, ccol(s, q), ctl_message(b))
          q++
        }
        addtok("L", substr(s, p, q - p), ccol(s, p), ccol(s, q))
        p = q
        continue
      }
      if (substr(rest, 1, 3) == "...") {
        addtok("P", "...", ccol(s, p), ccol(s, p + 3))
        p += 3
        continue
      }
      if (index(PUNCT, c)) {
        addtok("P", c, ccol(s, p), ccol(s, p + 1))
        p++
        continue
      }
      if (first_ctl(c)) fail(fname, line, ccol(s, p), ctl_message(c))
      b = ord[c] + 0
      len = b >= 240 ? 4 : b >= 224 ? 3 : b >= 192 ? 2 : 1
      addtok("S", substr(s, p, len), ccol(s, p), ccol(s, p + len))
      p += len
    }
  }
  if (incom) fail(cmf, cml, cmc, "unterminated comment: `/*` has no matching `*/`")
  if (nph > 0 && endnl) {
    newline()
    addtok("E", "", 1, 1)
  } else {
    addtok("E", "", nph ? ccol(s, n + 1) : 1, nph ? ccol(s, n + 1) : 1)
  }
  SB[ntok] = 1
}

# --- the grammar (crates/probe-provider/src/parse.rs) ---------------------
function peek() { return pos < ntok ? pos : ntok }
function peek_at(k) { return pos + k < ntok ? pos + k : ntok }
function bump(    t) { t = peek(); if (K[t] != "E") pos++; return t }
function is(i, p) { return K[i] == "P" && T[i] == p }
function isid(i, w) { return K[i] == "I" && T[i] == w }
function describe(i) {
  if (K[i] == "E") return "the end of the file"
  if (K[i] == "G") return "`#pragma D`"
  return "`" T[i] "`"
}
function err_at(i, msg) { fail(FN[i], LN[i], CO[i], msg) }
function err_after_previous(msg,    prev) {
  if (pos == 1) err_at(peek(), msg)
  prev = pos - 1
  fail(FN[prev], LN[prev], EC[prev], msg)
}
function closing(open) { return open == "(" ? ")" : open == "[" ? "]" : "}" }
function declares(at,    w, n, o) {
  w = at < ntok ? at : ntok
  n = at + 1 < ntok ? at + 1 : ntok
  o = at + 2 < ntok ? at + 2 : ntok
  return K[n] == "I" && ((isid(w, "probe") && is(o, "(")) || (isid(w, "provider") && is(o, "{")))
}
function parse_file(    t) {
  for (;;) {
    t = peek()
    if (K[t] == "E") return
    if (K[t] == "G") pragma_tok[++npragma] = bump()
    else if (isid(t, "provider")) provider()
    else if (isid(t, "probe")) err_at(t, "probe declaration outside a provider: put it inside `provider NAME { ... };`")
    else if (K[t] == "I" && (T[t] == "typedef" || T[t] == "struct" || T[t] == "union" || T[t] == "enum")) skip_declaration()
    else if (is(t, ";")) bump()
    else if (is(t, "}") || is(t, ")") || is(t, "]")) err_at(t, "unbalanced brackets: unmatched `" T[t] "`")
    else skip_clause()
  }
}
function skip_declaration(    start, t) {
  start = peek()
  for (;;) {
    t = peek()
    if (K[t] == "E" || (K[t] == "I" && declares(pos)))
      err_after_previous("missing `;` at the end of the `" T[start] "` declaration that starts at line " LN[start])
    if (is(t, ";")) { bump(); return }
    skip_balanced()
  }
}
function skip_balanced(    t, nx, depth, st) {
  t = bump()
  if (K[t] != "P") {
    if (isid(t, "probe") && declares(pos - 1))
      err_at(t, "probe declaration outside a provider: put it inside `provider NAME { ... };`")
    return
  }
  if (T[t] == "{" || T[t] == "(" || T[t] == "[") {
    depth = 1
    st[1] = t
    while (depth > 0) {
      nx = bump()
      if (K[nx] == "E")
        err_at(st[depth], "unbalanced brackets: `" T[st[depth]] "` is never closed with `" closing(T[st[depth]]) "`")
      if (isid(nx, "probe") && declares(pos - 1))
        err_at(nx, "probe declaration outside a provider (inside the `" T[st[depth]] "` at line " LN[st[depth]] ", column " CO[st[depth]] "); put it inside `provider NAME { ... };`")
      if (isid(nx, "provider") && declares(pos - 1))
        err_at(nx, "`provider` inside an unclosed `" T[st[depth]] "` (opened at line " LN[st[depth]] ", column " CO[st[depth]] ")")
      if (K[nx] != "P") continue
      if (T[nx] == "{" || T[nx] == "(" || T[nx] == "[") st[++depth] = nx
      else if (T[nx] == "}" || T[nx] == ")" || T[nx] == "]") {
        if (closing(T[st[depth]]) != T[nx])
          err_at(nx, "unbalanced brackets: `" T[nx] "` does not close `" T[st[depth]] "` (line " LN[st[depth]] ", column " CO[st[depth]] ")")
        depth--
      }
    }
    return
  }
  if (T[t] == "}" || T[t] == ")" || T[t] == "]") err_at(t, "unbalanced brackets: unmatched `" T[t] "`")
}
# A D program clause (`BEGIN { exit(0); }`) or declaration (`int x;`):
# skipped, as it declares no probes.
function skip_clause(    start, t) {
  start = peek()
  if (K[start] == "S") err_at(start, "unexpected character " describe(start))
  for (;;) {
    t = peek()
    if (K[t] == "E" || (isid(t, "provider") && declares(pos)))
      err_at(start, "expected `provider`, found " describe(start))
    if (K[t] == "S") err_at(t, "unexpected character " describe(t))
    if (is(t, ";")) { bump(); return }
    if (is(t, "{")) {
      skip_balanced()
      if (is(peek(), ";")) bump()
      return
    }
    skip_balanced()
  }
}
function expect_punct(p, context,    found, msg) {
  found = peek()
  if (is(found, p)) return bump()
  if (p == ";" && (is(found, ")") || is(found, "]")))
    err_at(found, "unbalanced brackets: unmatched `" T[found] "`")
  if (p == ";" || K[found] == "E") {
    msg = "missing `" p "` " context
    if (K[found] != "E") msg = msg " (found " describe(found) ")"
    err_after_previous(msg)
  }
  err_at(found, "expected `" p "` " context ", found " describe(found))
}
function name(what,    t, nx) {
  t = peek()
  if (K[t] == "I" && !(T[t] in reserved)) {
    nx = peek_at(1)
    if (!SB[nx] && (K[nx] == "S" || K[nx] == "N"))
      err_at(t, "invalid " what " name `" T[t] T[nx] "`: names are ASCII letters, digits and `_`")
    if (!SB[nx] && is(nx, "-") && K[peek_at(2)] == "I")
      err_at(t, "invalid " what " name `" T[t] "-" T[peek_at(2)] "`: `-` is not allowed in names; write `" T[t] "__" T[peek_at(2)] "` (DTrace shows `__` as `-`)")
    return bump()
  }
  if (K[t] == "I") err_at(t, "invalid " what " name `" T[t] "`: it is a reserved word")
  if (K[t] == "N") err_at(t, "invalid " what " name `" T[t] "`: names must start with a letter or `_`")
  if (K[t] == "S") err_at(t, "invalid " what " name: unexpected character " describe(t))
  err_at(t, "expected a " what " name, found " describe(t))
}
function provider(    nt, pname, earlier, open, t, msg, nprobes_before, k) {
  bump()
  nt = name("provider")
  pname = T[nt]
  earlier = (pname in provider_line)
  if (!earlier) {
    provider_line[pname] = LN[nt]
    nprov++
    prov_name[nprov] = pname
  }
  generation++
  open = expect_punct("{", "after `provider " pname "`")
  ndecl = 0
  for (;;) {
    t = peek()
    if (is(t, "}")) { bump(); break }
    if (K[t] == "G") { pragma_tok[++npragma] = bump(); continue }
    if (is(t, ";")) { bump(); continue }
    if (isid(t, "probe")) { probe(pname); continue }
    if (K[t] == "E" || isid(t, "provider")) {
      msg = "missing `}` to close provider `" pname "` (opened at line " LN[open] ", column " CO[open] ")"
      if (K[t] != "E") msg = msg " before the next `provider`"
      err_after_previous(msg)
    }
    err_at(t, "expected `probe` or `}` in provider `" pname "`, found " describe(t))
  }
  expect_punct(";", "after the `}` of provider `" pname "`")
  for (k = 1; k <= ndecl; k++) {
    if (!earlier) {
      nprobe++
      pr_prov[nprobe] = pname
      pr_name[nprobe] = T[decl_tok[k]]
      pr_tok[nprobe] = decl_tok[k]
      pr_arity[nprobe] = decl_arity[k]
      first_probe[pname, T[decl_tok[k]]] = nprobe
      first_args[pname, T[decl_tok[k]]] = decl_args[k]
      first_trans[pname, T[decl_tok[k]]] = decl_trans[k]
      continue
    }
    # Declared again: DTrace accepts it when it repeats probes of the
    # first declaration with the same types; it then adds nothing.
    msg = ""
    if (!((pname, T[decl_tok[k]]) in first_probe)) msg = "is not declared in the first declaration"
    else if (first_args[pname, T[decl_tok[k]]] != decl_args[k]) msg = "has other argument types than in the first declaration"
    else if (first_trans[pname, T[decl_tok[k]]] != decl_trans[k]) msg = "has other translated argument types than in the first declaration"
    if (msg != "")
      err_at(decl_tok[k], "provider `" pname "` declared again (first at line " provider_line[pname] ") does not match: probe `" T[decl_tok[k]] "` " msg)
  }
}
function probe(pname,    nt, args, arity) {
  bump()
  nt = name("probe")
  if (probe_gen[T[nt]] == generation)
    err_at(nt, "probe `" T[nt] "` is declared twice in provider `" pname "` (first at line " probe_line[T[nt]] ")")
  probe_gen[T[nt]] = generation
  probe_line[T[nt]] = LN[nt]
  expect_punct("(", "after the probe name `" T[nt] "`")
  params(T[nt])
  args = param_types
  arity = param_count
  ndecl++
  decl_tok[ndecl] = nt
  decl_args[ndecl] = args
  decl_arity[ndecl] = arity
  decl_trans[ndecl] = ""
  if (is(peek(), ":")) {
    bump()
    expect_punct("(", "to start the translated argument list")
    params(T[nt])
    decl_trans[ndecl] = param_types
  }
  expect_punct(";", "after the declaration of probe `" T[nt] "`")
}
# `#pragma D attributes NAME/DATA/CLASS provider PROV GROUP` about a
# provider of this file must be readable (macOS bakes the attributes into a
# symbol, DTrace into the DOF); other pragmas are not ours to judge.
function check_attributes(    k, t, w, nw, a, np, msg) {
  for (k = 1; k <= npragma; k++) {
    t = pragma_tok[k]
    nw = split(T[t], w)
    if (nw < 4 || w[1] != "attributes" || w[3] != "provider") continue
    if (!(w[4] in provider_line)) continue
    if (nw < 5) err_at(t, "`#pragma D attributes` for a provider needs a group: provider, module, function, name or args")
    if (!(w[5] in attribute_group)) err_at(t, "unknown attribute group `" w[5] "`: expected provider, module, function, name or args")
    np = split(w[2], a, "/")
    if (w[2] == "" || np > 3) err_at(t, "bad attributes `" w[2] "`: expected NAME/DATA/CLASS, e.g. Evolving/Evolving/Common")
    msg = ": expected Internal, Private, Obsolete, External, Unstable, Evolving, Stable or Standard"
    if (!(tolower(a[1]) in stability)) err_at(t, "unknown stability `" a[1] "`" msg)
    if (np >= 2 && !(tolower(a[2]) in stability)) err_at(t, "unknown stability `" a[2] "`" msg)
    if (np >= 3 && !(tolower(a[3]) in dependency_class))
      err_at(t, "unknown dependency class `" a[3] "`: expected Unknown, CPU, Platform, Group, ISA or Common")
  }
}
# The parameters after "(", through ")": sets param_count and param_types.
function params(pname,    t, types, count) {
  types = ""
  count = 0
  if (is(peek(), ")")) { bump(); param_count = 0; param_types = ""; return }
  if (isid(peek(), "void") && is(peek_at(1), ")")) { pos += 2; param_count = 0; param_types = ""; return }
  for (;;) {
    param()
    if (count == 12)
      err_at(param_first, "probe `" pname "` has more than 12 arguments; SDT probes carry at most 12")
    count++
    types = types "\034" param_norm
    t = peek()
    if (is(t, ",")) { bump(); continue }
    if (is(t, ")")) { bump(); param_count = count; param_types = types; return }
    unexpected_in_params(t)
  }
}
function unexpected_in_params(t) {
  if (K[t] == "E" || is(t, ";") || is(t, "{") || is(t, "}") || isid(t, "probe") || isid(t, "provider"))
    err_after_previous("unbalanced brackets: missing `)` to close the parameter list (found " describe(t) ")")
  if (is(t, "[")) err_at(t, "array parameters are not supported; use a pointer")
  if (is(t, "(")) err_at(t, "function pointer parameters are not supported; use `void *` or a typedef name")
  err_at(t, "expected `,` or `)` in the parameter list, found " describe(t))
}
function has_base() {
  return s_signed + s_unsigned + s_char + s_short + s_int + s_long + s_float + s_double + s_void + s_bool + s_string + s_int128 > 0 || s_tagged != "" || s_typedef != ""
}
# One parameter: sets param_first (its first token) and param_norm (its
# type, spelled one way per C type, as CType::normalized).
function param(    first, start, type_end, t, w, after_ptr, q, kw, tag, nx, written, k, why) {
  first = peek()
  start = pos
  type_end = pos
  s_const = s_volatile = s_signed = s_unsigned = s_char = s_short = s_int = s_long = 0
  s_float = s_double = s_void = s_bool = s_string = s_int128 = 0
  s_tagged = s_typedef = s_kw = ""
  s_npt = 0
  for (;;) {
    t = peek()
    if (K[t] == "I") {
      w = T[t]
      after_ptr = s_npt > 0
      if (w == "string" && (after_ptr || has_base())) { name("parameter"); break }
      if (w in qualifier) {
        q = qualifier[w]
        if (after_ptr) {
          if (index(" " s_q[s_npt] " ", " " q " ") == 0) s_q[s_npt] = s_q[s_npt] (s_q[s_npt] == "" ? "" : " ") q
        } else if (q == "const") s_const = 1
        else if (q == "volatile") s_volatile = 1
        else err_at(t, "`restrict` applies only to a pointer (after `*`)")
        bump(); type_end = pos
        continue
      }
      if (w == "struct" || w == "union" || w == "enum") {
        if (after_ptr || has_base()) err_at(t, "unexpected `" w "` in a type that is already named")
        bump()
        tag = peek()
        if (is(tag, "{"))
          err_at(tag, "a `" w "` cannot be defined in a parameter list; declare it before the provider and name it here")
        if (K[tag] != "I" || (T[tag] in reserved))
          err_at(t, "incomplete type: `" w "` needs a tag name (`" w " NAME`), found " describe(tag))
        bump()
        s_tagged = w " " T[tag]
        s_kw = w
        type_end = pos
        continue
      }
      if (!(w in type_word)) {
        if (after_ptr || has_base()) { name("parameter"); break }
        if (w in reserved) err_at(t, "expected a type, found the reserved word `" w "`")
        nx = peek_at(1)
        if (!SB[nx] && K[nx] == "S")
          err_at(t, "invalid type name `" w T[nx] "`: names are ASCII letters, digits and `_`")
        s_typedef = w
        bump(); type_end = pos
        continue
      }
      if (after_ptr) err_at(t, "unexpected `" w "` after `*`")
      kw = type_word[w]
      if (kw == "signed") s_signed++
      else if (kw == "unsigned") s_unsigned++
      else if (kw == "char") s_char++
      else if (kw == "short") s_short++
      else if (kw == "int") s_int++
      else if (kw == "long") s_long++
      else if (kw == "float") s_float++
      else if (kw == "double") s_double++
      else if (kw == "void") s_void++
      else if (kw == "bool") s_bool++
      else if (kw == "int128") s_int128++
      else if (kw == "string") s_string++
      bump(); type_end = pos
      continue
    }
    if (is(t, "*")) {
      if (!has_base()) err_at(t, "expected a type before `*`")
      s_npt++
      s_q[s_npt] = ""
      bump(); type_end = pos
      continue
    }
    if (is(t, "...")) err_at(t, "variable argument lists (`...`) are not allowed in probe declarations")
    break
  }
  nx = peek()
  if (is(nx, "(") || is(nx, "[")) unexpected_in_params(nx)
  if (start == type_end) {
    if (K[nx] == "N") err_at(nx, "invalid parameter: expected a type, found the number `" T[nx] "`")
    if (K[nx] == "S") err_at(nx, "unexpected character " describe(nx))
    if (is(nx, ",") || is(nx, ")")) err_at(nx, "expected a parameter type, found " describe(nx))
    unexpected_in_params(nx)
  }
  written = T[start]
  for (k = start + 1; k < type_end; k++) written = written (SB[k] ? " " : "") T[k]
  why = finish_type()
  if (why != "") err_at(first, "invalid type `" written "`: " why)
  param_first = first
}
# Sets param_norm, or returns why the words make no type.
function finish_type(    words, others, base, cls, out, k) {
  if (s_int128 > 0) {
    if (s_int128 > 1 || s_char + s_short + s_int + s_long + s_float + s_double > 0 || s_tagged != "" || s_typedef != "")
      return "conflicting type names"
    base = s_unsigned > 0 ? "unsigned __int128" : "__int128"
    cls = "int128"
  } else {
    words = s_signed + s_unsigned + s_char + s_short + s_int + s_long
    others = s_float + s_double + s_void + s_bool + s_string + (s_tagged != "") + (s_typedef != "")
    if (others > 1 || (others == 1 && words > 0 && !(s_double == 1 && words == s_long && s_long == 1)))
      return "conflicting type names"
    if (s_double == 1 && s_long == 1) { base = "long double"; cls = "long double" }
    else if (others == 1) {
      if (s_float) base = "float"
      else if (s_double) base = "double"
      else if (s_void) { base = "void"; cls = "void" }
      else if (s_bool) base = "bool"
      else if (s_string) { base = "string"; cls = "string" }
      else if (s_tagged != "") { base = s_tagged; cls = s_kw }
      else { base = s_typedef; if (base in int128_typedef) cls = "int128" }
    } else {
      if (s_signed + s_unsigned > 1) return "`signed` and `unsigned` can be given only once, not both"
      if (s_char + s_short > 1 || s_int > 1 || s_long > 2) return "too many integer type words"
      if (s_char) {
        if (s_short + s_long + s_int > 0) return "`char` cannot be combined with `short`, `int` or `long`"
        base = s_signed ? "signed char" : s_unsigned ? "unsigned char" : "char"
      } else if (s_short) {
        if (s_long > 0) return "`short` cannot be combined with `long`"
        base = s_unsigned ? "unsigned short" : "short"
      } else {
        base = s_long == 0 ? "int" : s_long == 1 ? "long" : "long long"
        if (s_unsigned) base = "unsigned " base
      }
    }
  }
  out = (s_const ? "const " : "") (s_volatile ? "volatile " : "") base
  if (cls == "string" && s_npt) return "`string` is already a pointer; write `char *` for a pointer"
  if (s_npt == 0) {
    if (cls == "void") return "a parameter cannot have type `void`"
    # A probe argument travels in one register or stack slot: a scalar of
    # at most 8 bytes. Anything larger makes a note every tracer misreads.
    if (cls == "struct" || cls == "union")
      return "a " cls " passed by value cannot be a probe argument; pass a pointer (`" base " *`)"
    if (cls == "long double")
      return "`long double` (16 bytes) cannot be a probe argument, which is at most 8 bytes; pass a `double` or a pointer"
    if (cls == "int128")
      return "a 128-bit integer cannot be a probe argument, which is at most 8 bytes; pass it in two 64-bit halves or by pointer"
    param_norm = out
    return ""
  }
  out = out " "
  for (k = 1; k <= s_npt; k++) {
    out = out "*" s_q[k]
    if (s_q[k] != "" && k < s_npt) out = out " "
  }
  param_norm = out
  return ""
}
BEGIN {
  for (i = 1; i < 256; i++) ord[sprintf("%c", i)] = i
  BOM = sprintf("%c%c%c", 239, 187, 191)
  VT = sprintf("%c", 11); FF = sprintf("%c", 12); CR = sprintf("%c", 13)
  PUNCT = "!#$%&()*+,-./:;<=>?@[\\]^`{|}~"
  n = split("auto break case char const continue default do double else enum extern float for goto if inline int long register restrict return short signed sizeof static struct switch typedef union unsigned void volatile while _Alignas _Alignof _Atomic _Bool _Complex _Generic _Imaginary _Noreturn _Static_assert _Thread_local bool true false nullptr alignas alignof constexpr static_assert thread_local typeof typeof_unqual", w, " ")
  for (i = 1; i <= n; i++) reserved[w[i]] = 1
  qualifier["const"] = "const"; qualifier["__const"] = "const"
  qualifier["volatile"] = "volatile"; qualifier["__volatile__"] = "volatile"
  qualifier["restrict"] = "restrict"; qualifier["__restrict"] = "restrict"; qualifier["__restrict__"] = "restrict"
  n = split("signed unsigned char short int long float double void bool string", w, " ")
  for (i = 1; i <= n; i++) type_word[w[i]] = w[i]
  type_word["__signed__"] = "signed"; type_word["_Bool"] = "bool"; type_word["__int128"] = "int128"
  int128_typedef["__int128_t"] = 1; int128_typedef["__uint128_t"] = 1
  n = split("provider module function name args", w, " ")
  for (i = 1; i <= n; i++) attribute_group[w[i]] = 1
  n = split("Internal Private Obsolete External Unstable Evolving Stable Standard", w, " ")
  for (i = 1; i <= n; i++) stability[tolower(w[i])] = 1
  n = split("Unknown CPU Platform Group ISA Common", w, " ")
  for (i = 1; i <= n; i++) dependency_class[tolower(w[i])] = 1
}
{ rec[NR] = $0 }
END {
  nrec = NR
  check_utf8()
  # Physical lines: "\n", "\r\n" and a lone "\r" each end one.
  nph = 0
  for (r = 1; r <= nrec; r++) {
    n = split(rec[r], parts, CR)
    if (n > 1 && parts[n] == "") n--
    if (n == 0) n = 1
    for (k = 1; k <= n; k++) PH[++nph] = parts[k]
  }
  lex()
  pos = 1
  parse_file()
  check_attributes()
  for (k = 1; k <= nprobe; k++) {
    macro = pr_name[k]
    gsub(/__/, "_", macro)
    macro = toupper(pr_prov[k] "_" macro)
    if (macro in macro_probe)
      err_at(pr_tok[k], "probe `" pr_prov[k] ":" pr_name[k] "` gives the C macro `" macro "`, as probe `" pr_prov[macro_probe[macro]] ":" pr_name[macro_probe[macro]] "` (line " LN[pr_tok[macro_probe[macro]]] ") does")
    macro_probe[macro] = k
    pr_macro[k] = macro
  }
  if (mode == "list") {
    for (k = 1; k <= nprobe; k++)
      print pr_macro[k], pr_arity[k], CD[pr_tok[k]], LN[pr_tok[k]], CO[pr_tok[k]], pr_prov[k] ":" pr_name[k]
    exit 0
  }
  guard = output
  sub(/.*\//, "", guard)
  guard = toupper(guard)
  gsub(/[^A-Z0-9]/, "_", guard)
  guard = "STATIC_PROBES_NOOP_" guard
  src = file
  sub(/.*\//, "", src)
  printf "/* Generated by static-probes.sh from %s. Static probes are off\n", src
  printf "   (configure --without-dtrace): each probe macro does nothing and does\n"
  printf "   not evaluate its arguments; each _ENABLED() macro is 0. */\n"
  printf "#ifndef %s\n#define %s\n\n", guard, guard
  for (k = 1; k <= nprobe; k++) {
    plist = uses = ""
    for (a = 1; a <= pr_arity[k]; a++) {
      plist = plist (a > 1 ? ", " : "") "arg" a
      uses = uses " (void) (arg" a ");"
    }
    printf "#define %s_ENABLED() (0)\n", pr_macro[k]
    if (pr_arity[k] == 0) printf "#define %s() do { } while (0)\n", pr_macro[k]
    else printf "#define %s(%s) do { if (0) {%s } } while (0)\n", pr_macro[k], plist, uses
  }
  printf "\n#endif\n"
}
' "$2"
}

# Runs "$@" quietly unless it fails, then shows what it printed.
run_dtrace () {
  log=$tmpdir/log
  "$@" >"$log" 2>&1
  status=$?
  cat "$log" >&2
  test $status -eq 0 && return 0
  echo "$me: error: the dtrace step failed (status $status): $*" >&2
  return 1
}

tmpdir=
tmpouts=
locks=
cleanup () {
  test -n "$tmpdir" && rm -rf "$tmpdir"
  # shellcheck disable=SC2086 # file names hold no blanks
  test -n "$locks" && rmdir $locks
  # shellcheck disable=SC2086 # file names hold no blanks
  test -n "$tmpouts" && rm -f $tmpouts
  :
}
trap cleanup 0
trap 'exit 1' 1 2 13 15

make_tmpdir () {
  test -n "$tmpdir" && return 0
  tmpdir=${TMPDIR-/tmp}/static-probes.$$
  (umask 077 && mkdir "$tmpdir") || die "cannot create $tmpdir"
}

# The copy of the compiler's OBJECT kept while dtrace -G rewrites OBJECT in
# place. Its name ends in .o so that automake's own mostlyclean
# (`rm -f DIR/*.$(OBJEXT)` in every folder that holds objects, with
# subdir-objects too) removes it, and libtool's clean with .libs.
kept () {
  echo "$1.sp-orig.o"
}

# g_steps PAIRS OBJECT...
# For each "PROVIDER.d OUTPUT.o" pair of PAIRS (a blank-separated list),
# `$DTRACE $DTRACEFLAGS $STATIC_PROBES_GFLAGS -G` over the objects, writing
# OUTPUT.o. Objects may include static archives (NAME.a). When the tool
# rewrites objects in place, every object and archive is first restored
# from its kept copy (or kept, the first time), so -G always starts from
# the compiler's output and a rebuild after a partial change works; the
# archives' members are extracted, given to -G, and put back. Other tools
# get the objects only (they read nothing from archives). On failure the
# objects are restored and no output is written. File names must not hold
# blanks.
g_steps () {
  pairs=$1
  shift
  case ${STATIC_PROBES_G_MODE-stub} in
    stub|rewrite) ;;
    none) die "this dtrace needs no -G object (STATIC_PROBES_G_MODE=none); the rule should be under 'if STATIC_PROBES_NEED_OBJECT'" ;;
    *) die "unknown STATIC_PROBES_G_MODE '$STATIC_PROBES_G_MODE'" ;;
  esac
  rewrite=${STATIC_PROBES_G_MODE-stub}
  make_tmpdir
  objects="$*" gargs= archives= n=0
  for o in "$@"; do
    test -f "$o" || die "$o: no such object"
    case $o in
      *.a) test "$rewrite" = rewrite && archives="$archives $o" ;;
      *) gargs="$gargs $o" ;;
    esac
  done
  if test "$rewrite" = rewrite; then
    test $# -gt 0 || die "no objects to run dtrace -G over"
    i=0
    for o in "$@"; do
      # Its time, given back after the rewrite: make must not find the
      # targets of another link that reads it (an archive) out of date.
      i=`expr $i + 1`
      touch -r "$o" "$tmpdir/mtime.$i" || die "cannot read the time of $o"
      k=`kept "$o"`
      if test -f "$k" && test -z "`find "$o" -newer "$k"`"; then
        # $o is the previous run's rewrite: start again from the compiler's output.
        cp "$k" "$o" || die "cannot restore $o"
      else
        cp "$o" "$k" || die "cannot keep a copy of $o"
      fi
    done
    for a in $archives; do
      n=`expr $n + 1`
      d=$tmpdir/`basename "$a"`.$n.$$
      while test -d "$d"; do d=$d.x; done
      mkdir "$d" || die "cannot create $d"
      case $a in /*) abs=$a ;; *) abs=`pwd`/$a ;; esac
      (cd "$d" && ar x "$abs") || { g_restore; die "$a: cannot extract its members"; }
      for m in `ar t "$a"`; do
        case $m in
          *.o|*.obj) gargs="$gargs $d/$m" ;;
        esac
      done
      archive_dirs="${archive_dirs-} $d"
    done
  fi
  outs=
  # shellcheck disable=SC2086
  set -- $pairs
  while test $# -ge 2; do
    provider=$1 output=$2
    shift 2
    tmpout=$output.tmp$$
    rm -f "$tmpout"
    tmpouts="$tmpouts $tmpout"
    # shellcheck disable=SC2086 # DTRACE and the flags are word lists, like CC and CFLAGS.
    if run_dtrace $DTRACE $DTRACEFLAGS $STATIC_PROBES_GFLAGS -G -s "$provider" -o "$tmpout" $gargs &&
       test -s "$tmpout"; then
      outs="$outs $output"
    else
      test -f "$tmpout" || echo "$me: error: dtrace -G wrote no $tmpout" >&2
      g_restore
      exit 1
    fi
  done
  if test "$rewrite" = rewrite && test -n "${STATIC_PROBES_OBJCOPY-}"; then
    # Oracle's -G leaves each site's relocation as R_X86_64_NONE against a
    # symbol in SHN_SUNW_IGNORE, which GNU ld refuses in a PIE; objcopy
    # writes it against symbol 0. (-G finds no sites in an object after
    # that: the next run starts again from the kept copy.)
    for o in $gargs; do
      "$STATIC_PROBES_OBJCOPY" "$o" "$o.objcopy$$" && mv -f "$o.objcopy$$" "$o" ||
        { rm -f "$o.objcopy$$"; g_restore; die "$STATIC_PROBES_OBJCOPY $o failed"; }
    done
  fi
  if test "$rewrite" = rewrite; then
    set -- ${archive_dirs-}
    for a in $archives; do
      case $a in /*) abs=$a ;; *) abs=`pwd`/$a ;; esac
      # ar r replaces each member where it stands, keeping the order.
      (cd "$1" && ar rs "$abs" `ar t "$abs"`) ||
        { g_restore; die "$a: cannot put the rewritten members back"; }
      shift
    done
  fi
  for output in $outs; do
    mv -f "$output.tmp$$" "$output" || die "cannot rename $output.tmp$$ to $output"
  done
  tmpouts=
  if test "$rewrite" = rewrite; then
    # Newer than the rewritten objects, so the next run knows them for rewrites.
    i=0
    for o in $objects; do
      i=`expr $i + 1`
      touch -r "$tmpdir/mtime.$i" "$o"
      touch "`kept "$o"`"
    done
    # shellcheck disable=SC2086
    touch $outs
  fi
}

# Puts the compiler's objects back after a failed rewrite.
g_restore () {
  if test "$rewrite" = rewrite; then
    for o in $objects; do cp "`kept "$o"`" "$o"; done
  fi
}

# lt_objects PAIRS OBJECT.lo...
# The same for libtool: for each "PROVIDER.d OUTPUT.lo" pair, -G over the
# PIC objects and over the non-PIC ones that the .lo files name (each time
# with the archives of $lt_archives, the convenience libraries it links),
# then OUTPUT.lo naming both results.
lt_objects () {
  pairs=$1
  shift
  make_tmpdir
  pic= nonpic= objdir=
  for lo in "$@"; do
    test -f "$lo" || die "$lo: no such libtool object"
    sed 4q "$lo" | grep '^# Generated by .*libtool' >/dev/null ||
      die "$lo: not a libtool object"
    dir=`dirname "$lo"`
    p=`lo_value "$lo" pic_object`
    n=`lo_value "$lo" non_pic_object`
    if test -n "$p" && test "$p" != none; then
      pic="$pic $dir/$p"
      test -n "$objdir" || objdir=`dirname "$p"`
    fi
    if test -n "$n" && test "$n" != none; then
      nonpic="$nonpic $dir/$n"
    fi
  done
  test -n "$pic$nonpic${lt_archives-}" || die "$*: the libtool objects name no object files"
  # A library made of convenience libraries only: one run, over their
  # (PIC) archives.
  if test -z "$pic$nonpic"; then
    pic=" "
    objdir=.libs
  fi
  pic_pairs= nonpic_pairs=
  # shellcheck disable=SC2086
  set -- $pairs
  while test $# -ge 2; do
    case $2 in
      *.lo) ;;
      *) die "$2: a libtool object must end in .lo" ;;
    esac
    outdir=`dirname "$2"`
    base=`basename "$2" .lo`
    test -z "$pic" || pic_pairs="$pic_pairs $1 $outdir/$objdir/$base.o"
    test -z "$nonpic" || nonpic_pairs="$nonpic_pairs $1 $outdir/$base.o"
    shift 2
  done
  if test -n "$pic"; then
    mkdir -p "$outdir/$objdir" || die "cannot create $outdir/$objdir"
    # shellcheck disable=SC2086 # object names from libtool hold no blanks
    (g_steps "$pic_pairs" $pic ${lt_archives-}) || exit 1
  fi
  if test -n "$nonpic"; then
    # shellcheck disable=SC2086
    (g_steps "$nonpic_pairs" $nonpic ${lt_archives-}) || exit 1
  fi
  # shellcheck disable=SC2086
  set -- $pairs
  while test $# -ge 2; do
    base=`basename "$2" .lo`
    pic_out=none nonpic_out=none
    test -z "$pic" || pic_out=$objdir/$base.o
    test -z "$nonpic" || nonpic_out=$base.o
    tmpout=$2.tmp$$
    tmpouts="$tmpouts $tmpout"
    {
      echo "# $base.lo - a libtool object file"
      echo "# Generated by static-probes.sh for GNU libtool"
      echo "#"
      echo "# Please DO NOT delete this file!"
      echo "# It is necessary for linking the library."
      echo
      echo "# Name of the PIC object."
      echo "pic_object='$pic_out'"
      echo
      echo "# Name of the non-PIC object"
      echo "non_pic_object='$nonpic_out'"
    } >"$tmpout" || die "cannot write $tmpout"
    mv -f "$tmpout" "$2" || die "cannot rename $tmpout to $2"
    shift 2
  done
  tmpouts=
}

# Checks that the tool's header HEADER.h defines the macro of every probe
# our reader found in PROVIDER.d (PROBES: read_provider's list), with as
# many arguments. Probes under #if are not required (the tool may have run
# the preprocessor, -C); a macro defined without a parameter list is taken
# on trust.
#
#   check_header PROVIDER.d PROBES HEADER.h
check_header () {
  ${AWK:-awk} -v file="$1" -v tool="$header_tool" '
FILENAME == ARGV[1] { n++; macro[n] = $1; want[$1] = $2; cond[$1] = $3; where[$1] = $4 ":" $5; probe[$1] = $6; next }
/^[ \t]*#[ \t]*define[ \t]/ {
  d = $0
  sub(/^[ \t]*#[ \t]*define[ \t]+/, "", d)
  if (!match(d, /^[A-Za-z_][A-Za-z0-9_]*/)) next
  m = substr(d, 1, RLENGTH)
  if (!(m in want)) next
  defined[m] = 1
  rest = substr(d, RLENGTH + 1)
  if (substr(rest, 1, 1) != "(") { fits[m] = 1; next }
  sub(/\).*/, "", rest)
  rest = substr(rest, 2)
  gsub(/[ \t]/, "", rest)
  count = rest == "" ? 0 : split(rest, unused, ",")
  if (count == want[m]) fits[m] = 1
  else got[m] = count
}
END {
  for (i = 1; i <= n; i++) {
    m = macro[i]
    if (!defined[m] && !cond[m]) {
      printf "%s:%s: error: probe %s: the header of %s does not define %s (the tool dropped the probe)\n", file, where[m], probe[m], tool, m
      bad = 1
    } else if (defined[m] && !fits[m]) {
      printf "%s:%s: error: probe %s has %d argument%s, but the header of %s defines %s with %d%s\n", file, where[m], probe[m], want[m], (want[m] == 1 ? "" : "s"), tool, m, got[m], (want[m] == 0 ? " (write () rather than (void) for this tool)" : "")
      bad = 1
    }
  }
  exit bad
}' "$2" "$3" >&2
}

# The preprocessor flags (-C, -I, -D, -U) among the flags given.
preprocessor_flags () {
  pf_next=
  for pf in "$@"; do
    if test -n "$pf_next"; then
      echo "$pf"
      pf_next=
      continue
    fi
    case $pf in
      -C|-I?*|-D?*|-U?*) echo "$pf" ;;
      -I|-D|-U) echo "$pf"; pf_next=yes ;;
    esac
  done
}

# Prints the value of VAR='...' from a libtool object file.
lo_value () {
  sed -n "s/^$2='\\(.*\\)'\$/\\1/p; s/^$2=\\([^'].*\\)\$/\\1/p" "$1"
}

# The package's provider files (STATIC_PROBES_PROVIDER_FILES, relative to
# $top_srcdir) as paths from here.
provider_paths () {
  for f in ${STATIC_PROBES_PROVIDER_FILES-}; do
    case $f in
      /*) echo "$f" ;;
      *) echo "${top_srcdir-.}/$f" ;;
    esac
  done
}

# uses_provider NAME OBJECT...: whether the objects (or archives) refer to a
# probe of provider NAME: its SDT semaphores (prov_name_semaphore) or the
# Solaris-style probe functions (__dtrace_prov___name). When nm cannot
# tell, they are taken to.
uses_provider () {
  up_name=$1
  shift
  up_symbols=`nm -P "$@" 2>/dev/null` || return 0
  echo "$up_symbols" | ${AWK:-awk} -v p="$up_name" '
    $2 == "U" && (index($1, "__dtrace_" p "___") == 1 || index($1, "__dtraceenabled_" p "___") == 1 ||
                  (index($1, p "_") == 1 && $1 ~ /_semaphore$/)) { found = 1 }
    END { exit !found }'
}

# Runs the link command as it is (and cleans up, which exec would not).
run_unchanged () {
  "$@"
  exit $?
}

# link COMMAND...: runs the link command a target's _LINK variable gives
# (automake's own $(LINK), with or without libtool), after making the probe
# objects of the providers its objects use and adding them to the command.
link_with_probes () {
  if test "${STATIC_PROBES-no}" != yes || test "${STATIC_PROBES_G_MODE-none}" = none ||
     test -z "${STATIC_PROBES_PROVIDER_FILES-}"; then
    exec "$@"
  fi
  out= prev= objs= los= las= archives= rpath= static=
  for a in "$@"; do
    case $prev in
      -o) out=$a ;;
      -rpath) rpath=$a ;;
      -R|-version-info|-version-number|-release|-export-symbols|-export-symbols-regex|\
      -dlopen|-dlpreopen|-bindir|-precious-files-regex|-inst-prefix-dir|-weak|\
      -Xlinker|-Xcompiler|-XCClinker|-T|-u|-e|-L|-l|-MF|-include) ;;
      *)
        case $a in
          -static|-all-static) static=yes ;;
          -*) ;;
          *.lo) test -f "$a" && los="$los $a" ;;
          *.la) test -f "$a" && las="$las $a" ;;
          *.o|*.obj) test -f "$a" && objs="$objs $a" ;;
          *.a) test -f "$a" && archives="$archives $a" ;;
        esac ;;
    esac
    prev=$a
  done
  test -n "$out" || exec "$@"
  rewrite=${STATIC_PROBES_G_MODE-stub}
  if test "$rewrite" = rewrite; then
    # A -G object defines a global __SUNW_dof (illumos' and Oracle's
    # dt_link.c), and Oracle's runtime registers one DOF per program: a
    # program or shared library holds one -G object, whose run covers the
    # static archives it links. So a libtool library that makes no shared
    # library (a convenience library, linked without -rpath; or one built
    # static only, whose objects are not PIC) gets none and keeps the
    # compiler's objects, for the -G run of each program or library that
    # links it; and these runs take the archives of such libraries on
    # their link line (all of them under libtool's -static or -all-static).
    case $out in
      *.la)
        test -n "$rpath" && test -z "$static" || exec "$@"
        # libtool's own command (before --mode=link) tells whether it
        # builds shared libraries (configure --disable-shared: no).
        lt=
        for a in "$@"; do
          case $a in --mode=link) break ;; esac
          lt="$lt $a"
        done
        # shellcheck disable=SC2086
        case `$lt --config 2>/dev/null | grep '^build_libtool_libs='` in
          *=no) exec "$@" ;;
        esac ;;
    esac
    for la in $las; do
      sed 4q "$la" | grep '^# Generated by .*libtool' >/dev/null || continue
      dl=`lo_value "$la" dlname`
      old=`lo_value "$la" old_library`
      test -z "$dl" || test -n "$static" || continue
      test -n "$old" && test -f "`dirname "$la"`/.libs/$old" || continue
      archives="$archives `dirname "$la"`/.libs/$old"
    done
  fi
  make_tmpdir
  # The objects nm reads to tell which providers the target uses.
  case $out in
    *.la)
      scan=
      for lo in $los; do
        p=`lo_value "$lo" pic_object`
        test -n "$p" && test "$p" != none || p=`lo_value "$lo" non_pic_object`
        test -n "$p" && test "$p" != none && scan="$scan `dirname "$lo"`/$p"
      done
      scan="$scan $archives" ;;
    *) scan="$objs $archives" ;;
  esac
  # shellcheck disable=SC2086 # file names hold no blanks
  scan=`echo $scan`
  test -n "$scan" || run_unchanged "$@"
  # An object that -G rewrote no longer names the probes it calls (its
  # symbols were moved or renamed): nm reads the compiler's output, kept.
  pristine=
  for o in $scan; do
    k=`kept "$o"`
    if test -f "$k" && test -z "`find "$o" -newer "$k"`"; then
      pristine="$pristine $k"
    else
      pristine="$pristine $o"
    fi
  done
  scan=$pristine
  # The provider files whose probes the objects use, each with its probe
  # object: BASE-probes.o (.lo for a libtool library), or
  # BASE-probes-FILE.o when the target uses several files.
  used=
  for f in `provider_paths`; do
    test -f "$f" || die "$f: no such provider file (see STATIC_PROBES_PROVIDERS in configure.ac)"
    read_provider list "$f" >"$tmpdir/probes" || exit 1
    for name in `sed 's/.* //; s/:.*//' "$tmpdir/probes" | sort -u`; do
      # shellcheck disable=SC2086
      if uses_provider "$name" $scan; then
        used="$used $f"
        break
      fi
    done
  done
  test -n "$used" || run_unchanged "$@"
  base=`echo "$out" | sed 's/\.la$//'`
  ext=o
  case $out in *.la) ext=lo ;; esac
  several=0
  for f in $used; do several=`expr $several + 1`; done
  pairs= probe_objects=
  for f in $used; do
    if test "$several" -gt 1; then
      po=$base-`basename "$f" .d`.$ext
    else
      po=$base-probes.$ext
    fi
    pairs="$pairs $f $po"
    probe_objects="$probe_objects $po"
  done
  # While -G has rewritten an archive in place, until the link has read it,
  # no other link (make -j) may restore or rewrite it.
  if test "$rewrite" = rewrite; then
    for a in `for a in $archives; do echo "$a"; done | sort -u`; do
      waited=0
      until mkdir "$a.sp-lock" 2>/dev/null; do
        test $waited -lt 300 ||
          die "$a: locked by another link for 5 minutes (remove $a.sp-lock if none is running)"
        sleep 1
        waited=`expr $waited + 1`
      done
      locks="$locks $a.sp-lock"
    done
  fi
  lt_archives=$archives
  case $out in
    # shellcheck disable=SC2086
    *.la) lt_objects "$pairs" $los ;;
    # shellcheck disable=SC2086
    *) g_steps "$pairs" $objs $archives ;;
  esac
  # GNU ld refuses a PIE that holds objects Oracle's -G rewrote, when no
  # objcopy pass helped (configure found it so, and warned).
  no_pie=
  case $out:${STATIC_PROBES_NO_PIE-no} in
    *.la:*) ;;
    *:yes) no_pie=-no-pie ;;
  esac
  # shellcheck disable=SC2086
  "$@" $probe_objects $no_pie
  exit $?
}

# Whether FILE is an ELF file (a libtool program is a shell script until
# installed; the real one is in .libs).
is_elf () {
  test "`dd if="$1" bs=4 count=1 2>/dev/null | od -An -c | tr -d ' \n'`" = 177ELF
}

# post-link-check PROGRAM|LIBRARY.la...: `probe-build list --check` of each
# provider file over the programs and shared libraries together (a probe
# needs a site in any of them), when STATIC_PROBES_POSTLINK=yes. The probes
# of STATIC_PROBES_UNUSED (PROVIDER:NAME or NAME...) may have no site: each
# is given to the check of the file that declares it (`--unused`). Static
# archives are skipped: their sites are in the programs that link them.
post_link_check () {
  if test "${STATIC_PROBES_POSTLINK-no}" != yes; then
    echo "$me: the post-link probe check is off"
    exit 0
  fi
  test -n "${STATIC_PROBES_LIST-}" || die "STATIC_PROBES_LIST is empty: rerun configure"
  files=
  for f in "$@"; do
    case $f in
      *.la)
        dl=`lo_value "$f" dlname`
        if test -n "$dl" && test -f "`dirname "$f"`/.libs/$dl"; then
          files="$files `dirname "$f"`/.libs/$dl"
        fi ;;
      *.a) ;;
      *)
        test -f "$f" || continue
        if is_elf "$f"; then
          files="$files $f"
        else
          for c in "`dirname "$f"`/.libs/`basename "$f"`" "`dirname "$f"`/.libs/lt-`basename "$f"`"; do
            if test -f "$c" && is_elf "$c"; then
              files="$files $c"
              break
            fi
          done
        fi ;;
    esac
  done
  if test -z "$files"; then
    echo "$me: no program or shared library to check"
    exit 0
  fi
  make_tmpdir
  status=0
  test -n "${STATIC_PROBES_PROVIDER_FILES-}" ||
    echo "$me: no provider file to check (STATIC_PROBES_PROVIDERS or STATIC_PROBES_CHECK in configure.ac name them)"
  # Each probe of STATIC_PROBES_UNUSED goes to the check of the file that
  # declares it (`list --check` refuses a name its file does not declare).
  : >"$tmpdir/declared"
  for p in `provider_paths`; do
    read_provider list "$p" >"$tmpdir/probes" || exit 1
    sed "s|^.* |$p |" "$tmpdir/probes" >>"$tmpdir/declared"
  done
  for u in ${STATIC_PROBES_UNUSED-}; do
    ${AWK:-awk} -v u="$u" '
      { probe = $2; prov = probe; sub(/:.*/, "", prov); name = probe; sub(/^[^:]*:/, "", name) }
      (index(u, ":") ? prov == substr(u, 1, index(u, ":") - 1) : name == u) { found = 1 }
      END { exit !found }' "$tmpdir/declared" ||
      die "STATIC_PROBES_UNUSED names $u, but no provider file of the package (${STATIC_PROBES_PROVIDER_FILES-}) declares its provider or a probe of that name"
  done
  for p in `provider_paths`; do
    unused_args=`${AWK:-awk} -v file="$p" -v unused="${STATIC_PROBES_UNUSED-}" '
      BEGIN { n = split(unused, u, " ") }
      $1 == file {
        prov = $2; sub(/:.*/, "", prov); name = $2; sub(/^[^:]*:/, "", name)
        for (i = 1; i <= n; i++)
          if ((index(u[i], ":") ? prov == substr(u[i], 1, index(u[i], ":") - 1) : name == u[i]) && !(u[i] in given)) {
            given[u[i]] = 1
            printf " --unused %s", u[i]
          }
      }' "$tmpdir/declared"`
    # shellcheck disable=SC2086 # the command is a word list; file names hold no blanks
    $STATIC_PROBES_LIST --check "$p"$unused_args $files >"$tmpdir/check" 2>&1
    check_status=$?
    cat "$tmpdir/check"
    if test $check_status -ne 0; then
      status=1
      if grep ': error: probe [^ ]* has no site in ' "$tmpdir/check" >/dev/null; then
        echo "$me: error: a probe declared in $p has no site in$files; use it, remove it, or list it in STATIC_PROBES_UNUSED (PROVIDER:NAME) in Makefile.am"
      fi
    fi
  done
  exit $status
}

# trace-test FILE.trace: runs the program FILE names ("run: PROGRAM
# ARGS...") under `probe-build trace' ($STATIC_PROBES_TRACER; through
# `$LIBTOOL --mode=execute', which finds the program behind libtool's
# wrapper and its uninstalled libraries), with the package's provider files
# for the argument types, and compares every probe hit with FILE's other
# lines. "probes: PROVIDER:NAME..." traces only those probes; "#" starts a
# comment line. Exits 77 (automake's SKIP), saying why, when configure
# found that the tracer cannot run (STATIC_PROBES_TRACE=no).
trace_test () {
  test $# -eq 1 || usage
  spec=$1
  test -f "$spec" || die "$spec: no such trace test"
  if test "${STATIC_PROBES_TRACE-no}" != yes; then
    echo "$me: skipped: ${STATIC_PROBES_TRACE_REASON:-probe-build trace is off (rerun configure)}"
    exit 77
  fi
  make_tmpdir
  run= probes= n=0
  : >"$tmpdir/expected"
  # read (with the default IFS) drops the blanks around each line.
  while read -r line || test -n "$line"; do
    n=`expr $n + 1`
    case $line in
      '#'*|'') ;;
      run:*)
        test -z "$run" || die "$spec:$n: a second \`run:' line"
        run=${line#run:} ;;
      probes:*) probes="$probes ${line#probes:}" ;;
      *) printf '%s\n' "$line" >>"$tmpdir/expected" ;;
    esac
  done <"$spec"
  # shellcheck disable=SC2086 # the words of the run: line
  run=`echo $run`
  test -n "$run" || die "$spec: no \`run: PROGRAM ARGS...' line"
  cmd="$STATIC_PROBES_TRACER trace"
  for f in `provider_paths`; do
    cmd="$cmd --provider $f"
  done
  # shellcheck disable=SC2086 # word lists; file names hold no blanks
  test -z "${STATIC_PROBES_PROVIDER_FILES-}" || cmd=`echo $cmd \`preprocessor_flags $DTRACEFLAGS\``
  # Word splitting, but no file name expansion of the probes' `*`.
  set -f
  for p in $probes; do
    cmd="$cmd -n $p"
  done
  cmd="$cmd -o $tmpdir/trace -- $run"
  test -z "${LIBTOOL-}" || cmd="$LIBTOOL --mode=execute $cmd"
  rm -f "$tmpdir/trace"
  # shellcheck disable=SC2086
  $cmd >"$tmpdir/output" 2>&1
  status=$?
  set +f
  test -f "$tmpdir/trace" || : >"$tmpdir/trace"
  hits=`wc -l <"$tmpdir/trace" | tr -d ' '`
  if test $status -eq 0 && cmp -s "$tmpdir/expected" "$tmpdir/trace"; then
    echo "$me: \`$cmd\`: $hits probe hits, as expected:"
    cat "$tmpdir/trace"
    echo "the program's output:"
    cat "$tmpdir/output"
    exit 0
  fi
  echo "$me: error: $spec: the probes did not fire as expected"
  echo "command: \`$cmd\`"
  test $status -eq 0 || echo "exit status: $status"
  ${AWK:-awk} -v expected="$tmpdir/expected" '
    BEGIN { while ((getline l < expected) > 0) want[++nw] = l }
    { got[++ng] = $0 }
    END {
      for (i = 1; i <= nw || i <= ng; i++) {
        a = i <= nw ? "`" want[i] "`" : "nothing"
        b = i <= ng ? "`" got[i] "`" : "nothing"
        if (a != b) { printf "line %d: expected %s, traced %s\n", i, a, b; exit }
      }
    }' "$tmpdir/trace"
  echo "expected ($spec):"
  cat "$tmpdir/expected"
  echo "traced ($hits hits):"
  cat "$tmpdir/trace"
  echo "the program's output (and the tracer's messages):"
  cat "$tmpdir/output"
  exit 1
}

case ${1-} in
  link)
    shift
    link_with_probes "$@" ;;
  trace-test)
    shift
    trace_test "$@" ;;
  post-link-check)
    shift
    post_link_check "$@" ;;
esac

test $# -ge 3 || usage
command=$1 provider=$2 output=$3
shift 3
test -f "$provider" || die "$provider: no such provider file"

case $command in
  header|noop-header)
    test $# -eq 0 || usage
    tmpout=$output.tmp$$
    tmpouts=$tmpout
    rm -f "$tmpout"
    if test "$command" = header && test "${STATIC_PROBES-no}" = yes; then
      test -n "$DTRACE" || die "probes are on but DTRACE is empty; rerun configure"
      make_tmpdir
      # Our own reader first, whatever the tool: a lenient tool (SystemTap's
      # wrapper) drops what it cannot parse and still exits 0.
      read_provider list "$provider" >"$tmpdir/probes" || exit 1
      # Under the output's own name, from which tools derive the include guard.
      tool_out=$tmpdir/`basename "$output"`
      if test -n "${STATIC_PROBES_HEADER_CMD-}"; then
        # probe-build's header (for Oracle's DTrace), which takes the
        # preprocessor flags of DTRACEFLAGS.
        header_tool=$STATIC_PROBES_HEADER_CMD
        # shellcheck disable=SC2086 # word lists, like CC and CFLAGS
        run_dtrace $STATIC_PROBES_HEADER_CMD `preprocessor_flags $DTRACEFLAGS` "$provider" -o "$tool_out"
      else
        header_tool="$DTRACE${DTRACEFLAGS:+ $DTRACEFLAGS}${STATIC_PROBES_HFLAGS:+ $STATIC_PROBES_HFLAGS} -h"
        # shellcheck disable=SC2086
        run_dtrace $DTRACE $DTRACEFLAGS ${STATIC_PROBES_HFLAGS-} -h -s "$provider" -o "$tool_out"
      fi && test -s "$tool_out" || die "$provider: $header_tool wrote no header"
      check_header "$provider" "$tmpdir/probes" "$tool_out" || exit 1
      cp "$tool_out" "$tmpout" || die "cannot write $tmpout"
    else
      read_provider header "$provider" "$output" >"$tmpout" || exit 1
    fi
    mv -f "$tmpout" "$output" || die "cannot rename $tmpout to $output"
    tmpouts=
    ;;
  object)
    test "${STATIC_PROBES-no}" = yes || die "$output: static probes are off; the rule should be under 'if STATIC_PROBES_NEED_OBJECT'"
    g_steps "$provider $output" "$@"
    ;;
  ltobject)
    test "${STATIC_PROBES-no}" = yes || die "$output: static probes are off; the rule should be under 'if STATIC_PROBES_NEED_OBJECT'"
    lt_objects "$provider $output" "$@"
    ;;
  *)
    usage
    ;;
esac
exit 0
