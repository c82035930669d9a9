//! The database file: opening and creating it with tuopin's connection settings, the database
//! path rule, and the small reads and writes every layer shares (settings, the change context).
//!
//! Inside `db` the modules only import downwards: `files` and `pragma` (no tuopin knowledge) ←
//! `readonly` (opening a file without writing to it), `integrity` (integrity_check in Chinese),
//! `copy` (the consistent copy) ← `migrate` (schema identity and upgrades) ← this module (open,
//! open read-only, create) ← `backup` (backup and restore), `batch`, `contents`, `verify`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use rusqlite::{Connection, OpenFlags};

pub mod backup;
pub mod batch;
pub mod contents;
pub mod copy;
pub mod files;
pub mod integrity;
pub mod migrate;
pub mod pragma;
mod readonly;
pub mod verify;

/// File name used when neither `--db` nor `TUOPIN_DB` is given.
pub const DEFAULT_DB: &str = "tuopin.db";

/// Page cache per connection (negative: KiB). Large enough that a 1,000,000-row import does not
/// spill dirty pages to the WAL mid-transaction; small enough to keep an import under ~150 MB.
const CACHE_KIB: i64 = -98_304;

/// The database path: `--db`, else `TUOPIN_DB`, else `tuopin.db` in the current folder.
/// clap fills `--db` from `TUOPIN_DB`, so only the default is decided here.
pub fn resolve_path(arg: Option<&Path>) -> PathBuf {
    arg.map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_DB))
}

/// Apply the per-connection settings every tuopin connection uses.
pub fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(pragma::BUSY_TIMEOUT)?;
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
    migrate::check_identity(&conn, path)?;
    configure(&conn)?;
    migrate::migrate(&conn)?;
    Ok(conn)
}

/// Open an existing tuopin database for a command that only reads it (status, check, explain,
/// verify, charts, the report): read-only, so its bytes and its journal mode stay as they are (a
/// backup stays a standalone rollback-journal file), and it opens on a read-only file or in a
/// read-only folder. An older schema is first upgraded (with a copy kept, see `upgrade`); where the
/// file cannot be written, the error says it needs upgrading.
///
/// The page cache is SQLite's default 2 MB: a check reads each register page once, so the import's
/// large cache would only add resident memory (about 90 MB at province size) and page faults; 2 MB
/// holds the b-tree interior pages that the as-of value look-ups revisit.
pub fn open_read_only(path: &Path) -> Result<Connection> {
    let conn = readonly::open(path)?;
    let version = migrate::check_identity(&conn, path)?;
    if version == migrate::SCHEMA_VERSION {
        return Ok(conn);
    }
    drop(conn);
    let copy = upgrade(path).with_context(|| {
        format!(
            "数据库 {} 的结构版本为 {version}，本程序使用版本 {}，需要升级，但无法写入该文件；\
             请在可写的位置运行本命令，或用可写的副本 (database needs upgrading)",
            path.display(),
            migrate::SCHEMA_VERSION
        )
    })?;
    let kept = copy
        .map(|c| format!("，升级前的副本为 {}", c.display()))
        .unwrap_or_default();
    eprintln!(
        "注意: 数据库 {} 已从结构版本 {version} 升级到 {}{kept} (database upgraded)",
        path.display(),
        migrate::SCHEMA_VERSION
    );
    let conn = readonly::open(path)?;
    migrate::check_identity(&conn, path)?;
    Ok(conn)
}

/// Bring an older database up to this binary's schema, keeping a copy first (`migrate_with`).
/// Reading commands call it before they open the file read-only: the upgrade is the one write they
/// make, announced and undoable from the copy.
fn upgrade(path: &Path) -> Result<Option<PathBuf>> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    migrate::check_identity(&conn, path)?;
    configure(&conn)?;
    migrate::migrate_with(&conn, migrate::MIGRATIONS)
}

/// Open an existing tuopin database read-only like `open_read_only`, accepting any schema version
/// this binary knows: for copying it (`tuopin backup` copies an older database as it is).
pub fn open_read_only_any_version(path: &Path) -> Result<Connection> {
    let conn = readonly::open(path)?;
    migrate::check_identity(&conn, path)?;
    Ok(conn)
}

/// Create a new, empty database file (mode 0600: it holds personal data) and apply the schema.
pub fn create(path: &Path) -> Result<Connection> {
    files::create_private(path)
        .with_context(|| format!("无法创建数据库文件 {}", path.display()))?;
    let conn = Connection::open(path)?;
    configure(&conn)?;
    migrate::migrate(&conn)?;
    Ok(conn)
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
