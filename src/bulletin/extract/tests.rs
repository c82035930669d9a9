//! Facts read from short passages: what is a fact, its qualifier, its place.

use crate::bulletin::{extract_text, Defaults, Extraction, Reference};

fn reference() -> &'static Reference {
    static R: std::sync::OnceLock<Reference> = std::sync::OnceLock::new();
    R.get_or_init(|| Reference::embedded().unwrap())
}

fn run(text: &str) -> Extraction {
    let reference = reference();
    let defaults = Defaults {
        date: Some("2019-03-27".into()),
        office: Some("辽宁省脱贫攻坚领导小组办公室".into()),
    };
    extract_text(text, &defaults, reference).unwrap()
}

/// (value, unit, qualifier, place) of every fact.
fn facts(text: &str) -> Vec<(f64, String, &'static str, String)> {
    run(text)
        .proposals
        .into_iter()
        .map(|p| {
            (
                p.value,
                p.unit,
                p.qualifier.code(),
                p.place.unwrap_or_default(),
            )
        })
        .collect()
}

fn one(text: &str) -> (f64, String, &'static str, String) {
    let all = facts(text);
    assert_eq!(all.len(), 1, "{text}: {all:?}");
    all.into_iter().next().unwrap()
}

#[test]
fn qualifiers() {
    assert_eq!(one("转入外出务工的农户 200 余人。").2, "at_least");
    assert_eq!(one("累计资助金额 500 多万元。").2, "at_least");
    assert_eq!(one("间接受益人群超过 10 万人。").2, "at_least");
    assert_eq!(one("间接受益人群 1.2 万人以上。").2, "at_least");
    assert_eq!(one("标准提高到不低于农村低保标准1.3倍。").2, "at_least");
    assert_eq!(one("每个贫困户至少有1个扶贫项目。").2, "at_least");
    assert_eq!(one("可视情况给予不超过2年低保渐退。").2, "at_most");
    assert_eq!(one("培训时间控制在 3 天以内。").2, "at_most");
    assert_eq!(one("预计每亩地多收入800元左右。").2, "about");
    assert_eq!(one("全县约 3.5 万人受益。").2, "about");
    assert_eq!(one("带动近 300 户增收。").2, "about");
    // 低于 states the threshold itself.
    assert_eq!(one("对年人均纯收入低于 5000 元的人口进行排查。").2, "exact");
    // 近三年 is the last three years, not about three.
    assert_eq!(one("近三年累计投入资金。").2, "exact");
    let r = run("每户并到 1 至 3 块地。").proposals;
    assert_eq!((r[0].value, r[0].value_high()), (1.0, Some(3.0)));
    assert_eq!(r[0].qualifier.code(), "range");
}

#[test]
fn values_units_and_rates() {
    assert_eq!(one("全村耕地面积 1.3 万亩。").0, 13000.0);
    assert_eq!(one("年产量215万公斤。").0, 2_150_000.0);
    let f = one("预计每亩地多收入800元左右。");
    assert_eq!((f.0, f.1.as_str()), (800.0, "元/亩"));
    assert_eq!(one("流转土地租金 600元/亩。").1, "元/亩");
    assert_eq!(one("扶持建昌县发展10大特色产业。").1, "个");
    assert_eq!(one("贫困人口减少到 2.15 万。").1, "人");
    let f = one("今后两年脱贫攻坚任务仍然艰巨。");
    assert_eq!((f.0, f.1.as_str()), (2.0, "年"));
    assert_eq!(one("各县区每季度报告一次工作进展。").1, "次");
    assert_eq!(one("65 岁以上老人户。").2, "at_least");
}

#[test]
fn not_facts() {
    for text in [
        "2019 年 3 月 26 日，省政府召开会议。",
        "二〇一九年三月二十七日印发。",
        "市长召开市政府第 30 次常务会。",
        "按照民发〔2018〕23号文件要求。",
        "一是继续提高标准。二、最大限度发挥作用。",
        "联系电话 13912345678，邮箱 lfpzhc@126.com。",
        "推进“111工程”和“e 万行动”。",
        "建设5人制足球场。",
        "落实“两不愁三保障”，推进“五个一批”。",
        "推进五个一批工程，实行一户一策。",
        "确保不落一户、不落一人。",
        "打赢脱贫攻坚战三年行动。",
        "发挥村“两委”和三级书记作用。",
        "老庭沟千亩生态果园。",
        "三家子村是省级深度贫困村。",
        "七里河镇七里河村非洲菊种植小区。",
    ] {
        assert_eq!(facts(text), vec![], "{text}");
    }
}

#[test]
fn places() {
    // The nearest place of the clause, through the hierarchy the text gives.
    let r = run("彰武县章古台镇三家子村互换并地\n三家子村是省级深度贫困村，全村 339 户、1328 人。");
    let p = &r.proposals[0];
    assert_eq!(p.place.as_deref(), Some("三家子村"));
    assert_eq!(p.region.code(), Some("210922-T01-V01"));
    assert_eq!(r.proposals[1].place.as_deref(), Some("三家子村"));
    // A department's figures are its region's; a list of counties is their province.
    assert_eq!(one("省商务厅先后选派 10 名干部到村工作。").3, "辽宁省");
    assert_eq!(
        one("目前我省剩余岫岩县、义县、彰武县、朝阳县和建昌县5个省级贫困县。").3,
        "辽宁省"
    );
    // A place after 到 in a later clause is where they went, not whose they are.
    let r = run("葫芦岛市压实责任\n3月26日，市长带领48人学习考察团，到锦州市义县学习考察。");
    assert_eq!(r.proposals[0].place.as_deref(), Some("葫芦岛市"));
    // The same clause: the nearest place, before or after.
    // Reported as written (本溪县), coded as the table has it (本溪满族自治县).
    let p = &run("本溪市部署工作\n市委书记两次到本溪县调研。").proposals[0];
    assert_eq!(
        (p.place.as_deref(), p.region.code()),
        (Some("本溪县"), Some("210521"))
    );
    // 全市 is the article's city; no place at all is the publisher's.
    assert_eq!(
        one("铁岭市做实社会救助\n全市农村低保标准提高9.7%。").3,
        "铁岭市"
    );
    assert_eq!(one("今后两年任务艰巨。").3, "辽宁省");
    // A place the table lacks: provisional under the place before it.
    let r = run("朝阳县六家子镇蒋家屯村有贫困户 30 户。");
    let p = &r.proposals[0];
    assert_eq!(p.place.as_deref(), Some("蒋家屯村"));
    match &p.region {
        crate::bulletin::RegionMatch::Provisional { parent_code, .. } => {
            assert_eq!(parent_code.as_deref(), Some("211321-T01"))
        }
        other => panic!("{other:?}"),
    }
    // The gazetteer knows cities the table lacks.
    let p = &run("盘锦市委安排 5-10 个岗位。").proposals[0];
    assert_eq!(
        (p.place.as_deref(), p.region.code()),
        (Some("盘锦市"), Some("2111"))
    );
}

#[test]
fn indicators_and_periods() {
    let r =
        run("三家子村互换并地\n其中，建档立卡贫困户 174 户、382 人。2018 年底，174 户稳定脱贫。");
    let codes: Vec<Option<&str>> = r.proposals.iter().map(|p| p.indicator.code()).collect();
    assert_eq!(
        codes[..2],
        [
            Some("registered_poor_households"),
            Some("registered_poor_population")
        ]
    );
    assert_eq!(r.proposals[0].period.unwrap().to_string(), "2019-03");
    assert_eq!(r.proposals[2].period.unwrap().to_string(), "2018-12");
    let r = run("从2019年7月1日起，全市农村低保年平均保障标准将由4350元提高到4770元。");
    let p: Vec<String> = r
        .proposals
        .iter()
        .map(|p| p.period.unwrap().to_string())
        .collect();
    assert_eq!(p, ["2019-06", "2019-07"]);
    assert_eq!(r.proposals[1].indicator.code(), Some("dibao_standard"));
}

#[test]
fn ascii_punctuation() {
    let all = facts("三家子村是省级深度贫困村,全村339户,1328人;其中建档立卡贫困户174户,382人.");
    let values: Vec<f64> = all.iter().map(|f| f.0).collect();
    assert_eq!(values, [339.0, 1328.0, 174.0, 382.0]);
    assert!(all.iter().all(|f| f.3 == "三家子村"), "{all:?}");
}

#[test]
fn probes_of_other_provinces() {
    // A short city name (榆林) followed by 镇 is a township of that name, not the city.
    let f = one("据了解,榆林镇今年共流转土地3.6万亩.");
    assert_eq!((f.0, f.3.as_str()), (36000.0, "榆林镇"));
    // 村级 is an adjective: 新建村 is no village.
    assert_eq!(one("昭觉县新建村级活动室 130 个.").3, "昭觉县");
    let f = one("其中90后干部占比超过三成.");
    assert_eq!((f.0, f.1.as_str(), f.2), (30.0, "%", "at_least"));
    assert_eq!(one("举办技能培训班36期.").1, "期");
    assert_eq!(facts("推进二期工程建设."), vec![]);
    let f = one("县财政按照每户5万-8万元的标准给予补助.");
    assert_eq!((f.0, f.2), (50000.0, "range"));
}

#[test]
fn respectively_and_comparisons() {
    let r = run("建昌县脱贫\n喇嘛洞镇、要路沟乡分别有 12 个、9 个贫困村今年退出。");
    let places: Vec<_> = r
        .proposals
        .iter()
        .map(|p| p.place.clone().unwrap_or_default())
        .collect();
    assert_eq!(places, ["喇嘛洞镇", "要路沟乡"]);
    // The place compared with is not the place of the figure.
    let r = run("建昌县脱贫\n建昌县贫困发生率为 0.46%，比全省平均水平低 0.3 个百分点。");
    assert!(
        r.proposals
            .iter()
            .all(|p| p.place.as_deref() == Some("建昌县")),
        "{:?}",
        r.proposals
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

    /// Any text of the characters the rules look at: no panic, and every proposal's sentence and
    /// span lie inside the issue text.
    #[test]
    fn never_panics(chars in proptest::collection::vec(proptest::sample::select(vec![
        '1', '2', '0', '9', '.', ',', '１', '万', '亿', '千', '百', '十', '一', '两', '三', '〇', '多',
        '余', '至', '-', '—', '~', '%', '％', '个', '户', '人', '元', '亩', '年', '月', '日', '村',
        '镇', '乡', '县', '市', '省', '全', '该', '委', '厅', '《', '》', '“', '”', '〔', '〕', '号',
        '。', '，', '、', '；', '：', ':', '(', ')', '（', '）', ' ', '\n', '第', '期', '总', '报',
        '送', 'e', '@', '彰', '武', '三', '家', '子', '由', '提', '高', '到', '分', '别', '比', '每',
        '约', '近', '以', '上', '下', '左', '右', '不', '超', '过', '成', '大', '起', '底', '从',
    ]), 0..200)) {
        let text: String = chars.into_iter().collect();
        let reference = reference();
        let defaults = Defaults {
            date: Some("2019-03-27".into()),
            office: Some("辽宁省脱贫攻坚领导小组办公室".into()),
        };
        if let Ok(ex) = extract_text(&text, &defaults, reference) {
            for p in &ex.proposals {
                let issue = &ex.issues[p.issue];
                proptest::prop_assert_eq!(&issue.text[p.sentence_span.clone()], p.sentence.as_str());
                proptest::prop_assert!(issue.text.get(p.span.clone()).is_some());
            }
        }
    }
}

#[test]
fn titles_carry_facts() {
    let r = run("我省 1.2 万贫困人口实现稳定脱贫\n全省上下齐心协力。");
    assert_eq!(r.proposals.len(), 1);
    assert_eq!(
        (r.proposals[0].value, r.proposals[0].unit.as_str()),
        (12000.0, "人")
    );
    assert_eq!(r.proposals[0].place.as_deref(), Some("辽宁省"));
}
