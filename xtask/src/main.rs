//! Project tasks: `cargo xtask <command>`.
//!
//! - `regenerate`: write the normalized spec and the generated SDK source from
//!   `openapi/motherduck.json`, touching only files whose contents change.
//! - `check`: the same generation, writing nothing; exit 1 when a file differs.
//! - `test`: every check CI runs, in order.
//!
//! Exit codes: 0 success, 1 drift or failure, 2 bad usage.

mod check;
mod regenerate;
mod test;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  regenerate   write generated files from openapi/motherduck.json
  check        fail if generated files are not what the spec generates
  test         run every test and check (what CI runs)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("regenerate") if args.len() == 1 => regenerate::run(&root()),
        Some("check") if args.len() == 1 => check::run(&root()),
        Some("test") if args.len() == 1 => test::run().map(|()| ExitCode::SUCCESS),
        Some("help" | "--help" | "-h") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: the parent of this crate's directory.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}
