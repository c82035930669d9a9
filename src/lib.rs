//! tuopin (脱贫): poverty-exit indicators in one SQLite file.
//!
//! County offices import their monthly files; the provincial office checks the exit criteria and
//! draws charts. The modules follow the data: `model` (the domain types) → `db` (the file) →
//! `import` (county files into tables) → `check` (the criteria) → `output`, `chart`, `report`
//! (what people read). `demo` generates data; the command line in `src/cmd/` is thin.

pub mod bulletin;
pub mod chart;
pub mod check;
pub mod db;
pub mod demo;
pub mod import;
pub mod model;
pub mod output;
pub mod report;
