//! The exit criteria (10 village, 6 county) as data: loaded from data/criteria.csv by `init`.

use anyhow::{bail, Result};
use rusqlite::{params, Connection, OptionalExtension};

use crate::model::region::Level;

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Criterion {
    pub no: String,
    pub level: CriterionLevel,
    pub seq: i64,
    pub name: String,
    pub indicator_code: String,
    pub operator: Operator,
    pub threshold: Option<f64>,
    /// Compare with another region's value of the same indicator instead ("province").
    pub threshold_ref: Option<String>,
    pub unit: String,
    pub note: Option<String>,
}

/// Which regions a criterion is for: 贫困村退出 or 贫困县摘帽.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CriterionLevel {
    Village,
    County,
}

impl CriterionLevel {
    pub const ALL: [CriterionLevel; 2] = [CriterionLevel::Village, CriterionLevel::County];

    /// The code stored in the database and written to JSON (the region level's code).
    pub fn code(self) -> &'static str {
        self.region_level().code()
    }

    /// 村 or 县.
    pub fn chinese(self) -> &'static str {
        self.region_level().chinese()
    }

    pub fn from_code(code: &str) -> Option<CriterionLevel> {
        CriterionLevel::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The level of the regions checked against it.
    pub fn region_level(self) -> Level {
        match self {
            CriterionLevel::Village => Level::Village,
            CriterionLevel::County => Level::County,
        }
    }
}

crate::model::stored_as_code!(CriterionLevel, "标准级别");

/// How a criterion compares the value with the threshold. Serialised as its code (`<`, `>=`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Operator {
    #[serde(rename = "<")]
    Less,
    #[serde(rename = "<=")]
    LessOrEqual,
    #[serde(rename = ">")]
    Greater,
    #[serde(rename = ">=")]
    GreaterOrEqual,
    #[serde(rename = "=")]
    Equal,
    #[serde(rename = "!=")]
    NotEqual,
}

impl Operator {
    /// The comparison operators a criterion may use, in the order data/criteria.csv documents them.
    pub const ALL: [Operator; 6] = [
        Operator::Less,
        Operator::LessOrEqual,
        Operator::Greater,
        Operator::GreaterOrEqual,
        Operator::Equal,
        Operator::NotEqual,
    ];

    /// The code stored in the database, written in data/criteria.csv and JSON.
    pub fn code(self) -> &'static str {
        match self {
            Operator::Less => "<",
            Operator::LessOrEqual => "<=",
            Operator::Greater => ">",
            Operator::GreaterOrEqual => ">=",
            Operator::Equal => "=",
            Operator::NotEqual => "!=",
        }
    }

    /// The symbol tables and reports print: `<`, `≤`, `≥`, `≠`.
    pub fn symbol(self) -> &'static str {
        match self {
            Operator::LessOrEqual => "≤",
            Operator::GreaterOrEqual => "≥",
            Operator::NotEqual => "≠",
            other => other.code(),
        }
    }

    pub fn chinese(self) -> &'static str {
        match self {
            Operator::Less => "低于",
            Operator::LessOrEqual => "不高于",
            Operator::Greater => "高于",
            Operator::GreaterOrEqual => "不低于",
            Operator::Equal => "等于",
            Operator::NotEqual => "不等于",
        }
    }

    pub fn from_code(code: &str) -> Option<Operator> {
        Operator::ALL.into_iter().find(|o| o.code() == code)
    }

    /// An operator as data/criteria.csv writes it, or the error naming the valid ones.
    pub fn parse(code: &str) -> Result<Operator> {
        match Operator::from_code(code) {
            Some(op) => Ok(op),
            None => {
                let all: Vec<&str> = Operator::ALL.iter().map(|o| o.code()).collect();
                bail!("运算符 {code:?} 无效；应为 {}", all.join(" "))
            }
        }
    }
}

crate::model::stored_as_code!(Operator, "运算符");

const SELECT_CRITERIA: &str =
    "SELECT no, level, seq, name, indicator_code, operator, threshold, threshold_ref, unit, note
     FROM criterion";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Criterion> {
    Ok(Criterion {
        no: r.get(0)?,
        level: r.get(1)?,
        seq: r.get(2)?,
        name: r.get(3)?,
        indicator_code: r.get(4)?,
        operator: r.get(5)?,
        threshold: r.get(6)?,
        threshold_ref: r.get(7)?,
        unit: r.get(8)?,
        note: r.get(9)?,
    })
}

/// All criteria, villages first, in their numbered order.
pub fn all(conn: &Connection) -> Result<Vec<Criterion>> {
    let mut stmt = conn.prepare(&format!(
        "{SELECT_CRITERIA} ORDER BY CASE level WHEN 'village' THEN 0 ELSE 1 END, seq"
    ))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

const INSERT_CRITERION: &str = "INSERT INTO criterion
     (no, level, seq, name, indicator_code, operator, threshold, threshold_ref, unit, note)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

pub fn insert(conn: &Connection, c: &Criterion) -> Result<()> {
    conn.execute(
        INSERT_CRITERION,
        params![
            c.no,
            c.level,
            c.seq,
            c.name,
            c.indicator_code,
            c.operator,
            c.threshold,
            c.threshold_ref,
            c.unit,
            c.note
        ],
    )?;
    Ok(())
}

/// One criterion by its number (V1…V10, C1…C6; case does not matter), or a clear error.
pub fn get(conn: &Connection, no: &str) -> Result<Criterion> {
    let key = no.trim().to_uppercase();
    let mut stmt = conn.prepare_cached(&format!("{SELECT_CRITERIA} WHERE no = ?1"))?;
    match stmt.query_row([&key], from_row).optional()? {
        Some(c) => Ok(c),
        None => {
            bail!("没有编号为 {no:?} 的退出标准；可用 `tuopin criteria` 查看 (unknown criterion)")
        }
    }
}

// An unchanged threshold is not written, so history records only real changes.
const UPDATE_THRESHOLD: &str =
    "UPDATE criterion SET threshold = ?2 WHERE no = ?1 AND threshold IS NOT ?2";

/// Change a criterion's fixed threshold. `raw` is read as the criterion's indicator type (`30000`,
/// `30,000`, `1.5%`, `是`), so a percent stays within 0–100. The old row goes to `history` (trigger),
/// with `reason`. Returns the criterion before and after.
pub fn set_threshold(
    conn: &mut Connection,
    no: &str,
    raw: &str,
    reason: &str,
) -> Result<(Criterion, Criterion)> {
    let before = get(conn, no)?;
    if before.threshold_ref.is_some() {
        bail!(
            "{} {} 与{}比较，没有固定阈值可改 (criterion compares with another region)",
            before.no,
            before.name,
            match before.threshold_ref.as_deref() {
                Some("province") => "全省",
                _ => "其他区划",
            }
        );
    }
    let Some(ind) = crate::model::indicator::find(conn, &before.indicator_code)? else {
        bail!(
            "标准 {} 的指标 {} 不在指标目录中",
            before.no,
            before.indicator_code
        );
    };
    let threshold = ind
        .value_type
        .parse(raw)
        .map_err(|e| anyhow::anyhow!("阈值 {e}"))?;
    let tx = conn.transaction()?;
    crate::model::history::set_change_context(&tx, None, reason)?;
    tx.execute(UPDATE_THRESHOLD, params![before.no, threshold])?;
    crate::model::history::set_change_context(&tx, None, "")?;
    let after = get(&tx, &before.no)?;
    tx.commit()?;
    Ok((before, after))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_read_and_print_as_before() {
        let codes: Vec<&str> = Operator::ALL.iter().map(|o| o.code()).collect();
        assert_eq!(codes, ["<", "<=", ">", ">=", "=", "!="]);
        let symbols: Vec<&str> = Operator::ALL.iter().map(|o| o.symbol()).collect();
        assert_eq!(symbols, ["<", "≤", ">", "≥", "=", "≠"]);
        assert_eq!(Operator::parse(">=").unwrap(), Operator::GreaterOrEqual);
        assert_eq!(
            Operator::parse("=>").unwrap_err().to_string(),
            "运算符 \"=>\" 无效；应为 < <= > >= = !="
        );
        assert_eq!(
            serde_json::to_value(Operator::NotEqual).unwrap(),
            serde_json::json!("!=")
        );
    }

    #[test]
    fn levels_are_stored_as_region_level_codes() {
        assert_eq!(
            CriterionLevel::from_code("village"),
            Some(CriterionLevel::Village)
        );
        assert_eq!(CriterionLevel::from_code("township"), None);
        assert_eq!(CriterionLevel::County.code(), "county");
        assert_eq!(
            serde_json::to_value(CriterionLevel::County).unwrap(),
            serde_json::json!("county")
        );
    }
}
