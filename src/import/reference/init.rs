//! Creating a database: schema plus the reference data, written atomically.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::db;
use crate::import::reference::{self, DataSource, Loaded};

/// Create the database at `path` and load the reference data.
///
/// The database is built in a temporary file beside `path` and renamed into place only when every
/// data file has loaded, so a bad data file leaves nothing behind (and `--force` keeps the old
/// database until the new one is complete).
pub fn init(path: &Path, force: bool, source: &DataSource) -> Result<Loaded> {
    if path.exists() {
        // A newer tuopin's database is never overwritten, not even with --force.
        // Read from the file header rather than opening it, so nothing is created beside it.
        if let Some(v) = db::header_user_version(path) {
            if v > db::SCHEMA_VERSION {
                bail!(
                    "{} 的数据库结构版本为 {v}，高于本程序支持的版本 {}；请使用更新的 tuopin (schema version too new)",
                    path.display(),
                    db::SCHEMA_VERSION
                );
            }
        }
        if !force {
            bail!(
                "数据库 {} 已存在；如要重新创建（现有数据将被删除），请加 --force (database exists)",
                path.display()
            );
        }
    }
    let tmp = temp_path(path);
    remove_db_files(&tmp)?;
    let result = build(&tmp, source);
    match result {
        Ok(loaded) => {
            if force {
                // A stale WAL beside the new file would be replayed into it.
                remove_db_files(path)?;
            }
            std::fs::rename(&tmp, path)
                .with_context(|| format!("无法写入数据库 {}", path.display()))?;
            Ok(loaded)
        }
        Err(e) => {
            remove_db_files(&tmp)?;
            Err(e)
        }
    }
}

fn build(tmp: &Path, source: &DataSource) -> Result<Loaded> {
    let mut conn = db::create(tmp)?;
    let loaded = reference::load(&mut conn, source)?;
    // Fold the WAL back into the main file so the rename moves a complete database.
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    conn.close().map_err(|(_, e)| e)?;
    Ok(loaded)
}

fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| db::DEFAULT_DB.to_string());
    path.with_file_name(format!(".{name}.init-{}", std::process::id()))
}

/// Remove a database file and its -wal / -shm companions, if present.
fn remove_db_files(path: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let p = PathBuf::from(p);
        if p.exists() {
            std::fs::remove_file(&p).with_context(|| format!("无法删除 {}", p.display()))?;
        }
    }
    Ok(())
}
