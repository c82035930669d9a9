//! Concurrency: two processes importing different counties' registers into one database at the
//! same moment both succeed (one waits for the other: WAL, busy timeout, BEGIN IMMEDIATE) and
//! nothing is lost; readers running meanwhile (an SQL reader, `tuopin status --json`, `tuopin
//! backup`) only ever see the state before or after each import, never half of one.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::*;

const ROWS_A: i64 = 40_000;
const ROWS_B: i64 = 30_000;

fn tuopin_cmd(db: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tuopin"));
    c.arg("--db").arg(db).env_remove("TUOPIN_DB");
    c
}

/// The states a reader may see for one month: nothing, either county, or both.
fn allowed(base: i64) -> [i64; 4] {
    [base, base + ROWS_A, base + ROWS_B, base + ROWS_A + ROWS_B]
}

/// One consistent look at the register: rows, the households the registers claim, and the
/// household batches. All three must describe the same moment.
fn look(conn: &rusqlite::Connection) -> (i64, i64, i64) {
    let tx = conn.unchecked_transaction().unwrap();
    let rows: i64 = scalar(&tx, "SELECT count(*) FROM household_snapshot", []);
    let registered: i64 = scalar(
        &tx,
        "SELECT coalesce(sum(households), 0) FROM register_snapshot",
        [],
    );
    let batches: i64 = scalar(
        &tx,
        "SELECT count(*) FROM import_batch WHERE kind = 'households'",
        [],
    );
    tx.finish().unwrap();
    (rows, registered, batches)
}

fn batches_for(rows: i64, base: i64, base_batches: i64) -> i64 {
    base_batches
        + match rows - base {
            0 => 0,
            ROWS_A | ROWS_B => 1,
            _ => 2,
        }
}

#[test]
fn two_county_imports_at_once_both_land_and_readers_see_whole_states() {
    let s = Scratch::new();
    s.init();
    let villages = synth_regions(&s, &["210922", "211321"], 5, 20);
    let db = s.db();
    let mut pairs_run = 0;
    let mut reads = 0u64;
    let mut status_reads = 0u64;
    let mut backups = 0u64;
    let mut seen: BTreeSet<i64> = BTreeSet::new();

    // Two rounds: March and April, each county's file imported by its own process at once.
    for (round, period) in ["2019-03", "2019-04"].into_iter().enumerate() {
        let base_conn = s.open();
        let (base, _, base_batches) = look(&base_conn);
        drop(base_conn);
        let file_a = s.path(&format!("a-{period}.csv"));
        let file_b = s.path(&format!("b-{period}.csv"));
        synth_households(&file_a, &villages[0], ROWS_A as u64, period, 1, 'A');
        synth_households(&file_b, &villages[1], ROWS_B as u64, period, 2, 'B');

        let stop = Arc::new(AtomicBool::new(false));
        let states = Arc::new(Mutex::new(Vec::new()));
        // An SQL reader in a loop.
        let reader = {
            let (db, stop, states) = (db.clone(), stop.clone(), states.clone());
            std::thread::spawn(move || {
                let conn = open(&db);
                conn.busy_timeout(Duration::from_secs(30)).unwrap();
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let state = look(&conn);
                    states.lock().unwrap().push(state);
                    n += 1;
                    std::thread::sleep(Duration::from_millis(2));
                }
                n
            })
        };
        // `tuopin status --json` and `tuopin backup` in a loop, as other users would run them.
        let cli_reader = {
            let (db, stop, dir) = (db.clone(), stop.clone(), s.path(""));
            std::thread::spawn(move || cli_reads(&db, &dir, round, &stop, base))
        };

        let start = Instant::now();
        let a = tuopin_cmd(&db)
            .args(["import", "households"])
            .arg(&file_a)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let b = tuopin_cmd(&db)
            .args(["import", "households"])
            .arg(&file_b)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        let took = start.elapsed();
        stop.store(true, Ordering::Relaxed);
        reads += reader.join().unwrap();
        let (n_status, n_backups, cli_seen) = cli_reader.join().unwrap();
        status_reads += n_status;
        backups += n_backups;
        assert!(a.status.success(), "county A: {}", stderr(&a));
        assert!(b.status.success(), "county B: {}", stderr(&b));
        pairs_run += 1;

        let conn = s.open();
        let end = look(&conn);
        assert_eq!(
            end,
            (
                base + ROWS_A + ROWS_B,
                base + ROWS_A + ROWS_B,
                base_batches + 2
            ),
            "round {period}: rows lost"
        );
        for (county, n) in [("210922", ROWS_A), ("211321", ROWS_B)] {
            assert_eq!(
                scalar::<i64>(
                    &conn,
                    "SELECT households FROM register_snapshot WHERE county_code = ?1 AND period = ?2",
                    [county, period]
                ),
                n
            );
        }
        drop(conn);

        let states = states.lock().unwrap();
        for &(rows, registered, batches) in states.iter() {
            assert!(
                allowed(base).contains(&rows),
                "half an import seen: {rows} rows (allowed {:?})",
                allowed(base)
            );
            assert_eq!(registered, rows, "register and rows from different moments");
            assert_eq!(batches, batches_for(rows, base, base_batches));
            seen.insert(rows - base);
        }
        seen.extend(cli_seen);
        println!(
            "round {period}: both imports done in {:.2} s; {} SQL reads, states seen {:?}",
            took.as_secs_f64(),
            states.len(),
            states.iter().map(|s| s.0 - base).collect::<BTreeSet<_>>()
        );
    }
    s.tuopin(&["verify"]).assert().success();
    println!(
        "concurrency: {pairs_run} pairs of simultaneous imports, {reads} SQL reads, {status_reads} status reads, {backups} backups taken during imports; states seen {seen:?}"
    );
    // The readers did run while the imports were under way, not only before or after.
    assert!(
        seen.iter().any(|&d| d == ROWS_A || d == ROWS_B),
        "no reader saw the moment between the two imports: {seen:?}"
    );
}

/// `tuopin status --json` and `tuopin backup` until told to stop; every answer and every backup
/// must show a whole state. Returns (status reads, backups, rows seen above `base`).
fn cli_reads(
    db: &Path,
    dir: &Path,
    round: usize,
    stop: &AtomicBool,
    base: i64,
) -> (u64, u64, BTreeSet<i64>) {
    let (mut n_status, mut n_backups) = (0, 0);
    let mut seen = BTreeSet::new();
    let mut i = 0;
    while !stop.load(Ordering::Relaxed) {
        i += 1;
        if i % 4 == 0 {
            let path: PathBuf = dir.join(format!("during-{round}-{i}.db"));
            let out = tuopin_cmd(db).arg("backup").arg(&path).output().unwrap();
            assert!(out.status.success(), "{}", stderr(&out));
            let conn = open(&path);
            assert_eq!(scalar::<String>(&conn, "PRAGMA integrity_check", []), "ok");
            let (rows, registered, _) = look(&conn);
            assert!(
                allowed(base).contains(&rows),
                "backup holds half an import: {rows}"
            );
            assert_eq!(registered, rows);
            seen.insert(rows - base);
            drop(conn);
            std::fs::remove_file(&path).unwrap();
            n_backups += 1;
        } else {
            let out = tuopin_cmd(db).args(["status", "--json"]).output().unwrap();
            assert!(out.status.success(), "{}", stderr(&out));
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            let rows = v["household_snapshots"].as_i64().unwrap();
            assert!(
                allowed(base).contains(&rows),
                "status saw half an import: {rows}"
            );
            // The registers' households (latest month per county) come from the same moment.
            let latest = v["households"].as_i64().unwrap();
            if round == 0 {
                assert_eq!(latest, rows, "status mixed two moments");
            } else {
                assert!(latest <= rows);
            }
            seen.insert(rows - base);
            n_status += 1;
        }
    }
    (n_status, n_backups, seen)
}
