//! `tuopin bulletin`: the bulletins' prose as an input. `extract` proposes the facts a bulletin
//! states and writes nothing; `add` stores the issues whole with the same proposals, 待审核 (to
//! review with `tuopin facts --proposed`), one transaction per file.
//!
//! ```text
//! tuopin bulletin extract FILE... [--format table|json] [--date YYYY-MM-DD] [--office NAME]
//! tuopin bulletin add FILE... [--date YYYY-MM-DD] [--office NAME] [--accept]
//! ```
//!
//! Adding an issue again changes nothing; a corrected text of an issue replaces the stored one (the
//! old text stays in history), keeping the review of every figure still in it.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, Subcommand, ValueEnum};

use tuopin::bulletin::{self, Defaults, Extraction, Reference, RegionMatch};
use tuopin::output::figure::figure;
use tuopin::output::table::write_columns;

use super::{Context as Ctx, Outcome};

#[derive(Debug, Subcommand)]
pub enum BulletinCommand {
    /// 从快报中提取数据，列出待审核的事实，不写入数据库 (propose facts; writes nothing)
    Extract(ExtractArgs),
    /// 把快报存入数据库：全文、各期、文章，提取的数据作为待审核 (store bulletins and their proposals)
    Add(AddArgs),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// 快报文件：纯文本（UTF-8 或 GBK）或 .docx；一个文件可含多期 (text or .docx files)
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// 没有报头时的日期 (date of a text without masthead)
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<String>,
    /// 没有报头时的发文单位 (issuing office of a text without masthead)
    #[arg(long, value_name = "NAME")]
    office: Option<String>,
    /// 立即接受有区划代码和指标代码的数据 (accept every proposal with region and indicator codes)
    #[arg(long)]
    accept: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// 中文表格 (for people)
    Table,
    /// JSON，供脚本读取：{"bulletins": [...], "facts": [...]} (for scripts)
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

pub fn run(ctx: &Ctx, out: &mut dyn Write, command: &BulletinCommand) -> Result<Outcome> {
    match command {
        BulletinCommand::Extract(args) => extract(&ctx.db, out, args),
        BulletinCommand::Add(args) => add(&ctx.db, out, args),
    }
}

fn add(db: &Path, out: &mut dyn Write, args: &AddArgs) -> Result<Outcome> {
    let opts = bulletin::store::AddOptions {
        defaults: Defaults {
            date: args.date.clone(),
            office: args.office.clone(),
        },
        accept: args.accept,
        by: tuopin::db::batch::current_user(),
    };
    opts.defaults.check()?;
    let mut conn = tuopin::db::open(db)?;
    for file in &args.files {
        let issues = bulletin::store::add_file(&mut conn, file, &opts)?;
        bulletin::render::added(out, &file.display().to_string(), &issues)?;
    }
    Ok(Outcome::Ok)
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
            let mut rows = vec![vec![
                "  编号".to_string(),
                "数值".into(),
                "地区".into(),
                "指标".into(),
                "统计期".into(),
                "原句".into(),
            ]];
            for p in facts {
                id += 1;
                let value = figure(p.value, p.qualifier, &p.unit);
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
                rows.push(vec![
                    format!("  {id}"),
                    value,
                    place,
                    indicator,
                    period,
                    format!("{sentence}{ellipsis}"),
                ]);
            }
            write_columns(out, &rows)?;
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
