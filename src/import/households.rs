//! The household register snapshot (建档立卡台账): one file is one month of one or more counties.
//!
//! A county's first snapshot of a month is written with plain inserts (the fast path of the monthly
//! import). A corrected file for a county and month that already has a snapshot replaces it: changed
//! rows are updated, households it no longer lists are removed and reported; the history triggers
//! keep every replaced row.

mod validate;

use std::collections::HashMap;

use anyhow::Result;
use rusqlite::{params, Connection, ErrorCode, OptionalExtension};

use crate::import::contract::{households, HOUSEHOLDS};
use crate::import::reader::{
    read_header, warn_unknown_columns, Context, Problems, RegionIndex, Rows, MAX_ERRORS,
};
use crate::model::period::Period;

use validate::{validate_row, Checked, HouseholdRow, Rules};

const INSERT_SNAPSHOT: &str = "INSERT INTO household_snapshot
        (period, household_id, village_code, head_name, id_hash, id_masked, size, category, cause, status,
         exit_year, income_per_capita, food_clothing_ok, education_ok, medical_ok, housing_safe, water_safe,
         batch_id, line, category_as_written, policy_support, monitoring_kind)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)";

// Used when the county already has a snapshot for the month: the WHERE keeps identical rows (and
// their provenance) untouched, so history records only real changes.
const UPSERT_SNAPSHOT: &str = "INSERT INTO household_snapshot
        (period, household_id, village_code, head_name, id_hash, id_masked, size, category, cause, status,
         exit_year, income_per_capita, food_clothing_ok, education_ok, medical_ok, housing_safe, water_safe,
         batch_id, line, category_as_written, policy_support, monitoring_kind)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)
     ON CONFLICT (period, household_id) DO UPDATE SET
        village_code = excluded.village_code, head_name = excluded.head_name, id_hash = excluded.id_hash,
        id_masked = excluded.id_masked, size = excluded.size, category = excluded.category,
        cause = excluded.cause, status = excluded.status, exit_year = excluded.exit_year,
        income_per_capita = excluded.income_per_capita, food_clothing_ok = excluded.food_clothing_ok,
        education_ok = excluded.education_ok, medical_ok = excluded.medical_ok,
        housing_safe = excluded.housing_safe, water_safe = excluded.water_safe,
        batch_id = excluded.batch_id, line = excluded.line,
        category_as_written = excluded.category_as_written, policy_support = excluded.policy_support,
        monitoring_kind = excluded.monitoring_kind
     WHERE (village_code, head_name, id_hash, id_masked, size, category, cause, status, exit_year,
            income_per_capita, food_clothing_ok, education_ok, medical_ok, housing_safe, water_safe,
            category_as_written, policy_support, monitoring_kind) IS NOT
           (excluded.village_code, excluded.head_name, excluded.id_hash, excluded.id_masked, excluded.size, excluded.category, excluded.cause, excluded.status,
            excluded.exit_year, excluded.income_per_capita, excluded.food_clothing_ok, excluded.education_ok,
            excluded.medical_ok, excluded.housing_safe, excluded.water_safe,
            excluded.category_as_written, excluded.policy_support, excluded.monitoring_kind)";

const EXISTING_SNAPSHOT_ROW: &str =
    "SELECT s.batch_id, s.line, rc.county_code, b.file_name FROM household_snapshot s
     JOIN import_batch b ON b.id = s.batch_id
     LEFT JOIN region_county rc ON rc.code = s.village_code
     WHERE s.period = ?1 AND s.household_id = ?2";

const HAS_SNAPSHOT: &str = "SELECT 1 FROM register_snapshot WHERE county_code = ?1 AND period = ?2";

const CREATE_SEEN: &str = "CREATE TEMP TABLE IF NOT EXISTS import_seen (
        household_id TEXT PRIMARY KEY, line INTEGER NOT NULL) WITHOUT ROWID;
     DELETE FROM temp.import_seen;";

const INSERT_SEEN: &str = "INSERT INTO temp.import_seen (household_id, line) VALUES (?1, ?2)
     ON CONFLICT (household_id) DO NOTHING";

const SEEN_LINE: &str = "SELECT line FROM temp.import_seen WHERE household_id = ?1";

// Households of the earlier snapshot of a county and month that the corrected file does not list.
const MISSING_FROM_CORRECTION: &str = "SELECT s.household_id FROM household_snapshot s
     JOIN region_county rc ON rc.code = s.village_code
     WHERE s.period = ?1 AND rc.county_code = ?2 AND s.batch_id <> ?3
       AND s.household_id NOT IN (SELECT household_id FROM temp.import_seen)
     ORDER BY s.household_id";

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

pub(super) fn import(
    ctx: &Context,
    csv: &mut csv::Reader<Box<dyn std::io::Read>>,
    problems: &mut Problems,
) -> Result<u64> {
    let conn = ctx.conn;
    let has_period_option = ctx.opts.period.is_some();
    let (header, unknown) = read_header(
        ctx,
        csv,
        HOUSEHOLDS,
        |c| c.en == "period" && has_period_option,
        problems,
    )?;
    warn_unknown_columns(ctx, &unknown, problems);
    let regions = RegionIndex::load(conn)?;
    let salt: String = crate::db::setting(conn, "id_salt")?.unwrap_or_default();
    let rules = Rules {
        header: &header,
        regions: &regions,
        opts: ctx.opts,
        salt: &salt,
    };
    conn.execute_batch(CREATE_SEEN)?;
    let mut hot = HotStatements {
        insert_snapshot: conn.prepare(INSERT_SNAPSHOT)?,
    };

    let mut counties: HashMap<String, CountyState> = HashMap::new();
    let mut file_period: Option<Period> = None;
    // Ids of invalid rows (which are not written) → their line, to catch duplicates of them.
    let mut invalid_ids: HashMap<String, u64> = HashMap::new();
    let mut written = 0u64;
    let mut rows = Rows::new(csv);
    while let Some(line) = rows.advance(ctx, problems)? {
        let record = &rows.record;
        let Checked { period, row } = validate_row(record, line, file_period, &rules, problems);
        file_period = file_period.or(period);

        // Duplicates involving an invalid row: valid rows find each other through the database.
        let id = header.cell(record, households::ID);
        let id_column = header.name(households::ID);
        if !id.is_empty() {
            if let Some(first) = invalid_ids.get(id) {
                problems.add(
                    line,
                    Some(id_column),
                    format!("户编号 {id:?} 在本文件中重复（第 {first} 行已出现）"),
                );
            } else if problems.row_failed() {
                if let Some(first) = first_line_in_batch(ctx, file_period.or(period), id)? {
                    problems.add(
                        line,
                        Some(id_column),
                        format!("户编号 {id:?} 在本文件中重复（第 {first} 行已出现）"),
                    );
                }
                if invalid_ids.len() < MAX_ERRORS {
                    invalid_ids.insert(id.to_string(), line);
                }
            }
        }
        if problems.row_failed() {
            continue;
        }
        let Some(row) = row else {
            continue;
        };
        let state = match counties.get_mut(&row.county) {
            Some(s) => s,
            None => {
                let replacing = conn
                    .prepare_cached(HAS_SNAPSHOT)?
                    .exists(params![row.county, row.period])?;
                counties.entry(row.county.clone()).or_insert(CountyState {
                    replacing,
                    households: 0,
                })
            }
        };
        if write_row(ctx, &mut hot, state.replacing, &row, line, problems)? {
            state.households += 1;
            written += 1;
        }
    }

    if let Some(p) = file_period {
        problems.summary.periods.push(p);
    }
    if problems.any() {
        return Ok(0);
    }
    let Some(period) = file_period else {
        return Ok(0);
    };
    let mut county_codes: Vec<&String> = counties.keys().collect();
    county_codes.sort();
    for county in county_codes {
        let state = &counties[county];
        if state.replacing {
            let missing: Vec<String> = conn
                .prepare_cached(MISSING_FROM_CORRECTION)?
                .query_map(params![period, county, ctx.batch_id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for id in &missing {
                conn.prepare_cached(DELETE_SNAPSHOT_ROW)?
                    .execute(params![period, id])?;
            }
            problems.summary.missing_households.extend(missing);
        }
        conn.prepare_cached(UPSERT_REGISTER)?.execute(params![
            county,
            period,
            ctx.batch_id,
            state.households as i64
        ])?;
    }
    Ok(written)
}

/// The statements run for every row, prepared once (a statement-cache look-up per row shows up in
/// a million-row import).
struct HotStatements<'c> {
    insert_snapshot: rusqlite::Statement<'c>,
}

/// Write one valid row. Returns false when the row turned out to be invalid (a duplicate).
fn write_row(
    ctx: &Context,
    hot: &mut HotStatements,
    replacing: bool,
    row: &HouseholdRow,
    line: u64,
    problems: &mut Problems,
) -> Result<bool> {
    let conn = ctx.conn;
    let (period, county) = (row.period, row.county.as_str());
    let id_col = HOUSEHOLDS[households::ID].zh;
    let values = params![
        period,
        row.id,
        row.village,
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
                Ok(true)
            }
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == ErrorCode::ConstraintViolation =>
            {
                conflict(conn, ctx, period, county, row.id, line, id_col, problems)?;
                Ok(false)
            }
            Err(e) => Err(e.into()),
        };
    }
    // Replacing an earlier snapshot: detect duplicates in this file with the seen-table.
    let first_line: Option<i64> = {
        let inserted = conn
            .prepare_cached(INSERT_SEEN)?
            .execute(params![row.id, line as i64])?;
        if inserted == 0 {
            conn.prepare_cached(SEEN_LINE)?
                .query_row([row.id], |r| r.get(0))
                .optional()?
        } else {
            None
        }
    };
    if let Some(first) = first_line {
        problems.add(
            line,
            Some(id_col),
            format!("户编号 {:?} 在本文件中重复（第 {first} 行已出现）", row.id),
        );
        return Ok(false);
    }
    let existing: Option<(i64, i64, Option<String>, String)> = conn
        .prepare_cached(EXISTING_SNAPSHOT_ROW)?
        .query_row(params![period, row.id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    if let Some((_, _, Some(other_county), file)) = &existing {
        if other_county != county {
            problems.add(
                line,
                Some(id_col),
                format!(
                    "户编号 {:?} 已在县 {other_county} 的同期台账中（{file}），不能由本文件改写",
                    row.id
                ),
            );
            return Ok(false);
        }
    }
    let changed = conn.prepare_cached(UPSERT_SNAPSHOT)?.execute(values)?;
    match (existing.is_some(), changed) {
        (false, _) => problems.summary.inserted += 1,
        (true, 0) => problems.summary.unchanged += 1,
        (true, _) => problems.summary.updated += 1,
    }
    Ok(true)
}

/// The line of this file that already wrote `id` for the month, if any.
fn first_line_in_batch(ctx: &Context, period: Option<Period>, id: &str) -> Result<Option<i64>> {
    if let Some(line) = ctx
        .conn
        .prepare_cached(SEEN_LINE)?
        .query_row([id], |r| r.get(0))
        .optional()?
    {
        return Ok(Some(line));
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
    conn: &Connection,
    ctx: &Context,
    period: Period,
    county: &str,
    id: &str,
    line: u64,
    id_col: &str,
    problems: &mut Problems,
) -> Result<()> {
    let existing: Option<(i64, i64, Option<String>, String)> = conn
        .prepare_cached(EXISTING_SNAPSHOT_ROW)?
        .query_row(params![period, id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    match existing {
        Some((batch, first, _, _)) if batch == ctx.batch_id => problems.add(
            line,
            Some(id_col),
            format!("户编号 {id:?} 在本文件中重复（第 {first} 行已出现）"),
        ),
        Some((_, _, other, file)) => problems.add(
            line,
            Some(id_col),
            format!(
                "户编号 {id:?} 已在县 {} 的同期台账中（{file}），不能由县 {county} 的文件改写",
                other.unwrap_or_default()
            ),
        ),
        None => problems.add(line, Some(id_col), format!("户编号 {id:?} 无法写入")),
    }
    Ok(())
}
