//! The history table: every overwritten or deleted value is kept by triggers (schema.sql), which
//! record who changed it. Writers name the batch or reason of their transaction first.

use anyhow::Result;
use rusqlite::Connection;

/// The statement the history triggers read their attribution from.
const SET_CHANGE_CONTEXT: &str =
    "UPDATE change_context SET batch_id = ?1, reason = ?2 WHERE id = 1";

/// Name the batch (or other reason) responsible for the writes of the current transaction, so the
/// history triggers record it. Call inside the transaction.
pub fn set_change_context(conn: &Connection, batch_id: Option<i64>, reason: &str) -> Result<()> {
    conn.execute(SET_CHANGE_CONTEXT, rusqlite::params![batch_id, reason])?;
    Ok(())
}
