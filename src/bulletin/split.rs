//! A bulletin file into issues: the masthead (脱贫攻坚快报 / 第 N 期（总第 N 期）/ office / date,
//! in full- or half-width, spaced or not) starts each issue; the 报送/分送 distribution block and
//! the contact footer (office, phone, e-mail) end it. Lines broken by a page break are rejoined (a
//! line of prose that ends without sentence-final punctuation goes on on the next non-empty line),
//! and the body is cut into articles at their titles.

use anyhow::{bail, Result};

use super::numbers::{self, is_space};
use super::time::parse_date;
use super::{squash, Article, Defaults, Issue};

/// Punctuation that ends a sentence (and so a paragraph).
const FINAL: &[char] = &['。', '！', '？', '!', '?', '；', ';', '…'];
const CLOSERS: &[char] = &['”', '’', '」', '』', '）', ')', '】', '"', '\''];
/// A line ending in one of these obviously goes on.
const OPEN_ENDS: &[char] = &[
    '，', ',', '、', '：', ':', '（', '(', '“', '《', '—', '-', '·',
];
const CLAUSE_MARKS: &[char] = &['，', ',', '。', '；', ';', '！', '？', '!', '?'];

/// What starts a distribution block, before its colon.
const DISTRIBUTION: &[&str] = &[
    "报送", "分送", "抄送", "主送", "发送", "印送", "报", "送", "发", "抄报",
];
/// What starts a contact or colophon line, before its colon.
const CONTACT: &[&str] = &[
    "联系人",
    "联系电话",
    "电话",
    "传真",
    "邮箱",
    "电子邮箱",
    "e-mail",
    "email",
    "邮编",
    "地址",
    "责任编辑",
    "编辑",
    "审核",
    "审稿",
    "签发",
    "校对",
    "主编",
    "值班",
    "投稿",
];

/// The issues of `text`. A text without a masthead is one issue dated and signed by `defaults`.
pub fn split(text: &str, defaults: &Defaults) -> Result<Vec<Issue>> {
    let text = text.replace('\u{c}', "\n");
    let lines: Vec<&str> = text.lines().collect();
    let mastheads = find_mastheads(&lines);
    if mastheads.is_empty() {
        let (Some(date), Some(office)) = (&defaults.date, &defaults.office) else {
            bail!(
                "没有报头（脱贫攻坚快报 / 第 N 期 / 发文单位 / 日期），请用 --date 和 --office 给出日期和发文单位 (no masthead: --date and --office are required)"
            );
        };
        return Ok(vec![body(&lines, None, None, date, office)]);
    }
    let mut issues = Vec::new();
    for (k, m) in mastheads.iter().enumerate() {
        let end = mastheads.get(k + 1).map(|n| n.start).unwrap_or(lines.len());
        let date = match (&m.date, &defaults.date) {
            (Some(d), _) | (None, Some(d)) => d.clone(),
            (None, None) => bail!(
                "第 {} 期的报头没有日期，请用 --date 给出 (masthead without a date: use --date)",
                m.issue_no
            ),
        };
        let office = m
            .office
            .clone()
            .or_else(|| defaults.office.clone())
            .unwrap_or_default();
        let issue = body(
            &lines[m.body..end],
            Some(m.issue_no),
            m.total_no,
            &date,
            &office,
        );
        issues.push(issue);
    }
    Ok(issues)
}

#[derive(Debug)]
struct Masthead {
    /// First line of the masthead (the bulletin's name, or the issue line).
    start: usize,
    /// First line of the body.
    body: usize,
    issue_no: i64,
    total_no: Option<i64>,
    date: Option<String>,
    office: Option<String>,
}

/// Parts of a masthead line: runs of two or more spaces (or a tab) separate office, number, date.
fn parts(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut spaces = 0;
    for c in line.chars() {
        if is_space(c) {
            spaces += if c == '\t' || c == '\u{3000}' { 2 } else { 1 };
            continue;
        }
        if spaces >= 2 && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        } else if spaces == 1 && !cur.is_empty() {
            cur.push(' ');
        }
        spaces = 0;
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn number(s: &str) -> Option<i64> {
    let q = numbers::scan(s);
    match q.as_slice() {
        [one] if one.start == 0 && one.end == s.len() && one.value.fract() == 0.0 => {
            Some(one.value as i64)
        }
        _ => None,
    }
}

/// "第 24 期（总第 212 期）", "第24期(总第212期)", "2019年第5期", "第二十四期" → (24, Some(212)).
pub fn parse_issue_line(part: &str) -> Option<(i64, Option<i64>)> {
    let s: String = squash(part)
        .chars()
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            c => c,
        })
        .collect();
    // An optional year before the number: 2019年第5期.
    let s = match s.find("年第") {
        Some(at) if s[..at].chars().all(|c| numbers::arabic_digit(c).is_some()) => {
            &s[at + "年".len()..]
        }
        _ => s.as_str(),
    };
    let rest = s.strip_prefix('第')?;
    let (no, rest) = rest.split_once('期')?;
    let issue_no = number(no)?;
    if rest.is_empty() {
        return Some((issue_no, None));
    }
    let inner = rest
        .strip_prefix('（')
        .and_then(|r| r.strip_suffix('）'))
        .unwrap_or(rest);
    let total = inner.strip_prefix("总第")?.strip_suffix('期')?;
    Some((issue_no, Some(number(total)?)))
}

/// A bulletin's name line: 脱贫攻坚快报, 《扶贫工作简报》, 脱 贫 攻 坚 快 报.
fn looks_like_name(line: &str) -> bool {
    let s: String = squash(line)
        .chars()
        .filter(|c| !matches!(c, '《' | '》'))
        .collect();
    let n = s.chars().count();
    (2..=16).contains(&n)
        && [
            "快报", "简报", "专报", "通报", "动态", "信息", "要情", "工作",
        ]
        .iter()
        .any(|end| s.ends_with(end))
}

fn find_mastheads(lines: &[&str]) -> Vec<Masthead> {
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if !line.contains('期') {
            continue;
        }
        let ps = parts(line);
        let Some((k, (issue_no, total_no))) = ps
            .iter()
            .enumerate()
            .find_map(|(k, p)| parse_issue_line(p).map(|n| (k, n)))
        else {
            continue;
        };
        let mut office = None;
        let mut date = None;
        for (j, p) in ps.iter().enumerate() {
            if j != k {
                read_masthead_part(p, &mut office, &mut date);
            }
        }
        let prev = (0..i).rev().find(|&j| !lines[j].trim().is_empty());
        let named = prev.is_some_and(|j| looks_like_name(lines[j]));
        // The office and date follow on their own lines (either order).
        let mut body = i + 1;
        let mut seen = 0;
        while body < lines.len() && seen < 3 && (office.is_none() || date.is_none()) {
            let l = lines[body].trim();
            if l.is_empty() {
                body += 1;
                continue;
            }
            if !is_masthead_part(l) {
                break;
            }
            let had = (office.is_some(), date.is_some());
            for p in parts(l) {
                read_masthead_part(&p, &mut office, &mut date);
            }
            if had == (office.is_some(), date.is_some()) {
                // Neither an office nor a date: the body (a title) begins here.
                break;
            }
            seen += 1;
            body += 1;
        }
        if !named && date.is_none() {
            // A "第 N 期" line in prose, not a masthead.
            continue;
        }
        out.push(Masthead {
            start: if named { prev.unwrap_or(i) } else { i },
            body,
            issue_no,
            total_no,
            date,
            office,
        });
    }
    out
}

fn is_masthead_part(line: &str) -> bool {
    let s = squash(line);
    s.chars().count() <= 40 && !s.contains(|c: char| CLAUSE_MARKS.contains(&c))
}

fn read_masthead_part(p: &str, office: &mut Option<String>, date: &mut Option<String>) {
    if let Some((d, rest)) = parse_date_in(p) {
        if date.is_none() {
            *date = Some(d);
        }
        if !rest.is_empty() && office.is_none() {
            *office = Some(rest);
        }
    } else if office.is_none() && looks_like_office(p) {
        *office = Some(squash(p));
    }
}

/// An issuing office: 辽宁省脱贫攻坚领导小组办公室, 某县扶贫办, 省民政厅.
fn looks_like_office(p: &str) -> bool {
    let s = squash(p);
    // "阜平县：产业扶贫带动群众增收" is a title.
    !looks_like_name(&s)
        && !s.contains(['：', ':'])
        && (s.contains("扶贫")
            || [
                "办公室",
                "办",
                "局",
                "厅",
                "委",
                "委员会",
                "政府",
                "中心",
                "部",
                "小组",
                "协会",
                "基金会",
                "组",
            ]
            .iter()
            .any(|end| s.ends_with(end)))
}

/// A date at the end (or as the whole) of a masthead part, and what stands before it.
fn parse_date_in(p: &str) -> Option<(String, String)> {
    let s = squash(p);
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    for &(at, _) in &chars {
        if let Some((y, m, d)) = parse_date(&s[at..]) {
            return Some((format!("{y:04}-{m:02}-{d:02}"), s[..at].to_string()));
        }
    }
    None
}

fn last_char(s: &str) -> Option<char> {
    s.trim_end_matches(is_space).chars().last()
}

/// Whether a line ends its sentence (a closing quote after 。 does; one after a word does not).
fn ends_sentence(s: &str) -> bool {
    let t = s.trim_end_matches(is_space);
    let mut rev = t.chars().rev();
    match rev.next() {
        Some(c) if FINAL.contains(&c) => true,
        Some('.') => !rev.next().is_some_and(|c| c.is_ascii_digit()),
        Some(c) if CLOSERS.contains(&c) => {
            rev.next().is_some_and(|c| FINAL.contains(&c) || c == '.')
        }
        _ => false,
    }
}

/// Whether paragraph `buf` goes on on the next line: prose cut by a page or line break.
fn continues(buf: &str, last_line: usize, full_width: usize) -> bool {
    if ends_sentence(buf) {
        return false;
    }
    if last_char(buf).is_some_and(|c| OPEN_ENDS.contains(&c)) {
        return true;
    }
    // Text copied line by line out of a PDF: a line as wide as the page goes on.
    if full_width >= 20 && last_line * 10 >= full_width * 9 {
        return true;
    }
    // Titles have no clause punctuation and are short; a cut line of prose has both marks and
    // length.
    buf.contains(|c: char| CLAUSE_MARKS.contains(&c)) && width(buf) > 30
}

/// The width of a full line when the text keeps the page's line breaks (most lines about equally
/// wide); 0 when lines are paragraphs (their widths vary), so that no line counts as full.
fn page_width(lines: &[&str]) -> usize {
    let mut widths: Vec<usize> = lines
        .iter()
        .map(|l| width(l))
        .filter(|&w| w >= 10)
        .collect();
    if widths.len() < 8 {
        return 0;
    }
    widths.sort_unstable();
    let p50 = widths[widths.len() / 2];
    let p90 = widths[widths.len() * 9 / 10];
    // Page lines: the median line is nearly as wide as the widest ones.
    if p50 * 10 >= p90 * 8 {
        p90
    } else {
        0
    }
}

/// Characters other than spaces.
fn width(s: &str) -> usize {
    s.chars().filter(|c| !c.is_whitespace()).count()
}

fn is_page_number(s: &str) -> bool {
    let t: String = s
        .chars()
        .filter(|c| {
            !c.is_whitespace() && !matches!(c, '-' | '—' | '－' | '–' | '第' | '页' | '共' | '/')
        })
        .collect();
    !t.is_empty() && t.chars().all(|c| numbers::arabic_digit(c).is_some()) && t.len() <= 4
}

fn strip_label<'a>(s: &'a str, labels: &[&str]) -> Option<&'a str> {
    let t = s.trim_start_matches(['（', '(', '【', '[']);
    labels.iter().find_map(|l| {
        let lower = t.get(..l.len())?;
        (lower.eq_ignore_ascii_case(l))
            .then(|| t[l.len()..].trim_start())
            .and_then(|r| r.strip_prefix(['：', ':']))
    })
}

/// A contact or colophon line, given without spaces.
fn is_contact(s: &str, office: &str) -> bool {
    if strip_label(s, CONTACT).is_some() {
        return true;
    }
    if !office.is_empty() && s == office {
        return true;
    }
    if matches!(s, "（完）" | "(完)" | "完") {
        return true;
    }
    // A line of phone numbers and e-mail addresses.
    let digits = s.chars().filter(|c| c.is_ascii_digit()).count();
    let cjk = s.chars().filter(|c| !c.is_ascii()).count();
    (s.contains('@') || digits >= 7) && cjk <= 2 + digits / 4 && s.chars().count() <= 60
}

/// The start of the distribution block, given without spaces.
fn is_distribution(s: &str) -> bool {
    strip_label(s, DISTRIBUTION).is_some()
}

/// The body of one issue from its lines after the masthead.
fn body(
    lines: &[&str],
    issue_no: Option<i64>,
    total_no: Option<i64>,
    date: &str,
    office: &str,
) -> Issue {
    let office_key = squash(office);
    let full_width = page_width(lines);
    let mut paragraphs: Vec<String> = Vec::new();
    let mut buf = String::new();
    let mut last_line = 0;
    for line in lines {
        let l = line.trim_matches(|c: char| c.is_whitespace());
        if l.is_empty() {
            continue;
        }
        let sq = squash(l);
        if is_distribution(&sq) {
            break;
        }
        if is_page_number(&sq) || is_contact(&sq, &office_key) {
            continue;
        }
        let width = sq.chars().count();
        if !buf.is_empty() && continues(&buf, last_line, full_width) {
            last_line = width;
            // Chinese lines join without a space, and so do digits ("18⏎0 亩" is 180 亩);
            // only two Latin words keep one.
            let join_space = buf.chars().last().is_some_and(|c| c.is_ascii_alphabetic())
                && l.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
            if join_space {
                buf.push(' ');
            }
            buf.push_str(l);
            continue;
        }
        if !buf.is_empty() {
            paragraphs.push(std::mem::take(&mut buf));
        }
        last_line = width;
        buf.push_str(l);
    }
    if !buf.is_empty() {
        paragraphs.push(buf);
    }
    let mut text = String::new();
    let mut spans = Vec::new();
    for p in &paragraphs {
        if !text.is_empty() {
            text.push('\n');
        }
        let start = text.len();
        text.push_str(p);
        spans.push(start..text.len());
    }
    let articles = articles(&text, &spans);
    Issue {
        issue_no,
        total_no,
        date: date.to_string(),
        office: office.to_string(),
        text,
        articles,
    }
}

fn starts_with_list_marker(s: &str) -> bool {
    let mut cs = s.chars();
    let first = cs.next();
    let second = cs.next();
    match (first, second) {
        (Some('（' | '('), _) => true,
        (Some(c), Some('、' | '.' | '．' | '是')) => {
            numbers::chinese_digit(c).is_some() || numbers::arabic_digit(c).is_some() || c == '十'
        }
        (Some(c), Some(d)) if numbers::arabic_digit(c).is_some() => {
            numbers::arabic_digit(d).is_some() && s.contains(['、', '.', '．'])
        }
        (Some('第'), _) => true,
        _ => false,
    }
}

/// Labels before a colon that make a line a byline or a note, not a title ("来源：…").
const LABELS: &[&str] = &[
    "编者按",
    "来源",
    "作者",
    "记者",
    "通讯员",
    "编辑",
    "责任编辑",
    "责编",
    "审核",
    "签发",
    "联系人",
    "电话",
    "联系电话",
    "地址",
    "邮箱",
    "抄送",
    "报送",
    "附件",
    "图",
    "注",
];

/// A paragraph that reads as a title: short, no clause punctuation, no list marker. One colon
/// between two parts may stand in it ("阜平县：产业扶贫带动群众增收"), not after a label or at
/// its end (a lead-in: "主要做法：").
fn is_title(p: &str) -> bool {
    let s = squash(p);
    let n = s.chars().count();
    let colons: Vec<(usize, char)> = s
        .char_indices()
        .filter(|&(_, c)| c == '：' || c == ':')
        .collect();
    let colon_ok = match colons.as_slice() {
        [] => true,
        [(at, c)] => {
            let (head, tail) = (&s[..*at], &s[at + c.len_utf8()..]);
            head.chars().count() >= 2
                && tail.chars().count() >= 4
                && !LABELS.contains(&head)
                && !head.chars().all(|c| c.is_ascii_digit())
        }
        _ => false,
    };
    (4..=45).contains(&n)
        && colon_ok
        && !s.contains(|c: char| CLAUSE_MARKS.contains(&c))
        && !starts_with_list_marker(&s)
        && !ends_sentence(&s)
        && !s.starts_with("编者按")
}

fn articles(text: &str, spans: &[std::ops::Range<usize>]) -> Vec<Article> {
    let mut out: Vec<Article> = Vec::new();
    let mut leading: Vec<std::ops::Range<usize>> = Vec::new();
    let mut i = 0;
    while i < spans.len() {
        if is_title(&text[spans[i].clone()]) {
            // Consecutive title lines are one title (a title broken over lines, a subtitle).
            let mut j = i;
            while j + 1 < spans.len() && is_title(&text[spans[j + 1].clone()]) {
                j += 1;
            }
            out.push(Article {
                title: Some(spans[i].start..spans[j].end),
                paragraphs: std::mem::take(&mut leading),
            });
            i = j + 1;
            continue;
        }
        match out.last_mut() {
            Some(a) => a.paragraphs.push(spans[i].clone()),
            None => leading.push(spans[i].clone()),
        }
        i += 1;
    }
    if !leading.is_empty() {
        out.push(Article {
            title: None,
            paragraphs: leading,
        });
    }
    out
}

#[cfg(test)]
mod tests;
