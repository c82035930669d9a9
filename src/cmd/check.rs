//! `tuopin check villages|counties|households|facts`: the exit-criteria checks as of a month, and
//! the bulletins' accepted facts against the register and the imports.
//!
//! ```text
//! tuopin check villages [--county CODE] [--period YYYY-MM] [--format table|csv|json|md|xlsx] [--output FILE] [--no-bom] [--only-poor]
//! tuopin check counties [--county CODE] [--period YYYY-MM] [--format table|csv|json|md|xlsx] [--output FILE] [--no-bom] [--only-poor]
//! tuopin check households [--county CODE] [--period YYYY-MM] [--format table|csv|json|md|xlsx] [--output FILE] [--no-bom] [--threshold YUAN]
//! tuopin check facts [--county CODE] [--period YYYY-MM] [--format table|csv|json|md|xlsx] [--output FILE] [--no-bom]
//! ```
//!
//! `check facts` compares each accepted fact as of its own month; `--period` keeps the facts of
//! that month, `--county` those of the county and the regions under it.
//!
//! `--output FILE` (`-o`) writes any format to a file, whole or not at all (a temporary file beside
//! it, renamed when complete); `-` or no `--output` is standard output. Without `--format`, a file
//! named `.xlsx`, `.csv`, `.json` or `.md` gets that format, anything else the table. A workbook is
//! never written to a terminal (exit 2, nothing written), but may go to a pipe or a redirection
//! (`> 核查.xlsx`): that is where a script sends it.
//!
//! The default month is the latest one with data. The exit code is 0 whenever the check ran, even if
//! regions fail or are undetermined: failing criteria are the answer, not an error. Scripts read the
//! verdicts from `--format json`. An unknown or non-county `--county` code exits 2.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use clap::{Args, Subcommand, ValueEnum};

use tuopin::check::{self, render, Check, Scope};
use tuopin::model::period::Period;
use tuopin::output::file::AtomicFile;

use super::{Context, Outcome};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// 中文表格，每项标准 ✓ / ✗ / — (table)
    Table,
    /// CSV，带 UTF-8 BOM 以便 Excel 打开，--no-bom 则不带 (CSV)
    Csv,
    /// JSON，供脚本读取的固定结构 (JSON for scripts)
    Json,
    /// Markdown 表格 (Markdown)
    #[value(alias = "markdown")]
    Md,
    /// Excel 工作簿：每表一页，表头冻结、筛选，逐项着色，另有“说明”页；需 --output 或重定向 (Excel workbook)
    Xlsx,
}

impl From<FormatArg> for render::Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Table => render::Format::Table,
            FormatArg::Csv => render::Format::Csv,
            FormatArg::Json => render::Format::Json,
            FormatArg::Md => render::Format::Markdown,
            FormatArg::Xlsx => render::Format::Xlsx,
        }
    }
}

#[derive(Debug, Args)]
pub struct Common {
    /// 只核查该县的区划 (only this county)
    #[arg(long, value_name = "CODE")]
    county: Option<String>,
    /// 核查的统计期（默认：有数据的最近一月）(month to check)
    #[arg(long, value_name = "YYYY-MM")]
    period: Option<Period>,
    /// 输出格式（默认：按 --output 的扩展名，否则 table）(output format)
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// 写入该文件（整体写入，不留半个文件）；- 或不写为标准输出 (output file)
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// CSV 不写 UTF-8 BOM (CSV without BOM)
    #[arg(long)]
    no_bom: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(subcommand)]
    what: What,
}

#[derive(Debug, Subcommand)]
enum What {
    /// 逐村核查贫困村退出标准（默认 10 项，见 tuopin criteria） (village criteria)
    Villages {
        #[command(flatten)]
        common: Common,
        /// 只核查贫困村 (only registered poor villages)
        #[arg(long)]
        only_poor: bool,
    },
    /// 逐县核查贫困县退出标准（默认 6 项，见 tuopin criteria） (county criteria)
    Counties {
        #[command(flatten)]
        common: Common,
        /// 只核查贫困县 (only registered poor counties)
        #[arg(long)]
        only_poor: bool,
    },
    /// 疑似错退（已脱贫但未达“两不愁三保障”）与防返贫监测（收入低于该年监测线或县标记的监测对象）的户 (household checks)
    Households {
        #[command(flatten)]
        common: Common,
        /// 本次使用的监测线，元/人·年（默认：该年的监测线规则，data/monitoring.csv）(monitoring line)
        #[arg(long, value_name = "YUAN")]
        threshold: Option<f64>,
    },
    /// 快报数据与台账比对：已接受的快报数据与台账、导入值是否一致 (bulletin facts against the register)
    Facts {
        #[command(flatten)]
        common: Common,
    },
}

pub fn run(ctx: &Context, out: &mut dyn Write, args: &CheckArgs) -> Result<Outcome> {
    let conn = tuopin::db::open_read_only(&ctx.db)?;
    match &args.what {
        What::Villages { common, only_poor } | What::Counties { common, only_poor } => {
            let scope = Scope {
                county: common.county.clone(),
                only_poor: *only_poor,
            };
            // Decided region by region while the chosen format writes them: a national check
            // holds no list of its regions.
            let check = if matches!(args.what, What::Villages { .. }) {
                Check::villages(&conn, common.period, &scope)?
            } else {
                Check::counties(&conn, common.period, &scope)?
            };
            emit(out, common, |w, format| {
                render::report(w, &check, format, !common.no_bom)
            })?;
        }
        What::Facts { common } => {
            let report = check::check_facts(&conn, common.county.as_deref(), common.period)?;
            emit(out, common, |w, format| {
                check::facts::render::report(w, &report, format, !common.no_bom)
            })?;
        }
        What::Households { common, threshold } => {
            if let Some(t) = threshold {
                if !t.is_finite() || *t < 0.0 {
                    anyhow::bail!("--threshold 应为 ≥ 0 的元数");
                }
            }
            let report = check::HouseholdCheck::new(
                &conn,
                common.period,
                common.county.as_deref(),
                *threshold,
            )?;
            emit(out, common, |w, format| {
                render::households(w, &report, format, !common.no_bom)
            })?;
            // Tables and Markdown carry the warnings in their summary, JSON in its field; CSV and
            // the workbook have no room for them.
            if matches!(common.format, Some(FormatArg::Csv | FormatArg::Xlsx)) {
                for w in &report.warnings {
                    eprintln!("警告: {w}");
                }
            }
        }
    }
    Ok(Outcome::Ok)
}

impl Common {
    /// The file to write; None for standard output (`-` or no `--output`).
    fn file(&self) -> Option<&Path> {
        self.output.as_deref().filter(|p| p.as_os_str() != "-")
    }

    /// `--format`, else the format the file's name says, else the table.
    fn format(&self) -> render::Format {
        if let Some(f) = self.format {
            return f.into();
        }
        let extension = self
            .file()
            .and_then(|p| p.extension())
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match extension.as_deref() {
            Some("xlsx") => render::Format::Xlsx,
            Some("csv") => render::Format::Csv,
            Some("json") => render::Format::Json,
            Some("md") => render::Format::Markdown,
            _ => render::Format::Table,
        }
    }
}

/// Render to `--output` (atomically) or to standard output; a workbook never to a terminal.
fn emit(
    out: &mut dyn Write,
    common: &Common,
    render: impl FnOnce(&mut dyn Write, render::Format) -> Result<()>,
) -> Result<()> {
    let format = common.format();
    match common.file() {
        None => {
            if !format.is_text() && std::io::stdout().is_terminal() {
                bail!(
                    "xlsx 工作簿不能写到终端：请加 --output 文件名.xlsx，或重定向到文件 (refusing to write xlsx to a terminal)"
                );
            }
            render(out, format)
        }
        Some(path) => {
            let mut file = AtomicFile::create(path)?;
            render(&mut file, format)?;
            file.commit()?;
            writeln!(out, "已写入 {} (written)", path.display())?;
            Ok(())
        }
    }
}
