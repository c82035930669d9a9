//! Issue 11, the import side: what a careless or hostile county file used to change silently (a
//! decimal comma read as a thousandfold figure, look-alike household numbers, an ID number in a
//! numeric column, a name echoed, a corrected register that could not be restored, a month in the
//! future, Markdown in a region's name) and the messages that did not say what was wrong. Each
//! test failed before its fix. The database side of the issue is in other modules.

mod batches;
mod codes;
mod markdown;
mod messages;
mod names;
mod numbers;

use crate::common::*;

pub const HEADER: &str = "统计期,户编号,村代码,户主姓名,证件号码,家庭人口,贫困户属性,主要致贫原因,脱贫状态,脱贫年度,人均纯收入,不愁吃穿,义务教育保障,基本医疗保障,住房安全,饮水安全";
pub const SANJIAZI: &str = "210922-T01-V01";

/// Valid resident ID numbers (GB 11643 check digit, plausible birth date), all digits: a number
/// cell accepts them as figures unless refused.
pub const ID_DIGITS: &str = "110105194912310038";
pub const ID_DIGITS_2: &str = "210922198001010028";

/// A register row of 三家子村 for 2019-03 with the given household number, size and income.
pub fn row(id: &str, size: &str, income: &str) -> String {
    format!("2019-03,{id},{SANJIAZI},,,{size},,,未脱贫,,{income},,,,,")
}

/// A households file of these rows.
pub fn register(rows: &[String]) -> String {
    let mut text = format!("{HEADER}\n");
    for r in rows {
        text.push_str(r);
        text.push('\n');
    }
    text
}

/// What one run of the binary printed, and its exit code.
pub struct Run {
    pub code: i32,
    pub out: String,
    pub err: String,
}

/// `tuopin import KIND FILE [ARGS]` on `text` written as `name` into the scratch folder.
pub fn import(s: &Scratch, kind: &str, name: &str, text: &str, args: &[&str]) -> Run {
    let path = s.write(name, text);
    let out = s
        .tuopin(&["import", kind])
        .arg(&path)
        .args(args)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        out: stdout(&out),
        err: stderr(&out),
    }
}

/// The household numbers of a month's register, sorted.
pub fn household_ids(s: &Scratch, period: &str) -> Vec<String> {
    let conn = s.open();
    let mut stmt = conn
        .prepare("SELECT household_id FROM household_snapshot WHERE period = ?1 ORDER BY 1")
        .unwrap();
    let ids = stmt
        .query_map([period], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<Vec<String>>>()
        .unwrap();
    ids
}

/// The line of `err` that names `file:line: [column]`, or a panic showing all of `err`.
pub fn line_of<'e>(err: &'e str, file: &str, line: u64, column: &str) -> &'e str {
    let want = format!("{file}:{line}: [{column}]");
    err.lines()
        .find(|l| l.contains(&want))
        .unwrap_or_else(|| panic!("no message for {want} in:\n{err}"))
}
