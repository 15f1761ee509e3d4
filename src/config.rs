//! `casebook.yaml`: the site's configuration, read and checked before anything else.
//!
//! Unknown keys are warned about (they are usually typos); a missing or empty `title`
//! is an error. This module only reads configuration; it does not touch content.

use crate::diagnostics::Diagnostic;
use crate::load::yaml::{line_of_key, yaml_error_in};
use serde::Serialize;
use std::path::Path;

pub const CONFIG_FILE: &str = "casebook.yaml";

#[derive(Debug, Clone, Serialize)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// Always ends with `/`; empty when the config has none (then only relative links work).
    pub base_url: String,
    /// `zh-CN` (default) or `en`.
    pub language: String,
    pub theme: String,
    /// Cases per listing page.
    pub paginate: usize,
    /// Allow raw HTML in content as written (trusted editors only).
    pub trusted_html: bool,
    /// Syntax highlighting theme for fenced code.
    pub highlight_theme: String,
    pub author: String,
    /// An image in `static/` shown before the title in the header (`logo: images/logo.svg`).
    pub logo: String,
    /// The browser tab's icon, a file in `static/`; empty: the theme's `favicon.svg`.
    pub favicon: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: String::new(),
            description: String::new(),
            base_url: String::new(),
            language: "zh-CN".into(),
            theme: "default".into(),
            paginate: 20,
            trusted_html: false,
            highlight_theme: "InspiredGitHub".into(),
            author: String::new(),
            logo: String::new(),
            favicon: String::new(),
        }
    }
}

const KNOWN_KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "language",
    "theme",
    "paginate",
    "trusted_html",
    "highlight_theme",
    "author",
    "logo",
    "favicon",
];

impl Config {
    pub fn is_english(&self) -> bool {
        self.language.to_ascii_lowercase().starts_with("en")
    }

    /// The path part of `base_url` (`/anli/` for `https://example.org/anli/`).
    pub fn base_path(&self) -> String {
        let rest = self
            .base_url
            .split_once("://")
            .map(|(_, r)| r)
            .unwrap_or(&self.base_url);
        match rest.find('/') {
            Some(i) => rest[i..].to_string(),
            None => "/".to_string(),
        }
    }
}

/// Read and check the config; the `Err` side holds every problem found.
pub fn load(root: &Path) -> Result<(Config, Vec<Diagnostic>), Vec<Diagnostic>> {
    let path = root.join(CONFIG_FILE);
    let text = match std::fs::read(&path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(_) => {
                return Err(vec![Diagnostic::error(CONFIG_FILE, "is not valid UTF-8 text")
                    .hint("save the file as UTF-8 (in most editors: \"Save with encoding\" → UTF-8)")])
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(vec![Diagnostic::error(
                CONFIG_FILE,
                format!("no {CONFIG_FILE} in {}", root.display()),
            )
            .hint("run casebook in the site's folder, pass --root DIR, or create a site with `casebook init DIR`")])
        }
        Err(e) => return Err(vec![Diagnostic::error(CONFIG_FILE, format!("cannot be read: {e}"))]),
    };
    parse(&text)
}

pub fn parse(text: &str) -> Result<(Config, Vec<Diagnostic>), Vec<Diagnostic>> {
    // Notepad on Windows starts UTF-8 files with a byte order mark; YAML would read it as
    // the start of a second document.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let value: serde_yaml::Value = match serde_yaml::from_str(text) {
        Ok(v) => v,
        Err(e) => return Err(vec![yaml_error_in(CONFIG_FILE, text, &e, 0)]),
    };
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut config = Config::default();
    let map = match value {
        serde_yaml::Value::Mapping(m) => m,
        serde_yaml::Value::Null => serde_yaml::Mapping::new(),
        _ => {
            return Err(vec![Diagnostic::error(
                CONFIG_FILE,
                "should be a list of `key: value` lines",
            )
            .at(1)
            .hint("start with `title: 我的案例汇编`")])
        }
    };
    let line = |key: &str| line_of_key(text, key);
    for (k, v) in &map {
        let Some(key) = k.as_str() else { continue };
        let bad = |expected: &str| {
            Diagnostic::error(CONFIG_FILE, format!("should be {expected}"))
                .line_opt(line(key))
                .field(key)
        };
        match key {
            "title" | "description" | "base_url" | "language" | "theme" | "highlight_theme"
            | "author" | "logo" | "favicon" => {
                let Some(s) = scalar_string(v) else {
                    errors.push(bad("a piece of text"));
                    continue;
                };
                match key {
                    "title" => config.title = s,
                    "description" => config.description = s,
                    "base_url" => config.base_url = s,
                    "language" => config.language = s,
                    "theme" => config.theme = s,
                    "highlight_theme" => config.highlight_theme = s,
                    // Paths under static/, written with or without a leading `/`.
                    "logo" => config.logo = s.trim_start_matches('/').to_string(),
                    "favicon" => config.favicon = s.trim_start_matches('/').to_string(),
                    _ => config.author = s,
                }
            }
            "paginate" => match v.as_u64() {
                Some(n) if n > 0 => config.paginate = n as usize,
                _ => errors.push(bad("a whole number above 0, like `paginate: 20`")),
            },
            "trusted_html" => match v.as_bool() {
                Some(b) => config.trusted_html = b,
                None => errors.push(bad("true or false")),
            },
            _ => {
                let mut d =
                    Diagnostic::warning(CONFIG_FILE, format!("unknown setting `{key}` is ignored"))
                        .line_opt(line(key));
                if let Some(near) =
                    crate::validate::suggest::closest(key, KNOWN_KEYS.iter().copied())
                {
                    d = d.hint(format!("did you mean `{near}`?"));
                }
                warnings.push(d);
            }
        }
    }
    if config.title.trim().is_empty() {
        errors.push(
            Diagnostic::error(CONFIG_FILE, "the site has no title")
                .line_opt(line("title"))
                .field("title")
                .hint("add a line like `title: 社会工作优秀案例汇编`"),
        );
    }
    if !config.base_url.is_empty() {
        if !(config.base_url.starts_with("http://") || config.base_url.starts_with("https://")) {
            errors.push(
                Diagnostic::error(
                    CONFIG_FILE,
                    format!("\"{}\" is not a web address", config.base_url),
                )
                .line_opt(line("base_url"))
                .field("base_url")
                .hint("write the full address, like `base_url: https://example.org/anli/`"),
            );
        } else if !config.base_url.ends_with('/') {
            config.base_url.push('/');
        }
    }
    if !matches!(
        config.language.as_str(),
        "zh-CN" | "zh" | "en" | "en-US" | "en-GB"
    ) {
        warnings.push(
            Diagnostic::warning(
                CONFIG_FILE,
                format!("language \"{}\" is not known; using zh-CN", config.language),
            )
            .line_opt(line("language"))
            .field("language")
            .hint("use `zh-CN` or `en`"),
        );
        config.language = "zh-CN".into();
    }
    if errors.is_empty() {
        Ok((config, warnings))
    } else {
        Err(errors)
    }
}

fn scalar_string(v: &serde_yaml::Value) -> Option<String> {
    match v {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        serde_yaml::Value::Bool(b) => Some(b.to_string()),
        serde_yaml::Value::Null => Some(String::new()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_and_normalises_base_url() {
        let (c, w) =
            parse("title: 汇编\nbase_url: https://example.org/anli\nlanguage: en\n").unwrap();
        assert_eq!(c.title, "汇编");
        assert_eq!(c.base_url, "https://example.org/anli/");
        assert_eq!(c.base_path(), "/anli/");
        assert!(c.is_english());
        assert!(w.is_empty());
    }

    #[test]
    fn missing_title_is_an_error_with_a_hint() {
        let errs = parse("description: x\n").unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].field.as_deref(), Some("title"));
        assert!(errs[0].hint.as_deref().unwrap_or("").contains("title:"));
    }

    #[test]
    fn unknown_key_warns_with_suggestion() {
        let (_, w) = parse("title: a\npaginat: 3\n").unwrap();
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].line, Some(2));
        assert!(w[0].hint.as_deref().unwrap_or("").contains("paginate"));
    }
}
