//! `cargo xtask regenerate`: write the generated files that changed, all or none.
//!
//! Everything is generated in memory first, so a spec that does not generate writes
//! nothing. Each changed file is then written to a temporary file beside it; only when
//! all are written are they renamed into place, and if a rename fails the files already
//! replaced are put back, so the tree is never half-regenerated.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

pub(crate) fn run(root: &Path) -> anyhow::Result<ExitCode> {
    let (drift, _) = codegen::drift::check(root)?;
    if drift.is_empty() {
        println!("all generated files are current");
        return Ok(ExitCode::SUCCESS);
    }
    let writes: Vec<(PathBuf, &str, Option<&str>)> = drift
        .iter()
        .map(|d| (root.join(d.path), d.expected.as_str(), d.actual.as_deref()))
        .collect();
    write_all(&writes)?;
    for d in &drift {
        println!("wrote {}", d.path);
    }
    Ok(ExitCode::SUCCESS)
}

/// Replaces each file with its new contents, atomically as a set.
fn write_all(writes: &[(PathBuf, &str, Option<&str>)]) -> anyhow::Result<()> {
    let mut temps = Vec::new();
    for (path, contents, _) in writes {
        let temp = temp_path(path);
        let written = path
            .parent()
            .map_or(Ok(()), fs::create_dir_all)
            .and_then(|()| fs::write(&temp, contents))
            .with_context(|| format!("failed to write {}", temp.display()));
        if let Err(e) = written {
            temps.iter().for_each(|t: &PathBuf| drop(fs::remove_file(t)));
            let _ = fs::remove_file(&temp);
            return Err(e);
        }
        temps.push(temp);
    }
    for (i, ((path, _, _), temp)) in writes.iter().zip(&temps).enumerate() {
        if let Err(e) = fs::rename(temp, path) {
            restore(&writes[..i]);
            temps[i..].iter().for_each(|t| drop(fs::remove_file(t)));
            return Err(e).with_context(|| format!("failed to replace {}", path.display()));
        }
    }
    Ok(())
}

/// Puts back the previous contents of files already replaced.
fn restore(done: &[(PathBuf, &str, Option<&str>)]) {
    for (path, _, old) in done {
        match old {
            Some(old) => drop(fs::write(path, old)),
            None => drop(fs::remove_file(path)),
        }
    }
}

fn temp_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.regenerate-tmp"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_every_file_as_it_was() {
        let dir = std::env::temp_dir().join(format!("xtask-regenerate-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let a = dir.join("a.rs");
        fs::write(&a, "old").unwrap();
        // A directory where a file should go makes the second rename fail.
        let b = dir.join("b.rs");
        fs::create_dir_all(b.join("in-the-way")).unwrap();
        let err =
            write_all(&[(a.clone(), "new", Some("old")), (b.clone(), "new", None)]).unwrap_err();
        assert!(format!("{err:#}").contains("b.rs"), "{err:#}");
        assert_eq!(fs::read_to_string(&a).unwrap(), "old");
        assert!(!temp_path(&a).exists() && !temp_path(&b).exists());
        fs::remove_dir_all(&dir).unwrap();
    }
}
