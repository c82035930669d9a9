//! The report as a Word document (.docx) people paste into the bulletin: the sections of the HTML
//! and Markdown, the tables as Word tables, the PNG charts embedded (not linked) at the width of
//! the text with a numbered caption, under a masthead in the style of 《脱贫攻坚快报》 (title in red,
//! the office, the month, the red rule).
//!
//! Layout as official documents have it (GB/T 9704): A4, margins 37/35/28/26 mm, so a text width
//! of 156 mm. Fonts are named for Chinese Word and WPS: 宋体 for text and 黑体 for headings as the
//! East-Asian font (`w:eastAsia`), Times New Roman for Latin letters and digits. Table cells hold
//! the same texts as the Markdown's tables; a criterion's cell is filled with its state's colour as
//! in the charts. Nothing depends on the clock.

use std::path::Path;

use anyhow::{bail, Context, Result};
use docx_rs::{
    AlignmentType, BorderType, Docx, Footer, LineSpacing, PageMargin, PageNum, Paragraph,
    ParagraphBorder, ParagraphBorderPosition, ParagraphBorders, Pic, Run, RunFonts, Shading,
    ShdType, SpecialIndentType, Style, StyleType, Tab, TabValueType, Table, TableAlignmentType,
    TableCell, TableRow, VAlignType, WidthType,
};

use super::doc::{county_summary, facts_summary, headline, Doc, FACTS_HEADER, FACTS_MORE};
use crate::check::CriterionStatus;
use crate::output::palette::Rgb;

const SONG: &str = "宋体";
const HEI: &str = "黑体";
const LATIN: &str = "Times New Roman";
/// The bulletins' red (the HTML's headings use it too).
const RED: &str = "B22222";
const MUTED: &str = "666666";

/// A4 in twips, and the margins of GB/T 9704.
const PAGE: (u32, u32) = (11906, 16838);
const MARGIN_TOP: i32 = 2098;
const MARGIN_BOTTOM: i32 = 1984;
const MARGIN_LEFT: i32 = 1587;
const MARGIN_RIGHT: i32 = 1474;
/// The width of the text: 156 mm.
const TEXT_TWIPS: usize = PAGE.0 as usize - MARGIN_LEFT as usize - MARGIN_RIGHT as usize;
const EMU_PER_TWIP: u64 = 635;

/// Sizes in half-points, by their Chinese names.
mod size {
    pub const XIAO_CHU: usize = 72; // 小初 36 pt
    pub const ER: usize = 44; // 二号 22 pt
    pub const SAN: usize = 32; // 三号 16 pt
    pub const SI: usize = 28; // 四号 14 pt
    pub const XIAO_SI: usize = 24; // 小四 12 pt
    pub const WU: usize = 21; // 五号 10.5 pt
}

fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new()
        .ascii(LATIN)
        .hi_ansi(LATIN)
        .cs(LATIN)
        .east_asia(east_asia)
}

fn run(text: &str) -> Run {
    Run::new().add_text(text).fonts(fonts(SONG))
}

fn heading(text: &str, style: &str) -> Paragraph {
    Paragraph::new()
        .style(style)
        .keep_next(true)
        .add_run(Run::new().add_text(text).fonts(fonts(HEI)))
}

/// Body text with the first line indented by two characters, as Chinese prose is set.
fn prose(text: &str) -> Paragraph {
    Paragraph::new()
        .indent(None, Some(SpecialIndentType::FirstLine(480)), None, None)
        .first_line_chars(200)
        .line_spacing(LineSpacing::new().before(60).after(60))
        .add_run(run(text))
}

/// An item of a list: a bullet and a hanging indent.
fn item(text: &str) -> Paragraph {
    Paragraph::new()
        .indent(Some(420), Some(SpecialIndentType::Hanging(420)), None, None)
        .add_run(run(&format!("•\t{text}")))
}

fn centred(text: &str, east_asia: &str, size: usize) -> Paragraph {
    Paragraph::new()
        .align(AlignmentType::Center)
        .add_run(Run::new().add_text(text).fonts(fonts(east_asia)).size(size))
}

/// The masthead: 脱贫攻坚快报 in red, the month, the office and the date over the red rule.
fn masthead(doc: &Doc) -> Vec<Paragraph> {
    let month = format!("{} 年 {} 月", doc.period.year(), doc.period.month());
    vec![
        Paragraph::new()
            .align(AlignmentType::Center)
            .line_spacing(LineSpacing::new().before(240).after(120))
            .add_run(
                Run::new()
                    .add_text("脱贫攻坚快报")
                    .fonts(fonts(SONG))
                    .size(size::XIAO_CHU)
                    .bold()
                    .color(RED)
                    .character_spacing(60),
            ),
        centred("退出核查报告", SONG, size::SAN),
        rule_above(
            Paragraph::new()
                .add_tab(Tab::new().val(TabValueType::Right).pos(TEXT_TWIPS))
                .line_spacing(LineSpacing::new().before(240).after(360))
                .add_run(run(&doc.office).size(size::SAN))
                .add_run(Run::new().add_tab())
                .add_run(run(&month).size(size::SAN)),
        ),
    ]
}

/// The red rule under the masthead: the paragraph's bottom border.
fn rule_above(mut p: Paragraph) -> Paragraph {
    p.property = p.property.set_borders(
        ParagraphBorders::with_empty().set(
            ParagraphBorder::new(ParagraphBorderPosition::Bottom)
                .val(BorderType::Single)
                .size(18)
                .space(4)
                .color(RED),
        ),
    );
    p
}

/// A table cell: centred text, optionally bold or on a state's fill.
struct Cell {
    text: String,
    fill: Option<Rgb>,
    bold: bool,
}

fn cell(text: impl Into<String>) -> Cell {
    Cell {
        text: text.into(),
        fill: None,
        bold: false,
    }
}

fn status_cell(text: impl Into<String>, status: CriterionStatus) -> Cell {
    Cell {
        text: text.into(),
        fill: Some(status.colour()),
        bold: false,
    }
}

/// A Word table over the width of the text: a bold shaded header row, then the rows; columns in proportion to `weights`.
fn table(header: &[String], rows: Vec<Vec<Cell>>, weights: &[usize]) -> Table {
    let total: usize = weights.iter().sum::<usize>().max(1);
    let grid: Vec<usize> = weights.iter().map(|w| w * TEXT_TWIPS / total).collect();
    let head = header
        .iter()
        .map(|h| Cell {
            text: h.clone(),
            fill: Some(Rgb(0xF3, 0xF3, 0xF3)),
            bold: true,
        })
        .collect();
    let mut all = vec![head];
    all.extend(rows);
    let rows: Vec<TableRow> = all
        .into_iter()
        .map(|cells| {
            let cells = cells
                .into_iter()
                .zip(&grid)
                .map(|(c, w)| word_cell(c, *w))
                .collect();
            TableRow::new(cells).cant_split()
        })
        .collect();
    Table::new(rows)
        .set_grid(grid)
        .width(TEXT_TWIPS, WidthType::Dxa)
        .align(TableAlignmentType::Center)
}

fn word_cell(c: Cell, width: usize) -> TableCell {
    let mut r = Run::new()
        .add_text(&c.text)
        .fonts(fonts(SONG))
        .size(size::WU);
    if c.bold {
        r = r.bold();
    }
    let mut cell = TableCell::new()
        .width(width, WidthType::Dxa)
        .vertical_align(VAlignType::Center);
    if let Some(fill) = c.fill {
        cell = cell.shading(
            Shading::new()
                .shd_type(ShdType::Clear)
                .color("auto")
                .fill(fill.hex_text()),
        );
        if fill.hex() != 0xF3F3F3 && fill != crate::output::palette::NO_DATA {
            r = r.color("FFFFFF");
        }
    }
    cell.add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(r))
}

/// The width and height of a PNG, from its header.
fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.len() < 24 || &bytes[..8] != b"\x89PNG\r\n\x1a\n" || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let be = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    Some((be(16), be(20)))
}

/// Charts and their numbers: 图 1, 图 2, … in the order they appear.
struct Figures<'a> {
    dir: &'a Path,
    next: usize,
}

impl Figures<'_> {
    /// The chart `file` (in the report's folder) at the width of the text, then its caption.
    fn add(&mut self, docx: Docx, file: &str, caption: &str) -> Result<Docx> {
        let path = self.dir.join(file);
        let bytes =
            std::fs::read(&path).with_context(|| format!("无法读取图表 {}", path.display()))?;
        let Some((w, h)) = png_size(&bytes) else {
            bail!("{} 不是 PNG 图片 (not a PNG)", path.display());
        };
        self.next += 1;
        let n = self.next;
        let width_emu = TEXT_TWIPS as u64 * EMU_PER_TWIP;
        let height_emu = width_emu * h as u64 / w.max(1) as u64;
        let pic = Pic::new_with_dimensions(bytes, w, h)
            .id(format!("rIdImage{n}"))
            .size(width_emu as u32, height_emu as u32);
        Ok(docx
            .add_paragraph(
                Paragraph::new()
                    .align(AlignmentType::Center)
                    .keep_next(true)
                    .add_run(Run::new().add_image(pic)),
            )
            .add_paragraph(centred(&format!("图 {n}　{caption}"), HEI, size::WU)))
    }
}

fn styles(docx: Docx) -> Docx {
    let h = |id: &str, name: &str, size: usize, level: usize| {
        Style::new(id, StyleType::Paragraph)
            .name(name)
            .based_on("Normal")
            .next("Normal")
            .fonts(fonts(HEI))
            .size(size)
            .outline_lvl(level)
            .line_spacing(LineSpacing::new().before(240).after(120))
    };
    docx.add_style(h("Heading1", "heading 1", size::ER, 0).align(AlignmentType::Center))
        .add_style(h("Heading2", "heading 2", size::SAN, 1))
}

/// The .docx of `doc`, embedding the charts found in `dir` (the report's folder).
pub fn render(doc: &Doc, dir: &Path) -> Result<Vec<u8>> {
    let footer = Footer::new().add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_run(run("— ").size(size::SI))
            .add_page_num(PageNum::new())
            .add_run(run(" —").size(size::SI)),
    );
    let mut docx = styles(
        Docx::new()
            .page_size(PAGE.0, PAGE.1)
            .page_margin(
                PageMargin::new()
                    .top(MARGIN_TOP)
                    .bottom(MARGIN_BOTTOM)
                    .left(MARGIN_LEFT)
                    .right(MARGIN_RIGHT),
            )
            .default_fonts(fonts(SONG))
            .default_size(size::XIAO_SI)
            .footer(footer),
    );
    for p in masthead(doc) {
        docx = docx.add_paragraph(p);
    }
    docx = docx
        .add_paragraph(heading(
            &format!("脱贫攻坚退出核查报告（{}）", doc.period),
            "Heading1",
        ))
        .add_paragraph(
            Paragraph::new().align(AlignmentType::Center).add_run(
                run(&format!(
                    "统计期 {} · 由 tuopin 根据各县导入的建档立卡台账和指标生成",
                    doc.period
                ))
                .size(size::WU)
                .color(MUTED),
            ),
        )
        .add_paragraph(heading("概况", "Heading2"));
    for line in headline(doc) {
        docx = docx.add_paragraph(prose(&line));
    }
    let mut figures = Figures { dir, next: 0 };
    if let Some(chart) = &doc.overview_chart {
        docx = figures.add(docx, chart, "计划退出贫困县达标情况")?;
    }

    docx = docx.add_paragraph(heading("县级退出标准", "Heading2"));
    let mut header = vec!["县".to_string(), "代码".to_string()];
    if let Some(first) = doc.counties.first() {
        for (name, ..) in &first.criteria {
            header.push(name.split(' ').next().unwrap_or(name).to_string());
        }
    }
    header.push("结论".to_string());
    let rows = doc
        .counties
        .iter()
        .map(|c| {
            let mut row = vec![cell(&c.name), cell(&c.code)];
            row.extend(
                c.criteria
                    .iter()
                    .map(|(_, status, ..)| status_cell(status.symbol(), *status)),
            );
            row.push(cell(c.verdict.chinese()));
            row
        })
        .collect();
    let mut weights = vec![5, 3];
    weights.extend(std::iter::repeat_n(2, header.len() - 3));
    weights.push(3);
    docx = docx
        .add_table(table(&header, rows, &weights))
        .add_paragraph(centred("✓ 达标　✗ 未达标　— 无数据", SONG, size::WU));

    for c in &doc.counties {
        docx = docx.add_paragraph(heading(
            &format!("{}（{}）：{}", c.name, c.code, c.verdict.chinese()),
            "Heading2",
        ));
        let header: Vec<String> = ["标准", "结果", "值", "要求"].map(String::from).to_vec();
        let rows = c
            .criteria
            .iter()
            .map(|(name, status, value, rule)| {
                vec![
                    cell(name),
                    status_cell(format!("{} {}", status.symbol(), status.chinese()), *status),
                    cell(value),
                    cell(rule),
                ]
            })
            .collect();
        docx = docx
            .add_table(table(&header, rows, &[6, 2, 3, 3]))
            .add_paragraph(prose(&county_summary(doc, c)));
        if !c.villages_not_passing.is_empty() {
            docx = docx.add_paragraph(prose("未全部达标的贫困村："));
            for (name, code, items) in &c.villages_not_passing {
                docx = docx.add_paragraph(item(&format!("{name}（{code}）：{items}")));
            }
        }
        for (title, file) in &c.charts {
            docx = figures.add(docx, file, &format!("{}{title}", c.name))?;
        }
    }

    docx = docx
        .add_paragraph(heading("快报数据与台账比对", "Heading2"))
        .add_paragraph(prose(&facts_summary(&doc.facts)));
    if !doc.facts.disagreements.is_empty() {
        let header: Vec<String> = FACTS_HEADER.map(String::from).to_vec();
        let rows = doc
            .facts
            .disagreements
            .iter()
            .map(|f| f.cells().into_iter().map(cell).collect())
            .collect();
        docx = docx.add_table(table(&header, rows, &[3, 4, 4, 3, 3, 3, 2, 8, 8]));
    }
    docx = docx
        .add_paragraph(prose(FACTS_MORE))
        .add_paragraph(heading("说明", "Heading2"))
        .add_paragraph(item(&format!("退出标准：{}", doc.rules.join("；"))))
        .add_paragraph(item(&format!(
            "逐项依据（值、统计期、来源文件和行号或快报原文）：tuopin explain 区划代码 --period {}",
            doc.period
        )));
    for w in &doc.monitoring_warnings {
        docx = docx.add_paragraph(item(&format!("防返贫监测：{w}")));
    }
    for n in &doc.notes {
        docx = docx.add_paragraph(item(&format!("未生成的图表：{n}")));
    }

    let mut xml = docx.build();
    xml.styles = chinese_defaults(&xml.styles);
    xml.font_table = chinese_fonts(&xml.font_table);
    let mut bytes = std::io::Cursor::new(Vec::new());
    xml.pack(&mut bytes)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("无法生成 docx 文档 (docx)")?;
    Ok(bytes.into_inner())
}

/// The default language of the text, which docx-rs cannot set: Simplified Chinese, so that Word,
/// WPS and LibreOffice pick Chinese glyphs, fonts and proofing (not Japanese ones).
const LANGUAGE: &str = r#"<w:lang w:val="zh-CN" w:eastAsia="zh-CN" w:bidi="ar-SA" />"#;

/// `styles.xml` with the language in the document defaults (`w:lang` closes the run properties).
fn chinese_defaults(styles: &[u8]) -> Vec<u8> {
    const DEFAULTS_END: &str = "</w:rPr></w:rPrDefault>";
    let text = String::from_utf8_lossy(styles);
    text.replacen(DEFAULTS_END, &format!("{LANGUAGE}{DEFAULTS_END}"), 1)
        .into_bytes()
}

/// The two Chinese fonts as Word itself lists them in `fontTable.xml`: the name, the English name
/// it goes by on other systems, the GB2312 character set; a system without 宋体 substitutes a
/// font of the same kind.
const FONTS: &str = concat!(
    r#"<w:font w:name="宋体"><w:altName w:val="SimSun" /><w:panose1 w:val="02010600030101010101" />"#,
    r#"<w:charset w:val="86" /><w:family w:val="auto" /><w:pitch w:val="variable" /></w:font>"#,
    r#"<w:font w:name="黑体"><w:altName w:val="SimHei" /><w:panose1 w:val="02010609060101010101" />"#,
    r#"<w:charset w:val="86" /><w:family w:val="modern" /><w:pitch w:val="fixed" /></w:font>"#,
);

fn chinese_fonts(table: &[u8]) -> Vec<u8> {
    const END: &str = "</w:fonts>";
    let text = String::from_utf8_lossy(table);
    text.replacen(END, &format!("{FONTS}{END}"), 1).into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_size_reads_the_header() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend(1600u32.to_be_bytes());
        png.extend(1000u32.to_be_bytes());
        assert_eq!(png_size(&png), Some((1600, 1000)));
        assert_eq!(png_size(b"GIF89a"), None);
    }

    #[test]
    fn the_text_is_156_mm_wide() {
        // 1 mm = 56.69 twips
        assert_eq!((TEXT_TWIPS as f64 / 56.69).round(), 156.0);
    }
}
