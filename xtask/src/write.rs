//! Replacing a set of files all or none, for `regenerate` and `update-spec`.
//!
//! Each new file is first written to a temporary file beside its target, with the
//! target's permissions; only when every one is written are they renamed into place. If a
//! rename fails, the files already replaced get their previous contents back the same
//! way and the remaining temporary files are removed, so the tree is never left half
//! updated. A crash between two renames can still leave a mix; nothing short of a
//! transactional file system prevents that.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context;

/// One file to replace.
#[derive(Debug, Clone)]
pub(crate) struct Write {
    /// Where it goes.
    pub(crate) path: PathBuf,
    /// The new contents, written byte for byte.
    pub(crate) contents: Vec<u8>,
    /// The contents it has now, or `None` when it does not exist yet.
    pub(crate) previous: Option<Vec<u8>>,
}

impl Write {
    /// A write of `contents` to `path`, reading what is there now so it can be restored.
    pub(crate) fn new(path: PathBuf, contents: impl Into<Vec<u8>>) -> Self {
        let previous = fs::read(&path).ok();
        Write { path, contents: contents.into(), previous }
    }

    /// Whether the file would change.
    pub(crate) fn changes(&self) -> bool {
        self.previous.as_deref() != Some(self.contents.as_slice())
    }
}

/// Replaces each file with its new contents, atomically as a set.
pub(crate) fn write_all(writes: &[Write]) -> anyhow::Result<()> {
    let mut temps = Vec::new();
    for write in writes {
        match stage(&write.path, &write.contents) {
            Ok(temp) => temps.push(temp),
            Err(e) => {
                temps.iter().for_each(|t| drop(fs::remove_file(t)));
                return Err(e);
            }
        }
    }
    for (i, (write, temp)) in writes.iter().zip(&temps).enumerate() {
        if let Err(e) = fs::rename(temp, &write.path) {
            restore(&writes[..i]);
            temps[i..].iter().for_each(|t| drop(fs::remove_file(t)));
            return Err(e).with_context(|| format!("failed to replace {}", write.path.display()));
        }
    }
    Ok(())
}

/// Writes `contents` to the temporary file beside `path` and returns that file's path.
fn stage(path: &Path, contents: &[u8]) -> anyhow::Result<PathBuf> {
    let temp = temp_path(path);
    let written = path
        .parent()
        .map_or(Ok(()), fs::create_dir_all)
        .and_then(|()| fs::write(&temp, contents))
        .and_then(|()| match fs::metadata(path) {
            Ok(target) => fs::set_permissions(&temp, target.permissions()),
            Err(_) => Ok(()),
        });
    if let Err(e) = written {
        let _ = fs::remove_file(&temp);
        return Err(e).with_context(|| format!("failed to write {}", temp.display()));
    }
    Ok(temp)
}

/// Puts back the previous contents of files already replaced.
fn restore(done: &[Write]) {
    for write in done {
        match &write.previous {
            Some(old) => {
                if let Ok(temp) = stage(&write.path, old) {
                    let _ = fs::rename(&temp, &write.path);
                }
            }
            None => drop(fs::remove_file(&write.path)),
        }
    }
}

fn temp_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.xtask-tmp"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_every_file_as_it_was() {
        let dir = std::env::temp_dir().join(format!("xtask-write-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let a = dir.join("a.rs");
        fs::write(&a, "old").unwrap();
        // A directory where a file should go makes the second rename fail.
        let b = dir.join("b.rs");
        fs::create_dir_all(b.join("in-the-way")).unwrap();
        let writes = [Write::new(a.clone(), "new"), Write::new(b.clone(), "new")];
        let err = write_all(&writes).unwrap_err();
        assert!(format!("{err:#}").contains("b.rs"), "{err:#}");
        assert_eq!(fs::read_to_string(&a).unwrap(), "old");
        assert!(!temp_path(&a).exists() && !temp_path(&b).exists());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_replaced_file_keeps_its_permissions() {
        let dir = std::env::temp_dir().join(format!("xtask-write-mode-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let a = dir.join("spec.json");
        fs::write(&a, "old").unwrap();
        let mut read_only = fs::metadata(&a).unwrap().permissions();
        read_only.set_readonly(true);
        fs::set_permissions(&a, read_only).unwrap();
        write_all(&[Write::new(a.clone(), "new")]).unwrap();
        assert_eq!(fs::read_to_string(&a).unwrap(), "new");
        assert!(fs::metadata(&a).unwrap().permissions().readonly());
        let _ = fs::remove_dir_all(&dir);
    }
}
