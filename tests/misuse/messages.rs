//! Messages that named the wrong problem: an unclosed quote, the wrong separator, SQLite's English.

use super::*;

#[test]
fn an_unclosed_quote_is_reported_as_such() {
    let s = Scratch::new();
    s.init();
    // Row 3 opens a quote in 户主姓名 and never closes it: the rest of the file is one cell.
    let text = register(&[
        row("H1", "2", "1000"),
        format!("2019-03,H2,{SANJIAZI},\"张三,,2,,,未脱贫,,1000,,,,,"),
        row("H3", "2", "1000"),
    ]);
    let run = import(&s, "households", "quote.csv", &text, &[]);
    assert_eq!(run.code, 1, "{}", run.err);
    assert!(
        run.err.contains("quote.csv:3: 从第 3 行开始的引号没有闭合")
            && run.err.contains("(unclosed quote)"),
        "{}",
        run.err
    );
    // Before: "必填项为空" for the columns the open quote swallowed.
    assert!(!run.err.contains("必填项为空"), "{}", run.err);
    assert!(household_ids(&s, "2019-03").is_empty());
}

#[test]
fn a_file_separated_by_semicolons_or_tabs_says_so() {
    let s = Scratch::new();
    s.init();
    for (sep, name, want) in [
        (";", "semicolon.csv", "(semicolon-separated file?)"),
        ("\t", "tab.csv", "(tab-separated file?)"),
    ] {
        let text = register(&[row("H1", "2", "1000")]).replace(',', sep);
        let run = import(&s, "households", name, &text, &[]);
        assert_eq!(run.code, 1, "{}", run.err);
        assert!(
            run.err.contains("缺少必需的列") && run.err.contains(want),
            "{}",
            run.err
        );
    }
    // A comma file that lacks a column gets no such guess.
    let text = register(&[row("H1", "2", "1000")]).replacen("家庭人口", "人口数", 1);
    let run = import(&s, "households", "missing.csv", &text, &[]);
    assert!(run.err.contains("缺少必需的列: 家庭人口"), "{}", run.err);
    assert!(!run.err.contains("-separated"), "{}", run.err);
}

#[test]
fn sqlite_errors_inside_chinese_sentences_are_translated() {
    let s = Scratch::new();
    s.init();
    // A village added by one batch and used by the next register: undoing the first must fail, and
    // say why in Chinese.
    let run = import(
        &s,
        "regions",
        "v.csv",
        "代码,名称,级别,上级代码\n210922-T01-V30,新村,村,210922-T01\n",
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.err);
    let regions_batch: i64 = scalar(&s.open(), "SELECT max(id) FROM import_batch", []);
    let text = register(&[row("H1", "2", "1000").replace(SANJIAZI, "210922-T01-V30")]);
    let run = import(&s, "households", "h.csv", &text, &[]);
    assert_eq!(run.code, 0, "{}", run.err);
    let out = s
        .tuopin(&["import", "undo", &regions_batch.to_string()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("外键约束失败") && err.contains("(FOREIGN KEY constraint failed)"),
        "{err}"
    );

    // A damaged file: SQLite's "malformed" comes with what to do.
    let db = s.db();
    let mut bytes = std::fs::read(&db).unwrap();
    let page = 4096;
    assert!(bytes.len() > 2 * page);
    for b in &mut bytes[page..] {
        *b = 0x5a;
    }
    std::fs::write(&db, bytes).unwrap();
    let out = s
        .tuopin(&["import", "households"])
        .arg(s.path("h.csv"))
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("已损坏") && err.contains("(database disk image is malformed)"),
        "{err}"
    );
}

#[test]
fn a_missing_file_is_reported_in_chinese() {
    let s = Scratch::new();
    s.init();
    let out = s
        .tuopin(&["import", "households", "没有这个文件.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("没有这个文件.csv") && err.contains("文件或文件夹不存在"),
        "{err}"
    );
}
