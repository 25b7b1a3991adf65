//! What the xtask tests share: a temporary tree holding a spec and its generated files, a
//! way to run the built `xtask` on it, a one-shot HTTP server on 127.0.0.1, and the two
//! fixture specs.
//!
//! Every tree starts from [`BASE`], the frozen spec the change-report fixtures are
//! written against, with its files generated in memory, rather than from the vendored
//! spec: `cargo xtask update-spec` changes the vendored spec, and these tests must not
//! depend on which spec is vendored. The fixtures are built from the base in code, one
//! small, named change away from it.

#![allow(dead_code)] // reason: each test binary uses a different part of this module

use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;

use serde_json::{Value, json};

/// The version the copy's `motherduck-api/Cargo.toml` declares, so reports are fixed.
pub(crate) const VERSION: &str = "0.4.2";

/// The workspace this test runs in.
pub(crate) fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask is in the workspace").to_owned()
}

/// A temporary copy of the files xtask reads and writes, removed on drop.
#[derive(Debug)]
pub(crate) struct Tree {
    pub(crate) root: PathBuf,
}

impl Tree {
    /// A tree with [`BASE`] as `openapi/motherduck.json`, the files generated from it, and
    /// a manifest for `motherduck-api` that declares [`VERSION`].
    pub(crate) fn copy(name: &str) -> Tree {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let root = std::env::temp_dir().join(format!("xtask-{name}-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let spec = base_bytes();
        let mut files = vec![("openapi/motherduck.json".to_string(), spec.clone())];
        for file in codegen::generate(&spec).expect("the base spec generates") {
            files.push((file.path.to_string(), file.contents.into_bytes()));
        }
        for (path, bytes) in files {
            let path = root.join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, bytes).unwrap();
        }
        let manifest = format!("[package]\nname = \"motherduck-api\"\nversion = \"{VERSION}\"\n");
        fs::write(root.join("motherduck-api/Cargo.toml"), manifest).unwrap();
        Tree { root }
    }

    /// Runs the built xtask on this copy.
    pub(crate) fn xtask(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("--root")
            .arg(&self.root)
            .args(args)
            .env("NO_PROXY", "127.0.0.1")
            .env("no_proxy", "127.0.0.1")
            .current_dir(&self.root)
            .output()
            .expect("xtask runs");
        Run::from(output)
    }

    /// Every file of the copy and its bytes.
    pub(crate) fn snapshot(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut files = BTreeMap::new();
        collect(&self.root, &self.root, &mut files);
        files
    }

    pub(crate) fn read(&self, path: &str) -> Vec<u8> {
        fs::read(self.root.join(path)).unwrap()
    }

    pub(crate) fn write(&self, path: &str, contents: &[u8]) {
        let path = self.root.join(path);
        // The vendored spec may be read-only; replace it rather than write through it.
        let _ = fs::remove_file(&path);
        fs::write(path, contents).unwrap();
    }

    /// Writes `contents` to `name` at the top of the copy and returns its path.
    pub(crate) fn file(&self, name: &str, contents: &[u8]) -> String {
        let path = self.root.join(name);
        fs::write(&path, contents).unwrap();
        path.display().to_string()
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

fn collect(root: &Path, dir: &Path, files: &mut BTreeMap<PathBuf, Vec<u8>>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(root, &path, files);
        } else {
            let bytes = fs::read(&path).unwrap();
            files.insert(path.strip_prefix(root).unwrap().to_owned(), bytes);
        }
    }
}

/// What one xtask run did.
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) code: Option<i32>,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Self {
        Run {
            code: output.status.code(),
            stdout: String::from_utf8(output.stdout).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
        }
    }
}

impl Run {
    /// Panics with both streams unless the run exited with `code`.
    pub(crate) fn expect(self, code: i32) -> Run {
        assert_eq!(
            self.code,
            Some(code),
            "expected exit {code}\n--- stdout\n{}--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    pub(crate) fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }
}

/// A server on 127.0.0.1 that answers one request with `status` and `body`, and sends
/// the request line it received on the returned channel.
pub(crate) fn serve(status: &'static str, body: Vec<u8>) -> (String, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/docs/specs", listener.local_addr().unwrap());
    let (sent, received) = mpsc::channel();
    thread::spawn(move || {
        let Ok((stream, _)) = listener.accept() else { return };
        let request_line = answer(stream, status, &body);
        let _ = sent.send(request_line);
    });
    (url, received)
}

/// Reads the request head, then writes the response; the client may hang up early.
fn answer(mut stream: TcpStream, status: &str, body: &[u8]) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).is_ok_and(|n| n == 1) {
        head.push(byte[0]);
    }
    let response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         connection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).and_then(|()| stream.write_all(body));
    let head = String::from_utf8_lossy(&head);
    head.lines().next().unwrap_or_default().to_owned()
}

/// A URL on 127.0.0.1 where nothing listens.
pub(crate) fn unreachable_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}/docs/specs")
}

/// The vendored spec.
/// The spec every tree starts from (see the module docs).
pub(crate) const BASE: &str = "codegen/tests/fixtures/diff-base.json";

pub(crate) fn base_bytes() -> Vec<u8> {
    fs::read(workspace().join(BASE)).unwrap()
}

/// [`BASE`], parsed. (Named for what it stands for: the spec a tree has vendored.)
pub(crate) fn vendored() -> Value {
    serde_json::from_slice(&base_bytes()).unwrap()
}

/// The fixture `grows`: a new operation, `GET /v1/users/{username}` (`users-get`), which
/// returns the user as `users-delete` does, and a new optional request field
/// `description` on `users-createToken`.
pub(crate) fn grows() -> Value {
    let mut spec = vendored();
    let user = &mut spec["paths"]["/v1/users/{username}"];
    let mut get = user["delete"].clone();
    get["operationId"] = json!("users-get");
    get["summary"] = json!("Get a user");
    get["description"] = json!("Look up one user of the organization by username");
    get["parameters"][0]["description"] = json!("user within the organization to look up");
    get["parameters"][0]["schema"]["description"] =
        json!("user within the organization to look up");
    user["get"] = get;
    let body = "/paths/~1v1~1users~1{username}~1tokens/post/requestBody/content/application~1json/schema/properties";
    spec.pointer_mut(body).unwrap()["description"] = json!({
        "type": "string",
        "maxLength": 1024,
        "description": "what the token is for"
    });
    spec
}

/// The fixture `breaks`: `read_only` removed from both token objects in responses, and
/// the `ttl` maximum of `users-createToken` lowered from a year to a day.
pub(crate) fn breaks() -> Value {
    let mut spec = vendored();
    let tokens = "/paths/~1v1~1users~1{username}~1tokens";
    let created = format!("{tokens}/post/responses/200/content/application~1json/schema");
    let listed = format!(
        "{tokens}/get/responses/200/content/application~1json/schema/properties/tokens/items"
    );
    for object in [created, listed] {
        let object = spec.pointer_mut(&object).unwrap();
        object["properties"].as_object_mut().unwrap().remove("read_only").unwrap();
        object["required"].as_array_mut().unwrap().retain(|r| r != "read_only");
    }
    let ttl = format!("{tokens}/post/requestBody/content/application~1json/schema/properties/ttl");
    spec.pointer_mut(&ttl).unwrap()["maximum"] = json!(86400);
    spec
}

pub(crate) fn pretty(spec: &Value) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(spec).unwrap();
    bytes.push(b'\n');
    bytes
}
