//! Helpers shared by the integration tests: run the built binary in a scratch folder, open the
//! database it wrote.

use std::path::{Path, PathBuf};

pub mod fixture;
pub mod office;

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

/// One household row of a register snapshot. Statuses are the stored codes: poor, exited, returned.
pub struct HouseholdRow<'a> {
    pub household_id: &'a str,
    pub village_code: &'a str,
    pub size: i64,
    pub status: &'a str,
}

/// Import one county's register snapshot for `period` as a county office would: write the rows as
/// a households CSV beside the database and import it. Returns the import batch id.
pub fn insert_register(
    conn: &Connection,
    county_code: &str,
    period: &str,
    rows: &[HouseholdRow],
) -> i64 {
    let db = PathBuf::from(conn.path().expect("a file database"));
    let file = db.with_file_name(format!("households-{county_code}-{period}.csv"));
    let mut csv = String::from("统计期,户编号,村代码,家庭人口,脱贫状态,脱贫年度,人均纯收入\n");
    for r in rows {
        let (status, year) = match r.status {
            "exited" => ("已脱贫", "2018"),
            "returned" => ("返贫", "2017"),
            _ => ("未脱贫", ""),
        };
        csv.push_str(&format!(
            "{period},{},{},{},{status},{year},4500\n",
            r.household_id, r.village_code, r.size
        ));
    }
    std::fs::write(&file, csv).expect("write households CSV");
    let mut writer = tuopin::db::open(&db).expect("open database");
    let summary = tuopin::import::import_file(
        &mut writer,
        tuopin::import::Kind::Households,
        &file,
        &tuopin::import::Options::default(),
        &|_| {},
    )
    .expect("import");
    assert!(summary.ok(), "fixture import failed: {:?}", summary.errors);
    summary.batch_id.expect("a batch")
}

/// A decoded PNG: size and RGB(A) pixels.
pub struct Image {
    pub width: u32,
    pub height: u32,
    /// Bytes per pixel (3 RGB, 4 RGBA).
    pub channels: usize,
    pub pixels: Vec<u8>,
}

impl Image {
    pub fn decode(bytes: &[u8]) -> Image {
        let mut decoder = png::Decoder::new(bytes);
        decoder.set_transformations(png::Transformations::EXPAND);
        let mut reader = decoder.read_info().expect("a PNG header");
        let mut pixels = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut pixels).expect("PNG pixel data");
        pixels.truncate(info.buffer_size());
        Image {
            width: info.width,
            height: info.height,
            channels: info.color_type.samples(),
            pixels,
        }
    }

    pub fn rgb(&self, x: u32, y: u32) -> [u8; 3] {
        let i = (y as usize * self.width as usize + x as usize) * self.channels;
        [self.pixels[i], self.pixels[i + 1], self.pixels[i + 2]]
    }

    /// How many pixels have exactly this colour.
    pub fn count(&self, rgb: [u8; 3]) -> usize {
        self.pixels
            .chunks(self.channels)
            .filter(|p| p[..3] == rgb)
            .count()
    }

    /// Variance of the grey level: 0 for a blank image.
    pub fn variance(&self) -> f64 {
        let grey: Vec<f64> = self
            .pixels
            .chunks(self.channels)
            .map(|p| (p[0] as f64 + p[1] as f64 + p[2] as f64) / 3.0)
            .collect();
        let mean = grey.iter().sum::<f64>() / grey.len() as f64;
        grey.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / grey.len() as f64
    }
}

/// Synthetic townships and villages under existing counties (see `tuopin::demo::synth`), imported into
/// the scratch database with `tuopin import regions`. Returns each county's village codes.
pub fn synth_regions(
    s: &Scratch,
    counties: &[&str],
    townships: usize,
    villages_per_township: usize,
) -> Vec<Vec<String>> {
    use std::io::Write;
    let plans: Vec<tuopin::demo::synth::CountyPlan> = counties
        .iter()
        .map(|code| tuopin::demo::synth::CountyPlan {
            code,
            townships,
            villages_per_township,
        })
        .collect();
    let path = s.path("synth-regions.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    tuopin::demo::synth::write_regions(&mut f, &plans).unwrap();
    f.flush().unwrap();
    drop(f);
    s.tuopin(&["import", "regions"])
        .arg(&path)
        .assert()
        .success();
    plans
        .iter()
        .map(|p| tuopin::demo::synth::village_codes(std::slice::from_ref(p)))
        .collect()
}

/// A synthetic households file of `n` rows (`tuopin::demo::synth::write_households`). `id_prefix`
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
    tuopin::demo::synth::write_households(&mut bytes, villages, n, period, seed).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    // Household numbers are the only cells starting with G (village codes start with digits).
    let text = text.replace(",G", &format!(",{id_prefix}"));
    std::fs::write(path, text).unwrap();
}

/// `tuopin --db <scratch>/tuopin.db bulletin extract ARGS --format json`, parsed.
pub fn bulletin_extract(dir: &Path, args: &[&str]) -> serde_json::Value {
    let out = Command::cargo_bin("tuopin")
        .expect("binary")
        .current_dir(dir)
        .env_remove("TUOPIN_DB")
        .arg("--db")
        .arg(dir.join("tuopin.db"))
        .args(["bulletin", "extract", "--format", "json"])
        .args(args)
        .output()
        .expect("run tuopin");
    assert!(
        out.status.success(),
        "tuopin failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

/// The rows `sql` returns, each its columns' values `|`-joined: for comparing what two databases
/// (or one, before and after) hold.
pub fn rows_of(conn: &Connection, sql: &str) -> Vec<String> {
    let mut stmt = conn.prepare(sql).unwrap();
    let n = stmt.column_count();
    let rows = stmt
        .query_map([], |r| {
            Ok((0..n)
                .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
                .collect::<Vec<_>>()
                .join("|"))
        })
        .unwrap();
    rows.map(Result::unwrap).collect()
}
