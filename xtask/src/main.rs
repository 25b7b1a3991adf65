//! Project tasks: `cargo xtask [--root DIR] <command>`.
//!
//! - `regenerate`: write the normalized spec and the generated SDK source from
//!   `openapi/motherduck.json`, touching only files whose contents change; when the API
//!   changes, print the change report first.
//! - `check`: the same generation, writing nothing; exit 1 when a file differs.
//! - `diff [OLD] [NEW]`: the API change report between two specs and the version bump it
//!   calls for (default: the spec at git `HEAD` against the working tree's).
//! - `update-spec [--from PATH_OR_URL]`: fetch or read a new spec, check that it
//!   generates, print the change report, then write it and every generated file, all or
//!   none (default source: the spec MotherDuck publishes).
//! - `test`: every check CI runs, in order.
//!
//! `--root DIR` runs a command on another copy of the workspace (the tests use it on a
//! temporary copy); `test` always runs on this one. Modules: one per command, plus
//! `write`, the all-or-nothing file writer `regenerate` and `update-spec` share.
//!
//! Exit codes: 0 success, 1 drift or failure, 2 bad usage.

mod bench;
mod check;
mod diff;
mod regenerate;
mod test;
mod update_spec;
mod write;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask [--root DIR] <command>

commands:
  regenerate                    write generated files from openapi/motherduck.json
  check                         fail if generated files are not what the spec generates
  diff [OLD] [NEW]              report API changes from OLD to NEW (none given: the spec
                                at git HEAD to the working tree's; one given: the working
                                tree's to that file)
  update-spec [--from SOURCE]   vendor a new spec (a path or an http(s) URL, default
                                https://api.motherduck.com/docs/specs) and regenerate
  test                          run every test and check (what CI runs)

options:
  --root DIR                    the workspace to work on (default: this one)";

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let root = match args.first().map(String::as_str) {
        Some("--root") if args.len() >= 2 => {
            let dir = PathBuf::from(args.remove(1));
            args.remove(0);
            dir
        }
        _ => root(),
    };
    let (command, rest) = match args.split_first() {
        Some((command, rest)) => (command.as_str(), rest),
        None => return usage(),
    };
    let result = match command {
        "regenerate" if rest.is_empty() => regenerate::run(&root),
        "check" if rest.is_empty() => check::run(&root),
        "diff" if rest.len() <= 2 => diff::run(&root, rest),
        "update-spec" if rest.is_empty() || (rest.len() == 2 && rest[0] == "--from") => {
            update_spec::run(&root, rest)
        }
        "bench" => bench::run(&root, rest),
        "test" if rest.is_empty() => test::run().map(|()| ExitCode::SUCCESS),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => return usage(),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn usage() -> ExitCode {
    eprintln!("{USAGE}");
    ExitCode::from(2)
}

/// The workspace root: the parent of this crate's directory.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}
