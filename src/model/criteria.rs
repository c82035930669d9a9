//! The exit criteria as data: loaded from data/criteria.csv by `init`, changed one threshold at a
//! time (`criteria set`) or as a whole set (`criteria load`), each change kept in `history`; and
//! the bounds the national documents state, to show each rule beside the documents' wording.

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

    /// A level as a criteria file writes it: the code, 村/县, or 贫困村/贫困县.
    pub fn read(raw: &str) -> Option<CriterionLevel> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "village" | "村" | "贫困村" | "村级" => Some(CriterionLevel::Village),
            "county" | "县" | "贫困县" | "县级" => Some(CriterionLevel::County),
            _ => None,
        }
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

    /// Whether the threshold itself passes: true for `<=` and `>=` (以下, 以上: 含本数), false for
    /// `<` and `>` (低于, 高于, 超过: 不含本数); None for `=` and `!=`, where the words do not apply.
    pub fn inclusive(self) -> Option<bool> {
        match self {
            Operator::LessOrEqual | Operator::GreaterOrEqual => Some(true),
            Operator::Less | Operator::Greater => Some(false),
            Operator::Equal | Operator::NotEqual => None,
        }
    }

    /// An operator as a person may write it in a criteria file: the code (`<=`), the symbol tables
    /// print (`≤`), full-width forms (`＜＝`), or the Chinese words (`不高于`). None if it is none.
    pub fn read(raw: &str) -> Option<Operator> {
        let t = crate::model::cell::normalize_width(raw);
        let t = t.trim();
        Operator::ALL
            .into_iter()
            .find(|o| o.code() == t || o.symbol() == t || o.chinese() == t)
            .or(match t {
                "==" => Some(Operator::Equal),
                "<>" => Some(Operator::NotEqual),
                _ => None,
            })
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

/// A bound as a national document words it, for the criterion of `level` on `indicator`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct DocumentedBound {
    #[serde(skip)]
    pub level: CriterionLevel,
    #[serde(skip)]
    pub indicator: &'static str,
    pub operator: Operator,
    pub threshold: f64,
    /// The document's words, quoted.
    pub wording: &'static str,
    pub source: &'static str,
}

const EXIT_MECHANISM: &str = "《关于建立贫困退出机制的意见》（2016年4月）";
const COUNTY_EVALUATION: &str = "国开办发〔2017〕56号《贫困县退出专项评估检查实施办法（试行）》";

/// The bounds the national documents state (docs/exit-standards.md). 以下 includes the number
/// (民法典 第1259条), and exit is vetoed only when a rate is 高于 2% or approval 低于 90%, so all
/// five pass at the number itself. The other criteria are the provinces' to word.
pub const DOCUMENTED: [DocumentedBound; 5] = [
    DocumentedBound {
        level: CriterionLevel::Village,
        indicator: "poverty_incidence",
        operator: Operator::LessOrEqual,
        threshold: 2.0,
        wording: "降至2%以下",
        source: EXIT_MECHANISM,
    },
    DocumentedBound {
        level: CriterionLevel::County,
        indicator: "poverty_incidence",
        operator: Operator::LessOrEqual,
        threshold: 2.0,
        wording: "降至2%以下",
        source: EXIT_MECHANISM,
    },
    DocumentedBound {
        level: CriterionLevel::County,
        indicator: "wrong_exit_rate",
        operator: Operator::LessOrEqual,
        threshold: 2.0,
        wording: "高于2%的，不得退出",
        source: COUNTY_EVALUATION,
    },
    DocumentedBound {
        level: CriterionLevel::County,
        indicator: "missed_rate",
        operator: Operator::LessOrEqual,
        threshold: 2.0,
        wording: "高于2%的，不得退出",
        source: COUNTY_EVALUATION,
    },
    DocumentedBound {
        level: CriterionLevel::County,
        indicator: "approval_rate",
        operator: Operator::GreaterOrEqual,
        threshold: 90.0,
        wording: "低于90%的，不得退出",
        source: COUNTY_EVALUATION,
    },
];

impl Criterion {
    /// The bound a national document states for this criterion's level and indicator, if any.
    pub fn documented(&self) -> Option<&'static DocumentedBound> {
        DOCUMENTED
            .iter()
            .find(|d| d.level == self.level && d.indicator == self.indicator_code)
    }

    /// True when a document states the bound and this rule is another one (an edited `< 2`).
    pub fn differs_from_documents(&self) -> bool {
        self.documented().is_some_and(|d| {
            d.operator != self.operator
                || self.threshold_ref.is_some()
                || self
                    .threshold
                    .is_none_or(|t| (t - d.threshold).abs() > 1e-9)
        })
    }
}

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

/// What replacing the whole set changed, in the order of the new set (removed ones in the old
/// order).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct SetChanges {
    pub added: Vec<Criterion>,
    /// (before, after)
    pub changed: Vec<(Criterion, Criterion)>,
    pub removed: Vec<Criterion>,
    pub unchanged: usize,
}

impl SetChanges {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }
}

const DELETE_CRITERION: &str = "DELETE FROM criterion WHERE no = ?1";

// Moves a criterion out of the way of the seq another one takes: UNIQUE (level, seq) is checked
// row by row, so two criteria swapping places would collide. Seqs are ≥ 1, so -seq is free.
const PARK_SEQ: &str = "UPDATE criterion SET seq = -seq WHERE no = ?1";

const UPDATE_CRITERION: &str = "UPDATE criterion SET level = ?2, seq = ?3, name = ?4,
        indicator_code = ?5, operator = ?6, threshold = ?7, threshold_ref = ?8, unit = ?9, note = ?10
     WHERE no = ?1";

const LAST_HISTORY_ID: &str = "SELECT coalesce(max(id), 0) FROM history";

// The parking move is the first update of a criterion and keeps its row as it was; the history
// row of the second update (from the parked seq) says nothing and is dropped.
const DROP_PARKED_HISTORY: &str = "DELETE FROM history WHERE id > ?1 AND table_name = 'criterion'
     AND action = 'update' AND json_extract(old_row, '$.seq') < 0";

// No trigger records inserts (init loads the defaults, which are not a change): a criterion added
// to a set is recorded here, the added row as old_row.
const RECORD_INSERT: &str = "INSERT INTO history (table_name, action, row_key, old_row, changed_by, reason)
     SELECT 'criterion', 'insert', json_array(k.no),
            json_object('no', k.no, 'level', k.level, 'seq', k.seq, 'name', k.name,
                        'indicator_code', k.indicator_code, 'operator', k.operator, 'threshold', k.threshold,
                        'threshold_ref', k.threshold_ref, 'unit', k.unit, 'note', k.note),
            c.batch_id, c.reason
     FROM criterion k, change_context c WHERE k.no = ?1 AND c.id = 1";

fn update(conn: &Connection, sql: &str, c: &Criterion) -> Result<()> {
    conn.prepare_cached(sql)?.execute(params![
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
    ])?;
    Ok(())
}

/// Replace the whole set of criteria with `new` (already validated: unique numbers, unique seq
/// per level, known indicators), inside the caller's transaction. Criteria are matched by number;
/// every added, changed or removed one leaves a row in `history` with `reason`, an unchanged one
/// is not written.
pub fn replace_set(conn: &Connection, new: &[Criterion], reason: &str) -> Result<SetChanges> {
    let old = all(conn)?;
    let mut changes = SetChanges::default();
    crate::model::history::set_change_context(conn, None, reason)?;
    for o in &old {
        if !new.iter().any(|n| n.no == o.no) {
            conn.prepare_cached(DELETE_CRITERION)?.execute([&o.no])?;
            changes.removed.push(o.clone());
        }
    }
    let pairs: Vec<(&Criterion, &Criterion)> = new
        .iter()
        .filter_map(|n| old.iter().find(|o| o.no == n.no).map(|o| (o, n)))
        .filter(|(o, n)| o != n)
        .collect();
    for (o, n) in &pairs {
        if (o.level, o.seq) != (n.level, n.seq) {
            conn.prepare_cached(PARK_SEQ)?.execute([&o.no])?;
        }
    }
    let last: i64 = conn.query_row(LAST_HISTORY_ID, [], |r| r.get(0))?;
    for (o, n) in pairs {
        update(conn, UPDATE_CRITERION, n)?;
        changes.changed.push((o.clone(), n.clone()));
    }
    conn.prepare_cached(DROP_PARKED_HISTORY)?.execute([last])?;
    for n in new {
        if !old.iter().any(|o| o.no == n.no) {
            insert(conn, n)?;
            conn.prepare_cached(RECORD_INSERT)?.execute([&n.no])?;
            changes.added.push(n.clone());
        }
    }
    changes.unchanged = new.len() - changes.added.len() - changes.changed.len();
    crate::model::history::set_change_context(conn, None, "")?;
    Ok(changes)
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
    fn the_documents_bounds_include_the_number_and_an_edit_is_noticed() {
        assert_eq!(Operator::LessOrEqual.inclusive(), Some(true));
        assert_eq!(Operator::Less.inclusive(), Some(false));
        assert_eq!(Operator::Equal.inclusive(), None);
        let mut v1 = Criterion {
            no: "V1".into(),
            level: CriterionLevel::Village,
            seq: 1,
            name: "贫困发生率".into(),
            indicator_code: "poverty_incidence".into(),
            operator: Operator::LessOrEqual,
            threshold: Some(2.0),
            threshold_ref: None,
            unit: "%".into(),
            note: None,
        };
        assert_eq!(v1.documented().map(|d| d.wording), Some("降至2%以下"));
        assert!(!v1.differs_from_documents());
        v1.operator = Operator::Less;
        assert!(v1.differs_from_documents());
        v1.operator = Operator::LessOrEqual;
        v1.threshold = Some(3.0);
        assert!(v1.differs_from_documents());
        // A criterion no document words is never "different".
        v1.indicator_code = "broadband".into();
        assert_eq!(v1.documented(), None);
        assert!(!v1.differs_from_documents());
        // Every documented bound passes at the number itself.
        assert!(DOCUMENTED
            .iter()
            .all(|d| d.operator.inclusive() == Some(true)));
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
