//! Reading the conversation as the user sees it: messages by who wrote
//! them, and waiting for one.

use std::time::Duration;

use crate::{wait_until, App};

/// How long a message from a real server may take to appear: a generous
/// limit for a slow 2-core machine, not a timing assertion.
pub const MESSAGE_WAIT: Duration = Duration::from_secs(120);

/// The rendered texts (author label, time, words) of the transcript's
/// messages of `kind` (`user`, `bot`, `agent`, `system`), in order.
pub fn messages(app: &App, kind: &str) -> Result<Vec<String>, String> {
    let elements = app
        .driver
        .find_all(&format!("#transcript .message[data-author-kind='{kind}']"))
        .map_err(|e| e.to_string())?;
    elements
        .iter()
        .map(|element| app.driver.text(element).map_err(|e| e.to_string()))
        .collect()
}

/// Waits for a message of `kind` containing `needle`, and returns its text.
pub fn wait_for_message(app: &App, kind: &str, needle: &str) -> String {
    wait_until(
        MESSAGE_WAIT,
        &format!("a {kind} message containing {needle:?}"),
        || {
            let texts = messages(app, kind)?;
            match texts.iter().find(|text| text.contains(needle)) {
                Some(text) => Ok(Some(text.clone())),
                None => Err(format!("{texts:?}")),
            }
        },
    )
}

/// How many messages of `kind` contain `needle` now.
pub fn count_messages(app: &App, kind: &str, needle: &str) -> usize {
    messages(app, kind)
        .unwrap_or_else(|error| panic!("reading the transcript: {error}"))
        .iter()
        .filter(|text| text.contains(needle))
        .count()
}

/// Types `text` into the composer and presses Send.
pub fn send(app: &App, text: &str) {
    let input = app.wait_for("#composer-input");
    app.driver.send_keys(&input, text).unwrap();
    app.driver.click(&app.wait_for("#send-button")).unwrap();
}

/// What the composer holds now (the draft).
pub fn draft(app: &App) -> String {
    app.driver
        .execute(
            "return document.querySelector('#composer-input').value;",
            vec![],
        )
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default()
}
