//! Text drawn glyph by glyph with ab_glyph. Plotters 0.3.7's ab_glyph backend places each glyph at
//! its advance but drops the glyph's left side bearing, which shows as holes ("201 9-03", "比 例");
//! so plotters draws lines and shapes, and every label goes through here instead.

use ab_glyph::{point, Font, ScaleFont};
use anyhow::Result;
use plotters::prelude::*;

use super::canvas::Area;
use super::font::ChartFont;

/// How a text is drawn: pixel size (plotters' meaning: ascent to descent), colour, and which point
/// of its box the position names.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Label {
    pub px: f32,
    pub color: RGBColor,
    /// -1 left, 0 centre, 1 right.
    pub h: i8,
    /// -1 top, 0 middle, 1 bottom.
    pub v: i8,
}

impl Label {
    pub fn new(px: f64, color: RGBColor) -> Label {
        Label {
            px: px as f32,
            color,
            h: -1,
            v: -1,
        }
    }

    pub fn anchor(self, h: i8, v: i8) -> Label {
        Label { h, v, ..self }
    }
}

/// The advance width of `text` in pixels, kerning included.
pub(crate) fn width(font: &ChartFont, text: &str, label: &Label) -> i32 {
    let scaled = font.face().as_scaled(label.px);
    let mut w = 0.0;
    let mut prev = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = prev {
            w += scaled.kern(p, id);
        }
        w += scaled.h_advance(id);
        prev = Some(id);
    }
    w.ceil() as i32
}

/// Draw `text` with its anchor point at `pos`, in pixels of the whole image (as plotters'
/// `backend_coord` gives them), whichever part of it `area` is.
pub(crate) fn draw(
    area: &Area,
    font: &ChartFont,
    text: &str,
    pos: (i32, i32),
    label: &Label,
) -> Result<()> {
    let face = font.face();
    let (bx, by) = area.get_base_pixel();
    let scaled = face.as_scaled(label.px);
    let w = width(font, text, label) as f32;
    let x0 = match label.h {
        i8::MIN..=-1 => pos.0 as f32,
        0 => pos.0 as f32 - w / 2.0,
        _ => pos.0 as f32 - w,
    };
    let (ascent, descent) = (scaled.ascent(), scaled.descent());
    let baseline = match label.v {
        i8::MIN..=-1 => pos.1 as f32 + ascent,
        0 => pos.1 as f32 + (ascent + descent) / 2.0,
        _ => pos.1 as f32 + descent,
    };
    let mut caret = x0;
    let mut prev = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = prev {
            caret += scaled.kern(p, id);
        }
        let glyph = id.with_scale_and_position(label.px, point(caret, baseline));
        if let Some(outline) = face.outline_glyph(glyph) {
            let b = outline.px_bounds();
            let mut pixels = Vec::new();
            outline.draw(|gx, gy, coverage| {
                if coverage > 0.0 {
                    pixels.push((
                        b.min.x as i32 + gx as i32,
                        b.min.y as i32 + gy as i32,
                        coverage,
                    ));
                }
            });
            for (x, y, coverage) in pixels {
                area.draw_pixel((x - bx, y - by), &label.color.mix(coverage.min(1.0) as f64))?;
            }
        }
        caret += scaled.h_advance(id);
        prev = Some(id);
    }
    Ok(())
}
