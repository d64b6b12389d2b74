//! Reaching a person in the real app: the button and its cancel, a typed
//! request, an urgent topic, and leaving a message when nobody is available.

use warmline_e2e::transcript::wait_for_message;
use warmline_e2e::App;

fn launch(extra: &[(&str, &str)]) -> App {
    let mut env = vec![
        ("WARMLINE_LOCALE", "en-US"),
        ("WARMLINE_DEMO_REPLY_DELAY_MS", "200"),
        // Slow enough that "queued" is seen and cancel can happen first.
        ("WARMLINE_DEMO_QUEUE_STEP_MS", "4000"),
    ];
    env.extend_from_slice(extra);
    let app = App::launch(&env);
    app.wait_for("#person-button");
    app.wait_for_attribute("data-connection", "online");
    app
}

fn send(app: &App, text: &str) {
    let input = app.wait_for("#composer-input");
    app.driver.send_keys(&input, text).unwrap();
    app.driver.click(&app.wait_for("#send-button")).unwrap();
}

#[test]
fn the_button_asks_at_once_and_cancel_withdraws_the_request() {
    let app = launch(&[]);
    app.driver.click(&app.wait_for("#person-button")).unwrap();
    app.wait_for_attribute("data-handoff-state", "queued");
    wait_for_message(&app, "system", "You asked to talk to a person");
    let cancel = app.wait_for("#person-cancel-button");
    app.driver.click(&cancel).unwrap();
    app.wait_for_attribute("data-handoff-state", "none");
    wait_for_message(&app, "system", "You cancelled the request");
    // The person button is still there for the next time.
    let person = app.wait_for("#person-button");
    assert!(app
        .driver
        .text(&person)
        .unwrap()
        .contains("Talk to a person"));
}

#[test]
fn typing_a_request_for_a_person_is_as_good_as_the_button() {
    let app = launch(&[]);
    send(&app, "转人工！！");
    app.wait_for_attribute("data-handoff-state", "queued");
    wait_for_message(&app, "system", "You asked for a person");
    wait_for_message(&app, "user", "转人工");
    app.screenshot("handoff-typed-request");
}

#[test]
fn an_urgent_topic_goes_to_a_person_first_with_the_summary() {
    let app = launch(&[("WARMLINE_DEMO_QUEUE_STEP_MS", "800")]);
    send(&app, "Someone took money from my account");
    // Money taken is urgent: a person at once, with what to do meanwhile
    // (the notice for money topics, notice-person-requested-money).
    let notice = wait_for_message(&app, "system", "getting you a person right away");
    assert!(notice.contains("back of your card"), "{notice}");
    app.wait_for_attribute("data-handoff-state", "connected");
    // The demo agent's first words quote what the user wrote: the hand-over
    // summary arrived and nobody asks the user to repeat it.
    let greeting = wait_for_message(&app, "agent", "Mei");
    assert!(
        greeting.contains("Someone took money from my account"),
        "{greeting}"
    );
    app.screenshot("handoff-urgent-connected");
}

#[test]
fn after_hours_the_user_leaves_a_call_back_request_and_sees_the_reference() {
    let app = launch(&[("WARMLINE_DEMO_AFTER_HOURS", "1")]);
    app.driver.click(&app.wait_for("#person-button")).unwrap();
    app.wait_for_attribute("data-handoff-state", "unavailable");
    // The form takes the window (issue 9, item 4): the notice is in the
    // status panel above it, not in the transcript behind it.
    app.wait_for_text("#handoff-panel", "the unavailable notice", |t| {
        t.contains("Nobody is available right now")
    });

    let text = app.wait_for("#leave-message-text");
    app.driver
        .send_keys(&text, "My card was swallowed by the cash machine")
        .unwrap();
    app.driver
        .send_keys(&app.wait_for("#callback-phone"), "555 0100")
        .unwrap();
    app.driver
        .send_keys(&app.wait_for("#callback-time"), "tomorrow morning")
        .unwrap();
    app.screenshot("handoff-leave-message-form");
    app.driver
        .click(&app.wait_for("#leave-message-submit"))
        .unwrap();

    app.wait_for_attribute("data-handoff-state", "message-left");
    let confirmation = wait_for_message(&app, "system", "DEMO-");
    assert!(confirmation.contains("555 0100"), "{confirmation}");
    assert!(confirmation.contains("tomorrow morning"), "{confirmation}");
    let status = app.wait_for_text("#handoff-panel", "the reference in the status panel", |t| {
        t.contains("DEMO-")
    });
    assert!(!status.is_empty());
    assert!(
        app.driver.find("#leave-message-form").is_err(),
        "the form is gone once the message is left"
    );
    app.screenshot("handoff-message-left");
}
