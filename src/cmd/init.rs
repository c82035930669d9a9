//! `tuopin init`: create the database and load the reference data.
//!
//! ```text
//! tuopin init [--force] [--data DIR]
//! ```

use std::path::PathBuf;

use std::io::Write;

use anyhow::Result;
use clap::Args;

use tuopin::import::reference::DataSource;

use super::{Context, Outcome};

#[derive(Debug, Args)]
pub struct InitArgs {
    /// 替换已有的数据库（其中的数据将丢失）(replace an existing database)
    #[arg(long)]
    force: bool,
    /// 从该文件夹载入修改过的参考数据，而不是内置的 (reference data folder)
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
}

pub fn run(ctx: &Context, out: &mut dyn Write, args: &InitArgs) -> Result<Outcome> {
    let source = match &args.data {
        Some(dir) => DataSource::Dir(dir.clone()),
        None => DataSource::Embedded,
    };
    let loaded = tuopin::import::reference::init::init(
        &ctx.db,
        args.force,
        &source,
        &tuopin::bulletin::store::seed,
    )?;
    writeln!(out, "已创建数据库 {} (database created)", ctx.db.display())?;
    writeln!(
        out,
        "  区划 {} 个，指标 {} 项，退出标准 {} 项，扶贫标准 {} 年，防返贫监测线 {} 年，快报 {} 期，快报事实 {} 条",
        loaded.regions,
        loaded.indicators,
        loaded.criteria,
        loaded.poverty_lines,
        loaded.monitoring_rules,
        loaded.bulletins,
        loaded.facts
    )?;
    Ok(Outcome::Ok)
}
