//! A correction's stored rows, `ROWS` households a query: before a full set of rows that replace
//! an earlier snapshot is written one by one, their stored rows are read and compared with one
//! query. Nine in ten rows of an ordinary correction are unchanged, so this look-up is most of
//! its work. A register comes in household order (the national system's export, our contract
//! files, a county's own sheets sorted by village): then the set is one range of the key, read in
//! one pass along it; otherwise one `IN (…)` query seeks each number.
//!
//! Either thread may look a set up (issue 11): the writer, on its connection, or the validating
//! thread, on a second, read-only connection to the same file, while it would otherwise wait for
//! the writer (`StoredRows`, used by `pipeline::Link`). The import holds the write lock and has
//! not committed, so that connection sees the month as it was before the file, which is what a
//! row is compared with: writing a row changes only its own key, and a number the file lists
//! twice is refused before it is looked up. A row neither settles (past the range's limit, a
//! household stored in another county's village) is `Known::Unknown`, and the writer looks it up
//! alone when it writes it.

use std::collections::HashMap;

use anyhow::Result;
use rusqlite::{params, Connection, OpenFlags};

use super::bulk::ROWS;
use super::{same_as_stored, Writer, HAS_SNAPSHOT};
use crate::db::pragma::BUSY_TIMEOUT;
use crate::import::households::validate::HouseholdRow;
use crate::import::reader::RegionIndex;
use crate::model::period::Period;

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

/// What a look-up learnt of one row's household in the month before this file.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(in crate::import::households) enum Known {
    /// Not looked up: the writer looks the row up when it writes it.
    #[default]
    Unknown,
    /// Nothing stored for its household and month.
    Absent,
    /// Stored in a village of the row's own county, and whether every stored column equals the
    /// file's row (then nothing needs writing).
    Stored { batch: i64, line: i64, same: bool },
}

/// Read and compare the stored rows of `rows`: a full set of `ROWS` rows of one month, every
/// county of which replaces its snapshot (the caller has checked), in the order of the file.
fn look_up(conn: &Connection, regions: &RegionIndex, rows: &[&HouseholdRow]) -> Result<Vec<Known>> {
    let mut known = vec![Known::Unknown; rows.len()];
    let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
        return Ok(known);
    };
    let period = first.period;
    let in_order = rows.windows(2).all(|w| w[0].id < w[1].id);
    let mut stmt = if in_order {
        let mut stmt = conn.prepare_cached(&range_sql())?;
        stmt.raw_bind_parameter(2, &*first.id)?;
        stmt.raw_bind_parameter(3, &*last.id)?;
        stmt
    } else {
        let mut stmt = conn.prepare_cached(&stored_rows_sql())?;
        for (n, row) in rows.iter().enumerate() {
            stmt.raw_bind_parameter(n + 2, &*row.id)?;
        }
        stmt
    };
    stmt.raw_bind_parameter(1, period)?;
    // The set's rows up to the last one read are known: found, or not stored. (A later row with
    // the same number is a duplicate of the file, refused before it is looked up.)
    let mut place: HashMap<&str, usize> = HashMap::new();
    if !in_order {
        for (n, row) in rows.iter().enumerate().rev() {
            place.insert(&row.id, n);
            known[n] = Known::Absent;
        }
    }
    let mut settled = 0;
    let mut read = 0;
    let mut found = stmt.raw_query();
    while let Some(r) = found.next()? {
        read += 1;
        let id = r.get_ref(ID_COLUMN)?.as_str()?;
        let n = if in_order {
            while settled < rows.len() && &*rows[settled].id < id {
                known[settled] = Known::Absent;
                settled += 1;
            }
            if settled == rows.len() || &*rows[settled].id != id {
                // A stored household the file does not list here.
                continue;
            }
            settled += 1;
            settled - 1
        } else {
            match place.get(id) {
                Some(n) => *n,
                None => continue,
            }
        };
        let village = r.get_ref(2)?.as_str()?;
        let county = regions.get(village).and_then(|(_, c)| c);
        // Stored in another county's village: the writer refuses the row, and names that county
        // and its file, which it looks up itself.
        known[n] = if county.is_some_and(|c| c != rows[n].county.as_str()) {
            Known::Unknown
        } else {
            Known::Stored {
                batch: r.get(0)?,
                line: r.get(1)?,
                same: same_as_stored(r, rows[n])?,
            }
        };
    }
    if in_order && read < RANGE_LIMIT {
        // The whole range was read: the rest of the set is not stored. Past the limit the rest
        // stays unknown, and is looked up row by row.
        for k in &mut known[settled..] {
            *k = Known::Absent;
        }
    }
    Ok(known)
}

/// Whether `rows` is a set `look_up` takes: `ROWS` rows of one month, every county of which
/// replaces its snapshot (`replacing`).
fn is_correction_set(
    rows: &[&HouseholdRow],
    mut replacing: impl FnMut(&HouseholdRow) -> Result<bool>,
) -> Result<bool> {
    let Some(first) = rows.first() else {
        return Ok(false);
    };
    if rows.len() != ROWS {
        return Ok(false);
    }
    for row in rows {
        if row.period != first.period || !replacing(row)? {
            return Ok(false);
        }
    }
    Ok(true)
}

impl Writer<'_> {
    /// What is stored for each of `rows`, looked up on the writer's connection; nothing known
    /// (an empty list) for a set `look_up` does not take.
    pub fn prefetch(&mut self, rows: &[&HouseholdRow]) -> Result<Vec<Known>> {
        if !is_correction_set(rows, |row| Ok(self.county_state(row)?.replacing))? {
            return Ok(Vec::new());
        }
        look_up(self.ctx.conn, self.hot.regions, rows)
    }
}

/// The read-only connection's page cache (negative: KiB).
const READER_CACHE_KIB: i64 = -512;

/// The validating thread's read-only connection, and what it has learnt of the file's counties.
pub(in crate::import::households) struct StoredRows<'r> {
    conn: Connection,
    regions: &'r RegionIndex,
    /// Per county and month met: whether the file replaces a snapshot of it. A file holds a few
    /// counties.
    replacing: Vec<(String, Period, bool)>,
}

impl<'r> StoredRows<'r> {
    /// A second connection to the file of `conn`, or None for a database without a file.
    pub fn open(conn: &Connection, regions: &'r RegionIndex) -> Result<Option<StoredRows<'r>>> {
        let Some(path) = conn.path().filter(|p| !p.is_empty()) else {
            return Ok(None);
        };
        let reader = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        reader.busy_timeout(BUSY_TIMEOUT)?;
        // The look-ups walk the month in key order: the pages along the way are read once, and
        // a small cache holds the interior pages they share (the import is near its memory
        // target already).
        reader.pragma_update(None, "cache_size", READER_CACHE_KIB)?;
        // One snapshot for the whole file (and one read lock, not one a query).
        reader.execute_batch("BEGIN")?;
        Ok(Some(StoredRows {
            conn: reader,
            regions,
            replacing: Vec::new(),
        }))
    }

    /// What is stored for each of `rows`; nothing known (an empty list) for a set `look_up` does
    /// not take.
    pub fn look_up(&mut self, rows: &[&HouseholdRow]) -> Result<Vec<Known>> {
        let (conn, known) = (&self.conn, &mut self.replacing);
        if !is_correction_set(rows, |row| replacing(conn, known, &row.county, row.period))? {
            return Ok(Vec::new());
        }
        look_up(&self.conn, self.regions, rows)
    }

    /// Whether the file replaces the snapshot of `county`'s `period` (a first snapshot has
    /// nothing stored to look up).
    pub fn replaces(&mut self, county: &str, period: Period) -> Result<bool> {
        replacing(&self.conn, &mut self.replacing, county, period)
    }
}

/// Whether `county` already has a snapshot of `period` (asked once per county and month).
fn replacing(
    conn: &Connection,
    known: &mut Vec<(String, Period, bool)>,
    county: &str,
    period: Period,
) -> Result<bool> {
    if let Some((.., r)) = known.iter().find(|(c, p, _)| c == county && *p == period) {
        return Ok(*r);
    }
    let r = conn
        .prepare_cached(HAS_SNAPSHOT)?
        .exists(params![county, period])?;
    known.push((county.to_string(), period, r));
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::household::HouseholdStatus;
    use crate::model::region::Level;
    use std::borrow::Cow;

    const VILLAGE: &str = "210922-T01-V01";
    const OTHER_COUNTY_VILLAGE: &str = "211321-T01-V01";

    fn regions() -> RegionIndex {
        RegionIndex::of(&[
            ("210922", Level::County, Some("210922")),
            (VILLAGE, Level::Village, Some("210922")),
            ("211321", Level::County, Some("211321")),
            (OTHER_COUNTY_VILLAGE, Level::Village, Some("211321")),
        ])
    }

    fn row(n: usize) -> HouseholdRow<'static> {
        HouseholdRow {
            period: "2019-03".parse().unwrap(),
            county: "210922".to_string(),
            id: Cow::Owned(format!("H{n:03}")),
            village: Cow::Borrowed(VILLAGE),
            head_name: None,
            id_hash: None,
            id_masked: None,
            size: 3,
            category: Some("一般贫困户"),
            category_as_written: None,
            cause: Some("因病"),
            status: HouseholdStatus::Poor,
            policy_support: None,
            monitoring_kind: None,
            exit_year: None,
            income: 5000.0,
            flags: [Some(true); 5],
        }
    }

    /// A database file whose month 2019-03 of county 210922 holds households H000..H063 as `row`
    /// gives them, except: H005 with another income, no H010, H020 in another county's village.
    fn stored() -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let conn = Connection::open(dir.path().join("t.db")).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        crate::db::migrate::migrate(&conn).unwrap();
        // As during an import: the test has no region rows for the villages.
        conn.pragma_update(None, "foreign_keys", "OFF").unwrap();
        conn.execute_batch(
            "INSERT INTO import_batch (id, kind, file_name, sha256, imported_by, imported_at)
                 VALUES (1, 'households', 'a.csv', printf('%064d', 0), 'test', '2019-04-01');
             INSERT INTO register_snapshot (county_code, period, batch_id, households) VALUES ('210922', '2019-03', 1, 63);",
        )
        .unwrap();
        for n in (0..ROWS).filter(|n| *n != 10) {
            conn.execute(
                "INSERT INTO household_snapshot (period, household_id, village_code, size, category, cause,
                     status, income_per_capita, food_clothing_ok, education_ok, medical_ok, housing_safe,
                     water_safe, batch_id, line)
                 VALUES ('2019-03', ?1, ?2, 3, '一般贫困户', '因病', 'poor', ?3, 1, 1, 1, 1, 1, 1, ?4)",
                params![
                    format!("H{n:03}"),
                    if n == 20 { OTHER_COUNTY_VILLAGE } else { VILLAGE },
                    if n == 5 { 4000.0 } else { 5000.0 },
                    n as i64 + 2
                ],
            )
            .unwrap();
        }
        (dir, conn)
    }

    fn expected(n: usize) -> Known {
        match n {
            5 => Known::Stored {
                batch: 1,
                line: 7,
                same: false,
            },
            10 => Known::Absent,
            20 => Known::Unknown,
            n => Known::Stored {
                batch: 1,
                line: n as i64 + 2,
                same: true,
            },
        }
    }

    #[test]
    fn a_set_is_looked_up_by_range_or_by_number_on_either_connection() {
        let (_dir, conn) = stored();
        let regions = regions();
        let rows: Vec<HouseholdRow> = (0..ROWS).map(row).collect();
        let in_order: Vec<&HouseholdRow> = rows.iter().collect();
        let want: Vec<Known> = (0..ROWS).map(expected).collect();
        assert_eq!(look_up(&conn, &regions, &in_order).unwrap(), want);
        let reversed: Vec<&HouseholdRow> = rows.iter().rev().collect();
        let want_reversed: Vec<Known> = want.iter().rev().copied().collect();
        assert_eq!(look_up(&conn, &regions, &reversed).unwrap(), want_reversed);

        // The read-only connection during the import's transaction: it sees the month as it was
        // before, not what the import has written since.
        conn.execute_batch("BEGIN IMMEDIATE").unwrap();
        let mut second = StoredRows::open(&conn, &regions).unwrap().expect("a file");
        conn.execute_batch(
            "UPDATE household_snapshot SET income_per_capita = 1 WHERE household_id = 'H001';
             DELETE FROM household_snapshot WHERE household_id = 'H002';",
        )
        .unwrap();
        assert_eq!(second.look_up(&in_order).unwrap(), want);
        assert_eq!(second.look_up(&reversed).unwrap(), want_reversed);
        // Not a set it takes: fewer rows, or a county's first snapshot of the month.
        assert!(second.look_up(&in_order[1..]).unwrap().is_empty());
        let other: Vec<HouseholdRow> = (0..ROWS)
            .map(|n| HouseholdRow {
                county: "211321".to_string(),
                village: Cow::Borrowed(OTHER_COUNTY_VILLAGE),
                ..row(n)
            })
            .collect();
        let other: Vec<&HouseholdRow> = other.iter().collect();
        assert!(second.look_up(&other).unwrap().is_empty());
        conn.execute_batch("ROLLBACK").unwrap();
    }

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
