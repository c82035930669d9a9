//! `tuopin template households|indicators|regions [--english]`: print an empty CSV with the headers
//! of the county-office contract, to start a file from.

use std::io::Write;

use anyhow::Result;
use clap::{Args, ValueEnum};

use tuopin::import::contract::{self, Column};

use super::Outcome;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Kind {
    Households,
    Indicators,
    Regions,
}

#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// Which file
    kind: Kind,
    /// Use the English aliases instead of the Chinese headers
    #[arg(long)]
    english: bool,
    /// Start with a UTF-8 byte-order mark, so Excel opens the file with the right encoding
    #[arg(long)]
    bom: bool,
    /// indicators only: the wide form, one column per indicator, instead of the long form
    #[arg(long)]
    wide: bool,
}

pub fn run(out: &mut dyn Write, args: &TemplateArgs) -> Result<Outcome> {
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
