//! `casebook new case` and `casebook init`: files written from templates embedded in the
//! binary (`src/scaffold/`). Nothing is ever overwritten: an existing file is an error
//! that names it.

use crate::config::CONFIG_FILE;
use crate::error::{Error, Result};
use crate::load::frontmatter;
use std::io::Write;
use std::path::{Path, PathBuf};

const CASE: &str = include_str!("case.md");
const SITE_CONFIG: &str = include_str!("site/casebook.yaml");
const SITE_HOME: &str = include_str!("site/_index.md");
const SITE_ABOUT: &str = include_str!("site/about.md");
const SITE_ORGANIZATIONS: &str = include_str!("site/organizations.yaml");
const SITE_EXAMPLE_CASE: &str = include_str!("site/example-case.md");
const SITE_GITIGNORE: &str = include_str!("site/gitignore");

/// Placeholder title when `--title` is not given.
pub const DEFAULT_TITLE: &str = "新案例（请改成案例标题）";

/// Writes `content/cases/<slug>.md` under `root`; returns its path.
pub fn new_case(root: &Path, slug: &str, title: Option<&str>) -> Result<PathBuf> {
    if !root.join(CONFIG_FILE).is_file() {
        return Err(Error::Other(format!(
            "{} has no {CONFIG_FILE}, so it is not a casebook site; run this in the site's folder, pass --root DIR, or create a site with `casebook init DIR`",
            root.display()
        )));
    }
    if let Some(problem) = crate::validate::case::slug_problem(slug) {
        return Err(Error::Other(format!(
            "\"{slug}\" cannot be used in a web address: {problem}; use letters, digits, Chinese characters and `-`, like `jinshan-jincheng`"
        )));
    }
    let cases = root.join("content").join("cases");
    if let Some(other) = case_with_slug(&cases, slug) {
        return Err(Error::Other(format!(
            "a case with the slug \"{slug}\" already exists: {}; choose another slug or edit that file",
            crate::diagnostics::display_path(root, &other)
        )));
    }
    let today = chrono::Local::now().date_naive();
    let text = CASE
        .replace("{{title}}", &yaml_string(title.unwrap_or(DEFAULT_TITLE)))
        .replace("{{date}}", &today.format("%Y-%m-%d").to_string())
        .replace("{{slug}}", slug);
    let path = cases.join(format!("{slug}.md"));
    write_new(&path, &text)?;
    Ok(path)
}

/// Creates a new site in `dir` (which may exist, but must not hold any of the files).
/// Returns the files written, relative to `dir`.
pub fn init(dir: &Path) -> Result<Vec<String>> {
    let today = chrono::Local::now().date_naive();
    let example = SITE_EXAMPLE_CASE
        .replace("{{date}}", &today.format("%Y-%m-%d").to_string())
        .replace("{{year}}", &today.format("%Y").to_string());
    let files: [(&str, &str); 6] = [
        (CONFIG_FILE, SITE_CONFIG),
        ("content/_index.md", SITE_HOME),
        ("content/cases/linli-shouwang.md", &example),
        ("content/pages/about.md", SITE_ABOUT),
        ("data/organizations.yaml", SITE_ORGANIZATIONS),
        (".gitignore", SITE_GITIGNORE),
    ];
    let existing: Vec<&str> = files
        .iter()
        .map(|(rel, _)| *rel)
        .filter(|rel| dir.join(rel).exists())
        .collect();
    if !existing.is_empty() {
        return Err(Error::Other(format!(
            "{} already has {}; nothing was written (casebook init never overwrites files; choose a new folder)",
            dir.display(),
            existing.join(", ")
        )));
    }
    for (rel, text) in &files {
        write_new(&dir.join(rel), text)?;
    }
    std::fs::create_dir_all(dir.join("static")).map_err(|source| Error::Write {
        path: dir.join("static"),
        source,
    })?;
    Ok(files.iter().map(|(rel, _)| rel.to_string()).collect())
}

/// A case file under `cases` whose slug (or, without one, file name) is `slug`.
fn case_with_slug(cases: &Path, slug: &str) -> Option<PathBuf> {
    walkdir::WalkDir::new(cases)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .find(|e| {
            let path = e.path();
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let declared =
                frontmatter::split(&text).ok().and_then(|s| {
                    match serde_yaml::from_str::<serde_yaml::Value>(s.yaml).ok()? {
                        serde_yaml::Value::Mapping(m) => m
                            .get("slug")
                            .and_then(|v| v.as_str().map(|s| s.trim().to_string())),
                        _ => None,
                    }
                });
            match declared {
                Some(declared) => declared == slug,
                None => path.file_stem().is_some_and(|s| s == slug),
            }
        })
        .map(|e| e.into_path())
        .or_else(|| {
            let path = cases.join(format!("{slug}.md"));
            path.exists().then_some(path)
        })
}

/// `text` as a double-quoted YAML string (JSON strings are valid YAML).
/// A YAML double-quoted string (JSON's string syntax is valid YAML).
pub(crate) fn yaml_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| format!("\"{}\"", text.replace('"', "'")))
}

fn write_new(path: &Path, text: &str) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|source| Error::Write {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|source| Error::Write {
            path: path.to_path_buf(),
            source,
        })?;
    file.write_all(text.as_bytes())
        .map_err(|source| Error::Write {
            path: path.to_path_buf(),
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_quoted_for_yaml() {
        let t = yaml_string("他说：\"好\" # 不是注释");
        let v: serde_yaml::Value = serde_yaml::from_str(&format!("title: {t}")).unwrap();
        assert_eq!(v["title"].as_str(), Some("他说：\"好\" # 不是注释"));
    }
}
