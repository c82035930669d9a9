//! Where the columns of a file are: headers matched by Chinese name or English alias (any case,
//! spaces and full width ignored), and the cells of a row addressed by contract column.
//!
//! Every importer addresses its columns the same way: by the index of the column in its contract
//! list (`import::contract`, e.g. `contract::households::VILLAGE` in `HOUSEHOLDS`), through a
//! `Header` made from the file's header row (found by `import::layout`, under any title rows).

use crate::import::contract::Column;

/// Header matching ignores surrounding spaces (including full-width ones) and ASCII case.
pub fn header_key(h: &str) -> String {
    crate::model::cell::normalize_width(h)
        .trim()
        .to_ascii_lowercase()
}

/// Whether a header cell names `column` (its Chinese name, its English alias, or a name the national
/// system uses for it: `contract::HEADER_SYNONYMS`).
pub fn is_header_of(header: &str, column: &Column) -> bool {
    let key = header_key(header);
    key == header_key(column.zh)
        || key == header_key(column.en)
        || crate::import::contract::HEADER_SYNONYMS
            .iter()
            .any(|(other, zh)| *zh == column.zh && key == header_key(other))
}

/// Where each contract column sits in a file's header.
pub(crate) struct Header {
    spec: &'static [Column],
    /// The headers as written in the file (trimmed; for messages).
    pub names: Vec<String>,
    /// For each spec column, its index in the file.
    pub index: Vec<Option<usize>>,
}

impl Header {
    /// Map a file's header onto `spec`. Returns the header and the unknown columns (index in the
    /// file, header as written); a column named twice is unknown the second time.
    pub fn map(raw: &csv::StringRecord, spec: &'static [Column]) -> (Header, Vec<(usize, String)>) {
        let names: Vec<String> = raw.iter().map(|h| h.trim().to_string()).collect();
        let mut index = vec![None; spec.len()];
        let mut unknown = Vec::new();
        for (i, name) in names.iter().enumerate() {
            match spec.iter().position(|c| is_header_of(name, c)) {
                Some(s) if index[s].is_none() => index[s] = Some(i),
                _ => unknown.push((i, name.clone())),
            }
        }
        (Header { spec, names, index }, unknown)
    }

    /// The cell of spec column `s`, trimmed; "" when the column is absent or the row is short.
    pub fn cell<'r>(&self, record: &'r csv::StringRecord, s: usize) -> &'r str {
        self.index[s]
            .and_then(|i| record.get(i))
            .map(str::trim)
            .unwrap_or("")
    }

    /// Each contract column the file has, with its index in the file.
    pub fn found(&self) -> impl Iterator<Item = (&'static Column, usize)> + '_ {
        self.spec
            .iter()
            .zip(&self.index)
            .filter_map(|(c, i)| i.map(|i| (c, i)))
    }

    /// The header of spec column `s` as the file wrote it (or the Chinese name).
    pub fn name(&self, s: usize) -> &str {
        self.index[s]
            .map(|i| self.names[i].as_str())
            .unwrap_or(self.spec[s].zh)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::contract::{regions, REGIONS};

    #[test]
    fn headers_match_by_name_or_alias_and_a_repeat_is_unknown() {
        let raw = csv::StringRecord::from(vec![" 名称 ", "CODE", "ｌｅｖｅｌ", "名称", "x"]);
        let (h, unknown) = Header::map(&raw, REGIONS);
        assert_eq!(h.index[regions::CODE], Some(1));
        assert_eq!(h.index[regions::NAME], Some(0));
        assert_eq!(h.index[regions::LEVEL], Some(2));
        assert_eq!(h.index[regions::PARENT], None);
        assert_eq!(unknown, [(3, "名称".to_string()), (4, "x".to_string())]);
        assert_eq!(h.name(regions::NAME), "名称");
        assert_eq!(h.name(regions::PARENT), "上级代码");
        let row = csv::StringRecord::from(vec!["三家子村", " 2109 "]);
        assert_eq!(h.cell(&row, regions::CODE), "2109");
        assert_eq!(h.cell(&row, regions::LEVEL), "");
    }
}
