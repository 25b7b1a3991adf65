//! The view of the normalized spec that progenitor is given.
//!
//! progenitor turns schemas into Rust types (through typify) and operations into methods
//! on a low-level client. Some of what the spec says is better left out of that input,
//! because the SDK enforces it elsewhere and progenitor would get it wrong:
//!
//! - **Validation keywords** (`pattern`, lengths, ranges, `format` other than `uuid`).
//!   typify compiles `pattern` without the Unicode flag, so `\p{L}` stops meaning "a
//!   letter" (the username check rejects `alice` and accepts `p{L}`), runs the same wrong
//!   check when deserializing responses, ignores number ranges, and wraps constrained
//!   strings in newtypes that need `try_into()` at every call site. The SDK's generated
//!   `validate` code checks every keyword from the normalized spec instead, before a
//!   request is sent; types stay plain (`String`, `u64`, `f64`). An integer that may not
//!   be negative keeps `minimum: 0`, which makes it `u64`.
//! - **`default`**: typify would serialize the default when the caller set nothing; the
//!   server applies its own default, so an unset field is simply not sent.
//! - **Error responses**: the five error responses of each operation are one shape after
//!   normalization, but a status whose body does not match it (a plain-text 404, an HTML
//!   502) would lose its status in progenitor's error type. Leaving them out makes every
//!   non-2xx response reach the SDK's runtime whole, which decodes MotherDuck's error JSON.
//! - **Exact success codes**: `200` becomes `2XX`, so a 201 or 204 is still a success; an
//!   empty-object success body (`{"type":"object"}`) becomes no body at all, so the method
//!   returns `()` and does not depend on the server sending `{}`.
//! - **Success schemas**: progenitor decodes a success body without a size limit and, when
//!   it does not match, reports the failure without the status. The view labels a success
//!   body `application/octet-stream`, so progenitor returns the byte stream, and the SDK's
//!   runtime reads it with a cap and decodes it into the type the normalized spec names.
//! - **`$ref` siblings**, which OpenAPI 3.0 says to ignore and typify does not.
//! - **`allOf` of plain scalars** (the username is `allOf` two string patterns): after the
//!   keywords above are gone the members are identical, so they become one schema.
//!
//! Two formats stay: `uuid` (typed as `Uuid`) and `password` (typed as the SDK's
//! redacting `Secret`).

use serde_json::{Map, Value, json};

use crate::normalize::schema;
use crate::spec;

/// The media type progenitor is shown for a success body the SDK decodes itself.
const RAW_MEDIA_TYPE: &str = "application/octet-stream";

const VALIDATION_KEYWORDS: &[&str] = &[
    "pattern",
    "minLength",
    "maxLength",
    "maximum",
    "exclusiveMaximum",
    "exclusiveMinimum",
    "minItems",
    "maxItems",
    "uniqueItems",
    "multipleOf",
    "minProperties",
    "maxProperties",
    "default",
    "example",
    "examples",
];

/// Builds progenitor's input from the normalized spec.
pub(crate) fn progenitor_input(normalized: &Value) -> Value {
    let mut doc = normalized.clone();
    if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
        schemas.values_mut().for_each(simplify);
    }
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for item in paths.values_mut() {
            if let Some(Value::Array(params)) = item.get_mut("parameters") {
                params.iter_mut().for_each(simplify_parameter);
            }
            for method in spec::METHODS {
                if let Some(op @ Value::Object(_)) = item.get_mut(*method) {
                    simplify_operation(op);
                }
            }
        }
    }
    doc
}

fn simplify_operation(op: &mut Value) {
    if let Some(Value::Array(params)) = op.get_mut("parameters") {
        params.iter_mut().for_each(simplify_parameter);
    }
    if let Some(Value::Object(content)) = op.pointer_mut("/requestBody/content") {
        content.values_mut().filter_map(|m| m.get_mut("schema")).for_each(simplify);
    }
    let Some(Value::Object(responses)) = op.get_mut("responses") else { return };
    let success = responses
        .iter()
        .filter(|(code, _)| is_success(code))
        .map(|(c, r)| (c.clone(), r.clone()))
        .next();
    responses.clear();
    if let Some((_, mut response)) = success {
        if let Some(Value::Object(content)) = response.get_mut("content") {
            if content.values().filter_map(|m| m.get("schema")).all(is_empty_object) {
                response.as_object_mut().expect("response is an object").remove("content");
            } else {
                // The SDK decodes the body itself (see the module doc). progenitor
                // decodes any `application/json` body, so the view labels it as bytes
                // and progenitor hands over the stream; the SDK asks for JSON.
                content.clear();
                content.insert(RAW_MEDIA_TYPE.into(), json!({}));
            }
        }
        responses.insert("2XX".into(), response);
    }
}

fn is_success(code: &str) -> bool {
    code.starts_with('2')
}

fn is_empty_object(schema: &Value) -> bool {
    schema.as_object().is_some_and(|m| {
        m.get("type").and_then(Value::as_str) == Some("object")
            && !m.contains_key("properties")
            && !m.contains_key("additionalProperties")
            && !m.contains_key("$ref")
    })
}

fn simplify_parameter(param: &mut Value) {
    if let Some(s) = param.get_mut("schema") {
        simplify(s);
        // A path or query value is sent as text; a `uuid` format would make the method
        // take `&Uuid`, and the SDK validates the format itself.
        if let Value::Object(m) = s {
            m.remove("format");
        }
    }
}

/// Drops validation keywords from one schema and all its subschemas.
fn simplify(v: &mut Value) {
    let Value::Object(map) = v else { return };
    if map.contains_key("$ref") {
        map.retain(|k, _| k == "$ref");
        return;
    }
    let non_negative_integer = map.get("type").and_then(Value::as_str) == Some("integer")
        && map.get("minimum").and_then(Value::as_f64).is_some_and(|m| m >= 0.0);
    map.remove("minimum");
    if non_negative_integer {
        map.insert("minimum".into(), json!(0));
    }
    for k in VALIDATION_KEYWORDS {
        map.remove(*k);
    }
    if map.get("format").and_then(Value::as_str).is_some_and(|f| f != "uuid" && f != "password") {
        map.remove("format");
    }
    schema::for_each_child_mut(map, |_, sub| simplify(sub));
    merge_scalar_all_of(map);
}

/// `allOf: [{type: string}, {type: string}]` -> `type: string`.
fn merge_scalar_all_of(map: &mut Map<String, Value>) {
    let Some(Value::Array(members)) = map.get("allOf") else { return };
    let Some(first) = members.first().cloned() else { return };
    let scalar = |m: &Value| {
        m.as_object().is_some_and(|o| {
            matches!(
                o.get("type").and_then(Value::as_str),
                Some("string" | "integer" | "number" | "boolean")
            ) && !o.contains_key("enum")
        })
    };
    let strip = |m: &Value| {
        let mut m = m.clone();
        if let Value::Object(o) = &mut m {
            o.remove("description");
            o.remove("title");
        }
        m
    };
    if members.iter().all(|m| scalar(m) && strip(m) == strip(&first)) {
        map.remove("allOf");
        if let Value::Object(first) = strip(&first) {
            for (k, v) in first {
                map.entry(k).or_insert(v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_validation_keywords_but_keeps_unsignedness() {
        let mut s = json!({"type":"object","properties":{
            "n":{"type":"integer","minimum":60,"maximum":86400},
            "f":{"type":"number","minimum":0,"maximum":64},
            "s":{"type":"string","pattern":"^x","maxLength":3,"format":"date-time"},
            "id":{"type":"string","format":"uuid"}}});
        simplify(&mut s);
        assert_eq!(
            s["properties"],
            json!({"n":{"type":"integer","minimum":0},"f":{"type":"number"},"s":{"type":"string"},"id":{"type":"string","format":"uuid"}})
        );
    }

    #[test]
    fn merges_all_of_identical_scalars() {
        let mut s = json!({"description":"d","allOf":[{"type":"string","pattern":"a"},{"type":"string","pattern":"b"}]});
        simplify(&mut s);
        assert_eq!(s, json!({"description":"d","type":"string"}));
    }

    #[test]
    fn keeps_only_the_success_response_as_2xx_and_drops_empty_bodies() {
        let mut op = json!({"responses":{
            "200":{"description":"ok","content":{"application/json":{"schema":{"type":"object"}}}},
            "404":{"description":"nf","content":{"application/json":{"schema":{"$ref":"#/components/schemas/E"}}}}}});
        simplify_operation(&mut op);
        assert_eq!(op["responses"], json!({"2XX":{"description":"ok"}}));
        let mut op = json!({"responses":{"201":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/T"}}}}}});
        simplify_operation(&mut op);
        assert_eq!(
            op["responses"],
            json!({"2XX":{"description":"ok","content":{"application/octet-stream":{}}}})
        );
    }
}
