//! `tuopin chart KIND ...`: draw one chart as PNG into the output folder (default `charts/`).
//!
//!     tuopin chart incidence --county 210922 [--from 2018-01] [--to 2019-12]
//!     tuopin chart households --county 210922 [--from 2019-01] [--to 2019-12]
//!     tuopin chart criteria --county 210922 [--period 2019-12]
//!     tuopin chart counties [--period 2019-12]
//!     tuopin chart indicator --region 2112 --indicator dibao_standard [--from 2019-01] [--to 2019-12]
//!     tuopin chart all [--period 2019-12]
//!
//! Common options: --out DIR, --width W, --height H (pixels, default 1600×1000), --font PATH.
//! Files are named `<region code>-<kind>-<period>.png` (period: the last month shown; the counties
//! overview is named after the province). `all` draws incidence, households and the criteria grid of
//! every planned-exit county and the counties overview.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::{Args, Subcommand};

use tuopin::chart::{self, checks, Canvas, ChartFont, ChartKind};
use tuopin::model::period::Period;

use super::Outcome;

#[derive(Debug, Args)]
pub struct ChartArgs {
    #[command(subcommand)]
    kind: ChartCommand,
}

#[derive(Debug, Subcommand)]
enum ChartCommand {
    /// Poverty incidence per month of a county and its registered poor villages, against the threshold
    Incidence(HouseholdsArgs),
    /// Registered households of one county per month, by status (未脱贫 / 返贫 / 已脱贫)
    Households(HouseholdsArgs),
    /// The registered poor villages of a county × the 10 village criteria, for one month
    Criteria(CriteriaArgs),
    /// The planned-exit counties side by side: county criteria met, and incidence
    Counties(PeriodArgs),
    /// One indicator of one region over time (e.g. 铁岭市 农村低保标准)
    Indicator(IndicatorArgs),
    /// The standard set for every planned-exit county, and the counties overview
    All(PeriodArgs),
}

#[derive(Debug, Args)]
struct CriteriaArgs {
    /// County code (e.g. 210922 for 彰武县)
    #[arg(long, value_name = "CODE")]
    county: String,
    /// The month checked (default: the latest with data)
    #[arg(long, value_name = "YYYY-MM")]
    period: Option<Period>,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Debug, Args)]
struct PeriodArgs {
    /// The month checked (default: the latest with data)
    #[arg(long, value_name = "YYYY-MM")]
    period: Option<Period>,
    #[command(flatten)]
    output: OutputArgs,
}

/// Where and how big to draw.
#[derive(Debug, Args)]
struct OutputArgs {
    /// Output folder (created if missing)
    #[arg(long, value_name = "DIR", default_value = "charts")]
    out: PathBuf,
    /// Width in pixels
    #[arg(long, value_name = "W", default_value_t = chart::DEFAULT_WIDTH)]
    width: u32,
    /// Height in pixels
    #[arg(long, value_name = "H", default_value_t = chart::DEFAULT_HEIGHT)]
    height: u32,
    /// A TrueType/OpenType font file to use instead of the built-in WenQuanYi Micro Hei
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
    /// First month (YYYY-MM)
    #[arg(long, value_name = "YYYY-MM")]
    from: Option<Period>,
    /// Last month (YYYY-MM)
    #[arg(long, value_name = "YYYY-MM")]
    to: Option<Period>,
}

#[derive(Debug, Args)]
struct IndicatorArgs {
    /// Region code (e.g. 2112 for 铁岭市)
    #[arg(long, value_name = "CODE")]
    region: String,
    /// Indicator code or Chinese name (e.g. dibao_standard or 农村低保标准)
    #[arg(long, value_name = "CODE")]
    indicator: String,
    #[command(flatten)]
    range: RangeArgs,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Debug, Args)]
struct HouseholdsArgs {
    /// County code (e.g. 210922 for 彰武县)
    #[arg(long, value_name = "CODE")]
    county: String,
    #[command(flatten)]
    range: RangeArgs,
    #[command(flatten)]
    output: OutputArgs,
}

pub fn run(db: &Path, out: &mut dyn Write, args: &ChartArgs) -> Result<Outcome> {
    let conn = tuopin::db::open(db)?;
    let (output, file, png) = match &args.kind {
        ChartCommand::All(a) => {
            let canvas = a.output.canvas()?;
            let period = tuopin::check::resolve_period(&conn, a.period)?;
            let mut monthly = checks::Monthly::new(&conn, None)?;
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
            let mut monthly = checks::Monthly::new(&conn, Some(&a.county))?;
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
            let mut monthly = checks::Monthly::new(&conn, Some(&a.county))?;
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
            let mut monthly = checks::Monthly::new(&conn, None)?;
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
