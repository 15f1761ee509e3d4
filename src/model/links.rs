//! Which internal addresses exist, for checking and rewriting links in content.
//!
//! Editors link to a case as `/cases/<slug>/`, to a page as `/<slug>/`, to a site section
//! as `/regions/` etc., to a static file as `/images/x.png`, or to another Markdown file by
//! its relative path (`../other.md`).
//!
//! A relative link to any other file (`![](images/a.png)`, `[报告](files/report.pdf)`) is
//! looked up beside the Markdown file; when it exists it is published at
//! `files/<path under content/>` (the link is rewritten to match), when it does not the
//! link is reported as broken.

use crate::markdown::links::is_external;
use crate::markdown::LinkResolver;
use crate::validate::Validated;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// Where files linked from content are published.
pub const CONTENT_FILES: &str = "files/";

#[derive(Debug)]
pub struct SiteLinks {
    root: PathBuf,
    /// Files under `content/` that content links to (relative to `content/`).
    used_files: Mutex<BTreeSet<String>>,
    /// Site-relative addresses that exist, without leading `/`.
    known: HashSet<String>,
    /// Source file path → its page address.
    by_file: HashMap<PathBuf, String>,
    confine: crate::load::confine::Confine,
}

/// Sections that every site has.
const SECTIONS: &[&str] = &[
    "",
    "cases/",
    "regions/",
    "domains/",
    "tags/",
    "organizations/",
    "brands/",
    "beneficiaries/",
    "funding/",
    "years/",
    "search/",
    "stats/",
    "collections/",
    "print/",
    "atom.xml",
    "sitemap.xml",
    "data/cases.json",
    "data/cases.csv",
];

impl SiteLinks {
    pub fn new(root: &Path, v: &Validated, static_files: &[String]) -> Self {
        let mut known: HashSet<String> = SECTIONS.iter().map(|s| s.to_string()).collect();
        let mut by_file = HashMap::new();
        for (src, meta) in &v.cases {
            let url = format!("cases/{}/", meta.slug);
            by_file.insert(normalize(&src.path), url.clone());
            known.insert(url);
        }
        for (src, meta) in &v.pages {
            let url = format!("{}/", meta.slug);
            by_file.insert(normalize(&src.path), url.clone());
            known.insert(url);
        }
        for src in &v.collections {
            known.insert(format!("collections/{}/", src.stem()));
            known.insert(format!("collections/{}/print/", src.stem()));
        }
        known.extend(static_files.iter().cloned());
        SiteLinks {
            root: root.to_path_buf(),
            used_files: Mutex::default(),
            known,
            by_file,
            confine: crate::load::confine::Confine::new(root),
        }
    }

    /// The files under `content/` that links pointed to, relative to `content/`.
    pub fn content_files(&self) -> Vec<String> {
        let set = self.used_files.lock().unwrap_or_else(|e| e.into_inner());
        set.iter().cloned().collect()
    }

    pub fn from_file(&self, file: &Path) -> FileLinks<'_> {
        FileLinks {
            site: self,
            dir: file.parent().map(Path::to_path_buf).unwrap_or_default(),
        }
    }
}

pub struct FileLinks<'a> {
    site: &'a SiteLinks,
    dir: PathBuf,
}

impl LinkResolver for FileLinks<'_> {
    fn resolve(&self, dest: &str) -> Result<Option<String>, String> {
        if is_external(dest) {
            return Ok(None);
        }
        if let Some(path) = dest.strip_prefix('/') {
            return self.site_path(path).map(Some);
        }
        let (file, _) = dest.split_once('?').unwrap_or((dest, ""));
        if file.ends_with(".md") {
            let target = normalize(&self.dir.join(file));
            return match self.site.by_file.get(&target) {
                Some(url) => Ok(Some(url.clone())),
                None => Err(format!("there is no case or page file at {file}")),
            };
        }
        if has_extension(file) {
            return self.file_path(file).map(Some);
        }
        // Other relative links are kept as written.
        Ok(None)
    }
}

impl FileLinks<'_> {
    /// A relative link to a file beside the Markdown file (or in `static/`).
    fn file_path(&self, file: &str) -> Result<String, String> {
        let decoded = percent_decode(file);
        let absolute =
            |p: &Path| normalize(&std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()));
        let target = absolute(&self.dir.join(&decoded));
        let root = absolute(&self.site.root);
        let shown = crate::diagnostics::display_path(&root, &target);
        let content = root.join("content");
        let static_dir = root.join("static");
        let under = |dir: &Path| {
            target
                .strip_prefix(dir)
                .ok()
                .map(|p| p.to_string_lossy().replace('\\', "/"))
        };
        if !target.is_file() {
            return Err(format!("there is no file {shown}"));
        }
        if let Some(real) = self.site.confine.outside(&target) {
            return Err(format!(
                "{shown} is a link to {}, outside the site's folder, so it is not published",
                real.display()
            ));
        }
        if let Some(rel) = under(&static_dir) {
            return Ok(rel);
        }
        match under(&content) {
            Some(rel) => {
                let mut used = self
                    .site
                    .used_files
                    .lock()
                    .unwrap_or_else(|e| e.into_inner());
                used.insert(rel.clone());
                Ok(format!("{CONTENT_FILES}{rel}"))
            }
            None => Err(format!(
                "{shown} is outside the content/ and static/ folders, so it cannot be published"
            )),
        }
    }

    fn site_path(&self, path: &str) -> Result<String, String> {
        let decoded = percent_decode(path);
        let known = &self.site.known;
        if known.contains(&decoded) {
            return Ok(decoded);
        }
        let with_slash = format!(
            "{}/",
            decoded.trim_end_matches("index.html").trim_end_matches('/')
        );
        if known.contains(&with_slash) {
            return Ok(with_slash);
        }
        // Taxonomy term pages are generated from case metadata; accept any address
        // under a taxonomy section (the section itself is checked above).
        let under_taxonomy = crate::model::TaxonomyKind::ALL.iter().any(|k| {
            decoded
                .strip_prefix(k.key())
                .is_some_and(|rest| rest.starts_with('/'))
        });
        if under_taxonomy {
            return Ok(with_slash);
        }
        if let Some(slug) = decoded.strip_prefix("cases/") {
            return Err(format!(
                "no case has the slug \"{}\"",
                slug.trim_end_matches('/')
            ));
        }
        Err(format!(
            "no case, page or static file has the address /{decoded}"
        ))
    }
}

/// `images/a.png` yes, `other-case/` or `foo` no.
pub fn has_extension(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .and_then(|name| name.rsplit_once('.'))
        .is_some_and(|(stem, ext)| !stem.is_empty() && !ext.is_empty())
}

fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}
