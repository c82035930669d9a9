//! Numbers as a careless export writes them: decimal commas, exponents, ID numbers in number cells.

use super::*;

#[test]
fn a_comma_separates_thousands_only_between_groups_of_three_digits() {
    let s = Scratch::new();
    s.init();
    // Before: 25,00 → 2500, 1,5 → 15 people, 3,0000 → 30000, 1.328,5 → 1.3285, all accepted.
    let text = register(&[
        row("B1", "2", "\"25,00\""),
        row("B2", "\"1,5\"", "3000"),
        row("B3", "2", "\"3,0000\""),
        row("B4", "2", "\"1.328,5\""),
    ]);
    let run = import(&s, "households", "bad.csv", &text, &[]);
    assert_eq!(run.code, 1, "{}", run.err);
    for (line, column, value) in [
        (2, "人均纯收入", "\"25,00\""),
        (3, "家庭人口", "\"1,5\""),
        (4, "人均纯收入", "\"3,0000\""),
        (5, "人均纯收入", "\"1.328,5\""),
    ] {
        let l = line_of(&run.err, "bad.csv", line, column);
        assert!(
            l.contains(&format!("{value} 中的逗号不是千位分隔符")) && l.contains("欧洲"),
            "{l}"
        );
    }
    assert!(household_ids(&s, "2019-03").is_empty());

    // Real thousands separators are still read, to the unit.
    let text = register(&[row("G1", "2", "\"1,328\""), row("G2", "3", "\"12,000.5\"")]);
    let run = import(&s, "households", "good.csv", &text, &[]);
    assert_eq!(run.code, 0, "{}", run.err);
    let incomes: Vec<f64> = s
        .open()
        .prepare("SELECT income_per_capita FROM household_snapshot ORDER BY household_id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(incomes, [1328.0, 12000.5]);
}

#[test]
fn a_decimal_comma_in_an_indicator_or_in_reference_data_is_refused() {
    let s = Scratch::new();
    s.init();
    let values =
        |s: &Scratch| -> i64 { scalar(&s.open(), "SELECT count(*) FROM indicator_value", []) };
    let before = values(&s);
    // Before: approval_rate "9,5" became 95 and passed C4 (≥ 90%).
    let run = import(
        &s,
        "indicators",
        "c4.csv",
        "统计期,区划代码,指标,值\n2019-03,210922,approval_rate,\"9,5\"\n2019-03,210922,population,\"5,000\"\n",
        &[],
    );
    assert_eq!(run.code, 1, "{}", run.err);
    let l = line_of(&run.err, "c4.csv", 2, "值");
    assert!(l.contains("\"9,5\" 中的逗号不是千位分隔符"), "{l}");
    assert!(
        !run.err.contains("c4.csv:3:"),
        "5,000 is a thousands separator: {}",
        run.err
    );
    assert_eq!(values(&s), before);

    // The reference data of init goes through the same rule.
    let s = Scratch::new();
    let data = copy_data(&s);
    let lines = data.join("poverty_lines.csv");
    let text = std::fs::read_to_string(&lines).unwrap();
    std::fs::write(&lines, text.replacen("2019,3747,", "2019,\"37,47\",", 1)).unwrap();
    let out = s
        .tuopin(&["init", "--data", data.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("poverty_lines.csv:5") && err.contains("\"37,47\" 中的逗号不是千位分隔符"),
        "{err}"
    );
}

#[test]
fn a_number_too_large_is_out_of_range_not_not_a_number() {
    let s = Scratch::new();
    s.init();
    let run = import(
        &s,
        "households",
        "big.csv",
        &register(&[row("H1", "2", "1e300"), row("H2", "2", &"9".repeat(400))]),
        &[],
    );
    assert_eq!(run.code, 1, "{}", run.err);
    for line in [2, 3] {
        let l = line_of(&run.err, "big.csv", line, "人均纯收入");
        assert!(
            l.contains("超出范围") && l.contains("(out of range)"),
            "{l}"
        );
        assert!(!l.contains("不是数字"), "{l}");
    }
    let run = import(
        &s,
        "indicators",
        "big-value.csv",
        "统计期,区划代码,指标,值\n2019-03,210922,population,1e300\n",
        &[],
    );
    let l = line_of(&run.err, "big-value.csv", 2, "值");
    assert!(l.contains("(out of range)"), "{l}");
}

#[test]
fn an_id_number_in_a_numeric_column_is_refused_and_masked() {
    let s = Scratch::new();
    s.init();
    // Before: stored as 1.1e17 and printed by explain with 16 of its 18 digits.
    let run = import(
        &s,
        "households",
        "id-income.csv",
        &register(&[row("H1", "2", ID_DIGITS), row("H2", ID_DIGITS_2, "3000")]),
        &[],
    );
    assert_eq!(run.code, 1, "{}", run.err);
    let l = line_of(&run.err, "id-income.csv", 2, "人均纯收入");
    assert!(l.contains("含有身份证号码 1101**********0038"), "{l}");
    let l = line_of(&run.err, "id-income.csv", 3, "家庭人口");
    assert!(l.contains("含有身份证号码 2109**********0028"), "{l}");
    assert_eq!(
        run.err.matches("id-income.csv:2:").count(),
        1,
        "{}",
        run.err
    );
    let run = import(
        &s,
        "indicators",
        "id-value.csv",
        &format!("统计期,区划代码,collective_income\n2019-03,{SANJIAZI},{ID_DIGITS}\n"),
        &[],
    );
    assert_eq!(run.code, 1, "{}", run.err);
    let l = line_of(&run.err, "id-value.csv", 2, "collective_income");
    assert!(l.contains("含有身份证号码 1101**********0038"), "{l}");
    for text in [&run.out, &run.err] {
        assert!(
            !text.contains(ID_DIGITS) && !text.contains("11010519491231"),
            "{text}"
        );
    }
    assert!(household_ids(&s, "2019-03").is_empty());
}

#[test]
fn verify_finds_an_id_number_stored_as_a_number() {
    let s = Scratch::new();
    s.init();
    let run = import(
        &s,
        "indicators",
        "v.csv",
        &format!("统计期,区划代码,collective_income\n2019-03,{SANJIAZI},62000\n"),
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.err);
    s.tuopin(&["verify"]).assert().success();
    // As an older tuopin stored it: a figure of 18 digits (a double keeps about 16 of them).
    let conn = s.open();
    conn.execute(
        "UPDATE indicator_value SET value = CAST(?1 AS REAL) WHERE indicator_code = 'collective_income' AND period = '2019-03' AND region_code = ?2",
        rusqlite::params![ID_DIGITS, SANJIAZI],
    )
    .unwrap();
    drop(conn);
    let out = s.tuopin(&["verify", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = v.to_string();
    assert!(text.contains("indicator_value.value"), "{text}");
    assert!(!text.contains("11010519491231"), "{text}");
}
