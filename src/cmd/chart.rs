//! `tuopin chart KIND ...`: draw one chart as PNG into the output folder (default `charts/`).
//!
//! ```text
//! tuopin chart incidence --county CODE [--from YYYY-MM] [--to YYYY-MM] [--out DIR] [--width W] [--height H] [--font PATH]
//! tuopin chart households --county CODE [--from YYYY-MM] [--to YYYY-MM] [--out DIR] [--width W] [--height H] [--font PATH]
//! tuopin chart criteria --county CODE [--period YYYY-MM] [--out DIR] [--width W] [--height H] [--font PATH]
//! tuopin chart counties [--period YYYY-MM] [--out DIR] [--width W] [--height H] [--font PATH]
//! tuopin chart indicator --region CODE --indicator CODE [--from YYYY-MM] [--to YYYY-MM] [--out DIR] [--width W] [--height H] [--font PATH]
//! tuopin chart all [--period YYYY-MM] [--out DIR] [--width W] [--height H] [--font PATH]
//! ```
//!
//! For example `tuopin chart indicator --region 2112 --indicator dibao_standard --from 2019-01`.
//! Pictures are 1600×1000 pixels by default.
//! Files are named `<region code>-<kind>-<period>.png` (period: the last month shown; the counties
//! overview is named after the province). `all` draws incidence, households and the criteria grid of
//! every planned-exit county and the counties overview.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand};

use tuopin::chart::{self, checks, Canvas, ChartFont, ChartKind};
use tuopin::model::period::Period;

use super::{Context, Outcome};

#[derive(Debug, Args)]
pub struct ChartArgs {
    #[command(subcommand)]
    kind: ChartCommand,
}

#[derive(Debug, Subcommand)]
enum ChartCommand {
    /// 一个县及其贫困村逐月的贫困发生率，与退出阈值对照 (poverty incidence per month)
    Incidence(HouseholdsArgs),
    /// 一个县逐月的建档立卡户数，按未脱贫 / 返贫 / 已脱贫分色 (households per month)
    Households(HouseholdsArgs),
    /// 一个县的贫困村 × 各项贫困村退出标准（默认 10 项），某一月 (villages × criteria)
    Criteria(CriteriaArgs),
    /// 计划退出县并列：达标的县级标准项数与贫困发生率 (the planned-exit counties)
    Counties(PeriodArgs),
    /// 一个区划的一项指标随时间的变化（如铁岭市 农村低保标准）(one indicator over time)
    Indicator(IndicatorArgs),
    /// 每个计划退出县的三张图，以及各县总览 (every chart of the report)
    All(PeriodArgs),
}

#[derive(Debug, Args)]
struct CriteriaArgs {
    /// 县级区划代码（如彰武县 210922）(county code)
    #[arg(long, value_name = "CODE")]
    county: String,
    /// 核查的统计期（默认：有数据的最近一月）(month checked)
    #[arg(long, value_name = "YYYY-MM")]
    period: Option<Period>,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Debug, Args)]
struct PeriodArgs {
    /// 核查的统计期（默认：有数据的最近一月）(month checked)
    #[arg(long, value_name = "YYYY-MM")]
    period: Option<Period>,
    #[command(flatten)]
    output: OutputArgs,
}

/// Where and how big to draw.
#[derive(Debug, Args)]
struct OutputArgs {
    /// 输出文件夹（不存在则创建）(output folder)
    #[arg(long, value_name = "DIR", default_value = "charts")]
    out: PathBuf,
    /// 宽度，像素 (width in pixels)
    #[arg(long, value_name = "W", default_value_t = chart::DEFAULT_WIDTH)]
    width: u32,
    /// 高度，像素 (height in pixels)
    #[arg(long, value_name = "H", default_value_t = chart::DEFAULT_HEIGHT)]
    height: u32,
    /// 改用的 TrueType/OpenType 字体文件（默认内置文泉驿微米黑）(font file)
    #[arg(long, value_name = "PATH")]
    font: Option<PathBuf>,
}

impl OutputArgs {
    fn canvas(&self) -> Result<Canvas> {
        let font = match &self.font {
            Some(path) => ChartFont::from_path(path)?,
            None => ChartFont::embedded(),
        };
        Canvas::new(self.width, self.height, font)
    }
}

/// The months to show; by default all months with data.
#[derive(Debug, Args)]
struct RangeArgs {
    /// 起始月 (first month)
    #[arg(long, value_name = "YYYY-MM")]
    from: Option<Period>,
    /// 结束月 (last month)
    #[arg(long, value_name = "YYYY-MM")]
    to: Option<Period>,
}

#[derive(Debug, Args)]
struct IndicatorArgs {
    /// 区划代码（如铁岭市 2112）(region code)
    #[arg(long, value_name = "CODE")]
    region: String,
    /// 指标代码或中文名（如 dibao_standard 或 农村低保标准）(indicator)
    #[arg(long, value_name = "CODE")]
    indicator: String,
    #[command(flatten)]
    range: RangeArgs,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Debug, Args)]
struct HouseholdsArgs {
    /// 县级区划代码（如彰武县 210922）(county code)
    #[arg(long, value_name = "CODE")]
    county: String,
    #[command(flatten)]
    range: RangeArgs,
    #[command(flatten)]
    output: OutputArgs,
}

pub fn run(ctx: &Context, out: &mut dyn Write, args: &ChartArgs) -> Result<Outcome> {
    let conn = tuopin::db::open_read_only(&ctx.db)?;
    let (output, file, png) = match &args.kind {
        ChartCommand::All(a) => {
            let canvas = a.output.canvas()?;
            let period = tuopin::check::resolve_period(&conn, a.period)?;
            let mut monthly = checks::Monthly::planned(&conn, period)?;
            let (drawn, notes) = checks::all(&mut monthly, &canvas, &a.output.out, period)?;
            for d in &drawn {
                writeln!(
                    out,
                    "已生成图表 {} ({}×{})",
                    d.path.display(),
                    d.width,
                    d.height
                )?;
            }
            for n in &notes {
                writeln!(out, "未生成: {n}")?;
            }
            return Ok(Outcome::Ok);
        }
        ChartCommand::Incidence(a) => {
            let canvas = a.output.canvas()?;
            let mut monthly = checks::Monthly::new(&conn, vec![a.county.clone()])?;
            let data = checks::incidence(&mut monthly, &a.county, a.range.from, a.range.to)?;
            let png = chart::incidence::render(&data, &canvas)?;
            (
                &a.output,
                chart::file_name(&a.county, ChartKind::Incidence, data.to),
                png,
            )
        }
        ChartCommand::Criteria(a) => {
            let canvas = a.output.canvas()?;
            let period = tuopin::check::resolve_period(&conn, a.period)?;
            let mut monthly = checks::Monthly::new(&conn, vec![a.county.clone()])?;
            let data = checks::criteria_grid(&mut monthly, &a.county, period)?;
            let png = chart::criteria::render(&data, &canvas)?;
            (
                &a.output,
                chart::file_name(&a.county, ChartKind::Criteria, period),
                png,
            )
        }
        ChartCommand::Counties(a) => {
            let canvas = a.output.canvas()?;
            let period = tuopin::check::resolve_period(&conn, a.period)?;
            let mut monthly = checks::Monthly::planned(&conn, period)?;
            let data = checks::counties(&mut monthly, period)?;
            let png = chart::counties::render(&data, &canvas)?;
            let province = tuopin::model::region::province_code(&conn)?;
            (
                &a.output,
                chart::file_name(&province, ChartKind::Counties, period),
                png,
            )
        }
        ChartCommand::Indicator(a) => {
            // Validate the cheap things before reading data or fonts.
            let canvas = a.output.canvas()?;
            let data =
                chart::load::indicator(&conn, &a.region, &a.indicator, a.range.from, a.range.to)?;
            let code = tuopin::model::indicator::find(&conn, &a.indicator)?
                .map(|i| i.code)
                .unwrap_or_else(|| a.indicator.clone());
            let png = chart::indicator::render(&data, &canvas)?;
            let file = chart::indicator_file_name(&a.region, &code, data.to);
            (&a.output, file, png)
        }
        ChartCommand::Households(a) => {
            let canvas = a.output.canvas()?;
            let data = chart::load::households(&conn, &a.county, a.range.from, a.range.to)?;
            let png = chart::households::render(&data, &canvas)?;
            let file = chart::file_name(&a.county, ChartKind::Households, data.to);
            (&a.output, file, png)
        }
    };
    let path = chart::write(&output.out, &file, &png)?;
    writeln!(
        out,
        "已生成图表 {} ({}×{})",
        path.display(),
        png.width,
        png.height
    )?;
    Ok(Outcome::Ok)
}
