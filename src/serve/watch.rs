//! Watching the site's sources: `casebook.yaml`, `content/`, `data/`, `templates/`,
//! `static/` and `themes/` (never `public/` or anything else in the folder), with editor
//! droppings (`.swp`, `~`, `4913`, hidden files) ignored and a burst of events (an editor
//! saving through a temporary file, a `git checkout`) gathered into one rebuild.

use notify::{RecursiveMode, Watcher};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// The folders watched, recursively.
pub const WATCHED_DIRS: &[&str] = &["content", "data", "templates", "static", "themes"];

/// What wakes the serve loop.
pub enum Msg {
    Fs(notify::Result<notify::Event>),
    Stop,
}

/// Quiet time that ends a burst of events. An editor's save (temporary file, rename,
/// backup removed) is a burst of a few milliseconds; a half-read burst costs only a
/// second rebuild, since a newer change cancels the one in progress.
const QUIET: Duration = Duration::from_millis(20);
/// A burst never delays a rebuild longer than this.
const MAX_WAIT: Duration = Duration::from_millis(400);

pub struct SiteWatcher {
    root: PathBuf,
    watcher: notify::RecommendedWatcher,
    watching: BTreeSet<String>,
}

impl SiteWatcher {
    pub fn new(root: &Path, tx: std::sync::mpsc::Sender<Msg>) -> notify::Result<SiteWatcher> {
        let watcher = notify::recommended_watcher(move |ev| {
            let _ = tx.send(Msg::Fs(ev));
        })?;
        let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        let mut w = SiteWatcher {
            root,
            watcher,
            watching: BTreeSet::new(),
        };
        w.watcher.watch(&w.root, RecursiveMode::NonRecursive)?;
        w.watch_new_dirs();
        Ok(w)
    }

    /// Starts watching source folders that appeared since the last call.
    pub fn watch_new_dirs(&mut self) {
        for name in WATCHED_DIRS {
            let dir = self.root.join(name);
            if dir.is_dir() && !self.watching.contains(*name) {
                if self.watcher.watch(&dir, RecursiveMode::Recursive).is_ok() {
                    self.watching.insert(name.to_string());
                }
            } else if !dir.is_dir() {
                self.watching.remove(*name);
            }
        }
    }

    /// Waits for the next relevant change and gathers its burst. `None` means stop.
    pub fn next_change(&mut self, rx: &Receiver<Msg>) -> Option<Vec<String>> {
        let mut changed = BTreeSet::new();
        loop {
            match rx.recv() {
                Ok(Msg::Fs(ev)) => self.collect(ev, &mut changed),
                Ok(Msg::Stop) | Err(_) => return None,
            }
            if !changed.is_empty() {
                break;
            }
        }
        let start = Instant::now();
        while start.elapsed() < MAX_WAIT {
            match rx.recv_timeout(QUIET) {
                Ok(Msg::Fs(ev)) => self.collect(ev, &mut changed),
                Ok(Msg::Stop) | Err(RecvTimeoutError::Disconnected) => return None,
                Err(RecvTimeoutError::Timeout) => break,
            }
        }
        self.watch_new_dirs();
        Some(changed.into_iter().collect())
    }

    fn collect(&self, ev: notify::Result<notify::Event>, into: &mut BTreeSet<String>) {
        let Ok(ev) = ev else { return };
        if matches!(ev.kind, notify::EventKind::Access(_)) {
            return;
        }
        for path in ev.paths {
            if let Some(rel) = relevant(&self.root, &path) {
                into.insert(rel);
            }
        }
    }
}

/// `path` relative to `root` with `/`, if a change to it can change the site.
pub fn relevant(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let rel = rel.to_string_lossy().replace('\\', "/");
    let name = rel.rsplit('/').next().unwrap_or(&rel);
    let dropping = name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913";
    if dropping {
        return None;
    }
    let top = rel.split('/').next().unwrap_or("");
    (rel == crate::config::CONFIG_FILE || WATCHED_DIRS.contains(&top)).then_some(rel)
}

/// True when a change under these paths means templates may have changed.
pub fn touches_templates(paths: &[String]) -> bool {
    paths.iter().any(|p| {
        p == "templates" || p == "themes" || p.starts_with("templates/") || p.starts_with("themes/")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sources_count() {
        let root = Path::new("/site");
        let r = |p: &str| relevant(root, &root.join(p));
        assert_eq!(
            r("content/cases/a.md").as_deref(),
            Some("content/cases/a.md")
        );
        assert_eq!(r("casebook.yaml").as_deref(), Some("casebook.yaml"));
        assert_eq!(
            r("templates/case.html").as_deref(),
            Some("templates/case.html")
        );
        assert_eq!(r("public/index.html"), None);
        assert_eq!(r(".git/index"), None);
        assert_eq!(r("content/cases/.a.md.swp"), None);
        assert_eq!(r("content/cases/a.md~"), None);
        assert_eq!(r("content/cases/4913"), None);
        assert_eq!(r("README.md"), None);
        assert!(touches_templates(&[
            "themes/default/templates/base.html".into()
        ]));
        assert!(!touches_templates(&["content/cases/a.md".into()]));
    }
}
