//! The comparisons of `check facts` as users read them: a Chinese table with each comparison's
//! sources below it, CSV for Excel, an Excel workbook (the comparisons with their state filled in
//! the checks' colours, and a 说明 sheet), Markdown, and JSON (`{"facts": [...]}`, the stable contract:
//! region_code, place, indicator_code, period, bulletin_value, qualifier, register_value,
//! register_period, status, bulletin_source, register_source).

use std::io::Write;

use anyhow::Result;

use super::{FactComparison, FactStatus, FactsReport};
use crate::check::render::Format;
use crate::output::figure::figure;
use crate::output::number::{number, plain};
use crate::output::palette::{self, Rgb};
use crate::output::table::write_columns;
use crate::output::xlsx::{Cell, Column, Workbook};
use crate::output::{csv, markdown};

fn summary(r: &FactsReport) -> String {
    let (agree, disagree, no_data) = r.tally();
    let scope = match (&r.county, r.period) {
        (Some(c), Some(p)) => format!("  县 {c}  统计期 {p}"),
        (Some(c), None) => format!("  县 {c}"),
        (None, Some(p)) => format!("  统计期 {p}"),
        (None, None) => String::new(),
    };
    format!(
        "快报数据与台账比对{scope}  共 {} 条：一致 {agree}，不一致 {disagree}，无数据 {no_data}",
        r.comparisons.len()
    )
}

/// The bulletin's figure as the checks cite it: `174 户`, `≥ 200 人`.
pub fn bulletin_text(c: &FactComparison) -> String {
    figure(c.bulletin_value, c.qualifier, &c.unit)
}

/// The register's figure, or — when there is none.
pub fn register_text(c: &FactComparison) -> String {
    c.register_value
        .map(|v| {
            figure(
                round4(v),
                crate::model::indicator::Qualifier::Exact,
                &c.unit,
            )
        })
        .unwrap_or_else(|| "—".into())
}

fn round4(v: f64) -> f64 {
    (v * 10_000.0).round() / 10_000.0
}

/// The difference, signed: `+1`, `-50`; empty unless they disagree.
pub fn difference_text(c: &FactComparison) -> String {
    match c.difference {
        Some(d) if d > 0.0 => format!("+{}", number(round4(d))),
        Some(d) => number(round4(d)),
        None => String::new(),
    }
}

fn register_source_text(c: &FactComparison) -> String {
    c.register_source
        .clone()
        .or_else(|| c.why_no_data.clone())
        .unwrap_or_default()
}

fn header() -> Vec<String> {
    [
        "编号",
        "区划代码",
        "地区",
        "指标",
        "统计期",
        "快报",
        "台账/导入",
        "其统计期",
        "结论",
        "差值",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn row(i: usize, c: &FactComparison) -> Vec<String> {
    vec![
        (i + 1).to_string(),
        c.region_code.clone(),
        c.place.clone(),
        c.indicator_name.clone(),
        c.period.to_string(),
        bulletin_text(c),
        register_text(c),
        c.register_period.map(|p| p.to_string()).unwrap_or_default(),
        c.status.chinese().to_string(),
        difference_text(c),
    ]
}

/// The Chinese table, then the two sources of each comparison.
pub fn table(out: &mut dyn Write, r: &FactsReport) -> Result<()> {
    writeln!(out, "{}", summary(r))?;
    if r.comparisons.is_empty() {
        writeln!(
            out,
            "没有可比对的快报数据：已接受的数据中没有台账或导入也给出的指标 (nothing to compare)"
        )?;
        return Ok(());
    }
    writeln!(out)?;
    let mut rows = vec![header()];
    rows.extend(r.comparisons.iter().enumerate().map(|(i, c)| row(i, c)));
    write_columns(out, &rows)?;
    writeln!(out)?;
    writeln!(out, "依据 (sources)：")?;
    for (i, c) in r.comparisons.iter().enumerate() {
        writeln!(out, "{:>3}  快报：{}", i + 1, c.bulletin_source)?;
        let label = if c.status == FactStatus::NoData {
            "无数据"
        } else {
            "台账"
        };
        writeln!(out, "     {label}：{}", register_source_text(c))?;
    }
    Ok(())
}

/// A Markdown table with both sources in their columns.
pub fn markdown(out: &mut dyn Write, r: &FactsReport) -> Result<()> {
    writeln!(out, "**{}**", summary(r))?;
    writeln!(out)?;
    let mut h = header();
    h.push("快报来源".into());
    h.push("台账来源".into());
    writeln!(out, "| {} |", h.join(" | "))?;
    writeln!(out, "|{}", "---|".repeat(h.len()))?;
    for (i, c) in r.comparisons.iter().enumerate() {
        let mut cells = row(i, c);
        cells.push(c.bulletin_source.clone());
        cells.push(register_source_text(c));
        let cells: Vec<String> = cells
            .iter()
            .map(|s| markdown::cell(s).into_owned())
            .collect();
        writeln!(out, "| {} |", cells.join(" | "))?;
    }
    Ok(())
}

/// The comparison's columns, as CSV writes them; the workbook leaves out `status`.
const COLUMNS: [&str; 15] = [
    "区划代码",
    "地区",
    "指标代码",
    "指标",
    "统计期",
    "快报数值",
    "上限",
    "限定",
    "台账数值",
    "台账统计期",
    "结论",
    "status",
    "差值",
    "快报来源",
    "台账来源",
];

/// CSV for Excel: codes beside the Chinese, plain numbers.
pub fn csv(out: &mut dyn Write, r: &FactsReport, bom: bool) -> Result<()> {
    let mut w = csv::Writer::with_bom(out, bom)?;
    w.row(COLUMNS)?;
    for c in &r.comparisons {
        w.row([
            c.region_code.clone(),
            c.place.clone(),
            c.indicator_code.clone(),
            c.indicator_name.clone(),
            c.period.to_string(),
            plain(c.bulletin_value),
            c.qualifier.high().map(plain).unwrap_or_default(),
            c.qualifier.code().to_string(),
            c.register_value
                .map(|v| plain(round4(v)))
                .unwrap_or_default(),
            c.register_period.map(|p| p.to_string()).unwrap_or_default(),
            c.status.chinese().to_string(),
            c.status.code().to_string(),
            c.difference.map(|d| plain(round4(d))).unwrap_or_default(),
            c.bulletin_source.clone(),
            register_source_text(c),
        ])?;
    }
    w.flush()?;
    Ok(())
}

fn json_number(v: f64) -> serde_json::Value {
    if v.fract() == 0.0 && v.abs() < 9e15 {
        serde_json::Value::from(v as i64)
    } else {
        serde_json::Value::from(v)
    }
}

#[derive(serde::Serialize)]
struct JsonRow<'a> {
    region_code: &'a str,
    place: &'a str,
    indicator_code: &'a str,
    period: String,
    bulletin_value: serde_json::Value,
    qualifier: &'static str,
    register_value: Option<serde_json::Value>,
    register_period: Option<String>,
    status: &'static str,
    bulletin_source: &'a str,
    register_source: Option<&'a str>,
}

/// `{"facts": [...]}`, one object per comparison with exactly the contract's keys.
pub fn json(out: &mut dyn Write, r: &FactsReport) -> Result<()> {
    #[derive(serde::Serialize)]
    struct Doc<'a> {
        facts: Vec<JsonRow<'a>>,
    }
    let facts = r
        .comparisons
        .iter()
        .map(|c| JsonRow {
            region_code: &c.region_code,
            place: &c.place,
            indicator_code: &c.indicator_code,
            period: c.period.to_string(),
            bulletin_value: json_number(c.bulletin_value),
            qualifier: c.qualifier.code(),
            register_value: c.register_value.map(|v| json_number(round4(v))),
            register_period: c.register_period.map(|p| p.to_string()),
            status: c.status.code(),
            bulletin_source: &c.bulletin_source,
            register_source: c.register_source.as_deref(),
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &Doc { facts })?;
    writeln!(out)?;
    Ok(())
}

fn state_fill(s: FactStatus) -> Rgb {
    match s {
        FactStatus::Agree => palette::PASS,
        FactStatus::Disagree => palette::FAIL,
        FactStatus::NoData => palette::NO_DATA,
    }
}

/// The workbook: a sheet of the comparisons, each state on its colour, and 说明.
pub fn xlsx(r: &FactsReport) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    // The state's colour says what the English code says in CSV.
    let columns: Vec<Column> = COLUMNS
        .iter()
        .filter(|c| **c != "status")
        .map(|c| match *c {
            "差值" => {
                Column::new(*c).with_note("台账 − 快报；界限（余、不超过、至）从最近的一端算起")
            }
            _ => Column::new(*c),
        })
        .collect();
    let mut sheet = book.table("快报数据与台账比对", &columns)?;
    for c in &r.comparisons {
        let source = register_source_text(c);
        sheet.row(&[
            Cell::code(c.region_code.as_str()),
            Cell::text(c.place.as_str()),
            Cell::code(c.indicator_code.as_str()),
            Cell::text(c.indicator_name.as_str()),
            Cell::code(c.period.to_string()),
            Cell::number(c.bulletin_value),
            c.qualifier
                .high()
                .map(Cell::number)
                .unwrap_or_else(Cell::empty),
            Cell::code(c.qualifier.code()),
            c.register_value
                .map(|v| Cell::number(round4(v)))
                .unwrap_or_else(Cell::empty),
            c.register_period
                .map(|p| Cell::code(p.to_string()))
                .unwrap_or_else(Cell::empty),
            Cell::text(c.status.chinese()).filled(state_fill(c.status)),
            c.difference
                .map(|d| Cell::number(round4(d)))
                .unwrap_or_else(Cell::empty),
            Cell::text(c.bulletin_source.as_str()),
            Cell::text(source),
        ])?;
    }
    sheet.finish()?;
    let mut s = book.notes("说明")?;
    s.bold_row(&[Cell::text(summary(r))])?;
    s.row(&[
        Cell::text("比对"),
        Cell::text(
            "已接受的快报数据中台账或导入也给出的指标，按其统计期（该月或以前最近的台账、导入值）比对",
        ),
    ])?;
    s.row(&[
        Cell::text("一致"),
        Cell::text(
            "台账数等于快报所写（按其末位的一半），在其界限内（余、不超过、至），或“约”在 5% 以内",
        ),
    ])?;
    s.finish()?;
    book.into_bytes()
}

pub fn report(out: &mut dyn Write, r: &FactsReport, format: Format, bom: bool) -> Result<()> {
    match format {
        Format::Table => table(out, r),
        Format::Csv => csv(out, r, bom),
        Format::Json => json(out, r),
        Format::Markdown => markdown(out, r),
        Format::Xlsx => Ok(out.write_all(&xlsx(r)?)?),
    }
}
