//! Aggregates: totals over any set of cases (the whole compendium or one term).
//!
//! Beneficiaries are summed per group *and unit* (人次 and 人 are never mixed); funding
//! is summed in yuan, per source and per year. A total built from an approximate input
//! (8000余) is itself approximate.

use super::Case;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Sum {
    pub value: f64,
    pub approx: bool,
    /// How many cases contributed.
    pub cases: usize,
}

impl Sum {
    fn add(&mut self, value: f64, approx: bool) {
        self.value += value;
        self.approx |= approx;
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
}

impl Totals {
    pub fn of<'a>(cases: impl Iterator<Item = &'a Case>) -> Totals {
        let mut t = Totals::default();
        let mut orgs = BTreeSet::new();
        let mut brands = BTreeSet::new();
        let mut provinces = BTreeSet::new();
        let mut regions = BTreeSet::new();
        let mut groups: BTreeMap<(String, String), Sum> = BTreeMap::new();
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
                let key = (b.group.clone(), b.unit.clone());
                let sum = groups.entry(key.clone()).or_default();
                sum.add(b.count.value, b.count.approx);
                if seen_group.insert(key) {
                    sum.cases += 1;
                }
                let unit = t.beneficiaries_by_unit.entry(b.unit.clone()).or_default();
                unit.add(b.count.value, b.count.approx);
                if seen_unit.insert(&b.unit) {
                    unit.cases += 1;
                }
            }
            let mut seen_source = BTreeSet::new();
            let mut seen_year = BTreeSet::new();
            for f in &m.funding {
                t.funding.add(f.amount.yuan, f.amount.approx);
                let s = t.funding_by_source.entry(f.source.clone()).or_default();
                s.add(f.amount.yuan, f.amount.approx);
                if seen_source.insert(&f.source) {
                    s.cases += 1;
                }
                let year = f.year.unwrap_or_else(|| chrono::Datelike::year(&m.date));
                let y = t.funding_by_year.entry(year).or_default();
                y.add(f.amount.yuan, f.amount.approx);
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
            .map(|((group, unit), sum)| GroupSum { group, unit, sum })
            .collect();
        t.beneficiaries.sort_by(|a, b| {
            a.unit
                .cmp(&b.unit)
                .then(b.sum.value.total_cmp(&a.sum.value))
                .then_with(|| a.group.cmp(&b.group))
        });
        t.organizations = orgs.len();
        t.brands = brands.len();
        t.provinces = provinces.len();
        t.regions = regions.len();
        t
    }
}
