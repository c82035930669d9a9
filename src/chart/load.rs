//! Reading what a chart shows from the database, one function per kind. The renderers never touch
//! the database; the criteria-based kinds and the report get their own loaders beside these.

use anyhow::{bail, Result};
use rusqlite::{params, Connection};

use super::households::{HouseholdMonth, HouseholdsData, StatusCounts};
use super::indicator::{IndicatorData, IndicatorPoint};
use crate::model::bulletin::Bulletin;
use crate::model::household::HouseholdStatus;
use crate::model::indicator::{Qualifier, ValueType};
use crate::model::period::Period;
use crate::model::region::Level;
use crate::output::figure;

/// "起始统计期 … 晚于结束统计期 …" when the range is reversed.
fn check_range(from: Option<Period>, to: Option<Period>) -> Result<()> {
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            bail!("起始统计期 {f} 晚于结束统计期 {t}");
        }
    }
    Ok(())
}

/// "在 2019-01 至 2019-12 ", or nothing when the range is open.
fn range_words(from: Option<Period>, to: Option<Period>) -> String {
    match (from, to) {
        (Some(f), Some(t)) => format!("在 {f} 至 {t} "),
        (Some(f), None) => format!("在 {f} 以后"),
        (None, Some(t)) => format!("在 {t} 以前"),
        (None, None) => String::new(),
    }
}

// The months holding values within ?3..?4 (either open), oldest first, a seek each (the key
// leads with the month), then the region's value of each month: a seek per month, not a scan.
const INDICATOR_SERIES: &str = "WITH RECURSIVE month (p) AS (
        SELECT min(period) FROM indicator_value WHERE period >= coalesce(?3, '')
        UNION ALL
        SELECT (SELECT min(period) FROM indicator_value WHERE period > month.p)
        FROM month WHERE month.p IS NOT NULL AND (?4 IS NULL OR month.p < ?4)
     )
     SELECT v.period, v.value, v.qualifier, v.value_high,
            b.file_name, v.line, bu.issue_no, bu.total_no, bu.date, bu.title, bu.publisher
     FROM month
     JOIN indicator_value v ON v.period = month.p AND v.region_code = ?1 AND v.indicator_code = ?2
     LEFT JOIN import_batch b ON b.id = v.batch_id
     LEFT JOIN bulletin_quote q ON q.id = v.quote_id
     LEFT JOIN bulletin bu ON bu.id = q.bulletin_id
     WHERE ?4 IS NULL OR v.period <= ?4
     ORDER BY v.period";

/// One indicator of one region, each value with its source. The months shown are `from`..`to`,
/// defaulting to the first and last month with a value.
pub fn indicator(
    conn: &Connection,
    region_code: &str,
    indicator: &str,
    from: Option<Period>,
    to: Option<Period>,
) -> Result<IndicatorData> {
    check_range(from, to)?;
    let region = crate::model::region::get(conn, region_code)?;
    let Some(ind) = crate::model::indicator::find(conn, indicator)? else {
        bail!("指标 {indicator:?} 不存在；可用指标代码或中文名称 (unknown indicator)");
    };
    let boolean = ind.value_type == ValueType::Boolean;
    let mut stmt = conn.prepare_cached(INDICATOR_SERIES)?;
    let mut rows = stmt.query(params![region.code, ind.code, from, to])?;
    let mut points = Vec::new();
    let mut files: Vec<String> = Vec::new();
    let mut issues: Vec<String> = Vec::new();
    while let Some(r) = rows.next()? {
        let period: Period = r.get(0)?;
        let value: f64 = r.get(1)?;
        let qualifier: String = r.get(2)?;
        let high: Option<f64> = r.get(3)?;
        let label = figure::as_stated(value, Qualifier::stored(&qualifier, high), &ind.unit);
        let source = match (
            r.get::<_, Option<String>>(4)?,
            r.get::<_, Option<String>>(8)?,
        ) {
            (Some(file), _) => {
                let line: i64 = r.get(5)?;
                if !files.contains(&file) {
                    files.push(file.clone());
                }
                format!("{file} 第 {line} 行")
            }
            (None, Some(date)) => {
                let b = Bulletin {
                    issue_no: r.get(6)?,
                    total_no: r.get(7)?,
                    date,
                    title: r.get(9)?,
                    publisher: r.get(10)?,
                };
                let cite = format!("《脱贫攻坚快报》{}", b.citation());
                if !issues.contains(&cite) {
                    issues.push(cite.clone());
                }
                cite
            }
            (None, None) => String::new(),
        };
        points.push(IndicatorPoint {
            period,
            value,
            label,
            source,
        });
    }
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        bail!(
            "{}（{}）的{}{}没有数据",
            region.name,
            region.code,
            ind.name,
            range_words(from, to)
        );
    };
    let mut source: Vec<String> = issues;
    match files.len() {
        0 => {}
        1 | 2 => source.push(format!("导入文件 {}", files.join(", "))),
        n => source.push(format!("导入文件 {n} 个")),
    }
    Ok(IndicatorData {
        region_name: region.name,
        indicator_name: ind.name,
        unit: ind.unit,
        boolean,
        from: from.unwrap_or(first.period),
        to: to.unwrap_or(last.period),
        source: source.join("; "),
        points,
    })
}

// The IN list is built once per query; joining the region_county view row by row is several times
// slower on a large register.
const HOUSEHOLD_COUNTS: &str = "SELECT hs.period, hs.status, count(*)
     FROM household_snapshot hs
     WHERE hs.village_code IN (SELECT code FROM region_county WHERE county_code = ?1)
       AND (?2 IS NULL OR hs.period >= ?2) AND (?3 IS NULL OR hs.period <= ?3)
     GROUP BY hs.period, hs.status
     ORDER BY hs.period";

const HOUSEHOLD_BATCHES: &str = "SELECT DISTINCT b.file_name
     FROM register_snapshot r
     JOIN import_batch b ON b.id = r.batch_id
     WHERE r.county_code = ?1
       AND (?2 IS NULL OR r.period >= ?2) AND (?3 IS NULL OR r.period <= ?3)
     ORDER BY b.file_name";

/// Registered households of one county per month and status, from the monthly register snapshots.
pub fn households(
    conn: &Connection,
    county_code: &str,
    from: Option<Period>,
    to: Option<Period>,
) -> Result<HouseholdsData> {
    check_range(from, to)?;
    let county = crate::model::region::get(conn, county_code)?;
    if county.level != Level::County {
        bail!(
            "{}（{}）不是县级区划；--county 应为县、区或县级市代码",
            county.name,
            county.code
        );
    }
    let mut months: Vec<HouseholdMonth> = Vec::new();
    let mut stmt = conn.prepare_cached(HOUSEHOLD_COUNTS)?;
    let mut rows = stmt.query(params![county.code, from, to])?;
    while let Some(r) = rows.next()? {
        let period: Period = r.get(0)?;
        let status: String = r.get(1)?;
        let status = match HouseholdStatus::from_code(&status) {
            Some(s) => s,
            None => bail!("未知的脱贫状态 {status:?}"),
        };
        let n: i64 = r.get(2)?;
        if !matches!(months.last(), Some(m) if m.period == period) {
            months.push(HouseholdMonth {
                period,
                counts: StatusCounts::default(),
            });
        }
        let Some(m) = months.last_mut() else {
            continue;
        };
        let n = n.max(0) as u64;
        match status {
            HouseholdStatus::Poor => m.counts.poor += n,
            HouseholdStatus::Exited => m.counts.exited += n,
            HouseholdStatus::Returned => m.counts.returned += n,
        }
    }
    let (Some(first), Some(last)) = (months.first(), months.last()) else {
        bail!(
            "{}（{}）{}没有建档立卡户数据；请先导入该县的月度台账",
            county.name,
            county.code,
            range_words(from, to)
        );
    };
    let (first, last) = (first.period, last.period);
    let files: Vec<String> = conn
        .prepare_cached(HOUSEHOLD_BATCHES)?
        .query_map(params![county.code, from, to], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let source = match files.len() {
        1 | 2 => format!("建档立卡月度台账 (导入文件 {})", files.join(", ")),
        n => format!("建档立卡月度台账 (导入文件 {n} 个)"),
    };
    Ok(HouseholdsData {
        region_name: county.name,
        from: from.unwrap_or(first),
        to: to.unwrap_or(last),
        months,
        source,
    })
}
