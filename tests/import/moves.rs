//! Villages that change county (issue 11, item 6), and `verify` after every import that succeeded.

use super::*;

const REGIONS_HEADER: &str = "代码,名称,级别,上级代码";
const REGISTER_HEADER: &str = "统计期,户编号,村代码,家庭人口,脱贫状态,脱贫年度,人均纯收入";

/// `tuopin verify` passes.
fn verified(s: &Scratch, after: &str) {
    let out = s.tuopin(&["verify"]).output().unwrap();
    assert!(
        out.status.success(),
        "verify failed after {after}:\n{}",
        stdout(&out)
    );
}

fn import(s: &Scratch, kind: &str, name: &str, text: &str) -> std::process::Output {
    let file = s.write(name, text);
    s.tuopin(&["import", kind]).arg(&file).output().unwrap()
}

/// Households `check households --county` lists for 2019-03 (each test household has exited with
/// an income under the monitoring line, so each is listed).
fn households_of(s: &Scratch, county: &str) -> usize {
    let out = s
        .tuopin(&[
            "check",
            "households",
            "--county",
            county,
            "--period",
            "2019-03",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json["households"].as_array().map_or(0, Vec::len)
}

#[test]
fn a_village_with_households_cannot_move_to_another_county() {
    let s = Scratch::new();
    s.init();
    let register = format!(
        "{REGISTER_HEADER}\n2019-03,QX7701,{SANJIAZI},3,已脱贫,2018,4000\n2019-03,QX7702,{SANJIAZI},2,已脱贫,2018,4100\n\
         2019-03,QX7703,{SANJIAZI},4,已脱贫,2018,4200\n"
    );
    assert!(import(&s, "households", "h.csv", &register)
        .status
        .success());
    let april = register
        .replace("2019-03,", "2019-04,")
        .replace("QX7703,", "QX7709,");
    assert!(import(&s, "households", "h4.csv", &april).status.success());
    let before = data_dump(&s.open());
    let zhangwu = households_of(&s, "210922");
    assert_eq!(zhangwu, 3);

    // The village itself, then its township, into 朝阳县 (211321).
    let cases = [
        format!("{REGIONS_HEADER}\n{SANJIAZI},三家子村,村,211321-T01\n"),
        format!("{REGIONS_HEADER}\n210922-T01,章古台镇,乡镇,211321\n"),
    ];
    for (i, text) in cases.iter().enumerate() {
        for dry_run in [false, true] {
            let file = s.write(&format!("move-{i}.csv"), text);
            let mut args = vec!["import", "regions"];
            if dry_run {
                args.push("--dry-run");
            }
            let out = s.tuopin(&args).arg(&file).output().unwrap();
            assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
            let err = stderr(&out);
            // Where, what, how many per county and month, what to do; no one named.
            assert!(err.contains(":2: [上级代码]"), "{err}");
            assert!(err.contains("将从县 210922 移到县 211321"), "{err}");
            assert!(
                err.contains("2019-03 3 户") && err.contains("2019-04 3 户"),
                "{err}"
            );
            assert!(
                err.contains("tuopin imports") && err.contains("新的村代码"),
                "{err}"
            );
            assert!(!err.contains("QX77"), "{err}");
        }
    }
    assert_eq!(
        data_dump(&s.open()),
        before,
        "a refused move changed the database"
    );
    assert_eq!(households_of(&s, "210922"), zhangwu);
    verified(&s, "the refused moves");

    // Within the county the village may change township; an empty village may change county.
    let ok = import(
        &s,
        "regions",
        "within.csv",
        &format!(
            "{REGIONS_HEADER}\n210922-T09,新镇,乡镇,210922\n{SANJIAZI},三家子村,村,210922-T09\n\
             211481-T01-V01,蒋家村,村,211321-T01\n"
        ),
    );
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert_eq!(households_of(&s, "210922"), zhangwu);
    verified(&s, "a move within the county and an empty village's move");
}

/// Every kind of import that succeeds leaves a database `verify` passes, and so does every undo;
/// the undo that would move a registered village back to its old county is refused.
#[test]
fn verify_passes_after_every_import_kind_and_undo() {
    let s = Scratch::new();
    s.init();
    verified(&s, "init");
    let batch = |out: &std::process::Output| -> String {
        assert!(out.status.success(), "{}", stderr(out));
        let conn = s.open();
        scalar::<i64>(&conn, "SELECT max(id) FROM import_batch", []).to_string()
    };

    // An empty village moves from 兴城市 (211481) to 彰武县, then gets households there.
    let moved = import(
        &s,
        "regions",
        "r.csv",
        &format!(
            "{REGIONS_HEADER}\n211481-T01-V01,蒋家村,村,{}\n",
            "210922-T01"
        ),
    );
    let regions_batch = batch(&moved);
    verified(&s, "import regions");
    let register = format!(
        "{REGISTER_HEADER}\n2019-03,J1,211481-T01-V01,3,未脱贫,,4000\n2019-03,S1,{SANJIAZI},2,未脱贫,,3900\n"
    );
    let households_batch = batch(&import(&s, "households", "h.csv", &register));
    verified(&s, "import households");
    let corrected = register.replace(",2,未脱贫,,3900", ",2,已脱贫,2019,5200");
    let corrected_batch = batch(&import(&s, "households", "h2.csv", &corrected));
    verified(&s, "a corrected register");
    let values = format!("统计期,区划代码,指标,值\n2019-03,{SANJIAZI},hardened_road,是\n");
    let values_batch = batch(&import(&s, "indicators", "v.csv", &values));
    verified(&s, "import indicators");

    // Undoing the move would take 蒋家村's household out of 彰武县's register: refused.
    let before = data_dump(&s.open());
    let out = s
        .tuopin(&["import", "undo", &regions_batch])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("211481-T01-V01 将从县 210922 移到县 211481") && err.contains("2019-03 1 户"),
        "{err}"
    );
    assert_eq!(data_dump(&s.open()), before);
    verified(&s, "the refused undo");

    // Taking the batches back in order: verify passes after each undo, and the move goes last.
    for b in [
        &values_batch,
        &corrected_batch,
        &households_batch,
        &regions_batch,
    ] {
        let out = s.tuopin(&["import", "undo", b]).output().unwrap();
        assert!(out.status.success(), "undo {b}: {}", stderr(&out));
        verified(&s, &format!("undo {b}"));
    }
    let parent: String = scalar(
        &s.open(),
        "SELECT parent_code FROM region WHERE code = '211481-T01-V01'",
        [],
    );
    assert_eq!(parent, "211481-T01");
}
