//! Reading the spec: JSON in, checked document out.
//!
//! progenitor assumes a well-formed document and panics or misreports on a missing
//! operationId, a duplicate one, or a `$ref` that points nowhere. Those are checked here
//! first so that the error names the JSON pointer and the fix. So is the shape of every
//! schema: openapiv3 reads schemas through untagged enums, which on a malformed schema
//! report only "not an OpenAPI document" at `/`, after time that doubles with each level
//! of nesting, and progenitor assumes every path parameter is in its path template.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::{Error, Result, pointer_token};

/// HTTP methods in the order operations on one path are visited.
pub(crate) const METHODS: &[&str] =
    &["get", "put", "post", "delete", "patch", "head", "options", "trace"];

/// Parses the spec. Object keys are kept sorted, so nothing downstream depends on the
/// key order or whitespace of the input.
pub(crate) fn parse(bytes: &[u8]) -> Result<Value> {
    let doc: Value =
        serde_json::from_slice(bytes).map_err(|e| Error::Json { message: e.to_string() })?;
    check(&doc)?;
    Ok(doc)
}

fn check(doc: &Value) -> Result<()> {
    let version = doc.get("openapi").and_then(Value::as_str).unwrap_or("");
    if !version.starts_with("3.0.") {
        return Err(Error::invalid(
            "/openapi",
            format!("expected an OpenAPI 3.0.x document, found version {version:?}"),
        ));
    }
    let paths = doc
        .get("paths")
        .and_then(Value::as_object)
        .ok_or_else(|| Error::invalid("/paths", "the document has no `paths` object"))?;
    let mut seen = BTreeMap::new();
    for (path, item) in paths {
        let at = format!("/paths/{}", pointer_token(path));
        if !item.is_object() {
            return Err(Error::invalid(at, "a path item must be a JSON object"));
        }
        for (method, op) in operations(item) {
            let pointer = format!("{at}/{method}");
            let id = op.get("operationId").and_then(Value::as_str).unwrap_or("");
            if id.is_empty() {
                return Err(Error::invalid(
                    pointer,
                    "operation has no operationId; every operation needs a unique one to name its method",
                ));
            }
            if let Some(other) = seen.insert(id.to_string(), pointer.clone()) {
                return Err(Error::invalid(
                    pointer,
                    format!(
                        "operationId {id:?} is also used at {other}; operationIds must be unique"
                    ),
                ));
            }
        }
    }
    check_refs(doc, doc, &mut String::new())?;
    for (path, item) in paths {
        check_path_item(doc, path, item)?;
    }
    check_components(doc)
}

/// The operations of one path item, in [`METHODS`] order.
pub(crate) fn operations(item: &Value) -> impl Iterator<Item = (&'static str, &Value)> {
    METHODS.iter().filter_map(move |m| item.get(*m).filter(|v| v.is_object()).map(|op| (*m, op)))
}

fn check_refs(doc: &Value, node: &Value, at: &mut String) -> Result<()> {
    match node {
        Value::Object(map) => {
            if let Some(target) = map.get("$ref") {
                let target = target.as_str().unwrap_or("");
                if resolve(doc, target).is_none() {
                    return Err(Error::invalid(
                        format!("{at}/$ref"),
                        format!("reference {target:?} points to nothing in this document"),
                    ));
                }
            }
            for (k, v) in map {
                let len = at.len();
                at.push('/');
                at.push_str(&pointer_token(k));
                check_refs(doc, v, at)?;
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let len = at.len();
                at.push_str(&format!("/{i}"));
                check_refs(doc, v, at)?;
                at.truncate(len);
            }
        }
        _ => {}
    }
    Ok(())
}

/// Every schema under a path item, and its path parameters against its template.
fn check_path_item(doc: &Value, path: &str, item: &Value) -> Result<()> {
    let at = format!("/paths/{}", pointer_token(path));
    let shared = parameter_list(doc, item, &at)?;
    let template = template_names(path, &at)?;
    for (method, op) in operations(item) {
        let at = format!("{at}/{method}");
        let mut parameters = shared.clone();
        for (name, location, required) in parameter_list(doc, op, &at)? {
            parameters.retain(|(n, l, _)| !(*n == name && *l == location));
            parameters.push((name, location, required));
        }
        for (name, location, required) in &parameters {
            if location != "path" {
                continue;
            }
            if !template.contains(name) {
                return Err(Error::invalid(
                    &at,
                    format!(
                        "path parameter {name:?} is not in the path {path:?}; add `{{{name}}}` to the path or remove the parameter"
                    ),
                ));
            }
            if !required {
                return Err(Error::invalid(
                    &at,
                    format!("path parameter {name:?} must have `required: true`"),
                ));
            }
        }
        for name in &template {
            if !parameters.iter().any(|(n, l, _)| n == name && l == "path") {
                return Err(Error::invalid(
                    &at,
                    format!(
                        "the path {path:?} has `{{{name}}}` but the operation declares no path parameter {name:?}"
                    ),
                ));
            }
        }
        if let Some(body) = op.get("requestBody") {
            check_content_holder(body, &format!("{at}/requestBody"))?;
        }
        if let Some(responses) = op.get("responses") {
            let at = format!("{at}/responses");
            let responses = object(responses, &at)?;
            for (status, response) in responses {
                check_response(response, &format!("{at}/{}", pointer_token(status)))?;
            }
        }
    }
    Ok(())
}

/// The `{name}`s of a path template.
fn template_names(path: &str, at: &str) -> Result<Vec<String>> {
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            return Err(Error::invalid(at, format!("the path {path:?} has an unclosed `{{`")));
        };
        let name = &rest[open + 1..open + close];
        if name.is_empty() || name.contains('{') {
            return Err(Error::invalid(
                at,
                format!("the path {path:?} has an empty or nested `{{}}`"),
            ));
        }
        names.push(name.to_string());
        rest = &rest[open + close + 1..];
    }
    Ok(names)
}

/// `(name, in, required)` of each parameter in `holder.parameters`, with their schemas
/// checked; `$ref`s are followed.
fn parameter_list(doc: &Value, holder: &Value, at: &str) -> Result<Vec<(String, String, bool)>> {
    let Some(list) = holder.get("parameters") else { return Ok(Vec::new()) };
    let at = format!("{at}/parameters");
    let Some(list) = list.as_array() else {
        return Err(Error::invalid(at, "`parameters` must be an array"));
    };
    let mut out = Vec::new();
    for (i, parameter) in list.iter().enumerate() {
        let at = format!("{at}/{i}");
        let (parameter, at) = match parameter.get("$ref").and_then(Value::as_str) {
            Some(target) => (resolve(doc, target).unwrap_or(&Value::Null), target[1..].to_string()),
            None => (parameter, at),
        };
        let map = object(parameter, &at)?;
        let text = |key: &str| {
            map.get(key).and_then(Value::as_str).map(str::to_string).ok_or_else(|| {
                Error::invalid(format!("{at}/{key}"), format!("a parameter needs a string `{key}`"))
            })
        };
        let (name, location) = (text("name")?, text("in")?);
        if !["path", "query", "header", "cookie"].contains(&location.as_str()) {
            return Err(Error::invalid(
                format!("{at}/in"),
                format!("`in` must be path, query, header or cookie, not {location:?}"),
            ));
        }
        let required = match map.get("required") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                return Err(Error::invalid(
                    format!("{at}/required"),
                    "`required` must be a boolean",
                ));
            }
        };
        if let Some(schema) = map.get("schema") {
            check_schema(schema, &format!("{at}/schema"))?;
        }
        out.push((name, location, required));
    }
    Ok(out)
}

fn check_components(doc: &Value) -> Result<()> {
    let Some(components) = doc.get("components") else { return Ok(()) };
    let components = object(components, "/components")?;
    for (kind, entries) in components {
        let at = format!("/components/{}", pointer_token(kind));
        let check: fn(&Value, &str) -> Result<()> = match kind.as_str() {
            "schemas" => check_schema,
            "responses" => check_response,
            "requestBodies" => check_content_holder,
            "parameters" | "headers" => |v, at| match v.get("schema") {
                Some(schema) => check_schema(schema, &format!("{at}/schema")),
                None => object(v, at).map(drop),
            },
            _ => continue,
        };
        for (name, entry) in object(entries, &at)? {
            check(entry, &format!("{at}/{}", pointer_token(name)))?;
        }
    }
    Ok(())
}

fn check_response(response: &Value, at: &str) -> Result<()> {
    check_content_holder(response, at)?;
    if let Some(headers) = response.get("headers") {
        let at = format!("{at}/headers");
        for (name, header) in object(headers, &at)? {
            let at = format!("{at}/{}", pointer_token(name));
            if let Some(schema) = object(header, &at)?.get("schema") {
                check_schema(schema, &format!("{at}/schema"))?;
            }
        }
    }
    Ok(())
}

/// A request body or response: the schema of each media type under `content`.
fn check_content_holder(holder: &Value, at: &str) -> Result<()> {
    let holder = object(holder, at)?;
    if holder.contains_key("$ref") {
        return Ok(());
    }
    let Some(content) = holder.get("content") else { return Ok(()) };
    let at = format!("{at}/content");
    for (media, entry) in object(content, &at)? {
        let at = format!("{at}/{}", pointer_token(media));
        if let Some(schema) = object(entry, &at)?.get("schema") {
            check_schema(schema, &format!("{at}/schema"))?;
        }
    }
    Ok(())
}

/// The JSON types an OpenAPI 3.0 `type` may name.
const TYPES: &[&str] = &["string", "number", "integer", "boolean", "array", "object"];

/// A schema: a JSON object whose keywords have the JSON types OpenAPI 3.0 gives them, and
/// whose subschemas are schemas too.
fn check_schema(schema: &Value, at: &str) -> Result<()> {
    let Some(map) = schema.as_object() else {
        return Err(Error::invalid(
            at,
            format!("a schema must be a JSON object, not {}", kind(schema)),
        ));
    };
    if map.contains_key("$ref") {
        return Ok(());
    }
    for (key, value) in map {
        let here = || format!("{at}/{}", pointer_token(key));
        let wrong = |rule: &str| {
            Err(Error::invalid(here(), format!("`{key}` must be {rule}, not {}", kind(value))))
        };
        match key.as_str() {
            "type" => match value.as_str() {
                Some(t) if TYPES.contains(&t) => {}
                Some(t) => {
                    return Err(Error::invalid(
                        here(),
                        format!(
                            "{t:?} is not an OpenAPI 3.0 type; use one of {}",
                            TYPES.join(", ")
                        ),
                    ));
                }
                None => return wrong("a string (OpenAPI 3.0 has no type lists; use `nullable`)"),
            },
            "properties" => {
                let Some(properties) = value.as_object() else {
                    return wrong("an object of schemas");
                };
                for (name, property) in properties {
                    check_schema(property, &format!("{}/{}", here(), pointer_token(name)))?;
                }
            }
            "items" | "not" => check_schema(value, &here())?,
            "additionalProperties" if !value.is_boolean() => check_schema(value, &here())?,
            "allOf" | "anyOf" | "oneOf" => {
                let Some(list) = value.as_array() else { return wrong("an array of schemas") };
                for (i, item) in list.iter().enumerate() {
                    check_schema(item, &format!("{}/{i}", here()))?;
                }
            }
            "required" if !value.as_array().is_some_and(|l| l.iter().all(Value::is_string)) => {
                return wrong("an array of property names");
            }
            "enum" if !value.is_array() => return wrong("an array"),
            "nullable" | "readOnly" | "writeOnly" | "deprecated" | "uniqueItems"
            | "exclusiveMinimum" | "exclusiveMaximum"
                if !value.is_boolean() =>
            {
                return wrong("a boolean");
            }
            "minimum" | "maximum" | "multipleOf" if !value.is_number() => {
                return wrong("a number");
            }
            "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties"
            | "maxProperties"
                if !value.is_u64() =>
            {
                return wrong("a non-negative integer");
            }
            "pattern" | "format" | "title" | "description" if !value.is_string() => {
                return wrong("a string");
            }
            _ => {}
        }
    }
    Ok(())
}

fn object<'a>(value: &'a Value, at: &str) -> Result<&'a serde_json::Map<String, Value>> {
    value
        .as_object()
        .ok_or_else(|| Error::invalid(at, format!("expected a JSON object, not {}", kind(value))))
}

/// The JSON type of `value`, for messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Resolves a local reference (`#/components/schemas/X`).
pub(crate) fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    doc.pointer(reference.strip_prefix('#')?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(spec: &str) -> String {
        parse(spec.as_bytes()).unwrap_err().to_string()
    }

    #[test]
    fn rejects_documents_that_are_not_openapi_3_0() {
        assert!(err(r#"{"openapi":"3.1.0","paths":{}}"#).contains("3.0.x"));
        assert!(err(r#"{"swagger":"2.0"}"#).contains("/openapi"));
        assert!(err("{").starts_with("spec is not valid JSON"));
    }

    #[test]
    fn names_the_operation_without_an_operation_id() {
        let e = err(r#"{"openapi":"3.0.3","paths":{"/v1/a":{"get":{"responses":{}}}}}"#);
        assert!(e.contains("/paths/~1v1~1a/get"), "{e}");
        assert!(e.contains("no operationId"), "{e}");
    }

    #[test]
    fn names_both_places_of_a_duplicate_operation_id() {
        let e = err(
            r#"{"openapi":"3.0.3","paths":{"/a":{"get":{"operationId":"x"}},"/b":{"get":{"operationId":"x"}}}}"#,
        );
        assert!(e.contains("/paths/~1a/get") && e.contains("/paths/~1b/get"), "{e}");
    }

    #[test]
    fn names_the_pointer_of_a_dangling_ref() {
        let e = err(
            r##"{"openapi":"3.0.3","paths":{"/a":{"get":{"operationId":"x","responses":{"200":{"description":"","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Nope"}}}}}}}}}"##,
        );
        assert!(e.contains("/schema/$ref") && e.contains("Nope"), "{e}");
    }

    fn with_parameters(path: &str, parameters: &str) -> String {
        format!(
            r#"{{"openapi":"3.0.3","paths":{{"{path}":{{"get":{{"operationId":"x","parameters":{parameters},"responses":{{}}}}}}}}}}"#
        )
    }

    #[test]
    fn path_parameters_and_the_template_must_agree() {
        let u = r#"{"name":"u","in":"path","required":true,"schema":{"type":"string"}}"#;
        assert!(parse(with_parameters("/a/{u}", &format!("[{u}]")).as_bytes()).is_ok());
        let e = err(&with_parameters("/a", &format!("[{u}]")));
        assert!(e.contains("/paths/~1a/get") && e.contains("\"u\" is not in the path"), "{e}");
        let e = err(&with_parameters("/a/{u}/{v}", &format!("[{u}]")));
        assert!(e.contains("declares no path parameter \"v\""), "{e}");
        let e = err(&with_parameters("/a/{u}", &format!("[{}]", u.replace("true", "false"))));
        assert!(e.contains("must have `required: true`"), "{e}");
        let e = err(&with_parameters("/a/{u", "[]"));
        assert!(e.contains("unclosed"), "{e}");
    }

    #[test]
    fn a_parameter_needs_a_name_and_a_known_location() {
        let e = err(&with_parameters("/a", r#"[{"in":"query"}]"#));
        assert!(e.contains("/paths/~1a/get/parameters/0/name"), "{e}");
        let e = err(&with_parameters("/a", r#"[{"name":"q","in":"body"}]"#));
        assert!(e.contains("/parameters/0/in") && e.contains("\"body\""), "{e}");
        let e = err(&with_parameters("/a", r#"[{"name":"q","in":"query","schema":[]}]"#));
        assert!(
            e.contains("/parameters/0/schema: a schema must be a JSON object, not an array"),
            "{e}"
        );
    }

    #[test]
    fn every_schema_position_holds_a_schema() {
        let e = err(
            r#"{"openapi":"3.0.3","paths":{},"components":{"schemas":{"A":{"properties":{"b":{"items":{"allOf":[1]}}}}}}}"#,
        );
        assert!(e.starts_with("invalid spec at /components/schemas/A/properties/b/items/allOf/0: a schema must be a JSON object, not a number"), "{e}");
        let e = err(
            r#"{"openapi":"3.0.3","paths":{},"components":{"responses":{"R":{"content":{"application/json":{"schema":"x"}}}}}}"#,
        );
        assert!(e.contains("/components/responses/R/content/application~1json/schema"), "{e}");
        let e = err(
            r#"{"openapi":"3.0.3","paths":{},"components":{"schemas":{"A":{"additionalProperties":3}}}}"#,
        );
        assert!(e.contains("/components/schemas/A/additionalProperties"), "{e}");
        let ok = r#"{"openapi":"3.0.3","paths":{},"components":{"schemas":{"A":{"additionalProperties":true,"nullable":true,"x-any":[1]}}}}"#;
        assert!(parse(ok.as_bytes()).is_ok());
    }
}
