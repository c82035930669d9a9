//! Commands that only read open the database read-only (issue 11, item 12): `status`, `check`,
//! `explain` and `verify` leave a backup's bytes and journal mode as they are, work on a read-only
//! file and in a read-only folder (a WAL database there is opened `immutable`), refuse a read-only
//! folder whose `-wal` still holds changes, and never upgrade an older schema (tests/migrate.rs).
//!
//! Permission bits do not stop root, and CI may run as root: then the commands run as the user
//! `nobody` (uid 65534, `CommandExt::uid`), for whom the bits hold. Nothing is skipped.
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};

use crate::common::*;

const NOBODY: u32 = 65534;

/// The read-only commands, with their arguments.
const READERS: &[&[&str]] = &[
    &["status"],
    &["status", "--json"],
    &["check", "villages", "--period", "2019-03"],
    &[
        "check",
        "households",
        "--county",
        "210922",
        "--period",
        "2019-03",
    ],
    &["explain", "210922-T01-V01", "--period", "2019-03"],
    &["verify"],
];

/// `tuopin --db DB ARGS`, as a user the permission bits apply to when `bound` (else as this one).
fn run(db: &Path, args: &[&str], bound: bool) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_tuopin"));
    cmd.env_remove("TUOPIN_DB")
        .current_dir(db.parent().unwrap())
        .arg("--db")
        .arg(db)
        .args(args);
    // SAFETY: geteuid has no preconditions.
    if bound && unsafe { libc::geteuid() } == 0 {
        cmd.uid(NOBODY).gid(NOBODY);
    }
    cmd.output().unwrap()
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// A database with a register and values (imported by the binary), and a backup of it.
fn populated() -> (Scratch, PathBuf) {
    let s = Scratch::new();
    s.init();
    chmod(s.dir.path(), 0o755);
    let register = s.write("h.csv", fixture::HOUSEHOLDS_2019_03);
    let regions = s.write("r.csv", fixture::REGIONS);
    let values = s.write("v.csv", fixture::INDICATORS_2019_03);
    for (kind, file) in [
        ("regions", &regions),
        ("households", &register),
        ("indicators", &values),
    ] {
        s.tuopin(&["import", kind]).arg(file).assert().success();
    }
    let backup = s.path("backup.db");
    s.tuopin(&["backup"]).arg(&backup).assert().success();
    (s, backup)
}

/// Bytes 18 and 19 of the header: 1 for a rollback journal, 2 for WAL.
fn journal_version(path: &Path) -> (u8, u8) {
    let bytes = std::fs::read(path).unwrap();
    (bytes[18], bytes[19])
}

fn as_reader(db: &Path, args: &[&str]) -> std::process::Output {
    run(db, args, true)
}

/// Every read-only command succeeds on `db` (as the reader when `bound`), and `db` keeps its bytes.
fn all_read(db: &Path, what: &str, bound: bool) -> Vec<String> {
    let bytes = std::fs::read(db).unwrap();
    let mut outputs = Vec::new();
    for args in READERS {
        let out = run(db, args, bound);
        assert!(
            out.status.success(),
            "{what}: tuopin {args:?} failed: {}",
            stderr(&out)
        );
        assert!(
            std::fs::read(db).unwrap() == bytes,
            "{what}: tuopin {args:?} changed the file"
        );
        outputs.push(stdout(&out));
    }
    outputs
}

fn companions(db: &Path) -> Vec<PathBuf> {
    ["-wal", "-shm", "-journal"]
        .iter()
        .map(|s| PathBuf::from(format!("{}{s}", db.display())))
        .filter(|p| p.exists())
        .collect()
}

#[test]
fn reading_a_backup_keeps_its_bytes_and_its_journal_mode() {
    let (_s, backup) = populated();
    assert_eq!(journal_version(&backup), (1, 1), "a backup is standalone");
    // As its owner, who may write it: nothing stops a write but tuopin itself.
    let outputs = all_read(&backup, "backup", false);
    assert!(outputs[0].contains("建档立卡户"), "{}", outputs[0]);
    assert_eq!(journal_version(&backup), (1, 1), "switched to WAL");
    assert!(companions(&backup).is_empty(), "{:?}", companions(&backup));
}

#[test]
fn read_only_files_can_be_read() {
    let (s, backup) = populated();
    // A rollback-journal file (a backup) and a WAL database, each mode 0444, in a folder the
    // reader may write (so SQLite may keep the WAL database's -shm there).
    let dir = s.path("shared");
    std::fs::create_dir(&dir).unwrap();
    let rollback = dir.join("backup.db");
    std::fs::copy(&backup, &rollback).unwrap();
    let wal = dir.join("tuopin.db");
    std::fs::copy(s.db(), &wal).unwrap();
    assert_eq!(journal_version(&wal), (2, 2));
    chmod(&dir, 0o777);
    for db in [&rollback, &wal] {
        chmod(db, 0o444);
        let outputs = all_read(db, &db.display().to_string(), true);
        assert!(outputs[5].contains("全部 10 项检查通过"), "{}", outputs[5]);
    }
    assert_eq!(journal_version(&rollback), (1, 1));
}

#[test]
fn a_wal_database_in_a_read_only_folder_is_read_immutable() {
    let (s, _) = populated();
    let dir = s.path("cdrom");
    std::fs::create_dir(&dir).unwrap();
    let db = dir.join("tuopin.db");
    std::fs::copy(s.db(), &db).unwrap();
    chmod(&db, 0o644);
    chmod(&dir, 0o555);
    let outputs = all_read(&db, "read-only folder", true);
    // The same answers as from the database itself.
    assert_eq!(
        outputs[1],
        stdout(&s.tuopin(&["status", "--json"]).output().unwrap())
    );
    assert!(companions(&db).is_empty(), "{:?}", companions(&db));
    chmod(&dir, 0o755);
}

#[test]
fn a_read_only_folder_with_changes_in_the_wal_is_refused_not_misread() {
    let (s, _) = populated();
    let dir = s.path("cdrom");
    std::fs::create_dir(&dir).unwrap();
    // A writer that has committed into the WAL and not checkpointed: copy the file and its WAL
    // (not its -shm) while it is open.
    let writer = s.open();
    writer
        .execute_batch(
            "PRAGMA wal_autocheckpoint = 0;
             UPDATE meta SET value = value WHERE key = 'id_salt';
             INSERT INTO poverty_line (year, yuan) VALUES (2030, 9999);",
        )
        .unwrap();
    let db = dir.join("tuopin.db");
    std::fs::copy(s.db(), &db).unwrap();
    let wal = PathBuf::from(format!("{}-wal", db.display()));
    std::fs::copy(format!("{}-wal", s.db().display()), &wal).unwrap();
    drop(writer);
    assert!(std::fs::metadata(&wal).unwrap().len() > 0);
    chmod(&db, 0o644);
    chmod(&wal, 0o644);
    chmod(&dir, 0o555);
    let out = as_reader(&db, &["status"]);
    chmod(&dir, 0o755);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("(read-only folder with a non-empty WAL)"),
        "{}",
        stderr(&out)
    );
}
