//! Related cases: those sharing domains, tags and region with a case.
//!
//! To stay linear in the number of cases, each case only looks at the cases nearest to it
//! in date within each term it belongs to (a window of [`WINDOW`] on each side), instead of
//! every case of a large term.

use super::{Case, Taxonomy, TaxonomyKind};
use rustc_hash::FxHashMap;

pub const WINDOW: usize = 24;
pub const MAX_RELATED: usize = 5;

fn weight(kind: TaxonomyKind, depth: usize) -> u32 {
    match kind {
        TaxonomyKind::Domains => 3,
        TaxonomyKind::Tags => 2,
        TaxonomyKind::Brands | TaxonomyKind::Organizations => 2,
        TaxonomyKind::Regions => depth as u32,
        _ => 0,
    }
}

pub fn compute(cases: &[Case], taxonomies: &[Taxonomy]) -> Vec<Vec<usize>> {
    use rayon::prelude::*;
    (0..cases.len())
        .into_par_iter()
        .map(|i| related_to(i, cases, taxonomies))
        .collect()
}

fn related_to(i: usize, cases: &[Case], taxonomies: &[Taxonomy]) -> Vec<usize> {
    let mut scores: FxHashMap<usize, u32> = FxHashMap::default();
    for tax in taxonomies {
        for path in tax.kind.terms_of(&cases[i].meta) {
            let w = weight(tax.kind, path.len());
            if w == 0 {
                continue;
            }
            let Some(term) = tax.term(&path) else {
                continue;
            };
            // term.cases is in site order (newest first), as `i` is: binary search works.
            let pos = term.cases.binary_search(&i).unwrap_or_else(|p| p);
            let lo = pos.saturating_sub(WINDOW);
            let hi = (pos + WINDOW + 1).min(term.cases.len());
            for &j in &term.cases[lo..hi] {
                if j != i {
                    *scores.entry(j).or_default() += w;
                }
            }
        }
    }
    let mut ranked: Vec<(usize, u32)> = scores.into_iter().collect();
    // Best score first, then nearest in date, then site order: a total order, so the
    // five are the same whichever way they are found. Only those five are sorted (a case
    // has a few hundred candidates; sorting them all was a third of this step).
    let order = |a: &(usize, u32), b: &(usize, u32)| {
        b.1.cmp(&a.1)
            .then_with(|| a.0.abs_diff(i).cmp(&b.0.abs_diff(i)))
            .then(a.0.cmp(&b.0))
    };
    if ranked.len() > MAX_RELATED {
        ranked.select_nth_unstable_by(MAX_RELATED, order);
        ranked.truncate(MAX_RELATED);
    }
    ranked.sort_unstable_by(order);
    // Collected from a borrow, not `into_iter()`: an in-place collect would keep the
    // candidates' whole buffer (kilobytes) behind five indices, for every case (0.57 GiB
    // at 100,000 cases).
    ranked.iter().take(MAX_RELATED).map(|&(j, _)| j).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::CaseMeta;

    fn case(i: usize, domain: &str) -> Case {
        Case {
            meta: CaseMeta {
                title: format!("案例{i}"),
                author: None,
                date: chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()
                    + chrono::Days::new(i as u64),
                slug: format!("c{i}"),
                region: vec!["四川省".into(), "乐山市".into()],
                organization: None,
                brand: None,
                domains: vec![domain.into()],
                beneficiaries: Vec::new(),
                funding: Vec::new(),
                tags: Vec::new(),
                summary: None,
                featured: false,
                draft: false,
                cover: None,
                gallery: Vec::new(),
            },
            source: format!("content/cases/c{i}.md"),
            url: format!("cases/c{i}/"),
            html: String::new(),
            text: "".into(),
            headings: Vec::new(),
            related: Vec::new(),
            cover: None,
            gallery: Vec::new(),
        }
    }

    #[test]
    fn nearest_cases_of_shared_terms_first_and_no_more_kept_than_shown() {
        // Newest first, as the model orders them; even cases are 养老服务, odd 儿童服务.
        let cases: Vec<Case> = (0..60)
            .rev()
            .map(|i| {
                case(
                    i,
                    if i % 2 == 0 {
                        "养老服务"
                    } else {
                        "儿童服务"
                    },
                )
            })
            .collect();
        let facts = super::super::Facts::of(cases.iter());
        let taxonomies = super::super::taxonomy::build_all(&cases, &facts);
        let related = compute(&cases, &taxonomies);
        for (i, rel) in related.iter().enumerate() {
            assert_eq!(rel.len(), MAX_RELATED, "case {i}");
            // Many candidates were scored: the list must not keep their buffer.
            assert!(
                rel.capacity() <= MAX_RELATED,
                "case {i} keeps {}",
                rel.capacity()
            );
            assert!(!rel.contains(&i));
            let domain = &cases[i].meta.domains;
            assert!(rel.iter().all(|&j| &cases[j].meta.domains == domain));
        }
        // Ties (same domain and region) go to the nearest in date.
        assert_eq!(related[10], vec![8, 12, 6, 14, 4]);
    }
}
