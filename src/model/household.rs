//! Registered poor households (建档立卡户): their status, the attributes the register allows (as the
//! national system 全国扶贫开发信息系统 spells them), the county's monitoring flag, and the household
//! exit standards H1–H6 (一达标两不愁三保障).
//!
//! The standards are defined once, here: the register counts (suspected wrong exits), the household
//! check's SQL and its list of failed standards are all built from [`STANDARDS`].

use crate::model::cell::normalize_width;

/// A household's poverty status in a month's register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HouseholdStatus {
    /// 未脱贫
    Poor,
    /// 已脱贫
    Exited,
    /// 返贫
    Returned,
}

impl HouseholdStatus {
    pub const ALL: [HouseholdStatus; 3] = [
        HouseholdStatus::Poor,
        HouseholdStatus::Exited,
        HouseholdStatus::Returned,
    ];

    /// The code stored in the database (table `household_status`) and written to JSON.
    pub fn code(self) -> &'static str {
        match self {
            HouseholdStatus::Poor => "poor",
            HouseholdStatus::Exited => "exited",
            HouseholdStatus::Returned => "returned",
        }
    }

    /// The word the register uses.
    pub fn chinese(self) -> &'static str {
        match self {
            HouseholdStatus::Poor => "未脱贫",
            HouseholdStatus::Exited => "已脱贫",
            HouseholdStatus::Returned => "返贫",
        }
    }

    /// The status with this stored code.
    pub fn from_code(code: &str) -> Option<HouseholdStatus> {
        match code {
            "poor" => Some(HouseholdStatus::Poor),
            "exited" => Some(HouseholdStatus::Exited),
            "returned" => Some(HouseholdStatus::Returned),
            _ => None,
        }
    }

    /// A register cell: the Chinese word or the English code, any case, surrounding spaces ignored.
    pub fn parse(raw: &str) -> Option<HouseholdStatus> {
        HouseholdStatus::parse_register(raw).map(|(s, _)| s)
    }

    /// A 脱贫状态 (脱贫属性, 脱贫标志) cell as the national system writes it: the status, and for an
    /// exited household whether it still receives policy support: 已脱贫(享受政策) true,
    /// 已脱贫(不再享受政策) false, plain 已脱贫 (and 未脱贫, 返贫) unknown. Brackets full- or
    /// half-width, spaces anywhere, English codes in any case.
    pub fn parse_register(raw: &str) -> Option<(HouseholdStatus, Option<bool>)> {
        // The common spellings without an allocation: a million-row register reads one per row.
        if let Some(s) = HouseholdStatus::ALL
            .into_iter()
            .find(|s| s.chinese() == raw || s.code() == raw)
        {
            return Some((s, None));
        }
        let t: String = normalize_width(raw)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        if let Some(s) = HouseholdStatus::ALL
            .into_iter()
            .find(|s| s.chinese() == t || s.code() == t)
        {
            return Some((s, None));
        }
        let support = match t.as_str() {
            "已脱贫(享受政策)" => true,
            "已脱贫(不再享受政策)" | "已脱贫(不享受政策)" => false,
            _ => return None,
        };
        Some((HouseholdStatus::Exited, Some(support)))
    }

    /// Counted among the poor: 未脱贫 and 返贫 (the incidence numerator).
    pub fn is_poor(self) -> bool {
        matches!(self, HouseholdStatus::Poor | HouseholdStatus::Returned)
    }
}

crate::model::stored_as_code!(HouseholdStatus, "脱贫状态");

/// The spellings of 脱贫状态 an error message lists.
pub const STATUS_SPELLINGS: &str =
    "未脱贫 / 已脱贫 / 已脱贫(享受政策) / 已脱贫(不再享受政策) / 返贫";

/// 贫困户属性, the base categories, as table `household_category` lists them.
pub const CATEGORIES: [&str; 3] = ["一般贫困户", "低保贫困户", "特困供养贫困户"];

/// The spellings of 贫困户属性 an error message lists.
pub const CATEGORY_SPELLINGS: &str = "一般贫困户 / 低保贫困户 / 特困供养贫困户，脱贫后 一般脱贫户 / 低保脱贫户 / 特困供养脱贫户，及组合如 低保特困供养贫困户";

/// A 贫困户属性 cell as the national system writes it, read as its base category: 一般, 低保 or
/// 特困供养 (also its older name 五保), followed by 贫困户 or, after exit, 脱贫户. A combined form
/// (低保特困供养贫困户, 低保、特困供养脱贫户) counts as 特困供养, the stronger support; 一般 cannot be
/// combined. The cell as written is kept beside the base category by the importer.
pub fn parse_category(raw: &str) -> Option<&'static str> {
    if let Some(c) = CATEGORIES.iter().find(|c| **c == raw) {
        return Some(c);
    }
    let t: String = normalize_width(raw)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '、' | ',' | '/' | '+' | '与' | '和'))
        .collect();
    let mut rest = t
        .strip_suffix("贫困户")
        .or_else(|| t.strip_suffix("脱贫户"))?;
    let (mut general, mut dibao, mut tekun) = (false, false, false);
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("特困供养") {
            (tekun, rest) = (true, r);
        } else if let Some(r) = rest.strip_prefix("五保") {
            (tekun, rest) = (true, r);
        } else if let Some(r) = rest.strip_prefix("低保") {
            (dibao, rest) = (true, r);
        } else if let Some(r) = rest.strip_prefix("一般") {
            (general, rest) = (true, r);
        } else {
            return None;
        }
    }
    match (general, dibao, tekun) {
        (true, false, false) => Some(CATEGORIES[0]),
        (false, true, false) => Some(CATEGORIES[1]),
        (false, _, true) => Some(CATEGORIES[2]),
        _ => None,
    }
}

/// 致贫原因, as table `poverty_cause` lists them.
pub const CAUSES: [&str; 12] = [
    "因病",
    "因残",
    "因学",
    "因灾",
    "缺土地",
    "缺水",
    "缺技术",
    "缺劳力",
    "缺资金",
    "交通条件落后",
    "自身发展动力不足",
    "其他",
];

/// A 主要致贫原因 cell read as its label: the label itself, the national system's 缺劳动力 for
/// 缺劳力, or a label followed by 致贫 (因病致贫). Numbering differs between systems, so only labels
/// are read.
pub fn parse_cause(raw: &str) -> Option<&'static str> {
    if let Some(c) = CAUSES.iter().find(|c| **c == raw) {
        return Some(c);
    }
    let t: String = normalize_width(raw)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let t = t.strip_suffix("致贫").unwrap_or(&t);
    let t = match t {
        "缺劳动力" => "缺劳力",
        other => other,
    };
    CAUSES.iter().copied().find(|c| *c == t)
}

/// 监测对象类别: a household the county put on the 防返贫监测 list, whatever its income.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MonitoringKind {
    /// 脱贫不稳定户: exited, at risk of returning to poverty.
    Unstable,
    /// 边缘易致贫户: just above the line, at risk of falling into it.
    Marginal,
    /// 突发严重困难户: hit by illness, disaster or an accident, at any income.
    SuddenHardship,
}

impl MonitoringKind {
    pub const ALL: [MonitoringKind; 3] = [
        MonitoringKind::Unstable,
        MonitoringKind::Marginal,
        MonitoringKind::SuddenHardship,
    ];

    /// The code stored in the database (table `monitoring_kind`) and written to JSON.
    pub fn code(self) -> &'static str {
        match self {
            MonitoringKind::Unstable => "unstable",
            MonitoringKind::Marginal => "marginal",
            MonitoringKind::SuddenHardship => "sudden_hardship",
        }
    }

    pub fn chinese(self) -> &'static str {
        match self {
            MonitoringKind::Unstable => "脱贫不稳定户",
            MonitoringKind::Marginal => "边缘易致贫户",
            MonitoringKind::SuddenHardship => "突发严重困难户",
        }
    }

    pub fn from_code(code: &str) -> Option<MonitoringKind> {
        MonitoringKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// A 监测对象类别 cell: Ok(None) when empty or 无/否 (not flagged), the kind by its Chinese name or
    /// code; anything else is the error sentence naming the accepted values.
    pub fn parse(raw: &str) -> Result<Option<MonitoringKind>, String> {
        if raw.is_empty() {
            return Ok(None);
        }
        let t: String = normalize_width(raw)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        if matches!(t.as_str(), "" | "无" | "否" | "非监测对象") {
            return Ok(None);
        }
        MonitoringKind::ALL
            .into_iter()
            .find(|k| k.chinese() == t || k.code() == t)
            .map(Some)
            .ok_or_else(|| {
                format!(
                    "{:?} 不是有效的监测对象类别（{}，或留空）",
                    raw.trim(),
                    MonitoringKind::accepted()
                )
            })
    }

    /// The spellings `parse` accepts, for messages: 脱贫不稳定户 / 边缘易致贫户 / 突发严重困难户.
    pub fn accepted() -> String {
        let names: Vec<&str> = MonitoringKind::ALL.iter().map(|k| k.chinese()).collect();
        names.join(" / ")
    }
}

crate::model::stored_as_code!(MonitoringKind, "监测对象类别");

/// How a household standard is judged from a register row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Test {
    /// Per-capita income (`income_per_capita`) above the poverty line; income equal to the line
    /// fails. Unknown when there is no poverty line for the year.
    IncomeAboveLine,
    /// A yes/no column of `household_snapshot`: 0 fails, NULL is not reported (never a fail).
    Reported(&'static str),
}

/// One household exit standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standard {
    pub code: &'static str,
    pub name: &'static str,
    pub test: Test,
}

/// The household exit standards, in order: H1 income above the poverty line, H2–H6 the reported facts.
pub const STANDARDS: [Standard; 6] = [
    Standard {
        code: "H1",
        name: "人均纯收入高于扶贫标准",
        test: Test::IncomeAboveLine,
    },
    Standard {
        code: "H2",
        name: "不愁吃、不愁穿",
        test: Test::Reported("food_clothing_ok"),
    },
    Standard {
        code: "H3",
        name: "义务教育有保障",
        test: Test::Reported("education_ok"),
    },
    Standard {
        code: "H4",
        name: "基本医疗有保障",
        test: Test::Reported("medical_ok"),
    },
    Standard {
        code: "H5",
        name: "住房安全有保障",
        test: Test::Reported("housing_safe"),
    },
    Standard {
        code: "H6",
        name: "饮水安全",
        test: Test::Reported("water_safe"),
    },
];

/// The Chinese name of a standard by its code ("" for a code that is not one).
pub fn standard_name(code: &str) -> &'static str {
    STANDARDS
        .iter()
        .find(|s| s.code == code)
        .map(|s| s.name)
        .unwrap_or("")
}

/// The yes/no columns of the reported standards (H2–H6) in order, as an SQL select list over the
/// table alias `t`: `h.food_clothing_ok, h.education_ok, …`.
pub fn reported_columns_sql(t: &str) -> String {
    STANDARDS
        .iter()
        .filter_map(|s| match s.test {
            Test::Reported(column) => Some(format!("{t}.{column}")),
            Test::IncomeAboveLine => None,
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// An SQL condition over the table alias `t`, true when the row fails any standard, with `line` the
/// SQL parameter holding the poverty line. A standard not reported (or the line NULL) is NULL, never
/// true, so an unknown standard never counts as failed. Built from constants only: no user value
/// reaches the SQL text.
pub fn fails_any_sql(t: &str, line: &str) -> String {
    STANDARDS
        .iter()
        .map(|s| match s.test {
            Test::IncomeAboveLine => format!("{t}.income_per_capita <= {line}"),
            Test::Reported(column) => format!("{t}.{column} = 0"),
        })
        .collect::<Vec<_>>()
        .join(" OR ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    fn schema() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        for sql in [
            include_str!("../../schema.sql"),
            include_str!("../../migrations/0002-drop-identified-year.sql"),
            include_str!("../../migrations/0003-rules-as-documented.sql"),
        ] {
            conn.execute_batch(sql).unwrap();
        }
        conn
    }

    #[test]
    fn the_national_systems_spellings() {
        let read = HouseholdStatus::parse_register;
        use HouseholdStatus::*;
        assert_eq!(read("已脱贫(享受政策)"), Some((Exited, Some(true))));
        assert_eq!(read("已脱贫（享受政策）"), Some((Exited, Some(true))));
        assert_eq!(
            read(" 已脱贫（不再享受政策） "),
            Some((Exited, Some(false)))
        );
        assert_eq!(read("已脱贫(不再享受政策）"), Some((Exited, Some(false))));
        assert_eq!(read("已脱贫"), Some((Exited, None)));
        assert_eq!(read("返贫"), Some((Returned, None)));
        assert_eq!(read("未脱贫"), Some((Poor, None)));
        assert_eq!(read("已脱贫(享受)"), None);
        assert_eq!(read("返贫(享受政策)"), None);

        for (raw, base) in [
            ("一般贫困户", "一般贫困户"),
            ("一般脱贫户", "一般贫困户"),
            ("低保脱贫户", "低保贫困户"),
            ("特困供养脱贫户", "特困供养贫困户"),
            ("五保贫困户", "特困供养贫困户"),
            ("低保特困供养贫困户", "特困供养贫困户"),
            ("低保、特困供养脱贫户", "特困供养贫困户"),
            ("低保贫困户 ", "低保贫困户"),
        ] {
            assert_eq!(parse_category(raw), Some(base), "{raw}");
        }
        for raw in [
            "普通户",
            "贫困户",
            "一般低保贫困户",
            "低保户",
            "特困贫困户",
            "",
        ] {
            assert_eq!(parse_category(raw), None, "{raw}");
        }

        assert_eq!(parse_cause("缺劳动力"), Some("缺劳力"));
        assert_eq!(parse_cause("因病致贫"), Some("因病"));
        assert_eq!(parse_cause("缺劳力"), Some("缺劳力"));
        assert_eq!(parse_cause("因懒"), None);

        assert_eq!(
            MonitoringKind::parse("边缘易致贫户"),
            Ok(Some(MonitoringKind::Marginal))
        );
        assert_eq!(
            MonitoringKind::parse("Sudden_Hardship"),
            Ok(Some(MonitoringKind::SuddenHardship))
        );
        assert_eq!(MonitoringKind::parse(" "), Ok(None));
        assert_eq!(MonitoringKind::parse("无"), Ok(None));
        assert_eq!(
            MonitoringKind::parse("重点户").unwrap_err(),
            "\"重点户\" 不是有效的监测对象类别（脱贫不稳定户 / 边缘易致贫户 / 突发严重困难户，或留空）"
        );
    }

    #[test]
    fn statuses_in_both_languages() {
        assert_eq!(
            HouseholdStatus::parse("已脱贫"),
            Some(HouseholdStatus::Exited)
        );
        assert_eq!(
            HouseholdStatus::parse(" Returned "),
            Some(HouseholdStatus::Returned)
        );
        assert_eq!(
            HouseholdStatus::parse("未脱贫"),
            Some(HouseholdStatus::Poor)
        );
        assert_eq!(HouseholdStatus::parse("脱贫"), None);
        assert!(HouseholdStatus::Returned.is_poor() && !HouseholdStatus::Exited.is_poor());
    }

    #[test]
    fn the_enumerations_match_the_schema_tables() {
        let conn = schema();
        let statuses: Vec<(String, String)> = conn
            .prepare("SELECT code, name FROM household_status")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let mut want: Vec<(String, String)> = HouseholdStatus::ALL
            .iter()
            .map(|s| (s.code().to_string(), s.chinese().to_string()))
            .collect();
        let mut got = statuses;
        want.sort();
        got.sort();
        assert_eq!(got, want);
        let names = |sql: &str| -> Vec<String> {
            let mut v: Vec<String> = conn
                .prepare(sql)
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            v.sort();
            v
        };
        let sorted = |a: &[&str]| {
            let mut v: Vec<String> = a.iter().map(|s| s.to_string()).collect();
            v.sort();
            v
        };
        assert_eq!(
            names("SELECT name FROM household_category"),
            sorted(&CATEGORIES)
        );
        assert_eq!(names("SELECT name FROM poverty_cause"), sorted(&CAUSES));
        let kinds: Vec<&str> = MonitoringKind::ALL.iter().map(|k| k.code()).collect();
        assert_eq!(names("SELECT code FROM monitoring_kind"), sorted(&kinds));
        for k in MonitoringKind::ALL {
            let name: String = conn
                .query_row(
                    "SELECT name FROM monitoring_kind WHERE code = ?1",
                    [k],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(name, k.chinese());
        }
        // The standards' columns are the register's.
        conn.prepare(&format!(
            "SELECT {} FROM household_snapshot h WHERE {}",
            reported_columns_sql("h"),
            fails_any_sql("h", "?1")
        ))
        .unwrap();
        // Stored and read back by code.
        let s: HouseholdStatus = conn
            .query_row("SELECT ?1", [HouseholdStatus::Returned], |r| r.get(0))
            .unwrap();
        assert_eq!(s, HouseholdStatus::Returned);
        assert!(conn
            .query_row("SELECT 'gone'", [], |r| r.get::<_, HouseholdStatus>(0))
            .is_err());
    }

    /// One row per standard failing only that standard, one row failing none and one reporting
    /// nothing: the SQL built from STANDARDS picks exactly the failing rows, whatever the columns.
    #[test]
    fn the_standards_sql_fails_each_standard_and_nothing_unknown() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE h (id TEXT, income_per_capita REAL, food_clothing_ok INTEGER,
                 education_ok INTEGER, medical_ok INTEGER, housing_safe INTEGER, water_safe INTEGER)",
        )
        .unwrap();
        let reported: Vec<&str> = STANDARDS
            .iter()
            .filter_map(|s| match s.test {
                Test::Reported(c) => Some(c),
                Test::IncomeAboveLine => None,
            })
            .collect();
        assert_eq!(
            reported_columns_sql("x"),
            format!("x.{}", reported.join(", x."))
        );
        let insert = |id: &str, income: f64, flags: [Option<i64>; 5]| {
            conn.execute(
                "INSERT INTO h VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                rusqlite::params![id, income, flags[0], flags[1], flags[2], flags[3], flags[4]],
            )
            .unwrap();
        };
        insert("ok", 5000.0, [Some(1); 5]);
        insert("unknown", 5000.0, [None; 5]);
        for s in &STANDARDS {
            match s.test {
                Test::IncomeAboveLine => insert(s.code, 3747.0, [Some(1); 5]),
                Test::Reported(column) => {
                    let mut flags = [Some(1); 5];
                    flags[reported.iter().position(|c| *c == column).unwrap()] = Some(0);
                    insert(s.code, 5000.0, flags);
                }
            }
        }
        let failing = |line: Option<f64>| -> Vec<String> {
            let sql = format!(
                "SELECT id FROM h WHERE {} ORDER BY id",
                fails_any_sql("h", "?1")
            );
            conn.prepare(&sql)
                .unwrap()
                .query_map([line], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        assert_eq!(failing(Some(3747.0)), ["H1", "H2", "H3", "H4", "H5", "H6"]);
        // Without a poverty line H1 is unknown, never failed.
        assert_eq!(failing(None), ["H2", "H3", "H4", "H5", "H6"]);
        assert_eq!(standard_name("H4"), "基本医疗有保障");
    }
}
