//! `casebook serve`: preview the site with live reload; prints what happens.

use super::{counts, plural};
use casebook::diagnostics::{Diagnostic, Severity};
use casebook::serve::{self, Event, ServeOptions};
use std::sync::Mutex;

/// Problems printed per rebuild; `check` lists them all.
const SHOWN: usize = 30;

pub fn run(opts: &ServeOptions, open: bool) -> anyhow::Result<i32> {
    // Warnings are printed when they change, not on every rebuild.
    let last_warnings: Mutex<Option<Vec<Diagnostic>>> = Mutex::new(None);
    let stop = serve::Stop::new();
    {
        // Ctrl-C, SIGTERM, SIGHUP: stop cleanly (the temporary folder goes); a second
        // one does not wait for the build in progress.
        let stop = stop.clone();
        let _ = ctrlc::set_handler(move || {
            if !stop.request() {
                stop.abandon();
                std::process::exit(130);
            }
        });
    }
    serve::serve(opts, &stop, &|event| match event {
        Event::Listening { url, dir } => {
            eprintln!("serving {url}  (built in {}; Ctrl-C stops)", dir.display());
            if opts.bind.is_unspecified() || !opts.bind.is_loopback() {
                eprintln!(
                    "  note: --bind {} lets other computers on the network see this preview",
                    opts.bind
                );
            }
            if open {
                open_browser(url);
            }
        }
        Event::Built(s, first) => {
            let mut last = last_warnings.lock().unwrap_or_else(|e| e.into_inner());
            if last.as_ref() != Some(&s.warnings) {
                for w in s.warnings.iter().take(SHOWN) {
                    eprintln!("{w}");
                }
                if s.warnings.len() > SHOWN {
                    eprintln!(
                        "… and {} more warnings (`casebook check` lists them all)",
                        s.warnings.len() - SHOWN
                    );
                }
                *last = Some(s.warnings.clone());
            }
            eprintln!(
                "{} {}: {} written ({} rendered, {} unchanged{}), {}, {:.2}s",
                if first { "built" } else { "rebuilt" },
                plural(s.cases, "case"),
                plural(s.pages_written, "page"),
                s.rendered,
                s.reused,
                if s.removed > 0 {
                    format!(", {} removed", plural(s.removed, "file"))
                } else {
                    String::new()
                },
                counts(0, s.warnings.len()),
                s.elapsed.as_secs_f64()
            );
            if std::env::var_os("CASEBOOK_TIMINGS").is_some() {
                eprintln!(
                    "  read+model {:.2}s, render+write {:.2}s",
                    s.model.as_secs_f64(),
                    (s.elapsed - s.model).as_secs_f64()
                );
            }
        }
        Event::Failed(diags, elapsed, first) => {
            // Errors first: they are what keeps the preview from updating.
            let mut ordered: Vec<&Diagnostic> = diags.iter().collect();
            ordered.sort_by_key(|d| d.severity != Severity::Error);
            for d in ordered.into_iter().take(SHOWN) {
                eprintln!("{d}");
            }
            if diags.len() > SHOWN {
                eprintln!(
                    "… and {} more (`casebook check` lists them all)",
                    diags.len() - SHOWN
                );
            }
            let errors = diags
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            eprintln!(
                "{} failed: nothing was written (0 pages), {}, {:.2}s; {}",
                if first { "build" } else { "rebuild" },
                counts(errors, diags.len() - errors),
                elapsed.as_secs_f64(),
                if first {
                    "the preview shows these errors until they are fixed"
                } else {
                    "still serving the last good build (the errors show in the browser too)"
                }
            );
            *last_warnings.lock().unwrap_or_else(|e| e.into_inner()) = None;
        }
        Event::Previewed { pages, elapsed } => {
            if !pages.is_empty() {
                eprintln!(
                    "previewed {} in {:.0} ms (rebuilding the rest)",
                    pages.join(", "),
                    elapsed.as_secs_f64() * 1000.0
                );
            }
        }
        Event::Stopped => eprintln!("stopped"),
    })?;
    Ok(0)
}

/// Opens `url` in the default browser, if this computer has a way to.
fn open_browser(url: &str) {
    let program = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(program)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .is_err()
    {
        eprintln!("  could not open a browser ({program} failed); open {url} yourself");
    }
}
