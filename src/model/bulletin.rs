//! 《脱贫攻坚快报》 issues, the sentences quoted from them, and the facts they carry.

use std::collections::HashMap;

use anyhow::Result;
use rusqlite::{params, Connection};

use crate::model::period::Period;

/// Separates fragments of one quote taken from the same issue, in order (a sentence may name the
/// counties and an earlier one the plan).
pub const QUOTE_GAP: &str = "……";

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Bulletin {
    pub issue_no: i64,
    pub total_no: i64,
    pub date: String,
    pub title: String,
    pub publisher: String,
}

impl Bulletin {
    /// How users cite an issue: 第25期（总第213期，2019-03-27）.
    pub fn citation(&self) -> String {
        format!(
            "第{}期（总第{}期，{}）",
            self.issue_no, self.total_no, self.date
        )
    }
}

/// The text of each issue, split out of a file holding several (each starts with "第 N 期（总第").
pub fn split_issues(text: &str) -> HashMap<i64, &str> {
    let mut starts: Vec<(usize, i64)> = Vec::new();
    let mut search = 0;
    while let Some(found) = text[search..].find("期（总第") {
        let at = search + found;
        // Walk back over "第 N " to the start of the heading.
        let head = &text[..at];
        if let Some(di) = head.rfind('第') {
            let number: String = head[di + '第'.len_utf8()..]
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            if let Ok(n) = number.parse::<i64>() {
                starts.push((di, n));
            }
        }
        search = at + "期（总第".len();
    }
    let mut issues = HashMap::new();
    for (i, &(start, n)) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map(|s| s.0).unwrap_or(text.len());
        issues.insert(n, &text[start..end]);
    }
    issues
}

/// Whether every fragment of `quote` appears, in order, in `issue_text`.
pub fn quote_is_verbatim(issue_text: &str, quote: &str) -> bool {
    let mut from = 0;
    for fragment in quote.split(QUOTE_GAP) {
        match issue_text[from..].find(fragment) {
            Some(p) => from += p + fragment.len(),
            None => return false,
        }
    }
    !quote.trim().is_empty()
}

pub fn insert(conn: &Connection, b: &Bulletin) -> Result<i64> {
    conn.execute(
        "INSERT INTO bulletin (issue_no, total_no, date, title, publisher) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![b.issue_no, b.total_no, b.date, b.title, b.publisher],
    )?;
    Ok(conn.last_insert_rowid())
}

/// The id of a quote, inserting it on first use.
pub fn quote_id(conn: &Connection, bulletin_id: i64, sentence: &str) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO bulletin_quote (bulletin_id, sentence) VALUES (?1, ?2)
         ON CONFLICT (bulletin_id, sentence) DO NOTHING",
    )?
    .execute(params![bulletin_id, sentence])?;
    Ok(conn
        .prepare_cached("SELECT id FROM bulletin_quote WHERE bulletin_id = ?1 AND sentence = ?2")?
        .query_row(params![bulletin_id, sentence], |r| r.get(0))?)
}

pub fn all(conn: &Connection) -> Result<Vec<Bulletin>> {
    let mut stmt = conn.prepare(
        "SELECT issue_no, total_no, date, title, publisher FROM bulletin ORDER BY total_no",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Bulletin {
            issue_no: r.get(0)?,
            total_no: r.get(1)?,
            date: r.get(2)?,
            title: r.get(3)?,
            publisher: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A figure from a bulletin, with the sentence it came from.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Fact {
    pub region_code: String,
    pub region_name: String,
    pub indicator_code: String,
    pub indicator_name: String,
    pub period: Period,
    pub value: f64,
    pub qualifier: String,
    pub value_high: Option<f64>,
    pub unit: String,
    pub note: Option<String>,
    pub issue_no: i64,
    pub total_no: i64,
    pub date: String,
    pub sentence: String,
}

const SELECT_FACTS: &str = "SELECT v.region_code, r.name, v.indicator_code, i.name, v.period, v.value, v.qualifier,
            v.value_high, i.unit, v.note, b.issue_no, b.total_no, b.date, q.sentence
     FROM indicator_value v
     JOIN region r ON r.code = v.region_code
     JOIN indicator i ON i.code = v.indicator_code
     JOIN bulletin_quote q ON q.id = v.quote_id
     JOIN bulletin b ON b.id = q.bulletin_id
     WHERE ?1 IS NULL OR v.region_code = ?1
        OR v.region_code IN (SELECT code FROM region WHERE parent_code = ?1)
        OR v.region_code IN (SELECT v2.code FROM region v2 JOIN region t ON t.code = v2.parent_code WHERE t.parent_code = ?1)
     ORDER BY b.total_no, q.id, v.region_code, v.period";

// Region attributes a bulletin states (planned exit year, registered poor), as facts dated by the issue.
const SELECT_REGION_FACTS: &str =
    "SELECT r.code, r.name, r.planned_exit_year, r.poverty_registered,
            b.issue_no, b.total_no, b.date, q.sentence
     FROM region r
     JOIN bulletin_quote q ON q.id = r.quote_id
     JOIN bulletin b ON b.id = q.bulletin_id
     WHERE (r.planned_exit_year IS NOT NULL OR r.poverty_registered = 1)
       AND (?1 IS NULL OR r.code = ?1 OR r.parent_code = ?1
            OR r.parent_code IN (SELECT code FROM region WHERE parent_code = ?1))
     ORDER BY b.total_no, r.code";

/// The bulletin facts, for one region (and the regions under it) or all: region attributes first
/// (计划退出年度, 贫困标识), then indicator values.
pub fn facts(conn: &Connection, region: Option<&str>) -> Result<Vec<Fact>> {
    let mut out = Vec::new();
    let mut stmt = conn.prepare(SELECT_REGION_FACTS)?;
    let mut rows = stmt.query([region])?;
    while let Some(r) = rows.next()? {
        let date: String = r.get(6)?;
        let period: Period = date.get(..7).unwrap_or_default().parse()?;
        let base = Fact {
            region_code: r.get(0)?,
            region_name: r.get(1)?,
            indicator_code: String::new(),
            indicator_name: String::new(),
            period,
            value: 0.0,
            qualifier: "exact".into(),
            value_high: None,
            unit: String::new(),
            note: None,
            issue_no: r.get(4)?,
            total_no: r.get(5)?,
            date,
            sentence: r.get(7)?,
        };
        if let Some(year) = r.get::<_, Option<i64>>(2)? {
            out.push(Fact {
                indicator_code: "planned_exit_year".into(),
                indicator_name: "计划退出年度".into(),
                value: year as f64,
                unit: "年".into(),
                ..base.clone()
            });
        }
        if r.get::<_, Option<bool>>(3)? == Some(true) {
            out.push(Fact {
                indicator_code: "poverty_registered".into(),
                indicator_name: "贫困县（村）标识".into(),
                value: 1.0,
                unit: "是/否".into(),
                ..base
            });
        }
    }
    let mut stmt = conn.prepare(SELECT_FACTS)?;
    let rows = stmt.query_map([region], |r| {
        Ok(Fact {
            region_code: r.get(0)?,
            region_name: r.get(1)?,
            indicator_code: r.get(2)?,
            indicator_name: r.get(3)?,
            period: r.get(4)?,
            value: r.get(5)?,
            qualifier: r.get(6)?,
            value_high: r.get(7)?,
            unit: r.get(8)?,
            note: r.get(9)?,
            issue_no: r.get(10)?,
            total_no: r.get(11)?,
            date: r.get(12)?,
            sentence: r.get(13)?,
        })
    })?;
    for f in rows {
        out.push(f?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_issues_and_checks_quotes() {
        let text = "快报\n第 24 期（总第 212 期）\n甲乙丙。\n第 25 期（总第 213 期）\n丁戊己庚。";
        let issues = split_issues(text);
        assert_eq!(issues.len(), 2);
        assert!(issues[&24].contains("甲乙丙"));
        assert!(!issues[&24].contains("丁戊"));
        assert!(quote_is_verbatim(issues[&25], "丁戊"));
        assert!(quote_is_verbatim(issues[&25], "丁……庚"));
        assert!(!quote_is_verbatim(issues[&25], "庚……丁"));
        assert!(!quote_is_verbatim(issues[&25], "甲"));
    }
}
