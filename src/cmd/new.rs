//! `casebook new case SLUG [--title T]`: a new case file with every field laid out.

use casebook::diagnostics::display_path;
use std::path::Path;

pub fn case(root: &Path, slug: &str, title: Option<&str>) -> anyhow::Result<i32> {
    let path = casebook::scaffold::new_case(root, slug, title)?;
    eprintln!(
        "wrote {}\n  it is a draft (draft: true): preview it with `casebook serve --drafts`, and set `draft: false` to publish it",
        display_path(root, &path)
    );
    Ok(0)
}
