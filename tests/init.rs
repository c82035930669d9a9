//! `tuopin init`, `status`, `template`, `facts`: the foundation, tested as a user runs it.

use crate::common::*;
use predicates::prelude::*;

#[test]
fn init_creates_a_sound_database_with_the_reference_data() {
    let s = Scratch::new();
    let out = s.tuopin(&["init"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("已创建数据库"));

    let conn = s.open();
    assert_eq!(scalar::<String>(&conn, "PRAGMA integrity_check", []), "ok");
    let fk_problems: i64 = scalar(&conn, "SELECT count(*) FROM pragma_foreign_key_check", []);
    assert_eq!(fk_problems, 0);
    assert_eq!(
        scalar::<i64>(&conn, "PRAGMA user_version", []),
        tuopin::db::migrate::SCHEMA_VERSION
    );
    assert_eq!(scalar::<String>(&conn, "PRAGMA journal_mode", []), "wal");

    let count = |sql: &str| scalar::<i64>(&conn, sql, []) as usize;
    assert_eq!(
        count("SELECT count(*) FROM region"),
        data_rows("regions.csv")
    );
    assert_eq!(
        count("SELECT count(*) FROM indicator"),
        data_rows("indicators.csv")
    );
    assert_eq!(
        count("SELECT count(*) FROM criterion"),
        data_rows("criteria.csv")
    );
    assert_eq!(
        count("SELECT count(*) FROM criterion WHERE level = 'village'"),
        10
    );
    assert_eq!(
        count("SELECT count(*) FROM criterion WHERE level = 'county'"),
        6
    );
    assert_eq!(count("SELECT count(*) FROM poverty_line"), 5);
    assert_eq!(count("SELECT count(*) FROM bulletin"), 5);
    assert_eq!(
        count("SELECT count(*) FROM indicator_value WHERE quote_id IS NOT NULL"),
        data_rows("facts.csv")
    );
    // Every stored value and region has a source.
    assert_eq!(
        count("SELECT count(*) FROM indicator_value WHERE batch_id IS NULL AND quote_id IS NULL"),
        0
    );
    assert_eq!(
        count("SELECT count(*) FROM region WHERE batch_id IS NULL"),
        0
    );
    // The catalogue codes of docs/csv-contract.md are all there.
    for code in [
        "population",
        "collective_income",
        "hardened_road",
        "safe_water_rate",
        "electricity",
        "broadband",
        "clinic",
        "culture_center",
        "leading_industry",
        "wrong_exit_rate",
        "missed_rate",
        "approval_rate",
        "rural_income_growth",
        "dibao_standard",
        "poverty_line",
        "poor_households",
        "poor_population",
        "poverty_incidence",
        "safe_housing_rate",
        "suspected_wrong_exits",
    ] {
        assert_eq!(
            scalar::<i64>(
                &conn,
                "SELECT count(*) FROM indicator WHERE code = ?1",
                [code]
            ),
            1,
            "{code}"
        );
    }
    // Poverty lines as data.
    assert_eq!(
        scalar::<f64>(&conn, "SELECT yuan FROM poverty_line WHERE year = 2019", []),
        3747.0
    );
    // The salt for ID hashes is per database and random.
    let salt: String = scalar(&conn, "SELECT value FROM meta WHERE key = 'id_salt'", []);
    assert_eq!(salt.len(), 64);
    let other = Scratch::new();
    other.init();
    let other_salt: String = scalar(
        &other.open(),
        "SELECT value FROM meta WHERE key = 'id_salt'",
        [],
    );
    assert_ne!(salt, other_salt);
}

#[cfg(unix)]
#[test]
fn database_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let s = Scratch::new();
    s.init();
    let mode = std::fs::metadata(s.db()).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn regions_carry_the_hierarchy_and_provisional_codes() {
    let s = Scratch::new();
    s.init();
    let conn = s.open();
    let planned: Vec<String> = conn
        .prepare("SELECT name FROM region WHERE planned_exit_year = 2019 ORDER BY code")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        planned,
        ["岫岩满族自治县", "义县", "彰武县", "朝阳县", "建昌县"]
    );
    // 三家子村 sits under 章古台镇, 彰武县 (210922), 阜新市 (2109), 辽宁省 (21).
    let chain: String = scalar(
        &conn,
        "SELECT v.name || '/' || t.name || '/' || c.code || '/' || m.code || '/' || p.code
         FROM region v JOIN region t ON t.code = v.parent_code JOIN region c ON c.code = t.parent_code
         JOIN region m ON m.code = c.parent_code JOIN region p ON p.code = m.parent_code
         WHERE v.name = '三家子村'",
        [],
    );
    assert_eq!(chain, "三家子村/章古台镇/210922/2109/21");
    // Codes not in the bulletins are provisional and visibly so.
    let bad: i64 = scalar(
        &conn,
        "SELECT count(*) FROM region WHERE level IN ('township', 'village') AND (code_official = 1 OR code NOT LIKE '%-%')",
        [],
    );
    assert_eq!(bad, 0);
    // The schema refuses a village directly under a county.
    let err = conn
        .execute(
            "INSERT INTO region (code, name, level, parent_code) VALUES ('x', '某村', 'village', '210922')",
            [],
        )
        .unwrap_err();
    assert!(err.to_string().contains("one level above"), "{err}");
}

fn fact(
    conn: &rusqlite::Connection,
    region: &str,
    indicator: &str,
    period: &str,
) -> (f64, i64, String) {
    conn.query_row(
        "SELECT v.value, b.issue_no, q.sentence FROM indicator_value v
         JOIN bulletin_quote q ON q.id = v.quote_id JOIN bulletin b ON b.id = q.bulletin_id
         JOIN region r ON r.code = v.region_code
         WHERE r.name = ?1 AND v.indicator_code = ?2 AND v.period = ?3",
        [region, indicator, period],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .unwrap_or_else(|e| panic!("{region} {indicator} {period}: {e}"))
}

#[test]
fn bulletin_facts_are_queryable_with_their_source() {
    let s = Scratch::new();
    s.init();
    let conn = s.open();
    for (indicator, want) in [
        ("households_total", 339.0),
        ("population", 1328.0),
        ("registered_poor_households", 174.0),
        ("registered_poor_population", 382.0),
    ] {
        let (value, issue, sentence) = fact(&conn, "三家子村", indicator, "2019-03");
        assert_eq!(value, want, "{indicator}");
        assert_eq!(issue, 25, "{indicator}");
        assert!(sentence.contains(&want.to_string()), "{sentence}");
    }
    // "200 余人" is kept as a lower bound.
    let q: String = scalar(
        &conn,
        "SELECT qualifier FROM indicator_value WHERE indicator_code = 'offfarm_workers'",
        [],
    );
    assert_eq!(q, "at_least");

    // 铁岭 低保: 4,350 before 2019-07, 4,770 from 2019-07, as of any month.
    let tieling = tuopin::model::region::get(&conn, "2112").unwrap();
    assert_eq!(tieling.name, "铁岭市");
    let as_of = |p: &str| {
        tuopin::model::indicator::value_as_of(&conn, "2112", "dibao_standard", p.parse().unwrap())
            .unwrap()
            .map(|v| v.value)
    };
    assert_eq!(as_of("2019-06"), Some(4350.0));
    assert_eq!(as_of("2019-07"), Some(4770.0));
    assert_eq!(as_of("2020-01"), Some(4770.0));
    assert_eq!(fact(&conn, "铁岭市", "dibao_standard", "2019-07").1, 26);
    assert_eq!(fact(&conn, "铁岭市", "dibao_standard", "2019-03").1, 26);
}

#[test]
fn facts_command_cites_issue_and_sentence() {
    let s = Scratch::new();
    s.init();
    let out = s
        .tuopin(&["facts", "--region", "210922-T01-V01"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.contains("三家子村"), "{text}");
    assert!(text.contains("建档立卡贫困户数 174 户"), "{text}");
    assert!(text.contains("第25期（总第213期，2019-03-27）"), "{text}");
    assert!(
        text.contains("其中，建档立卡贫困户 174 户、382 人"),
        "{text}"
    );
    assert!(text.contains("转移就业人数 200 以上 人"), "{text}");
    // Region attributes too: the five planned-exit counties (第24期).
    let out = s
        .tuopin(&["facts", "--region", "2109", "--json"])
        .output()
        .unwrap();
    let facts: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let planned = facts
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["region_code"] == "210922" && f["indicator_code"] == "planned_exit_year")
        .expect("彰武县 planned exit");
    assert_eq!(planned["value"], 2019.0);
    assert_eq!(planned["issue_no"], 24);
    // An unknown region is a clear error, exit 2.
    s.tuopin(&["facts", "--region", "999999"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("999999"));
}

#[test]
fn init_refuses_an_existing_database_unless_forced() {
    let s = Scratch::new();
    s.init();
    s.tuopin(&["init"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    s.tuopin(&["init", "--force"]).assert().success();
    assert_eq!(
        scalar::<String>(&s.open(), "PRAGMA integrity_check", []),
        "ok"
    );
}

#[test]
fn a_newer_schema_is_refused_even_with_force() {
    let s = Scratch::new();
    s.init();
    s.open().pragma_update(None, "user_version", 99).unwrap();
    for args in [&["init"][..], &["init", "--force"], &["status"]] {
        s.tuopin(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("99").and(predicate::str::contains("tuopin")));
    }
    assert_eq!(scalar::<i64>(&s.open(), "PRAGMA user_version", []), 99);
}

#[test]
fn a_file_that_is_not_a_tuopin_database_is_refused() {
    let s = Scratch::new();
    let other = s.path("other.db");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x);")
        .unwrap();
    let mut cmd = assert_cmd::Command::cargo_bin("tuopin").unwrap();
    cmd.arg("--db").arg(&other).arg("status");
    cmd.assert()
        .code(2)
        .stderr(predicate::str::contains("不是 tuopin 数据库"));
}

#[test]
fn database_path_from_flag_env_or_current_folder() {
    let s = Scratch::new();
    // TUOPIN_DB when no --db.
    let env_db = s.path("from-env.db");
    assert_cmd::Command::cargo_bin("tuopin")
        .unwrap()
        .current_dir(s.dir.path())
        .env("TUOPIN_DB", &env_db)
        .arg("init")
        .assert()
        .success();
    assert!(env_db.exists());
    // tuopin.db in the current folder when neither.
    assert_cmd::Command::cargo_bin("tuopin")
        .unwrap()
        .current_dir(s.dir.path())
        .env_remove("TUOPIN_DB")
        .arg("init")
        .assert()
        .success();
    assert!(s.path("tuopin.db").exists());
    // --db wins over TUOPIN_DB.
    let flag_db = s.path("from-flag.db");
    assert_cmd::Command::cargo_bin("tuopin")
        .unwrap()
        .current_dir(s.dir.path())
        .env("TUOPIN_DB", &env_db)
        .arg("--db")
        .arg(&flag_db)
        .arg("init")
        .assert()
        .success();
    assert!(flag_db.exists());
}

/// Edit one data file of a copy of data/, run `init --data`, expect a failure naming file and line.
fn init_with_edit(
    name: &str,
    edit: impl FnOnce(String) -> String,
    want_line: &str,
    want_text: &str,
) {
    let s = Scratch::new();
    let data = copy_data(&s);
    let path = data.join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, edit(text)).unwrap();
    let out = s
        .tuopin(&["init", "--data", data.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains(&format!("{name}:{want_line}")), "{err}");
    assert!(err.contains(want_text), "{err}");
    // Nothing left behind: no database, no temporary file.
    let left: Vec<_> = std::fs::read_dir(s.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "data")
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn bad_data_files_fail_with_file_and_line_and_leave_nothing() {
    // A region whose parent is missing (line 3 of regions.csv).
    init_with_edit(
        "regions.csv",
        |t| t.replacen("2103,鞍山市,city,21,", "2103,鞍山市,city,22,", 1),
        "3",
        "上级代码 22 不存在",
    );
    // A criterion with an unknown indicator (line 2 of criteria.csv).
    init_with_edit(
        "criteria.csv",
        |t| {
            t.replacen(
                "V1,village,1,贫困发生率,poverty_incidence",
                "V1,village,1,贫困发生率,no_such_thing",
                1,
            )
        },
        "2",
        "no_such_thing",
    );
    // A duplicate region code: the last line repeats the first.
    let lines = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/regions.csv"),
    )
    .unwrap()
    .lines()
    .count();
    init_with_edit(
        "regions.csv",
        |t| format!("{t}21,辽宁省,province,,,,1,,\n"),
        &(lines + 1).to_string(),
        "重复",
    );
    // A duplicate indicator code.
    let indicator_lines = data_rows("indicators.csv") + 1;
    init_with_edit(
        "indicators.csv",
        |t| format!("{t}broadband,宽带2,是/否,boolean,village,0,\n"),
        &(indicator_lines + 1).to_string(),
        "重复",
    );
    // A fact whose quote is not in the bulletin.
    init_with_edit(
        "facts.csv",
        |t| t.replacen("全村 339 户、1328 人\n", "全村 340 户、1328 人\n", 1),
        "2",
        "找不到",
    );
}

#[test]
fn overwriting_a_value_keeps_the_old_one_in_history() {
    use tuopin::model::indicator::{put_value, Change, NewValue, Qualifier, Source};
    let s = Scratch::new();
    s.init();
    let conn = tuopin::db::open(&s.db()).unwrap();
    let quote: i64 = scalar(&conn, "SELECT quote_id FROM indicator_value WHERE region_code = '2112' AND indicator_code = 'dibao_standard' AND period = '2019-07'", []);
    let mut v = NewValue {
        region_code: "2112",
        indicator_code: "dibao_standard",
        period: "2019-07".parse().unwrap(),
        value: 4800.0,
        qualifier: Qualifier::Exact,
        note: None,
        source: Source::Quote(quote),
    };
    assert_eq!(put_value(&conn, &v).unwrap(), Change::Updated);
    assert_eq!(put_value(&conn, &v).unwrap(), Change::Unchanged);
    v.period = "2019-08".parse().unwrap();
    assert_eq!(put_value(&conn, &v).unwrap(), Change::Inserted);

    let (action, old): (String, String) = conn
        .query_row(
            "SELECT action, old_row FROM history WHERE table_name = 'indicator_value'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(action, "update");
    let old: serde_json::Value = serde_json::from_str(&old).unwrap();
    assert_eq!(old["value"], 4770.0);
    assert_eq!(old["period"], "2019-07");
    assert_eq!(old["quote_id"], quote);
    // Deleting keeps it too.
    conn.execute(
        "DELETE FROM indicator_value WHERE region_code = '2112' AND period = '2019-08'",
        [],
    )
    .unwrap();
    assert_eq!(
        scalar::<i64>(
            &conn,
            "SELECT count(*) FROM history WHERE action = 'delete'",
            []
        ),
        1
    );
}

#[test]
fn status_reports_what_the_database_holds() {
    let s = Scratch::new();
    s.init();
    let out = s.tuopin(&["status"]).output().unwrap();
    let text = stdout(&out);
    let version = format!("结构版本 {}", tuopin::db::migrate::SCHEMA_VERSION);
    assert!(text.contains(&version), "{text}");
    assert!(text.contains("县 9"), "{text}");
    assert!(text.contains("村 8"), "{text}");
    assert!(text.contains("快报 58 条"), "{text}");
    assert!(text.contains("第25期（总第213期，2019-03-27）"), "{text}");
    let out = s.tuopin(&["status", "--json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["criteria"], 16);
    assert_eq!(v["households"], 0);
}

#[test]
fn status_without_a_database_says_to_run_init() {
    let s = Scratch::new();
    s.tuopin(&["status"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("tuopin init"));
    assert!(!s.db().exists());
}

#[test]
fn templates_print_the_contract_headers() {
    let s = Scratch::new();
    let header = |args: &[&str]| {
        stdout(&s.tuopin(args).output().unwrap())
            .trim_end()
            .to_string()
    };
    assert_eq!(
        header(&["template", "households"]),
        "统计期,户编号,村代码,户主姓名,证件号码,家庭人口,贫困户属性,主要致贫原因,脱贫状态,脱贫年度,人均纯收入,不愁吃穿,义务教育保障,基本医疗保障,住房安全,饮水安全,监测对象类别"
    );
    assert_eq!(
        header(&["template", "households", "--english"]),
        "period,household_id,village_code,head_name,id_number,size,category,cause,status,exit_year,income_per_capita,food_clothing_ok,education_ok,medical_ok,housing_safe,water_safe,monitoring_kind"
    );
    assert_eq!(
        header(&["template", "indicators"]),
        "统计期,区划代码,指标,值,备注"
    );
    assert_eq!(
        header(&["template", "regions"]),
        "代码,名称,级别,上级代码,贫困标识,计划退出年度"
    );
    assert_eq!(
        header(&["template", "regions", "--english"]),
        "code,name,level,parent_code,poverty_registered,planned_exit_year"
    );
    let wide = header(&["template", "indicators", "--wide"]);
    assert!(
        wide.starts_with("统计期,区划代码,户籍人口,村集体经济收入,通硬化路"),
        "{wide}"
    );
    assert!(header(&["template", "indicators", "--wide", "--english"])
        .starts_with("period,region_code,population,"));
    s.tuopin(&["template", "households", "--wide"])
        .assert()
        .code(2);
    s.tuopin(&["template", "people"]).assert().code(2);
}

#[test]
fn init_works_from_any_folder_with_the_embedded_data() {
    // No data/ folder next to the database: the binary carries its own copy.
    let s = Scratch::new();
    let nested = s.path("a/b");
    std::fs::create_dir_all(&nested).unwrap();
    assert_cmd::Command::cargo_bin("tuopin")
        .unwrap()
        .current_dir(&nested)
        .env_remove("TUOPIN_DB")
        .arg("init")
        .assert()
        .success();
    assert!(nested.join("tuopin.db").exists());
}
