//! The CSV headers of the contract with the county offices (docs/csv-contract.md): Chinese name,
//! English alias, and whether the column is required.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub zh: &'static str,
    pub en: &'static str,
    pub required: bool,
}

const fn col(zh: &'static str, en: &'static str, required: bool) -> Column {
    Column { zh, en, required }
}

/// The household register snapshot. 统计期 may be left out when `--period` is given.
pub const HOUSEHOLDS: &[Column] = &[
    col("统计期", "period", true),
    col("户编号", "household_id", true),
    col("村代码", "village_code", true),
    col("户主姓名", "head_name", false),
    col("证件号码", "id_number", false),
    col("家庭人口", "size", true),
    col("贫困户属性", "category", false),
    col("主要致贫原因", "cause", false),
    col("脱贫状态", "status", true),
    col("脱贫年度", "exit_year", false),
    col("人均纯收入", "income_per_capita", true),
    col("不愁吃穿", "food_clothing_ok", false),
    col("义务教育保障", "education_ok", false),
    col("基本医疗保障", "medical_ok", false),
    col("住房安全", "housing_safe", false),
    col("饮水安全", "water_safe", false),
];

/// Indicator values, long form (one value per row).
pub const INDICATORS_LONG: &[Column] = &[
    col("统计期", "period", true),
    col("区划代码", "region_code", true),
    col("指标", "indicator", true),
    col("值", "value", true),
    col("备注", "note", false),
];

/// The leading columns of the wide indicator form; one column per indicator follows.
pub const INDICATORS_WIDE_KEYS: &[Column] = &[
    col("统计期", "period", true),
    col("区划代码", "region_code", true),
];

pub const REGIONS: &[Column] = &[
    col("代码", "code", true),
    col("名称", "name", true),
    col("级别", "level", true),
    col("上级代码", "parent_code", false),
    col("贫困标识", "poverty_registered", false),
    col("计划退出年度", "planned_exit_year", false),
];

/// The indicator columns of the wide-form template (`tuopin template indicators --wide`): the
/// indicators of docs/csv-contract.md that county offices report, village items first. Any other
/// catalogue indicator may be added as a column by its code or Chinese name.
pub const INDICATORS_WIDE_TEMPLATE: &[Column] = &[
    col("户籍人口", "population", false),
    col("村集体经济收入", "collective_income", false),
    col("通硬化路", "hardened_road", false),
    col("安全饮水覆盖率", "safe_water_rate", false),
    col("通生产生活用电", "electricity", false),
    col("通宽带", "broadband", false),
    col("标准化卫生室及合格村医", "clinic", false),
    col("综合文化服务中心", "culture_center", false),
    col("主导产业或合作社", "leading_industry", false),
    col("脱贫人口错退率", "wrong_exit_rate", false),
    col("贫困人口漏评率", "missed_rate", false),
    col("群众认可度", "approval_rate", false),
    col("农村居民人均可支配收入增幅", "rural_income_growth", false),
    col("农村低保标准", "dibao_standard", false),
];
