//! A saved web article (.html/.htm) → lines, with the `scraper` HTML5 parser: the
//! `<article>` (or `<body>`) headings, paragraphs, lists and tables, bold and italic;
//! menus, scripts and footers dropped. Images the browser saved beside the page
//! ("Save page as… complete" writes them into `<name>_files/`) are copied; images on
//! the web, embedded `data:` images, missing files and files outside the page's folder
//! are listed in the report for the editor to add by hand.

use super::article::Line;
use super::read::{Image, Source};
use scraper::{ElementRef, Html, Node, Selector};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The image files copied from beside a page (the photo pipeline reads them all).
const COPIED: &[&str] = &["jpg", "jpeg", "png", "webp", "gif", "tif", "tiff", "bmp"];

/// `text` is the page read from `file`; its images are looked for in `file`'s folder.
pub fn read(text: &str, file: &Path) -> Source {
    let doc = Html::parse_document(text);
    let mut source = Source {
        exact: true,
        ..Default::default()
    };
    source.title = first_text(&doc, "title");
    source.author = meta(&doc, "author");
    source.date = meta(&doc, "date")
        .or_else(|| meta(&doc, "article:published_time"))
        .and_then(|d| chrono::NaiveDate::parse_from_str(d.get(..10)?, "%Y-%m-%d").ok());
    let root = ["article", "main", "body"]
        .iter()
        .find_map(|s| doc.select(&Selector::parse(s).ok()?).next());
    if let Some(root) = root {
        let mut page = Page::new(file);
        page.walk(root, &mut source.lines);
        source.images = page.images;
        source.notes = page.notes;
    }
    source
}

fn first_text(doc: &Html, sel: &str) -> Option<String> {
    let s = Selector::parse(sel).ok()?;
    let t = doc.select(&s).next()?.text().collect::<String>();
    let t = t.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn meta(doc: &Html, name: &str) -> Option<String> {
    let s = Selector::parse(&format!("meta[name=\"{name}\"], meta[property=\"{name}\"]")).ok()?;
    doc.select(&s)
        .next()?
        .value()
        .attr("content")
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
}

/// The page's folder and what has been taken from it.
struct Page {
    /// The page's file name, for the report.
    name: String,
    /// The page's folder, resolved (`None` when it cannot be resolved).
    folder: Option<PathBuf>,
    images: Vec<Image>,
    /// A file named twice is copied once: its index in `images`.
    copied: HashMap<PathBuf, usize>,
    notes: Vec<String>,
}

impl Page {
    fn new(file: &Path) -> Page {
        let parent = match file.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        Page {
            name: file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| file.display().to_string()),
            folder: parent.canonicalize().ok(),
            images: Vec::new(),
            copied: HashMap::new(),
            notes: Vec::new(),
        }
    }

    /// Block elements become lines; text and inline elements between them (as pages
    /// often put a story's text straight in a `<div>`, split by `<br>`) become paragraphs.
    fn walk(&mut self, el: ElementRef<'_>, lines: &mut Vec<Line>) {
        let mut run = String::new();
        for child in el.children() {
            let Some(e) = ElementRef::wrap(child) else {
                if child.value().is_text() {
                    self.inline_node(child, &mut run);
                }
                continue;
            };
            let name = e.value().name();
            if name == "br" {
                paragraph(&mut run, lines);
                continue;
            }
            if INLINE.contains(&name) {
                self.inline_node(child, &mut run);
                continue;
            }
            paragraph(&mut run, lines);
            match name {
                "script" | "style" | "nav" | "header" | "footer" | "aside" | "form"
                | "noscript" => {}
                "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                    let level = name[1..].parse::<u8>().unwrap_or(2);
                    let t = plain(e);
                    if !t.is_empty() {
                        lines.push(Line::Heading(level, t));
                    }
                    self.images_after(e, lines);
                }
                "p" => {
                    let mut t = self.inline(e);
                    paragraph(&mut t, lines);
                }
                "ul" | "ol" => {
                    for (i, li) in e.children().filter_map(ElementRef::wrap).enumerate() {
                        let mark = if name == "ol" {
                            format!("{}.", i + 1)
                        } else {
                            "-".into()
                        };
                        let item = self.inline(li);
                        lines.push(Line::Raw(format!("{mark} {}", item.trim())));
                    }
                }
                "table" => {
                    lines.push(Line::Raw(table(e)));
                    self.images_after(e, lines);
                }
                "figcaption" => {
                    let t = plain(e);
                    if !t.is_empty() {
                        lines.push(Line::Raw(format!("*{t}*")));
                    }
                }
                _ => self.walk(e, lines),
            }
        }
        paragraph(&mut run, lines);
    }

    /// The images inside a block that holds text only (a heading, a table's cells), each
    /// on its own line after the block.
    fn images_after(&mut self, e: ElementRef<'_>, lines: &mut Vec<Line>) {
        if let Ok(img) = Selector::parse("img") {
            for i in e.select(&img) {
                if let Some(md) = self.image(i) {
                    lines.push(Line::Raw(md));
                }
            }
        }
    }

    /// Text with `<b>/<strong>` as `**…**`, `<i>/<em>` as `*…*` and images as
    /// `![alt](image:N)`.
    fn inline(&mut self, e: ElementRef<'_>) -> String {
        let mut out = String::new();
        for child in e.children() {
            self.inline_node(child, &mut out);
        }
        out
    }

    /// One node of [`Page::inline`]'s text.
    fn inline_node(&mut self, child: ego_tree::NodeRef<'_, Node>, out: &mut String) {
        match child.value() {
            Node::Text(t) => out.push_str(&t.replace(['\n', '\r'], "")),
            Node::Element(el) => {
                let Some(c) = ElementRef::wrap(child) else {
                    return;
                };
                match el.name() {
                    "img" => {
                        if let Some(md) = self.image(c) {
                            out.push_str(&md);
                        }
                        return;
                    }
                    "script" | "style" => return,
                    "br" => {
                        out.push(' ');
                        return;
                    }
                    _ => {}
                }
                let inner = self.inline(c);
                match el.name() {
                    "b" | "strong" if !inner.trim().is_empty() => {
                        out.push_str(&format!("**{}**", inner.trim()))
                    }
                    "i" | "em" if !inner.trim().is_empty() => {
                        out.push_str(&format!("*{}*", inner.trim()))
                    }
                    _ => out.push_str(&inner),
                }
            }
            _ => {}
        }
    }

    /// `![alt](image:N)` for an image copied from beside the page; `None`, and a note
    /// for the report, for one that is not.
    fn image(&mut self, e: ElementRef<'_>) -> Option<String> {
        let v = e.value();
        let given = |name: &str| v.attr(name).map(str::trim).filter(|s| !s.is_empty());
        // A page that loads images late keeps a placeholder in `src`, the image in `data-src`.
        let lazy = given("data-src").or_else(|| given("data-original"));
        let address = match (given("src"), lazy) {
            (Some(s), Some(l)) if s.starts_with("data:") => l,
            (Some(s), _) => s,
            (None, Some(l)) => l,
            (None, None) => return None,
        };
        match self.copy(address) {
            Ok(n) => {
                let alt = given("alt")
                    .unwrap_or("")
                    .replace(['[', ']', '\n', '\r'], " ");
                Some(format!("![{}](image:{n})", alt.trim()))
            }
            Err(why) => {
                self.notes.push(format!(
                    "image not copied, add it by hand: {} ({why})",
                    shown(address)
                ));
                None
            }
        }
    }

    /// Copies the image at `address` (relative to the page) into `images`, or says why not.
    fn copy(&mut self, address: &str) -> Result<usize, String> {
        let lower = address.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("//")
        {
            return Err("an address on the web: casebook does not download images".into());
        }
        if lower.starts_with("data:") {
            return Err("embedded in the page as a data: address, not saved as a file".into());
        }
        let scheme = address
            .split_once(':')
            .is_some_and(|(s, _)| !s.is_empty() && !s.contains(['/', '\\']));
        if scheme || address.starts_with(['/', '\\']) {
            return Err(format!(
                "not a file in the folder of {}: only images saved beside the page are copied",
                self.name
            ));
        }
        let rel =
            percent_decode(address.split(['?', '#']).next().unwrap_or(address)).replace('\\', "/");
        let Some(folder) = &self.folder else {
            return Err(format!("the folder of {} cannot be read", self.name));
        };
        let wanted = folder.join(&rel);
        if !wanted.is_file() {
            return Err(format!(
                "the file {rel} is missing from the folder of {}",
                self.name
            ));
        }
        let real = wanted
            .canonicalize()
            .map_err(|e| format!("the file {rel} cannot be read: {e}"))?;
        if !real.starts_with(folder) {
            return Err(format!(
                "the file {rel} is outside the folder of {}: only images saved beside the page are copied",
                self.name
            ));
        }
        if let Some(&n) = self.copied.get(&real) {
            return Ok(n);
        }
        let ext = real
            .extension()
            .map(|x| x.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        if !COPIED.contains(&ext.as_str()) {
            let kind = if ext.is_empty() {
                "a file without an extension".to_string()
            } else {
                format!("a .{ext} file")
            };
            return Err(format!(
                "{rel} is {kind}: only JPEG, PNG, WebP, GIF, TIFF and BMP images are copied, so save it as one of these"
            ));
        }
        let bytes =
            std::fs::read(&real).map_err(|e| format!("the file {rel} cannot be read: {e}"))?;
        // Named by the format the bytes are in, as the photo pipeline reads them.
        let ext = crate::photos::extension_of(&bytes).map_err(|e| {
            format!(
                "{rel} is not an image casebook can show: it {} (the page may have saved an error page in its place)",
                e.message()
            )
        })?;
        self.images.push(Image {
            ext: ext.to_string(),
            bytes,
        });
        let n = self.images.len() - 1;
        self.copied.insert(real, n);
        Ok(n)
    }
}

/// The text with every `![…](image:N)` taken out.
fn without_images(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(start) = rest.find("![") {
        let Some(end) = rest[start..]
            .find("](image:")
            .and_then(|m| rest[start + m..].find(')').map(|c| start + m + c))
        else {
            break;
        };
        out.push_str(&rest[..start]);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// `%E5%9B%BE.jpg` → `图.jpg` (a browser writes saved file names so); bytes that do not
/// make UTF-8 are kept as written.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b[i], hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// An address as the report shows it: a `data:` address cut short.
fn shown(address: &str) -> String {
    if address.chars().count() > 60 {
        let head: String = address.chars().take(40).collect();
        format!("{head}…")
    } else {
        address.to_string()
    }
}

/// Elements that sit inside a line of text rather than make one.
const INLINE: &[&str] = &[
    "a", "abbr", "b", "big", "cite", "code", "em", "font", "i", "img", "kbd", "label", "mark", "q",
    "s", "small", "span", "strong", "sub", "sup", "time", "u",
];

/// Ends a paragraph: `text`, trimmed, becomes a line (a paragraph of images only is kept
/// as it is, like Word's), and is emptied.
fn paragraph(text: &mut String, lines: &mut Vec<Line>) {
    let t = text.trim();
    if !t.is_empty() {
        if without_images(t).trim().is_empty() {
            lines.push(Line::Raw(t.to_string()));
        } else {
            lines.push(Line::Text(t.to_string()));
        }
    }
    text.clear();
}

fn plain(e: ElementRef<'_>) -> String {
    e.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn table(e: ElementRef<'_>) -> String {
    let (Ok(tr), Ok(cell)) = (Selector::parse("tr"), Selector::parse("th, td")) else {
        return String::new();
    };
    let rows: Vec<Vec<String>> = e
        .select(&tr)
        .map(|r| {
            r.select(&cell)
                .map(|c| plain(c).replace('|', "｜"))
                .collect()
        })
        .collect();
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut out = String::new();
    for (n, r) in rows.iter().enumerate() {
        let cells: Vec<String> = (0..width)
            .map(|i| r.get(i).cloned().unwrap_or_default())
            .collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
        if n == 0 {
            out.push_str(&format!("|{}\n", " --- |".repeat(width)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_file_names_are_decoded() {
        assert_eq!(
            percent_decode("a_files/%E5%9B%BE%201.jpg"),
            "a_files/图 1.jpg"
        );
        assert_eq!(percent_decode("100%.png"), "100%.png");
        assert_eq!(percent_decode("%FF.png"), "%FF.png");
    }

    /// Government sites put a story's text straight in a `<div>`, in `<span>`s, split by
    /// `<br>`: none of it may be lost (it was, when only `<p>` made paragraphs).
    #[test]
    fn text_straight_in_a_div_is_kept() {
        let html = r#"<html><body><div class="TRS_Editor"><h2>一、背景</h2>金山镇社工站成立于2021年。<br><span>服务老人</span><b>3000余人次</b>。<br/><br/>第二段<div>嵌套的段落</div>尾声<p>一个段落</p></div></body></html>"#;
        let s = read(html, Path::new("/nonexistent/a.html"));
        let want = vec![
            Line::Heading(2, "一、背景".into()),
            Line::Text("金山镇社工站成立于2021年。".into()),
            Line::Text("服务老人**3000余人次**。".into()),
            Line::Text("第二段".into()),
            Line::Text("嵌套的段落".into()),
            Line::Text("尾声".into()),
            Line::Text("一个段落".into()),
        ];
        assert_eq!(s.lines, want);
    }

    /// A picture inside a heading (a banner some sites put in their title) follows the
    /// heading instead of being lost.
    #[test]
    fn an_image_in_a_heading_follows_it() {
        let dir = std::env::temp_dir().join(format!("casebook-html-h-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("a_files")).expect("dirs");
        std::fs::write(dir.join("a_files/banner.png"), b"\x89PNG\r\n\x1a\nrest").expect("png");
        let html = r#"<article><h2><img src="a_files/banner.png" alt="活动现场">二、服务成效</h2><p>正文。</p></article>"#;
        let s = read(html, &dir.join("a.html"));
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(s.images.len(), 1, "{:?}", s.notes);
        assert_eq!(s.lines[0], Line::Heading(2, "二、服务成效".into()));
        assert!(
            matches!(&s.lines[1], Line::Raw(md) if md.starts_with("![活动现场](image:0)")),
            "{:?}",
            s.lines
        );
        assert_eq!(s.lines[2], Line::Text("正文。".into()));
    }

    #[test]
    fn image_only_paragraphs_are_told_apart() {
        assert_eq!(without_images("![走访](image:0) ![](image:1)").trim(), "");
        assert_eq!(without_images("社工![](image:0)入户"), "社工入户");
        assert_eq!(without_images("![not an image]"), "![not an image]");
    }

    #[test]
    fn only_files_inside_the_page_folder_are_copied() {
        let dir = std::env::temp_dir().join(format!("casebook-html-{}", std::process::id()));
        let page_dir = dir.join("page");
        std::fs::create_dir_all(page_dir.join("a_files")).expect("dirs");
        std::fs::write(dir.join("secret.png"), b"\x89PNG\r\n\x1a\nrest").expect("secret");
        std::fs::write(page_dir.join("a_files/x.svg"), "<svg/>").expect("svg");
        std::fs::write(page_dir.join("a_files/fake.jpg"), "<html>404</html>").expect("fake");
        let html = r#"<article><p>社工入户走访。</p><p><img src="../secret.png"></p>
<p><img src="a_files/x.svg"><img src="a_files/fake.jpg"><img src="/logo.png">
<img src="file:///etc/passwd"><img src="data:image/gif;base64,R0lGOD"></p></article>"#;
        let s = read(html, &page_dir.join("a.html"));
        assert!(s.images.is_empty(), "{:?}", s.notes);
        assert_eq!(s.notes.len(), 6, "{:#?}", s.notes);
        assert!(
            s.notes[0].contains("../secret.png")
                && s.notes[0].contains("outside the folder of a.html")
        );
        assert!(s.notes[1].contains("a .svg file"));
        assert!(
            s.notes[2].contains("fake.jpg is not an image casebook can show")
                && s.notes[2].contains("error page")
        );
        assert!(s
            .notes
            .iter()
            .all(|n| n.starts_with("image not copied, add it by hand: ")));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
