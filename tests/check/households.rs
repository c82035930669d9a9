//! `check households` and `explain` on the 彰武县 dataset.

use super::*;

#[test]
fn households_lists_suspected_wrong_exits_and_the_monitoring_list_with_masked_ids() {
    let s = standard();
    let r = json(
        &s,
        &[
            "check",
            "households",
            "--county",
            ZHANGWU,
            "--period",
            "2019-03",
            "--format",
            "json",
        ],
    );
    assert_eq!(r["period"], "2019-03");
    // The 2019 poverty line 3,747 from data/poverty_lines.csv; monitoring line 5,000 from
    // data/monitoring.csv (2019: a fixed line).
    assert_eq!(r["poverty_line"], 3747.0);
    assert_eq!(r["monitoring_threshold"], 5000.0);
    let got: Vec<(String, String, Vec<String>, bool)> = r["households"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            assert_eq!(h["status"], "exited");
            (
                h["household_id"].as_str().unwrap().to_string(),
                h["village_code"].as_str().unwrap().to_string(),
                h["failed"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| f.as_str().unwrap().to_string())
                    .collect(),
                h["monitoring"].as_bool().unwrap(),
            )
        })
        .collect();
    let want = |id: &str, v: &str, f: &[&str], m: bool| {
        (
            id.to_string(),
            v.to_string(),
            f.iter().map(|x| x.to_string()).collect::<Vec<_>>(),
            m,
        )
    };
    assert_eq!(
        got,
        [
            // income exactly at the line is not above it; and under 5,000
            want("A04", SANJIAZI, &["H1"], true),
            // meets every standard but 4,800 < 5,000
            want("A06", SANJIAZI, &[], true),
            want("B03", YI, &["H4"], false),
            want("C02", BING, &["H3", "H6"], false),
            want("D02", DING, &["H5"], false),
        ]
    );
    // A05 (medical insurance not reported) and D04 (housing not reported) are not suspected: unknown
    // is not a failure. Poor households (A01, B01 ...) are not on either list.
    let c02 = &r["households"][3];
    assert_eq!(c02["id_masked"], "2109**********1716");
    assert!(c02["source"].as_str().unwrap().contains(&format!(
        "households-2019-03.csv 第{}行",
        fixture::line_of(fixture::HOUSEHOLDS_2019_03, "2019-03,C02,")
    )));

    // No full ID number and no name in any format.
    for format in ["json", "table", "csv", "md"] {
        let out = s
            .tuopin(&[
                "check",
                "households",
                "--county",
                ZHANGWU,
                "--format",
                format,
            ])
            .output()
            .unwrap();
        assert!(out.status.success());
        let text = stdout(&out);
        assert!(text.contains("A04"), "{format}");
        for secret in ["210922196504041716", "杨巳", "李丁"] {
            assert!(!text.contains(secret), "{format} shows {secret}");
        }
    }

    // A higher monitoring line adds B05 (5,600) and C04 (5,900), which meet every standard.
    let r = json(
        &s,
        &[
            "check",
            "households",
            "--county",
            ZHANGWU,
            "--threshold",
            "6000",
            "--format",
            "json",
        ],
    );
    let monitored: Vec<&str> = r["households"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["monitoring"] == true)
        .map(|h| h["household_id"].as_str().unwrap())
        .collect();
    assert_eq!(monitored, ["A04", "A06", "B05", "C02", "C04"]);
}

#[test]
fn explain_cites_the_batch_line_and_the_bulletin_sentence() {
    let s = standard();
    let r = json(&s, &["explain", SANJIAZI, "--period", "2019-03", "--json"]);
    let a = &r["regions"][0];
    assert_eq!(a["code"], SANJIAZI);
    // The denominator 1,328 comes from 第25期, loaded by init.
    let v1 = criterion(a, "V1")["source"].as_str().unwrap().to_string();
    assert!(
        v1.contains("households-2019-03.csv（2019-03 台账）"),
        "{v1}"
    );
    assert!(
        v1.contains("贫困人口 5 人（未脱贫 1 户、返贫 1 户）"),
        "{v1}"
    );
    assert!(
        v1.contains("第25期（总第213期，2019-03-27）：“全村 339 户、1328 人”"),
        "{v1}"
    );
    let line = fixture::line_of(
        fixture::INDICATORS_2019_03,
        "2018-12,210922-T01-V01,collective_income",
    );
    assert_eq!(
        criterion(a, "V2")["source"],
        format!("indicators-2019-03.csv 第{line}行")
    );

    let out = s
        .tuopin(&["explain", SANJIAZI, "--period", "2019-03"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.contains("三家子村（210922-T01-V01）"));
    assert!(text.contains("结论：达标 (pass)"));
    assert!(text.contains(&format!("来源：indicators-2019-03.csv 第{line}行")));
    assert!(text.contains("“全村 339 户、1328 人”"));

    // A county: every one of C1–C6.
    let out = s
        .tuopin(&["explain", ZHANGWU, "--period", "2019-03"])
        .output()
        .unwrap();
    let text = stdout(&out);
    for no in ["C1 ", "C2 ", "C3 ", "C4 ", "C5 ", "C6 "] {
        assert!(text.contains(no), "{no}");
    }
    assert!(text.contains("结论：未达标 (fail)"));
}

#[test]
fn explain_right_after_init_cites_the_bulletin_population() {
    let s = Scratch::new();
    s.init();
    let out = s.tuopin(&["explain", SANJIAZI]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("统计期 2019-03"));
    assert!(text.contains("结论：无法判定 (undetermined)"));
    assert!(text.contains("没有本县的建档立卡台账"));
    assert!(text.contains(
        "户籍人口 1,328 人（2019-03，第25期（总第213期，2019-03-27）：“全村 339 户、1328 人”）"
    ));
}
