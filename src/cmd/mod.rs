//! One module per subcommand, each thin over the library.

pub mod build;
pub mod pdf;

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

pub fn counts(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, w: &str| {
        if n == 1 {
            format!("1 {w}")
        } else {
            format!("{n} {w}s")
        }
    };
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}
