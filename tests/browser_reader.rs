//! The example site as a reader meets it, in real headless Chromium over HTTP at a phone's
//! width (390×844) and a desk's (1366×900): axe-core finds nothing on any page type in
//! either width (and in the dark scheme), the first case of every listing and term page is
//! on a phone's first screen, the phone's header is one row, search's filters sit above the
//! results and nothing moves while they arrive, the keyboard reaches everything with a
//! visible focus, reduced motion and the dark scheme are respected, and the 404 page is
//! styled below the top level of a site under a sub-path.
//!
//! Needs chromium + chromedriver (see `common::webdriver`) and axe-core's `axe.min.js`:
//! `$CASEBOOK_AXE`, else `target/checkers/node_modules/axe-core/axe.min.js` (`.ci/run`
//! installs it there with npm). `CASEBOOK_SKIP_BROWSER=1` skips these tests.

mod common;

use common::webdriver::{encode, Browser, StaticServer};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

const PHONE: (u32, u32) = (390, 844);
const DESK: (u32, u32) = (1366, 900);

/// The example built under `<dir>/anli/`, the path part of its `base_url`, and a server
/// over `<dir>` that answers a missing page with the site's 404.html.
struct Example {
    dir: tempfile::TempDir,
    server: StaticServer,
}

impl Example {
    fn build() -> Example {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("anli");
        common::build_example(&out);
        let server = StaticServer::start_with_404(dir.path(), Some(out.join("404.html")));
        Example { dir, server }
    }

    fn site(&self) -> PathBuf {
        self.dir.path().join("anli")
    }

    /// The address of a page given site-relative (`regions/福建省/`).
    fn url(&self, page: &str) -> String {
        let (path, query) = page.split_once('?').unwrap_or((page, ""));
        let path: Vec<String> = path.split('/').map(encode).collect();
        let mut url = format!("{}anli/{}", self.server.base, path.join("/"));
        if !query.is_empty() {
            url.push('?');
            url.push_str(query);
        }
        url
    }

    /// Every listing page of the site (all cases, every term of every taxonomy, with
    /// their further pages, every collection), site-relative.
    fn listing_pages(&self) -> Vec<String> {
        let site = self.site();
        let mut pages = Vec::new();
        for top in [
            "cases",
            "regions",
            "domains",
            "tags",
            "organizations",
            "brands",
            "beneficiaries",
            "funding",
            "years",
            "collections",
        ] {
            for e in walkdir::WalkDir::new(site.join(top))
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_name() == "index.html")
            {
                let rel = e
                    .path()
                    .parent()
                    .and_then(|p| p.strip_prefix(&site).ok())
                    .map(|p| format!("{}/", p.to_string_lossy()))
                    .unwrap_or_default();
                let depth = rel.matches('/').count();
                // cases/<slug>/ are case pages and regions/ etc. are indexes, not listings.
                let case_page = top == "cases" && depth == 2 && !rel.starts_with("cases/page/");
                // A collection's print edition is a book, not a listing.
                let print = rel.ends_with("/print/");
                if (depth >= 2 && !case_page && !print) || rel == "cases/" {
                    pages.push(rel);
                }
            }
        }
        pages.sort();
        pages
    }

    /// The first term page of a taxonomy (in file-name order).
    fn first_term(&self, taxonomy: &str) -> String {
        let mut names: Vec<String> = std::fs::read_dir(self.site().join(taxonomy))
            .expect("taxonomy folder")
            .filter_map(Result::ok)
            .filter(|e| e.path().join("index.html").is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        format!("{taxonomy}/{}/", names.first().expect("a term"))
    }
}

fn axe_source() -> String {
    let path = std::env::var_os("CASEBOOK_AXE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("target/checkers/node_modules/axe-core/axe.min.js")
        });
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core is needed at {} ({e}): run `npm install --prefix target/checkers axe-core` \
             (or .ci/run), point CASEBOOK_AXE at axe.min.js, or set CASEBOOK_SKIP_BROWSER=1",
            path.display()
        )
    })
}

/// Sizes the window so that the page's viewport is `w`×`h` (the window has a frame).
fn set_viewport(b: &Browser, (w, h): (u32, u32)) {
    b.set_window_size(w, h);
    let inner = number(b, "return window.innerHeight;") as u32;
    if inner != h && inner > 0 {
        b.set_window_size(w, h + h.saturating_sub(inner));
    }
}

fn number(b: &Browser, script: &str) -> f64 {
    b.execute(script, json!([])).as_f64().unwrap_or(f64::NAN)
}

/// axe-core's violations on the current page, one line each.
fn axe_violations(b: &Browser, axe: &str) -> Vec<String> {
    if b.execute("return typeof window.axe", json!([])) != json!("object") {
        b.execute(&format!("{axe}\nreturn true;"), json!([]));
    }
    let v = b.execute_async(
        "const done = arguments[arguments.length - 1];
         axe.run(document, {resultTypes: ['violations']})
           .then(r => done(r.violations.map(v => v.impact + ' ' + v.id + ': ' + v.help + ' at ' +
               v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))))
           .catch(e => done(['axe failed: ' + e]));",
        json!([]),
    );
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_else(|| vec![format!("axe returned {v}")])
}

/// Waits until the search page has answered its query.
fn wait_for_search(b: &Browser) {
    b.wait_until(
        "search results",
        "const s = document.getElementById('search-status'); \
         return !!s && document.querySelectorAll('#search-results li').length > 0 \
           || (!!s && /没有|No case/.test(s.textContent));",
        30,
    );
}

#[test]
fn axe_finds_nothing_on_any_page_type_at_either_width() {
    let Some(b) = Browser::start_or_skip() else {
        return;
    };
    let axe = axe_source();
    let ex = Example::build();
    let mut pages: Vec<String> = [
        "",
        "cases/",
        "cases/page/2/",
        "cases/jinshan-jincheng/",
        "cases/huli-kaixin-shegong/",
        "regions/",
        "regions/福建省/",
        "regions/福建省/厦门市/",
        "domains/",
        "tags/",
        "organizations/",
        "brands/",
        "beneficiaries/",
        "funding/",
        "years/",
        "stats/",
        "search/",
        "search/?q=社工站",
        "search/?q=没有这种案例qqq",
        "collections/",
        "collections/2024-youxiu/",
        "collections/2024-youxiu/print/",
        "print/",
        "about/",
        "404.html",
        "cases/no-such-case/",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for tax in [
        "domains",
        "tags",
        "organizations",
        "brands",
        "beneficiaries",
        "funding",
        "years",
    ] {
        pages.push(ex.first_term(tax));
    }
    let mut found = Vec::new();
    for (w, h) in [PHONE, DESK] {
        set_viewport(&b, (w, h));
        for page in &pages {
            b.goto(&ex.url(page));
            if page.starts_with("search/?") {
                wait_for_search(&b);
            }
            for v in axe_violations(&b, &axe) {
                found.push(format!("{w}px {page}: {v}"));
            }
        }
    }
    // The dark scheme has its own colours: every page type again.
    b.emulate_media(&[("prefers-color-scheme", "dark")]);
    for (w, h) in [PHONE, DESK] {
        set_viewport(&b, (w, h));
        for page in &pages {
            b.goto(&ex.url(page));
            if page.starts_with("search/?") {
                wait_for_search(&b);
            }
            for v in axe_violations(&b, &axe) {
                found.push(format!("dark {w}px {page}: {v}"));
            }
        }
    }
    b.emulate_media(&[]);
    assert!(found.is_empty(), "axe-core found:\n{}", found.join("\n"));
}

#[test]
fn on_a_phone_the_first_case_is_on_the_first_screen_of_every_listing() {
    let Some(b) = Browser::start_or_skip() else {
        return;
    };
    let ex = Example::build();
    set_viewport(&b, PHONE);
    let pages = ex.listing_pages();
    assert!(pages.len() > 100, "only {} listing pages", pages.len());
    let mut late = Vec::new();
    for page in &pages {
        b.goto(&ex.url(page));
        let screen = number(&b, "return window.innerHeight;");
        assert!(screen >= 800.0, "the phone's screen is {screen}px tall");
        // The card's top and its title's bottom: the reader sees which case it is.
        let title_bottom = number(
            &b,
            "const c = document.querySelector('.case-card .card-title'); \
             return c ? c.getBoundingClientRect().bottom + window.scrollY : -1;",
        );
        assert!(title_bottom > 0.0, "{page} shows no case card");
        if title_bottom > screen {
            late.push(format!(
                "{page}: first case's title ends at y = {title_bottom}"
            ));
        }
    }
    assert!(
        late.is_empty(),
        "beyond the first {}px screen:\n{}",
        PHONE.1,
        late.join("\n")
    );
}

#[test]
fn the_phone_header_is_one_row_with_search_and_menu() {
    let Some(b) = Browser::start_or_skip() else {
        return;
    };
    let ex = Example::build();
    set_viewport(&b, PHONE);
    b.goto(&ex.url("cases/"));
    let header = number(
        &b,
        "return document.querySelector('.site-header').getBoundingClientRect().height;",
    );
    assert!(header <= 64.0, "the header is {header}px tall on a phone");
    let icon = b.find(".search-icon").expect("a search icon");
    assert!(
        b.execute(
            "return document.querySelector('.search-icon').getBoundingClientRect().width > 30;",
            json!([])
        ) == json!(true),
        "the search icon is not shown"
    );
    icon.click();
    b.wait_until(
        "the search page",
        "return location.pathname.endsWith('/search/');",
        10,
    );
    b.goto(&ex.url("cases/"));
    let nav_shown = "const n = document.getElementById('site-nav'); return n.getBoundingClientRect().height > 0;";
    assert_eq!(b.execute(nav_shown, json!([])), json!(false));
    b.find(".menu-toggle").expect("menu button").click();
    assert_eq!(b.execute(nav_shown, json!([])), json!(true));
    let toggle = b.find(".menu-toggle").expect("menu button");
    assert_eq!(toggle.attr("aria-expanded").as_deref(), Some("true"));
    // On a desk the sections and the search field are in view, without a menu button.
    set_viewport(&b, DESK);
    b.goto(&ex.url("cases/"));
    assert_eq!(b.execute(nav_shown, json!([])), json!(true));
    assert_eq!(
        b.execute(
            "return document.querySelector('.menu-toggle').getBoundingClientRect().width;",
            json!([])
        ),
        json!(0)
    );
}

#[test]
fn search_filters_fold_above_the_results_on_a_phone_and_nothing_moves() {
    let Some(b) = Browser::start_or_skip() else {
        return;
    };
    let ex = Example::build();
    for (w, h) in [PHONE, DESK] {
        set_viewport(&b, (w, h));
        b.goto(&ex.url("search/?q=社工"));
        wait_for_search(&b);
        // Let late layout settle, then add up every layout shift since the page began
        // (what moved is kept for the message).
        let (shift, what) = b.layout_shift(500);
        assert!(
            shift <= 0.01,
            "{w}px: layout shift {shift} while results arrived: {what}",
        );
        let open = b.execute(
            "return document.getElementById('search-filter-panel').open;",
            json!([]),
        );
        if w == PHONE.0 {
            assert_eq!(open, json!(false), "filters are folded on a phone");
            let above = b.execute(
                "return document.getElementById('search-filter-panel').getBoundingClientRect().bottom \
                   <= document.getElementById('search-results').getBoundingClientRect().top;",
                json!([]),
            );
            assert_eq!(above, json!(true), "filters come before the results");
            let facet_files = "return performance.getEntriesByType('resource') \
                 .filter(e => e.name.includes('/idx/f/')).length;";
            assert_eq!(
                b.execute(facet_files, json!([])),
                json!(0),
                "folded filters download no facet column"
            );
            b.find("#search-filter-panel > summary")
                .expect("filters' summary")
                .click();
            b.wait_until(
                "the year filter's values after unfolding the filters",
                "return document.querySelectorAll('#search-facets details[data-key=year] .facet-label').length > 0;",
                10,
            );
            assert!(
                b.execute(facet_files, json!([])).as_u64().unwrap_or(0) > 0,
                "unfolding the filters loads their columns"
            );
            let results = b.execute(
                "return document.querySelectorAll('#search-results > li').length;",
                json!([]),
            );
            assert!(
                results.as_u64().unwrap_or(0) > 0,
                "the results stay while the filters load"
            );
        } else {
            assert_eq!(
                open,
                json!(true),
                "filters are open beside the results on a desk"
            );
        }
        let years = b.execute(
            "return Array.from(document.querySelectorAll('#search-facets details[data-key=year] .facet-label')).map(e => e.textContent);",
            json!([]),
        );
        let years: Vec<String> = serde_json::from_value(years).unwrap_or_default();
        assert!(years.len() >= 3, "year filter: {years:?}");
        let mut sorted = years.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(years, sorted, "years newest first");
    }
}

#[test]
fn keyboard_skip_link_visible_focus_reduced_motion_and_dark() {
    let Some(b) = Browser::start_or_skip() else {
        return;
    };
    let ex = Example::build();
    for (w, h) in [PHONE, DESK] {
        set_viewport(&b, (w, h));
        b.goto(&ex.url(""));
        b.press("\u{E004}");
        let skip = b.execute(
            "const a = document.activeElement, r = a.getBoundingClientRect(); \
             return [a.className, r.left >= 0 && r.top >= 0 && r.width > 0];",
            json!([]),
        );
        assert_eq!(
            skip,
            json!(["skip", true]),
            "{w}px: Tab first shows the skip link"
        );
        b.press("\u{E007}");
        assert_eq!(
            b.execute("return document.activeElement.id;", json!([])),
            json!("main"),
            "the skip link moves the focus to the content"
        );
        // Every control of every page type, in tab order, shows where the focus is.
        for page in [
            "",
            "cases/",
            "cases/jinshan-jincheng/",
            "regions/",
            "regions/福建省/",
            "stats/",
            "search/?q=社工站",
            "collections/2024-youxiu/",
            "print/",
            "about/",
            "cases/no-such-case/",
        ] {
            b.goto(&ex.url(page));
            if page.starts_with("search/?") {
                wait_for_search(&b);
            }
            let mut seen = std::collections::HashSet::new();
            for _ in 0..400 {
                b.press("\u{E004}");
                let v = b.execute(
                    "const a = document.activeElement, s = getComputedStyle(a); \
                     if (a === document.body) return null; \
                     const path = []; for (let e = a; e && e !== document.body; e = e.parentElement) \
                       path.unshift(e.tagName + ':' + Array.prototype.indexOf.call(e.parentElement.children, e)); \
                     return [a.tagName + '.' + a.className + ' ' + (a.textContent || '').trim().slice(0, 20), \
                             s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2, \
                             a.getBoundingClientRect().width > 0, path.join('/')];",
                    json!([]),
                );
                // Back at the start (or out of the page): every control was reached.
                if v.is_null() || !seen.insert(v[3].to_string()) {
                    break;
                }
                assert_eq!(
                    v[1],
                    json!(true),
                    "{w}px {page}: no visible focus on {}",
                    v[0]
                );
                assert_eq!(
                    v[2],
                    json!(true),
                    "{w}px {page}: focus on a hidden {}",
                    v[0]
                );
            }
            assert!(
                seen.len() > 3,
                "{w}px {page}: only {} controls reached",
                seen.len()
            );
        }
    }
    set_viewport(&b, DESK);
    let scroll = "return getComputedStyle(document.documentElement).scrollBehavior;";
    b.emulate_media(&[("prefers-reduced-motion", "reduce")]);
    b.goto(&ex.url(""));
    assert_eq!(b.execute(scroll, json!([])), json!("auto"));
    b.emulate_media(&[("prefers-reduced-motion", "no-preference")]);
    b.goto(&ex.url(""));
    assert_eq!(b.execute(scroll, json!([])), json!("smooth"));
    let lightness = "const c = getComputedStyle(document.querySelector('main')).backgroundColor.match(/\\d+/g).map(Number); \
                     return (c[0] + c[1] + c[2]) / 3;";
    b.emulate_media(&[("prefers-color-scheme", "dark")]);
    b.goto(&ex.url("cases/jinshan-jincheng/"));
    let dark = number(&b, lightness);
    b.emulate_media(&[("prefers-color-scheme", "light")]);
    b.goto(&ex.url("cases/jinshan-jincheng/"));
    let light = number(&b, lightness);
    b.emulate_media(&[]);
    assert!(
        dark < 60.0 && light > 200.0,
        "page background: {dark} dark, {light} light"
    );
}

#[test]
fn the_404_page_is_styled_below_the_top_of_a_sub_path() {
    let Some(b) = Browser::start_or_skip() else {
        return;
    };
    let ex = Example::build();
    set_viewport(&b, DESK);
    for page in [
        "no-such-page/",
        "cases/no-such-case/",
        "regions/四川省/没有/",
    ] {
        b.goto(&ex.url(page));
        assert!(
            b.find(".not-found h1").is_some(),
            "{page}: not the 404 page"
        );
        let header = b.execute(
            "return getComputedStyle(document.querySelector('.site-header')).backgroundColor;",
            json!([]),
        );
        assert_eq!(
            header,
            json!("rgb(15, 63, 97)"),
            "{page}: the 404 page has no stylesheet"
        );
        let home: Value = b.execute(
            "return document.querySelector('.not-found a').href;",
            json!([]),
        );
        assert_eq!(
            home.as_str().unwrap_or(""),
            format!("{}anli/", ex.server.base),
            "{page}: the way home"
        );
    }
}

#[test]
fn cards_tables_and_tags_read_as_they_should() {
    let Some(b) = Browser::start_or_skip() else {
        return;
    };
    let ex = Example::build();
    // Rows of cards are full on a desk: an odd last card takes the whole row.
    set_viewport(&b, DESK);
    for page in [
        "",
        "cases/",
        "cases/page/3/",
        "regions/福建省/",
        "domains/医务社工/",
    ] {
        b.goto(&ex.url(page));
        let holes = b.execute(
            "return Array.from(document.querySelectorAll('.case-list')).filter(l => {
               const last = l.lastElementChild; if (!last) return false;
               return l.getBoundingClientRect().right - last.getBoundingClientRect().right > 2;
             }).length;",
            json!([]),
        );
        assert_eq!(holes, json!(0), "{page}: a row of cards with a hole");
    }
    // Paired tables keep their own row heights.
    b.goto(&ex.url("stats/"));
    let tallest = number(
        &b,
        "return Math.max(...Array.from(document.querySelectorAll('#funding_by_year tbody tr, #beneficiary_totals tbody tr')).map(r => r.getBoundingClientRect().height));",
    );
    assert!(tallest < 50.0, "a stretched table row: {tallest}px");
    // Tags look like the links they are.
    b.goto(&ex.url("cases/jinshan-jincheng/"));
    let tag = b.execute(
        "const t = getComputedStyle(document.querySelector('.tags a')), \
               l = getComputedStyle(document.querySelector('.meta a')); \
         return [t.textDecorationLine, t.color === l.color];",
        json!([]),
    );
    assert_eq!(tag, json!(["underline", true]));
    // On a phone no place name is broken across lines.
    set_viewport(&b, PHONE);
    for page in ["cases/", "cases/jinshan-jincheng/", "regions/四川省/"] {
        b.goto(&ex.url(page));
        let broken = b.execute(
            "return Array.from(document.querySelectorAll('.place-name, .place > span'))
               .filter(e => e.getClientRects().length > 1).map(e => e.textContent);",
            json!([]),
        );
        assert_eq!(broken, json!([]), "{page}: place names broken across lines");
    }
}
