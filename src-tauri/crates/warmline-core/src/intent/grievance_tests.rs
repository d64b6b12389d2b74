//! Unit tests of session 11's rule changes: a grievance to be taken up or
//! taken further asks for a person; how to complain asked for another day, a
//! grievance let go, and a trick stopped before anything was given ask for
//! nothing. None of these sentences is in the development set or a round.

use super::*;

fn explain(text: &str) -> Decision {
    PhraseSet::builtin().rules_only().explain(text)
}

#[test]
fn a_grievance_to_be_taken_further_or_taken_up_is_a_complaint() {
    for text in [
        "The driver left me standing at the stop in the rain and I'd like it taken further.",
        "Your meter man trampled my roses and I want this taken up with his office.",
        "Three weeks without hot water, and I'd like the matter passed up the line.",
        "I'll have a real person now, thank you, not more buttons.",
        "Kindly hand me across to somebody in the bookings office.",
    ] {
        assert_eq!(explain(text).intent(), Some(Intent::AskPerson), "{text:?}");
    }
    // Negated, it asks nothing.
    for text in [
        "I don't want it taken further, it was a small thing.",
        "There's no need to have this taken up with anyone.",
    ] {
        assert_eq!(explain(text).intent(), None, "{text:?}");
    }
}

#[test]
fn how_to_complain_for_another_day_and_a_grievance_let_go_ask_nothing() {
    for text in [
        "What's the complaints procedure at the surgery, just so I know?",
        "Is there a complaints form, for future reference?",
        "My son says I should complain about the rude porter but I'd rather let it go.",
        "我問下先，如果要投訴個管理員要點樣寫信，未決定投唔投訴。",
    ] {
        assert_eq!(explain(text).intent(), None, "{text:?}");
    }
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
