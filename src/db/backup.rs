//! `tuopin backup` and `tuopin restore`.
//!
//! A backup is a `copy` of the database (consistent, checked, 0600, standalone).
//!
//! A restore replaces the database's content through the same API, as one write transaction on
//! the live database: other processes wait for it (busy timeout) and then see either the old or
//! the restored data, and a crash half-way leaves the old data. The old content is always kept
//! first as `<db>.before-restore-<time>.bak`, so a restore never loses anything and needs no
//! `--force`; `--force` is only for replacing a current file that cannot be opened or copied (a
//! damaged one: it is renamed aside, not deleted).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use rusqlite::backup::Backup;
use rusqlite::{Connection, OpenFlags};

use crate::db;
use crate::db::copy::{copy_to, run_backup, Copied};
use crate::db::{files, migrate, pragma};

/// `tuopin backup PATH`: a consistent, checked copy of the database.
pub fn backup(conn: &Connection, dest: &Path, overwrite: bool) -> Result<Copied> {
    copy_to(conn, dest, overwrite)
}

/// A backup file that may be restored: an SQLite file, a tuopin database (application_id), of a
/// schema this binary knows, that passes the integrity check. Returns it opened read-only, and its
/// schema version.
pub fn open_backup(path: &Path) -> Result<(Connection, i64)> {
    let display = path.display();
    if !path.is_file() {
        bail!("备份文件 {display} 不存在");
    }
    if migrate::header_user_version(path).is_none() {
        bail!("{display} 不是 SQLite 数据库文件，不能用于恢复 (not an SQLite database)");
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("无法打开备份文件 {display}"))?;
    conn.busy_timeout(pragma::BUSY_TIMEOUT)?;
    let version = migrate::check_identity(&conn, path)?;
    if version < 1 {
        bail!("{display} 是空的 tuopin 数据库（结构版本 0），不能用于恢复");
    }
    if let Some(problem) = pragma::integrity_problems(&conn)?.first() {
        bail!(
            "备份文件 {display} 已损坏（完整性检查: {problem}），不能用于恢复 (backup is corrupt)"
        );
    }
    Ok((conn, version))
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Restored {
    /// Schema version of the restored file (an older one is upgraded on the spot).
    pub from_version: i64,
    /// The copy of the database as it was before the restore.
    pub previous: Option<PathBuf>,
    /// With --force: where an unreadable database file was moved.
    pub moved_aside: Option<PathBuf>,
}

/// `tuopin restore FROM`: replace the database at `db` with the content of the backup `from`.
pub fn restore(db_path: &Path, from: &Path, force: bool) -> Result<Restored> {
    if files::same_file(db_path, from) {
        bail!("备份文件就是当前数据库 {}，无需恢复", db_path.display());
    }
    let (src, from_version) = open_backup(from)?;
    let mut moved_aside = None;
    if db_path.exists() {
        match db::open(db_path) {
            Ok(mut current) => {
                let keep =
                    files::free_name(db_path, &format!(".before-restore-{}.bak", files::stamp()));
                match copy_to(&current, &keep, false) {
                    Ok(_) => {
                        replace_content(&src, &mut current)?;
                        migrate::migrate(&current)?;
                        return Ok(Restored {
                            from_version,
                            previous: Some(keep),
                            moved_aside: None,
                        });
                    }
                    Err(e) if !force => {
                        return Err(e.context(
                            "恢复前无法备份当前数据库（它可能已损坏），未做任何更改；如确要用备份替换它，请加 --force（原文件会改名保留，不会删除）",
                        ));
                    }
                    // A damaged database opens but cannot be copied: moved aside below.
                    Err(_) => drop(current),
                }
            }
            Err(e) if !force => {
                return Err(e.context(format!(
                    "当前数据库 {} 无法打开，未做任何更改；如确要用备份替换它，请加 --force（原文件会改名保留，不会删除）",
                    db_path.display()
                )));
            }
            Err(_) => {}
        }
        let aside = files::free_name(db_path, &format!(".unreadable-{}", files::stamp()));
        files::rename_with_companions(db_path, &aside)?;
        moved_aside = Some(aside);
    }
    copy_to(&src, db_path, false)?;
    let conn = db::open(db_path)?;
    drop(conn);
    Ok(Restored {
        from_version,
        previous: None,
        moved_aside,
    })
}

/// Overwrite the live database with `src`'s pages in one write transaction.
fn replace_content(src: &Connection, current: &mut Connection) -> Result<()> {
    {
        let backup = Backup::new(src, current)?;
        run_backup(&backup).context("恢复失败，当前数据库未被更改")?;
    }
    if let Some(problem) = pragma::integrity_problems(current)?.first() {
        bail!("恢复后的数据库未通过完整性检查: {problem}");
    }
    Ok(())
}
