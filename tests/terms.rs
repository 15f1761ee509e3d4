//! Taxonomy terms whose pages would share a file name (issue 20, item 8): "NGO", "ngo"
//! and "ＮＧＯ", or "Café" typed and "Café" pasted, are one term with one page and a
//! warning for each case that spells it another way; names that only a web address
//! cannot tell apart ("社区/养老" and "社区 养老") keep pages of their own. The
//! `term-spellings` fixture writes each of these; on Linux the build before this wrote
//! a page per spelling, which overwrite each other on macOS and Windows.

mod common;

use common::{fixture_path, Site};
use std::collections::HashMap;
use std::path::Path;
use unicode_normalization::UnicodeNormalization;

/// The form in which macOS, Windows and many web hosts see two file names as one.
fn folded(name: &str) -> String {
    name.nfkc().flat_map(char::to_lowercase).collect()
}

/// Every pair of names in one folder of `dir` that are the same name there.
fn collisions(dir: &Path) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.expect("walk the output");
        if !entry.file_type().is_dir() {
            continue;
        }
        let mut seen: HashMap<String, String> = HashMap::new();
        for child in std::fs::read_dir(entry.path()).expect("read folder") {
            let name = child
                .expect("folder entry")
                .file_name()
                .to_string_lossy()
                .into_owned();
            if let Some(other) = seen.insert(folded(&name), name.clone()) {
                found.push((other, format!("{}/{name}", entry.path().display())));
            }
        }
    }
    found
}

/// The addresses of the cases a listing page links to, in order.
fn case_links(page: &str) -> Vec<String> {
    let mut out: Vec<String> = page
        .split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|h| h.contains("cases/") && h.ends_with("-shequ/"))
        .map(|h| h.rsplit("cases/").next().unwrap_or("").to_string())
        .collect();
    out.dedup();
    out
}

#[test]
fn terms_spelled_in_another_case_width_or_encoding_get_one_page() {
    let site = Site::from_fixture("term-spellings");
    site.build().assert_ok();
    assert_eq!(collisions(&site.public()), Vec::new());

    // One tag, spelled as most cases spell it, listing every case that has it.
    assert!(!site.exists("tags/ngo") && !site.exists("tags/ＮＧＯ"));
    assert_eq!(
        case_links(&site.read("tags/NGO/index.html")),
        ["a-shequ/", "b-shequ/", "c-shequ/", "d-shequ/"]
    );
    for case in ["b-shequ", "c-shequ"] {
        let page = site.read(&format!("cases/{case}/index.html"));
        assert!(
            page.contains("href=\"../../tags/NGO/\">NGO<"),
            "{case} links its tag as the site spells it:\n{page}"
        );
    }
    // Composed and decomposed accents: one page, in the composed form.
    assert_eq!(
        case_links(&site.read("tags/Caf\u{e9}/index.html")),
        ["d-shequ/", "e-shequ/"]
    );
    // An organization is spelled as the data file lists it, though fewer cases do, and
    // every case shows its details.
    assert_eq!(
        case_links(&site.read("organizations/ABC公益服务中心/index.html")),
        ["a-shequ/", "b-shequ/", "c-shequ/"]
    );
    assert!(site
        .read("cases/b-shequ/index.html")
        .contains("https://abc.example.org/"));
    // A region level is one under its parent, and its places below it too.
    assert!(!site.exists("regions/四川省/leshan"));
    assert_eq!(
        case_links(&site.read("regions/四川省/Leshan/五通桥区/index.html")),
        ["a-shequ/", "b-shequ/"]
    );
    // The open data says what the pages say.
    let csv = site.read("data/cases.csv");
    let b = csv
        .lines()
        .find(|l| l.starts_with("b-shequ,"))
        .expect("b-shequ in cases.csv");
    assert!(b.contains(",NGO|社工站,") && b.contains("|Leshan|"), "{b}");
    // A collection's rule written in another spelling selects the term.
    assert_eq!(
        case_links(&site.read("collections/ngo/index.html")),
        ["a-shequ/", "b-shequ/", "c-shequ/", "d-shequ/"]
    );
}

#[test]
fn each_other_spelling_is_a_warning_naming_both_files_and_lines() {
    let site = Site::from_fixture("term-spellings");
    let check = site.run(&["check"]);
    assert_eq!(check.code(), Some(0), "warnings only:\n{}", check.stdout());
    assert_eq!(site.run(&["check", "--strict"]).code(), Some(2));
    let build = site.build();
    build.assert_ok();
    let expected = [
        "content/cases/b-shequ.md:8: field `tags`: the tag \"ngo\" and the tag \"NGO\" (written so in 2 cases, like content/cases/a-shequ.md:12) differ only in upper/lower case, full-width letters or accents",
        "hint: write \"NGO\" here too (copy it from content/cases/a-shequ.md:12)",
        "content/cases/c-shequ.md:8: field `tags`: the tag \"ＮＧＯ\" and the tag \"NGO\"",
        "content/cases/e-shequ.md:7: field `tags`: the tag \"Cafe\u{301}\" looks the same as \"Caf\u{e9}\" (written so in content/cases/d-shequ.md:7)",
        "content/cases/b-shequ.md:5: field `region`: the region \"leshan\" and the region \"Leshan\" (written so in 6 cases, like content/cases/a-shequ.md:5)",
        "content/cases/a-shequ.md:6: field `organization`: the organization \"abc公益服务中心\" and the organization \"ABC公益服务中心\" (listed so in data/organizations.yaml, and written so in content/cases/c-shequ.md:6)",
        "content/cases/b-shequ.md:6: field `organization`:",
    ];
    common::assert_both_say(&check, &build, &expected);
    let out = check.stdout();
    // Six spellings, and `check`'s typo warning for "NGO." (its own tag, below).
    assert_eq!(out.matches("warning:").count(), 7, "{out}");
    assert!(out.contains("content/cases/f-shequ.md:7: field `tags`: \"NGO.\" looks like a typo"));
    assert!(
        !out.contains("is not in data/organizations.yaml"),
        "the organization is found under the listed spelling:\n{out}"
    );
}

#[test]
fn names_only_a_web_address_cannot_tell_apart_keep_their_own_pages() {
    let site = Site::from_fixture("term-spellings");
    site.build().assert_ok();
    let f = site.read("cases/f-shequ/index.html");
    let g = site.read("cases/g-shequ/index.html");
    let href = |page: &str, text: &str| -> String {
        let end = page
            .find(&format!("/\">{text}<"))
            .unwrap_or_else(|| panic!("a link to {text}"));
        let start = page[..end].rfind("href=\"../../").expect("href") + "href=\"../../".len();
        format!("{}/", &page[start..end])
    };
    let (slash, space) = (href(&f, "社区/养老"), href(&g, "社区 养老"));
    assert_ne!(slash, space);
    assert_eq!(
        case_links(&site.read(&format!("{slash}index.html"))),
        ["f-shequ/"]
    );
    assert_eq!(
        case_links(&site.read(&format!("{space}index.html"))),
        ["g-shequ/"]
    );
    // "NGO." is its own tag; "NGO", written as its address, keeps its plain one.
    let dot = href(&f, "NGO.");
    assert!(dot.starts_with("tags/NGO-"), "{dot}");
    assert_eq!(
        case_links(&site.read(&format!("{dot}index.html"))),
        ["f-shequ/"]
    );
    assert!(site.exists("tags/NGO/index.html"));
}

#[test]
fn the_fixture_writes_every_spelling() {
    // Guards the fixture: an editor's "fix" of the spellings would make the tests pass
    // for nothing.
    let read = |rel: &str| {
        std::fs::read_to_string(fixture_path("term-spellings").join(rel)).expect("fixture file")
    };
    assert!(read("content/cases/b-shequ.md").contains("tags: [ngo,"));
    assert!(read("content/cases/c-shequ.md").contains("tags: [ＮＧＯ]"));
    assert!(read("content/cases/e-shequ.md").contains("Cafe\u{301}"));
    assert!(read("content/cases/d-shequ.md").contains("Caf\u{e9}"));
}
