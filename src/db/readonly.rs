//! Opening an SQLite file without writing to it: for commands that only read, and for copies.
//!
//! A read-only connection never changes the file's bytes or its journal mode. It reads a WAL
//! database through the database's `-shm` file, which SQLite creates when it may; in a read-only
//! folder it cannot, and the file is opened `immutable` instead (no locks, no `-shm`). That is
//! only safe when the `-wal` holds nothing: SQLite ignores the WAL of an immutable file, so a
//! non-empty one would hide committed changes, and that case is refused.

use std::path::Path;

use anyhow::{bail, Context, Result};
use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::files;
use super::pragma::BUSY_TIMEOUT;

/// Open `path` read-only; see the module header for when it is opened `immutable`.
pub fn open(path: &Path) -> Result<Connection> {
    if !path.exists() {
        bail!(
            "数据库 {} 不存在；请先运行 `tuopin init` (database not found)",
            path.display()
        );
    }
    let unreadable = || format!("{} 不是可读的 SQLite 数据库", path.display());
    let conn = connect(path, false).with_context(unreadable)?;
    match probe(&conn) {
        Ok(()) => return Ok(conn),
        Err(e) if cannot_keep_shm(&e) => {}
        Err(e) => return Err(e).with_context(unreadable),
    }
    drop(conn);
    let wal = &files::with_companions(path)[1];
    if std::fs::metadata(wal).is_ok_and(|m| m.len() > 0) {
        bail!(
            "{} 所在的文件夹只读，而 {} 中有尚未并入数据库文件的更改，无法可靠地读取；\
             请把数据库连同它的 -wal 文件复制到可写的文件夹再打开 (read-only folder with a non-empty WAL)",
            path.display(),
            wal.display()
        );
    }
    let conn = connect(path, true).with_context(unreadable)?;
    probe(&conn).with_context(unreadable)?;
    Ok(conn)
}

fn connect(path: &Path, immutable: bool) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = if immutable {
        Connection::open_with_flags(uri(path, "immutable=1"), flags | OpenFlags::SQLITE_OPEN_URI)?
    } else {
        Connection::open_with_flags(path, flags)?
    };
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(conn)
}

/// The first read: it opens the WAL index of a WAL database. Only the header is read, so a
/// database with damaged pages still opens (for `verify` to report them).
fn probe(conn: &Connection) -> rusqlite::Result<()> {
    conn.query_row("PRAGMA application_id", [], |_| Ok(()))
}

/// SQLite could not create or write the `-shm` (or `-wal`) beside a WAL database.
fn cannot_keep_shm(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen)
    )
}

/// A `file:` URI for `path` with a query, every byte outside the unreserved set percent-encoded
/// (SQLite decodes them), so that `?`, `#` and `%` in a folder name stay part of the path.
fn uri(path: &Path, query: &str) -> String {
    let mut out = String::from("file:");
    for &b in path.as_os_str().as_encoded_bytes() {
        if b.is_ascii_alphanumeric() || b"/._-~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out.push('?');
    out.push_str(query);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_keeps_special_characters_in_the_path() {
        assert_eq!(
            uri(Path::new("/srv/a b/台账?#%.db"), "immutable=1"),
            "file:/srv/a%20b/%E5%8F%B0%E8%B4%A6%3F%23%25.db?immutable=1"
        );
    }

    #[test]
    fn a_rollback_journal_file_stays_as_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.db");
        let w = Connection::open(&path).unwrap();
        w.execute_batch(
            "PRAGMA journal_mode = DELETE; CREATE TABLE t (x); INSERT INTO t VALUES (1);",
        )
        .unwrap();
        drop(w);
        let before = std::fs::read(&path).unwrap();
        let conn = open(&path).unwrap();
        let n: i64 = conn.query_row("SELECT x FROM t", [], |r| r.get(0)).unwrap();
        assert_eq!(n, 1);
        assert!(conn.execute("INSERT INTO t VALUES (2)", []).is_err());
        drop(conn);
        assert_eq!(std::fs::read(&path).unwrap(), before);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn an_immutable_open_reads_the_same_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a b%.db");
        let w = Connection::open(&path).unwrap();
        w.execute_batch("PRAGMA journal_mode = WAL; CREATE TABLE t (x); INSERT INTO t VALUES (7);")
            .unwrap();
        drop(w);
        let conn = connect(&path, true).unwrap();
        let n: i64 = conn.query_row("SELECT x FROM t", [], |r| r.get(0)).unwrap();
        assert_eq!(n, 7);
    }
}
