//! The register as the national system (全国扶贫开发信息系统) exports it: the detail export
//! (建档立卡贫困人口明细表), one row per person, places by name. Told from the contract's form by
//! 与户主关系 or 人编号 in its header; columns are found by name (`contract::NATIONAL`).
//!
//! A row with 与户主关系 = 户主 opens a household; the following rows with its 户编号 are its
//! members. Its snapshot row has size = the members listed (人数, where given, must agree), the
//! household cells as the head row or every row gives them (`household`), the village found by
//! name within the county (`places`; a 行政区划代码 cell wins), H3–H6 from the members' facts with
//! the row behind each failure (`household_evidence`); H2 has no column and stays not reported.
//! The month is `--period`, else 数据日期, else the date in the lines above the header; the county
//! `--county`, else 县(市、区、旗), else the county the lines above name.
//!
//! Of the members only what the checks need is read: 证件号码 for the age (then dropped),
//! 在校生状况, 参加大病医疗. 姓名 of members, 民族 and 联系电话 are never stored nor quoted.

mod cells;
mod household;
mod place;
mod places;

use std::collections::HashMap;

use anyhow::Result;

use crate::import::contract::national::*;
use crate::import::contract::NATIONAL;
use crate::import::header::{is_header_of, Header};
use crate::import::layout::Table;
use crate::import::reader::{
    code_cell, read_header, refuse_extra_cells, refuse_id_number, warn_unknown_columns, Context,
    Fatal, Problems, RegionIndex, Rows, MAX_ERRORS,
};
use crate::import::summary::Summary;
use crate::model::evidence::Evidence;
use crate::model::idcard::{mask_id_number, IdNumber};
use crate::model::national::{value_key, Meaning, Values};
use crate::model::period::Period;

use super::pipeline::{self, Link, Shared, Side};
use super::validate::HouseholdRow;
use super::writer::Writer;
use cells::period_in_text;
use cells::quote;
use household::{Answer, Given, Head, Household};
use places::Places;

/// How the import summary names the form.
const FORM: &str = "全国扶贫开发信息系统导出（每人一行）";

/// The cells that belong to the household, not the person: the first row giving one sets it.
const HOUSEHOLD_CELLS: [usize; 14] = [
    COUNTY,
    TOWNSHIP,
    VILLAGE,
    REGION_CODE,
    SIZE,
    STATUS,
    CATEGORY,
    CAUSE,
    DILAPIDATED,
    WATER_SAFE,
    WATER_DIFFICULTY,
    INCOME,
    EXIT_YEAR,
    MONITORING_KIND,
];

/// The compulsory-school ages (周岁, inclusive) when the settings do not say.
const SCHOOL_AGES: (i32, i32) = (6, 15);

/// Whether a header is the national export's.
pub(super) fn is_national(header: &csv::StringRecord) -> bool {
    let marks = [&NATIONAL[RELATION], &NATIONAL[PERSON]];
    header
        .iter()
        .any(|h| marks.iter().any(|c| is_header_of(h, c)))
}

/// Where the file's month comes from, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PeriodFrom {
    Option,
    Title,
    FirstRow,
}

impl PeriodFrom {
    fn chinese(self) -> &'static str {
        match self {
            PeriodFrom::Option => "--period",
            PeriodFrom::Title => "表头上方注明的",
            PeriodFrom::FirstRow => "本文件第一行的",
        }
    }
}

/// A place problem, listed once for all its rows.
struct PlaceProblem {
    line: u64,
    column: String,
    message: String,
    rows: u64,
}

pub(super) fn import(ctx: &Context, table: &mut Table, problems: &mut Problems) -> Result<u64> {
    problems.summary.form = Some(FORM);
    let conn = ctx.conn;
    let (header, unknown) = read_header(table, NATIONAL, |_| false, problems)?;
    if header.index[VILLAGE].is_none() && header.index[REGION_CODE].is_none() {
        return Err(Fatal(format!(
            "{}: 缺少必需的列 行政村（或 行政区划代码）",
            problems.at(table.header_line, None)
        ))
        .into());
    }
    warn_unknown_columns(table, &unknown, problems);
    let above: Vec<String> = table
        .above
        .iter()
        .map(|r| r.iter().collect::<Vec<_>>().join(" "))
        .collect();
    let places = Places::load(conn)?;
    let (period, period_from) = match ctx.opts.period {
        Some(p) => (Some(p), PeriodFrom::Option),
        None => match above.iter().find_map(|t| period_in_text(t)) {
            Some(p) => (Some(p), PeriodFrom::Title),
            None if header.index[DATA_DATE].is_some() => (None, PeriodFrom::FirstRow),
            None => {
                return Err(Fatal(format!(
                    "{}: 无法确定统计期：请用 --period 指定，或提供 数据日期 列，或在表头上方注明年月（如 2019年3月） (no period)",
                    problems.at(table.header_line, None)
                ))
                .into())
            }
        },
    };
    if let (Some(p), PeriodFrom::Title) = (period, period_from) {
        if let Err(e) = p.check_reporting(Period::current()) {
            return Err(Fatal(format!(
                "{}: 表头上方的统计期 {p}：{e}",
                problems.at(1, None)
            ))
            .into());
        }
    }
    let file_county = ctx
        .opts
        .county
        .clone()
        .or_else(|| above.iter().find_map(|t| places.county_in_text(t)));
    let regions = RegionIndex::load(conn)?;
    let ages = (
        crate::db::setting(conn, "compulsory_school_age_from")?.unwrap_or(SCHOOL_AGES.0),
        crate::db::setting(conn, "compulsory_school_age_to")?.unwrap_or(SCHOOL_AGES.1),
    );
    let salt = crate::db::setting(conn, "id_salt")?.unwrap_or_default();
    let values = Values::load(conn)?;
    let mut writer = Writer::new(ctx, &regions)?;
    let shared = Shared {
        opts: ctx.opts,
        batch_id: ctx.batch_id,
    };
    let progress = ctx.progress;
    let header_line = table.header_line;
    let mut written = Summary::default();
    let mut side = Side::new(problems.sibling(&mut written));
    let period = pipeline::run(&mut writer, &mut side, |link| {
        let mut reader = Reader {
            ctx: shared,
            header: &header,
            salt,
            values,
            places,
            regions: &regions,
            link,
            period,
            period_from,
            file_county,
            ages,
            current: None,
            invalid_ids: HashMap::new(),
            unknown_values: Vec::new(),
            place_problems: Vec::new(),
            last_place: None,
            unknown_codes: 0,
            header_line,
        };
        let mut rows = Rows::new(table, &header);
        while let Some(line) = rows.advance_with(progress, problems)? {
            reader.row(&rows.record, line, problems)?;
        }
        reader.finish(problems)
    })?;
    let at = side.into_positions();
    pipeline::merge(problems.summary, written, at);
    // A household's problems are found when its last row is read: list them in file order.
    problems.summary.errors.sort_by_key(|e| e.line);
    writer.finish(period, problems)
}

/// The place of the last household, to resolve a run of households of one village once.
struct LastPlace {
    cells: [String; 4],
    found: Result<(String, String), usize>,
}

struct Reader<'a, 'c> {
    ctx: Shared<'c>,
    header: &'a Header,
    salt: String,
    values: Values,
    places: Places,
    regions: &'c RegionIndex,
    link: Link<'a>,
    period: Option<Period>,
    period_from: PeriodFrom,
    file_county: Option<String>,
    ages: (i32, i32),
    current: Option<Household>,
    /// Households not written (invalid) → their first line: to tell rows apart from a duplicate.
    invalid_ids: HashMap<String, u64>,
    /// (column, value) the vocabulary does not know, with the rows and the first line.
    unknown_values: Vec<((usize, String), u64, u64)>,
    place_problems: Vec<PlaceProblem>,
    last_place: Option<LastPlace>,
    /// Rows whose 行政区划代码 the region table lacks (matched by name instead).
    unknown_codes: u64,
    header_line: u64,
}

impl Reader<'_, '_> {
    fn name(&self, s: usize) -> &str {
        self.header.name(s)
    }

    fn row(
        &mut self,
        record: &csv::StringRecord,
        line: u64,
        problems: &mut Problems,
    ) -> Result<()> {
        let header = self.header;
        let show = self.ctx.opts.show_names;
        refuse_extra_cells(record, header, line, problems);
        for s in (0..NATIONAL.len()).filter(|s| *s != ID_NUMBER) {
            refuse_id_number(header.cell(record, s), header.name(s), line, problems);
        }
        self.row_period(header.cell(record, DATA_DATE), line, problems);
        let id = code_cell(header.cell(record, ID), header.name(ID), line, problems);
        let relation_raw = header.cell(record, RELATION);
        let known_relation = if relation_raw.is_empty() {
            problems.add(line, Some(header.name(RELATION)), "必填项为空");
            None
        } else {
            self.meaning(RELATION, relation_raw, line)
        };
        let is_head = known_relation == Some(Meaning::Head);
        // What evidence says of the row: the relation as the vocabulary knows it.
        let relation_text = match known_relation {
            Some(_) => value_key(relation_raw).into_owned(),
            None => Meaning::Member.chinese().to_string(),
        };
        let id = match id.as_deref() {
            Some("") => {
                problems.add(line, Some(header.name(ID)), "必填项为空");
                return Ok(());
            }
            None => return Ok(()),
            Some(id) => id,
        };
        if self.current.as_ref().is_some_and(|h| h.id == id) {
            if let Some(h) = self.current.as_mut() {
                if let (true, Some(first)) = (is_head, h.head.as_ref()) {
                    problems.add(
                        line,
                        Some(header.name(RELATION)),
                        format!(
                            "户编号 {id:?} 已有户主行（第 {} 行）；一户只能有一个户主 (two heads)",
                            first.line
                        ),
                    );
                    h.failed = true;
                }
            }
        } else {
            if let Some(done) = self.current.take() {
                self.finish_household(done, problems)?;
            }
            let mut h = Household::new(id, line, NATIONAL.len());
            // Invalid households are noted here, and by the writer when it refuses one: the
            // later note of the two, as one list would have it; else the line it was written with.
            let (refused, written) = self.link.earlier(self.period, id)?;
            let noted = match (self.invalid_ids.get(id).copied(), refused) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
            let earlier = noted.map(|l| l as i64).or(written);
            if let Some(first) = earlier {
                problems.add(
                    line,
                    Some(header.name(ID)),
                    format!(
                        "户编号 {id:?} 的行不连续：第 {first} 行起已有此户，同一户的各行应相邻 (rows of a household apart)"
                    ),
                );
                h.failed = true;
            }
            self.current = Some(h);
        }
        let person = self.person_id(header.cell(record, ID_NUMBER), line, problems);
        let Some(h) = self.current.as_mut() else {
            return Ok(());
        };
        h.last_line = line;
        h.rows += 1;
        if is_head && h.head.is_none() {
            h.head = Some(Head {
                line,
                name: Some(header.cell(record, NAME))
                    .filter(|n| !n.is_empty())
                    .map(str::to_string),
                id_hash: person.as_ref().map(|p| p.hash(&self.salt)),
                id_masked: person.as_ref().map(IdNumber::masked),
            });
        }
        for s in HOUSEHOLD_CELLS {
            let cell = header.cell(record, s);
            if cell.is_empty() {
                continue;
            }
            match &h.given[s] {
                None => {
                    h.given[s] = Some(Given {
                        value: cell.to_string(),
                        line,
                        relation: relation_text.clone(),
                    })
                }
                Some(g) if g.value == cell => {}
                Some(g) => problems.add(
                    line,
                    Some(header.name(s)),
                    format!(
                        "{} 与本户第 {} 行的 {} 不一致；户的信息在各成员行上应相同 (household cells differ)",
                        quote(cell, show),
                        g.line,
                        quote(&g.value, show)
                    ),
                ),
            }
        }
        self.member_facts(record, line, person.as_ref(), &relation_text);
        if let Some(h) = self.current.as_mut() {
            if problems.row_failed() {
                h.failed_rows += 1;
            }
        }
        Ok(())
    }

    /// The month of a row's 数据日期; the file's month is that of its first row, or the option's
    /// or title's, and every row must agree.
    fn row_period(&mut self, cell: &str, line: u64, problems: &mut Problems) {
        let column = self.header.name(DATA_DATE);
        if cell.is_empty() {
            if self.period.is_none() {
                problems.add(line, Some(column), "必填项为空（或用 --period 指定统计期）");
            }
            return;
        }
        let Some(p) = period_in_text(cell) else {
            problems.add(
                line,
                Some(column),
                format!("{:?} 不是日期或年月（如 2019-03-31、2019年3月）", cell),
            );
            return;
        };
        match self.period {
            Some(want) if want != p => problems.add(
                line,
                Some(column),
                format!(
                    "数据日期 {p} 与{} {want} 不同；一个台账文件只能有一个统计期",
                    self.period_from.chinese()
                ),
            ),
            Some(_) => {}
            None => match p.check_reporting(Period::current()) {
                Ok(()) => self.period = Some(p),
                Err(e) => problems.add(line, Some(column), e),
            },
        }
    }

    /// A 证件号码 cell: validated (18, 15, 20 or 22 characters), never echoed but masked.
    fn person_id(&self, cell: &str, line: u64, problems: &mut Problems) -> Option<IdNumber> {
        if cell.is_empty() {
            return None;
        }
        match IdNumber::parse(cell) {
            Ok(id) => Some(id),
            Err(e) => {
                let shown = crate::model::cell::normalize_width(cell)
                    .trim()
                    .to_ascii_uppercase();
                problems.add(
                    line,
                    Some(self.name(ID_NUMBER)),
                    format!("证件号码 {} 无效：{}", mask_id_number(&shown), e.message()),
                );
                None
            }
        }
    }

    /// What a vocabulary cell means; a value the list does not know is counted for a warning.
    fn meaning(&mut self, s: usize, raw: &str, line: u64) -> Option<Meaning> {
        let found = self.values.meaning(NATIONAL[s].zh, raw);
        if found.is_none() {
            let key = (s, value_key(raw).into_owned());
            match self.unknown_values.iter().position(|(k, ..)| *k == key) {
                Some(i) => self.unknown_values[i].1 += 1,
                None if self.unknown_values.len() < 100 => self.unknown_values.push((key, 1, line)),
                None => {}
            }
        }
        found
    }

    /// H3 and H4 from one member row.
    fn member_facts(
        &mut self,
        record: &csv::StringRecord,
        line: u64,
        person: Option<&IdNumber>,
        relation: &str,
    ) {
        let header = self.header;
        let evidence = |standard, s: usize, raw: &str| Evidence {
            standard,
            line: line as i64,
            relation: relation.to_string(),
            column: header.name(s).to_string(),
            value: value_key(raw).into_owned(),
        };
        if header.index[SCHOOL].is_some() {
            let raw = header.cell(record, SCHOOL);
            let meaning = if raw.is_empty() {
                None
            } else {
                self.meaning(SCHOOL, raw, line)
            };
            let (from, to) = self.ages;
            let of_age = match (person, self.period) {
                (Some(p), Some(period)) => Some((from..=to).contains(&p.age_at(period))),
                _ => None,
            };
            if let Some(h) = self.current.as_mut() {
                match (of_age, meaning) {
                    (Some(true), Some(Meaning::OutOfSchool)) => {
                        h.h3.fail(|| evidence("H3", SCHOOL, raw))
                    }
                    (Some(true), Some(Meaning::InSchool | Meaning::NotApplicable)) => {}
                    (Some(true), _) | (None, Some(Meaning::OutOfSchool)) => h.h3.unknown = true,
                    _ => {}
                }
            }
        }
        let mut answered = false;
        let mut asked = false;
        for s in [SERIOUS_ILLNESS, BASIC_MEDICAL] {
            if header.index[s].is_none() {
                continue;
            }
            asked = true;
            let raw = header.cell(record, s);
            if raw.is_empty() {
                continue;
            }
            match self.meaning(s, raw, line) {
                Some(Meaning::No) => {
                    if let Some(h) = self.current.as_mut() {
                        h.h4.fail(|| evidence("H4", s, raw));
                    }
                    answered = true;
                }
                Some(Meaning::Yes) => answered = true,
                _ => {}
            }
        }
        if let (true, false, Some(h)) = (asked, answered, self.current.as_mut()) {
            h.h4.unknown = true;
        }
    }

    /// A household cell of the yes/no vocabulary.
    fn answer(&mut self, h: &Household, s: usize) -> Answer {
        match h.cell(s) {
            None => Answer::NotGiven,
            Some(g) => match self.meaning(s, &g.value, g.line) {
                Some(m) => Answer::Known(m),
                None => Answer::UnknownValue,
            },
        }
    }

    /// The household's last row was read: judge it and write it.
    fn finish_household(&mut self, h: Household, problems: &mut Problems) -> Result<()> {
        let show = self.ctx.opts.show_names;
        let header = self.header;
        let period = self.period;
        let rows_ok = h.rows_ok();
        let mut parsed = None;
        let failed = problems.for_rows(rows_ok, |p| {
            // Rows apart or a second head already say what is wrong with the household.
            if h.head.is_none() && !h.failed {
                p.add(
                    h.first_line,
                    Some(header.name(RELATION)),
                    format!(
                        "户编号 {:?} 没有户主行（与户主关系 = 户主）：{} (no head of household)",
                        h.id,
                        h.lines()
                    ),
                );
            }
            parsed = Some(household::parse(&h, header, period, show, p));
        });
        let answers = (
            self.answer(&h, DILAPIDATED),
            self.answer(&h, WATER_SAFE),
            self.answer(&h, WATER_DIFFICULTY),
        );
        // A household kept out by its place alone has its rows counted there.
        let place = self.place(&h, if failed { 0 } else { rows_ok }, problems)?;
        let (Some(parsed), Some(period), Some((village, county)), false, false) =
            (parsed, period, place, failed, h.failed || h.failed_rows > 0)
        else {
            self.note_invalid(&h.id, h.first_line);
            return Ok(());
        };
        let (Some(status), Some(income), Some(head)) = (parsed.status, parsed.income, &h.head)
        else {
            self.note_invalid(&h.id, h.first_line);
            return Ok(());
        };
        let reported = (
            header.index[SCHOOL].is_some(),
            header.index[SERIOUS_ILLNESS].is_some() || header.index[BASIC_MEDICAL].is_some(),
        );
        let ([h3, h4, h5, h6], evidence) = household::standards(&h, header, reported, answers);
        let row = HouseholdRow {
            period,
            county,
            id: h.id.as_str().into(),
            village: village.into(),
            head_name: head.name.as_deref(),
            id_hash: head.id_hash.clone(),
            id_masked: head.id_masked.clone(),
            size: h.rows as i64,
            category: parsed.category,
            category_as_written: h.text(CATEGORY).filter(|_| parsed.category_as_written),
            cause: parsed.cause,
            status,
            policy_support: parsed.policy_support,
            monitoring_kind: parsed.monitoring_kind,
            exit_year: parsed.exit_year,
            income,
            flags: [None, h3, h4, h5, h6],
        };
        // A household the writer refuses is noted by the writer (`Link::earlier`).
        self.link
            .write(&row, head.line, evidence, rows_ok, h.first_line, problems)
    }

    fn note_invalid(&mut self, id: &str, line: u64) {
        if self.invalid_ids.len() < MAX_ERRORS {
            self.invalid_ids.insert(id.to_string(), line);
        }
    }
}
