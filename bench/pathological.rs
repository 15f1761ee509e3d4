//! Criterion benchmarks for hostile or careless case bodies (issue 20, item 7): each
//! must render in time linear in its size, or be refused as quickly. Every input is
//! measured at two sizes (×4 apart), so a quadratic cost shows as ×16 instead of ×4.
//!
//! ```text
//! cargo bench --bench pathological
//! cargo bench --bench pathological -- nested   # one group
//! ```
//!
//! Figures: bench/README.md, "Pathological inputs".

use casebook::markdown::{self, LinkResolver, RenderOptions};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use std::time::Duration;

struct NoLinks;
impl LinkResolver for NoLinks {
    fn resolve(&self, _dest: &str) -> Result<Option<String>, String> {
        Ok(None)
    }
}

fn render(body: &str) -> markdown::Rendered {
    markdown::render(
        body,
        &RenderOptions {
            root: "../../",
            trusted_html: false,
            resolver: &NoLinks,
        },
    )
}

/// Runs `make(n)` through the renderer at each `n`, checking whether it is refused.
fn group(c: &mut Criterion, name: &str, sizes: &[usize], refused: bool, make: fn(usize) -> String) {
    let mut g = c.benchmark_group(name);
    for &n in sizes {
        let body = make(n);
        assert_eq!(render(&body).refused.is_some(), refused, "{name} {n}");
        g.throughput(Throughput::Bytes(body.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &body, |b, body| {
            b.iter(|| black_box(render(black_box(body))))
        });
    }
    g.finish();
}

/// `n` `<div>`s, each inside the one before: refused beyond the nesting limit.
fn nested_divs(n: usize) -> String {
    format!("正文\n\n{}x{}\n", "<div>".repeat(n), "</div>".repeat(n))
}

/// Nesting just within the limit, repeated `n` times: the worst a file may hold.
fn nested_at_limit(n: usize) -> String {
    let depth = markdown::limits::MAX_NESTING;
    let one = format!("{}x{}\n", "<div>".repeat(depth), "</div>".repeat(depth));
    format!("正文\n\n{}", one.repeat(n))
}

/// `n` nested block quotes with raw HTML in the file (so the sanitiser runs).
fn nested_quotes(n: usize) -> String {
    format!("{} 引用 <b>粗</b>\n", ">".repeat(n))
}

/// A square table of `n`×`n` cells with raw HTML in it.
fn table(n: usize) -> String {
    let row = |cell: &str| format!("|{}|\n", vec![cell; n].join("|"));
    format!(
        "<b>表</b>\n\n{}{}{}",
        row("列"),
        row("-"),
        row("1").repeat(n)
    )
}

fn pathological(c: &mut Criterion) {
    group(c, "nested_divs", &[25_000, 100_000], true, nested_divs);
    group(
        c,
        "nested_divs_at_limit",
        &[50, 200],
        false,
        nested_at_limit,
    );
    group(c, "nested_quotes", &[25_000, 100_000], true, nested_quotes);
    group(c, "table_accepted", &[100, 200], false, table);
    group(c, "table_refused", &[1_000, 2_000], true, table);
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = benches;
    config = config();
    targets = pathological
}
criterion_main!(benches);
