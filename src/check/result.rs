//! What a check says: the state of each criterion, the verdict of each region, the report of a
//! level as of a month, and which regions to check. Field order of the serialised structs is the JSON
//! contract. [`Regions`] is what the renderers read: a collected [`Report`], or a check that
//! decides its regions one by one as they are written (`check::Check`).

use anyhow::Result;

use crate::model::criteria::{Criterion, Operator};
use crate::model::period::Period;
use crate::model::region::Level;
use crate::output::palette::{self, Rgb};

/// The state of one criterion for one region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CriterionStatus {
    Pass,
    Fail,
    NoData,
}

impl CriterionStatus {
    pub fn code(self) -> &'static str {
        match self {
            CriterionStatus::Pass => "pass",
            CriterionStatus::Fail => "fail",
            CriterionStatus::NoData => "no_data",
        }
    }
    pub fn chinese(self) -> &'static str {
        match self {
            CriterionStatus::Pass => "达标",
            CriterionStatus::Fail => "未达标",
            CriterionStatus::NoData => "无数据",
        }
    }
    pub fn symbol(self) -> &'static str {
        match self {
            CriterionStatus::Pass => "✓",
            CriterionStatus::Fail => "✗",
            CriterionStatus::NoData => "—",
        }
    }
    /// The colour of the state in charts, workbooks and documents.
    pub fn colour(self) -> Rgb {
        match self {
            CriterionStatus::Pass => palette::PASS,
            CriterionStatus::Fail => palette::FAIL,
            CriterionStatus::NoData => palette::NO_DATA,
        }
    }
}

/// The verdict for a region over all its criteria.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    Fail,
    Undetermined,
}

impl Verdict {
    /// Pass only when every criterion passes; any fail is a fail; otherwise undetermined.
    /// No criteria at all is undetermined: nothing was checked.
    pub fn of(statuses: impl IntoIterator<Item = CriterionStatus>) -> Verdict {
        let (mut any, mut fail, mut missing) = (false, false, false);
        for s in statuses {
            any = true;
            match s {
                CriterionStatus::Fail => fail = true,
                CriterionStatus::NoData => missing = true,
                CriterionStatus::Pass => {}
            }
        }
        if fail {
            Verdict::Fail
        } else if missing || !any {
            Verdict::Undetermined
        } else {
            Verdict::Pass
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Undetermined => "undetermined",
        }
    }
    pub fn chinese(self) -> &'static str {
        match self {
            Verdict::Pass => "达标",
            Verdict::Fail => "未达标",
            Verdict::Undetermined => "无法判定",
        }
    }
    /// The colour of the verdict: a pass green, a fail red, undetermined grey like no data.
    pub fn colour(self) -> Rgb {
        match self {
            Verdict::Pass => palette::PASS,
            Verdict::Fail => palette::FAIL,
            Verdict::Undetermined => palette::NO_DATA,
        }
    }
}

/// One criterion checked for one region. Field order is the JSON contract.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CriterionResult {
    pub no: String,
    pub name: String,
    pub status: CriterionStatus,
    /// The value compared (percent 0–100 for shares); None when there is no usable value.
    pub value: Option<f64>,
    /// The fixed threshold, or the reference region's value (C6: the province's).
    pub threshold: Option<f64>,
    pub operator: Operator,
    /// The month the value came from: the value's month, or the register snapshot's.
    pub value_period: Option<Period>,
    /// Where the value came from: import file and line, bulletin issue and sentence, or the register
    /// snapshot and the computation; for no data, why.
    pub source: String,
    pub unit: String,
}

/// One region with all its criteria. Field order is the JSON contract.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RegionResult {
    pub code: String,
    pub name: String,
    pub parent_code: Option<String>,
    pub verdict: Verdict,
    pub criteria: Vec<CriterionResult>,
    /// 贫困村/贫困县 (建档立卡): None when not known.
    pub poverty_registered: Option<bool>,
}

/// A check of many regions of one level, as of a month.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Report {
    pub period: Period,
    pub level: Level,
    pub regions: Vec<RegionResult>,
    /// The criteria checked, in order (for legends; the JSON carries them per region).
    #[serde(skip)]
    pub rules: Vec<Criterion>,
}

impl Report {
    /// (pass, fail, undetermined) region counts.
    pub fn tally(&self) -> (usize, usize, usize) {
        let mut t = Tally::default();
        for r in &self.regions {
            t.add(r.verdict);
        }
        (t.pass, t.fail, t.undetermined)
    }
}

/// Regions by verdict.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub pass: usize,
    pub fail: usize,
    pub undetermined: usize,
}

impl Tally {
    pub fn add(&mut self, v: Verdict) {
        match v {
            Verdict::Pass => self.pass += 1,
            Verdict::Fail => self.fail += 1,
            Verdict::Undetermined => self.undetermined += 1,
        }
    }
    pub fn total(&self) -> usize {
        self.pass + self.fail + self.undetermined
    }
}

/// The regions of a check of one level as of a month, as the renderers read them: what is known
/// before the first region, then the regions in order.
pub trait Regions {
    fn period(&self) -> Period;
    fn level(&self) -> Level;
    /// The criteria checked, in order.
    fn rules(&self) -> &[Criterion];
    /// Every region, in order, handed to `f` one at a time; for a [`crate::check::Check`], each
    /// is decided as it is handed on, so a renderer calls this once.
    fn for_each(&self, f: &mut dyn FnMut(&RegionResult) -> Result<()>) -> Result<()>;
}

impl Regions for Report {
    fn period(&self) -> Period {
        self.period
    }
    fn level(&self) -> Level {
        self.level
    }
    fn rules(&self) -> &[Criterion] {
        &self.rules
    }
    fn for_each(&self, f: &mut dyn FnMut(&RegionResult) -> Result<()>) -> Result<()> {
        self.regions.iter().try_for_each(f)
    }
}

/// Which regions to check.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Only regions of this county (checked to be a county).
    pub county: Option<String>,
    /// Only registered poor villages (or counties).
    pub only_poor: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_never_pass_on_missing_data() {
        use CriterionStatus::*;
        assert_eq!(Verdict::of([Pass, Pass]), Verdict::Pass);
        assert_eq!(Verdict::of([Pass, NoData]), Verdict::Undetermined);
        assert_eq!(Verdict::of([NoData, Fail]), Verdict::Fail);
        assert_eq!(Verdict::of([]), Verdict::Undetermined);
    }
}
