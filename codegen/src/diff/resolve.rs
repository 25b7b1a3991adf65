//! Following local `$ref`s (`#/components/...`) inside one spec.
//!
//! Only references into the same document's `components` are followed: the vendored spec
//! uses nothing else, and a reference to another file cannot be read without touching the
//! file system. A reference that does not resolve is left in place, and the schema
//! comparison then compares it by its text.

use serde_json::Value;

/// How many `$ref`-to-`$ref` hops `follow` takes before giving up on a loop.
const MAX_HOPS: usize = 16;

/// The value `reference` points at, when it is a local reference into `components`.
pub(super) fn target<'a>(spec: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    if !pointer.starts_with("/components/") {
        return None;
    }
    spec.pointer(pointer)
}

/// `value` with its `$ref` chain followed, for objects that are not schemas (parameters,
/// request bodies, responses). A reference that does not resolve, or a loop, stops the
/// walk at the last value reached.
pub(super) fn follow<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    let mut current = value;
    for _ in 0..MAX_HOPS {
        let Some(reference) = reference(current) else {
            return current;
        };
        match target(spec, reference) {
            Some(next) => current = next,
            None => return current,
        }
    }
    current
}

/// The `$ref` string of `value`, if it is a reference object.
pub(super) fn reference(value: &Value) -> Option<&str> {
    value.get("$ref").and_then(Value::as_str)
}
