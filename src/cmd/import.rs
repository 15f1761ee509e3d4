//! `casebook import SOURCE...`: Word, text and web articles → case drafts, with a
//! report per source. Exit status 1 when a source could not be read (the rest imported).

use super::plural;
use casebook::import::{self, ImportOptions, ImportReport};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A few lines per source, for people
    Human,
    /// One JSON document, for scripts
    Json,
}

pub fn run(opts: &ImportOptions, format: Format) -> anyhow::Result<i32> {
    if !opts.root.join("casebook.yaml").is_file() {
        anyhow::bail!(
            "{} is not a casebook site (it has no casebook.yaml)\n  hint: run the command in the site's folder, or give it with --root DIR",
            opts.root.display()
        );
    }
    if let Some(sub) = &opts.into {
        let p = std::path::Path::new(sub);
        let plain = p
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        if !plain || p.starts_with("content") {
            anyhow::bail!(
                "--into {sub}: give only the folder's name inside content/cases/, like --into 2024\n  hint: the drafts go to content/cases/<SUBFOLDER>/; leave out content/cases/, `..` and a leading /"
            );
        }
    }
    let report = import::import(opts);
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        Format::Human => print_human(&report, opts.dry_run),
    }
    Ok(if report.failed() > 0 { 1 } else { 0 })
}

fn print_human(report: &ImportReport, dry_run: bool) {
    let verb = if dry_run { "would write" } else { "wrote" };
    for s in &report.sources {
        if let Some(e) = &s.error {
            println!("error: {}: {}\n  hint: {}", e.file, e.message, e.hint);
            continue;
        }
        let enc = s
            .encoding
            .as_deref()
            .map(|e| format!(" (read as {e})"))
            .unwrap_or_default();
        println!(
            "{}{enc}: {verb} {}",
            s.file,
            plural(s.drafts.len(), "draft")
        );
        for d in &s.drafts {
            println!("  {}  {}", d.path, d.title);
            let mut found = Vec::new();
            if let Some(a) = &d.author {
                found.push(format!("author {a}"));
            }
            found.push(format!("date {}", d.date));
            if !d.region.is_empty() {
                found.push(format!("region {}", d.region.join("/")));
            }
            if let Some(o) = &d.organization {
                found.push(format!("organization {o}"));
            }
            if let Some(b) = &d.brand {
                found.push(format!("brand {b}"));
            }
            found.push(format!("{} counts, {} amounts", d.beneficiaries, d.funding));
            if d.images > 0 {
                found.push(plural(d.images, "image"));
            }
            println!("    found: {}", found.join("; "));
            for c in &d.check {
                println!("    check: {c}");
            }
        }
        for n in &s.notes {
            println!("  note: {n}");
        }
    }
    let failed = report.failed();
    println!(
        "{verb} {} from {}{}; they are drafts (draft: true): preview them with `casebook serve --drafts`",
        plural(report.drafts(), "draft"),
        plural(report.sources.len(), "source"),
        if failed > 0 { format!(", {} could not be read", plural(failed, "source")) } else { String::new() }
    );
}
