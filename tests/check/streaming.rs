//! Streamed output (issue 16): `check villages|counties|households` write each region or household
//! as it is decided. On the demo data, what the binary streams is byte for byte what the collected
//! evaluation (`check::check_villages` and the others, a whole report serialised by serde) gives,
//! and every format renders a streamed check as it renders the collected report.

use tuopin::check::{self, render, Check, HouseholdCheck, Scope};

use crate::common::*;

/// `tuopin demo` over three months, small: the demo's five counties with their villages.
fn demo() -> (Scratch, std::path::PathBuf) {
    let s = Scratch::new();
    let out = assert_cmd::Command::cargo_bin("tuopin")
        .unwrap()
        .current_dir(s.dir.path())
        .env_remove("TUOPIN_DB")
        .args(["demo", "--out", "run", "--months", "2018-11..2019-01"])
        .args(["--villages", "6", "--households", "300", "--seed", "7"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let db = s.path("run/tuopin.db");
    (s, db)
}

fn streamed(db: &std::path::Path, args: &[&str]) -> String {
    let out = assert_cmd::Command::cargo_bin("tuopin")
        .unwrap()
        .env_remove("TUOPIN_DB")
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    String::from_utf8(out.stdout).unwrap()
}

fn pretty<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).unwrap() + "\n"
}

#[test]
fn streamed_json_is_the_collected_evaluation_on_the_demo_data() {
    let (_s, db) = demo();
    let conn = open(&db);
    let all = Scope {
        county: None,
        only_poor: false,
    };
    let poor_of_one = Scope {
        county: Some("210922".to_string()),
        only_poor: true,
    };

    let villages = check::check_villages(&conn, None, &all).unwrap();
    assert!(villages.regions.len() > 30, "{}", villages.regions.len());
    assert_eq!(
        streamed(&db, &["check", "villages", "--format", "json"]),
        pretty(&villages)
    );
    let poor = check::check_villages(&conn, None, &poor_of_one).unwrap();
    assert!(!poor.regions.is_empty());
    assert_eq!(
        streamed(
            &db,
            &[
                "check",
                "villages",
                "--format",
                "json",
                "--county",
                "210922",
                "--only-poor"
            ]
        ),
        pretty(&poor)
    );

    let counties = check::check_counties(&conn, None, &all).unwrap();
    assert!(counties.regions.len() >= 5);
    assert_eq!(
        streamed(&db, &["check", "counties", "--format", "json"]),
        pretty(&counties)
    );

    let households = check::check_households(&conn, None, None, None).unwrap();
    assert!(!households.households.is_empty());
    assert!(households.registers.iter().any(|r| r.monitored_people > 0));
    assert_eq!(
        streamed(&db, &["check", "households", "--format", "json"]),
        pretty(&households)
    );
    // No household on the lists: the empty array as serde writes it.
    let none = check::check_households(&conn, None, None, Some(0.0)).unwrap();
    let json = streamed(
        &db,
        &[
            "check",
            "households",
            "--format",
            "json",
            "--threshold",
            "0",
        ],
    );
    assert_eq!(json, pretty(&none));
}

#[test]
fn every_format_renders_a_streamed_check_as_the_collected_report() {
    let (_s, db) = demo();
    let conn = open(&db);
    let scope = Scope {
        county: None,
        only_poor: false,
    };
    let formats = [
        render::Format::Table,
        render::Format::Csv,
        render::Format::Json,
        render::Format::Markdown,
    ];
    for counties in [false, true] {
        let (collected, check) = if counties {
            (
                check::check_counties(&conn, None, &scope).unwrap(),
                Check::counties(&conn, None, &scope).unwrap(),
            )
        } else {
            (
                check::check_villages(&conn, None, &scope).unwrap(),
                Check::villages(&conn, None, &scope).unwrap(),
            )
        };
        for format in formats {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            render::report(&mut a, &collected, format, true).unwrap();
            render::report(&mut b, &check, format, true).unwrap();
            assert_eq!(
                String::from_utf8(a).unwrap(),
                String::from_utf8(b).unwrap(),
                "{format:?}"
            );
        }
        // A workbook's bytes carry its creation time: compare its cells.
        let (mut a, mut b) = (Vec::new(), Vec::new());
        render::report(&mut a, &collected, render::Format::Xlsx, true).unwrap();
        render::report(&mut b, &check, render::Format::Xlsx, true).unwrap();
        let cells = |bytes: &[u8]| -> Vec<(String, Vec<Vec<String>>)> {
            office::sheets(bytes)
                .into_iter()
                .map(|(name, range)| {
                    let rows = (0..range.height())
                        .map(|r| office::row_text(&range, r))
                        .collect();
                    (name, rows)
                })
                .collect()
        };
        assert_eq!(cells(&a), cells(&b));
    }
    // The households table, from the same check run twice, and its JSON against the collected one.
    let h = HouseholdCheck::new(&conn, None, None, None).unwrap();
    let mut json = Vec::new();
    render::households(&mut json, &h, render::Format::Json, true).unwrap();
    let collected = check::check_households(&conn, None, None, None).unwrap();
    assert_eq!(String::from_utf8(json).unwrap(), pretty(&collected));
}
