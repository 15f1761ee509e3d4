//! Feeds and discovery: `atom.xml` (the newest cases with their summaries and full
//! text), `sitemap.xml` (every page of the site, listed from the model) and `robots.txt`.
//!
//! Absolute addresses come from `base_url`, percent-encoded ([`encode_path`]) so Chinese
//! term names make valid URLs. Without a `base_url` the build cannot know where the site
//! will live, so:
//! - `atom.xml` is still written and valid: its links are relative to the feed itself
//!   and its ids are stable `urn:uuid:` names derived from the site title and case slug;
//! - `sitemap.xml` is not written (the sitemap protocol requires absolute URLs);
//! - `robots.txt` is written without its `Sitemap:` line.
//!
//! The feed and sitemap are Tera templates (`atom.xml`, `sitemap.xml`) that a site may
//! override; Tera escapes everything inserted into `.xml` templates.

use super::context::absolute;
use super::{Output, Renderer};
use crate::error::Result;
use crate::model::Case;
use serde::Serialize;
use std::collections::HashMap;
use tera::Context;

pub const ATOM: &str = "atom.xml";
pub const SITEMAP: &str = "sitemap.xml";
pub const ROBOTS: &str = "robots.txt";
/// How many of the newest cases the feed carries.
pub const FEED_ENTRIES: usize = 20;

/// Every page of the site the sitemap lists, from the model: what each renderer writes
/// (not `404.html`, not the print editions, which repeat the cases and are `noindex`),
/// and HTML files among the static files and files beside the content, sorted.
pub fn site_pages(r: &Renderer<'_>) -> Vec<String> {
    let site = r.site;
    let mut pages = super::pages::urls(site);
    pages.extend(super::taxonomy::urls(site));
    pages.extend(super::collections::urls(site));
    pages.push(super::stats::URL.to_string());
    pages.push("search/".to_string()); // written by render/search.rs
    let copied = r
        .theme
        .assets
        .keys()
        .cloned()
        .chain(site.static_files.iter().cloned())
        .chain(
            site.content_files
                .iter()
                .map(|rel| format!("{}{rel}", crate::model::links::CONTENT_FILES)),
        );
    pages.extend(copied.filter(|p| p.ends_with(".html")).map(|p| {
        p.strip_suffix("index.html")
            .map(str::to_string)
            .unwrap_or(p)
    }));
    pages.sort();
    pages.dedup();
    pages
}

/// Percent-encodes a site-relative path for use in a URL; `/` and ASCII letters,
/// digits and URL punctuation stay as they are.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The absolute URL of a site path, or without `base_url` the encoded path relative to
/// the site root (where the feed is), `./` for the root itself.
fn link(r: &Renderer<'_>, path: &str) -> String {
    let encoded = encode_path(path);
    let abs = absolute(&r.site.config, &encoded);
    match (abs.is_empty(), encoded.is_empty()) {
        (false, _) => abs,
        (true, true) => "./".to_string(),
        (true, false) => encoded,
    }
}

/// A stable `urn:uuid:` (RFC 9562 version 8, built from two FNV-1a hashes) for
/// identifying feeds and entries when there is no `base_url`.
pub fn urn_uuid(name: &str) -> String {
    let hash = |seed: u64| {
        name.bytes().fold(seed, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    };
    let hi = hash(0xcbf2_9ce4_8422_2325);
    let lo = hash(0x6c62_272e_07bb_0142);
    let hi = (hi & !0xF000) | 0x8000; // version 8
    let lo = (lo & !(0b11 << 62)) | (0b10 << 62); // RFC variant
    format!(
        "urn:uuid:{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xFFFF,
        hi & 0xFFFF,
        lo >> 48,
        lo & 0xFFFF_FFFF_FFFF
    )
}

fn timestamp(date: chrono::NaiveDate) -> String {
    format!("{}T00:00:00Z", date.format("%Y-%m-%d"))
}

#[derive(Serialize)]
struct Entry<'a> {
    id: String,
    title: &'a str,
    link: String,
    updated: String,
    author: Option<&'a str>,
    summary: Option<&'a str>,
    /// The case body as HTML; its relative links resolve against `base`.
    content: &'a str,
    base: String,
    categories: Vec<&'a str>,
}

#[derive(Serialize)]
struct UrlEntry {
    loc: String,
    lastmod: Option<String>,
}

pub fn render(r: &Renderer<'_>, out: &dyn Output) -> Result<()> {
    atom(r, out)?;
    let has_base = !r.site.config.base_url.is_empty();
    if has_base {
        sitemap(r, out, &site_pages(r))?;
    }
    let mut robots = String::from("User-agent: *\nAllow: /\n");
    if has_base {
        robots.push_str(&format!("\nSitemap: {}\n", link(r, SITEMAP)));
    }
    out.write(ROBOTS, robots.as_bytes())
}

fn entry_id(r: &Renderer<'_>, case: &Case) -> String {
    if r.site.config.base_url.is_empty() {
        urn_uuid(&format!("{}\n{}", r.site.config.title, case.meta.slug))
    } else {
        link(r, &case.url)
    }
}

fn atom(r: &Renderer<'_>, out: &dyn Output) -> Result<()> {
    let site = r.site;
    let config = &site.config;
    let cases: Vec<&Case> = site
        .cases
        .iter()
        .filter(|c| !c.meta.draft)
        .take(FEED_ENTRIES)
        .collect();
    let entries: Vec<Entry> = cases
        .iter()
        .map(|case| {
            let m = &case.meta;
            Entry {
                id: entry_id(r, case),
                title: &m.title,
                link: link(r, &case.url),
                updated: timestamp(m.date),
                author: m.organization.as_deref(),
                summary: m.summary.as_deref(),
                content: &case.html,
                base: link(r, &case.url),
                categories: m.domains.iter().map(String::as_str).collect(),
            }
        })
        .collect();
    let updated = cases
        .iter()
        .map(|c| c.meta.date)
        .max()
        .map(timestamp)
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string());
    let mut ctx = Context::new();
    ctx.insert("site", config);
    ctx.insert("lang", r.strings.lang);
    ctx.insert(
        "feed_id",
        &if config.base_url.is_empty() {
            urn_uuid(&config.title)
        } else {
            link(r, ATOM)
        },
    );
    ctx.insert("self_url", &link(r, ATOM));
    ctx.insert("home_url", &link(r, ""));
    ctx.insert("updated", &updated);
    ctx.insert(
        "author",
        if config.author.is_empty() {
            &config.title
        } else {
            &config.author
        },
    );
    ctx.insert("entries", &entries);
    let xml = r.render(ATOM, &ctx)?;
    out.write(ATOM, xml.as_bytes())
}

fn sitemap(r: &Renderer<'_>, out: &dyn Output, pages: &[String]) -> Result<()> {
    let dates: HashMap<&str, String> = r
        .site
        .cases
        .iter()
        .map(|c| (c.url.as_str(), c.meta.date.format("%Y-%m-%d").to_string()))
        .collect();
    let urls: Vec<UrlEntry> = pages
        .iter()
        .filter(|p| p.as_str() != "404.html")
        .map(|p| UrlEntry {
            loc: link(r, p),
            lastmod: dates.get(p.as_str()).cloned(),
        })
        .collect();
    let parts = split_sitemap(urls, SITEMAP_LIMIT);
    if parts.len() == 1 {
        let mut ctx = Context::new();
        ctx.insert("urls", &parts[0].1);
        let xml = r.render(SITEMAP, &ctx)?;
        return out.write(SITEMAP, xml.as_bytes());
    }
    // Past the protocol's 50,000 URLs per file: numbered sitemaps and an index of them.
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (name, urls) in &parts {
        let mut ctx = Context::new();
        ctx.insert("urls", urls);
        let xml = r.render(SITEMAP, &ctx)?;
        out.write(name, xml.as_bytes())?;
        let loc = crate::theme::escape_html(&link(r, name));
        index.push_str(&format!("  <sitemap><loc>{loc}</loc></sitemap>\n"));
    }
    index.push_str("</sitemapindex>\n");
    out.write(SITEMAP, index.as_bytes())
}

/// The sitemap protocol allows 50,000 URLs per file.
const SITEMAP_LIMIT: usize = 50_000;

/// One `sitemap.xml` when the URLs fit, else `sitemap-1.xml`, `sitemap-2.xml` …
fn split_sitemap(urls: Vec<UrlEntry>, limit: usize) -> Vec<(String, Vec<UrlEntry>)> {
    if urls.len() <= limit {
        return vec![(SITEMAP.to_string(), urls)];
    }
    let mut parts = Vec::new();
    let mut rest = urls;
    while !rest.is_empty() {
        let tail = rest.split_off(limit.min(rest.len()));
        parts.push((format!("sitemap-{}.xml", parts.len() + 1), rest));
        rest = tail;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_sitemaps_are_split_into_numbered_files() {
        let urls = |n: usize| {
            (0..n)
                .map(|i| UrlEntry {
                    loc: format!("https://x.org/{i}/"),
                    lastmod: None,
                })
                .collect::<Vec<_>>()
        };
        let one = split_sitemap(urls(3), 3);
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].0, "sitemap.xml");
        let parts = split_sitemap(urls(7), 3);
        let names: Vec<_> = parts.iter().map(|(n, u)| (n.as_str(), u.len())).collect();
        assert_eq!(
            names,
            vec![
                ("sitemap-1.xml", 3),
                ("sitemap-2.xml", 3),
                ("sitemap-3.xml", 1)
            ]
        );
        assert_eq!(parts[2].1[0].loc, "https://x.org/6/");
    }

    #[test]
    fn paths_are_percent_encoded() {
        assert_eq!(encode_path("cases/x-1/"), "cases/x-1/");
        assert_eq!(
            encode_path("regions/四川省/"),
            "regions/%E5%9B%9B%E5%B7%9D%E7%9C%81/"
        );
        assert_eq!(encode_path("a b\"<"), "a%20b%22%3C");
    }

    #[test]
    fn uuids_are_stable_and_well_formed() {
        let a = urn_uuid("汇编\nslug");
        assert_eq!(a, urn_uuid("汇编\nslug"));
        assert_ne!(a, urn_uuid("汇编\nother"));
        let hex = a.trim_start_matches("urn:uuid:");
        let parts: Vec<&str> = hex.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('8'), "version 8: {a}");
        assert!("89ab".contains(&parts[3][..1]), "RFC variant: {a}");
    }
}
