//! Indicators derived from the household register (建档立卡台账), never imported: poor households and
//! people, safe-housing counts and suspected wrong exits, per village, for the register snapshot each
//! county has at a month.
//!
//! Speed matters here: a province has about 12,000 villages and 1,000,000 households per snapshot.
//! Everything is computed with one GROUP BY over the snapshot month (one query per distinct snapshot
//! month, usually one), never with a query per village.

use std::collections::HashMap;
use std::sync::OnceLock;

use anyhow::Result;
use rusqlite::{params, Connection};

use crate::model::household::{self, HouseholdStatus};
use crate::model::period::Period;

/// A county's register snapshot: which month and which import batch it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub county_code: String,
    pub period: Period,
    pub batch_id: i64,
    pub file_name: String,
    pub households: i64,
}

impl Snapshot {
    /// How a verdict cites the register: `households-2019-03.csv（2019-03 台账）`.
    pub fn citation(&self) -> String {
        format!("{}（{} 台账）", self.file_name, self.period)
    }
}

// The latest snapshot of each county at or before the month. Snapshots of undone batches are skipped
// in case `import undo` keeps the register_snapshot row.
const LATEST_SNAPSHOTS: &str = "SELECT s.county_code, s.period, s.batch_id, b.file_name, s.households
     FROM register_snapshot s
     JOIN import_batch b ON b.id = s.batch_id
     WHERE b.undone_at IS NULL
       AND (?2 IS NULL OR s.county_code = ?2)
       AND s.period = (SELECT max(x.period) FROM register_snapshot x
                       JOIN import_batch xb ON xb.id = x.batch_id
                       WHERE x.county_code = s.county_code AND x.period <= ?1 AND xb.undone_at IS NULL)";

/// The latest register snapshot of each county (or of one county) at or before `period`, by county code.
/// Snapshots of any age are returned; the caller decides whether one is too old to use.
pub fn latest_snapshots(
    conn: &Connection,
    period: Period,
    county: Option<&str>,
) -> Result<HashMap<String, Snapshot>> {
    let mut stmt = conn.prepare_cached(LATEST_SNAPSHOTS)?;
    let rows = stmt.query_map(params![period, county], |r| {
        Ok(Snapshot {
            county_code: r.get(0)?,
            period: r.get(1)?,
            batch_id: r.get(2)?,
            file_name: r.get(3)?,
            households: r.get(4)?,
        })
    })?;
    let mut out = HashMap::new();
    for s in rows {
        let s = s?;
        out.insert(s.county_code.clone(), s);
    }
    Ok(out)
}

/// Register counts of one village (or, summed, of one county) in one snapshot.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct RegisterCounts {
    /// Registered households in the snapshot, any status.
    pub households: i64,
    /// Households 未脱贫 or 返贫.
    pub poor_households: i64,
    /// Of which 返贫.
    pub returned_households: i64,
    /// People in households 未脱贫 or 返贫 (sum of 家庭人口).
    pub poor_people: i64,
    /// Households reported with safe housing (住房安全 = 是).
    pub housing_safe: i64,
    /// Households whose 住房安全 is reported at all.
    pub housing_reported: i64,
    /// 已脱贫 households failing a household standard that is reported (H1–H6).
    pub suspected_wrong_exits: i64,
}

impl std::ops::AddAssign for RegisterCounts {
    fn add_assign(&mut self, o: RegisterCounts) {
        self.households += o.households;
        self.poor_households += o.poor_households;
        self.returned_households += o.returned_households;
        self.poor_people += o.poor_people;
        self.housing_safe += o.housing_safe;
        self.housing_reported += o.housing_reported;
        self.suspected_wrong_exits += o.suspected_wrong_exits;
    }
}

// One pass over a snapshot month. The rows are summed per village in Rust rather than with GROUP BY:
// SQLite groups by sorting, which costs more than the scan itself on a million rows, while a hash map
// of 12,000 villages does not. ?3 narrows the scan to one county.
const SNAPSHOT_ROWS: &str = "SELECT h.village_code, h.status, h.size, h.housing_safe, NULL
     FROM household_snapshot h
     WHERE h.period = ?1
       AND (?3 IS NULL OR h.village_code IN (SELECT code FROM region_county WHERE county_code = ?3))";

// The same with the wrong-exit test, as one SQL expression so that each row hands Rust one more
// column, not six; read only when a criterion uses suspected_wrong_exits, as decoding six more columns
// per row costs about as much as the rest of the scan. ?2 is the poverty line: NULL makes H1 unknown,
// and an unknown standard never counts as failed (`NULL OR 0` is NULL, read as not suspected). The
// standards' test comes from model::household::STANDARDS, so it is built once, from constants.
fn snapshot_rows_wrong_exits() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| {
        format!(
            "SELECT h.village_code, h.status, h.size, h.housing_safe,
                    h.status = '{exited}' AND ({fails})
             FROM household_snapshot h
             WHERE h.period = ?1
               AND (?3 IS NULL OR h.village_code IN (SELECT code FROM region_county WHERE county_code = ?3))",
            exited = HouseholdStatus::Exited.code(),
            fails = household::fails_any_sql("h", "?2"),
        )
    })
}

const VILLAGE_COUNTIES: &str = "SELECT v.code, t.parent_code
     FROM region v JOIN region t ON t.code = v.parent_code
     WHERE v.level = 'village' AND (?1 IS NULL OR t.parent_code = ?1)";

/// Register counts per village, each village counted in its county's snapshot among `snapshots`
/// (rows of a month that is not its county's snapshot month are ignored). A village absent from its
/// county's register has no entry. Suspected wrong exits are counted only `with_wrong_exits`;
/// `poverty_line` decides their H1, and when it is None, H1 counts as not reported, never as failed.
pub fn village_counts(
    conn: &Connection,
    snapshots: &[&Snapshot],
    poverty_line: Option<f64>,
    with_wrong_exits: bool,
    county: Option<&str>,
) -> Result<HashMap<String, RegisterCounts>> {
    let mut out: HashMap<String, RegisterCounts> = HashMap::new();
    if snapshots.is_empty() {
        return Ok(out);
    }
    let mut county_of: HashMap<String, String, FastHash> = HashMap::default();
    let mut stmt = conn.prepare_cached(VILLAGE_COUNTIES)?;
    let mut rows = stmt.query([county])?;
    while let Some(r) = rows.next()? {
        county_of.insert(r.get(0)?, r.get(1)?);
    }
    let mut by_period: HashMap<Period, Vec<&str>> = HashMap::new();
    for s in snapshots {
        by_period.entry(s.period).or_default().push(&s.county_code);
    }
    let mut stmt = conn.prepare_cached(if with_wrong_exits {
        snapshot_rows_wrong_exits()
    } else {
        SNAPSHOT_ROWS
    })?;
    for (period, counties) in by_period {
        // Villages whose county takes its register from this month.
        let mut current: HashMap<&str, RegisterCounts, FastHash> = HashMap::default();
        let mut rows = stmt.query(params![period, poverty_line, county])?;
        while let Some(r) = rows.next()? {
            let village = r.get_ref(0)?.as_str()?;
            let c = match current.get_mut(village) {
                Some(c) => c,
                None => {
                    let Some((code, _)) = county_of
                        .get_key_value(village)
                        .filter(|(_, cty)| counties.contains(&cty.as_str()))
                    else {
                        continue;
                    };
                    current.entry(code.as_str()).or_default()
                }
            };
            let status = HouseholdStatus::from_code(r.get_ref(1)?.as_str()?);
            c.households += 1;
            if status.is_some_and(HouseholdStatus::is_poor) {
                c.poor_households += 1;
                c.poor_people += r.get::<_, i64>(2)?;
                if status == Some(HouseholdStatus::Returned) {
                    c.returned_households += 1;
                }
            }
            if let Some(h) = r.get::<_, Option<i64>>(3)? {
                c.housing_reported += 1;
                c.housing_safe += h;
            }
            if r.get::<_, Option<i64>>(4)? == Some(1) {
                c.suspected_wrong_exits += 1;
            }
        }
        for (village, counts) in current {
            out.insert(village.to_string(), counts);
        }
    }
    Ok(out)
}

/// The national poverty line in force in a year: that year's, else the latest earlier one
/// (the line was last set for 2020). Returns (year, yuan).
pub fn poverty_line(conn: &Connection, year: i32) -> Result<Option<(i32, f64)>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached(
            "SELECT year, yuan FROM poverty_line WHERE year <= ?1 ORDER BY year DESC LIMIT 1",
        )?
        .query_row([year], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// FNV-1a: region codes are short and not attacker-chosen, and the default SipHash is a noticeable
/// share of the time spent summing a million register rows.
#[derive(Default)]
struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type FastHash = std::hash::BuildHasherDefault<Fnv>;
