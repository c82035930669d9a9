//! The synthetic files the benchmarks build their databases from: they must import through the real
//! importer without a single problem, and the indicators file must hold what the checks read.

use std::path::PathBuf;

use crate::common::{scalar, Scratch};
use tuopin::demo::synth::{self, CountyPlan};

fn plans() -> Vec<CountyPlan<'static>> {
    vec![
        CountyPlan {
            code: "210922",
            townships: 2,
            villages_per_township: 20,
        },
        CountyPlan {
            code: "211321",
            townships: 1,
            villages_per_township: 20,
        },
    ]
}

fn write(s: &Scratch, name: &str, f: impl FnOnce(&mut Vec<u8>) -> anyhow::Result<()>) -> PathBuf {
    let mut bytes = Vec::new();
    f(&mut bytes).expect("generate");
    s.write(name, bytes)
}

fn indicators(period: &str, seed: u64) -> Vec<u8> {
    let mut out = Vec::new();
    synth::write_indicators(&mut out, &plans(), "21", period, seed).expect("generate");
    out
}

#[test]
fn indicators_are_deterministic_for_a_seed() {
    assert_eq!(indicators("2019-12", 7), indicators("2019-12", 7));
    assert_ne!(indicators("2019-12", 7), indicators("2019-12", 8));
    let text = String::from_utf8(indicators("2019-12", 7)).unwrap();
    // Header, 60 villages, 2 counties, the province (December is a survey month).
    assert_eq!(text.lines().count(), 1 + 60 + 2 + 1);
    let november = String::from_utf8(indicators("2019-11", 7)).unwrap();
    assert_eq!(november.lines().count(), 1 + 60 + 2);
}

#[test]
fn generated_files_import_cleanly_and_feed_the_checks() {
    let s = Scratch::new();
    s.init();
    let plans = plans();
    let villages = synth::village_codes(&plans);
    let regions = write(&s, "regions.csv", |f| synth::write_regions(f, &plans));
    let households = write(&s, "households-2019-12.csv", |f| {
        synth::write_households(f, &villages, 600, "2019-12", 42)
    });
    let nov = s.write("indicators-2019-11.csv", indicators("2019-11", 7));
    let dec = s.write("indicators-2019-12.csv", indicators("2019-12", 7));
    for (kind, file) in [
        ("regions", &regions),
        ("households", &households),
        ("indicators", &nov),
        ("indicators", &dec),
    ] {
        s.tuopin(&["import", kind, file.to_str().unwrap()])
            .assert()
            .success();
    }

    let conn = s.open();
    let count = |sql: &str| scalar::<i64>(&conn, sql, []);
    assert_eq!(
        count("SELECT count(*) FROM household_snapshot WHERE period = '2019-12'"),
        600
    );
    // Population is always reported, for every village and county, each month.
    assert_eq!(
        count(
            "SELECT count(*) FROM indicator_value
             WHERE indicator_code = 'population' AND period = '2019-12' AND batch_id IS NOT NULL"
        ),
        62
    );
    // A county's population is the sum of its villages'.
    for county in ["210922", "211321"] {
        let county_pop: f64 = scalar(
            &conn,
            "SELECT value FROM indicator_value
             WHERE region_code = ?1 AND indicator_code = 'population' AND period = '2019-12'",
            [county],
        );
        let villages_pop: f64 = scalar(
            &conn,
            "SELECT sum(v.value) FROM indicator_value v JOIN region_county c ON c.code = v.region_code
             JOIN region r ON r.code = v.region_code
             WHERE c.county_code = ?1 AND r.level = 'village' AND r.code LIKE '%-G%'
               AND v.indicator_code = 'population' AND v.period = '2019-12'",
            [county],
        );
        assert_eq!(county_pop, villages_pop, "{county}");
    }
    // Survey figures come quarterly: December has them, November does not.
    let surveys = |period: &str| {
        scalar::<i64>(
            &conn,
            "SELECT count(*) FROM indicator_value
             WHERE indicator_code IN ('wrong_exit_rate', 'missed_rate', 'approval_rate', 'rural_income_growth')
               AND period = ?1 AND batch_id IS NOT NULL",
            [period],
        )
    };
    assert_eq!(surveys("2019-12"), 2 * 4 + 1);
    assert_eq!(surveys("2019-11"), 0);
    // Some facility cells are left empty (not reported), but not most.
    let facilities = count(
        "SELECT count(*) FROM indicator_value
         WHERE period = '2019-12' AND indicator_code IN ('collective_income', 'hardened_road',
           'safe_water_rate', 'electricity', 'broadband', 'clinic', 'culture_center', 'leading_industry')",
    );
    assert!(
        facilities < 60 * 8 && facilities > 60 * 8 * 8 / 10,
        "{facilities}"
    );

    // The checks find every value of a generated village: from December, or for a cell left empty
    // from November (the as-of rule); only a cell empty in both months has no data.
    let out = s
        .tuopin(&[
            "check", "villages", "--period", "2019-12", "--format", "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let (mut from_november, mut no_data) = (0, 0);
    for r in report["regions"].as_array().unwrap() {
        let code = r["code"].as_str().unwrap();
        if !villages.iter().any(|v| v == code) {
            continue;
        }
        for c in r["criteria"].as_array().unwrap() {
            if c["status"] == "no_data" {
                assert!(
                    !["V1", "V9"].contains(&c["no"].as_str().unwrap()),
                    "{code}: the register figures always have data: {}",
                    c["source"]
                );
                no_data += 1;
            } else if c["value_period"] == "2019-11" {
                from_november += 1;
            }
        }
    }
    assert!(from_november > 0);
    assert_eq!(from_november + no_data, 60 * 8 - facilities);
}
