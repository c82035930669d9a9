//! `tuopin report`: a bulletin-style report of the exit checks, `report-<period>.html` and
//! `report-<period>.md`, with the charts of `chart all` beside them.
//!
//! ```text
//! tuopin report [--period YYYY-MM] [--out DIR] [--font PATH]
//! ```

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use tuopin::chart::{Canvas, ChartFont};
use tuopin::model::period::Period;

use super::{Context, Outcome};

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// 报告的统计期（默认：有数据的最近一月）(month reported)
    #[arg(long, value_name = "YYYY-MM")]
    period: Option<Period>,
    /// 报告及其图表的输出文件夹（不存在则创建）(output folder)
    #[arg(long, value_name = "DIR", default_value = "charts")]
    out: PathBuf,
    /// 图表改用的字体文件（默认内置文泉驿微米黑）(font file)
    #[arg(long, value_name = "PATH")]
    font: Option<PathBuf>,
}

pub fn run(ctx: &Context, out: &mut dyn Write, args: &ReportArgs) -> Result<Outcome> {
    let conn = tuopin::db::open_read_only(&ctx.db)?;
    let font = match &args.font {
        Some(p) => ChartFont::from_path(p)?,
        None => ChartFont::embedded(),
    };
    let canvas = Canvas::new(
        tuopin::chart::DEFAULT_WIDTH,
        tuopin::chart::DEFAULT_HEIGHT,
        font,
    )?;
    let period = tuopin::check::resolve_period(&conn, args.period)?;
    let written = tuopin::report::write(&conn, &canvas, &args.out, period)?;
    writeln!(out, "已生成报告 {}", written.html.display())?;
    writeln!(out, "         {}", written.md.display())?;
    writeln!(
        out,
        "图表 {} 张，位于 {}",
        written.charts.len(),
        args.out.display()
    )?;
    Ok(Outcome::Ok)
}
