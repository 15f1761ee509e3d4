//! Load: reads the site's files from disk into memory, nothing more.
//!
//! Finds the home introduction, cases, pages, collections and data files, reads them as
//! UTF-8 and splits front matter from body. Reading is parallel; problems (unreadable
//! files, invalid UTF-8, missing or unclosed front matter) become diagnostics. This stage
//! does not interpret the YAML: that is `validate`'s job.

pub mod confine;
pub mod frontmatter;
pub mod yaml;

use crate::diagnostics::{display_path, Diagnostic, Diagnostics};
use confine::Confine;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// One content file, read and split.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    /// Relative to the site root, `/`-separated, for messages.
    pub rel: String,
    pub yaml: String,
    pub yaml_line: usize,
    pub body: String,
    pub body_line: usize,
}

impl SourceFile {
    pub fn stem(&self) -> String {
        self.path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// A YAML data file (`data/*.yaml`).
#[derive(Debug, Clone)]
pub struct DataFile {
    pub rel: String,
    pub text: String,
}

#[derive(Debug, Default)]
pub struct Sources {
    pub home: Option<SourceFile>,
    pub cases: Vec<SourceFile>,
    pub pages: Vec<SourceFile>,
    pub collections: Vec<SourceFile>,
    pub organizations: Option<DataFile>,
}

/// Reads every content and data file under `root`.
pub fn load(root: &Path, diags: &Diagnostics) -> Sources {
    let content = root.join("content");
    let home_path = content.join("_index.md");
    let home = (home_path.is_file() && inside(root, &home_path, diags))
        .then(|| read_source(root, &home_path, false, diags))
        .flatten();
    Sources {
        home,
        cases: read_dir(root, &content.join("cases"), true, diags),
        pages: read_dir(root, &content.join("pages"), false, diags),
        collections: read_dir(root, &content.join("collections"), false, diags),
        organizations: read_data(root, "organizations", diags),
    }
}

/// One case file, read and split (as [`load`] reads every case).
pub fn load_case(root: &Path, path: &Path, diags: &Diagnostics) -> Option<SourceFile> {
    inside(root, path, diags)
        .then(|| read_source(root, path, true, diags))
        .flatten()
}

/// False (with the problem recorded) when `path` leads out of the site's folder.
fn inside(root: &Path, path: &Path, diags: &Diagnostics) -> bool {
    let confine = Confine::new(root);
    match confine.outside(path) {
        Some(real) => {
            diags.push(confine.problem(path, &real));
            false
        }
        None => true,
    }
}

fn read_dir(root: &Path, dir: &Path, nested: bool, diags: &Diagnostics) -> Vec<SourceFile> {
    let depth = if nested { usize::MAX } else { 1 };
    let (mut paths, problems) =
        Confine::new(root).files_under_where(dir, depth, |p| is_markdown(p) && !is_hidden(p));
    diags.extend(problems);
    paths.sort();
    paths
        .par_iter()
        .filter_map(|p| read_source(root, p, true, diags))
        .collect()
}

fn is_markdown(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "md") && p.file_name().is_some_and(|n| n != "_index.md")
}

fn is_hidden(p: &Path) -> bool {
    p.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
}

fn read_text(root: &Path, path: &Path, diags: &Diagnostics) -> Option<String> {
    let rel = display_path(root, path);
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            diags.push(Diagnostic::error(rel, format!("cannot be read: {e}")));
            return None;
        }
    };
    match String::from_utf8(bytes) {
        Ok(t) => Some(t),
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            diags.push(
                Diagnostic::error(rel, "is not valid UTF-8 text")
                    .at(line)
                    .hint("save the file as UTF-8 (files saved as GBK/GB2312 show this); in most editors: \"Save with encoding\" → UTF-8"),
            );
            None
        }
    }
}

fn read_source(
    root: &Path,
    path: &Path,
    needs_front_matter: bool,
    diags: &Diagnostics,
) -> Option<SourceFile> {
    let text = read_text(root, path, diags)?;
    let rel = display_path(root, path);
    match frontmatter::split(&text) {
        Ok(s) => Some(SourceFile {
            path: path.to_path_buf(),
            rel,
            yaml: s.yaml.to_string(),
            yaml_line: s.yaml_line,
            body: s.body.to_string(),
            body_line: s.body_line,
        }),
        Err(frontmatter::SplitError::Missing) if !needs_front_matter => Some(SourceFile {
            path: path.to_path_buf(),
            rel,
            yaml: String::new(),
            yaml_line: 1,
            body: text,
            body_line: 1,
        }),
        Err(frontmatter::SplitError::Missing) => {
            diags.push(
                Diagnostic::error(rel, "has no front matter")
                    .at(1)
                    .hint("start the file with a line `---`, then fields like `title: 案例名称` and `date: 2024-03-01`, then another `---` line"),
            );
            None
        }
        Err(frontmatter::SplitError::Unclosed) => {
            diags.push(
                Diagnostic::error(rel, "the front matter that starts here is never closed")
                    .at(1)
                    .hint("add a line with only `---` after the last field, before the text"),
            );
            None
        }
    }
}

fn read_data(root: &Path, name: &str, diags: &Diagnostics) -> Option<DataFile> {
    let dir = root.join("data");
    ["yaml", "yml"].iter().find_map(|ext| {
        let p = dir.join(format!("{name}.{ext}"));
        (p.is_file() && inside(root, &p, diags)).then(|| {
            read_text(root, &p, diags).map(|text| DataFile {
                rel: display_path(root, &p),
                text,
            })
        })?
    })
}
