//! `cargo xtask update-spec`, run as a process on a temporary copy of the workspace.
//!
//! Every source is local: a file, or a one-shot server on 127.0.0.1. The fixtures
//! (`support::grows`, `support::breaks`) are the vendored spec with a few named changes;
//! for each, the report must classify every change and the copy must be free of drift
//! afterwards. Every failure must leave every file of the copy as it was.

mod support;

use serde_json::json;

use support::{Tree, VERSION, breaks, grows, pretty, serve, unreachable_url, vendored};

const GENERATED: [&str; 3] = [
    "openapi/motherduck.normalized.json",
    "motherduck-api/src/generated/raw.rs",
    "motherduck-api/src/generated/api.rs",
];

/// Asserts that `run` wrote the spec and every generated file, and the copy has no drift.
fn assert_regenerated(tree: &Tree, run: &support::Run, spec: &[u8]) {
    assert_eq!(tree.read("openapi/motherduck.json"), spec, "spec not written byte for byte");
    assert!(run.stdout.contains("wrote openapi/motherduck.json\n"), "{}", run.stdout);
    for path in GENERATED {
        assert!(run.stdout.contains(&format!("wrote {path}\n")), "{}", run.stdout);
    }
    let (drift, _) = codegen::drift::check(&tree.root).unwrap();
    let stale: Vec<_> = drift.iter().map(|d| d.path).collect();
    assert!(stale.is_empty(), "drift after update-spec: {stale:?}");
}

/// The change lines of a report: everything before the `semver:` line.
fn change_lines(stdout: &str) -> Vec<&str> {
    stdout.lines().take_while(|l| !l.starts_with("semver:")).collect()
}

#[test]
fn update_from_a_file_writes_the_spec_byte_for_byte_and_regenerates() {
    let tree = Tree::copy("update-file");
    // Compact JSON: the vendored bytes must be the source's, not a re-serialization.
    let spec = serde_json::to_vec(&grows()).unwrap();
    let source = tree.file("grows.json", &spec);
    let before: Vec<_> = GENERATED.iter().map(|p| tree.read(p)).collect();

    let run = tree.xtask(&["update-spec", "--from", &source]).expect(0);

    assert_regenerated(&tree, &run, &spec);
    for (path, old) in GENERATED.iter().zip(before) {
        assert_ne!(tree.read(path), old, "{path} did not change");
    }
}

#[test]
fn the_grows_fixture_is_reported_compatible_and_adds_a_documented_method() {
    let tree = Tree::copy("update-grows");
    let spec = pretty(&grows());
    let (url, request) = serve("200 OK", spec.clone());

    let run = tree.xtask(&["update-spec", "--from", &url]).expect(0);

    assert!(request.recv().unwrap().starts_with("GET /docs/specs HTTP/1.1"));
    assert_eq!(
        change_lines(&run.stdout),
        [
            "compatible GET /v1/users/{username} (users-get): new operation",
            "compatible POST /v1/users/{username}/tokens (users-createToken): new optional request field `description`",
        ],
        "{}",
        run.stdout
    );
    let semver = format!("semver: compatible change, bump motherduck-api {VERSION} -> 0.4.3");
    assert!(run.lines().contains(&semver.as_str()), "{}", run.stdout);
    assert_regenerated(&tree, &run, &spec);

    let api = String::from_utf8(tree.read("motherduck-api/src/generated/api.rs")).unwrap();
    assert!(api.contains("///Get a user."), "the new method has no doc summary");
    assert!(api.contains("///Look up one user of the organization by username"));
    assert!(api.contains("pub fn get("), "no `get` method in the users group");
    assert!(api.contains("pub fn description("), "no setter for the new request field");
}

#[test]
fn the_breaks_fixture_is_reported_breaking() {
    let tree = Tree::copy("update-breaks");
    let spec = pretty(&breaks());
    let (url, _) = serve("200 OK", spec.clone());

    let run = tree.xtask(&["update-spec", "--from", &url]).expect(0);

    assert_eq!(
        change_lines(&run.stdout),
        [
            "breaking   GET /v1/users/{username}/tokens (users-listTokens): response field `tokens[].read_only` removed",
            "breaking   POST /v1/users/{username}/tokens (users-createToken): request field `ttl` maximum lowered from 31536000 to 86400",
            "breaking   POST /v1/users/{username}/tokens (users-createToken): response field `read_only` removed",
        ],
        "{}",
        run.stdout
    );
    let semver = format!("semver: breaking change, bump motherduck-api {VERSION} -> 0.5.0");
    assert!(run.lines().contains(&semver.as_str()), "{}", run.stdout);
    assert_regenerated(&tree, &run, &spec);
}

#[test]
fn updating_to_the_same_spec_writes_nothing() {
    let tree = Tree::copy("update-same");
    let source = tree.file("same.json", &tree.read("openapi/motherduck.json"));
    let (drift, _) = codegen::drift::check(&tree.root).unwrap();
    let before = tree.snapshot();

    let run = tree.xtask(&["update-spec", "--from", &source]).expect(0);

    assert!(run.stdout.starts_with("no API changes\n"), "{}", run.stdout);
    if drift.is_empty() {
        assert_eq!(tree.snapshot(), before);
        assert!(!run.stdout.contains("wrote"), "{}", run.stdout);
    }
}

/// Runs update-spec from `source` and asserts it failed with `message` and wrote nothing.
fn assert_refused(tree: &Tree, source: &str, message: &str) {
    let before = tree.snapshot();
    let run = tree.xtask(&["update-spec", "--from", source]).expect(1);
    assert!(run.stderr.contains(message), "expected {message:?} in:\n{}", run.stderr);
    assert!(run.stdout.is_empty(), "printed on failure: {}", run.stdout);
    assert!(tree.snapshot() == before, "update-spec wrote files although it failed");
}

#[test]
fn a_source_that_is_not_json_writes_nothing() {
    let tree = Tree::copy("refuse-json");
    let source = tree.file("broken.json", b"{\"openapi\": \"3.0.3\", \"paths\": {");
    assert_refused(&tree, &source, "is not valid JSON");
}

#[test]
fn a_spec_with_a_duplicate_operation_id_writes_nothing() {
    let tree = Tree::copy("refuse-duplicate");
    let mut spec = vendored();
    spec["paths"]["/v1/users"]["post"]["operationId"] = json!("users-delete");
    let (url, _) = serve("200 OK", pretty(&spec));
    assert_refused(&tree, &url, "operationId \"users-delete\" is also used at /paths/");
}

#[test]
fn a_spec_with_a_dangling_ref_writes_nothing() {
    let tree = Tree::copy("refuse-ref");
    let mut spec = vendored();
    spec["components"]["schemas"].as_object_mut().unwrap().remove("error.FORBIDDEN");
    let source = tree.file("dangling.json", &pretty(&spec));
    assert_refused(&tree, &source, "\"#/components/schemas/error.FORBIDDEN\" points to nothing");
}

#[test]
fn a_path_parameter_missing_from_its_template_writes_nothing() {
    let tree = Tree::copy("refuse-template");
    let mut spec = vendored();
    // The path template names `{username}`, the parameter is now called `user`.
    spec["paths"]["/v1/users/{username}"]["delete"]["parameters"][0]["name"] = json!("user");
    let source = tree.file("unmapped.json", &pretty(&spec));
    assert_refused(&tree, &source, "nothing was written");
    assert_refused(&tree, &source, "path parameter \"user\" is not in the path");
}

#[test]
fn a_spec_progenitor_cannot_generate_writes_nothing() {
    let tree = Tree::copy("refuse-generator");
    let mut spec = vendored();
    // A `not` schema: valid OpenAPI 3.0 that typify does not implement.
    let query = json!({"name": "q", "in": "query", "schema": {"not": {"type": "string"}}});
    spec["paths"]["/v1/users/{username}"]["delete"]["parameters"]
        .as_array_mut()
        .unwrap()
        .push(query);
    let source = tree.file("not.json", &pretty(&spec));
    assert_refused(&tree, &source, "nothing was written");
    assert_refused(&tree, &source, "progenitor failed on operation \"users-delete\"");
    assert_refused(&tree, &source, "generator panicked: not yet implemented: unhandled not schema");
}

#[test]
fn an_unreachable_url_writes_nothing() {
    let tree = Tree::copy("refuse-unreachable");
    let url = unreachable_url();
    assert_refused(&tree, &url, &format!("failed to fetch {url}"));
}

#[test]
fn an_error_status_writes_nothing() {
    let tree = Tree::copy("refuse-status");
    let (url, _) = serve("404 Not Found", b"Not Found".to_vec());
    assert_refused(&tree, &url, "the server answered 404 Not Found");
}

#[test]
fn a_spec_over_ten_mebibytes_writes_nothing() {
    let tree = Tree::copy("refuse-size");
    let (url, _) = serve("200 OK", vec![b' '; 10 * 1024 * 1024 + 1]);
    assert_refused(&tree, &url, "is larger than 10 MiB");
}

#[test]
fn bad_usage_exits_2() {
    let tree = Tree::copy("usage");
    for args in [
        &["update-spec", "--from"][..],
        &["update-spec", "--to", "x"],
        &["update-spec", "a", "b", "c"],
        &["diff", "a", "b", "c"],
        &["regenerate", "now"],
        &["nonsense"],
        &[],
    ] {
        let run = tree.xtask(args);
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(run.stderr.starts_with("usage: cargo xtask"), "{args:?}: {}", run.stderr);
    }
}
