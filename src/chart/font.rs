//! The chart font. Plotters' ab_glyph backend draws only fonts registered by name, and the machines
//! the offices use often have no CJK font installed, so the project ships one (WenQuanYi Micro Hei,
//! see assets/fonts/README.md) inside the binary. A user font (`--font PATH`) replaces it.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Mutex, OnceLock};

use ab_glyph::{Font, FontRef};
use anyhow::{anyhow, bail, Context, Result};
use plotters::style::{FontFamily, FontStyle};

/// WenQuanYi Micro Hei 0.2.0-beta, from Debian's fonts-wqy-microhei (Apache-2.0 or GPL-3+ with
/// font exception). Covers GBK Hanzi, Latin and digits; Droid Sans Fallback alone lacks digits.
pub static EMBEDDED_FONT: &[u8] = include_bytes!("../../assets/fonts/wqy-microhei.ttc");

const EMBEDDED_FAMILY: &str = "tuopin-wqy-microhei";

/// A font registered with plotters and ready to draw with.
#[derive(Clone)]
pub struct ChartFont {
    family: String,
    face: FontRef<'static>,
}

impl std::fmt::Debug for ChartFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChartFont")
            .field("family", &self.family)
            .finish()
    }
}

impl ChartFont {
    /// The font shipped with tuopin.
    pub fn embedded() -> ChartFont {
        static FONT: OnceLock<ChartFont> = OnceLock::new();
        FONT.get_or_init(|| {
            register(EMBEDDED_FAMILY, EMBEDDED_FONT).expect("the embedded chart font is valid")
        })
        .clone()
    }

    /// A font from the bytes of a TrueType/OpenType file or collection (first face).
    ///
    /// Plotters keeps registered fonts for the life of the process, so the bytes are kept too; the
    /// same bytes given twice are kept once.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<ChartFont> {
        static USER_FONTS: OnceLock<Mutex<HashMap<String, ChartFont>>> = OnceLock::new();
        let family = format!(
            "tuopin-user-{}",
            &crate::db::batch::sha256_hex(&bytes)[..16]
        );
        let mut fonts = USER_FONTS
            .get_or_init(Default::default)
            .lock()
            .map_err(|_| anyhow!("字体表不可用"))?;
        if let Some(f) = fonts.get(&family) {
            return Ok(f.clone());
        }
        // Validate before leaking, so a wrong file costs nothing.
        FontRef::try_from_slice(&bytes)
            .map_err(|_| anyhow!("不是可用的 TrueType/OpenType 字体文件"))?;
        let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
        let font = register(&family, bytes)?;
        fonts.insert(family, font.clone());
        Ok(font)
    }

    /// A font file given with `--font PATH`.
    pub fn from_path(path: &Path) -> Result<ChartFont> {
        let bytes =
            std::fs::read(path).with_context(|| format!("无法读取字体文件 {}", path.display()))?;
        ChartFont::from_bytes(bytes).with_context(|| format!("字体文件 {}", path.display()))
    }

    /// The parsed face, for laying out and drawing text ourselves.
    pub(crate) fn face(&self) -> &FontRef<'static> {
        &self.face
    }

    /// The family name to hand to plotters.
    pub fn family(&self) -> FontFamily<'_> {
        FontFamily::Name(&self.family)
    }

    /// Whether the font has a real glyph (not .notdef) for `c`. Whitespace needs none.
    pub fn covers(&self, c: char) -> bool {
        c.is_whitespace() || self.face.glyph_id(c).0 != 0
    }

    /// The characters of `texts` the font cannot draw, each once, in first-seen order.
    pub fn missing<'a>(&self, texts: impl IntoIterator<Item = &'a str>) -> Vec<char> {
        let mut missing = Vec::new();
        for c in texts.into_iter().flat_map(str::chars) {
            if !self.covers(c) && !missing.contains(&c) {
                missing.push(c);
            }
        }
        missing
    }

    /// Fail, rather than draw empty boxes, when the font lacks a character of the chart's text.
    pub fn check<'a>(&self, texts: impl IntoIterator<Item = &'a str>) -> Result<()> {
        let missing = self.missing(texts);
        if missing.is_empty() {
            return Ok(());
        }
        let shown: String = missing.iter().take(20).collect();
        bail!(
            "图表字体缺少 {} 个字符：{shown}；请用 --font 指定覆盖中文和数字的字体，或不加 --font 使用内置字体 (font lacks glyphs)",
            missing.len()
        )
    }
}

fn register(family: &str, bytes: &'static [u8]) -> Result<ChartFont> {
    let face = FontRef::try_from_slice(bytes)
        .map_err(|_| anyhow!("不是可用的 TrueType/OpenType 字体文件"))?;
    plotters::style::register_font(family, FontStyle::Normal, bytes)
        .map_err(|_| anyhow!("plotters 无法载入字体"))?;
    Ok(ChartFont {
        family: family.to_string(),
        face,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_font_has_cjk_and_digits() {
        let f = ChartFont::embedded();
        assert!(f
            .missing(["彰武县 贫困发生率 0123456789 % . - (,)"])
            .is_empty());
        // A private-use code point is in no font: the check must be able to fail.
        assert_eq!(f.missing(["a\u{E000}b\u{E000}"]), vec!['\u{E000}']);
        assert!(f.check(["\u{E000}"]).is_err());
    }

    #[test]
    fn rejects_bytes_that_are_not_a_font() {
        assert!(ChartFont::from_bytes(b"not a font".to_vec()).is_err());
    }

    #[test]
    fn same_user_bytes_register_once() {
        let a = ChartFont::from_bytes(EMBEDDED_FONT.to_vec()).unwrap();
        let b = ChartFont::from_bytes(EMBEDDED_FONT.to_vec()).unwrap();
        assert_eq!(a.family, b.family);
        assert_ne!(a.family, ChartFont::embedded().family);
    }
}
