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
    let events: Vec<Event<'a>> = events
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
    place_refused(markdown, &mut problems);
    (events, problems)
}

/// Gives refused links whose text was written with escapes or entities (so the address
/// is not found in the text as it is) the line of their link: the text is parsed again,
/// which only happens for a file that has such a link.
fn place_refused(markdown: &str, problems: &mut [LinkProblem]) {
    if !problems.iter().any(|p| p.line == 0) {
        return;
    }
    let starts = pulldown_cmark::Parser::new_ext(markdown, super::options())
        .into_offset_iter()
        .filter_map(|(e, range)| match e {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if refused_scheme(&dest_url).is_some() =>
            {
                Some(range.start)
            }
            _ => None,
        });
    let refused = problems
        .iter_mut()
        .filter(|p| refused_scheme(&p.dest).is_some());
    for (problem, start) in refused.zip(starts) {
        if problem.line == 0 {
            problem.line = memchr::memchr_iter(b'\n', &markdown.as_bytes()[..start]).count() + 1;
        }
    }
    for p in problems.iter_mut().filter(|p| p.line == 0) {
        p.line = 1;
    }
}

/// The scheme of `url` (lower case) when it is not one a page may link with: only
/// `http:`, `https:`, `mailto:` and addresses without a scheme are allowed, so
/// `javascript:`, `data:`, `vbscript:` and the like are refused however they are
/// written (`JavaScript:`, ` javascript:`, `java\tscript:` all run in a browser).
pub fn refused_scheme(url: &str) -> Option<String> {
    // What a browser does before it reads the scheme: control characters and spaces
    // around the address are dropped, tabs and line breaks inside it too.
    let cleaned: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let (scheme, _) = cleaned.split_once(':')?;
    let is_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    if !is_scheme {
        // `第1期:总结` or `a/b:c` are relative addresses, not schemes.
        return None;
    }
    let scheme = scheme.to_ascii_lowercase();
    (!matches!(scheme.as_str(), "http" | "https" | "mailto")).then_some(scheme)
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
    if refused_scheme(&dest).is_some() {
        // Line 0: found by `place_refused` when the address is not in the text as is.
        let line = find_line(markdown, &dest).unwrap_or(0);
        problems.push(LinkProblem {
            dest: dest.to_string(),
            line,
            message: "refused".into(),
        });
        return CowStr::from("#");
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
    find_line(markdown, dest).unwrap_or(1)
}

fn find_line(markdown: &str, dest: &str) -> Option<usize> {
    let at = markdown
        .find(&format!("]({dest}"))
        .or_else(|| markdown.find(dest))?;
    Some(markdown[..at].matches('\n').count() + 1)
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
    fn only_web_and_mail_schemes_are_allowed() {
        for ok in [
            "https://example.org",
            "HTTP://example.org",
            "mailto:a@example.org",
            "//example.org/x",
            "/cases/a/",
            "../a.md",
            "images/a.png",
            "#做法",
            "第1期:总结",
        ] {
            assert_eq!(refused_scheme(ok), None, "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "\u{1}javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "data:text/html;base64,PHNjcmlwdD4=",
            "vbscript:msgbox(1)",
            "file:///etc/passwd",
        ] {
            assert!(refused_scheme(bad).is_some(), "{bad:?}");
        }
    }

    #[test]
    fn script_links_are_reported_on_their_line_and_disarmed() {
        let md = "正文\n\n[甲](javascript:alert(1))\n\n[乙](&#106;avascript:alert(2))\n\n<JAVASCRIPT:alert(3)>\n\n[丙][r]\n\n[r]: data:text/html,x\n";
        let (events, problems) = rewrite(Parser::new(md).collect(), md, "../../", &Cases);
        let mut out = String::new();
        html::push_html(&mut out, events.into_iter());
        assert_eq!(out.matches("href=\"#\"").count(), 4, "{out}");
        assert!(!out.to_lowercase().contains("href=\"javascript"), "{out}");
        assert!(!out.contains("data:"), "{out}");
        let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [3, 5, 7, 11], "{problems:?}");
    }

    #[test]
    fn external_detection() {
        assert!(is_external("https://x.org"));
        assert!(is_external("mailto:a@b"));
        assert!(!is_external("/cases/a/"));
        assert!(!is_external("../a.md"));
    }
}
