//! Tests of the API change report (`codegen::diff`) against a frozen copy of the spec.
//!
//! `tests/fixtures/diff-base.json` is `openapi/motherduck.json` as it was when these
//! fixtures were written, kept apart so that `cargo xtask update-spec` can change the
//! vendored spec without changing what these tests of the engine expect (a fixture that
//! counts one change per operation would otherwise fail when an operation is added).
//! Each file in `tests/fixtures/diff/` is one mutation of that base,
//! written as JSON Patch operations (RFC 6902: `add`, `remove`, `replace`, `move`,
//! `copy`), with the classification and message it must produce. An optional `base`
//! patch is applied to both sides first, for cases the vendored spec cannot show as is
//! (an optional parameter made required needs an optional parameter). Fields:
//!
//! - `expect`: `breaking`, `compatible` or `documentation`, the kind of every change;
//! - `expect_message_contains`: a substring of every change's message;
//! - `expect_location_contains` (optional): a substring of every change's location;
//! - `expect_count` (optional, default 1): how many changes the patch must cause.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use codegen::diff::{self, Bump, Change, Compatibility, Report};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The spec the fixtures mutate.
const BASE: &str = "tests/fixtures/diff-base.json";

/// The frozen base spec, parsed.
fn vendored() -> Value {
    let path = manifest_dir().join(BASE);
    let text = fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("failed to read {}: {e}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("failed to parse {}: {e}", path.display()))
}

fn patched(patch: Value) -> Value {
    let mut spec = vendored();
    apply(&mut spec, patch.as_array().expect("patch is an array")).expect("patch applies");
    spec
}

// ---- The JSON Patch applier -------------------------------------------------------

/// Applies RFC 6902 operations in order, stopping at the first that fails.
fn apply(doc: &mut Value, operations: &[Value]) -> Result<(), String> {
    for operation in operations {
        apply_one(doc, operation).map_err(|e| format!("failed to apply {operation}: {e}"))?;
    }
    Ok(())
}

fn apply_one(doc: &mut Value, operation: &Value) -> Result<(), String> {
    let field =
        |name: &str| operation.get(name).and_then(Value::as_str).ok_or(format!("no `{name}`"));
    let path = field("path")?;
    match field("op")? {
        "add" => add(doc, path, operation.get("value").ok_or("no `value`")?.clone()),
        "remove" => remove(doc, path).map(drop),
        "replace" => {
            let target = doc.pointer_mut(path).ok_or(format!("nothing at {path}"))?;
            *target = operation.get("value").ok_or("no `value`")?.clone();
            Ok(())
        }
        "move" => {
            let value = remove(doc, field("from")?)?;
            add(doc, path, value)
        }
        "copy" => {
            let from = field("from")?;
            let value = doc.pointer(from).ok_or(format!("nothing at {from}"))?.clone();
            add(doc, path, value)
        }
        other => Err(format!("unknown op `{other}`")),
    }
}

/// The parent pointer of `path` and its last token, unescaped (`~1` is `/`, `~0` is `~`).
fn split(path: &str) -> Result<(&str, String), String> {
    let (parent, last) = path.rsplit_once('/').ok_or(format!("`{path}` is not a JSON pointer"))?;
    Ok((parent, last.replace("~1", "/").replace("~0", "~")))
}

fn add(doc: &mut Value, path: &str, value: Value) -> Result<(), String> {
    let (parent, key) = split(path)?;
    match doc.pointer_mut(parent).ok_or(format!("nothing at {parent}"))? {
        Value::Object(map) => {
            map.insert(key, value);
            Ok(())
        }
        Value::Array(items) if key == "-" => {
            items.push(value);
            Ok(())
        }
        Value::Array(items) => {
            let index: usize = key.parse().map_err(|_| format!("bad index `{key}`"))?;
            if index > items.len() {
                return Err(format!("index {index} out of bounds at {parent}"));
            }
            items.insert(index, value);
            Ok(())
        }
        _ => Err(format!("{parent} is neither an object nor an array")),
    }
}

fn remove(doc: &mut Value, path: &str) -> Result<Value, String> {
    let (parent, key) = split(path)?;
    let removed = match doc.pointer_mut(parent).ok_or(format!("nothing at {parent}"))? {
        Value::Object(map) => map.remove(&key),
        Value::Array(items) => {
            let index: usize = key.parse().map_err(|_| format!("bad index `{key}`"))?;
            (index < items.len()).then(|| items.remove(index))
        }
        _ => None,
    };
    removed.ok_or(format!("nothing to remove at {path}"))
}

#[test]
fn patch_applier_follows_rfc_6902() {
    let mut doc = json!({"a": {"b~c": [1, 3]}, "d/e": 0});
    let operations = json!([
        {"op": "add", "path": "/a/b~0c/1", "value": 2},
        {"op": "add", "path": "/a/b~0c/-", "value": 4},
        {"op": "replace", "path": "/d~1e", "value": 5},
        {"op": "copy", "from": "/d~1e", "path": "/f"},
        {"op": "move", "from": "/f", "path": "/g"},
        {"op": "remove", "path": "/a/b~0c/0"}
    ]);
    apply(&mut doc, operations.as_array().unwrap()).unwrap();
    assert_eq!(doc, json!({"a": {"b~c": [2, 3, 4]}, "d/e": 5, "g": 5}));
    assert!(apply(&mut doc, &[json!({"op": "remove", "path": "/missing"})]).is_err());
    assert!(apply(&mut doc, &[json!({"op": "replace", "path": "/missing", "value": 1})]).is_err());
}

// ---- Fixtures -----------------------------------------------------------------------

/// One mutation case from `tests/fixtures/diff/`.
#[derive(Debug)]
struct Fixture {
    file: PathBuf,
    name: String,
    expect: Compatibility,
    message: String,
    location: Option<String>,
    count: usize,
    base: Vec<Value>,
    patch: Vec<Value>,
}

fn fixtures() -> Vec<Fixture> {
    let dir = manifest_dir().join("tests/fixtures/diff");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("failed to list {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|file| fixture(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display())))
        .collect()
}

fn fixture(file: &Path) -> Result<Fixture, String> {
    let text = fs::read_to_string(file).map_err(|e| e.to_string())?;
    let value: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let text_of = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
    let list_of = |key: &str| value.get(key).and_then(Value::as_array).cloned().unwrap_or_default();
    let expect = match text_of("expect").as_deref() {
        Some("breaking") => Compatibility::Breaking,
        Some("compatible") => Compatibility::Compatible,
        Some("documentation") => Compatibility::Documentation,
        other => return Err(format!("bad `expect`: {other:?}")),
    };
    Ok(Fixture {
        file: file.to_owned(),
        name: text_of("name").ok_or("no `name`")?,
        expect,
        message: text_of("expect_message_contains").ok_or("no `expect_message_contains`")?,
        location: text_of("expect_location_contains"),
        count: value.get("expect_count").and_then(Value::as_u64).map_or(1, |n| n as usize),
        base: list_of("base"),
        patch: list_of("patch"),
    })
}

/// Runs one fixture; the error explains the mismatch and shows the report.
fn check(fixture: &Fixture) -> Result<(), String> {
    let mut old = vendored();
    apply(&mut old, &fixture.base)?;
    let mut new = old.clone();
    apply(&mut new, &fixture.patch)?;
    let report = diff::compare(&old, &new);

    let mut problems = Vec::new();
    if report.changes.len() != fixture.count {
        problems.push(format!(
            "expected {} change(s), got {}",
            fixture.count,
            report.changes.len()
        ));
    }
    for change in &report.changes {
        if change.kind != fixture.expect {
            problems.push(format!(
                "expected {:?}, got {:?}: {}",
                fixture.expect, change.kind, change.message
            ));
        }
        if !change.message.contains(&fixture.message) {
            problems.push(format!("message lacks `{}`: {}", fixture.message, change.message));
        }
        if let Some(location) =
            fixture.location.as_ref().filter(|l| !change.location.contains(l.as_str()))
        {
            problems.push(format!("location lacks `{location}`: {}", change.location));
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(format!("{}:\n  {}\nreport:\n{report}", fixture.name, problems.join("\n  ")))
}

#[test]
fn each_fixture_produces_its_expected_change() {
    let fixtures = fixtures();
    assert!(fixtures.len() >= 30, "only {} fixtures", fixtures.len());
    let failures: Vec<String> =
        fixtures.iter().filter_map(|fixture| check(fixture).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} fixtures failed:\n\n{}",
        failures.len(),
        fixtures.len(),
        failures.join("\n")
    );
}

#[test]
fn fixture_names_match_their_files() {
    for fixture in fixtures() {
        let stem = fixture.file.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
        assert_eq!(stem, fixture.name, "{}", fixture.file.display());
    }
}

#[test]
fn fixtures_cover_every_kind_of_change() {
    let kinds: Vec<Compatibility> = fixtures().iter().map(|fixture| fixture.expect).collect();
    for kind in [Compatibility::Breaking, Compatibility::Compatible, Compatibility::Documentation] {
        assert!(kinds.contains(&kind), "no fixture expects {kind:?}");
    }
}

// ---- Equivalent spellings are not changes ----------------------------------------

#[test]
fn identical_specs_have_no_changes() {
    let spec = vendored();
    let report = diff::compare(&spec, &spec);
    assert!(report.is_empty(), "{report}");
    assert_eq!(report.bump(), Bump::None);
}

/// Writes `value` as JSON with every object's keys and every array reversed, indented
/// with tabs and spaced differently from serde_json's own output.
fn scrambled(value: &Value, depth: usize, out: &mut String) {
    let indent = "\t".repeat(depth + 1);
    let close = "\t".repeat(depth);
    match value {
        Value::Object(map) => {
            out.push_str("{\n");
            for (i, (key, item)) in map.iter().rev().enumerate() {
                let comma = if i + 1 < map.len() { " ," } else { "" };
                write!(out, "{indent}{} :  ", Value::String(key.clone())).unwrap();
                scrambled(item, depth + 1, out);
                out.push_str(comma);
                out.push('\n');
            }
            write!(out, "{close}}}").unwrap();
        }
        Value::Array(items) => {
            out.push_str("[ ");
            for (i, item) in items.iter().rev().enumerate() {
                if i > 0 {
                    out.push_str(" ,\r\n");
                    out.push_str(&indent);
                }
                scrambled(item, depth + 1, out);
            }
            out.push_str(" ]");
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[test]
fn reordered_keys_lists_and_whitespace_are_not_a_change() {
    let spec = vendored();
    let mut text = String::new();
    scrambled(&spec, 0, &mut text);
    let original = fs::read_to_string(manifest_dir().join(BASE)).unwrap();
    assert_ne!(text.trim(), original.trim());
    let reordered: Value = serde_json::from_str(&text).expect("scrambled text is JSON");
    let username =
        "/paths/~1v1~1users/post/requestBody/content/application~1json/schema/properties/username";
    let first_pattern =
        |spec: &Value| spec.pointer(&format!("{username}/allOf/0/pattern")).cloned();
    assert_ne!(first_pattern(&reordered), first_pattern(&spec), "allOf order should be reversed");

    let report = diff::compare(&spec, &reordered);
    assert!(report.is_empty(), "{report}");
}

/// Moves every inline schema, bottom up, into `components/schemas` and puts a `$ref` in
/// its place.
fn hoist(schema: &mut Value, components: &mut Map<String, Value>) {
    let Some(object) = schema.as_object_mut() else { return };
    for keyword in ["items", "additionalProperties"] {
        if let Some(child) = object.get_mut(keyword) {
            hoist(child, components);
        }
    }
    for child in object
        .get_mut("properties")
        .and_then(Value::as_object_mut)
        .into_iter()
        .flat_map(|m| m.values_mut())
    {
        hoist(child, components);
    }
    for child in object.get_mut("allOf").and_then(Value::as_array_mut).into_iter().flatten() {
        hoist(child, components);
    }
    if ["type", "allOf", "properties"].iter().any(|keyword| object.contains_key(*keyword)) {
        let name = format!("Hoisted{}", components.len());
        let reference = json!({ "$ref": format!("#/components/schemas/{name}") });
        components.insert(name, std::mem::replace(schema, reference));
    }
}

/// The vendored spec with every inline schema hoisted into a component, the
/// first parameter of every operation moved to `components/parameters`, and every
/// request body and success response moved to `components/requestBodies` and
/// `components/responses`.
fn hoisted_everywhere() -> Value {
    let mut spec = vendored();
    let mut schemas = Map::new();
    let (mut parameters, mut bodies, mut responses) = (Map::new(), Map::new(), Map::new());
    for path_item in spec["paths"].as_object_mut().unwrap().values_mut() {
        for operation in path_item.as_object_mut().unwrap().values_mut() {
            let id = operation["operationId"].as_str().unwrap().to_owned();
            let reference = |kind: &str| json!({ "$ref": format!("#/components/{kind}/{id}") });
            for media in operation
                .pointer_mut("/requestBody/content")
                .and_then(Value::as_object_mut)
                .into_iter()
                .flat_map(|m| m.values_mut())
            {
                hoist(&mut media["schema"], &mut schemas);
            }
            for response in operation["responses"].as_object_mut().unwrap().values_mut() {
                for media in response
                    .get_mut("content")
                    .and_then(Value::as_object_mut)
                    .into_iter()
                    .flat_map(|m| m.values_mut())
                {
                    hoist(&mut media["schema"], &mut schemas);
                }
            }
            for parameter in
                operation.get_mut("parameters").and_then(Value::as_array_mut).into_iter().flatten()
            {
                hoist(&mut parameter["schema"], &mut schemas);
            }
            if let Some(first) = operation.pointer_mut("/parameters/0") {
                parameters.insert(id.clone(), std::mem::replace(first, reference("parameters")));
            }
            if let Some(body) = operation.get_mut("requestBody") {
                bodies.insert(id.clone(), std::mem::replace(body, reference("requestBodies")));
            }
            let success = operation.pointer_mut("/responses/200").unwrap();
            responses.insert(id.clone(), std::mem::replace(success, reference("responses")));
        }
    }
    let components = spec["components"].as_object_mut().unwrap();
    components["schemas"].as_object_mut().unwrap().extend(schemas);
    components.insert("parameters".to_owned(), Value::Object(parameters));
    components.insert("requestBodies".to_owned(), Value::Object(bodies));
    components.insert("responses".to_owned(), Value::Object(responses));
    spec
}

#[test]
fn hoisting_inline_schemas_into_components_is_not_a_change() {
    let spec = vendored();
    let hoisted = hoisted_everywhere();
    assert!(hoisted["components"]["schemas"].as_object().unwrap().len() > 20);
    let report = diff::compare(&spec, &hoisted);
    assert!(report.is_empty(), "{report}");
    assert!(diff::compare(&hoisted, &spec).is_empty());
}

#[test]
fn a_change_inside_a_hoisted_schema_is_found_through_the_reference() {
    let mut hoisted = hoisted_everywhere();
    let old = hoisted.clone();
    let components = hoisted["components"]["schemas"].as_object_mut().unwrap();
    let ttl = components
        .values_mut()
        .find(|schema| schema.get("maximum") == Some(&json!(31536000)))
        .unwrap();
    ttl["maximum"] = json!(86400);
    let report = diff::compare(&old, &hoisted);
    let messages: Vec<&str> = report.changes.iter().map(|c| c.message.as_str()).collect();
    assert_eq!(messages, ["request field `ttl` maximum lowered from 31536000 to 86400"]);
}

// ---- References that cannot be expanded -----------------------------------------

/// A minimal spec with one operation whose request body is `schema`, plus `components`.
fn tiny_spec(schema: Value, components: Value) -> Value {
    json!({
        "openapi": "3.0.3",
        "paths": {"/nodes": {"post": {
            "operationId": "nodes-create",
            "requestBody": {"required": true, "content": {"application/json": {"schema": schema}}},
            "responses": {"200": {"description": "ok"}}
        }}},
        "components": {"schemas": components}
    })
}

#[test]
fn a_recursive_schema_is_compared_without_looping() {
    let node = |extra: Value| {
        let mut properties =
            json!({"children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}});
        properties.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        json!({"Node": {"type": "object", "properties": properties}})
    };
    let reference = json!({"$ref": "#/components/schemas/Node"});
    let old = tiny_spec(reference.clone(), node(json!({})));
    assert!(diff::compare(&old, &old).is_empty());

    let new = tiny_spec(reference, node(json!({"label": {"type": "string"}})));
    let messages: Vec<String> =
        diff::compare(&old, &new).changes.into_iter().map(|c| c.message).collect();
    // `children[]` is the same schema again: its change is the one already reported.
    assert_eq!(messages, ["new optional request field `label`"]);
}

#[test]
fn an_unresolvable_reference_is_compared_by_its_text() {
    let old = tiny_spec(json!({"$ref": "other.json#/Node"}), json!({}));
    assert!(diff::compare(&old, &old).is_empty());
    let new = tiny_spec(json!({"$ref": "other.json#/Tree"}), json!({}));
    let report = diff::compare(&old, &new);
    assert_eq!(report.changes.len(), 1, "{report}");
    assert_eq!(report.changes[0].kind, Compatibility::Breaking);
    assert_eq!(
        report.changes[0].message,
        "request body changed from `other.json#/Node` to `other.json#/Tree`"
    );
}

#[test]
fn path_level_parameters_apply_to_every_operation_of_the_path() {
    let mut old = tiny_spec(json!({"type": "object"}), json!({}));
    old["paths"]["/nodes"]["parameters"] =
        json!([{"in": "query", "name": "dry_run", "schema": {"type": "boolean"}}]);
    let mut new = old.clone();
    new["paths"]["/nodes"]["parameters"][0]["schema"]["type"] = json!("string");
    let report = diff::compare(&old, &new);
    let messages: Vec<&str> = report.changes.iter().map(|c| c.message.as_str()).collect();
    assert_eq!(messages, ["query parameter `dry_run` type changed from boolean to string"]);
}

// ---- The report as printed ------------------------------------------------------

const TTL_MAXIMUM: &str = "/paths/~1v1~1users~1{username}~1tokens/post/requestBody/content/application~1json/schema/properties/ttl/maximum";
const TOKENS_SUMMARY: &str = "/paths/~1v1~1users~1{username}~1tokens/post/summary";
const TOKENS_LIST: &str = "/paths/~1v1~1users~1{username}~1tokens/get/parameters/-";

fn breaking_report() -> Report {
    let new = patched(json!([{"op": "replace", "path": TTL_MAXIMUM, "value": 86400}]));
    diff::compare(&vendored(), &new)
}

fn compatible_report() -> Report {
    let cursor = json!({"in": "query", "name": "cursor", "schema": {"type": "string"}});
    diff::compare(
        &vendored(),
        &patched(json!([{"op": "add", "path": TOKENS_LIST, "value": cursor}])),
    )
}

fn documentation_report() -> Report {
    let new = patched(json!([{"op": "replace", "path": TOKENS_SUMMARY, "value": "Mint a token"}]));
    diff::compare(&vendored(), &new)
}

#[test]
fn report_prints_one_line_per_change_then_the_semver_verdict() {
    let expected = "\
breaking   POST /v1/users/{username}/tokens (users-createToken): request field `ttl` maximum lowered from 31536000 to 86400
semver: breaking change, bump motherduck-api 0.1.0 -> 0.2.0
";
    assert_eq!(breaking_report().render("0.1.0").unwrap(), expected);
}

#[test]
fn report_labels_compatible_and_documentation_lines() {
    let compatible = compatible_report().render("0.1.0").unwrap();
    assert_eq!(
        compatible,
        "compatible GET /v1/users/{username}/tokens (users-listTokens): new optional query parameter `cursor`\n\
         semver: compatible change, bump motherduck-api 0.1.0 -> 0.1.1\n"
    );
    let documentation = documentation_report().render("0.1.0").unwrap();
    assert_eq!(
        documentation,
        "docs       POST /v1/users/{username}/tokens (users-createToken): summary changed from \
         \"Create an access token for a user\" to \"Mint a token\"\n\
         semver: documentation change, bump motherduck-api 0.1.0 -> 0.1.1\n"
    );
}

#[test]
fn empty_report_prints_no_api_changes() {
    let spec = vendored();
    let report = diff::compare(&spec, &spec);
    assert_eq!(report.to_string(), "no API changes\n");
    assert_eq!(report.render("0.1.0").unwrap(), "no API changes\n");
}

#[test]
fn changes_are_ordered_by_location_then_message() {
    let new = patched(json!([
        {"op": "replace", "path": TTL_MAXIMUM, "value": 86400},
        {"op": "replace", "path": TOKENS_SUMMARY, "value": "Mint a token"},
        {"op": "remove", "path": "/paths/~1v1~1active_accounts"},
        {"op": "add", "path": TOKENS_LIST, "value": {"in": "query", "name": "cursor", "schema": {"type": "string"}}}
    ]));
    let report = diff::compare(&vendored(), &new);
    let order: Vec<(&str, &str)> =
        report.changes.iter().map(|c| (c.location.as_str(), c.message.as_str())).collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
    assert_eq!(order.len(), 4);
    assert_eq!(report, diff::compare(&vendored(), &new), "the same inputs give the same report");
}

#[test]
fn report_new_sorts_and_drops_duplicates() {
    let change = |location: &str, message: &str| Change {
        kind: Compatibility::Compatible,
        location: location.to_owned(),
        message: message.to_owned(),
    };
    let report =
        Report::new(vec![change("b", "x"), change("a", "y"), change("a", "x"), change("b", "x")]);
    let order: Vec<(&str, &str)> =
        report.changes.iter().map(|c| (c.location.as_str(), c.message.as_str())).collect();
    assert_eq!(order, [("a", "x"), ("a", "y"), ("b", "x")]);
}

// ---- Versions ---------------------------------------------------------------------

#[test]
fn bump_is_the_level_of_the_most_severe_change() {
    assert_eq!(breaking_report().bump(), Bump::Major);
    assert_eq!(compatible_report().bump(), Bump::Minor);
    assert_eq!(documentation_report().bump(), Bump::Patch);
}

#[test]
fn below_one_a_breaking_change_bumps_the_minor_version() {
    assert_eq!(breaking_report().bump_for("0.1.0").unwrap(), "0.2.0");
    assert_eq!(breaking_report().bump_for("0.9.7").unwrap(), "0.10.0");
    assert_eq!(compatible_report().bump_for("0.1.0").unwrap(), "0.1.1");
    assert_eq!(documentation_report().bump_for("0.3.9").unwrap(), "0.3.10");
}

#[test]
fn from_one_on_each_level_bumps_its_own_component() {
    assert_eq!(breaking_report().bump_for("1.4.2").unwrap(), "2.0.0");
    assert_eq!(compatible_report().bump_for("1.4.2").unwrap(), "1.5.0");
    assert_eq!(documentation_report().bump_for("1.4.2").unwrap(), "1.4.3");
}

#[test]
fn no_change_keeps_the_version() {
    let spec = vendored();
    assert_eq!(diff::compare(&spec, &spec).bump_for("0.4.1").unwrap(), "0.4.1");
    assert_eq!(diff::compare(&spec, &spec).bump_for("2.0.0").unwrap(), "2.0.0");
}

#[test]
fn rejects_versions_that_are_not_major_minor_patch() {
    let report = breaking_report();
    for bad in [
        "",
        "1",
        "1.2",
        "1.2.3.4",
        "01.2.3",
        "1.02.3",
        "1..3",
        "v1.2.3",
        "1.2.3-rc.1",
        "1.2.3+build",
        " 1.2.3",
    ] {
        let error = report.bump_for(bad).expect_err(bad);
        assert_eq!(
            error.to_string(),
            format!("invalid version `{bad}`: expected MAJOR.MINOR.PATCH, such as 0.1.0")
        );
        assert!(report.render(bad).is_err(), "{bad}");
    }
    assert_eq!(report.bump_for("0.0.0").unwrap(), "0.1.0");
}
