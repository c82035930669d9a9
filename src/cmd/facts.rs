//! `tuopin facts`: the figures from the bulletins, each with its sentence, and their review:
//! the proposals `bulletin add` stored (`--proposed`), accepted or rejected by id, or corrected
//! through the review CSV (`--format csv` → Excel → `facts import`).
//!
//! ```text
//! tuopin facts [--region CODE] [--json] [--proposed] [--format table|csv|json] [--no-bom]
//! tuopin facts accept [ID...] [--all]
//! tuopin facts reject ID...
//! tuopin facts import FILE
//! ```
//!
//! `accept ID...` accepts all of them or, when one cannot be accepted as it stands, none (exit 1,
//! each reason listed); `--all` accepts every 待审核 proposal that can be and lists the others.
//! `import` changes nothing when any row is invalid (exit 1, every problem listed).

use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::{Args, Subcommand, ValueEnum};
use rusqlite::TransactionBehavior;

use tuopin::bulletin::render;
use tuopin::model::bulletin::review::{self, Acceptance, Stored};
use tuopin::model::bulletin::{ProposalFilter, ProposalStatus};
use tuopin::model::history::set_change_context;

use super::{Context, Outcome};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// 中文列表，每条附原文 (for people)
    Table,
    /// 审核表 CSV，带 UTF-8 BOM，可在 Excel 中修改后用 facts import 读回 (review CSV for Excel)
    Csv,
    /// JSON，供脚本读取 (for scripts)
    Json,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct FactsArgs {
    #[command(subcommand)]
    command: Option<FactsCommand>,
    /// 只列该区划及其下级 (only this region)
    #[arg(long, value_name = "CODE")]
    region: Option<String>,
    /// 输出 JSON 而不是表格，同 --format json (JSON)
    #[arg(long)]
    json: bool,
    /// 列出待审核的数据（bulletin add 提取、尚未接受或拒绝的）(proposals to review)
    #[arg(long)]
    proposed: bool,
    /// 输出格式 (output format)
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// CSV 不写 UTF-8 BOM (CSV without BOM)
    #[arg(long)]
    no_bom: bool,
}

#[derive(Debug, Subcommand)]
enum FactsCommand {
    /// 接受待审核的数据，成为快报事实 (accept proposals)
    Accept {
        /// 数据编号（facts --proposed 所列）(proposal ids)
        #[arg(
            value_name = "ID",
            required_unless_present = "all",
            conflicts_with = "all"
        )]
        ids: Vec<i64>,
        /// 接受所有可接受的待审核数据 (every acceptable proposal)
        #[arg(long)]
        all: bool,
    },
    /// 拒绝数据（已接受的将撤回）(reject proposals)
    Reject {
        /// 数据编号 (proposal ids)
        #[arg(value_name = "ID", required = true)]
        ids: Vec<i64>,
    },
    /// 读回修改过的审核表：更正数值、单位、限定、地区、指标、统计期，可同时接受或拒绝 (read an edited review sheet)
    Import {
        /// 审核表：CSV（UTF-8 或 GBK）或 Excel 工作簿 (the review CSV or workbook)
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

pub fn run(ctx: &Context, out: &mut dyn Write, args: &FactsArgs) -> Result<Outcome> {
    match &args.command {
        Some(FactsCommand::Accept { ids, all }) => accept(ctx, out, ids, *all),
        Some(FactsCommand::Reject { ids }) => reject(ctx, out, ids),
        Some(FactsCommand::Import { file }) => import(ctx, out, file),
        None => list(ctx, out, args),
    }
}

fn reviewer() -> String {
    tuopin::db::batch::current_user()
}

fn list(ctx: &Context, out: &mut dyn Write, args: &FactsArgs) -> Result<Outcome> {
    let conn = tuopin::db::open_read_only(&ctx.db)?;
    if let Some(code) = &args.region {
        tuopin::model::region::get(&conn, code)?;
    }
    let format = match (args.format, args.json) {
        (Some(Format::Json), _) | (None, true) => Format::Json,
        (Some(f), false) => f,
        (Some(_), true) => bail!("--json 与 --format 只能用一个 (--json is --format json)"),
        (None, false) => Format::Table,
    };
    if args.proposed || format == Format::Csv {
        let status = if args.proposed {
            ProposalStatus::Proposed
        } else {
            ProposalStatus::Accepted
        };
        let proposals = review::list(
            &conn,
            &ProposalFilter {
                status: Some(status),
                region: args.region.clone(),
                bulletin_id: None,
            },
        )?;
        match format {
            Format::Table => {
                render::proposals_table(out, &proposals)?;
                if !proposals.is_empty() {
                    writeln!(
                        out,
                        "共 {} 条待审核 (to review)。接受：tuopin facts accept 编号…；修改：tuopin facts --proposed --format csv > 审核.csv，在 Excel 中修改后 tuopin facts import 审核.csv",
                        proposals.len()
                    )?;
                }
            }
            Format::Csv => render::proposals_csv(out, &proposals, !args.no_bom)?,
            Format::Json => render::proposals_json(out, &proposals)?,
        }
        return Ok(Outcome::Ok);
    }
    let facts = tuopin::model::bulletin::facts(&conn, args.region.as_deref())?;
    match format {
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&facts)?)?,
        _ => render::facts_text(out, &facts)?,
    }
    Ok(Outcome::Ok)
}

fn stored_words(stored: &Stored) -> &'static str {
    match stored {
        Stored::Value(_) => "",
        Stored::Derived => "（该指标由台账计算：只记为快报所述，供 check facts 比对）",
        Stored::Imported { .. } => "（该区划、指标、统计期已有导入值，未覆盖；见 check facts）",
    }
}

fn accept(ctx: &Context, out: &mut dyn Write, ids: &[i64], all: bool) -> Result<Outcome> {
    let mut conn = tuopin::db::open(&ctx.db)?;
    let by = reviewer();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    set_change_context(&tx, None, "facts accept")?;
    let ids: Vec<i64> = if all {
        review::list(
            &tx,
            &ProposalFilter {
                status: Some(ProposalStatus::Proposed),
                ..ProposalFilter::default()
            },
        )?
        .iter()
        .map(|p| p.id)
        .collect()
    } else {
        ids.to_vec()
    };
    let mut accepted = 0;
    let mut refused = Vec::new();
    for &id in &ids {
        match review::accept(&tx, id, &by)? {
            Acceptance::Accepted {
                region_code,
                created,
                stored,
            } => {
                accepted += 1;
                for code in &created {
                    writeln!(
                        out,
                        "新建区划 {code}（临时代码，code_official = 0）(provisional region)"
                    )?;
                }
                let note = stored_words(&stored);
                if !note.is_empty() {
                    writeln!(out, "编号 {id}（{region_code}）{note}")?;
                }
            }
            Acceptance::AlreadyAccepted => writeln!(out, "编号 {id} 已接受过 (already accepted)")?,
            Acceptance::Refused(why) => refused.push((id, why)),
        }
    }
    for (id, why) in &refused {
        let line = format!("编号 {id} 无法接受：{why}");
        if all {
            writeln!(out, "{line}（仍待审核）")?;
        } else {
            eprintln!("{line}");
        }
    }
    if !all && !refused.is_empty() {
        eprintln!(
            "有 {} 条无法接受，未做任何更改 (nothing changed)",
            refused.len()
        );
        return Ok(Outcome::Problems);
    }
    set_change_context(&tx, None, "")?;
    tx.commit()?;
    writeln!(out, "已接受 {accepted} 条 (accepted)")?;
    Ok(Outcome::Ok)
}

fn reject(ctx: &Context, out: &mut dyn Write, ids: &[i64]) -> Result<Outcome> {
    let mut conn = tuopin::db::open(&ctx.db)?;
    let by = reviewer();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    set_change_context(&tx, None, "facts reject")?;
    let mut rejected = 0;
    for &id in ids {
        rejected += usize::from(review::reject(&tx, id, &by)?);
    }
    set_change_context(&tx, None, "")?;
    tx.commit()?;
    writeln!(out, "已拒绝 {rejected} 条 (rejected)")?;
    Ok(Outcome::Ok)
}

fn import(ctx: &Context, out: &mut dyn Write, file: &std::path::Path) -> Result<Outcome> {
    let shown = file.display().to_string();
    let mut conn = tuopin::db::open(&ctx.db)?;
    let by = reviewer();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let rows = match tuopin::import::review::read_file(&tx, file)? {
        Ok(rows) => rows,
        Err(errors) => {
            for e in &errors {
                eprintln!("{e}");
            }
            eprintln!(
                "{shown}: {} 处问题，未做任何更改 (invalid rows: nothing changed)",
                errors.len()
            );
            return Ok(Outcome::Problems);
        }
    };
    set_change_context(&tx, None, &format!("facts import {shown}"))?;
    let done = tuopin::import::review::apply(&tx, &rows, &by)?;
    set_change_context(&tx, None, "")?;
    tx.commit()?;
    writeln!(
        out,
        "{shown}: 读取 {} 行，更正 {} 条，新增 {} 条，接受 {} 条，拒绝 {} 条，改回待审核 {} 条 (review applied)",
        done.rows, done.corrected, done.added, done.accepted, done.rejected, done.reopened
    )?;
    Ok(Outcome::Ok)
}
