//! One row of a review file read and checked: which proposal it names (by id, or by issue, figure
//! and passage), its corrected fields, its status, and whether it could be accepted as corrected.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use anyhow::Result;
use rusqlite::Connection;

use crate::import::contract::{review as col, REVIEW};
use crate::import::header::Header;
use crate::import::problem::LineError;
use crate::model::bulletin::review::{self, Correction, Origin, StoredProposal};
use crate::model::bulletin::{ProposalFilter, ProposalStatus};
use crate::model::cell::{parse_integer, parse_number};
use crate::model::indicator::{self, Qualifier};
use crate::model::region;

use super::cells::{parse_period, unquote};
use crate::output::privacy::redact_ids;

/// The proposal a row is about.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Proposal(i64),
    /// A fact the reviewer adds from the passage at `span` of the issue's text.
    Add {
        bulletin_id: i64,
        span: Range<usize>,
    },
}

/// One valid row of a review file.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewRow {
    pub line: u64,
    pub target: Target,
    pub correction: Correction,
    pub status: Option<ProposalStatus>,
}

pub(super) struct Reader<'a> {
    conn: &'a Connection,
    file: &'a str,
    header: Header,
    pub(super) errors: Vec<LineError>,
    /// 期号 → (bulletin id, text) of the issues with that number.
    issues: HashMap<i64, Vec<(i64, Option<String>)>>,
    /// bulletin id → its proposals.
    proposals: HashMap<i64, Vec<StoredProposal>>,
    /// Proposals a row already names: a second row naming the same one is an error (or, found by
    /// passage, the next of two equal figures).
    claimed: HashSet<i64>,
}

impl<'a> Reader<'a> {
    pub(super) fn new(conn: &'a Connection, file: &'a str, header: Header) -> Reader<'a> {
        Reader {
            conn,
            file,
            header,
            errors: Vec::new(),
            issues: HashMap::new(),
            proposals: HashMap::new(),
            claimed: HashSet::new(),
        }
    }

    /// Whether the file has the column.
    pub(super) fn has(&self, c: usize) -> bool {
        self.header.index[c].is_some()
    }

    pub(super) fn add(&mut self, line: u64, column: Option<&str>, message: impl Into<String>) {
        let message = message.into();
        self.errors.push(LineError::new(
            self.file,
            line,
            column,
            redact_ids(&message),
        ));
    }

    fn cell<'r>(&self, record: &'r csv::StringRecord, c: usize) -> &'r str {
        unquote(self.header.cell(record, c))
    }

    fn name(&self, c: usize) -> String {
        self.header.name(c).to_string()
    }

    fn issues_numbered(&mut self, no: i64) -> Result<&Vec<(i64, Option<String>)>> {
        if !self.issues.contains_key(&no) {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT id, text FROM bulletin WHERE issue_no = ?1 ORDER BY id")?;
            let found = stmt
                .query_map([no], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            self.issues.insert(no, found);
        }
        Ok(&self.issues[&no])
    }

    fn proposals_of(&mut self, bulletin_id: i64) -> Result<&Vec<StoredProposal>> {
        if !self.proposals.contains_key(&bulletin_id) {
            let found = review::list(
                self.conn,
                &ProposalFilter {
                    bulletin_id: Some(bulletin_id),
                    ..ProposalFilter::default()
                },
            )?;
            self.proposals.insert(bulletin_id, found);
        }
        Ok(&self.proposals[&bulletin_id])
    }

    /// One row: its target and correction, or None with its problems recorded.
    pub(super) fn row(
        &mut self,
        line: u64,
        record: &csv::StringRecord,
    ) -> Result<Option<ReviewRow>> {
        let id_cell = self.cell(record, col::ID).to_string();
        let issue_cell = self.cell(record, col::ISSUE).to_string();
        let passage = self.cell(record, col::SENTENCE).to_string();
        let figure = self.cell(record, col::FIGURE).to_string();
        let issue_no = if issue_cell.is_empty() {
            None
        } else {
            match parse_integer(issue_cell.trim_start_matches('第').trim_end_matches('期')) {
                Some(n) => Some(n),
                None => {
                    self.add(
                        line,
                        Some(&self.name(col::ISSUE)),
                        format!("期号 {issue_cell:?} 不是整数"),
                    );
                    return Ok(None);
                }
            }
        };
        // The proposal the row names (or the passage of a fact to add), and its text.
        let (target, existing, text) = if !id_cell.is_empty() {
            let Some(id) = parse_integer(&id_cell) else {
                self.add(
                    line,
                    Some(&self.name(col::ID)),
                    format!("编号 {id_cell:?} 不是整数"),
                );
                return Ok(None);
            };
            let Some(p) = review::find(self.conn, id)? else {
                self.add(
                    line,
                    Some(&self.name(col::ID)),
                    format!("没有编号为 {id} 的快报数据"),
                );
                return Ok(None);
            };
            if !self.claimed.insert(id) {
                self.add(
                    line,
                    Some(&self.name(col::ID)),
                    format!("编号 {id} 在本文件中出现了不止一次"),
                );
                return Ok(None);
            }
            if let Some(no) = issue_no {
                if p.issue_no != Some(no) {
                    self.add(
                        line,
                        Some(&self.name(col::ISSUE)),
                        format!(
                            "编号 {id} 是{}的数据，不是第 {no} 期的；这份审核表是否来自另一个数据库？",
                            p.citation()
                        ),
                    );
                    return Ok(None);
                }
            }
            let text = crate::model::bulletin::text(self.conn, p.bulletin_id)?;
            (Target::Proposal(id), Some(p), text)
        } else {
            let Some(no) = issue_no else {
                self.add(
                    line,
                    Some(&self.name(col::ISSUE)),
                    "没有编号时，期号必填 (issue number required without id)",
                );
                return Ok(None);
            };
            if passage.is_empty() {
                self.add(
                    line,
                    Some(&self.name(col::SENTENCE)),
                    "没有编号时，原句必填 (sentence required without id)",
                );
                return Ok(None);
            }
            let issues = self.issues_numbered(no)?.clone();
            let (bulletin_id, text) = match &issues[..] {
                [] => {
                    self.add(
                        line,
                        Some(&self.name(col::ISSUE)),
                        format!("数据库中没有第 {no} 期"),
                    );
                    return Ok(None);
                }
                [one] => one.clone(),
                _ => {
                    self.add(
                        line,
                        Some(&self.name(col::ISSUE)),
                        format!("第 {no} 期不止一期（不同年份或单位），请填写编号"),
                    );
                    return Ok(None);
                }
            };
            let Some(body) = text.clone() else {
                self.add(
                    line,
                    Some(&self.name(col::ISSUE)),
                    format!("第 {no} 期没有存储原文，请填写编号"),
                );
                return Ok(None);
            };
            let occurrences: Vec<usize> = body
                .match_indices(passage.as_str())
                .map(|(i, _)| i)
                .collect();
            if occurrences.is_empty() {
                self.add(
                    line,
                    Some(&self.name(col::SENTENCE)),
                    format!("原文在第 {no} 期中找不到：{passage}"),
                );
                return Ok(None);
            }
            if figure.is_empty() {
                let at = occurrences[0];
                (
                    Target::Add {
                        bulletin_id,
                        span: at..at + passage.len(),
                    },
                    None,
                    text,
                )
            } else {
                let claimed = self.claimed.clone();
                let found = self
                    .proposals_of(bulletin_id)?
                    .iter()
                    .find(|p| {
                        !claimed.contains(&p.id)
                            && p.figure.as_deref() == Some(figure.as_str())
                            && p.figure_span.as_ref().is_some_and(|f| {
                                occurrences
                                    .iter()
                                    .any(|&at| at <= f.start && f.end <= at + passage.len())
                            })
                    })
                    .cloned();
                let Some(p) = found else {
                    self.add(
                        line,
                        Some(&self.name(col::FIGURE)),
                        format!("第 {no} 期的这段原文中没有待认领的数字 {figure:?}：{passage}"),
                    );
                    return Ok(None);
                };
                self.claimed.insert(p.id);
                (Target::Proposal(p.id), Some(p), text)
            }
        };
        // The passage cited: the row's (it must hold the figure), else the proposal's sentence.
        let cited = match (&existing, &text) {
            (_, _) if passage.is_empty() => None,
            (Some(p), _) if p.sentence == passage => None,
            (Some(p), Some(body)) => {
                let holds = |at: usize| match &p.figure_span {
                    Some(f) => at <= f.start && f.end <= at + passage.len(),
                    None => true,
                };
                match body
                    .match_indices(passage.as_str())
                    .map(|(i, _)| i)
                    .find(|&i| holds(i))
                {
                    Some(at) => Some((at..at + passage.len(), passage.clone())),
                    None => {
                        self.add(
                            line,
                            Some(&self.name(col::SENTENCE)),
                            format!("原句须是期文中含该数字的一段原文，找不到：{passage}"),
                        );
                        return Ok(None);
                    }
                }
            }
            (Some(_), None) => {
                self.add(
                    line,
                    Some(&self.name(col::SENTENCE)),
                    "这一期没有存储原文，原句不能修改",
                );
                return Ok(None);
            }
            (None, _) => match &target {
                Target::Add { span, .. } => Some((span.clone(), passage.clone())),
                Target::Proposal(_) => None,
            },
        };
        let correction = self.fields(line, record, existing.as_ref(), cited)?;
        let status_cell = self.cell(record, col::STATUS).to_string();
        let status = if status_cell.is_empty() {
            None
        } else {
            match ProposalStatus::from_code(&status_cell) {
                Some(s) => Some(s),
                None => {
                    self.add(
                        line,
                        Some(&self.name(col::STATUS)),
                        format!("审核状态 {status_cell:?} 无效；应为 待审核、已接受、已拒绝（proposed、accepted、rejected）"),
                    );
                    return Ok(None);
                }
            }
        };
        let Some(correction) = correction else {
            return Ok(None);
        };
        // A row that ends accepted must be acceptable as corrected.
        let final_status = status.or(existing.as_ref().map(|p| p.status));
        if final_status == Some(ProposalStatus::Accepted) {
            let candidate = candidate(existing.as_ref(), &target, &correction);
            if let Err(why) = review::plan(self.conn, &candidate)? {
                self.add(
                    line,
                    Some(&self.name(col::STATUS)),
                    format!("无法接受：{why}"),
                );
                return Ok(None);
            }
        }
        Ok(Some(ReviewRow {
            line,
            target,
            correction,
            status,
        }))
    }

    /// The editable cells of a row, checked.
    fn fields(
        &mut self,
        line: u64,
        record: &csv::StringRecord,
        existing: Option<&StoredProposal>,
        passage: Option<(Range<usize>, String)>,
    ) -> Result<Option<Correction>> {
        let before = self.errors.len();
        let cells: Vec<String> = (0..REVIEW.len())
            .map(|c| self.cell(record, c).to_string())
            .collect();
        let text = |c: usize| Some(cells[c].clone()).filter(|t| !t.is_empty());
        // A column the file does not have keeps the proposal's field; an empty cell empties it.
        let present: Vec<bool> = (0..REVIEW.len())
            .map(|c| self.header.index[c].is_some())
            .collect();
        let kept = |c: usize| !present[c] && existing.is_some();
        let indicator_cell = if kept(col::INDICATOR) {
            existing.and_then(|p| p.indicator_code.clone())
        } else {
            text(col::INDICATOR)
        };
        let indicator_code = match indicator_cell {
            None => None,
            Some(code) => match indicator::find(self.conn, &code)? {
                Some(ind) => Some(ind),
                None => {
                    self.add(
                        line,
                        Some(&self.name(col::INDICATOR)),
                        format!("指标 {code:?} 不在指标目录中"),
                    );
                    None
                }
            },
        };
        let raw_value = cells[col::VALUE].clone();
        let value = if raw_value.is_empty() {
            self.add(line, Some(&self.name(col::VALUE)), "必填项为空");
            None
        } else {
            let parsed = match &indicator_code {
                Some(ind) => ind.value_type.parse(&raw_value),
                None => parse_number(&raw_value).ok_or_else(|| format!("{raw_value:?} 不是数字")),
            };
            match parsed {
                Ok(v) => Some(v),
                Err(e) => {
                    self.add(line, Some(&self.name(col::VALUE)), e);
                    None
                }
            }
        };
        let high = match text(col::HIGH) {
            None => None,
            Some(h) => match parse_number(&h) {
                Some(v) => Some(v),
                None => {
                    self.add(line, Some(&self.name(col::HIGH)), format!("{h:?} 不是数字"));
                    None
                }
            },
        };
        let qualifier = match Qualifier::from_text(&cells[col::QUALIFIER], high) {
            _ if kept(col::QUALIFIER) && kept(col::HIGH) => existing.map(|p| p.qualifier),
            Ok(q) => Some(q),
            Err(e) => {
                self.add(
                    line,
                    Some(&self.name(col::QUALIFIER)),
                    format!("{e}；应为 exact、at_least、about、at_most、range（区间须填上限）"),
                );
                None
            }
        };
        if let (Some(Qualifier::Range(h)), Some(v)) = (qualifier, value) {
            if h < v {
                self.add(
                    line,
                    Some(&self.name(col::HIGH)),
                    format!("上限 {h} 小于数值 {v}"),
                );
            }
        }
        let region_cell = if kept(col::REGION) {
            existing.and_then(|p| p.region_code.clone())
        } else {
            text(col::REGION)
        };
        let region_code = match region_cell {
            None => None,
            Some(code) => {
                if region::find(self.conn, &code)?.is_none() {
                    self.add(
                        line,
                        Some(&self.name(col::REGION)),
                        format!("区划代码 {code:?} 不存在"),
                    );
                }
                Some(code)
            }
        };
        let period_cell = if kept(col::PERIOD) {
            existing.and_then(|p| p.period.map(|x| x.to_string()))
        } else {
            text(col::PERIOD)
        };
        let period = match period_cell {
            None => None,
            Some(p) => match parse_period(&p) {
                Ok(p) => Some(p),
                Err(e) => {
                    self.add(line, Some(&self.name(col::PERIOD)), e);
                    None
                }
            },
        };
        let unit = text(col::UNIT)
            .or_else(|| existing.map(|p| p.unit.clone()))
            .or_else(|| indicator_code.as_ref().map(|i| i.unit.clone()))
            .unwrap_or_default();
        if self.errors.len() > before {
            return Ok(None);
        }
        let (Some(value), Some(qualifier)) = (value, qualifier) else {
            return Ok(None);
        };
        Ok(Some(Correction {
            value,
            qualifier,
            unit,
            place: if kept(col::PLACE) {
                existing.and_then(|p| p.place.clone())
            } else {
                text(col::PLACE)
            },
            region_code,
            indicator_code: indicator_code.map(|i| i.code),
            period,
            note: if kept(col::NOTE) {
                existing.and_then(|p| p.note.clone())
            } else {
                text(col::NOTE)
            },
            passage,
        }))
    }
}

/// The proposal as the row would leave it, for the acceptability check.
fn candidate(existing: Option<&StoredProposal>, target: &Target, c: &Correction) -> StoredProposal {
    let mut p = match existing {
        Some(p) => p.clone(),
        None => StoredProposal {
            id: 0,
            bulletin_id: match target {
                Target::Add { bulletin_id, .. } => *bulletin_id,
                Target::Proposal(_) => 0,
            },
            seq: 0,
            status: ProposalStatus::Proposed,
            origin: Origin::Reviewer,
            figure: None,
            figure_span: None,
            sentence: String::new(),
            sentence_span: None,
            value: 0.0,
            qualifier: Qualifier::Exact,
            unit: String::new(),
            place: None,
            region_code: None,
            new_regions: Vec::new(),
            indicator_code: None,
            indicator_name: String::new(),
            period: None,
            note: None,
            quote_id: None,
            issue_no: None,
            total_no: None,
            date: String::new(),
            publisher: String::new(),
        },
    };
    p.value = c.value;
    p.qualifier = c.qualifier;
    p.unit = c.unit.clone();
    p.place = c.place.clone();
    if c.region_code.is_some() {
        p.new_regions.clear();
    }
    p.region_code = c.region_code.clone();
    p.indicator_code = c.indicator_code.clone();
    p.period = c.period;
    p.note = c.note.clone();
    p
}
