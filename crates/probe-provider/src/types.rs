/// The most arguments an SDT probe can carry.
pub const MAX_PROBE_ARGS: usize = 12;

/// A C type as it appears in a probe's parameter list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CType {
    /// The type as written (after preprocessing, when `-C` was used): its
    /// words exactly, with any white space or comment between two of them
    /// folded to one space and none added (`char*` stays `char*`,
    /// `char  const *` becomes `char const *`). The parameter name is not part
    /// of it.
    pub written: String,
    /// A canonical spelling; two types are the same C type exactly when
    /// their normalized spellings are equal:
    /// - qualifiers of the base come first, `const` before `volatile`:
    ///   `char const *` is `const char *`, `int volatile const` is
    ///   `const volatile int`;
    /// - integer words in their usual order, the implied `int` dropped,
    ///   `signed` dropped except in `signed char`: `long unsigned int` is
    ///   `unsigned long`, `long long int` is `long long`, `short int` is
    ///   `short`, `signed` is `int`, `unsigned` is `unsigned int`;
    /// - `_Bool` is `bool`; `struct`/`union`/`enum` keep their keyword and tag;
    ///   typedef names (known like `size_t`, or not) and `string` stay as they are;
    /// - pointers follow the base after one space, each `*` followed directly
    ///   by its own qualifiers: `char * const` is `char *const`,
    ///   `const char * const *` is `const char *const *`, `foo_t*` is `foo_t *`.
    ///
    /// Normalizing a normalized spelling gives it back unchanged.
    pub normalized: String,
    /// What generators need to know about the type.
    pub class: TypeClass,
}

/// The kind of value a probe argument carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeClass {
    /// An integer type whose size and signedness are known.
    Integer(IntType),
    /// `bool` or `_Bool`.
    Bool,
    /// `string`, or a single pointer to (possibly qualified) `char`,
    /// `signed char` or `unsigned char` (`char *const` too; `char **` is a
    /// [`TypeClass::Pointer`]).
    String,
    /// Any other pointer.
    Pointer,
    /// `float` or `double`.
    Float,
    /// A name this crate does not know (a project typedef, an enum by
    /// value): generators must use the C expression's own type. (Structs
    /// and unions by value, `long double` and 128-bit integers are refused:
    /// a probe argument is a scalar of at most 8 bytes.)
    Other,
}

/// The integer types generators map to target types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntType {
    /// Plain `char`: its signedness depends on the target.
    Char,
    SignedChar,
    UnsignedChar,
    Short,
    UnsignedShort,
    Int,
    UnsignedInt,
    Long,
    UnsignedLong,
    LongLong,
    UnsignedLongLong,
    I8,
    U8,
    I16,
    U16,
    I32,
    U32,
    I64,
    U64,
    Size,
    SSize,
    IntPtr,
    UIntPtr,
    PtrDiff,
    /// `off_t`, `pid_t`, `uid_t`, `gid_t`: Linux sizes.
    Off,
    Pid,
    Uid,
    Gid,
}

impl IntType {
    /// The canonical C spelling.
    pub fn c_name(self) -> &'static str {
        use IntType::*;
        match self {
            Char => "char",
            SignedChar => "signed char",
            UnsignedChar => "unsigned char",
            Short => "short",
            UnsignedShort => "unsigned short",
            Int => "int",
            UnsignedInt => "unsigned int",
            Long => "long",
            UnsignedLong => "unsigned long",
            LongLong => "long long",
            UnsignedLongLong => "unsigned long long",
            I8 => "int8_t",
            U8 => "uint8_t",
            I16 => "int16_t",
            U16 => "uint16_t",
            I32 => "int32_t",
            U32 => "uint32_t",
            I64 => "int64_t",
            U64 => "uint64_t",
            Size => "size_t",
            SSize => "ssize_t",
            IntPtr => "intptr_t",
            UIntPtr => "uintptr_t",
            PtrDiff => "ptrdiff_t",
            Off => "off_t",
            Pid => "pid_t",
            Uid => "uid_t",
            Gid => "gid_t",
        }
    }

    /// Whether the type is signed; `None` for plain `char`, which depends on
    /// the target (signed on x86, unsigned on Arm, POWER, s390x, RISC-V).
    pub fn is_signed(self) -> Option<bool> {
        use IntType::*;
        match self {
            Char => None,
            SignedChar | Short | Int | Long | LongLong | I8 | I16 | I32 | I64 | SSize | IntPtr
            | PtrDiff | Off | Pid => Some(true),
            UnsignedChar | UnsignedShort | UnsignedInt | UnsignedLong | UnsignedLongLong | U8
            | U16 | U32 | U64 | Size | UIntPtr | Uid | Gid => Some(false),
        }
    }

    /// Size in bytes on a Linux target with the given pointer width (4 or 8).
    pub fn size(self, pointer_width: u8) -> u8 {
        use IntType::*;
        match self {
            Char | SignedChar | UnsignedChar | I8 | U8 => 1,
            Short | UnsignedShort | I16 | U16 => 2,
            Int | UnsignedInt | I32 | U32 | Pid | Uid | Gid => 4,
            LongLong | UnsignedLongLong | I64 | U64 => 8,
            // off_t is 64-bit on 64-bit Linux; 32-bit builds without
            // _FILE_OFFSET_BITS=64 keep a 32-bit off_t.
            Long | UnsignedLong | Size | SSize | IntPtr | UIntPtr | PtrDiff | Off => pointer_width,
        }
    }
}

/// The pieces of a declaration's type, collected token by token; the order
/// of the words does not matter to C, so it does not matter here.
#[derive(Debug, Default, Clone)]
pub(crate) struct TypeSpec {
    pub is_const: bool,
    pub is_volatile: bool,
    pub signed: u8,
    pub unsigned: u8,
    pub char: u8,
    pub short: u8,
    pub int: u8,
    pub long: u8,
    pub float: u8,
    pub double: u8,
    pub void: u8,
    /// `bool` or `_Bool`.
    pub bool_: u8,
    /// GCC's `__int128`.
    pub int128: u8,
    /// D's `string`.
    pub string: u8,
    /// `struct TAG`, `union TAG`, `enum TAG`.
    pub tagged: Option<(&'static str, String)>,
    /// A typedef name (known, like `size_t`, or not).
    pub typedef_name: Option<String>,
    /// One entry per `*`, each with its qualifiers in order of appearance.
    pub pointers: Vec<Vec<&'static str>>,
}

/// What the integer keywords of a declaration add up to.
enum Base {
    Int(IntType),
    Float(&'static str),
    LongDouble,
    /// `__int128`, `unsigned __int128`, `__int128_t`, `__uint128_t`.
    Int128(String),
    Void,
    Bool,
    String,
    Tagged(String),
    Typedef(String),
}

impl TypeSpec {
    /// Whether a type has been named, so that a following identifier is the
    /// parameter's name (`unsigned int count`) rather than a typedef name.
    pub fn has_base(&self) -> bool {
        self.signed
            + self.unsigned
            + self.char
            + self.short
            + self.int
            + self.long
            + self.float
            + self.double
            + self.void
            + self.bool_
            + self.string
            + self.int128
            > 0
            || self.tagged.is_some()
            || self.typedef_name.is_some()
    }

    fn base(&self) -> Result<Base, String> {
        if self.int128 > 0 {
            let others = self.char + self.short + self.int + self.long + self.float + self.double;
            if self.int128 > 1 || others > 0 || self.tagged.is_some() || self.typedef_name.is_some()
            {
                return Err("conflicting type names".into());
            }
            return Ok(Base::Int128(
                if self.unsigned > 0 {
                    "unsigned __int128"
                } else {
                    "__int128"
                }
                .to_string(),
            ));
        }
        let words = self.signed + self.unsigned + self.char + self.short + self.int + self.long;
        let others = self.float
            + self.double
            + self.void
            + self.bool_
            + self.string
            + self.tagged.is_some() as u8
            + self.typedef_name.is_some() as u8;
        if others > 1
            || (others == 1
                && words > 0
                && !(self.double == 1 && words == self.long && self.long == 1))
        {
            return Err("conflicting type names".into());
        }
        if self.double == 1 && self.long == 1 {
            return Ok(Base::LongDouble);
        }
        if others == 1 {
            return Ok(if self.float == 1 {
                Base::Float("float")
            } else if self.double == 1 {
                Base::Float("double")
            } else if self.void == 1 {
                Base::Void
            } else if self.bool_ == 1 {
                Base::Bool
            } else if self.string == 1 {
                Base::String
            } else if let Some((keyword, tag)) = &self.tagged {
                Base::Tagged(format!("{keyword} {tag}"))
            } else {
                let name = self.typedef_name.clone().unwrap_or_default();
                match known_typedef(&name) {
                    Some(int) => Base::Int(int),
                    None if matches!(name.as_str(), "__int128_t" | "__uint128_t") => {
                        Base::Int128(name)
                    }
                    None => Base::Typedef(name),
                }
            });
        }
        if self.signed + self.unsigned > 1 {
            return Err("`signed` and `unsigned` can be given only once, not both".into());
        }
        if self.char + self.short > 1 || self.int > 1 || self.long > 2 {
            return Err("too many integer type words".into());
        }
        let unsigned = self.unsigned == 1;
        use IntType::*;
        let int = if self.char == 1 {
            if self.short + self.long + self.int > 0 {
                return Err("`char` cannot be combined with `short`, `int` or `long`".into());
            }
            match (self.signed, self.unsigned) {
                (1, _) => SignedChar,
                (_, 1) => UnsignedChar,
                _ => Char,
            }
        } else if self.short == 1 {
            if self.long > 0 {
                return Err("`short` cannot be combined with `long`".into());
            }
            if unsigned {
                UnsignedShort
            } else {
                Short
            }
        } else {
            match (self.long, unsigned) {
                (0, false) => Int,
                (0, true) => UnsignedInt,
                (1, false) => Long,
                (1, true) => UnsignedLong,
                (_, false) => LongLong,
                (_, true) => UnsignedLongLong,
            }
        };
        Ok(Base::Int(int))
    }

    /// The normalized spelling and class, or why the words make no type.
    pub fn finish(&self) -> Result<(String, TypeClass), String> {
        let base = self.base()?;
        let mut out = String::new();
        if self.is_const {
            out.push_str("const ");
        }
        if self.is_volatile {
            out.push_str("volatile ");
        }
        let is_char = matches!(
            base,
            Base::Int(IntType::Char | IntType::SignedChar | IntType::UnsignedChar)
        );
        let class = match &base {
            Base::Int(int) => {
                out.push_str(int.c_name());
                TypeClass::Integer(*int)
            }
            Base::Float(name) => {
                out.push_str(name);
                TypeClass::Float
            }
            Base::LongDouble => {
                out.push_str("long double");
                TypeClass::Other
            }
            Base::Int128(name) => {
                out.push_str(name);
                TypeClass::Other
            }
            Base::Void => {
                out.push_str("void");
                TypeClass::Other
            }
            Base::Bool => {
                out.push_str("bool");
                TypeClass::Bool
            }
            Base::String => {
                if !self.pointers.is_empty() {
                    return Err(
                        "`string` is already a pointer; write `char *` for a pointer".into(),
                    );
                }
                out.push_str("string");
                TypeClass::String
            }
            Base::Tagged(name) | Base::Typedef(name) => {
                out.push_str(name);
                TypeClass::Other
            }
        };
        if self.pointers.is_empty() {
            // A probe argument travels in one register or stack slot: a
            // scalar of at most 8 bytes. Anything larger would make a note
            // (`16@%rax`) that every tracer misreads.
            let too_large = match &base {
                Base::Void => return Err("a parameter cannot have type `void`".into()),
                Base::Tagged(name) if !name.starts_with("enum ") => Some(format!(
                    "a {} passed by value cannot be a probe argument; pass a pointer (`{name} *`)",
                    name.split(' ').next().unwrap_or("struct")
                )),
                Base::LongDouble => Some(
                    "`long double` (16 bytes) cannot be a probe argument, which is at most 8 \
                     bytes; pass a `double` or a pointer"
                        .to_string(),
                ),
                Base::Int128(_) => Some(
                    "a 128-bit integer cannot be a probe argument, which is at most 8 bytes; \
                     pass it in two 64-bit halves or by pointer"
                        .to_string(),
                ),
                _ => None,
            };
            if let Some(why) = too_large {
                return Err(why);
            }
            return Ok((out, class));
        }
        out.push(' ');
        for (i, quals) in self.pointers.iter().enumerate() {
            out.push('*');
            if !quals.is_empty() {
                out.push_str(&quals.join(" "));
                if i + 1 < self.pointers.len() {
                    out.push(' ');
                }
            }
        }
        let class = if is_char && self.pointers.len() == 1 {
            TypeClass::String
        } else {
            TypeClass::Pointer
        };
        Ok((out, class))
    }
}

/// The typedef names whose integer type this crate knows.
pub(crate) fn known_typedef(name: &str) -> Option<IntType> {
    use IntType::*;
    Some(match name {
        "int8_t" => I8,
        "uint8_t" => U8,
        "int16_t" => I16,
        "uint16_t" => U16,
        "int32_t" => I32,
        "uint32_t" => U32,
        "int64_t" => I64,
        "uint64_t" => U64,
        "size_t" => Size,
        "ssize_t" => SSize,
        "intptr_t" => IntPtr,
        "uintptr_t" => UIntPtr,
        "ptrdiff_t" => PtrDiff,
        "off_t" => Off,
        "pid_t" => Pid,
        "uid_t" => Uid,
        "gid_t" => Gid,
        _ => return None,
    })
}
