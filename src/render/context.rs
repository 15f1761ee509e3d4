//! Template context shared by every page, and the views of cases that listings show.

use crate::config::Config;
use crate::error::{Error, Result};
use crate::i18n::Strings;
use crate::model::{Case, Site, TaxonomyKind};
use serde::Serialize;
use tera::Context;

/// `../` once per folder level of `url`, so links work under any sub-path and from disk.
pub fn root_prefix(url: &str) -> String {
    let depth = url.trim_end_matches(|c| c != '/').matches('/').count();
    "../".repeat(depth)
}

/// The file a page address is written to.
pub fn file_for(url: &str) -> String {
    if url.is_empty() || url.ends_with('/') {
        format!("{url}index.html")
    } else {
        url.to_string()
    }
}

pub fn absolute(config: &Config, url: &str) -> String {
    if config.base_url.is_empty() {
        String::new()
    } else {
        format!("{}{}", config.base_url, url)
    }
}

#[derive(Serialize)]
struct NavItem {
    url: &'static str,
    label: &'static str,
}

pub fn base(site: &Site, strings: &Strings) -> Context {
    let mut ctx = Context::new();
    ctx.insert("site", &site.config);
    ctx.insert("lang", strings.lang);
    ctx.insert("base_path", &site.config.base_path());
    ctx.insert("t", strings.map());
    let mut nav: Vec<NavItem> = [
        ("cases/", "all_cases"),
        ("regions/", "regions"),
        ("domains/", "domains"),
        ("stats/", "stats"),
        ("search/", "search"),
    ]
    .iter()
    .map(|(url, key)| NavItem {
        url,
        label: strings.get(key),
    })
    .collect();
    if !site.collections.is_empty() {
        let at = nav
            .iter()
            .position(|n| n.url == "stats/")
            .unwrap_or(nav.len());
        nav.insert(
            at,
            NavItem {
                url: "collections/",
                label: strings.get("collections"),
            },
        );
    }
    ctx.insert("nav", &nav);
    ctx.insert(
        "about_url",
        &site
            .pages
            .iter()
            .find(|p| p.meta.slug == "about")
            .map(|p| p.url.clone()),
    );
    ctx.insert(
        "taxonomy_keys",
        &TaxonomyKind::ALL
            .iter()
            .map(|k| k.key())
            .collect::<Vec<_>>(),
    );
    ctx
}

/// A case as listings show it.
#[derive(Serialize)]
pub struct CaseCard<'a> {
    pub url: &'a str,
    pub title: &'a str,
    pub author: Option<&'a str>,
    pub summary: &'a str,
    pub date: String,
    pub region: &'a [String],
    pub organization: Option<&'a str>,
    pub domains: &'a [String],
    /// The domains as links to their pages (the card's chips).
    pub domain_links: Vec<Crumb>,
    pub featured: bool,
    pub cover: Option<&'a crate::model::Figure>,
}

impl<'a> CaseCard<'a> {
    pub fn of(site: &Site, case: &'a Case) -> Self {
        let m = &case.meta;
        CaseCard {
            url: &case.url,
            title: &m.title,
            author: m.author.as_deref(),
            summary: m.summary.as_deref().unwrap_or(""),
            date: m.date.format("%Y-%m-%d").to_string(),
            region: &m.region,
            organization: m.organization.as_deref(),
            domains: &m.domains,
            domain_links: m
                .domains
                .iter()
                .filter_map(|d| {
                    let url =
                        term_url(site, TaxonomyKind::Domains, std::slice::from_ref(d)).ok()?;
                    Some(Crumb {
                        name: d.clone(),
                        url: url.to_string(),
                    })
                })
                .collect(),
            featured: m.featured,
            cover: case.cover.as_ref(),
        }
    }
}

/// `share_image` (absolute, for `og:image` and `twitter:image`) and its size, when the
/// site has a `base_url`: sharing needs a full address. The JPEG/PNG about 1600 wide.
pub fn insert_share_image(ctx: &mut Context, config: &Config, f: &crate::model::Figure) {
    if config.base_url.is_empty() {
        return;
    }
    let v = f.photo.largest();
    ctx.insert("share_image", &absolute(config, &v.fallback));
    ctx.insert("share_image_width", &v.width);
    ctx.insert("share_image_height", &v.height);
    ctx.insert("share_image_alt", &f.alt);
}

/// Links to the term pages of a region path: each level a breadcrumb.
#[derive(Serialize)]
pub struct Crumb {
    pub name: String,
    pub url: String,
}

/// The breadcrumbs of the region `region` of a case: each level a link to its page.
pub fn region_crumbs(site: &Site, region: &[String]) -> Result<Vec<Crumb>> {
    (1..=region.len())
        .map(|n| {
            Ok(Crumb {
                name: region[n - 1].clone(),
                url: term_url(site, TaxonomyKind::Regions, &region[..n])?.to_string(),
            })
        })
        .collect()
}

/// The address of the term `path` of `kind`, as the model made it (never recomputed
/// here, so a link always leads where the page was written).
pub fn term_url<'s>(site: &'s Site, kind: TaxonomyKind, path: &[String]) -> Result<&'s str> {
    site.taxonomy(kind).url_of(path).ok_or_else(|| {
        Error::Other(format!(
            "the {} \"{}\" has no page in the site's model (a casebook bug: please report it)",
            kind.key(),
            path.join(" / ")
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_prefix_counts_folders() {
        assert_eq!(root_prefix(""), "");
        assert_eq!(root_prefix("cases/x/"), "../../");
        assert_eq!(
            root_prefix("regions/四川省/乐山市/page/2/"),
            "../../../../../"
        );
        assert_eq!(root_prefix("404.html"), "");
        assert_eq!(root_prefix("data/x.json"), "../");
    }

    #[test]
    fn file_for_pages_and_files() {
        assert_eq!(file_for(""), "index.html");
        assert_eq!(file_for("cases/x/"), "cases/x/index.html");
        assert_eq!(file_for("404.html"), "404.html");
    }
}
