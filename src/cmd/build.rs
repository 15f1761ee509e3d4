//! `casebook build`: build the site into `public/` (or `--out`).

use super::{counts, report};
use casebook::{BuildOptions, Error};

pub fn run(opts: &BuildOptions) -> anyhow::Result<i32> {
    match casebook::build(opts) {
        Ok(r) => {
            report(&r.warnings);
            eprintln!(
                "built {} cases: {} pages, {} files in {} ({}) in {:.2}s",
                r.cases,
                r.pages,
                r.files,
                opts.out_dir().display(),
                counts(0, r.warnings.len()),
                r.elapsed.as_secs_f64()
            );
            Ok(0)
        }
        Err(Error::Content(diags)) => {
            report(&diags);
            eprintln!(
                "build failed: nothing was written; {} is unchanged",
                opts.out_dir().display()
            );
            Ok(1)
        }
        Err(e) => Err(e.into()),
    }
}
