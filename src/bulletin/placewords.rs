//! The words `places` reads place names by: implicit references (全村, 该县), department
//! shapes (省商务厅, 市直), township and village suffixes, words that end like a place but are none
//! (乡村, 贫困村), locative verbs (在, 到, 参观), and how a list of places is joined.

use super::mention::{is_cjk, Mention, MentionKind, PlaceRef};
use crate::model::region::Level;

/// Implicit references and the level they stand for.
pub const IMPLICIT: &[(&str, Level)] = &[
    ("全村", Level::Village),
    ("该村", Level::Village),
    ("本村", Level::Village),
    ("整村", Level::Village),
    ("村里", Level::Village),
    ("村集体", Level::Village),
    ("村委会", Level::Village),
    ("村两委", Level::Village),
    ("村党支部", Level::Village),
    ("全镇", Level::Township),
    ("该镇", Level::Township),
    ("本镇", Level::Township),
    ("全乡", Level::Township),
    ("该乡", Level::Township),
    ("本乡", Level::Township),
    ("镇政府", Level::Township),
    ("乡政府", Level::Township),
    ("镇党委", Level::Township),
    ("乡党委", Level::Township),
    ("全县", Level::County),
    ("该县", Level::County),
    ("本县", Level::County),
    ("我县", Level::County),
    ("全旗", Level::County),
    ("全市", Level::City),
    ("该市", Level::City),
    ("本市", Level::City),
    ("我市", Level::City),
    ("全州", Level::City),
    ("全盟", Level::City),
    ("全省", Level::Province),
    ("我省", Level::Province),
    ("本省", Level::Province),
    ("该省", Level::Province),
    ("团省委", Level::Province),
];

/// After 省/市/县: the organ that makes the word a department of that level (省委, 市直, 县政府).
pub const ORGAN_WORDS: &[&str] = &["委", "政府", "直", "长", "人大", "政协", "纪委", "领导"];
/// How a department's name ends (省商务厅, 市民政局, 县扶贫办, 省卫生健康委).
pub const DEPARTMENT_ENDS: &[char] = &['厅', '局', '办', '委', '部', '联', '院', '社'];
/// What may stand right before 省/市/县 of a department (not 城市, 超市, 副市长, 各县).
pub const BEFORE_DEPARTMENT: &[char] = &[
    '和', '与', '及', '由', '向', '在', '对', '经', '了', '是', '把', '将', '被', '据', '从', '为',
    '的', '等', '到', '赴', '同', '以', '请', '团', '、', '，', ',', '。', '；', ';', '：', ':',
    '“', '"', '（', '(', ' ', '\u{3000}', '委', '府',
];

/// Suffixes of townships and villages read from the text alone.
pub const LOCAL_SUFFIXES: &[(&str, Level)] = &[
    ("街道", Level::Township),
    ("苏木", Level::Township),
    ("镇", Level::Township),
    ("乡", Level::Township),
    ("社区", Level::Village),
    ("嘎查", Level::Village),
    ("村", Level::Village),
    ("屯", Level::Village),
];

/// Characters that never stand inside a place name: particles, prepositions, counters.
pub const NOT_IN_NAME: &[char] = &[
    '的', '在', '到', '对', '和', '与', '及', '了', '是', '为', '从', '向', '由', '给', '将', '把',
    '赴', '于', '至', '等', '有', '全', '该', '本', '各', '每', '我', '其', '这', '那', '此', '并',
    '又', '也', '都', '就', '被', '让', '使', '以', '之', '而', '或', '共', '均', '已', '个', '月',
    '日', '期', '第', '省', '市', '县', '区', '镇', '乡', '村', '贫', '困', '非', '级', '所', '户',
    '名', '带', '领', '化', '性', '型', '式', '类', '出', '列', '迁', '逐', '进', '驻', '包',
];

/// A suffix character that starts another word here: 乡村, 乡镇, 村落, and 屯 of 拉拉屯村.
pub const NOT_SUFFIX: &[&str] = &[
    "乡村",
    "乡镇",
    "乡亲",
    "乡土",
    "乡贤",
    "乡风",
    "乡愁",
    "乡音",
    "乡里",
    "镇村",
    "镇街",
    "村落",
    "村庄",
    "屯村",
    "村村",
    "村级",
    "镇级",
    "乡级",
    "村民",
    "村干部",
];

/// Words before a name that are not part of it (verbs taking a place as object).
pub const LEADING_WORDS: &[&str] = &[
    "支持", "扶持", "围绕", "归属", "带动", "进入", "来自", "位于", "地处", "深入", "走访", "前往",
    "调研", "考察", "视察", "参观", "帮扶", "包括", "涉及", "覆盖", "组织", "召开", "实现", "推进",
    "推广", "建设", "打造", "成立", "发展", "帮助", "指导", "落实", "联系", "对接", "结对", "包扶",
    "驻", "来到", "奔赴", "聚焦", "新建", "修建", "改建", "扩建", "建成", "硬化", "完善",
];

/// Whole words that end like a place but are none.
pub const GENERIC: &[&str] = &[
    "乡村",
    "农村",
    "山村",
    "邻村",
    "城乡",
    "乡镇",
    "城镇",
    "集镇",
    "村镇",
    "行政村",
    "自然村",
    "新农村",
    "美丽乡村",
    "小康村",
    "示范村",
    "重点村",
    "试点村",
    "先进村",
    "文明村",
    "特色村",
    "中心村",
    "空心村",
    "移民村",
    "边境村",
    "特色小镇",
    "小城镇",
    "重点镇",
    "中心镇",
    "建制镇",
    "城市社区",
    "农村社区",
    "村村",
    "渔村",
    "返乡",
    "家乡",
    "老乡",
    "下乡",
    "回乡",
    "故乡",
    "同乡",
    "离乡",
    "外乡",
    "推进城镇",
];

/// Words after which a place is where something happens, not what the sentence is about.
pub const LOCATIVE: &[&str] = &[
    "在", "到", "赴", "于", "至", "前往", "来到", "深入", "参观", "考察", "视察", "走访", "进入",
    "奔赴",
];

/// Words after which a place is what a figure is compared with.
pub const COMPARATIVE: &[&str] = &[
    "比",
    "较",
    "高于",
    "低于",
    "超过",
    "超出",
    "对比",
    "相比",
    "相当于",
    "占",
    "与",
    "同",
];

/// What joins the places of a list.
pub const LIST_JOINS: &[&str] = &["、", "和", "及", "与", "以及", "，以及"];

/// Places listed together become one mention of the region holding them all ("岫岩县、义县、
/// 彰武、朝阳和建昌县" → 辽宁省). A list may hold an item no table knows (朝阳 above).
pub fn group_lists(text: &str, mentions: Vec<Mention>) -> (Vec<Mention>, Vec<Vec<PlaceRef>>) {
    let mut out: Vec<Mention> = Vec::new();
    let mut members: Vec<Vec<PlaceRef>> = Vec::new();
    for m in mentions {
        let joined = out.last().is_some_and(|last| {
            matches!(last.kind, MentionKind::Named(_) | MentionKind::List)
                && matches!(m.kind, MentionKind::Named(_))
                && is_list_gap(&text[last.end..m.start])
        });
        if joined {
            let last = out.last_mut().expect("joined implies a last mention");
            last.end = m.end;
            last.kind = MentionKind::List;
            if let (Some(list), MentionKind::Named(p)) = (members.last_mut(), m.kind) {
                list.push(p);
            }
            continue;
        }
        members.push(match m.kind {
            MentionKind::Named(p) => vec![p],
            _ => Vec::new(),
        });
        out.push(m);
    }
    (out, members)
}

fn is_list_gap(gap: &str) -> bool {
    let g = gap.trim_matches(|c: char| c.is_whitespace());
    if g.is_empty() {
        return false;
    }
    if LIST_JOINS.contains(&g) {
        return true;
    }
    // An unknown item between two joins: "彰武、朝阳、建昌县".
    let Some(rest) = LIST_JOINS.iter().find_map(|j| g.strip_prefix(j)) else {
        return false;
    };
    let Some(item) = LIST_JOINS.iter().find_map(|j| rest.strip_suffix(j)) else {
        return false;
    };
    let n = item.chars().count();
    (1..=3).contains(&n) && item.chars().all(is_cjk)
}
