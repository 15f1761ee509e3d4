//! Assets: the theme's static files, then the site's `static/` folder, copied as they are,
//! then the files content links to from beside its Markdown (published under `files/`).

use super::{Output, Renderer};
use crate::error::{Error, Result};
use rayon::prelude::*;

pub fn render(r: &Renderer<'_>, out: &dyn Output) -> Result<()> {
    let site_static: std::collections::HashSet<&str> =
        r.site.static_files.iter().map(String::as_str).collect();
    for (path, bytes) in &r.theme.assets {
        if !site_static.contains(path.as_str()) {
            out.write(path, bytes)?;
        }
    }
    let dir = r.site.root.join("static");
    r.site.static_files.par_iter().try_for_each(|rel| {
        let path = dir.join(rel);
        let bytes = std::fs::read(&path).map_err(|source| Error::Read { path, source })?;
        out.write(rel, &bytes)
    })?;
    let content = r.site.root.join("content");
    r.site.content_files.par_iter().try_for_each(|rel| {
        let path = content.join(rel);
        let bytes = std::fs::read(&path).map_err(|source| Error::Read { path, source })?;
        out.write(
            &format!("{}{rel}", crate::model::links::CONTENT_FILES),
            &bytes,
        )
    })
}
