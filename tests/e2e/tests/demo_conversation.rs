//! The real app on the built-in demo backend, in its real webview: say hello,
//! get the assistant's answer, ask for a person, wait in the queue, and meet
//! the demo agent.
//!
//! Needs `WARMLINE_E2E_APP` (the built app), `tauri-driver`,
//! `WebKitWebDriver` and `Xvfb`; see `.ci/test`. Set
//! `WARMLINE_E2E_SCREENSHOTS` to a directory to keep screenshots of each step.

use std::time::{Duration, Instant};

use serde_json::Value;
use warmline_e2e::{wait_until, App, DEFAULT_WAIT};

/// One message of the transcript as the page shows it.
#[derive(Debug, Clone)]
struct Message {
    /// `data-author-kind`: user, bot, agent or system.
    kind: String,
    /// The rendered text: author, time and words.
    text: String,
}

/// The messages of the transcript (`[role=log]`), in order.
fn transcript(app: &App) -> Result<Vec<Message>, String> {
    let value = app
        .driver
        .execute(
            "return Array.from(document.querySelectorAll('[role=log] .message'))
                .map((m) => [m.getAttribute('data-author-kind') || '', m.innerText]);",
            vec![],
        )
        .map_err(|e| e.to_string())?;
    let rows = value
        .as_array()
        .ok_or_else(|| format!("not a list: {value}"))?;
    Ok(rows
        .iter()
        .map(|row| Message {
            kind: row[0].as_str().unwrap_or_default().to_owned(),
            text: row[1].as_str().unwrap_or_default().to_owned(),
        })
        .collect())
}

/// Records, inside the page, every change of `#app[data-handoff-state]`,
/// of what `#handoff-status` (the `role=status` live region) announces and
/// of what `#handoff-panel` (the visible status panel, if the UI has one)
/// shows, so that a short-lived state (a queue position) cannot slip between
/// two polls on a slow machine.
const RECORD_HANDOFF: &str = "
    const history = [];
    window.__warmlineHandoffHistory = history;
    const words = (selector) => {
        const element = document.querySelector(selector);
        return element ? element.textContent.replace(/\\s+/g, ' ').trim() : null;
    };
    const record = () => {
        const app = document.querySelector('#app');
        const entry = {
            state: app ? app.getAttribute('data-handoff-state') : null,
            announced: words('#handoff-status'),
            shown: words('#handoff-panel'),
        };
        const last = history[history.length - 1];
        if (!last || last.state !== entry.state || last.announced !== entry.announced
                || last.shown !== entry.shown) {
            history.push(entry);
        }
    };
    record();
    new MutationObserver(record).observe(document.body, {
        attributes: true, childList: true, subtree: true, characterData: true,
    });
    return history.length;
";

/// One recorded moment of the handoff (see [`RECORD_HANDOFF`]).
#[derive(Debug, Clone)]
struct Handoff {
    /// `#app[data-handoff-state]`.
    state: String,
    /// What `#handoff-status` says to a screen reader.
    announced: String,
    /// What `#handoff-panel` shows, if there is such a panel.
    shown: Option<String>,
}

/// The handoff moments recorded so far.
fn handoff_history(app: &App) -> Result<Vec<Handoff>, String> {
    let value = app
        .driver
        .execute("return window.__warmlineHandoffHistory || null;", vec![])
        .map_err(|e| e.to_string())?;
    let entries = value
        .as_array()
        .ok_or_else(|| format!("no history recorded: {value}"))?;
    Ok(entries
        .iter()
        .map(|entry| Handoff {
            state: entry["state"].as_str().unwrap_or_default().to_owned(),
            announced: entry["announced"].as_str().unwrap_or_default().to_owned(),
            shown: entry["shown"].as_str().map(str::to_owned),
        })
        .collect())
}

/// Waits for a recorded moment that satisfies `check`, and returns it.
fn wait_for_handoff(app: &App, what: &str, check: impl Fn(&Handoff) -> bool) -> Handoff {
    wait_until(DEFAULT_WAIT, what, || {
        let history = handoff_history(app)?;
        match history.iter().find(|moment| check(moment)) {
            Some(moment) => Ok(Some(moment.clone())),
            None => Err(format!("{history:#?}")),
        }
    })
}

#[test]
fn hello_gets_a_bot_reply_then_a_person_from_the_queue() {
    let started = Instant::now();
    let app = App::launch(&[]);

    // The window is up and shows the conversation screen.
    app.wait_for("#app");
    let person = app.wait_for_visible("#person-button");
    let rect = app.driver.window_rect().expect("the window's size");
    assert!(
        rect.width > 100.0 && rect.height > 100.0,
        "the window has a usable size: {rect:?}"
    );
    assert_eq!(
        app.driver.text(&person).expect("the button's label"),
        "Talk to a person",
        "the person button is labelled in words"
    );
    app.wait_for_attribute("data-loaded", "true");
    app.wait_for_attribute("data-handoff-state", "none");
    let log = app.wait_for("[role=log]");
    assert_eq!(
        app.driver.attribute(&log, "id").expect("the log's id"),
        Some("transcript".to_owned())
    );
    app.screenshot("01-started");

    // Say hello.
    let input = app.wait_for_visible("#composer-input");
    app.driver.click(&input).expect("focusing the text box");
    app.driver.send_keys(&input, "hello").expect("typing");
    app.driver
        .click(&app.wait_for_visible("#send-button"))
        .expect("pressing Send");

    // The user's message, then the assistant's answer after it.
    let reply = wait_until(
        DEFAULT_WAIT,
        "the user's \"hello\" and then a bot reply in the transcript",
        || {
            let messages = transcript(&app)?;
            let mine = messages
                .iter()
                .rposition(|m| m.kind == "user" && m.text.contains("hello"));
            let reply = mine.and_then(|at| messages[at + 1..].iter().find(|m| m.kind == "bot"));
            match reply {
                Some(reply) => Ok(Some(reply.text.clone())),
                None => Err(format!("{messages:?}")),
            }
        },
    );
    assert!(
        reply.contains("Sunny") && reply.contains("demo assistant"),
        "the reply names the bot and says it is a demo: {reply:?}"
    );
    assert!(
        reply.contains("How can I help you today?"),
        "the demo assistant answers a greeting: {reply:?}"
    );
    // The draft box is empty again after a successful send.
    wait_until(Duration::from_secs(10), "an empty text box", || {
        match app.driver.property(&input, "value") {
            Ok(Value::String(text)) if text.is_empty() => Ok(Some(())),
            other => Err(format!("{other:?}")),
        }
    });
    app.screenshot("02-bot-reply");

    // Ask for a person.
    let status = app.wait_for("#handoff-status");
    assert_eq!(
        app.driver
            .attribute(&status, "role")
            .expect("the status role"),
        Some("status".to_owned())
    );
    app.driver
        .execute(RECORD_HANDOFF, vec![])
        .expect("recording the handoff states");
    app.driver
        .click(&person)
        .expect("pressing Talk to a person");

    // The queue position, in words: announced, and shown if the UI has a
    // separate visible panel.
    let queued = wait_for_handoff(
        &app,
        "data-handoff-state=queued and #handoff-status saying the queue position (\"… in line\")",
        |moment| moment.state == "queued" && moment.announced.contains("in line"),
    );
    assert!(
        queued.announced.contains("You are next in line")
            || queued.announced.contains("You are number"),
        "the position is said in a sentence: {queued:?}"
    );
    if queued.shown.is_some() {
        wait_for_handoff(&app, "the queue position on the visible panel", |moment| {
            moment.state == "queued"
                && moment
                    .shown
                    .as_deref()
                    .is_some_and(|shown| shown.contains("in line"))
        });
    }
    app.screenshot("03-queued");

    // The demo agent takes over: the status names Mei, on screen too.
    app.wait_for_attribute("data-handoff-state", "connected");
    let connected = wait_for_handoff(&app, "#handoff-status naming the agent, Mei", |moment| {
        moment.state == "connected" && moment.announced.contains("Mei")
    });
    assert!(
        connected.announced.contains("demo agent"),
        "the agent is labelled as a demo: {connected:?}"
    );
    // WebDriver's element text is what is visible: the sentence is on screen.
    let sentence = connected.announced.clone();
    app.wait_for_text("#app", "the agent's name on screen", |visible| {
        visible.contains(&sentence)
    });
    let greeting = wait_until(DEFAULT_WAIT, "a message from the agent", || {
        let messages = transcript(&app)?;
        messages
            .iter()
            .find(|m| m.kind == "agent")
            .map(|m| Some(m.text.clone()))
            .ok_or_else(|| format!("{messages:?}"))
    });
    assert!(
        greeting.contains("Mei"),
        "the agent says who she is: {greeting:?}"
    );
    assert!(
        greeting.contains("I can see our conversation"),
        "the agent got the conversation so far: {greeting:?}"
    );
    // The states went in order: none, (requested,) queued, connected.
    let history = handoff_history(&app).expect("the handoff history");
    let states: Vec<&str> = history.iter().map(|moment| moment.state.as_str()).collect();
    let queued_at = states.iter().position(|s| *s == "queued");
    let connected_at = states.iter().position(|s| *s == "connected");
    assert!(
        matches!((queued_at, connected_at), (Some(q), Some(c)) if q < c),
        "queued came before connected: {history:?}"
    );
    app.screenshot("04-connected");

    // Every message is also readable through WebDriver's own element text.
    let elements = app
        .driver
        .find_all("[role=log] .message[data-author-kind='agent']")
        .expect("finding the agent's messages");
    assert!(!elements.is_empty());
    let text = app.driver.text(&elements[0]).expect("the agent's message");
    assert!(text.contains("Mei"), "{text:?}");

    eprintln!(
        "the demo conversation took {:.1} s (launch included)",
        started.elapsed().as_secs_f64()
    );
}
