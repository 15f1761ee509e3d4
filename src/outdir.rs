//! Which folders casebook may replace. A build swaps its output folder in whole, so the
//! output (`--out`, and the working folders of `serve` and `pdf`) must never be the site
//! itself, hold it, lie among its sources, or be a folder of someone's own files.
//!
//! Every output casebook writes carries [`MARKER`]; a non-empty folder without it is
//! replaced only with `--force`. These checks touch nothing: they run before anything is
//! written, locked or removed.

use crate::error::{Error, Result};
use std::path::{Component, Path, PathBuf};

/// The file every output carries, so a later build knows the folder is casebook's to replace.
pub const MARKER: &str = ".casebook-output";

/// What the marker says to whoever finds it.
pub const MARKER_TEXT: &str = "This folder was written by casebook (casebook build). Every build replaces it whole:\nkeep no files of your own here.\n";

/// The site's source folders: no output may lie inside them.
const SOURCES: [&str; 5] = ["content", "data", "static", "templates", "themes"];

/// Names shown when a folder holds files casebook did not write.
const SHOWN: usize = 5;

/// An output folder that passed the rules.
#[derive(Debug, Clone)]
pub struct Checked {
    /// Absolute, with every existing folder on the way resolved (links, `..`).
    pub path: PathBuf,
    /// With `--force`: what the folder held that casebook did not write, in words.
    pub replaces: Option<String>,
}

/// Checks that `out` may be replaced by a build of the site in `root`. `label` names the
/// folder in messages (`--out public2`, `the working folder /tmp/x`). Refusals are
/// [`Error::Refused`]; `force` overrides only "a folder of files casebook did not write".
pub fn check(root: &Path, out: &Path, force: bool, label: &str) -> Result<Checked> {
    let path = check_place(root, out, label)?;
    let refuse = |why: String| Err(Error::Refused(format!("{label} {why}")));
    let suggestion = real_path(root)?.join("public");
    let meta = match std::fs::symlink_metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Checked {
                path,
                replaces: None,
            })
        }
        Err(source) => return Err(Error::Read { path, source }),
        Ok(meta) => meta,
    };
    if meta.file_type().is_symlink() {
        let target = path.canonicalize().unwrap_or_else(|_| path.clone());
        return refuse(format!(
            "({}) is a link to {}: a build would replace the link, not write into the folder it points to. Name the folder itself: --out {}",
            path.display(),
            target.display(),
            target.display()
        ));
    }
    if !meta.is_dir() {
        return refuse(format!(
            "({}) is a file, not a folder: a build writes a whole folder and would replace the file. Name a new or empty folder, such as {}",
            path.display(),
            suggestion.display()
        ));
    }
    let foreign = foreign_entries(&path)?;
    if foreign.is_empty() {
        return Ok(Checked {
            path,
            replaces: None,
        });
    }
    let what = describe(&foreign);
    if !force {
        return refuse(format!(
            "({}) already holds files casebook did not write ({what}): a build replaces the folder whole and would delete them. Name a new or empty folder, or add --force to replace this folder and everything in it",
            path.display()
        ));
    }
    Ok(Checked {
        replaces: Some(format!(
            "{} held files casebook did not write ({what}); --force replaced them",
            path.display()
        )),
        path,
    })
}

/// The first half of [`check`], for folders that casebook names itself (the working
/// folders of `serve` and `pdf`): `path` resolved, if it is not the site's folder, does
/// not hold it and is not among its sources.
pub fn check_place(root: &Path, path: &Path, label: &str) -> Result<PathBuf> {
    let root = real_path(root)?;
    let path = real_path(path)?;
    let refuse = |why: String| Err(Error::Refused(format!("{label} {why}")));
    let suggestion = root.join("public");
    if path == root {
        return refuse(format!(
            "is the site's own folder (where casebook.yaml is): a build replaces its output whole and would delete your content. Leave out --out to build into {}, or name a new folder",
            suggestion.display()
        ));
    }
    if root.starts_with(&path) {
        return refuse(format!(
            "({}) holds the site's folder {}: a build replaces its output whole and would delete the site and everything beside it. Name a new folder, such as {}",
            path.display(),
            root.display(),
            suggestion.display()
        ));
    }
    for source in SOURCES {
        let folder = root.join(source);
        let linked = folder.canonicalize().unwrap_or_else(|_| folder.clone());
        if path.starts_with(&folder) || path.starts_with(&linked) {
            return refuse(format!(
                "({}) lies inside the site's {source}/ folder, which holds your sources: a build there would delete them. Name a folder outside {source}/, such as {}",
                path.display(),
                suggestion.display()
            ));
        }
    }
    Ok(path)
}

/// What `dir` holds when casebook did not write it: nothing for an empty folder or an
/// output of casebook (with the marker, or one from before the marker: it has the search
/// index's `search/idx/meta.js`), else the names of its entries, sorted.
fn foreign_entries(dir: &Path) -> Result<Vec<String>> {
    let read = |source| Error::Read {
        path: dir.to_path_buf(),
        source,
    };
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read)? {
        names.push(
            entry
                .map_err(read)?
                .file_name()
                .to_string_lossy()
                .into_owned(),
        );
    }
    if names.iter().any(|n| n == MARKER) || dir.join("search/idx/meta.js").is_file() {
        return Ok(Vec::new());
    }
    names.sort();
    Ok(names)
}

/// `a, b, c … 12 in all`.
fn describe(names: &[String]) -> String {
    let shown = names[..names.len().min(SHOWN)].join(", ");
    if names.len() > SHOWN {
        format!("{shown} … {} in all", names.len())
    } else {
        shown
    }
}

/// `path` made absolute, with its folders resolved as the system would (links, `.`,
/// `..`, trailing slashes), but its last part left as it is, so a link there is seen as a
/// link. The part of the path that does not exist yet is taken as written.
pub fn real_path(path: &Path) -> Result<PathBuf> {
    let abs = std::path::absolute(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    match (abs.components().next_back(), abs.parent()) {
        (Some(Component::Normal(name)), Some(parent)) => Ok(resolve(parent).join(name)),
        _ => Ok(resolve(&abs)),
    }
}

/// The longest existing start of `abs` canonicalized, the rest appended as written.
fn resolve(abs: &Path) -> PathBuf {
    let mut existing = abs.to_path_buf();
    let mut rest = Vec::new();
    let mut base = loop {
        if let Ok(real) = existing.canonicalize() {
            break real;
        }
        match existing.components().next_back() {
            Some(last) => rest.push(last.as_os_str().to_owned()),
            None => break PathBuf::new(),
        }
        if !existing.pop() {
            break existing;
        }
    };
    for part in rest.iter().rev() {
        match Path::new(part).components().next() {
            Some(Component::ParentDir) => {
                base.pop();
            }
            Some(Component::Normal(name)) => base.push(name),
            _ => {}
        }
    }
    base
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("casebook.yaml"), "title: x\n").unwrap();
        std::fs::create_dir_all(tmp.path().join("content/cases")).unwrap();
        tmp
    }

    fn refused(root: &Path, out: &Path) -> String {
        match check(root, out, false, "--out") {
            Err(Error::Refused(msg)) => msg,
            other => panic!("{} was not refused: {other:?}", out.display()),
        }
    }

    #[test]
    fn the_same_folder_however_it_is_written() {
        let tmp = site();
        let root = tmp.path();
        for out in [
            root.to_path_buf(),
            root.join("."),
            root.join("content/.."),
            root.join("content/../"),
            root.join("nothing/.."),
        ] {
            assert!(
                refused(root, &out).contains("the site's own folder"),
                "{out:?}"
            );
        }
        assert!(refused(root, root.parent().unwrap()).contains("holds the site's folder"));
        assert!(refused(root, &root.join("content/cases/")).contains("content/"));
        assert!(refused(root, &root.join("data/new")).contains("data/"));
    }

    #[cfg(unix)]
    #[test]
    fn links_are_seen_through() {
        let tmp = site();
        let root = tmp.path();
        let elsewhere = tempfile::tempdir().unwrap();
        let alias = elsewhere.path().join("alias");
        std::os::unix::fs::symlink(root, &alias).unwrap();
        assert!(refused(root, &alias.join("content/x")).contains("content/"));
        assert!(refused(root, &alias.join("content/..")).contains("own folder"));
        assert!(refused(root, &alias).contains("is a link to"));
    }

    #[test]
    fn what_may_be_replaced() {
        let tmp = site();
        let root = tmp.path();
        let absent = check(root, &root.join("public"), false, "--out").unwrap();
        assert!(absent.replaces.is_none());
        std::fs::create_dir_all(root.join("empty")).unwrap();
        assert!(check(root, &root.join("empty/"), false, "--out").is_ok());
        std::fs::create_dir_all(root.join("built")).unwrap();
        std::fs::write(root.join("built").join(MARKER), MARKER_TEXT).unwrap();
        std::fs::write(root.join("built/index.html"), "x").unwrap();
        assert!(check(root, &root.join("built"), false, "--out").is_ok());
        std::fs::create_dir_all(root.join("mine")).unwrap();
        std::fs::write(root.join("mine/thesis.docx"), "x").unwrap();
        assert!(refused(root, &root.join("mine")).contains("thesis.docx"));
        let forced = check(root, &root.join("mine"), true, "--out").unwrap();
        assert!(forced.replaces.unwrap().contains("thesis.docx"));
        assert!(refused(root, &root.join("casebook.yaml")).contains("is a file"));
    }
}
