//! `tuopin template`: print an empty CSV with the headers of the county-office contract, to start
//! a file from.
//!
//! ```text
//! tuopin template households|indicators|regions [--english] [--bom] [--wide]
//! ```

use std::io::Write;

use anyhow::Result;
use clap::{Args, ValueEnum};

use tuopin::import::contract::{self, Column};

use super::{Context, Outcome};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Kind {
    Households,
    Indicators,
    Regions,
}

#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// 哪种文件 (which file)
    kind: Kind,
    /// 用英文别名作表头，而不是中文 (English headers)
    #[arg(long)]
    english: bool,
    /// 文件开头写 UTF-8 BOM，Excel 才能正确识别编码 (byte-order mark)
    #[arg(long)]
    bom: bool,
    /// 仅用于 indicators：宽表，每个指标一列，而不是长表 (wide form)
    #[arg(long)]
    wide: bool,
}

pub fn run(_ctx: &Context, out: &mut dyn Write, args: &TemplateArgs) -> Result<Outcome> {
    let cols: Vec<Column> = match (args.kind, args.wide) {
        (Kind::Households, false) => contract::HOUSEHOLDS.to_vec(),
        (Kind::Indicators, false) => contract::INDICATORS_LONG.to_vec(),
        (Kind::Indicators, true) => [
            contract::INDICATORS_WIDE_KEYS,
            contract::INDICATORS_WIDE_TEMPLATE,
        ]
        .concat(),
        (Kind::Regions, false) => contract::REGIONS.to_vec(),
        (_, true) => anyhow::bail!("--wide 只适用于 indicators 模板"),
    };
    let names: Vec<&str> = cols
        .iter()
        .map(|c| if args.english { c.en } else { c.zh })
        .collect();
    let mut w = tuopin::output::csv::Writer::with_bom(out, args.bom)?;
    w.row(&names)?;
    w.flush()?;
    Ok(Outcome::Ok)
}
