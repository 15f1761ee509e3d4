//! Which folders are in use, known by OS file locks (`flock` on Unix, `LockFileEx` on
//! Windows). The system releases a lock when its process ends, however it ends (kill -9
//! included), and a lock is seen across containers sharing the folder, where process ids
//! are not. So a folder is swept only when its lock is free.

use crate::error::{Error, Result};
use crate::write::remove_tree;
use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

/// A lock held until dropped. Its file stays: were it removed, a later process could lock
/// a new file of the same name while an earlier one still holds the old.
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

impl Lock {
    /// Takes the lock of the file at `path` (created if missing); `Ok(None)` when another
    /// process holds it.
    pub fn try_take(path: &Path) -> Result<Option<Lock>> {
        let failed = |source| Error::Write {
            path: path.to_path_buf(),
            source,
        };
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .map_err(failed)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(Lock { _file: file })),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(source)) => Err(failed(source)),
        }
    }
}

/// A working folder `parent/<prefix>-<pid>`, in use while the lock of
/// `<prefix>-<pid>.lock` beside it is held. Removed when dropped; the folder of a process
/// that was killed is removed by the next [`WorkDir::create`] with the same parent.
#[derive(Debug)]
pub struct WorkDir {
    pub path: PathBuf,
    lock_path: PathBuf,
    lock: Option<Lock>,
}

impl WorkDir {
    pub fn create(parent: &Path, prefix: &str) -> Result<WorkDir> {
        std::fs::create_dir_all(parent).map_err(|source| Error::Write {
            path: parent.to_path_buf(),
            source,
        })?;
        sweep(parent, prefix);
        let pid = std::process::id();
        for n in 0..100 {
            let name = match n {
                0 => format!("{prefix}-{pid}"),
                n => format!("{prefix}-{pid}-{n}"),
            };
            let lock_path = parent.join(format!("{name}.lock"));
            let Some(lock) = Lock::try_take(&lock_path)? else {
                continue;
            };
            let path = parent.join(name);
            let made = remove_tree(&path).and_then(|_| std::fs::create_dir(&path));
            made.map_err(|source| Error::Write {
                path: path.clone(),
                source,
            })?;
            return Ok(WorkDir {
                path,
                lock_path,
                lock: Some(lock),
            });
        }
        Err(Error::Other(format!(
            "cannot make a working folder in {}: every name is in use",
            parent.display()
        )))
    }
}

impl Drop for WorkDir {
    /// The folder goes, and its lock file too: the name has this process's id, so only a
    /// process of the same id in another container could be opening that file, and one
    /// that finds it held takes another name.
    fn drop(&mut self) {
        let _ = remove_tree(&self.path);
        let _ = std::fs::remove_file(&self.lock_path);
        self.lock.take();
    }
}

/// Removes the working folders `parent/<prefix>-*` whose lock is free (and their locks).
fn sweep(parent: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let start = format!("{prefix}-");
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(folder) = name
            .strip_prefix(&start)
            .and_then(|rest| rest.strip_suffix(".lock"))
        else {
            continue;
        };
        let lock_path = entry.path();
        if let Ok(Some(lock)) = Lock::try_take(&lock_path) {
            if remove_tree(&parent.join(format!("{start}{folder}"))).is_ok() {
                let _ = std::fs::remove_file(&lock_path);
            }
            drop(lock);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_holder_at_a_time() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("lock");
        let held = Lock::try_take(&path).unwrap().expect("free at first");
        assert!(Lock::try_take(&path).unwrap().is_none(), "held");
        drop(held);
        assert!(
            Lock::try_take(&path).unwrap().is_some(),
            "released when dropped"
        );
    }

    #[test]
    fn work_folders_of_ended_processes_are_swept() {
        let tmp = tempfile::tempdir().unwrap();
        // A killed run: its folder and lock file are there, nobody holds the lock.
        let dead = tmp.path().join("run-1");
        std::fs::create_dir_all(dead.join("site")).unwrap();
        std::fs::write(tmp.path().join("run-1.lock"), "").unwrap();
        // A run in progress elsewhere: it holds its lock.
        let live = tmp.path().join("run-2");
        std::fs::create_dir_all(&live).unwrap();
        let held = Lock::try_take(&tmp.path().join("run-2.lock")).unwrap();
        let work = WorkDir::create(tmp.path(), "run").unwrap();
        assert!(work.path.is_dir());
        assert!(!dead.exists(), "a killed run's folder is swept");
        assert!(live.exists(), "a running run's folder is kept");
        let path = work.path.clone();
        drop(work);
        assert!(!path.exists(), "removed when done");
        drop(held);
    }
}
