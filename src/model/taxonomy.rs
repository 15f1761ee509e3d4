//! Taxonomies: the ways into the compendium (region, domain, tag, organization, brand,
//! beneficiary group, funder, year), each a list of terms with the cases under them.
//! Regions are hierarchical: a province's term holds every case below it.

use super::aggregate::Facts;
use super::{collate, Case, Totals};
use crate::validate::CaseMeta;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TaxonomyKind {
    Regions = 0,
    Domains,
    Tags,
    Organizations,
    Brands,
    Beneficiaries,
    Funding,
    Years,
}

impl TaxonomyKind {
    pub const ALL: [TaxonomyKind; 8] = [
        TaxonomyKind::Regions,
        TaxonomyKind::Domains,
        TaxonomyKind::Tags,
        TaxonomyKind::Organizations,
        TaxonomyKind::Brands,
        TaxonomyKind::Beneficiaries,
        TaxonomyKind::Funding,
        TaxonomyKind::Years,
    ];

    /// The output folder, which is also the key of its UI label.
    pub fn key(self) -> &'static str {
        match self {
            TaxonomyKind::Regions => "regions",
            TaxonomyKind::Domains => "domains",
            TaxonomyKind::Tags => "tags",
            TaxonomyKind::Organizations => "organizations",
            TaxonomyKind::Brands => "brands",
            TaxonomyKind::Beneficiaries => "beneficiaries",
            TaxonomyKind::Funding => "funding",
            TaxonomyKind::Years => "years",
        }
    }

    /// How an index of this taxonomy is ordered: years newest first; names a reader
    /// looks up (places, organizations, brands, tags) by pinyin; the rest largest first.
    pub fn order(self) -> TermOrder {
        match self {
            TaxonomyKind::Years => TermOrder::Newest,
            TaxonomyKind::Regions
            | TaxonomyKind::Organizations
            | TaxonomyKind::Brands
            | TaxonomyKind::Tags => TermOrder::Name,
            _ => TermOrder::Size,
        }
    }

    /// The terms of one case under this taxonomy (for regions: every level).
    pub fn terms_of(self, m: &CaseMeta) -> Vec<Vec<String>> {
        let flat = |v: &[String]| v.iter().map(|s| vec![s.clone()]).collect::<Vec<_>>();
        let mut out = match self {
            TaxonomyKind::Regions => (1..=m.region.len())
                .map(|n| m.region[..n].to_vec())
                .collect(),
            TaxonomyKind::Domains => flat(&m.domains),
            TaxonomyKind::Tags => flat(&m.tags),
            TaxonomyKind::Organizations => m.organization.iter().map(|o| vec![o.clone()]).collect(),
            TaxonomyKind::Brands => m.brand.iter().map(|b| vec![b.clone()]).collect(),
            TaxonomyKind::Beneficiaries => m
                .beneficiaries
                .iter()
                .map(|b| vec![b.group.clone()])
                .collect(),
            TaxonomyKind::Funding => m.funding.iter().map(|f| vec![f.source.clone()]).collect(),
            TaxonomyKind::Years => vec![vec![m.date.format("%Y").to_string()]],
        };
        out.sort();
        out.dedup();
        out
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermOrder {
    Newest,
    Name,
    Size,
}

#[derive(Debug, Clone)]
pub struct Term {
    pub name: String,
    /// For regions the full path (province first); otherwise just `[name]`.
    pub path: Vec<String>,
    /// `regions/四川省/乐山市/`: the one place a term's address is made ([`build`]);
    /// every link to the term reads it here.
    pub url: String,
    /// Indices into `Site::cases`, newest first.
    pub cases: Vec<usize>,
    /// Child terms (regions only), indices into `Taxonomy::terms`.
    pub children: Vec<usize>,
    pub parent: Option<usize>,
    pub totals: Totals,
}

#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub kind: TaxonomyKind,
    /// In [`TaxonomyKind::order`].
    pub terms: Vec<Term>,
    /// Top-level terms (all terms except nested regions).
    pub roots: Vec<usize>,
    lookup: HashMap<Vec<String>, usize>,
}

impl Taxonomy {
    pub fn term(&self, path: &[String]) -> Option<&Term> {
        self.lookup.get(path).map(|&i| &self.terms[i])
    }

    pub fn term_index(&self, path: &[String]) -> Option<usize> {
        self.lookup.get(path).copied()
    }

    /// The address of the term `path` (see [`Term::url`]).
    pub fn url_of(&self, path: &[String]) -> Option<&str> {
        self.term(path).map(|t| t.url.as_str())
    }
}

/// Longest term segment, in bytes, written as it is: file names stop at 255 bytes (85
/// Chinese characters), and a longer one gets a shortened name with a hash.
pub const MAX_SEGMENT_BYTES: usize = 100;

/// A term name as a URL path segment: readable (Chinese stays Chinese), but without
/// characters that would break a path. A name too long for a file name, or one that
/// would take the place of a file casebook writes (`index.html`), is shortened and given
/// a hash of the whole name, so it stays the same from build to build.
pub fn segment(name: &str) -> String {
    let s = readable(name);
    if s.len() > MAX_SEGMENT_BYTES || s.eq_ignore_ascii_case("index.html") {
        hashed(&s, name)
    } else {
        s
    }
}

/// `name` with the characters that would break a path replaced by `-`.
fn readable(name: &str) -> String {
    let s: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_whitespace() || c.is_control() || "/\\?#%&:<>\"'|*".contains(c) {
                '-'
            } else {
                c
            }
        })
        .collect();
    let s = s.trim_matches('.');
    if s.is_empty() {
        "-".to_string()
    } else {
        s.to_string()
    }
}

/// The start of `readable` with a hash of the whole `name`.
fn hashed(readable: &str, name: &str) -> String {
    let mut short = String::new();
    for c in readable.chars() {
        if short.len() + c.len_utf8() > MAX_SEGMENT_BYTES / 2 {
            break;
        }
        short.push(c);
    }
    format!("{short}-{:016x}", stable_hash(name))
}

/// FNV-1a: the same on every machine and in every version, unlike std's hasher.
fn stable_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Every taxonomy, in [`TaxonomyKind::ALL`] order. The taxonomies and their terms' totals
/// are built in parallel: the totals visit every case once per term it is under, which
/// at 100,000 cases is most of the model's time.
pub fn build_all(cases: &[Case], facts: &Facts<'_>) -> Vec<Taxonomy> {
    TaxonomyKind::ALL
        .par_iter()
        .map(|&k| build(k, cases, facts))
        .collect()
}

fn build(kind: TaxonomyKind, cases: &[Case], facts: &Facts<'_>) -> Taxonomy {
    let mut members: HashMap<Vec<String>, Vec<usize>> = HashMap::new();
    for (i, case) in cases.iter().enumerate() {
        for path in kind.terms_of(&case.meta) {
            members.entry(path).or_default().push(i);
        }
    }
    let mut paths: Vec<(String, Vec<String>, Vec<usize>)> = members
        .into_iter()
        .map(|(path, idx)| (collate::key(&path.join(" ")), path, idx))
        .collect();
    paths.sort_by(|(ka, pa, ca), (kb, pb, cb)| match kind.order() {
        TermOrder::Newest => pb.cmp(pa),
        TermOrder::Name => ka.cmp(kb).then_with(|| pa.cmp(pb)),
        TermOrder::Size => cb
            .len()
            .cmp(&ca.len())
            .then_with(|| ka.cmp(kb))
            .then_with(|| pa.cmp(pb)),
    });
    let mut terms: Vec<Term> = paths
        .into_par_iter()
        .map(|(_, path, idx)| Term {
            name: path.last().cloned().unwrap_or_default(),
            totals: facts.totals(idx.iter().copied()),
            path,
            url: String::new(),
            cases: idx,
            children: Vec::new(),
            parent: None,
        })
        .collect();
    let lookup: HashMap<Vec<String>, usize> = terms
        .iter()
        .enumerate()
        .map(|(i, t)| (t.path.clone(), i))
        .collect();
    let mut roots = Vec::new();
    for i in 0..terms.len() {
        let path = &terms[i].path;
        match (path.len() > 1)
            .then(|| lookup.get(&path[..path.len() - 1]))
            .flatten()
        {
            Some(&p) => {
                terms[i].parent = Some(p);
                terms[p].children.push(i);
            }
            None => roots.push(i),
        }
    }
    set_urls(kind, &mut terms);
    Taxonomy {
        kind,
        terms,
        roots,
        lookup,
    }
}

/// Gives every term its address: its parent's (or the taxonomy's folder) and its own
/// [`segment`]. Siblings whose segments would be the same file name on Windows, macOS or
/// a web host (`a/b` and `a b` both make `a-b`; `NGO.` and `NGO` make `NGO`) get a
/// segment with a hash of their name instead, so no page takes another's place; only a
/// name written as its segment (`NGO`, `a-b`) keeps its plain one, so its address does
/// not change when another name like it turns up. (Names that differ only in case, width
/// or accents were made one term before: `validate::spellings`.)
fn set_urls(kind: TaxonomyKind, terms: &mut [Term]) {
    let segments: Vec<(String, String)> = terms
        .par_iter()
        .map(|t| {
            let s = segment(&t.name);
            let key = crate::validate::case::slug_key(&s);
            (s, key)
        })
        .collect();
    let mut siblings: HashMap<(Option<usize>, &str), usize> = HashMap::new();
    for (t, (_, key)) in terms.iter().zip(&segments) {
        *siblings.entry((t.parent, key.as_str())).or_default() += 1;
    }
    let shared: Vec<bool> = terms
        .iter()
        .zip(&segments)
        .map(|(t, (_, key))| siblings[&(t.parent, key.as_str())] > 1)
        .collect();
    // Parents come before their children here: a path is longer than its parent's.
    let mut order: Vec<usize> = (0..terms.len()).collect();
    order.sort_by_key(|&i| terms[i].path.len());
    for i in order {
        let own = if shared[i] && segments[i].0 != terms[i].name {
            hashed(&readable(&terms[i].name), &terms[i].name)
        } else {
            segments[i].0.clone()
        };
        let url = match terms[i].parent {
            Some(p) => format!("{}{own}/", terms[p].url),
            None => {
                let path = &terms[i].path;
                let above: String = path[..path.len().saturating_sub(1)]
                    .iter()
                    .map(|p| format!("{}/", segment(p)))
                    .collect();
                format!("{}/{above}{own}/", kind.key())
            }
        };
        terms[i].url = url;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_keep_chinese_and_drop_path_breakers() {
        assert_eq!(segment("养老服务"), "养老服务");
        assert_eq!(segment("a/b ?c"), "a-b--c");
        assert_eq!(segment(".."), "-");
        assert_eq!(segment("a\0b"), "a-b");
    }

    #[test]
    fn long_or_reserved_terms_get_a_short_stable_name() {
        let long = "很长的标签".repeat(20);
        let s = segment(&long);
        assert!(s.len() <= MAX_SEGMENT_BYTES, "{s}");
        assert_eq!(s, segment(&long), "stable");
        assert_ne!(s, segment(&format!("{long}二")), "distinct");
        assert!(s.starts_with("很长的标签"), "{s}");
        assert_ne!(segment("index.html"), "index.html");
        assert_ne!(segment("INDEX.HTML"), "INDEX.HTML");
    }

    /// Terms as [`build`] leaves them before [`set_urls`]: paths, parents first.
    fn terms(paths: &[&[&str]]) -> Vec<Term> {
        let paths: Vec<Vec<String>> = paths
            .iter()
            .map(|p| p.iter().map(|s| s.to_string()).collect())
            .collect();
        paths
            .iter()
            .map(|path| Term {
                name: path.last().cloned().unwrap_or_default(),
                path: path.clone(),
                url: String::new(),
                cases: Vec::new(),
                children: Vec::new(),
                parent: paths.iter().position(|p| p[..] == path[..path.len() - 1]),
                totals: Totals::default(),
            })
            .collect()
    }

    fn urls(kind: TaxonomyKind, paths: &[&[&str]]) -> Vec<String> {
        let mut t = terms(paths);
        set_urls(kind, &mut t);
        t.into_iter().map(|t| t.url).collect()
    }

    #[test]
    fn addresses_are_the_parents_and_the_segment() {
        assert_eq!(
            urls(
                TaxonomyKind::Regions,
                &[&["四川省"], &["四川省", "乐山市"], &["四川省", "乐山市", "a/b"]]
            ),
            ["regions/四川省/", "regions/四川省/乐山市/", "regions/四川省/乐山市/a-b/"]
        );
    }

    #[test]
    fn siblings_with_the_same_file_name_get_their_own_addresses() {
        let u = urls(TaxonomyKind::Tags, &[&["NGO"], &["NGO."], &["a/b"], &["a b"]]);
        assert_eq!(u[0], "tags/NGO/", "written as its segment: kept");
        assert!(u[1].starts_with("tags/NGO-") && u[1].len() == "tags/NGO-/".len() + 16, "{u:?}");
        assert!(u[2].starts_with("tags/a-b-") && u[3].starts_with("tags/a-b-"), "{u:?}");
        assert_ne!(u[2], u[3]);
        assert_eq!(u, urls(TaxonomyKind::Tags, &[&["NGO"], &["NGO."], &["a/b"], &["a b"]]), "stable");
        // The same names under different parents do not meet.
        let u = urls(
            TaxonomyKind::Regions,
            &[&["甲"], &["乙"], &["甲", "x/y"], &["乙", "x y"]],
        );
        assert_eq!(u[2], "regions/甲/x-y/");
        assert_eq!(u[3], "regions/乙/x-y/");
    }
}
