//! Compile cost: cold builds with a warm cargo cache, crate counts, the incremental rebuild.
//!
//! Each cold build gets a fresh, empty target directory (removed afterwards) after a
//! `cargo fetch`, so registry downloads are not timed but every crate is compiled. All are
//! debug builds. Ours is built twice: as a dependent sees it (a scratch crate depending on
//! `motherduck-api` by path, with the workspace's lockfile, under cargo's default
//! profile) and as the issue states it (`cargo build -p motherduck-api` in the workspace,
//! whose profile builds dependencies at `opt-level = 2` for the generator's sake). The
//! incremental figure touches the generated `api.rs` and rebuilds in the workspace.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, SystemTime};

use anyhow::Context;

use crate::measure::{self, Plan};

const GENERATED: &str = "motherduck-api/src/generated/api.rs";

/// One cold build.
#[derive(Debug)]
pub(crate) struct Build {
    pub(crate) name: String,
    pub(crate) cold: Duration,
    /// Packages cargo compiled (its `Compiling` lines), build-only dependencies included.
    pub(crate) compiled: usize,
    /// Distinct packages in `cargo tree -e normal`, the crate itself included.
    pub(crate) tree: usize,
}

/// A crate to build: where, with which arguments.
#[derive(Debug)]
pub(crate) struct Target<'a> {
    pub(crate) name: String,
    pub(crate) dir: &'a Path,
    /// Arguments for both `cargo build` and `cargo tree` (package and features).
    pub(crate) args: Vec<String>,
}

/// Builds `target` cold in a fresh target directory.
pub(crate) fn cold(target: &Target<'_>) -> anyhow::Result<Build> {
    let target_dir = measure::scratch("target")?;
    let build = cold_in(target, &target_dir);
    let _ = fs::remove_dir_all(&target_dir);
    build
}

fn cold_in(target: &Target<'_>, target_dir: &Path) -> anyhow::Result<Build> {
    eprintln!("compile: {} (cold)", target.name);
    measure::run(Command::new("cargo").arg("fetch").current_dir(target.dir))?;
    let (cold, output) = measure::timed(
        Command::new("cargo")
            .arg("build")
            .args(&target.args)
            .env("CARGO_TARGET_DIR", target_dir)
            .current_dir(target.dir),
    )?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let compiled = stderr.lines().filter(|l| l.trim_start().starts_with("Compiling ")).count();
    Ok(Build { name: target.name.clone(), cold, compiled, tree: tree(target)? })
}

fn tree(target: &Target<'_>) -> anyhow::Result<usize> {
    let output = measure::run(
        Command::new("cargo")
            .args(["tree", "-e", "normal", "--prefix", "none"])
            .args(&target.args)
            .current_dir(target.dir),
    )?;
    let text = String::from_utf8_lossy(&output.stdout);
    let mut crates: Vec<&str> =
        text.lines().map(|l| l.trim_end_matches(" (*)").trim()).filter(|l| !l.is_empty()).collect();
    crates.sort_unstable();
    crates.dedup();
    Ok(crates.len())
}

/// A scratch crate that depends on the workspace's `motherduck-api` by path.
pub(crate) fn dependent(root: &Path) -> anyhow::Result<std::path::PathBuf> {
    let dir = measure::scratch("dependent")?;
    let manifest = format!(
        "[package]\nname = \"dependent\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nmotherduck-api = {{ path = {:?} }}\n\n[workspace]\n",
        root.join("motherduck-api")
    );
    fs::write(dir.join("Cargo.toml"), manifest)?;
    fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))
        .context("failed to copy Cargo.lock")?;
    fs::create_dir_all(dir.join("src"))?;
    fs::write(dir.join("src/lib.rs"), "//! Depends on motherduck-api.\npub use motherduck_api;\n")?;
    Ok(dir)
}

/// Cold `cargo build -p motherduck-api` in the workspace, then the rebuild after touching
/// the generated file (median of `touches`).
pub(crate) fn workspace(root: &Path, touches: usize) -> anyhow::Result<(Build, Duration)> {
    let target = Target {
        name: "motherduck-api, in the workspace (`cargo build -p motherduck-api`)".into(),
        dir: root,
        args: vec!["-p".into(), "motherduck-api".into()],
    };
    let target_dir = measure::scratch("target")?;
    let result = cold_in(&target, &target_dir).and_then(|build| {
        let rebuilt = incremental(root, &target_dir, touches)?;
        Ok((build, rebuilt))
    });
    let _ = fs::remove_dir_all(&target_dir);
    result
}

fn incremental(root: &Path, target_dir: &Path, touches: usize) -> anyhow::Result<Duration> {
    eprintln!("compile: rebuild after touching {GENERATED}");
    let samples = measure::sample(Plan::new(touches, touches, 0), || {
        fs::File::options()
            .write(true)
            .open(root.join(GENERATED))
            .and_then(|f| f.set_modified(SystemTime::now()))
            .with_context(|| format!("failed to touch {GENERATED}"))?;
        let output = measure::run(
            Command::new("cargo")
                .args(["build", "-p", "motherduck-api"])
                .env("CARGO_TARGET_DIR", target_dir)
                .current_dir(root),
        )?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        anyhow::ensure!(
            stderr.contains("Compiling motherduck-api"),
            "touching {GENERATED} did not make cargo rebuild motherduck-api"
        );
        Ok(())
    })?;
    Ok(measure::median(&samples))
}
