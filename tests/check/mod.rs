//! `tuopin criteria`, `check villages|counties|households` and `explain`, run as a user runs them on
//! the hand-built 彰武县 dataset of `common/fixture.rs`. Every expected figure is worked out by hand
//! in the comments next to it.

mod bounds;
mod formats;
mod households;
mod monitoring;
mod streaming;
mod xlsx;

use crate::common::fixture::{self, Kind};
use crate::common::*;
use serde_json::Value;

const ZHANGWU: &str = "210922";
const SANJIAZI: &str = "210922-T01-V01"; // passes all 10
const YI: &str = "210922-T01-V02"; // V1 exactly 2.0% (passes), V2 fails
const BING: &str = "210922-T02-V01"; // no broadband value
const DING: &str = "210922-T02-V02"; // not a registered poor village

fn json(s: &Scratch, args: &[&str]) -> Value {
    let out = s.tuopin(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: exit {:?}\n{}",
        out.status.code(),
        stderr(&out)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: {e}\n{}", stdout(&out)))
}

fn region<'a>(report: &'a Value, code: &str) -> &'a Value {
    report["regions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == code)
        .unwrap_or_else(|| panic!("{code} not in report"))
}

fn criterion<'a>(region: &'a Value, no: &str) -> &'a Value {
    region["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["no"] == no)
        .unwrap_or_else(|| panic!("{no} not in {}", region["code"]))
}

fn statuses(region: &Value) -> Vec<(String, String)> {
    region["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["no"].as_str().unwrap().to_string(),
                c["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn standard() -> Scratch {
    let s = Scratch::new();
    fixture::standard(&s);
    s
}

#[test]
fn villages_get_the_verdicts_worked_out_by_hand() {
    let s = standard();
    let r = json(
        &s,
        &[
            "check", "villages", "--county", ZHANGWU, "--period", "2019-03", "--format", "json",
        ],
    );
    assert_eq!(r["period"], "2019-03");
    assert_eq!(r["level"], "village");
    let codes: Vec<&str> = r["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, [SANJIAZI, YI, BING, DING]);

    // 三家子村: 5 poor people of 1,328 = 0.3765%; everything reported and meeting its rule.
    let a = region(&r, SANJIAZI);
    assert_eq!(a["verdict"], "pass", "{a:#}");
    assert!(statuses(a).iter().all(|(_, st)| st == "pass"));
    assert_eq!(statuses(a).len(), 10);
    let v1 = criterion(a, "V1");
    assert!(close(num(&v1["value"]), 5.0 * 100.0 / 1328.0));
    assert_eq!(v1["threshold"], 2.0);
    assert_eq!(v1["operator"], "<=");
    assert_eq!(v1["value_period"], "2019-03");
    // The collective income is the 2018 annual figure, three months old: still valid, and dated.
    let v2 = criterion(a, "V2");
    assert_eq!(v2["value"], 62000.0);
    assert_eq!(v2["value_period"], "2018-12");
    assert_eq!(v2["status"], "pass");
    assert_eq!(criterion(a, "V9")["value"], 100.0);

    // 乙村: 2 + 3 poor people of 250 = exactly 2.0%, which passes "≤ 2%" (2%以下 includes 2%);
    // its collective income 45,000 < 50,000 is the only failure.
    let b = region(&r, YI);
    assert_eq!(b["verdict"], "fail");
    assert_eq!(criterion(b, "V1")["value"], 2.0);
    assert_eq!(criterion(b, "V1")["status"], "pass");
    let failing: Vec<_> = statuses(b)
        .into_iter()
        .filter(|(_, st)| st != "pass")
        .collect();
    assert_eq!(failing, [("V2".to_string(), "fail".to_string())]);

    // 丙村: no broadband value at all, everything else passes: undetermined, never a pass.
    let c = region(&r, BING);
    assert_eq!(c["verdict"], "undetermined");
    let v6 = criterion(c, "V6");
    assert_eq!(v6["status"], "no_data");
    assert_eq!(v6["value"], Value::Null);
    assert_eq!(v6["value_period"], Value::Null);
    assert!(v6["source"].as_str().unwrap().contains("没有通宽带的数据"));
    let not_passing: Vec<_> = statuses(c)
        .into_iter()
        .filter(|(_, st)| st != "pass")
        .collect();
    assert_eq!(not_passing, [("V6".to_string(), "no_data".to_string())]);
    assert!(close(num(&criterion(c, "V1")["value"]), 0.5)); // 2 of 400

    // 丁村: not registered poor; collective income 30,000 < 50,000; housing 2 safe of 3 reported
    // (4 households): 66.67%, and even counting the unreported one as safe only 75% < 100%.
    let d = region(&r, DING);
    assert_eq!(d["poverty_registered"], false);
    assert_eq!(d["verdict"], "fail");
    assert_eq!(criterion(d, "V2")["status"], "fail");
    let v9 = criterion(d, "V9");
    assert_eq!(v9["status"], "fail");
    assert!(close(num(&v9["value"]), 200.0 / 3.0));
    assert!(v9["source"].as_str().unwrap().contains("未填报 1 户"));

    // --only-poor leaves out 丁村.
    let poor = json(
        &s,
        &[
            "check",
            "villages",
            "--county",
            ZHANGWU,
            "--period",
            "2019-03",
            "--only-poor",
            "--format",
            "json",
        ],
    );
    let codes: Vec<&str> = poor["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, [SANJIAZI, YI, BING]);
}

#[test]
fn json_keys_are_the_contract() {
    let s = standard();
    let r = json(
        &s,
        &["check", "villages", "--county", ZHANGWU, "--format", "json"],
    );
    let keys = |v: &Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    for k in ["period", "level", "regions"] {
        assert!(keys(&r).contains(&k.to_string()), "{k}");
    }
    let reg = &r["regions"][0];
    for k in ["code", "name", "parent_code", "verdict", "criteria"] {
        assert!(keys(reg).contains(&k.to_string()), "{k}");
    }
    let c = &reg["criteria"][0];
    for k in [
        "no",
        "name",
        "status",
        "value",
        "threshold",
        "operator",
        "value_period",
        "source",
    ] {
        assert!(keys(c).contains(&k.to_string()), "{k}");
    }
    assert_eq!(c["no"], "V1");
    assert_eq!(c["name"], "贫困发生率");
    assert_eq!(reg["parent_code"], "210922-T01");
}

#[test]
fn the_default_month_is_the_latest_with_data_and_older_months_use_older_snapshots() {
    let s = standard();
    let r = json(
        &s,
        &["check", "villages", "--county", ZHANGWU, "--format", "json"],
    );
    assert_eq!(r["period"], "2019-03");

    // As of 2019-02 the latest register is 2019-01, where B04 was still poor: 乙村 8 of 250 = 3.2%.
    let r = json(
        &s,
        &[
            "check", "villages", "--county", ZHANGWU, "--period", "2019-02", "--format", "json",
        ],
    );
    let v1 = criterion(region(&r, YI), "V1");
    assert_eq!(v1["value_period"], "2019-01");
    assert!(close(num(&v1["value"]), 3.2));
    assert_eq!(v1["status"], "fail");
    assert!(v1["source"]
        .as_str()
        .unwrap()
        .contains("households-2019-01.csv"));
    // The population of 丙村 is only known from 2019-03: not yet there as of 2019-02.
    let v1 = criterion(region(&r, BING), "V1");
    assert_eq!(v1["status"], "no_data");
    assert!(v1["source"]
        .as_str()
        .unwrap()
        .contains("没有户籍人口的数据"));
}

#[test]
fn a_county_passing_c1_to_c4_fails_c5_because_one_poor_village_fails() {
    let s = standard();
    let r = json(
        &s,
        &[
            "check", "counties", "--period", "2019-03", "--format", "json",
        ],
    );
    assert_eq!(r["level"], "county");
    let z = region(&r, ZHANGWU);
    assert_eq!(z["verdict"], "fail");
    // C1: poor people 5 + 5 + 2 + 2 = 14 of a county population of 5,000 = 0.28%.
    let c1 = criterion(z, "C1");
    assert_eq!(c1["status"], "pass");
    assert!(close(num(&c1["value"]), 0.28));
    assert_eq!(criterion(z, "C2")["value"], 1.2);
    assert_eq!(criterion(z, "C4")["threshold"], 90.0);
    for no in ["C1", "C2", "C3", "C4", "C6"] {
        assert_eq!(criterion(z, no)["status"], "pass", "{no}");
    }
    // C5: poor villages 三家子村 (pass), 乙村 (fail), 丙村 (undetermined): 1 of 3, at best 2 of 3.
    let c5 = criterion(z, "C5");
    assert_eq!(c5["status"], "fail");
    assert!(close(num(&c5["value"]), 100.0 / 3.0));
    let src = c5["source"].as_str().unwrap();
    assert!(src.contains("乙村 210922-T01-V02"), "{src}");
    assert!(src.contains("丙村 210922-T02-V01"), "{src}");
    assert!(!src.contains("丁村"), "{src}");
    // C6: 8.6 against the province's 7.9, which is the threshold.
    let c6 = criterion(z, "C6");
    assert_eq!(c6["threshold"], 7.9);
    assert_eq!(c6["operator"], ">");
    assert!(c6["source"].as_str().unwrap().contains("全省"));

    // 兴城市 has villages, none of them registered poor: C5 passes vacuously and says so.
    let x = region(&r, "211481");
    let c5 = criterion(x, "C5");
    assert_eq!(c5["status"], "pass");
    assert_eq!(c5["value"], 100.0);
    assert!(c5["source"]
        .as_str()
        .unwrap()
        .contains("没有建档立卡贫困村"));
    assert_eq!(x["verdict"], "undetermined");
}
