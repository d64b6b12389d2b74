//! A small harness for driving the real Warmline app in its real webview.
//!
//! [`App::launch`] starts a virtual display (Xvfb) unless `DISPLAY` is set,
//! then `tauri-driver` with WebKitGTK's `WebKitWebDriver`, which starts the
//! app binary named by `WARMLINE_E2E_APP`; it then opens a W3C WebDriver
//! session on the app's webview ([`WebDriver`]). Everything it started is
//! stopped when the [`App`] is dropped, whether the test passed or panicked.
//!
//! Missing prerequisites are test failures with a clear message, never a
//! silent skip: `.ci/setup` installs them.
//!
//! Timeouts here are generous limits for a slow 2-core machine, not
//! performance assertions: [`wait_until`] returns as soon as its condition
//! holds.
//!
//! # Running
//!
//! ```text
//! # the app, with the UI embedded; WARMLINE_E2E_SCREENSHOTS is optional
//! cargo build -p warmline
//! WARMLINE_E2E_APP=$PWD/target/debug/warmline WARMLINE_E2E_SCREENSHOTS=/tmp/shots \
//!   cargo test -p warmline-e2e -- --test-threads=1
//! ```
//!
//! Needs `tauri-driver` (`cargo install tauri-driver --locked`), Debian's
//! `webkit2gtk-driver` and `xvfb`. With `DISPLAY` set, the app appears on
//! that display instead of a private Xvfb. On a failure the harness prints
//! where it kept the driver and app log, a last screenshot and the page.

pub mod desktop;
pub mod profile_setup;
pub mod transcript;
pub mod voice;

use std::fs::File;
use std::net::TcpListener;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub mod caregiver;
pub mod keyring;

use base64::Engine as _;
use serde_json::{json, Value};

/// The W3C key under which an element reference travels in WebDriver JSON.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// How long one ordinary WebDriver command may take.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// How long creating the session (starting the app) may take.
const SESSION_TIMEOUT: Duration = Duration::from_secs(180);

/// How long taking a screenshot may take.
const SCREENSHOT_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a clean-up command may take while tearing down.
const TEARDOWN_TIMEOUT: Duration = Duration::from_secs(10);

/// The default limit of [`App::wait_for`] and friends.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(60);

/// The native WebDriver of WebKitGTK (Debian's `webkit2gtk-driver`).
const NATIVE_DRIVER: &str = "/usr/bin/WebKitWebDriver";

/// What can go wrong talking to the WebDriver.
#[derive(Debug, thiserror::Error)]
pub enum WebDriverError {
    /// The driver answered with a W3C error object.
    #[error("webdriver error `{error}` (HTTP {status}): {message}")]
    Protocol {
        /// The HTTP status of the answer (0 when unknown).
        status: u16,
        /// The W3C error code, for example `no such element`.
        error: String,
        /// The driver's explanation.
        message: String,
    },
    /// The HTTP exchange itself failed: nothing listens, a timeout, a reset.
    #[error("webdriver transport: {0}")]
    Transport(String),
    /// The driver's answer had an unexpected shape.
    #[error("unexpected webdriver answer: {0}")]
    Unexpected(String),
    /// Reading or writing a local file failed.
    #[error("file: {0}")]
    Io(#[from] std::io::Error),
}

impl WebDriverError {
    /// True for the W3C `no such element` error.
    pub fn is_no_such_element(&self) -> bool {
        matches!(self, WebDriverError::Protocol { error, .. } if error == "no such element")
    }
}

/// Reads a WebDriver response body (with its HTTP status): the `value` it
/// carries, or the W3C error in it.
///
/// A body is an error when its `value` has an `error` field, or when the
/// status is not a success; the spec puts every answer under `value`.
pub fn parse_response(status: u16, body: &Value) -> Result<Value, WebDriverError> {
    let value = body.get("value").cloned().unwrap_or(Value::Null);
    if let Some(error) = value.get("error").and_then(Value::as_str) {
        return Err(WebDriverError::Protocol {
            status,
            error: error.to_owned(),
            message: value
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
        });
    }
    if !(200..300).contains(&status) {
        return Err(WebDriverError::Unexpected(format!(
            "HTTP {status} without a W3C error: {body}"
        )));
    }
    Ok(value)
}

/// A reference to an element of the page, valid in its session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element(String);

impl Element {
    /// Reads an element reference out of a WebDriver value.
    pub fn from_value(value: &Value) -> Result<Element, WebDriverError> {
        value
            .get(ELEMENT_KEY)
            .and_then(Value::as_str)
            .map(|id| Element(id.to_owned()))
            .ok_or_else(|| WebDriverError::Unexpected(format!("not an element: {value}")))
    }

    /// The element as a script argument for [`WebDriver::execute`].
    pub fn to_value(&self) -> Value {
        json!({ ELEMENT_KEY: self.0 })
    }

    /// The driver's id of the element.
    pub fn id(&self) -> &str {
        &self.0
    }
}

/// The position and size of a window, in CSS pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    /// Left edge on the screen.
    pub x: f64,
    /// Top edge on the screen.
    pub y: f64,
    /// Outer width.
    pub width: f64,
    /// Outer height.
    pub height: f64,
}

/// A minimal W3C WebDriver client bound to one session.
#[derive(Debug)]
pub struct WebDriver {
    base: String,
    session: Option<String>,
    agent: ureq::Agent,
}

impl WebDriver {
    /// Creates a session on the WebDriver server at `base` (for example
    /// `http://127.0.0.1:4444`) with the given `capabilities` body.
    pub fn new_session(base: &str, capabilities: Value) -> Result<WebDriver, WebDriverError> {
        let agent = ureq::AgentBuilder::new().build();
        let base = base.trim_end_matches('/').to_owned();
        let value = request(
            &agent,
            "POST",
            &format!("{base}/session"),
            Some(capabilities),
            SESSION_TIMEOUT,
        )?;
        let session = value
            .get("sessionId")
            .and_then(Value::as_str)
            .ok_or_else(|| WebDriverError::Unexpected(format!("no sessionId in {value}")))?
            .to_owned();
        Ok(WebDriver {
            base,
            session: Some(session),
            agent,
        })
    }

    /// The id of the session, unless it was deleted.
    pub fn session_id(&self) -> Option<&str> {
        self.session.as_deref()
    }

    fn command(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        timeout: Duration,
    ) -> Result<Value, WebDriverError> {
        let session = self
            .session
            .as_deref()
            .ok_or_else(|| WebDriverError::Unexpected("the session was deleted".into()))?;
        request(
            &self.agent,
            method,
            &format!("{}/session/{session}{path}", self.base),
            body,
            timeout,
        )
    }

    /// Finds the first element matching a CSS selector.
    pub fn find(&self, css: &str) -> Result<Element, WebDriverError> {
        let value = self.command(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
            COMMAND_TIMEOUT,
        )?;
        Element::from_value(&value)
    }

    /// Finds every element matching a CSS selector, in document order.
    pub fn find_all(&self, css: &str) -> Result<Vec<Element>, WebDriverError> {
        let value = self.command(
            "POST",
            "/elements",
            Some(json!({"using": "css selector", "value": css})),
            COMMAND_TIMEOUT,
        )?;
        value
            .as_array()
            .ok_or_else(|| WebDriverError::Unexpected(format!("not a list: {value}")))?
            .iter()
            .map(Element::from_value)
            .collect()
    }

    /// Clicks an element as a person would (it must be visible).
    pub fn click(&self, element: &Element) -> Result<(), WebDriverError> {
        self.command(
            "POST",
            &format!("/element/{}/click", element.0),
            Some(json!({})),
            COMMAND_TIMEOUT,
        )
        .map(drop)
    }

    /// Types text into an element, key by key.
    pub fn send_keys(&self, element: &Element, text: &str) -> Result<(), WebDriverError> {
        self.command(
            "POST",
            &format!("/element/{}/value", element.0),
            Some(json!({"text": text})),
            COMMAND_TIMEOUT,
        )
        .map(drop)
    }

    /// The rendered text of an element, as a person would read it.
    pub fn text(&self, element: &Element) -> Result<String, WebDriverError> {
        let value = self.command(
            "GET",
            &format!("/element/{}/text", element.0),
            None,
            COMMAND_TIMEOUT,
        )?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// An attribute of an element, or `None` when it does not have it.
    pub fn attribute(
        &self,
        element: &Element,
        name: &str,
    ) -> Result<Option<String>, WebDriverError> {
        let value = self.command(
            "GET",
            &format!("/element/{}/attribute/{name}", element.0),
            None,
            COMMAND_TIMEOUT,
        )?;
        Ok(value.as_str().map(str::to_owned))
    }

    /// A DOM property of an element (for example a text box's `value`).
    pub fn property(&self, element: &Element, name: &str) -> Result<Value, WebDriverError> {
        self.command(
            "GET",
            &format!("/element/{}/property/{name}", element.0),
            None,
            COMMAND_TIMEOUT,
        )
    }

    /// Whether an element is displayed (W3C "is element displayed").
    pub fn is_displayed(&self, element: &Element) -> Result<bool, WebDriverError> {
        let value = self.command(
            "GET",
            &format!("/element/{}/displayed", element.0),
            None,
            COMMAND_TIMEOUT,
        )?;
        value
            .as_bool()
            .ok_or_else(|| WebDriverError::Unexpected(format!("not a boolean: {value}")))
    }

    /// Runs a script synchronously in the page: the body of a function whose
    /// `arguments` are `args`; returns what it returns.
    pub fn execute(&self, script: &str, args: Vec<Value>) -> Result<Value, WebDriverError> {
        self.command(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
            COMMAND_TIMEOUT,
        )
    }

    /// The handle of the window the session talks to.
    pub fn window_handle(&self) -> Result<String, WebDriverError> {
        let value = self.command("GET", "/window", None, COMMAND_TIMEOUT)?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// The handles of every window of the app (the chat, the settings…).
    pub fn window_handles(&self) -> Result<Vec<String>, WebDriverError> {
        let value = self.command("GET", "/window/handles", None, COMMAND_TIMEOUT)?;
        Ok(value
            .as_array()
            .map(|handles| {
                handles
                    .iter()
                    .filter_map(|h| h.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Makes the session talk to another window of the app.
    pub fn switch_to_window(&self, handle: &str) -> Result<(), WebDriverError> {
        self.command(
            "POST",
            "/window",
            Some(json!({ "handle": handle })),
            COMMAND_TIMEOUT,
        )
        .map(drop)
    }

    /// Runs an asynchronous script in the page: the body of a function whose
    /// last argument is a callback; returns the value passed to it.
    pub fn execute_async(&self, script: &str, args: Vec<Value>) -> Result<Value, WebDriverError> {
        self.command(
            "POST",
            "/execute/async",
            Some(json!({"script": script, "args": args})),
            COMMAND_TIMEOUT,
        )
    }

    /// The position and size of the current window.
    pub fn window_rect(&self) -> Result<Rect, WebDriverError> {
        let value = self.command("GET", "/window/rect", None, COMMAND_TIMEOUT)?;
        let number = |name: &str| {
            value
                .get(name)
                .and_then(Value::as_f64)
                .ok_or_else(|| WebDriverError::Unexpected(format!("no {name} in {value}")))
        };
        Ok(Rect {
            x: number("x")?,
            y: number("y")?,
            width: number("width")?,
            height: number("height")?,
        })
    }

    /// Moves and resizes the current window (CSS pixels); returns its new rect.
    pub fn set_window_rect(&self, width: f64, height: f64) -> Result<Rect, WebDriverError> {
        self.command(
            "POST",
            "/window/rect",
            Some(json!({"width": width, "height": height})),
            COMMAND_TIMEOUT,
        )?;
        self.window_rect()
    }

    /// The title of the current page.
    pub fn title(&self) -> Result<String, WebDriverError> {
        let value = self.command("GET", "/title", None, COMMAND_TIMEOUT)?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// Saves a PNG screenshot of the current window's page to `path`.
    pub fn screenshot(&self, path: &Path) -> Result<(), WebDriverError> {
        self.screenshot_within(path, SCREENSHOT_TIMEOUT)
    }

    fn screenshot_within(&self, path: &Path, timeout: Duration) -> Result<(), WebDriverError> {
        // WebKitWebDriver answers after the page's next paint; an idle page
        // (notably with WEBKIT_DISABLE_COMPOSITING_MODE=1) may never paint,
        // and the command hangs. Invisible repaints for a few seconds, on an
        // element outside <body>, make sure a paint comes.
        //
        // It shows the last frame presented: wait for the page to present
        // what it has now (two animation frames and a little more).
        let _ = self.command(
            "POST",
            "/execute/async",
            Some(json!({"script": SCREENSHOT_NUDGE, "args": []})),
            timeout,
        );
        let value = self.command("GET", "/screenshot", None, timeout)?;
        let png = decode_screenshot(&value)?;
        std::fs::write(path, png)?;
        Ok(())
    }

    /// Ends the session (the driver closes the app). Later commands fail;
    /// deleting twice does nothing.
    pub fn delete_session(&mut self) -> Result<(), WebDriverError> {
        self.delete_session_within(COMMAND_TIMEOUT)
    }

    fn delete_session_within(&mut self, timeout: Duration) -> Result<(), WebDriverError> {
        if self.session.is_none() {
            return Ok(());
        }
        let result = self.command("DELETE", "", None, timeout).map(drop);
        self.session = None;
        result
    }
}

/// Repaints one invisible pixel every 100 ms for 5 s (see
/// [`WebDriver::screenshot`]), and calls back (asynchronous script) once two
/// animation frames and 100 ms have passed.
const SCREENSHOT_NUDGE: &str = "
    const done = arguments[arguments.length - 1];
    const dot = document.createElement('div');
    dot.setAttribute('aria-hidden', 'true');
    dot.style.cssText = 'position:fixed;left:0;top:0;width:1px;height:1px;'
        + 'opacity:0.01;pointer-events:none;';
    let ticks = 0;
    const timer = setInterval(() => {
        ticks += 1;
        if (dot.isConnected || ticks > 50) {
            dot.remove();
        } else {
            document.documentElement.appendChild(dot);
        }
        if (ticks > 50) {
            clearInterval(timer);
        }
    }, 100);
    requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => done(true), 100)));
";

/// Decodes the base64 PNG of a screenshot answer.
pub fn decode_screenshot(value: &Value) -> Result<Vec<u8>, WebDriverError> {
    let encoded = value
        .as_str()
        .ok_or_else(|| WebDriverError::Unexpected("the screenshot is not a string".into()))?;
    let png = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|e| WebDriverError::Unexpected(format!("the screenshot is not base64: {e}")))?;
    if !png.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Err(WebDriverError::Unexpected(
            "the screenshot is not a PNG".into(),
        ));
    }
    Ok(png)
}

fn request(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    body: Option<Value>,
    timeout: Duration,
) -> Result<Value, WebDriverError> {
    let request = agent.request(method, url).timeout(timeout);
    let response = match body {
        Some(body) => request.send_json(body),
        None => request.call(),
    };
    let response = match response {
        Ok(response) => response,
        // W3C errors come with a 4xx/5xx status and a JSON body.
        Err(ureq::Error::Status(_, response)) => response,
        Err(error) => {
            return Err(WebDriverError::Transport(format!(
                "{method} {url}: {error}"
            )))
        }
    };
    let status = response.status();
    let text = response
        .into_string()
        .map_err(|e| WebDriverError::Transport(format!("{method} {url}: reading: {e}")))?;
    let json: Value = serde_json::from_str(&text).map_err(|e| {
        WebDriverError::Unexpected(format!(
            "{method} {url}: HTTP {status}, not JSON ({e}): {text}"
        ))
    })?;
    parse_response(status, &json)
}

/// Calls `probe` every quarter second until it returns `Ok(Some(value))`,
/// and returns that value. `Ok(None)` means "not yet"; `Err(seen)` means
/// "not yet" too and carries what was seen instead, for the panic message.
///
/// # Panics
///
/// After `timeout`, naming `what` was awaited and the last value seen. The
/// timeout is a generous limit for a slow machine, not a timing assertion.
pub fn wait_until<T>(
    timeout: Duration,
    what: &str,
    mut probe: impl FnMut() -> Result<Option<T>, String>,
) -> T {
    let started = Instant::now();
    let mut seen = String::from("(nothing yet)");
    loop {
        match probe() {
            Ok(Some(value)) => return value,
            Ok(None) => {}
            Err(now) => seen = now,
        }
        if started.elapsed() >= timeout {
            panic!("timed out after {timeout:?} waiting for {what}; last seen: {seen}");
        }
        thread::sleep(Duration::from_millis(250));
    }
}

/// The running app with a WebDriver session on its window.
pub struct App {
    /// The WebDriver session on the app's webview.
    pub driver: WebDriver,
    driver_process: Option<Child>,
    session_bus: Option<Child>,
    display: Option<Child>,
    display_name: String,
    scratch: PathBuf,
    log: PathBuf,
    data_dir: PathBuf,
}

impl App {
    /// Launches the app on the demo backend with extra environment
    /// variables (`&[]` for none), which override the defaults
    /// `WARMLINE_LOCALE=en-US`, `WARMLINE_DEMO_QUEUE_STEP_MS=1500` and
    /// `WARMLINE_DATA_DIR=<a fresh directory>`.
    ///
    /// # Panics
    ///
    /// With a clear message when `WARMLINE_E2E_APP` is unset or not a file,
    /// when `tauri-driver`, `WebKitWebDriver` or `Xvfb` is missing, or when
    /// the driver or the app does not start.
    pub fn launch(env: &[(&str, &str)]) -> App {
        App::launch_with_args(env, &[])
    }

    /// Like [`App::launch`], and the app is started with the command-line
    /// arguments `args` (for example `--profile FILE`). A
    /// `DBUS_SESSION_BUS_ADDRESS` in `env` (a test's own keyring session,
    /// `warmline-keyring-session`) is the app's session bus; no private one
    /// is started then.
    pub fn launch_with_args(env: &[(&str, &str)], args: &[&str]) -> App {
        App::start(env, args, false)
    }

    /// Like [`App::launch`], with the GTK accessibility bridge on (no
    /// `NO_AT_BRIDGE`), for a test that runs a screen reader or an AT-SPI
    /// client. It passes the display (`DISPLAY`) and the session bus
    /// (`DBUS_SESSION_BUS_ADDRESS`, with the AT-SPI bus launcher on it) in
    /// `env`; a `DISPLAY` there is used instead of a private Xvfb.
    pub fn launch_accessible(env: &[(&str, &str)]) -> App {
        App::start(env, &[], true)
    }

    fn start(env: &[(&str, &str)], args: &[&str], accessibility: bool) -> App {
        let app_binary = app_binary();
        let tauri_driver = find_tauri_driver();
        assert!(
            Path::new(NATIVE_DRIVER).is_file(),
            "{NATIVE_DRIVER} is missing: apt-get install webkit2gtk-driver (or run `bash .ci/setup`)"
        );

        let scratch = scratch_dir();
        let log = scratch.join("driver-and-app.log");
        let data_dir = scratch.join("data");
        std::fs::create_dir_all(&data_dir).expect("creating the app's data directory");
        let log_file = File::create(&log).expect("creating the driver log");
        let log_copy = log_file.try_clone().expect("sharing the driver log");

        // A display named in `env` wins over the caller's own.
        let given_display = env
            .iter()
            .find(|(name, value)| *name == "DISPLAY" && !value.is_empty())
            .map(|(_, value)| (*value).to_owned());
        let (display, display_name) = match given_display.ok_or(()).or(std::env::var("DISPLAY")) {
            Ok(name) if !name.is_empty() => (None, name),
            _ => {
                let (child, name) = start_xvfb(&scratch);
                (Some(child), name)
            }
        };

        // A private D-Bus session bus, unless there is one: without it GLib
        // autolaunches one tied to the X display (dbus-launch), which then
        // outlives the driver.
        let mut session_bus = None;
        let mut bus_address = None;
        let bus_given = env
            .iter()
            .any(|(name, value)| *name == "DBUS_SESSION_BUS_ADDRESS" && !value.is_empty());
        if !bus_given && std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none_or(|a| a.is_empty()) {
            if let Some((child, address)) = start_session_bus(&scratch) {
                session_bus = Some(child);
                bus_address = Some(address);
            }
        }

        let [port, native_port] = free_ports();
        let mut command = Command::new(&tauri_driver);
        command
            .arg("--port")
            .arg(port.to_string())
            .arg("--native-port")
            .arg(native_port.to_string())
            .arg("--native-driver")
            .arg(NATIVE_DRIVER)
            .env("DISPLAY", &display_name)
            .env("WARMLINE_LOCALE", "en-US")
            .env("WARMLINE_DEMO_QUEUE_STEP_MS", "1500")
            .env("WARMLINE_DATA_DIR", &data_dir)
            .env("WARMLINE_LOG", "info")
            .stdin(Stdio::null())
            .stdout(log_copy)
            .stderr(log_file)
            // Its own process group: WebKitWebDriver and the app it starts
            // join it, and the teardown signals the whole group.
            .process_group(0);
        if display.is_some() {
            // Our own X server: keep GTK off any Wayland session around.
            command
                .env("GDK_BACKEND", "x11")
                .env_remove("WAYLAND_DISPLAY");
        }
        if let Some(address) = &bus_address {
            command.env("DBUS_SESSION_BUS_ADDRESS", address);
        }
        if !accessibility {
            // No GTK accessibility bridge: nobody listens on a bare display.
            command.env("NO_AT_BRIDGE", "1");
        }
        // The caller's variables come last, so they win.
        command.envs(env.iter().copied());
        let driver_process = match command.spawn() {
            Ok(child) => child,
            Err(error) => {
                stop_group(session_bus);
                stop_group(display);
                panic!("starting {}: {error}", tauri_driver.display());
            }
        };

        // From here on, `Drop` cleans up whatever happens.
        let mut app = App {
            driver: WebDriver {
                base: format!("http://127.0.0.1:{port}"),
                session: None,
                agent: ureq::AgentBuilder::new().build(),
            },
            driver_process: Some(driver_process),
            session_bus,
            display,
            display_name,
            scratch,
            log,
            data_dir,
        };
        app.wait_for_driver();
        let capabilities = json!({
            "capabilities": {
                "alwaysMatch": {
                    // tauri-driver turns this into WebKitWebDriver's
                    // `webkitgtk:browserOptions`; no browserName is needed.
                    "tauri:options": { "application": app_binary, "args": args }
                }
            }
        });
        let base = app.driver.base.clone();
        app.driver = WebDriver::new_session(&base, capabilities)
            .unwrap_or_else(|e| panic!("creating a WebDriver session (starting the app): {e}"));
        app
    }

    fn wait_for_driver(&mut self) {
        let url = format!("{}/status", self.driver.base);
        let agent = self.driver.agent.clone();
        let started = Instant::now();
        loop {
            let seen = match request(&agent, "GET", &url, None, TEARDOWN_TIMEOUT) {
                Ok(value) if value.get("ready") == Some(&Value::Bool(true)) => return,
                Ok(value) => format!("not ready: {value}"),
                Err(error) => error.to_string(),
            };
            if let Some(child) = &mut self.driver_process {
                if let Ok(Some(status)) = child.try_wait() {
                    panic!("tauri-driver exited before it listened ({status})");
                }
            }
            if started.elapsed() > DEFAULT_WAIT {
                panic!(
                    "tauri-driver did not become ready within {DEFAULT_WAIT:?}; last seen: {seen}"
                );
            }
            thread::sleep(Duration::from_millis(200));
        }
    }

    /// The X display the app runs on, for example `:90`.
    pub fn display(&self) -> &str {
        &self.display_name
    }

    /// Where the app keeps its data for this run (a fresh directory).
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The file that tauri-driver, WebKitWebDriver and the app write to.
    pub fn log_path(&self) -> &Path {
        &self.log
    }

    /// What tauri-driver, WebKitWebDriver and the app wrote so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until an element matching `css` exists, and returns it.
    pub fn wait_for(&self, css: &str) -> Element {
        wait_until(DEFAULT_WAIT, &format!("an element `{css}`"), || {
            self.driver.find(css).map(Some).map_err(|e| e.to_string())
        })
    }

    /// Waits until an element matching `css` exists and is displayed, and
    /// returns it.
    pub fn wait_for_visible(&self, css: &str) -> Element {
        wait_until(DEFAULT_WAIT, &format!("a visible `{css}`"), || {
            let element = self.driver.find(css).map_err(|e| e.to_string())?;
            match self.driver.is_displayed(&element) {
                Ok(true) => Ok(Some(element)),
                Ok(false) => Err("present but not displayed".into()),
                Err(e) => Err(e.to_string()),
            }
        })
    }

    /// Waits until `#app` has the attribute `name` equal to `value` (the
    /// app's state attributes: `data-handoff-state`, `data-connection`,
    /// `data-loaded`).
    pub fn wait_for_attribute(&self, name: &str, value: &str) {
        self.wait_for_element_attribute("#app", name, value);
    }

    /// Waits until the element matching `css` has the attribute `name` equal
    /// to `value`.
    pub fn wait_for_element_attribute(&self, css: &str, name: &str, value: &str) {
        wait_until(
            DEFAULT_WAIT,
            &format!("`{css}` with {name}={value:?}"),
            || {
                let element = self.driver.find(css).map_err(|e| e.to_string())?;
                let current = self
                    .driver
                    .attribute(&element, name)
                    .map_err(|e| e.to_string())?;
                if current.as_deref() == Some(value) {
                    Ok(Some(()))
                } else {
                    Err(format!("{name}={current:?}"))
                }
            },
        );
    }

    /// Waits until the text of the element matching `css` satisfies `check`,
    /// and returns that text; `what` names the awaited text for the panic.
    pub fn wait_for_text(&self, css: &str, what: &str, check: impl Fn(&str) -> bool) -> String {
        wait_until(DEFAULT_WAIT, what, || {
            let element = self.driver.find(css).map_err(|e| e.to_string())?;
            let text = self.driver.text(&element).map_err(|e| e.to_string())?;
            if check(&text) {
                Ok(Some(text))
            } else {
                Err(format!("{css}: {text:?}"))
            }
        })
    }

    /// Saves a screenshot to `$WARMLINE_E2E_SCREENSHOTS/<name>.png` when that
    /// variable names a directory (created if needed); does nothing otherwise.
    /// A failing screenshot is reported, not fatal.
    pub fn screenshot(&self, name: &str) -> Option<PathBuf> {
        let dir = PathBuf::from(std::env::var_os("WARMLINE_E2E_SCREENSHOTS")?);
        if let Err(error) = std::fs::create_dir_all(&dir) {
            eprintln!("cannot create {}: {error}", dir.display());
            return None;
        }
        let path = dir.join(format!("{name}.png"));
        match self.driver.screenshot(&path) {
            Ok(()) => Some(path),
            Err(error) => {
                eprintln!("screenshot {name} failed: {error}");
                None
            }
        }
    }

    /// On a failure: a last screenshot and the page's text, for diagnosis.
    fn report_failure(&self) {
        let shot = self.scratch.join("failure.png");
        match self.driver.screenshot_within(&shot, TEARDOWN_TIMEOUT) {
            Ok(()) => eprintln!("screenshot at the failure: {}", shot.display()),
            Err(error) => eprintln!("no screenshot at the failure: {error}"),
        }
        if self.driver.session.is_some() {
            let page = self.driver.command(
                "POST",
                "/execute/sync",
                Some(json!({
                    "script": "const app = document.querySelector('#app'); return (app ? app.outerHTML : document.documentElement.outerHTML).slice(0, 20000);",
                    "args": []
                })),
                TEARDOWN_TIMEOUT,
            );
            match page {
                Ok(Value::String(html)) => eprintln!("--- the page at the failure ---\n{html}"),
                Ok(other) => eprintln!("--- the page at the failure ---\n{other}"),
                Err(error) => eprintln!("cannot read the page at the failure: {error}"),
            }
        }
    }
}

/// Stops a process started as the leader of its own process group, and
/// everything in that group: SIGTERM (so that Xvfb removes its socket and
/// lock file, and tauri-driver stops WebKitWebDriver), then SIGKILL for
/// whatever is still alive after a while.
pub fn stop_group(child: Option<Child>) {
    let Some(mut child) = child else {
        return;
    };
    // The group id is the leader's pid. The leader stays unreaped (a
    // zombie at worst) until the end, so the id cannot be reused meanwhile.
    let group = child.id();
    send_signal(&format!("-{group}"), "TERM");
    let deadline = Instant::now() + TEARDOWN_TIMEOUT;
    while Instant::now() < deadline && group_has_live_members(group) {
        thread::sleep(Duration::from_millis(50));
    }
    if group_has_live_members(group) {
        send_signal(&format!("-{group}"), "KILL");
    }
    let _ = child.kill();
    let _ = child.wait();
}

impl Drop for App {
    fn drop(&mut self) {
        let failed = thread::panicking();
        if failed {
            self.report_failure();
        }
        if let Err(error) = self.driver.delete_session_within(TEARDOWN_TIMEOUT) {
            eprintln!("deleting the WebDriver session: {error}");
        }
        stop_group(self.driver_process.take());
        stop_group(self.session_bus.take());
        stop_group(self.display.take());
        if failed {
            let mut text = self.log_text();
            if text.trim().is_empty() {
                text = "(empty: neither the drivers nor the app wrote anything)".into();
            }
            let tail: Vec<&str> = text.lines().rev().take(200).collect();
            eprintln!(
                "--- last lines of the driver and app log ({}) ---",
                self.log.display()
            );
            for line in tail.iter().rev() {
                eprintln!("{line}");
            }
            eprintln!(
                "--- end of log; everything is kept in {} ---",
                self.scratch.display()
            );
        } else {
            let _ = std::fs::remove_dir_all(&self.scratch);
        }
    }
}

/// The app binary named by `WARMLINE_E2E_APP`.
fn app_binary() -> PathBuf {
    app_binary_from(std::env::var_os("WARMLINE_E2E_APP"))
}

/// The app binary named by the value of `WARMLINE_E2E_APP`.
fn app_binary_from(value: Option<std::ffi::OsString>) -> PathBuf {
    let path = value
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            panic!(
                "WARMLINE_E2E_APP is not set. Build the app (`cargo build -p warmline`) and run \
                 `WARMLINE_E2E_APP=$PWD/target/debug/warmline cargo test -p warmline-e2e -- \
                 --test-threads=1`, or run `bash .ci/test`"
            )
        });
    assert!(
        path.is_file(),
        "WARMLINE_E2E_APP={} is not a file: build the app with `cargo build -p warmline`",
        path.display()
    );
    // tauri-driver starts the app from its own working directory.
    std::fs::canonicalize(&path).unwrap_or(path)
}

/// `tauri-driver` from `PATH`, `$CARGO_HOME/bin` or `~/.cargo/bin`.
pub fn find_tauri_driver() -> PathBuf {
    let mut candidates: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|path| {
            std::env::split_paths(&path)
                .map(|dir| dir.join("tauri-driver"))
                .collect()
        })
        .unwrap_or_default();
    if let Some(cargo_home) = std::env::var_os("CARGO_HOME") {
        candidates.push(PathBuf::from(cargo_home).join("bin/tauri-driver"));
    }
    if let Some(home) = std::env::var_os("HOME") {
        candidates.push(PathBuf::from(home).join(".cargo/bin/tauri-driver"));
    }
    candidates
        .into_iter()
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!(
                "tauri-driver is missing (looked in PATH, $CARGO_HOME/bin and ~/.cargo/bin): \
                 cargo install tauri-driver --locked (or run `bash .ci/setup`)"
            )
        })
}

/// A fresh directory for one launch: logs, the app's data, screenshots of
/// failures.
pub(crate) fn scratch_dir() -> PathBuf {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    let dir = std::env::temp_dir().join(format!(
        "warmline-e2e-{}-{}-{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("creating a scratch directory");
    dir
}

/// Two distinct free loopback ports.
pub fn free_ports() -> [u16; 2] {
    let bind = || TcpListener::bind("127.0.0.1:0").expect("no free loopback port");
    // Both are held at once, so they differ.
    let (first, second) = (bind(), bind());
    let port = |listener: &TcpListener| listener.local_addr().expect("local address").port();
    [port(&first), port(&second)]
}

/// The process named by the lock file of X display `number`, if readable.
fn lock_owner(number: u32) -> Option<u32> {
    std::fs::read_to_string(format!("/tmp/.X{number}-lock"))
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Whether X display `number` is in use: a lock file naming a live process
/// (or unreadable), or a socket without a lock file. A stale lock of a dead
/// server is no obstacle: Xvfb replaces it.
fn display_in_use(number: u32) -> bool {
    let lock = PathBuf::from(format!("/tmp/.X{number}-lock"));
    let socket = PathBuf::from(format!("/tmp/.X11-unix/X{number}"));
    if !lock.exists() {
        return socket.exists();
    }
    match lock_owner(number) {
        Some(pid) => Path::new(&format!("/proc/{pid}")).exists(),
        None => true,
    }
}

/// Starts `Xvfb` on the first free display from `:90` and returns it with
/// the display's name once its socket exists.
pub fn start_xvfb(scratch: &Path) -> (Child, String) {
    let log_path = scratch.join("xvfb.log");
    for number in 90..250 {
        if display_in_use(number) {
            continue;
        }
        let name = format!(":{number}");
        let log = File::create(&log_path).expect("creating the Xvfb log");
        let mut child = Command::new("Xvfb")
            .args([
                name.as_str(),
                "-screen",
                "0",
                "1280x900x24",
                "-nolisten",
                "tcp",
            ])
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("sharing the Xvfb log"))
            .stderr(log)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("starting Xvfb: {e} (apt-get install xvfb, or run `bash .ci/setup`)")
            });
        let socket = PathBuf::from(format!("/tmp/.X11-unix/X{number}"));
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30) {
            if let Ok(Some(_)) = child.try_wait() {
                // Most likely someone else took the display meanwhile.
                break;
            }
            // Ours once its socket exists and the lock file names it.
            if socket.exists() && lock_owner(number) == Some(child.id()) {
                return (child, name);
            }
            thread::sleep(Duration::from_millis(100));
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    panic!(
        "could not start Xvfb on any display from :90 to :249; its last log: {}",
        std::fs::read_to_string(&log_path).unwrap_or_default()
    );
}

/// Starts `dbus-daemon --session` listening in `scratch`, and returns it with
/// its address once it listens; `None` (and a note) when it cannot.
pub fn start_session_bus(scratch: &Path) -> Option<(Child, String)> {
    let socket = scratch.join("session-bus");
    let address = format!("unix:path={}", socket.display());
    let log = File::create(scratch.join("dbus.log")).ok()?;
    let spawned = Command::new("dbus-daemon")
        .args(["--session", "--nofork", "--nopidfile"])
        .arg(format!("--address={address}"))
        .stdin(Stdio::null())
        .stdout(log.try_clone().ok()?)
        .stderr(log)
        .process_group(0)
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(error) => {
            eprintln!("no private session bus (dbus-daemon: {error}); GLib may autolaunch one");
            return None;
        }
    };
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(20) {
        if socket.exists() {
            return Some((child, address));
        }
        if let Ok(Some(status)) = child.try_wait() {
            eprintln!("no private session bus: dbus-daemon exited ({status})");
            return None;
        }
        thread::sleep(Duration::from_millis(50));
    }
    eprintln!("no private session bus: dbus-daemon did not listen within 20 s");
    stop_group(Some(child));
    None
}

/// Sends a signal with `kill(1)`: `target` is a pid, or `-pgid` for a group.
fn send_signal(target: &str, signal: &str) {
    let _ = Command::new("kill")
        .args(["-s", signal, "--", target])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Whether any process of process group `group` is alive (not a zombie).
fn group_has_live_members(group: u32) -> bool {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return false;
    };
    entries.flatten().any(|entry| {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            return false;
        };
        parse_stat(&stat).is_some_and(|(state, pgrp)| pgrp == group && state != 'Z')
    })
}

/// The state and process group from the text of `/proc/PID/stat`.
fn parse_stat(stat: &str) -> Option<(char, u32)> {
    // "pid (comm) state ppid pgrp ...": comm may contain spaces and parens.
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let _ppid = fields.next()?;
    let pgrp = fields.next()?.parse().ok()?;
    Some((state, pgrp))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_values_and_w3c_errors() {
        assert_eq!(parse_response(200, &json!({"value": 3})).unwrap(), json!(3));
        assert_eq!(
            parse_response(200, &json!({"value": null})).unwrap(),
            Value::Null
        );
        assert_eq!(parse_response(200, &json!({})).unwrap(), Value::Null);
        let error = parse_response(
            404,
            &json!({"value": {"error": "no such element", "message": "gone", "stacktrace": ""}}),
        )
        .unwrap_err();
        assert!(error.is_no_such_element(), "{error:?}");
        match error {
            WebDriverError::Protocol {
                status,
                error,
                message,
            } => {
                assert_eq!(
                    (status, error.as_str(), message.as_str()),
                    (404, "no such element", "gone")
                );
            }
            other => panic!("expected a protocol error, got {other:?}"),
        }
        // A failure status without a W3C error object is still an error.
        assert!(matches!(
            parse_response(500, &json!({"value": "oops"})),
            Err(WebDriverError::Unexpected(_))
        ));
        // An error object with a success status is an error too.
        assert!(parse_response(200, &json!({"value": {"error": "timeout"}})).is_err());
    }

    #[test]
    fn reads_element_references() {
        let element = Element::from_value(&json!({ELEMENT_KEY: "abc"})).unwrap();
        assert_eq!(element.id(), "abc");
        assert_eq!(Element::from_value(&element.to_value()).unwrap(), element);
        assert!(Element::from_value(&json!({"ELEMENT": "abc"})).is_err());
    }

    #[test]
    fn decodes_png_screenshots_only() {
        let png = b"\x89PNG\r\n\x1a\nrest";
        let encoded = base64::engine::general_purpose::STANDARD.encode(png);
        assert_eq!(decode_screenshot(&json!(encoded)).unwrap(), png);
        assert!(decode_screenshot(&json!("not base64!")).is_err());
        assert!(decode_screenshot(&json!("aGVsbG8=")).is_err());
        assert!(decode_screenshot(&json!(1)).is_err());
    }

    #[test]
    fn reads_proc_stat() {
        assert_eq!(
            parse_stat("4242 (Web (Content)) S 1 4240 4240 0 -1"),
            Some(('S', 4240))
        );
        assert_eq!(parse_stat("7 (x) Z 1 7 7"), Some(('Z', 7)));
        assert_eq!(parse_stat("garbage"), None);
        // This test's own process is alive and in some group.
        let own = std::fs::read_to_string("/proc/self/stat").unwrap();
        let (state, group) = parse_stat(&own).unwrap();
        assert_ne!(state, 'Z');
        assert!(group_has_live_members(group));
    }

    #[test]
    fn free_ports_differ() {
        let [a, b] = free_ports();
        assert_ne!(a, b);
        assert!(a > 0 && b > 0);
    }

    #[test]
    fn wait_until_returns_the_first_success() {
        let mut calls = 0;
        let value = wait_until(Duration::from_secs(5), "the third call", || {
            calls += 1;
            match calls {
                1 => Ok(None),
                2 => Err("the second call".into()),
                _ => Ok(Some(calls)),
            }
        });
        assert_eq!(value, 3);
    }

    #[test]
    #[should_panic(expected = "waiting for the impossible; last seen: still nothing")]
    fn wait_until_names_what_it_waited_for_and_what_it_saw() {
        wait_until::<()>(Duration::from_millis(300), "the impossible", || {
            Err("still nothing".into())
        });
    }

    #[test]
    #[should_panic(expected = "WARMLINE_E2E_APP is not set")]
    fn an_unset_app_is_a_failure_not_a_skip() {
        app_binary_from(None);
    }

    #[test]
    #[should_panic(expected = "is not a file")]
    fn a_missing_app_is_a_failure_not_a_skip() {
        app_binary_from(Some("/nonexistent/warmline".into()));
    }
}
