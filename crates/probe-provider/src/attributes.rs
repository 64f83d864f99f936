//! `#pragma D attributes`: the stability of a provider's names and data.
//!
//! DTrace writes `#pragma D attributes NAME/DATA/CLASS provider PROV GROUP`
//! for each of the five groups of a provider (provider, module, function,
//! name, args). macOS's linker bakes them into a symbol; other platforms
//! keep them in the DOF.

use std::fmt;

/// A stability level, in DTrace's order (`dtrace_stability_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Stability {
    Internal,
    Private,
    Obsolete,
    External,
    Unstable,
    Evolving,
    Stable,
    Standard,
}

/// A dependency class, in DTrace's order (`dtrace_class_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum DependencyClass {
    Unknown,
    Cpu,
    Platform,
    Group,
    Isa,
    Common,
}

/// One attribute triple: name stability, data stability, dependency class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Attributes {
    pub name: Stability,
    pub data: Stability,
    pub class: DependencyClass,
}

/// The attributes of a provider's five groups. A group no pragma names is
/// Private/Private/Unknown, as libdtrace's `_dtrace_prvdesc`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ProviderAttributes {
    pub provider: Attributes,
    pub module: Attributes,
    pub function: Attributes,
    pub name: Attributes,
    pub args: Attributes,
}

const STABILITIES: [(Stability, &str); 8] = [
    (Stability::Internal, "Internal"),
    (Stability::Private, "Private"),
    (Stability::Obsolete, "Obsolete"),
    (Stability::External, "External"),
    (Stability::Unstable, "Unstable"),
    (Stability::Evolving, "Evolving"),
    (Stability::Stable, "Stable"),
    (Stability::Standard, "Standard"),
];

const CLASSES: [(DependencyClass, &str); 6] = [
    (DependencyClass::Unknown, "Unknown"),
    (DependencyClass::Cpu, "CPU"),
    (DependencyClass::Platform, "Platform"),
    (DependencyClass::Group, "Group"),
    (DependencyClass::Isa, "ISA"),
    (DependencyClass::Common, "Common"),
];

const GROUPS: [&str; 5] = ["provider", "module", "function", "name", "args"];

impl Stability {
    /// DTrace's number for the level (0 for Internal ... 7 for Standard).
    pub fn code(self) -> u8 {
        STABILITIES.iter().position(|(s, _)| *s == self).unwrap() as u8
    }
}

impl DependencyClass {
    /// DTrace's number for the class (0 for Unknown ... 5 for Common).
    pub fn code(self) -> u8 {
        CLASSES.iter().position(|(c, _)| *c == self).unwrap() as u8
    }
}

impl fmt::Display for Attributes {
    /// `Evolving/Evolving/Common`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let stability = |s: Stability| STABILITIES[s.code() as usize].1;
        write!(
            f,
            "{}/{}/{}",
            stability(self.name),
            stability(self.data),
            CLASSES[self.class.code() as usize].1
        )
    }
}

impl Default for Attributes {
    fn default() -> Self {
        Attributes {
            name: Stability::Private,
            data: Stability::Private,
            class: DependencyClass::Unknown,
        }
    }
}

impl ProviderAttributes {
    /// The five groups in DTrace's order: provider, module, function, name, args.
    pub fn groups(&self) -> [Attributes; 5] {
        [
            self.provider,
            self.module,
            self.function,
            self.name,
            self.args,
        ]
    }

    pub(crate) fn set(&mut self, index: usize, attributes: Attributes) {
        *self.group_mut(index) = attributes;
    }

    fn group_mut(&mut self, index: usize) -> &mut Attributes {
        match index {
            0 => &mut self.provider,
            1 => &mut self.module,
            2 => &mut self.function,
            3 => &mut self.name,
            _ => &mut self.args,
        }
    }
}

/// A `#pragma D attributes ATTR provider PROV GROUP` line, read.
pub(crate) struct AttributesPragma {
    pub provider: String,
    /// The group's index (in [`ProviderAttributes::groups`] order) and its
    /// attributes, or why the line cannot be read.
    pub setting: Result<(usize, Attributes), String>,
}

/// Reads a pragma's text; `None` for any other pragma (other `attributes`
/// forms name probes or identifiers, which the generators have no use for).
pub(crate) fn provider_attributes_pragma(text: &str) -> Option<AttributesPragma> {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.first() != Some(&"attributes") || words.get(2) != Some(&"provider") {
        return None;
    }
    let provider = words.get(3)?.to_string();
    let read = match words.get(4) {
        None => Err(
            "`#pragma D attributes` for a provider needs a group: provider, module, \
             function, name or args"
                .to_string(),
        ),
        Some(group) => match GROUPS.iter().position(|g| g == group) {
            None => Err(format!(
                "unknown attribute group `{group}`: expected provider, module, function, \
                 name or args"
            )),
            Some(index) => {
                parse_attributes(words.get(1).copied().unwrap_or("")).map(|a| (index, a))
            }
        },
    };
    Some(AttributesPragma {
        provider,
        setting: read,
    })
}

/// `Evolving/Evolving/Common`; parts left out are Standard/Standard/Common,
/// as libdtrace's `dtrace_str2attr` reads them. Case does not matter.
fn parse_attributes(text: &str) -> Result<Attributes, String> {
    let parts: Vec<&str> = text.split('/').collect();
    if text.is_empty() || parts.len() > 3 {
        return Err(format!(
            "bad attributes `{text}`: expected NAME/DATA/CLASS, e.g. Evolving/Evolving/Common"
        ));
    }
    let level = |word: &str| {
        STABILITIES
            .iter()
            .find(|(_, name)| name.eq_ignore_ascii_case(word))
            .map(|(s, _)| *s)
            .ok_or_else(|| {
                format!(
                    "unknown stability `{word}`: expected Internal, Private, Obsolete, External, \
                     Unstable, Evolving, Stable or Standard"
                )
            })
    };
    let mut attributes = Attributes {
        name: level(parts[0])?,
        data: Stability::Standard,
        class: DependencyClass::Common,
    };
    if let Some(data) = parts.get(1) {
        attributes.data = level(data)?;
    }
    if let Some(class) = parts.get(2) {
        attributes.class = CLASSES
            .iter()
            .find(|(_, name)| name.eq_ignore_ascii_case(class))
            .map(|(c, _)| *c)
            .ok_or_else(|| {
                format!(
                    "unknown dependency class `{class}`: expected Unknown, CPU, Platform, Group, \
                     ISA or Common"
                )
            })?;
    }
    Ok(attributes)
}
