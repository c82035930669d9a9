//! The words between a noun and its number, changes and comparisons.

use super::*;

fn of(seg: &str) -> (String, Role) {
    let (n, r, _) = before(seg);
    (n, r)
}

#[test]
fn verbs_adverbs_qualifiers_and_times_stand_between() {
    assert_eq!(of("全县贫困发生率由").0, "贫困发生率");
    assert_eq!(
        of("全县贫困发生率由 2014 年底的"),
        ("贫困发生率".into(), Role::Before)
    );
    assert_eq!(of(" 降至 2019 年底的"), (String::new(), Role::Reached));
    assert_eq!(of("2019 年村集体经济收入达到").0, "村集体经济收入");
    assert_eq!(of("龙泉关镇骆驼湾村现有农户").0, "农户");
    assert_eq!(
        of("力争到年底农村居民人均可支配收入不低于").0,
        "农村居民人均可支配收入"
    );
    assert_eq!(of("全县农村危房改造共完成").0, "农村危房改造");
    assert_eq!(
        phrase("该县将投入3000万元", 0, 15, "元", 25).noun,
        "投入资金"
    );
    assert_eq!(
        phrase("带动贫困户2100户", 0, 15, "户", 22).noun,
        "带动贫困户"
    );
    assert_eq!(
        phrase("带动1.2万户贫困户增收", 0, 6, "户", 15).noun,
        "带动贫困户"
    );
}

#[test]
fn changes_and_comparisons() {
    assert_eq!(
        of("比上年增长约"),
        (String::new(), Role::Change("增长".into()))
    );
    assert_eq!(
        of("人均纯收入比上年增长约"),
        ("人均纯收入".into(), Role::Change("增长".into()))
    );
    assert_eq!(
        of("全县农村低保标准年均提高"),
        ("农村低保标准".into(), Role::Change("提高".into()))
    );
    assert_eq!(
        of("全县贫困发生率比全市平均水平低"),
        (
            "贫困发生率".into(),
            Role::Comparison("比全市平均水平低".into())
        )
    );
    assert_eq!(
        of("高于全省平均水平"),
        (String::new(), Role::Comparison("高于全省平均水平".into()))
    );
    // 占比 is a share, 多 after it no comparison.
    assert_eq!(of("90后干部占比超过").1, Role::Level);
}
