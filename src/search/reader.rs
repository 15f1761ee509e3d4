//! Reads the written index files back from a site directory: the `.js` wrapper, `meta.js`,
//! `d/` shards, position files and facet columns. Keeps a record of every file it loaded and
//! its size, which is what a browser would have downloaded for the same query.

use super::codec::{self, Corrupt, Reader};
use super::index::{pack_name, shard_name, PosLoc, VERSION};
use super::INDEX_DIR;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Why a search could not be answered.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("no search index at {0} (run `casebook build` first)")]
    Missing(PathBuf),
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("search index file {0} is corrupt")]
    Corrupt(String),
    #[error("search index format {0} is not supported by this casebook (expected {VERSION}); rebuild the site")]
    Version(u64),
}

/// One key of a `d/` shard.
#[derive(Debug, Clone)]
pub struct GramEntry {
    pub df: usize,
    /// Doc-level postings.
    pub post: Placed,
    /// Positions (bigrams only; a unigram's are [`PosLoc::None`]).
    pub pos: Placed,
    /// Right-extensions (bigrams only).
    pub ext: Vec<ExtNode>,
}

/// Where a list of the index is: inline (with them), or at `offset` in pack `pack`.
#[derive(Debug, Clone)]
pub struct Placed {
    pub loc: PosLoc,
    pub len: usize,
    pub inline: Vec<u8>,
    pub pack: u32,
    pub offset: usize,
}

/// A right-extension of a gram: the gram followed by `token`.
#[derive(Debug, Clone)]
pub struct ExtNode {
    pub token: String,
    pub df: usize,
    /// Doc-level postings.
    pub post: Placed,
    /// Positions.
    pub pos: Placed,
    pub children: Vec<ExtNode>,
}

/// Sorted positions per field of a gram in one case.
pub type FieldPositions = [Vec<u32>; 4];

/// Per-case postings: (case id, term frequency per field).
pub type Postings = Vec<(u32, [u32; 4])>;

/// Facet key description from `meta.js`.
#[derive(Debug, Clone)]
pub struct FacetMeta {
    pub key: String,
    pub slug: String,
    pub nvalues: usize,
    pub hier: bool,
}

/// `meta.js`.
#[derive(Debug, Clone)]
pub struct Meta {
    pub n: usize,
    pub dshards: u32,
    /// Cases per display file.
    pub doc_pack: usize,
    pub k1: f64,
    pub fw: [f64; 4],
    /// What a list in a shared pack costs to fetch (the pack's target size).
    pub pack_cost: usize,
    pub facets: Vec<FacetMeta>,
}

/// Loads and caches index files of one site.
pub struct Store {
    dir: PathBuf,
    raw: HashMap<String, Vec<u8>>,
    json: HashMap<String, Value>,
    dshards: HashMap<u32, HashMap<String, GramEntry>>,
    /// Files loaded, in order, with their sizes in bytes.
    pub loaded: Vec<(String, usize)>,
}

/// More cases, or distinct values of one facet, than any site has: only a damaged
/// `meta` file says so, and the reader must not allocate for each of them.
const MAX_COUNT: u64 = 1 << 24;

fn corrupt(name: &str) -> impl Fn(Corrupt) -> SearchError + '_ {
    move |_| SearchError::Corrupt(name.to_string())
}

impl Store {
    pub fn new(site_dir: &Path) -> Self {
        Store {
            dir: site_dir.join(INDEX_DIR),
            raw: HashMap::new(),
            json: HashMap::new(),
            dshards: HashMap::new(),
            loaded: Vec::new(),
        }
    }

    /// The payload of `<name>.js`, inflated.
    pub fn load_bytes(&mut self, name: &str) -> Result<&[u8], SearchError> {
        if !self.raw.contains_key(name) {
            let path = self.dir.join(format!("{name}.js"));
            let text = match std::fs::read_to_string(&path) {
                Ok(t) => t,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    return Err(SearchError::Missing(path))
                }
                Err(e) => return Err(SearchError::Io { path, source: e }),
            };
            self.loaded.push((name.to_string(), text.len()));
            let (got, payload) = codec::parse_js_file(&text).map_err(corrupt(name))?;
            if got != name {
                return Err(SearchError::Corrupt(name.to_string()));
            }
            self.raw.insert(name.to_string(), payload);
        }
        self.raw
            .get(name)
            .map(Vec::as_slice)
            .ok_or_else(|| SearchError::Corrupt(name.to_string()))
    }

    /// The payload of `<name>.js` as JSON.
    pub fn load(&mut self, name: &str) -> Result<&Value, SearchError> {
        if !self.json.contains_key(name) {
            let v = serde_json::from_slice(self.load_bytes(name)?)
                .map_err(|_| SearchError::Corrupt(name.to_string()))?;
            self.json.insert(name.to_string(), v);
        }
        self.json
            .get(name)
            .ok_or_else(|| SearchError::Corrupt(name.to_string()))
    }

    pub fn meta(&mut self) -> Result<Meta, SearchError> {
        let v = self.load("meta")?.clone();
        let bad = || SearchError::Corrupt("meta".into());
        let version = v["v"].as_u64().ok_or_else(bad)?;
        if version != u64::from(VERSION) {
            return Err(SearchError::Version(version));
        }
        let num = |k: &str| v[k].as_u64().ok_or_else(bad);
        let mut fw = [0.0; 4];
        for (i, w) in fw.iter_mut().enumerate() {
            *w = v["fw"][i].as_f64().ok_or_else(bad)?;
        }
        let facets = v["facets"]
            .as_array()
            .ok_or_else(bad)?
            .iter()
            .map(|f| {
                Ok(FacetMeta {
                    key: f["k"].as_str().ok_or_else(bad)?.to_string(),
                    slug: f["s"].as_str().ok_or_else(bad)?.to_string(),
                    nvalues: f["n"]
                        .as_u64()
                        .filter(|&n| n <= MAX_COUNT)
                        .ok_or_else(bad)? as usize,
                    hier: f["h"].as_bool().unwrap_or(false),
                })
            })
            .collect::<Result<Vec<_>, SearchError>>()?;
        let dshards = num("ds")? as u32;
        if !dshards.is_power_of_two() {
            return Err(bad());
        }
        Ok(Meta {
            n: num("n").ok().filter(|&n| n <= MAX_COUNT).ok_or_else(bad)? as usize,
            dshards,
            doc_pack: num("dp")
                .ok()
                .filter(|&n| (1..=MAX_COUNT).contains(&n))
                .ok_or_else(bad)? as usize,
            k1: v["k1"].as_f64().ok_or_else(bad)?,
            fw,
            pack_cost: num("pc")? as usize,
            facets,
        })
    }

    /// The `d/` entry of `key`, if the key occurs anywhere.
    pub fn gram(&mut self, meta: &Meta, key: &str) -> Result<Option<GramEntry>, SearchError> {
        let shard = codec::fnv1a(key) & (meta.dshards - 1);
        if !self.dshards.contains_key(&shard) {
            let name = format!("d/{}", shard_name(shard, meta.dshards));
            let parsed = parse_dshard(self.load_bytes(&name)?).map_err(corrupt(&name))?;
            self.dshards.insert(shard, parsed);
        }
        Ok(self.dshards.get(&shard).and_then(|s| s.get(key)).cloned())
    }

    /// The bytes of a list.
    pub fn list(&mut self, p: &Placed) -> Result<Vec<u8>, SearchError> {
        match p.loc {
            PosLoc::None => Ok(Vec::new()),
            PosLoc::Inline => Ok(p.inline.clone()),
            PosLoc::Pack => {
                let name = pack_name(p.pack);
                let bytes = self.load_bytes(&name)?;
                p.offset
                    .checked_add(p.len)
                    .and_then(|end| bytes.get(p.offset..end))
                    .map(<[u8]>::to_vec)
                    .ok_or(SearchError::Corrupt(name))
            }
        }
    }
}

fn parse_dshard(b: &[u8]) -> Result<HashMap<String, GramEntry>, Corrupt> {
    let mut r = Reader::new(b);
    let n = r.usize()?;
    // Counts read from the file only hint at sizes: a damaged one must not allocate.
    let mut out = HashMap::with_capacity(n.min(b.len()));
    for _ in 0..n {
        let kl = r.usize()?;
        let key = std::str::from_utf8(r.bytes(kl)?)
            .map_err(|_| Corrupt)?
            .to_string();
        let df = r.usize()?;
        let post = parse_placed(&mut r)?;
        let pos = parse_placed(&mut r)?;
        let ext = if pos.loc == PosLoc::None {
            Vec::new()
        } else {
            parse_tree(&mut r, 0)?
        };
        out.insert(key, GramEntry { df, post, pos, ext });
    }
    Ok(out)
}

fn parse_placed(r: &mut Reader) -> Result<Placed, Corrupt> {
    let loc = PosLoc::from_code(r.varint()?).ok_or(Corrupt)?;
    let len = r.usize()?;
    let mut p = Placed {
        loc,
        len,
        inline: Vec::new(),
        pack: 0,
        offset: 0,
    };
    match loc {
        PosLoc::None => {}
        PosLoc::Inline => p.inline = r.bytes(len)?.to_vec(),
        PosLoc::Pack => {
            p.pack = r.u32()?;
            p.offset = r.usize()?;
        }
    }
    Ok(p)
}

fn parse_tree(r: &mut Reader, depth: usize) -> Result<Vec<ExtNode>, Corrupt> {
    let n = r.usize()?;
    if depth > 8 || n > 1 << 20 {
        return Err(Corrupt);
    }
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let tl = r.usize()?;
        let token = std::str::from_utf8(r.bytes(tl)?)
            .map_err(|_| Corrupt)?
            .to_string();
        let df = r.usize()?;
        let post = parse_placed(r)?;
        let pos = parse_placed(r)?;
        let children = parse_tree(r, depth + 1)?;
        out.push(ExtNode {
            token,
            df,
            post,
            pos,
            children,
        });
    }
    Ok(out)
}

fn read_tf(r: &mut Reader) -> Result<[u32; 4], Corrupt> {
    let h = r.varint()?;
    let mask = (h & 15) as u32;
    let mut tf = [0u32; 4];
    let mut first = true;
    for (f, slot) in tf.iter_mut().enumerate() {
        if mask & (1 << f) != 0 {
            let v = if first { h >> 4 } else { r.varint()? };
            *slot = u32::try_from(v + 1).map_err(|_| Corrupt)?;
            first = false;
        }
    }
    Ok(tf)
}

/// Decodes doc-level postings of `df` cases (see `index::put_tf_header`).
pub fn decode_postings(bytes: &[u8], df: usize, ndocs: usize) -> Result<Postings, Corrupt> {
    let mut r = Reader::new(bytes);
    let mut out = Vec::with_capacity(df.min(bytes.len()));
    let mut doc = 0u32;
    for i in 0..df {
        let d = r.u32()?;
        doc = if i == 0 {
            d
        } else {
            doc.checked_add(d).ok_or(Corrupt)?
        };
        if doc as usize >= ndocs {
            return Err(Corrupt);
        }
        out.push((doc, read_tf(&mut r)?));
    }
    Ok(out)
}

fn read_positions(r: &mut Reader, tf: &[u32; 4]) -> Result<[Vec<u32>; 4], Corrupt> {
    let mut fields: [Vec<u32>; 4] = Default::default();
    for (f, list) in fields.iter_mut().enumerate() {
        let mut p = 0u32;
        for j in 0..tf[f] {
            let v = r.u32()?;
            p = if j == 0 {
                v
            } else {
                p.checked_add(v).ok_or(Corrupt)?
            };
            list.push(p);
        }
    }
    Ok(fields)
}

/// Decodes the positions that go with `post` (see `index::put_tf_header`): per case,
/// per field, sorted positions.
pub fn decode_positions(post: &Postings, bytes: &[u8]) -> Result<Vec<FieldPositions>, Corrupt> {
    let mut r = Reader::new(bytes);
    post.iter()
        .map(|(_, tf)| read_positions(&mut r, tf))
        .collect()
}
