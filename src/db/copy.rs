//! The consistent, checked copy of a database file that `tuopin backup`, the copy kept before a
//! schema migration and the copy kept before a restore all are.
//!
//! Every copy is made with SQLite's online backup API in a single step, that is from one read
//! transaction: a consistent snapshot even while another process imports (in WAL mode the reader
//! does not block the writer, and the writer does not disturb the snapshot). The copy is written to
//! a temporary file beside the target, created with mode 0600 (it holds personal data), switched
//! to a self-contained rollback journal, checked with `PRAGMA integrity_check`, synced, and only
//! then given its name, so a crash never leaves a half-written file under the copy's name.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::Connection;

use super::files;
use super::pragma::{self, BUSY_TIMEOUT};

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
        if files::same_file(Path::new(db_path), dest) {
            bail!("备份文件不能是数据库本身：{}", dest.display());
        }
    }
    let tmp = files::working_file(dest, "tmp");
    files::remove_with_companions(&tmp)?;
    let result = write_copy(src, &tmp).and_then(|version| {
        publish(&tmp, dest, overwrite)?;
        Ok(Copied {
            path: dest.to_path_buf(),
            bytes: std::fs::metadata(dest)?.len(),
            schema_version: version,
        })
    });
    if result.is_err() {
        let _ = files::remove_with_companions(&tmp);
    }
    result
}

/// Write the copy into `tmp` and check it; returns its schema version.
fn write_copy(src: &Connection, tmp: &Path) -> Result<i64> {
    files::create_private(tmp).with_context(|| format!("无法创建文件 {}", tmp.display()))?;
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
    if let Some(problem) = pragma::integrity_problems(&dst)?.first() {
        bail!("备份副本未通过完整性检查: {problem}");
    }
    let version = pragma::user_version(&dst)?;
    dst.close().map_err(|(_, e)| e)?;
    std::fs::File::open(tmp)?.sync_all()?;
    Ok(version)
}

/// Step the whole backup at once (one read transaction on the source: a consistent snapshot),
/// retrying while a lock is held elsewhere, for as long as a connection would wait.
pub(super) fn run_backup(backup: &Backup) -> Result<()> {
    let deadline = Instant::now() + BUSY_TIMEOUT;
    loop {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            StepResult::Busy | StepResult::Locked => {
                if Instant::now() > deadline {
                    bail!(
                        "数据库被其他进程锁定超过 {} 秒 (database is locked)",
                        BUSY_TIMEOUT.as_secs()
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
                files::sync_dir(dest);
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
    files::sync_dir(dest);
    Ok(())
}
