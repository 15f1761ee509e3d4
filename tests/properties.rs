//! Property tests for the parsers that read what users (or a damaged disk) hand to
//! casebook: quantities, front matter and the search index. Each must answer every
//! input with a value or an error, never a panic. (The PDF reader's are beside it, in
//! `src/pdf/reader.rs`, where its sample PDF is.)

mod common;

use casebook::load::frontmatter::{self, SplitError};
use casebook::quantity::{format_count, format_yuan, Amount, Count};
use casebook::search::query::{search, Sort};
use casebook::search::{codec, reader};
use proptest::prelude::*;

/// Text made of what quantities are written with, so that many of them parse.
fn quantity_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            4 => "[0-9]",
            1 => "[.,，．０-９]",
            1 => prop_oneof![
                Just("万"), Just("亿"), Just("千"), Just("百"), Just("十"), Just("元"),
                Just("余"), Just("多"), Just("约"), Just("近"), Just("超过"), Just("左右"),
                Just("人次"), Just("户"), Just("-"), Just("~"), Just("%"), Just(" "),
                Just("几"), Just("数")
            ]
            .prop_map(str::to_string),
        ],
        0..12,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #[test]
    fn quantities_never_panic(text in any::<String>()) {
        let _ = Count::parse(&text);
        let _ = Amount::parse(&text);
    }

    #[test]
    fn quantity_like_text_never_panics(text in quantity_text()) {
        let _ = Count::parse(&text);
        let _ = Amount::parse(&text);
    }

    /// What casebook prints for a parsed value reads back as the same value (to the two
    /// decimals of the unit it is printed in: 2.23万 for 22,345) and the same "about".
    #[test]
    fn parsed_values_print_back_to_themselves(text in quantity_text()) {
        if let Ok(c) = Count::parse(&text) {
            prop_assume!(c.value < 1e15);
            let printed = format_count(c.value, c.approx, "zh-CN");
            let again = Count::parse(&printed).expect("casebook reads what it prints");
            prop_assert_eq!(again.approx, c.approx, "{} -> {}", text, printed);
            prop_assert!(close(again.value, c.value), "{} -> {} -> {}", text, printed, again.value);
            let english = format_count(c.value, false, "en");
            let exact = Count::parse(&english).expect("casebook reads its English figures");
            prop_assert!((exact.value - c.value).abs() <= 0.005, "{} -> {}", text, english);
        }
        if let Ok(a) = Amount::parse(&text) {
            prop_assume!(a.yuan < 1e15);
            let printed = format_yuan(a.yuan, a.approx, "zh-CN");
            let again = Amount::parse(&printed).expect("casebook reads what it prints");
            prop_assert_eq!(again.approx, a.approx, "{} -> {}", text, printed);
            prop_assert!(close(again.yuan, a.yuan), "{} -> {} -> {}", text, printed, again.yuan);
        }
    }

    /// Whole numbers below 万, and those that 万 or 亿 with two decimals show exactly,
    /// come back exactly.
    #[test]
    fn exact_figures_print_back_exactly(n in 0u64..10_000, unit in 0usize..3) {
        let value = (n * [1, 100, 1_000_000][unit]) as f64;
        let printed = format_count(value, false, "zh-CN");
        prop_assert_eq!(Count::parse(&printed).map(|c| c.value).ok(), Some(value), "{}", printed);
        let printed = format_yuan(value, true, "zh-CN");
        let again = Amount::parse(&printed).expect("an amount");
        prop_assert_eq!((again.yuan, again.approx), (value, true), "{}", printed);
    }

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

    #[test]
    fn front_matter_splitting_never_panics(text in any::<String>()) {
        let _ = frontmatter::split(&text);
    }

    /// Front matter and body come back as written, with the body's line counted.
    #[test]
    fn front_matter_splits_where_it_is_closed(
        yaml in proptest::collection::vec("[a-z]{1,8}: [^\n\r]{0,20}", 0..6),
        body in "[^\r]{0,80}",
        crlf in any::<bool>(),
    ) {
        let nl = if crlf { "\r\n" } else { "\n" };
        let yaml: String = yaml.iter().map(|l| format!("{l}{nl}")).collect();
        let text = format!("---{nl}{yaml}---{nl}{body}");
        let s = frontmatter::split(&text).expect("closed front matter");
        prop_assert_eq!(s.yaml, yaml.as_str());
        prop_assert_eq!(s.body, body.as_str());
        prop_assert_eq!(s.body_line, yaml.matches('\n').count() + 3);
        let unclosed = format!("---{nl}{yaml}");
        prop_assert_eq!(frontmatter::split(&unclosed), Err(SplitError::Unclosed));
    }
}

/// Equal to the two decimals printed in the value's unit (1, 万 or 亿).
fn close(a: f64, b: f64) -> bool {
    let unit = if b >= 1e8 - 50.0 {
        1e8
    } else if b >= 1e4 - 0.005 {
        1e4
    } else {
        1.0
    };
    (a - b).abs() <= 0.005 * unit + b * 1e-12
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
    for (field, value) in [("n", u64::MAX), ("n", 1 << 40)] {
        let mut damaged = meta.clone();
        damaged[field] = value.into();
        if let Some(facets) = damaged["facets"].as_array_mut() {
            for f in facets {
                f["n"] = value.into();
            }
        }
        let js = codec::js_file(&name, &codec::json_for_js(&damaged));
        std::fs::write(&path, js).expect("damage");
        for q in ["", "社工"] {
            assert!(
                search(&site.public(), q, &[], Sort::Relevance).is_err(),
                "{field}={value}"
            );
        }
    }
}
