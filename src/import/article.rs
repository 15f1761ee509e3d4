//! Lines of a source → articles: where one article ends and the next begins, each
//! article's title and byline, and its body as blocks (headings, paragraphs re-joined
//! where a copy broke a sentence, captions). Knows nothing of files or front matter.

use super::divisions;

/// One line of a source as its reader saw it.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    Blank,
    /// Text as written (plain text may be a piece of a broken paragraph).
    Text(String),
    /// A heading the source marked as one (Word heading style, `##`, `<h2>`), level 1–6.
    Heading(u8, String),
    /// Markdown made by the reader (a table, a list item, an image): kept as is.
    Raw(String),
}

/// A piece of an article's body.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading(u8, String),
    Para(String),
    Raw(String),
    Caption(String),
}

#[derive(Debug, Clone, Default)]
pub struct Article {
    /// The headline, `None` when the text holds none (the draft then gets a stand-in).
    pub title: Option<String>,
    /// A kicker line above the headline (引题), kept at the top of the body.
    pub kicker: Option<String>,
    pub author: Option<String>,
    pub blocks: Vec<Block>,
}

impl Article {
    /// The body's text, paragraphs and headings, one per line (for field extraction).
    pub fn plain_text(&self) -> String {
        let mut s = String::new();
        for b in &self.blocks {
            match b {
                Block::Heading(_, t) | Block::Para(t) | Block::Caption(t) | Block::Raw(t) => {
                    s.push_str(t);
                    s.push('\n');
                }
            }
        }
        s
    }
}

/// How the lines of a source are to be read.
#[derive(Debug, Clone, Copy, Default)]
pub struct Reading {
    /// Each text line is a whole paragraph (Word, HTML); otherwise lines may be pieces.
    pub exact: bool,
    /// One article per article found, rather than the whole source as one.
    pub split: bool,
}

/// Splits `lines` into articles (one unless `reading.split`).
pub fn articles(lines: &[Line], reading: Reading) -> Vec<Article> {
    let wrapped = !reading.exact && is_wrapped(lines);
    let segments = if reading.split {
        segments(lines)
    } else {
        vec![lines.to_vec()]
    };
    let mut out: Vec<Article> = Vec::new();
    let mut orphans: Vec<Vec<String>> = Vec::new();
    let count = segments.len();
    for (i, seg) in segments.into_iter().enumerate() {
        if i + 1 == count && i > 0 && is_leftover(&seg) {
            orphans = groups(&seg);
            continue;
        }
        out.push(article(&seg, reading.exact, wrapped));
    }
    place_orphans(&mut out, orphans);
    out
}

/// Text copied out of a narrow-column PDF: most lines stop mid-sentence.
fn is_wrapped(lines: &[Line]) -> bool {
    let texts: Vec<&str> = lines
        .iter()
        .filter_map(|l| match l {
            Line::Text(t) if t.trim().chars().count() >= 6 => Some(t.trim()),
            _ => None,
        })
        .collect();
    let open = texts.iter().filter(|t| !ends_sentence(t)).count();
    texts.len() >= 10 && open * 2 > texts.len()
}

/// Cuts after each attribution line (`（据《厦门日报》）`, `(作者单位:…)`) and before a
/// new headline that follows body text.
fn segments(lines: &[Line]) -> Vec<Vec<Line>> {
    let mut out = Vec::new();
    let mut cur: Vec<Line> = Vec::new();
    let mut body_chars = 0;
    for line in lines {
        let starts_article = match line {
            Line::Heading(1, _) => true,
            Line::Text(t) => is_label(t.trim()),
            _ => false,
        };
        if starts_article && body_chars > 200 {
            out.push(std::mem::take(&mut cur));
            body_chars = 0;
        }
        cur.push(line.clone());
        if let Line::Text(t) = line {
            body_chars += t.chars().count();
            if attribution(t).is_some() {
                out.push(std::mem::take(&mut cur));
                body_chars = 0;
            }
        }
    }
    if cur.iter().any(|l| !matches!(l, Line::Blank)) {
        out.push(cur);
    }
    out
}

/// The source note that closes an article, like `据《厦门日报》` or `作者单位：…`.
pub fn attribution(line: &str) -> Option<&str> {
    let t = line.trim_end();
    let inner = t.strip_suffix('）').or_else(|| t.strip_suffix(')'))?;
    let open = inner.rfind(['（', '('])?;
    let note = inner[open..].trim_start_matches(['（', '(']).trim();
    ["据", "作者", "来源", "稿件来源", "供稿"]
        .iter()
        .any(|p| note.starts_with(p))
        .then_some(note)
}

/// What is left after the last article: headlines and captions a PDF put at the end.
fn is_leftover(seg: &[Line]) -> bool {
    let chars: usize = seg
        .iter()
        .map(|l| match l {
            Line::Text(t) => t.chars().count(),
            _ => 0,
        })
        .sum();
    chars < 200
}

/// Runs of lines without a blank between them.
fn groups(seg: &[Line]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut cur = Vec::new();
    for l in seg {
        match l {
            Line::Text(t) if !t.trim().is_empty() => cur.push(t.trim().to_string()),
            Line::Heading(_, t) => cur.push(t.trim().to_string()),
            _ if !cur.is_empty() => out.push(std::mem::take(&mut cur)),
            _ => {}
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Headlines found after the last article go to the untitled article that shares the
/// longest place name with them; anything else becomes a caption of the last article.
fn place_orphans(articles: &mut [Article], orphans: Vec<Vec<String>>) {
    for group in orphans {
        let text: String = group.concat();
        let target = if is_label(&group[0]) {
            best_match(articles, &text)
        } else {
            None
        };
        match target {
            Some(i) => articles[i].title = Some(text),
            None => {
                if let Some(last) = articles.last_mut() {
                    last.blocks.push(Block::Caption(text));
                }
            }
        }
    }
}

fn best_match(articles: &[Article], headline: &str) -> Option<usize> {
    let place: String = headline.split(['：', ':']).next().unwrap_or("").to_string();
    let chars: Vec<char> = place.chars().collect();
    let mut best: Option<(usize, usize)> = None;
    for (i, a) in articles
        .iter()
        .enumerate()
        .filter(|(_, a)| a.title.is_none())
    {
        let body = a.plain_text();
        let mut longest = 0;
        for s in 0..chars.len() {
            for e in (s + 2..=chars.len()).rev() {
                let piece: String = chars[s..e].iter().collect();
                if e - s > longest && body.contains(&piece) {
                    longest = e - s;
                    break;
                }
            }
        }
        if longest >= 2 && best.is_none_or(|(_, l)| longest > l) {
            best = Some((i, longest));
        }
    }
    best.map(|(i, _)| i)
}

/// A headline that starts with a place: `福建厦门湖里区：`, `北京太阳宫： 开展…`.
pub fn is_label(t: &str) -> bool {
    let Some(colon) = t.find(['：', ':']) else {
        return false;
    };
    let head = &t[..colon];
    t.chars().count() <= 50
        && head.chars().count() <= 16
        && !head.is_empty()
        && divisions::starts_with_province(head)
}

/// One segment of lines → an article.
fn article(seg: &[Line], exact: bool, wrapped: bool) -> Article {
    let mut a = Article::default();
    let mut i = skip_blank(seg, 0);
    let mut heads: Vec<String> = Vec::new();
    let mut label_open = false;
    while i < seg.len() {
        let (t, marked) = match &seg[i] {
            Line::Heading(l, t) if *l <= 2 && heads.len() < 3 => (t.trim(), true),
            Line::Text(t) => (t.trim(), false),
            _ => break,
        };
        if !heads.is_empty() && a.author.is_none() {
            if let Some(name) = byline(t) {
                a.author = Some(name);
                i = skip_blank(seg, i + 1);
                break;
            }
        }
        let title_like = marked
            || is_label(t)
            || label_open
            || (!wrapped && !exact && is_heading_like(t) && heads.len() < 2);
        if !title_like || (exact && !marked && !is_label(t) && !label_open) {
            break;
        }
        label_open = is_label(t) && label_rest(t).is_empty();
        heads.push(t.to_string());
        i = skip_blank(seg, i + 1);
    }
    let (title, kicker) = headline(heads);
    a.title = title;
    a.kicker = kicker;
    if let Some(k) = &a.kicker {
        a.blocks.push(Block::Para(format!("**{k}**")));
    }
    a.blocks.extend(body(&seg[i..], exact, wrapped));
    a
}

fn skip_blank(seg: &[Line], mut i: usize) -> usize {
    while i < seg.len() && matches!(seg[i], Line::Blank) {
        i += 1;
    }
    i
}

fn label_rest(t: &str) -> &str {
    t.find(['：', ':'])
        .map(|c| t[c..].trim_start_matches(['：', ':']).trim())
        .unwrap_or(t)
}

/// The heading lines above an article → (headline, kicker).
fn headline(mut heads: Vec<String>) -> (Option<String>, Option<String>) {
    if heads.is_empty() {
        return (None, None);
    }
    if let Some(p) = heads.iter().position(|h| is_label(h)) {
        let mut t = heads[p].clone();
        if label_rest(&t).is_empty() {
            if let Some(next) = heads.get(p + 1) {
                t.push_str(next);
            }
        }
        let kicker = (p > 0).then(|| heads[..p].join(" "));
        return (Some(tidy_label(&t)), kicker);
    }
    let title = heads.pop();
    let kicker = (!heads.is_empty()).then(|| heads.join(" "));
    (title, kicker)
}

/// `北京太阳宫： 开展…` → `北京太阳宫：开展…`; ASCII colons become full-width.
fn tidy_label(t: &str) -> String {
    match t.find(['：', ':']) {
        Some(c) => format!("{}：{}", t[..c].trim(), label_rest(t)),
        None => t.to_string(),
    }
}

/// `■ 张艳`, `文/张艳`, `作者：张艳`, `记者 张艳 李明`, or a bare name of 2–3 characters.
pub fn byline(t: &str) -> Option<String> {
    let t = t.trim();
    let marked = [
        "■",
        "文/",
        "文／",
        "作者：",
        "作者:",
        "记者",
        "通讯员",
        "撰稿：",
    ]
    .iter()
    .find_map(|p| t.strip_prefix(p));
    let (names, max) = match marked {
        Some(rest) => (rest.trim(), 4),
        None => (t, 3),
    };
    let parts: Vec<&str> = names
        .split([' ', '　', '、'])
        .filter(|p| !p.is_empty())
        .collect();
    let ok = !parts.is_empty()
        && parts.len() <= 4
        && parts.iter().all(|p| {
            let n = p.chars().count();
            (2..=max).contains(&n) && p.chars().all(is_han)
        });
    ok.then(|| parts.join("、"))
}

pub fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || c == '·'
}

/// A sentence (or a quotation that closes one) ends here.
pub fn ends_sentence(t: &str) -> bool {
    let mut rev = t.trim_end().chars().rev();
    match rev.next() {
        Some('。' | '！' | '？' | '；' | '…' | '!' | '?' | ';' | '：' | ':') => true,
        Some('）' | ')') => true,
        Some('”' | '’' | '」' | '』') => matches!(rev.next(), Some('。' | '！' | '？' | '…')),
        _ => false,
    }
}

/// A short line that closes no sentence: a heading in text that has them.
fn is_heading_like(t: &str) -> bool {
    let n = t.chars().count();
    (2..=30).contains(&n)
        && !ends_sentence(t)
        && !t.contains('。')
        && !t.ends_with(['，', ','])
        && t.matches(['，', ',']).count() <= 1
}

/// Lines that are only punctuation, left over from a layout (`”`).
fn is_debris(t: &str) -> bool {
    !t.is_empty() && t.chars().all(|c| !c.is_alphanumeric())
}

/// The body: paragraphs re-joined, headings found, captions set apart.
fn body(lines: &[Line], exact: bool, wrapped: bool) -> Vec<Block> {
    let mut b = BodyBuilder::default();
    let mut blanks = 0;
    let mut i = 0;
    while i < lines.len() {
        let line = &lines[i];
        i += 1;
        let raw = match line {
            Line::Blank => {
                blanks += 1;
                continue;
            }
            Line::Heading(l, t) => {
                b.flush();
                b.blocks
                    .push(Block::Heading((*l).max(2), t.trim().to_string()));
                blanks = 0;
                continue;
            }
            Line::Raw(r) => {
                b.flush();
                b.blocks.push(Block::Raw(r.clone()));
                blanks = 0;
                continue;
            }
            Line::Text(t) => t,
        };
        let before = std::mem::replace(&mut blanks, 0);
        let t = raw.trim();
        if t.is_empty() || is_debris(t) {
            continue;
        }
        if exact {
            b.flush();
            b.blocks.push(Block::Para(t.to_string()));
            continue;
        }
        let floating = before >= 2 && is_heading_like(t);
        if floating && !b.cur.is_empty() {
            b.captions.push(t.to_string());
            continue;
        }
        if b.cur.is_empty()
            && !wrapped
            && is_heading_like(t)
            && !next_floats(lines, i)
            && !continues(lines, i)
        {
            let mut h = t.to_string();
            while let Some(Line::Text(n)) = lines.get(i) {
                let n = n.trim();
                if !is_heading_like(n) {
                    break;
                }
                h = join_heading(&h, n);
                i += 1;
            }
            b.blocks.push(Block::Heading(heading_level(&h), h));
            continue;
        }
        if wrapped && raw.starts_with([' ', '　']) && !b.cur.is_empty() {
            b.flush();
        }
        b.cur.push_str(t);
        let long = t.chars().count() > 30;
        let ends = if wrapped {
            ends_wrapped(t)
        } else {
            ends_sentence(t)
        };
        if ends || !(wrapped || long || next_floats(lines, i) || continues(lines, i)) {
            b.flush();
        }
    }
    b.flush();
    b.blocks
}

/// In narrow-column text only a full stop ends a paragraph (a `；` or `）` at a line's
/// end is as likely mid-paragraph).
fn ends_wrapped(t: &str) -> bool {
    let mut rev = t.trim_end().chars().rev();
    match rev.next() {
        Some('。' | '！' | '？' | '…') => true,
        Some('”' | '）' | ')') => matches!(rev.next(), Some('。' | '！' | '？' | '…')),
        _ => false,
    }
}

/// Words that often open a paragraph with a short clause (`如今，`).
const OPENERS: &[&str] = &[
    "如今", "目前", "同时", "此外", "其中", "为此", "另外", "首先", "其次", "最后", "然而", "因此",
    "今年", "去年", "近年", "当时", "随后", "对此",
];

/// The next text line finishes this one: its first clause is a word or two
/// (`生活,性格胆小…` after `小鑫从小和爷爷奶奶一起`).
fn continues(lines: &[Line], i: usize) -> bool {
    let Some(Line::Text(next)) = lines[i..].iter().find(|l| !matches!(l, Line::Blank)) else {
        return false;
    };
    let next = next.trim();
    let clause = next.split(['，', ',', '。', '、']).next().unwrap_or(next);
    clause.len() < next.len()
        && clause.chars().count() <= 3
        && !OPENERS.iter().any(|o| clause.starts_with(o))
}

/// The next text line is set off by two or more blank lines (a caption in the flow).
fn next_floats(lines: &[Line], i: usize) -> bool {
    let mut blanks = 0;
    for l in &lines[i..] {
        match l {
            Line::Blank => blanks += 1,
            Line::Text(t) => return blanks >= 2 && is_heading_like(t.trim()),
            _ => return false,
        }
    }
    false
}

fn join_heading(a: &str, b: &str) -> String {
    if b.starts_with("——") || a.ends_with(['：', ':']) {
        format!("{a}{b}")
    } else {
        format!("{a} {b}")
    }
}

/// `（一）…` and `1. …` are one level below `一、…` and plain headings.
fn heading_level(h: &str) -> u8 {
    if h.starts_with(['（', '(']) || h.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        3
    } else {
        2
    }
}

#[derive(Default)]
struct BodyBuilder {
    blocks: Vec<Block>,
    cur: String,
    captions: Vec<String>,
}

impl BodyBuilder {
    fn flush(&mut self) {
        if !self.cur.is_empty() {
            let p = std::mem::take(&mut self.cur);
            self.blocks.push(Block::Para(p));
        }
        for c in self.captions.drain(..) {
            self.blocks.push(Block::Caption(c));
        }
    }
}
