//! Places by name, as the national export gives them (县 / 乡(镇) / 行政村), resolved against the
//! region table within one county: surrounding and inner spaces and full-width forms ignored, and
//! a missing level suffix tolerated (三家子 = 三家子村, 章古台 = 章古台镇, 岫岩县 = 岫岩满族自治县).
//! An exact name wins over a name without its suffix; two regions that answer to the same name
//! are ambiguous, never a guess. `--add-villages` adds an unknown village (and its unknown
//! township) under the county as a provisional region of the batch.

use std::collections::HashMap;

use anyhow::Result;
use rusqlite::Connection;

use crate::model::cell::normalize_width;
use crate::model::region::{self, Level, Region, RegionSource};

/// Suffixes a name may lack, longest first within each level.
fn suffixes(level: Level) -> &'static [&'static str] {
    match level {
        Level::Village => &["村民委员会", "社区居委会", "村委会", "居委会", "社区", "村"],
        Level::Township => &["街道办事处", "街道", "镇", "乡", "苏木"],
        Level::County => &[
            "满族自治县",
            "蒙古族自治县",
            "自治县",
            "县",
            "区",
            "市",
            "旗",
        ],
        Level::City | Level::Province => &["市", "省"],
    }
}

/// A name as compared: full-width forms and every space removed.
pub(super) fn name_key(raw: &str) -> String {
    normalize_width(raw)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// A compared name without its level suffix (`三家子村` → `三家子`); the name itself when nothing
/// would be left.
fn stem(key: &str, level: Level) -> &str {
    for s in suffixes(level) {
        if let Some(rest) = key.strip_suffix(s) {
            if !rest.is_empty() {
                return rest;
            }
        }
    }
    key
}

#[derive(Debug, Clone)]
struct Entry {
    code: String,
    key: String,
    stem: String,
}

impl Entry {
    fn new(code: String, name: &str, level: Level) -> Entry {
        let key = name_key(name);
        let stem = stem(&key, level).to_string();
        Entry { code, key, stem }
    }
}

/// What a name matched among some regions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Match {
    One(String),
    None,
    /// The codes of every region answering to it.
    Many(Vec<String>),
}

fn find(entries: &[Entry], name: &str, level: Level) -> Match {
    let key = name_key(name);
    let exact: Vec<&Entry> = entries.iter().filter(|e| e.key == key).collect();
    let found = if exact.is_empty() {
        let stem = stem(&key, level);
        entries.iter().filter(|e| e.stem == stem).collect()
    } else {
        exact
    };
    match found.as_slice() {
        [] => Match::None,
        [one] => Match::One(one.code.clone()),
        many => Match::Many(many.iter().map(|e| e.code.clone()).collect()),
    }
}

/// Why a household's place was not found.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct Unresolved {
    pub level: Level,
    /// The name as compared (`name_key`).
    pub name: String,
    /// The region it was looked for in: the county or the township.
    pub within: String,
    /// The regions answering to it, when more than one does.
    pub candidates: Vec<String>,
}

const REGIONS: &str = "SELECT r.code, r.name, r.level, r.parent_code, c.county_code
     FROM region r LEFT JOIN region_county c ON c.code = r.code
     WHERE r.level IN ('county', 'township', 'village')";

/// The counties, townships and villages of the database, by name.
#[derive(Default)]
pub(super) struct Places {
    counties: Vec<Entry>,
    /// County → its townships.
    townships: HashMap<String, Vec<Entry>>,
    /// Township → its villages.
    villages: HashMap<String, Vec<Entry>>,
    /// County → all its villages (for an export without 乡(镇)).
    county_villages: HashMap<String, Vec<Entry>>,
    /// Code → name, for messages.
    names: HashMap<String, String>,
}

impl Places {
    pub fn load(conn: &Connection) -> Result<Places> {
        let mut places = Places {
            counties: Vec::new(),
            townships: HashMap::new(),
            villages: HashMap::new(),
            county_villages: HashMap::new(),
            names: HashMap::new(),
        };
        let mut stmt = conn.prepare(REGIONS)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let code: String = r.get(0)?;
            let name: String = r.get(1)?;
            let level: Level = r.get(2)?;
            let parent: Option<String> = r.get(3)?;
            let county: Option<String> = r.get(4)?;
            places.add(code, &name, level, parent, county);
        }
        Ok(places)
    }

    fn add(
        &mut self,
        code: String,
        name: &str,
        level: Level,
        parent: Option<String>,
        county: Option<String>,
    ) {
        self.names.insert(code.clone(), name.to_string());
        let entry = Entry::new(code, name, level);
        match (level, parent) {
            (Level::County, _) => self.counties.push(entry),
            (Level::Township, Some(parent)) => {
                self.townships.entry(parent).or_default().push(entry)
            }
            (Level::Village, Some(parent)) => {
                if let Some(county) = county {
                    self.county_villages
                        .entry(county)
                        .or_default()
                        .push(entry.clone());
                }
                self.villages.entry(parent).or_default().push(entry);
            }
            _ => {}
        }
    }

    /// `乡镇 章古台镇（210922-T01）`: a region as messages name it.
    pub fn describe(&self, code: &str) -> String {
        match self.names.get(code) {
            Some(name) => format!("{name}（{code}）"),
            None => code.to_string(),
        }
    }

    /// The county a 县 cell names.
    pub fn county(&self, name: &str) -> Match {
        find(&self.counties, name, Level::County)
    }

    /// The one county whose name (or name without its suffix) a title line contains
    /// (`辽宁省阜新市彰武县  2019年3月`).
    pub fn county_in_text(&self, text: &str) -> Option<String> {
        let text = name_key(text);
        let mut found: Vec<&Entry> = self
            .counties
            .iter()
            .filter(|e| text.contains(&e.key))
            .collect();
        if found.is_empty() {
            found = self
                .counties
                .iter()
                .filter(|e| e.stem.chars().count() >= 2 && text.contains(&e.stem))
                .collect();
        }
        match found.as_slice() {
            [one] => Some(one.code.clone()),
            _ => None,
        }
    }

    /// The village named `village` (under the township named `township`, when the export has
    /// one) in `county`.
    pub fn village(
        &self,
        county: &str,
        township: Option<&str>,
        village: &str,
    ) -> Result<String, Unresolved> {
        let unresolved = |level, name: &str, within: &str, candidates| Unresolved {
            level,
            name: name_key(name),
            within: within.to_string(),
            candidates,
        };
        let (entries, within) = match township {
            Some(t) => {
                let townships = self.townships.get(county).map(Vec::as_slice);
                match find(townships.unwrap_or(&[]), t, Level::Township) {
                    Match::One(code) => (self.villages.get(&code), code),
                    Match::None => return Err(unresolved(Level::Township, t, county, Vec::new())),
                    Match::Many(c) => return Err(unresolved(Level::Township, t, county, c)),
                }
            }
            None => (self.county_villages.get(county), county.to_string()),
        };
        match find(
            entries.map(Vec::as_slice).unwrap_or(&[]),
            village,
            Level::Village,
        ) {
            Match::One(code) => Ok(code),
            Match::None => Err(unresolved(Level::Village, village, &within, Vec::new())),
            Match::Many(c) => Err(unresolved(Level::Village, village, &within, c)),
        }
    }

    /// Add an unknown village (and its township, when that is unknown too) under `county` as
    /// provisional regions of the batch. Returns the village's code and what was added, as
    /// `乡镇 东山镇（210727-T03）`.
    pub fn add_village(
        &mut self,
        conn: &Connection,
        source: &RegionSource,
        county: &str,
        township: &str,
        village: &str,
    ) -> Result<(String, Vec<String>)> {
        let mut added = Vec::new();
        let townships = self.townships.get(county).map(Vec::as_slice);
        let township_code = match find(townships.unwrap_or(&[]), township, Level::Township) {
            Match::One(code) => code,
            _ => {
                let code = self.insert(conn, source, county, township, Level::Township, county)?;
                added.push(format!(
                    "{} {}",
                    Level::Township.chinese(),
                    self.describe(&code)
                ));
                code
            }
        };
        let code = self.insert(
            conn,
            source,
            &township_code,
            village,
            Level::Village,
            county,
        )?;
        added.push(format!(
            "{} {}",
            Level::Village.chinese(),
            self.describe(&code)
        ));
        Ok((code, added))
    }

    fn insert(
        &mut self,
        conn: &Connection,
        source: &RegionSource,
        parent: &str,
        name: &str,
        level: Level,
        county: &str,
    ) -> Result<String> {
        let code = region::next_provisional_code(conn, parent, level)?;
        let name = name_key(name);
        region::insert(
            conn,
            &Region {
                code: code.clone(),
                name: name.clone(),
                level,
                parent_code: Some(parent.to_string()),
                poverty_registered: None,
                planned_exit_year: None,
                code_official: false,
            },
            source,
        )?;
        self.add(
            code.clone(),
            &name,
            level,
            Some(parent.to_string()),
            Some(county.to_string()),
        );
        Ok(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places() -> Places {
        let mut p = Places {
            counties: Vec::new(),
            townships: HashMap::new(),
            villages: HashMap::new(),
            county_villages: HashMap::new(),
            names: HashMap::new(),
        };
        let c = |s: &str| Some(s.to_string());
        p.add(
            "210922".into(),
            "彰武县",
            Level::County,
            c("2109"),
            c("210922"),
        );
        p.add(
            "210323".into(),
            "岫岩满族自治县",
            Level::County,
            c("2103"),
            c("210323"),
        );
        p.add(
            "T1".into(),
            "章古台镇",
            Level::Township,
            c("210922"),
            c("210922"),
        );
        p.add(
            "T2".into(),
            "东镇",
            Level::Township,
            c("210922"),
            c("210922"),
        );
        p.add(
            "V1".into(),
            "三家子村",
            Level::Village,
            c("T1"),
            c("210922"),
        );
        p.add("V2".into(), "乙村", Level::Village, c("T1"), c("210922"));
        p.add("V3".into(), "乙村", Level::Village, c("T2"), c("210922"));
        p.add("V4".into(), "东山", Level::Village, c("T2"), c("210922"));
        p.add("V5".into(), "东山村", Level::Village, c("T2"), c("210922"));
        p
    }

    #[test]
    fn names_match_with_or_without_their_suffix_and_spaces() {
        let p = places();
        assert_eq!(p.county(" 彰武县 "), Match::One("210922".into()));
        assert_eq!(p.county("岫岩县"), Match::One("210323".into()));
        assert_eq!(p.county("岫岩"), Match::One("210323".into()));
        assert_eq!(
            p.village("210922", Some("章古台"), "三家子"),
            Ok("V1".into())
        );
        assert_eq!(
            p.village("210922", Some("章古台镇"), " 三 家子村"),
            Ok("V1".into())
        );
        // The exact name wins over the one without its suffix.
        assert_eq!(p.village("210922", Some("东镇"), "东山"), Ok("V4".into()));
        assert_eq!(p.village("210922", Some("东镇"), "东山村"), Ok("V5".into()));
        assert_eq!(
            p.county_in_text("辽宁省阜新市彰武县  2019年3月"),
            Some("210922".into())
        );
        assert_eq!(
            p.county_in_text("辽宁省鞍山市岫岩县"),
            Some("210323".into())
        );
        assert_eq!(p.county_in_text("建档立卡贫困人口明细表"), None);
    }

    #[test]
    fn unknown_and_ambiguous_names_say_where_they_were_looked_for() {
        let p = places();
        let e = p.village("210922", None, "乙村").unwrap_err();
        assert_eq!((e.level, e.within.as_str()), (Level::Village, "210922"));
        assert_eq!(e.candidates, ["V2", "V3"]);
        assert_eq!(
            p.village("210922", Some("章古台镇"), "乙村"),
            Ok("V2".into())
        );
        let e = p.village("210922", Some("西镇"), "乙村").unwrap_err();
        assert_eq!((e.level, e.name.as_str()), (Level::Township, "西镇"));
        let e = p.village("210922", Some("东镇"), "南村").unwrap_err();
        assert_eq!((e.level, e.within.as_str()), (Level::Village, "T2"));
        assert!(e.candidates.is_empty());
    }
}
