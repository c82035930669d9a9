//! Check results as an Excel workbook (`--format xlsx`): one sheet per table and a sheet 说明 with
//! the month and the criteria.
//!
//! - `check villages|counties`: one row per region; per criterion its state, filled as the charts
//!   fill it (达标 green, 未达标 red, 无数据 grey), and beside it the value, whose header carries the
//!   rule (`V1 值（< 2%）`). An adjacent column rather than a cell note: a province has 12,000
//!   villages, and a column can be sorted and filtered where 120,000 notes cannot.
//! - `check households`: the lists 疑似错退 and 防返贫监测, ID numbers masked, names never (the
//!   findings carry none).

use std::io::Write;

use anyhow::Result;

use super::households::{HouseholdCheck, HouseholdFinding};
use super::labels::{bound_text, failed_text, level_words, rule_text, standards_text, summary};
use super::result::{Regions, Tally};
use crate::model::household::STANDARDS;
use crate::output::figure::{self, YES_NO};
use crate::output::number::number;
use crate::output::palette;
use crate::output::xlsx::{Cell, Column, Workbook};

/// The workbook of `check villages` or `check counties`, written to `out`. The regions' sheet is
/// written row by row as the regions are decided (constant-memory sheets, `output::xlsx`); the
/// sheet 说明 after it gets what the pass counted.
pub fn report(out: &mut dyn Write, r: &dyn Regions) -> Result<()> {
    let (title, unit, poor) = level_words(r.level());
    let mut book = Workbook::new();
    let mut columns = vec![
        Column::new("代码"),
        Column::new("名称"),
        Column::new("上级代码"),
        Column::new(poor).with_note(format!("是否建档立卡{poor}")),
        Column::new("结论").with_note(format!(
            "全部达标为达标；任一项未达标为未达标；否则（有无数据项）为无法判定。逐项依据：tuopin explain {unit}代码 --period {}",
            r.period()
        )),
    ];
    for c in r.rules() {
        columns.push(
            Column::new(format!("{} {}", c.no, c.name)).with_note(format!(
                "{} {} {}",
                c.no,
                c.name,
                rule_text(c)
            )),
        );
        columns.push(Column::new(format!("{} 值（{}）", c.no, rule_text(c))));
    }
    let mut tally = Tally::default();
    // A rule against another region (C6: the province) has its threshold only in the results:
    // the first region's.
    let mut first = true;
    let mut thresholds: Vec<Option<f64>> = r.rules().iter().map(|c| c.threshold).collect();
    let mut sheet = book.table(title, &columns)?;
    r.for_each(&mut |region| {
        tally.add(region.verdict);
        let mut row = vec![
            Cell::code(region.code.as_str()),
            Cell::text(region.name.as_str()),
            Cell::code(region.parent_code.as_deref().unwrap_or_default()),
            Cell::text(match region.poverty_registered {
                Some(true) => "是",
                Some(false) => "否",
                None => "",
            }),
            Cell::text(region.verdict.chinese()).filled(region.verdict.colour()),
        ];
        for (i, c) in region.criteria.iter().enumerate() {
            if let (true, Some(t @ None)) = (first, thresholds.get_mut(i)) {
                *t = c.threshold;
            }
            row.push(Cell::text(c.status.chinese()).filled(c.status.colour()));
            row.push(match c.value {
                Some(v) if c.unit == YES_NO => Cell::text(figure::exact(v, &c.unit)),
                Some(v) => Cell::number(v),
                None => Cell::empty(),
            });
        }
        first = false;
        sheet.row(&row)
    })?;
    sheet.finish()?;
    notes_sheet(&mut book, r, tally, &thresholds)?;
    book.write_to(out)
}

/// 说明: what was checked, as of which month, and the criteria as `tuopin criteria` lists them.
fn notes_sheet(
    book: &mut Workbook,
    r: &dyn Regions,
    tally: Tally,
    thresholds: &[Option<f64>],
) -> Result<()> {
    let (title, _, _) = level_words(r.level());
    let mut s = book.notes("说明")?;
    s.bold_row(&[Cell::text(title)])?;
    s.row(&[Cell::text("统计期"), Cell::code(r.period().to_string())])?;
    s.row(&[
        Cell::text("结果"),
        Cell::text(summary(r.level(), r.period(), tally)),
    ])?;
    s.row(&[
        Cell::text("颜色"),
        Cell::text("达标").filled(palette::PASS),
        Cell::text("未达标").filled(palette::FAIL),
        Cell::text("无数据").filled(palette::NO_DATA),
    ])?;
    s.row(&[
        Cell::text("逐项依据"),
        Cell::text(format!("tuopin explain 区划代码 --period {}", r.period())),
    ])?;
    s.skip();
    s.bold_row(&[
        Cell::text("编号"),
        Cell::text("名称"),
        Cell::text("规则"),
        Cell::text("指标"),
        Cell::text("说明"),
        Cell::text("本期阈值"),
    ])?;
    for (c, threshold) in r.rules().iter().zip(thresholds) {
        s.row(&[
            Cell::code(c.no.as_str()),
            Cell::text(c.name.as_str()),
            Cell::text(bound_text(c)),
            Cell::code(c.indicator_code.as_str()),
            Cell::text(c.note.as_deref().unwrap_or_default()),
            threshold
                .map(|t| Cell::text(figure::exact(t, &c.unit)))
                .unwrap_or_else(Cell::empty),
        ])?;
    }
    s.finish()
}

const HOUSEHOLD_COLUMNS: [&str; 9] = [
    "户编号",
    "村代码",
    "证件号码",
    "脱贫状态",
    "人均纯收入（元）",
    "监测原因",
    "未达标项",
    "未填报项",
    "来源",
];

fn household_row(h: &HouseholdFinding) -> Vec<Cell<'_>> {
    vec![
        Cell::code(h.household_id.as_str()),
        Cell::code(h.village_code.as_str()),
        Cell::code(h.id_masked.as_deref().unwrap_or_default()),
        Cell::text(h.status.chinese()),
        Cell::number(h.income_per_capita),
        Cell::text(h.monitoring_reason.map(|m| m.chinese()).unwrap_or_default()),
        Cell::text(failed_text(h)),
        Cell::text(standards_text(&h.unknown)),
        Cell::text(h.source.as_str()),
    ]
}

/// The workbook of `check households`: 疑似错退, 防返贫监测, 说明.
pub fn households(out: &mut dyn Write, r: &HouseholdCheck) -> Result<()> {
    let mut book = Workbook::new();
    let columns: Vec<Column> = HOUSEHOLD_COLUMNS
        .iter()
        .map(|c| match *c {
            "证件号码" => Column::new(*c).with_note("仅显示脱敏形式；姓名不输出"),
            _ => Column::new(*c),
        })
        .collect();
    type Listed = fn(&HouseholdFinding) -> bool;
    let lists: [(&str, Listed); 2] = [
        ("疑似错退", |h| h.suspected_wrong_exit),
        ("防返贫监测", |h| h.monitoring),
    ];
    for (name, listed) in lists {
        let mut sheet = book.table(name, &columns)?;
        // One pass over the households per sheet: the sheets are written one after the other.
        r.for_each(&mut |h| {
            if listed(h) {
                sheet.row(&household_row(h))?;
            }
            Ok(())
        })?;
        sheet.finish()?;
    }

    let mut s = book.notes("说明")?;
    s.bold_row(&[Cell::text("疑似错退与防返贫监测")])?;
    s.row(&[Cell::text("统计期"), Cell::code(r.period.to_string())])?;
    s.row(&[
        Cell::text("疑似错退"),
        Cell::text(format!("{} 户：已脱贫但未达以下任一项标准", r.suspected())),
    ])?;
    let line = match (&r.monitoring_rule, r.monitoring_threshold) {
        (Some(rule), Some(t)) => format!(
            "人均纯收入低于 {} 元（{}）",
            number(t),
            super::households::rule_text(rule, r.poverty_line())
        ),
        _ => "本年没有监测线".to_string(),
    };
    let flagged = match r.flagged() {
        0 => String::new(),
        n => format!("；县标记的监测对象 {n} 户（不论收入）"),
    };
    s.row(&[
        Cell::text("防返贫监测"),
        Cell::text(format!("{} 户：{line}{flagged}", r.monitored())),
    ])?;
    for w in &r.warnings {
        s.row(&[Cell::text("警告"), Cell::text(w.as_str())])?;
    }
    s.row(&[
        Cell::text("扶贫标准"),
        Cell::text(match (r.poverty_line_year(), r.poverty_line()) {
            (Some(y), Some(v)) => format!("{} 元（{y} 年）", number(v)),
            _ => "无数据（H1 无法判断）".to_string(),
        }),
    ])?;
    s.row(&[
        Cell::text("个人信息"),
        Cell::text("不输出姓名；证件号码仅显示脱敏形式"),
    ])?;
    for g in &r.registers {
        s.row(&[
            Cell::text("台账"),
            Cell::code(g.county_code.as_str()),
            Cell::text(format!(
                "{}（{}）{}",
                g.file_name,
                g.period,
                if g.used { "" } else { "  过旧，未使用" }
            )),
        ])?;
    }
    s.skip();
    s.bold_row(&[Cell::text("编号"), Cell::text("标准")])?;
    for st in &STANDARDS {
        s.row(&[Cell::code(st.code), Cell::text(st.name)])?;
    }
    s.finish()?;
    book.write_to(out)
}
