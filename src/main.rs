//! The `tuopin` command line: argument definitions and dispatch. Each subcommand lives in `cmd/`.

mod cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use std::io::Write;

use clap::{Parser, Subcommand};

use cmd::Outcome;

#[derive(Debug, Parser)]
#[command(
    name = "tuopin",
    version,
    about = "脱贫攻坚指标跟踪：导入县级台账、核查退出标准、生成图表"
)]
struct Cli {
    /// Database file (default: tuopin.db in the current folder)
    #[arg(long, global = true, env = "TUOPIN_DB", value_name = "PATH")]
    db: Option<PathBuf>,

    /// Show heads of household by full name (off by default: names are personal data)
    #[arg(long, global = true)]
    show_names: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create the database and load the reference data (regions, catalogue, criteria, bulletin facts)
    Init(cmd::init::InitArgs),
    /// Show what the database holds
    Status(cmd::status::StatusArgs),
    /// Print an empty CSV with the expected headers
    Template(cmd::template::TemplateArgs),
    /// List the facts from the bulletins with their source sentences
    Facts(cmd::facts::FactsArgs),
    /// Import county-office CSV files, or undo an import
    #[command(subcommand)]
    Import(cmd::import::ImportCommand),
    /// List the import batches
    Imports(cmd::imports::ImportsArgs),
    /// Run the whole workflow on generated demo data (or only generate the files)
    Demo(cmd::demo::DemoArgs),
    /// Draw a chart as PNG (charts/<region>-<kind>-<period>.png)
    Chart(cmd::chart::ChartArgs),
    /// Write the bulletin-style report (HTML and Markdown) with its charts
    Report(cmd::report::ReportArgs),
    /// List the exit criteria, or change a threshold (`criteria set V2 --threshold 30000`)
    Criteria(cmd::criteria::CriteriaArgs),
    /// Check the exit criteria: villages, counties, or households (疑似错退, 防返贫监测)
    Check(cmd::check::CheckArgs),
    /// Every criterion of one village or county with value, threshold, period and source
    Explain(cmd::explain::ExplainArgs),
    /// Write a consistent, checked copy of the database (safe while others import)
    Backup(cmd::backup::BackupArgs),
    /// Replace the database with a backup (the current one is kept as a .bak)
    Restore(cmd::restore::RestoreArgs),
    /// Check the database: integrity, foreign keys, sources, registers, no clear-text ID numbers
    Verify(cmd::verify::VerifyArgs),
    /// 快报：提取数据事实 (bulletins: extract the facts they state)
    #[command(subcommand)]
    Bulletin(cmd::bulletin::BulletinCommand),
}

fn main() -> ExitCode {
    // A panic message may quote the data being read: print it with ID numbers masked, and say
    // plainly that this is a bug of tuopin, not of the user's file.
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let at = info.location().map(|l| (l.file(), l.line()));
        eprintln!("{}", tuopin::output::privacy::panic_report(&what, at));
    }));
    let cli = Cli::parse();
    tuopin::output::privacy::set_show_names(cli.show_names);
    if cli.show_names {
        eprintln!(
            "注意: 已加 --show-names，输出中将显示户主全名；这是个人信息，请勿外传 (names shown)"
        );
    }
    let db = tuopin::db::resolve_path(cli.db.as_deref());
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let result = match &cli.command {
        Command::Init(a) => cmd::init::run(&db, &mut out, a),
        Command::Status(a) => cmd::status::run(&db, &mut out, a),
        Command::Template(a) => cmd::template::run(&mut out, a),
        Command::Facts(a) => cmd::facts::run(&db, &mut out, a),
        Command::Import(c) => cmd::import::run(&db, &mut out, c),
        Command::Imports(a) => cmd::imports::run(&db, &mut out, a),
        Command::Demo(a) => cmd::demo::run(&mut out, a),
        Command::Chart(a) => cmd::chart::run(&db, &mut out, a),
        Command::Report(a) => cmd::report::run(&db, &mut out, a),
        Command::Criteria(a) => cmd::criteria::run(&db, &mut out, a),
        Command::Check(a) => cmd::check::run(&db, &mut out, a),
        Command::Explain(a) => cmd::explain::run(&db, &mut out, a),
        Command::Backup(a) => cmd::backup::run(&db, &mut out, a),
        Command::Restore(a) => cmd::restore::run(&db, &mut out, a),
        Command::Verify(a) => cmd::verify::run(&db, &mut out, a),
        Command::Bulletin(c) => cmd::bulletin::run(&db, &mut out, c),
    }
    .and_then(|outcome| out.flush().map(|_| outcome).map_err(Into::into));
    match result {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::Problems) => ExitCode::from(1),
        // The reader went away (`tuopin facts | head`): not an error of ours.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!(
                "错误: {}",
                tuopin::output::privacy::redact_ids(&format!("{e:#}"))
            );
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
