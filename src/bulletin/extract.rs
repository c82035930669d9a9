//! The facts of an issue, by the labelling guide (`docs/bulletin-facts.md`): every number that
//! measures something, with its unit (multiplier applied), qualifier, place, indicator and period.
//! Not facts: dates and years, issue and document numbers, list markers, phone numbers and
//! e-mail, numbers inside names (111工程, 5人制), counted words (五个一批, 一户一策).

use std::ops::Range;

use super::figure::{figure, skip_spaces};
use super::indicators::{match_change, match_indicator};
use super::numbers::{self, is_space, Quantity};
use super::phrase::{phrase, Role};
use super::places::{Mention, MentionKind, PlaceRef, Places};
use super::reference::Reference;
use super::time;
use super::{IndicatorMatch, Issue, Proposal, RegionMatch};
use crate::model::period::Period;
use crate::model::region::Level;

fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '!' | '?')
}

fn is_clause_end(c: char) -> bool {
    is_sentence_end(c) || matches!(c, '，' | '；' | ';' | '：' | ':')
}

/// Sentence and clause boundaries of a paragraph (byte offsets into `text`).
struct Layout {
    sentences: Vec<Range<usize>>,
    clauses: Vec<Range<usize>>,
}

fn layout(text: &str, range: Range<usize>) -> Layout {
    let para = &text[range.clone()];
    let chars: Vec<(usize, char)> = para.char_indices().collect();
    let mut sentences = Vec::new();
    let mut clauses = Vec::new();
    let (mut s0, mut c0) = (0, 0);
    let digit = |k: usize| chars.get(k).is_some_and(|&(_, c)| c.is_ascii_digit());
    for k in 0..chars.len() {
        let (o, c) = chars[k];
        let ascii_end = match c {
            // 1.3 and 1,328 are numbers, not ends.
            '.' => !(k > 0 && digit(k - 1) && digit(k + 1)),
            ',' => !(k > 0 && digit(k - 1) && digit(k + 1)),
            _ => false,
        };
        let sentence_end = is_sentence_end(c) || (c == '.' && ascii_end);
        let clause_end = sentence_end || is_clause_end(c) || (c == ',' && ascii_end);
        if !clause_end {
            continue;
        }
        // Closing quotes after the mark belong to the sentence.
        let mut end = o + c.len_utf8();
        let mut j = k + 1;
        while let Some(&(oj, cj)) = chars.get(j) {
            if matches!(cj, '”' | '’' | '」' | '）' | ')' | '"') {
                end = oj + cj.len_utf8();
                j += 1;
            } else {
                break;
            }
        }
        clauses.push(range.start + c0..range.start + end);
        c0 = end;
        if sentence_end {
            sentences.push(range.start + s0..range.start + end);
            s0 = end;
        }
    }
    if s0 < para.len() {
        sentences.push(range.start + s0..range.end);
    }
    if c0 < para.len() {
        clauses.push(range.start + c0..range.end);
    }
    Layout { sentences, clauses }
}

fn containing(spans: &[Range<usize>], at: usize) -> usize {
    spans
        .iter()
        .position(|r| r.contains(&at))
        .unwrap_or(spans.len().saturating_sub(1))
}

/// Byte ranges of `para` where numbers are not figures: 《titles》, short “quoted names”,
/// document numbers 〔2018〕23号, e-mail addresses and links.
fn masks(para: &str, base: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut open: Option<(char, usize)> = None;
    for (at, c) in para.char_indices() {
        match (c, open) {
            ('《', _) => open = Some(('》', at)),
            ('“', None) => open = Some(('”', at)),
            ('〔' | '［' | '[', None) => open = Some(('号', at)),
            (close, Some((want, s))) if close == want => {
                let end = at + c.len_utf8();
                let inner = para[s..end].chars().count();
                if want != '”' || inner <= 12 {
                    out.push(base + s..base + end);
                }
                open = None;
            }
            ('。' | '；', Some(('号', _))) => open = None,
            _ => {}
        }
    }
    // e-mail and web addresses: a run of ASCII around @ or ://
    let bytes = para.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_alphanumeric()
            || matches!(bytes[i], b'.' | b'@' | b'_' | b'-' | b'/' | b':')
        {
            let s = i;
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric()
                    || matches!(bytes[i], b'.' | b'@' | b'_' | b'-' | b'/' | b':'))
            {
                i += 1;
            }
            let run = &para[s..i];
            if run.contains('@') || run.contains("://") || run.starts_with("www.") {
                out.push(base + s..base + i);
            }
        } else {
            i += 1;
        }
    }
    out
}

/// The place of a figure at `at..end` of a paragraph: the nearest place of its clause; else the
/// subject (first place not after 在/到…) of the clauses before it in its sentence; else of the
/// sentences before it in the paragraph.
fn locate(mentions: &[Mention], layout: &Layout, at: usize, end: usize) -> Option<PlaceRef> {
    let clause = &layout.clauses[containing(&layout.clauses, at)];
    let si = containing(&layout.sentences, at);
    let sentence = &layout.sentences[si];
    let placed = |m: &&Mention| m.place.is_some() && !m.comparative;
    let nearest = mentions
        .iter()
        .filter(placed)
        .filter(|m| m.start >= clause.start && m.end <= clause.end)
        .filter(|m| m.end <= at || m.start >= end)
        .min_by_key(|m| {
            if m.end <= at {
                (at - m.end, 0)
            } else {
                (m.start - end, 1)
            }
        });
    if let Some(m) = nearest {
        return m.place;
    }
    let subject = |range: Range<usize>, limit: usize| {
        let inside: Vec<&Mention> = mentions
            .iter()
            .filter(placed)
            .filter(|m| m.start >= range.start && m.end <= limit.min(range.end))
            .collect();
        inside
            .iter()
            .find(|m| !m.locative)
            .or(inside.last())
            .and_then(|m| m.place)
    };
    if let Some(p) = subject(sentence.start..clause.start, clause.start) {
        return Some(p);
    }
    (0..si)
        .rev()
        .find_map(|k| subject(layout.sentences[k].clone(), layout.sentences[k].end))
}

/// The facts of one issue.
pub fn propose(issue: &Issue, index: usize, reference: &Reference) -> Vec<Proposal> {
    let mut places = Places::new(reference);
    let office_mentions = places.mentions(&issue.office, 0..issue.office.len());
    let publisher = office_mentions.iter().find_map(|m| match m.kind {
        MentionKind::Named(p) => Some(p),
        _ => None,
    });
    places.home = publisher
        .and_then(|p| places.at_level(p, Level::Province))
        .and_then(|p| match p {
            PlaceRef::Entry(i) => Some(i),
            PlaceRef::Provisional(_) => None,
        });
    let issue_period = issue.period();
    let text = &issue.text;
    let mut out = Vec::new();
    for article in &issue.articles {
        let mut title = article
            .title
            .clone()
            .map(|r| places.mentions(text, r))
            .unwrap_or_default();
        let mut paragraphs: Vec<Vec<Mention>> = article
            .paragraphs
            .iter()
            .map(|r| places.mentions(text, r.clone()))
            .collect();
        let mut recent = Vec::new();
        places.resolve(&mut title, None, publisher, &mut recent);
        let mut article_place = first_subject(&title);
        if article_place.is_none() {
            if let (Some(first), Some(range)) = (paragraphs.first_mut(), article.paragraphs.first())
            {
                places.resolve(first, None, publisher, &mut Vec::new());
                let l = layout(text, range.clone());
                let s0 = l.sentences.first().map(|s| s.end).unwrap_or(range.end);
                let in_first: Vec<Mention> =
                    first.iter().filter(|m| m.end <= s0).cloned().collect();
                article_place = first_subject(&in_first);
            }
        }
        let article_place = article_place.or(publisher);
        // Figures of the title ("我省 1.2 万贫困人口实现稳定脱贫") are facts too.
        if let Some(range) = article.title.clone() {
            let l = layout(text, range.clone());
            out.extend(paragraph_facts(
                &places,
                issue,
                index,
                range,
                &l,
                &title,
                article_place,
                issue_period,
            ));
        }
        // A paragraph that names no place goes on about the last paragraph's subject.
        let mut topic = article_place;
        for (mentions, range) in paragraphs.iter_mut().zip(&article.paragraphs) {
            places.resolve(mentions, article_place, publisher, &mut recent);
            let l = layout(text, range.clone());
            let facts = paragraph_facts(
                &places,
                issue,
                index,
                range.clone(),
                &l,
                mentions,
                topic,
                issue_period,
            );
            out.extend(facts);
            let subject = l.sentences.iter().find_map(|s| {
                let inside: Vec<Mention> = mentions
                    .iter()
                    .filter(|m| m.start >= s.start && m.end <= s.end)
                    .cloned()
                    .collect();
                first_subject(&inside)
            });
            if let Some(p) = subject {
                topic = Some(p);
            }
        }
    }
    out
}

fn first_subject(mentions: &[Mention]) -> Option<PlaceRef> {
    mentions
        .iter()
        .filter(|m| m.place.is_some())
        .find(|m| !m.locative)
        .or_else(|| mentions.iter().find(|m| m.place.is_some()))
        .and_then(|m| m.place)
}

#[allow(clippy::too_many_arguments)]
fn paragraph_facts(
    places: &Places,
    issue: &Issue,
    index: usize,
    range: Range<usize>,
    l: &Layout,
    mentions: &[Mention],
    article_place: Option<PlaceRef>,
    issue_period: Option<Period>,
) -> Vec<Proposal> {
    let text = &issue.text;
    let para = &text[range.clone()];
    let base = range.start;
    let mut masked = masks(para, base);
    masked.extend(
        mentions
            .iter()
            .filter(|m| matches!(m.kind, MentionKind::Named(_) | MentionKind::List))
            .map(|m| m.start..m.end),
    );
    let mut out: Vec<Proposal> = Vec::new();
    let mut last_clause: Option<(usize, usize, IndicatorMatch)> = None;
    let mut stated_cache: Option<(usize, Vec<time::Stated>)> = None;
    for q in numbers::scan(para) {
        let at = base + q.start;
        if masked.iter().any(|m| m.contains(&at)) {
            continue;
        }
        let ci = containing(&l.clauses, at);
        let clause = l.clauses[ci].clone();
        let Some(f) = figure(para, clause.start - base, &q) else {
            continue;
        };
        let si = containing(&l.sentences, at);
        let sentence_span = l.sentences[si].clone();
        let sentence_raw = &text[sentence_span.clone()];
        let trimmed_start = sentence_raw.len() - sentence_raw.trim_start().len();
        let sentence_span = sentence_span.start + trimmed_start
            ..sentence_span.start + sentence_raw.trim_end().len();
        let sentence = text[sentence_span.clone()].to_string();
        let place = respectively(text, mentions, &out, sentence_span.clone(), at, &f.unit)
            .or_else(|| locate(mentions, l, at, base + f.unit_end))
            .or(article_place);
        let period = issue_period.map(|ip| {
            if stated_cache.as_ref().is_none_or(|(s, _)| *s != si) {
                let s = &text[l.sentences[si].clone()];
                stated_cache = Some((si, time::stated(s, ip)));
            }
            let stated = stated_cache
                .as_ref()
                .map(|(_, v)| v.as_slice())
                .unwrap_or(&[]);
            let (p, from) = time::period_at(stated, at - l.sentences[si].start, ip);
            let dated = stated.iter().any(|s| s.end <= at - l.sentences[si].start);
            // "从2019年7月1日起…由A提高到B": A held before the change took effect.
            if (from || !dated) && is_before_change(para, clause.start - base, &q, f.unit_end) {
                p.add_months(-1).unwrap_or(p)
            } else {
                p
            }
        });
        let from = match &last_clause {
            Some((c, end, _)) if *c == ci => *end,
            _ => clause.start,
        };
        let ph = phrase(para, from - base, q.start, &f.unit, f.end);
        let previous = match &last_clause {
            Some((c, _, ind)) if *c == ci => Some(ind),
            _ => None,
        };
        // The figure before it in the sentence: what a change with nothing named changed.
        let prior = out
            .last()
            .filter(|p| p.sentence_span == sentence_span)
            .map(|p| p.indicator.clone());
        let subject = |noun: &str| match (&prior, noun.is_empty()) {
            (Some(p), true) => p.name().trim_start_matches("未命名").to_string(),
            _ => noun.to_string(),
        };
        let reference = places.reference;
        let indicator = match &ph.role {
            // "由 A 提高到 B", "…为 5 万元，2019 年达到 36 万元": B is the same indicator as A.
            Role::Reached if ph.noun.is_empty() && (previous.is_some() || prior.is_some()) => {
                previous
                    .cloned()
                    .or(prior.clone())
                    .unwrap_or(IndicatorMatch::New {
                        name: String::new(),
                        unit: f.unit.clone(),
                    })
            }
            Role::Change(verb) => match_change(reference, &subject(&ph.noun), verb, &f.unit),
            Role::Comparison(how) => IndicatorMatch::New {
                name: format!("{}{how}", subject(&ph.noun)),
                unit: f.unit.clone(),
            },
            _ => {
                let joined = from != clause.start && noun_is_after(para, from - base, q.start);
                let noun = if joined { "" } else { ph.noun.as_str() };
                let effect = ph.effect.as_ref().map(std::slice::from_ref);
                match_indicator(reference, noun, &f.unit, previous, effect)
            }
        };
        last_clause = Some((ci, base + f.end, indicator.clone()));
        out.push(Proposal {
            issue: index,
            value: f.value,
            qualifier: f.qualifier,
            unit: f.unit,
            place: place.map(|p| places.display(p).to_string()),
            region: place
                .map(|p| places.region_match(p))
                .unwrap_or(RegionMatch::Unknown),
            indicator,
            period,
            sentence,
            sentence_span,
            span: at..base + f.end,
        });
    }
    out
}

/// "喇嘛洞镇、要路沟乡分别有 12 个、9 个": after 分别, the k-th figure of a unit is the k-th
/// place of the list before it.
fn respectively(
    text: &str,
    mentions: &[Mention],
    earlier: &[Proposal],
    sentence: Range<usize>,
    at: usize,
    unit: &str,
) -> Option<PlaceRef> {
    let text_start = sentence.start;
    let list = mentions
        .iter()
        .rev()
        .find(|m| m.kind == MentionKind::List && m.start >= text_start && m.end <= at)
        .filter(|m| text[m.end..at].contains("分别"))?;
    let k = earlier
        .iter()
        .filter(|p| p.sentence_span == sentence && p.span.start > list.end && p.unit == unit)
        .count();
    list.members.get(k).copied()
}

/// Whether the words between the previous figure and this one are only a join ("174 户、382 人").
fn noun_is_after(para: &str, from: usize, q_start: usize) -> bool {
    para[from.min(q_start)..q_start]
        .trim_matches(|c: char| is_space(c) || matches!(c, '、' | '，' | ',' | '和' | '及'))
        .is_empty()
}

/// "由4350元提高到4770元", "从 12.5% 下降到…": the first figure is the value before the change.
fn is_before_change(para: &str, clause_start: usize, q: &Quantity, unit_end: usize) -> bool {
    let before = para[clause_start.min(q.start)..q.start].trim_end_matches(is_space);
    (before.ends_with('由') || before.ends_with('从'))
        && super::phrase::starts_with_result(skip_spaces(&para[unit_end..]))
}

#[cfg(test)]
mod tests;
