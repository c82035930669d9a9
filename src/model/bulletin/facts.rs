//! The facts of the bulletins: the accepted proposals (value, qualifier, period, region,
//! indicator, the issue and the verbatim sentence), and the region attributes a bulletin states
//! (计划退出年度, 贫困县（村）标识, from the sentences `data/regions.csv` cites).

use anyhow::Result;
use rusqlite::Connection;

use crate::model::indicator::Qualifier;
use crate::model::period::Period;

/// A figure from a bulletin, with the sentence it came from.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Fact {
    /// The proposal it was accepted from; None for a region attribute.
    pub id: Option<i64>,
    pub region_code: String,
    pub region_name: String,
    pub indicator_code: String,
    pub indicator_name: String,
    pub period: Period,
    pub value: f64,
    pub qualifier: String,
    pub value_high: Option<f64>,
    /// The indicator's unit.
    pub unit: String,
    pub note: Option<String>,
    pub issue_no: Option<i64>,
    pub total_no: Option<i64>,
    pub date: String,
    pub sentence: String,
}

// The region and everything under it (?1 NULL: everything).
const UNDER: &str = "WITH RECURSIVE under(code) AS (
        SELECT ?1 WHERE ?1 IS NOT NULL
        UNION ALL SELECT r.code FROM region r JOIN under u ON r.parent_code = u.code)";

const SELECT_FACTS: &str = "SELECT p.id, p.region_code, r.name, p.indicator_code, i.name, p.period,
            p.value, p.qualifier, p.value_high, i.unit, p.note, b.issue_no, b.total_no, b.date,
            p.sentence
     FROM bulletin_proposal p
     JOIN region r ON r.code = p.region_code
     JOIN indicator i ON i.code = p.indicator_code
     JOIN bulletin b ON b.id = p.bulletin_id
     WHERE p.status = 'accepted' AND (?1 IS NULL OR p.region_code IN (SELECT code FROM under))
     ORDER BY b.date, b.total_no, b.id, coalesce(p.figure_start, p.sentence_start), p.seq, p.id";

// Region attributes a bulletin states (planned exit year, registered poor), as facts dated by the issue.
const SELECT_REGION_FACTS: &str =
    "SELECT r.code, r.name, r.planned_exit_year, r.poverty_registered,
            b.issue_no, b.total_no, b.date, q.sentence
     FROM region r
     JOIN bulletin_quote q ON q.id = r.quote_id
     JOIN bulletin b ON b.id = q.bulletin_id
     WHERE (r.planned_exit_year IS NOT NULL OR r.poverty_registered = 1)
       AND (?1 IS NULL OR r.code IN (SELECT code FROM under))
     ORDER BY b.date, b.total_no, r.code";

/// The bulletin facts, for one region (and the regions under it) or all: region attributes first
/// (计划退出年度, 贫困标识), then the accepted figures issue by issue in reading order.
pub fn facts(conn: &Connection, region: Option<&str>) -> Result<Vec<Fact>> {
    let mut out = Vec::new();
    let mut stmt = conn.prepare_cached(&format!("{UNDER} {SELECT_REGION_FACTS}"))?;
    let mut rows = stmt.query([region])?;
    while let Some(r) = rows.next()? {
        let date: String = r.get(6)?;
        let period: Period = date.get(..7).unwrap_or_default().parse()?;
        let base = Fact {
            id: None,
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
    let mut stmt = conn.prepare_cached(&format!("{UNDER} {SELECT_FACTS}"))?;
    let rows = stmt.query_map([region], |r| {
        Ok(Fact {
            id: r.get(0)?,
            region_code: r.get(1)?,
            region_name: r.get(2)?,
            indicator_code: r.get(3)?,
            indicator_name: r.get(4)?,
            period: r.get(5)?,
            value: r.get(6)?,
            qualifier: r.get(7)?,
            value_high: r.get(8)?,
            unit: r.get(9)?,
            note: r.get(10)?,
            issue_no: r.get(11)?,
            total_no: r.get(12)?,
            date: r.get(13)?,
            sentence: r.get(14)?,
        })
    })?;
    for f in rows {
        out.push(f?);
    }
    Ok(out)
}

/// An accepted fact as `check facts` compares it: the bulletin's claim, whatever indicator_value
/// holds now.
#[derive(Debug, Clone, PartialEq)]
pub struct AcceptedFact {
    pub id: i64,
    pub region_code: String,
    pub region_name: String,
    pub indicator_code: String,
    pub indicator_name: String,
    pub indicator_unit: String,
    pub period: Period,
    pub value: f64,
    pub qualifier: Qualifier,
    pub unit: String,
    /// As printed (200 余人); None for a fact a reviewer added or one migrated.
    pub figure: Option<String>,
    pub sentence: String,
    /// 第25期（总第213期，2019-03-27）
    pub citation: String,
}

const SELECT_ACCEPTED: &str =
    "SELECT p.id, p.region_code, r.name, p.indicator_code, i.name, i.unit,
            p.period, p.value, p.qualifier, p.value_high, p.unit, p.figure, p.sentence,
            b.issue_no, b.total_no, b.date, b.publisher
     FROM bulletin_proposal p
     JOIN region r ON r.code = p.region_code
     JOIN indicator i ON i.code = p.indicator_code
     JOIN bulletin b ON b.id = p.bulletin_id
     WHERE p.status = 'accepted'
       AND (?1 IS NULL OR p.region_code IN (SELECT code FROM under))
       AND (?2 IS NULL OR p.period = ?2)
     ORDER BY b.date, b.total_no, b.id, coalesce(p.figure_start, p.sentence_start), p.seq, p.id";

/// The accepted facts of a region and the regions under it (None: all), of one month (None: all).
pub fn accepted(
    conn: &Connection,
    region: Option<&str>,
    period: Option<Period>,
) -> Result<Vec<AcceptedFact>> {
    let mut stmt = conn.prepare_cached(&format!("{UNDER} {SELECT_ACCEPTED}"))?;
    let rows = stmt.query_map(rusqlite::params![region, period], |r| {
        let qualifier: String = r.get(8)?;
        Ok(AcceptedFact {
            id: r.get(0)?,
            region_code: r.get(1)?,
            region_name: r.get(2)?,
            indicator_code: r.get(3)?,
            indicator_name: r.get(4)?,
            indicator_unit: r.get(5)?,
            period: r.get(6)?,
            value: r.get(7)?,
            qualifier: Qualifier::stored(&qualifier, r.get(9)?),
            unit: r.get(10)?,
            figure: r.get(11)?,
            sentence: r.get(12)?,
            citation: super::issue::citation(
                r.get(13)?,
                r.get(14)?,
                &r.get::<_, String>(15)?,
                &r.get::<_, String>(16)?,
            ),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
