//! The report as plain data: what every format of it says, built once by `report::build`.

use crate::check::{CriterionStatus, Verdict};
use crate::model::period::Period;
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
    /// Who issues it, as the bulletins' masthead names the office: 辽宁省脱贫攻坚领导小组办公室.
    pub office: String,
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

/// One disagreement, as the report lists it: the cells of `FACTS_HEADER`.
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

/// The columns of the disagreements' table.
pub const FACTS_HEADER: [&str; 9] = [
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

impl FactRow {
    /// The row's cells, in the order of `FACTS_HEADER`.
    pub fn cells(&self) -> [String; 9] {
        [
            self.place.clone(),
            self.code.clone(),
            self.indicator.clone(),
            self.period.to_string(),
            self.bulletin.clone(),
            self.register.clone(),
            self.difference.clone(),
            self.bulletin_source.clone(),
            self.register_source.clone(),
        ]
    }
}

/// The sentence that opens the section: how many facts were compared and how they came out.
pub fn facts_summary(f: &FactsSection) -> String {
    let (agree, disagree, no_data) = f.tally;
    format!(
        "已接受的快报数据中，台账或导入也给出的 {} 条：一致 {agree} 条，不一致 {disagree} 条，无数据 {no_data} 条。",
        agree + disagree + no_data
    )
}

/// Where each comparison can be read in full.
pub const FACTS_MORE: &str = "逐条比对及其依据：tuopin check facts";

/// The three sentences of the 概况 section.
pub fn headline(doc: &Doc) -> Vec<String> {
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

/// The sentence under a county's table: its poor villages and households.
pub fn county_summary(doc: &Doc, c: &CountySection) -> String {
    format!(
        "建档立卡贫困村 {} 个，{} 项全部达标 {} 个。疑似错退 {} 户，防返贫监测 {} 户。",
        c.poor_villages,
        doc.village_criteria,
        c.poor_villages_passing,
        c.suspected_wrong_exits,
        c.monitored
    )
}
