//! Every operation of the SDK against a wiremock server on 127.0.0.1: the exact request it
//! sends (method, path, headers, JSON body), how the answer is decoded, how each documented
//! error status comes back, and that no path parameter can leave its segment.
//!
//! Mocks answer every request (`any()`) and the assertions read what the server recorded,
//! so that a wrong route fails with the route it took rather than with wiremock's 404.

use std::time::Duration;

use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use motherduck_api::types::{
    DucklingConfig, InstanceSize, ReadScalingConfig, ReadWriteConfig, RequiredResource, TokenType,
};
use motherduck_api::{Client, Error, ErrorKind, RetryPolicy};

const ADMIN_TOKEN: &str = "md_admin_operations_token";
const TOKEN_ID: &str = "6f1b8a52-3c1d-4e0f-9a77-2b5e4c9d1a03";
const DIVE_ID: &str = "0d9e2f4a-8b7c-4d61-a3e5-f19c2b6d7e80";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .token(ADMIN_TOKEN)
        .base_url(server.uri())
        .retry_policy(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(5)),
        )
        .build()
        .expect("failed to build the client")
}

async fn answer(server: &MockServer, response: ResponseTemplate) {
    Mock::given(any()).respond_with(response).mount(server).await;
}

async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("request recording is on")
}

/// The one request the server received.
async fn only_request(server: &MockServer) -> Request {
    let mut requests = received(server).await;
    assert_eq!(requests.len(), 1, "expected exactly one request, got {requests:#?}");
    requests.remove(0)
}

fn header<'r>(request: &'r Request, name: &str) -> &'r str {
    request
        .headers
        .get(name)
        .unwrap_or_else(|| panic!("no `{name}` header in {request:?}"))
        .to_str()
        .expect("header is not text")
}

/// Checks the request line, the headers every call carries, and the body: `None` for no
/// body at all, `Some` for exactly this JSON (so absent optional fields must be absent).
fn assert_request(request: &Request, method: &str, path: &str, body: Option<Value>) {
    assert_eq!(request.method.as_str(), method, "method of {}", request.url);
    assert_eq!(request.url.path(), path);
    assert_eq!(request.url.query(), None, "no query expected on {}", request.url);
    assert_eq!(header(request, "authorization"), format!("Bearer {ADMIN_TOKEN}"));
    let agent = header(request, "user-agent");
    assert!(agent.starts_with("motherduck-api/"), "user-agent {agent:?}");
    assert_eq!(header(request, "accept"), "application/json");
    match body {
        None => assert!(
            request.body.is_empty(),
            "unexpected body {:?}",
            String::from_utf8_lossy(&request.body)
        ),
        Some(expected) => {
            assert_eq!(header(request, "content-type"), "application/json");
            let sent: Value = serde_json::from_slice(&request.body).expect("the body is not JSON");
            assert_eq!(sent, expected, "body sent: {}", String::from_utf8_lossy(&request.body));
        }
    }
}

fn config() -> DucklingConfig {
    DucklingConfig {
        read_write: ReadWriteConfig { instance_size: InstanceSize::Jumbo, cooldown_seconds: None },
        read_scaling: ReadScalingConfig {
            instance_size: InstanceSize::Pulse,
            flock_size: 2.5,
            cooldown_seconds: Some(600),
        },
    }
}

fn config_json() -> Value {
    json!({
        "read_write": {"instance_size": "jumbo"},
        "read_scaling": {"instance_size": "pulse", "flock_size": 2.5, "cooldown_seconds": 600},
    })
}

fn created_token_json() -> Value {
    json!({
        "token": "md_created_token_secret",
        "id": TOKEN_ID,
        "name": "dashboards",
        "created_ts": "2025-01-02T03:04:05.000Z",
        "expire_at": "2025-01-02T04:04:05.000Z",
        "read_only": true,
        "token_type": "read_scaling",
    })
}

#[tokio::test]
async fn create_service_account_posts_the_username_and_decodes_the_user() {
    let server = MockServer::start().await;
    answer(&server, ResponseTemplate::new(200).set_body_json(json!({"username": "svc_reports"})))
        .await;

    let user = client(&server).users().create_service_account("svc_reports").await.unwrap();

    assert_request(
        &only_request(&server).await,
        "POST",
        "/v1/users",
        Some(json!({"username": "svc_reports"})),
    );
    assert_eq!(user.username, "svc_reports");
}

#[tokio::test]
async fn delete_user_sends_delete_without_a_body_and_decodes_the_user() {
    let server = MockServer::start().await;
    answer(&server, ResponseTemplate::new(200).set_body_json(json!({"username": "svc_reports"})))
        .await;

    let user = client(&server).users().delete("svc_reports").send().await.unwrap();

    assert_request(&only_request(&server).await, "DELETE", "/v1/users/svc_reports", None);
    assert_eq!(user.username, "svc_reports");
}

#[tokio::test]
async fn list_tokens_gets_the_user_tokens_and_decodes_optional_fields() {
    let server = MockServer::start().await;
    let body = json!({"tokens": [
        {
            "id": TOKEN_ID,
            "name": "ci",
            "created_ts": "2025-01-02T03:04:05.000Z",
            "expire_at": "2026-01-02T03:04:05.000Z",
            "read_only": false,
            "token_type": "read_write",
        },
        {
            "id": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
            "created_ts": "2025-02-03T04:05:06.000Z",
            "read_only": true,
            "token_type": "read_scaling",
        },
    ]});
    answer(&server, ResponseTemplate::new(200).set_body_json(body)).await;

    let tokens = client(&server).tokens().list("alice").await.unwrap();

    assert_request(&only_request(&server).await, "GET", "/v1/users/alice/tokens", None);
    let [first, second] = tokens.tokens.as_slice() else {
        panic!("expected two tokens: {tokens:?}")
    };
    assert_eq!(first.id.to_string(), TOKEN_ID);
    assert_eq!(first.name.as_deref(), Some("ci"));
    assert_eq!(first.created_ts, "2025-01-02T03:04:05.000Z");
    assert_eq!(first.expire_at.as_deref(), Some("2026-01-02T03:04:05.000Z"));
    assert!(!first.read_only);
    assert_eq!(first.token_type, TokenType::ReadWrite);
    assert_eq!(second.id.to_string(), "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d");
    assert_eq!(second.name, None);
    assert_eq!(second.expire_at, None);
    assert!(second.read_only);
    assert_eq!(second.token_type, TokenType::ReadScaling);
}

#[tokio::test]
async fn create_token_sends_name_type_and_ttl_in_whole_seconds() {
    let server = MockServer::start().await;
    answer(&server, ResponseTemplate::new(200).set_body_json(created_token_json())).await;

    let created = client(&server)
        .tokens()
        .create("alice", "dashboards")
        .token_type(TokenType::ReadScaling)
        .ttl(Duration::from_secs(3600))
        .await
        .unwrap();

    let request = only_request(&server).await;
    let expected = json!({"name": "dashboards", "token_type": "read_scaling", "ttl": 3600});
    assert_request(&request, "POST", "/v1/users/alice/tokens", Some(expected));
    assert_eq!(created.token.expose(), "md_created_token_secret");
    assert_eq!(created.id.to_string(), TOKEN_ID);
    assert_eq!(created.name.as_deref(), Some("dashboards"));
    assert_eq!(created.created_ts, "2025-01-02T03:04:05.000Z");
    assert_eq!(created.expire_at.as_deref(), Some("2025-01-02T04:04:05.000Z"));
    assert!(created.read_only);
    assert_eq!(created.token_type, TokenType::ReadScaling);
}

#[tokio::test]
async fn create_token_without_options_sends_only_the_name() {
    let server = MockServer::start().await;
    let mut body = created_token_json();
    body.as_object_mut().unwrap().remove("expire_at");
    body["token_type"] = json!("read_write");
    answer(&server, ResponseTemplate::new(200).set_body_json(body)).await;

    let created = client(&server).tokens().create("alice", "dashboards").await.unwrap();

    let request = only_request(&server).await;
    assert_request(&request, "POST", "/v1/users/alice/tokens", Some(json!({"name": "dashboards"})));
    assert_eq!(created.expire_at, None);
    assert_eq!(created.token_type, TokenType::ReadWrite);
}

#[tokio::test]
async fn delete_token_sends_delete_to_the_token_route() {
    let server = MockServer::start().await;
    answer(&server, ResponseTemplate::new(200).set_body_json(json!({}))).await;

    client(&server).tokens().delete("alice", TOKEN_ID).await.unwrap();

    let path = format!("/v1/users/alice/tokens/{TOKEN_ID}");
    assert_request(&only_request(&server).await, "DELETE", &path, None);
}

#[tokio::test]
async fn get_config_gets_the_user_instances_and_decodes_both_parts() {
    let server = MockServer::start().await;
    let body = json!({
        "read_write": {"instance_size": "standard", "cooldown_seconds": 300},
        "read_scaling": {"instance_size": "giga", "flock_size": 4},
    });
    answer(&server, ResponseTemplate::new(200).set_body_json(body)).await;

    let config = client(&server).ducklings().get_config("alice").await.unwrap();

    assert_request(&only_request(&server).await, "GET", "/v1/users/alice/instances", None);
    assert_eq!(config.read_write.instance_size, InstanceSize::Standard);
    assert_eq!(config.read_write.cooldown_seconds, Some(300));
    assert_eq!(config.read_scaling.instance_size, InstanceSize::Giga);
    assert_eq!(config.read_scaling.flock_size, 4.0);
    assert_eq!(config.read_scaling.cooldown_seconds, None);
}

#[tokio::test]
async fn set_config_puts_the_config_wrapped_in_a_config_member() {
    let server = MockServer::start().await;
    answer(&server, ResponseTemplate::new(200).set_body_json(config_json())).await;

    let written = client(&server).ducklings().set_config("alice", config()).await.unwrap();

    let request = only_request(&server).await;
    assert_request(
        &request,
        "PUT",
        "/v1/users/alice/instances",
        Some(json!({"config": config_json()})),
    );
    assert_eq!(written, config());
}

#[tokio::test]
async fn get_active_accounts_decodes_accounts_and_their_ducklings() {
    let server = MockServer::start().await;
    let body = json!({"accounts": [
        {"username": "alice", "ducklings": [
            {"id": "rw", "type": "read_write", "status": "active"},
            {"id": "rs.1", "type": "read_scaling", "status": "cooldown"},
        ]},
        {"username": "bob", "ducklings": []},
    ]});
    answer(&server, ResponseTemplate::new(200).set_body_json(body)).await;

    let active = client(&server).accounts().get_active().await.unwrap();

    assert_request(&only_request(&server).await, "GET", "/v1/active_accounts", None);
    let [alice, bob] = active.accounts.as_slice() else {
        panic!("expected two accounts: {active:?}")
    };
    assert_eq!(alice.username, "alice");
    let ducklings: Vec<_> = alice
        .ducklings
        .iter()
        .map(|d| (d.id.as_str(), d.type_.as_str(), d.status.as_str()))
        .collect();
    assert_eq!(ducklings, [("rw", "read_write", "active"), ("rs.1", "read_scaling", "cooldown")]);
    assert_eq!(bob.username, "bob");
    assert!(bob.ducklings.is_empty());
}

#[tokio::test]
async fn create_embed_session_sends_every_option_including_an_empty_resource_list() {
    let server = MockServer::start().await;
    answer(
        &server,
        ResponseTemplate::new(200).set_body_json(json!({"session": "md_embed_session"})),
    )
    .await;
    let mut state = serde_json::Map::new();
    state.insert("tab".into(), json!("overview"));
    state.insert("filters".into(), json!({"region": ["eu", "us"]}));

    let session = client(&server)
        .dives()
        .create_embed_session(DIVE_ID, "svc_embed")
        .session_hint("viewer-42")
        .required_resources([])
        .initial_state(state)
        .version(3)
        .send()
        .await
        .unwrap();

    let expected = json!({
        "username": "svc_embed",
        "session_hint": "viewer-42",
        "required_resources": [],
        "initial_state": {"tab": "overview", "filters": {"region": ["eu", "us"]}},
        "version": 3,
    });
    let path = format!("/v1/dives/{DIVE_ID}/embed-session");
    assert_request(&only_request(&server).await, "POST", &path, Some(expected));
    assert_eq!(session.session.expose(), "md_embed_session");
}

#[tokio::test]
async fn create_embed_session_without_options_sends_only_the_username() {
    let server = MockServer::start().await;
    answer(
        &server,
        ResponseTemplate::new(200).set_body_json(json!({"session": "md_embed_session"})),
    )
    .await;

    client(&server).dives().create_embed_session(DIVE_ID, "svc_embed").await.unwrap();

    let path = format!("/v1/dives/{DIVE_ID}/embed-session");
    assert_request(
        &only_request(&server).await,
        "POST",
        &path,
        Some(json!({"username": "svc_embed"})),
    );
}

#[tokio::test]
async fn create_embed_session_sends_resources_with_and_without_alias() {
    let server = MockServer::start().await;
    answer(
        &server,
        ResponseTemplate::new(200).set_body_json(json!({"session": "md_embed_session"})),
    )
    .await;
    let resources = [
        RequiredResource { url: "md:sales".into(), alias: Some("s".into()) },
        RequiredResource { url: "md:_share/ops/1234".into(), alias: None },
    ];

    client(&server)
        .dives()
        .create_embed_session(DIVE_ID, "svc_embed")
        .required_resources(resources)
        .await
        .unwrap();

    let expected = json!({
        "username": "svc_embed",
        "required_resources": [{"url": "md:sales", "alias": "s"}, {"url": "md:_share/ops/1234"}],
    });
    let path = format!("/v1/dives/{DIVE_ID}/embed-session");
    assert_request(&only_request(&server).await, "POST", &path, Some(expected));
}

/// The nine operations, each called with valid arguments, for the table-driven tests.
#[derive(Debug, Clone, Copy)]
enum Op {
    CreateServiceAccount,
    DeleteUser,
    ListTokens,
    CreateToken,
    DeleteToken,
    GetConfig,
    SetConfig,
    GetActiveAccounts,
    CreateEmbedSession,
}

const OPS: [Op; 9] = [
    Op::CreateServiceAccount,
    Op::DeleteUser,
    Op::ListTokens,
    Op::CreateToken,
    Op::DeleteToken,
    Op::GetConfig,
    Op::SetConfig,
    Op::GetActiveAccounts,
    Op::CreateEmbedSession,
];

/// The operations with a `{username}` in their path.
const USERNAME_OPS: [Op; 6] = [
    Op::DeleteUser,
    Op::ListTokens,
    Op::CreateToken,
    Op::DeleteToken,
    Op::GetConfig,
    Op::SetConfig,
];

/// Path parameter values for one call.
struct Args<'a> {
    username: &'a str,
    token_id: &'a str,
    dive_id: &'a str,
}

const VALID: Args<'static> = Args { username: "alice", token_id: TOKEN_ID, dive_id: DIVE_ID };

impl Op {
    async fn call(self, client: &Client, args: &Args<'_>) -> motherduck_api::Result<()> {
        match self {
            Op::CreateServiceAccount => {
                client.users().create_service_account("svc_reports").await.map(drop)
            }
            Op::DeleteUser => client.users().delete(args.username).await.map(drop),
            Op::ListTokens => client.tokens().list(args.username).await.map(drop),
            Op::CreateToken => client.tokens().create(args.username, "dashboards").await.map(drop),
            Op::DeleteToken => client.tokens().delete(args.username, args.token_id).await,
            Op::GetConfig => client.ducklings().get_config(args.username).await.map(drop),
            Op::SetConfig => client.ducklings().set_config(args.username, config()).await.map(drop),
            Op::GetActiveAccounts => client.accounts().get_active().await.map(drop),
            Op::CreateEmbedSession => {
                client.dives().create_embed_session(args.dive_id, "svc_embed").await.map(drop)
            }
        }
    }

    fn method(self) -> &'static str {
        match self {
            Op::CreateServiceAccount | Op::CreateToken | Op::CreateEmbedSession => "POST",
            Op::DeleteUser | Op::DeleteToken => "DELETE",
            Op::ListTokens | Op::GetConfig | Op::GetActiveAccounts => "GET",
            Op::SetConfig => "PUT",
        }
    }

    /// The spec's path template, split into segments.
    fn template(self) -> &'static [&'static str] {
        match self {
            Op::CreateServiceAccount => &["v1", "users"],
            Op::DeleteUser => &["v1", "users", "{username}"],
            Op::ListTokens | Op::CreateToken => &["v1", "users", "{username}", "tokens"],
            Op::DeleteToken => &["v1", "users", "{username}", "tokens", "{token_id}"],
            Op::GetConfig | Op::SetConfig => &["v1", "users", "{username}", "instances"],
            Op::GetActiveAccounts => &["v1", "active_accounts"],
            Op::CreateEmbedSession => &["v1", "dives", "{dive_id}", "embed-session"],
        }
    }

    /// A 200 body the operation decodes.
    fn success(self) -> ResponseTemplate {
        let body = match self {
            Op::CreateServiceAccount | Op::DeleteUser => json!({"username": "alice"}),
            Op::ListTokens => json!({"tokens": []}),
            Op::CreateToken => created_token_json(),
            Op::DeleteToken => json!({}),
            Op::GetConfig | Op::SetConfig => config_json(),
            Op::GetActiveAccounts => json!({"accounts": []}),
            Op::CreateEmbedSession => json!({"session": "md_embed_session"}),
        };
        ResponseTemplate::new(200).set_body_json(body)
    }
}

fn error_response(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

async fn error_of(op: Op, response: ResponseTemplate) -> Error {
    let server = MockServer::start().await;
    answer(&server, response).await;
    let error = op.call(&client(&server), &VALID).await.expect_err(&format!("{op:?} should fail"));
    assert_eq!(
        received(&server).await.len(),
        1,
        "{op:?}: an error status of this kind is not retried"
    );
    error
}

#[tokio::test]
async fn documented_error_statuses_keep_status_code_and_message() {
    let cases = [
        (401, "UNAUTHORIZED", "Invalid Credentials"),
        (403, "FORBIDDEN", "Unauthorized"),
        (404, "NOT_FOUND", "user not found"),
        (500, "INTERNAL_SERVER_ERROR", "Internal Error"),
    ];
    for op in OPS {
        for (status, code, message) in cases {
            let body = json!({"code": code, "message": message, "issues": []});
            let error = error_of(op, error_response(status, body)).await;
            let api = error
                .api()
                .unwrap_or_else(|| panic!("{op:?} {status}: not an API error: {error:?}"));
            assert_eq!(api.status().as_u16(), status, "{op:?}");
            assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{op:?}");
            assert_eq!(api.code(), Some(code), "{op:?} {status}");
            assert_eq!(api.message(), Some(message), "{op:?} {status}");
            assert!(api.issues().is_empty(), "{op:?} {status}");
            assert_eq!(api.body_excerpt(), None, "{op:?} {status}");
            assert_eq!(error.is_not_found(), status == 404, "{op:?} {status}");
            assert!(!error.is_retryable(), "{op:?} {status}");
            assert!(!error.is_invalid_input(), "{op:?} {status}");
            assert!(matches!(error.kind(), ErrorKind::Api(_)), "{op:?} {status}");
        }
    }
}

#[tokio::test]
async fn bad_request_lists_its_issues() {
    for op in OPS {
        let body = json!({
            "code": "BAD_REQUEST",
            "message": "Bad Request",
            "issues": [{"message": "username is taken"}, {"message": "ttl must be at least 300"}],
        });
        let error = error_of(op, error_response(400, body)).await;
        let api = error.api().unwrap_or_else(|| panic!("{op:?}: not an API error: {error:?}"));
        assert_eq!(api.status().as_u16(), 400, "{op:?}");
        assert_eq!(api.code(), Some("BAD_REQUEST"), "{op:?}");
        assert_eq!(api.message(), Some("Bad Request"), "{op:?}");
        assert_eq!(api.issues(), ["username is taken", "ttl must be at least 300"], "{op:?}");
        assert!(!error.is_not_found(), "{op:?}");
        let text = error.to_string();
        assert!(
            text.contains("username is taken") && text.contains("ttl must be at least 300"),
            "{op:?}: {text}"
        );
    }
}

#[tokio::test]
async fn a_plain_text_404_is_not_not_found() {
    for op in OPS {
        let response =
            ResponseTemplate::new(404).set_body_raw("Not Found", "text/plain; charset=utf-8");
        let error = error_of(op, response).await;
        let api = error.api().unwrap_or_else(|| panic!("{op:?}: not an API error: {error:?}"));
        assert_eq!(api.status().as_u16(), 404, "{op:?}");
        assert_eq!(api.code(), None, "{op:?}");
        assert_eq!(api.message(), None, "{op:?}");
        assert_eq!(api.body_excerpt(), Some("Not Found"), "{op:?}");
        assert!(!error.is_not_found(), "{op:?}: a route miss is not an entity that is gone");
    }
}

#[tokio::test]
async fn a_json_404_with_another_code_is_not_not_found() {
    let body = json!({"code": "ROUTE_NOT_FOUND", "message": "no such route"});
    let error = error_of(Op::ListTokens, error_response(404, body)).await;
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert!(!error.is_not_found());
}

#[tokio::test]
async fn every_operation_accepts_its_success_body() {
    for op in OPS {
        let server = MockServer::start().await;
        answer(&server, op.success()).await;
        op.call(&client(&server), &VALID).await.unwrap_or_else(|e| panic!("{op:?}: {e:?}"));
        let request = only_request(&server).await;
        assert_eq!(request.method.as_str(), op.method(), "{op:?}");
    }
}

#[tokio::test]
async fn create_service_account_accepts_201_with_a_body() {
    let server = MockServer::start().await;
    answer(&server, ResponseTemplate::new(201).set_body_json(json!({"username": "svc_reports"})))
        .await;

    let user = client(&server).users().create_service_account("svc_reports").await.unwrap();

    assert_eq!(user.username, "svc_reports");
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn delete_token_accepts_204_with_an_empty_body() {
    let server = MockServer::start().await;
    answer(&server, ResponseTemplate::new(204)).await;

    client(&server).tokens().delete("alice", TOKEN_ID).await.unwrap();

    assert_eq!(received(&server).await.len(), 1);
}

/// Values that could change a request's route if they were pasted into the path as is.
const HOSTILE: [&str; 16] = [
    "..",
    ".",
    "a/b",
    r"a\b",
    "a?b",
    "a#b",
    "%2e%2e",
    "%2F",
    "../../v1/users/victim",
    "a b",
    "a;b",
    "...",
    ".alice",
    "ünïcødé",
    "用户",
    "🦆",
];

/// Decodes `%XX` escapes; panics on a malformed escape, which no client should send.
fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = segment
                .get(i + 1..i + 3)
                .unwrap_or_else(|| panic!("truncated escape in {segment:?}"));
            out.push(
                u8::from_str_radix(hex, 16).unwrap_or_else(|_| panic!("bad escape in {segment:?}")),
            );
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("decoded segment is not UTF-8")
}

/// Calls `op` with `args`, then checks that it either failed before sending or reached
/// exactly its route with every path value intact.
async fn assert_contained(op: Op, args: &Args<'_>, hostile: &str) {
    let server = MockServer::start().await;
    answer(&server, op.success()).await;
    let result = op.call(&client(&server), args).await;
    let requests = received(&server).await;
    let context = format!("{op:?} with {hostile:?}");

    let Some(request) = requests.first() else {
        let error = result.expect_err(&format!("{context}: succeeded without a request"));
        assert!(
            error.is_invalid_input(),
            "{context}: failed without a request, but not as invalid input: {error:?}"
        );
        return;
    };
    assert_eq!(requests.len(), 1, "{context}: {requests:#?}");
    result.unwrap_or_else(|e| {
        panic!("{context}: the request was sent, so the call should succeed: {e:?}")
    });
    assert_eq!(request.method.as_str(), op.method(), "{context}");
    assert_eq!(request.url.query(), None, "{context}: reached {}", request.url);
    assert_eq!(request.url.fragment(), None, "{context}: reached {}", request.url);

    let raw = request.url.path();
    let segments: Vec<&str> = raw.strip_prefix('/').unwrap_or(raw).split('/').collect();
    let template = op.template();
    assert_eq!(segments.len(), template.len(), "{context}: reached {raw}");
    for (sent, expected) in segments.iter().zip(template) {
        let value = match *expected {
            "{username}" => args.username,
            "{token_id}" => args.token_id,
            "{dive_id}" => args.dive_id,
            fixed => {
                assert_eq!(*sent, fixed, "{context}: reached {raw}");
                continue;
            }
        };
        assert_eq!(percent_decode(sent), value, "{context}: reached {raw}");
    }
}

#[tokio::test]
async fn hostile_usernames_are_refused_or_reach_their_route_intact() {
    for op in USERNAME_OPS {
        for hostile in HOSTILE {
            assert_contained(op, &Args { username: hostile, ..VALID }, hostile).await;
        }
    }
}

#[tokio::test]
async fn hostile_token_ids_are_refused_or_reach_their_route_intact() {
    for hostile in HOSTILE {
        assert_contained(Op::DeleteToken, &Args { token_id: hostile, ..VALID }, hostile).await;
    }
}

#[tokio::test]
async fn hostile_dive_ids_are_refused_or_reach_their_route_intact() {
    for hostile in HOSTILE {
        assert_contained(Op::CreateEmbedSession, &Args { dive_id: hostile, ..VALID }, hostile)
            .await;
    }
}

#[tokio::test]
async fn dot_segments_never_leave_the_client() {
    let cases = [
        (Op::GetConfig, Args { username: "..", ..VALID }),
        (Op::DeleteUser, Args { username: ".", ..VALID }),
        (Op::DeleteToken, Args { token_id: "..", ..VALID }),
        (Op::DeleteToken, Args { token_id: ".", ..VALID }),
    ];
    for (op, args) in cases {
        let server = MockServer::start().await;
        answer(&server, op.success()).await;
        let error = op.call(&client(&server), &args).await.expect_err(&format!("{op:?}"));
        assert!(error.is_invalid_input(), "{op:?}: {error:?}");
        assert!(received(&server).await.is_empty(), "{op:?} sent a request");
    }
}

#[tokio::test]
async fn empty_path_values_are_refused_before_sending() {
    let cases = [
        (USERNAME_OPS.as_slice(), "username", Args { username: "", ..VALID }),
        (&[Op::DeleteToken], "token_id", Args { token_id: "", ..VALID }),
        (&[Op::CreateEmbedSession], "dive_id", Args { dive_id: "", ..VALID }),
    ];
    for (ops, name, args) in cases {
        for &op in ops {
            let server = MockServer::start().await;
            answer(&server, op.success()).await;
            let error = op
                .call(&client(&server), &args)
                .await
                .expect_err(&format!("{op:?} with empty {name}"));
            match error.kind() {
                ErrorKind::InvalidInput { field, .. } => assert_eq!(field, name, "{op:?}"),
                other => panic!("{op:?} with empty {name}: expected invalid input, got {other:?}"),
            }
            assert!(received(&server).await.is_empty(), "{op:?} with empty {name} sent a request");
        }
    }
}
