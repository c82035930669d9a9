//! What a database holds, for `tuopin status`.

use anyhow::Result;
use rusqlite::Connection;

use crate::db;
use crate::model::bulletin::{self, Bulletin};

/// The counts `tuopin status` shows (its JSON contract).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Contents {
    pub schema_version: i64,
    /// (level code, Chinese name, count), province first.
    pub regions: Vec<(String, String, i64)>,
    pub provisional_codes: i64,
    pub households: i64,
    pub household_snapshots: i64,
    pub register_periods: i64,
    pub values_from_imports: i64,
    pub values_from_bulletins: i64,
    pub import_batches: i64,
    pub reference_files: i64,
    pub indicators: i64,
    pub criteria: i64,
    pub poverty_lines: i64,
    pub bulletins: Vec<Bulletin>,
    /// The bulletins' figures by review status.
    pub proposals: Proposals,
}

/// How many figures `bulletin add` proposed are 待审核, accepted (facts) and rejected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Proposals {
    pub proposed: i64,
    pub accepted: i64,
    pub rejected: i64,
}

const REGIONS_BY_LEVEL: &str = "SELECT l.level, l.name, count(r.code) FROM region_level l
     LEFT JOIN region r ON r.level = l.level GROUP BY l.level ORDER BY l.rank";

// Households in each county's latest register snapshot, summed.
const LATEST_REGISTER_HOUSEHOLDS: &str = "SELECT coalesce(sum(households), 0) FROM register_snapshot r
     WHERE period = (SELECT max(period) FROM register_snapshot r2 WHERE r2.county_code = r.county_code)";

fn count(conn: &Connection, sql: &str) -> Result<i64> {
    Ok(conn.query_row(sql, [], |r| r.get(0))?)
}

/// What the database holds, read in one transaction: counts taken while another process imports
/// all describe the same moment (before or after that import, never half of it).
pub fn status(conn: &Connection) -> Result<Contents> {
    let tx = conn.unchecked_transaction()?;
    let s = read(&tx)?;
    tx.finish()?;
    Ok(s)
}

fn read(conn: &Connection) -> Result<Contents> {
    let mut stmt = conn.prepare(REGIONS_BY_LEVEL)?;
    let regions = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Contents {
        schema_version: db::pragma::user_version(conn)?,
        regions,
        provisional_codes: count(conn, "SELECT count(*) FROM region WHERE code_official = 0")?,
        households: count(conn, LATEST_REGISTER_HOUSEHOLDS)?,
        // Summed from the per-county snapshot records: counting the register itself scans it all.
        household_snapshots: count(
            conn,
            "SELECT coalesce(sum(households), 0) FROM register_snapshot",
        )?,
        register_periods: count(conn, "SELECT count(DISTINCT period) FROM register_snapshot")?,
        values_from_imports: count(
            conn,
            "SELECT count(*) FROM indicator_value WHERE batch_id IS NOT NULL",
        )?,
        values_from_bulletins: count(
            conn,
            "SELECT count(*) FROM indicator_value WHERE quote_id IS NOT NULL",
        )?,
        import_batches: count(
            conn,
            "SELECT count(*) FROM import_batch WHERE kind <> 'reference' AND undone_at IS NULL",
        )?,
        reference_files: count(
            conn,
            "SELECT count(*) FROM import_batch WHERE kind = 'reference'",
        )?,
        indicators: count(conn, "SELECT count(*) FROM indicator")?,
        criteria: count(conn, "SELECT count(*) FROM criterion")?,
        poverty_lines: count(conn, "SELECT count(*) FROM poverty_line")?,
        bulletins: bulletin::all(conn)?,
        proposals: Proposals {
            proposed: count(
                conn,
                "SELECT count(*) FROM bulletin_proposal WHERE status = 'proposed'",
            )?,
            accepted: count(
                conn,
                "SELECT count(*) FROM bulletin_proposal WHERE status = 'accepted'",
            )?,
            rejected: count(
                conn,
                "SELECT count(*) FROM bulletin_proposal WHERE status = 'rejected'",
            )?,
        },
    })
}
