//! The indicator catalogue and indicator values keyed by (region, indicator, period).

use std::str::FromStr;

use anyhow::{bail, Result};
use rusqlite::{params, Connection, OptionalExtension};

use crate::model::period::Period;
use crate::model::region::Level;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueType {
    /// A whole number ≥ 0 (people, households).
    Count,
    /// Any number ≥ 0 (areas, ratios).
    Number,
    /// Money ≥ 0.
    Yuan,
    /// A share, 0–100.
    Percent,
    /// A change in percent; may be negative (income growth).
    PercentChange,
    /// 是/否, stored 1/0.
    Boolean,
}

impl ValueType {
    pub fn code(self) -> &'static str {
        match self {
            ValueType::Count => "count",
            ValueType::Number => "number",
            ValueType::Yuan => "yuan",
            ValueType::Percent => "percent",
            ValueType::PercentChange => "percent_change",
            ValueType::Boolean => "boolean",
        }
    }

    /// Read a cell as this type; the error is a Chinese sentence for the user (quoting the cell:
    /// the reason why a number is not one, such as a decimal comma, included).
    pub fn parse(self, raw: &str) -> Result<f64, String> {
        use crate::model::cell::{parse_bool, read_integer, read_number};
        let shown = raw.trim();
        match self {
            ValueType::Boolean => parse_bool(raw)
                .map(|b| if b { 1.0 } else { 0.0 })
                .ok_or_else(|| format!("{shown:?} 不是是/否值（是/否、有/无、Y/N、1/0）")),
            ValueType::Count => match read_integer(raw) {
                Ok(v) if v >= 0 => Ok(v as f64),
                Ok(_) => Err(format!("{shown:?} 为负数；应为 ≥ 0 的整数")),
                Err(e) => Err(format!("{shown:?} {}", e.explain("不是整数"))),
            },
            ValueType::Number | ValueType::Yuan => match read_number(raw) {
                Ok(v) if v >= 0.0 => Ok(v),
                Ok(_) => Err(format!("{shown:?} 为负数；应 ≥ 0")),
                Err(e) => Err(format!("{shown:?} {}", e.explain("不是数字"))),
            },
            ValueType::Percent => {
                let t = raw.trim().trim_end_matches(['%', '％']);
                match read_number(t) {
                    Ok(v) if (0.0..=100.0).contains(&v) => Ok(v),
                    Ok(_) => Err(format!("{shown:?} 超出百分比范围 0–100")),
                    Err(e) => Err(format!("{shown:?} {}", e.explain("不是百分比数字"))),
                }
            }
            ValueType::PercentChange => {
                let t = raw.trim().trim_end_matches(['%', '％']);
                match read_number(t) {
                    Ok(v) if (-100.0..=1000.0).contains(&v) => Ok(v),
                    Ok(_) => Err(format!("{shown:?} 超出增幅范围 -100–1000")),
                    Err(e) => Err(format!("{shown:?} {}", e.explain("不是百分比数字"))),
                }
            }
        }
    }
}

impl FromStr for ValueType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s.trim() {
            "count" => ValueType::Count,
            "number" => ValueType::Number,
            "yuan" => ValueType::Yuan,
            "percent" => ValueType::Percent,
            "percent_change" => ValueType::PercentChange,
            "boolean" => ValueType::Boolean,
            other => return Err(format!("未知的值类型 {other:?}")),
        })
    }
}

impl rusqlite::types::FromSql for ValueType {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        v.as_str()?
            .parse()
            .map_err(|e: String| rusqlite::types::FromSqlError::Other(e.into()))
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Indicator {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub value_type: ValueType,
    pub levels: Vec<Level>,
    pub derived: bool,
}

impl Indicator {
    pub fn applies_to(&self, level: Level) -> bool {
        self.levels.contains(&level)
    }
}

const SELECT_INDICATOR: &str = "SELECT i.code, i.name, i.unit, i.value_type, i.derived,
            (SELECT group_concat(l.level, ' ') FROM indicator_level l WHERE l.indicator_code = i.code)
     FROM indicator i";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Indicator> {
    let levels: Option<String> = r.get(5)?;
    Ok(Indicator {
        code: r.get(0)?,
        name: r.get(1)?,
        unit: r.get(2)?,
        value_type: r.get(3)?,
        derived: r.get(4)?,
        levels: levels
            .unwrap_or_default()
            .split_whitespace()
            .filter_map(|l| l.parse().ok())
            .collect(),
    })
}

/// The whole catalogue, in code order.
pub fn catalogue(conn: &Connection) -> Result<Vec<Indicator>> {
    let mut stmt = conn.prepare(&format!("{SELECT_INDICATOR} ORDER BY i.code"))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// An indicator by its code or its Chinese name (as CSV headers and long-form rows may name it),
/// compared in the normal form of codes (`model::code`: full width, invisible characters).
pub fn find(conn: &Connection, code_or_name: &str) -> Result<Option<Indicator>> {
    let normal = crate::model::code::normalize_code(code_or_name);
    let key = normal.as_deref().unwrap_or(code_or_name).trim();
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT_INDICATOR} WHERE i.code = lower(?1) OR i.name = ?1"
    ))?;
    Ok(stmt.query_row([key], from_row).optional()?)
}

/// Where a value came from: a line of an import batch, or a bulletin quote.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Source {
    Batch { id: i64, line: u64 },
    Quote(i64),
}

/// How the source states a figure (200 余人 is at least 200).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Qualifier {
    Exact,
    AtLeast,
    About,
    AtMost,
    Range(f64),
}

impl Qualifier {
    pub fn code(self) -> &'static str {
        match self {
            Qualifier::Exact => "exact",
            Qualifier::AtLeast => "at_least",
            Qualifier::About => "about",
            Qualifier::AtMost => "at_most",
            Qualifier::Range(_) => "range",
        }
    }

    /// How a reviewer reads it: 确数, 以上, 约, 不超过, 区间.
    pub fn chinese(self) -> &'static str {
        match self {
            Qualifier::Exact => "确数",
            Qualifier::AtLeast => "以上",
            Qualifier::About => "约",
            Qualifier::AtMost => "不超过",
            Qualifier::Range(_) => "区间",
        }
    }

    /// The high end of a range.
    pub fn high(self) -> Option<f64> {
        match self {
            Qualifier::Range(h) => Some(h),
            _ => None,
        }
    }

    /// A qualifier as a reviewer writes it: its code or its Chinese name (余/多/以上 …), with the
    /// high end a range needs.
    pub fn from_text(text: &str, high: Option<f64>) -> Result<Qualifier, String> {
        let code = match text.trim() {
            "确数" | "精确" | "准确" => "exact",
            "以上" | "余" | "多" | "不少于" | "至少" | "超过" => "at_least",
            "约" | "左右" | "近" | "预计" => "about",
            "不超过" | "以内" | "以下" | "至多" => "at_most",
            "区间" | "至" | "范围" => "range",
            other => other,
        };
        Qualifier::parse(&code.to_ascii_lowercase(), high)
    }

    /// Read the qualifier columns of a data file (`range` needs the high end).
    pub fn parse(code: &str, high: Option<f64>) -> Result<Qualifier, String> {
        Ok(match (code.trim(), high) {
            ("" | "exact", None) => Qualifier::Exact,
            ("at_least", None) => Qualifier::AtLeast,
            ("about", None) => Qualifier::About,
            ("at_most", None) => Qualifier::AtMost,
            ("range", Some(h)) => Qualifier::Range(h),
            ("range", None) => return Err("qualifier range 需要 value_high".into()),
            (q, _) => return Err(format!("qualifier {q:?} 无效或不应有 value_high")),
        })
    }

    /// Read the qualifier columns of a stored value. schema.sql allows only the five codes and a
    /// high end exactly for `range`; anything else reads as exact.
    pub fn stored(code: &str, high: Option<f64>) -> Qualifier {
        Qualifier::parse(code, high).unwrap_or(Qualifier::Exact)
    }
}

pub struct NewValue<'a> {
    pub region_code: &'a str,
    pub indicator_code: &'a str,
    pub period: Period,
    pub value: f64,
    pub qualifier: Qualifier,
    pub note: Option<&'a str>,
    pub source: Source,
}

/// What writing a value did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Inserted,
    Updated,
    Unchanged,
}

// The WHERE clause keeps a re-write of the same figure from touching the row (it keeps its first
// source and note), so history records only real changes; the history triggers of schema.sql keep
// the old row of an update.
const UPSERT_VALUE: &str = "INSERT INTO indicator_value
        (region_code, indicator_code, period, value, qualifier, value_high, note, batch_id, line, quote_id)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
     ON CONFLICT (region_code, indicator_code, period) DO UPDATE SET
        value = excluded.value, qualifier = excluded.qualifier, value_high = excluded.value_high,
        note = excluded.note, batch_id = excluded.batch_id, line = excluded.line, quote_id = excluded.quote_id
     WHERE (value, qualifier, value_high) IS NOT (excluded.value, excluded.qualifier, excluded.value_high)";

const VALUE_EXISTS: &str =
    "SELECT 1 FROM indicator_value WHERE region_code = ?1 AND indicator_code = ?2 AND period = ?3";

/// Runs `sql` (UPSERT_VALUE or INSERT_INCOMING: both take a value's ten columns in the table's
/// order) with `v`.
fn execute_with_value(conn: &Connection, sql: &str, v: &NewValue) -> Result<usize> {
    let (batch_id, line, quote_id) = match v.source {
        Source::Batch { id, line } => (Some(id), Some(line as i64), None),
        Source::Quote(q) => (None, None, Some(q)),
    };
    Ok(conn.prepare_cached(sql)?.execute(params![
        v.region_code,
        v.indicator_code,
        v.period,
        v.value,
        v.qualifier.code(),
        v.qualifier.high(),
        v.note,
        batch_id,
        line,
        quote_id,
    ])?)
}

/// Insert or overwrite one value. An overwritten value is kept in `history` by the triggers.
pub fn put_value(conn: &Connection, v: &NewValue) -> Result<Change> {
    if !v.value.is_finite() {
        bail!("指标值必须是有限数字");
    }
    let existed = conn.prepare_cached(VALUE_EXISTS)?.exists(params![
        v.region_code,
        v.indicator_code,
        v.period
    ])?;
    let changed = execute_with_value(conn, UPSERT_VALUE, v)?;
    Ok(match (existed, changed) {
        (false, _) => Change::Inserted,
        (true, 0) => Change::Unchanged,
        (true, _) => Change::Updated,
    })
}

// The values of an import waiting to be stored together (ValueWriter): a temporary table with
// indicator_value's columns and none of its keys, indexes or triggers, so that filling it is cheap.
const CREATE_INCOMING: &str = "CREATE TEMP TABLE IF NOT EXISTS incoming_value (
        region_code TEXT NOT NULL, indicator_code TEXT NOT NULL, period TEXT NOT NULL,
        value REAL NOT NULL, qualifier TEXT NOT NULL, value_high REAL, note TEXT,
        batch_id INTEGER, line INTEGER, quote_id INTEGER)";
const INSERT_INCOMING: &str = "INSERT INTO temp.incoming_value
        (region_code, indicator_code, period, value, qualifier, value_high, note, batch_id, line, quote_id)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
// How many of the waiting values are already stored: one join instead of a look-up per value.
const INCOMING_STORED: &str = "SELECT count(*) FROM temp.incoming_value i
     JOIN indicator_value v
       ON v.region_code = i.region_code AND v.indicator_code = i.indicator_code AND v.period = i.period";
// UPSERT_VALUE for every waiting value at once (`WHERE true` lets SQLite parse the upsert of a
// SELECT); the same WHERE keeps an unchanged figure's row untouched.
const UPSERT_INCOMING: &str = "INSERT INTO indicator_value
        (region_code, indicator_code, period, value, qualifier, value_high, note, batch_id, line, quote_id)
     SELECT region_code, indicator_code, period, value, qualifier, value_high, note, batch_id, line, quote_id
     FROM temp.incoming_value WHERE true
     ON CONFLICT (region_code, indicator_code, period) DO UPDATE SET
        value = excluded.value, qualifier = excluded.qualifier, value_high = excluded.value_high,
        note = excluded.note, batch_id = excluded.batch_id, line = excluded.line, quote_id = excluded.quote_id
     WHERE (value, qualifier, value_high) IS NOT (excluded.value, excluded.qualifier, excluded.value_high)";
const CLEAR_INCOMING: &str = "DELETE FROM temp.incoming_value";

/// Values stored per set-based step of a [`ValueWriter`].
const WRITE_BATCH: usize = 8192;

/// Many values written as [`put_value`] writes one, with the same outcome and counts, but set-based:
/// they wait in a temporary table and every [`WRITE_BATCH`] of them is checked for existence with
/// one join and stored with one upsert. A key must not repeat within one writer (the import refuses
/// a value given twice before it gets here).
pub struct ValueWriter<'c> {
    conn: &'c Connection,
    pending: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
}

impl<'c> ValueWriter<'c> {
    pub fn new(conn: &'c Connection) -> Result<ValueWriter<'c>> {
        conn.execute_batch(CREATE_INCOMING)?;
        conn.prepare_cached(CLEAR_INCOMING)?.execute([])?;
        Ok(ValueWriter {
            conn,
            pending: 0,
            inserted: 0,
            updated: 0,
            unchanged: 0,
        })
    }

    pub fn put(&mut self, v: &NewValue) -> Result<()> {
        if !v.value.is_finite() {
            bail!("指标值必须是有限数字");
        }
        execute_with_value(self.conn, INSERT_INCOMING, v)?;
        self.pending += 1;
        if self.pending as usize >= WRITE_BATCH {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        if self.pending == 0 {
            return Ok(());
        }
        let stored: i64 = self
            .conn
            .prepare_cached(INCOMING_STORED)?
            .query_row([], |r| r.get(0))?;
        let stored = stored as u64;
        let changed = self.conn.prepare_cached(UPSERT_INCOMING)?.execute([])? as u64;
        let inserted = self.pending - stored;
        let updated = changed.saturating_sub(inserted);
        self.inserted += inserted;
        self.updated += updated;
        self.unchanged += stored - updated;
        self.conn.prepare_cached(CLEAR_INCOMING)?.execute([])?;
        self.pending = 0;
        Ok(())
    }

    /// Store what still waits; the counts are final afterwards.
    pub fn finish(mut self) -> Result<ValueWriter<'c>> {
        self.flush()?;
        Ok(self)
    }
}

/// A stored value, as of a month: the latest value at or before it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StoredValue {
    pub value: f64,
    pub period: Period,
}

const VALUE_AS_OF: &str = "SELECT value, period FROM indicator_value
     WHERE region_code = ?1 AND indicator_code = ?2 AND period <= ?3
     ORDER BY period DESC LIMIT 1";

/// The latest value of an indicator for a region at or before `period`.
pub fn value_as_of(
    conn: &Connection,
    region_code: &str,
    indicator_code: &str,
    period: Period,
) -> Result<Option<StoredValue>> {
    let mut stmt = conn.prepare_cached(VALUE_AS_OF)?;
    Ok(stmt
        .query_row(params![region_code, indicator_code, period], |r| {
            Ok(StoredValue {
                value: r.get(0)?,
                period: r.get(1)?,
            })
        })
        .optional()?)
}
