//! One household of the national export, assembled from its person rows: the household cells
//! (given on every row or on the 户主 row only; two rows that disagree are an error), the head's
//! name and ID number, and the member facts behind H3 and H4. When its last row is read it is
//! judged: its cells parsed as the register's values and H3–H6 decided, each failure with the
//! member row behind it (`Evidence`).

use crate::import::contract::national::{
    CATEGORY, CAUSE, DILAPIDATED, EXIT_YEAR, INCOME, MONITORING_KIND, SIZE, STATUS,
    WATER_DIFFICULTY, WATER_SAFE,
};
use crate::import::header::Header;
use crate::import::reader::Problems;
use crate::model::cell::{normalize_width, read_integer, read_number, NumberError};
use crate::model::evidence::Evidence;
use crate::model::household::{
    parse_category, parse_cause, HouseholdStatus, MonitoringKind, CATEGORY_SPELLINGS, CAUSES,
    STATUS_SPELLINGS,
};
use crate::model::national::Meaning;
use crate::model::period::Period;

use super::cells::quote;

/// A household cell as the first row that gave it wrote it.
#[derive(Debug, Clone)]
pub(super) struct Given {
    pub value: String,
    pub line: u64,
    /// 与户主关系 of that row.
    pub relation: String,
}

/// A standard decided from the members: the first failing row, and whether any member left it
/// open (a child of school age whose 在校生状况 is empty, a member with no insurance answer).
#[derive(Debug, Clone, Default)]
pub(super) struct Tally {
    pub failed: Option<Evidence>,
    pub unknown: bool,
}

impl Tally {
    pub fn fail(&mut self, e: impl FnOnce() -> Evidence) {
        if self.failed.is_none() {
            self.failed = Some(e());
        }
    }

    /// Failed, passed, or not reported (`reported`: the export has the column at all).
    fn verdict(&self, reported: bool) -> Option<bool> {
        if self.failed.is_some() {
            Some(false)
        } else if !reported || self.unknown {
            None
        } else {
            Some(true)
        }
    }
}

/// The head row: its line and the personal data the snapshot keeps of the head (the name as the
/// contract's 户主姓名, the ID number only hashed and masked).
#[derive(Debug, Clone)]
pub(super) struct Head {
    pub line: u64,
    pub name: Option<String>,
    pub id_hash: Option<String>,
    pub id_masked: Option<String>,
}

/// The rows of one household read so far.
#[derive(Debug, Clone)]
pub(super) struct Household {
    pub id: String,
    pub first_line: u64,
    pub last_line: u64,
    pub rows: u64,
    /// Rows with a problem of their own (already counted invalid).
    pub failed_rows: u64,
    /// A problem of the household as a whole was found (two heads, rows apart).
    pub failed: bool,
    pub head: Option<Head>,
    /// Per column of `contract::NATIONAL`, the household cell as first given.
    pub given: Vec<Option<Given>>,
    pub h3: Tally,
    pub h4: Tally,
}

impl Household {
    pub fn new(id: &str, line: u64, columns: usize) -> Household {
        Household {
            id: id.to_string(),
            first_line: line,
            last_line: line,
            rows: 0,
            failed_rows: 0,
            failed: false,
            head: None,
            given: vec![None; columns],
            h3: Tally::default(),
            h4: Tally::default(),
        }
    }

    /// `第 5–7 行` / `第 5 行`.
    pub fn lines(&self) -> String {
        if self.first_line == self.last_line {
            format!("第 {} 行", self.first_line)
        } else {
            format!("第 {}–{} 行", self.first_line, self.last_line)
        }
    }

    /// Rows not yet counted invalid.
    pub fn rows_ok(&self) -> u64 {
        self.rows - self.failed_rows.min(self.rows)
    }

    pub fn cell(&self, s: usize) -> Option<&Given> {
        self.given[s].as_ref()
    }

    pub fn text(&self, s: usize) -> Option<&str> {
        self.cell(s).map(|g| g.value.as_str())
    }

    /// The line a household cell came from (the head row, else the first row, when not given).
    pub fn line_of(&self, s: usize) -> u64 {
        self.cell(s)
            .map(|g| g.line)
            .or(self.head.as_ref().map(|h| h.line))
            .unwrap_or(self.first_line)
    }
}

/// What a household's cells say, parsed; None where a required one is missing or wrong (the
/// problem is listed).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Parsed {
    pub status: Option<HouseholdStatus>,
    pub policy_support: Option<bool>,
    pub category: Option<&'static str>,
    pub category_as_written: bool,
    pub cause: Option<&'static str>,
    pub exit_year: Option<i64>,
    pub income: Option<f64>,
    pub monitoring_kind: Option<MonitoringKind>,
}

/// Parse the household cells; every problem is listed at the row and column that gave the cell.
pub(super) fn parse(
    h: &Household,
    header: &Header,
    period: Option<Period>,
    show: bool,
    problems: &mut Problems,
) -> Parsed {
    let name = |s: usize| header.name(s);
    let at = |s: usize| h.line_of(s);
    if let Some(size) = h.text(SIZE) {
        match read_integer(size) {
            Ok(n) if n == h.rows as i64 => {}
            Ok(n) => problems.add(
                at(SIZE),
                Some(name(SIZE)),
                format!(
                    "户编号 {:?} 的人数为 {n}，但本户列出 {} 人（{}）(household size differs from the members listed)",
                    h.id,
                    h.rows,
                    h.lines()
                ),
            ),
            Err(e) => problems.add(
                at(SIZE),
                Some(name(SIZE)),
                format!("{} {}", quote(size, show), e.explain("不是整数")),
            ),
        }
    }
    let (status, policy_support) = match h.text(STATUS) {
        None => {
            problems.add(at(STATUS), Some(name(STATUS)), "必填项为空");
            (None, None)
        }
        Some(raw) => match HouseholdStatus::parse_register(raw) {
            Some((s, policy)) => (Some(s), policy),
            None => {
                problems.add(
                    at(STATUS),
                    Some(name(STATUS)),
                    format!(
                        "{} 不是有效的脱贫属性（{STATUS_SPELLINGS}）",
                        quote(raw, show)
                    ),
                );
                (None, None)
            }
        },
    };
    let category_raw = h.text(CATEGORY);
    let category = category_raw.and_then(|raw| {
        let base = parse_category(raw);
        if base.is_none() {
            problems.add(
                at(CATEGORY),
                Some(name(CATEGORY)),
                format!(
                    "{} 不是有效的贫困户属性（{CATEGORY_SPELLINGS}）",
                    quote(raw, show)
                ),
            );
        }
        base
    });
    let cause = h.text(CAUSE).and_then(|raw| {
        let label = parse_cause(raw);
        if label.is_none() {
            problems.add(
                at(CAUSE),
                Some(name(CAUSE)),
                format!(
                    "{} 不是标准的致贫原因（{}；缺劳动力 即 缺劳力）",
                    quote(raw, show),
                    CAUSES.join(" ")
                ),
            );
        }
        label
    });
    // 已脱贫 without 脱贫年度 is what the export says unless the county added the column.
    let exit_year = h.text(EXIT_YEAR).and_then(|raw| {
        let year = normalize_width(raw);
        match read_integer(year.trim_end_matches('年')) {
            Ok(y) if (2000..=2100).contains(&y) && period.is_none_or(|p| y <= p.year() as i64) => {
                Some(y)
            }
            Ok(y) if (2000..=2100).contains(&y) => {
                problems.add(
                    at(EXIT_YEAR),
                    Some(name(EXIT_YEAR)),
                    format!(
                        "脱贫年度 {y} 晚于统计期 {}",
                        period.map(|p| p.to_string()).unwrap_or_default()
                    ),
                );
                None
            }
            _ => {
                problems.add(
                    at(EXIT_YEAR),
                    Some(name(EXIT_YEAR)),
                    format!("{} 不是有效年份", quote(raw, show)),
                );
                None
            }
        }
    });
    let income = match h.text(INCOME).map(|raw| (raw, read_number(raw))) {
        None | Some((_, Err(NumberError::Empty))) => {
            problems.add(at(INCOME), Some(name(INCOME)), "必填项为空");
            None
        }
        Some((_, Ok(v))) if v >= 0.0 => Some(v),
        Some((raw, Ok(_))) => {
            problems.add(
                at(INCOME),
                Some(name(INCOME)),
                format!("{} 为负数；人均纯收入应 ≥ 0", quote(raw, show)),
            );
            None
        }
        Some((raw, Err(e))) => {
            problems.add(
                at(INCOME),
                Some(name(INCOME)),
                format!("{} {}", quote(raw, show), e.explain("不是数字")),
            );
            None
        }
    };
    let monitoring_kind = match MonitoringKind::parse(h.text(MONITORING_KIND).unwrap_or("")) {
        Ok(kind) => kind,
        Err(_) => {
            problems.add(
                at(MONITORING_KIND),
                Some(name(MONITORING_KIND)),
                format!(
                    "{} 不是有效的监测对象类别（{}，或留空）",
                    quote(h.text(MONITORING_KIND).unwrap_or(""), show),
                    MonitoringKind::accepted()
                ),
            );
            None
        }
    };
    Parsed {
        status,
        policy_support,
        category,
        category_as_written: category.is_some() && category_raw != category,
        cause,
        exit_year,
        income,
        monitoring_kind,
    }
}

/// The meaning of a household yes/no cell (危房户, 饮水安全, 饮水困难), as the caller read it: the
/// cell not given, given with a meaning, or given with a value the vocabulary does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Answer {
    NotGiven,
    Known(Meaning),
    UnknownValue,
}

/// H3–H6 of the household (in the order of the snapshot's flags from 义务教育保障 on) and the rows
/// behind the failed ones. `school` and `medical`: the export has those columns at all.
pub(super) fn standards(
    h: &Household,
    header: &Header,
    reported: (bool, bool),
    answers: (Answer, Answer, Answer),
) -> ([Option<bool>; 4], Vec<Evidence>) {
    let (school, medical) = reported;
    let (dilapidated, water_safe, water_difficulty) = answers;
    let mut evidence = Vec::new();
    let h3 = h.h3.verdict(school);
    let h4 = h.h4.verdict(medical);
    evidence.extend(h.h3.failed.clone());
    evidence.extend(h.h4.failed.clone());
    let given = |standard: &'static str, s: usize| {
        let g = h.cell(s)?;
        Some(Evidence {
            standard,
            line: g.line as i64,
            relation: g.relation.clone(),
            column: header.name(s).to_string(),
            value: crate::model::national::value_key(&g.value).into_owned(),
        })
    };
    let h5 = match dilapidated {
        Answer::Known(Meaning::Yes) => {
            evidence.extend(given("H5", DILAPIDATED));
            Some(false)
        }
        Answer::Known(Meaning::No) => Some(true),
        _ => None,
    };
    let safe_no = water_safe == Answer::Known(Meaning::No);
    let difficult = water_difficulty == Answer::Known(Meaning::Yes);
    let h6 = if safe_no || difficult {
        evidence.extend(given(
            "H6",
            if safe_no {
                WATER_SAFE
            } else {
                WATER_DIFFICULTY
            },
        ));
        Some(false)
    } else {
        let open = |a: Answer| a == Answer::UnknownValue;
        let says_safe = water_safe == Answer::Known(Meaning::Yes)
            || water_difficulty == Answer::Known(Meaning::No);
        (says_safe && !open(water_safe) && !open(water_difficulty)).then_some(true)
    };
    ([h3, h4, h5, h6], evidence)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::contract::NATIONAL;

    fn household() -> Household {
        let mut h = Household::new("H1", 5, NATIONAL.len());
        h.rows = 3;
        h.last_line = 7;
        h.head = Some(Head {
            line: 5,
            name: None,
            id_hash: None,
            id_masked: None,
        });
        h
    }

    fn header() -> Header {
        let raw = csv::StringRecord::from(vec![
            "户编号",
            "与户主关系",
            "危房户",
            "饮水安全",
            "饮水困难",
        ]);
        Header::map(&raw, NATIONAL).0
    }

    #[test]
    fn water_and_housing_fail_on_their_row_and_stay_open_without_an_answer() {
        use Answer::*;
        let mut h = household();
        h.given[WATER_SAFE] = Some(Given {
            value: "否".into(),
            line: 6,
            relation: "配偶".into(),
        });
        let (flags, evidence) = standards(
            &h,
            &header(),
            (false, false),
            (Known(Meaning::No), Known(Meaning::No), NotGiven),
        );
        assert_eq!(flags, [None, None, Some(true), Some(false)]);
        assert_eq!(evidence.len(), 1);
        assert_eq!(evidence[0].text(), "第 6 行 配偶 饮水安全 = 否");
        let (flags, _) = standards(
            &h,
            &header(),
            (true, true),
            (NotGiven, NotGiven, Known(Meaning::No)),
        );
        assert_eq!(flags, [Some(true), Some(true), None, Some(true)]);
        let (flags, _) = standards(
            &h,
            &header(),
            (true, true),
            (UnknownValue, Known(Meaning::Yes), UnknownValue),
        );
        assert_eq!(flags[2..], [None, None]);
        let mut open = household();
        open.h3.unknown = true;
        open.h4.fail(|| Evidence {
            standard: "H4",
            line: 7,
            relation: "之子".into(),
            column: "参加大病医疗".into(),
            value: "否".into(),
        });
        open.h4.unknown = true;
        let (flags, evidence) = standards(
            &open,
            &header(),
            (true, true),
            (NotGiven, NotGiven, NotGiven),
        );
        assert_eq!(flags, [None, Some(false), None, None]);
        assert_eq!(evidence[0].text(), "第 7 行 之子 参加大病医疗 = 否");
    }
}
