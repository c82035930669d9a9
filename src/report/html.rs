//! The report as one HTML file: inline CSS, no scripts, no external fonts; the charts beside it,
//! by relative path.

use std::fmt::Write as _;

use super::doc::{county_summary, facts_summary, headline, Doc, FACTS_HEADER, FACTS_MORE};

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
pub fn render(doc: &Doc) -> String {
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
                status.symbol()
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
                status.symbol(),
                status.chinese(),
                esc(value),
                esc(rule)
            );
        }
        s.push_str("</table>\n");
        let _ = writeln!(s, "<p>{}</p>", esc(&county_summary(doc, c)));
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
            s.push_str("<tr>");
            for c in f.cells() {
                let _ = write!(s, "<td>{}</td>", esc(&c));
            }
            s.push_str("</tr>\n");
        }
        s.push_str("</table>\n");
    }
    let _ = writeln!(
        s,
        "<p class=\"meta\">{}</p>",
        esc(FACTS_MORE).replace("tuopin check facts", "<code>tuopin check facts</code>")
    );
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
