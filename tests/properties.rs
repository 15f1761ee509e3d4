//! Property tests for the search index reader: a damaged or arbitrary index never makes
//! a search panic. (Quantities' and front matter's are in src/proptests.rs, the PDF
//! reader's in src/pdf/reader.rs, where its sample PDF is.)

mod common;

use casebook::search::query::{search, Sort};
use casebook::search::{codec, reader};
use proptest::prelude::*;

proptest! {
    #[test]
    fn search_postings_from_any_bytes_never_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..300),
        df in prop_oneof![0usize..100, Just(usize::MAX), any::<usize>()],
        ndocs in prop_oneof![0usize..100, any::<usize>()],
    ) {
        if let Ok(postings) = reader::decode_postings(&bytes, df, ndocs) {
            let _ = reader::decode_positions(&postings, &bytes);
        }
        let _ = codec::unbase64(&String::from_utf8_lossy(&bytes));
        let _ = codec::parse_js_file(&String::from_utf8_lossy(&bytes));
    }
}

/// The search index of a built site, with one of its files replaced by arbitrary bytes
/// (or cut short, or with bytes changed), never makes a search panic.
#[test]
fn a_damaged_search_index_never_panics() {
    let site = common::Site::from_fixture("search");
    site.build().assert_ok();
    let files: Vec<std::path::PathBuf> = walkdir::WalkDir::new(site.public())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "js"))
        .map(|e| e.into_path())
        .filter(|p| p.to_string_lossy().contains("search"))
        .collect();
    assert!(!files.is_empty(), "the build wrote a search index");
    let queries = ["社工", "老人 服务", "a", "\"金山\""];
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 64,
        ..ProptestConfig::default()
    });
    let strategy = (
        0..files.len(),
        proptest::collection::vec(any::<u8>(), 0..400),
        0usize..4,
        any::<prop::sample::Index>(),
    );
    runner
        .run(&strategy, |(which, bytes, how, at)| {
            let path = &files[which];
            let original = std::fs::read(path).expect("index file");
            let damaged = match how {
                0 => bytes.clone(),
                1 => original[..at.index(original.len() + 1)].to_vec(),
                2 => {
                    let mut d = original.clone();
                    for (k, b) in bytes.iter().enumerate() {
                        let i = at.index(d.len().max(1)).wrapping_add(k * 31) % d.len().max(1);
                        if let Some(slot) = d.get_mut(i) {
                            *slot = *b;
                        }
                    }
                    d
                }
                _ => {
                    // Keep the file's frame, change what it carries.
                    let text = String::from_utf8_lossy(&original).into_owned();
                    let junk = String::from_utf8_lossy(&bytes).into_owned();
                    let cut = at.index(text.len() + 1);
                    let cut = (0..=cut)
                        .rev()
                        .find(|&c| text.is_char_boundary(c))
                        .unwrap_or(0);
                    format!("{}{junk}{}", &text[..cut], &text[cut..]).into_bytes()
                }
            };
            std::fs::write(path, &damaged).expect("damage");
            let outcome = std::panic::catch_unwind(|| {
                for q in queries {
                    let _ = search(&site.public(), q, &[], Sort::Relevance);
                    let _ = search(&site.public(), q, &[], Sort::Date);
                }
            });
            std::fs::write(path, &original).expect("repair");
            prop_assert!(
                outcome.is_ok(),
                "a search panicked on a damaged {}",
                path.display()
            );
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

/// Counts in the index's `meta` file that no site has (a damaged file) are an error,
/// not an allocation that aborts the process.
#[test]
fn huge_counts_in_the_search_meta_are_an_error() {
    let site = common::Site::from_fixture("search");
    site.build().assert_ok();
    let path = site
        .public()
        .join(casebook::search::INDEX_DIR)
        .join("meta.js");
    let text = std::fs::read_to_string(&path).expect("meta.js");
    let (name, meta) = codec::parse_js_file(&text).expect("meta parses");
    let meta: serde_json::Value = serde_json::from_slice(&meta).expect("meta is JSON");
    for (field, value) in [("n", u64::MAX), ("n", 1 << 40)] {
        let mut damaged = meta.clone();
        damaged[field] = value.into();
        if let Some(facets) = damaged["facets"].as_array_mut() {
            for f in facets {
                f["n"] = value.into();
            }
        }
        let js = codec::js_json(&name, &damaged);
        std::fs::write(&path, js).expect("damage");
        for q in ["", "社工"] {
            assert!(
                search(&site.public(), q, &[], Sort::Relevance).is_err(),
                "{field}={value}"
            );
        }
    }
}
