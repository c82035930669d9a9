//! CSV-shaped files of plausible and hostile cells, and well-formed files with a few corrupted cells.

use super::*;

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
