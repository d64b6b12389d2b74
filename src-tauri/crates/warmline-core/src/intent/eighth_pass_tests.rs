//! Unit tests of the eighth pass (tuned on round 12): a symptom that is
//! over, and the families that name their new rules. None of these
//! sentences is in a labelled file.

use super::*;

fn explain(text: &str) -> Decision {
    PhraseSet::builtin().rules_only().explain(text)
}

#[test]
fn a_symptom_followed_by_a_recovery_after_a_past_time_is_over_and_names_its_rule() {
    for (text, rule) in [
        (
            "I had a crushing pain in my chest on Monday, the doctor said it was nothing",
            "urgent.medical.chest-pain",
        ),
        (
            "前两天我妈晕倒了，现在已经没事了",
            "urgent.medical.unconscious",
        ),
        ("尋日我跌親，醫生話冇事", "urgent.medical.fall"),
    ] {
        let decision = explain(text);
        assert_eq!(decision.intent(), None, "{text:?}");
        assert!(decision.over(), "{text:?} is over");
        assert!(decision.negated(), "{text:?} asks for nothing");
        assert!(!decision.nothing_matched(), "{text:?} matched a rule");
        assert_eq!(decision.rule(), Some(rule), "{text:?}");
    }
}

#[test]
fn an_ongoing_symptom_is_never_over() {
    let medical = Some(Intent::Urgent(UrgentTopic::Medical));
    for text in [
        // an ongoing word anywhere in the message
        "I had chest pain yesterday, I felt better, but it keeps coming",
        "昨天胸口痛，医生说没事了，可是我现在仍然很痛",
        "琴日心口痛，今日冇事喇，但係又開始痛",
        // the symptom told after the recovery, or its words on both sides
        "yesterday I was fine but now my chest hurts badly",
        "Mum fell this morning, she says she's fine but she hit her head",
        // the recovery negated
        "I had chest pain yesterday and it has not gone away",
        "昨天开始喘不过气，还没好",
        // no past time: a recovery alone says nothing of when
        "I'm fine but my husband has collapsed",
        // thoughts of suicide, an overdose or a poisoning are never over
        "last week I wanted to kill myself, I'm fine now",
        "she took too many of her heart pills this morning but she says she's fine",
        "爷爷今早误食了老鼠药，现在好像没事了",
    ] {
        let decision = explain(text);
        assert_eq!(decision.intent(), medical, "{text:?}");
        assert!(!decision.over(), "{text:?}");
    }
}

/// `over` is a rule's own: the same words with a rule that does not take
/// it stay urgent, so the test can tell the two apart.
#[test]
fn only_rules_marked_over_can_be_over() {
    let extra = r#"
[[rule]]
name = "urgent.medical.gout-attack"
intent = "urgent"
topic = "medical"
phrases = ["gout attack"]
over = true

[[rule]]
name = "urgent.medical.kidney-stone"
intent = "urgent"
topic = "medical"
phrases = ["kidney stone"]
"#;
    let phrases = PhraseSet::with_extra(extra).expect("the extra rules compile");
    let over = phrases.explain("I had a gout attack last week but I'm fine now");
    assert!(over.over());
    assert_eq!(over.rule(), Some("urgent.medical.gout-attack"));
    let not_over = phrases.explain("I had a kidney stone last week but I'm fine now");
    assert_eq!(
        not_over.intent(),
        Some(Intent::Urgent(UrgentTopic::Medical))
    );
    assert_eq!(not_over.rule(), Some("urgent.medical.kidney-stone"));
}

#[test]
fn eighth_pass_families_name_their_rules() {
    let fraud = Intent::Urgent(UrgentTopic::Fraud);
    let charge = Intent::Urgent(UrgentTopic::UnauthorizedCharge);
    for (text, intent, complaint, rule) in [
        (
            "They ripped me off, this needs to go higher up",
            Intent::AskPerson,
            true,
            "person.complaint.grievance-escalated",
        ),
        (
            "你们一直不退钱，我要找你们老板",
            Intent::AskPerson,
            true,
            "person.complaint.grievance-escalated",
        ),
        (
            "網站說我要先付解凍費才能領取獲利",
            fraud,
            false,
            "urgent.fraud.fee-before-payout",
        ),
        (
            "有個女人話幫我撳機，之後戶口啲錢唔見咗",
            fraud,
            false,
            "urgent.fraud.instructed-loss",
        ),
        ("搵個真係嘅人嚟", Intent::AskPerson, false, "person.request"),
        (
            "my statement has a card payment I do not recognise",
            charge,
            false,
            "urgent.unauthorized-charge.not-mine",
        ),
    ] {
        let decision = explain(text);
        assert_eq!(decision.intent(), Some(intent), "{text:?}");
        assert_eq!(decision.is_complaint(), complaint, "{text:?}");
        assert_eq!(decision.rule(), Some(rule), "{text:?}");
    }
    for text in [
        "the escalator in your shop is too fast",
        "I don't want this escalated, you overcharged me but it's fine",
        "我自己选择先付手续费，提前领取理财收益",
    ] {
        assert_eq!(explain(text).intent(), None, "{text:?}");
    }
}
