//! The print edition: one HTML document per book, made to be printed (by a reader's
//! browser, or by `casebook pdf` through headless Chromium).
//!
//! `print/` holds the whole compendium, `collections/<slug>/print/` each collection:
//! a cover, the foreword, a table of contents grouped by domain or region, then every
//! case on a new page with its metadata table. Running headers use CSS paged media
//! (`@page` margin boxes, one named page per case so the header carries its title).
//!
//! Page numbers in the table of contents: browsers that implement `target-counter()`
//! show them from CSS alone. Chromium does not, so `casebook pdf` prints once, reads
//! where each case landed, and fills the numbers in with [`fill_page_numbers`] before
//! printing again; the number slots have a fixed width, so filling them moves nothing.

use super::relocate::Relocation;
use super::splice::{marker, Splice};
use super::{Output, Renderer};
use crate::error::Result;
use crate::model::{collections, Case, GroupBy, Site};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

/// The address of the whole compendium's print edition.
pub const COMPENDIUM_URL: &str = "print/";

/// One book to print: the compendium or a collection.
struct Book<'a> {
    url: String,
    web_url: String,
    title: &'a str,
    subtitle: Option<&'a str>,
    blurb: Option<&'a str>,
    editor: Option<&'a str>,
    date: String,
    issue: Option<u32>,
    /// (title, html, the address it was rendered for)
    foreword: Option<(String, &'a str, &'a str)>,
    cases: &'a [usize],
    group_by: GroupBy,
    /// The PDF `casebook pdf` names this book by default (`casebook.pdf`, `<slug>.pdf`):
    /// linked from the print edition when the site's `static/` holds it.
    pdf: String,
}

pub fn render(r: &Renderer<'_>, out: &dyn Output) -> Result<()> {
    let site = r.site;
    let all: Vec<usize> = (0..site.cases.len()).collect();
    let mut books = vec![compendium(r, &all)];
    books.extend(site.collections.iter().map(|c| Book {
        url: c.print_url(),
        web_url: c.url.clone(),
        title: &c.meta.title,
        subtitle: c.meta.subtitle.as_deref(),
        blurb: None,
        editor: c.meta.editor.as_deref(),
        date: c.meta.date.format("%Y-%m-%d").to_string(),
        issue: c.meta.issue,
        foreword: (!c.html.trim().is_empty()).then(|| {
            (
                r.strings.get("foreword").to_string(),
                c.html.as_str(),
                c.url.as_str(),
            )
        }),
        cases: &c.cases,
        group_by: c.meta.group_by,
        pdf: format!("{}.pdf", c.meta.slug),
    }));
    books.par_iter().try_for_each(|b| book(r, out, b))
}

fn compendium<'a>(r: &Renderer<'a>, all: &'a [usize]) -> Book<'a> {
    let site: &'a Site = r.site;
    let foreword_page = site.pages.iter().find(|p| p.meta.slug == "foreword");
    let foreword = match (foreword_page, &site.home) {
        (Some(p), _) => Some((p.meta.title.clone(), p.html.as_str(), p.url.as_str())),
        (None, Some(h)) if !h.html.trim().is_empty() => {
            Some((r.strings.get("preface").to_string(), h.html.as_str(), ""))
        }
        _ => None,
    };
    let date = foreword_page
        .and_then(|p| p.meta.date)
        .or(site.cases.first().map(|c| c.meta.date))
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    Book {
        url: COMPENDIUM_URL.to_string(),
        web_url: String::new(),
        title: &site.config.title,
        subtitle: None,
        blurb: Some(site.config.description.as_str()).filter(|d| !d.is_empty()),
        editor: Some(site.config.author.as_str()).filter(|a| !a.is_empty()),
        date,
        issue: None,
        foreword,
        cases: all,
        group_by: GroupBy::Domain,
        pdf: "casebook.pdf".to_string(),
    }
}

#[derive(Serialize)]
struct Cover<'a> {
    title: &'a str,
    subtitle: Option<&'a str>,
    blurb: Option<&'a str>,
    editor: Option<&'a str>,
    date: &'a str,
    issue: Option<String>,
    web_url: &'a str,
}

#[derive(Serialize)]
struct TocEntry<'a> {
    anchor: String,
    title: &'a str,
    note: String,
    /// The page-number slot (HTML), filled by `casebook pdf`.
    page: String,
}

#[derive(Serialize)]
struct TocGroup<'a> {
    label: String,
    entries: Vec<TocEntry<'a>>,
}

#[derive(Serialize)]
struct Row {
    label: &'static str,
    value: String,
}

#[derive(Serialize)]
struct PrintCase<'a> {
    anchor: String,
    title: &'a str,
    summary: Option<&'a str>,
    /// Set on the first case of a group: the group's heading.
    part: Option<String>,
    rows: Vec<Row>,
}

fn book(r: &Renderer<'_>, out: &dyn Output, b: &Book<'_>) -> Result<()> {
    let site = r.site;
    let english = r.strings.lang == "en";
    let groups = collections::group(&site.cases, b.cases, b.group_by);
    // Book order: group by group.
    let order: Vec<usize> = groups
        .iter()
        .flat_map(|g| g.cases.iter().copied())
        .collect();
    let anchor_of: HashMap<usize, String> = order
        .iter()
        .enumerate()
        .map(|(n, &i)| (i, format!("c{}", n + 1)))
        .collect();
    let anchors: HashMap<String, String> = order
        .iter()
        .map(|&i| (site.cases[i].url.clone(), anchor_of[&i].clone()))
        .collect();
    let labelled = groups.len() > 1 || groups.first().is_some_and(|g| g.name.is_some());
    let group_label = |n: usize, name: &Option<String>| {
        let name = name.clone().unwrap_or_else(|| {
            r.strings
                .get(match b.group_by {
                    GroupBy::Region => "no_region",
                    _ => "other_cases",
                })
                .to_string()
        });
        if english {
            format!("{}. {name}", n + 1)
        } else {
            format!("{}、{name}", cn_numeral(n + 1))
        }
    };
    let toc: Vec<TocGroup> = groups
        .iter()
        .enumerate()
        .map(|(n, g)| TocGroup {
            label: if labelled {
                group_label(n, &g.name)
            } else {
                String::new()
            },
            entries: g
                .cases
                .iter()
                .map(|&i| {
                    let c = &site.cases[i];
                    let anchor = anchor_of[&i].clone();
                    TocEntry {
                        page: page_slot(&anchor),
                        title: &c.meta.title,
                        note: toc_note(c),
                        anchor,
                    }
                })
                .collect(),
        })
        .collect();
    // (group number, place in the group, case index), in book order.
    let placed: Vec<(usize, usize, usize)> = groups
        .iter()
        .enumerate()
        .flat_map(|(n, g)| g.cases.iter().enumerate().map(move |(k, &i)| (n, k, i)))
        .collect();
    let cases: Vec<PrintCase> = placed
        .par_iter()
        .map(|&(n, k, i)| {
            let c = &site.cases[i];
            PrintCase {
                title: &c.meta.title,
                summary: c.meta.summary.as_deref(),
                part: (labelled && k == 0).then(|| group_label(n, &groups[n].name)),
                rows: rows(r, c),
                anchor: anchor_of[&i].clone(),
            }
        })
        .collect();
    // A case's body as the book shows it: links and ids moved to the book's address,
    // headings one level down.
    let body_of = |slot: usize| {
        let i = placed[slot].2;
        let c = &site.cases[i];
        let body = Relocation {
            from: &c.url,
            to: &b.url,
            id_prefix: &anchor_of[&i],
            anchors: &anchors,
            base_url: &site.config.base_url,
        }
        .apply(&c.html);
        let body = crate::photos::markup::for_print(&body);
        let body = crate::photos::markup::with_print_figures(
            &body,
            c.cover.as_ref(),
            &c.gallery,
            &super::context::root_prefix(&b.url),
        );
        demote_headings(&body)
    };
    let foreword = b.foreword.as_ref().map(|(title, html, from)| {
        let html = Relocation {
            from,
            to: &b.url,
            id_prefix: "foreword",
            anchors: &anchors,
            base_url: &site.config.base_url,
        }
        .apply(html);
        (title.clone(), demote_headings(&html))
    });
    let mut ctx = r.context(&b.url, b.title);
    ctx.insert(
        "cover",
        &Cover {
            title: b.title,
            subtitle: b.subtitle,
            blurb: b.blurb,
            editor: b.editor,
            date: &b.date,
            issue: issue_label(r, b.issue, b.subtitle),
            web_url: &b.web_url,
        },
    );
    ctx.insert("pdf_url", &site.static_files.iter().find(|f| **f == b.pdf));
    ctx.insert("foreword_title", &foreword.as_ref().map(|f| f.0.as_str()));
    ctx.insert("foreword", &foreword.as_ref().map(|f| f.1.as_str()));
    // The book is rendered with a marker in place of each body and written as Tera
    // renders it, the bodies spliced in a batch at a time, made in parallel (see
    // `splice`). So the book (at 100,000 cases larger than the model's HTML) and its frame
    // are never held whole. Whether the theme's template shows each body once, as is and
    // in order, is tried first on a book of its first three cases; a template that does
    // not gets the book rendered in one piece instead.
    let (probe, k) = {
        let mut probe = ctx.clone();
        probe.insert("toc", &Vec::<TocGroup>::new());
        probe.insert("page_styles", "");
        probe.insert("print_source", "");
        let k = cases.len().min(3);
        set_cases(
            &mut probe,
            cases[..k]
                .iter()
                .enumerate()
                .map(|(slot, c)| c.value(marker(slot))),
        )?;
        (probe, k)
    };
    ctx.insert("toc", &toc);
    drop(toc);
    ctx.insert("page_styles", &page_styles(b.title, &cases));
    // The bodies are not in the context (see below), so what they are made from is, for
    // `serve` to tell whether the book changed.
    ctx.insert("print_source", &source_digest(site, &placed));
    set_cases(
        &mut ctx,
        cases
            .iter()
            .enumerate()
            .map(|(slot, c)| c.value(marker(slot))),
    )?;
    let file = super::context::file_for(&b.url);
    if out.fresh(&file, "print.html", &ctx) {
        return Ok(());
    }
    if splices_in_order(r, &probe, k) {
        let mut complete = false;
        out.write_parts(&file, &mut |put| {
            let mut splice = Splice::new(put, &body_of, cases.len());
            let rendered = r.theme.tera.render_to("print.html", &ctx, &mut splice);
            if let Some(e) = splice.take_error() {
                return Err(e);
            }
            rendered.map_err(|e| super::template_error("print.html", &e))?;
            complete = splice.finish()?;
            Ok(())
        })?;
        if complete {
            return Ok(());
        }
        // A template that placed its first bodies in order but not all of them: the book
        // is written again, in one piece, over what was just written (and the build's
        // summary counts it twice).
    }
    let size: usize = placed
        .iter()
        .map(|p| site.cases[p.2].html.len() + 4096)
        .sum();
    let bodies: Vec<String> = (0..cases.len()).into_par_iter().map(body_of).collect();
    set_cases(
        &mut ctx,
        cases.iter().zip(bodies).map(|(c, body)| c.value(body)),
    )?;
    let whole = r.render_bytes("print.html", &ctx, size)?;
    out.write(&file, &whole)
}

/// True when `print.html`, rendered from `probe` (a book of its first `k` cases, each
/// body a marker), shows each body once, as is and in order.
fn splices_in_order(r: &Renderer<'_>, probe: &tera::Context, k: usize) -> bool {
    let mut nowhere = |_: &[u8]| Ok(());
    let no_body = |_: usize| String::new();
    let mut splice = Splice::new(&mut nowhere, &no_body, k);
    let rendered = r.theme.tera.render_to("print.html", probe, &mut splice);
    // A template that fails on the small book is left to fail, or not, on the real one.
    rendered.is_ok() && splice.finish().unwrap_or(false)
}

/// A digest of the cases of a book in book order: their addresses and HTML.
fn source_digest(site: &Site, placed: &[(usize, usize, usize)]) -> String {
    use std::hash::{Hash, Hasher};
    let per_case: Vec<u64> = placed
        .par_iter()
        .map(|p| {
            let c = &site.cases[p.2];
            let mut h = rustc_hash::FxHasher::default();
            (c.url.as_str(), c.html.as_str()).hash(&mut h);
            h.finish()
        })
        .collect();
    let mut h = rustc_hash::FxHasher::default();
    per_case.hash(&mut h);
    format!("{:016x}", h.finish())
}

/// Sets `cases` in `ctx` to `values`, moved in rather than serialised again (the bodies
/// are most of a book's bytes).
fn set_cases(
    ctx: &mut tera::Context,
    values: impl Iterator<Item = serde_json::Value>,
) -> Result<()> {
    let mut moved = serde_json::Map::new();
    moved.insert(
        "cases".to_string(),
        serde_json::Value::Array(values.collect()),
    );
    ctx.extend(
        tera::Context::from_value(serde_json::Value::Object(moved))
            .map_err(|e| crate::error::Error::Template(e.to_string()))?,
    );
    Ok(())
}

impl PrintCase<'_> {
    /// The case as the template sees it, with `body` moved in.
    fn value(&self, body: String) -> serde_json::Value {
        let mut v = serde_json::to_value(self).unwrap_or_default();
        if let Some(m) = v.as_object_mut() {
            m.insert("body".into(), serde_json::Value::String(body));
        }
        v
    }
}

/// "第 3 期", unless the subtitle already says so (`subtitle: 第3期`).
pub fn issue_label(r: &Renderer<'_>, issue: Option<u32>, subtitle: Option<&str>) -> Option<String> {
    let label = r.strings.fill("issue_n", &[&issue?.to_string()]);
    let squeeze = |s: &str| s.split_whitespace().collect::<String>().to_lowercase();
    match subtitle {
        Some(s) if squeeze(s).contains(&squeeze(&label)) => None,
        _ => Some(label),
    }
}

/// The small line under a title in the table of contents: organization · place.
fn toc_note(c: &Case) -> String {
    let m = &c.meta;
    [
        m.organization.as_deref(),
        m.region.last().map(String::as_str),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ")
}

/// The metadata table of a case, as label/value rows (empty fields left out).
fn rows(r: &Renderer<'_>, c: &Case) -> Vec<Row> {
    let m = &c.meta;
    let english = r.strings.lang == "en";
    let (list_sep, item_sep) = if english {
        (", ", "; ")
    } else {
        ("、", "；")
    };
    let mut rows = Vec::new();
    let mut push = |key: &'static str, value: String| {
        if !value.is_empty() {
            rows.push(Row {
                label: r.strings.get(key),
                value,
            });
        }
    };
    push("author", m.author.clone().unwrap_or_default());
    push("region", m.region.join(" · "));
    push("organization", m.organization.clone().unwrap_or_default());
    if let Some(site) = m
        .organization
        .as_ref()
        .and_then(|o| r.site.organizations.get(o))
        .and_then(|o| o.website.clone())
    {
        push("website", site);
    }
    push("brand", m.brand.clone().unwrap_or_default());
    push("domain", m.domains.join(list_sep));
    push(
        "beneficiaries",
        m.beneficiaries
            .iter()
            .map(|b| {
                let unit = if b.count.text.ends_with(&b.unit) {
                    ""
                } else {
                    &b.unit
                };
                format!("{} {}{unit}", b.group, b.count.text)
            })
            .collect::<Vec<_>>()
            .join(item_sep),
    );
    push(
        "funding",
        m.funding
            .iter()
            .map(|f| match (f.year, english) {
                (Some(y), false) => format!("{} {}（{y}年）", f.source, f.amount.text),
                (Some(y), true) => format!("{} {} ({y})", f.source, f.amount.text),
                (None, _) => format!("{} {}", f.source, f.amount.text),
            })
            .collect::<Vec<_>>()
            .join(item_sep),
    );
    push("date", m.date.format("%Y-%m-%d").to_string());
    rows
}

/// The fixed-width slot for a case's page number in the table of contents.
pub fn page_slot(anchor: &str) -> String {
    format!("<a class=\"toc-page\" href=\"#{anchor}\" tabindex=\"-1\" aria-hidden=\"true\"></a>")
}

/// Marks the table of contents as relying on CSS `target-counter()` for its numbers.
const NUMBERS_BY_CSS: &str = "data-page-numbers=\"css\"";
const NUMBERS_FILLED: &str = "data-page-numbers=\"filled\"";

/// Writes page numbers (anchor id → page, 1-based) into a print edition's table of
/// contents. Slots without a known page stay empty.
pub fn fill_page_numbers(html: &str, pages: &HashMap<String, usize>) -> String {
    let html = html.replacen(NUMBERS_BY_CSS, NUMBERS_FILLED, 1);
    let mut out = String::with_capacity(html.len() + pages.len() * 4);
    let mut rest = html.as_str();
    // One pass: copy up to each slot, then the slot with its number.
    while let Some(i) = rest.find(SLOT_START) {
        let after = &rest[i + SLOT_START.len()..];
        let anchor = after.split('"').next().unwrap_or("");
        let slot = page_slot(anchor);
        out.push_str(&rest[..i]);
        match pages.get(anchor).filter(|_| rest[i..].starts_with(&slot)) {
            Some(page) => {
                out.push_str(&slot[..slot.len() - "</a>".len()]);
                out.push_str(&format!("{page}</a>"));
                rest = &rest[i + slot.len()..];
            }
            None => {
                out.push_str(SLOT_START);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

const SLOT_START: &str = "<a class=\"toc-page\" href=\"#";

/// The anchors of the table of contents' page slots, in order.
pub fn page_slots(html: &str) -> Vec<String> {
    html.match_indices(SLOT_START)
        .filter_map(|(i, _)| {
            let rest = &html[i + SLOT_START.len()..];
            rest.find('"').map(|end| rest[..end].to_string())
        })
        .collect()
}

/// Case headings sit under the case title (`h2` in the book): `h2` → `h3` and so on.
fn demote_headings(html: &str) -> String {
    // One pass: find each `<h` or `</h` followed by a level digit and `>` or a space.
    let bytes = html.as_bytes();
    let mut out = String::with_capacity(html.len() + 64);
    let mut copied = 0;
    let mut i = 0;
    while let Some(pos) = memchr::memchr(b'<', &bytes[i..]).map(|p| p + i) {
        let tag = if bytes.get(pos + 1) == Some(&b'/') {
            pos + 2
        } else {
            pos + 1
        };
        i = pos + 1;
        let is_heading = bytes.get(tag) == Some(&b'h')
            && matches!(bytes.get(tag + 1), Some(b'1'..=b'5'))
            && matches!(bytes.get(tag + 2), Some(b'>' | b' '));
        if is_heading {
            out.push_str(&html[copied..tag + 1]);
            out.push((bytes[tag + 1] + 1) as char);
            copied = tag + 2;
            i = copied;
        }
    }
    out.push_str(&html[copied..]);
    out
}

/// `@page` rules: the book title in every running header, and one named page per case
/// so its header carries the case title.
fn page_styles(title: &str, cases: &[PrintCase<'_>]) -> String {
    // The cover rule is repeated after the default: Chromium lets the later rule win.
    let mut css = format!(
        "@page {{ @top-left {{ content: {}; }} }}\n@page cover {{ @top-left {{ content: none; }} }}\n",
        css_string(title)
    );
    for c in cases {
        css.push_str(&format!(
            "#{a} {{ page: {a}; }}\n@page {a} {{ @top-right {{ content: {}; }} }}\n",
            css_string(c.title),
            a = c.anchor
        ));
    }
    css
}

/// A CSS string literal that is also safe inside an HTML `<style>` element.
pub fn css_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' => out.push_str("\\A "),
            '<' => out.push_str("\\3C "),
            '>' => out.push_str("\\3E "),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// 1 → 一, 12 → 十二, 40 → 四十 (up to 99; larger numbers stay Arabic).
fn cn_numeral(n: usize) -> String {
    const D: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        1..=9 => D[n].to_string(),
        10..=19 => format!("十{}", D[n % 10]),
        20..=99 => format!("{}十{}", D[n / 10], D[n % 10]),
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numerals() {
        let got: Vec<String> = [1, 9, 10, 11, 20, 42, 100].map(cn_numeral).to_vec();
        assert_eq!(got, ["一", "九", "十", "十一", "二十", "四十二", "100"]);
    }

    #[test]
    fn css_strings_cannot_break_out() {
        assert_eq!(css_string(r#"a"b\c</style>"#), r#""a\"b\\c\3C /style\3E ""#);
    }

    #[test]
    fn headings_move_down_one_level() {
        assert_eq!(
            demote_headings(r#"<h2 id="a">A</h2><h3>B</h3><h6>C</h6>"#),
            r#"<h3 id="a">A</h3><h4>B</h4><h6>C</h6>"#
        );
        assert_eq!(
            demote_headings("<h1>甲</h1><hr><header>乙</header><p>1<2</p><h5 class=x>丙</h5>"),
            "<h2>甲</h2><hr><header>乙</header><p>1<2</p><h6 class=x>丙</h6>"
        );
    }

    #[test]
    fn page_numbers_fill_their_slots() {
        let html = format!(
            "<nav {NUMBERS_BY_CSS}>{}{}{}</nav>",
            page_slot("c1"),
            page_slot("c10"),
            page_slot("c2")
        );
        assert_eq!(page_slots(&html), vec!["c1", "c10", "c2"]);
        let pages = HashMap::from([("c1".to_string(), 3), ("c2".to_string(), 12)]);
        let filled = fill_page_numbers(&html, &pages);
        assert!(filled.contains(NUMBERS_FILLED));
        assert!(filled.contains("href=\"#c1\" tabindex=\"-1\" aria-hidden=\"true\">3</a>"));
        assert!(filled.contains(">12</a>"));
        assert!(
            filled.contains(&page_slot("c10")),
            "unknown pages stay empty"
        );
    }
}
