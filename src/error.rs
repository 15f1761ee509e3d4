//! The library's error type: what stops a command, as opposed to a content
//! [`Diagnostic`](crate::diagnostics::Diagnostic), which is collected and reported.

use crate::diagnostics::Diagnostic;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", summarize(.0))]
    Content(Vec<Diagnostic>),
    #[error("template problem: {0}")]
    Template(String),
    /// The work was stopped (Ctrl-C, or `serve` starting a newer build): nothing landed.
    #[error("stopped before it finished; nothing was changed")]
    Cancelled,
    #[error("{0}")]
    Other(String),
    /// Refused before anything was touched: the output (or a working folder) is one a
    /// build must not replace (see `outdir`). Exit status 2.
    #[error("{0}")]
    Refused(String),
}

fn summarize(ds: &[Diagnostic]) -> String {
    let errors = ds
        .iter()
        .filter(|d| d.severity == crate::diagnostics::Severity::Error)
        .count();
    match errors {
        1 => "the site has 1 error; nothing was written".to_string(),
        n => format!("the site has {n} errors; nothing was written"),
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
