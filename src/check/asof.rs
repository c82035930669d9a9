//! What a check is run for: the month (the one asked for, else the latest with data), the age
//! limit of the values it may use, and the county it is limited to.

use anyhow::{bail, Result};
use rusqlite::Connection;

use crate::model::period::Period;
use crate::model::region::{self, Level};

/// Default for meta `max_value_age_months` when the database has none.
pub const DEFAULT_MAX_AGE_MONTHS: i64 = 12;

// The months that hold data the criteria use: register snapshots and values of the indicators the
// criteria read (population is the incidence denominator). Bulletin facts about other indicators, such
// as the 低保 standard from 2019-07, do not move the default month.
const LATEST_PERIOD: &str = "SELECT max(p) FROM (
        SELECT max(period) AS p FROM register_snapshot
        UNION ALL
        SELECT max(period) FROM indicator_value
        WHERE indicator_code IN (SELECT indicator_code FROM criterion UNION SELECT 'population'))";

const NO_DATA: &str =
    "数据库中还没有可核查的数据；请先导入台账或指标，或用 --period 指定统计期 (no data)";

/// The latest month with data the checks use, if any.
pub fn latest_period(conn: &Connection) -> Result<Option<Period>> {
    Ok(conn.query_row(LATEST_PERIOD, [], |r| r.get(0))?)
}

/// The month to check: the one asked for, else the latest with data.
pub fn resolve_period(conn: &Connection, asked: Option<Period>) -> Result<Period> {
    match asked {
        Some(p) => Ok(p),
        None => match latest_period(conn)? {
            Some(p) => Ok(p),
            None => bail!(NO_DATA),
        },
    }
}

/// The value-age limit from meta `max_value_age_months`.
pub fn max_age_months(conn: &Connection) -> Result<i64> {
    Ok(crate::db::setting::<f64>(conn, "max_value_age_months")?
        .map(|m| m as i64)
        .unwrap_or(DEFAULT_MAX_AGE_MONTHS))
}

/// The `--county` code, refused unless it names a county.
pub fn checked_county<'a>(conn: &Connection, county: Option<&'a str>) -> Result<Option<&'a str>> {
    if let Some(code) = county {
        let r = region::get(conn, code)?;
        if r.level != Level::County {
            bail!(
                "{}（{}）是{}级区划，不是县 (--county takes a county code)",
                r.name,
                r.code,
                r.level.chinese()
            );
        }
    }
    Ok(county)
}
