//! A county's first snapshot of a month, `ROWS` rows a statement: one multi-row INSERT costs a
//! fraction of as many one-row statements (one step, one reset, one statement journal), and the
//! rows arrive in key order, so each statement appends to the same few pages. A statement that
//! meets a conflict (a duplicate, another county's household) writes nothing; its rows are then
//! written one by one, which finds and reports the conflict as before.

use anyhow::Result;
use rusqlite::ErrorCode;

use super::{HouseholdRow, Problems, Writer};
use crate::model::evidence::Evidence;

/// Rows per statement: 64 × 22 parameters, within SQLite's limit of 32,766.
pub(in crate::import::households) const ROWS: usize = 64;

const INSERT_HEAD: &str = "INSERT INTO household_snapshot
        (period, household_id, village_code, head_name, id_hash, id_masked, size, category, cause, status,
         exit_year, income_per_capita, food_clothing_ok, education_ok, medical_ok, housing_safe, water_safe,
         batch_id, line, category_as_written, policy_support, monitoring_kind)
     VALUES ";

/// One row's values, in the order of `INSERT_HEAD` (and of `INSERT_SNAPSHOT`).
const ROW_VALUES: &str = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
const PARAMETERS: usize = 22;

/// The statement for `ROWS` rows: the constant parts repeated, no value in the text.
fn insert_rows_sql() -> String {
    let values = vec![ROW_VALUES; ROWS].join(", ");
    format!("{INSERT_HEAD}{values}")
}

/// One row for `Writer::insert_rows`: the row, its line, its evidence.
pub(in crate::import::households) type Plain<'r> = (HouseholdRow<'r>, u64, &'r [Evidence]);

impl Writer<'_> {
    /// Whether a row of this county and month goes in with a plain insert (no earlier snapshot
    /// of the county's month to replace).
    pub fn is_plain(&mut self, row: &HouseholdRow) -> Result<bool> {
        Ok(!self.county_state(row)?.replacing)
    }

    /// Insert `ROWS` plain rows (`is_plain`) with one statement and count them. False when the
    /// statement met a conflict and wrote nothing: the caller writes them one by one.
    pub fn insert_rows(&mut self, rows: &[Plain], problems: &mut Problems) -> Result<bool> {
        if rows.len() != ROWS {
            return Ok(false);
        }
        let conn = self.ctx.conn;
        if self.bulk.is_none() {
            self.bulk = Some(conn.prepare(&insert_rows_sql())?);
        }
        let Some(stmt) = self.bulk.as_mut() else {
            return Ok(false);
        };
        let batch_id = self.ctx.batch_id;
        for (n, (row, line, _)) in rows.iter().enumerate() {
            let at = n * PARAMETERS;
            let mut bind = |i: usize, v: &dyn rusqlite::ToSql| stmt.raw_bind_parameter(at + i, v);
            bind(1, &row.period)?;
            bind(2, &&*row.id)?;
            bind(3, &&*row.village)?;
            bind(4, &row.head_name)?;
            bind(5, &row.id_hash)?;
            bind(6, &row.id_masked)?;
            bind(7, &row.size)?;
            bind(8, &row.category)?;
            bind(9, &row.cause)?;
            bind(10, &row.status)?;
            bind(11, &row.exit_year)?;
            bind(12, &row.income)?;
            for (f, flag) in row.flags.iter().enumerate() {
                bind(13 + f, flag)?;
            }
            bind(18, &batch_id)?;
            bind(19, &(*line as i64))?;
            bind(20, &row.category_as_written)?;
            bind(21, &row.policy_support)?;
            bind(22, &row.monitoring_kind)?;
        }
        match stmt.raw_execute() {
            Ok(_) => {}
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == ErrorCode::ConstraintViolation =>
            {
                return Ok(false)
            }
            Err(e) => return Err(e.into()),
        }
        for (row, _, evidence) in rows {
            problems.summary.inserted += 1;
            self.county_state(row)?.households += 1;
            self.inserted += 1;
            for e in evidence.iter() {
                self.insert_evidence(row, e)?;
            }
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_statement_has_every_rows_parameters() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        crate::db::migrate::migrate(&conn).unwrap();
        let stmt = conn.prepare(&insert_rows_sql()).unwrap();
        assert_eq!(stmt.parameter_count(), ROWS * PARAMETERS);
        assert!(super::super::INSERT_SNAPSHOT.contains(INSERT_HEAD.trim_end_matches("VALUES ")));
    }
}
