//! Output primitives shared by every command: number formatting, figures with their unit and
//! qualifier, terminal tables, rows spooled for a second pass, spreadsheet-safe CSV, Excel workbooks, files written whole or not at
//! all, the colours of a criterion's state, Markdown-safe text, the rules for personal data on
//! screen, and SQLite's English errors in Chinese.
//!
//! This layer depends only on `model` (and crates): `check`, `import`, `chart` and `report` build on
//! it, never the other way round.

pub mod csv;
pub mod figure;
pub mod file;
pub mod markdown;
pub mod number;
pub mod palette;
pub mod privacy;
pub mod spool;
pub mod sqlite_text;
pub mod table;
pub mod xlsx;
