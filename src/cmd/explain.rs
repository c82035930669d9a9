//! `tuopin explain`: for one village or county, every criterion with its value, threshold, status,
//! the month of the value and its source (import file and line, bulletin issue and sentence, or the
//! register snapshot and the computation). For a village whose register came as the national
//! export, the member rows behind its households' failed standards (第 14 行 之子 在校生状况 = 辍学).
//!
//! ```text
//! tuopin explain REGION_CODE [--period YYYY-MM] [--json]
//! ```

use std::io::Write;

use anyhow::Result;
use clap::Args;

use tuopin::check::{self, render};
use tuopin::model::household::standard_name;
use tuopin::model::period::Period;
use tuopin::model::region::Level;

use super::{Context, Outcome};

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// 村或县的区划代码 (village or county code)
    #[arg(value_name = "REGION_CODE")]
    code: String,
    /// 核查的统计期（默认：有数据的最近一月）(month to check)
    #[arg(long, value_name = "YYYY-MM")]
    period: Option<Period>,
    /// 输出 JSON，结构同 check --format json (JSON)
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Context, out: &mut dyn Write, args: &ExplainArgs) -> Result<Outcome> {
    let conn = tuopin::db::open_read_only(&ctx.db)?;
    let (period, level, region) = check::explain(&conn, args.code.trim(), args.period)?;
    let evidence = match level {
        Level::Village => check::village_evidence(&conn, period, &region.code)?,
        _ => None,
    };
    let rows = evidence.as_ref().map(|(_, r)| r.as_slice()).unwrap_or(&[]);
    if args.json {
        let report = serde_json::json!({
            "period": period,
            "level": level,
            "regions": [region],
            "evidence": rows,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
    } else {
        render::explain_text(out, level, period, &region)?;
        if let (Some((month, _)), false) = (&evidence, rows.is_empty()) {
            writeln!(out)?;
            writeln!(out, "未达标的户及其成员行（{month} 台账）：")?;
            for e in rows {
                writeln!(
                    out,
                    "  户编号 {}  {} {}：{}",
                    e.household_id,
                    e.evidence.standard,
                    standard_name(e.evidence.standard),
                    e.evidence.text()
                )?;
            }
        }
    }
    Ok(Outcome::Ok)
}
