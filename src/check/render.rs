//! Check results as users read them: a Chinese table with ✓ / ✗ / — per criterion, CSV for Excel
//! (UTF-8 with a byte-order mark unless asked otherwise), Markdown, JSON (the stable contract), an
//! Excel workbook (laid out in `render_xlsx.rs`), and the item-by-item explanation of one region.

use std::io::Write;

use anyhow::Result;

use super::households::{self, HouseholdCheck, HouseholdFinding};
use super::result::{RegionResult, Regions, Tally};
use crate::model::criteria::Criterion;
use crate::model::period::Period;
use crate::model::region::Level;
use crate::output::number::number;
use crate::output::spool::Spool;
use crate::output::table;
use crate::output::{csv, figure};

pub use super::labels::{bound_text, documents_differ_text, rule_text};
use super::labels::{failed_text, level_words, standards_text, summary};

/// The output formats of the check commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
    Json,
    Markdown,
    /// An .xlsx workbook: bytes, not text.
    Xlsx,
}

impl Format {
    /// Whether the output is text a terminal can show.
    pub fn is_text(self) -> bool {
        self != Format::Xlsx
    }
}

fn yes_no(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "是",
        Some(false) => "否",
        None => "",
    }
}

fn legend(rules: &[Criterion]) -> String {
    let rules: Vec<String> = rules
        .iter()
        .map(|c| format!("{} {} {}", c.no, c.name, rule_text(c)))
        .collect();
    format!("标准：{}", rules.join("；"))
}

const SYMBOLS: &str = "✓ 达标  ✗ 未达标  — 无数据；逐项依据：tuopin explain 代码";

fn header(r: &dyn Regions) -> Vec<String> {
    let (_, _, poor) = level_words(r.level());
    let mut h = vec!["代码".to_string(), "名称".to_string(), poor.to_string()];
    h.extend(r.rules().iter().map(|c| c.no.clone()));
    h.push("结论".to_string());
    h
}

fn symbols_row(region: &RegionResult) -> Vec<String> {
    let mut row = vec![
        region.code.clone(),
        region.name.clone(),
        yes_no(region.poverty_registered).to_string(),
    ];
    row.extend(
        region
            .criteria
            .iter()
            .map(|c| c.status.symbol().to_string()),
    );
    row.push(region.verdict.chinese().to_string());
    row
}

/// The rows of every region as they are decided, spooled (`output::spool`): the summary line
/// above them counts every region, so they are written once the last one is decided, from
/// bounded memory. `each` sees every row first (the table measures its columns there).
fn spooled(r: &dyn Regions, each: &mut dyn FnMut(&[String])) -> Result<(Tally, Spool)> {
    let mut tally = Tally::default();
    let mut spool = Spool::new();
    r.for_each(&mut |region| {
        tally.add(region.verdict);
        let row = symbols_row(region);
        each(&row);
        spool.push(row)
    })?;
    Ok((tally, spool))
}

/// The Chinese table: one row per region, ✓ / ✗ / — per criterion, the verdict last. The columns
/// are as wide as their widest cell, measured while the rows are spooled.
pub fn report_table(out: &mut dyn Write, r: &dyn Regions) -> Result<()> {
    let header = header(r);
    let mut widths = Vec::new();
    table::widen(&mut widths, &header);
    let (tally, spool) = spooled(r, &mut |row| table::widen(&mut widths, row))?;
    writeln!(out, "{}", summary(r.level(), r.period(), tally))?;
    writeln!(out, "{}", legend(r.rules()))?;
    writeln!(out)?;
    table::write_row(out, &widths, &header)?;
    spool.replay(&mut |row| Ok(table::write_row(out, &widths, &row)?))?;
    writeln!(out)?;
    writeln!(out, "{SYMBOLS}")?;
    Ok(())
}

/// Text from the database in a Markdown line or table cell: names are data, never markup.
fn md_cell(s: &str) -> String {
    crate::output::markdown::text(s).into_owned()
}

/// The legend with the criteria's names escaped (their rules are tuopin's own text).
fn legend_markdown(rules: &[Criterion]) -> String {
    let rules: Vec<String> = rules
        .iter()
        .map(|c| format!("{} {} {}", md_cell(&c.no), md_cell(&c.name), rule_text(c)))
        .collect();
    format!("标准：{}", rules.join("；"))
}

fn markdown_row(out: &mut dyn Write, row: &[String]) -> Result<()> {
    let cells: Vec<String> = row.iter().map(|c| md_cell(c)).collect();
    writeln!(out, "| {} |", cells.join(" | "))?;
    Ok(())
}

/// A Markdown table, for reports; spooled like the table.
pub fn report_markdown(out: &mut dyn Write, r: &dyn Regions) -> Result<()> {
    let (tally, spool) = spooled(r, &mut |_| {})?;
    writeln!(out, "**{}**", summary(r.level(), r.period(), tally))?;
    writeln!(out)?;
    writeln!(out, "{}", legend_markdown(r.rules()))?;
    writeln!(out)?;
    let h = header(r);
    markdown_row(out, &h)?;
    writeln!(out, "|{}", "---|".repeat(h.len()))?;
    spool.replay(&mut |row| markdown_row(out, &row))?;
    writeln!(out)?;
    writeln!(out, "{SYMBOLS}")?;
    Ok(())
}

/// CSV for Excel: per criterion its status (达标/未达标/无数据) and value; each row written as
/// its region is decided.
pub fn report_csv(out: &mut dyn Write, r: &dyn Regions, bom: bool) -> Result<()> {
    let (_, _, poor) = level_words(r.level());
    let period = r.period().to_string();
    let mut w = csv::Writer::with_bom(out, bom)?;
    let mut h = vec![
        "统计期".to_string(),
        "代码".to_string(),
        "名称".to_string(),
        "上级代码".to_string(),
        poor.to_string(),
        "结论".to_string(),
        "verdict".to_string(),
    ];
    for c in r.rules() {
        h.push(format!("{} {}", c.no, c.name));
        h.push(format!("{} 值", c.no));
    }
    w.row(&h)?;
    r.for_each(&mut |region| {
        let mut row = vec![
            period.clone(),
            region.code.clone(),
            region.name.clone(),
            region.parent_code.clone().unwrap_or_default(),
            yes_no(region.poverty_registered).to_string(),
            region.verdict.chinese().to_string(),
            region.verdict.code().to_string(),
        ];
        for c in &region.criteria {
            row.push(c.status.chinese().to_string());
            row.push(c.value.map(|v| v.to_string()).unwrap_or_default());
        }
        Ok(w.row(&row)?)
    })?;
    w.flush()?;
    Ok(())
}

/// JSON, as `serde_json::to_writer_pretty` writes a [`Report`], each region written as it is
/// decided: the head, then every region pretty-printed and indented to its depth in the array.
pub fn report_json(out: &mut dyn Write, r: &dyn Regions) -> Result<()> {
    write!(
        out,
        "{{\n  \"period\": {},\n  \"level\": {},\n  \"regions\": [",
        serde_json::to_string(&r.period())?,
        serde_json::to_string(&r.level())?
    )?;
    let mut first = true;
    r.for_each(&mut |region| {
        out.write_all(if first { b"\n" } else { b",\n" })?;
        first = false;
        write_nested(out, &serde_json::to_string_pretty(region)?, 4, true)
    })?;
    if !first {
        out.write_all(b"\n  ")?;
    }
    out.write_all(b"]\n}\n")?;
    Ok(())
}

/// A check in `format`, its regions written (or spooled, see [`report_table`]) as they are decided.
pub fn report(out: &mut dyn Write, r: &dyn Regions, format: Format, bom: bool) -> Result<()> {
    match format {
        Format::Table => report_table(out, r),
        Format::Csv => report_csv(out, r, bom),
        Format::Json => report_json(out, r),
        Format::Markdown => report_markdown(out, r),
        Format::Xlsx => super::render_xlsx::report(out, r),
    }
}

/// Every criterion of one region with value, threshold, status, month and source.
pub fn explain_text(
    out: &mut dyn Write,
    level: Level,
    period: Period,
    r: &RegionResult,
) -> Result<()> {
    let (_, unit, poor) = level_words(level);
    let parent = r
        .parent_code
        .as_deref()
        .map(|p| format!("，上级 {p}"))
        .unwrap_or_default();
    let registered = match r.poverty_registered {
        Some(true) => format!("，建档立卡{poor}"),
        Some(false) => format!("，非{poor}"),
        None => String::new(),
    };
    writeln!(out, "{}（{}）  {unit}{parent}{registered}", r.name, r.code)?;
    writeln!(
        out,
        "统计期 {period}  结论：{} ({})",
        r.verdict.chinese(),
        r.verdict.code()
    )?;
    for c in &r.criteria {
        writeln!(out)?;
        writeln!(
            out,
            "{} {}  {} {} ({})",
            c.no,
            c.name,
            c.status.symbol(),
            c.status.chinese(),
            c.status.code()
        )?;
        let value = c
            .value
            .map(|v| figure::exact(v, &c.unit))
            .unwrap_or_else(|| "—".to_string());
        let threshold = c
            .threshold
            .map(|t| figure::exact(t, &c.unit))
            .unwrap_or_else(|| "—".to_string());
        let month = c
            .value_period
            .map(|p| p.to_string())
            .unwrap_or_else(|| "—".to_string());
        writeln!(
            out,
            "    值 {value}    标准 {} {threshold}    统计期 {month}",
            c.operator.symbol()
        )?;
        writeln!(out, "    来源：{}", c.source)?;
    }
    Ok(())
}

fn household_summary(r: &HouseholdCheck) -> Vec<String> {
    let mut lines = vec![format!(
        "疑似错退与防返贫监测  统计期 {}  疑似错退 {} 户，防返贫监测 {} 户",
        r.period,
        r.suspected(),
        r.monitored()
    )];
    let line = match (r.poverty_line_year(), r.poverty_line()) {
        (Some(y), Some(v)) => format!("扶贫标准 {} 元（{y} 年）", number(v)),
        _ => "扶贫标准无数据（H1 无法判断）".to_string(),
    };
    let monitoring = match (&r.monitoring_rule, r.monitoring_threshold) {
        (Some(rule), Some(t)) => format!(
            "防返贫监测线 人均纯收入低于 {} 元（{}）",
            number(t),
            households::rule_text(rule, r.poverty_line())
        ),
        _ => "防返贫监测线 无".to_string(),
    };
    let flagged = match r.flagged() {
        0 => String::new(),
        n => format!("；县标记的监测对象 {n} 户（不论收入）"),
    };
    lines.push(format!("{line}；{monitoring}{flagged}"));
    for w in &r.warnings {
        lines.push(format!("⚠ {w}"));
    }
    if r.registers.is_empty() {
        lines.push(format!("{} 及以前没有建档立卡台账", r.period));
    }
    for g in &r.registers {
        lines.push(format!(
            "台账 {}：{}（{}）{}",
            g.county_code,
            g.file_name,
            g.period,
            if g.used { "" } else { "  过旧，未使用" }
        ));
    }
    lines
}

const HOUSEHOLD_HEADER: [&str; 9] = [
    "户编号",
    "村代码",
    "证件号码",
    "脱贫状态",
    "人均纯收入",
    "疑似错退",
    "防返贫监测",
    "监测原因",
    "未达标项",
];

fn household_row(h: &HouseholdFinding) -> Vec<String> {
    vec![
        h.household_id.clone(),
        h.village_code.clone(),
        h.id_masked.clone().unwrap_or_default(),
        h.status.chinese().to_string(),
        number(h.income_per_capita),
        (if h.suspected_wrong_exit { "是" } else { "" }).to_string(),
        (if h.monitoring { "是" } else { "" }).to_string(),
        h.monitoring_reason
            .map(|m| m.chinese())
            .unwrap_or_default()
            .to_string(),
        failed_text(h),
    ]
}

/// `check households` in `format`, each household written as it is read; the table spools its
/// rows (in bounded memory) for its column widths.
pub fn households(
    out: &mut dyn Write,
    r: &HouseholdCheck,
    format: Format,
    bom: bool,
) -> Result<()> {
    match format {
        Format::Xlsx => super::render_xlsx::households(out, r)?,
        Format::Json => {
            write!(out, "{},\n  \"households\": [", r.json_head()?)?;
            let mut first = true;
            r.for_each(&mut |h| {
                out.write_all(if first { b"\n" } else { b",\n" })?;
                first = false;
                write_nested(out, &serde_json::to_string_pretty(h)?, 4, true)
            })?;
            if !first {
                out.write_all(b"\n  ")?;
            }
            out.write_all(b"],\n  \"warnings\": ")?;
            write_nested(out, &serde_json::to_string_pretty(&r.warnings)?, 2, false)?;
            out.write_all(b"\n}\n")?;
        }
        Format::Csv => {
            let mut w = csv::Writer::with_bom(out, bom)?;
            let mut h: Vec<&str> = vec!["统计期"];
            h.extend(HOUSEHOLD_HEADER);
            h.extend(["未填报项", "来源"]);
            w.row(&h)?;
            let period = r.period.to_string();
            r.for_each(&mut |hh| {
                let mut row = vec![period.clone()];
                row.extend(household_row(hh));
                row.push(standards_text(&hh.unknown));
                row.push(hh.source.clone());
                Ok(w.row(&row)?)
            })?;
            w.flush()?;
        }
        Format::Table => {
            for l in household_summary(r) {
                writeln!(out, "{l}")?;
            }
            writeln!(out)?;
            let header: Vec<String> = HOUSEHOLD_HEADER.iter().map(|s| s.to_string()).collect();
            let mut widths = Vec::new();
            table::widen(&mut widths, &header);
            let mut spool = Spool::new();
            r.for_each(&mut |hh| {
                let row = household_row(hh);
                table::widen(&mut widths, &row);
                spool.push(row)
            })?;
            if spool.is_empty() {
                writeln!(out, "没有需要列出的户 (none)")?;
            } else {
                table::write_row(out, &widths, &header)?;
                spool.replay(&mut |row| Ok(table::write_row(out, &widths, &row)?))?;
            }
        }
        Format::Markdown => {
            // The lines name the registers' files, which county offices named.
            for l in household_summary(r) {
                writeln!(out, "{}  ", crate::output::markdown::text(&l))?;
            }
            writeln!(out)?;
            writeln!(out, "| {} |", HOUSEHOLD_HEADER.join(" | "))?;
            writeln!(out, "|{}", "---|".repeat(HOUSEHOLD_HEADER.len()))?;
            r.for_each(&mut |hh| {
                let row: Vec<String> = household_row(hh).iter().map(|c| md_cell(c)).collect();
                writeln!(out, "| {} |", row.join(" | "))?;
                Ok(())
            })?;
        }
    }
    Ok(())
}

/// Pretty JSON of a value nested `indent` spaces deep, as `to_writer_pretty` writes it inside
/// its parent: every line indented, or every line but the first (`first_too` false: the value
/// follows its key). serde_json escapes line breaks inside strings, so each break is the printer's.
fn write_nested(out: &mut dyn Write, text: &str, indent: usize, first_too: bool) -> Result<()> {
    let pad = " ".repeat(indent);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.write_all(b"\n")?;
        }
        if i > 0 || first_too {
            out.write_all(pad.as_bytes())?;
        }
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}
