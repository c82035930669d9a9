//! Villages that change county. A county's register snapshot counts the households of the
//! villages under it; a village (or a township with its villages) moved under another county
//! would take its households out of the snapshot that counts them, and `verify` and
//! `check households --county` would disagree with the register. Such a move is refused while
//! the register holds households there; the message counts them per county and month (never who
//! they are) and says what the clerk can do.
//!
//! Used by the regions import (a file that re-parents) and by undo (a regions batch taken back).

use std::collections::{BTreeMap, HashMap, HashSet};

use anyhow::Result;
use rusqlite::Connection;

/// The county of each village named in `?1` (a JSON array of codes), or under a township named
/// there. Codes are passed as one JSON parameter so the set is any size without building SQL.
const VILLAGE_COUNTIES: &str = "SELECT v.code, v.parent_code, t.parent_code
     FROM region v JOIN region t ON t.code = v.parent_code
     WHERE v.level = 'village'
       AND (v.code IN (SELECT value FROM json_each(?1)) OR v.parent_code IN (SELECT value FROM json_each(?1)))";

/// Households per village and month in the register, for the villages in `?1`.
const HOUSEHOLDS_OF: &str = "SELECT village_code, period, count(*) FROM household_snapshot
     WHERE village_code IN (SELECT value FROM json_each(?1))
     GROUP BY village_code, period";

/// Where the villages under some moved regions lie before the move: village → (the moved code
/// that carries it, its county).
#[derive(Debug, Default)]
pub struct Before(HashMap<String, (String, Option<String>)>);

/// Record the county of every village under `codes` (villages, or townships and their villages)
/// before they are moved. Nothing is read when `codes` is empty, the usual case.
pub fn before(conn: &Connection, codes: &[String]) -> Result<Before> {
    let mut out = Before::default();
    let named: HashSet<&String> = codes.iter().collect();
    for (village, township, county) in village_counties(conn, codes)? {
        let carrier = if named.contains(&village) {
            village.clone()
        } else {
            township
        };
        out.0.insert(village, (carrier, county));
    }
    Ok(out)
}

/// One moved region (a village, or a township) whose villages hold register rows in the county
/// they leave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Orphaning {
    /// The code that moved (the village's own, or its township's).
    pub code: String,
    pub from: Option<String>,
    pub to: Option<String>,
    /// Households of the register left behind, per month.
    pub households: BTreeMap<String, i64>,
}

impl Orphaning {
    /// The refusal, in Chinese: what moves where, the households per county and month, what to do.
    pub fn message(&self) -> String {
        let county = |c: &Option<String>| c.clone().unwrap_or_else(|| "（无）".to_string());
        let from = county(&self.from);
        let mut months: Vec<String> = self
            .households
            .iter()
            .take(12)
            .map(|(period, n)| format!("{period} {n} 户"))
            .collect();
        if self.households.len() > 12 {
            months.push(format!("等 {} 个月", self.households.len()));
        }
        format!(
            "{} 将从县 {from} 移到县 {}，但县 {from} 的台账中还有这里的户（{}），移动后它们将不属于登记它们的县台账，\
             未做任何更改 (village with register rows moved to another county)。\
             跨县调整的村请在新县下用新的村代码导入；或先撤销含这些户的台账批次（tuopin imports 可查），\
             移动后再按新县重新导入台账",
            self.code,
            county(&self.to),
            months.join("，")
        )
    }
}

/// The moves recorded in `before` that took villages holding register rows into another county,
/// read after the writes inside the same transaction (which the caller then rolls back).
pub fn orphaned(conn: &Connection, before: &Before) -> Result<Vec<Orphaning>> {
    if before.0.is_empty() {
        return Ok(Vec::new());
    }
    let carriers: Vec<String> = before.0.values().map(|(c, _)| c.clone()).collect();
    let mut moved: HashMap<String, Option<String>> = HashMap::new();
    for (village, _, county) in village_counties(conn, &carriers)? {
        if let Some((_, old)) = before.0.get(&village) {
            if *old != county {
                moved.insert(village, county);
            }
        }
    }
    if moved.is_empty() {
        return Ok(Vec::new());
    }
    let codes: Vec<&String> = moved.keys().collect();
    let mut stmt = conn.prepare_cached(HOUSEHOLDS_OF)?;
    let rows = stmt.query_map([serde_json::to_string(&codes)?], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
        ))
    })?;
    let mut by_carrier: BTreeMap<String, Orphaning> = BTreeMap::new();
    for row in rows {
        let (village, period, n) = row?;
        let (carrier, from) = &before.0[&village];
        let entry = by_carrier
            .entry(carrier.clone())
            .or_insert_with(|| Orphaning {
                code: carrier.clone(),
                from: from.clone(),
                to: moved[&village].clone(),
                households: BTreeMap::new(),
            });
        *entry.households.entry(period).or_insert(0) += n;
    }
    Ok(by_carrier.into_values().collect())
}

/// (village, its township, its county) for the villages under `codes`.
fn village_counties(
    conn: &Connection,
    codes: &[String],
) -> Result<Vec<(String, String, Option<String>)>> {
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare_cached(VILLAGE_COUNTIES)?;
    let rows = stmt.query_map([serde_json::to_string(codes)?], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
