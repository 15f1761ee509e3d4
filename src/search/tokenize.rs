//! Text normalisation and tokenisation shared by the index writer and the query engine.
//!
//! The browser client (`themes/default/static/search.js`) implements the same rules; keep
//! the two in step (the character classes and the position rule below are the contract).
//!
//! - Every character is normalised on its own: NFKC (full-width `ＡＢＣ` -> `ABC`, `１` -> `1`),
//!   then lower-cased. Per-character normalisation keeps a one-to-many map from the original
//!   text to the normalised text, which the snippet code needs to highlight the original.
//! - CJK characters (Han, kana, Hangul) are tokens of one character each.
//! - Runs of other letters and digits are word tokens (`ngo`, `2023`), cut at
//!   [`MAX_WORD_CHARS`] characters.
//! - Everything else (spaces, punctuation) separates tokens. Tokens get positions; two tokens
//!   are adjacent when their positions differ by one, which only happens when nothing but
//!   letters separates them (`社工站`, `NGO社工`). A run of separators leaves a gap of one
//!   position, so `五社、联动` does not contain the phrase `五社联动`.

use unicode_normalization::UnicodeNormalization;

/// Longest word token, in characters; longer runs are cut (identically at index and query time).
pub const MAX_WORD_CHARS: usize = 32;

/// Whether `c` is a CJK character that forms a token on its own.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF        // Hiragana, Katakana
        | 0x3400..=0x4DBF      // CJK Extension A
        | 0x4E00..=0x9FFF      // CJK Unified Ideographs
        | 0xAC00..=0xD7AF      // Hangul syllables
        | 0xF900..=0xFAFF      // CJK compatibility ideographs
        | 0x20000..=0x323AF) // Extensions B..H
}

/// Whether `c` belongs to a word token (a letter or digit that is not CJK).
pub fn is_word(c: char) -> bool {
    !is_cjk(c) && c.is_alphanumeric()
}

/// Appends the normalised form of one character (NFKC, then lower case) to `out`.
pub fn normalize_char(c: char, out: &mut String) {
    if let Some(n) = normalize_simple(c) {
        out.push(n);
        return;
    }
    for d in std::iter::once(c).nfkc() {
        out.extend(d.to_lowercase());
    }
}

/// CJK Extension A and the CJK Unified Ideographs (with the Yijing symbols between them,
/// which normalisation leaves alone too): nearly every token of Chinese text.
pub(crate) const UNIFIED_IDEOGRAPHS: std::ops::RangeInclusive<u32> = 0x3400..=0x9FFF;

/// The normalised form of `c` when it is one character found without tables: ASCII (lower
/// case) and CJK unified ideographs, the bulk of Chinese text, which NFKC and lower-casing
/// leave as they are. (Compatibility ideographs do change, so they take the long way.)
fn normalize_simple(c: char) -> Option<char> {
    if c.is_ascii() {
        Some(c.to_ascii_lowercase())
    } else if UNIFIED_IDEOGRAPHS.contains(&u32::from(c)) {
        Some(c)
    } else {
        None
    }
}

/// Normalises a whole string (character by character, see [`normalize_char`]).
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        normalize_char(c, &mut out);
    }
    out
}

/// One token of a text: its normalised text, its position, and the characters of the
/// original text it came from (`start..end`, counted in `char`s).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub text: String,
    pub pos: u32,
    pub start: usize,
    pub end: usize,
}

/// Whether a token is a single CJK character.
pub fn token_is_cjk(tok: &str) -> bool {
    let mut it = tok.chars();
    matches!((it.next(), it.next()), (Some(c), None) if is_cjk(c))
}

/// Splits a text into tokens with positions (see the module docs for the rules).
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    scan(text, |tok, pos, start, end| {
        out.push(Token {
            text: tok.to_string(),
            pos,
            start,
            end,
        })
    });
    out
}

/// Calls `f(token, position)` for every token of `text`, in order: [`tokenize`] without
/// allocating a string per token (the index writer's path).
pub fn for_each_token(text: &str, mut f: impl FnMut(&str, u32)) {
    scan(text, |tok, pos, _, _| f(tok, pos));
}

/// The tokenizer proper: `sink(token, position, start, end)` for every token.
fn scan(text: &str, sink: impl FnMut(&str, u32, usize, usize)) {
    let mut tz = Tokenizer {
        sink,
        word: String::new(),
        word_len: 0,
        word_start: 0,
        word_end: 0,
        next_pos: 0,
        emitted: false,
        gap: false,
    };
    let mut buf = String::new();
    for (i, c) in text.chars().enumerate() {
        if let Some(n) = normalize_simple(c) {
            tz.push(n, i);
            continue;
        }
        buf.clear();
        normalize_char(c, &mut buf);
        for n in buf.chars() {
            tz.push(n, i);
        }
    }
    tz.flush_word();
}

struct Tokenizer<F: FnMut(&str, u32, usize, usize)> {
    sink: F,
    word: String,
    word_len: usize,
    word_start: usize,
    word_end: usize,
    next_pos: u32,
    emitted: bool,
    gap: bool,
}

impl<F: FnMut(&str, u32, usize, usize)> Tokenizer<F> {
    fn push(&mut self, c: char, src: usize) {
        if is_cjk(c) {
            self.flush_word();
            let mut b = [0u8; 4];
            let tok: &str = c.encode_utf8(&mut b);
            self.emit(tok, src, src + 1);
        } else if is_word(c) {
            if self.word_len == 0 {
                self.word_start = src;
            }
            if self.word_len < MAX_WORD_CHARS {
                self.word.push(c);
            }
            self.word_len += 1;
            self.word_end = src + 1;
        } else {
            self.flush_word();
            if self.emitted && !self.gap {
                self.next_pos += 1;
                self.gap = true;
            }
        }
    }

    fn flush_word(&mut self) {
        if self.word_len > 0 {
            let w = std::mem::take(&mut self.word);
            self.word_len = 0;
            self.emit(&w, self.word_start, self.word_end);
            self.word = w;
            self.word.clear();
        }
    }

    fn emit(&mut self, text: &str, start: usize, end: usize) {
        (self.sink)(text, self.next_pos, start, end);
        self.next_pos += 1;
        self.emitted = true;
        self.gap = false;
    }
}

/// The index key of a single token (a CJK character or a word).
pub fn unigram_key(tok: &str) -> String {
    tok.to_string()
}

/// The index key of two adjacent tokens. CJK pairs are written together (`社工`); when a
/// word is involved a space joins them (`ngo 社`), so no key can be read two ways.
pub fn bigram_key(a: &str, b: &str) -> String {
    gram_key(&[a, b])
}

/// The index key of adjacent tokens (any number; see [`bigram_key`]).
pub fn gram_key(toks: &[&str]) -> String {
    let mut k = String::new();
    for (i, t) in toks.iter().enumerate() {
        if i > 0 && !(token_is_cjk(toks[i - 1]) && token_is_cjk(t)) {
            k.push(' ');
        }
        k.push_str(t);
    }
    k
}

/// A query term: a run of adjacent tokens that must occur as a phrase.
pub type Term = Vec<String>;

/// Splits a query into terms. Spaces and punctuation separate terms (all must match: AND);
/// letters and CJK characters written together form one phrase term. Duplicates are dropped.
pub fn parse_query(query: &str) -> Vec<Term> {
    let mut terms: Vec<Term> = Vec::new();
    let mut cur: Term = Vec::new();
    let mut last: Option<u32> = None;
    for t in tokenize(query) {
        if let Some(p) = last {
            if t.pos != p + 1 && !cur.is_empty() {
                push_term(&mut terms, std::mem::take(&mut cur));
            }
        }
        last = Some(t.pos);
        cur.push(t.text);
    }
    if !cur.is_empty() {
        push_term(&mut terms, cur);
    }
    terms
}

fn push_term(terms: &mut Vec<Term>, t: Term) {
    if !terms.contains(&t) {
        terms.push(t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<(String, u32)> {
        tokenize(s).into_iter().map(|t| (t.text, t.pos)).collect()
    }

    #[test]
    fn chinese_is_one_token_per_character() {
        assert_eq!(
            texts("社工站"),
            vec![("社".into(), 0), ("工".into(), 1), ("站".into(), 2)]
        );
    }

    #[test]
    fn punctuation_and_spaces_leave_a_gap() {
        let t = texts("五社、联动");
        assert_eq!(t[1], ("社".into(), 1));
        assert_eq!(t[2], ("联".into(), 3));
        let t = texts("社工  ，站");
        assert_eq!(t[2], ("站".into(), 3));
    }

    #[test]
    fn latin_words_are_case_folded_and_adjacent_to_chinese() {
        assert_eq!(
            texts("NGO社工 Social-Work"),
            vec![
                ("ngo".into(), 0),
                ("社".into(), 1),
                ("工".into(), 2),
                ("social".into(), 4),
                ("work".into(), 6),
            ]
        );
    }

    #[test]
    fn full_width_folds_to_half_width() {
        assert_eq!(normalize("ＡＢＣ"), "abc");
        assert_eq!(normalize("ａｂｃ１２３"), "abc123");
        assert_eq!(texts("ＮＧＯ２０２３年"), texts("ngo2023年"));
        // Full-width punctuation separates like ASCII punctuation.
        assert_eq!(texts("社工（站）"), texts("社工(站)"));
    }

    #[test]
    fn long_words_are_cut() {
        let long = "a".repeat(50);
        let t = tokenize(&long);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].text.chars().count(), MAX_WORD_CHARS);
    }

    #[test]
    fn keys_are_unambiguous() {
        assert_eq!(bigram_key("社", "工"), "社工");
        assert_eq!(bigram_key("ngo", "社"), "ngo 社");
        assert_ne!(bigram_key("a", "b"), unigram_key("ab"));
    }

    #[test]
    fn query_terms_split_on_spaces_and_punctuation() {
        assert_eq!(
            parse_query("银川 社工站"),
            vec![
                vec!["银".to_string(), "川".into()],
                vec!["社".into(), "工".into(), "站".into()]
            ]
        );
        assert_eq!(parse_query("社工，站").len(), 2);
        assert_eq!(
            parse_query("NGO社工"),
            vec![vec!["ngo".to_string(), "社".into(), "工".into()]]
        );
        assert_eq!(
            parse_query("  社工 社工 "),
            vec![vec!["社".to_string(), "工".into()]]
        );
        assert!(parse_query(" ，。 ").is_empty());
    }
}
