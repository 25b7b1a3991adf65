//! How the SDK behaves when the server or the network misbehaves: transient statuses and
//! retries, `Retry-After`, hung servers and timeouts, bodies that are not JSON, truncated
//! or too large, enum values this SDK does not know, and refused connections.
//!
//! Every assertion is on what happened (the error, the number of requests the server saw),
//! never on how long it took; retries use a 1–5 ms backoff so the tests stay fast.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tracing_subscriber::fmt::format::FmtSpan;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use motherduck_api::types::{InstanceSize, TokenType};
use motherduck_api::{Client, ClientBuilder, Error, ErrorKind, RetryPolicy};

const ADMIN_TOKEN: &str = "md_admin_faults_token";
const TOKEN_ID: &str = "6f1b8a52-3c1d-4e0f-9a77-2b5e4c9d1a03";

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
}

fn builder(base_url: &str) -> ClientBuilder {
    Client::builder().token(ADMIN_TOKEN).base_url(base_url).retry_policy(fast_retries())
}

fn client(server: &MockServer) -> Client {
    builder(&server.uri()).build().expect("failed to build the client")
}

async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("request recording is on")
}

/// Answers the first `times` requests with `response`, ahead of any later mock.
async fn first(server: &MockServer, times: u64, response: ResponseTemplate) {
    Mock::given(any())
        .respond_with(response)
        .up_to_n_times(times)
        .with_priority(1)
        .mount(server)
        .await;
}

/// Answers every request (that no earlier mock took) with `response`.
async fn always(server: &MockServer, response: ResponseTemplate) {
    Mock::given(any()).respond_with(response).mount(server).await;
}

fn tokens_json() -> Value {
    json!({"tokens": [{
        "id": TOKEN_ID,
        "created_ts": "2025-01-02T03:04:05.000Z",
        "read_only": false,
        "token_type": "read_write",
    }]})
}

fn created_token_json() -> Value {
    json!({
        "token": "md_created_token_secret",
        "id": TOKEN_ID,
        "created_ts": "2025-01-02T03:04:05.000Z",
        "read_only": false,
        "token_type": "read_write",
    })
}

fn config_json(read_write_size: &str) -> Value {
    json!({
        "read_write": {"instance_size": read_write_size},
        "read_scaling": {"instance_size": "pulse", "flock_size": 1},
    })
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

fn status(code: u16) -> ResponseTemplate {
    let body = json!({"code": "UNAVAILABLE", "message": "try again"});
    ResponseTemplate::new(code).set_body_json(body)
}

fn rate_limited(header: &str, value: &str) -> ResponseTemplate {
    let body = json!({"code": "TOO_MANY_REQUESTS", "message": "slow down"});
    ResponseTemplate::new(429).insert_header(header, value).set_body_json(body)
}

/// An RFC 7231 IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) for `time`.
fn http_date(time: SystemTime) -> String {
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let secs = time.duration_since(UNIX_EPOCH).expect("time before 1970").as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);

    // Civil date from days since the epoch (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);

    let weekday = WEEKDAYS[(days % 7) as usize];
    let month = MONTHS[(month - 1) as usize];
    let (h, m, s) = (rem / 3600, rem % 3600 / 60, rem % 60);
    format!("{weekday}, {day:02} {month} {year} {h:02}:{m:02}:{s:02} GMT")
}

#[test]
fn http_date_helper_writes_imf_fixdates() {
    assert_eq!(http_date(UNIX_EPOCH), "Thu, 01 Jan 1970 00:00:00 GMT");
    assert_eq!(
        http_date(UNIX_EPOCH + Duration::from_secs(784_111_777)),
        "Sun, 06 Nov 1994 08:49:37 GMT"
    );
    assert_eq!(
        http_date(UNIX_EPOCH + Duration::from_secs(1_709_210_096)),
        "Thu, 29 Feb 2024 12:34:56 GMT"
    );
}

fn api(error: &Error) -> &motherduck_api::ApiError {
    error.api().unwrap_or_else(|| panic!("not an API error: {error:?}"))
}

#[tokio::test]
async fn a_get_is_retried_after_transient_503s_until_it_succeeds() {
    let server = MockServer::start().await;
    first(&server, 2, status(503)).await;
    always(&server, ok(tokens_json())).await;

    let tokens = client(&server).tokens().list("alice").await.unwrap();

    assert_eq!(tokens.tokens.len(), 1);
    let requests = received(&server).await;
    assert_eq!(requests.len(), 3);
    for request in &requests {
        assert_eq!(request.method.as_str(), "GET");
        assert_eq!(request.url.path(), "/v1/users/alice/tokens");
        assert_eq!(request.headers.get("authorization").unwrap(), &format!("Bearer {ADMIN_TOKEN}"));
    }
}

#[tokio::test]
async fn every_transient_status_is_retried_for_idempotent_operations() {
    for code in [408, 429, 502, 503, 504] {
        let server = MockServer::start().await;
        first(&server, 1, status(code)).await;
        always(&server, ok(config_json("standard"))).await;

        client(&server)
            .ducklings()
            .get_config("alice")
            .await
            .unwrap_or_else(|e| panic!("{code}: {e:?}"));

        assert_eq!(received(&server).await.len(), 2, "status {code}");
    }
}

#[tokio::test]
async fn a_put_is_retried_with_the_same_body() {
    let server = MockServer::start().await;
    first(&server, 1, status(502)).await;
    always(&server, ok(config_json("jumbo"))).await;
    let client = client(&server);

    let config = serde_json::from_value(config_json("jumbo")).unwrap();
    client.ducklings().set_config("alice", config).await.unwrap();

    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].body, requests[1].body);
    assert!(!requests[1].body.is_empty());
}

#[tokio::test]
async fn retries_stop_after_four_attempts_with_the_last_status() {
    let server = MockServer::start().await;
    always(&server, status(503)).await;

    let error = client(&server).tokens().list("alice").await.unwrap_err();

    assert_eq!(api(&error).status().as_u16(), 503);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(api(&error).code(), Some("UNAVAILABLE"));
    assert!(error.is_retryable());
    assert_eq!(received(&server).await.len(), 4);
}

#[tokio::test]
async fn a_delete_is_retried_too() {
    let server = MockServer::start().await;
    always(&server, status(504)).await;

    let error = client(&server).tokens().delete("alice", TOKEN_ID).await.unwrap_err();

    assert_eq!(error.status().map(|s| s.as_u16()), Some(504));
    assert_eq!(received(&server).await.len(), 4);
}

#[tokio::test]
async fn retry_after_in_seconds_is_honoured() {
    for seconds in ["0", "1"] {
        let server = MockServer::start().await;
        first(&server, 1, rate_limited("retry-after", seconds)).await;
        always(&server, ok(tokens_json())).await;

        client(&server).tokens().list("alice").await.unwrap_or_else(|e| panic!("{seconds}: {e:?}"));

        assert_eq!(received(&server).await.len(), 2, "retry-after {seconds}");
    }
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let soon = http_date(SystemTime::now() + Duration::from_secs(1));
    let past = "Wed, 21 Oct 2015 07:28:00 GMT".to_string();
    for date in [soon, past] {
        let server = MockServer::start().await;
        first(&server, 1, rate_limited("retry-after", &date)).await;
        always(&server, ok(tokens_json())).await;

        client(&server).tokens().list("alice").await.unwrap_or_else(|e| panic!("{date}: {e:?}"));

        assert_eq!(received(&server).await.len(), 2, "retry-after {date}");
    }
}

#[tokio::test]
async fn retry_after_ms_is_honoured() {
    let server = MockServer::start().await;
    first(&server, 1, rate_limited("retry-after-ms", "20")).await;
    always(&server, ok(tokens_json())).await;

    client(&server).tokens().list("alice").await.unwrap();

    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn a_retry_after_over_the_cap_fails_fast_and_reports_the_wait() {
    let in_an_hour = http_date(SystemTime::now() + Duration::from_secs(3600));
    let cases =
        [("retry-after", "120"), ("retry-after", in_an_hour.as_str()), ("retry-after-ms", "45000")];
    for (header, value) in cases {
        let server = MockServer::start().await;
        always(&server, rate_limited(header, value)).await;

        let error = client(&server).tokens().list("alice").await.unwrap_err();

        let context = format!("{header}: {value}");
        assert_eq!(received(&server).await.len(), 1, "{context}");
        assert!(error.is_rate_limited(), "{context}: {error:?}");
        assert!(error.is_retryable(), "{context}");
        assert_eq!(api(&error).status().as_u16(), 429, "{context}");
        assert_eq!(api(&error).code(), Some("TOO_MANY_REQUESTS"), "{context}");
        let wait = api(&error).retry_after().unwrap_or_else(|| panic!("{context}: no retry_after"));
        assert!(wait > Duration::from_secs(30), "{context}: {wait:?}");
    }
}

#[tokio::test]
async fn a_retry_after_over_the_cap_reports_the_exact_seconds() {
    let server = MockServer::start().await;
    always(&server, rate_limited("retry-after", "120")).await;

    let error = client(&server).tokens().list("alice").await.unwrap_err();

    assert_eq!(api(&error).retry_after(), Some(Duration::from_secs(120)));
}

#[tokio::test]
async fn create_token_is_not_retried_on_transient_server_errors() {
    for code in [408, 502, 503, 504] {
        let server = MockServer::start().await;
        always(&server, status(code)).await;

        let error = client(&server).tokens().create("alice", "dashboards").await.unwrap_err();

        assert_eq!(error.status().map(|s| s.as_u16()), Some(code));
        assert_eq!(received(&server).await.len(), 1, "POST retried on {code}");
    }
}

#[tokio::test]
async fn other_posts_are_not_retried_on_503_either() {
    let server = MockServer::start().await;
    always(&server, status(503)).await;
    let client = client(&server);

    let error = client.users().create_service_account("svc_reports").await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    let error = client
        .dives()
        .create_embed_session("0d9e2f4a-8b7c-4d61-a3e5-f19c2b6d7e80", "svc")
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));

    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn create_token_is_retried_on_429_with_the_same_body() {
    let server = MockServer::start().await;
    first(&server, 1, rate_limited("retry-after", "0")).await;
    always(&server, ok(created_token_json())).await;

    let created = client(&server)
        .tokens()
        .create("alice", "dashboards")
        .token_type(TokenType::ReadWrite)
        .await
        .unwrap();

    assert_eq!(created.token.expose(), "md_created_token_secret");
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].body, requests[1].body);
    assert_eq!(requests[1].url.path(), "/v1/users/alice/tokens");
}

#[tokio::test]
async fn create_token_is_retried_on_429_without_retry_after() {
    let server = MockServer::start().await;
    first(&server, 2, status(429)).await;
    always(&server, ok(created_token_json())).await;

    client(&server).tokens().create("alice", "dashboards").await.unwrap();

    assert_eq!(received(&server).await.len(), 3);
}

/// A server that accepts the request and answers long after any timeout in these tests.
fn hung(body: Value) -> ResponseTemplate {
    ok(body).set_delay(Duration::from_secs(5))
}

#[tokio::test]
async fn a_hung_server_gives_a_timeout_error() {
    let server = MockServer::start().await;
    always(&server, hung(tokens_json())).await;
    let client = builder(&server.uri())
        .timeout(Duration::from_millis(200))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();

    let error = client.tokens().list("alice").await.unwrap_err();

    assert!(matches!(error.kind(), ErrorKind::Timeout(_)), "{error:?}");
    assert!(error.is_retryable());
    assert_eq!(error.status(), None);
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn the_attempt_timeout_also_holds_for_a_callers_http_client() {
    // The SDK's own reqwest client carries the timeout; a caller's client has none, so
    // the runtime sets it on each request instead.
    let server = MockServer::start().await;
    always(&server, hung(tokens_json())).await;
    let client = builder(&server.uri())
        .http_client(reqwest::Client::new())
        .timeout(Duration::from_millis(200))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();

    // Without the timeout the answer would arrive, after 5 s, and the call succeed.
    let error = client.tokens().list("alice").await.unwrap_err();

    assert!(matches!(error.kind(), ErrorKind::Timeout(_)), "{error:?}");
}

#[tokio::test]
async fn a_get_that_timed_out_is_retried() {
    let server = MockServer::start().await;
    always(&server, hung(tokens_json())).await;
    let client = builder(&server.uri()).timeout(Duration::from_millis(200)).build().unwrap();

    let error = client.tokens().list("alice").await.unwrap_err();

    assert!(matches!(error.kind(), ErrorKind::Timeout(_)), "{error:?}");
    assert_eq!(received(&server).await.len(), 4);
}

#[tokio::test]
async fn a_post_that_timed_out_is_not_resent() {
    let server = MockServer::start().await;
    always(&server, hung(created_token_json())).await;
    let client = builder(&server.uri()).timeout(Duration::from_millis(200)).build().unwrap();

    let error = client.tokens().create("alice", "dashboards").await.unwrap_err();

    assert!(matches!(error.kind(), ErrorKind::Timeout(_)), "{error:?}");
    assert_eq!(
        received(&server).await.len(),
        1,
        "a POST that may have reached the server was sent again"
    );
}

#[tokio::test]
async fn a_per_call_timeout_limits_one_call() {
    let server = MockServer::start().await;
    always(&server, hung(tokens_json())).await;
    let client = client(&server);

    let error =
        client.tokens().list("alice").timeout(Duration::from_millis(200)).await.unwrap_err();

    assert!(matches!(error.kind(), ErrorKind::Timeout(_)), "{error:?}");
}

#[tokio::test]
async fn a_per_call_timeout_applies_to_every_operation_builder() {
    let server = MockServer::start().await;
    always(&server, ok(json!({})).set_delay(Duration::from_secs(5))).await;
    let client = client(&server);
    let t = Duration::from_millis(200);
    let config = serde_json::from_value(config_json("standard")).unwrap();

    let errors = [
        client.users().create_service_account("svc").timeout(t).await.map(drop),
        client.users().delete("alice").timeout(t).await.map(drop),
        client.tokens().list("alice").timeout(t).await.map(drop),
        client.tokens().create("alice", "n").timeout(t).await.map(drop),
        client.tokens().delete("alice", TOKEN_ID).timeout(t).await,
        client.ducklings().get_config("alice").timeout(t).await.map(drop),
        client.ducklings().set_config("alice", config).timeout(t).await.map(drop),
        client.accounts().get_active().timeout(t).await.map(drop),
        client
            .dives()
            .create_embed_session("0d9e2f4a-8b7c-4d61-a3e5-f19c2b6d7e80", "svc")
            .timeout(t)
            .await
            .map(drop),
    ];
    for (i, result) in errors.into_iter().enumerate() {
        let error = result.expect_err(&format!("operation {i} finished despite its timeout"));
        assert!(matches!(error.kind(), ErrorKind::Timeout(_)), "operation {i}: {error:?}");
    }
}

#[tokio::test]
async fn a_per_call_timeout_longer_than_the_answer_lets_it_through() {
    let server = MockServer::start().await;
    always(&server, ok(tokens_json()).set_delay(Duration::from_millis(50))).await;

    let tokens =
        client(&server).tokens().list("alice").timeout(Duration::from_secs(20)).await.unwrap();

    assert_eq!(tokens.tokens.len(), 1);
}

/// A server that answers every request with a 200 head and the start of a JSON body, then
/// holds the connection open for 3 s without sending the rest.
async fn stalled_body_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut head = [0; 4096];
                let _ = stream.read(&mut head).await;
                let start = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                    content-length: 100\r\n\r\n{\"tokens\": [";
                let _ = stream.write_all(start).await;
                tokio::time::sleep(Duration::from_secs(3)).await;
            });
        }
    });
    format!("http://{address}")
}

#[tokio::test]
async fn a_body_that_stalls_hits_the_attempt_timeout() {
    let base_url = stalled_body_server().await;
    let client = builder(&base_url)
        .timeout(Duration::from_millis(200))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();

    let error = client.tokens().list("alice").await.unwrap_err();

    assert!(matches!(error.kind(), ErrorKind::Timeout(_)), "{error:?}");
}

#[tokio::test]
async fn a_per_call_timeout_covers_reading_the_body() {
    let base_url = stalled_body_server().await;
    let client = builder(&base_url).retry_policy(RetryPolicy::disabled()).build().unwrap();

    let error =
        client.tokens().list("alice").timeout(Duration::from_millis(200)).await.unwrap_err();

    assert!(
        matches!(error.kind(), ErrorKind::Timeout(_)),
        "the call outlived its timeout: {error:?}"
    );
}

#[tokio::test]
async fn an_html_502_is_an_api_error_with_a_body_excerpt() {
    let server = MockServer::start().await;
    let page = "<html><head><title>502 Bad Gateway</title></head>\
        <body><h1>502 Bad Gateway</h1></body></html>";
    always(&server, ResponseTemplate::new(502).set_body_raw(page, "text/html")).await;

    let error = client(&server).ducklings().get_config("alice").await.unwrap_err();

    let api = api(&error);
    assert_eq!(api.status().as_u16(), 502);
    assert_eq!(api.code(), None);
    assert_eq!(api.message(), None);
    let excerpt = api.body_excerpt().expect("no body excerpt");
    assert!(excerpt.contains("502 Bad Gateway"), "{excerpt}");
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_long_html_error_body_is_cut_in_the_excerpt() {
    let server = MockServer::start().await;
    let page = format!("<html><body>{}</body></html>", "é".repeat(2000));
    always(&server, ResponseTemplate::new(500).set_body_raw(page.clone(), "text/html")).await;

    let error = client(&server).tokens().list("alice").await.unwrap_err();

    let excerpt = api(&error).body_excerpt().expect("no body excerpt");
    assert!(excerpt.starts_with("<html><body>é"), "{excerpt}");
    assert!(excerpt.len() <= 512, "excerpt of {} bytes", excerpt.len());
    assert!(page.starts_with(excerpt), "the excerpt is not a prefix of the body: {excerpt}");
}

#[tokio::test]
async fn truncated_json_in_a_success_is_a_decode_error_with_its_status() {
    let cases = [(200, r#"{"tokens": [{"id": "6f1b8a52"#), (200, ""), (200, "not json")];
    for (code, body) in cases {
        let server = MockServer::start().await;
        always(&server, ResponseTemplate::new(code).set_body_raw(body, "application/json")).await;

        let error = client(&server).tokens().list("alice").await.unwrap_err();

        match error.kind() {
            ErrorKind::Decode { status, .. } => assert_eq!(status.as_u16(), code, "{body:?}"),
            other => panic!("{body:?}: expected a decode error, got {other:?}"),
        }
        assert_eq!(error.status().map(|s| s.as_u16()), Some(code));
        assert!(!error.is_retryable(), "{body:?}");
        assert_eq!(received(&server).await.len(), 1, "{body:?}: a decode error is not retried");
    }
}

#[tokio::test]
async fn a_decode_error_keeps_a_201_status() {
    let server = MockServer::start().await;
    always(&server, ResponseTemplate::new(201).set_body_raw(r#"{"user"#, "application/json")).await;

    let error = client(&server).users().create_service_account("svc_reports").await.unwrap_err();

    assert!(matches!(error.kind(), ErrorKind::Decode { .. }), "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(201));
}

#[tokio::test]
async fn a_success_body_over_the_limit_is_too_large() {
    let server = MockServer::start().await;
    let names: Vec<Value> =
        (0..50).map(|i| json!({"username": format!("user_{i}"), "ducklings": []})).collect();
    always(&server, ok(json!({"accounts": names}))).await;
    let client = builder(&server.uri()).success_body_limit(256).build().unwrap();

    let error = client.accounts().get_active().await.unwrap_err();

    match error.kind() {
        ErrorKind::BodyTooLarge { status, limit } => {
            assert_eq!(status.as_u16(), 200);
            assert_eq!(*limit, 256);
        }
        other => panic!("expected BodyTooLarge, got {other:?}"),
    }
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
}

#[tokio::test]
async fn a_success_body_within_the_limit_is_read() {
    let server = MockServer::start().await;
    always(&server, ok(json!({"accounts": []}))).await;
    let client =
        builder(&server.uri()).success_body_limit(256).error_body_limit(16).build().unwrap();

    assert!(client.accounts().get_active().await.unwrap().accounts.is_empty());
}

#[tokio::test]
async fn an_error_body_over_the_limit_is_too_large() {
    let server = MockServer::start().await;
    let body = json!({"code": "INTERNAL_SERVER_ERROR", "message": "x".repeat(1000)});
    always(&server, ResponseTemplate::new(500).set_body_json(body)).await;
    let client = builder(&server.uri()).error_body_limit(128).build().unwrap();

    let error = client.tokens().list("alice").await.unwrap_err();

    match error.kind() {
        ErrorKind::BodyTooLarge { status, limit } => {
            assert_eq!(status.as_u16(), 500);
            assert_eq!(*limit, 128);
        }
        other => panic!("expected BodyTooLarge, got {other:?}"),
    }
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
}

#[tokio::test]
async fn the_error_limit_does_not_apply_to_successes() {
    let server = MockServer::start().await;
    always(&server, ok(tokens_json())).await;
    let client = builder(&server.uri()).error_body_limit(8).build().unwrap();

    assert_eq!(client.tokens().list("alice").await.unwrap().tokens.len(), 1);
}

#[tokio::test]
async fn unknown_enum_values_decode_as_unknown() {
    let server = MockServer::start().await;
    let mut tokens = tokens_json();
    tokens["tokens"][0]["token_type"] = json!("super_admin");
    let mut created = created_token_json();
    created["token_type"] = json!("super_admin");
    first(&server, 1, ok(tokens)).await;
    first(&server, 1, ok(created)).await;
    always(&server, ok(config_json("hyper"))).await;
    let client = client(&server);

    let listed = client.tokens().list("alice").await.unwrap();
    assert_eq!(listed.tokens[0].token_type, TokenType::Unknown("super_admin".into()));
    let created = client.tokens().create("alice", "n").await.unwrap();
    assert_eq!(created.token_type, TokenType::Unknown("super_admin".into()));
    let config = client.ducklings().get_config("alice").await.unwrap();
    assert_eq!(config.read_write.instance_size, InstanceSize::Unknown("hyper".into()));
    assert!(!config.read_write.instance_size.is_known());
    assert_eq!(config.read_write.instance_size.as_str(), "hyper");
}

#[tokio::test]
async fn writing_back_a_config_with_an_unknown_size_is_refused_before_sending() {
    let server = MockServer::start().await;
    always(&server, ok(config_json("hyper"))).await;
    let client = client(&server);

    let mut config = client.ducklings().get_config("alice").await.unwrap();
    config.read_scaling.flock_size = 2.0;
    let error = client.ducklings().set_config("alice", config).await.unwrap_err();

    assert!(error.is_invalid_input(), "{error:?}");
    match error.kind() {
        ErrorKind::InvalidInput { field, rule } => {
            assert_eq!(field, "config.read_write.instance_size");
            assert!(rule.contains("hyper"), "{rule}");
        }
        other => panic!("expected invalid input, got {other:?}"),
    }
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1, "only the GET should have been sent: {requests:#?}");
    assert_eq!(requests[0].method.as_str(), "GET");
}

#[tokio::test]
async fn an_unknown_token_type_cannot_be_sent() {
    let server = MockServer::start().await;
    always(&server, ok(created_token_json())).await;

    let error = client(&server)
        .tokens()
        .create("alice", "n")
        .token_type(TokenType::Unknown("super_admin".into()))
        .await
        .unwrap_err();

    assert!(error.is_invalid_input(), "{error:?}");
    assert!(received(&server).await.is_empty());
}

/// A loopback address on which nothing listens: bound, then released.
fn refused_address() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{address}")
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

impl Log {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// Runs `call` with a TRACE subscriber that logs span closes, and returns the log.
async fn traced<T>(call: impl Future<Output = T>) -> (T, String) {
    let log = Log::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    let result = call.await;
    drop(guard);
    (result, log.text())
}

#[tokio::test]
async fn a_refused_connection_is_a_connection_error() {
    let client = builder(&refused_address()).retry_policy(RetryPolicy::disabled()).build().unwrap();

    let error = client.tokens().list("alice").await.unwrap_err();

    assert!(matches!(error.kind(), ErrorKind::Connection(_)), "{error:?}");
    assert!(error.is_retryable());
    assert_eq!(error.status(), None);
    assert!(!error.is_invalid_input());
}

// A refused connection reaches no server that could count requests, so the attempts are
// read from the SDK's trace: its request span records the number of the last attempt.
#[tokio::test]
async fn a_refused_connection_is_retried_for_a_get() {
    let client = builder(&refused_address()).build().unwrap();

    let (result, log) = traced(client.tokens().list("alice").into_future()).await;

    let error = result.unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Connection(_)), "{error:?}");
    assert!(log.contains("attempt=4"), "expected four attempts in the trace:\n{log}");
}

#[tokio::test]
async fn a_post_whose_connection_was_refused_is_retried() {
    let client = builder(&refused_address()).build().unwrap();

    let (result, log) = traced(client.tokens().create("alice", "n").into_future()).await;

    let error = result.unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Connection(_)), "{error:?}");
    assert!(log.contains("attempt=4"), "a request that was never sent may be retried:\n{log}");
}
