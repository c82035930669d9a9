//! Poverty incidence per month for a county and its poor villages, against the exit threshold.

use anyhow::{bail, Result};
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::axis::Months;
use super::axis::{month_chart_with, tick};
use super::canvas::footnote;
use super::canvas::{Canvas, Png};
use super::frame::{paint, size};
use super::frame::{Frame, LegendItem, Swatch};
use super::palette;
use crate::model::period::Period;

/// One region's incidence (percent, 0–100) by month; months without a value are left out.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub points: Vec<(Period, f64)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IncidenceData {
    pub county: Series,
    pub villages: Vec<Series>,
    /// The exit threshold in percent (the criterion's, e.g. 2): incidence must stay below it.
    pub threshold: f64,
    pub from: Period,
    pub to: Period,
    pub source: String,
}

/// Up to this many villages get their own colour and legend entry; beyond it they are drawn as
/// grey context and only those still at or above the threshold are named.
const COLOURED_VILLAGES: usize = 7;
const NAMED_ABOVE: usize = 6;

fn in_range(s: &Series, from: Period, to: Period) -> Vec<(Period, f64)> {
    let mut pts: Vec<(Period, f64)> = s
        .points
        .iter()
        .copied()
        .filter(|(p, v)| *p >= from && *p <= to && v.is_finite())
        .collect();
    pts.sort_by_key(|(p, _)| *p);
    pts.dedup_by_key(|(p, _)| *p);
    pts
}

/// Runs of consecutive months: a line is not drawn across a month without data.
fn runs(pts: &[(Period, f64)]) -> Vec<Vec<(Period, f64)>> {
    let mut out: Vec<Vec<(Period, f64)>> = Vec::new();
    for &(p, v) in pts {
        match out.last_mut() {
            Some(run) if run.last().is_some_and(|(q, _)| q.months_until(p) == 1) => {
                run.push((p, v))
            }
            _ => out.push(vec![(p, v)]),
        }
    }
    out
}

fn pct(v: f64) -> String {
    format!("{}%", tick((v * 100.0).round() / 100.0))
}

pub fn render(data: &IncidenceData, canvas: &Canvas) -> Result<Png> {
    if data.from > data.to {
        bail!("起始统计期 {} 晚于结束统计期 {}", data.from, data.to);
    }
    if !(data.threshold.is_finite() && data.threshold > 0.0) {
        bail!("贫困发生率标准 {} 无效", data.threshold);
    }
    let county = in_range(&data.county, data.from, data.to);
    let villages: Vec<(String, Vec<(Period, f64)>)> = data
        .villages
        .iter()
        .map(|v| (v.name.clone(), in_range(v, data.from, data.to)))
        .filter(|(_, pts)| !pts.is_empty())
        .collect();
    if county.is_empty() && villages.is_empty() {
        bail!(
            "{} 在 {} 至 {} 没有贫困发生率数据",
            data.county.name,
            data.from,
            data.to
        );
    }
    let coloured = villages.len() <= COLOURED_VILLAGES;
    let threshold_label = format!("退出标准 < {}", pct(data.threshold));

    // Villages still at or above the threshold at their latest month: the ones a reader looks for.
    let mut above: Vec<(&str, Period, f64)> = villages
        .iter()
        .filter_map(|(name, pts)| pts.last().map(|&(p, v)| (name.as_str(), p, v)))
        .filter(|(_, _, v)| *v >= data.threshold)
        .collect();
    above.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(b.0)));

    let mut subtitle = String::from("单位: % (贫困人口占户籍人口比例)");
    if let Some(&(p, v)) = county.last() {
        subtitle.push_str(&format!(" · {p} 全县 {}", pct(v)));
    }
    if !villages.is_empty() {
        subtitle.push_str(&format!(
            " · {} 个贫困村中 {} 个未低于 {}",
            villages.len(),
            above.len(),
            pct(data.threshold)
        ));
    }

    let named: Vec<&(&str, Period, f64)> = if coloured {
        Vec::new()
    } else {
        above.iter().take(NAMED_ABOVE).collect()
    };
    if named.len() < above.len() && !coloured {
        subtitle.push_str(&format!(" (图中标出最高的 {} 个)", named.len()));
    }

    let mut legend = vec![LegendItem {
        swatch: Swatch::LineDot(palette::PRIMARY),
        label: data.county.name.clone(),
    }];
    if coloured {
        for (i, (name, _)) in villages.iter().enumerate() {
            legend.push(LegendItem {
                swatch: Swatch::LineDot(palette::SERIES[i % palette::SERIES.len()]),
                label: name.clone(),
            });
        }
    } else {
        legend.push(LegendItem {
            swatch: Swatch::Line(palette::BACKGROUND_SERIES),
            label: format!("贫困村 ({} 个)", villages.len()),
        });
    }
    legend.push(LegendItem {
        swatch: Swatch::Dashed(palette::FAIL),
        label: threshold_label.clone(),
    });

    let frame = Frame {
        title: format!("{} 贫困发生率 (全县及贫困村)", data.county.name),
        subtitle: Some(subtitle),
        legend,
        footnote: footnote(data.from, data.to, &data.source),
    };
    canvas.font.check(
        frame
            .texts()
            .chain(named.iter().map(|n| n.0))
            .chain([super::axis::TICK_CHARS]),
    )?;

    paint(canvas, canvas.height, |root, t| {
        let body = frame.draw(root, t)?;
        let axis = Months::new(data.from, data.to);
        let hi = county
            .iter()
            .chain(villages.iter().flat_map(|(_, p)| p))
            .map(|(_, v)| *v)
            .fold(data.threshold, f64::max);
        let y_label = |v: f64| format!("{}%", tick(v));
        let label_style = t.label(size::VALUE, palette::INK).anchor(-1, 0);
        let right = named
            .iter()
            .map(|n| t.width(n.0, &label_style))
            .max()
            .map_or(t.px(20.0), |w| w + t.px(30.0));
        let mut chart = month_chart_with(&body, t, axis, 0.0..hi * 1.15, false, &y_label, right)?;
        let xy = |(p, v): (Period, f64)| (axis.x(p), v);

        // Threshold first, so the data lines stay on top of it.
        let x_range = axis.range();
        chart.draw_series(std::iter::once(DashedPathElement::new(
            vec![
                (x_range.start, data.threshold),
                (x_range.end, data.threshold),
            ],
            t.px(14.0),
            t.px(8.0),
            palette::FAIL.stroke_width(t.px(3.0).max(1) as u32),
        )))?;

        let village_stroke = t.px(if coloured { 3.0 } else { 2.0 }).max(1) as u32;
        for (i, (_, pts)) in villages.iter().enumerate() {
            let name = villages[i].0.as_str();
            let color = if coloured {
                palette::SERIES[i % palette::SERIES.len()]
            } else if named.iter().any(|n| n.0 == name) {
                palette::MUTED
            } else {
                palette::BACKGROUND_SERIES
            };
            for run in runs(pts) {
                chart.draw_series(std::iter::once(PathElement::new(
                    run.iter().copied().map(xy).collect::<Vec<_>>(),
                    color.stroke_width(village_stroke),
                )))?;
                if coloured || run.len() == 1 {
                    let r = t.px(if coloured { 6.0 } else { 3.0 });
                    chart.draw_series(
                        run.iter().map(|&pt| Circle::new(xy(pt), r, color.filled())),
                    )?;
                }
            }
        }
        let county_stroke = t.px(5.0).max(1) as u32;
        for run in runs(&county) {
            chart.draw_series(std::iter::once(PathElement::new(
                run.iter().copied().map(xy).collect::<Vec<_>>(),
                palette::PRIMARY.stroke_width(county_stroke),
            )))?;
            chart.draw_series(
                run.iter()
                    .map(|&pt| Circle::new(xy(pt), t.px(8.0), palette::PRIMARY.filled())),
            )?;
        }

        // The threshold's label at the left end, where incidence is usually still high above it,
        // on a white ground so that a line crossing there does not strike through it.
        let (tx, ty) = chart.backend_coord(&(x_range.start, data.threshold));
        let style = t.label(size::VALUE, palette::FAIL).anchor(-1, 1);
        let (lx, ly) = (tx + t.px(10.0), ty - t.px(8.0));
        let lw = t.width(&threshold_label, &style);
        root.draw(&Rectangle::new(
            [
                (lx - t.px(4.0), ly - t.tpx(size::VALUE * 1.15)),
                (lx + lw + t.px(4.0), ly + t.px(2.0)),
            ],
            WHITE.filled(),
        ))?;
        t.draw(root, &threshold_label, (lx, ly), &style)?;

        // Names of the villages still above the threshold, at their last point, spread apart.
        let mut labels: Vec<(i32, i32, &str)> = named
            .iter()
            .map(|(name, p, v)| {
                let (x, y) = chart.backend_coord(&(axis.x(*p), *v));
                (x, y, *name)
            })
            .collect();
        labels.sort_by_key(|l| l.1);
        let line_h = t.tpx(size::VALUE * 1.2);
        let mut prev = i32::MIN;
        for (x, y, name) in labels {
            let y_label = y.max(prev + line_h);
            root.draw(&PathElement::new(
                vec![(x, y), (x + t.px(10.0), y_label)],
                palette::MUTED.stroke_width(1),
            ))?;
            t.draw(root, name, (x + t.px(14.0), y_label), &label_style)?;
            prev = y_label;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_break_at_missing_months() {
        let p = |s: &str| s.parse::<Period>().unwrap();
        let pts = vec![
            (p("2019-01"), 3.0),
            (p("2019-02"), 2.5),
            (p("2019-04"), 1.0),
        ];
        let r = runs(&pts);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].len(), 2);
        assert_eq!(r[1], vec![(p("2019-04"), 1.0)]);
    }
}
