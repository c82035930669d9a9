//! The period, number, boolean and value-type parsers on arbitrary strings.

use super::*;

// ------------------------------------------------------------------------------------------------
// Parsers
// ------------------------------------------------------------------------------------------------

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,24}",
        "[0-9０-９年月/.\\- ,+，．－]{0,14}",
        any::<String>(),
    ]
}

#[test]
fn period_parser_roundtrips_what_it_accepts() {
    check("parsers/period", cases(1000), text(), |s| {
        if let Ok(p) = s.parse::<Period>() {
            let shown = p.to_string();
            prop_assert_eq!(shown.len(), 7);
            prop_assert_eq!(shown.parse::<Period>(), Ok(p));
            prop_assert!((1900..=2100).contains(&p.year()) && (1..=12).contains(&p.month()));
        }
        Ok(())
    });
    check(
        "parsers/period-valid",
        cases(300),
        (1900i32..=2100, 1u32..=12, 0usize..5),
        |(y, m, style)| {
            let s = match style {
                0 => format!("{y}-{m:02}"),
                1 => format!("{y}/{m}"),
                2 => format!("{y}{m:02}"),
                3 => format!("{y}年{m}月"),
                _ => tuopin::model::cell::normalize_width(&format!("{y}.{m}")).into_owned(),
            };
            prop_assert_eq!(s.parse::<Period>().ok(), Period::new(y, m));
            Ok(())
        },
    );
}

#[test]
fn number_and_boolean_parsers_never_panic() {
    use tuopin::model::cell::{normalize_width, parse_bool, parse_integer, parse_number};
    check("parsers/number-bool", cases(1000), text(), |s| {
        if let Some(v) = parse_number(&s) {
            prop_assert!(v.is_finite());
        }
        if let Some(i) = parse_integer(&s) {
            prop_assert_eq!(parse_number(&s), Some(i as f64));
        }
        let _ = parse_bool(&s);
        let once = normalize_width(&s).into_owned();
        prop_assert_eq!(normalize_width(&once).into_owned(), once.clone());
        Ok(())
    });
    check(
        "parsers/number-roundtrip",
        cases(500),
        -1.0e12f64..1.0e12,
        |x| {
            prop_assert_eq!(parse_number(&x.to_string()), Some(x));
            Ok(())
        },
    );
}

#[test]
fn value_types_accept_only_their_range() {
    let types = [
        ValueType::Count,
        ValueType::Number,
        ValueType::Yuan,
        ValueType::Percent,
        ValueType::PercentChange,
        ValueType::Boolean,
    ];
    check(
        "parsers/value-type",
        cases(1000),
        (prop::sample::select(types.to_vec()), text()),
        |(t, s)| {
            if let Ok(v) = t.parse(&s) {
                prop_assert!(v.is_finite());
                let in_range = match t {
                    ValueType::Count => v >= 0.0 && v.fract() == 0.0,
                    ValueType::Number | ValueType::Yuan => v >= 0.0,
                    ValueType::Percent => (0.0..=100.0).contains(&v),
                    ValueType::PercentChange => (-100.0..=1000.0).contains(&v),
                    ValueType::Boolean => v == 0.0 || v == 1.0,
                };
                prop_assert!(in_range, "{t:?} accepted {s:?} as {v}");
            }
            let _ = s.parse::<ValueType>();
            Ok(())
        },
    );
}

#[test]
fn privacy_and_csv_output_helpers_hold_for_any_text() {
    use tuopin::output::csv::neutralize;
    use tuopin::output::privacy::{contains_id_number, redact_ids};
    let with_ids = prop_oneof![
        text(),
        (text(), text()).prop_map(|(a, b)| format!("{a}11010519491231002X{b}")),
        (text(), text()).prop_map(|(a, b)| format!("{a}１１０１０５１９４９１２３１００２Ｘ{b}")),
    ];
    check("helpers/redact-neutralize", cases(1000), with_ids, |s| {
        let red = redact_ids(&s).into_owned();
        prop_assert!(!red.contains("11010519491231002X"));
        prop_assert!(!contains_id_number(&red), "{red:?}");
        prop_assert_eq!(redact_ids(&red).into_owned(), red);

        let safe = neutralize(&s).into_owned();
        let first = safe.chars().find(|c| !matches!(c, ' ' | '\u{3000}'));
        let risky = matches!(
            first,
            Some('=' | '+' | '-' | '@' | '\t' | '\r' | '\n' | '＝' | '＋' | '－' | '＠')
        );
        prop_assert!(!risky || tuopin::output::csv::is_plain_number(safe.trim()));
        let prefixed = format!("'{s}");
        prop_assert!(safe == s || safe == prefixed);
        Ok(())
    });
}
