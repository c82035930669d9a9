//! What `tuopin facts` and `tuopin bulletin add` print: the facts as today (a line and its
//! sentence each), the proposals to review as a table, as the review CSV (UTF-8 with BOM through
//! `output::csv`, for Excel: `facts import` reads it back) or as JSON, and what an add did.

use std::io::Write;

use anyhow::Result;

use super::store::IssueAdded;
use crate::import::contract::REVIEW;
use crate::model::bulletin::{Added, Fact, StoredProposal};
use crate::model::indicator::Qualifier;
use crate::output::csv::Writer;
use crate::output::figure::{self, figure};
use crate::output::number::plain;
use crate::output::table::write_columns;

/// The facts, a line and the sentence each (the output `tuopin facts` has always had).
pub fn facts_text(out: &mut dyn Write, facts: &[Fact]) -> Result<()> {
    if facts.is_empty() {
        writeln!(out, "没有快报事实 (no facts)")?;
    }
    for f in facts {
        let qualifier = Qualifier::stored(&f.qualifier, f.value_high);
        let shown = figure::as_stated(f.value, qualifier, &f.unit);
        let unit = figure::unit_after(&f.unit);
        let issue = crate::model::bulletin::citation(f.issue_no, f.total_no, &f.date, "");
        writeln!(
            out,
            "{}（{}） {} {} {}  统计期 {}  {issue}",
            f.region_name, f.region_code, f.indicator_name, shown, unit, f.period,
        )?;
        writeln!(out, "    原文：“{}”", f.sentence)?;
        if let Some(note) = &f.note {
            writeln!(out, "    备注：{note}")?;
        }
    }
    Ok(())
}

fn place_text(p: &StoredProposal) -> String {
    match (&p.place, &p.region_code) {
        (Some(name), Some(code)) => format!("{name} {code}"),
        (None, Some(code)) => code.clone(),
        (Some(name), None) if !p.new_regions.is_empty() => format!("{name}（新）"),
        (Some(name), None) => name.clone(),
        (None, None) => "？".into(),
    }
}

fn indicator_text(p: &StoredProposal) -> String {
    match &p.indicator_code {
        Some(code) => format!("{} {code}", p.indicator_name),
        None => format!("{}（新）", p.indicator_name),
    }
}

/// The proposals issue by issue, a row each (the sentence cut at 60 characters).
pub fn proposals_table(out: &mut dyn Write, proposals: &[StoredProposal]) -> Result<()> {
    if proposals.is_empty() {
        writeln!(out, "没有待审核的快报数据 (nothing to review)")?;
        return Ok(());
    }
    let mut i = 0;
    while i < proposals.len() {
        let issue = proposals[i].bulletin_id;
        let of_issue: Vec<&StoredProposal> = proposals[i..]
            .iter()
            .take_while(|p| p.bulletin_id == issue)
            .collect();
        i += of_issue.len();
        writeln!(out, "{} {}", of_issue[0].citation(), of_issue[0].publisher)?;
        let mut rows = vec![vec![
            "  编号".to_string(),
            "状态".into(),
            "数值".into(),
            "地区".into(),
            "指标".into(),
            "统计期".into(),
            "原句".into(),
        ]];
        for p in of_issue {
            let sentence: String = p.sentence.chars().take(60).collect();
            let ellipsis = if p.sentence.chars().count() > 60 {
                "…"
            } else {
                ""
            };
            rows.push(vec![
                format!("  {}", p.id),
                p.status.chinese().to_string(),
                figure(p.value, p.qualifier, &p.unit),
                place_text(p),
                indicator_text(p),
                p.period.map(|x| x.to_string()).unwrap_or_default(),
                format!("{sentence}{ellipsis}"),
            ]);
        }
        write_columns(out, &rows)?;
        writeln!(out)?;
    }
    Ok(())
}

/// The review CSV: the columns of `import::contract::REVIEW` by their codes (`id`, `status`,
/// `value` …, the codes `data/facts.csv` uses; `facts import` reads the Chinese names too), a row
/// per proposal, status and qualifier as codes, for Excel (with the BOM unless `bom` is false).
pub fn proposals_csv(out: &mut dyn Write, proposals: &[StoredProposal], bom: bool) -> Result<()> {
    let mut w = Writer::with_bom(out, bom)?;
    w.row(REVIEW.iter().map(|c| c.en))?;
    for p in proposals {
        w.row([
            p.id.to_string(),
            p.status.code().to_string(),
            p.issue_no.map(|n| n.to_string()).unwrap_or_default(),
            p.figure.clone().unwrap_or_default(),
            plain(p.value),
            p.qualifier.high().map(plain).unwrap_or_default(),
            p.unit.clone(),
            p.qualifier.code().to_string(),
            p.place.clone().unwrap_or_default(),
            p.region_code.clone().unwrap_or_default(),
            p.new_region_text().unwrap_or_default(),
            p.indicator_code.clone().unwrap_or_default(),
            p.indicator_name.clone(),
            p.period.map(|x| x.to_string()).unwrap_or_default(),
            p.note.clone().unwrap_or_default(),
            p.sentence.clone(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

fn json_number(v: f64) -> serde_json::Value {
    if v.fract() == 0.0 && v.abs() < 9e15 {
        serde_json::Value::from(v as i64)
    } else {
        serde_json::Value::from(v)
    }
}

/// The proposals as JSON, in the shape of `bulletin extract`'s (`{"bulletins": [...], "facts":
/// [...]}`), each fact with its stored id, status, figure as printed and note.
pub fn proposals_json(out: &mut dyn Write, proposals: &[StoredProposal]) -> Result<()> {
    let mut bulletins: Vec<serde_json::Value> = Vec::new();
    let mut seen: Vec<i64> = Vec::new();
    let mut facts = Vec::new();
    for p in proposals {
        if !seen.contains(&p.bulletin_id) {
            seen.push(p.bulletin_id);
            bulletins.push(serde_json::json!({
                "issue_no": p.issue_no,
                "total_no": p.total_no,
                "date": p.date,
                "office": p.publisher,
            }));
        }
        facts.push(serde_json::json!({
            "id": p.id,
            "status": p.status.code(),
            "value": json_number(p.value),
            "value_high": p.qualifier.high().map(json_number),
            "unit": p.unit,
            "qualifier": p.qualifier.code(),
            "place": p.place,
            "region_code": p.region_code,
            "indicator": p.indicator_name,
            "indicator_code": p.indicator_code,
            "period": p.period.map(|x| x.to_string()),
            "sentence": p.sentence,
            "issue_no": p.issue_no,
            "figure": p.figure,
            "note": p.note,
        }));
    }
    serde_json::to_writer_pretty(
        &mut *out,
        &serde_json::json!({ "bulletins": bulletins, "facts": facts }),
    )?;
    writeln!(out)?;
    Ok(())
}

/// What `bulletin add` did, an issue a line.
pub fn added(out: &mut dyn Write, file: &str, issues: &[IssueAdded]) -> Result<()> {
    for i in issues {
        let what = match &i.added {
            Added::New { proposals, .. } => format!("已添加，提取数据 {proposals} 条 (added)"),
            Added::Unchanged { .. } => "已存在，内容相同，未更改 (unchanged)".to_string(),
            Added::Replaced {
                kept,
                proposed,
                withdrawn,
                ..
            } => format!(
                "已用更正的文本替换（原文本保留在历史中）：保留 {kept} 条，新增 {proposed} 条，撤回 {} 条 (replaced)",
                withdrawn.len()
            ),
        };
        writeln!(out, "{file} {} {}：{what}", i.citation, i.title)?;
        if let Added::Replaced { withdrawn, .. } = &i.added {
            for w in withdrawn {
                let state = if w.was_accepted {
                    "已接受的数据已撤回"
                } else {
                    "已撤回"
                };
                writeln!(
                    out,
                    "  编号 {} {}：原句已不在更正后的文本中，{state}：“{}”",
                    w.id,
                    w.figure.as_deref().unwrap_or(""),
                    w.sentence
                )?;
            }
        }
        if i.accepted > 0 {
            writeln!(
                out,
                "  已接受 {} 条（有区划代码和指标代码的）(accepted)",
                i.accepted
            )?;
        }
        for (id, why) in &i.refused {
            writeln!(out, "  编号 {id} 未接受：{why}")?;
        }
        if i.pending > 0 {
            writeln!(
                out,
                "  待审核 {} 条：tuopin facts --proposed (to review)",
                i.pending
            )?;
        }
    }
    Ok(())
}
