//! Limits that keep every file's rendering linear in its size. The HTML sanitiser takes
//! time that grows with the square of how deeply elements nest (25,000 nested `<div>`s:
//! seconds; 200,000: minutes), and a table's cells each cost hundreds of bytes while
//! they are rendered. No real case nests HTML more than a few dozen levels or holds a
//! table of tens of thousands of cells, so beyond these limits a file is refused with a
//! message instead of stalling the build. The checks are single passes over the text.

/// Deepest nesting of HTML elements sent to the sanitiser.
pub const MAX_NESTING: usize = 128;

/// Most table cells in one file.
pub const MAX_TABLE_CELLS: usize = 50_000;

/// Why a text was not rendered, at a 1-based line of the Markdown text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub line: usize,
    pub message: String,
    pub hint: String,
}

impl Refused {
    pub fn too_deep(markdown: &str, html: &str) -> Refused {
        // The line where the written HTML first nests too deeply; a nesting made by
        // Markdown itself (`>>>>…` quotes) is reported at the text's first line.
        let line = too_deep(markdown, MAX_NESTING).map_or(1, |at| line_at(markdown, at));
        let depth = max_depth(html);
        Refused {
            line,
            message: format!(
                "the HTML here nests {depth} elements inside one another; casebook accepts at most {MAX_NESTING}"
            ),
            hint: "this usually comes from pasted HTML with tags that are never closed: close each tag (`<div>…</div>`) or paste the text without its HTML".into(),
        }
    }

    pub fn too_many_cells(markdown: &str, at: usize) -> Refused {
        Refused {
            line: line_at(markdown, at),
            message: format!(
                "with this table, the file's tables have more than {MAX_TABLE_CELLS} cells; casebook accepts at most {MAX_TABLE_CELLS} in one file"
            ),
            hint: "put large tables in a spreadsheet file beside the case and link to it, like `[数据表](数据.xlsx)`".into(),
        }
    }
}

/// Where the table holding the `|` past twice [`MAX_TABLE_CELLS`] starts, if the text
/// has that many (each cell has one `|` before it; other `|`s in a file are few).
pub fn too_many_pipes(markdown: &str) -> Option<usize> {
    let at = memchr::memchr_iter(b'|', markdown.as_bytes()).nth(2 * MAX_TABLE_CELLS)?;
    // The table starts after the last blank line before it.
    let before = &markdown[..at];
    Some(before.rfind("\n\n").map_or(0, |i| i + 2))
}

fn line_at(text: &str, at: usize) -> usize {
    memchr::memchr_iter(b'\n', &text.as_bytes()[..at.min(text.len())]).count() + 1
}

/// Elements without content, or whose end tag may be left out (a new `<p>` or `<li>`
/// closes the last one): they do not deepen the nesting.
const NOT_NESTING: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rp", "rt", "thead",
    "tbody", "tfoot", "colgroup",
];

/// The byte offset in `html` where elements first nest deeper than `limit`, if they do.
pub fn too_deep(html: &str, limit: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut found = None;
    scan(html, |at, change| {
        depth = depth.saturating_add_signed(change);
        if depth > limit && found.is_none() {
            found = Some(at);
        }
        found.is_none()
    });
    found
}

/// How deeply elements nest in `html`.
pub fn max_depth(html: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    scan(html, |_, change| {
        depth = depth.saturating_add_signed(change);
        max = max.max(depth);
        true
    });
    max
}

/// Calls `step(offset, +1 or -1)` at each start and end tag that changes the nesting,
/// until `step` returns false. Comments and declarations are skipped.
fn scan(html: &str, mut step: impl FnMut(usize, isize) -> bool) {
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(found) = memchr::memchr(b'<', &bytes[i..]) {
        let at = i + found;
        i = at + 1;
        if bytes[i..].starts_with(b"!--") {
            i = memchr::memmem::find(&bytes[i..], b"-->").map_or(bytes.len(), |e| i + e + 3);
            continue;
        }
        let closing = bytes.get(i) == Some(&b'/');
        let name_start = if closing { i + 1 } else { i };
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
            continue;
        }
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        if NOT_NESTING.contains(&name.as_str()) {
            continue;
        }
        let end = memchr::memchr(b'>', &bytes[name_start..]).map(|e| name_start + e);
        let self_closing = end.is_some_and(|e| e > 0 && bytes[e - 1] == b'/');
        if self_closing && !closing {
            continue;
        }
        if !step(at, if closing { -1 } else { 1 }) {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_measured_from_tags() {
        assert_eq!(max_depth("<div><p>a<p>b<div>c</div></div>"), 2);
        assert_eq!(max_depth("<ul><li>a<li>b</ul><br><img src=x>"), 1);
        assert_eq!(max_depth("<!-- <div><div> --><span/>x"), 0);
        assert_eq!(max_depth("</div></div><b>x</b>"), 1);
        let deep = format!("{}x{}", "<div>".repeat(200), "</div>".repeat(200));
        assert_eq!(max_depth(&deep), 200);
        assert_eq!(too_deep(&deep, 128), Some(128 * 5));
        assert_eq!(too_deep("<div>a</div>", 128), None);
    }

    #[test]
    fn a_text_with_too_many_pipes_is_found_at_its_table() {
        let row = format!("|{}|\n", ["1"; 1000].join("|"));
        let md = format!("正文\n\n{}", row.repeat(200));
        assert_eq!(too_many_pipes(&md), Some("正文\n\n".len()));
        assert_eq!(too_many_pipes("|a|b|\n|-|-|\n"), None);
    }

    #[test]
    fn refusals_name_the_line() {
        let md = format!("正文\n\n{}\n", "<div>".repeat(300));
        let r = Refused::too_deep(&md, &md);
        assert_eq!(r.line, 3);
        assert!(r.message.contains("300"), "{}", r.message);
    }
}
