//! The indicator catalogue and indicator values keyed by (period, region, indicator): one value per
//! region, indicator and month, a month's values side by side.

pub mod writer;

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
    Ok(Catalogue::load(conn)?.find(code_or_name).cloned())
}

/// The catalogue held in memory, for an import that names indicators on every row (and reads
/// them on a thread without the connection).
pub struct Catalogue(Vec<Indicator>);

impl Catalogue {
    pub fn load(conn: &Connection) -> Result<Catalogue> {
        Ok(Catalogue(catalogue(conn)?))
    }

    /// As [`find`]: by code (in any case) or by Chinese name.
    pub fn find(&self, code_or_name: &str) -> Option<&Indicator> {
        let normal = crate::model::code::normalize_code(code_or_name);
        let key = normal.as_deref().unwrap_or(code_or_name).trim();
        self.0
            .iter()
            .find(|i| i.code.eq_ignore_ascii_case(key) || i.name == key)
    }
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

/// Bind `v`'s ten columns, in the table's order, to the parameters after the first `at`.
fn bind_value(stmt: &mut rusqlite::Statement, at: usize, v: &NewValue) -> rusqlite::Result<()> {
    let (batch_id, line, quote_id) = match v.source {
        Source::Batch { id, line } => (Some(id), Some(line as i64), None),
        Source::Quote(q) => (None, None, Some(q)),
    };
    stmt.raw_bind_parameter(at + 1, v.region_code)?;
    stmt.raw_bind_parameter(at + 2, v.indicator_code)?;
    stmt.raw_bind_parameter(at + 3, v.period)?;
    stmt.raw_bind_parameter(at + 4, v.value)?;
    stmt.raw_bind_parameter(at + 5, v.qualifier.code())?;
    stmt.raw_bind_parameter(at + 6, v.qualifier.high())?;
    stmt.raw_bind_parameter(at + 7, v.note)?;
    stmt.raw_bind_parameter(at + 8, batch_id)?;
    stmt.raw_bind_parameter(at + 9, line)?;
    stmt.raw_bind_parameter(at + 10, quote_id)
}

/// Runs `sql` (a statement taking one value's ten columns in the table's order) with `v`.
fn execute_with_value(conn: &Connection, sql: &str, v: &NewValue) -> Result<usize> {
    let mut stmt = conn.prepare_cached(sql)?;
    bind_value(&mut stmt, 0, v)?;
    Ok(stmt.raw_execute()?)
}

/// A value must be a finite number, whichever writer stores it.
fn refuse_infinite(v: &NewValue) -> Result<()> {
    if !v.value.is_finite() {
        bail!("指标值必须是有限数字");
    }
    Ok(())
}

/// Insert or overwrite one value. An overwritten value is kept in `history` by the triggers.
pub fn put_value(conn: &Connection, v: &NewValue) -> Result<Change> {
    refuse_infinite(v)?;
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

/// A stored value, as of a month: the latest value at or before it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StoredValue {
    pub value: f64,
    pub period: Period,
}

// The months holding values at or before ?1, newest first: a seek per month (the primary key
// leads with the month), however many values each holds.
const MONTHS_THROUGH: &str = "WITH RECURSIVE month (p) AS (
        SELECT max(period) FROM indicator_value WHERE period <= ?1
        UNION ALL
        SELECT (SELECT max(period) FROM indicator_value WHERE period < month.p)
        FROM month WHERE month.p IS NOT NULL
     )
     SELECT p FROM month WHERE p IS NOT NULL";

/// The months that hold indicator values at or before `period`, newest first: what an as-of
/// look-up walks.
pub fn months_through(conn: &Connection, period: Period) -> Result<Vec<Period>> {
    let mut stmt = conn.prepare_cached(MONTHS_THROUGH)?;
    let months = stmt
        .query_map(params![period], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<Period>>>()?;
    Ok(months)
}

const VALUE_OF_MONTH: &str = "SELECT value FROM indicator_value
     WHERE period = ?1 AND region_code = ?2 AND indicator_code = ?3";

/// The latest value of an indicator for a region at or before `period`.
pub fn value_as_of(
    conn: &Connection,
    region_code: &str,
    indicator_code: &str,
    period: Period,
) -> Result<Option<StoredValue>> {
    let mut stmt = conn.prepare_cached(VALUE_OF_MONTH)?;
    for month in months_through(conn, period)? {
        let value: Option<f64> = stmt
            .query_row(params![month, region_code, indicator_code], |r| r.get(0))
            .optional()?;
        if let Some(value) = value {
            return Ok(Some(StoredValue {
                value,
                period: month,
            }));
        }
    }
    Ok(None)
}
