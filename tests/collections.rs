//! Collections and the print edition: resolution of `cases:` lists and `rule:`s, the
//! collection pages, the print HTML (every selected case, in order, with a table of
//! contents), and the errors an editor can make, each with file and line.

mod common;

use common::Site;

/// Byte positions of `needles` in `hay`; panics if one is missing.
fn positions(hay: &str, needles: &[&str]) -> Vec<usize> {
    needles
        .iter()
        .map(|n| {
            hay.find(n)
                .unwrap_or_else(|| panic!("{n:?} not found in:\n{hay}"))
        })
        .collect()
}

fn assert_in_order(hay: &str, needles: &[&str]) {
    let pos = positions(hay, needles);
    assert!(
        pos.windows(2).all(|w| w[0] < w[1]),
        "not in order {needles:?}: {pos:?}"
    );
}

/// The part of a print edition between two markers.
fn section<'a>(html: &'a str, from: &str, to: &str) -> &'a str {
    let start = html.find(from).unwrap_or_else(|| panic!("no {from}"));
    let end = html[start..].find(to).map_or(html.len(), |e| start + e);
    &html[start..end]
}

const A: &str = "甲：卫贤镇社区养老服务站";
const B: &str = "乙：白寺镇困境儿童关爱";
const C: &str = "丙：浚县社会救助全覆盖";
const D: &str = "丁：金山镇社工站为民服务";
const DRAFT: &str = "戊：尚未发布的草稿";

/// A file of the build output, with Tera's escaped slashes (`&#x2F;`) read as `/`.
fn read(site: &Site, rel: &str) -> String {
    site.read(rel).replace("&#x2F;", "/")
}

fn built() -> Site {
    let site = Site::from_fixture("collections-basic");
    site.build().assert_ok();
    site
}

#[test]
fn explicit_list_keeps_the_editors_order() {
    let site = built();
    let page = read(&site, "collections/annual/index.html");
    assert_in_order(&page, &[B, D, A, C]);
    assert!(page.contains("这是年度选编的编者按"));
    assert!(
        page.contains("href=\"../../collections/annual/print/\""),
        "links to its print edition"
    );

    let print = read(&site, "collections/annual/print/index.html");
    let toc = section(&print, "class=\"toc", "</nav>");
    assert_in_order(toc, &[B, D, A, C]);
    let body = section(&print, "<main>", "</main>");
    assert_in_order(body, &[B, D, A, C]);
    for (n, title) in [B, D, A, C].iter().enumerate() {
        assert_eq!(body.matches(title).count(), 1, "{title} once in the body");
        assert!(body.contains(&format!("<article class=\"case\" id=\"c{}\"", n + 1)));
        assert!(toc.contains(&format!("href=\"#c{}\"", n + 1)));
    }
    assert!(!print.contains(DRAFT));
}

#[test]
fn rules_select_matching_cases_and_group_by_region() {
    let site = built();
    let print = read(&site, "collections/xunxian/print/index.html");
    // region: 浚县 matches any level; newest first inside each group; the draft stays out.
    let toc = section(&print, "class=\"toc", "</nav>");
    assert_in_order(toc, &["一、卫贤镇", A, "二、白寺镇", B, "三、浚县", C]);
    assert!(!print.contains(D) && !print.contains(DRAFT));
    assert!(print.contains("第 2 期"), "issue on the cover");
    assert!(
        print.contains("浚县社会工作服务指导中心"),
        "editor on the cover"
    );

    let yanglao = read(&site, "collections/yanglao-2024/print/index.html");
    // domain 养老服务 and year 2024: 丁 and 甲, not 丙 (2023) nor 乙 (儿童福利).
    assert_in_order(
        section(&yanglao, "<main>", "</main>"),
        &["一、养老服务", D, A],
    );
    assert!(!yanglao.contains(B) && !yanglao.contains(C));
}

#[test]
fn collections_index_lists_every_collection_newest_first() {
    let site = built();
    let index = read(&site, "collections/index.html");
    assert_in_order(
        &index,
        &["2024年度优秀案例选编", "2024年养老服务案例", "《浚县社工》"],
    );
    assert!(index.contains("collections/xunxian/print/"));
    assert!(
        index.contains("href=\"../print/\""),
        "links to the compendium's print edition"
    );
    let sitemap = read(&site, "sitemap.xml");
    assert!(
        sitemap.contains("anli/collections/xunxian/</loc>"),
        "{sitemap}"
    );
    assert!(
        !sitemap.contains("print/"),
        "print editions are noindex: {sitemap}"
    );
    let home = read(&site, "index.html");
    assert!(
        home.contains("href=\"collections/\""),
        "the menu links to collections"
    );
}

#[test]
fn compendium_print_edition_has_cover_foreword_contents_and_every_case() {
    let site = built();
    let print = read(&site, "print/index.html");
    let cover = section(&print, "class=\"cover\"", "</section>");
    assert!(cover.contains("集合测试汇编") && cover.contains("测试编委会"));
    assert!(
        print.contains("这是首页的介绍文字"),
        "home intro as foreword"
    );
    assert!(print.contains("print.css"));
    // Grouped by first domain, groups in order of their newest case.
    let toc = section(&print, "class=\"toc", "</nav>");
    assert_in_order(
        toc,
        &["一、养老服务", D, A, "二、儿童福利", B, "三、社会救助", C],
    );
    assert_eq!(toc.matches("class=\"toc-page\"").count(), 4);
    let body = section(&print, "<main>", "</main>");
    assert_in_order(body, &[D, A, B, C]);
    assert!(!print.contains(DRAFT));
    // Metadata table and running headers.
    assert!(body.contains("<table class=\"meta\">"));
    assert!(body.contains("鹤壁七彩社会工作服务中心"));
    assert!(body.contains("老年人 8000余人次"));
    assert!(body.contains("政府购买服务 12万元（2024年）"));
    assert!(print.contains("@page c2 { @top-right { content: \"甲：卫贤镇社区养老服务站\"; } }"));
    // A link to a case in the book becomes an in-document anchor; ids stay unique.
    assert!(body.contains("href=\"#c3-%E5%81%9A%E6%B3%95\""), "{body}");
    assert!(body.contains("id=\"c3-做法\""));
    assert!(body.contains("id=\"c2-做法\""));
    assert!(body.contains("href=\"https://example.com/report\""));
    // Case headings sit below the case title.
    assert!(body.contains("<h3 id=\"c2-背景\">"), "{body}");
}

#[test]
fn print_edition_works_without_collections_or_cases() {
    let site = Site::from_fixture("collections-basic");
    for f in ["annual", "xunxian", "yanglao-2024"] {
        std::fs::remove_file(site.root().join(format!("content/collections/{f}.md"))).unwrap();
    }
    for f in ["a-yanglao", "b-ertong", "c-jiuzhu", "d-jinshan", "e-draft"] {
        std::fs::remove_file(site.root().join(format!("content/cases/{f}.md"))).unwrap();
    }
    site.build().assert_ok();
    assert!(read(&site, "collections/index.html").contains("还没有汇编"));
    let print = read(&site, "print/index.html");
    assert!(print.contains("还没有案例"));
    assert!(!read(&site, "index.html").contains("href=\"collections/\""));
}

#[test]
fn every_collection_error_is_reported_with_file_and_line_and_nothing_is_written() {
    let site = Site::from_fixture("collections-errors");
    // A previous build's output (it carries casebook's marker, so a build may replace it).
    site.write("public/.casebook-output", "");
    site.write("public/marker.txt", "previous build");
    let run = site.build();
    assert_eq!(run.code(), Some(1));
    let err = run.stderr();
    let expect = [
        (
            "content/collections/bad-list.md:6:5: field `cases`: no case has the slug \"a-yanglo\"",
            "did you mean \"a-yanglao\"?",
        ),
        (
            "content/collections/bad-list.md:7:5: field `cases`: the case \"e-draft\" is a draft",
            "removing `draft: true`",
        ),
        (
            "content/collections/bad-list.md:8:5: field `cases`: the case \"a-yanglao\" is listed twice (first on line 5)",
            "",
        ),
        (
            "content/collections/flow-typo.md:4:20: field `cases`: no case has the slug \"b-ertnog\"",
            "did you mean \"b-ertong\"?",
        ),
        (
            "content/collections/bad-rule.md:5: field `rule`: `domian` is not something a rule can match",
            "did you mean `domain`?",
        ),
        (
            "content/collections/bad-rule.md:6: field `group_by`: \"town\" is not a way to group cases",
            "",
        ),
        (
            "content/collections/both.md:5: field `rule`: a collection has either a `cases:` list or a `rule:`, not both",
            "",
        ),
        (
            "content/collections/neither.md:1: field `cases`: the collection does not say which cases it holds",
            "",
        ),
    ];
    for (line, hint) in expect {
        assert!(err.contains(line), "missing {line:?} in:\n{err}");
        assert!(err.contains(hint), "missing hint {hint:?} in:\n{err}");
    }
    assert!(err.contains("8 errors"), "{err}");
    assert_eq!(
        std::fs::read_to_string(site.public().join("marker.txt")).unwrap(),
        "previous build"
    );
    assert!(!site.exists("collections/index.html"));
}

#[test]
fn drafts_may_be_listed_when_building_with_drafts() {
    let site = Site::from_fixture("collections-basic");
    site.write(
        "content/collections/preview.md",
        "---\ntitle: 预览\ndate: 2024-12-01\ncases: [e-draft, a-yanglao]\n---\n",
    );
    let run = site.build();
    assert_eq!(run.code(), Some(1));
    assert!(run.stderr().contains("preview.md:4:9"), "{}", run.stderr());
    site.run(&["build", "--drafts"]).assert_ok();
    let print = read(&site, "collections/preview/print/index.html");
    assert_in_order(section(&print, "<main>", "</main>"), &[DRAFT, A]);
}

#[test]
fn rule_values_no_case_has_are_warned_about() {
    let site = Site::from_fixture("collections-basic");
    site.write(
        "content/collections/typo.md",
        "---\ntitle: 错字\ndate: 2024-12-01\nrule: {domain: 养老服物}\n---\n",
    );
    let run = site.build();
    run.assert_ok();
    let err = run.stderr();
    assert!(
        err.contains("warning: content/collections/typo.md:4: field `rule.domain`: no case has domain \"养老服物\""),
        "{err}"
    );
    assert!(err.contains("did you mean \"养老服务\"?"), "{err}");
    assert!(err.contains("the rule selects no case"), "{err}");
}

#[test]
fn print_edition_holds_each_body_once_with_no_placeholder_left() {
    let site = built();
    let print = read(&site, "collections/annual/print/index.html");
    let body = section(&print, "<main>", "</main>");
    for text in ["甲的做法。", "乙的做法。", "乙的脚注。"] {
        assert_eq!(body.matches(text).count(), 1, "{text} once in:\n{body}");
    }
    // Headings are demoted and ids prefixed by the case's anchor; a link to another case
    // (甲 links to 乙's 做法) goes to its place in the book.
    assert!(body.contains("<h3 id=\"c3-做法\">"), "{body}");
    assert!(body.contains("href=\"#c1-%E5%81%9A%E6%B3%95\""), "{body}");
    assert!(!print.contains("casebook-body"), "no marker left: {print}");
}

#[test]
fn a_themes_own_print_template_gets_every_body_in_its_order() {
    let site = Site::from_fixture("collections-basic");
    // Bodies shown newest last, each twice: the book cannot be written in parts in
    // book order, so it is rendered whole.
    site.write(
        "templates/print.html",
        "<main>{% for c in cases | reverse %}<article>{{ c.title }}{{ c.body | safe }}\
         <aside>{{ c.body | safe }}</aside></article>{% endfor %}</main>",
    );
    site.build().assert_ok();
    let print = read(&site, "collections/annual/print/index.html");
    assert_in_order(&print, &[C, A, D, B]);
    assert_eq!(print.matches("甲的做法。").count(), 2, "{print}");
    assert!(!print.contains("casebook-body"), "no marker left: {print}");
    // A template that escapes the body shows the HTML as text, as it asked.
    site.write(
        "templates/print.html",
        "{% for c in cases %}<pre>{{ c.body }}</pre>{% endfor %}",
    );
    site.build().assert_ok();
    let print = read(&site, "collections/annual/print/index.html");
    assert!(print.contains("&lt;h3"), "{print}");
    assert!(!print.contains("casebook-body"), "no marker left: {print}");
}

#[test]
fn a_template_that_shows_only_its_first_bodies_gets_just_those() {
    let site = Site::from_fixture("collections-basic");
    // The first three bodies come once each and in order (as a book of three cases would
    // show them), the fourth not at all: the book is still what the template says.
    site.write(
        "templates/print.html",
        "<main>{% for c in cases %}<article>{{ c.title }}\
         {% if loop.index <= 3 %}{{ c.body | safe }}{% endif %}</article>{% endfor %}</main>",
    );
    site.build().assert_ok();
    let print = read(&site, "collections/annual/print/index.html");
    assert_in_order(&print, &[B, D, A, C]);
    assert!(!print.contains("casebook-body"), "no marker left: {print}");
    let articles: Vec<&str> = print.split("<article>").skip(1).collect();
    assert_eq!(articles.len(), 4, "{print}");
    assert!(articles[..3].iter().all(|a| a.contains("<p>")), "{print}");
    assert!(
        !articles[3].contains("<p>"),
        "no body in the fourth: {print}"
    );
}
