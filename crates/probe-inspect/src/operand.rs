//! Where an argument's value is: the assembler operand of an SDT argument
//! (`%rdi`, `-20(%rbp)`, `gl(%rip)`, `$-1`, `x0`, `[sp, 16]`, `#4`), parsed
//! per architecture so that a tracer can fetch the value.
//!
//! The operand is whatever the compiler printed for the `asm` operand
//! (`"nor"` constraints: a register, an offsettable memory reference or a
//! constant), so its syntax is the target assembler's: AT&T on x86, and on
//! Arm the unified syntax, where a bare number is a constant (gcc prints
//! `"n"` operands without `#` there).

use std::fmt;

use crate::SdtArgument;

/// An argument's location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operand {
    /// The value is (the low bytes of) a register, named in lower case
    /// without `%`, as written: `rdi`, `eax`, `r8d`, `al`, `x0`, `w3`, `sp`,
    /// `r3`.
    Register(String),
    /// The value is in memory.
    Memory(MemoryOperand),
    /// The value is this constant (`$5`, `-1`, `#4`).
    Constant(i64),
    /// The value is a symbol's address plus an offset (`$table+8` on x86).
    Address { symbol: String, offset: i64 },
}

/// A memory reference: `symbol + offset + base + index * scale`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoryOperand {
    /// The base register (`rbp`, `rip`, `sp`, `x29`), if any.
    pub base: Option<String>,
    /// The index register (`(%rax,%rbx,8)`, `[x1, x2]`), if any.
    pub index: Option<String>,
    /// Multiplies the index: 1, 2, 4 or 8.
    pub scale: u8,
    /// The constant displacement.
    pub offset: i64,
    /// A symbol the displacement is relative to (`gl(%rip)`: the address of
    /// `gl`, not `rip` plus anything).
    pub symbol: Option<String>,
    /// AArch64 `[x1, #:lo12:gl]`: only the symbol's low 12 bits are added
    /// (the base register holds its 4 KiB page from `adrp`).
    pub symbol_low12: bool,
}

/// An operand this parser does not understand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperandError {
    pub location: String,
    pub machine: String,
    pub message: String,
}

impl fmt::Display for OperandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot read {} operand `{}`: {}",
            self.machine, self.location, self.message
        )
    }
}

impl std::error::Error for OperandError {}

impl SdtArgument {
    /// Parses [`SdtArgument::location`] for `machine`, spelled as
    /// [`crate::ElfProbes::machine`] (`x86_64`, `i386`, `aarch64`, `arm`).
    pub fn operand(&self, machine: &str) -> Result<Operand, OperandError> {
        parse_operand(machine, &self.location)
    }
}

/// Parses one operand as printed for `machine` (see [`SdtArgument::operand`]).
pub fn parse_operand(machine: &str, location: &str) -> Result<Operand, OperandError> {
    let fail = |message: &str| OperandError {
        location: location.to_string(),
        machine: machine.to_string(),
        message: message.to_string(),
    };
    let text = location.trim();
    if !text.is_ascii() {
        return Err(fail("not ASCII"));
    }
    match machine {
        "x86_64" | "x32" | "i386" => parse_att(text).map_err(fail),
        "aarch64" | "arm" => parse_arm(text).map_err(fail),
        _ => Err(fail("this architecture's operands are not decoded")),
    }
}

/// AT&T syntax: `%reg`, `$imm`, `$sym+4`, `disp(base,index,scale)`,
/// `sym+8(%rip)`, `sym`.
fn parse_att(text: &str) -> Result<Operand, &'static str> {
    if let Some(register) = text.strip_prefix('%') {
        if register.contains(':') {
            return Err("segment-relative operands are not supported");
        }
        return register_name(register).map(Operand::Register);
    }
    if let Some(immediate) = text.strip_prefix('$') {
        return match parse_displacement(immediate)? {
            (None, offset) => Ok(Operand::Constant(offset)),
            (Some(symbol), offset) => Ok(Operand::Address { symbol, offset }),
        };
    }
    if text.contains(':') {
        return Err("segment-relative operands are not supported");
    }
    let (displacement, registers) = match text.find('(') {
        Some(open) => {
            let inner = text[open + 1..]
                .strip_suffix(')')
                .ok_or("unbalanced parentheses")?;
            (&text[..open], Some(inner))
        }
        None => (text, None),
    };
    let (symbol, offset) = if displacement.is_empty() {
        (None, 0)
    } else {
        parse_displacement(displacement)?
    };
    let mut memory = MemoryOperand {
        base: None,
        index: None,
        scale: 1,
        offset,
        symbol,
        symbol_low12: false,
    };
    if let Some(inner) = registers {
        let parts: Vec<&str> = inner.split(',').map(str::trim).collect();
        if parts.len() > 3 {
            return Err("too many parts in a memory operand");
        }
        let register = |part: &str| -> Result<Option<String>, &'static str> {
            if part.is_empty() {
                return Ok(None);
            }
            let name = part
                .strip_prefix('%')
                .ok_or("a register in a memory operand needs `%`")?;
            register_name(name).map(Some)
        };
        memory.base = register(parts[0])?;
        if let Some(index) = parts.get(1) {
            memory.index = register(index)?;
        }
        if let Some(scale) = parts.get(2) {
            memory.scale = match *scale {
                "1" => 1,
                "2" => 2,
                "4" => 4,
                "8" => 8,
                _ => return Err("the scale must be 1, 2, 4 or 8"),
            };
        }
    }
    // i386 PIC: `sym@GOTOFF(%ebx)`, %ebx holding the GOT's address, is the
    // symbol's own address.
    if let Some(symbol) = memory.symbol.as_deref() {
        if let Some(plain) = symbol.strip_suffix("@GOTOFF") {
            memory.symbol = Some(plain.to_string());
            memory.base = None;
            memory.index = None;
        }
    }
    if memory.base.as_deref() == Some("rip") && memory.symbol.is_none() {
        // Relative to the end of an instruction the note does not name.
        return Err("a %rip-relative operand without a symbol");
    }
    Ok(Operand::Memory(memory))
}

/// Arm and AArch64: `x0`, `w1`, `sp`, `r3`, `5`, `#-4`, `[sp]`,
/// `[x29, -8]`, `[r3, #4]`, `[x1, x2]`, `[x1, x2, lsl 3]`,
/// `[x1, #:lo12:sym]`.
fn parse_arm(text: &str) -> Result<Operand, &'static str> {
    if let Some(inner) = text.strip_prefix('[') {
        let inner = inner
            .strip_suffix(']')
            .ok_or("unbalanced brackets (pre- and post-indexed forms are not operands)")?;
        let parts: Vec<&str> = inner.split(',').map(str::trim).collect();
        let mut memory = MemoryOperand {
            base: Some(register_name(parts[0])?),
            index: None,
            scale: 1,
            offset: 0,
            symbol: None,
            symbol_low12: false,
        };
        match parts.len() {
            1 => {}
            2 | 3 => {
                let second = parts[1].strip_prefix('#').unwrap_or(parts[1]);
                if let Some(symbol) = second.strip_prefix(":lo12:") {
                    let (symbol, offset) = parse_displacement(symbol)?;
                    memory.symbol = Some(symbol.ok_or("`:lo12:` without a symbol")?);
                    memory.symbol_low12 = true;
                    memory.offset = offset;
                } else if let Ok(offset) = parse_number(second) {
                    memory.offset = offset;
                } else {
                    memory.index = Some(register_name(second)?);
                }
                if let Some(shift) = parts.get(2) {
                    if memory.index.is_none() {
                        return Err("a shift needs an index register");
                    }
                    let amount = shift
                        .strip_prefix("lsl")
                        .map(|a| a.trim().trim_start_matches('#'))
                        .ok_or("only `lsl` shifts are supported")?;
                    memory.scale = match amount {
                        "0" => 1,
                        "1" => 2,
                        "2" => 4,
                        "3" => 8,
                        _ => return Err("the shift must be 0 to 3"),
                    };
                }
            }
            _ => return Err("too many parts in a memory operand"),
        }
        return Ok(Operand::Memory(memory));
    }
    let number = text.strip_prefix('#').unwrap_or(text);
    if let Ok(value) = parse_number(number) {
        return Ok(Operand::Constant(value));
    }
    register_name(text).map(Operand::Register)
}

/// `name`, lower-cased, when it looks like a register name (the tracer
/// knows which names exist on its architecture).
fn register_name(name: &str) -> Result<String, &'static str> {
    let name = name.trim();
    let valid = !name.is_empty()
        && name.as_bytes()[0].is_ascii_alphabetic()
        && name.bytes().all(|b| b.is_ascii_alphanumeric());
    if valid {
        Ok(name.to_ascii_lowercase())
    } else {
        Err("not a register name")
    }
}

/// `-20`, `0x10`, `sym`, `sym+8`, `sym-8`, `8+sym`.
fn parse_displacement(text: &str) -> Result<(Option<String>, i64), &'static str> {
    if let Ok(value) = parse_number(text) {
        return Ok((None, value));
    }
    if text.is_empty() {
        return Err("empty");
    }
    let mut symbol = None;
    let mut offset: i64 = 0;
    let mut rest = text;
    let mut negative = false;
    loop {
        let end = rest[1..]
            .find(['+', '-'])
            .map(|at| at + 1)
            .unwrap_or(rest.len());
        let term = rest[..end].trim();
        if let Ok(value) = parse_number(term) {
            offset = if negative {
                offset.wrapping_sub(value)
            } else {
                offset.wrapping_add(value)
            };
        } else if !negative && symbol.is_none() && is_symbol(term) {
            symbol = Some(term.to_string());
        } else {
            return Err("not a number or symbol");
        }
        if end == rest.len() {
            break;
        }
        negative = rest.as_bytes()[end] == b'-';
        rest = &rest[end + 1..];
        if rest.is_empty() {
            return Err("an expression ends with an operator");
        }
    }
    Ok((symbol, offset))
}

fn is_symbol(text: &str) -> bool {
    !text.is_empty()
        && !text.as_bytes()[0].is_ascii_digit()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.$@".contains(&b))
}

/// A decimal or `0x` hexadecimal integer with an optional sign; values
/// above `i64::MAX` wrap, as the assembler reads them.
fn parse_number(text: &str) -> Result<i64, ()> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let magnitude = if let Some(hex) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        u64::from_str_radix(hex, 16).map_err(|_| ())?
    } else if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse::<u64>().map_err(|_| ())?
    } else {
        return Err(());
    };
    let value = magnitude as i64;
    Ok(if negative {
        value.wrapping_neg()
    } else {
        value
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn memory(base: Option<&str>, index: Option<&str>, scale: u8, offset: i64) -> Operand {
        Operand::Memory(MemoryOperand {
            base: base.map(str::to_string),
            index: index.map(str::to_string),
            scale,
            offset,
            symbol: None,
            symbol_low12: false,
        })
    }

    fn symbolic(base: Option<&str>, symbol: &str, offset: i64, low12: bool) -> Operand {
        Operand::Memory(MemoryOperand {
            base: base.map(str::to_string),
            index: None,
            scale: 1,
            offset,
            symbol: Some(symbol.to_string()),
            symbol_low12: low12,
        })
    }

    fn reg(name: &str) -> Operand {
        Operand::Register(name.to_string())
    }

    #[test]
    fn x86() {
        let cases = [
            ("%rdi", reg("rdi")),
            ("%R8D", reg("r8d")),
            ("$5", Operand::Constant(5)),
            ("$-1", Operand::Constant(-1)),
            (
                "$-446744073709551616",
                Operand::Constant(-446744073709551616),
            ),
            ("$18446744073709551615", Operand::Constant(-1)),
            ("$0x10", Operand::Constant(16)),
            (
                "$table+8",
                Operand::Address {
                    symbol: "table".into(),
                    offset: 8,
                },
            ),
            ("-20(%rbp)", memory(Some("rbp"), None, 1, -20)),
            ("(%rsi)", memory(Some("rsi"), None, 1, 0)),
            ("8(%rax,%rbx,8)", memory(Some("rax"), Some("rbx"), 8, 8)),
            ("(,%rcx,4)", memory(None, Some("rcx"), 4, 0)),
            ("gl(%rip)", symbolic(Some("rip"), "gl", 0, false)),
            ("gl+4(%rip)", symbolic(Some("rip"), "gl", 4, false)),
            ("gl-4(%rip)", symbolic(Some("rip"), "gl", -4, false)),
            ("counter.0", symbolic(None, "counter.0", 0, false)),
            ("1234", memory(None, None, 1, 1234)),
        ];
        for (text, want) in cases {
            assert_eq!(parse_operand("x86_64", text), Ok(want), "{text}");
        }
        for bad in [
            "%fs:8",
            "%fs:(%rax)",
            "8(%rip)",
            "(%rax",
            "(%rax,%rbx,3)",
            "1(%rax,%rbx,2,4)",
            "(rax)",
            "%",
            "$",
            "a+",
        ] {
            assert!(parse_operand("x86_64", bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_operand("i386", "8(%ebp)"),
            Ok(memory(Some("ebp"), None, 1, 8))
        );
    }

    #[test]
    fn arm() {
        let cases = [
            ("x0", reg("x0")),
            ("w1", reg("w1")),
            ("sp", reg("sp")),
            ("-1", Operand::Constant(-1)),
            ("7", Operand::Constant(7)),
            (
                "-446744073709551616",
                Operand::Constant(-446744073709551616),
            ),
            ("#4", Operand::Constant(4)),
            ("#-4", Operand::Constant(-4)),
            ("[x1]", memory(Some("x1"), None, 1, 0)),
            ("[sp, 79]", memory(Some("sp"), None, 1, 79)),
            ("[x29, -8]", memory(Some("x29"), None, 1, -8)),
            ("[r3, #4]", memory(Some("r3"), None, 1, 4)),
            ("[fp, #-12]", memory(Some("fp"), None, 1, -12)),
            ("[x1, x2]", memory(Some("x1"), Some("x2"), 1, 0)),
            ("[x1, x2, lsl 3]", memory(Some("x1"), Some("x2"), 8, 0)),
            ("[x1, x2, lsl #2]", memory(Some("x1"), Some("x2"), 4, 0)),
            ("[x1, #:lo12:gl]", symbolic(Some("x1"), "gl", 0, true)),
            ("[x1, #:lo12:gl+8]", symbolic(Some("x1"), "gl", 8, true)),
        ];
        for (text, want) in cases {
            assert_eq!(parse_operand("aarch64", text), Ok(want), "{text}");
        }
        for bad in [
            "[x0, 8]!",
            "[x0], 8",
            "[x0, 8, 9]",
            "[x1, x2, asr 3]",
            "[]",
            "@",
        ] {
            assert!(parse_operand("aarch64", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn other_machines_say_so() {
        let err = parse_operand("riscv64", "8(sp)").unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot read riscv64 operand `8(sp)`: this architecture's operands are not decoded"
        );
        let arg = &crate::parse_arguments("-4@-20(%rbp)")[0];
        assert_eq!(arg.operand("x86_64"), Ok(memory(Some("rbp"), None, 1, -20)));
    }
}
