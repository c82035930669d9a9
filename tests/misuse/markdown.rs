//! Markdown output of names from the database, and names that would break it refused at import.

use super::*;
use crate::common::fixture;

const HOSTILE: &str = "<script>alert(1)</script>|*粗*`码`";

/// The standard dataset with 彰武县 and 乙村 renamed to `HOSTILE`.
fn hostile_names() -> Scratch {
    let s = Scratch::new();
    fixture::standard(&s);
    let csv = format!(
        "代码,名称,级别,上级代码\n210922,\"{HOSTILE}县\",县,2109\n210922-T01-V02,\"{HOSTILE}村\",村,210922-T01\n"
    );
    let run = import(&s, "regions", "rename.csv", &csv, &[]);
    assert_eq!(run.code, 0, "{}", run.err);
    s
}

/// Every table row of a Markdown text has as many unescaped `|` as its header row.
fn assert_tables_intact(md: &str) {
    let pipes = |l: &str| {
        let b = l.as_bytes();
        (0..b.len())
            .filter(|&i| b[i] == b'|' && (i == 0 || b[i - 1] != b'\\'))
            .count()
    };
    let mut header: Option<usize> = None;
    for l in md.lines() {
        if l.starts_with('|') {
            let n = pipes(l);
            let want = *header.get_or_insert(n);
            assert_eq!(n, want, "table row broken: {l}\n{md}");
        } else {
            header = None;
        }
    }
}

#[test]
fn names_are_escaped_in_check_markdown_and_the_report() {
    let s = hostile_names();
    for args in [
        ["check", "villages", "--period", "2019-03", "--format", "md"],
        ["check", "counties", "--period", "2019-03", "--format", "md"],
    ] {
        let out = s.tuopin(&args).output().unwrap();
        let md = stdout(&out);
        assert!(
            md.contains("\\<script\\>alert(1)\\</script\\>\\|\\*粗\\*\\`码\\`"),
            "{md}"
        );
        assert!(!md.contains("<script>"), "{md}");
        assert_tables_intact(&md);
    }
    s.tuopin(&["report", "--period", "2019-03", "--out", "out"])
        .assert()
        .success();
    let md = std::fs::read_to_string(s.path("out").join("report-2019-03.md")).unwrap();
    assert!(!md.contains("<script>"), "{md}");
    assert!(md.contains("\\<script\\>alert(1)\\</script\\>"), "{md}");
    assert_tables_intact(&md);
    // The HTML report escapes it as HTML, as before.
    let html = std::fs::read_to_string(s.path("out").join("report-2019-03.html")).unwrap();
    assert!(!html.contains("<script>alert"), "html");
}

#[test]
fn names_with_line_breaks_or_control_characters_are_refused() {
    let s = Scratch::new();
    s.init();
    for (i, name) in ["\"甲\n| 伪造 | 行 |\"", "乙\t村", "\"丙\r村\"", "丁\u{7}村"]
        .iter()
        .enumerate()
    {
        let csv = format!(
            "代码,名称,级别,上级代码\n210922-T01-V{:02},{name},村,210922-T01\n",
            20 + i
        );
        let run = import(&s, "regions", "names.csv", &csv, &[]);
        assert_eq!(run.code, 1, "{name}: {}", run.err);
        let l = line_of(&run.err, "names.csv", 2, "名称");
        assert!(l.contains("(control character in a name)"), "{l}");
    }
    let n: i64 = scalar(
        &s.open(),
        "SELECT count(*) FROM region WHERE code GLOB '210922-T01-V2*'",
        [],
    );
    assert_eq!(n, 0);
}
