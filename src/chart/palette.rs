//! One palette for every chart. Green always means "meets the standard / exited", red "fails /
//! returned to poverty / the threshold", grey "no data"; series colours avoid those three. The
//! three state colours are `output::palette`'s, which the workbooks use too.

use plotters::style::RGBColor;

use crate::output::palette::{self as state, Rgb};

const fn rgb(c: Rgb) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

/// Text.
pub const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
/// Subtitles, footnotes, axis labels.
pub const MUTED: RGBColor = RGBColor(0x5f, 0x63, 0x68);
/// Grid lines and rules.
pub const GRID: RGBColor = RGBColor(0xe3, 0xe5, 0xe8);
/// Axis lines.
pub const AXIS: RGBColor = RGBColor(0x9a, 0xa0, 0xa6);

/// Meets the criterion; households that exited poverty.
pub const PASS: RGBColor = rgb(state::PASS);
/// Fails the criterion; the threshold line; households back in poverty.
pub const FAIL: RGBColor = rgb(state::FAIL);
/// No data (无数据): neither a pass nor a fail.
pub const NO_DATA: RGBColor = rgb(state::NO_DATA);
/// Households still poor: a warning, not a failure.
pub const POOR: RGBColor = RGBColor(0xe8, 0x90, 0x2a);

/// The main series (a county, an indicator).
pub const PRIMARY: RGBColor = RGBColor(0x1f, 0x4e, 0x9a);
/// Further series (villages), in order; none is green, red or grey.
pub const SERIES: [RGBColor; 7] = [
    RGBColor(0xe8, 0x90, 0x2a),
    RGBColor(0x7b, 0x4f, 0xa0),
    RGBColor(0x16, 0xa2, 0xb8),
    RGBColor(0x8c, 0x56, 0x4b),
    RGBColor(0xd3, 0x5f, 0xb7),
    RGBColor(0x5a, 0x6c, 0x85),
    RGBColor(0x5b, 0x9b, 0xd5),
];
/// Villages when there are too many to tell apart: the context, not the message.
pub const BACKGROUND_SERIES: RGBColor = RGBColor(0xb0, 0xb6, 0xbe);
