//! Reading a bulletin file: plain text as copied out of a PDF or Word (UTF-8, with or without a
//! BOM, or GBK/GB18030), or a `.docx` (the paragraphs of `word/document.xml`, one a line).

use std::io::Read;
use std::path::Path;

use anyhow::{bail, Context, Result};

/// The largest file read (a year of issues is a few MB).
const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// The text of a bulletin file.
pub fn read(path: &Path) -> Result<String> {
    let shown = path.display();
    let meta =
        std::fs::metadata(path).with_context(|| format!("无法读取 {shown} (cannot read file)"))?;
    if meta.len() > MAX_BYTES {
        bail!(
            "{shown}: 文件过大（{} 字节，上限 {MAX_BYTES}）(file too large)",
            meta.len()
        );
    }
    let bytes =
        std::fs::read(path).with_context(|| format!("无法读取 {shown} (cannot read file)"))?;
    let is_docx = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("docx"));
    if is_docx || bytes.starts_with(b"PK\x03\x04") {
        return docx_text(&bytes)
            .with_context(|| format!("{shown}: 无法读取 Word 文档 (cannot read .docx)"));
    }
    decode(&bytes).with_context(|| format!("{shown}"))
}

/// UTF-8 (a BOM is dropped), else GB18030, a superset of GBK. Neither: an error naming the byte.
pub fn decode(bytes: &[u8]) -> Result<String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(utf8) => {
            let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            if had_errors {
                bail!(
                    "既不是 UTF-8 也不是 GBK 编码：第 {} 字节无法识别 (neither UTF-8 nor GBK)",
                    utf8.valid_up_to() + 1
                );
            }
            Ok(text.into_owned())
        }
    }
}

/// The paragraphs of a Word document, one a line; tabs and breaks inside a paragraph as spaces.
pub fn docx_text(bytes: &[u8]) -> Result<String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))?;
    let mut entry = archive
        .by_name("word/document.xml")
        .context("缺少 word/document.xml")?;
    if entry.size() > MAX_BYTES {
        bail!("word/document.xml 过大");
    }
    let mut xml = String::new();
    entry.by_ref().take(MAX_BYTES).read_to_string(&mut xml)?;
    Ok(document_xml_text(&xml))
}

/// The text of `word/document.xml`: `<w:t>` runs, a line per `<w:p>`, `<w:tab/>` and `<w:br/>` as
/// spaces. A small scanner: the document's markup is regular and only text runs matter.
pub fn document_xml_text(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    let mut in_text = false;
    while let Some(lt) = rest.find('<') {
        if in_text {
            out.push_str(&unescape(&rest[..lt]));
        }
        let Some(gt) = rest[lt..].find('>') else {
            break;
        };
        let tag = &rest[lt + 1..lt + gt];
        let name = tag
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("");
        let closing = tag.starts_with('/');
        let empty = tag.ends_with('/');
        match name {
            "w:t" => in_text = !closing && !empty,
            "w:p" if closing || empty => out.push('\n'),
            "w:tab" | "w:br" | "w:cr" if !closing => out.push(' '),
            _ => {}
        }
        rest = &rest[lt + gt + 1..];
    }
    out
}

fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let Some(semi) = tail.find(';') else {
            out.push_str(tail);
            return out;
        };
        let entity = &tail[1..semi];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e if e.starts_with("#x") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match c {
            Some(c) => out.push(c),
            None => out.push_str(&tail[..=semi]),
        }
        rest = &tail[semi + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_utf8_and_gbk() {
        assert_eq!(
            decode("\u{feff}全村 339 户".as_bytes()).unwrap(),
            "全村 339 户"
        );
        let (gbk, _, _) = encoding_rs::GBK.encode("全村 339 户、1328 人");
        assert_eq!(decode(&gbk).unwrap(), "全村 339 户、1328 人");
    }

    #[test]
    fn document_xml() {
        let xml = r#"<w:document><w:body><w:p><w:r><w:t>第 24 期</w:t></w:r></w:p><w:p><w:r><w:t xml:space="preserve">全村 339 户</w:t></w:r><w:r><w:tab/><w:t>&amp;1328 人</w:t></w:r></w:p></w:body></w:document>"#;
        assert_eq!(document_xml_text(xml), "第 24 期\n全村 339 户 &1328 人\n");
    }
}
