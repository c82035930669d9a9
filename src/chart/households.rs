//! Registered households per month by status (未脱贫 / 返贫 / 已脱贫), stacked bars: the two "still
//! poor" statuses sit on the baseline so their fall reads directly.

use anyhow::{bail, Result};
use plotters::prelude::*;

use super::axis::Months;
use super::axis::{month_chart, tick};
use super::canvas::footnote;
use super::canvas::{Canvas, Png};
use super::frame::{paint, size};
use super::frame::{Frame, LegendItem, Swatch};
use super::palette;
use crate::model::period::Period;
use crate::output::number::number;

/// Households of one register snapshot, by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatusCounts {
    /// 未脱贫 (status `poor`).
    pub poor: u64,
    /// 已脱贫 (status `exited`).
    pub exited: u64,
    /// 返贫 (status `returned`).
    pub returned: u64,
}

impl StatusCounts {
    pub fn total(&self) -> u64 {
        self.poor + self.exited + self.returned
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct HouseholdMonth {
    pub period: Period,
    pub counts: StatusCounts,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HouseholdsData {
    pub region_name: String,
    /// The months shown; a month without a snapshot is drawn as a gap marked 无.
    pub from: Period,
    pub to: Period,
    pub months: Vec<HouseholdMonth>,
    /// For the footnote ("建档立卡月度台账, 导入批次 12 个").
    pub source: String,
}

/// The statuses bottom to top, with their names and colours.
const STACK: [(&str, RGBColor); 3] = [
    ("未脱贫", palette::POOR),
    ("返贫", palette::FAIL),
    ("已脱贫", palette::PASS),
];

fn stacked(c: &StatusCounts) -> [u64; 3] {
    [c.poor, c.returned, c.exited]
}

pub fn render(data: &HouseholdsData, canvas: &Canvas) -> Result<Png> {
    if data.from > data.to {
        bail!("起始统计期 {} 晚于结束统计期 {}", data.from, data.to);
    }
    let mut months: Vec<&HouseholdMonth> = data
        .months
        .iter()
        .filter(|m| m.period >= data.from && m.period <= data.to && m.counts.total() > 0)
        .collect();
    months.sort_by_key(|m| m.period);
    let Some(last) = months.last() else {
        bail!(
            "{} 在 {} 至 {} 没有建档立卡户数据",
            data.region_name,
            data.from,
            data.to
        );
    };
    let axis = Months::new(data.from, data.to);
    let missing = axis.count() - months.len() as i64;
    let c = last.counts;
    let mut subtitle = format!(
        "单位: 户 · {}: 未脱贫 {}, 返贫 {}, 已脱贫 {}, 合计 {}",
        last.period,
        number(c.poor as f64),
        number(c.returned as f64),
        number(c.exited as f64),
        number(c.total() as f64)
    );
    if missing > 0 {
        let gaps: Vec<String> = data
            .from
            .through(data.to)
            .filter(|p| !months.iter().any(|m| m.period == *p))
            .map(|p| p.to_string())
            .collect();
        if gaps.len() <= 3 {
            subtitle.push_str(&format!(" · {} 无台账", gaps.join(", ")));
        } else {
            subtitle.push_str(&format!(" · {} 个月无台账", gaps.len()));
        }
    }
    let frame = Frame {
        title: format!("{} 建档立卡贫困户 (按脱贫状态)", data.region_name),
        subtitle: Some(subtitle),
        legend: STACK
            .iter()
            .map(|(name, color)| LegendItem {
                swatch: Swatch::Box(*color),
                label: name.to_string(),
            })
            .collect(),
        footnote: footnote(data.from, data.to, &data.source),
    };
    canvas
        .font
        .check(frame.texts().chain([super::axis::TICK_CHARS, "无"]))?;

    paint(canvas, canvas.height, |root, t| {
        let body = frame.draw(root, t)?;
        let max = months.iter().map(|m| m.counts.total()).max().unwrap_or(1) as f64;
        let y_label = |v: f64| tick(v);
        let mut chart = month_chart(&body, t, axis, 0.0..max * 1.12, true, &y_label)?;

        let slot = {
            let (a, _) = chart.backend_coord(&(0.0, 0.0));
            let (b, _) = chart.backend_coord(&(1.0, 0.0));
            (b - a).max(1)
        };
        // At most 140 px wide: six months on a page should not look like walls.
        let half = (0.36f64).min(t.px(70.0) as f64 / slot as f64);
        chart.draw_series(months.iter().flat_map(|m| {
            let x = axis.x(m.period);
            let mut base = 0.0;
            stacked(&m.counts)
                .into_iter()
                .zip(STACK)
                .filter(|(n, _)| *n > 0)
                .map(move |(n, (_, color))| {
                    let top = base + n as f64;
                    let r = Rectangle::new([(x - half, base), (x + half, top)], color.filled());
                    base = top;
                    r
                })
                .collect::<Vec<_>>()
        }))?;

        // Totals above the bars when they fit side by side, else the first and the last.
        let style = t.label(size::VALUE, palette::INK).anchor(0, 1);
        let widest = months
            .iter()
            .map(|m| t.width(&number(m.counts.total() as f64), &style))
            .max()
            .unwrap_or(0);
        let all_fit = widest + t.px(6.0) < slot;
        for (i, m) in months.iter().enumerate() {
            if !all_fit && i != 0 && i != months.len() - 1 {
                continue;
            }
            let (px, py) = chart.backend_coord(&(axis.x(m.period), m.counts.total() as f64));
            t.draw(
                root,
                &number(m.counts.total() as f64),
                (px, py - t.px(8.0)),
                &style,
            )?;
        }

        // Months without a register snapshot: say so rather than leave a silent gap.
        let gap = t.label(size::VALUE, palette::MUTED).anchor(0, 1);
        for p in data.from.through(data.to) {
            if months.iter().any(|m| m.period == p) {
                continue;
            }
            let (px, py) = chart.backend_coord(&(axis.x(p), 0.0));
            t.draw(root, "无", (px, py - t.px(6.0)), &gap)?;
        }
        Ok(())
    })
}
