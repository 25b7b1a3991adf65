//! The admin token, a created token's secret and an embed session never show in what a
//! caller can print or log: `{:?}` and `{}` of the client, its builders, the responses and
//! every error this file can provoke, nor the SDK's tracing output at TRACE level.
//!
//! Each secret is a distinctive string; a check fails if any of them appears anywhere in
//! the text, in any formatting (compact and pretty `Debug`, `Display`, the source chain).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tracing_subscriber::fmt::format::FmtSpan;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use motherduck_api::{Client, Error, ErrorKind, RetryPolicy};

const ADMIN_TOKEN: &str = "md_admin_SECRET_c8f2e1";
const TOKEN_SECRET: &str = "md_token_SECRET_71ab4d";
const SESSION: &str = "md_session_SECRET_9e03f5";
const SECRETS: [&str; 3] = [ADMIN_TOKEN, TOKEN_SECRET, SESSION];

const TOKEN_ID: &str = "6f1b8a52-3c1d-4e0f-9a77-2b5e4c9d1a03";
const DIVE_ID: &str = "0d9e2f4a-8b7c-4d61-a3e5-f19c2b6d7e80";

fn client_for(base_url: &str) -> Client {
    Client::builder()
        .token(ADMIN_TOKEN)
        .base_url(base_url)
        .retry_policy(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(5)),
        )
        .build()
        .expect("failed to build the client")
}

fn client(server: &MockServer) -> Client {
    client_for(&server.uri())
}

async fn answer(server: &MockServer, response: ResponseTemplate) {
    Mock::given(any()).respond_with(response).mount(server).await;
}

fn created_token_json() -> Value {
    json!({
        "token": TOKEN_SECRET,
        "id": TOKEN_ID,
        "name": "dashboards",
        "created_ts": "2025-01-02T03:04:05.000Z",
        "read_only": true,
        "token_type": "read_scaling",
    })
}

/// Fails if `text` contains any of the secrets.
fn assert_clean(what: &str, text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{what} shows {secret}:\n{text}");
    }
}

fn assert_debug_clean(what: &str, value: &impl std::fmt::Debug) {
    assert_clean(&format!("{what} ({{:?}})"), &format!("{value:?}"));
    assert_clean(&format!("{what} ({{:#?}})"), &format!("{value:#?}"));
}

/// Checks `Debug`, `Display` and every error in the source chain.
fn assert_error_clean(what: &str, error: &Error) {
    assert_debug_clean(what, error);
    assert_clean(&format!("{what} ({{}})"), &error.to_string());
    assert_clean(&format!("{what} ({{:#}})"), &format!("{error:#}"));
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        assert_clean(&format!("{what} (source {{}})"), &cause.to_string());
        assert_clean(&format!("{what} (source {{:?}})"), &format!("{cause:?}"));
        source = cause.source();
    }
}

#[tokio::test]
async fn the_client_and_its_builders_never_show_the_admin_token() {
    let server = MockServer::start().await;
    let builder = Client::builder().token(ADMIN_TOKEN).base_url(server.uri());
    assert_debug_clean("client builder", &builder);
    let client = builder.build().unwrap();
    assert_debug_clean("client", &client);
    assert_debug_clean("client clone", &client.clone());
    assert_debug_clean("resource", &client.tokens());
    assert_debug_clean("request builder", &client.tokens().create("alice", "dashboards"));
    assert_debug_clean("request builder", &client.dives().create_embed_session(DIVE_ID, "svc"));
    assert_debug_clean("request builder", &client.ducklings().get_config("alice"));
    assert!(
        format!("{client:?}").contains(&server.uri()),
        "the base URL is not a secret and helps debugging"
    );
}

#[tokio::test]
async fn a_created_token_never_shows_its_secret() {
    let server = MockServer::start().await;
    answer(&server, ResponseTemplate::new(200).set_body_json(created_token_json())).await;

    let created = client(&server).tokens().create("alice", "dashboards").await.unwrap();

    assert_eq!(created.token.expose(), TOKEN_SECRET);
    assert_debug_clean("created token", &created);
    assert_debug_clean("token secret", &created.token);
}

#[tokio::test]
async fn an_embed_session_never_shows_its_session() {
    let server = MockServer::start().await;
    answer(&server, ResponseTemplate::new(200).set_body_json(json!({"session": SESSION}))).await;

    let session = client(&server).dives().create_embed_session(DIVE_ID, "svc_embed").await.unwrap();

    assert_eq!(session.session.expose(), SESSION);
    assert_debug_clean("embed session", &session);
}

#[tokio::test]
async fn api_errors_never_show_the_admin_token() {
    for (status, code) in
        [(401, "UNAUTHORIZED"), (403, "FORBIDDEN"), (500, "INTERNAL_SERVER_ERROR")]
    {
        let server = MockServer::start().await;
        let body = json!({"code": code, "message": "no", "issues": [{"message": "bad token"}]});
        answer(&server, ResponseTemplate::new(status).set_body_json(body)).await;

        let error = client(&server).tokens().create("alice", "dashboards").await.unwrap_err();

        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_error_clean(&format!("{status} error"), &error);
    }
}

/// Create-token answers that carry the secret but do not decode, and where in them the
/// secret stands.
fn undecodable_token_bodies() -> Vec<(&'static str, String)> {
    let mut wrong_type = created_token_json();
    wrong_type["read_only"] = json!(TOKEN_SECRET);
    let mut secret_as_id = created_token_json();
    secret_as_id["id"] = json!(TOKEN_SECRET);
    let mut missing_field = created_token_json();
    missing_field.as_object_mut().unwrap().remove("created_ts");
    let full = created_token_json().to_string();
    let cut = full.find(TOKEN_SECRET).unwrap() + TOKEN_SECRET.len();
    vec![
        ("the secret where a boolean belongs", wrong_type.to_string()),
        ("the secret where a UUID belongs", secret_as_id.to_string()),
        ("a required field missing beside the secret", missing_field.to_string()),
        ("the body cut right after the secret", full[..cut].to_string()),
        ("the body cut inside the secret", full[..cut - 4].to_string()),
        ("the secret as the whole body", json!(TOKEN_SECRET).to_string()),
        ("the secret inside an array", json!([TOKEN_SECRET]).to_string()),
        ("trailing text after the body", format!("{full} {TOKEN_SECRET}")),
    ]
}

#[tokio::test]
async fn decode_errors_never_show_the_created_secret() {
    for (case, body) in undecodable_token_bodies() {
        let server = MockServer::start().await;
        answer(&server, ResponseTemplate::new(200).set_body_raw(body, "application/json")).await;

        let error = client(&server).tokens().create("alice", "dashboards").await.unwrap_err();

        assert!(matches!(error.kind(), ErrorKind::Decode { .. }), "{case}: {error:?}");
        assert_error_clean(case, &error);
    }
}

#[tokio::test]
async fn decode_errors_never_show_an_embed_session() {
    let bodies = [
        json!({"session": 42, "other": SESSION}).to_string(),
        json!({"sessions": SESSION}).to_string(),
        format!(r#"{{"session": "{SESSION}""#),
        format!(r#"{{"session": "{SESSION}", }}"#),
    ];
    for body in bodies {
        let server = MockServer::start().await;
        answer(&server, ResponseTemplate::new(200).set_body_raw(body.clone(), "application/json"))
            .await;

        let error = client(&server).dives().create_embed_session(DIVE_ID, "svc").await.unwrap_err();

        assert!(matches!(error.kind(), ErrorKind::Decode { .. }), "{body}: {error:?}");
        assert_error_clean(&body, &error);
    }
}

#[tokio::test]
async fn decode_errors_never_show_a_secret_that_contains_an_escaped_quote() {
    // JSON strings may hold `\"`; a redaction that toggles on every quote character would
    // end the quoted value there and print the rest of the secret.
    let mut body = created_token_json();
    body["read_only"] = json!("md_token_\"SECRET_71ab4d");
    let body = body.to_string();
    assert!(body.contains(r#""md_token_\"SECRET_71ab4d""#), "{body}");
    let server = MockServer::start().await;
    answer(&server, ResponseTemplate::new(200).set_body_raw(body, "application/json")).await;

    let error = client(&server).tokens().create("alice", "dashboards").await.unwrap_err();

    assert!(matches!(error.kind(), ErrorKind::Decode { .. }), "{error:?}");
    for text in [format!("{error:?}"), error.to_string()] {
        assert!(
            !text.contains("SECRET_71ab4d"),
            "the decode error shows part of the secret:\n{text}"
        );
    }
}

#[tokio::test]
async fn a_too_large_answer_never_shows_its_secret() {
    let server = MockServer::start().await;
    answer(&server, ResponseTemplate::new(200).set_body_json(created_token_json())).await;
    let client = Client::builder()
        .token(ADMIN_TOKEN)
        .base_url(server.uri())
        .success_body_limit(16)
        .build()
        .unwrap();

    let error = client.tokens().create("alice", "dashboards").await.unwrap_err();

    assert!(matches!(error.kind(), ErrorKind::BodyTooLarge { .. }), "{error:?}");
    assert_error_clean("body too large", &error);
}

#[tokio::test]
async fn a_timeout_never_shows_the_admin_token() {
    let server = MockServer::start().await;
    answer(
        &server,
        ResponseTemplate::new(200)
            .set_body_json(created_token_json())
            .set_delay(Duration::from_secs(5)),
    )
    .await;
    let client = Client::builder()
        .token(ADMIN_TOKEN)
        .base_url(server.uri())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();

    let error = client.tokens().create("alice", "dashboards").await.unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Timeout(_)), "{error:?}");
    assert_error_clean("attempt timeout", &error);

    let error =
        client.tokens().list("alice").timeout(Duration::from_millis(100)).await.unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Timeout(_)), "{error:?}");
    assert_error_clean("per-call timeout", &error);
}

#[tokio::test]
async fn a_connection_error_never_shows_the_admin_token() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let client = client_for(&format!("http://{address}"));

    let error = client.tokens().create("alice", "dashboards").await.unwrap_err();

    assert!(matches!(error.kind(), ErrorKind::Connection(_)), "{error:?}");
    assert_error_clean("connection error", &error);
}

#[tokio::test]
async fn invalid_input_errors_never_show_the_admin_token() {
    let client = client_for("http://127.0.0.1:9");
    let error = client.tokens().create("alice", "").await.unwrap_err();
    assert!(error.is_invalid_input());
    assert_error_clean("invalid input", &error);

    let error =
        Client::builder().token(ADMIN_TOKEN).base_url("http://example.com").build().unwrap_err();
    assert_error_clean("config error", &error);
    let error =
        Client::builder().token(format!("{ADMIN_TOKEN}\n{ADMIN_TOKEN}")).build().unwrap_err();
    assert_error_clean("unsendable token", &error);
}

/// A buffer that a `tracing_subscriber` fmt layer writes into.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Log {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Runs `call` under a TRACE fmt subscriber that also logs span opening and closing, and
/// returns the log.
async fn traced<T>(call: impl Future<Output = T>) -> (T, String) {
    let log = Log::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::NEW | FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    let result = call.await;
    drop(guard);
    let text = String::from_utf8_lossy(&log.0.lock().unwrap()).into_owned();
    (result, text)
}

fn assert_log(log: &str, operation_id: &str, template: &str) {
    assert_clean("the trace log", log);
    assert!(log.contains(operation_id), "the trace log does not name `{operation_id}`:\n{log}");
    assert!(log.contains(template), "the trace log does not name `{template}`:\n{log}");
}

#[tokio::test]
async fn tracing_a_created_token_logs_the_operation_but_no_secret() {
    let server = MockServer::start().await;
    answer(&server, ResponseTemplate::new(200).set_body_json(created_token_json())).await;
    let client = client(&server);

    let (created, log) = traced(client.tokens().create("alice", "dashboards").into_future()).await;

    assert_eq!(created.unwrap().token.expose(), TOKEN_SECRET);
    assert_log(&log, "users-createToken", "/v1/users/{username}/tokens");
}

#[tokio::test]
async fn tracing_an_embed_session_logs_the_operation_but_no_secret() {
    let server = MockServer::start().await;
    answer(&server, ResponseTemplate::new(200).set_body_json(json!({"session": SESSION}))).await;
    let client = client(&server);

    let (session, log) =
        traced(client.dives().create_embed_session(DIVE_ID, "svc").into_future()).await;

    assert_eq!(session.unwrap().session.expose(), SESSION);
    assert_log(&log, "dashboards-createEmbedSession", "/v1/dives/{dive_id}/embed-session");
}

#[tokio::test]
async fn tracing_retries_and_failures_logs_no_secret() {
    let server = MockServer::start().await;
    let limited = json!({"code": "TOO_MANY_REQUESTS", "message": "slow down"});
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(429).insert_header("retry-after", "0").set_body_json(limited),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    let mut undecodable = created_token_json();
    undecodable["read_only"] = json!(TOKEN_SECRET);
    answer(&server, ResponseTemplate::new(200).set_body_json(undecodable)).await;
    let client = client(&server);

    let (result, log) = traced(client.tokens().create("alice", "dashboards").into_future()).await;

    assert!(matches!(result.unwrap_err().kind(), ErrorKind::Decode { .. }));
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
    assert_log(&log, "users-createToken", "/v1/users/{username}/tokens");
}

#[tokio::test]
async fn tracing_an_error_answer_logs_no_secret() {
    let server = MockServer::start().await;
    let body = json!({"code": "UNAUTHORIZED", "message": "Invalid Credentials"});
    answer(&server, ResponseTemplate::new(401).set_body_json(body)).await;
    let client = client(&server);

    let (result, log) = traced(client.tokens().list("alice").into_future()).await;

    assert_eq!(result.unwrap_err().status().map(|s| s.as_u16()), Some(401));
    assert_log(&log, "users-listTokens", "/v1/users/{username}/tokens");
}
