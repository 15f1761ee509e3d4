//! Snippets: a window of the original text around the first match, split into plain and
//! highlighted parts. The parts are plain text; whoever renders them escapes them (the
//! browser client builds DOM text nodes), so case content can never inject markup.

use super::tokenize::{tokenize, Term, Token};

/// Characters shown before the first match.
pub const BEFORE: usize = 30;
/// Characters in a snippet window.
pub const WINDOW: usize = 120;

/// A snippet: parts in order, `true` for highlighted text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Snippet {
    pub parts: Vec<(String, bool)>,
}

impl Snippet {
    /// The snippet as plain text with highlights in 【】 (for terminals).
    pub fn marked(&self) -> String {
        self.parts
            .iter()
            .map(|(t, hit)| {
                if *hit {
                    format!("【{t}】")
                } else {
                    t.clone()
                }
            })
            .collect()
    }
}

/// Character ranges of `text` where any term matches, sorted by start.
pub fn match_ranges(toks: &[Token], terms: &[Term]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for term in terms {
        if term.is_empty() {
            continue;
        }
        for i in 0..toks.len() {
            let ok = term.iter().enumerate().all(|(j, t)| {
                toks.get(i + j)
                    .is_some_and(|k| &k.text == t && k.pos == toks[i].pos + j as u32)
            });
            if ok {
                out.push((toks[i].start, toks[i + term.len() - 1].end));
            }
        }
    }
    out.sort_unstable();
    out
}

/// The snippet of a case: around the first match in the body, else in the summary; else
/// the start of the summary (or body) without highlights. `None` when both are empty.
/// `body_more` says the body given is only its start (an ellipsis then ends its snippet).
pub fn make(body: &str, body_more: bool, summary: &str, terms: &[Term]) -> Option<Snippet> {
    for (text, more) in [(body, body_more), (summary, false)] {
        let ranges = match_ranges(&tokenize(text), terms);
        if let Some(&(first, _)) = ranges.first() {
            return Some(cut(text, first.saturating_sub(BEFORE), &ranges, more));
        }
    }
    let (text, more) = if summary.trim().is_empty() {
        (body, body_more)
    } else {
        (summary, false)
    };
    if text.trim().is_empty() {
        return None;
    }
    Some(cut(text, 0, &[], more))
}

/// Whether the start of a body and the summary are enough for the snippet: a match in
/// either. Otherwise the reader fetches the rest of the body first.
pub fn head_suffices(head: &str, summary: &str, terms: &[Term]) -> bool {
    [head, summary]
        .iter()
        .any(|t| !match_ranges(&tokenize(t), terms).is_empty())
}

fn cut(text: &str, from: usize, ranges: &[(usize, usize)], more: bool) -> Snippet {
    let chars: Vec<char> = text.chars().collect();
    let to = (from + WINDOW).min(chars.len());
    let mut parts: Vec<(String, bool)> = Vec::new();
    let mut push = |s: String, hit: bool| {
        if s.is_empty() {
            return;
        }
        match parts.last_mut() {
            Some(last) if last.1 == hit => last.0.push_str(&s),
            _ => parts.push((s, hit)),
        }
    };
    if from > 0 {
        push("…".into(), false);
    }
    let mut at = from;
    for &(s, e) in ranges {
        let (s, e) = (s.max(at), e.min(to));
        if s >= e {
            continue;
        }
        push(chars[at..s].iter().collect(), false);
        push(chars[s..e].iter().collect(), true);
        at = e;
    }
    push(chars[at..to].iter().collect(), false);
    if to < chars.len() || more {
        push("…".into(), false);
    }
    Snippet { parts }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::tokenize::parse_query;

    #[test]
    fn highlights_the_original_text_around_the_first_match() {
        let body = format!("{}我们的ＮＧＯ社工站开展五社联动。", "前".repeat(50));
        let s = make(&body, false, "摘要", &parse_query("ngo社工"))
            .unwrap_or_else(|| panic!("snippet"));
        assert_eq!(
            s.marked(),
            format!("…{}我们的【ＮＧＯ社工】站开展五社联动。", "前".repeat(27))
        );
    }

    #[test]
    fn falls_back_to_summary_then_to_its_start() {
        let s = make("正文", false, "摘要里有社工", &parse_query("社工"))
            .unwrap_or_else(|| panic!("snippet"));
        assert_eq!(s.marked(), "摘要里有【社工】");
        let s =
            make("正文", true, "摘要", &parse_query("不存在")).unwrap_or_else(|| panic!("snippet"));
        assert_eq!(s.marked(), "摘要");
        assert!(make("", false, " ", &parse_query("x")).is_none());
    }

    #[test]
    fn markup_stays_text() {
        let s = make("<b>社工</b>", false, "", &parse_query("社工"))
            .unwrap_or_else(|| panic!("snippet"));
        assert_eq!(
            s.parts,
            vec![
                ("<b>".into(), false),
                ("社工".into(), true),
                ("</b>".into(), false)
            ]
        );
    }
}
