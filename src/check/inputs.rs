//! The inputs of a check: the as-of indicator values of one region (a seek per month, asked as
//! the region is decided), the import files and bulletin quotes that sources cite, the indicator
//! names, and the villages (read as they are checked) or counties in scope.

use std::collections::HashMap;

use anyhow::Result;
use rusqlite::{params, Connection};

use super::judge::Bounds;
use crate::model::indicator::Qualifier;
use crate::model::period::Period;

/// A stored indicator value as of the month.
#[derive(Debug, Clone)]
pub(super) struct Found {
    pub value: f64,
    pub bounds: Bounds,
    pub qualifier: Qualifier,
    pub period: Period,
    pub batch: Option<(i64, i64)>,
    pub quote: Option<i64>,
}

/// The as-of values of one region, one slot per indicator of the list they were looked up for.
pub(super) struct Values<'a> {
    indicators: &'a [&'a str],
    found: Vec<Option<Found>>,
}

impl<'a> Values<'a> {
    /// No values at all (a region nobody reported for).
    pub fn none(indicators: &'a [&'a str]) -> Values<'a> {
        Values {
            indicators,
            found: Vec::new(),
        }
    }

    /// The value of `indicator`, if the region has one at or before the month.
    pub fn get(&self, indicator: &str) -> Option<&Found> {
        let i = self.indicators.iter().position(|c| *c == indicator)?;
        self.found.get(i)?.as_ref()
    }
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

// A region's values of one month (the primary key leads with the month, then the region: one
// seek, then the region's values side by side).
const REGION_VALUES_OF_MONTH: &str =
    "SELECT indicator_code, period, value, qualifier, value_high, batch_id, line, quote_id
     FROM indicator_value
     WHERE period = ?1 AND region_code = ?2";

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

/// The latest value of each of `indicators` for `region` in `months` (those holding values at or
/// before the checked month, newest first: `indicator::months_through`). Asked region by region
/// as the regions are checked, so that nothing is held for regions already written. Nearly always
/// the newest month has them all; the walk goes on only for the ones still missing.
pub(super) fn values_as_of<'a>(
    conn: &Connection,
    months: &[Period],
    region: &str,
    indicators: &'a [&'a str],
) -> Result<Values<'a>> {
    let mut stmt = conn.prepare_cached(REGION_VALUES_OF_MONTH)?;
    let mut found: Vec<Option<Found>> = vec![None; indicators.len()];
    let mut missing = indicators.len();
    for month in months {
        if missing == 0 {
            break;
        }
        let mut rows = stmt.query(params![month, region])?;
        while let Some(r) = rows.next()? {
            let code = r.get_ref(0)?.as_str()?;
            let Some(i) = indicators.iter().position(|c| *c == code) else {
                continue;
            };
            if found[i].is_some() {
                continue;
            }
            let value: f64 = r.get(2)?;
            let qualifier = Qualifier::stored(r.get_ref(3)?.as_str()?, r.get(4)?);
            let batch: Option<i64> = r.get(5)?;
            let line: Option<i64> = r.get(6)?;
            found[i] = Some(Found {
                value,
                bounds: Bounds::stored(value, qualifier),
                qualifier,
                period: r.get(1)?,
                batch: batch.zip(line),
                quote: r.get(7)?,
            });
            missing -= 1;
        }
    }
    Ok(Values { indicators, found })
}

/// The villages of one county (or all), in code order, each handed to `f` as it is read: a
/// national check holds no list of them.
pub(super) fn for_each_village(
    conn: &Connection,
    county: Option<&str>,
    f: &mut dyn FnMut(Place) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(VILLAGES)?;
    let mut rows = stmt.query([county])?;
    while let Some(r) = rows.next()? {
        f(Place {
            code: r.get(0)?,
            name: r.get(1)?,
            parent_code: r.get(2)?,
            poverty_registered: r.get(3)?,
            county: r.get(4)?,
            province: None,
        })?;
    }
    Ok(())
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
