//! Templates for the generated code: the text reads like the code it
//! produces, with `@name@` where a value goes.

/// Fills the `@name@` placeholders of `template` in one pass (values are not
/// searched for placeholders). An `@` not around a known name stays as it is,
/// so SDT argument specs like `8@%rax` need no escaping.
pub(super) fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(at) = rest.find('@') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let value = after.find('@').and_then(|end| {
            let name = &after[..end];
            values
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value, end))
        });
        match value {
            Some((value, end)) => {
                out.push_str(value);
                rest = &after[end + 1..];
            }
            None => {
                out.push('@');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::fill;

    #[test]
    fn fills_known_names_only() {
        assert_eq!(
            fill(
                "fn @name@() -> @ty@ { 8@%rax }",
                &[("name", "f"), ("ty", "u8")]
            ),
            "fn f() -> u8 { 8@%rax }"
        );
        assert_eq!(fill("@a@@b@", &[("a", "@b@"), ("b", "2")]), "@b@2");
        assert_eq!(fill("a@b", &[]), "a@b");
    }
}
