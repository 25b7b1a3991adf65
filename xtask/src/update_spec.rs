//! `cargo xtask update-spec [--from PATH_OR_URL]`: vendor a new spec and regenerate.
//!
//! The source defaults to the spec MotherDuck publishes ([`PUBLISHED`]). An `http://` or
//! `https://` source is fetched (at most [`MAX_BYTES`], within [`TIMEOUT`], a 2xx answer
//! only); anything else is read as a file. The bytes are valid when they generate: they
//! must parse and `codegen::generate` must succeed on them, and its error names the JSON
//! pointer or operationId at fault. Then the change report from the vendored spec is
//! printed, and the spec, kept byte for byte as fetched, is written together with every
//! generated file that changes, all or none. A source that cannot be read, parsed or
//! generated writes nothing.

use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};

use crate::diff;
use crate::write::{Write, write_all};

/// Where MotherDuck publishes the spec.
pub(crate) const PUBLISHED: &str = "https://api.motherduck.com/docs/specs";

/// The largest spec accepted; the published one is about 20 KiB.
const MAX_BYTES: u64 = 10 * 1024 * 1024;

/// How long a fetch may take in all, connecting included.
const TIMEOUT: Duration = Duration::from_secs(30);

pub(crate) fn run(root: &Path, args: &[String]) -> anyhow::Result<ExitCode> {
    let source = match args {
        [] => PUBLISHED,
        [flag, source] if flag == "--from" => source.as_str(),
        _ => bail!("update-spec takes only `--from PATH_OR_URL`"),
    };
    let bytes = read_source(source)?;
    let new = diff::parse(&bytes, source)?;
    let files = codegen::generate(&bytes)
        .with_context(|| format!("failed to generate from {source}; nothing was written"))?;

    let spec_path = root.join(codegen::SPEC_PATH);
    print!("{}", diff::report(root, &vendored(&spec_path), &new)?);

    let mut writes = vec![(codegen::SPEC_PATH, Write::new(spec_path, bytes))];
    writes.extend(files.into_iter().map(|f| (f.path, Write::new(root.join(f.path), f.contents))));
    writes.retain(|(_, w)| w.changes());
    if writes.is_empty() {
        println!("the spec and all generated files are current");
        return Ok(ExitCode::SUCCESS);
    }
    let (paths, writes): (Vec<_>, Vec<_>) = writes.into_iter().unzip();
    write_all(&writes)?;
    for path in paths {
        println!("wrote {path}");
    }
    Ok(ExitCode::SUCCESS)
}

/// The vendored spec, or an empty document when there is none that parses, so that
/// update-spec can replace a missing or broken file.
fn vendored(path: &Path) -> serde_json::Value {
    let old = fs::read(path)
        .map_err(anyhow::Error::from)
        .and_then(|bytes| diff::parse(&bytes, codegen::SPEC_PATH));
    old.unwrap_or_else(|e| {
        eprintln!("note: comparing with an empty spec: {e:#}");
        serde_json::Value::Object(Default::default())
    })
}

/// The bytes of `source`: fetched when it is an http(s) URL, else read as a file.
fn read_source(source: &str) -> anyhow::Result<Vec<u8>> {
    let is_url = ["http://", "https://"]
        .iter()
        .any(|scheme| source.get(..scheme.len()).is_some_and(|s| s.eq_ignore_ascii_case(scheme)));
    let reader: Box<dyn Read> = if is_url {
        Box::new(fetch(source)?)
    } else {
        Box::new(fs::File::open(source).with_context(|| format!("failed to read {source}"))?)
    };
    let mut bytes = Vec::new();
    reader
        .take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("failed to read {source}"))?;
    if bytes.len() as u64 > MAX_BYTES {
        bail!("{source} is larger than {} MiB; refusing it", MAX_BYTES / (1024 * 1024));
    }
    Ok(bytes)
}

/// Sends the GET and checks the status; the body is read by the caller, capped.
fn fetch(url: &str) -> anyhow::Result<reqwest::blocking::Response> {
    let client = reqwest::blocking::Client::builder()
        .timeout(TIMEOUT)
        .build()
        .context("failed to set up the HTTP client")?;
    let response = client
        .get(url)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .map_err(reqwest::Error::without_url)
        .with_context(|| format!("failed to fetch {url}"))?;
    let status = response.status();
    if !status.is_success() {
        bail!("failed to fetch {url}: the server answered {status}");
    }
    Ok(response)
}
