//! Full-text search: a static, sharded index written at build time and two readers of it
//! (the browser client `themes/default/static/search.js` and [`query::search`], used by
//! `casebook search`), which implement the same tokenizer, matching and ranking.
//! `tests/search_engines.rs` runs thousands of random queries through both (search.js
//! under node) and requires the same hits, scores, facet counts and snippets.
//!
//! # Semantics
//! - A query is split into terms at spaces and punctuation; every term must match (AND).
//! - A term is a phrase of tokens (see [`tokenize`]): CJK characters one by one, Latin words
//!   and numbers whole, after NFKC and case folding. A term matches a field of a case when
//!   its tokens occur there adjacently, so `社工` finds `社工站` and `五社联动` never matches
//!   text where `五社` and `联动` are apart. Matching is exact: no stemming, no fuzziness.
//! - Ranking is BM25 with field weights (title > summary > meta > body), summed over terms,
//!   rounded to 1/1000; ties go to the newest case. The alternative sort is by date.
//! - Facets: values within a key are ORed, keys are ANDed; the counts of a key are computed
//!   over the matching cases with the filters of the *other* keys applied.
//!
//! # Files (all under `search/idx/`, each a script `window.__casebookSearch.add(name, "…")`
//! whose string is the base64 of the zlib-compressed payload: binary, or JSON text)
//! - `meta.js`: document count, shard count, pack sizes, ranking constants, facet keys.
//! - `d/<hex>.js`: entries of unigrams (single tokens) and bigrams (adjacent token pairs),
//!   sharded by FNV-1a of the key: where their doc-level postings and positions are, and
//!   for common bigrams a tree of right-extensions (3- to 6-grams) with theirs. A query of
//!   one or two tokens needs one entry and its postings.
//! - `p/<hex>.js`: packs of lists (postings and positions) too large to sit in their entry,
//!   filled in gram order to about [`index::PACK_TARGET`] bytes; a larger list has a pack of
//!   its own. An entry names the pack and the offset. Positions are needed only to verify
//!   phrases that are not an indexed gram themselves: such a query picks the cheapest set of
//!   grams with positions (bigrams, rare extensions, grams of 6 tokens; a common shorter
//!   gram keeps none, as a phrase it begins is answered by a longer gram) that covers it and
//!   checks their relative positions.
//! - `f/<key>.js`: a compact per-case facet column; `fn/<key>-<n>.js`: facet value names in
//!   chunks, fetched only for the values shown.
//! - `doc/<n>.js`: display data of cases `n * DOC_PACK ..` (url, title, date, region,
//!   summary, the start of the body, the cover's smallest thumbnail), fetched only for
//!   results shown; `doc/<id>-<j>.js`: further chunks of a long body, fetched one by one
//!   only while no match for the snippet has shown up.
//!
//! Case ids are assigned newest first, so "newest first" is "lowest id first".

pub mod codec;
pub mod facets;
pub mod index;
pub mod invert;
pub mod query;
pub mod reader;
pub mod snippet;
pub mod tokenize;

pub use query::{search, search_with, Hit, Request, Results, SearchError, Sort};

/// One case as the renderer hands it to the index writer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchDoc {
    /// Relative to the site root, e.g. `cases/jinshan-jincheng/`.
    pub url: String,
    pub title: String,
    pub summary: String,
    /// Plain text of the Markdown body.
    /// Shared with the model's case (`Case::text`): at 100,000 cases a copy is 600 MB.
    pub body: std::sync::Arc<str>,
    /// Organisation, brand, tags, region names, domain names...: searchable text.
    pub meta: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Broad -> narrow, for display.
    pub region: Vec<String>,
    /// Keys: `domain`, `region`, `group`, `funder`, `organization`, `year`. The values of
    /// `region` are a path, broad -> narrow (`宁夏回族自治区`, `银川市`); the index stores
    /// them as hierarchical values `宁夏回族自治区`, `宁夏回族自治区/银川市`.
    pub facets: Vec<(String, Vec<String>)>,
    /// The cover's smallest thumbnail, for display beside the result.
    pub thumb: Option<Thumb>,
}

/// A result's thumbnail: the smallest published variant of the case's cover, as WebP and
/// as its JPEG or PNG fallback (site-relative addresses). In the display file as `"p":
/// [webp, fallback]`; a case without a cover has no `"p"`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Thumb {
    pub webp: String,
    pub fallback: String,
}

/// One file of the written index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexFile {
    /// Relative to the site root, e.g. `search/idx/d/3f.js`.
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Directory of the index files, relative to the site root.
pub const INDEX_DIR: &str = "search/idx";

/// Searchable fields in index order; the weights live in [`index::FIELD_WEIGHTS`].
pub const FIELD_NAMES: [&str; 4] = ["title", "summary", "meta", "body"];

/// Writes the index for `docs`. The output is deterministic: same docs, same bytes.
pub fn build_index(docs: &[SearchDoc]) -> Vec<IndexFile> {
    index::build(docs)
}

#[cfg(test)]
mod tests;
