//! Runs each example of `motherduck-api` against Prism, as a user would from the shell,
//! and checks that it exits 0 after making the calls it promises, with requests Prism
//! accepts; and that it fails the way its docs say (exit 1 with the error, 2 on bad
//! usage).
//!
//! The examples are built once per test binary with `cargo build --examples -p
//! motherduck-api --message-format=json`, using the `cargo` that runs the tests. The
//! compiler-artifact messages name each executable, so nothing guesses where the target
//! directory is (`CARGO_TARGET_DIR`, a `build.target-dir` setting or the workspace
//! `target/`) or which profile it holds. `cargo run --example` per run would repeat the
//! up-to-date check every time and queue on cargo's build lock.
//!
//! Known cost: this build resolves dependency features for `motherduck-api` alone, which
//! differs from the set of the test build around it, so the first run in a target
//! directory (and the first after each change to the SDK) compiles the SDK and some of its
//! dependencies once more; later runs find everything up to date in about half a second.
//!
//! Every run goes through a [`Recorder`] in front of the binary's shared [`Prism`], with
//! `MOTHERDUCK_API_BASE_URL` pointing at the recorder and `MOTHERDUCK_ADMIN_TOKEN` set; the
//! other token variables are removed so that a developer's own token cannot leak in.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::{Value, json};

use motherduck_tests::prism::{self, Prism};
use motherduck_tests::recorder::{Exchange, Recorder, by_value};

const DIVE_ID: &str = "0d9e2f4a-8b7c-4d61-a3e5-f19c2b6d7e80";

/// Example name to executable, built on first use.
fn examples() -> &'static BTreeMap<String, PathBuf> {
    static BUILT: OnceLock<Result<BTreeMap<String, PathBuf>, String>> = OnceLock::new();
    match BUILT.get_or_init(build_examples) {
        Ok(examples) => examples,
        Err(message) => panic!("{message}"),
    }
}

fn build_examples() -> Result<BTreeMap<String, PathBuf>, String> {
    let manifest = prism::repo_root().join("Cargo.toml");
    let output = Command::new(env!("CARGO"))
        .args(["build", "--examples", "-p", "motherduck-api", "--quiet", "--message-format=json"])
        .arg("--manifest-path")
        .arg(&manifest)
        .output()
        .map_err(|e| format!("failed to run cargo: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "failed to build the examples ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }

    let mut examples = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<Value>(line) else { continue };
        let is_example =
            message["target"]["kind"].as_array().is_some_and(|k| k.contains(&json!("example")));
        if message["reason"] == "compiler-artifact"
            && is_example
            && let (Some(name), Some(path)) =
                (message["target"]["name"].as_str(), message["executable"].as_str())
        {
            examples.insert(name.to_owned(), PathBuf::from(path));
        }
    }
    Ok(examples)
}

/// A recorder in front of the shared Prism, for one or more runs of examples.
struct Runs {
    recorder: Recorder,
}

impl Runs {
    fn new() -> Runs {
        let recorder =
            Recorder::start(Prism::shared().base_url()).expect("failed to start the recorder");
        Runs { recorder }
    }

    /// Runs `example` with `args` against the recorder, with a token in the environment.
    fn run(&self, example: &str, args: &[&str]) -> Output {
        self.command(example, args)
            .env("MOTHERDUCK_ADMIN_TOKEN", "md_examples_token")
            .output()
            .expect("failed to run the example")
    }

    fn command(&self, example: &str, args: &[&str]) -> Command {
        let path = examples()
            .get(example)
            .unwrap_or_else(|| panic!("cargo built no example `{example}`: {:?}", examples()));
        let mut command = Command::new(path);
        command
            .args(args)
            .env_remove("MOTHERDUCK_ADMIN_TOKEN")
            .env_remove("MOTHERDUCK_TOKEN")
            .env_remove("motherduck_token")
            .env("MOTHERDUCK_API_BASE_URL", self.recorder.base_url())
            .env("NO_PROXY", "127.0.0.1");
        command
    }

    /// The routes of every exchange so far, each checked to be accepted by Prism.
    fn conforming_routes(&self) -> Vec<String> {
        let failures = self.recorder.failures();
        assert!(failures.is_empty(), "the recorder failed to relay: {failures:#?}");
        let exchanges = self.recorder.exchanges();
        for exchange in &exchanges {
            assert!(
                exchange.violations.is_empty() && (200..300).contains(&exchange.status),
                "prism answered {} to {} with {:#?}",
                exchange.status,
                exchange.route(),
                exchange.violations
            );
        }
        exchanges.iter().map(Exchange::route).collect()
    }

    /// The JSON body of every exchange so far (`null` for none), numbers as by
    /// [`by_value`].
    fn bodies(&self) -> Vec<Value> {
        let exchanges = self.recorder.exchanges();
        exchanges.iter().map(|e| by_value(e.request_json().unwrap_or_default())).collect()
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Checks that the run exited 0 and returns what it printed.
fn succeeded(output: &Output) -> String {
    assert!(output.status.success(), "exited with {}; stderr:\n{}", output.status, stderr(output));
    stdout(output)
}

#[test]
fn users_example_creates_and_deletes_a_service_account() {
    let runs = Runs::new();

    let printed = succeeded(&runs.run("users", &[]));

    assert_eq!(runs.conforming_routes(), ["POST /v1/users", "DELETE /v1/users/svc_sdk_example"]);
    assert_eq!(runs.bodies()[0], json!({ "username": "svc_sdk_example" }));
    assert!(printed.contains("created service account"), "{printed}");
}

#[test]
fn tokens_example_creates_lists_and_deletes_a_token() {
    let runs = Runs::new();

    let printed =
        succeeded(&runs.run("tokens", &["svc_reports", "--name", "nightly", "--ttl", "600"]));

    let id = printed
        .lines()
        .find_map(|line| {
            line.strip_prefix("created read_write token ")
                .or(line.strip_prefix("created read_scaling token "))
        })
        .and_then(|rest| rest.split(' ').next())
        .unwrap_or_else(|| panic!("no created token in:\n{printed}"));
    assert_eq!(
        runs.conforming_routes(),
        [
            "POST /v1/users/svc_reports/tokens".to_owned(),
            "GET /v1/users/svc_reports/tokens".to_owned(),
            format!("DELETE /v1/users/svc_reports/tokens/{id}"),
        ]
    );
    let created = json!({ "name": "nightly", "token_type": "read_scaling", "ttl": 600 });
    assert_eq!(runs.bodies()[0], by_value(created));
}

#[test]
fn tokens_example_prints_the_secret_only_with_show_secret() {
    let runs = Runs::new();
    let secret_lines = |printed: &str| -> Vec<String> {
        printed.lines().filter(|l| l.starts_with("secret:")).map(str::to_owned).collect()
    };

    let hidden = succeeded(&runs.run("tokens", &["--keep"]));
    let shown = succeeded(&runs.run("tokens", &["--keep", "--show-secret"]));

    let hidden = secret_lines(&hidden);
    let shown = secret_lines(&shown);
    assert_eq!(hidden.len(), 1, "{hidden:?}");
    assert!(hidden[0].starts_with("secret: not shown"), "{hidden:?}");
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert_ne!(shown, hidden);
    assert_eq!(runs.conforming_routes().len(), 4, "--keep deletes nothing");
}

#[test]
fn ducklings_example_only_reads_by_default() {
    let runs = Runs::new();

    let printed = succeeded(&runs.run("ducklings", &["svc_reports"]));

    assert_eq!(runs.conforming_routes(), ["GET /v1/users/svc_reports/instances"]);
    assert!(printed.contains("read scaling:"), "{printed}");
}

#[test]
fn ducklings_example_writes_back_both_parts_with_the_change() {
    let runs = Runs::new();

    let args = ["svc_reports", "--flock-size", "2", "--read-scaling-size", "jumbo"];
    succeeded(&runs.run("ducklings", &args));

    assert_eq!(
        runs.conforming_routes(),
        ["GET /v1/users/svc_reports/instances", "PUT /v1/users/svc_reports/instances"]
    );
    let config = &runs.bodies()[1]["config"];
    assert_eq!(config["read_scaling"]["flock_size"], by_value(json!(2)));
    assert_eq!(config["read_scaling"]["instance_size"], "jumbo");
    assert!(config["read_write"]["instance_size"].is_string(), "read_write is sent too: {config}");
}

#[test]
fn accounts_example_lists_active_accounts() {
    let runs = Runs::new();

    let printed = succeeded(&runs.run("accounts", &[]));

    assert_eq!(runs.conforming_routes(), ["GET /v1/active_accounts"]);
    assert!(printed.contains("active account(s)"), "{printed}");
}

#[test]
fn dives_example_creates_an_embed_session_without_printing_it() {
    let runs = Runs::new();

    let printed = succeeded(&runs.run("dives", &[]));

    let nil = "00000000-0000-0000-0000-000000000000";
    assert_eq!(runs.conforming_routes(), [format!("POST /v1/dives/{nil}/embed-session")]);
    assert!(printed.contains("not shown"), "{printed}");
}

#[test]
fn dives_example_passes_every_option_on() {
    let runs = Runs::new();

    let args = [
        DIVE_ID,
        "svc_embed",
        "--session-hint",
        "board-1",
        "--dive-version",
        "2",
        "--resource",
        "md:sales=sales",
        "--resource",
        "md:reference",
        "--state",
        r#"{"region":"eu"}"#,
    ];
    succeeded(&runs.run("dives", &args));
    succeeded(&runs.run("dives", &[DIVE_ID, "svc_embed", "--no-resources"]));

    let route = format!("POST /v1/dives/{DIVE_ID}/embed-session");
    assert_eq!(runs.conforming_routes(), [route.clone(), route]);
    let every_option = json!({
        "username": "svc_embed",
        "session_hint": "board-1",
        "version": 2,
        "required_resources": [{ "url": "md:sales", "alias": "sales" }, { "url": "md:reference" }],
        "initial_state": { "region": "eu" },
    });
    let no_resources = json!({ "username": "svc_embed", "required_resources": [] });
    assert_eq!(runs.bodies(), [by_value(every_option), by_value(no_resources)]);
}

#[test]
fn invalid_input_exits_1_with_the_error_and_sends_nothing() {
    let runs = Runs::new();

    let output = runs.run("users", &["create", "1svc"]);

    assert_eq!(output.status.code(), Some(1), "stderr:\n{}", stderr(&output));
    assert!(stderr(&output).contains("invalid `username`"), "{}", stderr(&output));
    assert_eq!(runs.recorder.connections(), 0);
}

#[test]
fn missing_token_exits_1_naming_the_variables() {
    let runs = Runs::new();

    let output = runs.command("accounts", &[]).output().expect("failed to run the example");

    assert_eq!(output.status.code(), Some(1), "stderr:\n{}", stderr(&output));
    assert!(stderr(&output).contains("MOTHERDUCK_ADMIN_TOKEN"), "{}", stderr(&output));
    assert_eq!(runs.recorder.connections(), 0);
}

#[test]
fn unknown_option_exits_2_with_the_usage() {
    let runs = Runs::new();

    for example in ["users", "tokens", "ducklings", "accounts", "dives"] {
        let output = runs.run(example, &["--bogus"]);

        assert_eq!(output.status.code(), Some(2), "{example}: stderr:\n{}", stderr(&output));
        assert!(stderr(&output).contains("usage:"), "{example}: {}", stderr(&output));
    }
    assert_eq!(runs.recorder.connections(), 0);
}
