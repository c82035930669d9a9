//! What the words around a figure say it measures. The noun phrase that names a figure may stand
//! apart from its number: verbs of attainment and change (达到, 为, 降至, 由…提高到, 从…到),
//! adverbs (已, 均, 累计, 共), qualifiers (约, 超过, 不低于), times (由 2014 年底的) and the verb
//! that introduces an object (现有, 投入, 建成) sit between them; a counter's noun follows it
//! (45 个扶贫车间). A figure is a level, the value before a change (由 A), or a change itself
//! (比上年增长 15%), which is named after what changed and never is that level.
//!
//! The words are tables of data; the rules strip them from the words before the number.

use super::figure::skip_spaces;
use super::numbers::{arabic_digit, chinese_digit, is_space};
use super::places::is_cjk;

/// Verbs ending in the level reached: "降至 0.8%" is the level 0.8%.
const RESULT_VERBS: &[&str] = &[
    "下降到",
    "下降至",
    "下降为",
    "降低到",
    "降低至",
    "降低为",
    "减少到",
    "减少至",
    "减少为",
    "增加到",
    "增加至",
    "增加为",
    "增长到",
    "增长至",
    "增长为",
    "提高到",
    "提高至",
    "提高为",
    "提升到",
    "提升至",
    "提升为",
    "上升到",
    "上升至",
    "上升为",
    "扩大到",
    "扩大至",
    "缩小到",
    "缩小至",
    "调整到",
    "调整为",
    "上调到",
    "上调至",
    "稳定在",
    "保持在",
    "控制在",
    "维持在",
    "达到",
    "降至",
    "降到",
    "降为",
    "减至",
    "减到",
    "增至",
    "增到",
    "升至",
    "升到",
    "达",
    "为",
    "是",
    "到",
    "至",
];

/// Verbs of change right before a number: the number is the change ("增长 15%").
const CHANGE_VERBS: &[&str] = &[
    "增长", "增加", "提高", "提升", "上升", "上涨", "上调", "扩大", "下降", "降低", "减少", "下滑",
    "回落", "缩小", "增收", "减收",
];

/// After 比 (比全市平均水平低 0.4 个百分点): how one figure differs from another.
const COMPARATIVES: &[&str] = &["高出", "低出", "高", "低", "多", "少", "快", "慢"];

/// Comparands that are the same figure at an earlier time: a change, not a comparison.
const EARLIER: &[&str] = &[
    "上年同期",
    "去年同期",
    "上年",
    "去年",
    "前一年",
    "同期",
    "上月",
    "上季度",
    "年初",
    "此前",
];

/// Qualifier words before the number (their qualifier is read by `figure`).
const QUALIFIERS: &[&str] = &[
    "不低于",
    "不少于",
    "不超过",
    "不高于",
    "不多于",
    "至少",
    "最少",
    "最多",
    "至多",
    "超过",
    "突破",
    "多于",
    "不足",
    "不到",
    "将近",
    "接近",
    "大约",
    "大概",
    "约",
    "近",
    "逾",
    "超",
];

/// Adverbs and particles between the noun and its number.
const ADVERBS: &[&str] = &[
    "分别", "全部", "已经", "同比", "环比", "年均", "平均", "累计", "共计", "合计", "总计", "一共",
    "仅", "已", "均", "都", "共", "再", "又", "就", "还", "也", "将", "只", "才", "总",
];

/// Verbs that introduce the noun of a figure ("现有农户 186 户", "累计投入资金 12.6 亿元"): the
/// noun is what follows the last of them.
const INTRODUCING: &[&str] = &[
    "现有", "共有", "拥有", "其中", "累计", "共计", "合计", "总计", "实现", "完成", "新建", "建成",
    "修建", "新修", "投入", "安排", "落实", "发放", "整合", "筹措", "筹集", "争取", "选派", "新增",
    "实施", "开展", "举办", "募集", "拨付", "下达", "捐赠",
];

/// Verbs of effect: what they reach is not a stock of the place ("带动贫困户 2100 户" is not the
/// county's poor households). They stay in the name.
pub const EFFECT_VERBS: &[&str] = &[
    "带动", "帮助", "吸纳", "惠及", "覆盖", "安置", "扶持", "救助",
];

/// Verbs of spending: with nothing named, "投入 3000 万元" is the money invested (投入资金).
const MONEY_VERBS: &[&str] = &[
    "投入", "安排", "整合", "筹措", "筹集", "争取", "发放", "落实", "拨付", "下达", "募集", "捐赠",
    "捐助", "投资",
];

/// Leading words of a noun phrase that are not the noun ("其中建档立卡户", "全省共选派驻村工作队").
const NOUN_LEAD: &[&str] = &[
    "其中",
    "共有",
    "共计",
    "共",
    "有",
    "达到",
    "达",
    "为",
    "累计",
    "全部",
    "实现",
    "新增",
    "完成",
    "已",
    "均",
    "约",
    "近",
    "超过",
    "不低于",
    "不超过",
    "至少",
    "全省",
    "全市",
    "全县",
    "全区",
    "全村",
    "全镇",
    "全乡",
    "全州",
    "我省",
    "我市",
    "我县",
    "该县",
    "该村",
    "该市",
    "该镇",
    "该乡",
    "今年",
    "去年",
    "目前",
    "截至",
    "新建",
    "建成",
    "实施",
    "发放",
    "选派",
    "投入",
    "安排",
    "落实",
    "培训",
    "转移",
    "修建",
    "新打",
    "发展",
    "成立",
    "建设",
    "引导",
    "组织",
    "整合",
    "力争",
    "计划",
    "预计",
    "确保",
    "争取",
    "要",
    "将",
    "村里",
    "县里",
    "镇里",
    "乡里",
];

/// Time words that may stand before or after the noun ("2019 年全县…", "力争到年底…").
const TIME_WORDS: &[&str] = &[
    "截至目前",
    "上半年",
    "下半年",
    "今年",
    "去年",
    "明年",
    "当年",
    "上年",
    "目前",
    "年底",
    "年末",
    "年初",
    "年内",
    "届时",
    "同期",
];
/// Suffixes of a time written with digits ("2014 年底", "2019年", "6 月").
const TIME_SUFFIXES: &[&str] = &[
    "上半年",
    "下半年",
    "年底",
    "年末",
    "年初",
    "月底",
    "月末",
    "月初",
    "季度",
    "年",
    "月",
    "日",
    "号",
];

/// Counters: what they count is named after them ("9家粉条生产企业", "5个省级贫困县").
const COUNTERS: &[&str] = &[
    "个", "家", "名", "项", "所", "座", "栋", "间", "套", "台", "辆", "条", "处", "场", "批", "件",
    "份", "张", "位", "支", "株", "棵", "眼", "盏", "种", "类", "村",
];
/// Characters that end the noun after a counter (verbs, particles).
const NOUN_STOP: &str = "的了和与及或落实成加入参获已被是在为有到共均达用对开建发完投带进推组得受由从将把向等能如可要应需所并都也就让使于至";

/// What a figure is in its clause.
#[derive(Debug, Clone, PartialEq)]
pub enum Role {
    /// A level: a count, an amount, a rate.
    Level,
    /// After 由/从: the value before a change; the next figure is the same indicator.
    Before,
    /// A level reached (达到, 降至, 提高到 …) with nothing named before it but a figure: the
    /// value after the change of that figure.
    Reached,
    /// The change itself ("增长 15%", "比上年减少 3.2 万人"), with its verb.
    Change(String),
    /// The difference from another figure ("比全市平均水平低 0.4 个百分点"), as written.
    Comparison(String),
}

/// The name of a figure and its role.
#[derive(Debug, Clone, PartialEq)]
pub struct Phrase {
    pub noun: String,
    pub role: Role,
    /// A verb of effect the noun begins with (带动…), which only a catalogue name with it matches.
    pub effect: Option<&'static str>,
}

fn strip_word<'a>(s: &'a str, words: &[&'static str]) -> Option<(&'a str, &'static str)> {
    words
        .iter()
        .filter(|w| s.ends_with(*w))
        .max_by_key(|w| w.len())
        .map(|w| (&s[..s.len() - w.len()], *w))
        // 户均, 人均, 亩均 are nouns, not the adverb 均.
        .filter(|(r, w)| *w != "均" || !r.ends_with(['户', '人', '亩', '年', '日', '月']))
}

fn is_digit(c: char) -> bool {
    arabic_digit(c).is_some() || chinese_digit(c).is_some() || matches!(c, '十' | '百' | '.')
}

/// Strips a time at the end ("由 2014 年底的", "今年"), with the 的 that links it.
fn strip_time(s: &str) -> Option<&str> {
    let t = s.trim_end_matches(is_space);
    let t = t.strip_suffix('的').unwrap_or(t).trim_end_matches(is_space);
    if let Some((head, _)) = strip_word(t, TIME_SUFFIXES) {
        let digits = head
            .trim_end_matches(is_space)
            .trim_end_matches(|c: char| is_digit(c) || is_space(c) || c == '年' || c == '月');
        if digits.len() < head.trim_end_matches(is_space).len() {
            return Some(digits);
        }
    }
    strip_word(t, TIME_WORDS).map(|(head, _)| head)
}

/// Strips times and whole-place words at the start ("2019年全县…", "力争到年底…").
fn strip_lead(mut s: &str) -> &str {
    loop {
        let before = s;
        s = s.trim_start_matches(is_space);
        for w in NOUN_LEAD.iter().chain(TIME_WORDS).chain(INTRODUCING) {
            if let Some(r) = s.strip_prefix(w) {
                let r = r.trim_start_matches(is_space);
                if r.chars().count() >= 2 {
                    s = r;
                }
            }
        }
        for w in ["到", "至", "截至", "截止", "在"] {
            if let Some(r) = s.strip_prefix(w) {
                if r.starts_with(|c: char| is_digit(c))
                    || TIME_WORDS.iter().any(|t| r.starts_with(t))
                {
                    s = r;
                }
            }
        }
        // 2019年, 2019 年底
        let digits = s.trim_start_matches(|c: char| arabic_digit(c).is_some() || is_space(c));
        if digits.len() < s.len() {
            if let Some(w) = TIME_SUFFIXES.iter().find(|w| digits.starts_with(*w)) {
                let r = digits[w.len()..].trim_start_matches('的');
                if !r.is_empty() {
                    s = r;
                }
            }
        }
        if s == before {
            return s;
        }
    }
}

/// 比上年, 较去年, 比全市平均水平: the start of the comparand before a change or comparative.
fn comparand(s: &str) -> Option<usize> {
    let (at, c) = s
        .char_indices()
        .rev()
        .find(|&(_, c)| c == '比' || c == '较')?;
    let prev = s[..at].chars().last();
    let next = s[at + c.len_utf8()..].chars().next();
    let part_of_word =
        matches!(prev, Some('占' | '对' | '相')) || matches!(next, Some('例' | '重' | '率'));
    (!part_of_word && next.is_some()).then_some(at)
}

/// The phrase before a number: `seg` is the text from the clause (or the figure before) to it.
/// (noun, role, the introducing or effect verb).
fn before(seg: &str) -> (String, Role, Option<&'static str>) {
    let mut s = seg.trim_matches(|c: char| is_space(c) || matches!(c, '、' | '，' | ','));
    if let Some((at, c)) = s
        .char_indices()
        .rev()
        .find(|(_, c)| matches!(c, '、' | '，' | ',' | '（' | '('))
    {
        s = &s[at + c.len_utf8()..];
    }
    let mut role = Role::Level;
    let mut verb: Option<&'static str> = None;
    let mut reached = false;
    loop {
        let t = s.trim_end_matches(is_space);
        if let Some(r) = t.strip_suffix('了') {
            // "种了二十亩马铃薯": after 了 the object follows the number.
            if role == Role::Level && !reached && verb.is_none() {
                verb = Some("了");
            }
            s = r;
        } else if let Some(r) = strip_time(t) {
            s = r;
        } else if let Some((r, _)) = strip_word(t, QUALIFIERS) {
            s = r;
        } else if let Some((r, _)) = strip_word(t, ADVERBS) {
            s = r;
        } else if let Some((r, _)) = strip_word(t, RESULT_VERBS).filter(|_| role == Role::Level) {
            reached = true;
            s = r;
        } else if let Some((r, v)) = strip_word(t, CHANGE_VERBS)
            .filter(|_| role == Role::Level && !reached)
            .or_else(|| {
                strip_word(t, COMPARATIVES)
                    .filter(|(r, _)| role == Role::Level && comparand(r).is_some())
            })
        {
            s = r.trim_end_matches(is_space);
            for _ in 0..3 {
                if let Some((r, _)) = strip_word(s, ADVERBS) {
                    s = r;
                }
            }
            role = Role::Change(v.to_string());
            if let Some(at) = comparand(s) {
                let against = &s[at + '比'.len_utf8()..];
                if !EARLIER.contains(&against) {
                    role = Role::Comparison(format!("{}{v}", &s[at..]));
                }
                s = &s[..at];
            } else if COMPARATIVES.contains(&v) {
                return (String::new(), Role::Level, None);
            }
        } else if let Some(r) = t.strip_suffix('由').or_else(|| t.strip_suffix('从')) {
            if role == Role::Level {
                role = Role::Before;
            }
            s = r;
        } else if let Some((r, v)) =
            strip_word(t, INTRODUCING).or_else(|| strip_word(t, EFFECT_VERBS))
        {
            verb = Some(v);
            s = r;
        } else {
            s = t;
            break;
        }
    }
    // 高于全省平均水平 1.6 个百分点: a comparison with what follows 高于/低于.
    if role == Role::Level {
        for w in ["高于", "低于", "高出", "低出"] {
            if let Some(at) = s.rfind(w) {
                if s[at + w.len()..].chars().count() >= 2 {
                    role = Role::Comparison(s[at..].to_string());
                    s = &s[..at];
                    break;
                }
            }
        }
    }
    if role == Role::Level && reached && s.trim().is_empty() {
        role = Role::Reached;
    }
    // The noun follows the first introducing verb (others after it are stripped as leads).
    let cut = INTRODUCING
        .iter()
        .chain(EFFECT_VERBS)
        .filter_map(|w| s.find(w).map(|at| (at, *w)))
        .filter(|(at, w)| !s[at + w.len()..].trim().is_empty())
        // 覆盖率, 投入量: a verb made a noun by its suffix.
        .filter(|(at, w)| !s[at + w.len()..].starts_with(['率', '面', '度', '量', '额', '数']))
        .min_by_key(|(at, w)| (*at, std::cmp::Reverse(w.len())));
    if let Some((at, w)) = cut {
        s = &s[at + w.len()..];
        verb = Some(w);
    }
    let noun = strip_lead(s);
    // "帮助村里修建道路": the effect reaches the village, the figure is the road's.
    if verb.is_some_and(|v| EFFECT_VERBS.contains(&v)) && noun.len() != s.trim().len() {
        verb = None;
    }
    (noun.to_string(), role, verb)
}

/// Whether `s` begins with a verb of the level reached ("降至 0.32%", "提高到 4770 元").
pub fn starts_with_result(s: &str) -> bool {
    RESULT_VERBS
        .iter()
        .filter(|v| !matches!(**v, "达" | "为" | "是"))
        .any(|v| s.starts_with(v))
}

fn is_whole_place(s: &str) -> bool {
    s.chars().count() == 2 && (s.starts_with('全') || s.starts_with('该') || s.starts_with('我'))
}

/// The noun after a figure ("45 个扶贫车间"), unless a verb or a qualifier follows the number;
/// it ends before a verb of change ("贫困户增收").
fn after(rest: &str) -> String {
    let after = skip_spaces(rest).trim_start_matches('的');
    let verb = RESULT_VERBS
        .iter()
        .chain(CHANGE_VERBS)
        .chain(ADVERBS)
        .chain(["左右", "以上", "以下", "以内", "上下"].iter())
        .any(|v| after.starts_with(v));
    if verb {
        return String::new();
    }
    let mut noun: String = after
        .chars()
        .take_while(|c| is_cjk(*c) && !NOUN_STOP.contains(*c))
        .take(10)
        .collect();
    let ends = CHANGE_VERBS.iter().chain(&["户均", "人均", "亩均", "每"]);
    if let Some(at) = ends.filter_map(|v| noun.find(v)).min() {
        noun.truncate(at);
    }
    // "118 个贫困村中，…": 中 is "among".
    let followed = after[noun.len()..].starts_with(['，', ',', '、']);
    if followed && noun.chars().count() > 2 {
        if let Some(n) = noun.strip_suffix('中') {
            noun.truncate(n.len());
        }
    }
    noun
}

/// Verbs a noun does not end with: what follows the figure names it instead.
const VERB_END: &[&str] = &[
    "有", "了", "达", "为", "到", "至", "获得", "投入", "带动", "选派", "资助", "利用", "提高",
];

/// The name and role of a figure: `para[from..q_start]` is the text before its number in its
/// clause (from the figure before it, if any), `para[end..]` what follows its unit and qualifier.
pub fn phrase(para: &str, from: usize, q_start: usize, unit: &str, end: usize) -> Phrase {
    let after = after(&para[end.min(para.len())..]);
    let (mut noun, role, verb) = before(&para[from.min(q_start)..q_start]);
    let effect = verb.filter(|v| EFFECT_VERBS.contains(v));
    let level = matches!(role, Role::Level | Role::Before);
    let has_after = after.chars().count() >= 2;
    if level && (COUNTERS.contains(&unit) || verb == Some("了")) && has_after {
        noun = after.clone();
    }
    // "全村 339 户" counts the village; "全县累计实现 2.3 万户" does not say what.
    if verb.is_some() && is_whole_place(&noun) {
        noun.clear();
    }
    // "…代表组成的48人学习考察团": what stands before 的 describes, the noun follows.
    if noun.ends_with('的') && has_after {
        noun = after.clone();
    }
    if let Some(at) = noun.rfind('的') {
        noun = noun[at + '的'.len_utf8()..].to_string();
    }
    let chars: Vec<char> = noun.chars().collect();
    noun = chars[chars.len().saturating_sub(12)..].iter().collect();
    let money = verb.filter(|v| MONEY_VERBS.contains(v) && unit == "元");
    if noun.is_empty() && money.is_some() {
        noun = format!("{}资金", money.unwrap_or_default());
    } else if role == Role::Level
        && (noun.is_empty() || VERB_END.iter().any(|v| noun.ends_with(v)))
        && !(noun.is_empty() && unit == "元" && !has_after)
    {
        noun = after;
    }
    if let Some(v) = effect.filter(|v| !noun.is_empty() && !noun.starts_with(*v)) {
        noun = format!("{v}{noun}");
    }
    Phrase { noun, role, effect }
}

#[cfg(test)]
mod tests;
