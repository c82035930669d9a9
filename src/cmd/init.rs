//! `tuopin init`: create the database and load the reference data.
//!
//! ```text
//! tuopin init [--force] [--data DIR]
//! ```
//!
//! `--force` replaces an existing tuopin database (never another file given as `--db`) and keeps
//! it first as `<db>.before-init-<time>.bak`.

use std::path::PathBuf;

use std::io::Write;

use anyhow::Result;
use clap::Args;

use tuopin::import::reference::DataSource;

use super::{Context, Outcome};

#[derive(Debug, Args)]
pub struct InitArgs {
    /// 替换已有的 tuopin 数据库（原库先另存为 .before-init-<时间>.bak）(replace an existing database)
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
    let created = tuopin::import::reference::init::init(
        &ctx.db,
        args.force,
        &source,
        &tuopin::bulletin::store::seed,
    )?;
    let loaded = &created.loaded;
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
    if let Some(previous) = &created.previous {
        if previous.moved_aside {
            writeln!(
                out,
                "  原数据库无法复制（可能已损坏），已改名保留为 {} (previous database moved aside)",
                previous.path.display()
            )?;
        } else {
            writeln!(
                out,
                "  原数据库已保存为 {} (previous database kept)",
                previous.path.display()
            )?;
        }
    }
    Ok(Outcome::Ok)
}
