//! `tuopin import`: county-office files into the database, or an import undone.
//!
//! ```text
//! tuopin import households FILE... [--period YYYY-MM] [--county CODE] [--sheet NAME|N] [--dry-run] [--add-villages]
//! tuopin import indicators FILE... [--period YYYY-MM] [--county CODE] [--sheet NAME|N] [--dry-run]
//! tuopin import regions FILE... [--period YYYY-MM] [--county CODE] [--sheet NAME|N] [--dry-run]
//! tuopin import undo BATCH_ID
//! ```
//!
//! A file is CSV (UTF-8 or GBK) or a workbook (.xlsx, .xlsm, .xls, .ods), told apart by its bytes;
//! a workbook's sheet is `--sheet`, else the first whose header is recognised. Each file is one
//! transaction: a file with any invalid row writes nothing and every invalid row is listed (line
//! or cell, column, value, reason). Exit code 1 when any file had invalid rows.
//!
//! A household register is the contract's form or the national system's export (one row per
//! person, places by name), told apart by its header; `--add-villages` adds the villages and
//! townships such an export names and the region table lacks, as provisional regions of the batch.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::{Args, Subcommand};

use tuopin::import::{self, summary, Kind, Options};
use tuopin::model::period::Period;

use super::{Context, Outcome};

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// 导入建档立卡台账：合同格式，或全国扶贫开发信息系统导出的明细表（每人一行）(household register)
    Households(HouseholdArgs),
    /// 导入指标值，长表或宽表 (indicator values)
    Indicators(FileArgs),
    /// 导入区划 (regions)
    Regions(FileArgs),
    /// 撤销一个导入批次：删除它写入的数据，恢复它替换的数据 (undo a batch)
    Undo {
        /// 批次号，见 tuopin imports (batch id)
        batch_id: i64,
    },
}

#[derive(Debug, Args)]
pub struct FileArgs {
    /// CSV 文件（UTF-8 或 GBK）或 Excel/WPS 工作簿（.xlsx、.xls、.ods）(CSV files or workbooks)
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// 文件没有“统计期”列时的统计期：YYYY-MM、2019/3、201903、2019年3月 (period)
    #[arg(long, value_name = "YYYY-MM")]
    period: Option<Period>,
    /// 只接受该县的行（本县的区划代码）(only this county)
    #[arg(long, value_name = "CODE")]
    county: Option<String>,
    /// 工作簿中要导入的工作表：名称或从 1 起的序号；默认为第一个表头可识别的工作表 (sheet)
    #[arg(long, value_name = "NAME|N")]
    sheet: Option<String>,
    /// 只校验并显示将做的更改，不写入 (dry run)
    #[arg(long)]
    dry_run: bool,
}

#[derive(Debug, Args)]
pub struct HouseholdArgs {
    #[command(flatten)]
    file: FileArgs,
    /// 国家系统导出中区划表没有的村（及乡镇）作为临时区划新增，随本批次撤销 (add unknown villages as provisional regions)
    #[arg(long)]
    add_villages: bool,
}

/// Files larger than this (about 50,000 register rows) get a progress bar on a terminal.
const PROGRESS_BYTES: u64 = 5_000_000;

pub fn run(ctx: &Context, out: &mut dyn Write, command: &ImportCommand) -> Result<Outcome> {
    cap_address_space();
    let mut conn = tuopin::db::open(&ctx.db)?;
    let (kind, args, add_villages) = match command {
        ImportCommand::Households(a) => (Kind::Households, &a.file, a.add_villages),
        ImportCommand::Indicators(a) => (Kind::Indicators, a, false),
        ImportCommand::Regions(a) => (Kind::Regions, a, false),
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
        show_names: ctx.show_names,
        sheet: args.sheet.clone(),
        add_villages,
    };
    let mut outcome = Outcome::Ok;
    let names: Vec<String> = args.files.iter().map(|f| f.display().to_string()).collect();
    let width = summary::file_column_width(names.iter().map(String::as_str));
    summary::write_table_header(out, width)?;
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
        summary::write_summary(out, &mut std::io::stderr(), &summary, width, true)?;
        if !summary.ok() {
            outcome = Outcome::Problems;
        }
    }
    Ok(outcome)
}

/// The most address space an import may use. A damaged or hostile .xls or .ods can make the
/// workbook reader ask for tens of gigabytes at once (one cell at an impossible position makes the
/// sheet that large); under the cap that request fails at once, nothing is written, instead of the
/// import exhausting a shared machine. The largest real .xls sheet (65,536 × 256 cells) needs about
/// 1 GiB; a CSV import stays near 100 MiB whatever its size.
const ADDRESS_SPACE_CAP: u64 = 4 << 30;

#[cfg(unix)]
fn cap_address_space() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit read and write the struct they are given.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_AS, &mut limit) != 0 {
            return;
        }
        let cap = (ADDRESS_SPACE_CAP as libc::rlim_t).min(limit.rlim_max);
        if limit.rlim_cur == libc::RLIM_INFINITY || limit.rlim_cur > cap {
            limit.rlim_cur = cap;
            libc::setrlimit(libc::RLIMIT_AS, &limit);
        }
    }
}

#[cfg(not(unix))]
fn cap_address_space() {}

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
