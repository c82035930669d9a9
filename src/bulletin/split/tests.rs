//! Masthead variants, page-break rejoining, the distribution block and footer dropped.

use super::*;

fn defaults() -> Defaults {
    Defaults::default()
}

#[test]
fn issue_lines() {
    assert_eq!(
        parse_issue_line("第 24 期（总第 212 期）"),
        Some((24, Some(212)))
    );
    assert_eq!(parse_issue_line("第24期(总第212期)"), Some((24, Some(212))));
    assert_eq!(parse_issue_line("第 5 期"), Some((5, None)));
    assert_eq!(
        parse_issue_line("2019年第5期（总第120期）"),
        Some((5, Some(120)))
    );
    assert_eq!(parse_issue_line("第二十四期"), Some((24, None)));
    assert_eq!(
        parse_issue_line("第24期（总第２１２期）"),
        Some((24, Some(212)))
    );
    assert_eq!(parse_issue_line("第24期培训班"), None);
}

const TWO: &str = "脱贫攻坚快报\n\n第 24 期（总第 212 期）\n\n辽宁省脱贫攻坚领导小组办公室\n\n2019 年 3 月 27 日\n\n全省座谈会在彰武县召开\n\n会议参观了彰武县项目现场；鞍山、锦州市以及岫岩、义县、彰武、朝阳、建昌县作汇报发\n\n言；省民政厅作表态发言。\n\n报送：国务院扶贫开发领导小组办公室\n\n省委常委，副省长\n\n分送：各市扶贫办\n\n辽宁省脱贫攻坚领导小组办公室\n\n024—23448879 lfpzhc@126com\n\n《脱贫攻坚快报》\n第25期(总第213期)\n辽宁省扶贫办    2019-03-28\n省商务厅引领产业发展\n全村 339 户。\n";

#[test]
fn splits_at_mastheads_and_drops_the_distribution_block() {
    let issues = split(TWO, &defaults()).unwrap();
    assert_eq!(issues.len(), 2);
    let a = &issues[0];
    assert_eq!((a.issue_no, a.total_no), (Some(24), Some(212)));
    assert_eq!(a.date, "2019-03-27");
    assert_eq!(a.office, "辽宁省脱贫攻坚领导小组办公室");
    assert_eq!(a.title(), "全省座谈会在彰武县召开");
    // The page break inside 发⏎⏎言 is rejoined; the distribution block and footer are gone.
    assert!(a.text.contains("作汇报发言；省民政厅"), "{}", a.text);
    assert!(!a.text.contains("报送"));
    assert!(!a.text.contains("23448879"));
    assert!(!a.text.contains("副省长"));
    let b = &issues[1];
    assert_eq!((b.issue_no, b.total_no), (Some(25), Some(213)));
    assert_eq!(b.date, "2019-03-28");
    assert_eq!(b.office, "辽宁省扶贫办");
    assert_eq!(b.title(), "省商务厅引领产业发展");
    assert_eq!(b.articles[0].paragraphs.len(), 1);
}

#[test]
fn masthead_variants() {
    let text = "脱 贫 攻 坚 快 报\n第24期（总第212期）\n二〇一九年三月二十七日\n辽宁省脱贫攻坚领导小组办公室\n标题在此处\n正文，内容。\n";
    let i = &split(text, &defaults()).unwrap()[0];
    assert_eq!(i.date, "2019-03-27");
    assert_eq!(i.office, "辽宁省脱贫攻坚领导小组办公室");
    assert_eq!(i.issue_no, Some(24));
    let text = "扶贫简报\n第 3 期\n某某县扶贫开发领导小组办公室 2020年5月6日\n正文，内容。\n";
    let i = &split(text, &defaults()).unwrap()[0];
    assert_eq!((i.issue_no, i.total_no), (Some(3), None));
    assert_eq!(i.date, "2020-05-06");
    assert_eq!(i.office, "某某县扶贫开发领导小组办公室");
}

#[test]
fn no_masthead_needs_date_and_office() {
    let text = "三家子村是省级深度贫困村，全村 339 户。";
    let err = split(text, &defaults()).unwrap_err().to_string();
    assert!(err.contains("--date"), "{err}");
    let d = Defaults {
        date: Some("2019-04-01".into()),
        office: Some("彰武县扶贫办".into()),
    };
    let issues = split(text, &d).unwrap();
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].issue_no, None);
    assert_eq!(issues[0].office, "彰武县扶贫办");
    assert_eq!(issues[0].text, text);
}

#[test]
fn rejoins_broken_prose_but_not_titles() {
    let text = "第 1 期\n2019年3月1日\n标题一行\n资助金额 183 万元，\n资助贫困青少年 1311 名。\n对不負責任、\n造成不良影响的领导干部追责。\n下一个标题\n正文。";
    let i = &split(text, &defaults()).unwrap()[0];
    let paras: Vec<&str> = i.text.lines().collect();
    assert_eq!(
        paras,
        vec![
            "标题一行",
            "资助金额 183 万元，资助贫困青少年 1311 名。",
            "对不負責任、造成不良影响的领导干部追责。",
            "下一个标题",
            "正文。"
        ]
    );
    assert_eq!(i.articles.len(), 2);
    assert_eq!(i.title(), "标题一行；下一个标题");
}

#[test]
fn rejoins_lines_kept_as_on_the_page() {
    let text = "第 1 期\n2019年3月1日\n三家子村互换并地\n三家子村是省级深度贫困村全村三百三十九户一千三百二十八人\n其中建档立卡贫困户一百七十四户三百八十二人耕地面积一万三\n千亩人均耕地九点七九亩耕地分散不利于生产经营通过互换并\n地由原来的每户均九块地互换并地后每户并到一至三块地。\n互换并地后节省生产经营成本转入外出务工的农户二百余人\n其中建档立卡户九十八人建档立卡户流转土地一千八百亩。\n农场种植五十亩山药五十亩苦参八十亩红鲜椒并签订回收单\n保障了建档立卡户年年有收益多干多得实现整村稳定脱贫。\n";
    let i = &split(text, &defaults()).unwrap()[0];
    let paras: Vec<&str> = i.text.lines().collect();
    assert_eq!(paras.len(), 4, "{paras:?}");
    assert_eq!(i.title(), "三家子村互换并地");
    assert!(paras[1].contains("一万三千亩"));
}

#[test]
fn page_numbers_and_contacts_dropped() {
    let text = "第 1 期\n2019年3月1日\n标题\n正文第一段。\n— 2 —\n联系电话：024-23448879\n（责任编辑：张三）\n正文第二段。";
    let i = &split(text, &defaults()).unwrap()[0];
    assert_eq!(i.text, "标题\n正文第一段。\n正文第二段。");
}

#[test]
fn a_title_may_hold_one_colon_but_a_label_is_no_title() {
    let text = "第 1 期\n2019年3月1日\n阜平县：产业扶贫带动群众增收\n正文第一段。\n来源：县扶贫办\n主要做法：\n正文第二段。\n兰西县:一村一品助脱贫\n正文第三段。";
    let i = &split(text, &defaults()).unwrap()[0];
    assert_eq!(
        i.title_texts(),
        vec!["阜平县：产业扶贫带动群众增收", "兰西县:一村一品助脱贫"]
    );
}
