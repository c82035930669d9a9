//! `tuopin check villages|counties|households`: the exit-criteria checks as of a month.
//!
//! ```text
//! tuopin check villages   [--county CODE] [--period YYYY-MM] [--only-poor] [--format table|csv|json|md] [--no-bom]
//! tuopin check counties   [--county CODE] [--period YYYY-MM] [--only-poor] [--format ...] [--no-bom]
//! tuopin check households [--county CODE] [--period YYYY-MM] [--threshold YUAN] [--format ...] [--no-bom]
//! ```
//!
//! The default month is the latest one with data. The exit code is 0 whenever the check ran, even if
//! regions fail or are undetermined: failing criteria are the answer, not an error. Scripts read the
//! verdicts from `--format json`. An unknown or non-county `--county` code exits 2.

use std::io::Write;

use anyhow::Result;
use clap::{Args, Subcommand, ValueEnum};

use tuopin::check::{self, render, Scope};
use tuopin::model::period::Period;

use super::{Context, Outcome};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// Chinese table with ✓ / ✗ / — per criterion
    Table,
    /// CSV (UTF-8 with BOM for Excel, unless --no-bom)
    Csv,
    /// JSON, the stable shape for scripts
    Json,
    /// Markdown table
    #[value(alias = "markdown")]
    Md,
}

impl From<FormatArg> for render::Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Table => render::Format::Table,
            FormatArg::Csv => render::Format::Csv,
            FormatArg::Json => render::Format::Json,
            FormatArg::Md => render::Format::Markdown,
        }
    }
}

#[derive(Debug, Args)]
pub struct Common {
    /// Only this county's regions
    #[arg(long, value_name = "CODE")]
    county: Option<String>,
    /// Month to check (default: the latest month with data)
    #[arg(long, value_name = "YYYY-MM")]
    period: Option<Period>,
    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    format: FormatArg,
    /// Write CSV without the UTF-8 byte-order mark
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
    /// The 10 village criteria, village by village
    Villages {
        #[command(flatten)]
        common: Common,
        /// Only registered poor villages (贫困村)
        #[arg(long)]
        only_poor: bool,
    },
    /// The 6 county criteria, county by county
    Counties {
        #[command(flatten)]
        common: Common,
        /// Only registered poor counties (贫困县)
        #[arg(long)]
        only_poor: bool,
    },
    /// Exited households failing a household standard (疑似错退) and households under the monitoring line (防返贫监测)
    Households {
        #[command(flatten)]
        common: Common,
        /// Monitoring line, yuan per person and year (default: setting monitoring_income_threshold, 5,000)
        #[arg(long, value_name = "YUAN")]
        threshold: Option<f64>,
    },
}

pub fn run(ctx: &Context, out: &mut dyn Write, args: &CheckArgs) -> Result<Outcome> {
    let conn = tuopin::db::open_for_scan(&ctx.db)?;
    match &args.what {
        What::Villages { common, only_poor } | What::Counties { common, only_poor } => {
            let scope = Scope {
                county: common.county.clone(),
                only_poor: *only_poor,
            };
            let report = if matches!(args.what, What::Villages { .. }) {
                check::check_villages(&conn, common.period, &scope)?
            } else {
                check::check_counties(&conn, common.period, &scope)?
            };
            render::report(out, &report, common.format.into(), !common.no_bom)?;
        }
        What::Households { common, threshold } => {
            if let Some(t) = threshold {
                if !t.is_finite() || *t < 0.0 {
                    anyhow::bail!("--threshold 应为 ≥ 0 的元数");
                }
            }
            let report = check::check_households(
                &conn,
                common.period,
                common.county.as_deref(),
                *threshold,
            )?;
            render::households(out, &report, common.format.into(), !common.no_bom)?;
        }
    }
    Ok(Outcome::Ok)
}
