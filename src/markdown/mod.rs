//! Markdown to HTML, as a short series of passes over pulldown-cmark's event stream:
//! heading anchors ([`anchors`]), link rewriting and checking ([`links`]), code
//! highlighting ([`highlight`]), then HTML output and, when raw HTML is present,
//! sanitising ([`sanitize`]). This module knows nothing about cases or templates.

pub mod anchors;
pub mod highlight;
pub mod limits;
pub mod links;
pub mod sanitize;

pub use anchors::Heading;
pub use links::{LinkProblem, LinkResolver};

use pulldown_cmark::{html, Event, Options, Parser, Tag, TagEnd};

/// The result of rendering one Markdown text.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    /// Text content, for search and summaries.
    pub text: String,
    pub headings: Vec<Heading>,
    pub link_problems: Vec<LinkProblem>,
    /// Set when the text is too complex to render in time ([`limits`]); `html` is then empty.
    pub refused: Option<limits::Refused>,
}

pub struct RenderOptions<'a> {
    /// Relative prefix from the rendered page to the site root, e.g. `../../`.
    pub root: &'a str,
    pub trusted_html: bool,
    pub resolver: &'a dyn LinkResolver,
}

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
}

pub fn render(markdown: &str, opts: &RenderOptions<'_>) -> Rendered {
    let events = match events_within_limits(markdown) {
        Ok(events) => events,
        Err(refused) => {
            return Rendered {
                refused: Some(refused),
                ..Rendered::default()
            }
        }
    };
    let has_raw_html = events
        .iter()
        .any(|e| matches!(e, Event::Html(_) | Event::InlineHtml(_)));
    let text = plain_text(&events);
    let (events, headings) = anchors::add_ids(events);
    let (events, link_problems) = links::rewrite(events, markdown, opts.root, opts.resolver);
    let events = highlight::highlight_code(events);
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    if has_raw_html && !opts.trusted_html {
        if limits::too_deep(&out, limits::MAX_NESTING).is_some() {
            return Rendered {
                refused: Some(limits::Refused::too_deep(markdown, &out)),
                ..Rendered::default()
            };
        }
        out = sanitize::clean(&out);
    }
    Rendered {
        html: out,
        text,
        headings,
        link_problems,
        refused: None,
    }
}

/// The parser's events, stopping as soon as the tables hold too many cells (they are
/// collected before rendering, and each costs far more than its text).
fn events_within_limits(markdown: &str) -> Result<Vec<Event<'_>>, limits::Refused> {
    // The parser reads every block before the first event, so a huge table is refused
    // from its `|`s before the parser holds it (8 MB of table: 640 MB and 2.9 s).
    if let Some(at) = limits::too_many_pipes(markdown) {
        return Err(limits::Refused::too_many_cells(markdown, at));
    }
    let mut events = Vec::new();
    let (mut cells, mut table_start) = (0, 0);
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Table(_)) => table_start = range.start,
            Event::Start(Tag::TableCell) => {
                cells += 1;
                if cells > limits::MAX_TABLE_CELLS {
                    return Err(limits::Refused::too_many_cells(markdown, table_start));
                }
            }
            _ => {}
        }
        events.push(event);
    }
    Ok(events)
}

/// The words a reader sees, one space between blocks.
fn plain_text(events: &[Event<'_>]) -> String {
    let mut text = String::new();
    let mut in_code_block = false;
    for e in events {
        match e {
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Text(t) | Event::Code(t) if !in_code_block => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell,
            ) => text.push(' '),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoLinks;
    impl LinkResolver for NoLinks {
        fn resolve(&self, _dest: &str) -> Result<Option<String>, String> {
            Ok(None)
        }
    }

    fn render_plain(md: &str, trusted: bool) -> Rendered {
        render(
            md,
            &RenderOptions {
                root: "../../",
                trusted_html: trusted,
                resolver: &NoLinks,
            },
        )
    }

    #[test]
    fn renders_tables_footnotes_and_tasks() {
        let r = render_plain(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n文字[^1]\n\n[^1]: 注释\n\n- [x] 完成\n",
            false,
        );
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("footnote"));
        assert!(r.html.contains("checkbox"));
    }

    #[test]
    fn raw_script_is_removed_unless_trusted() {
        let md = "正文<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n";
        let r = render_plain(md, false);
        assert!(!r.html.contains("<script"), "{}", r.html);
        assert!(!r.html.contains("onerror"), "{}", r.html);
        let t = render_plain(md, true);
        assert!(t.html.contains("<script>"));
    }

    #[test]
    fn plain_text_joins_blocks() {
        let r = render_plain("## 背景\n\n社工站**服务**老人。\n\n- 一\n- 二\n", false);
        assert_eq!(r.text, "背景 社工站服务老人。 一 二");
    }
}
