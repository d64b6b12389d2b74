//! The three programs compared, started through their WebDriver (so that
//! the benchmark can read the page), and one measured run of each.

use std::net::TcpStream;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use warmline_e2e::{free_ports, stop_group, wait_until, App, WebDriver};

use crate::probes;
use crate::procs;

/// Debian's Chromium: the wrapper a user starts, and the binary it runs.
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMIUM_BINARY: &str = "/usr/lib/chromium/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// How long after the window became usable its memory is read.
pub const SETTLE: Duration = Duration::from_secs(5);
/// Keys typed for the typing latency.
const KEYS: usize = 12;

/// One of the programs compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Program {
    /// The Warmline release build on the demo.
    Warmline,
    /// A Tauri window with a static page: the toolkit's floor.
    BareTauri,
    /// Debian's Chromium (`--app`) showing the built UI with its fake backend.
    Chromium,
    /// Another Warmline (`--variant`: another binary, other environment
    /// variables), the index into [`Setup::variants`]; for A/B comparisons.
    Variant(usize),
}

/// A Warmline to compare with the main one (`--variant LABEL=SPEC`).
#[derive(Debug, Clone)]
pub struct Variant {
    /// Its name in the output.
    pub label: String,
    /// Its binary (the main one unless the spec names another).
    pub app: PathBuf,
    /// Environment variables it is started with, on top of the usual ones.
    pub env: Vec<(String, String)>,
}

impl Variant {
    /// `SPEC` is a comma-separated list of `app=PATH` (another binary) and
    /// `NAME=VALUE` (an environment variable); `default_app` is used unless
    /// `app=` is given.
    pub fn parse(label_and_spec: &str, default_app: &Path) -> Result<Variant, String> {
        let (label, spec) = label_and_spec
            .split_once('=')
            .ok_or_else(|| format!("--variant {label_and_spec}: expected LABEL=SPEC"))?;
        let mut variant = Variant {
            label: label.to_owned(),
            app: default_app.to_path_buf(),
            env: Vec::new(),
        };
        for item in spec.split(',').filter(|item| !item.is_empty()) {
            let (name, value) = item
                .split_once('=')
                .ok_or_else(|| format!("--variant {label}: {item} is not NAME=VALUE"))?;
            if name == "app" {
                variant.app = PathBuf::from(value);
            } else {
                variant.env.push((name.to_owned(), value.to_owned()));
            }
        }
        Ok(variant)
    }
}

/// Where everything a run needs is.
pub struct Setup {
    /// The Warmline binary.
    pub app: PathBuf,
    /// The bare Tauri binary.
    pub bare: PathBuf,
    /// The URL of the built UI on the loopback file server.
    pub ui_url: String,
    /// A data directory whose demo store holds the long history.
    pub seeded: PathBuf,
    /// How many messages that history has.
    pub history: usize,
    /// Where each run gets its fresh directories.
    pub scratch: PathBuf,
    /// Clock ticks per second, for process start times.
    pub ticks: u64,
    /// Other Warmlines run beside the main one (`--variant`).
    pub variants: Vec<Variant>,
}

impl Setup {
    /// The program's name in the output.
    pub fn name(&self, program: Program) -> String {
        match program {
            Program::Warmline => "Warmline".into(),
            Program::BareTauri => "bare Tauri".into(),
            Program::Chromium => "Chromium".into(),
            Program::Variant(index) => format!("Warmline ({})", self.variants[index].label),
        }
    }

    /// The binary the program's first process runs.
    fn exe(&self, program: Program) -> PathBuf {
        let path = match program {
            Program::Warmline => &self.app,
            Program::BareTauri => &self.bare,
            Program::Chromium => return PathBuf::from(CHROMIUM_BINARY),
            Program::Variant(index) => &self.variants[index].app,
        };
        std::fs::canonicalize(path).unwrap_or(path.clone())
    }
}

/// The cold start in parts, each in ms from the program's first process
/// starting: the page's navigation start (the native side: toolkit, webview
/// processes, the app's own set-up) and its DOM content loaded (the page's
/// scripts ran). From there to ready is the app's start in the page: its
/// first commands and the first render.
#[derive(Debug, Clone, Copy, Default)]
pub struct StartSplit {
    pub navigation_ms: Option<f64>,
    pub dom_ready_ms: Option<f64>,
}

/// What one run measured.
#[derive(Debug, Clone, Default)]
pub struct Sample {
    /// From the program's first process starting to its text box accepting
    /// typing, in ms.
    pub start_ms: f64,
    /// Where that start went (not part of the table; printed per run).
    pub start_split: StartSplit,
    /// The page's start marks (`warmline-start-<step>`, then
    /// `warmline-interactive`) in ms since the program's first process
    /// started, in the order they were set; none for the bare page.
    pub marks: Vec<(String, f64)>,
    /// PSS of all its processes, [`SETTLE`] after that, in MiB, by program
    /// name, largest first.
    pub pss_by_name: Vec<(String, f64)>,
    /// From pressing Send to the frame that paints the message at the end
    /// of the transcript, in ms (not for the bare window).
    pub new_message_ms: Option<f64>,
    /// Median from a key press to the frame that paints its character, ms.
    pub key_ms: Option<f64>,
}

impl Sample {
    /// PSS of all its processes together, in MiB.
    pub fn pss_mib(&self) -> f64 {
        self.pss_by_name.iter().map(|(_, mib)| mib).sum()
    }
}

/// A running window, stopped when dropped.
enum Window {
    Tauri(Box<App>),
    Chromium {
        driver: WebDriver,
        chromedriver: Option<Child>,
    },
}

impl Window {
    fn driver(&self) -> &WebDriver {
        match self {
            Window::Tauri(app) => &app.driver,
            Window::Chromium { driver, .. } => driver,
        }
    }
}

impl Drop for Window {
    fn drop(&mut self) {
        if let Window::Chromium {
            driver,
            chromedriver,
        } = self
        {
            let _ = driver.delete_session();
            stop_group(chromedriver.take());
        }
    }
}

fn fresh_dir(scratch: &Path, name: &str) -> PathBuf {
    let dir = scratch.join(format!("{name}-{}", procs::now_epoch_ms() as u64));
    std::fs::create_dir_all(&dir).expect("creating a run directory");
    dir
}

fn launch(program: Program, with_history: bool, setup: &Setup) -> Window {
    match program {
        Program::Warmline | Program::BareTauri | Program::Variant(_) => {
            let (binary, extra) = match program {
                Program::Warmline => (&setup.app, &[][..]),
                Program::Variant(index) => {
                    let variant = &setup.variants[index];
                    (&variant.app, &variant.env[..])
                }
                _ => (&setup.bare, &[][..]),
            };
            // App::launch starts the binary named here, through tauri-driver
            // and WebKitWebDriver, on our DISPLAY and session bus.
            std::env::set_var("WARMLINE_E2E_APP", binary);
            let data = fresh_dir(&setup.scratch, "data");
            if with_history {
                crate::seed::copy_tree(&setup.seeded, &data).expect("copying the seeded store");
            }
            let data = data.to_string_lossy().into_owned();
            let mut env = vec![
                ("WARMLINE_DATA_DIR", data.as_str()),
                ("WARMLINE_LOG", "warn"),
                ("WARMLINE_CONFIG_DIR", data.as_str()),
            ];
            env.extend(extra.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            Window::Tauri(Box::new(App::launch(&env)))
        }
        Program::Chromium => {
            let port = free_ports()[0];
            let chromedriver = Command::new(CHROMEDRIVER)
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .process_group(0)
                .spawn()
                .expect("starting chromedriver (apt-get install chromium-driver)");
            let base = format!("http://127.0.0.1:{port}");
            wait_until(Duration::from_secs(30), "chromedriver listening", || {
                Ok(TcpStream::connect(("127.0.0.1", port)).ok().map(drop))
            });
            let profile = fresh_dir(&setup.scratch, "chromium-profile");
            let query = if with_history {
                format!("?history={}", setup.history)
            } else {
                String::new()
            };
            let capabilities = json!({
                "capabilities": { "alwaysMatch": {
                    "browserName": "chrome",
                    "goog:chromeOptions": {
                        "binary": CHROMIUM,
                        "args": [
                            format!("--app={}index.html{query}", setup.ui_url),
                            format!("--user-data-dir={}", profile.display()),
                            "--window-size=960,820",
                            "--no-sandbox",
                            "--disable-gpu",
                            "--disable-background-networking",
                            "--disable-component-update",
                            "--no-first-run",
                            "--disable-sync",
                        ],
                    },
                }}
            });
            let driver = WebDriver::new_session(&base, capabilities)
                .unwrap_or_else(|e| panic!("starting Chromium through chromedriver: {e}"));
            Window::Chromium {
                driver,
                chromedriver: Some(chromedriver),
            }
        }
    }
}

fn number(value: &Value) -> Option<f64> {
    value.as_f64()
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 0 {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

/// Starts `program` (on the long history or none), measures it, stops it.
pub fn run(program: Program, with_history: bool, setup: &Setup) -> Sample {
    let window = launch(program, with_history, setup);
    let driver = window.driver();
    let ready_epoch = wait_until(Duration::from_secs(120), "the ready mark", || {
        driver
            .execute(probes::READY, vec![])
            .map(|v| number(&v))
            .map_err(|e| e.to_string())
    });
    let ready_at = Instant::now();
    let exe = setup.exe(program);
    let root =
        procs::newest_root(&exe).unwrap_or_else(|| panic!("no process of {} found", exe.display()));
    let started_epoch = procs::start_epoch_ms(&root, setup.ticks);
    let start_ms = ready_epoch - started_epoch;
    let page = driver
        .execute(probes::PAGE_TIMES, vec![])
        .ok()
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default();
    let since_start = |i: usize| page.get(i).and_then(number).map(|t| t - started_epoch);
    let start_split = StartSplit {
        navigation_ms: since_start(0),
        dom_ready_ms: since_start(1),
    };
    let marks = driver
        .execute(probes::START_MARKS, vec![])
        .ok()
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|mark| {
            let name = mark.get(0)?.as_str()?;
            let at = number(mark.get(1)?)?;
            Some((name.to_owned(), at - started_epoch))
        })
        .collect();

    // It really accepts typing.
    let input = driver.find("#composer-input").expect("the text box");
    driver
        .send_keys(&input, "a")
        .expect("typing into the text box");
    let typed = driver
        .property(&input, "value")
        .expect("the text box's value");
    assert_eq!(
        typed,
        json!("a"),
        "{} did not take the key",
        setup.name(program)
    );
    driver
        .execute(probes::CLEAR_INPUT, vec![])
        .expect("emptying the text box");

    if let Some(rest) = SETTLE.checked_sub(ready_at.elapsed()) {
        std::thread::sleep(rest);
    }
    let pss_by_name = procs::tree_pss_by_name(root.pid);

    let new_message_ms = (program != Program::BareTauri).then(|| {
        let value = driver
            .execute_async(probes::NEW_MESSAGE, vec![])
            .expect("sending a message");
        number(&value)
            .filter(|ms| *ms >= 0.0)
            .expect("the message never showed")
    });

    driver
        .execute(probes::TYPING_START, vec![])
        .expect("recording keys");
    for _ in 0..KEYS {
        driver.send_keys(&input, "k").expect("typing a key");
    }
    // The last frame's callback may still be pending.
    std::thread::sleep(Duration::from_millis(200));
    let mut keys: Vec<f64> = driver
        .execute(probes::TYPING_READ, vec![])
        .ok()
        .and_then(|v| v.as_array().map(|a| a.iter().filter_map(number).collect()))
        .unwrap_or_default();
    let key_ms = median(&mut keys);
    drop(window);
    Sample {
        start_ms,
        start_split,
        marks,
        pss_by_name,
        new_message_ms,
        key_ms,
    }
}

#[cfg(test)]
mod tests {
    use super::{median, Variant};
    use std::path::{Path, PathBuf};

    #[test]
    fn a_variant_names_its_binary_and_its_variables() {
        let main = Path::new("/bin/warmline");
        let v = Variant::parse("old=app=/tmp/w,A=1,B=x=y", main).unwrap();
        assert_eq!(v.label, "old");
        assert_eq!(v.app, PathBuf::from("/tmp/w"));
        assert_eq!(
            v.env,
            vec![("A".into(), "1".into()), ("B".into(), "x=y".into())]
        );
        let env_only = Variant::parse("cache=WARMLINE_X=1", main).unwrap();
        assert_eq!(env_only.app, main);
        assert!(Variant::parse("nolabel", main).is_err());
        assert!(Variant::parse("bad=novalue", main).is_err());
    }

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&mut []), None);
    }
}
