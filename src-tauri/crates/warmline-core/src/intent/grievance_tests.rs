//! Unit tests of session 11's rule changes: a grievance to be taken up or
//! taken further asks for a person; how to complain asked for another day, a
//! grievance let go, and a trick stopped before anything was given ask for
//! nothing. None of these sentences is in the development set or a round.

use super::family_tests::explain;
use super::*;

/// Each of `texts` is read by the rules alone as `intent`.
#[track_caller]
fn assert_each(texts: &[&str], intent: Option<Intent>) {
    for text in texts {
        let decision = explain(text);
        assert_eq!(decision.intent(), intent, "{text:?}: {decision:?}");
    }
}

#[test]
fn a_grievance_to_be_taken_further_or_taken_up_is_a_complaint() {
    assert_each(
        &[
            "The driver left me standing at the stop in the rain and I'd like it taken further.",
            "Your meter man trampled my roses and I want this taken up with his office.",
            "Three weeks without hot water, and I'd like the matter passed up the line.",
            "I'll have a real person now, thank you, not more buttons.",
            "Kindly hand me across to somebody in the bookings office.",
        ],
        Some(Intent::AskPerson),
    );
    // Negated, it asks nothing.
    assert_each(
        &[
            "I don't want it taken further, it was a small thing.",
            "There's no need to have this taken up with anyone.",
        ],
        None,
    );
}

#[test]
fn how_to_complain_for_another_day_and_a_grievance_let_go_ask_nothing() {
    assert_each(
        &[
            "What's the complaints procedure at the surgery, just so I know?",
            "Is there a complaints form, for future reference?",
            "My son says I should complain about the rude porter but I'd rather let it go.",
            "我問下先，如果要投訴個管理員要點樣寫信，未決定投唔投訴。",
        ],
        None,
    );
    // Asked for now, it is still a complaint.
    assert_eq!(
        explain("I want to complain about the rude porter at the hospital.").intent(),
        Some(Intent::AskPerson)
    );
}

#[test]
fn a_trick_stopped_before_anything_was_given_is_over() {
    for text in [
        "A man came to the door last week saying he was from the water board, but I asked for his card and he went off.",
        "Someone rang yesterday pretending to be from the bank, I hung up straight away.",
    ] {
        let decision = explain(text);
        assert_eq!(decision.intent(), None, "{text:?}: {decision:?}");
        assert!(decision.over(), "{text:?}: {decision:?}");
    }
    // Going on now, it is urgent whatever was said before.
    let decision =
        explain("A man at the door says he is from the water board and wants my bank card now.");
    assert_eq!(
        decision.intent(),
        Some(Intent::Urgent(UrgentTopic::Fraud)),
        "{decision:?}"
    );
}

/// Session 11, after rounds 29–31: a negative phrase said twice is not
/// undone by its first saying; words that will not come with a hand that
/// will not hold are a stroke's signs; a warning passed on, a programme
/// shown often and whether a counter is staffed at noon ask for nothing.
#[test]
fn a_negative_said_twice_words_that_will_not_come_and_warnings_passed_on() {
    let charge = explain("A debit to some wine club I never ordered and never heard of.");
    assert_eq!(
        charge.intent(),
        Some(Intent::Urgent(UrgentTopic::UnauthorizedCharge)),
        "{charge:?}"
    );
    // A negation of its own still counts.
    assert_eq!(
        explain("It's not a charge I never made, I remember it now.").intent(),
        None
    );
    let stroke = explain("Her words won't come out and her left hand can't grip the cup.");
    assert_eq!(
        stroke.rule(),
        Some("urgent.medical.stroke-signs"),
        "{stroke:?}"
    );
    assert_eq!(
        explain("I can't hold the phone for long, can you post the form?").intent(),
        None
    );
    assert_each(
        &[
            "我兒子話而家騙子好多，叫我唔好亂接電話。",
            "新聞成日報假冒警察嘅騙案，好得人驚。",
            "請問你們營業廳的櫃台星期六有沒有人在？",
        ],
        None,
    );
    assert_eq!(
        explain("Could you send a chap round to look at the boiler?").intent(),
        Some(Intent::AskPerson)
    );
}

/// Session 11, after rounds 32–34: a call or a letter asked of someone is a
/// request, so that its negation is seen as one ("唔使叫…姑娘打畀我" asks for
/// no one, and the classifier is not asked); "needn't" negates; whether a
/// desk is staffed on a weekday asks nothing; a clock too heavy to move is
/// no one unresponsive.
#[test]
fn a_call_asked_of_someone_and_its_negation() {
    assert_each(
        &[
            "唔該叫屋邨辦事處個姑娘打畀我",
            "麻烦社区中心的小王给我打个电话",
            "请书店的人写封信给我",
        ],
        Some(Intent::AskPerson),
    );
    assert_each(
        &[
            "唔使叫辦事處個姑娘打畀我，我自己搞掂。",
            "别叫店员给我打电话了，我自己看说明书。",
            "You needn't put me through to anybody, that's all I wanted.",
            "請問服務台禮拜三有沒有人？",
        ],
        None,
    );
    let clock = explain("唔該叫師傅上嚟我屋企，個鐘太重我搬唔郁佢。");
    assert_eq!(clock.intent(), Some(Intent::AskPerson), "{clock:?}");
    let fall = explain("我阿爸跌低咗，叫極都唔郁。");
    assert_eq!(
        fall.intent(),
        Some(Intent::Urgent(UrgentTopic::Medical)),
        "{fall:?}"
    );
}

/// Session 11, after rounds 35–37: a feeling now about a story that is over
/// ("it still makes me shudder", 想起來還是很怕) and "long since" tell of
/// nothing going on; a trickster caught ends the story; a programme seen
/// asks nothing; "telephone me" asks to be called, so its negation is seen.
#[test]
fn a_feeling_now_about_a_story_that_is_over_is_no_emergency() {
    assert_each(
        &[
            "Years ago my aunt was conned by a man from the water board, but that was all settled long since.",
            "前幾年我姐姐被假冒警察騙了錢，現在想起來還是很怕。",
            "早幾年我阿哥畀人扮差人呃咗錢，後來捉到個騙徒。",
            "I watched a programme about people being conned over parcel texts.",
        ],
        None,
    );
    // Still going on, it is urgent.
    let decision =
        explain("Years ago I was conned, and the man is still ringing me today for my code.");
    assert_eq!(
        decision.intent(),
        Some(Intent::Urgent(UrgentTopic::Fraud)),
        "{decision:?}"
    );
    assert_eq!(
        explain("Could somebody telephone me this afternoon?").intent(),
        Some(Intent::AskPerson)
    );
    let negated = explain("Please don't have anyone telephone me.");
    assert_eq!(negated.intent(), None, "{negated:?}");
}
