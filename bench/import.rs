//! Criterion benchmark of `casebook import`: 100 documents (the five seed documents,
//! tests/fixtures/import/seeds, twenty times each: 240 articles with `--split`) read,
//! split, their fields found and their drafts written into an empty site.
//!
//! ```text
//! cargo bench --bench import
//! ```

use casebook::import::{import, ImportOptions};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// 100 .txt documents in a temporary folder.
fn documents(dir: &Path) -> Vec<PathBuf> {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/seeds");
    let mut texts: Vec<(String, String)> = std::fs::read_dir(&seeds)
        .expect("seeds folder")
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "txt"))
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(e.path()).expect("seed"))
        })
        .collect();
    texts.sort();
    (0..100)
        .map(|i| {
            let (name, text) = &texts[i % texts.len()];
            let p = dir.join(format!("{i:03}-{name}"));
            std::fs::write(&p, text).expect("write document");
            p
        })
        .collect()
}

fn bench_import(c: &mut Criterion) {
    let input = tempfile::tempdir().expect("temp dir");
    let docs = documents(input.path());
    let mut g = c.benchmark_group("import");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("100 documents, --split", |b| {
        b.iter_batched(
            || tempfile::tempdir().expect("site dir"),
            |site| {
                let report = import(&ImportOptions {
                    root: site.path().to_path_buf(),
                    sources: docs.clone(),
                    into: None,
                    split: true,
                    dry_run: false,
                    today: chrono::NaiveDate::from_ymd_opt(2025, 1, 1).expect("date"),
                });
                assert_eq!(report.drafts(), 240);
                site
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, bench_import);
criterion_main!(benches);
