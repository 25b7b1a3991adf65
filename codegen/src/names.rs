//! Names for generated items, derived from the spec alone.
//!
//! The SDK must stay readable when MotherDuck adds operations, so no name here comes from
//! a table keyed by operation: every rule works from the operationId, its tag, property
//! names and the shape of the schema. The rules are small English heuristics (split an
//! operationId into verb and noun, drop a trailing `For<Entity>` qualifier, singularize a
//! plural property for its array items) and each is tested below.

use heck::{ToPascalCase, ToSnakeCase};

/// Names reserved by the SDK's hand-written runtime; a schema that would take one of them
/// gets `Body` appended so `motherduck_api::types::X` never shadows `motherduck_api::X`.
const RESERVED_TYPE_NAMES: &[&str] = &["Client", "Error", "Result", "Secret", "RetryPolicy"];

/// The parts of an operationId such as `users-createToken`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OperationName {
    /// The prefix before the first `-`, if any (`users`).
    pub(crate) prefix: Option<String>,
    /// The leading verb, lower case (`create`).
    pub(crate) verb: String,
    /// The rest, in Pascal case, with a trailing `For<Entity>` kept (`Token`).
    pub(crate) noun: String,
}

impl OperationName {
    pub(crate) fn parse(operation_id: &str) -> Self {
        let (prefix, rest) = match operation_id.split_once(['-', '.', '/']) {
            Some((p, r)) if !r.is_empty() => (Some(p.to_string()), r),
            _ => (None, operation_id),
        };
        let words = words(rest);
        let (verb, noun) = match words.split_first() {
            Some((v, n)) => (v.to_lowercase(), n.iter().map(|w| w.to_pascal_case()).collect()),
            None => (String::new(), String::new()),
        };
        OperationName { prefix, verb, noun }
    }

    /// The noun without a trailing `For<Entity>` qualifier: `DucklingConfigForUser`
    /// becomes `DucklingConfig`.
    pub(crate) fn subject(&self) -> String {
        strip_for_qualifier(&self.noun)
    }

    /// Verb and subject in Pascal case: `CreateToken`, `SetDucklingConfig`.
    pub(crate) fn action(&self) -> String {
        format!("{}{}", self.verb.to_pascal_case(), self.subject())
    }
}

/// Splits an identifier in any case into lower-case words.
pub(crate) fn words(s: &str) -> Vec<String> {
    s.to_snake_case().split('_').filter(|w| !w.is_empty()).map(str::to_string).collect()
}

/// Drops a trailing `For<Word>` (`ConfigForUser` -> `Config`), but never the whole name.
pub(crate) fn strip_for_qualifier(noun: &str) -> String {
    let ws = words(noun);
    match ws.iter().rposition(|w| w == "for") {
        Some(i) if i > 0 && i + 2 == ws.len() => {
            ws[..i].iter().map(|w| w.to_pascal_case()).collect()
        }
        _ => noun.to_string(),
    }
}

/// English singular of a plural word, good enough for property names (`tokens`,
/// `accounts`, `required_resources`, `issues`, `entries`, `statuses`).
pub(crate) fn singular(word: &str) -> String {
    let w = word;
    if let Some(stem) = w.strip_suffix("ies") {
        return format!("{stem}y");
    }
    for suffix in ["sses", "shes", "ches", "xes", "zes", "uses"] {
        if let Some(stem) = w.strip_suffix(suffix) {
            return format!("{stem}{}", &suffix[..suffix.len() - 2]);
        }
    }
    if w.ends_with("us") || w.ends_with("ss") || w.ends_with("is") {
        return w.to_string();
    }
    match w.strip_suffix('s') {
        Some(stem) if !stem.is_empty() => stem.to_string(),
        _ => w.to_string(),
    }
}

/// Singular of the last word of a snake or camel identifier: `required_resources` ->
/// `RequiredResource`.
pub(crate) fn singular_pascal(name: &str) -> String {
    let mut ws = words(name);
    if let Some(last) = ws.last_mut() {
        *last = singular(last);
    }
    ws.iter().map(|w| w.to_pascal_case()).collect()
}

/// Pascal case of any identifier.
pub(crate) fn pascal(s: &str) -> String {
    words(s).iter().map(|w| w.to_pascal_case()).collect()
}

/// A Rust type name for a schema: Pascal case, never one the runtime reserves.
pub(crate) fn type_name(candidate: &str) -> String {
    let name = pascal(candidate);
    if RESERVED_TYPE_NAMES.contains(&name.as_str()) { format!("{name}Body") } else { name }
}

/// A snake-case Rust identifier, with `_` appended to keywords (`type` -> `type_`).
pub(crate) fn snake_ident(s: &str) -> String {
    let mut out = s.to_snake_case();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'x');
    }
    if syn::parse_str::<syn::Ident>(&out).is_err() || out == "gen" {
        out.push('_');
    }
    out
}

/// The number of words in a Pascal-case name, used to prefer the simpler of two names.
pub(crate) fn word_count(name: &str) -> usize {
    words(name).len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_operation_ids_into_verb_and_noun() {
        let op = OperationName::parse("ducklings-getDucklingConfigForUser");
        assert_eq!(op.prefix.as_deref(), Some("ducklings"));
        assert_eq!(op.verb, "get");
        assert_eq!(op.noun, "DucklingConfigForUser");
        assert_eq!(op.subject(), "DucklingConfig");
        assert_eq!(op.action(), "GetDucklingConfig");
        let bare = OperationName::parse("users-delete");
        assert_eq!((bare.verb.as_str(), bare.noun.as_str()), ("delete", ""));
        assert_eq!(OperationName::parse("listThings").prefix, None);
    }

    #[test]
    fn keeps_a_name_that_is_only_a_for_qualifier() {
        assert_eq!(strip_for_qualifier("ForUser"), "ForUser");
        assert_eq!(strip_for_qualifier("TokensForUserAndOrg"), "TokensForUserAndOrg");
    }

    #[test]
    fn singularizes_plural_property_names() {
        for (plural, one) in [
            ("tokens", "token"),
            ("accounts", "account"),
            ("entries", "entry"),
            ("issues", "issue"),
            ("statuses", "status"),
            ("boxes", "box"),
            ("status", "status"),
            ("class", "class"),
            ("s", "s"),
        ] {
            assert_eq!(singular(plural), one, "{plural}");
        }
        assert_eq!(singular_pascal("required_resources"), "RequiredResource");
    }

    #[test]
    fn avoids_names_the_runtime_reserves() {
        assert_eq!(type_name("error"), "ErrorBody");
        assert_eq!(type_name("instance_size"), "InstanceSize");
    }

    #[test]
    fn escapes_keywords_in_identifiers() {
        assert_eq!(snake_ident("type"), "type_");
        assert_eq!(snake_ident("flockSize"), "flock_size");
        assert_eq!(snake_ident("2fa"), "x2fa");
    }
}
