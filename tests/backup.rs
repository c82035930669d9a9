//! `tuopin backup`, `tuopin restore` and `tuopin verify` on real databases: copies are consistent,
//! private and self-contained; a restore refuses what is not a sound tuopin database of a known
//! schema and otherwise keeps the database it replaces; verify finds each broken promise.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::common::*;

const HEADER: &str = "统计期,户编号,村代码,户主姓名,证件号码,家庭人口,贫困户属性,主要致贫原因,脱贫状态,脱贫年度,人均纯收入";
const ID_NUMBER: &str = "11010519491231002X";

/// A database with regions, a register and indicator values, all imported by the binary.
fn populated() -> Scratch {
    let s = Scratch::new();
    s.init();
    let households = s.write(
        "h.csv",
        format!(
            "{HEADER}\n2019-03,H1,210922-T01-V01,甲,{ID_NUMBER},3,一般贫困户,因病,已脱贫,2018,5000\n\
             2019-03,H2,210922-T01-V01,乙,,2,低保贫困户,因残,未脱贫,,2800\n"
        ),
    );
    s.tuopin(&["import", "households"])
        .arg(&households)
        .assert()
        .success();
    let values = s.write(
        "v.csv",
        "统计期,区划代码,指标,值\n2019-03,210922-T01-V01,hardened_road,是\n2019-03,210922,wrong_exit_rate,0.5\n",
    );
    s.tuopin(&["import", "indicators"])
        .arg(&values)
        .assert()
        .success();
    s
}

/// Everything a database holds, for "same content" checks.
fn dump(path: &Path) -> String {
    let conn = open(path);
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let mut out = String::new();
    for t in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = stmt.column_count();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                Ok((0..n)
                    .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        rows.sort();
        out.push_str(&format!("{t}: {}\n", rows.join("\n  ")));
    }
    out
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn files_named(s: &Scratch, part: &str) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(s.dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().contains(part))
        .collect();
    v.sort();
    v
}

#[test]
fn backup_is_a_private_standalone_checked_copy() {
    let s = populated();
    let copy = s.path("copy.db");
    s.tuopin(&["backup"])
        .arg(&copy)
        .assert()
        .success()
        .stdout(predicates::str::contains("完整性检查通过"));
    assert_eq!(mode(&copy), 0o600);
    assert!(!s.path("copy.db-wal").exists());
    assert_eq!(dump(&copy), dump(&s.db()));
    let conn = open(&copy);
    assert_eq!(scalar::<String>(&conn, "PRAGMA journal_mode", []), "delete");
    assert_eq!(
        scalar::<i64>(&conn, "PRAGMA application_id", []),
        tuopin::db::migrate::APPLICATION_ID
    );
    drop(conn);
    assert!(files_named(&s, ".tmp-").is_empty(), "temporary file left");

    // An existing file is kept unless --force; the database itself is never the target.
    std::fs::write(&copy, "keep me").unwrap();
    s.tuopin(&["backup"])
        .arg(&copy)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("已存在"));
    assert_eq!(std::fs::read(&copy).unwrap(), b"keep me");
    s.tuopin(&["backup", "--force"])
        .arg(&copy)
        .assert()
        .success();
    assert_eq!(dump(&copy), dump(&s.db()));
    s.tuopin(&["backup", "--force"])
        .arg(s.db())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("不能是数据库本身"));
    s.tuopin(&["verify"]).assert().success();
}

#[test]
fn restore_refuses_what_is_not_a_sound_tuopin_database_of_a_known_schema() {
    let s = populated();
    let before = dump(&s.db());

    let text = s.write("notes.txt", "not a database");
    let foreign = s.path("other.sqlite");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    let newer = s.path("newer.db");
    s.tuopin(&["backup"]).arg(&newer).assert().success();
    rusqlite::Connection::open(&newer)
        .unwrap()
        .pragma_update(
            None,
            "user_version",
            tuopin::db::migrate::SCHEMA_VERSION + 1,
        )
        .unwrap();
    let corrupt = s.path("corrupt.db");
    s.tuopin(&["backup"]).arg(&corrupt).assert().success();
    corrupt_an_index(&corrupt);

    for (file, message) in [
        (&text, "不是 SQLite 数据库文件"),
        (&foreign, "不是 tuopin 数据库"),
        (&newer, "高于本程序支持的版本"),
        (&corrupt, "已损坏"),
        (&s.path("missing.db"), "不存在"),
    ] {
        s.tuopin(&["restore"])
            .arg(file)
            .assert()
            .code(2)
            .stderr(predicates::str::contains(message));
    }
    s.tuopin(&["restore"])
        .arg(s.db())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("就是当前数据库"));
    assert_eq!(
        dump(&s.db()),
        before,
        "a refused restore changed the database"
    );
    assert!(
        files_named(&s, ".bak").is_empty(),
        "a refused restore left a .bak"
    );
}

/// Change one character of an index entry in the file, so integrity_check reports the index.
fn corrupt_an_index(path: &Path) {
    let conn = open(path);
    let sha: String = scalar(
        &conn,
        "SELECT sha256 FROM import_batch ORDER BY id DESC LIMIT 1",
        [],
    );
    let root: i64 = scalar(
        &conn,
        "SELECT rootpage FROM sqlite_schema WHERE name = 'import_batch_sha'",
        [],
    );
    let page_size: i64 = scalar(&conn, "PRAGMA page_size", []);
    drop(conn);
    let mut bytes = std::fs::read(path).unwrap();
    // The index is small: its root page holds every entry.
    let page = ((root - 1) * page_size) as usize..(root * page_size) as usize;
    let at = bytes[page.clone()]
        .windows(sha.len())
        .position(|w| w == sha.as_bytes())
        .expect("sha in the index page")
        + page.start
        + 10;
    bytes[at] = if bytes[at] == b'0' { b'1' } else { b'0' };
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn restore_replaces_the_data_and_keeps_the_previous_database() {
    let s = populated();
    let backup = s.path("march.db");
    s.tuopin(&["backup"]).arg(&backup).assert().success();
    let march = dump(&s.db());

    // More work after the backup: a correction that replaces the register.
    let later = s.write(
        "h2.csv",
        format!("{HEADER}\n2019-03,H1,210922-T01-V01,甲,,4,一般贫困户,因病,已脱贫,2018,5200\n"),
    );
    s.tuopin(&["import", "households"])
        .arg(&later)
        .assert()
        .success();
    let april = dump(&s.db());
    assert_ne!(march, april);

    s.tuopin(&["restore"])
        .arg(&backup)
        .assert()
        .success()
        .stdout(predicates::str::contains("恢复前的数据库已保存为"));
    assert_eq!(dump(&s.db()), march);
    let kept = files_named(&s, ".before-restore-");
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(dump(&kept[0]), april);
    assert_eq!(mode(&kept[0]), 0o600);
    assert_eq!(mode(&s.db()), 0o600);
    s.tuopin(&["verify"]).assert().success();

    // Restoring onto a missing database creates it, private.
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", s.db().display()));
    }
    s.tuopin(&["restore"]).arg(&backup).assert().success();
    assert_eq!(dump(&s.db()), march);
    assert_eq!(mode(&s.db()), 0o600);
}

#[test]
fn an_unreadable_database_is_replaced_only_with_force_and_kept_aside() {
    let s = populated();
    let backup = s.path("good.db");
    s.tuopin(&["backup"]).arg(&backup).assert().success();
    let good = dump(&backup);
    std::fs::write(s.db(), b"garbage, not SQLite").unwrap();
    s.tuopin(&["restore"])
        .arg(&backup)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--force"));
    assert_eq!(std::fs::read(s.db()).unwrap(), b"garbage, not SQLite");
    s.tuopin(&["restore", "--force"])
        .arg(&backup)
        .assert()
        .success()
        .stdout(predicates::str::contains("已改名为"));
    assert_eq!(dump(&s.db()), good);
    // The file and the (empty) -wal and -shm that read-only commands leave beside a WAL database.
    let aside: Vec<_> = files_named(&s, ".unreadable-")
        .into_iter()
        .filter(|p| {
            !p.to_string_lossy().ends_with("-wal") && !p.to_string_lossy().ends_with("-shm")
        })
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert_eq!(std::fs::read(&aside[0]).unwrap(), b"garbage, not SQLite");
}

/// A copy of a good database with one promise broken by hand, then verified.
fn broken(s: &Scratch, name: &str, sql: &str) -> (i32, String) {
    let path = s.path(&format!("{name}.db"));
    std::fs::copy(s.db(), &path).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(&format!(
        "PRAGMA foreign_keys = OFF; PRAGMA ignore_check_constraints = ON; {sql}"
    ))
    .unwrap();
    drop(conn);
    let out = assert_cmd::Command::cargo_bin("tuopin")
        .unwrap()
        .env_remove("TUOPIN_DB")
        .arg("--db")
        .arg(&path)
        .arg("verify")
        .output()
        .unwrap();
    (out.status.code().unwrap(), stdout(&out))
}

#[test]
fn verify_passes_a_sound_database_and_names_each_broken_promise() {
    let s = populated();
    let out = s.tuopin(&["verify", "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", stdout(&out));
    let checks: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(checks.as_array().unwrap().len(), 10);

    let cases = [
        (
            "foreign_keys",
            "UPDATE indicator_value SET region_code = 'nowhere' WHERE region_code = '210922'",
        ),
        (
            "value_sources",
            "UPDATE import_batch SET undone_at = '2019-04-01' WHERE kind = 'indicators'",
        ),
        (
            "snapshot_villages",
            "UPDATE household_snapshot SET village_code = '210922-T01' WHERE household_id = 'H2'",
        ),
        (
            "snapshot_batches",
            "UPDATE household_snapshot SET batch_id = (SELECT id FROM import_batch WHERE kind = 'indicators')",
        ),
        (
            "register_counts",
            "DELETE FROM household_snapshot WHERE household_id = 'H2'",
        ),
        (
            "batch_rows",
            "INSERT INTO import_batch (kind, file_name, sha256, rows_read, rows_written, imported_by, imported_at)
             VALUES ('households', 'lost.csv', printf('%064d', 1), 5, 5, 'x', '2019-04-01')",
        ),
        (
            "id_hashes",
            "UPDATE household_snapshot SET id_hash = 'not a hash' WHERE household_id = 'H1'",
        ),
        (
            "clear_ids",
            "UPDATE household_snapshot SET head_name = '甲 11010519491231002X' WHERE household_id = 'H1'",
        ),
        (
            "clear_ids",
            "UPDATE import_batch SET file_name = '台账-11010519491231002X.csv' WHERE kind = 'households'",
        ),
        (
            "bulletin_sentences",
            "UPDATE bulletin_proposal SET sentence_start = sentence_start + 3 WHERE figure = '174 户'",
        ),
    ];
    for (code, sql) in cases {
        let (exit, text) = broken(&s, code, sql);
        assert_eq!(exit, 1, "{code}: {text}");
        let failed: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("FAIL  "))
            .map(|l| l.split_whitespace().next().unwrap())
            .collect();
        assert!(failed.contains(&code), "{code} not reported: {text}");
        // Located, never quoted.
        assert!(!text.contains("11010519491231002X"), "{text}");
    }

    // A damaged file: integrity_check names the index.
    let path = s.path("damaged.db");
    std::fs::copy(s.db(), &path).unwrap();
    corrupt_an_index(&path);
    let out = assert_cmd::Command::cargo_bin("tuopin")
        .unwrap()
        .env_remove("TUOPIN_DB")
        .arg("--db")
        .arg(&path)
        .arg("verify")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).contains("FAIL  integrity"), "{}", stdout(&out));
}

/// Overwrite the whole page `page` (1-based) of the file with bytes that are not a b-tree page.
fn overwrite_page(path: &Path, page: i64, page_size: i64) {
    let mut bytes = std::fs::read(path).unwrap();
    let at = ((page - 1) * page_size) as usize;
    let mut x: u32 = 0x2545_f491;
    for b in &mut bytes[at..at + page_size as usize] {
        // xorshift: a page of noise, the same on every run.
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        *b = x as u8;
    }
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn verify_reports_a_damaged_page_and_restore_replaces_the_file() {
    let s = populated();
    let backup = s.path("good.db");
    s.tuopin(&["backup"]).arg(&backup).assert().success();
    let good = dump(&backup);
    let conn = open(&s.db());
    let root: i64 = scalar(
        &conn,
        "SELECT rootpage FROM sqlite_schema WHERE name = 'household_snapshot'",
        [],
    );
    let page_size: i64 = scalar(&conn, "PRAGMA page_size", []);
    drop(conn);
    overwrite_page(&s.db(), root, page_size);

    // The findings, exit 1, the integrity check FAILED in Chinese, and what to do.
    let out = s.tuopin(&["verify"]).output().unwrap();
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}{}", stderr(&out));
    assert!(text.contains("FAIL  integrity"), "{text}");
    assert!(text.contains("数据库文件已损坏"), "{text}");
    assert!(text.contains("household_snapshot"), "{text}");
    assert!(text.contains("tuopin restore"), "{text}");
    assert!(
        text.contains("ok    value_sources"),
        "the other checks still ran: {text}"
    );

    let out = s.tuopin(&["verify", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let checks: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let checks = checks.as_array().unwrap();
    assert_eq!(checks.len(), 10);
    assert_eq!(checks[0]["code"], "integrity");
    assert!(checks[0]["problems"].as_u64().unwrap() >= 1);
    assert!(
        checks[0]["details"][0]
            .as_str()
            .unwrap()
            .contains("数据库文件已损坏"),
        "{}",
        checks[0]
    );
    assert!(stderr(&out).contains("tuopin restore"), "{}", stderr(&out));

    // The advice works: restore refuses without --force (nothing changed), and with it keeps
    // the damaged file aside and brings the backup back.
    let damaged = std::fs::read(s.db()).unwrap();
    s.tuopin(&["restore"])
        .arg(&backup)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--force"));
    assert_eq!(std::fs::read(s.db()).unwrap(), damaged);
    s.tuopin(&["restore", "--force"])
        .arg(&backup)
        .assert()
        .success();
    assert_eq!(dump(&s.db()), good);
    s.tuopin(&["verify"]).assert().success();
    let aside = files_named(&s, ".unreadable-");
    assert_eq!(std::fs::read(&aside[0]).unwrap(), damaged);
}
