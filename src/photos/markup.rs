//! The HTML of a photo in a page body: `<picture>` with a WebP `<source>` and an `<img>`
//! fallback, both with `srcset` and `sizes`; `width` and `height` so the browser keeps
//! the room before the file arrives (no layout shift); lazy loading below the top.
//! Templates build the same markup for covers, cards and galleries (`photos.html`).

use super::Photo;
use crate::theme::escape_html as escape;
use std::fmt::Write;

/// `sizes` of a photo in a page's text column (`.prose` is at most 46rem wide). The print
/// edition recognises it and asks for print resolution instead.
pub const BODY_SIZES: &str = "(min-width: 48rem) 46rem, calc(100vw - 2rem)";
/// `sizes` the print edition puts in place of [`BODY_SIZES`]: a full page width at about
/// 200 dpi, so Chromium picks the largest file for paper.
pub const PRINT_SIZES: &str = "1600px";

pub fn srcset(photo: &Photo, root: &str, webp: bool) -> String {
    let mut out = String::new();
    for (i, v) in photo.variants.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let url = if webp { &v.webp } else { &v.fallback };
        let _ = write!(out, "{root}{} {}w", escape(url), v.width);
    }
    out
}

/// `<picture>` for `photo`, with addresses relative to the page through `root`.
pub fn picture(photo: &Photo, root: &str, alt: &str, sizes: &str, eager: bool) -> String {
    let loading = if eager {
        r#" loading="eager" fetchpriority="high""#
    } else {
        r#" loading="lazy" decoding="async""#
    };
    format!(
        r#"<picture><source type="image/webp" srcset="{webp}" sizes="{sizes}"><img src="{root}{src}" srcset="{jpg}" sizes="{sizes}" width="{w}" height="{h}" alt="{alt}"{loading}></picture>"#,
        webp = srcset(photo, root, true),
        jpg = srcset(photo, root, false),
        src = escape(&photo.src),
        w = photo.width,
        h = photo.height,
        alt = escape(alt),
    )
}

/// A photo standing on its own in the text: a figure, captioned when it has a title.
pub fn figure(photo: &Photo, root: &str, alt: &str, caption: Option<&str>) -> String {
    let mut out = String::from("<figure class=\"photo\">");
    out.push_str(&picture(photo, root, alt, BODY_SIZES, false));
    if let Some(c) = caption.filter(|c| !c.trim().is_empty()) {
        let _ = write!(out, "<figcaption>{}</figcaption>", escape(c));
    }
    out.push_str("</figure>\n");
    out
}

/// A body's photos as paper wants them: the JPEG/PNG rather than WebP (Chromium puts a
/// JPEG into a PDF as it is, a WebP decoded and much larger), the largest size, loaded
/// at once (a lazy image below the fold might not be there when the page is printed).
pub fn for_print(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("<source type=\"image/webp\"") {
        out.push_str(&rest[..at]);
        match rest[at..].find('>') {
            Some(end) => rest = &rest[at + end + 1..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out.replace(
        &format!("sizes=\"{BODY_SIZES}\""),
        &format!("sizes=\"{PRINT_SIZES}\""),
    )
    .replace(r#" loading="lazy" decoding="async""#, "")
}

/// The cover before a body and the gallery after it, for the print edition (which shows
/// bodies only), each the largest JPEG/PNG.
pub fn with_print_figures(
    body: &str,
    cover: Option<&crate::model::Figure>,
    gallery: &[crate::model::Figure],
    root: &str,
) -> String {
    let img = |f: &crate::model::Figure| {
        let v = f.photo.largest();
        let mut s = format!(
            r#"<figure class="photo"><img src="{root}{}" width="{}" height="{}" alt="{}">"#,
            escape(&v.fallback),
            v.width,
            v.height,
            escape(&f.alt)
        );
        if let Some(c) = &f.caption {
            let _ = write!(s, "<figcaption>{}</figcaption>", escape(c));
        }
        s.push_str("</figure>\n");
        s
    };
    let mut out = String::with_capacity(body.len() + 512);
    if let Some(c) = cover {
        out.push_str(&img(c).replace("class=\"photo\"", "class=\"photo photo-cover\""));
    }
    out.push_str(body);
    if !gallery.is_empty() {
        out.push_str("<div class=\"gallery-grid print-gallery\">");
        for f in gallery {
            out.push_str(&img(f));
        }
        out.push_str("</div>\n");
    }
    out
}
