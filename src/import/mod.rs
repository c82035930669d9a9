//! `tuopin import`: county-office files (CSV, or .xlsx/.xls/.ods workbooks) into the database, one
//! file per transaction.
//!
//! Every file is validated whole: all invalid rows are collected (line as the spreadsheet shows it,
//! column header, value, reason), and a file with any invalid row writes nothing. A byte-identical
//! re-import is recognised by its SHA-256 and changes nothing, as long as what that earlier import
//! wrote is still in force: after a correction replaced it, the original is a correction again.
//!
//! A file goes through `source` (digest, CSV or workbook by its bytes; a CSV's encoding from
//! `encoding` and a bounded UTF-8 reader), `workbook` for a workbook (the sheet, its cells with
//! their kinds), `layout` (the header found under title rows; total and note rows told apart),
//! then `header` (columns of the `contract` found by name), `cells` (checks by cell kind) and the
//! importer of its kind (`households`, `indicators`, `regions`, sharing `reader`), into a
//! `summary`. `reference` loads the reference data of `init`; `undo` removes a batch; `moves` refuses a
//! regions file or undo that would take villages with households into another county; `criteria`
//! reads and writes a whole set of exit criteria (not a batch: the set is replaced, its changes kept
//! in history); `template` writes the fill-in workbook of `tuopin template --xlsx`.

mod cells;
pub mod contract;
pub mod criteria;
pub mod encoding;
pub mod header;
mod households;
mod indicators;
mod layout;
pub mod moves;
pub mod problem;
mod reader;
pub mod record_limit;
pub mod reference;
mod regions;
pub mod review;
pub mod source;
pub mod summary;
pub mod template;
mod two_threads;
pub mod undo;
mod workbook;

use std::borrow::Cow;
use std::path::Path;

use anyhow::{anyhow, Result};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use crate::db::batch::{self, NewBatch};
use crate::import::contract::Column;
use crate::import::header::header_key;
use crate::import::layout::{CsvRows, RowSource, Table};
use crate::import::reader::{Context, Fatal, Problems};
use crate::import::source::{FileInfo, Format};
use crate::import::workbook::Book;
use crate::model::region::Level;
use crate::output::privacy::redact_ids;

pub use reader::{Options, MAX_ERRORS};
pub use summary::Summary;
pub use undo::undo;
pub use workbook::in_parser as reading_workbook;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Households,
    Indicators,
    Regions,
}

impl Kind {
    pub fn code(self) -> &'static str {
        match self {
            Kind::Households => "households",
            Kind::Indicators => "indicators",
            Kind::Regions => "regions",
        }
    }

    /// The table whose rows say whether a batch of this kind is still in force (see `SUPERSEDED`).
    fn in_force_table(self) -> &'static str {
        match self {
            Kind::Households => "register_snapshot",
            Kind::Indicators => "indicator_value",
            Kind::Regions => "region",
        }
    }
}

// The latest live import of the same bytes as the same kind, and for the same --period if one is
// given (a file without 统计期 is a different month's data under another --period).
const FIND_SAME_FILE: &str = "SELECT id FROM import_batch
     WHERE sha256 = ?1 AND kind = ?2 AND undone_at IS NULL AND (?3 IS NULL OR period = ?3)
     ORDER BY id DESC LIMIT 1";

// Whether a later live batch replaced or removed something batch ?1 wrote into table ?2 (the
// history triggers keep the old row, naming its batch). A households batch is in force while its
// county-months' register_snapshot rows are its own: every later import of the same county and
// month rewrites that row. (`+h.changed_by` keeps SQLite on the table_name index: a register's
// history is a few rows per county and month, the later batches' history may be millions.)
const SUPERSEDED: &str = "SELECT EXISTS (SELECT 1 FROM history h
     JOIN import_batch b ON b.id = h.changed_by AND b.undone_at IS NULL
     WHERE h.table_name = ?2 AND +h.changed_by > ?1 AND json_extract(h.old_row, '$.batch_id') = ?1)";

// A workbook's batches name the sheet (`台账.xlsx [台账]`): the same bytes with another sheet are
// another import.
const FIND_SAME_WORKBOOK: &str = "SELECT id, file_name FROM import_batch
     WHERE sha256 = ?1 AND kind = ?2 AND undone_at IS NULL AND (?3 IS NULL OR period = ?3)
     ORDER BY id DESC";

/// Import one file. Problems in the data are reported in the summary (and nothing is written);
/// an Err means the database or the environment failed.
///
/// `progress` is called now and then with the number of (UTF-8) bytes read so far.
pub fn import_file(
    conn: &mut Connection,
    kind: Kind,
    path: &Path,
    opts: &Options,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Summary> {
    // Per-row foreign-key checks cost more than half of a large import. Every reference an
    // importer writes is validated in Rust against data read inside the same write transaction
    // (regions, enumerations, the household row written just before its snapshot, the batch row),
    // so enforcement is off for the import transaction only (it cannot change inside one); the
    // tests run `PRAGMA foreign_key_check` after imports to keep this honest.
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    // A correction updates rows one statement each, and each keeps a statement journal of the
    // pages it changes. Past 64 KiB SQLite moves that journal to a temporary file, written page
    // by page for the rest of the transaction: 0.4 s of system time of a 1,000,000-row correction
    // (issue 11). In memory it holds one statement's pages at a time.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    let result = import_unchecked(conn, kind, path, opts, progress);
    conn.pragma_update(None, "temp_store", "DEFAULT")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    result
}

fn import_unchecked(
    conn: &mut Connection,
    kind: Kind,
    path: &Path,
    opts: &Options,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Summary> {
    let file = path.display().to_string();
    let mut summary = Summary {
        file: file.clone(),
        dry_run: opts.dry_run,
        ..Summary::default()
    };
    if let Some(county) = &opts.county {
        match crate::model::region::find(conn, county)? {
            Some(r) if r.level == Level::County => {}
            _ => return Err(anyhow!("--county {county}: 不是已知的县级区划代码")),
        }
    }
    if let Some(p) = opts.period {
        p.check_reporting(crate::model::period::Period::current())
            .map_err(|e| anyhow!("--period {p}: {e}"))?;
    }
    let info = match source::inspect(path) {
        Ok(info) => info,
        Err(e) => {
            summary.fatal = Some(redact_ids(&format!("{e:#}")).into_owned());
            return Ok(summary);
        }
    };
    summary.encoding = info.encoding_name();
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.clone());
    let known = known_headers(conn, kind)?;
    let known = |h: &str| {
        let key = header_key(h);
        known.contains(&key)
    };

    // A workbook is opened and its sheet chosen first: the sheet is part of what the batch read.
    let mut book = None;
    let mut sheet = None;
    if info.format == Format::Csv {
        if let Some(want) = &opts.sheet {
            summary.warnings.push(format!(
                "{file}: CSV 文件没有工作表，--sheet {want} 已忽略 (--sheet ignored for CSV)"
            ));
        }
    } else {
        match open_sheet(path, &info, opts, &known, &file) {
            Ok((b, name)) => {
                book = Some(b);
                sheet = Some(name);
            }
            Err(e) => match e.downcast::<Fatal>() {
                Ok(Fatal(msg)) => {
                    summary.fatal = Some(redact_ids(&msg).into_owned());
                    return Ok(summary);
                }
                Err(e) => return Err(e),
            },
        }
    }
    summary.sheet = sheet.clone();
    let batch_name = match &sheet {
        Some(s) => format!("{file_name} [{s}]"),
        None => file_name,
    };

    // IMMEDIATE: take the write lock now, so a concurrent importer waits (busy timeout) here
    // rather than failing half-way.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let period = opts.period.map(|p| p.to_string());
    if let Some(id) = same_file(&tx, kind, &info, sheet.as_deref(), period.as_deref())? {
        let superseded: bool = tx.query_row(
            SUPERSEDED,
            rusqlite::params![id, kind.in_force_table()],
            |r| r.get(0),
        )?;
        if !superseded {
            summary.same_as_batch = Some(id);
            return Ok(summary);
        }
    }
    let batch_id = batch::create(
        &tx,
        &NewBatch {
            kind: kind.code(),
            file_name: &batch_name,
            sha256: &info.sha256,
            scope: opts.county.as_deref(),
            period: period.as_deref(),
        },
    )?;
    crate::model::history::set_change_context(
        &tx,
        Some(batch_id),
        &format!("import {}", kind.code()),
    )?;
    let ctx = Context {
        conn: &tx,
        batch_id,
        opts,
        progress,
    };
    let result = {
        let mut problems = Problems::new(&file, &mut summary, opts.show_names);
        if let Some(s) = &sheet {
            problems.set_sheet(s);
        }
        let rows: Result<Box<dyn RowSource + Send>> = match (&mut book, &sheet) {
            (Some(book), Some(s)) => book.rows(s, &file, info.bytes),
            _ => source::utf8_reader(path, &info)
                .map(|r| Box::new(CsvRows::new(r, &file)) as Box<dyn RowSource + Send>),
        };
        rows.and_then(|rows| Table::read(rows, &known))
            .and_then(|mut table| {
                problems.summary.header_line = table.header_line;
                match kind {
                    Kind::Households => households::import(&ctx, &mut table, &mut problems),
                    Kind::Indicators => indicators::import(&ctx, &mut table, &mut problems),
                    Kind::Regions => regions::import(&ctx, &mut table, &mut problems),
                }
            })
    };
    let written = match result {
        Ok(n) => n,
        Err(e) => match e.downcast::<Fatal>() {
            Ok(Fatal(msg)) => {
                summary.fatal = Some(redact_ids(&msg).into_owned());
                0
            }
            Err(e) => return Err(e),
        },
    };
    if summary.fatal.is_none() && summary.read == 0 && summary.invalid == 0 {
        // A header and nothing else is a mistake (the wrong sheet, a truncated export), not an
        // import of nothing.
        summary.fatal = Some(match &sheet {
            Some(s) => {
                format!("{file} [{s}]: 工作表只有表头，没有数据行；未写入任何数据 (no data rows)")
            }
            None => format!("{file}: 文件只有表头，没有数据行；未写入任何数据 (no data rows)"),
        });
    }
    for w in &mut summary.warnings {
        if let Cow::Owned(r) = redact_ids(w) {
            *w = r;
        }
    }
    crate::model::history::set_change_context(&tx, None, "")?;
    if summary.ok() && !opts.dry_run {
        batch::finish(&tx, batch_id, summary.read, written)?;
        if let [only] = summary.periods[..] {
            tx.execute(
                "UPDATE import_batch SET period = ?2 WHERE id = ?1",
                rusqlite::params![batch_id, only],
            )?;
        }
        summary.batch_id = Some(batch_id);
        tx.commit()?;
    }
    // Otherwise the transaction is dropped: rolled back, nothing written.
    Ok(summary)
}

/// The header names (as `header_key`s) of `kind`'s columns, by which its header row is found: the
/// contract's columns, and for indicators every catalogue indicator's code and name.
fn known_headers(conn: &Connection, kind: Kind) -> Result<Vec<String>> {
    let columns: Vec<&Column> = match kind {
        // The register in either form: the contract's, or the national system's export.
        Kind::Households => contract::HOUSEHOLDS
            .iter()
            .chain(contract::NATIONAL)
            .collect(),
        Kind::Regions => contract::REGIONS.iter().collect(),
        Kind::Indicators => contract::INDICATORS_LONG
            .iter()
            .chain(contract::INDICATORS_WIDE_KEYS)
            .collect(),
    };
    let mut keys: Vec<String> = columns
        .iter()
        .flat_map(|c| [header_key(c.zh), header_key(c.en)])
        .collect();
    if kind == Kind::Indicators {
        for ind in crate::model::indicator::catalogue(conn)? {
            keys.push(header_key(&ind.code));
            keys.push(header_key(&ind.name));
        }
    }
    Ok(keys)
}

/// Open a workbook and choose its sheet (`--sheet`, else the first with a recognised header).
fn open_sheet(
    path: &Path,
    info: &FileInfo,
    opts: &Options,
    known: &dyn Fn(&str) -> bool,
    file: &str,
) -> Result<(Book, String)> {
    let mut book = Book::open(path, info.format, file)?;
    let sheet = workbook::choose_sheet(&mut book, opts.sheet.as_deref(), known, file)?;
    Ok((book, sheet))
}

/// The batch that already imported these bytes as this kind (and, for a workbook, this sheet).
fn same_file(
    tx: &Connection,
    kind: Kind,
    info: &FileInfo,
    sheet: Option<&str>,
    period: Option<&str>,
) -> Result<Option<i64>> {
    let Some(sheet) = sheet else {
        return Ok(tx
            .query_row(
                FIND_SAME_FILE,
                rusqlite::params![info.sha256, kind.code(), period],
                |r| r.get(0),
            )
            .optional()?);
    };
    let suffix = format!(" [{sheet}]");
    let mut stmt = tx.prepare(FIND_SAME_WORKBOOK)?;
    let batches = stmt.query_map(rusqlite::params![info.sha256, kind.code(), period], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
    })?;
    for batch in batches {
        let (id, name) = batch?;
        if name.ends_with(&suffix) {
            return Ok(Some(id));
        }
    }
    Ok(None)
}
