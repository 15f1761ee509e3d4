//! An article and the fields found in it → the text of a case draft (YAML front matter
//! with `draft: true` and a comment on each suggestion, then the Markdown body), and a
//! slug no other case has.

use super::article::{Article, Block};
use super::divisions::Region;
use super::fields::{FoundAmount, FoundCount};
use chrono::NaiveDate;
use pinyin::ToPinyin;
use std::collections::HashSet;

/// What the draft's front matter holds.
#[derive(Debug, Clone, Default)]
pub struct Fields {
    pub source: String,
    pub title: String,
    /// Why the title needs checking, if it does.
    pub title_note: Option<String>,
    pub author: Option<String>,
    pub date: NaiveDate,
    /// Where the date came from: `document`, `text` or `today`.
    pub date_from: &'static str,
    pub region: Option<Region>,
    pub communities: Vec<String>,
    pub organization: Option<String>,
    pub brand: Option<String>,
    pub domains: Vec<String>,
    pub tags: Vec<String>,
    pub beneficiaries: Vec<FoundCount>,
    pub funding: Vec<FoundAmount>,
}

/// A YAML scalar that is always read back as this exact text.
use crate::scaffold::yaml_string as q;

fn list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| q(s)).collect();
    format!("[{}]", quoted.join(", "))
}

/// One line, so a YAML comment holds the whole sentence.
fn comment(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

pub fn front_matter(f: &Fields, slug: &str, today: NaiveDate) -> String {
    let mut y = String::from("---\n");
    y.push_str(&format!(
        "# Imported by `casebook import` from {} on {today}. Check every field, then set draft: false.\n",
        comment(&f.source)
    ));
    if let Some(note) = &f.title_note {
        y.push_str(&format!("# title: {note}\n"));
    }
    y.push_str(&format!("title: {}\n", q(&f.title)));
    if let Some(a) = &f.author {
        y.push_str(&format!("author: {}\n", q(a)));
    }
    let date_note = match f.date_from {
        "document" => "  # from the document's properties",
        "text" => "  # the latest date written in the text: check it",
        _ => "  # no date found: today's, change it",
    };
    y.push_str(&format!("date: {}{date_note}\n", f.date));
    y.push_str(&format!("slug: {slug}\n"));
    match &f.region {
        Some(r) => {
            let note = if r.county {
                ""
            } else {
                "  # no single county named: add it if there is one"
            };
            y.push_str(&format!("region: {}{note}\n", list(&r.levels)));
        }
        None => y.push_str(
            "# region: no province, city or county found: add it like [四川省, 乐山市, 五通桥区]\n",
        ),
    }
    if !f.communities.is_empty() {
        y.push_str(&format!(
            "# communities named: {}\n",
            f.communities.join("、")
        ));
    }
    if let Some(o) = &f.organization {
        y.push_str(&format!("organization: {}\n", q(o)));
    }
    if let Some(b) = &f.brand {
        y.push_str(&format!("brand: {}\n", q(b)));
    }
    y.push_str(&format!("domains: {}\n", list(&f.domains)));
    y.push_str(&format!("tags: {}\n", list(&f.tags)));
    if !f.beneficiaries.is_empty() {
        y.push_str("# Suggested from the sentences quoted: keep, fix or delete each entry.\nbeneficiaries:\n");
        for b in &f.beneficiaries {
            y.push_str(&format!("  # {}\n", comment(&b.sentence)));
            y.push_str(&format!(
                "  - {{group: {}, count: {}, unit: {}}}\n",
                q(&b.group),
                q(&b.count.text),
                q(&b.unit)
            ));
        }
    }
    if !f.funding.is_empty() {
        y.push_str("funding:\n");
        for a in &f.funding {
            y.push_str(&format!("  # {}\n", comment(&a.sentence)));
            let year = a.year.map(|y| format!(", year: {y}")).unwrap_or_default();
            y.push_str(&format!(
                "  - {{source: {}, amount: {}{year}}}\n",
                q(&a.source),
                q(&a.amount.text)
            ));
        }
    }
    y.push_str("draft: true\n---\n");
    y
}

/// The body as Markdown; `image:N` links become `images/<slug>-N.<ext>`.
pub fn body(article: &Article, image_name: &dyn Fn(usize) -> Option<String>) -> String {
    let mut parts: Vec<String> = Vec::new();
    for b in &article.blocks {
        let text = match b {
            Block::Heading(level, t) => format!("{} {t}", "#".repeat(usize::from(*level))),
            Block::Para(t) => t.clone(),
            Block::Raw(r) => r.trim_end().to_string(),
            Block::Caption(c) => format!("*{c}*"),
        };
        parts.push(resolve_images(&text, image_name));
    }
    let mut s = parts.join("\n\n");
    s.push('\n');
    s
}

fn resolve_images(text: &str, image_name: &dyn Fn(usize) -> Option<String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(p) = rest.find("](image:") {
        out.push_str(&rest[..p + 2]);
        let after = &rest[p + 8..];
        let end = after.find(')').unwrap_or(after.len());
        match after[..end].parse::<usize>().ok().and_then(image_name) {
            Some(name) => {
                out.push_str(&name);
                rest = &after[end..];
            }
            // An image that could not be kept leaves no empty `![]()` behind.
            None => {
                if let Some(start) = out.rfind("![") {
                    out.truncate(start);
                }
                rest = after[end..].strip_prefix(')').unwrap_or(&after[end..]);
            }
        }
    }
    out.push_str(rest);
    out
}

/// `湖里区` + `完善机制政策保障…` → `huli-wanshanjizhi`: the county's and the
/// headline's first words in pinyin, then `-2`, `-3`… until no case has it.
pub fn slug(region: Option<&Region>, headline: &str, taken: &HashSet<String>) -> String {
    let place = region
        .map(|r| &r.place)
        .map(|p| {
            let short = p.trim_end_matches(['省', '市', '区', '县']);
            pinyin_of(if short.chars().count() >= 2 { short } else { p }, 4)
        })
        .unwrap_or_default();
    let head = headline.split(['：', ':']).next_back().unwrap_or(headline);
    let words = pinyin_of(head, 4);
    let base = match (place.is_empty(), words.is_empty()) {
        (false, false) => format!("{place}-{words}"),
        (false, true) => place,
        (true, false) => words,
        (true, true) => "import".into(),
    };
    let mut candidate = base.clone();
    let mut n = 2;
    // `taken` holds slugs as `check` compares them (case and width folded).
    while taken.contains(&crate::validate::case::slug_key(&candidate)) {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    candidate
}

/// The first `n` Chinese characters in plain pinyin, run together.
fn pinyin_of(s: &str, n: usize) -> String {
    s.chars()
        .filter(|c| super::article::is_han(*c) && *c != '·')
        .take(n)
        .filter_map(|c| c.to_pinyin().map(|p| p.plain()))
        .collect()
}

#[cfg(test)]
mod image_tests {
    use super::resolve_images;

    #[test]
    fn images_keep_their_numbers_and_a_missing_one_leaves_nothing() {
        let name = |n: usize| (n != 1).then(|| format!("images/a-{}.png", n + 1));
        assert_eq!(
            resolve_images("前![](image:0)中![图](image:1)后![](image:2)", &name),
            "前![](images/a-1.png)中后![](images/a-3.png)"
        );
    }
}
