//! Snapshots of what users read: `check`'s report (human and JSON) on the broken fixture,
//! and the main content of a case page, a term page and the statistics page of the
//! example site in this repository. A change to any of them shows as a diff; when it is
//! intended, accept it with `INSTA_UPDATE=always cargo test --test snapshots` (or
//! `cargo insta review`) and commit the updated `tests/snapshots/*.snap` with it.

mod common;

use common::Site;
use std::path::Path;

/// The report with its one varying part, the time taken (`0.07s`), replaced.
fn without_time(text: &str) -> String {
    text.split(' ')
        .map(|word| {
            let number = word.trim_end_matches([':', ',', ';']).strip_suffix('s');
            match number {
                Some(n) if n.contains('.') && n.parse::<f64>().is_ok() => {
                    word.replacen(n, "[time]", 1)
                }
                _ => word.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn check_report_for_people() {
    let site = Site::from_fixture("check-broken");
    let run = site.run(&["check"]);
    assert_eq!(run.code(), Some(1));
    insta::assert_snapshot!(without_time(&run.stdout()));
}

#[test]
fn check_report_as_json() {
    let site = Site::from_fixture("check-broken");
    let run = site.run(&["check", "--format", "json"]);
    assert_eq!(run.code(), Some(1));
    insta::assert_snapshot!(run.stdout());
}

/// The example site in this repository, built once for the page snapshots.
fn example_site() -> &'static Path {
    static OUT: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    OUT.get_or_init(|| {
        let out = tempfile::tempdir().expect("temp dir");
        common::build_example(&out.path().join("public"));
        out
    })
    .path()
}

/// The `<main>` element of a built page: the page's own content, without the header
/// and footer every page shares.
fn main_of(page: &str) -> String {
    let path = example_site().join("public").join(page);
    let html = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{page}: {e}"));
    let start = html
        .find("<main")
        .unwrap_or_else(|| panic!("no <main> in {page}"));
    let end = html[start..]
        .find("</main>")
        .map(|i| start + i + "</main>".len())
        .unwrap_or_else(|| panic!("no </main> in {page}"));
    html[start..end].to_string()
}

#[test]
fn case_page() {
    insta::assert_snapshot!(main_of("cases/haiyan-dianliang-xingdeng/index.html"));
}

#[test]
fn term_page() {
    insta::assert_snapshot!(main_of("domains/乡村振兴/index.html"));
}

#[test]
fn stats_page() {
    insta::assert_snapshot!(main_of("stats/index.html"));
}
