//! `tuopin demo`'s main job in one call: a fresh database in a folder, the generated county files,
//! their import county by county and month by month, a county's bulletin added and accepted (with
//! its one deliberate discrepancy) and compared with the register, the checks of the last month,
//! the charts and the report. The caller is told of each step as it happens (`Event`) and prints what it likes.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};
use rusqlite::Connection;

use crate::bulletin::store::{self as bulletin_store, AddOptions, IssueAdded};
use crate::chart::{self, Canvas, ChartFont};
use crate::check::FactsReport;
use crate::check::{self, Report, Scope};
use crate::demo::generate::{generate, CountyFile, Generated, Options};
use crate::import::reference::{self, DataSource, Loaded};
use crate::import::{self, Kind, Summary};
use crate::model::period::Period;
use crate::report::Written;

/// The steps of the job, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Create the database and load the reference data.
    Init,
    /// Write the county offices' files.
    Generate,
    /// Import them: the regions file, then each month's files.
    Import,
    /// `bulletin add --accept` of the county's bulletin, then `check facts`.
    Bulletin,
    /// The county criteria as of the month.
    CheckCounties(Period),
    /// The village criteria of the registered poor villages as of the month.
    CheckVillages(Period),
    /// `chart all` and `report` into the folder.
    ChartsAndReport,
}

/// What the job tells its caller, in this order: `Begin(Init)`, `Initialised`, `Begin(Generate)`,
/// `Generated`, `Begin(Import)`, then per file `Imported` and after each group of files (the regions
/// file, then each month) `Group`; `Begin(Bulletin)`, `BulletinAdded`; `Begin(CheckCounties)`,
/// `Checked`, `Begin(CheckVillages)`, `Checked`, `Begin(ChartsAndReport)`, `Written`.
pub enum Event<'a> {
    Begin(Stage),
    Initialised {
        db: &'a Path,
        loaded: &'a Loaded,
    },
    Generated {
        dir: &'a Path,
        generated: &'a Generated,
    },
    /// One file imported (or refused: see `Summary::ok`).
    Imported {
        path: &'a Path,
        summary: &'a Summary,
    },
    /// The files of one group were imported.
    Group(&'a Group),
    /// The county's bulletin was added, and its facts compared with the register.
    BulletinAdded {
        path: &'a Path,
        issues: &'a [IssueAdded],
        facts: &'a FactsReport,
    },
    Checked(&'a Report),
    Written(&'a Written),
}

/// The changes of a group of imported files: the regions file, or one month's files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Group {
    /// The month; None for the regions file.
    pub period: Option<Period>,
    pub files: usize,
    /// Files refused for problems (they count no changes).
    pub refused: usize,
    /// Household register rows.
    pub households: Changes,
    /// Indicator values.
    pub indicators: Changes,
    pub regions: Changes,
}

/// Rows inserted and updated by the files of a group (a refused file counts nothing).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Changes {
    pub inserted: u64,
    pub updated: u64,
}

impl Group {
    fn add(&mut self, kind: Kind, s: &Summary) {
        self.files += 1;
        if !s.ok() {
            self.refused += 1;
            return;
        }
        let changes = match kind {
            Kind::Households => &mut self.households,
            Kind::Indicators => &mut self.indicators,
            Kind::Regions => &mut self.regions,
        };
        changes.inserted += s.inserted;
        changes.updated += s.updated;
    }
}

/// What the job left in the folder.
#[derive(Debug, Clone)]
pub struct Finished {
    pub db: PathBuf,
}

/// The database of a demo run in `dir`.
pub fn database(dir: &Path) -> PathBuf {
    dir.join("tuopin.db")
}

/// The folder of a demo run's generated files.
pub fn data_dir(dir: &Path) -> PathBuf {
    dir.join("data")
}

/// Run the whole demo into `dir`, replacing the database and generated files of an earlier run
/// there (nothing else in the folder is touched). An import that finds problems stops the job
/// after all files were tried, before the checks.
pub fn run(
    dir: &Path,
    opts: &Options,
    on: &mut dyn FnMut(Event) -> Result<()>,
) -> Result<Finished> {
    std::fs::create_dir_all(dir).with_context(|| format!("无法创建目录 {}", dir.display()))?;
    clear_previous(dir)?;
    let db = database(dir);
    let data = data_dir(dir);

    on(Event::Begin(Stage::Init))?;
    let loaded = reference::init::init(
        &db,
        false,
        &DataSource::Embedded,
        &crate::bulletin::store::seed,
    )?
    .loaded;
    on(Event::Initialised {
        db: &db,
        loaded: &loaded,
    })?;

    on(Event::Begin(Stage::Generate))?;
    let generated = generate(opts, &data)?;
    on(Event::Generated {
        dir: &data,
        generated: &generated,
    })?;

    on(Event::Begin(Stage::Import))?;
    let mut conn = crate::db::open(&db)?;
    if !import_all(&mut conn, &generated, on)? {
        bail!("演示数据导入出错（见上方错误），未继续核查");
    }

    if let Some(b) = &generated.bulletin {
        on(Event::Begin(Stage::Bulletin))?;
        let opts = AddOptions {
            accept: true,
            by: "demo".into(),
            ..AddOptions::default()
        };
        let issues = bulletin_store::add_file(&mut conn, &b.path, &opts)?;
        let facts = check::check_facts(&conn, None, None)?;
        on(Event::BulletinAdded {
            path: &b.path,
            issues: &issues,
            facts: &facts,
        })?;
    }

    let period = check::resolve_period(&conn, None)?;
    on(Event::Begin(Stage::CheckCounties(period)))?;
    let counties = check::check_counties(&conn, Some(period), &Scope::default())?;
    on(Event::Checked(&counties))?;
    on(Event::Begin(Stage::CheckVillages(period)))?;
    let villages = check::check_villages(
        &conn,
        Some(period),
        &Scope {
            county: None,
            only_poor: true,
        },
    )?;
    on(Event::Checked(&villages))?;

    on(Event::Begin(Stage::ChartsAndReport))?;
    let canvas = Canvas::new(
        chart::DEFAULT_WIDTH,
        chart::DEFAULT_HEIGHT,
        ChartFont::embedded(),
    )?;
    let written = crate::report::write(&conn, &canvas, dir, period, &crate::report::Format::ALL)?;
    on(Event::Written(&written))?;
    Ok(Finished { db })
}

/// Import the regions file, then each month's files county by county (each with `--county` of
/// its office). Whether every file was accepted.
fn import_all(
    conn: &mut Connection,
    generated: &Generated,
    on: &mut dyn FnMut(Event) -> Result<()>,
) -> Result<bool> {
    let mut all_ok = import_group(conn, None, &[(Kind::Regions, &generated.regions, None)], on)?;
    for month in &generated.months {
        let files: Vec<(Kind, &Path, Option<&str>)> = month
            .households
            .iter()
            .map(|f| (Kind::Households, f))
            .chain(month.indicators.iter().map(|f| (Kind::Indicators, f)))
            .map(|(kind, CountyFile { path, county })| (kind, path.as_path(), *county))
            .collect();
        all_ok &= import_group(conn, Some(month.period), &files, on)?;
    }
    Ok(all_ok)
}

/// Import a group of files (kind, path, county of the office); whether every one was accepted.
fn import_group(
    conn: &mut Connection,
    period: Option<Period>,
    files: &[(Kind, &Path, Option<&str>)],
    on: &mut dyn FnMut(Event) -> Result<()>,
) -> Result<bool> {
    let mut group = Group {
        period,
        ..Group::default()
    };
    let mut all_ok = true;
    for &(kind, path, county) in files {
        let opts = import::Options {
            county: county.map(str::to_string),
            ..import::Options::default()
        };
        let summary = import::import_file(conn, kind, path, &opts, &|_| {})?;
        all_ok &= summary.ok();
        group.add(kind, &summary);
        on(Event::Imported {
            path,
            summary: &summary,
        })?;
    }
    on(Event::Group(&group))?;
    Ok(all_ok)
}

/// The files of a previous demo run that a new one replaces; nothing else in the folder is touched.
fn clear_previous(dir: &Path) -> Result<()> {
    crate::db::files::remove_with_companions(&dir.join("tuopin.db"))?;
    let data = data_dir(dir);
    if data.exists() {
        std::fs::remove_dir_all(&data).with_context(|| format!("无法删除 {}", data.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Options {
        Options {
            villages: 6,
            households: 300,
            from: "2019-11".parse().unwrap(),
            to: "2019-12".parse().unwrap(),
            seed: 7,
            ..Options::default()
        }
    }

    fn count(conn: &Connection, sql: &str, period: Period) -> u64 {
        conn.query_row(sql, [period], |r| r.get::<_, i64>(0))
            .unwrap() as u64
    }

    #[test]
    fn the_job_tells_each_step_and_its_month_totals_match_the_database() {
        let dir = tempfile::tempdir().unwrap();
        let mut steps: Vec<String> = Vec::new();
        let mut groups: Vec<Group> = Vec::new();
        let mut files = 0;
        let mut refused = 0;
        let finished = run(dir.path(), &tiny(), &mut |event| {
            match event {
                Event::Begin(stage) => steps.push(match stage {
                    Stage::CheckCounties(p) => format!("CheckCounties {p}"),
                    Stage::CheckVillages(p) => format!("CheckVillages {p}"),
                    other => format!("{other:?}"),
                }),
                Event::Initialised { db, loaded } => {
                    assert!(db.exists() && loaded.regions > 0);
                    steps.push("initialised".into());
                }
                Event::Generated { generated, .. } => {
                    assert_eq!(generated.files(), 1 + 2 * 10 + 1);
                    steps.push("generated".into());
                }
                Event::Imported { summary, .. } => {
                    files += 1;
                    refused += usize::from(!summary.ok());
                }
                Event::Group(g) => groups.push(g.clone()),
                Event::BulletinAdded { issues, facts, .. } => {
                    assert_eq!(issues.len(), 1);
                    assert_eq!(issues[0].accepted, 3);
                    let wrong: Vec<_> = facts.disagreements().collect();
                    assert_eq!(wrong.len(), 1, "{wrong:?}");
                    assert_eq!(
                        wrong[0].difference,
                        Some(-(crate::demo::generate::DISCREPANCY as f64))
                    );
                    steps.push("bulletin added".into());
                }
                Event::Checked(report) => steps.push(format!("checked {:?}", report.level)),
                Event::Written(w) => {
                    let names: Vec<String> = w
                        .files
                        .iter()
                        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
                        .collect();
                    assert_eq!(
                        names,
                        [
                            "report-2019-12.html",
                            "report-2019-12.md",
                            "report-2019-12.docx"
                        ]
                    );
                    assert!(w.files.iter().all(|f| f.exists()) && !w.charts.is_empty());
                    steps.push("written".into());
                }
            }
            Ok(())
        })
        .unwrap();
        assert_eq!(
            steps,
            [
                "Init",
                "initialised",
                "Generate",
                "generated",
                "Import",
                "Bulletin",
                "bulletin added",
                "CheckCounties 2019-12",
                "checked County",
                "CheckVillages 2019-12",
                "checked Village",
                "ChartsAndReport",
                "written",
            ]
        );
        assert_eq!((files, refused), (22, 0));
        let periods: Vec<Option<String>> = groups
            .iter()
            .map(|g| g.period.map(|p| p.to_string()))
            .collect();
        assert_eq!(
            periods,
            [None, Some("2019-11".into()), Some("2019-12".into())]
        );
        assert_eq!(
            groups.iter().map(|g| g.files).collect::<Vec<_>>(),
            [1, 10, 11]
        );
        assert!(groups[0].regions.inserted > 0);
        let conn = crate::db::open(&finished.db).unwrap();
        for g in &groups[1..] {
            let p = g.period.unwrap();
            let households = count(
                &conn,
                "SELECT count(*) FROM household_snapshot WHERE period = ?1",
                p,
            );
            assert_eq!(g.households.inserted + g.households.updated, households);
            assert_eq!(households, 5 * 300);
            let values = count(
                &conn,
                "SELECT count(*) FROM indicator_value v JOIN import_batch b ON b.id = v.batch_id
                 WHERE b.kind = 'indicators' AND v.period = ?1",
                p,
            );
            assert_eq!(g.indicators.inserted + g.indicators.updated, values);
            assert!(values > 0);
        }
    }

    #[test]
    fn a_second_run_replaces_the_first_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let keep = dir.path().join("notes.txt");
        std::fs::write(&keep, "mine").unwrap();
        let batches = || {
            let finished = run(dir.path(), &tiny(), &mut |_| Ok(())).unwrap();
            let conn = crate::db::open(&finished.db).unwrap();
            conn.query_row(
                "SELECT count(*) FROM import_batch WHERE kind <> 'reference'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .unwrap()
        };
        let first = batches();
        assert_eq!(first, 22);
        assert_eq!(
            batches(),
            first,
            "the second run starts from a fresh database"
        );
        assert_eq!(std::fs::read_to_string(&keep).unwrap(), "mine");
    }
}
