//! Unit tests of the second pass over the families of issue 17 (tuned on
//! round 4): each pattern of meaning names its rule and catches sentences
//! that are neither in the development set nor in any round, and its
//! look-alikes stay nothing.

use super::*;

pub(super) fn explain(text: &str) -> Decision {
    PhraseSet::builtin().rules_only().explain(text)
}

#[track_caller]
fn assert_rule(text: &str, intent: Intent, rule: &str) {
    let decision = explain(text);
    assert_eq!(decision.intent(), Some(intent), "{text:?}");
    assert_eq!(decision.rule(), Some(rule), "{text:?}");
}

#[test]
fn symptoms_are_patterns_of_body_part_and_state() {
    let medical = Intent::Urgent(UrgentTopic::Medical);
    for (text, rule) in [
        ("her lips are going blue", "urgent.medical.turned-blue"),
        ("爸爸的脸色发青", "urgent.medical.turned-blue"),
        (
            "he swallowed all my sleeping pills",
            "urgent.medical.overdose",
        ),
        ("外婆吞了一大把降压药", "urgent.medical.overdose"),
        ("奶奶吃年糕噎住了", "urgent.medical.choking"),
        (
            "a chicken bone is stuck in his throat",
            "urgent.medical.choking",
        ),
        (
            "my right leg suddenly went numb",
            "urgent.medical.stroke-signs",
        ),
        ("阿爺突然之間隻腳冇晒力", "urgent.medical.stroke-signs"),
        ("我怎样叫我先生都不醒", "urgent.medical.unconscious"),
        ("佢隻腳一直流血止唔住", "urgent.medical.bleeding"),
    ] {
        assert_rule(text, medical, rule);
    }
}

#[test]
fn scam_stories_are_patterns_of_actor_demand_and_money() {
    let fraud = Intent::Urgent(UrgentTopic::Fraud);
    for (text, rule) in [
        (
            "A lady said keep it secret from the bank and withdraw my pension",
            "urgent.fraud.cash-courier",
        ),
        (
            "They want me to withdraw cash and a courier is coming to collect it",
            "urgent.fraud.cash-courier",
        ),
        ("对方叫我取现金，说会派人来拿", "urgent.fraud.cash-courier"),
        (
            "Someone says my inheritance is on hold until I pay a fee",
            "urgent.fraud.release-fee",
        ),
        (
            "我付了运费领奖品，他们又要我交税",
            "urgent.fraud.release-fee",
        ),
        ("有个陌生人叫我装腾讯会议", "urgent.fraud.demands-payment"),
        (
            "电话里说我孙女被绑了，要三万块",
            "urgent.fraud.relative-in-trouble",
        ),
        (
            "I gave my PIN to the woman who called",
            "urgent.fraud.code-given",
        ),
    ] {
        assert_rule(text, fraud, rule);
    }
    assert_rule(
        "我户头的钱被盗转走了",
        Intent::Urgent(UrgentTopic::StolenMoney),
        "urgent.stolen-money.money-gone",
    );
    // A cash withdrawal the user never made is a charge they did not make.
    assert_rule(
        "There is a cash withdrawal on my statement I never made",
        Intent::Urgent(UrgentTopic::UnauthorizedCharge),
        "urgent.unauthorized-charge.not-mine",
    );
}

#[test]
fn asking_whom_to_turn_to_and_to_be_called_are_requests() {
    for (text, rule) in [
        (
            "The answers are no good, who should I speak to?",
            "person.request",
        ),
        ("这件事可以找谁处理", "person.request"),
        (
            "Could I have a word with somebody, please?",
            "person.request",
        ),
        ("can i talk to some one", "person.request"),
        (
            "Please have someone give me a ring this afternoon",
            "person.contact-me",
        ),
        ("麻烦安排人给我回个电话", "person.contact-me"),
    ] {
        assert_rule(text, Intent::AskPerson, rule);
    }
}

#[test]
fn look_alikes_of_the_second_pass_are_nothing() {
    for text in [
        // figures of speech
        "I'm dying to see my grandchildren at Christmas",
        "The heating bill is killing me",
        "忙得要死，明天再说",
        // family and everyday uses of the scam words
        "My son set up Zoom so we can talk on Sundays",
        "我女儿让我下载腾讯会议跟她视频",
        "Never tell anyone your PIN when you withdraw cash, right?",
        "Can I pay the courier in cash?",
        "I paid the customs charge for my parcel, when does it arrive?",
        // medicine and limbs without an emergency
        "I took my pills this morning, how do I order more?",
        "吃了药以后好多了，谢谢",
        "My tablet suddenly went dark",
        "我的手机屏幕突然没反应",
        "The app is not responding again",
        // the complaint line for someone else
        "帮朋友问一下，投诉电话是多少",
        "Who did you say I talked to?",
    ] {
        assert_eq!(explain(text).intent(), None, "{text:?}");
    }
}

/// The third pass (tuned on rounds 5 and 6): each family the two rounds
/// missed, as a pattern, on sentences in no labelled file.
#[test]
fn third_pass_families_name_their_rules() {
    let fraud = Intent::Urgent(UrgentTopic::Fraud);
    let medical = Intent::Urgent(UrgentTopic::Medical);
    for (text, intent, rule) in [
        // contacted by telephone
        (
            "Would someone telephone me on Monday?",
            Intent::AskPerson,
            "person.contact-me",
        ),
        ("请安排人打我手机", Intent::AskPerson, "person.contact-me"),
        // slips of the request verb
        (
            "can i speek with someone please",
            Intent::AskPerson,
            "person.request",
        ),
        // vouchers and gift cards handed over
        (
            "A lady said to scratch the iTunes cards and send her photos of the codes",
            fraud,
            "urgent.fraud.voucher-codes",
        ),
        (
            "I read the Amazon voucher numbers to the man over the phone",
            fraud,
            "urgent.fraud.voucher-codes",
        ),
        // an arrest threatened unless paid
        (
            "The caller says customs will have me arrested unless I pay the duty",
            fraud,
            "urgent.fraud.arrest-threat",
        ),
        (
            "对方说不交保证金就逮捕我",
            fraud,
            "urgent.fraud.arrest-threat",
        ),
        // family held for money, in Cantonese
        (
            "有人話我老婆畀人扣住，要十萬贖人",
            fraud,
            "urgent.fraud.relative-in-trouble",
        ),
        (
            "佢話我個孫俾差佬拉咗，要我過錢",
            fraud,
            "urgent.fraud.relative-in-trouble",
        ),
        // a chest clutched, or the chest with a sweat
        (
            "Mum is clutching her chest",
            medical,
            "urgent.medical.chest-clutched",
        ),
        (
            "阿爸撳住心口，出晒冷汗",
            medical,
            "urgent.medical.chest-clutched",
        ),
        // a code given to a stranger is still a scam, family or not nearby
        (
            "I told my son about it after I gave the caller my PIN",
            fraud,
            "urgent.fraud.code-given",
        ),
    ] {
        assert_rule(text, intent, rule);
    }
}

#[test]
fn look_alikes_of_the_third_pass_are_nothing() {
    for text in [
        // a code given to family
        "She gave her son the code",
        "I gave the code to my daughter so she can log in for me",
        "我把密码告诉了儿子，他帮我交电费",
        // the family telephones, a call reported
        "My daughter will telephone me tonight",
        // gift cards and arrests in everyday talk
        "Do you sell gift cards at the counter?",
        "The police arrested the burglar next door",
        "我個孫捉迷藏好叻",
        // a chest that is furniture, sweat from the heat
        "I'm holding the chest of drawers steady",
        "It is so hot I am sweating",
    ] {
        assert_eq!(explain(text).intent(), None, "{text:?}");
    }
}

/// Fourth pass (tuned on round 7): stories told only as what happened.
#[test]
fn stories_of_what_happened_name_their_rule() {
    let fraud = Intent::Urgent(UrgentTopic::Fraud);
    for (text, rule) in [
        (
            "the technician took control of my tablet and I opened my banking app for him",
            "urgent.fraud.remote-then-bank",
        ),
        (
            "有人远程控制我手机后让我登录手机银行",
            "urgent.fraud.remote-then-bank",
        ),
        (
            "I keyed in my security code on a link in an email from the post office",
            "urgent.fraud.link-and-password",
        ),
        (
            "我喺微信條連結度輸入咗網銀密碼",
            "urgent.fraud.link-and-password",
        ),
    ] {
        assert_rule(text, fraud, rule);
    }
    for text in [
        "My savings have suddenly gone, I never took them out",
        "我存款唔知点解少咗好多",
    ] {
        assert_rule(
            text,
            Intent::Urgent(UrgentTopic::StolenMoney),
            "urgent.stolen-money.money-gone",
        );
    }
    for text in [
        "My daughter uses TeamViewer to help me with online banking",
        "I forgot my PIN and typed it wrong on the page from your email, how do I reset it",
        "我的银行卡突然找不到了，想挂失",
    ] {
        assert_eq!(explain(text).intent(), None, "{text:?}");
    }
}

/// Fifth pass (tuned on round 8): someone else directing the user's device,
/// banking or card, on sentences in no labelled file.
#[test]
fn someone_else_directing_device_bank_or_card_names_its_rule() {
    let fraud = Intent::Urgent(UrgentTopic::Fraud);
    for (text, rule) in [
        (
            "he got me to download an app and now he controls my laptop",
            "urgent.fraud.stranger-on-device",
        ),
        (
            "有个陌生人叫我安装一个程序，说是帮我查账户",
            "urgent.fraud.stranger-on-device",
        ),
        (
            "they called and walked me through opening my bank app",
            "urgent.fraud.directed-banking",
        ),
        (
            "佢叫我照佢話喺手機銀行度轉數",
            "urgent.fraud.directed-banking",
        ),
        (
            "有人打电话说我开通了会员要取消，叫我去柜员机操作",
            "urgent.fraud.directed-banking",
        ),
    ] {
        assert_rule(text, fraud, rule);
    }
    for text in [
        "我的信用卡被陌生人刷了两次",
        "somebody else used my debit card at a petrol station",
        "我張卡畀人偷用咗",
    ] {
        assert_rule(
            text,
            Intent::Urgent(UrgentTopic::UnauthorizedCharge),
            "urgent.unauthorized-charge.someone-else-used-card",
        );
    }
    for text in [
        "My daughter talked me through the bank app step by step",
        "I changed my own settings by mistake, how do I undo it?",
        "I asked the shop for a refund and they told me to log in to my account",
        "我让儿子远程控制我的电脑帮我装软件",
        "我要取消自动续费的会员",
        "My wife used my credit card at the supermarket",
    ] {
        assert_eq!(explain(text).intent(), None, "{text:?}");
    }
}

/// A negation between the words of an `in_order` match negates it, as one
/// before the first word does; one that is a word of the match does not.
#[test]
fn a_negation_between_the_words_of_a_sequence_negates_it() {
    for text in [
        "我的卡没有被别人用过",
        "我胸口不痛，只是问问",
        "我的钱没有被转走",
    ] {
        let decision = explain(text);
        assert_eq!(decision.intent(), None, "{text:?}");
        assert!(decision.negated(), "{text:?} should name the negated rule");
    }
    assert_eq!(
        explain("我的钱不见了").intent(),
        Some(Intent::Urgent(UrgentTopic::StolenMoney))
    );
    assert_eq!(
        explain("他没有呼吸了").intent(),
        Some(Intent::Urgent(UrgentTopic::Medical))
    );
}

/// Sixth pass (rounds 9 and 10): each new pattern names its rule on
/// sentences that are in no data file, and its look-alikes stay nothing.
#[test]
fn sixth_pass_patterns_name_their_rules() {
    let fraud = Intent::Urgent(UrgentTopic::Fraud);
    for (text, rule) in [
        (
            "A text from \"my granddaughter\" asked me to send money for her train ticket.",
            "urgent.fraud.relative-in-trouble",
        ),
        (
            "A supposedly official caller from the council wanted my card number.",
            "urgent.fraud.impersonation",
        ),
        (
            "My allowance will be cancelled unless I confirm my online banking password, the caller said.",
            "urgent.fraud.stop-unless-confirmed",
        ),
        ("对方说不告诉他验证码就冻结我的养老金", "urgent.fraud.stop-unless-confirmed"),
        (
            "我照着电话那头的指示去便利店买了礼品卡",
            "urgent.fraud.voucher-codes",
        ),
    ] {
        assert_rule(text, fraud, rule);
    }
    assert_rule(
        "Money keeps disappearing from my pension account.",
        Intent::Urgent(UrgentTopic::StolenMoney),
        "urgent.stolen-money.money-gone",
    );
    for text in ["我張信用卡俾人偷咗", "My credit card has been stolen."] {
        assert_rule(
            text,
            Intent::Urgent(UrgentTopic::UnauthorizedCharge),
            "urgent.unauthorized-charge.credit-card-misused",
        );
    }
    assert_rule(
        "My bank card was stolen.",
        Intent::Urgent(UrgentTopic::StolenMoney),
        "urgent.stolen-money.account-taken-over",
    );
    assert_rule(
        "Could a colleague of yours get in touch with me?",
        Intent::AskPerson,
        "person.contact-me",
    );
    let decision = explain("I need to escalate the problem with my meter.");
    assert_eq!(decision.rule(), Some("person.complaint"));
    assert!(decision.is_complaint());
}

#[test]
fn look_alikes_of_the_sixth_pass_are_nothing() {
    for text in [
        "我女婿是你们的工作人员",
        "My nephew works as an agent for you.",
        "客服热线是多少",
        "What's the number for your helpdesk?",
        "I watched \"the police\" on TV last night.",
        "He said \"the bank is closed\" today.",
        "Why has my pension stopped?",
        "I bought a gift card for my niece's birthday.",
        "I'm not short of breath at all.",
        "我呼吸没有困难",
        "Money leaves my account each month for the rent.",
        "如果信用卡被盗刷怎么办",
    ] {
        assert_eq!(explain(text).intent(), None, "{text:?}");
    }
}

/// A quoted name is read as a so-called one; quoted speech is not.
#[test]
fn a_quoted_name_reads_as_so_called_and_quoted_speech_does_not() {
    let phrases = PhraseSet::builtin().rules_only();
    assert_eq!(
        phrases.normalize("a message from \u{201C}my son\u{201D} today"),
        "a message from so called my son today"
    );
    assert_eq!(
        phrases.normalize("a \"delivery company\" texted"),
        "a so called delivery company texted"
    );
    assert_eq!(
        phrases.normalize("he said \"the bank is closed\""),
        "he said the bank is closed"
    );
    assert_eq!(phrases.normalize("\"hello there\""), "hello there");
    assert_eq!(phrases.normalize("我儿子说\"你好\""), "我儿子说你好");
}

/// `exclude_gap` widens `exclude_in_order` without widening `in_order`.
#[test]
fn exclude_gap_is_the_gap_of_excluded_sequences_only() {
    let extra = |gap: &str| {
        PhraseSet::with_extra(&format!(
            "[[rule]]\nname = \"person.test-exclude-gap\"\nintent = \"person\"\n\
             in_order = [[\"wombat\", \"please\"]]\ngap = 0\n\
             exclude_in_order = [[\"zebra\", \"wombat\"]]\n{gap}\n"
        ))
        .unwrap()
    };
    let text = "zebra one two wombat please";
    let narrow = extra("");
    assert_eq!(narrow.explain(text).rule(), Some("person.test-exclude-gap"));
    let wide = extra("exclude_gap = 3");
    assert_eq!(wide.explain(text).intent(), None);
    assert_eq!(
        wide.explain("wombat please").rule(),
        Some("person.test-exclude-gap")
    );
}

/// Seventh pass (round 11): transfer verbs with a person as their object,
/// statements about staff, and Cantonese tellings of a link and typed
/// credentials; none of these sentences is in the development set.
#[test]
fn seventh_pass_families_name_their_rules_and_statements_about_staff_ask_nothing() {
    let fraud = Intent::Urgent(UrgentTopic::Fraud);
    for (text, intent, rule) in [
        (
            "could I be passed on to one of your colleagues",
            Intent::AskPerson,
            "person.request",
        ),
        (
            "I would like to be handed over to a member of staff",
            Intent::AskPerson,
            "person.request",
        ),
        (
            "我想被转接到工作人员那里",
            Intent::AskPerson,
            "person.request",
        ),
        ("客服人員", Intent::AskPerson, "person.request"),
        (
            "我撳咗條link，打咗個密碼落去",
            fraud,
            "urgent.fraud.link-and-password",
        ),
        (
            "我按咗短訊條連結，填咗張卡嘅號碼落去",
            fraud,
            "urgent.fraud.link-and-password",
        ),
        (
            "我点了邮件里的链接，把卡号填进去了",
            fraud,
            "urgent.fraud.link-and-password",
        ),
    ] {
        assert_rule(text, intent, rule);
    }
    for text in [
        "你們的客服人員態度非常好",
        "你哋啲客服人員都好有耐心",
        "上次嗰個接線生好客氣",
        "the agent I spoke with was very polite",
        "I was put through to someone yesterday",
    ] {
        assert_eq!(explain(text).intent(), None, "{text:?}");
    }
}

/// Session 10: a story of long ago is over in its own clause without a
/// recovery, and never when the clause says now, when the story goes on, or
/// when the rule also holds in another clause.
#[test]
fn a_story_of_long_ago_is_over_only_in_its_own_clause() {
    for text in [
        "Years ago someone stole my purse on the bus, so now I keep it zipped.",
        "我姐姐幾年前被詐騙集團騙過，現在很怕接陌生電話。",
        "旧年有人偷咗我个银包",
        // Someone else's story of a past time.
        "鄰居上個月被騙了十萬，好可憐，我要怎麼提醒我媽？",
        "My neighbour was scammed last week, poor thing.",
    ] {
        let decision = explain(text);
        assert_eq!(decision.intent(), None, "{text:?}: {decision:?}");
        assert!(decision.over(), "{text:?}: {decision:?}");
    }
    for (text, topic) in [
        (
            "Someone stole my purse on the bus",
            UrgentTopic::StolenMoney,
        ),
        ("我姐姐被詐騙集團騙了", UrgentTopic::Fraud),
        // Someone else's, but now.
        ("我邻居现在被骗子缠住了，要她转账", UrgentTopic::Fraud),
        (
            "My neighbour was scammed and the man is there right now",
            UrgentTopic::Fraud,
        ),
        // The clause with "years ago" says now.
        (
            "I opened this account years ago and now there's money gone from it",
            UrgentTopic::StolenMoney,
        ),
        // It goes on: "again".
        (
            "Years ago I was scammed, and it happened again today, they took my code",
            UrgentTopic::Fraud,
        ),
        (
            "几年前我被骗过，刚才又有人打电话叫我转账到安全账户",
            UrgentTopic::Fraud,
        ),
        // The rule holds in a clause of its own, not of long ago.
        (
            "Years ago, my purse was stolen. Someone stole my card today and used it.",
            UrgentTopic::StolenMoney,
        ),
    ] {
        assert_eq!(
            explain(text).intent(),
            Some(Intent::Urgent(topic)),
            "{text:?}"
        );
    }
}

/// Session 10: a complaint put right since, a count of people, a near miss
/// and a hypothetical ask nothing; a complaint not put right still asks.
#[test]
fn settled_complaints_counts_near_misses_and_hypotheticals_ask_nothing() {
    for text in [
        "My complaint about the leaky roof was dealt with quickly. Lovely job.",
        "我舊年投訴過個護理員，之後換咗人，好咗好多。",
        "大概三十来个人。",
        "我阿姐話佢上個月差啲俾人呃，最後冇畀錢，已經報咗警。",
        "What should I do if someone rings claiming to be from the police?",
        "銀行真的會叫人把錢轉到安全帳戶嗎？我只是問問。",
    ] {
        assert_eq!(explain(text).intent(), None, "{text:?}");
    }
    for text in ["我投訴過個護理員，到而家都冇改善", "派个人来看看我的热水器"]
    {
        assert_eq!(explain(text).intent(), Some(Intent::AskPerson), "{text:?}");
    }
}

/// Session 10: someone asked to ring the home phone or come to the house,
/// far from the asking word, asks for a person; a visit or call told, a
/// parcel fetched or a question about the staff does not.
#[test]
fn a_call_to_the_home_phone_or_a_visit_asked_of_a_role_asks_for_a_person() {
    for text in [
        "請電力公司的人打我家市話，我不會用手機。",
        "唔該叫管理處嘅姑娘打電話畀我，打屋企電話。",
        "可以请居委会的社工来家里一趟吗？",
        "Could the chap from the water board give me a tinkle on the landline?",
    ] {
        assert_rule(text, Intent::AskPerson, "person.call-or-visit-home");
    }
    for text in [
        "能不能上门来取件？",
        "可以請郵差到我家來收嗎？",
        "你們的維修人員來家裡會戴識別證嗎？",
        "昨天你们的人已经来我家看过了",
        "The engineer can come round on Tuesday, that's fine.",
    ] {
        assert_eq!(explain(text).intent(), None, "{text:?}");
    }
}
