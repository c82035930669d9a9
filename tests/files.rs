//! The files tuopin keeps and the ones it leaves (issue 11, items 10 and 11): `init --force` keeps
//! the database it replaces as `<db>.before-init-<time>.bak` and never overwrites a file that is
//! not a tuopin database; the hidden working files of a killed backup (`.NAME.tmp-PID`) or init
//! (`.NAME.init-PID`) are removed by the next run, which says so on stderr.
#![cfg(target_os = "linux")]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

const REGISTER: &str = "统计期,户编号,村代码,家庭人口,脱贫状态,脱贫年度,人均纯收入\n\
    2019-03,F1,210922-T01-V01,3,未脱贫,,4000\n2019-03,F2,210922-T01-V01,2,已脱贫,2018,5200\n";

fn named(dir: &Path, part: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().contains(part))
        .collect();
    v.sort();
    v
}

fn households(path: &Path) -> i64 {
    scalar(&open(path), "SELECT count(*) FROM household_snapshot", [])
}

#[test]
fn init_force_keeps_the_database_it_replaces() {
    let s = Scratch::new();
    s.init();
    let file = s.write("h.csv", REGISTER);
    s.tuopin(&["import", "households"])
        .arg(&file)
        .assert()
        .success();
    let out = s.tuopin(&["init", "--force"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("原数据库已保存为"),
        "{}",
        stdout(&out)
    );
    let kept = named(s.dir.path(), ".before-init-");
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(kept[0].to_string_lossy().ends_with(".bak"), "{kept:?}");
    assert_eq!(households(&kept[0]), 2);
    assert_eq!(households(&s.db()), 0);
    let mode = std::fs::metadata(&kept[0]).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    // A standalone, sound copy: the restore it is kept for works.
    assert_eq!(std::fs::read(&kept[0]).unwrap()[18], 1, "rollback journal");
    s.tuopin(&["restore"]).arg(&kept[0]).assert().success();
    assert_eq!(households(&s.db()), 2);
}

#[test]
fn init_force_moves_a_damaged_database_aside() {
    let s = Scratch::new();
    s.init();
    let mut bytes = std::fs::read(s.db()).unwrap();
    let page = 4096 * 3;
    bytes[page..page + 4096].fill(0x5a);
    std::fs::write(s.db(), &bytes).unwrap();
    let out = s.tuopin(&["init", "--force"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("已改名保留为"), "{}", stdout(&out));
    let kept = named(s.dir.path(), ".before-init-");
    assert_eq!(std::fs::read(&kept[0]).unwrap(), bytes);
    s.tuopin(&["verify"]).assert().success();
}

#[test]
fn init_never_overwrites_a_file_that_is_not_a_tuopin_database() {
    let s = Scratch::new();
    let other_sqlite = s.path("other.db");
    rusqlite::Connection::open(&other_sqlite)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    let files = [
        s.write("台账.csv", REGISTER),
        other_sqlite,
        s.write("empty.db", ""),
    ];
    for file in &files {
        let before = std::fs::read(file).unwrap();
        for args in [&["init"][..], &["init", "--force"]] {
            let out = Command::new(env!("CARGO_BIN_EXE_tuopin"))
                .env_remove("TUOPIN_DB")
                .arg("--db")
                .arg(file)
                .args(args)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(2), "{file:?} {args:?}");
            let err = stderr(&out);
            assert!(
                err.contains("不是 tuopin 数据库") && err.contains("(not a tuopin database)"),
                "{err}"
            );
            assert_eq!(std::fs::read(file).unwrap(), before, "{file:?} changed");
        }
    }
    assert!(named(s.dir.path(), ".bak").is_empty());
    assert!(named(s.dir.path(), ".init-").is_empty());
}

/// Wait until a file whose name contains `part` and of at least `bytes` appears in `dir`, while
/// `child` runs.
fn wait_for_file(child: &mut std::process::Child, dir: &Path, part: &str, bytes: u64) -> bool {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if named(dir, part)
            .iter()
            .any(|p| std::fs::metadata(p).is_ok_and(|m| m.len() >= bytes))
        {
            return true;
        }
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    panic!("{part} never appeared in {}", dir.display());
}

fn spawn(db: &Path, args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_tuopin"))
        .env_remove("TUOPIN_DB")
        .arg("--db")
        .arg(db)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn a_killed_backup_leaves_nothing_after_the_next_run() {
    let s = Scratch::new();
    s.init();
    // Big enough that the copy and its integrity check take a while.
    let villages = synth_regions(&s, &["210922"], 4, 10).remove(0);
    let file = s.path("register.csv");
    synth_households(&file, &villages, 30_000, "2019-03", 3, 'G');
    s.tuopin(&["import", "households"])
        .arg(&file)
        .assert()
        .success();
    let usb = s.path("usb");
    std::fs::create_dir(&usb).unwrap();

    let mut killed = 0;
    for attempt in 0..20 {
        let dest = usb.join(format!("copy-{attempt}.db"));
        let mut child = spawn(&s.db(), &["backup", dest.to_str().unwrap()]);
        // Killed with most of the register copied, as the reported 13-33 MB leftovers were.
        if wait_for_file(&mut child, &usb, ".tmp-", 1 << 20) {
            let _ = child.kill();
            killed += 1;
        }
        child.wait().unwrap();
        if killed > 0 && !named(&usb, ".tmp-").is_empty() {
            break;
        }
    }
    let left = named(&usb, ".tmp-");
    assert!(!left.is_empty(), "no backup was caught mid-copy");
    assert!(killed > 0);
    let bytes: u64 = left
        .iter()
        .map(|p| std::fs::metadata(p).unwrap().len())
        .sum();
    println!(
        "killed backup left {} files, {bytes} bytes: {left:?}",
        left.len()
    );

    // The next backup into that folder removes them, and says so in one line.
    let out = s
        .tuopin(&["backup"])
        .arg(usb.join("final.db"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    let notes: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("(stale temporary files removed)"))
        .collect();
    assert_eq!(notes.len(), 1, "{err}");
    assert!(notes[0].contains("临时文件"), "{err}");
    assert!(
        named(&usb, ".tmp-").is_empty(),
        "{:?}",
        named(&usb, ".tmp-")
    );
    assert_eq!(households(&usb.join("final.db")), 30_000);
}

#[test]
fn a_killed_init_leaves_nothing_after_the_next_run() {
    let s = Scratch::new();
    // A data folder whose files are named pipes nobody writes: init blocks reading them with its
    // working database already created.
    let data = s.path("data");
    std::fs::create_dir(&data).unwrap();
    for (name, _) in tuopin::import::reference::FILES {
        let path = std::ffi::CString::new(data.join(name).to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o600) }, 0);
    }
    let mut child = spawn(&s.db(), &["init", "--data", data.to_str().unwrap()]);
    assert!(wait_for_file(&mut child, s.dir.path(), ".init-", 0));
    child.kill().unwrap();
    child.wait().unwrap();
    let left = named(s.dir.path(), ".init-");
    assert!(!left.is_empty());
    assert!(!s.db().exists());

    // Any later run beside it cleans up: here, the init that works.
    let out = s.tuopin(&["init"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("(stale temporary files removed)"),
        "{}",
        stderr(&out)
    );
    assert!(named(s.dir.path(), ".init-").is_empty());
    // A working file of a process still running is left alone.
    let mine = s.path(&format!(".tuopin.db.tmp-{}", std::process::id()));
    std::fs::copy(s.db(), &mine).unwrap();
    let out = s.tuopin(&["status"]).output().unwrap();
    assert!(out.status.success());
    assert!(!stderr(&out).contains("stale"), "{}", stderr(&out));
    assert!(mine.exists());
}
