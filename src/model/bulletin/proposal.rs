//! A proposal as stored: its review status and origin, the proposal with its issue, and the
//! queries that read them.

use std::ops::Range;

use anyhow::{bail, Result};
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::issue::citation;
use super::place::NewRegion;
use crate::model::indicator::Qualifier;
use crate::model::period::Period;

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
