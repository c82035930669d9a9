//! Which import a file repeats, and which months a file may report.

use super::*;

fn income(s: &Scratch, period: &str, id: &str) -> f64 {
    scalar(
        &s.open(),
        "SELECT income_per_capita FROM household_snapshot WHERE period = ?1 AND household_id = ?2",
        [period, id],
    )
}

const IDENTICAL: &str = "未做更改";

#[test]
fn the_original_after_its_correction_is_a_correction_again() {
    let s = Scratch::new();
    s.init();
    let a = register(&[row("H1", "2", "1000"), row("H2", "3", "2000")]);
    let a2 = register(&[row("H1", "2", "1500"), row("H2", "3", "2000")]);
    for (name, text) in [("a.csv", &a), ("a2.csv", &a2)] {
        let run = import(&s, "households", name, text, &[]);
        assert_eq!(run.code, 0, "{}", run.err);
    }
    assert_eq!(income(&s, "2019-03", "H1"), 1500.0);
    // Before: "与批次 2 相同，未做更改" although A′ had replaced it.
    let run = import(&s, "households", "a.csv", &a, &[]);
    assert_eq!(run.code, 0, "{}", run.err);
    assert!(!run.out.contains(IDENTICAL), "{}", run.out);
    assert_eq!(income(&s, "2019-03", "H1"), 1000.0);
    // Now A is the register in force: the same bytes again change nothing.
    let run = import(&s, "households", "a.csv", &a, &[]);
    assert!(run.out.contains(IDENTICAL), "{}", run.out);
    // A′ again is a correction again.
    let run = import(&s, "households", "a2.csv", &a2, &[]);
    assert!(!run.out.contains(IDENTICAL), "{}", run.out);
    assert_eq!(income(&s, "2019-03", "H1"), 1500.0);
    s.tuopin(&["verify"]).assert().success();
}

#[test]
fn after_undoing_the_correction_the_original_is_in_force_again() {
    let s = Scratch::new();
    s.init();
    let a = register(&[row("H1", "2", "1000")]);
    let a2 = register(&[row("H1", "2", "1500")]);
    import(&s, "households", "a.csv", &a, &[]);
    import(&s, "households", "a2.csv", &a2, &[]);
    let correction: i64 = scalar(&s.open(), "SELECT max(id) FROM import_batch", []);
    s.tuopin(&["import", "undo", &correction.to_string()])
        .assert()
        .success();
    assert_eq!(income(&s, "2019-03", "H1"), 1000.0);
    let run = import(&s, "households", "a.csv", &a, &[]);
    assert!(run.out.contains(IDENTICAL), "{}", run.out);
}

#[test]
fn the_same_bytes_under_another_period_are_another_month() {
    let s = Scratch::new();
    s.init();
    let no_period = HEADER.trim_start_matches("统计期,");
    let text = format!("{no_period}\nH1,{SANJIAZI},,,2,,,未脱贫,,1000,,,,,\n");
    let run = import(&s, "households", "m.csv", &text, &["--period", "2019-03"]);
    assert_eq!(run.code, 0, "{}", run.err);
    // Before: "identical file" and no April register.
    let run = import(&s, "households", "m.csv", &text, &["--period", "2019-04"]);
    assert_eq!(run.code, 0, "{}", run.err);
    assert!(!run.out.contains(IDENTICAL), "{}", run.out);
    assert_eq!(household_ids(&s, "2019-04"), ["H1"]);
    let registers: i64 = scalar(&s.open(), "SELECT count(*) FROM register_snapshot", []);
    assert_eq!(registers, 2);
    let run = import(&s, "households", "m.csv", &text, &["--period", "2019-04"]);
    assert!(run.out.contains(IDENTICAL), "{}", run.out);
}

#[test]
fn an_indicator_file_after_its_correction_restores_its_values() {
    let s = Scratch::new();
    s.init();
    let v = "统计期,区划代码,指标,值\n2019-04,210922,approval_rate,95.5\n";
    let v2 = "统计期,区划代码,指标,值\n2019-04,210922,approval_rate,89\n";
    import(&s, "indicators", "v.csv", v, &[]);
    import(&s, "indicators", "v2.csv", v2, &[]);
    let run = import(&s, "indicators", "v.csv", v, &[]);
    assert!(!run.out.contains(IDENTICAL), "{}", run.out);
    let value: f64 = scalar(
        &s.open(),
        "SELECT value FROM indicator_value WHERE region_code = '210922' AND indicator_code = 'approval_rate' AND period = '2019-04'",
        [],
    );
    assert_eq!(value, 95.5);
}

/// `tuopin import` with the current month pinned.
fn import_on(s: &Scratch, today: &str, name: &str, text: &str, args: &[&str]) -> Run {
    let path = s.write(name, text);
    let out = s
        .tuopin(&["import", "households"])
        .arg(&path)
        .args(args)
        .env("TUOPIN_TODAY", today)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        out: stdout(&out),
        err: stderr(&out),
    }
}

#[test]
fn months_after_the_current_one_or_before_2013_are_refused() {
    let s = Scratch::new();
    s.init();
    let month = |p: &str| register(&[row("H1", "2", "1000").replacen("2019-03", p, 1)]);
    // Before: one row of 2091-03 made every later check default to 2091-03.
    let run = import_on(&s, "2019-06-15", "future.csv", &month("2019-07"), &[]);
    assert_eq!(run.code, 1, "{}", run.err);
    let l = line_of(&run.err, "future.csv", 2, "统计期");
    assert!(
        l.contains("晚于本月 2019-06") && l.contains("(period in the future)"),
        "{l}"
    );
    let run = import_on(&s, "2019-06", "old.csv", &month("2012-12"), &[]);
    assert_eq!(run.code, 1, "{}", run.err);
    let l = line_of(&run.err, "old.csv", 2, "统计期");
    assert!(l.contains("(period before 2013)"), "{l}");
    let registers: i64 = scalar(&s.open(), "SELECT count(*) FROM register_snapshot", []);
    assert_eq!(registers, 0);

    // --period is checked once, before anything is read.
    let no_period = HEADER.trim_start_matches("统计期,");
    let text = format!("{no_period}\nH1,{SANJIAZI},,,2,,,未脱贫,,1000,,,,,\n");
    let run = import_on(&s, "2019-06", "p.csv", &text, &["--period", "2091-03"]);
    assert_eq!(run.code, 2, "{}", run.err);
    assert!(run.err.contains("--period 2091-03") && run.err.contains("(period in the future)"));

    // The current month itself is fine, and so is an indicator file of it.
    let run = import_on(&s, "2019-06", "now.csv", &month("2019-06"), &[]);
    assert_eq!(run.code, 0, "{}", run.err);
    let path = s.write(
        "future-values.csv",
        "统计期,区划代码,指标,值\n2091-03,210922,approval_rate,95\n",
    );
    let out = s
        .tuopin(&["import", "indicators"])
        .arg(&path)
        .env("TUOPIN_TODAY", "2019-06")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("(period in the future)"));
}
