//! The fill-in workbook of `tuopin template --xlsx`: the contract's header, a note row saying what
//! each column wants, code and ID columns formatted as text (so Excel keeps every digit and does
//! not turn 2019-03 into a date), drop-down lists for the coded columns and the yes/no columns,
//! and number rules for the numeric ones.
//!
//! The rows above the header (a title and the note row) are title rows to the importer
//! (`layout`): a filled-in template imports as written.

use anyhow::{anyhow, Result};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationRule, Format, FormatAlign, FormatBorder, Workbook,
};

use crate::import::contract::{self, Column};
use crate::import::reference::{table::Table as DataTable, FILES};
use crate::import::Kind;
use crate::model::household::{HouseholdStatus, CATEGORIES, CAUSES};
use crate::model::indicator::ValueType;
use crate::model::region::Level;

/// What a column wants, for its format, its validation and its note.
#[derive(Debug, Clone)]
enum Want {
    /// Free text.
    Text,
    /// Text-formatted: codes, ID numbers, the period.
    Code,
    Whole(i32, i32),
    Decimal(f64, f64),
    Choice(Vec<String>),
}

const YES_NO: [&str; 2] = ["是", "否"];

/// The row of the header (0-based): a title row and the note row above it.
pub const HEADER_ROW: u32 = 2;

/// A template workbook for `kind` (`wide`: the wide indicator form), headers in Chinese or, with
/// `english`, the English aliases.
pub fn xlsx(kind: Kind, wide: bool, english: bool) -> Result<Vec<u8>> {
    let (title, sheet, columns) = columns(kind, wide)?;
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet)?;
    let title_format = Format::new().set_bold().set_font_size(14);
    let note_format = Format::new()
        .set_text_wrap()
        .set_italic()
        .set_font_color(Color::RGB(0x59_59_59))
        .set_background_color(Color::RGB(0xF2_F2_F2))
        .set_align(FormatAlign::Top);
    let header_format = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDD_EB_F7))
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center);
    // Built-in format 49 is Excel's own 文本 (Text).
    let text = Format::new().set_num_format_index(49);
    let last_col = columns.len().saturating_sub(1) as u16;
    ws.merge_range(0, 0, 0, last_col.max(1), &title, &title_format)?;
    ws.set_row_height(1, 48)?;
    let first = HEADER_ROW + 1;
    let last = 1_048_575;
    for (i, (column, want, note)) in columns.iter().enumerate() {
        let c = i as u16;
        let name = if english { column.en } else { column.zh };
        ws.write_string_with_format(1, c, note, &note_format)?;
        ws.write_string_with_format(HEADER_ROW, c, name, &header_format)?;
        ws.set_column_width(c, column_width(name, note))?;
        let rule = match want {
            Want::Text => None,
            Want::Code => {
                ws.set_column_format(c, &text)?;
                None
            }
            Want::Whole(lo, hi) => Some(
                DataValidation::new()
                    .allow_whole_number(DataValidationRule::Between(*lo, *hi))
                    .set_error_message(format!("应为 {lo} 到 {hi} 之间的整数"))?,
            ),
            Want::Decimal(lo, hi) => Some(
                DataValidation::new()
                    .allow_decimal_number(DataValidationRule::Between(*lo, *hi))
                    .set_error_message(format!("应为 {lo} 到 {hi} 之间的数"))?,
            ),
            Want::Choice(list) => Some(
                DataValidation::new()
                    .allow_list_strings(list)?
                    .set_error_message("请从下拉列表中选择")?,
            ),
        };
        if let Some(rule) = rule {
            let rule = rule
                .set_input_title(short(name))?
                .set_input_message(short(note))?;
            ws.add_data_validation(first, c, last, c, &rule)?;
        }
    }
    ws.set_freeze_panes(first, 0)?;
    book.save_to_buffer()
        .map_err(|e| anyhow!("无法生成工作簿: {e}"))
}

/// Excel limits validation titles to 32 and messages to 255 characters.
fn short(text: &str) -> String {
    text.chars().take(30).collect()
}

/// A width that shows the header and the note's first words (a CJK character is two units).
fn column_width(name: &str, note: &str) -> f64 {
    let units = |s: &str| unicode_width::UnicodeWidthStr::width(s) as f64;
    (units(name) + 2.0).max(units(note).min(24.0)).max(10.0)
}

type Columns = (String, &'static str, Vec<(Column, Want, String)>);

fn columns(kind: Kind, wide: bool) -> Result<Columns> {
    let lead = "第 2 行是填写说明，第 3 行是表头，从第 4 行起填写数据；导入时表头以上的行自动跳过";
    Ok(match (kind, wide) {
        (Kind::Households, false) => (
            format!("建档立卡贫困户台账（tuopin 填报模板）：{lead}"),
            "台账",
            households(),
        ),
        (Kind::Indicators, false) => (
            format!("指标填报（长表，tuopin 模板）：{lead}"),
            "指标",
            indicators_long(),
        ),
        (Kind::Indicators, true) => (
            format!("指标填报（宽表，每个指标一列，tuopin 模板）：{lead}"),
            "指标",
            indicators_wide()?,
        ),
        (Kind::Regions, false) => (
            format!("区划（乡镇、村）填报（tuopin 模板）：{lead}"),
            "区划",
            regions(),
        ),
        (_, true) => anyhow::bail!("--wide 只适用于 indicators 模板"),
    })
}

fn choice(items: impl IntoIterator<Item = impl Into<String>>) -> Want {
    Want::Choice(items.into_iter().map(Into::into).collect())
}

fn households() -> Vec<(Column, Want, String)> {
    use contract::households::*;
    let c = |i: usize| contract::HOUSEHOLDS[i];
    let statuses: Vec<&str> = HouseholdStatus::ALL.iter().map(|s| s.chinese()).collect();
    let mut cols = vec![
        (
            c(PERIOD),
            Want::Code,
            "必填（或导入时用 --period）；如 2019-03 或 2019年3月".to_string(),
        ),
        (
            c(ID),
            Want::Code,
            "必填；每户一个编号，本月台账中只出现一次".into(),
        ),
        (
            c(VILLAGE),
            Want::Code,
            "必填；区划表中的村代码，如 210922-T01-V01".into(),
        ),
        (c(HEAD_NAME), Want::Text, "选填；户主姓名".into()),
        (
            c(ID_NUMBER),
            Want::Code,
            "选填；18 位身份证号码（本列为文本格式，Excel 不会丢掉末尾数字）".into(),
        ),
        (c(SIZE), Want::Whole(1, 100), "必填；≥ 1 的整数".into()),
        (
            c(CATEGORY),
            choice(CATEGORIES),
            "选填；从下拉列表选择".into(),
        ),
        (c(CAUSE), choice(CAUSES), "选填；从下拉列表选择".into()),
        (c(STATUS), choice(statuses), "必填；从下拉列表选择".into()),
        (
            c(EXIT_YEAR),
            Want::Whole(2000, 2100),
            "已脱贫时必填；如 2018".into(),
        ),
        (
            c(INCOME),
            Want::Decimal(0.0, 1e9),
            "必填；元/人·年，≥ 0".into(),
        ),
    ];
    for s in [
        FOOD_CLOTHING_OK,
        EDUCATION_OK,
        MEDICAL_OK,
        HOUSING_SAFE,
        WATER_SAFE,
    ] {
        cols.push((c(s), choice(YES_NO), "选填；是 或 否".into()));
    }
    cols
}

fn indicators_long() -> Vec<(Column, Want, String)> {
    use contract::indicators_long::*;
    let c = |i: usize| contract::INDICATORS_LONG[i];
    vec![
        (
            c(PERIOD),
            Want::Code,
            "必填（或导入时用 --period）；如 2019-03，一个文件可有多个统计期".into(),
        ),
        (
            c(REGION),
            Want::Code,
            "必填；区划表中的代码（村、县、市或省）".into(),
        ),
        (
            c(INDICATOR),
            Want::Text,
            "必填；指标代码或名称，如 population 或 户籍人口".into(),
        ),
        (
            c(VALUE),
            Want::Text,
            "必填；数字、百分数（可带 %）或 是/否，视指标而定".into(),
        ),
        (
            c(NOTE),
            Want::Text,
            "选填；说明数据来源等，不要填写身份证号码".into(),
        ),
    ]
}

fn indicators_wide() -> Result<Vec<(Column, Want, String)>> {
    use contract::indicators_wide_keys::*;
    let c = |i: usize| contract::INDICATORS_WIDE_KEYS[i];
    let types = catalogue_types()?;
    let mut cols = vec![
        (
            c(PERIOD),
            Want::Code,
            "必填（或导入时用 --period）；如 2019-03".to_string(),
        ),
        (
            c(REGION),
            Want::Code,
            "必填；区划表中的代码（村、县、市或省）".into(),
        ),
    ];
    for col in contract::INDICATORS_WIDE_TEMPLATE {
        let value_type = types
            .iter()
            .find(|(code, _)| code == col.en)
            .map(|(_, t)| *t)
            .unwrap_or(ValueType::Number);
        let (want, note) = match value_type {
            ValueType::Boolean => (choice(YES_NO), "选填；是 或 否"),
            ValueType::Count => (Want::Whole(0, i32::MAX), "选填；≥ 0 的整数"),
            ValueType::Yuan => (Want::Decimal(0.0, 1e12), "选填；元，≥ 0"),
            ValueType::Number => (Want::Decimal(0.0, 1e12), "选填；≥ 0 的数"),
            // Percent cells may be typed with their % sign: no number rule.
            ValueType::Percent => (Want::Text, "选填；0–100，可带 %，如 95 或 95%"),
            ValueType::PercentChange => (Want::Text, "选填；增幅，可为负，如 8.6 或 -2.5%"),
        };
        cols.push((*col, want, note.to_string()));
    }
    Ok(cols)
}

fn regions() -> Vec<(Column, Want, String)> {
    use contract::regions::*;
    let c = |i: usize| contract::REGIONS[i];
    let levels: Vec<&str> = Level::ALL.iter().map(|l| l.chinese()).collect();
    vec![
        (
            c(CODE),
            Want::Code,
            "必填；官方 2/4/6/9/12 位代码，或本办的临时代码".to_string(),
        ),
        (c(NAME), Want::Text, "必填；乡镇或村的名称".into()),
        (c(LEVEL), choice(levels), "必填；从下拉列表选择".into()),
        (c(PARENT), Want::Code, "省以外必填；上一级区划的代码".into()),
        (
            c(POOR),
            choice(YES_NO),
            "选填；是否建档立卡贫困县/村".into(),
        ),
        (
            c(PLANNED),
            Want::Whole(2014, 2030),
            "选填；计划退出年度，如 2019".into(),
        ),
    ]
}

/// Each catalogue indicator's code and value type, from the data/ compiled into the binary.
fn catalogue_types() -> Result<Vec<(String, ValueType)>> {
    let (name, bytes) = FILES
        .iter()
        .find(|(n, _)| *n == "indicators.csv")
        .ok_or_else(|| anyhow!("indicators.csv missing from the binary"))?;
    let table = DataTable::parse(name, bytes)?;
    let (code, value_type) = (table.column("code")?, table.column("value_type")?);
    Ok(table
        .rows
        .iter()
        .filter_map(|(_, r)| {
            let t = r.get(value_type)?.parse().ok()?;
            Some((r.get(code)?.to_string(), t))
        })
        .collect())
}
