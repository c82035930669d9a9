//! `tuopin template`: an empty file with the headers of the county-office contract, to start a
//! file from: a CSV, or with `--xlsx` an Excel workbook with drop-down lists, text-formatted code
//! columns and a note row saying what each column wants.
//!
//! ```text
//! tuopin template households|indicators|regions [--english] [--bom] [--wide] [--xlsx] [--output FILE]
//! ```

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{bail, Context as _, Result};
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
    /// 文件开头写 UTF-8 BOM，Excel 才能正确识别编码（仅 CSV）(byte-order mark)
    #[arg(long)]
    bom: bool,
    /// 仅用于 indicators：宽表，每个指标一列，而不是长表 (wide form)
    #[arg(long)]
    wide: bool,
    /// 输出 Excel 工作簿：下拉列表、文本格式的代码列、每列的填写说明 (Excel workbook)
    #[arg(long)]
    xlsx: bool,
    /// 写入该文件，而不是标准输出；- 为标准输出 (output file)
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
}

pub fn run(_ctx: &Context, out: &mut dyn Write, args: &TemplateArgs) -> Result<Outcome> {
    let kind = match args.kind {
        Kind::Households => tuopin::import::Kind::Households,
        Kind::Indicators => tuopin::import::Kind::Indicators,
        Kind::Regions => tuopin::import::Kind::Regions,
    };
    let bytes = if args.xlsx {
        if args.bom {
            bail!("--bom 只适用于 CSV 模板，工作簿不需要 (--bom is for CSV)");
        }
        tuopin::import::template::xlsx(kind, args.wide, args.english)?
    } else {
        csv_template(args)?
    };
    match args.output.as_deref().filter(|p| p.as_os_str() != "-") {
        Some(path) => {
            std::fs::write(path, &bytes).with_context(|| format!("无法写入 {}", path.display()))?
        }
        None => {
            if args.xlsx && std::io::stdout().is_terminal() {
                bail!("不能把 .xlsx 工作簿写到终端；请加 --output 文件名.xlsx (refusing to write a workbook to a terminal)");
            }
            out.write_all(&bytes)?;
        }
    }
    Ok(Outcome::Ok)
}

fn csv_template(args: &TemplateArgs) -> Result<Vec<u8>> {
    let cols: Vec<Column> = match (args.kind, args.wide) {
        (Kind::Households, false) => contract::HOUSEHOLDS.to_vec(),
        (Kind::Indicators, false) => contract::INDICATORS_LONG.to_vec(),
        (Kind::Indicators, true) => [
            contract::INDICATORS_WIDE_KEYS,
            contract::INDICATORS_WIDE_TEMPLATE,
        ]
        .concat(),
        (Kind::Regions, false) => contract::REGIONS.to_vec(),
        (_, true) => bail!("--wide 只适用于 indicators 模板"),
    };
    let names: Vec<&str> = cols
        .iter()
        .map(|c| if args.english { c.en } else { c.zh })
        .collect();
    let mut bytes = Vec::new();
    let mut w = tuopin::output::csv::Writer::with_bom(&mut bytes, args.bom)?;
    w.row(&names)?;
    w.flush()?;
    drop(w);
    Ok(bytes)
}
