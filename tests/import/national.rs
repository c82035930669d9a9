//! The register as the national system (全国扶贫开发信息系统) spells it: 脱贫属性 as the status
//! header, 已脱贫(享受政策) and 已脱贫（不再享受政策）, after-exit and combined 贫困户属性,
//! 缺劳动力, and the county's 监测对象类别; stored beside the base values, corrected and undone.

use super::*;

const NATIONAL_HEADER: &str = "统计期,户编号,村代码,家庭人口,贫困户属性,主要致贫原因,脱贫属性,脱贫年度,人均纯收入,监测对象类别";

fn national_file() -> String {
    format!(
        "{NATIONAL_HEADER}\n\
         2019-03,N1,{SANJIAZI},3,一般脱贫户,缺劳动力,已脱贫(享受政策),2018,5200,\n\
         2019-03,N2,{SANJIAZI},2,低保脱贫户,因病致贫,已脱贫（不再享受政策）,2017,9000,脱贫不稳定户\n\
         2019-03,N3,{SANJIAZI},4,低保特困供养贫困户,因残,未脱贫,,2600,\n\
         2019-03,N4,{SANJIAZI},1,特困供养贫困户,因灾,返贫,,3100,突发严重困难户\n\
         2019-03,N5,{SANJIAZI},2,一般贫困户,缺水,已脱贫,2018,6000,边缘易致贫户\n"
    )
}

type Stored = (
    String,
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn stored(conn: &rusqlite::Connection) -> Vec<Stored> {
    let mut stmt = conn
        .prepare(
            "SELECT household_id, status, policy_support, category, category_as_written, cause,
                    monitoring_kind
             FROM household_snapshot ORDER BY household_id",
        )
        .unwrap();
    let v = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    v
}

/// `written` is what the file said when it is not the base category itself (else nothing is kept).
fn row(
    id: &str,
    status: &str,
    policy: Option<i64>,
    category: &str,
    written: &str,
    cause: &str,
    kind: Option<&str>,
) -> Stored {
    (
        id.into(),
        status.into(),
        policy,
        Some(category.into()),
        Some(written.to_string()).filter(|w| w != category),
        Some(cause.into()),
        kind.map(Into::into),
    )
}

#[test]
fn the_national_systems_spellings_import_with_what_they_say_kept() {
    let s = Scratch::new();
    s.init();
    let file = s.write("national.csv", gbk_crlf(&national_file()));
    let out = s
        .tuopin(&["import", "households"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let conn = s.open();
    assert_eq!(
        stored(&conn),
        [
            row(
                "N1",
                "exited",
                Some(1),
                "一般贫困户",
                "一般脱贫户",
                "缺劳力",
                None
            ),
            row(
                "N2",
                "exited",
                Some(0),
                "低保贫困户",
                "低保脱贫户",
                "因病",
                Some("unstable")
            ),
            row(
                "N3",
                "poor",
                None,
                "特困供养贫困户",
                "低保特困供养贫困户",
                "因残",
                None
            ),
            row(
                "N4",
                "returned",
                None,
                "特困供养贫困户",
                "特困供养贫困户",
                "因灾",
                Some("sudden_hardship")
            ),
            row(
                "N5",
                "exited",
                None,
                "一般贫困户",
                "一般贫困户",
                "缺水",
                Some("marginal")
            ),
        ]
    );
    fk_clean(&conn);

    // A correction changes what the national system said; undo puts it back.
    let corrected = national_file()
        .replace(
            "已脱贫(享受政策),2018,5200,",
            "已脱贫(不再享受政策),2018,5200,",
        )
        .replace(",9000,脱贫不稳定户", ",9000,");
    let file = s.write("national-corrected.csv", corrected);
    let out = s
        .tuopin(&["import", "households"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let batch: i64 = scalar(&conn, "SELECT max(id) FROM import_batch", []);
    let now = stored(&conn);
    assert_eq!(now[0].2, Some(0));
    assert_eq!(now[1].6, None);
    s.tuopin(&["import", "undo", &batch.to_string()])
        .assert()
        .success();
    assert_eq!(stored(&conn)[0].2, Some(1));
    assert_eq!(stored(&conn)[1].6.as_deref(), Some("unstable"));
}

#[test]
fn unknown_national_values_are_errors_naming_the_accepted_ones() {
    let s = Scratch::new();
    s.init();
    let file = s.write(
        "bad.csv",
        format!(
            "{NATIONAL_HEADER}\n\
             2019-03,N1,{SANJIAZI},3,普通脱贫户,缺劳动能力,已脱贫(部分享受),2018,5200,重点户\n"
        ),
    );
    let out = s
        .tuopin(&["import", "households"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    for want in [
        // Free-text cells of a household row are described, not quoted (they may be a name).
        "[贫困户属性] 值（5 个字符，首字“普”，未显示：可能是个人信息） 不是有效的贫困户属性（一般贫困户 / 低保贫困户 / 特困供养贫困户，脱贫后 一般脱贫户",
        "[主要致贫原因] 值（5 个字符，首字“缺”，未显示：可能是个人信息） 不是标准的致贫原因（因病",
        "[脱贫属性] 值（9 个字符，首字“已”，未显示：可能是个人信息） 不是有效的脱贫状态（未脱贫 / 已脱贫 / 已脱贫(享受政策) / 已脱贫(不再享受政策) / 返贫）",
        "[监测对象类别] 值（3 个字符，首字“重”，未显示：可能是个人信息） 不是有效的监测对象类别（脱贫不稳定户 / 边缘易致贫户 / 突发严重困难户，或留空）",
    ] {
        assert!(err.contains(want), "{want}\n{err}");
    }
    assert_eq!(
        scalar::<i64>(&s.open(), "SELECT count(*) FROM household_snapshot", []),
        0
    );
}
