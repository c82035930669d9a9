//! The report as Markdown: headings, tables and the charts as images by relative path, readable in
//! any viewer and pasted into wikis.

use std::fmt::Write as _;

use super::doc::{county_summary, facts_summary, headline, Doc, FACTS_HEADER, FACTS_MORE};
use crate::output::markdown::{cell, text as md};

/// Markdown: tables and images by relative path, readable in any viewer. Names from the database
/// (regions, criteria) are escaped: data, never markup, and one line each.
pub fn render(doc: &Doc) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# 脱贫攻坚退出核查报告（{}）\n", doc.period);
    let _ = writeln!(
        s,
        "统计期 {} · 由 tuopin 根据各县导入的建档立卡台账和指标生成\n",
        doc.period
    );
    let _ = writeln!(s, "## 概况\n");
    for line in headline(doc) {
        let _ = writeln!(s, "- {line}");
    }
    let _ = writeln!(s);
    if let Some(chart) = &doc.overview_chart {
        let _ = writeln!(s, "![计划退出贫困县达标情况]({chart})\n");
    }
    let _ = writeln!(s, "## 县级退出标准\n");
    let mut header = "| 县 | 代码 |".to_string();
    let mut rule = "|---|---|".to_string();
    if let Some(first) = doc.counties.first() {
        for (name, ..) in &first.criteria {
            let no = name.split(' ').next().unwrap_or(name);
            let _ = write!(header, " {} |", cell(no));
            rule.push_str("---|");
        }
    }
    let _ = writeln!(s, "{header} 结论 |\n{rule}---|");
    for c in &doc.counties {
        let mut row = format!("| {} | {} |", cell(&c.name), cell(&c.code));
        for (_, status, ..) in &c.criteria {
            let _ = write!(row, " {} |", status.symbol());
        }
        let _ = writeln!(s, "{row} {} |", c.verdict.chinese());
    }
    let _ = writeln!(s, "\n✓ 达标　✗ 未达标　— 无数据\n");
    for c in &doc.counties {
        let _ = writeln!(
            s,
            "## {}（{}）：{}\n",
            md(&c.name),
            md(&c.code),
            c.verdict.chinese()
        );
        let _ = writeln!(s, "| 标准 | 结果 | 值 | 要求 |\n|---|---|---|---|");
        for (name, status, value, rule) in &c.criteria {
            let _ = writeln!(
                s,
                "| {} | {} {} | {value} | {rule} |",
                cell(name),
                status.symbol(),
                status.chinese()
            );
        }
        let _ = writeln!(s, "\n{}\n", county_summary(doc, c));
        if !c.villages_not_passing.is_empty() {
            let _ = writeln!(s, "未全部达标的贫困村：\n");
            for (name, code, items) in &c.villages_not_passing {
                let _ = writeln!(s, "- {}（{}）：{items}", md(name), md(code));
            }
            let _ = writeln!(s);
        }
        for (title, file) in &c.charts {
            let _ = writeln!(s, "![{}{title}]({file})\n", md(&c.name));
        }
    }
    let _ = writeln!(s, "## 快报数据与台账比对\n");
    let _ = writeln!(s, "{}\n", facts_summary(&doc.facts));
    if !doc.facts.disagreements.is_empty() {
        let _ = writeln!(s, "| {} |", FACTS_HEADER.join(" | "));
        let _ = writeln!(s, "|{}", "---|".repeat(FACTS_HEADER.len()));
        for f in &doc.facts.disagreements {
            let cells: Vec<String> = f.cells().iter().map(|c| cell(c).into_owned()).collect();
            let _ = writeln!(s, "| {} |", cells.join(" | "));
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(
        s,
        "{}\n",
        FACTS_MORE.replace("tuopin check facts", "`tuopin check facts`")
    );
    let _ = writeln!(s, "## 说明\n");
    let _ = writeln!(s, "- 退出标准：{}", doc.rules.join("；"));
    let _ = writeln!(
        s,
        "- 逐项依据（值、统计期、来源文件和行号或快报原文）：`tuopin explain 区划代码 --period {}`",
        doc.period
    );
    for w in &doc.monitoring_warnings {
        let _ = writeln!(s, "- 防返贫监测：{w}");
    }
    for n in &doc.notes {
        let _ = writeln!(s, "- 未生成的图表：{n}");
    }
    s
}
