//! Bulletin extraction benchmark: the seed (第24–28期) through the binary, and 1,000 generated
//! issues (about 10 MB: the seed's and the development set's articles, renumbered) through the
//! binary and through the library alone. Targets: the seed under 50 ms, 1,000 issues under 5 s.
//!
//! `cargo bench --bench bulletin`. TUOPIN_BENCH_ISSUES changes the count, TUOPIN_BENCH_RUNS the
//! number of timed runs (median).

mod common;

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use common::*;
use tuopin::bulletin::{self, Defaults, Reference};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The bodies of the seed issues and the development texts, without their mastheads.
fn bodies(root: &Path) -> Vec<String> {
    let reference = Reference::embedded().expect("reference data");
    let mut out = Vec::new();
    let mut files = vec![root.join("data/bulletins-2019-03.txt")];
    let fixtures = root.join("tests/fixtures/bulletins");
    let mut dev: Vec<_> = std::fs::read_dir(&fixtures)
        .expect("fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    dev.sort();
    files.extend(dev);
    let defaults = Defaults {
        date: Some("2020-01-01".into()),
        office: Some("某省扶贫开发办公室".into()),
    };
    for f in files {
        let text = std::fs::read_to_string(&f).expect("bench text");
        let ex = bulletin::extract_text(&text, &defaults, &reference).expect("extract");
        out.extend(ex.issues.into_iter().map(|i| i.text));
    }
    out
}

fn main() {
    let issues = env_usize("TUOPIN_BENCH_ISSUES", 1000);
    let runs = env_usize("TUOPIN_BENCH_RUNS", 3);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = scratch();
    let db = dir.path().join("none.db");
    let seed = root.join("data/bulletins-2019-03.txt");

    let seed_times: Vec<_> = (0..runs.max(5))
        .map(|_| {
            time(
                Command::new(tuopin())
                    .arg("--db")
                    .arg(&db)
                    .args(["bulletin", "extract", "--format", "json"])
                    .arg(&seed),
            )
        })
        .collect();
    let seed_ms = median(seed_times).as_secs_f64() * 1000.0;
    println!("seed (5 issues, 21 KB), whole command: {seed_ms:.1} ms  (target < 50 ms)");

    // 1,000 issues of about 10 KB each: articles in rotation under a masthead each.
    let bodies = bodies(root);
    let mut text = String::new();
    let mut k = 0;
    for n in 0..issues {
        let _ = write!(
            text,
            "脱贫攻坚快报\n\n第 {} 期（总第 {} 期）\n\n辽宁省脱贫攻坚领导小组办公室\n\n2019 年 {} 月 {} 日\n\n",
            n % 60 + 1,
            n + 1,
            n % 12 + 1,
            n % 28 + 1
        );
        let start = text.len();
        while text.len() - start < 10_000 {
            text.push_str(&bodies[k % bodies.len()]);
            text.push_str("\n\n");
            k += 1;
        }
        text.push_str("报送：国务院扶贫开发领导小组办公室\n\n分送：各市扶贫办\n\n");
    }
    let big = dir.path().join("issues.txt");
    std::fs::write(&big, &text).expect("write bench text");
    let mb = text.len() as f64 / 1e6;

    let reference = Reference::embedded().expect("reference data");
    let mut facts = 0;
    let lib_times: Vec<_> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let ex =
                bulletin::extract_text(&text, &Defaults::default(), &reference).expect("extract");
            facts = ex.proposals.len();
            assert_eq!(ex.issues.len(), issues);
            start.elapsed()
        })
        .collect();
    let lib = median(lib_times);
    let cmd_times: Vec<_> = (0..runs)
        .map(|_| {
            time(
                Command::new(tuopin())
                    .arg("--db")
                    .arg(&db)
                    .args(["bulletin", "extract", "--format", "json"])
                    .arg(&big),
            )
        })
        .collect();
    let cmd = median(cmd_times);
    println!(
        "{issues} issues ({mb:.1} MB, {facts} facts): library {}, whole command with JSON {}  (target < 5 s)",
        secs(lib),
        secs(cmd)
    );
    assert!(!db.exists(), "extract must not create a database");
}
