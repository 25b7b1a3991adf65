//! Where the SDK's per-call overhead goes: plain reqwest with the SDK's habits added one
//! at a time, beside the SDK itself, all sequential on loopback.
//!
//! The habits are what the SDK does around each request that a bare `GET` does not: a
//! per-attempt timeout, the `User-Agent` header, reading the body as a size-capped
//! stream, and cloning the request for a possible retry. The step between two rows is
//! what that habit costs; what is left between the last row and the SDK is the rest
//! (validation, the generated layers, hooks, tracing).

use std::time::{Duration, Instant};

use anyhow::Context;
use motherduck_api::types::Tokens;
use reqwest::header::{ACCEPT, USER_AGENT};

use crate::measure;
use crate::server::Server;

const ROUTE: &str = "/v1/users/u/tokens";

/// What a plain call does beyond a bare `GET`.
#[derive(Debug, Clone, Copy, Default)]
struct Habits {
    timeout: bool,
    user_agent: bool,
    streamed_body: bool,
    retry_clone: bool,
}

/// One row: a way of calling and its median time per call.
#[derive(Debug)]
pub(crate) struct Row {
    pub(crate) name: &'static str,
    pub(crate) per_call: Duration,
}

/// Measures each way of calling, `calls` per round, interleaved over `rounds`.
pub(crate) fn measure(body: &'static str, calls: usize, rounds: usize) -> anyhow::Result<Vec<Row>> {
    let server = Server::start(ROUTE, body.as_bytes())?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let http = reqwest::Client::builder()
        .connect_timeout(motherduck_api::DEFAULT_CONNECT_TIMEOUT)
        .build()?;
    let sdk = motherduck_api::Client::builder().token("t").base_url(server.base_url()).build()?;
    let base = server.base_url();
    let steps = ladder();
    runtime.block_on(async {
        let ways = steps.len() + 1;
        let mut times = vec![Vec::new(); ways];
        for round in 0..=rounds {
            for i in (0..ways).map(|i| (i + round) % ways) {
                let started = Instant::now();
                for _ in 0..calls {
                    let tokens = match steps.get(i) {
                        Some((_, habits)) => plain(&http, &base, *habits).await?,
                        None => sdk.tokens().list("u").await?,
                    };
                    std::hint::black_box(tokens);
                }
                if round > 0 {
                    times[i].push(started.elapsed() / calls as u32);
                }
            }
        }
        let names = steps.iter().map(|(n, _)| *n).chain(["the SDK (`client.tokens().list`)"]);
        Ok(names.zip(&times).map(|(name, t)| Row { name, per_call: measure::median(t) }).collect())
    })
}

/// Each row adds one habit to the one before.
fn ladder() -> Vec<(&'static str, Habits)> {
    let mut habits = Habits::default();
    let mut rows = vec![("plain reqwest", habits)];
    habits.timeout = true;
    rows.push(("+ per-request timeout", habits));
    habits.user_agent = true;
    rows.push(("+ User-Agent header", habits));
    habits.streamed_body = true;
    rows.push(("+ body read as a capped stream", habits));
    habits.retry_clone = true;
    rows.push(("+ request cloned twice for a retry", habits));
    rows
}

async fn plain(http: &reqwest::Client, base: &str, habits: Habits) -> anyhow::Result<Tokens> {
    let mut request = http
        .get(format!("{base}/v1/users/u/tokens"))
        .bearer_auth("t")
        .header(ACCEPT, "application/json");
    if habits.user_agent {
        request = request.header(USER_AGENT, concat!("motherduck-api/", env!("CARGO_PKG_VERSION")));
    }
    if habits.timeout {
        request = request.timeout(motherduck_api::DEFAULT_TIMEOUT);
    }
    let mut request = request.build()?;
    if habits.retry_clone {
        let copy = request.try_clone().context("a GET clones")?;
        request = copy.try_clone().context("a GET clones")?;
    }
    let response = http.execute(request).await?.error_for_status()?;
    if !habits.streamed_body {
        return Ok(serde_json::from_slice(&response.bytes().await?)?);
    }
    let limit = 16 << 20;
    let mut stream: std::pin::Pin<
        Box<dyn futures_core::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>,
    > = Box::pin(response.bytes_stream());
    let mut body = Vec::new();
    while let Some(chunk) = std::future::poll_fn(|cx| stream.as_mut().poll_next(cx)).await {
        let chunk = chunk?;
        anyhow::ensure!(body.len() + chunk.len() <= limit, "body over the limit");
        body.extend_from_slice(&chunk);
    }
    Ok(serde_json::from_slice(&body)?)
}
