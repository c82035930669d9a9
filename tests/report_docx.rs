//! The Word report (`report-<period>.docx`) of the tiny demo, read back: its XML parsed by a real
//! parser, every table holding the texts of the Markdown report's tables, every chart an embedded
//! part of the package referenced by a relationship, the masthead, the fonts Word and WPS need.

use std::collections::{BTreeMap, BTreeSet};

use crate::common::office::{self, attr, elements};
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

fn run(s: &Scratch, args: &[&str]) -> std::process::Output {
    assert_cmd::Command::cargo_bin("tuopin")
        .unwrap()
        .current_dir(s.dir.path())
        .env_remove("TUOPIN_DB")
        .args(args)
        .output()
        .unwrap()
}

/// A Markdown cell's text: its escapes (`\-3`) read as the characters they escape.
fn unescaped(cell: &str) -> String {
    let mut out = String::new();
    let mut chars = cell.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(|n| n.is_ascii_punctuation()) {
            continue;
        }
        out.push(c);
    }
    out
}

/// The tables of a Markdown text: rows of trimmed cells, the `|---|` line left out.
fn markdown_tables(md: &str) -> Vec<Vec<Vec<String>>> {
    let mut tables = Vec::new();
    let mut current: Vec<Vec<String>> = Vec::new();
    for line in md.lines().chain(std::iter::once("")) {
        if line.starts_with('|') {
            if !line.starts_with("|---") {
                let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
                current.push(inner.split('|').map(|c| unescaped(c.trim())).collect());
            }
        } else if !current.is_empty() {
            tables.push(std::mem::take(&mut current));
        }
    }
    tables
}

/// The text of a WordprocessingML node: its `w:t` runs, a `w:tab` as a tab.
fn text_of(n: roxmltree::Node) -> String {
    n.descendants()
        .filter_map(|d| match d.tag_name().name() {
            "t" => d.text().map(str::to_string),
            "tab" if d.parent().is_some_and(|p| p.tag_name().name() == "r") => Some("\t".into()),
            _ => None,
        })
        .collect()
}

fn children<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &'a str) -> Vec<roxmltree::Node<'a, 'i>> {
    n.children()
        .filter(|c| c.is_element() && c.tag_name().name() == name)
        .collect()
}

#[test]
fn the_docx_report_holds_the_tables_charts_masthead_and_fonts() {
    let s = Scratch::new();
    let out = run(&s, &[&["demo", "--out", "demo"][..], TINY].concat());
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    assert!(
        stdout(&out).contains("report-2019-12.docx"),
        "{}",
        stdout(&out)
    );
    let dir = s.path("demo");
    let bytes = std::fs::read(dir.join("report-2019-12.docx")).unwrap();
    let parts = office::unzip(&bytes);
    // Every XML part parses.
    for (name, _) in parts
        .iter()
        .filter(|(n, _)| n.ends_with(".xml") || n.ends_with(".rels"))
    {
        office::xml(&parts, name);
    }
    let doc = office::xml(&parts, "word/document.xml");

    // The tables: exactly the Markdown report's, cell by cell (县 overview, then one per county).
    let md = std::fs::read_to_string(dir.join("report-2019-12.md")).unwrap();
    let want = markdown_tables(&md);
    let got: Vec<Vec<Vec<String>>> = elements(&doc, "tbl")
        .map(|t| {
            children(t, "tr")
                .into_iter()
                .map(|tr| children(tr, "tc").into_iter().map(text_of).collect())
                .collect()
        })
        .collect();
    assert_eq!(
        got.len(),
        1 + 5 + 1,
        "the overview, five counties, the bulletin's disagreements"
    );
    assert_eq!(got, want);
    // 朝阳县 fails C4 with 87.6% (< 90%), as in the demo's story.
    assert!(
        got.iter()
            .flatten()
            .any(|r| r == &["C4 群众认可度", "✗ 未达标", "87.6%", "≥ 90%"]),
        "{got:?}"
    );
    let text = text_of(doc.root());
    assert!(text.contains("2019 年计划退出的 5 个贫困县中，4 个县 6 项退出标准全部达标"));
    assert!(text.contains("朝阳县（211321）：未达标"), "{text}");

    // A failing criterion's cell is filled red, a passing one green (the charts' colours).
    let fills: BTreeSet<String> = elements(&doc, "shd")
        .filter_map(|n| attr(&n, "fill").map(str::to_string))
        .collect();
    for colour in ["2E8B57", "D03A2F"] {
        assert!(fills.contains(colour), "{colour} not among {fills:?}");
    }

    // The charts: every picture an embedded part of word/media, through a relationship, none linked.
    let rels = office::xml(&parts, "word/_rels/document.xml.rels");
    let images: BTreeMap<String, String> = elements(&rels, "Relationship")
        .filter(|r| attr(r, "Type").is_some_and(|t| t.ends_with("/image")))
        .map(|r| {
            assert_ne!(attr(&r, "TargetMode"), Some("External"), "a linked image");
            (
                attr(&r, "Id").unwrap().to_string(),
                format!("word/{}", attr(&r, "Target").unwrap()),
            )
        })
        .collect();
    let blips: Vec<&str> = elements(&doc, "blip")
        .map(|b| attr(&b, "embed").expect("r:embed"))
        .collect();
    assert_eq!(blips.len(), 16, "the overview and three charts per county");
    let mut embedded = BTreeSet::new();
    for id in &blips {
        let part = images
            .get(*id)
            .unwrap_or_else(|| panic!("{id} has no relationship"));
        assert!(part.starts_with("word/media/"), "{part}");
        embedded.insert(
            parts
                .get(part)
                .unwrap_or_else(|| panic!("{part} missing"))
                .clone(),
        );
    }
    let pngs: BTreeSet<Vec<u8>> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    assert_eq!(embedded, pngs, "the 16 PNGs of the folder, byte for byte");
    let types = office::xml(&parts, "[Content_Types].xml");
    assert!(elements(&types, "Default")
        .any(|d| attr(&d, "Extension") == Some("png")
            && attr(&d, "ContentType") == Some("image/png")));
    // At the width of the text (156 mm), the 16:10 proportions kept.
    for extent in elements(&doc, "extent") {
        let cx: u64 = attr(&extent, "cx").unwrap().parse().unwrap();
        let cy: u64 = attr(&extent, "cy").unwrap().parse().unwrap();
        assert!((cx as f64 / 36000.0 - 156.0).abs() < 0.5, "{cx} EMU wide");
        assert_eq!(cy, cx * 1000 / 1600);
    }
    assert!(text.contains("图 1　计划退出贫困县达标情况"), "{text}");
    assert!(text.contains("图 16　"), "{text}");

    // The masthead: the bulletin's title, the office from the region table, the month.
    let paragraphs: Vec<String> = elements(&doc, "p").map(text_of).collect();
    assert_eq!(paragraphs[0], "脱贫攻坚快报");
    assert_eq!(paragraphs[2], "辽宁省脱贫攻坚领导小组办公室\t2019 年 12 月");
    assert_eq!(paragraphs[3], "脱贫攻坚退出核查报告（2019-12）");

    // Fonts: 宋体 and 黑体 as the East-Asian font, the default 宋体; A4.
    let east_asia: BTreeSet<&str> = elements(&doc, "rFonts")
        .filter_map(|f| attr(&f, "eastAsia"))
        .collect();
    assert_eq!(east_asia, BTreeSet::from(["宋体", "黑体"]));
    let styles = office::xml(&parts, "word/styles.xml");
    let defaults = elements(&styles, "docDefaults").next().unwrap();
    assert!(defaults
        .descendants()
        .any(|n| n.tag_name().name() == "rFonts" && attr(&n, "eastAsia") == Some("宋体")));
    let lang = defaults
        .descendants()
        .find(|n| n.tag_name().name() == "lang")
        .expect("a default language");
    assert_eq!(attr(&lang, "eastAsia"), Some("zh-CN"));
    let table = office::xml(&parts, "word/fontTable.xml");
    let alt: BTreeMap<&str, &str> = elements(&table, "font")
        .filter_map(|f| {
            let alt = f.children().find(|c| c.tag_name().name() == "altName")?;
            Some((attr(&f, "name")?, attr(&alt, "val")?))
        })
        .collect();
    assert_eq!(alt.get("宋体"), Some(&"SimSun"));
    assert_eq!(alt.get("黑体"), Some(&"SimHei"));
    let page = elements(&doc, "pgSz").next().unwrap();
    assert_eq!(
        (attr(&page, "w"), attr(&page, "h")),
        (Some("11906"), Some("16838"))
    );

    // --format picks the files; the others stay as they were.
    std::fs::remove_file(dir.join("report-2019-12.docx")).unwrap();
    let html_before = std::fs::read(dir.join("report-2019-12.html")).unwrap();
    let db = dir.join("tuopin.db");
    let db = db.to_str().unwrap();
    let out = run(
        &s,
        &["--db", db, "report", "--out", "demo", "--format", "docx"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("report-2019-12.docx"));
    assert!(!stdout(&out).contains("report-2019-12.html"));
    assert_eq!(
        std::fs::read(dir.join("report-2019-12.docx")).unwrap(),
        bytes,
        "same bytes again"
    );
    let out = run(
        &s,
        &["--db", db, "report", "--out", "r2", "--format", "html,md"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(s.path("r2/report-2019-12.html")).unwrap(),
        html_before
    );
    assert!(s.path("r2/report-2019-12.md").exists());
    assert!(!s.path("r2/report-2019-12.docx").exists());
    let out = run(
        &s,
        &["--db", db, "report", "--out", "r3", "--format", "pdf"],
    );
    assert_eq!(out.status.code(), Some(2));
}
