//! The build pipeline, top to bottom: load → validate → model → render → write.
//!
//! [`load_site`] runs the first three stages and is shared by `build`, `check`, `serve`
//! and `pdf`; [`build`] renders the model into a staging folder and swaps it in.

use crate::config;
use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::error::{Error, Result};
use crate::model::{self, Site};
use crate::outdir;
use crate::render::{self, Counting, Output};
use crate::theme::Theme;
use crate::timing::StageTimer;
use crate::write::Staging;
use crate::{load, validate};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Defaults to `<root>/public`.
    pub out: Option<PathBuf>,
    /// Overrides the config's `base_url`.
    pub base_url: Option<String>,
    /// Include `draft: true` cases.
    pub drafts: bool,
    /// Replace the output folder even if it holds files casebook did not write.
    pub force: bool,
}

impl BuildOptions {
    pub fn out_dir(&self) -> PathBuf {
        self.out.clone().unwrap_or_else(|| self.root.join("public"))
    }

    /// How messages name the output: as the user gave it, or as the default.
    fn out_label(&self) -> String {
        match &self.out {
            Some(out) => format!("--out {}", out.display()),
            None => format!("the output folder {}", self.out_dir().display()),
        }
    }
}

#[derive(Debug)]
pub struct BuildReport {
    pub pages: usize,
    pub files: usize,
    pub cases: usize,
    /// Warnings (a successful build has no errors).
    pub warnings: Vec<Diagnostic>,
    pub elapsed: Duration,
    /// With `--force`: what the replaced output held that casebook had not written.
    pub replaced: Option<String>,
}

/// Load, validate and model the site. On content errors, `Err(Error::Content)` holds
/// every problem found (errors and warnings), sorted by file and line.
pub fn load_site(opts: &BuildOptions) -> Result<(Site, Vec<Diagnostic>)> {
    load_site_with(opts, &|_, _| {})
}

/// [`load_site`] with an extra check run over the validated sources before the model is
/// built (used by `check` for the typo warnings a build does not need).
pub fn load_site_with(
    opts: &BuildOptions,
    extra: &dyn Fn(&validate::Validated, &Diagnostics),
) -> Result<(Site, Vec<Diagnostic>)> {
    let (mut config, config_warnings) = match config::load(&opts.root) {
        Ok(loaded) => loaded,
        // Without casebook.yaml this is not a site: there is no content to check.
        Err(errors) if !opts.root.join(config::CONFIG_FILE).is_file() => {
            return Err(Error::Content(errors))
        }
        // A broken casebook.yaml must not hide the content's problems: the content is
        // still checked (with default settings) and every problem is reported together.
        Err(errors) => (config::Config::default(), errors),
    };
    if let Some(url) = &opts.base_url {
        config.base_url = if url.ends_with('/') {
            url.clone()
        } else {
            format!("{url}/")
        };
    }
    let diags = Diagnostics::new();
    diags.extend(config_warnings);
    let timer = StageTimer::from_env();
    let sources = timer.time("  load", || load::load(&opts.root, &diags));
    let validated = timer.time("  validate", || {
        validate::validate(sources, opts.drafts, &diags)
    });
    extra(&validated, &diags);
    let site = model::build(opts.root.clone(), config, validated, &diags);
    let all = diags.into_sorted();
    if all.iter().any(|d| d.severity == Severity::Error) {
        return Err(Error::Content(all));
    }
    Ok((site, all))
}

/// Renders `site` into `out`, returning (pages, files) written.
pub fn render(site: &Site, out: &dyn Output) -> Result<(usize, usize)> {
    render_with(site, &load_theme(site)?, out)
}

/// The theme `site` is rendered with (its own `templates/` over its theme's).
pub fn load_theme(site: &Site) -> Result<Theme> {
    Theme::load(&site.root, &site.config.theme, &site.config.language)
}

/// [`render`] with a theme already loaded.
pub fn render_with(site: &Site, theme: &Theme, out: &dyn Output) -> Result<(usize, usize)> {
    let counting = Counting::new(out);
    render::render_site(site, theme, &counting)?;
    Ok((
        counting.pages.load(Ordering::Relaxed),
        counting.files.load(Ordering::Relaxed),
    ))
}

/// The whole build. The output folder is replaced only if everything succeeded.
pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    build_with(opts, &Quiet)
}

/// Watches a build go by (the command line shows it on a terminal).
pub trait Progress: Sync {
    /// A new stage begins: `"reading"`, `"rendering"`, `"writing"`.
    fn stage(&self, _name: &str) {}
    /// A file was rendered (or copied) into the output.
    fn file(&self, _path: &str) {}
}

/// Shows nothing.
pub struct Quiet;

impl Progress for Quiet {}

/// Tells a [`Progress`] about every file on its way to the real output.
struct Observed<'a> {
    inner: &'a dyn Output,
    progress: &'a dyn Progress,
}

impl Output for Observed<'_> {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        self.progress.file(path);
        self.inner.write(path, bytes)
    }

    fn fresh(&self, file: &str, template: &str, ctx: &tera::Context) -> bool {
        self.inner.fresh(file, template, ctx)
    }

    fn write_parts(&self, path: &str, fill: &mut crate::render::Fill<'_>) -> Result<()> {
        self.progress.file(path);
        self.inner.write_parts(path, fill)
    }
}

/// [`build`], reporting its progress.
pub fn build_with(opts: &BuildOptions, progress: &dyn Progress) -> Result<BuildReport> {
    let start = Instant::now();
    // Before anything is read or written: is the output casebook's to replace?
    let out = outdir::check(&opts.root, &opts.out_dir(), opts.force, &opts.out_label())?;
    // The output's lock is held from here to the end (see `write`).
    let staging = Staging::new(&out.path)?;
    progress.stage("reading");
    let timer = StageTimer::from_env();
    let (site, warnings) = timer.time("load+validate+model", || load_site(opts))?;
    progress.stage("rendering");
    let (pages, files) = render(
        &site,
        &Observed {
            inner: &staging,
            progress,
        },
    )?;
    progress.stage("writing");
    timer.time("swap in", || staging.commit())?;
    Ok(BuildReport {
        pages,
        files,
        cases: site.cases.len(),
        warnings,
        elapsed: start.elapsed(),
        replaced: out.replaces,
    })
}
