//! The canvas a chart is drawn on (size, font), the PNG it gives, the chart kinds and their file
//! names, and the text rules every chart shares (footnote, ASCII punctuation).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use plotters::prelude::*;

use crate::model::period::Period;

use plotters::coord::Shift;

use super::font::ChartFont;

/// What every chart draws on: plotters' bitmap area.
pub(crate) type Area<'b> = DrawingArea<BitMapBackend<'b>, Shift>;

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

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Period {
        s.parse().unwrap()
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
