//! Proves the Prism harness: the mock answers valid requests, reports invalid ones in
//! `sl-violations`, refuses a missing bearer token, and stops when its guard is dropped.
//!
//! These requests are raw reqwest calls, so they test Prism and the harness, not the SDK.

use std::fs;
use std::net::TcpStream;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::{Value, json};

use motherduck_tests::prism::{self, Prism};

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().expect("failed to build the http client")
}

fn url(path: &str) -> String {
    format!("{}{path}", Prism::shared().base_url())
}

fn parsed_violations(headers: &HeaderMap) -> Vec<Value> {
    let header = prism::violations(headers).expect("expected an sl-violations header");
    serde_json::from_str(&header).expect("sl-violations is not a JSON array")
}

#[tokio::test]
async fn valid_request_gets_200_without_violations() {
    let response = client()
        .get(url("/v1/users/alice/tokens"))
        .bearer_auth("x")
        .send()
        .await
        .expect("request to prism failed");

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(prism::violations(response.headers()), None);
    let body: Value = response.json().await.expect("body is not JSON");
    assert!(body["tokens"].is_array(), "unexpected body {body}");
}

#[tokio::test]
async fn empty_token_name_gets_400_with_a_violation_naming_the_field() {
    let response = client()
        .post(url("/v1/users/alice/tokens"))
        .bearer_auth("x")
        .json(&json!({ "name": "" }))
        .send()
        .await
        .expect("request to prism failed");

    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let violations = parsed_violations(response.headers());
    assert_eq!(violations.len(), 1, "unexpected violations {violations:?}");
    assert_eq!(violations[0]["location"], json!(["request", "body", "name"]));
    assert_eq!(violations[0]["code"], "minLength");
    let body: Value = response.json().await.expect("body is not JSON");
    assert_eq!(body["code"], "BAD_REQUEST");
}

#[tokio::test]
async fn missing_bearer_token_gets_401() {
    let response =
        client().get(url("/v1/users/alice/tokens")).send().await.expect("request to prism failed");

    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: Value = response.json().await.expect("body is not JSON");
    assert_eq!(body["code"], "UNAUTHORIZED");
}

#[test]
fn own_instance_listens_on_its_own_port_until_dropped() {
    let own = Prism::start().unwrap_or_else(|err| panic!("{err}"));
    let addr = own.base_url().trim_start_matches("http://").to_owned();
    let output = own.output();
    assert!(output.contains(&format!("listening on {}", own.base_url())), "output:\n{output}");
    TcpStream::connect(&addr).expect("prism should be listening before the drop");

    drop(own);

    let refused = TcpStream::connect_timeout(
        &addr.parse().expect("base url holds a socket address"),
        Duration::from_secs(1),
    );
    assert!(refused.is_err(), "prism still listens on {addr} after the drop");
}

#[test]
fn unparsable_spec_fails_with_prism_output() {
    let spec = std::env::temp_dir().join(format!("prism-harness-{}.json", std::process::id()));
    fs::write(&spec, "not json {").expect("failed to write the temporary spec");

    let result = Prism::start_with(&spec);
    fs::remove_file(&spec).expect("failed to remove the temporary spec");

    let err = result.expect_err("prism should refuse an unparsable spec");
    assert!(matches!(err, prism::Error::Exited { .. }), "unexpected error {err:?}");
    let message = err.to_string();
    assert!(message.contains("not a valid JSON Schema"), "message:\n{message}");
}

#[test]
fn missing_spec_is_refused_before_starting() {
    let spec = prism::repo_root().join("openapi").join("missing.json");

    let err = Prism::start_with(&spec).expect_err("a missing spec should be refused");

    assert!(matches!(err, prism::Error::SpecMissing { .. }), "unexpected error {err:?}");
}

#[test]
fn violations_is_none_without_the_header() {
    assert_eq!(prism::violations(&HeaderMap::new()), None);
}

#[test]
fn violations_returns_the_header_text() {
    let mut headers = HeaderMap::new();
    let text = r#"[{"location":["request"],"severity":"Error","code":401}]"#;
    headers.insert(prism::VIOLATIONS_HEADER, HeaderValue::from_static(text));

    assert_eq!(prism::violations(&headers).as_deref(), Some(text));
}
