//! The statistics page, `stats/index.html`: the compendium's totals, five charts with
//! their numbers in tables, and breakdowns by domain, province, year and funder.
//!
//! Every number comes from [`crate::model::Totals`] (the whole site, or one taxonomy
//! term); this module only arranges them for reading. Amounts are shown in 万元/亿元
//! and approximate inputs keep their mark (约 for amounts, 余 for counts).

use super::charts::{Bar, Chart, ChartView, Layout};
use super::{Output, Renderer};
use crate::error::Result;
use crate::model::{Sum, Taxonomy, TaxonomyKind, Term, Totals};
use crate::quantity::{format_count, format_total, format_yuan};
use plotters::style::RGBColor;
use serde::Serialize;
use std::collections::BTreeSet;

const BLUE: RGBColor = RGBColor(0x1b, 0x5e, 0x8c);
const TEAL: RGBColor = RGBColor(0x2a, 0x7d, 0x6f);
const WARM: RGBColor = RGBColor(0xa5, 0x52, 0x2a);
const PLUM: RGBColor = RGBColor(0x6b, 0x4c, 0x8a);

/// Gaps between the first and last year are shown as empty columns up to this span.
const MAX_YEAR_SPAN: i32 = 40;

pub const URL: &str = "stats/";

/// One line of a breakdown table: a term with its own totals.
#[derive(Serialize)]
struct Row {
    name: String,
    url: String,
    cases: usize,
    /// Total funding of these cases, formatted; empty if none.
    funding: String,
    /// One cell per unit of the site's beneficiary units, formatted; empty if none.
    beneficiaries: Vec<String>,
}

#[derive(Serialize)]
struct Breakdown {
    id: &'static str,
    title: &'static str,
    label_header: &'static str,
    rows: Vec<Row>,
}

/// A line of the funder table: what this source gave, over which years.
#[derive(Serialize)]
struct FunderRow {
    name: String,
    url: String,
    cases: usize,
    amount: String,
    years: String,
}

#[derive(Serialize)]
struct SumRow {
    name: String,
    url: Option<String>,
    cases: usize,
    display: String,
}

pub fn render(r: &Renderer<'_>, out: &dyn Output) -> Result<()> {
    let site = r.site;
    let lang = &site.config.language;
    let title = r.strings.get("stats");
    let mut ctx = r.context(URL, title);
    ctx.insert(
        "description",
        &r.strings
            .fill("stats_description", &[&site.cases.len().to_string()]),
    );
    let totals = &site.totals;
    ctx.insert("totals", totals);
    let units: Vec<&String> = totals.beneficiaries_by_unit.keys().collect();
    ctx.insert("units", &units);
    ctx.insert("charts", &charts(r)?);

    let breakdowns: Vec<Breakdown> = [
        (TaxonomyKind::Domains, "by_domain", "domain"),
        (TaxonomyKind::Regions, "by_province", "province"),
        (TaxonomyKind::Years, "by_year", "year"),
    ]
    .iter()
    .map(|&(kind, id, header)| {
        let tax = site.taxonomy(kind);
        Breakdown {
            id,
            title: r.strings.get(id),
            label_header: r.strings.get(header),
            rows: tax
                .roots
                .iter()
                .map(|&i| row(&tax.terms[i], &units, lang))
                .collect(),
        }
    })
    .collect();
    ctx.insert("breakdowns", &breakdowns);
    ctx.insert("funders", &funders(r));
    let by_year: Vec<SumRow> = totals
        .funding_by_year
        .iter()
        .rev()
        .map(|(year, sum)| SumRow {
            name: year.to_string(),
            url: None,
            cases: sum.cases,
            display: format_yuan(sum.value, sum.approx, lang),
        })
        .collect();
    ctx.insert("funding_by_year", &by_year);
    let groups: Vec<SumRow> = totals
        .beneficiaries
        .iter()
        .map(|g| SumRow {
            name: r.strings.fill("with_unit", &[&g.group, &g.unit]),
            url: site
                .taxonomy(TaxonomyKind::Beneficiaries)
                .term(std::slice::from_ref(&g.group))
                .map(|t| t.url.clone()),
            cases: g.sum.cases,
            display: unit_count(&g.sum, &g.unit, lang),
        })
        .collect();
    ctx.insert("groups", &groups);
    r.emit(out, "stats.html", URL, &ctx)
}

fn row(term: &Term, units: &[&String], lang: &str) -> Row {
    let t = &term.totals;
    Row {
        name: term.name.clone(),
        url: term.url.clone(),
        cases: t.cases,
        funding: if t.funding.cases > 0 {
            format_yuan(t.funding.value, t.funding.approx, lang)
        } else {
            String::new()
        },
        beneficiaries: units
            .iter()
            .map(|u| {
                t.beneficiaries_by_unit
                    .get(*u)
                    .map(|s| format_total(s.value, s.approx, s.about, lang))
                    .unwrap_or_default()
            })
            .collect(),
    }
}

/// `8000余人次` (or `约8000人次`) in Chinese, `about 8,000 人次` in English.
pub fn unit_count(sum: &Sum, unit: &str, lang: &str) -> String {
    let n = format_total(sum.value, sum.approx, sum.about, lang);
    if lang.to_ascii_lowercase().starts_with("en") {
        format!("{n} {unit}")
    } else {
        format!("{n}{unit}")
    }
}

fn funders(r: &Renderer<'_>) -> Vec<FunderRow> {
    let site = r.site;
    let lang = &site.config.language;
    let tax = site.taxonomy(TaxonomyKind::Funding);
    tax.roots
        .iter()
        .map(|&i| {
            let term = &tax.terms[i];
            let sum = site
                .totals
                .funding_by_source
                .get(&term.name)
                .cloned()
                .unwrap_or_default();
            let years: BTreeSet<i32> = term
                .cases
                .iter()
                .flat_map(|&c| {
                    let m = &site.cases[c].meta;
                    m.funding
                        .iter()
                        .filter(|f| f.source == term.name)
                        .map(|f| f.year.unwrap_or_else(|| chrono::Datelike::year(&m.date)))
                })
                .collect();
            FunderRow {
                name: term.name.clone(),
                url: term.url.clone(),
                cases: term.cases.len(),
                amount: format_yuan(sum.value, sum.approx, lang),
                years: year_span(&years),
            }
        })
        .collect()
}

fn year_span(years: &BTreeSet<i32>) -> String {
    match (years.first(), years.last()) {
        (Some(a), Some(b)) if a == b => a.to_string(),
        (Some(a), Some(b)) => format!("{a}–{b}"),
        _ => String::new(),
    }
}

/// One bar per top-level term, most cases first (ties keep the taxonomy's order).
fn count_bars(tax: &Taxonomy, lang: &str) -> Vec<Bar> {
    let mut roots = tax.roots.clone();
    roots.sort_by_key(|&i| std::cmp::Reverse(tax.terms[i].cases.len()));
    roots
        .iter()
        .map(|&i| {
            let t = &tax.terms[i];
            Bar {
                label: t.name.clone(),
                url: Some(t.url.clone()),
                value: t.cases.len() as f64,
                display: format_count(t.cases.len() as f64, false, lang),
            }
        })
        .collect()
}

/// Cases per year in time order, with empty years shown as empty columns.
fn year_bars(tax: &Taxonomy, lang: &str) -> Vec<Bar> {
    let mut known: Vec<(i32, &Term)> = tax
        .terms
        .iter()
        .filter_map(|t| t.name.parse::<i32>().ok().map(|y| (y, t)))
        .collect();
    known.sort_by_key(|(y, _)| *y);
    let (Some(first), Some(last)) = (known.first().map(|k| k.0), known.last().map(|k| k.0)) else {
        return Vec::new();
    };
    let years: Vec<i32> = if last - first <= MAX_YEAR_SPAN {
        (first..=last).collect()
    } else {
        known.iter().map(|k| k.0).collect()
    };
    years
        .into_iter()
        .map(|y| {
            let term = known.iter().find(|k| k.0 == y).map(|k| k.1);
            let n = term.map_or(0, |t| t.cases.len());
            Bar {
                label: y.to_string(),
                url: term.map(|t| t.url.clone()),
                value: n as f64,
                display: format_count(n as f64, false, lang),
            }
        })
        .collect()
}

fn charts(r: &Renderer<'_>) -> Result<Vec<ChartView>> {
    let site = r.site;
    let lang = &site.config.language;
    let s = &r.strings;
    let cases = s.get("case_number");
    let mut charts = vec![
        Chart {
            id: "chart-domains".into(),
            title: s.get("chart_domains").into(),
            label_header: s.get("domain").into(),
            value_header: cases.into(),
            layout: Layout::Rows,
            color: BLUE,
            bars: count_bars(site.taxonomy(TaxonomyKind::Domains), lang),
        },
        Chart {
            id: "chart-years".into(),
            title: s.get("chart_years").into(),
            label_header: s.get("year").into(),
            value_header: cases.into(),
            layout: Layout::Columns,
            color: TEAL,
            bars: year_bars(site.taxonomy(TaxonomyKind::Years), lang),
        },
        Chart {
            id: "chart-funding".into(),
            title: s.get("chart_funding").into(),
            label_header: s.get("source").into(),
            value_header: s.get("amount").into(),
            layout: Layout::Rows,
            color: WARM,
            bars: funding_bars(r),
        },
    ];
    for (i, unit) in units_by_use(&site.totals).into_iter().enumerate() {
        charts.push(Chart {
            id: format!("chart-beneficiaries-{}", i + 1),
            title: s.fill("chart_beneficiaries", &[unit]),
            label_header: s.get("group").into(),
            value_header: s.fill("with_unit", &[s.get("count"), unit]),
            layout: Layout::Rows,
            color: PLUM,
            bars: site
                .totals
                .beneficiaries
                .iter()
                .filter(|g| g.unit == unit)
                .map(|g| Bar {
                    label: g.group.clone(),
                    url: site
                        .taxonomy(TaxonomyKind::Beneficiaries)
                        .term(std::slice::from_ref(&g.group))
                        .map(|t| t.url.clone()),
                    value: g.sum.value,
                    display: format_total(g.sum.value, g.sum.approx, g.sum.about, lang),
                })
                .collect(),
        });
    }
    charts.push(Chart {
        id: "chart-provinces".into(),
        title: s.get("chart_provinces").into(),
        label_header: s.get("province").into(),
        value_header: cases.into(),
        layout: Layout::Rows,
        color: BLUE,
        bars: count_bars(site.taxonomy(TaxonomyKind::Regions), lang),
    });
    charts.into_iter().map(Chart::view).collect()
}

/// Beneficiary units, the one most cases use first (人次 and 人 each get a chart).
fn units_by_use(totals: &Totals) -> Vec<&str> {
    let mut units: Vec<(&String, &Sum)> = totals.beneficiaries_by_unit.iter().collect();
    units.sort_by(|a, b| b.1.cases.cmp(&a.1.cases).then_with(|| a.0.cmp(b.0)));
    units.into_iter().map(|(u, _)| u.as_str()).collect()
}

fn funding_bars(r: &Renderer<'_>) -> Vec<Bar> {
    let site = r.site;
    let lang = &site.config.language;
    let tax = site.taxonomy(TaxonomyKind::Funding);
    let mut bars: Vec<Bar> = site
        .totals
        .funding_by_source
        .iter()
        .map(|(source, sum)| Bar {
            label: source.clone(),
            url: tax
                .term(std::slice::from_ref(source))
                .map(|t| t.url.clone()),
            value: sum.value,
            display: format_yuan(sum.value, sum.approx, lang),
        })
        .collect();
    bars.sort_by(|a, b| {
        b.value
            .total_cmp(&a.value)
            .then_with(|| a.label.cmp(&b.label))
    });
    bars
}

#[cfg(test)]
mod tests {
    use super::year_span;
    use std::collections::BTreeSet;

    #[test]
    fn year_spans() {
        assert_eq!(year_span(&BTreeSet::new()), "");
        assert_eq!(year_span(&[2023].into_iter().collect()), "2023");
        assert_eq!(
            year_span(&[2024, 2021, 2022].into_iter().collect()),
            "2021–2024"
        );
    }
}
