//! Shows a user's Duckling (instance) configuration and, when asked, changes it.
//!
//! ```text
//! cargo run -p motherduck-api --example ducklings -- [USERNAME] [--flock-size N]
//!     [--read-write-size SIZE] [--read-scaling-size SIZE]
//! ```
//!
//! Without options it only reads (user `svc_sdk_example` by default). With one, it reads
//! the configuration, changes what was asked and writes both parts back: the API takes the
//! read/write and the read-scaling part together, so a change to one sends both. Sizes are
//! `pulse`, `standard`, `jumbo`, `mega` and `giga`.
//!
//! The client is configured from the environment: the token from `MOTHERDUCK_ADMIN_TOKEN`
//! (or `MOTHERDUCK_TOKEN`, `motherduck_token`), an Admin's read/write token; the base URL
//! from `MOTHERDUCK_API_BASE_URL`, if set (a local Prism mock, for instance). Exits 1 with
//! the error when a call fails, 2 on bad usage.

mod common;

use std::error::Error;
use std::process::ExitCode;

use motherduck_api::Client;
use motherduck_api::types::{DucklingConfig, InstanceSize};

const USAGE: &str = "usage: ducklings [USERNAME] [--flock-size N] [--read-write-size SIZE] \
                     [--read-scaling-size SIZE]";

#[derive(Default)]
struct Args {
    username: Option<String>,
    flock_size: Option<f64>,
    read_write_size: Option<InstanceSize>,
    read_scaling_size: Option<InstanceSize>,
}

impl Args {
    fn changes_anything(&self) -> bool {
        self.flock_size.is_some()
            || self.read_write_size.is_some()
            || self.read_scaling_size.is_some()
    }
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
    let mut parsed = Args::default();
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("`{arg}` needs a value"));
        match arg.as_str() {
            "--flock-size" => {
                let n = value()?;
                parsed.flock_size =
                    Some(n.parse().map_err(|_| format!("`--flock-size {n}` is not a number"))?);
            }
            "--read-write-size" => parsed.read_write_size = Some(size(&value()?)?),
            "--read-scaling-size" => parsed.read_scaling_size = Some(size(&value()?)?),
            flag if flag.starts_with('-') => return Err(format!("unknown option `{flag}`")),
            _ if parsed.username.is_none() => parsed.username = Some(arg),
            _ => return Err(format!("unexpected argument `{arg}`")),
        }
    }
    Ok(parsed)
}

fn size(text: &str) -> Result<InstanceSize, String> {
    let size = InstanceSize::from(text);
    if size.is_known() {
        return Ok(size);
    }
    let known: Vec<&str> = InstanceSize::KNOWN.iter().map(InstanceSize::as_str).collect();
    Err(format!("unknown instance size `{text}`; one of {}", known.join(", ")))
}

async fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let client = Client::from_env()?;
    let username = args.username.as_deref().unwrap_or("svc_sdk_example");

    let mut config = client.ducklings().get_config(username).await?;
    print(&format!("{username}'s ducklings"), &config);
    if !args.changes_anything() {
        return Ok(());
    }

    if let Some(n) = args.flock_size {
        config.read_scaling.flock_size = n;
    }
    if let Some(size) = &args.read_write_size {
        config.read_write.instance_size = size.clone();
    }
    if let Some(size) = &args.read_scaling_size {
        config.read_scaling.instance_size = size.clone();
    }
    let config = client.ducklings().set_config(username, config).await?;
    print("now", &config);
    Ok(())
}

fn print(title: &str, config: &DucklingConfig) {
    let cooldown =
        |seconds: Option<u64>| seconds.map_or("default".to_owned(), |s| format!("{s} s"));
    println!("{title}:");
    println!(
        "  read/write:   {}, cooldown {}",
        config.read_write.instance_size,
        cooldown(config.read_write.cooldown_seconds)
    );
    println!(
        "  read scaling: {} x {}, cooldown {}",
        config.read_scaling.flock_size,
        config.read_scaling.instance_size,
        cooldown(config.read_scaling.cooldown_seconds)
    );
}
