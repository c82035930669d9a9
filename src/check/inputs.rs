//! The inputs of a check, each read in bulk: the as-of indicator values of many regions in one
//! query, the import files and bulletin quotes that sources cite, the indicator names, and the
//! villages or counties in scope.

use std::collections::HashMap;

use anyhow::Result;
use rusqlite::{params, Connection};

use super::judge::Bounds;
use crate::model::indicator::Qualifier;
use crate::model::period::Period;

/// A stored indicator value as of the month.
#[derive(Debug, Clone)]
pub(super) struct Found {
    pub indicator: String,
    pub value: f64,
    pub bounds: Bounds,
    pub qualifier: Qualifier,
    pub period: Period,
    pub batch: Option<(i64, i64)>,
    pub quote: Option<i64>,
}

/// A region under check.
#[derive(Debug, Clone)]
pub(super) struct Place {
    pub code: String,
    pub name: String,
    pub parent_code: Option<String>,
    pub poverty_registered: Option<bool>,
    pub county: String,
    pub province: Option<String>,
}

// The latest value at or before ?1 of each region of the JSON array ?2 and indicator of the JSON
// array ?3. For each pair one seek finds the month (the primary key is region, indicator, period) and a
// second fetches the row: the cost follows the number of pairs, not the length of the history, which a
// scan of indicator_value would. MATERIALIZED keeps SQLite from re-running the month look-up for every
// row of a pair.
const VALUES_AS_OF: &str = "WITH pairs AS MATERIALIZED (
        SELECT r.value AS region_code, i.value AS indicator_code,
               (SELECT max(w.period) FROM indicator_value w
                WHERE w.region_code = r.value AND w.indicator_code = i.value AND w.period <= ?1) AS period
        FROM json_each(?2) r, json_each(?3) i)
     SELECT v.region_code, v.indicator_code, v.period, v.value, v.qualifier,
            v.value_high, v.batch_id, v.line, v.quote_id
     FROM pairs p
     JOIN indicator_value v
       ON v.region_code = p.region_code AND v.indicator_code = p.indicator_code AND v.period = p.period";

const VILLAGES: &str = "SELECT v.code, v.name, v.parent_code, v.poverty_registered, t.parent_code
     FROM region v JOIN region t ON t.code = v.parent_code
     WHERE v.level = 'village' AND (?1 IS NULL OR t.parent_code = ?1)
     ORDER BY v.code";

// A county's parent is a city, whose parent is the province (schema.sql keeps parents one level up).
const COUNTIES: &str = "SELECT c.code, c.name, c.parent_code, c.poverty_registered,
            (SELECT ci.parent_code FROM region ci WHERE ci.code = c.parent_code)
     FROM region c
     WHERE c.level = 'county' AND (?1 IS NULL OR c.code = ?1)
     ORDER BY c.code";

const BATCH_FILES: &str = "SELECT id, file_name FROM import_batch";
const QUOTES: &str = "SELECT q.id, b.issue_no, b.total_no, b.date, q.sentence, b.publisher
     FROM bulletin_quote q JOIN bulletin b ON b.id = q.bulletin_id";
const INDICATOR_NAMES: &str = "SELECT code, name, unit FROM indicator";

/// Import batch file names and bulletin quotes, to cite sources (both tables are small).
pub(super) struct Sources {
    batches: HashMap<i64, String>,
    quotes: HashMap<i64, String>,
}

impl Sources {
    pub fn load(conn: &Connection) -> Result<Sources> {
        let mut batches = HashMap::new();
        let mut stmt = conn.prepare_cached(BATCH_FILES)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            batches.insert(r.get(0)?, r.get(1)?);
        }
        let mut quotes = HashMap::new();
        let mut stmt = conn.prepare_cached(QUOTES)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let cited = crate::model::bulletin::citation(
                r.get(1)?,
                r.get(2)?,
                &r.get::<_, String>(3)?,
                &r.get::<_, String>(5)?,
            );
            let sentence: String = r.get(4)?;
            quotes.insert(r.get(0)?, format!("{cited}：“{sentence}”"));
        }
        Ok(Sources { batches, quotes })
    }

    /// `households-2019-03.csv 第12行`, or `第25期（总第213期，2019-03-27）：“…”`.
    pub fn cite(&self, batch: Option<(i64, i64)>, quote: Option<i64>) -> String {
        match (batch, quote) {
            (Some((id, line)), _) => match self.batches.get(&id) {
                Some(f) => format!("{f} 第{line}行"),
                None => format!("导入批次 {id} 第{line}行"),
            },
            (None, Some(q)) => self
                .quotes
                .get(&q)
                .cloned()
                .unwrap_or_else(|| format!("快报引文 {q}")),
            (None, None) => "来源不明".to_string(),
        }
    }

    pub fn cite_found(&self, f: &Found) -> String {
        self.cite(f.batch, f.quote)
    }
}

/// indicator code → (name, unit), for messages.
pub(super) fn indicator_names(conn: &Connection) -> Result<HashMap<String, (String, String)>> {
    let mut indicators = HashMap::new();
    let mut stmt = conn.prepare_cached(INDICATOR_NAMES)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        indicators.insert(r.get(0)?, (r.get(1)?, r.get(2)?));
    }
    Ok(indicators)
}

/// The latest value at or before `period` of each of `regions` and `indicators`, by region.
pub(super) fn values_as_of(
    conn: &Connection,
    period: Period,
    regions: &[&str],
    indicators: &[&str],
) -> Result<HashMap<String, Vec<Found>>> {
    let mut stmt = conn.prepare_cached(VALUES_AS_OF)?;
    let mut rows = stmt.query(params![
        period,
        serde_json::to_string(regions)?,
        serde_json::to_string(indicators)?
    ])?;
    let mut out: HashMap<String, Vec<Found>> = HashMap::new();
    while let Some(r) = rows.next()? {
        let value: f64 = r.get(3)?;
        let qualifier = Qualifier::stored(r.get_ref(4)?.as_str()?, r.get(5)?);
        let batch: Option<i64> = r.get(6)?;
        let line: Option<i64> = r.get(7)?;
        out.entry(r.get(0)?).or_default().push(Found {
            indicator: r.get(1)?,
            value,
            bounds: Bounds::stored(value, qualifier),
            qualifier,
            period: r.get(2)?,
            batch: batch.zip(line),
            quote: r.get(8)?,
        });
    }
    Ok(out)
}

/// The villages of one county (or all), in code order; only the registered poor ones if `only_poor`.
pub(super) fn villages(
    conn: &Connection,
    county: Option<&str>,
    only_poor: bool,
) -> Result<Vec<Place>> {
    let mut stmt = conn.prepare_cached(VILLAGES)?;
    let rows = stmt.query_map([county], |r| {
        Ok(Place {
            code: r.get(0)?,
            name: r.get(1)?,
            parent_code: r.get(2)?,
            poverty_registered: r.get(3)?,
            county: r.get(4)?,
            province: None,
        })
    })?;
    let mut out = Vec::new();
    for p in rows {
        let p = p?;
        if !only_poor || p.poverty_registered == Some(true) {
            out.push(p);
        }
    }
    Ok(out)
}

/// One county (or all), in code order, with its province; only the registered poor ones if
/// `only_poor`.
pub(super) fn counties(
    conn: &Connection,
    county: Option<&str>,
    only_poor: bool,
) -> Result<Vec<Place>> {
    let mut stmt = conn.prepare_cached(COUNTIES)?;
    let rows = stmt.query_map([county], |r| {
        Ok(Place {
            code: r.get(0)?,
            name: r.get(1)?,
            parent_code: r.get(2)?,
            poverty_registered: r.get(3)?,
            county: r.get(0)?,
            province: r.get(4)?,
        })
    })?;
    let mut out = Vec::new();
    for p in rows {
        let p = p?;
        if !only_poor || p.poverty_registered == Some(true) {
            out.push(p);
        }
    }
    Ok(out)
}
