//! The search page in real headless Chromium, on the example site at the repository root:
//! a Chinese query shows the right results (the same, in the same order, as
//! `casebook search`), a facet narrows them, a result leads to its case page; over HTTP and
//! straight from disk (`file://`). Needs chromium + chromedriver (see `common::webdriver`).

mod common;

use common::webdriver::{encode, Browser, StaticServer};
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;

/// Builds the example site into a temporary folder.
fn build_example() -> tempfile::TempDir {
    let out = tempfile::tempdir().expect("temp dir");
    common::build_example(out.path());
    out
}

/// What `casebook search` answers: urls in order.
fn cli_urls(site: &Path, args: &[&str]) -> Vec<String> {
    let out = Command::new(env!("CARGO_BIN_EXE_casebook"))
        .args(["search", "--json", "--limit", "10000", "--root"])
        .arg(site)
        .args(args)
        .output()
        .expect("run casebook search");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    v["hits"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|h| h["url"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// Cases of the example whose source mentions `phrase` (none are drafts).
fn cases_containing(phrase: &str) -> usize {
    walkdir::WalkDir::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("content/cases"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .filter(|e| {
            std::fs::read_to_string(e.path())
                .is_ok_and(|t| t.contains(phrase) && !t.contains("draft: true"))
        })
        .count()
}

fn result_hrefs(b: &Browser) -> Vec<String> {
    let v = b.execute(
        "return Array.from(document.querySelectorAll('#search-results a.search-title')).map(a => a.getAttribute('href'))",
        json!([]),
    );
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// Result hrefs as site-relative case urls (`../cases/x/index.html` -> `cases/x/`).
fn as_urls(hrefs: &[String]) -> Vec<String> {
    hrefs
        .iter()
        .map(|h| {
            h.trim_start_matches("../")
                .trim_end_matches("index.html")
                .to_string()
        })
        .collect()
}

fn wait_for_results(b: &Browser, n: usize) {
    b.wait_until(
        &format!("{n} results"),
        &format!("return document.querySelectorAll('#search-results li').length === {n} && !/…$/.test(document.getElementById('search-status').textContent)"),
        30,
    );
}

/// The whole journey on the search page at `page` (a `search/` URL, http or file).
fn journey(b: &Browser, site: &Path, page: &str, from_disk: bool) {
    let q = "五社联动";
    let expected = cli_urls(site, &[q]);
    assert_eq!(
        expected.len(),
        cases_containing(q),
        "casebook search finds every case with {q}"
    );
    assert!(expected.len() > 2, "the example has several {q} cases");

    b.goto(&format!("{page}?q={}", encode(q)));
    wait_for_results(b, expected.len().min(10));
    let hrefs = result_hrefs(b);
    assert_eq!(
        as_urls(&hrefs),
        expected.iter().take(10).cloned().collect::<Vec<_>>(),
        "same results, same order as casebook search"
    );
    for h in &hrefs {
        assert!(h.starts_with("../cases/"), "{h}");
        assert_eq!(
            h.ends_with("/index.html"),
            from_disk,
            "{h}: directory links get index.html only from disk"
        );
    }
    let status = b
        .find("#search-status")
        .map(|e| e.text())
        .unwrap_or_default();
    assert!(
        status.contains(&expected.len().to_string()),
        "status shows the count: {status}"
    );
    let marks = b.execute("return Array.from(document.querySelectorAll('#search-results mark')).map(m => m.textContent)", json!([]));
    assert!(
        marks
            .as_array()
            .is_some_and(|a| !a.is_empty() && a.iter().all(|m| m == q)),
        "snippets highlight the query: {marks}"
    );

    // Less used facets start closed and load when opened.
    assert!(
        b.find("#search-facets details[data-key=group]:not([open])")
            .is_some(),
        "group facet starts closed"
    );
    b.find("#search-facets details[data-key=group] summary")
        .expect("group facet")
        .click();
    b.wait_until("group facet counts", "return document.querySelectorAll('#search-facets details[data-key=group] label').length > 0", 30);

    // A facet: the first domain value, with its count.
    let facet = b.execute(
        "const l = document.querySelector('#search-facets details[open] label'); \
         return [l.querySelector('.facet-label').textContent, +l.querySelector('.count').textContent]",
        json!([]),
    );
    let (value, count) = (
        facet[0].as_str().unwrap_or_default().to_string(),
        facet[1].as_u64().unwrap_or(0) as usize,
    );
    assert!(
        count > 0 && count <= expected.len(),
        "facet {value}: {count}"
    );
    b.find("#search-facets details[open] input[type=checkbox]")
        .expect("facet checkbox")
        .click();
    wait_for_results(b, count.min(10));
    let filtered = cli_urls(site, &["--filter", &format!("domain={value}"), q]);
    assert_eq!(filtered.len(), count);
    assert_eq!(
        as_urls(&result_hrefs(b)),
        filtered.iter().take(10).cloned().collect::<Vec<_>>()
    );
    if !from_disk {
        let url = b.url();
        assert!(
            url.contains("domain=") && url.contains("q="),
            "state is in the URL: {url}"
        );
    }

    // Follow the first result.
    let first = b.find("#search-results a.search-title").expect("a result");
    let title = first.text();
    first.click();
    b.wait_until(
        "the case page",
        "return !location.pathname.includes('/search/') && !!document.querySelector('h1')",
        30,
    );
    let h1 = b.find("h1").map(|e| e.text()).unwrap_or_default();
    assert_eq!(h1, title);
    assert!(
        b.url().contains(filtered[0].trim_end_matches('/')),
        "{} is {}",
        b.url(),
        filtered[0]
    );
}

#[test]
fn search_page_over_http() {
    let Some(b) = Browser::start_or_skip() else {
        return;
    };
    let site = build_example();
    let server = StaticServer::start(site.path());
    journey(&b, site.path(), &format!("{}search/", server.base), false);

    // Typing in the box and pressing Enter searches too; the URL follows.
    b.goto(&format!("{}search/", server.base));
    let input = b.find("#search-q").expect("search box");
    input.send_keys("银川 社工站\u{E007}");
    let expected = cli_urls(site.path(), &["银川 社工站"]);
    assert!(!expected.is_empty());
    wait_for_results(&b, expected.len().min(10));
    assert_eq!(
        as_urls(&result_hrefs(&b)),
        expected.iter().take(10).cloned().collect::<Vec<_>>()
    );
    assert!(
        b.url().contains(&format!("q={}", encode("银川"))),
        "{}",
        b.url()
    );

    // A query nothing matches says so, and content never becomes markup.
    b.goto(&format!(
        "{}search/?q={}",
        server.base,
        encode("<img src=x onerror=alert(1)>")
    ));
    b.wait_until(
        "no results",
        "return /“/.test(document.getElementById('search-status').textContent)",
        30,
    );
    assert!(b.find("#search-status img").is_none());
}

#[test]
fn search_page_from_disk() {
    let Some(b) = Browser::start_or_skip() else {
        return;
    };
    let site = build_example();
    let page = format!("file://{}/search/index.html", site.path().display());
    journey(&b, site.path(), &page, true);
}

/// The page and `casebook search` agree on every layout the index can take: rebuilt here
/// with tiny thresholds, the example's index has inline, sharded and own-file postings and
/// positions, and extension grams, so phrases exercise every path of `search.js`.
#[test]
fn search_page_agrees_with_the_engine_on_every_index_layout() {
    use casebook::search::index::{build_with, Layout};
    let Some(b) = Browser::start_or_skip() else {
        return;
    };
    let site = build_example();
    let opts = casebook::BuildOptions {
        root: env!("CARGO_MANIFEST_DIR").into(),
        out: None,
        base_url: None,
        drafts: false,
        force: false,
    };
    let (model, _) = casebook::load_site(&opts).expect("load the example");
    let docs: Vec<_> = model
        .cases
        .iter()
        .map(casebook::render::search::search_doc)
        .collect();
    let lay = Layout {
        inline_max: 4,
        post_inline_max: 32,
        pack_target: 64,
        ext_min: 16,
        ext_share: usize::MAX,
        shard_target: 256,
        doc_pack: 2,
        doc_full_at: 1,
        // Levels collected in several passes, as at 100,000 cases.
        pass_bytes: 2000,
    };
    std::fs::remove_dir_all(site.path().join("search/idx")).expect("remove index");
    for f in build_with(&docs, &lay) {
        let p = site.path().join(&f.path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, &f.bytes).expect("write");
    }
    let server = StaticServer::start(site.path());
    for q in [
        "社工站",
        "五社联动",
        "社会工作服务中心",
        "社区社工站",
        "一老一小",
        "银川 社工",
        "志愿服务 五社联动",
        "“五社联动”机制",
        "社工 NGO",
    ] {
        let expected = cli_urls(site.path(), &[q]);
        b.goto(&format!("{}search/?q={}", server.base, encode(q)));
        b.wait_until(
            &format!("results for {q}"),
            "const s = document.getElementById('search-status').textContent; return !/…$/.test(s) && (/\\d/.test(s) || /“/.test(s))",
            30,
        );
        if expected.is_empty() {
            assert!(result_hrefs(&b).is_empty(), "{q}");
            continue;
        }
        wait_for_results(&b, expected.len().min(10));
        assert_eq!(
            as_urls(&result_hrefs(&b)),
            expected.iter().take(10).cloned().collect::<Vec<_>>(),
            "{q}"
        );
        let status = b
            .find("#search-status")
            .map(|e| e.text())
            .unwrap_or_default();
        assert!(
            status.contains(&expected.len().to_string()),
            "{q}: {status}"
        );
    }
}
