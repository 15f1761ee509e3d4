//! "Did you mean …?": finds the closest known word to a probable typo.

/// The closest candidate to `word` if it is near enough to be a likely typo
/// (one edit, or two swapped letters, for short words, two for longer ones), and not `word` itself.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let len = word.chars().count();
    let limit = if len <= 5 { 1 } else { 2 };
    candidates
        .into_iter()
        .filter(|c| *c != word)
        .map(|c| (strsim::osa_distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn finds_chinese_and_latin_typos() {
        let known = ["养老服务", "儿童福利", "社区治理"];
        assert_eq!(closest("养老服物", known), Some("养老服务"));
        assert_eq!(closest("养老服务", known), None);
        assert_eq!(closest("乡村振兴", known), None);
        assert_eq!(closest("titel", ["title", "date"]), Some("title"));
    }
}
