//! One module per subcommand, each thin over the library.

pub mod build;
pub mod check;
pub mod import;
pub mod init;
pub mod new;
pub mod pdf;
pub mod search;
pub mod serve;

use casebook::diagnostics::{Diagnostic, Severity};

/// Prints diagnostics to stderr, errors and warnings alike, then a count line.
pub fn report(diags: &[Diagnostic]) {
    for d in diags {
        eprintln!("{d}");
    }
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diags.len() - errors;
    if errors + warnings > 0 {
        eprintln!("{}", counts(errors, warnings));
    }
}

/// `1 page`, `2 pages`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

pub fn counts(errors: usize, warnings: usize) -> String {
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}
