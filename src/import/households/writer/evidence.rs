//! The member rows behind a household's failed standards (`household_evidence`, the national
//! export's), written with the row: inserted with a first snapshot, replaced by key in a
//! correction (an identical stored row and its batch left untouched), removed with a household
//! the corrected file no longer lists.

use anyhow::Result;
use rusqlite::params;

use super::{HouseholdRow, Writer};
use crate::model::evidence::Evidence;
use crate::model::period::Period;

const INSERT_EVIDENCE: &str = "INSERT INTO household_evidence
        (period, household_id, standard, line, relation, column_name, value, batch_id)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

// A correction's evidence: an identical stored row (and its batch) is left untouched.
pub(super) const UPSERT_EVIDENCE: &str = "INSERT INTO household_evidence
        (period, household_id, standard, line, relation, column_name, value, batch_id)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
     ON CONFLICT (period, household_id, standard) DO UPDATE SET
        line = excluded.line, relation = excluded.relation, column_name = excluded.column_name,
        value = excluded.value, batch_id = excluded.batch_id
     WHERE (line, relation, column_name, value) IS NOT
           (excluded.line, excluded.relation, excluded.column_name, excluded.value)";

// The stored evidence of a household the corrected file no longer has (?3: the standards it has,
// joined, `H3,H5`; the codes are no substrings of each other).
pub(super) const DELETE_OTHER_EVIDENCE: &str = "DELETE FROM household_evidence
     WHERE period = ?1 AND household_id = ?2 AND instr(?3, standard) = 0";

const MONTH_HAS_EVIDENCE: &str =
    "SELECT EXISTS (SELECT 1 FROM household_evidence WHERE period = ?1)";

impl Writer<'_> {
    /// A first snapshot's evidence row.
    pub(super) fn insert_evidence(&self, row: &HouseholdRow, e: &Evidence) -> Result<usize> {
        self.put_evidence(INSERT_EVIDENCE, row, e)
    }

    /// The evidence of a household the corrected file no longer lists.
    pub(super) fn delete_evidence(&self, period: Period, id: &str) -> Result<usize> {
        Ok(self
            .ctx
            .conn
            .prepare_cached(DELETE_OTHER_EVIDENCE)?
            .execute(params![period, id, ""])?)
    }

    fn put_evidence(&self, sql: &str, row: &HouseholdRow, e: &Evidence) -> Result<usize> {
        Ok(self.ctx.conn.prepare_cached(sql)?.execute(params![
            row.period,
            &*row.id,
            e.standard,
            e.line,
            e.relation,
            e.column,
            e.value,
            self.ctx.batch_id
        ])?)
    }

    pub(super) fn month_has_evidence(&mut self, period: Period) -> Result<bool> {
        if let Some(known) = self.month_has_evidence {
            return Ok(known);
        }
        let has: bool = self
            .ctx
            .conn
            .prepare_cached(MONTH_HAS_EVIDENCE)?
            .query_row(params![period], |r| r.get(0))?;
        self.month_has_evidence = Some(has);
        Ok(has)
    }

    /// A correction's row: its stored evidence replaced by `evidence`. Whether anything changed.
    pub(super) fn evidence_changed(
        &mut self,
        row: &HouseholdRow,
        evidence: &[Evidence],
    ) -> Result<bool> {
        let mut changed = 0;
        if self.month_has_evidence(row.period)? {
            let standards: Vec<&str> = evidence.iter().map(|e| e.standard).collect();
            let standards = standards.join(",");
            changed += self
                .ctx
                .conn
                .prepare_cached(DELETE_OTHER_EVIDENCE)?
                .execute(params![row.period, &*row.id, standards])?;
        }
        for e in evidence {
            changed += self.put_evidence(UPSERT_EVIDENCE, row, e)?;
        }
        Ok(changed > 0)
    }
}
