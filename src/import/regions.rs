//! The region table: new townships and villages (usually with the office's own codes), or changes
//! to names, flags and planned exit years. Parents may come later in the file than their children.
//! A move that would take households out of the county register counting them is refused (`moves`).

use std::collections::HashMap;

use anyhow::Result;
use rusqlite::params;

use crate::import::contract::regions::{CODE, LEVEL, NAME, PARENT, PLANNED, POOR};
use crate::import::contract::REGIONS;
use crate::import::layout::Table;
use crate::import::moves;
use crate::import::reader::{
    code_cell, read_header, refuse_id_number, warn_unknown_columns, Context, Problems, Rows,
};
use crate::model::cell::{parse_bool, parse_integer};
use crate::model::region::{self, Level};

struct Row {
    line: u64,
    code: String,
    name: String,
    level: Level,
    parent: Option<String>,
    poor: Option<bool>,
    planned: Option<i64>,
}

/// Statistical division codes are 2, 4, 6, 9 or 12 digits; anything else is a provisional code.
pub fn is_official_code(code: &str) -> bool {
    matches!(code.len(), 2 | 4 | 6 | 9 | 12) && code.bytes().all(|b| b.is_ascii_digit())
}

const UPSERT_REGION: &str = "INSERT INTO region
        (code, name, level, parent_code, poverty_registered, planned_exit_year, code_official, batch_id, line)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
     ON CONFLICT (code) DO UPDATE SET
        name = excluded.name, parent_code = excluded.parent_code,
        poverty_registered = coalesce(excluded.poverty_registered, poverty_registered),
        planned_exit_year = coalesce(excluded.planned_exit_year, planned_exit_year),
        batch_id = excluded.batch_id, line = excluded.line
     WHERE (name, parent_code, poverty_registered, planned_exit_year) IS NOT
           (excluded.name, excluded.parent_code, coalesce(excluded.poverty_registered, poverty_registered),
            coalesce(excluded.planned_exit_year, planned_exit_year))";

pub(super) fn import(ctx: &Context, table: &mut Table, problems: &mut Problems) -> Result<u64> {
    let (header, unknown) = read_header(table, REGIONS, |_| false, problems)?;
    warn_unknown_columns(table, &unknown, problems);
    let mut rows: Vec<Row> = Vec::new();
    let mut by_code: HashMap<String, usize> = HashMap::new();
    let mut reader = Rows::new(table, &header);
    while let Some(line) = reader.advance(ctx, problems)? {
        let record = &reader.record;
        let name = |s: usize| header.name(s);
        for s in [CODE, NAME, LEVEL, PARENT, POOR, PLANNED] {
            refuse_id_number(header.cell(record, s), name(s), line, problems);
        }
        let required = |s: usize, problems: &mut Problems| {
            let v = header.cell(record, s);
            if v.is_empty() {
                problems.add(line, Some(name(s)), "必填项为空");
            }
            v.to_string()
        };
        // Codes are compared and stored in their normal form (full width, invisible characters).
        let code = code_cell(header.cell(record, CODE), name(CODE), line, problems);
        if code.as_deref() == Some("") {
            problems.add(line, Some(name(CODE)), "必填项为空");
        }
        let code = code.map(|c| c.into_owned()).unwrap_or_default();
        let region_name = required(NAME, problems);
        // A name is one line of text: a line break would break every table that shows it.
        if region_name
            .chars()
            .any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}'))
        {
            problems.add(
                line,
                Some(name(NAME)),
                "名称中含有换行或其他控制字符 (control character in a name)",
            );
        }
        let level_raw = required(LEVEL, problems);
        let level = if level_raw.is_empty() {
            None
        } else {
            match level_raw.parse::<Level>() {
                Ok(l) => Some(l),
                Err(e) => {
                    problems.add(line, Some(name(LEVEL)), e);
                    None
                }
            }
        };
        let parent = code_cell(header.cell(record, PARENT), name(PARENT), line, problems)
            .map(|p| p.into_owned())
            .filter(|s| !s.is_empty());
        let poor_raw = header.cell(record, POOR);
        let poor = if poor_raw.is_empty() {
            None
        } else {
            let b = parse_bool(poor_raw);
            if b.is_none() {
                problems.add(line, Some(name(POOR)), format!("{poor_raw:?} 不是是/否值"));
            }
            b
        };
        let planned_raw = header.cell(record, PLANNED);
        let planned = if planned_raw.is_empty() {
            None
        } else {
            match parse_integer(planned_raw.trim_end_matches('年')) {
                Some(y) if (2014..=2030).contains(&y) => Some(y),
                _ => {
                    problems.add(
                        line,
                        Some(name(PLANNED)),
                        format!("{planned_raw:?} 不是 2014–2030 之间的年份"),
                    );
                    None
                }
            }
        };
        if !code.is_empty() {
            if let Some(&first) = by_code.get(&code) {
                problems.add(
                    line,
                    Some(name(CODE)),
                    format!(
                        "代码 {code:?} 在本文件中重复（第 {} 行已出现）",
                        rows[first].line
                    ),
                );
                continue;
            }
        }
        if problems.row_failed() {
            continue;
        }
        let Some(level) = level else { continue };
        by_code.insert(code.clone(), rows.len());
        rows.push(Row {
            line,
            code,
            name: region_name,
            level,
            parent,
            poor,
            planned,
        });
    }

    // Check each row against the database and the rest of the file, then write parents first.
    let mut reparented: Vec<String> = Vec::new();
    for row in &rows {
        let name = |s: usize| header.name(s);
        let existing = region::find(ctx.conn, &row.code)?;
        if let Some(e) = &existing {
            if e.parent_code != row.parent {
                reparented.push(row.code.clone());
            }
            if e.level != row.level {
                problems.add(
                    row.line,
                    Some(name(LEVEL)),
                    format!(
                        "区划 {} 已存在且级别为{}，不能改为{}",
                        row.code,
                        e.level.chinese(),
                        row.level.chinese()
                    ),
                );
                continue;
            }
        }
        let parent_level = match (&row.parent, row.level) {
            (None, Level::Province) => None,
            (Some(_), Level::Province) => {
                problems.add(row.line, Some(name(PARENT)), "省级区划不应有上级代码");
                continue;
            }
            (None, _) => {
                problems.add(row.line, Some(name(PARENT)), "必填项为空");
                continue;
            }
            (Some(p), _) => match by_code.get(p) {
                Some(&i) => Some(rows[i].level),
                None => region::find(ctx.conn, p)?.map(|r| r.level),
            },
        };
        if let Some(p) = &row.parent {
            match parent_level {
                None => problems.add(
                    row.line,
                    Some(name(PARENT)),
                    format!("上级代码 {p:?} 不在区划表或本文件中"),
                ),
                Some(pl) if rank(pl) + 1 != rank(row.level) => problems.add(
                    row.line,
                    Some(name(PARENT)),
                    format!(
                        "上级 {p}（{}级）不是{}级区划的直接上级",
                        pl.chinese(),
                        row.level.chinese()
                    ),
                ),
                Some(_) => {}
            }
        }
        if let Some(county) = &ctx.opts.county {
            if !within(ctx, &rows, &by_code, row, county)? {
                problems.add(
                    row.line,
                    Some(name(CODE)),
                    format!(
                        "区划 {:?} 不属于 --county {county} 指定的县，不能导入 (outside the county)",
                        row.code
                    ),
                );
            }
        }
    }
    if problems.any() {
        return Ok(0);
    }
    let before_moves = moves::before(ctx.conn, &reparented)?;
    let mut order: Vec<&Row> = rows.iter().collect();
    order.sort_by_key(|r| rank(r.level));
    let mut written = 0;
    for row in order {
        let existed = region::find(ctx.conn, &row.code)?.is_some();
        let changed = ctx.conn.prepare_cached(UPSERT_REGION)?.execute(params![
            row.code,
            row.name,
            row.level.code(),
            row.parent,
            row.poor,
            row.planned,
            is_official_code(&row.code),
            ctx.batch_id,
            row.line as i64,
        ])?;
        match (existed, changed) {
            (false, _) => problems.summary.inserted += 1,
            (true, 0) => problems.summary.unchanged += 1,
            (true, _) => problems.summary.updated += 1,
        }
        written += changed as u64;
    }
    // Refused after the writes, inside the transaction that is then rolled back: only the written
    // hierarchy says reliably which county each village ends up in.
    for orphaning in moves::orphaned(ctx.conn, &before_moves)? {
        let line = by_code.get(&orphaning.code).map_or(0, |&i| rows[i].line);
        problems.next_row();
        problems.add(line, Some(header.name(PARENT)), orphaning.message());
    }
    Ok(written)
}

fn rank(level: Level) -> usize {
    Level::ALL.iter().position(|l| *l == level).unwrap_or(0)
}

/// Whether a row lies inside `county`: walk up through the file and the database.
fn within(
    ctx: &Context,
    rows: &[Row],
    by_code: &HashMap<String, usize>,
    row: &Row,
    county: &str,
) -> Result<bool> {
    let mut code = row.code.clone();
    let mut parent = row.parent.clone();
    for _ in 0..6 {
        if code == county {
            return Ok(true);
        }
        let Some(p) = parent else { return Ok(false) };
        parent = match by_code.get(&p) {
            Some(&i) => rows[i].parent.clone(),
            None => region::find(ctx.conn, &p)?.and_then(|r| r.parent_code),
        };
        code = p;
    }
    Ok(false)
}
