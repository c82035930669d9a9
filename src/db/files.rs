//! Database files on disk: creating one readable only by its owner, its companion files (`-wal`,
//! `-shm`, `-journal`), the working files of copies and their removal when their process died,
//! free names for copies, and making a rename durable. No SQLite here.

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

/// The tags of the working files tuopin writes beside a target and renames into place when
/// complete: `tmp` for a copy (backup, restore, pre-migration), `init` for a database being built.
pub const WORKING_TAGS: [&str; 2] = ["tmp", "init"];

/// This process's working file for `path`: `.<name>.<tag>-<pid>`, one of `WORKING_TAGS`.
pub fn working_file(path: &Path, tag: &str) -> PathBuf {
    sibling(path, &format!("{tag}-{}", std::process::id()))
}

/// Working files that processes no longer running left in a folder (a killed backup or init).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Stale {
    /// Removed, with their sizes in bytes.
    pub removed: Vec<(PathBuf, u64)>,
    /// Found but could not be removed (a read-only folder), with the reason.
    pub kept: Vec<(PathBuf, String)>,
}

/// Remove from `dir` the working files (`.<name>.tmp-<pid>`, `.<name>.init-<pid>` and their
/// `-wal`, `-shm`, `-journal`) whose process is no longer running. A file is removed only when
/// the working file itself is absent, empty or an SQLite file (or one half-written), so nothing
/// else that happens to be named alike is touched. Where the running processes cannot be listed (no /proc), nothing is
/// removed.
pub fn remove_stale(dir: &Path) -> Stale {
    let mut stale = Stale::default();
    if !Path::new("/proc/self").exists() {
        return stale;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return stale;
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .and_then(working_pid)
                .is_some_and(|pid| !Path::new("/proc").join(pid.to_string()).exists())
        })
        .collect();
    found.sort();
    for path in found {
        let base = strip_companion(&path);
        if !base.exists()
            || std::fs::metadata(&base).is_ok_and(|m| m.len() == 0)
            || is_sqlite(&base)
        {
            let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            match std::fs::remove_file(&path) {
                Ok(()) => stale.removed.push((path, bytes)),
                Err(e) => stale.kept.push((path, e.to_string())),
            }
        }
    }
    stale
}

/// The process id in a working file's name (`.<name>.<tag>-<pid>`, maybe with a companion
/// suffix), or None when the name is not one.
fn working_pid(name: &str) -> Option<u32> {
    let name = COMPANION_SUFFIXES
        .iter()
        .find_map(|s| name.strip_suffix(s))
        .unwrap_or(name);
    let (target, last) = name.strip_prefix('.')?.rsplit_once('.')?;
    let (tag, pid) = last.split_once('-')?;
    if target.is_empty() || !WORKING_TAGS.contains(&tag) || !pid.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    pid.parse().ok()
}

/// A companion file's database (`x-wal` → `x`); any other path as it is.
fn strip_companion(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    match name.and_then(|n| {
        COMPANION_SUFFIXES
            .iter()
            .find_map(|s| n.strip_suffix(s).map(str::to_string))
    }) {
        Some(base) => path.with_file_name(base),
        None => path.to_path_buf(),
    }
}

/// An SQLite file, or one being written as one: SQLite writes page 1 (the header) last, so a copy
/// killed half-way starts with zeros.
fn is_sqlite(path: &Path) -> bool {
    use std::io::Read;
    let mut magic = [0u8; 16];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok()
        && (&magic == b"SQLite format 3\0" || magic == [0; 16])
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
    fn working_file_names_carry_their_process() {
        assert_eq!(working_pid(".b.db.tmp-123"), Some(123));
        assert_eq!(working_pid(".tuopin.db.init-9-wal"), Some(9));
        assert_eq!(working_pid(".b.db.tmp-123-journal"), Some(123));
        for other in [
            "b.db.tmp-1",
            ".b.db.tmp-",
            ".b.db.tmp-1x",
            ".tmp-1",
            ".b.db.bak-2",
            ".b.db",
        ] {
            assert_eq!(working_pid(other), None, "{other}");
        }
        let mine = working_file(Path::new("dir/b.db"), "tmp");
        let name = mine.file_name().unwrap().to_str().unwrap();
        assert_eq!(working_pid(name), Some(std::process::id()));
    }

    #[test]
    fn only_dead_processes_sqlite_working_files_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        // A finished child's process id is free again (and not reused this quickly).
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let put = |name: &str, bytes: &[u8]| {
            let p = dir.path().join(name);
            std::fs::write(&p, bytes).unwrap();
            p
        };
        let db = put(&format!(".b.db.tmp-{dead}"), b"SQLite format 3\0 and pages");
        let journal = put(&format!(".b.db.tmp-{dead}-journal"), b"journal");
        let wal = put(
            &format!(".t.db.init-{dead}-wal"),
            b"wal without its database",
        );
        let empty = put(&format!(".t.db.init-{dead}"), b"");
        let alive = put(
            &format!(".c.db.tmp-{}", std::process::id()),
            b"SQLite format 3\0",
        );
        let notes = put(&format!(".notes.txt.tmp-{dead}"), b"someone else's file");
        let half = put(&format!(".h.db.tmp-{dead}"), &[0; 4096]);
        let stale = remove_stale(dir.path());
        let mut removed: Vec<_> = stale.removed.iter().map(|(p, _)| p.clone()).collect();
        removed.sort();
        let mut expected = vec![db, journal, wal, empty, half];
        expected.sort();
        assert_eq!(removed, expected);
        assert!(stale.kept.is_empty());
        assert!(alive.exists() && notes.exists());
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
