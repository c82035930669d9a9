//! The national system's vocabulary (全国扶贫开发信息系统): what the values of its detail export
//! mean where tuopin reads them. No data dictionary of the system is public and exports differ, so
//! the list is data (`data/national-values.csv`, table `national_value`) that a province edits;
//! a value it does not list is reported by the importer, never guessed.
//!
//! Which columns have a vocabulary, and which meanings each may take, is fixed here: 与户主关系
//! (`head`, `member`), 在校生状况 (`in_school`, `out_of_school`, `not_applicable`) and the yes/no
//! columns 参加大病医疗, 是否参加城乡居民基本医疗保险, 危房户, 饮水安全, 饮水困难 (`yes`, `no`).

use std::borrow::Cow;
use std::collections::HashMap;

use anyhow::Result;
use rusqlite::Connection;

use crate::model::cell::normalize_width;

/// What a value of the national export says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Meaning {
    /// 与户主关系 = 户主: the row opens a household.
    Head,
    /// Any other relation: a member of the household opened above.
    Member,
    /// 在校生状况: at school (小学, 初中, 在校生 …).
    InSchool,
    /// 在校生状况: not at school (辍学, 失学, 未入学 …); fails H3 for a child of compulsory-school age.
    OutOfSchool,
    /// 在校生状况: school does not apply (学龄前儿童, 已毕业).
    NotApplicable,
    Yes,
    No,
}

impl Meaning {
    pub const ALL: [Meaning; 7] = [
        Meaning::Head,
        Meaning::Member,
        Meaning::InSchool,
        Meaning::OutOfSchool,
        Meaning::NotApplicable,
        Meaning::Yes,
        Meaning::No,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Meaning::Head => "head",
            Meaning::Member => "member",
            Meaning::InSchool => "in_school",
            Meaning::OutOfSchool => "out_of_school",
            Meaning::NotApplicable => "not_applicable",
            Meaning::Yes => "yes",
            Meaning::No => "no",
        }
    }

    pub fn chinese(self) -> &'static str {
        match self {
            Meaning::Head => "户主",
            Meaning::Member => "家庭成员",
            Meaning::InSchool => "在校",
            Meaning::OutOfSchool => "不在校",
            Meaning::NotApplicable => "不适用",
            Meaning::Yes => "是",
            Meaning::No => "否",
        }
    }

    pub fn from_code(code: &str) -> Option<Meaning> {
        Meaning::ALL.into_iter().find(|m| m.code() == code)
    }
}

crate::model::stored_as_code!(Meaning, "取值含义");

/// The kinds of vocabulary column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Vocabulary {
    Relation,
    School,
    YesNo,
}

impl Vocabulary {
    fn meanings(self) -> &'static [Meaning] {
        match self {
            Vocabulary::Relation => &[Meaning::Head, Meaning::Member],
            Vocabulary::School => &[
                Meaning::InSchool,
                Meaning::OutOfSchool,
                Meaning::NotApplicable,
            ],
            Vocabulary::YesNo => &[Meaning::Yes, Meaning::No],
        }
    }
}

/// The columns of the export with a vocabulary, by their header as the export writes it.
const COLUMNS: [(&str, Vocabulary); 7] = [
    ("与户主关系", Vocabulary::Relation),
    ("在校生状况", Vocabulary::School),
    ("参加大病医疗", Vocabulary::YesNo),
    ("是否参加城乡居民基本医疗保险", Vocabulary::YesNo),
    ("危房户", Vocabulary::YesNo),
    ("饮水安全", Vocabulary::YesNo),
    ("饮水困难", Vocabulary::YesNo),
];

/// A cell compared with the list: full-width forms and every space removed (`在 校 生`, `户主 `).
pub fn value_key(raw: &str) -> Cow<'_, str> {
    let wide = normalize_width(raw);
    if !wide.chars().any(char::is_whitespace) {
        return wide;
    }
    Cow::Owned(wide.chars().filter(|c| !c.is_whitespace()).collect())
}

/// Check one row of the list: the column has a vocabulary and the meaning is one of its own.
/// The error is the sentence a data-file error shows.
pub fn check_row(column: &str, meaning: &str) -> Result<Meaning, String> {
    let Some((_, vocabulary)) = COLUMNS.iter().find(|(c, _)| *c == column) else {
        let names: Vec<&str> = COLUMNS.iter().map(|(c, _)| *c).collect();
        return Err(format!(
            "列 {column:?} 没有取值表；可填的列：{}",
            names.join("、")
        ));
    };
    let allowed = vocabulary.meanings();
    match Meaning::from_code(meaning).filter(|m| allowed.contains(m)) {
        Some(m) => Ok(m),
        None => {
            let codes: Vec<&str> = allowed.iter().map(|m| m.code()).collect();
            Err(format!(
                "{column} 的含义 {meaning:?} 无效；应为 {}",
                codes.join("、")
            ))
        }
    }
}

/// The vocabulary as a database holds it.
#[derive(Debug, Clone, Default)]
pub struct Values {
    /// Column → value (as `value_key`) → meaning.
    map: HashMap<String, HashMap<String, Meaning>>,
}

const LOAD: &str = "SELECT column_name, value, meaning FROM national_value";

impl Values {
    pub fn load(conn: &Connection) -> Result<Values> {
        let mut stmt = conn.prepare(LOAD)?;
        let mut map: HashMap<String, HashMap<String, Meaning>> = HashMap::new();
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get(2)?))
        })?;
        for row in rows {
            let (column, value, meaning): (String, String, Meaning) = row?;
            map.entry(column)
                .or_default()
                .insert(value_key(&value).into_owned(), meaning);
        }
        Ok(Values { map })
    }

    /// What `raw` means in `column` (a header of `COLUMNS`), if the list knows it. 户主 is always
    /// the head: without it no household could be read.
    pub fn meaning(&self, column: &str, raw: &str) -> Option<Meaning> {
        let key = value_key(raw);
        if column == COLUMNS[0].0 && key == "户主" {
            return Some(Meaning::Head);
        }
        self.map.get(column)?.get(key.as_ref()).copied()
    }

    /// A list of `(column, value, meaning)`, for tests.
    #[cfg(test)]
    pub fn of(rows: &[(&str, &str, Meaning)]) -> Values {
        let mut map: HashMap<String, HashMap<String, Meaning>> = HashMap::new();
        for (c, v, m) in rows {
            map.entry(c.to_string())
                .or_default()
                .insert(value_key(v).into_owned(), *m);
        }
        Values { map }
    }
}

pub const INSERT: &str =
    "INSERT INTO national_value (column_name, value, meaning, note) VALUES (?1, ?2, ?3, ?4)";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_checked_against_their_column() {
        assert_eq!(
            check_row("在校生状况", "out_of_school"),
            Ok(Meaning::OutOfSchool)
        );
        assert_eq!(check_row("危房户", "yes"), Ok(Meaning::Yes));
        assert!(check_row("危房户", "out_of_school")
            .unwrap_err()
            .contains("yes、no"));
        assert!(check_row("民族", "yes").unwrap_err().contains("没有取值表"));
        let v = Values::of(&[("在校生状况", "辍学", Meaning::OutOfSchool)]);
        assert_eq!(
            v.meaning("在校生状况", " 辍 学 "),
            Some(Meaning::OutOfSchool)
        );
        assert_eq!(v.meaning("在校生状况", "休学"), None);
        assert_eq!(v.meaning("与户主关系", "户主"), Some(Meaning::Head));
        assert_eq!(v.meaning("与户主关系", "之子"), None);
    }

    /// A database upgraded from version 4 gets the same list as one made by init.
    #[test]
    fn the_migrations_defaults_are_the_data_file() {
        let conn = Connection::open_in_memory().unwrap();
        crate::db::migrate::migrate(&conn).unwrap();
        let mut stmt = conn
            .prepare("SELECT column_name, value, meaning FROM national_value ORDER BY 1, 2")
            .unwrap();
        let stored: Vec<(String, String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let text = include_str!("../../data/national-values.csv");
        let mut file: Vec<(String, String, String)> = csv::Reader::from_reader(text.as_bytes())
            .records()
            .map(|r| {
                let r = r.unwrap();
                check_row(&r[0], &r[2]).unwrap();
                (r[0].to_string(), r[1].to_string(), r[2].to_string())
            })
            .collect();
        file.sort();
        assert_eq!(stored, file);
    }
}
