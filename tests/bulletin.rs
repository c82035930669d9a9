//! `tuopin bulletin extract`: the built binary on the seed bulletins and on the second
//! development set (tests/fixtures/bulletins), scored by the rules of
//! tests/fixtures/bulletin-gold/score.py (ported below), with floors at the targets so that a
//! regression fails; plus the JSON shape, GBK and .docx input, and what it refuses.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::common::bulletin_extract;
use assert_cmd::Command;
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// score.py's counts: matched proposals, proposals, gold facts, places right, qualifiers right.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
struct Score {
    matched: usize,
    proposed: usize,
    gold: usize,
    place_ok: usize,
    qualifier_ok: usize,
}

impl Score {
    fn add(self, o: Score) -> Score {
        Score {
            matched: self.matched + o.matched,
            proposed: self.proposed + o.proposed,
            gold: self.gold + o.gold,
            place_ok: self.place_ok + o.place_ok,
            qualifier_ok: self.qualifier_ok + o.qualifier_ok,
        }
    }

    fn ratios(&self) -> (f64, f64, f64, f64) {
        let d = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        (
            d(self.matched, self.proposed),
            d(self.matched, self.gold),
            d(self.place_ok, self.matched),
            d(self.qualifier_ok, self.matched),
        )
    }
}

fn stem(name: &str) -> String {
    let name = name.trim();
    for suf in [
        "满族自治县",
        "自治县",
        "村",
        "镇",
        "乡",
        "县",
        "市",
        "区",
        "省",
    ] {
        if name.ends_with(suf) && name.chars().count() > suf.chars().count() + 1 {
            return name[..name.len() - suf.len()].to_string();
        }
    }
    name.to_string()
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn norm_unit(u: &str) -> String {
    u.trim().replace('％', "%")
}

fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or("").to_string()
}

/// The scoring of score.py: a proposal matches a gold fact when value, unit and anchor agree;
/// each proposal matches at most one gold fact, gold facts taken in order.
fn score(extracted: &Value, gold: &Value) -> Score {
    let pred = extracted["facts"].as_array().expect("facts array");
    let gold = gold.as_array().expect("gold array");
    let mut used = vec![false; pred.len()];
    let mut s = Score {
        proposed: pred.len(),
        gold: gold.len(),
        ..Score::default()
    };
    for g in gold {
        let anchor = squash(&text(g, "anchor"));
        let gv = g["value"].as_f64().expect("gold value");
        for (i, p) in pred.iter().enumerate() {
            if used[i] {
                continue;
            }
            let Some(v) = p.get("value").and_then(Value::as_f64) else {
                continue;
            };
            if (v - gv).abs() > 1e-6 * gv.abs().max(1.0) {
                continue;
            }
            if norm_unit(&text(p, "unit")) != norm_unit(&text(g, "unit")) {
                continue;
            }
            if !squash(&text(p, "sentence")).contains(&anchor) {
                continue;
            }
            used[i] = true;
            s.matched += 1;
            let gold_place = stem(&text(g, "place"));
            if stem(&text(p, "place")) == gold_place && !gold_place.is_empty() {
                s.place_ok += 1;
            }
            let q = p
                .get("qualifier")
                .and_then(Value::as_str)
                .unwrap_or("exact");
            let gq = g
                .get("qualifier")
                .and_then(Value::as_str)
                .unwrap_or("exact");
            if q == gq {
                s.qualifier_ok += 1;
            }
            break;
        }
    }
    s
}

fn read_json(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).expect("gold JSON")
}

fn report(name: &str, s: Score) {
    let (p, r, place, q) = s.ratios();
    eprintln!(
        "{name}: {} {} {} {} {}  precision {p:.3} recall {r:.3} place {place:.3} qualifier {q:.3}",
        s.matched, s.proposed, s.gold, s.place_ok, s.qualifier_ok
    );
}

#[test]
fn seed_scores_at_least_the_targets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let seed = root().join("data/bulletins-2019-03.txt");
    let out = bulletin_extract(dir.path(), &[seed.to_str().expect("utf-8 path")]);
    let gold = read_json(&root().join("tests/fixtures/bulletin-gold/seed.json"));
    let s = score(&out, &gold);
    report("seed", s);
    let (p, r, place, q) = s.ratios();
    assert!(p >= 0.97 && r >= 0.97, "precision {p} recall {r}: {s:?}");
    assert!(place >= 0.9, "place accuracy {place}: {s:?}");
    assert!(q >= 0.95, "qualifier accuracy {q}: {s:?}");
    // Extracting writes nothing, not even an empty database.
    assert!(!dir.path().join("tuopin.db").exists());
}

#[test]
fn seed_copied_line_by_line_from_a_pdf_scores_the_same() {
    // Every paragraph cut into lines of 38 characters, as a PDF's text layer gives them.
    let dir = tempfile::tempdir().expect("tempdir");
    let seed = std::fs::read_to_string(root().join("data/bulletins-2019-03.txt")).expect("seed");
    let mut wrapped = String::new();
    for line in seed.lines() {
        let chars: Vec<char> = line.chars().collect();
        for chunk in chars.chunks(38) {
            wrapped.extend(chunk);
            wrapped.push('\n');
        }
    }
    let path = dir.path().join("wrapped.txt");
    std::fs::write(&path, wrapped).expect("write");
    let out = bulletin_extract(dir.path(), &[path.to_str().expect("path")]);
    let gold = read_json(&root().join("tests/fixtures/bulletin-gold/seed.json"));
    let s = score(&out, &gold);
    report("seed wrapped at 38 characters", s);
    let (p, r, place, q) = s.ratios();
    assert!(p >= 0.97 && r >= 0.97 && place >= 0.9 && q >= 0.95, "{s:?}");
    assert_eq!(out["bulletins"].as_array().map(Vec::len), Some(5));
}

#[test]
fn development_set_scores_at_least_the_targets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fixtures = root().join("tests/fixtures/bulletins");
    let mut names: Vec<String> = std::fs::read_dir(&fixtures)
        .expect("fixtures")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let n = e.file_name().to_string_lossy().to_string();
            n.strip_suffix(".gold.json").map(str::to_string)
        })
        .collect();
    names.sort();
    assert!(names.len() >= 4, "development set: {names:?}");
    let mut total = Score::default();
    for name in &names {
        let txt = fixtures.join(format!("{name}.txt"));
        let mut args = vec![txt.to_string_lossy().to_string()];
        if let Ok(extra) = std::fs::read_to_string(fixtures.join(format!("{name}.args"))) {
            args.extend(extra.split_whitespace().map(str::to_string));
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = bulletin_extract(dir.path(), &args);
        let s = score(
            &out,
            &read_json(&fixtures.join(format!("{name}.gold.json"))),
        );
        report(name, s);
        total = total.add(s);
    }
    report("development set", total);
    // Development data, read while the rules were written: held to the seed's targets, above
    // those for unseen texts (0.95, 0.92, 0.85, 0.9).
    let (p, r, place, q) = total.ratios();
    assert!(
        p >= 0.97 && r >= 0.97,
        "precision {p} recall {r}: {total:?}"
    );
    assert!(place >= 0.9, "place accuracy {place}: {total:?}");
    assert!(q >= 0.95, "qualifier accuracy {q}: {total:?}");
}

#[test]
fn scoring_port_agrees_with_score_py_rules() {
    let gold = serde_json::json!([
        {"anchor": "全村 339 户", "value": 339, "unit": "户", "qualifier": "exact", "place": "三家子村"},
        {"anchor": "200 余人", "value": 200, "unit": "人", "qualifier": "at_least", "place": "三家子村"}
    ]);
    let pred = serde_json::json!({"facts": [
        {"value": 339, "unit": "户", "qualifier": "exact", "place": "三家子", "sentence": "全村339户、1328人。"},
        {"value": 200, "unit": "人", "qualifier": "exact", "place": "彰武县", "sentence": "农户 200 余人"},
        {"value": 1328, "unit": "人", "qualifier": "exact", "place": "三家子村", "sentence": "全村339户、1328人。"}
    ]});
    let s = score(&pred, &gold);
    assert_eq!(
        s,
        Score {
            matched: 2,
            proposed: 3,
            gold: 2,
            place_ok: 1,
            qualifier_ok: 1
        }
    );
}

#[test]
fn json_shape() {
    let dir = tempfile::tempdir().expect("tempdir");
    let seed = root().join("data/bulletins-2019-03.txt");
    let out = bulletin_extract(dir.path(), &[seed.to_str().expect("utf-8 path")]);
    let keys = |v: &Value| {
        let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&out), ["bulletins", "facts"]);
    let bulletins = out["bulletins"].as_array().expect("bulletins");
    assert_eq!(bulletins.len(), 5);
    assert_eq!(
        keys(&bulletins[0]),
        ["date", "issue_no", "office", "title", "total_no"]
    );
    assert_eq!(bulletins[1]["issue_no"], 25);
    assert_eq!(bulletins[1]["total_no"], 213);
    assert_eq!(bulletins[1]["date"], "2019-03-27");
    assert_eq!(bulletins[1]["office"], "辽宁省脱贫攻坚领导小组办公室");
    assert_eq!(
        bulletins[1]["title"],
        "省商务厅引领产业发展助力精准扶贫；彰武县章古台镇三家子村互换并地促脱贫攻坚"
    );
    let facts = out["facts"].as_array().expect("facts");
    for (i, f) in facts.iter().enumerate() {
        assert_eq!(
            keys(f),
            [
                "id",
                "indicator",
                "indicator_code",
                "issue_no",
                "period",
                "place",
                "qualifier",
                "region_code",
                "sentence",
                "unit",
                "value",
                "value_high"
            ]
        );
        assert_eq!(f["id"], i + 1);
        let q = f["qualifier"].as_str().expect("qualifier");
        assert!(["exact", "at_least", "about", "at_most", "range"].contains(&q));
        assert_eq!(q == "range", !f["value_high"].is_null(), "{f}");
        let period = f["period"].as_str().expect("period");
        assert!(
            period.len() == 7 && period.as_bytes()[4] == b'-',
            "{period}"
        );
    }
    // The figures the issue names: 174 户 → registered poor households of 三家子村, the 382 人 after
    // it → registered poor people; 4350 → 4770 元 the 低保 standard of 铁岭市 before and from 2019-07.
    let find = |value: i64, unit: &str| {
        facts
            .iter()
            .find(|f| f["value"] == value && f["unit"] == unit)
            .unwrap_or_else(|| panic!("no fact {value} {unit}"))
    };
    assert_eq!(find(339, "户")["indicator_code"], "households_total");
    assert_eq!(find(1328, "人")["indicator_code"], "population");
    let h = find(174, "户");
    assert_eq!(h["indicator_code"], "registered_poor_households");
    assert_eq!(h["region_code"], "210922-T01-V01");
    assert_eq!(h["issue_no"], 25);
    assert_eq!(
        find(382, "人")["indicator_code"],
        "registered_poor_population"
    );
    let before = find(4350, "元");
    let after = find(4770, "元");
    assert_eq!(before["indicator_code"], "dibao_standard");
    assert_eq!(after["indicator_code"], "dibao_standard");
    assert_eq!(
        (before["period"].as_str(), after["period"].as_str()),
        (Some("2019-06"), Some("2019-07"))
    );
    assert_eq!(after["region_code"], "2112");
    let range = find(1, "块");
    assert_eq!(
        (range["qualifier"].as_str(), range["value_high"].as_i64()),
        (Some("range"), Some(3))
    );
}

#[test]
fn gbk_text_reads_as_utf8() {
    let dir = tempfile::tempdir().expect("tempdir");
    let seed = std::fs::read_to_string(root().join("data/bulletins-2019-03.txt")).expect("seed");
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&seed);
    assert!(!unmappable);
    let path = dir.path().join("seed-gbk.txt");
    std::fs::write(&path, &gbk).expect("write");
    let a = bulletin_extract(dir.path(), &[path.to_str().expect("path")]);
    let b = bulletin_extract(
        dir.path(),
        &[root()
            .join("data/bulletins-2019-03.txt")
            .to_str()
            .expect("path")],
    );
    assert_eq!(a, b);
}

#[test]
fn docx_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("第29期.docx");
    let paragraphs = [
        "脱贫攻坚快报",
        "第 29 期（总第 217 期）",
        "辽宁省脱贫攻坚领导小组办公室",
        "2019 年 4 月 2 日",
        "义县巩固脱贫成果",
        "义县七里河镇七里河村全村 412 户、1506 人，其中建档立卡贫困户 96 户。",
    ];
    let body: String = paragraphs
        .iter()
        .map(|p| format!("<w:p><w:r><w:t xml:space=\"preserve\">{p}</w:t></w:r></w:p>"))
        .collect();
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    );
    let file = std::fs::File::create(&path).expect("create");
    let mut zip = zip::ZipWriter::new(file);
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("[Content_Types].xml", stored).expect("zip");
    zip.write_all(b"<Types/>").expect("zip");
    zip.start_file("word/document.xml", stored).expect("zip");
    zip.write_all(xml.as_bytes()).expect("zip");
    zip.finish().expect("zip");
    let out = bulletin_extract(dir.path(), &[path.to_str().expect("path")]);
    assert_eq!(out["bulletins"][0]["issue_no"], 29);
    assert_eq!(out["bulletins"][0]["date"], "2019-04-02");
    let facts = out["facts"].as_array().expect("facts");
    let values: Vec<i64> = facts.iter().filter_map(|f| f["value"].as_i64()).collect();
    assert_eq!(values, [412, 1506, 96]);
    assert!(facts.iter().all(|f| f["place"] == "七里河村"), "{facts:?}");
    assert_eq!(facts[0]["period"], "2019-04");
}

#[test]
fn text_without_masthead_needs_date_and_office() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("article.txt");
    std::fs::write(&path, "彰武县章古台镇三家子村全村 339 户、1328 人。\n").expect("write");
    let out = Command::cargo_bin("tuopin")
        .expect("binary")
        .current_dir(dir.path())
        .arg("--db")
        .arg(dir.path().join("tuopin.db"))
        .args(["bulletin", "extract"])
        .arg(&path)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--date") && err.contains("--office"), "{err}");
    let p = path.to_str().expect("path");
    let out = bulletin_extract(
        dir.path(),
        &[
            p,
            "--date",
            "2019-04-01",
            "--office",
            "彰武县扶贫开发领导小组办公室",
        ],
    );
    assert_eq!(out["bulletins"][0]["issue_no"], Value::Null);
    assert_eq!(out["facts"][0]["region_code"], "210922-T01-V01");
    assert_eq!(out["facts"][1]["period"], "2019-04");
    let bad = Command::cargo_bin("tuopin")
        .expect("binary")
        .current_dir(dir.path())
        .arg("--db")
        .arg(dir.path().join("tuopin.db"))
        .args([
            "bulletin", "extract", p, "--date", "2019-4-1", "--office", "x",
        ])
        .output()
        .expect("run");
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn uses_the_database_regions_when_there_is_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let init = Command::cargo_bin("tuopin")
        .expect("binary")
        .current_dir(dir.path())
        .env_remove("TUOPIN_DB")
        .arg("--db")
        .arg(dir.path().join("tuopin.db"))
        .arg("init")
        .output()
        .expect("init");
    assert!(
        init.status.success(),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );
    let seed = root().join("data/bulletins-2019-03.txt");
    let with_db = bulletin_extract(dir.path(), &[seed.to_str().expect("path")]);
    let other = tempfile::tempdir().expect("tempdir");
    let embedded = bulletin_extract(other.path(), &[seed.to_str().expect("path")]);
    assert_eq!(with_db["facts"], embedded["facts"]);
}

#[test]
fn table_format_is_chinese() {
    let dir = tempfile::tempdir().expect("tempdir");
    let seed = root().join("data/bulletins-2019-03.txt");
    let out = Command::cargo_bin("tuopin")
        .expect("binary")
        .current_dir(dir.path())
        .arg("--db")
        .arg(dir.path().join("tuopin.db"))
        .args(["bulletin", "extract"])
        .arg(&seed)
        .output()
        .expect("run");
    assert!(out.status.success());
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("第25期（总第213期） 2019-03-27"), "{s}");
    assert!(s.contains("≥ 200 人"), "{s}");
    assert!(s.contains("1–3 块"), "{s}");
    assert!(s.contains("共 5 期，提取 71 条"), "{s}");
}
