//! A collection's front matter, typed: what an editor wrote in
//! `content/collections/<slug>.md`, before it is resolved against the site's cases.
//!
//! A collection selects cases either by an ordered list of slugs (`cases:`) or by a
//! `rule:` (all given keys must match). Every problem is recorded with its file line;
//! for slugs in a list, the line and column of the slug itself.

use super::fields::{describe, Fields};
use chrono::NaiveDate;
use serde::Serialize;
use serde_yaml::Value;

pub const COLLECTION_FIELDS: &[&str] = &[
    "title",
    "subtitle",
    "date",
    "editor",
    "issue",
    "cases",
    "rule",
    "group_by",
    "cover",
    "cover_alt",
];

/// The keys a `rule:` may use.
pub const RULE_KEYS: &[&str] = &[
    "domain",
    "region",
    "tag",
    "year",
    "organization",
    "funder",
    "group",
];

/// How a collection's table of contents (and web page) is grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    #[default]
    Domain,
    Region,
    /// One group: the cases exactly in selection order.
    None,
}

impl GroupBy {
    pub const NAMES: &'static [&'static str] = &["domain", "region", "none"];
}

/// One slug of a `cases:` list, with where the editor wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedSlug {
    pub slug: String,
    pub line: usize,
    pub column: Option<usize>,
}

/// One condition of a rule: `key` must match one of `values`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Condition {
    pub key: String,
    pub values: Vec<String>,
    /// File line of the condition (for "matches nothing" warnings).
    #[serde(skip)]
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// An ordered list of case slugs.
    Cases(Vec<ListedSlug>),
    /// Every case that meets all conditions, in site order (newest first).
    Rule(Vec<Condition>),
}

#[derive(Debug, Clone)]
pub struct CollectionMeta {
    pub slug: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub date: NaiveDate,
    pub editor: Option<String>,
    pub issue: Option<u32>,
    pub group_by: GroupBy,
    pub selection: Selection,
    pub cover: Option<super::PhotoField>,
}

/// Reads a collection's fields; `None` when something required is unusable (the problems
/// are recorded in `f`).
pub fn read_collection(f: &mut Fields<'_>, slug: &str) -> Option<CollectionMeta> {
    f.unknown_keys(COLLECTION_FIELDS);
    let title = f.required_text("title", "2024年度社会工作优秀案例汇编");
    let date = f.date("date", true);
    let subtitle = f.text("subtitle", "五社联动专辑");
    let editor = f.text("editor", "编委会");
    let issue = issue(f);
    let group_by = group_by(f);
    let selection = selection(f);
    let cover = super::photos::cover(f);
    if slug.is_empty()
        || slug
            .chars()
            .any(|c| c.is_whitespace() || "/\\?#%&:<>\"'|*".contains(c))
    {
        f.problems.push(
            crate::diagnostics::Diagnostic::error(
                f.file,
                format!("the file name \"{slug}\" cannot be used in a web address"),
            )
            .at(1)
            .hint("rename the file with letters, digits, Chinese characters and `-`, like `2024-youxiu.md`"),
        );
        return None;
    }
    Some(CollectionMeta {
        slug: slug.to_string(),
        title: title?,
        subtitle,
        date: date?,
        editor,
        issue: issue.ok()?,
        group_by: group_by?,
        selection: selection?,
        cover,
    })
}

fn issue(f: &mut Fields<'_>) -> Result<Option<u32>, ()> {
    let Some(v) = f.get("issue").cloned() else {
        return Ok(None);
    };
    match v.as_u64().filter(|n| (1..=u32::MAX as u64).contains(n)) {
        Some(n) => Ok(Some(n as u32)),
        None => {
            f.problem(
                "issue",
                format!("should be an issue number like 3, but is {}", describe(&v)),
                "write the number of the issue, like `issue: 3`",
            );
            Err(())
        }
    }
}

fn group_by(f: &mut Fields<'_>) -> Option<GroupBy> {
    let Some(text) = f.text("group_by", "domain") else {
        // Missing is the default; a wrong type was recorded by `text`.
        return f.get("group_by").is_none().then_some(GroupBy::Domain);
    };
    match text.as_str() {
        "domain" => Some(GroupBy::Domain),
        "region" => Some(GroupBy::Region),
        "none" => Some(GroupBy::None),
        other => {
            let mut hint =
                "write `group_by: domain`, `group_by: region` or `group_by: none`".to_string();
            if let Some(near) = super::suggest::closest(other, GroupBy::NAMES.iter().copied()) {
                hint = format!("did you mean `group_by: {near}`? ({hint})");
            }
            f.problem(
                "group_by",
                format!("\"{other}\" is not a way to group cases"),
                hint,
            );
            None
        }
    }
}

fn selection(f: &mut Fields<'_>) -> Option<Selection> {
    let has_cases = f.map.contains_key("cases");
    let has_rule = f.map.contains_key("rule");
    match (has_cases, has_rule) {
        (true, true) => {
            let line = f.line("rule");
            f.problem_at(
                line,
                "rule",
                "a collection has either a `cases:` list or a `rule:`, not both".into(),
                "keep `cases:` to choose cases one by one in your order, or `rule:` to take every case that matches".into(),
            );
            None
        }
        (false, false) => {
            f.problem(
                "cases",
                "the collection does not say which cases it holds",
                "add a list like `cases: [jinshan-jincheng, xunxian-weixian-hutong]`, or a rule like `rule: {domain: 养老服务, year: 2024}`",
            );
            None
        }
        (true, false) => listed(f).map(Selection::Cases),
        (false, true) => rule(f).map(Selection::Rule),
    }
}

fn listed(f: &mut Fields<'_>) -> Option<Vec<ListedSlug>> {
    let example = "[jinshan-jincheng, xunxian-weixian-hutong]";
    let v = f.get("cases").cloned().unwrap_or(Value::Null);
    let Value::Sequence(items) = v else {
        if v.is_null() {
            return Some(Vec::new());
        }
        f.problem(
            "cases",
            format!("should be a list of case slugs, but is {}", describe(&v)),
            format!("write the slugs in brackets, in reading order, like `cases: {example}`"),
        );
        return None;
    };
    let mut out = Vec::new();
    let mut finder = SlugFinder::new(f, "cases");
    let mut ok = true;
    for item in items {
        let slug = match item {
            Value::String(s) if !s.trim().is_empty() => s.trim().to_string(),
            Value::Number(n) => n.to_string(),
            other => {
                let line = f.line("cases");
                f.problem_at(
                    line,
                    "cases",
                    format!(
                        "every item should be a case slug, but one is {}",
                        describe(&other)
                    ),
                    format!("write it like `cases: {example}`"),
                );
                ok = false;
                continue;
            }
        };
        let (line, column) = finder.next(&slug).unwrap_or((f.line("cases"), None));
        out.push(ListedSlug { slug, line, column });
    }
    ok.then_some(out)
}

fn rule(f: &mut Fields<'_>) -> Option<Vec<Condition>> {
    let example = "rule: {domain: 养老服务, year: 2024}";
    let v = f.get("rule").cloned().unwrap_or(Value::Null);
    let Value::Mapping(map) = v else {
        f.problem(
            "rule",
            format!("should be a group of conditions, but is {}", describe(&v)),
            format!("write it like `{example}` (every condition must match)"),
        );
        return None;
    };
    if map.is_empty() {
        f.problem(
            "rule",
            "the rule has no conditions",
            format!("write it like `{example}`; keys: {}", RULE_KEYS.join(", ")),
        );
        return None;
    }
    let mut out = Vec::new();
    let mut ok = true;
    for (k, v) in map {
        let key = match &k {
            Value::String(s) => s.clone(),
            other => describe(other),
        };
        let line = f.value_line("rule", &key);
        if !RULE_KEYS.contains(&key.as_str()) {
            let hint = match super::suggest::closest(&key, RULE_KEYS.iter().copied()) {
                Some(near) => format!(
                    "did you mean `{near}`? A rule can use: {}",
                    RULE_KEYS.join(", ")
                ),
                None => format!("a rule can use: {}", RULE_KEYS.join(", ")),
            };
            f.problem_at(
                line,
                "rule",
                format!("`{key}` is not something a rule can match"),
                hint,
            );
            ok = false;
            continue;
        }
        let values = match v {
            Value::String(s) if !s.trim().is_empty() => vec![s.trim().to_string()],
            Value::Number(n) => vec![n.to_string()],
            Value::Sequence(items) if !items.is_empty() => {
                let vals: Vec<String> = items
                    .iter()
                    .filter_map(|i| match i {
                        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
                        Value::Number(n) => Some(n.to_string()),
                        _ => None,
                    })
                    .collect();
                if vals.len() == items.len() {
                    vals
                } else {
                    Vec::new()
                }
            }
            _ => Vec::new(),
        };
        if values.is_empty() {
            f.problem_at(
                line,
                &format!("rule.{key}"),
                format!("`{key}` should be a value (or a list of values, any of which may match)"),
                format!("write it like `rule: {{{key}: …}}`"),
            );
            ok = false;
            continue;
        }
        if key == "year" && values.iter().any(|y| !is_year(y)) {
            f.problem_at(
                line,
                "rule.year",
                format!(
                    "the year should be four digits, like 2024, but is \"{}\"",
                    values.join(", ")
                ),
                "write it like `rule: {year: 2024}`".into(),
            );
            ok = false;
            continue;
        }
        out.push(Condition { key, values, line });
    }
    ok.then_some(out)
}

fn is_year(s: &str) -> bool {
    s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Finds where each slug of a list was written: a list in brackets on one line, or one
/// `- slug` per line. Repeated slugs are found at their later places in turn.
struct SlugFinder {
    /// (file line, text) of the lines of the `key:` block.
    lines: Vec<(usize, String)>,
    /// Where the search goes on: index into `lines` and byte offset in that line.
    pos: (usize, usize),
}

impl SlugFinder {
    fn new(f: &Fields<'_>, key: &str) -> Self {
        let start = f.line(key);
        let mut lines = Vec::new();
        for (i, l) in f
            .yaml
            .lines()
            .enumerate()
            .skip(start.saturating_sub(f.first_line))
        {
            let file_line = i + f.first_line;
            if file_line > start && !l.is_empty() && !l.starts_with([' ', '\t', '-', '#']) {
                break;
            }
            lines.push((file_line, l.to_string()));
        }
        // Search after the `key:` itself.
        let skip = lines
            .first()
            .and_then(|(_, l)| l.find(':').map(|i| i + 1))
            .unwrap_or(0);
        SlugFinder {
            lines,
            pos: (0, skip),
        }
    }

    /// File line and 1-based column (in characters) of the next whole-word `slug`.
    fn next(&mut self, slug: &str) -> Option<(usize, Option<usize>)> {
        let (mut li, mut off) = self.pos;
        while li < self.lines.len() {
            let (file_line, text) = &self.lines[li];
            let mut from = off;
            while let Some(rel) = text.get(from..).and_then(|t| t.find(slug)) {
                let at = from + rel;
                let end = at + slug.len();
                let before = text[..at].chars().next_back();
                let after = text[end..].chars().next();
                let boundary =
                    |c: Option<char>| c.is_none_or(|c| c.is_whitespace() || "[],-\"'#".contains(c));
                // A `-` before counts only as a list marker (`- slug`), not inside a slug.
                let before_ok = match before {
                    Some('-') => text[..at].trim_start() == "-" || text[..at].ends_with("- "),
                    other => boundary(other),
                };
                let after_ok = match after {
                    Some('-') => false,
                    other => boundary(other),
                };
                if before_ok && after_ok {
                    self.pos = (li, end);
                    let column = text[..at].chars().count() + 1;
                    return Some((*file_line, Some(column)));
                }
                from = at + slug.len().max(1);
            }
            li += 1;
            off = 0;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_yaml::Mapping;

    fn read(yaml: &str) -> (Option<CollectionMeta>, Vec<String>) {
        let map: Mapping = serde_yaml::from_str(yaml).unwrap();
        let mut f = Fields::new(map, yaml, "c.md", 2);
        let meta = read_collection(&mut f, "c");
        let problems = f.problems.iter().map(|d| d.to_string()).collect();
        (meta, problems)
    }

    #[test]
    fn reads_an_ordered_list_with_positions() {
        let y = "title: 汇编\ndate: 2024-12-20\ncases: [b-case, a, a-b]\n";
        let (m, p) = read(y);
        assert!(p.is_empty(), "{p:?}");
        let Selection::Cases(list) = m.unwrap().selection else {
            panic!("not a list")
        };
        let found: Vec<_> = list
            .iter()
            .map(|s| (s.slug.as_str(), s.line, s.column))
            .collect();
        assert_eq!(
            found,
            vec![
                ("b-case", 4, Some(9)),
                ("a", 4, Some(17)),
                ("a-b", 4, Some(20))
            ]
        );
    }

    #[test]
    fn block_lists_point_at_each_line() {
        let y =
            "title: 汇编\ndate: 2024-12-20\ncases:\n  - x-1\n  - x\n  - 案例\ngroup_by: region\n";
        let (m, p) = read(y);
        assert!(p.is_empty(), "{p:?}");
        let m = m.unwrap();
        assert_eq!(m.group_by, GroupBy::Region);
        let Selection::Cases(list) = m.selection else {
            panic!("not a list")
        };
        let lines: Vec<_> = list.iter().map(|s| (s.line, s.column)).collect();
        assert_eq!(lines, vec![(5, Some(5)), (6, Some(5)), (7, Some(5))]);
    }

    #[test]
    fn reads_rules_and_rejects_unknown_keys() {
        let (m, p) = read("title: t\ndate: 2024-01-01\nrule: {region: 浚县, year: 2024}\n");
        assert!(p.is_empty(), "{p:?}");
        let Selection::Rule(conds) = m.unwrap().selection else {
            panic!("not a rule")
        };
        assert_eq!(conds[0].values, vec!["浚县"]);
        assert_eq!(conds[1].key, "year");
        let (m, p) = read("title: t\ndate: 2024-01-01\nrule:\n  domian: 养老服务\n");
        assert!(m.is_none());
        assert!(p[0].contains("c.md:5"), "{p:?}");
        assert!(p[0].contains("did you mean `domain`"), "{p:?}");
    }

    #[test]
    fn both_or_neither_is_an_error() {
        let (_, p) = read("title: t\ndate: 2024-01-01\ncases: [a]\nrule: {tag: x}\n");
        assert!(
            p.iter()
                .any(|e| e.contains("c.md:5") && e.contains("not both")),
            "{p:?}"
        );
        let (_, p) = read("title: t\ndate: 2024-01-01\n");
        assert!(
            p.iter().any(|e| e.contains("does not say which cases")),
            "{p:?}"
        );
        let (_, p) = read("title: t\ndate: 2024-01-01\ncases: [a]\ngroup_by: domian\nissue: 三\n");
        assert!(
            p.iter()
                .any(|e| e.contains("did you mean `group_by: domain`")),
            "{p:?}"
        );
        assert!(p.iter().any(|e| e.contains("issue number")), "{p:?}");
    }
}
