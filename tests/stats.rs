//! The numbers a reader, a funder or a data journalist checks: the statistics page,
//! term totals, `data/cases.json`, `data/cases.csv`, and the feeds that point at them.
//!
//! The fixture `stats-basic` has five published cases and a draft. Its totals, worked
//! out by hand from the front matter:
//!
//! | case | beneficiaries                         | funding                                   |
//! |------|---------------------------------------|-------------------------------------------|
//! | a    | 老年人 8000余人次, 儿童 500人          | 政府购买服务 120万元 (2023), 慈善基金 约35万元 (2024) |
//! | b    | 老年人 1200人次, 老年人 300人          | 政府购买服务 8000万元 (2023)               |
//! | c    | 社区居民 近10万人次                     | 社会募集 65000元 (no year; case dated 2021) |
//! | 社区基金 | 儿童 2.2万人                        | —                                         |
//! | f    | 志愿者 200多人                          | 福彩公益金 1.5亿元 (2022)                  |
//!
//! - 人次: 老年人 9200余 (8000余 + 1200), 社区居民 约10万; all 人次 约10.92万 (近 is not
//!   a lower bound, so the sum can only say 约).
//! - 人: 儿童 2.25万 (500 + 22000), 老年人 300, 志愿者 200余; all 人 2.3万余.
//! - Funding 231,615,000 yuan = 约2.32亿元; 政府购买服务 8120万元, 慈善基金 约35万元,
//!   社会募集 6.5万元, 福彩公益金 1.5亿元; per year 2021 6.5万元, 2022 1.5亿元,
//!   2023 8120万元, 2024 约35万元.
//! - 养老服务 (a, b, 社区基金): 3 cases, 约8155万元.

mod common;

use common::Site;
use std::collections::BTreeMap;

const BASE: &str = "https://example.org/anli/";

/// The page as a reader sees it: tags and drawings gone, whitespace collapsed.
fn visible_text(html: &str) -> String {
    let html = strip_blocks(html);
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Removes `<svg>…</svg>` and `<script>…</script>` blocks.
fn strip_blocks(html: &str) -> String {
    let mut s = html.to_string();
    for (open, close) in [("<svg", "</svg>"), ("<script", "</script>")] {
        while let Some(i) = s.find(open) {
            let Some(j) = s[i..].find(close) else { break };
            s.replace_range(i..i + j + close.len(), "");
        }
    }
    s
}

fn built() -> Site {
    let site = Site::from_fixture("stats-basic");
    site.build().assert_ok();
    site
}

fn assert_says(text: &str, phrase: &str) {
    assert!(text.contains(phrase), "expected \"{phrase}\" in:\n{text}");
}

#[test]
fn stats_page_totals_match_the_hand_count() {
    let site = built();
    let text = visible_text(&site.read("stats/index.html"));
    // The figures at the top.
    for phrase in [
        "案例 5",
        "省份 2",
        "地区 5",
        "服务机构 3",
        "服务品牌 2",
        "资金合计 约2.32亿元",
        "服务对象（人） 2.3万余",
        "服务对象（人次） 约10.92万",
    ] {
        assert_says(&text, phrase);
    }
    // 人次 and 人 of the same group stay apart.
    assert_says(&text, "老年人（人次） 2 9200余人次");
    assert_says(&text, "老年人（人） 1 300人");
    assert_says(&text, "儿童（人） 2 2.25万人");
    assert_says(&text, "社区居民（人次） 1 约10万人次");
    assert_says(&text, "志愿者（人） 1 200余人");
    // Funding per source (chart table) and per year; the year-less amount counts in 2021.
    assert_says(
        &text,
        "来源 金额 福彩公益金 1.5亿元 政府购买服务 8120万元 慈善基金 约35万元 社会募集 6.5万元",
    );
    assert_says(
        &text,
        "各年度资金 年度 案例数 金额 2024 1 约35万元 2023 2 8120万元 2022 1 1.5亿元 2021 1 6.5万元",
    );
    // Charts' tables: most cases first.
    assert_says(&text, "服务领域 案例数 社区治理 3 养老服务 3 儿童福利 2");
    assert_says(&text, "年度 案例数 2021 1 2022 2 2023 1 2024 1");
    // Breakdowns by domain, province, case year and funder.
    assert_says(&text, "养老服务 3 约8155万元 2.28万 9200余");
    assert_says(&text, "福建省 3 1.5亿元 2.22万余 约10万");
    assert_says(&text, "四川省 2 约8155万元 800 9200余");
    assert_says(&text, "政府购买服务 2 8120万元 2023");
    assert_says(&text, "社会募集 1 6.5万元 2021");
    // The draft is nowhere.
    assert!(!text.contains("草稿"), "a draft was counted:\n{text}");
    assert!(!text.contains("广东省"));
}

#[test]
fn stats_page_charts_are_accessible_svg_with_tables() {
    let site = built();
    let html = site.read("stats/index.html");
    let charts = html.matches("<svg class=\"chart-svg\"").count();
    // Domains, years, funding, beneficiaries in 人 and in 人次, provinces.
    assert_eq!(charts, 6, "one drawing per chart");
    assert_eq!(html.matches("role=\"img\"").count(), charts);
    let scripts: Vec<&str> = html
        .split("<script src=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    assert_eq!(
        scripts,
        ["../site.js"],
        "no chart library in the browser, only the site's menu script"
    );
    for title in [
        "各服务领域案例数",
        "各年份案例数",
        "各来源资金合计",
        "各类服务对象（人）",
        "各类服务对象（人次）",
        "各省份案例数",
    ] {
        assert!(
            html.contains(&format!("\">{title}</title>")),
            "{title} has a <title>"
        );
        assert!(html.contains(&format!("<figcaption>{title}</figcaption>")));
    }
    assert_eq!(html.matches("class=\"data chart-table\"").count(), charts);
    // Each drawing names its title and description.
    assert!(html.contains("aria-labelledby=\"chart-domains-title chart-domains-desc\""));
    assert!(html.contains(
        "<desc id=\"chart-funding-desc\">各来源资金合计: 福彩公益金 1.5亿元; 政府购买服务 8120万元"
    ));
    // Scales to the screen: a viewBox, sized by the stylesheet.
    assert!(html.contains("viewBox=\"0 0 380 "));
    assert!(site
        .read("style.css")
        .contains(".chart-svg { display: block; width: 100%; height: auto;"));
}

#[test]
fn term_pages_show_their_own_totals() {
    let site = built();
    let text = visible_text(&site.read("domains/养老服务/index.html"));
    assert_says(&text, "案例 3");
    assert_says(&text, "资金合计 约8155万元");
    assert_says(&text, "服务对象（人） 2.28万");
    assert_says(&text, "服务对象（人次） 9200余");
    assert_says(&text, "老年人 9200余人次 2");
    assert_says(&text, "老年人 300人 1");
    assert_says(&text, "政府购买服务 8120万元 2");
    let province = visible_text(&site.read("regions/福建省/index.html"));
    assert_says(&province, "案例 3");
    assert_says(&province, "资金合计 1.5亿元");
    assert_says(&province, "服务对象（人次） 约10万");
}

fn json(site: &Site) -> serde_json::Value {
    serde_json::from_str(&site.read("data/cases.json")).expect("cases.json is JSON")
}

#[test]
fn json_has_every_published_case_with_normalised_numbers() {
    let site = built();
    let data = json(&site);
    assert_eq!(data["schema"], "casebook/cases/1");
    assert_eq!(data["count"], 5);
    let cases = data["cases"].as_array().expect("cases");
    let slugs: Vec<&str> = cases.iter().filter_map(|c| c["slug"].as_str()).collect();
    assert_eq!(
        slugs,
        ["a", "b", "f", "社区基金", "c"],
        "newest first, no draft"
    );
    let a = &cases[0];
    assert_eq!(a["url"], format!("{BASE}cases/a/"));
    assert_eq!(a["province"], "四川省");
    assert_eq!(a["region"], serde_json::json!(["四川省", "乐山市"]));
    assert_eq!(
        a["beneficiaries"][0],
        serde_json::json!({"group": "老年人", "unit": "人次", "count": {"value": 8000, "text": "8000余", "approx": true}})
    );
    assert_eq!(
        a["funding"][1],
        serde_json::json!({"source": "慈善基金", "year": 2024, "amount": {"value": 350000, "text": "约35万元", "approx": true}})
    );
    assert_eq!(cases[4]["funding"][0]["year"], serde_json::Value::Null);
    assert_eq!(cases[2]["funding"][0]["amount"]["value"], 150_000_000);

    // Recompute the page's totals from the JSON alone.
    let mut funding = 0.0;
    let mut per_unit: BTreeMap<String, f64> = BTreeMap::new();
    for c in cases {
        for f in c["funding"].as_array().expect("funding") {
            funding += f["amount"]["value"].as_f64().expect("yuan");
        }
        for b in c["beneficiaries"].as_array().expect("beneficiaries") {
            let unit = b["unit"].as_str().expect("unit").to_string();
            *per_unit.entry(unit).or_default() += b["count"]["value"].as_f64().expect("count");
        }
    }
    assert_eq!(funding, 231_615_000.0);
    assert_eq!(per_unit["人次"], 109_200.0);
    assert_eq!(per_unit["人"], 23_000.0);
    // Each case also carries its own sums.
    assert_eq!(
        a["totals"]["funding"],
        serde_json::json!({"value": 1_550_000, "approx": true})
    );
    assert_eq!(cases[1]["totals"]["beneficiaries"]["人"]["value"], 300);
}

#[test]
fn csv_opens_in_excel_and_sums_to_the_same_totals() {
    let site = built();
    let bytes = std::fs::read(site.public().join("data/cases.csv")).expect("cases.csv");
    assert!(
        bytes.starts_with("\u{feff}".as_bytes()),
        "UTF-8 byte order mark for Excel"
    );
    let text = String::from_utf8(bytes[3..].to_vec()).expect("UTF-8");
    assert!(text.contains("\r\n"), "CRLF line ends");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    for col in [
        "slug",
        "title",
        "date",
        "url",
        "province",
        "region",
        "domains",
        "funding_yuan",
        "funding_approx",
        "beneficiaries_人",
        "beneficiaries_人次",
        "beneficiaries_人次_approx",
    ] {
        assert!(
            header.iter().any(|h| h == col),
            "column {col} in {header:?}"
        );
    }
    let rows: Vec<BTreeMap<String, String>> = reader
        .records()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.expect("row").iter().map(String::from))
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), 5, "one row per published case");
    let a = &rows[0];
    assert_eq!(a["slug"], "a");
    assert_eq!(a["region"], "四川省|乐山市");
    assert_eq!(a["domains"], "养老服务|儿童福利");
    assert_eq!(a["beneficiaries"], "老年人 8000余人次|儿童 500人");
    assert_eq!(
        a["funding"],
        "政府购买服务 120万元（2023）|慈善基金 约35万元（2024）"
    );
    assert_eq!(a["funding_yuan"], "1550000");
    assert_eq!(a["funding_approx"], "true");
    assert_eq!(a["beneficiaries_人次"], "8000");
    assert_eq!(a["beneficiaries_人次_approx"], "true");
    let sum = |col: &str| -> f64 {
        rows.iter()
            .filter(|r| !r[col].is_empty())
            .map(|r| r[col].parse::<f64>().expect("number"))
            .sum()
    };
    assert_eq!(sum("funding_yuan"), 231_615_000.0);
    assert_eq!(sum("beneficiaries_人次"), 109_200.0);
    assert_eq!(sum("beneficiaries_人"), 23_000.0);
    let b = &rows[1];
    assert_eq!(
        (
            b["beneficiaries_人次"].as_str(),
            b["beneficiaries_人"].as_str()
        ),
        ("1200", "300")
    );
    assert_eq!(rows[3]["funding_yuan"], "", "no funding is empty, not 0");
}

/// Percent-encodes what a URL path cannot hold as is (the sitemap's own rule).
fn encode(path: &str) -> String {
    path.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn parse(xml: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("not well-formed XML: {e}\n{xml}"))
}

fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &str) -> roxmltree::Node<'a, 'i> {
    n.children()
        .find(|c| c.tag_name().name() == name)
        .unwrap_or_else(|| panic!("<{name}> in <{}>", n.tag_name().name()))
}

const ATOM_NS: &str = "http://www.w3.org/2005/Atom";

#[test]
fn atom_feed_is_valid_and_lists_cases_under_the_sub_path() {
    let site = built();
    let xml = site.read("atom.xml");
    let doc = parse(&xml);
    let feed = doc.root_element();
    assert_eq!(feed.tag_name().namespace(), Some(ATOM_NS));
    assert_eq!(feed.tag_name().name(), "feed");
    assert_eq!(
        child(feed, "id").text(),
        Some(format!("{BASE}atom.xml").as_str())
    );
    assert_eq!(child(feed, "title").text(), Some("统计测试汇编"));
    assert_eq!(child(feed, "updated").text(), Some("2024-05-01T00:00:00Z"));
    assert!(child(child(feed, "author"), "name").text().is_some());
    let entries: Vec<_> = feed
        .children()
        .filter(|c| c.tag_name().name() == "entry")
        .collect();
    assert_eq!(entries.len(), 5, "published cases only");
    let links: Vec<&str> = entries
        .iter()
        .map(|e| child(*e, "link").attribute("href").expect("href"))
        .collect();
    assert_eq!(
        links,
        [
            format!("{BASE}cases/a/"),
            format!("{BASE}cases/b/"),
            format!("{BASE}cases/f/"),
            format!("{BASE}cases/%E7%A4%BE%E5%8C%BA%E5%9F%BA%E9%87%91/"),
            format!("{BASE}cases/c/"),
        ]
    );
    let a = entries[0];
    assert_eq!(
        child(a, "id").text(),
        Some(format!("{BASE}cases/a/").as_str())
    );
    assert_eq!(
        child(a, "summary").text(),
        Some("甲地社工站服务老人和儿童。")
    );
    let content = child(a, "content");
    assert_eq!(content.attribute("type"), Some("html"));
    assert_eq!(
        content.attribute(("http://www.w3.org/XML/1998/namespace", "base")),
        Some(format!("{BASE}cases/a/").as_str())
    );
    // The full text, as HTML whose relative links resolve against xml:base.
    let body = content.text().expect("content");
    assert!(body.contains("<h2"), "{body}");
    assert!(body.contains("href=\"../../cases/b/\""), "{body}");
    // The home page advertises the feed.
    assert!(site
        .read("index.html")
        .contains("type=\"application/atom+xml\""));
}

#[test]
fn sitemap_lists_every_page_under_the_sub_path() {
    let site = Site::from_fixture("stats-basic");
    // HTML pages of the site's own, copied from static/, are pages of the site too.
    site.write("static/partners/index.html", "<p>合作伙伴</p>");
    site.write("static/old-page.html", "<p>旧页面</p>");
    site.build().assert_ok();
    let xml = site.read("sitemap.xml");
    let doc = parse(&xml);
    let urlset = doc.root_element();
    assert_eq!(
        urlset.tag_name().namespace(),
        Some("http://www.sitemaps.org/schemas/sitemap/0.9")
    );
    let locs: Vec<String> = urlset
        .descendants()
        .filter(|n| n.tag_name().name() == "loc")
        .filter_map(|n| n.text().map(String::from))
        .collect();
    for loc in &locs {
        assert!(loc.starts_with(BASE), "{loc}");
        assert!(loc.is_ascii(), "percent-encoded: {loc}");
    }
    for expected in [
        String::new(),
        "stats/".into(),
        "cases/a/".into(),
        "cases/%E7%A4%BE%E5%8C%BA%E5%9F%BA%E9%87%91/".into(),
        "domains/%E5%85%BB%E8%80%81%E6%9C%8D%E5%8A%A1/".into(),
        "regions/%E5%9B%9B%E5%B7%9D%E7%9C%81/%E4%B9%90%E5%B1%B1%E5%B8%82/".into(),
        "partners/".into(),
        "old-page.html".into(),
    ] {
        assert!(
            locs.contains(&format!("{BASE}{expected}")),
            "{expected} in sitemap"
        );
    }
    assert!(!locs.iter().any(|l| l.contains("404")));
    assert!(xml.contains(&format!(
        "<loc>{BASE}cases/a/</loc><lastmod>2024-05-01</lastmod>"
    )));
    assert!(!locs.iter().any(|l| l.contains("draft-case")));
    // Every page the build wrote is listed (except 404.html), and nothing else.
    let mut pages: Vec<String> = walkdir::WalkDir::new(site.public())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .filter(|e| e.file_name() != "404.html")
        // Print editions (`print/`, `collections/<slug>/print/`) are noindex: not listed.
        .filter(|e| !e.path().ends_with("print/index.html"))
        .map(|e| {
            let rel = e.path().strip_prefix(site.public()).expect("inside public");
            let rel = rel.to_string_lossy().replace('\\', "/");
            let url = rel.strip_suffix("index.html").unwrap_or(&rel).to_string();
            format!("{BASE}{}", encode(&url))
        })
        .collect();
    pages.sort();
    let mut listed = locs.clone();
    listed.sort();
    assert_eq!(listed, pages);
    let robots = site.read("robots.txt");
    assert!(
        robots.contains(&format!("Sitemap: {BASE}sitemap.xml")),
        "{robots}"
    );
}

#[test]
fn without_base_url_the_feed_is_still_valid_and_there_is_no_sitemap() {
    let site = Site::from_fixture("stats-basic");
    site.write("casebook.yaml", "title: 统计测试汇编\n");
    site.build().assert_ok();
    let xml = site.read("atom.xml");
    let doc = parse(&xml);
    let ids: Vec<&str> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "id")
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(ids.len(), 6, "the feed's id and one per entry");
    assert!(ids.iter().all(|id| id.starts_with("urn:uuid:")), "{ids:?}");
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len());
    let hrefs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "link")
        .filter_map(|n| n.attribute("href"))
        .collect();
    assert!(
        hrefs.contains(&"cases/a/"),
        "relative to the feed: {hrefs:?}"
    );
    assert!(!site.exists("sitemap.xml"), "a sitemap needs absolute URLs");
    assert!(!site.read("robots.txt").contains("Sitemap:"));
    // Rebuilding gives the same ids, so feed readers do not see everything as new.
    site.build().assert_ok();
    assert_eq!(site.read("atom.xml"), xml);
}

#[test]
fn every_page_kind_has_a_description_and_canonical_url() {
    let site = built();
    for (page, description) in [
        ("index.html", "用于核对统计数字的小型案例汇编"),
        ("cases/a/index.html", "甲地社工站服务老人和儿童。"),
        (
            "cases/社区基金/index.html",
            "没有摘要的案例，描述取自正文。",
        ),
        ("cases/index.html", "全部案例：5 个案例"),
        (
            "domains/index.html",
            "服务领域：社区治理、养老服务、儿童福利",
        ),
        (
            "domains/养老服务/index.html",
            "服务领域“养老服务”：3 个案例。",
        ),
        ("stats/index.html", "5 个案例的数据统计"),
    ] {
        let html = site.read(page);
        assert!(
            html.contains(&format!(
                "<meta name=\"description\" content=\"{description}"
            )),
            "{page} should be described as {description}"
        );
        assert!(
            html.contains(&format!(
                "<meta property=\"og:description\" content=\"{description}"
            )),
            "{page}"
        );
        let url = page.trim_end_matches("index.html");
        assert!(
            html.contains(&format!("<link rel=\"canonical\" href=\"{BASE}{url}\">")),
            "{page} canonical"
        );
    }
}

#[test]
fn a_unit_written_in_the_count_is_not_mixed_with_people() {
    let site = Site::from_fixture("stats-basic");
    site.write(
        "content/cases/g.md",
        "---\ntitle: 单位写在数字里\ndate: 2020-01-01\nslug: g\nbeneficiaries:\n  - {group: 老年人, count: 800余人次}\n---\n正文。\n",
    );
    site.build().assert_ok();
    let text = visible_text(&site.read("stats/index.html"));
    // 9200余 + 800余 in 人次; the 人 total stays 2.3万余.
    assert_says(&text, "老年人（人次） 3 1万余人次");
    assert_says(&text, "服务对象（人） 2.3万余");
    let g = &json(&site)["cases"][5];
    assert_eq!(g["beneficiaries"][0]["unit"], "人次");

    site.write(
        "content/cases/g.md",
        "---\ntitle: 单位矛盾\ndate: 2020-01-01\nslug: g\nbeneficiaries:\n  - {group: 老年人, count: 800人次, unit: 人}\n---\n正文。\n",
    );
    let run = site.build();
    assert!(!run.ok());
    assert!(
        run.stderr().contains("content/cases/g.md:6")
            && run
                .stderr()
                .contains("the count says 人次 but the unit is 人"),
        "{}",
        run.stderr()
    );
}
