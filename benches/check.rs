//! Check benchmark: a province-sized database (12,000 villages over the five 2019 planned-exit
//! counties, 1,000,000 households in each of 12 monthly snapshots 2019-01..2019-12, the village
//! indicators of every month and the counties' quarterly survey figures), built through the real
//! importer from synthetic CSV files. Times `tuopin check villages --format json` for all villages
//! and `tuopin check counties` as of 2019-12, against one hand-written SQL query computing poverty
//! incidence for all villages of that month, run by the sqlite3 CLI (what a user would otherwise
//! do), all in the same run. After timing, the check's V1 figure of every village is compared with
//! the query's result, so both sides are known to compute the same thing. Peak memory is measured
//! per `tuopin` process (wait4), for every import and check.
//!
//! Then the same at 3× the households in the same villages, one month only (a check reads no other
//! month of the register), for the peak memory against the register's size. The ratios of issue 16
//! are printed as `bar:` lines against their bars (check ÷ query ≤ 2.0, memory 3× ÷ 1× ≤ 1.3,
//! indicator values/s ÷ household rows/s ≥ 1.0, at 10× memory ≤ 150 MB); the bench exits 1 when
//! one is missed.
//!
//! TUOPIN_BENCH_SCALE=1 adds the same import and check at 10×: 10,000,000 households in one
//! month's file over 128,000 villages (roughly China's national register), and prints how each
//! cost grew. It takes several minutes and about 5 GB of disk under the temporary folder.
//!
//! `cargo bench --bench check` (bench/run.sh installs sqlite3 first).
//! TUOPIN_BENCH_ROWS changes the households per month (default 1,000,000), TUOPIN_BENCH_RUNS the
//! number of timed runs (median, default 3), TUOPIN_BENCH_MONTHS the months of register and
//! indicators before the checked one is reached (default 12: 2019-01..2019-12; fewer builds faster,
//! and the checks read only the checked month), TUOPIN_BENCH_KEEP=1 keeps the databases and prints
//! where they are (for profiling).

mod common;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use tuopin::demo::synth::{self, CountyPlan};
use tuopin::model::period::Period;
use tuopin::output::number::number;

/// The five 2019 planned-exit counties.
const COUNTIES: [&str; 5] = ["210323", "210727", "210922", "211321", "211422"];
const PROVINCE: &str = "21";
/// The month checked.
const PERIOD: &str = "2019-12";

// What a user who knows the schema would write: poor people over the village population, for
// every village, from the month's register. The population is always reported in the generated
// files, so joining on the same month finds the value the check's as-of rule finds.
const INCIDENCE_QUERY: &str = "SELECT h.village_code, sum(h.size) * 100.0 / p.value
FROM household_snapshot h
JOIN indicator_value p
  ON p.region_code = h.village_code AND p.indicator_code = 'population' AND p.period = h.period
WHERE h.period = '2019-12' AND h.status IN ('poor', 'returned')
GROUP BY h.village_code;";

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn env_flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| !v.is_empty() && v != "0")
}

/// One database size to build and measure.
#[derive(Clone)]
struct Size {
    label: &'static str,
    townships: usize,
    villages_per_township: usize,
    /// Households in each month's register.
    households: u64,
    /// Months of register and indicators; the last one is PERIOD.
    months: Vec<Period>,
}

/// What one size measured.
struct Figures {
    villages: usize,
    households: u64,
    import: Duration,
    import_rss_kib: i64,
    check_villages: Duration,
    villages_rss_kib: i64,
    check_counties: Duration,
    counties_rss_kib: i64,
    query: Option<Duration>,
    json_mb: f64,
    /// Indicator values imported, and the time their files took.
    indicator_values: u64,
    indicator_time: Duration,
}

fn main() {
    let households = env_usize("TUOPIN_BENCH_ROWS", 1_000_000) as u64;
    let runs = env_usize("TUOPIN_BENCH_RUNS", 3).max(1);
    let last: Period = PERIOD.parse().expect("PERIOD");
    let months = env_usize("TUOPIN_BENCH_MONTHS", 12).clamp(1, 12) as u32;
    let first = Period::new(2019, 13 - months).expect("a month of 2019");
    let have_sqlite3 = have("sqlite3");
    if !have_sqlite3 {
        println!(
            "sqlite3 CLI not found: install it (bench/run.sh does) to get the reference query"
        );
    }

    let one = Size {
        label: "1×",
        townships: 20,
        villages_per_township: 120,
        households,
        months: first.through(last).collect(),
    };
    let base = measure(&one, runs, have_sqlite3);
    report_size(&one, &base);
    let mut bars = Bars::default();
    if let Some(q) = base.query {
        bars.at_most(
            "check villages ÷ hand-written GROUP BY (1×)",
            ratio(base.check_villages, q),
            2.0,
        );
    }
    bars.at_least(
        "indicator values/s ÷ household rows/s",
        (base.indicator_values as f64 / base.indicator_time.as_secs_f64())
            / (base.households as f64 / base.import.as_secs_f64()),
        1.0,
    );

    // Memory against the register's size: three times the households in the same villages, the
    // checked month only (a check reads no other month of the register).
    let three = Size {
        label: "3×",
        households: households * 3,
        months: vec![last],
        ..one
    };
    let tripled = measure(&three, runs, have_sqlite3);
    report_size(&three, &tripled);
    if let Some(q) = tripled.query {
        bars.at_most(
            "check villages ÷ hand-written GROUP BY (3×)",
            ratio(tripled.check_villages, q),
            2.0,
        );
    }
    bars.at_most(
        "check villages peak memory 3× ÷ 1×",
        tripled.villages_rss_kib as f64 / base.villages_rss_kib as f64,
        1.3,
    );
    bars.at_most(
        "check counties peak memory 3× ÷ 1×",
        tripled.counties_rss_kib as f64 / base.counties_rss_kib as f64,
        1.3,
    );

    if !env_flag("TUOPIN_BENCH_SCALE") {
        println!(
            "scale (10×) skipped: set TUOPIN_BENCH_SCALE=1 to run it (minutes, ~5 GB of disk)"
        );
        bars.exit();
    }
    // 5 counties × 160 townships × 160 villages = 128,000 villages; one month, as a national
    // register would be checked.
    let ten = Size {
        label: "10×",
        townships: 160,
        villages_per_township: 160,
        households: households * 10,
        months: vec![last],
    };
    let big = measure(&ten, runs, have_sqlite3);
    report_size(&ten, &big);
    report_growth(&base, &big);
    if let Some(q) = big.query {
        bars.at_most(
            "check villages ÷ hand-written GROUP BY (10×)",
            ratio(big.check_villages, q),
            2.0,
        );
    }
    bars.at_most(
        "check villages peak memory at 10× (MB)",
        big.villages_rss_kib as f64 * 1024.0 / 1e6,
        150.0,
    );
    bars.exit();
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}

/// Build the database of `size` through the importer, then time the checks and the query.
fn measure(size: &Size, runs: usize, have_sqlite3: bool) -> Figures {
    let dir = scratch();
    let path = |name: &str| dir.path().join(name);
    let plans: Vec<CountyPlan> = COUNTIES
        .iter()
        .map(|code| CountyPlan {
            code,
            townships: size.townships,
            villages_per_township: size.villages_per_township,
        })
        .collect();
    let villages = synth::village_codes(&plans);
    println!(
        "\n== check bench {}: {} villages, {} households × {} month(s), checked as of {PERIOD} ==",
        size.label,
        number(villages.len() as f64),
        number(size.households as f64),
        size.months.len()
    );
    let started = Instant::now();
    let db = path("province.db");
    let tuopin_db = || {
        let mut cmd = Command::new(tuopin());
        cmd.arg("--db").arg(&db);
        cmd
    };
    // Every import runs the `tuopin` binary, so that its memory is its own: this process stays
    // small, as a child's peak RSS counts the parent's at the moment of exec.
    let import = |kind: &str, file: &Path| {
        let measured = time_rss(tuopin_db().args(["import", kind]).arg(file));
        remove(file);
        measured
    };
    time(tuopin_db().arg("init"));
    let regions = path("regions.csv");
    write_file(&regions, |f| synth::write_regions(f, &plans));
    import("regions", &regions);
    let regions_only = path("regions-only.db");
    copy(&db, &regions_only);

    // The checked month first, on a database holding only regions: the import figure compared
    // across sizes and with the indicator import, the median of `runs` imports (each into the
    // database holding only regions: one run is as noisy as the ratio's margin). Then the other
    // months, with a different seed each, so that statuses and incomes move between snapshots.
    let mut months = size.months.clone();
    months.rotate_right(1);
    let mut import_time = Duration::ZERO;
    let mut import_rss_kib = 0;
    for (i, &p) in months.iter().enumerate() {
        let file = path(&format!("households-{p}.csv"));
        write_file(&file, |f| {
            synth::write_households(
                f,
                &villages,
                size.households,
                &p.to_string(),
                42 + p.month() as u64,
            )
        });
        let mb = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
        let (t, rss) = if i == 0 {
            let mut times = Vec::new();
            let mut rss = 0;
            for _ in 0..runs {
                let (t, r) = time_rss(&mut import_into_copy(&regions_only, &db, &file));
                times.push(t);
                rss = rss.max(r);
            }
            remove(&file);
            remove(&regions_only);
            import_time = median(times);
            (import_time, rss)
        } else {
            import("households", &file)
        };
        import_rss_kib = import_rss_kib.max(rss);
        println!(
            "  tuopin import households {p}: {} rows ({mb:.0} MB) in {}, peak memory {} MiB{}",
            number(size.households as f64),
            secs(t),
            rss / 1024,
            if i == 0 { " (timed: median)" } else { "" }
        );
    }
    let values_before = count_values(&db);
    let mut indicator_time = Duration::ZERO;
    for (i, &p) in size.months.iter().enumerate() {
        let file = path(&format!("indicators-{p}.csv"));
        write_file(&file, |f| {
            synth::write_indicators(f, &plans, PROVINCE, &p.to_string(), 7)
        });
        indicator_time += import("indicators", &file).0;
        if (i + 1) % 4 == 0 || i + 1 == size.months.len() {
            println!(
                "  tuopin import indicators through {p}: {} in all",
                secs(indicator_time)
            );
        }
    }
    let indicator_values = count_values(&db) - values_before;
    let db_mb = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
    println!(
        "  built in {} ({db_mb:.0} MB database)",
        secs(started.elapsed())
    );

    let check = |what: &str, format: &str| {
        let mut cmd = tuopin_db();
        cmd.args(["check", what, "--period", PERIOD, "--format", format]);
        cmd
    };
    let query = || {
        let mut cmd = Command::new("sqlite3");
        cmd.arg(&db).arg(INCIDENCE_QUERY);
        cmd
    };
    // One untimed run of each, so that all of them find the database in the page cache. The JSON
    // is counted as it streams by, not collected: this process must stay small (see `import`).
    let json_mb = {
        let mut child = check("villages", "json")
            .stdout(Stdio::piped())
            .spawn()
            .expect("run check villages");
        let mut stdout = child.stdout.take().expect("piped stdout");
        let bytes = std::io::copy(&mut stdout, &mut std::io::sink()).expect("read the JSON");
        assert!(
            child.wait().expect("wait").success(),
            "check villages failed"
        );
        bytes as f64 / 1e6
    };
    time(&mut check("counties", "table"));
    if have_sqlite3 {
        time(&mut query());
    }

    println!("  load average before timing: {}", load());
    let mut ours = Vec::new();
    let mut counties = Vec::new();
    let mut reference = Vec::new();
    let (mut villages_rss_kib, mut counties_rss_kib) = (0, 0);
    for _ in 0..runs {
        let (t, rss) = time_rss(&mut check("villages", "json"));
        ours.push(t);
        villages_rss_kib = villages_rss_kib.max(rss);
        let (t, rss) = time_rss(&mut check("counties", "table"));
        counties.push(t);
        counties_rss_kib = counties_rss_kib.max(rss);
        if have_sqlite3 {
            reference.push(time(&mut query()));
        }
    }
    // Last, as it is the one step that holds the query's result in this process.
    if have_sqlite3 {
        cross_check(&db, villages.len());
    }
    if env_flag("TUOPIN_BENCH_KEEP") {
        let kept: PathBuf = dir.keep();
        println!("  kept: {}", kept.display());
    }
    Figures {
        villages: villages.len(),
        households: size.households,
        import: import_time,
        import_rss_kib,
        check_villages: median(ours),
        villages_rss_kib,
        check_counties: median(counties),
        counties_rss_kib,
        query: (!reference.is_empty()).then(|| median(reference)),
        json_mb,
        indicator_values,
        indicator_time,
    }
}

/// Indicator values stored in the database.
fn count_values(db: &Path) -> u64 {
    let conn = rusqlite::Connection::open(db).expect("open the bench database");
    conn.query_row("SELECT count(*) FROM indicator_value", [], |r| {
        r.get::<_, i64>(0)
    })
    .expect("count indicator values") as u64
}

fn report_size(size: &Size, f: &Figures) {
    println!(
        "check bench {}: {} villages, {} households per month, {} month(s); JSON output {:.0} MB",
        size.label,
        number(f.villages as f64),
        number(f.households as f64),
        size.months.len(),
        f.json_mb
    );
    match f.query {
        Some(q) => {
            report(
                "tuopin check villages (10 criteria, json)",
                f.check_villages,
                "sqlite3 incidence query",
                q,
                "<= 2.00 (issue 16)",
            );
            report(
                "tuopin check counties (6 criteria)",
                f.check_counties,
                "sqlite3 incidence query",
                q,
                "-",
            );
        }
        None => {
            println!(
                "tuopin check villages (10 criteria, json): {}",
                secs(f.check_villages)
            );
            println!(
                "tuopin check counties (6 criteria): {}",
                secs(f.check_counties)
            );
        }
    }
    let rows_per_s = f.households as f64 / f.import.as_secs_f64();
    println!(
        "{:<44} {:>9}   {:.0} rows/s",
        "tuopin import households (one month)",
        secs(f.import),
        rows_per_s
    );
    let values_per_s = f.indicator_values as f64 / f.indicator_time.as_secs_f64();
    println!(
        "{:<44} {:>9}   {:.0} values/s ({} values)   ratio to household rows/s {:.2}   target >= 1.00 (issue 16)",
        "tuopin import indicators (every month)",
        secs(f.indicator_time),
        values_per_s,
        number(f.indicator_values as f64),
        values_per_s / rows_per_s
    );
    println!(
        "peak memory: check villages {} MiB, check counties {} MiB (target < 300 MB); imports {} MiB at most (target < 150 MiB)",
        f.villages_rss_kib / 1024,
        f.counties_rss_kib / 1024,
        f.import_rss_kib / 1024
    );
}

/// How each cost grew from 1× to 10×: linear when the ratio is close to the size ratio.
fn report_growth(base: &Figures, big: &Figures) {
    let rows = big.households as f64 / base.households as f64;
    let villages = big.villages as f64 / base.villages as f64;
    println!(
        "\nscale: {rows:.0}× the households ({} → {}), {villages:.1}× the villages ({} → {})",
        number(base.households as f64),
        number(big.households as f64),
        number(base.villages as f64),
        number(big.villages as f64),
    );
    // Linear: the time grew like the size that drives it (households for the import and the
    // query; households and villages for the checks, whichever grew more), give or take 25%.
    let line = |name: &str, a: Duration, b: Duration, size: f64| {
        let ratio = b.as_secs_f64() / a.as_secs_f64();
        let per_unit = ratio / size;
        let shape = if per_unit < 0.8 {
            "sub-linear"
        } else if per_unit <= 1.25 {
            "linear"
        } else {
            "super-linear"
        };
        println!(
            "{name:<44} {:>9} → {:>9}   ratio {ratio:>6.2}   per unit {per_unit:>4.2}   {shape}",
            secs(a),
            secs(b)
        );
    };
    let checks = rows.max(villages);
    line(
        "tuopin import households (one month)",
        base.import,
        big.import,
        rows,
    );
    line(
        "tuopin check villages (json)",
        base.check_villages,
        big.check_villages,
        checks,
    );
    line(
        "tuopin check counties",
        base.check_counties,
        big.check_counties,
        checks,
    );
    if let (Some(a), Some(b)) = (base.query, big.query) {
        line("sqlite3 incidence query", a, b, rows);
    }
    println!(
        "peak memory of the import: {} MiB → {} MiB (target < 150 MiB, flat); check villages {} MiB → {} MiB, check counties {} MiB → {} MiB",
        base.import_rss_kib / 1024,
        big.import_rss_kib / 1024,
        base.villages_rss_kib / 1024,
        big.villages_rss_kib / 1024,
        base.counties_rss_kib / 1024,
        big.counties_rss_kib / 1024
    );
}

/// The V1 value of every village in the check's output equals the query's incidence (a village with
/// no poor household is absent from the query and must show 0). Read from the CSV format, streamed,
/// so that this process stays small at any size.
fn cross_check(db: &Path, villages: usize) {
    let out = Command::new("sqlite3")
        .args(["-csv"])
        .arg(db)
        .arg(INCIDENCE_QUERY)
        .output()
        .expect("run sqlite3");
    assert!(
        out.status.success(),
        "sqlite3 query failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut expected = std::collections::HashMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let (code, value) = line.rsplit_once(',').expect("code,value");
        let value: f64 = value.parse().expect("a number");
        expected.insert(code.to_string(), value);
    }
    drop(out);
    let mut child = Command::new(tuopin())
        .arg("--db")
        .arg(db)
        .args([
            "check", "villages", "--period", PERIOD, "--format", "csv", "--no-bom",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("run check villages");
    let mut csv = csv::Reader::from_reader(child.stdout.take().expect("piped stdout"));
    let header = csv.headers().expect("CSV header").clone();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name:?} in {header:?}"))
    };
    let (code_at, v1_at) = (column("代码"), column("V1 值"));
    let mut compared = 0;
    for row in csv.records() {
        let row = row.expect("a CSV row");
        let code = &row[code_at];
        // The real villages that `init` loads have no population here: no data on both sides.
        if row[v1_at].is_empty() {
            assert!(
                !expected.contains_key(code),
                "{code}: the check has no V1 value, the query has one"
            );
            continue;
        }
        let ours: f64 = row[v1_at].parse().expect("a number");
        let theirs = expected.get(code).copied().unwrap_or(0.0);
        assert!(
            (ours - theirs).abs() <= 1e-9 * theirs.abs().max(1.0),
            "{code}: check says incidence {ours}, the query {theirs}"
        );
        compared += 1;
    }
    assert!(child.wait().expect("wait for check").success());
    assert!(
        compared >= villages,
        "only {compared} of {villages} generated villages compared"
    );
    println!(
        "  cross-check: V1 of {} villages equals the query's incidence",
        number(compared as f64)
    );
}

/// The 1, 5 and 15-minute load averages: the machine may be shared, and its load moves the times.
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".to_string())
}

fn write_file(path: &Path, write: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>) {
    let mut f = BufWriter::new(File::create(path).expect("create a bench file"));
    write(&mut f).expect("write a bench file");
    f.flush().expect("flush a bench file");
}

fn remove(path: &Path) {
    let _ = std::fs::remove_file(path);
}
