//! `motherduck-bench`: what users of `motherduck-api` pay, beside what they would use
//! instead. `cargo xtask bench` runs every part in a release build and prints the
//! markdown that BENCHMARKS.md records; progress goes to stderr.
//!
//! - [`synthetic`]: the vendored spec scaled to N× its operations.
//! - [`generation`]: the whole pipeline at 1×, 10×, 100×, 1000×, beside raw progenitor.
//! - [`tasks`]: `cargo xtask check` and `regenerate` as a contributor runs them.
//! - [`generators`]: OpenAPI Generator's Rust client on the same spec.
//! - [`runtime`] and [`server`]: an SDK call against plain reqwest on loopback;
//!   [`breakdown`]: what each of the SDK's habits adds to a call.
//! - [`mod@compile`]: cold builds, crate counts, the incremental rebuild.
//! - [`report`], [`machine`], [`measure`]: the output and the timing helpers.
//!
//! Usage: `motherduck-bench [PART...] [--quick] [--sizes 1,10,100]`, where a part is
//! `generation`, `tasks`, `generators`, `runtime` or `compile` (all by default).
//! For a profiler: `motherduck-bench spec N` prints the N× spec, `once N [raw]` generates it
//! once (ours, or raw progenitor), `calls sdk|plain N` makes N sequential calls. Exit codes: 0 done, 1 failure, 2 bad usage.

mod breakdown;
mod compile;
mod generation;
mod generators;
mod machine;
mod measure;
mod report;
mod runtime;
mod server;
mod synthetic;
mod tasks;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};

use report::Results;

const PARTS: [&str; 5] = ["generation", "tasks", "generators", "runtime", "compile"];
const USAGE: &str = "usage: motherduck-bench [generation|tasks|generators|runtime|compile]... \
                     [--quick] [--sizes 1,10,100,1000]\n       motherduck-bench spec|once N";

/// What to run and how much.
#[derive(Debug)]
struct Options {
    parts: Vec<String>,
    sizes: Vec<usize>,
    runtime: runtime::Plan,
    touches: usize,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("spec") => copies(&args).and_then(print_spec),
        Some("once") => generate_once(&args),
        Some("calls") => calls(&args),
        _ => match options(&args) {
            Ok(options) => run(&root(), &options),
            Err(e) => {
                eprintln!("error: {e}\n{USAGE}");
                return ExitCode::from(2);
            }
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn options(args: &[String]) -> anyhow::Result<Options> {
    let mut options = Options {
        parts: Vec::new(),
        sizes: vec![1, 10, 100, 1000],
        runtime: runtime::Plan { calls: 10_000, rounds: 7, concurrency: 64 },
        touches: 3,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => {
                options.sizes = vec![1, 10];
                options.runtime = runtime::Plan { calls: 1_000, rounds: 3, concurrency: 64 };
                options.touches = 1;
            }
            "--sizes" => options.sizes = sizes(args.next().map(String::as_str))?,
            part if PARTS.contains(&part) => options.parts.push(part.to_string()),
            other => bail!("unknown argument `{other}`"),
        }
    }
    if options.parts.is_empty() {
        options.parts = PARTS.map(String::from).to_vec();
    }
    Ok(options)
}

fn sizes(list: Option<&str>) -> anyhow::Result<Vec<usize>> {
    let list = list.context("--sizes needs a list such as 1,10,100")?;
    list.split(',').map(|n| n.trim().parse().with_context(|| format!("bad size `{n}`"))).collect()
}

fn copies(args: &[String]) -> anyhow::Result<usize> {
    args.get(1).context("a number of copies is needed")?.parse().context("not a number of copies")
}

fn run(root: &Path, options: &Options) -> anyhow::Result<()> {
    let wants = |part: &str| options.parts.iter().any(|p| p == part);
    let mut results = Results { machine: machine::describe(), ..Results::default() };
    if wants("generation") {
        results.generation = Some(generation::measure(root, &options.sizes, true)?);
    }
    if wants("generators") || wants("tasks") {
        results.generators = Some(generators::measure(root)?);
    }
    if wants("tasks") {
        results.tasks = Some(tasks::measure(root)?);
    }
    if wants("runtime") {
        results.runtime = Some(runtime::measure(options.runtime)?);
        let plan = options.runtime;
        results.breakdown = Some(breakdown::measure(runtime::BODY, plan.calls, plan.rounds)?);
        results.instructions = Some(runtime::instructions()?);
    }
    if wants("compile") {
        results.compile = Some(compile(root, results.generators.as_ref(), options.touches)?);
    }
    results.load_at_end = machine::load();
    print!("{}", report::render(&results));
    Ok(())
}

fn compile(
    root: &Path,
    generators: Option<&generators::Generators>,
    touches: usize,
) -> anyhow::Result<report::Compile> {
    let dependent = compile::dependent(root)?;
    let mut builds = vec![compile::cold(&compile::Target {
        name: "motherduck-api, as a dependency (default profile)".into(),
        dir: &dependent,
        args: Vec::new(),
    })?];
    let (workspace, incremental) = compile::workspace(root, touches)?;
    builds.push(workspace);
    let mut skipped = Vec::new();
    let owned;
    let oag = match generators {
        Some(g) => g.openapi_generator.as_ref().map(|g| g.dir.clone()),
        None => {
            owned = generators::measure(root)?;
            owned.openapi_generator.as_ref().map(|g| g.dir.clone())
        }
    };
    match oag {
        Ok(dir) => builds.extend(openapi_generator_builds(&dir)?),
        Err(why) => skipped.push(format!("OpenAPI Generator's crate: {why}")),
    }
    Ok(report::Compile { builds, incremental, skipped })
}

fn openapi_generator_builds(dir: &Path) -> anyhow::Result<Vec<compile::Build>> {
    let rustls = ["--no-default-features", "--features", "rustls"].map(String::from).to_vec();
    [("rustls, as ours", rustls), ("its default features: native-tls", Vec::new())]
        .into_iter()
        .map(|(what, args)| {
            compile::cold(&compile::Target {
                name: format!("OpenAPI Generator's crate, {what}"),
                dir,
                args,
            })
        })
        .collect()
}

fn calls(args: &[String]) -> anyhow::Result<()> {
    let sdk = match args.get(1).map(String::as_str) {
        Some("sdk") => true,
        Some("plain") => false,
        _ => bail!("`calls` needs `sdk` or `plain`, then a count"),
    };
    let count = args.get(2).map_or(Ok(10_000), |n| n.parse()).context("not a count")?;
    eprintln!("{}", measure::show(runtime::calls(sdk, count)?));
    Ok(())
}

fn print_spec(copies: usize) -> anyhow::Result<()> {
    let spec = synthetic::scale(&generation::vendored(&root())?, copies)?;
    println!("{}", serde_json::to_string_pretty(&spec)?);
    Ok(())
}

fn generate_once(args: &[String]) -> anyhow::Result<()> {
    let copies = copies(args)?;
    let spec = synthetic::scale(&generation::vendored(&root())?, copies)?;
    eprintln!("{copies}x: {} operations", synthetic::operation_count(&spec));
    if args.get(2).is_some_and(|a| a == "raw") {
        let mut fixed = spec;
        synthetic::single_error_schema(&mut fixed)?;
        let source = codegen::baseline::raw_progenitor(&serde_json::to_vec_pretty(&fixed)?)?;
        eprintln!("raw progenitor: {}", measure::Lines::of(&source));
        return Ok(());
    }
    for file in codegen::generate(&serde_json::to_vec_pretty(&spec)?)? {
        eprintln!("{}: {}", file.path, measure::Lines::of(&file.contents));
    }
    Ok(())
}

/// The workspace root: the parent of this crate's directory.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("bench lives in the workspace")
        .to_path_buf()
}
