//! Facet tables: value dictionaries (ordered by frequency), the hierarchy of region values,
//! and the compact per-case column (`f/<key>.js`) that lets a reader count facet values over
//! every matching case without fetching anything per case.

use super::codec::{self, bits_for, BitReader, BitWriter, Corrupt, Reader};
use super::SearchDoc;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Facet keys in display order; other keys follow, sorted.
pub const KNOWN_KEYS: [&str; 6] = [
    "domain",
    "region",
    "group",
    "funder",
    "organization",
    "year",
];

/// Keys whose values are paths (broad -> narrow) joined by [`PATH_SEP`].
pub const HIERARCHICAL_KEYS: [&str; 1] = ["region"];

/// Joins the levels of a hierarchical value.
pub const PATH_SEP: char = '/';

/// Names per `fn/` chunk.
pub const NAMES_PER_CHUNK: usize = 64;

/// One facet key over all cases.
#[derive(Debug, Clone, PartialEq)]
pub struct FacetTable {
    pub key: String,
    /// Value strings, most frequent first (paths for hierarchical keys).
    pub values: Vec<String>,
    /// Parent value of each value (hierarchical keys only).
    pub parent: Vec<Option<u32>>,
    /// Per case (by id), the values stored: for hierarchical keys only the deepest ones.
    pub per_doc: Vec<Vec<u32>>,
}

/// Builds the tables for the cases in id order.
pub fn collect(docs: &[&SearchDoc]) -> Vec<FacetTable> {
    let mut keys: BTreeSet<&str> = BTreeSet::new();
    for d in docs {
        for (k, _) in &d.facets {
            keys.insert(k);
        }
    }
    let mut ordered: Vec<&str> = KNOWN_KEYS
        .iter()
        .copied()
        .filter(|k| keys.contains(k))
        .collect();
    ordered.extend(keys.iter().copied().filter(|k| !KNOWN_KEYS.contains(k)));
    ordered.into_iter().map(|k| collect_key(docs, k)).collect()
}

fn collect_key(docs: &[&SearchDoc], key: &str) -> FacetTable {
    let hier = HIERARCHICAL_KEYS.contains(&key);
    // Per doc: the full set of value strings (with ancestors for hierarchical keys).
    let mut doc_sets: Vec<BTreeSet<String>> = Vec::with_capacity(docs.len());
    let mut parent_of: BTreeMap<String, Option<String>> = BTreeMap::new();
    for d in docs {
        let mut set = BTreeSet::new();
        for (k, vals) in &d.facets {
            if k != key {
                continue;
            }
            if hier {
                let mut path = String::new();
                let mut prev: Option<String> = None;
                for v in vals.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
                    if !path.is_empty() {
                        path.push(PATH_SEP);
                    }
                    path.push_str(&v.replace(PATH_SEP, " "));
                    parent_of
                        .entry(path.clone())
                        .or_insert_with(|| prev.clone());
                    set.insert(path.clone());
                    prev = Some(path.clone());
                }
            } else {
                for v in vals.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
                    set.insert(v.to_string());
                }
            }
        }
        doc_sets.push(set);
    }
    let mut freq: HashMap<&str, usize> = HashMap::new();
    for s in &doc_sets {
        for v in s {
            *freq.entry(v.as_str()).or_default() += 1;
        }
    }
    let mut values: Vec<String> = freq.keys().map(|s| s.to_string()).collect();
    values.sort_by(|a, b| {
        freq[b.as_str()]
            .cmp(&freq[a.as_str()])
            .then_with(|| a.cmp(b))
    });
    let id: HashMap<&str, u32> = values
        .iter()
        .enumerate()
        .map(|(i, v)| (v.as_str(), i as u32))
        .collect();
    let parent: Vec<Option<u32>> = if hier {
        values
            .iter()
            .map(|v| {
                parent_of
                    .get(v)
                    .cloned()
                    .flatten()
                    .and_then(|p| id.get(p.as_str()).copied())
            })
            .collect()
    } else {
        Vec::new()
    };
    let per_doc = doc_sets
        .iter()
        .map(|s| {
            let mut ids: Vec<u32> = s
                .iter()
                .filter(|v| {
                    !hier
                        || !s
                            .iter()
                            .any(|o| o.len() > v.len() && o.starts_with(&format!("{v}{PATH_SEP}")))
                })
                .filter_map(|v| id.get(v.as_str()).copied())
                .collect();
            ids.sort_unstable();
            ids
        })
        .collect();
    FacetTable {
        key: key.to_string(),
        values,
        parent,
        per_doc,
    }
}

/// File-name-safe form of a facet key.
pub fn key_slug(key: &str) -> String {
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        key.to_string()
    } else {
        format!("k{}", codec::hex(codec::fnv1a(key), 8))
    }
}

/// The label shown for a value: the last level of a path.
pub fn display_name(value: &str) -> &str {
    value.rsplit(PATH_SEP).next().unwrap_or(value)
}

/// Encodes a column in the smallest of three layouts:
/// `m:0` a bitmask per case (`V` bits), `m:1` a count (`cb` bits) and ids (`ib` bits) per
/// case, `m:2` runs of (value+1 or 0, length) varints when every case has at most one value.
pub fn encode_column(per_doc: &[Vec<u32>], nvalues: usize) -> Value {
    let mut best: Option<(usize, Value)> = None;
    let mut consider = |v: Value, len: usize| {
        if best.as_ref().is_none_or(|(l, _)| len < *l) {
            best = Some((len, v));
        }
    };
    if nvalues <= 24 {
        let mut w = BitWriter::default();
        for ids in per_doc {
            let mask = ids.iter().fold(0u32, |m, &i| m | (1 << i));
            w.put(mask, nvalues as u32);
        }
        let len = w.bytes.len();
        consider(json!({"m": 0, "b": codec::base64(&w.bytes)}), len);
    }
    let max_count = per_doc.iter().map(Vec::len).max().unwrap_or(0);
    let cb = bits_for(max_count + 1);
    let ib = bits_for(nvalues);
    let mut w = BitWriter::default();
    for ids in per_doc {
        w.put(ids.len() as u32, cb);
        for &i in ids {
            w.put(i, ib);
        }
    }
    let len = w.bytes.len();
    consider(
        json!({"m": 1, "cb": cb, "ib": ib, "b": codec::base64(&w.bytes)}),
        len,
    );
    if max_count <= 1 {
        let mut out = Vec::new();
        let mut i = 0;
        while i < per_doc.len() {
            let v = per_doc[i].first().map_or(0, |&x| x + 1);
            let mut j = i;
            while j < per_doc.len() && per_doc[j].first().map_or(0, |&x| x + 1) == v {
                j += 1;
            }
            codec::put_varint(&mut out, u64::from(v));
            codec::put_varint(&mut out, (j - i) as u64);
            i = j;
        }
        let len = out.len();
        consider(json!({"m": 2, "b": codec::base64(&out)}), len);
    }
    best.map(|(_, v)| v).unwrap_or(Value::Null)
}

/// Decodes [`encode_column`] for `ndocs` cases.
pub fn decode_column(v: &Value, ndocs: usize, nvalues: usize) -> Result<Vec<Vec<u32>>, Corrupt> {
    let bytes = codec::unbase64(v["b"].as_str().ok_or(Corrupt)?)?;
    let mut out = Vec::with_capacity(ndocs.min(1 << 20));
    match v["m"].as_u64() {
        Some(0) => {
            let mut r = BitReader::new(&bytes);
            for _ in 0..ndocs {
                let mask = r.get(nvalues as u32)?;
                out.push(
                    (0..nvalues as u32)
                        .filter(|i| mask & (1 << i) != 0)
                        .collect(),
                );
            }
        }
        Some(1) => {
            let cb = v["cb"].as_u64().ok_or(Corrupt)? as u32;
            let ib = v["ib"].as_u64().ok_or(Corrupt)? as u32;
            let mut r = BitReader::new(&bytes);
            for _ in 0..ndocs {
                let n = r.get(cb)?;
                let ids = (0..n).map(|_| r.get(ib)).collect::<Result<Vec<_>, _>>()?;
                out.push(ids);
            }
        }
        Some(2) => {
            let mut r = Reader::new(&bytes);
            while out.len() < ndocs {
                let val = r.u32()?;
                let run = r.usize()?;
                if run == 0 || out.len() + run > ndocs {
                    return Err(Corrupt);
                }
                let ids = if val == 0 { vec![] } else { vec![val - 1] };
                out.extend(std::iter::repeat_n(ids, run));
            }
        }
        _ => return Err(Corrupt),
    }
    if out.iter().flatten().any(|&i| i as usize >= nvalues) {
        return Err(Corrupt);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(facets: &[(&str, &[&str])]) -> SearchDoc {
        SearchDoc {
            facets: facets
                .iter()
                .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
                .collect(),
            ..SearchDoc::default()
        }
    }

    #[test]
    fn regions_become_paths_with_parents() {
        let a = doc(&[("region", &["宁夏", "银川市"]), ("domain", &["养老服务"])]);
        let b = doc(&[("region", &["宁夏", "石嘴山市"])]);
        let c = doc(&[("region", &["吉林", "朝阳区"]), ("region", &[])]);
        let t = collect(&[&a, &b, &c]);
        assert_eq!(t[0].key, "domain");
        let r = &t[1];
        assert_eq!(r.values[0], "宁夏");
        let yc = r
            .values
            .iter()
            .position(|v| v == "宁夏/银川市")
            .unwrap_or(99);
        assert_eq!(r.parent[yc], Some(0));
        assert_eq!(r.per_doc[0], vec![yc as u32]);
        assert_eq!(display_name(&r.values[yc]), "银川市");
        assert!(r.values.contains(&"吉林/朝阳区".to_string()));
    }

    #[test]
    fn columns_round_trip_in_every_layout() {
        let cols: Vec<(Vec<Vec<u32>>, usize)> = vec![
            (vec![vec![0, 2], vec![], vec![1]], 3),
            ((0..100).map(|i| vec![i % 40, 40 + i % 7]).collect(), 60),
            ((0..100).map(|i| vec![i / 30]).collect(), 4),
            (
                (0..50)
                    .map(|i| if i < 10 { vec![] } else { vec![200] })
                    .collect(),
                300,
            ),
        ];
        for (col, n) in cols {
            let enc = encode_column(&col, n);
            assert_eq!(decode_column(&enc, col.len(), n).ok(), Some(col));
        }
        let runs = encode_column(&(0..100).map(|i| vec![i / 30]).collect::<Vec<_>>(), 4);
        assert_eq!(runs["m"], 2);
    }
}
