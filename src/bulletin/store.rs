//! `tuopin bulletin add`: what the extractor read, stored. Each file is read, split and its figures
//! proposed (as `extract` does) against the database's own regions and catalogue, then its issues
//! are stored with their proposals as 待审核 (`model::bulletin::store`), in one transaction per
//! file. `--accept` accepts at once every proposal of those issues that has a region code and an
//! indicator code. `seed` reads the seed issues the same way for `init`.

use std::path::Path;

use anyhow::{Context as _, Result};
use rusqlite::{Connection, TransactionBehavior};

use super::{
    extract_text, input, squash, Defaults, Extraction, IndicatorMatch, Reference, RegionMatch,
};
use crate::import::reference::DataSource;
use crate::model::bulletin::review::{self, Acceptance};
use crate::model::bulletin::{
    self, Added, NewArticle, NewIssue, NewProposal, NewRegion, ProposalFilter, ProposalStatus,
};

/// The seed bulletins of `init`'s data (`bulletins-2019-03.txt`), read against the data's regions
/// and indicators: the file name to cite and its issues, as `bulletin add` stores them.
pub fn seed(source: &DataSource) -> Result<(String, Vec<NewIssue>)> {
    let (file, bytes) = source.read("bulletins-2019-03.txt")?;
    let text = input::decode(&bytes).with_context(|| file.clone())?;
    let reference = Reference::from_source(source)?;
    let ex = extract_text(&text, &Defaults::default(), &reference).with_context(|| file.clone())?;
    Ok((file, new_issues(&ex, &reference)))
}

/// The issues of an extraction as the database stores them.
pub fn new_issues(ex: &Extraction, reference: &Reference) -> Vec<NewIssue> {
    ex.issues
        .iter()
        .enumerate()
        .map(|(k, issue)| NewIssue {
            issue_no: issue.issue_no,
            total_no: issue.total_no,
            date: issue.date.clone(),
            office: issue.office.clone(),
            title: issue.title(),
            text: issue.text.clone(),
            articles: issue
                .articles
                .iter()
                .filter_map(|a| {
                    let start = a
                        .title
                        .as_ref()
                        .map(|t| t.start)
                        .or_else(|| a.paragraphs.first().map(|p| p.start))?;
                    let end = a
                        .paragraphs
                        .last()
                        .map(|p| p.end)
                        .or_else(|| a.title.as_ref().map(|t| t.end))?;
                    Some(NewArticle {
                        title: a.title.clone().map(|t| squash(&issue.text[t])),
                        span: start..end,
                    })
                })
                .collect(),
            proposals: ex
                .proposals
                .iter()
                .filter(|p| p.issue == k)
                .map(|p| {
                    let (region_code, new_regions) = region_of(&p.region, reference);
                    let (indicator_code, indicator_name) = match &p.indicator {
                        IndicatorMatch::Known { code, name } => (Some(code.clone()), name.clone()),
                        IndicatorMatch::New { name, .. } => (None, name.clone()),
                    };
                    NewProposal {
                        figure_span: p.span.clone(),
                        sentence_span: p.sentence_span.clone(),
                        value: p.value,
                        qualifier: p.qualifier,
                        unit: p.unit.clone(),
                        place: p.place.clone(),
                        region_code,
                        new_regions,
                        indicator_code,
                        indicator_name,
                        period: p.period,
                    }
                })
                .collect(),
        })
        .collect()
}

/// A place's region code, or what acceptance would create for it.
fn region_of(m: &RegionMatch, reference: &Reference) -> (Option<String>, Vec<NewRegion>) {
    match m {
        RegionMatch::Known {
            code,
            in_table: true,
        } => (Some(code.clone()), Vec::new()),
        RegionMatch::Known { code, .. } => (None, gazetteer_chain(code, reference)),
        RegionMatch::Provisional {
            name,
            level,
            parent,
            ..
        } => {
            let (parent_code, mut chain) = match parent {
                Some(p) => region_of(p, reference),
                None => (None, Vec::new()),
            };
            chain.push(NewRegion {
                code: None,
                name: name.clone(),
                level: *level,
                parent_code: if chain.is_empty() { parent_code } else { None },
                official: false,
            });
            (None, chain)
        }
        RegionMatch::Unknown => (None, Vec::new()),
    }
}

/// A gazetteer region the table lacks, with its ancestors the table lacks, outermost first.
fn gazetteer_chain(code: &str, reference: &Reference) -> Vec<NewRegion> {
    let Some(entry) = reference.by_code(code) else {
        return Vec::new();
    };
    let mut missing: Vec<usize> = Vec::new();
    let mut known_parent = None;
    for i in reference.ancestry(entry) {
        if reference.regions[i].in_table {
            known_parent = Some(reference.regions[i].code.clone());
            break;
        }
        missing.push(i);
    }
    missing
        .iter()
        .rev()
        .enumerate()
        .map(|(k, &i)| NewRegion {
            code: Some(reference.regions[i].code.clone()),
            name: reference.regions[i].name.clone(),
            level: reference.regions[i].level,
            parent_code: if k == 0 { known_parent.clone() } else { None },
            official: true,
        })
        .collect()
}

/// How `bulletin add` runs.
#[derive(Debug, Clone, Default)]
pub struct AddOptions {
    pub defaults: Defaults,
    /// Accept every proposal with a region code and an indicator code.
    pub accept: bool,
    /// Who adds (and, with `accept`, reviews).
    pub by: String,
}

/// One issue of an added file.
#[derive(Debug, Clone)]
pub struct IssueAdded {
    pub citation: String,
    pub title: String,
    pub added: Added,
    /// Proposals still 待审核 after the add.
    pub pending: usize,
    /// With `--accept`: proposals accepted now.
    pub accepted: usize,
    /// With `--accept`: proposals with region and indicator codes that could not be accepted, why.
    pub refused: Vec<(i64, String)>,
}

/// Add one bulletin file (text or .docx): its issues and their proposals, in one transaction.
pub fn add_file(conn: &mut Connection, path: &Path, opts: &AddOptions) -> Result<Vec<IssueAdded>> {
    opts.defaults.check()?;
    let shown = path.display().to_string();
    let text = input::read(path)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| shown.clone());
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    crate::model::history::set_change_context(&tx, None, &format!("bulletin add {file_name}"))?;
    let reference = Reference::from_conn(&tx)?;
    let ex = extract_text(&text, &opts.defaults, &reference).with_context(|| shown.clone())?;
    let mut out = Vec::new();
    for issue in new_issues(&ex, &reference) {
        let added = bulletin::add_issue(&tx, &issue, &file_name, &opts.by)
            .with_context(|| shown.clone())?;
        let citation =
            bulletin::citation(issue.issue_no, issue.total_no, &issue.date, &issue.office);
        let mut done = IssueAdded {
            citation,
            title: issue.title.clone(),
            added: added.clone(),
            pending: 0,
            accepted: 0,
            refused: Vec::new(),
        };
        let pending = review::list(
            &tx,
            &ProposalFilter {
                status: Some(ProposalStatus::Proposed),
                bulletin_id: Some(added.id()),
                ..ProposalFilter::default()
            },
        )?;
        done.pending = pending.len();
        if opts.accept {
            for p in pending
                .iter()
                .filter(|p| p.region_code.is_some() && p.indicator_code.is_some())
            {
                match review::accept(&tx, p.id, &opts.by)? {
                    Acceptance::Accepted { .. } => {
                        done.accepted += 1;
                        done.pending -= 1;
                    }
                    Acceptance::AlreadyAccepted => {}
                    Acceptance::Refused(why) => done.refused.push((p.id, why)),
                }
            }
        }
        out.push(done);
    }
    // The same text again, with nothing to accept, writes nothing at all (not even the change
    // context): the transaction is rolled back.
    let changed = out
        .iter()
        .any(|i| !matches!(i.added, Added::Unchanged { .. }) || i.accepted > 0);
    if changed {
        crate::model::history::set_change_context(&tx, None, "")?;
        tx.commit()?;
    }
    Ok(out)
}
