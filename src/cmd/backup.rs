//! `tuopin backup`: a consistent copy of the database.
//!
//! ```text
//! tuopin backup PATH [--force]
//! ```
//!
//! The copy is made with SQLite's online backup API while other processes may be reading or
//! importing. It is checked (integrity_check), stands alone (no -wal file), and is readable only by
//! its owner (mode 0600). An existing PATH is kept unless --force.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use tuopin::output::number::number;

use super::{Context, Outcome};

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// 副本写到哪里 (where to write the copy)
    #[arg(value_name = "PATH")]
    path: PathBuf,
    /// PATH 已存在时覆盖 (overwrite PATH)
    #[arg(long)]
    force: bool,
}

pub fn run(ctx: &Context, out: &mut dyn Write, args: &BackupArgs) -> Result<Outcome> {
    // Read-only: a backup never changes the database it copies (nor upgrades an older one).
    let conn = tuopin::db::open_read_only_any_version(&ctx.db)?;
    let dest_folder = super::folder_of(&args.path);
    if !tuopin::db::files::same_file(&dest_folder, &super::folder_of(&ctx.db)) {
        super::remove_stale_files(&dest_folder);
    }
    let copied = tuopin::db::backup::backup(&conn, &args.path, args.force)?;
    writeln!(
        out,
        "已备份到 {}（{} KB，结构版本 {}，完整性检查通过）(backup written)",
        copied.path.display(),
        number((copied.bytes / 1024) as f64),
        copied.schema_version
    )?;
    Ok(Outcome::Ok)
}
