//! A county file as a table, whatever it was saved as: a source of rows (a CSV reader here, a
//! workbook sheet from `import::workbook`), each row numbered as the spreadsheet shows it and with
//! the kind of each cell; the header found within the first rows by its column names, under the
//! title rows offices put above it (merged title cells, 填报单位：…), and a two-row header whose
//! upper row groups columns; and the rows below the header that are not data (blank rows,
//! 合计/小计/总计 rows, note lines such as 填表人 or 注：) told apart from the rows that are.

use std::collections::VecDeque;

use anyhow::Result;

use crate::import::problem::Fatal;
use crate::import::source;

/// What a cell held in the file. CSV cells are all text; a workbook says what each cell is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CellKind {
    Empty,
    Text,
    /// A number; its text is the number as Excel shows it in General format (`174`, `2800.5`).
    Number,
    /// A date cell; its text is `YYYY-MM-DD` (with ` HH:MM:SS` when it has a time).
    Date,
    /// TRUE or FALSE; its text is `TRUE` or `FALSE`.
    Bool,
    /// A formula error (`#N/A`, `#DIV/0!`); its text is the error as Excel shows it.
    Error,
}

/// One row of a file: its number as the spreadsheet shows it, its cells as text, and for a
/// workbook the kind of each cell (empty for CSV, where every cell is text).
#[derive(Debug, Clone, Default)]
pub(crate) struct SourceRow {
    pub line: u64,
    pub record: csv::StringRecord,
    pub kinds: Vec<CellKind>,
}

impl SourceRow {
    /// The kind of cell `i` (text for CSV, empty past the row's end).
    pub fn kind(&self, i: usize) -> CellKind {
        match self.kinds.get(i) {
            Some(k) => *k,
            None if self.kinds.is_empty() && i < self.record.len() => CellKind::Text,
            None => CellKind::Empty,
        }
    }
}

/// Rows in file order.
pub(crate) trait RowSource {
    /// Read the next row into `row`; false at the end of the file or sheet.
    fn next_row(&mut self, row: &mut SourceRow) -> Result<bool>;
    /// How far reading has come, in bytes of the file (estimated for a workbook), for the
    /// progress bar.
    fn position(&self) -> u64;
}

/// The records of a CSV file; record n is row n, as Excel shows the file (a quoted cell's line
/// breaks stay inside its row).
pub(crate) struct CsvRows {
    csv: csv::Reader<Box<dyn std::io::Read + Send>>,
    file: String,
    records: u64,
}

impl CsvRows {
    pub fn new(reader: Box<dyn std::io::Read + Send>, file: &str) -> CsvRows {
        let csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(1 << 16)
            .from_reader(reader);
        CsvRows {
            csv,
            file: file.to_string(),
            records: 0,
        }
    }
}

impl RowSource for CsvRows {
    fn next_row(&mut self, row: &mut SourceRow) -> Result<bool> {
        row.kinds.clear();
        if !self
            .csv
            .read_record(&mut row.record)
            .map_err(|e| csv_fatal(&self.file, &e))?
        {
            return Ok(false);
        }
        self.records += 1;
        row.line = self.records;
        Ok(true)
    }

    fn position(&self) -> u64 {
        self.csv.position().byte()
    }
}

/// A CSV reading error as a file-level problem: an over-long record names its line and the limit;
/// a parse error its line.
pub(crate) fn csv_fatal(file: &str, e: &csv::Error) -> Fatal {
    if let csv::ErrorKind::Io(io) = e.kind() {
        if let Some(long) = io
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<source::RecordTooLong>())
        {
            return Fatal(format!("{file}:{}: {long}", long.line));
        }
        if let Some(open) = io
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<source::UnclosedQuote>())
        {
            return Fatal(format!("{file}:{}: {open}", open.line));
        }
        return Fatal(format!("{file}: 读取失败: {io}"));
    }
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    Fatal(format!("{file}:{line}: CSV 格式错误，无法继续读取: {e}"))
}

/// The header is looked for in this many rows from the top of the file or sheet.
pub const HEADER_SEARCH_ROWS: usize = 20;

/// A header row names at least this many known columns; title rows name none.
const HEADER_MIN_KNOWN: usize = 2;

/// A file's rows after its header, with the header and where it was found.
pub(crate) struct Table<'s> {
    /// Send: the household importer reads on a thread of its own.
    source: Box<dyn RowSource + Send + 's>,
    /// Rows read while looking for the header, after it, not yet handed out.
    ahead: VecDeque<SourceRow>,
    /// The header's cells; with a two-row header, the lower row's names where it has them.
    pub header: csv::StringRecord,
    /// The row of the header (its upper row, for a two-row header).
    pub header_line: u64,
    /// Whether the header was recognised by its column names (else the first row is taken as the
    /// header, and the importer's header check says what is wrong with it).
    pub recognised: bool,
    /// The title rows above a recognised header (at most `HEADER_SEARCH_ROWS`): the national
    /// export's area-and-date line (辽宁省朝阳市朝阳县  2019年12月) is read from them.
    pub above: Vec<csv::StringRecord>,
}

impl<'s> Table<'s> {
    /// Read rows until the header: the first of the first `HEADER_SEARCH_ROWS` rows that names at
    /// least two columns `known` recognises; failing that, the file's first row.
    pub fn read(
        mut source: Box<dyn RowSource + Send + 's>,
        known: &dyn Fn(&str) -> bool,
    ) -> Result<Self> {
        let mut ahead = VecDeque::new();
        let mut found = None;
        while ahead.len() < HEADER_SEARCH_ROWS {
            let mut row = SourceRow::default();
            if !source.next_row(&mut row)? {
                break;
            }
            let is_header = known_cells(&row.record, known) >= HEADER_MIN_KNOWN;
            ahead.push_back(row);
            if is_header {
                found = Some(ahead.len() - 1);
                break;
            }
        }
        let recognised = found.is_some();
        let mut above = Vec::new();
        let Some(first) = (match found {
            Some(i) => {
                let mut rows: Vec<SourceRow> = ahead.drain(..=i).collect();
                let header = rows.pop();
                above = rows.into_iter().map(|r| r.record).collect();
                header
            }
            None => ahead.pop_front(),
        }) else {
            return Ok(Table {
                source,
                ahead,
                header: csv::StringRecord::new(),
                header_line: 1,
                recognised: false,
                above,
            });
        };
        let mut table = Table {
            source,
            ahead,
            header: first.record,
            header_line: first.line,
            recognised,
            above,
        };
        if recognised {
            table.merge_lower_header(known)?;
        }
        Ok(table)
    }

    /// A two-row header: the upper row names some columns and groups others under a merged cell
    /// (两不愁三保障 over 不愁吃穿 … 饮水安全); the lower row names the grouped ones. The lower
    /// row is taken into the header when it names a known column where the upper row names none.
    fn merge_lower_header(&mut self, known: &dyn Fn(&str) -> bool) -> Result<()> {
        if self.ahead.is_empty() {
            let mut row = SourceRow::default();
            if !self.source.next_row(&mut row)? {
                return Ok(());
            }
            self.ahead.push_back(row);
        }
        let lower = &self.ahead[0].record;
        let upper = &self.header;
        let fills = |i: usize| upper.get(i).is_none_or(|u| !known(u));
        let names_grouped = lower
            .iter()
            .enumerate()
            .any(|(i, cell)| fills(i) && known(cell));
        if !names_grouped {
            return Ok(());
        }
        let width = upper.len().max(lower.len());
        let merged: csv::StringRecord = (0..width)
            .map(|i| {
                let (u, l) = (upper.get(i).unwrap_or(""), lower.get(i).unwrap_or(""));
                if fills(i) && !l.trim().is_empty() {
                    l
                } else {
                    u
                }
            })
            .collect();
        self.header = merged;
        self.ahead.pop_front();
        Ok(())
    }

    /// The next row below the header, of any role; false at the end.
    pub fn next_row(&mut self, row: &mut SourceRow) -> Result<bool> {
        if let Some(next) = self.ahead.pop_front() {
            *row = next;
            return Ok(true);
        }
        self.source.next_row(row)
    }

    pub fn position(&self) -> u64 {
        self.source.position()
    }
}

/// How many cells of a row name a column `known` recognises.
fn known_cells(record: &csv::StringRecord, known: &dyn Fn(&str) -> bool) -> usize {
    record
        .iter()
        .filter(|c| !c.trim().is_empty() && known(c))
        .count()
}

/// What a row below the header is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RowRole {
    /// Every cell empty.
    Blank,
    /// 合计, 小计, 总计, 共计 (the sums offices add at the end, or under each village).
    Total,
    /// 填表人, 审核人, 注：, 备注：, 说明：, 填报日期 … (the signature and note lines under a form).
    Note,
    Data,
}

const TOTAL_WORDS: &[&str] = &["合计", "小计", "总计", "共计"];

/// What may follow a total word in its cell: `合计：`, `小计（三家子村）`.
const AFTER_TOTAL: &[char] = &['：', ':', '（', '(', '-', '—', '　', ' '];

const NOTE_STARTS: &[&str] = &[
    "注：",
    "注:",
    "备注：",
    "备注:",
    "说明：",
    "说明:",
    "填表说明",
    "填表人",
    "填报人",
    "制表人",
    "审核人",
    "负责人",
    "单位负责人",
    "分管领导",
    "联系人",
    "联系电话",
    "填报日期",
    "填表日期",
    "制表日期",
    "审核日期",
    "数据来源",
];

/// The role of a row below the header. A total row says 合计 (or 小计, 总计, 共计) in one of its
/// first three filled cells; a note line starts, in its first filled cell, with 填表人, 审核人,
/// 注：… A data row does neither: those cells hold periods, codes and names.
pub(crate) fn role(record: &csv::StringRecord) -> RowRole {
    let mut filled = record.iter().map(str::trim).filter(|c| !c.is_empty());
    let Some(first) = filled.next() else {
        return RowRole::Blank;
    };
    // Every word looked for is Chinese: the ASCII cells of a data row (periods, codes) are passed
    // over without a look, so a million-row register pays next to nothing here.
    let squeezed = |c: &str| -> String { c.chars().filter(|ch| !ch.is_whitespace()).collect() };
    if !first.is_ascii() && NOTE_STARTS.iter().any(|n| squeezed(first).starts_with(n)) {
        return RowRole::Note;
    }
    let is_total = |c: &str| {
        if c.is_ascii() {
            return false;
        }
        let c = squeezed(c);
        TOTAL_WORDS.iter().any(|w| {
            (c.ends_with(w) && c.chars().count() <= 8)
                || c.strip_prefix(w)
                    .is_some_and(|rest| rest.starts_with(AFTER_TOTAL))
        })
    };
    if is_total(first) || filled.take(2).any(is_total) {
        return RowRole::Total;
    }
    RowRole::Data
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows from text, as a CSV file; a row of the form `#kinds` is not used here.
    struct Rows(Vec<Vec<&'static str>>, usize);

    impl RowSource for Rows {
        fn next_row(&mut self, row: &mut SourceRow) -> Result<bool> {
            let Some(cells) = self.0.get(self.1) else {
                return Ok(false);
            };
            self.1 += 1;
            row.line = self.1 as u64;
            row.record = cells.iter().copied().collect();
            row.kinds.clear();
            Ok(true)
        }
        fn position(&self) -> u64 {
            self.1 as u64
        }
    }

    fn known(c: &str) -> bool {
        [
            "统计期",
            "户编号",
            "村代码",
            "不愁吃穿",
            "饮水安全",
            "指标",
            "值",
        ]
        .contains(&c.trim())
    }

    fn table(rows: Vec<Vec<&'static str>>) -> (Vec<String>, u64, bool, Vec<u64>) {
        let mut t = Table::read(Box::new(Rows(rows, 0)), &known).unwrap();
        let mut lines = Vec::new();
        let mut row = SourceRow::default();
        while t.next_row(&mut row).unwrap() {
            lines.push(row.line);
        }
        let header = t.header.iter().map(str::to_string).collect();
        (header, t.header_line, t.recognised, lines)
    }

    #[test]
    fn the_header_is_found_under_title_rows() {
        let (header, line, recognised, rest) = table(vec![
            vec!["甲县建档立卡贫困户台账（2019年3月）", "", ""],
            vec!["填报单位：甲县扶贫办", "", ""],
            vec!["", "", ""],
            vec!["统计期", "户编号", "村代码"],
            vec!["2019-03", "H1", "V1"],
        ]);
        assert_eq!(header, ["统计期", "户编号", "村代码"]);
        assert_eq!((line, recognised), (4, true));
        assert_eq!(rest, [5]);
        let t = Table::read(
            Box::new(Rows(
                vec![
                    vec!["明细表", ""],
                    vec!["甲县  2019年3月", ""],
                    vec!["户编号", "村代码"],
                ],
                0,
            )),
            &known,
        )
        .unwrap();
        let above: Vec<&str> = t.above.iter().map(|r| &r[0]).collect();
        assert_eq!(above, ["明细表", "甲县  2019年3月"]);
    }

    #[test]
    fn without_a_recognised_header_the_first_row_is_the_header() {
        let (header, line, recognised, rest) =
            table(vec![vec!["代码", "x"], vec!["1", "2"], vec!["3", "4"]]);
        assert_eq!(
            (header, line, recognised),
            (vec!["代码".into(), "x".into()], 1, false)
        );
        assert_eq!(rest, [2, 3]);
        let (header, line, recognised, rest) = table(vec![]);
        assert_eq!(
            (header.len(), line, recognised, rest.len()),
            (0, 1, false, 0)
        );
    }

    #[test]
    fn a_two_row_header_takes_the_grouped_names_from_its_lower_row() {
        let (header, line, _, rest) = table(vec![
            vec!["统计期", "户编号", "两不愁三保障", ""],
            vec!["", "", "不愁吃穿", "饮水安全"],
            vec!["2019-03", "H1", "是", "是"],
        ]);
        assert_eq!(header, ["统计期", "户编号", "不愁吃穿", "饮水安全"]);
        assert_eq!(line, 1);
        assert_eq!(rest, [3]);
        // A long-form indicator row names an indicator under 指标: data, not a header row.
        let (header, _, _, rest) = table(vec![
            vec!["统计期", "指标", "值"],
            vec!["2019-03", "户籍人口", "1328"],
        ]);
        assert_eq!(header, ["统计期", "指标", "值"]);
        assert_eq!(rest, [2]);
    }

    #[test]
    fn totals_and_notes_are_told_from_data() {
        let r = |cells: &[&str]| role(&cells.iter().copied().collect());
        assert_eq!(r(&["", " ", ""]), RowRole::Blank);
        assert_eq!(r(&["合计", "", "", "382"]), RowRole::Total);
        assert_eq!(r(&["", "合  计", "382"]), RowRole::Total);
        assert_eq!(r(&["2019-03", "三家子村小计", "", "12"]), RowRole::Total);
        assert_eq!(r(&["总计：", "1328"]), RowRole::Total);
        assert_eq!(r(&["填表人：张三", "", "审核人：李四"]), RowRole::Note);
        assert_eq!(r(&["注：收入为上年度人均纯收入"]), RowRole::Note);
        assert_eq!(r(&["备注:无"]), RowRole::Note);
        assert_eq!(r(&["说明：本表由乡镇填报"]), RowRole::Note);
        assert_eq!(
            r(&["2019-03", "H1", "210922-T01-V01", "张合计"]),
            RowRole::Data
        );
        assert_eq!(
            r(&["2019-03", "H1", "210922-T01-V01", "注意"]),
            RowRole::Data
        );
    }
}
