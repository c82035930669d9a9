//! What the extractor knows before it reads: the region table (the database's `region`, else the
//! embedded `data/regions.csv`), the national gazetteer of provinces, cities and counties
//! (`data/gazetteer.csv`, derived from the statistics bureau's division codes as the cpca package
//! ships them, MIT) for places the table lacks, and the indicator catalogue (`indicator`, else
//! `data/indicators.csv`). The embedded files are the ones `init` loads (`import::reference`).

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result};
use rusqlite::{Connection, OpenFlags};

use super::names::NameIndex;
use crate::import::reference::DataSource;
use crate::model::region::Level;

const GAZETTEER_CSV: &[u8] = include_bytes!("../../data/gazetteer.csv");

const SELECT_REGIONS: &str = "SELECT code, name, level, parent_code FROM region ORDER BY code";
const SELECT_INDICATORS: &str =
    "SELECT code, name, unit, coalesce(note, '') FROM indicator ORDER BY code";

/// One known region.
#[derive(Debug, Clone)]
pub struct RegionEntry {
    pub code: String,
    pub name: String,
    pub level: Level,
    pub parent: Option<usize>,
    /// In the region table (else only in the gazetteer).
    pub in_table: bool,
}

/// One indicator of the catalogue.
#[derive(Debug, Clone)]
pub struct IndicatorEntry {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub note: String,
}

/// A name the text may use for a region: its full name, or a short form (鞍山, 岫岩县).
#[derive(Debug, Clone, Copy)]
pub struct Alias {
    pub entry: usize,
    pub short: bool,
}

pub struct Reference {
    pub regions: Vec<RegionEntry>,
    pub indicators: Vec<IndicatorEntry>,
    by_code: HashMap<String, usize>,
    /// The distinct alias strings, searched leftmost-longest; `aliases[i]` are the regions of
    /// pattern i.
    matcher: NameIndex,
    aliases: Vec<Vec<Alias>>,
}

/// Short names that are also ordinary words or too ambiguous to read as a place.
const NOT_SHORT_NAMES: &[&str] = &[
    "朝阳", "和平", "太平", "新民", "长安", "城关", "中山", "铁西", "铁东", "平山", "西岗", "新城",
    "开发", "向阳", "东风", "红旗", "胜利", "建设", "光明", "金山", "白山", "双城", "海城", "东港",
    "永安", "安全", "民主", "解放", "和田", "保定", "安顺", "通化", "江南", "城中", "城东", "城西",
    "城北", "城南", "新华", "文化", "永和", "清河", "河东", "河西", "河南", "河北", "南山", "北山",
    "东山", "西山", "青山", "新区", "高新", "经济", "工业", "发展", "振兴", "兴隆", "阳光", "前进",
    "安康", "长治", "大同", "来宾", "北海", "平安", "吉安", "阿里", "普洱", "黄山", "白银", "金昌",
    "乐山", "眉山", "灯塔", "新乡", "承德",
];

const PROVINCE_SUFFIXES: &[&str] = &[
    "壮族自治区",
    "回族自治区",
    "维吾尔自治区",
    "自治区",
    "特别行政区",
    "省",
    "市",
];

fn level_of(code: &str) -> Option<Level> {
    code.parse().ok()
}

struct Row {
    code: String,
    name: String,
    level: Level,
    parent_code: Option<String>,
}

fn csv_rows(bytes: &[u8], columns: usize) -> Result<Vec<Vec<String>>> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record?;
        out.push(
            (0..columns)
                .map(|i| record.get(i).unwrap_or("").trim().to_string())
                .collect(),
        );
    }
    Ok(out)
}

fn csv_regions(bytes: &[u8]) -> Result<Vec<Row>> {
    Ok(csv_rows(bytes, 4)?
        .into_iter()
        .filter_map(|r| {
            Some(Row {
                level: level_of(&r[2])?,
                code: r[0].clone(),
                name: r[1].clone(),
                parent_code: Some(r[3].clone()).filter(|p| !p.is_empty()),
            })
        })
        .collect())
}

fn csv_indicators(bytes: &[u8]) -> Result<Vec<IndicatorEntry>> {
    // code,name,unit,value_type,levels,derived,note
    Ok(csv_rows(bytes, 7)?
        .into_iter()
        .map(|r| IndicatorEntry {
            code: r[0].clone(),
            name: r[1].clone(),
            unit: r[2].clone(),
            note: r[6].clone(),
        })
        .collect())
}

impl Reference {
    /// The embedded reference data, as `tuopin init` loads it.
    pub fn embedded() -> Result<Reference> {
        Reference::from_source(&DataSource::Embedded)
    }

    /// The regions and indicators of `init`'s data files (embedded, or an edited copy).
    pub fn from_source(source: &DataSource) -> Result<Reference> {
        let (_, regions) = source.read("regions.csv")?;
        let (_, indicators) = source.read("indicators.csv")?;
        Reference::build(csv_regions(&regions)?, csv_indicators(&indicators)?)
    }

    /// The database's tables when the file exists (opened read-only: extracting writes nothing),
    /// else the embedded data.
    pub fn load(db: &Path) -> Result<Reference> {
        if !db.exists() {
            return Reference::embedded();
        }
        let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .with_context(|| format!("无法打开数据库 {} (cannot open database)", db.display()))?;
        Reference::from_conn(&conn)
    }

    /// The tables of an open database (inside the transaction that stores what is extracted, so
    /// that the places accepted earlier are known); the embedded data for a table that is empty.
    pub fn from_conn(conn: &Connection) -> Result<Reference> {
        let mut regions = Vec::new();
        let mut stmt = conn.prepare_cached(SELECT_REGIONS)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let level: String = r.get(2)?;
            if let Some(level) = level_of(&level) {
                regions.push(Row {
                    code: r.get(0)?,
                    name: r.get(1)?,
                    level,
                    parent_code: r.get(3)?,
                });
            }
        }
        let mut indicators = Vec::new();
        let mut stmt = conn.prepare_cached(SELECT_INDICATORS)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            indicators.push(IndicatorEntry {
                code: r.get(0)?,
                name: r.get(1)?,
                unit: r.get(2)?,
                note: r.get(3)?,
            });
        }
        if regions.is_empty() || indicators.is_empty() {
            let (_, bytes) = DataSource::Embedded.read("regions.csv")?;
            if regions.is_empty() {
                regions = csv_regions(&bytes)?;
            }
            let (_, bytes) = DataSource::Embedded.read("indicators.csv")?;
            if indicators.is_empty() {
                indicators = csv_indicators(&bytes)?;
            }
        }
        Reference::build(regions, indicators)
    }

    fn build(table: Vec<Row>, indicators: Vec<IndicatorEntry>) -> Result<Reference> {
        let mut regions: Vec<RegionEntry> = Vec::new();
        let mut by_code: HashMap<String, usize> = HashMap::new();
        let mut parents: Vec<Option<String>> = Vec::new();
        for r in table {
            by_code.insert(r.code.clone(), regions.len());
            parents.push(r.parent_code);
            regions.push(RegionEntry {
                code: r.code,
                name: r.name,
                level: r.level,
                parent: None,
                in_table: true,
            });
        }
        // The gazetteer is generated (no quotes, no commas in names): split its lines directly.
        let gazetteer = std::str::from_utf8(GAZETTEER_CSV)?;
        for line in gazetteer.lines().skip(1) {
            let mut f = line.split(',');
            let (Some(code), Some(name), Some(level), parent) =
                (f.next(), f.next(), f.next(), f.next())
            else {
                continue;
            };
            let Some(level) = level_of(level) else {
                continue;
            };
            if by_code.contains_key(code) {
                continue;
            }
            by_code.insert(code.to_string(), regions.len());
            parents.push(parent.filter(|p| !p.is_empty()).map(str::to_string));
            regions.push(RegionEntry {
                code: code.to_string(),
                name: name.to_string(),
                level,
                parent: None,
                in_table: false,
            });
        }
        for (i, p) in parents.iter().enumerate() {
            regions[i].parent = p.as_ref().and_then(|p| by_code.get(p).copied());
        }
        let home: Vec<usize> = regions
            .iter()
            .enumerate()
            .filter(|(_, r)| r.in_table && r.level == Level::Province)
            .map(|(i, _)| i)
            .collect();
        let mut pattern_index: HashMap<String, usize> = HashMap::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut aliases: Vec<Vec<Alias>> = Vec::new();
        let mut add = |name: String, alias: Alias| {
            if name.chars().count() < 2 {
                return;
            }
            let i = *pattern_index.entry(name.clone()).or_insert_with(|| {
                patterns.push(name);
                aliases.push(Vec::new());
                aliases.len() - 1
            });
            aliases[i].push(alias);
        };
        for (i, r) in regions.iter().enumerate() {
            add(
                r.name.clone(),
                Alias {
                    entry: i,
                    short: false,
                },
            );
            let in_home = {
                let mut p = r.parent;
                let mut found = false;
                while let Some(pi) = p {
                    if home.contains(&pi) {
                        found = true;
                        break;
                    }
                    p = regions[pi].parent;
                }
                found
            };
            for short in short_names(&r.name, r.level, in_home) {
                if !NOT_SHORT_NAMES.contains(&short.as_str()) {
                    add(
                        short,
                        Alias {
                            entry: i,
                            short: true,
                        },
                    );
                }
            }
        }
        let matcher = NameIndex::new(patterns);
        Ok(Reference {
            regions,
            indicators,
            by_code,
            matcher,
            aliases,
        })
    }

    pub fn by_code(&self, code: &str) -> Option<usize> {
        self.by_code.get(code).copied()
    }

    pub fn matcher(&self) -> &NameIndex {
        &self.matcher
    }

    pub fn aliases(&self, pattern: usize) -> &[Alias] {
        &self.aliases[pattern]
    }

    /// The region itself and its ancestors, nearest first.
    pub fn ancestry(&self, entry: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(Some(entry), |&i| self.regions[i].parent)
    }

    /// The region or ancestor of `entry` at `level`.
    pub fn at_level(&self, entry: usize, level: Level) -> Option<usize> {
        self.ancestry(entry)
            .find(|&i| self.regions[i].level == level)
    }

    pub fn is_within(&self, entry: usize, ancestor: usize) -> bool {
        self.ancestry(entry).any(|i| i == ancestor)
    }

    /// The lowest region containing all of `entries`.
    pub fn common_ancestor(&self, entries: &[usize]) -> Option<usize> {
        let first = *entries.first()?;
        self.ancestry(first)
            .find(|&a| entries.iter().all(|&e| self.is_within(e, a)))
    }
}

/// Ethnic names of more than one character (the others are one character before 族).
const LONG_ETHNIC: &[&str] = &[
    "蒙古",
    "维吾尔",
    "土家",
    "布依",
    "朝鲜",
    "哈尼",
    "哈萨克",
    "傈僳",
    "拉祜",
    "东乡",
    "纳西",
    "景颇",
    "柯尔克孜",
    "达斡尔",
    "仫佬",
    "布朗",
    "撒拉",
    "毛南",
    "仡佬",
    "锡伯",
    "阿昌",
    "普米",
    "塔吉克",
    "乌孜别克",
    "俄罗斯",
    "鄂温克",
    "德昂",
    "保安",
    "裕固",
    "塔塔尔",
    "独龙",
    "鄂伦春",
    "赫哲",
    "门巴",
    "珞巴",
    "基诺",
    "高山",
];

/// The place name before the first ethnic name of an autonomous region's name.
fn before_ethnic(name: &str) -> Option<&str> {
    let at = name.find('族')?;
    let head = &name[..at];
    let start = LONG_ETHNIC
        .iter()
        .filter(|e| head.ends_with(*e))
        .map(|e| at - e.len())
        .min()
        .unwrap_or_else(|| head.char_indices().last().map(|(i, _)| i).unwrap_or(0));
    let body = &name[..start];
    (body.chars().count() >= 2).then_some(body)
}

/// The short forms a text may use: 岫岩满族自治县 → 岫岩县, 岫岩; 鞍山市 → 鞍山; 辽宁省 → 辽宁.
/// Counties are shortened only in the table's own provinces, where a bulletin drops the suffix.
fn short_names(name: &str, level: Level, in_home: bool) -> Vec<String> {
    let mut out = Vec::new();
    match level {
        Level::Province => {
            for suf in PROVINCE_SUFFIXES {
                if let Some(body) = name.strip_suffix(suf) {
                    out.push(body.to_string());
                    break;
                }
            }
        }
        Level::City => {
            for suf in ["市", "地区", "盟"] {
                if let Some(body) = name.strip_suffix(suf) {
                    if body.chars().count() >= 2 {
                        out.push(body.to_string());
                    }
                    break;
                }
            }
            if name.ends_with("自治州") {
                // 延边朝鲜族自治州 → 延边, 延边州; 凉山彝族自治州 → 凉山州.
                if let Some(body) = before_ethnic(name) {
                    out.push(format!("{body}州"));
                    out.push(body.to_string());
                }
            }
        }
        Level::County => {
            if name.ends_with("自治县") || name.ends_with("自治旗") {
                // 岫岩满族自治县 → 岫岩县 (岫岩); 威宁彝族回族苗族自治县 → 威宁县.
                if let Some(body) = before_ethnic(name) {
                    let level = if name.ends_with('旗') { "旗" } else { "县" };
                    out.push(format!("{body}{level}"));
                    if in_home {
                        out.push(body.to_string());
                    }
                }
                return out;
            }
            if in_home {
                for suf in ["县", "市"] {
                    if let Some(body) = name.strip_suffix(suf) {
                        if body.chars().count() >= 2 {
                            out.push(body.to_string());
                        }
                    }
                }
            }
        }
        Level::Township | Level::Village => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_table_and_gazetteer() {
        let r = Reference::embedded().unwrap();
        let sjz = r.by_code("210922-T01-V01").unwrap();
        assert_eq!(r.regions[sjz].name, "三家子村");
        let county = r.at_level(sjz, Level::County).unwrap();
        assert_eq!(r.regions[county].name, "彰武县");
        let city = r.at_level(sjz, Level::City).unwrap();
        assert_eq!(r.regions[city].name, "阜新市");
        // 盘锦市 is not in the table but in the gazetteer, under 辽宁省.
        let pj = r.by_code("2111").unwrap();
        assert_eq!(r.regions[pj].name, "盘锦市");
        assert!(!r.regions[pj].in_table);
        assert_eq!(r.regions[r.regions[pj].parent.unwrap()].name, "辽宁省");
        assert!(r.indicators.iter().any(|i| i.code == "dibao_standard"));
    }

    #[test]
    fn short_forms() {
        assert_eq!(
            short_names("岫岩满族自治县", Level::County, true),
            vec!["岫岩县", "岫岩"]
        );
        assert_eq!(short_names("鞍山市", Level::City, false), vec!["鞍山"]);
        assert!(short_names("彰武县", Level::County, false).is_empty());
        assert_eq!(
            short_names("威宁彝族回族苗族自治县", Level::County, false),
            vec!["威宁县"]
        );
        assert_eq!(
            short_names("阜新蒙古族自治县", Level::County, true),
            vec!["阜新县", "阜新"]
        );
        assert_eq!(
            short_names("凉山彝族自治州", Level::City, false),
            vec!["凉山州", "凉山"]
        );
    }
}
