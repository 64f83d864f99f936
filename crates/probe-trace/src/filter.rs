//! `-n 'provider:name'` patterns with `*` wildcards.

/// Which probes to trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    patterns: Vec<(String, String)>,
}

/// glibc's own providers: traced only when a pattern names them.
const SYSTEM_PROVIDERS: [&str; 2] = ["libc", "rtld"];

impl Filter {
    /// `provider:name` patterns; a pattern without `:` is a probe name in
    /// any provider. No patterns: every probe but glibc's own (`libc`,
    /// `rtld`), which fire inside `malloc`, `setjmp` and lock waits.
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Filter {
        let patterns = patterns
            .iter()
            .map(|p| match p.as_ref().split_once(':') {
                Some((provider, name)) => (provider.to_string(), name.to_string()),
                None => ("*".to_string(), p.as_ref().to_string()),
            })
            .collect();
        Filter { patterns }
    }

    pub fn is_default(&self) -> bool {
        self.patterns.is_empty()
    }

    pub fn matches(&self, provider: &str, name: &str) -> bool {
        if self.patterns.is_empty() {
            return !SYSTEM_PROVIDERS.contains(&provider);
        }
        // DTrace spells `__` in a probe name as `-`: accept both.
        let dashed = name.replace("__", "-");
        self.patterns
            .iter()
            .any(|(p, n)| glob(p, provider) && (glob(n, name) || glob(n, &dashed)))
    }

    /// The patterns as given, for messages.
    pub fn describe(&self) -> String {
        self.patterns
            .iter()
            .map(|(p, n)| format!("'{p}:{n}'"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// `*` matches any run of characters, everything else itself.
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob("*", ""));
        assert!(glob("a*", "abc"));
        assert!(glob("*c", "abc"));
        assert!(glob("a*c", "ac"));
        assert!(glob("a*b*c", "a_b_c"));
        assert!(!glob("a*b*c", "a_c"));
        assert!(!glob("ab*ba", "aba"));
        assert!(glob("abc", "abc"));
        assert!(!glob("abc", "abcd"));
    }

    #[test]
    fn patterns() {
        let all = Filter::new::<&str>(&[]);
        assert!(all.matches("python", "function__entry"));
        assert!(!all.matches("libc", "setjmp"));
        let f = Filter::new(&["python:function-*", "gc*", "libc:*"]);
        assert!(f.matches("python", "function__entry"));
        assert!(f.matches("python", "function__return"));
        assert!(!f.matches("python", "line"));
        assert!(f.matches("other", "gc__start"));
        assert!(f.matches("libc", "setjmp"));
        assert_eq!(Filter::new(&["a:b", "c"]).describe(), "'a:b', '*:c'");
    }
}
