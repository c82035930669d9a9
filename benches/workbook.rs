//! Workbook import benchmark: a 100,000-row register as an .xlsx written by openpyxl (a title
//! row, the header, numbers as number cells), imported by tuopin with all validation, against
//! `pandas.read_excel` just reading the same file, measured in this run; and the same rows as CSV,
//! and the peak memory of a tenth of the rows against all of them (an .xlsx sheet is read row by
//! row, so it should stay flat).
//!
//! `cargo bench --bench workbook` (bench/run.sh installs openpyxl and pandas first).
//! TUOPIN_BENCH_WORKBOOK_ROWS changes the size, TUOPIN_BENCH_RUNS the number of timed runs.

mod common;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::*;
use tuopin::demo::synth::{self, CountyPlan};

const COUNTIES: [&str; 5] = ["210323", "210727", "210922", "211321", "211422"];

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn script() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/workbook.py")
}

fn python_has(modules: &str) -> bool {
    Command::new("python3")
        .args(["-c", &format!("import {modules}")])
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// pandas.read_excel's own time, as the script measures it.
fn pandas_read(path: &Path) -> Duration {
    let out = Command::new("python3")
        .arg(script())
        .arg("read")
        .arg(path)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "pandas: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let secs: f64 = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("seconds");
    Duration::from_secs_f64(secs)
}

fn main() {
    let rows = env_usize("TUOPIN_BENCH_WORKBOOK_ROWS", 100_000) as u64;
    let runs = env_usize("TUOPIN_BENCH_RUNS", 3);
    if !python_has("openpyxl, pandas") {
        println!("workbook bench skipped: python3 with openpyxl and pandas is needed (bench/run.sh installs them)");
        return;
    }
    let dir = scratch();
    let path = |name: &str| dir.path().join(name);
    let plans: Vec<CountyPlan> = COUNTIES
        .iter()
        .map(|code| CountyPlan {
            code,
            townships: 20,
            villages_per_township: 120,
        })
        .collect();
    let villages = synth::village_codes(&plans);
    let mut f = BufWriter::new(File::create(path("regions.csv")).unwrap());
    synth::write_regions(&mut f, &plans).unwrap();
    f.flush().unwrap();
    drop(f);
    for (name, n) in [("households", rows), ("slice", rows / 10)] {
        let csv = path(&format!("{name}.csv"));
        let mut f = BufWriter::new(File::create(&csv).unwrap());
        synth::write_households(&mut f, &villages, n, "2019-03", 42).unwrap();
        f.flush().unwrap();
        drop(f);
        time(
            Command::new("python3")
                .arg(script())
                .arg("make")
                .arg(&csv)
                .arg(path(&format!("{name}.xlsx"))),
        );
    }
    let size_mb = std::fs::metadata(path("households.xlsx")).unwrap().len() as f64 / 1e6;
    println!(
        "workbook bench: {rows} household rows as .xlsx by openpyxl ({size_mb:.1} MB, 16 columns), median of {runs}"
    );

    let base = path("base.db");
    base_with_regions(&base, &path("regions.csv"));
    let import = |file: &str| time_rss(&mut import_into_copy(&base, &path("run.db"), &path(file)));

    let (_, rss_slice) = import("slice.xlsx");
    let (_, rss_full) = import("households.xlsx");
    println!(
        "peak memory of tuopin import (.xlsx): {} MiB for {} rows, {} MiB for {rows} rows",
        rss_slice / 1024,
        rows / 10,
        rss_full / 1024
    );
    let mut ours = Vec::new();
    let mut csv = Vec::new();
    let mut pandas = Vec::new();
    for _ in 0..runs {
        ours.push(import("households.xlsx").0);
        csv.push(import("households.csv").0);
        pandas.push(pandas_read(&path("households.xlsx")));
    }
    let (ours, csv, pandas) = (median(ours), median(csv), median(pandas));
    report(
        "tuopin import households .xlsx (all checks)",
        ours,
        "pandas.read_excel (read only)",
        pandas,
        "<= 0.25 (goal 0.10)",
    );
    println!(
        "the same rows as CSV: {} (.xlsx costs {:.2}x the CSV import)",
        secs(csv),
        ours.as_secs_f64() / csv.as_secs_f64()
    );
}
