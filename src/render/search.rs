//! Search output: maps the site's cases to [`SearchDoc`]s, writes the index files that
//! [`crate::search::index::write_with`] produces, and the search page `search/index.html` that
//! runs the browser client (`search.js`, a theme asset).

use super::{Output, Renderer};
use crate::error::Result;
use crate::model::Case;
use crate::search::{codec, index, SearchDoc, Thumb};
use rayon::prelude::*;
use serde_json::json;

/// The search text and facets of one case.
pub fn search_doc(case: &Case) -> SearchDoc {
    let m = &case.meta;
    let groups: Vec<String> = dedup(m.beneficiaries.iter().map(|b| b.group.clone()));
    let funders: Vec<String> = dedup(m.funding.iter().map(|f| f.source.clone()));
    let mut meta: Vec<&str> = Vec::new();
    let (groups_text, funders_text) = (groups.join("\n"), funders.join("\n"));
    meta.extend(m.organization.as_deref());
    meta.extend(m.brand.as_deref());
    meta.extend(m.region.iter().map(String::as_str));
    meta.extend(m.domains.iter().map(String::as_str));
    meta.extend(m.tags.iter().map(String::as_str));
    meta.extend(
        [groups_text.as_str(), funders_text.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty()),
    );
    let mut facets = vec![
        ("domain".to_string(), m.domains.clone()),
        ("region".to_string(), m.region.clone()),
        ("group".to_string(), groups),
        ("funder".to_string(), funders),
        (
            "organization".to_string(),
            m.organization.iter().cloned().collect(),
        ),
        ("year".to_string(), vec![m.date.format("%Y").to_string()]),
    ];
    facets.retain(|(_, v)| !v.is_empty());
    SearchDoc {
        url: case.url.clone(),
        title: m.title.clone(),
        summary: m.summary.clone().unwrap_or_default(),
        body: case.text.clone(),
        // One line per item: items never run together into a false phrase.
        meta: meta.join("\n"),
        date: m.date.format("%Y-%m-%d").to_string(),
        region: m.region.clone(),
        facets,
        thumb: case
            .cover
            .as_ref()
            .and_then(|f| f.photo.variants.first())
            .map(|v| Thumb {
                webp: v.webp.clone(),
                fallback: v.fallback.clone(),
            }),
    }
}

fn dedup(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for i in items {
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

/// UI strings and labels the client needs, as JSON for the page.
fn client_config(r: &Renderer<'_>) -> String {
    let s = |k: &str| r.strings.get(k).to_string();
    let v = json!({
        "labels": {
            "domain": s("domain"),
            "region": s("region"),
            "group": s("group"),
            "funder": s("funding"),
            "organization": s("organization"),
            "year": s("year"),
        },
        "t": {
            "count": s("search_count"),
            "none": s("search_none"),
            "prompt": s("search_prompt"),
            "loading": s("search_loading"),
            "more": s("search_more_results"),
            "more_values": s("search_more_values"),
            "clear": s("search_clear"),
            "error": s("search_error"),
            "old_browser": s("search_old_browser"),
        },
    });
    codec::json_for_js(&v)
}

/// Writes the index files and the search page.
pub fn render(r: &Renderer<'_>, out: &dyn Output) -> Result<()> {
    let docs: Vec<SearchDoc> = r.site.cases.par_iter().map(search_doc).collect();
    index::write_with(&docs, &index::Layout::default(), &|f| {
        out.write(&f.path, &f.bytes)
    })?;
    let url = "search/";
    let mut ctx = r.context(url, r.strings.get("search"));
    ctx.insert("search_config", &client_config(r));
    r.emit(out, "search.html", url, &ctx)
}
