//! Accepting a proposal: whether it can be as it stands (`plan`), and what it writes (`accept`):
//! the quote of its sentence, the provisional regions of a place the tables lack, and its value in
//! `indicator_value` unless the register derives the indicator or an import holds that value;
//! `withdraw_value` takes an accepted value back out.

use anyhow::Result;
use rusqlite::{params, Connection, OptionalExtension};

use super::issue::quote_id;
use super::place::NewRegion;
use super::proposal::{get, ProposalStatus, StoredProposal};
use crate::model::indicator::{self, Change, Indicator, NewValue, Source, ValueType};
use crate::model::period::Period;
use crate::model::region::{self, Level, Region};

/// What accepting a proposal did with its value.
#[derive(Debug, Clone, PartialEq)]
pub enum Stored {
    /// Written to indicator_value (inserted, or replacing another bulletin's value).
    Value(Change),
    /// The register derives this indicator: the claim stays on the proposal, for `check facts`.
    Derived,
    /// An import holds this region, indicator and month: left as it is (`check facts` compares).
    Imported { batch_id: i64, line: i64 },
}

/// What accepting one proposal came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Acceptance {
    Accepted {
        region_code: String,
        /// Regions created for it (provisional codes).
        created: Vec<String>,
        stored: Stored,
    },
    AlreadyAccepted,
    /// Why it cannot be accepted as it stands.
    Refused(String),
}

/// Where an acceptable proposal's fact goes.
#[derive(Debug, Clone)]
pub struct Plan {
    indicator: Indicator,
    period: Period,
    region: PlannedRegion,
}

#[derive(Debug, Clone)]
enum PlannedRegion {
    Existing(Region),
    /// The chain to create, outermost first, under this existing parent.
    Create {
        parent: String,
        chain: Vec<NewRegion>,
    },
}

fn level_rank(level: Level) -> usize {
    Level::ALL.iter().position(|l| *l == level).unwrap_or(0)
}

/// Whether `p` can be accepted as it stands, and where its fact would go; the reason in Chinese
/// when it cannot.
pub fn plan(conn: &Connection, p: &StoredProposal) -> Result<Result<Plan, String>> {
    let Some(period) = p.period else {
        return Ok(Err("没有统计期 (no period)".into()));
    };
    let Some(code) = &p.indicator_code else {
        return Ok(Err(format!(
            "没有指标代码（“{}”不在指标目录中）：请在审核表中填写指标代码 (no indicator code)",
            p.indicator_name
        )));
    };
    let Some(ind) = indicator::find(conn, code)? else {
        return Ok(Err(format!(
            "指标 {code:?} 不在指标目录中 (unknown indicator)"
        )));
    };
    let region = match &p.region_code {
        Some(code) => match region::find(conn, code)? {
            Some(r) => PlannedRegion::Existing(r),
            None => return Ok(Err(format!("区划代码 {code:?} 不存在 (unknown region)"))),
        },
        None => match planned_chain(conn, &p.new_regions)? {
            Ok(planned) => planned,
            Err(why) => return Ok(Err(why)),
        },
    };
    let level = match &region {
        PlannedRegion::Existing(r) => r.level,
        PlannedRegion::Create { chain, .. } => {
            chain.last().map(|r| r.level).unwrap_or(Level::Village)
        }
    };
    if !ind.applies_to(level) {
        return Ok(Err(format!(
            "指标 {}（{}）不适用于{}级 (indicator not for this level)",
            ind.code,
            ind.name,
            level.chinese()
        )));
    }
    if ind.value_type == ValueType::Boolean && p.value != 0.0 && p.value != 1.0 {
        return Ok(Err(format!("指标 {} 是是/否值，数值应为 1 或 0", ind.code)));
    }
    if !p.value.is_finite() {
        return Ok(Err("数值无效".into()));
    }
    Ok(Ok(Plan {
        indicator: ind,
        period,
        region,
    }))
}

/// The regions a proposal without region code would create, checked: only townships and villages
/// get provisional codes, under a region the table has.
fn planned_chain(conn: &Connection, chain: &[NewRegion]) -> Result<Result<PlannedRegion, String>> {
    let Some(first) = chain.first() else {
        return Ok(Err("没有地区：请在审核表中填写区划代码 (no region)".into()));
    };
    if let Some(official) = chain.iter().find(|r| r.code.is_some()) {
        return Ok(Err(format!(
            "{}（{}）不在区划表中：县级及以上区划请先用 tuopin import regions 导入，再填写区划代码 (region not in the table)",
            official.name,
            official.code.as_deref().unwrap_or("")
        )));
    }
    let Some(parent_code) = &first.parent_code else {
        return Ok(Err(format!(
            "{} 没有上级区划：请在审核表中填写区划代码 (no parent region)",
            first.name
        )));
    };
    let Some(parent) = region::find(conn, parent_code)? else {
        return Ok(Err(format!(
            "上级区划 {parent_code} 不存在 (unknown parent)"
        )));
    };
    let mut rank = level_rank(parent.level);
    for r in chain {
        rank += 1;
        if level_rank(r.level) != rank || !matches!(r.level, Level::Township | Level::Village) {
            return Ok(Err(format!(
                "{}（{}级）不能建在{}级之下 (level)",
                r.name,
                r.level.chinese(),
                Level::ALL[rank - 1].chinese()
            )));
        }
    }
    Ok(Ok(PlannedRegion::Create {
        parent: parent.code,
        chain: chain.to_vec(),
    }))
}

const EXISTING_VALUE: &str = "SELECT batch_id, line FROM indicator_value
     WHERE region_code = ?1 AND indicator_code = ?2 AND period = ?3";

const SET_ACCEPTED: &str = "UPDATE bulletin_proposal SET status = 'accepted', region_code = ?2,
        quote_id = ?3, reviewed_by = ?4, reviewed_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
     WHERE id = ?1";

/// Write a planned fact: create its regions, cite its sentence, store its value.
pub(super) fn store(
    conn: &Connection,
    p: &StoredProposal,
    plan: &Plan,
    by: &str,
) -> Result<Acceptance> {
    let quote = quote_id(conn, p.bulletin_id, &p.sentence)?;
    let mut created = Vec::new();
    let region_code = match &plan.region {
        PlannedRegion::Existing(r) => r.code.clone(),
        PlannedRegion::Create { parent, chain } => {
            let mut parent = parent.clone();
            for r in chain {
                let code = match region::find_child(conn, &parent, &r.name, r.level)? {
                    Some(found) => found.code,
                    None => {
                        let code = region::next_provisional_code(conn, &parent, r.level)?;
                        region::insert_quoted(
                            conn,
                            &Region {
                                code: code.clone(),
                                name: r.name.clone(),
                                level: r.level,
                                parent_code: Some(parent.clone()),
                                poverty_registered: None,
                                planned_exit_year: None,
                                code_official: false,
                            },
                            quote,
                        )?;
                        created.push(code.clone());
                        code
                    }
                };
                parent = code;
            }
            parent
        }
    };
    let stored = if plan.indicator.derived {
        Stored::Derived
    } else {
        let existing: Option<(Option<i64>, Option<i64>)> = conn
            .prepare_cached(EXISTING_VALUE)?
            .query_row(
                params![region_code, plan.indicator.code, plan.period],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        match existing {
            Some((Some(batch_id), line)) => Stored::Imported {
                batch_id,
                line: line.unwrap_or(0),
            },
            _ => Stored::Value(indicator::put_value(
                conn,
                &NewValue {
                    region_code: &region_code,
                    indicator_code: &plan.indicator.code,
                    period: plan.period,
                    value: p.value,
                    qualifier: p.qualifier,
                    note: p.note.as_deref(),
                    source: Source::Quote(quote),
                },
            )?),
        }
    };
    conn.prepare_cached(SET_ACCEPTED)?
        .execute(params![p.id, region_code, quote, by])?;
    Ok(Acceptance::Accepted {
        region_code,
        created,
        stored,
    })
}

/// Accept one proposal, if it can be as it stands.
pub fn accept(conn: &Connection, id: i64, by: &str) -> Result<Acceptance> {
    let p = get(conn, id)?;
    if p.status == ProposalStatus::Accepted {
        return Ok(Acceptance::AlreadyAccepted);
    }
    match plan(conn, &p)? {
        Ok(plan) => store(conn, &p, &plan, by),
        Err(why) => Ok(Acceptance::Refused(why)),
    }
}

/// Take an accepted proposal's value out of indicator_value (kept in history), if it is still
/// the one it wrote.
pub fn withdraw_value(conn: &Connection, p: &StoredProposal) -> Result<()> {
    let (Some(region), Some(ind), Some(period), Some(quote)) =
        (&p.region_code, &p.indicator_code, p.period, p.quote_id)
    else {
        return Ok(());
    };
    conn.prepare_cached(
        "DELETE FROM indicator_value WHERE region_code = ?1 AND indicator_code = ?2
             AND period = ?3 AND quote_id = ?4 AND value = ?5",
    )?
    .execute(params![region, ind, period, quote, p.value])?;
    Ok(())
}
