//! The register's import on two threads (`import::two_threads`): one reads, decodes and validates the file (the caller's
//! closure, given a `Link`), the other (the caller's, which holds the connection and its write
//! transaction) only writes the valid rows (`Writer`). The rows go over a bounded channel in
//! chunks, so memory stays flat whatever the file's size, and the writer works while the next
//! rows are validated.
//!
//! What the file's validation learns from the database it asks over the same channel and waits
//! for the answer (the writer has then written every row sent before): whether a household
//! number was written by this file already (asked only when a filter of the numbers sent says it
//! may have been: most households never wait), and the provisional villages of `--add-villages`.
//!
//! The writer lists its problems (duplicates, another county's households) in a summary of its
//! own; each is tagged with how many problems validation had listed when its row was sent, so
//! `merge` puts them back where a single thread would have listed them: the same messages in the
//! same order, the same counts.

use std::any::Any;
use std::collections::HashMap;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};

use anyhow::{anyhow, Result};
use rusqlite::Connection;

use crate::import::reader::{Options, Problems, MAX_ERRORS};
use crate::import::summary::Summary;
use crate::import::two_threads::{self, Stopped};
use crate::model::evidence::Evidence;
use crate::model::household::{HouseholdStatus, MonitoringKind};
use crate::model::period::Period;

use super::validate::HouseholdRow;
use super::writer::{bulk, Known, StoredRows, Writer};

mod sent;
use sent::Sent;

/// Rows (or questions) per message: a channel operation per row would cost more than its insert.
const CHUNK: usize = 512;

/// Chunks in flight: enough to keep the writer busy while validation has a slow stretch, few
/// enough that memory does not depend on the file.
const QUEUE: usize = 4;

/// A valid row as the validating thread hands it over (its text owned: the record it came from
/// is read over by the next row).
struct Ready {
    row: OwnedRow,
    /// The line stored with the row (the head's row for the national export).
    line: u64,
    evidence: Vec<Evidence>,
    /// How many rows of the file count as invalid if the writer refuses it.
    rows: u64,
    /// The household's first line, remembered when the writer refuses it.
    first_line: u64,
    /// How many problems validation had added when the row was sent.
    at: usize,
    /// What validation's look-up found stored for it, if it looked (`StoredRows`).
    known: Known,
}

type Call = Box<dyn FnOnce(&Connection) -> Box<dyn Any + Send> + Send>;

// Nearly every job is a row: boxing them would add an allocation per row for nothing.
#[allow(clippy::large_enum_variant)]
enum Job {
    Write(Ready),
    /// Whether this file wrote (or the writer refused) a household number already.
    Earlier {
        period: Option<Period>,
        id: String,
    },
    /// Something that needs the connection (the provisional villages of `--add-villages`).
    Call(Call),
}

enum Reply {
    /// The first line of a household the writer refused; the line this file wrote it with.
    Earlier(Option<u64>, Option<i64>),
    Called(Box<dyn Any + Send>),
}

/// What validation needs of the import's context: the connection stays with the writer.
#[derive(Clone, Copy)]
pub(super) struct Shared<'c> {
    pub opts: &'c Options,
    pub batch_id: i64,
}

/// The validating thread's end of the channel.
pub(super) struct Link<'r> {
    jobs: SyncSender<Vec<Job>>,
    replies: Receiver<Reply>,
    chunk: Vec<Job>,
    sent: Sent,
    /// A read-only connection for looking up a correction's stored rows while the writer is
    /// behind (None for a database without a file).
    stored: Option<StoredRows<'r>>,
}

impl Link<'_> {
    /// Hand a valid row to the writer. `rows`: the file's rows it stands for; `first_line`: the
    /// household's first line.
    pub fn write(
        &mut self,
        row: &HouseholdRow,
        line: u64,
        evidence: Vec<Evidence>,
        rows: u64,
        first_line: u64,
        problems: &Problems,
    ) -> Result<()> {
        self.sent.insert(&row.id);
        self.chunk.push(Job::Write(Ready {
            row: OwnedRow::of(row),
            line,
            evidence,
            rows,
            first_line,
            at: problems.added(),
            known: Known::Unknown,
        }));
        if self.chunk.len() >= CHUNK {
            self.send()?;
        }
        Ok(())
    }

    /// Whether household `id` came before in this file: the first line of it when the writer
    /// refused it, and the line it was written with (`Writer::first_line_in_batch`).
    pub fn earlier(
        &mut self,
        period: Option<Period>,
        id: &str,
    ) -> Result<(Option<u64>, Option<i64>)> {
        if !self.sent.may_have(id) {
            return Ok((None, None));
        }
        self.chunk.push(Job::Earlier {
            period,
            id: id.to_string(),
        });
        match self.ask()? {
            Reply::Earlier(refused, written) => Ok((refused, written)),
            Reply::Called(_) => Err(anyhow!("writer answered another question")),
        }
    }

    /// Run `f` with the connection, after every row sent so far was written.
    pub fn call<R: Send + 'static>(
        &mut self,
        f: impl FnOnce(&Connection) -> R + Send + 'static,
    ) -> Result<R> {
        self.chunk.push(Job::Call(Box::new(move |conn| {
            Box::new(f(conn)) as Box<dyn Any + Send>
        })));
        match self.ask()? {
            Reply::Called(r) => r
                .downcast::<R>()
                .map(|r| *r)
                .map_err(|_| anyhow!("writer answered another question")),
            Reply::Earlier(..) => Err(anyhow!("writer answered another question")),
        }
    }

    /// Send what is left; the writer finishes when the link is dropped.
    pub fn finish(mut self) -> Result<()> {
        self.send()
    }

    fn ask(&mut self) -> Result<Reply> {
        self.send()?;
        self.replies.recv().map_err(|_| Stopped.into())
    }

    fn send(&mut self) -> Result<()> {
        if self.chunk.is_empty() {
            return Ok(());
        }
        let mut chunk = std::mem::replace(&mut self.chunk, Vec::with_capacity(CHUNK));
        // When the writer is behind (the queue is full), this thread would wait: it looks up the
        // chunk's stored rows meanwhile, so that the writer only writes them. A correction's
        // writer is behind nearly always; a first import's never looks anything up.
        match self.jobs.try_send(chunk) {
            Ok(()) => return Ok(()),
            Err(TrySendError::Disconnected(_)) => return Err(Stopped.into()),
            Err(TrySendError::Full(back)) => chunk = back,
        }
        if let Some(stored) = self.stored.as_mut() {
            look_up(stored, &mut chunk)?;
        }
        two_threads::send(&self.jobs, chunk)
    }
}

/// Look up the stored rows of a chunk's rows, a set of `bulk::ROWS` at a time (the writer looks
/// up the rest itself).
fn look_up(stored: &mut StoredRows, chunk: &mut [Job]) -> Result<()> {
    let mut ready: Vec<&mut Ready> = chunk
        .iter_mut()
        .filter_map(|job| match job {
            Job::Write(ready) => Some(ready),
            _ => None,
        })
        .collect();
    for set in ready.chunks_exact_mut(bulk::ROWS) {
        // A county's first snapshot of the month (a first import): nothing stored to look up.
        if !stored.replaces(&set[0].row.county, set[0].row.period)? {
            continue;
        }
        let known = {
            let rows: Vec<HouseholdRow> = set.iter().map(|r| r.row.row()).collect();
            let rows: Vec<&HouseholdRow> = rows.iter().collect();
            stored.look_up(&rows)?
        };
        for (ready, known) in set.iter_mut().zip(known) {
            ready.known = known;
        }
    }
    Ok(())
}

/// The writer's problems, with what validation had added before each (see `merge`), and the
/// households it refused.
pub(super) struct Side<'s> {
    problems: Problems<'s>,
    at: Vec<usize>,
    refused: HashMap<String, u64>,
}

impl<'s> Side<'s> {
    pub fn new(problems: Problems<'s>) -> Side<'s> {
        Side {
            problems,
            at: Vec::new(),
            refused: HashMap::new(),
        }
    }

    /// Where each of the writer's listed problems goes among validation's.
    pub fn into_positions(self) -> Vec<usize> {
        self.at
    }
}

/// Validate on a thread of its own (`validate`, given the link to the writer) while this thread
/// writes what it sends. A database error stops both and is returned; otherwise validation's
/// result.
pub(super) fn run<T: Send>(
    writer: &mut Writer,
    side: &mut Side,
    validate: impl FnOnce(Link<'_>) -> Result<T> + Send,
) -> Result<T> {
    let (replies_tx, replies) = sync_channel(1);
    let stored = StoredRows::open(writer.conn(), writer.regions())?;
    two_threads::run(
        QUEUE,
        move |jobs| {
            validate(Link {
                jobs,
                replies,
                chunk: Vec::with_capacity(CHUNK),
                sent: Sent::new(),
                stored,
            })
        },
        |jobs| serve(jobs, replies_tx, writer, side),
    )
}

fn serve(
    jobs: Receiver<Vec<Job>>,
    replies: SyncSender<Reply>,
    writer: &mut Writer,
    side: &mut Side,
) -> Result<()> {
    // Rows wait here until a multi-row statement's worth is ready (or a question needs them
    // written).
    let mut pending: Vec<Ready> = Vec::with_capacity(bulk::ROWS);
    for chunk in jobs {
        for job in chunk {
            if !matches!(job, Job::Write(_)) {
                write_pending(writer, side, &mut pending)?;
            }
            match job {
                Job::Write(ready) => {
                    pending.push(ready);
                    if pending.len() == bulk::ROWS {
                        write_pending(writer, side, &mut pending)?;
                    }
                }
                Job::Earlier { period, id } => {
                    let refused = side.refused.get(&id).copied();
                    let written = writer.first_line_in_batch(period, &id)?;
                    // A closed reply channel: validation ended; nothing waits for the answer.
                    let _ = replies.send(Reply::Earlier(refused, written));
                }
                Job::Call(f) => {
                    let _ = replies.send(Reply::Called(f(writer.conn())));
                }
            }
        }
    }
    write_pending(writer, side, &mut pending)
}

/// Write the waiting rows: with one statement when they are a full set of plain inserts and it
/// meets no conflict, else one by one (a full set of a correction after one look-up of their
/// stored rows, unless validation looked them up).
fn write_pending(writer: &mut Writer, side: &mut Side, pending: &mut Vec<Ready>) -> Result<()> {
    let rows: Vec<bulk::Plain> = if pending.len() == bulk::ROWS {
        pending
            .iter()
            .map(|r| (r.row.row(), r.line, r.evidence.as_slice()))
            .collect()
    } else {
        Vec::new()
    };
    let mut plain = !rows.is_empty();
    for (row, ..) in &rows {
        plain = plain && writer.is_plain(row)?;
    }
    if plain && writer.insert_rows(&rows, &mut side.problems)? {
        pending.clear();
        return Ok(());
    }
    let known = if pending.iter().all(|r| r.known == Known::Unknown) {
        let rows: Vec<&HouseholdRow> = rows.iter().map(|(row, ..)| row).collect();
        writer.prefetch(&rows)?
    } else {
        Vec::new()
    };
    drop(rows);
    for (n, ready) in pending.drain(..).enumerate() {
        let known = known.get(n).copied().unwrap_or(ready.known);
        write(writer, side, &ready, known)?;
    }
    Ok(())
}

fn write(writer: &mut Writer, side: &mut Side, ready: &Ready, known: Known) -> Result<()> {
    let row = ready.row.row();
    let mut result = Ok(true);
    side.problems.for_rows(ready.rows, |p| {
        result = writer.write(&row, ready.line, &ready.evidence, known, p)
    });
    if !result? && side.refused.len() < MAX_ERRORS {
        side.refused.insert(row.id.to_string(), ready.first_line);
    }
    let listed = side.problems.summary.errors.len();
    side.at.resize(listed, ready.at);
    Ok(())
}

/// Put the writer's summary into validation's: each of its problems after the validation
/// problems added before its row was sent (`at`), the first `MAX_ERRORS` of them all listed as
/// one thread would have; its counts added.
pub(super) fn merge(into: &mut Summary, side: Summary, at: Vec<usize>) {
    into.invalid += side.invalid;
    into.inserted += side.inserted;
    into.updated += side.updated;
    into.unchanged += side.unchanged;
    into.errors_not_listed += side.errors_not_listed;
    if side.errors.is_empty() {
        return;
    }
    let mine = std::mem::take(&mut into.errors);
    let mut merged = Vec::with_capacity(mine.len() + side.errors.len());
    let mut mine = mine.into_iter();
    let mut taken = 0;
    for (error, at) in side.errors.into_iter().zip(at) {
        while taken < at {
            match mine.next() {
                Some(e) => merged.push(e),
                None => break,
            }
            taken += 1;
        }
        merged.push(error);
    }
    merged.extend(mine);
    if merged.len() > MAX_ERRORS {
        into.errors_not_listed += (merged.len() - MAX_ERRORS) as u64;
        merged.truncate(MAX_ERRORS);
    }
    into.errors = merged;
}

/// A `HouseholdRow` with its text owned.
struct OwnedRow {
    period: Period,
    county: String,
    id: String,
    village: String,
    head_name: Option<String>,
    id_hash: Option<String>,
    id_masked: Option<String>,
    size: i64,
    category: Option<&'static str>,
    category_as_written: Option<String>,
    cause: Option<&'static str>,
    status: HouseholdStatus,
    policy_support: Option<bool>,
    monitoring_kind: Option<MonitoringKind>,
    exit_year: Option<i64>,
    income: f64,
    flags: [Option<bool>; 5],
}

impl OwnedRow {
    fn of(r: &HouseholdRow) -> OwnedRow {
        OwnedRow {
            period: r.period,
            county: r.county.clone(),
            id: r.id.to_string(),
            village: r.village.to_string(),
            head_name: r.head_name.map(str::to_string),
            id_hash: r.id_hash.clone(),
            id_masked: r.id_masked.clone(),
            size: r.size,
            category: r.category,
            category_as_written: r.category_as_written.map(str::to_string),
            cause: r.cause,
            status: r.status,
            policy_support: r.policy_support,
            monitoring_kind: r.monitoring_kind,
            exit_year: r.exit_year,
            income: r.income,
            flags: r.flags,
        }
    }

    fn row(&self) -> HouseholdRow<'_> {
        HouseholdRow {
            period: self.period,
            county: self.county.clone(),
            id: self.id.as_str().into(),
            village: self.village.as_str().into(),
            head_name: self.head_name.as_deref(),
            id_hash: self.id_hash.clone(),
            id_masked: self.id_masked.clone(),
            size: self.size,
            category: self.category,
            category_as_written: self.category_as_written.as_deref(),
            cause: self.cause,
            status: self.status,
            policy_support: self.policy_support,
            monitoring_kind: self.monitoring_kind,
            exit_year: self.exit_year,
            income: self.income,
            flags: self.flags,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::problem::LineError;

    fn error(line: u64) -> LineError {
        LineError::new("f.csv", line, None, format!("line {line}"))
    }

    #[test]
    fn the_writers_problems_go_where_one_thread_would_have_listed_them() {
        let mut into = Summary {
            errors: vec![error(2), error(3), error(9)],
            invalid: 3,
            ..Summary::default()
        };
        let side = Summary {
            errors: vec![error(5), error(1)],
            invalid: 2,
            inserted: 7,
            ..Summary::default()
        };
        // Row 5 was sent after two problems, row 1 (a household's first line) after three.
        merge(&mut into, side, vec![2, 3]);
        let lines: Vec<u64> = into.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [2, 3, 5, 9, 1]);
        assert_eq!((into.invalid, into.inserted), (5, 7));
    }

    #[test]
    fn merged_problems_are_listed_up_to_the_limit() {
        let mut into = Summary {
            errors: (0..MAX_ERRORS as u64).map(error).collect(),
            errors_not_listed: 5,
            ..Summary::default()
        };
        let side = Summary {
            errors: vec![error(1), error(2)],
            ..Summary::default()
        };
        merge(&mut into, side, vec![10, MAX_ERRORS + 3]);
        assert_eq!(into.errors.len(), MAX_ERRORS);
        assert_eq!(into.errors[10].message, "line 1");
        assert_eq!(into.errors_not_listed, 5 + 2);
    }
}
