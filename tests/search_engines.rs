//! One search, two engines: `casebook search` (the Rust engine) and the search page
//! (`themes/default/static/search.js`, run under node by `tests/support/search_node.js`)
//! must give the same answer to every query. Thousands of random queries (Chinese, Latin,
//! digits, full-width forms, punctuation, long and repeated phrases, facet filters, both
//! sort orders) over random corpora, each indexed with the default layout and with tiny
//! thresholds (so inline, sharded and own-file lists and extension grams all occur): the
//! same hits in the same order, the same scores (to 1e-9), the same facet counts and the
//! same snippets. And the page's engine finds exactly the cases that contain a phrase.
//!
//! Needs node (Debian: `apt-get install nodejs`; `.ci/run` installs it), unless
//! `CASEBOOK_SKIP_NODE=1` is set.

use casebook::search::index::{build_with, doc_order, Layout};
use casebook::search::{search_with, Request, Results, SearchDoc, Sort, Thumb};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

/// SplitMix64: a small deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Few characters, so phrases collide often.
const HAN: &[&str] = &[
    "社", "社", "工", "工", "站", "五", "联", "动", "老", "小", "一", "服", "务", "中", "心", "区",
    "银", "川",
];
/// Pieces that are not plain Chinese: words in several cases, digits, full-width forms,
/// compatibility characters NFKC rewrites, kana, Hangul, characters beyond the BMP,
/// combining marks, and characters that are whitespace to one language and not the other.
const OTHER: &[&str] = &[
    "NGO",
    "ngo",
    "Social",
    "WORK",
    "work",
    "abc123",
    "ＡＢＣ",
    "１２３",
    "２０２３",
    "2023",
    "ß",
    "İ",
    "ΣΑΣ",
    "café",
    "e\u{301}",
    "ﬁ",
    "①",
    "㈱",
    "Ⅻ",
    "豈",
    "ア",
    "ｱ",
    "한",
    "𠀀",
    "😀",
    "x",
    "q",
    "社工NGO",
    "Ａ社",
    "a1b2",
    "ǅ",
    // Longer than a word token (32 characters): cut alike at index and query time.
    "Abcdefghijklmnopqrstuvwxyz0123456789abcdefXYZ",
];
const PUNCT: &[&str] = &[
    " ", " ", "，", "。", "、", "“", "”", "《", "》", "(", ")", "！", "?", "-", "/", "\n", "\t",
    "\u{3000}", "<b>", "\u{2028}", "\u{feff}", "\u{85}", "…", "·",
];

/// `min + below(spread)` random pieces.
fn text(rng: &mut Rng, min: usize, spread: usize) -> String {
    let pieces = min + rng.below(spread);
    let mut s = String::new();
    for _ in 0..pieces {
        let p = match rng.below(10) {
            0..=5 => rng.pick(HAN),
            6 | 7 => rng.pick(OTHER),
            _ => rng.pick(PUNCT),
        };
        s.push_str(p);
    }
    s
}

const REGIONS: &[&[&str]] = &[
    &["宁夏回族自治区", "银川市", "金凤区"],
    &["宁夏回族自治区", "石嘴山市"],
    &["吉林省", "长春市"],
    &["吉林省"],
    &["北京市", "朝阳区"],
    &["A/B省", "C市"],
];
const DOMAINS: &[&str] = &["社区治理", "养老服务", "儿童服务", "能力建设", "Disability"];
const GROUPS: &[&str] = &["老年人", "儿童", "残疾人"];

fn doc(rng: &mut Rng, i: usize) -> SearchDoc {
    let body_pieces = match rng.below(20) {
        0 => 0,
        1 => 2000 + rng.below(6000), // beyond the display file's head
        _ => 5 + rng.below(300),
    };
    let summary = match rng.below(8) {
        0 => String::new(),
        1 => rng
            .pick(&[" ", "\u{feff}", "\u{85}", "\u{3000}"])
            .to_string(),
        _ => text(rng, 0, 40),
    };
    let region: Vec<String> = rng.pick(REGIONS).iter().map(|s| s.to_string()).collect();
    let mut facets = vec![("region".to_string(), region.clone())];
    if !rng.chance(10) {
        let n = 1 + rng.below(2);
        let d: Vec<String> = (0..n).map(|_| rng.pick(DOMAINS).to_string()).collect();
        facets.push(("domain".into(), d));
    }
    if rng.chance(50) {
        facets.push(("group".into(), vec![rng.pick(GROUPS).to_string()]));
    }
    let year = 2019 + rng.below(6);
    facets.push(("year".into(), vec![year.to_string()]));
    SearchDoc {
        url: format!("cases/c{i}/"),
        title: text(rng, 1, 12),
        summary,
        body: text(rng, body_pieces, 1).into(),
        meta: text(rng, 0, 20),
        // Few dates, so ties in score and date are common.
        date: format!("{year}-0{}-1{}", 1 + rng.below(3), rng.below(3)),
        region,
        facets,
        // Some cases have a cover, shown as a thumbnail beside the result.
        thumb: rng.chance(40).then(|| Thumb {
            webp: format!("photos/c{i}-0a1b-480.webp"),
            fallback: format!(
                "photos/c{i}-0a1b-480.{}",
                if i.is_multiple_of(3) { "png" } else { "jpg" }
            ),
        }),
    }
}

fn chars_of(d: &SearchDoc) -> Vec<char> {
    let fields = [d.title.as_str(), &d.summary, &d.meta, &d.body];
    let field = fields[(d.url.len() + d.title.len()) % 4];
    let field = if field.is_empty() {
        d.title.as_str()
    } else {
        field
    };
    field.chars().collect()
}

/// A piece of a random case's text, sometimes folded the other way.
fn excerpt(rng: &mut Rng, docs: &[SearchDoc], max: usize) -> String {
    let chars = chars_of(rng.pick(docs));
    if chars.is_empty() {
        return String::new();
    }
    let at = rng.below(chars.len());
    let len = 1 + rng.below(max);
    let s: String = chars[at..(at + len).min(chars.len())].iter().collect();
    match rng.below(4) {
        0 => s.to_uppercase(),
        1 => s
            .chars()
            .map(|c| match c {
                '!'..='~' => char::from_u32(c as u32 + 0xfee0).unwrap_or(c),
                _ => c,
            })
            .collect(),
        _ => s,
    }
}

fn query(rng: &mut Rng, docs: &[SearchDoc]) -> String {
    match rng.below(12) {
        0 => String::new(),
        1 => text(rng, 1, 4),
        2 => {
            // Two or three terms.
            let n = 2 + rng.below(2);
            let sep = *rng.pick(&[" ", "，", "、", "  "]);
            (0..n)
                .map(|_| excerpt(rng, docs, 4))
                .collect::<Vec<_>>()
                .join(sep)
        }
        3 => excerpt(rng, docs, 60), // long phrases
        4 => {
            // Repeated phrases, as one term and as several.
            let piece = excerpt(rng, docs, 3);
            let sep = *rng.pick(&["", " "]);
            vec![piece; 2 + rng.below(4)].join(sep)
        }
        5 => rng.pick(OTHER).to_string(),
        6 => rng.pick(PUNCT).to_string(),
        _ => excerpt(rng, docs, 8),
    }
}

fn filters(rng: &mut Rng) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for _ in 0..rng.below(4).saturating_sub(1) {
        let f = match rng.below(7) {
            0 => ("region".into(), "宁夏回族自治区".into()),
            1 => ("region".into(), "宁夏回族自治区/银川市".into()),
            2 => ("region".into(), "A B省/C市".into()),
            3 => ("domain".into(), rng.pick(DOMAINS).to_string()),
            4 => ("group".into(), rng.pick(GROUPS).to_string()),
            5 => ("year".into(), (2019 + rng.below(7)).to_string()),
            _ => (
                rng.pick(&["domain", "nokey"]).to_string(),
                "不存在".to_string(),
            ),
        };
        out.push(f);
    }
    out
}

struct Query {
    q: String,
    filters: Vec<(String, String)>,
    sort: Sort,
    display: usize,
}

fn tiny_layout() -> Layout {
    Layout {
        inline_max: 6,
        post_inline_max: 100,
        pack_target: 300,
        ext_min: 120,
        ext_share: usize::MAX,
        shard_target: 300,
        doc_pack: 3,
        doc_full_at: 1,
        pass_bytes: 4000,
    }
}

fn write_site(docs: &[SearchDoc], lay: &Layout) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for f in build_with(docs, lay) {
        let p = dir.path().join(&f.path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, &f.bytes).expect("write");
    }
    dir
}

fn rust_answer(dir: &Path, q: &Query) -> Results {
    search_with(
        dir,
        &Request {
            query: &q.q,
            filters: &q.filters,
            sort: q.sort,
            display: q.display,
            facet_values: usize::MAX,
        },
    )
    .unwrap_or_else(|e| panic!("casebook search {:?}: {e}", q.q))
}

/// Runs every site's queries through search.js under node; `None` when node is missing
/// and `CASEBOOK_SKIP_NODE=1`.
fn js_answers(sites: &[(&Path, &[Query])]) -> Option<Vec<Vec<Value>>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let job = json!({
        "js": root.join("themes/default/static/search.js"),
        "sites": sites.iter().map(|(dir, qs)| json!({
            "dir": dir,
            "queries": qs.iter().map(|q| json!({
                "q": q.q,
                "filters": q.filters,
                "sort": if q.sort == Sort::Date { "date" } else { "" },
                "display": q.display,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    let tmp = tempfile::tempdir().expect("temp dir");
    let job_path = tmp.path().join("job.json");
    std::fs::write(&job_path, job.to_string()).expect("write job");
    let out = match Command::new("node")
        .arg(root.join("tests/support/search_node.js"))
        .arg(&job_path)
        .output()
    {
        Ok(o) => o,
        Err(e) if std::env::var("CASEBOOK_SKIP_NODE").is_ok_and(|v| v == "1") => {
            eprintln!("skipping: cannot run node ({e}) and CASEBOOK_SKIP_NODE=1");
            return None;
        }
        Err(e) => panic!(
            "cannot run node ({e}): install Node.js (Debian: apt-get install nodejs; \
             .ci/run does) or set CASEBOOK_SKIP_NODE=1 to skip"
        ),
    };
    assert!(
        out.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).expect("node's JSON"))
}

/// Where the two answers differ, if they do.
fn difference(rust: &Results, js: &Value, display: usize) -> Option<String> {
    if let Some(e) = js.get("error") {
        return Some(format!("search.js failed: {e}"));
    }
    if js["total"] != json!(rust.total) {
        return Some(format!("total: rust {} js {}", rust.total, js["total"]));
    }
    let js_hits = js["hits"].as_array().cloned().unwrap_or_default();
    for (i, (r, j)) in rust.hits.iter().zip(&js_hits).enumerate() {
        let (id, score, exact) = (j[0].as_u64(), j[1].as_i64(), j[2].as_f64().unwrap_or(-1.0));
        if id != Some(u64::from(r.id))
            || score != Some(r.score)
            || (exact - r.unrounded).abs() > 1e-9
        {
            return Some(format!(
                "hit {i}: rust ({}, {}, {}) js {j}",
                r.id, r.score, r.unrounded
            ));
        }
    }
    let facets = serde_json::to_value(&rust.facets).expect("facets as JSON");
    if facets != js["facets"] {
        return Some(format!("facets: rust {facets}\njs {}", js["facets"]));
    }
    let shown = js["shown"].as_array().cloned().unwrap_or_default();
    let rust_shown: Vec<Value> = rust
        .hits
        .iter()
        .take(display)
        .map(|h| {
            json!({
                "u": h.url, "t": h.title, "d": h.date, "r": h.region,
                "p": h.thumb.as_ref().map(|t| json!([t.webp, t.fallback])),
                "parts": h.snippet.as_ref().map_or(json!([]), |s| json!(s.parts)),
            })
        })
        .collect();
    if rust_shown != shown {
        return Some(format!(
            "display: rust {}\njs {}",
            Value::from(rust_shown),
            Value::from(shown)
        ));
    }
    None
}

#[test]
fn both_engines_answer_random_queries_alike() {
    let mut rng = Rng(20_261_207);
    let mut corpora = Vec::new();
    for size in [40, 150, 400] {
        let docs: Vec<SearchDoc> = (0..size).map(|i| doc(&mut rng, i)).collect();
        corpora.push(docs);
    }
    let mut sites = Vec::new();
    for docs in &corpora {
        for lay in [Layout::default(), tiny_layout()] {
            let queries: Vec<Query> = (0..700)
                .map(|_| Query {
                    q: query(&mut rng, docs),
                    filters: if rng.chance(30) {
                        filters(&mut rng)
                    } else {
                        Vec::new()
                    },
                    sort: if rng.chance(25) {
                        Sort::Date
                    } else {
                        Sort::Relevance
                    },
                    display: *rng.pick(&[0, 3, 10]),
                })
                .collect();
            sites.push((write_site(docs, &lay), queries));
        }
    }
    let jobs: Vec<(&Path, &[Query])> = sites.iter().map(|(d, q)| (d.path(), &q[..])).collect();
    let Some(answers) = js_answers(&jobs) else {
        return;
    };
    let (mut checked, mut with_hits, mut failures) = (0, 0, Vec::new());
    for ((dir, queries), js) in jobs.iter().zip(&answers) {
        for (q, j) in queries.iter().zip(js) {
            let r = rust_answer(dir, q);
            checked += 1;
            with_hits += usize::from(r.total > 0);
            if let Some(d) = difference(&r, j, q.display) {
                failures.push(format!(
                    "query {:?} filters {:?} sort {:?}: {d}",
                    q.q, q.filters, q.sort
                ));
            }
        }
    }
    let first: Vec<String> = failures
        .iter()
        .take(8)
        .map(|f| f.chars().take(700).collect())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {checked} queries differ; the first:\n{}",
        failures.len(),
        first.join("\n\n")
    );
    assert!(checked >= 4000, "{checked} queries");
    assert!(
        with_hits * 2 > checked,
        "most queries find something ({with_hits})"
    );
}

/// The page's engine against brute force: the cases whose text contains a phrase, on text
/// of a dozen characters (so phrases collide), with the tiny layout.
#[test]
fn the_page_finds_exactly_the_cases_that_contain_a_phrase() {
    let mut rng = Rng(7);
    let alphabet: Vec<char> = "社社社工工站五联动老小一".chars().collect();
    let word =
        |rng: &mut Rng, n: usize| -> String { (0..n).map(|_| *rng.pick(&alphabet)).collect() };
    let docs: Vec<SearchDoc> = (0..500)
        .map(|i| SearchDoc {
            url: format!("c{i}/"),
            title: word(&mut rng, 6),
            body: {
                let n = 20 + rng.below(400);
                word(&mut rng, n).into()
            },
            date: format!("2020-01-{:02}", 1 + i % 28),
            ..SearchDoc::default()
        })
        .collect();
    let dir = write_site(&docs, &tiny_layout());
    let queries: Vec<Query> = (0..600)
        .map(|k| Query {
            q: word(&mut rng, 1 + k % 8),
            filters: Vec::new(),
            sort: Sort::Date,
            display: 0,
        })
        .collect();
    let Some(answers) = js_answers(&[(dir.path(), &queries)]) else {
        return;
    };
    let order = doc_order(&docs);
    let mut found = 0;
    for (q, js) in queries.iter().zip(&answers[0]) {
        let mut want: Vec<usize> = (0..docs.len())
            .filter(|&i| docs[i].title.contains(&q.q) || docs[i].body.contains(&q.q))
            .collect();
        let mut got: Vec<usize> = js["hits"]
            .as_array()
            .unwrap_or_else(|| panic!("{}: {js}", q.q))
            .iter()
            .filter_map(|h| h[0].as_u64())
            .map(|id| order[id as usize])
            .collect();
        want.sort_unstable();
        got.sort_unstable();
        assert_eq!(got, want, "query {}", q.q);
        found += want.len();
    }
    assert!(found > 1000, "the check saw matches ({found})");
}
