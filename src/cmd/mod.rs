//! One file per subcommand: its arguments and a `run` that calls the library and prints.

pub mod backup;
pub mod bulletin;
pub mod chart;
pub mod check;
pub mod criteria;
pub mod demo;
pub mod explain;
pub mod facts;
pub mod import;
pub mod imports;
pub mod init;
pub mod report;
pub mod restore;
pub mod status;
pub mod template;
pub mod verify;

use std::path::PathBuf;

/// What every command gets from the global options, instead of reading globals.
#[derive(Debug, Clone)]
pub struct Context {
    /// The database file: `--db`, else `TUOPIN_DB`, else `tuopin.db` in the current folder.
    pub db: PathBuf,
    /// `--show-names`: heads of household by full name (personal data, off by default).
    pub show_names: bool,
}

/// How a command ended, beyond errors (which exit 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Ok,
    /// Exit 1: the command ran and found problems (invalid rows, failed criteria checks asked for).
    Problems,
}

/// Remove the working files that killed tuopin processes left in `dir` (the database's folder, a
/// backup's), and say so on stderr in one line.
pub fn remove_stale_files(dir: &std::path::Path) {
    let stale = tuopin::db::files::remove_stale(dir);
    let name = |p: &std::path::Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    if !stale.removed.is_empty() {
        let bytes: u64 = stale.removed.iter().map(|(_, b)| b).sum();
        let names: Vec<String> = stale.removed.iter().map(|(p, _)| name(p)).collect();
        eprintln!(
            "注意: 已删除中断的 tuopin 进程在 {} 留下的 {} 个临时文件（共 {:.1} MB）：{} (stale temporary files removed)",
            dir.display(),
            names.len(),
            bytes as f64 / 1_048_576.0,
            names.join("、")
        );
    }
    if let Some((path, why)) = stale.kept.first() {
        eprintln!(
            "注意: 中断的 tuopin 进程留下的 {} 个临时文件无法删除（{} 等：{why}）(stale temporary files left)",
            stale.kept.len(),
            path.display()
        );
    }
}

/// The folder a file is in (`.` for a bare file name).
pub fn folder_of(path: &std::path::Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}
