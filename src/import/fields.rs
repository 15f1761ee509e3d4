//! Front-matter fields found in an article's text: date, organization, brand, domains
//! and tags, and the counts and amounts (through [`crate::quantity`]) with the sentence
//! each came from. Only suggestions: the editor keeps, fixes or deletes them.

use super::article::is_han;
use crate::quantity::{Amount, Count};
use chrono::NaiveDate;

/// A count of people served, with the sentence it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundCount {
    pub group: String,
    pub count: Count,
    pub unit: String,
    pub sentence: String,
}

/// A money amount, with the sentence it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundAmount {
    pub source: String,
    pub amount: Amount,
    pub year: Option<i32>,
    pub sentence: String,
}

/// Units that count people or households: these become `beneficiaries`.
const PEOPLE_UNITS: &[&str] = &["人次", "人", "名", "户"];

/// The sentences of a text (split after 。！？；), trimmed.
fn sentences(text: &str) -> Vec<&str> {
    text.split_inclusive(['。', '！', '？', '；', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// One number as written, with what stands before and after it in its sentence.
struct Number<'a> {
    /// `近10万`, `1500余万`, `8000余` (spaces removed).
    text: String,
    before: &'a str,
    after: &'a str,
}

/// The numbers of a sentence, with their approximate markers and multipliers.
fn numbers(s: &str) -> Vec<Number<'_>> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        if let Some(n) = leading_form(s, &chars, i) {
            out.push(n);
            i += 2;
            continue;
        }
        if !chars[i].1.is_ascii_digit() || (i > 0 && is_numeric(chars[i - 1].1)) {
            i += 1;
            continue;
        }
        let start = prefix_start(&chars, i);
        let mut j = i;
        let mut text = String::new();
        for &(_, c) in &chars[start..i] {
            if c != ' ' {
                text.push(c);
            }
        }
        while j < chars.len() {
            let c = chars[j].1;
            let next_digit = chars.get(j + 1).is_some_and(|n| n.1.is_ascii_digit());
            if c.is_ascii_digit() || ((c == '.' || c == ',') && next_digit) {
                text.push(c);
            } else if (c == ' ' || c == '\u{a0}') && !text.is_empty() {
                // `1000 余平方`, `近 10 万`: spaces from a PDF copy.
            } else if "余多".contains(c) && !text.ends_with(['余', '多']) || "万亿千百".contains(c)
            {
                text.push(c);
            } else {
                break;
            }
            j += 1;
        }
        let end = chars.get(j).map(|c| c.0).unwrap_or(s.len());
        out.push(Number {
            text,
            before: &s[..chars[start].0],
            after: &s[end..],
        });
        i = j.max(i + 1);
    }
    out
}

/// `千余人次`, `百余名`: the leading forms the quantity parser reads, when a people
/// unit follows (so `百余个` or `近百场` are not taken).
fn leading_form<'a>(s: &'a str, chars: &[(usize, char)], i: usize) -> Option<Number<'a>> {
    let (at, c) = chars[i];
    let next = chars.get(i + 1)?;
    if !"十百千万".contains(c) || next.1 != '余' || (i > 0 && is_numeric(chars[i - 1].1)) {
        return None;
    }
    let end = chars.get(i + 2).map_or(s.len(), |n| n.0);
    let after = &s[end..];
    PEOPLE_UNITS
        .iter()
        .any(|u| after.starts_with(u))
        .then(|| Number {
            text: format!("{c}余"),
            before: &s[..at],
            after,
        })
}

fn is_numeric(c: char) -> bool {
    c.is_ascii_digit() || c == '.' || c == ','
}

/// Where an approximate marker before the digits (`约`, `近`, `超过`) begins.
fn prefix_start(chars: &[(usize, char)], i: usize) -> usize {
    let mut k = i;
    while k > 0 && chars[k - 1].1 == ' ' {
        k -= 1;
    }
    for marker in ["超过", "将近", "大约", "接近", "约", "近", "超", "逾"] {
        let n = marker.chars().count();
        if k >= n && chars[k - n..k].iter().map(|c| c.1).eq(marker.chars()) {
            return k - n;
        }
    }
    i
}

/// Counts of people and households, and money amounts, in `text`. Percentages, ranks
/// (`第3名`), years and dates are not taken.
pub fn quantities(text: &str) -> (Vec<FoundCount>, Vec<FoundAmount>) {
    let mut counts = Vec::new();
    let mut amounts = Vec::new();
    for s in sentences(text) {
        for n in numbers(s) {
            let after = n.after.trim_start();
            if n.before.ends_with('第')
                || after.starts_with(['%', '％', '年', '月', '日', '届', '岁'])
            {
                continue;
            }
            if after.starts_with('元') {
                if let Ok(amount) = Amount::parse(&format!("{}元", n.text)) {
                    amounts.push(FoundAmount {
                        source: funder(n.before),
                        amount,
                        year: year_in(s),
                        sentence: s.to_string(),
                    });
                }
                continue;
            }
            let Some(unit) = PEOPLE_UNITS.iter().find(|u| after.starts_with(*u)) else {
                if let Some(c) = unitless_people(&n, s) {
                    counts.push(c);
                }
                continue;
            };
            let unit = if *unit == "人" && after.starts_with("人（次）") {
                "人次"
            } else {
                unit
            };
            let tail = &after[unit.len()..];
            if unit == "人" && tail.starts_with(['员', '才', '民', '口', '群']) {
                continue;
            }
            if let Ok(count) = Count::parse(&n.text) {
                counts.push(FoundCount {
                    group: group(n.before, tail, unit),
                    count,
                    unit: unit.to_string(),
                    sentence: s.to_string(),
                });
            }
        }
    }
    (counts, amounts)
}

/// `活跃志愿者7.2万，`: a number in 万 right after people (志愿者, 群众…) and before
/// a pause counts them, though the unit is left out.
fn unitless_people(n: &Number<'_>, sentence: &str) -> Option<FoundCount> {
    let pause = n.after.is_empty() || n.after.starts_with(['，', ',', '。', '；', '、']);
    let people = ["者", "员", "众", "民", "工"]
        .iter()
        .any(|e| n.before.ends_with(e));
    if !(pause && people && n.text.ends_with('万')) {
        return None;
    }
    let count = Count::parse(&n.text).ok()?;
    Some(FoundCount {
        group: group(n.before, "", "人"),
        count,
        unit: "人".to_string(),
        sentence: sentence.to_string(),
    })
}

/// The words of the clause just before a number, without verbs and adverbs.
fn clause_before(before: &str) -> &str {
    let start = before
        .rfind([
            '，', '、', '：', '；', ',', ':', '（', '(', '“', '”', '—', '。',
        ])
        .map(|i| i + before[i..].chars().next().map_or(1, char::len_utf8))
        .unwrap_or(0);
    before[start..].trim()
}

const VERBS: &[&str] = &[
    "累计服务",
    "服务",
    "惠及",
    "受益",
    "覆盖",
    "吸引",
    "培育",
    "培训",
    "培养",
    "帮扶",
    "关怀",
    "关爱",
    "走访",
    "慰问",
    "参加",
    "参与",
    "吸纳",
    "拥有",
    "组织",
    "开展",
    "提供",
    "支持",
    "新增",
    "突破",
    "达到",
    "总计",
    "共计",
    "累计",
    "直接",
    "其中",
    "全区",
    "全县",
    "全市",
    "辖区",
    "共",
    "达",
    "为",
    "有",
    "约",
    "近",
    "超",
    "的",
    "等",
    "在",
    "了",
    "计",
];

/// `服务未成年人` → `未成年人`; `注册志愿者` stays.
fn strip_verbs(mut s: &str) -> &str {
    loop {
        let before = s;
        for v in VERBS {
            s = s.strip_prefix(v).unwrap_or(s).trim();
            s = s.strip_suffix(v).unwrap_or(s).trim();
        }
        if s == before {
            return s;
        }
    }
}

/// Who was counted: the noun after `名` (`280名学员`), else the clause before the number.
fn group(before: &str, tail: &str, unit: &str) -> String {
    if unit == "名" || unit == "户" {
        let noun: String = tail
            .chars()
            .take_while(|c| is_han(*c) && !"和与及参进组开提在的获担为被".contains(*c))
            .take(8)
            .collect();
        if noun.chars().count() >= 2 {
            return noun;
        }
    }
    let clause = strip_verbs(clause_before(before));
    // `海盐县志愿浙江注册志愿者` → `志愿浙江注册志愿者`: a place name is not the group.
    let clause = match clause.rfind(['县', '市', '区', '省', '镇']) {
        Some(p)
            if clause[p..].chars().count() >= 3
                && !clause[p + '县'.len_utf8()..].starts_with(['级', '委']) =>
        {
            &clause[p + '县'.len_utf8()..]
        }
        _ => clause,
    };
    let n = clause.chars().count();
    let tail: String = clause.chars().skip(n.saturating_sub(8)).collect();
    let words = strip_verbs(&tail).to_string();
    if words.chars().count() >= 2 && words.chars().all(is_han) {
        words
    } else {
        "服务对象".to_string()
    }
}

/// Who paid: the clause before the amount (`撬动资金` → `撬动资金`), or a stand-in.
fn funder(before: &str) -> String {
    let words = strip_verbs(clause_before(before));
    let words: String = words.chars().filter(|c| is_han(*c)).collect();
    let n = words.chars().count();
    let words: String = words.chars().skip(n.saturating_sub(10)).collect();
    if words.chars().count() >= 2 {
        words
    } else {
        "资金来源待填".to_string()
    }
}

/// A year written in the sentence (`2023 年以来`, `2024年`).
fn year_in(s: &str) -> Option<i32> {
    let compact: String = s.chars().filter(|c| *c != ' ').collect();
    compact
        .match_indices('年')
        .filter_map(|(i, _)| compact.get(i.checked_sub(4)?..i)?.parse::<i32>().ok())
        .find(|y| (1990..=2100).contains(y))
}

/// The latest `2024年3月` or `2024-03-01` written in the text, not after `today`.
pub fn date(text: &str, today: NaiveDate) -> Option<NaiveDate> {
    let compact: String = text.chars().filter(|c| *c != ' ').collect();
    let mut best: Option<NaiveDate> = None;
    let mut consider = |d: Option<NaiveDate>| {
        if let Some(d) = d.filter(|d| *d <= today) {
            best = Some(best.map_or(d, |b| b.max(d)));
        }
    };
    for (i, _) in compact.match_indices('年') {
        let Some(y) = i
            .checked_sub(4)
            .and_then(|s| compact.get(s..i))
            .and_then(|y| y.parse::<i32>().ok())
        else {
            continue;
        };
        let rest = &compact[i + '年'.len_utf8()..];
        let month: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let Ok(m) = month.parse::<u32>() else {
            continue;
        };
        let after = &rest[month.len()..];
        if !after.starts_with('月') {
            continue;
        }
        let day: String = after['月'.len_utf8()..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let d = day.parse::<u32>().unwrap_or(1);
        consider(NaiveDate::from_ymd_opt(y, m, d).or_else(|| NaiveDate::from_ymd_opt(y, m, 1)));
    }
    for (i, _) in compact.match_indices('-') {
        let d = i
            .checked_sub(4)
            .and_then(|s| compact.get(s..s + 10))
            .and_then(|t| NaiveDate::parse_from_str(t, "%Y-%m-%d").ok());
        consider(d);
    }
    best
}

const ORG_SUFFIXES: &[&str] = &[
    "社会工作服务中心",
    "社工服务中心",
    "社会服务中心",
    "社会工作事务所",
    "社会工作服务社",
    "社会工作指导中心",
    "社会工作服务指导中心",
    "社会组织孵化中心",
    "社会工作促进会",
    "社会工作协会",
    "社工站",
    "民政局",
    "社会工作部",
];

const ORG_CUT: &[&str] = &[
    "引进", "委托", "依托", "联合", "成立", "组建", "通过", "建立", "来自", "在", "由", "与", "的",
    "是", "为", "了", "到", "及", "等", "据", "和", "其中",
];

/// Organizations named in the text (`乐山初心社会工作服务中心`), the most named first;
/// service providers rank above bureaus.
pub fn organizations(text: &str) -> Vec<String> {
    let mut found: Vec<(usize, usize, String)> = Vec::new();
    for (rank, suffix) in ORG_SUFFIXES.iter().enumerate() {
        for (i, _) in text.match_indices(suffix) {
            let before: String = text[..i]
                .chars()
                .rev()
                .take_while(|c| is_han(*c))
                .take(10)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let mut name = before.as_str();
            for cut in ORG_CUT {
                if let Some(p) = name.rfind(cut) {
                    // `北京同乐和` keeps its 和: only cut where the rest is a name.
                    if *cut == "和" && name.len() - p <= 3 {
                        continue;
                    }
                    name = &name[p + cut.len()..];
                }
            }
            if name.chars().count() < 2 || (*suffix == "社工站" && !names_a_place(name)) {
                continue;
            }
            let full = format!("{name}{suffix}");
            match found.iter_mut().find(|f| f.2 == full) {
                Some(f) => f.0 += 1,
                None => found.push((1, rank, full)),
            }
        }
    }
    // A name inside a longer one (`社工站` in `金山镇社工站`) is the same organization.
    let names: Vec<String> = found.iter().map(|f| f.2.clone()).collect();
    found.retain(|f| !names.iter().any(|n| n != &f.2 && n.ends_with(&f.2)));
    found.sort_by(|a, b| {
        (a.1 >= 10)
            .cmp(&(b.1 >= 10))
            .then(b.0.cmp(&a.0))
            .then(a.1.cmp(&b.1))
    });
    found.into_iter().map(|f| f.2).collect()
}

/// `金山镇` names a place; `全力推进`, `乡镇` do not.
fn names_a_place(name: &str) -> bool {
    name.chars().count() >= 3
        && name.ends_with(['镇', '乡', '道', '区', '县', '村'])
        && !["乡镇", "镇街", "街道", "社区"]
            .iter()
            .any(|g| name.ends_with(g) && name.chars().count() <= 4)
}

/// A brand written as `“金诚所至”品牌`, `打造“…”…品牌` or `“…”品牌项目`.
pub fn brand(text: &str) -> Option<String> {
    for (i, _) in text.match_indices("品牌") {
        let before = &text[..i];
        if let Some(name) = quoted_before(before) {
            return Some(name);
        }
        // `社会工作品牌“健康大篷车”`
        let after = &text[i + "品牌".len()..];
        if let Some(rest) = after.strip_prefix('“') {
            if let Some(end) = rest.find('”') {
                let name = &rest[..end];
                if (2..=12).contains(&name.chars().count()) && !name.contains(['，', '。']) {
                    return Some(name.to_string());
                }
            }
        }
    }
    None
}

/// The first of the quoted names just before `品牌` (`“武有益社暖邻”“桥见志汇”等特色`).
fn quoted_before(before: &str) -> Option<String> {
    let close = before.rfind('”')?;
    let gap = &before[close + '”'.len_utf8()..];
    if gap.chars().count() > 10 || gap.contains(['，', '。', '、', ',', '；']) {
        return None;
    }
    let mut open = before[..close].rfind('“')?;
    // Walk back over `“甲”“乙”` to the first name of the run.
    while before[..open].ends_with('”') {
        match before[..open].rfind('“') {
            Some(o) => open = o,
            None => break,
        }
    }
    let first_close = before[open..].find('”')? + open;
    let name = &before[open + '“'.len_utf8()..first_close];
    let n = name.chars().count();
    ((2..=12).contains(&n) && !name.contains(['，', '。'])).then(|| name.to_string())
}

/// The names from `known` that the text uses at least `min` times, most used first.
pub fn used_terms(text: &str, known: &[String], min: usize, max: usize) -> Vec<String> {
    let mut used: Vec<(usize, &String)> = known
        .iter()
        .map(|k| (text.matches(k.as_str()).count(), k))
        .filter(|(n, k)| *n >= min && k.chars().count() >= 2)
        .collect();
    used.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    used.into_iter().take(max).map(|(_, k)| k.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count_texts(text: &str) -> Vec<(String, String, String)> {
        quantities(text)
            .0
            .into_iter()
            .map(|c| (c.group, c.count.text, c.unit))
            .collect()
    }

    #[test]
    fn counts_with_their_groups() {
        assert_eq!(
            count_texts("策划小组和社区活动20余场，直接受益老人达8000余人次，帮助老年人。"),
            [("老人".into(), "8000余".into(), "人次".into())]
        );
        assert_eq!(
            count_texts("280名学员“零距离”享受课程讲解"),
            [("学员".into(), "280".into(), "名".into())]
        );
    }

    #[test]
    fn leading_forms_and_counts_without_a_unit() {
        assert_eq!(
            count_texts("依托镇(街道)社工学院,推行一线社工“五个一”实战培养模式,累计举办能力提升20余场,覆盖千余人次。"),
            [("服务对象".into(), "千余".into(), "人次".into())]
        );
        assert_eq!(
            count_texts("注册志愿者突破14万人，活跃志愿者7.2万，每万人活跃率达15%。"),
            [
                ("注册志愿者".into(), "14万".into(), "人".into()),
                ("活跃志愿者".into(), "7.2万".into(), "人".into())
            ]
        );
        assert!(count_texts("近百个南山社工及服务案例，建成百余个站点。").is_empty());
    }

    #[test]
    fn spaced_numbers_from_a_pdf() {
        assert_eq!(
            count_texts("服务群众近 10 万人次。"),
            [("群众".into(), "近10万".into(), "人次".into())]
        );
    }

    #[test]
    fn amounts_with_year() {
        let (_, a) = quantities("2023 年以来共实施民生微实事项目 166 个，预计下拨资金 511 万元。");
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].amount.yuan, 5_110_000.0);
        assert_eq!(a[0].year, Some(2023));
        assert_eq!(a[0].source, "预计下拨资金");
    }

    #[test]
    fn percentages_and_ranks_are_not_amounts() {
        let (c, a) = quantities("从省级当年下达的救助补助资金总量的2%，用于购买服务；县(市)区社会救助资金的3%用于购买；排名第1名。");
        assert!(c.is_empty() && a.is_empty(), "{c:?} {a:?}");
    }

    #[test]
    fn latest_date_in_text() {
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        assert_eq!(
            date("2024年3月开始，截至2024年12月", today),
            NaiveDate::from_ymd_opt(2024, 12, 1)
        );
        assert_eq!(
            date("2024-03-05 发布", today),
            NaiveDate::from_ymd_opt(2024, 3, 5)
        );
        assert_eq!(date("没有日期", today), None);
    }

    #[test]
    fn organization_and_brand() {
        let t = "以政府购买服务方式引进乐山初心社会工作服务中心，在金山镇人民政府的支持下建设运营金山镇社工站，着力打造“金诚所至”社会工作服务品牌。";
        assert_eq!(organizations(t)[0], "乐山初心社会工作服务中心");
        assert_eq!(brand(t).as_deref(), Some("金诚所至"));
        assert_eq!(
            organizations("太阳宫地区委托北京同乐和社会工作事务所开展")[0],
            "北京同乐和社会工作事务所"
        );
    }
}
