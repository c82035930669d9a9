//! `tuopin template --xlsx`: the workbook read back (header, note row, drop-down lists, text
//! formats), and a template filled in with openpyxl (tests/fixtures/workbooks/make.py) imports as
//! written.

use std::io::Read;

use calamine::Reader;

use super::workbooks::{copy_fixture, workbook_fixture};
use crate::common::fixture::{self, Kind};
use crate::common::*;

/// One file of a zip, as text.
fn zip_text(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut text = String::new();
    zip.by_name(name)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// The first rows of a workbook's first sheet, as calamine reads them.
fn first_rows(path: &std::path::Path, n: usize) -> (String, Vec<Vec<String>>) {
    let mut book = calamine::open_workbook_auto(path).unwrap();
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    let rows = range
        .rows()
        .take(n)
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    (name, rows)
}

/// The columns (1-based) formatted as text: a `<col>` whose style's number format is `@` (49).
fn text_columns(xlsx: &[u8]) -> Vec<u32> {
    let styles = zip_text(xlsx, "xl/styles.xml");
    let xfs = &styles[styles.find("<cellXfs").unwrap()..styles.find("</cellXfs>").unwrap()];
    let text_styles: Vec<usize> = xfs
        .split("<xf ")
        .skip(1)
        .enumerate()
        .filter(|(_, xf)| xf.contains("numFmtId=\"49\""))
        .map(|(i, _)| i)
        .collect();
    let sheet = zip_text(xlsx, "xl/worksheets/sheet1.xml");
    let attr = |el: &str, name: &str| -> Option<u32> {
        let at = el.find(&format!(" {name}=\""))? + name.len() + 3;
        el[at..].split('"').next()?.parse().ok()
    };
    let mut cols = Vec::new();
    for el in sheet.split("<col ").skip(1) {
        let el = format!(" {}", el.split('>').next().unwrap());
        let el = el.as_str();
        if let (Some(min), Some(max), Some(style)) =
            (attr(el, "min"), attr(el, "max"), attr(el, "style"))
        {
            if text_styles.contains(&(style as usize)) {
                cols.extend(min..=max);
            }
        }
    }
    cols
}

#[test]
fn the_households_template_has_lists_text_columns_and_a_note_row() {
    let s = Scratch::new();
    let out = s
        .tuopin(&["template", "households", "--xlsx", "--output", "模板.xlsx"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let path = s.path("模板.xlsx");
    let (sheet, rows) = first_rows(&path, 3);
    assert_eq!(sheet, "台账");
    let header: Vec<&str> = fixture::HOUSEHOLDS_2019_03
        .lines()
        .next()
        .unwrap()
        .split(',')
        .collect();
    assert_eq!(rows[2], header, "the header is the contract's, on row 3");
    assert!(rows[0][0].contains("填报模板"), "{:?}", rows[0]);
    // The note row says what each column wants.
    assert!(
        rows[1][0].contains("2019-03") && rows[1][4].contains("18 位"),
        "{:?}",
        rows[1]
    );
    assert!(rows[1].iter().all(|n| !n.is_empty()), "{:?}", rows[1]);

    let bytes = std::fs::read(&path).unwrap();
    let sheet = zip_text(&bytes, "xl/worksheets/sheet1.xml");
    for list in [
        "\"未脱贫,已脱贫,返贫\"",
        "\"一般贫困户,低保贫困户,特困供养贫困户\"",
        "\"因病,因残,因学,因灾,缺土地,缺水,缺技术,缺劳力,缺资金,交通条件落后,自身发展动力不足,其他\"",
    ] {
        assert!(sheet.contains(&list.replace('"', "&quot;")) || sheet.contains(list), "{list}");
    }
    // 不愁吃穿 … 饮水安全 (L–P) are yes/no lists; 家庭人口 a whole number.
    for col in ["L", "M", "N", "O", "P"] {
        let sqref = format!("sqref=\"{col}4:{col}1048576\"");
        let rule = sheet
            .split("<dataValidation ")
            .find(|d| d.contains(&sqref))
            .unwrap_or_else(|| panic!("no validation on {col}"));
        assert!(rule.contains("是,否"), "{rule}");
    }
    assert!(sheet.contains("type=\"whole\"") && sheet.contains("sqref=\"F4:F1048576\""));
    // 统计期, 户编号, 村代码 and 证件号码 are text: Excel keeps every digit.
    let text = text_columns(&bytes);
    for col in [1, 2, 3, 5] {
        assert!(text.contains(&col), "column {col} not text: {text:?}");
    }
    assert!(!text.contains(&6), "家庭人口 is a number column: {text:?}");
    // The header stays in view.
    assert!(
        sheet.contains("topLeftCell=\"A4\""),
        "frozen below the header"
    );

    // The other kinds, and where the bytes go.
    for (kind, extra, list) in [
        ("regions", None, "省,市,县,乡镇,村"),
        ("indicators", Some("--wide"), "是,否"),
    ] {
        let mut args = vec!["template", kind, "--xlsx", "-o", "t.xlsx"];
        args.extend(extra);
        s.tuopin(&args).assert().success();
        let bytes = std::fs::read(s.path("t.xlsx")).unwrap();
        assert!(
            zip_text(&bytes, "xl/worksheets/sheet1.xml").contains(list),
            "{kind}"
        );
        assert!(text_columns(&bytes).contains(&1), "{kind}: codes are text");
    }
    let out = s
        .tuopin(&["template", "regions", "--xlsx"])
        .output()
        .unwrap();
    assert!(
        out.status.success() && out.stdout.starts_with(b"PK"),
        "a pipe gets the bytes"
    );
    let out = s
        .tuopin(&["template", "regions", "--xlsx", "--bom"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    s.tuopin(&["template", "regions", "--output", "r.csv"])
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(s.path("r.csv")).unwrap().trim_end(),
        "代码,名称,级别,上级代码,贫困标识,计划退出年度"
    );
}

#[test]
fn a_template_filled_in_with_openpyxl_imports_as_written() {
    let s = Scratch::new();
    s.init();
    fixture::import(&s, Kind::Regions, "regions.csv", fixture::REGIONS);
    // The committed file was made from this template: the rows above the data must not drift.
    s.tuopin(&["template", "households", "--xlsx", "-o", "fresh.xlsx"])
        .assert()
        .success();
    let (_, fresh) = first_rows(&s.path("fresh.xlsx"), 3);
    let (_, filled) = first_rows(&workbook_fixture("template-filled.xlsx"), 6);
    assert_eq!(
        filled[..3],
        fresh[..],
        "the template changed: rerun tests/fixtures/workbooks/make.py"
    );
    copy_fixture(&s, "template-filled.xlsx");
    let out = s
        .tuopin(&["import", "households", "template-filled.xlsx"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let conn = s.open();
    type Row = (
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        i64,
        Option<String>,
        Option<String>,
        String,
        Option<i64>,
        f64,
        Vec<Option<i64>>,
    );
    let rows: Vec<Row> = conn
        .prepare(
            "SELECT period, household_id, village_code, head_name, id_masked, size, category, cause, status,
                    exit_year, income_per_capita, food_clothing_ok, education_ok, medical_ok,
                    housing_safe, water_safe
             FROM household_snapshot ORDER BY household_id",
        )
        .unwrap()
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
                r.get(10)?,
                (11..16).map(|i| r.get(i)).collect::<rusqlite::Result<_>>()?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let s_ = |v: &str| v.to_string();
    assert_eq!(
        rows,
        [
            (
                s_("2019-03"),
                s_("T01"),
                s_("210922-T01-V01"),
                Some(s_("孙丙")),
                Some(s_("2109**********3339")),
                4,
                Some(s_("一般贫困户")),
                Some(s_("缺技术")),
                s_("exited"),
                Some(2018),
                6200.5,
                vec![Some(1); 5],
            ),
            (
                s_("2019-03"),
                s_("T02"),
                s_("210922-T01-V01"),
                Some(s_("钱乙")),
                Some(s_("2109**********2227")),
                2,
                Some(s_("低保贫困户")),
                Some(s_("因残")),
                s_("returned"),
                None,
                3000.0,
                vec![Some(1), Some(0), Some(1), None, Some(1)],
            ),
            (
                s_("2019-03"),
                s_("T03"),
                s_("210922-T01-V02"),
                None,
                None,
                1,
                None,
                None,
                s_("poor"),
                None,
                0.0,
                vec![None; 5],
            ),
        ]
    );
    // The data rows are where the clerk typed them, under the title, the note row and the header.
    assert_eq!(
        scalar::<i64>(&conn, "SELECT min(line) FROM household_snapshot", []),
        4
    );
}
