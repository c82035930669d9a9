//! `tuopin verify`: SQLite's integrity and foreign-key checks, then the project's own promises.
//!
//! ```text
//! tuopin verify [--json]
//! ```
//!
//! Every indicator value has a source, every household row lies in a village of a county and comes
//! from a valid batch, every county's register holds the households it says, every batch still has
//! its rows, and no ID number is stored in clear. Exit 1 when any check fails. Findings are counted
//! and located, never quoted.

use std::io::Write;

use anyhow::Result;
use clap::Args;

use super::{Context, Outcome};

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// 输出 JSON 而不是表格 (JSON)
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Context, out: &mut dyn Write, args: &VerifyArgs) -> Result<Outcome> {
    let conn = tuopin::db::open(&ctx.db)?;
    let checks = tuopin::db::verify::verify(&conn)?;
    let failed = checks.iter().filter(|c| !c.ok()).count();
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&checks)?)?;
    } else {
        for c in &checks {
            let mark = if c.ok() { "ok  " } else { "FAIL" };
            writeln!(out, "{mark}  {:<18} {}", c.code, c.name)?;
            for d in &c.details {
                writeln!(out, "      {d}")?;
            }
            if c.details.len() < c.problems as usize && c.details.len() > 1 {
                writeln!(out, "      ……共 {} 处", c.problems)?;
            }
        }
        if failed == 0 {
            writeln!(out, "全部 {} 项检查通过 (all checks passed)", checks.len())?;
        } else {
            writeln!(
                out,
                "{failed} 项检查未通过，共 {} 项 (checks failed)",
                checks.len()
            )?;
        }
    }
    Ok(if failed == 0 {
        Outcome::Ok
    } else {
        Outcome::Problems
    })
}
