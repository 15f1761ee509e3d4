//! `casebook pdf`: print the print edition (or one collection's) to PDF.

use super::{counts, report};
use casebook::pdf::{PdfOptions, TocNumbers};
use casebook::Error;

pub fn run(opts: &PdfOptions) -> anyhow::Result<i32> {
    // Timed here, so the figure includes removing the work folder.
    let start = std::time::Instant::now();
    match casebook::pdf::print(opts) {
        Ok(r) => {
            report(&r.warnings);
            let numbers = match r.toc_numbers {
                TocNumbers::Checked => "contents with page numbers",
                TocNumbers::Unconfirmed => {
                    "contents with page numbers (a case moved in the last pass: check them)"
                }
                TocNumbers::Missing => "contents without page numbers",
            };
            eprintln!(
                "printed {} cases: {} pages, {numbers}, to {} with {} ({} passes, {}) in {:.1}s",
                r.cases,
                r.pages,
                r.out.display(),
                r.browser.display(),
                r.passes,
                counts(0, r.warnings.len()),
                start.elapsed().as_secs_f64()
            );
            Ok(0)
        }
        Err(Error::Content(diags)) => {
            report(&diags);
            eprintln!("no PDF was written: fix the problems above first");
            Ok(1)
        }
        Err(e) => Err(e.into()),
    }
}
