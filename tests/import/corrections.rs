//! Corrections large enough to go through the writer's sets of 64 rows: a register in household
//! order (read as ranges of the key), one in another order (one `IN` query a set), one that
//! leaves out most of the stored households (ranges past their limit), and one that lists every
//! stored household (no pass over the month for missing ones). Each is compared with what the
//! database must hold afterwards, row by row.

use super::*;

/// A row of household `n`: `income` sets the only figure that changes between files.
fn row(n: usize, income: usize) -> String {
    format!("2019-03,H{n:04},{SANJIAZI},,,3,,,未脱贫,,{income},,,,,\n")
}

fn file(rows: impl IntoIterator<Item = String>) -> String {
    let mut text = format!("{HEADER}\n");
    text.extend(rows);
    text
}

/// (household, income) of the month, in household order.
fn stored(conn: &rusqlite::Connection) -> Vec<(String, f64)> {
    conn.prepare(
        "SELECT household_id, income_per_capita FROM household_snapshot
         WHERE period = '2019-03' ORDER BY household_id",
    )
    .unwrap()
    .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

/// read, inserted, updated, unchanged of the summary row of `name`.
fn counts(out: &std::process::Output, name: &str) -> Vec<String> {
    let text = stdout(out);
    let row: Vec<&str> = text
        .lines()
        .find(|l| l.contains(name))
        .unwrap_or_else(|| panic!("{text}"))
        .split_whitespace()
        .collect();
    row[2..6].iter().map(|c| c.replace(',', "")).collect()
}

fn import(s: &Scratch, name: &str, text: String) -> std::process::Output {
    let path = s.write(name, text);
    let out = s
        .tuopin(&["import", "households"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{name}: {}", stderr(&out));
    out
}

#[test]
fn corrections_in_order_out_of_order_sparse_and_complete() {
    let s = Scratch::new();
    s.init();
    // 1,000 households, H0000..H0999, income 1000 + n.
    import(&s, "first.csv", file((0..1000).map(|n| row(n, 1000 + n))));
    let mut expected: Vec<(String, f64)> = (0..1000)
        .map(|n| (format!("H{n:04}"), (1000 + n) as f64))
        .collect();
    assert_eq!(stored(&s.open()), expected);

    // In household order: every tenth income changed, H0500..H0509 left out, H1000 added.
    let in_order = (0..1001)
        .filter(|n| !(500..510).contains(n))
        .map(|n| row(n, if n % 10 == 3 { 5000 + n } else { 1000 + n }));
    let out = import(&s, "in-order.csv", file(in_order));
    assert_eq!(counts(&out, "in-order.csv"), ["991", "1", "99", "891"]);
    expected.retain(|(id, _)| !("H0500".."H0510").contains(&id.as_str()));
    for (id, income) in &mut expected {
        let n: usize = id[1..].parse().unwrap();
        if n % 10 == 3 {
            *income = (5000 + n) as f64;
        }
    }
    expected.push(("H1000".to_string(), 2000.0));
    let conn = s.open();
    assert_eq!(stored(&conn), expected);
    let removed: i64 = scalar(
        &conn,
        "SELECT count(*) FROM history WHERE action = 'delete' AND table_name = 'household_snapshot'",
        [],
    );
    assert_eq!(removed, 10);
    drop(conn);

    // The same households in another order (last to first), one more income changed: nothing
    // left out, so nothing removed.
    let mut reversed: Vec<usize> = (0..1001).filter(|n| !(500..510).contains(n)).collect();
    reversed.reverse();
    let out = import(
        &s,
        "reversed.csv",
        file(reversed.iter().map(|&n| {
            let income = match n {
                7 => 7777,
                n if n % 10 == 3 && n < 1000 => 5000 + n,
                1000 => 2000,
                n => 1000 + n,
            };
            row(n, income)
        })),
    );
    assert_eq!(counts(&out, "reversed.csv"), ["991", "0", "1", "990"]);
    expected[7].1 = 7777.0;
    assert_eq!(stored(&s.open()), expected);

    // Every fifth household only (the sets span five times their rows, past a range's limit):
    // the others are removed, the listed ones unchanged.
    let sparse: Vec<usize> = (0..1001)
        .filter(|n| n % 5 == 0 && !(500..510).contains(n))
        .collect();
    let out = import(
        &s,
        "sparse.csv",
        file(sparse.iter().map(|&n| {
            let income = match n {
                1000 => 2000,
                n => 1000 + n,
            };
            row(n, income)
        })),
    );
    assert_eq!(counts(&out, "sparse.csv"), ["199", "0", "0", "199"]);
    expected.retain(|(id, _)| id[1..].parse::<usize>().unwrap() % 5 == 0);
    assert_eq!(stored(&s.open()), expected);
    let conn = s.open();
    assert_eq!(
        scalar::<i64>(&conn, "SELECT households FROM register_snapshot", []),
        199
    );
    fk_clean(&conn);
    drop(conn);
    s.tuopin(&["verify"]).assert().success();
}
