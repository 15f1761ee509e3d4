//! `casebook import`: Word documents, text and saved web articles → case drafts.
//!
//! read (`read.rs`, `docx.rs`, `html.rs`: a file → lines) → articles (`article.rs`:
//! where articles begin and end, titles, bylines, re-joined paragraphs) → fields
//! (`fields.rs`, `divisions.rs`: date, region, organization, brand, counts and amounts)
//! → drafts (`draft.rs`: front matter and body, a free slug) → written, never over an
//! existing file. A source that cannot be read is reported and the rest imported.

pub mod article;
pub mod divisions;
pub mod docx;
pub mod draft;
pub mod fields;
pub mod html;
pub mod read;

use crate::validate::case::slug_key;
use article::Reading;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// A source that could not be imported: which file, what is wrong, what would be right.
#[derive(Debug, Clone, Serialize, thiserror::Error)]
#[error("{file}: {message}")]
pub struct ImportError {
    pub file: String,
    pub message: String,
    pub hint: String,
}

impl ImportError {
    pub fn new(path: &Path, message: String, hint: &str) -> ImportError {
        ImportError {
            file: path.display().to_string(),
            message,
            hint: hint.to_string(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The site's folder (where casebook.yaml is).
    pub root: PathBuf,
    pub sources: Vec<PathBuf>,
    /// A folder under content/cases/ for the drafts.
    pub into: Option<String>,
    pub split: bool,
    pub dry_run: bool,
    /// The date for drafts whose source gives none.
    pub today: NaiveDate,
}

#[derive(Debug, Default, Serialize)]
pub struct ImportReport {
    pub sources: Vec<SourceReport>,
}

impl ImportReport {
    pub fn failed(&self) -> usize {
        self.sources.iter().filter(|s| s.error.is_some()).count()
    }
    pub fn drafts(&self) -> usize {
        self.sources.iter().map(|s| s.drafts.len()).sum()
    }
}

#[derive(Debug, Default, Serialize)]
pub struct SourceReport {
    pub file: String,
    /// The text encoding used (plain text and Markdown).
    pub encoding: Option<String>,
    pub drafts: Vec<DraftReport>,
    pub notes: Vec<String>,
    pub error: Option<ImportError>,
}

#[derive(Debug, Default, Serialize)]
pub struct DraftReport {
    /// The draft's path under the site's folder.
    pub path: String,
    pub title: String,
    pub author: Option<String>,
    pub date: String,
    pub region: Vec<String>,
    pub organization: Option<String>,
    pub brand: Option<String>,
    pub domains: Vec<String>,
    pub tags: Vec<String>,
    pub beneficiaries: usize,
    pub funding: usize,
    pub images: usize,
    /// What the editor must check before publishing.
    pub check: Vec<String>,
}

/// Imports every source (files, and the importable files inside folders).
pub fn import(opts: &ImportOptions) -> ImportReport {
    let cases = opts.root.join("content/cases");
    let site = SiteTerms::load(&cases);
    let mut taken = site.slugs.clone();
    let mut report = ImportReport::default();
    for path in expand(&opts.sources) {
        let mut sr = SourceReport {
            file: path.display().to_string(),
            ..Default::default()
        };
        match read::read(&path) {
            Err(e) => sr.error = Some(e),
            Ok(source) => {
                sr.encoding = source.encoding.map(str::to_string);
                sr.notes = source.notes.clone();
                if let Err(e) = import_source(opts, &path, &source, &site, &mut taken, &mut sr) {
                    sr.error = Some(e);
                }
            }
        }
        report.sources.push(sr);
    }
    report
}

/// Files as given, and the importable files of folders (sorted, recursively).
fn expand(sources: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for s in sources {
        if s.is_dir() {
            let mut files: Vec<PathBuf> = walkdir::WalkDir::new(s)
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file() && read::is_importable(e.path()))
                .filter(|e| !in_saved_page_files(e.path()))
                .map(|e| e.into_path())
                .collect();
            files.sort();
            out.extend(files);
        } else {
            out.push(s.clone());
        }
    }
    out
}

/// True for a file inside the `<name>_files/` folder a browser saves beside
/// `<name>.html` (its frames and images, not articles of their own).
fn in_saved_page_files(path: &Path) -> bool {
    path.ancestors().skip(1).any(|dir| {
        let (Some(name), Some(parent)) = (dir.file_name(), dir.parent()) else {
            return false;
        };
        let Some(page) = name.to_str().and_then(|n| n.strip_suffix("_files")) else {
            return false;
        };
        ["html", "htm"]
            .iter()
            .any(|ext| parent.join(format!("{page}.{ext}")).is_file())
    })
}

fn import_source(
    opts: &ImportOptions,
    path: &Path,
    source: &read::Source,
    site: &SiteTerms,
    taken: &mut HashSet<String>,
    sr: &mut SourceReport,
) -> Result<(), ImportError> {
    let reading = Reading {
        exact: source.exact,
        split: opts.split,
    };
    let mut articles = article::articles(&source.lines, reading);
    articles.retain(|a| !a.blocks.is_empty() || a.title.is_some());
    reattach_leads(&mut articles);
    if articles.is_empty() {
        return Err(ImportError::new(
            path,
            "has no text casebook could find".into(),
            "check that the file holds the article's text (not only images or a scan)",
        ));
    }
    let single = articles.len() == 1;
    let mut dir = opts.root.join("content/cases");
    if let Some(sub) = &opts.into {
        dir = dir.join(sub);
    }
    for a in &articles {
        let mut f = fields_of(a, source, single, opts.today, site);
        f.source = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let slug = draft::slug(f.region.as_ref(), &f.title, taken);
        taken.insert(slug_key(&slug));
        let file = free_path(&dir, &slug);
        let mut images = Vec::new();
        let image_name = |n: usize| {
            let img = source.images.get(n).filter(|i| !i.bytes.is_empty())?;
            Some(format!("images/{slug}-{}.{}", n + 1, img.ext))
        };
        for b in &a.blocks {
            if let article::Block::Raw(r) | article::Block::Para(r) = b {
                for (i, _) in r.match_indices("](image:") {
                    let n: String = r[i + 8..]
                        .chars()
                        .take_while(char::is_ascii_digit)
                        .collect();
                    if let Ok(n) = n.parse::<usize>() {
                        images.push(n);
                    }
                }
            }
        }
        // An image shown twice is one file.
        images.sort_unstable();
        images.dedup();
        let text = format!(
            "{}\n{}",
            draft::front_matter(&f, &slug, opts.today),
            draft::body(a, &image_name)
        );
        if !opts.dry_run {
            write_draft(&file, &text, &dir, &images, source, &image_name)?;
        }
        sr.drafts
            .push(draft_report(&opts.root, &file, &f, images.len()));
    }
    Ok(())
}

fn write_draft(
    file: &Path,
    text: &str,
    dir: &Path,
    images: &[usize],
    source: &read::Source,
    image_name: &dyn Fn(usize) -> Option<String>,
) -> Result<(), ImportError> {
    let fail = |what: &Path, e: std::io::Error| {
        let hint = if e.kind() == std::io::ErrorKind::AlreadyExists {
            "a file of this name is already there: move it away, then import again"
        } else {
            "check that the site's folder exists and may be written to"
        };
        ImportError::new(what, format!("could not be written: {e}"), hint)
    };
    std::fs::create_dir_all(dir).map_err(|e| fail(dir, e))?;
    for &n in images {
        if let (Some(img), Some(name)) = (source.images.get(n), image_name(n)) {
            let p = dir.join(name);
            if let Some(parent) = p.parent() {
                std::fs::create_dir_all(parent).map_err(|e| fail(parent, e))?;
            }
            // Never over an existing file, like the draft itself.
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&p)
                .and_then(|mut f| std::io::Write::write_all(&mut f, &img.bytes))
                .map_err(|e| fail(&p, e))?;
        }
    }
    // create_new: a file made since the name was chosen is still not overwritten.
    use std::io::Write;
    let mut out = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(file)
        .map_err(|e| fail(file, e))?;
    out.write_all(text.as_bytes()).map_err(|e| fail(file, e))
}

/// A PDF copy can put an article's lead after its end, at the top of the next article
/// (`…得益于盐城市亭湖区开展的“五社联动”工作。` before `1月11日，首届粤港澳…`): a
/// first paragraph that names the previous article's county, which the rest of its
/// own article never names, goes back to the top of the previous article.
fn reattach_leads(articles: &mut [article::Article]) {
    for i in 1..articles.len() {
        let prev = &articles[i - 1];
        let Some(region) = divisions::find(prev.title.as_deref().unwrap_or(""), &prev.plain_text())
        else {
            continue;
        };
        let Some(county) = region
            .county
            .then(|| region.levels.get(region.levels.len().min(3) - 1))
            .flatten()
        else {
            continue;
        };
        let place = county.trim_end_matches(['区', '县', '市']).to_string();
        let Some(article::Block::Para(first)) = articles[i].blocks.first() else {
            continue;
        };
        let rest_names_it = articles[i].blocks[1..].iter().any(|b| match b {
            article::Block::Para(t) | article::Block::Heading(_, t) => t.contains(&place),
            _ => false,
        }) || articles[i]
            .title
            .as_deref()
            .is_some_and(|t| t.contains(&place));
        if place.chars().count() >= 2 && first.contains(&place) && !rest_names_it {
            let lead = articles[i].blocks.remove(0);
            articles[i - 1].blocks.insert(0, lead);
        }
    }
}

/// `<dir>/<slug>.md`, or `<slug>-2.md`… when that file exists.
fn free_path(dir: &Path, slug: &str) -> PathBuf {
    let mut p = dir.join(format!("{slug}.md"));
    let mut n = 2;
    while p.exists() {
        p = dir.join(format!("{slug}-{n}.md"));
        n += 1;
    }
    p
}

fn fields_of(
    a: &article::Article,
    source: &read::Source,
    single: bool,
    today: NaiveDate,
    site: &SiteTerms,
) -> draft::Fields {
    let text = a.plain_text();
    let mut f = draft::Fields::default();
    let doc_title = if single { source.title.clone() } else { None };
    (f.title, f.title_note) = match (&a.title, doc_title) {
        (Some(t), _) => (strip_md(t), None),
        (None, Some(t)) => (t, None),
        (None, None) => (
            stand_in_title(&text),
            Some("the text has no headline for this article; this one is its first words: write the real one".into()),
        ),
    };
    f.author = a.author.clone().or_else(|| {
        let creator = if single {
            source.author.as_deref()
        } else {
            None
        };
        creator.and_then(article::byline)
    });
    let doc_date = if single { source.date } else { None };
    (f.date, f.date_from) = match (doc_date, fields::date(&text, today)) {
        (Some(d), _) => (d, "document"),
        (None, Some(d)) => (d, "text"),
        (None, None) => (today, "today"),
    };
    f.region = divisions::find(&f.title, &text);
    if let (Some(_), Some(r)) = (&f.title_note, &f.region) {
        // A stand-in title at least says where: `亭湖区：社区居民有困难…`.
        f.title = format!("{}：{}", r.place, f.title);
    }
    f.communities = divisions::communities(&text);
    f.communities.truncate(6);
    f.organization = author_org(&text).or_else(|| fields::organizations(&text).into_iter().next());
    f.brand = fields::brand(&text);
    f.domains = fields::used_terms(&text, &site.domains, 2, 3);
    f.tags = fields::used_terms(&text, &site.tags, 1, 5);
    (f.beneficiaries, f.funding) = fields::quantities(&text);
    f
}

/// `（作者单位：乐山初心社会工作服务中心）` names the organization outright.
fn author_org(text: &str) -> Option<String> {
    text.lines().rev().find_map(|l| {
        let note = article::attribution(l)?;
        let org = note
            .strip_prefix("作者单位")?
            .trim_start_matches(['：', ':'])
            .trim();
        (!org.is_empty()).then(|| org.to_string())
    })
}

fn strip_md(t: &str) -> String {
    t.replace("**", "").trim().to_string()
}

/// The first clause(s) of the text, at most about 30 characters.
fn stand_in_title(text: &str) -> String {
    let first = text
        .split(['。', '\n'])
        .next()
        .unwrap_or("")
        .replace("**", "");
    let mut out = String::new();
    for piece in first.split_inclusive(['，', ',']) {
        if out.chars().count() + piece.chars().count() > 30 && !out.is_empty() {
            break;
        }
        out.push_str(piece);
    }
    let out = out.trim_end_matches(['，', ',']).trim().to_string();
    if out.is_empty() {
        "（请填写标题）".into()
    } else {
        out
    }
}

fn draft_report(root: &Path, file: &Path, f: &draft::Fields, images: usize) -> DraftReport {
    let mut check = Vec::new();
    if let Some(n) = &f.title_note {
        check.push(format!("title: {n}"));
    }
    match f.date_from {
        "today" => check.push("date: none found, today's was used".into()),
        "text" => check.push("date: taken from the text".into()),
        _ => {}
    }
    match &f.region {
        None => check.push("region: none found".into()),
        Some(r) if !r.county => check.push("region: no single county named".into()),
        _ => {}
    }
    if !f.beneficiaries.is_empty() || !f.funding.is_empty() {
        check.push("beneficiaries and funding: suggestions, each with its sentence".into());
    }
    DraftReport {
        path: file
            .strip_prefix(root)
            .unwrap_or(file)
            .display()
            .to_string(),
        title: f.title.clone(),
        author: f.author.clone(),
        date: f.date.to_string(),
        region: f
            .region
            .as_ref()
            .map(|r| r.levels.clone())
            .unwrap_or_default(),
        organization: f.organization.clone(),
        brand: f.brand.clone(),
        domains: f.domains.clone(),
        tags: f.tags.clone(),
        beneficiaries: f.beneficiaries.len(),
        funding: f.funding.len(),
        images,
        check,
    }
}

/// The site's own domains and tags, and the slugs its cases already use.
#[derive(Debug, Default)]
struct SiteTerms {
    domains: Vec<String>,
    tags: Vec<String>,
    slugs: HashSet<String>,
}

/// Used when the site has no cases yet (the domains the example site uses).
const DEFAULT_DOMAINS: &[&str] = &[
    "养老服务",
    "儿童福利",
    "社会救助",
    "社区治理",
    "人才培养",
    "志愿服务",
    "乡村振兴",
    "残障服务",
    "医务社工",
    "平安建设",
];

impl SiteTerms {
    fn load(cases: &Path) -> SiteTerms {
        let mut t = SiteTerms {
            domains: DEFAULT_DOMAINS.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        };
        for e in walkdir::WalkDir::new(cases)
            .into_iter()
            .filter_map(Result::ok)
        {
            let p = e.path();
            if p.extension().is_none_or(|x| x != "md") {
                continue;
            }
            if let Some(stem) = p.file_stem() {
                t.slugs.insert(slug_key(&stem.to_string_lossy()));
            }
            let Ok(text) = std::fs::read_to_string(p) else {
                continue;
            };
            let Ok(split) = crate::load::frontmatter::split(&text) else {
                continue;
            };
            let Ok(serde_yaml::Value::Mapping(m)) =
                serde_yaml::from_str::<serde_yaml::Value>(split.yaml)
            else {
                continue;
            };
            if let Some(s) = m.get("slug").and_then(|v| v.as_str()) {
                t.slugs.insert(slug_key(s.trim()));
            }
            for (key, into) in [("domains", &mut t.domains), ("tags", &mut t.tags)] {
                if let Some(serde_yaml::Value::Sequence(seq)) = m.get(key) {
                    for v in seq.iter().filter_map(|v| v.as_str()) {
                        if !into.iter().any(|x| x == v) {
                            into.push(v.to_string());
                        }
                    }
                }
            }
        }
        t
    }
}
