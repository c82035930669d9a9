//! `tuopin restore`: replace the database with a backup.
//!
//! ```text
//! tuopin restore PATH [--force]
//! ```
//!
//! PATH must be a tuopin database (application_id) of a schema version this binary knows, and pass
//! the integrity check; otherwise nothing is changed. The current database is first copied to
//! `<db>.before-restore-<time>.bak`, then overwritten in one transaction (other processes wait, then
//! see the restored data). --force is needed only when the current file cannot be opened or copied
//! (damaged); it is then renamed aside, never deleted.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::{Context, Outcome};

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// 要恢复的备份文件 (backup file)
    #[arg(value_name = "PATH")]
    path: PathBuf,
    /// 当前数据库文件无法打开或已损坏时仍替换它（原文件改名保留，不删除）(force)
    #[arg(long)]
    force: bool,
}

pub fn run(ctx: &Context, out: &mut dyn Write, args: &RestoreArgs) -> Result<Outcome> {
    let done = tuopin::db::backup::restore(&ctx.db, &args.path, args.force)?;
    writeln!(
        out,
        "已从 {} 恢复数据库 {}（备份的结构版本 {}）(restored)",
        args.path.display(),
        ctx.db.display(),
        done.from_version
    )?;
    if let Some(previous) = &done.previous {
        writeln!(
            out,
            "  恢复前的数据库已保存为 {} (previous database kept)",
            previous.display()
        )?;
    }
    if let Some(aside) = &done.moved_aside {
        writeln!(
            out,
            "  无法打开或已损坏的原数据库文件已改名为 {} (unreadable file moved aside)",
            aside.display()
        )?;
    }
    Ok(Outcome::Ok)
}
