//! Reads a response body into memory without letting the server choose how much memory.
//!
//! `reqwest::Response::bytes` buffers whatever arrives. A misbehaving proxy or a wrong
//! base URL can answer with an endless or huge body; [`read_capped`] refuses one whose
//! `Content-Length` is over the limit before reading any of it, and otherwise stops as
//! soon as the bytes received pass the limit, so memory stays within about the limit
//! plus one chunk. The limits are generous for this API, whose largest answers are lists
//! of a few thousand small records.

use std::fmt;
use std::pin::Pin;

use bytes::{Bytes, BytesMut};
use futures_core::Stream;

/// Most bytes read from an error (non-2xx) response: 1 MiB.
///
/// Error bodies are small JSON objects (`code`, `message`, `issues`); anything larger is
/// not the API speaking, and only a prefix is useful in a message anyway.
pub(crate) const DEFAULT_ERROR_BODY_LIMIT: usize = 1 << 20;

/// Most bytes read from a successful response: 16 MiB, far above any list this API
/// returns today (its list endpoints do not paginate, so the headroom is deliberate).
pub(crate) const DEFAULT_SUCCESS_BODY_LIMIT: usize = 16 << 20;

/// Why a body could not be read.
#[derive(Debug)]
pub(crate) enum BodyError {
    /// The body is, or announced that it is, longer than `limit` bytes.
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The connection failed while the body was read.
    Read(reqwest::Error),
}

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BodyError::TooLarge { limit } => {
                write!(f, "response body is larger than the limit of {limit} bytes")
            }
            BodyError::Read(_) => f.write_str("failed to read response body"),
        }
    }
}

impl std::error::Error for BodyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BodyError::TooLarge { .. } => None,
            BodyError::Read(error) => Some(error),
        }
    }
}

/// Reads the whole body of `response`, failing once it would exceed `limit` bytes.
pub(crate) async fn read_capped(
    response: reqwest::Response,
    limit: usize,
) -> Result<Bytes, BodyError> {
    let announced = response.content_length();
    collect(Source::Response(response), announced, limit).await
}

/// Reads a body stream (progenitor's `ByteStream`) the same way as [`read_capped`].
pub(crate) async fn read_stream_capped(
    stream: progenitor_client::ByteStream,
    announced: Option<u64>,
    limit: usize,
) -> Result<Bytes, BodyError> {
    collect(Source::Stream(stream.into_inner()), announced, limit).await
}

/// Where chunks come from.
enum Source {
    Response(reqwest::Response),
    Stream(Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send + Sync>>),
}

impl Source {
    async fn next(&mut self) -> reqwest::Result<Option<Bytes>> {
        match self {
            Source::Response(r) => r.chunk().await,
            Source::Stream(s) => {
                std::future::poll_fn(|cx| s.as_mut().poll_next(cx)).await.transpose()
            }
        }
    }
}

/// Gathers chunks until the end, keeping the total within `limit`.
async fn collect(
    mut source: Source,
    announced: Option<u64>,
    limit: usize,
) -> Result<Bytes, BodyError> {
    if announced.is_some_and(|length| length > limit as u64) {
        return Err(BodyError::TooLarge { limit });
    }

    // The announced length is at most `limit` here, so preallocating it is bounded.
    let mut body = BytesMut::with_capacity(announced.map_or(0, |length| length as usize));
    while let Some(chunk) = source.next().await.map_err(BodyError::Read)? {
        if body.len().saturating_add(chunk.len()) > limit {
            return Err(BodyError::TooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};

    use super::*;

    /// Serves `raw` (status line, headers and body, verbatim) to one request on a
    /// loopback port, then closes the connection, and returns the response.
    async fn fetch(raw: &'static [u8]) -> reqwest::Response {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            read_request_head(&mut stream).await;
            // The client may hang up early once it has refused the body.
            let _ = stream.write_all(raw).await;
            let _ = stream.shutdown().await;
        });
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        client.get(url).send().await.unwrap()
    }

    async fn read_request_head(stream: &mut TcpStream) {
        let mut head = Vec::new();
        let mut buffer = [0; 1024];
        while !head.windows(4).any(|window| window == b"\r\n\r\n") {
            let read = stream.read(&mut buffer).await.unwrap();
            assert_ne!(read, 0, "client closed before finishing its request");
            head.extend_from_slice(&buffer[..read]);
        }
    }

    fn assert_too_large(result: Result<Bytes, BodyError>, expected: usize) {
        match result {
            Err(BodyError::TooLarge { limit }) => assert_eq!(limit, expected),
            other => panic!("expected TooLarge, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn returns_a_body_under_the_limit_whole() {
        let response = fetch(b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello").await;
        assert_eq!(read_capped(response, 16).await.unwrap(), "hello");
    }

    #[tokio::test]
    async fn returns_a_body_exactly_at_the_limit() {
        let response = fetch(b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello").await;
        assert_eq!(read_capped(response, 5).await.unwrap(), "hello");
    }

    #[tokio::test]
    async fn returns_an_empty_body() {
        let response = fetch(b"HTTP/1.1 204 No Content\r\n\r\n").await;
        assert!(read_capped(response, 0).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn refuses_an_announced_length_over_the_limit_before_reading() {
        // The body is cut short: reading any of it would end in a read error instead.
        let response = fetch(b"HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\nshort").await;
        assert_too_large(read_capped(response, 999).await, 999);
    }

    #[tokio::test]
    async fn returns_a_chunked_body_under_the_limit_whole() {
        let raw = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n\
            4\r\nabcd\r\n4\r\nefgh\r\n0\r\n\r\n";
        assert_eq!(read_capped(fetch(raw).await, 8).await.unwrap(), "abcdefgh");
    }

    #[tokio::test]
    async fn refuses_a_chunked_body_over_the_limit() {
        let raw = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n\
            4\r\nabcd\r\n4\r\nefgh\r\n4\r\nijkl\r\n0\r\n\r\n";
        assert_too_large(read_capped(fetch(raw).await, 10).await, 10);
    }

    #[tokio::test]
    async fn stops_reading_as_soon_as_the_limit_is_passed() {
        // No terminating chunk: a reader that went on to the end would hit a read error.
        let raw = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n\
            4\r\nabcd\r\n4\r\nefgh\r\n";
        assert_too_large(read_capped(fetch(raw).await, 6).await, 6);
    }

    #[tokio::test]
    async fn reports_a_truncated_body_as_a_read_error() {
        let response = fetch(b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nshort").await;
        let error = read_capped(response, 100).await.unwrap_err();
        assert!(matches!(error, BodyError::Read(_)), "{error:?}");
        assert_eq!(error.to_string(), "failed to read response body");
        assert!(std::error::Error::source(&error).is_some());
    }

    #[test]
    fn default_limits_are_one_and_sixteen_mebibytes() {
        assert_eq!(DEFAULT_ERROR_BODY_LIMIT, 1024 * 1024);
        assert_eq!(DEFAULT_SUCCESS_BODY_LIMIT, 16 * 1024 * 1024);
    }

    #[test]
    fn too_large_message_names_the_limit() {
        let error = BodyError::TooLarge { limit: 42 };
        assert_eq!(error.to_string(), "response body is larger than the limit of 42 bytes");
    }
}
