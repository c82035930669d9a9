//! Shared bench plumbing: time a command, take medians, report a ratio against a reference run
//! measured in the same process.
#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub fn tuopin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_tuopin"))
}

/// Write the page cache's dirty pages out before a timed run: the gigabytes an earlier run wrote
/// are still being written back for seconds after it ends, and would slow whichever run comes
/// next (in the import bench, the first import after the every-row correction).
pub fn settle() {
    let _ = Command::new("sync").status();
}

/// Run a command to completion, failing the bench if it fails; returns its wall time.
pub fn time(cmd: &mut Command) -> Duration {
    settle();
    let start = Instant::now();
    let out = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    let elapsed = start.elapsed();
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    elapsed
}

/// Time `sqlite3 .import` of `csv` (its first `skip` lines left out) into table `table` of a new
/// database `db` created with `schema`: the reference the import benches compare with. The script
/// goes into a file beside the database.
pub fn time_sqlite3_import(
    db: &Path,
    schema: &str,
    csv: &Path,
    skip: usize,
    table: &str,
) -> Duration {
    let _ = std::fs::remove_file(db);
    let script = format!(
        "{schema}\n.mode csv\n.import --skip {skip} '{}' {table}\n",
        csv.display()
    );
    let script_path = db.with_extension("sql");
    std::fs::write(&script_path, script).unwrap();
    time(Command::new("sh").arg("-c").arg(format!(
        "sqlite3 '{}' < '{}'",
        db.display(),
        script_path.display()
    )))
}

/// Run a command to completion like [`time`], and also return the peak resident memory (KiB) of
/// that process alone. RUSAGE_CHILDREN is the maximum over every child so far, so it cannot tell a
/// check from the larger import run before it; wait4 reports the one process waited for.
// The child is reaped by wait4, which std's Child does not know about.
#[allow(clippy::zombie_processes)]
pub fn time_rss(cmd: &mut Command) -> (Duration, i64) {
    settle();
    let start = Instant::now();
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    let mut stderr = child.stderr.take().expect("piped stderr");
    // Drained on a thread, so a chatty child cannot block on a full pipe while we wait.
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: wait4 fills status and the struct it is given; the child is ours and not yet reaped
    // (std's Child is never waited on afterwards).
    let (reaped, usage) = unsafe {
        let r = libc::wait4(pid, &mut status, 0, usage.as_mut_ptr());
        (r, usage.assume_init())
    };
    let elapsed = start.elapsed();
    let err = reader.join().unwrap_or_default();
    assert_eq!(reaped, pid, "{cmd:?}: wait4 failed");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{cmd:?} failed: {err}"
    );
    (elapsed, usage.ru_maxrss)
}

pub fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Peak resident memory (KiB) of the largest child process waited for so far.
pub fn children_max_rss_kib() -> i64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct it is given.
    unsafe {
        libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr());
        usage.assume_init().ru_maxrss
    }
}

pub fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

/// Print one result line: name, our time, reference time, ratio, target.
pub fn report(name: &str, ours: Duration, reference_name: &str, reference: Duration, target: &str) {
    let ratio = ours.as_secs_f64() / reference.as_secs_f64();
    println!(
        "{name:<44} {:>9}   {reference_name:<28} {:>9}   ratio {ratio:>6.2}   target {target}",
        secs(ours),
        secs(reference)
    );
}

pub fn have(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

pub fn scratch() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("tuopin-bench")
        .tempdir()
        .expect("tempdir")
}

pub fn copy(from: &Path, to: &Path) {
    std::fs::copy(from, to).unwrap_or_else(|e| panic!("copy {}: {e}", from.display()));
}

/// `base`: a new database with the regions of `regions` only, what every import run starts from.
pub fn base_with_regions(base: &Path, regions: &Path) {
    time(Command::new(tuopin()).arg("--db").arg(base).arg("init"));
    time(
        Command::new(tuopin())
            .arg("--db")
            .arg(base)
            .args(["import", "regions"])
            .arg(regions),
    );
}

/// `tuopin import households FILE` into `run`, a fresh copy of `base`, to be timed by the caller.
pub fn import_into_copy(base: &Path, run: &Path, file: &Path) -> Command {
    tuopin::db::files::remove_with_companions(run).unwrap();
    copy(base, run);
    let mut cmd = Command::new(tuopin());
    cmd.arg("--db")
        .arg(run)
        .args(["import", "households"])
        .arg(file);
    cmd
}

/// The bars of issue 16 a bench is held to: each ratio is printed beside its bar as it is measured,
/// and the bench exits non-zero at the end when any is missed, so that bench/run.sh shows a
/// regression (not part of `cargo test`: minutes of CI time).
#[derive(Default)]
pub struct Bars {
    missed: Vec<String>,
}

impl Bars {
    /// `value` must be at most `bar`.
    pub fn at_most(&mut self, name: &str, value: f64, bar: f64) {
        self.judge(name, value, "<=", bar, value <= bar);
    }

    /// `value` must be at least `bar`.
    pub fn at_least(&mut self, name: &str, value: f64, bar: f64) {
        self.judge(name, value, ">=", bar, value >= bar);
    }

    fn judge(&mut self, name: &str, value: f64, op: &str, bar: f64, ok: bool) {
        let verdict = if ok { "ok" } else { "MISSED" };
        println!("bar: {name:<48} {value:>8.2}   {op} {bar:.2}   {verdict}");
        if !ok {
            self.missed
                .push(format!("{name}: {value:.2} (bar {op} {bar:.2})"));
        }
    }

    /// Exit: 0 when every bar held, 1 (naming the missed ones) otherwise.
    pub fn exit(self) -> ! {
        if self.missed.is_empty() {
            std::process::exit(0);
        }
        println!("bars missed: {}", self.missed.join("; "));
        std::process::exit(1);
    }
}
