//! Reading the spec: JSON in, checked document out.
//!
//! progenitor assumes a well-formed document and panics or misreports on a missing
//! operationId, a duplicate one, or a `$ref` that points nowhere. Those are checked here
//! first so that the error names the JSON pointer and the fix.

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
        for (method, op) in operations(item) {
            let pointer = format!("/paths/{}/{method}", pointer_token(path));
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
    check_refs(doc, doc, &mut String::new())
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
}
