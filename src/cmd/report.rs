//! `tuopin report [--period YYYY-MM] [--out DIR]`: a bulletin-style report of the exit checks,
//! `report-<period>.html` and `report-<period>.md`, with the charts of `chart all` beside them.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use tuopin::chart::{Canvas, ChartFont};
use tuopin::model::period::Period;

use super::{Context, Outcome};

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The month reported (default: the latest with data)
    #[arg(long, value_name = "YYYY-MM")]
    period: Option<Period>,
    /// Output folder for the report and its charts (created if missing)
    #[arg(long, value_name = "DIR", default_value = "charts")]
    out: PathBuf,
    /// A font file for the charts instead of the built-in WenQuanYi Micro Hei
    #[arg(long, value_name = "PATH")]
    font: Option<PathBuf>,
}

pub fn run(ctx: &Context, out: &mut dyn Write, args: &ReportArgs) -> Result<Outcome> {
    let conn = tuopin::db::open(&ctx.db)?;
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
