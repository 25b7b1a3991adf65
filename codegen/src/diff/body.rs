//! Comparing request bodies and responses: presence, statuses, content types, schemas.
//!
//! Success statuses (`2XX`) decide what an SDK method returns, so any change to their set
//! is breaking. Error statuses are handled by the SDK's error type whether listed or not,
//! so adding or dropping one is compatible; their bodies are still compared, as response
//! schemas. A body whose content type changes is not compared further: the one line
//! already says the old decoding no longer applies.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::canonical::canonical;
use super::operation::Specs;
use super::report::Findings;
use super::schema::{self, Direction, Subject};
use super::{docs, resolve};

/// How the body being compared is called in messages.
#[derive(Debug, Clone, Copy)]
struct Labels<'a> {
    /// The whole body: `request body`, `response body`, `404 response body`.
    root: &'a str,
    /// A field in it: `request field`, `response field`.
    field: &'a str,
    direction: Direction,
}

/// Compares the `requestBody` of two operations.
pub(super) fn compare_request(specs: Specs<'_>, old: &Value, new: &Value, out: &mut Findings) {
    let old_body = old.get("requestBody").map(|body| resolve::follow(specs.old, body));
    let new_body = new.get("requestBody").map(|body| resolve::follow(specs.new, body));
    let (old_body, new_body) = match (old_body, new_body) {
        (None, None) => return,
        (None, Some(body)) if is_required(body) => {
            return out.breaking("new required request body".to_owned());
        }
        (None, Some(_)) => return out.compatible("new optional request body".to_owned()),
        (Some(_), None) => return out.breaking("request body removed".to_owned()),
        (Some(old_body), Some(new_body)) => (old_body, new_body),
    };

    // The generated method takes the body either way, so making it optional changes no
    // code; making it required rejects calls that left it out.
    match (is_required(old_body), is_required(new_body)) {
        (false, true) => out.breaking("request body made required".to_owned()),
        (true, false) => out.compatible("request body made optional".to_owned()),
        _ => {}
    }
    let labels =
        Labels { root: "request body", field: "request field", direction: Direction::Request };
    compare_message(specs, old_body, new_body, labels, out);
}

/// Compares the `responses` of two operations, status by status.
pub(super) fn compare_responses(specs: Specs<'_>, old: &Value, new: &Value, out: &mut Findings) {
    let (old_responses, new_responses) = (responses(specs.old, old), responses(specs.new, new));
    compare_success(specs, &old_responses, &new_responses, out);
    for (status, old_response) in &old_responses {
        match new_responses.get(status) {
            Some(new_response) => {
                let label = label(status, &old_responses, &new_responses);
                compare_response(specs, old_response, new_response, &label, out);
            }
            None if !is_success(status) => out.compatible(format!("{status} response removed")),
            None => {}
        }
    }
    for status in new_responses.keys().filter(|status| !old_responses.contains_key(*status)) {
        if !is_success(status) {
            out.compatible(format!("new {status} response"));
        }
    }
}

/// Changes to the set of success statuses. One status replaced by another is reported
/// once, and the two responses are still compared so that a body change is not lost.
fn compare_success(specs: Specs<'_>, old: &Responses<'_>, new: &Responses<'_>, out: &mut Findings) {
    let old_success: BTreeSet<&str> =
        old.keys().map(String::as_str).filter(|s| is_success(s)).collect();
    let new_success: BTreeSet<&str> =
        new.keys().map(String::as_str).filter(|s| is_success(s)).collect();
    let removed: Vec<&str> = old_success.difference(&new_success).copied().collect();
    let added: Vec<&str> = new_success.difference(&old_success).copied().collect();
    if let ([was], [now]) = (removed.as_slice(), added.as_slice()) {
        out.breaking(format!("success status changed from {was} to {now}"));
        return compare_response(specs, old[*was], new[*now], "response", out);
    }
    for status in removed {
        out.breaking(format!("success status {status} removed"));
    }
    for status in added {
        out.breaking(format!("new success status {status}"));
    }
}

fn compare_response(specs: Specs<'_>, old: &Value, new: &Value, label: &str, out: &mut Findings) {
    let (root, field) = (format!("{label} body"), format!("{label} field"));
    let labels = Labels { root: &root, field: &field, direction: Direction::Response };
    compare_message(specs, old, new, labels, out);
}

/// Compares a request body or response object: its description and its content.
fn compare_message(
    specs: Specs<'_>,
    old: &Value,
    new: &Value,
    labels: Labels<'_>,
    out: &mut Findings,
) {
    let what = format!("description of {}", labels.root);
    docs::compare(&what, text(old, "description"), text(new, "description"), out);

    let (old_content, new_content) = (content(old), content(new));
    compare_content_types(&old_content, &new_content, labels.root, out);

    let several = old_content.keys().filter(|media| new_content.contains_key(*media)).count() > 1;
    for (media, old_media) in &old_content {
        let Some(new_media) = new_content.get(media) else { continue };
        let (root, field) = if several {
            (format!("{} ({media})", labels.root), format!("{} ({media})", labels.field))
        } else {
            (labels.root.to_owned(), labels.field.to_owned())
        };
        let old_schema = canonical(specs.old, old_media.get("schema").unwrap_or(&Value::Null));
        let new_schema = canonical(specs.new, new_media.get("schema").unwrap_or(&Value::Null));
        schema::compare(
            &old_schema,
            &new_schema,
            &Subject::new(root, field),
            labels.direction,
            out,
        );
    }
}

/// A body gaining or losing all its content, or one content type replaced by another, is
/// breaking; a type added beside the existing ones is compatible (the SDK keeps asking for
/// the one it knows), a type dropped beside others that remain is breaking.
fn compare_content_types(old: &Content<'_>, new: &Content<'_>, root: &str, out: &mut Findings) {
    let removed: Vec<&str> =
        old.keys().filter(|media| !new.contains_key(*media)).copied().collect();
    let added: Vec<&str> = new.keys().filter(|media| !old.contains_key(*media)).copied().collect();
    let replaced = (removed.len() == 1 && added.len() == 1) || old.is_empty() != new.is_empty();
    if replaced {
        let (was, now) = (media_list(old.keys()), media_list(new.keys()));
        return out.breaking(format!("{root} content type changed from {was} to {now}"));
    }
    for media in removed {
        out.breaking(format!("{root} content type `{media}` removed"));
    }
    for media in added {
        out.compatible(format!("{root} content type `{media}` added"));
    }
}

type Responses<'a> = BTreeMap<String, &'a Value>;
type Content<'a> = BTreeMap<&'a str, &'a Value>;

/// An operation's responses by status, references resolved.
fn responses<'a>(spec: &'a Value, operation: &'a Value) -> Responses<'a> {
    let listed = operation.get("responses").and_then(Value::as_object).into_iter().flatten();
    listed.map(|(status, response)| (status.clone(), resolve::follow(spec, response))).collect()
}

fn content(message: &Value) -> Content<'_> {
    let listed = message.get("content").and_then(Value::as_object).into_iter().flatten();
    listed.map(|(media, value)| (media.as_str(), value)).collect()
}

/// How a response is called in messages: plain `response` for the one success status,
/// the status first otherwise (`404 response`).
fn label(status: &str, old: &Responses<'_>, new: &Responses<'_>) -> String {
    let single =
        |responses: &Responses<'_>| responses.keys().filter(|s| is_success(s)).count() == 1;
    if is_success(status) && single(old) && single(new) {
        "response".to_owned()
    } else {
        format!("{status} response")
    }
}

fn is_success(status: &str) -> bool {
    status.starts_with('2')
}

fn is_required(body: &Value) -> bool {
    body.get("required") == Some(&Value::Bool(true))
}

fn media_list<'a>(types: impl Iterator<Item = &'a &'a str>) -> String {
    let listed: Vec<String> = types.map(|media| format!("`{media}`")).collect();
    if listed.is_empty() { "none".to_owned() } else { listed.join(", ") }
}

fn text<'a>(value: &'a Value, keyword: &str) -> Option<&'a str> {
    value.get(keyword).and_then(Value::as_str)
}
