//! End-to-end tests of the search engine: write an index for small corpora into a temporary
//! directory and query it through [`super::query`], as `casebook search` does.

use super::query::{search, search_with, Request, Results, Sort};
use super::{build_index, SearchDoc};
use std::path::Path;

fn case(url: &str, date: &str, title: &str, summary: &str, body: &str) -> SearchDoc {
    SearchDoc {
        url: url.into(),
        title: title.into(),
        summary: summary.into(),
        body: body.into(),
        date: date.into(),
        ..SearchDoc::default()
    }
}

fn write(dir: &Path, docs: &[SearchDoc]) {
    write_files(dir, build_index(docs));
}

fn write_files(dir: &Path, files: Vec<super::IndexFile>) {
    for f in files {
        let p = dir.join(&f.path);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("mkdir: {e}"));
        }
        std::fs::write(&p, &f.bytes).unwrap_or_else(|e| panic!("write: {e}"));
    }
}

fn site(docs: &[SearchDoc]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    write(dir.path(), docs);
    dir
}

fn run(dir: &Path, q: &str) -> Results {
    search(dir, q, &[], Sort::Relevance).unwrap_or_else(|e| panic!("search {q}: {e}"))
}

fn urls(r: &Results) -> Vec<String> {
    r.hits.iter().map(|h| h.url.clone()).collect()
}

fn corpus() -> Vec<SearchDoc> {
    vec![
        case(
            "a/",
            "2023-03-01",
            "银川市社工站建设",
            "以社工站为平台",
            "银川市金凤区推进五社联动，链接社区资源。",
        ),
        case(
            "b/",
            "2024-06-01",
            "五社与居民",
            "",
            "五社协同，随后才谈到联动机制。",
        ),
        case(
            "c/",
            "2022-01-01",
            "NGO Capacity Building",
            "Social work in 石嘴山",
            "The NGO社工 team ran workshops.",
        ),
        case(
            "d/",
            "2021-05-05",
            "一老一小服务",
            "",
            "社区开展一老一小关爱活动，ＡＢＣ项目。",
        ),
        case(
            "e/",
            "2024-01-01",
            "社区养老",
            "",
            "社工站开展助老服务。社工入户探访。",
        ),
    ]
}

#[test]
fn chinese_substring_finds_longer_words() {
    let dir = site(&corpus());
    let r = run(dir.path(), "社工");
    let mut u = urls(&r);
    u.sort();
    assert_eq!(u, vec!["a/", "c/", "e/"]);
}

#[test]
fn phrase_does_not_match_words_far_apart() {
    let dir = site(&corpus());
    assert_eq!(urls(&run(dir.path(), "五社联动")), vec!["a/"]);
    // Both halves are in b/, apart: space-separated terms find both.
    let mut u = urls(&run(dir.path(), "五社 联动"));
    u.sort();
    assert_eq!(u, vec!["a/", "b/"]);
}

#[test]
fn single_character_query_works() {
    let dir = site(&corpus());
    let mut u = urls(&run(dir.path(), "老"));
    u.sort();
    assert_eq!(u, vec!["d/", "e/"]);
}

#[test]
fn full_width_and_case_fold() {
    let dir = site(&corpus());
    assert_eq!(urls(&run(dir.path(), "abc")), vec!["d/"]);
    assert_eq!(urls(&run(dir.path(), "ａｂｃ")), vec!["d/"]);
    assert_eq!(urls(&run(dir.path(), "ＡＢＣ项目")), vec!["d/"]);
    assert_eq!(urls(&run(dir.path(), "ngo")), vec!["c/"]);
    assert_eq!(urls(&run(dir.path(), "NGO社工")), vec!["c/"]);
    assert_eq!(urls(&run(dir.path(), "social work")), vec!["c/"]);
}

#[test]
fn terms_are_anded() {
    let dir = site(&corpus());
    assert_eq!(urls(&run(dir.path(), "银川 社工站")), vec!["a/"]);
    assert!(run(dir.path(), "银川 石嘴山").hits.is_empty());
    assert!(run(dir.path(), "不存在的词").hits.is_empty());
}

#[test]
fn title_beats_body_and_ties_go_to_the_newest() {
    let dir = site(&corpus());
    // a/ has 社工站 in title and summary, e/ only in the body.
    assert_eq!(urls(&run(dir.path(), "社工站")), vec!["a/", "e/"]);
    let docs = vec![
        case("old/", "2020-01-01", "案例", "", "社工"),
        case("new/", "2024-01-01", "案例", "", "社工"),
        case("mid/", "2022-01-01", "案例", "", "社工"),
    ];
    let dir = site(&docs);
    assert_eq!(urls(&run(dir.path(), "社工")), vec!["new/", "mid/", "old/"]);
}

#[test]
fn sort_by_date_and_empty_query_lists_everything() {
    let dir = site(&corpus());
    let r = search(dir.path(), "社工", &[], Sort::Date).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(urls(&r), vec!["e/", "a/", "c/"]);
    let r = run(dir.path(), "");
    assert_eq!(urls(&r), vec!["b/", "e/", "a/", "c/", "d/"]);
}

#[test]
fn snippets_highlight_the_match() {
    let dir = site(&corpus());
    let r = run(dir.path(), "联动");
    let a = r
        .hits
        .iter()
        .find(|h| h.url == "a/")
        .and_then(|h| h.snippet.clone());
    assert_eq!(
        a.map(|s| s.marked()),
        Some("银川市金凤区推进五社【联动】，链接社区资源。".to_string())
    );
}

fn faceted() -> Vec<SearchDoc> {
    let mut docs = corpus();
    let f = |d: &mut SearchDoc, region: &[&str], domain: &[&str]| {
        d.facets = vec![
            (
                "region".into(),
                region.iter().map(|s| s.to_string()).collect(),
            ),
            (
                "domain".into(),
                domain.iter().map(|s| s.to_string()).collect(),
            ),
            ("year".into(), vec![d.date[..4].to_string()]),
        ];
    };
    f(&mut docs[0], &["宁夏回族自治区", "银川市"], &["社区治理"]);
    f(
        &mut docs[1],
        &["宁夏回族自治区", "石嘴山市"],
        &["社区治理", "养老服务"],
    );
    f(&mut docs[2], &["宁夏回族自治区", "石嘴山市"], &["能力建设"]);
    f(&mut docs[3], &["吉林省"], &["养老服务", "儿童服务"]);
    f(&mut docs[4], &["吉林省", "长春市"], &["养老服务"]);
    docs
}

fn counts(r: &Results, key: &str) -> Vec<(String, usize, usize)> {
    r.facets
        .iter()
        .find(|f| f.key == key)
        .map(|f| {
            f.values
                .iter()
                .map(|v| (v.label.clone(), v.count, v.depth))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn facet_counts_follow_the_query_and_filters() {
    let dir = site(&faceted());
    let r = run(dir.path(), "社工");
    assert_eq!(
        counts(&r, "domain"),
        vec![
            ("养老服务".into(), 1, 0),
            ("社区治理".into(), 1, 0),
            ("能力建设".into(), 1, 0)
        ]
    );
    assert_eq!(
        counts(&r, "region"),
        vec![("宁夏回族自治区".into(), 2, 0), ("吉林省".into(), 1, 0)]
    );

    let filters = vec![("region".to_string(), "宁夏回族自治区".to_string())];
    let r = search(dir.path(), "社工", &filters, Sort::Relevance).unwrap_or_else(|e| panic!("{e}"));
    let mut u = urls(&r);
    u.sort();
    assert_eq!(u, vec!["a/", "c/"]);
    // The region's own counts ignore the region filter; its children open up.
    assert_eq!(
        counts(&r, "region"),
        vec![
            ("宁夏回族自治区".into(), 2, 0),
            ("石嘴山市".into(), 1, 1),
            ("银川市".into(), 1, 1),
            ("吉林省".into(), 1, 0)
        ]
    );
    assert_eq!(
        counts(&r, "domain"),
        vec![("社区治理".into(), 1, 0), ("能力建设".into(), 1, 0)]
    );

    // Two values of one key: OR.
    let filters = vec![
        ("domain".to_string(), "能力建设".to_string()),
        ("domain".to_string(), "养老服务".to_string()),
    ];
    let r = search(dir.path(), "", &filters, Sort::Date).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(urls(&r), vec!["b/", "e/", "c/", "d/"]);
    // Unknown value: nothing.
    let filters = vec![("domain".to_string(), "不存在".to_string())];
    assert_eq!(
        search(dir.path(), "", &filters, Sort::Date)
            .map(|r| r.total)
            .ok(),
        Some(0)
    );
}

#[test]
fn first_query_reads_only_what_it_needs() {
    let dir = site(&faceted());
    let req = Request {
        query: "社工",
        filters: &[],
        sort: Sort::Relevance,
        display: 1,
        facet_values: 10,
    };
    let r = search_with(dir.path(), &req).unwrap_or_else(|e| panic!("{e}"));
    let docs: Vec<&str> = r
        .files
        .iter()
        .map(|f| f.0.as_str())
        .filter(|n| n.starts_with("doc/"))
        .collect();
    assert_eq!(docs.len(), 1);
    assert_eq!(r.hits.len(), 3);
    assert!(r.hits[1].title.is_empty());
}

/// Tiny deterministic generator for the exactness check.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
}

/// Recall and precision against brute-force substring search, on text from a tiny alphabet
/// so phrases collide often and every list layout (inline, sharing a pack, a pack of its own) is used.
#[test]
fn phrases_match_exactly_like_substring_search() {
    phrases_match_exactly_with(super::index::Layout::default().pass_bytes);
}

/// The same with every level of grams collected in several passes (as at 100,000 cases).
#[test]
fn phrases_match_exactly_when_levels_are_collected_in_passes() {
    phrases_match_exactly_with(3000);
}

/// 600 cases written in a dozen characters, so phrases collide often.
fn colliding_corpus(rng: &mut Lcg) -> (Vec<char>, Vec<SearchDoc>) {
    let alphabet: Vec<char> = "社社社工工站五联动老小一，".chars().collect();
    let docs: Vec<SearchDoc> = (0..600)
        .map(|i| {
            let len = 20 + rng.next() % 400;
            let body: String = (0..len)
                .map(|_| alphabet[rng.next() % alphabet.len()])
                .collect();
            let title: String = (0..6)
                .map(|_| alphabet[rng.next() % alphabet.len()])
                .collect();
            case(
                &format!("c{i}/"),
                &format!("2020-01-{:02}", 1 + i % 28),
                &title,
                "",
                &body,
            )
        })
        .collect();
    (alphabet, docs)
}

/// Small thresholds: inline lists, shared packs and packs of their own, and
/// extension grams (trigrams, 4-grams) all occur.
fn small_layout(pass_bytes: usize) -> super::index::Layout {
    super::index::Layout {
        inline_max: 24,
        post_inline_max: 200,
        pack_target: 600,
        ext_min: 300,
        ext_share: usize::MAX,
        shard_target: 512,
        doc_pack: 3,
        doc_full_at: 1,
        pass_bytes,
    }
}

/// (The number of passes a level is collected in decides where packs end, so the files
/// depend on it; the results do not: `phrases_match_exactly_when_levels_are_collected_in_passes`.)
#[test]
fn the_index_does_not_depend_on_the_number_of_threads() {
    let (_, docs) = colliding_corpus(&mut Lcg(7));
    let build = |threads: usize, pass_bytes: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap_or_else(|e| panic!("thread pool: {e}"));
        let mut files = pool.install(|| super::index::build_with(&docs, &small_layout(pass_bytes)));
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    };
    // 3,000 bytes a pass: dozens of passes per level for this corpus.
    let one = build(1, 3000);
    assert!(one.len() > 50, "a sharded index ({} files)", one.len());
    assert!(one == build(3, 3000), "same files with 1 and 3 threads");
    let whole = super::index::Layout::default().pass_bytes;
    assert!(
        build(1, whole) == build(2, whole),
        "same files with 1 and 2 threads, in one pass a level"
    );
}

fn phrases_match_exactly_with(pass_bytes: usize) {
    let mut rng = Lcg(7);
    let (alphabet, docs) = colliding_corpus(&mut rng);
    let lay = small_layout(pass_bytes);
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    write_files(dir.path(), super::index::build_with(&docs, &lay));
    let order = super::index::doc_order(&docs);
    let idx = dir.path().join("search/idx");
    let count = |sub: &str| {
        std::fs::read_dir(idx.join(sub))
            .map(|d| d.count())
            .unwrap_or(0)
    };
    assert!(
        count("p") > 1 && count("d") > 1,
        "lists in packs, entries in shards"
    );
    let mut store = super::reader::Store::new(dir.path());
    let meta = store.meta().unwrap_or_else(|e| panic!("{e}"));
    let mut placed = Vec::new();
    for a in &alphabet[..11] {
        for b in &alphabet[..11] {
            if let Some(g) = store.gram(&meta, &format!("{a}{b}")).ok().flatten() {
                placed.extend([g.post.clone(), g.pos.clone()]);
                let mut stack: Vec<&super::reader::ExtNode> = g.ext.iter().collect();
                while let Some(c) = stack.pop() {
                    placed.extend([c.post.clone(), c.pos.clone()]);
                    stack.extend(c.children.iter());
                }
            }
        }
    }
    use super::index::PosLoc;
    assert!(
        placed.iter().any(|p| p.loc == PosLoc::Inline)
            && placed.iter().any(|p| p.loc == PosLoc::Pack && p.offset > 0)
            && placed
                .iter()
                .any(|p| p.loc == PosLoc::Pack && p.len >= lay.pack_bytes(docs.len())),
        "all layouts exercised: inline, sharing a pack, a pack of its own"
    );
    let g = store
        .gram(&meta, "社社")
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("社社 indexed"));
    assert!(
        g.ext.iter().any(|c| !c.children.is_empty()),
        "4-gram extensions exist"
    );
    let mut checked = 0;
    for n in 1..=7 {
        for _ in 0..12 {
            let q: String = (0..n).map(|_| alphabet[rng.next() % 11]).collect();
            let mut want: Vec<String> = docs
                .iter()
                .filter(|d| d.title.contains(&q) || d.body.contains(&q))
                .map(|d| d.url.clone())
                .collect();
            let r = search_with(
                dir.path(),
                &Request {
                    query: &q,
                    filters: &[],
                    sort: Sort::Date,
                    display: 0,
                    facet_values: 0,
                },
            )
            .unwrap_or_else(|e| panic!("{q}: {e}"));
            let mut got: Vec<String> = r
                .hits
                .iter()
                .map(|h| docs[order[h.id as usize]].url.clone())
                .collect();
            want.sort();
            got.sort();
            assert_eq!(got, want, "query {q}");
            checked += want.len();
        }
    }
    assert!(checked > 1000, "the check saw matches ({checked})");
}

#[test]
fn snippets_deep_in_the_body_load_only_the_chunks_up_to_the_match() {
    use crate::search::index::{HEAD_CHARS, REST_CHARS};
    // The match sits in the second chunk after the head; a third chunk follows it.
    let before = HEAD_CHARS + REST_CHARS + 100;
    let body = format!(
        "{}推动五社联动。{}",
        "前".repeat(before),
        "后".repeat(2 * REST_CHARS)
    );
    let dir = site(&[case("deep/", "2024-01-01", "标题", "摘要", &body)]);
    let r = run(dir.path(), "五社联动");
    let marked = r.hits[0]
        .snippet
        .as_ref()
        .map(|s| s.marked())
        .unwrap_or_default();
    assert!(marked.contains("推动【五社联动】。后"), "{marked}");
    assert!(marked.starts_with('…') && marked.ends_with('…'), "{marked}");
    let chunks: Vec<&str> = r
        .files
        .iter()
        .map(|f| f.0.as_str())
        .filter(|n| n.starts_with("doc/0-"))
        .collect();
    // Head, chunk 1, then chunk 2 holds the match; chunk 3 is never fetched.
    assert_eq!(chunks, vec!["doc/0-1", "doc/0-2"]);
}

#[test]
fn phrases_of_rare_tokens_beyond_the_first_65534_are_found() {
    // 70,000 numbers: the later ones get token ids that do not fit in 16 bits.
    let many: String = (0..70_000).map(|n| format!("第{n}号，")).collect();
    let docs = vec![
        case("many/", "2024-01-01", "编号", "", &many),
        case("one/", "2023-01-01", "单个", "", "第69999号与第12号"),
    ];
    let dir = site(&docs);
    assert_eq!(urls(&run(dir.path(), "第69999号")), ["many/", "one/"]);
    assert_eq!(urls(&run(dir.path(), "第69998号")), ["many/"]);
    assert_eq!(urls(&run(dir.path(), "69999号与")), ["one/"]);
    assert!(run(dir.path(), "第69999号与第69998号").hits.is_empty());
}
