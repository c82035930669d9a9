//! Exit-criteria checks (逐村逐项核查): every criterion of the `criterion` table evaluated for villages
//! or counties as of a month, each with its value, threshold, the month of the value and its source.
//!
//! Rules:
//! - Thresholds and operators come from the `criterion` table only.
//! - As of month P, a stored indicator uses its latest value at or before P; a value more than
//!   `max_value_age_months` (meta, default 12) months older than P counts as missing (12 months old
//!   is still valid). The same rule applies to the county's register snapshot behind the derived
//!   indicators. The default P is the latest month holding a register snapshot or a value of an
//!   indicator the criteria read.
//! - Three states per criterion: pass, fail, no data. A region passes only when every criterion passes;
//!   any fail makes it fail; otherwise (some no data) it is undetermined, never a pass.
//! - A value the source states as a bound (200 余人, 1 至 3) or that depends on unreported households is
//!   an interval: the criterion passes only if every value in it passes, fails only if none does, and
//!   is otherwise no data.
//!
//! Derived indicators (never imported), from the county's register snapshot:
//! - poverty incidence = people in 未脱贫 and 返贫 households × 100 ÷ the `population` indicator of the
//!   village or county (as of P, same age rule). No population, or 0, is no data. A village with no
//!   households in a register that exists has 0 poor people.
//! - safe-housing share = households with 住房安全 = 是 ÷ households that report it, over all registered
//!   households of the village (any status). Unreported households make it an interval between "all
//!   unsafe" and "all safe"; no household, or none reporting, is no data.
//! - C5 = share of the county's registered poor villages (贫困标识 = 1; unknown counts as not poor)
//!   whose verdict is pass; undetermined villages make it an interval. A county without poor villages
//!   passes vacuously, at 100%, and its source says so.
//! - C6 compares the county's value with its province's value of the same indicator (threshold_ref).
//!
//! Speed and memory (issue 16): the register is read in bulk (one pass over the snapshot month into
//! counts per village) and the small look-up tables once; then the regions are decided one by one
//! ([`Check`]), each with one primary-key seek per indicator for its as-of values, and handed to
//! the renderer, which writes it and lets it go. Nothing but the counts per village grows with the
//! size of the check.

use std::collections::HashSet;

use anyhow::{bail, Result};
use rusqlite::Connection;

use crate::model::period::Period;
use crate::model::region::{self, Level};
use evaluate::Checker;

mod asof;
mod evaluate;
pub mod facts;
mod households;
mod inputs;
mod judge;
mod labels;
pub mod register;
pub mod render;
mod render_xlsx;
mod result;
mod run;

use asof::checked_county;
pub use asof::{latest_period, max_age_months, resolve_period, DEFAULT_MAX_AGE_MONTHS};
pub use facts::{check_facts, FactComparison, FactStatus, FactsReport};
pub use households::{
    check_households, HouseholdCheck, HouseholdFinding, HouseholdReport, MonitoringLine,
    MonitoringReason, RegisterUsed,
};
pub use judge::{judge, Bounds};
pub use result::{
    CriterionResult, CriterionStatus, RegionResult, Regions, Report, Scope, Tally, Verdict,
};
pub use run::Check;

/// Check every village in scope against the village criteria, as of `period` (None: the latest
/// month with data), collected. [`Check::villages`] hands them on one by one instead.
pub fn check_villages(conn: &Connection, period: Option<Period>, scope: &Scope) -> Result<Report> {
    Check::villages(conn, period, scope)?.collect()
}

/// Check every county in scope against the county criteria, as of `period` (None: the latest month
/// with data), collected. [`Check::counties`] hands them on one by one instead.
pub fn check_counties(conn: &Connection, period: Option<Period>, scope: &Scope) -> Result<Report> {
    Check::counties(conn, period, scope)?.collect()
}

/// The registered poor villages and the counties among `counties`, checked together from one read
/// of the data (charts need both, month after month, but only for the counties they draw).
pub fn check_poor_villages_and_counties(
    conn: &Connection,
    period: Option<Period>,
    counties: &[String],
) -> Result<(Report, Report)> {
    let period = resolve_period(conn, period)?;
    for c in counties {
        checked_county(conn, Some(c))?;
    }
    let one = match counties {
        [c] => Some(c.as_str()),
        _ => None,
    };
    let checker = Checker::new(conn, period, one)?;
    let wanted: HashSet<&str> = counties.iter().map(String::as_str).collect();
    let mut villages = Vec::new();
    checker.for_each_village(
        one,
        &|v| v.poverty_registered == Some(true) && wanted.contains(v.county.as_str()),
        &mut |_, r| {
            villages.push(r);
            Ok(())
        },
    )?;
    let mut county_results = Vec::new();
    checker.for_each_county(one, &|c| wanted.contains(c.code.as_str()), &mut |_, r| {
        county_results.push(r);
        Ok(())
    })?;
    Ok((
        Report {
            period,
            level: Level::Village,
            regions: villages,
            rules: checker.village_criteria.clone(),
        },
        Report {
            period,
            level: Level::County,
            regions: county_results,
            rules: checker.county_criteria,
        },
    ))
}

/// The member rows behind the failed standards of a village's households (national exports), in
/// its county's register snapshot as of `period`: that month and the rows.
pub fn village_evidence(
    conn: &Connection,
    period: Period,
    village: &str,
) -> Result<Option<(Period, Vec<crate::model::evidence::HouseholdEvidence>)>> {
    let Some(county) = region::county_of(conn, village)? else {
        return Ok(None);
    };
    let snapshots = register::latest_snapshots(conn, period, Some(&county))?;
    let Some(snapshot) = snapshots.get(&county) else {
        return Ok(None);
    };
    let rows = crate::model::evidence::for_village(conn, snapshot.period, village)?;
    Ok(Some((snapshot.period, rows)))
}

/// Every criterion of one village or county, as of `period` (None: the latest month with data).
/// Returns the month checked, the region's level and its result.
pub fn explain(
    conn: &Connection,
    code: &str,
    period: Option<Period>,
) -> Result<(Period, Level, RegionResult)> {
    let r = region::get(conn, code)?;
    let period = resolve_period(conn, period)?;
    let check = match r.level {
        Level::Village => Check::villages(
            conn,
            Some(period),
            &Scope {
                county: region::county_of(conn, code)?,
                only_poor: false,
            },
        )?,
        Level::County => Check::counties(
            conn,
            Some(period),
            &Scope {
                county: Some(code.to_string()),
                only_poor: false,
            },
        )?,
        other => bail!(
            "{}（{}）是{}级区划；只能解释村或县 (explain takes a village or county)",
            r.name,
            r.code,
            other.chinese()
        ),
    };
    let mut found = None;
    check.each(&mut |x| {
        if x.code == code {
            found = Some(x);
        }
        Ok(())
    })?;
    match found {
        Some(f) => Ok((period, r.level, f)),
        None => bail!("区划 {code} 不在核查范围内"),
    }
}
