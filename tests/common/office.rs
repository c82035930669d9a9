//! Reading back the office files tuopin writes: the parts of a zip package (.xlsx, .docx), their
//! XML parsed by a real parser (roxmltree), the cells of a workbook through calamine, and the fill
//! colour of a workbook cell through its style.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx};

/// Every part of a zip package by name.
pub fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip package");
    let mut parts = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        if f.is_dir() {
            continue;
        }
        let mut buf = Vec::new();
        f.read_to_end(&mut buf).unwrap();
        parts.insert(f.name().unwrap().to_string(), buf);
    }
    parts
}

/// A part as text, parsed.
pub fn xml<'a>(parts: &'a BTreeMap<String, Vec<u8>>, name: &str) -> roxmltree::Document<'a> {
    let text = std::str::from_utf8(parts.get(name).unwrap_or_else(|| panic!("no part {name}")))
        .expect("UTF-8 XML");
    roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Elements of `doc` with the local name `name`, in document order.
pub fn elements<'a, 'i>(
    doc: &'a roxmltree::Document<'i>,
    name: &'a str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> + 'a {
    doc.descendants()
        .filter(move |n| n.is_element() && n.tag_name().name() == name)
}

/// An attribute by local name, whatever its namespace.
pub fn attr<'a>(n: &roxmltree::Node<'a, '_>, name: &str) -> Option<&'a str> {
    n.attributes().find(|a| a.name() == name).map(|a| a.value())
}

/// A workbook's sheets: name and cells, as calamine reads them.
pub fn sheets(bytes: &[u8]) -> Vec<(String, calamine::Range<Data>)> {
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("an xlsx workbook");
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).expect("sheet");
            (name, range)
        })
        .collect()
}

/// A row of a sheet as text (numbers as Rust prints them), for comparisons.
pub fn row_text(range: &calamine::Range<Data>, row: usize) -> Vec<String> {
    (0..range.width())
        .map(|c| match range.get((row, c)) {
            Some(Data::String(s)) => s.clone(),
            Some(Data::Float(f)) => f.to_string(),
            Some(Data::Int(i)) => i.to_string(),
            Some(Data::Empty) | None => String::new(),
            Some(other) => format!("{other:?}"),
        })
        .collect()
}

/// The fill colour (`RRGGBB`) of cell `reference` (`F2`) of the `n`th sheet (1-based), from the
/// cell's style in `xl/styles.xml`; None when it has no solid fill.
pub fn fill_of(parts: &BTreeMap<String, Vec<u8>>, n: usize, reference: &str) -> Option<String> {
    let sheet = xml(parts, &format!("xl/worksheets/sheet{n}.xml"));
    let cell = elements(&sheet, "c").find(|c| attr(c, "r") == Some(reference))?;
    let style: usize = attr(&cell, "s")?.parse().ok()?;
    let styles = xml(parts, "xl/styles.xml");
    let xfs = elements(&styles, "cellXfs").next()?;
    let xf = xfs.children().filter(|n| n.is_element()).nth(style)?;
    let fill_id: usize = attr(&xf, "fillId")?.parse().ok()?;
    let fills = elements(&styles, "fills").next()?;
    let fill = fills.children().filter(|n| n.is_element()).nth(fill_id)?;
    let fg = fill
        .descendants()
        .find(|n| n.tag_name().name() == "fgColor")?;
    let argb = attr(&fg, "rgb")?;
    Some(argb[argb.len() - 6..].to_string())
}
