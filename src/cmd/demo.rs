//! `tuopin demo [--out DIR]`: the whole workflow on generated data, in one command: a fresh
//! database, the county offices' monthly files, their import, the checks, the charts and the report.
//!
//! `tuopin demo generate --out DIR [--counties ...] [--villages N] [--households N]
//! [--months FROM..TO] [--seed S]`: only write the generated county files.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};

use tuopin::chart::{self, Canvas, ChartFont};
use tuopin::check::render::{self, Format};
use tuopin::check::Scope;
use tuopin::demo::{self, Options};
use tuopin::import::{self, Kind};
use tuopin::model::period::Period;

use super::Outcome;

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(subcommand)]
    command: Option<DemoCommand>,
    /// Folder for the database, the generated files, the charts and the report
    #[arg(long, value_name = "DIR", default_value = "demo")]
    out: PathBuf,
    #[command(flatten)]
    gen: GenArgs,
}

#[derive(Debug, Subcommand)]
enum DemoCommand {
    /// Write the generated county-office CSV files only
    Generate {
        /// Folder to write into
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        #[command(flatten)]
        gen: GenArgs,
    },
}

#[derive(Debug, Args, Clone)]
struct GenArgs {
    /// County codes, comma-separated (default: the five 2019 planned-exit counties)
    #[arg(long, value_delimiter = ',', value_name = "CODE,...")]
    counties: Vec<String>,
    /// Generated villages per county
    #[arg(long, value_name = "N")]
    villages: Option<usize>,
    /// Registered households per county
    #[arg(long, value_name = "N")]
    households: Option<usize>,
    /// Months to generate, FROM..TO (default 2018-01..2019-12)
    #[arg(long, value_name = "FROM..TO")]
    months: Option<String>,
    /// Random seed: the same seed gives the same files, byte for byte
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
}

impl GenArgs {
    fn options(&self) -> Result<Options> {
        let mut o = Options::default();
        if !self.counties.is_empty() {
            o.counties = self.counties.clone();
        }
        if let Some(v) = self.villages {
            o.villages = v;
        }
        if let Some(h) = self.households {
            o.households = h;
        }
        if let Some(m) = &self.months {
            let Some((from, to)) = m.split_once("..") else {
                bail!("--months {m:?} 应写作 2018-01..2019-12");
            };
            o.from = from.parse::<Period>()?;
            o.to = to.parse::<Period>()?;
        }
        if let Some(s) = self.seed {
            o.seed = s;
        }
        Ok(o)
    }
}

pub fn run(out: &mut dyn Write, args: &DemoArgs) -> Result<Outcome> {
    if let Some(DemoCommand::Generate { out: dir, gen }) = &args.command {
        let g = demo::generate(&gen.options()?, dir)?;
        let files: usize = g
            .months
            .iter()
            .map(|(_, h, i)| h.len() + i.len())
            .sum::<usize>()
            + 1;
        writeln!(
            out,
            "已生成演示数据（generated, not real）：{} 个文件，{} 行台账，{} 个月 → {}",
            files,
            tuopin::output::number::number(g.households_rows as f64),
            g.months.len(),
            dir.display()
        )?;
        return Ok(Outcome::Ok);
    }
    main_job(out, &args.out, &args.gen.options()?)
}

/// The files of a previous demo run that a new one replaces; nothing else in the folder is touched.
fn clear_previous(dir: &Path) -> Result<()> {
    tuopin::db::files::remove_with_companions(&dir.join("tuopin.db"))?;
    let data = dir.join("data");
    if data.exists() {
        std::fs::remove_dir_all(&data).with_context(|| format!("无法删除 {}", data.display()))?;
    }
    Ok(())
}

fn main_job(out: &mut dyn Write, dir: &Path, opts: &Options) -> Result<Outcome> {
    std::fs::create_dir_all(dir).with_context(|| format!("无法创建目录 {}", dir.display()))?;
    clear_previous(dir)?;
    let db = dir.join("tuopin.db");
    let data = dir.join("data");

    writeln!(out, "== 1. 建库 (init) ==")?;
    let loaded = tuopin::import::reference::init::init(
        &db,
        false,
        &tuopin::import::reference::DataSource::Embedded,
    )?;
    writeln!(
        out,
        "{}：区划 {} 个，退出标准 {} 项，快报事实 {} 条",
        db.display(),
        loaded.regions,
        loaded.criteria,
        loaded.facts
    )?;

    writeln!(
        out,
        "\n== 2. 生成五个县的月度报表（演示数据，非真实数据）=="
    )?;
    let generated = demo::generate(opts, &data)?;
    writeln!(
        out,
        "{} 个月，{} 行台账 → {}",
        generated.months.len(),
        tuopin::output::number::number(generated.households_rows as f64),
        data.display()
    )?;

    writeln!(out, "\n== 3. 各县逐月导入 (import) ==")?;
    let mut conn = tuopin::db::open(&db)?;
    let mut outcome = Outcome::Ok;
    let mut import_one = |conn: &mut rusqlite::Connection,
                          kind: Kind,
                          file: &Path,
                          county: Option<String>|
     -> Result<()> {
        let opts = import::Options {
            county,
            ..import::Options::default()
        };
        let mut s = import::import_file(conn, kind, file, &opts, &|_| {})?;
        if s.ok() {
            // Short names in the summary; problems keep the full path.
            s.file = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or(s.file);
        }
        super::import::report(out, &s, 50, false)?;
        if !s.ok() {
            outcome = Outcome::Problems;
        }
        Ok(())
    };
    import_one(&mut conn, Kind::Regions, &generated.regions, None)?;
    for (_, households, indicators) in &generated.months {
        for file in households {
            import_one(&mut conn, Kind::Households, file, county_of_file(file))?;
        }
        for file in indicators {
            import_one(&mut conn, Kind::Indicators, file, county_of_file(file))?;
        }
    }
    if outcome != Outcome::Ok {
        bail!("演示数据导入出错（见上方错误），未继续核查");
    }

    let period = tuopin::check::resolve_period(&conn, None)?;
    writeln!(
        out,
        "\n== 4. 县级退出核查 (check counties --period {period}) =="
    )?;
    let counties = tuopin::check::check_counties(&conn, Some(period), &Scope::default())?;
    render::report(out, &counties, Format::Table, false)?;
    writeln!(
        out,
        "\n== 5. 贫困村退出核查 (check villages --only-poor --period {period}) =="
    )?;
    let villages = tuopin::check::check_villages(
        &conn,
        Some(period),
        &Scope {
            county: None,
            only_poor: true,
        },
    )?;
    render::report(out, &villages, Format::Table, false)?;

    writeln!(out, "\n== 6. 图表与报告 (chart all, report) ==")?;
    let canvas = Canvas::new(
        chart::DEFAULT_WIDTH,
        chart::DEFAULT_HEIGHT,
        ChartFont::embedded(),
    )?;
    let written = tuopin::report::write(&conn, &canvas, dir, period)?;
    for d in &written.charts {
        writeln!(out, "已生成图表 {}", d.path.display())?;
    }
    writeln!(out, "\n报告：{}", written.html.display())?;
    writeln!(out, "      {}", written.md.display())?;
    writeln!(
        out,
        "数据库：{}（可继续运行 tuopin --db {} explain 211321 等命令）",
        db.display(),
        db.display()
    )?;
    Ok(outcome)
}

/// The county a generated file belongs to (`demo-<code>-...`), for --county scoping; the
/// province's file has none.
fn county_of_file(file: &Path) -> Option<String> {
    let name = file.file_name()?.to_str()?;
    let code = name.strip_prefix("demo-")?.split('-').next()?;
    (code.len() == 6).then(|| code.to_string())
}
