//! Write: rendered files go into a staging folder beside the output folder; only when
//! the whole build succeeded is it swapped in. A failed build leaves the previous output
//! exactly as it was.
//!
//! A build holds the output's lock (`.public.casebook-lock` beside `public/`) from start
//! to end, so no two builds of one output run at once, and every staging folder found by
//! a build holding the lock is a killed build's, safe to sweep. The swap is one atomic
//! exchange on Linux; elsewhere it is two renames, and a build killed between them is
//! undone by the next, which puts the old output back before anything else.
//!
//! The output a swap replaces is kept as the spare (`.public.staging-spare`), and the next
//! build fills the spare again instead of an empty folder: on a disk, creating and
//! removing every folder and file of a site at each build costs more than rendering it
//! (bench/README.md, "Rebuilds that create nothing"). A file already right in the spare
//! is left alone, one the current output has right is linked from it, anything else is
//! written as a new file (never into one, which may be the current output's too), and
//! what the build did not write is removed before the swap.

use crate::error::{Error, Result};
use crate::lock::Lock;
use crate::render::{Fill, Output};
use std::path::{Path, PathBuf};

pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    /// Where the output a swap replaces is kept for the next build.
    spare: PathBuf,
    /// The previous output, whose unchanged files are linked rather than written again.
    previous: Option<Previous>,
    /// Set when the staging folder is the spare, filled again: the files this build
    /// wrote, so that the rest can be removed before the swap.
    written: Option<std::sync::Mutex<std::collections::HashSet<String>>>,
    /// Held until the staging folder is swapped in or dropped.
    _lock: Lock,
}

impl Staging {
    /// Takes the lock of `target`, repairs and sweeps what killed builds of it left, and
    /// creates an empty staging folder next to it (same file system, so the swap is a
    /// rename). Fails at once if another build of `target` is running.
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
        let lock = Lock::try_take(&parent.join(format!(".{name}.casebook-lock")))?
            .ok_or_else(|| {
                Error::Other(format!(
                    "another build of {} is running; wait for it to finish (or stop it), then build again",
                    target.display()
                ))
            })?;
        restore_interrupted_swap(parent, &name, target)?;
        remove_stale(parent, &name);
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        let spare = parent.join(format!(".{name}.{SPARE}"));
        let reused = take_spare(&spare, &dir);
        if !reused {
            std::fs::create_dir_all(&dir).map_err(|source| Error::Write {
                path: dir.clone(),
                source,
            })?;
        }
        lock_live().push(dir.clone());
        // Marks the output as casebook's, so the next build may replace it (`outdir`).
        let staging = Staging {
            previous: Previous::open(target),
            dir,
            target: target.to_path_buf(),
            spare,
            written: reused.then(Default::default),
            _lock: lock,
        };
        staging.write(crate::outdir::MARKER, crate::outdir::MARKER_TEXT.as_bytes())?;
        Ok(staging)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Replaces the target with the staged files. A Ctrl-C meanwhile waits for the swap
    /// (see [`remove_live_staging`]); the old output becomes the spare after it.
    pub fn commit(mut self) -> Result<()> {
        if let Some(written) = self.written.take() {
            let written = written.into_inner().unwrap_or_else(|e| e.into_inner());
            remove_unwritten(&self.dir, &written)?;
        }
        let old = {
            let _swapping = lock_swap();
            if STOPPING.load(std::sync::atomic::Ordering::SeqCst) {
                return Err(Error::Other("stopped".into()));
            }
            let old = swap_in(&self.dir, &self.target)?;
            forget_live(&self.dir);
            SWAPPED.store(true, std::sync::atomic::Ordering::SeqCst);
            old
        };
        // After an exchange the old output is where the staging folder was: it becomes
        // the spare the next build fills.
        if let Some(old) = old {
            if std::fs::rename(&old, &self.spare).is_err() {
                let _ = remove_tree(&old);
            }
        }
        // Dropping releases the lock (the staging folder is gone already).
        Ok(())
    }
}

/// Puts `staged` in place of `target`; returns where the old output went, if there was
/// one. Linux exchanges the two in one step, so there is never a moment without an
/// output. Elsewhere (or on a file system without the exchange) the output is first
/// renamed to `<staged>.old`; a build killed before the second rename leaves that for
/// [`restore_interrupted_swap`].
fn swap_in(staged: &Path, target: &Path) -> Result<Option<PathBuf>> {
    let failed = |source| Error::Write {
        path: target.to_path_buf(),
        source,
    };
    if std::fs::symlink_metadata(target).is_err() {
        std::fs::rename(staged, target).map_err(failed)?;
        return Ok(None);
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{renameat_with, RenameFlags, CWD};
        if renameat_with(CWD, staged, CWD, target, RenameFlags::EXCHANGE).is_ok() {
            return Ok(Some(staged.to_path_buf()));
        }
    }
    let old = old_name(staged);
    std::fs::rename(target, &old).map_err(failed)?;
    if let Err(source) = std::fs::rename(staged, target) {
        let _ = std::fs::rename(&old, target);
        return Err(failed(source));
    }
    Ok(Some(old))
}

/// `.public.staging-PID.old` for `.public.staging-PID`.
fn old_name(staged: &Path) -> PathBuf {
    let name = staged
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    staged.with_file_name(format!("{name}.old"))
}

/// A build killed between the two renames of [`swap_in`] left no output, only the old
/// one as `.name.staging-PID.old`: put it back. Called with the output's lock held.
fn restore_interrupted_swap(parent: &Path, name: &str, target: &Path) -> Result<()> {
    if std::fs::symlink_metadata(target).is_ok() {
        return Ok(());
    }
    let prefix = format!(".{name}.staging-");
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Ok(());
    };
    let newest = entries
        .flatten()
        .filter(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.starts_with(&prefix) && n.ends_with(".old")
        })
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .max();
    if let Some((_, old)) = newest {
        std::fs::rename(&old, target).map_err(|source| Error::Write {
            path: target.to_path_buf(),
            source,
        })?;
    }
    Ok(())
}

/// The spare's name after `.public.`: it starts like a staging folder's, so sites'
/// `.gitignore` (`.*.staging-*`) already leaves it out.
pub const SPARE: &str = "staging-spare";

/// Makes the spare the staging folder `dir`, if there is one made only of folders and
/// plain files (anything else, a link above all, and it is removed instead). Called with
/// the output's lock held.
fn take_spare(spare: &Path, dir: &Path) -> bool {
    match std::fs::symlink_metadata(spare) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            let _ = std::fs::remove_file(spare);
            return false;
        }
        Err(_) => return false,
    }
    let plain = walkdir::WalkDir::new(spare)
        .into_iter()
        .all(|e| e.is_ok_and(|e| e.file_type().is_dir() || e.file_type().is_file()));
    if plain && std::fs::rename(spare, dir).is_ok() {
        return true;
    }
    let _ = remove_tree(spare);
    false
}

/// Removes from a staging folder filled again every file this build did not write, then
/// the folders left empty.
fn remove_unwritten(dir: &Path, written: &std::collections::HashSet<String>) -> Result<()> {
    let failed = |path: &Path, source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    for entry in walkdir::WalkDir::new(dir).min_depth(1).contents_first(true) {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            failed(&path, std::io::Error::other(e.to_string()))
        })?;
        let path = entry.path();
        if entry.file_type().is_dir() {
            // Not empty: it holds files of this build.
            let _ = std::fs::remove_dir(path);
            continue;
        }
        let rel = path.strip_prefix(dir).map(key).unwrap_or_default();
        if !written.contains(&rel) {
            std::fs::remove_file(path).map_err(|e| failed(path, e))?;
        }
    }
    Ok(())
}

/// A path inside the output as the set of written files knows it: its names joined by
/// `/`, whatever way it was spelled (`a//b`, `./a`).
fn key(rel: &Path) -> String {
    rel.components()
        .filter_map(|c| match c {
            std::path::Component::Normal(n) => Some(n.to_string_lossy()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Staging folders of builds in progress in this process.
static LIVE: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

fn lock_live() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    LIVE.lock().unwrap_or_else(|e| e.into_inner())
}

fn forget_live(dir: &Path) {
    lock_live().retain(|d| d != dir);
}

/// Held while a staging folder is swapped in, so Ctrl-C lets a swap finish.
static SWAP: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn lock_swap() -> std::sync::MutexGuard<'static, ()> {
    SWAP.lock().unwrap_or_else(|e| e.into_inner())
}

/// Set once a build of this process has swapped its output in.
static SWAPPED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Removes the staging folders of builds in progress: for a Ctrl-C handler, since an
/// interrupted process runs no destructors. A swap under way is finished first, and no
/// swap begins afterwards. Returns true if a new output was swapped in (the build was
/// stopped only while removing the old one). A file being written as it runs may keep a
/// folder from going; the next build of the same output removes what is left.
pub fn remove_live_staging() -> bool {
    STOPPING.store(true, std::sync::atomic::Ordering::SeqCst);
    let _swapping = lock_swap();
    for dir in std::mem::take(&mut *lock_live()) {
        // Renderers may still be finishing a file: a few tries.
        for _ in 0..10 {
            if std::fs::remove_dir_all(&dir).is_ok() || !dir.exists() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
    SWAPPED.load(std::sync::atomic::Ordering::SeqCst)
}

/// Set once the process is being stopped: staging writes fail from then on.
static STOPPING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Removes what killed builds of `parent/name` left behind: every `.name.staging-*`
/// folder (and `.old`). Called with the output's lock held, so none is in use.
fn remove_stale(parent: &Path, name: &str) {
    let prefix = format!(".{name}.staging-");
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let spare = format!(".{name}.{SPARE}");
    for entry in entries.flatten() {
        let n = entry.file_name().to_string_lossy().into_owned();
        if n.starts_with(&prefix) && n != spare {
            let _ = remove_tree(&entry.path());
        }
    }
}

impl Drop for Staging {
    /// A staging folder that was not committed becomes the spare (what it holds is
    /// checked file by file when it is filled again), or is thrown away.
    fn drop(&mut self) {
        if std::fs::symlink_metadata(&self.dir).is_ok()
            && std::fs::rename(&self.dir, &self.spare).is_err()
        {
            let _ = remove_tree(&self.dir);
        }
        forget_live(&self.dir);
    }
}

impl Staging {
    /// Makes room for a new file at `dest` in a staging folder filled again: what is
    /// there may be the current output's file too (a link), so it is never written into.
    fn clear(&self, dest: &Path) -> Result<()> {
        if self.written.is_none() {
            return Ok(());
        }
        match std::fs::symlink_metadata(dest) {
            Err(_) => Ok(()),
            Ok(m) if m.is_dir() => remove_tree(dest),
            Ok(_) => std::fs::remove_file(dest),
        }
        .map_err(|source| Error::Write {
            path: dest.to_path_buf(),
            source,
        })
    }

    fn record(&self, path: &str) {
        if let Some(written) = &self.written {
            written
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(key(Path::new(path)));
        }
    }

    /// The staging folder's `rel`, its folders made: in a spare, a file standing where a
    /// folder is now needed is removed first.
    fn prepare(&self, rel: &str) -> Result<PathBuf> {
        let path = inside(&self.dir, rel)?;
        match make_parent(&path) {
            Err(e) if self.written.is_some() => {
                let file = path
                    .ancestors()
                    .skip(1)
                    .take_while(|a| a.starts_with(&self.dir) && *a != self.dir)
                    .find(|a| std::fs::symlink_metadata(a).is_ok_and(|m| !m.is_dir()));
                let Some(file) = file else { return Err(e) };
                let _ = std::fs::remove_file(file);
                make_parent(&path)?;
            }
            other => other?,
        }
        Ok(path)
    }
}

impl Output for Staging {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        if STOPPING.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(Error::Cancelled);
        }
        let dest = self.prepare(path)?;
        self.record(path);
        if let Some(previous) = &self.previous {
            match previous.same(path, bytes, &dest) {
                Same::InPlace => return Ok(()),
                Same::Link(inode) => {
                    self.clear(&dest)?;
                    if previous.link(&inode, &dest) {
                        return Ok(());
                    }
                }
                Same::No => {}
            }
        }
        self.clear(&dest)?;
        std::fs::write(&dest, bytes).map_err(|source| Error::Write { path: dest, source })
    }

    fn fresh(&self, _file: &str, _template: &str, _ctx: &tera::Context) -> bool {
        false
    }

    fn write_parts(&self, path: &str, fill: &mut Fill<'_>) -> Result<()> {
        if STOPPING.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(Error::Cancelled);
        }
        let dest = self.prepare(path)?;
        self.record(path);
        self.clear(&dest)?;
        stream_file(dest, fill)
    }
}

/// The previous output, open, so that a rebuild links each file whose bytes did not
/// change instead of writing it again: on a disk, creating and filling a file costs far
/// more than comparing it and adding a name to its inode (bench/README.md, "Rebuilds
/// that create nothing"). The file compared is
/// reached from the output folder through no link (`RESOLVE_BENEATH | NO_SYMLINKS`), and
/// the inode linked is the one compared (through `/proc/self/fd`). Linux only; elsewhere,
/// and wherever a step fails, the file is written.
struct Previous {
    #[cfg(target_os = "linux")]
    dir: rustix::fd::OwnedFd,
}

impl Previous {
    #[cfg(target_os = "linux")]
    fn open(target: &Path) -> Option<Previous> {
        use rustix::fs::{open, Mode, OFlags};
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let dir = open(target, flags, Mode::empty()).ok()?;
        Some(Previous { dir })
    }

    #[cfg(not(target_os = "linux"))]
    fn open(_target: &Path) -> Option<Previous> {
        None
    }

    /// Whether the previous output's `rel` holds exactly `bytes`: then either `dest` is
    /// that very file already (a spare's file linked by the last build), or the file, held
    /// open, can be linked to `dest`.
    #[cfg(target_os = "linux")]
    fn same(&self, rel: &str, bytes: &[u8], dest: &Path) -> Same {
        use rustix::fs::{openat2, Mode, OFlags, ResolveFlags};
        use std::io::Read;
        use std::os::unix::fs::MetadataExt;
        let flags = OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NOCTTY;
        let resolve = ResolveFlags::BENEATH | ResolveFlags::NO_SYMLINKS;
        let Ok(fd) = openat2(&self.dir, rel, flags, Mode::empty(), resolve) else {
            return Same::No;
        };
        let mut file = std::fs::File::from(fd);
        let meta = match file.metadata() {
            Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => m,
            _ => return Same::No,
        };
        let mut old = Vec::with_capacity(bytes.len());
        if file.read_to_end(&mut old).is_err() || old != bytes {
            return Same::No;
        }
        let here = std::fs::symlink_metadata(dest);
        if here.is_ok_and(|h| h.is_file() && h.ino() == meta.ino() && h.dev() == meta.dev()) {
            return Same::InPlace;
        }
        Same::Link(file)
    }

    #[cfg(not(target_os = "linux"))]
    fn same(&self, _rel: &str, _bytes: &[u8], _dest: &Path) -> Same {
        Same::No
    }

    /// Links the open file (of [`Previous::same`]) to `dest`.
    #[cfg(target_os = "linux")]
    fn link(&self, file: &std::fs::File, dest: &Path) -> bool {
        use rustix::fd::AsRawFd;
        use rustix::fs::{linkat, AtFlags, CWD};
        let inode = format!("/proc/self/fd/{}", file.as_raw_fd());
        linkat(CWD, inode.as_str(), CWD, dest, AtFlags::SYMLINK_FOLLOW).is_ok()
    }

    #[cfg(not(target_os = "linux"))]
    fn link(&self, _file: &std::fs::File, _dest: &Path) -> bool {
        false
    }
}

/// What [`Previous::same`] found.
enum Same {
    /// The previous output's file differs, or is not there.
    No,
    /// The file at the destination is the previous output's, unchanged.
    InPlace,
    /// The previous output's file (open) holds the same bytes: link it.
    Link(std::fs::File),
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
        stream_file(prepare_path(&self.0, path)?, fill)
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
    let path = inside(dir, rel)?;
    make_parent(&path)?;
    Ok(path)
}

/// The path `rel` names inside `dir`; refuses paths that would leave `dir`.
fn inside(dir: &Path, rel: &str) -> Result<PathBuf> {
    if rel.split('/').any(|seg| seg == "..") || rel.starts_with('/') {
        return Err(Error::Other(format!(
            "refusing to write outside the output folder: {rel}"
        )));
    }
    Ok(dir.join(rel))
}

/// Creates the folder `path` goes in.
fn make_parent(path: &Path) -> Result<()> {
    match path.parent() {
        Some(parent) => std::fs::create_dir_all(parent).map_err(|source| Error::Write {
            path: parent.to_path_buf(),
            source,
        }),
        None => Ok(()),
    }
}

fn write_file(dir: &Path, rel: &str, bytes: &[u8]) -> Result<()> {
    let path = prepare_path(dir, rel)?;
    std::fs::write(&path, bytes).map_err(|source| Error::Write { path, source })
}

/// Writes the parts `fill` produces into `path` (its folder made), one after another.
fn stream_file(path: PathBuf, fill: &mut Fill<'_>) -> Result<()> {
    use std::io::Write;
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
        assert!(
            !target.join("new.html").exists(),
            "what the dropped build wrote is not in the next output"
        );
        let left: Vec<String> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("staging"))
            .collect();
        assert_eq!(left, [".public.staging-spare"], "only the spare is kept");
        let spare = tmp.path().join(".public.staging-spare");
        assert!(
            spare.join("old.html").exists(),
            "the spare is the output before"
        );
    }

    /// Filling the spare again: a file where the spare has a folder and a folder where it
    /// has a file, a file the build no longer writes, and the output being replaced is
    /// never written into (it shares its unchanged files with the spare).
    #[test]
    fn the_spare_is_filled_again_whatever_it_holds() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        for _ in 0..2 {
            let s = Staging::new(&target).unwrap();
            s.write("a/x.html", b"x").unwrap();
            s.write("b", b"b").unwrap();
            s.write("gone.html", b"gone").unwrap();
            s.commit().unwrap();
        }
        let spare = tmp.path().join(".public.staging-spare");
        assert!(
            spare.join("a/x.html").is_file(),
            "the output before is the spare"
        );
        let s = Staging::new(&target).unwrap();
        s.write("a", b"now a file").unwrap();
        s.write("b/y.html", b"now in a folder").unwrap();
        s.write("./c//z.html", b"z").unwrap();
        std::fs::write(tmp.path().join("victim"), "mine").unwrap();
        assert!(
            s.write("../victim/x.html", b"x").is_err(),
            "outside the output"
        );
        assert_eq!(std::fs::read(tmp.path().join("victim")).unwrap(), b"mine");
        s.commit().unwrap();
        assert_eq!(std::fs::read(target.join("a")).unwrap(), b"now a file");
        assert_eq!(
            std::fs::read(target.join("b/y.html")).unwrap(),
            b"now in a folder"
        );
        assert_eq!(std::fs::read(target.join("c/z.html")).unwrap(), b"z");
        assert!(
            !target.join("gone.html").exists(),
            "not written, so removed"
        );
        // The output replaced is now the spare, as it was.
        assert_eq!(std::fs::read(spare.join("a/x.html")).unwrap(), b"x");
        assert_eq!(std::fs::read(spare.join("b")).unwrap(), b"b");
        assert_eq!(std::fs::read(spare.join("gone.html")).unwrap(), b"gone");
    }

    #[test]
    fn what_killed_builds_left_is_removed_once_the_lock_is_taken() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        std::fs::create_dir_all(&target).unwrap();
        // Left by killed builds, whatever their process ids (another container's too).
        let stale = tmp.path().join(".public.staging-1");
        let stale_old = tmp.path().join(".public.staging-77.old");
        let other = tmp.path().join(".other.staging-1");
        for d in [&stale, &stale_old, &other] {
            std::fs::create_dir_all(d.join("cases")).unwrap();
        }
        let s = Staging::new(&target).unwrap();
        assert!(
            !stale.exists() && !stale_old.exists(),
            "left by killed builds"
        );
        assert!(other.exists(), "another output's folder is not touched");
        // While this build runs, a second build of the same output stops at once and
        // leaves the running build's staging folder alone.
        match Staging::new(&target) {
            Err(Error::Other(msg)) => assert!(msg.contains("another build of"), "{msg}"),
            other => panic!(
                "a second build was not stopped: {:?}",
                other.map(|s| s.dir.clone())
            ),
        }
        assert!(s.dir().is_dir(), "the running build's folder is kept");
        s.commit().unwrap();
        assert!(Staging::new(&target).is_ok(), "the lock is free again");
    }

    #[test]
    fn a_swap_cut_in_half_is_undone_by_the_next_build() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        // The old output was renamed away and the build killed before the staged one
        // took its place.
        let old = tmp.path().join(".public.staging-4242.old");
        std::fs::create_dir_all(&old).unwrap();
        std::fs::write(old.join("index.html"), "old site").unwrap();
        let s = Staging::new(&target).unwrap();
        assert_eq!(
            std::fs::read_to_string(target.join("index.html")).unwrap(),
            "old site",
            "restored before the build goes on"
        );
        drop(s);
        assert_eq!(
            std::fs::read_to_string(target.join("index.html")).unwrap(),
            "old site",
            "a failed build leaves the restored output"
        );
        assert!(!old.exists());
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
