//! Dry runs, the batch list, ownership across counties, and the wide template.

use super::*;

#[test]
fn dry_run_writes_nothing_but_reports() {
    let s = Scratch::new();
    s.init();
    let file = s.write(
        "h.csv",
        format!("{HEADER}\n2019-03,H1,{SANJIAZI},,,3,,,未脱贫,,1000,,,,,\n"),
    );
    let before = data_dump(&s.open());
    s.tuopin(&["import", "households", "--dry-run"])
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains("试运行"));
    assert_eq!(data_dump(&s.open()), before);
}

#[test]
fn imports_lists_batches() {
    let s = Scratch::new();
    s.init();
    let file = s.write(
        "h.csv",
        format!("{HEADER}\n2019-03,H1,{SANJIAZI},,,3,,,未脱贫,,1000,,,,,\n"),
    );
    s.tuopin(&["import", "households"])
        .arg(&file)
        .env("USER", "zhangwu")
        .assert()
        .success();
    let out = s.tuopin(&["imports", "--json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let b = &v[0];
    assert_eq!(b["file_name"], "h.csv");
    assert_eq!(b["rows_read"], 1);
    assert_eq!(b["rows_written"], 1);
    assert_eq!(b["imported_by"], "zhangwu");
    assert_eq!(b["period"], "2019-03");
    assert_eq!(b["sha256"].as_str().unwrap().len(), 64);
    let table = stdout(&s.tuopin(&["imports"]).output().unwrap());
    assert!(
        table.contains("h.csv") && table.contains("zhangwu"),
        "{table}"
    );
}

#[test]
fn a_household_of_another_county_cannot_be_taken_over() {
    let s = Scratch::new();
    s.init();
    let a = s.write(
        "a.csv",
        format!("{HEADER}\n2019-03,H1,{SANJIAZI},,,3,,,未脱贫,,1000,,,,,\n"),
    );
    s.tuopin(&["import", "households"])
        .arg(&a)
        .assert()
        .success();
    let b = s.write(
        "b.csv",
        format!("{HEADER}\n2019-03,H1,211404-T01-V01,,,3,,,未脱贫,,1000,,,,,\n"),
    );
    s.tuopin(&["import", "households"])
        .arg(&b)
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("b.csv:2: [户编号]").and(predicate::str::contains("210922")),
        );
}

#[test]
fn the_wide_template_imports_as_written() {
    let s = Scratch::new();
    s.init();
    let header = stdout(
        &s.tuopin(&["template", "indicators", "--wide"])
            .output()
            .unwrap(),
    );
    let row = format!("2019-05,{SANJIAZI},1330,52000,是,100,是,是,是,是,是,,,,,\n");
    let file = s.write("wide-template.csv", format!("{}{row}", header));
    let out = s
        .tuopin(&["import", "indicators"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let n: i64 = scalar(
        &s.open(),
        "SELECT count(*) FROM indicator_value WHERE region_code = ?1 AND period = '2019-05'",
        [SANJIAZI],
    );
    assert_eq!(n, 9);
}
