//! One test per defect of raw progenitor output on the vendored spec (see the issue list in
//! `ARCHITECTURE.md`). Each asserts behaviour that progenitor's own output gets wrong.

use std::path::Path;
use std::time::Duration;

use motherduck_api::types::{
    DucklingConfig, InstanceSize, ReadScalingConfig, ReadWriteConfig, TokenType,
};
use motherduck_api::{Client, ErrorKind};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn vendored_spec() -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi/motherduck.json")).unwrap()
}

async fn server() -> MockServer {
    MockServer::start().await
}

fn client(server: &MockServer) -> Client {
    Client::builder().token("test-token").base_url(server.uri()).build().unwrap()
}

fn invalid_field(e: &motherduck_api::Error) -> (&str, &str) {
    match e.kind() {
        ErrorKind::InvalidInput { field, rule } => (field, rule),
        other => panic!("expected invalid input, got {other:?}"),
    }
}

// Defect 1: five structurally identical error schemas make progenitor panic.
#[test]
fn raw_progenitor_panics_where_the_pipeline_generates() {
    let raw = codegen::baseline::raw_progenitor(&vendored_spec()).unwrap_err();
    assert!(raw.to_string().contains("response_types.len() <= 1"), "{raw}");
    assert!(codegen::generate(&vendored_spec()).is_ok());
}

// Defect 2: the username pattern must mean "a letter, then letters, digits or `_`".
#[tokio::test]
async fn usernames_follow_the_servers_unicode_pattern() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/v1/users"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"username": "x"})))
        .mount(&server)
        .await;
    let c = client(&server);
    let long = format!("a{}", "b".repeat(254));
    for ok in ["alice", "José", "Ölçü_1", "日本語ユーザー", "Δx_9", "a", long.as_str()]
    {
        c.users().create_service_account(ok).await.unwrap_or_else(|e| panic!("{ok}: {e}"));
    }
    let sent = server.received_requests().await.unwrap().len();
    assert_eq!(sent, 7);
    let too_long = "a".repeat(256);
    for bad in ["p{L}", "1alice", "_alice", "al-ice", "a.b", "a b", "", "alice!", too_long.as_str()]
    {
        let e = c.users().create_service_account(bad).await.unwrap_err();
        let (field, _) = invalid_field(&e);
        assert_eq!(field, "username", "{bad:?}");
    }
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        sent,
        "an invalid username was sent"
    );
}

#[tokio::test]
async fn a_response_username_is_not_checked_against_the_request_pattern() {
    let server = server().await;
    Mock::given(method("DELETE"))
        .and(path("/v1/users/legacy"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"username": "1-legacy.user"})),
        )
        .mount(&server)
        .await;
    let user = client(&server).users().delete("legacy").await.unwrap();
    assert_eq!(user.username, "1-legacy.user");
}

// Defect 3: one shape is one type, so a config read can be written back.
#[tokio::test]
async fn a_duckling_config_read_can_be_written_back() {
    let server = server().await;
    let body = json!({"read_write": {"instance_size": "standard", "cooldown_seconds": 300},
                      "read_scaling": {"instance_size": "pulse", "flock_size": 2}});
    Mock::given(method("GET"))
        .and(path("/v1/users/svc/instances"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&body))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/v1/users/svc/instances"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&body))
        .mount(&server)
        .await;
    let c = client(&server);
    let mut config: DucklingConfig = c.ducklings().get_config("svc").await.unwrap();
    assert_eq!(config.read_write.instance_size, InstanceSize::Standard);
    config.read_scaling.flock_size += 1.0;
    c.ducklings().set_config("svc", config).await.unwrap();
    let put = &server.received_requests().await.unwrap()[1];
    let sent: serde_json::Value = serde_json::from_slice(&put.body).unwrap();
    assert_eq!(
        sent,
        json!({"config": {"read_write": {"instance_size": "standard", "cooldown_seconds": 300},
                          "read_scaling": {"instance_size": "pulse", "flock_size": 3}}})
    );
}

// Defect 4: every numeric limit is checked before anything is sent.
#[tokio::test]
async fn numeric_limits_are_enforced_before_sending() {
    let server = server().await;
    let c = client(&server);
    let ttl = |secs: u64| c.tokens().create("svc", "t").ttl(Duration::from_secs(secs));
    for bad in [0, 299, 31_536_001] {
        let e = ttl(bad).await.unwrap_err();
        assert_eq!(invalid_field(&e).0, "ttl", "{bad}");
    }
    let e = c.tokens().create("svc", "t").ttl(Duration::from_millis(299_999)).await.unwrap_err();
    assert!(invalid_field(&e).1.contains("from 300 to 31536000, got 299.999"), "{e}");

    let config = |flock: f64, cooldown: Option<u64>| DucklingConfig {
        read_write: ReadWriteConfig {
            instance_size: InstanceSize::Pulse,
            cooldown_seconds: cooldown,
        },
        read_scaling: ReadScalingConfig {
            instance_size: InstanceSize::Pulse,
            flock_size: flock,
            cooldown_seconds: None,
        },
    };
    for flock in [-1.0, 64.5, 65.0, f64::NAN, f64::INFINITY] {
        let e = c.ducklings().set_config("svc", config(flock, None)).await.unwrap_err();
        assert_eq!(invalid_field(&e).0, "config.read_scaling.flock_size", "{flock}");
    }
    for cooldown in [0, 59, 86_401] {
        let e = c.ducklings().set_config("svc", config(1.0, Some(cooldown))).await.unwrap_err();
        assert_eq!(invalid_field(&e).0, "config.read_write.cooldown_seconds", "{cooldown}");
    }
    let e = c
        .dives()
        .create_embed_session("8d3f0c9e-5b1a-4c2e-9f6d-1a2b3c4d5e6f", "svc")
        .version(0)
        .await
        .unwrap_err();
    assert_eq!(invalid_field(&e).0, "version");
    let e = c.tokens().create("svc", "").await.unwrap_err();
    assert_eq!(invalid_field(&e).0, "name");
    let e = c.dives().create_embed_session("not-a-uuid", "svc").await.unwrap_err();
    assert_eq!(invalid_field(&e).0, "dive_id");
    assert!(server.received_requests().await.unwrap().is_empty(), "an invalid request was sent");
}

#[tokio::test]
async fn values_at_the_limits_are_sent() {
    let server = server().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token": "s", "id": "8d3f0c9e-5b1a-4c2e-9f6d-1a2b3c4d5e6f", "created_ts": "now",
            "read_only": false, "token_type": "read_scaling"})))
        .mount(&server)
        .await;
    let c = client(&server);
    for secs in [300, 31_536_000] {
        c.tokens()
            .create("svc", "t")
            .ttl(Duration::from_secs(secs))
            .token_type(TokenType::ReadScaling)
            .await
            .unwrap();
    }
    let bodies: Vec<serde_json::Value> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(bodies[0], json!({"name": "t", "ttl": 300, "token_type": "read_scaling"}));
    assert_eq!(bodies[1]["ttl"], json!(31_536_000));
}

// Defect 5: an unknown enum value in a response is kept; it cannot be sent back.
#[tokio::test]
async fn unknown_enum_values_are_kept_in_responses_and_refused_in_requests() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/users/svc/tokens"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"tokens": [
            {"id": "8d3f0c9e-5b1a-4c2e-9f6d-1a2b3c4d5e6f", "created_ts": "t", "read_only": true, "token_type": "super_admin"},
            {"id": "9d3f0c9e-5b1a-4c2e-9f6d-1a2b3c4d5e6f", "created_ts": "t", "read_only": false, "token_type": "read_write"}]})))
        .mount(&server)
        .await;
    let c = client(&server);
    let tokens = c.tokens().list("svc").await.unwrap().tokens;
    assert_eq!(tokens[0].token_type, TokenType::Unknown("super_admin".into()));
    assert_eq!(tokens[1].token_type, TokenType::ReadWrite);
    let e =
        c.tokens().create("svc", "t").token_type(tokens[0].token_type.clone()).await.unwrap_err();
    assert_eq!(invalid_field(&e).0, "token_type");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

// Defect 6: an empty list is sent as `[]`; an unset one is not sent.
#[tokio::test]
async fn empty_collections_are_sent_and_unset_ones_are_not() {
    let server = server().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"session": "s"})))
        .mount(&server)
        .await;
    let c = client(&server);
    let dive = "8d3f0c9e-5b1a-4c2e-9f6d-1a2b3c4d5e6f";
    c.dives().create_embed_session(dive, "svc").required_resources([]).await.unwrap();
    c.dives().create_embed_session(dive, "svc").await.unwrap();
    let bodies: Vec<serde_json::Value> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(bodies[0], json!({"username": "svc", "required_resources": []}));
    assert_eq!(bodies[1], json!({"username": "svc"}));
}

// Defect 7: plain values at the call site, and a reason when one is refused.
#[tokio::test]
async fn call_sites_take_plain_values_and_errors_give_the_reason() {
    let server = server().await;
    let c = client(&server);
    let name = String::from("dashboards");
    let e = c
        .tokens()
        .create("svc", &name)
        .token_type(TokenType::ReadScaling)
        .ttl(Duration::from_secs(10))
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "invalid `ttl`: must be from 300 to 31536000, got 10");
    let e = c.users().create_service_account("9lives").await.unwrap_err();
    assert_eq!(e.to_string(), "invalid `username`: must match the pattern `^[\\p{L}]`");
}
