//! Render: turns the read-only [`Site`] into files. Each submodule renders one kind of
//! output (case pages, taxonomy pages, assets …) and emits files through an [`Output`];
//! none of them changes the site.

pub(crate) mod assets;
pub(crate) mod charts;
pub(crate) mod collections;
pub(crate) mod context;
pub(crate) mod feeds;
pub(crate) mod opendata;
internal!(pages);
internal!(print);
pub(crate) mod relocate;
pub mod search;
pub(crate) mod splice;
pub(crate) mod stats;
internal!(taxonomy);

use crate::error::{Error, Result};
use crate::i18n::Strings;
use crate::model::Site;
use crate::theme::{describe_tera_error, Theme};
use crate::timing::StageTimer;
use std::sync::atomic::{AtomicUsize, Ordering};
use tera::Context;

/// Where rendered files go: a staging folder on disk, or nowhere (for `check`).
pub trait Output: Sync {
    /// `path` is relative to the site root, `/`-separated.
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()>;

    /// True when this destination already holds `file` as rendered from `template` with
    /// exactly `ctx`, so rendering it again can be skipped. Only `serve`'s output, which
    /// keeps the previous build, ever says yes; others answer `false`. An `Output` that
    /// wraps another forwards this (and counts a fresh page as written).
    fn fresh(&self, file: &str, template: &str, ctx: &Context) -> bool;

    /// Writes `path` from parts that `fill` hands to its sink in order, so a large file
    /// (a print edition) need not be held whole. Destinations on disk stream them; others
    /// may [`collect`] them and write; an `Output` that wraps another forwards this.
    fn write_parts(&self, path: &str, fill: &mut Fill<'_>) -> Result<()>;
}

/// Produces a file in parts, handing each to the sink it is given.
pub type Fill<'a> = dyn FnMut(&mut dyn FnMut(&[u8]) -> Result<()>) -> Result<()> + 'a;

/// The whole file `fill` produces, for an [`Output`] that keeps files whole.
pub fn collect(fill: &mut Fill<'_>) -> Result<Vec<u8>> {
    let mut all = Vec::new();
    fill(&mut |part| {
        all.extend_from_slice(part);
        Ok(())
    })?;
    Ok(all)
}

/// Counts what is written, for the build summary.
pub struct Counting<'a> {
    inner: &'a dyn Output,
    pub pages: AtomicUsize,
    pub files: AtomicUsize,
}

impl<'a> Counting<'a> {
    pub fn new(inner: &'a dyn Output) -> Self {
        Counting {
            inner,
            pages: AtomicUsize::new(0),
            files: AtomicUsize::new(0),
        }
    }
}

impl Counting<'_> {
    fn count(&self, path: &str) {
        if path.ends_with(".html") {
            self.pages.fetch_add(1, Ordering::Relaxed);
        }
        self.files.fetch_add(1, Ordering::Relaxed);
    }
}

impl Output for Counting<'_> {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        self.count(path);
        self.inner.write(path, bytes)
    }

    fn fresh(&self, file: &str, template: &str, ctx: &Context) -> bool {
        self.inner.fresh(file, template, ctx)
    }

    fn write_parts(&self, path: &str, fill: &mut Fill<'_>) -> Result<()> {
        self.count(path);
        self.inner.write_parts(path, fill)
    }
}

/// What every renderer needs: the site, its theme, its UI strings.
pub struct Renderer<'a> {
    pub site: &'a Site,
    pub theme: &'a Theme,
    pub strings: Strings,
    base: Context,
}

impl<'a> Renderer<'a> {
    pub fn new(site: &'a Site, theme: &'a Theme) -> Self {
        let strings = Strings::for_language(&site.config.language);
        let base = context::base(site, &strings);
        Renderer {
            site,
            theme,
            strings,
            base,
        }
    }

    /// A context for the page at `url` (site-relative, e.g. `cases/x/`).
    pub fn context(&self, url: &str, title: &str) -> Context {
        let mut ctx = self.base.clone();
        ctx.insert("root", &context::root_prefix(url));
        ctx.insert("url", url);
        ctx.insert("canonical", &context::absolute(&self.site.config, url));
        ctx.insert("page_title", title);
        let description = &self.site.config.description;
        ctx.insert(
            "description",
            if description.is_empty() {
                &self.site.config.title
            } else {
                description
            },
        );
        ctx
    }

    /// A page description from its text: the first sentences, at most about 120
    /// characters, for `<meta name="description">` when the page has none of its own.
    pub fn excerpt(text: &str) -> Option<String> {
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if flat.is_empty() {
            return None;
        }
        let mut out: String = flat.chars().take(120).collect();
        if flat.chars().count() > 120 {
            out.push('…');
        }
        Some(out)
    }

    pub fn render(&self, template: &str, ctx: &Context) -> Result<String> {
        self.theme
            .tera
            .render(template, ctx)
            .map_err(|e| template_error(template, &e))
    }

    /// Renders `template` into bytes, with room for `size` reserved up front.
    pub fn render_bytes(&self, template: &str, ctx: &Context, size: usize) -> Result<Vec<u8>> {
        let mut buf = Vec::with_capacity(size);
        self.theme
            .tera
            .render_to(template, ctx, &mut buf)
            .map_err(|e| template_error(template, &e))?;
        Ok(buf)
    }

    /// Renders `template` and writes it as `<url>index.html` (or `url` if it names a file).
    /// Skipped when `out` already holds the page rendered from the same context.
    pub fn emit(&self, out: &dyn Output, template: &str, url: &str, ctx: &Context) -> Result<()> {
        let file = context::file_for(url);
        if out.fresh(&file, template, ctx) {
            return Ok(());
        }
        // Rendered straight into bytes, in a buffer each thread keeps: no page is copied
        // into a `String` (which Tera would validate as UTF-8 again) or grown from empty.
        let mut buf = RENDER_BUFFER.with(std::cell::Cell::take);
        buf.clear();
        let rendered = self
            .theme
            .tera
            .render_to(template, ctx, &mut buf)
            .map_err(|e| template_error(template, &e))
            .and_then(|()| out.write(&file, &buf));
        if buf.capacity() <= KEPT_BUFFER {
            RENDER_BUFFER.with(|b| b.set(buf));
        }
        rendered
    }
}

fn template_error(template: &str, e: &tera::Error) -> Error {
    Error::Template(format!("{template}: {}", describe_tera_error(e)))
}

thread_local! {
    /// The buffer [`Renderer::emit`] renders into, taken out while in use.
    static RENDER_BUFFER: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Buffers larger than this (a print edition) are freed rather than kept for reuse.
const KEPT_BUFFER: usize = 1 << 20;

/// Renders the whole site.
pub fn render_site(site: &Site, theme: &Theme, out: &dyn Output) -> Result<()> {
    let r = Renderer::new(site, theme);
    let timer = StageTimer::from_env();
    // A print edition's frame (contents, metadata tables) is one large template run on
    // one thread, so it runs beside the other renderers rather than before them.
    // The output does not depend on the order: every renderer writes its own files.
    let (printed, rest) = rayon::join(
        || timer.time("render print", || print::render(&r, out)),
        || {
            timer.time("render assets", || assets::render(&r, out))?;
            // The search index has long one-thread stretches (merging, laying out
            // shards): pages fill them.
            let (searched, paged) = rayon::join(
                || timer.time("render search", || search::render(&r, out)),
                || {
                    timer.time("render pages", || pages::render(&r, out))?;
                    timer.time("render taxonomies", || taxonomy::render(&r, out))
                },
            );
            searched.and(paged)?;
            timer.time("render collections", || collections::render(&r, out))?;
            timer.time("render stats", || stats::render(&r, out))?;
            timer.time("render open data", || opendata::render(&r, out))?;
            timer.time("render feeds", || feeds::render(&r, out))
        },
    );
    printed.and(rest)
}
