//! Typed reading of one front-matter mapping, with a diagnostic for every field that is
//! missing or of the wrong shape. Each reader returns `None` after recording the problem,
//! so one file can report all of its problems at once.

use crate::diagnostics::Diagnostic;
use crate::load::yaml::{line_of_key, line_of_value};
use chrono::NaiveDate;
use serde_yaml::{Mapping, Value};

pub struct Fields<'a> {
    pub map: Mapping,
    pub yaml: &'a str,
    pub file: &'a str,
    /// File line of the first YAML line.
    pub first_line: usize,
    pub problems: Vec<Diagnostic>,
}

impl<'a> Fields<'a> {
    pub fn new(map: Mapping, yaml: &'a str, file: &'a str, first_line: usize) -> Self {
        Fields {
            map,
            yaml,
            file,
            first_line,
            problems: Vec::new(),
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// File line of the top-level `key:`, or of the front matter's first line.
    pub fn line(&self, key: &str) -> usize {
        line_of_key(self.yaml, key)
            .map(|l| l + self.first_line - 1)
            .unwrap_or(self.first_line.saturating_sub(1).max(1))
    }

    /// File line of `needle` inside the block of `key`.
    pub fn value_line(&self, key: &str, needle: &str) -> usize {
        line_of_value(self.yaml, key, needle)
            .map(|l| l + self.first_line - 1)
            .unwrap_or_else(|| self.line(key))
    }

    pub fn problem(&mut self, key: &str, message: impl Into<String>, hint: impl Into<String>) {
        let d = Diagnostic::error(self.file, message)
            .at(self.line(key))
            .field(key)
            .hint(hint);
        self.problems.push(d);
    }

    pub fn problem_at(&mut self, line: usize, field: &str, message: String, hint: String) {
        self.problems.push(
            Diagnostic::error(self.file, message)
                .at(line)
                .field(field)
                .hint(hint),
        );
    }

    pub fn required_text(&mut self, key: &str, example: &str) -> Option<String> {
        match self.get(key) {
            None => {
                let msg = format!("`{key}` is missing");
                self.problem(
                    key,
                    msg,
                    format!("add a line `{key}: {example}` to the front matter"),
                );
                None
            }
            Some(_) => {
                let t = self.text(key, example)?;
                if t.trim().is_empty() {
                    let msg = format!("`{key}` is empty");
                    self.problem(key, msg, format!("write it like `{key}: {example}`"));
                    return None;
                }
                Some(t)
            }
        }
    }

    /// An optional piece of text; numbers are accepted as their text.
    pub fn text(&mut self, key: &str, example: &str) -> Option<String> {
        match self.get(key)? {
            Value::String(s) => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            other => {
                let msg = format!("should be a piece of text, but is {}", describe(other));
                self.problem(key, msg, format!("write it like `{key}: {example}`"));
                None
            }
        }
    }

    pub fn flag(&mut self, key: &str) -> bool {
        match self.get(key) {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                let msg = format!("should be true or false, but is {}", describe(other));
                self.problem(key, msg, format!("write `{key}: true` or `{key}: false`"));
                false
            }
        }
    }

    /// A list of texts. A single text where a list belongs is an error: editors often
    /// mean a list, and a silent guess would hide a typo like a missing bracket.
    pub fn text_list(&mut self, key: &str, example: &str) -> Vec<String> {
        let Some(v) = self.get(key) else {
            return Vec::new();
        };
        let Value::Sequence(items) = v else {
            let msg = format!("should be a list, but is {}", describe(v));
            self.problem(
                key,
                msg,
                format!("write a list in brackets, like `{key}: {example}`"),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut bad = Vec::new();
        for item in items {
            match item {
                Value::String(s) if !s.trim().is_empty() => out.push(s.trim().to_string()),
                Value::Number(n) => out.push(n.to_string()),
                other => bad.push(describe(other)),
            }
        }
        for b in bad {
            let msg = format!("every item should be a piece of text, but one is {b}");
            self.problem(key, msg, format!("write it like `{key}: {example}`"));
        }
        out
    }

    pub fn date(&mut self, key: &str, required: bool) -> Option<NaiveDate> {
        if self.get(key).is_none() {
            if required {
                let msg = format!("`{key}` is missing");
                self.problem(
                    key,
                    msg,
                    format!("add a line `{key}: 2024-03-01` (year-month-day)"),
                );
            }
            return None;
        }
        let text = self.text(key, "2024-03-01")?;
        parse_date(&text)
            .map_err(|msg| {
                self.problem(
                    key,
                    msg,
                    "write the date as year-month-day, like `2024-03-01`",
                );
            })
            .ok()
    }

    /// Warn about keys that are not in `known`, suggesting the nearest known one.
    pub fn unknown_keys(&mut self, known: &[&str]) {
        let keys: Vec<String> = self
            .map
            .keys()
            .filter_map(|k| k.as_str().map(str::to_string))
            .filter(|k| !known.contains(&k.as_str()))
            .collect();
        for key in keys {
            let mut d = Diagnostic::warning(self.file, format!("unknown field `{key}` is ignored"))
                .at(self.line(&key))
                .field(key.clone());
            if let Some(near) = super::suggest::closest(&key, known.iter().copied()) {
                d = d.hint(format!("did you mean `{near}`?"));
            }
            self.problems.push(d);
        }
    }
}

pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let t = text.trim();
    let shape_ok = t.len() == 10
        && t.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shape_ok {
        return Err(format!("\"{t}\" is not a date in the form year-month-day"));
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .map_err(|_| format!("\"{t}\" is not a real date (check the month and the day)"))
}

/// Plain words for what a YAML value is, for messages.
pub fn describe(v: &Value) -> String {
    match v {
        Value::Null => "empty".into(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the text \"{s}\""),
        Value::Sequence(_) => "a list".into(),
        Value::Mapping(_) => "a group of `name: value` fields".into(),
        Value::Tagged(_) => "a tagged value".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_exist() {
        assert!(parse_date("2024-02-29").is_ok());
        assert!(parse_date("2023-02-29")
            .unwrap_err()
            .contains("not a real date"));
        assert!(parse_date("2024-13-01")
            .unwrap_err()
            .contains("not a real date"));
        assert!(parse_date("2024/03/01")
            .unwrap_err()
            .contains("year-month-day"));
        assert!(parse_date("2024年3月1日").is_err());
    }
}
