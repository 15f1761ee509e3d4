//! `casebook check`: every validation of a build, without writing anything.
//!
//! Runs the whole pipeline ([`load_site_with`](crate::build::load_site_with) plus a
//! render into [`Discard`](crate::write::Discard), so template problems show too) and adds
//! the checks a build does not need: taxonomy values that are probably typos
//! (`validate::typos`). Problems that stop a build outright (a
//! template that does not parse, an unreadable file) become diagnostics as well, so one
//! report holds everything. The JSON form ([`CheckReport::to_json`]) is stable: fields
//! are only ever added.

use crate::build::{load_site_with, render, BuildOptions};
use crate::diagnostics::{Diagnostic, Severity};
use crate::error::Error;
use crate::validate::typos;
use crate::write::Discard;
use serde::Serialize;
use std::time::{Duration, Instant};

/// Version of the JSON report; raised only if a field changes meaning or disappears.
pub const JSON_VERSION: u32 = 1;

#[derive(Debug, Serialize)]
pub struct CheckReport {
    /// Cases that would be published (0 when the content has errors).
    pub cases: usize,
    /// Pages that would be written (0 when the content has errors).
    pub pages: usize,
    /// Errors and warnings, sorted by file and line.
    pub diagnostics: Vec<Diagnostic>,
    #[serde(skip)]
    pub elapsed: Duration,
}

/// The outcome a CI system acts on: the process exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Exit 0: no errors (and, with `--strict`, no warnings).
    Clean,
    /// Exit 1: at least one error; a build would fail.
    Errors,
    /// Exit 2: warnings only, and `--strict` was given.
    Warnings,
}

impl Verdict {
    pub fn exit_code(self) -> i32 {
        match self {
            Verdict::Clean => 0,
            Verdict::Errors => 1,
            Verdict::Warnings => 2,
        }
    }
}

impl CheckReport {
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }

    pub fn verdict(&self, strict: bool) -> Verdict {
        if self.errors() > 0 {
            Verdict::Errors
        } else if strict && self.warnings() > 0 {
            Verdict::Warnings
        } else {
            Verdict::Clean
        }
    }

    /// The documented JSON report (see README, "casebook check").
    pub fn to_json(&self, strict: bool) -> String {
        #[derive(Serialize)]
        struct Json<'a> {
            version: u32,
            ok: bool,
            exit_code: i32,
            errors: usize,
            warnings: usize,
            cases: usize,
            pages: usize,
            diagnostics: &'a [Diagnostic],
        }
        let verdict = self.verdict(strict);
        let json = Json {
            version: JSON_VERSION,
            ok: verdict == Verdict::Clean,
            exit_code: verdict.exit_code(),
            errors: self.errors(),
            warnings: self.warnings(),
            cases: self.cases,
            pages: self.pages,
            diagnostics: &self.diagnostics,
        };
        serde_json::to_string_pretty(&json).unwrap_or_else(|e| {
            format!("{{\"version\":{JSON_VERSION},\"ok\":false,\"error\":\"{e}\"}}")
        })
    }
}

/// Checks the site described by `opts` (its `out` is ignored: nothing is written).
pub fn check(opts: &BuildOptions) -> CheckReport {
    let start = Instant::now();
    let mut report = CheckReport {
        cases: 0,
        pages: 0,
        diagnostics: Vec::new(),
        elapsed: Duration::ZERO,
    };
    match load_site_with(opts, &|v, diags| typos::check(&v.cases, diags)) {
        Ok((site, diags)) => {
            report.diagnostics = diags;
            report.cases = site.cases.len();
            match render(&site, &Discard) {
                Ok((pages, _)) => report.pages = pages,
                Err(Error::Content(ds)) => report.diagnostics.extend(ds),
                Err(e) => report.diagnostics.push(diagnostic_of(e)),
            }
        }
        Err(Error::Content(diags)) => report.diagnostics = diags,
        Err(e) => report.diagnostics.push(diagnostic_of(e)),
    }
    report.elapsed = start.elapsed();
    report
}

/// A problem that stops a build, as a diagnostic (with the file it names, if any).
pub fn diagnostic_of(e: Error) -> Diagnostic {
    match e {
        Error::Template(msg) => {
            let file = msg
                .split_once(": ")
                .map(|(name, _)| name)
                .filter(|name| name.ends_with(".html") || name.ends_with(".xml"))
                .map(|name| format!("templates/{name}"))
                .unwrap_or_else(|| "templates".into());
            Diagnostic::error(file, format!("template problem: {msg}"))
                .hint("fix the template named here (in templates/ or the theme), or remove your copy to use the theme's")
        }
        Error::Read { path, source } => Diagnostic::error(
            path.display().to_string(),
            format!("cannot be read: {source}"),
        ),
        Error::Write { path, source } => Diagnostic::error(
            path.display().to_string(),
            format!("cannot be written: {source}"),
        ),
        Error::Content(mut ds) => ds
            .pop()
            .unwrap_or_else(|| Diagnostic::error("", "content problem")),
        Error::Cancelled => Diagnostic::error("", Error::Cancelled.to_string()),
        Error::Other(msg) | Error::Refused(msg) => Diagnostic::error("", msg),
    }
}
