//! Inversion: tokenises every case once (tokens interned to ids), then collects postings of
//! unigrams (per-field term frequencies), bigrams (with positions), and the right-extensions
//! of common grams (trigrams of common bigrams, 4-grams of common trigrams...) with
//! positions. Extensions let a phrase query verify `社工服务中心` with the positions of
//! `社工服务` and `服务中心` instead of the far longer lists of `社工`, `服务` and `中心`.
//!
//! Postings are encoded while they are collected (the layouts documented on
//! `index::put_tf_header`), so memory holds about the size of the written index rather
//! than one allocation per gram and case. Each level is collected in parallel: contiguous
//! chunks of cases are scanned at once, each into one table per hash partition of the
//! keys, and then each partition appends its chunks in case order. The result does not
//! depend on the number of threads.

use super::tokenize::{for_each_token, UNIFIED_IDEOGRAPHS};
use super::SearchDoc;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

/// Longest gram indexed, in tokens.
pub const MAX_GRAM: usize = 6;
/// A gram is padded with this id beyond its length.
pub const NONE: u32 = u32::MAX;
/// Cases tokenised per parallel task.
const TOKENIZE_CHUNK: usize = 256;

/// A gram as token ids, padded with [`NONE`].
pub type GramIds = [u32; MAX_GRAM];

/// Encoded postings of one unigram or gram, all cases together.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Postings {
    /// Number of cases containing it.
    pub df: usize,
    /// Doc-level postings (doc deltas and per-field term frequencies).
    pub postings: Vec<u8>,
    /// Start positions, case after case, field after field (empty for unigrams). Its
    /// length decides whether a gram gets right-extensions.
    pub positions: Vec<u8>,
}

/// Number of tokens in a gram.
pub fn gram_len(g: &GramIds) -> usize {
    g.iter().take_while(|&&t| t != NONE).count()
}

/// Tokens of one case, per field (see [`Tokens`]).
type Fields = [Tokens; 4];

/// A position without a token.
const GAP: u32 = u32::MAX;

/// The tokens of one field, indexed by position: a token id, or [`GAP`] where the text
/// had a separator (the tokenizer gives a separator run one position of its own, so two
/// tokens are adjacent exactly when nothing sits between them here). Ids are kept in 16
/// bits: a corpus's first 65,534 tokens (its characters and common words come first)
/// cover nearly every position, and the few later ids are kept aside by position.
#[derive(Debug, Default)]
struct Tokens {
    narrow: Vec<u16>,
    /// (position, id) of the ids that do not fit, by position.
    wide: Vec<(u32, u32)>,
}

impl Tokens {
    const GAP: u16 = u16::MAX;
    const WIDE: u16 = u16::MAX - 1;

    /// From ids and gaps; `ids` gives the id each one stands for.
    fn new(local: &[u32], ids: impl Fn(u32) -> u32) -> Tokens {
        let mut wide = Vec::new();
        let narrow = local
            .iter()
            .enumerate()
            .map(|(pos, &t)| match t {
                GAP => Self::GAP,
                t => {
                    let id = ids(t);
                    u16::try_from(id)
                        .ok()
                        .filter(|&n| n < Self::WIDE)
                        .unwrap_or_else(|| {
                            wide.push((pos as u32, id));
                            Self::WIDE
                        })
                }
            })
            .collect();
        Tokens { narrow, wide }
    }

    fn len(&self) -> usize {
        self.narrow.len()
    }

    /// The id at `pos` ([`GAP`] for a separator), `None` past the end.
    fn get(&self, pos: usize) -> Option<u32> {
        Some(match *self.narrow.get(pos)? {
            Self::GAP => GAP,
            Self::WIDE => {
                let at = self
                    .wide
                    .binary_search_by_key(&(pos as u32), |w| w.0)
                    .ok()?;
                self.wide[at].1
            }
            n => u32::from(n),
        })
    }

    /// Calls `f(i, key)` at every `i` where [`bigram_key`] gives a key, in order, reading
    /// the narrow ids two at a time: every pass over a level looks at every position of
    /// the corpus, so this loop is among the build's hottest.
    fn for_each_bigram(&self, mut f: impl FnMut(usize, u64)) {
        for (i, w) in self.narrow.windows(2).enumerate() {
            if w[0] >= Self::WIDE || w[1] >= Self::WIDE {
                // A gap, or an id kept aside.
                if let Some(key) = bigram_key(self, i) {
                    f(i, key);
                }
            } else {
                f(i, (u64::from(w[0]) << 32) | u64::from(w[1]));
            }
        }
    }

    /// Calls `f(i, bigram, last)` at every `i` where three tokens follow one another:
    /// the key of the first two (as [`bigram_key`]) and the id of the third.
    fn for_each_trigram(&self, mut f: impl FnMut(usize, u64, u32)) {
        for (i, w) in self.narrow.windows(3).enumerate() {
            if w.iter().any(|&t| t >= Self::WIDE) {
                let last = self.get(i + 2).filter(|&t| t != GAP);
                if let (Some(key), Some(last)) = (bigram_key(self, i), last) {
                    f(i, key, last);
                }
            } else {
                f(
                    i,
                    (u64::from(w[0]) << 32) | u64::from(w[1]),
                    u32::from(w[2]),
                );
            }
        }
    }

    /// The ids of the field in order, gaps left out.
    fn ids(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.len())
            .filter_map(|i| self.get(i))
            .filter(|&t| t != GAP)
    }
}

/// A level of grams, complete: the token table, the gram length, the position bytes above
/// which a gram is common (and, below [`MAX_GRAM`], gets right-extensions), its grams.
pub type LevelDone<'a> = dyn FnMut(&[String], usize, usize, Vec<(GramIds, Postings)>) + 'a;

/// Inverts `docs` (in id order). A gram gets right-extensions when its encoded positions
/// take more than `ext_min` bytes and more than one `ext_share`-th of the corpus's bigram
/// positions (see [`ext_threshold`]). Each level (unigrams by token id, without positions;
/// then grams of 2 tokens, 3 …) goes to `level_done` in gram order as soon as it is
/// complete (a large level in passes of up to `pass_bytes`, each a level of its own), so
/// a writer can lay it out and free it while the next is collected. Returns the tokens.
pub fn invert_with(
    docs: &[&SearchDoc],
    ext_min: usize,
    ext_share: usize,
    pass_bytes: usize,
    level_done: &mut LevelDone<'_>,
) -> Vec<String> {
    let timer = crate::timing::StageTimer::from_env();
    let (tokens, fields) = timer.time("  search: tokenize", || tokenize_all(docs));
    let parts = partitions();
    let unigrams = timer.time("  search: unigrams", || {
        collect_unigrams(&fields, tokens.len(), parts)
    });
    level_done(
        &tokens,
        1,
        usize::MAX,
        unigrams
            .into_iter()
            .enumerate()
            .map(|(id, p)| {
                let mut g = [NONE; MAX_GRAM];
                g[0] = id as u32;
                (g, p)
            })
            .collect(),
    );

    // Level by level, a gram of the next length is keyed by (id of its common prefix, last
    // token), and only the places where a common prefix starts are looked at, so each
    // level scans less than the one before.
    let bigram_start = std::time::Instant::now();
    let positions: usize = fields.iter().flatten().map(Tokens::len).sum();
    let ext_min = ext_threshold(ext_min, ext_share, positions);
    let mut common = collect_in_passes(
        passes_for(bigram_bytes(positions), pass_bytes),
        ext_min,
        unpack_bigram,
        |pass| collect_bigrams(&fields, parts, pass),
        &mut |level| level_done(&tokens, 2, ext_min, level),
    );
    timer.report(&format!("  search: bigrams{}", common.note()), bigram_start);
    // Where a common gram starts, per case. For the first extension level these are the
    // common bigrams, found again by lookup rather than stored (at 100,000 cases that
    // list would hold most tokens of the corpus); later levels keep the (much shorter)
    // list of the level before.
    let mut starts: Option<Vec<Starts>> = None;
    for len in 3..=MAX_GRAM {
        if common.grams.is_empty() {
            break;
        }
        let level_start = std::time::Instant::now();
        let gram_of = |key: u64| {
            let mut g = common.grams[(key >> 32) as usize];
            g[len - 1] = key as u32;
            g
        };
        let next = collect_in_passes(
            passes_for(common.common_bytes, pass_bytes),
            ext_min,
            gram_of,
            |pass| {
                collect_by_chunks(&fields, parts, |doc, out: &mut Vec<Occurrence<u64>>| {
                    let Some(starts) = &starts else {
                        // Grams of 3: a pass takes them by their tokens, so that each
                        // position is looked up in the common bigrams by one pass only.
                        return trigram_extensions(&fields[doc], &common, pass, out);
                    };
                    starts[doc].for_each(&mut |start| {
                        let toks = &fields[doc][start.field()];
                        if let Some(key) =
                            extension_key(toks, start, len).filter(|&k| pass.takes(k))
                        {
                            out.push((key, start.field(), Some(start.index() as u32)));
                        }
                    });
                })
            },
            &mut |level| level_done(&tokens, len, ext_min, level),
        );
        let next_start = |fs: &Fields, start: Start| {
            extension_key(&fs[start.field()], start, len)
                .and_then(|k| next.ids.get(&k))
                .map(|&id| Start { id, ..start })
        };
        starts = Some(if next.grams.is_empty() || len == MAX_GRAM {
            Vec::new()
        } else if let Some(mut kept) = starts.take() {
            // Rewritten case by case: the starts of two levels are never held side by
            // side for more than one case.
            kept.par_iter_mut().zip(&fields).for_each(|(st, fs)| {
                let mut out = Starts::default();
                st.for_each(&mut |start| out.extend(next_start(fs, start)));
                *st = out.done();
            });
            kept
        } else {
            fields
                .par_iter()
                .map(|fs| {
                    let mut out = Starts::default();
                    bigram_starts(fs, &common, &mut |start| out.extend(next_start(fs, start)));
                    out.done()
                })
                .collect()
        });
        timer.report(
            &format!("  search: {len}-grams{}", next.note()),
            level_start,
        );
        common = next;
    }
    tokens
}

/// Where a common gram starts: field and token index (packed), and its [`Common`] id.
#[derive(Clone, Copy)]
struct Start {
    /// Field in the top two bits, token index below.
    at: u32,
    id: u32,
}

impl Start {
    const INDEX_BITS: u32 = 30;

    /// `None` past the 2^30th token of a field: no text is that long.
    fn new(field: usize, index: usize, id: u32) -> Option<Start> {
        let index = u32::try_from(index)
            .ok()
            .filter(|&i| i >> Self::INDEX_BITS == 0)?;
        Some(Start {
            at: ((field as u32) << Self::INDEX_BITS) | index,
            id,
        })
    }

    fn field(self) -> usize {
        (self.at >> Self::INDEX_BITS) as usize
    }

    fn index(self) -> usize {
        (self.at & ((1 << Self::INDEX_BITS) - 1)) as usize
    }
}

/// The places where common grams start in one case, in order, as varints: the distance
/// from the previous start's packed place, then the id: most of a corpus's tokens sit
/// inside common grams, and this takes about 3.5 bytes a start rather than 8.
#[derive(Default)]
struct Starts {
    bytes: Vec<u8>,
    last: u32,
}

impl Starts {
    /// Appends `start`, which comes after every start already in the list.
    fn push(&mut self, start: Start) {
        super::codec::put_varint(&mut self.bytes, u64::from(start.at - self.last));
        super::codec::put_varint(&mut self.bytes, u64::from(start.id));
        self.last = start.at;
    }

    fn extend(&mut self, start: Option<Start>) {
        if let Some(s) = start {
            self.push(s);
        }
    }

    /// The list, its spare capacity given back.
    fn done(mut self) -> Starts {
        self.bytes.shrink_to_fit();
        self
    }

    fn for_each(&self, f: &mut dyn FnMut(Start)) {
        let mut r = super::codec::Reader::new(&self.bytes);
        let mut at = 0u32;
        while !r.done() {
            // The list is only ever written by `push`.
            let (Ok(delta), Ok(id)) = (r.u32(), r.u32()) else {
                return;
            };
            at += delta;
            f(Start { at, id });
        }
    }
}

/// The grams of one length that get right-extensions, numbered.
#[derive(Default)]
struct Common {
    /// Collecting key -> id.
    ids: FxHashMap<u64, u32>,
    /// Id -> gram.
    grams: Vec<GramIds>,
    /// Position bytes of the whole level (all grams of this length, common or not).
    level_bytes: usize,
    /// Position bytes of its common grams: about those of the next level, which holds
    /// one position for each of theirs that a token follows.
    common_bytes: usize,
    /// Passes the level was collected in.
    passes: u64,
}

impl Common {
    /// " (… MB of positions, … passes, … common)" for the timings.
    fn note(&self) -> String {
        format!(
            " ({:.0} MB of positions in {} pass(es), {} common)",
            self.level_bytes as f64 / 1e6,
            self.passes,
            self.grams.len()
        )
    }

    /// Numbers the common grams of (a pass of) a level and counts its position bytes.
    fn add<'a>(
        &mut self,
        level: impl Iterator<Item = (u64, GramIds, &'a Postings)>,
        ext_min: usize,
    ) {
        for (key, g, p) in level {
            self.level_bytes += p.positions.len();
            if p.positions.len() > ext_min {
                self.common_bytes += p.positions.len();
                self.ids.insert(key, self.grams.len() as u32);
                self.grams.push(g);
            }
        }
    }
}

/// Collects a level in `passes` over slices of its keys (see [`passes_for`]): `collect`
/// gathers the grams whose key the [`Pass`] it is given takes, and `done` gets each pass
/// as a level of its own, so one pass is laid out (and its largest lists freed) before
/// the next is collected. Returns the level's common grams.
fn collect_in_passes(
    passes: u64,
    ext_min: usize,
    gram_of: impl Fn(u64) -> GramIds,
    collect: impl Fn(Pass) -> Vec<(u64, Postings)>,
    done: &mut dyn FnMut(Vec<(GramIds, Postings)>),
) -> Common {
    let mut common = Common {
        passes,
        ..Common::default()
    };
    for pass in 0..passes {
        let mut level: Vec<(GramIds, u64, Postings)> = collect(Pass {
            index: pass,
            of: passes,
        })
        .into_iter()
        .map(|(k, p)| (gram_of(k), k, p))
        .collect();
        // In gram order, so the ids of the common grams (and with them the keys and
        // passes of the next level) do not depend on how the cases were chunked.
        level.sort_unstable_by_key(|e| e.0);
        common.add(level.iter().map(|(g, k, p)| (*k, *g, p)), ext_min);
        done(level.into_iter().map(|(g, _, p)| (g, p)).collect());
    }
    common
}

/// Position bytes above which a gram is common and gets right-extensions: `ext_min`, or one
/// `ext_share`-th of the corpus's bigram positions if that is more, so that the same grams
/// are common at any corpus size (history: bench/README.md, "Search index: notes").
fn ext_threshold(ext_min: usize, ext_share: usize, positions: usize) -> usize {
    ext_min.max(bigram_bytes(positions) / ext_share.max(1))
}

/// About how many bytes the positions of a bigram level take (a varint each, 1.5 bytes on
/// average), to size its passes before it is collected.
fn bigram_bytes(positions: usize) -> usize {
    positions + positions / 2
}

/// Position bytes a pass of a level collects at most: each pass scans every case again, so
/// passes are as large as a 100,000-case build's 4 GiB allows (measurements: bench/README.md,
/// "Search index: notes").
pub const PASS_BYTES: usize = 320 << 20;

/// How many passes of up to `pass_bytes` ([`PASS_BYTES`] but in tests) a level whose
/// positions take about `bytes` is collected in. It depends on the corpus only (not on
/// the number of threads), so the output does not.
fn passes_for(bytes: usize, pass_bytes: usize) -> u64 {
    bytes.div_ceil(pass_bytes.max(1)).max(1) as u64
}

/// One pass of [`collect_in_passes`]: the slice of the key space it collects.
#[derive(Clone, Copy)]
struct Pass {
    index: u64,
    of: u64,
}

impl Pass {
    /// Whether gram `key` is collected in this pass. Called at every position of the
    /// corpus in every pass, so it takes the pass by a multiply rather than a division
    /// (a hash other than the partition's).
    #[inline]
    fn takes(self, key: u64) -> bool {
        self.of == 1
            || ((key.wrapping_mul(0xD6E8_FEB8_6659_FD93) >> 32) * self.of) >> 32 == self.index
    }
}

/// Calls `f` where a common bigram starts in a case's fields.
fn bigram_starts(fs: &Fields, common: &Common, f: &mut dyn FnMut(Start)) {
    for (field, toks) in fs.iter().enumerate() {
        toks.for_each_bigram(|i, key| {
            if let Some(start) = common
                .ids
                .get(&key)
                .and_then(|&id| Start::new(field, i, id))
            {
                f(start);
            }
        });
    }
}

/// The grams of 3 tokens in a case's fields that begin with a common bigram and that
/// `pass` takes, keyed as [`extension_key`] keys them. The pass is decided by the three
/// tokens before the bigram is looked up: with the key's common id it could only be
/// decided after, and a level collected in several passes (a corpus well above 100,000
/// generated cases; see [`PASS_BYTES`]) would look up every position of the corpus in
/// each.
fn trigram_extensions(fs: &Fields, common: &Common, pass: Pass, out: &mut Vec<Occurrence<u64>>) {
    for (field, toks) in fs.iter().enumerate() {
        toks.for_each_trigram(|i, bigram, last| {
            if !pass.takes(bigram.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ u64::from(last)) {
                return;
            }
            if let Some(start) = common
                .ids
                .get(&bigram)
                .and_then(|&id| Start::new(field, i, id))
            {
                let key = (u64::from(start.id) << 32) | u64::from(last);
                out.push((key, field, Some(start.index() as u32)));
            }
        });
    }
}

/// The key of the gram of `len` tokens at `start` (a common gram of `len - 1` tokens and
/// the token after it), if that token is adjacent.
fn extension_key(toks: &Tokens, start: Start, len: usize) -> Option<u64> {
    // The first `len - 1` tokens are the common gram, so adjacent already.
    let last = toks.get(start.index() + len - 1)?;
    (last != GAP).then(|| (u64::from(start.id) << 32) | u64::from(last))
}

/// The key of the bigram at token `i` (both ids in one `u64`), if the next token is adjacent.
fn bigram_key(toks: &Tokens, i: usize) -> Option<u64> {
    let (a, b) = (toks.get(i)?, toks.get(i + 1)?);
    (a != GAP && b != GAP).then(|| (u64::from(a) << 32) | u64::from(b))
}

fn unpack_bigram(k: u64) -> GramIds {
    let mut g = [NONE; MAX_GRAM];
    g[0] = (k >> 32) as u32;
    g[1] = k as u32;
    g
}

/// How many partitions a level is split into: a few per thread, for balance.
fn partitions() -> usize {
    (rayon::current_num_threads() * 4).max(1)
}

/// The place of `tok` in [`UNIFIED_IDEOGRAPHS`] when it is one such ideograph.
fn ideograph_slot(tok: &str) -> Option<usize> {
    if tok.len() != 3 {
        return None;
    }
    let mut chars = tok.chars();
    let c = u32::from(chars.next()?);
    (chars.next().is_none() && UNIFIED_IDEOGRAPHS.contains(&c))
        .then(|| (c - UNIFIED_IDEOGRAPHS.start()) as usize)
}

/// Cases whose tokens are held with chunk-local ids (32 bits) at once, before their ids
/// are made global and narrowed.
const TOKENIZE_BATCH: usize = 64 * TOKENIZE_CHUNK;

/// Tokenises every case in parallel. Token ids are given in order of first occurrence
/// (case by case, field by field), as a sequential pass would.
fn tokenize_all(docs: &[&SearchDoc]) -> (Vec<String>, Vec<Fields>) {
    let mut global: FxHashMap<String, u32> = FxHashMap::default();
    let mut tokens: Vec<String> = Vec::new();
    let mut fields: Vec<Fields> = Vec::with_capacity(docs.len());
    for batch in docs.chunks(TOKENIZE_BATCH) {
        let mut chunks: Vec<LocalChunk> = batch
            .par_chunks(TOKENIZE_CHUNK)
            .map(tokenize_chunk)
            .collect();
        // Local ids -> global ids, chunk by chunk in case order.
        let remaps: Vec<Vec<u32>> = chunks
            .iter_mut()
            .map(|(names, _)| {
                std::mem::take(names)
                    .into_iter()
                    .map(|name| {
                        *global.entry(name).or_insert_with_key(|name| {
                            tokens.push(name.clone());
                            tokens.len() as u32 - 1
                        })
                    })
                    .collect()
            })
            .collect();
        fields.par_extend(chunks.into_par_iter().zip(remaps).flat_map_iter(
            |((_, local), remap)| {
                local
                    .into_iter()
                    .map(move |fs| fs.map(|toks| Tokens::new(&toks, |t| remap[t as usize])))
            },
        ));
    }
    (tokens, fields)
}

/// Token names of a chunk of cases, and per case and field the chunk's ids by position.
type LocalChunk = (Vec<String>, Vec<[Vec<u32>; 4]>);

/// Tokenises a few cases with ids of their own (first occurrence first): the names, and
/// per case and field the ids by position.
fn tokenize_chunk(chunk: &[&SearchDoc]) -> LocalChunk {
    let mut ids: FxHashMap<String, u32> = FxHashMap::default();
    // Ideographs, most of the tokens, are looked up by code point (id + 1; 0 is none
    // yet) instead of hashed.
    let mut ideographs = vec![0u32; UNIFIED_IDEOGRAPHS.clone().count()];
    let mut names: Vec<String> = Vec::new();
    let fields = chunk
        .iter()
        .map(|d| {
            let texts: [&str; 4] = [&d.title, &d.summary, &d.meta, &d.body];
            texts.map(|text| {
                // Never more positions than characters: one allocation, no growth.
                let mut list = Vec::with_capacity(text.chars().count());
                for_each_token(text, |tok, pos| {
                    let slot = ideograph_slot(tok);
                    let known = match slot {
                        Some(i) => ideographs[i].checked_sub(1),
                        None => ids.get(tok).copied(),
                    };
                    let id = known.unwrap_or_else(|| {
                        let id = names.len() as u32;
                        names.push(tok.to_string());
                        match slot {
                            Some(i) => ideographs[i] = id + 1,
                            None => {
                                ids.insert(tok.to_string(), id);
                            }
                        }
                        id
                    });
                    list.resize(pos as usize, GAP);
                    list.push(id);
                });
                list
            })
        })
        .collect();
    (names, fields)
}

/// Postings being collected for one gram, with the state of the case being scanned.
struct Slot {
    df: usize,
    last_doc: u32,
    /// The case whose occurrences are being added ([`NONE`] when none is open).
    cur_doc: u32,
    cur_field: usize,
    prev_pos: u32,
    tf: [u32; 4],
    postings: Vec<u8>,
    positions: Vec<u8>,
}

impl Slot {
    fn new() -> Slot {
        Slot {
            df: 0,
            last_doc: 0,
            cur_doc: NONE,
            cur_field: 0,
            prev_pos: 0,
            tf: [0; 4],
            postings: Vec::new(),
            positions: Vec::new(),
        }
    }

    /// Adds one occurrence; cases come in increasing order. The case before is closed
    /// when the first occurrence of a later one comes (and the last by [`Slot::close`]).
    fn add(&mut self, doc: u32, field: usize, pos: Option<u32>) {
        let first_in_doc = self.cur_doc != doc;
        if first_in_doc {
            self.close();
            self.cur_doc = doc;
        }
        if let Some(p) = pos {
            // Positions restart absolute at each case and each field.
            let d = if first_in_doc || self.cur_field != field {
                p
            } else {
                p - self.prev_pos
            };
            super::codec::put_varint(&mut self.positions, u64::from(d));
            self.prev_pos = p;
        }
        self.cur_field = field;
        self.tf[field] += 1;
    }

    /// Closes the current case, if any: writes its doc delta and term frequencies.
    fn close(&mut self) {
        let doc = self.cur_doc;
        if doc == NONE {
            return;
        }
        self.cur_doc = NONE;
        let delta = if self.df == 0 {
            doc
        } else {
            doc - self.last_doc
        };
        super::codec::put_varint(&mut self.postings, u64::from(delta));
        super::index::put_tf_header(&mut self.postings, &self.tf);
        self.last_doc = doc;
        self.df += 1;
        self.tf = [0; 4];
    }

    /// Appends the postings of `later`, collected from cases after all of this slot's.
    fn append(&mut self, later: Slot) {
        // `later` starts with its first case absolute; here it becomes a delta.
        let mut first = super::codec::Reader::new(&later.postings);
        let first_doc = first.u32().unwrap_or_default();
        super::codec::put_varint(&mut self.postings, u64::from(first_doc - self.last_doc));
        self.postings.extend_from_slice(&later.postings[first.at..]);
        self.positions.extend_from_slice(&later.positions);
        self.df += later.df;
        self.last_doc = later.last_doc;
    }

    fn into_postings(mut self) -> Postings {
        self.postings.shrink_to_fit();
        self.positions.shrink_to_fit();
        Postings {
            df: self.df,
            postings: self.postings,
            positions: self.positions,
        }
    }
}

/// Unigram postings, by token id.
fn collect_unigrams(fields: &[Fields], ntokens: usize, parts: usize) -> Vec<Postings> {
    let found = collect_by_chunks(fields, parts, |doc, out: &mut Vec<Occurrence<u32>>| {
        for (f, toks) in fields[doc].iter().enumerate() {
            out.extend(toks.ids().map(|id| (id, f, None)));
        }
    });
    let mut out = vec![Postings::default(); ntokens];
    for (id, p) in found {
        out[id as usize] = p;
    }
    out
}

/// Every pair of adjacent tokens whose key (both ids in one `u64`) `pass` takes.
fn collect_bigrams(fields: &[Fields], parts: usize, pass: Pass) -> Vec<(u64, Postings)> {
    collect_by_chunks(fields, parts, |doc, out: &mut Vec<Occurrence<u64>>| {
        for (f, toks) in fields[doc].iter().enumerate() {
            toks.for_each_bigram(|i, key| {
                if pass.takes(key) {
                    out.push((key, f, Some(i as u32)));
                }
            });
        }
    })
}

/// One occurrence found in a case: key, field, position (none for unigrams).
type Occurrence<K> = (K, usize, Option<u32>);

/// Keys that can be spread over partitions.
trait PartitionKey: Copy + Eq + std::hash::Hash + Send + Sync {
    fn partition(&self, parts: usize) -> usize;
}

impl PartitionKey for u32 {
    fn partition(&self, parts: usize) -> usize {
        *self as usize % parts
    }
}

impl PartitionKey for u64 {
    fn partition(&self, parts: usize) -> usize {
        ((self.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize) % parts
    }
}

/// Slots of one partition of one chunk of cases, by key (held in the table itself: each
/// occurrence costs one cache miss fewer than through an index).
type Table<K> = FxHashMap<K, Slot>;

/// Runs `scan(case)` over every case and collects the postings of what it finds. The
/// cases are split into contiguous chunks scanned in parallel, each into one table per
/// partition of the keys; then each partition merges its chunks in case order, also in
/// parallel.
fn collect_by_chunks<K, F>(fields: &[Fields], parts: usize, scan: F) -> Vec<(K, Postings)>
where
    K: PartitionKey,
    F: Fn(usize, &mut Vec<Occurrence<K>>) + Sync,
{
    let chunk_len = fields.len().div_ceil(parts).max(1);
    let chunks: Vec<Vec<Table<K>>> = (0..fields.len().div_ceil(chunk_len))
        .into_par_iter()
        .map(|c| {
            let mut tables: Vec<Table<K>> = (0..parts).map(|_| Table::default()).collect();
            let mut found: Vec<Occurrence<K>> = Vec::new();
            for doc in c * chunk_len..((c + 1) * chunk_len).min(fields.len()) {
                found.clear();
                scan(doc, &mut found);
                for &(k, f, pos) in &found {
                    tables[k.partition(parts)]
                        .entry(k)
                        .or_insert_with(Slot::new)
                        .add(doc as u32, f, pos);
                }
            }
            for slot in tables.iter_mut().flat_map(|t| t.values_mut()) {
                slot.close();
            }
            tables
        })
        .collect();

    let mut per_part: Vec<Vec<Table<K>>> = (0..parts).map(|_| Vec::new()).collect();
    for tables in chunks {
        for (p, t) in tables.into_iter().enumerate() {
            per_part[p].push(t);
        }
    }
    per_part
        .into_par_iter()
        .flat_map_iter(merge_chunks)
        .collect()
}

/// Merges the tables of one partition, in case order, into one slot per key. A key found
/// in several chunks gets lists of exactly the merged size, and each chunk's lists are
/// freed as soon as they are copied: grown by appending, the merged lists would keep up
/// to twice their size (an allocator keeps a block that shrinks by less than half), and
/// a level of 100,000 cases holds hundreds of megabytes of them.
fn merge_chunks<K: PartitionKey>(tables: Vec<Table<K>>) -> impl Iterator<Item = (K, Postings)> {
    // Where each key goes, how many chunks hold it, and the bytes of its merged lists.
    let mut index: FxHashMap<K, u32> = FxHashMap::default();
    let mut sizes: Vec<(u32, usize, usize)> = Vec::new();
    for t in &tables {
        for (k, s) in t {
            let at = *index.entry(*k).or_insert_with(|| {
                sizes.push((0, 0, 0));
                sizes.len() as u32 - 1
            });
            let size = &mut sizes[at as usize];
            size.0 += 1;
            size.1 += s.postings.len();
            size.2 += s.positions.len();
        }
    }
    let mut merged: Vec<Option<(K, Slot)>> = (0..sizes.len()).map(|_| None).collect();
    for t in tables {
        for (k, s) in t {
            let at = index[&k] as usize;
            match &mut merged[at] {
                Some((_, m)) => m.append(s),
                None if sizes[at].0 == 1 => merged[at] = Some((k, s)),
                // The first of several: appended to an empty slot with lists of the
                // merged size (the doc deltas of later chunks are never longer than the
                // numbers they replace).
                None => {
                    let (_, post, pos) = sizes[at];
                    let mut first = Slot {
                        postings: Vec::with_capacity(post),
                        positions: Vec::with_capacity(pos),
                        ..Slot::new()
                    };
                    first.append(s);
                    merged[at] = Some((k, first));
                }
            }
        }
    }
    merged
        .into_iter()
        .flatten()
        .map(|(k, s)| (k, s.into_postings()))
}

#[cfg(test)]
mod tests {
    use super::super::reader::{decode_positions, decode_postings};
    use super::*;

    /// Every level, kept (what the writer gets level by level).
    struct Inverted {
        /// Token id -> normalised text.
        tokens: Vec<String>,
        /// Unigram postings by token id (no positions).
        unigrams: Vec<Postings>,
        /// Grams of 2..=MAX_GRAM tokens with positions, in no particular order.
        grams: Vec<(GramIds, Postings)>,
    }

    /// Inverts `docs` (in id order), keeping every level of grams; a gram is common above
    /// `ext_min` bytes of positions and `1/ext_share` of the bigram positions.
    fn invert_shared(docs: &[&SearchDoc], ext_min: usize, ext_share: usize) -> Inverted {
        let (mut grams, mut unigrams) = (Vec::new(), Vec::new());
        let tokens = invert_with(
            docs,
            ext_min,
            ext_share,
            PASS_BYTES,
            &mut |_, len, _, level| {
                if len == 1 {
                    unigrams = level.into_iter().map(|(_, p)| p).collect();
                } else {
                    grams.extend(level);
                }
            },
        );
        Inverted {
            tokens,
            unigrams,
            grams,
        }
    }

    /// Cases with these bodies, inverted with `ext_min` alone (no share of the corpus).
    fn inverted(bodies: &[String], ext_min: usize) -> Inverted {
        inverted_shared(bodies, ext_min, usize::MAX)
    }

    /// Cases with these bodies, inverted as by [`invert_shared`].
    fn inverted_shared(bodies: &[String], ext_min: usize, ext_share: usize) -> Inverted {
        let docs: Vec<SearchDoc> = bodies
            .iter()
            .map(|b| SearchDoc {
                body: b.as_str().into(),
                ..SearchDoc::default()
            })
            .collect();
        let refs: Vec<&SearchDoc> = docs.iter().collect();
        invert_shared(&refs, ext_min, ext_share)
    }

    fn gram(inv: &Inverted, ts: &[&str]) -> GramIds {
        let mut a = [NONE; MAX_GRAM];
        for (i, t) in ts.iter().enumerate() {
            a[i] = inv
                .tokens
                .iter()
                .position(|x| x == t)
                .map(|i| i as u32)
                .unwrap_or(NONE);
        }
        a
    }

    fn find<'a>(inv: &'a Inverted, ts: &[&str]) -> Option<&'a Postings> {
        let g = gram(inv, ts);
        inv.grams.iter().find(|(x, _)| *x == g).map(|(_, p)| p)
    }

    #[test]
    fn starts_pack_field_and_index_and_refuse_what_does_not_fit() {
        let s = Start::new(3, (1 << 30) - 1, 7).expect("fits");
        assert_eq!((s.field(), s.index(), s.id), (3, (1 << 30) - 1, 7));
        let s = Start::new(0, 0, 1).expect("fits");
        assert_eq!((s.field(), s.index()), (0, 0));
        assert!(Start::new(1, 1 << 30, 0).is_none());
    }

    #[test]
    fn a_list_of_starts_gives_back_what_was_pushed_in_order() {
        let pushed: Vec<(usize, usize, u32)> = vec![
            (0, 0, 0),
            (0, 1, 300_000),
            (0, 200, 5),
            (2, 3, 5),
            (3, (1 << 30) - 1, 1),
        ];
        let mut list = Starts::default();
        for &(f, i, id) in &pushed {
            list.push(Start::new(f, i, id).expect("fits"));
        }
        let list = list.done();
        assert!(
            list.bytes.len() < pushed.len() * 8,
            "smaller than packed starts"
        );
        let mut got = Vec::new();
        list.for_each(&mut |s| got.push((s.field(), s.index(), s.id)));
        assert_eq!(got, pushed);
    }

    #[test]
    fn ids_beyond_sixteen_bits_are_kept_aside_and_read_back() {
        let local = [0, GAP, 1, 2, GAP, 3];
        let ids = [7, 65_533, 65_534, 1 << 20];
        let toks = Tokens::new(&local, |t| ids[t as usize]);
        let got: Vec<Option<u32>> = (0..=local.len()).map(|i| toks.get(i)).collect();
        let want = [7, GAP, 65_533, 65_534, GAP, 1 << 20].map(Some);
        assert_eq!(got[..local.len()], want);
        assert_eq!(got[local.len()], None, "past the end");
        assert_eq!(toks.wide.len(), 2, "only the ids that do not fit");
        assert_eq!(toks.ids().collect::<Vec<_>>(), [7, 65_533, 65_534, 1 << 20]);
    }

    #[test]
    fn pairs_and_triples_are_read_as_one_position_at_a_time_reads_them() {
        // Narrow ids, ids kept aside (65,534 and up) and gaps, in every order.
        let local = [0, 1, 2, GAP, 3, 4, 0, GAP, 5, 1, 3, 4, 2];
        let ids = [7, 65_533, 65_534, 1 << 20, 9, 12];
        let toks = Tokens::new(&local, |t| ids[t as usize]);
        let mut pairs = Vec::new();
        toks.for_each_bigram(|i, key| pairs.push((i, key)));
        let want: Vec<(usize, u64)> = (0..local.len())
            .filter_map(|i| bigram_key(&toks, i).map(|k| (i, k)))
            .collect();
        assert_eq!(pairs, want);
        assert!(want.len() >= 8, "pairs with wide ids and without");

        let mut triples = Vec::new();
        toks.for_each_trigram(|i, key, last| triples.push((i, key, last)));
        let want: Vec<(usize, u64, u32)> = (0..local.len())
            .filter_map(|i| {
                let last = toks.get(i + 2).filter(|&t| t != GAP)?;
                Some((i, bigram_key(&toks, i)?, last))
            })
            .collect();
        assert_eq!(triples, want);
        assert!(want.len() >= 5, "triples with wide ids and without");
    }

    #[test]
    fn separators_are_gaps_between_positions() {
        // `五社、联动`: the two words are not adjacent, so no bigram spans the comma.
        let docs = [SearchDoc {
            body: "五社、联动".into(),
            ..Default::default()
        }];
        let refs: Vec<&SearchDoc> = docs.iter().collect();
        let (tokens, fields) = tokenize_all(&refs);
        let body = &fields[0][3];
        let names: Vec<&str> = (0..body.len())
            .filter_map(|i| body.get(i))
            .map(|t| {
                if t == GAP {
                    "|"
                } else {
                    tokens[t as usize].as_str()
                }
            })
            .collect();
        assert_eq!(names, ["五", "社", "|", "联", "动"]);
        assert!(bigram_key(body, 0).is_some(), "五社");
        assert!(bigram_key(body, 1).is_none(), "社 and 联 are apart");
        assert!(bigram_key(body, 3).is_some(), "联动");
    }

    /// The bigrams that got extensions (the first two tokens of every trigram), as text.
    fn extended_bigrams(inv: &Inverted) -> std::collections::BTreeSet<String> {
        inv.grams
            .iter()
            .filter(|(g, _)| gram_len(g) == 3)
            .map(|(g, _)| format!("{}{}", inv.tokens[g[0] as usize], inv.tokens[g[1] as usize]))
            .collect()
    }

    #[test]
    fn what_counts_as_common_does_not_grow_with_the_corpus() {
        // Phrases of very different frequency: 五社联动 in every case, twice; 社工站 in every
        // case; 一老一小 in one case in four; 七彩 in one in twenty.
        let case = |i: usize| {
            let mut b = format!("第{i}号案例，五社联动推动五社联动，社工站");
            if i.is_multiple_of(4) {
                b.push_str("，一老一小");
            }
            if i.is_multiple_of(20) {
                b.push_str("，七彩课堂");
            }
            b
        };
        let small: Vec<String> = (0..40).map(case).collect();
        let large: Vec<String> = (0..400).map(case).collect();

        // A share of the corpus: the same bigrams are common at 40 and at 400 cases.
        let at = |bodies: &[String]| extended_bigrams(&inverted_shared(bodies, 0, 24));
        let common = at(&small);
        assert!(common.contains("五社"), "{common:?}");
        assert!(!common.contains("一老"), "{common:?}");
        assert_eq!(at(&large), common);
        // A fixed size alone: ten times the cases, and rarer bigrams pass it too.
        let fixed = |bodies: &[String]| extended_bigrams(&inverted(bodies, 40));
        let (few, many) = (fixed(&small), fixed(&large));
        assert!(
            few.is_subset(&many) && many.len() > few.len(),
            "{few:?} {many:?}"
        );
    }

    #[test]
    fn common_grams_get_extensions() {
        let bodies: Vec<String> = (0..20)
            .map(|i| format!("社工服务中心{i}，社工站，社工服务"))
            .collect();
        let inv = inverted(&bodies, 10);
        let n = bodies.len();
        assert_eq!(find(&inv, &["社", "工"]).map(|p| p.df), Some(20));
        let tri = find(&inv, &["社", "工", "服"]).expect("trigram 社工服");
        let post = decode_postings(&tri.postings, tri.df, n).expect("postings");
        assert_eq!(post[0].1, [0, 0, 0, 2]);
        let four = find(&inv, &["社", "工", "服", "务"]).expect("4-gram 社工服务");
        let post = decode_postings(&four.postings, four.df, n).expect("postings");
        let pos = decode_positions(&post, &four.positions).expect("positions");
        assert_eq!(pos[0][3], vec![0, 12]);
        // Collected in several chunks of cases: every case, in order, after the merge.
        let docs: Vec<u32> = post.iter().map(|x| x.0).collect();
        assert_eq!(docs, (0..20).collect::<Vec<u32>>());
        // "19" is one word token, so the positions match case 0's.
        assert_eq!(pos[19][3], vec![0, 12]);
        assert!(find(&inv, &["社", "工", "站"]).is_some());
        let she = gram(&inv, &["社"])[0] as usize;
        let uni = &inv.unigrams[she];
        let post = decode_postings(&uni.postings, uni.df, n).expect("postings");
        assert_eq!(post[0].1, [0, 0, 0, 3]);
        assert_eq!(uni.df, 20);
    }

    #[test]
    fn rare_grams_get_no_extensions() {
        let bodies: Vec<String> = vec!["社工服务中心".into(), "社区".into()];
        let inv = inverted(&bodies, 1000);
        assert!(find(&inv, &["社", "工"]).is_some());
        assert!(find(&inv, &["社", "工", "服"]).is_none());
    }

    #[test]
    fn postings_are_in_case_order_with_gaps_respected() {
        // 五社 and 联动 apart in case 1: no 社联 bigram there.
        let bodies: Vec<String> = vec!["五社联动".into(), "五社、联动".into(), "五社联动好".into()];
        let inv = inverted(&bodies, 1000);
        let p = find(&inv, &["社", "联"]).expect("bigram 社联");
        let post = decode_postings(&p.postings, p.df, 3).expect("postings");
        let docs: Vec<u32> = post.iter().map(|x| x.0).collect();
        assert_eq!(docs, vec![0, 2]);
        let wu = find(&inv, &["五", "社"]).expect("bigram 五社");
        assert_eq!(wu.df, 3);
    }

    #[test]
    fn merged_chunks_and_passes_give_the_postings_of_one_scan() {
        // Keys in one chunk, in some, and in every chunk (of up to 7): merged, and split
        // over passes, the postings must be those of one scan of all cases.
        let docs: Vec<SearchDoc> = (0..50)
            .map(|i| SearchDoc {
                body: format!("社工{}站，五社联动{}，服务中心", i % 5, i % 11).into(),
                ..SearchDoc::default()
            })
            .collect();
        let refs: Vec<&SearchDoc> = docs.iter().collect();
        let (_, fields) = tokenize_all(&refs);
        let sorted = |mut v: Vec<(u64, Postings)>| {
            v.sort_by_key(|e| e.0);
            v
        };
        let whole = sorted(collect_bigrams(&fields, 1, Pass { index: 0, of: 1 }));
        assert!(
            whole.iter().any(|(_, p)| p.df == 50),
            "a bigram in every case"
        );
        assert!(
            whole.iter().any(|(_, p)| p.df < 10),
            "bigrams in a few cases"
        );
        assert_eq!(
            sorted(collect_bigrams(&fields, 7, Pass { index: 0, of: 1 })),
            whole
        );
        let passes: Vec<(u64, Postings)> = (0..3)
            .flat_map(|index| collect_bigrams(&fields, 7, Pass { index, of: 3 }))
            .collect();
        let in_each: Vec<usize> = (0..3)
            .map(|index| {
                whole
                    .iter()
                    .filter(|(k, _)| Pass { index, of: 3 }.takes(*k))
                    .count()
            })
            .collect();
        assert!(
            in_each.iter().all(|&n| n > 0),
            "every pass takes some keys: {in_each:?}"
        );
        assert_eq!(sorted(passes), whole);
    }

    #[test]
    fn result_does_not_depend_on_the_number_of_threads() {
        let bodies: Vec<String> = (0..300)
            .map(|i| format!("社工服务中心{}，五社联动，社工站{}", i % 7, i % 3))
            .collect();
        let with_threads = |n: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .expect("thread pool");
            let mut inv = pool.install(|| inverted(&bodies, 50));
            inv.grams.sort_by_key(|g| g.0);
            (inv.tokens, inv.unigrams, inv.grams)
        };
        let one = with_threads(1);
        let four = with_threads(4);
        assert!(
            one.2.iter().any(|(g, _)| gram_len(g) >= 4),
            "extensions exist"
        );
        assert_eq!(one, four);
    }

    #[test]
    fn token_ids_follow_first_occurrence_across_chunks() {
        let bodies: Vec<String> = (0..(TOKENIZE_CHUNK * 2 + 3))
            .map(|i| format!("字{i} 社工"))
            .collect();
        let inv = inverted(&bodies, 1000);
        assert_eq!(inv.tokens[0], "字");
        assert_eq!(inv.tokens[1], "0");
        assert_eq!(inv.tokens[2], "社");
        let last = format!("{}", TOKENIZE_CHUNK * 2 + 2);
        assert_eq!(inv.tokens.last(), Some(&last));
    }
}
