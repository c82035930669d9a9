//! Text from the database inside Markdown (`check --format md`, the report's `.md`): region and
//! criterion names, codes, file names. A name is data, never markup: `<script>`, `|`, `*`, backticks
//! and brackets are escaped, and a line break (which would end a table row) becomes a space.

use std::borrow::Cow;

/// ASCII punctuation that means something to CommonMark or GitHub's tables anywhere in a line.
fn special(c: char) -> bool {
    matches!(
        c,
        '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '#' | '!' | '$'
    )
}

/// `s` as literal text in a Markdown line (a heading, a list item): a leading `-`, `+`, `=` or
/// `12.` is escaped too, since after a list marker it would open a nested list.
pub fn text(s: &str) -> Cow<'_, str> {
    escape(s, true)
}

/// `s` as literal text in a table cell, where a leading `-` or `1.` means nothing (`-3` stays
/// `-3`).
pub fn cell(s: &str) -> Cow<'_, str> {
    escape(s, false)
}

fn escape(s: &str, at_block_start: bool) -> Cow<'_, str> {
    let starts_a_block =
        at_block_start && (s.starts_with(['-', '+', '=']) || ordered_list_marker(s).is_some());
    if !starts_a_block
        && !s
            .chars()
            .any(|c| special(c) || c.is_control() || is_separator(c))
    {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let marker = ordered_list_marker(s).filter(|_| at_block_start);
    for (i, c) in s.char_indices() {
        if c.is_control() || is_separator(c) {
            out.push(' ');
            continue;
        }
        let block_start = at_block_start && i == 0 && matches!(c, '-' | '+' | '=');
        if special(c) || block_start || marker == Some(i) {
            out.push('\\');
        }
        out.push(c);
    }
    Cow::Owned(out)
}

/// U+2028 and U+2029 end a line for some renderers.
fn is_separator(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}')
}

/// The byte index of the `.` or `)` of a leading `12.` or `3)`, which would start a list.
fn ordered_list_marker(s: &str) -> Option<usize> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0 && matches!(s.as_bytes().get(digits), Some(b'.' | b')'))).then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_names_is_escaped() {
        assert_eq!(
            text("<script>alert(1)</script>"),
            "\\<script\\>alert(1)\\</script\\>"
        );
        assert_eq!(text("a|b"), "a\\|b");
        assert_eq!(text("*粗*`代码`_x_"), "\\*粗\\*\\`代码\\`\\_x\\_");
        assert_eq!(text("[链接](http://x)"), "\\[链接\\](http://x)");
        assert_eq!(text("甲村\n| 伪造 | 行 |"), "甲村 \\| 伪造 \\| 行 \\|");
        assert_eq!(text("- 列表"), "\\- 列表");
        assert_eq!(text("1. 列表"), "1\\. 列表");
        assert_eq!(text("A&amp;B"), "A\\&amp;B");
        // Ordinary names and codes are left as they are.
        assert!(matches!(text("岫岩满族自治县"), Cow::Borrowed(_)));
        assert!(matches!(text("210922-T01-V01"), Cow::Borrowed(_)));
        assert_eq!(text("< 2%"), "\\< 2%");
    }

    #[test]
    fn table_cells_keep_leading_signs_and_escape_the_rest() {
        assert_eq!(cell("-3"), "-3");
        assert_eq!(cell("1. 列表"), "1. 列表");
        assert_eq!(cell("a|b"), "a\\|b");
        assert_eq!(cell("甲村\n| 伪造 |"), "甲村 \\| 伪造 \\|");
    }
}
