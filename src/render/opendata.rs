//! Open data: `data/cases.json` and `data/cases.csv`, every non-draft case's metadata
//! with its numbers normalised, for anyone who wants to count for themselves.
//!
//! The schema is documented in the README (`## Open data`). In short: JSON has each
//! count and amount as `{value, text, approx}` (value in people/households… or in yuan,
//! text as the editor wrote it); CSV has one row per case, lists joined with
//! [`SEPARATOR`], numeric sums per beneficiary unit and for funding, and starts with a
//! UTF-8 byte order mark so that Excel reads Chinese correctly.

use super::context::absolute;
use super::{Output, Renderer};
use crate::error::{Error, Result};
use crate::model::Case;
use crate::quantity::{Amount, Count};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

pub const JSON_PATH: &str = "data/cases.json";
pub const CSV_PATH: &str = "data/cases.csv";
/// Joins list items in one CSV cell.
pub const SEPARATOR: &str = "|";
/// What a `|` inside an item becomes, so the cell still splits correctly.
const SEPARATOR_IN_ITEM: &str = "｜";
/// Names the layout of `cases.json`; bumped when a field changes meaning.
pub const SCHEMA: &str = "casebook/cases/1";

#[derive(Serialize)]
struct Dataset<'a> {
    schema: &'static str,
    site: SiteInfo<'a>,
    count: usize,
    cases: Records<'a>,
}

/// The cases' records, made one at a time as they are written.
struct Records<'a> {
    r: &'a Renderer<'a>,
    cases: &'a [&'a Case],
}

impl Serialize for Records<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.cases.iter().map(|case| record(self.r, case)))
    }
}

#[derive(Serialize)]
struct SiteInfo<'a> {
    title: &'a str,
    description: &'a str,
    language: &'a str,
    base_url: Option<&'a str>,
}

#[derive(Serialize)]
struct CaseRecord<'a> {
    slug: &'a str,
    title: &'a str,
    date: String,
    url: String,
    summary: Option<&'a str>,
    region: &'a [String],
    province: Option<&'a str>,
    organization: Option<&'a str>,
    brand: Option<&'a str>,
    domains: &'a [String],
    tags: &'a [String],
    featured: bool,
    beneficiaries: Vec<BeneficiaryRecord<'a>>,
    funding: Vec<FundingRecord<'a>>,
    totals: CaseTotals,
}

#[derive(Serialize)]
struct Quantity<'a> {
    value: Value,
    text: &'a str,
    approx: bool,
}

#[derive(Serialize)]
struct BeneficiaryRecord<'a> {
    group: &'a str,
    unit: &'a str,
    count: Quantity<'a>,
}

#[derive(Serialize)]
struct FundingRecord<'a> {
    source: &'a str,
    year: Option<i32>,
    amount: Quantity<'a>,
}

#[derive(Serialize)]
struct UnitSum {
    value: Value,
    approx: bool,
}

/// The case's own sums: funding in yuan, beneficiaries per unit.
#[derive(Serialize)]
struct CaseTotals {
    funding: UnitSum,
    beneficiaries: BTreeMap<String, UnitSum>,
}

pub fn render(r: &Renderer<'_>, out: &dyn Output) -> Result<()> {
    let cases: Vec<&Case> = published(r);
    out.write(JSON_PATH, &json(r, &cases)?)?;
    out.write(CSV_PATH, &csv(r, &cases)?)
}

/// Non-draft cases, newest first (a `--drafts` preview still keeps drafts out).
pub fn published<'a>(r: &Renderer<'a>) -> Vec<&'a Case> {
    r.site.cases.iter().filter(|c| !c.meta.draft).collect()
}

/// A whole number as a JSON integer (`8000`, not `8000.0`); fractions stay fractions.
pub fn number(x: f64) -> Value {
    if x.is_finite() && x.fract() == 0.0 && x.abs() < 9.0e15 {
        Value::from(x as i64)
    } else {
        Value::from(x)
    }
}

fn count(c: &Count) -> Quantity<'_> {
    Quantity {
        value: number(c.value),
        text: &c.text,
        approx: c.approx(),
    }
}

fn amount(a: &Amount) -> Quantity<'_> {
    Quantity {
        value: number(a.yuan),
        text: &a.text,
        approx: a.approx(),
    }
}

/// The case page's address: absolute when `base_url` is set, else site-relative.
fn case_url(r: &Renderer<'_>, case: &Case) -> String {
    let abs = absolute(&r.site.config, &case.url);
    if abs.is_empty() {
        case.url.clone()
    } else {
        abs
    }
}

fn case_totals(case: &Case) -> CaseTotals {
    let m = &case.meta;
    let mut units: BTreeMap<String, (f64, bool)> = BTreeMap::new();
    for b in &m.beneficiaries {
        let e = units.entry(b.unit.clone()).or_default();
        e.0 += b.count.value;
        e.1 |= b.count.approx();
    }
    CaseTotals {
        funding: UnitSum {
            value: number(m.funding.iter().map(|f| f.amount.yuan).sum()),
            approx: m.funding.iter().any(|f| f.amount.approx()),
        },
        beneficiaries: units
            .into_iter()
            .map(|(u, (value, approx))| {
                (
                    u,
                    UnitSum {
                        value: number(value),
                        approx,
                    },
                )
            })
            .collect(),
    }
}

fn record<'a>(r: &Renderer<'_>, case: &'a Case) -> CaseRecord<'a> {
    let m = &case.meta;
    CaseRecord {
        slug: &m.slug,
        title: &m.title,
        date: m.date.format("%Y-%m-%d").to_string(),
        url: case_url(r, case),
        summary: m.summary.as_deref(),
        region: &m.region,
        province: m.region.first().map(String::as_str),
        organization: m.organization.as_deref(),
        brand: m.brand.as_deref(),
        domains: &m.domains,
        tags: &m.tags,
        featured: m.featured,
        beneficiaries: m
            .beneficiaries
            .iter()
            .map(|b| BeneficiaryRecord {
                group: &b.group,
                unit: &b.unit,
                count: count(&b.count),
            })
            .collect(),
        funding: m
            .funding
            .iter()
            .map(|f| FundingRecord {
                source: &f.source,
                year: f.year,
                amount: amount(&f.amount),
            })
            .collect(),
        totals: case_totals(case),
    }
}

fn json<'a>(r: &'a Renderer<'a>, cases: &'a [&'a Case]) -> Result<Vec<u8>> {
    let config = &r.site.config;
    let data = Dataset {
        schema: SCHEMA,
        site: SiteInfo {
            title: &config.title,
            description: &config.description,
            language: &config.language,
            base_url: (!config.base_url.is_empty()).then_some(config.base_url.as_str()),
        },
        count: cases.len(),
        cases: Records { r, cases },
    };
    let mut w = Vec::new();
    serde_json::to_writer_pretty(&mut w, &data)
        .map_err(|e| Error::Other(format!("cannot write {JSON_PATH}: {e}")))?;
    w.push(b'\n');
    Ok(w)
}

/// Joins list items with [`SEPARATOR`], replacing it inside items.
fn join<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    items
        .into_iter()
        .map(|s| s.as_ref().replace(SEPARATOR, SEPARATOR_IN_ITEM))
        .collect::<Vec<_>>()
        .join(SEPARATOR)
}

/// `老年人 8000余人次`: the count as written, with its unit unless the text has it.
fn beneficiary_text(group: &str, text: &str, unit: &str) -> String {
    if text.ends_with(unit) {
        format!("{group} {text}")
    } else {
        format!("{group} {text}{unit}")
    }
}

fn csv(r: &Renderer<'_>, cases: &[&Case]) -> Result<Vec<u8>> {
    let units: BTreeSet<&str> = cases
        .iter()
        .flat_map(|c| c.meta.beneficiaries.iter().map(|b| b.unit.as_str()))
        .collect();
    let mut header: Vec<String> = [
        "slug",
        "title",
        "date",
        "url",
        "province",
        "region",
        "organization",
        "brand",
        "domains",
        "tags",
        "featured",
        "summary",
        "beneficiaries",
        "funding",
        "funding_yuan",
        "funding_approx",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for u in &units {
        header.push(format!("beneficiaries_{u}"));
        header.push(format!("beneficiaries_{u}_approx"));
    }
    let mut out = Vec::new();
    csv_rows(r, cases, &units, &header, &mut out)?;
    Ok(out)
}

fn csv_rows(
    r: &Renderer<'_>,
    cases: &[&Case],
    units: &BTreeSet<&str>,
    header: &[String],
    out: &mut Vec<u8>,
) -> Result<()> {
    let err = |e: csv::Error| Error::Other(format!("cannot write {CSV_PATH}: {e}"));
    std::io::Write::write_all(out, "\u{feff}".as_bytes()).map_err(|e| err(e.into()))?;
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record(header).map_err(err)?;
    for case in cases {
        let m = &case.meta;
        let totals = case_totals(case);
        let mut row: Vec<String> = vec![
            m.slug.clone(),
            m.title.clone(),
            m.date.format("%Y-%m-%d").to_string(),
            case_url(r, case),
            m.region.first().cloned().unwrap_or_default(),
            join(&m.region),
            m.organization.clone().unwrap_or_default(),
            m.brand.clone().unwrap_or_default(),
            join(&m.domains),
            join(&m.tags),
            m.featured.to_string(),
            m.summary.clone().unwrap_or_default(),
            join(
                m.beneficiaries
                    .iter()
                    .map(|b| beneficiary_text(&b.group, &b.count.text, &b.unit)),
            ),
            join(m.funding.iter().map(|f| match f.year {
                Some(y) => format!("{} {}（{y}）", f.source, f.amount.text),
                None => format!("{} {}", f.source, f.amount.text),
            })),
        ];
        // Text cells only: the figures after them are numbers and may be negative.
        for cell in &mut row {
            neutralise_formula(cell);
        }
        if m.funding.is_empty() {
            row.extend([String::new(), String::new()]);
        } else {
            row.push(totals.funding.value.to_string());
            row.push(totals.funding.approx.to_string());
        }
        for u in units {
            match totals.beneficiaries.get(*u) {
                Some(s) => {
                    row.push(s.value.to_string());
                    row.push(s.approx.to_string());
                }
                None => row.extend([String::new(), String::new()]),
            }
        }
        w.write_record(&row).map_err(err)?;
    }
    w.flush()
        .map_err(|e| Error::Other(format!("cannot write {CSV_PATH}: {e}")))
}

/// A text cell that Excel or LibreOffice would run as a formula (`=HYPERLINK(…)`, `@SUM`,
/// `+1`, `-1+2`, or one hidden behind a tab or carriage return) gets a leading `'`, as
/// OWASP advises against CSV injection: spreadsheets then show it as text.
fn neutralise_formula(cell: &mut String) {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        cell.insert(0, '\'');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text() {
        for (given, expected) in [
            (
                "=HYPERLINK(\"http://evil.example\")",
                "'=HYPERLINK(\"http://evil.example\")",
            ),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("+86 123", "'+86 123"),
            ("-1+2", "'-1+2"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("金山镇 = 好", "金山镇 = 好"),
            ("", ""),
        ] {
            let mut cell = given.to_string();
            neutralise_formula(&mut cell);
            assert_eq!(cell, expected);
        }
    }

    #[test]
    fn whole_numbers_are_integers() {
        assert_eq!(number(8000.0).to_string(), "8000");
        assert_eq!(number(150_000_000.0).to_string(), "150000000");
        assert_eq!(number(0.5).to_string(), "0.5");
    }

    #[test]
    fn list_cells_keep_their_separator_unambiguous() {
        assert_eq!(join(["养老服务", "a|b"]), "养老服务|a｜b");
        assert_eq!(
            beneficiary_text("老年人", "8000余", "人次"),
            "老年人 8000余人次"
        );
        assert_eq!(
            beneficiary_text("老年人", "8000余人次", "人次"),
            "老年人 8000余人次"
        );
    }
}
