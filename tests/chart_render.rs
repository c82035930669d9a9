//! The chart renderers, fed small data structs: every kind decodes, has the asked size, is not blank,
//! shows what its data says, and renders byte-identically twice. Plus: the shipped font has a glyph
//! for every region name and every label the charts draw.

use std::path::Path;

use crate::common::Image;
use plotters::style::RGBColor;
use tuopin::chart::counties::{CountiesData, CountyStatus};
use tuopin::chart::criteria::{self, CriteriaGrid, GridCell, GridColumn, GridRow};
use tuopin::chart::households::{HouseholdMonth, HouseholdsData, StatusCounts};
use tuopin::chart::incidence::{IncidenceData, Series};
use tuopin::chart::indicator::{IndicatorData, IndicatorPoint};
use tuopin::chart::{self, palette, Canvas, ChartFont, Png};
use tuopin::check::CriterionStatus;
use tuopin::model::period::Period;

fn p(s: &str) -> Period {
    s.parse().unwrap()
}

fn rgb(c: RGBColor) -> [u8; 3] {
    [c.0, c.1, c.2]
}

fn indicator() -> IndicatorData {
    let src = "《脱贫攻坚快报》第26期（总第214期，2019-03-29）".to_string();
    IndicatorData {
        region_name: "铁岭市".into(),
        indicator_name: "农村低保标准".into(),
        unit: "元/年".into(),
        boolean: false,
        from: p("2019-03"),
        to: p("2019-07"),
        points: vec![
            IndicatorPoint {
                period: p("2019-03"),
                value: 4350.0,
                label: "4,350".into(),
                source: src.clone(),
            },
            IndicatorPoint {
                period: p("2019-07"),
                value: 4770.0,
                label: "4,770".into(),
                source: src,
            },
        ],
        source: String::new(),
    }
}

fn households(poor: u64, exited: u64) -> HouseholdsData {
    HouseholdsData {
        region_name: "彰武县".into(),
        from: p("2019-01"),
        to: p("2019-06"),
        months: p("2019-01")
            .through(p("2019-06"))
            .map(|period| HouseholdMonth {
                period,
                counts: StatusCounts {
                    poor,
                    exited,
                    returned: 0,
                },
            })
            .collect(),
        source: "建档立卡月度台账".into(),
    }
}

fn incidence(threshold: f64) -> IncidenceData {
    let months = || p("2019-01").through(p("2019-12")).enumerate();
    IncidenceData {
        county: Series {
            name: "彰武县".into(),
            points: months().map(|(i, m)| (m, 4.0 - 0.3 * i as f64)).collect(),
        },
        villages: vec![Series {
            name: "三家子村".into(),
            points: months().map(|(i, m)| (m, 6.0 - 0.4 * i as f64)).collect(),
        }],
        threshold,
        from: p("2019-01"),
        to: p("2019-12"),
        source: "建档立卡月度台账".into(),
    }
}

fn grid(rows: usize, verdicts: &[CriterionStatus]) -> CriteriaGrid {
    let columns: Vec<GridColumn> = (1..=10)
        .map(|i| {
            let no = format!("V{i}");
            GridColumn {
                short_name: criteria::short_name(&no).unwrap().into(),
                no,
            }
        })
        .collect();
    let names = [
        "三家子村",
        "官粮窖村",
        "蒋家村",
        "朱家村",
        "碱厂村",
        "松闫村",
    ];
    CriteriaGrid {
        county_name: "彰武县".into(),
        period: p("2019-12"),
        rows: (0..rows)
            .map(|r| GridRow {
                name: format!("{}{}", names[r % names.len()], r),
                cells: (0..10)
                    .map(|c| GridCell {
                        status: verdicts[(r + c) % verdicts.len()],
                        label: (c == 0).then(|| "1.5%".to_string()),
                    })
                    .collect(),
            })
            .collect(),
        columns,
        source: "建档立卡月度台账".into(),
    }
}

fn counties(incidence: [f64; 2]) -> CountiesData {
    CountiesData {
        planned_exit_year: Some(2019),
        period: p("2019-12"),
        criteria_count: 6,
        incidence_threshold: 2.0,
        counties: vec![
            CountyStatus {
                name: "岫岩满族自治县".into(),
                met: 5,
                failed: 0,
                no_data: 1,
                incidence: Some(incidence[0]),
            },
            CountyStatus {
                name: "彰武县".into(),
                met: 6,
                failed: 0,
                no_data: 0,
                incidence: Some(incidence[1]),
            },
        ],
        source: "建档立卡月度台账".into(),
    }
}

/// Every kind once, by name.
fn render_all(canvas: &Canvas) -> Vec<(&'static str, Png)> {
    let all = [
        CriterionStatus::Pass,
        CriterionStatus::Fail,
        CriterionStatus::NoData,
    ];
    vec![
        (
            "indicator",
            chart::indicator::render(&indicator(), canvas).unwrap(),
        ),
        (
            "households",
            chart::households::render(&households(300, 900), canvas).unwrap(),
        ),
        (
            "incidence",
            chart::incidence::render(&incidence(2.0), canvas).unwrap(),
        ),
        (
            "criteria",
            chart::criteria::render(&grid(5, &all), canvas).unwrap(),
        ),
        (
            "counties",
            chart::counties::render(&counties([1.0, 1.5]), canvas).unwrap(),
        ),
    ]
}

#[test]
fn every_kind_decodes_at_the_requested_size_and_is_not_blank() {
    for (w, h) in [(1600, 1000), (640, 400), (2400, 1200)] {
        let canvas = Canvas::new(w, h, ChartFont::embedded()).unwrap();
        for (kind, png) in render_all(&canvas) {
            let img = Image::decode(&png.bytes);
            assert_eq!((img.width, img.height), (w, h), "{kind} {w}x{h}");
            assert_eq!((png.width, png.height), (w, h), "{kind}");
            assert!(img.variance() > 100.0, "{kind} {w}x{h} looks blank");
            // Text is drawn: the ink colour of titles is present.
            assert!(img.count(rgb(palette::INK)) > 100, "{kind}: no text ink");
        }
    }
}

#[test]
fn same_data_gives_byte_identical_png() {
    let canvas = Canvas::default();
    let first = render_all(&canvas);
    let second = render_all(&canvas);
    for ((kind, a), (_, b)) in first.iter().zip(&second) {
        assert!(a.bytes == b.bytes, "{kind} differs between two renderings");
    }
}

#[test]
fn a_user_font_with_the_same_bytes_draws_the_same_pixels() {
    let user = ChartFont::from_bytes(chart::font::EMBEDDED_FONT.to_vec()).unwrap();
    let canvas = Canvas::new(1600, 1000, user).unwrap();
    let a = chart::indicator::render(&indicator(), &canvas).unwrap();
    let b = chart::indicator::render(&indicator(), &Canvas::default()).unwrap();
    assert!(a.bytes == b.bytes);
}

#[test]
fn criteria_grid_shows_pass_fail_and_no_data() {
    let canvas = Canvas::default();
    let mixed = Image::decode(
        &chart::criteria::render(
            &grid(
                6,
                &[
                    CriterionStatus::Pass,
                    CriterionStatus::Fail,
                    CriterionStatus::NoData,
                ],
            ),
            &canvas,
        )
        .unwrap()
        .bytes,
    );
    let cell = 50 * 50; // far more than a legend swatch has
    for c in [palette::PASS, palette::FAIL, palette::NO_DATA] {
        assert!(mixed.count(rgb(c)) > cell, "{c:?} missing from the grid");
    }
    // All cells pass: red appears only in the legend swatch, green fills the grid.
    let green = Image::decode(
        &chart::criteria::render(&grid(6, &[CriterionStatus::Pass]), &canvas)
            .unwrap()
            .bytes,
    );
    assert!(green.count(rgb(palette::FAIL)) < cell);
    assert!(green.count(rgb(palette::PASS)) > 60 * cell);
}

#[test]
fn criteria_grid_grows_taller_rather_than_squeeze_many_villages() {
    let png =
        chart::criteria::render(&grid(40, &[CriterionStatus::Pass]), &Canvas::default()).unwrap();
    let img = Image::decode(&png.bytes);
    assert_eq!(img.width, 1600);
    assert!(img.height > 1000, "height {}", img.height);
    assert_eq!(img.height, png.height);
}

/// The row (y) where most of the threshold's red lies.
fn threshold_row(img: &Image) -> u32 {
    (0..img.height)
        .max_by_key(|&y| {
            (0..img.width)
                .filter(|&x| img.rgb(x, y) == rgb(palette::FAIL))
                .count()
        })
        .unwrap()
}

#[test]
fn incidence_threshold_line_is_drawn_at_the_value_passed_in() {
    let canvas = Canvas::default();
    let at2 = Image::decode(
        &chart::incidence::render(&incidence(2.0), &canvas)
            .unwrap()
            .bytes,
    );
    let at3 = Image::decode(
        &chart::incidence::render(&incidence(3.0), &canvas)
            .unwrap()
            .bytes,
    );
    let (y2, y3) = (threshold_row(&at2), threshold_row(&at3));
    // The dashed line spans the plot: hundreds of red pixels on its row.
    let red_on_row = |img: &Image, y| {
        (0..img.width)
            .filter(|&x| img.rgb(x, y) == rgb(palette::FAIL))
            .count()
    };
    assert!(red_on_row(&at2, y2) > 500, "{}", red_on_row(&at2, y2));
    assert!(
        y3 < y2,
        "3% line (y {y3}) should be above the 2% line (y {y2})"
    );
}

#[test]
fn household_bars_are_as_tall_as_the_counts() {
    let canvas = Canvas::default();
    for (poor, exited) in [(300u64, 900u64), (800, 400)] {
        let img = Image::decode(
            &chart::households::render(&households(poor, exited), &canvas)
                .unwrap()
                .bytes,
        );
        let orange = img.count(rgb(palette::POOR)) as f64;
        let green = img.count(rgb(palette::PASS)) as f64;
        let want = poor as f64 / exited as f64;
        let got = orange / green;
        assert!(
            (got / want - 1.0).abs() < 0.05,
            "poor/exited area {got:.3}, counts {want:.3}"
        );
    }
}

#[test]
fn counties_incidence_above_the_threshold_is_red() {
    let canvas = Canvas::default();
    let below = Image::decode(
        &chart::counties::render(&counties([1.0, 1.5]), &canvas)
            .unwrap()
            .bytes,
    );
    let above = Image::decode(
        &chart::counties::render(&counties([1.0, 2.5]), &canvas)
            .unwrap()
            .bytes,
    );
    // No county fails a criterion, so red is only the legend swatch until an incidence is red.
    assert!(above.count(rgb(palette::FAIL)) > below.count(rgb(palette::FAIL)) + 100);
}

#[test]
fn no_data_is_an_error_not_an_empty_chart() {
    let canvas = Canvas::default();
    let mut d = indicator();
    d.points.clear();
    let mut h = households(1, 1);
    h.months.clear();
    let mut i = incidence(2.0);
    i.county.points.clear();
    i.villages.clear();
    let mut g = grid(1, &[CriterionStatus::Pass]);
    g.rows.clear();
    let mut c = counties([1.0, 1.0]);
    c.counties.clear();
    let errors = [
        chart::indicator::render(&d, &canvas).unwrap_err(),
        chart::households::render(&h, &canvas).unwrap_err(),
        chart::incidence::render(&i, &canvas).unwrap_err(),
        chart::criteria::render(&g, &canvas).unwrap_err(),
        chart::counties::render(&c, &canvas).unwrap_err(),
    ];
    for e in errors {
        assert!(e.to_string().contains("没有"), "{e}");
    }
}

#[test]
fn inconsistent_data_is_refused() {
    let canvas = Canvas::default();
    let mut g = grid(2, &[CriterionStatus::Pass]);
    g.rows[1].cells.pop();
    assert!(chart::criteria::render(&g, &canvas).is_err());
    let mut c = counties([1.0, 1.0]);
    c.counties[0].met = 6; // 6 + 0 + 1 != 6
    assert!(chart::counties::render(&c, &canvas).is_err());
}

// ------------------------------------------------------------------------------------------------
// Font coverage, checked with ttf-parser (not the ab_glyph code the charts use).
// ------------------------------------------------------------------------------------------------

fn manifest(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// A column of a data/ CSV file.
fn column(file: &str, name: &str) -> Vec<String> {
    let mut r = csv::Reader::from_path(manifest(file)).unwrap();
    let i = r.headers().unwrap().iter().position(|h| h == name).unwrap();
    r.records().map(|rec| rec.unwrap()[i].to_string()).collect()
}

/// Every non-ASCII character inside string literals of the chart sources: the labels they draw.
fn chart_literals() -> String {
    let mut out = String::new();
    for entry in std::fs::read_dir(manifest("src/chart")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for line in text.lines() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            let mut inside = false;
            for c in line.chars() {
                if c == '"' {
                    inside = !inside;
                } else if inside && !c.is_ascii() {
                    out.push(c);
                }
            }
        }
    }
    out
}

#[test]
fn shipped_font_has_a_glyph_for_every_region_name_and_label() {
    let face = ttf_parser::Face::parse(chart::font::EMBEDDED_FONT, 0).expect("font parses");
    let mut texts: Vec<String> = column("data/regions.csv", "name");
    texts.extend(column("data/indicators.csv", "name"));
    texts.extend(column("data/indicators.csv", "unit"));
    texts.extend(column("data/criteria.csv", "name"));
    let literals = chart_literals();
    assert!(literals.contains("未脱贫") && literals.contains("退出标准"));
    texts.push(literals);
    texts.push("0123456789 % . - , : ; ( ) / · → + × …".to_string());
    let mut missing: Vec<char> = texts
        .iter()
        .flat_map(|t| t.chars())
        .filter(|c| !c.is_whitespace())
        .filter(|&c| face.glyph_index(c).is_none_or(|g| g.0 == 0))
        .collect();
    missing.sort();
    missing.dedup();
    assert!(missing.is_empty(), "no glyph for {missing:?}");
    // The chart code's own check agrees.
    let font = ChartFont::embedded();
    assert!(font.missing(texts.iter().map(String::as_str)).is_empty());
}

#[test]
fn fonts_and_licence_ship_together() {
    let font = std::fs::metadata(manifest("assets/fonts/wqy-microhei.ttc")).unwrap();
    assert!(font.len() < 6 * 1024 * 1024, "font is {} bytes", font.len());
    let copyright =
        std::fs::read_to_string(manifest("assets/fonts/wqy-microhei.COPYRIGHT")).unwrap();
    assert!(copyright.contains("Apache-2.0"));
    assert!(manifest("assets/fonts/LICENSE-Apache-2.0.txt").exists());
}
