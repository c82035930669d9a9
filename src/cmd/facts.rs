//! `tuopin facts`: the figures from the bulletins, each with its sentence.
//!
//! ```text
//! tuopin facts [--region CODE] [--json]
//! ```

use std::io::Write;

use anyhow::Result;
use clap::Args;

use tuopin::model::indicator::Qualifier;
use tuopin::output::figure;

use super::{Context, Outcome};

#[derive(Debug, Args)]
pub struct FactsArgs {
    /// 只列该区划及其下级 (only this region)
    #[arg(long, value_name = "CODE")]
    region: Option<String>,
    /// 输出 JSON 而不是表格 (JSON)
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Context, out: &mut dyn Write, args: &FactsArgs) -> Result<Outcome> {
    let conn = tuopin::db::open_read_only(&ctx.db)?;
    if let Some(code) = &args.region {
        tuopin::model::region::get(&conn, code)?;
    }
    let facts = tuopin::model::bulletin::facts(&conn, args.region.as_deref())?;
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&facts)?)?;
        return Ok(Outcome::Ok);
    }
    if facts.is_empty() {
        writeln!(out, "没有快报事实 (no facts)")?;
    }
    for f in &facts {
        let qualifier = Qualifier::stored(&f.qualifier, f.value_high);
        let shown = figure::as_stated(f.value, qualifier, &f.unit);
        let unit = figure::unit_after(&f.unit);
        writeln!(
            out,
            "{}（{}） {} {} {}  统计期 {}  第{}期（总第{}期，{}）",
            f.region_name,
            f.region_code,
            f.indicator_name,
            shown,
            unit,
            f.period,
            f.issue_no,
            f.total_no,
            f.date
        )?;
        writeln!(out, "    原文：“{}”", f.sentence)?;
        if let Some(note) = &f.note {
            writeln!(out, "    备注：{note}")?;
        }
    }
    Ok(Outcome::Ok)
}
