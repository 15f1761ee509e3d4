//! Which photos the site shows, and where each was named: every cover, gallery photo and
//! photo in a Markdown body is found, processed once (in parallel, through the cache) and
//! problems become diagnostics with the content file, its line and the image named.

use super::links::{normalize, percent_decode};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::SourceFile;
use crate::markdown::{links::is_external, ImageLookup, ImageResolver};
use crate::photos::{self, Photo, PhotoError};
use crate::validate::{PhotoField, Validated};
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where the photo cache lives, under the site's folder.
pub const CACHE_DIR: &str = ".casebook-cache";

/// A photo as a page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub photo: Photo,
    pub alt: String,
    pub caption: Option<String>,
}

/// The site's processed photos, by the original's path.
#[derive(Debug, Default)]
pub struct SitePhotos {
    root: PathBuf,
    by_path: HashMap<PathBuf, Result<Arc<Photo>, PhotoError>>,
}

/// One place a photo is named.
struct Mention<'a> {
    src: &'a SourceFile,
    dest: String,
    line: usize,
    /// "cover photo", "gallery photo", "image".
    what: &'static str,
    field: Option<&'static str>,
    /// The description given, if any (`None`: no alt text at all).
    alt: Option<String>,
    alt_hint: &'static str,
    /// Named by a file left out for front-matter errors: its links are not checked, so a
    /// missing image in its text is reported here.
    in_rejected: bool,
}

impl SitePhotos {
    /// Finds and processes every photo the validated sources name.
    pub fn gather(root: &Path, v: &Validated, diags: &Diagnostics) -> SitePhotos {
        let mut mentions = Vec::new();
        for (src, meta) in &v.cases {
            mentions.extend(meta.cover.iter().map(|c| from_field(src, c)));
            mentions.extend(meta.gallery.iter().map(|g| from_field(src, g)));
            mentions.extend(in_body(src));
        }
        for (src, meta) in v.pages.iter().chain(v.home.iter()) {
            mentions.extend(meta.cover.iter().map(|c| from_field(src, c)));
            mentions.extend(in_body(src));
        }
        // A collection's cover is checked even when its other front matter has errors.
        let collection_covers: Vec<(&SourceFile, Vec<PhotoField>)> = v
            .collections
            .iter()
            .map(|src| (src, crate::validate::photos::named_anyway(src, false)))
            .collect();
        for (src, covers) in &collection_covers {
            mentions.extend(covers.iter().map(|f| from_field(src, f)));
            mentions.extend(in_body(src));
        }
        // Files left out for other errors: their photos' problems are reported in the same
        // run, but nothing of them is published.
        for (src, named) in &v.rejected {
            let start = mentions.len();
            mentions.extend(named.iter().map(|f| from_field(src, f)));
            mentions.extend(in_body(src));
            for m in &mut mentions[start..] {
                m.in_rejected = true;
            }
        }
        let mut site = SitePhotos {
            root: root.to_path_buf(),
            by_path: HashMap::new(),
        };
        let paths: BTreeMap<PathBuf, ()> = mentions
            .iter()
            .filter_map(|m| site.path_of(&m.src.path, &m.dest))
            .map(|p| (p, ()))
            .collect();
        let cache = root.join(CACHE_DIR);
        let confine = crate::load::confine::Confine::new(root);
        site.by_path = paths
            .into_par_iter()
            .map(|(p, ())| {
                // Never read a photo from outside the site (a link to /etc/passwd, `../..`).
                let r = match confine.outside(&p) {
                    Some(real) => Err(PhotoError::Outside(real)),
                    None => photos::process(&p, &cache),
                };
                (p, r)
            })
            .collect();
        site.report(&mentions, diags);
        site
    }

    /// The original a photo address names, from the file at `file`.
    fn path_of(&self, file: &Path, dest: &str) -> Option<PathBuf> {
        let dest = dest.split(['#', '?']).next().unwrap_or(dest);
        if dest.is_empty() || is_external(dest) {
            return None;
        }
        let dest = percent_decode(dest);
        Some(match dest.strip_prefix('/') {
            Some(under_static) => normalize(&self.root.join("static").join(under_static)),
            None => normalize(&file.parent().unwrap_or(Path::new("")).join(dest)),
        })
    }

    fn report(&self, mentions: &[Mention<'_>], diags: &Diagnostics) {
        let mut warned_large = std::collections::HashSet::new();
        for m in mentions {
            let Some(path) = self.path_of(&m.src.path, &m.dest) else {
                if m.what != "image" {
                    diags.push(
                        Diagnostic::error(
                            &m.src.rel,
                            format!("the {} \"{}\" is on another website", m.what, m.dest),
                        )
                        .at(m.line)
                        .field_opt(m.field)
                        .hint("save the photo into the case's folder (for example photos/cover.jpg) and name it by that path"),
                    );
                }
                continue;
            };
            match self.by_path.get(&path) {
                // A missing image in the text is the link pass's ("leads nowhere").
                Some(Err(PhotoError::Missing)) if m.what == "image" && !m.in_rejected => {}
                Some(Err(e)) => diags.push(
                    Diagnostic::error(
                        &m.src.rel,
                        format!("the {} \"{}\" {}", m.what, m.dest, e.message()),
                    )
                    .at(m.line)
                    .field_opt(m.field)
                    .hint(e.hint()),
                ),
                Some(Ok(photo)) => {
                    if m.alt.as_deref().is_none_or(|a| a.trim().is_empty()) {
                        diags.push(
                            Diagnostic::warning(
                                &m.src.rel,
                                format!(
                                    "the {} \"{}\" has no description (alt text) for readers who cannot see it",
                                    m.what, m.dest
                                ),
                            )
                            .at(m.line)
                            .field_opt(m.field)
                            .hint(m.alt_hint),
                        );
                    }
                    if photo.original_bytes > photos::LARGE_ORIGINAL && warned_large.insert(path) {
                        diags.push(
                            Diagnostic::warning(
                                &m.src.rel,
                                format!(
                                    "the {} \"{}\" is {:.1} MB, very large for a photo",
                                    m.what,
                                    m.dest,
                                    photo.original_bytes as f64 / 1e6
                                ),
                            )
                            .at(m.line)
                            .field_opt(m.field)
                            .hint("readers only get small copies, but an original this large slows builds and fills the site's folder; export it at about 12 megapixels as JPEG (2–6 MB)"),
                        );
                    }
                }
                None => {}
            }
        }
    }

    /// The figure for a photo named in front matter, when it was processed.
    pub fn figure(&self, file: &Path, field: &PhotoField) -> Option<Figure> {
        let photo = self.get(file, &field.src)?;
        Some(Figure {
            photo: photo.as_ref().clone(),
            alt: field
                .alt
                .clone()
                .or_else(|| field.caption.clone())
                .unwrap_or_default(),
            caption: field.caption.clone(),
        })
    }

    fn get(&self, file: &Path, dest: &str) -> Option<&Arc<Photo>> {
        self.by_path.get(&self.path_of(file, dest)?)?.as_ref().ok()
    }

    /// Images in the body of the file at `file`, for the Markdown pass.
    pub fn for_file<'a>(&'a self, file: &'a Path) -> FilePhotos<'a> {
        FilePhotos { site: self, file }
    }

    /// Every processed photo, each once, in a stable order.
    pub fn all(&self) -> Vec<&Photo> {
        let mut out: Vec<&Photo> = self
            .by_path
            .values()
            .filter_map(|r| r.as_deref().ok())
            .collect();
        out.sort_by(|a, b| a.variants[0].webp.cmp(&b.variants[0].webp));
        out.dedup_by(|a, b| a.variants == b.variants);
        out
    }
}

pub struct FilePhotos<'a> {
    site: &'a SitePhotos,
    file: &'a Path,
}

impl ImageResolver for FilePhotos<'_> {
    fn photo(&self, dest: &str) -> ImageLookup<'_> {
        if !photos::is_photo_path(dest.split(['#', '?']).next().unwrap_or(dest)) {
            return ImageLookup::NotAPhoto;
        }
        let Some(path) = self.site.path_of(self.file, dest) else {
            return ImageLookup::NotAPhoto;
        };
        match self.site.by_path.get(&path) {
            Some(Ok(p)) => ImageLookup::Photo(p),
            Some(Err(PhotoError::Missing)) => ImageLookup::NotAPhoto,
            Some(Err(_)) => ImageLookup::Failed,
            // Not gathered (a case previewed by `serve` with a new photo): the full
            // rebuild that follows processes it.
            None => ImageLookup::Failed,
        }
    }
}

fn from_field<'a>(src: &'a SourceFile, f: &PhotoField) -> Mention<'a> {
    let (what, alt_hint) = if f.field == "cover" {
        (
            "cover photo",
            "add a line like `cover_alt: 社区食堂里老人们一起用餐` describing what the photo shows",
        )
    } else {
        ("gallery photo", "give the photo an `alt:` (or a `caption:`), like `- {src: photos/a.jpg, alt: 志愿者把饭盒递给老人}`")
    };
    Mention {
        src,
        dest: f.src.clone(),
        line: f.line,
        what,
        field: Some(f.field),
        alt: f.alt.clone().or_else(|| f.caption.clone()),
        alt_hint,
        in_rejected: false,
    }
}

/// The photos named by Markdown images in `src`'s body, with their lines.
fn in_body(src: &SourceFile) -> Vec<Mention<'_>> {
    // Every Markdown image starts with `![`: most bodies have none and need no parse.
    if !src.body.contains("![") {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut open: Option<(String, usize, String)> = None;
    for (e, range) in Parser::new_ext(&src.body, crate::markdown::options()).into_offset_iter() {
        match e {
            Event::Start(Tag::Image { dest_url, .. }) if open.is_none() => {
                let path = dest_url.split(['#', '?']).next().unwrap_or("");
                if photos::is_photo_path(path) && !is_external(&dest_url) {
                    let line = src.body_line + src.body[..range.start].matches('\n').count();
                    open = Some((dest_url.to_string(), line, String::new()));
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(o) = open.as_mut() {
                    o.2.push_str(&t);
                }
            }
            Event::End(TagEnd::Image) => {
                if let Some((dest, line, alt)) = open.take() {
                    out.push(Mention {
                        src,
                        dest,
                        line,
                        what: "image",
                        field: None,
                        alt: Some(alt),
                        alt_hint: "describe the photo between the brackets, like `![志愿者在厨房备餐](photos/a.jpg)`",
                        in_rejected: false,
                    });
                }
            }
            _ => {}
        }
    }
    out
}

trait FieldOpt {
    fn field_opt(self, field: Option<&str>) -> Self;
}

impl FieldOpt for Diagnostic {
    fn field_opt(self, field: Option<&str>) -> Self {
        match field {
            Some(f) => self.field(f),
            None => self,
        }
    }
}
