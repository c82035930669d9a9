//! Creating a database: schema plus the reference data, written atomically.

use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::db::{self, files, migrate};
use crate::import::reference::{self, DataSource, Loaded, ReadSeed};

/// Create the database at `path` and load the reference data (the seed bulletins read by `seed`).
///
/// The database is built in a temporary file beside `path` and renamed into place only when every
/// data file has loaded, so a bad data file leaves nothing behind (and `--force` keeps the old
/// database until the new one is complete).
pub fn init(path: &Path, force: bool, source: &DataSource, seed: &ReadSeed) -> Result<Loaded> {
    if path.exists() {
        // A newer tuopin's database is never overwritten, not even with --force.
        // Read from the file header rather than opening it, so nothing is created beside it.
        if let Some(v) = migrate::header_user_version(path) {
            migrate::refuse_newer(Some(path), v, migrate::SCHEMA_VERSION)?;
        }
        if !force {
            bail!(
                "数据库 {} 已存在；如要重新创建（现有数据将被删除），请加 --force (database exists)",
                path.display()
            );
        }
    }
    let tmp = files::sibling(path, &format!("init-{}", std::process::id()));
    files::remove_with_companions(&tmp)?;
    let result = build(&tmp, source, seed);
    match result {
        Ok(loaded) => {
            if force {
                // A stale WAL beside the new file would be replayed into it.
                files::remove_with_companions(path)?;
            }
            std::fs::rename(&tmp, path)
                .with_context(|| format!("无法写入数据库 {}", path.display()))?;
            Ok(loaded)
        }
        Err(e) => {
            files::remove_with_companions(&tmp)?;
            Err(e)
        }
    }
}

fn build(tmp: &Path, source: &DataSource, seed: &ReadSeed) -> Result<Loaded> {
    let mut conn = db::create(tmp)?;
    let loaded = reference::load(&mut conn, source, seed)?;
    // Fold the WAL back into the main file so the rename moves a complete database.
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    conn.close().map_err(|(_, e)| e)?;
    Ok(loaded)
}
