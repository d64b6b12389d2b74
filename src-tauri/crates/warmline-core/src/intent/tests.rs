use super::data::{fold_pairs, parse};
use super::*;

fn classify(text: &str) -> Option<Intent> {
    PhraseSet::builtin().rules_only().classify(text)
}

const PERSON: Option<Intent> = Some(Intent::AskPerson);

fn urgent(topic: UrgentTopic) -> Option<Intent> {
    Some(Intent::Urgent(topic))
}

// ---- normalization ---------------------------------------------------------

#[test]
fn normalize_folds_full_width_forms_and_the_ideographic_space() {
    assert_eq!(normalize("ＨＵＭＡＮ"), "human");
    assert_eq!(normalize("３１５"), "315");
    assert_eq!(
        normalize("ｔａｌｋ\u{3000}ｔｏ　ａ　ｐｅｒｓｏｎ"),
        "talk to a person"
    );
}

#[test]
fn normalize_lower_cases_and_drops_apostrophes() {
    assert_eq!(normalize("I Don't WANT a Robot"), "i dont want a robot");
    assert_eq!(normalize("I\u{2019}ve been scammed"), "ive been scammed");
}

#[test]
fn normalize_folds_traditional_to_simplified() {
    assert_eq!(normalize("轉人工"), "转人工");
    assert_eq!(normalize("我要投訴"), "我要投诉");
    assert_eq!(normalize("帳戶被盜"), "账户被盗");
    // A variant is folded too, so 帐户 and 账户 (and 帳單) read the same.
    assert_eq!(normalize("帐户"), "账户");
    assert_eq!(normalize("帳單"), "账单");
    assert_eq!(normalize("人工枱"), "人工台");
}

#[test]
fn normalize_strips_ascii_and_cjk_punctuation() {
    assert_eq!(normalize("转人工！！！"), "转人工");
    assert_eq!(normalize("“人工”（客服）【急】…~"), "人工客服急");
    assert_eq!(normalize("human please (now)"), "human please now");
    // Commas and semicolons end a clause, full stops and the like a sentence.
    assert_eq!(normalize("human, please!!! (now)"), "human|please\nnow");
    assert_eq!(normalize("不用了，谢谢。再见"), "不用了|谢谢\n再见");
    assert_eq!(normalize("。，、：；？！"), "");
}

#[test]
fn normalize_removes_spaces_next_to_chinese_only() {
    assert_eq!(normalize("转 人 工"), "转人工");
    assert_eq!(normalize("打 315"), "打315");
    assert_eq!(normalize("  real   person  "), "real person");
    assert_eq!(normalize("我要 human 客服"), "我要human客服");
}

#[test]
fn normalize_collapses_immediate_repetitions() {
    assert_eq!(normalize("人工人工人工"), "人工");
    assert_eq!(normalize("人工，人工！人工"), "人工");
    assert_eq!(normalize("转人工转人工"), "转人工");
    assert_eq!(normalize("human human HUMAN"), "human");
    assert_eq!(normalize("315 315"), "315");
    // A single Chinese character is not a repetition to collapse.
    assert_eq!(normalize("谢谢"), "谢谢");
}

#[test]
fn normalize_handles_empty_and_long_input() {
    assert_eq!(normalize(""), "");
    assert_eq!(normalize("   "), "");
    let long = "人工".repeat(5_000);
    assert_eq!(normalize(&long), "人工");
    let long_text = "my bill is wrong ".repeat(2_000);
    assert_eq!(classify(&long_text), None);
}

#[test]
fn phrase_set_normalize_uses_its_own_variant_table() {
    let set = PhraseSet::with_extra("[variants]\npairs = [\"寔实\"]")
        .unwrap()
        .rules_only();
    assert_eq!(set.normalize("寔在"), "实在");
    assert_eq!(normalize("寔在"), "寔在");
}

// ---- asking for a person ---------------------------------------------------

#[test]
fn short_english_requests_are_requests() {
    for text in [
        "human",
        "Human!!!",
        "ＨＵＭＡＮ",
        "agent",
        "Agent please",
        "operator",
        "Representative.",
        "real person please",
        "human human human",
    ] {
        assert_eq!(classify(text), PERSON, "{text:?}");
    }
}

#[test]
fn english_triggers_after_a_request_frame_are_requests() {
    for text in [
        "I want a human",
        "talk to a person please",
        "can I speak to a real person about my bill",
        "let me speak to someone",
        "Connect me to a representative",
        "Can I talk to one of your agents?",
    ] {
        assert_eq!(classify(text), PERSON, "{text:?}");
    }
}

#[test]
fn english_mentions_are_not_requests() {
    for text in [
        "smooth operator",
        "operator precedence",
        "my agent told me to call",
        "travel agent?",
        "human resources",
        "That was humane",
        "agents of change",
        "a representative sample",
        "I'm not a robot",
        "Can I pay in person?",
        "Are you a real person?",
    ] {
        assert_eq!(classify(text), None, "{text:?}");
    }
}

#[test]
fn each_sentence_gets_the_short_message_test() {
    assert_eq!(classify("No more bots. Person please."), PERSON);
    assert_eq!(classify("Stop!\nOperator"), PERSON);
    // Not at a full stop before a digit, nor at commas or colons.
    assert_eq!(classify("My order is No. 315"), None);
    assert_eq!(classify("订单号：315"), None);
}

#[test]
fn chinese_requests_are_requests() {
    for text in [
        "转人工",
        "轉人工",
        "转 人 工",
        "转人工！！！",
        "人工人工人工",
        "人工？",
        "我要人工",
        "真人客服",
        "有没有人工",
        "给我找个真人",
        "我要投诉",
        "我要投訴",
        "搵真人",
        "我想同真人講",
        "唔該轉人工",
    ] {
        assert_eq!(classify(text), PERSON, "{text:?}");
    }
}

#[test]
fn chinese_look_alikes_are_not_requests() {
    for text in [
        "人工智能是什么",
        "人工智慧",
        "人工费多少钱",
        "工人工资怎么算",
        "我喜欢看真人秀",
        "这个机器人说话跟真人一样",
        "你是真人吗",
        // Cantonese: 人工 also means wages.
        "你哋份人工幾多？",
        "我想加人工",
    ] {
        assert_eq!(classify(text), None, "{text:?}");
    }
}

#[test]
fn three_one_five_is_a_complaint_only_on_its_own_or_with_complaint_words() {
    for text in [
        "315",
        "３１５",
        "315！",
        "打315",
        "我要打 315 投诉",
        "315投诉",
        "12315",
    ] {
        assert_eq!(classify(text), PERSON, "{text:?}");
    }
    for text in [
        "315 Main Street",
        "My address is 315 Main Street",
        "我住在315号",
        "订单号31580",
        "3150",
        "你们看了315晚会吗",
    ] {
        assert_eq!(classify(text), None, "{text:?}");
    }
}

// ---- urgent topics ---------------------------------------------------------

#[test]
fn urgent_topics_are_recognized() {
    use UrgentTopic::*;
    let cases = [
        ("I've been scammed", Fraud),
        ("Is this a scam?", Fraud),
        ("我被骗了", Fraud),
        ("這是詐騙嗎", Fraud),
        ("我俾人呃咗錢", Fraud),
        ("Someone took money from my account", StolenMoney),
        ("My account was hacked", StolenMoney),
        ("我的卡被盗刷了", StolenMoney),
        ("帳戶被盜了", StolenMoney),
        ("我的钱被转走了", StolenMoney),
        (
            "There is an unauthorized charge on my card",
            UnauthorizedCharge,
        ),
        ("There's a charge I didn't make", UnauthorizedCharge),
        ("我没买过东西，为什么扣我钱", UnauthorizedCharge),
        ("chest pain", Medical),
        ("I can't breathe", Medical),
        ("Ambulance!", Medical),
        ("call an ambulance", Medical),
        ("急救", Medical),
        ("我喘不過氣", Medical),
        ("我阿媽暈低咗", Medical),
    ];
    for (text, topic) in cases {
        assert_eq!(classify(text), urgent(topic), "{text:?}");
    }
}

#[test]
fn urgent_wins_over_asking_for_a_person() {
    assert_eq!(
        classify("I've been scammed, let me talk to a human"),
        urgent(UrgentTopic::Fraud)
    );
    assert_eq!(classify("我被骗了，我要转人工"), urgent(UrgentTopic::Fraud));
    assert_eq!(
        classify("我的帳號被盜，請轉真人"),
        urgent(UrgentTopic::StolenMoney)
    );
}

#[test]
fn a_medical_emergency_is_checked_first() {
    assert_eq!(
        classify("I was scammed and now I have chest pain"),
        urgent(UrgentTopic::Medical)
    );
}

#[test]
fn urgent_words_in_harmless_contexts_are_not_urgent() {
    for text in [
        "I almost had a heart attack when I saw this bill",
        "Does my plan cover ambulance costs?",
        "What is your anti-fraud policy?",
        "我想了解防诈骗知识",
        "急救箱在哪里买",
        "我爸爸有心脏病史，能买这个保险吗",
        "我没买过你们的保险，想了解一下",
        "Do you sell shrimp scampi?",
    ] {
        assert_eq!(classify(text), None, "{text:?}");
    }
}

#[test]
fn nothing_to_classify_is_none() {
    assert_eq!(classify(""), None);
    assert_eq!(classify("！！！？？"), None);
    assert_eq!(classify("How do I reset my password?"), None);
}

// ---- the intent type -------------------------------------------------------

#[test]
fn intents_map_to_handoff_reasons() {
    assert_eq!(Intent::AskPerson.handoff_reason(), HandoffReason::UserAsked);
    assert_eq!(
        Intent::Urgent(UrgentTopic::Medical).handoff_reason(),
        HandoffReason::Urgent
    );
}

#[test]
fn intents_serialize_in_camel_case() {
    assert_eq!(
        serde_json::to_value(Intent::AskPerson).unwrap(),
        serde_json::json!({ "kind": "askPerson" })
    );
    assert_eq!(
        serde_json::to_value(Intent::Urgent(UrgentTopic::StolenMoney)).unwrap(),
        serde_json::json!({ "kind": "urgent", "topic": "stolenMoney" })
    );
    let back: Intent = serde_json::from_value(
        serde_json::json!({ "kind": "urgent", "topic": "unauthorizedCharge" }),
    )
    .unwrap();
    assert_eq!(back, Intent::Urgent(UrgentTopic::UnauthorizedCharge));
}

#[test]
fn every_topic_is_checked() {
    let set = PhraseSet::builtin().rules_only();
    for topic in UrgentTopic::CHECK_ORDER {
        assert!(set
            .rules
            .iter()
            .any(|rule| rule.outcome == Outcome::Urgent(topic)));
    }
}

// ---- the data file and extra data -------------------------------------------

#[test]
fn builtin_data_is_clean() {
    let data = parse(BUILTIN_PHRASES_TOML).unwrap();
    let fold = fold_pairs(BUILTIN_PHRASES_TOML, &data.variants.pairs).unwrap();
    for (from, to) in &fold {
        assert_ne!(from, to, "{from} maps to itself");
        assert!(
            !fold.contains_key(to),
            "{from}→{to}, but {to} is mapped again"
        );
        // The script conversion runs first: a variant it already converts
        // would never be seen here.
        assert_eq!(
            crate::script::to_simplified(&from.to_string()),
            from.to_string(),
            "{from} is converted before the variant table is used"
        );
    }
    assert_eq!(
        fold.len(),
        data.variants.pairs.len(),
        "a pair is listed twice"
    );
    assert!(data.matching.max_gap.is_some());
}

#[test]
fn extra_phrases_are_added_to_the_builtin_ones() {
    let extra = r#"
[concepts]
person_target = ["clerk"]

[[rule]]
name = "person.operator-lady"
intent = "person"
phrases = ["接线小姐"]

[[rule]]
name = "urgent.medical.first-aid-kit"
intent = "urgent"
topic = "medical"
phrases = ["first aid kit"]
"#;
    let set = PhraseSet::with_extra(extra).unwrap().rules_only();
    assert_eq!(set.classify("我想找接線小姐"), PERSON);
    assert_eq!(set.classify("clerk please"), PERSON);
    assert_eq!(set.classify("talk to a clerk"), PERSON);
    assert_eq!(set.classify("the clerk was nice"), None);
    // The built-in phrases are still there...
    assert_eq!(set.classify("转人工"), PERSON);
    assert_eq!(set.classify("chest pain"), urgent(UrgentTopic::Medical));
    // An extra rule is named in the decision.
    assert_eq!(
        set.explain("Where is the first aid kit?").rule(),
        Some("urgent.medical.first-aid-kit")
    );
    // The built-in set is unchanged.
    assert_eq!(classify("clerk please"), None);
    assert_eq!(classify("first aid kit"), None);
}

#[test]
fn an_excluded_sequence_takes_its_words_out_and_leaves_the_rest() {
    let extra = r#"
[[rule]]
name = "urgent.fraud.lent-the-key"
intent = "urgent"
topic = "fraud"
all_of = [["lent", "key", "stranger"]]
exclude_in_order = [["lent", "@family"]]
"#;
    let set = PhraseSet::with_extra(extra).unwrap().rules_only();
    let rule = |text: &str| set.explain(text).rule().map(str::to_owned);
    let lent = Some("urgent.fraud.lent-the-key".to_owned());
    assert_eq!(rule("I lent the key to a stranger"), lent);
    // "lent my son" is taken out, so nothing is lent to the stranger...
    assert_eq!(rule("A stranger saw I lent my son the key"), None);
    // ...but another lending still counts, and the sequence keeps its gap.
    assert_eq!(
        rule("I lent my son the car and lent the key to a stranger"),
        lent
    );
    assert_eq!(
        rule("I lent the spare front door key to a stranger, not my son"),
        lent
    );
}

#[test]
fn extra_variants_and_max_gap_apply() {
    let set = PhraseSet::with_extra("[matching]\nmax_gap = 0\n[variants]\npairs = [\"寔真\"]")
        .unwrap()
        .rules_only();
    assert_eq!(set.classify("搵寔人"), PERSON);
    assert_eq!(PhraseSet::builtin().rules_only().classify("搵寔人"), None);
    let long = "can I talk to a human about my bill";
    assert_eq!(PhraseSet::builtin().rules_only().classify(long), PERSON);
    assert_eq!(set.classify(long), None, "no gap words allowed");
    assert_eq!(set.classify("can I talk to human about my bill"), PERSON);
}

#[test]
fn an_empty_extra_file_is_the_builtin_set() {
    let set = PhraseSet::with_extra("").unwrap().rules_only();
    assert_eq!(set.classify("转人工"), PERSON);
    assert_eq!(
        set.shared.max_gap,
        PhraseSet::builtin().rules_only().shared.max_gap
    );
}

#[test]
fn syntax_errors_carry_their_line() {
    let err = PhraseSet::with_extra("[person]\nphrases = [\"a\",\n  oops]\n").unwrap_err();
    let PhraseSetError::Syntax { line, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(*line, 3);
    assert!(err.to_string().contains("line 3"), "{err}");
}

#[test]
fn unknown_keys_are_errors() {
    let err = PhraseSet::with_extra("[negation]\n\nbefor = [\"a\"]\n").unwrap_err();
    assert!(
        matches!(err, PhraseSetError::Syntax { line: 3, .. }),
        "{err:?}"
    );
    let err =
        PhraseSet::with_extra("[[rule]]\nname = \"x\"\nintent = \"urgent\"\ntopic = \"flood\"\n")
            .unwrap_err();
    assert!(matches!(err, PhraseSetError::Syntax { .. }), "{err:?}");
}

#[test]
fn bad_variant_pairs_are_errors() {
    let err = PhraseSet::with_extra("[variants]\npairs = [\n\"轉转\",\n\"轉\"]").unwrap_err();
    assert_eq!(
        err,
        PhraseSetError::BadPair {
            line: 4,
            entry: "轉".into()
        }
    );
    let err = PhraseSet::with_extra("[variants]\npairs = [\"妳你\",\n\"妳尔\"]").unwrap_err();
    assert_eq!(
        err,
        PhraseSetError::ConflictingPair {
            line: 3,
            entry: "妳尔".into(),
            character: '妳',
            first_line: 2
        }
    );
}

#[test]
fn phrases_that_normalize_to_nothing_are_errors() {
    let rule = "[[rule]]\nname = \"x\"\nintent = \"person\"\n";
    let err = PhraseSet::with_extra(&format!("{rule}\nphrases = [\"ok\", \"!!!\"]")).unwrap_err();
    assert_eq!(
        err,
        PhraseSetError::EmptyPhrase {
            line: 5,
            phrase: "!!!".into()
        }
    );
    let err = PhraseSet::with_extra(&format!("{rule}all_of = [[]]")).unwrap_err();
    assert_eq!(err, PhraseSetError::EmptyGroup { line: 4 });
}

#[test]
fn rules_must_be_well_formed() {
    let err = PhraseSet::with_extra("[[rule]]\nname = \"x\"\nintent = \"urgent\"\n").unwrap_err();
    assert_eq!(
        err,
        PhraseSetError::BadRule {
            line: 1,
            name: "x".into()
        }
    );
    let err = PhraseSet::with_extra("[[rule]]\nname = \"person.request\"\nintent = \"person\"\n")
        .unwrap_err();
    assert_eq!(
        err,
        PhraseSetError::DuplicateRule {
            line: 1,
            name: "person.request".into()
        }
    );
    let err = PhraseSet::with_extra(
        "[[rule]]\nname = \"x\"\nintent = \"person\"\nphrases = [\"@no_such_thing\"]\n",
    )
    .unwrap_err();
    assert_eq!(
        err,
        PhraseSetError::UnknownConcept {
            line: 4,
            name: "no_such_thing".into()
        }
    );
    let err = PhraseSet::with_extra("[concepts]\nloop = [\"@loop\"]\n[[rule]]\nname = \"x\"\nintent = \"person\"\nphrases = [\"@loop\"]\n")
        .unwrap_err();
    assert!(
        matches!(err, PhraseSetError::ConceptTooDeep { .. }),
        "{err:?}"
    );
    let err = PhraseSet::with_extra("[spoken]\npairs = [[\"only one\"]]\n").unwrap_err();
    assert_eq!(err, PhraseSetError::BadSpokenForm { line: 2 });
}

// ---- negation, families, speech, explanations ---------------------------------

#[test]
fn a_negated_request_asks_for_nothing_in_every_language() {
    for text in [
        "I don't need a person, thanks",
        "No need to transfer me to an agent",
        "Please do not connect me to a human",
        "不用转人工了，谢谢",
        "我不需要人工客服",
        "别给我转人工",
        "不用幫我轉真人",
        "唔使搵真人喇",
        "转人工就不用了",
        "我没有被骗，只是问一下",
    ] {
        let decision = PhraseSet::builtin().rules_only().explain(text);
        assert_eq!(decision.intent(), None, "{text:?}");
        assert!(decision.negated(), "{text:?} should name the negated rule");
        assert!(decision.rule().is_some(), "{text:?}");
    }
}

#[test]
fn a_negation_that_is_part_of_the_request_still_asks() {
    for text in [
        "I don't want a robot",
        "Not a bot, a person please",
        "no i want a person",
        "我不要机器人，我要人工",
        "唔要機械人，我要真人",
        "我不知道怎么转人工",
        "我找不到转人工的按钮",
        "I can't reach a person",
    ] {
        assert_eq!(classify(text), PERSON, "{text:?}");
    }
    // A negation ends at the clause and at a new request.
    assert_eq!(classify("不要等了转人工"), PERSON);
    // Part of an urgent phrase is no negation either.
    assert_eq!(classify("I can't breathe"), urgent(UrgentTopic::Medical));
    assert_eq!(
        classify("There's a charge I didn't make"),
        urgent(UrgentTopic::UnauthorizedCharge)
    );
}

#[test]
fn families_are_patterns_of_meaning_not_sentences() {
    use UrgentTopic::*;
    let cases = [
        // actor + demand + money or a secret
        (
            "My granddaughter rang, she was arrested and needs money wired today",
            Fraud,
            "urgent.fraud.relative-in-trouble",
        ),
        (
            "有人打电话让我把验证码念给他",
            Fraud,
            "urgent.fraud.code-given",
        ),
        (
            "I tapped a link in an email and entered my PIN",
            Fraud,
            "urgent.fraud.link-and-password",
        ),
        (
            "他们说要把钱转到安全账户",
            Fraud,
            "urgent.fraud.safe-account",
        ),
        // symptom + body part
        ("my chest is so tight", Medical, "urgent.medical.chest-pain"),
        ("胸口好闷好痛", Medical, "urgent.medical.chest-pain"),
        (
            "she can hardly breathe",
            Medical,
            "urgent.medical.breathing",
        ),
        // money gone from a place
        (
            "all the savings in my account are gone",
            StolenMoney,
            "urgent.stolen-money.money-gone",
        ),
    ];
    for (text, topic, rule) in cases {
        let decision = PhraseSet::builtin().rules_only().explain(text);
        assert_eq!(decision.intent(), urgent(topic), "{text:?}");
        assert_eq!(decision.rule(), Some(rule), "{text:?}");
    }
    let complaint = PhraseSet::builtin().rules_only().explain("我要投诉你们");
    assert!(complaint.is_complaint());
    assert_eq!(complaint.handoff_reason(), Some(HandoffReason::Complaint));
    assert_eq!(
        PhraseSet::builtin()
            .rules_only()
            .explain("转人工")
            .handoff_reason(),
        Some(HandoffReason::UserAsked)
    );
}

#[test]
fn look_alikes_of_the_families_are_nothing() {
    for text in [
        "How can I avoid phone scams?",
        "I didn't get the verification code, can you resend it?",
        "I want to send money to my grandson for his birthday",
        "我想给我孙子转点钱",
        "I had chest pain last year, can I get my records?",
        "What is the interest rate on a savings account?",
        "My daughter will call me tonight",
        "人工客服的工作时间是几点",
        "我上次投诉已经处理好了，谢谢",
        "I'm not complaining, just asking",
    ] {
        assert_eq!(classify(text), None, "{text:?}");
    }
}

#[test]
fn speech_recognition_slips_are_read_as_meant() {
    // Homophones of key Chinese words, one-letter slips of key Latin words,
    // listed slips, repeats and no punctuation.
    assert_eq!(normalize("转人共"), "转人工");
    assert_eq!(normalize("i need a humon"), "i need a human");
    assert_eq!(normalize("get me an agnet"), "get me an agent");
    assert_eq!(normalize("my chess hurts"), "my chest hurts");
    assert_eq!(classify("转人共"), PERSON);
    assert_eq!(classify("i need a humon"), PERSON);
    assert_eq!(
        classify("我老伴晕到了怎么叫都不醒"),
        urgent(UrgentTopic::Medical)
    );
    // A possessive or plural is another word, not a slip.
    assert_eq!(normalize("someone's phone"), "someones phone");
    assert_eq!(
        classify("I need someone's phone number from my contacts"),
        None
    );
    // Common words are not bent into triggers.
    assert_eq!(normalize("I need stuff"), "i need stuff");
    assert_eq!(classify("我要克服困难"), None);
}

#[test]
fn every_rule_has_a_name_that_says_its_class() {
    let set = PhraseSet::builtin().rules_only();
    for rule in &set.rules {
        let prefix = match rule.outcome {
            Outcome::Person(_) => "person.",
            Outcome::Urgent(_) => "urgent.",
        };
        assert!(rule.name.starts_with(prefix), "{}", rule.name);
    }
    // Urgent rules are tried first.
    let first_person = set
        .rules
        .iter()
        .position(|r| matches!(r.outcome, Outcome::Person(_)))
        .unwrap();
    assert!(set.rules[first_person..]
        .iter()
        .all(|r| matches!(r.outcome, Outcome::Person(_))));
}

#[test]
fn labelled_files_are_read_and_bad_lines_named() {
    use super::eval::{parse_labelled, Class};
    let rows = parse_labelled(
        "# comment\nurgent:fraud\ten\tscam-story\tI was scammed\nperson\tyue\t轉人工\n",
    )
    .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].class, Class::Urgent);
    assert_eq!(rows[0].topic, Some(UrgentTopic::Fraud));
    assert_eq!(rows[0].family, "scam-story");
    assert_eq!(rows[1].family, "-");
    assert_eq!(rows[1].line, 3);
    for (bad, line) in [
        ("urgent:flood\ten\tx\ty\n", 1),
        ("person\tfr\tx\ty\n", 1),
        ("#\nperson\ten\n", 2),
        ("maybe\ten\tx\n", 1),
    ] {
        let error = parse_labelled(bad).unwrap_err();
        assert!(
            error.starts_with(&format!("line {line}:")),
            "{bad:?}: {error}"
        );
    }
}
