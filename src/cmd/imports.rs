//! `tuopin imports [--all] [--json | --csv]`: the import batches, newest first (file, sha256, rows,
//! who, when). File names come from county offices: the CSV form neutralises any that a
//! spreadsheet would run as a formula (`tuopin::csvout`).

use std::io::Write;
use std::path::Path;

use anyhow::Result;
use clap::Args;

use super::Outcome;

#[derive(Debug, Args)]
pub struct ImportsArgs {
    /// Also list the reference files loaded by init
    #[arg(long)]
    all: bool,
    /// Print JSON instead of the table
    #[arg(long, conflicts_with = "csv")]
    json: bool,
    /// Print CSV instead of the table (safe to open in a spreadsheet)
    #[arg(long)]
    csv: bool,
}

pub fn run(db: &Path, out: &mut dyn Write, args: &ImportsArgs) -> Result<Outcome> {
    let conn = tuopin::db::open(db)?;
    let batches = tuopin::batch::list(&conn, args.all)?;
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&batches)?)?;
        return Ok(Outcome::Ok);
    }
    if args.csv {
        let mut w = tuopin::csvout::Writer::new(out);
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
    writeln!(
        out,
        "{:>5}  {:<10}  {:<36}  {:<12}  {:>9}  {:>9}  {:<10}  {:<20}  {:<8}  状态",
        "批次", "类型", "文件", "sha256", "读取", "写入", "导入人", "时间", "范围"
    )?;
    for b in &batches {
        let status = match &b.undone_at {
            Some(at) => format!("已撤销 {at}"),
            None => "有效".to_string(),
        };
        writeln!(
            out,
            "{:>5}  {:<10}  {:<36}  {:<12}  {:>9}  {:>9}  {:<10}  {:<20}  {:<8}  {status}",
            b.id,
            b.kind,
            b.file_name,
            &b.sha256[..12.min(b.sha256.len())],
            b.rows_read,
            b.rows_written,
            b.imported_by,
            b.imported_at,
            b.scope.as_deref().or(b.period.as_deref()).unwrap_or("-"),
        )?;
    }
    if batches.is_empty() {
        writeln!(out, "还没有导入任何文件 (no imports yet)")?;
    }
    Ok(Outcome::Ok)
}
