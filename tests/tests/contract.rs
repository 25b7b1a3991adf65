//! Contract tests: the SDK against Stoplight Prism serving the vendored spec.
//!
//! Every operation is called through the SDK with valid input (every optional field is set
//! in at least one test) and must succeed, with Prism finding nothing wrong with the
//! request. Values that break a rule of the spec must fail with an invalid-input error and
//! never reach Prism.
//!
//! # How a violation is seen
//!
//! Each test puts a [`Recorder`] between the SDK and Prism: the client's base URL is the
//! recorder's, and the recorder relays each request unchanged and keeps Prism's
//! `sl-violations` header with the request it answers. That is the one place where Prism
//! says what it checked and what failed, and the recorder reads it whatever the status.
//! The other ways were weaker:
//!
//! - `ClientBuilder::http_client` takes a `reqwest::Client`, but reqwest has no hook that
//!   sees responses, so the header would stay out of reach.
//! - Prism's `--errors` flag, in mock mode, changes how Prism answers when its own mock
//!   *response* breaks the spec; a request that breaks it gets the spec's 400 either way.
//!   Relying on the 400 that the SDK then reports says nothing about what was sent or
//!   which rule failed, and would pass a violation that Prism lists but still answers (a
//!   `Warning`, or a fault in its own mock response).
//!
//! [`assert_conforms`] fails on any violation, request or response, and on a status that
//! is not a success; `raw_requests_that_break_the_spec_fail_the_conformance_check` sends
//! invalid requests through the same recorder to prove that a violation is seen and fails
//! that check. The recorder also keeps the body and target as sent, and the tests compare
//! them with what was asked for: an optional field the SDK dropped would still be a valid
//! request, so Prism alone would not notice.
//!
//! "Never reaches Prism" is checked as "no connection was opened to the recorder", a count
//! kept synchronously by the recorder, rather than by Prism's log, which is written
//! asynchronously and kept only as a tail. Each check of that kind ends with a valid call
//! that the recorder must see, so a count of zero cannot come from a recorder nobody used.
//!
//! One Prism serves the whole binary ([`Prism::shared`]); each test has a recorder of its
//! own on its own port, so tests run in parallel without seeing each other's requests. The
//! client never retries, so one call is one exchange.

use std::fmt::Debug;
use std::panic::{self, AssertUnwindSafe};
use std::time::Duration;

use serde_json::{Map, Value, json};

use motherduck_api::types::{
    DucklingConfig, InstanceSize, ReadScalingConfig, ReadWriteConfig, RequiredResource, TokenType,
};
use motherduck_api::{Client, Error, ErrorKind, RetryPolicy};
use motherduck_tests::prism::Prism;
use motherduck_tests::recorder::{Exchange, Recorder, by_value};

const DIVE_ID: &str = "0d9e2f4a-8b7c-4d61-a3e5-f19c2b6d7e80";
const TOKEN_ID: &str = "6f1b8a52-3c1d-4e0f-9a77-2b5e4c9d1a03";

/// A recorder in front of the shared Prism, and an SDK client that talks to it.
struct Contract {
    recorder: Recorder,
    client: Client,
}

impl Contract {
    fn new() -> Contract {
        let recorder =
            Recorder::start(Prism::shared().base_url()).expect("failed to start the recorder");
        let client = Client::builder()
            .token("md_contract_token")
            .base_url(recorder.base_url())
            .retry_policy(RetryPolicy::disabled())
            .build()
            .expect("failed to build the client");
        Contract { recorder, client }
    }

    /// Every exchange so far, after checking that the recorder relayed each connection.
    fn exchanges(&self) -> Vec<Exchange> {
        let failures = self.recorder.failures();
        assert!(failures.is_empty(), "the recorder failed to relay: {failures:#?}");
        self.recorder.exchanges()
    }

    /// The one exchange of the test, checked to be `route` and to conform.
    fn only_exchange(&self, route: &str) -> Exchange {
        let mut exchanges = self.exchanges();
        assert_eq!(exchanges.len(), 1, "expected one exchange, got {exchanges:#?}");
        let exchange = exchanges.remove(0);
        assert_eq!(exchange.route(), route);
        assert_conforms(&exchange);
        exchange
    }
}

/// Fails unless Prism accepted the exchange: a success status and no violation at all (a
/// `response` one would mean the mock broke its own spec, which no test should build on).
fn assert_conforms(exchange: &Exchange) {
    assert!(
        exchange.violations.is_empty(),
        "prism reports violations for {}: {:#?}\nbody sent: {}",
        exchange.route(),
        exchange.violations,
        String::from_utf8_lossy(&exchange.request_body),
    );
    assert!(
        (200..300).contains(&exchange.status),
        "prism answered {} to {}",
        exchange.status,
        exchange.route()
    );
}

/// The JSON body of the exchange, numbers as by [`by_value`].
fn sent(exchange: &Exchange) -> Value {
    let body = exchange.request_json();
    by_value(body.unwrap_or_else(|| panic!("{} sent no JSON body", exchange.route())))
}

fn config(
    read_write_cooldown: Option<u64>,
    flock_size: f64,
    read_scaling_cooldown: Option<u64>,
) -> DucklingConfig {
    DucklingConfig {
        read_write: ReadWriteConfig {
            instance_size: InstanceSize::Standard,
            cooldown_seconds: read_write_cooldown,
        },
        read_scaling: ReadScalingConfig {
            instance_size: InstanceSize::Pulse,
            flock_size,
            cooldown_seconds: read_scaling_cooldown,
        },
    }
}

// Every operation with valid input.

#[tokio::test]
async fn create_service_account_conforms() {
    let contract = Contract::new();

    contract.client.users().create_service_account("svc_reports").await.expect("call failed");

    let exchange = contract.only_exchange("POST /v1/users");
    assert_eq!(sent(&exchange), by_value(json!({ "username": "svc_reports" })));
    assert_eq!(exchange.request_header("content-type"), Some("application/json"));
}

#[tokio::test]
async fn delete_user_conforms() {
    let contract = Contract::new();

    contract.client.users().delete("svc_reports").await.expect("call failed");

    let exchange = contract.only_exchange("DELETE /v1/users/svc_reports");
    assert!(exchange.request_body.is_empty(), "a delete sends no body");
}

#[tokio::test]
async fn list_tokens_conforms() {
    let contract = Contract::new();

    let tokens = contract
        .client
        .tokens()
        .list("svc_reports")
        .timeout(Duration::from_secs(10))
        .await
        .expect("call failed");

    assert!(!tokens.tokens.is_empty(), "prism's mock lists one token");
    contract.only_exchange("GET /v1/users/svc_reports/tokens");
}

#[tokio::test]
async fn create_token_with_ttl_and_token_type_conforms() {
    let contract = Contract::new();

    contract
        .client
        .tokens()
        .create("svc_reports", "dashboards")
        .token_type(TokenType::ReadScaling)
        .ttl(Duration::from_secs(3600))
        .await
        .expect("call failed");

    let exchange = contract.only_exchange("POST /v1/users/svc_reports/tokens");
    assert_eq!(
        sent(&exchange),
        by_value(json!({ "name": "dashboards", "token_type": "read_scaling", "ttl": 3600.0 }))
    );
}

#[tokio::test]
async fn create_token_with_only_a_name_conforms() {
    let contract = Contract::new();

    contract.client.tokens().create("svc_reports", "ci").await.expect("call failed");

    let exchange = contract.only_exchange("POST /v1/users/svc_reports/tokens");
    assert_eq!(sent(&exchange), by_value(json!({ "name": "ci" })));
}

#[tokio::test]
async fn create_read_write_token_with_fractional_ttl_conforms() {
    let contract = Contract::new();

    contract
        .client
        .tokens()
        .create("svc_reports", "nightly")
        .token_type(TokenType::ReadWrite)
        .ttl(Duration::from_millis(300_500))
        .await
        .expect("call failed");

    let exchange = contract.only_exchange("POST /v1/users/svc_reports/tokens");
    assert_eq!(
        sent(&exchange),
        by_value(json!({ "name": "nightly", "token_type": "read_write", "ttl": 300.5 }))
    );
}

#[tokio::test]
async fn delete_token_conforms() {
    let contract = Contract::new();

    contract.client.tokens().delete("svc_reports", TOKEN_ID).await.expect("call failed");

    contract.only_exchange(&format!("DELETE /v1/users/svc_reports/tokens/{TOKEN_ID}"));
}

#[tokio::test]
async fn get_duckling_config_conforms() {
    let contract = Contract::new();

    contract.client.ducklings().get_config("svc_reports").await.expect("call failed");

    contract.only_exchange("GET /v1/users/svc_reports/instances");
}

#[tokio::test]
async fn set_duckling_config_with_every_field_conforms() {
    let contract = Contract::new();

    let every_field = config(Some(600), 4.0, Some(300));
    contract.client.ducklings().set_config("svc_reports", every_field).await.expect("call failed");

    let exchange = contract.only_exchange("PUT /v1/users/svc_reports/instances");
    let expected = json!({ "config": {
        "read_write": { "instance_size": "standard", "cooldown_seconds": 600 },
        "read_scaling": { "instance_size": "pulse", "flock_size": 4.0, "cooldown_seconds": 300 },
    }});
    assert_eq!(sent(&exchange), by_value(expected));
}

#[tokio::test]
async fn set_duckling_config_without_cooldowns_conforms() {
    let contract = Contract::new();

    contract
        .client
        .ducklings()
        .set_config("svc_reports", config(None, 0.0, None))
        .await
        .expect("call failed");

    let exchange = contract.only_exchange("PUT /v1/users/svc_reports/instances");
    let expected = json!({ "config": {
        "read_write": { "instance_size": "standard" },
        "read_scaling": { "instance_size": "pulse", "flock_size": 0.0 },
    }});
    assert_eq!(sent(&exchange), by_value(expected));
}

#[tokio::test]
async fn get_active_accounts_conforms() {
    let contract = Contract::new();

    contract.client.accounts().get_active().await.expect("call failed");

    contract.only_exchange("GET /v1/active_accounts");
}

#[tokio::test]
async fn create_embed_session_with_every_optional_field_conforms() {
    let contract = Contract::new();
    let mut state = Map::new();
    state.insert("region".to_owned(), json!("eu"));
    state.insert("filters".to_owned(), json!({ "year": 2026, "tags": ["a", "b"] }));
    let resources = [
        RequiredResource { url: "md:_share/sales/abc".to_owned(), alias: Some("sales".to_owned()) },
        RequiredResource { url: "md:reference".to_owned(), alias: None },
    ];

    contract
        .client
        .dives()
        .create_embed_session(DIVE_ID, "svc_embed")
        .session_hint("dashboard-1")
        .required_resources(resources)
        .initial_state(state)
        .version(3)
        .await
        .expect("call failed");

    let exchange = contract.only_exchange(&format!("POST /v1/dives/{DIVE_ID}/embed-session"));
    let expected = json!({
        "username": "svc_embed",
        "session_hint": "dashboard-1",
        "required_resources": [
            { "url": "md:_share/sales/abc", "alias": "sales" },
            { "url": "md:reference" },
        ],
        "initial_state": { "region": "eu", "filters": { "year": 2026, "tags": ["a", "b"] } },
        "version": 3,
    });
    assert_eq!(sent(&exchange), by_value(expected));
}

#[tokio::test]
async fn create_embed_session_with_empty_required_resources_sends_the_empty_list() {
    let contract = Contract::new();

    contract
        .client
        .dives()
        .create_embed_session(DIVE_ID, "svc_embed")
        .required_resources([])
        .initial_state(Map::new())
        .await
        .expect("call failed");

    let exchange = contract.only_exchange(&format!("POST /v1/dives/{DIVE_ID}/embed-session"));
    assert_eq!(
        sent(&exchange),
        by_value(json!({ "username": "svc_embed", "required_resources": [], "initial_state": {} }))
    );
}

#[tokio::test]
async fn create_embed_session_with_only_a_username_conforms() {
    let contract = Contract::new();

    contract.client.dives().create_embed_session(DIVE_ID, "svc_embed").await.expect("call failed");

    let exchange = contract.only_exchange(&format!("POST /v1/dives/{DIVE_ID}/embed-session"));
    assert_eq!(sent(&exchange), by_value(json!({ "username": "svc_embed" })));
}

#[tokio::test]
async fn reserved_characters_in_path_parameters_stay_in_their_segment() {
    let contract = Contract::new();

    contract.client.tokens().delete(r"a/b\c?d#e %f", "x/../y").await.expect("call failed");

    contract.only_exchange("DELETE /v1/users/a%2Fb%5Cc%3Fd%23e%20%25f/tokens/x%2F..%2Fy");
}

/// Runs valid calls one after another and collects every one that was not sent exactly
/// once or that Prism did not accept.
struct Acceptances<'c> {
    contract: &'c Contract,
    seen: usize,
    problems: Vec<String>,
}

impl<'c> Acceptances<'c> {
    fn new(contract: &'c Contract) -> Acceptances<'c> {
        Acceptances { contract, seen: 0, problems: Vec::new() }
    }

    fn check<T: Debug>(&mut self, case: &str, result: Result<T, Error>) {
        let exchanges = self.contract.exchanges();
        let new = exchanges.len() - self.seen;
        self.seen = exchanges.len();
        if let Err(err) = result {
            self.problems.push(format!("{case}: failed with {err} ({:?})", err.kind()));
            return;
        }
        let (1, Some(exchange)) = (new, exchanges.last()) else {
            self.problems.push(format!("{case}: succeeded after {new} exchanges instead of one"));
            return;
        };
        if !exchange.violations.is_empty() || !(200..300).contains(&exchange.status) {
            self.problems.push(format!(
                "{case}: prism answered {} with {:?}",
                exchange.status, exchange.violations
            ));
        }
    }

    fn finish(self) {
        assert!(
            self.problems.is_empty(),
            "valid values were not accepted:\n{}",
            self.problems.join("\n")
        );
    }
}

#[tokio::test]
async fn values_on_the_edge_of_each_rule_are_sent_and_accepted() {
    let contract = Contract::new();
    let c = &contract.client;
    let mut check = Acceptances::new(&contract);
    let letters = "é".repeat(255);

    check.check("255-letter path username", c.tokens().list(&letters).await);
    check.check("255-letter service account", c.users().create_service_account(&letters).await);
    check.check(
        "titlecase letter, digit and underscore",
        c.users().create_service_account("ǅ_9").await,
    );
    check.check("255-character token name", c.tokens().create("alice", "n".repeat(255)).await);
    check
        .check("ttl of 300 s", c.tokens().create("alice", "t").ttl(Duration::from_secs(300)).await);
    let year = Duration::from_secs(31_536_000);
    check.check("ttl of one year", c.tokens().create("alice", "t").ttl(year).await);
    check.check(
        "flock size 64",
        c.ducklings().set_config("alice", config(Some(86_400), 64.0, Some(60))).await,
    );
    check.check(
        "flock size 2.5",
        c.ducklings().set_config("alice", config(Some(60), 2.5, Some(86_400))).await,
    );
    let dives = c.dives();
    check.check("version 1", dives.create_embed_session(DIVE_ID, "svc").version(1).await);
    check.check(
        "one-character session hint",
        dives.create_embed_session(DIVE_ID, "svc").session_hint("h").await,
    );
    let edge_resource = RequiredResource { url: "u".to_owned(), alias: Some(String::new()) };
    check.check(
        "one-character url, empty alias",
        dives.create_embed_session(DIVE_ID, "svc").required_resources([edge_resource]).await,
    );
    let upper = DIVE_ID.to_uppercase();
    check.check("upper-case dive id", dives.create_embed_session(upper, "svc").await);
    check.check("token id of three dots", c.tokens().delete("alice", "...").await);
    check.check("token id starting with a dot", c.tokens().delete("alice", ".x").await);

    check.finish();
}

// A violation is seen, and fails the check the tests above rely on.

#[tokio::test]
async fn raw_requests_that_break_the_spec_fail_the_conformance_check() {
    let recorder =
        Recorder::start(Prism::shared().base_url()).expect("failed to start the recorder");
    let http =
        reqwest::Client::builder().no_proxy().build().expect("failed to build the http client");
    let base = recorder.base_url();
    let cases = [
        (
            http.post(format!("{base}/v1/users/alice/tokens")).json(&json!({ "name": "" })),
            vec!["request", "body", "name"],
            "minLength",
        ),
        (
            http.post(format!("{base}/v1/dives/not-a-uuid/embed-session"))
                .json(&json!({ "username": "svc" })),
            vec!["request", "path", "dive_id"],
            "format",
        ),
        (
            http.post(format!("{base}/v1/users"))
                .header("content-type", "text/plain")
                .body(r#"{"username":"svc"}"#),
            vec!["request"],
            "415",
        ),
    ];

    for (index, (request, location, code)) in cases.into_iter().enumerate() {
        request.bearer_auth("x").send().await.expect("request through the recorder failed");

        let exchanges = recorder.exchanges();
        assert_eq!(exchanges.len(), index + 1, "one exchange per request: {exchanges:#?}");
        let exchange = &exchanges[index];
        let violations = exchange.request_violations();
        assert_eq!(violations.len(), 1, "{}: {violations:#?}", exchange.route());
        assert_eq!(violations[0].location, location);
        assert_eq!(violations[0].code, code);
        let check = panic::catch_unwind(AssertUnwindSafe(|| assert_conforms(exchange)));
        assert!(check.is_err(), "{} passed the conformance check", exchange.route());
    }
    assert!(recorder.failures().is_empty(), "{:#?}", recorder.failures());
}

// Values that break a rule are refused before anything is sent.

/// Runs invalid calls one after another and collects every one that was sent, or failed
/// otherwise than with an invalid-input error naming the expected field.
struct Refusals<'c> {
    contract: &'c Contract,
    connections: usize,
    problems: Vec<String>,
}

impl<'c> Refusals<'c> {
    fn new(contract: &'c Contract) -> Refusals<'c> {
        Refusals { contract, connections: 0, problems: Vec::new() }
    }

    fn check<T: Debug>(&mut self, case: &str, field: &str, result: Result<T, Error>) {
        let connections = self.contract.recorder.connections();
        let sent = connections > self.connections;
        self.connections = connections;
        let verdict = match self.contract.recorder.exchanges().last() {
            Some(e) if sent => format!("prism answered {} with {:?}", e.status, e.violations),
            _ => "nothing was recorded".to_owned(),
        };
        match result {
            Ok(value) => {
                self.problems.push(format!("{case}: sent and accepted as {value:?}; {verdict}"))
            }
            Err(err) if !err.is_invalid_input() || sent => {
                self.problems.push(format!("{case}: sent, then failed with {err}; {verdict}"))
            }
            Err(err) => match err.kind() {
                ErrorKind::InvalidInput { field: named, .. } if named == field => {}
                other => self
                    .problems
                    .push(format!("{case}: expected `{field}` to be named, got {other:?}")),
            },
        }
    }

    /// Fails with every problem found; then proves the recorder was live by sending one
    /// valid call and seeing it.
    async fn finish(self) {
        assert!(
            self.problems.is_empty(),
            "invalid values were not refused before sending:\n{}",
            self.problems.join("\n")
        );
        assert_eq!(
            self.contract.recorder.connections(),
            0,
            "{:#?}",
            self.contract.recorder.exchanges()
        );
        self.contract
            .client
            .tokens()
            .list("alice")
            .await
            .expect("a valid call after the refused ones failed");
        self.contract.only_exchange("GET /v1/users/alice/tokens");
    }
}

#[tokio::test]
async fn too_long_username_is_refused_before_sending() {
    let contract = Contract::new();
    let c = &contract.client;
    let mut check = Refusals::new(&contract);
    let long = "a".repeat(256);

    check.check("path, list tokens", "username", c.tokens().list(&long).await);
    check.check("path, 256 letters", "username", c.ducklings().get_config("é".repeat(256)).await);
    check.check("path, delete user", "username", c.users().delete(&long).await);
    check.check("body, service account", "username", c.users().create_service_account(&long).await);
    check.check(
        "body, embed session",
        "username",
        c.dives().create_embed_session(DIVE_ID, &long).await,
    );

    check.finish().await;
}

#[tokio::test]
async fn ttl_above_one_year_is_refused_before_sending() {
    let contract = Contract::new();
    let tokens = contract.client.tokens();
    let mut check = Refusals::new(&contract);

    let second_over = Duration::from_secs(31_536_001);
    check.check("a year and a second", "ttl", tokens.create("alice", "t").ttl(second_over).await);
    let half_over = Duration::from_millis(31_536_000_500);
    check.check(
        "a year and half a second",
        "ttl",
        tokens.create("alice", "t").ttl(half_over).await,
    );

    check.finish().await;
}

#[tokio::test]
async fn ttl_below_300_seconds_is_refused_before_sending() {
    let contract = Contract::new();
    let tokens = contract.client.tokens();
    let mut check = Refusals::new(&contract);

    check.check("299 s", "ttl", tokens.create("alice", "t").ttl(Duration::from_secs(299)).await);
    check.check(
        "299.999 s",
        "ttl",
        tokens.create("alice", "t").ttl(Duration::from_millis(299_999)).await,
    );
    check.check("zero", "ttl", tokens.create("alice", "t").ttl(Duration::ZERO).await);

    check.finish().await;
}

#[tokio::test]
async fn flock_size_65_is_refused_before_sending() {
    let contract = Contract::new();
    let mut check = Refusals::new(&contract);

    let result = contract.client.ducklings().set_config("alice", config(None, 65.0, None)).await;
    check.check("65", "config.read_scaling.flock_size", result);

    check.finish().await;
}

#[tokio::test]
async fn empty_token_name_is_refused_before_sending() {
    let contract = Contract::new();
    let mut check = Refusals::new(&contract);

    let result = contract.client.tokens().create("alice", "").ttl(Duration::from_secs(3600)).await;
    check.check("empty name", "name", result);

    check.finish().await;
}

#[tokio::test]
async fn username_starting_with_a_digit_is_refused_before_sending() {
    let contract = Contract::new();
    let users = contract.client.users();
    let mut check = Refusals::new(&contract);

    check.check("1svc", "username", users.create_service_account("1svc").await);
    check.check("a lone digit", "username", users.create_service_account("9").await);

    check.finish().await;
}

#[tokio::test]
async fn dive_id_that_is_not_a_hyphenated_uuid_is_refused_before_sending() {
    let contract = Contract::new();
    let dives = contract.client.dives();
    let mut check = Refusals::new(&contract);

    check.check("not a uuid", "dive_id", dives.create_embed_session("dive-1", "svc").await);
    let simple = DIVE_ID.replace('-', "");
    check.check("uuid without hyphens", "dive_id", dives.create_embed_session(simple, "svc").await);
    let braced = format!("{{{DIVE_ID}}}");
    check.check("uuid in braces", "dive_id", dives.create_embed_session(braced, "svc").await);

    check.finish().await;
}

#[tokio::test]
async fn other_values_that_break_a_rule_are_refused_before_sending() {
    let contract = Contract::new();
    let c = &contract.client;
    let mut check = Refusals::new(&contract);
    let ducklings = c.ducklings();

    let set = |config| ducklings.set_config("alice", config);
    check.check(
        "flock size NaN",
        "config.read_scaling.flock_size",
        set(config(None, f64::NAN, None)).await,
    );
    check.check(
        "flock size -1",
        "config.read_scaling.flock_size",
        set(config(None, -1.0, None)).await,
    );
    check.check(
        "flock size 64.5",
        "config.read_scaling.flock_size",
        set(config(None, 64.5, None)).await,
    );
    let rw = "config.read_write.cooldown_seconds";
    check.check("read-write cooldown 59", rw, set(config(Some(59), 1.0, None)).await);
    let rs = "config.read_scaling.cooldown_seconds";
    check.check("read-scaling cooldown 86401", rs, set(config(None, 1.0, Some(86_401))).await);
    let mut unknown = config(None, 1.0, None);
    unknown.read_write.instance_size = InstanceSize::from("colossal");
    check.check("unknown instance size", "config.read_write.instance_size", set(unknown).await);

    let tokens = c.tokens();
    check.check("256-character token name", "name", tokens.create("alice", "n".repeat(256)).await);
    let unknown = TokenType::from("admin");
    check.check(
        "unknown token type",
        "token_type",
        tokens.create("alice", "t").token_type(unknown).await,
    );
    check.check("empty path username", "username", tokens.list("").await);
    check.check("token id `.`", "token_id", tokens.delete("alice", ".").await);
    check.check("token id `..`", "token_id", tokens.delete("alice", "..").await);

    let users = c.users();
    check.check("empty service account", "username", users.create_service_account("").await);
    check.check("leading underscore", "username", users.create_service_account("_svc").await);
    check.check("hyphen", "username", users.create_service_account("svc-1").await);
    check.check("non-ASCII digit", "username", users.create_service_account("svc\u{0663}").await);

    let dives = c.dives();
    check.check(
        "version 0",
        "version",
        dives.create_embed_session(DIVE_ID, "svc").version(0).await,
    );
    check.check(
        "empty session hint",
        "session_hint",
        dives.create_embed_session(DIVE_ID, "svc").session_hint("").await,
    );
    let empty_url = RequiredResource { url: String::new(), alias: None };
    let ok_url = RequiredResource { url: "md:x".to_owned(), alias: None };
    let result =
        dives.create_embed_session(DIVE_ID, "svc").required_resources([ok_url, empty_url]).await;
    check.check("empty resource url", "required_resources[1].url", result);

    check.finish().await;
}

#[tokio::test]
async fn prism_reports_a_value_the_sdk_refuses_as_a_violation() {
    // The other side of the refusals above: the rule the SDK applies is one Prism applies
    // too, so a refusal is not the SDK being stricter than the spec.
    let recorder =
        Recorder::start(Prism::shared().base_url()).expect("failed to start the recorder");
    let http =
        reqwest::Client::builder().no_proxy().build().expect("failed to build the http client");
    let base = recorder.base_url();
    let bodies: [(&str, Value, &str); 3] = [
        ("/v1/users/alice/tokens", json!({ "name": "t", "ttl": 299 }), "minimum"),
        ("/v1/users/alice/tokens", json!({ "name": "t", "ttl": 31_536_001 }), "maximum"),
        ("/v1/users", json!({ "username": "1svc" }), "pattern"),
    ];

    for (path, body, code) in bodies {
        http.post(format!("{base}{path}"))
            .bearer_auth("x")
            .json(&body)
            .send()
            .await
            .expect("request failed");
        let exchange = recorder.exchanges().pop().expect("the request was recorded");
        let codes: Vec<_> = exchange.request_violations().iter().map(|v| v.code.clone()).collect();
        assert_eq!(codes, [code], "{body}");
    }
}
