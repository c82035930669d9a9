//! The member row behind a failed household standard (H3–H6) of a household imported from the
//! national export: which line of the file, the member's 与户主关系, the column and its value as
//! written. Stored with the snapshot (`household_evidence`), shown by `check households` and
//! `explain` as `第 14 行 之子 在校生状况 = 辍学`. Names are never part of it.

/// One failed standard and the row that decided it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
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
