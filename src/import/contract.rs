//! The CSV headers of the contract with the county offices (docs/csv-contract.md): Chinese name, English alias,
//! and whether the column is required.
//!
//! Each list comes with a module of the same name holding each column's index in it (`HOUSEHOLDS`
//! and `households::VILLAGE`): importers address cells by these (`import::header::Header`), and the
//! macro that writes both keeps them from drifting apart.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub zh: &'static str,
    pub en: &'static str,
    pub required: bool,
}

const fn col(zh: &'static str, en: &'static str, required: bool) -> Column {
    Column { zh, en, required }
}

/// `columns!(LIST, list { NAME = ("中文", "alias", required), ... })`: the list of columns, and a
/// module `list` with one `usize` constant per column, its index in the list.
macro_rules! columns {
    ($(#[$doc:meta])* $list:ident, $index:ident {
        $($name:ident = ($zh:literal, $en:literal, $required:literal)),* $(,)?
    }) => {
        $(#[$doc])*
        pub const $list: &[Column] = &[$(col($zh, $en, $required)),*];

        #[doc = concat!("Index of each column in [`", stringify!($list), "`].")]
        pub mod $index {
            // The discriminants count the columns in the order the list has them.
            #[allow(clippy::upper_case_acronyms, non_camel_case_types, dead_code)]
            enum At { $($name),* }
            $(
                #[doc = concat!("`", $zh, "` (", $en, ")")]
                pub const $name: usize = At::$name as usize;
            )*
        }
    };
}

columns!(
    /// The household register snapshot. 统计期 may be left out when `--period` is given.
    HOUSEHOLDS, households {
        PERIOD = ("统计期", "period", true),
        ID = ("户编号", "household_id", true),
        VILLAGE = ("村代码", "village_code", true),
        HEAD_NAME = ("户主姓名", "head_name", false),
        ID_NUMBER = ("证件号码", "id_number", false),
        SIZE = ("家庭人口", "size", true),
        CATEGORY = ("贫困户属性", "category", false),
        CAUSE = ("主要致贫原因", "cause", false),
        STATUS = ("脱贫状态", "status", true),
        EXIT_YEAR = ("脱贫年度", "exit_year", false),
        INCOME = ("人均纯收入", "income_per_capita", true),
        FOOD_CLOTHING_OK = ("不愁吃穿", "food_clothing_ok", false),
        EDUCATION_OK = ("义务教育保障", "education_ok", false),
        MEDICAL_OK = ("基本医疗保障", "medical_ok", false),
        HOUSING_SAFE = ("住房安全", "housing_safe", false),
        WATER_SAFE = ("饮水安全", "water_safe", false),
        MONITORING_KIND = ("监测对象类别", "monitoring_kind", false),
    }
);

/// Other headers the national system (全国扶贫开发信息系统) writes for a column: (header, the
/// column's Chinese name in its list; the contract's or [`NATIONAL`]'s).
pub const HEADER_SYNONYMS: &[(&str, &str)] = &[
    ("脱贫属性", "脱贫状态"),
    ("脱贫标志", "脱贫状态"),
    ("脱贫标志", "脱贫属性"),
    ("脱贫状态", "脱贫属性"),
    ("县", "县(市、区、旗)"),
    ("县(市、区)", "县(市、区、旗)"),
    ("县(区)", "县(市、区、旗)"),
    ("县(市)", "县(市、区、旗)"),
    ("乡镇", "乡(镇)"),
    ("乡(镇、街道)", "乡(镇)"),
    ("村", "行政村"),
    ("行政村(社区)", "行政村"),
    ("家庭人口", "人数"),
    ("家庭人口数", "人数"),
    ("是否参加大病医疗", "参加大病医疗"),
    ("参加大病医疗保险", "参加大病医疗"),
    ("参加城乡居民基本医疗保险", "是否参加城乡居民基本医疗保险"),
    ("是否危房户", "危房户"),
    ("是否饮水安全", "饮水安全"),
    ("是否饮水困难", "饮水困难"),
    ("脱贫年份", "脱贫年度"),
];

columns!(
    /// The national system's detail export (建档立卡贫困人口明细表): one row per person, places by
    /// name, in the order of the 2016–2020 export, then the columns some exports add. Told from
    /// the contract form by 与户主关系 or 人编号 in its header (`households::national`). 行政村 is
    /// required unless 行政区划代码 is there; columns tuopin does not read (姓名, 民族, 联系电话 …) are
    /// listed so that they are known, and are never stored.
    NATIONAL, national {
        SEQ = ("序号", "seq", false),
        COUNTY = ("县(市、区、旗)", "county_name", false),
        TOWNSHIP = ("乡(镇)", "township_name", false),
        VILLAGE = ("行政村", "village_name", false),
        NATURAL_VILLAGE = ("自然村", "natural_village", false),
        ID = ("户编号", "household_id", true),
        PERSON = ("人编号", "person_id", false),
        NAME = ("姓名", "name", false),
        ID_NUMBER = ("证件号码", "id_number", false),
        SIZE = ("人数", "household_size", false),
        RELATION = ("与户主关系", "relation", true),
        ETHNICITY = ("民族", "ethnicity", false),
        EDUCATION = ("文化程度", "education_level", false),
        SCHOOL = ("在校生状况", "school_status", false),
        HEALTH = ("健康状况", "health", false),
        SKILL = ("劳动技能", "labour_skill", false),
        WORK = ("务工状况", "work_status", false),
        WORK_MONTHS = ("务工时间（月）", "work_months", false),
        SERIOUS_ILLNESS = ("参加大病医疗", "serious_illness_insurance", false),
        STATUS = ("脱贫属性", "status", true),
        CATEGORY = ("贫困户属性", "category", false),
        CAUSE = ("主要致贫原因", "cause", false),
        DILAPIDATED = ("危房户", "dilapidated_house", false),
        WATER_SAFE = ("饮水安全", "water_safe", false),
        WATER_DIFFICULTY = ("饮水困难", "water_difficulty", false),
        INCOME = ("人均纯收入", "income_per_capita", true),
        PHONE = ("联系电话", "phone", false),
        EXIT_YEAR = ("脱贫年度", "exit_year", false),
        IDENTIFICATION = ("识别标准", "identification_standard", false),
        DATA_DATE = ("数据日期", "data_date", false),
        REGION_CODE = ("行政区划代码", "region_code", false),
        BASIC_MEDICAL = ("是否参加城乡居民基本医疗保险", "basic_medical_insurance", false),
        MONITORING_KIND = ("监测对象类别", "monitoring_kind", false),
    }
);

columns!(
    /// Indicator values, long form (one value per row).
    INDICATORS_LONG, indicators_long {
        PERIOD = ("统计期", "period", true),
        REGION = ("区划代码", "region_code", true),
        INDICATOR = ("指标", "indicator", true),
        VALUE = ("值", "value", true),
        NOTE = ("备注", "note", false),
    }
);

columns!(
    /// The leading columns of the wide indicator form; one column per indicator follows.
    INDICATORS_WIDE_KEYS, indicators_wide_keys {
        PERIOD = ("统计期", "period", true),
        REGION = ("区划代码", "region_code", true),
    }
);

columns!(
    REGIONS, regions {
        CODE = ("代码", "code", true),
        NAME = ("名称", "name", true),
        LEVEL = ("级别", "level", true),
        PARENT = ("上级代码", "parent_code", false),
        POOR = ("贫困标识", "poverty_registered", false),
        PLANNED = ("计划退出年度", "planned_exit_year", false),
    }
);

columns!(
    /// A set of exit criteria (`tuopin criteria export` / `load`): the columns of data/criteria.csv.
    /// threshold and threshold_ref: exactly one of them per row.
    CRITERIA, criteria {
        NO = ("编号", "no", true),
        LEVEL = ("级别", "level", true),
        SEQ = ("序号", "seq", true),
        NAME = ("名称", "name", true),
        INDICATOR = ("指标", "indicator", true),
        OPERATOR = ("运算符", "operator", true),
        THRESHOLD = ("阈值", "threshold", false),
        THRESHOLD_REF = ("阈值参照", "threshold_ref", false),
        UNIT = ("单位", "unit", false),
        NOTE = ("备注", "note", false),
    }
);

columns!(
    /// The review of bulletin facts: what `tuopin facts --proposed --format csv` writes and `tuopin
    /// facts import` reads back (and `data/facts.csv`, the seed's review), both with the English
    /// names as headers. A row names its proposal by 编号 (id), else by 期号, 原文数字 and a passage
    /// of its 原句 (issue_no, figure, sentence); a row with 期号 and 原句 but no 原文数字 adds a fact
    /// the extractor missed. 新建区划 and 指标 are for reading only.
    REVIEW, review {
        ID = ("编号", "id", false),
        STATUS = ("审核状态", "status", false),
        ISSUE = ("期号", "issue_no", false),
        FIGURE = ("原文数字", "figure", false),
        VALUE = ("数值", "value", true),
        HIGH = ("上限", "value_high", false),
        UNIT = ("单位", "unit", false),
        QUALIFIER = ("限定", "qualifier", false),
        PLACE = ("地名", "place", false),
        REGION = ("区划代码", "region_code", false),
        NEW_REGION = ("新建区划", "new_region", false),
        INDICATOR = ("指标代码", "indicator_code", false),
        INDICATOR_NAME = ("指标", "indicator", false),
        PERIOD = ("统计期", "period", false),
        NOTE = ("备注", "note", false),
        SENTENCE = ("原句", "sentence", false),
    }
);

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
    col("通客运班车", "bus_service", false),
    col("广播电视户户通", "radio_tv", false),
    col("脱贫人口错退率", "wrong_exit_rate", false),
    col("贫困人口漏评率", "missed_rate", false),
    col("群众认可度", "approval_rate", false),
    col("农村居民人均可支配收入增幅", "rural_income_growth", false),
    col("农村低保标准", "dibao_standard", false),
];
