//! A source file → lines, whatever its kind: plain text in any common Chinese encoding,
//! Markdown without front matter, Word (`docx.rs`), saved web pages (`html.rs`).

use super::article::Line;
use super::{docx, html, ImportError};
use std::path::Path;

/// What a reader found in one file.
#[derive(Debug, Default)]
pub struct Source {
    pub lines: Vec<Line>,
    /// Each text line is a whole paragraph.
    pub exact: bool,
    /// The text encoding, for plain text and Markdown (`UTF-8`, `GBK`…).
    pub encoding: Option<&'static str>,
    /// The document's own title, author and date (Word properties, HTML `<meta>`).
    pub title: Option<String>,
    pub author: Option<String>,
    pub date: Option<chrono::NaiveDate>,
    /// Images, referred to from lines as `![](image:N)` with N their index here.
    pub images: Vec<Image>,
    /// Things the reader could not keep, for the report.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Image {
    /// File extension (`png`, `jpeg`).
    pub ext: String,
    pub bytes: Vec<u8>,
}

/// The kinds of file `import` reads, by extension.
pub fn is_importable(path: &Path) -> bool {
    matches!(
        extension(path).as_str(),
        "txt" | "md" | "markdown" | "docx" | "html" | "htm" | "doc"
    )
}

fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

pub fn read(path: &Path) -> Result<Source, ImportError> {
    let err = |message: String, hint: &str| ImportError::new(path, message, hint);
    let bytes = std::fs::read(path).map_err(|e| {
        err(
            format!("cannot be read: {e}"),
            "check the file's name and that you may open it",
        )
    })?;
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(err(
            "is empty".into(),
            "export the article again, or remove the file from the list",
        ));
    }
    match extension(path).as_str() {
        "txt" => Ok(text(&bytes, false)),
        "md" | "markdown" => {
            let s = text(&bytes, true);
            if matches!(s.lines.first(), Some(Line::Text(t)) if t.trim_end() == "---") {
                return Err(err(
                    "already has front matter (it starts with `---`), so it is a case file, not an article to import".into(),
                    "copy it into content/cases/ as it is, or remove the front matter to import it",
                ));
            }
            Ok(s)
        }
        "docx" => docx::read(&bytes).map_err(|(m, h)| err(m, h)),
        "html" | "htm" => Ok(html::read(&decode(&bytes).0, path)),
        "doc" => Err(err(
            "is an old Word 97-2003 document (.doc), which casebook cannot read".into(),
            "open it in Word or WPS and save it as .docx (Word document), then import the .docx",
        )),
        other => Err(err(
            format!("has the extension .{other}, which casebook cannot import"),
            "import .docx, .txt, .md, .html or .htm files (save other formats as one of these)",
        )),
    }
}

/// Bytes → text: UTF-8 (with or without a BOM) as is, else what `chardetng` guesses
/// (GBK/GB18030 in practice), decoded with `encoding_rs`.
pub fn decode(bytes: &[u8]) -> (String, &'static str) {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (s, _) = enc.decode_without_bom_handling(&bytes[bom..]);
        return (s.into_owned(), enc.name());
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return (s.to_string(), "UTF-8");
    }
    let mut det = chardetng::EncodingDetector::new();
    det.feed(bytes, true);
    let mut enc = det.guess(Some(b"cn"), true);
    if enc == encoding_rs::GBK {
        // GB18030 is GBK's superset: it decodes the same bytes and the rare ones GBK lacks.
        enc = encoding_rs::GB18030;
    }
    let (s, _, _) = enc.decode(bytes);
    (s.into_owned(), enc.name())
}

/// Plain text and Markdown: one line each; `#` lines are headings, list items kept.
fn text(bytes: &[u8], markdown: bool) -> Source {
    let (s, encoding) = decode(bytes);
    let lines = s
        .lines()
        .map(|l| {
            let t = l.trim_end_matches('\r');
            let trimmed = t.trim();
            if trimmed.is_empty() {
                return Line::Blank;
            }
            let hashes = trimmed.chars().take_while(|c| *c == '#').count();
            if (1..=6).contains(&hashes) && trimmed[hashes..].starts_with(' ') {
                return Line::Heading(hashes as u8, trimmed[hashes..].trim().to_string());
            }
            if let Some(item) = list_item(trimmed, markdown) {
                return Line::Raw(item);
            }
            Line::Text(t.to_string())
        })
        .collect();
    Source {
        lines,
        encoding: Some(encoding),
        ..Default::default()
    }
}

/// `- x`, `1. x` (Markdown) and `● x`, `• x` (text) as Markdown list items.
fn list_item(t: &str, markdown: bool) -> Option<String> {
    for bullet in ["● ", "●", "• ", "•", "▪ "] {
        if let Some(rest) = t.strip_prefix(bullet) {
            return Some(format!("- {}", rest.trim()));
        }
    }
    if !markdown {
        return None;
    }
    if t.starts_with("- ") || t.starts_with("* ") {
        return Some(format!("- {}", t[2..].trim()));
    }
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    (digits > 0 && t[digits..].starts_with(". ")).then(|| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_is_detected_and_converted() {
        let text = "浚县民政局大力推进社会工作人才队伍建设，服务困难群众总计2.2万余人。".repeat(3);
        let (bytes, _, _) = encoding_rs::GBK.encode(&text);
        let (back, enc) = decode(&bytes);
        assert_eq!(back, text);
        assert_eq!(enc, "gb18030");
    }

    #[test]
    fn utf8_with_bom() {
        let (s, enc) = decode("\u{feff}社工".as_bytes());
        assert_eq!((s.as_str(), enc), ("社工", "UTF-8"));
    }
}
