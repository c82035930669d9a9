//! `tuopin chart indicator|households` run as a user would, on a database made by `tuopin init`
//! (and register snapshots written by the shared test helper until CSV import exists).

use crate::common::{insert_register, stderr, stdout, HouseholdRow, Image, Scratch};
use tuopin::chart::palette;

const SANJIAZI: &str = "210922-T01-V01"; // 三家子村, 彰武县
const GUANLIANGJIAO: &str = "211321-T01-V01"; // 官粮窖村, 朝阳县

fn rgb(c: plotters::style::RGBColor) -> [u8; 3] {
    [c.0, c.1, c.2]
}

#[test]
fn indicator_chart_of_tieling_dibao_standard() {
    let s = Scratch::new();
    s.init();
    let out = s
        .tuopin(&[
            "chart",
            "indicator",
            "--region",
            "2112",
            "--indicator",
            "dibao_standard",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let path = s.path("charts/2112-indicator-dibao_standard-2019-07.png");
    assert!(
        stdout(&out).contains("charts/2112-indicator-dibao_standard-2019-07.png"),
        "{}",
        stdout(&out)
    );
    let img = Image::decode(&std::fs::read(&path).unwrap());
    assert_eq!((img.width, img.height), (1600, 1000));
    assert!(img.variance() > 100.0);
    // The step line is drawn in the primary colour.
    assert!(img.count(rgb(palette::PRIMARY)) > 2000);
}

#[test]
fn indicator_by_chinese_name_with_size_and_folder() {
    let s = Scratch::new();
    s.init();
    let out = s
        .tuopin(&[
            "chart",
            "indicator",
            "--region",
            "2112",
            "--indicator",
            "农村低保标准",
            "--width",
            "800",
            "--height",
            "500",
            "--out",
            "bulletin/figs",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let bytes =
        std::fs::read(s.path("bulletin/figs/2112-indicator-dibao_standard-2019-07.png")).unwrap();
    let img = Image::decode(&bytes);
    assert_eq!((img.width, img.height), (800, 500));
}

#[test]
fn same_database_and_arguments_give_identical_bytes() {
    let s = Scratch::new();
    s.init();
    let args = [
        "chart",
        "indicator",
        "--region",
        "2112",
        "--indicator",
        "dibao_standard",
    ];
    let path = s.path("charts/2112-indicator-dibao_standard-2019-07.png");
    s.tuopin(&args).assert().success();
    let first = std::fs::read(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    s.tuopin(&args).assert().success();
    assert!(first == std::fs::read(&path).unwrap());
}

#[test]
fn font_option_replaces_the_built_in_font_and_rejects_other_files() {
    let s = Scratch::new();
    s.init();
    let base = [
        "chart",
        "indicator",
        "--region",
        "2112",
        "--indicator",
        "dibao_standard",
    ];
    s.tuopin(&base).assert().success();
    let path = s.path("charts/2112-indicator-dibao_standard-2019-07.png");
    let built_in = std::fs::read(&path).unwrap();

    let font = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/fonts/wqy-microhei.ttc");
    let mut args = base.to_vec();
    args.extend(["--font", font, "--out", "user-font"]);
    s.tuopin(&args).assert().success();
    let user =
        std::fs::read(s.path("user-font/2112-indicator-dibao_standard-2019-07.png")).unwrap();
    assert!(
        user == built_in,
        "the same font file should draw the same pixels"
    );

    let not_a_font = s.write("notes.txt", "not a font");
    let mut args = base.to_vec();
    args.extend(["--font", not_a_font.to_str().unwrap(), "--out", "bad"]);
    let out = s.tuopin(&args).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("字体"), "{}", stderr(&out));
    assert!(!s.path("bad").exists());
}

#[test]
fn indicator_without_data_in_the_range_says_so_and_writes_nothing() {
    let s = Scratch::new();
    s.init();
    let out = s
        .tuopin(&[
            "chart",
            "indicator",
            "--region",
            "2112",
            "--indicator",
            "dibao_standard",
            "--from",
            "2019-08",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("没有数据"), "{}", stderr(&out));
    assert!(!s.path("charts").exists());

    // An indicator the region has no value for at all.
    let out = s
        .tuopin(&[
            "chart",
            "indicator",
            "--region",
            "210922",
            "--indicator",
            "dibao_standard",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("彰武县"), "{}", stderr(&out));
    assert!(stderr(&out).contains("没有数据"), "{}", stderr(&out));
}

#[test]
fn unknown_codes_and_reversed_ranges_are_errors() {
    let s = Scratch::new();
    s.init();
    for (args, says) in [
        (vec!["--region", "2112", "--indicator", "nope"], "不存在"),
        (
            vec!["--region", "9999", "--indicator", "dibao_standard"],
            "不存在",
        ),
        (
            vec![
                "--region",
                "2112",
                "--indicator",
                "dibao_standard",
                "--from",
                "2019-07",
                "--to",
                "2019-03",
            ],
            "晚于",
        ),
        (
            vec![
                "--region",
                "2112",
                "--indicator",
                "dibao_standard",
                "--width",
                "100",
            ],
            "尺寸",
        ),
    ] {
        let mut full = vec!["chart", "indicator"];
        full.extend(args);
        let out = s.tuopin(&full).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{full:?}");
        assert!(stderr(&out).contains(says), "{full:?}: {}", stderr(&out));
    }
}

#[test]
fn unwritable_output_folder_is_a_clear_error() {
    let s = Scratch::new();
    s.init();
    // A file where a folder is expected stops even root, which may write anywhere else.
    s.write("occupied", "a file");
    for out_dir in ["occupied", "occupied/charts"] {
        let out = s
            .tuopin(&[
                "chart",
                "indicator",
                "--region",
                "2112",
                "--indicator",
                "dibao_standard",
                "--out",
                out_dir,
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{out_dir}");
        let err = stderr(&out);
        assert!(err.contains("错误") && err.contains("occupied"), "{err}");
        assert!(err.contains("文件夹"), "{err}");
    }
}

/// Three months of 彰武县 registers, and one of 朝阳县 that must not be counted with it.
fn registers(s: &Scratch) {
    let conn = s.open();
    let month = |poor: usize, exited: usize, returned: usize| -> Vec<(String, &str)> {
        let mut rows = Vec::new();
        for (n, status) in [(poor, "poor"), (exited, "exited"), (returned, "returned")] {
            for _ in 0..n {
                rows.push((format!("H{:04}", rows.len()), status));
            }
        }
        rows
    };
    for (period, counts) in [
        ("2019-01", month(120, 40, 0)),
        ("2019-02", month(90, 68, 2)),
        ("2019-03", month(60, 97, 3)),
    ] {
        let rows: Vec<HouseholdRow> = counts
            .iter()
            .map(|(id, status)| HouseholdRow {
                household_id: id,
                village_code: SANJIAZI,
                size: 2,
                status,
            })
            .collect();
        insert_register(&conn, "210922", period, &rows);
    }
    let other: Vec<(String, &str)> = (0..200).map(|i| (format!("C{i:04}"), "exited")).collect();
    let rows: Vec<HouseholdRow> = other
        .iter()
        .map(|(id, status)| HouseholdRow {
            household_id: id,
            village_code: GUANLIANGJIAO,
            size: 3,
            status,
        })
        .collect();
    insert_register(&conn, "211321", "2019-03", &rows);
}

#[test]
fn households_chart_counts_one_county_by_status() {
    let s = Scratch::new();
    s.init();
    registers(&s);
    let out = s
        .tuopin(&["chart", "households", "--county", "210922"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let img =
        Image::decode(&std::fs::read(s.path("charts/210922-households-2019-03.png")).unwrap());
    assert_eq!((img.width, img.height), (1600, 1000));
    assert!(img.variance() > 100.0);
    // Bar areas follow the counts of 彰武县 only: poor 270 vs exited 205 over the three months.
    // (朝阳县's 200 exited households would push green far past that.)
    let ratio = img.count(rgb(palette::POOR)) as f64 / img.count(rgb(palette::PASS)) as f64;
    let want = 270.0 / 205.0;
    assert!((ratio / want - 1.0).abs() < 0.05, "{ratio} vs {want}");
    // 返贫 households are drawn (more red than the legend swatch alone).
    assert!(img.count(rgb(palette::FAIL)) > 1000);
}

#[test]
fn households_chart_range_names_the_file_by_its_last_month() {
    let s = Scratch::new();
    s.init();
    registers(&s);
    s.tuopin(&[
        "chart",
        "households",
        "--county",
        "210922",
        "--from",
        "2019-01",
        "--to",
        "2019-02",
    ])
    .assert()
    .success();
    let first = std::fs::read(s.path("charts/210922-households-2019-02.png")).unwrap();
    assert!(!s.path("charts/210922-households-2019-03.png").exists());
    // March changes the picture, so a chart to March must differ.
    s.tuopin(&["chart", "households", "--county", "210922"])
        .assert()
        .success();
    let all = std::fs::read(s.path("charts/210922-households-2019-03.png")).unwrap();
    assert!(first != all);
}

#[test]
fn households_chart_without_register_or_for_a_non_county_is_an_error() {
    let s = Scratch::new();
    s.init();
    registers(&s);
    for (county, says) in [
        ("211422", "没有建档立卡户数据"), // 建昌县: nothing imported
        ("2112", "不是县级区划"),         // a city
        ("210922-T01-V01", "不是县级区划"),
    ] {
        let out = s
            .tuopin(&["chart", "households", "--county", county])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{county}");
        assert!(stderr(&out).contains(says), "{county}: {}", stderr(&out));
    }
    let out = s
        .tuopin(&[
            "chart",
            "households",
            "--county",
            "210922",
            "--from",
            "2019-06",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("没有建档立卡户数据"),
        "{}",
        stderr(&out)
    );
    assert!(!s.path("charts").exists());
}
