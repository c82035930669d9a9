//! The planned-exit counties side by side: how many of the county criteria each meets (stacked:
//! met / failed / no data), with its poverty incidence under its name.

use anyhow::{bail, Result};
use plotters::prelude::*;

use super::axis::{mesh, tick, Axis};
use super::canvas::footnote;
use super::canvas::{Canvas, Png};
use super::frame::{paint, size};
use super::frame::{Frame, LegendItem, Swatch};
use super::palette;
use crate::model::period::Period;

#[derive(Debug, Clone, PartialEq)]
pub struct CountyStatus {
    pub name: String,
    /// Criteria met, failed and without data; they add up to `CountiesData::criteria_count`.
    pub met: u32,
    pub failed: u32,
    pub no_data: u32,
    /// Poverty incidence in percent, None when it cannot be computed.
    pub incidence: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CountiesData {
    /// For the title ("2019 年计划退出贫困县"); None for "贫困县".
    pub planned_exit_year: Option<i32>,
    pub period: Period,
    /// How many county criteria there are (6 by default).
    pub criteria_count: u32,
    /// The incidence threshold in percent (criterion C1), for colouring the incidence figures.
    pub incidence_threshold: f64,
    pub counties: Vec<CountyStatus>,
    pub source: String,
}

/// Segments bottom to top.
const STACK: [(&str, RGBColor); 3] = [
    ("达标", palette::PASS),
    ("未达标", palette::FAIL),
    ("无数据", palette::NO_DATA),
];

fn pct(v: f64) -> String {
    format!("{}%", tick((v * 100.0).round() / 100.0))
}

pub fn render(data: &CountiesData, canvas: &Canvas) -> Result<Png> {
    if data.counties.is_empty() {
        bail!("{} 没有计划退出贫困县的核查数据", data.period);
    }
    if data.criteria_count == 0 {
        bail!("没有要显示的贫困县退出标准");
    }
    if let Some(c) = data
        .counties
        .iter()
        .find(|c| c.met + c.failed + c.no_data != data.criteria_count)
    {
        bail!(
            "{}: 达标 {} + 未达标 {} + 无数据 {} 不等于 {} 项",
            c.name,
            c.met,
            c.failed,
            c.no_data,
            data.criteria_count
        );
    }
    let n = data.criteria_count;
    let all_met = data.counties.iter().filter(|c| c.met == n).count();
    let who = match data.planned_exit_year {
        Some(y) => format!("{y} 年计划退出贫困县"),
        None => "贫困县".to_string(),
    };
    let frame = Frame {
        title: format!("{who} 退出标准达标情况"),
        subtitle: Some(format!(
            "统计期 {} · 单位: 项 (共 {n} 项) · {} 个县中 {all_met} 个全部达标 · 贫困发生率退出标准 < {}",
            data.period,
            data.counties.len(),
            pct(data.incidence_threshold)
        )),
        legend: STACK
            .iter()
            .map(|(label, color)| LegendItem {
                swatch: Swatch::Box(*color),
                label: label.to_string(),
            })
            .collect(),
        footnote: footnote(data.period, data.period, &data.source),
    };
    canvas.font.check(
        frame
            .texts()
            .chain(data.counties.iter().map(|c| c.name.as_str()))
            .chain([super::axis::TICK_CHARS, "贫困发生率无数据达标/…"]),
    )?;

    paint(canvas, canvas.height, |root, t| {
        let body = frame.draw(root, t)?;
        let label = t.label(size::LABEL, palette::MUTED);
        let k = data.counties.len();
        let y_ticks: Vec<f64> = (0..=n).map(f64::from).collect();
        let tick_len = t.px(6.0);
        let y_area = t.width(&n.to_string(), &label) + tick_len + t.px(16.0);
        let mut chart = ChartBuilder::on(&body)
            .margin_right(t.px(20.0))
            .margin_top(t.px(10.0))
            .x_label_area_size(t.tpx(size::LABEL * 1.5 + size::VALUE * 1.6 + 12.0))
            .y_label_area_size(y_area)
            .build_cartesian_2d(
                Axis::new(-0.5..k as f64 - 0.5, Vec::new()),
                Axis::new(0.0..n as f64 * 1.12, y_ticks.clone()),
            )?;
        mesh(&mut chart, t)?;
        for v in y_ticks {
            let (px, py) = chart.backend_coord(&(-0.5, v));
            let at = (px - tick_len - t.px(8.0), py);
            t.draw(root, &tick(v), at, &label.anchor(1, 0))?;
        }

        let slot = chart.backend_coord(&(1.0, 0.0)).0 - chart.backend_coord(&(0.0, 0.0)).0;
        // Bars at most 160 px wide: five counties on a wide page should not look like walls.
        let half = (0.3f64).min(t.px(80.0) as f64 / slot.max(1) as f64);
        for (i, c) in data.counties.iter().enumerate() {
            let x = i as f64;
            let mut base = 0.0;
            for (count, (_, color)) in [c.met, c.failed, c.no_data].into_iter().zip(STACK) {
                if count == 0 {
                    continue;
                }
                let top = base + count as f64;
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(x - half, base), (x + half, top)],
                    color.filled(),
                )))?;
                let (px, py) = chart.backend_coord(&(x, (base + top) / 2.0));
                let ink = if color == palette::NO_DATA {
                    palette::INK
                } else {
                    WHITE
                };
                let style = t.label(size::VALUE, ink).anchor(0, 0);
                t.draw(root, &count.to_string(), (px, py), &style)?;
                base = top;
            }
            let (px, py) = chart.backend_coord(&(x, n as f64));
            let color = if c.met == n {
                palette::PASS
            } else {
                palette::INK
            };
            let style = t.label(size::VALUE, color).anchor(0, 1);
            let score = format!("达标 {}/{}", c.met, n);
            t.draw(root, &score, (px, py - t.px(8.0)), &style)?;

            // Under the axis: the county, and its incidence (red when not below the threshold).
            let (px, py) = chart.backend_coord(&(x, 0.0));
            let name_style = t.label(size::LABEL, palette::INK).anchor(0, -1);
            let name = t.fit(&c.name, &name_style, slot - t.px(8.0));
            t.draw(root, &name, (px, py + t.px(12.0)), &name_style)?;
            let (value, color) = match c.incidence {
                Some(v) if v >= data.incidence_threshold => (pct(v), palette::FAIL),
                Some(v) => (pct(v), palette::INK),
                None => ("无数据".to_string(), palette::MUTED),
            };
            let style = t.label(size::VALUE, color).anchor(0, -1);
            // On a narrow chart the figure matters more than its name (the subtitle names it).
            let room = slot - t.px(8.0);
            let full = format!("贫困发生率 {value}");
            let text = if t.width(&full, &style) <= room {
                full
            } else {
                t.fit(&value, &style, room)
            };
            t.draw(
                root,
                &text,
                (px, py + t.px(12.0 + size::LABEL * 1.5)),
                &style,
            )?;
        }
        Ok(())
    })
}
