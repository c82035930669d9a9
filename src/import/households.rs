//! The household register snapshot (建档立卡台账): one file is one month of one or more counties,
//! in the contract's form (one row per household, `validate`) or as the national system exports
//! it (one row per person, places by name: `national`), told apart by the header.
//!
//! A county's first snapshot of a month is written with plain inserts (the fast path of the monthly
//! import). A corrected file for a county and month that already has a snapshot replaces it: changed
//! rows are updated, households it no longer lists are removed and reported; the history triggers
//! keep every replaced row (`writer`). A correction costs about what a first import costs: each row
//! is a few primary-key look-ups, and the county of a stored row comes from the in-memory region
//! index, not from the `region_county` view (which SQLite would build again for every row).
//!
//! Both forms are read and validated on one thread while the rows are written on another
//! (`pipeline`), inside the import's one transaction.

mod national;
mod pipeline;
mod seen;
mod validate;
mod writer;

use std::collections::HashMap;

use anyhow::Result;

use crate::import::contract::{households, HOUSEHOLDS};
use crate::import::layout::Table;
use crate::import::reader::{
    read_header, warn_unknown_columns, Context, Problems, RegionIndex, Rows, MAX_ERRORS,
};
use crate::import::summary::Summary;
use crate::model::period::Period;

use pipeline::Side;
use validate::{validate_row, Checked, Rules};
use writer::Writer;

pub(super) fn import(ctx: &Context, table: &mut Table, problems: &mut Problems) -> Result<u64> {
    if national::is_national(&table.header) {
        return national::import(ctx, table, problems);
    }
    let conn = ctx.conn;
    let has_period_option = ctx.opts.period.is_some();
    let (header, unknown) = read_header(
        table,
        HOUSEHOLDS,
        |c| c.en == "period" && has_period_option,
        problems,
    )?;
    warn_unknown_columns(table, &unknown, problems);
    let regions = RegionIndex::load(conn)?;
    let salt: String = crate::db::setting(conn, "id_salt")?.unwrap_or_default();
    let rules = Rules {
        header: &header,
        regions: &regions,
        opts: ctx.opts,
        salt: &salt,
    };
    let mut writer = Writer::new(ctx, &regions)?;
    let progress = ctx.progress;
    let mut written = Summary::default();
    let mut side = Side::new(problems.sibling(&mut written));
    let file_period = pipeline::run(&mut writer, &mut side, |mut link| {
        let mut file_period: Option<Period> = None;
        // Ids of invalid rows (which are not written) → their line, to catch duplicates of them.
        let mut invalid_ids: HashMap<String, u64> = HashMap::new();
        let mut rows = Rows::new(table, &header);
        while let Some(line) = rows.advance_with(progress, problems)? {
            let record = &rows.record;
            let Checked { period, id, row } =
                validate_row(record, line, file_period, &rules, problems);
            file_period = file_period.or(period);

            // Duplicates involving an invalid row: valid rows find each other through the database.
            let id_column = header.name(households::ID);
            if let Some(id) = id.as_deref() {
                if let Some(first) = invalid_ids.get(id) {
                    problems.add(
                        line,
                        Some(id_column),
                        format!("户编号 {id:?} 在本文件中重复（第 {first} 行已出现）"),
                    );
                } else if problems.row_failed() {
                    if let (_, Some(first)) = link.earlier(file_period.or(period), id)? {
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
            link.write(&row, line, Vec::new(), 1, line, problems)?;
        }
        link.finish()?;
        Ok(file_period)
    })?;
    let at = side.into_positions();
    pipeline::merge(problems.summary, written, at);

    if let Some(p) = file_period {
        problems.summary.periods.push(p);
    }
    writer.finish(file_period, problems)
}
