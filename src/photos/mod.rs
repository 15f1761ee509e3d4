//! Photos: every content image (covers, galleries, images in Markdown) is decoded once,
//! turned upright by its EXIF orientation, resized to a few widths (never larger than the
//! original) and encoded as lossy WebP plus a JPEG (or, with transparency, PNG) fallback.
//! Results are kept in `.casebook-cache/photos/`, keyed by the original's bytes and the
//! settings, so an unchanged photo is never decoded again.
//!
//! Nothing the encoders write carries metadata: the published files hold pixels only
//! (no EXIF, so no GPS position). This module knows files and pixels; which page shows
//! which photo is the model's business (`model::photos`), the markup is `markup`'s.

mod cache;
mod decode;
pub use decode::extension_of;
mod encode;
pub mod markup;

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Output widths in CSS pixels; an original narrower than one is not enlarged to it.
pub const WIDTHS: [u32; 3] = [480, 960, 1600];
/// WebP quality (0–100, libwebp's scale).
pub const WEBP_QUALITY: f32 = 78.0;
/// JPEG fallback quality.
pub const JPEG_QUALITY: u8 = 80;
/// Images whose header claims more pixels than this are refused before decoding.
pub const MAX_PIXELS: u64 = 100_000_000;
/// Originals larger than this get a `check` warning.
pub const LARGE_ORIGINAL: u64 = 15 * 1024 * 1024;
/// Where published photos go.
pub const PUBLISHED_DIR: &str = "photos/";
/// Formats that are decoded; said in errors about other formats.
pub const SUPPORTED: &str = "JPEG, PNG, WebP, GIF (first frame), TIFF and BMP";
/// Extensions treated as photos when an image in Markdown points at them.
pub const EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "png", "webp", "gif", "tif", "tiff", "bmp", "heic", "heif", "avif",
];
/// Changes whenever the encoders' output would change, so old cache entries are unused.
/// (Bump `v1` when the code's output changes; the numbers follow the constants above.)
fn settings() -> String {
    let widths: Vec<String> = WIDTHS.iter().map(u32::to_string).collect();
    let widths = widths.join(",");
    format!("v1 widths={widths} webp={WEBP_QUALITY} jpeg={JPEG_QUALITY} lanczos3")
}

/// One published size of a photo.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Variant {
    pub width: u32,
    pub height: u32,
    /// Site-relative address of the WebP file.
    pub webp: String,
    /// Site-relative address of the JPEG or PNG file.
    pub fallback: String,
}

/// A processed photo: what pages need to show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Photo {
    /// Size of the largest published variant (the upright original, or 1600 wide).
    pub width: u32,
    pub height: u32,
    /// Narrowest first.
    pub variants: Vec<Variant>,
    /// The fallback file an `<img>` without `srcset` support shows (about 960 wide).
    pub src: String,
    /// `image/jpeg` or `image/png`.
    pub fallback_type: &'static str,
    /// Bytes of the original file.
    pub original_bytes: u64,
    #[serde(skip)]
    pub(crate) cache_dir: PathBuf,
}

impl Photo {
    /// The variant closest to `width` from above (or the largest).
    pub fn at_least(&self, width: u32) -> &Variant {
        self.variants
            .iter()
            .find(|v| v.width >= width)
            .or(self.variants.last())
            .expect("a photo always has a variant")
    }

    pub fn largest(&self) -> &Variant {
        self.at_least(u32::MAX)
    }

    /// Every published file: (site path, cached file holding its bytes).
    pub fn files(&self) -> Vec<(String, PathBuf)> {
        self.variants
            .iter()
            .flat_map(|v| [&v.webp, &v.fallback])
            .map(|p| (p.clone(), self.cache_dir.join(cache::file_name(p))))
            .collect()
    }
}

/// Why a photo cannot be published. Each says what is wrong in plain words; the model
/// adds the file, line and image it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhotoError {
    Missing,
    NotAnImage,
    Unsupported(&'static str),
    Damaged(String),
    TooLarge {
        width: u32,
        height: u32,
    },
    Unreadable(String),
    /// The small copies could not be saved in `.casebook-cache/`.
    Cache(String),
    /// A link (or `..`) that leads out of the site's folder, to where it leads.
    Outside(std::path::PathBuf),
}

impl PhotoError {
    pub fn message(&self) -> String {
        match self {
            PhotoError::Missing => "does not exist".into(),
            PhotoError::NotAnImage => "is not an image file".into(),
            PhotoError::Unsupported(f) => format!("is a {f} image, which casebook cannot read"),
            PhotoError::Damaged(why) => format!("is damaged or cut short ({why})"),
            PhotoError::TooLarge { width, height } => format!(
                "claims to be {width} × {height} pixels ({} megapixels), more than the {} megapixels casebook accepts",
                (*width as u64 * *height as u64) / 1_000_000,
                MAX_PIXELS / 1_000_000
            ),
            PhotoError::Unreadable(e) => format!("cannot be read: {e}"),
            PhotoError::Cache(e) => format!(
                "could not be saved as small copies in the site's .casebook-cache folder ({e})"
            ),
            PhotoError::Outside(real) => format!(
                "leads to {}, outside the site's folder, so casebook does not read or publish it",
                real.display()
            ),
        }
    }

    pub fn hint(&self) -> String {
        match self {
            PhotoError::Missing => "check the file name and folder: a path like `photos/a.jpg` is looked up beside the Markdown file, `/images/a.jpg` in static/".into(),
            PhotoError::NotAnImage => format!("use a photo file; supported formats: {SUPPORTED}"),
            PhotoError::Unsupported(_) => format!(
                "convert it to JPEG first (on an iPhone: Settings → Camera → Formats → Most Compatible, or export as JPEG); supported formats: {SUPPORTED}"
            ),
            PhotoError::Damaged(_) => "copy the photo again from the camera or phone; opening and re-saving it in an image viewer also repairs most files".into(),
            PhotoError::TooLarge { .. } => "export the photo at a normal size (a phone photo is about 12 megapixels), or check that the file is really a photo".into(),
            PhotoError::Unreadable(_) => "check that the file can be opened and is not locked by another program".into(),
            PhotoError::Cache(_) => "the photo itself is fine: check that the disk is not full and that files in the site's folder may be changed (deleting .casebook-cache is safe)".into(),
            PhotoError::Outside(_) => "copy the photo into the site (beside the case, or into static/) instead of linking to it".into(),
        }
    }
}

/// Processes the photo at `path`, or takes it from the cache under `cache_root`.
pub fn process(path: &Path, cache_root: &Path) -> Result<Arc<Photo>, PhotoError> {
    let bytes = std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => PhotoError::Missing,
        _ if path.is_dir() => PhotoError::NotAnImage,
        _ => PhotoError::Unreadable(e.to_string()),
    })?;
    let key = cache::key(&bytes, &settings());
    let stem = published_stem(path);
    let dir = cache_root.join("photos").join(&key);
    if let Some(photo) = cache::load(&dir, &stem, &key, bytes.len() as u64) {
        return Ok(Arc::new(photo));
    }
    let upright = decode::decode(&bytes)?;
    let encoded = encode::encode_all(upright);
    let photo = cache::store(&dir, &stem, &key, bytes.len() as u64, encoded)
        .map_err(|e| PhotoError::Cache(e.to_string()))?;
    Ok(Arc::new(photo))
}

/// The readable part of a published name: the original's stem in lowercase ASCII
/// letters, digits and `-` (Chinese file names become `photo`).
fn published_stem(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let mut out = String::new();
    for c in stem.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out: String = out.trim_end_matches('-').chars().take(40).collect();
    if out.is_empty() {
        "photo".into()
    } else {
        out
    }
}

/// True when `dest` (a Markdown image address, without `#`/`?`) names a photo file.
pub fn is_photo_path(dest: &str) -> bool {
    dest.rsplit_once('.')
        .is_some_and(|(_, ext)| EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn settings_text_is_what_published_names_were_made_with() {
        // Changing it renames every published photo; change it only with the output.
        assert_eq!(
            super::settings(),
            "v1 widths=480,960,1600 webp=78 jpeg=80 lanczos3"
        );
    }

    use super::*;

    #[test]
    fn published_stems_are_plain_ascii() {
        assert_eq!(published_stem(Path::new("a/IMG_2041.JPG")), "img-2041");
        assert_eq!(published_stem(Path::new("a/社区食堂.jpg")), "photo");
        assert_eq!(
            published_stem(Path::new("a/食堂 kitchen 1.jpg")),
            "kitchen-1"
        );
    }

    #[test]
    fn photo_paths_by_extension() {
        assert!(is_photo_path("photos/a.JPG"));
        assert!(is_photo_path("/images/b.heic"));
        assert!(!is_photo_path("files/report.pdf"));
        assert!(!is_photo_path("diagram.svg"));
    }
}
