//! Related cases: those sharing domains, tags and region with a case.
//!
//! To stay linear in the number of cases, each case only looks at the cases nearest to it
//! in date within each term it belongs to (a window of [`WINDOW`] on each side), instead of
//! every case of a large term.

use super::{Case, Taxonomy, TaxonomyKind};
use std::collections::HashMap;

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
    let mut scores: HashMap<usize, u32> = HashMap::new();
    for tax in taxonomies {
        for path in tax.kind.terms_of(&cases[i]) {
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
    ranked.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| a.0.abs_diff(i).cmp(&b.0.abs_diff(i)))
            .then(a.0.cmp(&b.0))
    });
    // Collected from a borrow, not `into_iter()`: an in-place collect would keep the
    // candidates' whole buffer (kilobytes) behind five indices, for every case (0.57 GiB
    // at 100,000 cases).
    ranked
        .iter()
        .take(MAX_RELATED)
        .map(|&(j, _)| j)
        .collect()
}
