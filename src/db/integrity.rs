//! What SQLite's `PRAGMA integrity_check` finds, in Chinese with SQLite's own words beside it, and
//! what can still be said when the check itself stops at a page it cannot parse: which tables
//! cannot be read, each checked on its own. No tuopin knowledge here.

use std::collections::HashMap;

use anyhow::Result;
use rusqlite::{Connection, ErrorCode};

use super::pragma;

const CHECK_TABLE: &str = "SELECT * FROM pragma_integrity_check(?1)";
const TABLES: &str = "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name";
const ROOT_PAGES: &str = "SELECT rootpage, name FROM sqlite_schema WHERE rootpage > 0";

/// The problems of the database file, one line each, translated: `第 5 页从未使用 (Page 5: never
/// used)`. Empty when the file is sound. When SQLite cannot finish the check, the first line says
/// so and the rest name the tables that cannot be read.
pub fn problems(conn: &Connection) -> Result<Vec<String>> {
    let names = root_pages(conn);
    let rows = match pragma::integrity_problems(conn) {
        Ok(rows) => rows,
        Err(e) if is_damage(&e) => return Ok(unfinished(conn, &e, &names)),
        Err(e) => return Err(e),
    };
    Ok(rows
        .iter()
        .flat_map(|row| row.lines())
        .filter(|line| !line.starts_with("*** in database"))
        .map(|line| translate(line, &names))
        .collect())
}

/// Whether an error is SQLite finding the file damaged (`SQLITE_CORRUPT`, `SQLITE_NOTADB`).
pub fn is_damage(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<rusqlite::Error>().is_some_and(|e| {
            matches!(
                e.sqlite_error_code(),
                Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase)
            )
        })
    })
}

/// A damage error in Chinese, with SQLite's text.
pub fn describe(e: &anyhow::Error) -> String {
    let code = e.chain().find_map(|c| {
        c.downcast_ref::<rusqlite::Error>()
            .and_then(|e| e.sqlite_error_code())
    });
    match code {
        Some(ErrorCode::NotADatabase) => {
            "文件不是数据库或文件头已损坏 (file is not a database)".to_string()
        }
        _ => "数据库文件已损坏 (database disk image is malformed)".to_string(),
    }
}

/// The check stopped at a damaged page: check each table alone to say which cannot be read.
fn unfinished(conn: &Connection, e: &anyhow::Error, names: &HashMap<i64, String>) -> Vec<String> {
    let mut out = vec![format!("完整性检查无法完成：{}", describe(e))];
    let tables: rusqlite::Result<Vec<String>> = conn
        .prepare(TABLES)
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect());
    let Ok(tables) = tables else {
        out.push("数据库的结构表 sqlite_schema 无法读取：所有表都无法检查".to_string());
        return out;
    };
    for table in tables {
        let rows: rusqlite::Result<Vec<String>> = conn
            .prepare(CHECK_TABLE)
            .and_then(|mut s| s.query_map([&table], |r| r.get(0))?.collect());
        match rows {
            Ok(rows) => out.extend(
                rows.iter()
                    .flat_map(|row| row.lines())
                    .filter(|line| *line != "ok" && !line.starts_with("*** in database"))
                    .map(|line| format!("表 {table}: {}", translate(line, names))),
            ),
            Err(e) => out.push(format!(
                "表 {table}: 无法读取，{}",
                describe(&anyhow::Error::from(e))
            )),
        }
    }
    out
}

/// Root page → table or index name, to say where a damaged b-tree belongs. Empty when the schema
/// itself cannot be read.
fn root_pages(conn: &Connection) -> HashMap<i64, String> {
    conn.prepare(ROOT_PAGES)
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<HashMap<i64, String>>>()
        })
        .unwrap_or_default()
}

/// SQLite's messages (sqlite3.c, `checkAppendMsg` and the index checks), `{}` for each value, and
/// their Chinese, `{0}`, `{1}`, ... for the values in order.
const MESSAGES: &[(&str, &str)] = &[
    ("invalid page number {}", "页号 {0} 无效"),
    ("2nd reference to page {}", "第 {0} 页被引用了两次"),
    (
        "Failed to read ptrmap key={}",
        "无法读取第 {0} 页的指针映射",
    ),
    (
        "Bad ptr map entry key={} expected=({},{}) got=({},{})",
        "第 {0} 页的指针映射项错误",
    ),
    ("failed to get page {}", "无法读取第 {0} 页"),
    (
        "freelist leaf count too big on page {}",
        "第 {0} 页的空闲页计数过大",
    ),
    ("size is {} but should be {}", "空闲页数为 {0}，应为 {1}"),
    (
        "overflow list length is {} but should be {}",
        "溢出页链长度为 {0}，应为 {1}",
    ),
    (
        "unable to get the page. error code={}",
        "无法读取该页（错误码 {0}）",
    ),
    (
        "btreeInitPage() returns error code {}",
        "页面结构已损坏（错误码 {0}）",
    ),
    ("free space corruption", "页内空闲空间已损坏"),
    (
        "Offset {} out of range {}..{}",
        "偏移 {0} 超出范围 {1}..{2}",
    ),
    ("Extends off end of page", "记录超出页面末尾"),
    ("Rowid {} out of order", "行号 {0} 的顺序错误"),
    ("Child page depth differs", "子页的深度不一致"),
    (
        "Multiple uses for byte {} of page {}",
        "第 {1} 页的第 {0} 字节被多次使用",
    ),
    (
        "Fragmentation of {} bytes reported as {} on page {}",
        "第 {2} 页的碎片为 {0} 字节，页头记为 {1}",
    ),
    (
        "max rootpage ({}) disagrees with header ({})",
        "最大根页 {0} 与文件头记录的 {1} 不一致",
    ),
    ("Page {}: never used", "第 {0} 页从未使用"),
    ("Page {} is never used", "第 {0} 页从未使用"),
    ("Page {}: pointer map referenced", "第 {0} 页被指针映射引用"),
    ("row {} missing from index {}", "索引 {1} 缺少第 {0} 行"),
    ("wrong # of entries in index {}", "索引 {0} 的条目数不对"),
    ("non-unique entry in index {}", "索引 {0} 中有重复的条目"),
    (
        "rowid not at end-of-record for row {} of index {}",
        "索引 {1} 中第 {0} 行的记录结构错误",
    ),
    (
        "row {} values differ from index {}",
        "第 {0} 行的值与索引 {1} 不一致",
    ),
    ("NULL value in {}", "{0} 中有 NULL 值"),
    ("non-{} value in {}", "{1} 中有不是 {0} 类型的值"),
    ("NUMERIC value in {}", "{0} 中有类型不符的数值"),
    ("TEXT value in {}", "{0} 中有类型不符的文本"),
    (
        "CHECK constraint failed in {}",
        "表 {0} 中有违反 CHECK 约束的行",
    ),
    ("database disk image is malformed", "数据库文件已损坏"),
];

/// One line of `integrity_check` in Chinese, SQLite's words in parentheses.
pub fn translate(line: &str, names: &HashMap<i64, String>) -> String {
    let (place, message) = split_place(line, names);
    let chinese = MESSAGES
        .iter()
        .find_map(|(english, chinese)| fill(english, message).map(|v| substitute(chinese, &v)))
        .unwrap_or_else(|| "SQLite 报告的问题".to_string());
    format!("{place}{chinese} ({line})")
}

/// The b-tree prefix SQLite puts before a message (`Tree 27 page 66 cell 3: `), as a Chinese
/// place, and the message after it.
fn split_place<'a>(line: &'a str, names: &HashMap<i64, String>) -> (String, &'a str) {
    let Some((prefix, message)) = line.split_once(": ") else {
        return (String::new(), line);
    };
    if prefix == "Freelist" {
        return ("空闲页列表：".to_string(), message);
    }
    let tree = |root: &str| {
        root.parse::<i64>()
            .ok()
            .and_then(|r| names.get(&r))
            .map(|n| format!("{n} "))
            .unwrap_or_else(|| format!("b 树 {root} "))
    };
    if let Some(v) = fill("Tree {} page {} cell {}", prefix) {
        return (
            format!("{}第 {} 页第 {} 个单元：", tree(v[0]), v[1], v[2]),
            message,
        );
    }
    if let Some(v) = fill("Tree {} page {} right child", prefix) {
        return (format!("{}第 {} 页的右子页：", tree(v[0]), v[1]), message);
    }
    if let Some(v) = fill("Tree {} page {}", prefix) {
        return (format!("{}第 {} 页：", tree(v[0]), v[1]), message);
    }
    (String::new(), line)
}

/// Match `text` against `pattern`, where each `{}` stands for a non-empty value; the values.
fn fill<'a>(pattern: &str, text: &'a str) -> Option<Vec<&'a str>> {
    let parts: Vec<&str> = pattern.split("{}").collect();
    let mut rest = text.strip_prefix(parts[0])?;
    let mut values = Vec::new();
    for (i, literal) in parts.iter().enumerate().skip(1) {
        let last = i == parts.len() - 1;
        let end = if literal.is_empty() {
            if last {
                rest.len()
            } else {
                return None;
            }
        } else if last {
            rest.strip_suffix(literal)?.len()
        } else {
            rest.find(literal)?
        };
        if end == 0 {
            return None;
        }
        values.push(&rest[..end]);
        rest = &rest[end + literal.len()..];
    }
    rest.is_empty().then_some(values)
}

fn substitute(template: &str, values: &[&str]) -> String {
    let mut out = template.to_string();
    for (i, v) in values.iter().enumerate() {
        out = out.replace(&format!("{{{i}}}"), v);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_translated_with_their_place() {
        let names = HashMap::from([(27, "household_snapshot".to_string())]);
        assert_eq!(
            translate(
                "Tree 27 page 66: btreeInitPage() returns error code 11",
                &names
            ),
            "household_snapshot 第 66 页：页面结构已损坏（错误码 11） \
             (Tree 27 page 66: btreeInitPage() returns error code 11)"
        );
        assert_eq!(
            translate("Tree 9 page 12 cell 3: Rowid 7 out of order", &names),
            "b 树 9 第 12 页第 3 个单元：行号 7 的顺序错误 (Tree 9 page 12 cell 3: Rowid 7 out of order)"
        );
        assert_eq!(
            translate("row 3 missing from index import_batch_sha", &names),
            "索引 import_batch_sha 缺少第 3 行 (row 3 missing from index import_batch_sha)"
        );
        assert_eq!(
            translate("Page 40: never used", &names),
            "第 40 页从未使用 (Page 40: never used)"
        );
        assert_eq!(
            translate("something new", &names),
            "SQLite 报告的问题 (something new)"
        );
    }

    #[test]
    fn patterns_need_every_value() {
        assert_eq!(
            fill(
                "Offset {} out of range {}..{}",
                "Offset 5 out of range 1..9"
            ),
            Some(vec!["5", "1", "9"])
        );
        assert_eq!(fill("row {} missing from index {}", "row  missing"), None);
        assert_eq!(fill("Page {}: never used", "Page 4: never used!"), None);
    }
}
