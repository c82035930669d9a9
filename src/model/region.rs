//! The administrative hierarchy: province → city → county → township → village.

use std::fmt;
use std::str::FromStr;

use anyhow::{bail, Result};
use rusqlite::{params, Connection, OptionalExtension, Row};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Province,
    City,
    County,
    Township,
    Village,
}

impl Level {
    pub const ALL: [Level; 5] = [
        Level::Province,
        Level::City,
        Level::County,
        Level::Township,
        Level::Village,
    ];

    /// The code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            Level::Province => "province",
            Level::City => "city",
            Level::County => "county",
            Level::Township => "township",
            Level::Village => "village",
        }
    }

    /// The Chinese name users write in CSV files.
    pub fn chinese(self) -> &'static str {
        match self {
            Level::Province => "省",
            Level::City => "市",
            Level::County => "县",
            Level::Township => "乡镇",
            Level::Village => "村",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Level {
    type Err = String;

    /// Accepts the English code or the Chinese name (县/区/县级市 all mean county).
    fn from_str(s: &str) -> Result<Level, String> {
        let t = s.trim();
        let level = match t.to_ascii_lowercase().as_str() {
            "province" | "省" => Level::Province,
            "city" | "市" | "地级市" => Level::City,
            "county" | "县" | "区" | "县级市" | "县/区" | "县区" => Level::County,
            "township" | "乡镇" | "乡" | "镇" | "街道" => Level::Township,
            "village" | "村" | "行政村" => Level::Village,
            _ => return Err(format!("级别 {t:?} 无法识别；应为 省 市 县 乡镇 村 或 province city county township village")),
        };
        Ok(level)
    }
}

impl rusqlite::types::FromSql for Level {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        v.as_str()?
            .parse()
            .map_err(|e: String| rusqlite::types::FromSqlError::Other(e.into()))
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Region {
    pub code: String,
    pub name: String,
    pub level: Level,
    pub parent_code: Option<String>,
    pub poverty_registered: Option<bool>,
    pub planned_exit_year: Option<i32>,
    pub code_official: bool,
}

const SELECT_REGION: &str =
    "SELECT code, name, level, parent_code, poverty_registered, planned_exit_year, code_official
     FROM region";

fn from_row(r: &Row) -> rusqlite::Result<Region> {
    Ok(Region {
        code: r.get(0)?,
        name: r.get(1)?,
        level: r.get(2)?,
        parent_code: r.get(3)?,
        poverty_registered: r.get(4)?,
        planned_exit_year: r.get(5)?,
        code_official: r.get(6)?,
    })
}

/// One region by code, or None.
pub fn find(conn: &Connection, code: &str) -> Result<Option<Region>> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT_REGION} WHERE code = ?1"))?;
    Ok(stmt.query_row([code], from_row).optional()?)
}

/// One region by code, or a clear error naming the unknown code.
pub fn get(conn: &Connection, code: &str) -> Result<Region> {
    match find(conn, code)? {
        Some(r) => Ok(r),
        None => bail!("区划代码 {code:?} 不存在 (unknown region code)"),
    }
}

/// The direct children of a region, by code.
pub fn children(conn: &Connection, code: &str) -> Result<Vec<Region>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT_REGION} WHERE parent_code = ?1 ORDER BY code"
    ))?;
    let rows = stmt.query_map([code], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// All regions of one level, by code.
pub fn of_level(conn: &Connection, level: Level) -> Result<Vec<Region>> {
    let mut stmt =
        conn.prepare_cached(&format!("{SELECT_REGION} WHERE level = ?1 ORDER BY code"))?;
    let rows = stmt.query_map([level.code()], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The province code used when the region table has no province row yet: 21, 辽宁省.
pub const DEFAULT_PROVINCE: &str = "21";

const PROVINCE: &str = "SELECT code FROM region WHERE level = 'province' ORDER BY code LIMIT 1";

/// The province's code (the first province row; a database holds one province), else
/// [`DEFAULT_PROVINCE`]. Names the province-wide charts.
pub fn province_code(conn: &Connection) -> Result<String> {
    let mut stmt = conn.prepare_cached(PROVINCE)?;
    Ok(stmt
        .query_row([], |r| r.get(0))
        .optional()?
        .unwrap_or_else(|| DEFAULT_PROVINCE.to_string()))
}

/// The county a township or village belongs to (a county is its own county).
pub fn county_of(conn: &Connection, code: &str) -> Result<Option<String>> {
    let mut stmt = conn.prepare_cached("SELECT county_code FROM region_county WHERE code = ?1")?;
    Ok(stmt.query_row([code], |r| r.get(0)).optional()?)
}

/// Where a region row came from: a file line and, for regions the bulletins name, the sentence.
pub struct RegionSource {
    pub batch_id: i64,
    pub line: u64,
    pub quote_id: Option<i64>,
}

const INSERT_REGION: &str = "INSERT INTO region
     (code, name, level, parent_code, poverty_registered, planned_exit_year, code_official, batch_id, line, quote_id)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

pub fn insert(conn: &Connection, r: &Region, src: &RegionSource) -> Result<()> {
    conn.prepare_cached(INSERT_REGION)?.execute(params![
        r.code,
        r.name,
        r.level.code(),
        r.parent_code,
        r.poverty_registered,
        r.planned_exit_year,
        r.code_official,
        src.batch_id,
        src.line as i64,
        src.quote_id,
    ])?;
    Ok(())
}

const INSERT_QUOTED: &str =
    "INSERT INTO region (code, name, level, parent_code, code_official, quote_id)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

/// Insert a region a bulletin names (no file: its source is the sentence).
pub fn insert_quoted(conn: &Connection, r: &Region, quote_id: i64) -> Result<()> {
    conn.prepare_cached(INSERT_QUOTED)?.execute(params![
        r.code,
        r.name,
        r.level.code(),
        r.parent_code,
        r.code_official,
        quote_id,
    ])?;
    Ok(())
}

/// The letter of a provisional code at a level: `<county>-T01` for a township, `<township>-V01`
/// for a village (as `data/regions.csv` writes them).
fn provisional_letter(level: Level) -> char {
    match level {
        Level::Township => 'T',
        Level::Village => 'V',
        Level::County => 'C',
        Level::City | Level::Province => 'P',
    }
}

/// The next free provisional code for a region of `level` under `parent`: `210922-T02` after
/// `210922-T01`.
pub fn next_provisional_code(conn: &Connection, parent: &str, level: Level) -> Result<String> {
    let prefix = format!("{parent}-{}", provisional_letter(level));
    let mut stmt = conn.prepare_cached("SELECT code FROM region WHERE parent_code = ?1")?;
    let codes: Vec<String> = stmt
        .query_map([parent], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let used = codes
        .iter()
        .filter_map(|c| c.strip_prefix(&prefix)?.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    Ok(format!("{prefix}{:02}", used + 1))
}

/// A child of `parent` by name and level (a place a bulletin names again).
pub fn find_child(
    conn: &Connection,
    parent: &str,
    name: &str,
    level: Level,
) -> Result<Option<Region>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT_REGION} WHERE parent_code = ?1 AND name = ?2 AND level = ?3 ORDER BY code LIMIT 1"
    ))?;
    Ok(stmt
        .query_row(params![parent, name, level.code()], from_row)
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_in_both_languages() {
        assert_eq!("村".parse::<Level>(), Ok(Level::Village));
        assert_eq!(" Township ".parse::<Level>(), Ok(Level::Township));
        assert_eq!("区".parse::<Level>(), Ok(Level::County));
        assert!("组".parse::<Level>().is_err());
    }

    #[test]
    fn the_province_code_falls_back_to_liaoning() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(include_str!("../../schema.sql"))
            .unwrap();
        assert_eq!(province_code(&conn).unwrap(), "21");
        conn.execute_batch(
            "INSERT INTO region (code, name, level) VALUES ('22', '吉林省', 'province');
             INSERT INTO region (code, name, level, parent_code) VALUES ('2201', '长春市', 'city', '22');",
        )
        .unwrap();
        assert_eq!(province_code(&conn).unwrap(), "22");
    }
}
