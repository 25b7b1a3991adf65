//! Every type and field gets a doc comment, in words taken from the spec.
//!
//! **Defect repaired.** Most schemas and many properties in the published spec have no
//! `description` (`name`, `read_only`, `url`, every error schema's `issues[].message`).
//! The SDK denies missing docs, and typify fills the gap with the type's own name in
//! backticks, which tells a reader nothing. See it:
//! `jq '..|objects|select(.properties)|.properties|to_entries[]|select(.value.description==null)|.key' openapi/motherduck.json`.
//!
//! **Repair.** A schema without a description is described by its use: the request body
//! or response of an operation (with the operation's summary), or an entry of the array
//! that holds it. A property without one is described from its name and its type's
//! name: `read_only` of `Token` reads "Whether the token is read only.". What the spec
//! does say is never replaced.

use serde_json::{Value, json};

use crate::names;
use crate::spec;

const REF_PREFIX: &str = "#/components/schemas/";

/// Fills in missing descriptions.
pub(crate) fn run(doc: &mut Value) {
    describe_bodies(doc);
    let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") else { return };
    let mut item_docs = Vec::new();
    for (type_name, schema) in schemas.iter_mut() {
        let Some(Value::Object(props)) = schema.get_mut("properties") else { continue };
        for (prop, sub) in props.iter_mut() {
            if let Some(target) = sub.pointer("/items/$ref").and_then(Value::as_str) {
                let doc = format!("One entry of `{prop}` in a [`{type_name}`].");
                item_docs.push((target.trim_start_matches(REF_PREFIX).to_string(), doc));
            }
            if let Some(target) = sub.get("$ref").and_then(Value::as_str) {
                let doc = format!("The `{prop}` part of a [`{type_name}`].");
                item_docs.push((target.trim_start_matches(REF_PREFIX).to_string(), doc));
            }
            // `spec::check` has made sure every property schema is an object.
            if sub.get("description").is_none() {
                let text = property_doc(type_name, prop, sub);
                if let Some(sub) = sub.as_object_mut() {
                    sub.insert("description".into(), json!(text));
                }
            }
        }
    }
    for (target, text) in item_docs {
        // An enum is described by its values (see `enums`), not by one of its uses.
        if let Some(s) = schemas.get_mut(&target).filter(|s| !super::schema::is_string_enum(s)) {
            set_if_missing(s, &text);
        }
    }
}

fn property_doc(type_name: &str, prop: &str, schema: &Value) -> String {
    let owner = names::words(type_name).join(" ");
    let what = names::words(prop).join(" ");
    if schema.get("type").and_then(Value::as_str) == Some("boolean") {
        format!("Whether the {owner} is {what}.")
    } else {
        format!("The {what} of the {owner}.")
    }
}

fn describe_bodies(doc: &mut Value) {
    let mut found = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for (method, op) in spec::operations(item) {
                let id = op.get("operationId").and_then(Value::as_str).unwrap_or_default();
                let summary = op.get("summary").and_then(Value::as_str).unwrap_or_default();
                let call = format!("`{} {path}` (`{id}`)", method.to_uppercase());
                let about = if summary.is_empty() {
                    String::new()
                } else {
                    format!(": {}", summary.trim_end_matches('.'))
                };
                if let Some(r) = op
                    .pointer("/requestBody/content/application~1json/schema/$ref")
                    .and_then(Value::as_str)
                {
                    found.push((r.to_string(), format!("The request body of {call}{about}.")));
                }
                if let Some(responses) = op.get("responses").and_then(Value::as_object) {
                    for (code, response) in responses.iter().filter(|(c, _)| c.starts_with('2')) {
                        let _ = code;
                        if let Some(r) = response
                            .pointer("/content/application~1json/schema/$ref")
                            .and_then(Value::as_str)
                        {
                            found.push((r.to_string(), format!("The response of {call}{about}.")));
                        }
                    }
                }
            }
        }
    }
    for (reference, text) in found {
        let pointer = format!("/components/schemas/{}", reference.trim_start_matches(REF_PREFIX));
        if let Some(s) = doc.pointer_mut(&pointer) {
            set_if_missing(s, &text);
        }
    }
}

fn set_if_missing(schema: &mut Value, text: &str) {
    if let Value::Object(m) = schema {
        m.entry("description").or_insert_with(|| json!(text));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_undocumented_properties_from_their_names() {
        let mut doc = json!({"paths":{},"components":{"schemas":{"Token":{"type":"object","properties":{
            "read_only":{"type":"boolean"},"name":{"type":"string"},"id":{"type":"string","description":"kept"}}}}}});
        run(&mut doc);
        let p = &doc["components"]["schemas"]["Token"]["properties"];
        assert_eq!(p["read_only"]["description"], "Whether the token is read only.");
        assert_eq!(p["name"]["description"], "The name of the token.");
        assert_eq!(p["id"]["description"], "kept");
    }

    #[test]
    fn describes_bodies_by_their_operation_and_items_by_their_array() {
        let mut doc = json!({"paths":{"/t":{"get":{"operationId":"users-listTokens","summary":"List tokens",
            "responses":{"200":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/Tokens"}}}}}}}},
            "components":{"schemas":{"Tokens":{"type":"object","properties":{"tokens":{"type":"array","items":{"$ref":"#/components/schemas/Token"}}}},
            "Token":{"type":"object","properties":{}}}}});
        run(&mut doc);
        assert_eq!(
            doc["components"]["schemas"]["Tokens"]["description"],
            "The response of `GET /t` (`users-listTokens`): List tokens."
        );
        assert_eq!(
            doc["components"]["schemas"]["Token"]["description"],
            "One entry of `tokens` in a [`Tokens`]."
        );
    }
}
