//! No panic on any input: property tests (proptest, fixed case counts so CI stays fast) feeding
//! arbitrary bytes, mutated seed files (tests/fuzz-seeds/) and arbitrary CSV-shaped rows to every
//! importer, and arbitrary strings to the period, number, boolean and value-type parsers.
//!
//! Beyond "no panic", each case checks what the importers promise: an `Err` only for the
//! environment (never for file content), a rejected or dry-run file changes nothing, an accepted
//! one leaves foreign keys intact. Each property prints its case count and time
//! (`cargo test --test tests fuzz:: -- --nocapture`). A failure is not persisted to a file: turn it
//! into a named test instead. `TUOPIN_FUZZ_CASES` multiplies the case counts for a longer local run.

mod parsers;
mod rows;

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::time::Instant;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use rusqlite::Connection;

use tuopin::import::reference::DataSource;
use tuopin::import::{self, Kind, Options};
use tuopin::model::indicator::ValueType;
use tuopin::model::period::Period;

fn cases(base: u32) -> u32 {
    let factor: u32 = std::env::var("TUOPIN_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    base * factor.max(1)
}

fn runner(n: u32) -> TestRunner {
    TestRunner::new(Config {
        cases: n,
        failure_persistence: None,
        max_shrink_iters: 256,
        ..Config::default()
    })
}

/// Run a property, print how many cases ran and how long they took.
fn check<S: Strategy>(
    name: &str,
    n: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) {
    let start = Instant::now();
    let result = runner(n).run(&strategy, test);
    println!(
        "fuzz {name}: {n} cases in {:.2} s",
        start.elapsed().as_secs_f64()
    );
    if let Err(e) = result {
        panic!("{name}: {e}");
    }
}

// ------------------------------------------------------------------------------------------------
// Importers
// ------------------------------------------------------------------------------------------------

/// A database made by `init`, and a scratch folder for the files fed to it.
struct Fixture {
    _dir: tempfile::TempDir,
    file: PathBuf,
    conn: RefCell<Connection>,
    /// Files accepted (written or dry-run clean) and rejected, to show the cases reach both paths.
    accepted: std::cell::Cell<u32>,
    rejected: std::cell::Cell<u32>,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("fuzz.db");
        tuopin::import::reference::init::init(
            &db,
            false,
            &DataSource::Embedded,
            &tuopin::bulletin::store::seed,
        )
        .unwrap();
        let conn = tuopin::db::open(&db).unwrap();
        Fixture {
            file: dir.path().join("input.csv"),
            _dir: dir,
            conn: RefCell::new(conn),
            accepted: Default::default(),
            rejected: Default::default(),
        }
    }

    /// Row counts of everything an import may write.
    fn fingerprint(&self) -> Vec<i64> {
        let conn = self.conn.borrow();
        [
            "import_batch",
            "household_snapshot",
            "register_snapshot",
            "indicator_value",
            "region",
            "history",
        ]
        .iter()
        .map(|t| {
            conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
                .unwrap()
        })
        .collect()
    }

    /// Import `bytes` as a file of `kind` and check the importer's promises.
    fn import(&self, kind: Kind, bytes: &[u8], opts: &Options) -> Result<(), TestCaseError> {
        std::fs::write(&self.file, bytes).unwrap();
        let before = self.fingerprint();
        let result =
            import::import_file(&mut self.conn.borrow_mut(), kind, &self.file, opts, &|_| {});
        let summary = match result {
            Ok(s) => s,
            Err(e) => {
                return Err(TestCaseError::fail(format!(
                    "import returned Err for file content: {e:#}"
                )))
            }
        };
        let after = self.fingerprint();
        if !summary.ok() || opts.dry_run || summary.same_as_batch.is_some() {
            prop_assert_eq!(
                &before,
                &after,
                "a rejected or dry-run file changed the database"
            );
            prop_assert!(summary.batch_id.is_none());
        } else {
            prop_assert!(summary.batch_id.is_some());
            prop_assert!(summary.fatal.is_none());
            let conn = self.conn.borrow();
            let fk: i64 = conn
                .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                    r.get(0)
                })
                .unwrap();
            prop_assert_eq!(fk, 0, "foreign keys broken by an accepted import");
        }
        let tally = if summary.ok() {
            &self.accepted
        } else {
            &self.rejected
        };
        tally.set(tally.get() + 1);
        if std::env::var("FUZZ_DEBUG").is_ok() && !summary.ok() {
            eprintln!(
                "REJECT {kind:?} {:?} {:?}",
                summary.fatal,
                summary.errors.first().map(|e| e.to_string())
            );
        }
        if !summary.ok() {
            prop_assert!(
                summary.fatal.is_some() || summary.invalid > 0,
                "rejected without a reason"
            );
        }
        Ok(())
    }

    fn tally(&self, name: &str) {
        println!(
            "fuzz {name}: {} files accepted, {} rejected (shrinking included)",
            self.accepted.get(),
            self.rejected.get()
        );
    }
}

fn kinds() -> impl Strategy<Value = Kind> {
    prop_oneof![
        Just(Kind::Households),
        Just(Kind::Indicators),
        Just(Kind::Regions)
    ]
}

fn options() -> impl Strategy<Value = Options> {
    (
        any::<bool>(),
        prop_oneof![
            3 => Just(None),
            1 => Just(Some("210922".to_string())),
            1 => Just(Some("211481".to_string()))
        ],
        prop_oneof![3 => Just(None), 1 => Just(Period::new(2019, 3))],
        any::<bool>(),
    )
        .prop_map(|(dry_run, county, period, show_names)| Options {
            dry_run,
            county,
            period,
            show_names,
            ..Options::default()
        })
}

#[test]
fn importers_survive_arbitrary_bytes() {
    let fx = Fixture::new();
    check(
        "importers/arbitrary-bytes",
        cases(400),
        (
            kinds(),
            prop::collection::vec(any::<u8>(), 0..1024),
            options(),
        ),
        |(kind, bytes, opts)| fx.import(kind, &bytes, &opts),
    );
    fx.tally("importers/arbitrary-bytes");
}

/// Seed files: valid county files of every kind, to mutate.
fn seeds() -> Vec<(Kind, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-seeds");
    let kind_of = |name: &str| {
        if name.starts_with("households") {
            Kind::Households
        } else if name.starts_with("indicators") {
            Kind::Indicators
        } else {
            Kind::Regions
        }
    };
    let mut out: Vec<(Kind, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            (kind_of(&name), std::fs::read(e.path()).unwrap())
        })
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

#[test]
fn seed_files_are_valid_imports() {
    // Mutations start from files that import cleanly, so they reach the row validation.
    let fx = Fixture::new();
    let seeds = seeds();
    assert!(seeds.len() >= 5);
    // Regions first: the others may refer to them.
    for (kind, bytes) in seeds.iter().filter(|s| s.0 == Kind::Regions) {
        fx.import(*kind, bytes, &Options::default()).unwrap();
    }
    for (kind, bytes) in &seeds {
        std::fs::write(&fx.file, bytes).unwrap();
        let s = import::import_file(
            &mut fx.conn.borrow_mut(),
            *kind,
            &fx.file,
            &Options::default(),
            &|_| {},
        )
        .unwrap();
        assert!(
            s.ok(),
            "{kind:?} seed rejected: {:?} {:?}",
            s.fatal,
            s.errors
        );
    }
}

/// Edits that keep a file mostly intact: the interesting bugs hide one byte away from valid.
#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Truncate(usize),
    DuplicateLine(usize),
}

fn tokens() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"\"".to_vec()),
        Just(b",".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"\0".to_vec()),
        Just("\u{feff}".as_bytes().to_vec()),
        Just("是".as_bytes().to_vec()),
        Just("１".as_bytes().to_vec()),
        Just(b"-".to_vec()),
        Just(b"=HYPERLINK(\"x\")".to_vec()),
        Just(b"11010519491231002X".to_vec()),
        Just(b"'); DROP TABLE household_snapshot;--".to_vec()),
        Just(vec![0xff, 0xfe]),
        Just(vec![0x81]),
        Just(b"9".repeat(400)),
        prop::collection::vec(any::<u8>(), 1..8),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(p, b)| Mutation::Flip(p, b)),
        (any::<usize>(), tokens()).prop_map(|(p, t)| Mutation::Insert(p, t)),
        (any::<usize>(), 1usize..16).prop_map(|(p, n)| Mutation::Delete(p, n)),
        any::<usize>().prop_map(Mutation::Truncate),
        any::<usize>().prop_map(Mutation::DuplicateLine),
    ]
}

fn mutate(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let len = bytes.len().max(1);
        match m {
            Mutation::Flip(p, b) => {
                if !bytes.is_empty() {
                    let i = p % bytes.len();
                    bytes[i] = *b;
                }
            }
            Mutation::Insert(p, t) => {
                let i = p % (bytes.len() + 1);
                bytes.splice(i..i, t.iter().copied());
            }
            Mutation::Delete(p, n) => {
                let i = p % len;
                let end = (i + n).min(bytes.len());
                if i < end {
                    bytes.drain(i..end);
                }
            }
            Mutation::Truncate(p) => bytes.truncate(p % len),
            Mutation::DuplicateLine(p) => {
                let lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
                let i = p % lines.len();
                let mut out = Vec::with_capacity(bytes.len() * 2);
                for (j, l) in lines.iter().enumerate() {
                    out.extend_from_slice(l);
                    out.push(b'\n');
                    if j == i {
                        out.extend_from_slice(l);
                        out.push(b'\n');
                    }
                }
                bytes = out;
            }
        }
    }
    bytes
}

#[test]
fn importers_survive_mutated_seed_files() {
    let fx = Fixture::new();
    let seeds = seeds();
    let n = seeds.len();
    check(
        "importers/mutated-seeds",
        cases(600),
        (
            0..n,
            prop::collection::vec(mutation(), 0..4),
            options(),
            any::<bool>(),
        ),
        |(i, mutations, opts, gbk)| {
            let (kind, seed) = &seeds[i];
            let mut bytes = mutate(seed.clone(), &mutations);
            if gbk {
                // The same edits on the GBK form of the file, as Excel on Windows writes it.
                if let Ok(text) = std::str::from_utf8(&bytes) {
                    bytes = encoding_rs::GBK.encode(text).0.into_owned();
                }
            }
            fx.import(*kind, &bytes, &opts)
        },
    );
    fx.tally("importers/mutated-seeds");
}
