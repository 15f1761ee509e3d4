//! Photos: every processed photo's files, copied from the cache into the output. The
//! originals are not published.

use super::{Output, Renderer};
use crate::error::{Error, Result};
use rayon::prelude::*;

pub fn render(r: &Renderer<'_>, out: &dyn Output) -> Result<()> {
    r.site
        .photos
        .all()
        .par_iter()
        .flat_map_iter(|p| p.files())
        .try_for_each(|(site_path, cached)| {
            let bytes = std::fs::read(&cached).map_err(|source| Error::Read {
                path: cached.clone(),
                source,
            })?;
            out.write(&site_path, &bytes)
        })
}
