//! The photo fields every kind of content may have: `cover` with `cover_alt`, and (on
//! cases) a `gallery` of activity photos. Only the fields are read here; whether the files
//! exist and are photos is found when they are processed (`model::photos`).

use super::case::{item_text, nth_item_line};
use super::fields::{describe, Fields};
use crate::load::SourceFile;
use serde_yaml::Value;

/// One photo named in front matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoField {
    /// As written: relative to the content file, or `/…` under static/.
    pub src: String,
    pub alt: Option<String>,
    pub caption: Option<String>,
    /// The line in the content file that names it.
    pub line: usize,
    /// The field it was given in (`cover`, `gallery`), for messages.
    pub field: &'static str,
}

const GALLERY_EXAMPLE: &str =
    "{src: photos/a.jpg, caption: 志愿者为老人送餐上门, alt: 志愿者把饭盒递给老人}";

/// `cover:` and `cover_alt:`.
pub fn cover(f: &mut Fields<'_>) -> Option<PhotoField> {
    let src = f.text("cover", "photos/cover.jpg");
    let alt = f.text("cover_alt", "社区食堂里老人们一起用餐");
    let src = src?;
    Some(PhotoField {
        line: f.line("cover"),
        src,
        alt,
        caption: None,
        field: "cover",
    })
}

/// The cover and gallery photos a file rejected for other front-matter errors names, as far
/// as its front matter can be read (entries that cannot be read are left out; they were
/// reported when the file was validated).
/// Only cases have a gallery (`with_gallery`).
pub fn named_anyway(src: &SourceFile, with_gallery: bool) -> Vec<PhotoField> {
    super::read_quietly(src, |f| {
        let mut named: Vec<PhotoField> = cover(f).into_iter().collect();
        if with_gallery {
            named.extend(gallery(f));
        }
        named
    })
    .unwrap_or_default()
}

/// `gallery:`, a list of `{src, caption, alt}` entries (or plain paths).
pub fn gallery(f: &mut Fields<'_>) -> Vec<PhotoField> {
    let Some(v) = f.get("gallery").cloned() else {
        return Vec::new();
    };
    let Value::Sequence(seq) = v else {
        let msg = format!("should be a list of photos, but is {}", describe(&v));
        f.problem(
            "gallery",
            msg,
            format!("write one photo per line, like\n  gallery:\n    - {GALLERY_EXAMPLE}"),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in seq.into_iter().enumerate() {
        let line = nth_item_line(f, "gallery", i);
        let (src, alt, caption) = match &item {
            Value::String(s) => (
                Some(s.trim().to_string()).filter(|s| !s.is_empty()),
                None,
                None,
            ),
            Value::Mapping(m) => (
                item_text(m, "src"),
                item_text(m, "alt"),
                item_text(m, "caption"),
            ),
            other => {
                f.problem_at(
                    line,
                    "gallery",
                    format!(
                        "photo {} should be a group of fields, but is {}",
                        i + 1,
                        describe(other)
                    ),
                    format!("write it like `- {GALLERY_EXAMPLE}`"),
                );
                continue;
            }
        };
        let Some(src) = src else {
            f.problem_at(
                line,
                "gallery.src",
                format!(
                    "photo {} of the gallery has no `src` (the photo file)",
                    i + 1
                ),
                format!("name the file, like `- {GALLERY_EXAMPLE}`"),
            );
            continue;
        };
        out.push(PhotoField {
            src,
            alt,
            caption,
            line,
            field: "gallery",
        });
    }
    out
}
