//! Image pass: a Markdown image of a photo (`![志愿者在厨房备餐](photos/a.jpg "备餐现场")`)
//! becomes the processed photo's `<picture>`; standing alone in its paragraph it becomes
//! a `<figure>` whose caption is the image's title. Images that are not photos (SVG,
//! addresses on other sites) are left for the link pass, as before.

use crate::photos::{markup, Photo};
use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

/// What the model knows about an image address.
pub enum ImageLookup<'a> {
    Photo(&'a Photo),
    /// A photo that could not be processed: the build already has an error for it.
    Failed,
    /// Not a photo of this site: leave it to the link pass.
    NotAPhoto,
}

pub trait ImageResolver: Sync {
    fn photo(&self, dest: &str) -> ImageLookup<'_>;
}

/// No photos known (every image is left as written).
#[cfg(any(test, feature = "internals"))]
pub struct NoPhotos;

#[cfg(any(test, feature = "internals"))]
impl ImageResolver for NoPhotos {
    fn photo(&self, _dest: &str) -> ImageLookup<'_> {
        ImageLookup::NotAPhoto
    }
}

pub fn replace<'a>(
    events: Vec<Event<'a>>,
    root: &str,
    resolver: &dyn ImageResolver,
) -> Vec<Event<'a>> {
    let mut out: Vec<Event<'a>> = Vec::with_capacity(events.len());
    let mut it = events.into_iter().peekable();
    while let Some(e) = it.next() {
        let Event::Start(Tag::Image {
            dest_url, title, ..
        }) = &e
        else {
            out.push(e);
            continue;
        };
        let lookup = resolver.photo(dest_url);
        if matches!(lookup, ImageLookup::NotAPhoto) {
            out.push(e);
            continue;
        }
        let title: CowStr<'a> = title.clone();
        let alt = alt_text(&mut it);
        let ImageLookup::Photo(photo) = lookup else {
            continue;
        };
        let alone = matches!(out.last(), Some(Event::Start(Tag::Paragraph)))
            && matches!(it.peek(), Some(Event::End(TagEnd::Paragraph)));
        if alone {
            out.pop();
            it.next();
            let caption = (!title.is_empty()).then_some(&*title);
            out.push(Event::Html(
                markup::figure(photo, root, &alt, caption).into(),
            ));
        } else {
            let html = markup::picture(photo, root, &alt, markup::BODY_SIZES, false);
            out.push(Event::InlineHtml(html.into()));
        }
    }
    out
}

/// The text inside an image up to its end, consumed.
fn alt_text<'a>(it: &mut impl Iterator<Item = Event<'a>>) -> String {
    let mut alt = String::new();
    let mut depth = 0;
    for e in it.by_ref() {
        match e {
            Event::Start(Tag::Image { .. }) => depth += 1,
            Event::End(TagEnd::Image) if depth == 0 => break,
            Event::End(TagEnd::Image) => depth -= 1,
            Event::Text(t) | Event::Code(t) => alt.push_str(&t),
            Event::SoftBreak | Event::HardBreak => alt.push(' '),
            _ => {}
        }
    }
    alt
}
