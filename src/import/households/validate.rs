//! One row of the household register checked on its own: its cells in, a row ready to write or its
//! problems out. No database is read here: the regions and the ID salt are loaded once per file by
//! the importer, and the checks that need the rows already written (duplicates) are its own.

use crate::import::contract::households::{
    CATEGORY, CAUSE, EDUCATION_OK, EXIT_YEAR, FOOD_CLOTHING_OK, HEAD_NAME, HOUSING_SAFE, ID,
    ID_NUMBER, INCOME, MEDICAL_OK, MONITORING_KIND, PERIOD, SIZE, STATUS, VILLAGE, WATER_SAFE,
};
use std::borrow::Cow;

use crate::import::contract::HOUSEHOLDS;
use crate::import::header::Header;
use crate::import::reader::{
    check_scope, code_cell, refuse_extra_cells, refuse_id_number, row_period, Options, Problems,
    RegionIndex,
};
use crate::model::cell::{normalize_width, parse_bool, read_integer, read_number, NumberError};
use crate::model::household::{
    parse_category, parse_cause, HouseholdStatus, MonitoringKind, CATEGORY_SPELLINGS, CAUSES,
    STATUS_SPELLINGS,
};
use crate::model::idcard::{mask_id_number, IdNumber};
use crate::model::period::Period;
use crate::model::region::Level;
use crate::output::privacy::quote_cell;

/// The five yes/no household standards, in the order of `HouseholdRow::flags`.
const FLAGS: [usize; 5] = [
    FOOD_CLOTHING_OK,
    EDUCATION_OK,
    MEDICAL_OK,
    HOUSING_SAFE,
    WATER_SAFE,
];

/// What every row of one file is checked against.
pub(crate) struct Rules<'a> {
    pub header: &'a Header,
    pub regions: &'a RegionIndex,
    pub opts: &'a Options,
    /// The database's salt for ID-number hashes (setting `id_salt`).
    pub salt: &'a str,
}

/// One valid row, ready to write.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct HouseholdRow<'a> {
    pub period: Period,
    /// The county of the row's village.
    pub county: String,
    /// 户编号 and 村代码 in their normal form (`model::code`).
    pub id: Cow<'a, str>,
    pub village: Cow<'a, str>,
    pub head_name: Option<&'a str>,
    pub id_hash: Option<String>,
    pub id_masked: Option<String>,
    pub size: i64,
    /// The base category (一般贫困户, 低保贫困户, 特困供养贫困户) and the cell as written when it is not
    /// the base category itself (一般脱贫户 …).
    pub category: Option<&'static str>,
    pub category_as_written: Option<&'a str>,
    /// The label (缺劳动力 is stored as 缺劳力).
    pub cause: Option<&'static str>,
    pub status: HouseholdStatus,
    /// 已脱贫(享受政策) true, 已脱贫(不再享受政策) false; None when the status does not say.
    pub policy_support: Option<bool>,
    /// 监测对象类别: the county's flag.
    pub monitoring_kind: Option<MonitoringKind>,
    pub exit_year: Option<i64>,
    pub income: f64,
    /// 不愁吃穿, 义务教育保障, 基本医疗保障, 住房安全, 饮水安全; None when not reported.
    pub flags: [Option<bool>; 5],
}

/// What checking one row found.
#[derive(Debug)]
pub(crate) struct Checked<'a> {
    /// The row's period when its cell (or --period) gave a valid one, even if the row is invalid
    /// otherwise: a file's period is that of its first row.
    pub period: Option<Period>,
    /// The row's 户编号 in its normal form, when it has one, even if the row is invalid otherwise
    /// (duplicates of invalid rows are found with it).
    pub id: Option<Cow<'a, str>>,
    /// The row, when it has no problem (and its village lies in a county).
    pub row: Option<HouseholdRow<'a>>,
}

/// Check one row. Every problem goes to `problems` at `line`, in column order; `file_period` is
/// the period of the file's earlier rows, if any (one file is one month).
pub(crate) fn validate_row<'a>(
    record: &'a csv::StringRecord,
    line: u64,
    file_period: Option<Period>,
    rules: &Rules,
    problems: &mut Problems,
) -> Checked<'a> {
    let header = rules.header;
    let name = |s: usize| header.name(s);
    // A bad value of a free-text or numeric cell is quoted only if it cannot be personal data.
    let show = rules.opts.show_names;
    refuse_extra_cells(record, header, line, problems);
    // An ID number anywhere but in 证件号码 (numeric columns too) is refused first, masked.
    for s in (0..HOUSEHOLDS.len()).filter(|s| *s != ID_NUMBER) {
        refuse_id_number(header.cell(record, s), name(s), line, problems);
    }
    // Period: one per file.
    let period = row_period(
        header.cell(record, PERIOD),
        name(PERIOD),
        rules.opts,
        line,
        problems,
    );
    if let (Some(p), Some(fp)) = (period, file_period) {
        if fp != p {
            problems.add(
                line,
                Some(name(PERIOD)),
                format!("统计期 {p} 与本文件第一行的 {fp} 不同；一个台账文件只能有一个统计期"),
            );
        }
    }
    // Codes are compared in their normal form: "U1" with a zero-width space is U1.
    let id = code_cell(header.cell(record, ID), name(ID), line, problems);
    if id.as_deref() == Some("") {
        problems.add(line, Some(name(ID)), "必填项为空");
    }
    // Village: known, a village, inside --county.
    let village = code_cell(header.cell(record, VILLAGE), name(VILLAGE), line, problems);
    let mut county: Option<String> = None;
    match village.as_deref() {
        None => {}
        Some("") => problems.add(line, Some(name(VILLAGE)), "必填项为空"),
        Some(code) => match rules.regions.get(code) {
            None => problems.add(
                line,
                Some(name(VILLAGE)),
                format!("村代码 {code:?} 不在区划表中"),
            ),
            Some((level, _)) if level != Level::Village => problems.add(
                line,
                Some(name(VILLAGE)),
                format!("代码 {code:?} 是{}级区划，不是村", level.chinese()),
            ),
            Some((_, cty)) => {
                check_scope(rules.opts, cty, code, line, name(VILLAGE), problems);
                county = cty.map(str::to_string);
            }
        },
    }
    let size = header.cell(record, SIZE);
    let size = match read_integer(size) {
        Ok(n) if n >= 1 => Some(n),
        Ok(_) => {
            let q = quote_cell(size, show);
            problems.add(line, Some(name(SIZE)), format!("{q} 应为 ≥ 1 的整数"));
            None
        }
        Err(NumberError::Empty) => {
            problems.add(line, Some(name(SIZE)), "必填项为空");
            None
        }
        Err(e) => {
            let q = quote_cell(size, show);
            problems.add(
                line,
                Some(name(SIZE)),
                format!("{q} {}", e.explain("不是整数")),
            );
            None
        }
    };
    let category_cell = Some(header.cell(record, CATEGORY)).filter(|s| !s.is_empty());
    let category = category_cell.and_then(|cat| {
        let base = parse_category(cat);
        if base.is_none() {
            problems.add(
                line,
                Some(name(CATEGORY)),
                format!(
                    "{} 不是有效的贫困户属性（{CATEGORY_SPELLINGS}）",
                    quote_cell(cat, show)
                ),
            );
        }
        base
    });
    // Kept only when it says more than the base category (一般脱贫户, 低保特困供养贫困户 ...): most
    // rows of a register are the base category itself.
    let category_as_written = category_cell.filter(|cat| Some(*cat) != category);
    let cause = Some(header.cell(record, CAUSE))
        .filter(|s| !s.is_empty())
        .and_then(|cause| {
            let label = parse_cause(cause);
            if label.is_none() {
                problems.add(
                    line,
                    Some(name(CAUSE)),
                    format!(
                        "{} 不是标准的致贫原因（{}；缺劳动力 即 缺劳力）",
                        quote_cell(cause, show),
                        CAUSES.join(" ")
                    ),
                );
            }
            label
        });
    let status_raw = header.cell(record, STATUS);
    let parsed_status = HouseholdStatus::parse_register(status_raw);
    let (status, policy_support) = (parsed_status.map(|s| s.0), parsed_status.and_then(|s| s.1));
    if status.is_none() {
        if status_raw.is_empty() {
            problems.add(line, Some(name(STATUS)), "必填项为空");
        } else {
            problems.add(
                line,
                Some(name(STATUS)),
                format!(
                    "{} 不是有效的脱贫状态（{STATUS_SPELLINGS}）",
                    quote_cell(status_raw, show)
                ),
            );
        }
    }
    let exit_raw = header.cell(record, EXIT_YEAR);
    let exit_year = if exit_raw.is_empty() {
        if status == Some(HouseholdStatus::Exited) {
            problems.add(
                line,
                Some(name(EXIT_YEAR)),
                "脱贫状态为已脱贫时，脱贫年度必填",
            );
        }
        None
    } else {
        let trimmed = normalize_width(exit_raw);
        match read_integer(trimmed.trim_end_matches('年')) {
            Ok(y) if (2000..=2100).contains(&y) => {
                if let Some(p) = period {
                    if y > p.year() as i64 {
                        problems.add(
                            line,
                            Some(name(EXIT_YEAR)),
                            format!("脱贫年度 {y} 晚于统计期 {p}"),
                        );
                    }
                }
                Some(y)
            }
            _ => {
                problems.add(
                    line,
                    Some(name(EXIT_YEAR)),
                    format!("{} 不是有效年份", quote_cell(exit_raw, show)),
                );
                None
            }
        }
    };
    let income_raw = header.cell(record, INCOME);
    let income = match read_number(income_raw) {
        Ok(v) if v >= 0.0 => Some(v),
        Ok(_) => {
            problems.add(
                line,
                Some(name(INCOME)),
                format!("{income_raw:?} 为负数；人均纯收入应 ≥ 0"),
            );
            None
        }
        Err(NumberError::Empty) => {
            problems.add(line, Some(name(INCOME)), "必填项为空");
            None
        }
        Err(e) => {
            let q = quote_cell(income_raw, show);
            problems.add(
                line,
                Some(name(INCOME)),
                format!("{q} {}", e.explain("不是数字")),
            );
            None
        }
    };
    let mut flags = [None; 5];
    for (flag, s) in flags.iter_mut().zip(FLAGS) {
        let raw = header.cell(record, s);
        if raw.is_empty() {
            continue;
        }
        match parse_bool(raw) {
            Some(b) => *flag = Some(b),
            None => problems.add(
                line,
                Some(name(s)),
                format!(
                    "{} 不是是/否值（是/否、有/无、Y/N、1/0）",
                    quote_cell(raw, show)
                ),
            ),
        }
    }
    let monitoring_raw = header.cell(record, MONITORING_KIND);
    let monitoring_kind = match MonitoringKind::parse(monitoring_raw) {
        Ok(kind) => kind,
        Err(_) => {
            problems.add(
                line,
                Some(name(MONITORING_KIND)),
                format!(
                    "{} 不是有效的监测对象类别（{}，或留空）",
                    quote_cell(monitoring_raw, show),
                    MonitoringKind::accepted()
                ),
            );
            None
        }
    };
    let id_number = header.cell(record, ID_NUMBER);
    let (id_hash, id_masked) = if id_number.is_empty() {
        (None, None)
    } else {
        // 18-digit resident IDs, 15-digit first-generation ones and 20/22-digit 残疾人证 numbers,
        // each kept as the holder's resident ID; never echoed, only masked.
        match IdNumber::parse(id_number) {
            Ok(id) => (Some(id.hash(rules.salt)), Some(id.masked())),
            Err(e) => {
                let shown = normalize_width(id_number).trim().to_ascii_uppercase();
                problems.add(
                    line,
                    Some(name(ID_NUMBER)),
                    format!("证件号码 {} 无效：{}", mask_id_number(&shown), e.message()),
                );
                (None, None)
            }
        }
    };
    let head_name = Some(header.cell(record, HEAD_NAME)).filter(|s| !s.is_empty());
    let row = match (period, county, &id, village, size, status, income) {
        (
            Some(period),
            Some(county),
            Some(id),
            Some(village),
            Some(size),
            Some(status),
            Some(income),
        ) if !problems.row_failed() => Some(HouseholdRow {
            period,
            county,
            id: id.clone(),
            village,
            head_name,
            id_hash,
            id_masked,
            size,
            category,
            category_as_written,
            cause,
            status,
            policy_support,
            monitoring_kind,
            exit_year,
            income,
            flags,
        }),
        _ => None,
    };
    let id = id.filter(|id| !id.is_empty());
    Checked { period, id, row }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::summary::Summary;

    const HEADER: &str = "统计期,户编号,村代码,户主姓名,证件号码,家庭人口,贫困户属性,主要致贫原因,脱贫状态,脱贫年度,人均纯收入,不愁吃穿,义务教育保障,基本医疗保障,住房安全,饮水安全";
    const ID_NUMBER_OK: &str = "11010519491231002X";

    fn record(text: &str) -> csv::StringRecord {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes())
            .records()
            .next()
            .unwrap()
            .unwrap()
    }

    fn regions() -> RegionIndex {
        RegionIndex::of(&[
            ("210922", Level::County, Some("210922")),
            ("210922-T01", Level::Township, Some("210922")),
            ("210922-T01-V01", Level::Village, Some("210922")),
            ("211321-T01-V01", Level::Village, Some("211321")),
        ])
    }

    /// Validate `row` under `header` at line 2; the problems as the importer prints them.
    fn check<'a>(
        header: &str,
        row: &'a csv::StringRecord,
        opts: &Options,
        file_period: Option<Period>,
    ) -> (Checked<'a>, Vec<String>) {
        let (header, _) = Header::map(&record(header), crate::import::contract::HOUSEHOLDS);
        let regions = regions();
        let rules = Rules {
            header: &header,
            regions: &regions,
            opts,
            salt: "salt",
        };
        let mut summary = Summary::default();
        let checked = {
            let mut problems = Problems::new("f.csv", &mut summary, false);
            problems.next_row();
            validate_row(row, 2, file_period, &rules, &mut problems)
        };
        let errors = summary.errors.iter().map(|e| e.to_string()).collect();
        (checked, errors)
    }

    fn period(s: &str) -> Period {
        s.parse().unwrap()
    }

    #[test]
    fn a_valid_row_is_parsed_as_excel_writes_it() {
        let row = record(&format!(
            "2019年3月,H001,210922-T01-V01,张三,{},３,一般贫困户,因病,已脱贫,2018年,\"1,328.0\",是,有,否,,Y",
            ID_NUMBER_OK.to_lowercase()
        ));
        let (checked, errors) = check(HEADER, &row, &Options::default(), None);
        assert_eq!(errors, Vec::<String>::new());
        assert_eq!(checked.period, Some(period("2019-03")));
        let row = checked.row.unwrap();
        assert_eq!(row.period, period("2019-03"));
        assert_eq!(row.county, "210922");
        assert_eq!((&*row.id, &*row.village), ("H001", "210922-T01-V01"));
        assert_eq!(row.head_name, Some("张三"));
        assert_eq!(row.id_masked.as_deref(), Some("1101**********002X"));
        assert_eq!(
            row.id_hash,
            Some(crate::model::idcard::hash_id_number("salt", ID_NUMBER_OK)),
            "hashed in upper case with the database's salt"
        );
        assert_eq!(row.size, 3);
        assert_eq!(
            (row.category, row.cause),
            (Some("一般贫困户"), Some("因病"))
        );
        assert_eq!(
            (row.status, row.exit_year),
            (HouseholdStatus::Exited, Some(2018))
        );
        assert_eq!(row.income, 1328.0);
        assert_eq!(
            row.flags,
            [Some(true), Some(true), Some(false), None, Some(true)]
        );
    }

    #[test]
    fn every_problem_of_a_row_is_listed_in_column_order() {
        let row = record("2019-03,,210922-T01,欧阳修文,110105194912310021,0,普通户,也许,已脱贫,,-5,是,是,是,是,也许,extra");
        let (checked, errors) = check(HEADER, &row, &Options::default(), None);
        assert!(checked.row.is_none());
        // The period is known even though the row is invalid: it fixes the file's month.
        assert_eq!(checked.period, Some(period("2019-03")));
        assert_eq!(
            errors,
            [
                "f.csv:2: 本行有 17 列，多于表头的 16 列",
                "f.csv:2: [户编号] 必填项为空",
                "f.csv:2: [村代码] 代码 \"210922-T01\" 是乡镇级区划，不是村",
                "f.csv:2: [家庭人口] \"0\" 应为 ≥ 1 的整数",
                "f.csv:2: [贫困户属性] 值（3 个字符，首字“普”，未显示：可能是个人信息） 不是有效的贫困户属性（一般贫困户 / 低保贫困户 / 特困供养贫困户，脱贫后 一般脱贫户 / 低保脱贫户 / 特困供养脱贫户，及组合如 低保特困供养贫困户）",
                "f.csv:2: [主要致贫原因] 值（2 个字符，首字“也”，未显示：可能是个人信息） 不是标准的致贫原因（因病 因残 因学 因灾 缺土地 缺水 缺技术 缺劳力 缺资金 交通条件落后 自身发展动力不足 其他；缺劳动力 即 缺劳力）",
                "f.csv:2: [脱贫年度] 脱贫状态为已脱贫时，脱贫年度必填",
                "f.csv:2: [人均纯收入] \"-5\" 为负数；人均纯收入应 ≥ 0",
                "f.csv:2: [饮水安全] 值（2 个字符，首字“也”，未显示：可能是个人信息） 不是是/否值（是/否、有/无、Y/N、1/0）",
                "f.csv:2: [证件号码] 证件号码 1101**********0021 无效：校验位不正确（GB 11643），号码可能抄错了一位",
            ]
        );
    }

    #[test]
    fn one_period_per_file_and_period_option() {
        let row = record("2019-04,H1,210922-T01-V01,,,2,,,未脱贫,,3000");
        let (checked, errors) = check(HEADER, &row, &Options::default(), Some(period("2019-03")));
        assert!(checked.row.is_none());
        assert_eq!(
            errors,
            ["f.csv:2: [统计期] 统计期 2019-04 与本文件第一行的 2019-03 不同；一个台账文件只能有一个统计期"]
        );
        // Without a 统计期 column, --period gives the month; a disagreeing cell is an error.
        let no_period = HEADER.trim_start_matches("统计期,");
        let row = record("H1,210922-T01-V01,,,2,,,未脱贫,,3000");
        let opts = Options {
            period: Some(period("2019-05")),
            ..Options::default()
        };
        let (checked, errors) = check(no_period, &row, &opts, None);
        assert_eq!(errors, Vec::<String>::new());
        assert_eq!(checked.row.unwrap().period, period("2019-05"));
        let (_, errors) = check(no_period, &row, &Options::default(), None);
        assert_eq!(
            errors,
            ["f.csv:2: [统计期] 必填项为空（或用 --period 指定统计期）"]
        );
        let row = record("2019-04,H1,210922-T01-V01,,,2,,,未脱贫,,3000");
        let (_, errors) = check(HEADER, &row, &opts, None);
        assert_eq!(
            errors,
            ["f.csv:2: [统计期] 统计期 2019-04 与 --period 2019-05 不一致"]
        );
    }

    #[test]
    fn villages_must_be_known_and_inside_the_county_option() {
        let opts = Options {
            county: Some("210922".to_string()),
            ..Options::default()
        };
        let row = record("2019-03,H1,211321-T01-V01,,,2,,,未脱贫,,3000");
        let (checked, errors) = check(HEADER, &row, &opts, None);
        assert!(checked.row.is_none());
        assert_eq!(
            errors,
            ["f.csv:2: [村代码] \"211321-T01-V01\" 不属于 --county 210922 指定的县，不能导入 (outside the county)"]
        );
        let row = record("2019-03,H1,210922-T09-V09,,,2,,,未脱贫,,3000");
        let (_, errors) = check(HEADER, &row, &opts, None);
        assert_eq!(
            errors,
            ["f.csv:2: [村代码] 村代码 \"210922-T09-V09\" 不在区划表中"]
        );
    }

    #[test]
    fn id_numbers_are_refused_in_clear_text_columns_and_names_masked_in_messages() {
        let row = record(&format!(
            "2019-03,{ID_NUMBER_OK},210922-T01-V01,张三{ID_NUMBER_OK},,2,,,未脱贫,,3000"
        ));
        let (checked, errors) = check(HEADER, &row, &Options::default(), None);
        assert!(checked.row.is_none());
        let refused = "含有身份证号码 1101**********002X；证件号码只能填在“证件号码”列（只保存其散列和掩码）(ID number in a clear-text column)";
        assert_eq!(
            errors,
            [
                format!("f.csv:2: [户编号] {refused}"),
                format!("f.csv:2: [户主姓名] {refused}"),
            ]
        );
        // A name shifted into a free-text column is not quoted, only described.
        let row = record("2019-03,H1,210922-T01-V01,,,2,,,李四,,3000");
        let (_, errors) = check(HEADER, &row, &Options::default(), None);
        assert_eq!(
            errors,
            ["f.csv:2: [脱贫状态] 值（2 个字符，首字“李”，未显示：可能是个人信息） 不是有效的脱贫状态（未脱贫 / 已脱贫 / 已脱贫(享受政策) / 已脱贫(不再享受政策) / 返贫）"]
        );
        // In a numeric column too, where it would otherwise be stored as a figure.
        let row = record(&format!(
            "2019-03,H1,210922-T01-V01,,,{ID_NUMBER_OK},,,未脱贫,,{ID_NUMBER_OK}"
        ));
        let (checked, errors) = check(HEADER, &row, &Options::default(), None);
        assert!(checked.row.is_none());
        assert_eq!(
            errors,
            [
                format!("f.csv:2: [家庭人口] {refused}"),
                format!("f.csv:2: [人均纯收入] {refused}"),
            ]
        );
    }
}
