//! Moves an HTML fragment rendered for one page into another page.
//!
//! Case bodies and forewords are rendered once, with links relative to their own page
//! (`../../regions/…` from `cases/x/`). The print edition puts many of them into one
//! document at another depth, so their relative `href`/`src` values are re-rooted, links
//! to cases that are in the same book become in-document anchors, and `id`s (heading
//! anchors, footnotes) get a per-case prefix so they stay unique.
//!
//! The input is HTML written by the Markdown stage (attributes always double-quoted,
//! `"` escaped in text), so a scan over `href="`, `src="` and `id="` is exact.

use std::collections::HashMap;

pub struct Relocation<'a> {
    /// The address the fragment was rendered for, e.g. `cases/x/`.
    pub from: &'a str,
    /// The address of the page it is moved into, e.g. `print/`.
    pub to: &'a str,
    /// Prefix for ids and in-fragment anchors (`c3` makes `#背景` into `#c3-背景`).
    pub id_prefix: &'a str,
    /// Site addresses (`cases/x/`) that are in the same document → their anchor id.
    pub anchors: &'a HashMap<String, String>,
    /// When not empty, links to pages outside the document become absolute addresses on
    /// the published site (a PDF outlives the folder it was printed from, and paper shows
    /// the address). Images and other `src` stay relative.
    pub base_url: &'a str,
}

impl Relocation<'_> {
    pub fn apply(&self, html: &str) -> String {
        let to_root = super::context::root_prefix(self.to);
        let mut out = String::with_capacity(html.len() + html.len() / 16);
        let mut rest = html;
        while let Some((at, attr)) = next_attribute(rest) {
            let value_start = at + attr.len() + 2; // `attr="`
            let Some(len) = rest[value_start..].find('"') else {
                break;
            };
            out.push_str(&rest[..value_start]);
            let value = &rest[value_start..value_start + len];
            out.push_str(&self.value(attr, value, &to_root));
            rest = &rest[value_start + len..];
        }
        out.push_str(rest);
        out
    }

    fn value(&self, attr: &str, value: &str, to_root: &str) -> String {
        if attr == "id" {
            return self.prefixed(value);
        }
        if attr == "srcset" {
            // `a.jpg 480w, b.jpg 960w`: each address moved like a `src`.
            return value
                .split(", ")
                .map(|c| match c.split_once(' ') {
                    Some((url, w)) => format!("{} {w}", self.value("src", url, to_root)),
                    None => self.value("src", c, to_root),
                })
                .collect::<Vec<_>>()
                .join(", ");
        }
        if let Some(frag) = value.strip_prefix('#') {
            return format!("#{}", self.prefixed(frag));
        }
        if has_scheme(value) || value.starts_with('/') {
            return value.to_string();
        }
        let (path, suffix) = match value.find(['?', '#']) {
            Some(i) => (&value[..i], &value[i..]),
            None => (value, ""),
        };
        let Some(site_path) = resolve(self.from, path) else {
            return value.to_string();
        };
        if attr == "href" && !suffix.starts_with('?') {
            if let Some(anchor) = self.anchors.get(&site_path) {
                return match suffix.strip_prefix('#') {
                    Some(frag) if !frag.is_empty() => format!("#{anchor}-{frag}"),
                    _ => format!("#{anchor}"),
                };
            }
        }
        if attr == "href" && !self.base_url.is_empty() {
            return format!("{}{site_path}{suffix}", self.base_url);
        }
        format!("{to_root}{site_path}{suffix}")
    }

    fn prefixed(&self, id: &str) -> String {
        if self.id_prefix.is_empty() {
            id.to_string()
        } else {
            format!("{}-{id}", self.id_prefix)
        }
    }
}

/// The next ` href="`, ` src="`, ` srcset="` or ` id="` in `s`: (offset of the attribute name, name).
/// One forward scan over the `="` in `s`: looking for each name separately scanned to the
/// end of the fragment for a name that does not occur (most bodies have no `src`), once
/// per attribute, which is quadratic in the length of a fragment.
fn next_attribute(s: &str) -> Option<(usize, &'static str)> {
    let bytes = s.as_bytes();
    let mut from = 0;
    while let Some(i) = s[from..].find("=\"") {
        let eq = from + i;
        for attr in ["href", "src", "srcset", "id"] {
            // A whole attribute name: preceded by whitespace inside a tag.
            let Some(at) = eq.checked_sub(attr.len()).filter(|&at| at > 0) else {
                continue;
            };
            if &bytes[at..eq] == attr.as_bytes() && matches!(bytes[at - 1], b' ' | b'\n' | b'\t') {
                return Some((at, attr));
            }
        }
        from = eq + 2;
    }
    None
}

fn has_scheme(v: &str) -> bool {
    match v.find(':') {
        Some(i) => !v[..i].contains(['/', '?', '#']) && i > 0,
        None => false,
    }
}

/// `path` relative to the page at `from` as a site path; `None` if it leaves the site.
fn resolve(from: &str, path: &str) -> Option<String> {
    let dir = &from[..from.rfind('/').map_or(0, |i| i + 1)];
    let mut segs: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    let mut trailing_slash = path.is_empty() || path.ends_with('/');
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                segs.pop()?;
            }
            s => segs.push(s),
        }
    }
    if path.ends_with("/..") || path.ends_with("/.") || path == ".." || path == "." {
        trailing_slash = true;
    }
    let mut out = segs.join("/");
    if trailing_slash && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relocate(html: &str, from: &str, to: &str, anchors: &[(&str, &str)]) -> String {
        relocate_with_base(html, from, to, anchors, "")
    }

    fn relocate_with_base(
        html: &str,
        from: &str,
        to: &str,
        anchors: &[(&str, &str)],
        base_url: &str,
    ) -> String {
        let anchors: HashMap<String, String> = anchors
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        Relocation {
            from,
            to,
            id_prefix: "c1",
            anchors: &anchors,
            base_url,
        }
        .apply(html)
    }

    #[test]
    fn reroots_relative_links_and_images() {
        let html = r#"<p><a href="../../regions/%E6%B2%B3/">河</a><img src="../../images/a.png" alt="x"></p>"#;
        assert_eq!(
            relocate(html, "cases/x/", "print/", &[]),
            r#"<p><a href="../regions/%E6%B2%B3/">河</a><img src="../images/a.png" alt="x"></p>"#
        );
        assert_eq!(
            relocate(
                r#"<a href="cases/y/">y</a>"#,
                "",
                "collections/z/print/",
                &[]
            ),
            r#"<a href="../../../cases/y/">y</a>"#
        );
    }

    #[test]
    fn cases_in_the_book_become_anchors_and_ids_are_prefixed() {
        let html = r##"<h2 id="背景">背景</h2><a href="../y/#做法">y</a><a href="#背景">up</a><a href="https://example.org/a?b#c">e</a><a href="mailto:a@b.c">m</a>"##;
        assert_eq!(
            relocate(html, "cases/x/", "print/", &[("cases/y/", "c2")]),
            r##"<h2 id="c1-背景">背景</h2><a href="#c2-做法">y</a><a href="#c1-背景">up</a><a href="https://example.org/a?b#c">e</a><a href="mailto:a@b.c">m</a>"##
        );
    }

    #[test]
    fn links_out_of_the_book_go_to_the_published_site() {
        let html =
            r#"<a href="../../domains/a/">d</a><a href="../y/">y</a><img src="../../i.png">"#;
        assert_eq!(
            relocate_with_base(
                html,
                "cases/x/",
                "print/",
                &[("cases/y/", "c2")],
                "https://e.org/anli/"
            ),
            r##"<a href="https://e.org/anli/domains/a/">d</a><a href="#c2">y</a><img src="../i.png">"##
        );
    }

    #[test]
    fn leaves_text_and_escaping_links_alone() {
        let html = r#"<p>grid="x" paid="1"</p><a data-id="k" href="../../../../x">o</a>"#;
        assert_eq!(relocate(html, "cases/x/", "print/", &[]), html);
    }

    #[test]
    fn every_attribute_of_a_long_fragment_is_moved_in_order() {
        let part =
            |i: usize| format!(r#"<h3 id="h{i}">{i}</h3><p><a href="../../tags/t{i}/">t</a></p>"#);
        let html: String = (0..500).map(part).collect();
        let want: String = (0..500)
            .map(|i| format!(r#"<h3 id="c1-h{i}">{i}</h3><p><a href="../tags/t{i}/">t</a></p>"#))
            .collect();
        assert_eq!(relocate(&html, "cases/x/", "print/", &[]), want);
    }
}
