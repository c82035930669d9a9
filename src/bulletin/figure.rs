//! A number and what it measures: its unit as written after it (the multiplier already applied
//! by `numbers`), rates (元/亩), and its qualifier from the words around it (余/多/以上 at least,
//! 约/近/左右/预计 about, 不超过/以内 at most, ranges). Also what makes a number no figure: ordinals,
//! years, codes, numbers inside names and counted words.

use super::numbers::{self, is_space, Quantity, Script};
use super::time::is_year;
use crate::model::indicator::Qualifier;

/// Units as written (longest first) and as proposed.
const UNITS: &[(&str, &str)] = &[
    ("个百分点", "个百分点"),
    ("平方公里", "平方公里"),
    ("平方米", "平方米"),
    ("立方米", "立方米"),
    ("千瓦时", "千瓦时"),
    ("个多月", "个月"),
    ("个月", "个月"),
    ("人次", "人次"),
    ("户次", "户次"),
    ("公里", "公里"),
    ("公斤", "公斤"),
    ("千克", "千克"),
    ("公顷", "公顷"),
    ("千瓦", "千瓦"),
    ("兆瓦", "兆瓦"),
    ("千米", "千米"),
    ("小时", "小时"),
    ("平米", "平方米"),
    ("周岁", "岁"),
    ("周年", "年"),
    ("户", "户"),
    ("人", "人"),
    ("个", "个"),
    ("家", "家"),
    ("名", "名"),
    ("村", "村"),
    ("亩", "亩"),
    ("元", "元"),
    ("岁", "岁"),
    ("斤", "斤"),
    ("吨", "吨"),
    ("头", "头"),
    ("只", "只"),
    ("米", "米"),
    ("天", "天"),
    ("年", "年"),
    ("%", "%"),
    ("％", "%"),
    ("倍", "倍"),
    ("块", "块"),
    ("项", "项"),
    ("次", "次"),
    ("所", "所"),
    ("座", "座"),
    ("栋", "栋"),
    ("间", "间"),
    ("套", "套"),
    ("台", "台"),
    ("辆", "辆"),
    ("条", "条"),
    ("处", "处"),
    ("场", "场"),
    ("批", "批"),
    ("件", "件"),
    ("份", "份"),
    ("张", "张"),
    ("位", "位"),
    ("支", "支"),
    ("株", "株"),
    ("棵", "棵"),
    ("眼", "眼"),
    ("盏", "盏"),
    ("周", "周"),
    ("轮", "轮"),
    ("种", "种"),
    ("期", "期"),
    ("类", "类"),
];

/// After a unit, words that make the figure part of a name: 5人制 (football), 三年行动 (a plan).
const NAME_AFTER_UNIT: &[&str] = &["制", "年行动", "年规划", "年计划", "年攻坚", "年目标"];

/// A unit character that here starts another word (10 支持 is no count of 支).
const UNIT_NOT_WORD: &[&str] = &[
    "次性", "元旦", "人民", "村民", "村委", "村级", "家庭", "种植", "种养", "支持", "支部", "位于",
    "项目", "台账", "场所", "间隔", "年度", "年级", "名单", "名称", "类型", "只有", "条件", "处理",
    "批次", "批示", "件事", "份额", "张贴", "头羊",
];

/// Slogans and counted words written without quotes.
const COUNTED_WORDS: &[&str] = &[
    "两不愁",
    "三保障",
    "五个一批",
    "三个一批",
    "两个确保",
    "三个代表",
    "四个全面",
    "四个意识",
    "两个维护",
    "六个精准",
    "四个不摘",
    "两个一百年",
    "三级书记",
    "五级书记",
    "四议两公开",
    "一事一议",
    "三通两平台",
    "九年义务教育",
    "十二年教育",
    "三年行动",
    "两个责任",
];

/// Words before a figure and the qualifier they give. 低于/高于 state a threshold: exact.
const BEFORE: &[(&str, Qualifier)] = &[
    ("不低于", Qualifier::AtLeast),
    ("不少于", Qualifier::AtLeast),
    ("至少", Qualifier::AtLeast),
    ("最少", Qualifier::AtLeast),
    ("超过", Qualifier::AtLeast),
    ("突破", Qualifier::AtLeast),
    ("多于", Qualifier::AtLeast),
    ("逾", Qualifier::AtLeast),
    ("不超过", Qualifier::AtMost),
    ("不高于", Qualifier::AtMost),
    ("不多于", Qualifier::AtMost),
    ("不足", Qualifier::AtMost),
    ("不到", Qualifier::AtMost),
    ("最多", Qualifier::AtMost),
    ("至多", Qualifier::AtMost),
    ("大约", Qualifier::About),
    ("约", Qualifier::About),
    ("将近", Qualifier::About),
    ("接近", Qualifier::About),
    ("近", Qualifier::About),
    ("大概", Qualifier::About),
];
/// Said once for the clause: 预计每亩地…多收入800元左右.
const ESTIMATE: &[&str] = &["预计", "预期", "估计"];
/// Words right after the figure.
const AFTER: &[(&str, Qualifier)] = &[
    ("以上", Qualifier::AtLeast),
    ("以下", Qualifier::AtMost),
    ("以内", Qualifier::AtMost),
    ("左右", Qualifier::About),
    ("上下", Qualifier::About),
];

/// "由 A 提高到 B": A is the value before the change.
pub const CHANGE_VERBS: &[&str] = &[
    "提高", "增加", "增长", "上调", "提升", "调整", "下降", "降低", "减少", "调高", "扩大",
];

/// The figure a quantity forms with its unit, or None if it is no fact.
pub struct Figure {
    pub value: f64,
    pub unit: String,
    pub qualifier: Qualifier,
    /// Byte offset after the unit and any qualifier after it.
    pub end: usize,
    pub unit_end: usize,
}

pub fn skip_spaces(s: &str) -> &str {
    s.trim_start_matches(is_space)
}

/// The unit after a quantity: (unit, byte length as written, 多 inside 个多月).
fn read_unit(after: &str) -> Option<(&'static str, usize, bool)> {
    UNITS
        .iter()
        .find(|(w, _)| after.starts_with(w))
        .map(|(w, u)| (*u, w.len(), *w == "个多月"))
}

fn previous_char(s: &str) -> Option<char> {
    s.trim_end_matches(is_space).chars().last()
}

pub fn figure(para: &str, clause_start: usize, q: &Quantity) -> Option<Figure> {
    let before = &para[..q.start];
    let after_raw = &para[q.end..];
    let after = skip_spaces(after_raw);
    let unit_start = q.end + (after_raw.len() - after.len());
    // Ordinals (第 30 次), letters around digits (5G, 126com).
    let prev = previous_char(before);
    if prev == Some('第') || q.code_like {
        return None;
    }
    if before
        .chars()
        .last()
        .is_some_and(|c| c.is_ascii_alphabetic())
        || after_raw
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
    {
        return None;
    }
    let clause_before = &para[clause_start.min(q.start)..q.start];
    if q.script == Script::Chinese {
        if q.digit_string {
            return None;
        }
        // 一 alone is an article ("一个", "不落一户"), unless counted per period (每季度…一次) or
        // a duration (一个月).
        if q.lone_one && !per_period(clause_before) && !after.starts_with("个月") {
            return None;
        }
        if matches!(prev, Some('这' | '那' | '每' | '几' | '数')) {
            return None;
        }
        let around_start = q.start.saturating_sub(9);
        let around =
            &para[floor_char(para, around_start)..ceil_char(para, (q.end + 12).min(para.len()))];
        if COUNTED_WORDS
            .iter()
            .any(|w| around.contains(w) && word_covers(para, w, q.start))
        {
            return None;
        }
    }
    let mut scale = 1.0;
    let (mut unit, mut unit_len, inner_more) = if q.percent {
        ("%", 0, false)
    } else if let Some(u) = read_unit(after) {
        u
    } else if q.script == Script::Arabic
        && after.starts_with('大')
        && after['大'.len_utf8()..]
            .chars()
            .next()
            .is_some_and(|c| super::places::is_cjk(c) && !"学会型约概于量批力众中小".contains(c))
    {
        // 10大特色产业
        ("个", '大'.len_utf8(), false)
    } else if q.multiplied {
        let unit = unit_from_noun(clause_before).or_else(|| unit_from_following(after));
        (unit?, 0, false)
    } else if tenths(q, after) {
        // 三成: thirty per cent.
        scale = 10.0;
        ("%", '成'.len_utf8(), false)
    } else {
        return None;
    };
    if unit == "期" && q.script == Script::Chinese {
        // 二期工程: a phase, not a count.
        return None;
    }
    let unit_end = unit_start + unit_len;
    let rest = &para[unit_end..];
    if unit_len > 0 {
        let written = &after[..unit_len];
        if UNIT_NOT_WORD
            .iter()
            .any(|w| after.starts_with(w) && w.starts_with(written))
        {
            return None;
        }
    }
    let unit_and_rest = &para[unit_end.saturating_sub(if unit == "年" { 3 } else { 0 })..];
    if NAME_AFTER_UNIT
        .iter()
        .any(|w| rest.starts_with(w) || (unit == "年" && unit_and_rest.starts_with(w)))
    {
        return None;
    }
    // 一户一策, 五个一批: a numeral, a counter, a numeral.
    if q.script == Script::Chinese
        && rest
            .chars()
            .next()
            .and_then(numbers::chinese_digit)
            .is_some()
    {
        return None;
    }
    if unit == "年" && q.integer_digits == 4 && (1900.0..=2100.0).contains(&q.value) {
        return None;
    }
    if unit == "年" && is_year(q) {
        return None;
    }
    // Rates: 800元/亩, 每亩地…800元.
    if unit == "元" {
        for per in [
            "/亩", "／亩", "/人", "／人", "/年", "／年", "/月", "/户", "/天",
        ] {
            if rest.starts_with(per) {
                unit = match per.chars().last() {
                    Some('亩') => "元/亩",
                    Some('人') => "元/人",
                    Some('年') => "元/年",
                    Some('月') => "元/月",
                    Some('户') => "元/户",
                    _ => "元/天",
                };
                unit_len += per.len();
                break;
            }
        }
        if unit == "元" {
            if let Some(per) = rate_of(clause_before) {
                unit = per;
            }
        }
    }
    let unit_end = unit_start + unit_len;
    let rest = skip_spaces(&para[unit_end..]);
    let mut end = unit_end;
    let mut qualifier = if let Some(h) = q.high {
        Qualifier::Range(h)
    } else if q.more || inner_more {
        Qualifier::AtLeast
    } else {
        Qualifier::Exact
    };
    if q.high.is_none() {
        if let Some((w, qa)) = AFTER.iter().find(|(w, _)| {
            // 上下 only at the end of the phrase ("100 元上下"), not in 上下联动.
            rest.starts_with(w)
                && (*w != "上下"
                    || !rest[w.len()..]
                        .chars()
                        .next()
                        .is_some_and(|c| super::places::is_cjk(c) && c != '的'))
        }) {
            end = para.len() - rest.len() + w.len();
            if qualifier == Qualifier::Exact {
                qualifier = *qa;
            }
        } else if rest.starts_with('多') && !rest.starts_with("多万") && unit_len > 0 {
            // 10 天多
            if !rest[3..].starts_with(|c: char| super::places::is_cjk(c)) {
                qualifier = Qualifier::AtLeast;
            }
        }
        if qualifier == Qualifier::Exact {
            qualifier = before_qualifier(clause_before, unit);
        }
    }
    Some(Figure {
        value: q.value * scale,
        unit: unit.to_string(),
        qualifier,
        end,
        unit_end,
    })
}

fn floor_char(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Whether an occurrence of `word` in `para` covers byte offset `at`.
fn word_covers(para: &str, word: &str, at: usize) -> bool {
    para.match_indices(word)
        .any(|(s, w)| s <= at && at < s + w.len())
}

/// 三成, 八成以上: tenths, read as a percentage (not 一成不变, 成员, 成效).
fn tenths(q: &Quantity, after: &str) -> bool {
    q.script == Script::Chinese
        && !q.multiplied
        && (1.0..=9.0).contains(&q.value)
        && q.value.fract() == 0.0
        && after.starts_with('成')
        && !after['成'.len_utf8()..]
            .chars()
            .next()
            .is_some_and(|c| "员本效果功立为绩熟就型品交长都年".contains(c))
}

/// The rate a money figure is stated per: 每亩地…800元 → 元/亩, 每人每月补贴500元 → 元/月. Per
/// household or person is no rate ("每户…可获得 2000 元").
fn rate_of(clause_before: &str) -> Option<&'static str> {
    const RATES: &[(&str, &str)] = &[
        ("立方米", "元/立方米"),
        ("平方米", "元/平方米"),
        ("公斤", "元/公斤"),
        ("亩", "元/亩"),
        ("吨", "元/吨"),
        ("斤", "元/斤"),
        ("头", "元/头"),
        ("只", "元/只"),
        ("年", "元/年"),
        ("月", "元/月"),
        ("天", "元/天"),
    ];
    // Only after the last figure before this one.
    let tail = clause_before
        .rfind(|c: char| numbers::arabic_digit(c).is_some())
        .map(|i| &clause_before[i..])
        .unwrap_or(clause_before);
    if tail.contains("亩均") {
        return Some("元/亩");
    }
    let mut found = None;
    for (at, _) in tail.match_indices('每') {
        let after = &tail[at + '每'.len_utf8()..];
        if let Some((_, rate)) = RATES.iter().find(|(w, _)| after.starts_with(w)) {
            found = Some(*rate);
        } else {
            found = None;
        }
    }
    found
}

/// 每季度, 每年, 每月 …: a frequency, where 一次 is a figure.
fn per_period(clause_before: &str) -> bool {
    [
        "每季度",
        "每年",
        "每月",
        "每周",
        "每天",
        "每日",
        "每半年",
        "每个月",
    ]
    .iter()
    .any(|w| clause_before.contains(w))
}

/// The unit of "1.2 万贫困人口", which the noun after it gives.
fn unit_from_following(after: &str) -> Option<&'static str> {
    const PEOPLE: &[&str] = &[
        "贫困人口",
        "人口",
        "贫困群众",
        "群众",
        "农民",
        "劳动力",
        "居民",
        "村民",
        "学生",
        "儿童",
        "老人",
        "名",
    ];
    const HOUSEHOLDS: &[&str] = &["贫困户", "农户", "家庭", "户"];
    if PEOPLE.iter().any(|w| after.starts_with(w)) {
        Some("人")
    } else if HOUSEHOLDS.iter().any(|w| after.starts_with(w)) {
        Some("户")
    } else {
        None
    }
}

/// The unit of "贫困人口 2.15 万", which the noun gives.
fn unit_from_noun(before: &str) -> Option<&'static str> {
    let mut b = before.trim_end_matches(is_space);
    loop {
        let t = b.trim_end_matches(['为', '达', '到', '至', '了', '约', '近', '将', '已']);
        let t = CHANGE_VERBS
            .iter()
            .find_map(|v| t.strip_suffix(v))
            .unwrap_or(t);
        if t == b {
            break;
        }
        b = t;
    }
    if b.ends_with("人次") {
        Some("人次")
    } else if b.ends_with('人') || b.ends_with("人口") || b.ends_with("人数") {
        Some("人")
    } else if b.ends_with('户') || b.ends_with("户数") {
        Some("户")
    } else if [
        "元",
        "资金",
        "收入",
        "金额",
        "投资",
        "产值",
        "销售额",
        "投入",
        "资助",
    ]
    .iter()
    .any(|w| b.ends_with(w))
    {
        Some("元")
    } else if b.ends_with("面积") || b.ends_with('亩') {
        Some("亩")
    } else {
        None
    }
}

fn before_qualifier(clause_before: &str, unit: &str) -> Qualifier {
    let b = clause_before.trim_end_matches(is_space);
    // The window: back to the last digit (another figure), 12 characters at most.
    let tail_start = b
        .char_indices()
        .rev()
        .take(12)
        .take_while(|(_, c)| !c.is_ascii_digit() && numbers::arabic_digit(*c).is_none())
        .last()
        .map(|(i, _)| i)
        .unwrap_or(b.len());
    let window = &b[tail_start..];
    let mut best: Option<(usize, usize, Qualifier)> = None;
    for (w, q) in BEFORE {
        let Some(at) = window.rfind(w) else { continue };
        let end = at + w.len();
        let gap = window[end..].chars().count();
        let close = matches!(*w, "约" | "近" | "逾" | "大约" | "将近" | "接近");
        if close && gap > 1 {
            continue;
        }
        // 近三年 is "the last three years".
        if *w == "近" && matches!(unit, "年" | "个月" | "天") {
            continue;
        }
        let better = best.is_none_or(|(e, l, _)| end > e || (end == e && w.len() > l));
        if better {
            best = Some((end, w.len(), *q));
        }
    }
    if let Some((_, _, q)) = best {
        return q;
    }
    if ESTIMATE.iter().any(|w| b.contains(w)) {
        return Qualifier::About;
    }
    Qualifier::Exact
}
