//! The bulletins' prose as an input (beside `import/`, which reads county files): 《脱贫攻坚快报》
//! issues as plain text (UTF-8 or GBK) or `.docx`, split into issues and articles (`split`), and
//! the figures they state proposed as facts (`extract`): value in base units, unit, qualifier,
//! place with its region code, indicator and period, each with the sentence it stands in and that
//! sentence's position in the stored issue text. Extracting writes nothing; `store` hands what was
//! read to `model::bulletin` (`bulletin add`, and the seed for `init`), and `render` prints facts,
//! proposals and what an add did.
//!
//! `numbers` reads numbers as written; `places` finds and resolves place names; `indicators`
//! matches the catalogue; `reference` holds the region table, gazetteer and catalogue; `input`
//! reads files.

pub mod extract;
pub mod figure;
pub mod indicators;
pub mod input;
mod mention;
mod names;
pub mod numbers;
mod phrase;
mod places;
mod placewords;
pub mod reference;
pub mod render;
pub mod split;
pub mod store;
mod time;

use std::ops::Range;

use crate::model::indicator::Qualifier;
use crate::model::period::Period;
use crate::model::region::Level;

pub use reference::Reference;

/// What the masthead does not say, from the command line (`--date`, `--office`).
#[derive(Debug, Clone, Default)]
pub struct Defaults {
    /// YYYY-MM-DD
    pub date: Option<String>,
    pub office: Option<String>,
}

/// One issue of a bulletin, as it will be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    pub issue_no: Option<i64>,
    pub total_no: Option<i64>,
    /// YYYY-MM-DD
    pub date: String,
    pub office: String,
    /// The body as stored and quoted: one paragraph (or title) a line, lines broken by page
    /// breaks rejoined, the masthead, distribution block and contact footer left out. Every span
    /// of this module is a byte range of this text.
    pub text: String,
    pub articles: Vec<Article>,
}

/// One article of an issue: its title (if the issue has titles) and paragraphs.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    pub title: Option<Range<usize>>,
    pub paragraphs: Vec<Range<usize>>,
}

impl Issue {
    /// The month the issue speaks of unless a sentence says otherwise.
    pub fn period(&self) -> Option<Period> {
        self.date.get(..7)?.parse().ok()
    }

    pub fn title_texts(&self) -> Vec<String> {
        self.articles
            .iter()
            .filter_map(|a| a.title.clone())
            .map(|r| squash(&self.text[r]))
            .collect()
    }

    /// The titles of the issue's articles, as `data/bulletins.csv` writes them (joined by "；").
    pub fn title(&self) -> String {
        self.title_texts().join("；")
    }
}

/// The text without any whitespace (how titles are cited).
pub fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Where a proposed fact's place sits in the region table.
#[derive(Debug, Clone, PartialEq)]
pub enum RegionMatch {
    /// In the region table or the gazetteer, with its code.
    Known { code: String, in_table: bool },
    /// Named in the text but in no table: to be created under `parent_code` when accepted.
    Provisional {
        name: String,
        level: Level,
        parent_code: Option<String>,
        /// The parent as it was read (another provisional place, when `parent_code` is None).
        parent: Option<Box<RegionMatch>>,
    },
    /// No place could be read (no publisher either).
    Unknown,
}

impl RegionMatch {
    pub fn code(&self) -> Option<&str> {
        match self {
            RegionMatch::Known { code, .. } => Some(code),
            _ => None,
        }
    }
}

/// Which catalogue indicator a fact gives.
#[derive(Debug, Clone, PartialEq)]
pub enum IndicatorMatch {
    Known {
        code: String,
        name: String,
    },
    /// A noun the catalogue lacks: proposed as a new indicator with this name and unit.
    New {
        name: String,
        unit: String,
    },
}

impl IndicatorMatch {
    pub fn code(&self) -> Option<&str> {
        match self {
            IndicatorMatch::Known { code, .. } => Some(code),
            IndicatorMatch::New { .. } => None,
        }
    }

    pub fn name(&self) -> &str {
        match self {
            IndicatorMatch::Known { name, .. } | IndicatorMatch::New { name, .. } => name,
        }
    }
}

/// One figure proposed as a fact, to be reviewed.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    /// Index of the issue in the extraction's issues.
    pub issue: usize,
    pub value: f64,
    pub qualifier: Qualifier,
    pub unit: String,
    /// The place as a reader names it ("三家子村"), None when nothing could be read.
    pub place: Option<String>,
    pub region: RegionMatch,
    pub indicator: IndicatorMatch,
    pub period: Option<Period>,
    /// The sentence it stands in, verbatim from `Issue::text`, and its byte range there.
    pub sentence: String,
    pub sentence_span: Range<usize>,
    /// The figure as printed, number to unit and qualifier ("200 余人").
    pub span: Range<usize>,
}

impl Proposal {
    pub fn value_high(&self) -> Option<f64> {
        match self.qualifier {
            Qualifier::Range(h) => Some(h),
            _ => None,
        }
    }
}

/// Issues read from one text and the facts proposed from them.
#[derive(Debug, Clone, Default)]
pub struct Extraction {
    pub issues: Vec<Issue>,
    pub proposals: Vec<Proposal>,
}

/// Split `text` into issues and propose the facts of each.
pub fn extract_text(
    text: &str,
    defaults: &Defaults,
    reference: &Reference,
) -> anyhow::Result<Extraction> {
    defaults.check()?;
    let issues = split::split(text, defaults)?;
    let mut out = Extraction::default();
    for issue in issues {
        let index = out.issues.len();
        let mut proposals = extract::propose(&issue, index, reference);
        out.proposals.append(&mut proposals);
        out.issues.push(issue);
    }
    Ok(out)
}

impl Defaults {
    /// Refuse a `--date` that is no date, before reading anything.
    pub fn check(&self) -> anyhow::Result<()> {
        if let Some(d) = &self.date {
            let ok = d.len() == 10 && time::parse_date(d).is_some();
            if !ok {
                anyhow::bail!("--date {d:?} 不是日期，应为 YYYY-MM-DD (not a date)");
            }
        }
        Ok(())
    }
}

/// A value as JSON: integral values without a decimal point (174, not 174.0).
struct JsonNumber(f64);

impl serde::Serialize for JsonNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.fract() == 0.0 && self.0.abs() < 9e15 {
            s.serialize_i64(self.0 as i64)
        } else {
            s.serialize_f64(self.0)
        }
    }
}

#[derive(serde::Serialize)]
struct JsonBulletin<'a> {
    issue_no: Option<i64>,
    total_no: Option<i64>,
    date: &'a str,
    office: &'a str,
    title: String,
}

#[derive(serde::Serialize)]
struct JsonFact<'a> {
    id: usize,
    value: JsonNumber,
    value_high: Option<JsonNumber>,
    unit: &'a str,
    qualifier: &'static str,
    place: Option<&'a str>,
    region_code: Option<&'a str>,
    indicator: &'a str,
    indicator_code: Option<&'a str>,
    period: Option<String>,
    sentence: &'a str,
    issue_no: Option<i64>,
}

#[derive(serde::Serialize)]
struct JsonOutput<'a> {
    bulletins: Vec<JsonBulletin<'a>>,
    facts: Vec<JsonFact<'a>>,
}

fn json_output(extractions: &[Extraction]) -> JsonOutput<'_> {
    let mut out = JsonOutput {
        bulletins: Vec::new(),
        facts: Vec::new(),
    };
    for ex in extractions {
        for issue in &ex.issues {
            out.bulletins.push(JsonBulletin {
                issue_no: issue.issue_no,
                total_no: issue.total_no,
                date: &issue.date,
                office: &issue.office,
                title: issue.title(),
            });
        }
        for p in &ex.proposals {
            out.facts.push(JsonFact {
                id: out.facts.len() + 1,
                value: JsonNumber(p.value),
                value_high: p.value_high().map(JsonNumber),
                unit: &p.unit,
                qualifier: p.qualifier.code(),
                place: p.place.as_deref(),
                region_code: p.region.code(),
                indicator: p.indicator.name(),
                indicator_code: p.indicator.code(),
                period: p.period.map(|x| x.to_string()),
                sentence: &p.sentence,
                issue_no: ex.issues[p.issue].issue_no,
            });
        }
    }
    out
}

/// The JSON of `bulletin extract`, `{"bulletins": [...], "facts": [...]}`, written to `w`; facts
/// are numbered from 1 in reading order across all extractions.
pub fn write_json(extractions: &[Extraction], w: &mut dyn std::io::Write) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *w, &json_output(extractions))?;
    writeln!(w)?;
    Ok(())
}

/// The same JSON as a value.
pub fn to_json(extractions: &[Extraction]) -> serde_json::Value {
    serde_json::to_value(json_output(extractions)).unwrap_or(serde_json::Value::Null)
}
