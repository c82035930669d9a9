//! The pure judgement of one criterion: a figure, possibly an interval ("200 余人", a share with
//! unreported households), compared with a threshold by the criterion's operator. No database here.

use super::result::CriterionStatus;
use crate::model::criteria::Operator;
use crate::model::indicator::Qualifier;

/// The values a figure may take: exact figures are a single point; "200 余人" is [200, ∞).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub low: f64,
    pub high: f64,
}

impl Bounds {
    pub fn exact(v: f64) -> Bounds {
        Bounds { low: v, high: v }
    }

    /// From a stored value and its qualifier. "About" (约 800) counts as the stated figure.
    pub fn stored(value: f64, qualifier: Qualifier) -> Bounds {
        match qualifier {
            Qualifier::AtLeast => Bounds {
                low: value,
                high: f64::INFINITY,
            },
            Qualifier::AtMost => Bounds {
                low: f64::NEG_INFINITY,
                high: value,
            },
            Qualifier::Range(high) => Bounds { low: value, high },
            Qualifier::Exact | Qualifier::About => Bounds::exact(value),
        }
    }

    fn is_point(self) -> bool {
        close(self.low, self.high)
    }
}

/// Equal up to rounding noise, so that 2.0% computed from counts is exactly the 2% threshold.
fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

fn holds(op: Operator, a: f64, b: f64) -> bool {
    match op {
        Operator::Less => a < b && !close(a, b),
        Operator::LessOrEqual => a < b || close(a, b),
        Operator::Greater => a > b && !close(a, b),
        Operator::GreaterOrEqual => a > b || close(a, b),
        Operator::Equal => close(a, b),
        Operator::NotEqual => !close(a, b),
    }
}

/// Judge `value OP threshold` when both may be intervals: pass if it holds for every pair of values,
/// fail if for none, otherwise no data.
pub fn judge(op: Operator, v: Bounds, t: Bounds) -> CriterionStatus {
    let (all, none) = match op {
        Operator::Less | Operator::LessOrEqual => {
            (holds(op, v.high, t.low), !holds(op, v.low, t.high))
        }
        Operator::Greater | Operator::GreaterOrEqual => {
            (holds(op, v.low, t.high), !holds(op, v.high, t.low))
        }
        Operator::Equal | Operator::NotEqual => {
            let disjoint =
                holds(Operator::Less, v.high, t.low) || holds(Operator::Greater, v.low, t.high);
            let same_point = v.is_point() && t.is_point() && close(v.low, t.low);
            if op == Operator::Equal {
                (same_point, disjoint)
            } else {
                (disjoint, same_point)
            }
        }
    };
    match (all, none) {
        (true, _) => CriterionStatus::Pass,
        (false, true) => CriterionStatus::Fail,
        _ => CriterionStatus::NoData,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(low: f64, high: f64) -> Bounds {
        Bounds { low, high }
    }

    fn op(code: &str) -> Operator {
        Operator::from_code(code).unwrap()
    }

    #[test]
    fn thresholds_are_strict_where_the_operator_says_so() {
        let two = Bounds::exact(2.0);
        assert_eq!(
            judge(op("<"), Bounds::exact(2.0), two),
            CriterionStatus::Fail
        );
        assert_eq!(
            judge(op("<"), Bounds::exact(1.99), two),
            CriterionStatus::Pass
        );
        assert_eq!(
            judge(op("<="), Bounds::exact(2.0), two),
            CriterionStatus::Pass
        );
        assert_eq!(
            judge(op(">="), Bounds::exact(100.0), Bounds::exact(100.0)),
            CriterionStatus::Pass
        );
        // 5 poor people of 250 computed the way the checker does it.
        assert_eq!(
            judge(op("<"), Bounds::exact(5.0 * 100.0 / 250.0), two),
            CriterionStatus::Fail
        );
        assert_eq!(
            judge(op("="), Bounds::exact(1.0), Bounds::exact(1.0)),
            CriterionStatus::Pass
        );
        assert_eq!(
            judge(op("="), Bounds::exact(0.0), Bounds::exact(1.0)),
            CriterionStatus::Fail
        );
        assert_eq!(
            judge(op("!="), Bounds::exact(0.0), Bounds::exact(1.0)),
            CriterionStatus::Pass
        );
    }

    #[test]
    fn intervals_pass_only_when_every_value_passes() {
        let hundred = Bounds::exact(100.0);
        assert_eq!(
            judge(op(">="), b(90.0, 100.0), hundred),
            CriterionStatus::NoData
        );
        assert_eq!(
            judge(op(">="), b(80.0, 95.0), hundred),
            CriterionStatus::Fail
        );
        assert_eq!(
            judge(op(">"), b(200.0, f64::INFINITY), Bounds::exact(150.0)),
            CriterionStatus::Pass
        );
        assert_eq!(
            judge(op("<"), b(1.0, 3.0), Bounds::exact(2.0)),
            CriterionStatus::NoData
        );
        assert_eq!(
            judge(op(">"), Bounds::exact(8.0), b(7.0, 9.0)),
            CriterionStatus::NoData
        );
        assert_eq!(
            judge(op("="), b(0.0, 1.0), Bounds::exact(1.0)),
            CriterionStatus::NoData
        );
        assert_eq!(
            judge(op("="), b(2.0, 3.0), Bounds::exact(1.0)),
            CriterionStatus::Fail
        );
    }
}
