//! `tuopin report`: a bulletin-style report of the exit checks, `report-<period>.html`,
//! `report-<period>.md` and `report-<period>.docx`, with the charts of `chart all` beside them.
//!
//! ```text
//! tuopin report [--period YYYY-MM] [--out DIR] [--font PATH] [--format html|md|docx]
//! ```
//!
//! `--format` takes one or more formats, comma-separated (`--format docx`, `--format html,md`);
//! without it all three are written. The .docx embeds the charts; the HTML and Markdown link them.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, ValueEnum};

use tuopin::chart::{Canvas, ChartFont};
use tuopin::model::period::Period;
use tuopin::report::Format;

use super::{Context, Outcome};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// 网页，图表按相对路径引用 (HTML)
    Html,
    /// Markdown，图表按相对路径引用 (Markdown)
    #[value(alias = "markdown")]
    Md,
    /// Word 文档，图表嵌入，可直接粘贴进快报 (Word)
    Docx,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Html => Format::Html,
            FormatArg::Md => Format::Markdown,
            FormatArg::Docx => Format::Docx,
        }
    }
}

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
    /// 生成的格式，逗号分隔（默认三种都生成）(formats: html,md,docx)
    #[arg(long, value_enum, value_delimiter = ',', value_name = "FORMAT")]
    format: Vec<FormatArg>,
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
    let formats: Vec<Format> = if args.format.is_empty() {
        Format::ALL.to_vec()
    } else {
        args.format.iter().map(|&f| f.into()).collect()
    };
    let written = tuopin::report::write(&conn, &canvas, &args.out, period, &formats)?;
    for (i, f) in written.files.iter().enumerate() {
        let label = if i == 0 {
            "已生成报告 "
        } else {
            "           "
        };
        writeln!(out, "{label}{}", f.display())?;
    }
    writeln!(
        out,
        "图表 {} 张，位于 {}",
        written.charts.len(),
        args.out.display()
    )?;
    Ok(Outcome::Ok)
}
