//! A case page with photos in real headless Chromium, over HTTP: nothing moves while the
//! photos arrive (every `<img>` has its width and height), and only the photos in view are
//! fetched (the gallery at the bottom waits until it is scrolled to). Screenshots go to
//! `target/screenshots/`. The search page shows a result's cover thumbnail, and nothing
//! moves while it arrives.

mod common;

use common::webdriver::{Browser, StaticServer};
use common::Site;
use serde_json::json;
use std::path::Path;

fn loaded_photos(b: &Browser) -> Vec<String> {
    let v = b.execute(
        "return performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes('/photos/'));",
        json!([]),
    );
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn case_page_with_photos_has_no_layout_shift_and_loads_only_photos_in_view() {
    let Some(b) = Browser::start_or_skip() else {
        return;
    };
    let site = Site::from_fixture("photos");
    site.build().assert_ok();
    let server = StaticServer::start(&site.public());
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&shots).expect("screenshot folder");
    for (label, width) in [("phone", 390), ("desk", 1366)] {
        b.set_window_size(width, 800);
        b.goto(&format!("{}/cases/shitang/", server.base));
        b.execute(
            "window.__shift = 0; new PerformanceObserver(l => { for (const e of l.getEntries()) if (!e.hadRecentInput) window.__shift += e.value; }).observe({type: 'layout-shift', buffered: true});",
            json!([]),
        );
        b.wait_until(
            "the cover has loaded",
            "const i = document.querySelector('.photo-cover img'); return i.complete && i.naturalWidth > 0;",
            20,
        );
        let shift = b
            .execute("return window.__shift;", json!([]))
            .as_f64()
            .unwrap_or(f64::NAN);
        assert!(shift < 0.001, "{label}: layout shifted by {shift}");
        let loaded = loaded_photos(&b);
        assert!(
            loaded.iter().any(|n| n.contains("/photos/cover-")),
            "{label}: the cover is fetched at once: {loaded:?}"
        );
        assert!(
            !loaded.iter().any(|n| n.contains("/photos/b-")),
            "{label}: the gallery's second photo is far below and must wait: {loaded:?}"
        );
        assert!(
            loaded.iter().all(|n| n.ends_with(".webp")),
            "{label}: a browser that reads WebP gets WebP: {loaded:?}"
        );
        b.screenshot(&shots.join(format!("{label}-photos-case-top.png")));
        b.execute(
            "document.querySelector('.gallery').scrollIntoView();",
            json!([]),
        );
        b.wait_until(
            "the gallery's photos load once scrolled to",
            "return [...document.querySelectorAll('.gallery img')].every(i => i.complete && i.naturalWidth > 0);",
            20,
        );
        b.screenshot(&shots.join(format!("{label}-photos-case-gallery.png")));
        b.goto(&format!("{}/cases/", server.base));
        b.screenshot(&shots.join(format!("{label}-photos-cards.png")));
    }
}

#[test]
fn search_results_show_the_cover_thumbnail_and_nothing_moves() {
    let Some(b) = Browser::start_or_skip() else {
        return;
    };
    let site = Site::from_fixture("photos");
    site.build().assert_ok();
    let server = StaticServer::start(&site.public());
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&shots).expect("screenshot folder");
    for (label, width) in [("phone", 390), ("desk", 1366)] {
        b.set_window_size(width, 800);
        b.goto(&format!("{}/search/?q=四川", server.base));
        b.wait_until(
            "the result's thumbnail has loaded",
            "const i = document.querySelector('#search-results .search-thumb img'); return !!i && i.complete && i.naturalWidth > 0;",
            20,
        );
        // Every layout shift since the page began (what moved is kept for the message).
        let (shift, what) = b.layout_shift(300);
        assert!(
            shift <= 0.01,
            "{label}: layout shift {shift} while results arrived: {what}",
        );
        // Only the cover's case has a thumbnail; its box is 3:2 beside the text.
        let boxes = b.execute(
            "return [...document.querySelectorAll('#search-results li')].map(li => {
               const i = li.querySelector('.search-thumb img');
               if (!i) return null;
               const r = i.getBoundingClientRect(), t = li.querySelector('.search-title').getBoundingClientRect();
               return [li.querySelector('.search-title').getAttribute('href'), r.width, r.height, r.right <= t.left];
             });",
            json!([]),
        );
        let boxes = boxes.as_array().cloned().unwrap_or_default();
        let thumbs: Vec<&serde_json::Value> = boxes.iter().filter(|x| !x.is_null()).collect();
        assert_eq!(boxes.len(), 2, "{label}: both cases are found: {boxes:?}");
        assert_eq!(thumbs.len(), 1, "{label}: {boxes:?}");
        let t = thumbs[0];
        assert!(
            t[0].as_str().unwrap_or_default().contains("cases/shitang/"),
            "{label}: {t}"
        );
        let (w, h) = (t[1].as_f64().unwrap_or(0.0), t[2].as_f64().unwrap_or(0.0));
        assert!(w > 0.0 && (h - w * 2.0 / 3.0).abs() < 1.0, "{label}: {t}");
        assert_eq!(
            t[3],
            json!(true),
            "{label}: the thumbnail is beside the title: {t}"
        );
        let loaded = loaded_photos(&b);
        assert!(
            loaded
                .iter()
                .any(|n| n.contains("/photos/cover-") && n.ends_with("-480.webp")),
            "{label}: the smallest WebP is fetched: {loaded:?}"
        );
        b.screenshot(&shots.join(format!("{label}-photos-search.png")));
    }
}
