//! The one error type of every call.
//!
//! An error says what failed in terms a caller can act on: a value it passed broke a rule
//! (and nothing was sent), the client is misconfigured, the network failed or timed out,
//! the API answered with an error, or the API's answer could not be read. Every error that
//! came from a response keeps its HTTP status, whatever the body was; MotherDuck's error
//! JSON (`code`, `message`, `issues`) is exposed when the body is that, for any status.
//!
//! No error holds the admin token, a created token's secret or an embed session: the
//! token travels only in a sensitive header, a success body is never quoted, and the text
//! of a decode failure has its quoted values removed.

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in a call. Match on [`Error::kind`] or use the helpers
/// ([`status`](Error::status), [`is_not_found`](Error::is_not_found),
/// [`is_retryable`](Error::is_retryable), [`is_rate_limited`](Error::is_rate_limited)).
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
}

/// What kind of failure an [`Error`] is.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A value broke a rule of the spec. Nothing was sent.
    InvalidInput {
        /// The field, as a path from the call's arguments (`config.read_scaling.flock_size`).
        field: String,
        /// The rule it broke (`must be at most 64, got 65`).
        rule: String,
    },
    /// The client could not be built: no token, a bad base URL. Nothing was sent.
    Config(String),
    /// The connection failed (refused, reset, TLS, DNS).
    Connection(reqwest::Error),
    /// The call, or one attempt of it, took longer than its timeout.
    Timeout(Option<Duration>),
    /// The API answered with a status that is not a success.
    Api(ApiError),
    /// A success response whose body is not what the spec says.
    Decode {
        /// The response's status.
        status: StatusCode,
        /// What did not match, without any value from the body.
        reason: String,
    },
    /// A response body larger than the client's limit for it; reading stopped there.
    BodyTooLarge {
        /// The response's status.
        status: StatusCode,
        /// The limit in bytes.
        limit: usize,
    },
}

/// An error answer from the API.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) code: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) issues: Vec<String>,
    pub(crate) excerpt: Option<String>,
    pub(crate) retry_after: Option<Duration>,
}

impl ApiError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// MotherDuck's error code (`NOT_FOUND`, `BAD_REQUEST`), when the body is its error JSON.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// MotherDuck's error message, when the body is its error JSON.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The messages of the issues a 400 lists.
    pub fn issues(&self) -> &[String] {
        &self.issues
    }

    /// The start of a body that is not MotherDuck's error JSON (an HTML page, plain text),
    /// at most 512 bytes.
    pub fn body_excerpt(&self) -> Option<&str> {
        self.excerpt.as_deref()
    }

    /// How long the server asked to wait (`Retry-After` or `retry-after-ms`).
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
}

impl Error {
    pub(crate) fn new(kind: ErrorKind) -> Self {
        Error { kind }
    }

    pub(crate) fn invalid(field: impl fmt::Display, rule: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidInput { field: field.to_string(), rule: rule.into() })
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Config(message.into()))
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The HTTP status, for every error that came from a response.
    pub fn status(&self) -> Option<StatusCode> {
        match &self.kind {
            ErrorKind::Api(e) => Some(e.status),
            ErrorKind::Decode { status, .. } | ErrorKind::BodyTooLarge { status, .. } => {
                Some(*status)
            }
            ErrorKind::Connection(e) => e.status(),
            _ => None,
        }
    }

    /// The API's error answer, if this is one.
    pub fn api(&self) -> Option<&ApiError> {
        match &self.kind {
            ErrorKind::Api(e) => Some(e),
            _ => None,
        }
    }

    /// True when the API said the entity does not exist: a JSON `NOT_FOUND` error. A
    /// plain-text 404 (a path with no route, a wrong base URL) is not "not found".
    pub fn is_not_found(&self) -> bool {
        self.api().is_some_and(|e| {
            e.status == StatusCode::NOT_FOUND && e.code.as_deref() == Some("NOT_FOUND")
        })
    }

    /// True when the server asked the client to slow down (429).
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// True when trying the same call again later may succeed: a connection failure, a
    /// timeout, or a 408, 429, 502, 503 or 504.
    pub fn is_retryable(&self) -> bool {
        match &self.kind {
            ErrorKind::Connection(_) | ErrorKind::Timeout(_) => true,
            ErrorKind::Api(e) => matches!(e.status.as_u16(), 408 | 429 | 502 | 503 | 504),
            _ => false,
        }
    }

    /// True when the error was found before anything was sent (invalid input or
    /// configuration).
    pub fn is_invalid_input(&self) -> bool {
        matches!(self.kind, ErrorKind::InvalidInput { .. } | ErrorKind::Config(_))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::InvalidInput { field, rule } => write!(f, "invalid `{field}`: {rule}"),
            ErrorKind::Config(m) => write!(f, "invalid client configuration: {m}"),
            ErrorKind::Connection(_) => f.write_str("the connection to the MotherDuck API failed"),
            ErrorKind::Timeout(Some(d)) => write!(f, "request timed out after {d:?}"),
            ErrorKind::Timeout(None) => f.write_str("request timed out"),
            ErrorKind::Api(e) => fmt::Display::fmt(e, f),
            ErrorKind::Decode { status, reason } => {
                write!(f, "failed to decode the {status} response: {reason}")
            }
            ErrorKind::BodyTooLarge { status, limit } => {
                write!(f, "the {status} response body is larger than the limit of {limit} bytes")
            }
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the API answered {}", self.status)?;
        if let Some(code) = &self.code {
            write!(f, " {code}")?;
        }
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        for issue in &self.issues {
            write!(f, "; {issue}")?;
        }
        if let Some(excerpt) = &self.excerpt {
            write!(f, ": {excerpt:?}")?;
        }
        if let Some(wait) = self.retry_after {
            write!(f, " (retry after {wait:?})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Connection(e) => Some(e),
            _ => None,
        }
    }
}

/// A decode failure's text with every quoted value removed, so that no part of a body
/// (which may hold a secret) reaches a message.
pub(crate) fn redact_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut quoted = false;
    let mut escaped = false;
    for c in text.chars() {
        if quoted {
            // Inside a quoted value everything is dropped; `\"` does not end it.
            match (c, escaped) {
                (_, true) => escaped = false,
                ('\\', false) => escaped = true,
                ('"', false) => {
                    quoted = false;
                    out.push('"');
                }
                _ => {}
            }
        } else if c == '"' {
            quoted = true;
            out.push_str("\"…");
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, code: Option<&str>) -> Error {
        Error::new(ErrorKind::Api(ApiError {
            status: StatusCode::from_u16(status).unwrap(),
            code: code.map(String::from),
            message: Some("user not found".into()),
            issues: vec![],
            excerpt: None,
            retry_after: None,
        }))
    }

    #[test]
    fn only_a_json_not_found_is_not_found() {
        assert!(api(404, Some("NOT_FOUND")).is_not_found());
        assert!(!api(404, None).is_not_found());
        assert!(!api(400, Some("NOT_FOUND")).is_not_found());
    }

    #[test]
    fn classifies_retryable_and_rate_limited_statuses() {
        for s in [408, 429, 502, 503, 504] {
            assert!(api(s, None).is_retryable(), "{s}");
        }
        for s in [400, 401, 403, 404, 500] {
            assert!(!api(s, None).is_retryable(), "{s}");
        }
        assert!(api(429, None).is_rate_limited());
        assert_eq!(api(503, None).status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    }

    #[test]
    fn messages_are_lowercase_and_name_the_field() {
        let e = Error::invalid("ttl", "must be at least 300, got 10");
        assert_eq!(e.to_string(), "invalid `ttl`: must be at least 300, got 10");
        assert!(e.is_invalid_input());
        assert_eq!(
            api(404, Some("NOT_FOUND")).to_string(),
            "the API answered 404 Not Found NOT_FOUND: user not found"
        );
    }

    #[test]
    fn redaction_removes_every_quoted_value() {
        assert_eq!(
            redact_quoted(r#"invalid type: string "md_secret", expected u64"#),
            r#"invalid type: string "…", expected u64"#
        );
    }
}
