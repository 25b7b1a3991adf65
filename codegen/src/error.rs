//! The one error type of the generator: every variant names where in the spec it failed.

use std::fmt;

/// A failure to turn a spec into SDK source. Each message names the JSON pointer or the
/// operationId at fault and, where there is one, what to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The bytes are not JSON.
    Json {
        /// What the parser said, with line and column.
        message: String,
    },
    /// The document is JSON but not an OpenAPI 3.0 document this generator accepts.
    Invalid {
        /// A JSON pointer into the spec (`/paths/~1v1~1users/post`).
        pointer: String,
        /// What is wrong there and what to do.
        message: String,
    },
    /// progenitor or typify refused the normalized spec (or panicked on it).
    Generator {
        /// The operationId or schema progenitor named, where it named one.
        context: String,
        /// The generator's own message.
        message: String,
    },
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn invalid(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid { pointer: pointer.into(), message: message.into() }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Json { message } => write!(f, "spec is not valid JSON: {message}"),
            Error::Invalid { pointer, message } => {
                write!(f, "invalid spec at {pointer}: {message}")
            }
            Error::Generator { context, message } => {
                write!(f, "progenitor failed on {context}: {message}")
            }
        }
    }
}

impl std::error::Error for Error {}

/// Escapes one JSON pointer token (RFC 6901).
pub(crate) fn pointer_token(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}
