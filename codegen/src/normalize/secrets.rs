//! Secrets are marked as such, so the SDK can keep them out of logs.
//!
//! **Defect repaired.** A created token's `token` and a Dive embed `session` are bearer
//! credentials, but the spec types them as plain strings, so a derived `Debug` of the
//! response prints them. See it: `jq '.paths[][].responses."200".content[].schema.properties | select(.token or .session)' openapi/motherduck.json`.
//!
//! **Repair.** A string property whose name says it is a credential (`token`, `session`,
//! `secret`, `password`, `api_key`, `access_token`, `refresh_token`, `client_secret`) gets
//! `format: password`, OpenAPI's own marker for a value to hide. The generator maps that
//! format to the SDK's `Secret`, whose `Debug` is redacted.

use serde_json::{Value, json};

use super::schema;

const CREDENTIAL_NAMES: &[&str] = &[
    "token",
    "session",
    "secret",
    "password",
    "api_key",
    "access_token",
    "refresh_token",
    "client_secret",
];

/// Marks credential properties in every component.
pub(crate) fn run(doc: &mut Value) {
    if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
        schemas.values_mut().for_each(mark);
    }
}

fn mark(schema: &mut Value) {
    let Value::Object(map) = schema else { return };
    if let Some(Value::Object(props)) = map.get_mut("properties") {
        for (name, sub) in props.iter_mut() {
            let is_string = sub.get("type").and_then(Value::as_str) == Some("string");
            if is_string && CREDENTIAL_NAMES.contains(&name.as_str()) && sub.get("format").is_none()
            {
                sub["format"] = json!("password");
            }
        }
    }
    schema::for_each_child_mut(map, |_, sub| mark(sub));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_credential_strings_but_not_lookalikes() {
        let mut doc = json!({"components":{"schemas":{"T":{"type":"object","properties":{
            "token":{"type":"string"},"token_type":{"type":"string"},"session":{"type":"integer"}}}}}});
        run(&mut doc);
        let p = &doc["components"]["schemas"]["T"]["properties"];
        assert_eq!(p["token"]["format"], "password");
        assert!(p["token_type"].get("format").is_none() && p["session"].get("format").is_none());
    }
}
