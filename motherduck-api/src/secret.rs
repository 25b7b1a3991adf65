//! A string that must not end up in logs: access-token secrets and embed sessions.
//!
//! MotherDuck returns a created token's secret exactly once, and an embed session grants
//! access to a Dive. Both travel inside response structs that callers routinely print
//! with `{:?}` or hand to `tracing`. [`Secret`] keeps the value out of such output: its
//! `Debug` is redacted and it has no `Display`, so reading the value takes a deliberate
//! [`Secret::expose`] call that stands out in review.
//!
//! Known limits: this guards against accidents, not attackers. The value is serialized
//! as-is (the API and callers that store the secret need it), and its memory is not
//! wiped on drop.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A secret string whose `Debug` output is `Secret("[redacted]")`.
///
/// It serializes as a plain JSON string, so it can stand in for `String` in API types.
///
/// ```
/// use motherduck_api::Secret;
///
/// let secret = Secret::from("md_abc123");
/// assert_eq!(format!("{secret:?}"), r#"Secret("[redacted]")"#);
/// assert_eq!(secret.expose(), "md_abc123");
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Returns the secret value; keep what you do with it out of logs.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Secret").field(&"[redacted]").finish()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALUE: &str = "md_live_5f3c9e";

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Token {
        name: String,
        token: Secret,
    }

    #[test]
    fn debug_is_redacted() {
        let secret = Secret::from(VALUE);
        assert_eq!(format!("{secret:?}"), r#"Secret("[redacted]")"#);
        assert!(!format!("{secret:#?}").contains(VALUE));
    }

    #[test]
    fn debug_of_a_containing_struct_is_redacted() {
        let token = Token { name: "ci".into(), token: Secret::from(VALUE) };
        let compact = format!("{token:?}");
        let pretty = format!("{token:#?}");
        assert!(!compact.contains(VALUE), "{compact}");
        assert!(!pretty.contains(VALUE), "{pretty}");
        assert!(compact.contains(r#"token: Secret("[redacted]")"#), "{compact}");
    }

    #[test]
    fn expose_returns_the_value() {
        assert_eq!(Secret::from(VALUE.to_owned()).expose(), VALUE);
    }

    #[test]
    fn equality_compares_values() {
        assert_eq!(Secret::from(VALUE), Secret::from(VALUE.to_owned()));
        assert_ne!(Secret::from(VALUE), Secret::from("other"));
    }

    #[test]
    fn serializes_as_a_plain_string() {
        let json = serde_json::to_string(&Secret::from(VALUE)).unwrap();
        assert_eq!(json, format!("\"{VALUE}\""));
    }

    #[test]
    fn round_trips_inside_a_struct() {
        let json = format!(r#"{{"name":"ci","token":"{VALUE}"}}"#);
        let token: Token = serde_json::from_str(&json).unwrap();
        assert_eq!(token.token.expose(), VALUE);
        assert_eq!(serde_json::to_string(&token).unwrap(), json);
    }

    #[test]
    fn refuses_non_string_json() {
        assert!(serde_json::from_str::<Secret>("42").is_err());
    }
}
