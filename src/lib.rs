//! tuopin (脱贫): poverty-exit indicators in one SQLite file.
//!
//! County offices import their monthly CSVs; the provincial office checks the exit criteria and
//! draws charts. Each module holds one concept; the command-line layer in `src/cmd/` is thin.

pub mod backup;
pub mod batch;
pub mod bulletin;
pub mod chart;
pub mod check;
pub mod columns;
pub mod criteria;
pub mod csvfile;
pub mod csvout;
pub mod db;
pub mod demo;
pub mod derived;
pub mod error;
pub mod format;
pub mod idcard;
pub mod import;
pub mod indicator;
pub mod init;
pub mod period;
pub mod privacy;
pub mod refdata;
pub mod region;
pub mod report;
pub mod status;
pub mod synth;
pub mod value;
pub mod verify;
