//! Schema migrations: a database made by schema version 1 (built here from the v1 schema text, with
//! data in it) is upgraded in place, each migration in a transaction, after a copy has been taken
//! beside it. The mechanism is tested with a test-only migration 2 through
//! `db::migrate::migrate_with`; the binary's own list (`db::migrate::MIGRATIONS`: migration 2 drops
//! `household_snapshot.identified_year`, migration 3 makes the default bounds inclusive and adds the
//! register's national-system columns and the monitoring rules) is tested on the same fixture.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::common::*;
use rusqlite::Connection;
use tuopin::db;

/// Schema version 1, as released. It stays migration 1 for ever.
const V1: &str = include_str!("../schema.sql");

/// A test-only migration 2: a new column and a new table.
const V2: &str = "ALTER TABLE household_snapshot ADD COLUMN note TEXT;
    CREATE TABLE test_added (x INTEGER NOT NULL);
    INSERT INTO test_added (x) VALUES (2);";

/// A migration 2 that fails half-way: its first statement must not survive.
const V2_BROKEN: &str = "CREATE TABLE half_done (x INTEGER);
    INSERT INTO no_such_table VALUES (1);";

/// A version-1 database with a region tree, a batch, a household and a value in it.
fn v1_fixture(dir: &Path) -> PathBuf {
    let path = dir.join("v1.db");
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    assert_eq!(
        db::migrate::migrate_with(&conn, &[V1]).unwrap(),
        None,
        "no copy of a new database"
    );
    conn.execute_batch(
        "INSERT INTO region (code, name, level, parent_code) VALUES
             ('21', '辽宁省', 'province', NULL), ('2109', '阜新市', 'city', '21'),
             ('210922', '彰武县', 'county', '2109'), ('210922-T01', '章古台镇', 'township', '210922'),
             ('210922-T01-V01', '三家子村', 'village', '210922-T01');
         INSERT INTO indicator (code, name, unit, value_type) VALUES ('hardened_road', '通硬化路', '是/否', 'boolean');
         INSERT INTO import_batch (id, kind, file_name, sha256, rows_read, rows_written, imported_by, imported_at, period)
             VALUES (1, 'households', 'h.csv', printf('%064d', 1), 1, 1, 'test', '2019-04-01T00:00:00Z', '2019-03');
         INSERT INTO household_snapshot (period, household_id, village_code, size, status, exit_year,
             income_per_capita, batch_id, line)
             VALUES ('2019-03', 'H1', '210922-T01-V01', 3, 'exited', 2018, 5000, 1, 2);
         INSERT INTO register_snapshot (county_code, period, batch_id, households) VALUES ('210922', '2019-03', 1, 1);
         INSERT INTO indicator_value (region_code, indicator_code, period, value, batch_id, line)
             VALUES ('210922-T01-V01', 'hardened_road', '2019-03', 1, 1, 3);
         INSERT INTO meta (key, value) VALUES ('id_salt', lower(hex(randomblob(32))));",
    )
    .unwrap();
    assert_eq!(db::pragma::user_version(&conn).unwrap(), 1);
    drop(conn);
    path
}

/// The columns of `table` in a database built by `migrations`.
fn columns(migrations: &[&str], table: &str) -> Vec<String> {
    let m = Connection::open_in_memory().unwrap();
    m.execute_batch(&migrations.join("\n")).unwrap();
    let mut st = m.prepare("SELECT name FROM pragma_table_info(?1)").unwrap();
    let v = st
        .query_map([table], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    v
}

/// The rows of the version-1 tables, for "nothing lost" checks.
fn v1_data(conn: &Connection) -> String {
    let mut out = String::new();
    for t in [
        "region",
        "import_batch",
        "household_snapshot",
        "register_snapshot",
        "indicator_value",
        "meta",
    ] {
        // The v1 columns that every later version keeps: migrations may add and drop some.
        let latest = columns(db::migrate::MIGRATIONS, t);
        let cols: Vec<String> = columns(&[V1], t)
            .into_iter()
            .filter(|c| latest.contains(c))
            .collect();
        let mut stmt = conn
            .prepare(&format!(
                "SELECT {} FROM {t} ORDER BY 1, 2",
                cols.join(", ")
            ))
            .unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            let cells: Vec<String> = (0..n)
                .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                .collect();
            out.push_str(&format!("{t}: {}\n", cells.join("|")));
        }
    }
    out
}

fn baks(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(".bak"))
        .collect();
    v.sort();
    v
}

#[test]
fn upgrade_keeps_the_data_and_a_copy_of_version_1() {
    let dir = tempfile::tempdir().unwrap();
    let path = v1_fixture(dir.path());
    let conn = Connection::open(&path).unwrap();
    let before = v1_data(&conn);

    let copy = db::migrate::migrate_with(&conn, &[V1, V2])
        .unwrap()
        .expect("a copy");
    assert_eq!(copy, dir.path().join("v1.db.v1.bak"));
    assert_eq!(db::pragma::user_version(&conn).unwrap(), 2);
    assert_eq!(v1_data(&conn), before, "data changed by the upgrade");
    assert_eq!(scalar::<i64>(&conn, "SELECT x FROM test_added", []), 2);
    assert_eq!(
        scalar::<i64>(&conn, "PRAGMA application_id", []),
        db::migrate::APPLICATION_ID
    );

    // The copy is the database as it was: version 1, same rows, private, standalone.
    let old = Connection::open(&copy).unwrap();
    assert_eq!(db::pragma::user_version(&old).unwrap(), 1);
    assert_eq!(v1_data(&old), before);
    assert_eq!(scalar::<String>(&old, "PRAGMA journal_mode", []), "delete");
    assert_eq!(scalar::<String>(&old, "PRAGMA integrity_check", []), "ok");
    assert_eq!(
        std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777,
        0o600
    );

    // Already current: nothing to do, no second copy.
    assert_eq!(db::migrate::migrate_with(&conn, &[V1, V2]).unwrap(), None);
    assert_eq!(baks(dir.path()), vec![copy]);
}

#[test]
fn a_failing_migration_leaves_version_1_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = v1_fixture(dir.path());
    let conn = Connection::open(&path).unwrap();
    let before = v1_data(&conn);
    let err = db::migrate::migrate_with(&conn, &[V1, V2_BROKEN]).unwrap_err();
    let msg = format!("{err:#}");
    assert!(msg.contains("迁移到版本 2 失败，数据库仍为版本 1"), "{msg}");
    assert_eq!(db::pragma::user_version(&conn).unwrap(), 1);
    assert_eq!(
        scalar::<i64>(
            &conn,
            "SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'",
            []
        ),
        0,
        "half a migration was kept"
    );
    assert_eq!(v1_data(&conn), before);
    // The connection is usable afterwards (no transaction left open), and a fixed migration runs.
    assert!(conn.is_autocommit());
    db::migrate::migrate_with(&conn, &[V1, V2]).unwrap();
    assert_eq!(db::pragma::user_version(&conn).unwrap(), 2);
}

#[test]
fn an_existing_copy_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = v1_fixture(dir.path());
    let taken = dir.path().join("v1.db.v1.bak");
    std::fs::write(&taken, "an older copy").unwrap();
    let conn = Connection::open(&path).unwrap();
    let copy = db::migrate::migrate_with(&conn, &[V1, V2])
        .unwrap()
        .unwrap();
    assert_eq!(copy, dir.path().join("v1.db.v1.bak-2"));
    assert_eq!(std::fs::read(&taken).unwrap(), b"an older copy");
}

#[test]
fn two_processes_opening_an_old_database_migrate_it_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = v1_fixture(dir.path());
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let (path, barrier) = (path.clone(), barrier.clone());
            std::thread::spawn(move || {
                let conn = Connection::open(&path).unwrap();
                conn.busy_timeout(std::time::Duration::from_secs(30))
                    .unwrap();
                barrier.wait();
                db::migrate::migrate_with(&conn, &[V1, V2]).map_err(|e| format!("{e:#}"))
            })
        })
        .collect();
    let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    for r in &results {
        assert!(r.is_ok(), "{r:?}");
    }
    // Exactly one of them upgraded (and kept a copy); the migration ran once.
    let copies: Vec<_> = results
        .iter()
        .filter_map(|r| r.clone().ok().flatten())
        .collect();
    assert_eq!(copies.len(), 1, "{results:?}");
    let conn = Connection::open(&path).unwrap();
    assert_eq!(
        scalar::<i64>(&conn, "SELECT count(*) FROM test_added", []),
        1
    );
    assert_eq!(baks(dir.path()).len(), 1);
}

#[test]
fn a_database_newer_than_the_migrations_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = v1_fixture(dir.path());
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", db::migrate::SCHEMA_VERSION + 1)
        .unwrap();
    let err = db::migrate::migrate_with(&conn, &[V1, V2]).unwrap_err();
    assert!(format!("{err}").contains("高于本程序支持的版本 2"), "{err}");
    drop(conn);
    let bytes = std::fs::read(&path).unwrap();
    // The binary refuses it too, and does not touch it.
    assert_cmd::Command::cargo_bin("tuopin")
        .unwrap()
        .env_remove("TUOPIN_DB")
        .arg("--db")
        .arg(&path)
        .arg("status")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("请升级 tuopin"));
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    assert!(baks(dir.path()).is_empty());
}

#[test]
fn the_binary_opens_a_version_1_database_and_upgrades_it_to_its_own_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = v1_fixture(dir.path());
    let before = v1_data(&Connection::open(&path).unwrap());
    let tuopin = |args: &[&str]| {
        let mut cmd = assert_cmd::Command::cargo_bin("tuopin").unwrap();
        cmd.current_dir(dir.path())
            .env_remove("TUOPIN_DB")
            .arg("--db")
            .arg(&path)
            .args(args);
        cmd
    };
    // Any command upgrades an older database first, a reading one too, and says so; then it
    // reads it read-only.
    let out = tuopin(&["status"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let conn = Connection::open(&path).unwrap();
    assert_eq!(
        db::pragma::user_version(&conn).unwrap(),
        db::migrate::SCHEMA_VERSION
    );
    assert_eq!(v1_data(&conn), before);
    // A copy is kept exactly when there was something to upgrade, and the user is told.
    let expected: Vec<PathBuf> = if db::migrate::SCHEMA_VERSION > 1 {
        assert!(String::from_utf8_lossy(&out.stderr).contains("(database upgraded)"));
        let copy = Connection::open(dir.path().join("v1.db.v1.bak")).unwrap();
        assert_eq!(db::pragma::user_version(&copy).unwrap(), 1);
        assert_eq!(v1_data(&copy), before);
        vec![dir.path().join("v1.db.v1.bak")]
    } else {
        Vec::new()
    };
    assert_eq!(baks(dir.path()), expected);
    // Once upgraded, a command that writes has nothing more to upgrade, and takes no second copy.
    std::fs::write(
        dir.path().join("r.csv"),
        "代码,名称,级别,上级代码\n210922-T01-V09,新村,村,210922-T01\n",
    )
    .unwrap();
    tuopin(&["import", "regions", "--dry-run", "r.csv"])
        .assert()
        .success();
    assert_eq!(baks(dir.path()), expected);
    tuopin(&["verify"]).assert().success();
}

#[test]
fn init_takes_no_copy() {
    let s = Scratch::new();
    s.init();
    assert!(baks(s.dir.path()).is_empty());
}

#[test]
fn migration_2_drops_identified_year_and_history_still_records_the_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = v1_fixture(dir.path());
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "foreign_keys", "ON").unwrap();
    let before = v1_data(&conn);
    let has_column = |conn: &Connection| {
        scalar::<i64>(
            conn,
            "SELECT count(*) FROM pragma_table_info('household_snapshot') WHERE name = 'identified_year'",
            [],
        )
    };
    assert_eq!(has_column(&conn), 1);

    let copy = db::migrate::migrate_with(&conn, &db::migrate::MIGRATIONS[..2])
        .unwrap()
        .expect("a copy");
    assert_eq!(copy, dir.path().join("v1.db.v1.bak"));
    assert_eq!(db::pragma::user_version(&conn).unwrap(), 2);
    assert_eq!(has_column(&conn), 0);
    assert_eq!(v1_data(&conn), before, "data changed by migration 2");
    assert_eq!(
        scalar::<i64>(&conn, "SELECT count(*) FROM pragma_foreign_key_check", []),
        0
    );
    let table_sql: String = scalar(
        &conn,
        "SELECT sql FROM sqlite_schema WHERE name = 'household_snapshot'",
        [],
    );
    assert!(table_sql.ends_with("WITHOUT ROWID"), "{table_sql}");
    // The copy is version 1, column and all.
    let old = Connection::open(&copy).unwrap();
    assert_eq!(db::pragma::user_version(&old).unwrap(), 1);
    assert_eq!(has_column(&old), 1);
    assert_eq!(v1_data(&old), before);

    // The recreated history triggers still copy the whole row.
    conn.execute(
        "UPDATE household_snapshot SET status = 'returned', exit_year = NULL WHERE household_id = 'H1'",
        [],
    )
    .unwrap();
    conn.execute(
        "DELETE FROM household_snapshot WHERE household_id = 'H1'",
        [],
    )
    .unwrap();
    let old_rows: Vec<(String, String)> = conn
        .prepare("SELECT action, old_row FROM history WHERE table_name = 'household_snapshot' ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(old_rows.len(), 2, "{old_rows:?}");
    let update: serde_json::Value = serde_json::from_str(&old_rows[0].1).unwrap();
    let delete: serde_json::Value = serde_json::from_str(&old_rows[1].1).unwrap();
    assert_eq!(old_rows[0].0, "update");
    assert_eq!(update["status"], "exited");
    assert_eq!(update["exit_year"], 2018);
    assert_eq!(update["income_per_capita"], 5000.0);
    assert_eq!(old_rows[1].0, "delete");
    assert_eq!(delete["status"], "returned");
    assert_eq!(delete["line"], 2);
    for row in [&update, &delete] {
        assert!(row.get("identified_year").is_none(), "{row}");
        assert_eq!(row.as_object().unwrap().len(), 19, "{row}");
    }
}

/// The criteria of data/criteria.csv before migration 3, and the setting it replaces.
const OLD_DEFAULTS: &str = "
    INSERT INTO indicator (code, name, unit, value_type) VALUES
        ('poverty_incidence', '贫困发生率', '%', 'percent'), ('wrong_exit_rate', '脱贫人口错退率', '%', 'percent'),
        ('missed_rate', '贫困人口漏评率', '%', 'percent'), ('approval_rate', '群众认可度', '%', 'percent');
    INSERT INTO criterion (no, level, seq, name, indicator_code, operator, threshold, unit) VALUES
        ('V1', 'village', 1, '贫困发生率', 'poverty_incidence', '<', 2, '%'),
        ('C1', 'county', 1, '综合贫困发生率', 'poverty_incidence', '<', 2, '%'),
        ('C2', 'county', 2, '脱贫人口错退率', 'wrong_exit_rate', '<', 2, '%'),
        ('C3', 'county', 3, '贫困人口漏评率', 'missed_rate', '<', 2, '%'),
        ('C4', 'county', 4, '群众认可度', 'approval_rate', '>=', 90, '%');
    INSERT INTO meta (key, value) VALUES ('monitoring_income_threshold', '4500'), ('max_value_age_months', '12');
    UPDATE change_context SET reason = 'tuopin criteria set C2' WHERE id = 1;
    UPDATE criterion SET threshold = 1.5 WHERE no = 'C2';
    UPDATE criterion SET threshold = 2 WHERE no = 'C2';
    UPDATE change_context SET reason = 'tuopin criteria set C3' WHERE id = 1;
    UPDATE criterion SET threshold = 3 WHERE no = 'C3';
    UPDATE change_context SET reason = '' WHERE id = 1;";

#[test]
fn migration_3_makes_untouched_default_bounds_inclusive_and_leaves_edited_ones() {
    let dir = tempfile::tempdir().unwrap();
    let path = v1_fixture(dir.path());
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(OLD_DEFAULTS).unwrap();
    let history_before: Vec<(i64, String)> = conn
        .prepare("SELECT id, old_row FROM history ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(history_before.len(), 3);
    let before = v1_data(&conn);
    db::migrate::migrate_with(&conn, &db::migrate::MIGRATIONS[..3])
        .unwrap()
        .expect("a copy");
    assert_eq!(db::pragma::user_version(&conn).unwrap(), 3);
    // meta lost the setting it replaces; everything else is as it was.
    let not_meta = |s: &str| {
        s.lines()
            .filter(|l| !l.starts_with("meta:"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(not_meta(&v1_data(&conn)), not_meta(&before));
    let keys: Vec<String> = conn
        .prepare("SELECT key FROM meta ORDER BY key")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(keys, ["id_salt", "max_value_age_months"]);

    let rule = |no: &str| -> (String, f64) {
        conn.query_row(
            "SELECT operator, threshold FROM criterion WHERE no = ?1",
            [no],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    };
    assert_eq!(rule("V1"), ("<=".to_string(), 2.0));
    assert_eq!(rule("C1"), ("<=".to_string(), 2.0));
    // C2 holds the old value again, but was edited: the office's rule stays. So does C3's 3%.
    assert_eq!(rule("C2"), ("<".to_string(), 2.0));
    assert_eq!(rule("C3"), ("<".to_string(), 3.0));
    assert_eq!(rule("C4"), (">=".to_string(), 90.0));

    // The history kept its rows and ids, and records the two changes with the reason.
    let history_after: Vec<(i64, String)> = conn
        .prepare("SELECT id, old_row FROM history WHERE id <= ?1 ORDER BY id")
        .unwrap()
        .query_map([history_before.last().unwrap().0], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(history_after, history_before);
    let migrated: Vec<(String, String, String)> = conn
        .prepare(
            "SELECT row_key, json_extract(old_row, '$.operator'), reason FROM history
             WHERE reason LIKE 'migration 3%' ORDER BY id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(migrated.len(), 2, "{migrated:?}");
    assert_eq!(migrated[0].0, "[\"C1\"]");
    assert_eq!(migrated[1].0, "[\"V1\"]");
    assert!(migrated.iter().all(|m| m.1 == "<"), "{migrated:?}");
    assert!(migrated[0].2.contains("<= 2"), "{}", migrated[0].2);
    // 'insert' is a history action now; the change context is cleared again.
    conn.execute(
        "INSERT INTO history (table_name, action, row_key, old_row) VALUES ('criterion', 'insert', '[\"X\"]', '{}')",
        [],
    )
    .unwrap();
    assert_eq!(
        scalar::<String>(&conn, "SELECT coalesce(reason, '') FROM change_context", []),
        ""
    );

    // The monitoring setting became the fixed line of 2019 and 2020.
    let rules: Vec<(i64, String, f64)> = conn
        .prepare("SELECT year, kind, value FROM monitoring_rule ORDER BY year")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(
        rules,
        [
            (2019, "fixed".to_string(), 4500.0),
            (2020, "fixed".to_string(), 4500.0)
        ]
    );
    // The register's new columns are empty for old rows, and the history triggers copy them.
    assert_eq!(
        scalar::<Option<i64>>(
            &conn,
            "SELECT policy_support FROM household_snapshot WHERE household_id = 'H1'",
            []
        ),
        None
    );
    conn.execute(
        "UPDATE household_snapshot SET policy_support = 1, category_as_written = '一般脱贫户', monitoring_kind = 'unstable' WHERE household_id = 'H1'",
        [],
    )
    .unwrap();
    conn.execute(
        "DELETE FROM household_snapshot WHERE household_id = 'H1'",
        [],
    )
    .unwrap();
    let deleted: serde_json::Value = serde_json::from_str(&scalar::<String>(
        &conn,
        "SELECT old_row FROM history WHERE table_name = 'household_snapshot' AND action = 'delete'",
        [],
    ))
    .unwrap();
    assert_eq!(deleted["policy_support"], 1);
    assert_eq!(deleted["category_as_written"], "一般脱贫户");
    assert_eq!(deleted["monitoring_kind"], "unstable");
    assert_eq!(
        scalar::<i64>(&conn, "SELECT count(*) FROM pragma_foreign_key_check", []),
        0
    );
    drop(conn);

    // `tuopin criteria` names the two rules that differ from the documents.
    let out = assert_cmd::Command::cargo_bin("tuopin")
        .unwrap()
        .env_remove("TUOPIN_DB")
        .arg("--db")
        .arg(&path)
        .arg("criteria")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let warned: Vec<&str> = text
        .lines()
        .zip(text.lines().skip(1))
        .filter(|(_, next)| next.contains("与文件不同"))
        .map(|(l, _)| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(warned, ["C2", "C3"], "{text}");
    assert!(
        text.contains("V1  贫困发生率  ≤ 2% 即“降至2%以下”（含本数）"),
        "{text}"
    );
}

/// Migration 6 keys indicator values by month first. On a version-5 database with values of three
/// months (one of them overwritten, so with history), every value, its source and the history are
/// kept; the key is (period, region_code, indicator_code); the history triggers still record an
/// update and a delete; and the check still finds a value of an earlier month as of a later one.
#[test]
fn migration_6_keys_indicator_values_by_month_and_keeps_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = v1_fixture(dir.path());
    let conn = Connection::open(&path).unwrap();
    db::migrate::migrate_with(&conn, &db::migrate::MIGRATIONS[..5])
        .unwrap()
        .expect("a copy");
    assert_eq!(db::pragma::user_version(&conn).unwrap(), 5);
    conn.execute_batch(
        "INSERT INTO indicator (code, name, unit, value_type) VALUES ('population', '户籍人口', '人', 'count')
             ON CONFLICT DO NOTHING;
         INSERT INTO indicator_value (region_code, indicator_code, period, value, batch_id, line) VALUES
             ('210922-T01-V01', 'population', '2019-01', 1200, 1, 4),
             ('210922-T01-V01', 'population', '2019-02', 1210, 1, 5),
             ('210922-T01-V01', 'hardened_road', '2019-01', 0, 1, 6);
         UPDATE indicator_value SET value = 1211 WHERE period = '2019-02' AND indicator_code = 'population';",
    )
    .unwrap();
    let values = "SELECT * FROM indicator_value ORDER BY region_code, indicator_code, period";
    let history = "SELECT * FROM history ORDER BY id";
    let (values_before, history_before) = (rows_of(&conn, values), rows_of(&conn, history));
    assert_eq!(values_before.len(), 4);
    assert_eq!(history_before.len(), 1);

    db::migrate::migrate_with(&conn, &db::migrate::MIGRATIONS[..6])
        .unwrap()
        .expect("a copy");
    assert_eq!(db::pragma::user_version(&conn).unwrap(), 6);
    assert_eq!(rows_of(&conn, values), values_before);
    assert_eq!(rows_of(&conn, history), history_before);
    let key: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info('indicator_value') WHERE pk > 0 ORDER BY pk")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(key, ["period", "region_code", "indicator_code"]);
    let indexes: Vec<String> = conn
        .prepare("SELECT name FROM pragma_index_list('indicator_value') WHERE origin = 'c' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(indexes, ["indicator_value_batch"]);

    // The triggers came back with the table.
    conn.execute_batch(
        "UPDATE indicator_value SET value = 1 WHERE period = '2019-01' AND indicator_code = 'hardened_road';
         DELETE FROM indicator_value WHERE period = '2019-01' AND indicator_code = 'population';",
    )
    .unwrap();
    let recorded: Vec<(String, String)> = conn
        .prepare("SELECT action, row_key FROM history ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(
        recorded[1..],
        [
            (
                "update".to_string(),
                r#"["210922-T01-V01","hardened_road","2019-01"]"#.to_string()
            ),
            (
                "delete".to_string(),
                r#"["210922-T01-V01","population","2019-01"]"#.to_string()
            ),
        ]
    );

    // As of 2019-04 the latest values are 2019-03's road and 2019-02's population.
    let as_of = |ind: &str| {
        tuopin::model::indicator::value_as_of(
            &conn,
            "210922-T01-V01",
            ind,
            "2019-04".parse().unwrap(),
        )
        .unwrap()
        .map(|v| (v.value, v.period.to_string()))
    };
    assert_eq!(as_of("hardened_road"), Some((1.0, "2019-03".to_string())));
    assert_eq!(as_of("population"), Some((1211.0, "2019-02".to_string())));
    assert_eq!(as_of("poverty_line"), None);
    let months =
        tuopin::model::indicator::months_through(&conn, "2019-02".parse().unwrap()).unwrap();
    let months: Vec<String> = months.iter().map(|m| m.to_string()).collect();
    assert_eq!(months, ["2019-02", "2019-01"]);
}

/// Migration 7 drops the index of indicator values on their batch, and nothing else: the values
/// and the history stay as they were, and the table keeps its key.
#[test]
fn migration_7_drops_the_batch_index_of_indicator_values_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = v1_fixture(dir.path());
    let conn = Connection::open(&path).unwrap();
    db::migrate::migrate_with(&conn, &db::migrate::MIGRATIONS[..6])
        .unwrap()
        .expect("a copy");
    let values = "SELECT * FROM indicator_value ORDER BY period, region_code, indicator_code";
    let schema =
        "SELECT type || ' ' || name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name";
    let batch_index = r#"Text("index indicator_value_batch")"#.to_string();
    let (values_before, schema_before) = (rows_of(&conn, values), rows_of(&conn, schema));
    assert!(!values_before.is_empty());
    assert!(schema_before.contains(&batch_index));

    db::migrate::migrate_with(&conn, &db::migrate::MIGRATIONS[..7])
        .unwrap()
        .expect("a copy");
    assert_eq!(db::pragma::user_version(&conn).unwrap(), 7);
    assert_eq!(rows_of(&conn, values), values_before);
    let expected: Vec<String> = schema_before
        .into_iter()
        .filter(|r| *r != batch_index)
        .collect();
    assert_eq!(rows_of(&conn, schema), expected);
}
