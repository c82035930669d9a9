//! Axes: months on x with ticks on calendar boundaries, round y ticks, the tick labels, and the
//! month chart every time-series kind draws on.

use std::ops::Range;

use anyhow::Result;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::prelude::*;

use super::canvas::Area;
use super::frame::{size, Theme};
use super::palette;
use crate::model::period::Period;

/// Characters the tick and value formatters may produce, checked against the font with the labels.
pub(crate) const TICK_CHARS: &str = "0123456789,.-+%()→：；";

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
}
