//! The member row behind a failed household standard (H3–H6) of a household imported from the
//! national export: which line of the file, the member's 与户主关系, the column and its value as
//! written. Stored with the snapshot (`household_evidence`), shown by `check households` and
//! `explain` as `第 14 行 之子 在校生状况 = 辍学`. Names are never part of it.

/// One failed standard and the row that decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// H3, H4, H5 or H6.
    pub standard: &'static str,
    /// The row as the spreadsheet numbers it.
    pub line: i64,
    /// 与户主关系 of that row (户主, 之子 …).
    pub relation: String,
    /// The column as the export names it (在校生状况, 参加大病医疗, 危房户 …).
    pub column: String,
    /// The cell, a value of the national_value vocabulary.
    pub value: String,
}

impl Evidence {
    /// `第 14 行 之子 在校生状况 = 辍学`.
    pub fn text(&self) -> String {
        format!(
            "第 {} 行 {} {} = {}",
            self.line, self.relation, self.column, self.value
        )
    }
}

/// As JSON: the fields and the sentence, `{"standard": "H3", "line": 14, "relation": "之子",
/// "column": "在校生状况", "value": "辍学", "text": "第 14 行 之子 在校生状况 = 辍学"}`.
impl serde::Serialize for Evidence {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut e = s.serialize_struct("Evidence", 6)?;
        e.serialize_field("standard", self.standard)?;
        e.serialize_field("line", &self.line)?;
        e.serialize_field("relation", &self.relation)?;
        e.serialize_field("column", &self.column)?;
        e.serialize_field("value", &self.value)?;
        e.serialize_field("text", &self.text())?;
        e.end()
    }
}

/// The evidence of one household and month, in standard order.
pub const FOR_HOUSEHOLD: &str = "SELECT standard, line, relation, column_name, value
     FROM household_evidence WHERE period = ?1 AND household_id = ?2 ORDER BY standard";

/// Read the evidence of one household and month.
pub fn for_household(
    conn: &rusqlite::Connection,
    period: crate::model::period::Period,
    household_id: &str,
) -> anyhow::Result<Vec<Evidence>> {
    let mut stmt = conn.prepare_cached(FOR_HOUSEHOLD)?;
    let rows = stmt.query_map(rusqlite::params![period, household_id], |r| {
        let code: String = r.get(0)?;
        Ok(Evidence {
            standard: standard_code(&code).unwrap_or("H?"),
            line: r.get(1)?,
            relation: r.get(2)?,
            column: r.get(3)?,
            value: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

// The evidence of a village's households in one snapshot month, by household and standard.
const FOR_VILLAGE: &str =
    "SELECT e.household_id, e.standard, e.line, e.relation, e.column_name, e.value
     FROM household_evidence e
     JOIN household_snapshot h ON h.period = e.period AND h.household_id = e.household_id
     WHERE e.period = ?1 AND h.village_code = ?2
     ORDER BY e.household_id, e.standard";

/// One household's failed standard and the row behind it, as `explain` lists them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HouseholdEvidence {
    pub household_id: String,
    #[serde(flatten)]
    pub evidence: Evidence,
}

/// The evidence of every household of a village in the snapshot of `period`.
pub fn for_village(
    conn: &rusqlite::Connection,
    period: crate::model::period::Period,
    village: &str,
) -> anyhow::Result<Vec<HouseholdEvidence>> {
    let mut stmt = conn.prepare_cached(FOR_VILLAGE)?;
    let rows = stmt.query_map(rusqlite::params![period, village], |r| {
        let code: String = r.get(1)?;
        Ok(HouseholdEvidence {
            household_id: r.get(0)?,
            evidence: Evidence {
                standard: standard_code(&code).unwrap_or("H?"),
                line: r.get(2)?,
                relation: r.get(3)?,
                column: r.get(4)?,
                value: r.get(5)?,
            },
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The standards that can have evidence, as stored (a CHECK of `household_evidence`).
pub const STANDARDS: [&str; 4] = ["H3", "H4", "H5", "H6"];

/// A stored standard code as the `'static` one of [`STANDARDS`].
pub fn standard_code(code: &str) -> Option<&'static str> {
    STANDARDS.iter().copied().find(|s| *s == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_names_the_line_relation_column_and_value() {
        let e = Evidence {
            standard: "H3",
            line: 14,
            relation: "之子".into(),
            column: "在校生状况".into(),
            value: "辍学".into(),
        };
        assert_eq!(e.text(), "第 14 行 之子 在校生状况 = 辍学");
        assert_eq!(standard_code("H5"), Some("H5"));
        assert_eq!(standard_code("H1"), None);
    }
}
