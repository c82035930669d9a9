//! `tuopin imports`: the import batches, newest first (file, sha256, rows, who, when). File names
//! come from county offices: the CSV form neutralises any that a spreadsheet would run as a
//! formula (`tuopin::output::csv`). `--json` and `--csv` exclude each other.
//!
//! ```text
//! tuopin imports [--all] [--json] [--csv]
//! ```

use std::io::Write;

use anyhow::Result;
use clap::Args;

use tuopin::output::number::number;
use tuopin::output::table::{pad, pad_left};

use super::{Context, Outcome};

#[derive(Debug, Args)]
pub struct ImportsArgs {
    /// 同时列出 init 载入的参考数据文件 (also reference files)
    #[arg(long)]
    all: bool,
    /// 输出 JSON 而不是表格 (JSON)
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// 输出 CSV 而不是表格，可安全地用表格软件打开 (CSV)
    #[arg(long)]
    csv: bool,
}

pub fn run(ctx: &Context, out: &mut dyn Write, args: &ImportsArgs) -> Result<Outcome> {
    let conn = tuopin::db::open_read_only(&ctx.db)?;
    let batches = tuopin::db::batch::list(&conn, args.all)?;
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&batches)?)?;
        return Ok(Outcome::Ok);
    }
    if args.csv {
        let mut w = tuopin::output::csv::Writer::new(out);
        w.row([
            "id",
            "kind",
            "file_name",
            "sha256",
            "rows_read",
            "rows_written",
            "imported_by",
            "imported_at",
            "scope",
            "period",
            "undone_at",
        ])?;
        for b in &batches {
            w.row([
                b.id.to_string(),
                b.kind.clone(),
                b.file_name.clone(),
                b.sha256.clone(),
                b.rows_read.to_string(),
                b.rows_written.to_string(),
                b.imported_by.clone(),
                b.imported_at.clone(),
                b.scope.clone().unwrap_or_default(),
                b.period.clone().unwrap_or_default(),
                b.undone_at.clone().unwrap_or_default(),
            ])?;
        }
        w.flush()?;
        return Ok(Outcome::Ok);
    }
    let width = batches
        .iter()
        .map(|b| unicode_width::UnicodeWidthStr::width(b.file_name.as_str()))
        .max()
        .unwrap_or(0)
        .max(8);
    writeln!(
        out,
        "{} {} {} {} {} {} {} {} {} 状态",
        pad_left("批次", 5),
        pad("类型", 10),
        pad("文件", width),
        pad("sha256", 12),
        pad_left("读取", 9),
        pad_left("写入", 9),
        pad("导入人", 10),
        pad("时间", 20),
        pad("范围", 8),
    )?;
    for b in &batches {
        let status = match &b.undone_at {
            Some(at) => format!("已撤销 {at}"),
            None => "有效".to_string(),
        };
        let scope = match (&b.scope, &b.period) {
            (Some(s), Some(p)) => format!("{s} {p}"),
            (Some(x), None) | (None, Some(x)) => x.clone(),
            (None, None) => "-".to_string(),
        };
        writeln!(
            out,
            "{} {} {} {} {} {} {} {} {} {status}",
            pad_left(&b.id.to_string(), 5),
            pad(&b.kind, 10),
            pad(&b.file_name, width),
            pad(b.sha256.get(..12).unwrap_or(&b.sha256), 12),
            pad_left(&number(b.rows_read as f64), 9),
            pad_left(&number(b.rows_written as f64), 9),
            pad(&b.imported_by, 10),
            pad(&b.imported_at, 20),
            pad(&scope, 8),
        )?;
    }
    if batches.is_empty() {
        writeln!(out, "还没有导入任何文件 (no imports yet)")?;
    }
    Ok(Outcome::Ok)
}
