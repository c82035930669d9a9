//! Registered poor households (建档立卡户): their status, the attributes the register allows, and the
//! household exit standards H1–H6 (一达标两不愁三保障).
//!
//! The standards are defined once, here: the register counts (suspected wrong exits), the household
//! check's SQL and its list of failed standards are all built from [`STANDARDS`].

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
        let t = raw.trim().to_ascii_lowercase();
        HouseholdStatus::ALL
            .into_iter()
            .find(|s| s.chinese() == t || s.code() == t)
    }

    /// Counted among the poor: 未脱贫 and 返贫 (the incidence numerator).
    pub fn is_poor(self) -> bool {
        matches!(self, HouseholdStatus::Poor | HouseholdStatus::Returned)
    }
}

crate::model::stored_as_code!(HouseholdStatus, "脱贫状态");

/// 贫困户属性, as table `household_category` lists them.
pub const CATEGORIES: [&str; 3] = ["一般贫困户", "低保贫困户", "特困供养贫困户"];

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
        conn.execute_batch(include_str!("../../schema.sql"))
            .unwrap();
        conn
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
