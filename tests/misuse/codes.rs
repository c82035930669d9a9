//! Look-alike codes: a household number, a region code or an indicator code that looks like
//! another is the same one (NFKC, invisible characters removed).

use super::*;

#[test]
fn look_alike_household_numbers_are_one_household() {
    let s = Scratch::new();
    s.init();
    // Before: five households. U1 with a zero-width space, a BOM, a word joiner, in full width.
    let text = register(&[
        row("U1", "2", "3000"),
        row("U\u{200B}1", "2", "3000"),
        row("\u{FEFF}U1", "2", "3000"),
        row("U1\u{2060}", "2", "3000"),
        row("Ｕ1", "2", "3000"),
    ]);
    let run = import(&s, "households", "u1.csv", &text, &[]);
    assert_eq!(run.code, 1, "{}", run.err);
    for line in 3..=6 {
        let l = line_of(&run.err, "u1.csv", line, "户编号");
        assert!(l.contains("\"U1\" 在本文件中重复（第 2 行已出现）"), "{l}");
    }
    assert!(household_ids(&s, "2019-03").is_empty());

    // Stored in the one spelling, so that a later month's file finds the same household.
    let text = register(&[row("Ｕ1", "2", "3000"), row("V\u{200B}2", "2", "3000")]);
    let run = import(&s, "households", "u2.csv", &text, &[]);
    assert_eq!(run.code, 0, "{}", run.err);
    assert_eq!(household_ids(&s, "2019-03"), ["U1", "V2"]);
    // A correction spelled the other way is the same two households, not two more.
    let text = register(&[row("U1", "2", "3100"), row("V2", "2", "3000")]);
    let run = import(&s, "households", "u3.csv", &text, &[]);
    assert_eq!(run.code, 0, "{}", run.err);
    assert_eq!(household_ids(&s, "2019-03"), ["U1", "V2"]);
}

#[test]
fn a_line_break_inside_a_household_number_is_an_error() {
    let s = Scratch::new();
    s.init();
    let run = import(
        &s,
        "households",
        "nl.csv",
        &register(&[row("\"U\n1\"", "2", "3000")]),
        &[],
    );
    assert_eq!(run.code, 1, "{}", run.err);
    let l = line_of(&run.err, "nl.csv", 2, "户编号");
    assert!(l.contains("(line break in a code)"), "{l}");
    assert!(household_ids(&s, "2019-03").is_empty());
}

#[test]
fn region_and_indicator_codes_are_compared_in_their_normal_form() {
    let s = Scratch::new();
    s.init();
    // 村代码 in full width and with a zero-width space: 三家子村.
    let text = register(&[
        "2019-03,H1,２１０９２２-Ｔ０１-Ｖ０１,,,2,,,未脱贫,,3000,,,,,".to_string(),
        format!("2019-03,H2,{SANJIAZI}\u{200B},,,2,,,未脱贫,,3000,,,,,"),
    ]);
    let run = import(&s, "households", "villages.csv", &text, &[]);
    assert_eq!(run.code, 0, "{}", run.err);
    let villages: Vec<String> = s
        .open()
        .prepare("SELECT DISTINCT village_code FROM household_snapshot")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(villages, [SANJIAZI]);

    // 区划代码 with a word joiner, an indicator code in full width.
    let run = import(
        &s,
        "indicators",
        "values.csv",
        "统计期,区划代码,指标,值\n2019-03,210922\u{2060},ａｐｐｒｏｖａｌ_rate,95.5\n",
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.err);
    let stored: f64 = scalar(
        &s.open(),
        "SELECT value FROM indicator_value WHERE region_code = '210922' AND indicator_code = 'approval_rate' AND period = '2019-03'",
        [],
    );
    assert_eq!(stored, 95.5);

    // Region codes of `import regions`: a look-alike is a duplicate, a look-alike parent is found.
    let regions = "代码,名称,级别,上级代码\n210922-T07,七镇,乡镇,210922\u{200B}\n210922-T07\u{FEFF},七镇二,乡镇,210922\n";
    let run = import(&s, "regions", "r.csv", regions, &[]);
    assert_eq!(run.code, 1, "{}", run.err);
    let l = line_of(&run.err, "r.csv", 3, "代码");
    assert!(
        l.contains("\"210922-T07\" 在本文件中重复（第 2 行已出现）"),
        "{l}"
    );
    let run = import(
        &s,
        "regions",
        "r2.csv",
        "代码,名称,级别,上级代码\n２１０９２２-T07,七镇,乡镇,210922\u{200B}\n",
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.err);
    let parent: String = scalar(
        &s.open(),
        "SELECT parent_code FROM region WHERE code = '210922-T07'",
        [],
    );
    assert_eq!(parent, "210922");
}
