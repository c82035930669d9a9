//! `check … --format xlsx --output FILE` and `--output` for every format: the workbooks read back
//! with calamine (sheets, header, cells, codes stored as strings) and their XML (fills, frozen
//! header, filter), the same verdicts as the JSON, files written whole, no workbook on a terminal.

use std::process::Stdio;

use calamine::Data;

use super::*;
use crate::common::office::{self, attr, elements};

fn run_ok(s: &Scratch, args: &[&str]) -> std::process::Output {
    let out = s.tuopin(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: exit {:?}\n{}",
        out.status.code(),
        stderr(&out)
    );
    out
}

/// Excel's column letters of a 0-based index.
fn column_letter(mut i: usize) -> String {
    let mut s = String::new();
    loop {
        s.insert(0, (b'A' + (i % 26) as u8) as char);
        if i < 26 {
            return s;
        }
        i = i / 26 - 1;
    }
}

#[test]
fn villages_workbook_says_what_the_json_says_coloured_as_the_charts() {
    let s = standard();
    let base = [
        "check", "villages", "--county", ZHANGWU, "--period", "2019-03",
    ];
    let out = run_ok(
        &s,
        &[&base[..], &["--format", "xlsx", "--output", "核查.xlsx"]].concat(),
    );
    assert!(
        stdout(&out).contains("已写入 核查.xlsx"),
        "{}",
        stdout(&out)
    );
    let bytes = std::fs::read(s.path("核查.xlsx")).unwrap();
    let sheets = office::sheets(&bytes);
    let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["村级退出核查", "说明"]);
    let table = &sheets[0].1;
    let header = office::row_text(table, 0);
    assert_eq!(header[..5], ["代码", "名称", "上级代码", "贫困村", "结论"]);
    assert_eq!(header[5], "V1 贫困发生率");
    assert_eq!(header[6], "V1 值（≤ 2%）");
    assert_eq!(header[8], "V2 值（≥ 50,000 元/年）");
    assert_eq!(header.len(), 5 + 2 * 10);
    assert_eq!(table.height(), 1 + 4, "header and the four villages");

    // Every village and criterion as the JSON has it: the state in words, the value beside it.
    let json = json(&s, &[&base[..], &["--format", "json"]].concat());
    let parts = office::unzip(&bytes);
    let words = |status: &str| match status {
        "pass" => "达标",
        "fail" => "未达标",
        _ => "无数据",
    };
    let fills = |status: &str| match status {
        "pass" => "2E8B57",
        "fail" => "D03A2F",
        _ => "C4C8CC",
    };
    for (row, region) in json["regions"].as_array().unwrap().iter().enumerate() {
        let r = row + 1;
        let cells = office::row_text(table, r);
        assert_eq!(cells[0], region["code"].as_str().unwrap());
        assert_eq!(cells[1], region["name"].as_str().unwrap());
        let verdict = match region["verdict"].as_str().unwrap() {
            "pass" => "达标",
            "fail" => "未达标",
            _ => "无法判定",
        };
        assert_eq!(cells[4], verdict);
        for (i, c) in region["criteria"].as_array().unwrap().iter().enumerate() {
            let col = 5 + 2 * i;
            let status = c["status"].as_str().unwrap();
            assert_eq!(cells[col], words(status), "{} {}", cells[0], c["no"]);
            let cell = format!("{}{}", column_letter(col), r + 1);
            assert_eq!(
                office::fill_of(&parts, 1, &cell).as_deref(),
                Some(fills(status)),
                "{cell}"
            );
            let value = table.get((r, col + 1)).unwrap();
            match (&c["value"], c["unit"].as_str().unwrap()) {
                (Value::Null, _) => assert_eq!(value, &Data::Empty, "{cell}"),
                (v, "是/否") => {
                    let word = if num(v) != 0.0 { "是" } else { "否" };
                    assert_eq!(value, &Data::String(word.into()), "{cell}");
                }
                // Excel keeps 15 to 17 significant digits.
                (v, _) => match value {
                    Data::Float(f) => assert!(
                        (f - num(v)).abs() <= 1e-12 * num(v).abs().max(1.0),
                        "{cell}: {f}"
                    ),
                    other => panic!("{cell}: {other:?}"),
                },
            }
        }
        for col in [0, 2] {
            assert!(
                matches!(table.get((r, col)), Some(Data::String(_))),
                "codes are text: row {r} col {col}"
            );
        }
    }
    // By hand (see mod.rs): 义 fails V1 at exactly 2%, 丙 has no broadband value.
    let yi = (1..table.height())
        .find(|&r| office::row_text(table, r)[0] == YI)
        .unwrap();
    assert_eq!(table.get((yi, 6)), Some(&Data::Float(2.0)));
    assert_eq!(
        office::fill_of(&parts, 1, &format!("E{}", yi + 1)).as_deref(),
        Some("D03A2F"),
        "a failing verdict is red"
    );

    // Header frozen, filter over every row, the name column wide enough for its Chinese text.
    let sheet = office::xml(&parts, "xl/worksheets/sheet1.xml");
    let pane = elements(&sheet, "pane").next().expect("a frozen pane");
    assert_eq!(attr(&pane, "ySplit"), Some("1"));
    assert_eq!(attr(&pane, "state"), Some("frozen"));
    let filter = elements(&sheet, "autoFilter")
        .next()
        .expect("an autofilter");
    assert_eq!(attr(&filter, "ref"), Some("A1:Y5"));
    let widths: Vec<(usize, f64)> = elements(&sheet, "col")
        .map(|c| {
            (
                attr(&c, "min").unwrap().parse().unwrap(),
                attr(&c, "width").unwrap().parse().unwrap(),
            )
        })
        .collect();
    let name_width = widths.iter().find(|(min, _)| *min == 2).unwrap().1;
    let longest = (1..table.height())
        .map(|r| office::row_text(table, r)[1].chars().count() * 2)
        .max()
        .unwrap();
    assert!(
        name_width >= longest as f64,
        "名称 {name_width} < {longest}"
    );

    // 说明: the month and the ten criteria with their rules.
    let notes = &sheets[1].1;
    let rows: Vec<Vec<String>> = (0..notes.height())
        .map(|r| office::row_text(notes, r))
        .collect();
    assert!(rows.iter().any(|r| r[0] == "统计期" && r[1] == "2019-03"));
    let v1 = rows.iter().find(|r| r[0] == "V1").expect("V1 in 说明");
    assert_eq!(
        v1[1..4],
        [
            "贫困发生率",
            "≤ 2% 即“降至2%以下”（含本数）",
            "poverty_incidence"
        ]
    );
    let listed: Vec<&str> = rows
        .iter()
        .filter(|r| r[0].starts_with('V') && r[0][1..].parse::<u32>().is_ok())
        .map(|r| r[0].as_str())
        .collect();
    assert_eq!(
        listed,
        ["V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V9", "V10"]
    );
}

#[test]
fn county_codes_stay_text_and_the_name_says_the_format() {
    let s = standard();
    // No --format: the .xlsx name says it.
    run_ok(
        &s,
        &["check", "counties", "--period", "2019-03", "-o", "县.xlsx"],
    );
    let bytes = std::fs::read(s.path("县.xlsx")).unwrap();
    let sheets = office::sheets(&bytes);
    assert_eq!(sheets[0].0, "县级退出核查");
    let table = &sheets[0].1;
    let row = (1..table.height())
        .find(|&r| office::row_text(table, r)[0] == ZHANGWU)
        .expect("彰武县 row");
    assert_eq!(table.get((row, 0)), Some(&Data::String(ZHANGWU.into())));
    assert_eq!(table.get((row, 2)), Some(&Data::String("2109".into())));
    assert_eq!(office::row_text(table, 0)[5], "C1 综合贫困发生率");
    // In the sheet's XML the code is a string cell with the text format, not a number.
    let parts = office::unzip(&bytes);
    let sheet = office::xml(&parts, "xl/worksheets/sheet1.xml");
    let cell = elements(&sheet, "c")
        .find(|c| attr(c, "r") == Some(&format!("A{}", row + 1)))
        .unwrap();
    // Constant-memory sheets (issue 16) write their strings inline rather than shared.
    assert_eq!(
        attr(&cell, "t"),
        Some("inlineStr"),
        "a string cell, not a number"
    );
}

#[test]
fn households_workbook_lists_both_lists_masked_and_without_names() {
    let s = standard();
    let base = [
        "check",
        "households",
        "--county",
        ZHANGWU,
        "--period",
        "2019-03",
    ];
    run_ok(
        &s,
        &[&base[..], &["--format", "xlsx", "--output", "户.xlsx"]].concat(),
    );
    let bytes = std::fs::read(s.path("户.xlsx")).unwrap();
    let sheets = office::sheets(&bytes);
    let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["疑似错退", "防返贫监测", "说明"]);
    let json = json(&s, &[&base[..], &["--format", "json"]].concat());
    let households = json["households"].as_array().unwrap();
    for (sheet, flag) in [(0, "suspected_wrong_exit"), (1, "monitoring")] {
        let range = &sheets[sheet].1;
        assert_eq!(
            office::row_text(range, 0),
            [
                "户编号",
                "村代码",
                "证件号码",
                "脱贫状态",
                "人均纯收入（元）",
                "监测原因",
                "未达标项",
                "未填报项",
                "来源"
            ]
        );
        let want: Vec<&Value> = households.iter().filter(|h| h[flag] == true).collect();
        assert!(!want.is_empty(), "{flag}");
        assert_eq!(range.height(), 1 + want.len(), "{flag}");
        for (i, h) in want.iter().enumerate() {
            let cells = office::row_text(range, i + 1);
            assert_eq!(cells[0], h["household_id"].as_str().unwrap());
            assert_eq!(cells[1], h["village_code"].as_str().unwrap());
            assert_eq!(cells[2], h["id_masked"].as_str().unwrap_or_default());
            assert_eq!(
                range.get((i + 1, 4)),
                Some(&Data::Float(num(&h["income_per_capita"])))
            );
            // Why the household is on the monitoring list: the same reason the JSON gives.
            assert_eq!(
                cells[5].is_empty(),
                h["monitoring_reason"].is_null(),
                "{flag} {}",
                cells[0]
            );
        }
    }
    // A04 is on both lists: income at the line fails H1, and it is under 5,000.
    for (sheet, _) in sheets.iter().take(2).enumerate() {
        let range = &sheets[sheet].1;
        assert!((1..range.height()).any(|r| office::row_text(range, r)[0] == "A04"));
    }
    // No full ID number and no name anywhere in the package.
    let parts = office::unzip(&bytes);
    let everything: String = parts
        .values()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect();
    for secret in ["210922195001011115", "210922195203033339", "赵甲", "孙丙"] {
        assert!(!everything.contains(secret), "{secret} in the workbook");
    }
    let notes = &sheets[2].1;
    let rows: Vec<Vec<String>> = (0..notes.height())
        .map(|r| office::row_text(notes, r))
        .collect();
    assert!(rows
        .iter()
        .any(|r| r[0] == "扶贫标准" && r[1].contains("3,747")));
    assert!(rows.iter().any(|r| r[0] == "H1"));
}

#[test]
fn every_text_format_goes_to_a_file_as_it_goes_to_standard_output() {
    let s = standard();
    let base = [
        "check", "villages", "--county", ZHANGWU, "--period", "2019-03",
    ];
    for format in ["table", "csv", "json", "md"] {
        let shown = run_ok(&s, &[&base[..], &["--format", format]].concat()).stdout;
        let file = format!("out.{format}");
        run_ok(
            &s,
            &[&base[..], &["--format", format, "--output", &file]].concat(),
        );
        assert_eq!(std::fs::read(s.path(&file)).unwrap(), shown, "{format}");
        let dashed = run_ok(&s, &[&base[..], &["--format", format, "-o", "-"]].concat());
        assert_eq!(dashed.stdout, shown, "{format} to -");
    }
    // The name chooses the format when --format is not given.
    let shown = run_ok(&s, &[&base[..], &["--format", "json"]].concat()).stdout;
    run_ok(&s, &[&base[..], &["-o", "v.JSON"]].concat());
    assert_eq!(std::fs::read(s.path("v.JSON")).unwrap(), shown);
    let shown = run_ok(&s, &base).stdout;
    run_ok(&s, &[&base[..], &["-o", "v.txt"]].concat());
    assert_eq!(std::fs::read(s.path("v.txt")).unwrap(), shown);
}

/// Names in a folder, the hidden temporary files included.
fn listing(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn a_file_that_cannot_be_put_in_place_leaves_nothing_behind() {
    let s = standard();
    std::fs::create_dir(s.path("out")).unwrap();
    std::fs::write(s.path("out/keep.xlsx"), "earlier").unwrap();
    std::fs::create_dir(s.path("out/busy.xlsx")).unwrap();
    let before = listing(&s.path("out"));
    // The target is a folder: everything is written, the rename fails, the temporary file goes.
    let out = s
        .tuopin(&[
            "check",
            "villages",
            "--format",
            "xlsx",
            "-o",
            "out/busy.xlsx",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("busy.xlsx"), "{}", stderr(&out));
    assert_eq!(listing(&s.path("out")), before);
    // A folder that does not exist: an error naming the file, nothing created.
    let out = s
        .tuopin(&["check", "villages", "-o", "nowhere/核查.xlsx"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("核查.xlsx"), "{}", stderr(&out));
    assert!(!s.path("nowhere").exists());
    // A check that fails (a region that is not a county) writes nothing over the earlier file.
    let out = s
        .tuopin(&[
            "check",
            "villages",
            "--county",
            SANJIAZI,
            "-o",
            "out/keep.xlsx",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read(s.path("out/keep.xlsx")).unwrap(), b"earlier");
    assert_eq!(listing(&s.path("out")), before);
}

#[test]
fn a_workbook_goes_to_a_pipe_but_never_to_a_terminal() {
    let s = standard();
    // A pipe (or a redirection): the bytes of the workbook.
    let piped = run_ok(&s, &["check", "counties", "--format", "xlsx"]).stdout;
    assert!(piped.starts_with(b"PK"));
    assert_eq!(office::sheets(&piped)[0].0, "县级退出核查");

    // A terminal: refused, exit 2, nothing written to it.
    let (mut master, mut slave) = (0, 0);
    // SAFETY: out-pointers to two ints; no name, terminal settings or size asked for.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(rc, 0, "openpty");
    // SAFETY: slave is an open descriptor that we own from here on.
    let tty = unsafe { <std::fs::File as std::os::fd::FromRawFd>::from_raw_fd(slave) };
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tuopin"))
        .env_remove("TUOPIN_DB")
        .arg("--db")
        .arg(s.db())
        .args(["check", "counties", "--format", "xlsx"])
        .stdin(Stdio::null())
        .stdout(Stdio::from(tty))
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("xlsx 工作簿不能写到终端"), "{err}");
    assert!(
        err.contains("(refusing to write xlsx to a terminal)"),
        "{err}"
    );
    // Nothing reached the terminal: the master side has no bytes to read.
    // SAFETY: master is open and ours; a non-blocking read of a small buffer.
    unsafe {
        libc::fcntl(master, libc::F_SETFL, libc::O_NONBLOCK);
        let mut buf = [0u8; 64];
        let n = libc::read(master, buf.as_mut_ptr().cast(), buf.len());
        assert!(n <= 0, "{n} bytes reached the terminal");
        libc::close(master);
    }
}
