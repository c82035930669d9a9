//! Place names in a bulletin's prose and the place each figure is about.
//!
//! Names come from the region table and the gazetteer (full names and the short forms bulletins
//! use, 岫岩县 for 岫岩满族自治县), and, for townships and villages no table lists, from their
//! suffix (…镇, …乡, …村, …屯) after a known place or a word boundary ("章古台镇三家子村" is one
//! place, 三家子村 under 章古台镇). Words such as 全村, 该县, 市委, 省商务厅 stand for a place the
//! passage implies; a list of places ("岫岩县、义县和建昌县") stands for the region holding them all.
//! `locate` picks the place of a figure: the nearest place of its clause, else the subject of its
//! sentence, else of the sentences before it in the paragraph, else the article's, else the
//! publisher's.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};

pub use super::mention::{is_cjk, Mention, MentionKind, PlaceRef, Provisional};
use super::placewords::*;
use super::reference::Reference;
use super::RegionMatch;
use crate::model::region::Level;

/// The places of one issue: the reference data and the provisional places its text names.
pub struct Places<'r> {
    pub reference: &'r Reference,
    pub provisional: Vec<Provisional>,
    /// The publisher's province, to choose between regions of one name.
    pub home: Option<usize>,
    /// How the text first writes a region with its level suffix ("阜新县" for 阜新蒙古族自治县):
    /// the place is reported as written.
    written: std::collections::HashMap<usize, String>,
}

fn implicit_matcher() -> &'static AhoCorasick {
    static M: OnceLock<AhoCorasick> = OnceLock::new();
    M.get_or_init(|| {
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(IMPLICIT.iter().map(|(w, _)| *w))
            .unwrap_or_else(|_| AhoCorasick::new(["全村"]).expect("one literal pattern"))
    })
}

impl<'r> Places<'r> {
    pub fn new(reference: &'r Reference) -> Places<'r> {
        Places {
            reference,
            provisional: Vec::new(),
            home: None,
            written: std::collections::HashMap::new(),
        }
    }

    pub fn name(&self, p: PlaceRef) -> &str {
        match p {
            PlaceRef::Entry(i) => &self.reference.regions[i].name,
            PlaceRef::Provisional(i) => &self.provisional[i].name,
        }
    }

    /// The place as the text writes it (阜新县), else its name in the tables.
    pub fn display(&self, p: PlaceRef) -> &str {
        match p {
            PlaceRef::Entry(i) => self
                .written
                .get(&i)
                .map(String::as_str)
                .unwrap_or(self.name(p)),
            PlaceRef::Provisional(_) => self.name(p),
        }
    }

    pub fn level(&self, p: PlaceRef) -> Level {
        match p {
            PlaceRef::Entry(i) => self.reference.regions[i].level,
            PlaceRef::Provisional(i) => self.provisional[i].level,
        }
    }

    pub fn parent(&self, p: PlaceRef) -> Option<PlaceRef> {
        match p {
            PlaceRef::Entry(i) => self.reference.regions[i].parent.map(PlaceRef::Entry),
            PlaceRef::Provisional(i) => self.provisional[i].parent,
        }
    }

    /// The place and its ancestors, nearest first.
    pub fn ancestry(&self, p: PlaceRef) -> Vec<PlaceRef> {
        let mut out = vec![p];
        while let Some(up) = out.last().and_then(|&q| self.parent(q)) {
            if out.contains(&up) || out.len() > 8 {
                break;
            }
            out.push(up);
        }
        out
    }

    pub fn at_level(&self, p: PlaceRef, level: Level) -> Option<PlaceRef> {
        self.ancestry(p)
            .into_iter()
            .find(|&q| self.level(q) == level)
    }

    fn common_ancestor(&self, places: &[PlaceRef]) -> Option<PlaceRef> {
        let first = *places.first()?;
        self.ancestry(first)
            .into_iter()
            .find(|a| places.iter().all(|&p| self.ancestry(p).contains(a)))
    }

    /// The region code of a place, or what to create for it.
    pub fn region_match(&self, p: PlaceRef) -> RegionMatch {
        match p {
            PlaceRef::Entry(i) => RegionMatch::Known {
                code: self.reference.regions[i].code.clone(),
                in_table: self.reference.regions[i].in_table,
            },
            PlaceRef::Provisional(i) => {
                let pr = &self.provisional[i];
                let parent = pr.parent.map(|up| Box::new(self.region_match(up)));
                RegionMatch::Provisional {
                    name: pr.name.clone(),
                    level: pr.level,
                    parent_code: parent.as_ref().and_then(|p| p.code().map(str::to_string)),
                    parent,
                }
            }
        }
    }

    fn provisional(&mut self, name: &str, level: Level, parent: Option<PlaceRef>) -> PlaceRef {
        if let Some(i) = self.provisional.iter().position(|p| {
            p.name == name && p.level == level && (p.parent == parent || parent.is_none())
        }) {
            return PlaceRef::Provisional(i);
        }
        self.provisional.push(Provisional {
            name: name.to_string(),
            level,
            parent,
        });
        PlaceRef::Provisional(self.provisional.len() - 1)
    }

    /// The mentions of places in `text[range]` (byte offsets of the whole text), in order. Places
    /// inside 《》 titles are not mentions.
    pub fn mentions(&mut self, text: &str, range: std::ops::Range<usize>) -> Vec<Mention> {
        let para = &text[range.clone()];
        let base = range.start;
        let titles = book_titles(para);
        let in_title = |at: usize| titles.iter().any(|t| t.contains(&at));
        let mut found: Vec<Mention> = Vec::new();
        // Known names, leftmost-longest.
        for m in self.reference.matcher().find_iter(para) {
            let (m_start, m_end, pattern) = (m.start, m.end, m.pattern);
            if in_title(m_start) {
                continue;
            }
            let s = &para[m_start..m_end];
            let before = para[..m_start].chars().last();
            // 义县 (one character and a suffix) only at a word boundary: not 主义县.
            if s.chars().count() == 2
                && before.is_some_and(|c| is_cjk(c) && !BEFORE_DEPARTMENT.contains(&c))
                && found.last().is_none_or(|f| f.end - base != m_start)
            {
                continue;
            }
            let prev = found
                .last()
                .filter(|f| f.end - base == m_start)
                .and_then(|f| match f.kind {
                    MentionKind::Named(p) => Some(p),
                    _ => None,
                });
            // 榆林镇 is no 榆林(市): a short name followed by a level suffix is part of a longer one.
            let next = para[m_end..].chars().next();
            let all_short = self.reference.aliases(pattern).iter().all(|a| a.short);
            if all_short && next.is_some_and(|c| "镇乡村屯县市区旗街州盟".contains(c)) {
                continue;
            }
            let entry = self.choose(pattern, prev);
            if s.ends_with(|c: char| "省市县区镇乡村旗屯州盟".contains(c)) {
                self.written.entry(entry).or_insert_with(|| s.to_string());
            }
            found.push(Mention {
                start: base + m_start,
                end: base + m_end,
                kind: MentionKind::Named(PlaceRef::Entry(entry)),
                locative: false,
                comparative: false,
                members: Vec::new(),
                place: None,
            });
        }
        // 全村, 村里 first: 互换并地后村里 holds no village 地后村.
        self.implicit(para, base, &titles, &mut found);
        self.local_names(para, base, &titles, &mut found);
        found.sort_by_key(|m| m.start);
        for m in &mut found {
            let before = text[range.start..m.start].trim_end_matches('了');
            m.locative = LOCATIVE.iter().any(|w| before.ends_with(w));
            m.comparative = COMPARATIVE.iter().any(|w| before.ends_with(w));
        }
        let chained = self.chain(found);
        let (mut grouped, members) = group_lists(text, chained);
        for (m, places) in grouped.iter_mut().zip(members) {
            if m.kind == MentionKind::List {
                let mut distinct: Vec<PlaceRef> = Vec::new();
                for p in places {
                    if !distinct.contains(&p) {
                        distinct.push(p);
                    }
                }
                m.place = self.common_ancestor(&distinct);
                m.members = distinct;
            }
        }
        grouped
    }

    /// Which region an alias means: one under the place just before it (彰武县章古台镇), else one
    /// in the publisher's province, else a full name, a table region, a higher level.
    fn choose(&self, pattern: usize, prev: Option<PlaceRef>) -> usize {
        let aliases = self.reference.aliases(pattern);
        let r = self.reference;
        let score = |a: &super::reference::Alias| {
            let under_prev = match prev {
                Some(PlaceRef::Entry(p)) => r.is_within(a.entry, p) && a.entry != p,
                _ => false,
            };
            let in_home = self.home.is_some_and(|h| r.is_within(a.entry, h));
            let e = &r.regions[a.entry];
            (
                under_prev,
                in_home,
                !a.short,
                e.in_table,
                std::cmp::Reverse(e.level),
            )
        };
        aliases
            .iter()
            .max_by_key(|a| score(a))
            .map(|a| a.entry)
            .unwrap_or(0)
    }

    /// Townships and villages named by their suffix: 三家子村, 拉拉屯村, 大定堡乡.
    fn local_names(
        &mut self,
        para: &str,
        base: usize,
        titles: &[std::ops::Range<usize>],
        found: &mut Vec<Mention>,
    ) {
        let chars: Vec<(usize, char)> = para.char_indices().collect();
        let mut k = 0;
        while k < chars.len() {
            let at = chars[k].0;
            let rest = &para[at..];
            let Some(&(suffix, level)) = LOCAL_SUFFIXES.iter().find(|(s, _)| rest.starts_with(s))
            else {
                k += 1;
                continue;
            };
            // 乡村, 乡镇, 村落: the suffix character starts another word; 拉拉屯村 ends at 村.
            if NOT_SUFFIX.iter().any(|w| rest.starts_with(w)) {
                k += 1;
                continue;
            }
            let end = at + suffix.len();
            let covered = |o: usize| found.iter().any(|f| (f.start..f.end).contains(&(base + o)));
            if covered(at) || titles.iter().any(|t| t.contains(&at)) {
                k += 1;
                continue;
            }
            // The name runs back from the suffix over name characters, to the end of a place
            // just before it at most.
            let prev_end = found
                .iter()
                .filter(|f| f.end <= base + at)
                .map(|f| f.end - base)
                .max();
            let mut b = k;
            while b > 0 {
                let (o, c) = chars[b - 1];
                if prev_end == Some(o + c.len_utf8()) || !is_cjk(c) || NOT_IN_NAME.contains(&c) {
                    break;
                }
                b -= 1;
            }
            let chained = prev_end == Some(chars[b].0);
            let mut start = chars.get(b).map(|c| c.0).unwrap_or(at);
            let mut body = &para[start..at];
            if !chained {
                if let Some(w) = LEADING_WORDS.iter().find(|w| body.starts_with(*w)) {
                    start += w.len();
                    body = &para[start..at];
                }
            }
            let n = body.chars().count();
            let max = if body.contains('族') { 5 } else { 4 };
            if !chained && n > 3 {
                // No boundary in sight: the usual two or three characters.
                let skip = n - 3;
                start += body.chars().take(skip).map(char::len_utf8).sum::<usize>();
                body = &para[start..at];
            }
            let name = &para[start..end];
            let n = body.chars().count();
            // 今年村里…: a time word, not a name.
            let timeword = ["今年", "去年", "明年", "当年", "近年", "全年", "每年"]
                .iter()
                .any(|w| body.starts_with(w));
            if timeword || n < 2 || n > max || GENERIC.iter().any(|g| name.ends_with(g)) {
                k += 1;
                continue;
            }
            let parent = if chained {
                found
                    .iter()
                    .find(|f| f.end - base == start)
                    .and_then(|f| match f.kind {
                        MentionKind::Named(p) if self.level(p) < level => Some(p),
                        _ => None,
                    })
            } else {
                None
            };
            let place = self.provisional(name, level, parent);
            found.push(Mention {
                start: base + start,
                end: base + end,
                kind: MentionKind::Named(place),
                locative: false,
                comparative: false,
                members: Vec::new(),
                place: None,
            });
            found.sort_by_key(|m| m.start);
            k += suffix.chars().count();
        }
    }

    /// 全村, 该县, 市委, 市直, 省商务厅, 县扶贫办 …
    fn implicit(
        &self,
        para: &str,
        base: usize,
        titles: &[std::ops::Range<usize>],
        found: &mut Vec<Mention>,
    ) {
        let free = |s: usize, e: usize, found: &[Mention]| {
            !titles.iter().any(|t| t.contains(&s))
                && !found.iter().any(|f| f.start < base + e && base + s < f.end)
        };
        for m in implicit_matcher().find_iter(para) {
            if free(m.start(), m.end(), found) {
                found.push(Mention {
                    start: base + m.start(),
                    end: base + m.end(),
                    kind: MentionKind::Implicit(IMPLICIT[m.pattern().as_usize()].1),
                    locative: false,
                    comparative: false,
                    members: Vec::new(),
                    place: None,
                });
            }
        }
        for (at, c) in para.char_indices() {
            let level = match c {
                '省' => Level::Province,
                '市' => Level::City,
                '县' => Level::County,
                _ => continue,
            };
            let mut back = para[..at].chars().rev();
            let before = back.next();
            // "40家市直有关部门": a counter after a number may stand before it too.
            let counted = matches!(before, Some('家' | '个' | '名' | '位'))
                && back.next().is_some_and(|c| c.is_ascii_digit());
            if before.is_some_and(|b| !BEFORE_DEPARTMENT.contains(&b)) && !counted {
                continue;
            }
            let rest = &para[at + c.len_utf8()..];
            let organ = ORGAN_WORDS
                .iter()
                .find(|w| rest.starts_with(*w))
                .map(|w| w.len());
            let department = || {
                let mut len = 0;
                for (n, d) in rest.chars().enumerate() {
                    if n >= 8 || !is_cjk(d) {
                        return None;
                    }
                    len += d.len_utf8();
                    if n >= 1 && DEPARTMENT_ENDS.contains(&d) {
                        return Some(len);
                    }
                }
                None
            };
            let Some(len) = organ.or_else(department) else {
                continue;
            };
            let end = at + c.len_utf8() + len;
            if free(at, end, found) {
                found.push(Mention {
                    start: base + at,
                    end: base + end,
                    kind: MentionKind::Implicit(level),
                    locative: false,
                    comparative: false,
                    members: Vec::new(),
                    place: None,
                });
            }
        }
    }

    /// "彰武县章古台镇三家子村": a place right after its ancestor is one mention, the most specific.
    fn chain(&mut self, found: Vec<Mention>) -> Vec<Mention> {
        let mut out: Vec<Mention> = Vec::new();
        for m in found {
            if let Some(last) = out.last_mut() {
                if let (MentionKind::Named(a), MentionKind::Named(b)) = (last.kind, m.kind) {
                    if last.end == m.start && self.level(a) < self.level(b) {
                        if let PlaceRef::Provisional(i) = b {
                            if self.provisional[i].parent.is_none() {
                                self.provisional[i].parent = Some(a);
                            }
                        }
                        last.end = m.end;
                        last.kind = MentionKind::Named(b);
                        continue;
                    }
                }
            }
            out.push(m);
        }
        out
    }

    /// Resolve each mention of an article in reading order: a named place is itself; an implicit
    /// one is the article's place at that level, else the last named place of that level, else
    /// the publisher's; a list is the region holding all its places.
    pub fn resolve(
        &self,
        mentions: &mut [Mention],
        article: Option<PlaceRef>,
        publisher: Option<PlaceRef>,
        recent: &mut Vec<PlaceRef>,
    ) {
        for m in mentions.iter_mut() {
            m.place = match m.kind {
                MentionKind::Named(p) => {
                    recent.push(p);
                    Some(p)
                }
                MentionKind::List => m.place,
                MentionKind::Implicit(level) => self.current(level, article, publisher, recent),
            };
        }
    }

    fn current(
        &self,
        level: Level,
        article: Option<PlaceRef>,
        publisher: Option<PlaceRef>,
        recent: &[PlaceRef],
    ) -> Option<PlaceRef> {
        article
            .and_then(|a| self.at_level(a, level))
            .or_else(|| recent.iter().rev().find_map(|&p| self.at_level(p, level)))
            .or_else(|| publisher.and_then(|p| self.at_level(p, level)))
    }
}

/// Spans of 《…》 titles (laws, plans, documents): names inside are not places of the text.
fn book_titles(para: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut open = None;
    for (at, c) in para.char_indices() {
        match c {
            '《' => open = Some(at),
            '》' => {
                if let Some(s) = open.take() {
                    out.push(s..at + c.len_utf8());
                }
            }
            _ => {}
        }
    }
    out
}
