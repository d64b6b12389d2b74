//! Reusable steps of a caregiver in the real app: open the settings window
//! with the PIN (choosing it on first use), add a backend profile with its
//! secrets, choose a profile, set the text size and the language, close the
//! settings. The settings area is a window of its own (label `settings`):
//! these steps switch the WebDriver session to it and back to the chat.

use std::time::Duration;

use serde_json::json;

use crate::{wait_until, App};

/// Generous limit for a window to appear on a slow machine (not a measurement).
const WINDOW_WAIT: Duration = Duration::from_secs(60);

/// The two windows while the settings are open.
#[derive(Debug, Clone)]
pub struct SettingsWindow {
    /// The elder's chat window.
    pub chat: String,
    /// The caregiver's settings window.
    pub settings: String,
}

impl SettingsWindow {
    /// Makes the session talk to the chat window.
    pub fn to_chat(&self, app: &App) {
        app.driver
            .switch_to_window(&self.chat)
            .expect("switching to the chat window");
    }

    /// Makes the session talk to the settings window.
    pub fn to_settings(&self, app: &App) {
        app.driver
            .switch_to_window(&self.settings)
            .expect("switching to the settings window");
    }
}

/// Presses the chat's small "Settings" button and switches to the window
/// that opens; it shows the PIN screen (the choice of one on first use).
pub fn open_settings_window(app: &App) -> SettingsWindow {
    let chat = app
        .driver
        .window_handle()
        .expect("the chat window's handle");
    let button = app.wait_for("#settings-button");
    app.driver.click(&button).expect("pressing Settings");
    let settings = wait_until(WINDOW_WAIT, "the settings window", || {
        let handles = app.driver.window_handles().map_err(|e| e.to_string())?;
        Ok(handles.into_iter().find(|h| *h != chat))
    });
    let windows = SettingsWindow { chat, settings };
    windows.to_settings(app);
    wait_until(WINDOW_WAIT, "the settings page", || {
        let screen = app
            .driver
            .execute(
                "const a = document.querySelector('#settings-app'); return a ? a.dataset.screen : null;",
                vec![],
            )
            .map_err(|e| e.to_string())?;
        match screen.as_str() {
            Some("choose-pin" | "enter-pin" | "open") => Ok(Some(())),
            other => Err(format!("screen {other:?}")),
        }
    });
    windows
}

/// Types `pin` and presses the PIN screen's button.
pub fn type_pin(app: &App, pin: &str) {
    let input = app.wait_for("#pin-input");
    app.driver
        .execute("arguments[0].value = ''; arguments[0].dispatchEvent(new Event('input', {bubbles: true}));", vec![input.to_value()])
        .expect("clearing the PIN field");
    app.driver.send_keys(&input, pin).expect("typing the PIN");
    let submit = app.wait_for("#pin-submit");
    app.driver.click(&submit).expect("pressing the PIN button");
}

/// Opens the settings with `pin` (choosing it, twice, on first use) and
/// waits until the area is open. The session stays on the settings window.
pub fn open_settings(app: &App, pin: &str) -> SettingsWindow {
    let windows = open_settings_window(app);
    let screen = screen(app);
    if screen == "choose-pin" {
        type_pin(app, pin);
        app.wait_for_element_attribute(".pin", "data-pin-step", "2");
        type_pin(app, pin);
    } else if screen == "enter-pin" {
        type_pin(app, pin);
    }
    app.wait_for_element_attribute("#settings-app", "data-screen", "open");
    windows
}

/// The settings window's screen: `choose-pin`, `enter-pin`, `open`.
pub fn screen(app: &App) -> String {
    app.driver
        .execute(
            "return document.querySelector('#settings-app').dataset.screen;",
            vec![],
        )
        .expect("reading the settings screen")
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Chooses `value` in the `<select>` matching `css` as a person would.
pub fn select(app: &App, css: &str, value: &str) {
    app.wait_for(css);
    app.driver
        .execute(
            "const s = document.querySelector(arguments[0]); s.focus(); s.value = arguments[1];
             s.dispatchEvent(new Event('change', {bubbles: true}));",
            vec![json!(css), json!(value)],
        )
        .expect("choosing an option");
}

/// Types `text` into the (empty) input matching `css`.
pub fn fill(app: &App, css: &str, text: &str) {
    let input = app.wait_for(css);
    app.driver
        .send_keys(&input, text)
        .expect("typing into a field");
}

/// Adds a profile of `kind` (`relay`, `matrix`, `chatwoot`, `tiered`) named
/// `name`, with its plain `fields` (paths as in the form: `url`,
/// `bot.model`…) and `secrets` (`token`…); returns its id. The session must
/// be on the open settings window.
pub fn add_profile(
    app: &App,
    kind: &str,
    name: &str,
    fields: &[(&str, &str)],
    secrets: &[(&str, &str)],
) -> String {
    let add = app.wait_for("#profile-add");
    // The settings scroll inside `.settings__main`, which WebKitWebDriver
    // does not always scroll far enough: after a change further down the
    // button can sit clipped at the area's top edge ("not interactable").
    app.driver
        .execute(
            "arguments[0].scrollIntoView({block: 'center'});",
            vec![add.to_value()],
        )
        .expect("scrolling to Add a service");
    app.driver.click(&add).expect("pressing Add a service");
    select(app, "#profile-kind", kind);
    app.wait_for_element_attribute("#profile-form", "data-kind", kind);
    fill(app, "#profile-field-name", name);
    for (path, value) in fields {
        fill(
            app,
            &format!("#profile-field-{}", path.replace('.', "-")),
            value,
        );
    }
    for (secret, value) in secrets {
        fill(app, &format!("#profile-secret-{secret}"), value);
    }
    let save = app.wait_for("#profile-save");
    app.driver.click(&save).expect("pressing Save");
    app.wait_for_element_attribute("#settings-said", "data-message-id", "profile-saved");
    app.driver
        .execute(
            "const rows = [...document.querySelectorAll('#profile-list .profile')];
             const row = rows.find((r) => r.querySelector('.profile__name').textContent === arguments[0]);
             return row ? row.dataset.profileId : null;",
            vec![json!(name)],
        )
        .expect("reading the new profile's id")
        .as_str()
        .expect("the new profile is in the list")
        .to_owned()
}

/// Makes `profile` (`demo` for the practice service) the one in use.
pub fn choose_profile(app: &App, profile: &str) {
    let css = format!("#profile-list .profile[data-profile-id=\"{profile}\"]");
    let button = app.wait_for(&format!("{css} .profile__use"));
    app.driver.click(&button).expect("pressing Use this one");
    app.wait_for_element_attribute(&css, "data-active", "true");
}

/// Sets the text size (100–300) in the open settings window.
pub fn set_text_size(app: &App, percent: u16) {
    select(app, "#text-size-select", &percent.to_string());
    let scale = format!("{}", f64::from(percent) / 100.0);
    wait_until(WINDOW_WAIT, "the new text size", || {
        let now = app
            .driver
            .execute(
                "return document.documentElement.style.getPropertyValue('--text-scale');",
                vec![],
            )
            .map_err(|e| e.to_string())?;
        if now.as_str() == Some(scale.as_str()) {
            Ok(Some(()))
        } else {
            Err(format!("--text-scale {now}"))
        }
    });
}

/// Sets the UI language (`en-US`, `zh-CN`, `zh-TW`) in the open settings window.
pub fn set_language(app: &App, locale: &str) {
    select(app, "#language-select", locale);
    app.wait_for_element_attribute("#settings-app", "data-locale", locale);
}

/// Closes the settings window (the area locks) and goes back to the chat.
pub fn close_settings(app: &App, windows: &SettingsWindow) {
    windows.to_settings(app);
    let close = app.wait_for("#settings-close");
    app.driver
        .click(&close)
        .expect("pressing Close the settings");
    windows.to_chat(app);
    wait_until(WINDOW_WAIT, "the settings window to close", || {
        let handles = app.driver.window_handles().map_err(|e| e.to_string())?;
        if handles.contains(&windows.settings) {
            Err(format!("{} windows", handles.len()))
        } else {
            Ok(Some(()))
        }
    });
}
