//! Output files written whole or not at all: the bytes go to a temporary file beside the target,
//! which replaces the target only once everything is written and synced. A failure on the way
//! (a full disk, an error while rendering, a kill) leaves the earlier file, or none, never half
//! of a new one; the temporary file is removed on error and on drop.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use anyhow::{Context, Result};

/// A file being written to `target`; [`AtomicFile::commit`] puts it in place.
pub struct AtomicFile {
    target: PathBuf,
    tmp: PathBuf,
    file: Option<BufWriter<File>>,
    /// Renamed onto the target: nothing left to remove.
    placed: bool,
}

/// Distinguishes the temporary files of one process (the report writes several at once).
static SEQUENCE: AtomicU32 = AtomicU32::new(0);

/// `.<name>.<pid>-<n>.tmp` in the target's folder: the same file system, so the rename is atomic,
/// and hidden, so a half-written file is not mistaken for a result.
fn temporary_name(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let n = SEQUENCE.fetch_add(1, Ordering::Relaxed);
    target.with_file_name(format!(".{name}.{}-{n}.tmp", std::process::id()))
}

impl AtomicFile {
    /// Start writing `target` (nothing at `target` changes until `commit`).
    pub fn create(target: &Path) -> Result<AtomicFile> {
        let tmp = temporary_name(target);
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .with_context(|| format!("无法写入 {} (cannot write)", target.display()))?;
        Ok(AtomicFile {
            target: target.to_path_buf(),
            tmp,
            file: Some(BufWriter::new(file)),
            placed: false,
        })
    }

    /// The file's final path.
    pub fn path(&self) -> &Path {
        &self.target
    }

    /// Flush, sync and rename onto the target.
    pub fn commit(mut self) -> Result<()> {
        let context = || format!("无法写入 {} (cannot write)", self.target.display());
        if let Some(buffered) = self.file.take() {
            let file = buffered
                .into_inner()
                .map_err(|e| e.into_error())
                .with_context(context)?;
            file.sync_all().with_context(context)?;
        }
        std::fs::rename(&self.tmp, &self.target).with_context(context)?;
        self.placed = true;
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.file {
            Some(f) => f.write(buf),
            None => Err(std::io::Error::other("file already committed")),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.file {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // Not put in place (an error, a failed rename, a panic on the way): the temporary file goes.
        if !self.placed {
            drop(self.file.take());
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Write `bytes` to `path` atomically.
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = AtomicFile::create(path)?;
    f.write_all(bytes)
        .with_context(|| format!("无法写入 {} (cannot write)", path.display()))?;
    f.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn replaces_the_target_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("核查.csv");
        std::fs::write(&target, "old").unwrap();
        let mut f = AtomicFile::create(&target).unwrap();
        f.write_all(b"new").unwrap();
        f.flush().unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
        assert_eq!(names(dir.path()).len(), 2, "the temporary file beside it");
        f.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        assert_eq!(names(dir.path()), ["核查.csv"]);
    }

    #[test]
    fn an_abandoned_file_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.xlsx");
        {
            let mut f = AtomicFile::create(&target).unwrap();
            f.write_all(b"half").unwrap();
        }
        assert!(names(dir.path()).is_empty());
        std::fs::write(&target, "kept").unwrap();
        drop(AtomicFile::create(&target).unwrap());
        assert_eq!(names(dir.path()), ["a.xlsx"]);
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "kept");
    }

    #[test]
    fn a_failed_rename_removes_the_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("busy");
        std::fs::create_dir(&target).unwrap();
        let e = write(&target, b"x").unwrap_err();
        assert!(format!("{e:#}").contains("busy"), "{e:#}");
        assert_eq!(names(dir.path()), ["busy"]);
    }

    #[test]
    fn a_missing_folder_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("no/such/核查.xlsx");
        let e = write(&target, b"x").unwrap_err();
        assert!(format!("{e:#}").contains("核查.xlsx"), "{e:#}");
    }
}
