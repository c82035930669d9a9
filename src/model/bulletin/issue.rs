//! An issue as users cite it, the key that finds it again, and its quoted sentences.

use anyhow::Result;
use rusqlite::{params, Connection};

/// Separates fragments of one quote taken from the same issue, in order (a sentence may name the
/// counties and an earlier one the plan).
pub const QUOTE_GAP: &str = "……";

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Bulletin {
    /// 第 N 期; None for an article added without masthead.
    pub issue_no: Option<i64>,
    /// 总第 N 期
    pub total_no: Option<i64>,
    pub date: String,
    pub title: String,
    pub publisher: String,
}

impl Bulletin {
    /// How users cite an issue: 第25期（总第213期，2019-03-27）; an article without masthead by its
    /// office and date.
    pub fn citation(&self) -> String {
        citation(self.issue_no, self.total_no, &self.date, &self.publisher)
    }
}

/// 第25期（总第213期，2019-03-27）, 第25期（2019-03-27）, or 辽宁省扶贫办（2019-03-27）.
pub fn citation(
    issue_no: Option<i64>,
    total_no: Option<i64>,
    date: &str,
    publisher: &str,
) -> String {
    match (issue_no, total_no) {
        (Some(n), Some(t)) => format!("第{n}期（总第{t}期，{date}）"),
        (Some(n), None) => format!("第{n}期（{date}）"),
        (None, Some(t)) => format!("总第{t}期（{date}）"),
        (None, None) => format!("{publisher}（{date}）"),
    }
}

/// Which issue a text is, so that adding it again finds it: the publisher and 总第 N 期, else the
/// year and 第 N 期, else the date and the title. Migration 4 writes the first form for the issues
/// stored before it.
pub fn issue_key(
    publisher: &str,
    issue_no: Option<i64>,
    total_no: Option<i64>,
    date: &str,
    title: &str,
) -> String {
    match (total_no, issue_no) {
        (Some(t), _) => format!("{publisher}|总第{t}期"),
        (None, Some(n)) => format!("{publisher}|{}|第{n}期", date.get(..4).unwrap_or(date)),
        (None, None) => format!("{publisher}|{date}|{title}"),
    }
}

/// Whether every fragment of `quote` appears, in order, in `issue_text`.
pub fn quote_is_verbatim(issue_text: &str, quote: &str) -> bool {
    quote_position(issue_text, quote).is_some()
}

/// Where `quote` stands in `issue_text`: from the start of its first fragment to the end of its
/// last (fragments are separated by `QUOTE_GAP`, in order). None when a fragment is missing.
pub fn quote_position(issue_text: &str, quote: &str) -> Option<std::ops::Range<usize>> {
    if quote.trim().is_empty() {
        return None;
    }
    let mut from = 0;
    let mut start = None;
    for fragment in quote.split(QUOTE_GAP) {
        let p = issue_text[from..].find(fragment)?;
        start.get_or_insert(from + p);
        from += p + fragment.len();
    }
    Some(start.unwrap_or(0)..from)
}

/// The id of a quote, inserting it on first use.
pub fn quote_id(conn: &Connection, bulletin_id: i64, sentence: &str) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO bulletin_quote (bulletin_id, sentence) VALUES (?1, ?2)
         ON CONFLICT (bulletin_id, sentence) DO NOTHING",
    )?
    .execute(params![bulletin_id, sentence])?;
    Ok(conn
        .prepare_cached("SELECT id FROM bulletin_quote WHERE bulletin_id = ?1 AND sentence = ?2")?
        .query_row(params![bulletin_id, sentence], |r| r.get(0))?)
}

const ALL_BULLETINS: &str = "SELECT issue_no, total_no, date, title, publisher FROM bulletin
     ORDER BY date, total_no, issue_no, id";

/// Every stored issue, oldest first.
pub fn all(conn: &Connection) -> Result<Vec<Bulletin>> {
    let mut stmt = conn.prepare_cached(ALL_BULLETINS)?;
    let rows = stmt.query_map([], |r| {
        Ok(Bulletin {
            issue_no: r.get(0)?,
            total_no: r.get(1)?,
            date: r.get(2)?,
            title: r.get(3)?,
            publisher: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The stored text of an issue (None for an issue stored before texts were: migration 4).
pub fn text(conn: &Connection, bulletin_id: i64) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT text FROM bulletin WHERE id = ?1")?
        .query_row([bulletin_id], |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_found_fragment_by_fragment() {
        let text = "甲乙丙。丁戊己庚。";
        assert!(quote_is_verbatim(text, "丁戊"));
        assert!(quote_is_verbatim(text, "丁……庚"));
        assert_eq!(quote_position(text, "乙……戊"), Some(3..18));
        assert!(!quote_is_verbatim(text, "庚……丁"));
        assert!(!quote_is_verbatim(text, "辛"));
        assert!(!quote_is_verbatim(text, " "));
    }

    #[test]
    fn issues_are_cited_and_keyed_by_what_they_have() {
        let p = "辽宁省脱贫攻坚领导小组办公室";
        assert_eq!(
            citation(Some(25), Some(213), "2019-03-27", p),
            "第25期（总第213期，2019-03-27）"
        );
        assert_eq!(
            citation(None, None, "2019-12-20", "朝阳县扶贫办"),
            "朝阳县扶贫办（2019-12-20）"
        );
        assert_eq!(
            issue_key(p, Some(25), Some(213), "2019-03-27", "t"),
            format!("{p}|总第213期")
        );
        assert_eq!(
            issue_key(p, Some(25), None, "2019-03-27", "t"),
            format!("{p}|2019|第25期")
        );
        assert_eq!(
            issue_key(p, None, None, "2019-03-27", "t"),
            format!("{p}|2019-03-27|t")
        );
    }
}
