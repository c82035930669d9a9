//! The reporting month (统计期). Stored and printed as `YYYY-MM`; parsed from the spellings county
//! offices use: `2019-03`, `2019/03`, `2019/3`, `201903`, `2019年3月`, `2019.03`, full-width digits.

use std::fmt;
use std::str::FromStr;

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

use crate::model::cell::normalize_width;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    year: i32,
    month: u32,
}

/// Why a period could not be read; the message is shown to users.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("统计期 {0:?} 无法识别；应为 2019-03、2019/3、201903 或 2019年3月")]
pub struct PeriodError(pub String);

impl Period {
    pub fn new(year: i32, month: u32) -> Option<Period> {
        ((1900..=2100).contains(&year) && (1..=12).contains(&month))
            .then_some(Period { year, month })
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    /// Months since year 0, for arithmetic.
    fn index(self) -> i64 {
        self.year as i64 * 12 + (self.month as i64 - 1)
    }

    fn from_index(i: i64) -> Option<Period> {
        Period::new(i.div_euclid(12) as i32, (i.rem_euclid(12) + 1) as u32)
    }

    /// The period `n` months later (earlier for negative `n`); None outside 1900–2100.
    pub fn add_months(self, n: i64) -> Option<Period> {
        Period::from_index(self.index() + n)
    }

    /// Whole months from `self` to `later` (negative if `later` is earlier).
    pub fn months_until(self, later: Period) -> i64 {
        later.index() - self.index()
    }

    /// Every month from `self` to `to`, inclusive.
    pub fn through(self, to: Period) -> impl Iterator<Item = Period> {
        (self.index()..=to.index()).filter_map(Period::from_index)
    }

    /// The current month: by the local clock, or `TUOPIN_TODAY` (`YYYY-MM` or `YYYY-MM-DD`) when
    /// it is set, so that tests (and a re-run of an old month's job) can pin it. The one place
    /// tuopin reads the clock for a month; read once per process.
    pub fn current() -> Period {
        static TODAY: std::sync::OnceLock<Period> = std::sync::OnceLock::new();
        *TODAY.get_or_init(|| {
            let pinned = std::env::var("TUOPIN_TODAY").ok().and_then(|v| {
                let v = v.trim();
                v.get(..7).unwrap_or(v).parse::<Period>().ok()
            });
            pinned.unwrap_or_else(|| {
                use chrono::Datelike;
                let today = chrono::Local::now().date_naive();
                Period {
                    year: today.year(),
                    month: today.month(),
                }
            })
        })
    }

    /// Whether this can be the month of data a county office sends, `today` being the current
    /// month: not later than it (a typo such as 2091-03 would become every check's default month),
    /// and not before `FIRST_REPORTING_YEAR`. The error is the sentence users read.
    pub fn check_reporting(self, today: Period) -> Result<(), String> {
        if self > today {
            return Err(format!(
                "统计期 {self} 晚于本月 {today}；不能导入未来月份的数据 (period in the future)"
            ));
        }
        if self.year < FIRST_REPORTING_YEAR {
            return Err(format!(
                "统计期 {self} 早于 {FIRST_REPORTING_YEAR} 年；建档立卡始于 2014 年，没有更早的统计期 (period before {FIRST_REPORTING_YEAR})"
            ));
        }
        Ok(())
    }
}

/// The earliest year of a reporting month. 建档立卡 (the register) began in 2014; the year before
/// is allowed for the baseline figures some counties report.
pub const FIRST_REPORTING_YEAR: i32 = 2013;

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for Period {
    type Err = PeriodError;

    fn from_str(raw: &str) -> Result<Period, PeriodError> {
        let err = || PeriodError(raw.to_string());
        let s = normalize_width(raw);
        let s = s.trim();
        let (year, month) = if let Some(rest) = s.strip_suffix('月') {
            rest.split_once('年').ok_or_else(err)?
        } else if let Some(pair) = s.split_once(['-', '/', '.']) {
            pair
        } else if s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()) {
            s.split_at(4)
        } else {
            return Err(err());
        };
        let (year, month) = (year.trim(), month.trim());
        let digits =
            |t: &str| !t.is_empty() && t.len() <= 4 && t.bytes().all(|b| b.is_ascii_digit());
        if year.len() != 4 || !digits(year) || !digits(month) || month.len() > 2 {
            return Err(err());
        }
        let year: i32 = year.parse().map_err(|_| err())?;
        let month: u32 = month.parse().map_err(|_| err())?;
        Period::new(year, month).ok_or_else(err)
    }
}

impl ToSql for Period {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.to_string()))
    }
}

impl FromSql for Period {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let s = value.as_str()?;
        s.parse().map_err(|e| FromSqlError::Other(Box::new(e)))
    }
}

impl serde::Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_spellings_county_offices_use() {
        let want = Period::new(2019, 3).unwrap();
        for s in [
            "2019-03",
            "2019-3",
            "2019/03",
            "2019/3",
            "201903",
            "2019年3月",
            "2019年03月",
            " 2019-03 ",
            "２０１９年３月",
            "2019.03",
        ] {
            assert_eq!(s.parse::<Period>(), Ok(want), "{s}");
        }
    }

    #[test]
    fn rejects_what_is_not_a_month() {
        for s in [
            "",
            "2019",
            "2019-13",
            "2019-00",
            "19-03",
            "2019年",
            "abc",
            "2019-03-01",
            "20193",
            "1899-01",
        ] {
            assert!(s.parse::<Period>().is_err(), "{s}");
        }
    }

    #[test]
    fn reporting_months_lie_between_2013_and_today() {
        let today = Period::new(2019, 6).unwrap();
        for ok in ["2013-01", "2019-03", "2019-06"] {
            assert_eq!(ok.parse::<Period>().unwrap().check_reporting(today), Ok(()));
        }
        let future = "2019-07".parse::<Period>().unwrap().check_reporting(today);
        assert!(future.unwrap_err().contains("晚于本月 2019-06"));
        let early = "2012-12".parse::<Period>().unwrap().check_reporting(today);
        assert!(early.unwrap_err().contains("(period before 2013)"));
    }

    #[test]
    fn arithmetic_crosses_years() {
        let p = Period::new(2019, 11).unwrap();
        assert_eq!(p.add_months(3), Period::new(2020, 2));
        assert_eq!(p.add_months(-11), Period::new(2018, 12));
        assert_eq!(Period::new(2018, 1).unwrap().months_until(p), 22);
        assert_eq!(p.through(Period::new(2020, 1).unwrap()).count(), 3);
        assert_eq!(p.to_string(), "2019-11");
    }
}
