//! Word documents (.docx, Word 2007 and later) → lines, with `zip` and `quick-xml`.
//! Kept, as mammoth does: headings (by style), paragraphs, lists (numbered as Word numbers
//! them: `1.`, `一、`, `（一）`), tables, bold and
//! italic, footnotes, images. Dropped: fonts, colours, sizes.

use super::article::Line;
use super::read::{Image, Source};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::collections::HashMap;
use std::io::{Cursor, Read};

type Problem = (String, &'static str);

/// An OLE compound file: an old .doc, or a .docx saved with a password.
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

pub fn read(bytes: &[u8]) -> Result<Source, Problem> {
    if bytes.starts_with(OLE_MAGIC) {
        return Err((
            "is password-protected (or is an old .doc renamed to .docx): casebook cannot open it".into(),
            "open it in Word or WPS, remove the password (File → Info → Protect Document) and save it as .docx",
        ));
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| damaged())?;
    let document = part(&mut zip, "word/document.xml").ok_or_else(damaged)?;
    let styles = part(&mut zip, "word/styles.xml")
        .map(|x| heading_styles(&x))
        .unwrap_or_default();
    let rels = part(&mut zip, "word/_rels/document.xml.rels")
        .map(|x| relationships(&x))
        .unwrap_or_default();
    let mut source = Source {
        exact: true,
        ..Default::default()
    };
    let numbering = part(&mut zip, "word/numbering.xml")
        .map(|x| numbering(&x))
        .unwrap_or_default();
    let mut body = Body {
        styles,
        rels,
        numbering,
        ..Default::default()
    };
    body.parse(&document).map_err(|_| damaged())?;
    for target in &body.images {
        let name = format!("word/{}", target.trim_start_matches('/'));
        let ext = target
            .rsplit('.')
            .next()
            .unwrap_or("png")
            .to_ascii_lowercase();
        match part_bytes(&mut zip, &name) {
            Some(bytes) => match crate::photos::extension_of(&bytes) {
                Ok(ext) => source.images.push(Image {
                    ext: ext.to_string(),
                    bytes,
                }),
                // A Word drawing (EMF, WMF) or the like: a web page cannot show it, and a
                // draft that named it would stop the build.
                Err(e) => {
                    let what = match ext.as_str() {
                        "emf" | "wmf" | "emz" | "wmz" => {
                            "is a Word drawing (EMF/WMF), which a web page cannot show".to_string()
                        }
                        _ => e.message(),
                    };
                    source.images.push(Image {
                        ext,
                        bytes: Vec::new(),
                    });
                    source.notes.push(format!(
                        "an image ({target}) was left out: it {what}; in Word, save it as a picture (PNG or JPEG) and add it to the draft by hand"
                    ));
                }
            },
            None => {
                // Kept as an empty place, so the images after it keep their numbers.
                source.images.push(Image {
                    ext,
                    bytes: Vec::new(),
                });
                source
                    .notes
                    .push(format!("an image ({target}) is missing from the document"))
            }
        }
    }
    source.lines = body.lines;
    if let Some(notes) = part(&mut zip, "word/footnotes.xml") {
        source.lines.extend(footnotes(&notes));
    }
    if let Some(core) = part(&mut zip, "docProps/core.xml") {
        properties(&core, &mut source);
    }
    Ok(source)
}

fn damaged() -> Problem {
    (
        "is damaged: it is not a Word document casebook can open (no document inside the .docx package)".into(),
        "open it in Word or WPS and save it again as .docx; if it does not open there, ask for the file again",
    )
}

fn part(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Option<String> {
    part_bytes(zip, name).and_then(|b| String::from_utf8(b).ok())
}

fn part_bytes(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Option<Vec<u8>> {
    let mut f = zip.by_name(name).ok()?;
    let mut out = Vec::new();
    f.read_to_end(&mut out).ok()?;
    Some(out)
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.try_get_attribute(name)
        .ok()
        .flatten()
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

/// How one level of a Word list is numbered: `numFmt` (`decimal`, `bullet`,
/// `chineseCounting` …) and `lvlText` (`%1.`, `（%1）` …).
#[derive(Debug, Clone, Default)]
struct Level {
    format: String,
    text: String,
}

/// List id (`w:numId`) → its levels (by `w:ilvl`), from numbering.xml.
fn numbering(xml: &str) -> HashMap<String, HashMap<u8, Level>> {
    let mut abstracts: HashMap<String, HashMap<u8, Level>> = HashMap::new();
    let mut nums: HashMap<String, String> = HashMap::new();
    let mut reader = Reader::from_str(xml);
    let (mut abs, mut lvl, mut num): (Option<String>, Option<u8>, Option<String>) =
        (None, None, None);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.name().as_ref() {
                b"w:abstractNum" => abs = attr(&e, "w:abstractNumId"),
                b"w:lvl" => lvl = attr(&e, "w:ilvl").and_then(|v| v.parse().ok()),
                b"w:numFmt" | b"w:lvlText" => {
                    if let (Some(a), Some(l), Some(v)) = (&abs, lvl, attr(&e, "w:val")) {
                        let level = abstracts
                            .entry(a.clone())
                            .or_default()
                            .entry(l)
                            .or_default();
                        if e.name().as_ref() == b"w:numFmt" {
                            level.format = v;
                        } else {
                            level.text = v;
                        }
                    }
                }
                b"w:num" => num = attr(&e, "w:numId"),
                b"w:abstractNumId" => {
                    if let (Some(n), Some(v)) = (&num, attr(&e, "w:val")) {
                        nums.insert(n.clone(), v);
                    }
                }
                _ => {}
            },
            Ok(Event::End(e)) => match e.name().as_ref() {
                b"w:abstractNum" => abs = None,
                b"w:lvl" => lvl = None,
                b"w:num" => num = None,
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    nums.into_iter()
        .filter_map(|(n, a)| Some((n, abstracts.get(&a)?.clone())))
        .collect()
}

/// The marker of item `n` (from 1) of a numbered list level: `3.` for Markdown's own
/// ordered lists, else the level's text with the number as Word shows it (`三、`, `（c）`).
fn list_marker(level: &Level, n: usize) -> Option<String> {
    let number = match level.format.as_str() {
        "bullet" | "none" | "" => return None,
        "chineseCounting"
        | "chineseCountingThousand"
        | "ideographTraditional"
        | "ideographDigital"
        | "japaneseCounting"
        | "taiwaneseCounting" => chinese_number(n),
        "lowerLetter" => letter(n, b'a'),
        "upperLetter" => letter(n, b'A'),
        "lowerRoman" => roman(n).to_lowercase(),
        "upperRoman" => roman(n),
        _ => n.to_string(),
    };
    let text = if level.text.is_empty() {
        "%1.".to_string()
    } else {
        level.text.clone()
    };
    // Only the level's own number is shown: a multi-level `%1.%2.` shows as `2.`, what
    // comes before the first number and after the last kept.
    let marker = (1..=9).fold(text, |t, i| t.replace(&format!("%{i}"), "\u{0}"));
    let marker = match (marker.find('\u{0}'), marker.rfind('\u{0}')) {
        (Some(first), Some(last)) => {
            format!("{}{}{}", &marker[..first], number, &marker[last + 1..])
        }
        _ => marker,
    };
    Some(marker)
}

fn chinese_number(n: usize) -> String {
    const DIGITS: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n].to_string(),
        10..=19 => format!("十{}", if n > 10 { DIGITS[n % 10] } else { "" }),
        20..=99 => format!(
            "{}十{}",
            DIGITS[n / 10],
            if !n.is_multiple_of(10) {
                DIGITS[n % 10]
            } else {
                ""
            }
        ),
        _ => n.to_string(),
    }
}

fn letter(n: usize, base: u8) -> String {
    let i = (n.max(1) - 1) % 26;
    char::from(base + i as u8)
        .to_string()
        .repeat((n.max(1) - 1) / 26 + 1)
}

fn roman(mut n: usize) -> String {
    const R: [(usize, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (v, s) in R {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

/// Style id → heading level, from styles.xml (`heading 2` → 2, `Title` → 1).
fn heading_styles(xml: &str) -> HashMap<String, u8> {
    let mut out = HashMap::new();
    let mut reader = Reader::from_str(xml);
    let mut id = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.name().as_ref() {
                b"w:style" => id = attr(&e, "w:styleId"),
                b"w:name" => {
                    if let (Some(id), Some(name)) = (&id, attr(&e, "w:val")) {
                        if let Some(level) = heading_level(&name) {
                            out.insert(id.clone(), level);
                        }
                    }
                }
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

fn heading_level(style: &str) -> Option<u8> {
    let s = style.to_ascii_lowercase().replace(' ', "");
    if s == "title" || s == "标题" {
        return Some(1);
    }
    let n = s
        .strip_prefix("heading")
        .or_else(|| s.strip_prefix("标题"))?;
    n.parse::<u8>().ok().filter(|n| (1..=6).contains(n))
}

fn relationships(xml: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let mut reader = Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) if e.name().as_ref() == b"Relationship" => {
                if let (Some(id), Some(target)) = (attr(&e, "Id"), attr(&e, "Target")) {
                    out.insert(id, target);
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

#[derive(Default)]
struct Body {
    styles: HashMap<String, u8>,
    rels: HashMap<String, String>,
    lines: Vec<Line>,
    images: Vec<String>,
    para: String,
    heading: Option<u8>,
    list: bool,
    /// List id → levels (see [`numbering`]).
    numbering: HashMap<String, HashMap<u8, Level>>,
    /// The paragraph's list and level.
    num_id: Option<String>,
    ilvl: u8,
    /// Items so far per list and level.
    counters: HashMap<(String, u8), usize>,
    bold: bool,
    italic: bool,
    in_run_props: bool,
    table: Vec<Vec<String>>,
    table_depth: usize,
}

impl Body {
    fn parse(&mut self, xml: &str) -> Result<(), quick_xml::Error> {
        let mut reader = Reader::from_str(xml);
        loop {
            match reader.read_event()? {
                Event::Start(e) => self.start(&e, false),
                Event::Empty(e) => self.start(&e, true),
                Event::End(e) => self.end(e.name().as_ref()),
                Event::Text(t) => {
                    let text = t.unescape()?;
                    self.push_text(&text);
                }
                Event::Eof => return Ok(()),
                _ => {}
            }
        }
    }

    fn start(&mut self, e: &BytesStart<'_>, empty: bool) {
        match e.name().as_ref() {
            b"w:p" => {
                self.para.clear();
                self.heading = None;
                self.list = false;
                self.num_id = None;
                self.ilvl = 0;
            }
            b"w:pStyle" => {
                self.heading = attr(e, "w:val")
                    .and_then(|v| self.styles.get(&v).copied().or_else(|| heading_level(&v)))
            }
            b"w:numPr" => self.list = true,
            b"w:numId" => self.num_id = attr(e, "w:val"),
            b"w:ilvl" => self.ilvl = attr(e, "w:val").and_then(|v| v.parse().ok()).unwrap_or(0),
            b"w:r" => {
                self.bold = false;
                self.italic = false;
            }
            b"w:rPr" if !empty => self.in_run_props = true,
            b"w:b" if self.in_run_props => {
                self.bold = attr(e, "w:val").is_none_or(|v| v != "0" && v != "false")
            }
            b"w:i" if self.in_run_props => {
                self.italic = attr(e, "w:val").is_none_or(|v| v != "0" && v != "false")
            }
            b"w:tab" => self.para.push(' '),
            b"w:br" => self.para.push(' '),
            b"w:footnoteReference" => {
                if let Some(id) = attr(e, "w:id") {
                    self.para.push_str(&format!("[^{id}]"));
                }
            }
            b"a:blip" => {
                if let Some(target) = attr(e, "r:embed").and_then(|id| self.rels.get(&id)) {
                    self.para
                        .push_str(&format!("![](image:{})", self.images.len()));
                    self.images.push(target.clone());
                }
            }
            b"w:tbl" => {
                self.table_depth += 1;
                if self.table_depth == 1 {
                    self.table.clear();
                }
            }
            b"w:tr" if self.table_depth == 1 => self.table.push(Vec::new()),
            b"w:tc" if self.table_depth == 1 => {
                if let Some(row) = self.table.last_mut() {
                    row.push(String::new());
                }
            }
            _ => {}
        }
    }

    fn push_text(&mut self, text: &str) {
        let text = match (self.bold, self.italic) {
            _ if text.trim().is_empty() => text.to_string(),
            (true, true) => format!("***{text}***"),
            (true, false) => format!("**{text}**"),
            (false, true) => format!("*{text}*"),
            _ => text.to_string(),
        };
        self.para.push_str(&text);
    }

    fn end(&mut self, name: &[u8]) {
        match name {
            b"w:rPr" => self.in_run_props = false,
            b"w:p" => self.end_paragraph(),
            b"w:tbl" => {
                self.table_depth = self.table_depth.saturating_sub(1);
                if self.table_depth == 0 {
                    let table = std::mem::take(&mut self.table);
                    self.lines.push(Line::Raw(markdown_table(&table)));
                }
            }
            _ => {}
        }
    }

    fn end_paragraph(&mut self) {
        let text = merge_emphasis(self.para.trim());
        self.para.clear();
        if self.table_depth > 0 {
            if let Some(cell) = self.table.last_mut().and_then(|r| r.last_mut()) {
                if !cell.is_empty() {
                    cell.push(' ');
                }
                cell.push_str(&text);
            }
            return;
        }
        if text.is_empty() {
            return;
        }
        let line = match (self.heading, self.list) {
            (Some(level), _) => Line::Heading(level, text.replace('*', "")),
            (None, true) => Line::Raw(self.list_item(&text)),
            (None, false) if text.starts_with("![](") => Line::Raw(text),
            (None, false) => Line::Text(text),
        };
        self.lines.push(line);
    }
}

impl Body {
    /// A list paragraph as Markdown: `- ` for bullets, `3. ` for decimal numbers, or the
    /// text after the marker Word shows (`二、`, `（三）`); nested levels indented.
    fn list_item(&mut self, text: &str) -> String {
        let id = self.num_id.clone().unwrap_or_default();
        let level = self
            .numbering
            .get(&id)
            .and_then(|l| l.get(&self.ilvl))
            .cloned()
            .unwrap_or_default();
        let indent = "   ".repeat(usize::from(self.ilvl.min(8)));
        // An item restarts the numbering of the levels below it.
        let ilvl = self.ilvl;
        self.counters.retain(|(i, l), _| *i != id || *l <= ilvl);
        let n = self.counters.entry((id, ilvl)).or_insert(0);
        *n += 1;
        match list_marker(&level, *n) {
            None => format!("{indent}- {text}"),
            Some(m) if level.format == "decimal" && (m.ends_with('.') || m.ends_with(')')) => {
                format!("{indent}{}. {text}", *n)
            }
            Some(m) => format!("{indent}{m}{text}"),
        }
    }
}

/// `**社工**站**` pieces from adjacent bold runs → one bold span.
fn merge_emphasis(s: &str) -> String {
    s.replace("****", "").replace("**  **", " ")
}

fn markdown_table(rows: &[Vec<String>]) -> String {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    if width == 0 {
        return String::new();
    }
    let cell =
        |r: &Vec<String>, i: usize| r.get(i).map(|c| c.replace('|', "｜")).unwrap_or_default();
    let mut out = String::new();
    for (n, r) in rows.iter().enumerate() {
        let cells: Vec<String> = (0..width).map(|i| cell(r, i)).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
        if n == 0 {
            out.push_str(&format!("|{}\n", " --- |".repeat(width)));
        }
    }
    out
}

/// Footnotes → `[^id]: text` lines (Word's two separator notes, ids -1 and 0, skipped).
fn footnotes(xml: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut reader = Reader::from_str(xml);
    let mut id: Option<String> = None;
    let mut text = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.name().as_ref() == b"w:footnote" => {
                id = attr(&e, "w:id");
                text.clear();
            }
            Ok(Event::Text(t)) => {
                if let Ok(t) = t.unescape() {
                    text.push_str(&t);
                }
            }
            Ok(Event::End(e)) if e.name().as_ref() == b"w:footnote" => {
                if let Some(id) = id.take().filter(|i| i.parse::<i32>().is_ok_and(|n| n > 0)) {
                    out.push(Line::Raw(format!("[^{id}]: {}", text.trim())));
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

/// docProps/core.xml: `dc:title`, `dc:creator`, `dcterms:created`.
fn properties(xml: &str, source: &mut Source) {
    let mut reader = Reader::from_str(xml);
    let mut field: Option<Vec<u8>> = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => field = Some(e.name().as_ref().to_vec()),
            Ok(Event::Text(t)) => {
                let value = t
                    .unescape()
                    .map(|v| v.trim().to_string())
                    .unwrap_or_default();
                if value.is_empty() {
                    continue;
                }
                match field.as_deref() {
                    Some(b"dc:title") => source.title = Some(value),
                    Some(b"dc:creator") => source.author = Some(value),
                    Some(b"dcterms:created") => {
                        source.date = value
                            .get(..10)
                            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                    }
                    _ => {}
                }
            }
            Ok(Event::End(_)) => field = None,
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_markers_follow_words_numbering() {
        let lvl = |format: &str, text: &str| Level {
            format: format.into(),
            text: text.into(),
        };
        assert_eq!(list_marker(&lvl("bullet", "●"), 1), None);
        assert_eq!(
            list_marker(&lvl("decimal", "%1."), 3).as_deref(),
            Some("3.")
        );
        assert_eq!(
            list_marker(&lvl("chineseCounting", "%1、"), 2).as_deref(),
            Some("二、")
        );
        assert_eq!(
            list_marker(&lvl("chineseCounting", "（%1）"), 11).as_deref(),
            Some("（十一）")
        );
        assert_eq!(
            list_marker(&lvl("chineseCountingThousand", "%1、"), 20).as_deref(),
            Some("二十、")
        );
        assert_eq!(
            list_marker(&lvl("lowerLetter", "%1)"), 3).as_deref(),
            Some("c)")
        );
        assert_eq!(
            list_marker(&lvl("upperRoman", "%1."), 4).as_deref(),
            Some("IV.")
        );
        assert_eq!(
            list_marker(&lvl("decimal", "%1.%2."), 2).as_deref(),
            Some("2.")
        );
    }

    #[test]
    fn numbered_paragraphs_count_per_list_and_level() {
        let numbering = numbering(
            r#"<w:numbering xmlns:w="w"><w:abstractNum w:abstractNumId="7"><w:lvl w:ilvl="0"><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl><w:lvl w:ilvl="1"><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl></w:abstractNum><w:abstractNum w:abstractNumId="8"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="●"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="7"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="8"/></w:num></w:numbering>"#,
        );
        let mut body = Body {
            numbering,
            ..Default::default()
        };
        let item = |num: &str, ilvl: u8, text: &str| {
            format!(
                r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num}"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#
            )
        };
        let xml = format!(
            "<w:document xmlns:w=\"w\"><w:body>{}{}{}{}{}{}</w:body></w:document>",
            item("1", 0, "健全机制"),
            item("1", 1, "排查"),
            item("1", 1, "走访"),
            item("1", 0, "培育人才"),
            item("1", 1, "培训"),
            item("2", 0, "要点")
        );
        body.parse(&xml).unwrap_or_else(|e| panic!("{e}"));
        let raw: Vec<String> = body
            .lines
            .iter()
            .map(|l| match l {
                Line::Raw(s) => s.clone(),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(
            raw,
            [
                "一、健全机制",
                "   1. 排查",
                "   2. 走访",
                "二、培育人才",
                "   1. 培训",
                "- 要点"
            ]
        );
    }
}
