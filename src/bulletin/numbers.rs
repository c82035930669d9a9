//! Numbers as bulletins write them: Arabic digits (half- and full-width, thousands separators,
//! decimals), Chinese numerals (十、两、三万、一百二十; 二〇一九 digit by digit), the multipliers
//! 百/千/万/亿 applied, "多/余" inside a figure ("500 多万", "5 万多"), 百分之…, and ranges
//! ("1 至 3", "5-10", "1～3", "三至五"). What the number counts (its unit) is read by `extract`.

/// How the digits were written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    Arabic,
    Chinese,
}

/// One number of the text, its multiplier applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    /// Byte offset of the first character (the digit, or 百 of 百分之).
    pub start: usize,
    /// Byte offset after everything read: digits, 多/余, multiplier, the high end of a range.
    pub end: usize,
    pub value: f64,
    /// The high end of a range.
    pub high: Option<f64>,
    /// 多 or 余 inside the figure: at least `value`.
    pub more: bool,
    pub script: Script,
    /// A multiplier (万, 亿 …) was applied.
    pub multiplied: bool,
    /// Integer digits as written, for telling years (2019 年) from durations (52 年).
    pub integer_digits: usize,
    /// A Chinese 一 alone ("一个", "不落一户"): mostly an article, not a figure.
    pub lone_one: bool,
    /// Written digit by digit (二〇一九): a year or a code, never a count.
    pub digit_string: bool,
    /// 百分之九点七: a percentage whatever follows.
    pub percent: bool,
    /// A leading zero, or seven or more digits without separators: a phone number or a code.
    pub code_like: bool,
}

const SPACES: [char; 4] = [' ', '\u{3000}', '\u{a0}', '\t'];

pub fn is_space(c: char) -> bool {
    SPACES.contains(&c)
}

/// 0–9 for ASCII and full-width digits.
pub fn arabic_digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

/// 0–9 for Chinese digits (两 is 2; 〇 and 零 are 0).
pub fn chinese_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '零' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn chinese_unit(c: char) -> Option<f64> {
    Some(match c {
        '十' => 10.0,
        '百' => 100.0,
        '千' => 1000.0,
        '万' => 1e4,
        '亿' => 1e8,
        _ => return None,
    })
}

fn is_chinese_numeral(c: char) -> bool {
    chinese_digit(c).is_some() || chinese_unit(c).is_some()
}

/// A cursor over the characters of a text with their byte offsets.
struct Chars<'a> {
    text: &'a str,
    chars: Vec<(usize, char)>,
}

impl<'a> Chars<'a> {
    fn new(text: &'a str) -> Chars<'a> {
        Chars {
            text,
            chars: text.char_indices().collect(),
        }
    }

    fn at(&self, i: usize) -> Option<char> {
        self.chars.get(i).map(|&(_, c)| c)
    }

    fn offset(&self, i: usize) -> usize {
        self.chars
            .get(i)
            .map(|&(o, _)| o)
            .unwrap_or(self.text.len())
    }

    fn skip_spaces(&self, mut i: usize) -> usize {
        while self.at(i).is_some_and(is_space) {
            i += 1;
        }
        i
    }

    fn starts_with(&self, i: usize, s: &str) -> bool {
        self.text[self.offset(i)..].starts_with(s)
    }
}

/// Every number of `text`, in order. Numbers never overlap.
pub fn scan(text: &str) -> Vec<Quantity> {
    let cs = Chars::new(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.chars.len() {
        match read_range(&cs, i) {
            Some((q, next)) => {
                out.push(q);
                i = next;
            }
            None => i += 1,
        }
    }
    out
}

/// The number starting exactly at byte offset `start` of `text`, if any (tests and callers that
/// already know where a figure is).
pub fn parse_at(text: &str, start: usize) -> Option<Quantity> {
    let cs = Chars::new(text);
    let i = cs.chars.iter().position(|&(o, _)| o == start)?;
    read_range(&cs, i).map(|(q, _)| q)
}

fn read_range(cs: &Chars, i: usize) -> Option<(Quantity, usize)> {
    let (mut low, next) = read_one(cs, i)?;
    // A range: the connector right after the first number, then a number in the same script.
    let mut j = cs.skip_spaces(next);
    // "20%-30%", "1万元至3万元": the unit written at both ends.
    let repeated = match cs.at(j) {
        Some(u @ ('%' | '％' | '元' | '亩' | '人' | '户' | '个')) => {
            let c = cs.at(j + 1);
            if matches!(
                c,
                Some('至' | '～' | '~' | '-' | '－' | '–' | '〜' | '到' | '—')
            ) {
                j += 1;
                Some(u)
            } else {
                None
            }
        }
        _ => None,
    };
    let connector_len = match cs.at(j) {
        Some('至' | '～' | '~' | '-' | '－' | '–' | '〜') => 1,
        Some('到') => 1,
        Some('—') if cs.at(j + 1) == Some('—') => 2,
        Some('—') => 1,
        _ => 0,
    };
    if connector_len > 0 && !low.percent {
        let k = cs.skip_spaces(j + connector_len);
        if let Some((high, after)) = read_one(cs, k) {
            let same_unit = repeated.is_none_or(|u| cs.at(cs.skip_spaces(after)) == Some(u));
            if high.script == low.script && !high.code_like && !low.code_like && same_unit {
                let mut low_value = low.value;
                // "1 至 3 万元": the multiplier written once applies to both ends.
                if high.multiplied && !low.multiplied {
                    let factor = multiplier_of(&high);
                    low_value *= factor;
                    low.multiplied = true;
                }
                if high.value > low_value {
                    low.value = low_value;
                    low.high = Some(high.value);
                    low.end = high.end;
                    low.more = false;
                    return Some((low, after));
                }
            }
        }
    }
    Some((low, next))
}

fn multiplier_of(q: &Quantity) -> f64 {
    // Recover the power of ten written after the digits: value / digits.
    let mut factor = 1.0;
    for f in [1e8, 1e4, 1e3, 1e2] {
        if q.value >= f && (q.value / f).fract() == 0.0 {
            factor = f;
            break;
        }
    }
    factor
}

/// One number starting at char index `i`, with 多/余 and multipliers: (quantity, next char index).
fn read_one(cs: &Chars, i: usize) -> Option<(Quantity, usize)> {
    let c = cs.at(i)?;
    if c == '百' && cs.starts_with(i, "百分之") {
        let (mut q, next) = read_one(cs, i + 3)?;
        q.start = cs.offset(i);
        q.percent = true;
        return Some((q, next));
    }
    if arabic_digit(c).is_some() {
        // Not the middle of a longer number (the scanner moves past whole numbers).
        let (value, digits, code_like, next) = read_arabic(cs, i);
        return Some(finish(
            cs,
            i,
            next,
            value,
            Script::Arabic,
            digits,
            false,
            false,
            code_like,
        ));
    }
    if chinese_digit(c).is_some() || c == '十' {
        let mut j = i;
        while cs.at(j).is_some_and(|c| {
            is_chinese_numeral(c) || (c == '点' && cs.at(j + 1).and_then(chinese_digit).is_some())
        }) {
            j += 1;
        }
        // Keep 万/亿 (and 百/千 after them) for `finish`, which also reads 多 before them.
        let mut body_end = j;
        while body_end > i + 1 && matches!(cs.at(body_end - 1), Some('万' | '亿')) {
            body_end -= 1;
        }
        let run: String = (i..body_end).filter_map(|k| cs.at(k)).collect();
        let (value, digit_string) = parse_chinese(&run)?;
        let lone_one = run == "一";
        let (mut q, mut next) = finish(
            cs,
            i,
            body_end,
            value,
            Script::Chinese,
            run.chars().count(),
            lone_one,
            digit_string,
            false,
        );
        // 两千多户, 三十多个, 十多年: 多 after a round Chinese number.
        if !q.more && !q.multiplied && run.ends_with(['十', '百', '千']) {
            let k = cs.skip_spaces(next);
            if cs.at(k) == Some('多') {
                q.more = true;
                next = k + 1;
                q.end = cs.offset(next);
            }
        }
        return Some((q, next));
    }
    None
}

/// Arabic digits from char `i`: (value, integer digits, code-like, next char index).
fn read_arabic(cs: &Chars, i: usize) -> (f64, usize, bool, usize) {
    let mut s = String::new();
    let mut j = i;
    let mut integer_digits = 0;
    let mut leading_zero = false;
    let mut in_fraction = false;
    // Digits since the last thousands separator, and whether one was seen.
    let mut group = 0;
    let mut separated = false;
    while let Some(c) = cs.at(j) {
        if let Some(d) = arabic_digit(c) {
            if s.is_empty() && d == 0 {
                leading_zero = true;
            }
            s.push(char::from_digit(d, 10).unwrap_or('0'));
            if !in_fraction {
                integer_digits += 1;
                group += 1;
            }
            j += 1;
        } else if (c == '.' || c == '．')
            && !in_fraction
            && cs.at(j + 1).and_then(arabic_digit).is_some()
        {
            s.push('.');
            in_fraction = true;
            j += 1;
        } else if c == ','
            && !in_fraction
            && (if separated {
                group == 3
            } else {
                (1..=3).contains(&group)
            })
            && (1..=3).all(|k| cs.at(j + k).and_then(arabic_digit).is_some())
            && cs.at(j + 4).and_then(arabic_digit).is_none()
        {
            // 1,328: a thousands separator (three digits follow, then no digit).
            separated = true;
            group = 0;
            j += 1;
        } else {
            break;
        }
    }
    let value = s.parse::<f64>().unwrap_or(0.0);
    // Figures are written with 万/亿 or separators; a long bare digit string is a phone or a code.
    let code_like = (leading_zero && integer_digits > 1) || (integer_digits >= 7 && !separated);
    (value, integer_digits, code_like, j)
}

/// A Chinese numeral without trailing 万/亿: (value, written digit by digit).
pub fn parse_chinese(run: &str) -> Option<(f64, bool)> {
    if let Some((int, frac)) = run.split_once('点') {
        let (whole, _) = parse_chinese(int)?;
        let mut scale = 0.1;
        let mut value = whole;
        for c in frac.chars() {
            value += chinese_digit(c)? as f64 * scale;
            scale /= 10.0;
        }
        return Some((value, false));
    }
    let chars: Vec<char> = run.chars().collect();
    if chars.is_empty() {
        return None;
    }
    if chars.iter().all(|&c| chinese_digit(c).is_some()) {
        if chars.len() == 1 {
            return Some((chinese_digit(chars[0])? as f64, false));
        }
        // 二〇一九: a year written digit by digit. 三四 ("three or four") is no single number.
        if chars.len() == 2 {
            return None;
        }
        let mut v = 0.0;
        for c in &chars {
            v = v * 10.0 + chinese_digit(*c)? as f64;
        }
        return Some((v, true));
    }
    // Positional: 一百二十, 三万五千, 十五, 两千.
    let mut total = 0.0;
    let mut section = 0.0;
    let mut digit: Option<f64> = None;
    for &c in &chars {
        if let Some(d) = chinese_digit(c) {
            digit = Some(d as f64);
        } else if let Some(u) = chinese_unit(c) {
            if u >= 1e4 {
                section += digit.take().unwrap_or(0.0);
                total += if section == 0.0 { 1.0 } else { section } * u;
                section = 0.0;
            } else {
                section += digit.take().unwrap_or(1.0) * u;
            }
        } else {
            return None;
        }
    }
    Some((total + section + digit.unwrap_or(0.0), false))
}

#[allow(clippy::too_many_arguments)]
fn finish(
    cs: &Chars,
    start: usize,
    mut j: usize,
    value: f64,
    script: Script,
    integer_digits: usize,
    lone_one: bool,
    digit_string: bool,
    code_like: bool,
) -> (Quantity, usize) {
    let mut value = value;
    let mut more = false;
    let mut multiplied = false;
    // 多/余 before the multiplier ("500 多万元"), the multiplier, 多/余 after it ("5 万多人").
    let k = cs.skip_spaces(j);
    if matches!(cs.at(k), Some('多' | '余')) && cs.at(k + 1).is_some_and(is_multiplier_start) {
        more = true;
        j = k + 1;
    }
    let mut k = cs.skip_spaces(j);
    let mut factor = 1.0;
    while let Some(c) = cs.at(k) {
        let f = match c {
            '万' => 1e4,
            '亿' => 1e8,
            // 千米, 千瓦, 千克 are units; 百分 is a percentage.
            '千' if script == Script::Arabic
                && !matches!(cs.at(k + 1), Some('米' | '瓦' | '克')) =>
            {
                1e3
            }
            '百' if script == Script::Arabic && cs.at(k + 1) != Some('分') => 1e2,
            _ => break,
        };
        factor *= f;
        k += 1;
    }
    if factor > 1.0 {
        value *= factor;
        multiplied = true;
        j = k;
        let k = cs.skip_spaces(j);
        if matches!(cs.at(k), Some('多' | '余')) {
            more = true;
            j = k + 1;
        }
    } else if !digit_string {
        // "200 余人", "20 多个": 多/余 right after the digits.
        let k = cs.skip_spaces(j);
        if matches!(cs.at(k), Some('余')) || (cs.at(k) == Some('多') && script == Script::Arabic)
        {
            more = true;
            j = k + 1;
        }
    }
    let q = Quantity {
        start: cs.offset(start),
        end: cs.offset(j),
        value,
        high: None,
        more,
        script,
        multiplied,
        integer_digits,
        lone_one: lone_one && !multiplied,
        digit_string,
        percent: false,
        code_like,
    };
    (q, j)
}

fn is_multiplier_start(c: char) -> bool {
    matches!(c, '万' | '亿' | '千' | '百')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Quantity {
        let all = scan(text);
        assert_eq!(all.len(), 1, "{text}: {all:?}");
        all.into_iter().next().unwrap()
    }

    #[test]
    fn arabic_full_width_separators_decimals() {
        assert_eq!(one("全村 339 户").value, 339.0);
        assert_eq!(one("全村３３９户").value, 339.0);
        assert_eq!(one("人口 1,328 人").value, 1328.0);
        assert_eq!(one("人均耕地 9.79 亩").value, 9.79);
        assert_eq!(one("提高9．7％").value, 9.7);
        assert_eq!(scan("分别为 1,2 个").len(), 2);
    }

    #[test]
    fn multipliers_and_more() {
        let q = one("1.3 万亩");
        assert_eq!((q.value, q.multiplied, q.more), (13000.0, true, false));
        let q = one("500 多万元");
        assert_eq!((q.value, q.more), (5_000_000.0, true));
        let q = one("的 5 万多人");
        assert_eq!((q.value, q.more), (50_000.0, true));
        assert_eq!(one("2.15 万").value, 21500.0);
        assert_eq!(one("215万公斤").value, 2_150_000.0);
        assert_eq!(one("3亿元").value, 3e8);
        assert!(one("200 余人").more);
        assert_eq!(one("5千瓦").value, 5.0);
        assert_eq!(one("三万人").value, 30000.0);
    }

    #[test]
    fn chinese_numerals() {
        assert_eq!(one("十个").value, 10.0);
        assert_eq!(one("两个月").value, 2.0);
        assert_eq!(one("一百二十人").value, 120.0);
        assert_eq!(one("十五天").value, 15.0);
        assert_eq!(one("三千五百户").value, 3500.0);
        assert_eq!(one("一万二千人").value, 12000.0);
        assert_eq!(one("九点七").value, 9.7);
        let y = one("二〇一九年");
        assert!(y.digit_string);
        assert_eq!(y.value, 2019.0);
        assert!(one("一户").lone_one);
        assert!(!one("一万户").lone_one);
        assert_eq!(one("百分之九十").value, 90.0);
        let q = one("两千多户");
        assert_eq!((q.value, q.more), (2000.0, true));
        assert!(one("三十多个").more);
        assert!(!one("三个").more);
        assert!(one("百分之九十").percent);
        // A bare multiplier is no number: 千亩果园, e万行动.
        assert!(scan("千亩生态果园").is_empty());
        assert!(scan("e 万行动").is_empty());
    }

    #[test]
    fn ranges() {
        let q = one("每户并到 1 至 3 块地");
        assert_eq!((q.value, q.high), (1.0, Some(3.0)));
        assert_eq!(one("5-10 个").high, Some(10.0));
        assert_eq!(one("1～3").high, Some(3.0));
        assert_eq!(one("三至五年").high, Some(5.0));
        assert_eq!(one("占比20%-30%").high, Some(30.0));
        let q = one("补助1万元至3万元");
        assert_eq!((q.value, q.high), (10000.0, Some(30000.0)));
        assert_eq!(scan("5个-10人").len(), 2);
        let q = one("1至3万元");
        assert_eq!((q.value, q.high), (10000.0, Some(30000.0)));
        // Not a range: the second number is smaller.
        assert_eq!(scan("5-3").len(), 2);
    }

    #[test]
    fn codes() {
        let all = scan("024—23448879");
        assert!(all.iter().all(|q| q.code_like || q.high.is_none()));
        assert!(scan("13912345678")[0].code_like);
    }
}
