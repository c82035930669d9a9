//! Shared bench plumbing: time a command, take medians, report a ratio against a reference run
//! measured in the same process.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub fn tuopin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_tuopin"))
}

/// Run a command to completion, failing the bench if it fails; returns its wall time.
pub fn time(cmd: &mut Command) -> Duration {
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
