//! Creates a service account, and deletes it again.
//!
//! ```text
//! cargo run -p motherduck-api --example users -- [create|delete|roundtrip] [USERNAME]
//! ```
//!
//! `roundtrip` (the default) creates the account and deletes it, so that nothing is left
//! behind; `create` and `delete` do one step. The username defaults to `svc_sdk_example`.
//! Deleting a user deletes all of their data and cannot be undone.
//!
//! The client is configured from the environment: the token from `MOTHERDUCK_ADMIN_TOKEN`
//! (or `MOTHERDUCK_TOKEN`, `motherduck_token`), an Admin's read/write token; the base URL
//! from `MOTHERDUCK_API_BASE_URL`, if set (a local Prism mock, for instance). Exits 1 with
//! the error when a call fails, 2 on bad usage.

mod common;

use std::error::Error;
use std::process::ExitCode;

use motherduck_api::Client;

const USAGE: &str = "usage: users [create|delete|roundtrip] [USERNAME]";

enum Step {
    Create,
    Delete,
    Roundtrip,
}

#[tokio::main]
async fn main() -> ExitCode {
    let (step, username) = match parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => return common::bad_usage(&message, USAGE),
    };
    common::exit(run(step, &username).await)
}

fn parse(args: impl Iterator<Item = String>) -> Result<(Step, String), String> {
    let mut step = Step::Roundtrip;
    let mut username = None;
    for arg in args {
        match arg.as_str() {
            "create" => step = Step::Create,
            "delete" => step = Step::Delete,
            "roundtrip" => step = Step::Roundtrip,
            flag if flag.starts_with('-') => return Err(format!("unknown option `{flag}`")),
            _ if username.is_none() => username = Some(arg),
            _ => return Err(format!("unexpected argument `{arg}`")),
        }
    }
    Ok((step, username.unwrap_or_else(|| "svc_sdk_example".to_owned())))
}

async fn run(step: Step, username: &str) -> Result<(), Box<dyn Error>> {
    let client = Client::from_env()?;
    if matches!(step, Step::Create | Step::Roundtrip) {
        let user = client.users().create_service_account(username).await?;
        println!("created service account {}", user.username);
    }
    if matches!(step, Step::Delete | Step::Roundtrip) {
        let user = client.users().delete(username).await?;
        println!("deleted user {}", user.username);
    }
    Ok(())
}
