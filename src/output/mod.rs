//! Output primitives shared by every command: number formatting, figures with their unit and
//! qualifier, terminal tables, spreadsheet-safe CSV, Markdown-safe text, the rules for personal data
//! on screen, and SQLite's English errors in Chinese.
//!
//! This layer depends only on `model` (and crates): `check`, `import`, `chart` and `report` build on
//! it, never the other way round.

pub mod csv;
pub mod figure;
pub mod markdown;
pub mod number;
pub mod privacy;
pub mod sqlite_text;
pub mod table;
