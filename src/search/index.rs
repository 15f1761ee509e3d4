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
use std::collections::HashMap;

/// Field weights in BM25F order: title, summary, meta, body.
pub const FIELD_WEIGHTS: [f64; 4] = [3.0, 2.0, 1.5, 1.0];
/// BM25 saturation constant.
pub const K1: f64 = 1.2;
/// Position lists (and postings of extensions) up to this many bytes are stored inline,
/// in the entry that points to them.
pub const INLINE_MAX: usize = 24;
/// Doc-level postings of unigrams and bigrams up to this many bytes are stored in their
/// `d/` entry (a one- or two-token query then needs that one file).
pub const POST_INLINE_MAX: usize = 1024;
/// The other lists are packed, in gram order, into `p/<n>` files of about this many bytes
/// before compression (from [`PACK_FULL_AT`] cases; see [`Layout::pack_bytes`]); a larger
/// list has a pack to itself. A pack is fetched whole, so this is also what a list costs a
/// reader at least.
pub const PACK_TARGET: usize = 64 * 1024;
/// Cases from which packs are [`PACK_TARGET`] bytes and `d/` shards [`SHARD_TARGET`]: a
/// smaller site has smaller ones (down to an eighth and a quarter), as its index is smaller
/// and its file count matters less than a reader's download.
pub const PACK_FULL_AT: usize = 10_000;
/// Grams whose positions exceed this many bytes get right-extensions (see `invert`)...
pub const EXT_MIN: usize = 8192;
/// ... if that is also more than one in this many of the corpus's bigram position bytes,
/// so that what counts as common does not depend on the size of the corpus.
pub const EXT_SHARE: usize = 2048;
/// Target size of a `d/` shard before compression (from [`PACK_FULL_AT`] cases; see
/// [`Layout::shard_bytes`]).
pub const SHARD_TARGET: usize = 8 * 1024;
/// Cases per display file `doc/<n>` from [`PACK_FULL_AT`] cases; a smaller site has fewer
/// (see [`Layout::display_pack`]).
pub const DOC_PACK: usize = 4;
/// Characters of the body in a case's display data; the rest is in `doc/<id>-<j>.js`
/// chunks. Most case bodies are shorter, so a result usually needs one file.
pub const HEAD_CHARS: usize = 3000;
/// Characters per further chunk of the body.
pub const REST_CHARS: usize = 3000;
/// Format version, checked by the readers.
pub const VERSION: u32 = 3;

/// Size thresholds of the layout (the defaults are the constants above; tests shrink them
/// to exercise every layout on small corpora).
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    pub inline_max: usize,
    pub post_inline_max: usize,
    pub pack_target: usize,
    pub ext_min: usize,
    pub ext_share: usize,
    pub shard_target: usize,
    pub doc_pack: usize,
    /// Cases from which display files hold `doc_pack` cases.
    pub doc_full_at: usize,
    /// Position bytes the inversion collects per pass (see `invert::PASS_BYTES`).
    pub pass_bytes: usize,
}

impl Layout {
    /// The pack size for a site of `cases` cases: in proportion to its size, between an
    /// eighth of `pack_target` and `pack_target`.
    pub fn pack_bytes(&self, cases: usize) -> usize {
        scaled(self.pack_target, cases, 8)
    }

    /// The `d/` shard size for a site of `cases` cases, scaled as [`Layout::pack_bytes`]: a
    /// query reads one shard per pair of characters, so smaller shards spare a small
    /// site's readers for a few more files.
    pub fn shard_bytes(&self, cases: usize) -> usize {
        scaled(self.shard_target, cases, 4)
    }

    /// Cases per display file for a site of `cases` cases: in proportion to its size (to
    /// the nearest), between 1 and `doc_pack`. Ten results are ten display files at most,
    /// so a first query downloads the display data of up to `10 × display_pack` cases: a
    /// small site, whose file count matters little, spends files to spare its readers that.
    pub fn display_pack(&self, cases: usize) -> usize {
        let full = self.doc_full_at.max(1);
        (self.doc_pack.saturating_mul(cases).saturating_add(full / 2) / full)
            .clamp(1, self.doc_pack.max(1))
    }
}

/// `full` for a site of [`PACK_FULL_AT`] cases or more, less in proportion below, down to
/// `full / floor`.
fn scaled(full: usize, cases: usize, floor: usize) -> usize {
    (full.saturating_mul(cases) / PACK_FULL_AT)
        .clamp(full / floor, full)
        .max(1)
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            inline_max: INLINE_MAX,
            post_inline_max: POST_INLINE_MAX,
            pack_target: PACK_TARGET,
            ext_min: EXT_MIN,
            ext_share: EXT_SHARE,
            shard_target: SHARD_TARGET,
            doc_pack: DOC_PACK,
            doc_full_at: PACK_FULL_AT,
            pass_bytes: PASS_BYTES,
        }
    }
}

/// Where a list (positions or postings) is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PosLoc {
    #[default]
    None = 0,
    Inline = 1,
    Pack = 2,
}

impl PosLoc {
    pub fn from_code(c: u64) -> Option<PosLoc> {
        [PosLoc::None, PosLoc::Inline, PosLoc::Pack]
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

/// Name of pack `n`.
pub fn pack_name(n: u32) -> String {
    format!("p/{n:x}")
}

fn file(name: &str, bytes: Vec<u8>) -> IndexFile {
    IndexFile {
        path: format!("{INDEX_DIR}/{name}.js"),
        bytes,
    }
}

/// A list and where it went: inline (its bytes kept for the entry) or in a pack.
#[derive(Default)]
struct Placed {
    loc: PosLoc,
    len: usize,
    /// The bytes of an inline list.
    bytes: Vec<u8>,
    pack: u32,
    offset: usize,
}

/// `varint loc`, `varint len`, then the bytes (inline) or `varint pack`, `varint offset`.
fn put_placed(out: &mut Vec<u8>, p: &Placed) {
    put_varint(out, p.loc as u64);
    put_varint(out, p.len as u64);
    match p.loc {
        PosLoc::None => {}
        PosLoc::Inline => out.extend_from_slice(&p.bytes),
        PosLoc::Pack => {
            put_varint(out, u64::from(p.pack));
            put_varint(out, p.offset as u64);
        }
    }
}

/// One key of a `d/` shard: a unigram or a bigram.
struct DEntry {
    key: String,
    df: usize,
    /// Its doc-level postings in the placed lists.
    post: usize,
    /// Its positions in the placed lists (bigrams only).
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

/// Writes one extension tree: `varint n`, then per child `varint tokLen`, token, `varint
/// df`, its doc-level postings and its positions (each as [`put_placed`]), and the child's
/// own tree.
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

/// Lays out each level of the inversion as it is completed: lists that are not inline
/// are appended to the open pack, which is written once full (and at the end of each
/// level), so a pack's bytes are freed as soon as it is written. Levels arrive in order
/// (unigrams, bigrams, 3-grams …) and each in gram order, so pack numbers are
/// deterministic, and a gram's extensions usually share its pack.
struct Layouter<'a, E> {
    lay: &'a Layout,
    sink: &'a (dyn Fn(IndexFile) -> Result<(), E> + Sync),
    /// The pack size ([`Layout::pack_bytes`]).
    pack_bytes: usize,
    placed: Vec<Placed>,
    /// The open pack: its number and bytes.
    pack: u32,
    open: Vec<u8>,
    /// Packs numbered so far.
    packs: u32,
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
    fn level(
        &mut self,
        tokens: &[String],
        len: usize,
        common: usize,
        level: Vec<(GramIds, Postings)>,
    ) {
        if self.failed.is_some() {
            return;
        }
        // `invert_with` hands levels over in gram order, which is the order of the packs.
        debug_assert!(
            level.windows(2).all(|w| w[0].0 < w[1].0),
            "level in gram order"
        );
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        let (inline_max, post_inline_max) = (self.lay.inline_max, self.lay.post_inline_max);
        for (g, p) in level {
            if len == 1 {
                if p.df > 0 {
                    let post = self.place(p.postings, post_inline_max, &mut files);
                    self.dentries.push(DEntry {
                        key: tokens[g[0] as usize].clone(),
                        df: p.df,
                        post,
                        pos: None,
                        tree: Vec::new(),
                    });
                }
                continue;
            }
            if len == 2 {
                let post = self.place(p.postings, post_inline_max, &mut files);
                let pos = self.place(p.positions, inline_max, &mut files);
                self.dentries.push(DEntry {
                    key: key_of(&g, tokens),
                    df: p.df,
                    post,
                    pos: Some(pos),
                    tree: Vec::new(),
                });
                self.bigrams.push(g);
            } else {
                let post = self.place(p.postings, inline_max, &mut files);
                // A common gram below the longest is extended: a phrase it begins is
                // answered by the postings of a longer gram, and covers use bigrams,
                // leaves and grams of MAX_GRAM tokens, so its own long list is not kept.
                let pos = if len < MAX_GRAM && p.positions.len() > common {
                    self.placed.push(Placed::default());
                    self.placed.len() - 1
                } else {
                    self.place(p.positions, inline_max, &mut files)
                };
                self.extensions[len].push(Extension {
                    g,
                    df: p.df,
                    post,
                    pos,
                });
            }
        }
        self.close_pack(&mut files);
        let sink = self.sink;
        if let Err(e) = files
            .into_par_iter()
            .try_for_each(|(name, bytes)| sink(file(&name, codec::js_file(&name, &bytes))))
        {
            self.failed = Some(e);
        }
    }

    /// Places a list: inline up to `inline_max` bytes, else in the open pack (a full pack
    /// goes to `files` first), or in a pack of its own when it is as large as a pack.
    fn place(
        &mut self,
        bytes: Vec<u8>,
        inline_max: usize,
        files: &mut Vec<(String, Vec<u8>)>,
    ) -> usize {
        let len = bytes.len();
        let p = if len <= inline_max {
            Placed {
                loc: PosLoc::Inline,
                len,
                bytes,
                ..Placed::default()
            }
        } else if len >= self.pack_bytes {
            let pack = self.packs;
            self.packs += 1;
            files.push((pack_name(pack), bytes));
            Placed {
                loc: PosLoc::Pack,
                len,
                pack,
                ..Placed::default()
            }
        } else {
            if !self.open.is_empty() && self.open.len() + len > self.pack_bytes {
                self.close_pack(files);
            }
            if self.open.is_empty() {
                self.pack = self.packs;
                self.packs += 1;
            }
            let offset = self.open.len();
            self.open.extend_from_slice(&bytes);
            Placed {
                loc: PosLoc::Pack,
                len,
                pack: self.pack,
                offset,
                ..Placed::default()
            }
        };
        self.placed.push(p);
        self.placed.len() - 1
    }

    /// Hands the open pack, if any, to `files`.
    fn close_pack(&mut self, files: &mut Vec<(String, Vec<u8>)>) {
        if !self.open.is_empty() {
            files.push((pack_name(self.pack), std::mem::take(&mut self.open)));
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
        pack_bytes: lay.pack_bytes(docs.len()),
        placed: Vec::new(),
        pack: 0,
        open: Vec::new(),
        packs: 0,
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
                &mut |tokens, len, common, level| lay_out.level(tokens, len, common, level),
            )
        },
        || {
            let timer = crate::timing::StageTimer::from_env();
            timer.time("  search: display files", || {
                write_display(&docs, lay.display_pack(docs.len()), sink)
            })
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

    let inline_len = |p: Option<usize>| {
        p.map_or(0, |p| {
            let p = &placed[p];
            if p.loc == PosLoc::Inline {
                p.len
            } else {
                8
            }
        })
    };
    let entry_size =
        |e: &DEntry| e.key.len() + 4 + e.tree.len() + inline_len(Some(e.post)) + inline_len(e.pos);
    let nd = shard_count(
        dentries.iter().map(entry_size).sum(),
        lay.shard_bytes(docs.len()),
    );

    // d/ shards: `varint count`, then per key (sorted): `varint keyLen`, key, `varint df`,
    // its postings and its positions (each as [`put_placed`]; a unigram has none), and
    // for a bigram its extension tree.
    let mut dshards: Vec<Vec<&DEntry>> = vec![Vec::new(); nd as usize];
    for e in &dentries {
        dshards[(codec::fnv1a(&e.key) & (nd - 1)) as usize].push(e);
    }
    let none = Placed::default();
    dshards.par_iter().enumerate().try_for_each(|(i, shard)| {
        let mut b = Vec::new();
        put_varint(&mut b, shard.len() as u64);
        for e in shard {
            put_varint(&mut b, e.key.len() as u64);
            b.extend_from_slice(e.key.as_bytes());
            put_varint(&mut b, e.df as u64);
            put_placed(&mut b, &placed[e.post]);
            put_placed(&mut b, e.pos.map_or(&none, |p| &placed[p]));
            if e.pos.is_some() {
                b.extend_from_slice(&e.tree);
            }
        }
        let name = format!("d/{}", shard_name(i as u32, nd));
        sink(file(&name, codec::js_file(&name, &b)))
    })?;

    timer.report("  search: d/ shards", start);
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
        sink(file(&name, codec::js_json(&name, &col)))?;
        for (c, chunk) in t.values.chunks(NAMES_PER_CHUNK).enumerate() {
            let name = format!("fn/{slug}-{c}");
            sink(file(&name, codec::js_json(&name, &json!(chunk))))?;
        }
        fmeta.push(json!({"k": t.key, "s": slug, "n": t.values.len(), "h": !t.parent.is_empty()}));
    }

    let meta = json!({
        "v": VERSION,
        "n": docs.len(),
        "ds": nd,
        "dp": lay.display_pack(docs.len()),
        "k1": K1,
        "fw": FIELD_WEIGHTS,
        "pc": lay.pack_bytes(docs.len()),
        "facets": fmeta,
    });
    sink(file("meta", codec::js_json("meta", &meta)))
}

/// Display data: `doc/<n>.js`, an array of the display data of cases `n * pack ..`, each
/// with the start of the body and the number of further chunks `m`; `doc/<id>-<j>.js` (j =
/// 1..=m) with the rest of case `id`'s body, REST_CHARS at a time.
fn write_display<E: Send>(
    docs: &[&SearchDoc],
    pack: usize,
    sink: &(dyn Fn(IndexFile) -> Result<(), E> + Sync),
) -> Result<(), E> {
    let pack = pack.max(1);
    docs.par_chunks(pack).enumerate().try_for_each(|(n, chunk)| {
        let mut shown = Vec::with_capacity(chunk.len());
        for (i, d) in chunk.iter().enumerate() {
            let id = n * pack + i;
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
            shown.push(v);
            for (j, chunk) in rest.iter().enumerate() {
                let name = format!("doc/{id}-{}", j + 1);
                sink(file(&name, codec::js_json(&name, &json!(chunk))))?;
            }
        }
        let name = format!("doc/{n}");
        sink(file(&name, codec::js_json(&name, &json!(shown))))
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
    fn shards_grow_with_the_site_up_to_the_target() {
        let lay = Layout::default();
        assert_eq!(lay.shard_bytes(20), SHARD_TARGET / 4);
        assert_eq!(lay.shard_bytes(5_000), SHARD_TARGET / 2);
        assert_eq!(lay.shard_bytes(PACK_FULL_AT), SHARD_TARGET);
        assert_eq!(lay.shard_bytes(100_000), SHARD_TARGET);
    }

    #[test]
    fn display_files_hold_more_cases_as_the_site_grows() {
        let lay = Layout::default();
        assert_eq!(lay.display_pack(20), 1);
        assert_eq!(lay.display_pack(2_000), 1);
        assert_eq!(lay.display_pack(5_000), 2);
        assert_eq!(lay.display_pack(7_000), 3);
        assert_eq!(lay.display_pack(PACK_FULL_AT), DOC_PACK);
        assert_eq!(lay.display_pack(100_000), DOC_PACK);
    }

    #[test]
    fn packs_grow_with_the_site_up_to_the_target() {
        let lay = Layout::default();
        assert_eq!(lay.pack_bytes(20), PACK_TARGET / 8);
        assert_eq!(lay.pack_bytes(5_000), PACK_TARGET / 2);
        assert_eq!(lay.pack_bytes(PACK_FULL_AT), PACK_TARGET);
        assert_eq!(lay.pack_bytes(100_000), PACK_TARGET);
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
            .and_then(|f| codec::parse_js_file(&String::from_utf8_lossy(&f.bytes)).ok())
            .map(|(_, payload)| String::from_utf8_lossy(&payload).to_string());
        assert!(
            d0.unwrap_or_default().starts_with("[{"),
            "a pack of display data"
        );
        // A site this small has one case per display file.
        let shown = |n: usize| {
            one.iter()
                .find(|f| f.path == format!("search/idx/doc/{n}.js"))
                .and_then(|f| codec::parse_js_file(&String::from_utf8_lossy(&f.bytes)).ok())
                .and_then(|(_, payload)| serde_json::from_slice::<serde_json::Value>(&payload).ok())
                .unwrap_or_default()
        };
        assert_eq!(shown(0)[0]["u"], "b/", "newest first");
        assert_eq!(shown(1)[0]["u"], "a/");
        assert_eq!(shown(0).as_array().map(Vec::len), Some(1));
        assert!(one
            .iter()
            .all(|f| f.path.starts_with("search/idx/") && f.path.ends_with(".js")));
        assert!(one.iter().any(|f| f.path == "search/idx/meta.js"));
    }
}
