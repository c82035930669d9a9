//! Writing the register's rows: a county's first snapshot of a month with plain inserts, a
//! correction by primary key (changed rows updated, the file's own duplicates found with the
//! numbers seen so far, households no longer listed removed), each county's `register_snapshot`
//! row, and for rows of the national export the member rows behind their failed standards
//! (`household_evidence`), replaced by key like the rows themselves. Both forms of the register
//! (`households` for the contract's, `national` for the national system's export) write through
//! this.

pub(super) mod bulk;
mod evidence;
mod prefetch;

pub(super) use prefetch::{Known, StoredRows};

use std::collections::HashMap;

use anyhow::Result;
use rusqlite::{params, ErrorCode, OptionalExtension};

use crate::import::contract::{households, HOUSEHOLDS};
use crate::import::reader::{Context, Problems, RegionIndex};
use crate::model::evidence::Evidence;
use crate::model::period::Period;

use super::seen::SeenIds;
use super::validate::HouseholdRow;

const INSERT_SNAPSHOT: &str = "INSERT INTO household_snapshot
        (period, household_id, village_code, head_name, id_hash, id_masked, size, category, cause, status,
         exit_year, income_per_capita, food_clothing_ok, education_ok, medical_ok, housing_safe, water_safe,
         batch_id, line, category_as_written, policy_support, monitoring_kind)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)";

// A stored row the corrected file changes (the importer compared them first). The WHERE clause
// still keeps an identical row (and its provenance) untouched, so history records only real
// changes.
const UPDATE_SNAPSHOT: &str = "UPDATE household_snapshot SET
        village_code = ?3, head_name = ?4, id_hash = ?5, id_masked = ?6, size = ?7, category = ?8,
        cause = ?9, status = ?10, exit_year = ?11, income_per_capita = ?12, food_clothing_ok = ?13,
        education_ok = ?14, medical_ok = ?15, housing_safe = ?16, water_safe = ?17,
        batch_id = ?18, line = ?19, category_as_written = ?20, policy_support = ?21,
        monitoring_kind = ?22
     WHERE period = ?1 AND household_id = ?2
       AND (village_code, head_name, id_hash, id_masked, size, category, cause, status, exit_year,
            income_per_capita, food_clothing_ok, education_ok, medical_ok, housing_safe, water_safe,
            category_as_written, policy_support, monitoring_kind) IS NOT
           (?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?20, ?21, ?22)";

// The stored row of a household and month, to compare with the file's (columns in the order of
// `INSERT_SNAPSHOT` from village_code on). The county of its village comes from the importer's
// `RegionIndex`, the file name of its batch only when a message needs it.
const EXISTING_SNAPSHOT_ROW: &str =
    "SELECT batch_id, line, village_code, head_name, id_hash, id_masked,
        size, category, cause, status, exit_year, income_per_capita, food_clothing_ok, education_ok,
        medical_ok, housing_safe, water_safe, category_as_written, policy_support, monitoring_kind
     FROM household_snapshot WHERE period = ?1 AND household_id = ?2";

const BATCH_FILE: &str = "SELECT file_name FROM import_batch WHERE id = ?1";

const HAS_SNAPSHOT: &str = "SELECT 1 FROM register_snapshot WHERE county_code = ?1 AND period = ?2";

// The month's rows this file did not write, with their villages: the ones the file does not list
// (`SeenIds`) in a county it replaces are removed. One pass over the month.
const OTHER_BATCHES_ROWS: &str = "SELECT household_id, village_code FROM household_snapshot
     WHERE period = ?1 AND batch_id <> ?2";

const MONTH_ROWS: &str = "SELECT count(*) FROM household_snapshot WHERE period = ?1";

const DELETE_SNAPSHOT_ROW: &str =
    "DELETE FROM household_snapshot WHERE period = ?1 AND household_id = ?2";

const UPSERT_REGISTER: &str = "INSERT INTO register_snapshot (county_code, period, batch_id, households)
     VALUES (?1, ?2, ?3, ?4)
     ON CONFLICT (county_code, period) DO UPDATE SET batch_id = excluded.batch_id, households = excluded.households";

/// Per county of the file: whether it replaces an earlier snapshot, and how many households.
struct CountyState {
    replacing: bool,
    households: u64,
}

/// Writes the rows of one file.
pub(super) struct Writer<'c> {
    ctx: &'c Context<'c>,
    hot: HotStatements<'c>,
    counties: HashMap<String, CountyState>,
    /// Of the rows of the file, those new in the month, and those that replaced (or left as it was)
    /// a stored row of the month: when these are all the month held, the file left none out.
    inserted: u64,
    matched: u64,
    /// Of the matched, those it changed.
    updated: u64,
    /// Whether the month held any evidence before this file (asked once, when first needed): a
    /// correction of a month without any has none to replace.
    month_has_evidence: Option<bool>,
    /// The statement of `bulk::ROWS` plain inserts, prepared when first used.
    bulk: Option<rusqlite::Statement<'c>>,
}

impl<'c> Writer<'c> {
    pub fn new(ctx: &'c Context<'c>, regions: &'c RegionIndex) -> Result<Writer<'c>> {
        let conn = ctx.conn;
        Ok(Writer {
            ctx,
            hot: HotStatements {
                seen: SeenIds::new(),
                regions,
                insert_snapshot: conn.prepare(INSERT_SNAPSHOT)?,
                update_snapshot: conn.prepare(UPDATE_SNAPSHOT)?,
                existing: conn.prepare(EXISTING_SNAPSHOT_ROW)?,
                known: Known::Unknown,
            },
            counties: HashMap::new(),
            inserted: 0,
            matched: 0,
            updated: 0,
            month_has_evidence: None,
            bulk: None,
        })
    }

    /// Write one valid row and the evidence of its failed standards (empty for the contract's
    /// rows), given what a look-up found stored for it (`prefetch`). Returns false when the row
    /// turned out to be invalid (a duplicate, another county's).
    pub fn write(
        &mut self,
        row: &HouseholdRow,
        line: u64,
        evidence: &[Evidence],
        known: Known,
        problems: &mut Problems,
    ) -> Result<bool> {
        self.hot.known = known;
        let replacing = self.county_state(row)?.replacing;
        let Some(kept) = write_row(self.ctx, &mut self.hot, replacing, row, line, problems)? else {
            return Ok(false);
        };
        self.county_state(row)?.households += 1;
        match kept {
            Kept::Inserted => self.inserted += 1,
            Kept::Updated => {
                self.matched += 1;
                self.updated += 1;
            }
            Kept::Unchanged => self.matched += 1,
        }
        if replacing {
            if self.evidence_changed(row, evidence)? && kept == Kept::Unchanged {
                // The row as it was, but another member row decides a standard now.
                problems.summary.unchanged -= 1;
                problems.summary.updated += 1;
            }
        } else {
            for e in evidence {
                self.insert_evidence(row, e)?;
            }
        }
        Ok(true)
    }

    /// The state of the row's county in this file (whether it replaces a snapshot: asked once).
    fn county_state(&mut self, row: &HouseholdRow) -> Result<&mut CountyState> {
        if !self.counties.contains_key(&row.county) {
            let replacing = self
                .ctx
                .conn
                .prepare_cached(HAS_SNAPSHOT)?
                .exists(params![row.county, row.period])?;
            self.counties.insert(
                row.county.clone(),
                CountyState {
                    replacing,
                    households: 0,
                },
            );
        }
        self.counties
            .get_mut(&row.county)
            .ok_or_else(|| anyhow::anyhow!("county state"))
    }

    /// The connection of the import's transaction.
    pub fn conn(&self) -> &'c rusqlite::Connection {
        self.ctx.conn
    }

    /// The regions the rows' villages are looked up in.
    pub fn regions(&self) -> &'c RegionIndex {
        self.hot.regions
    }

    /// The line of this file that already wrote `id` for the month, if any.
    pub fn first_line_in_batch(&self, period: Option<Period>, id: &str) -> Result<Option<i64>> {
        first_line_in_batch(&self.hot, self.ctx, period, id)
    }

    /// After the last row of a valid file: a correction removes the households it no longer
    /// lists (and their evidence), and each county's snapshot is registered. Returns the rows
    /// written.
    pub fn finish(mut self, period: Option<Period>, problems: &mut Problems) -> Result<u64> {
        if problems.any() {
            return Ok(0);
        }
        let Some(period) = period else {
            return Ok(0);
        };
        let conn = self.ctx.conn;
        let regions = self.hot.regions;
        let counties = &self.counties;
        // The month's rows before this file: when the file listed every one of them, none is
        // missing, and the month need not be read again (one count instead of a pass that looks
        // up every stored household among the file's numbers).
        let listed_all = || -> Result<bool> {
            let rows: i64 = conn
                .prepare_cached(MONTH_ROWS)?
                .query_row(params![period], |r| r.get(0))?;
            Ok(rows as u64 == self.inserted + self.matched)
        };
        if counties.values().any(|c| c.replacing) && !listed_all()? {
            // (county, household) of the rows the file no longer lists, in county and household order.
            let mut missing: Vec<(String, String)> = Vec::new();
            let mut stmt = conn.prepare(OTHER_BATCHES_ROWS)?;
            let mut found = stmt.query(params![period, self.ctx.batch_id])?;
            while let Some(r) = found.next()? {
                let id = r.get_ref(0)?.as_str()?;
                if self.hot.seen.line_of(id).is_some() {
                    continue;
                }
                if let Some((_, Some(county))) = regions.get(r.get_ref(1)?.as_str()?) {
                    if counties.get(county).is_some_and(|c| c.replacing) {
                        missing.push((county.to_string(), id.to_string()));
                    }
                }
            }
            missing.sort();
            let evidence = !missing.is_empty() && self.month_has_evidence(period)?;
            for (_, id) in &missing {
                conn.prepare_cached(DELETE_SNAPSHOT_ROW)?
                    .execute(params![period, id])?;
                if evidence {
                    self.delete_evidence(period, id)?;
                }
            }
            problems
                .summary
                .missing_households
                .extend(missing.into_iter().map(|(_, id)| id));
        }
        let mut county_codes: Vec<&String> = self.counties.keys().collect();
        county_codes.sort();
        for county in county_codes {
            let state = &self.counties[county];
            conn.prepare_cached(UPSERT_REGISTER)?.execute(params![
                county,
                period,
                self.ctx.batch_id,
                state.households as i64
            ])?;
        }
        // What this file wrote: an unchanged row keeps its first source.
        Ok(self.inserted + self.updated)
    }
}

/// The statements run for every row, prepared once (a statement-cache look-up per row shows up in
/// a million-row import), and the region index that gives a stored row's county.
struct HotStatements<'c> {
    /// The household numbers a correction has listed so far.
    seen: SeenIds,
    regions: &'c RegionIndex,
    insert_snapshot: rusqlite::Statement<'c>,
    update_snapshot: rusqlite::Statement<'c>,
    existing: rusqlite::Statement<'c>,
    /// What a look-up found stored for the row being written.
    known: Known,
}

/// A stored snapshot row of the same household and month.
#[derive(Clone, Copy)]
struct Existing<'r> {
    batch: i64,
    line: i64,
    /// The county of its village when it may be another county's (None for a village no longer
    /// under a county, and when a look-up found it in the row's own county).
    county: Option<&'r str>,
    /// Whether every stored column equals the file's row (then nothing needs writing).
    same: bool,
}

impl<'c> HotStatements<'c> {
    /// The stored row of `row`'s household and month, compared with `row` when one is given.
    fn existing(
        &mut self,
        period: Period,
        id: &str,
        row: Option<&HouseholdRow>,
    ) -> Result<Option<Existing<'c>>> {
        if row.is_some() {
            match std::mem::take(&mut self.known) {
                // Found in a village of the row's own county: no other county to name.
                Known::Stored { batch, line, same } => {
                    return Ok(Some(Existing {
                        batch,
                        line,
                        county: None,
                        same,
                    }))
                }
                Known::Absent => return Ok(None),
                Known::Unknown => {}
            }
        }
        let regions: &'c RegionIndex = self.regions;
        Ok(self
            .existing
            .query_row(params![period, id], |r| {
                let village = r.get_ref(2)?.as_str()?;
                let county = regions.get(village).and_then(|(_, c)| c);
                Ok(Existing {
                    batch: r.get(0)?,
                    line: r.get(1)?,
                    county,
                    same: match row {
                        Some(row) => same_as_stored(r, row)?,
                        None => false,
                    },
                })
            })
            .optional()?)
    }

    fn file_of(&self, conn: &rusqlite::Connection, batch: i64) -> Result<String> {
        Ok(conn
            .prepare_cached(BATCH_FILE)?
            .query_row([batch], |r| r.get(0))
            .optional()?
            .unwrap_or_default())
    }
}

/// Whether the stored row (as `EXISTING_SNAPSHOT_ROW` reads it) holds exactly what `row` would
/// write. Only a provable match counts: a value of another storage type compares as a change, and
/// the update (whose WHERE clause keeps identical rows untouched) decides.
pub(super) fn same_as_stored(r: &rusqlite::Row, row: &HouseholdRow) -> rusqlite::Result<bool> {
    use rusqlite::types::ValueRef;
    let text = |i: usize, want: Option<&str>| -> rusqlite::Result<bool> {
        Ok(match (r.get_ref(i)?, want) {
            (ValueRef::Null, None) => true,
            (ValueRef::Text(t), Some(w)) => t == w.as_bytes(),
            _ => false,
        })
    };
    let integer = |i: usize, want: Option<i64>| -> rusqlite::Result<bool> {
        Ok(match (r.get_ref(i)?, want) {
            (ValueRef::Null, None) => true,
            (ValueRef::Integer(v), Some(w)) => v == w,
            _ => false,
        })
    };
    let income = matches!(r.get_ref(11)?, ValueRef::Real(v) if v == row.income);
    let mut same = income
        && text(2, Some(&row.village))?
        && text(3, row.head_name)?
        && text(4, row.id_hash.as_deref())?
        && text(5, row.id_masked.as_deref())?
        && integer(6, Some(row.size))?
        && text(7, row.category)?
        && text(8, row.cause)?
        && text(9, Some(row.status.code()))?
        && integer(10, row.exit_year)?
        && text(17, row.category_as_written)?
        && integer(18, row.policy_support.map(i64::from))?
        && text(19, row.monitoring_kind.map(|k| k.code()))?;
    for (i, flag) in row.flags.iter().enumerate() {
        same = same && integer(12 + i, flag.map(i64::from))?;
    }
    Ok(same)
}

/// What writing a valid row did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kept {
    Inserted,
    Updated,
    Unchanged,
}

/// Write one valid row. Returns None when the row turned out to be invalid (a duplicate).
fn write_row(
    ctx: &Context,
    hot: &mut HotStatements,
    replacing: bool,
    row: &HouseholdRow,
    line: u64,
    problems: &mut Problems,
) -> Result<Option<Kept>> {
    let (period, county) = (row.period, row.county.as_str());
    let id: &str = &row.id;
    let id_col = HOUSEHOLDS[households::ID].zh;
    let village: &str = &row.village;
    let values = params![
        period,
        id,
        village,
        row.head_name,
        row.id_hash,
        row.id_masked,
        row.size,
        row.category,
        row.cause,
        row.status,
        row.exit_year,
        row.income,
        row.flags[0],
        row.flags[1],
        row.flags[2],
        row.flags[3],
        row.flags[4],
        ctx.batch_id,
        line as i64,
        row.category_as_written,
        row.policy_support,
        row.monitoring_kind,
    ];
    if !replacing {
        return match hot.insert_snapshot.execute(values) {
            Ok(_) => {
                problems.summary.inserted += 1;
                Ok(Some(Kept::Inserted))
            }
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == ErrorCode::ConstraintViolation =>
            {
                conflict(hot, ctx, period, county, id, line, id_col, problems)?;
                Ok(None)
            }
            Err(e) => Err(e.into()),
        };
    }
    // Replacing an earlier snapshot: detect duplicates in this file with the numbers seen so far
    // (an unchanged row keeps its old batch, so the database cannot tell).
    if let Some(first) = hot.seen.insert(id, line) {
        problems.add(
            line,
            Some(id_col),
            format!("户编号 {id:?} 在本文件中重复（第 {first} 行已出现）"),
        );
        return Ok(None);
    }
    let existing = hot.existing(period, id, Some(row))?;
    if let Some(e) = &existing {
        if let Some(other_county) = e.county.filter(|c| *c != county) {
            let file = hot.file_of(ctx.conn, e.batch)?;
            problems.add(
                line,
                Some(id_col),
                format!(
                    "户编号 {id:?} 已在县 {other_county} 的同期台账中（{file}），不能由本文件改写"
                ),
            );
            return Ok(None);
        }
        if e.same {
            // Most of a correction: the row as it was, left untouched with its provenance.
            problems.summary.unchanged += 1;
            return Ok(Some(Kept::Unchanged));
        }
    }
    if existing.is_none() {
        // New in this month's register (the seen-table ruled out a duplicate of this file).
        hot.insert_snapshot.execute(values)?;
        problems.summary.inserted += 1;
        return Ok(Some(Kept::Inserted));
    }
    Ok(Some(match hot.update_snapshot.execute(values)? {
        0 => {
            problems.summary.unchanged += 1;
            Kept::Unchanged
        }
        _ => {
            problems.summary.updated += 1;
            Kept::Updated
        }
    }))
}

/// The line of this file that already wrote `id` for the month, if any.
fn first_line_in_batch(
    hot: &HotStatements,
    ctx: &Context,
    period: Option<Period>,
    id: &str,
) -> Result<Option<i64>> {
    if let Some(line) = hot.seen.line_of(id) {
        return Ok(Some(line as i64));
    }
    let Some(period) = period else {
        return Ok(None);
    };
    Ok(ctx
        .conn
        .prepare_cached(LINE_IN_BATCH)?
        .query_row(params![period, id, ctx.batch_id], |r| r.get(0))
        .optional()?)
}

const LINE_IN_BATCH: &str =
    "SELECT line FROM household_snapshot WHERE period = ?1 AND household_id = ?2 AND batch_id = ?3";

/// A snapshot row for this household and month already exists: a duplicate line of this file, or a
/// household another county's snapshot already lists.
#[allow(clippy::too_many_arguments)]
fn conflict(
    hot: &mut HotStatements,
    ctx: &Context,
    period: Period,
    county: &str,
    id: &str,
    line: u64,
    id_col: &str,
    problems: &mut Problems,
) -> Result<()> {
    match hot.existing(period, id, None)? {
        Some(e) if e.batch == ctx.batch_id => problems.add(
            line,
            Some(id_col),
            format!("户编号 {id:?} 在本文件中重复（第 {} 行已出现）", e.line),
        ),
        Some(e) => {
            let file = hot.file_of(ctx.conn, e.batch)?;
            problems.add(
                line,
                Some(id_col),
                format!(
                    "户编号 {id:?} 已在县 {} 的同期台账中（{file}），不能由县 {county} 的文件改写",
                    e.county.unwrap_or_default()
                ),
            )
        }
        None => problems.add(line, Some(id_col), format!("户编号 {id:?} 无法写入")),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every statement a correction runs once per row is a handful of primary-key look-ups: no
    /// scan, no view built per row (the cost that made a correction rows × regions).
    #[test]
    fn per_row_statements_of_a_correction_only_search_by_key() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        crate::db::migrate::migrate(&conn).unwrap();
        for sql in [
            EXISTING_SNAPSHOT_ROW,
            UPDATE_SNAPSHOT,
            INSERT_SNAPSHOT,
            LINE_IN_BATCH,
            evidence::UPSERT_EVIDENCE,
            evidence::DELETE_OTHER_EVIDENCE,
        ] {
            let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
            // Unbound parameters are NULL: the plan does not depend on them.
            let mut rows = stmt.raw_query();
            let mut plan: Vec<String> = Vec::new();
            while let Some(r) = rows.next().unwrap() {
                plan.push(r.get(3).unwrap());
            }
            for step in &plan {
                assert!(
                    step.starts_with("SEARCH"),
                    "{step:?} in the plan of a per-row statement:\n{sql}\n{plan:#?}"
                );
            }
        }
    }
}
