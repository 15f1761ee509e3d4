//! Helpers that map YAML problems back to lines of the editor's file.
//!
//! serde_yaml's `Value` carries no positions, so field lines are found by scanning the
//! front matter text: top-level keys start a line, list items follow their key.

use crate::diagnostics::Diagnostic;

/// 1-based line (within `yaml`) of the top-level `key:`.
pub fn line_of_key(yaml: &str, key: &str) -> Option<usize> {
    let colon_after = |rest: &str| rest.trim_start().starts_with(':');
    yaml.lines()
        .position(|l| {
            l.strip_prefix(key).is_some_and(colon_after)
                || l.strip_prefix('"')
                    .and_then(|l| l.strip_prefix(key))
                    .and_then(|l| l.strip_prefix('"'))
                    .is_some_and(colon_after)
        })
        .map(|i| i + 1)
}

/// 1-based line of the first line at or after the `key:` line that contains `needle`.
pub fn line_of_value(yaml: &str, key: &str, needle: &str) -> Option<usize> {
    let start = line_of_key(yaml, key)?;
    let mut seen_key = false;
    for (i, l) in yaml.lines().enumerate().skip(start - 1) {
        // Stop at the next top-level key.
        if seen_key && !l.is_empty() && !l.starts_with([' ', '\t', '-', '#']) {
            break;
        }
        seen_key = true;
        if !needle.is_empty() && l.contains(needle) {
            return Some(i + 1);
        }
    }
    Some(start)
}

/// Turns a YAML syntax error in `yaml` into a diagnostic at the right line of the file,
/// given the file line where the YAML text starts (0 when the YAML is the whole file).
pub fn yaml_error_in(
    file: &str,
    yaml: &str,
    err: &serde_yaml::Error,
    first_line: usize,
) -> Diagnostic {
    let raw = err.to_string();
    // serde_yaml appends " at line L column C"; we print the position ourselves.
    let message = raw
        .split(" at line ")
        .next()
        .unwrap_or(&raw)
        .trim()
        .to_string();
    let mut d = Diagnostic::error(file, format!("the YAML is not valid: {message}")).hint(
        "check the line: each field is `name: value`, lists are `[a, b]` or lines starting with `- `, and text containing `: ` or `#` needs quotes",
    );
    if let Some(loc) = err.location() {
        let (line, column) = line_and_column(yaml, loc.index());
        let line = first_line.max(1) + line - 1;
        d = d.at_column(line, column);
    }
    d
}

/// 1-based line and column of byte `index` in `text`, counting only `\n` as a line break
/// as editors do (YAML also breaks lines at U+2028, U+2029 and U+0085, so its own line
/// numbers drift after a title holding one).
pub fn line_and_column(text: &str, index: usize) -> (usize, usize) {
    let mut at = index.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        memchr::memchr_iter(b'\n', before.as_bytes()).count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_keys_and_values() {
        let y = "title: a\nfunding:\n  - {source: 政府, amount: 很多}\ntags: [x]\n";
        assert_eq!(line_of_key(y, "tags"), Some(4));
        assert_eq!(line_of_key(y, "tag"), None);
        assert_eq!(line_of_value(y, "funding", "很多"), Some(3));
        assert_eq!(line_of_value(y, "funding", "nothing"), Some(2));
    }

    #[test]
    fn yaml_error_is_shifted_to_file_lines() {
        let err = serde_yaml::from_str::<serde_yaml::Value>("title: a\nb: [1,\n").unwrap_err();
        let d = yaml_error_in("x.md", "title: a\nb: [1,\n", &err, 2);
        assert!(d.line.unwrap() >= 3, "{d}");
        assert!(d.message.starts_with("the YAML is not valid"));
    }

    #[test]
    fn a_line_separator_in_a_value_does_not_shift_the_line() {
        let yaml = "title: \"甲\u{2028}乙\"\nb: [1,\nc: d\n";
        let err = serde_yaml::from_str::<serde_yaml::Value>(yaml).unwrap_err();
        let plain = "title: \"甲乙\"\nb: [1,\nc: d\n";
        let plain_err = serde_yaml::from_str::<serde_yaml::Value>(plain).unwrap_err();
        let d = yaml_error_in("x.md", yaml, &err, 2);
        let expected = yaml_error_in("x.md", plain, &plain_err, 2);
        assert_eq!(d.line, expected.line, "{d}");
        // YAML's own count is one further on: it breaks the line at U+2028.
        let yaml_line = err.location().map(|l| 2 + l.line() - 1);
        assert_ne!(yaml_line, d.line);
    }
}
