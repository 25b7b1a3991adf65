//! Creates an embed session for a Dive, on behalf of a service account.
//!
//! ```text
//! cargo run -p motherduck-api --example dives -- [DIVE_ID] [USERNAME] [--session-hint HINT]
//!     [--dive-version N] [--resource URL[=ALIAS]]... [--no-resources] [--state JSON]
//!     [--show-session]
//! ```
//!
//! `DIVE_ID` is the Dive's UUID (the nil UUID by default, which only a mock knows);
//! `USERNAME` the service account (`svc_sdk_example`). Each `--resource` replaces the
//! Dive's declared required resources for this session (`--no-resources`: with none);
//! `--state` seeds its UI state from a JSON object. The session grants access to the Dive,
//! so it is printed only with `--show-session`.
//!
//! The client is configured from the environment: the token from `MOTHERDUCK_ADMIN_TOKEN`
//! (or `MOTHERDUCK_TOKEN`, `motherduck_token`), an Admin's read/write token; the base URL
//! from `MOTHERDUCK_API_BASE_URL`, if set (a local Prism mock, for instance). Exits 1 with
//! the error when the call fails, 2 on bad usage.

mod common;

use std::error::Error;
use std::process::ExitCode;

use motherduck_api::Client;
use motherduck_api::types::RequiredResource;
use serde_json::{Map, Value};

const USAGE: &str = "usage: dives [DIVE_ID] [USERNAME] [--session-hint HINT] [--dive-version N] \
                     [--resource URL[=ALIAS]]... [--no-resources] [--state JSON] [--show-session]";

#[derive(Default)]
struct Args {
    positional: Vec<String>,
    session_hint: Option<String>,
    version: Option<u64>,
    resources: Option<Vec<RequiredResource>>,
    state: Option<Map<String, Value>>,
    show_session: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => return common::bad_usage(&message, USAGE),
    };
    common::exit(run(args).await)
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut parsed = Args::default();
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("`{arg}` needs a value"));
        match arg.as_str() {
            "--session-hint" => parsed.session_hint = Some(value()?),
            "--dive-version" => {
                let n = value()?;
                parsed.version = Some(
                    n.parse().map_err(|_| format!("`--dive-version {n}` is not a whole number"))?,
                );
            }
            "--resource" => {
                let text = value()?;
                let (url, alias) = match text.split_once('=') {
                    Some((url, alias)) => (url.to_owned(), Some(alias.to_owned())),
                    None => (text, None),
                };
                parsed.resources.get_or_insert_with(Vec::new).push(RequiredResource { url, alias });
            }
            "--no-resources" => parsed.resources = Some(Vec::new()),
            "--state" => {
                let json = value()?;
                let state = serde_json::from_str(&json)
                    .map_err(|e| format!("`--state` is not a JSON object: {e}"))?;
                parsed.state = Some(state);
            }
            "--show-session" => parsed.show_session = true,
            flag if flag.starts_with('-') => return Err(format!("unknown option `{flag}`")),
            _ if parsed.positional.len() < 2 => parsed.positional.push(arg),
            _ => return Err(format!("unexpected argument `{arg}`")),
        }
    }
    Ok(parsed)
}

async fn run(args: Args) -> Result<(), Box<dyn Error>> {
    let client = Client::from_env()?;
    let mut positional = args.positional.into_iter();
    let dive_id =
        positional.next().unwrap_or_else(|| "00000000-0000-0000-0000-000000000000".to_owned());
    let username = positional.next().unwrap_or_else(|| "svc_sdk_example".to_owned());

    let mut request = client.dives().create_embed_session(&dive_id, &username);
    if let Some(hint) = args.session_hint {
        request = request.session_hint(hint);
    }
    if let Some(version) = args.version {
        request = request.version(version);
    }
    if let Some(resources) = args.resources {
        request = request.required_resources(resources);
    }
    if let Some(state) = args.state {
        request = request.initial_state(state);
    }
    let embed = request.await?;

    println!("created an embed session for dive {dive_id} as {username}");
    if args.show_session {
        println!("session: {}", embed.session.expose());
    } else {
        let length = embed.session.expose().chars().count();
        println!("session: {length} characters, not shown (pass --show-session to print it)");
    }
    Ok(())
}
