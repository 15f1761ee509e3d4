//! Collection pages: `collections/` lists every collection, `collections/<slug>/` shows
//! one: its foreword and its cases, grouped as its front matter asks, with a link to
//! its print edition.

use super::context::CaseCard;
use super::{Output, Renderer};
use crate::error::Result;
use crate::model::{collections, Collection, GroupBy, Site};
use serde::Serialize;

pub fn render(r: &Renderer<'_>, out: &dyn Output) -> Result<()> {
    index(r, out)?;
    for c in &r.site.collections {
        page(r, out, c)?;
    }
    Ok(())
}

/// The pages [`render`] writes, as site-relative addresses.
pub fn urls(site: &Site) -> Vec<String> {
    let mut urls = vec![INDEX_URL.to_string()];
    urls.extend(site.collections.iter().map(|c| c.url.clone()));
    urls
}

const INDEX_URL: &str = "collections/";

#[derive(Serialize)]
struct CollectionView<'a> {
    url: &'a str,
    print_url: String,
    title: &'a str,
    subtitle: Option<&'a str>,
    date: String,
    editor: Option<&'a str>,
    issue: Option<String>,
    count: usize,
}

impl<'a> CollectionView<'a> {
    fn of(r: &Renderer<'_>, c: &'a Collection) -> Self {
        let m = &c.meta;
        CollectionView {
            url: &c.url,
            print_url: c.print_url(),
            title: &m.title,
            subtitle: m.subtitle.as_deref(),
            date: m.date.format("%Y-%m-%d").to_string(),
            editor: m.editor.as_deref(),
            issue: super::print::issue_label(r, m.issue, m.subtitle.as_deref()),
            count: c.cases.len(),
        }
    }
}

#[derive(Serialize)]
struct GroupView<'a> {
    name: Option<String>,
    cases: Vec<CaseCard<'a>>,
}

fn index(r: &Renderer<'_>, out: &dyn Output) -> Result<()> {
    let url = INDEX_URL;
    let mut ctx = r.context(url, r.strings.get("collections"));
    let views: Vec<CollectionView> = r
        .site
        .collections
        .iter()
        .map(|c| CollectionView::of(r, c))
        .collect();
    ctx.insert("collections", &views);
    ctx.insert("compendium_print_url", super::print::COMPENDIUM_URL);
    r.emit(out, "collections.html", url, &ctx)
}

fn page(r: &Renderer<'_>, out: &dyn Output, c: &Collection) -> Result<()> {
    let site = r.site;
    let mut ctx = r.context(&c.url, &c.meta.title);
    if let Some(s) = &c.meta.subtitle {
        ctx.insert("description", s);
    }
    let missing = match c.meta.group_by {
        GroupBy::Region => "no_region",
        _ => "other_cases",
    };
    let groups: Vec<GroupView> = collections::group(&site.cases, &c.cases, c.meta.group_by)
        .into_iter()
        .map(|g| GroupView {
            name: g.name.or_else(|| {
                (c.meta.group_by != GroupBy::None).then(|| r.strings.get(missing).to_string())
            }),
            cases: g
                .cases
                .iter()
                .map(|&i| CaseCard::of(site, &site.cases[i]))
                .collect(),
        })
        .collect();
    ctx.insert("collection", &CollectionView::of(r, c));
    ctx.insert("foreword", &c.html);
    ctx.insert("cover", &c.cover);
    ctx.insert("groups", &groups);
    r.emit(out, "collection.html", &c.url, &ctx)
}
