//! Damaged and hostile workbooks: a panic inside the workbook reader is a damaged file, a sheet too
//! large to exist stops at the import's address-space cap, and mutated registers are imported or
//! refused, never a crash.

use super::workbooks::{copy_fixture, import, workbook_fixture};
use crate::common::fixture::{self, Kind};
use crate::common::*;

#[test]
fn damaged_workbooks_fail_cleanly_and_quickly() {
    let s = Scratch::new();
    s.init();
    // calamine panics on this one: a damaged file, not an internal error of tuopin.
    copy_fixture(&s, "damaged.xls");
    let out = import(&s, "households", "damaged.xls", &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("damaged.xls: 无法读取 xls 工作簿"), "{err}");
    assert!(!err.contains("内部错误"), "{err}");
    // This one asks for 18 GB at once: under the import's address-space cap it fails at once.
    copy_fixture(&s, "huge.xls");
    let start = std::time::Instant::now();
    let out = import(&s, "households", "huge.xls", &[]);
    assert!(!out.status.success());
    assert!(start.elapsed().as_secs() < 30, "{:?}", start.elapsed());
    assert_eq!(
        scalar::<i64>(
            &s.open(),
            "SELECT count(*) FROM import_batch WHERE kind = 'households'",
            []
        ),
        0
    );
}

/// Workbooks with bytes changed or cut off, as a damaged download or a fuzzer makes them: every
/// one is imported or refused (exit 0 or 1, never a panic's 101), in seconds, and a refused one
/// writes nothing. The only other ending allowed is the address-space cap stopping a sheet too
/// large to exist (`damaged_workbooks_fail_cleanly_and_quickly`). Run with the binary: in-process,
/// such a sheet would really be allocated.
#[test]
fn mutated_workbooks_are_imported_or_refused_never_a_crash() {
    let s = Scratch::new();
    s.init();
    fixture::import(&s, Kind::Regions, "regions.csv", fixture::REGIONS);
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |below: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % below as u64) as usize
    };
    let mut outcomes = std::collections::BTreeMap::new();
    for name in ["register.xls", "register.xlsx", "register.ods"] {
        let good = std::fs::read(workbook_fixture(name)).unwrap();
        let ext = name.rsplit('.').next().unwrap();
        for case in 0..30 {
            let mut bytes = good.clone();
            for _ in 0..1 + next(8) {
                let at = next(bytes.len());
                bytes[at] = next(256) as u8;
            }
            if next(5) == 0 {
                bytes.truncate(next(bytes.len()));
            }
            let file = format!("m{case}.{ext}");
            s.write(&file, &bytes);
            let start = std::time::Instant::now();
            let out = import(&s, "households", &file, &["--dry-run"]);
            let err = stderr(&out);
            let capped = out.status.code().is_none() && err.contains("memory allocation");
            assert!(
                matches!(out.status.code(), Some(0 | 1)) || capped,
                "{name} case {case}: {:?}\n{err}",
                out.status
            );
            assert!(!err.contains("内部错误"), "{name} case {case}: {err}");
            assert!(
                start.elapsed().as_secs() < 30,
                "{name} case {case} took {:?}",
                start.elapsed()
            );
            *outcomes.entry((ext, out.status.code())).or_insert(0) += 1;
        }
    }
    assert_eq!(
        scalar::<i64>(&s.open(), "SELECT count(*) FROM household_snapshot", []),
        0,
        "dry runs write nothing"
    );
    eprintln!("outcomes {outcomes:?}");
    // Some mutations must have been refused, or the test exercised nothing.
    assert!(
        outcomes.iter().any(|((_, code), _)| *code == Some(1)),
        "{outcomes:?}"
    );
}
