//! Render: turns the read-only [`Site`] into files. Each submodule renders one kind of
//! output (case pages, taxonomy pages, assets …) and emits files through an [`Output`];
//! none of them changes the site.

pub mod assets;
pub mod charts;
pub mod collections;
pub mod context;
pub mod feeds;
pub mod opendata;
pub mod pages;
pub mod photos;
pub mod print;
pub mod relocate;
pub mod search;
pub mod splice;
pub mod stats;
pub mod taxonomy;

use crate::error::{Error, Result};
use crate::i18n::Strings;
use crate::model::Site;
use crate::theme::{describe_tera_error, Theme};
use std::sync::atomic::{AtomicUsize, Ordering};
use tera::Context;

/// Where rendered files go: a staging folder on disk, or nowhere (for `check`).
pub trait Output: Sync {
    /// `path` is relative to the site root, `/`-separated.
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()>;

    /// True when this destination already holds `file` as rendered from `template` with
    /// exactly `ctx`, so rendering it again can be skipped. Only `serve`'s output, which
    /// keeps the previous build, ever says yes. An `Output` that wraps another must
    /// forward this (and count a fresh page as written), or `serve` re-renders everything.
    fn fresh(&self, _file: &str, _template: &str, _ctx: &Context) -> bool {
        false
    }

    /// Writes `path` from parts that `fill` hands to its sink in order, so a large file
    /// (a print edition) need not be held whole. The default collects the parts and calls
    /// [`Output::write`]; destinations on disk stream them, and an `Output` that wraps
    /// another forwards this.
    fn write_parts(&self, path: &str, fill: &mut Fill<'_>) -> Result<()> {
        let mut all = Vec::new();
        fill(&mut |part| {
            all.extend_from_slice(part);
            Ok(())
        })?;
        self.write(path, &all)
    }
}

/// Produces a file in parts, handing each to the sink it is given.
pub type Fill<'a> = dyn FnMut(&mut dyn FnMut(&[u8]) -> Result<()>) -> Result<()> + 'a;

/// An [`std::io::Write`] over a [`Fill`]'s sink: what it is given goes on in parts of
/// [`PartWriter::PART`] bytes (a serialiser's many small writes are not each a call
/// through the sink). The sink's own error is kept and returned by
/// [`PartWriter::finish`], ahead of the I/O error the writer's user saw instead.
pub struct PartWriter<'a> {
    put: &'a mut dyn FnMut(&[u8]) -> Result<()>,
    held: Vec<u8>,
    failed: Option<crate::error::Error>,
}

impl<'a> PartWriter<'a> {
    const PART: usize = 1 << 16;

    pub fn new(put: &'a mut dyn FnMut(&[u8]) -> Result<()>) -> Self {
        PartWriter {
            put,
            held: Vec::with_capacity(Self::PART),
            failed: None,
        }
    }

    /// The error to give the writer's user once the sink has failed.
    fn check(&self) -> std::io::Result<()> {
        match &self.failed {
            Some(e) => Err(std::io::Error::other(e.to_string())),
            None => Ok(()),
        }
    }

    fn pass_on(&mut self) -> std::io::Result<()> {
        if self.failed.is_none() && !self.held.is_empty() {
            self.failed = (self.put)(&self.held).err();
            self.held.clear();
        }
        self.check()
    }

    /// Passes on what is held and returns the first error: the sink's, else `written`'s.
    pub fn finish(mut self, written: Result<()>) -> Result<()> {
        let _ = self.pass_on();
        match self.failed.take() {
            Some(e) => Err(e),
            None => written,
        }
    }
}

impl std::io::Write for PartWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.check()?;
        self.held.extend_from_slice(buf);
        if self.held.len() >= Self::PART {
            self.pass_on()?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.pass_on()
    }
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
    // For profiling one stage's time and memory (`bench/README.md`): renders only that
    // stage, so the output is incomplete. Never set by casebook itself.
    if let Ok(only) = std::env::var("CASEBOOK_ONLY") {
        return match only.as_str() {
            "search" => search::render(&r, out),
            "print" => print::render(&r, out),
            "pages" => pages::render(&r, out).and(taxonomy::render(&r, out)),
            _ => Ok(()),
        };
    }
    // Print editions repeat the cases and are `noindex`: written past the sitemap's
    // recorder. A print edition's frame (contents, metadata tables) is one large template
    // run on one thread, so it runs beside the other renderers rather than before them.
    // The output does not depend on the order: every renderer writes its own files.
    let (printed, rest) = rayon::join(
        || timer.time("render print", || print::render(&r, out)),
        || {
            let recorder = feeds::Recorder::new(out);
            let out = &recorder;
            timer.time("render assets", || assets::render(&r, out))?;
            timer.time("render photos", || photos::render(&r, out))?;
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
            // Last: the sitemap lists every page written before it.
            timer.time("render feeds", || feeds::render(&r, out, &recorder.pages()))
        },
    );
    printed.and(rest)
}

/// Prints how long each stage took when `CASEBOOK_TIMINGS` is set (for profiling a large
/// site; the numbers go to stderr and never into the output).
pub(crate) struct StageTimer {
    on: bool,
}

impl StageTimer {
    pub(crate) fn from_env() -> Self {
        StageTimer {
            on: std::env::var_os("CASEBOOK_TIMINGS").is_some(),
        }
    }

    pub(crate) fn time<T>(&self, stage: &str, f: impl FnOnce() -> T) -> T {
        if !self.on {
            return f();
        }
        let start = std::time::Instant::now();
        let out = f();
        self.report(stage, start);
        out
    }

    /// Prints the time since `start` for `stage` (when on).
    pub(crate) fn report(&self, stage: &str, start: std::time::Instant) {
        if self.on {
            eprintln!(
                "  {stage}: {:.2}s{}",
                start.elapsed().as_secs_f64(),
                memory_note()
            );
        }
    }
}

/// ", resident 1.2 GiB, peak 2.0 GiB" where the system says (Linux), else nothing.
pub(crate) fn memory_note() -> String {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return String::new();
    };
    let kib = |key: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|n| n.parse::<f64>().ok())
    };
    match (kib("VmRSS:"), kib("VmHWM:")) {
        (Some(now), Some(peak)) => format!(
            ", resident {:.2} GiB, peak {:.2} GiB",
            now / 1048576.0,
            peak / 1048576.0
        ),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::PartWriter;
    use crate::error::Error;
    use std::io::Write;

    #[test]
    fn part_writer_passes_everything_on_in_order_and_in_large_parts() {
        let mut parts: Vec<Vec<u8>> = Vec::new();
        let mut put = |b: &[u8]| {
            parts.push(b.to_vec());
            Ok(())
        };
        let mut w = PartWriter::new(&mut put);
        let mut expected = Vec::new();
        for i in 0..20_000u32 {
            let piece = format!("{i}，");
            w.write_all(piece.as_bytes()).unwrap();
            expected.extend_from_slice(piece.as_bytes());
        }
        w.finish(Ok(())).unwrap();
        assert_eq!(parts.concat(), expected);
        assert!(parts.len() > 1, "{} parts", parts.len());
        assert!(parts[..parts.len() - 1]
            .iter()
            .all(|p| p.len() >= PartWriter::PART));
    }

    #[test]
    fn part_writer_returns_the_sinks_own_error() {
        let mut calls = 0;
        let mut put = |_: &[u8]| {
            calls += 1;
            Err(Error::Write {
                path: "public/data/cases.json".into(),
                source: std::io::Error::other("no space left on device"),
            })
        };
        let mut w = PartWriter::new(&mut put);
        let big = vec![b'x'; PartWriter::PART + 1];
        assert!(w.write_all(&big).is_err());
        assert!(w.write_all(b"more").is_err());
        let e = w.finish(Err(Error::Other("serialiser gave up".into())));
        match e {
            Err(Error::Write { path, .. }) => assert!(path.ends_with("cases.json")),
            other => panic!("expected the sink's write error, got {other:?}"),
        }
        assert_eq!(calls, 1, "nothing is passed on after the sink failed");
    }
}
