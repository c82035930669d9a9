//! The reference data of `data/` (regions, indicator catalogue, criteria, poverty lines, monitoring
//! rules, bulletins and their facts), embedded in the binary at build time and loaded by `tuopin init`.
//!
//! The seed bulletins (`bulletins-2019-03.txt`) go the way every bulletin goes: the caller reads
//! them as `bulletin add` does (`ReadSeed`: the extractor sits above this layer) and they are
//! stored by the same code with their proposals; `facts.csv` is the seed's review, applied as
//! `tuopin facts import` applies one (`import::review`), and what it does not accept is rejected.

pub mod init;
pub mod table;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use anyhow::{anyhow, bail, Context, Result};
use rusqlite::{params, Connection};

use crate::db::batch::{self, NewBatch};
use crate::import::problem::LineError;
use crate::import::reference::table::Table;
use crate::import::review;
use crate::model::bulletin::{self, Added, NewIssue};
use crate::model::cell::{parse_bool, read_integer, read_number};
use crate::model::criteria::{self, Criterion, CriterionLevel, Operator};
use crate::model::indicator::{self, ValueType};
use crate::model::monitoring::{self, MonitoringRule};
use crate::model::region::{self, Level, Region, RegionSource};

// The reference tables `init` fills, one statement each (the salt: 32 bytes of SQLite's
// OS-seeded randomness).
const INSERT_SALT: &str =
    "INSERT INTO meta (key, value) VALUES ('id_salt', lower(hex(randomblob(32))))";
const INSERT_INDICATOR: &str = "INSERT INTO indicator (code, name, unit, value_type, derived, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
const INSERT_INDICATOR_LEVEL: &str =
    "INSERT INTO indicator_level (indicator_code, level) VALUES (?1, ?2)";
const INSERT_POVERTY_LINE: &str = "INSERT INTO poverty_line (year, yuan, note) VALUES (?1, ?2, ?3)";
const INSERT_SETTING: &str = "INSERT INTO meta (key, value) VALUES (?1, ?2)";
const DELETE_NATIONAL_VALUES: &str = "DELETE FROM national_value";

/// The files of data/, in load order, with the bytes compiled into the binary.
pub const FILES: &[(&str, &[u8])] = &[
    (
        "bulletins-2019-03.txt",
        include_bytes!("../../../data/bulletins-2019-03.txt"),
    ),
    (
        "indicators.csv",
        include_bytes!("../../../data/indicators.csv"),
    ),
    ("regions.csv", include_bytes!("../../../data/regions.csv")),
    ("criteria.csv", include_bytes!("../../../data/criteria.csv")),
    (
        "poverty_lines.csv",
        include_bytes!("../../../data/poverty_lines.csv"),
    ),
    (
        "monitoring.csv",
        include_bytes!("../../../data/monitoring.csv"),
    ),
    ("settings.csv", include_bytes!("../../../data/settings.csv")),
    (
        "national-values.csv",
        include_bytes!("../../../data/national-values.csv"),
    ),
    ("facts.csv", include_bytes!("../../../data/facts.csv")),
];

/// Where `init` reads the reference data from.
#[derive(Debug, Clone)]
pub enum DataSource {
    /// The copy compiled into the binary.
    Embedded,
    /// An edited copy in a folder (`--data DIR`).
    Dir(PathBuf),
}

impl DataSource {
    /// The bytes of one data file and the name to cite in messages.
    pub fn read(&self, name: &str) -> Result<(String, Cow<'static, [u8]>)> {
        match self {
            DataSource::Embedded => {
                let bytes = FILES
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, b)| *b)
                    .ok_or_else(|| anyhow!("内置数据缺少文件 {name}"))?;
                Ok((format!("data/{name}"), Cow::Borrowed(bytes)))
            }
            DataSource::Dir(dir) => {
                let path = dir.join(name);
                let bytes = std::fs::read(&path)
                    .with_context(|| format!("无法读取数据文件 {}", path.display()))?;
                Ok((path.display().to_string(), Cow::Owned(bytes)))
            }
        }
    }
}

/// What `init` loaded, for its summary.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Loaded {
    pub regions: usize,
    pub indicators: usize,
    pub criteria: usize,
    pub poverty_lines: usize,
    pub monitoring_rules: usize,
    /// Values of the national export's vocabulary (`national-values.csv`).
    pub national_values: usize,
    pub bulletins: usize,
    pub facts: usize,
}

/// The seed bulletins as `bulletin add` would store them, read from `bulletins-2019-03.txt` of the
/// source (and its regions and indicators) by the caller: the file name to cite and the issues.
pub type ReadSeed = dyn Fn(&DataSource) -> Result<(String, Vec<NewIssue>)>;

/// Who `init` records as the reviewer of the seed and the adder of its issues.
pub const INIT_USER: &str = "init";

/// Read the data files and load them into a freshly migrated database, in one transaction.
pub fn load(conn: &mut Connection, source: &DataSource, seed: &ReadSeed) -> Result<Loaded> {
    let tx = conn.transaction()?;
    crate::model::history::set_change_context(&tx, None, "init")?;
    let mut loader = Loader {
        conn: &tx,
        source,
        loaded: Loaded::default(),
        bulletin_ids: HashMap::new(),
        issue_texts: HashMap::new(),
    };
    loader.salt()?;
    loader.bulletins(seed)?;
    loader.indicators()?;
    loader.regions()?;
    loader.criteria()?;
    loader.poverty_lines()?;
    loader.monitoring()?;
    loader.settings()?;
    loader.national_values()?;
    loader.facts()?;
    let loaded = loader.loaded;
    crate::model::history::set_change_context(&tx, None, "")?;
    tx.commit()?;
    Ok(loaded)
}

struct Loader<'a> {
    conn: &'a Connection,
    source: &'a DataSource,
    loaded: Loaded,
    /// issue_no → bulletin row id
    bulletin_ids: HashMap<i64, i64>,
    /// issue_no → text of that issue
    issue_texts: HashMap<i64, String>,
}

/// One row of a data file, with the helpers that turn its cells into values or located errors.
struct Row<'t> {
    table: &'t Table,
    line: u64,
    record: &'t csv::StringRecord,
}

impl Row<'_> {
    fn err(&self, column: &str, message: impl Into<String>) -> anyhow::Error {
        anyhow!(LineError::new(
            &self.table.file,
            self.line,
            Some(column),
            message
        ))
    }

    fn text(&self, column: &str) -> Result<&str> {
        let i = self.table.column(column)?;
        Ok(self.record.get(i).unwrap_or("").trim())
    }

    fn required(&self, column: &str) -> Result<&str> {
        let t = self.text(column)?;
        if t.is_empty() {
            return Err(self.err(column, "必填项为空"));
        }
        Ok(t)
    }

    fn optional(&self, column: &str) -> Result<Option<&str>> {
        Ok(Some(self.text(column)?).filter(|t| !t.is_empty()))
    }

    fn number(&self, column: &str) -> Result<f64> {
        let t = self.required(column)?;
        read_number(t).map_err(|e| self.err(column, format!("{t:?} {}", e.explain("不是数字"))))
    }

    fn optional_number(&self, column: &str) -> Result<Option<f64>> {
        match self.optional(column)? {
            None => Ok(None),
            Some(_) => self.number(column).map(Some),
        }
    }

    fn integer(&self, column: &str) -> Result<i64> {
        let t = self.required(column)?;
        read_integer(t).map_err(|e| self.err(column, format!("{t:?} {}", e.explain("不是整数"))))
    }

    fn optional_integer(&self, column: &str) -> Result<Option<i64>> {
        match self.optional(column)? {
            None => Ok(None),
            Some(_) => self.integer(column).map(Some),
        }
    }

    fn optional_bool(&self, column: &str) -> Result<Option<bool>> {
        match self.optional(column)? {
            None => Ok(None),
            Some(t) => parse_bool(t)
                .map(Some)
                .ok_or_else(|| self.err(column, format!("{t:?} 不是是/否值"))),
        }
    }

    /// Wrap a database error of this row's insert so it names the file and line.
    fn context<T>(&self, r: Result<T>) -> Result<T> {
        r.map_err(|e| {
            anyhow!(LineError::new(
                &self.table.file,
                self.line,
                None,
                format!("{e:#}")
            ))
        })
    }
}

impl Loader<'_> {
    /// Parse a data file and record it as a reference batch.
    fn table(&self, name: &str) -> Result<(Table, i64)> {
        let (file, bytes) = self.source.read(name)?;
        let table = Table::parse(&file, &bytes)?;
        let sha = batch::sha256_hex(&bytes);
        let id = batch::create(
            self.conn,
            &NewBatch {
                kind: "reference",
                file_name: &file,
                sha256: &sha,
                scope: None,
                period: None,
            },
        )?;
        batch::finish(
            self.conn,
            id,
            table.rows.len() as u64,
            table.rows.len() as u64,
        )?;
        Ok((table, id))
    }

    fn rows<'t>(table: &'t Table) -> impl Iterator<Item = Row<'t>> {
        table.rows.iter().map(move |(line, record)| Row {
            table,
            line: *line,
            record,
        })
    }

    /// The per-database salt for ID-number hashes, from SQLite's OS-seeded random source.
    fn salt(&self) -> Result<()> {
        self.conn.execute(INSERT_SALT, [])?;
        Ok(())
    }

    fn bulletins(&mut self, seed: &ReadSeed) -> Result<()> {
        let (file, issues) = seed(self.source)?;
        for issue in &issues {
            let Some(no) = issue.issue_no else {
                bail!("{file}: 种子快报的每一期都要有期号");
            };
            let id = match bulletin::add_issue(self.conn, issue, &file, INIT_USER)? {
                Added::New { id, .. } => id,
                _ => bail!("{file}: 第 {no} 期重复"),
            };
            if self.bulletin_ids.insert(no, id).is_some() {
                bail!("{file}: 第 {no} 期重复");
            }
            self.issue_texts.insert(no, issue.text.clone());
            self.loaded.bulletins += 1;
        }
        Ok(())
    }

    /// The quote id for a row's `bulletin` and `quote` columns, after checking the sentence is verbatim.
    fn quote(&self, row: &Row) -> Result<Option<i64>> {
        let (Some(issue), Some(quote)) =
            (row.optional_integer("bulletin")?, row.optional("quote")?)
        else {
            if row.optional("quote")?.is_some() {
                return Err(row.err("bulletin", "有原文时必须注明期号"));
            }
            return Ok(None);
        };
        let (Some(&id), Some(text)) = (self.bulletin_ids.get(&issue), self.issue_texts.get(&issue))
        else {
            return Err(row.err("bulletin", format!("第 {issue} 期不在种子快报中")));
        };
        if !bulletin::quote_is_verbatim(text, quote) {
            return Err(row.err("quote", format!("原文在第 {issue} 期中找不到：{quote}")));
        }
        Ok(Some(bulletin::quote_id(self.conn, id, quote)?))
    }

    fn indicators(&mut self) -> Result<()> {
        let (table, _) = self.table("indicators.csv")?;
        let mut seen = HashSet::new();
        for row in Self::rows(&table) {
            let code = row.required("code")?;
            if !seen.insert(code.to_string()) {
                return Err(row.err("code", format!("指标代码 {code} 重复")));
            }
            let value_type: ValueType = row
                .required("value_type")?
                .parse()
                .map_err(|e: String| row.err("value_type", e))?;
            let levels = row
                .required("levels")?
                .split_whitespace()
                .map(|l| l.parse::<Level>().map_err(|e| row.err("levels", e)))
                .collect::<Result<Vec<_>>>()?;
            let derived = row.optional_bool("derived")?.unwrap_or(false);
            row.context(
                self.conn
                    .execute(
                        INSERT_INDICATOR,
                        params![
                            code,
                            row.required("name")?,
                            row.required("unit")?,
                            value_type.code(),
                            derived,
                            row.optional("note")?
                        ],
                    )
                    .map_err(Into::into),
            )?;
            for level in levels {
                row.context(
                    self.conn
                        .execute(INSERT_INDICATOR_LEVEL, params![code, level.code()])
                        .map_err(Into::into),
                )?;
            }
            self.loaded.indicators += 1;
        }
        Ok(())
    }

    fn regions(&mut self) -> Result<()> {
        let (table, batch_id) = self.table("regions.csv")?;
        for row in Self::rows(&table) {
            let code = row.required("code")?;
            if region::find(self.conn, code)?.is_some() {
                return Err(row.err("code", format!("区划代码 {code} 重复")));
            }
            let level: Level = row
                .required("level")?
                .parse()
                .map_err(|e| row.err("level", e))?;
            let parent_code = row.optional("parent_code")?;
            match (level, parent_code) {
                (Level::Province, Some(_)) => {
                    return Err(row.err("parent_code", "省级区划不应有上级代码"))
                }
                (Level::Province, None) => {}
                (_, None) => return Err(row.err("parent_code", "必填项为空")),
                (_, Some(p)) => match region::find(self.conn, p)? {
                    None => {
                        return Err(row.err(
                            "parent_code",
                            format!("上级代码 {p} 不存在（上级须在本文件中先出现）"),
                        ))
                    }
                    Some(parent)
                        if Level::ALL
                            .iter()
                            .position(|l| *l == parent.level)
                            .map(|i| i + 1)
                            != Level::ALL.iter().position(|l| *l == level) =>
                    {
                        return Err(row.err(
                            "parent_code",
                            format!(
                                "上级 {p}（{}）不是{}的直接上级",
                                parent.level.chinese(),
                                level.chinese()
                            ),
                        ))
                    }
                    Some(_) => {}
                },
            }
            let r = Region {
                code: code.to_string(),
                name: row.required("name")?.to_string(),
                level,
                parent_code: parent_code.map(str::to_string),
                poverty_registered: row.optional_bool("poverty_registered")?,
                planned_exit_year: row.optional_integer("planned_exit_year")?.map(|y| y as i32),
                code_official: row.optional_bool("official")?.unwrap_or(true),
            };
            let src = RegionSource {
                batch_id,
                line: row.line,
                quote_id: self.quote(&row)?,
            };
            row.context(region::insert(self.conn, &r, &src))?;
            self.loaded.regions += 1;
        }
        Ok(())
    }

    fn criteria(&mut self) -> Result<()> {
        let (table, _) = self.table("criteria.csv")?;
        let mut seen = HashSet::new();
        for row in Self::rows(&table) {
            let no = row.required("no")?;
            if !seen.insert(no.to_string()) {
                return Err(row.err("no", format!("标准编号 {no} 重复")));
            }
            let level = row.required("level")?;
            let Some(level) = CriterionLevel::from_code(level) else {
                return Err(row.err("level", format!("级别 {level:?} 应为 village 或 county")));
            };
            let code = row.required("indicator")?;
            if indicator::find(self.conn, code)?.is_none() {
                return Err(row.err("indicator", format!("指标 {code:?} 不在指标目录中")));
            }
            let threshold = row.optional_number("threshold")?;
            let threshold_ref = row.optional("threshold_ref")?.map(str::to_string);
            if threshold.is_some() == threshold_ref.is_some() {
                return Err(row.err("threshold", "threshold 与 threshold_ref 须且只须填写一项"));
            }
            let (seq, name) = (row.integer("seq")?, row.required("name")?);
            let operator = row.required("operator")?;
            let (unit, note) = (row.required("unit")?, row.optional("note")?);
            // Read after the other columns, so that a row with several faults reports the same one.
            let operator = row.context(Operator::parse(operator))?;
            let c = Criterion {
                no: no.to_string(),
                level,
                seq,
                name: name.to_string(),
                indicator_code: code.to_string(),
                operator,
                threshold,
                threshold_ref,
                unit: unit.to_string(),
                note: note.map(str::to_string),
            };
            row.context(criteria::insert(self.conn, &c))?;
            self.loaded.criteria += 1;
        }
        Ok(())
    }

    fn poverty_lines(&mut self) -> Result<()> {
        let (table, _) = self.table("poverty_lines.csv")?;
        for row in Self::rows(&table) {
            let year = row.integer("year")?;
            let yuan = row.number("yuan")?;
            row.context(
                self.conn
                    .execute(
                        INSERT_POVERTY_LINE,
                        params![year, yuan, row.optional("note")?],
                    )
                    .map_err(|e| anyhow!("扶贫标准年份 {year} 重复或无效: {e}")),
            )?;
            self.loaded.poverty_lines += 1;
        }
        Ok(())
    }

    fn monitoring(&mut self) -> Result<()> {
        let (table, _) = self.table("monitoring.csv")?;
        for row in Self::rows(&table) {
            let (year, kind, value) = MonitoringRule::parse(
                row.integer("year")?,
                row.required("kind")?,
                row.number("value")?,
            )
            .map_err(|e| row.err("kind", e))?;
            let rule = MonitoringRule {
                year,
                kind,
                value,
                note: row.optional("note")?.map(str::to_string),
            };
            row.context(monitoring::insert(self.conn, &rule))?;
            self.loaded.monitoring_rules += 1;
        }
        Ok(())
    }

    fn settings(&mut self) -> Result<()> {
        let (table, _) = self.table("settings.csv")?;
        for row in Self::rows(&table) {
            let key = row.required("key")?;
            let value = row.number("value")?;
            row.context(
                self.conn
                    .execute(INSERT_SETTING, params![key, value.to_string()])
                    .map_err(|e| anyhow!("设置项 {key} 重复: {e}")),
            )?;
        }
        Ok(())
    }

    /// The national export's vocabulary: replaces the defaults the schema's migration 5 wrote.
    fn national_values(&mut self) -> Result<()> {
        let (table, _) = self.table("national-values.csv")?;
        self.conn.execute(DELETE_NATIONAL_VALUES, [])?;
        let mut seen = HashSet::new();
        for row in Self::rows(&table) {
            let column = row.required("column")?;
            let value = row.required("value")?;
            let meaning = crate::model::national::check_row(column, row.required("meaning")?)
                .map_err(|e| row.err("meaning", e))?;
            let key = crate::model::national::value_key(value).into_owned();
            if !seen.insert((column.to_string(), key)) {
                return Err(row.err("value", format!("{column} 的值 {value:?} 重复")));
            }
            row.context(
                self.conn
                    .execute(
                        crate::model::national::INSERT,
                        params![column, value, meaning, row.optional("note")?],
                    )
                    .map_err(Into::into),
            )?;
            self.loaded.national_values += 1;
        }
        Ok(())
    }

    /// The seed's review: `facts.csv` applied as `facts import` applies a file, then every seed
    /// proposal it does not accept is rejected.
    fn facts(&mut self) -> Result<()> {
        let (file, bytes) = self.source.read("facts.csv")?;
        let rows = match review::read(self.conn, &file, &bytes)? {
            Ok(rows) => rows,
            Err(errors) => {
                let shown: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
                bail!("{}", shown.join("\n"));
            }
        };
        let sha = batch::sha256_hex(&bytes);
        let id = batch::create(
            self.conn,
            &NewBatch {
                kind: "reference",
                file_name: &file,
                sha256: &sha,
                scope: None,
                period: None,
            },
        )?;
        let applied = review::apply(self.conn, &rows, INIT_USER)?;
        batch::finish(self.conn, id, rows.len() as u64, applied.accepted as u64)?;
        for bulletin_id in self.bulletin_ids.values() {
            bulletin::review::reject_pending(self.conn, *bulletin_id, INIT_USER)?;
        }
        self.loaded.facts += applied.accepted;
        Ok(())
    }
}
