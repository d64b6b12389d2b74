//! Issue 12 in the real app: a Matrix profile set up as a caregiver would
//! (the password in a real keyring), on a real Synapse homeserver on
//! loopback. The user writes, an agent answers through Synapse and is shown
//! by name; "Talk to a person" puts the notice in the room; an agent writes
//! while the app is closed, and after the restart that message is there
//! once.

use std::time::Duration;

use serde_json::Value;
use warmline_e2e::profile_setup::Caregiver;
use warmline_e2e::transcript::{count_messages, send, wait_for_message};
use warmline_synapse::{SupportSetup, Synapse};

/// A safety net for a busy machine when reading the room back, not a
/// measurement.
const ROOM_WAIT: Duration = Duration::from_secs(120);

const QUESTION: &str = "Hello, my pension payment did not arrive";
const ANSWER: &str = "Hello Anna, I am looking at your payment now.";
const WHILE_CLOSED: &str = "While you were away: the payment is on its way.";
const AFTER: &str = "Are you still there, Anna?";

#[test]
fn a_person_on_synapse_answers_is_asked_for_and_nothing_is_lost_while_the_app_is_closed() {
    let started = std::time::Instant::now();
    let synapse = Synapse::start().expect("a real Synapse (tests/synapse/install-synapse)");
    let setup = SupportSetup::new(&synapse, "e2e").unwrap();
    let [lin, mei] = &setup.agents;
    let room = setup.room.as_str();
    let user = setup.user.user_id().to_owned();
    let from_user = |event: &Value| event["sender"] == user.as_str();
    let env = [("WARMLINE_LOCALE", "en-US")];
    let mut caregiver = Caregiver::new();
    {
        let app = caregiver.set_up_profile(
            &setup.profile(&synapse),
            &[("password", setup.user.password())],
            &env,
        );
        app.wait_for_attribute("data-connection", "online");
        send(&app, QUESTION);
        lin.wait_for_event(room, "the user's message in the room", ROOM_WAIT, |event| {
            from_user(event) && event["content"]["body"] == QUESTION
        });
        mei.send_text(room, ANSWER);
        let answer = wait_for_message(&app, "agent", ANSWER);
        assert!(
            answer.contains("Agent Mei"),
            "labelled with the agent's name: {answer}"
        );

        app.driver.click(&app.wait_for("#person-button")).unwrap();
        let notice = lin.wait_for_event(room, "the request for a person", ROOM_WAIT, |event| {
            from_user(event) && event["content"]["msgtype"] == "m.notice"
        });
        let body = notice["content"]["body"].as_str().unwrap_or_default();
        assert!(
            body.contains(QUESTION),
            "the notice quotes the user: {body}"
        );
        let handoff = lin.wait_for_event(room, "the handoff event", ROOM_WAIT, |event| {
            from_user(event) && event["type"] == "org.warmline.handoff"
        });
        println!("matrix e2e: the agent read the notice: {body:?}");
        println!("matrix e2e: and the event: {}", handoff["content"]);
        app.screenshot("matrix-conversation");
        let leaks = caregiver.files_with_secrets(&app);
        assert!(leaks.is_empty(), "the password is in {leaks:?}");
    } // The app is closed here.

    mei.send_text(room, WHILE_CLOSED);
    let app = caregiver.launch(&env);
    wait_for_message(&app, "agent", WHILE_CLOSED);
    // A message after it shows that the app has read past it; only then
    // is counting meaningful.
    mei.send_text(room, AFTER);
    wait_for_message(&app, "agent", AFTER);
    assert_eq!(count_messages(&app, "agent", WHILE_CLOSED), 1);
    assert_eq!(count_messages(&app, "agent", ANSWER), 1);
    assert_eq!(count_messages(&app, "user", QUESTION), 1);
    // Warmline's own copy of the user's message is the one in the room:
    // once, not resent by the restart.
    let sent = lin
        .message_bodies_from(room, &user)
        .into_iter()
        .filter(|body| body == QUESTION)
        .count();
    assert_eq!(sent, 1, "the user's message in the room");
    app.screenshot("matrix-after-restart");
    println!("matrix e2e took {:?}", started.elapsed());
}
