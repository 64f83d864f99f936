/// The most arguments an SDT probe can carry.
pub const MAX_PROBE_ARGS: usize = 12;

/// A C type as it appears in a probe's parameter list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CType {
    /// The type as written, with white space folded to single spaces.
    pub written: String,
    /// A canonical spelling: qualifiers of the base first, integer types in
    /// their usual order (`long unsigned int` is `unsigned long`), pointer
    /// stars last with their own qualifiers (`char *const`).
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
    /// `string`, or a pointer to (possibly qualified) `char`.
    String,
    /// Any other pointer.
    Pointer,
    /// `float` or `double`.
    Float,
    /// A name this crate does not know (a project typedef, a struct by value):
    /// generators must use the C expression's own type.
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
