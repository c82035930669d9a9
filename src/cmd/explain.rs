//! `tuopin explain REGION_CODE [--period YYYY-MM] [--json]`: for one village or county, every
//! criterion with its value, threshold, status, the month of the value and its source (import file
//! and line, bulletin issue and sentence, or the register snapshot and the computation).

use std::io::Write;

use anyhow::Result;
use clap::Args;

use tuopin::check::{self, render};
use tuopin::model::period::Period;

use super::{Context, Outcome};

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Village or county code
    code: String,
    /// Month to check (default: the latest month with data)
    #[arg(long, value_name = "YYYY-MM")]
    period: Option<Period>,
    /// Print JSON (one region in the shape of `check --format json`)
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Context, out: &mut dyn Write, args: &ExplainArgs) -> Result<Outcome> {
    let conn = tuopin::db::open(&ctx.db)?;
    let (period, level, region) = check::explain(&conn, args.code.trim(), args.period)?;
    if args.json {
        let report = serde_json::json!({
            "period": period,
            "level": level,
            "regions": [region],
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
    } else {
        render::explain_text(out, level, period, &region)?;
    }
    Ok(Outcome::Ok)
}
