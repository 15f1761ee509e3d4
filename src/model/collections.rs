//! Collections: curated, ordered selections of cases (an annual compendium, an issue of
//! a periodical), resolved against the site's cases.
//!
//! The front matter is typed by `validate/collection.rs`; here the slugs of a
//! `cases:` list are looked up (unknown slug, draft case, repeated slug: errors at the
//! slug's line) and a `rule:` is applied. [`group`] splits a selection into the groups
//! of its table of contents.

use super::{render_body, Case, Taxonomy, TaxonomyKind};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::SourceFile;
use crate::validate::collection::{read_collection, Condition, ListedSlug};
use crate::validate::spellings::term_key;
use crate::validate::suggest::closest;
use crate::validate::with_fields;
use std::collections::HashMap;

pub use crate::validate::collection::{CollectionMeta, GroupBy, Selection};

#[derive(Debug, Clone)]
pub struct Collection {
    pub meta: CollectionMeta,
    /// Source file relative to the site root.
    pub source: String,
    /// `collections/<slug>/`.
    pub url: String,
    /// The foreword (编者按), rendered for the page at `url`.
    pub html: String,
    /// Indices into `Site::cases`, in the collection's order.
    pub cases: Vec<usize>,
    pub cover: Option<super::Figure>,
}

impl Collection {
    /// `collections/<slug>/print/`.
    pub fn print_url(&self) -> String {
        format!("{}print/", self.url)
    }
}

/// One group of a table of contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The domain or region; `None` for cases without one (or with `group_by: none`).
    pub name: Option<String>,
    /// Indices into `Site::cases`, in selection order.
    pub cases: Vec<usize>,
}

/// Splits `selected` into groups. Groups come in the order their first case appears, and
/// keep the selection's order inside; a case sits under its first domain. Regions group
/// one level below what all selected cases share (a county's collection groups by town).
pub fn group(cases: &[Case], selected: &[usize], by: GroupBy) -> Vec<Group> {
    let common = match by {
        GroupBy::Region => common_region_prefix(selected.iter().map(|&i| &cases[i].meta.region)),
        _ => 0,
    };
    let mut groups: Vec<Group> = Vec::new();
    for &i in selected {
        let m = &cases[i].meta;
        let name = match by {
            GroupBy::Domain => m.domains.first().cloned(),
            GroupBy::Region => m.region.get(common).or(m.region.last()).cloned(),
            GroupBy::None => None,
        };
        match groups.iter_mut().find(|g| g.name == name) {
            Some(g) => g.cases.push(i),
            None => groups.push(Group {
                name,
                cases: vec![i],
            }),
        }
    }
    groups
}

fn common_region_prefix<'a>(regions: impl Iterator<Item = &'a Vec<String>>) -> usize {
    let mut prefix: Option<&[String]> = None;
    for r in regions.filter(|r| !r.is_empty()) {
        prefix = Some(match prefix {
            None => r,
            Some(p) => {
                let n = p.iter().zip(r).take_while(|(a, b)| a == b).count();
                &p[..n]
            }
        });
    }
    prefix.map_or(0, <[String]>::len)
}

/// Resolves every collection file; problems go to `diags`. Newest collection first.
// The site's photos joined the inputs every body is rendered with (issue 19).
#[allow(clippy::too_many_arguments)]
pub(super) fn build(
    sources: &[SourceFile],
    draft_slugs: &[String],
    cases: &[Case],
    taxonomies: &[Taxonomy],
    links: &super::links::SiteLinks,
    photos: &super::SitePhotos,
    trusted: bool,
    diags: &Diagnostics,
) -> Vec<Collection> {
    let by_slug: HashMap<&str, usize> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| (c.meta.slug.as_str(), i))
        .collect();
    let mut out: Vec<Collection> = sources
        .iter()
        .filter_map(|src| {
            let meta = with_fields(src, diags, |f| read_collection(f, &src.stem()))?;
            let selected = match &meta.selection {
                Selection::Cases(list) => {
                    resolve_list(src, list, &by_slug, draft_slugs, cases, diags)?
                }
                Selection::Rule(conds) => apply_rule(src, conds, cases, taxonomies, diags),
            };
            let url = format!("collections/{}/", meta.slug);
            let html = render_body(src, "../../", trusted, links, photos, diags).html;
            let cover = meta
                .cover
                .as_ref()
                .and_then(|c| photos.figure(&src.path, c));
            Some(Collection {
                cover,
                meta,
                source: src.rel.clone(),
                url,
                html,
                cases: selected,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.meta
            .date
            .cmp(&a.meta.date)
            .then_with(|| a.meta.title.cmp(&b.meta.title))
    });
    out
}

fn resolve_list(
    src: &SourceFile,
    list: &[ListedSlug],
    by_slug: &HashMap<&str, usize>,
    draft_slugs: &[String],
    cases: &[Case],
    diags: &Diagnostics,
) -> Option<Vec<usize>> {
    if list.is_empty() {
        diags.push(
            Diagnostic::warning(&src.rel, "the `cases:` list is empty")
                .at(crate::load::yaml::line_of_key(&src.yaml, "cases").map_or(src.yaml_line, |l| l + src.yaml_line - 1))
                .field("cases")
                .hint("list the slugs of the cases in reading order, like `cases: [jinshan-jincheng, xunxian-weixian-hutong]`"),
        );
    }
    let mut ok = true;
    let mut out = Vec::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for item in list {
        let at = |d: Diagnostic| match item.column {
            Some(c) => d.at_column(item.line, c),
            None => d.at(item.line),
        };
        let slug = item.slug.as_str();
        if let Some(&i) = by_slug.get(slug) {
            if let Some(first) = seen.get(slug) {
                diags.push(
                    at(Diagnostic::error(
                        &src.rel,
                        format!("the case \"{slug}\" is listed twice (first on line {first})"),
                    ))
                    .field("cases")
                    .hint("a case appears once in a collection: remove one of them"),
                );
                ok = false;
            } else {
                seen.insert(slug, item.line);
                out.push(i);
            }
            continue;
        }
        ok = false;
        let d = if draft_slugs.iter().any(|s| s == slug) {
            Diagnostic::error(
                &src.rel,
                format!("the case \"{slug}\" is a draft (`draft: true`), so it is not published"),
            )
            .hint("publish it by removing `draft: true` from the case, or take it off this list (`casebook build --drafts` previews drafts)")
        } else {
            let d = Diagnostic::error(&src.rel, format!("no case has the slug \"{slug}\""));
            match closest(slug, cases.iter().map(|c| c.meta.slug.as_str())) {
                Some(near) => d.hint(format!("did you mean \"{near}\"?")),
                None => {
                    d.hint("a case's slug is its `slug:` field, or else its file name without .md")
                }
            }
        };
        diags.push(at(d).field("cases"));
    }
    ok.then_some(out)
}

/// Does `case` meet `cond` (any of its values)?
fn matches(case: &Case, cond: &Condition) -> bool {
    let m = &case.meta;
    cond.values.iter().any(|v| match cond.key.as_str() {
        "domain" => m.domains.contains(v),
        "region" => m.region.contains(v),
        "tag" => m.tags.contains(v),
        "year" => m.date.format("%Y").to_string() == *v,
        "organization" => m.organization.as_ref() == Some(v),
        "funder" => m.funding.iter().any(|f| f.source == *v),
        "group" => m.beneficiaries.iter().any(|b| b.group == *v),
        _ => false,
    })
}

fn taxonomy_for(key: &str) -> Option<TaxonomyKind> {
    Some(match key {
        "domain" => TaxonomyKind::Domains,
        "region" => TaxonomyKind::Regions,
        "tag" => TaxonomyKind::Tags,
        "year" => TaxonomyKind::Years,
        "organization" => TaxonomyKind::Organizations,
        "funder" => TaxonomyKind::Funding,
        "group" => TaxonomyKind::Beneficiaries,
        _ => return None,
    })
}

fn apply_rule(
    src: &SourceFile,
    conds: &[Condition],
    cases: &[Case],
    taxonomies: &[Taxonomy],
    diags: &Diagnostics,
) -> Vec<usize> {
    // A value written as the site spells it in another case, width or accent is that
    // term (as in the cases, see `validate::spellings`); a value no case has is most
    // likely a typo: say so, with the nearest known value.
    let mut conds = conds.to_vec();
    for cond in &mut conds {
        let Some(kind) = taxonomy_for(&cond.key) else {
            continue;
        };
        let known: Vec<&str> = taxonomies
            .iter()
            .find(|t| t.kind == kind)
            .map(|t| t.terms.iter().map(|t| t.name.as_str()).collect())
            .unwrap_or_default();
        for v in &mut cond.values {
            if known.contains(&v.as_str()) {
                continue;
            }
            let key = term_key(v);
            if let Some(name) = known.iter().find(|k| term_key(k) == key) {
                *v = name.to_string();
                continue;
            }
            let d = Diagnostic::warning(&src.rel, format!("no case has {} \"{v}\"", cond.key))
                .at(cond.line)
                .field(format!("rule.{}", cond.key));
            diags.push(match closest(v, known.iter().copied()) {
                Some(near) => d.hint(format!("did you mean \"{near}\"?")),
                None => d.hint(format!(
                    "the {}s in use are listed at /{}/",
                    cond.key,
                    kind.key()
                )),
            });
        }
    }
    let selected: Vec<usize> = cases
        .iter()
        .enumerate()
        .filter(|(_, c)| conds.iter().all(|cond| matches(c, cond)))
        .map(|(i, _)| i)
        .collect();
    if selected.is_empty() {
        let line = crate::load::yaml::line_of_key(&src.yaml, "rule").map(|l| l + src.yaml_line - 1);
        diags.push(
            Diagnostic::warning(
                &src.rel,
                "the rule selects no case: the collection is empty",
            )
            .line_opt(line)
            .field("rule")
            .hint("every condition must match; loosen one of them"),
        );
    }
    selected
}
