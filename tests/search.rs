//! `casebook build` writes a search index that `casebook search` answers from: exact
//! Chinese phrases, AND of terms, case and width folding, facets, and the JSON output that
//! scripts use. Runs the real binary on `tests/fixtures/search`.

mod common;

use common::Site;
use serde_json::Value;

fn built() -> Site {
    let site = Site::from_fixture("search");
    site.build().assert_ok();
    site
}

fn json(site: &Site, args: &[&str]) -> Value {
    let mut all = vec!["search", "--json"];
    all.extend_from_slice(args);
    let run = site.run(&all);
    run.assert_ok();
    serde_json::from_str(&run.stdout())
        .unwrap_or_else(|e| panic!("bad JSON ({e}):\n{}", run.stdout()))
}

fn urls(site: &Site, args: &[&str]) -> Vec<String> {
    json(site, args)["hits"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|h| h["url"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn build_writes_the_search_page_and_index() {
    let site = built();
    let page = site.read("search/index.html");
    assert!(page.contains("id=\"search-results\""));
    assert!(page.contains("src=\"../search.js\""));
    assert!(site.exists("search.js"));
    assert!(site.exists("search/idx/meta.js"));
    assert!(site.exists("search/idx/doc/0.js"));
    // Every page's header search box leads to the search page.
    assert!(site
        .read("cases/jinfeng-wushe/index.html")
        .contains("action=\"../../search/\""));
}

#[test]
fn chinese_phrases_match_exactly() {
    let site = built();
    assert_eq!(urls(&site, &["五社联动"]), vec!["cases/jinfeng-wushe/"]);
    // The far-apart case is found only when the words are separate terms.
    assert_eq!(
        urls(&site, &["五社", "联动"]),
        vec!["cases/jinfeng-wushe/", "cases/shizuishan-yanglao/"]
    );
    assert_eq!(
        urls(&site, &["七彩社工服务中心"]),
        vec!["cases/jinfeng-wushe/"]
    );
    let mut yl = urls(&site, &["一老一小"]);
    yl.sort();
    assert_eq!(
        yl,
        vec!["cases/chaoyang-yilaoyixiao/", "cases/jinfeng-wushe/"]
    );
    assert_eq!(urls(&site, &["老"]).len(), 3);
}

#[test]
fn terms_are_anded_and_folded() {
    let site = built();
    assert_eq!(urls(&site, &["银川 社工站"]), vec!["cases/jinfeng-wushe/"]);
    assert_eq!(urls(&site, &["abc123"]), vec!["cases/shizuishan-yanglao/"]);
    assert_eq!(
        urls(&site, &["ＡＢＣ１２３"]),
        vec!["cases/shizuishan-yanglao/"]
    );
    assert_eq!(urls(&site, &["NGO社工"]), vec!["cases/changchun-ngo/"]);
    assert_eq!(
        urls(&site, &["social", "WORK"]),
        vec!["cases/shizuishan-yanglao/"]
    );
    assert!(urls(&site, &["银川 长春"]).is_empty());
}

#[test]
fn title_matches_rank_first_and_date_sort_is_newest_first() {
    let site = built();
    // 社工站 is in the title of jinfeng, only in the body of changchun.
    assert_eq!(
        urls(&site, &["社工站"]),
        vec!["cases/jinfeng-wushe/", "cases/changchun-ngo/"]
    );
    assert_eq!(
        urls(&site, &["--sort-date", "服务"]),
        vec![
            "cases/chaoyang-yilaoyixiao/",
            "cases/jinfeng-wushe/",
            "cases/shizuishan-yanglao/"
        ]
    );
}

#[test]
fn facets_filter_and_count() {
    let site = built();
    let v = json(&site, &["--filter", "region=宁夏回族自治区", "服务"]);
    assert_eq!(v["total"], 2);
    let region = v["facets"]
        .as_array()
        .and_then(|f| f.iter().find(|x| x["key"] == "region"))
        .cloned()
        .unwrap_or_default();
    let labels: Vec<(String, u64)> = region["values"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| {
                    (
                        x["label"].as_str().unwrap_or("").to_string(),
                        x["count"].as_u64().unwrap_or(0),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        labels,
        vec![
            ("宁夏回族自治区".to_string(), 2),
            ("石嘴山市".to_string(), 1),
            ("银川市".to_string(), 1),
            ("北京市".to_string(), 1)
        ]
    );
    let v = json(
        &site,
        &[
            "--filter",
            "region=宁夏回族自治区/银川市",
            "--filter",
            "domain=社区治理",
            "服务",
        ],
    );
    assert_eq!(v["total"], 1);
}

#[test]
fn snippets_are_text_with_the_match_marked() {
    let site = built();
    let v = json(&site, &["标签"]);
    let parts = &v["hits"][0]["snippet"]["parts"];
    let text: String = parts
        .as_array()
        .map(|a| a.iter().filter_map(|p| p[0].as_str()).collect())
        .unwrap_or_default();
    // Markup in the source is rendered away; escaped markup is kept as literal text.
    assert!(text.contains("写着 标签 和 <script> 字样"), "{text}");
    assert!(parts
        .as_array()
        .is_some_and(|a| a.iter().any(|p| p[0] == "标签" && p[1] == true)));
}

#[test]
fn plain_output_and_errors() {
    let site = built();
    let run = site.run(&["search", "五社联动"]);
    run.assert_ok();
    assert!(
        run.stdout().contains("金凤区社工站推动【五社联动】")
            || run.stdout().contains("推进【五社联动】"),
        "{}",
        run.stdout()
    );
    assert!(run.stderr().contains("1 case matches"));
    let unbuilt = Site::from_fixture("search");
    let run = unbuilt.run(&["search", "社工"]);
    assert!(!run.ok());
    assert!(run.stderr().contains("casebook build"), "{}", run.stderr());
}
