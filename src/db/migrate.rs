//! The schema: its migrations, how a file proves it is a tuopin database of a schema this binary
//! knows, and the upgrade of an older one (with the copy kept before it).
//!
//! `schema.sql` is migration 1; later ones are the files of `migrations/`, one per version. A
//! released migration is never edited: a change is a new file, and one line in `MIGRATIONS`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use rusqlite::{Connection, OpenFlags};

use super::copy;
use super::files;
use super::pragma::{user_version, BUSY_TIMEOUT};

/// The migrations, in order; migration N brings `PRAGMA user_version` from N-1 to N.
pub const MIGRATIONS: &[&str] = &[
    include_str!("../../schema.sql"),
    include_str!("../../migrations/0002-drop-identified-year.sql"),
    include_str!("../../migrations/0003-rules-as-documented.sql"),
    include_str!("../../migrations/0004-bulletin-store.sql"),
    include_str!("../../migrations/0005-national-export.sql"),
    include_str!("../../migrations/0006-indicator-months.sql"),
    include_str!("../../migrations/0007-indicator-values-without-batch-index.sql"),
];

/// The line a migration's leading comment holds when it must run with foreign keys off (it
/// rebuilds a table that others reference): `PRAGMA foreign_keys` cannot change inside a
/// transaction, so it is switched off around it, and `PRAGMA foreign_key_check` must find nothing
/// before the migration commits.
pub const FOREIGN_KEYS_OFF: &str = "-- foreign_keys: off";

fn needs_foreign_keys_off(sql: &str) -> bool {
    sql.lines()
        .take_while(|l| l.starts_with("--") || l.trim().is_empty())
        .any(|l| l.trim() == FOREIGN_KEYS_OFF)
}

/// The schema version this binary writes and understands.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// `PRAGMA application_id` of tuopin databases ("tuop"), so that a foreign SQLite file is recognised.
pub const APPLICATION_ID: i64 = 0x7475_6f70;

/// Refuse files that are not tuopin databases, or that a newer tuopin wrote. Returns the schema
/// version.
pub fn check_identity(conn: &Connection, path: &Path) -> Result<i64> {
    let app_id: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .with_context(|| format!("{} 不是可读的 SQLite 数据库", path.display()))?;
    if app_id != APPLICATION_ID {
        bail!(
            "{} 不是 tuopin 数据库（application_id = {app_id:#x}）(not a tuopin database)",
            path.display()
        );
    }
    let version = user_version(conn)?;
    refuse_newer(Some(path), version, SCHEMA_VERSION)?;
    Ok(version)
}

/// Refuse a database of schema `version` when this binary (or this list of migrations) knows only
/// up to `supported`: a newer tuopin wrote it, and an older one must not touch it.
pub fn refuse_newer(path: Option<&Path>, version: i64, supported: i64) -> Result<()> {
    if version > supported {
        let whose = path
            .map(|p| format!("{} 的", p.display()))
            .unwrap_or_default();
        bail!(
            "{whose}数据库结构版本为 {version}，高于本程序支持的版本 {supported}；请升级 tuopin (schema version too new)"
        );
    }
    Ok(())
}

/// `PRAGMA user_version` read straight from an SQLite file header (bytes 60..64, big-endian),
/// or None when the file is not an SQLite database. Opens nothing, so nothing is created beside it.
pub fn header_user_version(path: &Path) -> Option<i64> {
    header_field(path, 60)
}

/// `PRAGMA application_id` read straight from an SQLite file header (bytes 68..72), or None when
/// the file is not an SQLite database: whether a file is a tuopin database, without opening it.
pub fn header_application_id(path: &Path) -> Option<i64> {
    header_field(path, 68)
}

fn header_field(path: &Path, at: usize) -> Option<i64> {
    use std::io::Read;
    let mut header = [0u8; 100];
    std::fs::File::open(path)
        .ok()?
        .read_exact(&mut header)
        .ok()?;
    if !header.starts_with(b"SQLite format 3\0") {
        return None;
    }
    let field = [header[at], header[at + 1], header[at + 2], header[at + 3]];
    Some(u32::from_be_bytes(field) as i64)
}

/// Bring the schema up to `SCHEMA_VERSION` (see `migrate_with`).
pub fn migrate(conn: &Connection) -> Result<()> {
    migrate_with(conn, MIGRATIONS).map(|_| ())
}

/// Bring the schema up to `migrations.len()`: migration N takes `user_version` from N-1 to N.
///
/// Before an existing database (version ≥ 1) is changed, a consistent copy is written beside it as
/// `<db>.v<old>.bak` (mode 0600; an existing one is never overwritten: the next free name
/// `<db>.v<old>.bak-2` ... is used). A database this call creates (version 0) gets no copy. Each
/// migration runs in its own IMMEDIATE transaction together with its `user_version` bump, so a
/// failed migration leaves the database at the version before it; the version is read again under
/// the write lock, so two processes opening an old database at once migrate it once. Returns the
/// copy taken, if any.
///
/// A migration that rebuilds a table others reference says so (`FOREIGN_KEYS_OFF`): foreign keys
/// are off for its transaction and checked whole before it commits.
pub fn migrate_with(conn: &Connection, migrations: &[&str]) -> Result<Option<PathBuf>> {
    let target = migrations.len() as i64;
    let mut copy = None;
    let mut created = false;
    loop {
        let version = user_version(conn)?;
        refuse_newer(None, version, target)?;
        if version == target {
            return Ok(copy);
        }
        let tx =
            rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
        if user_version(&tx)? != version {
            // Another process migrated between our look and our lock: look again.
            continue;
        }
        if version == 0 {
            created = true;
        } else if copy.is_none() && !created {
            copy = Some(copy_before_migration(conn, version)?);
        }
        // The copy is taken; the migration takes the lock again in its own transaction (and looks
        // at the version again), because a migration with foreign keys off must switch them
        // before its transaction begins.
        drop(tx);
        let sql = migrations[version as usize];
        if needs_foreign_keys_off(sql) {
            let was_on: bool = conn.pragma_query_value(None, "foreign_keys", |r| r.get(0))?;
            conn.pragma_update(None, "foreign_keys", "OFF")?;
            let result = migrate_one(conn, version, sql, true);
            conn.pragma_update(None, "foreign_keys", was_on)?;
            result?;
        } else {
            migrate_one(conn, version, sql, false)?;
        }
    }
}

/// Apply the migration from `version` in its own IMMEDIATE transaction (foreign keys already off
/// when `check_keys`, then checked before the commit). Another process may have migrated meanwhile:
/// then nothing is done.
fn migrate_one(conn: &Connection, version: i64, sql: &str, check_keys: bool) -> Result<()> {
    let next = version + 1;
    let failed = || format!("数据库结构迁移到版本 {next} 失败，数据库仍为版本 {version}");
    let tx = rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
    if user_version(&tx)? != version {
        return Ok(());
    }
    tx.execute_batch(sql).with_context(failed)?;
    if check_keys {
        let broken: i64 =
            tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })?;
        if broken > 0 {
            return Err(anyhow::anyhow!(
                "{broken} 行引用了不存在的记录 (foreign key check)"
            ))
            .with_context(failed);
        }
    }
    tx.execute_batch(&format!(
        "PRAGMA application_id = {APPLICATION_ID};\nPRAGMA user_version = {next};"
    ))?;
    tx.commit().with_context(failed)?;
    Ok(())
}

/// The copy kept before migrating from `version`. The caller holds the write lock, so nothing
/// changes while a second connection reads the committed state (WAL readers are not blocked).
fn copy_before_migration(conn: &Connection, version: i64) -> Result<PathBuf> {
    let path = match conn.path().filter(|p| !p.is_empty()) {
        Some(p) => PathBuf::from(p),
        None => bail!("内存数据库无法在迁移前备份"),
    };
    let reader = Connection::open_with_flags(
        &path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    reader.busy_timeout(BUSY_TIMEOUT)?;
    let dest = files::free_name(&path, &format!(".v{version}.bak"));
    copy::copy_to(&reader, &dest, false).with_context(|| {
        format!(
            "升级数据库结构前无法备份到 {}；数据库未被更改",
            dest.display()
        )
    })?;
    Ok(dest)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Adding a migration is adding a file to migrations/ and its line to `MIGRATIONS`; a file
    /// without its line (or a gap in the numbers) fails here.
    #[test]
    fn every_file_of_migrations_is_in_the_list_in_order() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let mut files: Vec<(i64, String)> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".sql"))
            .map(|name| {
                let number = name
                    .split('-')
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or_else(|| panic!("{name}: should start with its version, 0002-..."));
                (number, name)
            })
            .collect();
        files.sort();
        let numbers: Vec<i64> = files.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            numbers,
            (2..=SCHEMA_VERSION).collect::<Vec<_>>(),
            "{files:?}"
        );
        for (number, name) in &files {
            let text = std::fs::read_to_string(dir.join(name)).unwrap();
            assert_eq!(MIGRATIONS[*number as usize - 1], text, "{name}");
        }
    }

    #[test]
    fn a_fresh_database_gets_every_migration_and_no_copy() {
        let dir = tempfile::tempdir().unwrap();
        let conn = Connection::open(dir.path().join("new.db")).unwrap();
        assert_eq!(migrate_with(&conn, MIGRATIONS).unwrap(), None);
        assert_eq!(user_version(&conn).unwrap(), SCHEMA_VERSION);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
