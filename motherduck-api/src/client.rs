//! The client: configuration, authentication, and what happens around every request.
//!
//! The generated low-level client (`generated/raw.rs`) builds each request from the spec
//! and hands it to the hooks implemented here (progenitor's `ClientHooks`, with the
//! [`Runtime`] as its inner type). The hooks add the bearer token and user agent, set the
//! per-attempt timeout, retry by the [`RetryPolicy`], and trace each request. Responses
//! are decoded here too, with size caps, so that every error keeps its status.

use std::fmt;
use std::future::Future;
use std::time::{Duration, Instant};

use progenitor_client::{ByteStream, ClientHooks, ClientInfo, OperationInfo, ResponseValue};
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue, USER_AGENT};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::body::{self, BodyError};
use crate::error::{ApiError, Error, ErrorKind, Result, redact_quoted};
use crate::generated::{api, raw};
use crate::retry::{Decision, Outcome};
use crate::{RetryPolicy, Secret, base_url};

/// The API's address when none is configured.
pub const DEFAULT_BASE_URL: &str = "https://api.motherduck.com";
/// How long connecting may take, by default.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one attempt (connect, send, and read the answer) may take, by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Environment variables searched for the token, in order.
pub const TOKEN_VARIABLES: [&str; 3] =
    ["MOTHERDUCK_ADMIN_TOKEN", "MOTHERDUCK_TOKEN", "motherduck_token"];
/// Environment variable that overrides the base URL.
pub const BASE_URL_VARIABLE: &str = "MOTHERDUCK_API_BASE_URL";

/// What awaiting a request builder runs: a boxed future of the call's result, `Send`, so
/// it can be spawned or stored (`let call: CallFuture<'_, Tokens> = builder.into_future()`).
pub type CallFuture<'c, T> = std::pin::Pin<Box<dyn Future<Output = Result<T>> + Send + 'c>>;

/// A MotherDuck REST API client. Cheap to clone (connections are pooled and shared);
/// build one and reuse it.
///
/// ```no_run
/// # async fn run() -> motherduck_api::Result<()> {
/// let client = motherduck_api::Client::from_env()?;
/// let tokens = client.tokens().list("svc_reports").await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    raw: raw::Client,
}

/// What every request of a [`Client`] shares: credentials, limits, retry policy.
#[derive(Clone)]
pub(crate) struct Runtime {
    authorization: HeaderValue,
    user_agent: HeaderValue,
    timeout: Duration,
    /// Whether `timeout` must be set on each request: only for a caller's HTTP client.
    /// The SDK's own client carries it, which spares each request a map of extensions.
    per_request_timeout: bool,
    retry: RetryPolicy,
    error_body_limit: usize,
    success_body_limit: usize,
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("authorization", &"[redacted]")
            .field("user_agent", &self.user_agent)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.raw.baseurl())
            .field("token", &"[redacted]")
            .field("runtime", self.raw.inner())
            .finish()
    }
}

impl Client {
    /// A client for the public API with `token` (an Admin's read/write token).
    pub fn new(token: impl Into<String>) -> Result<Client> {
        ClientBuilder::default().token(token).build()
    }

    /// A client configured from the environment: the token from the first of
    /// `MOTHERDUCK_ADMIN_TOKEN`, `MOTHERDUCK_TOKEN`, `motherduck_token` that is set and
    /// not blank, the base URL from `MOTHERDUCK_API_BASE_URL` if set.
    pub fn from_env() -> Result<Client> {
        ClientBuilder::from_env().build()
    }

    /// A builder for every setting.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.raw.baseurl()
    }

    pub(crate) fn raw(&self) -> &raw::Client {
        &self.raw
    }
}

/// Settings for a [`Client`]; see each method for its default.
#[derive(Default)]
pub struct ClientBuilder {
    token: Option<Secret>,
    base_url: Option<String>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    user_agent_suffix: Option<String>,
    http: Option<reqwest::Client>,
    error_body_limit: Option<usize>,
    success_body_limit: Option<usize>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("token", &self.token.as_ref().map(|_| "[redacted]"))
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// A builder with the token and base URL read from the environment (see
    /// [`Client::from_env`]); other settings at their defaults.
    pub fn from_env() -> ClientBuilder {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    pub(crate) fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> ClientBuilder {
        let token = TOKEN_VARIABLES.iter().filter_map(|v| lookup(v)).find(|t| !t.trim().is_empty());
        ClientBuilder {
            token: token.map(|t| Secret::from(t.trim())),
            base_url: lookup(BASE_URL_VARIABLE)
                .filter(|u| !u.trim().is_empty())
                .map(|u| u.trim().to_string()),
            ..ClientBuilder::default()
        }
    }

    /// The bearer token: a read/write token of a user with the Admin role. Surrounding
    /// whitespace is removed.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(Secret::from(token.into().trim()));
        self
    }

    /// The API's base URL (default [`DEFAULT_BASE_URL`]): absolute, https unless the host
    /// is loopback, without credentials, query or fragment. A trailing slash is fine.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// How long connecting may take (default [`DEFAULT_CONNECT_TIMEOUT`]). Ignored with
    /// [`http_client`](Self::http_client), whose own setting applies.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How long each attempt may take, from sending to the end of the body (default
    /// [`DEFAULT_TIMEOUT`]). A whole call, retries included, can be limited per request
    /// with its `timeout` setter.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// When to retry (default: [`RetryPolicy::default`]); [`RetryPolicy::disabled`] never
    /// retries.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Text appended to the `User-Agent` (`motherduck-api/<version> <suffix>`).
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// A `reqwest::Client` of the caller's, for proxies, custom TLS roots and the like.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Most bytes read from an error response (default 1 MiB).
    pub fn error_body_limit(mut self, bytes: usize) -> Self {
        self.error_body_limit = Some(bytes);
        self
    }

    /// Most bytes read from a success response (default 16 MiB).
    pub fn success_body_limit(mut self, bytes: usize) -> Self {
        self.success_body_limit = Some(bytes);
        self
    }

    /// Checks the settings and builds the client. Sends nothing.
    pub fn build(self) -> Result<Client> {
        let token = self.token.ok_or_else(|| {
            Error::config(format!(
                "no token: set one of {} or pass one to the builder",
                TOKEN_VARIABLES.join(", ")
            ))
        })?;
        if token.expose().is_empty() {
            return Err(Error::config("the token is empty"));
        }
        let mut authorization = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
            .map_err(|_| {
                Error::config("the token contains characters that cannot be sent in a header")
            })?;
        authorization.set_sensitive(true);
        let url = base_url::parse(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))
            .map_err(|e| Error::config(e.to_string()))?;
        let user_agent = match &self.user_agent_suffix {
            Some(s) => format!("motherduck-api/{} {s}", env!("CARGO_PKG_VERSION")),
            None => format!("motherduck-api/{}", env!("CARGO_PKG_VERSION")),
        };
        let user_agent = HeaderValue::from_str(&user_agent)
            .map_err(|_| Error::config("the user-agent suffix is not valid header text"))?;
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let per_request_timeout = self.http.is_some();
        let http = match self.http {
            Some(c) => c,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                .timeout(timeout)
                .build()
                .map_err(|_| Error::config("failed to set up the HTTP client"))?,
        };
        let runtime = Runtime {
            authorization,
            user_agent,
            timeout,
            per_request_timeout,
            retry: self.retry.unwrap_or_default(),
            error_body_limit: self.error_body_limit.unwrap_or(body::DEFAULT_ERROR_BODY_LIMIT),
            success_body_limit: self.success_body_limit.unwrap_or(body::DEFAULT_SUCCESS_BODY_LIMIT),
        };
        Ok(Client { raw: raw::Client::new_with_client(base_url::prefix(&url), http, runtime) })
    }
}

impl ClientHooks<Runtime> for raw::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> std::result::Result<(), progenitor_client::Error<E>> {
        let rt = self.inner();
        request.headers_mut().insert(AUTHORIZATION, rt.authorization.clone());
        request.headers_mut().insert(USER_AGENT, rt.user_agent.clone());
        // Success bodies reach the SDK as bytes (see the generator's `view`), for which
        // progenitor sets no `Accept`; every answer of this API is JSON.
        request.headers_mut().insert(ACCEPT, HeaderValue::from_static("application/json"));
        if rt.per_request_timeout {
            *request.timeout_mut() = Some(rt.timeout);
        }
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        // Not boxed here: `finish` already puts the whole call on the heap, once.
        self.inner().execute(self.client(), request, info).await
    }
}

impl Runtime {
    /// Sends `request`, retrying as the policy allows, inside one tracing span.
    async fn execute(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let (operation, method, path) =
            api::operation_route(info.operation_id).unwrap_or((info.operation_id, "?", "?"));
        let span = tracing::debug_span!(
            "motherduck_api.request",
            operation,
            method,
            path,
            status = tracing::field::Empty,
            attempt = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        if span.is_disabled() {
            // No subscriber wants it: skip entering and leaving it at every poll.
            return self.attempts(http, request, &span).await;
        }
        self.attempts(http, request, &span).instrument(span.clone()).await
    }

    async fn attempts(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
        span: &tracing::Span,
    ) -> reqwest::Result<reqwest::Response> {
        let started = Instant::now();
        let mut attempt = 1;
        loop {
            // A request whose body is a stream cannot be repeated: send it once.
            let Some(this) = request.try_clone() else { return http.execute(request).await };
            let result = http.execute(this).await;
            let outcome = match &result {
                Ok(r) => Outcome::Response { status: r.status(), headers: r.headers() },
                Err(e) if e.is_connect() => Outcome::NotSent,
                Err(_) => Outcome::Failed,
            };
            if let Ok(r) = &result {
                span.record("status", r.status().as_u16());
            }
            span.record("attempt", attempt);
            span.record("duration_ms", started.elapsed().as_millis() as u64);
            match self.retry.decide(request.method(), outcome, attempt, &mut jitter) {
                Decision::Retry(wait) => {
                    tracing::debug!(attempt, wait_ms = wait.as_millis() as u64, "retrying");
                    drop(result);
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                Decision::Stop | Decision::RateLimited { .. } => return result,
            }
        }
    }
}

/// A uniform number in [0, 1) for backoff jitter, from the standard library's per-process
/// random hash keys (no generator crate needed for this).
fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(Instant::now().elapsed().as_nanos() as u64);
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

type RawResult<T> = std::result::Result<ResponseValue<T>, progenitor_client::Error<()>>;

/// Awaits a generated call whose success has a JSON body, and decodes it. `timeout`
/// covers all of it: every attempt, and reading the body.
///
/// The work is boxed, once, so that the future of each SDK method holds a pointer to it
/// rather than inline copies of its state at every level of nesting (which the executor
/// would copy at each move: a few kilobytes per call).
pub(crate) fn finish<'a, T: DeserializeOwned + 'a>(
    client: &'a Client,
    call: impl Future<Output = RawResult<ByteStream>> + Send + 'a,
    timeout: Option<Duration>,
) -> impl Future<Output = Result<T>> + Send + 'a {
    within(
        timeout,
        Box::pin(async move {
            let response = match call.await {
                Ok(r) => r,
                Err(e) => return Err(from_raw((client, e)).await),
            };
            let status = response.status();
            let announced = response
                .headers()
                .get(reqwest::header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok()?.parse().ok());
            let limit = client.raw.inner().success_body_limit;
            let bytes = body::read_stream_capped(response.into_inner(), announced, limit)
                .await
                .map_err(|e| body_error(status, e))?;
            serde_json::from_slice(&bytes).map_err(|e| {
                Error::new(ErrorKind::Decode { status, reason: redact_quoted(&e.to_string()) })
            })
        }),
    )
}

/// Awaits a generated call whose success has no body.
pub(crate) fn finish_empty<'a>(
    client: &'a Client,
    call: impl Future<Output = RawResult<()>> + Send + 'a,
    timeout: Option<Duration>,
) -> impl Future<Output = Result<()>> + Send + 'a {
    within(
        timeout,
        Box::pin(async move {
            match call.await {
                Ok(_) => Ok(()),
                Err(e) => Err(from_raw((client, e)).await),
            }
        }),
    )
}

/// `call`, limited to `timeout` when there is one.
async fn within<T>(timeout: Option<Duration>, call: impl Future<Output = Result<T>>) -> Result<T> {
    match timeout {
        Some(t) => tokio::time::timeout(t, call)
            .await
            .unwrap_or_else(|_| Err(Error::new(ErrorKind::Timeout(Some(t))))),
        None => call.await,
    }
}

async fn from_raw((client, e): (&Client, progenitor_client::Error<()>)) -> Error {
    use progenitor_client::Error as Raw;
    match e {
        Raw::CommunicationError(e) | Raw::ResponseBodyError(e) | Raw::InvalidUpgrade(e) => {
            connection(e)
        }
        Raw::UnexpectedResponse(response) => {
            api_error(response, client.raw.inner().error_body_limit).await
        }
        Raw::ErrorResponse(r) => Error::new(ErrorKind::Api(ApiError {
            status: r.status(),
            code: None,
            message: None,
            issues: Vec::new(),
            excerpt: None,
            retry_after: None,
        })),
        Raw::InvalidResponsePayload(_, e) => Error::new(ErrorKind::Decode {
            status: reqwest::StatusCode::OK,
            reason: redact_quoted(&e.to_string()),
        }),
        Raw::InvalidRequest(m) | Raw::Custom(m) => Error::invalid("request", m),
    }
}

fn connection(e: reqwest::Error) -> Error {
    if e.is_timeout() {
        Error::new(ErrorKind::Timeout(None))
    } else {
        Error::new(ErrorKind::Connection(e))
    }
}

fn body_error(status: reqwest::StatusCode, e: BodyError) -> Error {
    match e {
        BodyError::TooLarge { limit } => Error::new(ErrorKind::BodyTooLarge { status, limit }),
        BodyError::Read(e) => connection(e),
    }
}

/// Builds the error for a non-success response, decoding MotherDuck's error JSON when the
/// body is that.
async fn api_error(response: reqwest::Response, limit: usize) -> Error {
    let status = response.status();
    let retry_after = crate::retry::retry_after(response.headers(), std::time::SystemTime::now());
    let bytes = match body::read_capped(response, limit).await {
        Ok(b) => b,
        Err(e) => return body_error(status, e),
    };
    let mut error = ApiError {
        status,
        code: None,
        message: None,
        issues: Vec::new(),
        excerpt: None,
        retry_after,
    };
    match serde_json::from_slice::<crate::types::ErrorBody>(&bytes) {
        Ok(body) => {
            error.code = Some(body.code);
            error.message = Some(body.message);
            error.issues = body.issues.unwrap_or_default().into_iter().map(|i| i.message).collect();
        }
        Err(_) if !bytes.is_empty() => error.excerpt = Some(excerpt(&bytes)),
        Err(_) => {}
    }
    Error::new(ErrorKind::Api(error))
}

/// The first 512 bytes of a body, as text, cut at a character boundary.
fn excerpt(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]);
    text.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    fn build_error(b: ClientBuilder) -> String {
        b.build().unwrap_err().to_string()
    }

    #[test]
    fn takes_the_first_token_variable_that_is_set_and_not_blank() {
        let b = ClientBuilder::from_lookup(env(&[
            ("MOTHERDUCK_ADMIN_TOKEN", "  "),
            ("MOTHERDUCK_TOKEN", " t2 "),
            ("motherduck_token", "t3"),
        ]));
        assert_eq!(b.token.as_ref().unwrap().expose(), "t2");
        let b = ClientBuilder::from_lookup(env(&[("motherduck_token", "t3")]));
        assert_eq!(b.token.unwrap().expose(), "t3");
    }

    #[test]
    fn names_every_token_variable_when_none_is_set() {
        let e = build_error(ClientBuilder::from_lookup(env(&[])));
        for v in TOKEN_VARIABLES {
            assert!(e.contains(v), "{e}");
        }
    }

    #[test]
    fn refuses_an_empty_token_and_bad_base_urls_before_sending() {
        assert!(build_error(Client::builder().token("   ")).contains("empty"));
        for bad in [
            "http://api.motherduck.com",
            "ftp://x",
            "https://u:p@x",
            "https://x?q",
            "https://x#f",
            "api.motherduck.com",
        ] {
            let e = Client::builder().token("t").base_url(bad).build().unwrap_err();
            assert!(e.is_invalid_input(), "{bad}: {e}");
        }
    }

    #[test]
    fn reads_the_base_url_from_the_environment_and_drops_a_trailing_slash() {
        let c = ClientBuilder::from_lookup(env(&[
            ("MOTHERDUCK_TOKEN", "t"),
            ("MOTHERDUCK_API_BASE_URL", "http://127.0.0.1:9/"),
        ]))
        .build()
        .unwrap();
        assert_eq!(c.base_url(), "http://127.0.0.1:9");
        assert_eq!(Client::new("t").unwrap().base_url(), "https://api.motherduck.com");
    }

    #[test]
    fn debug_output_never_shows_the_token() {
        let c = Client::new("md_super_secret").unwrap();
        let b = Client::builder().token("md_super_secret");
        for text in [format!("{c:?}"), format!("{b:?}"), format!("{:?}", c.raw.inner())] {
            assert!(!text.contains("md_super_secret"), "{text}");
        }
    }

    #[test]
    fn jitter_stays_in_the_unit_interval() {
        for _ in 0..1000 {
            let j = jitter();
            assert!((0.0..1.0).contains(&j), "{j}");
        }
    }
}
