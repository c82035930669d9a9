//! What the demo generator makes: its options, the five counties with the way each office writes
//! its files, and the random choices every part of the generator uses.

use crate::demo::synth::Rng;
use crate::model::period::Period;

/// A county the generator knows: code, name, and how its office writes files.
pub(super) struct County {
    pub code: &'static str,
    pub name: &'static str,
    pub encoding: Encoding,
    /// Villages of the reference data under it: (village code, name, township code, township name).
    pub known_villages: &'static [(&'static str, &'static str, &'static str, &'static str)],
    /// 朝阳县: its survey approval stays under 90% and one poor village never gets broadband.
    pub fails: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Encoding {
    /// Excel on Chinese Windows: GBK, CRLF, wide indicator form.
    GbkCrlf,
    /// UTF-8 with a BOM, long indicator form.
    Utf8Bom,
    /// Plain UTF-8, LF, long indicator form.
    Utf8,
}

pub(super) const SANJIAZI: &str = "210922-T01-V01";

pub(super) const COUNTIES: [County; 5] = [
    County {
        code: "210323",
        name: "岫岩满族自治县",
        encoding: Encoding::GbkCrlf,
        known_villages: &[],
        fails: false,
    },
    County {
        code: "210727",
        name: "义县",
        encoding: Encoding::Utf8Bom,
        known_villages: &[
            ("210727-T01-V01", "七里河村", "210727-T01", "七里河镇"),
            ("210727-T02-V01", "拉拉屯村", "210727-T02", "头道河镇"),
        ],
        fails: false,
    },
    County {
        code: "210922",
        name: "彰武县",
        encoding: Encoding::GbkCrlf,
        known_villages: &[(SANJIAZI, "三家子村", "210922-T01", "章古台镇")],
        fails: false,
    },
    County {
        code: "211321",
        name: "朝阳县",
        encoding: Encoding::Utf8,
        known_villages: &[("211321-T01-V01", "官粮窖村", "211321-T01", "六家子镇")],
        fails: true,
    },
    County {
        code: "211422",
        name: "建昌县",
        encoding: Encoding::GbkCrlf,
        known_villages: &[],
        fails: false,
    },
];

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// County codes; default the five 2019 planned-exit counties.
    pub counties: Vec<String>,
    /// Generated villages per county (the bulletins' villages come on top).
    pub villages: usize,
    /// Registered households per county.
    pub households: usize,
    pub from: Period,
    pub to: Period,
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            counties: COUNTIES.iter().map(|c| c.code.to_string()).collect(),
            villages: 24,
            households: 2500,
            from: Period::new(2018, 1).unwrap_or_else(Period::current),
            to: Period::new(2019, 12).unwrap_or_else(Period::current),
            seed: 2019,
        }
    }
}

pub(super) fn pick<'a>(rng: &mut Rng, list: &[&'a str]) -> &'a str {
    list[rng.below(list.len() as u64) as usize]
}

pub(super) fn month_between(rng: &mut Rng, from: Period, to: Period) -> Period {
    let span = from.months_until(to).max(0) as u64;
    from.add_months(rng.below(span + 1) as i64).unwrap_or(from)
}
