//! Creating a database: schema plus the reference data, written atomically.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::db::{self, copy, files, migrate};
use crate::import::reference::{self, DataSource, Loaded, ReadSeed};

/// What `init` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    pub loaded: Loaded,
    /// With --force: where the database it replaced was kept.
    pub previous: Option<Previous>,
}

/// The database `init --force` replaced, kept as `<db>.before-init-<time>.bak`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Previous {
    pub path: PathBuf,
    /// True when it could not be copied (a damaged file) and was renamed, its `-wal` with it.
    pub moved_aside: bool,
}

/// Create the database at `path` and load the reference data (the seed bulletins read by `seed`).
///
/// The database is built in a temporary file beside `path` and renamed into place only when every
/// data file has loaded, so a bad data file leaves nothing behind (and `--force` keeps the old
/// database until the new one is complete). `--force` replaces only a tuopin database, never
/// another file given as `--db`, and keeps a copy of it first, as `restore` does.
pub fn init(path: &Path, force: bool, source: &DataSource, seed: &ReadSeed) -> Result<Created> {
    if path.exists() {
        // Read from the file header rather than opening it, so nothing is created beside it.
        if migrate::header_application_id(path) != Some(migrate::APPLICATION_ID) {
            bail!(
                "{} 已存在且不是 tuopin 数据库，加 --force 也不会覆盖它；请换一个 --db 路径，\
                 或先自行移走这个文件 (not a tuopin database)",
                path.display()
            );
        }
        // A newer tuopin's database is never overwritten, not even with --force.
        if let Some(v) = migrate::header_user_version(path) {
            migrate::refuse_newer(Some(path), v, migrate::SCHEMA_VERSION)?;
        }
        if !force {
            bail!(
                "数据库 {} 已存在；如要重新创建（现有数据另存为 .bak 后由新库替换），请加 --force (database exists)",
                path.display()
            );
        }
    }
    let tmp = files::working_file(path, "init");
    files::remove_with_companions(&tmp)?;
    let loaded = match build(&tmp, source, seed) {
        Ok(loaded) => loaded,
        Err(e) => {
            files::remove_with_companions(&tmp)?;
            return Err(e);
        }
    };
    let previous = if force && path.exists() {
        match keep_previous(path) {
            Ok(kept) => Some(kept),
            Err(e) => {
                files::remove_with_companions(&tmp)?;
                return Err(e);
            }
        }
    } else {
        None
    };
    std::fs::rename(&tmp, path).with_context(|| format!("无法写入数据库 {}", path.display()))?;
    files::sync_dir(path);
    Ok(Created { loaded, previous })
}

/// Keep the database about to be replaced: a consistent, checked copy, or, when it cannot be
/// copied (damaged), the file itself renamed with its companions. Afterwards `path` is free.
fn keep_previous(path: &Path) -> Result<Previous> {
    let keep = files::free_name(path, &format!(".before-init-{}.bak", files::stamp()));
    let copied = db::open_read_only_any_version(path).and_then(|conn| {
        copy::copy_to(&conn, &keep, false)?;
        Ok(())
    });
    match copied {
        Ok(()) => {
            // A stale WAL beside the new file would be replayed into it.
            files::remove_with_companions(path)?;
            Ok(Previous {
                path: keep,
                moved_aside: false,
            })
        }
        Err(_) => {
            files::rename_with_companions(path, &keep)
                .with_context(|| format!("无法保留现有数据库 {}，未做任何更改", path.display()))?;
            Ok(Previous {
                path: keep,
                moved_aside: true,
            })
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
