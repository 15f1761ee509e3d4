//! China's administrative divisions (province, prefecture, county, and the towns and
//! streets of each county), bundled from `divisions.tsv` (see `DIVISIONS.md` for its
//! source and licence), and the region a text names: `鹤壁市浚县民政局` → `[河南省, 鹤壁市, 浚县]`.

use std::collections::HashMap;
use std::sync::OnceLock;

const DATA: &str = include_str!("divisions.tsv");

struct County {
    province: &'static str,
    /// Empty for the counties of Beijing, Tianjin, Shanghai, Chongqing and those a
    /// province governs directly.
    city: &'static str,
    name: &'static str,
    towns: &'static str,
}

struct Divisions {
    counties: Vec<County>,
    /// Every province, city and county name, full and short, by its first two
    /// characters: a text is scanned once, not once per name.
    names: HashMap<(char, char), Vec<&'static str>>,
    /// How many counties bear each name (鼓楼区 is in five cities).
    name_count: HashMap<&'static str, usize>,
    /// The provinces' short names (`福建`, `内蒙古`).
    provinces: Vec<&'static str>,
}

fn divisions() -> &'static Divisions {
    static D: OnceLock<Divisions> = OnceLock::new();
    D.get_or_init(|| {
        let mut counties = Vec::new();
        let mut name_count = HashMap::new();
        for line in DATA.lines() {
            let mut f = line.split('\t');
            let (Some(province), Some(city), Some(name)) = (f.next(), f.next(), f.next()) else {
                continue;
            };
            let city = if city == name { "" } else { city };
            *name_count.entry(name).or_insert(0) += 1;
            counties.push(County {
                province,
                city,
                name,
                towns: f.next().unwrap_or(""),
            });
        }
        let mut names: HashMap<(char, char), Vec<&'static str>> = HashMap::new();
        for c in &counties {
            for n in [
                c.province,
                province_short(c.province),
                c.city,
                short(c.city),
                c.name,
                short(c.name),
            ] {
                let mut it = n.chars();
                if let (Some(a), Some(b)) = (it.next(), it.next()) {
                    let list = names.entry((a, b)).or_default();
                    if !list.contains(&n) {
                        list.push(n);
                    }
                }
            }
        }
        let mut provinces: Vec<&'static str> = counties
            .iter()
            .map(|c| province_short(c.province))
            .collect();
        provinces.dedup();
        Divisions {
            counties,
            name_count,
            names,
            provinces,
        }
    })
}

/// `宁夏回族自治区` → `宁夏`, `黑龙江省` → `黑龙江`, `北京市` → `北京`.
fn province_short(p: &str) -> &str {
    for long in ["内蒙古", "黑龙江"] {
        if p.starts_with(long) {
            return long;
        }
    }
    p.char_indices().nth(2).map(|(i, _)| &p[..i]).unwrap_or(p)
}

/// `乐山市` → `乐山`, `五通桥区` → `五通桥`, `浚县` → `浚县` (one character would match too much).
fn short(name: &str) -> &str {
    for suffix in ["自治县", "自治州", "地区", "市", "区", "县", "旗", "盟"] {
        if let Some(s) = name.strip_suffix(suffix) {
            if s.chars().count() >= 2 {
                return s;
            }
        }
    }
    name
}

/// Does `t` begin with a province's name, full or short (`福建厦门…`, `宁夏银川`)?
pub fn starts_with_province(t: &str) -> bool {
    divisions().provinces.iter().any(|p| t.starts_with(p))
}

/// A region named in a text, most general first, and how sure the match is.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Region {
    /// `[河南省, 鹤壁市, 浚县]`, `[北京市, 朝阳区]`, `[宁夏回族自治区, 银川市]`; a town or
    /// street of the county is appended when the text names one.
    pub levels: Vec<String>,
    /// True when the county was found (the region goes down to county level).
    pub county: bool,
    /// The most specific of province, city and county (not the town).
    pub place: String,
}

/// How often each division name occurs in a text.
struct Mentions(HashMap<&'static str, usize>);

impl Mentions {
    fn of(text: &str) -> Mentions {
        let d = divisions();
        let mut found = HashMap::new();
        let mut chars = text.char_indices().peekable();
        while let Some((i, a)) = chars.next() {
            let Some(&(_, b)) = chars.peek() else {
                break;
            };
            for name in d.names.get(&(a, b)).into_iter().flatten() {
                if text[i..].starts_with(name) {
                    *found.entry(*name).or_insert(0) += 1;
                }
            }
        }
        Mentions(found)
    }

    fn get(&self, name: &str) -> usize {
        if name.chars().count() < 2 {
            return 0;
        }
        self.0.get(name).copied().unwrap_or(0)
    }
}

fn mentions(text: &str, name: &str) -> usize {
    if name.chars().count() < 2 {
        return 0;
    }
    text.matches(name).count()
}

/// The region `headline` (weighted) and `text` name, checked against the division list.
pub fn find(headline: &str, text: &str) -> Option<Region> {
    let d = divisions();
    let (head, body) = (Mentions::of(headline), Mentions::of(text));
    let score = |name: &str, short_ok: bool| {
        let s = if short_ok { short(name) } else { name };
        head.get(s) * 50 + body.get(s)
    };
    // Province: its own name, plus its cities and its distinctive counties.
    let mut province_scores: HashMap<&str, usize> = HashMap::new();
    let mut city_scores: HashMap<(&str, &str), usize> = HashMap::new();
    for c in &d.counties {
        let p = province_scores.entry(c.province).or_insert(0);
        if d.name_count.get(c.name) == Some(&1) && c.name.chars().count() >= 3 {
            *p += score(c.name, false);
        }
        if !c.city.is_empty() {
            city_scores
                .entry((c.province, c.city))
                .or_insert_with(|| score(c.city, true));
        }
    }
    for ((p, _), s) in &city_scores {
        *province_scores.entry(p).or_insert(0) += s;
    }
    for (p, s) in province_scores.iter_mut() {
        *s += score(p, false) + head.get(province_short(p)) * 50 + body.get(province_short(p));
    }
    let (&province, &ps) = province_scores
        .iter()
        .max_by_key(|(p, s)| (**s, std::cmp::Reverse(**p)))?;
    if ps == 0 {
        return None;
    }
    let city = city_scores
        .iter()
        .filter(|((p, _), s)| *p == province && **s > 0)
        .max_by_key(|((_, c), s)| (**s, std::cmp::Reverse(*c)))
        .map(|((_, c), _)| *c);
    let in_scope: Vec<&County> = d
        .counties
        .iter()
        .filter(|c| c.province == province && city.is_none_or(|city| c.city == city))
        .collect();
    let mut levels = vec![province.to_string()];
    if let Some(c) = city {
        levels.push(c.to_string());
    }
    let county = pick_county(&in_scope, &head, &body, city.is_some());
    if let Some(k) = county {
        if city.is_none() && !k.city.is_empty() {
            levels.push(k.city.to_string());
        }
        levels.push(k.name.to_string());
        if let Some(town) = pick_town(k, text) {
            levels.push(town.to_string());
        }
    }
    let place = county
        .map(|k| k.name)
        .or(city)
        .unwrap_or(province)
        .to_string();
    Some(Region {
        levels,
        county: county.is_some(),
        place,
    })
}

/// The county the headline names, or the one the text names when it names only one
/// (or one far more than the others); none when the text ranges over several.
fn pick_county<'a>(
    counties: &[&'a County],
    headline: &Mentions,
    text: &Mentions,
    city_known: bool,
) -> Option<&'a County> {
    let mut scored: Vec<(usize, &County)> = counties
        .iter()
        .map(|c| {
            let name = if city_known || c.city.is_empty() {
                short(c.name)
            } else {
                c.name
            };
            (headline.get(name) * 50 + text.get(name), *c)
        })
        .filter(|(s, _)| *s > 0)
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.name.cmp(b.1.name)));
    match scored.as_slice() {
        [] => None,
        [(_, c)] => Some(c),
        [(a, c), (b, _), ..] if *a >= 50 && *b < 50 => Some(c),
        [(a, c), (b, _), ..] if *a >= 3 && *a >= b * 3 => Some(c),
        _ => None,
    }
}

/// The town or street of `county` the text names most (at least twice, or once when
/// it is the only one).
fn pick_town<'a>(county: &'a County, text: &str) -> Option<&'a str> {
    let mut found: Vec<(usize, &str)> = county
        .towns
        .split(' ')
        .filter(|t| t.chars().count() >= 3)
        .map(|t| (mentions(text, t), t))
        .filter(|(n, _)| *n > 0)
        .collect();
    found.sort_by_key(|f| std::cmp::Reverse(f.0));
    match found.as_slice() {
        [(_, t)] => Some(t),
        [(a, t), (b, _), ..] if *a >= 2 && a > b => Some(t),
        _ => None,
    }
}

/// Communities (`海天社区`) the text names after a place (`湖里街道海天社区`), for the
/// editor to consider.
pub fn communities(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, _) in text.match_indices("社区") {
        let before: Vec<char> = text[..i].chars().rev().take(5).collect();
        for len in 2..=4 {
            let (Some(prev), true) = (before.get(len), before.len() > len) else {
                break;
            };
            let name: Vec<char> = before[..len].iter().rev().copied().collect();
            let han = name.iter().all(|c| super::article::is_han(*c));
            if han && "道镇区县市乡村".contains(*prev) {
                let n: String = name.into_iter().collect::<String>() + "社区";
                if !out.contains(&n) {
                    out.push(n);
                }
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn levels(headline: &str, text: &str) -> Vec<String> {
        find(headline, text).map(|r| r.levels).unwrap_or_default()
    }

    #[test]
    fn county_without_province_in_text() {
        assert_eq!(levels("", "鹤壁市浚县民政局"), ["河南省", "鹤壁市", "浚县"]);
    }

    #[test]
    fn short_forms_in_a_headline() {
        assert_eq!(
            levels("福建厦门湖里区：完善机制", "湖里区始终把社会工作"),
            ["福建省", "厦门市", "湖里区"]
        );
    }

    #[test]
    fn municipality_has_no_prefecture() {
        assert_eq!(
            levels("北京太阳宫：开展", "太阳宫地区位于北京市朝阳区中西部"),
            ["北京市", "朝阳区", "太阳宫地区"]
        );
    }

    #[test]
    fn several_counties_stop_at_the_city() {
        assert_eq!(
            levels(
                "安徽六安：全方位",
                "在金安区、裕安区、叶集区、霍山县率先实施"
            ),
            ["安徽省", "六安市"]
        );
    }

    #[test]
    fn town_of_the_county_is_added() {
        assert_eq!(
            levels("四川乐山金山镇社工站：", "五通桥区民政局……金山镇社工站"),
            ["四川省", "乐山市", "五通桥区", "金山镇"]
        );
    }

    #[test]
    fn communities_are_listed() {
        assert_eq!(communities("湖里街道海天社区党委书记"), ["海天社区"]);
    }
}
