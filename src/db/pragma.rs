//! What every part of `db` asks SQLite the same way: how long to wait for a lock, the schema
//! version in `PRAGMA user_version`, and `PRAGMA integrity_check`.

use std::time::Duration;

use anyhow::Result;
use rusqlite::Connection;

/// How long a connection (or a copy) waits for another process's write lock before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// At most this many problems are listed by the integrity check.
const INTEGRITY_CHECK: &str = "PRAGMA integrity_check(100)";

/// `PRAGMA user_version`: the schema version of a tuopin database (0: nothing applied yet).
pub fn user_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// What `PRAGMA integrity_check` finds, at most 100 problems in SQLite's order; empty when the
/// file is sound.
pub fn integrity_problems(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(INTEGRITY_CHECK)?;
    let rows = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows.into_iter().filter(|r| r != "ok").collect())
}
