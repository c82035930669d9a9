//! `tuopin report`: a bulletin-style summary of the exit checks for one month, in HTML, Markdown and
//! Word (.docx), with the charts of `chart all`, and the bulletins' facts that disagree with the
//! register (快报数据与台账比对, `check facts`).
//!
//! The report is built once as plain data (`Doc`, in `doc.rs`) and then written in each format
//! (`html.rs`, `markdown.rs`, `docx.rs`), so the files always say the same thing. The HTML and the
//! Markdown link the PNGs beside them by relative path; the .docx embeds them. Nothing in any file
//! depends on the clock, so the same database gives the same report. Each file is written whole or
//! not at all (`output::file`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Result;
use rusqlite::Connection;

use crate::chart::checks::{self, Drawn};
use crate::chart::{Canvas, ChartKind};
use crate::check::{self, render::rule_text, CriterionStatus, RegionResult, Verdict};
use crate::model::period::Period;
use crate::model::region;
use crate::output::{figure, file};

mod doc;
mod docx;
mod html;
mod markdown;

pub use doc::{CountySection, Doc, FactRow, FactsSection};

pub use html::render as render_html;
pub use markdown::render as render_markdown;

/// The files of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Html,
    Markdown,
    Docx,
}

impl Format {
    /// Every format, in the order they are written.
    pub const ALL: [Format; 3] = [Format::Html, Format::Markdown, Format::Docx];

    pub fn extension(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Markdown => "md",
            Format::Docx => "docx",
        }
    }
}

/// Files written by `write`.
pub struct Written {
    /// The report's files, in the order of `Format::ALL`.
    pub files: Vec<PathBuf>,
    pub charts: Vec<Drawn>,
}

/// The issuing office of the province's bulletins: its name and 脱贫攻坚领导小组办公室.
fn office(conn: &Connection) -> Result<String> {
    let code = region::province_code(conn)?;
    let province = region::find(conn, &code)?
        .map(|r| r.name)
        .unwrap_or_default();
    Ok(format!("{province}脱贫攻坚领导小组办公室"))
}

/// The accepted facts of `period` and before against the register (`check facts`): the counts and
/// the disagreements.
fn facts_section(conn: &Connection, period: Period) -> Result<FactsSection> {
    use crate::check::facts::render as fr;
    let mut report = check::check_facts(conn, None, None)?;
    report.comparisons.retain(|c| c.period <= period);
    Ok(FactsSection {
        tally: report.tally(),
        disagreements: report
            .disagreements()
            .map(|c| FactRow {
                place: c.place.clone(),
                code: c.region_code.clone(),
                indicator: c.indicator_name.clone(),
                period: c.period,
                bulletin: fr::bulletin_text(c),
                register: fr::register_text(c),
                difference: fr::difference_text(c),
                bulletin_source: c.bulletin_source.clone(),
                register_source: c.register_source.clone().unwrap_or_default(),
            })
            .collect(),
    })
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Gather everything the report says for `period`, drawing the charts into `out`.
pub fn build(
    conn: &Connection,
    canvas: &Canvas,
    out: &Path,
    period: Period,
) -> Result<(Doc, Vec<Drawn>)> {
    // The charts and the tables below read the same checks of the month, computed once.
    let mut monthly = checks::Monthly::planned(conn, period)?;
    let (drawn, notes) = checks::all(&mut monthly, canvas, out, period)?;
    let (year, codes) = checks::planned_exit_counties(conn, period)?;
    let counties = monthly.counties(period)?.clone();
    let villages = monthly.villages(period)?.clone();
    let households = check::check_households(conn, Some(period), None, None)?;
    let county_of: BTreeMap<String, String> = conn
        .prepare("SELECT code, county_code FROM region_county")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;

    let mut sections = Vec::new();
    for code in &codes {
        let Some(c) = counties.regions.iter().find(|r| &r.code == code) else {
            continue;
        };
        let mine: Vec<&RegionResult> = villages
            .regions
            .iter()
            .filter(|v| county_of.get(&v.code) == Some(code))
            .collect();
        let not_passing = mine
            .iter()
            .filter(|v| v.verdict != Verdict::Pass)
            .map(|v| {
                let items: Vec<String> = v
                    .criteria
                    .iter()
                    .filter(|c| c.status != CriterionStatus::Pass)
                    .map(|c| format!("{} {}（{}）", c.no, c.name, c.status.chinese()))
                    .collect();
                (v.name.clone(), v.code.clone(), items.join("、"))
            })
            .collect();
        let in_county = |h: &&check::HouseholdFinding| county_of.get(&h.village_code) == Some(code);
        sections.push(CountySection {
            code: c.code.clone(),
            name: c.name.clone(),
            verdict: c.verdict,
            criteria: c
                .criteria
                .iter()
                .map(|r| {
                    let rule = counties.rules.iter().find(|x| x.no == r.no);
                    (
                        format!("{} {}", r.no, r.name),
                        r.status,
                        r.value
                            .map(|v| figure::exact(v, &r.unit))
                            .unwrap_or_else(|| "—".into()),
                        rule.map(rule_text).unwrap_or_default(),
                    )
                })
                .collect(),
            poor_villages: mine.len(),
            poor_villages_passing: mine.iter().filter(|v| v.verdict == Verdict::Pass).count(),
            villages_not_passing: not_passing,
            suspected_wrong_exits: households
                .households
                .iter()
                .filter(in_county)
                .filter(|h| h.suspected_wrong_exit)
                .count(),
            monitored: households
                .households
                .iter()
                .filter(in_county)
                .filter(|h| h.monitoring)
                .count(),
            charts: drawn
                .iter()
                .filter(|d| d.county.as_deref() == Some(code.as_str()))
                .map(|d| (d.kind.chinese().to_string(), file_name(&d.path)))
                .collect(),
        });
    }
    let in_plan: Vec<&RegionResult> = villages
        .regions
        .iter()
        .filter(|v| county_of.get(&v.code).is_some_and(|c| codes.contains(c)))
        .collect();
    let doc = Doc {
        period,
        office: office(conn)?,
        planned_exit_year: year,
        counties_passing: sections
            .iter()
            .filter(|s| s.verdict == Verdict::Pass)
            .count(),
        villages_total: in_plan.len(),
        villages_passing: in_plan
            .iter()
            .filter(|v| v.verdict == Verdict::Pass)
            .count(),
        suspected_wrong_exits: sections.iter().map(|s| s.suspected_wrong_exits).sum(),
        monitored: sections.iter().map(|s| s.monitored).sum(),
        monitoring_threshold: households.monitoring_threshold,
        flagged: households.flagged(),
        monitoring_warnings: households.warnings.clone(),
        village_criteria: villages.rules.len(),
        county_criteria: counties.rules.len(),
        counties: sections,
        overview_chart: drawn
            .iter()
            .find(|d| d.kind == ChartKind::Counties)
            .map(|d| file_name(&d.path)),
        notes,
        rules: counties
            .rules
            .iter()
            .map(|r| format!("{} {} {}", r.no, r.name, rule_text(r)))
            .collect(),
        facts: facts_section(conn, period)?,
    };
    Ok((doc, drawn))
}

/// Build the report for `period` and write `report-<period>.<ext>` of each of `formats` into
/// `out`, beside the charts.
pub fn write(
    conn: &Connection,
    canvas: &Canvas,
    out: &Path,
    period: Period,
    formats: &[Format],
) -> Result<Written> {
    let (doc, charts) = build(conn, canvas, out, period)?;
    let mut files = Vec::new();
    for format in Format::ALL.into_iter().filter(|f| formats.contains(f)) {
        let path = out.join(format!("report-{period}.{}", format.extension()));
        let bytes = match format {
            Format::Html => html::render(&doc).into_bytes(),
            Format::Markdown => markdown::render(&doc).into_bytes(),
            Format::Docx => docx::render(&doc, out)?,
        };
        file::write(&path, &bytes)?;
        files.push(path);
    }
    Ok(Written { files, charts })
}
