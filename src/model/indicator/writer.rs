//! Many values written as [`put_value`](super::put_value) writes one, with the same outcome and
//! counts, at the rate of a bulk insert (issue 16).
//!
//! A county office's monthly file brings a month nobody has reported yet: whether a month holds
//! any value is asked once, and then every value of it is new and goes in with plain inserts,
//! `ROWS` values a statement, without looking anything up. A month that already holds values (a
//! correction, or the month of another county's file) is looked up a region at a time (a file's
//! row is one region's values, side by side in the key): a new value is inserted as above, a
//! changed one is updated (its old row kept in history by the triggers), an unchanged one is left
//! as it was, with its first source.

use std::collections::HashMap;

use anyhow::Result;
use rusqlite::{params, Connection, Statement};

use super::{
    bind_value, execute_with_value, refuse_infinite, NewValue, Period, Qualifier, Source,
    UPSERT_VALUE,
};

/// Values per insert statement: 64 × 10 parameters, within SQLite's limit of 32,766.
const ROWS: usize = 64;
/// New values held back and put in key order before they are inserted, `ROWS` a statement: a
/// wide file's row lists a region's indicators in the order of its columns, and a value inserted
/// before the last one of a page splits it in two, where one appended after it starts a new page.
const SORTED: usize = 8 * ROWS;
const PARAMETERS: usize = 10;

const INSERT_HEAD: &str = "INSERT INTO indicator_value
        (region_code, indicator_code, period, value, qualifier, value_high, note, batch_id, line, quote_id)
     VALUES ";
const ROW_VALUES: &str = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

/// The statement for `n` values: the constant parts repeated, no value in the text.
fn insert_sql(n: usize) -> String {
    format!("{INSERT_HEAD}{}", vec![ROW_VALUES; n].join(", "))
}

const MONTH_HAS_VALUES: &str = "SELECT EXISTS (SELECT 1 FROM indicator_value WHERE period = ?1)";

// One region's stored values of a month (the key leads with the month, then the region).
const REGION_VALUES: &str = "SELECT indicator_code, value, qualifier, value_high
     FROM indicator_value WHERE period = ?1 AND region_code = ?2";

/// A stored value's figure, as `UPSERT_VALUE`'s WHERE clause compares it.
struct Figure {
    value: f64,
    qualifier: String,
    high: Option<f64>,
}

impl Figure {
    fn is(&self, v: &NewValue) -> bool {
        self.value == v.value
            && self.qualifier == v.qualifier.code()
            && self.high == v.qualifier.high()
    }
}

/// Writes many values; a key must not repeat within one writer (the import refuses a value given
/// twice before it gets here). The counts are final after [`ValueWriter::finish`].
pub struct ValueWriter<'c> {
    conn: &'c Connection,
    /// Per month met, whether it held values before this writer wrote any.
    month_had_values: HashMap<Period, bool>,
    /// The month and region whose stored values are in `stored`, by indicator.
    stored_of: Option<(Period, String)>,
    stored: HashMap<String, Figure>,
    /// The new values not inserted yet (at most `SORTED`), and the statement of `ROWS` inserts.
    pending: Vec<Value>,
    insert: Statement<'c>,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
}

impl<'c> ValueWriter<'c> {
    pub fn new(conn: &'c Connection) -> Result<ValueWriter<'c>> {
        Ok(ValueWriter {
            conn,
            month_had_values: HashMap::new(),
            stored_of: None,
            stored: HashMap::new(),
            pending: Vec::with_capacity(SORTED),
            insert: conn.prepare(&insert_sql(ROWS))?,
            inserted: 0,
            updated: 0,
            unchanged: 0,
        })
    }

    pub fn put(&mut self, v: Value) -> Result<()> {
        let new = v.as_new();
        refuse_infinite(&new)?;
        if self.month_had_values(v.period)? {
            self.load_region(v.period, &v.region)?;
            if let Some(stored) = self.stored.get(&v.indicator) {
                // The same figure leaves the stored row (and its source) as it was; the upsert's
                // WHERE clause decides again, so a figure compared unequal here is still only
                // written when SQLite finds it changed.
                if stored.is(&new) || execute_with_value(self.conn, UPSERT_VALUE, &new)? == 0 {
                    self.unchanged += 1;
                } else {
                    self.updated += 1;
                }
                return Ok(());
            }
        }
        self.pending.push(v);
        self.inserted += 1;
        if self.pending.len() == SORTED {
            self.insert_pending()?;
        }
        Ok(())
    }

    /// Insert the waiting values in key order: `ROWS` a statement, then the rest with a statement
    /// of as many.
    fn insert_pending(&mut self) -> Result<()> {
        self.pending.sort_unstable_by(|a, b| {
            (a.period, &a.region, &a.indicator).cmp(&(b.period, &b.region, &b.indicator))
        });
        let mut chunks = self.pending.chunks_exact(ROWS);
        for chunk in &mut chunks {
            insert(&mut self.insert, chunk)?;
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            insert(&mut self.conn.prepare(&insert_sql(rest.len()))?, rest)?;
        }
        self.pending.clear();
        Ok(())
    }

    fn month_had_values(&mut self, period: Period) -> Result<bool> {
        if let Some(had) = self.month_had_values.get(&period) {
            return Ok(*had);
        }
        let had: bool = self
            .conn
            .prepare_cached(MONTH_HAS_VALUES)?
            .query_row(params![period], |r| r.get(0))?;
        self.month_had_values.insert(period, had);
        Ok(had)
    }

    /// The stored values of `region` in `period` into `stored`, unless they are there already.
    /// The values this writer has yet to insert are not among them, and need not be: their keys
    /// do not come again.
    fn load_region(&mut self, period: Period, region: &str) -> Result<()> {
        if self
            .stored_of
            .as_ref()
            .is_some_and(|(p, r)| *p == period && r == region)
        {
            return Ok(());
        }
        self.stored.clear();
        let mut stmt = self.conn.prepare_cached(REGION_VALUES)?;
        let mut rows = stmt.query(params![period, region])?;
        while let Some(r) = rows.next()? {
            self.stored.insert(
                r.get(0)?,
                Figure {
                    value: r.get(1)?,
                    qualifier: r.get(2)?,
                    high: r.get(3)?,
                },
            );
        }
        self.stored_of = Some((period, region.to_string()));
        Ok(())
    }

    /// Insert what still waits; the counts are final afterwards.
    pub fn finish(mut self) -> Result<ValueWriter<'c>> {
        self.insert_pending()?;
        Ok(self)
    }
}

/// A value with its text owned, as the import's validating thread hands it to the writer.
pub struct Value {
    pub region: String,
    pub indicator: String,
    pub period: Period,
    pub value: f64,
    pub qualifier: Qualifier,
    pub note: Option<String>,
    pub source: Source,
}

impl Value {
    pub fn as_new(&self) -> NewValue<'_> {
        NewValue {
            region_code: &self.region,
            indicator_code: &self.indicator,
            period: self.period,
            value: self.value,
            qualifier: self.qualifier,
            note: self.note.as_deref(),
            source: self.source,
        }
    }
}

/// Insert `values` with `stmt`, a statement of as many rows.
fn insert(stmt: &mut Statement, values: &[Value]) -> Result<()> {
    for (n, v) in values.iter().enumerate() {
        bind_value(stmt, n * PARAMETERS, &v.as_new())?;
    }
    stmt.raw_execute()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_insert_statement_has_every_values_parameters() {
        let conn = Connection::open_in_memory().unwrap();
        crate::db::migrate::migrate(&conn).unwrap();
        assert_eq!(
            conn.prepare(&insert_sql(ROWS)).unwrap().parameter_count(),
            ROWS * PARAMETERS
        );
        assert!(UPSERT_VALUE.contains(INSERT_HEAD.trim_end_matches("VALUES ")));
    }
}
