//! `tuopin demo`: the whole workflow on generated data, in one command: a fresh database, the county
//! offices' monthly files, their import (one line per month; every file with `--verbose`), the
//! checks, the charts and the report (`tuopin::demo::job`). `tuopin demo generate` only writes the
//! generated county files.
//!
//! ```text
//! tuopin demo [--out DIR] [--counties CODE,...] [--villages N] [--households N] [--months FROM..TO] [--seed S] [--verbose]
//! tuopin demo generate --out DIR [--counties CODE,...] [--villages N] [--households N] [--months FROM..TO] [--seed S]
//! ```

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use tuopin::check::facts::render as fact_render;
use tuopin::check::render::{self, Format};
use tuopin::demo::job::{self, Event, Group, Stage};
use tuopin::demo::{self, Options};
use tuopin::import::summary;
use tuopin::model::period::Period;
use tuopin::output::number::number;
use tuopin::output::table::pad;

use super::{Context, Outcome};

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(subcommand)]
    command: Option<DemoCommand>,
    /// 数据库、生成的文件、图表和报告所在的文件夹 (output folder)
    #[arg(long, value_name = "DIR", default_value = "demo")]
    out: PathBuf,
    #[command(flatten)]
    gen: GenArgs,
    /// 逐个文件列出导入结果，而不是每月一行 (one line per file)
    #[arg(long)]
    verbose: bool,
}

#[derive(Debug, Subcommand)]
enum DemoCommand {
    /// 只生成各县的 CSV 文件（演示数据）(write the generated files only)
    Generate {
        /// 写入的文件夹 (output folder)
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        #[command(flatten)]
        gen: GenArgs,
    },
}

#[derive(Debug, Args, Clone)]
struct GenArgs {
    /// 县级区划代码，逗号分隔（默认：2019 年计划退出的五个县）(county codes)
    #[arg(long, value_delimiter = ',', value_name = "CODE,...")]
    counties: Vec<String>,
    /// 每县生成的村数 (villages per county)
    #[arg(long, value_name = "N")]
    villages: Option<usize>,
    /// 每县的建档立卡户数 (households per county)
    #[arg(long, value_name = "N")]
    households: Option<usize>,
    /// 生成的月份，起..止（默认 2018-01..2019-12）(months)
    #[arg(long, value_name = "FROM..TO")]
    months: Option<String>,
    /// 随机种子：同一种子生成逐字节相同的文件 (random seed)
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

pub fn run(_ctx: &Context, out: &mut dyn Write, args: &DemoArgs) -> Result<Outcome> {
    if let Some(DemoCommand::Generate { out: dir, gen }) = &args.command {
        let g = demo::generate(&gen.options()?, dir)?;
        writeln!(
            out,
            "已生成演示数据（generated, not real）：{} 个文件，{} 行台账，{} 个月 → {}",
            g.files(),
            number(g.households_rows as f64),
            g.months.len(),
            dir.display()
        )?;
        return Ok(Outcome::Ok);
    }
    let mut printer = Printer {
        out,
        verbose: args.verbose,
        files: 0,
        bar: None,
    };
    let finished = job::run(&args.out, &args.gen.options()?, &mut |e| printer.print(e))?;
    printer.clear_bar();
    let db = finished.db.display();
    writeln!(
        printer.out,
        "数据库：{db}（可继续运行 tuopin --db {db} explain 211321 等命令）"
    )?;
    Ok(Outcome::Ok)
}

/// Prints the job's steps as they happen.
struct Printer<'o> {
    out: &'o mut dyn Write,
    verbose: bool,
    /// The number of files to import, once generated.
    files: usize,
    /// The import's progress, on a terminal and without --verbose.
    bar: Option<ProgressBar>,
}

impl Printer<'_> {
    fn print(&mut self, event: Event) -> Result<()> {
        match event {
            Event::Begin(stage) => {
                self.clear_bar();
                writeln!(self.out, "{}", title(stage))?;
                // Each stage takes seconds: say what is happening now, not at the end.
                self.out.flush()?;
                if stage == Stage::Import && !self.verbose && std::io::stderr().is_terminal() {
                    let bar = ProgressBar::new(self.files as u64);
                    if let Ok(style) =
                        ProgressStyle::with_template("导入 [{bar:40}] {pos}/{len} 个文件")
                    {
                        bar.set_style(style.progress_chars("=> "));
                    }
                    self.bar = Some(bar);
                }
            }
            Event::Initialised { db, loaded } => writeln!(
                self.out,
                "{}：区划 {} 个，退出标准 {} 项，快报事实 {} 条",
                db.display(),
                loaded.regions,
                loaded.criteria,
                loaded.facts
            )?,
            Event::Generated { dir, generated } => {
                self.files = generated.files();
                writeln!(
                    self.out,
                    "{} 个月，{} 行台账 → {}",
                    generated.months.len(),
                    number(generated.households_rows as f64),
                    dir.display()
                )?;
            }
            Event::Imported { path, summary } => {
                if let Some(bar) = &self.bar {
                    bar.inc(1);
                }
                // A refused file is shown in full even without --verbose: its problems are the
                // reason the demo stops.
                if self.verbose || !summary.ok() {
                    let mut s = summary.clone();
                    if s.ok() {
                        // Short names in the table; problems keep the full path.
                        if let Some(name) = path.file_name() {
                            s.file = name.to_string_lossy().into_owned();
                        }
                    }
                    self.suspended(|out| {
                        summary::write_summary(out, &mut std::io::stderr(), &s, 50, false)
                    })?;
                }
            }
            Event::Group(group) => {
                if !self.verbose {
                    let line = group_line(group);
                    self.suspended(|out| {
                        writeln!(out, "{line}")?;
                        out.flush()
                    })?;
                }
            }
            Event::BulletinAdded {
                path,
                issues,
                facts,
            } => {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                tuopin::bulletin::render::added(self.out, &name, issues)?;
                let (agree, disagree, no_data) = facts.tally();
                writeln!(
                    self.out,
                    "快报数据与台账比对 (check facts)：一致 {agree}，不一致 {disagree}，无数据 {no_data}"
                )?;
                for c in facts.disagreements() {
                    writeln!(
                        self.out,
                        "  不一致：{}（{}） {} {}  快报 {}，台账 {}（{}）",
                        c.place,
                        c.region_code,
                        c.indicator_name,
                        c.period,
                        fact_render::bulletin_text(c),
                        fact_render::register_text(c),
                        fact_render::difference_text(c)
                    )?;
                }
            }
            Event::Checked(report) => render::report(self.out, report, Format::Table, false)?,
            Event::Written(written) => {
                for d in &written.charts {
                    writeln!(self.out, "已生成图表 {}", d.path.display())?;
                }
                for (i, f) in written.files.iter().enumerate() {
                    let label = if i == 0 { "\n报告：" } else { "      " };
                    writeln!(self.out, "{label}{}", f.display())?;
                }
            }
        }
        Ok(())
    }

    /// Write with the progress bar out of the way.
    fn suspended(
        &mut self,
        write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        match &self.bar {
            Some(bar) => bar.suspend(|| write(self.out)),
            None => write(self.out),
        }
    }

    fn clear_bar(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

fn title(stage: Stage) -> String {
    match stage {
        Stage::Init => "== 1. 建库 (init) ==".to_string(),
        Stage::Generate => "\n== 2. 生成五个县的月度报表（演示数据，非真实数据）==".to_string(),
        Stage::Import => "\n== 3. 各县逐月导入 (import) ==".to_string(),
        Stage::Bulletin => {
            "\n== 4. 县快报入库并与台账比对 (bulletin add --accept, check facts) ==".to_string()
        }
        Stage::CheckCounties(period) => {
            format!("\n== 5. 县级退出核查 (check counties --period {period}) ==")
        }
        Stage::CheckVillages(period) => {
            format!("\n== 6. 贫困村退出核查 (check villages --only-poor --period {period}) ==")
        }
        Stage::ChartsAndReport => "\n== 7. 图表与报告 (chart all, report) ==".to_string(),
    }
}

/// One line per group of imported files: `2019-03  导入 10 个文件  台账 新增 12,500 户，更新 0 户 …`.
fn group_line(g: &Group) -> String {
    let n = |v: u64| number(v as f64);
    let label = g
        .period
        .map(|p| p.to_string())
        .unwrap_or_else(|| "区划".to_string());
    let mut line = format!("{}  导入 {} 个文件", pad(&label, 7), g.files);
    if g.period.is_none() {
        line.push_str(&format!(
            "  区划 新增 {} 个，更新 {} 个",
            n(g.regions.inserted),
            n(g.regions.updated)
        ));
    } else {
        line.push_str(&format!(
            "  台账 新增 {} 户，更新 {} 户  指标值 新增 {} 条，更新 {} 条",
            n(g.households.inserted),
            n(g.households.updated),
            n(g.indicators.inserted),
            n(g.indicators.updated)
        ));
    }
    if g.refused > 0 {
        line.push_str(&format!("  {} 个文件未导入 (refused)", g.refused));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use tuopin::demo::job::Changes;

    #[test]
    fn one_line_per_group_says_files_and_changes() {
        let month = Group {
            period: Some("2019-03".parse().unwrap()),
            files: 10,
            refused: 0,
            households: Changes {
                inserted: 12_500,
                updated: 3,
            },
            indicators: Changes {
                inserted: 1_097,
                updated: 0,
            },
            regions: Changes::default(),
        };
        assert_eq!(
            group_line(&month),
            "2019-03  导入 10 个文件  台账 新增 12,500 户，更新 3 户  指标值 新增 1,097 条，更新 0 条"
        );
        let regions = Group {
            files: 1,
            refused: 1,
            ..Group::default()
        };
        assert_eq!(
            group_line(&regions),
            "区划     导入 1 个文件  区划 新增 0 个，更新 0 个  1 个文件未导入 (refused)"
        );
    }
}
