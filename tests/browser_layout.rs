//! The built example site in real headless Chromium, at a phone's width and a desk's:
//! nothing sticks out sideways, the case page's metadata panel sits beside the text on a
//! desk and above it on a phone, and every page has its landmarks. Screenshots of each
//! page land in `target/screenshots/` for a person to look at.

mod common;

use common::webdriver::Browser;
use serde_json::json;
use std::path::Path;

const PAGES: &[&str] = &[
    "index.html",
    "cases/jinshan-jincheng/index.html",
    "regions/四川省/index.html",
    "stats/index.html",
    "search/index.html",
    "collections/2024-youxiu/index.html",
];

fn number(b: &Browser, script: &str) -> f64 {
    b.execute(script, json!([])).as_f64().unwrap_or(f64::NAN)
}

#[test]
fn pages_fit_phone_and_desk_widths() {
    let Some(b) = Browser::start_or_skip() else {
        return;
    };
    let out = tempfile::tempdir().expect("temp dir");
    common::build_example(out.path());
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&shots).expect("screenshot folder");
    for (label, width) in [("phone", 390), ("desk", 1280)] {
        b.set_window_size(width, 900);
        for page in PAGES {
            let url = format!(
                "file://{}/{}",
                out.path().display(),
                page.split('/')
                    .map(common::webdriver::encode)
                    .collect::<Vec<_>>()
                    .join("/")
            );
            b.goto(&url);
            let overflow = number(
                &b,
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
            );
            assert!(
                overflow <= 1.0,
                "{page} is {overflow}px wider than a {width}px window"
            );
            for landmark in [
                "header",
                "nav",
                "main",
                "footer",
                "h1",
                "form[role=search] input",
            ] {
                assert!(b.find(landmark).is_some(), "{page} has no {landmark}");
            }
            let name = format!("{label}-{}.png", page.replace(['/', '.'], "_"));
            b.screenshot(&shots.join(name));
        }
        let url = format!(
            "file://{}/cases/jinshan-jincheng/index.html",
            out.path().display()
        );
        b.goto(&url);
        let panel_right = number(
            &b,
            "return document.querySelector('.meta-panel').getBoundingClientRect().right;",
        );
        let panel_bottom = number(
            &b,
            "return document.querySelector('.meta-panel').getBoundingClientRect().bottom;",
        );
        let body_left = number(
            &b,
            "return document.querySelector('.case-body').getBoundingClientRect().left;",
        );
        let body_top = number(
            &b,
            "return document.querySelector('.case-body').getBoundingClientRect().top;",
        );
        if width < 600 {
            assert!(
                panel_bottom <= body_top + 1.0,
                "on a phone the metadata panel should come before the text"
            );
        } else {
            assert!(
                panel_right <= body_left + 1.0,
                "on a desk the metadata panel should sit beside the text"
            );
        }
        // Chinese text is set in a CJK font at a readable size and line height.
        let line_height = number(&b, "const s = getComputedStyle(document.querySelector('.prose p')); return parseFloat(s.lineHeight) / parseFloat(s.fontSize);");
        assert!(
            (1.6..=2.0).contains(&line_height),
            "body line height {line_height}"
        );
    }
}
