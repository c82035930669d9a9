//! `tuopin bulletin extract` on text written for development (tests/fixtures/bulletin-dev): each
//! sentence with the facts expected from it, indicator included (which score.py does not
//! compare), and a county news article (tests/fixtures/bulletins/fuping-news.txt) whose title,
//! indicators and periods are checked one by one.

use std::path::PathBuf;

use crate::common::bulletin_extract;
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One expected fact: value, unit, qualifier, and the indicator (a code, or a new name).
#[derive(Debug, Clone, PartialEq)]
struct Expected {
    value: f64,
    unit: String,
    qualifier: String,
    indicator: String,
}

fn parse_sentences(text: &str) -> Vec<(String, Vec<Expected>)> {
    let mut out: Vec<(String, Vec<Expected>)> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(fact) = line.strip_prefix("  ") {
            let f: Vec<&str> = fact.split_whitespace().collect();
            assert_eq!(f.len(), 4, "line {}: {line}", n + 1);
            let value = f[0].parse().unwrap_or_else(|_| panic!("line {}", n + 1));
            let last = out.last_mut().unwrap_or_else(|| panic!("line {}", n + 1));
            last.1.push(Expected {
                value,
                unit: f[1].into(),
                qualifier: f[2].into(),
                indicator: f[3].into(),
            });
        } else {
            out.push((line.trim().to_string(), Vec::new()));
        }
    }
    out
}

fn got(f: &Value) -> Expected {
    let code = f["indicator_code"].as_str();
    Expected {
        value: f["value"].as_f64().unwrap_or(f64::NAN),
        unit: f["unit"].as_str().unwrap_or("").into(),
        qualifier: f["qualifier"].as_str().unwrap_or("").into(),
        indicator: code.or(f["indicator"].as_str()).unwrap_or("").into(),
    }
}

#[test]
fn development_sentences_give_their_facts() {
    let path = root().join("tests/fixtures/bulletin-dev/sentences.txt");
    let sentences = parse_sentences(&std::fs::read_to_string(&path).expect("sentences"));
    assert!(sentences.len() >= 30, "{} sentences", sentences.len());
    let dir = tempfile::tempdir().expect("tempdir");
    // Each sentence a paragraph of one article without a masthead.
    let body: Vec<&str> = sentences.iter().map(|(s, _)| s.as_str()).collect();
    let input = dir.path().join("sentences.txt");
    std::fs::write(&input, body.join("\n\n")).expect("write");
    let out = bulletin_extract(
        dir.path(),
        &[
            input.to_str().expect("path"),
            "--date",
            "2020-06-15",
            "--office",
            "河北省扶贫开发办公室",
        ],
    );
    let facts = out["facts"].as_array().expect("facts");
    let (mut expected, mut matched, mut wrong) = (0, 0, Vec::new());
    for (sentence, want) in &sentences {
        let have: Vec<Expected> = facts
            .iter()
            .filter(|f| f["sentence"].as_str() == Some(sentence.as_str()))
            .map(got)
            .collect();
        expected += want.len();
        let ok = want.iter().zip(&have).filter(|(w, h)| w == h).count();
        matched += ok;
        if ok != want.len() || have.len() != want.len() {
            wrong.push(format!("{sentence}\n  want {want:?}\n  have {have:?}"));
        }
    }
    eprintln!(
        "development sentences: {matched} of {expected} facts right, {} proposed",
        facts.len()
    );
    assert!(
        wrong.is_empty() && facts.len() == expected,
        "{} sentences wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn news_article_title_indicators_and_periods() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = root().join("tests/fixtures/bulletins/fuping-news.txt");
    let out = bulletin_extract(dir.path(), &[path.to_str().expect("path")]);
    assert_eq!(out["bulletins"][0]["title"], "阜平县：产业扶贫带动群众增收");
    let facts = out["facts"].as_array().expect("facts");
    let find = |value: f64, unit: &str| {
        facts
            .iter()
            .find(|f| f["value"].as_f64() == Some(value) && f["unit"] == unit)
            .unwrap_or_else(|| panic!("no fact {value} {unit}: {facts:?}"))
    };
    // 由 2014 年底的 54.4% 降至 2019 年底的 0.32%: one indicator, each at its stated time.
    for (v, period) in [(54.4, "2014-12"), (0.32, "2019-12")] {
        let f = find(v, "%");
        assert_eq!(f["indicator_code"], "poverty_incidence", "{f}");
        assert_eq!(f["period"], period, "{f}");
        assert_eq!(f["place"], "阜平县", "{f}");
    }
    let income = find(360000.0, "元");
    assert_eq!(income["indicator_code"], "collective_income", "{income}");
    assert_eq!(income["place"], "骆驼湾村");
    // 比上年增长约 15%: a change of the income before it, about, never the income itself.
    let growth = find(15.0, "%");
    assert_eq!(growth["qualifier"], "about");
    assert_eq!(growth["indicator"], "人均可支配收入增长幅度", "{growth}");
    let invest = find(3e7, "元");
    assert_eq!(invest["qualifier"], "about");
    assert_eq!(invest["indicator"], "投入资金", "{invest}");
    let floor = find(12000.0, "元");
    assert_eq!(floor["qualifier"], "at_least");
    assert_eq!(floor["indicator"], "农村居民人均可支配收入", "{floor}");
    for f in facts {
        let name = f["indicator"].as_str().unwrap_or("");
        for w in ["未命名", "约", "左右", "不低于", "余", "比上年", "降"] {
            assert!(!name.contains(w), "{w} in the name {name:?}: {f}");
        }
    }
    // The phone number of the footer is no fact.
    assert!(!facts.iter().any(|f| f["value"].as_f64() == Some(7221234.0)));
}
