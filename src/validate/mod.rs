//! Validate: turns loaded sources into typed metadata, recording every problem.
//!
//! Input: [`Sources`](crate::load::Sources). Output: [`Validated`], which holds only the
//! files whose metadata is usable, and the photos named by the files left out (their
//! problems are reported in the same run). Checks that need the whole site (duplicate slugs) are
//! here too; link checking needs rendered Markdown and lives in the model stage.

pub mod case;
pub mod collection;
pub mod fields;
pub mod photos;
pub mod spellings;
pub mod suggest;
pub mod typos;

pub use case::CaseMeta;
pub use photos::PhotoField;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::yaml::{line_of_value, yaml_error_in};
use crate::load::{DataFile, SourceFile, Sources};
use crate::markdown::links::refused_scheme;
use chrono::NaiveDate;
use fields::Fields;
use rayon::prelude::*;
use serde::Serialize;
use serde_yaml::{Mapping, Value};
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, Serialize)]
pub struct PageMeta {
    pub title: String,
    pub slug: String,
    pub date: Option<NaiveDate>,
    pub description: Option<String>,
    #[serde(skip)]
    pub cover: Option<PhotoField>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Organization {
    pub website: Option<String>,
    pub founded: Option<String>,
    pub description: Option<String>,
}

pub struct Validated {
    pub home: Option<(SourceFile, PageMeta)>,
    pub cases: Vec<(SourceFile, CaseMeta)>,
    pub pages: Vec<(SourceFile, PageMeta)>,
    pub collections: Vec<SourceFile>,
    /// Slugs of the draft cases left out (so collections can say why a slug is missing).
    pub draft_slugs: Vec<String>,
    pub organizations: BTreeMap<String, Organization>,
    /// Organizations named by cases but missing from the data file are warned about.
    pub organizations_file: Option<String>,
    /// Cases, pages and the introduction left out for errors in their front matter, with
    /// the photos their front matter names as far as it can be read: their photos are
    /// still checked, so every problem is reported in the same run.
    pub rejected: Vec<(SourceFile, Vec<PhotoField>)>,
}

/// Validates everything; draft cases are dropped unless `drafts` is set.
pub fn validate(sources: Sources, drafts: bool, diags: &Diagnostics) -> Validated {
    let checked: Vec<(SourceFile, Result<CaseMeta, Vec<PhotoField>>)> = sources
        .cases
        .into_par_iter()
        .map(|src| {
            let meta = validate_case(&src, diags).ok_or_else(|| photos::named_anyway(&src, true));
            (src, meta)
        })
        .collect();
    let mut rejected = Vec::new();
    let mut usable = Vec::new();
    for (src, meta) in checked {
        match meta {
            Ok(meta) => usable.push((src, meta)),
            Err(named) => rejected.push((src, named)),
        }
    }
    let (mut cases, left_out): (Vec<(SourceFile, CaseMeta)>, Vec<_>) =
        usable.into_iter().partition(|(_, m)| drafts || !m.draft);
    let draft_slugs = left_out.into_iter().map(|(_, m)| m.slug).collect();
    check_duplicate_slugs(
        cases.iter().map(|(s, m)| (s, m.slug.as_str())),
        "case",
        diags,
    );
    let mut pages: Vec<(SourceFile, PageMeta)> = Vec::new();
    for src in sources.pages {
        let stem = src.stem();
        match with_fields(&src, diags, |f| read_page(f, &stem)) {
            Some(meta) => pages.push((src, meta)),
            None => {
                let named = photos::named_anyway(&src, false);
                rejected.push((src, named));
            }
        }
    }
    check_duplicate_slugs(
        pages.iter().map(|(s, m)| (s, m.slug.as_str())),
        "page",
        diags,
    );
    check_reserved_page_slugs(&pages, diags);
    let home = sources.home.and_then(|src| {
        // The introduction is optional and so is its title: it sits under the site's.
        let meta = with_fields(&src, diags, |f| {
            f.unknown_keys(PAGE_FIELDS);
            Some(PageMeta {
                title: f.text("title", "首页").unwrap_or_default(),
                slug: String::new(),
                date: f.date("date", false),
                description: f.text("description", "一句话介绍"),
                cover: photos::cover(f),
            })
        });
        match meta {
            Some(meta) => Some((src, meta)),
            None => {
                let named = photos::named_anyway(&src, false);
                rejected.push((src, named));
                None
            }
        }
    });
    check_collection_names(&sources.collections, diags);
    let organizations_file = sources.organizations.as_ref().map(|d| d.rel.clone());
    let organizations = sources
        .organizations
        .map(|d| read_organizations(&d, diags))
        .unwrap_or_default();
    spellings::unify(
        &mut cases,
        &organizations,
        organizations_file.as_deref(),
        diags,
    );
    Validated {
        home,
        cases,
        pages,
        collections: sources.collections,
        draft_slugs,
        organizations,
        organizations_file,
        rejected,
    }
}

/// One case's metadata on its own (the checks that need every case, like duplicate
/// slugs, are [`validate`]'s).
pub fn validate_case(src: &SourceFile, diags: &Diagnostics) -> Option<CaseMeta> {
    let stem = src.stem();
    with_fields(src, diags, |f| case::read_case(f, &stem))
}

/// Parses `src`'s YAML into a mapping and runs `read` over it, collecting problems.
pub(crate) fn with_fields<T>(
    src: &SourceFile,
    diags: &Diagnostics,
    read: impl FnOnce(&mut Fields<'_>) -> Option<T>,
) -> Option<T> {
    let map = match serde_yaml::from_str::<Value>(&src.yaml) {
        Ok(Value::Mapping(m)) => m,
        Ok(Value::Null) => Mapping::new(),
        Ok(_) => {
            diags.push(
                Diagnostic::error(&src.rel, "the front matter should be `name: value` lines")
                    .at(src.yaml_line)
                    .hint("write fields like `title: 案例名称`, one per line"),
            );
            return None;
        }
        Err(e) => {
            diags.push(yaml_error_in(&src.rel, &src.yaml, &e, src.yaml_line));
            return None;
        }
    };
    let mut f = Fields::new(map, &src.yaml, &src.rel, src.yaml_line);
    let out = read(&mut f);
    let failed = f
        .problems
        .iter()
        .any(|d| d.severity == crate::diagnostics::Severity::Error);
    diags.extend(f.problems);
    if failed {
        None
    } else {
        out
    }
}

/// Runs `read` over `src`'s front matter without reporting anything, for a file already
/// rejected (its problems were reported when it was validated). `None` when the front
/// matter is not a mapping at all.
pub(crate) fn read_quietly<T>(src: &SourceFile, read: impl FnOnce(&mut Fields<'_>) -> T) -> Option<T> {
    let map = match serde_yaml::from_str::<Value>(&src.yaml) {
        Ok(Value::Mapping(m)) => m,
        Ok(Value::Null) => Mapping::new(),
        _ => return None,
    };
    let mut f = Fields::new(map, &src.yaml, &src.rel, src.yaml_line);
    Some(read(&mut f))
}

const PAGE_FIELDS: &[&str] = &[
    "title",
    "slug",
    "date",
    "description",
    "draft",
    "cover",
    "cover_alt",
];

fn read_page(f: &mut Fields<'_>, default_slug: &str) -> Option<PageMeta> {
    f.unknown_keys(PAGE_FIELDS);
    let title = f.required_text("title", "关于本汇编")?;
    Some(PageMeta {
        title,
        slug: case::read_slug(f, default_slug, "about"),
        date: f.date("date", false),
        description: f.text("description", "一句话介绍"),
        cover: photos::cover(f),
    })
}

fn check_duplicate_slugs<'a>(
    items: impl Iterator<Item = (&'a SourceFile, &'a str)>,
    kind: &str,
    diags: &Diagnostics,
) {
    let mut seen: HashMap<String, (&str, &SourceFile)> = HashMap::new();
    for (src, slug) in items {
        if let Some((first_slug, first)) = seen.get(&case::slug_key(slug)) {
            let line = crate::load::yaml::line_of_key(&src.yaml, "slug")
                .map_or(src.yaml_line, |l| l + src.yaml_line - 1);
            let message = if *first_slug == slug {
                format!(
                    "another {kind} already uses the slug \"{slug}\": {}",
                    first.rel
                )
            } else {
                format!(
                    "the slug \"{slug}\" and the slug \"{first_slug}\" of {} differ only in upper/lower case, full-width letters or accents, so on Windows, macOS and many web hosts they are the same address",
                    first.rel
                )
            };
            diags.push(
                Diagnostic::error(&src.rel, message)
                    .at(line)
                    .field("slug")
                    .hint("give one of them its own `slug:` (each becomes its own web address)"),
            );
        } else {
            seen.insert(case::slug_key(slug), (slug, src));
        }
    }
}

/// Pages live at `<slug>/`; they must not take a folder the site itself uses.
pub const RESERVED: &[&str] = &[
    "cases",
    "regions",
    "domains",
    "tags",
    "organizations",
    "brands",
    "beneficiaries",
    "funding",
    "years",
    "search",
    "stats",
    "data",
    "collections",
    "print",
    "static",
    "files",
    "photos",
    "atom.xml",
    "sitemap.xml",
    "robots.txt",
    "404.html",
    "index.html",
];

fn check_reserved_page_slugs(pages: &[(SourceFile, PageMeta)], diags: &Diagnostics) {
    for (src, meta) in pages {
        let line = crate::load::yaml::line_of_key(&src.yaml, "slug")
            .map_or(src.yaml_line, |l| l + src.yaml_line - 1);
        // A slug that cannot be a web address was reported when the page was read.
        if RESERVED.contains(&case::slug_key(&meta.slug).as_str()) {
            diags.push(
                Diagnostic::error(
                    &src.rel,
                    format!("the slug \"{}\" is used by casebook itself", meta.slug),
                )
                .at(line)
                .field("slug")
                .hint("choose another slug, like `slug: about`"),
            );
        }
    }
}

/// A collection lives at `collections/<file name>/`: the name must make a folder the
/// build can write, like a slug.
fn check_collection_names(collections: &[SourceFile], diags: &Diagnostics) {
    for src in collections {
        let stem = src.stem();
        if let Some(problem) = case::slug_problem(&stem) {
            diags.push(
                Diagnostic::error(
                    &src.rel,
                    format!(
                        "the file's name \"{}\" is the collection's web address, and cannot be one: {problem}",
                        stem.escape_debug()
                    ),
                )
                .at(1)
                .hint("rename the file with letters, digits, Chinese characters, `-` and `_`, like `2024-youxiu.md`"),
            );
        }
    }
    let mut seen: HashMap<String, &SourceFile> = HashMap::new();
    for src in collections {
        match seen.get(&case::slug_key(&src.stem())) {
            Some(first) => diags.push(
                Diagnostic::error(
                    &src.rel,
                    format!(
                        "the file's name and the name of {} differ only in upper/lower case, full-width letters or accents, so on Windows, macOS and many web hosts both collections would have the same address",
                        first.rel
                    ),
                )
                .at(1)
                .hint("rename one of the two files"),
            ),
            None => {
                seen.insert(case::slug_key(&src.stem()), src);
            }
        }
    }
}

fn read_organizations(data: &DataFile, diags: &Diagnostics) -> BTreeMap<String, Organization> {
    let map = match serde_yaml::from_str::<Value>(&data.text) {
        Ok(Value::Mapping(m)) => m,
        Ok(Value::Null) => return BTreeMap::new(),
        Ok(_) => {
            diags.push(Diagnostic::error(&data.rel, "should map organization names to their details").at(1)
                .hint("write `乐山初心社会工作服务中心: {website: https://…, founded: 2015, description: …}`"));
            return BTreeMap::new();
        }
        Err(e) => {
            diags.push(yaml_error_in(&data.rel, &data.text, &e, 0));
            return BTreeMap::new();
        }
    };
    let mut out = BTreeMap::new();
    for (k, v) in map {
        let Some(name) = k.as_str().map(str::to_string) else {
            continue;
        };
        let get = |m: &Mapping, key: &str| match m.get(key) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        match v {
            Value::Mapping(m) => {
                let mut website = get(&m, "website");
                if let Some(url) = website.take_if(|w| refused_scheme(w).is_some()) {
                    let line = line_of_value(&data.text, &name, "website").unwrap_or(1);
                    let scheme = refused_scheme(&url).unwrap_or_default();
                    diags.push(
                        crate::model::refused_link(&data.rel, line, &url, &scheme).field("website"),
                    );
                }
                out.insert(
                    name,
                    Organization {
                        website,
                        founded: get(&m, "founded"),
                        description: get(&m, "description"),
                    },
                );
            }
            Value::Null => {
                out.insert(name, Organization::default());
            }
            other => diags.push(
                Diagnostic::error(
                    &data.rel,
                    format!(
                        "the details of \"{name}\" should be fields, but are {}",
                        fields::describe(&other)
                    ),
                )
                // Looked up only for a problem: a scan of the file per organization
                // would grow with the square of a large data file.
                .line_opt(crate::load::yaml::line_of_key(&data.text, &name))
                .hint("write `{website: https://…, founded: 2015, description: …}`"),
            ),
        }
    }
    out
}
