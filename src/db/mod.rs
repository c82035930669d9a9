//! Opening the database: connection settings, the schema migrations and the database path rule.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use rusqlite::{Connection, OpenFlags};

pub mod backup;
pub mod batch;
pub mod contents;
pub mod verify;

/// The migrations, in order; migration N brings `PRAGMA user_version` from N-1 to N.
/// A released migration is never edited: add a new one.
pub const MIGRATIONS: &[&str] = &[include_str!("../../schema.sql")];

/// The schema version this binary writes and understands.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// `PRAGMA application_id` of tuopin databases ("tuop"), so that a foreign SQLite file is recognised.
pub const APPLICATION_ID: i64 = 0x7475_6f70;

/// File name used when neither `--db` nor `TUOPIN_DB` is given.
pub const DEFAULT_DB: &str = "tuopin.db";

/// Page cache per connection (negative: KiB). Large enough that a 1,000,000-row import does not
/// spill dirty pages to the WAL mid-transaction; small enough to keep an import under ~150 MB.
const CACHE_KIB: i64 = -98_304;

/// How long a writer waits for another writer before giving up.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// The database path: `--db`, else `TUOPIN_DB`, else `tuopin.db` in the current folder.
/// clap fills `--db` from `TUOPIN_DB`, so only the default is decided here.
pub fn resolve_path(arg: Option<&Path>) -> PathBuf {
    arg.map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_DB))
}

/// Apply the per-connection settings every tuopin connection uses.
pub fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "cache_size", CACHE_KIB)?;
    // journal_mode answers with a row, so it is queried rather than updated.
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        bail!("无法启用 WAL 日志模式 (journal_mode = {mode})");
    }
    Ok(())
}

/// Open an existing tuopin database for reading and writing, upgrading its schema if it is older.
pub fn open(path: &Path) -> Result<Connection> {
    if !path.exists() {
        bail!(
            "数据库 {} 不存在；请先运行 `tuopin init` (database not found)",
            path.display()
        );
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("无法打开数据库 {}", path.display()))?;
    check_identity(&conn, path)?;
    configure(&conn)?;
    migrate(&conn)?;
    Ok(conn)
}

// A check reads each register page once, so the large page cache `open` sets up for imports only
// adds resident memory (about 90 MB at province size: 12,000 villages, 1,000,000 households) and
// the page faults to fill it. SQLite's default 2 MB holds the b-tree interior pages that the as-of
// value look-ups revisit.
const SCAN_CACHE_KIB: i64 = -2_000;

/// Open the database like `open`, for a command that reads it in one pass (the checks): with a
/// small page cache instead of the import's large one.
pub fn open_for_scan(path: &Path) -> Result<Connection> {
    let conn = open(path)?;
    conn.pragma_update(None, "cache_size", SCAN_CACHE_KIB)?;
    Ok(conn)
}

/// Refuse files that are not tuopin databases, or that a newer tuopin wrote.
pub fn check_identity(conn: &Connection, path: &Path) -> Result<()> {
    let app_id: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .with_context(|| format!("{} 不是 SQLite 数据库", path.display()))?;
    if app_id != APPLICATION_ID {
        bail!(
            "{} 不是 tuopin 数据库 (application_id = {app_id:#x})",
            path.display()
        );
    }
    let version = user_version(conn)?;
    if version > SCHEMA_VERSION {
        bail!(
            "{} 的数据库结构版本为 {version}，高于本程序支持的版本 {SCHEMA_VERSION}；请升级 tuopin (schema version too new)",
            path.display()
        );
    }
    Ok(())
}

/// `PRAGMA user_version` read straight from an SQLite file header (bytes 60..64, big-endian),
/// or None when the file is not an SQLite database.
pub fn header_user_version(path: &Path) -> Option<i64> {
    use std::io::Read;
    let mut header = [0u8; 100];
    std::fs::File::open(path)
        .ok()?
        .read_exact(&mut header)
        .ok()?;
    if !header.starts_with(b"SQLite format 3\0") {
        return None;
    }
    Some(u32::from_be_bytes([header[60], header[61], header[62], header[63]]) as i64)
}

pub fn user_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Bring the schema up to `SCHEMA_VERSION` (see `migrate_with`).
pub fn migrate(conn: &Connection) -> Result<()> {
    migrate_with(conn, MIGRATIONS).map(|_| ())
}

/// Bring the schema up to `migrations.len()`: migration N takes `user_version` from N-1 to N.
///
/// Before an existing database (version ≥ 1) is changed, a consistent copy is written beside it as
/// `<db>.v<old>.bak` (mode 0600; an existing one is never overwritten: the next free name
/// `<db>.v<old>.bak-2` ... is used). Each migration runs in its own IMMEDIATE transaction together
/// with its `user_version` bump, so a failed migration leaves the database at the version before
/// it; the version is read again under the write lock, so two processes opening an old database
/// at once migrate it once. Returns the copy taken, if any.
///
/// A migration that must rebuild a table with foreign keys off has to do so outside a transaction;
/// none does yet.
pub fn migrate_with(conn: &Connection, migrations: &[&str]) -> Result<Option<PathBuf>> {
    let target = migrations.len() as i64;
    let mut copy = None;
    loop {
        let version = user_version(conn)?;
        if version > target {
            bail!("数据库结构版本 {version} 高于本程序支持的版本 {target}；请升级 tuopin");
        }
        if version == target {
            return Ok(copy);
        }
        let tx =
            rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
        if user_version(&tx)? != version {
            // Another process migrated between our look and our lock: look again.
            continue;
        }
        if version >= 1 && copy.is_none() {
            copy = Some(copy_before_migration(conn, version)?);
        }
        let next = version + 1;
        tx.execute_batch(migrations[version as usize])
            .with_context(|| {
                format!("数据库结构迁移到版本 {next} 失败，数据库仍为版本 {version}")
            })?;
        tx.execute_batch(&format!(
            "PRAGMA application_id = {APPLICATION_ID};\nPRAGMA user_version = {next};"
        ))?;
        tx.commit().with_context(|| {
            format!("数据库结构迁移到版本 {next} 失败，数据库仍为版本 {version}")
        })?;
    }
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
    let dest = crate::db::backup::free_name(&path, &format!(".v{version}.bak"));
    crate::db::backup::copy_to(&reader, &dest, false).with_context(|| {
        format!(
            "升级数据库结构前无法备份到 {}；数据库未被更改",
            dest.display()
        )
    })?;
    Ok(dest)
}

/// Create a new, empty database file (mode 0600: it holds personal data) and apply the schema.
pub fn create(path: &Path) -> Result<Connection> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
        .open(path)
        .with_context(|| format!("无法创建数据库文件 {}", path.display()))?;
    let conn = Connection::open(path)?;
    configure(&conn)?;
    migrate(&conn)?;
    Ok(conn)
}

/// Name the batch (or other reason) responsible for the writes of the current transaction, so the
/// history triggers record it. Call inside the transaction.
pub fn set_change_context(conn: &Connection, batch_id: Option<i64>, reason: &str) -> Result<()> {
    conn.execute(
        "UPDATE change_context SET batch_id = ?1, reason = ?2 WHERE id = 1",
        rusqlite::params![batch_id, reason],
    )?;
    Ok(())
}

/// A setting from the meta table, parsed.
pub fn setting<T: std::str::FromStr>(conn: &Connection, key: &str) -> Result<Option<T>> {
    let raw: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .map(Some)
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            e => Err(e),
        })?;
    match raw {
        None => Ok(None),
        Some(s) => match s.parse() {
            Ok(v) => Ok(Some(v)),
            Err(_) => bail!("设置项 {key} 的值 {s:?} 无效"),
        },
    }
}
