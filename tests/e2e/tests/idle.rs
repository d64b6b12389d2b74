//! An idle window is never dropped. The demo service is set to close a
//! conversation after a few seconds without a message, standing in for the
//! chat services that close idle chats after minutes; the user, who is
//! waiting for a person with a half-written sentence, sees the conversation
//! simply continue.

use std::time::Duration;

use warmline_e2e::{wait_until, App};

const IDLE_CLOSE_MS: u64 = 3000;

fn notices_that_continue(app: &App) -> Result<usize, String> {
    let texts: Vec<String> = app
        .driver
        .find_all("#transcript .message[data-author-kind='system']")
        .map_err(|e| e.to_string())?
        .iter()
        .filter_map(|element| app.driver.text(element).ok())
        .collect();
    Ok(texts
        .iter()
        .filter(|text| text.contains("The conversation continues"))
        .count())
}

#[test]
fn the_conversation_continues_after_the_service_closes_it_for_inactivity() {
    let idle = IDLE_CLOSE_MS.to_string();
    let app = App::launch(&[
        ("WARMLINE_LOCALE", "en-US"),
        ("WARMLINE_DEMO_REPLY_DELAY_MS", "200"),
        // Nobody becomes free during the test: the user stays in the queue.
        ("WARMLINE_DEMO_QUEUE_STEP_MS", "600000"),
        ("WARMLINE_DEMO_IDLE_CLOSE_MS", &idle),
    ]);
    app.wait_for("#person-button");
    app.wait_for_attribute("data-connection", "online");
    app.driver.click(&app.wait_for("#person-button")).unwrap();
    app.wait_for_attribute("data-handoff-state", "queued");
    let input = app.wait_for("#composer-input");
    app.driver.send_keys(&input, "I was going to").unwrap();

    // Idle for more than two of the service's time-outs.
    let closes = wait_until(
        Duration::from_secs(60),
        "the service closing the idle conversation twice",
        || {
            let count = notices_that_continue(&app)?;
            if count >= 2 {
                Ok(Some(count))
            } else {
                Err(format!("{count} notices so far"))
            }
        },
    );
    assert!(closes >= 2);
    app.screenshot("idle-continues");

    // Still waiting for a person, the half-written sentence still in the text
    // box, the text box still focused, and no dialog in the way.
    app.wait_for_attribute("data-handoff-state", "queued");
    app.wait_for_attribute("data-connection", "online");
    let state = app
        .driver
        .execute(
            "const input = document.querySelector('#composer-input');
             return [input.value, document.activeElement === input,
                     document.querySelectorAll('dialog[open], [role=alertdialog]').length];",
            vec![],
        )
        .unwrap();
    assert_eq!(state, serde_json::json!(["I was going to", true, 0]));

    // Finishing the sentence gets an answer in the continued conversation.
    app.driver.send_keys(&input, " say thank you").unwrap();
    app.driver.click(&app.wait_for("#send-button")).unwrap();
    app.wait_for_text(
        "#transcript",
        "the bot's answer after the silence",
        |text| text.contains("I was going to say thank you") && text.contains("You are welcome"),
    );
}
