//! Pages: the front page, every case page, the list of all cases, standalone pages
//! and the 404 page.

use super::context::{region_crumbs, term_url, CaseCard, Crumb};
use super::{Output, Renderer};
use crate::error::Result;
use crate::model::{Case, Page, Site, TaxonomyKind};
use crate::quantity;
use rayon::prelude::*;
use serde::Serialize;

pub fn render(r: &Renderer<'_>, out: &dyn Output) -> Result<()> {
    home(r, out)?;
    r.site
        .cases
        .par_iter()
        .enumerate()
        .try_for_each(|(i, case)| case_page(r, out, i, case))?;
    all_cases(r, out)?;
    for page in &r.site.pages {
        standalone(r, out, page)?;
    }
    let ctx = r.context("404.html", r.strings.get("not_found_title"));
    r.emit(out, "404.html", "404.html", &ctx)
}

/// The pages [`render`] writes (but `404.html`), as site-relative addresses.
pub fn urls(site: &Site) -> Vec<String> {
    let mut urls = vec![String::new()];
    urls.extend(site.cases.iter().map(|c| c.url.clone()));
    let all: Vec<usize> = (0..site.cases.len()).collect();
    urls.extend(
        paginate("cases/", &all, site.config.paginate)
            .into_iter()
            .map(|(url, _, _)| url),
    );
    urls.extend(site.pages.iter().map(|p| p.url.clone()));
    urls
}

#[derive(Serialize)]
struct WayIn {
    key: &'static str,
    label: &'static str,
    url: String,
    terms: Vec<Crumb>,
    count: usize,
}

/// Terms shown per way in on the front page; more get a link to the whole list.
const WAY_TERMS: usize = 12;

/// Every top-level term when there are few (all the provinces of a compendium), else the
/// [`WAY_TERMS`] with the most cases, in the taxonomy's order; the page links to the rest.
fn way_terms(tax: &crate::model::Taxonomy) -> Vec<usize> {
    let mut top = tax.roots.clone();
    if top.len() > WAY_TERMS {
        top.sort_by_key(|&i| std::cmp::Reverse(tax.terms[i].cases.len()));
        top.truncate(WAY_TERMS);
        top.sort_unstable();
    }
    top
}

fn home(r: &Renderer<'_>, out: &dyn Output) -> Result<()> {
    let site = r.site;
    let mut ctx = r.context("", &site.config.title);
    ctx.insert("intro", &site.home.as_ref().map(|h| h.html.as_str()));
    ctx.insert("cover", &site.home.as_ref().and_then(|h| h.cover.as_ref()));
    let featured: Vec<CaseCard> = site
        .cases
        .iter()
        .filter(|c| c.meta.featured)
        .take(6)
        .map(|c| CaseCard::of(site, c))
        .collect();
    let latest: Vec<CaseCard> = site
        .cases
        .iter()
        .take(site.config.paginate.min(10))
        .map(|c| CaseCard::of(site, c))
        .collect();
    ctx.insert("featured", &featured);
    ctx.insert("latest", &latest);
    let ways: Vec<WayIn> = [
        TaxonomyKind::Regions,
        TaxonomyKind::Domains,
        TaxonomyKind::Beneficiaries,
        TaxonomyKind::Funding,
    ]
    .iter()
    .map(|&k| {
        let tax = site.taxonomy(k);
        WayIn {
            key: k.key(),
            label: r.strings.get(k.key()),
            url: format!("{}/", k.key()),
            terms: way_terms(tax)
                .into_iter()
                .map(|i| Crumb {
                    name: tax.terms[i].name.clone(),
                    url: tax.terms[i].url.clone(),
                })
                .collect(),
            count: tax.roots.len(),
        }
    })
    .collect();
    ctx.insert("ways", &ways);
    ctx.insert("totals", &site.totals);
    ctx.insert("case_total", &site.cases.len());
    r.emit(out, "index.html", "", &ctx)
}

#[derive(Serialize)]
struct Link {
    name: String,
    url: String,
}

#[derive(Serialize)]
struct OrgView<'a> {
    name: &'a str,
    url: String,
    website: Option<&'a str>,
    founded: Option<&'a str>,
    description: Option<&'a str>,
}

#[derive(Serialize)]
struct BeneficiaryRow<'a> {
    group: &'a str,
    url: String,
    text: &'a str,
    value: f64,
    approx: bool,
    unit: &'a str,
}

#[derive(Serialize)]
struct FundingRow<'a> {
    source: &'a str,
    url: String,
    text: &'a str,
    yuan: f64,
    display: String,
    approx: bool,
    year: Option<i32>,
}

fn links(site: &Site, kind: TaxonomyKind, names: &[String]) -> Result<Vec<Link>> {
    names.iter().map(|n| link(site, kind, n)).collect()
}

/// A link to the page of the term `name` (not a region) of `kind`.
fn link(site: &Site, kind: TaxonomyKind, name: &str) -> Result<Link> {
    Ok(Link {
        name: name.to_string(),
        url: url_of(site, kind, name)?,
    })
}

fn url_of(site: &Site, kind: TaxonomyKind, name: &str) -> Result<String> {
    term_url(site, kind, &[name.to_string()]).map(str::to_string)
}

/// The page of `case`, the `i`-th of the site (its neighbours are the site's cases
/// `i - 1` and `i + 1`). `serve` calls it alone to show an edit before the full rebuild.
pub fn case_page(r: &Renderer<'_>, out: &dyn Output, i: usize, case: &Case) -> Result<()> {
    let site = r.site;
    let m = &case.meta;
    let mut ctx = r.context(&case.url, &m.title);
    if let Some(s) = m.summary.clone().or_else(|| Renderer::excerpt(&case.text)) {
        ctx.insert("description", &s);
    }
    ctx.insert("case", &CaseCard::of(site, case));
    ctx.insert("body", &case.html);
    ctx.insert("cover", &case.cover);
    ctx.insert("gallery", &case.gallery);
    if let Some(c) = case.cover.as_ref().or(case.gallery.first()) {
        super::context::insert_share_image(&mut ctx, &site.config, c);
    }
    ctx.insert("headings", &case.headings);
    ctx.insert("crumbs", &region_crumbs(site, &m.region)?);
    let organization = match m.organization.as_deref() {
        Some(name) => {
            let details = site.organizations.get(name);
            Some(OrgView {
                name,
                url: url_of(site, TaxonomyKind::Organizations, name)?,
                website: details.and_then(|d| d.website.as_deref()),
                founded: details.and_then(|d| d.founded.as_deref()),
                description: details.and_then(|d| d.description.as_deref()),
            })
        }
        None => None,
    };
    ctx.insert("organization", &organization);
    let brand = match m.brand.as_deref() {
        Some(b) => Some(link(site, TaxonomyKind::Brands, b)?),
        None => None,
    };
    ctx.insert("brand", &brand);
    ctx.insert("domains", &links(site, TaxonomyKind::Domains, &m.domains)?);
    ctx.insert("tags", &links(site, TaxonomyKind::Tags, &m.tags)?);
    let year = m.date.format("%Y").to_string();
    ctx.insert("year", &link(site, TaxonomyKind::Years, &year)?);
    let beneficiaries = m
        .beneficiaries
        .iter()
        .map(|b| {
            Ok(BeneficiaryRow {
                group: &b.group,
                url: url_of(site, TaxonomyKind::Beneficiaries, &b.group)?,
                text: &b.count.text,
                value: b.count.value,
                approx: b.count.approx(),
                unit: &b.unit,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    ctx.insert("beneficiaries", &beneficiaries);
    let funding = m
        .funding
        .iter()
        .map(|f| {
            Ok(FundingRow {
                source: &f.source,
                url: url_of(site, TaxonomyKind::Funding, &f.source)?,
                text: &f.amount.text,
                yuan: f.amount.yuan,
                display: quantity::format_yuan(
                    f.amount.yuan,
                    f.amount.approx(),
                    &site.config.language,
                ),
                approx: f.amount.approx(),
                year: f.year,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    ctx.insert("funding", &funding);
    let related: Vec<CaseCard> = case
        .related
        .iter()
        .map(|&j| CaseCard::of(site, &site.cases[j]))
        .collect();
    ctx.insert("related", &related);
    // Site order is newest first: "previous" is the older neighbour.
    ctx.insert("previous", &site.cases.get(i + 1).map(|c| CaseCard::of(site, c)));
    ctx.insert(
        "next",
        &i.checked_sub(1)
            .and_then(|j| site.cases.get(j))
            .map(|c| CaseCard::of(site, c)),
    );
    r.emit(out, "case.html", &case.url, &ctx)
}

/// One page of a paginated listing.
#[derive(Serialize)]
pub struct Pager {
    pub number: usize,
    pub total: usize,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
    pub first_url: String,
    /// The page numbers the pager links to, in order: the first and last pages and one on
    /// each side of this one; `None` stands for the pages left out between two of them.
    pub window: Vec<Option<usize>>,
}

/// Pages on each side of the current one that the pager links to.
const PAGER_REACH: usize = 1;

/// The pager's window for page `n` of `total`: 1, n-1..=n+1 and `total`, with `None` where
/// more than one page is left out (a single left-out page is shown instead of a gap).
fn pager_window(n: usize, total: usize) -> Vec<Option<usize>> {
    let lo = n.saturating_sub(PAGER_REACH).max(1);
    let hi = (n + PAGER_REACH).min(total);
    let mut shown: Vec<usize> = vec![1];
    shown.extend(lo..=hi);
    shown.push(total);
    shown.sort_unstable();
    shown.dedup();
    let mut out = Vec::with_capacity(shown.len() + 2);
    let mut last = 0;
    for k in shown {
        match k - last {
            1 => {}
            2 => out.push(Some(k - 1)),
            _ => out.push(None),
        }
        out.push(Some(k));
        last = k;
    }
    out
}

/// Splits `items` into pages: page 1 at `base`, page n at `base` + `page/n/`.
pub fn paginate<'a, T>(
    base: &str,
    items: &'a [T],
    per_page: usize,
) -> Vec<(String, &'a [T], Pager)> {
    let per_page = per_page.max(1);
    let chunks: Vec<&[T]> = if items.is_empty() {
        vec![&items[..0]]
    } else {
        items.chunks(per_page).collect()
    };
    let total = chunks.len();
    let url = |n: usize| {
        if n == 1 {
            base.to_string()
        } else {
            format!("{base}page/{n}/")
        }
    };
    chunks
        .into_iter()
        .enumerate()
        .map(|(i, chunk)| {
            let n = i + 1;
            let pager = Pager {
                number: n,
                total,
                prev_url: (n > 1).then(|| url(n - 1)),
                next_url: (n < total).then(|| url(n + 1)),
                first_url: base.to_string(),
                window: pager_window(n, total),
            };
            (url(n), chunk, pager)
        })
        .collect()
}

fn all_cases(r: &Renderer<'_>, out: &dyn Output) -> Result<()> {
    let all: Vec<usize> = (0..r.site.cases.len()).collect();
    paginate("cases/", &all, r.site.config.paginate)
        .into_par_iter()
        .try_for_each(|(url, chunk, pager)| {
            let mut ctx = r.context(&url, r.strings.get("all_cases"));
            let count = r
                .strings
                .fill("case_count", &[&r.site.cases.len().to_string()]);
            ctx.insert(
                "description",
                &r.strings
                    .fill("label_text", &[r.strings.get("all_cases"), &count]),
            );
            let cards: Vec<CaseCard> = chunk
                .iter()
                .map(|&i| CaseCard::of(r.site, &r.site.cases[i]))
                .collect();
            ctx.insert("cases", &cards);
            ctx.insert("pager", &pager);
            ctx.insert("case_total", &r.site.cases.len());
            r.emit(out, "cases.html", &url, &ctx)
        })
}

fn standalone(r: &Renderer<'_>, out: &dyn Output, page: &Page) -> Result<()> {
    let mut ctx = r.context(&page.url, &page.meta.title);
    if let Some(d) = page
        .meta
        .description
        .clone()
        .or_else(|| Renderer::excerpt(&page.text))
    {
        ctx.insert("description", &d);
    }
    ctx.insert("body", &page.html);
    ctx.insert("cover", &page.cover);
    if let Some(c) = &page.cover {
        super::context::insert_share_image(&mut ctx, &r.site.config, c);
    }
    r.emit(out, "page.html", &page.url, &ctx)
}

#[cfg(test)]
mod tests {
    use super::{paginate, pager_window};

    #[test]
    fn pagination_urls_and_bounds() {
        let items: Vec<u32> = (0..45).collect();
        let pages = paginate("domains/养老服务/", &items, 20);
        assert_eq!(pages.len(), 3);
        assert_eq!(pages[0].0, "domains/养老服务/");
        assert_eq!(pages[2].0, "domains/养老服务/page/3/");
        assert_eq!(pages[2].1.len(), 5);
        assert_eq!(pages[1].2.prev_url.as_deref(), Some("domains/养老服务/"));
        assert!(pages[2].2.next_url.is_none());
        assert_eq!(paginate::<u32>("x/", &[], 10).len(), 1);
    }

    #[test]
    fn the_pager_shows_the_ends_and_the_pages_near_this_one() {
        let w = |n, total| pager_window(n, total);
        assert_eq!(w(1, 1), vec![Some(1)]);
        assert_eq!(w(2, 4), (1..=4).map(Some).collect::<Vec<_>>());
        assert_eq!(w(1, 500), vec![Some(1), Some(2), None, Some(500)]);
        assert_eq!(
            w(250, 500),
            vec![Some(1), None, Some(249), Some(250), Some(251), None, Some(500)]
        );
        // One page left out is shown rather than a gap.
        assert_eq!(w(4, 7), (1..=7).map(Some).collect::<Vec<_>>());
        assert_eq!(w(500, 500), vec![Some(1), None, Some(499), Some(500)]);
    }
}
