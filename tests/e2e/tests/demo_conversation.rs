//! The real app on the built-in demo backend, in its real webview.

use std::time::Duration;

use warmline_e2e::{wait_until, App};

fn launch() -> App {
    App::launch(&[
        ("WARMLINE_LOCALE", "en-US"),
        ("WARMLINE_DEMO_REPLY_DELAY_MS", "300"),
        ("WARMLINE_DEMO_QUEUE_STEP_MS", "1500"),
    ])
}

/// The texts of the transcript's messages by author kind.
fn messages(app: &App, kind: &str) -> Vec<String> {
    app.driver
        .find_all(&format!("#transcript .message[data-author-kind='{kind}']"))
        .unwrap_or_default()
        .iter()
        .filter_map(|element| app.driver.text(element).ok())
        .collect()
}

#[test]
fn hello_a_bot_reply_then_a_person_from_the_queue() {
    let app = launch();
    let person = app.wait_for("#person-button");
    assert!(
        app.driver
            .text(&person)
            .unwrap()
            .contains("Talk to a person"),
        "the person button is labelled in words"
    );
    app.wait_for_attribute("data-handoff-state", "none");
    // The demo assistant greets first.
    wait_until(Duration::from_secs(60), "the welcome message", || {
        let bots = messages(&app, "bot");
        if bots.iter().any(|t| t.contains("demo assistant")) {
            Ok(Some(()))
        } else {
            Err(format!("{bots:?}"))
        }
    });

    let input = app.wait_for("#composer-input");
    app.driver.send_keys(&input, "hello").unwrap();
    app.driver.click(&app.wait_for("#send-button")).unwrap();
    wait_until(Duration::from_secs(60), "the user's message", || {
        let mine = messages(&app, "user");
        if mine.iter().any(|t| t.contains("hello")) {
            Ok(Some(()))
        } else {
            Err(format!("{mine:?}"))
        }
    });
    let reply = wait_until(Duration::from_secs(60), "the bot's answer to hello", || {
        let bots = messages(&app, "bot");
        match bots
            .iter()
            .find(|t| t.contains("How can I help you today?"))
        {
            Some(text) => Ok(Some(text.clone())),
            None => Err(format!("{bots:?}")),
        }
    });
    assert!(reply.contains("Sunny"), "the bot is named: {reply}");
    assert!(
        reply.contains("demo"),
        "the bot is labelled as a demo: {reply}"
    );
    // The draft box is empty again after a successful send.
    assert_eq!(
        app.driver
            .attribute(&input, "value")
            .unwrap()
            .unwrap_or_default(),
        ""
    );
    app.screenshot("01-bot-reply");

    app.driver.click(&person).unwrap();
    app.wait_for_attribute("data-handoff-state", "queued");
    let queue = app.wait_for_text("#handoff-status", "the queue position in words", |text| {
        text.contains("in line")
    });
    assert!(
        queue.contains("You are number") || queue.contains("next in line"),
        "{queue}"
    );
    app.screenshot("02-queued");

    app.wait_for_attribute("data-handoff-state", "connected");
    let status = app.wait_for_text("#handoff-status", "the agent's name", |text| {
        text.contains("Mei")
    });
    assert!(status.contains("demo agent"), "{status}");
    let greeting = wait_until(Duration::from_secs(60), "the agent's greeting", || {
        let agents = messages(&app, "agent");
        match agents.first() {
            Some(text) => Ok(Some(text.clone())),
            None => Err("no agent message yet".into()),
        }
    });
    assert!(greeting.contains("Mei"), "{greeting}");
    // The summary reached the agent: the demo agent quotes the topic.
    assert!(
        greeting.contains("I can see our conversation"),
        "{greeting}"
    );
    app.screenshot("03-connected");
}
