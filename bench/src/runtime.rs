//! Runtime overhead: an SDK call against the same request made with plain reqwest.
//!
//! Both clients talk to the same kind of loopback server (one each, so each server's
//! connection count belongs to one client). The SDK is `client.tokens().list("u")`; the
//! plain call is what a user would write without it: a `reqwest::Client` with the SDK's
//! connect timeout, a `GET` with the same bearer and `Accept` headers, a status check,
//! and `serde_json::from_slice` of the body into the SDK's own `Tokens`. Each client is
//! built once and warmed up; the measured rounds alternate which goes first, and the
//! figure is the median of the rounds' per-call times.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use motherduck_api::types::Tokens;
use reqwest::header::ACCEPT;

use crate::measure;
use crate::server::Server;

const ROUTE: &str = "/v1/users/u/tokens";
const TOKEN: &str = "bench-token";
pub(crate) const BODY: &str = r#"{"tokens":[
{"id":"0b7f3a9e-5c2d-4e1f-9a8b-7c6d5e4f3a2b","name":"ci","created_ts":"2025-01-02T03:04:05Z","expire_at":"2026-01-02T03:04:05Z","read_only":false,"token_type":"read_write"},
{"id":"1c8e4b0f-6d3e-4f20-8b9c-8d7e6f5a4b3c","name":"dashboards","created_ts":"2025-02-03T04:05:06Z","read_only":true,"token_type":"read_scaling"},
{"id":"2d9f5c1a-7e4f-4031-9cad-9e8f7a6b5c4d","created_ts":"2025-03-04T05:06:07Z","read_only":false,"token_type":"read_write"}]}"#;

/// How much to measure.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Plan {
    pub(crate) calls: usize,
    pub(crate) rounds: usize,
    pub(crate) concurrency: usize,
}

/// One way of calling: sequential or concurrent.
#[derive(Debug)]
pub(crate) struct Mode {
    pub(crate) name: String,
    pub(crate) sdk: Duration,
    pub(crate) plain: Duration,
    /// Connections each client opened during the measured rounds (after warm-up).
    pub(crate) sdk_connections: usize,
    pub(crate) plain_connections: usize,
}

#[derive(Clone)]
enum Caller {
    Sdk(motherduck_api::Client),
    Plain { http: reqwest::Client, base: String },
}

impl Caller {
    async fn call(&self, user: &str) -> anyhow::Result<Tokens> {
        match self {
            Caller::Sdk(client) => Ok(client.tokens().list(user).await?),
            Caller::Plain { http, base } => {
                let response = http
                    .get(format!("{base}/v1/users/{user}/tokens"))
                    .bearer_auth(TOKEN)
                    .header(ACCEPT, "application/json")
                    .send()
                    .await?
                    .error_for_status()?;
                Ok(serde_json::from_slice(&response.bytes().await?)?)
            }
        }
    }
}

/// Measures sequential and concurrent calls as `plan` says.
pub(crate) fn measure(plan: Plan) -> anyhow::Result<Vec<Mode>> {
    let sdk_server = Server::start(ROUTE, BODY.as_bytes())?;
    let plain_server = Server::start(ROUTE, BODY.as_bytes())?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let sdk = Caller::Sdk(
        motherduck_api::Client::builder().token(TOKEN).base_url(sdk_server.base_url()).build()?,
    );
    let http = reqwest::Client::builder()
        .connect_timeout(motherduck_api::DEFAULT_CONNECT_TIMEOUT)
        .build()?;
    let plain = Caller::Plain { http, base: plain_server.base_url() };
    let servers = [&sdk_server, &plain_server];
    let modes = runtime.block_on(async {
        check_same_answer(&sdk, &plain).await?;
        let sequential = mode(&servers, [&sdk, &plain], plan, 1).await?;
        let concurrent = mode(&servers, [&sdk, &plain], plan, plan.concurrency).await?;
        anyhow::Ok(vec![sequential, concurrent])
    })?;
    let expected = 1 + 2 * (1 + plan.rounds) * plan.calls;
    for server in servers {
        ensure!(server.stats().unexpected() == 0, "a client asked for something but {ROUTE}");
        let requests = server.stats().requests();
        ensure!(requests == expected, "{requests} requests arrived where {expected} were made");
    }
    Ok(modes)
}

async fn check_same_answer(sdk: &Caller, plain: &Caller) -> anyhow::Result<()> {
    let a = sdk.call("u").await.context("the SDK call failed")?;
    let b = plain.call("u").await.context("the plain call failed")?;
    ensure!(a == b && a.tokens.len() == 3, "the SDK and plain reqwest decode different values");
    Ok(())
}

async fn mode(
    servers: &[&Server; 2],
    callers: [&Caller; 2],
    plan: Plan,
    concurrency: usize,
) -> anyhow::Result<Mode> {
    let name = match concurrency {
        1 => format!("sequential, {} calls", plan.calls),
        n => format!("{n} concurrent, {} calls", plan.calls),
    };
    eprintln!("runtime: {name}");
    for caller in callers {
        batch(caller, plan.calls, concurrency).await?;
    }
    let opened_before = servers.map(|s| s.stats().connections());
    let mut times = [Vec::new(), Vec::new()];
    for round in 0..plan.rounds {
        let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
        for i in order {
            times[i].push(batch(callers[i], plan.calls, concurrency).await? / plan.calls as u32);
        }
    }
    let opened = [0, 1].map(|i| servers[i].stats().connections() - opened_before[i]);
    Ok(Mode {
        name,
        sdk: measure::median(&times[0]),
        plain: measure::median(&times[1]),
        sdk_connections: opened[0],
        plain_connections: opened[1],
    })
}

/// Makes `calls` sequential calls with the SDK (`sdk`) or plain reqwest against a fresh
/// server and returns the time per call, for running under a profiler or `strace`.
pub(crate) fn calls(sdk: bool, calls: usize) -> anyhow::Result<Duration> {
    let server = Server::start(ROUTE, BODY.as_bytes())?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let caller = if sdk {
        Caller::Sdk(
            motherduck_api::Client::builder().token(TOKEN).base_url(server.base_url()).build()?,
        )
    } else {
        let http = reqwest::Client::builder()
            .connect_timeout(motherduck_api::DEFAULT_CONNECT_TIMEOUT)
            .build()?;
        Caller::Plain { http, base: server.base_url() }
    };
    runtime.block_on(batch(&caller, calls, 1)).map(|d| d / calls as u32)
}

/// Instructions per call, SDK and plain, counted by valgrind's callgrind in this binary's
/// `calls` mode (both threads, client and server, user space only). Unlike wall time this
/// does not move with the machine's load: the ratio is the same on every run. Startup is
/// taken out by counting two runs of different lengths and dividing the difference.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Instructions {
    pub(crate) sdk: u64,
    pub(crate) plain: u64,
}

/// Counts [`Instructions`], or says why it could not (valgrind is not installed).
pub(crate) fn instructions() -> anyhow::Result<Result<Instructions, String>> {
    const SHORT: u64 = 1_000;
    const LONG: u64 = 3_000;
    let probe = std::process::Command::new("valgrind").arg("--version").output();
    if !probe.is_ok_and(|o| o.status.success()) {
        return Ok(Err("valgrind is not installed (apt-get install valgrind)".into()));
    }
    let me = std::env::current_exe().context("no path to this binary")?;
    let count = |mode: &str, calls: u64| -> anyhow::Result<u64> {
        eprintln!("runtime: instructions, {mode}, {calls} calls (callgrind)");
        let output = measure::run(
            std::process::Command::new("valgrind")
                .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
                .arg(&me)
                .args(["calls", mode, &calls.to_string()]),
        )?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        stderr
            .lines()
            .find_map(|l| l.split_once("Collected : ").map(|(_, n)| n.trim().replace(',', "")))
            .and_then(|n| n.parse().ok())
            .context("callgrind printed no instruction count")
    };
    let per_call = |mode: &str| -> anyhow::Result<u64> {
        let (short, long) = (count(mode, SHORT)?, count(mode, LONG)?);
        Ok(long.saturating_sub(short) / (LONG - SHORT))
    };
    Ok(Ok(Instructions { sdk: per_call("sdk")?, plain: per_call("plain")? }))
}

/// Makes `calls` calls, `concurrency` at a time, and returns the wall time.
async fn batch(caller: &Caller, calls: usize, concurrency: usize) -> anyhow::Result<Duration> {
    let started = Instant::now();
    if concurrency == 1 {
        for _ in 0..calls {
            std::hint::black_box(caller.call("u").await?);
        }
        return Ok(started.elapsed());
    }
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (caller, next) = (caller.clone(), Arc::clone(&next));
        tasks.spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < calls {
                std::hint::black_box(caller.call("u").await?);
            }
            anyhow::Ok(())
        });
    }
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    Ok(started.elapsed())
}
