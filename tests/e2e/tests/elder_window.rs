//! Issue 9 in the real app (WebKitGTK under Xvfb): a double press of the
//! person button never cancels, and the conversation has room at 480×600,
//! 800×600 and 960×820 in English and Chinese. With
//! `WARMLINE_E2E_SCREENSHOTS` set, each size is kept as a screenshot; the
//! transcript's measured height is printed for the record.

use serde_json::{json, Value};
use warmline_e2e::App;

fn launch(locale: &str) -> App {
    let app = App::launch(&[
        ("WARMLINE_LOCALE", locale),
        ("WARMLINE_DEMO_REPLY_DELAY_MS", "200"),
        // Nobody becomes free during the test: the user stays in the queue.
        ("WARMLINE_DEMO_QUEUE_STEP_MS", "3600000"),
    ]);
    app.wait_for("#person-button");
    app.wait_for_attribute("data-connection", "online");
    app
}

/// The person button's rectangle and the transcript's height, from the page.
fn measure(app: &App) -> Value {
    app.driver
        .execute(
            "const b = document.querySelector('#person-button').getBoundingClientRect();
             const t = document.querySelector('#transcript');
             const line = parseFloat(getComputedStyle(t).fontSize) * 1.5;
             return { person: [b.left, b.top, b.width, b.height].map(Math.round),
                      transcript: t.clientHeight, lines: t.clientHeight / line,
                      viewport: [innerWidth, innerHeight] };",
            vec![],
        )
        .unwrap()
}

/// Waits two frames, so that the layout follows a new window size.
fn settle(app: &App) {
    app.driver
        .execute_async(
            "const done = arguments[arguments.length - 1];
             requestAnimationFrame(() => requestAnimationFrame(done));",
            vec![],
        )
        .unwrap();
}

#[test]
fn a_double_press_asks_once_and_the_person_button_never_moves() {
    for locale in ["en-US", "zh-CN"] {
        let app = launch(locale);
        let before = measure(&app)["person"].clone();
        // Two presses 100 ms apart at the same point: the second lands on the
        // same button, which now says where the request stands.
        app.driver
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 const b = document.querySelector('#person-button');
                 const r = b.getBoundingClientRect();
                 b.click();
                 setTimeout(() => {
                   document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2).closest('button').click();
                   done();
                 }, 100);",
                vec![],
            )
            .unwrap();
        app.wait_for_attribute("data-handoff-state", "queued");
        app.wait_for("#person-answer");
        app.wait_for("#person-cancel-button");
        assert_eq!(
            measure(&app)["person"],
            before,
            "{locale}: the person button did not move"
        );
        assert_eq!(
            app.driver
                .execute(
                    "return document.querySelector('#app').dataset.handoffState;",
                    vec![]
                )
                .unwrap(),
            json!("queued"),
            "{locale}: still waiting, nothing cancelled it"
        );
    }
}

#[test]
fn the_conversation_has_room_at_480x600_800x600_and_960x820() {
    let mut short = Vec::new();
    for locale in ["en-US", "zh-CN"] {
        let app = launch(locale);
        app.driver.click(&app.wait_for("#person-button")).unwrap();
        app.wait_for_attribute("data-handoff-state", "queued");
        for (width, height) in [(960.0, 820.0), (800.0, 600.0), (480.0, 600.0)] {
            app.driver.set_window_rect(width, height).unwrap();
            settle(&app);
            let facts = measure(&app);
            println!("{locale} {width}x{height} waiting: {facts}");
            app.screenshot(&format!("elder-{locale}-{width}x{height}-waiting"));
            if facts["lines"].as_f64().unwrap_or(0.0) < 3.0 {
                short.push(format!("{locale} {width}x{height}: {facts}"));
            }
        }
    }
    assert!(
        short.is_empty(),
        "at least 3 lines of conversation while waiting: {short:#?}"
    );
}
