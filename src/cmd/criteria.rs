//! `tuopin criteria [--json]`: list the exit criteria (10 village, 6 county) with their rules.
//! `tuopin criteria set NO --threshold VALUE [--reason TEXT]`: change one threshold; the old rule is
//! kept in the history table with the reason.

use std::io::Write;
use std::path::Path;

use anyhow::Result;
use clap::{Args, Subcommand};

use tuopin::check::render::rule_text;
use tuopin::model::criteria::CriterionLevel;

use super::Outcome;

#[derive(Debug, Args)]
pub struct CriteriaArgs {
    #[command(subcommand)]
    action: Option<Action>,
    /// Print JSON instead of the table
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Subcommand)]
enum Action {
    /// Change a criterion's threshold (recorded in the history table)
    Set {
        /// Criterion number: V1…V10, C1…C6
        no: String,
        /// New threshold, in the criterion's unit (30000, 30,000, 1.5, 是)
        #[arg(long, allow_hyphen_values = true)]
        threshold: String,
        /// Why, kept in the history (default: the command line)
        #[arg(long)]
        reason: Option<String>,
    },
}

pub fn run(db: &Path, out: &mut dyn Write, args: &CriteriaArgs) -> Result<Outcome> {
    let mut conn = tuopin::db::open(db)?;
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

fn list(conn: &rusqlite::Connection, out: &mut dyn Write, json: bool) -> Result<Outcome> {
    let all = tuopin::model::criteria::all(conn)?;
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&all)?)?;
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
            writeln!(out, "{title} ({})", c.level.code())?;
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
            rule_text(c),
            c.indicator_code
        )?;
    }
    Ok(Outcome::Ok)
}
