//! The household import validates on one thread and writes on another: the database it leaves is
//! the one the single-threaded import left (the demo's registers, both forms), the problems come in
//! the same order, and a file whose last row is bad writes nothing.

use super::*;

/// The demo's register tables in key order, without what differs between runs (the salted ID
/// hashes, the clock).
fn register_dump(conn: &rusqlite::Connection) -> String {
    const QUERIES: [&str; 5] = [
        "SELECT period, household_id, village_code, head_name, id_hash IS NOT NULL, id_masked, size,
                category, cause, status, exit_year, income_per_capita, food_clothing_ok, education_ok,
                medical_ok, housing_safe, water_safe, batch_id, line, category_as_written,
                policy_support, monitoring_kind
         FROM household_snapshot ORDER BY period, household_id",
        "SELECT * FROM register_snapshot ORDER BY county_code, period",
        "SELECT * FROM household_evidence ORDER BY period, household_id, standard",
        "SELECT id, file_name, sha256, rows_read, rows_written, scope, period, undone_at IS NULL
         FROM import_batch WHERE kind = 'households' ORDER BY id",
        "SELECT table_name, action, row_key, json_remove(old_row, '$.id_hash'), changed_by, reason
         FROM history WHERE table_name IN ('household_snapshot', 'register_snapshot', 'household_evidence')
         ORDER BY id",
    ];
    let mut out = String::new();
    for sql in QUERIES {
        let mut stmt = conn.prepare(sql).unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            let cells: Vec<String> = (0..n)
                .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                .collect();
            out.push_str(&cells.join("|"));
            out.push('\n');
        }
        out.push_str("--\n");
    }
    out
}

/// `tuopin demo` with `binary` into `s/run`: the register dump and the import summaries.
fn demo_register(binary: &std::path::Path, s: &Scratch) -> (String, usize) {
    let out = std::process::Command::new(binary)
        .current_dir(s.dir.path())
        .env_remove("TUOPIN_DB")
        .args(["demo", "--out", "run", "--months", "2018-11..2019-02"])
        .args(["--villages", "6", "--households", "300", "--seed", "7"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    let conn = open(&s.path("run/tuopin.db"));
    let national: i64 = scalar(&conn, "SELECT count(*) FROM household_evidence", []);
    let dump = register_dump(&conn);
    (dump, national as usize)
}

/// The digest of `register_dump` of the demo above, as the single-threaded import (main before
/// the pipeline, 5516334) left it. With `TUOPIN_BASELINE_BIN` set to a binary of that version,
/// the test compares the whole dumps instead.
const DEMO_REGISTER_SHA256: &str =
    "b6d7fb047320383187226becc9c1bcb53aefed77454318e9c2e1d7f71904b610";

#[test]
fn the_demo_registers_are_stored_as_the_single_threaded_import_stored_them() {
    let s = Scratch::new();
    let ours = assert_cmd::cargo::cargo_bin("tuopin");
    let (dump, evidence) = demo_register(&ours, &s);
    assert!(
        dump.lines().count() > 5_000,
        "{} lines",
        dump.lines().count()
    );
    assert!(
        evidence > 0,
        "the national export's evidence is part of the comparison"
    );
    if let Some(baseline) = std::env::var_os("TUOPIN_BASELINE_BIN") {
        let b = Scratch::new();
        let (before, _) = demo_register(std::path::Path::new(&baseline), &b);
        assert!(dump == before, "the register differs from the baseline's");
    }
    assert_eq!(
        tuopin::db::batch::sha256_hex(dump.as_bytes()),
        DEMO_REGISTER_SHA256
    );
}

/// A register of `n` rows in the contract's form (the fixture's villages, numbers P00001 …).
fn register(n: usize) -> String {
    let mut text = format!("{HEADER}\n");
    for i in 1..=n {
        text.push_str(&format!(
            "2019-03,P{i:05},{SANJIAZI},户主{i},,3,一般贫困户,因病,已脱贫,2018,6200,是,是,是,是,是\n"
        ));
    }
    text
}

fn nothing_written(s: &Scratch) {
    let conn = s.open();
    for table in [
        "household_snapshot",
        "register_snapshot",
        "household_evidence",
    ] {
        let n: i64 = scalar(&conn, &format!("SELECT count(*) FROM {table}"), []);
        assert_eq!(n, 0, "{table}");
    }
    let batches: i64 = scalar(
        &conn,
        "SELECT count(*) FROM import_batch WHERE kind = 'households'",
        [],
    );
    assert_eq!(batches, 0);
}

#[test]
fn a_bad_last_row_of_a_large_file_writes_nothing() {
    // Far more rows than the channel holds: most are written before the last row is read.
    let rows = 20_000;
    for (case, last) in [
        (
            "bad cell",
            format!("2019-03,P99999,{SANJIAZI},户主,,零,一般贫困户,因病,已脱贫,2018,6200,是,是,是,是,是"),
        ),
        (
            "duplicate found by the writer",
            format!("2019-03,P00002,{SANJIAZI},户主,,3,一般贫困户,因病,已脱贫,2018,6200,是,是,是,是,是"),
        ),
    ] {
        let s = Scratch::new();
        s.init();
        let file = s.write("台账.csv", format!("{}{last}\n", register(rows)));
        let out = s
            .tuopin(&["import", "households"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{case}");
        let err = stderr(&out);
        let line = format!("台账.csv:{}", rows + 2);
        assert!(err.contains(&line), "{case}: {err}");
        if case.starts_with("duplicate") {
            assert!(err.contains("第 3 行已出现"), "{case}: {err}");
        }
        nothing_written(&s);
    }
}

#[test]
fn the_writers_problems_come_in_file_order_among_validations() {
    let s = Scratch::new();
    s.init();
    let mut text = register(3000);
    // Line 1001: a bad cell (validation); 1501: a duplicate of line 3 (found on writing); 2001:
    // a bad cell; 2501: a duplicate of an invalid row (validation, from its own list).
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[1000] = lines[1000].replace(",3,一般贫困户", ",-1,一般贫困户");
    lines[1500] = lines[1500].replace("P01500", "P00002");
    lines[2000] = lines[2000].replace(",3,一般贫困户", ",x,一般贫困户");
    lines[2500] = lines[2500].replace("P02500", "P01000");
    text = lines.join("\n") + "\n";
    let file = s.write("台账.csv", text);
    let out = s
        .tuopin(&["import", "households"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = stderr(&out);
    let at: Vec<usize> = [":1001", ":1501", ":2001", ":2501"]
        .iter()
        .map(|l| {
            err.find(&format!("台账.csv{l}"))
                .unwrap_or_else(|| panic!("{l}: {err}"))
        })
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{err}");
    assert!(err.contains("第 3 行已出现"), "{err}");
    assert!(err.contains("第 1001 行已出现"), "{err}");
    nothing_written(&s);
}
