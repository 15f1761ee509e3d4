//! A case's front matter, typed: `CaseMeta` with `Count` and `Amount` quantities.

use super::fields::{describe, Fields};
use crate::quantity::{Amount, Count};
use chrono::NaiveDate;
use serde::Serialize;
use serde_yaml::{Mapping, Value};

#[derive(Debug, Clone, Serialize)]
pub struct Beneficiary {
    pub group: String,
    pub count: Count,
    pub unit: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Funding {
    pub source: String,
    pub amount: Amount,
    pub year: Option<i32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseMeta {
    pub title: String,
    /// The byline (`■ 张艳`), shown on the case page and in the print edition.
    pub author: Option<String>,
    pub date: NaiveDate,
    pub slug: String,
    pub region: Vec<String>,
    pub organization: Option<String>,
    pub brand: Option<String>,
    pub domains: Vec<String>,
    pub beneficiaries: Vec<Beneficiary>,
    pub funding: Vec<Funding>,
    pub tags: Vec<String>,
    pub summary: Option<String>,
    pub featured: bool,
    pub draft: bool,
    #[serde(skip)]
    pub cover: Option<super::PhotoField>,
    #[serde(skip)]
    pub gallery: Vec<super::PhotoField>,
}

pub const CASE_FIELDS: &[&str] = &[
    "title",
    "author",
    "date",
    "slug",
    "region",
    "organization",
    "brand",
    "domains",
    "beneficiaries",
    "funding",
    "tags",
    "summary",
    "featured",
    "draft",
    "cover",
    "cover_alt",
    "gallery",
];

/// `slug:`, or else the file's name; one that cannot be a web address is a problem that
/// says which of the two it came from. Cases and pages alike.
pub(crate) fn read_slug(f: &mut Fields<'_>, default_slug: &str, example: &str) -> String {
    let slug = f
        .text("slug", example)
        .unwrap_or_else(|| default_slug.to_string());
    if let Some(problem) = slug_problem(&slug) {
        let from = if f.get("slug").is_some() {
            ""
        } else {
            " (the file's name, used as the slug when there is no `slug:`)"
        };
        f.problem(
            "slug",
            format!(
                "\"{}\"{from} cannot be used in a web address: {problem}",
                slug.escape_debug()
            ),
            format!("use letters, digits, Chinese characters, `-` and `_` (at most {MAX_SLUG_CHARS}), like `slug: {example}`"),
        );
    }
    slug
}

/// Reads a case's fields; `None` when a required field is unusable (problems recorded).
pub fn read_case(f: &mut Fields<'_>, default_slug: &str) -> Option<CaseMeta> {
    f.unknown_keys(CASE_FIELDS);
    let title = f.required_text("title", "金山镇社工站为民服务品牌");
    let date = f.date("date", true);
    let slug = read_slug(f, default_slug, "jinshan-jincheng");
    let region = f.text_list("region", "[四川省, 乐山市, 五通桥区]");
    if region.len() > MAX_REGION_DEPTH {
        f.problem(
            "region",
            format!(
                "the region has {} levels; casebook takes at most {MAX_REGION_DEPTH}",
                region.len()
            ),
            "list the places from the province down, like `region: [四川省, 乐山市, 五通桥区, 金山镇]`",
        );
    }
    let meta = CaseMeta {
        title: title.unwrap_or_default(),
        author: f.text("author", "张艳"),
        date: date.unwrap_or_default(),
        slug,
        region,
        organization: f.text("organization", "乐山初心社会工作服务中心"),
        brand: f.text("brand", "金诚所至"),
        domains: f.text_list("domains", "[养老服务, 儿童福利]"),
        beneficiaries: beneficiaries(f),
        funding: funding(f),
        tags: f.text_list("tags", "[五社联动, 社工站]"),
        summary: f.text("summary", "一句话摘要"),
        featured: f.flag("featured"),
        draft: f.flag("draft"),
        cover: super::photos::cover(f),
        gallery: super::photos::gallery(f),
    };
    (date.is_some() && !meta.title.is_empty()).then_some(meta)
}

/// Slugs longer than this make file names that some systems and web hosts refuse.
pub const MAX_SLUG_CHARS: usize = 64;

/// Regions nest province → city → district → town → community; deeper lists are
/// usually a list of places written as one path by mistake, and make paths too long.
pub const MAX_REGION_DEPTH: usize = 8;

/// Names Windows keeps for devices: a folder called `con` cannot be made there.
const DEVICE_NAMES: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// Why `slug` cannot be a web address segment, if it cannot. Slugs are an allow-list
/// (letters of any script, so Chinese too, digits, `-` and `_`), so every slug `check`
/// accepts is a folder name the build can write on Linux, macOS and Windows.
pub fn slug_problem(slug: &str) -> Option<String> {
    use unicode_normalization::UnicodeNormalization;
    let nfc: String = slug.nfc().collect();
    if slug.is_empty() {
        Some("it is empty".into())
    } else if slug.chars().any(char::is_whitespace) {
        Some("it contains a space".into())
    } else if let Some(c) = nfc
        .chars()
        .find(|&c| !(c.is_alphanumeric() || c == '-' || c == '_'))
    {
        Some(if c.is_control() {
            format!(
                "it contains an invisible control character (U+{:04X})",
                c as u32
            )
        } else {
            format!("it contains \"{c}\"")
        })
    } else if slug.chars().count() > MAX_SLUG_CHARS {
        Some(format!("it is longer than {MAX_SLUG_CHARS} characters"))
    } else if DEVICE_NAMES.contains(&slug.to_lowercase().as_str()) {
        Some("Windows keeps this name for a device".into())
    } else {
        None
    }
}

/// The form in which two slugs are the same address on macOS, Windows and many web
/// hosts: upper and lower case, full-width and half-width forms, and the ways of writing
/// one accented letter are not told apart there.
pub fn slug_key(slug: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    slug.nfkc().flat_map(char::to_lowercase).collect()
}

/// The items of a list-of-maps field such as `beneficiaries`, with their file lines.
fn items(f: &mut Fields<'_>, key: &str, example: &str) -> Vec<(usize, Mapping)> {
    let Some(v) = f.get(key).cloned() else {
        return Vec::new();
    };
    let Value::Sequence(seq) = v else {
        let msg = format!("should be a list of entries, but is {}", describe(&v));
        f.problem(
            key,
            msg,
            format!("write one entry per line, like\n  {key}:\n    - {example}"),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in seq.into_iter().enumerate() {
        let line = nth_item_line(f, key, i);
        match item {
            Value::Mapping(m) => out.push((line, m)),
            other => f.problem_at(
                line,
                key,
                format!(
                    "entry {} should be a group of fields, but is {}",
                    i + 1,
                    describe(&other)
                ),
                format!("write it like `- {example}`"),
            ),
        }
    }
    out
}

/// File line of the i-th `- ` item under `key` (the key line if not found).
pub(crate) fn nth_item_line(f: &Fields<'_>, key: &str, i: usize) -> usize {
    let start = f.line(key);
    let lines: Vec<&str> = f.yaml.lines().collect();
    let from = start + 1 - f.first_line;
    let mut n = 0;
    for (j, l) in lines.iter().enumerate().skip(from) {
        let t = l.trim_start();
        if !l.starts_with([' ', '\t', '-']) && !l.trim().is_empty() {
            break;
        }
        if t.starts_with("- ") || t == "-" {
            if n == i {
                return j + f.first_line;
            }
            n += 1;
        }
    }
    start
}

pub(crate) fn item_text(m: &Mapping, key: &str) -> Option<String> {
    match m.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The unit word a count was written with (`8000余人次` → 人次), if any.
fn unit_in_text(text: &str) -> Option<&'static str> {
    const UNITS: &[&str] = &["人次", "小时", "人", "户", "个", "名", "家", "次", "场"];
    const AFTER: &[&str] = &["左右", "以上", "上下", "余", "多"];
    let mut t = text.trim();
    while let Some(rest) = AFTER.iter().find_map(|a| t.strip_suffix(a)) {
        t = rest;
    }
    UNITS.iter().copied().find(|u| t.ends_with(u))
}

fn beneficiaries(f: &mut Fields<'_>) -> Vec<Beneficiary> {
    let example = "{group: 老年人, count: 8000余, unit: 人次}";
    let mut out = Vec::new();
    for (line, m) in items(f, "beneficiaries", example) {
        let group = item_text(&m, "group");
        if group.is_none() {
            f.problem_at(
                line,
                "beneficiaries",
                "an entry has no `group`".into(),
                format!("name who is served, like `- {example}`"),
            );
        }
        let count = match m.get("count") {
            None | Some(Value::Null) => {
                f.problem_at(
                    line,
                    "beneficiaries",
                    "an entry has no `count`".into(),
                    format!("give the number served, like `- {example}`"),
                );
                None
            }
            Some(v) => Count::from_yaml(v)
                .map_err(|e| f.problem_at(line, "beneficiaries.count", e.message, e.hint))
                .ok(),
        };
        // A unit written in the count (`8000余人次`) counts as much as `unit:`; the two
        // must agree, or 人次 would be summed with 人.
        let written = count.as_ref().and_then(|c| unit_in_text(&c.text));
        let unit = match (item_text(&m, "unit"), written) {
            (Some(u), Some(w)) if u != w => {
                f.problem_at(
                    line,
                    "beneficiaries.unit",
                    format!("the count says {w} but the unit is {u}"),
                    format!("write the unit once, in `unit: {w}` or `unit: {u}`"),
                );
                u
            }
            (Some(u), _) => u,
            (None, Some(w)) => w.to_string(),
            (None, None) => "人".to_string(),
        };
        if let (Some(group), Some(count)) = (group, count) {
            out.push(Beneficiary { group, count, unit });
        }
    }
    out
}

fn funding(f: &mut Fields<'_>) -> Vec<Funding> {
    let example = "{source: 政府购买服务, amount: 120万元, year: 2023}";
    let mut out = Vec::new();
    for (line, m) in items(f, "funding", example) {
        let source = item_text(&m, "source");
        if source.is_none() {
            f.problem_at(
                line,
                "funding",
                "an entry has no `source`".into(),
                format!("name who paid, like `- {example}`"),
            );
        }
        let amount = match m.get("amount") {
            None | Some(Value::Null) => {
                f.problem_at(
                    line,
                    "funding",
                    "an entry has no `amount`".into(),
                    format!("give the amount, like `- {example}`"),
                );
                None
            }
            Some(v) => Amount::from_yaml(v)
                .map_err(|e| f.problem_at(line, "funding.amount", e.message, e.hint))
                .ok(),
        };
        let year = match m.get("year") {
            None | Some(Value::Null) => None,
            Some(v) => match v.as_i64().filter(|y| (1900..=2200).contains(y)) {
                Some(y) => Some(y as i32),
                None => {
                    f.problem_at(
                        line,
                        "funding.year",
                        format!("year should be a year like 2023, but is {}", describe(v)),
                        "write the year as four digits, like `year: 2023`".into(),
                    );
                    None
                }
            },
        };
        if let (Some(source), Some(amount)) = (source, amount) {
            out.push(Funding {
                source,
                amount,
                year,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_an_allow_list() {
        for ok in ["jinshan-jincheng", "海天社区", "case_2024", "Ünïcode", "x"] {
            assert_eq!(slug_problem(ok), None, "{ok}");
        }
        for bad in [
            "",
            "a b",
            "a/b",
            "index.html",
            "a\0b",
            "..",
            "CON",
            "lpt1",
            "a.b",
            "（一）",
        ] {
            assert!(slug_problem(bad).is_some(), "{bad:?}");
        }
        assert!(slug_problem(&"长".repeat(MAX_SLUG_CHARS)).is_none());
        assert!(slug_problem(&"长".repeat(MAX_SLUG_CHARS + 1))
            .unwrap()
            .contains("longer than"));
        assert!(slug_problem("a\u{1}").unwrap().contains("U+0001"));
    }

    #[test]
    fn slugs_that_one_file_system_confuses_have_one_key() {
        assert_eq!(slug_key("Jinshan"), slug_key("jinshan"));
        assert_eq!(slug_key("ｊｉｎｓｈａｎ"), slug_key("jinshan"));
        assert_eq!(slug_key("caf\u{e9}"), slug_key("cafe\u{301}"));
        assert_ne!(slug_key("金山"), slug_key("金川"));
    }
}
