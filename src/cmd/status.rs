//! `tuopin status`: what the database holds.
//!
//! ```text
//! tuopin status [--json]
//! ```

use std::io::Write;

use anyhow::Result;
use clap::Args;

use super::{Context, Outcome};

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// 输出 JSON 而不是表格 (JSON)
    #[arg(long)]
    json: bool,
}

fn n(v: i64) -> String {
    tuopin::output::number::number(v as f64)
}

pub fn run(ctx: &Context, out: &mut dyn Write, args: &StatusArgs) -> Result<Outcome> {
    let conn = tuopin::db::open_read_only(&ctx.db)?;
    let s = tuopin::db::contents::status(&conn)?;
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&s)?)?;
        return Ok(Outcome::Ok);
    }
    writeln!(
        out,
        "数据库 {}（结构版本 {}）",
        ctx.db.display(),
        s.schema_version
    )?;
    let levels: Vec<String> = s
        .regions
        .iter()
        .map(|(_, name, n)| format!("{name} {n}"))
        .collect();
    writeln!(
        out,
        "区划        {}（其中临时代码 {}）",
        levels.join("，"),
        s.provisional_codes
    )?;
    writeln!(
        out,
        "建档立卡户  {} 户，月度台账 {} 条，{} 个统计期",
        n(s.households),
        n(s.household_snapshots),
        s.register_periods
    )?;
    writeln!(
        out,
        "指标值      导入 {} 条，快报 {} 条",
        n(s.values_from_imports),
        n(s.values_from_bulletins)
    )?;
    writeln!(
        out,
        "导入批次    {} 个（另有参考数据文件 {} 个）",
        s.import_batches, s.reference_files
    )?;
    writeln!(
        out,
        "指标目录    {} 项；退出标准 {} 项；扶贫标准 {} 年",
        s.indicators, s.criteria, s.poverty_lines
    )?;
    writeln!(
        out,
        "快报        {} 期；数据 已接受 {} 条，待审核 {} 条，已拒绝 {} 条",
        s.bulletins.len(),
        s.proposals.accepted,
        s.proposals.proposed,
        s.proposals.rejected
    )?;
    for b in &s.bulletins {
        writeln!(out, "  {} {}", b.citation(), b.title)?;
    }
    Ok(Outcome::Ok)
}
