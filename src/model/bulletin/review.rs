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
use rusqlite::{params, Connection};

use super::accept::store;
use crate::model::indicator::{self, Qualifier};
use crate::model::period::Period;

pub use super::accept::{accept, plan, withdraw_value, Acceptance, Plan, Stored};
pub use super::proposal::{
    find, get, list, Origin, ProposalFilter, ProposalStatus, StoredProposal,
};

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
    /// A narrower passage of the sentence to cite, as a byte range of the text.
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
