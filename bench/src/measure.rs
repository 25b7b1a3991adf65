//! Timing helpers: repeated samples, medians, timed commands, line counts.
//!
//! Every figure the harness reports is a median of the samples taken in one run; nothing
//! here compares a time with a threshold.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// How many times to repeat a measurement.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Plan {
    /// Samples taken whatever the time, unless one sample alone exceeds `long`.
    pub(crate) min: usize,
    /// Samples never exceeded.
    pub(crate) max: usize,
    /// Past this total, stop once `min` samples are in.
    pub(crate) budget: Duration,
    /// A first sample this slow is the only one.
    pub(crate) long: Duration,
}

impl Plan {
    pub(crate) const fn new(min: usize, max: usize, budget_secs: u64) -> Plan {
        Plan { min, max, budget: Duration::from_secs(budget_secs), long: Duration::from_secs(20) }
    }
}

/// Runs `f` as `plan` says and returns each run's time.
pub(crate) fn sample(
    plan: Plan,
    mut f: impl FnMut() -> anyhow::Result<()>,
) -> anyhow::Result<Vec<Duration>> {
    let started = Instant::now();
    let mut samples = Vec::new();
    while samples.len() < plan.max {
        let t = Instant::now();
        f()?;
        samples.push(t.elapsed());
        let enough = samples.len() >= plan.min && started.elapsed() >= plan.budget;
        if enough || samples[0] >= plan.long {
            break;
        }
    }
    Ok(samples)
}

/// The median; the mean of the middle two for an even count.
pub(crate) fn median(samples: &[Duration]) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    match sorted.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
    }
}

/// A duration in the unit that reads best: µs, ms or s, three significant digits.
pub(crate) fn show(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs >= 1.0 {
        format!("{secs:.2} s")
    } else if secs >= 1e-3 {
        significant(secs * 1e3, "ms")
    } else {
        significant(secs * 1e6, "µs")
    }
}

fn significant(value: f64, unit: &str) -> String {
    match value {
        v if v >= 100.0 => format!("{v:.0} {unit}"),
        v if v >= 10.0 => format!("{v:.1} {unit}"),
        v => format!("{v:.2} {unit}"),
    }
}

/// `a / b` as a ratio, two decimals.
pub(crate) fn ratio(a: Duration, b: Duration) -> String {
    if b.is_zero() {
        return "n/a".into();
    }
    format!("{:.2}×", a.as_secs_f64() / b.as_secs_f64())
}

/// Runs `cmd` to completion, failing with its output when it fails.
pub(crate) fn run(cmd: &mut Command) -> anyhow::Result<Output> {
    let output = cmd.output().with_context(|| format!("failed to start {cmd:?}"))?;
    if !output.status.success() {
        bail!(
            "{cmd:?} failed ({}):\n{}{}",
            output.status,
            tail(&output.stdout),
            tail(&output.stderr)
        );
    }
    Ok(output)
}

/// Runs `cmd` and returns how long it took with its output.
pub(crate) fn timed(cmd: &mut Command) -> anyhow::Result<(Duration, Output)> {
    let t = Instant::now();
    let output = run(cmd)?;
    Ok((t.elapsed(), output))
}

fn tail(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n") + "\n"
}

/// Line counts of Rust source.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Lines {
    /// Every line.
    pub(crate) all: usize,
    /// Lines that are neither blank nor only a `//` comment (doc comments included).
    pub(crate) code: usize,
}

impl Lines {
    pub(crate) fn of(text: &str) -> Lines {
        let code = text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with("//"));
        Lines { all: text.lines().count(), code: code.count() }
    }
}

impl std::ops::Sub for Lines {
    type Output = Lines;

    fn sub(self, other: Lines) -> Lines {
        Lines { all: self.all - other.all, code: self.code - other.code }
    }
}

impl std::fmt::Display for Lines {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({} code)", self.all, self.code)
    }
}

/// Lines in every `.rs` file under `dir`.
pub(crate) fn rust_lines(dir: &Path) -> anyhow::Result<Lines> {
    let mut total = Lines::default();
    for path in rust_files(dir)? {
        let text = fs::read_to_string(&path)
            .with_context(|| format!("failed to read {}", path.display()))?;
        let lines = Lines::of(&text);
        total = Lines { all: total.all + lines.all, code: total.code + lines.code };
    }
    Ok(total)
}

fn rust_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let entries = fs::read_dir(dir).with_context(|| format!("failed to list {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            files.extend(rust_files(&path)?);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    Ok(files)
}

/// A fresh, empty scratch directory for `name`, under the system temp dir.
pub(crate) fn scratch(name: &str) -> anyhow::Result<PathBuf> {
    let dir = std::env::temp_dir().join("motherduck-bench").join(name);
    if dir.exists() {
        fs::remove_dir_all(&dir).with_context(|| format!("failed to clear {}", dir.display()))?;
    }
    fs::create_dir_all(&dir).with_context(|| format!("failed to create {}", dir.display()))?;
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[ms(5), ms(1), ms(3)]), ms(3));
        assert_eq!(median(&[ms(4), ms(1), ms(2), ms(3)]), Duration::from_micros(2500));
        assert_eq!(median(&[]), Duration::ZERO);
    }

    #[test]
    fn durations_read_in_their_unit() {
        assert_eq!(show(Duration::from_micros(42)), "42.0 µs");
        assert_eq!(show(Duration::from_micros(1_234)), "1.23 ms");
        assert_eq!(show(ms(3_300)), "3.30 s");
    }

    #[test]
    fn code_lines_leave_out_blank_and_comment_lines() {
        let lines = Lines::of("//! doc\n\n/// item doc\nfn f() {}\n    // why\n");
        assert_eq!(lines, Lines { all: 5, code: 1 });
    }

    #[test]
    fn a_plan_stops_at_its_maximum() {
        let mut calls = 0;
        let samples = sample(Plan::new(1, 4, 3600), || {
            calls += 1;
            Ok(())
        })
        .unwrap();
        assert_eq!((samples.len(), calls), (4, 4));
    }
}
