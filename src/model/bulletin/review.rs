//! The review of proposed figures: reading them, correcting them (value, unit, qualifier, place
//! and region, indicator, period, note, the passage cited), accepting and rejecting them.
//!
//! Accepting a proposal makes it a fact: it cites its sentence (a `bulletin_quote`), a township or
//! village the tables lack is created under its parent with a provisional code (`code_official` =
//! 0, like `210922-T01-V01`), and the value goes into `indicator_value` with the quote as its
//! source, unless the register derives the indicator (the claim is kept on the proposal, for
//! `check facts`) or an import already holds that region, indicator and month (an import is not
//! overwritten by a bulletin; `check facts` compares the two). Rejecting an accepted proposal
//! takes its value back out. Every change of a proposal is kept in history by the triggers.

use std::ops::Range;

use anyhow::{bail, Result};
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::issue::{citation, quote_id};
use super::place::NewRegion;
use crate::model::indicator::{self, Change, Indicator, NewValue, Qualifier, Source, ValueType};
use crate::model::period::Period;
use crate::model::region::{self, Level, Region};

/// Where a proposal stands in the review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProposalStatus {
    Proposed,
    Accepted,
    Rejected,
}

impl ProposalStatus {
    pub fn code(self) -> &'static str {
        match self {
            ProposalStatus::Proposed => "proposed",
            ProposalStatus::Accepted => "accepted",
            ProposalStatus::Rejected => "rejected",
        }
    }

    pub fn chinese(self) -> &'static str {
        match self {
            ProposalStatus::Proposed => "待审核",
            ProposalStatus::Accepted => "已接受",
            ProposalStatus::Rejected => "已拒绝",
        }
    }

    /// The code or the Chinese name (接受/拒绝 too, as a reviewer may write them).
    pub fn from_code(text: &str) -> Option<ProposalStatus> {
        Some(match text.trim().to_ascii_lowercase().as_str() {
            "proposed" | "待审核" | "待审" => ProposalStatus::Proposed,
            "accepted" | "已接受" | "接受" => ProposalStatus::Accepted,
            "rejected" | "已拒绝" | "拒绝" => ProposalStatus::Rejected,
            _ => return None,
        })
    }
}

crate::model::stored_as_code!(ProposalStatus, "审核状态");

/// How a proposal came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Proposed by `bulletin add`.
    Extracted,
    /// Added by a reviewer from its sentence (a figure the extractor missed, or a statement such
    /// as 整村脱贫 that is a fact without a number).
    Reviewer,
    /// A fact stored before migration 4.
    Migrated,
}

impl Origin {
    pub fn code(self) -> &'static str {
        match self {
            Origin::Extracted => "extracted",
            Origin::Reviewer => "reviewer",
            Origin::Migrated => "migrated",
        }
    }

    pub fn chinese(self) -> &'static str {
        match self {
            Origin::Extracted => "提取",
            Origin::Reviewer => "审核添加",
            Origin::Migrated => "迁移",
        }
    }

    pub fn from_code(code: &str) -> Option<Origin> {
        Some(match code {
            "extracted" => Origin::Extracted,
            "reviewer" => Origin::Reviewer,
            "migrated" => Origin::Migrated,
            _ => return None,
        })
    }
}

crate::model::stored_as_code!(Origin, "来源");

/// A stored proposal with the issue it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredProposal {
    pub id: i64,
    pub bulletin_id: i64,
    pub seq: i64,
    pub status: ProposalStatus,
    pub origin: Origin,
    pub figure: Option<String>,
    pub figure_span: Option<Range<usize>>,
    /// Verbatim from the issue's text: the sentence, or the passage of it the review kept.
    pub sentence: String,
    pub sentence_span: Option<Range<usize>>,
    pub value: f64,
    pub qualifier: Qualifier,
    pub unit: String,
    pub place: Option<String>,
    pub region_code: Option<String>,
    pub new_regions: Vec<NewRegion>,
    pub indicator_code: Option<String>,
    pub indicator_name: String,
    pub period: Option<Period>,
    pub note: Option<String>,
    pub quote_id: Option<i64>,
    pub issue_no: Option<i64>,
    pub total_no: Option<i64>,
    pub date: String,
    pub publisher: String,
}

impl StoredProposal {
    /// The issue as users cite it: 第25期（总第213期，2019-03-27）.
    pub fn citation(&self) -> String {
        citation(self.issue_no, self.total_no, &self.date, &self.publisher)
    }

    /// What acceptance would create for its place, as a reviewer reads it: 三家子村（村，新建于
    /// 210922-T01 下）.
    pub fn new_region_text(&self) -> Option<String> {
        let last = self.new_regions.last()?;
        Some(match &last.code {
            Some(code) => format!(
                "{}（{code}，{}级，不在区划表中）",
                last.name,
                last.level.chinese()
            ),
            None => {
                let parent = self
                    .new_regions
                    .iter()
                    .rev()
                    .find_map(|r| r.parent_code.clone())
                    .unwrap_or_else(|| "?".into());
                format!(
                    "{}（{}级，接受时在 {parent} 下新建临时代码）",
                    last.name,
                    last.level.chinese()
                )
            }
        })
    }
}

const SELECT_PROPOSAL: &str = "SELECT p.id, p.bulletin_id, p.seq, p.status, p.origin, p.figure,
            p.figure_start, p.figure_end, p.sentence, p.sentence_start, p.sentence_end, p.value,
            p.qualifier, p.value_high, p.unit, p.place, p.region_code, p.new_regions,
            p.indicator_code, p.indicator_name, p.period, p.note, p.quote_id,
            b.issue_no, b.total_no, b.date, b.publisher
     FROM bulletin_proposal p JOIN bulletin b ON b.id = p.bulletin_id";

fn span(r: &Row, start: usize) -> rusqlite::Result<Option<Range<usize>>> {
    let s: Option<i64> = r.get(start)?;
    let e: Option<i64> = r.get(start + 1)?;
    Ok(s.zip(e).map(|(s, e)| s as usize..e as usize))
}

fn from_row(r: &Row) -> rusqlite::Result<StoredProposal> {
    let qualifier: String = r.get(12)?;
    let new_regions: Option<String> = r.get(17)?;
    Ok(StoredProposal {
        id: r.get(0)?,
        bulletin_id: r.get(1)?,
        seq: r.get(2)?,
        status: r.get(3)?,
        origin: r.get(4)?,
        figure: r.get(5)?,
        figure_span: span(r, 6)?,
        sentence: r.get(8)?,
        sentence_span: span(r, 9)?,
        value: r.get(11)?,
        qualifier: Qualifier::stored(&qualifier, r.get(13)?),
        unit: r.get(14)?,
        place: r.get(15)?,
        region_code: r.get(16)?,
        new_regions: new_regions
            .and_then(|j| serde_json::from_str(&j).ok())
            .unwrap_or_default(),
        indicator_code: r.get(18)?,
        indicator_name: r.get(19)?,
        period: r.get(20)?,
        note: r.get(21)?,
        quote_id: r.get(22)?,
        issue_no: r.get(23)?,
        total_no: r.get(24)?,
        date: r.get(25)?,
        publisher: r.get(26)?,
    })
}

/// One proposal by id.
pub fn find(conn: &Connection, id: i64) -> Result<Option<StoredProposal>> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT_PROPOSAL} WHERE p.id = ?1"))?;
    Ok(stmt.query_row([id], from_row).optional()?)
}

/// One proposal by id, or an error naming the id.
pub fn get(conn: &Connection, id: i64) -> Result<StoredProposal> {
    match find(conn, id)? {
        Some(p) => Ok(p),
        None => bail!("没有编号为 {id} 的快报数据 (no such proposal)"),
    }
}

/// Which proposals to list.
#[derive(Debug, Clone, Default)]
pub struct ProposalFilter {
    /// None: every status.
    pub status: Option<ProposalStatus>,
    /// Only this region and the regions under it (a proposal without region is left out).
    pub region: Option<String>,
    /// Only the proposals of this issue.
    pub bulletin_id: Option<i64>,
}

// ?2: the region and everything under it.
const LIST_PROPOSALS: &str = "WITH RECURSIVE under(code) AS (
        SELECT ?2 WHERE ?2 IS NOT NULL
        UNION ALL SELECT r.code FROM region r JOIN under u ON r.parent_code = u.code)
     {SELECT}
     WHERE (?1 IS NULL OR p.status = ?1)
       AND (?2 IS NULL OR p.region_code IN (SELECT code FROM under))
       AND (?3 IS NULL OR p.bulletin_id = ?3)
     ORDER BY b.date, b.total_no, b.id, coalesce(p.figure_start, p.sentence_start), p.seq, p.id";

/// The proposals that pass `filter`, in reading order, issue by issue.
pub fn list(conn: &Connection, filter: &ProposalFilter) -> Result<Vec<StoredProposal>> {
    let sql = LIST_PROPOSALS.replace("{SELECT}", SELECT_PROPOSAL);
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        params![filter.status, filter.region, filter.bulletin_id],
        from_row,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The review's version of a proposal's fields: what `facts import` read from an edited row.
#[derive(Debug, Clone, PartialEq)]
pub struct Correction {
    pub value: f64,
    pub qualifier: Qualifier,
    pub unit: String,
    pub place: Option<String>,
    /// A code of the region table; None: no region, or the place to be created if there is one.
    pub region_code: Option<String>,
    pub indicator_code: Option<String>,
    pub period: Option<Period>,
    pub note: Option<String>,
    /// A narrower passage of the sentence to cite, as a byte range of the issue's text.
    pub passage: Option<(Range<usize>, String)>,
}

const UPDATE_FIELDS: &str =
    "UPDATE bulletin_proposal SET value = ?2, qualifier = ?3, value_high = ?4,
        unit = ?5, place = ?6, region_code = ?7, new_regions = ?8, indicator_code = ?9,
        indicator_name = ?10, period = ?11, note = ?12, sentence = ?13, sentence_start = ?14,
        sentence_end = ?15, reviewed_by = ?16, reviewed_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
     WHERE id = ?1";

/// Apply a correction to a proposal. An accepted one is accepted again with the corrected fields
/// (its old value taken out first); the caller has checked that it can be. Whether anything
/// changed.
pub fn correct(conn: &Connection, id: i64, c: &Correction, by: &str) -> Result<bool> {
    let old = get(conn, id)?;
    let mut new_regions = old.new_regions.clone();
    if c.region_code.is_some() {
        new_regions.clear();
    } else if let (Some(last), Some(place)) = (new_regions.last_mut(), &c.place) {
        // A place to be created is created by the name the review gives it.
        if last.code.is_none() {
            last.name = place.clone();
        }
    }
    let region_code = c.region_code.clone();
    let indicator_name = match &c.indicator_code {
        Some(code) if old.indicator_code.as_deref() != Some(code) => indicator::find(conn, code)?
            .map(|i| i.name)
            .unwrap_or_else(|| old.indicator_name.clone()),
        _ => old.indicator_name.clone(),
    };
    let (sentence, sentence_span) = match &c.passage {
        Some((span, text)) => (text.clone(), Some(span.clone())),
        None => (old.sentence.clone(), old.sentence_span.clone()),
    };
    let unchanged = c.value == old.value
        && c.qualifier == old.qualifier
        && c.unit == old.unit
        && c.place == old.place
        && region_code == old.region_code
        && new_regions == old.new_regions
        && c.indicator_code == old.indicator_code
        && c.period == old.period
        && c.note == old.note
        && sentence == old.sentence;
    if unchanged {
        return Ok(false);
    }
    let was_accepted = old.status == ProposalStatus::Accepted;
    if was_accepted {
        withdraw_value(conn, &old)?;
    }
    let new_regions_json = if new_regions.is_empty() {
        None
    } else {
        Some(serde_json::to_string(&new_regions)?)
    };
    conn.prepare_cached(UPDATE_FIELDS)?.execute(params![
        id,
        c.value,
        c.qualifier.code(),
        c.qualifier.high(),
        c.unit,
        c.place,
        region_code,
        new_regions_json,
        c.indicator_code,
        indicator_name,
        c.period,
        c.note,
        sentence,
        sentence_span.as_ref().map(|s| s.start as i64),
        sentence_span.as_ref().map(|s| s.end as i64),
        by,
    ])?;
    if was_accepted {
        // Accepted again with its new fields; its status stays accepted.
        let p = get(conn, id)?;
        let plan = match plan(conn, &p)? {
            Ok(plan) => plan,
            Err(why) => bail!("编号 {id}：更正后无法接受：{why}"),
        };
        store(conn, &p, &plan, by)?;
    }
    Ok(true)
}

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
fn store(conn: &Connection, p: &StoredProposal, plan: &Plan, by: &str) -> Result<Acceptance> {
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

/// Reject one proposal; an accepted one's value is taken back out. Whether anything changed.
pub fn reject(conn: &Connection, id: i64, by: &str) -> Result<bool> {
    let p = get(conn, id)?;
    if p.status == ProposalStatus::Rejected {
        return Ok(false);
    }
    if p.status == ProposalStatus::Accepted {
        withdraw_value(conn, &p)?;
    }
    conn.prepare_cached(
        "UPDATE bulletin_proposal SET status = 'rejected', reviewed_by = ?2,
                reviewed_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
         WHERE id = ?1",
    )?
    .execute(params![id, by])?;
    Ok(true)
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

const INSERT_REVIEWED: &str = "INSERT INTO bulletin_proposal
        (bulletin_id, seq, origin, sentence, sentence_start, sentence_end, value, qualifier,
         value_high, unit, place, region_code, indicator_code, indicator_name, period, note,
         reviewed_by, reviewed_at)
     VALUES (?1, (SELECT coalesce(max(seq), 0) + 1 FROM bulletin_proposal WHERE bulletin_id = ?1),
             'reviewer', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
             strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))";

/// Add a fact the extractor did not propose, from a verbatim passage of the issue (at `span` of
/// its text), with the reviewer's fields. Returns its id (待审核 until accepted).
pub fn add_reviewed(
    conn: &Connection,
    bulletin_id: i64,
    span: Range<usize>,
    c: &Correction,
    by: &str,
) -> Result<i64> {
    let Some((_, passage)) = &c.passage else {
        bail!("审核添加的数据需要原文");
    };
    let indicator_name = match &c.indicator_code {
        Some(code) => indicator::find(conn, code)?
            .map(|i| i.name)
            .unwrap_or_else(|| code.clone()),
        None => String::new(),
    };
    conn.prepare_cached(INSERT_REVIEWED)?.execute(params![
        bulletin_id,
        passage,
        span.start as i64,
        span.end as i64,
        c.value,
        c.qualifier.code(),
        c.qualifier.high(),
        c.unit,
        c.place,
        c.region_code,
        c.indicator_code,
        indicator_name,
        c.period,
        c.note,
        by,
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Put a reviewed proposal back to 待审核 (an accepted one's value taken back out). Whether
/// anything changed.
pub fn reopen(conn: &Connection, id: i64, by: &str) -> Result<bool> {
    let p = get(conn, id)?;
    if p.status == ProposalStatus::Proposed {
        return Ok(false);
    }
    if p.status == ProposalStatus::Accepted {
        withdraw_value(conn, &p)?;
    }
    conn.prepare_cached(
        "UPDATE bulletin_proposal SET status = 'proposed', reviewed_by = ?2,
                reviewed_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
         WHERE id = ?1",
    )?
    .execute(params![id, by])?;
    Ok(true)
}

/// Reject every proposal of an issue still 待审核 (the seed's review is complete: what
/// `data/facts.csv` does not accept is rejected). How many.
pub fn reject_pending(conn: &Connection, bulletin_id: i64, by: &str) -> Result<usize> {
    Ok(conn
        .prepare_cached(
            "UPDATE bulletin_proposal SET status = 'rejected', reviewed_by = ?2,
                    reviewed_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
             WHERE bulletin_id = ?1 AND status = 'proposed'",
        )?
        .execute(params![bulletin_id, by])?)
}
