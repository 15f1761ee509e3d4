//! `casebook check`: report every problem a build would find, and the typos it would
//! not, without writing anything. Exit status 0 / 1 (errors) / 2 (warnings, `--strict`).

use super::{counts, plural};
use casebook::check::{self, CheckReport};
use casebook::BuildOptions;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One problem per paragraph, for people
    Human,
    /// One JSON document, for CI systems (see README)
    Json,
}

pub fn run(opts: &BuildOptions, format: Format, strict: bool) -> anyhow::Result<i32> {
    let report = check::check(opts);
    match format {
        Format::Json => println!("{}", report.to_json(strict)),
        Format::Human => print_human(&report, strict),
    }
    Ok(report.verdict(strict).exit_code())
}

fn print_human(report: &CheckReport, strict: bool) {
    for d in &report.diagnostics {
        println!("{d}");
    }
    let (errors, warnings) = (report.errors(), report.warnings());
    let outcome = if errors > 0 {
        "a build would fail"
    } else if warnings > 0 && strict {
        "warnings fail --strict"
    } else {
        "a build would succeed"
    };
    println!(
        "checked {}: {} (nothing written), {}, {:.2}s: {outcome}",
        plural(report.cases, "case"),
        plural(report.pages, "page"),
        counts(errors, warnings),
        report.elapsed.as_secs_f64()
    );
}
