//! One spelling per term. Two values of a taxonomy that differ only in upper/lower case,
//! full-width letters or the way an accented letter is encoded ("NGO", "ngo", "ＮＧＯ")
//! would get term pages whose file names are the same on Windows, macOS and many web
//! hosts, so one page would overwrite the other. An editor who writes them means one
//! term (an input method left in full-width mode, a name pasted from another program), so
//! they become one: every case shows the chosen spelling and is listed on its page, and
//! each case that writes another spelling gets a warning naming its file and line and a
//! case that writes the chosen one.
//!
//! The chosen spelling is the one most cases write; for an organization, the one the
//! organizations data file lists, if it lists one of them. On a tie: the composed (NFC)
//! form, then the first in code-point order (so "NGO" before "ngo", and half-width before
//! full-width). Values are compared within one taxonomy (a tag "NGO" and a domain "ngo"
//! are different pages), and a region level only with the same parent region.
//!
//! A site without such values is left exactly as it was.

use super::case::slug_key;
use super::{CaseMeta, Organization};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::yaml::line_of_value;
use crate::load::SourceFile;
use crate::model::TaxonomyKind;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use unicode_normalization::UnicodeNormalization;

/// The form in which two values of a taxonomy are one term: the form of
/// [`slug_key`], in which their pages' file names are the same.
pub fn term_key(name: &str) -> String {
    slug_key(name)
}

/// The taxonomies whose values editors write (years come from dates).
fn written_kinds() -> impl Iterator<Item = TaxonomyKind> {
    TaxonomyKind::ALL
        .into_iter()
        .filter(|k| *k != TaxonomyKind::Years)
}

/// How messages name a value of `kind`, the front-matter key its line is found under,
/// and the field name messages give.
fn words(kind: TaxonomyKind) -> (&'static str, &'static str, &'static str) {
    match kind {
        TaxonomyKind::Regions => ("region", "region", "region"),
        TaxonomyKind::Domains => ("domain", "domains", "domains"),
        TaxonomyKind::Tags => ("tag", "tags", "tags"),
        TaxonomyKind::Organizations => ("organization", "organization", "organization"),
        TaxonomyKind::Brands => ("brand", "brand", "brand"),
        TaxonomyKind::Beneficiaries => (
            "beneficiary group",
            "beneficiaries",
            "beneficiaries.group",
        ),
        TaxonomyKind::Funding => ("funder", "funding", "funding.source"),
        TaxonomyKind::Years => ("year", "date", "date"),
    }
}

/// How many cases write one spelled-out term path, and the first of them.
#[derive(Clone, Copy)]
struct Uses {
    cases: usize,
    first: usize,
}

type Counts = HashMap<(TaxonomyKind, Vec<String>), Uses>;

/// The spelling chosen for the values of one term.
struct Choice {
    kind: TaxonomyKind,
    spelling: String,
    /// Cases that write it.
    cases: usize,
    /// The first of them, in `cases` order.
    example: usize,
    /// Chosen because the organizations data file lists it.
    listed: bool,
}

/// A term path written in a spelling other than the chosen one.
struct Rename {
    to: Vec<String>,
    /// The levels whose spelling changes, with the [`Choice`] each gets.
    levels: Vec<(usize, usize)>,
}

/// Gives every term of `cases` one spelling, warning about each case that writes
/// another; `organizations` (from `organizations_file`) decides between spellings of an
/// organization's name.
pub fn unify(
    cases: &mut [(SourceFile, CaseMeta)],
    organizations: &BTreeMap<String, Organization>,
    organizations_file: Option<&str>,
    diags: &Diagnostics,
) {
    let counts = count(cases);
    let (choices, renames) = choose(&counts, organizations);
    if renames.is_empty() {
        return;
    }
    // Where each chosen spelling is written, as `file:line`.
    let examples: Vec<String> = choices
        .iter()
        .map(|c| {
            let src = &cases[c.example].0;
            let (_, key, _) = words(c.kind);
            match line_of_value(&src.yaml, key, &c.spelling) {
                Some(l) => format!("{}:{}", src.rel, l + src.yaml_line - 1),
                None => src.rel.clone(),
            }
        })
        .collect();
    let found: Vec<Vec<Diagnostic>> = cases
        .par_iter_mut()
        .map(|(src, meta)| {
            let mut found: Vec<Diagnostic> = Vec::new();
            for kind in written_kinds() {
                for (from, rename) in rename(kind, meta, &renames) {
                    for &(level, c) in &rename.levels {
                        let d = warning(
                            src,
                            &from[level],
                            &choices[c],
                            &examples[c],
                            organizations_file,
                        );
                        if !found.contains(&d) {
                            found.push(d);
                        }
                    }
                }
            }
            found
        })
        .collect();
    diags.extend(found.into_iter().flatten());
}

/// The warning for `src`, which writes `from` where the site shows `choice`.
fn warning(
    src: &SourceFile,
    from: &str,
    choice: &Choice,
    example: &str,
    organizations_file: Option<&str>,
) -> Diagnostic {
    let (noun, key, field) = words(choice.kind);
    let to = &choice.spelling;
    let mut whose = match choice.cases {
        1 => format!("written so in {example}"),
        n => format!("written so in {n} cases, like {example}"),
    };
    if let Some(file) = organizations_file.filter(|_| choice.listed) {
        whose = format!("listed so in {file}, and {whose}");
    }
    let message = if from.nfc().eq(to.nfc()) {
        format!(
            "the {noun} \"{from}\" looks the same as \"{to}\" ({whose}), but its letters are stored differently (as in text pasted from some programs), so both would have the same web address: they are one {noun}"
        )
    } else {
        format!(
            "the {noun} \"{from}\" and the {noun} \"{to}\" ({whose}) differ only in upper/lower case, full-width letters or accents, so both would have the same web address: they are one {noun}, shown everywhere as \"{to}\""
        )
    };
    let hint = format!(
        "write \"{to}\" here too (copy it from {example}), so every case spells the {noun} one way"
    );
    let line = line_of_value(&src.yaml, key, from).map(|l| l + src.yaml_line - 1);
    Diagnostic::warning(&src.rel, message)
        .line_opt(line)
        .field(field)
        .hint(hint)
}

/// Every spelled-out term path of every case, counted once per case.
fn count(cases: &[(SourceFile, CaseMeta)]) -> Counts {
    cases
        .par_iter()
        .enumerate()
        .fold(Counts::new, |mut counts, (i, (_, meta))| {
            for kind in written_kinds() {
                for path in kind.terms_of(meta) {
                    let u = counts.entry((kind, path)).or_insert(Uses {
                        cases: 0,
                        first: i,
                    });
                    u.cases += 1;
                    u.first = u.first.min(i);
                }
            }
            counts
        })
        .reduce(Counts::new, |mut a, b| {
            for (k, u) in b {
                let e = a.entry(k).or_insert(Uses {
                    cases: 0,
                    first: u.first,
                });
                e.cases += u.cases;
                e.first = e.first.min(u.first);
            }
            a
        })
}

/// The spellings chosen for terms written more than one way, and how each path written
/// another way is renamed (by taxonomy, as [`TaxonomyKind`] indices).
fn choose(
    counts: &Counts,
    organizations: &BTreeMap<String, Organization>,
) -> (Vec<Choice>, Vec<HashMap<Vec<String>, Rename>>) {
    // (kind, folded path) → last-level spelling → uses. Paths whose folded forms are the
    // same differ at some level; each level is decided where it is the last one.
    let mut keys: HashMap<&str, String> = HashMap::new();
    let mut groups: HashMap<(TaxonomyKind, Vec<String>), BTreeMap<&str, Uses>> =
        HashMap::new();
    for ((kind, path), uses) in counts {
        let folded: Vec<String> = path
            .iter()
            .map(|s| {
                keys.entry(s.as_str())
                    .or_insert_with(|| term_key(s))
                    .clone()
            })
            .collect();
        let Some(last) = path.last() else { continue };
        let by_spelling = groups.entry((*kind, folded)).or_default();
        let e = by_spelling.entry(last.as_str()).or_insert(Uses {
            cases: 0,
            first: uses.first,
        });
        e.cases += uses.cases;
        e.first = e.first.min(uses.first);
    }
    let mut choices = Vec::new();
    let mut chosen: HashMap<(TaxonomyKind, &[String]), usize> = HashMap::new();
    for ((kind, folded), spellings) in &groups {
        if spellings.len() < 2 {
            continue;
        }
        let listed = |s: &str| *kind == TaxonomyKind::Organizations && organizations.contains_key(s);
        let best = spellings
            .iter()
            .max_by(|(a, ua), (b, ub)| {
                listed(a)
                    .cmp(&listed(b))
                    .then(ua.cases.cmp(&ub.cases))
                    .then(is_nfc(a).cmp(&is_nfc(b)))
                    .then(b.cmp(a))
            })
            .map(|(s, u)| (*s, *u));
        let Some((spelling, uses)) = best else { continue };
        chosen.insert((*kind, folded.as_slice()), choices.len());
        choices.push(Choice {
            kind: *kind,
            spelling: spelling.to_string(),
            cases: uses.cases,
            example: uses.first,
            listed: listed(spelling),
        });
    }
    let mut renames: Vec<HashMap<Vec<String>, Rename>> =
        TaxonomyKind::ALL.iter().map(|_| HashMap::new()).collect();
    if chosen.is_empty() {
        return (choices, Vec::new());
    }
    for (kind, path) in counts.keys() {
        let folded: Vec<&String> = path.iter().map(|s| &keys[s.as_str()]).collect();
        let mut to = path.clone();
        let mut levels = Vec::new();
        for n in 0..path.len() {
            let prefix: Vec<String> = folded[..=n].iter().map(|s| (*s).clone()).collect();
            if let Some(&c) = chosen.get(&(*kind, prefix.as_slice())) {
                if choices[c].spelling != path[n] {
                    to[n] = choices[c].spelling.clone();
                    levels.push((n, c));
                }
            }
        }
        if !levels.is_empty() {
            renames[*kind as usize].insert(path.clone(), Rename { to, levels });
        }
    }
    (choices, renames)
}

fn is_nfc(s: &str) -> bool {
    s.nfc().eq(s.chars())
}

/// Renames the values of `kind` in `meta` that are written another way than chosen,
/// returning each path as it was written with its [`Rename`].
fn rename<'a>(
    kind: TaxonomyKind,
    meta: &mut CaseMeta,
    renames: &'a [HashMap<Vec<String>, Rename>],
) -> Vec<(Vec<String>, &'a Rename)> {
    let table = &renames[kind as usize];
    let mut out = Vec::new();
    if table.is_empty() {
        return out;
    }
    let mut one = |value: &mut String| -> bool {
        let Some(r) = table.get(std::slice::from_ref(value)) else {
            return false;
        };
        out.push((vec![std::mem::replace(value, r.to[0].clone())], r));
        true
    };
    match kind {
        TaxonomyKind::Regions => {
            if let Some(r) = table.get(meta.region.as_slice()) {
                out.push((std::mem::replace(&mut meta.region, r.to.clone()), r));
            }
        }
        TaxonomyKind::Domains => {
            if meta.domains.iter_mut().map(&mut one).fold(false, |a, b| a | b) {
                dedup(&mut meta.domains);
            }
        }
        TaxonomyKind::Tags => {
            if meta.tags.iter_mut().map(&mut one).fold(false, |a, b| a | b) {
                dedup(&mut meta.tags);
            }
        }
        TaxonomyKind::Organizations => {
            meta.organization.iter_mut().for_each(|v| {
                one(v);
            });
        }
        TaxonomyKind::Brands => {
            meta.brand.iter_mut().for_each(|v| {
                one(v);
            });
        }
        TaxonomyKind::Beneficiaries => meta.beneficiaries.iter_mut().for_each(|b| {
            one(&mut b.group);
        }),
        TaxonomyKind::Funding => meta.funding.iter_mut().for_each(|f| {
            one(&mut f.source);
        }),
        TaxonomyKind::Years => {}
    }
    out
}

/// Drops later repeats, keeping the order.
fn dedup(values: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    values.retain(|v| seen.insert(v.clone()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Severity;

    /// Cases read from front matters (title, date and slug are added).
    fn cases(fronts: &[&str]) -> Vec<(SourceFile, CaseMeta)> {
        fronts
            .iter()
            .enumerate()
            .map(|(i, front)| {
                let yaml = format!("title: 案例{i}\ndate: 2024-01-0{}\nslug: c{i}\n{front}\n", i + 1);
                let src = SourceFile {
                    path: format!("content/cases/c{i}.md").into(),
                    rel: format!("content/cases/c{i}.md"),
                    yaml,
                    yaml_line: 2,
                    body: String::new(),
                    body_line: 0,
                };
                let diags = Diagnostics::new();
                let meta = crate::validate::validate_case(&src, &diags).unwrap();
                (src, meta)
            })
            .collect()
    }

    fn unified(
        fronts: &[&str],
        listed: &[&str],
    ) -> (Vec<(SourceFile, CaseMeta)>, Vec<Diagnostic>) {
        let mut cs = cases(fronts);
        let orgs = listed
            .iter()
            .map(|n| (n.to_string(), Organization::default()))
            .collect();
        let diags = Diagnostics::new();
        unify(&mut cs, &orgs, Some("data/organizations.yaml"), &diags);
        (cs, diags.into_sorted())
    }

    #[test]
    fn the_spelling_most_cases_write_wins() {
        let (cs, ds) = unified(&["tags: [ngo]", "tags: [NGO]", "tags: [ＮＧＯ, 社工站]", "tags: [ngo]"], &[]);
        let tags: Vec<&[String]> = cs.iter().map(|(_, m)| m.tags.as_slice()).collect();
        assert_eq!(tags, [&["ngo"][..], &["ngo"], &["ngo", "社工站"], &["ngo"]]);
        assert_eq!(ds.len(), 2, "{ds:#?}");
        assert!(ds.iter().all(|d| d.severity == Severity::Warning));
        assert_eq!(ds[0].file, "content/cases/c1.md");
        assert_eq!(ds[0].line, Some(5));
        assert!(
            ds[0].message.contains("\"NGO\" and the tag \"ngo\" (written so in 2 cases, like content/cases/c0.md:5)"),
            "{}",
            ds[0].message
        );
        assert_eq!(ds[1].file, "content/cases/c2.md");
    }

    #[test]
    fn ties_go_to_the_composed_form_then_code_point_order() {
        let (cs, _) = unified(&["tags: [ngo]", "tags: [NGO]"], &[]);
        assert!(cs.iter().all(|(_, m)| m.tags == ["NGO"]));
        let (cs, _) = unified(&["tags: [ＮＧＯ]", "tags: [NGO]"], &[]);
        assert!(cs.iter().all(|(_, m)| m.tags == ["NGO"]));
        let (cs, ds) = unified(&["tags: [Cafe\u{301}]", "tags: [Caf\u{e9}]"], &[]);
        assert!(cs.iter().all(|(_, m)| m.tags == ["Caf\u{e9}"]));
        assert!(ds[0].message.contains("looks the same"), "{}", ds[0].message);
    }

    #[test]
    fn an_organization_is_spelled_as_the_data_file_lists_it() {
        let (cs, ds) = unified(
            &["organization: abc中心", "organization: abc中心", "organization: ABC中心"],
            &["ABC中心"],
        );
        assert!(cs
            .iter()
            .all(|(_, m)| m.organization.as_deref() == Some("ABC中心")));
        assert_eq!(ds.len(), 2);
        assert!(ds[0].message.contains("listed so in data/organizations.yaml"));
    }

    #[test]
    fn region_levels_are_unified_under_their_parent() {
        let (cs, ds) = unified(
            &[
                "region: [四川省, Leshan, A]",
                "region: [四川省, leshan, a]",
                "region: [四川省, Leshan]",
                "region: [广东省, leshan]",
            ],
            &[],
        );
        let regions: Vec<String> = cs.iter().map(|(_, m)| m.region.join("/")).collect();
        assert_eq!(regions, ["四川省/Leshan/A", "四川省/Leshan/A", "四川省/Leshan", "广东省/leshan"]);
        assert_eq!(ds.len(), 2, "one per level: {ds:#?}");
    }

    #[test]
    fn lists_lose_the_repeats_renaming_makes_and_only_those() {
        let (cs, ds) = unified(&["tags: [NGO, ngo, 社工站]", "tags: [社工站, 社工站]"], &[]);
        assert_eq!(cs[0].1.tags, ["NGO", "社工站"]);
        assert_eq!(cs[1].1.tags, ["社工站", "社工站"]);
        assert_eq!(ds.len(), 1);
    }

    #[test]
    fn a_site_without_such_values_is_untouched() {
        let fronts = ["tags: [NGO, 社工站]\ndomains: [养老服务]", "tags: [ngo2]\norganization: abc"];
        let (cs, ds) = unified(&fronts, &["ABC"]);
        assert!(ds.is_empty());
        let before = cases(&fronts);
        for ((_, a), (_, b)) in cs.iter().zip(&before) {
            assert_eq!(format!("{a:?}"), format!("{b:?}"));
        }
    }
}
