//! Sanitising of rendered HTML when the content had raw HTML in it: scripts, event
//! handlers and `javascript:` links are removed; what Markdown itself produces is kept.

use std::sync::OnceLock;

fn builder() -> &'static ammonia::Builder<'static> {
    static B: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    B.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_generic_attributes(["id", "class", "title", "lang"])
            .add_tags([
                "figure",
                "figcaption",
                "input",
                "section",
                "sup",
                "details",
                "summary",
                "mark",
            ])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_tag_attributes("pre", ["data-lang"])
            .add_tag_attributes("td", ["style"])
            .add_tag_attributes("th", ["style"])
            .url_schemes(["http", "https", "mailto"].into())
            .link_rel(None);
        b
    })
}

pub fn clean(html: &str) -> String {
    builder().clean(html).to_string()
}
