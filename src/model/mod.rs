//! Model: the site as readers will see it, built once from validated sources and
//! read-only afterwards. Cases are rendered from Markdown here (links need the whole
//! site to be known), taxonomies and aggregates are computed here; turning the model into
//! files is `render`'s job.

pub(crate) mod aggregate;
pub mod collate;
pub(crate) mod collections;
pub mod links;
pub(crate) mod photos;
internal!(related, taxonomy);

pub use aggregate::{Facts, Sum, Totals};
pub use collections::{Collection, Group, GroupBy};
pub use photos::{Figure, SitePhotos};
pub use taxonomy::{Taxonomy, TaxonomyKind, Term};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::SourceFile;
use crate::markdown::{self, Heading, RenderOptions};
use crate::validate::{CaseMeta, Organization, PageMeta, Validated};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Case {
    pub meta: CaseMeta,
    /// Source file relative to the site root.
    pub source: String,
    /// Page address relative to the site root: `cases/<slug>/`.
    pub url: String,
    pub html: String,
    /// Plain text of the body (shared with the search index, which needs it too).
    pub text: std::sync::Arc<str>,
    pub headings: Vec<Heading>,
    /// Indices into `Site::cases`, best first.
    pub related: Vec<usize>,
    pub cover: Option<Figure>,
    pub gallery: Vec<Figure>,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub meta: PageMeta,
    pub source: String,
    /// `<slug>/`, or empty for the home introduction.
    pub url: String,
    pub html: String,
    pub text: String,
    pub cover: Option<Figure>,
}

#[derive(Debug)]
pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub home: Option<Page>,
    /// Newest first; ties by title, then slug.
    pub cases: Vec<Case>,
    pub pages: Vec<Page>,
    pub organizations: BTreeMap<String, Organization>,
    pub taxonomies: Vec<Taxonomy>,
    pub totals: Totals,
    /// Collection sources, resolved by the collections stage.
    pub collection_sources: Vec<SourceFile>,
    /// Resolved collections, newest first.
    pub collections: Vec<Collection>,
    /// Files under `static/`, relative to it.
    pub static_files: Vec<String>,
    /// Files under `content/` that content links to, relative to `content/`; published
    /// under [`links::CONTENT_FILES`].
    pub content_files: Vec<String>,
    /// The addresses content may link to, kept so one edited case can be re-rendered
    /// against the same site ([`Site::edited_case`]).
    pub links: links::SiteLinks,
    /// Every photo content shows, processed.
    pub photos: SitePhotos,
}

impl Site {
    pub fn taxonomy(&self, kind: TaxonomyKind) -> &Taxonomy {
        // Every kind is built by `taxonomy::build_all`, in `TaxonomyKind::ALL` order.
        &self.taxonomies[kind as usize]
    }

    pub fn case_by_slug(&self, slug: &str) -> Option<(usize, &Case)> {
        self.cases
            .iter()
            .enumerate()
            .find(|(_, c)| c.meta.slug == slug)
    }

    /// The case read from `src` as it would stand in this site, with its position here:
    /// for showing an edit at once, before the whole model is rebuilt. `None` when `src`
    /// is not one of this site's cases or now has another slug (then only a rebuild
    /// knows where it belongs), or names a term this site has no page for (a new tag, a
    /// new spelling: only a rebuild makes its page and address). Everything that
    /// depends on other cases (related cases, neighbours, position) is this site's; link
    /// problems go to `diags`.
    pub fn edited_case(
        &self,
        src: &SourceFile,
        meta: CaseMeta,
        diags: &Diagnostics,
    ) -> Option<(usize, Case)> {
        let (i, old) = self
            .cases
            .iter()
            .enumerate()
            .find(|(_, c)| c.source == src.rel)?;
        if old.meta.slug != meta.slug {
            return None;
        }
        let known = |t: &Taxonomy| t.kind.terms_of(&meta).iter().all(|p| t.term(p).is_some());
        if !self.taxonomies.iter().all(known) {
            return None;
        }
        let mut case = case(
            src,
            meta,
            self.config.trusted_html,
            &self.links,
            &self.photos,
            diags,
        );
        case.related = old.related.clone();
        Some((i, case))
    }
}

/// Builds the model. Link problems and organization warnings go to `diags`.
pub fn build(root: PathBuf, config: Config, mut v: Validated, diags: &Diagnostics) -> Site {
    let timer = crate::timing::StageTimer::from_env();
    let start = std::time::Instant::now();
    let static_files = list_static(&root, diags);
    let resolver_index = links::SiteLinks::new(&root, &v, &static_files);
    let trusted = config.trusted_html;
    warn_unknown_organizations(&v, diags);
    let photos = timer.time("  model: photos", || SitePhotos::gather(&root, &v, diags));
    check_site_images(&config, &static_files, diags);
    // Consumed so each source text is freed as soon as its case is rendered: at 100,000
    // cases the sources and the rendered HTML would otherwise be held together.
    let mut cases: Vec<Case> = std::mem::take(&mut v.cases)
        .into_par_iter()
        .map(|(src, meta)| case(&src, meta, trusted, &resolver_index, &photos, diags))
        .collect();
    timer.report("  model: case bodies", start);
    cases.sort_by(|a, b| {
        b.meta
            .date
            .cmp(&a.meta.date)
            .then_with(|| a.meta.title.cmp(&b.meta.title))
            .then_with(|| a.meta.slug.cmp(&b.meta.slug))
    });
    let pages = v
        .pages
        .iter()
        .map(|(src, meta)| {
            page(
                src,
                meta,
                format!("{}/", meta.slug),
                "../",
                trusted,
                &resolver_index,
                &photos,
                diags,
            )
        })
        .collect();
    let home = v.home.as_ref().map(|(src, meta)| {
        page(
            src,
            meta,
            String::new(),
            "",
            trusted,
            &resolver_index,
            &photos,
            diags,
        )
    });
    // The figures are gathered once for the taxonomies' terms and the whole site.
    let (taxonomies, totals) = {
        let facts = Facts::of(cases.iter());
        let taxonomies = timer.time("  model: taxonomies", || {
            taxonomy::build_all(&cases, &facts)
        });
        (taxonomies, facts.totals(0..cases.len()))
    };
    let related = timer.time("  model: related", || related::compute(&cases, &taxonomies));
    for (case, rel) in cases.iter_mut().zip(related) {
        case.related = rel;
    }
    let collections = collections::build(
        &v.collections,
        &v.draft_slugs,
        &cases,
        &taxonomies,
        &resolver_index,
        &photos,
        trusted,
        diags,
    );
    Site {
        root,
        config,
        home,
        cases,
        pages,
        organizations: v.organizations,
        taxonomies,
        totals,
        collection_sources: v.collections,
        collections,
        static_files,
        content_files: resolver_index.content_files(),
        links: resolver_index,
        photos,
    }
}

/// A case rendered from its source, before related cases are known.
fn case(
    src: &SourceFile,
    meta: CaseMeta,
    trusted: bool,
    links: &links::SiteLinks,
    photos: &SitePhotos,
    diags: &Diagnostics,
) -> Case {
    let r = render_body(src, "../../", trusted, links, photos, diags);
    let cover = meta
        .cover
        .as_ref()
        .and_then(|c| photos.figure(&src.path, c));
    let gallery = meta
        .gallery
        .iter()
        .filter_map(|g| photos.figure(&src.path, g))
        .collect();
    Case {
        cover,
        gallery,
        url: format!("cases/{}/", meta.slug),
        meta,
        source: src.rel.clone(),
        html: r.html,
        text: r.text.into(),
        headings: r.headings,
        related: Vec::new(),
    }
}

// The site's photos joined the inputs every body is rendered with (issue 19).
#[allow(clippy::too_many_arguments)]
fn page(
    src: &SourceFile,
    meta: &PageMeta,
    url: String,
    root: &str,
    trusted: bool,
    resolver: &links::SiteLinks,
    photos: &SitePhotos,
    diags: &Diagnostics,
) -> Page {
    let r = render_body(src, root, trusted, resolver, photos, diags);
    Page {
        cover: meta
            .cover
            .as_ref()
            .and_then(|c| photos.figure(&src.path, c)),
        meta: meta.clone(),
        source: src.rel.clone(),
        url,
        html: r.html,
        text: r.text,
    }
}

fn render_body(
    src: &SourceFile,
    root: &str,
    trusted: bool,
    index: &links::SiteLinks,
    photos: &SitePhotos,
    diags: &Diagnostics,
) -> markdown::Rendered {
    let resolver = index.from_file(&src.path);
    let images = photos.for_file(&src.path);
    let r = markdown::render(
        &src.body,
        &RenderOptions {
            root,
            trusted_html: trusted,
            resolver: &resolver,
            images: &images,
        },
    );
    if let Some(refused) = &r.refused {
        diags.push(
            Diagnostic::error(&src.rel, &refused.message)
                .at(src.body_line + refused.line - 1)
                .hint(&refused.hint),
        );
    }
    for p in &r.link_problems {
        if let Some(scheme) = markdown::links::refused_scheme(&p.dest) {
            diags.push(refused_link(
                &src.rel,
                src.body_line + p.line - 1,
                &p.dest,
                &scheme,
            ));
            continue;
        }
        diags.push(
            Diagnostic::error(
                &src.rel,
                format!("the link \"{}\" leads nowhere: {}", p.dest, p.message),
            )
            .at(src.body_line + p.line - 1)
            .hint(link_hint(&p.dest)),
        );
    }
    r
}

/// A link whose scheme could run a script or smuggle a file in (`javascript:`, `data:`).
pub fn refused_link(file: &str, line: usize, dest: &str, scheme: &str) -> Diagnostic {
    let shown: String = dest.chars().take(80).collect();
    Diagnostic::error(
        file,
        format!("the link \"{shown}\" starts with `{scheme}:`, which casebook does not publish (such links can run a script in the reader's browser)"),
    )
    .at(line)
    .hint("link only to web addresses (https://…, http://…), e-mail (mailto:…) or pages and files of this site")
}

fn link_hint(dest: &str) -> String {
    let path = dest.split(['#', '?']).next().unwrap_or(dest);
    if links::has_extension(path) && !path.ends_with(".md") {
        let name = path.rsplit('/').next().unwrap_or(path);
        if path.starts_with('/') {
            return format!("put the file at static{path}, or correct the link");
        }
        format!("put the file beside the Markdown file at the path the link gives, or put it in static/ (e.g. static/images/{name}) and link it as /images/{name}")
    } else {
        "link to a case as `/cases/<slug>/`, to a page as `/<slug>/`, or to another Markdown file by its path, like `../other-case.md`".into()
    }
}

/// `logo:` and `favicon:` name files in `static/`: one that is not there is an error, as a
/// missing image in content is.
fn check_site_images(config: &Config, static_files: &[String], diags: &Diagnostics) {
    for (key, path) in [("logo", &config.logo), ("favicon", &config.favicon)] {
        if !path.is_empty() && !static_files.iter().any(|f| f == path) {
            diags.push(
                Diagnostic::error(
                    crate::config::CONFIG_FILE,
                    format!("`{key}`: there is no file static/{path}"),
                )
                .field(key)
                .hint(format!(
                    "put the image in static/ and write its path there, like `{key}: images/{key}.svg`"
                )),
            );
        }
    }
}

fn warn_unknown_organizations(v: &Validated, diags: &Diagnostics) {
    let Some(file) = &v.organizations_file else {
        return;
    };
    for (src, meta) in &v.cases {
        let Some(org) = &meta.organization else {
            continue;
        };
        if !v.organizations.contains_key(org) {
            let line = crate::load::yaml::line_of_key(&src.yaml, "organization")
                .map(|l| l + src.yaml_line - 1);
            let mut d = Diagnostic::warning(
                &src.rel,
                format!("the organization \"{org}\" is not in {file}"),
            )
            .line_opt(line)
            .field("organization");
            d = match crate::validate::suggest::closest(
                org,
                v.organizations.keys().map(String::as_str),
            ) {
                Some(near) => d.hint(format!("did you mean \"{near}\"?")),
                None => d.hint(format!(
                    "add it to {file} with its website, founding year and a description"
                )),
            };
            diags.push(d);
        }
    }
}

/// The files under `static/`, following links that stay inside the site; links that
/// lead out of it are reported.
fn list_static(root: &std::path::Path, diags: &Diagnostics) -> Vec<String> {
    let dir = root.join("static");
    let (files, problems) = crate::load::confine::Confine::new(root).files_under(&dir, usize::MAX);
    diags.extend(problems);
    let mut files: Vec<String> = files
        .iter()
        .filter_map(|p| {
            p.strip_prefix(&dir)
                .ok()
                .map(|p| p.to_string_lossy().replace('\\', "/"))
        })
        .collect();
    files.sort();
    files
}
