//! A Stoplight Prism mock server of the vendored MotherDuck spec, for tests that need an
//! HTTP server which speaks the API's contract.
//!
//! Prism is the npm package pinned in the repository's `package.json`; `npm ci` at the
//! repository root installs it into `node_modules/` (`cargo xtask test` does that when
//! needed). Each [`Prism`] runs `node_modules/.bin/prism mock openapi/motherduck.json -h
//! 127.0.0.1 -p <port>` on a free port and is ready once it answers HTTP.
//!
//! # What the mock does (Prism 5.14, static mode, no `--errors`)
//!
//! - Any `Authorization: Bearer <anything>` passes; without one the answer is 401 with the
//!   spec's `UNAUTHORIZED` body.
//! - A request that breaks the spec (body, path, query, formats) gets the spec's 400
//!   response with the spec's example body, or, as this spec has none, one Prism builds
//!   from the schema: `{"code":"BAD_REQUEST","message":"Bad Request","issues":[]}`. What was wrong is in
//!   the `sl-violations` header, a JSON array such as
//!   `[{"location":["request","body","name"],"severity":"Error","code":"minLength",
//!   "message":"Request body property name must NOT have fewer than 1 characters"}]`.
//! - A valid request gets the first documented success status with a body built from
//!   the schema, and no `sl-violations` header.
//! - A path the spec does not have gets a 404 `application/problem+json`.
//!
//! `--errors` is left off on purpose: in mock mode it does not change how invalid
//! *requests* are answered (they get the 400 above either way); it only turns a mock
//! *response* that breaks the spec into a 500 problem. Without it such a response is still
//! served and its faults are listed in `sl-violations` with a `"response"` location, so
//! [`violations`] catches both kinds in one place and the test sees the real body.
//!
//! # Lifetime of the process
//!
//! Prism runs under a small `sh` watchdog in a process group of its own. The watchdog
//! holds the read end of a pipe whose write end only this test process has; when the test
//! process ends, however it ends, the pipe closes and the watchdog stops Prism. That is
//! what makes [`Prism::shared`] safe: a `static` is never dropped, and no `atexit` hook is
//! needed. Dropping a [`Prism`] kills the whole group at once.
//!
//! Under `cargo test` one test binary shares one server through [`Prism::shared`]. Under
//! `cargo nextest` every test is its own process, so each test that calls it starts its
//! own server (about 2 s of start-up each).
//!
//! Unix only: the watchdog needs `sh` and process groups.

use std::collections::VecDeque;
use std::fmt;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;
use rustix::process::{Pid, Signal};

/// Name of the response header in which Prism lists request and response violations.
pub const VIOLATIONS_HEADER: &str = "sl-violations";

/// How long a started Prism may take to answer HTTP before [`Error::NotReady`].
pub const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// How many start attempts are made when another process takes the chosen port first.
const PORT_ATTEMPTS: usize = 3;

/// How many lines of Prism's output are kept for error messages.
const TAIL_LINES: usize = 60;

/// A path the spec does not have; Prism answers it with its own "no path matched" problem,
/// which tells Prism apart from any other server that might hold the port.
const READINESS_PATH: &str = "/__prism_harness_readiness";
const READINESS_MARKER: &str = "NO_PATH_MATCHED_ERROR";

/// Runs `"$@"` (Prism) with stdin from /dev/null, plus a watchdog that stops it once
/// stdin (a pipe held by the test process) reaches end of file; exits with Prism's status.
const WATCHDOG: &str = r#"exec 3<&0
"$@" </dev/null 3<&- &
prism=$!
( read -r _ <&3; kill "$prism" ) 2>/dev/null &
watchdog=$!
wait "$prism"
status=$?
kill "$watchdog" 2>/dev/null
exit "$status""#;

/// Why a Prism server could not be started.
#[derive(Debug)]
pub enum Error {
    /// The npm package is not installed.
    NotInstalled {
        /// Where the `prism` launcher was looked for.
        path: PathBuf,
    },
    /// The spec to serve does not exist.
    SpecMissing {
        /// The path given.
        path: PathBuf,
    },
    /// No loopback port could be reserved.
    Port(io::Error),
    /// The watchdog shell could not be spawned.
    Spawn(io::Error),
    /// Prism exited before it answered.
    Exited {
        /// Its exit status.
        status: ExitStatus,
        /// The last lines it printed.
        output: String,
    },
    /// Prism kept running but did not answer in time.
    NotReady {
        /// The address that was polled.
        base_url: String,
        /// How long it was given.
        waited: Duration,
        /// The last lines it printed.
        output: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NotInstalled { path } => write!(
                f,
                "prism is not installed ({} is missing): run `npm ci` at the repository root",
                path.display()
            ),
            Error::SpecMissing { path } => write!(f, "spec not found at {}", path.display()),
            Error::Port(err) => write!(f, "failed to reserve a loopback port: {err}"),
            Error::Spawn(err) => write!(f, "failed to start prism under sh: {err}"),
            Error::Exited { status, output } => write!(
                f,
                "prism exited ({status}) before it was ready; if its install is broken, \
                 run `npm ci` at the repository root; last output:\n{output}"
            ),
            Error::NotReady { base_url, waited, output } => write!(
                f,
                "prism did not answer on {base_url} within {} s; last output:\n{output}",
                waited.as_secs()
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Port(err) | Error::Spawn(err) => Some(err),
            _ => None,
        }
    }
}

/// A running Prism mock server; dropping it kills the server.
#[derive(Debug)]
pub struct Prism {
    base_url: String,
    child: Child,
    output: Arc<Mutex<Tail>>,
    readers: Vec<JoinHandle<()>>,
}

impl Prism {
    /// The server shared by every test in this test binary, started on first use.
    ///
    /// # Panics
    ///
    /// If the server cannot be started; every later call panics with the same message
    /// instead of trying again.
    pub fn shared() -> &'static Prism {
        static SHARED: OnceLock<Result<Prism, Error>> = OnceLock::new();
        match SHARED.get_or_init(Prism::start) {
            Ok(prism) => prism,
            Err(err) => panic!("{err}"),
        }
    }

    /// Starts a server of its own on the vendored spec, `openapi/motherduck.json`.
    pub fn start() -> Result<Prism, Error> {
        Prism::start_with(&repo_root().join("openapi").join("motherduck.json"))
    }

    /// Starts a server of its own on the given spec file.
    pub fn start_with(spec: &Path) -> Result<Prism, Error> {
        let launcher = repo_root().join("node_modules").join(".bin").join("prism");
        if !launcher.is_file() {
            return Err(Error::NotInstalled { path: launcher });
        }
        if !spec.is_file() {
            return Err(Error::SpecMissing { path: spec.to_owned() });
        }

        // The port is free when reserved but may be taken before Prism binds it; Prism then
        // exits with EADDRINUSE and a new port is tried.
        let mut attempt = 1;
        loop {
            let port = free_port().map_err(Error::Port)?;
            match Prism::start_on(&launcher, spec, port) {
                Err(Error::Exited { output, .. })
                    if attempt < PORT_ATTEMPTS && output.contains("EADDRINUSE") =>
                {
                    attempt += 1;
                }
                result => return result,
            }
        }
    }

    /// The server's address without a trailing slash, e.g. `http://127.0.0.1:41234`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The last lines Prism printed (its request log), oldest first.
    pub fn output(&self) -> String {
        lock(&self.output).joined()
    }

    fn start_on(launcher: &Path, spec: &Path, port: u16) -> Result<Prism, Error> {
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(WATCHDOG)
            .arg("sh")
            .arg(launcher)
            .arg("mock")
            .arg(spec)
            .args(["-h", "127.0.0.1", "-p", &port.to_string()])
            .current_dir(repo_root())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .map_err(Error::Spawn)?;

        let output = Arc::new(Mutex::new(Tail::default()));
        let mut readers = Vec::new();
        if let Some(stdout) = child.stdout.take() {
            readers.push(collect(stdout, Arc::clone(&output)));
        }
        if let Some(stderr) = child.stderr.take() {
            readers.push(collect(stderr, Arc::clone(&output)));
        }

        let mut prism =
            Prism { base_url: format!("http://127.0.0.1:{port}"), child, output, readers };
        prism.wait_ready(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))?;
        Ok(prism)
    }

    /// Polls until Prism answers, it exits, or [`READY_TIMEOUT`] passes.
    fn wait_ready(&mut self, addr: SocketAddr) -> Result<(), Error> {
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                self.stop();
                return Err(Error::Exited { status, output: self.output() });
            }
            if answers_as_prism(addr) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(Error::NotReady {
                    base_url: self.base_url.clone(),
                    waited: READY_TIMEOUT,
                    output: self.output(),
                });
            }
            thread::sleep(Duration::from_millis(100));
        }
    }

    /// Kills the process group (the watchdog shell, Prism and the watchdog subshell),
    /// reaps the shell and waits for the output threads, which end once every writer of
    /// the pipes is gone.
    fn stop(&mut self) {
        let group = Pid::from_child(&self.child);
        let _ = rustix::process::kill_process_group(group, Signal::KILL);
        let _ = self.child.wait();
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The `sl-violations` header of a response, if Prism found anything wrong.
///
/// The value is Prism's JSON array of `{"location", "severity", "code", "message"}`
/// objects; `location` starts with `"request"` or `"response"`.
pub fn violations(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(VIOLATIONS_HEADER)?;
    Some(String::from_utf8_lossy(value.as_bytes()).into_owned())
}

/// The workspace root, which holds `package.json`, `node_modules/` and `openapi/`.
pub fn repo_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_owned()
}

/// A loopback port that was free a moment ago.
fn free_port() -> io::Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok(listener.local_addr()?.port())
}

/// Whether the server at `addr` answers an unknown path the way Prism does.
fn answers_as_prism(addr: SocketAddr) -> bool {
    let attempt = || -> io::Result<String> {
        let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(1))?;
        stream.set_read_timeout(Some(Duration::from_secs(2)))?;
        write!(
            stream,
            "GET {READINESS_PATH} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )?;
        let mut response = String::new();
        stream.read_to_string(&mut response)?;
        Ok(response)
    };
    attempt().is_ok_and(|response| {
        response.starts_with("HTTP/1.1 ") && response.contains(READINESS_MARKER)
    })
}

/// Copies a stream of Prism's output into `tail` on a thread of its own, so that the pipe
/// never fills and blocks Prism.
fn collect(stream: impl Read + Send + 'static, tail: Arc<Mutex<Tail>>) -> JoinHandle<()> {
    thread::spawn(move || {
        let mut reader = BufReader::new(stream);
        let mut line = Vec::new();
        while matches!(reader.read_until(b'\n', &mut line), Ok(n) if n > 0) {
            lock(&tail).push(String::from_utf8_lossy(&line).trim_end().to_owned());
            line.clear();
        }
    })
}

fn lock(tail: &Mutex<Tail>) -> std::sync::MutexGuard<'_, Tail> {
    tail.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The last [`TAIL_LINES`] lines of output.
#[derive(Debug, Default)]
struct Tail {
    lines: VecDeque<String>,
}

impl Tail {
    fn push(&mut self, line: String) {
        if self.lines.len() == TAIL_LINES {
            self.lines.pop_front();
        }
        self.lines.push_back(line);
    }

    fn joined(&self) -> String {
        self.lines.iter().map(String::as_str).collect::<Vec<_>>().join("\n")
    }
}
