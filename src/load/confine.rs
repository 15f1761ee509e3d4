//! Every input must lie inside the site's folder. A symbolic link that leads out of it
//! (`pw.png -> /etc/passwd`, a linked folder in `static/`) would publish files that are
//! not the site's, so such a link is a problem to report, never a file to read. Links
//! that stay inside the site are followed like the files they point to.
//!
//! This module only answers "is it inside?" and lists folders; it reads no file.

use crate::diagnostics::{display_path, Diagnostic};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// The site's folder, as given (for messages) and as the file system resolves it.
#[derive(Debug, Clone)]
pub struct Confine {
    root: PathBuf,
    real_root: PathBuf,
}

impl Confine {
    pub fn new(root: &Path) -> Confine {
        Confine {
            root: root.to_path_buf(),
            real_root: std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf()),
        }
    }

    /// Where `path` really leads, when that is outside the site's folder. A path that
    /// does not exist is not outside: reading it reports that it is missing.
    pub fn outside(&self, path: &Path) -> Option<PathBuf> {
        // Callers pass paths under the root (or absolute ones); a relative root such as
        // `--root mysite` must not be joined twice.
        let full = if path.is_absolute() || path.starts_with(&self.root) {
            path.to_path_buf()
        } else {
            self.root.join(path)
        };
        let real = std::fs::canonicalize(full).ok()?;
        (!real.starts_with(&self.real_root)).then_some(real)
    }

    /// The problem of an input at `path` that leads to `real`, outside the site.
    pub fn problem(&self, path: &Path, real: &Path) -> Diagnostic {
        Diagnostic::error(
            display_path(&self.root, path),
            format!(
                "is a link to {}, outside the site's folder, so casebook does not read or publish it",
                real.display()
            ),
        )
        .hint("copy the file (or folder) into the site instead of linking to it; links to files inside the site's folder work")
    }

    /// The files under `dir` (at most `max_depth` folders down), in name order,
    /// following links that stay inside the site. Links that lead out, and entries that
    /// cannot be read, are returned as problems; a missing `dir` has no files.
    pub fn files_under(&self, dir: &Path, max_depth: usize) -> (Vec<PathBuf>, Vec<Diagnostic>) {
        self.files_under_where(dir, max_depth, |_| true)
    }

    /// [`Confine::files_under`], keeping only the files `wanted` accepts (a link out to
    /// a file that is not wanted is no problem: it is not read).
    pub fn files_under_where(
        &self,
        dir: &Path,
        max_depth: usize,
        wanted: impl Fn(&Path) -> bool,
    ) -> (Vec<PathBuf>, Vec<Diagnostic>) {
        let mut files = Vec::new();
        let mut problems = Vec::new();
        let mut entries = WalkDir::new(dir)
            .follow_links(true)
            .max_depth(max_depth)
            .sort_by_file_name()
            .into_iter();
        while let Some(entry) = entries.next() {
            let entry = match entry {
                Ok(e) => e,
                Err(err) => {
                    if err.io_error().map(|e| e.kind()) != Some(std::io::ErrorKind::NotFound) {
                        let p = err.path().unwrap_or(dir);
                        problems.push(Diagnostic::error(
                            display_path(&self.root, p),
                            format!("cannot be read: {err}"),
                        ));
                    }
                    continue;
                }
            };
            // Only a link (or the folder the walk starts from) can lead out: what lies
            // under a folder inside the site is inside too, unless it is a link itself.
            let is_dir = entry.file_type().is_dir();
            if !is_dir && !wanted(entry.path()) {
                continue;
            }
            if entry.depth() == 0 || entry.path_is_symlink() {
                if let Some(real) = self.outside(entry.path()) {
                    problems.push(self.problem(entry.path(), &real));
                    if is_dir {
                        entries.skip_current_dir();
                    }
                    continue;
                }
            }
            if entry.file_type().is_file() {
                files.push(entry.into_path());
            }
        }
        (files, problems)
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn links_inside_are_followed_and_links_outside_refused() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.txt"), "x").unwrap();
        let site = tempfile::tempdir().unwrap();
        let root = site.path();
        std::fs::create_dir_all(root.join("static/css")).unwrap();
        std::fs::write(root.join("static/css/a.css"), "a").unwrap();
        std::fs::write(root.join("logo.png"), "p").unwrap();
        symlink(root.join("logo.png"), root.join("static/logo.png")).unwrap();
        symlink("/etc/passwd", root.join("static/pw.txt")).unwrap();
        symlink(outside.path(), root.join("static/linked")).unwrap();
        let c = Confine::new(root);
        let (files, problems) = c.files_under(&root.join("static"), usize::MAX);
        let names: Vec<String> = files.iter().map(|f| display_path(root, f)).collect();
        assert_eq!(names, ["static/css/a.css", "static/logo.png"]);
        let files: Vec<&str> = problems.iter().map(|d| d.file.as_str()).collect();
        assert_eq!(files, ["static/linked", "static/pw.txt"]);
        assert!(
            problems[1].message.contains("/etc/passwd"),
            "{}",
            problems[1]
        );
        assert!(c.outside(&root.join("static/missing")).is_none());
    }
}
