//! One catalogue indicator for one region over time (铁岭市 农村低保标准 4,350 → 4,770): a step
//! line, because a stored value holds until the next one replaces it, with each value labelled.

use anyhow::{bail, Result};
use plotters::prelude::*;

use super::axis::Months;
use super::axis::{month_chart, tick};
use super::canvas::Png;
use super::canvas::{footnote, Canvas};
use super::frame::{paint, size, Frame};
use super::palette;
use crate::model::period::Period;

/// One stored value.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorPoint {
    pub period: Period,
    pub value: f64,
    /// The value as the source states it ("4,350", "200 以上", "是").
    pub label: String,
    /// Where it came from ("第26期（总第214期，2019-03-29）", "indicators-2019-03.csv 第 12 行").
    pub source: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorData {
    pub region_name: String,
    pub indicator_name: String,
    /// 元/年, %, 户, 是/否 …
    pub unit: String,
    /// 是/否 values (stored 1/0): drawn on a 否/是 axis.
    pub boolean: bool,
    /// The months shown; every point lies within them.
    pub from: Period,
    pub to: Period,
    pub points: Vec<IndicatorPoint>,
    /// For the footnote; when empty, the distinct sources of the points.
    pub source: String,
}

impl IndicatorData {
    /// The points in period order.
    fn sorted(&self) -> Vec<&IndicatorPoint> {
        let mut pts: Vec<&IndicatorPoint> = self.points.iter().collect();
        pts.sort_by_key(|p| p.period);
        pts
    }

    /// "2019-03 4,350 → 2019-07 4,770（+9.7%）": the change the chart is about.
    fn change(&self) -> Option<String> {
        let pts = self.sorted();
        let (first, last) = (pts.first()?, pts.last()?);
        if pts.len() < 2 || self.boolean {
            return None;
        }
        let mut s = format!(
            "{} {} → {} {}",
            first.period, first.label, last.period, last.label
        );
        if self.unit != "%" && first.value > 0.0 {
            let pct = (last.value - first.value) / first.value * 100.0;
            s.push_str(&format!(" ({:+.1}%)", pct));
        }
        Some(s)
    }

    /// The distinct sources, in the order of the points.
    fn sources(&self) -> String {
        let mut seen: Vec<&str> = Vec::new();
        for p in self.sorted() {
            if !p.source.is_empty() && !seen.contains(&p.source.as_str()) {
                seen.push(&p.source);
            }
        }
        seen.join("; ")
    }
}

pub fn render(data: &IndicatorData, canvas: &Canvas) -> Result<Png> {
    if data.points.is_empty() {
        bail!(
            "{} 的 {} 在 {} 至 {} 没有数据",
            data.region_name,
            data.indicator_name,
            data.from,
            data.to
        );
    }
    if data.from > data.to {
        bail!("起始统计期 {} 晚于结束统计期 {}", data.from, data.to);
    }
    let pts = data.sorted();
    if let Some(p) = pts
        .iter()
        .find(|p| p.period < data.from || p.period > data.to)
    {
        bail!(
            "数据点 {} 不在图表范围 {} 至 {} 内",
            p.period,
            data.from,
            data.to
        );
    }
    let unit = if data.boolean { "是/否" } else { &data.unit };
    let subtitle = match data.change() {
        Some(c) => format!("单位: {unit} · {c}"),
        None => format!("单位: {unit}"),
    };
    let frame = Frame {
        title: format!("{} {}", data.region_name, data.indicator_name),
        subtitle: Some(subtitle),
        // One series, named in the title: a legend would only repeat it.
        legend: Vec::new(),
        footnote: footnote(
            data.from,
            data.to,
            &if data.source.is_empty() {
                data.sources()
            } else {
                data.source.clone()
            },
        ),
    };
    canvas.font.check(
        frame
            .texts()
            .chain(pts.iter().map(|p| p.label.as_str()))
            .chain([super::axis::TICK_CHARS, "是否"]),
    )?;

    paint(canvas, canvas.height, |root, t| {
        let body = frame.draw(root, t)?;
        let months = Months::new(data.from, data.to);
        let (y, y_integer) = if data.boolean {
            (-0.3..1.3, true)
        } else {
            let lo = pts.iter().map(|p| p.value).fold(f64::INFINITY, f64::min);
            let hi = pts
                .iter()
                .map(|p| p.value)
                .fold(f64::NEG_INFINITY, f64::max);
            (super::axis::y_range(lo, hi, 0.25), false)
        };
        let boolean = data.boolean;
        let y_label = move |v: f64| {
            if boolean {
                (if v >= 0.5 { "是" } else { "否" }).to_string()
            } else {
                tick(v)
            }
        };
        let mut chart = month_chart(&body, t, months, y, y_integer, &y_label)?;

        // The step: each value holds until the next, the last one to the end of the axis.
        let mut path = Vec::new();
        for (i, p) in pts.iter().enumerate() {
            let x = months.x(p.period);
            if i > 0 {
                path.push((x, pts[i - 1].value));
            }
            path.push((x, p.value));
        }
        if let Some(last) = pts.last() {
            path.push((months.range().end, last.value));
        }
        let stroke = t.px(4.0).max(1) as u32;
        chart.draw_series(std::iter::once(PathElement::new(
            path,
            palette::PRIMARY.stroke_width(stroke),
        )))?;
        let r = t.px(8.0);
        chart
            .draw_series(pts.iter().map(|p| {
                Circle::new((months.x(p.period), p.value), r, palette::PRIMARY.filled())
            }))?;
        chart.draw_series(
            pts.iter()
                .map(|p| Circle::new((months.x(p.period), p.value), r / 2, WHITE.filled())),
        )?;

        // Value labels above the points, skipping one that would overlap the previous label.
        let style = t.label(size::VALUE, palette::INK).anchor(0, 1);
        let mut right_edge = i32::MIN;
        for p in &pts {
            let (px, py) = chart.backend_coord(&(months.x(p.period), p.value));
            let w = t.width(&p.label, &style);
            if px - w / 2 <= right_edge + t.px(8.0) {
                continue;
            }
            t.draw(root, &p.label, (px, py - t.px(16.0)), &style)?;
            right_edge = px + w / 2;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn tieling() -> IndicatorData {
        let p = |s: &str| s.parse::<Period>().unwrap();
        let src = "《脱贫攻坚快报》第26期（总第214期，2019-03-29）".to_string();
        IndicatorData {
            region_name: "铁岭市".into(),
            indicator_name: "农村低保标准".into(),
            unit: "元/年".into(),
            boolean: false,
            from: p("2019-03"),
            to: p("2019-07"),
            points: vec![
                IndicatorPoint {
                    period: p("2019-07"),
                    value: 4770.0,
                    label: "4,770".into(),
                    source: src.clone(),
                },
                IndicatorPoint {
                    period: p("2019-03"),
                    value: 4350.0,
                    label: "4,350".into(),
                    source: src,
                },
            ],
            source: String::new(),
        }
    }

    #[test]
    fn change_and_sources_read_in_period_order() {
        let d = tieling();
        assert_eq!(d.change().unwrap(), "2019-03 4,350 → 2019-07 4,770 (+9.7%)");
        assert_eq!(
            d.sources(),
            "《脱贫攻坚快报》第26期（总第214期，2019-03-29）"
        );
    }

    #[test]
    fn refuses_to_draw_nothing() {
        let mut d = tieling();
        d.points.clear();
        let e = render(&d, &Canvas::default()).unwrap_err().to_string();
        assert!(e.contains("没有数据"), "{e}");
    }

    #[test]
    fn refuses_points_outside_the_range() {
        let mut d = tieling();
        d.to = "2019-06".parse().unwrap();
        assert!(render(&d, &Canvas::default()).is_err());
    }
}
