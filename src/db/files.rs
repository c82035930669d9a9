//! Database files on disk: creating one readable only by its owner, its companion files (`-wal`,
//! `-shm`, `-journal`), free names for copies, and making a rename durable. No SQLite here.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// The files SQLite may keep beside a database: `-wal` and `-shm` in WAL mode, `-journal` in
/// rollback mode (a backup file, or a database some other program opened).
const COMPANION_SUFFIXES: [&str; 3] = ["-wal", "-shm", "-journal"];

/// Create a new file readable only by its owner (it will hold personal data); an existing file is
/// an error, never truncated. Callers say what the file is for in their error message.
pub fn create_private(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// The database file itself, then its companions.
pub fn with_companions(path: &Path) -> Vec<PathBuf> {
    std::iter::once(path.to_path_buf())
        .chain(COMPANION_SUFFIXES.iter().map(|suffix| {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            PathBuf::from(p)
        }))
        .collect()
}

/// Remove a database file and its companions, those that exist. A stale `-wal` left beside a new
/// file of the same name would be replayed into it, so they always go together.
pub fn remove_with_companions(path: &Path) -> Result<()> {
    for p in with_companions(path) {
        if p.exists() {
            std::fs::remove_file(&p).with_context(|| format!("无法删除 {}", p.display()))?;
        }
    }
    Ok(())
}

/// Rename a database file and its companions, those that exist, to `to` (and `to`'s companions).
pub fn rename_with_companions(from: &Path, to: &Path) -> Result<()> {
    for (from, to) in with_companions(from).iter().zip(with_companions(to)) {
        if from.exists() {
            std::fs::rename(from, &to).with_context(|| format!("无法移开 {}", from.display()))?;
        }
    }
    Ok(())
}

/// Make a rename or a new name in `path`'s folder durable. Best effort: works on Linux, not
/// possible everywhere.
pub fn sync_dir(path: &Path) {
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

/// `.<name>.<tag>` in the same folder as `path`: a hidden working file that becomes `path` later.
pub fn sibling(path: &Path, tag: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "tuopin".to_string());
    path.with_file_name(format!(".{name}.{tag}"))
}

/// `path` with `suffix` appended to its file name, made unique with -2, -3, ... if taken.
pub fn free_name(path: &Path, suffix: &str) -> PathBuf {
    let base = format!("{}{suffix}", path.display());
    let mut candidate = PathBuf::from(&base);
    let mut n = 2;
    while candidate.exists() {
        candidate = PathBuf::from(format!("{base}-{n}"));
        n += 1;
    }
    candidate
}

/// The current time for file names: 20190331T120000Z.
pub fn stamp() -> String {
    chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string()
}

/// Whether two paths name the same file (a path that does not exist yet is compared by its
/// folder and name).
pub fn same_file(a: &Path, b: &Path) -> bool {
    fn canonical(p: &Path) -> Option<PathBuf> {
        if let Ok(c) = p.canonicalize() {
            return Some(c);
        }
        let parent = match p.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.canonicalize().ok()?,
            _ => std::env::current_dir().ok()?,
        };
        Some(parent.join(p.file_name()?))
    }
    match (canonical(a), canonical(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn companions_include_the_rollback_journal() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("t.db");
        for p in with_companions(&db) {
            std::fs::write(&p, "x").unwrap();
        }
        let keep = dir.path().join("t.db.bak");
        std::fs::write(&keep, "x").unwrap();
        remove_with_companions(&db).unwrap();
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from("t.db.bak")]);
    }

    #[test]
    fn a_private_file_is_new_and_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("p");
        create_private(&p).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(&p, "kept").unwrap();
        assert!(create_private(&p).is_err());
        assert_eq!(std::fs::read(&p).unwrap(), b"kept");
    }
}
