//! Chart benchmark on the demo data: one chart, and `chart all` for the five 2019 planned-exit
//! counties (16 PNGs), each the median of several runs, next to `tuopin check counties` (the same
//! verdicts as text) measured in the same run.
//!
//! `cargo bench --bench charts`; TUOPIN_BENCH_RUNS sets the number of timed runs (default 5).

mod common;

use std::process::Command;
use std::time::Duration;

use common::*;

fn main() {
    let runs: usize = std::env::var("TUOPIN_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let dir = scratch();
    let demo = dir.path().join("demo");
    println!("charts bench: building the demo database (tuopin demo) ...");
    let built = time(Command::new(tuopin()).arg("demo").arg("--out").arg(&demo));
    println!(
        "tuopin demo (whole main job): {} (target < 60 s)",
        secs(built)
    );
    let db = demo.join("tuopin.db");
    let out = dir.path().join("charts");
    let run = |args: &[&str]| -> Duration {
        time(
            Command::new(tuopin())
                .arg("--db")
                .arg(&db)
                .args(args)
                .arg("--out")
                .arg(&out),
        )
    };
    // The same verdicts as text: what the charts add on top of the check itself.
    let reference = median(
        (0..runs)
            .map(|_| {
                time(
                    Command::new(tuopin())
                        .arg("--db")
                        .arg(&db)
                        .args(["check", "counties"]),
                )
            })
            .collect(),
    );
    let one = |args: &[&str]| median((0..runs).map(|_| run(args)).collect());
    let cases: [(&str, &[&str], f64); 4] = [
        (
            "chart criteria (朝阳县, 8 poor villages)",
            &["chart", "criteria", "--county", "211321"],
            0.3,
        ),
        (
            "chart incidence (朝阳县, 24 months)",
            &["chart", "incidence", "--county", "211321"],
            0.3,
        ),
        (
            "chart households (彰武县, 24 months)",
            &["chart", "households", "--county", "210922"],
            0.3,
        ),
        ("chart all (5 counties, 16 charts)", &["chart", "all"], 5.0),
    ];
    for (name, args, target) in cases {
        let t = one(args);
        report(
            name,
            t,
            "tuopin check counties",
            reference,
            &format!("< {target} s"),
        );
    }
}
