//! Lists the organization's active accounts and the Ducklings running for each.
//!
//! ```text
//! cargo run -p motherduck-api --example accounts
//! ```
//!
//! The client is configured from the environment: the token from `MOTHERDUCK_ADMIN_TOKEN`
//! (or `MOTHERDUCK_TOKEN`, `motherduck_token`), an Admin's read/write token; the base URL
//! from `MOTHERDUCK_API_BASE_URL`, if set (a local Prism mock, for instance). Exits 1 with
//! the error when the call fails, 2 on bad usage.

mod common;

use std::error::Error;
use std::process::ExitCode;

use motherduck_api::Client;

#[tokio::main]
async fn main() -> ExitCode {
    if let Some(arg) = std::env::args().nth(1) {
        return common::bad_usage(&format!("unexpected argument `{arg}`"), "usage: accounts");
    }
    common::exit(run().await)
}

async fn run() -> Result<(), Box<dyn Error>> {
    let client = Client::from_env()?;
    let active = client.accounts().get_active().await?;

    println!("{} active account(s)", active.accounts.len());
    for account in &active.accounts {
        println!("{}:", account.username);
        for duckling in &account.ducklings {
            println!("  {} {} {}", duckling.id, duckling.type_, duckling.status);
        }
    }
    Ok(())
}
