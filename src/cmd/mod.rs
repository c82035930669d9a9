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
