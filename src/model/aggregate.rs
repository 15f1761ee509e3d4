//! Aggregates: totals over any set of cases (the whole compendium or one term).
//!
//! Beneficiaries are summed per group *and unit* (人次 and 人 are never mixed); funding
//! is summed in yuan, per source and per year (an amount without a year counts in the
//! year of its case's date). A total built from an approximate input (8000余) is itself
//! approximate; if every approximate input is a lower bound (余, 多, 超 …) the total is
//! one too (`9200余`), otherwise it can only be "about" ([`Sum::about`], `约10.92万`).

use super::Case;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Sum {
    pub value: f64,
    pub approx: bool,
    /// Some approximate input is not a lower bound (约, 近, 左右 …), so the total can
    /// only be "about" (约), never "more than" (余).
    pub about: bool,
    /// How many cases contributed.
    pub cases: usize,
}

impl Sum {
    fn add(&mut self, value: f64, approx: bool, text: &str) {
        self.value += value;
        self.approx |= approx;
        // Once "about", always: the text need not be read again (a large term's totals
        // add hundreds of thousands of figures).
        if approx && !self.about {
            self.about = !is_lower_bound(text);
        }
    }
}

/// Whether an approximate figure as written only says "more than" (`8000余`, `超10万`,
/// `200多`), as opposed to "about" or "nearly" (`约8000`, `近10万`).
pub fn is_lower_bound(text: &str) -> bool {
    const MORE: &[&str] = &["余", "多", "以上", "超", "逾"];
    const OTHER: &[&str] = &["约", "近", "左右", "上下", "不足", "不到"];
    MORE.iter().any(|m| text.contains(m)) && !OTHER.iter().any(|m| text.contains(m))
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct GroupSum {
    pub group: String,
    pub unit: String,
    #[serde(flatten)]
    pub sum: Sum,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Totals {
    pub cases: usize,
    pub organizations: usize,
    pub brands: usize,
    pub provinces: usize,
    pub regions: usize,
    /// Per group and unit, e.g. 老年人 / 人次; sorted by unit, then largest first.
    pub beneficiaries: Vec<GroupSum>,
    /// unit → sum over all groups.
    pub beneficiaries_by_unit: BTreeMap<String, Sum>,
    /// In yuan.
    pub funding: Sum,
    pub funding_by_source: BTreeMap<String, Sum>,
    pub funding_by_year: BTreeMap<i32, Sum>,
    /// Whether any count or amount behind these totals is approximate.
    pub approx: bool,
}

impl Totals {
    pub fn of<'a>(cases: impl Iterator<Item = &'a Case>) -> Totals {
        let mut t = Totals::default();
        // Only counted: hash sets, since a term's totals visit all its cases and the
        // largest terms (a province, a year) hold most of the compendium.
        let mut orgs = FxHashSet::default();
        let mut brands = FxHashSet::default();
        let mut provinces = FxHashSet::default();
        let mut regions = FxHashSet::default();
        // Keyed by the cases' own strings: one term's totals visit every case in it, and
        // owned keys would copy two strings per beneficiary. Hashed while summing (the
        // sums add in case order either way), ordered once at the end.
        let mut groups: FxHashMap<(&str, &str), Sum> = FxHashMap::default();
        let mut by_unit: FxHashMap<&str, Sum> = FxHashMap::default();
        let mut by_source: FxHashMap<&str, Sum> = FxHashMap::default();
        for case in cases {
            let m = &case.meta;
            t.cases += 1;
            orgs.extend(m.organization.iter());
            brands.extend(m.brand.iter());
            provinces.extend(m.region.first());
            if !m.region.is_empty() {
                regions.insert(&m.region);
            }
            let mut seen_group = BTreeSet::new();
            let mut seen_unit = BTreeSet::new();
            for b in &m.beneficiaries {
                let key = (b.group.as_str(), b.unit.as_str());
                let sum = groups.entry(key).or_default();
                sum.add(b.count.value, b.count.approx, &b.count.text);
                if seen_group.insert(key) {
                    sum.cases += 1;
                }
                let unit = by_unit.entry(&b.unit).or_default();
                unit.add(b.count.value, b.count.approx, &b.count.text);
                if seen_unit.insert(&b.unit) {
                    unit.cases += 1;
                }
            }
            let mut seen_source = BTreeSet::new();
            let mut seen_year = BTreeSet::new();
            for f in &m.funding {
                t.funding
                    .add(f.amount.yuan, f.amount.approx, &f.amount.text);
                let s = by_source.entry(&f.source).or_default();
                s.add(f.amount.yuan, f.amount.approx, &f.amount.text);
                if seen_source.insert(&f.source) {
                    s.cases += 1;
                }
                let year = f.year.unwrap_or_else(|| chrono::Datelike::year(&m.date));
                let y = t.funding_by_year.entry(year).or_default();
                y.add(f.amount.yuan, f.amount.approx, &f.amount.text);
                if seen_year.insert(year) {
                    y.cases += 1;
                }
            }
            if !m.funding.is_empty() {
                t.funding.cases += 1;
            }
        }
        t.beneficiaries = groups
            .into_iter()
            .map(|((group, unit), sum)| GroupSum {
                group: group.to_string(),
                unit: unit.to_string(),
                sum,
            })
            .collect();
        t.beneficiaries_by_unit = by_unit
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        t.funding_by_source = by_source
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        t.beneficiaries.sort_by(|a, b| {
            a.unit
                .cmp(&b.unit)
                .then(b.sum.value.total_cmp(&a.sum.value))
                .then_with(|| a.group.cmp(&b.group))
        });
        t.approx = t.funding.approx || t.beneficiaries.iter().any(|g| g.sum.approx);
        t.organizations = orgs.len();
        t.brands = brands.len();
        t.provinces = provinces.len();
        t.regions = regions.len();
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_bounds_say_more_than() {
        assert!(is_lower_bound("8000余"));
        assert!(is_lower_bound("200多人"));
        assert!(is_lower_bound("超10万"));
        assert!(!is_lower_bound("约8000"));
        assert!(!is_lower_bound("近10万"));
        assert!(!is_lower_bound("8000左右"));
        assert!(!is_lower_bound("8000"));
    }

    #[test]
    fn sums_remember_how_they_are_approximate() {
        let mut s = Sum::default();
        s.add(8000.0, true, "8000余");
        s.add(1200.0, false, "1200");
        assert_eq!((s.value, s.approx, s.about), (9200.0, true, false));
        s.add(100_000.0, true, "近10万");
        assert_eq!((s.value, s.approx, s.about), (109_200.0, true, true));
    }
}
