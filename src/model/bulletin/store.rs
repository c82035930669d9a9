//! Keeping an issue: its text whole, its articles and the figures proposed from it (待审核).
//!
//! An issue is found again by its key (`issue_key`): the same text again changes nothing; a
//! different text of the same issue (a corrected copy) replaces the stored one, the old text kept
//! in history by the triggers, as a corrected county file replaces its rows. The review survives a
//! correction where it still applies: a proposal whose sentence and figure are still in the new
//! text keeps its id, status and corrections; one whose sentence is gone is withdrawn (its fact,
//! if accepted, with it) and reported.

use std::ops::Range;

use anyhow::{anyhow, Result};
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use super::accept::withdraw_value;
use super::issue::{issue_key, text as stored_text};
use super::place::NewRegion;
use super::proposal::{self, Origin, ProposalStatus};
use crate::model::indicator::Qualifier;
use crate::model::period::Period;

/// An issue to store, as the extractor read it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewIssue {
    pub issue_no: Option<i64>,
    pub total_no: Option<i64>,
    /// YYYY-MM-DD
    pub date: String,
    pub office: String,
    /// The titles of its articles joined by "；".
    pub title: String,
    /// The text as stored and quoted; every range below is a byte range of it.
    pub text: String,
    pub articles: Vec<NewArticle>,
    pub proposals: Vec<NewProposal>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewArticle {
    pub title: Option<String>,
    pub span: Range<usize>,
}

/// A figure proposed as a fact.
#[derive(Debug, Clone, PartialEq)]
pub struct NewProposal {
    /// The figure as printed (200 余人).
    pub figure_span: Range<usize>,
    pub sentence_span: Range<usize>,
    pub value: f64,
    pub qualifier: Qualifier,
    pub unit: String,
    pub place: Option<String>,
    /// In the region table; None for a place it lacks (see `new_regions`) or no place at all.
    pub region_code: Option<String>,
    /// What acceptance creates when `region_code` is None, outermost first.
    pub new_regions: Vec<NewRegion>,
    pub indicator_code: Option<String>,
    /// The catalogue's name, or the noun the text measures (a new indicator).
    pub indicator_name: String,
    pub period: Option<Period>,
}

/// What adding an issue did.
#[derive(Debug, Clone, PartialEq)]
pub enum Added {
    New {
        id: i64,
        proposals: usize,
    },
    /// The same text was stored already: nothing changed.
    Unchanged {
        id: i64,
    },
    /// A corrected text replaced the stored one.
    Replaced {
        id: i64,
        /// Proposals whose sentence and figure the new text still has (review kept).
        kept: usize,
        /// Figures of the new text not proposed before (待审核).
        proposed: usize,
        /// Proposals whose sentence is no longer in the text, removed (with their fact).
        withdrawn: Vec<Withdrawn>,
    },
}

impl Added {
    pub fn id(&self) -> i64 {
        match self {
            Added::New { id, .. } | Added::Unchanged { id } | Added::Replaced { id, .. } => *id,
        }
    }
}

/// A proposal a corrected text took away.
#[derive(Debug, Clone, PartialEq)]
pub struct Withdrawn {
    pub id: i64,
    pub figure: Option<String>,
    pub sentence: String,
    pub was_accepted: bool,
}

const FIND_ISSUE: &str = "SELECT id, sha256 FROM bulletin WHERE issue_key = ?1";

const INSERT_ISSUE: &str = "INSERT INTO bulletin
        (issue_no, total_no, date, title, publisher, issue_key, text, sha256, file_name, added_by, added_at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))";

const UPDATE_ISSUE: &str =
    "UPDATE bulletin SET issue_no = ?2, total_no = ?3, date = ?4, title = ?5,
        text = ?6, sha256 = ?7, file_name = ?8, added_by = ?9,
        added_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
     WHERE id = ?1";

const DELETE_ARTICLES: &str = "DELETE FROM bulletin_article WHERE bulletin_id = ?1";
const INSERT_ARTICLE: &str =
    "INSERT INTO bulletin_article (bulletin_id, seq, title, text_start, text_end)
     VALUES (?1, ?2, ?3, ?4, ?5)";

const INSERT_PROPOSAL: &str = "INSERT INTO bulletin_proposal
        (bulletin_id, seq, figure, figure_start, figure_end, sentence, sentence_start, sentence_end,
         value, qualifier, value_high, unit, place, region_code, new_regions, indicator_code,
         indicator_name, period)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)";

const MOVE_PROPOSAL: &str = "UPDATE bulletin_proposal
     SET seq = ?2, figure_start = ?3, figure_end = ?4, sentence_start = ?5, sentence_end = ?6
     WHERE id = ?1 AND (seq, figure_start, figure_end, sentence_start, sentence_end)
                   IS NOT (?2, ?3, ?4, ?5, ?6)";

const OLD_PROPOSALS: &str =
    "SELECT id FROM bulletin_proposal WHERE bulletin_id = ?1 ORDER BY seq, id";

/// The words just before a figure (up to 8 characters, within its line): with `lead_out`, how a
/// corrected text is recognised to state the same figure.
fn lead_in(text: &str, at: usize) -> &str {
    let head = &text[..at];
    let line_start = head.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let start = head[line_start..]
        .char_indices()
        .rev()
        .nth(7)
        .map(|(i, _)| line_start + i)
        .unwrap_or(line_start);
    &head[start..]
}

/// The words just after a figure (up to 8 characters, within its line).
fn lead_out(text: &str, at: usize) -> &str {
    let tail = &text[at..];
    let line = &tail[..tail.find('\n').unwrap_or(tail.len())];
    let end = line
        .char_indices()
        .nth(8)
        .map(|(i, _)| i)
        .unwrap_or(line.len());
    &line[..end]
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn slice<'t>(text: &'t str, span: &Range<usize>, what: &str) -> Result<&'t str> {
    text.get(span.clone())
        .ok_or_else(|| anyhow!("{what} 的位置 {span:?} 不在期文中 (span outside the text)"))
}

/// Store `issue` (read from `file_name`, added by `by`): new, unchanged, or replacing the stored
/// text of the same issue. The caller holds the transaction.
pub fn add_issue(conn: &Connection, issue: &NewIssue, file_name: &str, by: &str) -> Result<Added> {
    for p in &issue.proposals {
        slice(&issue.text, &p.figure_span, "数字")?;
        slice(&issue.text, &p.sentence_span, "原句")?;
    }
    let key = issue_key(
        &issue.office,
        issue.issue_no,
        issue.total_no,
        &issue.date,
        &issue.title,
    );
    let sha = sha256_hex(&issue.text);
    let found: Option<(i64, Option<String>)> = conn
        .prepare_cached(FIND_ISSUE)?
        .query_row([&key], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let id = match found {
        Some((id, Some(stored))) if stored == sha => return Ok(Added::Unchanged { id }),
        Some((id, _)) => {
            let old_text = stored_text(conn, id)?;
            conn.prepare_cached(UPDATE_ISSUE)?.execute(params![
                id,
                issue.issue_no,
                issue.total_no,
                issue.date,
                issue.title,
                issue.text,
                sha,
                file_name,
                by
            ])?;
            write_articles(conn, id, issue)?;
            return replace_proposals(conn, id, issue, old_text.as_deref());
        }
        None => {
            conn.prepare_cached(INSERT_ISSUE)?.execute(params![
                issue.issue_no,
                issue.total_no,
                issue.date,
                issue.title,
                issue.office,
                key,
                issue.text,
                sha,
                file_name,
                by
            ])?;
            conn.last_insert_rowid()
        }
    };
    write_articles(conn, id, issue)?;
    for (i, p) in issue.proposals.iter().enumerate() {
        insert_proposal(conn, id, i as i64 + 1, issue, p)?;
    }
    Ok(Added::New {
        id,
        proposals: issue.proposals.len(),
    })
}

fn write_articles(conn: &Connection, id: i64, issue: &NewIssue) -> Result<()> {
    conn.prepare_cached(DELETE_ARTICLES)?.execute([id])?;
    let mut stmt = conn.prepare_cached(INSERT_ARTICLE)?;
    for (i, a) in issue.articles.iter().enumerate() {
        slice(&issue.text, &a.span, "文章")?;
        stmt.execute(params![
            id,
            i as i64 + 1,
            a.title,
            a.span.start as i64,
            a.span.end as i64
        ])?;
    }
    Ok(())
}

fn insert_proposal(
    conn: &Connection,
    bulletin_id: i64,
    seq: i64,
    issue: &NewIssue,
    p: &NewProposal,
) -> Result<i64> {
    let new_regions = if p.new_regions.is_empty() {
        None
    } else {
        Some(serde_json::to_string(&p.new_regions)?)
    };
    let high = match p.qualifier {
        Qualifier::Range(h) => Some(h),
        _ => None,
    };
    conn.prepare_cached(INSERT_PROPOSAL)?.execute(params![
        bulletin_id,
        seq,
        slice(&issue.text, &p.figure_span, "数字")?,
        p.figure_span.start as i64,
        p.figure_span.end as i64,
        slice(&issue.text, &p.sentence_span, "原句")?,
        p.sentence_span.start as i64,
        p.sentence_span.end as i64,
        p.value,
        p.qualifier.code(),
        high,
        p.unit,
        p.place,
        p.region_code,
        new_regions,
        p.indicator_code,
        p.indicator_name,
        p.period,
    ])?;
    Ok(conn.last_insert_rowid())
}

/// A corrected text: keep the proposals it still has, withdraw the others, propose the new figures.
fn replace_proposals(
    conn: &Connection,
    id: i64,
    issue: &NewIssue,
    old_text: Option<&str>,
) -> Result<Added> {
    let old_ids: Vec<i64> = conn
        .prepare_cached(OLD_PROPOSALS)?
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut claimed = vec![false; issue.proposals.len()];
    let mut kept = 0;
    let mut withdrawn = Vec::new();
    for old_id in old_ids {
        let old = proposal::get(conn, old_id)?;
        // (seq, figure position, position of the sentence or of the passage the review kept)
        let place = match (&old.origin, &old.figure) {
            // The same figure in a sentence that still holds what the proposal cites, taken in
            // order, so that two "50 亩" of one sentence keep their own reviews; else the same
            // figure after the same words (a correction elsewhere in its sentence), citing the
            // new sentence.
            (Origin::Extracted, Some(figure)) => {
                let same_figure = |i: usize, p: &NewProposal| {
                    !claimed[i] && issue.text[p.figure_span.clone()] == *figure
                };
                let in_sentence = issue.proposals.iter().enumerate().find_map(|(i, p)| {
                    let sentence = &issue.text[p.sentence_span.clone()];
                    let at = sentence.find(old.sentence.as_str())?;
                    same_figure(i, p).then_some((i, p.sentence_span.start + at, old.sentence.len()))
                });
                let context = old_text
                    .zip(old.figure_span.clone())
                    .map(|(t, f)| (lead_in(t, f.start), lead_out(t, f.end)));
                let after_same_words = || {
                    issue.proposals.iter().enumerate().find_map(|(i, p)| {
                        let (before, after) = context?;
                        let same = (!before.is_empty()
                            && lead_in(&issue.text, p.figure_span.start) == before)
                            || (!after.is_empty()
                                && lead_out(&issue.text, p.figure_span.end) == after);
                        (same && same_figure(i, p)).then_some((
                            i,
                            p.sentence_span.start,
                            p.sentence_span.len(),
                        ))
                    })
                };
                in_sentence
                    .or_else(after_same_words)
                    .map(|(i, start, len)| {
                        claimed[i] = true;
                        let p = &issue.proposals[i];
                        (
                            i as i64 + 1,
                            Some(p.figure_span.clone()),
                            start..start + len,
                        )
                    })
            }
            // A fact the reviewer added (or one stored before texts were) stands by its sentence.
            _ => issue.text.find(&old.sentence).map(|at| {
                (
                    old.seq,
                    old.figure_span.clone(),
                    at..at + old.sentence.len(),
                )
            }),
        };
        match place {
            Some((seq, figure, sentence)) => {
                let (fs, fe) = match figure {
                    Some(f) => (Some(f.start as i64), Some(f.end as i64)),
                    None => (None, None),
                };
                conn.prepare_cached(MOVE_PROPOSAL)?.execute(params![
                    old.id,
                    seq,
                    fs,
                    fe,
                    sentence.start as i64,
                    sentence.end as i64
                ])?;
                kept += 1;
            }
            None => {
                let was_accepted = old.status == ProposalStatus::Accepted;
                if was_accepted {
                    withdraw_value(conn, &old)?;
                }
                conn.prepare_cached("DELETE FROM bulletin_proposal WHERE id = ?1")?
                    .execute([old.id])?;
                withdrawn.push(Withdrawn {
                    id: old.id,
                    figure: old.figure.clone(),
                    sentence: old.sentence.clone(),
                    was_accepted,
                });
            }
        }
    }
    let mut proposed = 0;
    for (i, p) in issue.proposals.iter().enumerate() {
        if !claimed[i] {
            insert_proposal(conn, id, i as i64 + 1, issue, p)?;
            proposed += 1;
        }
    }
    Ok(Added::Replaced {
        id,
        kept,
        proposed,
        withdrawn,
    })
}
