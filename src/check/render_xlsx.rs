//! Check results as an Excel workbook (`--format xlsx`): one sheet per table and a sheet 说明 with
//! the month and the criteria.
//!
//! - `check villages|counties`: one row per region; per criterion its state, filled as the charts
//!   fill it (达标 green, 未达标 red, 无数据 grey), and beside it the value, whose header carries the
//!   rule (`V1 值（< 2%）`). An adjacent column rather than a cell note: a province has 12,000
//!   villages, and a column can be sorted and filtered where 120,000 notes cannot.
//! - `check households`: the lists 疑似错退 and 防返贫监测, ID numbers masked, names never (the
//!   findings carry none).

use anyhow::Result;

use super::households::{HouseholdFinding, HouseholdReport};
use super::labels::{bound_text, failed_text, level_words, rule_text, standards_text, summary};
use super::result::Report;
use crate::model::household::STANDARDS;
use crate::output::figure::{self, YES_NO};
use crate::output::number::number;
use crate::output::palette;
use crate::output::xlsx::{Cell, Column, Workbook};

/// The sheet of the regions of a village or county check.
fn sheet_name(r: &Report) -> &'static str {
    level_words(r.level).0
}

/// The workbook of `check villages` or `check counties`.
pub fn report(r: &Report) -> Result<Vec<u8>> {
    let (_, unit, poor) = level_words(r.level);
    let mut book = Workbook::new();
    let mut columns = vec![
        Column::new("代码"),
        Column::new("名称"),
        Column::new("上级代码"),
        Column::new(poor).with_note(format!("是否建档立卡{poor}")),
        Column::new("结论").with_note(format!(
            "全部达标为达标；任一项未达标为未达标；否则（有无数据项）为无法判定。逐项依据：tuopin explain {unit}代码 --period {}",
            r.period
        )),
    ];
    for c in &r.rules {
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
    let mut sheet = book.table(sheet_name(r), &columns)?;
    for region in &r.regions {
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
        for c in &region.criteria {
            row.push(Cell::text(c.status.chinese()).filled(c.status.colour()));
            row.push(match c.value {
                Some(v) if c.unit == YES_NO => Cell::text(figure::exact(v, &c.unit)),
                Some(v) => Cell::number(v),
                None => Cell::empty(),
            });
        }
        sheet.row(&row)?;
    }
    sheet.finish()?;
    notes_sheet(&mut book, r)?;
    book.into_bytes()
}

/// 说明: what was checked, as of which month, and the criteria as `tuopin criteria` lists them.
fn notes_sheet(book: &mut Workbook, r: &Report) -> Result<()> {
    let (title, _, _) = level_words(r.level);
    let mut s = book.notes("说明")?;
    s.bold_row(&[Cell::text(title)])?;
    s.row(&[Cell::text("统计期"), Cell::code(r.period.to_string())])?;
    s.row(&[Cell::text("结果"), Cell::text(summary(r))])?;
    s.row(&[
        Cell::text("颜色"),
        Cell::text("达标").filled(palette::PASS),
        Cell::text("未达标").filled(palette::FAIL),
        Cell::text("无数据").filled(palette::NO_DATA),
    ])?;
    s.row(&[
        Cell::text("逐项依据"),
        Cell::text(format!("tuopin explain 区划代码 --period {}", r.period)),
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
    for c in &r.rules {
        // A rule against another region (C6: the province) has its threshold only in the results.
        let threshold = c.threshold.or_else(|| {
            r.regions
                .iter()
                .flat_map(|x| &x.criteria)
                .find(|x| x.no == c.no)
                .and_then(|x| x.threshold)
        });
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
pub fn households(r: &HouseholdReport) -> Result<Vec<u8>> {
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
        for h in r.households.iter().filter(|h| listed(h)) {
            sheet.row(&household_row(h))?;
        }
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
            super::households::rule_text(rule, r.poverty_line)
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
        Cell::text(match (r.poverty_line_year, r.poverty_line) {
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
    book.into_bytes()
}
