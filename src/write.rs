//! Write: rendered files go into a staging folder beside the output folder; only when
//! the whole build succeeded is it swapped in. A failed build leaves the previous output
//! exactly as it was.

use crate::error::{Error, Result};
use crate::render::Output;
use std::path::{Path, PathBuf};

pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
}

impl Staging {
    /// Creates an empty staging folder next to `target` (same file system, so the swap is
    /// a rename).
    pub fn new(target: &Path) -> Result<Staging> {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(|source| Error::Write {
            path: parent.to_path_buf(),
            source,
        })?;
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        if dir.exists() {
            let _ = std::fs::remove_dir_all(&dir);
        }
        std::fs::create_dir_all(&dir).map_err(|source| Error::Write {
            path: dir.clone(),
            source,
        })?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Replaces the target with the staged files.
    pub fn commit(self) -> Result<()> {
        let old = self.dir.with_file_name(format!(
            "{}.old",
            self.dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        ));
        let had_old = self.target.exists();
        if had_old {
            std::fs::rename(&self.target, &old).map_err(|source| Error::Write {
                path: self.target.clone(),
                source,
            })?;
        }
        if let Err(source) = std::fs::rename(&self.dir, &self.target) {
            if had_old {
                let _ = std::fs::rename(&old, &self.target);
            }
            return Err(Error::Write {
                path: self.target.clone(),
                source,
            });
        }
        if had_old {
            let _ = std::fs::remove_dir_all(&old);
        }
        std::mem::forget(self);
        Ok(())
    }
}

impl Drop for Staging {
    /// A staging folder that was not committed is thrown away.
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Output for Staging {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        write_file(&self.dir, path, bytes)
    }
}

/// Writes straight into a folder (used by `serve` for incremental updates).
pub struct Direct(pub PathBuf);

impl Output for Direct {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        write_file(&self.0, path, bytes)
    }
}

/// Discards everything (used by `check`).
pub struct Discard;

impl Output for Discard {
    fn write(&self, _path: &str, _bytes: &[u8]) -> Result<()> {
        Ok(())
    }
}

/// The path `rel` names inside `dir`, with its folder created; refuses paths that would
/// leave `dir`.
pub(crate) fn prepare_path(dir: &Path, rel: &str) -> Result<PathBuf> {
    if rel.split('/').any(|seg| seg == "..") || rel.starts_with('/') {
        return Err(Error::Other(format!(
            "refusing to write outside the output folder: {rel}"
        )));
    }
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|source| Error::Write {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    Ok(path)
}

fn write_file(dir: &Path, rel: &str, bytes: &[u8]) -> Result<()> {
    let path = prepare_path(dir, rel)?;
    std::fs::write(&path, bytes).map_err(|source| Error::Write { path, source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_swaps_and_drop_discards() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        std::fs::create_dir_all(&target).unwrap();
        std::fs::write(target.join("old.html"), "old").unwrap();
        {
            let s = Staging::new(&target).unwrap();
            s.write("new.html", b"new").unwrap();
            // dropped without commit
        }
        assert!(target.join("old.html").exists());
        assert!(!target.join("new.html").exists());
        let s = Staging::new(&target).unwrap();
        s.write("a/b/new.html", b"new").unwrap();
        s.commit().unwrap();
        assert!(target.join("a/b/new.html").exists());
        assert!(!target.join("old.html").exists());
        assert_eq!(
            std::fs::read_dir(tmp.path()).unwrap().count(),
            1,
            "no staging folders left behind"
        );
    }

    #[test]
    fn refuses_paths_outside() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(Direct(tmp.path().to_path_buf()).write("../x", b"").is_err());
    }
}
