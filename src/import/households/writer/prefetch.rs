//! A correction's stored rows, `ROWS` households a statement: before a full set of rows that
//! replace an earlier snapshot is written one by one, their stored rows are read and compared
//! with one query. Nine in ten rows of an ordinary correction are unchanged, so this look-up is
//! most of its work. A register comes in household order (the national system's export, our
//! contract files, a county's own sheets sorted by village): then the set is one range of the key,
//! read in one pass along it; otherwise one `IN (…)` query seeks each number.
//!
//! What the query found (or that it found nothing) waits in `HotStatements::prefetched`, in the
//! order of the set, until the row is written; it is dropped before the next set. Writing a row
//! changes only its own key, so what was read stays true until then.

use std::collections::HashMap;

use anyhow::Result;

use super::bulk::{Plain, ROWS};
use super::{same_as_stored, Existing, Slot, Writer};

/// `EXISTING_SNAPSHOT_ROW`'s columns (the same indexes, which `same_as_stored` reads), then the
/// household number they belong to.
const COLUMNS: &str = "SELECT batch_id, line, village_code, head_name, id_hash, id_masked,
        size, category, cause, status, exit_year, income_per_capita, food_clothing_ok, education_ok,
        medical_ok, housing_safe, water_safe, category_as_written, policy_support, monitoring_kind,
        household_id
     FROM household_snapshot WHERE period = ?1 AND household_id ";
const ID_COLUMN: usize = 20;

/// At most this many stored rows are read for one set in household order (the file may leave out
/// many stored households in between).
const RANGE_LIMIT: usize = 2 * ROWS;

/// The statement for `ROWS` household numbers in any order: the constant parts repeated, no value
/// in the text.
fn stored_rows_sql() -> String {
    let marks = vec!["?"; ROWS].join(", ");
    format!("{COLUMNS}IN ({marks})")
}

/// The stored rows from the set's first number to its last, in key order. The limit is a constant
/// of the text: as a parameter, binding it made SQLite prepare the statement again for every set.
fn range_sql() -> String {
    format!("{COLUMNS}BETWEEN ?2 AND ?3 ORDER BY household_id LIMIT {RANGE_LIMIT}")
}

impl Writer<'_> {
    /// Read the stored rows of `rows` (a full set, of one month, every county of which replaces
    /// its snapshot) and compare each with the file's. Does nothing for any other set: its rows
    /// are then looked up one by one as they are written.
    pub fn prefetch(&mut self, rows: &[Plain]) -> Result<()> {
        self.hot.prefetched.clear();
        self.hot.next = 0;
        let Some((first, ..)) = rows.first() else {
            return Ok(());
        };
        if rows.len() != ROWS {
            return Ok(());
        }
        let period = first.period;
        for (row, ..) in rows {
            if row.period != period || !self.county_state(row)?.replacing {
                return Ok(());
            }
        }
        let in_order = rows.windows(2).all(|w| w[0].0.id < w[1].0.id);
        let conn = self.ctx.conn;
        let stmt = if in_order {
            if self.prefetch_range.is_none() {
                self.prefetch_range = Some(conn.prepare(&range_sql())?);
            }
            self.prefetch_range.as_mut()
        } else {
            if self.prefetch_stmt.is_none() {
                self.prefetch_stmt = Some(conn.prepare(&stored_rows_sql())?);
            }
            self.prefetch_stmt.as_mut()
        };
        let Some(stmt) = stmt else {
            return Ok(());
        };
        stmt.raw_bind_parameter(1, period)?;
        if in_order {
            stmt.raw_bind_parameter(2, &*first.id)?;
            stmt.raw_bind_parameter(3, &*rows[ROWS - 1].0.id)?;
        } else {
            for (n, (row, ..)) in rows.iter().enumerate() {
                stmt.raw_bind_parameter(n + 2, &*row.id)?;
            }
        }
        let regions = self.hot.regions;
        let prefetched = &mut self.hot.prefetched;
        // The set's rows up to the last one read are known: found, or not stored. (A later row
        // with the same number is a duplicate of the file, refused before it is looked up.)
        prefetched.clear();
        prefetched.resize(ROWS, Slot::Unknown);
        self.hot.next = 0;
        let mut place: HashMap<&str, usize> = HashMap::new();
        if !in_order {
            for (n, (row, ..)) in rows.iter().enumerate().rev() {
                place.insert(&row.id, n);
                prefetched[n] = Slot::Absent;
            }
        }
        let mut known = 0;
        let mut read = 0;
        let mut found = stmt.raw_query();
        while let Some(r) = found.next()? {
            read += 1;
            let id = r.get_ref(ID_COLUMN)?.as_str()?;
            let n = if in_order {
                while known < ROWS && &*rows[known].0.id < id {
                    prefetched[known] = Slot::Absent;
                    known += 1;
                }
                if known == ROWS || &*rows[known].0.id != id {
                    // A stored household the file does not list here.
                    continue;
                }
                known += 1;
                known - 1
            } else {
                match place.get(id) {
                    Some(n) => *n,
                    None => continue,
                }
            };
            let village = r.get_ref(2)?.as_str()?;
            prefetched[n] = Slot::Stored(Existing {
                batch: r.get(0)?,
                line: r.get(1)?,
                county: regions.get(village).and_then(|(_, c)| c),
                same: same_as_stored(r, &rows[n].0)?,
            });
        }
        if in_order && read < RANGE_LIMIT {
            // The whole range was read: the rest of the set is not stored. Past the limit the
            // rest stays unknown, and is looked up row by row.
            for slot in &mut prefetched[known..] {
                *slot = Slot::Absent;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_statement_has_a_parameter_per_row_and_searches_by_key() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        crate::db::migrate::migrate(&conn).unwrap();
        let sql = stored_rows_sql();
        let stmt = conn.prepare(&sql).unwrap();
        assert_eq!(stmt.parameter_count(), ROWS + 1);
        assert_eq!(conn.prepare(&range_sql()).unwrap().parameter_count(), 3);
        assert_eq!(stmt.column_name(ID_COLUMN).unwrap(), "household_id");
        let existing = conn.prepare(super::super::EXISTING_SNAPSHOT_ROW).unwrap();
        for i in 0..ID_COLUMN {
            assert_eq!(
                stmt.column_name(i).unwrap(),
                existing.column_name(i).unwrap()
            );
        }
        for sql in [sql, range_sql()] {
            let mut plan = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
            let mut rows = plan.raw_query();
            while let Some(r) = rows.next().unwrap() {
                let step: String = r.get(3).unwrap();
                assert!(step.starts_with("SEARCH"), "{step}: {sql}");
            }
        }
    }
}
