//! A household's village from its place cells, and the end of the file: every place problem
//! listed once with its row count, the vocabulary's unknown values as warnings, the snapshot
//! finished.

use anyhow::Result;

use super::household::Household;
use super::places::{name_key, Unresolved};
use super::{LastPlace, PlaceProblem, Reader};
use crate::import::contract::national::{COUNTY, REGION_CODE, RELATION, TOWNSHIP, VILLAGE};
use crate::import::contract::NATIONAL;
use crate::import::reader::Problems;
use crate::model::period::Period;
use crate::model::region::{Level, RegionSource};
use crate::output::privacy::mask_quoted_names;

/// A place problem of the household: (message, the cell's column).
type Refused = (String, usize);

impl Reader<'_, '_> {
    /// The village and county of a household, or None when its place is a problem (recorded for
    /// the end of the file, its `rows` counted invalid now).
    pub(super) fn place(
        &mut self,
        h: &Household,
        rows: u64,
        problems: &mut Problems,
    ) -> Result<Option<(String, String)>> {
        let cells =
            [COUNTY, TOWNSHIP, VILLAGE, REGION_CODE].map(|s| h.text(s).unwrap_or("").to_string());
        let found = match self.last_place.as_ref().filter(|l| l.cells == cells) {
            Some(last) => last.found.clone(),
            None => {
                let found = match self.resolve(h, &cells, problems)? {
                    Ok(place) => Ok(place),
                    Err((message, s)) => Err(self.place_problem(message, s, h)),
                };
                self.last_place = Some(LastPlace {
                    cells,
                    found: found.clone(),
                });
                return self.counted(found, rows, problems);
            }
        };
        if let Err(i) = &found {
            self.place_problems[*i].rows += h.rows;
        }
        self.counted(found, rows, problems)
    }

    fn counted(
        &mut self,
        found: Result<(String, String), usize>,
        rows: u64,
        problems: &mut Problems,
    ) -> Result<Option<(String, String)>> {
        match found {
            Ok(place) => Ok(Some(place)),
            Err(_) => {
                problems.summary.invalid += rows;
                Ok(None)
            }
        }
    }

    /// The index of the problem `message` in the list (added, or its rows counted).
    fn place_problem(&mut self, message: String, s: usize, h: &Household) -> usize {
        if let Some(i) = self
            .place_problems
            .iter()
            .position(|p| p.message == message)
        {
            self.place_problems[i].rows += h.rows;
            return i;
        }
        self.place_problems.push(PlaceProblem {
            line: h.line_of(s),
            column: self.header.name(s).to_string(),
            message,
            rows: h.rows,
        });
        self.place_problems.len() - 1
    }

    fn resolve(
        &mut self,
        h: &Household,
        cells: &[String; 4],
        problems: &mut Problems,
    ) -> Result<Result<(String, String), Refused>> {
        let [county_cell, township_cell, village_cell, code_cell] = cells;
        let scope = self.ctx.opts.county.as_deref();
        if !code_cell.is_empty() {
            let code = crate::model::code::normalize_code(code_cell).unwrap_or_default();
            match self.regions.get(&code) {
                Some((Level::Village, Some(county))) => {
                    if let Some(want) = scope.filter(|w| *w != county) {
                        return Ok(Err((
                            format!(
                                "行政区划代码 {code:?} 属于县 {county}，不属于 --county {want} 指定的县，不能导入 (outside the county)"
                            ),
                            REGION_CODE,
                        )));
                    }
                    return Ok(Ok((code.into_owned(), county.to_string())));
                }
                Some((level, _)) => {
                    return Ok(Err((
                        format!(
                            "行政区划代码 {code:?} 是{}级区划，不是村 (not a village)",
                            level.chinese()
                        ),
                        REGION_CODE,
                    )))
                }
                // A code the table lacks (official codes over provisional ones): the names decide.
                None if !village_cell.is_empty() => self.unknown_codes += h.rows,
                None => {
                    return Ok(Err((
                        format!("行政区划代码 {code:?} 不在区划表中 (unknown region code)"),
                        REGION_CODE,
                    )))
                }
            }
        }
        let county = if county_cell.is_empty() {
            match &self.file_county {
                Some(c) => c.clone(),
                None => {
                    return Ok(Err((
                        "无法确定县：本文件没有 县(市、区、旗) 列，表头上方也没有县名；请用 --county 指定 (no county)".to_string(),
                        COUNTY,
                    )))
                }
            }
        } else {
            match self.places.county(county_cell) {
                super::places::Match::One(code) => {
                    if let Some(want) = scope.filter(|w| *w != code) {
                        return Ok(Err((
                            format!(
                                "县 {:?} 是 {}，不是 --county {want} 指定的县，不能导入 (outside the county)",
                                name_key(county_cell),
                                self.places.describe(&code)
                            ),
                            COUNTY,
                        )));
                    }
                    code
                }
                super::places::Match::None => {
                    return Ok(Err((
                        format!(
                            "县 {:?} 不在区划表中 (unknown county)",
                            name_key(county_cell)
                        ),
                        COUNTY,
                    )))
                }
                super::places::Match::Many(codes) => {
                    return Ok(Err((
                        self.ambiguous(Level::County, county_cell, &codes),
                        COUNTY,
                    )))
                }
            }
        };
        if village_cell.is_empty() {
            return Ok(Err((
                "行政村 为空：没有行政村名称就找不到户所在的村 (no village)".to_string(),
                VILLAGE,
            )));
        }
        let township = Some(township_cell.as_str()).filter(|t| !t.is_empty());
        match self.places.village(&county, township, village_cell) {
            Ok(code) => Ok(Ok((code, county))),
            Err(u)
                if self.ctx.opts.add_villages && u.candidates.is_empty() && township.is_some() =>
            {
                let source = RegionSource {
                    batch_id: self.ctx.batch_id,
                    line: h.first_line,
                    quote_id: None,
                };
                // The writer's thread holds the connection: the places go there and back.
                let mut places = std::mem::take(&mut self.places);
                let (county_code, township, village) =
                    (county.clone(), township_cell.clone(), village_cell.clone());
                let (places, added) = self.link.call(move |conn| {
                    let added =
                        places.add_village(conn, &source, &county_code, &township, &village);
                    (places, added)
                })?;
                self.places = places;
                let (code, added) = added?;
                problems.summary.added_regions.extend(added);
                Ok(Ok((code, county)))
            }
            Err(u) => Ok(Err(self.unresolved(&u, township.is_some()))),
        }
    }

    fn ambiguous(&self, level: Level, name: &str, codes: &[String]) -> String {
        let all: Vec<String> = codes.iter().map(|c| self.places.describe(c)).collect();
        format!(
            "{}名称 {:?} 对应多个区划：{}；请写全名或提供 行政区划代码 (ambiguous place)",
            level.chinese(),
            name_key(name),
            all.join("、")
        )
    }

    fn unresolved(&self, u: &Unresolved, has_township: bool) -> Refused {
        let column = if u.level == Level::Township {
            TOWNSHIP
        } else {
            VILLAGE
        };
        if !u.candidates.is_empty() {
            return (self.ambiguous(u.level, &u.name, &u.candidates), column);
        }
        let hint = if has_township {
            "；可用 --add-villages 把它作为临时区划新增"
        } else {
            ""
        };
        (
            format!(
                "{} {:?} 在 {}中找不到{hint} (unknown {})",
                NATIONAL[column].zh,
                u.name,
                self.places.describe(&u.within),
                u.level.code()
            ),
            column,
        )
    }

    /// After the last row: the last household, the place problems and unknown values. Returns
    /// the file's month.
    pub(super) fn finish(mut self, problems: &mut Problems) -> Result<Option<Period>> {
        if let Some(h) = self.current.take() {
            self.finish_household(h, problems)?;
        }
        for pp in &self.place_problems {
            problems.for_rows(0, |p| {
                p.add(
                    pp.line,
                    Some(&pp.column),
                    match pp.message.rsplit_once(" (") {
                        Some((zh, en)) => format!("{zh}：共 {} 行 ({en}", pp.rows),
                        None => format!("{}：共 {} 行", pp.message, pp.rows),
                    },
                )
            });
        }
        let show = self.ctx.opts.show_names;
        for ((s, value), rows, line) in &self.unknown_values {
            let treated = if *s == RELATION {
                "按家庭成员处理"
            } else {
                "按未填报处理"
            };
            let text = format!(
                "{}: [{}] 值 {value:?} 不在取值表（data/national-values.csv，可编辑后 init --data 载入）中，{treated}：共 {rows} 行 (unknown value)",
                problems.at(*line, self.header.index[*s]),
                self.header.name(*s)
            );
            let text = if show {
                text
            } else {
                mask_quoted_names(&text).into_owned()
            };
            problems.summary.warnings.push(text);
        }
        if self.unknown_codes > 0 {
            problems.summary.warnings.push(format!(
                "{}: {} 行的 行政区划代码 不在区划表中，已按 县/乡(镇)/行政村 名称匹配 (region codes unknown, matched by name)",
                problems.at(self.header_line(), None),
                self.unknown_codes
            ));
        }
        if let Some(p) = self.period {
            problems.summary.periods.push(p);
        }
        self.link.finish()?;
        Ok(self.period)
    }

    fn header_line(&self) -> u64 {
        self.header_line
    }
}
