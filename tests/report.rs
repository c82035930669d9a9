//! `tuopin demo` on a tiny size end to end, `chart all` and `report` on its database: the files the
//! provincial office embeds in its bulletins.

use std::path::Path;

use crate::common::*;

const TINY: &[&str] = &[
    "--villages",
    "6",
    "--households",
    "300",
    "--months",
    "2019-10..2019-12",
    "--seed",
    "11",
];

/// Run the tiny demo into `dir` (relative to the scratch folder).
fn demo(s: &Scratch, dir: &str) -> std::process::Output {
    let mut args = vec!["demo", "--out", dir];
    args.extend_from_slice(TINY);
    assert_cmd::Command::cargo_bin("tuopin")
        .unwrap()
        .current_dir(s.dir.path())
        .env_remove("TUOPIN_DB")
        .args(&args)
        .output()
        .unwrap()
}

fn png_size(path: &Path) -> (u32, u32) {
    let img = Image::decode(&std::fs::read(path).unwrap());
    (img.width, img.height)
}

#[test]
fn demo_runs_end_to_end_and_some_counties_pass_and_one_fails() {
    let s = Scratch::new();
    let out = demo(&s, "demo");
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("report-2019-12.html"), "{text}");
    let dir = s.path("demo");
    for name in [
        "report-2019-12.html",
        "report-2019-12.md",
        "report-2019-12.docx",
        "21-counties-2019-12.png",
        "tuopin.db",
    ] {
        assert!(dir.join(name).exists(), "{name} missing");
    }
    for county in ["210323", "210727", "210922", "211321", "211422"] {
        for kind in ["incidence", "households", "criteria"] {
            let png = dir.join(format!("{county}-{kind}-2019-12.png"));
            assert!(png.exists(), "{}", png.display());
            assert_eq!(png_size(&png), (1600, 1000));
        }
    }
    // The verdicts: 朝阳县 fails C4 (approval 87.6%) and C5 (a poor village without broadband);
    // the other four pass all six.
    let json = assert_cmd::Command::cargo_bin("tuopin")
        .unwrap()
        .arg("--db")
        .arg(dir.join("tuopin.db"))
        .args([
            "check", "counties", "--period", "2019-12", "--format", "json",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let verdict = |code: &str| {
        v["regions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["code"] == code)
            .map(|r| {
                (
                    r["verdict"].as_str().unwrap().to_string(),
                    r["criteria"].clone(),
                )
            })
            .unwrap()
    };
    for code in ["210323", "210727", "210922", "211422"] {
        assert_eq!(verdict(code).0, "pass", "{code}");
    }
    let (chaoyang, criteria) = verdict("211321");
    assert_eq!(chaoyang, "fail");
    let failed: Vec<&str> = criteria
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail")
        .map(|c| c["no"].as_str().unwrap())
        .collect();
    assert_eq!(failed, ["C4", "C5"]);
}

#[test]
fn report_links_only_to_charts_that_exist_and_says_the_counts() {
    let s = Scratch::new();
    assert!(demo(&s, "demo").status.success());
    let dir = s.path("demo");
    let md = std::fs::read_to_string(dir.join("report-2019-12.md")).unwrap();
    let html = std::fs::read_to_string(dir.join("report-2019-12.html")).unwrap();
    let mut links = 0;
    for (text, open, close) in [(&md, "](", ")"), (&html, "src=\"", "\"")] {
        let mut rest = text.as_str();
        while let Some(i) = rest.find(open) {
            rest = &rest[i + open.len()..];
            let end = rest.find(close).unwrap();
            let target = &rest[..end];
            if target.ends_with(".png") {
                assert!(
                    !target.contains('/') && !target.starts_with("http"),
                    "relative link: {target}"
                );
                assert!(
                    dir.join(target).exists(),
                    "report links to missing {target}"
                );
                links += 1;
            }
        }
    }
    assert_eq!(links, 2 * 16, "16 charts in each file");
    for doc in [&md, &html] {
        assert!(
            doc.contains("2019 年计划退出的 5 个贫困县中，4 个县 6 项退出标准全部达标"),
            "{doc}"
        );
        assert!(doc.contains("朝阳县"));
        assert!(doc.contains("疑似错退"));
    }
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<script"), "no scripts");
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "self-contained"
    );
}

#[test]
fn chart_kinds_from_the_checks_and_errors_in_chinese() {
    let s = Scratch::new();
    assert!(demo(&s, "demo").status.success());
    let db = s.path("demo/tuopin.db");
    let run = |args: &[&str]| {
        assert_cmd::Command::cargo_bin("tuopin")
            .unwrap()
            .current_dir(s.dir.path())
            .arg("--db")
            .arg(&db)
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&[
        "chart", "criteria", "--county", "211321", "--period", "2019-12", "--out", "c", "--width",
        "1200", "--height", "800",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let grid = Image::decode(&std::fs::read(s.path("c/211321-criteria-2019-12.png")).unwrap());
    assert_eq!(grid.width, 1200);
    // Green pass cells and the red fail cell of the village without broadband.
    let has = |rgb: [u8; 3]| {
        (0..grid.height)
            .step_by(2)
            .any(|y| (0..grid.width).step_by(2).any(|x| grid.rgb(x, y) == rgb))
    };
    let pass = tuopin::chart::palette::PASS;
    let fail = tuopin::chart::palette::FAIL;
    assert!(has([pass.0, pass.1, pass.2]), "no pass colour");
    assert!(has([fail.0, fail.1, fail.2]), "no fail colour");

    let out = run(&["chart", "incidence", "--county", "210922", "--out", "c"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(s.path("c/210922-incidence-2019-12.png").exists());
    let out = run(&["chart", "counties", "--out", "c"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(s.path("c/21-counties-2019-12.png").exists());

    // Deterministic: the same database and arguments give the same bytes.
    let a = std::fs::read(s.path("c/21-counties-2019-12.png")).unwrap();
    run(&["chart", "counties", "--out", "c"]);
    assert_eq!(
        a,
        std::fs::read(s.path("c/21-counties-2019-12.png")).unwrap()
    );

    // A county without a register says so in Chinese, and draws nothing.
    let out = run(&["chart", "incidence", "--county", "211404", "--out", "c"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("没有建档立卡台账"),
        "{}",
        stderr(&out)
    );
    assert!(!s.path("c/211404-incidence-2019-12.png").exists());
    let out = run(&["chart", "criteria", "--county", "2112", "--out", "c"]);
    assert_eq!(out.status.code(), Some(2));
    // An output folder that cannot be written is a clear error.
    s.write("blocked", "a file, not a folder");
    let out = run(&["chart", "all", "--out", "blocked"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("blocked"), "{}", stderr(&out));
}
