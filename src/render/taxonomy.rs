//! Taxonomy pages: one index per taxonomy (`regions/`, `domains/` …) and one paginated
//! page per term, with the term's own totals. A region page also lists its sub-regions.

use super::context::{region_crumbs, CaseCard, Crumb};
use super::pages::paginate;
use super::{Output, Renderer};
use crate::error::Result;
use crate::model::{Site, Taxonomy, TaxonomyKind, Term};
use rayon::prelude::*;
use serde::Serialize;

pub fn render(r: &Renderer<'_>, out: &dyn Output) -> Result<()> {
    for tax in &r.site.taxonomies {
        index(r, out, tax)?;
        tax.terms
            .par_iter()
            .try_for_each(|term| term_pages(r, out, tax, term))?;
    }
    Ok(())
}

/// The pages [`render`] writes, as site-relative addresses.
pub fn urls(site: &Site) -> Vec<String> {
    let mut urls = Vec::new();
    for tax in &site.taxonomies {
        urls.push(format!("{}/", tax.kind.key()));
        for term in &tax.terms {
            let pages = paginate(&term.url, &term.cases, site.config.paginate);
            urls.extend(pages.into_iter().map(|(url, _, _)| url));
        }
    }
    urls
}

#[derive(Serialize)]
pub struct TermView<'a> {
    pub name: &'a str,
    pub url: &'a str,
    pub count: usize,
    pub children: Vec<TermView<'a>>,
}

fn view<'a>(tax: &'a Taxonomy, i: usize, depth: usize) -> TermView<'a> {
    let t = &tax.terms[i];
    TermView {
        name: &t.name,
        url: &t.url,
        count: t.cases.len(),
        children: if depth == 0 {
            Vec::new()
        } else {
            t.children
                .iter()
                .map(|&c| view(tax, c, depth - 1))
                .collect()
        },
    }
}

fn index(r: &Renderer<'_>, out: &dyn Output, tax: &Taxonomy) -> Result<()> {
    let url = format!("{}/", tax.kind.key());
    let label = r.strings.get(tax.kind.key());
    let mut ctx = r.context(&url, label);
    let names: Vec<&str> = tax
        .roots
        .iter()
        .take(12)
        .map(|&i| tax.terms[i].name.as_str())
        .collect();
    ctx.insert(
        "description",
        &r.strings.fill(
            "label_text",
            &[
                label,
                &names.join(if r.strings.lang == "en" { ", " } else { "、" }),
            ],
        ),
    );
    let depth = if tax.kind == TaxonomyKind::Regions {
        3
    } else {
        0
    };
    let terms: Vec<TermView> = tax.roots.iter().map(|&i| view(tax, i, depth)).collect();
    ctx.insert("taxonomy", tax.kind.key());
    ctx.insert("label", label);
    ctx.insert("terms", &terms);
    r.emit(out, "taxonomy.html", &url, &ctx)
}

fn term_pages(r: &Renderer<'_>, out: &dyn Output, tax: &Taxonomy, term: &Term) -> Result<()> {
    let label = r.strings.get(tax.kind.key());
    let children: Vec<TermView> = term.children.iter().map(|&c| view(tax, c, 0)).collect();
    let crumbs: Vec<Crumb> = if tax.kind == TaxonomyKind::Regions {
        region_crumbs(r.site, &term.path)?
    } else {
        Vec::new()
    };
    for (url, chunk, pager) in paginate(&term.url, &term.cases, r.site.config.paginate) {
        let mut ctx = r.context(&url, &format!("{} · {label}", term.name));
        ctx.insert(
            "description",
            &r.strings.fill(
                "term_description",
                &[label, &term.name, &term.cases.len().to_string()],
            ),
        );
        ctx.insert("taxonomy", tax.kind.key());
        ctx.insert("taxonomy_url", &format!("{}/", tax.kind.key()));
        ctx.insert("label", label);
        ctx.insert(
            "term",
            &TermView {
                name: &term.name,
                url: &term.url,
                count: term.cases.len(),
                children: Vec::new(),
            },
        );
        ctx.insert("crumbs", &crumbs);
        ctx.insert("children", &children);
        ctx.insert("totals", &term.totals);
        let cards: Vec<CaseCard> = chunk
            .iter()
            .map(|&i| CaseCard::of(r.site, &r.site.cases[i]))
            .collect();
        ctx.insert("cases", &cards);
        ctx.insert("pager", &pager);
        r.emit(out, "term.html", &url, &ctx)?;
    }
    Ok(())
}
