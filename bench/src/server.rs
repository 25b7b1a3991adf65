//! A tiny HTTP/1.1 keep-alive server on 127.0.0.1 that answers one route with fixed JSON.
//!
//! It runs on its own thread and runtime, so the client under test has the other core to
//! itself. It counts connections, which shows whether a client reuses them, and answers
//! anything but the expected `GET` with a 404 that the benchmark treats as a failure.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::JoinHandle;

use anyhow::Context;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

const NOT_FOUND: &[u8] = b"HTTP/1.1 404 Not Found\r\ncontent-length: 9\r\n\r\nNot Found";

/// What the server has seen.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    connections: AtomicUsize,
    requests: AtomicUsize,
    unexpected: AtomicUsize,
}

impl Stats {
    /// Connections accepted so far.
    pub(crate) fn connections(&self) -> usize {
        self.connections.load(Ordering::Relaxed)
    }

    /// Requests answered with the fixed body.
    pub(crate) fn requests(&self) -> usize {
        self.requests.load(Ordering::Relaxed)
    }

    /// Requests for anything but the route.
    pub(crate) fn unexpected(&self) -> usize {
        self.unexpected.load(Ordering::Relaxed)
    }
}

/// A running server; dropping it stops it.
#[derive(Debug)]
pub(crate) struct Server {
    addr: SocketAddr,
    stats: Arc<Stats>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Starts a server that answers `GET {path}` with `body` as JSON.
    pub(crate) fn start(path: &str, body: &[u8]) -> anyhow::Result<Server> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").context("failed to bind")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let stats = Arc::new(Stats::default());
        let route = Arc::new(Route::new(path, body));
        let (stop, stopped) = oneshot::channel();
        let thread_stats = Arc::clone(&stats);
        let thread = std::thread::spawn(move || serve(listener, route, thread_stats, stopped));
        Ok(Server { addr, stats, stop: Some(stop), thread: Some(thread) })
    }

    /// `http://127.0.0.1:<port>`.
    pub(crate) fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub(crate) fn stats(&self) -> &Stats {
        &self.stats
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[derive(Debug)]
struct Route {
    path: Vec<u8>,
    response: Vec<u8>,
}

impl Route {
    fn new(path: &str, body: &[u8]) -> Route {
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        );
        Route { path: path.as_bytes().to_vec(), response: [head.as_bytes(), body].concat() }
    }
}

fn serve(
    listener: std::net::TcpListener,
    route: Arc<Route>,
    stats: Arc<Stats>,
    mut stopped: oneshot::Receiver<()>,
) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
    let Ok(runtime) = runtime else { return };
    runtime.block_on(async move {
        let Ok(listener) = TcpListener::from_std(listener) else { return };
        loop {
            tokio::select! {
                _ = &mut stopped => return,
                accepted = listener.accept() => {
                    let Ok((stream, _)) = accepted else { continue };
                    stats.connections.fetch_add(1, Ordering::Relaxed);
                    let _ = stream.set_nodelay(true);
                    tokio::spawn(connection(stream, Arc::clone(&route), Arc::clone(&stats)));
                }
            }
        }
    });
}

/// Answers requests on one connection until the client closes it. Requests are parsed
/// with `httparse` (hyper's parser), so a longer request costs the server what it would
/// cost a real one, and the client side is what differs between the clients measured.
async fn connection(mut stream: TcpStream, route: Arc<Route>, stats: Arc<Stats>) {
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        while let Some(request) = parse(&buf, &route.path) {
            let answer = if request.matches {
                stats.requests.fetch_add(1, Ordering::Relaxed);
                route.response.as_slice()
            } else {
                stats.unexpected.fetch_add(1, Ordering::Relaxed);
                NOT_FOUND
            };
            if stream.write_all(answer).await.is_err() || request.close {
                return;
            }
            buf.drain(..request.consumed.min(buf.len()));
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// What the server needs of one request.
#[derive(Debug)]
struct Parsed {
    /// A `GET` of the route's path.
    matches: bool,
    close: bool,
    /// Head and body length.
    consumed: usize,
}

/// The first request in `buf`, once its head is complete; a malformed one is answered
/// as unexpected and ends the connection.
fn parse(buf: &[u8], route: &[u8]) -> Option<Parsed> {
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut request = httparse::Request::new(&mut headers);
    let head = match request.parse(buf) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return None,
        Err(_) => return Some(Parsed { matches: false, close: true, consumed: buf.len() }),
    };
    let header = |name: &str| {
        request.headers.iter().find(|h| h.name.eq_ignore_ascii_case(name)).map(|h| h.value)
    };
    let length = header("content-length")
        .and_then(|v| std::str::from_utf8(v).ok()?.trim().parse().ok())
        .unwrap_or(0);
    let close = header("connection").is_some_and(|v| v.eq_ignore_ascii_case(b"close"));
    Some(Parsed {
        matches: request.method == Some("GET") && request.path.map(str::as_bytes) == Some(route),
        close,
        consumed: head + length,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_content_length_in_any_case_and_waits_for_a_whole_head() {
        let post = parse(b"POST /a HTTP/1.1\r\nContent-Length: 12\r\n\r\n", b"/a").unwrap();
        assert_eq!((post.matches, post.consumed), (false, 40 + 12));
        let get = parse(b"GET /a HTTP/1.1\r\nhost: x\r\nConnection: Close\r\n\r\n", b"/a").unwrap();
        assert!(get.matches && get.close);
        assert!(!parse(b"GET /b HTTP/1.1\r\n\r\n", b"/a").unwrap().matches);
        assert!(parse(b"GET /a HTTP/1.1\r\nhost: x\r\n", b"/a").is_none());
    }

    #[test]
    fn answers_the_route_and_reuses_one_connection() {
        let server = Server::start("/v1/users/u/tokens", b"{}").unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let mut stream = TcpStream::connect(server.addr).await.unwrap();
            let request = b"GET /v1/users/u/tokens HTTP/1.1\r\nhost: x\r\n\r\n";
            for _ in 0..2 {
                stream.write_all(request).await.unwrap();
                let mut answer = vec![0u8; Route::new("/", b"{}").response.len()];
                stream.read_exact(&mut answer).await.unwrap();
                assert!(answer.starts_with(b"HTTP/1.1 200 OK"));
                assert!(answer.ends_with(b"{}"));
            }
        });
        assert_eq!((server.stats().connections(), server.stats().requests()), (1, 2));
        assert_eq!(server.stats().unexpected(), 0);
    }
}
