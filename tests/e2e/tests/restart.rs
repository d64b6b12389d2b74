//! Nothing is lost to a restart: the history, the request for a person and
//! the half-typed draft are there when the app is started again.

use std::time::Duration;

use warmline_e2e::{wait_until, App};

fn launch(data_dir: &str) -> App {
    let app = App::launch(&[
        ("WARMLINE_LOCALE", "en-US"),
        ("WARMLINE_DEMO_REPLY_DELAY_MS", "200"),
        // Slow: the request is still waiting when the app is closed.
        ("WARMLINE_DEMO_QUEUE_STEP_MS", "60000"),
        ("WARMLINE_DATA_DIR", data_dir),
    ]);
    app.wait_for("#person-button");
    app.wait_for_attribute("data-connection", "online");
    app
}

fn transcript_text(app: &App) -> Result<String, String> {
    let log = app.driver.find("#transcript").map_err(|e| e.to_string())?;
    app.driver.text(&log).map_err(|e| e.to_string())
}

#[test]
fn history_request_and_draft_survive_closing_the_app() {
    let data = std::env::temp_dir().join(format!("warmline-e2e-restart-{}", std::process::id()));
    let data_dir = data.to_string_lossy().into_owned();
    {
        let app = launch(&data_dir);
        let input = app.wait_for("#composer-input");
        app.driver.send_keys(&input, "Where is my parcel?").unwrap();
        app.driver.click(&app.wait_for("#send-button")).unwrap();
        wait_until(Duration::from_secs(60), "the bot's answer", || {
            let text = transcript_text(&app)?;
            Ok(text
                .contains("should arrive within two working days")
                .then_some(()))
        });
        app.driver.click(&app.wait_for("#person-button")).unwrap();
        app.wait_for_attribute("data-handoff-state", "queued");
        app.driver
            .send_keys(&input, "I also wanted to ask")
            .unwrap();
        // The draft is saved shortly after typing stops.
        std::thread::sleep(Duration::from_secs(2));
    } // The app is closed here: its process group is stopped.

    let app = launch(&data_dir);
    let text = wait_until(
        Duration::from_secs(60),
        "the history after the restart",
        || {
            let text = transcript_text(&app)?;
            if text.contains("Where is my parcel?") && text.contains("two working days") {
                Ok(Some(text))
            } else {
                Err(text)
            }
        },
    );
    assert!(text.contains("You asked to talk to a person"), "{text}");
    // The demo service restarted too, so the conversation continues in a new
    // one and the request for a person is made again.
    assert!(text.contains("The conversation continues"), "{text}");
    app.wait_for_attribute("data-handoff-state", "queued");
    let input = app.wait_for("#composer-input");
    let draft = wait_until(Duration::from_secs(30), "the restored draft", || {
        let value = app
            .driver
            .execute(
                "return document.querySelector('#composer-input').value;",
                vec![],
            )
            .map_err(|e| e.to_string())?;
        match value.as_str() {
            Some("I also wanted to ask") => Ok(Some(value)),
            other => Err(format!("{other:?}")),
        }
    });
    assert_eq!(draft.as_str(), Some("I also wanted to ask"));
    let _ = input;
    app.screenshot("restart-restored");
    drop(app);
    let _ = std::fs::remove_dir_all(&data);
}
