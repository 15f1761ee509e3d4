//! The quick first answer to an edit: the edited case pages alone, rendered against the
//! last good model, before the whole site is rebuilt.
//!
//! An editor who saves a case is looking at that case's page. Rebuilding the model of a
//! large compendium takes seconds, but the page itself depends mostly on the case: its
//! body, its own fields, and (from the rest of the site) its related cases and neighbours,
//! which an edit seldom changes. So `serve` renders the edited pages first, against the
//! previous model, and writes them at once; the full rebuild that follows corrects
//! everything the edit touched elsewhere (listings, totals, search, related cases) and
//! rewrites the case page only if its bytes differ.
//!
//! Nothing is previewed unless every change is a case that still validates, keeps its
//! slug and has no broken links: anything else (a new or deleted file, an error, a
//! template or config change) waits for the rebuild, which reports it.

use crate::diagnostics::{Diagnostics, Severity};
use crate::error::Result;
use crate::model::Site;
use crate::render::{collect, pages, Fill, Output, Renderer};
use crate::theme::Theme;
use crate::{load, validate};
use std::sync::Mutex;

/// The pages to write for the changed site-relative paths `changed`, as
/// (output path, bytes); `None` when the changes cannot be previewed.
pub fn case_pages(
    site: &Site,
    theme: &Theme,
    changed: &[String],
) -> Option<Vec<(String, Vec<u8>)>> {
    if changed.is_empty() || !changed.iter().all(|p| is_case_source(p)) {
        return None;
    }
    let diags = Diagnostics::new();
    let mut edited = Vec::with_capacity(changed.len());
    for rel in changed {
        let src = load::load_case(&site.root, &site.root.join(rel), &diags)?;
        let meta = validate::validate_case(&src, &diags)?;
        if meta.draft {
            // Whether it is shown depends on `--drafts`: the rebuild decides.
            return None;
        }
        edited.push(site.edited_case(&src, meta, &diags)?);
    }
    if diags
        .into_sorted()
        .iter()
        .any(|d| d.severity == Severity::Error)
    {
        return None;
    }
    let r = Renderer::new(site, theme);
    let capture = Capture::default();
    for (i, case) in &edited {
        pages::case_page(&r, &capture, *i, case).ok()?;
    }
    Some(
        capture
            .files
            .into_inner()
            .unwrap_or_else(|e| e.into_inner()),
    )
}

/// A case source: a Markdown file under `content/cases/`.
fn is_case_source(rel: &str) -> bool {
    rel.starts_with("content/cases/") && rel.ends_with(".md") && !rel.ends_with("/_index.md")
}

/// Keeps what is written, in memory.
#[derive(Default)]
struct Capture {
    files: Mutex<Vec<(String, Vec<u8>)>>,
}

impl Output for Capture {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((path.to_string(), bytes.to_vec()));
        Ok(())
    }

    fn fresh(&self, _file: &str, _template: &str, _ctx: &tera::Context) -> bool {
        false
    }

    fn write_parts(&self, path: &str, fill: &mut Fill<'_>) -> Result<()> {
        self.write(path, &collect(fill)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_case_sources_are_previewed() {
        assert!(is_case_source("content/cases/a.md"));
        assert!(is_case_source("content/cases/2024/b.md"));
        assert!(!is_case_source("content/cases/_index.md"));
        assert!(!is_case_source("content/pages/about.md"));
        assert!(!is_case_source("content/cases/photo.png"));
        assert!(!is_case_source("casebook.yaml"));
    }
}
