//! `tuopin report`: a bulletin-style summary of the exit checks for one month, in HTML and
//! Markdown, embedding the charts of `chart all` by relative path, and the bulletins' facts that
//! disagree with the register (快报数据与台账比对, `check facts`).
//!
//! The report is built once as plain data (`Doc`) and then written twice, so the two files always
//! say the same thing. The HTML is self-contained apart from the PNGs (inline CSS, no scripts, no
//! external fonts); nothing in either file depends on the clock, so the same database gives the same
//! report.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rusqlite::Connection;

use crate::chart::checks::{self, Drawn};
use crate::chart::{Canvas, ChartKind};
use crate::check::{self, render::rule_text, CriterionStatus, RegionResult, Verdict};
use crate::model::period::Period;
use crate::output::figure;
use crate::output::number::number;

/// One county's part of the report.
pub struct CountySection {
    pub code: String,
    pub name: String,
    pub verdict: Verdict,
    /// (criterion no and name, status, value text, rule text)
    pub criteria: Vec<(String, CriterionStatus, String, String)>,
    pub poor_villages: usize,
    pub poor_villages_passing: usize,
    /// Poor villages not passing: (name, code, the criteria failed or without data).
    pub villages_not_passing: Vec<(String, String, String)>,
    pub suspected_wrong_exits: usize,
    pub monitored: usize,
    /// (kind title, file name relative to the report)
    pub charts: Vec<(String, String)>,
}

pub struct Doc {
    pub period: Period,
    pub planned_exit_year: Option<i32>,
    pub counties_passing: usize,
    pub counties: Vec<CountySection>,
    pub villages_total: usize,
    pub villages_passing: usize,
    pub suspected_wrong_exits: usize,
    pub monitored: usize,
    /// The 防返贫监测 line of the month (None: no rule for its year).
    pub monitoring_threshold: Option<f64>,
    /// Households on the list because the county flagged them.
    pub flagged: usize,
    /// The household check's warnings (a list longer than the guideline expects, no line).
    pub monitoring_warnings: Vec<String>,
    /// How many criteria the set has per level (the province's set: 10 and 6 by default).
    pub village_criteria: usize,
    pub county_criteria: usize,
    pub overview_chart: Option<String>,
    pub notes: Vec<String>,
    pub rules: Vec<String>,
    /// 快报数据与台账比对: the accepted facts of the month and before, against the register.
    pub facts: FactsSection,
}

/// The bulletins' facts against the register and the imports (`check facts`), for the report:
/// the counts and the disagreements.
pub struct FactsSection {
    /// (agree, disagree, no data)
    pub tally: (usize, usize, usize),
    pub disagreements: Vec<FactRow>,
}

/// One disagreement, as the report lists it.
pub struct FactRow {
    pub place: String,
    pub code: String,
    pub indicator: String,
    pub period: Period,
    pub bulletin: String,
    pub register: String,
    pub difference: String,
    pub bulletin_source: String,
    pub register_source: String,
}

fn facts_section(conn: &Connection, period: Period) -> Result<FactsSection> {
    use crate::check::facts::render as fr;
    let mut report = check::check_facts(conn, None, None)?;
    report.comparisons.retain(|c| c.period <= period);
    Ok(FactsSection {
        tally: report.tally(),
        disagreements: report
            .disagreements()
            .map(|c| FactRow {
                place: c.place.clone(),
                code: c.region_code.clone(),
                indicator: c.indicator_name.clone(),
                period: c.period,
                bulletin: fr::bulletin_text(c),
                register: fr::register_text(c),
                difference: fr::difference_text(c),
                bulletin_source: c.bulletin_source.clone(),
                register_source: c.register_source.clone().unwrap_or_default(),
            })
            .collect(),
    })
}

fn facts_summary(f: &FactsSection) -> String {
    let (agree, disagree, no_data) = f.tally;
    format!(
        "已接受的快报数据中，台账或导入也给出的 {} 条：一致 {agree} 条，不一致 {disagree} 条，无数据 {no_data} 条。",
        agree + disagree + no_data
    )
}

const FACTS_HEADER: [&str; 9] = [
    "地区",
    "代码",
    "指标",
    "统计期",
    "快报",
    "台账",
    "差值",
    "快报原文",
    "台账来源",
];

/// Files written by `write`.
pub struct Written {
    pub html: PathBuf,
    pub md: PathBuf,
    pub charts: Vec<Drawn>,
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Gather everything the report says for `period`, drawing the charts into `out`.
pub fn build(
    conn: &Connection,
    canvas: &Canvas,
    out: &Path,
    period: Period,
) -> Result<(Doc, Vec<Drawn>)> {
    // The charts and the tables below read the same checks of the month, computed once.
    let mut monthly = checks::Monthly::new(conn, None)?;
    let (drawn, notes) = checks::all(&mut monthly, canvas, out, period)?;
    let (year, codes) = checks::planned_exit_counties(conn, period)?;
    let counties = monthly.counties(period)?.clone();
    let villages = monthly.villages(period)?.clone();
    let households = check::check_households(conn, Some(period), None, None)?;
    let county_of: BTreeMap<String, String> = conn
        .prepare("SELECT code, county_code FROM region_county")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;

    let mut sections = Vec::new();
    for code in &codes {
        let Some(c) = counties.regions.iter().find(|r| &r.code == code) else {
            continue;
        };
        let mine: Vec<&RegionResult> = villages
            .regions
            .iter()
            .filter(|v| county_of.get(&v.code) == Some(code))
            .collect();
        let not_passing = mine
            .iter()
            .filter(|v| v.verdict != Verdict::Pass)
            .map(|v| {
                let items: Vec<String> = v
                    .criteria
                    .iter()
                    .filter(|c| c.status != CriterionStatus::Pass)
                    .map(|c| format!("{} {}（{}）", c.no, c.name, c.status.chinese()))
                    .collect();
                (v.name.clone(), v.code.clone(), items.join("、"))
            })
            .collect();
        let in_county = |h: &&check::HouseholdFinding| county_of.get(&h.village_code) == Some(code);
        sections.push(CountySection {
            code: c.code.clone(),
            name: c.name.clone(),
            verdict: c.verdict,
            criteria: c
                .criteria
                .iter()
                .map(|r| {
                    let rule = counties.rules.iter().find(|x| x.no == r.no);
                    (
                        format!("{} {}", r.no, r.name),
                        r.status,
                        r.value
                            .map(|v| figure::exact(v, &r.unit))
                            .unwrap_or_else(|| "—".into()),
                        rule.map(rule_text).unwrap_or_default(),
                    )
                })
                .collect(),
            poor_villages: mine.len(),
            poor_villages_passing: mine.iter().filter(|v| v.verdict == Verdict::Pass).count(),
            villages_not_passing: not_passing,
            suspected_wrong_exits: households
                .households
                .iter()
                .filter(in_county)
                .filter(|h| h.suspected_wrong_exit)
                .count(),
            monitored: households
                .households
                .iter()
                .filter(in_county)
                .filter(|h| h.monitoring)
                .count(),
            charts: drawn
                .iter()
                .filter(|d| d.county.as_deref() == Some(code.as_str()))
                .map(|d| (d.kind.chinese().to_string(), file_name(&d.path)))
                .collect(),
        });
    }
    let in_plan: Vec<&RegionResult> = villages
        .regions
        .iter()
        .filter(|v| county_of.get(&v.code).is_some_and(|c| codes.contains(c)))
        .collect();
    let doc = Doc {
        period,
        planned_exit_year: year,
        counties_passing: sections
            .iter()
            .filter(|s| s.verdict == Verdict::Pass)
            .count(),
        villages_total: in_plan.len(),
        villages_passing: in_plan
            .iter()
            .filter(|v| v.verdict == Verdict::Pass)
            .count(),
        suspected_wrong_exits: sections.iter().map(|s| s.suspected_wrong_exits).sum(),
        monitored: sections.iter().map(|s| s.monitored).sum(),
        monitoring_threshold: households.monitoring_threshold,
        flagged: households.flagged(),
        monitoring_warnings: households.warnings.clone(),
        village_criteria: villages.rules.len(),
        county_criteria: counties.rules.len(),
        counties: sections,
        overview_chart: drawn
            .iter()
            .find(|d| d.kind == ChartKind::Counties)
            .map(|d| file_name(&d.path)),
        notes,
        rules: counties
            .rules
            .iter()
            .map(|r| format!("{} {} {}", r.no, r.name, rule_text(r)))
            .collect(),
        facts: facts_section(conn, period)?,
    };
    Ok((doc, drawn))
}

/// Build the report for `period` and write `report-<period>.html` and `.md` into `out`, beside the
/// charts they embed.
pub fn write(conn: &Connection, canvas: &Canvas, out: &Path, period: Period) -> Result<Written> {
    let (doc, charts) = build(conn, canvas, out, period)?;
    let html = out.join(format!("report-{period}.html"));
    let md = out.join(format!("report-{period}.md"));
    std::fs::write(&html, render_html(&doc))
        .with_context(|| format!("无法写入 {}", html.display()))?;
    std::fs::write(&md, render_markdown(&doc))
        .with_context(|| format!("无法写入 {}", md.display()))?;
    Ok(Written { html, md, charts })
}

fn headline(doc: &Doc) -> Vec<String> {
    let plan = doc
        .planned_exit_year
        .map(|y| format!("{y} 年计划退出的 "))
        .unwrap_or_default();
    vec![
        format!(
            "{plan}{} 个贫困县中，{} 个县 {} 项退出标准全部达标。",
            doc.counties.len(),
            doc.counties_passing,
            doc.county_criteria
        ),
        format!(
            "这些县的 {} 个建档立卡贫困村中，{} 个村 {} 项退出标准全部达标。",
            doc.villages_total, doc.villages_passing, doc.village_criteria
        ),
        match (doc.monitoring_threshold, doc.flagged) {
            (Some(t), 0) => format!(
                "疑似错退户 {} 户；人均纯收入低于 {} 元的已脱贫户（防返贫监测）{} 户。",
                doc.suspected_wrong_exits,
                number(t),
                doc.monitored
            ),
            (Some(t), flagged) => format!(
                "疑似错退户 {} 户；防返贫监测 {} 户：人均纯收入低于 {} 元的已脱贫户，及县标记的监测对象 {flagged} 户。",
                doc.suspected_wrong_exits,
                doc.monitored,
                number(t)
            ),
            (None, flagged) => format!(
                "疑似错退户 {} 户；本年没有防返贫监测线，防返贫监测 {} 户均为县标记的监测对象（{flagged} 户）。",
                doc.suspected_wrong_exits, doc.monitored
            ),
        },
    ]
}

fn symbol(s: CriterionStatus) -> &'static str {
    s.symbol()
}

/// Markdown: tables and images by relative path, readable in any viewer. Names from the database
/// (regions, criteria) are escaped: data, never markup, and one line each.
pub fn render_markdown(doc: &Doc) -> String {
    use crate::output::markdown::text as md;
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
            let _ = write!(header, " {} |", md(no));
            rule.push_str("---|");
        }
    }
    let _ = writeln!(s, "{header} 结论 |\n{rule}---|");
    for c in &doc.counties {
        let mut row = format!("| {} | {} |", md(&c.name), md(&c.code));
        for (_, status, ..) in &c.criteria {
            let _ = write!(row, " {} |", symbol(*status));
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
                md(name),
                symbol(*status),
                status.chinese()
            );
        }
        let _ = writeln!(
            s,
            "\n建档立卡贫困村 {} 个，{} 项全部达标 {} 个。疑似错退 {} 户，防返贫监测 {} 户。\n",
            c.poor_villages,
            doc.village_criteria,
            c.poor_villages_passing,
            c.suspected_wrong_exits,
            c.monitored
        );
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
            let period = f.period.to_string();
            let cells = [
                &f.place,
                &f.code,
                &f.indicator,
                &period,
                &f.bulletin,
                &f.register,
                &f.difference,
                &f.bulletin_source,
                &f.register_source,
            ];
            let cells: Vec<String> = cells.iter().map(|c| md(c).into_owned()).collect();
            let _ = writeln!(s, "| {} |", cells.join(" | "));
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(s, "逐条比对及其依据：`tuopin check facts`\n");
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

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const CSS: &str = "body{font-family:'Noto Sans CJK SC','Microsoft YaHei','PingFang SC','WenQuanYi Micro Hei',sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.6}
h1{border-bottom:3px solid #b22222;padding-bottom:.3em}h2{margin-top:2em;border-left:5px solid #b22222;padding-left:.5em}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:.3em .7em;text-align:center}th{background:#f3f3f3}
td.pass{color:#1e7b45}td.fail{color:#c0392b;font-weight:bold}td.no_data{color:#888}
img{max-width:100%;border:1px solid #eee;margin:.5em 0}.meta{color:#666}.verdict-pass{color:#1e7b45}.verdict-fail{color:#c0392b}.verdict-undetermined{color:#888}";

/// HTML: one file with inline CSS; the charts beside it.
pub fn render_html(doc: &Doc) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>脱贫攻坚退出核查报告（{p}）</title>\n<style>\n{CSS}\n</style>\n</head>\n<body>\n<h1>脱贫攻坚退出核查报告（{p}）</h1>\n<p class=\"meta\">统计期 {p} · 由 tuopin 根据各县导入的建档立卡台账和指标生成</p>\n<h2>概况</h2>\n<ul>\n",
        p = doc.period
    );
    for line in headline(doc) {
        let _ = writeln!(s, "<li>{}</li>", esc(&line));
    }
    s.push_str("</ul>\n");
    if let Some(chart) = &doc.overview_chart {
        let _ = writeln!(
            s,
            "<img src=\"{}\" alt=\"计划退出贫困县达标情况\">",
            esc(chart)
        );
    }
    s.push_str("<h2>县级退出标准</h2>\n<table>\n<tr><th>县</th><th>代码</th>");
    if let Some(first) = doc.counties.first() {
        for (name, ..) in &first.criteria {
            let _ = write!(s, "<th>{}</th>", esc(name));
        }
    }
    s.push_str("<th>结论</th></tr>\n");
    for c in &doc.counties {
        let _ = write!(s, "<tr><td>{}</td><td>{}</td>", esc(&c.name), esc(&c.code));
        for (_, status, ..) in &c.criteria {
            let _ = write!(
                s,
                "<td class=\"{}\">{}</td>",
                status.code(),
                symbol(*status)
            );
        }
        let _ = writeln!(
            s,
            "<td class=\"verdict-{}\">{}</td></tr>",
            c.verdict.code(),
            c.verdict.chinese()
        );
    }
    s.push_str("</table>\n<p class=\"meta\">✓ 达标　✗ 未达标　— 无数据</p>\n");
    for c in &doc.counties {
        let _ = writeln!(
            s,
            "<h2>{}（{}）：<span class=\"verdict-{}\">{}</span></h2>",
            esc(&c.name),
            esc(&c.code),
            c.verdict.code(),
            c.verdict.chinese()
        );
        s.push_str("<table>\n<tr><th>标准</th><th>结果</th><th>值</th><th>要求</th></tr>\n");
        for (name, status, value, rule) in &c.criteria {
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td class=\"{}\">{} {}</td><td>{}</td><td>{}</td></tr>",
                esc(name),
                status.code(),
                symbol(*status),
                status.chinese(),
                esc(value),
                esc(rule)
            );
        }
        s.push_str("</table>\n");
        let _ = writeln!(
            s,
            "<p>建档立卡贫困村 {} 个，{} 项全部达标 {} 个。疑似错退 {} 户，防返贫监测 {} 户。</p>",
            c.poor_villages,
            doc.village_criteria,
            c.poor_villages_passing,
            c.suspected_wrong_exits,
            c.monitored
        );
        if !c.villages_not_passing.is_empty() {
            s.push_str("<p>未全部达标的贫困村：</p>\n<ul>\n");
            for (name, code, items) in &c.villages_not_passing {
                let _ = writeln!(s, "<li>{}（{}）：{}</li>", esc(name), esc(code), esc(items));
            }
            s.push_str("</ul>\n");
        }
        for (title, file) in &c.charts {
            let _ = writeln!(
                s,
                "<img src=\"{}\" alt=\"{}{}\">",
                esc(file),
                esc(&c.name),
                esc(title)
            );
        }
    }
    s.push_str("<h2>快报数据与台账比对</h2>\n");
    let _ = writeln!(s, "<p>{}</p>", esc(&facts_summary(&doc.facts)));
    if !doc.facts.disagreements.is_empty() {
        s.push_str("<table>\n<tr>");
        for h in FACTS_HEADER {
            let _ = write!(s, "<th>{h}</th>");
        }
        s.push_str("</tr>\n");
        for f in &doc.facts.disagreements {
            let period = f.period.to_string();
            s.push_str("<tr>");
            for c in [
                &f.place,
                &f.code,
                &f.indicator,
                &period,
                &f.bulletin,
                &f.register,
                &f.difference,
                &f.bulletin_source,
                &f.register_source,
            ] {
                let _ = write!(s, "<td>{}</td>", esc(c));
            }
            s.push_str("</tr>\n");
        }
        s.push_str("</table>\n");
    }
    s.push_str("<p class=\"meta\">逐条比对及其依据：<code>tuopin check facts</code></p>\n");
    s.push_str("<h2>说明</h2>\n<ul>\n");
    let _ = writeln!(s, "<li>退出标准：{}</li>", esc(&doc.rules.join("；")));
    let _ = writeln!(
        s,
        "<li>逐项依据（值、统计期、来源文件和行号或快报原文）：<code>tuopin explain 区划代码 --period {}</code></li>",
        doc.period
    );
    for w in &doc.monitoring_warnings {
        let _ = writeln!(s, "<li>防返贫监测：{}</li>", esc(w));
    }
    for n in &doc.notes {
        let _ = writeln!(s, "<li>未生成的图表：{}</li>", esc(n));
    }
    s.push_str("</ul>\n</body>\n</html>\n");
    s
}
