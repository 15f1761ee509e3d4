//! Property tests for the parsers that read what users hand to casebook: quantities
//! and front matter. Each must answer every input with a value or an error, never a
//! panic. (The search index's are in tests/properties.rs, the PDF reader's beside it.)

use crate::load::frontmatter::{self, SplitError};
use crate::quantity::{format_count, format_yuan, Amount, Count};
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
            let printed = format_count(c.value, c.approx(), "zh-CN");
            let again = Count::parse(&printed).expect("casebook reads what it prints");
            prop_assert_eq!(again.approx(), c.approx(), "{} -> {}", text, printed);
            prop_assert!(close(again.value, c.value), "{} -> {} -> {}", text, printed, again.value);
            let english = format_count(c.value, false, "en");
            let exact = Count::parse(&english).expect("casebook reads its English figures");
            prop_assert!((exact.value - c.value).abs() <= 0.005 + 1e-9, "{} -> {}", text, english);
        }
        if let Ok(a) = Amount::parse(&text) {
            prop_assume!(a.yuan < 1e15);
            let printed = format_yuan(a.yuan, a.approx(), "zh-CN");
            let again = Amount::parse(&printed).expect("casebook reads what it prints");
            prop_assert_eq!(again.approx(), a.approx(), "{} -> {}", text, printed);
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
        prop_assert_eq!((again.yuan, again.approx()), (value, true), "{}", printed);
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
