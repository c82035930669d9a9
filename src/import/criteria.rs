//! A set of exit criteria as a file, both ways: `tuopin criteria export` writes the whole set with
//! the columns of data/criteria.csv, `tuopin criteria load` reads one back and replaces the set.
//!
//! The file is read like a county file (`source`, `encoding`, `header`: UTF-8 with or without BOM
//! or GBK, headers by English code or Chinese name) and every row is checked before anything is
//! written: a known indicator of the criterion's level, an operator, a threshold of the
//! indicator's type (or the province as reference), unique numbers and unique seq per level. Any
//! problem refuses the whole file; otherwise the set is replaced in one transaction and every
//! added, changed or removed criterion is kept in `history` with the reason.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use anyhow::Result;
use rusqlite::{Connection, TransactionBehavior};

use crate::import::contract::{criteria as col, CRITERIA};
use crate::import::header::{header_key, Header};
use crate::import::layout::{CsvRows, Table};
use crate::import::reader::{
    read_header, warn_unknown_columns, Context, Fatal, Options, Problems, Rows,
};
use crate::import::source;
use crate::import::summary::Summary;
use crate::model::criteria::{self, Criterion, CriterionLevel, Operator, SetChanges};
use crate::model::indicator::{self, Indicator};
use crate::output::csv::{strip_neutralized, Writer};
use crate::output::privacy::redact_ids;

/// What loading a criteria file did: the file's problems, and the changes when it was accepted.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub summary: Summary,
    /// None when the file was refused (nothing changed).
    pub changes: Option<SetChanges>,
}

/// The comparison with another region that a criterion may name instead of a threshold.
const PROVINCE: &str = "province";

/// Write the whole set as CSV: the header `no,level,seq,name,indicator,operator,threshold,
/// threshold_ref,unit,note` (as data/criteria.csv), one row per criterion, villages first. With
/// `bom` the file starts with the UTF-8 BOM that Excel needs to read it as UTF-8; `load` takes it
/// either way. Cells a spreadsheet would run as a formula (the operator `=`) get a leading `'`,
/// which `load` takes off again. Returns the number of criteria written.
pub fn export(conn: &Connection, out: &mut dyn Write, bom: bool) -> Result<usize> {
    let all = criteria::all(conn)?;
    let mut w = Writer::with_bom(out, bom)?;
    w.row(CRITERIA.iter().map(|c| c.en))?;
    for c in &all {
        w.row([
            c.no.clone(),
            c.level.code().to_string(),
            c.seq.to_string(),
            c.name.clone(),
            c.indicator_code.clone(),
            c.operator.code().to_string(),
            // Rust prints the shortest text that reads back as the same number: 2, 50000, 0.5.
            c.threshold.map(|t| t.to_string()).unwrap_or_default(),
            c.threshold_ref.clone().unwrap_or_default(),
            c.unit.clone(),
            c.note.clone().unwrap_or_default(),
        ])?;
    }
    w.flush()?;
    Ok(all.len())
}

/// Read a criteria file and, when every row is valid, replace the whole set with it (one
/// IMMEDIATE transaction, so the catalogue the rows are checked against cannot change meanwhile).
/// Problems in the file are in the summary and change nothing; an Err is the database failing.
pub fn load(conn: &mut Connection, path: &Path, reason: &str) -> Result<Loaded> {
    let file = path.display().to_string();
    let mut loaded = Loaded {
        summary: Summary {
            file: file.clone(),
            ..Summary::default()
        },
        changes: None,
    };
    let info = match source::inspect(path) {
        Ok(info) => info,
        Err(e) => {
            loaded.summary.fatal = Some(redact_ids(&format!("{e:#}")).into_owned());
            return Ok(loaded);
        }
    };
    loaded.summary.encoding = info.encoding_name();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let rows = CsvRows::new(source::utf8_reader(path, &info)?, &file);
    let keys: Vec<String> = CRITERIA
        .iter()
        .flat_map(|c| [header_key(c.zh), header_key(c.en)])
        .collect();
    let known = |h: &str| keys.contains(&header_key(h));
    let opts = Options::default();
    // Criteria are not an import batch: no batch id is written anywhere (the history rows carry
    // the reason instead).
    let ctx = Context {
        conn: &tx,
        batch_id: 0,
        opts: &opts,
        progress: &|_| {},
    };
    let rows = {
        // A criteria file holds no personal data: its cells are quoted in messages as written.
        let mut problems = Problems::new(&file, &mut loaded.summary, true);
        match Table::read(Box::new(rows), &known)
            .and_then(|mut table| read_rows(&ctx, &file, &mut table, &mut problems))
        {
            Ok(rows) => rows,
            Err(e) => match e.downcast::<Fatal>() {
                Ok(Fatal(msg)) => {
                    problems.summary.fatal = Some(redact_ids(&msg).into_owned());
                    Vec::new()
                }
                Err(e) => return Err(e),
            },
        }
    };
    let s = &mut loaded.summary;
    if s.fatal.is_none() && s.read == 0 && s.invalid == 0 {
        s.fatal = Some(format!(
            "{file}: 文件只有表头，没有标准；标准集未改变 (no criteria in the file)"
        ));
    }
    if !s.ok() {
        return Ok(loaded);
    }
    let changes = criteria::replace_set(&tx, &rows, reason)?;
    s.inserted = changes.added.len() as u64;
    s.updated = changes.changed.len() as u64;
    s.unchanged = changes.unchanged as u64;
    tx.commit()?;
    loaded.changes = Some(changes);
    Ok(loaded)
}

/// Every row checked; the criteria when the whole file is valid.
fn read_rows(
    ctx: &Context,
    file: &str,
    table: &mut Table,
    problems: &mut Problems,
) -> Result<Vec<Criterion>> {
    let (header, unknown) = read_header(table, CRITERIA, |_| false, problems)?;
    warn_unknown_columns(table, &unknown, problems);
    let catalogue = Catalogue::load(ctx.conn)?;
    let mut out: Vec<(u64, Criterion)> = Vec::new();
    let mut numbers: HashMap<String, u64> = HashMap::new();
    let mut seqs: HashMap<(CriterionLevel, i64), u64> = HashMap::new();
    let mut rows = Rows::new(table, &header);
    while let Some(line) = rows.advance(ctx, problems)? {
        let Some(c) = validate_row(&rows.record, line, &header, &catalogue, problems) else {
            continue;
        };
        if let Some(first) = numbers.get(&c.no) {
            problems.add(
                line,
                Some(header.name(col::NO)),
                format!("编号 {} 重复（第 {first} 行已有）", c.no),
            );
            continue;
        }
        if let Some(first) = seqs.get(&(c.level, c.seq)) {
            problems.add(
                line,
                Some(header.name(col::SEQ)),
                format!(
                    "{}级标准的序号 {} 重复（第 {first} 行已有）",
                    c.level.chinese(),
                    c.seq
                ),
            );
            continue;
        }
        numbers.insert(c.no.clone(), line);
        seqs.insert((c.level, c.seq), line);
        out.push((line, c));
    }
    if !problems.any() && !out.is_empty() {
        for level in CriterionLevel::ALL {
            if !out.iter().any(|(_, c)| c.level == level) {
                return Err(Fatal(format!(
                    "{}: 没有{}级标准；标准集须至少有一项村级标准和一项县级标准，未改变 (a level without criteria)",
                    file,
                    level.chinese()
                ))
                .into());
            }
        }
    }
    Ok(out.into_iter().map(|(_, c)| c).collect())
}

/// The indicator catalogue, by code and by Chinese name.
struct Catalogue {
    by_key: HashMap<String, Indicator>,
}

impl Catalogue {
    fn load(conn: &Connection) -> Result<Catalogue> {
        let mut by_key = HashMap::new();
        for ind in indicator::catalogue(conn)? {
            by_key.insert(ind.name.clone(), ind.clone());
            by_key.insert(ind.code.clone(), ind);
        }
        Ok(Catalogue { by_key })
    }

    fn get(&self, key: &str) -> Option<&Indicator> {
        self.by_key
            .get(key)
            .or_else(|| self.by_key.get(&key.to_ascii_lowercase()))
    }
}

/// One row checked on its own; its problems go to `problems` in column order.
fn validate_row(
    record: &csv::StringRecord,
    line: u64,
    header: &Header,
    catalogue: &Catalogue,
    problems: &mut Problems,
) -> Option<Criterion> {
    let cell = |s: usize| strip_neutralized(header.cell(record, s)).trim();
    let name = |s: usize| header.name(s).to_string();
    let required = |s: usize, problems: &mut Problems| {
        let v = cell(s);
        if v.is_empty() {
            problems.add(line, Some(&name(s)), "必填项为空");
        }
        Some(v).filter(|v| !v.is_empty())
    };

    let no = required(col::NO, problems).and_then(|no| {
        let no = no.to_ascii_uppercase();
        let ok = no.len() <= 16
            && no.starts_with(|c: char| c.is_ascii_alphabetic())
            && no
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !ok {
            problems.add(
                line,
                Some(&name(col::NO)),
                format!("编号 {no:?} 无效；应以字母开头，只含字母、数字、- 和 _（如 V11、C7）"),
            );
        }
        Some(no).filter(|_| ok)
    });
    let level = required(col::LEVEL, problems).and_then(|raw| {
        let level = CriterionLevel::read(raw);
        if level.is_none() {
            problems.add(
                line,
                Some(&name(col::LEVEL)),
                format!("级别 {raw:?} 无效；应为 village（村）或 county（县）"),
            );
        }
        level
    });
    let seq =
        required(col::SEQ, problems).and_then(|raw| match crate::model::cell::parse_integer(raw) {
            Some(n) if n >= 1 => Some(n),
            _ => {
                problems.add(
                    line,
                    Some(&name(col::SEQ)),
                    format!("序号 {raw:?} 应为 ≥ 1 的整数"),
                );
                None
            }
        });
    let title = required(col::NAME, problems);
    let ind = required(col::INDICATOR, problems).and_then(|raw| match catalogue.get(raw) {
        None => {
            problems.add(
                line,
                Some(&name(col::INDICATOR)),
                format!("指标 {raw:?} 不在指标目录中（目录见 data/indicators.csv）"),
            );
            None
        }
        Some(ind) => match level {
            Some(l) if !ind.applies_to(l.region_level()) => {
                problems.add(
                    line,
                    Some(&name(col::INDICATOR)),
                    format!(
                        "指标 {}（{}）不适用于{}级，不能作{}级标准",
                        ind.code,
                        ind.name,
                        l.chinese(),
                        l.chinese()
                    ),
                );
                None
            }
            _ => Some(ind),
        },
    });
    let operator = required(col::OPERATOR, problems).and_then(|raw| {
        let op = Operator::read(raw);
        if op.is_none() {
            let all: Vec<&str> = Operator::ALL.iter().map(|o| o.code()).collect();
            problems.add(
                line,
                Some(&name(col::OPERATOR)),
                format!("运算符 {raw:?} 无效；应为 {}", all.join(" ")),
            );
        }
        op
    });
    let (threshold_raw, reference_raw) = (cell(col::THRESHOLD), cell(col::THRESHOLD_REF));
    let threshold = match (threshold_raw.is_empty(), reference_raw.is_empty()) {
        (true, true) | (false, false) => {
            problems.add(
                line,
                Some(&name(col::THRESHOLD)),
                "阈值与阈值参照须且只须填写一项 (threshold or threshold_ref, exactly one)",
            );
            None
        }
        (false, true) => ind.and_then(|ind| match ind.value_type.parse(threshold_raw) {
            Ok(t) => Some((Some(t), None)),
            Err(e) => {
                problems.add(
                    line,
                    Some(&name(col::THRESHOLD)),
                    format!("阈值 {e}（指标 {} 的类型）", ind.code),
                );
                None
            }
        }),
        (true, false) => {
            let province = matches!(
                reference_raw.to_ascii_lowercase().as_str(),
                PROVINCE | "全省" | "省"
            );
            let ok = province
                && level == Some(CriterionLevel::County)
                && ind.is_none_or(|i| i.applies_to(crate::model::region::Level::Province));
            if !ok {
                problems.add(
                    line,
                    Some(&name(col::THRESHOLD_REF)),
                    format!("阈值参照 {reference_raw:?} 无效；只有县级标准可与全省比较（province），且指标须有全省的值"),
                );
            }
            Some((None, Some(PROVINCE.to_string()))).filter(|_| ok)
        }
    };
    let unit = Some(cell(col::UNIT))
        .filter(|u| !u.is_empty())
        .map(str::to_string)
        .or_else(|| ind.map(|i| i.unit.clone()));
    let note = Some(cell(col::NOTE))
        .filter(|n| !n.is_empty())
        .map(str::to_string);
    if problems.row_failed() {
        return None;
    }
    let ((threshold, threshold_ref), ind) = (threshold?, ind?);
    Some(Criterion {
        no: no?,
        level: level?,
        seq: seq?,
        name: title?.to_string(),
        indicator_code: ind.code.clone(),
        operator: operator?,
        threshold,
        threshold_ref,
        unit: unit.unwrap_or_default(),
        note,
    })
}
