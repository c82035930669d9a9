//! National-export benchmark: a county-sized detail export of the national system (1,000,000
//! persons by default, one row each, about 3 per household, 28 columns, places by name) imported
//! by tuopin (grouping into households, places resolved by name, H3–H6 from the members), against
//! `sqlite3 .import` of the same rows into a table keyed by person, in the same run; and tuopin's
//! peak memory for a tenth of the file and for all of it (flat means the same).
//!
//! `cargo bench --bench national` (bench/run.sh installs sqlite3 first).
//! TUOPIN_BENCH_PERSONS changes the size, TUOPIN_BENCH_RUNS the number of timed runs (median).

mod common;

use std::fs::File;
use std::io::{BufWriter, Write};

use common::*;
use tuopin::demo::synth::{self, CountyPlan};
use tuopin::model::period::Period;

/// Two counties, 20 townships × 60 villages each: 2,400 villages named as synth names them.
const COUNTIES: [(&str, &str); 2] = [("210922", "彰武县"), ("211422", "建昌县")];

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let persons = env_u64("TUOPIN_BENCH_PERSONS", 1_000_000);
    let runs = env_u64("TUOPIN_BENCH_RUNS", 3) as usize;
    let dir = scratch();
    let path = |name: &str| dir.path().join(name);
    let period = Period::new(2019, 3).expect("a month");

    let plans: Vec<CountyPlan> = COUNTIES
        .iter()
        .map(|(code, _)| CountyPlan {
            code,
            townships: 20,
            villages_per_township: 60,
        })
        .collect();
    let names: Vec<&str> = COUNTIES.iter().map(|(_, name)| *name).collect();
    let mut f = BufWriter::new(File::create(path("regions.csv")).unwrap());
    synth::write_regions(&mut f, &plans).unwrap();
    f.flush().unwrap();
    drop(f);
    let write = |name: &str, n: u64| {
        let mut f = BufWriter::new(File::create(path(name)).unwrap());
        let households = synth::write_national(&mut f, &plans, &names, n, period, 42).unwrap();
        f.flush().unwrap();
        households
    };
    let households = write("national.csv", persons);
    write("slice.csv", persons / 10);
    let size_mb = std::fs::metadata(path("national.csv")).unwrap().len() as f64 / 1e6;
    // Counted streaming: a forked child's peak memory includes what this process holds.
    let lines = std::io::BufRead::lines(std::io::BufReader::new(
        File::open(path("national.csv")).unwrap(),
    ))
    .count() as u64
        - 3;
    println!(
        "national bench: {lines} person rows of {households} households ({size_mb:.0} MB, 28 columns), median of {runs}"
    );

    let base = path("base.db");
    base_with_regions(&base, &path("regions.csv"));
    let import = |file: &str| time(&mut import_into_copy(&base, &path("run.db"), &path(file)));
    import("slice.csv");
    let rss_slice = children_max_rss_kib();
    import("national.csv");
    let rss_full = children_max_rss_kib();
    println!(
        "peak memory of tuopin import: {} MiB for {} persons, {} MiB for {persons} (flat)",
        rss_slice / 1024,
        persons / 10,
        rss_full / 1024
    );

    let have_sqlite3 = have("sqlite3");
    if !have_sqlite3 {
        println!(
            "sqlite3 CLI not found: install it (bench/run.sh does) to get the reference ratio"
        );
    }
    // The same rows as text, keyed by person as a table of them would be.
    let columns: Vec<String> = synth::NATIONAL_HEADER
        .split(',')
        .enumerate()
        .map(|(i, _)| format!("c{i} TEXT"))
        .collect();
    let schema = format!(
        "CREATE TABLE p ({}, PRIMARY KEY (c6)) WITHOUT ROWID;",
        columns.join(", ")
    );
    let mut ours = Vec::new();
    let mut reference = Vec::new();
    for _ in 0..runs {
        ours.push(import("national.csv"));
        if have_sqlite3 {
            reference.push(time_sqlite3_import(
                &path("ref.db"),
                &schema,
                &path("national.csv"),
                3,
                "p",
            ));
        }
    }
    let ours = median(ours);
    let mut bars = Bars::default();
    if have_sqlite3 {
        let reference = median(reference);
        report(
            "tuopin import of the national export",
            ours,
            "sqlite3 .import (same rows)",
            reference,
            "<= 1.50",
        );
        bars.at_most(
            "national import ÷ sqlite3 .import",
            ours.as_secs_f64() / reference.as_secs_f64(),
            1.5,
        );
    } else {
        println!("tuopin import of the national export: {}", secs(ours));
    }
    bars.exit();
}
