//! No panic on any input: property tests (proptest, fixed case counts so CI stays fast) feeding
//! arbitrary bytes, mutated seed files (tests/fuzz-seeds/) and arbitrary CSV-shaped rows to every
//! importer, and arbitrary strings to the period, number, boolean and value-type parsers.
//!
//! Beyond "no panic", each case checks what the importers promise: an `Err` only for the
//! environment (never for file content), a rejected or dry-run file changes nothing, an accepted
//! one leaves foreign keys intact. Each property prints its case count and time
//! (`cargo test --test tests fuzz:: -- --nocapture`). A failure is not persisted to a file: turn it
//! into a named test instead. `TUOPIN_FUZZ_CASES` multiplies the case counts for a longer local run.

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
        tuopin::import::reference::init::init(&db, false, &DataSource::Embedded).unwrap();
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

/// Cells a county file might hold: valid values in every spelling, near misses, and hostile text.
fn cell() -> impl Strategy<Value = String> {
    let pool: Vec<&'static str> = vec![
        // periods
        "2019-03",
        "2019/3",
        "201903",
        "2019年3月",
        "２０１９年３月",
        "2019-13",
        "1899-01",
        "2019-04",
        // regions
        "210922-T01-V01",
        "211321-T01-V01",
        "211481-T01-V02",
        "210922",
        "211481",
        "21",
        "210922-T01",
        "000000",
        "211481-T01",
        // levels
        "村",
        "village",
        "乡镇",
        "county",
        "省",
        "city",
        // sizes, incomes, years
        "1",
        "4",
        "0",
        "-1",
        "1,328",
        "174.0",
        "１２",
        "6,200.0",
        "-3",
        "1e5",
        "NaN",
        "2018",
        "2017年",
        "2100",
        "2013",
        "9999999999999999999999",
        // statuses, categories, causes
        "已脱贫",
        "未脱贫",
        "返贫",
        "poor",
        "exited",
        "脱贫",
        "一般贫困户",
        "低保贫困户",
        "因病",
        "因残",
        "其他病",
        // booleans
        "是",
        "否",
        "有",
        "无",
        "Y",
        "n",
        "true",
        "maybe",
        // indicators and values
        "population",
        "通硬化路",
        "hardened_road",
        "安全饮水覆盖率",
        "poverty_incidence",
        "wrong_exit_rate",
        "rural_income_growth",
        "98.5%",
        "101",
        "-1.5",
        "-200",
        // household ids (a small pool, so duplicates happen)
        "H001",
        "H002",
        "H003",
        // personal data and hostile text
        "11010519491231002X",
        "110105194912310021",
        "张三",
        "'); DROP TABLE household_snapshot;--",
        "x'); DROP TABLE region;--",
        "=HYPERLINK(\"http://x\",\"y\")",
        "+cmd|' /C calc'!A0",
        "@SUM(A1)",
        "-1+1",
        "\"",
        "a\"b",
        "多行\n文本",
        "\r",
        "",
        " ",
        "\u{3000}",
        "\u{feff}",
        "\0",
    ];
    prop_oneof![
        6 => prop::sample::select(pool).prop_map(str::to_string),
        1 => "\\PC{0,12}",
        1 => (1usize..3000).prop_map(|n| "长".repeat(n)),
    ]
}

/// Column names: the contract's, in either language and any case and spacing, or junk.
fn column(kind: Kind) -> impl Strategy<Value = String> {
    let names: Vec<&'static str> = match kind {
        Kind::Households => tuopin::import::contract::HOUSEHOLDS
            .iter()
            .flat_map(|c| [c.zh, c.en])
            .collect(),
        Kind::Indicators => tuopin::import::contract::INDICATORS_LONG
            .iter()
            .flat_map(|c| [c.zh, c.en])
            .chain([
                "通硬化路",
                "population",
                "collective_income",
                "poverty_incidence",
            ])
            .collect(),
        Kind::Regions => tuopin::import::contract::REGIONS
            .iter()
            .flat_map(|c| [c.zh, c.en])
            .collect(),
    };
    prop_oneof![
        8 => prop::sample::select(names).prop_map(str::to_string),
        1 => prop::sample::select(vec![" 统计期 ", "PERIOD", "Household_ID", "", "未知列"]).prop_map(str::to_string),
        1 => "\\PC{0,6}",
    ]
}

/// A CSV-shaped file: a header of contract columns, rows of plausible and hostile cells,
/// written by a CSV writer (correct quoting) or joined raw (broken quoting), LF or CRLF, with or
/// without a BOM.
fn csv_file(kind: Kind) -> impl Strategy<Value = Vec<u8>> {
    (
        prop::collection::vec(column(kind), 0..18),
        prop::collection::vec(prop::collection::vec(cell(), 0..20), 0..12),
        layout(),
    )
        .prop_map(|(header, rows, layout)| render(&header, &rows, layout))
}

/// How a file is written: quoted by a CSV writer or joined raw, CRLF, BOM.
type Layout = (bool, bool, bool);

fn layout() -> impl Strategy<Value = Layout> {
    (any::<bool>(), any::<bool>(), any::<bool>())
}

fn render(header: &[String], rows: &[Vec<String>], (quoted, crlf, bom): Layout) -> Vec<u8> {
    let mut text = String::new();
    if bom {
        text.push('\u{feff}');
    }
    let eol = if crlf { "\r\n" } else { "\n" };
    let mut line = |cells: &[String]| {
        if quoted {
            let mut w = csv::WriterBuilder::new()
                .flexible(true)
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(Vec::new());
            w.write_record(cells).unwrap();
            let s = String::from_utf8(w.into_inner().unwrap()).unwrap();
            text.push_str(s.strip_suffix('\n').unwrap_or(&s));
        } else {
            text.push_str(&cells.join(","));
        }
        text.push_str(eol);
    };
    line(header);
    for r in rows {
        line(r);
    }
    text.into_bytes()
}

/// A column of a well-formed file: its Chinese and English header and the valid cells it takes.
struct Spec {
    zh: &'static str,
    en: &'static str,
    required: bool,
    valid: &'static [&'static str],
}

const fn spec(
    zh: &'static str,
    en: &'static str,
    required: bool,
    valid: &'static [&'static str],
) -> Spec {
    Spec {
        zh,
        en,
        required,
        valid,
    }
}

const VILLAGES: &[&str] = &[
    "210922-T01-V01",
    "211321-T01-V01",
    "211481-T01-V01",
    "211481-T01-V02",
    "211404-T01-V01",
    "210727-T01-V01",
];
const BOOLS: &[&str] = &["是", "否", "有", "无", "Y", "n", "1", "0", ""];

const HOUSEHOLD_SPECS: &[Spec] = &[
    spec(
        "统计期",
        "period",
        true,
        &["2019-03", "2019/3", "201903", "2019年3月"],
    ),
    spec(
        "户编号",
        "household_id",
        true,
        &[
            "H01", "H02", "H03", "H04", "H05", "H06", "H07", "H08", "H09", "H10", "H11", "H12",
        ],
    ),
    spec("村代码", "village_code", true, VILLAGES),
    spec(
        "户主姓名",
        "head_name",
        false,
        &[
            "张三",
            "李四",
            "",
            "'); DROP TABLE household_snapshot;--",
            "=HYPERLINK(\"x\")",
        ],
    ),
    spec(
        "证件号码",
        "id_number",
        false,
        &["", "11010519491231002X", "11010519491231002x"],
    ),
    spec("家庭人口", "size", true, &["1", "3", "4", "１２", "174.0"]),
    spec(
        "贫困户属性",
        "category",
        false,
        &["一般贫困户", "低保贫困户", "特困供养贫困户", ""],
    ),
    spec(
        "主要致贫原因",
        "cause",
        false,
        &["因病", "因残", "缺技术", "其他", ""],
    ),
    spec(
        "脱贫状态",
        "status",
        true,
        &["已脱贫", "exited", "未脱贫", "返贫", "poor"],
    ),
    spec("脱贫年度", "exit_year", false, &["2018", "2017年", "2016"]),
    spec(
        "人均纯收入",
        "income_per_capita",
        true,
        &["5000", "6,200.0", "0", "12000.5"],
    ),
    spec("不愁吃穿", "food_clothing_ok", false, BOOLS),
    spec("义务教育保障", "education_ok", false, BOOLS),
    spec("基本医疗保障", "medical_ok", false, BOOLS),
    spec("住房安全", "housing_safe", false, BOOLS),
    spec("饮水安全", "water_safe", false, BOOLS),
];

/// (code, name, level, parent) rows that are valid together (parents may come after children).
const REGION_ROWS: &[[&str; 4]] = &[
    ["210922-Z1", "甲乡", "乡镇", "210922"],
    ["210922-Z1-001", "乙村", "村", "210922-Z1"],
    [
        "210922-Z1-002",
        "x'); DROP TABLE region;--",
        "village",
        "210922-Z1",
    ],
    ["210922-Z2", "丙乡", "township", "210922"],
    ["210922-Z2-001", "丁村", "村", "210922-Z2"],
    ["211481-Z1", "戊乡", "乡镇", "211481"],
    ["211481-Z1-001", "己村", "村", "211481-Z1"],
];

/// (region, indicator, value) triples that are valid together.
const INDICATOR_TRIPLES: &[(&str, &str, &str)] = &[
    ("210922-T01-V01", "hardened_road", "是"),
    ("210922-T01-V01", "安全饮水覆盖率", "98.5%"),
    ("211321-T01-V01", "collective_income", "52,000"),
    ("211481-T01-V02", "通宽带", "否"),
    ("210922", "wrong_exit_rate", "0.5"),
    ("210922", "rural_income_growth", "-1.5"),
    ("211481", "approval_rate", "97"),
    ("211321", "population", "1,328"),
];

/// A file that is valid except for a few corrupted cells (none in half of the files), so that
/// the write paths (first snapshot, corrected snapshot, upserts, history) are fuzzed too.
fn well_formed(kind: Kind) -> BoxedStrategy<Vec<u8>> {
    let corruption = prop_oneof![
        Just(Vec::new()),
        prop::collection::vec((any::<usize>(), any::<usize>(), cell()), 1..4)
    ];
    let corrupt = |rows: &mut Vec<Vec<String>>, hits: Vec<(usize, usize, String)>| {
        let n = rows.len().max(1);
        for (r, c, v) in hits {
            if let Some(row) = rows.get_mut(r % n) {
                if !row.is_empty() {
                    let i = c % row.len();
                    row[i] = v;
                }
            }
        }
    };
    match kind {
        Kind::Households => {
            let specs = HOUSEHOLD_SPECS;
            (
                prop::collection::vec((any::<bool>(), any::<bool>()), specs.len()),
                Just(()).prop_perturb(|_, mut rng| {
                    let mut order: Vec<usize> = (0..specs.len()).collect();
                    for i in (1..order.len()).rev() {
                        order.swap(i, rng.random_range(0..=i));
                    }
                    order
                }),
                prop::collection::vec(prop::collection::vec(any::<usize>(), specs.len()), 1..8),
                0usize..20,
                corruption,
                layout(),
            )
                .prop_map(move |(pick, order, picks, first_id, hits, layout)| {
                    // Required columns always, optional ones by chance, in a random order.
                    let cols: Vec<usize> = order
                        .into_iter()
                        .filter(|&i| specs[i].required || pick[i].0)
                        .collect();
                    let header: Vec<String> = cols
                        .iter()
                        .map(|&i| if pick[i].1 { specs[i].en } else { specs[i].zh }.to_string())
                        .collect();
                    let mut rows: Vec<Vec<String>> = picks
                        .iter()
                        .enumerate()
                        .map(|(r, p)| {
                            let mut row: Vec<String> = cols
                                .iter()
                                .map(|&i| {
                                    if specs[i].en == "household_id" {
                                        // Unique within the file; shared with earlier files.
                                        format!("H{:02}", (first_id + r) % 20)
                                    } else {
                                        specs[i].valid[p[i] % specs[i].valid.len()].to_string()
                                    }
                                })
                                .collect();
                            exit_year_follows_status(&header, &mut row);
                            row
                        })
                        .collect();
                    corrupt(&mut rows, hits);
                    render(&header, &rows, layout)
                })
                .boxed()
        }
        Kind::Regions => (
            prop::collection::vec(any::<usize>(), 1..8),
            prop::collection::vec(0usize..3, 3),
            corruption,
            layout(),
        )
            .prop_map(move |(picks, extra, hits, layout)| {
                let header: Vec<String> = [
                    "代码",
                    "名称",
                    "级别",
                    "上级代码",
                    "贫困标识",
                    "计划退出年度",
                ]
                .map(String::from)
                .to_vec();
                let mut seen = std::collections::HashSet::new();
                let mut rows: Vec<Vec<String>> = picks
                    .iter()
                    .map(|p| p % REGION_ROWS.len())
                    .filter(|i| seen.insert(*i))
                    .map(|i| {
                        let mut row: Vec<String> =
                            REGION_ROWS[i].iter().map(|c| c.to_string()).collect();
                        row.push(["是", "否", ""][extra[0]].into());
                        row.push(["2019", "2020年", ""][extra[1]].into());
                        row
                    })
                    .collect();
                corrupt(&mut rows, hits);
                render(&header, &rows, layout)
            })
            .boxed(),
        Kind::Indicators => (
            any::<bool>(),
            prop::collection::vec(any::<usize>(), 1..8),
            corruption,
            layout(),
        )
            .prop_map(move |(long, picks, hits, layout)| {
                let (header, mut rows): (Vec<String>, Vec<Vec<String>>) = if long {
                    (
                        ["统计期", "区划代码", "指标", "值", "备注"]
                            .map(String::from)
                            .to_vec(),
                        picks
                            .iter()
                            .map(|p| p % INDICATOR_TRIPLES.len())
                            .collect::<std::collections::BTreeSet<_>>()
                            .into_iter()
                            .map(|p| {
                                let (r, i, v) = INDICATOR_TRIPLES[p];
                                vec![
                                    "2019-03".into(),
                                    r.into(),
                                    i.into(),
                                    v.into(),
                                    String::new(),
                                ]
                            })
                            .collect(),
                    )
                } else {
                    (
                        [
                            "统计期",
                            "区划代码",
                            "通硬化路",
                            "collective_income",
                            "备注",
                        ]
                        .map(String::from)
                        .to_vec(),
                        picks
                            .iter()
                            .map(|p| p % VILLAGES.len())
                            .collect::<std::collections::BTreeSet<_>>()
                            .into_iter()
                            .map(|p| {
                                let v = VILLAGES[p];
                                let road = if p % 3 == 0 { "是" } else { "" };
                                vec![
                                    "2019年3月".into(),
                                    v.into(),
                                    road.into(),
                                    format!("{}", p % 90_000),
                                    "注".into(),
                                ]
                            })
                            .collect(),
                    )
                };
                corrupt(&mut rows, hits);
                render(&header, &rows, layout)
            })
            .boxed(),
    }
}

/// A household that has exited needs an exit year: fill it in, as a careful clerk would.
fn exit_year_follows_status(header: &[String], row: &mut [String]) {
    let at = |names: [&str; 2]| header.iter().position(|h| names.contains(&h.as_str()));
    let Some(s) = at(["脱贫状态", "status"]) else {
        return;
    };
    let Some(y) = at(["脱贫年度", "exit_year"]) else {
        if matches!(row[s].as_str(), "已脱贫" | "exited") {
            row[s] = "未脱贫".into();
        }
        return;
    };
    if matches!(row[s].as_str(), "已脱贫" | "exited") && row[y].is_empty() {
        row[y] = "2018".into();
    }
    if !matches!(row[s].as_str(), "已脱贫" | "exited") {
        row[y] = String::new();
    }
}

#[test]
fn importers_survive_csv_shaped_rows() {
    let fx = Fixture::new();
    let strategy = kinds().prop_flat_map(|k| {
        let file = prop_oneof![csv_file(k).boxed(), well_formed(k)];
        (Just(k), file, options())
    });
    check(
        "importers/csv-shaped",
        cases(800),
        strategy,
        |(kind, bytes, opts)| fx.import(kind, &bytes, &opts),
    );
    fx.tally("importers/csv-shaped");
}

// ------------------------------------------------------------------------------------------------
// Parsers
// ------------------------------------------------------------------------------------------------

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,24}",
        "[0-9０-９年月/.\\- ,+，．－]{0,14}",
        any::<String>(),
    ]
}

#[test]
fn period_parser_roundtrips_what_it_accepts() {
    check("parsers/period", cases(1000), text(), |s| {
        if let Ok(p) = s.parse::<Period>() {
            let shown = p.to_string();
            prop_assert_eq!(shown.len(), 7);
            prop_assert_eq!(shown.parse::<Period>(), Ok(p));
            prop_assert!((1900..=2100).contains(&p.year()) && (1..=12).contains(&p.month()));
        }
        Ok(())
    });
    check(
        "parsers/period-valid",
        cases(300),
        (1900i32..=2100, 1u32..=12, 0usize..5),
        |(y, m, style)| {
            let s = match style {
                0 => format!("{y}-{m:02}"),
                1 => format!("{y}/{m}"),
                2 => format!("{y}{m:02}"),
                3 => format!("{y}年{m}月"),
                _ => tuopin::model::cell::normalize_width(&format!("{y}.{m}")).into_owned(),
            };
            prop_assert_eq!(s.parse::<Period>().ok(), Period::new(y, m));
            Ok(())
        },
    );
}

#[test]
fn number_and_boolean_parsers_never_panic() {
    use tuopin::model::cell::{normalize_width, parse_bool, parse_integer, parse_number};
    check("parsers/number-bool", cases(1000), text(), |s| {
        if let Some(v) = parse_number(&s) {
            prop_assert!(v.is_finite());
        }
        if let Some(i) = parse_integer(&s) {
            prop_assert_eq!(parse_number(&s), Some(i as f64));
        }
        let _ = parse_bool(&s);
        let once = normalize_width(&s).into_owned();
        prop_assert_eq!(normalize_width(&once).into_owned(), once.clone());
        Ok(())
    });
    check(
        "parsers/number-roundtrip",
        cases(500),
        -1.0e12f64..1.0e12,
        |x| {
            prop_assert_eq!(parse_number(&x.to_string()), Some(x));
            Ok(())
        },
    );
}

#[test]
fn value_types_accept_only_their_range() {
    let types = [
        ValueType::Count,
        ValueType::Number,
        ValueType::Yuan,
        ValueType::Percent,
        ValueType::PercentChange,
        ValueType::Boolean,
    ];
    check(
        "parsers/value-type",
        cases(1000),
        (prop::sample::select(types.to_vec()), text()),
        |(t, s)| {
            if let Ok(v) = t.parse(&s) {
                prop_assert!(v.is_finite());
                let in_range = match t {
                    ValueType::Count => v >= 0.0 && v.fract() == 0.0,
                    ValueType::Number | ValueType::Yuan => v >= 0.0,
                    ValueType::Percent => (0.0..=100.0).contains(&v),
                    ValueType::PercentChange => (-100.0..=1000.0).contains(&v),
                    ValueType::Boolean => v == 0.0 || v == 1.0,
                };
                prop_assert!(in_range, "{t:?} accepted {s:?} as {v}");
            }
            let _ = s.parse::<ValueType>();
            Ok(())
        },
    );
}

#[test]
fn privacy_and_csv_output_helpers_hold_for_any_text() {
    use tuopin::output::csv::neutralize;
    use tuopin::output::privacy::{contains_id_number, redact_ids};
    let with_ids = prop_oneof![
        text(),
        (text(), text()).prop_map(|(a, b)| format!("{a}11010519491231002X{b}")),
        (text(), text()).prop_map(|(a, b)| format!("{a}１１０１０５１９４９１２３１００２Ｘ{b}")),
    ];
    check("helpers/redact-neutralize", cases(1000), with_ids, |s| {
        let red = redact_ids(&s).into_owned();
        prop_assert!(!red.contains("11010519491231002X"));
        prop_assert!(!contains_id_number(&red), "{red:?}");
        prop_assert_eq!(redact_ids(&red).into_owned(), red);

        let safe = neutralize(&s).into_owned();
        let first = safe.chars().find(|c| !matches!(c, ' ' | '\u{3000}'));
        let risky = matches!(
            first,
            Some('=' | '+' | '-' | '@' | '\t' | '\r' | '\n' | '＝' | '＋' | '－' | '＠')
        );
        prop_assert!(!risky || tuopin::output::csv::is_plain_number(safe.trim()));
        let prefixed = format!("'{s}");
        prop_assert!(safe == s || safe == prefixed);
        Ok(())
    });
}
