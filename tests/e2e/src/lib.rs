//! A small harness for driving the real Warmline app.
//!
//! [`App::launch`] starts a virtual display (Xvfb) unless one is set,
//! `tauri-driver` with WebKitGTK's `WebKitWebDriver`, and the app binary named
//! by `WARMLINE_E2E_APP`, then opens a W3C WebDriver session on its webview.
//! Everything started is stopped when the [`App`] is dropped.
//!
//! Missing prerequisites are test failures with a clear message, never a
//! silent skip: `.ci/test` installs them.

use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{json, Value};

/// The W3C identifier of an element reference in WebDriver JSON.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// What can go wrong talking to the WebDriver.
#[derive(Debug, thiserror::Error)]
pub enum WebDriverError {
    /// The driver answered with a W3C error object.
    #[error("webdriver error {error}: {message}")]
    Protocol {
        /// The W3C error code, e.g. `no such element`.
        error: String,
        /// The driver's explanation.
        message: String,
    },
    /// The HTTP exchange itself failed.
    #[error("webdriver transport: {0}")]
    Transport(String),
    /// The driver's answer had an unexpected shape.
    #[error("unexpected webdriver answer: {0}")]
    Unexpected(String),
}

/// Reads a WebDriver response body: its `value`, or the error it carries.
pub fn parse_response(body: &Value) -> Result<Value, WebDriverError> {
    let value = body.get("value").cloned().unwrap_or(Value::Null);
    if let Some(error) = value.get("error").and_then(Value::as_str) {
        return Err(WebDriverError::Protocol {
            error: error.to_owned(),
            message: value
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
        });
    }
    Ok(value)
}

/// A minimal W3C WebDriver client bound to one session.
pub struct WebDriver {
    base: String,
    session: String,
    agent: ureq::Agent,
}

/// A reference to an element of the page.
#[derive(Debug, Clone)]
pub struct Element(String);

impl WebDriver {
    fn request(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, WebDriverError> {
        request(
            &self.agent,
            method,
            &format!("{}/session/{}{path}", self.base, self.session),
            body,
        )
    }

    /// Finds the first element matching a CSS selector.
    pub fn find(&self, css: &str) -> Result<Element, WebDriverError> {
        let value = self.request(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        )?;
        element_of(&value)
    }

    /// Finds every element matching a CSS selector.
    pub fn find_all(&self, css: &str) -> Result<Vec<Element>, WebDriverError> {
        let value = self.request(
            "POST",
            "/elements",
            Some(json!({"using": "css selector", "value": css})),
        )?;
        value
            .as_array()
            .ok_or_else(|| WebDriverError::Unexpected(value.to_string()))?
            .iter()
            .map(element_of)
            .collect()
    }

    /// Clicks an element.
    pub fn click(&self, element: &Element) -> Result<(), WebDriverError> {
        self.request(
            "POST",
            &format!("/element/{}/click", element.0),
            Some(json!({})),
        )
        .map(drop)
    }

    /// Types text into an element.
    pub fn send_keys(&self, element: &Element, text: &str) -> Result<(), WebDriverError> {
        self.request(
            "POST",
            &format!("/element/{}/value", element.0),
            Some(json!({"text": text})),
        )
        .map(drop)
    }

    /// The rendered text of an element.
    pub fn text(&self, element: &Element) -> Result<String, WebDriverError> {
        let value = self.request("GET", &format!("/element/{}/text", element.0), None)?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// An attribute of an element, if it has it.
    pub fn attribute(
        &self,
        element: &Element,
        name: &str,
    ) -> Result<Option<String>, WebDriverError> {
        let value = self.request(
            "GET",
            &format!("/element/{}/attribute/{name}", element.0),
            None,
        )?;
        Ok(value.as_str().map(str::to_owned))
    }

    /// Runs a script in the page and returns its result.
    pub fn execute(&self, script: &str, args: Vec<Value>) -> Result<Value, WebDriverError> {
        self.request(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
    }

    /// Saves a PNG screenshot of the window.
    pub fn screenshot(&self, path: &Path) -> Result<(), WebDriverError> {
        let value = self.request("GET", "/screenshot", None)?;
        let encoded = value
            .as_str()
            .ok_or_else(|| WebDriverError::Unexpected("screenshot is not a string".into()))?;
        let png = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|e| WebDriverError::Unexpected(e.to_string()))?;
        std::fs::write(path, png).map_err(|e| WebDriverError::Transport(e.to_string()))
    }
}

fn element_of(value: &Value) -> Result<Element, WebDriverError> {
    value
        .get(ELEMENT_KEY)
        .and_then(Value::as_str)
        .map(|id| Element(id.to_owned()))
        .ok_or_else(|| WebDriverError::Unexpected(value.to_string()))
}

fn request(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    body: Option<Value>,
) -> Result<Value, WebDriverError> {
    let request = agent.request(method, url);
    let response = match body {
        Some(body) => request.send_json(body),
        None => request.call(),
    };
    let response = match response {
        Ok(response) => response,
        // WebDriver errors come with a 4xx/5xx status and a JSON body.
        Err(ureq::Error::Status(_, response)) => response,
        Err(error) => return Err(WebDriverError::Transport(error.to_string())),
    };
    let json: Value = response
        .into_json()
        .map_err(|e| WebDriverError::Transport(e.to_string()))?;
    parse_response(&json)
}

/// Polls `probe` until it returns `Some`, or panics after `timeout` naming
/// `what` and the last value seen. Timeouts here are generous limits for a
/// slow machine, not performance assertions.
pub fn wait_until<T>(
    timeout: Duration,
    what: &str,
    mut probe: impl FnMut() -> Result<Option<T>, String>,
) -> T {
    let deadline = Instant::now() + timeout;
    let mut last = String::from("(nothing yet)");
    loop {
        match probe() {
            Ok(Some(value)) => return value,
            Ok(None) => {}
            Err(seen) => last = seen,
        }
        if Instant::now() > deadline {
            panic!("timed out after {timeout:?} waiting for {what}; last seen: {last}");
        }
        thread::sleep(Duration::from_millis(250));
    }
}

/// The running app with a WebDriver session on its window.
pub struct App {
    /// The WebDriver session on the app's webview.
    pub driver: WebDriver,
    driver_process: Child,
    display: Option<Child>,
    log: PathBuf,
    data_dir: PathBuf,
}

impl App {
    /// Launches the app with the given extra environment variables (for
    /// example `WARMLINE_LOCALE`). Panics with a clear message when a
    /// prerequisite is missing.
    pub fn launch(env: &[(&str, &str)]) -> App {
        let app = std::env::var_os("WARMLINE_E2E_APP").map(PathBuf::from).unwrap_or_else(|| {
            panic!("WARMLINE_E2E_APP is not set: build the app (`cargo build -p warmline`) and point it at target/debug/warmline, or run `bash .ci/test`")
        });
        assert!(
            app.is_file(),
            "WARMLINE_E2E_APP={} does not exist",
            app.display()
        );
        let tauri_driver = find_tauri_driver();
        let native_driver = PathBuf::from("/usr/bin/WebKitWebDriver");
        assert!(
            native_driver.is_file(),
            "{} is missing: apt-get install webkit2gtk-driver",
            native_driver.display()
        );

        let scratch = std::env::temp_dir().join(format!(
            "warmline-e2e-{}-{}",
            std::process::id(),
            Instant::now().elapsed().as_nanos() ^ u128::from(free_port())
        ));
        std::fs::create_dir_all(&scratch).expect("creating a scratch directory");
        let log = scratch.join("driver.log");
        let data_dir = scratch.join("data");
        std::fs::create_dir_all(&data_dir).expect("creating the data directory");

        let (display, display_name) = match std::env::var("DISPLAY") {
            Ok(name) if !name.is_empty() => (None, name),
            _ => {
                let (child, name) = start_xvfb(&scratch);
                (Some(child), name)
            }
        };

        let port = free_port();
        let native_port = free_port();
        let log_file = File::create(&log).expect("creating the driver log");
        let mut command = Command::new(&tauri_driver);
        command
            .args(["--port", &port.to_string()])
            .args(["--native-port", &native_port.to_string()])
            .arg("--native-driver")
            .arg(&native_driver)
            .env("DISPLAY", &display_name)
            .env("WARMLINE_DATA_DIR", &data_dir)
            .env("WARMLINE_LOG", "info")
            // WebKitGTK's compositing is slow and flaky without a GPU.
            .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
            .env("NO_AT_BRIDGE", "1")
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().expect("log"))
            .stderr(log_file);
        for (name, value) in env {
            command.env(name, value);
        }
        let driver_process = command
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", tauri_driver.display()));

        let agent = ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(120))
            .build();
        let base = format!("http://127.0.0.1:{port}");
        let mut app_handle = App {
            driver: WebDriver {
                base: base.clone(),
                session: String::new(),
                agent: agent.clone(),
            },
            driver_process,
            display,
            log,
            data_dir,
        };
        wait_until(
            Duration::from_secs(60),
            "tauri-driver to listen",
            || match agent.get(&format!("{base}/status")).call() {
                Ok(_) | Err(ureq::Error::Status(..)) => Ok(Some(())),
                Err(error) => Err(error.to_string()),
            },
        );
        let capabilities = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "wry",
                    "tauri:options": { "application": app }
                }
            }
        });
        let session = request(
            &agent,
            "POST",
            &format!("{base}/session"),
            Some(capabilities),
        )
        .unwrap_or_else(|e| {
            panic!(
                "creating a WebDriver session: {e}; driver log: {}",
                app_handle.log_text()
            )
        });
        app_handle.driver.session = session
            .get("sessionId")
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no sessionId in {session}"))
            .to_owned();
        app_handle
    }

    /// Where the app keeps its data for this run (a fresh directory).
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// What tauri-driver, WebKitWebDriver and the app wrote so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until an element matching `css` exists and returns it.
    pub fn wait_for(&self, css: &str) -> Element {
        wait_until(Duration::from_secs(60), css, || {
            match self.driver.find(css) {
                Ok(element) => Ok(Some(element)),
                Err(error) => Err(error.to_string()),
            }
        })
    }

    /// Waits until `#app` has the attribute `name` with `value`.
    pub fn wait_for_attribute(&self, name: &str, value: &str) {
        wait_until(
            Duration::from_secs(90),
            &format!("#app[{name}={value}]"),
            || {
                let app = self.driver.find("#app").map_err(|e| e.to_string())?;
                let current = self
                    .driver
                    .attribute(&app, name)
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
    /// and returns that text.
    pub fn wait_for_text(&self, css: &str, what: &str, check: impl Fn(&str) -> bool) -> String {
        wait_until(Duration::from_secs(90), what, || {
            let element = self.driver.find(css).map_err(|e| e.to_string())?;
            let text = self.driver.text(&element).map_err(|e| e.to_string())?;
            if check(&text) {
                Ok(Some(text))
            } else {
                Err(text)
            }
        })
    }

    /// Saves a screenshot to `$WARMLINE_E2E_SCREENSHOTS/<name>.png` when that
    /// directory is set.
    pub fn screenshot(&self, name: &str) {
        if let Some(dir) = std::env::var_os("WARMLINE_E2E_SCREENSHOTS") {
            let dir = PathBuf::from(dir);
            let _ = std::fs::create_dir_all(&dir);
            if let Err(error) = self.driver.screenshot(&dir.join(format!("{name}.png"))) {
                eprintln!("screenshot {name} failed: {error}");
            }
        }
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if !self.driver.session.is_empty() {
            let _ = self.driver.request("DELETE", "", None);
        }
        let _ = self.driver_process.kill();
        let _ = self.driver_process.wait();
        if let Some(display) = &mut self.display {
            let _ = display.kill();
            let _ = display.wait();
        }
        if thread::panicking() {
            eprintln!(
                "--- driver and app log ({}) ---\n{}",
                self.log.display(),
                self.log_text()
            );
        }
    }
}

fn find_tauri_driver() -> PathBuf {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));
    let mut candidates: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|path| {
            std::env::split_paths(&path)
                .map(|dir| dir.join("tauri-driver"))
                .collect()
        })
        .unwrap_or_default();
    if let Some(cargo_home) = cargo_home {
        candidates.push(cargo_home.join("bin/tauri-driver"));
    }
    candidates
        .into_iter()
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| panic!("tauri-driver is missing: cargo install tauri-driver --locked (or run `bash .ci/setup`)"))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("no free loopback port")
}

fn start_xvfb(scratch: &Path) -> (Child, String) {
    for number in 90..200 {
        if Path::new(&format!("/tmp/.X11-unix/X{number}")).exists()
            || Path::new(&format!("/tmp/.X{number}-lock")).exists()
        {
            continue;
        }
        let name = format!(":{number}");
        let log = File::create(scratch.join("xvfb.log")).expect("xvfb log");
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
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("starting Xvfb (apt-get install xvfb): {e}"));
        let socket = format!("/tmp/.X11-unix/X{number}");
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(20) {
            if Path::new(&socket).exists() {
                return (child, name);
            }
            if let Ok(Some(_)) = child.try_wait() {
                break;
            }
            thread::sleep(Duration::from_millis(100));
        }
        let _ = child.kill();
    }
    panic!("could not start Xvfb on any display from :90 to :199");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_values_and_w3c_errors() {
        assert_eq!(parse_response(&json!({"value": 3})).unwrap(), json!(3));
        assert_eq!(parse_response(&json!({})).unwrap(), Value::Null);
        match parse_response(&json!({"value": {"error": "no such element", "message": "gone"}})) {
            Err(WebDriverError::Protocol { error, message }) => {
                assert_eq!(error, "no such element");
                assert_eq!(message, "gone");
            }
            other => panic!("expected a protocol error, got {other:?}"),
        }
        let element = element_of(&json!({ELEMENT_KEY: "abc"})).unwrap();
        assert_eq!(element.0, "abc");
        assert!(element_of(&json!({"other": 1})).is_err());
    }

    #[test]
    fn wait_until_returns_the_first_success() {
        let mut calls = 0;
        let value = wait_until(Duration::from_secs(5), "third call", || {
            calls += 1;
            Ok((calls == 3).then_some(calls))
        });
        assert_eq!(value, 3);
    }

    #[test]
    #[should_panic(expected = "timed out")]
    fn wait_until_names_what_it_waited_for() {
        wait_until::<()>(Duration::from_millis(300), "nothing", || {
            Err("still nothing".into())
        });
    }
}
