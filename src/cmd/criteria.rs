//! `tuopin criteria`: list the exit criteria with their rules (each bound as the documents word
//! it), change one threshold, or export and load the whole set; every change is kept in the history
//! table with its reason.
//!
//! ```text
//! tuopin criteria [--json]
//! tuopin criteria set NO --threshold VALUE [--reason TEXT]
//! tuopin criteria export [--output FILE] [--no-bom]
//! tuopin criteria load FILE [--reason TEXT]
//! ```
//!
//! `load` replaces the whole set from a file with the columns of `export` (English or Chinese
//! headers, UTF-8 or GBK); a file with any invalid row changes nothing and exits 1.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use clap::{Args, Subcommand};

use tuopin::check::render::{bound_text, documents_differ_text, rule_text};
use tuopin::model::criteria::{Criterion, CriterionLevel, DocumentedBound, SetChanges};
use tuopin::model::monitoring::RuleKind;
use tuopin::output::number::number;

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
    /// 导出整套标准为 CSV（列同 data/criteria.csv，UTF-8 带 BOM）(export the set)
    Export {
        /// 写入该文件而不是标准输出 (output file)
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// 不写 UTF-8 BOM (CSV without BOM)
        #[arg(long)]
        no_bom: bool,
    },
    /// 用文件替换整套标准：新增、修改、删除均记入历史；有任何无效行则不做更改 (replace the set)
    Load {
        /// 标准集 CSV（criteria export 的格式，英文或中文表头，UTF-8 或 GBK）(criteria file)
        file: PathBuf,
        /// 更改原因，记入历史（默认：本条命令）(reason)
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
        Some(Action::Export { output, no_bom }) => {
            match output {
                None => {
                    tuopin::import::criteria::export(&conn, out, !no_bom)?;
                }
                Some(path) => {
                    let mut file = std::fs::File::create(path)
                        .with_context(|| format!("无法写入 {}", path.display()))?;
                    let n = tuopin::import::criteria::export(&conn, &mut file, !no_bom)?;
                    file.sync_all()?;
                    writeln!(
                        out,
                        "已导出 {n} 项标准到 {} (criteria exported)",
                        path.display()
                    )?;
                }
            }
            Ok(Outcome::Ok)
        }
        Some(Action::Load { file, reason }) => load(&mut conn, out, file, reason.as_deref()),
    }
}

fn load(
    conn: &mut rusqlite::Connection,
    out: &mut dyn Write,
    file: &Path,
    reason: Option<&str>,
) -> Result<Outcome> {
    let reason = reason
        .map(str::to_string)
        .unwrap_or_else(|| format!("tuopin criteria load {}", file.display()));
    let loaded = tuopin::import::criteria::load(conn, file, &reason)?;
    tuopin::import::summary::write_problems(&mut std::io::stderr(), &loaded.summary)?;
    let Some(changes) = loaded.changes else {
        if loaded.summary.invalid == 0 {
            // A file-level problem: write_problems has said it; say what it means for the set.
            eprintln!("{}: 标准集未改变 (criteria unchanged)", file.display());
        }
        return Ok(Outcome::Problems);
    };
    write_changes(out, file, &changes)?;
    Ok(Outcome::Ok)
}

fn write_changes(out: &mut dyn Write, file: &Path, c: &SetChanges) -> Result<()> {
    if c.is_empty() {
        writeln!(
            out,
            "{} 与现有标准集相同，未做更改 (criteria unchanged)",
            file.display()
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "已按 {} 替换标准集：新增 {} 项，修改 {} 项，删除 {} 项，未变 {} 项（原规则已记入历史）(criteria replaced)",
        file.display(),
        c.added.len(),
        c.changed.len(),
        c.removed.len(),
        c.unchanged
    )?;
    let line = |c: &Criterion| {
        format!(
            "{} {}（{}级第 {} 项）{} [{}]",
            c.no,
            c.name,
            c.level.chinese(),
            c.seq,
            rule_text(c),
            c.indicator_code
        )
    };
    for a in &c.added {
        writeln!(out, "  + {}", line(a))?;
    }
    for (before, after) in &c.changed {
        writeln!(out, "  ~ {}  →  {}", line(before), line(after))?;
    }
    for r in &c.removed {
        writeln!(out, "  - {}", line(r))?;
    }
    Ok(())
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
    monitoring_rules(conn, out)?;
    Ok(Outcome::Ok)
}

/// The 防返贫监测 lines per year, under the criteria: the other rule `check households` applies.
fn monitoring_rules(conn: &rusqlite::Connection, out: &mut dyn Write) -> Result<()> {
    writeln!(out)?;
    writeln!(
        out,
        "防返贫监测线（已脱贫户人均纯收入低于此线即列入监测；check households --threshold 可临时改用其他值）"
    )?;
    let rules = tuopin::model::monitoring::all(conn)?;
    if rules.is_empty() {
        writeln!(out, "  没有监测线规则 (no monitoring rules)")?;
    }
    for r in &rules {
        let rule = match r.kind {
            RuleKind::Fixed => format!("{} {} 元", r.kind.chinese(), number(r.value)),
            RuleKind::PovertyLineMultiple => format!("扶贫标准的 {} 倍", number(r.value)),
        };
        let note = r
            .note
            .as_deref()
            .map(|n| format!("  （{n}）"))
            .unwrap_or_default();
        writeln!(out, "  {} 年起  {rule}{note}", r.year)?;
    }
    writeln!(
        out,
        "  县在“监测对象类别”中标记的户（脱贫不稳定户、边缘易致贫户、突发严重困难户）不论收入均列入。"
    )?;
    Ok(())
}

/// How to read the bounds, printed under the list.
const BOUNDS_NOTE: &str = "含本数：等于阈值即达标（≤、≥，文件中的“以下”“以上”）；不含本数：等于阈值即未达标（<、>，文件中的“低于”“高于”“超过”）。";
