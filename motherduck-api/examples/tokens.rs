//! Creates an access token for a user, lists the user's tokens, and invalidates the new
//! token again.
//!
//! ```text
//! cargo run -p motherduck-api --example tokens -- [USERNAME] [--name NAME] [--ttl SECONDS]
//!     [--type read_scaling|read_write] [--keep] [--show-secret]
//! ```
//!
//! Defaults: user `svc_sdk_example`, name `sdk-example`, a `read_scaling` token (read-only,
//! for application reads) that expires after 3600 s. `--keep` leaves the token valid
//! instead of deleting it. A created token's secret is returned only once; it is printed
//! only with `--show-secret`.
//!
//! The client is configured from the environment: the token from `MOTHERDUCK_ADMIN_TOKEN`
//! (or `MOTHERDUCK_TOKEN`, `motherduck_token`), an Admin's read/write token; the base URL
//! from `MOTHERDUCK_API_BASE_URL`, if set (a local Prism mock, for instance). Exits 1 with
//! the error when a call fails, 2 on bad usage.

mod common;

use std::error::Error;
use std::process::ExitCode;
use std::time::Duration;

use motherduck_api::Client;
use motherduck_api::types::TokenType;

const USAGE: &str = "usage: tokens [USERNAME] [--name NAME] [--ttl SECONDS] \
                     [--type read_scaling|read_write] [--keep] [--show-secret]";

struct Args {
    username: String,
    name: String,
    ttl: Duration,
    token_type: TokenType,
    keep: bool,
    show_secret: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => return common::bad_usage(&message, USAGE),
    };
    common::exit(run(&args).await)
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut parsed = Args {
        username: "svc_sdk_example".to_owned(),
        name: "sdk-example".to_owned(),
        ttl: Duration::from_secs(3600),
        token_type: TokenType::ReadScaling,
        keep: false,
        show_secret: false,
    };
    let mut username = None;
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("`{arg}` needs a value"));
        match arg.as_str() {
            "--name" => parsed.name = value()?,
            "--ttl" => {
                let seconds = value()?;
                let seconds = seconds
                    .parse()
                    .map_err(|_| format!("`--ttl {seconds}` is not a number of seconds"))?;
                parsed.ttl = Duration::from_secs(seconds);
            }
            "--type" => {
                let token_type = TokenType::from(value()?.as_str());
                if !token_type.is_known() {
                    return Err(format!("unknown token type `{token_type}`"));
                }
                parsed.token_type = token_type;
            }
            "--keep" => parsed.keep = true,
            "--show-secret" => parsed.show_secret = true,
            flag if flag.starts_with('-') => return Err(format!("unknown option `{flag}`")),
            _ if username.is_none() => username = Some(arg),
            _ => return Err(format!("unexpected argument `{arg}`")),
        }
    }
    if let Some(username) = username {
        parsed.username = username;
    }
    Ok(parsed)
}

async fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let client = Client::from_env()?;
    let tokens = client.tokens();

    let created = tokens
        .create(&args.username, &args.name)
        .token_type(args.token_type.clone())
        .ttl(args.ttl)
        .await?;
    println!(
        "created {} token {} ({}), expires at {}",
        created.token_type,
        created.id,
        created.name.as_deref().unwrap_or("unnamed"),
        created.expire_at.as_deref().unwrap_or("never"),
    );
    if args.show_secret {
        println!("secret: {}", created.token.expose());
    } else {
        println!("secret: not shown (pass --show-secret to print it; it is returned only once)");
    }

    let list = tokens.list(&args.username).await?;
    println!("{} has {} token(s):", args.username, list.tokens.len());
    for token in &list.tokens {
        println!(
            "  {} {} {} expires at {}",
            token.id,
            token.token_type,
            token.name.as_deref().unwrap_or("unnamed"),
            token.expire_at.as_deref().unwrap_or("never"),
        );
    }

    if !args.keep {
        tokens.delete(&args.username, created.id.to_string()).await?;
        println!("deleted token {}", created.id);
    }
    Ok(())
}
