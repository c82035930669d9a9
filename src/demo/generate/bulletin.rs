//! The demo's county bulletin: a 快报 issue of one demo county (朝阳县 when it is generated) at the
//! last month, stating the county's registered households and people as its register has them,
//! and, deliberately wrong, one village's registered households: three more than its register
//! holds. `tuopin demo` adds it with `bulletin add --accept`, and `check facts` and the report find
//! the discrepancy. Marked as generated, like every demo file.

use super::households::{registered, Household};
use super::plan::County;
use super::villages::Village;
use crate::model::period::Period;

/// How many households the bulletin adds to the village's register count.
pub const DISCREPANCY: u64 = 3;

/// The text of the bulletin, or None when the county has no generated village.
pub(super) fn bulletin_text(
    county: &County,
    villages: &[Village],
    households: &[Household],
    period: Period,
) -> Option<String> {
    let (vi, village) = villages
        .iter()
        .enumerate()
        .find(|(_, v)| v.code.contains("-D"))?;
    let (all, people) = registered(households, None);
    let (in_village, _) = registered(households, Some(vi));
    let short = county.name.trim_end_matches('县');
    Some(format!(
        "脱贫攻坚快报\n\n\
         第 {issue} 期（总第 {total} 期）\n\n\
         {county}脱贫攻坚领导小组办公室\n\n\
         {year} 年 {month} 月 28 日\n\n\
         {short}县巩固脱贫攻坚成果（演示数据）\n\n\
         截至 {year} 年 {month} 月底，{county}建档立卡贫困户 {all} 户、{people} 人。\
         {township}{village}建档立卡贫困户 {stated} 户，驻村工作队逐户走访。\n\n\
         本期由 tuopin 演示生成，不是真实的快报。\n\n\
         报送：辽宁省脱贫攻坚领导小组办公室\n",
        issue = period.month() + 18,
        total = 230 + period.month(),
        county = county.name,
        year = period.year(),
        month = period.month(),
        township = village.township_name,
        village = village.name,
        stated = in_village + DISCREPANCY,
    ))
}
