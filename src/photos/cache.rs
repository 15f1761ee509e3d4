//! The photo cache: `.casebook-cache/photos/<key>/`, one folder per original and settings,
//! holding every encoded file and a small `sizes` list written last. A folder is made
//! under a temporary name and renamed into place, so a build stopped half-way leaves no
//! folder that looks complete.

use super::encode::EncodedSet;
use super::{Photo, Variant, PUBLISHED_DIR};
use std::io::Write;
use std::path::Path;
use xxhash_rust::xxh3::Xxh3;

/// The cache key: a 128-bit hash of the settings and the original's bytes, in hex.
pub fn key(bytes: &[u8], settings: &str) -> String {
    let mut h = Xxh3::new();
    h.update(settings.as_bytes());
    h.update(&[0]);
    h.update(bytes);
    format!("{:032x}", h.digest128())
}

/// The cached file holding the published file at `site_path` (`<stem>-<key>-<width>.<ext>`
/// is cached as `<width>.<ext>`: the same photo under another name shares the entry).
pub fn file_name(site_path: &str) -> &str {
    let name = site_path.rsplit('/').next().unwrap_or(site_path);
    name.rsplit_once('-').map_or(name, |(_, tail)| tail)
}

fn variants(stem: &str, key: &str, sizes: &[(u32, u32)], png: bool) -> Vec<Variant> {
    let ext = if png { "png" } else { "jpg" };
    let short = &key[..12];
    sizes
        .iter()
        .map(|&(width, height)| Variant {
            width,
            height,
            webp: format!("{PUBLISHED_DIR}{stem}-{short}-{width}.webp"),
            fallback: format!("{PUBLISHED_DIR}{stem}-{short}-{width}.{ext}"),
        })
        .collect()
}

fn photo(dir: &Path, stem: &str, key: &str, bytes: u64, sizes: &[(u32, u32)], png: bool) -> Photo {
    let variants = variants(stem, key, sizes, png);
    let top = variants.last().map_or((0, 0), |v| (v.width, v.height));
    let src = variants
        .iter()
        .find(|v| v.width >= super::WIDTHS[1])
        .or(variants.last())
        .map(|v| v.fallback.clone())
        .unwrap_or_default();
    Photo {
        src,
        width: top.0,
        height: top.1,
        variants,
        fallback_type: if png { "image/png" } else { "image/jpeg" },
        original_bytes: bytes,
        cache_dir: dir.to_path_buf(),
    }
}

/// The cached photo in `dir`, when it is complete.
pub fn load(dir: &Path, stem: &str, key: &str, bytes: u64) -> Option<Photo> {
    let text = std::fs::read_to_string(dir.join("sizes")).ok()?;
    let mut lines = text.lines();
    let png = match lines.next()? {
        "png" => true,
        "jpg" => false,
        _ => return None,
    };
    let sizes: Vec<(u32, u32)> = lines
        .map(|l| {
            let (w, h) = l.split_once(' ')?;
            Some((w.parse().ok()?, h.parse().ok()?))
        })
        .collect::<Option<_>>()?;
    if sizes.is_empty() {
        return None;
    }
    let photo = photo(dir, stem, key, bytes, &sizes, png);
    photo
        .files()
        .iter()
        .all(|(_, cached)| cached.is_file())
        .then_some(photo)
}

/// Writes `set` to the cache as `dir` and returns the photo it holds.
pub fn store(
    dir: &Path,
    stem: &str,
    key: &str,
    bytes: u64,
    set: EncodedSet,
) -> std::io::Result<Photo> {
    let sizes: Vec<(u32, u32)> = set.sizes.iter().map(|e| (e.width, e.height)).collect();
    let photo = photo(dir, stem, key, bytes, &sizes, set.png);
    let parent = dir.parent().unwrap_or(dir);
    std::fs::create_dir_all(parent)?;
    let tmp = tempdir_in(parent)?;
    for (encoded, variant) in set.sizes.iter().zip(&photo.variants) {
        std::fs::write(tmp.join(file_name(&variant.webp)), &encoded.webp)?;
        std::fs::write(tmp.join(file_name(&variant.fallback)), &encoded.fallback)?;
    }
    let mut list = String::from(if set.png { "png\n" } else { "jpg\n" });
    for (w, h) in &sizes {
        list.push_str(&format!("{w} {h}\n"));
    }
    let mut f = std::fs::File::create(tmp.join("sizes"))?;
    f.write_all(list.as_bytes())?;
    drop(f);
    if std::fs::rename(&tmp, dir).is_err() {
        if load(dir, stem, key, bytes).is_none() {
            // An incomplete folder (from an older casebook) is in the way.
            let _ = std::fs::remove_dir_all(dir);
            let _ = std::fs::rename(&tmp, dir);
        }
        // Else another build (a test, `serve` beside `build`) made it first: theirs is
        // the same, and may be being read.
        let _ = std::fs::remove_dir_all(&tmp);
    }
    load(dir, stem, key, bytes)
        .ok_or_else(|| std::io::Error::other(format!("{} is incomplete", dir.display())))
}

fn tempdir_in(parent: &Path) -> std::io::Result<std::path::PathBuf> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let tmp = parent.join(format!(".tmp-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir(&tmp)?;
    Ok(tmp)
}
