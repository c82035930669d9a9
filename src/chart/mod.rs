//! PNG charts for bulletins and reports.
//!
//! Each chart kind has a plain data struct and a pure renderer (`render(&data, &canvas) -> Png`) in
//! its own module; reading the database is done separately, in [`load`], so that the criteria-based
//! kinds and the report can feed the same renderers. Rendering is deterministic: the same data and
//! canvas give byte-identical PNGs (no timestamps, no randomness, no system fonts).

mod axis;
mod canvas;
pub mod checks;
pub mod counties;
pub mod criteria;
pub mod font;
mod frame;
pub mod households;
pub mod incidence;
pub mod indicator;
pub mod load;
pub mod palette;
mod text;

pub use canvas::{
    file_name, indicator_file_name, tidy, write, Canvas, ChartKind, Png, DEFAULT_HEIGHT,
    DEFAULT_WIDTH, MAX_SIZE, MIN_SIZE,
};
pub use font::ChartFont;
