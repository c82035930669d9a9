//! The `tuopin` command line: argument definitions and dispatch. Each subcommand lives in `cmd/`.

mod cmd;
#[cfg(test)]
mod usage;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use cmd::Outcome;

#[derive(Debug, Parser)]
#[command(
    name = "tuopin",
    version,
    about = "脱贫攻坚指标跟踪：导入县级台账、核查退出标准、生成图表 (poverty-exit indicators)"
)]
struct Cli {
    /// 数据库文件（默认：当前文件夹中的 tuopin.db）(database file)
    #[arg(long, global = true, env = "TUOPIN_DB", value_name = "PATH")]
    db: Option<PathBuf>,

    /// 显示户主全名（默认不显示：姓名是个人信息）(show full names)
    #[arg(long, global = true)]
    show_names: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 建库并载入参考数据：区划、指标目录、退出标准、快报事实 (create the database)
    Init(cmd::init::InitArgs),
    /// 显示数据库中有哪些数据 (what the database holds)
    Status(cmd::status::StatusArgs),
    /// 输出只有标准表头的空白 CSV 或 Excel 工作簿，用来开始填报 (empty CSV or workbook with the headers)
    Template(cmd::template::TemplateArgs),
    /// 列出快报中的数据及其原文 (bulletin facts with their sentences)
    Facts(cmd::facts::FactsArgs),
    /// 导入县级台账、指标或区划文件，或撤销一次导入 (import county files, or undo)
    #[command(subcommand)]
    Import(cmd::import::ImportCommand),
    /// 列出导入批次 (list the import batches)
    Imports(cmd::imports::ImportsArgs),
    /// 用生成的演示数据走一遍全流程，或只生成文件 (the whole workflow on demo data)
    Demo(cmd::demo::DemoArgs),
    /// 绘制 PNG 图表：charts/<区划代码>-<类型>-<统计期>.png (draw a chart)
    Chart(cmd::chart::ChartArgs),
    /// 生成快报式报告（HTML 和 Markdown）及其图表 (write the report)
    Report(cmd::report::ReportArgs),
    /// 列出退出标准，或修改阈值（criteria set V2 --threshold 30000）(list or change criteria)
    Criteria(cmd::criteria::CriteriaArgs),
    /// 核查退出标准：逐村、逐县，或逐户（疑似错退、防返贫监测）(check the exit criteria)
    Check(cmd::check::CheckArgs),
    /// 逐项说明一个村或县：数值、阈值、统计期和来源 (explain one region's checks)
    Explain(cmd::explain::ExplainArgs),
    /// 备份数据库：一致、已校验的副本，他人导入时也可备份 (back up the database)
    Backup(cmd::backup::BackupArgs),
    /// 用备份替换数据库，当前数据库另存为 .bak (restore a backup)
    Restore(cmd::restore::RestoreArgs),
    /// 检查数据库：完整性、外键、来源、台账，无明文身份证号 (verify the database)
    Verify(cmd::verify::VerifyArgs),
    /// 快报：提取数据，或存入数据库待审核 (bulletins: extract or store the facts they state)
    #[command(subcommand)]
    Bulletin(cmd::bulletin::BulletinCommand),
}

fn main() -> ExitCode {
    // A panic message may quote the data being read: print it with ID numbers masked, and say
    // plainly that this is a bug of tuopin, not of the user's file.
    std::panic::set_hook(Box::new(|info| {
        // calamine tripping over a damaged workbook: reported as a damaged file by the importer.
        if tuopin::import::reading_workbook() {
            return;
        }
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
    if cli.show_names {
        eprintln!(
            "注意: 已加 --show-names，输出中将显示户主全名；这是个人信息，请勿外传 (names shown)"
        );
    }
    let ctx = cmd::Context {
        db: tuopin::db::resolve_path(cli.db.as_deref()),
        show_names: cli.show_names,
    };
    // Any run that opens the database cleans up after a killed backup or init beside it.
    if !matches!(cli.command, Command::Template(_)) {
        cmd::remove_stale_files(&cmd::folder_of(&ctx.db));
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let result = match &cli.command {
        Command::Init(a) => cmd::init::run(&ctx, &mut out, a),
        Command::Status(a) => cmd::status::run(&ctx, &mut out, a),
        Command::Template(a) => cmd::template::run(&ctx, &mut out, a),
        Command::Facts(a) => cmd::facts::run(&ctx, &mut out, a),
        Command::Import(c) => cmd::import::run(&ctx, &mut out, c),
        Command::Imports(a) => cmd::imports::run(&ctx, &mut out, a),
        Command::Demo(a) => cmd::demo::run(&ctx, &mut out, a),
        Command::Chart(a) => cmd::chart::run(&ctx, &mut out, a),
        Command::Report(a) => cmd::report::run(&ctx, &mut out, a),
        Command::Criteria(a) => cmd::criteria::run(&ctx, &mut out, a),
        Command::Check(a) => cmd::check::run(&ctx, &mut out, a),
        Command::Explain(a) => cmd::explain::run(&ctx, &mut out, a),
        Command::Backup(a) => cmd::backup::run(&ctx, &mut out, a),
        Command::Restore(a) => cmd::restore::run(&ctx, &mut out, a),
        Command::Verify(a) => cmd::verify::run(&ctx, &mut out, a),
        Command::Bulletin(c) => cmd::bulletin::run(&ctx, &mut out, c),
    }
    .and_then(|outcome| out.flush().map(|_| outcome).map_err(Into::into));
    match result {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::Problems) => ExitCode::from(1),
        // The reader went away (`tuopin facts | head`): not an error of ours.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let text = format!("{e:#}");
            let text = tuopin::output::sqlite_text::translate(&text);
            eprintln!("错误: {}", tuopin::output::privacy::redact_ids(&text));
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
