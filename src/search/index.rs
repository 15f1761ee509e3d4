//! The index writer: lays out the postings from [`super::invert`] in shards (see the file
//! list in [`super`]). The binary layouts are documented on the encoding functions;
//! `reader.rs`, `query.rs` and `search.js` read them.

use super::codec::{self, hex, put_varint};
use super::facets::{self, key_slug, NAMES_PER_CHUNK};
use super::invert::{gram_len, invert_with, GramIds, Postings, MAX_GRAM, NONE, PASS_BYTES};
use super::tokenize::gram_key;
use super::{IndexFile, SearchDoc, INDEX_DIR};
use rayon::prelude::*;
use serde_json::json;
use std::collections::{HashMap, HashSet};

/// Field weights in BM25F order: title, summary, meta, body.
pub const FIELD_WEIGHTS: [f64; 4] = [3.0, 2.0, 1.5, 1.0];
/// BM25 saturation constant.
pub const K1: f64 = 1.2;
/// Position lists up to this many bytes are stored inline in the `d/` entry.
pub const INLINE_MAX: usize = 24;
/// Position lists larger than this get their own `q/` file.
pub const OWN_FILE_MIN: usize = 2048;
/// Doc-level postings larger than this get their own `r/` file.
pub const OWN_POSTINGS_MIN: usize = 1024;
/// Grams whose positions exceed this many bytes get right-extensions (see `invert`)...
pub const EXT_MIN: usize = 8192;
/// ... if that is also more than one in this many of the corpus's bigram position bytes,
/// so that what counts as common does not depend on the size of the corpus.
pub const EXT_SHARE: usize = 2048;
/// Target size of a `d/` or `p/` shard before base64.
pub const SHARD_TARGET: usize = 4 * 1024;
/// Characters of the body in `doc/<id>.js`; the rest is in `doc/<id>-<j>.js` chunks. Most
/// case bodies are shorter, so a result usually needs one file (each file costs a creation).
pub const HEAD_CHARS: usize = 3000;
/// Characters per further chunk of the body.
pub const REST_CHARS: usize = 3000;
/// Format version, checked by the readers.
pub const VERSION: u32 = 2;

/// Size thresholds of the layout (the defaults are the constants above; tests shrink them
/// to exercise every layout on small corpora).
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    pub inline_max: usize,
    pub own_file_min: usize,
    pub own_postings_min: usize,
    pub ext_min: usize,
    pub ext_share: usize,
    pub shard_target: usize,
    /// Position bytes the inversion collects per pass (see `invert::PASS_BYTES`).
    pub pass_bytes: usize,
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            inline_max: INLINE_MAX,
            own_file_min: OWN_FILE_MIN,
            own_postings_min: OWN_POSTINGS_MIN,
            ext_min: EXT_MIN,
            ext_share: EXT_SHARE,
            shard_target: SHARD_TARGET,
            pass_bytes: PASS_BYTES,
        }
    }
}

/// Where a gram's positions (or a key's postings) are stored.
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

/// The per-case header of doc-level postings: `varint header` where header = field mask
/// (4 bits) + 16 * (tf of the first present field - 1), then `varint tf - 1` for each
/// further present field.
///
/// Doc-level postings ([`super::invert::Postings::postings`]) are, per case, `varint
/// doc-delta` (the first absolute) followed by this header. Positions
/// ([`super::invert::Postings::positions`]) are, per case in posting order, per present
/// field, `tf` varints (first absolute, then deltas); their counts come from the postings.
pub(super) fn put_tf_header(out: &mut Vec<u8>, tf: &[u32; 4]) {
    let mask = (0..4)
        .filter(|&f| tf[f] > 0)
        .fold(0u64, |m, f| m | (1 << f));
    let mut present = (0..4).filter(|&f| tf[f] > 0);
    let first = present.next().map_or(1, |f| tf[f]);
    put_varint(out, mask + 16 * u64::from(first - 1));
    for f in present {
        put_varint(out, u64::from(tf[f] - 1));
    }
}

fn shard_count(total: usize, target: usize) -> u32 {
    let want = total.div_ceil(target.max(1)).max(1);
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

/// Name of the own postings file of a key.
pub fn own_postings_name(key: &str) -> String {
    format!("r/{}", hex(codec::fnv1a(key) ^ 0x2f6b_9a3d, 8))
}

fn file(name: &str, bytes: Vec<u8>) -> IndexFile {
    IndexFile {
        path: format!("{INDEX_DIR}/{name}.js"),
        bytes,
    }
}

/// Positional data of one gram and where it goes.
struct Placed {
    key: String,
    /// Empty once written to a file of its own.
    bytes: Vec<u8>,
    len: usize,
    loc: PosLoc,
}

/// One key of a `d/` shard: a unigram or a bigram.
struct DEntry {
    key: String,
    df: usize,
    /// Doc-level postings; empty when they have a file of their own.
    post: Vec<u8>,
    post_len: usize,
    post_own: bool,
    /// The positions in the placed list (bigrams only).
    pos: Option<usize>,
    /// The extension tree (bigrams only).
    tree: Vec<u8>,
}

/// A gram of 3+ tokens as laid out: postings and positions in the placed list.
struct Extension {
    g: GramIds,
    df: usize,
    post: usize,
    pos: usize,
}

/// Decides where position bytes go; own-file names must be unique, else a shard is used.
fn place(key: String, bytes: Vec<u8>, own: &mut HashSet<String>, lay: &Layout) -> Placed {
    let loc = if bytes.len() <= lay.inline_max {
        PosLoc::Inline
    } else if bytes.len() > lay.own_file_min && own.insert(own_file_name(&key)) {
        PosLoc::Own
    } else {
        PosLoc::Shard
    };
    Placed {
        key,
        len: bytes.len(),
        bytes,
        loc,
    }
}

fn put_placed(out: &mut Vec<u8>, p: &Placed) {
    put_varint(out, p.loc as u64);
    put_varint(out, p.len as u64);
    if p.loc == PosLoc::Inline {
        out.extend_from_slice(&p.bytes);
    }
}

/// Writes one extension tree: `varint n`, then per child `varint tokLen`, token, `varint
/// df`, its doc-level postings (`varint loc`, `varint len`, inline bytes when inline; stored
/// under the key `#` + gram key), its positions (same form, under the gram key), and the
/// child's own tree.
fn put_tree(out: &mut Vec<u8>, node: &Node, tokens: &[String], placed: &[Placed]) {
    put_varint(out, node.children.len() as u64);
    for c in &node.children {
        let tok = &tokens[c.token as usize];
        put_varint(out, tok.len() as u64);
        out.extend_from_slice(tok.as_bytes());
        put_varint(out, c.df as u64);
        put_placed(out, &placed[c.post]);
        put_placed(out, &placed[c.pos]);
        put_tree(out, c, tokens, placed);
    }
}

/// Extension tree of a bigram.
#[derive(Default)]
struct Node {
    token: u32,
    df: usize,
    post: usize,
    pos: usize,
    children: Vec<Node>,
}

/// The extensions of gram `g` taken from `trees`, in the order of their last token.
fn children(trees: &mut HashMap<GramIds, Vec<Node>>, g: &GramIds, tokens: &[String]) -> Vec<Node> {
    let mut nodes = trees.remove(g).unwrap_or_default();
    nodes.sort_by(|a, b| tokens[a.token as usize].cmp(&tokens[b.token as usize]));
    nodes
}

fn key_of(g: &GramIds, tokens: &[String]) -> String {
    let toks: Vec<&str> = g[..gram_len(g)]
        .iter()
        .map(|&t| tokens[t as usize].as_str())
        .collect();
    gram_key(&toks)
}

/// Every index file (see [`super::build_index`]), sorted by path.
pub fn build(docs: &[SearchDoc]) -> Vec<IndexFile> {
    build_with(docs, &Layout::default())
}

/// [`build`] with other thresholds.
pub fn build_with(docs: &[SearchDoc], lay: &Layout) -> Vec<IndexFile> {
    let files = std::sync::Mutex::new(Vec::new());
    let collected: Result<(), std::convert::Infallible> = write_with(docs, lay, &|f| {
        files.lock().unwrap_or_else(|e| e.into_inner()).push(f);
        Ok(())
    });
    let Ok(()) = collected;
    let mut files = files.into_inner().unwrap_or_else(|e| e.into_inner());
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// Lays out each level of the inversion as it is completed: position lists and doc-level
/// postings big enough for a file of their own (`q/`, `r/`) are written at once and
/// freed; the rest is kept, placed, for the shards written at the end. Levels arrive in
/// order (unigrams, bigrams, 3-grams …), so own-file names are claimed in that order.
struct Layouter<'a, E> {
    lay: &'a Layout,
    sink: &'a (dyn Fn(IndexFile) -> Result<(), E> + Sync),
    /// Own position file names taken.
    own: HashSet<String>,
    /// Own postings file names taken.
    own_post: HashSet<String>,
    placed: Vec<Placed>,
    /// Grams of 3+ tokens, by length.
    extensions: Vec<Vec<Extension>>,
    /// d/ entries: unigrams, then bigrams (their extension trees are filled in at the end).
    dentries: Vec<DEntry>,
    /// The bigrams of the last `bigrams.len()` d/ entries, in the same order.
    bigrams: Vec<GramIds>,
    /// The first error of `sink`; later levels are then skipped.
    failed: Option<E>,
}

impl<E: Send> Layouter<'_, E> {
    fn level(&mut self, tokens: &[String], len: usize, level: Vec<(GramIds, Postings)>) {
        if self.failed.is_some() {
            return;
        }
        // `invert_with` hands levels over in gram order, which is the order of the files.
        debug_assert!(
            level.windows(2).all(|w| w[0].0 < w[1].0),
            "level in gram order"
        );
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        for (g, p) in level {
            if len == 1 {
                if p.df > 0 {
                    let key = tokens[g[0] as usize].clone();
                    let entry = self.entry(key, p.df, p.postings, None, &mut files);
                    self.dentries.push(entry);
                }
                continue;
            }
            let key = key_of(&g, tokens);
            if len == 2 {
                let pos = self.place(key.clone(), p.positions, &mut files);
                let entry = self.entry(key, p.df, p.postings, Some(pos), &mut files);
                self.dentries.push(entry);
                self.bigrams.push(g);
            } else {
                let post = self.place(format!("#{key}"), p.postings, &mut files);
                let pos = self.place(key, p.positions, &mut files);
                self.extensions[len].push(Extension {
                    g,
                    df: p.df,
                    post,
                    pos,
                });
            }
        }
        let sink = self.sink;
        if let Err(e) = files
            .into_par_iter()
            .try_for_each(|(name, bytes)| sink(file(&name, codec::js_file_bin(&name, &bytes))))
        {
            self.failed = Some(e);
        }
    }

    /// Places a list (see [`place`]); an own file goes to `files` and its bytes are freed.
    fn place(&mut self, key: String, bytes: Vec<u8>, files: &mut Vec<(String, Vec<u8>)>) -> usize {
        let mut p = place(key, bytes, &mut self.own, self.lay);
        if p.loc == PosLoc::Own {
            files.push((own_file_name(&p.key), std::mem::take(&mut p.bytes)));
        }
        self.placed.push(p);
        self.placed.len() - 1
    }

    /// A d/ entry; postings big enough (and a free name) get an `r/` file in `files`.
    fn entry(
        &mut self,
        key: String,
        df: usize,
        post: Vec<u8>,
        pos: Option<usize>,
        files: &mut Vec<(String, Vec<u8>)>,
    ) -> DEntry {
        let post_len = post.len();
        let name = own_postings_name(&key);
        let post_own = post_len > self.lay.own_postings_min && self.own_post.insert(name.clone());
        let post = if post_own {
            files.push((name, post));
            Vec::new()
        } else {
            post
        };
        DEntry {
            key,
            df,
            post,
            post_len,
            post_own,
            pos,
            tree: Vec::new(),
        }
    }
}

/// Hands every index file to `sink` as soon as it is complete (from several threads), so
/// the whole index never has to be held in memory; stops at the first error of `sink`.
pub fn write_with<E: Send>(
    docs: &[SearchDoc],
    lay: &Layout,
    sink: &(dyn Fn(IndexFile) -> Result<(), E> + Sync),
) -> Result<(), E> {
    let order = doc_order(docs);
    let docs: Vec<&SearchDoc> = order.iter().map(|&i| &docs[i]).collect();

    // Each level is laid out as soon as the inversion completes it (see [`Layouter`]).
    let mut lay_out = Layouter {
        lay,
        sink,
        own: HashSet::new(),
        own_post: HashSet::new(),
        placed: Vec::new(),
        extensions: (0..=MAX_GRAM).map(|_| Vec::new()).collect(),
        dentries: Vec::new(),
        bigrams: Vec::new(),
        failed: None,
    };
    let (tokens, displayed) = rayon::join(
        || {
            invert_with(
                &docs,
                lay.ext_min,
                lay.ext_share,
                lay.pass_bytes,
                &mut |tokens, len, level| lay_out.level(tokens, len, level),
            )
        },
        || {
            let timer = crate::timing::StageTimer::from_env();
            timer.time("  search: display files", || write_display(&docs, sink))
        },
    );
    displayed?;
    let Layouter {
        placed,
        mut extensions,
        mut dentries,
        bigrams,
        failed,
        ..
    } = lay_out;
    if let Some(e) = failed {
        return Err(e);
    }
    let timer = crate::timing::StageTimer::from_env();
    let start = std::time::Instant::now();

    // Extension grams (3+ tokens) hang under their bigram: trees built from the longest
    // grams up.
    let mut trees: HashMap<GramIds, Vec<Node>> = HashMap::new();
    for len in (3..=MAX_GRAM).rev() {
        for e in std::mem::take(&mut extensions[len]) {
            let node = Node {
                token: e.g[len - 1],
                df: e.df,
                post: e.post,
                pos: e.pos,
                children: children(&mut trees, &e.g, &tokens),
            };
            let mut parent = e.g;
            parent[len - 1] = NONE;
            trees.entry(parent).or_default().push(node);
        }
    }

    // The bigrams' d/ entries get their extension trees.
    let first_bigram = dentries.len() - bigrams.len();
    for (e, g) in dentries[first_bigram..].iter_mut().zip(&bigrams) {
        let root = Node {
            children: children(&mut trees, g, &tokens),
            ..Node::default()
        };
        put_tree(&mut e.tree, &root, &tokens, &placed);
    }
    dentries.sort_by(|a, b| a.key.cmp(&b.key));

    let entry_size = |e: &DEntry| {
        e.key.len()
            + 8
            + e.tree.len()
            + if e.post_own { 0 } else { e.post.len() }
            + e.pos.map_or(0, |p| {
                if placed[p].loc == PosLoc::Inline {
                    placed[p].bytes.len()
                } else {
                    0
                }
            })
    };
    let nd = shard_count(dentries.iter().map(entry_size).sum(), lay.shard_target);
    let np = shard_count(
        placed
            .iter()
            .filter(|p| p.loc == PosLoc::Shard)
            .map(|p| p.key.len() + p.bytes.len() + 3)
            .sum(),
        lay.shard_target,
    );

    // d/ shards: `varint count`, then per key (sorted): `varint keyLen`, key, `varint df`,
    // `varint postLen`, `varint postOwn` (0/1), `varint posLoc`, [`varint posLen`],
    // [postings], [inline positions], [extension tree (bigrams)].
    let mut dshards: Vec<Vec<&DEntry>> = vec![Vec::new(); nd as usize];
    for e in &dentries {
        dshards[(codec::fnv1a(&e.key) & (nd - 1)) as usize].push(e);
    }
    dshards.par_iter().enumerate().try_for_each(|(i, shard)| {
        let mut b = Vec::new();
        put_varint(&mut b, shard.len() as u64);
        for e in shard {
            put_varint(&mut b, e.key.len() as u64);
            b.extend_from_slice(e.key.as_bytes());
            put_varint(&mut b, e.df as u64);
            put_varint(&mut b, e.post_len as u64);
            put_varint(&mut b, u64::from(e.post_own));
            let p = e.pos.map(|p| &placed[p]);
            put_varint(&mut b, p.map_or(0, |p| p.loc as u64));
            if let Some(p) = p {
                put_varint(&mut b, p.len as u64);
            }
            if !e.post_own {
                b.extend_from_slice(&e.post);
            }
            if let Some(p) = p.filter(|p| p.loc == PosLoc::Inline) {
                b.extend_from_slice(&p.bytes);
            }
            if p.is_some() {
                b.extend_from_slice(&e.tree);
            }
        }
        let name = format!("d/{}", shard_name(i as u32, nd));
        sink(file(&name, codec::js_file_bin(&name, &b)))
    })?;

    // p/ shards: `varint count`, then per key: key, `varint len`, bytes. q/: one gram's bytes.
    let mut pshards: Vec<Vec<&Placed>> = vec![Vec::new(); np as usize];
    for p in &placed {
        if p.loc == PosLoc::Shard {
            pshards[(codec::fnv1a(&p.key) & (np - 1)) as usize].push(p);
        }
    }
    pshards
        .par_iter_mut()
        .enumerate()
        .try_for_each(|(i, shard)| {
            shard.sort_by(|a, b| a.key.cmp(&b.key));
            let mut b = Vec::new();
            put_varint(&mut b, shard.len() as u64);
            for p in shard.iter() {
                put_varint(&mut b, p.key.len() as u64);
                b.extend_from_slice(p.key.as_bytes());
                put_varint(&mut b, p.bytes.len() as u64);
                b.extend_from_slice(&p.bytes);
            }
            let name = format!("p/{}", shard_name(i as u32, np));
            sink(file(&name, codec::js_file_bin(&name, &b)))
        })?;

    timer.report("  search: d/ and p/ shards", start);
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
        sink(file(
            &name,
            codec::js_file(&name, &codec::json_for_js(&col)),
        ))?;
        for (c, chunk) in t.values.chunks(NAMES_PER_CHUNK).enumerate() {
            let name = format!("fn/{slug}-{c}");
            sink(file(
                &name,
                codec::js_file(&name, &codec::json_for_js(&json!(chunk))),
            ))?;
        }
        fmeta.push(json!({"k": t.key, "s": slug, "n": t.values.len(), "h": !t.parent.is_empty()}));
    }

    let meta = json!({
        "v": VERSION,
        "n": docs.len(),
        "ds": nd,
        "ps": np,
        "k1": K1,
        "fw": FIELD_WEIGHTS,
        "pc": lay.shard_target,
        "facets": fmeta,
    });
    sink(file(
        "meta",
        codec::js_file("meta", &codec::json_for_js(&meta)),
    ))
}

/// Display data: `doc/<id>.js` with the start of the body and the number of further
/// chunks `m`; `doc/<id>-<j>.js` (j = 1..=m) with the rest, REST_CHARS at a time.
fn write_display<E: Send>(
    docs: &[&SearchDoc],
    sink: &(dyn Fn(IndexFile) -> Result<(), E> + Sync),
) -> Result<(), E> {
    docs.par_iter().enumerate().try_for_each(|(id, d)| {
        let chars: Vec<char> = d.body.chars().collect();
        let head: String = chars.iter().take(HEAD_CHARS).collect();
        let rest: Vec<String> = chars
            .get(HEAD_CHARS..)
            .unwrap_or_default()
            .chunks(REST_CHARS)
            .map(|c| c.iter().collect())
            .collect();
        let mut v = json!({"u": d.url, "t": d.title, "d": d.date, "r": d.region, "s": d.summary, "b": head, "m": rest.len()});
        if let Some(t) = &d.thumb {
            v["p"] = json!([t.webp, t.fallback]);
        }
        let name = format!("doc/{id}");
        sink(file(&name, codec::js_file(&name, &codec::json_for_js(&v))))?;
        for (j, chunk) in rest.iter().enumerate() {
            let name = format!("doc/{id}-{}", j + 1);
            sink(file(
                &name,
                codec::js_file(&name, &codec::json_for_js(&json!(chunk))),
            ))?;
        }
        Ok(())
    })
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
