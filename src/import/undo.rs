//! `tuopin import undo BATCH_ID`: remove exactly what one import batch wrote and restore what it
//! replaced, from the history the triggers kept. The undo itself is recorded in history too.

use anyhow::{anyhow, bail, Result};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

/// What an undo did, per table.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Undone {
    pub file_name: String,
    pub removed: u64,
    pub restored: u64,
}

const BATCH: &str = "SELECT kind, file_name, undone_at FROM import_batch WHERE id = ?1";

// A later batch that overwrote or removed rows this batch wrote: undoing this one first would
// resurrect values the later batch replaced.
const LATER_CHANGES: &str = "SELECT DISTINCT h.changed_by FROM history h
     JOIN import_batch b ON b.id = h.changed_by AND b.undone_at IS NULL
     WHERE h.changed_by > ?1 AND json_extract(h.old_row, '$.batch_id') = ?1
     ORDER BY h.changed_by";

/// One table's undo statements: put back rows the batch overwrote, remove rows it inserted, put
/// back rows it deleted.
struct TableUndo {
    restore_updated: &'static str,
    remove_inserted: &'static str,
    reinsert_deleted: &'static str,
}

const HOUSEHOLD_SNAPSHOT: TableUndo = TableUndo {
    restore_updated: "UPDATE household_snapshot AS t SET
            village_code = json_extract(h.old_row, '$.village_code'), head_name = json_extract(h.old_row, '$.head_name'),
            id_hash = json_extract(h.old_row, '$.id_hash'), id_masked = json_extract(h.old_row, '$.id_masked'),
            size = json_extract(h.old_row, '$.size'),
            category = json_extract(h.old_row, '$.category'), cause = json_extract(h.old_row, '$.cause'),
            status = json_extract(h.old_row, '$.status'),
            exit_year = json_extract(h.old_row, '$.exit_year'),
            income_per_capita = json_extract(h.old_row, '$.income_per_capita'),
            food_clothing_ok = json_extract(h.old_row, '$.food_clothing_ok'),
            education_ok = json_extract(h.old_row, '$.education_ok'), medical_ok = json_extract(h.old_row, '$.medical_ok'),
            housing_safe = json_extract(h.old_row, '$.housing_safe'), water_safe = json_extract(h.old_row, '$.water_safe'),
            batch_id = json_extract(h.old_row, '$.batch_id'), line = json_extract(h.old_row, '$.line'),
            category_as_written = json_extract(h.old_row, '$.category_as_written'),
            policy_support = json_extract(h.old_row, '$.policy_support'),
            monitoring_kind = json_extract(h.old_row, '$.monitoring_kind')
         FROM history h
         WHERE h.changed_by = ?1 AND h.table_name = 'household_snapshot' AND h.action = 'update'
           AND t.period = json_extract(h.old_row, '$.period') AND t.household_id = json_extract(h.old_row, '$.household_id')",
    remove_inserted: "DELETE FROM household_snapshot WHERE batch_id = ?1",
    reinsert_deleted: "INSERT INTO household_snapshot
            (period, household_id, village_code, head_name, id_hash, id_masked, size, category, cause,
             status, exit_year, income_per_capita, food_clothing_ok, education_ok, medical_ok, housing_safe,
             water_safe, batch_id, line, category_as_written, policy_support, monitoring_kind)
         SELECT json_extract(old_row, '$.period'), json_extract(old_row, '$.household_id'),
            json_extract(old_row, '$.village_code'), json_extract(old_row, '$.head_name'),
            json_extract(old_row, '$.id_hash'), json_extract(old_row, '$.id_masked'), json_extract(old_row, '$.size'), json_extract(old_row, '$.category'),
            json_extract(old_row, '$.cause'), json_extract(old_row, '$.status'),
            json_extract(old_row, '$.exit_year'), json_extract(old_row, '$.income_per_capita'),
            json_extract(old_row, '$.food_clothing_ok'), json_extract(old_row, '$.education_ok'),
            json_extract(old_row, '$.medical_ok'), json_extract(old_row, '$.housing_safe'),
            json_extract(old_row, '$.water_safe'), json_extract(old_row, '$.batch_id'), json_extract(old_row, '$.line'),
            json_extract(old_row, '$.category_as_written'), json_extract(old_row, '$.policy_support'),
            json_extract(old_row, '$.monitoring_kind')
         FROM history WHERE changed_by = ?1 AND table_name = 'household_snapshot' AND action = 'delete' ORDER BY id",
};

// The member rows behind failed standards of a national export's households (migration 5).
const HOUSEHOLD_EVIDENCE: TableUndo = TableUndo {
    restore_updated: "UPDATE household_evidence AS t SET
            line = json_extract(h.old_row, '$.line'), relation = json_extract(h.old_row, '$.relation'),
            column_name = json_extract(h.old_row, '$.column_name'), value = json_extract(h.old_row, '$.value'),
            batch_id = json_extract(h.old_row, '$.batch_id')
         FROM history h
         WHERE h.changed_by = ?1 AND h.table_name = 'household_evidence' AND h.action = 'update'
           AND t.period = json_extract(h.old_row, '$.period') AND t.household_id = json_extract(h.old_row, '$.household_id')
           AND t.standard = json_extract(h.old_row, '$.standard')",
    remove_inserted: "DELETE FROM household_evidence WHERE batch_id = ?1",
    reinsert_deleted: "INSERT INTO household_evidence
            (period, household_id, standard, line, relation, column_name, value, batch_id)
         SELECT json_extract(old_row, '$.period'), json_extract(old_row, '$.household_id'),
            json_extract(old_row, '$.standard'), json_extract(old_row, '$.line'), json_extract(old_row, '$.relation'),
            json_extract(old_row, '$.column_name'), json_extract(old_row, '$.value'), json_extract(old_row, '$.batch_id')
         FROM history WHERE changed_by = ?1 AND table_name = 'household_evidence' AND action = 'delete' ORDER BY id",
};

const REGISTER_SNAPSHOT: TableUndo = TableUndo {
    restore_updated: "UPDATE register_snapshot AS t SET
            batch_id = json_extract(h.old_row, '$.batch_id'), households = json_extract(h.old_row, '$.households')
         FROM history h
         WHERE h.changed_by = ?1 AND h.table_name = 'register_snapshot' AND h.action = 'update'
           AND t.county_code = json_extract(h.old_row, '$.county_code') AND t.period = json_extract(h.old_row, '$.period')",
    remove_inserted: "DELETE FROM register_snapshot WHERE batch_id = ?1",
    reinsert_deleted: "INSERT INTO register_snapshot (county_code, period, batch_id, households)
         SELECT json_extract(old_row, '$.county_code'), json_extract(old_row, '$.period'),
                json_extract(old_row, '$.batch_id'), json_extract(old_row, '$.households')
         FROM history WHERE changed_by = ?1 AND table_name = 'register_snapshot' AND action = 'delete' ORDER BY id",
};

const INDICATOR_VALUE: TableUndo = TableUndo {
    restore_updated: "UPDATE indicator_value AS t SET
            value = json_extract(h.old_row, '$.value'), qualifier = json_extract(h.old_row, '$.qualifier'),
            value_high = json_extract(h.old_row, '$.value_high'), note = json_extract(h.old_row, '$.note'),
            batch_id = json_extract(h.old_row, '$.batch_id'), line = json_extract(h.old_row, '$.line'),
            quote_id = json_extract(h.old_row, '$.quote_id')
         FROM history h
         WHERE h.changed_by = ?1 AND h.table_name = 'indicator_value' AND h.action = 'update'
           AND t.region_code = json_extract(h.old_row, '$.region_code')
           AND t.indicator_code = json_extract(h.old_row, '$.indicator_code')
           AND t.period = json_extract(h.old_row, '$.period')",
    remove_inserted: "DELETE FROM indicator_value WHERE batch_id = ?1",
    reinsert_deleted: "INSERT INTO indicator_value
            (region_code, indicator_code, period, value, qualifier, value_high, note, batch_id, line, quote_id)
         SELECT json_extract(old_row, '$.region_code'), json_extract(old_row, '$.indicator_code'),
            json_extract(old_row, '$.period'), json_extract(old_row, '$.value'), json_extract(old_row, '$.qualifier'),
            json_extract(old_row, '$.value_high'), json_extract(old_row, '$.note'), json_extract(old_row, '$.batch_id'),
            json_extract(old_row, '$.line'), json_extract(old_row, '$.quote_id')
         FROM history WHERE changed_by = ?1 AND table_name = 'indicator_value' AND action = 'delete' ORDER BY id",
};

const RESTORE_REGIONS: &str = "UPDATE region AS t SET
        name = json_extract(h.old_row, '$.name'), parent_code = json_extract(h.old_row, '$.parent_code'),
        poverty_registered = json_extract(h.old_row, '$.poverty_registered'),
        planned_exit_year = json_extract(h.old_row, '$.planned_exit_year'),
        code_official = json_extract(h.old_row, '$.code_official'),
        batch_id = json_extract(h.old_row, '$.batch_id'), line = json_extract(h.old_row, '$.line'),
        quote_id = json_extract(h.old_row, '$.quote_id')
     FROM history h
     WHERE h.changed_by = ?1 AND h.table_name = 'region' AND h.action = 'update'
       AND t.code = json_extract(h.old_row, '$.code')";

// The regions whose earlier row (parent included) the batch overwrote.
const REGIONS_RESTORED: &str = "SELECT json_extract(old_row, '$.code') FROM history
     WHERE changed_by = ?1 AND table_name = 'region' AND action = 'update'";

// Foreign keys are checked at the end of the statement, so children and parents go together.
const REMOVE_REGIONS: &str = "DELETE FROM region WHERE batch_id = ?1";

/// Undo one import batch in one transaction.
pub fn undo(conn: &mut Connection, batch_id: i64) -> Result<Undone> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let (kind, file_name, undone_at): (String, String, Option<String>) = tx
        .query_row(BATCH, [batch_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?
        .ok_or_else(|| anyhow!("导入批次 {batch_id} 不存在 (no such batch)"))?;
    if kind == "reference" {
        bail!("批次 {batch_id}（{file_name}）是 init 载入的参考数据，不能撤销；如需修改请用 init --data");
    }
    if let Some(at) = undone_at {
        bail!("批次 {batch_id}（{file_name}）已于 {at} 撤销");
    }
    let later: Vec<i64> = tx
        .prepare(LATER_CHANGES)?
        .query_map([batch_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if !later.is_empty() {
        let list: Vec<String> = later.iter().map(|b| b.to_string()).collect();
        bail!(
            "批次 {batch_id} 写入的数据已被之后的批次 {} 修改；请先撤销这些批次 (later batches changed its rows)",
            list.join("、")
        );
    }
    crate::model::history::set_change_context(&tx, None, &format!("undo {batch_id}"))?;
    let mut done = Undone {
        file_name,
        ..Undone::default()
    };
    let run = |sql: &str| -> Result<u64> {
        tx.execute(sql, params![batch_id])
            .map(|n| n as u64)
            .map_err(|e| anyhow!("撤销批次 {batch_id} 失败（其数据可能已被后续导入引用）: {e}"))
    };
    // Regions go last: the rows above may refer to regions this batch created.
    for t in [
        &HOUSEHOLD_SNAPSHOT,
        &HOUSEHOLD_EVIDENCE,
        &REGISTER_SNAPSHOT,
        &INDICATOR_VALUE,
    ] {
        done.restored += run(t.restore_updated)?;
        done.removed += run(t.remove_inserted)?;
    }
    done.restored += run(INDICATOR_VALUE.reinsert_deleted)?;
    done.restored += run(HOUSEHOLD_SNAPSHOT.reinsert_deleted)?;
    done.restored += run(HOUSEHOLD_EVIDENCE.reinsert_deleted)?;
    done.restored += run(REGISTER_SNAPSHOT.reinsert_deleted)?;
    // Putting regions back under their old parents must not take households out of the county
    // register that counts them (a village moved, then registered in its new county).
    let moved: Vec<String> = tx
        .prepare(REGIONS_RESTORED)?
        .query_map([batch_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let before = crate::import::moves::before(&tx, &moved)?;
    done.restored += run(RESTORE_REGIONS)?;
    done.removed += run(REMOVE_REGIONS)?;
    if let Some(orphaning) = crate::import::moves::orphaned(&tx, &before)?.first() {
        bail!(
            "撤销批次 {batch_id} 会把区划改回原来的上级：{}",
            orphaning.message()
        );
    }
    tx.execute(
        "UPDATE import_batch SET undone_at = ?2 WHERE id = ?1",
        params![batch_id, crate::db::batch::now_utc()],
    )?;
    crate::model::history::set_change_context(&tx, None, "")?;
    tx.commit()?;
    Ok(done)
}
