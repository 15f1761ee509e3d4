//! Write: rendered files go into a staging folder beside the output folder; only when
//! the whole build succeeded is it swapped in. A failed build leaves the previous output
//! exactly as it was.

use crate::error::{Error, Result};
use crate::render::{Fill, Output};
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
        remove_stale(parent, &name);
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        let _ = remove_tree(&dir);
        std::fs::create_dir_all(&dir).map_err(|source| Error::Write {
            path: dir.clone(),
            source,
        })?;
        lock_live().push(dir.clone());
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
            let _ = remove_tree(&old);
        }
        forget_live(&self.dir);
        std::mem::forget(self);
        Ok(())
    }
}

/// Staging folders of builds in progress in this process.
static LIVE: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

fn lock_live() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    LIVE.lock().unwrap_or_else(|e| e.into_inner())
}

fn forget_live(dir: &Path) {
    lock_live().retain(|d| d != dir);
}

/// Removes the staging folders of builds in progress: for a Ctrl-C handler, since an
/// interrupted process runs no destructors. A file being written as it runs may keep a
/// folder from going; the next build of the same output removes what is left.
pub fn remove_live_staging() {
    STOPPING.store(true, std::sync::atomic::Ordering::SeqCst);
    for dir in std::mem::take(&mut *lock_live()) {
        // Renderers may still be finishing a file: a few tries.
        for _ in 0..10 {
            if std::fs::remove_dir_all(&dir).is_ok() || !dir.exists() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

/// Set once the process is being stopped: staging writes fail from then on.
static STOPPING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Removes what builds of `parent/name` that were killed left behind: `.name.staging-PID`
/// (and its `.old`) of processes that no longer run. Where that cannot be known (no
/// `/proc`), nothing is removed.
fn remove_stale(parent: &Path, name: &str) {
    let prefix = format!(".{name}.staging-");
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name.strip_prefix(&prefix) else {
            continue;
        };
        let pid = rest.strip_suffix(".old").unwrap_or(rest);
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if pid != std::process::id() && process_gone(pid) {
            let _ = remove_tree(&entry.path());
        }
    }
}

/// True only when the system says no process `pid` runs.
fn process_gone(pid: u32) -> bool {
    let proc = Path::new("/proc");
    proc.join("self").exists() && !proc.join(pid.to_string()).exists()
}

impl Drop for Staging {
    /// A staging folder that was not committed is thrown away.
    fn drop(&mut self) {
        let _ = remove_tree(&self.dir);
        forget_live(&self.dir);
    }
}

impl Output for Staging {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        if STOPPING.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(Error::Cancelled);
        }
        write_file(&self.dir, path, bytes)
    }

    fn fresh(&self, _file: &str, _template: &str, _ctx: &tera::Context) -> bool {
        false
    }

    fn write_parts(&self, path: &str, fill: &mut Fill<'_>) -> Result<()> {
        if STOPPING.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(Error::Cancelled);
        }
        stream_file(&self.dir, path, fill)
    }
}

/// Threads that remove an old output: removing files is mostly waiting on the disk
/// (bench/README.md, "Notes moved from the code").
const REMOVE_THREADS: usize = 16;

/// Removes the folder `dir` and everything in it, many files at once (see
/// [`REMOVE_THREADS`]). Links are removed, never followed. Nothing there is not an error.
pub fn remove_tree(dir: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
        Ok(meta) if !meta.is_dir() => return std::fs::remove_file(dir),
        Ok(_) => {}
    }
    if let Ok(pool) = rayon::ThreadPoolBuilder::new()
        .num_threads(REMOVE_THREADS)
        .thread_name(|i| format!("casebook-remove-{i}"))
        .build()
    {
        pool.install(|| remove_contents(dir));
    }
    // What is left (nothing, unless something above failed) goes the plain way, which
    // also reports why it could not.
    std::fs::remove_dir_all(dir)
}

/// Removes what `dir` holds, in parallel on the current pool; errors are left for the
/// caller's final pass.
fn remove_contents(dir: &Path) {
    use rayon::prelude::*;
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let entries: Vec<std::fs::DirEntry> = entries.flatten().collect();
    entries.par_iter().for_each(|entry| {
        let path = entry.path();
        // `file_type` does not follow links: a link to a folder is removed as a link.
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            remove_contents(&path);
            let _ = std::fs::remove_dir(&path);
        } else {
            let _ = std::fs::remove_file(&path);
        }
    });
}

/// Writes straight into a folder (used by `serve` for incremental updates).
pub struct Direct(pub PathBuf);

impl Output for Direct {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        write_file(&self.0, path, bytes)
    }

    fn fresh(&self, _file: &str, _template: &str, _ctx: &tera::Context) -> bool {
        false
    }

    fn write_parts(&self, path: &str, fill: &mut Fill<'_>) -> Result<()> {
        stream_file(&self.0, path, fill)
    }
}

/// Discards everything (used by `check`).
pub struct Discard;

impl Output for Discard {
    fn write(&self, _path: &str, _bytes: &[u8]) -> Result<()> {
        Ok(())
    }

    fn fresh(&self, _file: &str, _template: &str, _ctx: &tera::Context) -> bool {
        false
    }

    fn write_parts(&self, _path: &str, fill: &mut Fill<'_>) -> Result<()> {
        fill(&mut |_| Ok(()))
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

/// Writes the parts `fill` produces into `dir/rel`, one after another.
fn stream_file(dir: &Path, rel: &str, fill: &mut Fill<'_>) -> Result<()> {
    use std::io::Write;
    let path = prepare_path(dir, rel)?;
    let failed = |source| Error::Write {
        path: path.clone(),
        source,
    };
    let file = std::fs::File::create(&path).map_err(failed)?;
    let mut w = std::io::BufWriter::with_capacity(1 << 16, file);
    fill(&mut |part| w.write_all(part).map_err(failed))?;
    w.flush().map_err(failed)
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

    #[cfg(unix)]
    #[test]
    fn what_killed_builds_left_is_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        // A process that has ended: its pid names no running process.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let stale = tmp.path().join(format!(".public.staging-{dead}"));
        let stale_old = tmp.path().join(format!(".public.staging-{dead}.old"));
        // A build still running (this process's parent is alive) keeps its folder.
        let running = tmp.path().join(format!(
            ".public.staging-{}",
            std::os::unix::process::parent_id()
        ));
        let other = tmp.path().join(format!(".other.staging-{dead}"));
        for d in [&stale, &stale_old, &running, &other] {
            std::fs::create_dir_all(d.join("cases")).unwrap();
        }
        let s = Staging::new(&target).unwrap();
        s.commit().unwrap();
        if Path::new("/proc/self").exists() {
            assert!(
                !stale.exists() && !stale_old.exists(),
                "left by a killed build"
            );
        }
        assert!(running.exists(), "a running build's folder is not touched");
        assert!(other.exists(), "another output's folder is not touched");
    }

    #[test]
    fn staging_folders_in_progress_are_known_for_ctrl_c() {
        // Other tests stage in parallel: only this one's folder is looked at.
        let tmp = tempfile::tempdir().unwrap();
        let s = Staging::new(&tmp.path().join("public")).unwrap();
        let dir = s.dir().to_path_buf();
        assert!(lock_live().contains(&dir));
        drop(s);
        assert!(!lock_live().contains(&dir), "forgotten once dropped");
        let s = Staging::new(&tmp.path().join("public")).unwrap();
        let dir = s.dir().to_path_buf();
        s.commit().unwrap();
        assert!(!lock_live().contains(&dir), "forgotten once committed");
    }

    #[test]
    fn remove_tree_removes_everything_and_follows_no_link() {
        let tmp = tempfile::tempdir().unwrap();
        let tree = tmp.path().join("old");
        for i in 0..40 {
            let dir = tree.join(format!("cases/c{i}/deep/er"));
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join("index.html"), "x").unwrap();
            std::fs::write(tree.join(format!("cases/c{i}/index.html")), "y").unwrap();
        }
        std::fs::create_dir_all(tree.join("empty/too")).unwrap();
        let outside = tmp.path().join("keep");
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("precious.txt"), "keep me").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&outside, tree.join("link-to-dir")).unwrap();
            std::os::unix::fs::symlink(outside.join("precious.txt"), tree.join("f")).unwrap();
        }
        remove_tree(&tree).unwrap();
        assert!(!tree.exists(), "the tree is gone");
        assert_eq!(
            std::fs::read_to_string(outside.join("precious.txt")).unwrap(),
            "keep me",
            "what a link pointed at is untouched"
        );
        remove_tree(&tree).unwrap();
        let file = tmp.path().join("plain.txt");
        std::fs::write(&file, "z").unwrap();
        remove_tree(&file).unwrap();
        assert!(!file.exists());
    }

    #[test]
    fn refuses_paths_outside() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(Direct(tmp.path().to_path_buf()).write("../x", b"").is_err());
    }
}
