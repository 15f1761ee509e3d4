//! The query engine over a written index: exact phrase matching, BM25F ranking, facet
//! filters and counts. `themes/default/static/search.js` is a line-by-line port of this
//! file: change both together; `tests/search_engines.rs` checks that they agree.

use super::facets::{decode_column, display_name};
use super::index::PosLoc;
pub use super::reader::SearchError;
use super::reader::{decode_positions, decode_postings, FacetMeta, Meta, Placed, Postings, Store};
use super::snippet::{self, Snippet};
use super::tokenize::{bigram_key, gram_key, parse_query, unigram_key, Term};
use std::collections::HashMap;
use std::path::Path;

/// Result order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Best match first; ties newest first.
    #[default]
    Relevance,
    /// Newest first.
    Date,
}

/// A query with its options.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub query: &'a str,
    pub filters: &'a [(String, String)],
    pub sort: Sort,
    /// How many hits get display data (url, title, snippet...); the rest carry only id and score.
    pub display: usize,
    /// How many values per facet (per level) are reported with names.
    pub facet_values: usize,
}

/// One matching case.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Hit {
    pub id: u32,
    /// BM25F score in thousandths (0 without query terms).
    pub score: i64,
    /// The score before rounding (for comparing engines; not in `--json`).
    #[serde(skip)]
    pub unrounded: f64,
    pub url: String,
    pub title: String,
    pub date: String,
    pub region: Vec<String>,
    /// The cover's thumbnail, if the case has a cover.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thumb: Option<super::Thumb>,
    pub snippet: Option<Snippet>,
}

/// Count of one facet value.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FacetValue {
    /// The value as used in filters (a path for regions).
    pub value: String,
    pub label: String,
    pub count: usize,
    pub selected: bool,
    /// 0 for top-level values, 1 for their children...
    pub depth: usize,
}

/// Counts of one facet key.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FacetCounts {
    pub key: String,
    pub values: Vec<FacetValue>,
}

/// What a search returns.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Results {
    pub total: usize,
    /// All hits in order; the first `display` have url, title and snippet filled.
    pub hits: Vec<Hit>,
    pub facets: Vec<FacetCounts>,
    /// Index files read to answer, with their sizes: what a browser downloads.
    pub files: Vec<(String, usize)>,
}

/// Searches the index of the site built in `site_dir`, with display data for every hit.
pub fn search(
    site_dir: &Path,
    query: &str,
    filters: &[(String, String)],
    sort: Sort,
) -> Result<Results, SearchError> {
    search_with(
        site_dir,
        &Request {
            query,
            filters,
            sort,
            display: usize::MAX,
            facet_values: usize::MAX,
        },
    )
}

/// BM25 inverse document frequency.
pub fn idf(n: usize, df: usize) -> f64 {
    let (n, df) = (n as f64, df as f64);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// Searches with options (see [`Request`]).
pub fn search_with(site_dir: &Path, req: &Request) -> Result<Results, SearchError> {
    let mut store = Store::new(site_dir);
    let meta = store.meta()?;
    let terms = parse_query(req.query);

    // Matching cases with their scores (all cases when there is no term).
    let mut scored: Option<HashMap<u32, f64>> = None;
    for term in &terms {
        let m = match_term(&mut store, &meta, term)?;
        let w = idf(meta.n, m.len());
        let mut next = HashMap::with_capacity(m.len());
        for (doc, tf) in m {
            let prev = match &scored {
                Some(s) => match s.get(&doc) {
                    Some(p) => *p,
                    None => continue,
                },
                None => 0.0,
            };
            let tfw: f64 = (0..4).map(|f| meta.fw[f] * f64::from(tf[f])).sum();
            next.insert(doc, prev + w * tfw * (meta.k1 + 1.0) / (tfw + meta.k1));
        }
        scored = Some(next);
    }
    let matching: Vec<(u32, i64, f64)> = match scored {
        Some(s) => s
            .into_iter()
            .map(|(d, sc)| (d, (sc * 1000.0).round() as i64, sc))
            .collect(),
        None => (0..meta.n as u32).map(|d| (d, 0, 0.0)).collect(),
    };

    // Facets: filters and counts.
    let mut cols = Vec::new();
    for fm in &meta.facets {
        cols.push(FacetCol::load(&mut store, &meta, fm)?);
    }
    let mut selected: Vec<Vec<u32>> = vec![Vec::new(); cols.len()];
    for (k, v) in req.filters {
        if let Some(i) = cols.iter().position(|c| &c.meta.key == k) {
            // An unknown value selects nothing: no case has the id u32::MAX.
            let id = store_value_id(&mut store, &cols[i], v)?.unwrap_or(u32::MAX);
            if !selected[i].contains(&id) {
                selected[i].push(id);
            }
        }
    }
    let mut counts: Vec<Vec<usize>> = cols.iter().map(|c| vec![0; c.meta.nvalues]).collect();
    let mut hits: Vec<(u32, i64, f64)> = Vec::new();
    for &(doc, score, unrounded) in &matching {
        let fails: Vec<usize> = (0..cols.len())
            .filter(|&k| {
                !selected[k].is_empty()
                    && !cols[k].values(doc).iter().any(|v| selected[k].contains(v))
            })
            .collect();
        for (k, col) in cols.iter().enumerate() {
            if fails.is_empty() || (fails.len() == 1 && fails[0] == k) {
                for &v in col.values(doc) {
                    counts[k][v as usize] += 1;
                }
            }
        }
        if fails.is_empty() {
            hits.push((doc, score, unrounded));
        }
    }
    match req.sort {
        Sort::Relevance => hits.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0))),
        Sort::Date => hits.sort_by_key(|h| h.0),
    }

    let mut facets = Vec::new();
    for (k, col) in cols.iter().enumerate() {
        facets.push(facet_counts(
            &mut store,
            col,
            &counts[k],
            &selected[k],
            req.facet_values,
        )?);
    }

    let mut out = Vec::with_capacity(hits.len());
    for (i, &(id, score, unrounded)) in hits.iter().enumerate() {
        let mut h = Hit {
            id,
            score,
            unrounded,
            url: String::new(),
            title: String::new(),
            date: String::new(),
            region: Vec::new(),
            thumb: None,
            snippet: None,
        };
        if i < req.display {
            let dp = meta.doc_pack;
            let name = format!("doc/{}", id as usize / dp);
            let v = store.load(&name)?[id as usize % dp].clone();
            if !v.is_object() {
                return Err(SearchError::Corrupt(name));
            }
            let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
            h.url = s("u");
            h.title = s("t");
            h.date = s("d");
            h.region = v["r"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            h.thumb = match (v["p"][0].as_str(), v["p"][1].as_str()) {
                (Some(webp), Some(fallback)) => Some(super::Thumb {
                    webp: webp.to_string(),
                    fallback: fallback.to_string(),
                }),
                _ => None,
            };
            let (mut body, summary) = (s("b"), s("s"));
            // Further chunks of the body, one at a time, until a match shows.
            let chunks = v["m"].as_u64().unwrap_or(0);
            let mut next = 1;
            while next <= chunks && !snippet::head_suffices(&body, &summary, &terms) {
                let name = format!("doc/{id}-{next}");
                body.push_str(store.load(&name)?.as_str().unwrap_or_default());
                next += 1;
            }
            h.snippet = snippet::make(&body, next <= chunks, &summary, &terms);
        }
        out.push(h);
    }
    Ok(Results {
        total: out.len(),
        hits: out,
        facets,
        files: store.loaded,
    })
}

/// Positions per case and field of one gram.
type PosMap = HashMap<u32, [Vec<u32>; 4]>;

/// A gram that can cover part of a phrase: tokens `start..start + len`.
#[derive(Debug, Clone)]
pub struct Interval {
    pub start: usize,
    pub len: usize,
    /// Bytes to fetch for its postings and positions.
    pub cost: usize,
    key: String,
    df: usize,
    post: Placed,
    pos: Placed,
}

/// What fetching a list costs: nothing inline, else its pack (at least the pack size).
fn loc_cost(meta: &Meta, p: &Placed) -> usize {
    match p.loc {
        PosLoc::Inline | PosLoc::None => 0,
        PosLoc::Pack => p.len.max(meta.pack_cost),
    }
}

/// Every case matching one term, with per-field frequencies (all of them, so the term's
/// document frequency, and its IDF, do not depend on the other terms).
fn match_term(store: &mut Store, meta: &Meta, term: &Term) -> Result<Postings, SearchError> {
    let corrupt = |k: &str| SearchError::Corrupt(k.to_string());
    if term.len() <= 2 {
        let key = if term.len() == 1 {
            unigram_key(&term[0])
        } else {
            bigram_key(&term[0], &term[1])
        };
        let Some(g) = store.gram(meta, &key)? else {
            return Ok(Vec::new());
        };
        let bytes = store.list(&g.post)?;
        return decode_postings(&bytes, g.df, meta.n).map_err(|_| corrupt(&key));
    }
    // Phrase of n >= 3 tokens: the entries of its n-1 bigrams say which grams (bigrams and
    // their right-extensions) exist and what their postings and positions cost ...
    let n = term.len();
    let keys: Vec<String> = term.windows(2).map(|w| bigram_key(&w[0], &w[1])).collect();
    let mut entries = Vec::with_capacity(keys.len());
    for k in &keys {
        match store.gram(meta, k)? {
            Some(g) => entries.push(g),
            None => return Ok(Vec::new()),
        }
    }
    let mut iv: Vec<Interval> = Vec::new();
    for (i, g) in entries.iter().enumerate() {
        iv.push(Interval {
            start: i,
            len: 2,
            cost: loc_cost(meta, &g.post) + loc_cost(meta, &g.pos),
            key: keys[i].clone(),
            df: g.df,
            post: g.post.clone(),
            pos: g.pos.clone(),
        });
        let mut nodes = &g.ext;
        let mut len = 2;
        while i + len < n {
            let Some(c) = nodes.iter().find(|c| c.token == term[i + len]) else {
                break;
            };
            len += 1;
            let toks: Vec<&str> = term[i..i + len].iter().map(String::as_str).collect();
            iv.push(Interval {
                start: i,
                len,
                cost: loc_cost(meta, &c.post) + loc_cost(meta, &c.pos),
                key: gram_key(&toks),
                df: c.df,
                post: c.post.clone(),
                pos: c.pos.clone(),
            });
            nodes = &c.children;
        }
    }
    // ... a phrase that is an indexed gram itself is answered by its postings ...
    if let Some(v) = iv.iter().find(|v| v.start == 0 && v.len == n) {
        let pb = store.list(&v.post)?;
        return decode_postings(&pb, v.df, meta.n).map_err(|_| corrupt(&v.key));
    }
    // ... otherwise the cheapest set of grams with positions (common grams below the
    // longest have none) that covers it is fetched, and their relative positions decide.
    iv.retain(|v| v.pos.loc != PosLoc::None);
    let mut lists: Vec<(usize, PosMap)> = Vec::new();
    for &c in &cheapest_cover(n, &iv) {
        let v = &iv[c];
        let pb = store.list(&v.post)?;
        let post = decode_postings(&pb, v.df, meta.n).map_err(|_| corrupt(&v.key))?;
        let bytes = store.list(&v.pos)?;
        let pos = decode_positions(&post, &bytes).map_err(|_| corrupt(&v.key))?;
        lists.push((v.start, post.iter().map(|p| p.0).zip(pos).collect()));
    }
    let Some((first, rest)) = lists.split_first() else {
        return Ok(Vec::new());
    };
    let mut docs: Vec<u32> = first.1.keys().copied().collect();
    docs.sort_unstable();
    let mut out = Vec::new();
    for d in docs {
        let mut tf = [0u32; 4];
        let Some(p0) = first.1.get(&d) else { continue };
        for (f, slot) in tf.iter_mut().enumerate() {
            *slot = p0[f]
                .iter()
                .filter(|&&s| {
                    rest.iter().all(|(off, m)| {
                        m.get(&d)
                            .is_some_and(|p| p[f].binary_search(&(s + *off as u32)).is_ok())
                    })
                })
                .count() as u32;
        }
        if tf.iter().any(|&t| t > 0) {
            out.push((d, tf));
        }
    }
    Ok(out)
}

/// Chooses intervals covering tokens `0..n` with the least total cost (intervals may
/// overlap). Dynamic programming over the covered prefix; on equal cost the interval found
/// first (lower start, then shorter) wins.
pub fn cheapest_cover(n: usize, iv: &[Interval]) -> Vec<usize> {
    let mut best: Vec<Option<usize>> = vec![None; n + 1];
    let mut prev: Vec<(usize, usize)> = vec![(0, 0); n + 1];
    best[0] = Some(0);
    for j in 0..n {
        let Some(bj) = best[j] else { continue };
        for (k, v) in iv.iter().enumerate() {
            let end = v.start + v.len;
            if v.start <= j && end > j {
                let c = bj + v.cost;
                if best[end].is_none_or(|b| c < b) {
                    best[end] = Some(c);
                    prev[end] = (j, k);
                }
            }
        }
    }
    let mut out = Vec::new();
    let mut at = n;
    while at > 0 && best[at].is_some() {
        let (j, k) = prev[at];
        out.push(k);
        at = j;
    }
    out.reverse();
    out
}

/// A decoded facet column with ancestors expanded.
struct FacetCol {
    meta: FacetMeta,
    parent: Vec<Option<u32>>,
    per_doc: Vec<Vec<u32>>,
}

impl FacetCol {
    fn load(store: &mut Store, meta: &Meta, fm: &FacetMeta) -> Result<FacetCol, SearchError> {
        let name = format!("f/{}", fm.slug);
        let v = store.load(&name)?.clone();
        let bad = || SearchError::Corrupt(name.clone());
        let stored = decode_column(&v, meta.n, fm.nvalues).map_err(|_| bad())?;
        let parent: Vec<Option<u32>> = match v["p"].as_array() {
            Some(a) => a
                .iter()
                .map(|x| match x.as_u64() {
                    Some(0) => Ok(None),
                    Some(p) if (p as usize) <= fm.nvalues => Ok(Some(p as u32 - 1)),
                    _ => Err(bad()),
                })
                .collect::<Result<_, _>>()?,
            None => Vec::new(),
        };
        if !parent.is_empty() && parent.len() != fm.nvalues {
            return Err(bad());
        }
        let per_doc = stored
            .into_iter()
            .map(|ids| {
                let mut all: Vec<u32> = Vec::new();
                for id in ids {
                    let mut cur = Some(id);
                    let mut steps = 0;
                    while let Some(c) = cur {
                        if all.contains(&c) || steps > 16 {
                            break;
                        }
                        all.push(c);
                        cur = parent.get(c as usize).copied().flatten();
                        steps += 1;
                    }
                }
                all
            })
            .collect();
        Ok(FacetCol {
            meta: fm.clone(),
            parent,
            per_doc,
        })
    }

    fn values(&self, doc: u32) -> &[u32] {
        self.per_doc.get(doc as usize).map_or(&[], |v| v.as_slice())
    }
}

fn value_name(store: &mut Store, col: &FacetCol, id: u32) -> Result<String, SearchError> {
    let chunk = id as usize / super::facets::NAMES_PER_CHUNK;
    let name = format!("fn/{}-{chunk}", col.meta.slug);
    let v = store.load(&name)?;
    v[id as usize % super::facets::NAMES_PER_CHUNK]
        .as_str()
        .map(String::from)
        .ok_or(SearchError::Corrupt(name))
}

/// Finds the id of a filter value by scanning the name chunks (stops at the first hit).
fn store_value_id(
    store: &mut Store,
    col: &FacetCol,
    value: &str,
) -> Result<Option<u32>, SearchError> {
    for id in 0..col.meta.nvalues as u32 {
        if value_name(store, col, id)? == value {
            return Ok(Some(id));
        }
    }
    Ok(None)
}

/// The visible values of a key with counts: top-level values, and the children of selected
/// values and of their ancestors, each level sorted by count (then frequency order) and cut
/// to `limit`, selected values always kept.
fn facet_counts(
    store: &mut Store,
    col: &FacetCol,
    counts: &[usize],
    selected: &[u32],
    limit: usize,
) -> Result<FacetCounts, SearchError> {
    let mut open: Vec<u32> = Vec::new();
    for &s in selected {
        let mut cur = Some(s);
        while let Some(c) = cur {
            if open.contains(&c) {
                break;
            }
            open.push(c);
            cur = col.parent.get(c as usize).copied().flatten();
        }
    }
    let mut values = Vec::new();
    let mut stack: Vec<(Option<u32>, usize)> = vec![(None, 0)];
    // Depth-first, children listed right after their parent.
    fn level(
        col: &FacetCol,
        counts: &[usize],
        selected: &[u32],
        parent: Option<u32>,
        limit: usize,
    ) -> Vec<u32> {
        let mut ids: Vec<u32> = (0..counts.len() as u32)
            .filter(|&v| col.parent.get(v as usize).copied().flatten() == parent)
            .filter(|&v| counts[v as usize] > 0 || selected.contains(&v))
            .collect();
        ids.sort_by(|&a, &b| counts[b as usize].cmp(&counts[a as usize]).then(a.cmp(&b)));
        let mut kept: Vec<u32> = ids.iter().copied().take(limit).collect();
        for &s in selected {
            if ids.contains(&s) && !kept.contains(&s) {
                kept.push(s);
            }
        }
        kept
    }
    let mut order: Vec<(u32, usize)> = Vec::new();
    while let Some((parent, depth)) = stack.pop() {
        let ids = level(col, counts, selected, parent, limit);
        let at = match parent {
            None => 0,
            Some(p) => order
                .iter()
                .position(|x| x.0 == p)
                .map_or(order.len(), |i| i + 1),
        };
        for (j, &id) in ids.iter().enumerate() {
            order.insert(at + j, (id, depth));
            if open.contains(&id) && !col.parent.is_empty() {
                stack.push((Some(id), depth + 1));
            }
        }
    }
    for (id, depth) in order {
        let value = value_name(store, col, id)?;
        values.push(FacetValue {
            label: display_name(&value).to_string(),
            value,
            count: counts[id as usize],
            selected: selected.contains(&id),
            depth,
        });
    }
    Ok(FacetCounts {
        key: col.meta.key.clone(),
        values,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(start: usize, len: usize, cost: usize) -> Interval {
        let p = Placed {
            loc: PosLoc::Inline,
            len: 0,
            inline: Vec::new(),
            pack: 0,
            offset: 0,
        };
        Interval {
            start,
            len,
            cost,
            key: String::new(),
            df: 0,
            post: p.clone(),
            pos: p,
        }
    }

    #[test]
    fn cover_reaches_both_ends_at_least_cost() {
        let bigrams = |costs: &[usize]| {
            costs
                .iter()
                .enumerate()
                .map(|(i, &c)| iv(i, 2, c))
                .collect::<Vec<_>>()
        };
        assert_eq!(cheapest_cover(2, &bigrams(&[5])), vec![0]);
        assert_eq!(cheapest_cover(4, &bigrams(&[0, 0, 0])), vec![0, 2]);
        // 七彩社工服务中心: skip the costly bigrams a neighbour covers.
        assert_eq!(
            cheapest_cover(8, &bigrams(&[0, 0, 100, 0, 100, 0, 9])),
            vec![0, 1, 3, 5, 6]
        );
        // ... or use extensions: 社工服务 (2..6) and 服务中心 (4..8).
        let mut v = bigrams(&[0, 0, 100, 50, 100, 50, 100]);
        v.push(iv(2, 4, 10));
        v.push(iv(4, 4, 10));
        assert_eq!(cheapest_cover(8, &v), vec![0, 7, 8]);
    }
}
