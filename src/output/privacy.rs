//! Personal data on screen and on disk: resident ID numbers (身份证号码) are never shown or stored in
//! clear, and heads of household are named only when the user asks with `--show-names`.
//!
//! For commands that print households: show a name with `display_name(name, show)`; echo a cell
//! value of a county file in a message with `echo_cell(value, show)`, where `show` is the
//! command's `--show-names`, passed down as a parameter. Import messages quote the cells they
//! complain about; `mask_quoted_names` masks the quoted values that look like names (a shifted
//! column puts names where codes should be), and every message the binary prints goes through
//! `redact_ids`, so an ID number in the wrong column still comes out masked.

use std::borrow::Cow;

use crate::model::cell::normalize_width;

/// A head-of-household name as it may be printed: in full when `show`, otherwise the first
/// character and one `*` for each further one (张三 → 张*, 欧阳修文 → 欧***, 阿依古丽·买买提 →
/// 阿*******). The family name alone does not identify anyone in a village list.
pub fn display_name(name: &str, show: bool) -> Cow<'_, str> {
    if show {
        return Cow::Borrowed(name);
    }
    let mut chars = name.trim().chars();
    match chars.next() {
        None => Cow::Borrowed(""),
        Some(first) => {
            let mut out = String::with_capacity(name.len());
            out.push(first);
            out.extend(chars.map(|_| '*'));
            Cow::Owned(out)
        }
    }
}

/// Common Chinese family names (the first ~280 of the population, which cover most people), and
/// the compound ones. A typo in a vocabulary column (也许, 普通户, 因病致) starts with none of these.
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝达扎格央拉索洛图";
const COMPOUND_SURNAMES: [&str; 14] = [
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
    "夏侯", "令狐",
];

/// Whether a cell looks like a personal name: 2 to 4 Chinese characters starting with a common
/// family name, or Han characters joined by a middle dot (minority names such as 阿依古丽·买买提).
/// A heuristic for masking echoed cells: it errs towards masking names, and leaves the usual typos
/// of vocabulary columns readable.
pub fn looks_like_name(s: &str) -> bool {
    let s = s.trim();
    let n = s.chars().count();
    let han = |c: char| matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}');
    let dot = |c: char| matches!(c, '·' | '•' | '‧' | '・');
    if s.chars().any(dot) {
        return (3..=20).contains(&n)
            && s.chars().all(|c| han(c) || dot(c))
            && !s.starts_with(dot)
            && !s.ends_with(dot);
    }
    if !(2..=4).contains(&n) || !s.chars().all(han) {
        return false;
    }
    COMPOUND_SURNAMES.iter().any(|c| s.starts_with(c))
        || s.chars().next().is_some_and(|c| SURNAMES.contains(c))
}

/// A cell value of a county file as an error message may echo it: ID numbers always masked, and a
/// value that looks like a personal name masked unless `show` (a column shifted by one puts names
/// where codes and numbers should be).
pub fn echo_cell(value: &str, show: bool) -> Cow<'_, str> {
    if !show && looks_like_name(value) {
        return Cow::Owned(display_name(value, false).into_owned());
    }
    redact_ids(value)
}

/// The line printed when tuopin panics: a bug of tuopin, said plainly, with the panic message
/// (which may quote the data being read) masked like every other message.
pub fn panic_report(message: &str, location: Option<(&str, u32)>) -> String {
    let at = location
        .map(|(file, line)| format!(" ({file}:{line})"))
        .unwrap_or_default();
    format!(
        "错误: tuopin 内部错误，请报告此问题 (internal error){at}: {}",
        redact_ids(message)
    )
}

/// A message with every quoted cell value (`"..."`, as `{:?}` quotes them) that looks like a
/// personal name masked: how import messages echo cells without naming anyone. Text outside
/// quotes, including the lists of valid values, is left alone.
pub fn mask_quoted_names(message: &str) -> Cow<'_, str> {
    if !message.contains('"') {
        return Cow::Borrowed(message);
    }
    let mut out = String::with_capacity(message.len());
    let mut changed = false;
    let mut rest = message;
    while let Some(open) = rest.find('"') {
        out.push_str(&rest[..=open]);
        let after = &rest[open + 1..];
        // The closing quote is the next one not escaped by a backslash.
        let mut close = None;
        let mut escaped = false;
        for (i, c) in after.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    close = Some(i);
                    break;
                }
                _ => escaped = false,
            }
        }
        let Some(close) = close else {
            out.push_str(after);
            rest = "";
            break;
        };
        let inner = &after[..close];
        if looks_like_name(inner) {
            out.push_str(&display_name(inner, false));
            changed = true;
        } else {
            out.push_str(inner);
        }
        out.push('"');
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(message)
    }
}

// ID numbers are checked and masked in one place, `idcard`; re-exported for callers of this module.
pub use crate::model::idcard::{mask_id_number, valid_id_number};

fn id_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn id_check_char(c: char) -> bool {
    id_digit(c) || matches!(c, 'X' | 'x' | 'Ｘ' | 'ｘ')
}

/// The char ranges of `text` that may be an ID number: a run of 17 or more digits (full-width
/// digits count), with an X after it if there is one. Neither the length nor the check digit is
/// required: a mistyped number, or one run into the next cell, is just as personal.
fn id_like_spans(text: &str) -> Vec<(usize, usize)> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !id_digit(chars[i].1) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < chars.len() && id_digit(chars[j].1) {
            j += 1;
        }
        if j - i >= 17 {
            let end = if j < chars.len() && id_check_char(chars[j].1) {
                j + 1
            } else {
                j
            };
            let to = chars.get(end).map(|c| c.0).unwrap_or(text.len());
            spans.push((chars[i].0, to));
            i = end;
        } else {
            i = j;
        }
    }
    spans
}

/// `text` with every ID-number-like sequence masked (see `mask_id_number`).
pub fn redact_ids(text: &str) -> Cow<'_, str> {
    // Fast path: fewer than 17 digits cannot hold an ID number.
    if text.chars().filter(|c| id_digit(*c)).count() < 17 {
        return Cow::Borrowed(text);
    }
    let spans = id_like_spans(text);
    if spans.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (from, to) in spans {
        out.push_str(&text[at..from]);
        out.push_str(&mask_id_number(&text[from..to]));
        at = to;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

/// Whether `text` holds a real resident ID number in clear: 18 characters with a valid check digit
/// and a plausible birth date (1900–2099), not inside a longer run of letters or digits. Strict, so
/// that household numbers and hashes are not mistaken for ID numbers; used to refuse such values
/// on import and by `tuopin verify`.
pub fn contains_id_number(text: &str) -> bool {
    find_id_number(text).is_some()
}

/// The first real resident ID number in `text` (as `contains_id_number` finds it), in ASCII.
pub fn find_id_number(text: &str) -> Option<String> {
    // Fast path for the import's every cell: too few digits (ASCII or full-width) to hold one.
    if text.len() < 18 || text.chars().filter(|c| id_digit(*c)).count() < 17 {
        return None;
    }
    let normalized = normalize_width(text);
    let b = normalized.as_bytes();
    if b.len() < 18 {
        return None;
    }
    let mut i = 0;
    while i + 18 <= b.len() {
        let boundary_before = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        if boundary_before && b[i].is_ascii_digit() {
            let boundary_after = i + 18 == b.len() || !b[i + 18].is_ascii_alphanumeric();
            if boundary_after {
                if let Ok(candidate) = std::str::from_utf8(&b[i..i + 18]) {
                    if valid_id_number(candidate) && plausible_birth_date(candidate) {
                        return Some(candidate.to_ascii_uppercase());
                    }
                }
            }
        }
        i += 1;
    }
    None
}

/// Whether a number stored as a floating-point figure may be a resident ID number typed into a
/// numeric column: 18 digits whose region part and birth date are plausible. A double keeps only
/// about 16 significant digits, so the check digit cannot be checked; `tuopin verify` reports such
/// values as it reports ID numbers in text.
pub fn real_may_be_id_number(v: f64) -> bool {
    if !(1.0e17..1.0e18).contains(&v.abs()) || v.fract() != 0.0 {
        return false;
    }
    let digits = format!("{:.0}", v.abs());
    digits.len() == 18 && !digits.starts_with('0') && plausible_birth_date(&digits)
}

/// Whether a cell value may be personal data: any letter of a script other than Latin (Han,
/// Uyghur, Tibetan...), or two Latin letters in a row (`Zhang Wei`), in a value of two characters
/// or more. Digits, signs, separators, codes with single letters (`25,00`, `1e300`,
/// `210922-T01-V01`, `H001`) and single characters (`三`) name nobody.
pub fn may_be_personal(value: &str) -> bool {
    // One character names nobody (and describing it would show it anyway).
    if value.chars().nth(1).is_none() {
        return false;
    }
    let mut latin_run = 0;
    for c in value.chars() {
        if c.is_ascii_alphabetic() {
            latin_run += 1;
            if latin_run >= 2 {
                return true;
            }
        } else {
            latin_run = 0;
            if c.is_alphabetic() {
                return true;
            }
        }
    }
    false
}

/// A bad cell value of a household row as an error message may quote it: in quotes (`{:?}`, ID
/// numbers masked) when it cannot be personal data or when `show` (`--show-names`); otherwise only
/// its length and first character, which say what went wrong without naming anyone (a head's name
/// typed into 主要致贫原因 that does not look like a name, 户主5, 买买提江, Zhang Wei).
pub fn quote_cell(value: &str, show: bool) -> String {
    if show || !may_be_personal(value) {
        return format!("{:?}", redact_ids(value));
    }
    let first = value.chars().next().unwrap_or(' ');
    format!(
        "值（{} 个字符，首字“{first}”，未显示：可能是个人信息）",
        value.chars().count()
    )
}

fn plausible_birth_date(id: &str) -> bool {
    let num = |r: std::ops::Range<usize>| id.get(r).and_then(|s| s.parse::<u32>().ok());
    match (num(6..10), num(10..12), num(12..14)) {
        (Some(y), Some(m), Some(d)) => {
            (1900..=2099).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "11010519491231002X";

    #[test]
    fn names_are_masked_unless_asked() {
        assert_eq!(display_name("张三", false), "张*");
        assert_eq!(display_name("欧阳修文", false), "欧***");
        assert_eq!(display_name("张三", true), "张三");
        assert_eq!(display_name("", false), "");
        assert!(looks_like_name("张三"));
        assert!(looks_like_name("阿依古丽·买买提"));
        assert!(!looks_like_name("三家子村民委员会"));
        assert!(!looks_like_name("210922-T01-V01"));
        assert!(!looks_like_name("张"));
        assert!(looks_like_name("欧阳修文") && looks_like_name("司马相如"));
        // Typos in vocabulary columns stay readable.
        for word in [
            "也许",
            "普通户",
            "幸福指数",
            "脱贫",
            "因病致",
            "通宽带",
            "乡镇",
        ] {
            assert!(!looks_like_name(word), "{word}");
        }
        assert_eq!(echo_cell("李四", false), "李*");
        assert_eq!(echo_cell("李四", true), "李四");
        assert_eq!(echo_cell("12a", false), "12a");
    }

    #[test]
    fn id_numbers_are_redacted_wherever_they_appear() {
        assert_eq!(
            redact_ids(&format!("村代码 \"{ID}\" 不在区划表中")),
            "村代码 \"1101**********002X\" 不在区划表中"
        );
        assert_eq!(redact_ids("110105194912310021"), "1101**********0021");
        assert_eq!(
            redact_ids("１１０１０５１９４９１２３１００２Ｘ"),
            "１１０１**********００２Ｘ"
        );
        // Longer runs are masked too (an ID number with a digit too many is still one); a
        // 12-digit village code stays.
        assert_eq!(redact_ids("1101051949123100211"), "1101***********0211");
        assert_eq!(redact_ids("11010519491231002X0"), "1101**********002X0");
        assert_eq!(redact_ids("210922001001"), "210922001001");
        assert_eq!(redact_ids("a,b"), "a,b");
    }

    #[test]
    fn quoted_names_in_messages_are_masked() {
        assert_eq!(
            mask_quoted_names("村代码 \"欧阳修文\" 不在区划表中"),
            "村代码 \"欧***\" 不在区划表中"
        );
        assert_eq!(
            mask_quoted_names("\"李四\" 不是标准的致贫原因（因病 因残）"),
            "\"李*\" 不是标准的致贫原因（因病 因残）"
        );
        // Not names: codes, numbers, longer text; an escaped quote does not end the value.
        for m in [
            "\"210922-T01\" 不是村",
            "\"三家子村民委员会\" x",
            "\"a\\\"b\" c \"张",
            "脱贫状态为已脱贫时，脱贫年度必填",
        ] {
            assert_eq!(mask_quoted_names(m), m);
        }
        assert_eq!(
            mask_quoted_names("\"x\\\"y\" 与 \"张三\""),
            "\"x\\\"y\" 与 \"张*\""
        );
    }

    #[test]
    fn cells_that_may_be_personal_are_described_not_quoted() {
        for personal in ["户主5", "买买提江", "次仁多吉", "Zhang Wei", "也许", "李四"]
        {
            assert!(may_be_personal(personal), "{personal}");
            let q = quote_cell(personal, false);
            assert!(!q.contains(personal), "{q}");
            let first = personal.chars().next().unwrap();
            assert!(q.contains(&format!("首字“{first}”")), "{q}");
            assert_eq!(quote_cell(personal, true), format!("{personal:?}"));
        }
        assert!(quote_cell("买买提江", false).contains("4 个字符"));
        for code in [
            "25,00",
            "1e300",
            "210922-T01-V01",
            "-5",
            "H001",
            "",
            "3.5.1",
            "三",
        ] {
            assert!(!may_be_personal(code), "{code}");
            assert_eq!(quote_cell(code, false), format!("{code:?}"));
        }
        assert_eq!(quote_cell(ID, false), "\"1101**********002X\"");
    }

    #[test]
    fn floats_that_may_be_id_numbers() {
        assert_eq!(find_id_number(&format!("x {ID}")).as_deref(), Some(ID));
        assert!(real_may_be_id_number(110105194912310021.0));
        assert!(!real_may_be_id_number(110105999912310021.0)); // no such birth date
        assert!(!real_may_be_id_number(3000.0));
        assert!(!real_may_be_id_number(1.0e17 + 0.5e17 * 0.3));
    }

    #[test]
    fn panic_reports_mask_id_numbers() {
        let r = panic_report(&format!("bad cell {ID}"), Some(("src/x.rs", 7)));
        assert_eq!(
            r,
            "错误: tuopin 内部错误，请报告此问题 (internal error) (src/x.rs:7): bad cell 1101**********002X"
        );
    }

    #[test]
    fn strict_detection_needs_check_digit_and_date() {
        assert!(contains_id_number(ID));
        assert!(contains_id_number(&format!("张三{ID}")));
        assert!(contains_id_number(
            "证件：１１０１０５１９４９１２３１００２Ｘ"
        ));
        assert!(!contains_id_number("110105194912310021")); // wrong check digit
        assert!(!contains_id_number(&format!("ab{ID}")));
        assert!(!contains_id_number("1101**********002X"));
        assert!(!contains_id_number("G0000012345"));
        assert!(valid_id_number("11010519491231002x"));
        assert_eq!(mask_id_number(ID), "1101**********002X");
    }
}
