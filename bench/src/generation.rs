//! Generation scaling: the whole pipeline on the vendored spec and on synthetic copies.
//!
//! Ours is `codegen::generate` (parse, normalize, progenitor, the SDK layer, format), in
//! this process and so in the profile the harness is built with (release). The baseline is
//! raw progenitor plus prettyplease (`codegen::baseline::raw_progenitor`) on the same
//! synthetic spec after the one fix it needs to run at all. The formatting share is an
//! estimate: re-parsing and re-printing our output with syn and prettyplease, which is
//! what the pipeline's last step does.

use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use serde_json::Value;

use crate::measure::{self, Plan};
use crate::synthetic;

const PLAN: Plan = Plan::new(3, 31, 10);

/// The figures for one size.
#[derive(Debug)]
pub(crate) struct Size {
    pub(crate) copies: usize,
    pub(crate) operations: usize,
    pub(crate) ours: Duration,
    pub(crate) ours_samples: usize,
    pub(crate) ours_lines: usize,
    pub(crate) format: Duration,
    /// Raw progenitor's median, samples and line count, or why it failed.
    pub(crate) raw: Result<(Duration, usize, usize), String>,
}

impl Size {
    pub(crate) fn ours_per_op(&self) -> Duration {
        self.ours / self.operations as u32
    }

    pub(crate) fn raw_per_op(&self) -> Option<Duration> {
        self.raw.as_ref().ok().map(|(d, _, _)| *d / self.operations as u32)
    }
}

/// The vendored spec, parsed.
pub(crate) fn vendored(root: &Path) -> anyhow::Result<Value> {
    let path = root.join(codegen::SPEC_PATH);
    let bytes =
        std::fs::read(&path).with_context(|| format!("failed to read {}", path.display()))?;
    serde_json::from_slice(&bytes).context("the vendored spec is not JSON")
}

/// Measures every size in `copies`, with raw progenitor beside ours when `baseline`.
pub(crate) fn measure(root: &Path, copies: &[usize], baseline: bool) -> anyhow::Result<Vec<Size>> {
    let spec = vendored(root)?;
    copies.iter().map(|&n| measure_size(&spec, n, baseline)).collect()
}

fn measure_size(spec: &Value, copies: usize, baseline: bool) -> anyhow::Result<Size> {
    let scaled = synthetic::scale(spec, copies)?;
    let operations = synthetic::operation_count(&scaled);
    let bytes = serde_json::to_vec_pretty(&scaled)?;
    eprintln!("generation: {copies}x ({operations} operations), ours");
    let files =
        codegen::generate(&bytes).with_context(|| format!("failed to generate {copies}x"))?;
    let ours = measure::sample(PLAN, || {
        std::hint::black_box(codegen::generate(&bytes)?);
        Ok(())
    })?;
    let sources: Vec<&str> =
        files.iter().filter(|f| f.path.ends_with(".rs")).map(|f| f.contents.as_str()).collect();
    let format = measure::sample(Plan::new(1, 5, 5), || format_all(&sources))?;
    let raw = if baseline { measure_raw(&scaled, copies)? } else { Err("not run".into()) };
    Ok(Size {
        copies,
        operations,
        ours: measure::median(&ours),
        ours_samples: ours.len(),
        ours_lines: sources.iter().map(|s| s.lines().count()).sum(),
        format: measure::median(&format),
        raw,
    })
}

type RawFigures = Result<(Duration, usize, usize), String>;

fn measure_raw(scaled: &Value, copies: usize) -> anyhow::Result<RawFigures> {
    eprintln!("generation: {copies}x, raw progenitor");
    let mut fixed = scaled.clone();
    synthetic::single_error_schema(&mut fixed)?;
    let bytes = serde_json::to_vec_pretty(&fixed)?;
    let lines = match codegen::baseline::raw_progenitor(&bytes) {
        Ok(source) => source.lines().count(),
        Err(e) => return Ok(Err(e.to_string())),
    };
    let samples = measure::sample(PLAN, || {
        std::hint::black_box(codegen::baseline::raw_progenitor(&bytes)?);
        Ok(())
    })?;
    Ok(Ok((measure::median(&samples), samples.len(), lines)))
}

fn format_all(sources: &[&str]) -> anyhow::Result<()> {
    for source in sources {
        let file = syn::parse_file(source).context("generated source does not parse")?;
        std::hint::black_box(prettyplease::unparse(&file));
    }
    Ok(())
}
