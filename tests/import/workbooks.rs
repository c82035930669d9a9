//! Workbooks as offices send them, written by other spreadsheet libraries (openpyxl, xlwt, odfpy;
//! `tests/fixtures/workbooks/make.py`): the same register as CSV, .xlsx, .xls and .ods gives the
//! same rows and verdicts; typed cells (numeric IDs, error cells, dates, numbers) are read or
//! refused by the cell; title rows, two-row headers, totals and notes; the sheet chosen.

use std::path::{Path, PathBuf};

use crate::common::fixture::{self, Kind};
use crate::common::*;

pub fn workbook_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/workbooks")
        .join(name)
}

/// Copy a fixture into the scratch folder (messages then name it without a path).
pub fn copy_fixture(s: &Scratch, name: &str) -> PathBuf {
    let to = s.path(name);
    std::fs::copy(workbook_fixture(name), &to).expect("copy fixture");
    to
}

pub fn import(s: &Scratch, kind: &str, file: &str, extra: &[&str]) -> std::process::Output {
    s.tuopin(&["import", kind])
        .args(extra)
        .arg(file)
        .output()
        .unwrap()
}

/// The 2019-03 snapshot, every stored column but the batch (and the ID hash, whose salt is the
/// database's own: whether there is one).
fn snapshot(conn: &rusqlite::Connection) -> Vec<String> {
    rows_of(
        conn,
        "SELECT household_id, village_code, head_name, id_hash IS NOT NULL, id_masked, size, category, cause,
                    status, exit_year, income_per_capita, food_clothing_ok, education_ok, medical_ok,
                    housing_safe, water_safe, line
             FROM household_snapshot WHERE period = '2019-03' ORDER BY household_id",
    )
}

/// Each region's verdict and each criterion's status and value, from `check … --format json`.
fn verdicts(s: &Scratch, what: &str) -> Vec<String> {
    let out = s
        .tuopin(&["check", what, "--period", "2019-03", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let key = if what == "households" {
        "households"
    } else {
        "regions"
    };
    let mut lines = Vec::new();
    for r in v[key].as_array().unwrap() {
        let id = r.get("code").or_else(|| r.get("household_id")).unwrap();
        let mut line = format!("{id} {} {}", r["verdict"], r["failed"]);
        for c in r["criteria"].as_array().into_iter().flatten() {
            line.push_str(&format!(" {}={}:{}", c["no"], c["status"], c["value"]));
        }
        lines.push(line);
    }
    lines
}

/// A database with the check fixture, its 2019-03 register imported from `register` (None: the
/// plain CSV of tests/common/fixture.rs).
fn with_register(register: Option<&str>) -> (Scratch, String) {
    let s = Scratch::new();
    s.init();
    fixture::import(&s, Kind::Regions, "regions.csv", fixture::REGIONS);
    fixture::import(
        &s,
        Kind::Households,
        "households-2019-01.csv",
        &fixture::households_2019_01(),
    );
    let stdout = match register {
        None => {
            fixture::import(
                &s,
                Kind::Households,
                "households-2019-03.csv",
                fixture::HOUSEHOLDS_2019_03,
            );
            String::new()
        }
        Some(name) => {
            copy_fixture(&s, name);
            let out = import(&s, "households", name, &[]);
            assert!(out.status.success(), "{name}: {}", stderr(&out));
            stdout(&out)
        }
    };
    fixture::import(
        &s,
        Kind::Indicators,
        "indicators.csv",
        fixture::INDICATORS_2019_03,
    );
    (s, stdout)
}

#[test]
fn the_same_register_as_csv_xlsx_xls_and_ods_gives_the_same_rows_and_verdicts() {
    let (plain, _) = with_register(None);
    let without_lines = |rows: &[String]| -> Vec<String> {
        rows.iter()
            .map(|r| r.rsplit_once('|').unwrap().0.to_string())
            .collect()
    };
    let base_rows = snapshot(&plain.open());
    assert_eq!(base_rows.len(), 23);
    let base: Vec<Vec<String>> = ["villages", "counties", "households"]
        .iter()
        .map(|w| verdicts(&plain, w))
        .collect();
    assert!(base[1]
        .iter()
        .any(|l| l.starts_with("\"210922\" \"pass\"") || l.starts_with("\"210922\" \"fail\"")));
    let mut office_rows: Option<Vec<String>> = None;
    for name in [
        "register.csv",
        "register.xlsx",
        "register.xls",
        "register.ods",
    ] {
        let (s, out) = with_register(Some(name));
        // Title rows, the 小计 and 合计 rows and the two note lines are skipped and said so.
        assert!(
            out.contains("表头在第 3 行") && out.contains("跳过 合计行 2、说明行 2"),
            "{name}: {out}"
        );
        if name != "register.csv" {
            assert!(out.contains("工作表 台账"), "{name}: {out}");
        }
        let rows = snapshot(&s.open());
        assert_eq!(without_lines(&rows), without_lines(&base_rows), "{name}");
        // The office files share a layout: the same rows at the same spreadsheet lines (the
        // first household under the two title rows and the header, line 4).
        assert!(rows[0].ends_with("|Integer(4)"), "{name}: {}", rows[0]);
        match &office_rows {
            None => office_rows = Some(rows),
            Some(first) => assert_eq!(&rows, first, "{name}"),
        }
        for (what, expected) in ["villages", "counties", "households"].iter().zip(&base) {
            assert_eq!(&verdicts(&s, what), expected, "{name}: check {what}");
        }
    }
}

#[test]
fn typed_cells_are_refused_by_the_cell_with_nothing_written() {
    let s = Scratch::new();
    s.init();
    copy_fixture(&s, "problems.xlsx");
    let out = import(&s, "households", "problems.xlsx", &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let at = |cell: &str| -> Vec<&str> {
        err.lines()
            .filter(|l| l.starts_with(&format!("problems.xlsx [台账] {cell}: ")))
            .collect()
    };
    // One message per cell: the importer's own check of a cell refused by its kind says nothing.
    let id = at("E2");
    assert_eq!(id.len(), 1, "{err}");
    assert!(
        id[0].contains("[证件号码] 证件号码是数字单元格")
            && id[0].contains("2109**********1000")
            && id[0].contains("“文本”"),
        "{}",
        id[0]
    );
    assert!(
        at("K3")[0].contains("[人均纯收入] 单元格是公式错误值 #DIV/0!"),
        "{err}"
    );
    assert!(
        at("B4")[0].contains("[户编号]") && at("B4")[0].contains("不是完整的代码"),
        "{err}"
    );
    assert!(
        at("F4")[0].contains("[家庭人口] 单元格是公式错误值 #N/A"),
        "{err}"
    );
    assert!(
        at("A5")[0].contains("[统计期] 统计期 2019.1 是数字单元格"),
        "{err}"
    );
    assert!(
        at("D6")[0].contains("[户主姓名] 单元格是公式错误值 #REF!"),
        "{err}"
    );
    for cell in ["E2", "K3", "B4", "F4", "A5", "D6"] {
        assert_eq!(at(cell).len(), 1, "{cell}: {err}");
    }
    // Row 7 (a whole-number household number, the month as 201903, TRUE/FALSE) is fine.
    assert!(at("B7").is_empty() && !err.contains("第7行"), "{err}");
    assert!(err.contains("problems.xlsx: 5 行无效"), "{err}");
    assert!(
        !err.contains("210922195001011"),
        "ID digits in clear: {err}"
    );
    let conn = s.open();
    assert_eq!(
        scalar::<i64>(&conn, "SELECT count(*) FROM household_snapshot", []),
        0
    );
    assert_eq!(
        scalar::<i64>(
            &conn,
            "SELECT count(*) FROM import_batch WHERE kind = 'households'",
            []
        ),
        0
    );
}

#[test]
fn csv_files_get_the_same_layout_rules_and_keep_their_line_messages() {
    let s = Scratch::new();
    s.init();
    let header = "统计期,户编号,村代码,家庭人口,脱贫状态,脱贫年度,人均纯收入";
    let v = "210922-T01-V01";
    let text = format!(
        "彰武县建档立卡贫困户台账（2019年3月）,,,,,,\n填报单位：彰武县扶贫办,,,,,,\n{header}\n\
         2019-03,H1,{v},3,未脱贫,,2800\n2019-03,H2,{v},2,未脱贫,,#N/A\n,,,,,,\n\
         合计,,,5,,,\n填表人：王五,,审核人：赵六,,,,\n"
    );
    let file = s.write("台账.csv", text.replace("#N/A", "3000"));
    let out = s
        .tuopin(&["import", "households"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text_out = stdout(&out);
    assert!(
        text_out.contains("表头在第 3 行（上方 2 行标题已跳过） · 跳过 合计行 1、说明行 1"),
        "{text_out}"
    );
    assert!(!text_out.contains("工作表"), "{text_out}");
    let conn = s.open();
    let line: i64 = scalar(
        &conn,
        "SELECT line FROM household_snapshot WHERE household_id = 'H2'",
        [],
    );
    assert_eq!(line, 5, "lines are the rows a spreadsheet shows");
    assert_eq!(
        scalar::<i64>(
            &conn,
            "SELECT rows_read FROM import_batch WHERE kind = 'households'",
            []
        ),
        2
    );
    // An error cell exported as text is an invalid value; the message is the CSV form.
    let file = s.write("台账-4月.csv", text.replace("2019-03", "2019-04"));
    let out = s
        .tuopin(&["import", "households"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("台账-4月.csv:5: [人均纯收入] 单元格是公式错误值 #N/A"),
        "{err}"
    );
    assert_eq!(err.matches("[人均纯收入]").count(), 1, "{err}");
}

#[test]
fn a_two_row_header_under_a_merged_title() {
    let s = Scratch::new();
    s.init();
    fixture::import(&s, Kind::Regions, "regions.csv", fixture::REGIONS);
    copy_fixture(&s, "two-row-header.xlsx");
    let out = import(&s, "households", "two-row-header.xlsx", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("表头在第 2 行"), "{}", stdout(&out));
    let conn = s.open();
    let rows: Vec<(String, i64, Option<i64>, i64)> = conn
        .prepare(
            "SELECT household_id, line, medical_ok, food_clothing_ok FROM household_snapshot ORDER BY line",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    // The yes/no columns were named by the lower header row; data starts on row 4.
    assert_eq!(
        rows,
        [
            ("A01".to_string(), 4, Some(1), 1),
            ("A02".to_string(), 5, Some(1), 1),
            ("A03".to_string(), 6, Some(1), 1),
        ]
    );
}

#[test]
fn the_sheet_is_chosen_by_its_header_or_by_sheet() {
    let s = Scratch::new();
    s.init();
    copy_fixture(&s, "months.xlsx");
    // 封面 has no header and 模板 is hidden: the first month is read.
    let out = import(&s, "households", "months.xlsx", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("工作表 2019-03"), "{}", stdout(&out));
    let conn = s.open();
    let periods = |conn: &rusqlite::Connection| -> Vec<(String, String)> {
        conn.prepare("SELECT s.period, b.file_name FROM household_snapshot s JOIN import_batch b ON b.id = s.batch_id GROUP BY s.period ORDER BY s.period")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(
        periods(&conn),
        [("2019-03".to_string(), "months.xlsx [2019-03]".to_string())]
    );
    // The same bytes and sheet again: nothing changes; another sheet of them is another import.
    let out = import(&s, "households", "months.xlsx", &["--sheet", "3"]);
    assert!(stdout(&out).contains("与批次"), "{}", stdout(&out));
    let out = import(&s, "households", "months.xlsx", &["--sheet", "2019-04"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(periods(&conn).len(), 2);
    let income: f64 = scalar(
        &conn,
        "SELECT income_per_capita FROM household_snapshot WHERE period = '2019-04' AND household_id = 'M01'",
        [],
    );
    assert_eq!(income, 3100.0);
    // A sheet that is not there names the ones that are.
    let out = import(&s, "households", "months.xlsx", &["--sheet", "9"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("没有工作表 \"9\"（本工作簿的工作表：封面、模板、2019-03、2019-04"),
        "{}",
        stderr(&out)
    );
    // A hidden sheet can be asked for by name; this one holds only a header.
    let out = import(&s, "households", "months.xlsx", &["--sheet", "模板"]);
    assert!(
        stderr(&out).contains("months.xlsx [模板]: 工作表只有表头"),
        "{}",
        stderr(&out)
    );
    // --sheet means nothing to a CSV file: a warning, and the file is read.
    let csv = s.write(
        "h.csv",
        "统计期,户编号,村代码,家庭人口,脱贫状态,人均纯收入\n2019-05,Q1,210922-T01-V01,2,未脱贫,100\n",
    );
    let out = s
        .tuopin(&["import", "households", "--sheet", "2"])
        .arg(&csv)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--sheet 2 已忽略"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_workbook_is_known_by_its_bytes_whatever_its_name() {
    let s = Scratch::new();
    s.init();
    copy_fixture(&s, "months-saved-as.csv");
    let out = import(&s, "households", "months-saved-as.csv", &["--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(" xlsx ") && text.contains("工作表 2019-03"),
        "{text}"
    );
    // A zip that is not a workbook, and a truncated workbook: refused, nothing written.
    let mut docx = Vec::new();
    {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(&mut docx));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        zip.start_file("word/document.xml", stored).unwrap();
        std::io::Write::write_all(&mut zip, b"<w:document/>").unwrap();
        zip.finish().unwrap();
    }
    s.write("报告.xlsx", &docx);
    let out = import(&s, "households", "报告.xlsx", &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("Word 文档"), "{}", stderr(&out));
    let whole = std::fs::read(workbook_fixture("register.xlsx")).unwrap();
    s.write("断了.xlsx", &whole[..whole.len() / 2]);
    let out = import(&s, "households", "断了.xlsx", &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("断了.xlsx"), "{}", stderr(&out));
    assert_eq!(
        scalar::<i64>(
            &s.open(),
            "SELECT count(*) FROM import_batch WHERE kind = 'households'",
            []
        ),
        0
    );
}

#[test]
fn indicator_and_region_workbooks_with_typed_cells() {
    let s = Scratch::new();
    s.init();
    fixture::import(&s, Kind::Regions, "regions.csv", fixture::REGIONS);
    copy_fixture(&s, "indicators.xlsx");
    let out = import(&s, "indicators", "indicators.xlsx", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let conn = s.open();
    let value = |region: &str, code: &str| -> f64 {
        scalar(
            &conn,
            "SELECT value FROM indicator_value WHERE region_code = ?1 AND indicator_code = ?2 AND period = '2019-03'",
            [region, code],
        )
    };
    // A percent-formatted cell holding 0.95 shows 95%; TRUE/FALSE are yes and no.
    assert_eq!(value("210922-T01-V02", "safe_water_rate"), 95.0);
    assert_eq!(value("210922-T02-V01", "safe_water_rate"), 98.0);
    assert_eq!(value("210922-T01-V02", "broadband"), 1.0);
    assert_eq!(value("210922-T02-V01", "broadband"), 0.0);
    assert_eq!(value("210922-T02-V01", "population"), 400.0);
    assert_eq!(value("210922-T01-V02", "collective_income"), 55000.0);

    // Codes typed as numbers in an .xls are codes; the batch names the sheet.
    copy_fixture(&s, "regions.xls");
    let out = import(&s, "regions", "regions.xls", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let village: (String, String, i64, i64, i64) = conn
        .query_row(
            "SELECT level, parent_code, poverty_registered, planned_exit_year, code_official FROM region WHERE code = '210922100201'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    assert_eq!(
        village,
        ("village".to_string(), "210922100".to_string(), 1, 2019, 1)
    );
    assert_eq!(
        scalar::<String>(
            &conn,
            "SELECT file_name FROM import_batch WHERE kind = 'regions' ORDER BY id DESC LIMIT 1",
            []
        ),
        "regions.xls [区划]"
    );
}

#[test]
fn county_scope_and_dry_run_name_workbook_cells() {
    let s = Scratch::new();
    s.init();
    fixture::import(&s, Kind::Regions, "regions.csv", fixture::REGIONS);
    copy_fixture(&s, "register.xlsx");
    let before = scalar::<i64>(&s.open(), "SELECT count(*) FROM import_batch", []);
    let out = import(&s, "households", "register.xlsx", &["--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("试运行"), "{}", stdout(&out));
    let out = import(&s, "households", "register.xlsx", &["--county", "211321"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("register.xlsx [台账] C4: [村代码] \"210922-T01-V01\" 不属于 --county 211321"),
        "{err}"
    );
    assert!(err.contains("register.xlsx: 23 行无效"), "{err}");
    let conn = s.open();
    assert_eq!(
        scalar::<i64>(&conn, "SELECT count(*) FROM import_batch", []),
        before
    );
    assert_eq!(
        scalar::<i64>(&conn, "SELECT count(*) FROM household_snapshot", []),
        0
    );
}
