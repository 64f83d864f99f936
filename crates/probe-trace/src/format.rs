//! How hits are written: `provider:name(arg, ...)` lines, or JSON lines.

use std::fmt::Write as _;

use crate::{Hit, Value};

/// `provider:name(1, -2, "text", 0x7ffd5a3c)`: strings quoted and escaped,
/// `"..."...` when cut at `--strings` bytes; pointers in hexadecimal,
/// `NULL` for 0; `?` for an argument that could not be read.
pub fn text_line(hit: &Hit<'_>) -> String {
    let mut line = format!("{}:{}(", hit.provider, hit.name);
    for (index, value) in hit.args.iter().enumerate() {
        if index > 0 {
            line.push_str(", ");
        }
        write_text_value(&mut line, value);
    }
    line.push(')');
    line
}

fn write_text_value(out: &mut String, value: &Value) {
    match value {
        Value::Signed(v) => write!(out, "{v}").unwrap(),
        Value::Unsigned(v) => write!(out, "{v}").unwrap(),
        Value::Float(v) => write!(out, "{v}").unwrap(),
        Value::Pointer(0) => out.push_str("NULL"),
        Value::Pointer(v) => write!(out, "{v:#x}").unwrap(),
        Value::String {
            bytes, truncated, ..
        } => {
            out.push('"');
            for chunk in bytes.utf8_chunks() {
                for c in chunk.valid().chars() {
                    match c {
                        '"' => out.push_str("\\\""),
                        '\\' => out.push_str("\\\\"),
                        c => write!(out, "{}", c.escape_debug()).unwrap(),
                    }
                }
                for byte in chunk.invalid() {
                    write!(out, "\\x{byte:02x}").unwrap();
                }
            }
            out.push('"');
            if *truncated {
                out.push_str("...");
            }
        }
        Value::Unreadable => out.push('?'),
    }
}

/// One JSON object: `{"pid":1,"tid":1,"provider":"p","name":"n","args":[...]}`;
/// strings as JSON strings (invalid UTF-8 replaced), every number and
/// pointer as a JSON number, an unreadable argument as `null`.
pub fn json_line(hit: &Hit<'_>) -> String {
    let mut line = format!(
        "{{\"pid\":{},\"tid\":{},\"provider\":{},\"name\":{},\"args\":[",
        hit.pid,
        hit.tid,
        json_string(hit.provider),
        json_string(hit.name)
    );
    for (index, value) in hit.args.iter().enumerate() {
        if index > 0 {
            line.push(',');
        }
        match value {
            Value::Signed(v) => write!(line, "{v}").unwrap(),
            Value::Unsigned(v) | Value::Pointer(v) => write!(line, "{v}").unwrap(),
            Value::Float(v) if v.is_finite() => write!(line, "{v}").unwrap(),
            Value::Float(_) | Value::Unreadable => line.push_str("null"),
            Value::String { bytes, .. } => {
                line.push_str(&json_string(&String::from_utf8_lossy(bytes)))
            }
        }
    }
    line.push_str("]}");
    line
}

/// A count line: `     12  provider:name`.
pub fn count_line(provider: &str, name: &str, count: u64) -> String {
    format!("{count:>10}  {provider}:{name}")
}

pub fn count_json(provider: &str, name: &str, count: u64) -> String {
    format!(
        "{{\"provider\":{},\"name\":{},\"count\":{count}}}",
        json_string(provider),
        json_string(name)
    )
}

pub fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => write!(out, "\\u{:04x}", c as u32).unwrap(),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines() {
        let args = [
            Value::Signed(-1),
            Value::Unsigned(18_000_000_000_000_000_000),
            Value::String {
                bytes: b"a \"q\"\n\xff".to_vec(),
                truncated: false,
                address: 1,
            },
            Value::String {
                bytes: b"abc".to_vec(),
                truncated: true,
                address: 1,
            },
            Value::Pointer(0x7ffd),
            Value::Pointer(0),
            Value::Float(1.5),
            Value::Unreadable,
        ];
        let hit = Hit {
            pid: 10,
            tid: 11,
            provider: "prov",
            name: "na__me",
            args: &args,
        };
        assert_eq!(
            text_line(&hit),
            r#"prov:na__me(-1, 18000000000000000000, "a \"q\"\n\xff", "abc"..., 0x7ffd, NULL, 1.5, ?)"#
        );
        assert_eq!(
            json_line(&hit),
            r#"{"pid":10,"tid":11,"provider":"prov","name":"na__me","args":[-1,18000000000000000000,"a \"q\"\n�","abc",32765,0,1.5,null]}"#
        );
        assert_eq!(count_line("p", "n", 12), "        12  p:n");
        assert_eq!(
            count_json("p", "n", 0),
            r#"{"provider":"p","name":"n","count":0}"#
        );
    }
}
