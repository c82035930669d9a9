//! Personal data: a household with a known ID number and name goes through every command tuopin
//! has, in well-formed and in broken files. The ID number must never appear in any output nor in
//! the bytes of any database file (only its salted hash and masked form are stored); the name must
//! appear in no output unless --show-names is given; every file tuopin creates is mode 0600.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Output;

use crate::common::*;

const ID_NUMBER: &str = "11010519491231002X";
const NAME: &str = "欧阳修文";
const OTHER_NAME: &str = "司马相如";
const HEADER: &str = "统计期,户编号,村代码,户主姓名,证件号码,家庭人口,贫困户属性,主要致贫原因,脱贫状态,脱贫年度,人均纯收入";

struct Transcript {
    text: String,
    commands: usize,
}

impl Transcript {
    fn add(&mut self, args: &[&str], out: Output) -> Output {
        self.commands += 1;
        self.text.push_str(&format!(
            "$ tuopin {}\n{}{}\n",
            args.join(" "),
            stdout(&out),
            stderr(&out)
        ));
        out
    }
}

fn run(s: &Scratch, t: &mut Transcript, args: &[&str]) -> Output {
    let out = s.tuopin(args).output().unwrap();
    t.add(args, out)
}

fn run_file(s: &Scratch, t: &mut Transcript, args: &[&str], file: &Path) -> Output {
    let out = s.tuopin(args).arg(file).output().unwrap();
    let mut shown: Vec<&str> = args.to_vec();
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    shown.push(&name);
    t.add(&shown, out)
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn no_command_prints_an_id_number_or_a_name_and_no_file_stores_the_number() {
    for data in ["regions.csv", "facts.csv", "bulletins-2019-03.txt"] {
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("data")
                .join(data),
        )
        .unwrap();
        assert!(!text.contains(NAME) && !text.contains(OTHER_NAME));
    }
    let s = Scratch::new();
    let mut t = Transcript {
        text: String::new(),
        commands: 0,
    };
    let ok = |o: &Output| assert!(o.status.success(), "{}", stderr(o));

    ok(&run(&s, &mut t, &["init"]));
    ok(&run(&s, &mut t, &["--show-names", "status"]));
    ok(&run(&s, &mut t, &["status", "--json"]));
    for kind in ["households", "indicators", "regions"] {
        ok(&run(&s, &mut t, &["template", kind]));
    }
    ok(&run(&s, &mut t, &["facts"]));

    let good = s.write(
        "good.csv",
        format!(
            "{HEADER}\n2019-03,H1,210922-T01-V01,{NAME},{ID_NUMBER},3,一般贫困户,因病,已脱贫,2018,5000\n\
             2019-03,H2,210922-T01-V01,{OTHER_NAME},{},2,一般贫困户,因病,未脱贫,,3000\n",
            ID_NUMBER.to_lowercase()
        ),
    );
    ok(&run_file(
        &s,
        &mut t,
        &["import", "households", "--dry-run"],
        &good,
    ));
    ok(&run_file(&s, &mut t, &["import", "households"], &good));
    ok(&run_file(&s, &mut t, &["import", "households"], &good));

    // Broken files put the number and the name where messages quote cells.
    let shifted = s.write(
        "shifted.csv",
        // 户主姓名 missing from the header: every cell after it moves one column left.
        format!(
            "统计期,户编号,村代码,证件号码,家庭人口,贫困户属性,主要致贫原因,脱贫状态,脱贫年度,人均纯收入\n\
             2019-04,H1,210922-T01-V01,{NAME},{ID_NUMBER},3,一般贫困户,因病,已脱贫,2018,5000\n"
        ),
    );
    let swapped = s.write(
        "swapped.csv",
        format!(
            "{HEADER}\n2019-04,{ID_NUMBER},{NAME},{OTHER_NAME},{ID_NUMBER}0,{ID_NUMBER},{NAME},{OTHER_NAME},{NAME},{ID_NUMBER},{NAME}\n\
             2019-04,{ID_NUMBER},210922-T01-V01,{NAME} {ID_NUMBER},,3,一般贫困户,因病,未脱贫,,1\n"
        ),
    );
    let headerless = s.write(
        "headerless.csv",
        format!(
            "2019-03,H1,210922-T01-V01,{NAME},{ID_NUMBER},3,一般贫困户,因病,已脱贫,2018,5000\n"
        ),
    );
    let indicators = s.write(
        "ind.csv",
        format!(
            "统计期,区划代码,指标,值,备注\n2019-03,210922-T01-V01,hardened_road,{ID_NUMBER},{NAME}\n\
             2019-03,{NAME},{NAME},是,{ID_NUMBER}\n"
        ),
    );
    let regions = s.write(
        "reg.csv",
        format!("代码,名称,级别,上级代码\n{ID_NUMBER},{NAME}{ID_NUMBER},{NAME},{ID_NUMBER}\n"),
    );
    for (kind, file) in [
        ("households", &shifted),
        ("households", &swapped),
        ("households", &headerless),
        ("indicators", &indicators),
        ("regions", &regions),
        ("indicators", &good),
        ("regions", &good),
    ] {
        let out = run_file(&s, &mut t, &["import", kind], file);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{kind} {file:?}: {}",
            stderr(&out)
        );
    }
    ok(&run(&s, &mut t, &["imports"]));
    ok(&run(&s, &mut t, &["imports", "--all"]));
    ok(&run(&s, &mut t, &["imports", "--json"]));
    ok(&run(&s, &mut t, &["imports", "--csv"]));
    ok(&run(&s, &mut t, &["verify"]));
    ok(&run(&s, &mut t, &["verify", "--json"]));
    let backup = s.path("copy.db");
    ok(&run_file(&s, &mut t, &["backup"], &backup));
    ok(&run_file(&s, &mut t, &["restore"], &backup));
    let batch: i64 = scalar(
        &s.open(),
        "SELECT max(id) FROM import_batch WHERE kind = 'households'",
        [],
    );
    ok(&run(&s, &mut t, &["import", "undo", &batch.to_string()]));
    ok(&run(&s, &mut t, &["status"]));
    ok(&run_file(&s, &mut t, &["import", "households"], &good));
    for help in [
        "--help", "init", "status", "template", "facts", "import", "imports", "backup", "restore",
        "verify",
    ] {
        let args: Vec<&str> = if help == "--help" {
            vec!["--help"]
        } else {
            vec![help, "--help"]
        };
        ok(&run(&s, &mut t, &args));
    }

    // The messages did quote the broken cells (so this test would see a leak), masked.
    assert!(t.text.contains("1101**********002X"), "{}", t.text);
    assert!(t.text.contains("欧***"), "{}", t.text);
    for secret in [
        ID_NUMBER,
        &ID_NUMBER.to_lowercase(),
        NAME,
        OTHER_NAME,
        "阳修文",
        "马相如",
    ] {
        assert!(!t.text.contains(secret), "{secret} printed:\n{}", t.text);
    }
    println!(
        "privacy: {} commands run, {} bytes of output checked",
        t.commands,
        t.text.len()
    );

    // With --show-names the user asked for names: they are echoed, the ID number still is not.
    let out = s
        .tuopin(&["--show-names", "import", "households"])
        .arg(&swapped)
        .output()
        .unwrap();
    let text = format!("{}{}", stdout(&out), stderr(&out));
    assert!(text.contains(NAME), "{text}");
    assert!(!text.contains(ID_NUMBER), "{text}");

    // Stored: the salted hash and the masked form, never the number.
    let conn = s.open();
    let (hash, masked): (String, String) = conn
        .query_row(
            "SELECT id_hash, id_masked FROM household_snapshot WHERE household_id = 'H1'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(hash.len(), 64);
    assert_eq!(masked, "1101**********002X");
    // A WAL exists while a connection writes: it is as private as the database.
    conn.execute_batch("UPDATE change_context SET reason = NULL")
        .unwrap();
    let wal = s.path("tuopin.db-wal");
    assert!(wal.exists());
    assert_eq!(mode(&wal), 0o600);
    let mut files = vec![s.db(), wal, backup];
    files.extend(
        std::fs::read_dir(s.dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().contains(".bak")),
    );
    assert!(files.len() >= 4, "{files:?}");
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        for secret in [ID_NUMBER, &ID_NUMBER.to_lowercase()] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{secret} stored in {f:?}"
            );
        }
        assert_eq!(mode(f), 0o600, "{f:?}");
    }
    drop(conn);
}
