//! Walking a JSON Schema (the OpenAPI 3.0 dialect) by structure.
//!
//! Passes need to tell schema positions from data positions: a property may well be
//! called `description`, and must not be confused with the keyword. These helpers visit
//! only the places where a subschema can stand.

use serde_json::{Map, Value};

/// Keywords that document a schema without changing what it accepts.
pub(crate) const DOC_KEYWORDS: &[&str] =
    &["description", "title", "example", "examples", "default"];

/// Keywords whose value is one subschema.
const SINGLE: &[&str] = &["items", "additionalProperties", "not"];
/// Keywords whose value is a list of subschemas.
const LISTS: &[&str] = &["allOf", "anyOf", "oneOf"];

/// Calls `f` on every direct subschema of `schema`, mutably, with a label naming where it
/// stands (`properties/name`, `items`, `allOf/0`).
pub(crate) fn for_each_child_mut(
    schema: &mut Map<String, Value>,
    mut f: impl FnMut(Child<'_>, &mut Value),
) {
    if let Some(Value::Object(props)) = schema.get_mut("properties") {
        for (name, sub) in props.iter_mut() {
            f(Child::Property(name), sub);
        }
    }
    for key in SINGLE {
        if let Some(sub @ Value::Object(_)) = schema.get_mut(*key) {
            f(if *key == "items" { Child::Items } else { Child::Other(key) }, sub);
        }
    }
    for key in LISTS {
        if let Some(Value::Array(subs)) = schema.get_mut(*key) {
            for sub in subs.iter_mut() {
                f(Child::Member, sub);
            }
        }
    }
}

/// Where a subschema stands in its parent.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Child<'a> {
    /// The schema of the named property.
    Property(&'a str),
    /// The schema of an array's items.
    Items,
    /// A member of `allOf`, `anyOf` or `oneOf`.
    Member,
    /// `additionalProperties` or `not`.
    Other(&'a str),
}

/// A copy of `schema` without documentation keywords at any schema position: two schemas
/// with equal canonical forms accept the same values.
pub(crate) fn canonical(schema: &Value) -> Value {
    let mut v = schema.clone();
    strip_docs(&mut v);
    v
}

fn strip_docs(v: &mut Value) {
    if let Value::Object(map) = v {
        for k in DOC_KEYWORDS {
            map.remove(*k);
        }
        for_each_child_mut(map, |_, sub| strip_docs(sub));
    }
}

/// Removes from `into` every documentation keyword whose value differs in `other`, at
/// every schema position the two share: what is left is true of both.
pub(crate) fn intersect_docs(into: &mut Value, other: &Value) {
    let (Value::Object(a), Value::Object(b)) = (into, other) else { return };
    for k in DOC_KEYWORDS {
        if a.get(*k) != b.get(*k) {
            a.remove(*k);
        }
    }
    let b = b.clone();
    let mut others = Vec::new();
    let mut b_map = b;
    for_each_child_mut(&mut b_map, |c, sub| others.push((label(c), sub.clone())));
    let mut i = 0;
    for_each_child_mut(a, |c, sub| {
        if let Some((l, o)) = others.get(i)
            && *l == label(c)
        {
            intersect_docs(sub, o);
        }
        i += 1;
    });
}

fn label(c: Child<'_>) -> String {
    match c {
        Child::Property(p) => format!("p:{p}"),
        Child::Items => "items".into(),
        Child::Member => "member".into(),
        Child::Other(k) => k.into(),
    }
}

/// True for a schema that deserves a named type: an object with properties, or an
/// enumeration of strings.
pub(crate) fn is_named_shape(schema: &Value) -> bool {
    let Some(map) = schema.as_object() else { return false };
    if map.contains_key("$ref") {
        return false;
    }
    let has_props = map.get("properties").and_then(Value::as_object).is_some_and(|p| !p.is_empty());
    let string_enum = map
        .get("enum")
        .and_then(Value::as_array)
        .is_some_and(|e| !e.is_empty() && e.iter().all(Value::is_string));
    has_props || string_enum
}

/// True for a string enumeration.
pub(crate) fn is_string_enum(schema: &Value) -> bool {
    schema
        .get("enum")
        .and_then(Value::as_array)
        .is_some_and(|e| !e.is_empty() && e.iter().all(Value::is_string))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn canonical_form_ignores_docs_but_not_a_property_named_description() {
        let a = json!({"type":"object","description":"x","properties":{"description":{"type":"string","example":"e"}}});
        let b = json!({"type":"object","properties":{"description":{"type":"string"}}});
        assert_eq!(canonical(&a), canonical(&b));
        assert!(canonical(&a)["properties"].get("description").is_some());
    }

    #[test]
    fn intersecting_docs_keeps_only_what_both_say() {
        let mut a = json!({"title":"A","description":"same","properties":{"m":{"example":"1"}}});
        let b = json!({"title":"B","description":"same","properties":{"m":{"example":"2"}}});
        intersect_docs(&mut a, &b);
        assert_eq!(a, json!({"description":"same","properties":{"m":{}}}));
    }
}
