//! Which catalogue indicator a figure gives, from the noun phrase around it ("建档立卡贫困户 174 户"
//! → registered_poor_households, the "382 人" after it → registered_poor_population, "农村低保年平
//! 均保障标准" → dibao_standard). A noun the catalogue lacks is proposed as a new indicator.

use super::reference::Reference;
use super::IndicatorMatch;

/// Household and people indicators that come in pairs ("174 户、382 人").
const PAIRS: &[(&str, &str)] = &[
    ("households_total", "population"),
    ("registered_poor_households", "registered_poor_population"),
    ("exited_poor_households", "exited_poor_population"),
    ("poor_households", "poor_population"),
];

/// Words that name the place as a whole: "全村 339 户" is the village's households.
const WHOLE_PLACE: &[&str] = &[
    "全村", "该村", "本村", "全镇", "全乡", "该镇", "该乡", "全县", "该县", "全市", "该市", "全省",
];

/// Nouns that alone name a whole place's households or people ("农户 186 户、人口 450 人").
const TOTALS: &[(&str, &str)] = &[
    ("农户", "households_total"),
    ("户数", "households_total"),
    ("总户数", "households_total"),
    ("总户", "households_total"),
    ("人口", "population"),
    ("总人口", "population"),
    ("户籍人口", "population"),
];

/// Words of a catalogue name that measures a change ("农村居民人均可支配收入增幅"): only these
/// match a change, and a change never matches a level.
const CHANGE_WORDS: &[&str] = &[
    "幅度", "增幅", "降幅", "增速", "增长", "增加", "减少", "提高", "下降",
];

/// Endings of nouns that name people or households themselves ("驻村干部", "贫困户"); other
/// nouns get the count in their name ("脱贫" → "脱贫人数").
const PEOPLE_NOUNS: &[&str] = &[
    "人",
    "人口",
    "人次",
    "群众",
    "劳动力",
    "干部",
    "学生",
    "人员",
    "教师",
    "村医",
    "农民",
    "农民工",
    "居民",
    "村民",
    "青少年",
    "儿童",
    "老人",
    "妇女",
    "党员",
    "书记",
    "队员",
    "专家",
    "对象",
    "工人",
];
const HOUSEHOLD_NOUNS: &[&str] = &["户", "家庭"];
const AREA_UNITS: &[&str] = &["亩", "公顷", "平方米", "平方公里"];
const COUNT_UNITS: &[&str] = &[
    "个", "家", "村", "项", "次", "所", "座", "处", "支", "栋", "间", "套", "台", "辆", "条", "场",
    "批", "件", "张", "位", "种", "类", "眼", "株",
];

/// The name of a new indicator from its noun and unit: "脱贫" 户 → 脱贫户数, "扶贫车间" 个 →
/// 扶贫车间数, "高标准农田" 亩 → 高标准农田面积.
fn new_name(noun: &str, unit: &str) -> String {
    let counted = |words: &[&str]| noun.ends_with('数') || words.iter().any(|w| noun.ends_with(w));
    let suffix = match counted_kind(unit) {
        Counted::Households if counted(HOUSEHOLD_NOUNS) => "数",
        Counted::Households => "户数",
        Counted::People if unit == "人次" && !noun.ends_with("人次") => "人次",
        Counted::People if counted(PEOPLE_NOUNS) => "数",
        Counted::People => "人数",
        Counted::Other if AREA_UNITS.contains(&unit) && !noun.ends_with("面积") => "面积",
        Counted::Other
            if COUNT_UNITS.contains(&unit) && !noun.ends_with('数') && !noun.ends_with('量') =>
        {
            "数"
        }
        Counted::Other => "",
    };
    let suffix = if noun.ends_with(suffix) && suffix == "数" {
        ""
    } else {
        suffix
    };
    format!("{noun}{suffix}")
}

/// The indicator of a change ("增长 15%") of what `subject` names: a catalogue name of a change
/// ("农村居民人均可支配收入增幅"), else a new one ("人均纯收入增长幅度").
pub fn match_change(
    reference: &Reference,
    subject: &str,
    verb: &str,
    unit: &str,
) -> IndicatorMatch {
    let rate = matches!(unit, "%" | "个百分点" | "倍");
    let noun = format!("{subject}{verb}{}", if rate { "幅度" } else { "" });
    match_indicator(reference, &noun, unit, None, Some(CHANGE_WORDS))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Counted {
    Households,
    People,
    Other,
}

fn counted_kind(unit: &str) -> Counted {
    match unit {
        "户" => Counted::Households,
        "人" | "名" | "人次" => Counted::People,
        _ => Counted::Other,
    }
}

fn base_unit(unit: &str) -> &str {
    let u = unit.split('/').next().unwrap_or(unit);
    match u {
        "名" => "人",
        "元" | "万元" => "元",
        u => u,
    }
}

fn bigrams(s: &str) -> Vec<(char, char)> {
    let cs: Vec<char> = s.chars().collect();
    cs.windows(2).map(|w| (w[0], w[1])).collect()
}

/// How well a catalogue name is covered by the words around a figure: (characters, bigrams).
fn coverage(name: &str, context: &str) -> (f64, f64) {
    let core: String = name
        .trim_end_matches('数')
        .chars()
        .filter(|c| !c.is_ascii() && !matches!(c, '（' | '）' | '“' | '”'))
        .collect();
    let n = core.chars().count();
    if n == 0 {
        return (0.0, 0.0);
    }
    let chars = core.chars().filter(|c| context.contains(*c)).count() as f64 / n as f64;
    let pairs = bigrams(&core);
    let ctx = bigrams(context);
    let bi = if pairs.is_empty() {
        chars
    } else {
        pairs.iter().filter(|p| ctx.contains(p)).count() as f64 / pairs.len() as f64
    };
    (chars, bi)
}

/// The indicator of a figure with `unit`, named by `noun` (the words before or after it);
/// `previous` is the indicator of the figure just before it in the same clause, for "174 户、382 人";
/// with `only`, a catalogue name must hold one of these words (a change's, or the verb of effect
/// 带动 the noun begins with).
pub fn match_indicator(
    reference: &Reference,
    noun: &str,
    unit: &str,
    previous: Option<&IndicatorMatch>,
    only: Option<&[&str]>,
) -> IndicatorMatch {
    let known = |code: &str| {
        reference
            .indicators
            .iter()
            .find(|i| i.code == code)
            .map(|i| IndicatorMatch::Known {
                code: i.code.clone(),
                name: i.name.clone(),
            })
    };
    let kind = counted_kind(unit);
    // "174 户、382 人": the people of the households just counted.
    if noun.is_empty() && kind != Counted::Other {
        if let Some(IndicatorMatch::Known { code, .. }) = previous {
            for (h, p) in PAIRS {
                let other = match (kind, code.as_str()) {
                    (Counted::People, c) if c == *h => Some(*p),
                    (Counted::Households, c) if c == *p => Some(*h),
                    _ => None,
                };
                if let Some(found) = other.and_then(known) {
                    return found;
                }
            }
        }
        // "脱贫 1.2 万户、4.1 万人": the people of a new household count.
        if let Some(IndicatorMatch::New { name, .. }) = previous {
            if let (Counted::People, Some(stem)) = (kind, name.strip_suffix("户数")) {
                return IndicatorMatch::New {
                    name: format!("{stem}人数"),
                    unit: unit.to_string(),
                };
            }
        }
    }
    if only.is_none() {
        if let Some((_, code)) = TOTALS.iter().find(|(w, _)| *w == noun) {
            if let Some(found) = known(code) {
                return found;
            }
        }
    }
    if WHOLE_PLACE.iter().any(|w| noun.ends_with(w)) || (noun.is_empty() && previous.is_none()) {
        let code = match kind {
            Counted::Households => Some("households_total"),
            Counted::People => Some("population"),
            Counted::Other => None,
        };
        if let Some(found) = code.filter(|_| !noun.is_empty()).and_then(known) {
            return found;
        }
    }
    let base = base_unit(unit);
    let mut best: Option<(f64, usize, &super::reference::IndicatorEntry)> = None;
    if !noun.is_empty() {
        for ind in &reference.indicators {
            if base_unit(&ind.unit) != base {
                continue;
            }
            if only.is_some_and(|words| !words.iter().any(|w| ind.name.contains(w))) {
                continue;
            }
            if only.is_none() && CHANGE_WORDS.iter().any(|w| ind.name.contains(w)) {
                continue;
            }
            let (c, b) = coverage(&ind.name, noun);
            let (nc, nb) = coverage(&ind.note, noun);
            let (c, b) = if nc >= 0.99 && nb > b && !ind.note.is_empty() {
                (nc.min(c.max(0.8)), nb)
            } else {
                (c, b)
            };
            if c < 0.8 || b < 0.5 {
                continue;
            }
            let score = c + b;
            let len = ind.name.chars().count();
            let better = match &best {
                None => true,
                Some((s, l, _)) => score > *s + 1e-9 || ((score - *s).abs() < 1e-9 && len > *l),
            };
            if better {
                best = Some((score, len, ind));
            }
        }
    }
    if let Some((_, _, ind)) = best {
        return IndicatorMatch::Known {
            code: ind.code.clone(),
            name: ind.name.clone(),
        };
    }
    let name = if noun.is_empty() {
        format!("未命名（{unit}）")
    } else {
        new_name(noun, unit)
    };
    IndicatorMatch::New {
        name,
        unit: unit.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(m: &IndicatorMatch) -> Option<&str> {
        m.code()
    }

    #[test]
    fn catalogue_by_noun_and_pairs() {
        let r = Reference::embedded().unwrap();
        let h = match_indicator(&r, "建档立卡贫困户", "户", None, None);
        assert_eq!(code(&h), Some("registered_poor_households"));
        let p = match_indicator(&r, "", "人", Some(&h), None);
        assert_eq!(code(&p), Some("registered_poor_population"));
        let d = match_indicator(&r, "全市农村低保年平均保障标准", "元", None, None);
        assert_eq!(code(&d), Some("dibao_standard"));
        let t = match_indicator(&r, "全村", "户", None, None);
        assert_eq!(code(&t), Some("households_total"));
        let f = match_indicator(&r, "耕地面积", "亩", None, None);
        assert_eq!(code(&f), Some("farmland_area"));
        let n = match_indicator(&r, "光伏电站", "座", None, None);
        assert_eq!(
            n,
            IndicatorMatch::New {
                name: "光伏电站数".into(),
                unit: "座".into()
            }
        );
    }
}
