//! Link pass: internal links are checked and made relative to the page, so the site
//! works under any sub-path and from disk. External links are left as written.
//!
//! What is internal is decided by a [`LinkResolver`] supplied by the model, which knows
//! the site's cases, pages and static files.

use pulldown_cmark::{CowStr, Event, Tag};

pub trait LinkResolver: Sync {
    /// `Ok(Some(path))`: an internal link to `path` (relative to the site root, no leading
    /// `/`); `Ok(None)`: not internal, keep as written; `Err(why)`: a broken internal link.
    fn resolve(&self, dest: &str) -> Result<Option<String>, String>;
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkProblem {
    pub dest: String,
    /// 1-based line within the Markdown text.
    pub line: usize,
    pub message: String,
}

pub fn rewrite<'a>(
    events: Vec<Event<'a>>,
    markdown: &str,
    root: &str,
    resolver: &dyn LinkResolver,
) -> (Vec<Event<'a>>, Vec<LinkProblem>) {
    let mut problems = Vec::new();
    let events = events
        .into_iter()
        .map(|e| match e {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = fix(dest_url, markdown, root, resolver, &mut problems);
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = fix(dest_url, markdown, root, resolver, &mut problems);
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            other => other,
        })
        .collect();
    (events, problems)
}

fn fix<'a>(
    dest: CowStr<'a>,
    markdown: &str,
    root: &str,
    resolver: &dyn LinkResolver,
    problems: &mut Vec<LinkProblem>,
) -> CowStr<'a> {
    let (path, fragment) = match dest.find('#') {
        Some(i) => (&dest[..i], &dest[i..]),
        None => (&dest[..], ""),
    };
    if path.is_empty() {
        return dest;
    }
    match resolver.resolve(path) {
        Ok(Some(target)) => CowStr::from(format!("{root}{target}{fragment}")),
        Ok(None) => dest,
        Err(message) => {
            problems.push(LinkProblem {
                dest: dest.to_string(),
                line: line_of(markdown, &dest),
                message,
            });
            dest
        }
    }
}

fn line_of(markdown: &str, dest: &str) -> usize {
    let at = markdown
        .find(&format!("]({dest}"))
        .or_else(|| markdown.find(dest))
        .unwrap_or(0);
    markdown[..at].matches('\n').count() + 1
}

/// True for addresses that leave the site: `https:`, `mailto:`, `//host` …
pub fn is_external(dest: &str) -> bool {
    dest.starts_with("//")
        || dest.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{html, Parser};

    struct Cases;
    impl LinkResolver for Cases {
        fn resolve(&self, dest: &str) -> Result<Option<String>, String> {
            if is_external(dest) {
                return Ok(None);
            }
            match dest {
                "/cases/a/" => Ok(Some("cases/a/".into())),
                _ => Err(format!("no case or page at {dest}")),
            }
        }
    }

    #[test]
    fn internal_links_become_relative_and_broken_ones_are_reported() {
        let md = "见[甲](/cases/a/#做法)。\n\n又见[乙](/cases/b/)和[外](https://example.org)。\n";
        let (events, problems) = rewrite(Parser::new(md).collect(), md, "../../", &Cases);
        let mut out = String::new();
        html::push_html(&mut out, events.into_iter());
        // pulldown-cmark percent-encodes the fragment; browsers decode it to match the id.
        assert!(
            out.contains("href=\"../../cases/a/#%E5%81%9A%E6%B3%95\""),
            "{out}"
        );
        assert!(out.contains("href=\"https://example.org\""));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, 3);
        assert_eq!(problems[0].dest, "/cases/b/");
    }

    #[test]
    fn external_detection() {
        assert!(is_external("https://x.org"));
        assert!(is_external("mailto:a@b"));
        assert!(!is_external("/cases/a/"));
        assert!(!is_external("../a.md"));
    }
}
