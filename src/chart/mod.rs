//! PNG charts for bulletins and reports.
//!
//! Each chart kind has a plain data struct and a pure renderer (`render(&data, &canvas) -> Png`) in
//! its own module; reading the database is done separately, in [`load`], so that the criteria-based
//! kinds and the report can feed the same renderers. Rendering is deterministic: the same data and
//! canvas give byte-identical PNGs (no timestamps, no randomness, no system fonts).

pub mod checks;
pub mod counties;
pub mod criteria;
pub mod font;
pub mod households;
pub mod incidence;
pub mod indicator;
pub mod load;
pub mod palette;
mod text;

use std::ops::Range;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::model::period::Period;

pub use font::ChartFont;
use text::Label;

/// Suits a printed A4 page at about 240 dpi across the text width.
pub const DEFAULT_WIDTH: u32 = 1600;
pub const DEFAULT_HEIGHT: u32 = 1000;

/// Below this the labels no longer fit; above it the PNG is only big.
pub const MIN_SIZE: (u32, u32) = (640, 400);
pub const MAX_SIZE: (u32, u32) = (8000, 8000);

/// Where and how big to draw: the pixel size and the font.
#[derive(Debug, Clone)]
pub struct Canvas {
    pub width: u32,
    pub height: u32,
    pub font: ChartFont,
}

impl Canvas {
    /// A canvas of the given size; refuses sizes where a chart cannot be read or is absurdly big.
    pub fn new(width: u32, height: u32, font: ChartFont) -> Result<Canvas> {
        let ok = |v: u32, lo: u32, hi: u32| (lo..=hi).contains(&v);
        if !ok(width, MIN_SIZE.0, MAX_SIZE.0) || !ok(height, MIN_SIZE.1, MAX_SIZE.1) {
            bail!(
                "图表尺寸 {width}×{height} 无效；宽应在 {}–{}、高应在 {}–{} 像素之间",
                MIN_SIZE.0,
                MAX_SIZE.0,
                MIN_SIZE.1,
                MAX_SIZE.1
            );
        }
        Ok(Canvas {
            width,
            height,
            font,
        })
    }
}

impl Default for Canvas {
    /// 1600×1000 with the embedded font.
    fn default() -> Canvas {
        Canvas {
            width: DEFAULT_WIDTH,
            height: DEFAULT_HEIGHT,
            font: ChartFont::embedded(),
        }
    }
}

/// An encoded PNG and its pixel size (a criteria grid may be taller than asked, to fit every row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Png {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// The kinds of chart. The code is the file name's `<kind>` part, the Chinese name the title a
/// report gives the chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChartKind {
    Incidence,
    Households,
    Criteria,
    Counties,
    Indicator,
}

impl ChartKind {
    pub const ALL: [ChartKind; 5] = [
        ChartKind::Incidence,
        ChartKind::Households,
        ChartKind::Criteria,
        ChartKind::Counties,
        ChartKind::Indicator,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ChartKind::Incidence => "incidence",
            ChartKind::Households => "households",
            ChartKind::Criteria => "criteria",
            ChartKind::Counties => "counties",
            ChartKind::Indicator => "indicator",
        }
    }

    pub fn chinese(self) -> &'static str {
        match self {
            ChartKind::Incidence => "贫困发生率",
            ChartKind::Households => "建档立卡户脱贫进度",
            ChartKind::Criteria => "贫困村退出标准核查",
            ChartKind::Counties => "计划退出贫困县达标情况",
            ChartKind::Indicator => "指标变化",
        }
    }

    pub fn from_code(code: &str) -> Option<ChartKind> {
        ChartKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

impl std::fmt::Display for ChartKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// `<region code>-<kind>-<period>.png`, the predictable name reports link to.
pub fn file_name(region_code: &str, kind: ChartKind, period: Period) -> String {
    format!("{region_code}-{kind}-{period}.png")
}

/// `<region code>-indicator-<indicator code>-<period>.png`, for the indicator chart.
pub fn indicator_file_name(region_code: &str, indicator_code: &str, period: Period) -> String {
    let kind = ChartKind::Indicator;
    format!("{region_code}-{kind}-{indicator_code}-{period}.png")
}

/// Write a chart into `dir` (created if missing) and return its path. The file appears whole or not
/// at all, so a report never links to a half-written PNG.
pub fn write(dir: &Path, file_name: &str, png: &Png) -> Result<PathBuf> {
    if dir.exists() && !dir.is_dir() {
        bail!("输出位置 {} 不是文件夹", dir.display());
    }
    std::fs::create_dir_all(dir)
        .with_context(|| format!("无法创建输出文件夹 {}", dir.display()))?;
    let path = dir.join(file_name);
    let tmp = dir.join(format!(".{file_name}.tmp"));
    std::fs::write(&tmp, &png.bytes)
        .with_context(|| format!("无法写入图表文件 {}（输出文件夹不可写？）", path.display()))?;
    if let Err(e) = std::fs::rename(&tmp, &path) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("无法写入图表文件 {}", path.display()));
    }
    Ok(path)
}

/// "数据期 2019-01 至 2019-12; 来源: …", the footnote every chart carries.
pub(crate) fn footnote(from: Period, to: Period, source: &str) -> String {
    let period = if from == to {
        format!("数据期 {from}")
    } else {
        format!("数据期 {from} 至 {to}")
    };
    let source = tidy(source);
    if source.is_empty() {
        period
    } else {
        format!("{period}; 来源: {source}")
    }
}

/// Full-width punctuation is drawn on a full em with its ink to one side, which leaves holes in a
/// chart label ("（ +9.7%）"); charts use the ASCII forms instead, also for text that comes from data.
pub fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '（' => out.push_str(" ("),
            '）' => out.push_str(") "),
            '：' => out.push_str(": "),
            '，' => out.push_str(", "),
            '；' => out.push_str("; "),
            '《' | '》' => {}
            '　' => out.push(' '),
            c => out.push(c),
        }
    }
    // Collapse the doubled spaces the replacements leave, and spaces before closing punctuation.
    let mut tidy = String::with_capacity(out.len());
    for c in out.trim().chars() {
        if c == ' ' && tidy.ends_with([' ', '(']) {
            continue;
        }
        if matches!(c, ')' | ',' | ';' | ':') && tidy.ends_with(' ') {
            tidy.pop();
        }
        tidy.push(c);
    }
    tidy
}

// ------------------------------------------------------------------------------------------------
// Drawing helpers shared by the kinds.
// ------------------------------------------------------------------------------------------------

pub(crate) type Area<'b> = DrawingArea<BitMapBackend<'b>, Shift>;

/// Characters the tick and value formatters may produce, checked against the font with the labels.
pub(crate) const TICK_CHARS: &str = "0123456789,.-+%()→：；";

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

/// Months on the x axis: month `from` is at x = 0, one unit per month.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Months {
    pub from: Period,
    pub to: Period,
}

impl Months {
    pub fn new(from: Period, to: Period) -> Months {
        Months { from, to }
    }

    pub fn count(&self) -> i64 {
        self.from.months_until(self.to) + 1
    }

    pub fn x(&self, p: Period) -> f64 {
        self.from.months_until(p) as f64
    }

    /// Half a month of air either side, so the first and last points are not on the frame.
    pub fn range(&self) -> Range<f64> {
        -0.5..self.count() as f64 - 0.5
    }

    pub fn label(&self, x: f64) -> String {
        self.from
            .add_months(x.round() as i64)
            .map(|p| p.to_string())
            .unwrap_or_default()
    }

    /// Tick positions: every month if they fit, else every 2, 3, 6 or 12 months on calendar
    /// boundaries (quarters, half-years, Januaries).
    pub fn ticks(&self, max_labels: usize) -> Vec<f64> {
        let n = self.count();
        let max_labels = max_labels.max(2) as i64;
        for step in [1, 2, 3, 6, 12, 24, 60] {
            if (n + step - 1) / step > max_labels {
                continue;
            }
            let aligned = (0..step).find(|&i| {
                self.from
                    .add_months(i)
                    .is_some_and(|p| (p.month() as i64 - 1) % step.min(12) == 0)
            });
            let start = if step == 1 {
                0
            } else {
                aligned.filter(|&a| a < n).unwrap_or(0)
            };
            return (start..n)
                .step_by(step as usize)
                .map(|i| i as f64)
                .collect();
        }
        vec![0.0, (n - 1) as f64]
    }
}

/// A y range for values `lo..=hi` with room above for labels; starts at 0 when that does not
/// squash the data.
pub(crate) fn y_range(lo: f64, hi: f64, headroom: f64) -> Range<f64> {
    let (mut lo, hi) = (lo.min(hi), hi.max(lo));
    if lo >= 0.0 && lo <= hi * 0.5 {
        lo = 0.0;
    }
    if (hi - lo).abs() < 1e-9 {
        let pad = if hi.abs() > 1e-9 { hi.abs() * 0.1 } else { 1.0 };
        let bottom = if lo >= 0.0 {
            (lo - pad).max(0.0)
        } else {
            lo - pad
        };
        return bottom..hi + pad;
    }
    let span = hi - lo;
    let bottom = if lo == 0.0 { 0.0 } else { lo - span * 0.25 };
    bottom..hi + span * headroom
}

/// A tick label: thousands separators, no float noise (0.30000000000000004 → 0.3).
pub(crate) fn tick(v: f64) -> String {
    crate::output::number::number((v * 1e6).round() / 1e6)
}

/// Round tick positions covering `range`: steps of 1, 2, 2.5 or 5 × 10^k, at most `max` of them;
/// whole numbers only when `integer` (household counts).
pub(crate) fn nice_ticks(range: &Range<f64>, max: usize, integer: bool) -> Vec<f64> {
    let (lo, hi) = (range.start, range.end);
    let span = hi - lo;
    if span.is_nan() || span <= 0.0 || !span.is_finite() {
        return vec![lo];
    }
    let raw = span / max.max(1) as f64;
    let mut mag = 10f64.powf(raw.log10().floor());
    let step = 'search: loop {
        for m in [1.0, 2.0, 2.5, 5.0] {
            let step = m * mag;
            if integer && (step < 1.0 || step.fract() != 0.0) {
                continue;
            }
            if span / step <= max as f64 + 1e-9 {
                break 'search step;
            }
        }
        mag *= 10.0;
    };
    let first = (lo / step).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    (first..=last).map(|i| i as f64 * step).collect()
}

/// A linear axis with exactly the ticks we choose (plotters' own picks 5-month steps for months).
#[derive(Debug, Clone)]
pub(crate) struct Axis {
    range: Range<f64>,
    ticks: Vec<f64>,
}

impl Axis {
    pub fn new(range: Range<f64>, ticks: Vec<f64>) -> Axis {
        Axis { range, ticks }
    }
}

impl Ranged for Axis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let span = self.range.end - self.range.start;
        if span == 0.0 {
            return (limit.0 + limit.1) / 2;
        }
        let f = (v - self.range.start) / span;
        limit.0 + ((limit.1 - limit.0) as f64 * f).round() as i32
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        // Bold points only: no light grid lines between the ticks.
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.range.clone()
    }
}

pub(crate) type Xy = Cartesian2d<Axis, Axis>;
pub(crate) type Chart<'a, 'b> = ChartContext<'a, BitMapBackend<'b>, Xy>;

/// Grid lines at the y ticks, axis lines and tick marks. The tick labels are left empty for plotters
/// and drawn by the caller with [`Theme::draw`] (see the `text` module for why).
pub(crate) fn mesh(chart: &mut Chart, t: &Theme) -> Result<()> {
    let blank = |_: &f64| String::new();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(palette::GRID.stroke_width(1))
        .light_line_style(TRANSPARENT)
        .axis_style(palette::AXIS.stroke_width(1))
        .label_style(t.text(size::LABEL, palette::MUTED))
        .set_all_tick_mark_size(t.px(6.0))
        .x_label_formatter(&blank)
        .y_label_formatter(&blank)
        .draw()?;
    Ok(())
}

/// A chart over months with light horizontal grid lines, labelled by `y_label`.
pub(crate) fn month_chart<'a, 'b>(
    body: &'a Area<'b>,
    t: &Theme,
    months: Months,
    y: Range<f64>,
    y_integer: bool,
    y_label: &dyn Fn(f64) -> String,
) -> Result<Chart<'a, 'b>> {
    month_chart_with(body, t, months, y, y_integer, y_label, t.px(20.0))
}

/// [`month_chart`] with `right` pixels kept free right of the plot (for end labels).
pub(crate) fn month_chart_with<'a, 'b>(
    body: &'a Area<'b>,
    t: &Theme,
    months: Months,
    y: Range<f64>,
    y_integer: bool,
    y_label: &dyn Fn(f64) -> String,
    right: i32,
) -> Result<Chart<'a, 'b>> {
    let label = t.label(size::LABEL, palette::MUTED);
    let y_ticks = nice_ticks(&y, 7, y_integer);
    let tick_len = t.px(6.0);
    let y_area = y_ticks
        .iter()
        .map(|v| t.width(&y_label(*v), &label))
        .max()
        .unwrap_or(0)
        + tick_len
        + t.px(16.0);
    let (w, _) = body.dim_in_pixel();
    let plot_w = w as i32 - y_area - right;
    let sample = t.width("2019-03", &label) + t.px(36.0);
    let max_labels = (plot_w / sample.max(1)).max(2) as usize;
    let x_ticks = months.ticks(max_labels);
    let x_range = months.range();
    let y_start = y.start;
    let mut chart = ChartBuilder::on(body)
        .margin_right(right)
        .margin_top(t.px(10.0))
        .x_label_area_size(t.tpx(48.0))
        .y_label_area_size(y_area)
        .build_cartesian_2d(
            Axis::new(x_range.clone(), x_ticks.clone()),
            Axis::new(y, y_ticks.clone()),
        )?;
    mesh(&mut chart, t)?;
    for x in x_ticks {
        let (px, py) = chart.backend_coord(&(x, y_start));
        let at = (px, py + tick_len + t.px(8.0));
        t.draw(body, &months.label(x), at, &label.anchor(0, -1))?;
    }
    for v in y_ticks {
        let (px, py) = chart.backend_coord(&(x_range.start, v));
        let at = (px - tick_len - t.px(8.0), py);
        t.draw(body, &y_label(v), at, &label.anchor(1, 0))?;
    }
    Ok(chart)
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

fn encode(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Default);
        let mut writer = enc.write_header().context("PNG 编码失败")?;
        writer.write_image_data(rgb).context("PNG 编码失败")?;
        writer.finish().context("PNG 编码失败")?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Period {
        s.parse().unwrap()
    }

    #[test]
    fn month_ticks_fall_on_calendar_boundaries() {
        let m = Months::new(p("2019-03"), p("2019-07"));
        assert_eq!(m.ticks(12), vec![0.0, 1.0, 2.0, 3.0, 4.0]);
        let m = Months::new(p("2018-02"), p("2020-12"));
        let t = m.ticks(12);
        assert!(t.len() <= 12, "{t:?}");
        // Every 3 or 6 months starting on a quarter: April 2018 is 2 months after February.
        assert_eq!(m.label(t[0]), "2018-04");
        assert!(t.windows(2).all(|w| w[1] - w[0] == t[1] - t[0]));
    }

    #[test]
    fn y_range_starts_at_zero_unless_that_squashes() {
        assert_eq!(y_range(1.0, 10.0, 0.1).start, 0.0);
        let r = y_range(4350.0, 4770.0, 0.2);
        assert!(r.start > 4000.0 && r.start < 4350.0, "{r:?}");
        assert!(r.end > 4770.0);
        let flat = y_range(5.0, 5.0, 0.1);
        assert!(flat.start < 5.0 && flat.end > 5.0);
    }

    #[test]
    fn footnote_names_period_and_source() {
        assert_eq!(
            footnote(p("2019-03"), p("2019-07"), "快报"),
            "数据期 2019-03 至 2019-07; 来源: 快报"
        );
        assert_eq!(footnote(p("2019-03"), p("2019-03"), ""), "数据期 2019-03");
    }

    #[test]
    fn tidy_uses_ascii_punctuation() {
        assert_eq!(
            tidy("《脱贫攻坚快报》第26期（总第214期，2019-03-29）；台账"),
            "脱贫攻坚快报第26期 (总第214期, 2019-03-29); 台账"
        );
        assert_eq!(tidy("（+9.7%）"), "(+9.7%)");
    }

    #[test]
    fn file_names_carry_the_kind_code() {
        assert_eq!(
            file_name("210922", ChartKind::Criteria, p("2019-12")),
            "210922-criteria-2019-12.png"
        );
        assert_eq!(
            indicator_file_name("2112", "dibao_standard", p("2019-07")),
            "2112-indicator-dibao_standard-2019-07.png"
        );
        for k in ChartKind::ALL {
            assert_eq!(ChartKind::from_code(k.code()), Some(k));
        }
    }

    #[test]
    fn canvas_refuses_unreadable_sizes() {
        let f = ChartFont::embedded();
        assert!(Canvas::new(100, 1000, f.clone()).is_err());
        assert!(Canvas::new(1600, 100_000, f.clone()).is_err());
        assert!(Canvas::new(800, 500, f).is_ok());
    }
}
