//! Import batches: the record of one file loaded into the database, which every stored row points at.

use anyhow::Result;
use rusqlite::{params, Connection};
use sha2::{Digest, Sha256};

/// Hex SHA-256 of a file's bytes: how a re-import of the same file is recognised.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Who is importing: `$USER`, or `unknown` when the environment does not say.
pub fn current_user() -> String {
    std::env::var("USER")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "unknown".to_string())
}

/// The current time, UTC, ISO 8601.
pub fn now_utc() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// What a new batch row records before its rows are written.
pub struct NewBatch<'a> {
    pub kind: &'a str,
    pub file_name: &'a str,
    pub sha256: &'a str,
    pub scope: Option<&'a str>,
    pub period: Option<&'a str>,
}

const INSERT_BATCH: &str =
    "INSERT INTO import_batch (kind, file_name, sha256, imported_by, imported_at, scope, period)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

/// Insert a batch row and return its id. Call inside the transaction that writes its rows.
pub fn create(conn: &Connection, b: &NewBatch) -> Result<i64> {
    conn.execute(
        INSERT_BATCH,
        params![
            b.kind,
            b.file_name,
            b.sha256,
            current_user(),
            now_utc(),
            b.scope,
            b.period
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Record how many rows were read from the file and written to the database.
pub fn finish(conn: &Connection, id: i64, rows_read: u64, rows_written: u64) -> Result<()> {
    conn.execute(
        "UPDATE import_batch SET rows_read = ?2, rows_written = ?3 WHERE id = ?1",
        params![id, rows_read as i64, rows_written as i64],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn sha256_of_known_input() {
        assert_eq!(
            super::sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}

/// A batch as `tuopin imports` lists it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Batch {
    pub id: i64,
    pub kind: String,
    pub file_name: String,
    pub sha256: String,
    pub rows_read: i64,
    pub rows_written: i64,
    pub imported_by: String,
    pub imported_at: String,
    pub scope: Option<String>,
    pub period: Option<String>,
    pub undone_at: Option<String>,
}

const LIST_BATCHES: &str =
    "SELECT id, kind, file_name, sha256, rows_read, rows_written, imported_by, imported_at,
            scope, period, undone_at
     FROM import_batch WHERE ?1 OR kind <> 'reference' ORDER BY id DESC";

/// Import batches, newest first; the reference files of `init` only with `all`.
pub fn list(conn: &Connection, all: bool) -> Result<Vec<Batch>> {
    let mut stmt = conn.prepare(LIST_BATCHES)?;
    let rows = stmt.query_map([all], |r| {
        Ok(Batch {
            id: r.get(0)?,
            kind: r.get(1)?,
            file_name: r.get(2)?,
            sha256: r.get(3)?,
            rows_read: r.get(4)?,
            rows_written: r.get(5)?,
            imported_by: r.get(6)?,
            imported_at: r.get(7)?,
            scope: r.get(8)?,
            period: r.get(9)?,
            undone_at: r.get(10)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
