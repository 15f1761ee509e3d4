//! Criterion micro-benchmarks for the build's hot paths, on cases from the benchmark
//! corpus generator (`bench/gen_corpus.rs`, included as a module so the inputs are the
//! same realistic Chinese cases `bench/compare.sh` builds).
//!
//! ```text
//! cargo bench --bench hot_paths                  # all
//! cargo bench --bench hot_paths -- markdown      # one group
//! ```
//!

#[path = "gen_corpus.rs"]
#[allow(dead_code)]
mod gen_corpus;

use casebook::load::frontmatter;
use casebook::markdown::{self, LinkResolver, RenderOptions};
use casebook::model::{related, taxonomy, Facts, Site};
use casebook::render::{self, Output, Renderer};
use casebook::theme::Theme;
use casebook::validate::{case::read_case, fields::Fields};
use casebook::BuildOptions;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use std::time::Duration;

const SEED: u64 = 1;

/// A sample of generated case files (front matter + body).
fn sample_files(count: usize) -> Vec<String> {
    (0..count)
        .map(|i| gen_corpus::case_file(SEED, i, 10_000))
        .collect()
}

/// Resolves no links: generated bodies have none.
struct NoLinks;
impl LinkResolver for NoLinks {
    fn resolve(&self, _dest: &str) -> Result<Option<String>, String> {
        Ok(None)
    }
}

/// Discards rendered files: measures rendering, not the disk.
struct Discard;
impl Output for Discard {
    fn write(&self, path: &str, bytes: &[u8]) -> casebook::Result<()> {
        black_box((path, bytes));
        Ok(())
    }

    fn fresh(&self, _file: &str, _template: &str, _ctx: &tera::Context) -> bool {
        false
    }

    fn write_parts(
        &self,
        _path: &str,
        fill: &mut casebook::render::Fill<'_>,
    ) -> casebook::Result<()> {
        fill(&mut |part| {
            black_box(part);
            Ok(())
        })
    }
}

/// A whole generated site of `n` cases, loaded and modelled (Markdown rendered,
/// taxonomies and related cases computed).
fn site(n: usize) -> (tempfile::TempDir, Site) {
    let dir = tempfile::tempdir().expect("temp dir");
    gen_corpus::generate(n, dir.path(), SEED, &[gen_corpus::Format::Casebook])
        .expect("generate corpus");
    let opts = BuildOptions {
        root: dir.path().to_path_buf(),
        ..Default::default()
    };
    let (site, _warnings) = match casebook::load_site(&opts) {
        Ok(s) => s,
        Err(e) => panic!("generated corpus does not build: {e}"),
    };
    (dir, site)
}

fn front_matter(c: &mut Criterion) {
    let files = sample_files(100);
    let bytes: usize = files.iter().map(|f| f.len()).sum();
    let mut g = c.benchmark_group("front_matter");
    g.throughput(Throughput::Elements(files.len() as u64));
    g.bench_function("split_100_cases", |b| {
        b.iter(|| {
            for f in &files {
                black_box(frontmatter::split(black_box(f)).ok());
            }
        })
    });
    // What validate does per case: split, YAML to a mapping, typed fields (with the
    // quantity parser for counts and amounts).
    g.bench_function("parse_and_validate_100_cases", |b| {
        b.iter(|| {
            for f in &files {
                let s = frontmatter::split(f).expect("generated front matter");
                let map: serde_yaml::Mapping =
                    serde_yaml::from_str(s.yaml).expect("generated YAML");
                let mut fields = Fields::new(map, s.yaml, "case.md", s.yaml_line);
                black_box(read_case(&mut fields, "case"));
            }
        })
    });
    g.finish();
    eprintln!("front_matter: 100 cases, {} KiB of source", bytes / 1024);
}

fn markdown_render(c: &mut Criterion) {
    let files = sample_files(20);
    let bodies: Vec<&str> = files
        .iter()
        .map(|f| frontmatter::split(f).expect("front matter").body)
        .collect();
    let bytes: usize = bodies.iter().map(|b| b.len()).sum();
    let opts = RenderOptions {
        root: "../../",
        trusted_html: false,
        resolver: &NoLinks,
    };
    let mut g = c.benchmark_group("markdown");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("render_20_case_bodies", |b| {
        b.iter(|| {
            for body in &bodies {
                black_box(markdown::render(black_box(body), &opts));
            }
        })
    });
    g.finish();
}

fn templates(c: &mut Criterion) {
    let (_dir, site) = site(200);
    let theme =
        Theme::load(&site.root, &site.config.theme, &site.config.language).expect("default theme");
    let r = Renderer::new(&site, &theme);
    let mut g = c.benchmark_group("templates");
    g.sample_size(20);
    // Case pages are rendered by `render::pages::render` together with the home page,
    // the all-cases listing (10 pages at 200 cases), the about page and 404; a single
    // case page is not reachable from the public API.
    g.throughput(Throughput::Elements(site.cases.len() as u64));
    g.bench_function("pages_200_cases", |b| {
        b.iter(|| render::pages::render(&r, &Discard).expect("render pages"))
    });
    g.bench_function("taxonomy_pages_200_cases", |b| {
        b.iter(|| render::taxonomy::render(&r, &Discard).expect("render taxonomies"))
    });
    // The compendium's print edition: its frame rendered with a marker per body, the
    // bodies spliced in (relocated, headings demoted) as it is written.
    g.bench_function("print_edition_200_cases", |b| {
        b.iter(|| render::print::render(&r, &Discard).expect("render print edition"))
    });
    g.finish();
}

fn model(c: &mut Criterion) {
    let (_dir, site) = site(2000);
    let mut g = c.benchmark_group("model");
    g.sample_size(20);
    g.throughput(Throughput::Elements(site.cases.len() as u64));
    g.bench_function("taxonomies_2000_cases", |b| {
        b.iter(|| {
            let facts = Facts::of(site.cases.iter());
            black_box(taxonomy::build_all(&site.cases, &facts))
        })
    });
    g.bench_function("related_2000_cases", |b| {
        b.iter(|| black_box(related::compute(&site.cases, &site.taxonomies)))
    });
    g.finish();
}

fn search(c: &mut Criterion) {
    let (_dir, site) = site(1000);
    let docs: Vec<casebook::search::SearchDoc> =
        site.cases.iter().map(render::search::search_doc).collect();
    let bytes: usize = docs.iter().map(|d| d.body.len()).sum();
    let mut g = c.benchmark_group("search");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("tokenize_1000_bodies", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for d in &docs {
                casebook::search::tokenize::for_each_token(&d.body, |_, _| n += 1);
            }
            black_box(n)
        })
    });
    g.bench_function("write_index_1000_cases", |b| {
        b.iter(|| black_box(casebook::search::index::build(black_box(&docs)).len()))
    });
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = hot_paths;
    config = config();
    targets = front_matter, markdown_render, templates, model, search
}
criterion_main!(hot_paths);
