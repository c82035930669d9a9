//! `tuopin demo generate` and `tuopin demo`: generated county files that import cleanly, the same
//! bytes for the same seed, both encodings, 三家子村 as the bulletin describes it.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::*;

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

const SMALL: &[&str] = &["--villages", "6", "--households", "300", "--seed", "7"];

#[test]
fn same_seed_same_bytes_and_both_encodings() {
    let s = Scratch::new();
    let gen = |dir: &str, seed: &str| {
        s.tuopin(&[
            "demo",
            "generate",
            "--out",
            dir,
            "--months",
            "2019-11..2019-12",
            "--villages",
            "6",
            "--households",
            "300",
            "--seed",
            seed,
        ])
        .assert()
        .success();
        files(&s.path(dir))
    };
    let a = gen("a", "7");
    let b = gen("b", "7");
    let c = gen("c", "8");
    assert_eq!(a, b, "same seed, different files");
    assert_ne!(a, c, "different seed, same files");
    // regions + (households + indicators) × 5 counties × 2 months + the province's 2019-12 file
    // + 朝阳县's bulletin of the last month
    assert_eq!(a.len(), 1 + 2 * 5 * 2 + 1 + 1, "{:?}", a.keys());
    assert!(a.contains_key("demo-211321-朝阳县-bulletin-2019-12.txt"));
    let mut gbk = 0;
    let mut utf8 = 0;
    for (name, bytes) in &a {
        assert!(
            name.starts_with("demo-"),
            "generated files are marked: {name}"
        );
        match std::str::from_utf8(bytes) {
            Ok(_) => utf8 += 1,
            Err(_) => {
                gbk += 1;
                let (text, had_errors) = encoding_rs::GBK.decode_without_bom_handling(bytes);
                assert!(!had_errors, "{name}");
                assert!(
                    text.contains("\r\n"),
                    "GBK files are written with CRLF: {name}"
                );
            }
        }
    }
    assert!(gbk > 0 && utf8 > 0, "gbk {gbk}, utf8 {utf8}");
    assert!(
        a.values().any(|b| b.starts_with(b"\xEF\xBB\xBF")),
        "one county writes a BOM"
    );
}

#[test]
fn generated_files_import_without_errors_and_carry_sanjiazi() {
    let s = Scratch::new();
    let mut args = vec!["demo", "--out", "run", "--months", "2018-11..2019-01"];
    args.extend_from_slice(SMALL);
    let out = assert_cmd::Command::cargo_bin("tuopin")
        .unwrap()
        .current_dir(s.dir.path())
        .env_remove("TUOPIN_DB")
        .args(&args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    assert!(!stderr(&out).contains("无效"), "{}", stderr(&out));
    let conn = open(&s.path("run/tuopin.db"));
    assert_eq!(
        scalar::<i64>(
            &conn,
            "SELECT count(*) FROM import_batch WHERE kind <> 'reference' AND rows_read = 0",
            []
        ),
        0
    );
    // 三家子村: 174 registered households, 382 people, all exited by 2018-12.
    let (households, people, exited): (i64, i64, i64) = conn
        .query_row(
            "SELECT count(*), sum(size), sum(status = 'exited') FROM household_snapshot
             WHERE village_code = '210922-T01-V01' AND period = '2018-12'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((households, people, exited), (174, 382, 174));
    let population: f64 = scalar(
        &conn,
        "SELECT value FROM indicator_value WHERE region_code = '210922-T01-V01' AND indicator_code = 'population' AND period = '2019-01'",
        [],
    );
    assert_eq!(population, 1328.0);
    // Every county got households and indicator values each month.
    let per_month: i64 = scalar(
        &conn,
        "SELECT count(*) FROM register_snapshot WHERE period BETWEEN '2018-11' AND '2019-01'",
        [],
    );
    assert_eq!(per_month, 15);
    // The files carry ID numbers; the database keeps only hashes and masks.
    let n: i64 = scalar(&conn, "SELECT count(*) FROM household_snapshot WHERE id_hash IS NOT NULL AND id_masked LIKE '____**********____'", []);
    assert!(n > 0);
    let fk: i64 = scalar(&conn, "SELECT count(*) FROM pragma_foreign_key_check", []);
    assert_eq!(fk, 0);
    // 建昌县 sends the national export (a row per person): its households are as many as in
    // the contract's files, the rows read more, and H2 (no column there) is never reported.
    let (batches, read, written): (i64, i64, i64) = conn
        .query_row(
            "SELECT count(*), sum(rows_read), sum(rows_written) FROM import_batch
             WHERE file_name LIKE 'demo-211422-%-households-national-%.csv'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((batches, written), (3, 3 * 300));
    assert!(
        read > 2 * written,
        "{read} person rows for {written} households"
    );
    let h2: i64 = scalar(
        &conn,
        "SELECT count(*) FROM household_snapshot h JOIN region_county c ON c.code = h.village_code
         WHERE c.county_code = '211422' AND h.food_clothing_ok IS NOT NULL",
        [],
    );
    assert_eq!(h2, 0);
}

#[test]
fn bad_generator_arguments_are_clear_errors() {
    let s = Scratch::new();
    s.tuopin(&["demo", "generate", "--out", "x", "--counties", "210000"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("210000"));
    s.tuopin(&[
        "demo",
        "generate",
        "--out",
        "x",
        "--months",
        "2019-12..2019-01",
    ])
    .assert()
    .code(2);
    s.tuopin(&["demo", "generate", "--out", "x", "--months", "2019-12"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(".."));
}
