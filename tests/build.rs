//! `casebook build` on small fixture sites: the output paths that readers bookmark,
//! drafts, sub-path hosting, sanitising, and every content error an editor can make.

mod common;

use common::Site;

fn hrefs(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect()
}

#[test]
fn builds_every_contract_path() {
    let site = Site::from_fixture("basic");
    site.build().assert_ok();
    for path in [
        "index.html",
        "404.html",
        "cases/index.html",
        "cases/jinshan-jincheng/index.html",
        "cases/tuwei/index.html",
        // The file stem is the default slug, even a Chinese one.
        "cases/海天社区/index.html",
        "about/index.html",
        "regions/index.html",
        "regions/四川省/index.html",
        "regions/四川省/乐山市/index.html",
        "regions/四川省/乐山市/五通桥区/金山镇/index.html",
        "domains/index.html",
        "domains/养老服务/index.html",
        "tags/五社联动/index.html",
        "organizations/乐山初心社会工作服务中心/index.html",
        "brands/金诚所至/index.html",
        "beneficiaries/老年人/index.html",
        "funding/政府购买服务/index.html",
        "years/2024/index.html",
        "style.css",
        "images/logo.png",
    ] {
        assert!(site.exists(path), "missing {path}");
    }
}

#[test]
fn case_page_shows_metadata_body_and_neighbours() {
    let site = Site::from_fixture("basic");
    site.build().assert_ok();
    let html = site.read("cases/jinshan-jincheng/index.html");
    assert!(html.contains("<h1 id=\"case-title\">金山镇社工站“金诚所至”为民服务品牌</h1>"));
    // Region breadcrumb links each level.
    assert!(html.contains("href=\"../../regions/四川省/乐山市/\""));
    // Organization details from data/organizations.yaml.
    assert!(html.contains("https://chuxin.example.org/"));
    assert!(html.contains("8000余人次"));
    assert!(html.contains("40万元"));
    // Chinese heading anchors, tables, footnotes, highlighted code.
    assert!(html.contains("id=\"背景与需求\""));
    assert!(html.contains("<table>"));
    assert!(html.contains("footnote"));
    assert!(html.contains("hl-"));
    // Related case (same town and domain family) and previous/next.
    assert!(html.contains("class=\"related\""));
    assert!(html.contains("rel=\"prev\" href=\"../../cases/tuwei/\""));
    assert!(html.contains("rel=\"next\""));
    // Internal links in the body were checked and made relative.
    assert!(html.contains("href=\"../../cases/tuwei/\">土味金山"));
    assert!(html.contains("href=\"../../about/\""));
    assert!(html.contains("href=\"../../cases/tuwei/\">同目录文件"));
}

#[test]
fn province_page_lists_cities_and_all_cases_below() {
    let site = Site::from_fixture("basic");
    site.build().assert_ok();
    let html = site.read("regions/四川省/index.html");
    assert!(html.contains("乐山市"));
    assert!(html.contains("金山镇社工站"));
    assert!(html.contains("土味金山"));
    assert!(!html.contains("海天社区"));
}

#[test]
fn listings_are_paginated() {
    let site = Site::from_fixture("basic");
    site.build().assert_ok();
    // paginate: 2 and three published cases.
    assert!(site.exists("cases/page/2/index.html"));
    let p2 = site.read("cases/page/2/index.html");
    assert!(p2.contains("rel=\"prev\" href=\"../../../cases/\""), "{p2}");
    assert!(site.exists("domains/养老服务/index.html"));
}

#[test]
fn a_long_listing_links_its_ends_and_the_pages_near_this_one() {
    let site = Site::from_fixture("basic");
    site.write(
        "casebook.yaml",
        "title: 测试汇编\nbase_url: https://example.org/anli/\npaginate: 1\n",
    );
    for i in 1..=12 {
        site.write(
            &format!("content/cases/more/c{i:02}.md"),
            &format!(
                "---\ntitle: 第{i}个案例\ndate: 2024-01-{i:02}\nslug: more-{i:02}\nregion: [福建省, 厦门市]\ndomains: [社区治理]\n---\n正文{i}。\n"
            ),
        );
    }
    site.build().assert_ok();
    // 12 + 3 published cases, one a page: 15 pages. Page 8 links 1, 7, 8, 9 and 15.
    let page = site.read("cases/page/8/index.html");
    let pager = &page[page.find("class=\"pager\"").expect("a pager")..];
    let pager = &pager[..pager.find("</nav>").expect("the pager's end")];
    let numbers: Vec<&str> = pager
        .split("</a>")
        .filter_map(|a| a.rsplit('>').next())
        .filter(|t| t.chars().all(|c| c.is_ascii_digit()) && !t.is_empty())
        .collect();
    assert_eq!(numbers, ["1", "7", "8", "9", "15"], "{pager}");
    assert_eq!(pager.matches("…").count(), 2, "a gap on each side: {pager}");
    assert!(pager.contains("aria-current=\"page\" href=\"../../../cases/page/8/\">8</a>"));
    assert!(pager.contains("href=\"../../../cases/page/15/\">15</a>"));
    // Every page the pager leaves out exists and is reachable step by step.
    for n in 2..=15 {
        let page = site.read(&format!("cases/page/{n}/index.html"));
        let prev = if n == 2 {
            "rel=\"prev\" href=\"../../../cases/\"".to_string()
        } else {
            format!("rel=\"prev\" href=\"../../../cases/page/{}/\"", n - 1)
        };
        assert!(
            page.contains(&prev),
            "page {n} does not lead back to page {}",
            n - 1
        );
    }
}

#[test]
fn drafts_appear_nowhere_unless_asked() {
    let site = Site::from_fixture("basic");
    site.build().assert_ok();
    assert!(!site.exists("cases/unfinished-draft/index.html"));
    for entry in walkdir::WalkDir::new(site.public()) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            assert!(
                !text.contains("未完成的草稿案例"),
                "draft leaked into {}",
                entry.path().display()
            );
        }
    }
    assert!(!site.exists("domains/社区治理/index.html"));
    site.run(&["build", "--drafts"]).assert_ok();
    assert!(site
        .read("cases/unfinished-draft/index.html")
        .contains("未完成的草稿案例"));
}

#[test]
fn works_under_a_sub_path() {
    let site = Site::from_fixture("basic");
    site.build().assert_ok();
    for page in [
        "index.html",
        "cases/jinshan-jincheng/index.html",
        "regions/四川省/乐山市/index.html",
    ] {
        let html = site.read(page);
        for href in hrefs(&html) {
            let internal_absolute = href.starts_with('/') && !href.starts_with("//");
            assert!(
                !internal_absolute,
                "{page} has a root-absolute link {href}, which breaks under /anli/"
            );
        }
        assert!(
            html.contains("<link rel=\"canonical\" href=\"https://example.org/anli/"),
            "{page}"
        );
    }
    // --base-url overrides the config, for preview hosts.
    site.run(&["build", "--base-url", "https://preview.example.net/x"])
        .assert_ok();
    assert!(site
        .read("index.html")
        .contains("href=\"https://preview.example.net/x/\""));
}

#[test]
fn raw_html_is_sanitised_by_default_and_allowed_when_trusted() {
    let site = Site::from_fixture("basic");
    site.build().assert_ok();
    let html = site.read("cases/tuwei/index.html");
    assert!(!html.contains("alert(\"xss\")"), "script survived");
    assert!(!html.contains("onerror"), "event handler survived");
    assert!(
        !html.contains("javascript:alert"),
        "javascript: link survived"
    );
    assert!(html.contains("社工站组织农户参加新春土货大集市"));
    let config = std::fs::read_to_string(site.root().join("casebook.yaml")).unwrap();
    site.write("casebook.yaml", &format!("{config}trusted_html: true\n"));
    site.build().assert_ok();
    assert!(site
        .read("cases/tuwei/index.html")
        .contains("<script>alert(\"xss\")</script>"));
}

#[test]
fn english_ui_when_the_site_says_so() {
    let site = Site::from_fixture("basic");
    site.write("casebook.yaml", "title: Test compendium\nlanguage: en\n");
    site.build().assert_ok();
    let html = site.read("index.html");
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("Featured cases"));
    assert!(!html.contains("推荐案例"));
}

#[test]
fn site_templates_override_the_theme() {
    let site = Site::from_fixture("basic");
    site.write("templates/page.html", "<p>OVERRIDDEN {{ page_title }}</p>");
    site.build().assert_ok();
    assert_eq!(
        site.read("about/index.html"),
        "<p>OVERRIDDEN 关于本汇编</p>"
    );
}

#[test]
fn empty_site_builds_with_an_empty_state() {
    let site = Site::from_fixture("empty");
    site.build().assert_ok();
    let html = site.read("index.html");
    assert!(html.contains("还没有案例"), "{html}");
    assert!(site.exists("404.html"));
    assert!(site.exists("regions/index.html"));
}

/// Every problem of the broken fixture, as (file, line, words the message must contain).
const EXPECTED_ERRORS: &[(&str, usize, &str)] = &[
    ("content/cases/bad-count.md", 5, "\"很多\""),
    ("content/cases/bad-count.md", 7, "\"一大笔钱\""),
    (
        "content/cases/bad-date.md",
        3,
        "\"2023-02-30\" is not a real date",
    ),
    ("content/cases/broken-link.md", 7, "/cases/no-such-case/"),
    ("content/cases/dup-b.md", 4, "same-slug"),
    ("content/cases/missing.md", 1, "`title` is missing"),
    ("content/cases/missing.md", 1, "`date` is missing"),
    ("content/cases/unclosed.md", 1, "never closed"),
    (
        "content/cases/wrong-type.md",
        4,
        "field `domains`: should be a list",
    ),
    (
        "content/cases/wrong-type.md",
        5,
        "field `beneficiaries`: should be a list",
    ),
    ("content/cases/yaml-syntax.md", 5, "YAML is not valid"),
];

#[test]
fn every_content_error_is_reported_together_with_file_and_line() {
    let site = Site::from_fixture("broken");
    let run = site.build();
    assert_eq!(run.code(), Some(1));
    let err = run.stderr();
    for (file, line, words) in EXPECTED_ERRORS {
        let found = err
            .lines()
            .any(|l| l.starts_with(&format!("error: {file}:{line}")) && l.contains(words));
        assert!(
            found,
            "no error at {file}:{line} mentioning {words}; got:\n{err}"
        );
    }
    // Each error comes with a hint saying what would be right.
    let errors = err
        .lines()
        .filter(|l| l.starts_with("error: content/"))
        .count();
    let hints = err
        .lines()
        .filter(|l| l.trim_start().starts_with("hint:"))
        .count();
    assert!(
        hints >= errors,
        "{errors} errors but only {hints} hints:\n{err}"
    );
    assert!(err.contains("nothing was written"));
    assert!(!site.exists("index.html"));
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = Site::from_fixture("basic");
    site.build().assert_ok();
    let before = snapshot(&site.public());
    site.write(
        "content/cases/sichuan/jinshan.md",
        "---\ntitle: 坏了\ndate: 2024-13-45\n---\n",
    );
    let run = site.build();
    assert_eq!(run.code(), Some(1));
    assert!(
        run.stderr().contains("content/cases/sichuan/jinshan.md:3"),
        "{}",
        run.stderr()
    );
    assert_eq!(
        before,
        snapshot(&site.public()),
        "public/ changed after a failed build"
    );
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging") && n != ".public.staging-spare")
        .collect();
    assert!(
        leftovers.is_empty(),
        "staging folder left behind: {leftovers:?}"
    );
}

fn snapshot(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn invalid_utf8_is_named_with_its_line() {
    let site = Site::from_fixture("basic");
    // "标题" in GBK, as saved by some Windows editors, on line 2.
    let mut bytes = b"---\ntitle: ".to_vec();
    bytes.extend_from_slice(&[0xB1, 0xEA, 0xCC, 0xE2]);
    bytes.extend_from_slice(b"\ndate: 2024-01-01\n---\n");
    std::fs::write(site.root().join("content/cases/gbk.md"), bytes).unwrap();
    let run = site.build();
    assert_eq!(run.code(), Some(1));
    assert!(
        run.stderr()
            .contains("error: content/cases/gbk.md:2: is not valid UTF-8"),
        "{}",
        run.stderr()
    );
    assert!(run.stderr().contains("UTF-8"));
}

#[test]
fn config_without_title_is_an_error() {
    let site = Site::from_fixture("basic");
    site.write("casebook.yaml", "description: 没有标题\n");
    let run = site.build();
    assert_eq!(run.code(), Some(1));
    assert!(
        run.stderr().contains("error: casebook.yaml"),
        "{}",
        run.stderr()
    );
    assert!(run.stderr().contains("no title"));
    assert!(
        run.stderr().contains("title: "),
        "hint shows how to write it"
    );
}

#[test]
fn missing_config_says_how_to_start() {
    let site = Site::empty();
    let run = site.build();
    assert_eq!(run.code(), Some(1));
    assert!(run.stderr().contains("casebook init"), "{}", run.stderr());
}

#[test]
fn home_introduction_needs_no_front_matter() {
    let site = Site::from_fixture("basic");
    site.write("content/_index.md", "只有一段介绍文字，没有元数据。\n");
    site.build().assert_ok();
    assert!(site.read("index.html").contains("只有一段介绍文字"));
}
