//! Synthetic specs: the vendored spec scaled to N times its operations.
//!
//! Copy `k` of every path (for `k` in `1..N`; copy 0 is the spec itself) gets a `copyK`
//! segment after its version (`/v1/users/{username}` becomes `/v1/copy7/users/{username}`),
//! its operationIds get `-copy7`, and every component schema is copied as `<name>_copy7`,
//! with the copy's `$ref`s pointed at the copied schemas. Inline schemas stay inline, so
//! normalization hoists, merges and names N times as many shapes as on the real spec.
//!
//! Raw progenitor panics on any operation whose error responses use different schemas,
//! so [`single_error_schema`] points every error response of an operation at one of them
//! (the first it lists): the smallest change that lets it run at all.

use anyhow::{Context, bail};
use serde_json::{Map, Value};

const SCHEMAS: &str = "#/components/schemas/";
const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// The spec with `copies` copies of every path, operation and component schema.
pub(crate) fn scale(spec: &Value, copies: usize) -> anyhow::Result<Value> {
    let mut out = spec.clone();
    let paths = spec["paths"].as_object().context("the spec has no paths")?;
    let schemas = spec.pointer("/components/schemas").and_then(Value::as_object);
    let mut new_paths = paths.clone();
    let mut new_schemas = schemas.cloned().unwrap_or_default();
    for k in 1..copies {
        let suffix = format!("copy{k}");
        for (path, item) in paths {
            new_paths.insert(copied_path(path, &suffix), copied_item(item, &suffix));
        }
        for (name, schema) in schemas.into_iter().flatten() {
            let mut schema = schema.clone();
            retarget_refs(&mut schema, &suffix);
            new_schemas.insert(format!("{name}_{suffix}"), schema);
        }
    }
    out["paths"] = Value::Object(new_paths);
    if schemas.is_some() {
        out["components"]["schemas"] = Value::Object(new_schemas);
    }
    Ok(out)
}

/// How many operations `spec` has.
pub(crate) fn operation_count(spec: &Value) -> usize {
    operations(spec).count()
}

/// Points all error responses of each operation at the first error schema it lists.
pub(crate) fn single_error_schema(spec: &mut Value) -> anyhow::Result<()> {
    let Some(paths) = spec["paths"].as_object_mut() else { bail!("the spec has no paths") };
    for item in paths.values_mut() {
        for method in METHODS {
            if let Some(responses) = item.pointer_mut(&format!("/{method}/responses")) {
                unify_errors(responses);
            }
        }
    }
    Ok(())
}

fn operations(spec: &Value) -> impl Iterator<Item = &Value> {
    spec["paths"]
        .as_object()
        .into_iter()
        .flat_map(|paths| paths.values())
        .flat_map(|item| METHODS.iter().filter_map(move |m| item.get(*m)))
}

/// `/v1/users` with `copy7` is `/v1/copy7/users`; a path of one segment gets it first.
fn copied_path(path: &str, suffix: &str) -> String {
    let rest = path.trim_start_matches('/');
    match rest.split_once('/') {
        Some((version, tail)) => format!("/{version}/{suffix}/{tail}"),
        None => format!("/{suffix}/{rest}"),
    }
}

fn copied_item(item: &Value, suffix: &str) -> Value {
    let mut item = item.clone();
    if let Some(map) = item.as_object_mut() {
        for method in METHODS {
            if let Some(Value::String(id)) =
                map.get_mut(method).and_then(|o| o.get_mut("operationId"))
            {
                *id = format!("{id}-{suffix}");
            }
        }
    }
    retarget_refs(&mut item, suffix);
    item
}

/// Points every `$ref` to a component schema at that schema's copy.
fn retarget_refs(value: &mut Value, suffix: &str) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get_mut("$ref")
                && r.starts_with(SCHEMAS)
            {
                *r = format!("{r}_{suffix}");
            }
            map.values_mut().for_each(|v| retarget_refs(v, suffix));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| retarget_refs(v, suffix)),
        _ => {}
    }
}

fn unify_errors(responses: &mut Value) {
    let Some(responses) = responses.as_object_mut() else { return };
    let is_error = |status: &str| !status.starts_with('2');
    let first = responses
        .iter()
        .filter(|(status, _)| is_error(status))
        .find_map(|(_, r)| json_schema(r).cloned());
    let Some(first) = first else { return };
    for (_, response) in responses.iter_mut().filter(|(status, _)| is_error(status)) {
        if let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) {
            set_schemas(content, &first);
        }
    }
}

fn json_schema(response: &Value) -> Option<&Value> {
    response.get("content")?.as_object()?.values().find_map(|media| media.get("schema"))
}

fn set_schemas(content: &mut Map<String, Value>, schema: &Value) {
    for media in content.values_mut() {
        if let Some(media) = media.as_object_mut() {
            media.insert("schema".into(), schema.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn tiny() -> Value {
        json!({
            "openapi": "3.0.3",
            "paths": {
                "/v1/users/{u}": {
                    "get": {
                        "operationId": "users-get",
                        "responses": {
                            "200": {"content": {"application/json": {"schema": {"type": "object"}}}},
                            "400": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/e.A"}}}},
                            "404": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/e.B"}}}}
                        }
                    }
                }
            },
            "components": {"schemas": {"e.A": {"type": "object"}, "e.B": {"type": "object"}}}
        })
    }

    #[test]
    fn copies_paths_operations_and_schemas() {
        let scaled = scale(&tiny(), 3).unwrap();
        assert_eq!(operation_count(&scaled), 3);
        let copy = &scaled["paths"]["/v1/copy2/users/{u}"]["get"];
        assert_eq!(copy["operationId"], "users-get-copy2");
        let error = &copy["responses"]["404"]["content"]["application/json"]["schema"]["$ref"];
        assert_eq!(error, "#/components/schemas/e.B_copy2");
        assert!(scaled["components"]["schemas"]["e.B_copy2"].is_object());
        assert_eq!(scaled["paths"]["/v1/users/{u}"], tiny()["paths"]["/v1/users/{u}"]);
    }

    #[test]
    fn one_copy_is_the_spec_itself() {
        assert_eq!(scale(&tiny(), 1).unwrap(), tiny());
    }

    #[test]
    fn error_responses_share_the_first_error_schema() {
        let mut spec = tiny();
        single_error_schema(&mut spec).unwrap();
        let responses = &spec["paths"]["/v1/users/{u}"]["get"]["responses"];
        let schema = |s: &str| responses[s]["content"]["application/json"]["schema"].clone();
        assert_eq!(schema("404"), json!({"$ref": "#/components/schemas/e.A"}));
        assert_eq!(schema("200"), json!({"type": "object"}));
    }

    #[test]
    fn a_path_of_one_segment_gets_the_copy_first() {
        assert_eq!(copied_path("/health", "copy3"), "/copy3/health");
    }
}
