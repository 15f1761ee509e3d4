//! Aggregates: totals over any set of cases (the whole compendium or one term).
//!
//! Beneficiaries are summed per group *and unit* (人次 and 人 are never mixed); funding
//! is summed in yuan, per source and per year (an amount without a year counts in the
//! year of its case's date). A total built from an approximate input (8000余) is itself
//! approximate; if every approximate input is a lower bound (余, 多, 超 …) the total is
//! one too (`9200余`), otherwise it can only be "about" ([`Sum::about`], `约10.92万`).

use super::Case;
use crate::quantity::Precision;
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::collections::BTreeMap;

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
    /// Adds one figure stated with `precision`.
    fn add(&mut self, value: f64, precision: Precision) {
        self.value += value;
        self.approx |= precision.is_approx();
        if precision == Precision::About {
            self.about = true;
        }
    }
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

/// No name (a case without organization, brand or region).
const NONE: u32 = u32::MAX;

/// What totals read of each case, gathered once into flat arrays, names interned. A
/// term's totals visit every case under it (the largest terms, a province or a year, hold
/// much of the compendium); read through each case's own strings, scattered over the
/// heap, the figures cost 18× as much at 100,000 cases as at 10,000.
pub struct Facts<'a> {
    /// Id → name, for organizations, brands, provinces, groups, units and sources alike.
    names: Vec<&'a str>,
    cases: Vec<CaseFacts>,
    beneficiaries: Vec<BeneficiaryFact>,
    funding: Vec<FundingFact>,
}

struct CaseFacts {
    organization: u32,
    brand: u32,
    province: u32,
    /// The whole region path, interned on its own.
    region: u32,
    beneficiaries: std::ops::Range<usize>,
    funding: std::ops::Range<usize>,
}

struct BeneficiaryFact {
    group: u32,
    unit: u32,
    value: f64,
    precision: Precision,
}

struct FundingFact {
    source: u32,
    yuan: f64,
    precision: Precision,
    /// The amount's year, or its case's.
    year: i32,
}

impl<'a> Facts<'a> {
    /// The facts of `cases`, in order: [`Facts::totals`] takes indices into them.
    pub fn of(cases: impl Iterator<Item = &'a Case>) -> Facts<'a> {
        let mut ids: FxHashMap<&'a str, u32> = FxHashMap::default();
        let mut names: Vec<&'a str> = Vec::new();
        let mut intern = |name: &'a str| {
            *ids.entry(name).or_insert_with(|| {
                names.push(name);
                (names.len() - 1) as u32
            })
        };
        let mut regions: FxHashMap<&'a [String], u32> = FxHashMap::default();
        let mut facts = Facts {
            names: Vec::new(),
            cases: Vec::new(),
            beneficiaries: Vec::new(),
            funding: Vec::new(),
        };
        for case in cases {
            let m = &case.meta;
            let b0 = facts.beneficiaries.len();
            for b in &m.beneficiaries {
                facts.beneficiaries.push(BeneficiaryFact {
                    group: intern(&b.group),
                    unit: intern(&b.unit),
                    value: b.count.value,
                    precision: b.count.precision,
                });
            }
            let f0 = facts.funding.len();
            for f in &m.funding {
                facts.funding.push(FundingFact {
                    source: intern(&f.source),
                    yuan: f.amount.yuan,
                    precision: f.amount.precision,
                    year: f.year.unwrap_or_else(|| chrono::Datelike::year(&m.date)),
                });
            }
            let next_region = regions.len() as u32;
            facts.cases.push(CaseFacts {
                organization: m.organization.as_deref().map_or(NONE, &mut intern),
                brand: m.brand.as_deref().map_or(NONE, &mut intern),
                province: m.region.first().map_or(NONE, |p| intern(p)),
                region: if m.region.is_empty() {
                    NONE
                } else {
                    *regions.entry(&m.region).or_insert(next_region)
                },
                beneficiaries: b0..facts.beneficiaries.len(),
                funding: f0..facts.funding.len(),
            });
        }
        facts.names = names;
        facts
    }

    /// The totals of the cases at `cases` (indices into [`Facts::of`]'s cases), added in
    /// that order.
    pub fn totals(&self, cases: impl Iterator<Item = usize>) -> Totals {
        let mut t = Totals::default();
        let (mut orgs, mut brands, mut provinces, mut regions) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut groups: FxHashMap<(u32, u32), Sum> = FxHashMap::default();
        let mut by_unit: FxHashMap<u32, Sum> = FxHashMap::default();
        let mut by_source: FxHashMap<u32, Sum> = FxHashMap::default();
        for i in cases {
            let c = &self.cases[i];
            t.cases += 1;
            for (id, into) in [
                (c.organization, &mut orgs),
                (c.brand, &mut brands),
                (c.province, &mut provinces),
                (c.region, &mut regions),
            ] {
                if id != NONE {
                    into.push(id);
                }
            }
            // A case counts once per group, unit, source and year however many of its
            // lines name it; it has a handful of lines, so "seen" is a look back over them.
            let lines = &self.beneficiaries[c.beneficiaries.clone()];
            for (k, b) in lines.iter().enumerate() {
                let earlier = &lines[..k];
                let sum = groups.entry((b.group, b.unit)).or_default();
                sum.add(b.value, b.precision);
                if !earlier
                    .iter()
                    .any(|e| e.group == b.group && e.unit == b.unit)
                {
                    sum.cases += 1;
                }
                let unit = by_unit.entry(b.unit).or_default();
                unit.add(b.value, b.precision);
                if !earlier.iter().any(|e| e.unit == b.unit) {
                    unit.cases += 1;
                }
            }
            let lines = &self.funding[c.funding.clone()];
            for (k, f) in lines.iter().enumerate() {
                let earlier = &lines[..k];
                t.funding.add(f.yuan, f.precision);
                let s = by_source.entry(f.source).or_default();
                s.add(f.yuan, f.precision);
                if !earlier.iter().any(|e| e.source == f.source) {
                    s.cases += 1;
                }
                let y = t.funding_by_year.entry(f.year).or_default();
                y.add(f.yuan, f.precision);
                if !earlier.iter().any(|e| e.year == f.year) {
                    y.cases += 1;
                }
            }
            if !lines.is_empty() {
                t.funding.cases += 1;
            }
        }
        let name = |id: u32| self.names[id as usize].to_string();
        t.beneficiaries = groups
            .into_iter()
            .map(|((group, unit), sum)| GroupSum {
                group: name(group),
                unit: name(unit),
                sum,
            })
            .collect();
        t.beneficiaries_by_unit = by_unit.into_iter().map(|(k, v)| (name(k), v)).collect();
        t.funding_by_source = by_source.into_iter().map(|(k, v)| (name(k), v)).collect();
        t.beneficiaries.sort_by(|a, b| {
            a.unit
                .cmp(&b.unit)
                .then(b.sum.value.total_cmp(&a.sum.value))
                .then_with(|| a.group.cmp(&b.group))
        });
        t.approx = t.funding.approx || t.beneficiaries.iter().any(|g| g.sum.approx);
        let distinct = |mut ids: Vec<u32>| {
            ids.sort_unstable();
            ids.dedup();
            ids.len()
        };
        t.organizations = distinct(orgs);
        t.brands = distinct(brands);
        t.provinces = distinct(provinces);
        t.regions = distinct(regions);
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A case read from front matter, as the model holds it.
    fn case(yaml: &str) -> Case {
        let map: serde_yaml::Mapping = serde_yaml::from_str(yaml).unwrap();
        let mut fields = crate::validate::fields::Fields::new(map, yaml, "case.md", 1);
        let meta = crate::validate::case::read_case(&mut fields, "case").expect("valid case");
        Case {
            meta,
            source: "content/cases/case.md".into(),
            url: "cases/case/".into(),
            html: String::new(),
            text: "".into(),
            headings: Vec::new(),
            related: Vec::new(),
        }
    }

    #[test]
    fn a_case_counts_once_per_group_unit_source_and_year() {
        let twice = case(
            "title: 甲\ndate: 2024-03-01\nregion: [河南省, 鹤壁市, 浚县]\n\
             beneficiaries:\n  - {group: 老年人, count: 100, unit: 人次}\n\
             \x20 - {group: 老年人, count: 50, unit: 人次}\n\
             \x20 - {group: 儿童, count: 30, unit: 人次}\n\
             funding:\n  - {source: 福彩公益金, amount: 10万元}\n\
             \x20 - {source: 福彩公益金, amount: 5万元, year: 2024}\n\
             \x20 - {source: 区财政, amount: 2万元, year: 2023}\n",
        );
        let once = case(
            "title: 乙\ndate: 2023-05-01\nregion: [河南省, 鹤壁市, 浚县]\n\
             beneficiaries:\n  - {group: 老年人, count: 20, unit: 人次}\n\
             funding:\n  - {source: 福彩公益金, amount: 1万元}\n",
        );
        let t = Facts::of([&twice, &once].into_iter()).totals(0..2);
        let old = t
            .beneficiaries
            .iter()
            .find(|g| g.group == "老年人")
            .unwrap();
        assert_eq!((old.sum.value, old.sum.cases), (170.0, 2));
        let child = t.beneficiaries.iter().find(|g| g.group == "儿童").unwrap();
        assert_eq!((child.sum.value, child.sum.cases), (30.0, 1));
        assert_eq!(t.beneficiaries_by_unit["人次"].cases, 2);
        assert_eq!(t.beneficiaries_by_unit["人次"].value, 200.0);
        let lottery = &t.funding_by_source["福彩公益金"];
        assert_eq!((lottery.value, lottery.cases), (160_000.0, 2));
        // 甲's two lottery lines are both 2024 (one by its date): one case in 2024.
        assert_eq!(t.funding_by_year[&2024].cases, 1);
        assert_eq!(t.funding_by_year[&2024].value, 150_000.0);
        assert_eq!(t.funding_by_year[&2023].cases, 2);
        assert_eq!((t.funding.value, t.funding.cases), (180_000.0, 2));
        assert_eq!((t.cases, t.provinces, t.regions), (2, 1, 1));
    }

    #[test]
    fn sums_remember_how_they_are_approximate() {
        let mut s = Sum::default();
        s.add(8000.0, Precision::AtLeast);
        s.add(1200.0, Precision::Exact);
        assert_eq!((s.value, s.approx, s.about), (9200.0, true, false));
        s.add(100_000.0, Precision::About);
        assert_eq!((s.value, s.approx, s.about), (109_200.0, true, true));
    }
}
