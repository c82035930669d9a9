//! `tuopin verify`: SQLite's integrity and foreign-key checks, then the project's own promises.
//!
//! ```text
//! tuopin verify [--json]
//! ```
//!
//! Every indicator value has a source, every household row lies in a village of a county and comes
//! from a valid batch, every county's register holds the households it says, every batch still has
//! its rows, and no ID number is stored in clear. Exit 1 when any check fails. Findings are counted
//! and located, never quoted. A damaged file is reported (integrity FAIL, in Chinese with SQLite's
//! words), not an error, with the advice to `tuopin restore` a backup. The database is opened
//! read-only.

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

const RESTORE_HINT: &str = "数据库文件已损坏：请用最近的备份恢复，tuopin restore 备份文件 --force\
（损坏的文件会改名保留，不会删除；恢复后再运行 tuopin verify）(damaged: restore from a backup)";

pub fn run(ctx: &Context, out: &mut dyn Write, args: &VerifyArgs) -> Result<Outcome> {
    let conn = tuopin::db::open_read_only(&ctx.db)?;
    let checks = tuopin::db::verify::verify(&conn)?;
    let failed = checks.iter().filter(|c| !c.ok()).count();
    let damaged = tuopin::db::verify::damaged(&checks);
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&checks)?)?;
        if damaged {
            // stdout stays the findings alone, for scripts.
            eprintln!("{RESTORE_HINT}");
        }
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
        if damaged {
            writeln!(out, "{RESTORE_HINT}")?;
        }
    }
    Ok(if failed == 0 {
        Outcome::Ok
    } else {
        Outcome::Problems
    })
}
