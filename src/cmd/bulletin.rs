//! `tuopin bulletin extract FILE... [--format table|json] [--date YYYY-MM-DD] [--office NAME]`:
//! the facts a bulletin states, proposed for review; nothing is written.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use unicode_width::UnicodeWidthStr;

use tuopin::bulletin::{self, Defaults, Extraction, Reference, RegionMatch};

use super::Outcome;

#[derive(Debug, Subcommand)]
pub enum BulletinCommand {
    /// 从快报中提取数据，列出待审核的事实，不写入数据库 (propose facts; writes nothing)
    Extract(ExtractArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// 中文表格 (for people)
    Table,
    /// JSON: {"bulletins": [...], "facts": [...]}
    Json,
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// 快报文件：纯文本（UTF-8 或 GBK）或 .docx；一个文件可含多期 (text or .docx files)
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// 输出格式 (output format)
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// 没有报头时的日期 (date of a text without masthead)
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<String>,
    /// 没有报头时的发文单位 (issuing office of a text without masthead)
    #[arg(long, value_name = "NAME")]
    office: Option<String>,
}

pub fn run(db: &Path, out: &mut dyn Write, command: &BulletinCommand) -> Result<Outcome> {
    match command {
        BulletinCommand::Extract(args) => extract(db, out, args),
    }
}

fn extract(db: &Path, out: &mut dyn Write, args: &ExtractArgs) -> Result<Outcome> {
    let defaults = Defaults {
        date: args.date.clone(),
        office: args.office.clone(),
    };
    defaults.check()?;
    let reference = Reference::load(db)?;
    let mut all = Vec::new();
    for file in &args.files {
        let text = bulletin::input::read(file)?;
        let ex = bulletin::extract_text(&text, &defaults, &reference)
            .with_context(|| file.display().to_string())?;
        all.push(ex);
    }
    match args.format {
        Format::Json => bulletin::write_json(&all, out)?,
        Format::Table => table(out, &all)?,
    }
    Ok(Outcome::Ok)
}

fn pad(s: &str, width: usize) -> String {
    let w = UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w).max(1)))
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        let digits = format!("{}", v.abs() as i64);
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        if v < 0.0 {
            grouped.insert(0, '-');
        }
        grouped
    } else {
        format!("{v}")
    }
}

fn table(out: &mut dyn Write, all: &[Extraction]) -> Result<()> {
    let mut id = 0;
    for ex in all {
        for (k, issue) in ex.issues.iter().enumerate() {
            let no = issue
                .issue_no
                .map(|n| format!("第{n}期"))
                .unwrap_or_else(|| "（无期号）".into());
            let total = issue
                .total_no
                .map(|n| format!("（总第{n}期）"))
                .unwrap_or_default();
            writeln!(out, "{no}{total} {} {}", issue.date, issue.office)?;
            writeln!(out, "  {}", issue.title())?;
            let facts: Vec<_> = ex.proposals.iter().filter(|p| p.issue == k).collect();
            if facts.is_empty() {
                writeln!(out, "  （未发现数据）(no facts)\n")?;
                continue;
            }
            writeln!(
                out,
                "  {}{}{}{}{}原句",
                pad("编号", 6),
                pad("数值", 22),
                pad("地区", 26),
                pad("指标", 30),
                pad("统计期", 9),
            )?;
            for p in facts {
                id += 1;
                let value = match p.qualifier {
                    tuopin::model::indicator::Qualifier::Range(h) => {
                        format!("{}–{} {}", number(p.value), number(h), p.unit)
                    }
                    q => {
                        let v = format!("{} {}", number(p.value), p.unit);
                        match q.code() {
                            "at_least" => format!("≥{v}"),
                            "at_most" => format!("≤{v}"),
                            "about" => format!("约{v}"),
                            _ => v,
                        }
                    }
                };
                let place = match (&p.place, &p.region) {
                    (Some(name), RegionMatch::Known { code, .. }) => format!("{name} {code}"),
                    (Some(name), RegionMatch::Provisional { .. }) => format!("{name}（新）"),
                    (Some(name), RegionMatch::Unknown) => name.clone(),
                    (None, _) => "？".into(),
                };
                let indicator = match p.indicator.code() {
                    Some(code) => format!("{} {code}", p.indicator.name()),
                    None => format!("{}（新）", p.indicator.name()),
                };
                let period = p.period.map(|x| x.to_string()).unwrap_or_default();
                let sentence: String = p.sentence.chars().take(60).collect();
                let ellipsis = if p.sentence.chars().count() > 60 {
                    "…"
                } else {
                    ""
                };
                writeln!(
                    out,
                    "  {}{}{}{}{}{sentence}{ellipsis}",
                    pad(&id.to_string(), 6),
                    pad(&value, 22),
                    pad(&place, 26),
                    pad(&indicator, 30),
                    pad(&period, 9),
                )?;
            }
            writeln!(out)?;
        }
    }
    let total: usize = all.iter().map(|e| e.proposals.len()).sum();
    let issues: usize = all.iter().map(|e| e.issues.len()).sum();
    writeln!(
        out,
        "共 {issues} 期，提取 {total} 条待审核数据；未写入数据库 (proposed only, nothing written)"
    )?;
    Ok(())
}
