//! The colours of a criterion's state, the same in every file tuopin draws or writes: green
//! 达标, red 未达标, grey 无数据. The charts (`chart::palette`) and the workbooks (`check` writing
//! `--format xlsx`) both take them from here, so a cell in Excel is the colour of its square in
//! the PNG.

/// A colour as red, green, blue bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `0xRRGGBB`, as spreadsheet and word-processor formats take a colour.
    pub const fn hex(self) -> u32 {
        ((self.0 as u32) << 16) | ((self.1 as u32) << 8) | self.2 as u32
    }

    /// `RRGGBB` in capitals, as OOXML attributes write it.
    pub fn hex_text(self) -> String {
        format!("{:06X}", self.hex())
    }
}

/// Meets the criterion; households that exited poverty.
pub const PASS: Rgb = Rgb(0x2e, 0x8b, 0x57);
/// Fails the criterion; the threshold line; households back in poverty.
pub const FAIL: Rgb = Rgb(0xd0, 0x3a, 0x2f);
/// No data (无数据): neither a pass nor a fail.
pub const NO_DATA: Rgb = Rgb(0xc4, 0xc8, 0xcc);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_rrggbb() {
        assert_eq!(PASS.hex(), 0x2e8b57);
        assert_eq!(FAIL.hex_text(), "D03A2F");
        assert_eq!(NO_DATA.hex_text(), "C4C8CC");
    }
}
