//! Chinese collation: names sort by their pinyin (安徽 < 北京 < 福建 < 浙江), the order a
//! Chinese reader expects in an index, rather than by Unicode code point.

use pinyin::ToPinyin;
use std::cmp::Ordering;

/// A sort key: each Chinese character as its plain pinyin, other characters lower-cased.
pub fn key(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for c in s.chars() {
        match c.to_pinyin() {
            Some(p) => {
                out.push_str(p.plain());
                out.push(' ');
            }
            None => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Compares by pinyin, then by the text itself so that different names never tie.
pub fn compare(a: &str, b: &str) -> Ordering {
    key(a).cmp(&key(b)).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provinces_sort_by_pinyin() {
        let mut v = vec!["浙江省", "北京市", "安徽省", "福建省", "河南省"];
        v.sort_by(|a, b| compare(a, b));
        assert_eq!(v, vec!["安徽省", "北京市", "福建省", "河南省", "浙江省"]);
    }

    #[test]
    fn latin_and_digits_mix_in() {
        assert!(compare("ABC社工", "abd") == Ordering::Less);
        assert_eq!(key("1+6"), "1+6");
    }
}
