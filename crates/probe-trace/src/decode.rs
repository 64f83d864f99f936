//! An argument's value at a hit: fetched from a register, memory or the
//! note itself as its operand says, cut to the note's size and sign, and
//! shown as a number, a pointer or a string.

use probe_inspect::Operand;

use crate::arch::Registers;
use crate::memory::{read_c_string, Memory};
use crate::objects::{ArgPlan, ObjectFile};
use crate::{ArgKind, Value};

/// Everything a hit's arguments are read from.
pub struct Context<'a> {
    pub registers: &'a Registers,
    pub memory: &'a dyn Memory,
    /// The load bias of the file with the site (for symbols in operands).
    pub bias: u64,
    pub object: Option<&'a ObjectFile>,
    /// Longest string shown, in bytes.
    pub string_bytes: usize,
    /// The program's pointer size: which unsigned values may be pointers.
    pub pointer_size: u32,
}

/// Why an argument could not be read: said once per site and argument.
pub type Problem = String;

pub fn decode(plan: &ArgPlan, context: &Context<'_>) -> Result<Value, Problem> {
    let raw = fetch(plan, context)?;
    let bits = plan.size.min(8) * 8;
    let narrowed = if bits >= 64 {
        raw
    } else {
        raw & ((1u64 << bits) - 1)
    };
    if plan.float || plan.kind == ArgKind::Float {
        return match plan.size {
            4 => Ok(Value::Float(f32::from_bits(narrowed as u32).into())),
            8 => Ok(Value::Float(f64::from_bits(narrowed))),
            size => Err(format!("a {size}-byte floating-point value")),
        };
    }
    let signed = if plan.signed && bits < 64 && narrowed >> (bits - 1) & 1 == 1 {
        (narrowed | !((1u64 << bits) - 1)) as i64
    } else {
        narrowed as i64
    };
    Ok(match plan.kind {
        ArgKind::Integer if plan.signed => Value::Signed(signed),
        ArgKind::Integer => Value::Unsigned(narrowed),
        ArgKind::Pointer => Value::Pointer(narrowed),
        ArgKind::String => string_at(narrowed, context).unwrap_or(Value::Pointer(narrowed)),
        ArgKind::Auto if plan.signed => Value::Signed(signed),
        ArgKind::Auto if plan.size == context.pointer_size => guess(narrowed, context),
        ArgKind::Auto | ArgKind::Float => Value::Unsigned(narrowed),
    })
}

/// Without the provider file, an unsigned pointer-sized value is shown as
/// a string when it points at two or more printable characters ending in
/// NUL (or filling the whole `--strings` window), as a pointer when it
/// points at anything else readable, and as a number otherwise. (One
/// character is too often the low byte of an integer: 42 is `"*"`.)
fn guess(value: u64, context: &Context<'_>) -> Value {
    if value < 4096 {
        return Value::Unsigned(value);
    }
    match read_c_string(context.memory, value, context.string_bytes) {
        None => Value::Unsigned(value),
        Some((bytes, truncated)) => {
            let text = std::str::from_utf8(&bytes).ok();
            let printable = text.is_some_and(|t| {
                t.chars().count() >= 2.min(context.string_bytes)
                    && t.chars()
                        .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
            });
            // Cut short by unreadable memory rather than by the window:
            // not a C string.
            let ended_badly = truncated && bytes.len() < context.string_bytes;
            if printable && !ended_badly {
                Value::String {
                    bytes,
                    truncated,
                    address: value,
                }
            } else {
                Value::Pointer(value)
            }
        }
    }
}

fn string_at(address: u64, context: &Context<'_>) -> Option<Value> {
    if address == 0 {
        return None;
    }
    let (bytes, truncated) = read_c_string(context.memory, address, context.string_bytes)?;
    Some(Value::String {
        bytes,
        truncated,
        address,
    })
}

fn fetch(plan: &ArgPlan, context: &Context<'_>) -> Result<u64, Problem> {
    let operand = plan.operand.as_ref().map_err(Clone::clone)?;
    let register = |name: &str| {
        context.registers.value(name).ok_or_else(|| {
            format!(
                "no register `{name}` is read on {}",
                context.registers.machine.name()
            )
        })
    };
    let symbol = |name: &str| {
        context
            .object
            .and_then(|object| object.symbol(name))
            .ok_or_else(|| format!("symbol `{name}` not found (stripped, or defined twice)"))
    };
    match operand {
        Operand::Register(name) => register(name),
        Operand::Constant(value) => Ok(*value as u64),
        Operand::Address {
            symbol: name,
            offset,
        } => Ok(symbol(name)?
            .wrapping_add(context.bias)
            .wrapping_add(*offset as u64)),
        Operand::Memory(memory) => {
            let mut address = (memory.offset as u64).wrapping_add(match &memory.symbol {
                // The base register holds the symbol's page (adrp).
                Some(name) if memory.symbol_low12 => symbol(name)? & 0xfff,
                Some(name) => symbol(name)?.wrapping_add(context.bias),
                None => 0,
            });
            if let Some(base) = &memory.base {
                // `sym(%rip)` is the symbol's address, already counted.
                if !(base == "rip" && memory.symbol.is_some()) {
                    address = address.wrapping_add(register(base)?);
                }
            }
            if let Some(index) = &memory.index {
                address = address.wrapping_add(register(index)?.wrapping_mul(memory.scale.into()));
            }
            if plan.size > 8 || plan.size == 0 {
                return Err(format!("a {}-byte value", plan.size));
            }
            let mut buf = [0u8; 8];
            let size = plan.size as usize;
            if !context.memory.read_exact(address, &mut buf[..size]) {
                return Err(format!("cannot read {size} bytes at {address:#x}"));
            }
            // Both supported architectures are little-endian.
            Ok(u64::from_le_bytes(buf))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arch::Machine;
    use crate::memory::tests::Snapshot;

    fn plan(spec: &str, machine: &str, kind: ArgKind) -> ArgPlan {
        let arg = probe_inspect::parse_arguments(spec).remove(0);
        ArgPlan {
            spec: arg.spec.clone(),
            size: arg.size.unwrap_or(8),
            signed: arg.signed,
            float: arg.float,
            operand: arg.operand(machine).map_err(|e| e.to_string()),
            kind,
        }
    }

    fn x86() -> (Registers, Snapshot) {
        let mut regs = Registers::new(Machine::X86_64);
        regs.general[0] = 0xffff_ffff_ffff_fffe; // rax
        regs.general[6] = 0x7000_0020; // rbp
        regs.general[4] = 0x7000_0000; // rsi
        let mut bytes = vec![0u8; 0x40];
        bytes[0x0c..0x10].copy_from_slice(&(-3i32).to_le_bytes()); // -20(%rbp)
        bytes[0x10..0x18].copy_from_slice(&0x7000_0030u64.to_le_bytes());
        bytes[0x30..0x36].copy_from_slice(b"hello\0");
        (
            regs,
            Snapshot {
                start: 0x7000_0000,
                bytes,
            },
        )
    }

    fn value(spec: &str, kind: ArgKind) -> Result<Value, Problem> {
        let (regs, memory) = x86();
        let context = Context {
            registers: &regs,
            memory: &memory,
            bias: 0,
            object: None,
            string_bytes: 64,
            pointer_size: 8,
        };
        decode(&plan(spec, "x86_64", kind), &context)
    }

    #[test]
    fn sizes_and_signs() {
        use Value::*;
        let auto = ArgKind::Auto;
        assert_eq!(value("-8@%rax", auto), Ok(Signed(-2)));
        assert_eq!(value("-4@%eax", auto), Ok(Signed(-2)));
        assert_eq!(value("4@%eax", auto), Ok(Unsigned(0xffff_fffe)));
        assert_eq!(value("-2@%ax", auto), Ok(Signed(-2)));
        assert_eq!(value("1@%al", auto), Ok(Unsigned(254)));
        assert_eq!(value("-1@%al", auto), Ok(Signed(-2)));
        assert_eq!(value("-4@-20(%rbp)", auto), Ok(Signed(-3)));
        assert_eq!(value("4@-20(%rbp)", auto), Ok(Unsigned(0xffff_fffd)));
        assert_eq!(value("-1@$-1", auto), Ok(Signed(-1)));
        assert_eq!(value("1@$-6", auto), Ok(Unsigned(250)));
        assert_eq!(value("4@$-294967296", auto), Ok(Unsigned(4_000_000_000)));
        assert_eq!(
            value("8@$-446744073709551616", ArgKind::Integer),
            Ok(Unsigned(18_000_000_000_000_000_000))
        );
        assert_eq!(value("-4@$5", auto), Ok(Signed(5)));
        // The old form without a size: pointer-sized.
        assert_eq!(value("%rsi", ArgKind::Pointer), Ok(Pointer(0x7000_0000)));
    }

    #[test]
    fn strings_and_pointers() {
        use Value::*;
        let hello = || String {
            bytes: b"hello".to_vec(),
            truncated: false,
            address: 0x7000_0030,
        };
        // 8@(%rsi) reads the pointer stored at rsi, which points at "hello".
        assert_eq!(value("8@-16(%rbp)", ArgKind::String), Ok(hello()));
        assert_eq!(value("8@-16(%rbp)", ArgKind::Auto), Ok(hello()));
        // Points at zeros: not text.
        assert_eq!(value("8@%rsi", ArgKind::Auto), Ok(Pointer(0x7000_0000)));
        // Unreadable: a number.
        assert_eq!(value("8@%rax", ArgKind::Auto), Ok(Unsigned(u64::MAX - 1)));
        assert_eq!(value("8@%rax", ArgKind::String), Ok(Pointer(u64::MAX - 1)));
        assert_eq!(value("8@$0", ArgKind::String), Ok(Pointer(0)));
        assert_eq!(value("8@%rsi", ArgKind::Integer), Ok(Unsigned(0x7000_0000)));
        let (regs, memory) = x86();
        let context = Context {
            registers: &regs,
            memory: &memory,
            bias: 0,
            object: None,
            string_bytes: 3,
            pointer_size: 8,
        };
        assert_eq!(
            decode(&plan("8@-16(%rbp)", "x86_64", ArgKind::String), &context),
            Ok(String {
                bytes: b"hel".to_vec(),
                truncated: true,
                address: 0x7000_0030
            })
        );
    }

    #[test]
    fn problems_are_reported() {
        assert!(value("-4@-2000(%rbp)", ArgKind::Auto)
            .unwrap_err()
            .starts_with("cannot read 4 bytes at 0x6fff"));
        assert_eq!(
            value("8f@%xmm0", ArgKind::Auto).unwrap_err(),
            "no register `xmm0` is read on x86_64"
        );
        assert_eq!(
            value("-4@gl(%rip)", ArgKind::Auto).unwrap_err(),
            "symbol `gl` not found (stripped, or defined twice)"
        );
    }
}
