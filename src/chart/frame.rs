//! The parts every chart kind shares around its plot: the theme (font and scale of one rendering,
//! text sizes), and the frame of title, subtitle, legend and footnote.

use anyhow::{bail, Context, Result};
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::canvas::{tidy, Area, Canvas, Png, DEFAULT_HEIGHT, DEFAULT_WIDTH};
use super::font::ChartFont;
use super::palette;
use super::text::{self, Label};

/// Text sizes in pixels at 1600×1000; scaled with the canvas.
pub(crate) mod size {
    pub const TITLE: f64 = 44.0;
    pub const SUBTITLE: f64 = 28.0;
    pub const LABEL: f64 = 27.0;
    pub const VALUE: f64 = 26.0;
    pub const FOOT: f64 = 22.0;
}

/// The font and the scale of one rendering.
pub(crate) struct Theme<'a> {
    pub font: &'a ChartFont,
    scale: f64,
    /// Text shrinks less than the geometry: a small chart still needs readable labels.
    text_scale: f64,
}

impl<'a> Theme<'a> {
    pub fn new(canvas: &'a Canvas) -> Theme<'a> {
        let scale = (canvas.width as f64 / DEFAULT_WIDTH as f64)
            .min(canvas.height as f64 / DEFAULT_HEIGHT as f64)
            .clamp(0.5, 4.0);
        Theme {
            font: &canvas.font,
            scale,
            text_scale: scale.max(0.7),
        }
    }

    /// A length given at 1600×1000, in pixels of this canvas.
    pub fn px(&self, v: f64) -> i32 {
        (v * self.scale).round() as i32
    }

    /// A length that follows the text size (line heights, label areas), in pixels.
    pub fn tpx(&self, v: f64) -> i32 {
        (v * self.text_scale).round() as i32
    }

    /// A font size given at 1600×1000, in pixels of this canvas.
    pub fn text_size(&self, v: f64) -> f64 {
        v * self.text_scale
    }

    pub fn text(&self, size: f64, color: RGBColor) -> TextStyle<'a> {
        self.text_px(size * self.text_scale, color)
    }

    /// A text label at a size given at 1600×1000.
    pub fn label(&self, size: f64, color: RGBColor) -> Label {
        Label::new(size * self.text_scale, color)
    }

    /// A text label at an already scaled pixel size.
    pub fn label_px(&self, px: f64, color: RGBColor) -> Label {
        Label::new(px, color)
    }

    pub fn width(&self, text: &str, label: &Label) -> i32 {
        text::width(self.font, text, label)
    }

    pub fn draw(&self, area: &Area, text: &str, pos: (i32, i32), label: &Label) -> Result<()> {
        text::draw(area, self.font, text, pos, label)
    }

    /// Greedy line breaking by width; CJK text breaks between any two characters.
    pub fn wrap(&self, text: &str, label: &Label, max_width: i32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for c in text.chars() {
            line.push(c);
            if self.width(&line, label) > max_width && line.chars().count() > 1 {
                line.pop();
                lines.push(std::mem::take(&mut line).trim_end().to_string());
                if !c.is_whitespace() {
                    line.push(c);
                }
            }
        }
        if !line.trim().is_empty() {
            lines.push(line);
        }
        lines
    }

    /// `text`, shortened with "…" to fit `max_width`.
    pub fn fit(&self, text: &str, label: &Label, max_width: i32) -> String {
        if self.width(text, label) <= max_width {
            return text.to_string();
        }
        let mut s: String = text.to_string();
        while s.chars().count() > 1 {
            s.pop();
            let candidate = format!("{s}…");
            if self.width(&candidate, label) <= max_width {
                return candidate;
            }
        }
        s
    }

    /// A plotters text style (for the mesh, whose own labels are left empty).
    pub fn text_px(&self, px: f64, color: RGBColor) -> TextStyle<'a> {
        TextStyle {
            font: FontDesc::new(self.font.family(), px, FontStyle::Normal),
            color: color.to_backend_color(),
            pos: Pos::new(HPos::Left, VPos::Top),
        }
    }
}

/// How a legend entry shows its series.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Swatch {
    Box(RGBColor),
    Line(RGBColor),
    LineDot(RGBColor),
    Dashed(RGBColor),
}

pub(crate) struct LegendItem {
    pub swatch: Swatch,
    pub label: String,
}

/// Title, subtitle and legend on top, footnote at the bottom: the frame every kind shares.
pub(crate) struct Frame {
    pub title: String,
    pub subtitle: Option<String>,
    pub legend: Vec<LegendItem>,
    pub footnote: String,
}

impl Frame {
    /// Every text the frame draws, for the font check.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.title.as_str())
            .chain(self.subtitle.as_deref())
            .chain(self.legend.iter().map(|l| l.label.as_str()))
            .chain(std::iter::once(self.footnote.as_str()))
    }

    /// Draw the frame and return the area left for the chart body.
    pub fn draw<'b>(&self, root: &Area<'b>, t: &Theme) -> Result<Area<'b>> {
        let (w, h) = root.dim_in_pixel();
        let (w, h) = (w as i32, h as i32);
        let m = t.px(40.0);
        let inner = w - 2 * m;
        let mut y = t.px(34.0);

        let title = t.label(size::TITLE, palette::INK).anchor(-1, -1);
        for line in t.wrap(&tidy(&self.title), &title, inner) {
            t.draw(root, &line, (m, y), &title)?;
            y += t.tpx(size::TITLE * 1.3);
        }
        if let Some(sub) = &self.subtitle {
            let style = t.label(size::SUBTITLE, palette::MUTED).anchor(-1, -1);
            for line in t.wrap(&tidy(sub), &style, inner) {
                t.draw(root, &line, (m, y), &style)?;
                y += t.tpx(size::SUBTITLE * 1.35);
            }
        }
        if !self.legend.is_empty() {
            y += t.px(8.0);
            y = draw_legend(root, t, &self.legend, m, y, w - m)?;
        }
        y += t.px(14.0);

        let foot = t.label(size::FOOT, palette::MUTED).anchor(-1, -1);
        let lines = t.wrap(&tidy(&self.footnote), &foot, inner);
        let line_h = t.tpx(size::FOOT * 1.4);
        let foot_top = h - t.px(26.0) - line_h * lines.len() as i32;
        root.draw(&PathElement::new(
            vec![(m, foot_top - t.px(12.0)), (w - m, foot_top - t.px(12.0))],
            palette::GRID.stroke_width(1),
        ))?;
        for (i, line) in lines.into_iter().enumerate() {
            t.draw(root, &line, (m, foot_top + line_h * i as i32), &foot)?;
        }
        let bottom = foot_top - t.px(24.0);
        if bottom - y < t.px(120.0) {
            bail!("图表高度不够放下标题、图例和脚注；请加大 --height");
        }
        Ok(root
            .clone()
            .shrink((m, y), ((w - 2 * m) as u32, (bottom - y) as u32)))
    }
}

/// Legend entries left to right, wrapping; returns the y below the legend.
fn draw_legend(
    root: &Area,
    t: &Theme,
    items: &[LegendItem],
    left: i32,
    top: i32,
    right: i32,
) -> Result<i32> {
    let style = t.label(size::LABEL, palette::INK).anchor(-1, 0);
    let swatch_w = t.px(38.0);
    let gap = t.px(10.0);
    let item_gap = t.px(36.0);
    let line_h = t.tpx(size::LABEL * 1.5);
    let (mut x, mut y) = (left, top);
    for item in items {
        let w = swatch_w + gap + t.width(&item.label, &style);
        if x > left && x + w > right {
            x = left;
            y += line_h;
        }
        let cy = y + line_h / 2;
        draw_swatch(root, t, item.swatch, x, cy, swatch_w)?;
        t.draw(root, &item.label, (x + swatch_w + gap, cy), &style)?;
        x += w + item_gap;
    }
    Ok(y + line_h)
}

fn draw_swatch(root: &Area, t: &Theme, s: Swatch, x: i32, cy: i32, w: i32) -> Result<()> {
    match s {
        Swatch::Box(c) => {
            let half = t.px(11.0);
            root.draw(&Rectangle::new(
                [(x + t.px(6.0), cy - half), (x + w - t.px(6.0), cy + half)],
                c.filled(),
            ))?;
        }
        Swatch::Line(c) | Swatch::LineDot(c) => {
            root.draw(&PathElement::new(
                vec![(x, cy), (x + w, cy)],
                c.stroke_width(t.px(4.0).max(1) as u32),
            ))?;
            if let Swatch::LineDot(_) = s {
                root.draw(&Circle::new((x + w / 2, cy), t.px(7.0), c.filled()))?;
            }
        }
        Swatch::Dashed(c) => {
            root.draw(&DashedPathElement::new(
                vec![(x, cy), (x + w, cy)],
                t.px(9.0),
                t.px(6.0),
                c.stroke_width(t.px(3.0).max(1) as u32),
            ))?;
        }
    }
    Ok(())
}

/// Render into an RGB buffer and encode it as PNG.
pub(crate) fn paint(
    canvas: &Canvas,
    height: u32,
    draw: impl FnOnce(&Area, &Theme) -> Result<()>,
) -> Result<Png> {
    let (w, h) = (canvas.width, height);
    let mut buf = vec![0u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        root.fill(&WHITE)?;
        let theme = Theme::new(canvas);
        draw(&root, &theme)?;
        root.present()?;
    }
    Ok(Png {
        bytes: encode(&buf, w, h)?,
        width: w,
        height: h,
    })
}

/// The PNG of an RGB buffer: every row Sub-filtered, the whole image deflated at level 6 by
/// miniz_oxide into one IDAT chunk. The png crate would deflate through flate2, whose backend is
/// whichever the build's other crates select (the zip writer of the .xlsx and .docx output
/// switches it to zlib-rs): calling miniz_oxide here keeps the same image the same bytes, whatever
/// else is linked.
fn encode(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>> {
    const BPP: usize = 3;
    let stride = w as usize * BPP;
    let mut filtered = Vec::with_capacity((stride + 1) * h as usize);
    for row in rgb.chunks(stride.max(1)) {
        filtered.push(1); // Sub: each byte minus the one a pixel to its left
        filtered.extend_from_slice(&row[..BPP.min(row.len())]);
        filtered.extend(
            row.iter()
                .skip(BPP)
                .zip(row)
                .map(|(b, left)| b.wrapping_sub(*left)),
        );
    }
    let idat = miniz_oxide::deflate::compress_to_vec_zlib(&filtered, 6);
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        // The image data is written as a raw chunk, not through write_image_data.
        enc.validate_sequence(false);
        let mut writer = enc.write_header().context("PNG 编码失败")?;
        writer
            .write_chunk(png::chunk::IDAT, &idat)
            .context("PNG 编码失败")?;
        writer.finish().context("PNG 编码失败")?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_pngs_decode_to_the_same_pixels() {
        let (w, h) = (5u32, 3u32);
        let rgb: Vec<u8> = (0..w * h * 3).map(|i| (i * 37 % 251) as u8).collect();
        let bytes = encode(&rgb, w, h).unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (w, h));
        assert_eq!(info.color_type, png::ColorType::Rgb);
        assert_eq!(&buf[..info.buffer_size()], &rgb[..]);
    }
}
