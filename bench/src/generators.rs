//! The generators side by side on the vendored spec: generation time and output size.
//!
//! OpenAPI Generator's Rust client is the PyPI package `openapi-generator-cli`, which
//! bundles the generator's jar and runs it on the installed Java (17 here) without a
//! network. A plain clone has neither; without them its rows say why they are missing.
//!
//! Size is counted on the vendored spec and on the 10× synthetic spec; the difference,
//! divided by the operations added, is what each further operation costs in lines, which
//! separates a generator's fixed runtime from its per-operation output.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::Context;
use serde_json::Value;

use crate::measure::{self, Lines, Plan};
use crate::synthetic;

const CLI: &str = "openapi-generator-cli";
const PLAN: Plan = Plan::new(3, 5, 20);
/// The synthetic spec the per-operation size is measured on.
const COPIES: usize = 10;

/// Output size on the vendored spec and on the synthetic one.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Size {
    pub(crate) vendored: Lines,
    pub(crate) scaled: Lines,
}

/// Every generator's output size, and OpenAPI Generator's time.
#[derive(Debug)]
pub(crate) struct Generators {
    /// The synthetic spec's size, in copies of the vendored spec.
    pub(crate) copies: usize,
    /// Operations it adds.
    pub(crate) added_operations: usize,
    pub(crate) ours: Size,
    /// The SDK's hand-written modules, on disk.
    pub(crate) handwritten: Lines,
    pub(crate) raw: Result<Size, String>,
    pub(crate) openapi_generator: Result<Generated, String>,
}

/// What OpenAPI Generator produced and how long it took.
#[derive(Debug)]
pub(crate) struct Generated {
    pub(crate) version: String,
    pub(crate) generation: Duration,
    pub(crate) samples: usize,
    pub(crate) size: Size,
    /// The crate generated from the vendored spec, for the build measurements.
    pub(crate) dir: PathBuf,
}

/// Measures every generator on the vendored spec at `root` and its 10× copy.
pub(crate) fn measure(root: &Path) -> anyhow::Result<Generators> {
    let vendored = crate::generation::vendored(root)?;
    let scaled = synthetic::scale(&vendored, COPIES)?;
    let sdk = root.join("motherduck-api/src");
    eprintln!("generators: sizes, ours and raw progenitor");
    Ok(Generators {
        copies: COPIES,
        added_operations: synthetic::operation_count(&scaled)
            - synthetic::operation_count(&vendored),
        ours: Size { vendored: ours(&vendored)?, scaled: ours(&scaled)? },
        handwritten: measure::rust_lines(&sdk)? - measure::rust_lines(&sdk.join("generated"))?,
        raw: raw(&vendored).and_then(|v| Ok(Size { vendored: v, scaled: raw(&scaled)? })),
        openapi_generator: openapi_generator(&vendored, &scaled)?,
    })
}

fn ours(spec: &Value) -> anyhow::Result<Lines> {
    let files = codegen::generate(&serde_json::to_vec(spec)?)?;
    let rust = files.iter().filter(|f| f.path.ends_with(".rs"));
    Ok(rust
        .map(|f| Lines::of(&f.contents))
        .fold(Lines::default(), |a, b| Lines { all: a.all + b.all, code: a.code + b.code }))
}

fn raw(spec: &Value) -> Result<Lines, String> {
    let mut fixed = spec.clone();
    synthetic::single_error_schema(&mut fixed).map_err(|e| e.to_string())?;
    let bytes = serde_json::to_vec(&fixed).map_err(|e| e.to_string())?;
    codegen::baseline::raw_progenitor(&bytes).map(|s| Lines::of(&s)).map_err(|e| e.to_string())
}

fn openapi_generator(
    vendored: &Value,
    scaled: &Value,
) -> anyhow::Result<Result<Generated, String>> {
    let version = match Command::new(CLI).arg("version").output() {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).trim().to_string(),
        _ => return Ok(Err(format!("`{CLI}` is not installed: pip install {CLI} (needs Java)"))),
    };
    eprintln!("generators: OpenAPI Generator {version}");
    let specs = measure::scratch("specs")?;
    let (one, ten) = (specs.join("vendored.json"), specs.join("scaled.json"));
    std::fs::write(&one, serde_json::to_vec_pretty(vendored)?)?;
    std::fs::write(&ten, serde_json::to_vec_pretty(scaled)?)?;
    let dir = measure::scratch("openapi-generator")?;
    let samples = measure::sample(PLAN, || generate(&one, &dir))?;
    let scaled_dir = measure::scratch("openapi-generator-scaled")?;
    generate(&ten, &scaled_dir)?;
    let size = Size {
        vendored: measure::rust_lines(&dir.join("src"))?,
        scaled: measure::rust_lines(&scaled_dir.join("src"))?,
    };
    std::fs::remove_dir_all(&scaled_dir).context("failed to remove a scratch directory")?;
    Ok(Ok(Generated {
        version,
        generation: measure::median(&samples),
        samples: samples.len(),
        size,
        dir,
    }))
}

fn generate(spec: &Path, dir: &Path) -> anyhow::Result<()> {
    let _ = std::fs::remove_dir_all(dir);
    let mut cmd = Command::new(CLI);
    cmd.arg("generate").arg("-i").arg(spec).args(["-g", "rust", "--library", "reqwest", "-o"]);
    measure::run(cmd.arg(dir)).map(drop)
}
