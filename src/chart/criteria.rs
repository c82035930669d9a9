//! The village × criterion grid of one county and period: green pass, red fail, grey no data.

use anyhow::{bail, Result};
use plotters::prelude::*;

use super::canvas::{footnote, tidy};
use super::canvas::{Canvas, Png};
use super::frame::{paint, size};
use super::frame::{Frame, LegendItem, Swatch};
use super::palette;
use crate::check::CriterionStatus;
use crate::model::period::Period;

/// A cell's colour: green pass, red fail, grey no data (neither a pass nor a fail).
fn color(status: CriterionStatus) -> RGBColor {
    match status {
        CriterionStatus::Pass => palette::PASS,
        CriterionStatus::Fail => palette::FAIL,
        CriterionStatus::NoData => palette::NO_DATA,
    }
}

/// A column: the criterion number and a short name that fits a column head.
#[derive(Debug, Clone, PartialEq)]
pub struct GridColumn {
    pub no: String,
    pub short_name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GridCell {
    pub status: CriterionStatus,
    /// The value to print in the cell ("1.2%", "6.1万", "是"); the status word when None.
    pub label: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GridRow {
    /// The village name (never a person's).
    pub name: String,
    /// One cell per column, in column order.
    pub cells: Vec<GridCell>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CriteriaGrid {
    pub county_name: String,
    pub period: Period,
    pub columns: Vec<GridColumn>,
    pub rows: Vec<GridRow>,
    pub source: String,
}

/// Short column heads by the indicator a village criterion reads, whatever its number in the
/// province's set: the ten defaults and the common provincial additions.
pub fn short_name_of_indicator(indicator: &str) -> Option<&'static str> {
    Some(match indicator {
        "poverty_incidence" => "发生率",
        "collective_income" => "集体收入",
        "hardened_road" => "硬化路",
        "safe_water_rate" => "安全饮水",
        "electricity" => "通电",
        "broadband" => "宽带",
        "clinic" => "卫生室",
        "culture_center" => "文化中心",
        "safe_housing_rate" => "住房安全",
        "leading_industry" => "主导产业",
        "bus_service" => "客运班车",
        "radio_tv" => "户户通",
        _ => return None,
    })
}

/// Short column heads for the default village criteria V1–V10 by number (docs/exit-standards.md).
pub fn short_name(no: &str) -> Option<&'static str> {
    Some(match no {
        "V1" => "发生率",
        "V2" => "集体收入",
        "V3" => "硬化路",
        "V4" => "安全饮水",
        "V5" => "通电",
        "V6" => "宽带",
        "V7" => "卫生室",
        "V8" => "文化中心",
        "V9" => "住房安全",
        "V10" => "主导产业",
        _ => return None,
    })
}

/// Row height limits at 1600×1000; below the minimum the image grows taller instead.
const MIN_ROW: f64 = 44.0;
const MAX_ROW: f64 = 66.0;
/// Roughly what the title, legend, column heads and footnote take, at 1600×1000.
const FIXED: f64 = 360.0;

/// The height the grid needs for its rows: the canvas height, or more for a long village list.
pub fn height_for(rows: usize, canvas: &Canvas) -> u32 {
    let scale = (canvas.width as f64 / super::canvas::DEFAULT_WIDTH as f64)
        .min(canvas.height as f64 / super::canvas::DEFAULT_HEIGHT as f64)
        .clamp(0.5, 4.0);
    let need = ((FIXED + MIN_ROW * rows as f64) * scale).ceil() as u32;
    canvas.height.max(need).min(super::canvas::MAX_SIZE.1)
}

pub fn render(data: &CriteriaGrid, canvas: &Canvas) -> Result<Png> {
    if data.rows.is_empty() {
        bail!("{} 在 {} 没有贫困村核查数据", data.county_name, data.period);
    }
    if data.columns.is_empty() {
        bail!("没有要显示的退出标准");
    }
    if let Some(r) = data
        .rows
        .iter()
        .find(|r| r.cells.len() != data.columns.len())
    {
        bail!(
            "{} 有 {} 项结果，应为 {} 项",
            r.name,
            r.cells.len(),
            data.columns.len()
        );
    }
    let n_cols = data.columns.len();
    let passed = |r: &GridRow| {
        r.cells
            .iter()
            .filter(|c| c.status == CriterionStatus::Pass)
            .count()
    };
    let all_pass = data.rows.iter().filter(|r| passed(r) == n_cols).count();
    let frame = Frame {
        title: format!("{} 贫困村退出标准核查", data.county_name),
        subtitle: Some(format!(
            "统计期 {} · {} 个贫困村中 {} 个 {} 项全部达标",
            data.period,
            data.rows.len(),
            all_pass,
            n_cols
        )),
        legend: [
            CriterionStatus::Pass,
            CriterionStatus::Fail,
            CriterionStatus::NoData,
        ]
        .into_iter()
        .map(|s| LegendItem {
            swatch: Swatch::Box(color(s)),
            label: s.chinese().to_string(),
        })
        .collect(),
        footnote: footnote(data.period, data.period, &data.source),
    };
    let labels = data
        .rows
        .iter()
        .flat_map(|r| r.cells.iter().filter_map(|c| c.label.as_deref()));
    canvas.font.check(
        frame
            .texts()
            .chain(data.rows.iter().map(|r| r.name.as_str()))
            .chain(
                data.columns
                    .iter()
                    .flat_map(|c| [c.no.as_str(), c.short_name.as_str()]),
            )
            .chain(labels)
            .chain([super::axis::TICK_CHARS, "达标项/…"]),
    )?;

    let height = height_for(data.rows.len(), canvas);
    paint(canvas, height, |root, t| {
        let body = frame.draw(root, t)?;
        let (bw, bh) = body.dim_in_pixel();
        let (bw, bh) = (bw as i32, bh as i32);
        let (ox, oy) = (body.get_base_pixel().0, body.get_base_pixel().1);

        let name_style = t.label(size::LABEL, palette::INK).anchor(1, 0);
        let head_style = t.label(size::LABEL, palette::INK).anchor(0, 0);
        let mut sub_style = t.label(size::VALUE, palette::MUTED).anchor(0, 0);
        let name_w = data
            .rows
            .iter()
            .map(|r| t.width(&r.name, &name_style))
            .max()
            .unwrap_or(0)
            .min(bw / 4)
            + t.px(20.0);
        let sum_w = t.width("达标项", &head_style).max(t.px(110.0)) + t.px(20.0);
        let head_h = t.tpx(size::LABEL * 1.3 + size::VALUE * 1.5);
        let col_w = (bw - name_w - sum_w) / n_cols as i32;
        let row_h = ((bh - head_h) / data.rows.len() as i32).min(t.px(MAX_ROW));
        let grid_left = ox + name_w;
        let top = oy + head_h;

        // Short names shrink together until the longest fits its column (narrow charts).
        let widest = data
            .columns
            .iter()
            .map(|c| t.width(&tidy(&c.short_name), &sub_style))
            .max()
            .unwrap_or(0);
        let room = col_w - t.px(8.0);
        if widest > room && widest > 0 {
            sub_style.px *= room as f32 / widest as f32;
        }
        // Column heads: the number, and the short name below it, shortened if the column is narrow.
        for (i, c) in data.columns.iter().enumerate() {
            let cx = grid_left + col_w * i as i32 + col_w / 2;
            t.draw(
                root,
                &c.no,
                (cx, oy + t.tpx(size::LABEL * 0.6)),
                &head_style,
            )?;
            let short = t.fit(&tidy(&c.short_name), &sub_style, col_w - t.px(6.0));
            t.draw(
                root,
                &short,
                (cx, oy + t.tpx(size::LABEL * 1.3 + size::VALUE * 0.7)),
                &sub_style,
            )?;
        }
        let sum_x = grid_left + col_w * n_cols as i32 + sum_w / 2;
        t.draw(
            root,
            "达标项",
            (sum_x, oy + t.tpx(size::LABEL * 0.6)),
            &head_style,
        )?;

        let cell_px = t
            .text_size(size::VALUE)
            .min(row_h as f64 * 0.5)
            .min(col_w as f64 / 3.6);
        let inset = t.px(3.0).max(1);
        for (r, row) in data.rows.iter().enumerate() {
            let y0 = top + row_h * r as i32;
            let cy = y0 + row_h / 2;
            let name = t.fit(&row.name, &name_style, name_w - t.px(20.0));
            t.draw(root, &name, (grid_left - t.px(14.0), cy), &name_style)?;
            for (i, cell) in row.cells.iter().enumerate() {
                let x0 = grid_left + col_w * i as i32;
                root.draw(&Rectangle::new(
                    [
                        (x0 + inset, y0 + inset),
                        (x0 + col_w - inset, y0 + row_h - inset),
                    ],
                    color(cell.status).filled(),
                ))?;
                let ink = if cell.status == CriterionStatus::NoData {
                    palette::INK
                } else {
                    WHITE
                };
                let style = t.label_px(cell_px, ink).anchor(0, 0);
                let label = cell
                    .label
                    .as_deref()
                    .map(tidy)
                    .unwrap_or_else(|| cell.status.chinese().to_string());
                let label = t.fit(&label, &style, col_w - 2 * inset - t.px(4.0));
                t.draw(root, &label, (x0 + col_w / 2, cy), &style)?;
            }
            let score = format!("{}/{}", passed(row), n_cols);
            let color = if passed(row) == n_cols {
                palette::PASS
            } else {
                palette::INK
            };
            let style = t.label(size::LABEL, color).anchor(0, 0);
            t.draw(root, &score, (sum_x, cy), &style)?;
        }
        Ok(())
    })
}
