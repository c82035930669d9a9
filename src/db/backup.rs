//! Copies of the database: `tuopin backup`, the copy kept before a schema migration or a restore,
//! and `tuopin restore`.
//!
//! Every copy is made with SQLite's online backup API in a single step, that is from one read
//! transaction: a consistent snapshot even while another process imports (in WAL mode the reader
//! does not block the writer, and the writer does not disturb the snapshot). The copy is written to
//! a temporary file beside the target, created with mode 0600 (it holds personal data), switched
//! to a self-contained rollback journal, checked with `PRAGMA integrity_check`, synced, and only
//! then given its name, so a crash never leaves a half-written file under the backup's name.
//!
//! A restore replaces the database's content through the same API, as one write transaction on
//! the live database: other processes wait for it (busy timeout) and then see either the old or
//! the restored data, and a crash half-way leaves the old data. The old content is always kept
//! first as `<db>.before-restore-<time>.bak`, so a restore never loses anything and needs no
//! `--force`; `--force` is only for replacing a current file that cannot be opened at all (it
//! is renamed aside, not deleted).

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use crate::db;

/// How long a copy waits for a lock (another process writing the destination) before giving up:
/// the same as the busy timeout of every connection.
const LOCK_WAIT: Duration = Duration::from_secs(30);

/// What a copy wrote.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Copied {
    pub path: PathBuf,
    pub bytes: u64,
    pub schema_version: i64,
}

/// Copy the main database of `src` to a new file `dest` (mode 0600), consistently, via a
/// temporary file. With `overwrite` false an existing `dest` is refused.
pub fn copy_to(src: &Connection, dest: &Path, overwrite: bool) -> Result<Copied> {
    if !overwrite && dest.exists() {
        bail!(
            "{} 已存在；如要覆盖请加 --force (file exists)",
            dest.display()
        );
    }
    if let Some(db_path) = src.path().filter(|p| !p.is_empty()) {
        if same_file(Path::new(db_path), dest) {
            bail!("备份文件不能是数据库本身：{}", dest.display());
        }
    }
    let tmp = sibling(dest, &format!("tmp-{}", std::process::id()));
    remove_with_companions(&tmp)?;
    let result = write_copy(src, &tmp).and_then(|version| {
        publish(&tmp, dest, overwrite)?;
        Ok(Copied {
            path: dest.to_path_buf(),
            bytes: std::fs::metadata(dest)?.len(),
            schema_version: version,
        })
    });
    if result.is_err() {
        let _ = remove_with_companions(&tmp);
    }
    result
}

/// `tuopin backup PATH`: a consistent, checked copy of the database.
pub fn backup(conn: &Connection, dest: &Path, overwrite: bool) -> Result<Copied> {
    copy_to(conn, dest, overwrite)
}

/// Write the copy into `tmp` and check it; returns its schema version.
fn write_copy(src: &Connection, tmp: &Path) -> Result<i64> {
    create_private(tmp)?;
    let mut dst =
        Connection::open(tmp).with_context(|| format!("无法创建备份文件 {}", tmp.display()))?;
    {
        let backup = Backup::new(src, &mut dst)?;
        run_backup(&backup).context("复制数据库失败")?;
    }
    // A backup file stands alone: no -wal beside it to lose when it is copied to a USB stick.
    let mode: String = dst.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("delete") {
        bail!("备份文件无法切换到独立日志模式 (journal_mode = {mode})");
    }
    let check: String = dst.query_row("PRAGMA integrity_check(1)", [], |r| r.get(0))?;
    if check != "ok" {
        bail!("备份副本未通过完整性检查: {check}");
    }
    let version = db::user_version(&dst)?;
    dst.close().map_err(|(_, e)| e)?;
    std::fs::File::open(tmp)?.sync_all()?;
    Ok(version)
}

/// Step the whole backup at once (one read transaction on the source: a consistent snapshot),
/// retrying while a lock is held elsewhere.
fn run_backup(backup: &Backup) -> Result<()> {
    let deadline = Instant::now() + LOCK_WAIT;
    loop {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            StepResult::Busy | StepResult::Locked => {
                if Instant::now() > deadline {
                    bail!(
                        "数据库被其他进程锁定超过 {} 秒 (database is locked)",
                        LOCK_WAIT.as_secs()
                    );
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            // More: the next step copies the rest.
            _ => {}
        }
    }
}

/// Give the finished temporary file its name: without `overwrite`, atomically refuse an existing
/// file (hard link), falling back to a check and rename on file systems without hard links.
fn publish(tmp: &Path, dest: &Path, overwrite: bool) -> Result<()> {
    if !overwrite {
        match std::fs::hard_link(tmp, dest) {
            Ok(()) => {
                std::fs::remove_file(tmp)?;
                sync_dir(dest);
                return Ok(());
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                bail!(
                    "{} 已存在；如要覆盖请加 --force (file exists)",
                    dest.display()
                );
            }
            Err(_) if dest.exists() => {
                bail!(
                    "{} 已存在；如要覆盖请加 --force (file exists)",
                    dest.display()
                );
            }
            Err(_) => {}
        }
    }
    std::fs::rename(tmp, dest).with_context(|| format!("无法写入 {}", dest.display()))?;
    sync_dir(dest);
    Ok(())
}

/// Create an empty file readable only by its owner.
fn create_private(path: &Path) -> Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
        .open(path)
        .with_context(|| format!("无法创建文件 {}", path.display()))?;
    Ok(())
}

fn sync_dir(path: &Path) {
    // Best effort: makes the rename durable on Linux; not possible everywhere.
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

/// `.<name>.<tag>` in the same folder as `path`.
fn sibling(path: &Path, tag: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "tuopin".to_string());
    path.with_file_name(format!(".{name}.{tag}"))
}

/// `path` with `suffix` appended to its file name, made unique with -2, -3, ... if taken.
pub fn free_name(path: &Path, suffix: &str) -> PathBuf {
    let base = format!("{}{suffix}", path.display());
    let mut candidate = PathBuf::from(&base);
    let mut n = 2;
    while candidate.exists() {
        candidate = PathBuf::from(format!("{base}-{n}"));
        n += 1;
    }
    candidate
}

/// The current time for file names: 20190331T120000Z.
pub fn stamp() -> String {
    chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string()
}

/// Whether two paths name the same file (a path that does not exist yet is compared by its
/// folder and name).
fn same_file(a: &Path, b: &Path) -> bool {
    fn canonical(p: &Path) -> Option<PathBuf> {
        if let Ok(c) = p.canonicalize() {
            return Some(c);
        }
        let parent = match p.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.canonicalize().ok()?,
            _ => std::env::current_dir().ok()?,
        };
        Some(parent.join(p.file_name()?))
    }
    match (canonical(a), canonical(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

/// Remove a database file and its -wal / -shm / -journal companions, if present.
fn remove_with_companions(path: &Path) -> Result<()> {
    for p in companions(path) {
        if p.exists() {
            std::fs::remove_file(&p).with_context(|| format!("无法删除 {}", p.display()))?;
        }
    }
    Ok(())
}

fn companions(path: &Path) -> Vec<PathBuf> {
    ["", "-wal", "-shm", "-journal"]
        .iter()
        .map(|suffix| {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            PathBuf::from(p)
        })
        .collect()
}

/// A backup file that may be restored: an SQLite file, a tuopin database (application_id), of a
/// schema this binary knows, that passes the integrity check. Returns it opened read-only, and its
/// schema version.
pub fn open_backup(path: &Path) -> Result<(Connection, i64)> {
    let display = path.display();
    if !path.is_file() {
        bail!("备份文件 {display} 不存在");
    }
    if db::header_user_version(path).is_none() {
        bail!("{display} 不是 SQLite 数据库文件，不能用于恢复 (not an SQLite database)");
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("无法打开备份文件 {display}"))?;
    conn.busy_timeout(LOCK_WAIT)?;
    let app_id: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .with_context(|| format!("{display} 不是可读的 SQLite 数据库"))?;
    if app_id != db::APPLICATION_ID {
        bail!(
            "{display} 不是 tuopin 数据库 (application_id = {app_id:#x})，不能用于恢复 (not a tuopin database)"
        );
    }
    let version = db::user_version(&conn)?;
    if version > db::SCHEMA_VERSION {
        bail!(
            "{display} 的数据库结构版本为 {version}，高于本程序支持的版本 {}；请用更新的 tuopin 恢复 (schema version too new)",
            db::SCHEMA_VERSION
        );
    }
    if version < 1 {
        bail!("{display} 是空的 tuopin 数据库（结构版本 0），不能用于恢复");
    }
    let check: String = conn.query_row("PRAGMA integrity_check(1)", [], |r| r.get(0))?;
    if check != "ok" {
        bail!("备份文件 {display} 已损坏（完整性检查: {check}），不能用于恢复 (backup is corrupt)");
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
    if same_file(db_path, from) {
        bail!("备份文件就是当前数据库 {}，无需恢复", db_path.display());
    }
    let (src, from_version) = open_backup(from)?;
    let mut moved_aside = None;
    if db_path.exists() {
        match db::open(db_path) {
            Ok(mut current) => {
                let keep = free_name(db_path, &format!(".before-restore-{}.bak", stamp()));
                copy_to(&current, &keep, false)
                    .context("恢复前无法备份当前数据库，未做任何更改")?;
                replace_content(&src, &mut current)?;
                db::migrate(&current)?;
                return Ok(Restored {
                    from_version,
                    previous: Some(keep),
                    moved_aside: None,
                });
            }
            Err(e) if !force => {
                return Err(e.context(format!(
                    "当前数据库 {} 无法打开，未做任何更改；如确要用备份替换它，请加 --force（原文件会改名保留，不会删除）",
                    db_path.display()
                )));
            }
            Err(_) => {
                let aside = free_name(db_path, &format!(".unreadable-{}", stamp()));
                for (from, to) in companions(db_path).iter().zip(companions(&aside)) {
                    if from.exists() {
                        std::fs::rename(from, &to)
                            .with_context(|| format!("无法移开 {}", from.display()))?;
                    }
                }
                moved_aside = Some(aside);
            }
        }
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
    let check: String = current.query_row("PRAGMA integrity_check(1)", [], |r| r.get(0))?;
    if check != "ok" {
        bail!("恢复后的数据库未通过完整性检查: {check}");
    }
    Ok(())
}
