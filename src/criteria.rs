//! The exit criteria (10 village, 6 county) as data: loaded from data/criteria.csv by `init`.

use anyhow::{bail, Result};
use rusqlite::{params, Connection};

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Criterion {
    pub no: String,
    pub level: String,
    pub seq: i64,
    pub name: String,
    pub indicator_code: String,
    pub operator: String,
    pub threshold: Option<f64>,
    /// Compare with another region's value of the same indicator instead ("province").
    pub threshold_ref: Option<String>,
    pub unit: String,
    pub note: Option<String>,
}

/// The comparison operators a criterion may use.
pub const OPERATORS: [&str; 6] = ["<", "<=", ">", ">=", "=", "!="];

const SELECT_CRITERIA: &str =
    "SELECT no, level, seq, name, indicator_code, operator, threshold, threshold_ref, unit, note
     FROM criterion";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Criterion> {
    Ok(Criterion {
        no: r.get(0)?,
        level: r.get(1)?,
        seq: r.get(2)?,
        name: r.get(3)?,
        indicator_code: r.get(4)?,
        operator: r.get(5)?,
        threshold: r.get(6)?,
        threshold_ref: r.get(7)?,
        unit: r.get(8)?,
        note: r.get(9)?,
    })
}

/// All criteria, villages first, in their numbered order.
pub fn all(conn: &Connection) -> Result<Vec<Criterion>> {
    let mut stmt = conn.prepare(&format!(
        "{SELECT_CRITERIA} ORDER BY CASE level WHEN 'village' THEN 0 ELSE 1 END, seq"
    ))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

const INSERT_CRITERION: &str = "INSERT INTO criterion
     (no, level, seq, name, indicator_code, operator, threshold, threshold_ref, unit, note)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

pub fn insert(conn: &Connection, c: &Criterion) -> Result<()> {
    if !OPERATORS.contains(&c.operator.as_str()) {
        bail!("运算符 {:?} 无效；应为 {}", c.operator, OPERATORS.join(" "));
    }
    conn.execute(
        INSERT_CRITERION,
        params![
            c.no,
            c.level,
            c.seq,
            c.name,
            c.indicator_code,
            c.operator,
            c.threshold,
            c.threshold_ref,
            c.unit,
            c.note
        ],
    )?;
    Ok(())
}
