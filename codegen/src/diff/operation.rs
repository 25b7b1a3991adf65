//! Comparing operations: which exist, their operationIds, documentation and parameters.
//!
//! Operations are matched by method and path template, so an operationId that changes
//! under the same method and path is a rename (the SDK method changes name), and an
//! operation that moves to another path is one removal and one addition.

use std::collections::BTreeMap;

use serde_json::Value;

use super::canonical::canonical;
use super::report::{Change, Compatibility, Findings};
use super::schema::{self, Direction, Subject};
use super::{body, docs, resolve};

/// The HTTP methods a path item may hold, in the order the OpenAPI specification lists them.
const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// The two specs being compared, for resolving references on either side.
#[derive(Debug, Clone, Copy)]
pub(super) struct Specs<'a> {
    pub(super) old: &'a Value,
    pub(super) new: &'a Value,
}

/// One operation of a spec.
#[derive(Debug, Clone, Copy)]
struct Operation<'a> {
    method: &'static str,
    path: &'a str,
    /// The operation object.
    value: &'a Value,
    /// The path item holding it, for parameters shared by all its operations.
    path_item: &'a Value,
}

/// Every change between the operations of `old` and those of `new`.
pub(super) fn compare(old: &Value, new: &Value) -> Vec<Change> {
    let specs = Specs { old, new };
    let (old_operations, new_operations) = (operations(old), operations(new));
    let mut changes = Vec::new();
    for (key, old_operation) in &old_operations {
        match new_operations.get(key) {
            Some(new_operation) => {
                changes.extend(compare_operation(specs, old_operation, new_operation))
            }
            None => changes.push(removed(old_operation, new)),
        }
    }
    for (key, new_operation) in &new_operations {
        if !old_operations.contains_key(key) {
            changes.push(change(
                Compatibility::Compatible,
                new_operation,
                "new operation".to_owned(),
            ));
        }
    }
    changes
}

/// A spec's operations, keyed by path template and method.
fn operations(spec: &Value) -> BTreeMap<(&str, &'static str), Operation<'_>> {
    let mut found = BTreeMap::new();
    let paths = spec.get("paths").and_then(Value::as_object).into_iter().flatten();
    for (path, path_item) in paths {
        for &method in METHODS {
            if let Some(value) = path_item.get(method) {
                found.insert((path.as_str(), method), Operation { method, path, value, path_item });
            }
        }
    }
    found
}

fn removed(operation: &Operation<'_>, new: &Value) -> Change {
    let path_kept = new.get("paths").and_then(|paths| paths.get(operation.path)).is_some();
    let message = if path_kept { "operation removed" } else { "operation removed with its path" };
    change(Compatibility::Breaking, operation, message.to_owned())
}

fn change(kind: Compatibility, operation: &Operation<'_>, message: String) -> Change {
    Change { kind, location: operation.location(), message }
}

fn compare_operation(specs: Specs<'_>, old: &Operation<'_>, new: &Operation<'_>) -> Vec<Change> {
    let mut out = Findings::default();
    if old.id() != new.id() {
        let name = |id: Option<&str>| id.map_or("none".to_owned(), |id| format!("`{id}`"));
        out.breaking(format!("operationId renamed from {} to {}", name(old.id()), name(new.id())));
    }
    docs::compare("summary", old.text("summary"), new.text("summary"), &mut out);
    docs::compare("description", old.text("description"), new.text("description"), &mut out);
    compare_parameters(specs, old, new, &mut out);
    body::compare_request(specs, old.value, new.value, &mut out);
    body::compare_responses(specs, old.value, new.value, &mut out);
    out.at(&new.location()).collect()
}

/// Parameters are matched by location and name (`query` `cursor`).
fn compare_parameters(
    specs: Specs<'_>,
    old: &Operation<'_>,
    new: &Operation<'_>,
    out: &mut Findings,
) {
    let (old_parameters, new_parameters) = (old.parameters(specs.old), new.parameters(specs.new));
    for (key, old_parameter) in &old_parameters {
        let subject = parameter_subject(key);
        match new_parameters.get(key) {
            Some(new_parameter) => {
                compare_parameter(specs, old_parameter, new_parameter, &subject, out)
            }
            None => out.breaking(format!("{subject} removed")),
        }
    }
    for (key, new_parameter) in &new_parameters {
        if old_parameters.contains_key(key) {
            continue;
        }
        let subject = parameter_subject(key);
        if is_required(new_parameter) {
            out.breaking(format!("new required {subject}"));
        } else {
            out.compatible(format!("new optional {subject}"));
        }
    }
}

fn parameter_subject((location, name): &(String, String)) -> String {
    format!("{location} parameter `{name}`")
}

/// Compares one parameter present on both sides. A parameter made optional is breaking
/// for the same reason as a request field made optional: its argument becomes an
/// `Option`, so every call passing a plain value stops compiling.
fn compare_parameter(
    specs: Specs<'_>,
    old: &Value,
    new: &Value,
    subject: &str,
    out: &mut Findings,
) {
    match (is_required(old), is_required(new)) {
        (false, true) => out.breaking(format!("{subject} made required")),
        (true, false) => out.breaking(format!(
            "{subject} made optional (its generated argument changes from T to Option<T>)"
        )),
        _ => {}
    }
    let what = format!("description of {subject}");
    docs::compare(&what, text(old, "description"), text(new, "description"), out);
    let old_schema = canonical(specs.old, parameter_schema(old));
    let new_schema = canonical(specs.new, parameter_schema(new));
    let at = Subject::new(subject, format!("{subject} field"));
    schema::compare(&old_schema, &new_schema, &at, Direction::Request, out);
}

/// Path parameters are required whatever they say; others only when they say so.
fn is_required(parameter: &Value) -> bool {
    parameter.get("in").and_then(Value::as_str) == Some("path")
        || parameter.get("required") == Some(&Value::Bool(true))
}

/// A parameter's `schema`, or the schema of its first `content` entry.
fn parameter_schema(parameter: &Value) -> &Value {
    let from_content = || {
        let content = parameter.get("content")?.as_object()?;
        content.values().next()?.get("schema")
    };
    parameter.get("schema").or_else(from_content).unwrap_or(&Value::Null)
}

impl<'a> Operation<'a> {
    fn id(&self) -> Option<&'a str> {
        text(self.value, "operationId")
    }

    fn text(&self, keyword: &str) -> Option<&'a str> {
        text(self.value, keyword)
    }

    /// `POST /v1/users/{username}/tokens (users-createToken)`.
    fn location(&self) -> String {
        let method = self.method.to_uppercase();
        match self.id() {
            Some(id) => format!("{method} {} ({id})", self.path),
            None => format!("{method} {}", self.path),
        }
    }

    /// The path item's parameters overridden by the operation's own, references resolved.
    fn parameters(&self, spec: &'a Value) -> BTreeMap<(String, String), &'a Value> {
        let mut found = BTreeMap::new();
        for holder in [self.path_item, self.value] {
            let listed = holder.get("parameters").and_then(Value::as_array).into_iter().flatten();
            for parameter in listed.map(|p| resolve::follow(spec, p)) {
                let location = text(parameter, "in").unwrap_or_default().to_owned();
                let name = text(parameter, "name").unwrap_or_default().to_owned();
                found.insert((location, name), parameter);
            }
        }
        found
    }
}

fn text<'a>(value: &'a Value, keyword: &str) -> Option<&'a str> {
    value.get(keyword).and_then(Value::as_str)
}
