//! A recording HTTP proxy on loopback, for tests that must see both what a client sent and
//! what Prism said about it.
//!
//! The SDK does not expose response headers, and Prism reports what was wrong with a
//! request only in the `sl-violations` response header (see [`crate::prism`]). A
//! [`Recorder`] stands between the two: the client's base URL points at the recorder, which
//! forwards each request unchanged to the upstream server and keeps an [`Exchange`] for it
//! (method, request target, body, status, and the violations Prism listed). It also counts
//! connections, so a test can prove that a call sent nothing at all.
//!
//! # How it relays
//!
//! - One exchange per connection. Only the hop-by-hop headers are rewritten: the request
//!   and the answer both go on with `Connection: close`, so neither side waits for a second
//!   request on the same socket. Method, target, every other header and the body pass
//!   through byte for byte.
//! - An exchange is recorded before its answer is handed back, so once a call has returned
//!   its exchange is visible.
//! - A request body needs a `Content-Length` (the SDK always sends one). A chunked request
//!   gets a 501 and anything else that goes wrong a 502; both are kept in
//!   [`Recorder::failures`], so a test that checks them cannot miss a broken relay.
//!
//! Plain threads and blocking sockets: it serves sync tests (that run child processes)
//! and async tests on any runtime alike. Dropping the recorder stops accepting; a
//! connection already accepted finishes on its own thread.

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use serde_json::Value;

use crate::prism::VIOLATIONS_HEADER;

/// How long one read or write on either socket may block.
const IO_TIMEOUT: Duration = Duration::from_secs(15);

/// Largest request or response head accepted.
const MAX_HEAD: usize = 64 * 1024;

/// Headers that describe one hop, not the message; replaced by `Connection: close`.
const HOP_BY_HOP: [&str; 4] = ["connection", "keep-alive", "proxy-connection", "upgrade"];

/// A running recording proxy in front of one upstream server.
#[derive(Debug)]
pub struct Recorder {
    base_url: String,
    addr: SocketAddr,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

#[derive(Debug, Default)]
struct Shared {
    stopping: AtomicBool,
    connections: AtomicUsize,
    exchanges: Mutex<Vec<Exchange>>,
    failures: Mutex<Vec<String>>,
}

/// One request the recorder relayed and the answer it got.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The request method, e.g. `POST`.
    pub method: String,
    /// The request target as sent: path and query, percent-encoding intact.
    pub target: String,
    /// The request headers as sent, names in the client's spelling.
    pub request_headers: Vec<(String, String)>,
    /// The request body.
    pub request_body: Vec<u8>,
    /// The status the upstream server answered.
    pub status: u16,
    /// What Prism listed in `sl-violations`, in its order; empty without the header.
    pub violations: Vec<Violation>,
}

/// One entry of Prism's `sl-violations` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Where the fault is: `["request", "body", "name"]`, `["response", ...]`.
    pub location: Vec<String>,
    /// `Error` or `Warning`.
    pub severity: String,
    /// The failed rule (`minLength`, `format`) or a status (`415`), as text.
    pub code: String,
    /// Prism's sentence about it.
    pub message: String,
}

impl Recorder {
    /// Starts a recorder on a free loopback port that relays to `upstream`, an `http://`
    /// base URL such as [`Prism::base_url`](crate::prism::Prism::base_url).
    pub fn start(upstream: &str) -> io::Result<Recorder> {
        let upstream = upstream_addr(upstream)?;
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::default());
        let acceptor = {
            let shared = Arc::clone(&shared);
            thread::spawn(move || accept(listener, upstream, shared))
        };
        Ok(Recorder { base_url: format!("http://{addr}"), addr, shared, acceptor: Some(acceptor) })
    }

    /// The recorder's address without a trailing slash, e.g. `http://127.0.0.1:41234`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// How many connections clients have opened to the recorder.
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// Every exchange relayed so far, oldest first.
    pub fn exchanges(&self) -> Vec<Exchange> {
        lock(&self.shared.exchanges).clone()
    }

    /// What went wrong while relaying (a chunked request, an unreachable upstream), one
    /// line each; empty when every connection was relayed.
    pub fn failures(&self) -> Vec<String> {
        lock(&self.shared.failures).clone()
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        // Wakes the blocking `accept`, which then sees `stopping`.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

/// `value` with every number as an `f64`, so that a comparison reads `3600` and `3600.0`
/// alike: JSON does not tell them apart, and neither does the spec's `number` type.
pub fn by_value(value: Value) -> Value {
    match value {
        Value::Number(n) => n.as_f64().map_or(Value::Number(n), Value::from),
        Value::Array(items) => Value::Array(items.into_iter().map(by_value).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, by_value(v))).collect())
        }
        other => other,
    }
}

impl Exchange {
    /// `METHOD target`, e.g. `GET /v1/users/alice/tokens`.
    pub fn route(&self) -> String {
        format!("{} {}", self.method, self.target)
    }

    /// The request body as JSON, or `None` when it is empty or not JSON.
    pub fn request_json(&self) -> Option<Value> {
        serde_json::from_slice(&self.request_body).ok()
    }

    /// The value of a request header, by case-insensitive name.
    pub fn request_header(&self, name: &str) -> Option<&str> {
        header(&self.request_headers, name)
    }

    /// The violations whose location starts with `request`.
    pub fn request_violations(&self) -> Vec<&Violation> {
        self.violations
            .iter()
            .filter(|v| v.location.first().is_some_and(|l| l == "request"))
            .collect()
    }
}

fn upstream_addr(base_url: &str) -> io::Result<SocketAddr> {
    let invalid =
        |why: &str| io::Error::new(io::ErrorKind::InvalidInput, format!("{base_url}: {why}"));
    let url = reqwest::Url::parse(base_url).map_err(|e| invalid(&e.to_string()))?;
    if url.scheme() != "http" {
        return Err(invalid("the recorder relays plain http only"));
    }
    let host = url.host_str().ok_or_else(|| invalid("no host"))?;
    let port = url.port_or_known_default().ok_or_else(|| invalid("no port"))?;
    (host, port).to_socket_addrs()?.next().ok_or_else(|| invalid("host has no address"))
}

fn accept(listener: TcpListener, upstream: SocketAddr, shared: Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else { continue };
        shared.connections.fetch_add(1, Ordering::SeqCst);
        let shared = Arc::clone(&shared);
        thread::spawn(move || serve(stream, upstream, &shared));
    }
}

/// Relays the one exchange of a connection; a failure is recorded and answered with a
/// 5xx, so the client sees an error instead of a hang.
fn serve(mut client: TcpStream, upstream: SocketAddr, shared: &Shared) {
    if let Err(failure) = relay(&mut client, upstream, shared) {
        lock(&shared.failures).push(failure.message);
        let answer = format!(
            "HTTP/1.1 {}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
            failure.status_line
        );
        let _ = client.write_all(answer.as_bytes());
    }
    let _ = client.shutdown(Shutdown::Both);
}

#[derive(Debug)]
struct Failure {
    status_line: &'static str,
    message: String,
}

impl Failure {
    fn bad_gateway(what: &str, err: impl std::fmt::Display) -> Failure {
        Failure { status_line: "502 Bad Gateway", message: format!("failed to {what}: {err}") }
    }
}

fn relay(client: &mut TcpStream, upstream: SocketAddr, shared: &Shared) -> Result<(), Failure> {
    client
        .set_read_timeout(Some(IO_TIMEOUT))
        .map_err(|e| Failure::bad_gateway("set a timeout", e))?;

    // Read the whole request: head, then exactly `Content-Length` bytes of body.
    let (head, mut body) =
        read_head(client).map_err(|e| Failure::bad_gateway("read the request", e))?;
    let request = Head::parse(&head).map_err(|e| Failure::bad_gateway("parse the request", e))?;
    if request.header("transfer-encoding").is_some() {
        return Err(Failure {
            status_line: "501 Not Implemented",
            message: format!("{}: a chunked request body is not relayed", request.start_line),
        });
    }
    let length =
        request.content_length().map_err(|e| Failure::bad_gateway("parse the request", e))?;
    read_body(client, &mut body, length)
        .map_err(|e| Failure::bad_gateway("read the request body", e))?;

    // Send it on and read the whole answer.
    let mut server = TcpStream::connect_timeout(&upstream, IO_TIMEOUT)
        .map_err(|e| Failure::bad_gateway(&format!("connect to {upstream}"), e))?;
    server
        .set_read_timeout(Some(IO_TIMEOUT))
        .map_err(|e| Failure::bad_gateway("set a timeout", e))?;
    server
        .write_all(&request.closing())
        .map_err(|e| Failure::bad_gateway("send the request", e))?;
    server.write_all(&body).map_err(|e| Failure::bad_gateway("send the request body", e))?;
    let (head, mut answer_body) =
        read_head(&mut server).map_err(|e| Failure::bad_gateway("read the answer", e))?;
    let answer = Head::parse(&head).map_err(|e| Failure::bad_gateway("parse the answer", e))?;
    match answer.content_length() {
        Ok(length) if answer.header("content-length").is_some() => {
            read_body(&mut server, &mut answer_body, length)
        }
        _ => server.read_to_end(&mut answer_body).map(drop),
    }
    .map_err(|e| Failure::bad_gateway("read the answer body", e))?;

    // Record first, then answer: the client's call returns only after the record exists.
    let exchange = Exchange {
        method: request.method().to_owned(),
        target: request.target().to_owned(),
        request_headers: request.headers.clone(),
        request_body: body,
        status: answer.status().map_err(|e| Failure::bad_gateway("parse the answer", e))?,
        violations: answer.header(VIOLATIONS_HEADER).map(parse_violations).unwrap_or_default(),
    };
    lock(&shared.exchanges).push(exchange);
    client.write_all(&answer.closing()).map_err(|e| Failure::bad_gateway("answer", e))?;
    client.write_all(&answer_body).map_err(|e| Failure::bad_gateway("answer", e))?;
    client.flush().map_err(|e| Failure::bad_gateway("answer", e))
}

/// Reads up to the blank line that ends a head; returns the head and what was read past it.
fn read_head(stream: &mut TcpStream) -> io::Result<(Vec<u8>, Vec<u8>)> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let rest = buffer.split_off(end + 4);
            return Ok((buffer, rest));
        }
        if buffer.len() > MAX_HEAD {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "head larger than 64 KiB"));
        }
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "closed before the head ended",
            ));
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
}

/// Reads until `body` holds `length` bytes.
fn read_body(stream: &mut TcpStream, body: &mut Vec<u8>, length: usize) -> io::Result<()> {
    if body.len() > length {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "more bytes than Content-Length"));
    }
    let start = body.len();
    body.resize(length, 0);
    stream.read_exact(&mut body[start..])
}

/// A parsed request or response head.
#[derive(Debug)]
struct Head {
    start_line: String,
    headers: Vec<(String, String)>,
}

impl Head {
    fn parse(bytes: &[u8]) -> io::Result<Head> {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "head is not UTF-8"))?;
        let mut lines = text.trim_end_matches("\r\n").split("\r\n");
        let start_line = lines.next().unwrap_or_default().to_owned();
        let mut headers = Vec::new();
        for line in lines {
            let (name, value) = line.split_once(':').ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("malformed header line {line:?}"),
                )
            })?;
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
        Ok(Head { start_line, headers })
    }

    fn method(&self) -> &str {
        self.start_line.split(' ').next().unwrap_or_default()
    }

    fn target(&self) -> &str {
        self.start_line.split(' ').nth(1).unwrap_or_default()
    }

    fn status(&self) -> io::Result<u16> {
        self.start_line.split(' ').nth(1).and_then(|s| s.parse().ok()).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("bad status line {:?}", self.start_line),
            )
        })
    }

    fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    fn content_length(&self) -> io::Result<usize> {
        match self.header("content-length") {
            None => Ok(0),
            Some(value) => value.parse().map_err(|_| {
                io::Error::new(io::ErrorKind::InvalidData, format!("bad Content-Length {value:?}"))
            }),
        }
    }

    /// The head as bytes, with the hop-by-hop headers replaced by `Connection: close`.
    fn closing(&self) -> Vec<u8> {
        let mut out = format!("{}\r\n", self.start_line);
        for (name, value) in &self.headers {
            if !HOP_BY_HOP.iter().any(|h| name.eq_ignore_ascii_case(h)) {
                out.push_str(&format!("{name}: {value}\r\n"));
            }
        }
        out.push_str("Connection: close\r\n\r\n");
        out.into_bytes()
    }
}

fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

/// Prism's violations header as a list; text that is not its JSON array becomes a single
/// violation that says so, so that it can never pass as "no violations".
fn parse_violations(header: &str) -> Vec<Violation> {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match serde_json::from_str::<Vec<Value>>(header) {
        Ok(entries) => entries
            .iter()
            .map(|entry| Violation {
                location: entry["location"]
                    .as_array()
                    .map(|parts| parts.iter().map(text).collect())
                    .unwrap_or_default(),
                severity: text(&entry["severity"]),
                code: text(&entry["code"]),
                message: text(&entry["message"]),
            })
            .collect(),
        Err(err) => vec![Violation {
            location: vec!["unparsed".to_owned()],
            severity: "Error".to_owned(),
            code: "unparsed".to_owned(),
            message: format!("{VIOLATIONS_HEADER} is not a JSON array ({err}): {header}"),
        }],
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_prism_violations() {
        let header = r#"[{"location":["request","body","name"],"severity":"Error","code":"minLength","message":"m"},{"location":["request"],"severity":"Error","code":415,"message":"n"}]"#;
        let violations = parse_violations(header);
        assert_eq!(violations.len(), 2);
        assert_eq!(violations[0].location, ["request", "body", "name"]);
        assert_eq!(violations[0].code, "minLength");
        assert_eq!(violations[1].code, "415");
    }

    #[test]
    fn unparsable_violations_still_count_as_one() {
        let violations = parse_violations("not json");
        assert_eq!(violations.len(), 1);
        assert!(violations[0].message.contains("not json"), "{violations:?}");
    }

    #[test]
    fn closing_head_replaces_hop_by_hop_headers() {
        let head = Head::parse(
            b"GET /x HTTP/1.1\r\nHost: h\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\n",
        )
        .expect("head parses");
        let closing = String::from_utf8(head.closing()).expect("head is text");
        assert_eq!(closing, "GET /x HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
    }
}
