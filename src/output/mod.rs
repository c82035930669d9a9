//! Output primitives shared by every command: number formatting, spreadsheet-safe CSV, and the
//! rules for personal data on screen.

pub mod csv;
pub mod number;
pub mod privacy;
