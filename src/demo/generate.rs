//! Generated demo data: the monthly files five county offices would send from 2018-01 to 2019-12.
//!
//! Everything here is invented, but shaped like the real thing: the five 2019 planned-exit counties
//! with their real names and codes; generated townships and villages with provisional codes
//! (`<county>-D01`, `<county>-D01-V01`); the villages the bulletins name, with their reference codes;
//! 三家子村 with its 第25期 figures (174 registered poor households, 382 people, 1,328 residents, all
//! exited by 2018-12). Households exit month by month, a few return to poverty, a few exited ones fail
//! a standard (so 疑似错退 has something to find); village infrastructure switches to yes over time;
//! county survey indicators arrive late in 2019. By 2019-12 four counties meet all six county
//! criteria; 朝阳县 does not: its approval survey is 87.6% (< 90%) and one of its registered poor
//! villages still has no broadband.
//!
//! Files are written exactly per the CSV contract; some as Excel on a Chinese Windows writes them
//! (GBK, CRLF, wide form), some UTF-8 (long form, one with a BOM). 建昌县 sends its register as
//! the national system's detail export instead (one row per person, places by name: `national`).

mod bulletin;
mod households;
mod indicators;
mod national;
mod plan;
mod villages;

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::demo::synth::Rng;
use crate::model::period::Period;

use households::{household_rows, households};
use indicators::{indicator_rows, province_rows};
use national::{national_rows, NATIONAL_COUNTY};
use plan::{County, Encoding, COUNTIES};
use villages::villages;

pub use plan::Options;

/// The files written, in the order a county office would send them (regions first).
#[derive(Debug, Clone, Default)]
pub struct Generated {
    pub regions: PathBuf,
    pub months: Vec<Month>,
    pub households_rows: u64,
    /// A county's 快报 issue of the last month, with one deliberate discrepancy (added with
    /// `bulletin add`, not imported).
    pub bulletin: Option<CountyFile>,
}

pub use bulletin::DISCREPANCY;

/// One month's files.
#[derive(Debug, Clone)]
pub struct Month {
    pub period: Period,
    pub households: Vec<CountyFile>,
    pub indicators: Vec<CountyFile>,
}

/// A generated file and the county office that sends it, which imports it with `--county`.
#[derive(Debug, Clone)]
pub struct CountyFile {
    pub path: PathBuf,
    /// None for the province's file.
    pub county: Option<&'static str>,
}

impl Generated {
    /// How many county files were written to import (the bulletin is not one).
    pub fn files(&self) -> usize {
        1 + self
            .months
            .iter()
            .map(|m| m.households.len() + m.indicators.len())
            .sum::<usize>()
    }
}

/// Generate the demo files into `out`.
pub fn generate(opts: &Options, out: &Path) -> Result<Generated> {
    if opts.from > opts.to {
        bail!("--months {}..{}: 起始月晚于结束月", opts.from, opts.to);
    }
    if opts.villages == 0 || opts.households == 0 {
        bail!("--villages 和 --households 必须大于 0");
    }
    let counties: Vec<&County> = opts
        .counties
        .iter()
        .map(|code| {
            COUNTIES
                .iter()
                .find(|c| c.code == code.trim())
                .with_context(|| format!("演示数据只包含 2019 年计划退出的五个县（210323 210727 210922 211321 211422），没有 {code}"))
        })
        .collect::<Result<_>>()?;
    std::fs::create_dir_all(out).with_context(|| format!("无法创建目录 {}", out.display()))?;

    let mut generated = Generated::default();
    let mut regions = vec![vec![
        "代码".to_string(),
        "名称".into(),
        "级别".into(),
        "上级代码".into(),
        "贫困标识".into(),
        "计划退出年度".into(),
    ]];
    let mut plans = Vec::new();
    for (ci, county) in counties.iter().enumerate() {
        let mut rng = Rng::new(opts.seed ^ (0x5151 * (ci as u64 + 1)));
        let villages = villages(&mut rng, county, opts);
        for v in &villages {
            let township_row = vec![
                v.township.clone(),
                v.township_name.clone(),
                "乡镇".into(),
                county.code.to_string(),
                String::new(),
                String::new(),
            ];
            if !regions.contains(&township_row) {
                regions.push(township_row);
            }
            regions.push(vec![
                v.code.clone(),
                v.name.clone(),
                "村".into(),
                v.township.clone(),
                if v.poor { "是" } else { "否" }.into(),
                String::new(),
            ]);
        }
        let households = households(&mut rng, county, &villages, opts);
        plans.push((county, villages, households, rng));
    }
    generated.regions = out.join("demo-regions.csv");
    write_csv(&generated.regions, &regions, Encoding::Utf8)?;

    for period in opts.from.through(opts.to) {
        let mut hh_files = Vec::new();
        let mut ind_files = Vec::new();
        for (county, villages, households, rng) in plans.iter_mut() {
            generated.households_rows += households.len() as u64;
            let (rows, form) = if county.code == NATIONAL_COUNTY {
                let rows = national_rows(county, households, villages, period);
                (rows, "households-national")
            } else {
                (household_rows(households, villages, period), "households")
            };
            let file = out.join(format!(
                "demo-{}-{}-{form}-{period}.csv",
                county.code, county.name
            ));
            write_csv(&file, &rows, county.encoding)?;
            hh_files.push(CountyFile {
                path: file,
                county: Some(county.code),
            });
            let rows = indicator_rows(county, villages, period, rng);
            let file = out.join(format!(
                "demo-{}-{}-indicators-{period}.csv",
                county.code, county.name
            ));
            write_csv(&file, &rows, county.encoding)?;
            ind_files.push(CountyFile {
                path: file,
                county: Some(county.code),
            });
        }
        if let Some(rows) = province_rows(period) {
            let file = out.join(format!("demo-21-辽宁省-indicators-{period}.csv"));
            write_csv(&file, &rows, Encoding::Utf8)?;
            ind_files.push(CountyFile {
                path: file,
                county: None,
            });
        }
        generated.months.push(Month {
            period,
            households: hh_files,
            indicators: ind_files,
        });
    }
    let chosen = plans
        .iter()
        .find(|(c, ..)| c.code == "211321")
        .or_else(|| plans.first());
    if let Some((county, villages, households, _)) = chosen {
        if let Some(text) = bulletin::bulletin_text(county, villages, households, opts.to) {
            let path = out.join(format!(
                "demo-{}-{}-bulletin-{}.txt",
                county.code, county.name, opts.to
            ));
            std::fs::write(&path, text).with_context(|| format!("无法写入 {}", path.display()))?;
            generated.bulletin = Some(CountyFile {
                path,
                county: Some(county.code),
            });
        }
    }
    Ok(generated)
}

fn write_csv(path: &Path, rows: &[Vec<String>], encoding: Encoding) -> Result<()> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(if encoding == Encoding::GbkCrlf {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        })
        .from_writer(Vec::new());
    for row in rows {
        writer.write_record(row)?;
    }
    let bytes = writer.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
    let bytes = match encoding {
        Encoding::GbkCrlf => {
            let text = String::from_utf8(bytes)?;
            let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
            if unmappable {
                bail!("{}: 有字符无法用 GBK 表示", path.display());
            }
            gbk.into_owned()
        }
        Encoding::Utf8Bom => [crate::output::csv::UTF8_BOM.as_bytes(), &bytes].concat(),
        Encoding::Utf8 => bytes,
    };
    std::fs::write(path, bytes).with_context(|| format!("无法写入 {}", path.display()))
}
