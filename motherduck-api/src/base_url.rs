//! Checks a user-supplied base URL before any request, and hence any token, is sent to it.
//!
//! The base URL usually comes from configuration (`MOTHERDUCK_API_BASE_URL`, a test
//! harness pointing at a local mock). Every request carries an admin bearer token, so a
//! URL that is plain http to a remote host, or that smuggles credentials, a query or a
//! fragment into every request, is refused rather than silently used. The URL parser
//! itself strips surrounding whitespace without complaint; a pasted value with a stray
//! newline is refused here instead, so the mistake shows where it was made.
//!
//! # Joining paths
//!
//! A path stem (`https://gateway.example/motherduck`) is allowed, and trailing slashes
//! are removed from it. Operation paths start with `/` and are *appended* to the base:
//! use [`prefix`] and concatenate (`format!("{}{path}", prefix(&url))`). Do not use
//! [`Url::join`], which resolves `/v1/users` against the host and drops the stem. The
//! URL standard gives every http(s) URL a path of at least `/`, so a base without a stem
//! still serializes as `https://api.motherduck.com/`; [`prefix`] drops that slash too.

use std::fmt;
use std::net::IpAddr;

use reqwest::Url;

/// Why a base URL was refused. Messages never repeat the URL, which may hold credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum BaseUrlError {
    /// The input starts or ends with whitespace.
    SurroundingWhitespace,
    /// The input does not parse as an absolute URL.
    NotAbsolute,
    /// The scheme is neither http nor https.
    UnsupportedScheme {
        /// The scheme found, lowercased by the parser.
        scheme: String,
    },
    /// Plain http to a host that is not loopback.
    InsecureHttp,
    /// A username or password is present.
    Credentials,
    /// A query (even an empty `?`) is present.
    Query,
    /// A fragment (even an empty `#`) is present.
    Fragment,
}

impl fmt::Display for BaseUrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rule = match self {
            BaseUrlError::SurroundingWhitespace => "must not start or end with whitespace",
            BaseUrlError::NotAbsolute => "must be an absolute http or https URL",
            BaseUrlError::UnsupportedScheme { scheme } => {
                return write!(f, "base URL scheme must be http or https, not `{scheme}`");
            }
            BaseUrlError::InsecureHttp => {
                "must use https unless its host is loopback (127.0.0.0/8, ::1 or localhost)"
            }
            BaseUrlError::Credentials => "must not contain a username or password",
            BaseUrlError::Query => "must not contain a query",
            BaseUrlError::Fragment => "must not contain a fragment",
        };
        write!(f, "base URL {rule}")
    }
}

impl std::error::Error for BaseUrlError {}

/// Parses and checks a base URL, returning it with trailing slashes removed from its path.
pub(crate) fn parse(input: &str) -> Result<Url, BaseUrlError> {
    if input.trim() != input {
        return Err(BaseUrlError::SurroundingWhitespace);
    }
    let mut url = Url::parse(input).map_err(|_| BaseUrlError::NotAbsolute)?;
    check(&url)?;

    let stem = url.path().trim_end_matches('/').to_owned();
    url.set_path(&stem);
    Ok(url)
}

/// The base URL as a string to which paths starting with `/` are appended.
pub(crate) fn prefix(url: &Url) -> &str {
    url.as_str().trim_end_matches('/')
}

/// Applies every rule but whitespace to a parsed URL.
fn check(url: &Url) -> Result<(), BaseUrlError> {
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(url) => {}
        "http" => return Err(BaseUrlError::InsecureHttp),
        scheme => return Err(BaseUrlError::UnsupportedScheme { scheme: scheme.to_owned() }),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(BaseUrlError::Credentials);
    }
    if url.query().is_some() {
        return Err(BaseUrlError::Query);
    }
    if url.fragment().is_some() {
        return Err(BaseUrlError::Fragment);
    }
    Ok(())
}

/// Whether the host is `localhost` or a loopback address (the parser has already
/// normalized forms such as `127.1` and lowercased domains).
fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let bare = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    host == "localhost" || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepted(input: &str) -> String {
        let url = parse(input).unwrap_or_else(|e| panic!("{input:?} refused: {e}"));
        prefix(&url).to_owned()
    }

    fn refused(input: &str) -> BaseUrlError {
        parse(input).expect_err(input)
    }

    #[test]
    fn accepts_the_production_url_with_or_without_slash() {
        assert_eq!(accepted("https://api.motherduck.com/"), "https://api.motherduck.com");
        assert_eq!(accepted("https://api.motherduck.com"), "https://api.motherduck.com");
    }

    #[test]
    fn accepts_plain_http_to_loopback_hosts() {
        assert_eq!(accepted("http://127.0.0.1:4010"), "http://127.0.0.1:4010");
        assert_eq!(accepted("http://127.8.9.10"), "http://127.8.9.10");
        assert_eq!(accepted("http://[::1]:8080/"), "http://[::1]:8080");
        assert_eq!(accepted("http://localhost:1"), "http://localhost:1");
        assert_eq!(accepted("http://LOCALHOST:1"), "http://localhost:1");
    }

    #[test]
    fn refuses_plain_http_to_other_hosts() {
        for input in
            ["http://example.com", "http://10.0.0.1", "http://[::2]", "http://localhost.evil"]
        {
            assert_eq!(refused(input), BaseUrlError::InsecureHttp, "{input}");
        }
    }

    #[test]
    fn refuses_surrounding_whitespace() {
        for input in [" https://x", "https://x ", "https://x\n", "\thttps://x"] {
            assert_eq!(refused(input), BaseUrlError::SurroundingWhitespace, "{input:?}");
        }
    }

    #[test]
    fn refuses_relative_and_unparsable_urls() {
        for input in ["api.motherduck.com", "/v1/users", "", "https://", "http://[::1"] {
            assert_eq!(refused(input), BaseUrlError::NotAbsolute, "{input:?}");
        }
    }

    #[test]
    fn refuses_other_schemes() {
        assert_eq!(refused("ftp://x"), BaseUrlError::UnsupportedScheme { scheme: "ftp".into() });
        assert_eq!(
            refused("localhost:8080"),
            BaseUrlError::UnsupportedScheme { scheme: "localhost".into() }
        );
    }

    #[test]
    fn refuses_credentials() {
        for input in ["https://u:p@x", "https://u@x", "https://:p@x", "http://u:p@127.0.0.1"] {
            assert_eq!(refused(input), BaseUrlError::Credentials, "{input}");
        }
    }

    #[test]
    fn refuses_queries_even_empty_ones() {
        assert_eq!(refused("https://x?a=1"), BaseUrlError::Query);
        assert_eq!(refused("https://x/?"), BaseUrlError::Query);
    }

    #[test]
    fn refuses_fragments_even_empty_ones() {
        assert_eq!(refused("https://x#f"), BaseUrlError::Fragment);
        assert_eq!(refused("https://x/#"), BaseUrlError::Fragment);
    }

    #[test]
    fn keeps_a_path_stem_without_trailing_slashes() {
        let url = parse("https://gateway.example/motherduck//").unwrap();
        assert_eq!(url.path(), "/motherduck");
        assert_eq!(prefix(&url), "https://gateway.example/motherduck");
        assert_eq!(
            format!("{}/v1/users", prefix(&url)),
            "https://gateway.example/motherduck/v1/users"
        );
    }

    #[test]
    fn root_path_joins_without_double_slash() {
        let url = parse("https://api.motherduck.com/").unwrap();
        assert_eq!(format!("{}/v1/users", prefix(&url)), "https://api.motherduck.com/v1/users");
    }

    #[test]
    fn messages_never_repeat_the_url() {
        let error = refused("https://alice:hunter2@x");
        assert!(!error.to_string().contains("hunter2"));
        assert_eq!(error.to_string(), "base URL must not contain a username or password");
    }

    #[test]
    fn messages_name_the_rule() {
        assert_eq!(
            refused("api.motherduck.com").to_string(),
            "base URL must be an absolute http or https URL"
        );
        assert_eq!(
            refused("ftp://x").to_string(),
            "base URL scheme must be http or https, not `ftp`"
        );
        assert!(refused("http://example.com").to_string().starts_with("base URL must use https"));
    }

    #[test]
    fn messages_are_lowercase_without_trailing_period() {
        for input in [" x", "x", "ftp://x", "http://x", "https://u@x", "https://x?", "https://x#"] {
            let message = refused(input).to_string();
            assert!(message.starts_with("base URL "), "{message}");
            assert!(!message.ends_with('.'), "{message}");
        }
    }
}
