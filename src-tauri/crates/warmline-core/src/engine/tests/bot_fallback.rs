//! A bot Warmline does not control answers a request for a person with its
//! fallback: the transcript says under it that the request still stands.

use super::*;

#[tokio::test(start_paused = true)]
async fn a_fallback_answer_while_waiting_for_a_person_is_followed_by_a_note_that_the_request_stands(
) {
    let (backend, engine) = start_online(Script::default()).await;
    engine.request_person(HandoffReason::Button).await.unwrap();
    eventually(&engine, "requested", |s| {
        s.handoff == HandoffState::Requested
    })
    .await;
    backend
        .say(bot_says("Sorry, I did not understand.", false))
        .await;
    let snapshot = eventually(&engine, "the note", |s| s.messages.len() == 3).await;
    assert_eq!(
        texts(&snapshot),
        [
            "[notice-person-requested]",
            "Sorry, I did not understand.",
            "[notice-person-request-stands]"
        ]
    );
    assert_eq!(
        snapshot.handoff,
        HandoffState::Requested,
        "the request stands"
    );
}

#[tokio::test(start_paused = true)]
async fn an_answer_that_helps_or_a_miss_without_a_request_gets_no_note() {
    let (backend, engine) = start_online(Script::default()).await;
    backend
        .say(bot_says("Sorry, I did not understand.", false))
        .await;
    eventually(&engine, "the miss", |s| s.messages.len() == 1).await;
    engine.request_person(HandoffReason::Button).await.unwrap();
    backend
        .say(bot_says("Your bill is 42 dollars.", true))
        .await;
    let snapshot = eventually(&engine, "both answers", |s| s.messages.len() == 3).await;
    assert_eq!(
        texts(&snapshot),
        [
            "Sorry, I did not understand.",
            "[notice-person-requested]",
            "Your bill is 42 dollars."
        ]
    );
}
