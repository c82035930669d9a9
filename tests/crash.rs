//! Crash safety: a large import (150,000 households) in a child process, killed with SIGKILL at
//! six moments from start-up to the checkpoint after the commit. After every kill the database must
//! pass `PRAGMA integrity_check` and `tuopin verify`, and hold the whole batch or none of it; the
//! import started after each kill must work, and the last one must finish. The undo of such a
//! batch is killed the same way at five moments: the batch is then wholly in force or wholly
//! undone (its rows kept in history), and a later undo completes.
//!
//! Kill points are found by watching the child, not by the clock, so they land in the same phase
//! on a fast or a slow machine: bytes read (from /proc/PID/io: the file is read twice, once to hash
//! it, once to import it), the WAL being written (the commit), the database file being written
//! (the checkpoint that follows the commit).
#![cfg(target_os = "linux")]

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use crate::common::*;

const ROWS: u64 = 150_000;

#[derive(Debug, Clone, Copy)]
enum KillPoint {
    /// Right after spawning: loading, parsing arguments, opening the database.
    Spawned,
    /// While hashing the file (first pass), before the write transaction.
    Hashing,
    /// Early in the import pass: the transaction is open, rows are being inserted.
    InsertingEarly,
    /// Late in the import pass.
    InsertingLate,
    /// Input read to the end and the WAL being written: the commit is under way.
    Committing,
    /// The database file itself being written: the checkpoint after the commit.
    Checkpointing,
}

/// Bytes the process has read so far (`rchar` of /proc/PID/io).
fn bytes_read(pid: u32) -> Option<u64> {
    let io = std::fs::read_to_string(format!("/proc/{pid}/io")).ok()?;
    io.lines()
        .find_map(|l| l.strip_prefix("rchar: "))
        .and_then(|v| v.trim().parse().ok())
}

fn stamp(path: &Path) -> Option<(u64, SystemTime)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.len(), m.modified().ok()?))
}

/// Wait until the child reaches `point`; false if it finished first.
fn wait_for(child: &mut Child, point: KillPoint, file_bytes: u64, db: &Path) -> bool {
    let wal = db.with_file_name(format!("{}-wal", db.file_name().unwrap().to_string_lossy()));
    let db_before = stamp(db);
    // The WAL as it was when the whole input had been read: it grows only when the commit writes.
    let mut wal_at_end_of_input: Option<Option<(u64, SystemTime)>> = None;
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        assert!(Instant::now() < deadline, "import never reached {point:?}");
        let read = bytes_read(child.id()).unwrap_or(0);
        let input_done = read >= 2 * file_bytes;
        if input_done && wal_at_end_of_input.is_none() {
            wal_at_end_of_input = Some(stamp(&wal));
        }
        let reached = match point {
            KillPoint::Spawned => true,
            KillPoint::Hashing => read >= file_bytes / 2,
            KillPoint::InsertingEarly => read >= file_bytes + file_bytes / 4,
            KillPoint::InsertingLate => read >= 2 * file_bytes - file_bytes / 10,
            KillPoint::Committing => match (&wal_at_end_of_input, stamp(&wal)) {
                (Some(before), Some(now)) => {
                    now.0 > before.map_or(0, |b| b.0) && Some(now) != *before
                }
                _ => false,
            },
            KillPoint::Checkpointing => input_done && stamp(db) != db_before,
        };
        if reached {
            return true;
        }
        std::thread::sleep(Duration::from_micros(500));
    }
}

/// The database after a crash: sound, and holding all of the batch or none of it.
fn check_all_or_nothing(s: &Scratch) -> i64 {
    let conn = s.open();
    assert_eq!(scalar::<String>(&conn, "PRAGMA integrity_check", []), "ok");
    assert_eq!(
        scalar::<i64>(&conn, "SELECT count(*) FROM pragma_foreign_key_check", []),
        0
    );
    let rows: i64 = scalar(
        &conn,
        "SELECT count(*) FROM household_snapshot WHERE period = '2019-03'",
        [],
    );
    let batches: Vec<(i64, i64, i64)> = conn
        .prepare(
            "SELECT id, rows_read, rows_written FROM import_batch WHERE kind = 'households' AND undone_at IS NULL",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let registered: i64 = scalar(
        &conn,
        "SELECT coalesce(sum(households), 0) FROM register_snapshot WHERE period = '2019-03'",
        [],
    );
    match rows {
        0 => {
            assert!(
                batches.is_empty(),
                "a batch row without its data: {batches:?}"
            );
            assert_eq!(registered, 0);
        }
        n if n == ROWS as i64 => {
            assert_eq!(batches.len(), 1, "{batches:?}");
            let (id, read, written) = batches[0];
            assert_eq!((read, written), (n, n));
            assert_eq!(
                scalar::<i64>(
                    &conn,
                    "SELECT count(*) FROM household_snapshot WHERE batch_id = ?1",
                    [id]
                ),
                n
            );
            assert_eq!(registered, n);
        }
        n => panic!("half an import: {n} of {ROWS} rows"),
    }
    drop(conn);
    // The user's check after a crash finds nothing wrong either.
    s.tuopin(&["verify"]).assert().success();
    rows
}

fn spawn_import(s: &Scratch, file: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_tuopin"))
        .arg("--db")
        .arg(s.db())
        .args(["import", "households"])
        .arg(file)
        .env_remove("TUOPIN_DB")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn sigkill_at_any_moment_leaves_the_whole_batch_or_none() {
    let started = Instant::now();
    let s = Scratch::new();
    s.init();
    let villages = synth_regions(&s, &["210922"], 10, 20).remove(0);
    let file = s.path("register-2019-03.csv");
    synth_households(&file, &villages, ROWS, "2019-03", 7, 'G');
    let file_bytes = std::fs::metadata(&file).unwrap().len();

    let points = [
        KillPoint::Spawned,
        KillPoint::Hashing,
        KillPoint::InsertingEarly,
        KillPoint::InsertingLate,
        KillPoint::Committing,
        KillPoint::Checkpointing,
    ];
    let mut killed = 0;
    for point in points {
        let t = Instant::now();
        let mut child = spawn_import(&s, &file);
        let reached = wait_for(&mut child, point, file_bytes, &s.db());
        // SIGKILL: no destructor, no rollback, no checkpoint runs.
        child.kill().unwrap();
        let status = child.wait().unwrap();
        let rows = check_all_or_nothing(&s);
        if reached {
            killed += 1;
        }
        println!(
            "kill at {point:?} after {:.2} s ({}): {rows} rows in the database",
            t.elapsed().as_secs_f64(),
            if reached {
                "killed"
            } else {
                "had already finished"
            }
        );
        assert!(reached || status.success(), "{point:?}: {status:?}");
        match point {
            // Before the commit began nothing can be there.
            KillPoint::Spawned
            | KillPoint::Hashing
            | KillPoint::InsertingEarly
            | KillPoint::InsertingLate => assert_eq!(rows, 0, "{point:?}"),
            // Once the database file is written, the commit is complete.
            KillPoint::Checkpointing => assert_eq!(rows, ROWS as i64, "{point:?}"),
            KillPoint::Committing => {}
        }
    }
    assert!(killed >= 5, "only {killed} kill points were reached");

    // The next import of the same file succeeds (here: recognises the committed batch).
    let out = s
        .tuopin(&["import", "households"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(check_all_or_nothing(&s), ROWS as i64);
    println!(
        "crash test: {killed} kill points, {ROWS} rows, {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

/// Where an undo is killed: found by watching it, like the import's kill points. An undo reads
/// the register once (finding the batch's rows), deletes them in memory (the history triggers
/// copying each), writes the commit into the WAL and checkpoints it into the database file.
#[derive(Debug, Clone, Copy)]
enum UndoPoint {
    /// Right after spawning.
    Spawned,
    /// Reading the register: half of the database file read.
    Reading,
    /// Deleting in memory: the register read, 0.1 s more CPU spent, the WAL not yet written.
    Deleting,
    /// The WAL growing: the commit being written.
    WalGrowing,
    /// The database file itself being written: the checkpoint after the commit.
    Checkpointing,
}

/// CPU time the process has used, in clock ticks (utime + stime of /proc/PID/stat).
fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

/// Wait until the undo reaches `point`; false if it finished first.
fn wait_for_undo(child: &mut Child, point: UndoPoint, db: &Path) -> bool {
    let wal = db.with_file_name(format!("{}-wal", db.file_name().unwrap().to_string_lossy()));
    let db_bytes = std::fs::metadata(db).unwrap().len();
    let (db_before, wal_before) = (stamp(db), stamp(&wal));
    let mut ticks_when_read: Option<u64> = None;
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        assert!(Instant::now() < deadline, "undo never reached {point:?}");
        let read = bytes_read(child.id()).unwrap_or(0);
        let wal_grew = stamp(&wal).map_or(0, |w| w.0) > wal_before.map_or(0, |w| w.0);
        let reached = match point {
            UndoPoint::Spawned => true,
            UndoPoint::Reading => read >= db_bytes / 2,
            UndoPoint::Deleting => {
                let ticks = cpu_ticks(child.id()).unwrap_or(0);
                if read >= db_bytes && ticks_when_read.is_none() {
                    ticks_when_read = Some(ticks);
                }
                !wal_grew && ticks_when_read.is_some_and(|t| ticks >= t + 10)
            }
            UndoPoint::WalGrowing => wal_grew,
            UndoPoint::Checkpointing => stamp(db) != db_before,
        };
        if reached {
            return true;
        }
        std::thread::sleep(Duration::from_micros(500));
    }
}

/// The database after a killed undo of `batch`: sound, and the batch either wholly in force or
/// wholly undone. Returns whether it is undone.
fn check_undone_or_not(s: &Scratch, batch: i64) -> bool {
    let conn = s.open();
    assert_eq!(scalar::<String>(&conn, "PRAGMA integrity_check", []), "ok");
    assert_eq!(
        scalar::<i64>(&conn, "SELECT count(*) FROM pragma_foreign_key_check", []),
        0
    );
    let rows: i64 = scalar(
        &conn,
        "SELECT count(*) FROM household_snapshot WHERE batch_id = ?1",
        [batch],
    );
    let registered: i64 = scalar(
        &conn,
        "SELECT coalesce(sum(households), 0) FROM register_snapshot WHERE batch_id = ?1",
        [batch],
    );
    let undone: Option<String> = scalar(
        &conn,
        "SELECT undone_at FROM import_batch WHERE id = ?1",
        [batch],
    );
    // The rows an undo deleted are kept in history, by the same transaction.
    let kept: i64 = scalar(
        &conn,
        "SELECT count(*) FROM history WHERE table_name = 'household_snapshot' AND action = 'delete'
         AND json_extract(old_row, '$.batch_id') = ?1",
        [batch],
    );
    let state = (rows, registered, undone.is_some(), kept);
    let before = (ROWS as i64, ROWS as i64, false, 0);
    let after = (0, 0, true, ROWS as i64);
    assert!(
        state == before || state == after,
        "half an undo: (rows, registered, undone, kept in history) = {state:?}"
    );
    drop(conn);
    s.tuopin(&["verify"]).assert().success();
    state == after
}

fn import_batch(s: &Scratch, file: &Path) -> i64 {
    let out = s
        .tuopin(&["import", "households"])
        .arg(file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    scalar(
        &s.open(),
        "SELECT max(id) FROM import_batch WHERE kind = 'households' AND undone_at IS NULL",
        [],
    )
}

#[test]
fn sigkill_during_an_undo_leaves_the_batch_wholly_in_force_or_wholly_undone() {
    let started = Instant::now();
    let s = Scratch::new();
    s.init();
    let villages = synth_regions(&s, &["210922"], 10, 20).remove(0);
    let file = s.path("register-2019-03.csv");
    synth_households(&file, &villages, ROWS, "2019-03", 11, 'U');
    let mut batch = import_batch(&s, &file);

    let points = [
        UndoPoint::Spawned,
        UndoPoint::Reading,
        UndoPoint::Deleting,
        UndoPoint::WalGrowing,
        UndoPoint::Checkpointing,
    ];
    let mut killed = 0;
    for point in points {
        let t = Instant::now();
        let mut child = Command::new(env!("CARGO_BIN_EXE_tuopin"))
            .arg("--db")
            .arg(s.db())
            .args(["import", "undo", &batch.to_string()])
            .env_remove("TUOPIN_DB")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let reached = wait_for_undo(&mut child, point, &s.db());
        child.kill().unwrap();
        let status = child.wait().unwrap();
        let at = t.elapsed().as_secs_f64();
        assert!(reached || status.success(), "{point:?}: {status:?}");
        let undone = check_undone_or_not(&s, batch);
        killed += reached as u32;
        println!(
            "undo killed at {point:?} after {at:.2} s ({}): batch {}",
            if reached { "killed" } else { "had finished" },
            if undone { "undone" } else { "in force" }
        );
        match point {
            _ if !reached => assert!(undone, "{point:?}: finished but not undone"),
            // Nothing is committed before the WAL is written.
            UndoPoint::Spawned | UndoPoint::Reading | UndoPoint::Deleting => {
                assert!(!undone, "{point:?}")
            }
            // Once the database file is written, the commit is complete.
            UndoPoint::Checkpointing => assert!(undone, "{point:?}"),
            UndoPoint::WalGrowing => {}
        }
        if undone {
            // The same file again is a new batch to undo at the next point.
            batch = import_batch(&s, &file);
        }
    }
    assert!(killed >= 4, "only {killed} kill points were reached");

    // An undo run after the kills completes.
    s.tuopin(&["import", "undo", &batch.to_string()])
        .assert()
        .success();
    assert!(check_undone_or_not(&s, batch));
    println!(
        "undo crash test: {killed} kill points, {ROWS} rows, {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
