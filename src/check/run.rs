//! A check of villages or counties as of a month, run region by region: the inputs are read once
//! when it is made (the register pass, the criteria, the sources), then each region is decided
//! and handed on as soon as it is, so a renderer writes it and lets it go. Nothing grows with the
//! number of regions but the register counts per village.

use anyhow::Result;
use rusqlite::Connection;

use super::asof::{checked_county, resolve_period};
use super::evaluate::Checker;
use super::inputs::Place;
use super::result::{RegionResult, Regions, Report, Scope};
use crate::model::criteria::Criterion;
use crate::model::period::Period;
use crate::model::region::Level;

/// A check of one level, ready to run (see the module header).
pub struct Check<'c> {
    checker: Checker<'c>,
    period: Period,
    level: Level,
    county: Option<String>,
    only_poor: bool,
}

impl<'c> Check<'c> {
    /// Every village in scope against the village criteria, as of `period` (None: the latest
    /// month with data).
    pub fn villages(conn: &'c Connection, period: Option<Period>, scope: &Scope) -> Result<Self> {
        Check::new(conn, period, scope, Level::Village)
    }

    /// Every county in scope against the county criteria, as of `period` (None: the latest month
    /// with data).
    pub fn counties(conn: &'c Connection, period: Option<Period>, scope: &Scope) -> Result<Self> {
        Check::new(conn, period, scope, Level::County)
    }

    fn new(
        conn: &'c Connection,
        period: Option<Period>,
        scope: &Scope,
        level: Level,
    ) -> Result<Self> {
        let county = checked_county(conn, scope.county.as_deref())?;
        let period = resolve_period(conn, period)?;
        Ok(Check {
            checker: Checker::new(conn, period, county)?,
            period,
            level,
            county: county.map(str::to_string),
            only_poor: scope.only_poor,
        })
    }

    /// The regions, collected (for callers that need them all at once).
    pub fn collect(&self) -> Result<Report> {
        let mut regions = Vec::new();
        self.each(&mut |r| {
            regions.push(r);
            Ok(())
        })?;
        Ok(Report {
            period: self.period,
            level: self.level,
            regions,
            rules: self.rules().to_vec(),
        })
    }

    /// Every region in scope, in code order, handed to `f` by value as soon as it is decided.
    pub fn each(&self, f: &mut dyn FnMut(RegionResult) -> Result<()>) -> Result<()> {
        let only_poor = self.only_poor;
        let keep = |p: &Place| !only_poor || p.poverty_registered == Some(true);
        let county = self.county.as_deref();
        match self.level {
            Level::County => self
                .checker
                .for_each_county(county, &keep, &mut |_, r| f(r)),
            _ => self
                .checker
                .for_each_village(county, &keep, &mut |_, r| f(r)),
        }
    }
}

impl Regions for Check<'_> {
    fn period(&self) -> Period {
        self.period
    }
    fn level(&self) -> Level {
        self.level
    }
    fn rules(&self) -> &[Criterion] {
        match self.level {
            Level::County => &self.checker.county_criteria,
            _ => &self.checker.village_criteria,
        }
    }
    fn for_each(&self, f: &mut dyn FnMut(&RegionResult) -> Result<()>) -> Result<()> {
        self.each(&mut |r| f(&r))
    }
}
