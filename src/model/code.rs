//! Codes and identifiers as typed into a spreadsheet (户编号, region codes, indicator codes): two
//! spellings that look the same are the same code. A code is compared in NFKC (full-width `Ｕ1` is
//! `U1`, a no-break space a space), with the characters that show nothing removed (zero-width
//! space, word joiner, byte-order mark, soft hyphen, direction marks) and surrounding spaces
//! trimmed. A line break or another control character is not part of any code: it is an error.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;

/// Why a cell cannot be a code; the message is shown to users after the column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeError {
    /// A line break inside the cell (a quoted cell of a CSV file may hold one).
    LineBreak,
    /// Another control character: a tab, a NUL, an escape.
    Control,
}

impl CodeError {
    pub fn message(self) -> &'static str {
        match self {
            CodeError::LineBreak => "代码中含有换行；代码只能写在一行内 (line break in a code)",
            CodeError::Control => "代码中含有控制字符（制表符等）(control character in a code)",
        }
    }
}

/// Characters that display as nothing, so that a code with one looks like a code without: format
/// characters a copy from a web page or a word processor leaves behind.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'             // soft hyphen
            | '\u{034F}'       // combining grapheme joiner
            | '\u{061C}'       // Arabic letter mark
            | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' // Hangul fillers
            | '\u{17B4}' | '\u{17B5}'
            | '\u{180B}'..='\u{180F}' // Mongolian selectors and vowel separator
            | '\u{200B}'..='\u{200F}' // zero-width space, (non-)joiner, direction marks
            | '\u{202A}'..='\u{202E}' // bidirectional embeddings
            | '\u{2060}'..='\u{206F}' // word joiner, invisible operators, isolates
            | '\u{FE00}'..='\u{FE0F}' // variation selectors
            | '\u{FEFF}'              // byte-order mark, zero-width no-break space
            | '\u{FFF9}'..='\u{FFFB}' // interlinear annotation
            | '\u{E0000}'..='\u{E007F}' // tags
    )
}

fn line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// The code a cell holds, in the one spelling it is stored and compared in.
pub fn normalize_code(raw: &str) -> Result<Cow<'_, str>, CodeError> {
    // The usual code (ASCII letters, digits, dashes) is already in its normal form.
    if raw.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Ok(Cow::Borrowed(raw.trim()));
    }
    if raw.chars().any(line_break) {
        return Err(CodeError::LineBreak);
    }
    if raw.chars().any(char::is_control) {
        return Err(CodeError::Control);
    }
    let normal: String = raw.chars().filter(|c| !invisible(*c)).nfkc().collect();
    // NFKC can make characters the filter removes (compatibility forms) and spaces.
    let normal: String = normal.chars().filter(|c| !invisible(*c)).collect();
    let trimmed = normal.trim();
    if trimmed == raw {
        return Ok(Cow::Borrowed(raw));
    }
    Ok(Cow::Owned(trimmed.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn look_alike_codes_are_one_code() {
        for look_alike in [
            "U1",
            "U\u{200B}1",
            "\u{FEFF}U1",
            "U1\u{2060}",
            "Ｕ１",
            " U1\u{3000}",
            "U\u{00AD}1",
            "\u{200E}U1",
        ] {
            assert_eq!(
                normalize_code(look_alike).as_deref(),
                Ok("U1"),
                "{look_alike:?}"
            );
        }
        assert_eq!(
            normalize_code("210922-T01-V01"),
            Ok(Cow::Borrowed("210922-T01-V01"))
        );
        assert_eq!(normalize_code("三家子村").as_deref(), Ok("三家子村"));
        // Different codes stay different.
        assert_eq!(normalize_code("U 1").as_deref(), Ok("U 1"));
        assert_eq!(normalize_code("u1").as_deref(), Ok("u1"));
    }

    #[test]
    fn line_breaks_and_control_characters_are_errors() {
        for bad in ["U\n1", "U1\r\n", "U\u{2028}1", "\u{85}U1"] {
            assert_eq!(normalize_code(bad), Err(CodeError::LineBreak), "{bad:?}");
        }
        for bad in ["U\t1", "U\u{0}1", "\u{1b}[31mU1"] {
            assert_eq!(normalize_code(bad), Err(CodeError::Control), "{bad:?}");
        }
    }
}
