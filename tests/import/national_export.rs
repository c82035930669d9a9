//! The national system's detail export (one row per person, places by name), from the files
//! `tests/fixtures/national/make.py` writes with openpyxl and xlwt: the same export as .xlsx, .xls,
//! GBK CSV and UTF-8 CSV gives the same snapshot; the contract's form of the same households gives the same
//! verdicts; each refused case is listed by its cell with nothing written; --add-villages and
//! undo; no phone number, member name or ID number reaches the database or any output.

use std::path::{Path, PathBuf};

use crate::common::fixture::{self, Kind};
use crate::common::*;

fn national_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/national")
        .join(name)
}

fn copy(s: &Scratch, name: &str) -> PathBuf {
    let to = s.path(name);
    std::fs::copy(national_fixture(name), &to).expect("copy fixture");
    to
}

fn import(s: &Scratch, file: &str, extra: &[&str]) -> std::process::Output {
    s.tuopin(&["import", "households"])
        .args(extra)
        .arg(file)
        .output()
        .unwrap()
}

/// The rows of national.csv (GBK) as the spreadsheet numbers them: (line, cells by header).
fn export_rows() -> Vec<(usize, std::collections::HashMap<String, String>)> {
    let bytes = std::fs::read(national_fixture("national.csv")).unwrap();
    let (text, _, bad) = encoding_rs::GBK.decode(&bytes);
    assert!(!bad);
    let lines: Vec<&str> = text.lines().collect();
    let header: Vec<&str> = lines[2].split(',').collect();
    lines[3..]
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let cells = header
                .iter()
                .zip(l.split(','))
                .map(|(h, c)| (h.to_string(), c.to_string()))
                .collect();
            (i + 4, cells)
        })
        .collect()
}

/// init and the check fixture's regions.
fn with_regions() -> Scratch {
    let s = Scratch::new();
    s.init();
    fixture::import(&s, Kind::Regions, "regions.csv", fixture::REGIONS);
    s
}

/// Every stored column of the 2019-03 snapshot but the batch (and the ID hash, whose salt is the
/// database's own: whether there is one), and the evidence.
fn snapshot(conn: &rusqlite::Connection) -> Vec<String> {
    let mut out = Vec::new();
    for sql in [
        "SELECT household_id, village_code, head_name, id_hash IS NOT NULL, id_masked, size, category,
                category_as_written, cause, status, policy_support, exit_year, income_per_capita,
                food_clothing_ok, education_ok, medical_ok, housing_safe, water_safe, line
         FROM household_snapshot WHERE period = '2019-03' ORDER BY household_id",
        "SELECT household_id, standard, line, relation, column_name, value FROM household_evidence
         WHERE period = '2019-03' ORDER BY 1, 2",
    ] {
        out.extend(rows_of(conn, sql));
    }
    out
}

#[test]
fn the_same_export_as_xlsx_xls_and_gbk_csv_gives_the_same_snapshot() {
    let mut first: Option<Vec<String>> = None;
    for name in [
        "national.xlsx",
        "national.xls",
        "national.csv",
        "national-utf8.csv",
    ] {
        let s = with_regions();
        if name == "national-utf8.csv" {
            // The same sheet saved as "CSV UTF-8": with a BOM and LF line ends.
            let bytes = std::fs::read(national_fixture("national.csv")).unwrap();
            let text = encoding_rs::GBK.decode(&bytes).0.replace("\r\n", "\n");
            s.write(name, format!("\u{feff}{text}"));
        } else {
            copy(&s, name);
        }
        let out = import(&s, name, &[]);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(text.contains("全国扶贫开发信息系统导出"), "{text}");
        assert!(text.contains("统计期 2019-03"), "{text}");
        // Unknown vocabulary values are warnings with their counts, not errors.
        let warnings = stderr(&out);
        assert!(
            warnings.contains("\"休学\"") && warnings.contains("共 2 行"),
            "{warnings}"
        );
        assert!(warnings.contains("\"之侄子\"") && warnings.contains("按家庭成员处理"));
        let conn = s.open();
        let rows = snapshot(&conn);
        // 23 households of 69 persons, each as many as the contract says.
        assert_eq!(
            scalar::<i64>(&conn, "SELECT count(*) FROM household_snapshot", []),
            23
        );
        assert_eq!(
            scalar::<i64>(&conn, "SELECT sum(size) FROM household_snapshot", []),
            69
        );
        let n: i64 = scalar(&conn, "SELECT count(*) FROM pragma_foreign_key_check", []);
        assert_eq!(n, 0);
        match &first {
            None => first = Some(rows),
            Some(f) => assert_eq!(&rows, f, "{name} differs from national.xlsx"),
        }
        s.tuopin(&["verify"]).assert().success();
    }
    let rows = first.unwrap();
    let find = |id: &str| {
        rows.iter()
            .find(|r| r.contains(&format!("Text(\"{id}\")|")))
            .unwrap()
    };
    // C02: H3 failed by the 11-year-old daughter, H6 by 饮水安全 on the head row; H2 not reported.
    let c02 = find("C02");
    assert!(
        c02.contains("|Null|Integer(0)|Integer(1)|Integer(1)|Integer(0)|"),
        "{c02}"
    );
    let line = export_rows()
        .into_iter()
        .find(|(_, r)| r["户编号"] == "C02" && r["在校生状况"] == "辍学")
        .unwrap()
        .0;
    assert!(rows.contains(&format!(
        "Text(\"C02\")|Text(\"H3\")|Integer({line})|Text(\"之女\")|Text(\"在校生状况\")|Text(\"辍学\")"
    )));
    // A05 reports no insurance on any row: H4 not reported, never a pass.
    assert!(find("A05").contains("|Null|Integer(1)|Null|Integer(1)|Integer(1)|"));
    // The head's 22-digit 残疾人证 number is kept as the resident ID it starts with.
    assert!(find("A07").contains("Text(\"2109**********7776\")"));
    // 已脱贫(不再享受政策) and 一般脱贫户 kept beside the base values.
    assert!(find("A08").contains("Text(\"一般贫困户\")|Text(\"一般脱贫户\")"));
    assert!(find("A08").contains("Text(\"exited\")|Integer(0)|Integer(2016)"));
}

/// Each region's verdict and criteria, and each listed household's findings, from JSON.
fn verdicts(s: &Scratch) -> Vec<String> {
    let mut lines = Vec::new();
    for what in ["villages", "counties", "households"] {
        let out = s
            .tuopin(&["check", what, "--period", "2019-03", "--format", "json"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        for r in v["regions"].as_array().into_iter().flatten() {
            let mut line = format!("{} {}", r["code"], r["verdict"]);
            for c in r["criteria"].as_array().into_iter().flatten() {
                line.push_str(&format!(" {}={}:{}", c["no"], c["status"], c["value"]));
            }
            lines.push(line);
        }
        for h in v["households"].as_array().into_iter().flatten() {
            lines.push(format!(
                "{} {} {} {} {} {} {} {} {}",
                h["household_id"],
                h["village_code"],
                h["status"],
                h["failed"],
                h["unknown"],
                h["suspected_wrong_exit"],
                h["monitoring"],
                h["income_per_capita"],
                h["id_masked"]
            ));
        }
    }
    lines
}

#[test]
fn the_contract_form_and_the_national_form_of_the_same_households_give_the_same_verdicts() {
    // The contract's form of the fixture without 不愁吃穿, which the national form cannot say.
    let contract: String = fixture::HOUSEHOLDS_2019_03
        .lines()
        .map(|l| {
            let mut cells: Vec<&str> = l.split(',').collect();
            if cells[0] != "统计期" {
                cells[11] = "";
            }
            cells.join(",") + "\n"
        })
        .collect();
    let a = with_regions();
    fixture::import(&a, Kind::Households, "households-2019-03.csv", &contract);
    fixture::import(
        &a,
        Kind::Indicators,
        "indicators.csv",
        fixture::INDICATORS_2019_03,
    );
    let b = with_regions();
    copy(&b, "national.xlsx");
    let out = import(&b, "national.xlsx", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    fixture::import(
        &b,
        Kind::Indicators,
        "indicators.csv",
        fixture::INDICATORS_2019_03,
    );
    let (va, vb) = (verdicts(&a), verdicts(&b));
    assert!(va.len() > 10, "{va:?}");
    assert!(va
        .iter()
        .any(|l| l.contains("\"C02\"") && l.contains("\"H3\"")));
    assert!(va.iter().any(|l| l.contains("\"fail\"")) && va.iter().any(|l| l.contains("\"pass\"")));
    assert_eq!(va, vb);
}

#[test]
fn check_households_and_explain_name_the_member_row_behind_a_failed_standard() {
    let s = with_regions();
    copy(&s, "national.csv");
    assert!(import(&s, "national.csv", &[]).status.success());
    let rows = export_rows();
    let line_of = |id: &str, column: &str, value: &str| {
        rows.iter()
            .find(|(_, r)| r["户编号"] == id && r[column] == value)
            .unwrap()
            .0
    };
    let h3 = format!(
        "第 {} 行 之女 在校生状况 = 辍学",
        line_of("C02", "在校生状况", "辍学")
    );
    let h4 = format!(
        "第 {} 行 之子 参加大病医疗 = 否",
        line_of("B03", "参加大病医疗", "否")
    );
    let out = s
        .tuopin(&[
            "check",
            "households",
            "--period",
            "2019-03",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let c02 = v["households"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["household_id"] == "C02")
        .unwrap();
    let texts: Vec<&str> = c02["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts[0], h3);
    assert_eq!(c02["evidence"][0]["standard"], "H3");
    assert_eq!(c02["evidence"][1]["column"], "饮水安全");
    let table = stdout(
        &s.tuopin(&["check", "households", "--period", "2019-03"])
            .output()
            .unwrap(),
    );
    assert!(
        table.contains(&format!("H4 基本医疗有保障（{h4}）")),
        "{table}"
    );
    let explain = stdout(&s.tuopin(&["explain", "210922-T02-V01"]).output().unwrap());
    assert!(
        explain.contains(&format!("户编号 C02  H3 义务教育有保障：{h3}")),
        "{explain}"
    );
    let json = stdout(
        &s.tuopin(&["explain", "210922-T02-V01", "--json"])
            .output()
            .unwrap(),
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["evidence"][0]["household_id"], "C02");
    assert_eq!(v["evidence"][0]["text"], h3.as_str());
}

#[test]
fn refused_exports_list_every_problem_by_its_cell_and_write_nothing() {
    let s = with_regions();
    copy(&s, "national-errors.xlsx");
    let before = super::data_dump(&s.open());
    let out = import(&s, "national-errors.xlsx", &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let at = |cell: &str| format!("national-errors.xlsx [明细] {cell}: ");
    for (cell, says) in [
        ("J4", "户编号 \"E01\" 的人数为 4，但本户列出 3 人（第 4–6 行）"),
        ("K7", "户编号 \"E02\" 没有户主行（与户主关系 = 户主）：第 7–8 行"),
        ("K10", "户编号 \"E03\" 已有户主行（第 9 行）；一户只能有一个户主"),
        ("F15", "户编号 \"E04\" 的行不连续：第 12 行起已有此户"),
        ("D16", "行政村 \"北沟村\" 在 章古台镇（210922-T01）中找不到；可用 --add-villages 把它作为临时区划新增：共 4 行 (unknown village)"),
        ("C20", "乡(镇) \"西山镇\" 在 彰武县（210922）中找不到"),
        ("I21", "证件号码 2109**********1116 无效：校验位不正确"),
        ("I22", "无效：有 17 位；应为 18 位居民身份证号码、15 位一代身份证号码或 20/22 位残疾人证号码"),
        ("T23", "不是有效的脱贫属性"),
        ("J24", "\"三\" 不是整数"),
    ] {
        assert!(err.contains(&format!("{}[", at(cell))), "{cell}:\n{err}");
        assert!(
            err.lines().any(|l| l.starts_with(&at(cell)) && l.contains(says)),
            "{cell} {says}:\n{err}"
        );
    }
    // Each unknown place once, however many rows name it.
    assert_eq!(err.matches("\"北沟村\"").count(), 1, "{err}");
    assert!(
        !err.contains("210922195001011116"),
        "an ID number in clear:\n{err}"
    );
    assert_eq!(super::data_dump(&s.open()), before);
}

#[test]
fn places_are_matched_by_name_within_the_county_and_ambiguous_or_foreign_ones_refused() {
    let s = with_regions();
    // A second 乙村, in 东镇: without 乡(镇) the name is ambiguous.
    fixture::import(
        &s,
        Kind::Regions,
        "regions-2.csv",
        "代码,名称,级别,上级代码\n210922-T02-V03,乙村,村,210922-T02\n",
    );
    // Columns reordered, 乡(镇) and the title rows missing; the month from 数据日期.
    let text = "户编号,与户主关系,行政村,人均纯收入,脱贫属性,数据日期,县(市、区、旗)\n\
                X1,户主,三家子,3000,未脱贫,2019-03-31,彰武县\n\
                X1,之子,三家子,3000,未脱贫,2019-03-31,彰武县\n\
                X2,户主,乙村,3000,未脱贫,2019-03-31,彰武县\n";
    s.write("reordered.csv", text);
    let out = import(&s, "reordered.csv", &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("reordered.csv:4: [行政村] 村名称 \"乙村\" 对应多个区划：乙村（210922-T01-V02）、乙村（210922-T02-V03）"),
        "{err}"
    );
    let ok = text.lines().take(3).collect::<Vec<_>>().join("\n");
    s.write("reordered.csv", &ok);
    let out = import(&s, "reordered.csv", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let conn = s.open();
    assert_eq!(
        scalar::<String>(
            &conn,
            "SELECT village_code || ' ' || size || ' ' || period FROM household_snapshot",
            []
        ),
        "210922-T01-V01 2 2019-03"
    );
    // Another county's office cannot import it.
    s.write("other.csv", ok.replace("X1", "Y1"));
    let out = import(&s, "other.csv", &["--county", "211321"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(
            "[县(市、区、旗)] 县 \"彰武县\" 是 彰武县（210922），不是 --county 211321 指定的县"
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn add_villages_adds_provisional_regions_with_the_batch_and_undo_takes_them_back() {
    let s = with_regions();
    copy(&s, "national-new-villages.csv");
    let out = import(&s, "national-new-villages.csv", &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("\"西山镇\" 在 彰武县（210922）中找不到"),
        "{err}"
    );
    assert!(
        err.contains("\"南岗村\" 在 章古台镇（210922-T01）中找不到"),
        "{err}"
    );
    let regions_before: i64 = scalar(&s.open(), "SELECT count(*) FROM region", []);

    let out = import(&s, "national-new-villages.csv", &["--add-villages"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(
            "乡镇 西山镇（210922-T03）、村 北沟村（210922-T03-V01）、村 南岗村（210922-T01-V03）"
        ),
        "{text}"
    );
    let conn = s.open();
    let batch: i64 = scalar(&conn, "SELECT max(id) FROM import_batch", []);
    let added: Vec<(String, String, i64, i64)> = conn
        .prepare("SELECT code, name, code_official, batch_id FROM region WHERE batch_id IS NOT NULL AND code LIKE '210922-T0_%' AND level <> 'county' AND batch_id = ?1 ORDER BY code")
        .unwrap()
        .query_map([batch], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        added,
        [
            ("210922-T01-V03".into(), "南岗村".into(), 0, batch),
            ("210922-T03".into(), "西山镇".into(), 0, batch),
            ("210922-T03-V01".into(), "北沟村".into(), 0, batch),
        ]
    );
    assert_eq!(
        scalar::<i64>(
            &conn,
            "SELECT count(*) FROM household_snapshot WHERE village_code = '210922-T03-V01'",
            []
        ),
        2
    );
    drop(conn);
    s.tuopin(&["verify"]).assert().success();
    s.tuopin(&["import", "undo", &batch.to_string()])
        .assert()
        .success();
    let conn = s.open();
    assert_eq!(
        scalar::<i64>(&conn, "SELECT count(*) FROM region", []),
        regions_before
    );
    assert_eq!(
        scalar::<i64>(&conn, "SELECT count(*) FROM household_snapshot", []),
        0
    );
    drop(conn);
    s.tuopin(&["verify"]).assert().success();
}

#[test]
fn a_correction_replaces_the_evidence_and_undo_restores_it() {
    let s = with_regions();
    copy(&s, "national.xlsx");
    assert!(import(&s, "national.xlsx", &[]).status.success());
    let evidence =
        |s: &Scratch| -> i64 { scalar(&s.open(), "SELECT count(*) FROM household_evidence", []) };
    let first = evidence(&s);
    assert_eq!(first, 4, "B03 H4, C02 H3 and H6, D02 H5, and none else");
    // The same month in the contract's form: no member rows, so no evidence.
    fixture::import(
        &s,
        Kind::Households,
        "households-2019-03.csv",
        fixture::HOUSEHOLDS_2019_03,
    );
    assert_eq!(evidence(&s), 0);
    let batch: i64 = scalar(&s.open(), "SELECT max(id) FROM import_batch", []);
    s.tuopin(&["import", "undo", &batch.to_string()])
        .assert()
        .success();
    assert_eq!(evidence(&s), first);
}

#[test]
fn no_phone_number_member_name_ethnicity_or_id_number_reaches_the_database_or_any_output() {
    let s = with_regions();
    fixture::import(
        &s,
        Kind::Indicators,
        "indicators.csv",
        fixture::INDICATORS_2019_03,
    );
    copy(&s, "national.xlsx");
    let mut outputs: Vec<(String, Vec<u8>)> = Vec::new();
    let mut run = |s: &Scratch, args: &[&str]| {
        let out = s.tuopin(args).output().unwrap();
        outputs.push((args.join(" "), [out.stdout, out.stderr].concat()));
    };
    run(&s, &["import", "households", "national.xlsx"]);
    run(&s, &["import", "households", "national.xlsx", "--dry-run"]);
    for what in ["villages", "counties", "households"] {
        for format in ["table", "csv", "json", "md"] {
            run(
                &s,
                &["check", what, "--period", "2019-03", "--format", format],
            );
        }
        let file = format!("{what}.xlsx");
        run(
            &s,
            &[
                "check", what, "--period", "2019-03", "--format", "xlsx", "--output", &file,
            ],
        );
    }
    for code in ["210922-T02-V01", "210922-T01-V02", "210922"] {
        run(&s, &["explain", code]);
        run(&s, &["explain", code, "--json"]);
    }
    run(&s, &["imports"]);
    run(&s, &["status"]);
    run(
        &s,
        &[
            "report",
            "--period",
            "2019-03",
            "--out",
            "out",
            "--format",
            "html,md,docx",
        ],
    );
    // The files written, the database and its companions.
    let mut files = vec![s.db()];
    for what in ["villages", "counties", "households"] {
        files.push(s.path(&format!("{what}.xlsx")));
    }
    for entry in std::fs::read_dir(s.path("out")).unwrap() {
        files.push(entry.unwrap().path());
    }
    for companion in ["tuopin.db-wal", "tuopin.db-shm"] {
        if s.path(companion).exists() {
            files.push(s.path(companion));
        }
    }
    for f in &files {
        let mut bytes = std::fs::read(f).unwrap();
        if f.extension().is_some_and(|e| e == "xlsx" || e == "docx") {
            bytes = office::unzip(&bytes).into_values().flatten().collect();
        }
        outputs.push((f.display().to_string(), bytes));
    }
    assert!(outputs.iter().any(|(what, _)| what.ends_with("tuopin.db")));
    let rows = export_rows();
    let mut secrets: Vec<String> = Vec::new();
    for (_, r) in &rows {
        if !r["联系电话"].is_empty() {
            secrets.push(r["联系电话"].clone());
        }
        if r["与户主关系"] != "户主" {
            secrets.push(r["姓名"].clone());
        }
        secrets.push(r["证件号码"].clone());
    }
    secrets.push("汉族".into());
    assert!(secrets.len() > 100);
    for (what, bytes) in &outputs {
        for secret in &secrets {
            let needle = secret.as_bytes();
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "{secret} found in {what}"
            );
        }
    }
}

#[test]
fn a_row_with_cells_beyond_the_header_refuses_the_file() {
    let s = with_regions();
    // The fixture is GBK with CRLF lines; line 6 gets one cell more than the header has.
    let bytes = std::fs::read(national_fixture("national.csv")).unwrap();
    let mut lines: Vec<Vec<u8>> = bytes.split(|b| *b == b'\n').map(|l| l.to_vec()).collect();
    let at = lines[5].len() - 1;
    assert_eq!(lines[5][at], b'\r');
    lines[5].splice(at..at, b",42".iter().copied());
    s.write("shifted.csv", lines.join(&b'\n'));
    let out = import(&s, "shifted.csv", &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("shifted.csv:6:") && err.contains("多于表头的"),
        "{err}"
    );
    let rows: i64 = scalar(&s.open(), "SELECT count(*) FROM household_snapshot", []);
    assert_eq!(rows, 0);
}
