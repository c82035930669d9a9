//! Names in the wrong column: an error quotes a bad value only when it cannot be personal data.

use super::*;

/// Heads' names that do not look like a Chinese family name and a given name: a shifted column
/// put them into 主要致贫原因, and they were printed in full.
const NAMES: [&str; 4] = ["户主5", "买买提江", "次仁多吉", "Zhang Wei"];

fn names_in_cause_column() -> String {
    let rows: Vec<String> = NAMES
        .iter()
        .enumerate()
        .map(|(i, name)| format!("2019-03,H{i},{SANJIAZI},,,2,,{name},未脱贫,,3000,,,,,"))
        .collect();
    register(&rows)
}

#[test]
fn a_name_in_a_free_text_column_is_described_not_echoed() {
    let s = Scratch::new();
    s.init();
    let run = import(
        &s,
        "households",
        "shifted.csv",
        &names_in_cause_column(),
        &[],
    );
    assert_eq!(run.code, 1, "{}", run.err);
    for (i, name) in NAMES.iter().enumerate() {
        let l = line_of(&run.err, "shifted.csv", i as u64 + 2, "主要致贫原因");
        let first = name.chars().next().unwrap();
        let length = name.chars().count();
        assert!(
            l.contains(&format!("值（{length} 个字符，首字“{first}”")),
            "{l}"
        );
        assert!(l.contains("不是标准的致贫原因"), "{l}");
    }
    for name in NAMES {
        assert!(!run.err.contains(name), "{name} printed: {}", run.err);
        assert!(!run.out.contains(name), "{name} printed: {}", run.out);
    }
    // Asked for, the values are shown.
    let path = s.write("shifted.csv", names_in_cause_column());
    let out = s
        .tuopin(&["--show-names", "import", "households"])
        .arg(&path)
        .output()
        .unwrap();
    let err = stderr(&out);
    for name in NAMES {
        assert!(
            err.contains(&format!("{name:?} 不是标准的致贫原因")),
            "{err}"
        );
    }
}

#[test]
fn values_that_cannot_name_anyone_are_still_quoted() {
    let s = Scratch::new();
    s.init();
    let run = import(
        &s,
        "households",
        "typos.csv",
        &register(&[row("H1", "0", "-5"), row("H2", "2", "\"25,00\"")]),
        &[],
    );
    assert_eq!(run.code, 1, "{}", run.err);
    assert!(line_of(&run.err, "typos.csv", 2, "家庭人口").contains("\"0\""));
    assert!(line_of(&run.err, "typos.csv", 2, "人均纯收入").contains("\"-5\""));
    assert!(line_of(&run.err, "typos.csv", 3, "人均纯收入").contains("\"25,00\""));
}
