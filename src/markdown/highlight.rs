//! Code highlighting for fenced code blocks with syntect (pure-Rust regex engine),
//! emitting CSS classes so the theme's stylesheet decides the colours.

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Tag, TagEnd};
use std::sync::OnceLock;
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

pub fn highlight_code(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    if !events
        .iter()
        .any(|e| matches!(e, Event::Start(Tag::CodeBlock(_))))
    {
        return events;
    }
    let mut out = Vec::with_capacity(events.len());
    let mut block: Option<(String, String)> = None;
    for e in events {
        match (&mut block, e) {
            (None, Event::Start(Tag::CodeBlock(kind))) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(l) => {
                        l.split_whitespace().next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                block = Some((lang, String::new()));
            }
            (Some((_, code)), Event::Text(t)) => code.push_str(&t),
            (Some(_), Event::End(TagEnd::CodeBlock)) => {
                if let Some((lang, code)) = block.take() {
                    out.push(Event::Html(CowStr::from(to_html(&lang, &code))));
                }
            }
            (_, e) => out.push(e),
        }
    }
    out
}

pub fn to_html(lang: &str, code: &str) -> String {
    let set = syntaxes();
    let syntax = (!lang.is_empty())
        .then(|| set.find_syntax_by_token(lang))
        .flatten();
    let escaped_lang = lang.replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "");
    let Some(syntax) = syntax else {
        return format!(
            "<pre class=\"code\" data-lang=\"{escaped_lang}\"><code>{}</code></pre>\n",
            escape(code)
        );
    };
    let mut gen = ClassedHTMLGenerator::new_with_class_style(
        syntax,
        set,
        ClassStyle::SpacedPrefixed { prefix: "hl-" },
    );
    for line in LinesWithEndings::from(code) {
        if gen
            .parse_html_for_line_which_includes_newline(line)
            .is_err()
        {
            return format!("<pre class=\"code\"><code>{}</code></pre>\n", escape(code));
        }
    }
    format!(
        "<pre class=\"code\" data-lang=\"{escaped_lang}\"><code>{}</code></pre>\n",
        gen.finalize()
    )
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_language_gets_classes_unknown_is_escaped() {
        let h = to_html("rust", "fn main() {}\n");
        assert!(h.contains("hl-"), "{h}");
        let p = to_html("nosuchlang", "<b>\n");
        assert!(p.contains("&lt;b&gt;"));
    }
}
