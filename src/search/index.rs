//! The index writer: tokenises every case, builds unigram and bigram postings with
//! per-field term frequencies and bigram positions, and lays them out in shards (see the
//! file list in [`super`]). The binary layouts are documented on the encoding functions;
//! `query.rs` and `search.js` read them.

use super::codec::{self, hex, put_varint};
use super::facets::{self, key_slug, NAMES_PER_CHUNK};
use super::tokenize::{bigram_key, tokenize, unigram_key};
use super::{IndexFile, SearchDoc, INDEX_DIR};
use serde_json::json;
use std::collections::HashMap;

/// Field weights in BM25F order: title, summary, meta, body.
pub const FIELD_WEIGHTS: [f64; 4] = [3.0, 2.0, 1.5, 1.0];
/// BM25 saturation constant.
pub const K1: f64 = 1.2;
/// Position lists up to this many bytes are stored inline in the `d/` entry.
pub const INLINE_MAX: usize = 24;
/// Position lists larger than this get their own `q/` file.
pub const OWN_FILE_MIN: usize = 4096;
/// Target size of a `d/` or `p/` shard before base64.
pub const SHARD_TARGET: usize = 12 * 1024;
/// Estimated cost (bytes) of fetching a `p/` shard, used to choose phrase covers.
pub const POS_SHARD_COST: usize = SHARD_TARGET;
/// Format version, checked by the readers.
pub const VERSION: u32 = 1;

/// Where a bigram's positions are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PosLoc {
    None = 0,
    Inline = 1,
    Shard = 2,
    Own = 3,
}

impl PosLoc {
    pub fn from_code(c: u64) -> Option<PosLoc> {
        [PosLoc::None, PosLoc::Inline, PosLoc::Shard, PosLoc::Own]
            .get(c as usize)
            .copied()
    }
}

/// Postings of one key in one case.
struct Entry {
    doc: u32,
    tf: [u32; 4],
    /// Positions, field after field (bigrams only).
    pos: Vec<u32>,
}

#[derive(Default)]
struct Gram {
    bigram: bool,
    entries: Vec<Entry>,
}

/// Case order: newest first, then by URL. Returns the indices of `docs` in id order.
pub fn doc_order(docs: &[SearchDoc]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..docs.len()).collect();
    order.sort_by(|&a, &b| {
        docs[b]
            .date
            .cmp(&docs[a].date)
            .then_with(|| docs[a].url.cmp(&docs[b].url))
    });
    order
}

fn field_texts(d: &SearchDoc) -> [&str; 4] {
    [&d.title, &d.summary, &d.meta, &d.body]
}

/// One key in one case while inverting: bigram?, tf per field, positions per field.
type Local = (bool, [u32; 4], [Vec<u32>; 4]);

/// Accumulates postings for all cases in id order.
fn invert(docs: &[&SearchDoc]) -> Vec<(String, Gram)> {
    let mut grams: HashMap<String, Gram> = HashMap::new();
    for (id, d) in docs.iter().enumerate() {
        // key -> (bigram?, tf per field, positions per field)
        let mut local: HashMap<String, Local> = HashMap::new();
        for (f, text) in field_texts(d).iter().enumerate() {
            let toks = tokenize(text);
            for (i, t) in toks.iter().enumerate() {
                let e = local.entry(unigram_key(&t.text)).or_default();
                e.1[f] += 1;
                if let Some(n) = toks.get(i + 1).filter(|n| n.pos == t.pos + 1) {
                    let e = local.entry(bigram_key(&t.text, &n.text)).or_default();
                    e.0 = true;
                    e.1[f] += 1;
                    e.2[f].push(t.pos);
                }
            }
        }
        for (k, (bigram, tf, pos)) in local {
            let g = grams.entry(k).or_default();
            g.bigram = bigram;
            g.entries.push(Entry {
                doc: id as u32,
                tf,
                pos: pos.concat(),
            });
        }
    }
    let mut out: Vec<(String, Gram)> = grams.into_iter().collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Doc-level postings: per case `varint doc-delta`, `varint header` where header =
/// field mask (4 bits) + 16 * (tf of the first present field - 1), then `varint tf - 1` for
/// each further present field.
fn encode_postings(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut last = 0u32;
    for (i, e) in entries.iter().enumerate() {
        put_varint(
            &mut out,
            u64::from(if i == 0 { e.doc } else { e.doc - last }),
        );
        last = e.doc;
        let mask = (0..4)
            .filter(|&f| e.tf[f] > 0)
            .fold(0u64, |m, f| m | (1 << f));
        let mut present = (0..4).filter(|&f| e.tf[f] > 0);
        let first = present.next().map_or(1, |f| e.tf[f]);
        put_varint(&mut out, mask + 16 * u64::from(first - 1));
        for f in present {
            put_varint(&mut out, u64::from(e.tf[f] - 1));
        }
    }
    out
}

/// Positions: per case in posting order, per present field, `tf` varints (first absolute,
/// then deltas). Counts come from the doc-level postings.
fn encode_positions(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    for e in entries {
        let mut at = 0;
        for f in 0..4 {
            let n = e.tf[f] as usize;
            let mut prev = 0;
            for (j, &p) in e.pos[at..at + n].iter().enumerate() {
                put_varint(&mut out, u64::from(if j == 0 { p } else { p - prev }));
                prev = p;
            }
            at += n;
        }
    }
    out
}

fn shard_count(total: usize) -> u32 {
    let want = total.div_ceil(SHARD_TARGET).max(1);
    want.next_power_of_two() as u32
}

/// Hex digits used for a shard number among `n` shards.
pub fn shard_name(shard: u32, n: u32) -> String {
    hex(
        shard,
        (codec::bits_for(n as usize) as usize).div_ceil(4).max(1),
    )
}

/// Name of the own position file of a key.
pub fn own_file_name(key: &str) -> String {
    format!("q/{}", hex(codec::fnv1a(key) ^ 0x5bd1_e995, 8))
}

fn file(name: &str, bytes: Vec<u8>) -> IndexFile {
    IndexFile {
        path: format!("{INDEX_DIR}/{name}.js"),
        bytes,
    }
}

/// Writes every index file (see [`super::build_index`]).
pub fn build(docs: &[SearchDoc]) -> Vec<IndexFile> {
    let order = doc_order(docs);
    let docs: Vec<&SearchDoc> = order.iter().map(|&i| &docs[i]).collect();
    let grams = invert(&docs);
    let mut files = Vec::new();

    // Encode every key, then decide where its positions go.
    struct Enc {
        key: String,
        df: usize,
        post: Vec<u8>,
        pos: Vec<u8>,
        loc: PosLoc,
    }
    let mut own_names: HashMap<String, ()> = HashMap::new();
    let mut encs: Vec<Enc> = grams
        .iter()
        .map(|(k, g)| {
            let pos = if g.bigram {
                encode_positions(&g.entries)
            } else {
                Vec::new()
            };
            let loc = if !g.bigram {
                PosLoc::None
            } else if pos.len() <= INLINE_MAX {
                PosLoc::Inline
            } else if pos.len() > OWN_FILE_MIN && own_names.insert(own_file_name(k), ()).is_none() {
                PosLoc::Own
            } else {
                PosLoc::Shard
            };
            Enc {
                key: k.clone(),
                df: g.entries.len(),
                post: encode_postings(&g.entries),
                pos,
                loc,
            }
        })
        .collect();
    drop(grams);

    let dtotal: usize = encs
        .iter()
        .map(|e| {
            e.key.len()
                + e.post.len()
                + 6
                + if e.loc == PosLoc::Inline {
                    e.pos.len()
                } else {
                    0
                }
        })
        .sum();
    let ptotal: usize = encs
        .iter()
        .filter(|e| e.loc == PosLoc::Shard)
        .map(|e| e.key.len() + e.pos.len() + 3)
        .sum();
    let nd = shard_count(dtotal);
    let np = shard_count(ptotal);

    // d/ shards: count, then per key (sorted): key, df, loc, postings length,
    // [positions length], postings, [inline positions].
    let mut dshards: Vec<Vec<&Enc>> = vec![Vec::new(); nd as usize];
    let mut pshards: Vec<Vec<&Enc>> = vec![Vec::new(); np as usize];
    for e in &encs {
        dshards[(codec::fnv1a(&e.key) & (nd - 1)) as usize].push(e);
        match e.loc {
            PosLoc::Shard => pshards[(codec::fnv1a(&e.key) & (np - 1)) as usize].push(e),
            PosLoc::Own => files.push(file(
                &own_file_name(&e.key),
                codec::js_file_bin(&own_file_name(&e.key), &e.pos),
            )),
            _ => {}
        }
    }
    for (i, shard) in dshards.iter().enumerate() {
        let mut b = Vec::new();
        put_varint(&mut b, shard.len() as u64);
        for e in shard {
            put_varint(&mut b, e.key.len() as u64);
            b.extend_from_slice(e.key.as_bytes());
            put_varint(&mut b, e.df as u64);
            put_varint(&mut b, e.loc as u64);
            put_varint(&mut b, e.post.len() as u64);
            if e.loc != PosLoc::None {
                put_varint(&mut b, e.pos.len() as u64);
            }
            b.extend_from_slice(&e.post);
            if e.loc == PosLoc::Inline {
                b.extend_from_slice(&e.pos);
            }
        }
        let name = format!("d/{}", shard_name(i as u32, nd));
        files.push(file(&name, codec::js_file_bin(&name, &b)));
    }
    // p/ shards: count, then per key: key, positions length, positions.
    for (i, shard) in pshards.iter().enumerate() {
        let mut b = Vec::new();
        put_varint(&mut b, shard.len() as u64);
        for e in shard {
            put_varint(&mut b, e.key.len() as u64);
            b.extend_from_slice(e.key.as_bytes());
            put_varint(&mut b, e.pos.len() as u64);
            b.extend_from_slice(&e.pos);
        }
        let name = format!("p/{}", shard_name(i as u32, np));
        files.push(file(&name, codec::js_file_bin(&name, &b)));
    }
    encs.clear();

    // Facets: a column file per key and the value names in chunks.
    let tables = facets::collect(&docs);
    let mut fmeta = Vec::new();
    for t in &tables {
        let slug = key_slug(&t.key);
        let mut col = facets::encode_column(&t.per_doc, t.values.len());
        if !t.parent.is_empty() {
            col["p"] = json!(t
                .parent
                .iter()
                .map(|p| p.map_or(0, |x| x + 1))
                .collect::<Vec<_>>());
        }
        let name = format!("f/{slug}");
        files.push(file(
            &name,
            codec::js_file(&name, &codec::json_for_js(&col)),
        ));
        for (c, chunk) in t.values.chunks(NAMES_PER_CHUNK).enumerate() {
            let name = format!("fn/{slug}-{c}");
            files.push(file(
                &name,
                codec::js_file(&name, &codec::json_for_js(&json!(chunk))),
            ));
        }
        fmeta.push(json!({"k": t.key, "s": slug, "n": t.values.len(), "h": !t.parent.is_empty()}));
    }

    // Display data, one small file per case.
    for (id, d) in docs.iter().enumerate() {
        let v = json!({"u": d.url, "t": d.title, "d": d.date, "r": d.region, "s": d.summary, "b": d.body});
        let name = format!("doc/{id}");
        files.push(file(&name, codec::js_file(&name, &codec::json_for_js(&v))));
    }

    let meta = json!({
        "v": VERSION,
        "n": docs.len(),
        "ds": nd,
        "ps": np,
        "k1": K1,
        "fw": FIELD_WEIGHTS,
        "pc": POS_SHARD_COST,
        "facets": fmeta,
    });
    files.push(file(
        "meta",
        codec::js_file("meta", &codec::json_for_js(&meta)),
    ));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(url: &str, date: &str, title: &str, body: &str) -> SearchDoc {
        SearchDoc {
            url: url.into(),
            date: date.into(),
            title: title.into(),
            body: body.into(),
            ..SearchDoc::default()
        }
    }

    #[test]
    fn output_is_deterministic_and_ordered_newest_first() {
        let docs = vec![
            doc("a/", "2020-01-01", "旧案例", "社工站"),
            doc("b/", "2024-05-01", "新案例", "五社联动"),
        ];
        let one = build(&docs);
        let two = build(&docs);
        assert_eq!(one, two);
        let d0 = one
            .iter()
            .find(|f| f.path == "search/idx/doc/0.js")
            .map(|f| String::from_utf8_lossy(&f.bytes).to_string());
        assert!(d0.unwrap_or_default().contains("\"b/\""));
        assert!(one
            .iter()
            .all(|f| f.path.starts_with("search/idx/") && f.path.ends_with(".js")));
        assert!(one.iter().any(|f| f.path == "search/idx/meta.js"));
    }
}
