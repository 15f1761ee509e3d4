//! Taxonomy values that are probably typos of values other cases use ("养老服物" where
//! twelve other cases write "养老服务"). A typo splits a domain, tag, group, funder or
//! region into two term pages, so `casebook check` warns about it, naming file and line.
//!
//! A value is suspect when a value used by more *other* cases is one edit away
//! ([`suggest::closest`](super::suggest::closest)). In Chinese, where most typos come from
//! the input method, the edit must be a character swapped for one that sounds the same
//! (服务 → 服物, both *wu*) or two neighbouring characters swapped; a different-sounding
//! character usually makes a different word (老年人 / 青年人, 五社联动 / 医社联动, 市级 /
//! 区级), and so does one more character (儿童福利 / 儿童福利院). Two real province names
//! are never suspects (陕西 / 山西), and regions are compared with their siblings only.

use super::suggest::closest;
use super::CaseMeta;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::yaml::line_of_value;
use crate::load::SourceFile;
use std::collections::{BTreeMap, BTreeSet};

/// China's province-level divisions, short and full names.
const PROVINCES: &[&str] = &[
    "北京市",
    "天津市",
    "上海市",
    "重庆市",
    "河北省",
    "山西省",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "海南省",
    "四川省",
    "贵州省",
    "云南省",
    "陕西省",
    "甘肃省",
    "青海省",
    "台湾省",
    "内蒙古自治区",
    "广西壮族自治区",
    "西藏自治区",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
    "香港特别行政区",
    "澳门特别行政区",
];

/// One field of one case that holds taxonomy values.
struct Field {
    /// Front-matter key, for the line lookup.
    key: &'static str,
    /// Field name in messages (`beneficiaries.group`).
    name: &'static str,
    /// Values with their comparison group (the parent path for regions, else empty).
    values: Vec<(String, String)>,
}

fn fields_of(m: &CaseMeta) -> Vec<Field> {
    vec![
        Field {
            key: "domains",
            name: "domains",
            values: flat(m.domains.iter()),
        },
        Field {
            key: "tags",
            name: "tags",
            values: flat(m.tags.iter()),
        },
        Field {
            key: "beneficiaries",
            name: "beneficiaries.group",
            values: flat(m.beneficiaries.iter().map(|b| &b.group)),
        },
        Field {
            key: "funding",
            name: "funding.source",
            values: flat(m.funding.iter().map(|f| &f.source)),
        },
        Field {
            key: "region",
            name: "region",
            values: (0..m.region.len())
                .map(|i| (m.region[..i].join("/"), m.region[i].clone()))
                .collect(),
        },
    ]
}

/// The likelier spelling and how many cases use it.
type Suggestion<'a> = Option<(&'a str, usize)>;

fn flat<'a>(values: impl Iterator<Item = &'a String>) -> Vec<(String, String)> {
    values.map(|v| (String::new(), v.clone())).collect()
}

/// Warns about probable typos in the taxonomy values of `cases`.
pub fn check(cases: &[(SourceFile, CaseMeta)], diags: &Diagnostics) {
    // (field, group) → value → number of cases using it.
    let mut counts: BTreeMap<(&str, String), BTreeMap<String, usize>> = BTreeMap::new();
    let per_case: Vec<Vec<Field>> = cases.iter().map(|(_, m)| fields_of(m)).collect();
    for fields in &per_case {
        for f in fields {
            let unique: BTreeSet<&(String, String)> = f.values.iter().collect();
            for (group, value) in unique {
                *counts
                    .entry((f.name, group.clone()))
                    .or_default()
                    .entry(value.clone())
                    .or_default() += 1;
            }
        }
    }
    // Suggestions are worked out once per distinct value, not once per case.
    let mut suggestions: BTreeMap<(&str, &str, &str), Suggestion<'_>> = BTreeMap::new();
    for ((src, _), fields) in cases.iter().zip(&per_case) {
        for f in fields {
            let own: BTreeSet<&str> = f.values.iter().map(|(_, v)| v.as_str()).collect();
            for (group, value) in &f.values {
                let Some(values) = counts.get(&(f.name, group.clone())) else {
                    continue;
                };
                let found = *suggestions
                    .entry((f.name, group.as_str(), value.as_str()))
                    .or_insert_with(|| suggest(value, values));
                let Some((near, others)) = found else {
                    continue;
                };
                if own.contains(near) {
                    continue;
                }
                let line = line_of_value(&src.yaml, f.key, value).map(|l| l + src.yaml_line - 1);
                let message = if others == 1 {
                    format!("\"{value}\" looks like a typo: another case writes \"{near}\"")
                } else {
                    format!("\"{value}\" looks like a typo: {others} other cases write \"{near}\"")
                };
                diags.push(
                    Diagnostic::warning(&src.rel, message)
                        .line_opt(line)
                        .field(f.name)
                        .hint(format!(
                            "did you mean \"{near}\"? Cases are listed together only when they spell a value the same way"
                        )),
                );
            }
        }
    }
}

/// The value `value` is probably a typo of, with how many cases use that one.
fn suggest<'a>(value: &str, values: &'a BTreeMap<String, usize>) -> Option<(&'a str, usize)> {
    let own = values.get(value).copied().unwrap_or(0);
    let cjk = value.chars().any(is_cjk);
    let more_often = values
        .iter()
        .filter(|(v, &n)| n > own && (!cjk || plausible_chinese_typo(value, v)))
        .map(|(v, _)| v.as_str());
    let near = closest(value, more_often)?;
    if PROVINCES.contains(&value) && PROVINCES.contains(&near) {
        return None;
    }
    Some((near, values.get(near).copied().unwrap_or(0)))
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
}

/// Same length, and the characters that differ are either all homophones of each other
/// (tones aside) or two neighbours swapped.
fn plausible_chinese_typo(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len() != b.len() || a == b {
        return false;
    }
    let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    let swapped = diff.len() == 2
        && diff[1] == diff[0] + 1
        && a[diff[0]] == b[diff[1]]
        && a[diff[1]] == b[diff[0]];
    swapped || diff.iter().all(|&i| homophones(a[i], b[i]))
}

fn homophones(x: char, y: char) -> bool {
    use pinyin::ToPinyinMulti;
    let sounds = |c: char| -> Vec<&'static str> {
        c.to_pinyin_multi()
            .map(|m| m.into_iter().map(|p| p.plain()).collect())
            .unwrap_or_default()
    };
    let ys = sounds(y);
    sounds(x).iter().any(|s| ys.contains(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
        pairs.iter().map(|(v, n)| (v.to_string(), *n)).collect()
    }

    #[test]
    fn suggests_the_more_common_spelling() {
        let c = counts(&[("养老服务", 5), ("养老服物", 1), ("儿童福利", 3)]);
        assert_eq!(suggest("养老服物", &c), Some(("养老服务", 5)));
        assert_eq!(suggest("养老服务", &c), None);
    }

    #[test]
    fn homophones_and_swaps_are_typos() {
        let c = counts(&[
            ("社工站", 5),
            ("社工战", 1),
            ("五社联动", 4),
            ("五联社动", 1),
        ]);
        assert_eq!(suggest("社工战", &c), Some(("社工站", 5)));
        assert_eq!(suggest("五联社动", &c), Some(("五社联动", 4)));
    }

    #[test]
    fn leaves_different_words_alone() {
        let c = counts(&[("老年人", 5), ("青年人", 1)]);
        assert_eq!(suggest("青年人", &c), None);
        let c = counts(&[("五社联动", 5), ("医社联动", 1)]);
        assert_eq!(suggest("医社联动", &c), None);
        let c = counts(&[("区级财政", 2), ("市级财政", 1)]);
        assert_eq!(suggest("市级财政", &c), None);
        let c = counts(&[("儿童福利", 5), ("儿童福利院", 1)]);
        assert_eq!(suggest("儿童福利院", &c), None, "one more character");
        let c = counts(&[("山西省", 5), ("陕西省", 1)]);
        assert_eq!(suggest("陕西省", &c), None, "real provinces");
        let c = counts(&[("养老服务", 1), ("养老服物", 1)]);
        assert_eq!(suggest("养老服物", &c), None, "not more often");
    }

    #[test]
    fn latin_tags() {
        let c = counts(&[("elderly care", 4), ("elderly cair", 1)]);
        assert_eq!(suggest("elderly cair", &c), Some(("elderly care", 4)));
    }
}
