//! `casebook build`: build the site into `public/` (or `--out`), with progress on a
//! terminal and a one-line summary at the end.

use super::{counts, plural, report};
use casebook::build::Progress;
use casebook::{BuildOptions, Error};
use std::io::IsTerminal;
use std::time::Instant;

pub fn run(opts: &BuildOptions) -> anyhow::Result<i32> {
    let start = Instant::now();
    // Ctrl-C: the previous output is untouched (the build writes into a staging folder),
    // and the staging folder goes too; a swap already under way is finished first.
    let _ = ctrlc::set_handler(|| {
        if casebook::write::remove_live_staging() {
            eprintln!("build stopped: the new site was already in place");
        } else {
            eprintln!("build stopped: nothing was changed");
        }
        std::process::exit(130);
    });
    let spinner = std::io::stderr().is_terminal().then(Spinner::new);
    let progress = SmallPagesForRendering {
        inner: match &spinner {
            Some(s) => s,
            None => &casebook::build::Quiet,
        },
    };
    let result = casebook::build::build_with(opts, &progress);
    if let Some(s) = spinner {
        s.bar.finish_and_clear();
    }
    match result {
        Ok(r) => {
            report(&r.warnings);
            if let Some(replaced) = &r.replaced {
                eprintln!("note: {replaced}");
            }
            eprintln!(
                "built {} into {}: {} written ({}), {}, {:.2}s",
                plural(r.cases, "case"),
                opts.out_dir().display(),
                plural(r.pages, "page"),
                plural(r.files, "file"),
                counts(0, r.warnings.len()),
                r.elapsed.as_secs_f64()
            );
            Ok(0)
        }
        Err(Error::Content(diags)) => {
            report(&diags);
            let errors = diags
                .iter()
                .filter(|d| d.severity == casebook::diagnostics::Severity::Error)
                .count();
            eprintln!(
                "build failed: nothing was written (0 pages), {}, {:.2}s; {} is unchanged",
                counts(errors, diags.len() - errors),
                start.elapsed().as_secs_f64(),
                opts.out_dir().display()
            );
            Ok(1)
        }
        Err(e) => Err(e.into()),
    }
}

/// Turns transparent huge pages off for this process once rendering begins (Linux): the
/// model, built before and read at random by every renderer, keeps its 2 MiB pages, and
/// the renderers' short-lived buffers do not pay a 2 MiB zeroing per fault. About 6%
/// faster at 10,000 and 100,000 cases (bench/README.md, sixth round, item 1). A choice
/// for this process, so the binary makes it, not the library.
struct SmallPagesForRendering<'a> {
    inner: &'a dyn Progress,
}

impl Progress for SmallPagesForRendering<'_> {
    fn stage(&self, name: &str) {
        #[cfg(target_os = "linux")]
        if name == "rendering" {
            // If it fails, only the speed changes.
            let _ = nix::sys::prctl::set_thp_disable(true);
        }
        self.inner.stage(name);
    }

    fn file(&self, path: &str) {
        self.inner.file(path);
    }
}

/// A spinner with the stage and a running count of files, for terminals only.
struct Spinner {
    bar: indicatif::ProgressBar,
}

impl Spinner {
    fn new() -> Spinner {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Spinner { bar }
    }
}

impl Progress for Spinner {
    fn stage(&self, name: &str) {
        let template = match name {
            "reading" => "{spinner} reading and checking the content [{elapsed}]",
            "rendering" => "{spinner} rendering: {pos} files [{elapsed}]",
            _ => "{spinner} putting the new site in place: {pos} files [{elapsed}]",
        };
        if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
            self.bar.set_style(style);
        }
    }

    fn file(&self, _path: &str) {
        self.bar.inc(1);
    }
}
