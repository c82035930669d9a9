//! `tuopin criteria`: list the exit criteria (10 village, 6 county) with their rules, or change one
//! threshold; the old rule is kept in the history table with the reason.
//!
//! ```text
//! tuopin criteria [--json]
//! tuopin criteria set NO --threshold VALUE [--reason TEXT]
//! ```

use std::io::Write;

use anyhow::Result;
use clap::{Args, Subcommand};

use tuopin::check::render::{bound_text, documents_differ_text, rule_text};
use tuopin::model::criteria::{Criterion, CriterionLevel, DocumentedBound};

use super::{Context, Outcome};

#[derive(Debug, Args)]
pub struct CriteriaArgs {
    #[command(subcommand)]
    action: Option<Action>,
    /// 输出 JSON 而不是表格 (JSON)
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Subcommand)]
enum Action {
    /// 修改一项标准的阈值，原规则记入历史表 (change a threshold)
    Set {
        /// 标准编号：V1…V10、C1…C6 (criterion number)
        no: String,
        /// 新阈值，按该标准的单位（30000、30,000、1.5、是）(new threshold)
        #[arg(long, allow_hyphen_values = true, value_name = "VALUE")]
        threshold: String,
        /// 修改原因，记入历史（默认：本条命令）(reason)
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
    },
}

pub fn run(ctx: &Context, out: &mut dyn Write, args: &CriteriaArgs) -> Result<Outcome> {
    let mut conn = tuopin::db::open(&ctx.db)?;
    match &args.action {
        None => list(&conn, out, args.json),
        Some(Action::Set {
            no,
            threshold,
            reason,
        }) => {
            let reason = reason
                .clone()
                .unwrap_or_else(|| format!("tuopin criteria set {no} --threshold {threshold}"));
            let (before, after) =
                tuopin::model::criteria::set_threshold(&mut conn, no, threshold, &reason)?;
            if before == after {
                writeln!(
                    out,
                    "{} {} 的规则已是 {}，未改变 (unchanged)",
                    after.no,
                    after.name,
                    rule_text(&after)
                )?;
            } else {
                writeln!(
                    out,
                    "已修改 {} {}：{} → {}（原规则已记入历史）(criterion updated)",
                    after.no,
                    after.name,
                    rule_text(&before),
                    rule_text(&after)
                )?;
            }
            Ok(Outcome::Ok)
        }
    }
}

/// One criterion of `criteria --json`: the stored fields, then how the bound reads and what the
/// documents say (fields added after the first release; the stored ones keep their names).
#[derive(serde::Serialize)]
struct Listed<'a> {
    #[serde(flatten)]
    criterion: &'a Criterion,
    rule: String,
    /// True when the threshold itself passes (≤, ≥), false when it fails (<, >), null for = and ≠.
    inclusive: Option<bool>,
    documents: Option<&'static DocumentedBound>,
    differs_from_documents: bool,
}

fn list(conn: &rusqlite::Connection, out: &mut dyn Write, json: bool) -> Result<Outcome> {
    let all = tuopin::model::criteria::all(conn)?;
    if json {
        let listed: Vec<Listed> = all
            .iter()
            .map(|c| Listed {
                criterion: c,
                rule: bound_text(c),
                inclusive: c.operator.inclusive(),
                documents: c.documented(),
                differs_from_documents: c.differs_from_documents(),
            })
            .collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&listed)?)?;
        return Ok(Outcome::Ok);
    }
    let mut level = None;
    for c in &all {
        if level != Some(c.level) {
            level = Some(c.level);
            let title = match c.level {
                CriterionLevel::Village => "贫困村退出标准",
                CriterionLevel::County => "贫困县退出标准",
            };
            let n = all.iter().filter(|x| x.level == c.level).count();
            writeln!(out, "{title} {n} 项 ({})", c.level.code())?;
        }
        let note = c
            .note
            .as_deref()
            .map(|n| format!("  （{n}）"))
            .unwrap_or_default();
        writeln!(
            out,
            "  {:<4}{}  {}  [{}]{note}",
            c.no,
            c.name,
            bound_text(c),
            c.indicator_code
        )?;
        if let Some(warning) = documents_differ_text(c) {
            writeln!(out, "      ⚠ {warning}")?;
        }
    }
    writeln!(out)?;
    writeln!(out, "{BOUNDS_NOTE}")?;
    Ok(Outcome::Ok)
}

/// How to read the bounds, printed under the list.
const BOUNDS_NOTE: &str = "含本数：等于阈值即达标（≤、≥，文件中的“以下”“以上”）；不含本数：等于阈值即未达标（<、>，文件中的“低于”“高于”“超过”）。";
