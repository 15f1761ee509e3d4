//! `casebook init DIR`: a new site that builds at once.

use std::path::Path;

pub fn run(dir: &Path) -> anyhow::Result<i32> {
    let files = casebook::scaffold::init(dir)?;
    for f in &files {
        eprintln!("  wrote {f}");
    }
    eprintln!(
        "created a casebook site in {}\n  next: cd {} && casebook serve   (or casebook build)\n  add a case: casebook new case my-first-case --title \"案例标题\"",
        dir.display(),
        dir.display()
    );
    Ok(0)
}
