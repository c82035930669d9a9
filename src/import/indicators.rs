//! Indicator values, in the long form (统计期, 区划代码, 指标, 值, 备注) or the wide form (统计期,
//! 区划代码, then one column per indicator), told apart by the header.

use std::collections::HashMap;
use std::sync::mpsc::SyncSender;

use anyhow::Result;

use crate::import::contract::indicators_long::{INDICATOR, NOTE, PERIOD, REGION, VALUE};
use crate::import::contract::{
    indicators_wide_keys, Column, INDICATORS_LONG, INDICATORS_WIDE_KEYS,
};
use crate::import::header::is_header_of;
use crate::import::header::Header;
use crate::import::layout::Table;
use crate::import::reader::{
    check_scope, code_cell, read_header, refuse_id_number, row_period, warn_unknown_columns,
    Context, Fatal, Options, Problems, RegionIndex, Rows,
};
use crate::import::two_threads;
use crate::model::indicator::writer::{Value, ValueWriter};
use crate::model::indicator::{Catalogue, Indicator, Qualifier, Source};
use crate::model::period::Period;

// Both forms start with the same two columns, so a row's period and region are read alike.
const _: () =
    assert!(PERIOD == indicators_wide_keys::PERIOD && REGION == indicators_wide_keys::REGION);

fn is_long(raw: &csv::StringRecord) -> bool {
    let has = |c: &Column| raw.iter().any(|h| is_header_of(h, c));
    has(&INDICATORS_LONG[INDICATOR]) && has(&INDICATORS_LONG[VALUE])
}

pub(super) fn import(ctx: &Context, table: &mut Table, problems: &mut Problems) -> Result<u64> {
    let raw = table.header.clone();
    let header_line = table.header_line;
    let long = is_long(&raw);
    let spec: &[Column] = if long {
        INDICATORS_LONG
    } else {
        INDICATORS_WIDE_KEYS
    };
    let has_period_option = ctx.opts.period.is_some();
    let (header, unknown) = read_header(
        table,
        spec,
        |c| c.en == "period" && has_period_option,
        problems,
    )?;

    // Read once for the whole file: the header's columns and the long form's rows name indicators.
    let catalogue = Catalogue::load(ctx.conn)?;
    // Wide form: every other column names an indicator (a 备注/note column is allowed).
    let mut wide: Vec<(usize, Indicator)> = Vec::new();
    if long {
        warn_unknown_columns(table, &unknown, problems);
    } else {
        for (i, name) in unknown {
            if is_header_of(&name, &INDICATORS_LONG[NOTE]) {
                continue;
            }
            match catalogue.find(&name).cloned() {
                Some(ind) if ind.derived => problems.add(
                    header_line,
                    Some(&name),
                    format!(
                        "指标 {}（{}）由建档立卡台账计算，不能导入",
                        ind.name, ind.code
                    ),
                ),
                Some(ind) => wide.push((i, ind)),
                None => problems.add(
                    header_line,
                    Some(&name),
                    format!("未知指标 {name:?}（不在指标目录中）"),
                ),
            }
        }
    }
    if !long && wide.is_empty() && !problems.any() {
        return Err(Fatal(format!(
            "{}: 表头中没有指标列：长表需要 指标、值 两列，宽表需要至少一个指标列",
            problems.at(header_line, None)
        ))
        .into());
    }
    if problems.any() {
        return Ok(0);
    }
    let wide_note = if long {
        None
    } else {
        raw.iter()
            .position(|h| is_header_of(h, &INDICATORS_LONG[NOTE]))
    };

    let regions = RegionIndex::load(ctx.conn)?;
    let (opts, batch_id, progress) = (ctx.opts, ctx.batch_id, ctx.progress);
    // Validated on a thread of its own while this one writes (issue 16): the writer's insert is
    // about two thirds of the time, reading and checking the cells the rest.
    let mut writer = ValueWriter::new(ctx.conn)?;
    let validated = two_threads::run(
        QUEUE,
        |values| {
            let mut reader = Reader {
                values,
                ready: Vec::with_capacity(CHUNK),
                header: &header,
                wide: &wide,
                wide_note,
                long,
                regions: &regions,
                catalogue: &catalogue,
                opts,
                batch_id,
                seen: HashMap::new(),
                periods: Vec::new(),
            };
            let mut rows = Rows::new(table, &header);
            for (i, _) in &wide {
                rows.check_also(*i);
            }
            if let Some(i) = wide_note {
                rows.check_also(i);
            }
            while let Some(line) = rows.advance_with(progress, problems)? {
                reader.row(&rows.record, line, problems)?;
            }
            reader.finish()
        },
        |values| {
            for chunk in values {
                for v in chunk {
                    writer.put(v)?;
                }
            }
            Ok(())
        },
    );
    let mut periods = validated?;
    let writer = writer.finish()?;
    problems.summary.inserted += writer.inserted;
    problems.summary.updated += writer.updated;
    problems.summary.unchanged += writer.unchanged;
    let written = writer.inserted + writer.updated;
    periods.sort();
    problems.summary.periods = periods;
    Ok(written)
}

/// Values per message to the writer: a channel operation per value would cost more than its
/// insert.
const CHUNK: usize = 512;
/// Messages in flight: enough to keep the writer busy, few enough that memory stays flat.
const QUEUE: usize = 4;

/// The validating thread's state: what it needs of the file's header and the database (read
/// before it started), the values of the current message, and what it has seen so far.
struct Reader<'a> {
    values: SyncSender<Vec<Value>>,
    ready: Vec<Value>,
    header: &'a Header,
    wide: &'a [(usize, Indicator)],
    wide_note: Option<usize>,
    long: bool,
    regions: &'a RegionIndex,
    catalogue: &'a Catalogue,
    opts: &'a Options,
    batch_id: i64,
    // The indicators given so far for each month and region: a row of the wide form is one
    // region's values, so one look-up a row (not a hash of every value) finds a value given twice.
    seen: HashMap<(Period, String), Vec<String>>,
    periods: Vec<Period>,
}

impl Reader<'_> {
    /// Check one row and hand its values to the writer.
    fn row(
        &mut self,
        record: &csv::StringRecord,
        line: u64,
        problems: &mut Problems,
    ) -> Result<()> {
        let (header, long, opts) = (self.header, self.long, self.opts);
        let name = |s: usize| header.name(s);
        // An ID number in any cell (a value column too) is refused first, masked.
        for s in [PERIOD, REGION, INDICATOR, VALUE, NOTE] {
            if long || s == PERIOD || s == REGION {
                refuse_id_number(header.cell(record, s), name(s), line, problems);
            }
        }
        if !long {
            for (i, _) in self.wide {
                let cell = record.get(*i).unwrap_or("");
                refuse_id_number(cell, &header.names[*i], line, problems);
            }
            if let Some(i) = self.wide_note {
                let cell = record.get(i).unwrap_or("");
                refuse_id_number(cell, &header.names[i], line, problems);
            }
        }

        let period = row_period(
            header.cell(record, PERIOD),
            name(PERIOD),
            opts,
            line,
            problems,
        );
        // Region codes are compared in their normal form (full width, invisible characters).
        let code = code_cell(header.cell(record, REGION), name(REGION), line, problems);
        let region = match code.as_deref() {
            None => None,
            Some("") => {
                problems.add(line, Some(name(REGION)), "必填项为空");
                None
            }
            Some(code) => match self.regions.get(code) {
                None => {
                    problems.add(
                        line,
                        Some(name(REGION)),
                        format!("区划代码 {code:?} 不在区划表中"),
                    );
                    None
                }
                Some((level, county)) => {
                    check_scope(opts, county, code, line, name(REGION), problems);
                    Some(level)
                }
            },
        };
        let code = code.unwrap_or_default();

        // (indicator, cell, column header) triples of this row, borrowed from the header and the
        // catalogue: a value costs no copies of names.
        let mut cells: Vec<(Option<&Indicator>, &str, &str, &str)> = Vec::new();
        let note = if long {
            let ind_cell = header.cell(record, INDICATOR);
            let ind_name = code_cell(ind_cell, name(INDICATOR), line, problems);
            let ind = match ind_name.as_deref() {
                None => None,
                Some("") => {
                    problems.add(line, Some(name(INDICATOR)), "必填项为空");
                    None
                }
                Some(ind_name) => match self.catalogue.find(ind_name) {
                    None => {
                        problems.add(
                            line,
                            Some(name(INDICATOR)),
                            format!("未知指标 {ind_name:?}（不在指标目录中）"),
                        );
                        None
                    }
                    Some(ind) if ind.derived => {
                        problems.add(
                            line,
                            Some(name(INDICATOR)),
                            format!(
                                "指标 {}（{}）由建档立卡台账计算，不能导入",
                                ind.name, ind.code
                            ),
                        );
                        None
                    }
                    Some(ind) => Some(ind),
                },
            };
            let value = header.cell(record, VALUE);
            if value.is_empty() {
                problems.add(line, Some(name(VALUE)), "必填项为空");
            }
            cells.push((ind, value, name(VALUE), name(INDICATOR)));
            Some(header.cell(record, NOTE)).filter(|s| !s.is_empty())
        } else {
            for (i, ind) in self.wide {
                let cell = record.get(*i).map(str::trim).unwrap_or("");
                // An empty cell of the wide form means "not reported": no value, no error.
                if !cell.is_empty() {
                    let column = header.names[*i].as_str();
                    cells.push((Some(ind), cell, column, column));
                }
            }
            self.wide_note
                .and_then(|i| record.get(i))
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };

        let mut values = Vec::new();
        for (ind, cell, column, indicator_column) in cells {
            let Some(ind) = ind else { continue };
            if cell.is_empty() {
                continue;
            }
            if let Some(level) = region {
                if !ind.applies_to(level) {
                    let levels: Vec<&str> = ind.levels.iter().map(|l| l.chinese()).collect();
                    problems.add(
                        line,
                        Some(indicator_column),
                        format!(
                            "指标 {} 只适用于{}级，不适用于{}级区划 {code}",
                            ind.name,
                            levels.join("、"),
                            level.chinese()
                        ),
                    );
                    continue;
                }
            }
            match ind.value_type.parse(cell) {
                Ok(v) => values.push((ind, v, column)),
                Err(msg) => problems.add(line, Some(column), msg),
            }
        }
        if problems.row_failed() {
            return Ok(());
        }
        let Some(period) = period else {
            return Ok(());
        };
        if !self.periods.contains(&period) {
            self.periods.push(period);
        }
        let given = self.seen.entry((period, code.to_string())).or_default();
        for (ind, value, column) in values {
            if given.contains(&ind.code) {
                problems.add(
                    line,
                    Some(column),
                    format!("区划 {code} 的指标 {} 在统计期 {period} 重复出现", ind.name),
                );
                continue;
            }
            given.push(ind.code.clone());
            self.ready.push(Value {
                region: code.to_string(),
                indicator: ind.code.clone(),
                period,
                value,
                qualifier: Qualifier::Exact,
                note: note.map(str::to_string),
                source: Source::Batch {
                    id: self.batch_id,
                    line,
                },
            });
        }
        if self.ready.len() >= CHUNK {
            self.send()?;
        }
        Ok(())
    }

    fn send(&mut self) -> Result<()> {
        let chunk = std::mem::replace(&mut self.ready, Vec::with_capacity(CHUNK));
        two_threads::send(&self.values, chunk)
    }

    /// Send what is left; the months the file's valid rows gave.
    fn finish(mut self) -> Result<Vec<Period>> {
        if !self.ready.is_empty() {
            self.send()?;
        }
        Ok(self.periods)
    }
}
