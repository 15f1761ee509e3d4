//! Splits a content file into its YAML front matter and Markdown body, keeping line
//! offsets so later stages can point at lines in the editor's file.

/// The parts of a content file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// 1-based line in the file of the first YAML line.
    pub yaml_line: usize,
    pub body: &'a str,
    /// 1-based line in the file of the first body line.
    pub body_line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SplitError {
    /// The file does not start with a `---` line.
    Missing,
    /// The opening `---` has no closing `---`.
    Unclosed,
}

pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err(SplitError::Missing);
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    for (i, line) in lines.enumerate() {
        if line.trim_end() == "---" {
            let yaml = &text[yaml_start..offset];
            let body = &text[offset + line.len()..];
            return Ok(Split {
                yaml,
                yaml_line: 2,
                body,
                body_line: i + 3,
            });
        }
        offset += line.len();
    }
    Err(SplitError::Unclosed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_counts_lines() {
        let s = split("---\ntitle: a\ndate: 2024-01-01\n---\n正文\n").unwrap();
        assert_eq!(s.yaml, "title: a\ndate: 2024-01-01\n");
        assert_eq!(s.yaml_line, 2);
        assert_eq!(s.body, "正文\n");
        assert_eq!(s.body_line, 5);
    }

    #[test]
    fn handles_bom_crlf_and_empty_body() {
        let s = split("\u{feff}---\r\ntitle: a\r\n---\r\n").unwrap();
        assert_eq!(s.yaml, "title: a\r\n");
        assert_eq!(s.body, "");
    }

    #[test]
    fn reports_missing_and_unclosed() {
        assert_eq!(split("# 标题\n"), Err(SplitError::Missing));
        assert_eq!(split(""), Err(SplitError::Missing));
        assert_eq!(split("---\ntitle: a\n正文\n"), Err(SplitError::Unclosed));
    }
}
