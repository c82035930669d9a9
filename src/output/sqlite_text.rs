//! SQLite's and the operating system's English error messages inside tuopin's Chinese ones: the
//! common ones get their Chinese meaning, with the English words kept in brackets for a search or a
//! bug report. Every message the binary prints on failure goes through `translate`.

use std::borrow::Cow;

/// SQLite's phrase and what it means to a user of tuopin.
const PHRASES: &[(&str, &str)] = &[
    (
        "FOREIGN KEY constraint failed",
        "外键约束失败：数据仍被其他记录引用，或引用了不存在的记录",
    ),
    (
        "UNIQUE constraint failed",
        "唯一性约束冲突：同一键值的记录已存在",
    ),
    ("NOT NULL constraint failed", "必填字段为空"),
    ("CHECK constraint failed", "数据不符合数据库的检查约束"),
    (
        "attempt to write a readonly database",
        "数据库是只读的，无法写入（请检查数据库文件及其文件夹的写权限）",
    ),
    ("database table is locked", "数据表被本进程的另一操作锁定"),
    (
        "database is locked",
        "数据库被其他进程锁定（另一个导入或备份正在进行），请稍后重试",
    ),
    (
        "database disk image is malformed",
        "数据库文件已损坏；请运行 tuopin verify 检查，并用 tuopin restore 从备份恢复",
    ),
    ("file is not a database", "文件不是 SQLite 数据库"),
    ("unable to open database file", "无法打开数据库文件"),
    ("database or disk is full", "磁盘已满"),
    ("disk I/O error", "磁盘读写错误"),
    // The operating system's words, as Rust's io::Error prints them on Linux, macOS and Windows.
    ("No such file or directory", "文件或文件夹不存在"),
    (
        "The system cannot find the file specified",
        "文件或文件夹不存在",
    ),
    ("Permission denied", "没有读写权限"),
    ("Access is denied", "没有读写权限"),
    ("Is a directory", "这是文件夹，不是文件"),
    ("Not a directory", "路径中有一段不是文件夹"),
    ("No space left on device", "磁盘已满"),
    ("Read-only file system", "文件系统是只读的"),
];

/// `text` with every known SQLite phrase explained in Chinese: `database is locked` becomes
/// `数据库被其他进程锁定… (database is locked)`. A phrase already in brackets (explained by the
/// code that raised it) is left alone.
pub fn translate(text: &str) -> Cow<'_, str> {
    let mut out: Cow<'_, str> = Cow::Borrowed(text);
    for (english, chinese) in PHRASES {
        if !out.contains(english) {
            continue;
        }
        let mut next = String::with_capacity(out.len() + chinese.len() + 4);
        let mut rest: &str = &out;
        while let Some(at) = rest.find(english) {
            let (before, after) = rest.split_at(at);
            next.push_str(before);
            if before.ends_with('(') {
                next.push_str(english);
            } else {
                next.push_str(&format!("{chinese} ({english})"));
            }
            rest = &after[english.len()..];
        }
        next.push_str(rest);
        out = Cow::Owned(next);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_sqlite_errors_are_explained_in_chinese() {
        assert_eq!(
            translate("撤销批次 3 失败: FOREIGN KEY constraint failed"),
            "撤销批次 3 失败: 外键约束失败：数据仍被其他记录引用，或引用了不存在的记录 (FOREIGN KEY constraint failed)"
        );
        assert_eq!(
            translate("UNIQUE constraint failed: region.code"),
            "唯一性约束冲突：同一键值的记录已存在 (UNIQUE constraint failed): region.code"
        );
        for (english, chinese) in [
            ("attempt to write a readonly database", "只读"),
            ("database is locked", "锁定"),
            ("database disk image is malformed", "已损坏"),
        ] {
            let message = format!("无法写入: {english}");
            let t = translate(&message);
            assert!(t.contains(chinese) && t.contains(english), "{t}");
        }
        // "database table is locked" is not also read as "database is locked".
        assert_eq!(
            translate("database table is locked").matches('(').count(),
            1
        );
        // Already explained, or nothing to explain: unchanged.
        let done = "数据库被其他进程锁定超过 30 秒 (database is locked)";
        assert_eq!(translate(done), done);
        assert!(matches!(translate("文件不存在"), Cow::Borrowed(_)));
        assert_eq!(
            translate("无法打开文件 a.csv: No such file or directory (os error 2)"),
            "无法打开文件 a.csv: 文件或文件夹不存在 (No such file or directory) (os error 2)"
        );
    }
}
