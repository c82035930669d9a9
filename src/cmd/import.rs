//! `tuopin import households|indicators|regions FILE... [--period YYYY-MM] [--county CODE] [--dry-run]`
//! `tuopin import undo BATCH_ID`
//!
//! Each file is one transaction: a file with any invalid row writes nothing and every invalid row is
//! listed (line, column, value, reason). Exit code 1 when any file had invalid rows.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::{Args, Subcommand};

use tuopin::import::{self, Kind, Options, Summary};
use tuopin::model::period::Period;
use tuopin::output::number::number;
use tuopin::output::table::{pad, pad_left};

use super::Outcome;

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Household register snapshots (建档立卡台账)
    Households(FileArgs),
    /// Indicator values, long or wide form
    Indicators(FileArgs),
    /// Regions (区划)
    Regions(FileArgs),
    /// Remove everything one import batch wrote and restore what it replaced
    Undo {
        /// The batch id, as `tuopin imports` lists it
        batch_id: i64,
    },
}

#[derive(Debug, Args)]
pub struct FileArgs {
    /// CSV files (UTF-8 or GBK, as Excel writes them)
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// The month of rows without a 统计期 column (YYYY-MM, 2019/3, 201903, 2019年3月)
    #[arg(long, value_name = "YYYY-MM")]
    period: Option<Period>,
    /// Accept only rows of this county (a county office's own code)
    #[arg(long, value_name = "CODE")]
    county: Option<String>,
    /// Validate and show what would change, write nothing
    #[arg(long)]
    dry_run: bool,
}

/// Files larger than this (about 50,000 register rows) get a progress bar on a terminal.
const PROGRESS_BYTES: u64 = 5_000_000;

pub fn run(db: &Path, out: &mut dyn Write, command: &ImportCommand) -> Result<Outcome> {
    let mut conn = tuopin::db::open(db)?;
    let (kind, args) = match command {
        ImportCommand::Households(a) => (Kind::Households, a),
        ImportCommand::Indicators(a) => (Kind::Indicators, a),
        ImportCommand::Regions(a) => (Kind::Regions, a),
        ImportCommand::Undo { batch_id } => {
            let done = import::undo(&mut conn, *batch_id)?;
            writeln!(
                out,
                "已撤销批次 {batch_id}（{}）：删除 {} 行，恢复 {} 行 (batch undone)",
                done.file_name, done.removed, done.restored
            )?;
            return Ok(Outcome::Ok);
        }
    };
    let opts = Options {
        dry_run: args.dry_run,
        county: args.county.clone(),
        period: args.period,
        show_names: tuopin::output::privacy::show_names(),
    };
    let mut outcome = Outcome::Ok;
    let width = args
        .files
        .iter()
        .map(|f| unicode_width::UnicodeWidthStr::width(f.display().to_string().as_str()))
        .max()
        .unwrap_or(0)
        .max(10);
    writeln!(
        out,
        "{}",
        header_row(
            width,
            ["文件", "编码", "读取", "新增", "更新", "未变", "无效", "批次"]
        )
    )?;
    writeln!(
        out,
        "{}",
        header_row(
            width,
            [
                "file",
                "encoding",
                "read",
                "inserted",
                "updated",
                "unchanged",
                "invalid",
                "batch"
            ]
        )
    )?;
    for file in &args.files {
        let bar = progress_bar(file);
        let summary = import::import_file(&mut conn, kind, file, &opts, &|bytes| {
            if let Some(b) = &bar {
                b.set_position(bytes);
            }
        })?;
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        report(out, &summary, width, true)?;
        if !summary.ok() {
            outcome = Outcome::Problems;
        }
    }
    Ok(outcome)
}

fn progress_bar(file: &Path) -> Option<indicatif::ProgressBar> {
    let size = std::fs::metadata(file).ok()?.len();
    if size < PROGRESS_BYTES || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(size);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {bytes}/{total_bytes} {eta}")
            .ok()?
            .progress_chars("=> "),
    );
    bar.set_message(file.display().to_string());
    Some(bar)
}

fn header_row(width: usize, cells: [&str; 8]) -> String {
    let mut row = format!("{} {}", pad(cells[0], width), pad(cells[1], 11));
    for c in &cells[2..7] {
        row.push_str(&format!(" {}", pad_left(c, 9)));
    }
    row.push_str(&format!("  {}", cells[7]));
    row
}

/// One file's summary line (and its problems on stderr); `width` is the file column's width.
pub(crate) fn report(
    out: &mut dyn Write,
    s: &Summary,
    width: usize,
    show_periods: bool,
) -> Result<()> {
    let batch = match (s.batch_id, s.same_as_batch, s.dry_run) {
        (_, Some(id), _) => format!("与批次 {id} 相同，未做更改 (identical file, nothing changed)"),
        (Some(id), _, _) => format!("#{id}"),
        (None, None, true) if s.ok() => "试运行，未写入 (dry run)".to_string(),
        _ => "未写入 (nothing written)".to_string(),
    };
    // A rejected file wrote nothing: its would-be changes are not shown as if they happened.
    let count = |n: u64| {
        if s.ok() {
            number(n as f64)
        } else {
            "-".to_string()
        }
    };
    writeln!(
        out,
        "{} {} {} {} {} {} {}  {batch}",
        pad(&s.file, width),
        pad(s.encoding, 11),
        pad_left(&number(s.read as f64), 9),
        pad_left(&count(s.inserted), 9),
        pad_left(&count(s.updated), 9),
        pad_left(&count(s.unchanged), 9),
        pad_left(&number(s.invalid as f64), 9),
    )?;
    if !s.periods.is_empty() && show_periods {
        let p: Vec<String> = s.periods.iter().map(|p| p.to_string()).collect();
        writeln!(out, "  统计期 {}", p.join("、"))?;
    }
    for w in &s.warnings {
        eprintln!("警告: {w}");
    }
    if let Some(fatal) = &s.fatal {
        eprintln!("错误: {fatal}");
    }
    for e in &s.errors {
        eprintln!("{e}");
    }
    if s.errors_not_listed > 0 {
        eprintln!("……另有 {} 处错误未列出", s.errors_not_listed);
    }
    if s.invalid > 0 {
        eprintln!(
            "{}: {} 行无效，本文件未写入任何数据 (file rejected)",
            s.file, s.invalid
        );
    }
    if !s.missing_households.is_empty() {
        const SHOWN: usize = 20;
        let shown: Vec<&str> = s
            .missing_households
            .iter()
            .take(SHOWN)
            .map(String::as_str)
            .collect();
        let more = s.missing_households.len().saturating_sub(SHOWN);
        writeln!(
            out,
            "  更正后的台账不再包含 {} 户（已移除，原记录保留在历史表中）：{}{}",
            s.missing_households.len(),
            shown.join("、"),
            if more > 0 {
                format!(" 等（另 {more} 户）")
            } else {
                String::new()
            }
        )?;
    }
    Ok(())
}
