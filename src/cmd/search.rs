//! `casebook search`: answers a query from a built site's index, with the same tokenizer,
//! matching and ranking as the browser client. For scripts, tests and editors.

use anyhow::{bail, Context};
use casebook::search::{search_with, Request, Sort};
use std::path::{Path, PathBuf};

pub struct Args {
    pub root: PathBuf,
    pub query: String,
    pub json: bool,
    pub filters: Vec<String>,
    pub sort_date: bool,
    pub limit: usize,
}

/// The built site: `root` itself when it holds an index, else `root/public`.
fn site_dir(root: &Path) -> PathBuf {
    if root.join("search/idx/meta.js").is_file() {
        root.to_path_buf()
    } else {
        root.join("public")
    }
}

pub fn run(a: &Args) -> anyhow::Result<i32> {
    let mut filters = Vec::new();
    for f in &a.filters {
        let Some((k, v)) = f.split_once('=') else {
            bail!("--filter takes KEY=VALUE, like --filter domain=养老服务 (got \"{f}\")");
        };
        filters.push((k.trim().to_string(), v.trim().to_string()));
    }
    let dir = site_dir(&a.root);
    let req = Request {
        query: &a.query,
        filters: &filters,
        sort: if a.sort_date {
            Sort::Date
        } else {
            Sort::Relevance
        },
        display: a.limit,
        facet_values: 8,
    };
    let mut res =
        search_with(&dir, &req).with_context(|| format!("searching {}", dir.display()))?;
    res.hits.truncate(a.limit);
    if a.json {
        let v = serde_json::json!({
            "query": a.query,
            "total": res.total,
            "hits": res.hits,
            "facets": res.facets,
            // What the search page downloads for the same query and first page of results.
            "files": res.files.iter().map(|(n, b)| serde_json::json!({"name": n, "bytes": b})).collect::<Vec<_>>(),
            "bytes": res.files.iter().map(|f| f.1).sum::<usize>(),
        });
        return emit(&format!("{}\n", serde_json::to_string_pretty(&v)?));
    }
    let mut out = String::new();
    for h in &res.hits {
        let mut meta = h.region.join(" · ");
        if !h.date.is_empty() {
            if !meta.is_empty() {
                meta.push_str(" · ");
            }
            meta.push_str(&h.date);
        }
        out.push_str(&format!("{}  ({meta})\n  {}\n", h.title, h.url));
        if let Some(s) = &h.snippet {
            out.push_str(&format!("  {}\n", s.marked()));
        }
    }
    emit(&out)?;
    let shown = res.hits.len();
    let matched = match res.total {
        1 => "1 case matches".to_string(),
        n => format!("{n} cases match"),
    };
    if shown < res.total {
        eprintln!("{matched}; showing the first {shown} (--limit)");
    } else {
        eprintln!("{matched}");
    }
    Ok(0)
}

/// Writes to stdout; a closed pipe (`| head`) is not an error.
fn emit(text: &str) -> anyhow::Result<i32> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(0),
    }
}
