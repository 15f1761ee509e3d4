//! The folder `serve` serves, kept between builds so a rebuild touches only what changed.
//!
//! [`LiveDir`] remembers, for every file it holds, a hash of its bytes and (for pages) a
//! fingerprint of the template name and the full template context the page was rendered
//! from. A rebuild is a [`Pass`], an [`Output`] that
//! - answers [`Output::fresh`] with yes when a page's fingerprint is unchanged: the
//!   renderer then skips the template entirely (this is what keeps an edit to one case
//!   from re-rendering ten thousand pages: only pages whose context mentions the edited
//!   data — the case page, listings showing its card, neighbours linking to it — differ);
//! - skips writing any file whose bytes are unchanged;
//! - writes changed files into a pending folder, moved into place (one rename each) only
//!   when the whole pass succeeded, so a failed rebuild leaves the last good build served.
//!
//! Files the new build no longer produces (a deleted case) are removed on commit.

use crate::error::{Error, Result};
use crate::render::{collect, Fill, Output};
use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tera::Context;

pub struct LiveDir {
    dir: PathBuf,
    pending: PathBuf,
    /// Every file in `dir` → hash of its bytes.
    hashes: Arc<HashMap<String, u64>>,
    /// Pages in `dir` → fingerprint of (template, context).
    fingerprints: Arc<HashMap<String, u64>>,
}

/// What a committed pass changed.
#[derive(Debug, Default)]
pub struct Committed {
    /// Files written because their bytes changed, sorted.
    pub written: Vec<String>,
    /// Files removed because the build no longer produces them, sorted.
    pub removed: Vec<String>,
    /// Pages not rendered at all because their context was unchanged.
    pub reused: usize,
}

impl LiveDir {
    /// `dir` is served; `pending` (on the same file system) holds a pass's changes.
    pub fn new(dir: PathBuf, pending: PathBuf) -> Result<LiveDir> {
        std::fs::create_dir_all(&dir).map_err(|source| Error::Write {
            path: dir.clone(),
            source,
        })?;
        Ok(LiveDir {
            dir,
            pending,
            hashes: Arc::default(),
            fingerprints: Arc::default(),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Templates changed: no page may be reused on the strength of its context alone.
    pub fn forget_pages(&mut self) {
        self.fingerprints = Arc::default();
    }

    /// Writes `files` (output path, bytes) straight into the served folder, each through
    /// a rename, ahead of the next pass; returns those whose bytes changed. Their
    /// fingerprints are forgotten, so the next pass renders them again (and writes them
    /// only if its bytes differ from these).
    pub fn preview(&mut self, files: &[(String, Vec<u8>)]) -> Result<Vec<String>> {
        let mut written = Vec::new();
        for (rel, bytes) in files {
            let hash = hash_bytes(bytes);
            if self.hashes.get(rel) == Some(&hash) {
                continue;
            }
            write_atomically(&self.dir, rel, bytes)?;
            Arc::make_mut(&mut self.hashes).insert(rel.clone(), hash);
            Arc::make_mut(&mut self.fingerprints).remove(rel);
            written.push(rel.clone());
        }
        Ok(written)
    }

    /// Starts a pass; once `cancel` is set the pass renders nothing more and fails.
    pub fn begin(&self, cancel: Arc<AtomicBool>) -> Result<Pass> {
        // The first pass has no good build to protect: it writes in place.
        let direct = self.hashes.is_empty();
        if !direct {
            let _ = std::fs::remove_dir_all(&self.pending);
            std::fs::create_dir_all(&self.pending).map_err(|source| Error::Write {
                path: self.pending.clone(),
                source,
            })?;
        }
        Ok(Pass {
            cancel,
            dir: self.dir.clone(),
            previous: self.hashes.clone(),
            previous_pages: self.fingerprints.clone(),
            target: if direct {
                self.dir.clone()
            } else {
                self.pending.clone()
            },
            hashes: Mutex::default(),
            fingerprints: Mutex::default(),
            written: Mutex::default(),
            reused: AtomicUsize::new(0),
        })
    }

    /// Moves the pass's changes into place and forgets files it did not produce.
    pub fn commit(&mut self, pass: Pass) -> Result<Committed> {
        let direct = pass.target == self.dir;
        let hashes = take(&pass.hashes);
        let fingerprints = take(&pass.fingerprints);
        let mut written = take(&pass.written);
        let reused = pass.reused.load(Ordering::Relaxed);
        written.sort();
        if !direct {
            for rel in &written {
                let (from, to) = (self.pending.join(rel), self.dir.join(rel));
                if let Some(parent) = to.parent() {
                    std::fs::create_dir_all(parent).map_err(|source| Error::Write {
                        path: parent.to_path_buf(),
                        source,
                    })?;
                }
                std::fs::rename(&from, &to).map_err(|source| Error::Write { path: to, source })?;
            }
        }
        drop(pass); // removes the (now empty) pending folder
        let mut removed: Vec<String> = self
            .hashes
            .keys()
            .filter(|rel| !hashes.contains_key(*rel))
            .cloned()
            .collect();
        removed.sort();
        for rel in &removed {
            let _ = std::fs::remove_file(self.dir.join(rel));
        }
        self.hashes = Arc::new(hashes);
        self.fingerprints = Arc::new(fingerprints);
        Ok(Committed {
            written,
            removed,
            reused,
        })
    }
}

fn take<T: Default>(m: &Mutex<T>) -> T {
    std::mem::take(&mut *m.lock().unwrap_or_else(|e| e.into_inner()))
}

/// One rebuild into a [`LiveDir`]; dropped without [`LiveDir::commit`], it changes nothing.
pub struct Pass {
    cancel: Arc<AtomicBool>,
    /// The served folder.
    dir: PathBuf,
    previous: Arc<HashMap<String, u64>>,
    previous_pages: Arc<HashMap<String, u64>>,
    /// Where this pass writes: the served folder itself (first pass) or `pending`.
    target: PathBuf,
    hashes: Mutex<HashMap<String, u64>>,
    fingerprints: Mutex<HashMap<String, u64>>,
    written: Mutex<Vec<String>>,
    reused: AtomicUsize,
}

impl Drop for Pass {
    fn drop(&mut self) {
        if self.target != self.dir {
            let _ = std::fs::remove_dir_all(&self.target);
        }
    }
}

impl Output for Pass {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(Error::Cancelled);
        }
        let hash = hash_bytes(bytes);
        lock(&self.hashes).insert(path.to_string(), hash);
        if self.previous.get(path) == Some(&hash) {
            return Ok(());
        }
        write_atomically(&self.target, path, bytes)?;
        lock(&self.written).push(path.to_string());
        Ok(())
    }

    /// Kept whole: a file is compared with the previous build's by the hash of its bytes.
    fn write_parts(&self, path: &str, fill: &mut Fill<'_>) -> Result<()> {
        self.write(path, &collect(fill)?)
    }

    fn fresh(&self, file: &str, template: &str, ctx: &Context) -> bool {
        if self.cancel.load(Ordering::Relaxed) {
            return true; // skip the template; the next write fails the pass
        }
        let fp = fingerprint(template, ctx);
        lock(&self.fingerprints).insert(file.to_string(), fp);
        match self.previous.get(file) {
            Some(&hash) if self.previous_pages.get(file) == Some(&fp) => {
                lock(&self.hashes).insert(file.to_string(), hash);
                self.reused.fetch_add(1, Ordering::Relaxed);
                true
            }
            _ => false,
        }
    }
}

fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Hash of the template name and everything in the context, walking its values directly
/// (formatting them, e.g. with `Debug`, would spend most of the time escaping Chinese).
fn fingerprint(template: &str, ctx: &Context) -> u64 {
    let mut h = DefaultHasher::new();
    template.hash(&mut h);
    hash_value(&ctx.clone().into_json(), &mut h);
    h.finish()
}

fn hash_value(v: &serde_json::Value, h: &mut DefaultHasher) {
    use serde_json::Value;
    match v {
        Value::Null => h.write_u8(0),
        Value::Bool(b) => {
            h.write_u8(1);
            b.hash(h);
        }
        Value::Number(n) => {
            h.write_u8(2);
            match (n.as_i64(), n.as_u64(), n.as_f64()) {
                (Some(i), _, _) => i.hash(h),
                (_, Some(u), _) => u.hash(h),
                (_, _, f) => f.unwrap_or(f64::NAN).to_bits().hash(h),
            }
        }
        Value::String(s) => {
            h.write_u8(3);
            s.hash(h);
        }
        Value::Array(items) => {
            h.write_u8(4);
            h.write_usize(items.len());
            for item in items {
                hash_value(item, h);
            }
        }
        Value::Object(map) => {
            h.write_u8(5);
            h.write_usize(map.len());
            for (k, item) in map {
                k.hash(h);
                hash_value(item, h);
            }
        }
    }
}

/// Writes through a temporary file and a rename, so a reader never sees half a file.
fn write_atomically(dir: &Path, rel: &str, bytes: &[u8]) -> Result<()> {
    let path = crate::write::prepare_path(dir, rel)?;
    let tmp = path.with_file_name(format!(
        ".{}.tmp",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    ));
    std::fs::write(&tmp, bytes).map_err(|source| Error::Write {
        path: tmp.clone(),
        source,
    })?;
    std::fs::rename(&tmp, &path).map_err(|source| Error::Write { path, source })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(body: &str) -> Context {
        let mut c = Context::new();
        c.insert("body", body);
        c
    }

    #[test]
    fn a_cancelled_pass_says_so() {
        let tmp = tempfile::tempdir().unwrap();
        let live = LiveDir::new(tmp.path().join("site"), tmp.path().join("pending")).unwrap();
        let cancel = Arc::new(AtomicBool::new(true));
        let pass = live.begin(cancel).unwrap();
        assert!(matches!(
            pass.write("a/index.html", b"x"),
            Err(Error::Cancelled)
        ));
    }

    #[test]
    fn unchanged_pages_are_reused_and_failed_passes_change_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let mut live = LiveDir::new(tmp.path().join("site"), tmp.path().join("pending")).unwrap();
        let pass = live.begin(Arc::default()).unwrap();
        for (file, body) in [("a/index.html", "甲"), ("b/index.html", "乙")] {
            assert!(!pass.fresh(file, "case.html", &ctx(body)));
            pass.write(file, body.as_bytes()).unwrap();
        }
        pass.write("gone.txt", b"x").unwrap();
        let c = live.commit(pass).unwrap();
        assert_eq!(c.written.len(), 3);

        // A failed pass: nothing changes on disk.
        let pass = live.begin(Arc::default()).unwrap();
        assert!(!pass.fresh("a/index.html", "case.html", &ctx("甲改")));
        pass.write("a/index.html", "甲改".as_bytes()).unwrap();
        drop(pass);
        let a = tmp.path().join("site/a/index.html");
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "甲");

        // A good pass: one page re-rendered, one reused, one file gone.
        let pass = live.begin(Arc::default()).unwrap();
        assert!(!pass.fresh("a/index.html", "case.html", &ctx("甲改")));
        pass.write("a/index.html", "甲改".as_bytes()).unwrap();
        assert!(pass.fresh("b/index.html", "case.html", &ctx("乙")));
        let c = live.commit(pass).unwrap();
        assert_eq!(c.written, vec!["a/index.html".to_string()]);
        assert_eq!(c.removed, vec!["gone.txt".to_string()]);
        assert_eq!(c.reused, 1);
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "甲改");
        assert!(!tmp.path().join("site/gone.txt").exists());
        assert!(!tmp.path().join("pending").exists());

        // A preview is written at once; the next pass renders the page again and, its
        // bytes being the same, leaves the file alone.
        let written = live
            .preview(&[("a/index.html".into(), "甲再改".as_bytes().to_vec())])
            .unwrap();
        assert_eq!(written, vec!["a/index.html".to_string()]);
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "甲再改");
        let pass = live.begin(Arc::default()).unwrap();
        assert!(
            !pass.fresh("a/index.html", "case.html", &ctx("甲改")),
            "forgotten"
        );
        pass.write("a/index.html", "甲再改".as_bytes()).unwrap();
        assert!(pass.fresh("b/index.html", "case.html", &ctx("乙")));
        assert!(live.commit(pass).unwrap().written.is_empty());

        // After forgetting pages, a same context renders again.
        live.forget_pages();
        let pass = live.begin(Arc::default()).unwrap();
        assert!(!pass.fresh("b/index.html", "case.html", &ctx("乙")));
    }
}
