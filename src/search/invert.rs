//! Inversion: tokenises every case once (tokens interned to ids), then collects postings of
//! unigrams (per-field term frequencies), bigrams (with positions), and the right-extensions
//! of common grams (trigrams of common bigrams, 4-grams of common trigrams...) with
//! positions. Extensions let a phrase query verify `社工服务中心` with the positions of
//! `社工服务` and `服务中心` instead of the far longer lists of `社工`, `服务` and `中心`.

use super::tokenize::tokenize;
use super::SearchDoc;
use std::collections::HashMap;

/// Longest gram indexed, in tokens.
pub const MAX_GRAM: usize = 6;
/// A gram is padded with this id beyond its length.
const NONE: u32 = u32::MAX;

/// A gram as token ids, padded with [`NONE`].
pub type GramIds = [u32; MAX_GRAM];

/// Postings of one gram in one case.
#[derive(Debug, Clone)]
pub struct Entry {
    pub doc: u32,
    pub tf: [u32; 4],
    /// Start positions, field after field (empty for unigrams).
    pub pos: Vec<u32>,
}

/// Everything the writer lays out.
pub struct Inverted {
    /// Token id -> normalised text.
    pub tokens: Vec<String>,
    /// Unigram postings by token id, entries in case order.
    pub unigrams: Vec<Vec<Entry>>,
    /// Grams of 2..=MAX_GRAM tokens with positions, entries in case order.
    pub grams: HashMap<GramIds, Vec<Entry>>,
}

/// Number of tokens in a gram.
pub fn gram_len(g: &GramIds) -> usize {
    g.iter().take_while(|&&t| t != NONE).count()
}

type Fields = [Vec<(u32, u32)>; 4];

/// Inverts `docs` (in id order). A gram gets right-extensions when its encoded positions
/// take more than `ext_min` bytes (see `positions_size`).
pub fn invert(docs: &[&SearchDoc], ext_min: usize) -> Inverted {
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut tokens: Vec<String> = Vec::new();
    let fields: Vec<Fields> = docs
        .iter()
        .map(|d| {
            let texts = [&d.title, &d.summary, &d.meta, &d.body];
            let mut out: Fields = Default::default();
            for (f, text) in texts.iter().enumerate() {
                for t in tokenize(text) {
                    let id = *ids.entry(t.text.clone()).or_insert_with(|| {
                        tokens.push(t.text);
                        tokens.len() as u32 - 1
                    });
                    out[f].push((id, t.pos));
                }
            }
            out
        })
        .collect();
    drop(ids);

    let mut unigrams: Vec<Vec<Entry>> = vec![Vec::new(); tokens.len()];
    for (doc, fs) in fields.iter().enumerate() {
        let mut local: HashMap<u32, [u32; 4]> = HashMap::new();
        for (f, toks) in fs.iter().enumerate() {
            for &(id, _) in toks {
                local.entry(id).or_default()[f] += 1;
            }
        }
        let mut local: Vec<(u32, [u32; 4])> = local.into_iter().collect();
        local.sort_unstable_by_key(|x| x.0);
        for (id, tf) in local {
            unigrams[id as usize].push(Entry {
                doc: doc as u32,
                tf,
                pos: Vec::new(),
            });
        }
    }

    let mut grams: HashMap<GramIds, Vec<Entry>> = HashMap::new();
    let mut extend: Option<std::collections::HashSet<GramIds>> = None;
    for len in 2..=MAX_GRAM {
        let level = collect(&fields, len, extend.as_ref());
        let common: std::collections::HashSet<GramIds> = level
            .iter()
            .filter(|(_, e)| positions_size(e) > ext_min)
            .map(|(g, _)| *g)
            .collect();
        grams.extend(level);
        if common.is_empty() {
            break;
        }
        extend = Some(common);
    }
    Inverted {
        tokens,
        unigrams,
        grams,
    }
}

/// Grams of `len` tokens at adjacent positions; with `prefixes`, only those whose first
/// `len - 1` tokens are one of them.
fn collect(
    fields: &[Fields],
    len: usize,
    prefixes: Option<&std::collections::HashSet<GramIds>>,
) -> HashMap<GramIds, Vec<Entry>> {
    let mut out: HashMap<GramIds, Vec<Entry>> = HashMap::new();
    for (doc, fs) in fields.iter().enumerate() {
        let mut local: HashMap<GramIds, ([u32; 4], [Vec<u32>; 4])> = HashMap::new();
        for (f, toks) in fs.iter().enumerate() {
            for i in 0..toks.len().saturating_sub(len - 1) {
                let start = toks[i].1;
                if (1..len).any(|j| toks[i + j].1 != start + j as u32) {
                    continue;
                }
                let mut g = [NONE; MAX_GRAM];
                for j in 0..len {
                    g[j] = toks[i + j].0;
                }
                if let Some(p) = prefixes {
                    let mut pre = g;
                    pre[len - 1] = NONE;
                    if !p.contains(&pre) {
                        continue;
                    }
                }
                let e = local.entry(g).or_default();
                e.0[f] += 1;
                e.1[f].push(start);
            }
        }
        for (g, (tf, pos)) in local {
            out.entry(g).or_default().push(Entry {
                doc: doc as u32,
                tf,
                pos: pos.concat(),
            });
        }
    }
    out
}

/// Approximate encoded size of the positions of a gram (one varint per position).
pub fn positions_size(entries: &[Entry]) -> usize {
    entries
        .iter()
        .map(|e| {
            let mut n = 0;
            let mut prev = 0;
            let mut at = 0;
            for f in 0..4 {
                for (j, &p) in e.pos[at..at + e.tf[f] as usize].iter().enumerate() {
                    let d = if j == 0 { p } else { p - prev };
                    n += if d < 128 {
                        1
                    } else if d < 16384 {
                        2
                    } else {
                        3
                    };
                    prev = p;
                }
                at += e.tf[f] as usize;
            }
            n
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_grams_get_extensions() {
        let docs: Vec<SearchDoc> = (0..20)
            .map(|i| SearchDoc {
                body: format!("社工服务中心{i}，社工站，社工服务"),
                ..SearchDoc::default()
            })
            .collect();
        let refs: Vec<&SearchDoc> = docs.iter().collect();
        let inv = invert(&refs, 10);
        let id = |t: &str| {
            inv.tokens
                .iter()
                .position(|x| x == t)
                .map(|i| i as u32)
                .unwrap_or(NONE)
        };
        let g = |ts: &[&str]| {
            let mut a = [NONE; MAX_GRAM];
            for (i, t) in ts.iter().enumerate() {
                a[i] = id(t);
            }
            a
        };
        assert_eq!(inv.grams.get(&g(&["社", "工"])).map(Vec::len), Some(20));
        assert_eq!(
            inv.grams.get(&g(&["社", "工", "服"])).map(|e| e[0].tf[3]),
            Some(2)
        );
        assert_eq!(
            inv.grams
                .get(&g(&["社", "工", "服", "务"]))
                .map(|e| e[0].pos.clone()),
            Some(vec![0, 12])
        );
        assert!(inv.grams.contains_key(&g(&["社", "工", "站"])));
        assert_eq!(inv.unigrams[id("社") as usize][0].tf, [0, 0, 0, 3]);
    }
}
