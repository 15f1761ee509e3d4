//! Heading anchors that work for Chinese headings: the id keeps CJK characters, letters
//! and digits, joins words with `-`, and is made unique within the document.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
}

pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    let mut pending_dash = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(c);
        } else if c.is_whitespace() || c == '-' || c == '_' {
            pending_dash = true;
        }
    }
    if out.is_empty() {
        "section".to_string()
    } else {
        out
    }
}

/// Gives every heading without an explicit id a unique one, and returns the outline.
pub fn add_ids(events: Vec<Event<'_>>) -> (Vec<Event<'_>>, Vec<Heading>) {
    let mut headings = Vec::new();
    let mut used: HashMap<String, usize> = HashMap::new();
    let mut starts: Vec<(usize, String)> = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, e) in events.iter().enumerate() {
        match e {
            Event::Start(Tag::Heading { .. }) => current = Some((i, String::new())),
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, text)) = current.as_mut() {
                    text.push_str(t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(c) = current.take() {
                    starts.push(c);
                }
            }
            _ => {}
        }
    }
    let mut events = events;
    for (i, title) in starts {
        if let Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) = &events[i]
        {
            let id = match id {
                Some(explicit) => explicit.to_string(),
                None => unique(slugify(&title), &mut used),
            };
            headings.push(Heading {
                level: *level as u8,
                id: id.clone(),
                title: title.trim().to_string(),
            });
            events[i] = Event::Start(Tag::Heading {
                level: *level,
                id: Some(CowStr::from(id)),
                classes: classes.clone(),
                attrs: attrs.clone(),
            });
        }
    }
    (events, headings)
}

fn unique(base: String, used: &mut HashMap<String, usize>) -> String {
    let n = used.entry(base.clone()).or_insert(0);
    *n += 1;
    if *n == 1 {
        base
    } else {
        format!("{base}-{}", *n - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::Parser;

    #[test]
    fn chinese_headings_get_readable_unique_ids() {
        assert_eq!(slugify("服务做法 与 成效"), "服务做法-与-成效");
        assert_eq!(slugify("一、背景（2023年）"), "一背景2023年");
        assert_eq!(slugify("Five Social Links"), "five-social-links");
        let events: Vec<_> = Parser::new("## 背景\n\n## 背景\n\n### `code`\n").collect();
        let (_, h) = add_ids(events);
        let ids: Vec<_> = h.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, vec!["背景", "背景-1", "code"]);
    }
}
