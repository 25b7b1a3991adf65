//! `cargo xtask diff [OLD] [NEW]`: the API change report between two specs.
//!
//! - no argument: the spec committed at git `HEAD` against the working tree's;
//! - one: the working tree's spec against the given file;
//! - two: the first file against the second.
//!
//! Raw specs are compared with raw specs, never one side normalized: normalization hoists
//! and renames schemas and fills in documentation, which the report would show as
//! changes nobody made. The report ends with the version `motherduck-api` should take,
//! counted from the version in its `Cargo.toml`. Comparing writes nothing and exits 0
//! whatever changed; only a spec that cannot be read or parsed fails.

use std::fs;
use std::path::Path;
use std::process::{Command, ExitCode};

use anyhow::{Context, bail};
use serde_json::Value;

/// The manifest whose `version` the report bumps.
const SDK_MANIFEST: &str = "motherduck-api/Cargo.toml";

pub(crate) fn run(root: &Path, args: &[String]) -> anyhow::Result<ExitCode> {
    let working = root.join(codegen::SPEC_PATH);
    let (old, new) = match args {
        [] => (committed_spec(root)?, read_spec(&working)?),
        [new] => (read_spec(&working)?, read_spec(Path::new(new))?),
        [old, new] => (read_spec(Path::new(old))?, read_spec(Path::new(new))?),
        _ => bail!("diff takes at most two specs"),
    };
    print!("{}", report(root, &old, &new)?);
    Ok(ExitCode::SUCCESS)
}

/// The change report from `old` to `new`, rendered for the SDK's current version.
pub(crate) fn report(root: &Path, old: &Value, new: &Value) -> anyhow::Result<String> {
    render(root, &codegen::diff::compare(old, new))
}

/// `report` rendered for the SDK's current version.
pub(crate) fn render(root: &Path, report: &codegen::diff::Report) -> anyhow::Result<String> {
    let version = sdk_version(root)?;
    report.render(&version).with_context(|| format!("failed to read the version in {SDK_MANIFEST}"))
}

/// Parses spec bytes read from `source` (a path or URL, for the error message).
pub(crate) fn parse(bytes: &[u8], source: &str) -> anyhow::Result<Value> {
    serde_json::from_slice(bytes).with_context(|| format!("{source} is not valid JSON"))
}

fn read_spec(path: &Path) -> anyhow::Result<Value> {
    let bytes = fs::read(path).with_context(|| format!("failed to read {}", path.display()))?;
    parse(&bytes, &path.display().to_string())
}

/// The vendored spec as committed at `HEAD`.
fn committed_spec(root: &Path) -> anyhow::Result<Value> {
    let object = format!("HEAD:{}", codegen::SPEC_PATH);
    let output = Command::new("git")
        .args(["show", &object])
        .current_dir(root)
        .output()
        .context("failed to run git")?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        bail!("`git show {object}` failed: {}", stderr.trim());
    }
    parse(&output.stdout, &object)
}

/// The `version` of the `[package]` table of `motherduck-api/Cargo.toml`.
fn sdk_version(root: &Path) -> anyhow::Result<String> {
    let path = root.join(SDK_MANIFEST);
    let text =
        fs::read_to_string(&path).with_context(|| format!("failed to read {}", path.display()))?;
    package_version(&text).with_context(|| format!("{SDK_MANIFEST} has no `[package]` version"))
}

/// A plain `version = "…"` line of the `[package]` table, the form this workspace uses.
fn package_version(manifest: &str) -> Option<String> {
    let mut in_package = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[package]";
            continue;
        }
        let Some(value) = line.strip_prefix("version").map(str::trim_start) else { continue };
        if in_package && let Some(value) = value.strip_prefix('=') {
            let value = value.trim();
            return value.strip_prefix('"')?.split_once('"').map(|(v, _)| v.to_owned());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_package_version_and_not_a_dependency_version() {
        let manifest = "[package]\nname = \"motherduck-api\"\nversion = \"0.3.1\" # next\n\n\
                        [dependencies]\nserde = { version = \"1\" }\n";
        assert_eq!(package_version(manifest).as_deref(), Some("0.3.1"));
        assert_eq!(package_version("[dependencies]\nversion = \"1\"\n"), None);
        assert_eq!(package_version("[package]\nversion.workspace = true\n"), None);
    }
}
