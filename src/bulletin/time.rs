//! Dates and the time a sentence states: a masthead's "2019 年 3 月 27 日" or "二〇一九年三月二十七日",
//! and for a fact the month it speaks of ("2018 年底" → 2018-12, "从2019年7月1日起" → 2019-07).

use super::numbers::{self, Quantity, Script};
use crate::model::period::Period;

/// A whole date (no spaces): 2019年3月27日, 2019-03-27, 2019.3.27, 2019/3/27, 二〇一九年三月二十七日.
pub fn parse_date(s: &str) -> Option<(i32, u32, u32)> {
    for sep in ['-', '.', '/', '．'] {
        let parts: Vec<&str> = s.split(sep).collect();
        if parts.len() == 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        {
            let (y, m, d) = (
                parts[0].parse().ok()?,
                parts[1].parse().ok()?,
                parts[2].parse().ok()?,
            );
            return valid(y, m, d);
        }
    }
    let qs = numbers::scan(s);
    let [y, m, d] = qs.as_slice() else {
        return None;
    };
    if y.start != 0 || y.high.is_some() || m.high.is_some() || d.high.is_some() {
        return None;
    }
    let sep = |a: &Quantity, b: &Quantity| &s[a.end..b.start];
    let tail = &s[d.end..];
    let chinese = sep(y, m) == "年" && sep(m, d) == "月" && matches!(tail, "日" | "号");
    if !chinese {
        return None;
    }
    valid(y.value as i32, m.value as u32, d.value as u32)
}

fn valid(year: i32, month: u32, day: u32) -> Option<(i32, u32, u32)> {
    ((1900..=2100).contains(&year) && (1..=12).contains(&month) && (1..=31).contains(&day))
        .then_some((year, month, day))
}

/// A year as written before 年: four Arabic digits (2019) or digit by digit (二〇一九).
pub fn is_year(q: &Quantity) -> bool {
    let v = q.value;
    let whole = v.fract() == 0.0 && (1900.0..=2100.0).contains(&v) && q.high.is_none();
    whole
        && !q.multiplied
        && match q.script {
            Script::Arabic => q.integer_digits == 4,
            Script::Chinese => q.digit_string,
        }
}

/// What a time expression says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stated {
    /// Byte offset of the end of the expression in the sentence.
    pub end: usize,
    pub period: Period,
    /// Read with 起/开始 ("from"): the period a change takes effect.
    pub from: bool,
}

/// The time expressions of a sentence, in order, with `issue` supplying the year a bare month
/// leaves out and the month a bare year of the issue's own year means.
pub fn stated(sentence: &str, issue: Period) -> Vec<Stated> {
    let mut out = Vec::new();
    let qs = numbers::scan(sentence);
    let mut i = 0;
    let rest = |at: usize| sentence[at..].trim_start_matches(numbers::is_space);
    while i < qs.len() {
        let q = &qs[i];
        let after = rest(q.end);
        if is_year(q) && after.starts_with('年') && !after.starts_with("年度") {
            let year = q.value as i32;
            let after_year = rest(q.end).strip_prefix('年').unwrap_or("");
            let mut end = sentence.len() - after_year.len();
            let mut period = None;
            // 2019年7月(1日)
            if let Some(m) = qs.get(i + 1) {
                if sentence[end..m.start]
                    .trim_matches(numbers::is_space)
                    .is_empty()
                    && rest(m.end).starts_with('月')
                    && (1.0..=12.0).contains(&m.value)
                {
                    period = Period::new(year, m.value as u32);
                    end = sentence.len() - rest(m.end)['月'.len_utf8()..].len();
                    i += 1;
                    if let Some(d) = qs.get(i + 1) {
                        if sentence[end..d.start]
                            .trim_matches(numbers::is_space)
                            .is_empty()
                            && matches!(rest(d.end).chars().next(), Some('日' | '号'))
                        {
                            end = sentence.len() - rest(d.end)['日'.len_utf8()..].len();
                            i += 1;
                        }
                    }
                }
            }
            let tail = &sentence[end..];
            let period = period.or_else(|| {
                let month = if tail.starts_with("底") || tail.starts_with("末") {
                    12
                } else if tail.starts_with("初") {
                    1
                } else if tail.starts_with("上半年") {
                    6
                } else if year == issue.year() {
                    issue.month()
                } else {
                    12
                };
                Period::new(year, month)
            });
            let from = tail
                .trim_start_matches(['日', '号', '底', '末', '初'])
                .starts_with('起')
                || tail.starts_with("开始");
            if let Some(period) = period {
                out.push(Stated { end, period, from });
            }
        } else if after.starts_with('月')
            && !sentence[..q.start].ends_with('个')
            && (1.0..=12.0).contains(&q.value)
            && q.value.fract() == 0.0
            && q.high.is_none()
        {
            // 3 月 26 日: the issue's year.
            if let Some(period) = Period::new(issue.year(), q.value as u32) {
                let end = sentence.len() - after['月'.len_utf8()..].len();
                let from = sentence[end..].contains('起') && sentence[end..].len() < 12;
                out.push(Stated { end, period, from });
            }
        }
        i += 1;
    }
    // 2019.6.30, 2019-06-30, 2019/6: read from the characters (the number scanner sees 2019.6).
    let b = sentence.as_bytes();
    let mut i = 0;
    while i + 6 <= b.len() {
        let year_digits =
            b[i..i + 4].iter().all(u8::is_ascii_digit) && (i == 0 || !b[i - 1].is_ascii_digit());
        let sep = b.get(i + 4).copied();
        if year_digits && matches!(sep, Some(b'.' | b'-' | b'/')) {
            let mut j = i + 5;
            while j < b.len() && b[j].is_ascii_digit() && j < i + 7 {
                j += 1;
            }
            let year: i32 = sentence[i..i + 4].parse().unwrap_or(0);
            let month: u32 = sentence[i + 5..j].parse().unwrap_or(0);
            if j > i + 5 {
                let mut end = j;
                if b.get(j) == sep.as_ref() {
                    let mut k = j + 1;
                    while k < b.len() && b[k].is_ascii_digit() && k < j + 3 {
                        k += 1;
                    }
                    end = k;
                }
                if let Some(period) = Period::new(year, month) {
                    out.push(Stated {
                        end,
                        period,
                        from: sentence[end..].starts_with('起'),
                    });
                }
                i = end;
                continue;
            }
        }
        i += 1;
    }
    for (word, delta) in [("去年", -1), ("上年", -1)] {
        if let Some(at) = sentence.find(word) {
            if let Some(period) = Period::new(issue.year() + delta, 12) {
                out.push(Stated {
                    end: at + word.len(),
                    period,
                    from: false,
                });
            }
        }
    }
    out.sort_by_key(|s| s.end);
    out
}

/// The period of a figure at byte offset `at` of `sentence`: the last time stated before it,
/// else the issue's month.
pub fn period_at(stated: &[Stated], at: usize, issue: Period) -> (Period, bool) {
    stated
        .iter()
        .rev()
        .find(|s| s.end <= at)
        .map(|s| (s.period, s.from))
        .unwrap_or((issue, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Period {
        s.parse().unwrap()
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("2019年3月27日"), Some((2019, 3, 27)));
        assert_eq!(parse_date("2019-03-27"), Some((2019, 3, 27)));
        assert_eq!(parse_date("2019.3.27"), Some((2019, 3, 27)));
        assert_eq!(parse_date("二〇一九年三月二十七日"), Some((2019, 3, 27)));
        assert_eq!(parse_date("2019年13月1日"), None);
        assert_eq!(parse_date("第24期"), None);
    }

    #[test]
    fn stated_times() {
        let issue = p("2019-03");
        let s = "2018 年底，实现整村脱贫，174 户建档立卡贫困户稳定脱贫";
        let t = stated(s, issue);
        assert_eq!(period_at(&t, s.find("174").unwrap(), issue).0, p("2018-12"));
        let s = "从2019年7月1日起，全市农村低保年平均保障标准将由4350元提高到4770元";
        let t = stated(s, issue);
        assert_eq!(
            period_at(&t, s.find("4350").unwrap(), issue),
            (p("2019-07"), true)
        );
        let s = "2019年，六家子镇有13个村";
        assert_eq!(
            period_at(&stated(s, issue), s.find("13").unwrap(), issue).0,
            issue
        );
        let s = "3月26日，市长带领48人学习考察团";
        assert_eq!(
            period_at(&stated(s, issue), s.find("48").unwrap(), issue).0,
            p("2019-03")
        );
        let s = "截至2019.6.30,全县完成投资12.3亿元";
        assert_eq!(
            period_at(&stated(s, issue), s.find("12.3").unwrap(), issue).0,
            p("2019-06")
        );
        let s = "利用 2 个月的时间";
        assert!(stated(s, issue).is_empty());
    }
}
