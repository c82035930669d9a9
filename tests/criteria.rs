//! `tuopin criteria export` and `load`: the whole set as a file, round-tripped, changed (added,
//! changed, removed, renumbered) with every change in history, refused whole when any row is bad,
//! and read as it is by the checks, the charts and the report.

use std::path::Path;

use crate::common::fixture::{self, Kind};
use crate::common::*;
use serde_json::Value;

const DEFAULTS: &str = include_str!("../data/criteria.csv");
const HEADER: &str = "no,level,seq,name,indicator,operator,threshold,threshold_ref,unit,note";

fn export(s: &Scratch) -> String {
    let out = s
        .tuopin(&["criteria", "export", "--no-bom"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

fn criteria_rows(s: &Scratch) -> Vec<(String, String, i64, String, Option<f64>)> {
    let conn = s.open();
    let mut stmt = conn
        .prepare("SELECT no, level, seq, operator, threshold FROM criterion ORDER BY level, seq")
        .unwrap();
    let v = stmt
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    v
}

fn criterion_history(s: &Scratch) -> Vec<(String, String, Value, String)> {
    let conn = s.open();
    let mut stmt = conn
        .prepare(
            "SELECT action, row_key, old_row, coalesce(reason, '') FROM history
             WHERE table_name = 'criterion' ORDER BY id",
        )
        .unwrap();
    let v = stmt
        .query_map([], |r| {
            let old: String = r.get(2)?;
            Ok((
                r.get(0)?,
                r.get(1)?,
                serde_json::from_str(&old).unwrap(),
                r.get(3)?,
            ))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    v
}

fn load(s: &Scratch, file: &Path, reason: &str) -> std::process::Output {
    s.tuopin(&["criteria", "load"])
        .arg(file)
        .args(["--reason", reason])
        .output()
        .unwrap()
}

#[test]
fn export_writes_data_criteria_csv_and_loading_it_back_changes_nothing() {
    let s = Scratch::new();
    s.init();
    let text = export(&s);
    assert!(text.starts_with(&format!("{HEADER}\n")), "{text}");
    // The same rows as data/criteria.csv; `=` gets the quote that keeps Excel from reading a formula.
    assert_eq!(text.replace(",'=,", ",=,"), DEFAULTS);
    assert!(text.contains("V3,village,3,通硬化路,hardened_road,'=,1,,是/否,"));

    // The default is UTF-8 with a BOM, for Excel; --output writes a file.
    let out = s.tuopin(&["criteria", "export"]).output().unwrap();
    assert!(out.stdout.starts_with(b"\xEF\xBB\xBFno,level,"));
    let file = s.path("标准集.csv");
    s.tuopin(&["criteria", "export", "--output"])
        .arg(&file)
        .assert()
        .success();
    assert_eq!(std::fs::read(&file).unwrap(), out.stdout);

    let before = criteria_rows(&s);
    let out = load(&s, &file, "原样载入");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("未做更改"), "{}", stdout(&out));
    assert_eq!(criteria_rows(&s), before);
    assert!(criterion_history(&s).is_empty());
}

#[test]
fn loading_a_changed_set_adds_changes_renumbers_and_removes_with_history() {
    let s = Scratch::new();
    s.init();
    // The province adds 通客运班车, drops 综合文化服务中心, swaps V2 and V3 in the order, and asks
    // 95% of its poor villages for C5.
    let edited = export(&s)
        .replace("V2,village,2,村集体经济收入", "V2,village,3,村集体经济收入")
        .replace("V3,village,3,通硬化路", "V3,village,2,通硬化路")
        .replace(
            "V8,village,8,综合文化服务中心,culture_center,'=,1,,是/否,\n",
            "",
        )
        .replace(
            "poor_village_pass_rate,>=,100,",
            "poor_village_pass_rate,>=,95,",
        )
        + "V11,village,11,通客运班车,bus_service,=,是,,是/否,省定\n";
    let file = s.write("省定标准.csv", &edited);
    let out = load(&s, &file, "2019 年省定标准");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("新增 1 项，修改 3 项，删除 1 项，未变 12 项"),
        "{text}"
    );

    let rows = criteria_rows(&s);
    let village: Vec<&str> = rows
        .iter()
        .filter(|r| r.1 == "village")
        .map(|r| r.0.as_str())
        .collect();
    assert_eq!(
        village,
        ["V1", "V3", "V2", "V4", "V5", "V6", "V7", "V9", "V10", "V11"]
    );
    let c5 = rows.iter().find(|r| r.0 == "C5").unwrap();
    assert_eq!(c5.4, Some(95.0));
    let v11 = rows.iter().find(|r| r.0 == "V11").unwrap();
    assert_eq!((v11.3.as_str(), v11.4), ("=", Some(1.0)));

    // One history row per change, each with the reason and the row as it was (the added row for
    // an insert); the temporary renumbering leaves no trace.
    let history = criterion_history(&s);
    let summary: Vec<(&str, &str)> = history
        .iter()
        .map(|(a, k, _, _)| (a.as_str(), k.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            ("delete", "[\"V8\"]"),
            ("update", "[\"V2\"]"),
            ("update", "[\"V3\"]"),
            ("update", "[\"C5\"]"),
            ("insert", "[\"V11\"]"),
        ]
    );
    assert!(history.iter().all(|h| h.3 == "2019 年省定标准"));
    assert_eq!(history[0].2["indicator_code"], "culture_center");
    assert_eq!(history[1].2["seq"], 2);
    assert_eq!(history[2].2["seq"], 3);
    assert_eq!(history[3].2["threshold"], 100.0);
    assert_eq!(history[4].2["indicator_code"], "bus_service");

    // The export says what was loaded, and loading it again is a no-op.
    let again = s.write("again.csv", export(&s));
    assert!(stdout(&load(&s, &again, "again")).contains("未做更改"));
    assert_eq!(criterion_history(&s).len(), 5);
}

#[test]
fn chinese_headers_gbk_and_excel_spellings_are_accepted() {
    let s = Scratch::new();
    s.init();
    let text = export(&s)
        .replacen(
            HEADER,
            "编号,级别,序号,名称,指标,运算符,阈值,阈值参照,单位,备注",
            1,
        )
        .replace(
            "V6,village,6,通宽带,broadband,'=,1,",
            "V6,村,6,通宽带,通宽带,＝,是,",
        )
        .replace(
            "C4,county,4,群众认可度,approval_rate,>=,90,",
            "C4,县,4,群众认可度,approval_rate,≥,90%,",
        );
    let (gbk, _, bad) = encoding_rs::GBK.encode(&text);
    assert!(!bad);
    let file = s.write("标准-gbk.csv", gbk.as_ref());
    let out = load(&s, &file, "gbk");
    assert!(out.status.success(), "{}", stderr(&out));
    // The same set, spelt another way: nothing to change.
    assert!(stdout(&out).contains("未做更改"), "{}", stdout(&out));
    assert!(criterion_history(&s).is_empty());
}

#[test]
fn a_set_with_any_bad_row_is_refused_whole_with_file_line_and_column() {
    let s = Scratch::new();
    s.init();
    let before = criteria_rows(&s);
    let good = export(&s);
    let bad = format!(
        "{good}V11,village,11,未知指标,no_such_indicator,=,1,,是/否,\n\
         V12,village,12,错退率,wrong_exit_rate,<=,2,,%,\n\
         V13,village,13,运算符,broadband,=>,1,,是/否,\n\
         V14,village,14,百分比,safe_water_rate,>=,120,,%,\n\
         V15,village,15,是否,broadband,=,也许,,是/否,\n\
         V1,village,16,编号重复,broadband,=,1,,是/否,\n\
         V17,village,2,序号重复,broadband,=,1,,是/否,\n\
         C7,county,7,两项都填,rural_income_growth,>,1,province,%,\n\
         V18,village,18,村比全省,broadband,=,,province,是/否,\n\
         C8,county,8,,approval_rate,>=,90,,%,\n"
    );
    let file = s.write("bad.csv", &bad);
    let line = |needle: &str| fixture::line_of(&bad, needle);
    let out = load(&s, &file, "bad");
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = stderr(&out);
    for (needle, column, why) in [
        ("V11,", "indicator", "不在指标目录中"),
        ("V12,", "indicator", "不适用于村级"),
        (
            "V13,",
            "operator",
            "运算符 \"=>\" 无效；应为 < <= > >= = !=",
        ),
        ("V14,", "threshold", "超出百分比范围 0–100"),
        ("V15,", "threshold", "不是是/否值"),
        ("V1,village,16", "no", "编号 V1 重复（第 2 行已有）"),
        ("V17,", "seq", "村级标准的序号 2 重复（第 3 行已有）"),
        ("C7,", "threshold", "须且只须填写一项"),
        ("V18,", "threshold_ref", "只有县级标准可与全省比较"),
        ("C8,", "name", "必填项为空"),
    ] {
        let want = format!("bad.csv:{}: [{column}] ", line(needle));
        let found = err
            .lines()
            .find(|l| l.contains(&want))
            .unwrap_or_else(|| panic!("no {want}\n{err}"));
        assert!(found.contains(why), "{found}");
    }
    assert!(err.contains("bad.csv: 10 行无效"), "{err}");
    assert_eq!(criteria_rows(&s), before);
    assert!(criterion_history(&s).is_empty());

    // File-level problems: a missing column, a set without county criteria.
    let no_operator = s.write(
        "no-op.csv",
        "no,level,seq,name,indicator,threshold,unit\nV1,village,1,x,broadband,1,是/否\n",
    );
    let out = load(&s, &no_operator, "x");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("缺少必需的列 运算符（operator）"),
        "{}",
        stderr(&out)
    );
    let villages_only: String = good
        .lines()
        .filter(|l| !l.starts_with('C'))
        .map(|l| format!("{l}\n"))
        .collect();
    let file = s.write("villages-only.csv", villages_only);
    let out = load(&s, &file, "x");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("没有县级标准"), "{}", stderr(&out));
    assert_eq!(criteria_rows(&s), before);
}

#[test]
fn checks_charts_and_the_report_read_the_set_as_it_is() {
    let s = Scratch::new();
    fixture::standard(&s);
    // Villages get 通客运班车 as V11; counties a seventh criterion, the 低保 standard.
    let set = export(&s)
        + "V11,village,11,通客运班车,bus_service,=,1,,是/否,\n\
           C7,county,7,农村低保标准,dibao_standard,>=,4000,,元/年,\n";
    let file = s.write("set.csv", set);
    assert!(load(&s, &file, "11 + 7").status.success());
    fixture::import(
        &s,
        Kind::Indicators,
        "bus.csv",
        "统计期,区划代码,指标,值\n\
         2019-03,210922-T01-V01,通客运班车,是\n\
         2019-03,210922-T01-V02,bus_service,否\n\
         2019-03,210922,dibao_standard,4350\n",
    );

    let villages = stdout(
        &s.tuopin(&[
            "check", "villages", "--county", "210922", "--period", "2019-03",
        ])
        .output()
        .unwrap(),
    );
    let header = villages.lines().find(|l| l.starts_with("代码")).unwrap();
    assert!(header.contains("V10  V11  结论"), "{villages}");
    let sanjiazi = villages
        .lines()
        .find(|l| l.starts_with("210922-T01-V01"))
        .unwrap();
    assert_eq!(sanjiazi.split_whitespace().count(), 15, "{sanjiazi}");
    assert!(sanjiazi.ends_with("达标"), "{sanjiazi}");

    let counties = stdout(
        &s.tuopin(&[
            "check", "counties", "--period", "2019-03", "--format", "json",
        ])
        .output()
        .unwrap(),
    );
    let counties: Value = serde_json::from_str(&counties).unwrap();
    let zhangwu = counties["regions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "210922")
        .unwrap();
    let nos: Vec<&str> = zhangwu["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["no"].as_str().unwrap())
        .collect();
    assert_eq!(nos, ["C1", "C2", "C3", "C4", "C5", "C6", "C7"]);
    assert_eq!(zhangwu["criteria"][6]["status"], "pass");
    assert!(
        zhangwu["criteria"][4]["source"]
            .as_str()
            .unwrap()
            .contains("11 项全部达标"),
        "{zhangwu:#}"
    );

    // The criteria grid has a column per village criterion, V11 with its short head.
    let conn = s.open();
    let mut monthly =
        tuopin::chart::checks::Monthly::new(&conn, vec!["210922".to_string()]).unwrap();
    let grid =
        tuopin::chart::checks::criteria_grid(&mut monthly, "210922", "2019-03".parse().unwrap())
            .unwrap();
    let heads: Vec<(&str, &str)> = grid
        .columns
        .iter()
        .map(|c| (c.no.as_str(), c.short_name.as_str()))
        .collect();
    assert_eq!(heads.len(), 11);
    assert_eq!(heads[10], ("V11", "客运班车"));
    assert!(grid.rows.iter().all(|r| r.cells.len() == 11));

    // The report's county table has C7, and says how many criteria the set has.
    let report = s.path("report");
    s.tuopin(&["report", "--period", "2019-03", "--out"])
        .arg(&report)
        .assert()
        .success();
    let md = std::fs::read_to_string(report.join("report-2019-03.md")).unwrap();
    assert!(
        md.contains("| 县 | 代码 | C1 | C2 | C3 | C4 | C5 | C6 | C7 | 结论 |"),
        "{md}"
    );
    assert!(md.contains("7 项退出标准全部达标"), "{md}");
    assert!(md.contains("11 项全部达标"), "{md}");
    assert!(md.contains("C7 农村低保标准 ≥ 4,000 元/年"), "{md}");
}
