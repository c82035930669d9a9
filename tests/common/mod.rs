//! Helpers shared by the integration tests: run the built binary in a scratch folder, open the
//! database it wrote.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use rusqlite::Connection;

/// A scratch folder with a database path inside it.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Scratch {
        Scratch {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn db(&self) -> PathBuf {
        self.path("tuopin.db")
    }

    /// `tuopin --db <scratch>/tuopin.db ARGS...`, run from the scratch folder.
    pub fn tuopin(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("tuopin").expect("binary");
        cmd.current_dir(self.dir.path())
            .env_remove("TUOPIN_DB")
            .arg("--db")
            .arg(self.db())
            .args(args);
        cmd
    }

    /// A database made by `tuopin init`.
    pub fn init(&self) -> &Self {
        self.tuopin(&["init"]).assert().success();
        self
    }

    pub fn open(&self) -> Connection {
        open(&self.db())
    }

    /// Write a file into the scratch folder.
    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, bytes).expect("write fixture");
        p
    }
}

pub fn open(path: &Path) -> Connection {
    let conn = Connection::open(path).expect("open db");
    conn.pragma_update(None, "foreign_keys", "ON").unwrap();
    conn
}

/// One number from a query.
pub fn scalar<T: rusqlite::types::FromSql>(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> T {
    conn.query_row(sql, params, |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

pub fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Rows of a data/ file (header and blank lines excluded).
pub fn data_rows(name: &str) -> usize {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join(name);
    let mut r = csv::Reader::from_path(path).expect("data file");
    r.records()
        .filter(|rec| {
            rec.as_ref()
                .map(|x| !x.iter().all(str::is_empty))
                .unwrap_or(true)
        })
        .count()
}

/// A copy of data/ in the scratch folder, for editing.
pub fn copy_data(s: &Scratch) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let dst = s.path("data");
    std::fs::create_dir_all(&dst).unwrap();
    for entry in std::fs::read_dir(src).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dst.join(entry.file_name())).unwrap();
    }
    dst
}

/// Synthetic townships and villages under existing counties (see `tuopin::synth`), imported into
/// the scratch database with `tuopin import regions`. Returns each county's village codes.
pub fn synth_regions(
    s: &Scratch,
    counties: &[&str],
    townships: usize,
    villages_per_township: usize,
) -> Vec<Vec<String>> {
    use std::io::Write;
    let plans: Vec<tuopin::synth::CountyPlan> = counties
        .iter()
        .map(|code| tuopin::synth::CountyPlan {
            code,
            townships,
            villages_per_township,
        })
        .collect();
    let path = s.path("synth-regions.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    tuopin::synth::write_regions(&mut f, &plans).unwrap();
    f.flush().unwrap();
    drop(f);
    s.tuopin(&["import", "regions"])
        .arg(&path)
        .assert()
        .success();
    plans
        .iter()
        .map(|p| tuopin::synth::village_codes(std::slice::from_ref(p)))
        .collect()
}

/// A synthetic households file of `n` rows (`tuopin::synth::write_households`). `id_prefix`
/// replaces the generator's `G` before each household number, so that files of different counties
/// for the same month do not claim the same households.
pub fn synth_households(
    path: &Path,
    villages: &[String],
    n: u64,
    period: &str,
    seed: u64,
    id_prefix: char,
) {
    let mut bytes = Vec::new();
    tuopin::synth::write_households(&mut bytes, villages, n, period, seed).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    // Household numbers are the only cells starting with G (village codes start with digits).
    let text = text.replace(",G", &format!(",{id_prefix}"));
    std::fs::write(path, text).unwrap();
}
