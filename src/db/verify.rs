//! `tuopin verify`: SQLite's own checks and the promises the project makes about its data.
//!
//! Every check reads inside one read transaction, so a verify running beside an import sees one
//! state. A damaged file is a finding, not an error: the integrity check says what SQLite found
//! (in Chinese, `integrity`), and a check that meets a damaged page fails saying so. Findings are
//! counted and located (table, column, batch), never quoted: a check that finds a clear-text ID
//! number must not print it.

use std::collections::{BTreeMap, HashMap};

use anyhow::Result;
use rusqlite::Connection;

use super::integrity;

/// One check and what it found: a finding of no problems is a check passed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    /// Stable English code, for scripts.
    pub code: &'static str,
    /// What is checked, in Chinese.
    pub name: &'static str,
    /// Rows or places found wrong (0: the check passed).
    pub problems: u64,
    /// Where, at most `MAX_DETAILS` lines.
    pub details: Vec<String>,
}

impl Finding {
    pub fn ok(&self) -> bool {
        self.problems == 0
    }

    fn new(code: &'static str, name: &'static str) -> Finding {
        Finding {
            code,
            name,
            problems: 0,
            details: Vec::new(),
        }
    }

    fn found(&mut self, n: u64, detail: impl Into<String>) {
        if n == 0 {
            return;
        }
        self.problems += n;
        if self.details.len() < MAX_DETAILS {
            self.details.push(detail.into());
        }
    }
}

const MAX_DETAILS: usize = 20;

type Check = fn(&Connection, &mut Finding) -> Result<()>;

/// Every check: code, what it checks, how.
const CHECKS: &[(&str, &str, Check)] = &[
    (
        "integrity",
        "数据库文件完整性 (PRAGMA integrity_check)",
        integrity,
    ),
    (
        "foreign_keys",
        "外键引用 (PRAGMA foreign_key_check)",
        foreign_keys,
    ),
    (
        "value_sources",
        "每个指标值都有来源（有效的导入批次或快报原文）",
        value_sources,
    ),
    (
        "snapshot_villages",
        "每户都属于区划表中的一个村，每个村都属于一个县",
        snapshot_villages,
    ),
    (
        "snapshot_batches",
        "每条台账记录都来自一个有效的台账导入批次",
        snapshot_batches,
    ),
    (
        "register_counts",
        "每个县每月的台账户数与登记的户数一致（没有半个导入）",
        register_counts,
    ),
    (
        "batch_rows",
        "每个有效的导入批次都有它写入的数据（或被后来的导入替换的记录）",
        batch_rows,
    ),
    (
        "id_hashes",
        "证件号码只以散列（64 位十六进制）和掩码形式保存",
        id_hashes,
    ),
    (
        "clear_ids",
        "数据库中没有明文身份证号码（所有表的所有列，数值列也查）",
        clear_ids,
    ),
    (
        "bulletin_sentences",
        "每条快报数据的原句都在其期文中所记的位置，每条已接受的数据都引用其原句",
        bulletin_sentences,
    ),
];

/// Run every check. A check that meets a damaged page fails with that said, and the others still
/// run: a damaged file gets its findings, not an error.
pub fn verify(conn: &Connection) -> Result<Vec<Finding>> {
    let tx = conn.unchecked_transaction()?;
    let mut findings = Vec::with_capacity(CHECKS.len());
    for &(code, name, check) in CHECKS {
        let mut finding = Finding::new(code, name);
        if let Err(e) = check(&tx, &mut finding) {
            if !integrity::is_damage(&e) {
                return Err(e);
            }
            finding.found(
                1,
                format!(
                    "无法完成这项检查：读取时遇到损坏的数据，{}",
                    integrity::describe(&e)
                ),
            );
        }
        findings.push(finding);
    }
    tx.finish()?;
    Ok(findings)
}

/// Whether the findings say the file itself is damaged (and so should be restored from a backup).
pub fn damaged(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.code == "integrity" && !f.ok())
}

fn count(conn: &Connection, sql: &str) -> Result<u64> {
    Ok(conn.query_row(sql, [], |r| r.get::<_, i64>(0))? as u64)
}

fn integrity(conn: &Connection, c: &mut Finding) -> Result<()> {
    for problem in integrity::problems(conn)? {
        c.found(1, problem);
    }
    Ok(())
}

fn foreign_keys(conn: &Connection, c: &mut Finding) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT \"table\", parent, count(*) FROM pragma_foreign_key_check GROUP BY 1, 2 ORDER BY 1, 2",
    )?;
    let rows: Vec<(String, String, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (table, parent, n) in rows {
        c.found(
            n as u64,
            format!("{table} → {parent}: {n} 行引用了不存在的记录"),
        );
    }
    Ok(())
}

const VALUES_WITHOUT_SOURCE: &str = "SELECT count(*) FROM indicator_value v
     LEFT JOIN import_batch b ON b.id = v.batch_id
     WHERE (v.batch_id IS NULL AND v.quote_id IS NULL)
        OR (v.batch_id IS NOT NULL AND (b.id IS NULL OR b.undone_at IS NOT NULL))
        OR (v.quote_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM bulletin_quote q WHERE q.id = v.quote_id))";

fn value_sources(conn: &Connection, c: &mut Finding) -> Result<()> {
    let n = count(conn, VALUES_WITHOUT_SOURCE)?;
    c.found(n, format!("{n} 个指标值没有来源，或来源批次已撤销"));
    Ok(())
}

const SNAPSHOT_NOT_IN_VILLAGE: &str = "SELECT count(*) FROM household_snapshot s
     LEFT JOIN region r ON r.code = s.village_code
     WHERE r.code IS NULL OR r.level <> 'village'";

const VILLAGES_WITHOUT_COUNTY: &str = "SELECT count(*) FROM region r WHERE r.level = 'village'
     AND NOT EXISTS (SELECT 1 FROM region_county c WHERE c.code = r.code AND c.county_code IS NOT NULL)";

fn snapshot_villages(conn: &Connection, c: &mut Finding) -> Result<()> {
    let n = count(conn, SNAPSHOT_NOT_IN_VILLAGE)?;
    c.found(
        n,
        format!("household_snapshot: {n} 行的村代码不存在或不是村级"),
    );
    let n = count(conn, VILLAGES_WITHOUT_COUNTY)?;
    c.found(n, format!("region: {n} 个村不在任何县之下"));
    Ok(())
}

const SNAPSHOT_WITHOUT_BATCH: &str = "SELECT count(*) FROM household_snapshot s
     LEFT JOIN import_batch b ON b.id = s.batch_id
     WHERE b.id IS NULL OR b.undone_at IS NOT NULL OR b.kind <> 'households'";

fn snapshot_batches(conn: &Connection, c: &mut Finding) -> Result<()> {
    let n = count(conn, SNAPSHOT_WITHOUT_BATCH)?;
    c.found(
        n,
        format!("household_snapshot: {n} 行的导入批次不存在、已撤销或不是台账"),
    );
    Ok(())
}

const SNAPSHOT_COUNTS: &str = "SELECT c.county_code, s.period, count(*) FROM household_snapshot s
     JOIN region_county c ON c.code = s.village_code
     GROUP BY c.county_code, s.period";

fn register_counts(conn: &Connection, c: &mut Finding) -> Result<()> {
    let mut counted: BTreeMap<(String, String), i64> = BTreeMap::new();
    let mut stmt = conn.prepare(SNAPSHOT_COUNTS)?;
    for row in stmt.query_map([], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))? {
        let (k, n) = row?;
        counted.insert(k, n);
    }
    let mut stmt = conn.prepare("SELECT county_code, period, households FROM register_snapshot")?;
    let registered: BTreeMap<(String, String), i64> = stmt
        .query_map([], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for ((county, period), want) in &registered {
        let have = counted
            .get(&(county.clone(), period.clone()))
            .copied()
            .unwrap_or(0);
        if have != *want {
            c.found(
                1,
                format!("县 {county} {period}: 登记 {want} 户，台账中有 {have} 户"),
            );
        }
    }
    for ((county, period), have) in &counted {
        if !registered.contains_key(&(county.clone(), period.clone())) {
            c.found(
                1,
                format!("县 {county} {period}: 台账中有 {have} 户，但没有登记这次台账"),
            );
        }
    }
    Ok(())
}

/// Batches that say they wrote rows: each must still have rows, or history showing that a later
/// import replaced them. A batch row without its data would be a half-import.
fn batch_rows(conn: &Connection, c: &mut Finding) -> Result<()> {
    let tables = [
        ("households", "household_snapshot"),
        ("indicators", "indicator_value"),
        ("regions", "region"),
    ];
    for (kind, table) in tables {
        let present = batch_counts(
            conn,
            &format!("SELECT batch_id, count(*) FROM {table} WHERE batch_id IS NOT NULL GROUP BY batch_id"),
        )?;
        let replaced = batch_counts(
            conn,
            &format!(
                "SELECT json_extract(old_row, '$.batch_id'), count(*) FROM history
                 WHERE table_name = '{table}' GROUP BY 1"
            ),
        )?;
        let mut stmt = conn.prepare(
            "SELECT id, file_name FROM import_batch
             WHERE kind = ?1 AND undone_at IS NULL AND rows_written > 0 ORDER BY id",
        )?;
        let batches: Vec<(i64, String)> = stmt
            .query_map([kind], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (id, file) in batches {
            if !present.contains_key(&id) && !replaced.contains_key(&id) {
                c.found(
                    1,
                    format!(
                        "批次 {id}（{}）记录写入了数据，但 {table} 中没有它的任何记录",
                        crate::output::privacy::redact_ids(&file)
                    ),
                );
            }
        }
    }
    Ok(())
}

fn batch_counts(conn: &Connection, sql: &str) -> Result<HashMap<i64, i64>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, Option<i64>>(0)?, r.get::<_, i64>(1)?))
    })?;
    let mut out = HashMap::new();
    for row in rows {
        if let (Some(id), n) = row? {
            out.insert(id, n);
        }
    }
    Ok(out)
}

const BAD_ID_HASHES: &str = "SELECT count(*) FROM household_snapshot
     WHERE (id_hash IS NOT NULL AND (length(id_hash) <> 64 OR id_hash GLOB '*[^0-9a-f]*'))
        OR ((id_hash IS NULL) <> (id_masked IS NULL))
        OR (id_masked IS NOT NULL AND id_masked NOT GLOB '*[*]*')";

fn id_hashes(conn: &Connection, c: &mut Finding) -> Result<()> {
    let n = count(conn, BAD_ID_HASHES)?;
    c.found(
        n,
        format!("household_snapshot: {n} 行的证件号码散列或掩码不合格式"),
    );
    let salt: Option<String> = crate::db::setting(conn, "id_salt")?;
    if salt.as_deref().is_none_or(|s| s.len() < 32) {
        c.found(1, "meta: 缺少每个数据库独有的散列盐 id_salt");
    }
    Ok(())
}

/// Prefilter for the ID-number scan, so that SQLite skips most values: text of at least 18
/// characters with 17 ASCII digits in a row or any full-width digit, or a number of 18 digits (an ID
/// number typed into a numeric column is stored as one).
const ID_PREFILTER: &str = "(CASE typeof({col})
     WHEN 'text' THEN length({col}) >= 18 AND ({col} GLOB '*[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]*' OR {col} GLOB '*[０-９]*')
     WHEN 'integer' THEN abs({col}) >= 100000000000000000
     WHEN 'real' THEN abs({col}) >= 1e17
     ELSE 0 END)";

// Positions are byte offsets: compared as blobs, where substr counts bytes. An accepted fact must
// cite a quote.
const SENTENCES_OFF_TEXT: &str = "SELECT count(*) FROM bulletin_proposal p JOIN bulletin b ON b.id = p.bulletin_id
     WHERE (b.text IS NOT NULL AND p.sentence_start IS NOT NULL
            AND substr(CAST(b.text AS BLOB), p.sentence_start + 1, p.sentence_end - p.sentence_start)
                IS NOT CAST(p.sentence AS BLOB))
        OR (p.status = 'accepted' AND NOT EXISTS
            (SELECT 1 FROM bulletin_quote q WHERE q.id = p.quote_id AND q.bulletin_id = p.bulletin_id))";

fn bulletin_sentences(conn: &Connection, c: &mut Finding) -> Result<()> {
    let n = count(conn, SENTENCES_OFF_TEXT)?;
    c.found(
        n,
        format!("bulletin_proposal: {n} 条的原句与期文不符或没有引文"),
    );
    Ok(())
}

/// Every column of every table (numeric ones too), scanned for a resident ID number in clear: one
/// pass per table, SQLite's prefilter first, the exact check (check digit, birth date) in Rust.
fn clear_ids(conn: &Connection, c: &mut Finding) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT m.name, p.name FROM sqlite_schema m JOIN pragma_table_info(m.name) p
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite%'
         ORDER BY m.name, p.cid",
    )?;
    let mut tables: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
        let (table, column) = row?;
        // Hashes are hexadecimal by construction (checked by id_hashes).
        if table == "household_snapshot" && column == "id_hash" {
            continue;
        }
        tables.entry(table).or_default().push(column);
    }
    for (table, columns) in tables {
        let quoted: Vec<String> = columns.iter().map(|col| quote_ident(col)).collect();
        let filter: Vec<String> = quoted
            .iter()
            .map(|col| ID_PREFILTER.replace("{col}", col))
            .collect();
        let sql = format!(
            "SELECT {} FROM {} WHERE {}",
            quoted.join(", "),
            quote_ident(&table),
            filter.join(" OR ")
        );
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query([])?;
        let mut found = vec![0u64; columns.len()];
        while let Some(row) = rows.next()? {
            for (i, n) in found.iter_mut().enumerate() {
                use crate::output::privacy::{contains_id_number, real_may_be_id_number};
                let clear = match row.get_ref(i)? {
                    rusqlite::types::ValueRef::Text(bytes) => {
                        contains_id_number(&String::from_utf8_lossy(bytes))
                    }
                    rusqlite::types::ValueRef::Integer(v) => contains_id_number(&v.to_string()),
                    rusqlite::types::ValueRef::Real(v) => real_may_be_id_number(v),
                    _ => false,
                };
                if clear {
                    *n += 1;
                }
            }
        }
        for (column, n) in columns.iter().zip(found) {
            c.found(n, format!("{table}.{column}: {n} 行含有明文身份证号码"));
        }
    }
    Ok(())
}

/// Table and column names come from the schema, not from users; quoted all the same.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
