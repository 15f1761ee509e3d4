//! `casebook pdf`: the print edition as a PDF, printed by headless Chromium.
//!
//! The site is built into a fresh work folder, `<root>/.casebook-pdf/run-PID` (never into
//! `public/`, which stays as the last `casebook build` left it; inside the root rather
//! than the system temp folder because sandboxed browsers, such as Ubuntu's snap
//! Chromium, cannot read another program's `/tmp`). A killed run's folder is removed by
//! the next run, which finds its lock free. Then Chromium prints the book's
//! `print/index.html`. Chromium does not implement CSS `target-counter()`, so the table
//! of contents gets its page numbers in a second pass: [`reader`] reads from the first
//! PDF on which page each case begins, [`crate::render::print::fill_page_numbers`]
//! writes them in, and Chromium prints again. A third pass runs only if the numbers moved
//! anything (they should not: their slots have a fixed width). The work folder is removed
//! at the end, and the PDF is copied to its destination only when everything succeeded.

pub(crate) mod chromium;
pub(crate) mod reader;

use crate::build::{self, BuildOptions};
use crate::diagnostics::Diagnostic;
use crate::error::{Error, Result};
use crate::lock::WorkDir;
use crate::render::{context::file_for, print};
use crate::write::Direct;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct PdfOptions {
    /// The site's folder.
    pub root: PathBuf,
    /// Print this collection instead of the whole compendium.
    pub collection: Option<String>,
    /// Defaults to `<root>/casebook.pdf` or `<root>/<collection>.pdf`.
    pub out: Option<PathBuf>,
    /// The browser; otherwise `$CASEBOOK_CHROMIUM` or the first one found on `PATH`.
    pub chromium: Option<PathBuf>,
    /// How long one print may take.
    pub timeout: Duration,
}

impl PdfOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        PdfOptions {
            root: root.into(),
            collection: None,
            out: None,
            chromium: None,
            timeout: Duration::from_secs(300),
        }
    }

    pub fn out_file(&self) -> PathBuf {
        self.out.clone().unwrap_or_else(|| {
            let name = self.collection.as_deref().unwrap_or("casebook");
            self.root.join(format!("{name}.pdf"))
        })
    }
}

/// Whether the table of contents carries page numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TocNumbers {
    /// Filled in, and a later pass confirmed they are right.
    Checked,
    /// Filled in, but the last pass still moved a case (rare; said in the summary).
    Unconfirmed,
    /// The PDF could not be read back, or the template has no page-number slots.
    Missing,
}

#[derive(Debug)]
pub struct PdfReport {
    pub out: PathBuf,
    pub browser: PathBuf,
    /// Pages in the PDF (0 if it could not be read back).
    pub pages: usize,
    pub cases: usize,
    pub toc_numbers: TocNumbers,
    /// How many times the browser printed.
    pub passes: usize,
    pub warnings: Vec<Diagnostic>,
    pub elapsed: Duration,
}

/// Builds the site into a work folder and prints the chosen book to `opts.out_file()`.
/// Content errors come back as `Err(Error::Content)`, like `build`.
pub fn print(opts: &PdfOptions) -> Result<PdfReport> {
    let start = Instant::now();
    check_out_file(&opts.root, &opts.out_file())?;
    let browser = chromium::find(opts.chromium.as_deref())?;
    let (site, warnings) = build::load_site(&BuildOptions {
        root: opts.root.clone(),
        ..BuildOptions::default()
    })?;
    let (book_url, cases) = match &opts.collection {
        None => (print::COMPENDIUM_URL.to_string(), site.cases.len()),
        Some(slug) => {
            let c = site
                .collections
                .iter()
                .find(|c| &c.meta.slug == slug)
                .ok_or_else(|| unknown_collection(&site, slug))?;
            (c.print_url(), c.cases.len())
        }
    };
    let work = work_dir(&opts.root)?;
    let site_dir = work.path.join("site");
    build::render(&site, &Direct(site_dir.clone()))?;
    let html_path = site_dir.join(file_for(&book_url));
    let html = std::fs::read_to_string(&html_path).map_err(|source| Error::Read {
        path: html_path.clone(),
        source,
    })?;
    let slots = print::page_slots(&html);
    let mut passes = 0;
    let mut print_pass = |n: usize| -> Result<(PathBuf, Option<reader::PdfInfo>)> {
        let pdf = work.path.join(format!("pass-{n}.pdf"));
        let profile = work.path.join(format!("profile-{n}"));
        chromium::print_to_pdf(&browser, &html_path, &pdf, &profile, opts.timeout)?;
        passes += 1;
        let info = std::fs::read(&pdf).ok().and_then(|b| reader::read(&b));
        Ok((pdf, info))
    };
    let (mut pdf, mut info) = print_pass(1)?;
    let mut toc_numbers = TocNumbers::Missing;
    if !slots.is_empty() {
        for n in 2..=3 {
            let Some(pages) = info.as_ref().map(|i| pages_of(&slots, i)) else {
                break;
            };
            if pages.is_empty() {
                break;
            }
            let filled = print::fill_page_numbers(&html, &pages);
            std::fs::write(&html_path, filled).map_err(|source| Error::Write {
                path: html_path.clone(),
                source,
            })?;
            (pdf, info) = print_pass(n)?;
            let now = info.as_ref().map(|i| pages_of(&slots, i));
            if now.as_ref() == Some(&pages) {
                toc_numbers = TocNumbers::Checked;
                break;
            }
            toc_numbers = TocNumbers::Unconfirmed;
        }
    }
    let out = opts.out_file();
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|source| Error::Write {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    std::fs::copy(&pdf, &out).map_err(|source| Error::Write {
        path: out.clone(),
        source,
    })?;
    Ok(PdfReport {
        out,
        browser,
        pages: info.map_or(0, |i| i.pages),
        cases,
        toc_numbers,
        passes,
        warnings,
        elapsed: start.elapsed(),
    })
}

/// Anchor → page for the table of contents' slots that the PDF knows.
fn pages_of(slots: &[String], info: &reader::PdfInfo) -> HashMap<String, usize> {
    slots
        .iter()
        .filter_map(|s| info.dests.get(s).map(|&p| (s.clone(), p)))
        .collect()
}

fn unknown_collection(site: &crate::model::Site, slug: &str) -> Error {
    let slugs: Vec<&str> = site
        .collections
        .iter()
        .map(|c| c.meta.slug.as_str())
        .collect();
    let mut msg = format!("there is no collection \"{slug}\" in content/collections/");
    if let Some(near) = crate::validate::suggest::closest(slug, slugs.iter().copied()) {
        msg.push_str(&format!("; did you mean \"{near}\"?"));
    } else if slugs.is_empty() {
        msg.push_str("; the site has no collections (leave out --collection to print every case)");
    } else {
        msg.push_str(&format!("; the collections are: {}", slugs.join(", ")));
    }
    Error::Other(msg)
}

/// The PDF may replace only a PDF, and never lands in the site's sources (`outdir`'s
/// place rules): `--out casebook.yaml` or `--out content/cases/a.md` would lose the file.
fn check_out_file(root: &Path, out: &Path) -> Result<()> {
    let label = format!("--out {}", out.display());
    let path = crate::outdir::check_place(root, out, &label)?;
    let Ok(meta) = std::fs::symlink_metadata(&path) else {
        return Ok(());
    };
    let is_pdf = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
    if meta.is_file() && is_pdf {
        return Ok(());
    }
    let what = if meta.is_dir() {
        "a folder"
    } else {
        "a file that is not a PDF"
    };
    Err(Error::Refused(format!(
        "{label} is {what}: casebook pdf would replace it. Name a new file or an earlier PDF, such as {}",
        crate::outdir::real_path(root)?.join("casebook.pdf").display()
    )))
}

/// The working folder of this run: `<root>/.casebook-pdf/run-PID`, or in the system's
/// temporary folder if the site's folder cannot be written. It holds a lock while the run
/// lasts, so the next run removes it if this one is killed ([`crate::lock::WorkDir`]).
fn work_dir(root: &Path) -> Result<WorkDir> {
    remove_old_leftovers(root);
    let candidates = [
        root.join(".casebook-pdf"),
        std::env::temp_dir().join("casebook-pdf"),
    ];
    let mut last = None;
    for parent in candidates {
        let label = format!("the working folder {}", parent.display());
        // Absolute, for the browser's file:// address.
        let parent = crate::outdir::check_place(root, &parent, &label)?;
        match WorkDir::create(&parent, "run") {
            Ok(work) => return Ok(work),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| Error::Other("no working folder".into())))
}

/// Removes `<root>/.casebook-pdf-PID` folders more than a day old: the working folders of
/// casebook versions that kept no lock, which a killed run left (a run takes minutes).
fn remove_old_leftovers(root: &Path) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    let day = Duration::from_secs(24 * 60 * 60);
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let old_style = name
            .strip_prefix(".casebook-pdf-")
            .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()));
        let age = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok());
        if old_style && age.is_some_and(|a| a > day) {
            let _ = crate::write::remove_tree(&entry.path());
        }
    }
}
