//! A real screen reader's view of the real app (issue 15, item 2): Orca
//! runs on a private desktop, with its debug log, and the test reads what
//! it spoke; an AT-SPI client (`tests/e2e/atspi_events.py`, pyatspi) checks
//! the tree and the events where Orca 43 says nothing.
//!
//! The desktop is private and torn down by the test: Xvfb, a D-Bus session
//! bus, the AT-SPI bus launcher on it, a PulseAudio with a null sink (where
//! the speech goes), speech-dispatcher with espeak-ng, and Orca; `HOME` and
//! the XDG directories of all of them are in scratch directories (the sound
//! server and speech-dispatcher are `warmline_sound_lab`'s), so no
//! setting of the user's is touched. Orca runs once per user (it checks
//! with `pgrep`): the test fails when another Orca runs.
//!
//! Needs `WARMLINE_E2E_APP`, `tauri-driver`, `WebKitWebDriver`, `Xvfb`,
//! `at-spi2-core`, `orca`, `python3-pyatspi`, `speech-dispatcher`,
//! `speech-dispatcher-espeak-ng`, `pulseaudio` (`.ci/setup` installs them).

use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use warmline_e2e::{start_session_bus, start_xvfb, stop_group, wait_until, App};
use warmline_sound_lab::SoundLab;

/// The private desktop: its processes are stopped, newest first, on drop.
struct Desk {
    scratch: tempfile::TempDir,
    display: String,
    bus: String,
    processes: Vec<(&'static str, Child)>,
    sound: SoundLab,
}

impl Desk {
    fn start() -> Desk {
        let scratch = tempfile::Builder::new()
            .prefix("warmline-screen-reader-")
            .tempdir()
            .expect("a scratch directory");
        for dir in ["run", "config", "data", "cache"] {
            std::fs::create_dir_all(scratch.path().join(dir)).expect("a scratch subdirectory");
        }
        let mut desk = Desk {
            // The sound server and speech-dispatcher Orca speaks through
            // (without a real sink speech-dispatcher stalls).
            sound: SoundLab::start(),
            display: String::new(),
            bus: String::new(),
            processes: Vec::new(),
            scratch,
        };
        let (xvfb, display) = start_xvfb(desk.scratch.path());
        desk.processes.push(("Xvfb", xvfb));
        desk.display = display;
        let (bus_daemon, bus) =
            start_session_bus(desk.scratch.path()).expect("a private D-Bus session bus");
        desk.processes.push(("dbus-daemon", bus_daemon));
        desk.bus = bus;

        desk.spawn(
            "at-spi-bus-launcher",
            Command::new("/usr/libexec/at-spi-bus-launcher").arg("--launch-immediately"),
            None,
        );
        desk
    }

    fn path(&self, name: &str) -> PathBuf {
        self.scratch.path().join(name)
    }

    /// The environment of every desktop process and of the app.
    fn env(&self) -> Vec<(&'static str, String)> {
        let dir = |name: &str| self.path(name).display().to_string();
        vec![
            ("DISPLAY", self.display.clone()),
            ("DBUS_SESSION_BUS_ADDRESS", self.bus.clone()),
            ("GDK_BACKEND", "x11".to_owned()),
            ("HOME", dir("")),
            ("XDG_RUNTIME_DIR", dir("run")),
            ("XDG_CONFIG_HOME", dir("config")),
            ("XDG_DATA_HOME", dir("data")),
            ("XDG_CACHE_HOME", dir("cache")),
            ("PULSE_SERVER", self.sound.pulse_server()),
            ("SPEECHD_ADDRESS", self.sound.speechd_address()),
        ]
    }

    /// Starts `command` in a process group of its own with the desktop's
    /// environment, its error output (and its output, unless `stdout` is
    /// given) in `<name>.log`.
    fn spawn(&mut self, name: &'static str, command: &mut Command, stdout: Option<File>) {
        let log = File::create(self.path(&format!("{name}.log"))).expect("a log file");
        command
            .env_remove("WAYLAND_DISPLAY")
            .envs(self.env())
            .stdin(Stdio::null())
            .stderr(log.try_clone().expect("sharing the log"))
            .process_group(0);
        match stdout {
            Some(file) => command.stdout(file),
            None => command.stdout(log),
        };
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("starting {name}: {e} (run `bash .ci/setup`)"));
        self.processes.push((name, child));
    }

    fn log(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(&format!("{name}.log"))).unwrap_or_default()
    }
}

impl Drop for Desk {
    fn drop(&mut self) {
        while let Some((_, child)) = self.processes.pop() {
            stop_group(Some(child));
        }
        if std::thread::panicking() {
            // Keep the logs (Orca's debug log, the AT-SPI record) to look at.
            let kept = std::mem::replace(&mut self.scratch, tempfile::tempdir().expect("a dir"));
            eprintln!(
                "the screen reader's desktop is kept in {}",
                kept.keep().display()
            );
        }
    }
}

/// Run by Orca at start (see the test): its debug log line by line.
const ORCA_CUSTOMIZATIONS: &str = "\
import orca.debug
if orca.debug.debugFile is not None:
    orca.debug.debugFile.reconfigure(line_buffering=True)
";

/// What Orca spoke, in order: the quoted text of each `SPEECH OUTPUT` line
/// of its debug log (typing echo included).
fn spoken(log: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    text.lines()
        .filter_map(|line| {
            let (_, rest) = line.split_once("SPEECH OUTPUT: '")?;
            // The utterance ends at the last quote before Orca's voice
            // description ("{...}"), which may itself hold quotes.
            let end = rest
                .find("'{")
                .or_else(|| rest.find("' {"))
                .or_else(|| rest.rfind('\''))?;
            Some(rest[..end].trim().to_owned())
        })
        .collect()
}

/// Waits until Orca has spoken, after the first `from` utterances, one for
/// which `check` holds, and returns it.
fn wait_for_speech(log: &Path, from: usize, what: &str, check: impl Fn(&str) -> bool) -> String {
    wait_until(Duration::from_secs(30), what, || {
        let said = spoken(log);
        match said.iter().skip(from).find(|line| check(line)) {
            Some(line) => Ok(Some(line.clone())),
            None => Err(format!("Orca said: {said:?}")),
        }
    })
}

/// The JSON lines the AT-SPI client printed so far.
fn atspi_records(out: &Path) -> Vec<Value> {
    std::fs::read_to_string(out)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect()
}

fn field<'a>(record: &'a Value, name: &str) -> &'a str {
    record[name].as_str().unwrap_or_default()
}

/// Waits for an AT-SPI event after the first `from` records for which
/// `check` holds, and returns it.
fn wait_for_event(out: &Path, from: usize, what: &str, check: impl Fn(&Value) -> bool) -> Value {
    wait_until(Duration::from_secs(30), what, || {
        let records = atspi_records(out);
        let events: Vec<&Value> = records
            .iter()
            .skip(from)
            .filter(|r| field(r, "kind") == "event")
            .collect();
        match events.iter().find(|r| check(r)) {
            Some(event) => Ok(Some((*event).clone())),
            None => Err(format!("events: {events:?}")),
        }
    })
}

#[test]
fn orca_speaks_the_window_and_the_person_button_and_at_spi_carries_replies_and_the_queue() {
    let started = Instant::now();
    let mut desk = Desk::start();
    let orca_log = desk.path("orca-debug.log");
    // Orca 43 writes its debug log through an 8 KiB buffer, so the last
    // utterances reach the file only long after they were spoken. Its own
    // hook for user code, orca-customizations.py in its settings directory,
    // switches the log to line buffering.
    let orca_dir = desk.path("data").join("orca");
    std::fs::create_dir_all(&orca_dir).expect("Orca's settings directory");
    std::fs::write(orca_dir.join("orca-customizations.py"), ORCA_CUSTOMIZATIONS)
        .expect("writing orca-customizations.py");
    desk.spawn(
        "orca",
        Command::new("orca").arg(format!("--debug-file={}", orca_log.display())),
        None,
    );
    wait_until(Duration::from_secs(30), "Orca saying it is on", || {
        if spoken(&orca_log)
            .iter()
            .any(|line| line == "Screen reader on.")
        {
            return Ok(Some(()));
        }
        let (_, orca) = desk.processes.last_mut().expect("Orca");
        if let Ok(Some(status)) = orca.try_wait() {
            panic!("Orca exited ({status}): {}", desk.log("orca"));
        }
        Err(desk.log("orca"))
    });

    let env = desk.env();
    let env: Vec<(&str, &str)> = env
        .iter()
        .filter(|(name, _)| ["DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "GDK_BACKEND"].contains(name))
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    let app = App::launch_accessible(&env);
    app.wait_for_attribute("data-loaded", "true");

    // The window opens: Orca names it, then the text box that has the focus.
    let window = wait_for_speech(&orca_log, 0, "Orca naming the window", |line| {
        line.contains("Warmline") && line.contains("frame")
    });
    let text_box = wait_for_speech(&orca_log, 0, "Orca reading the text box", |line| {
        line.starts_with("Your message entry")
    });

    // The person button gets the focus: its name and its role.
    let before = spoken(&orca_log).len();
    app.driver
        .execute("document.querySelector('#person-button').focus();", vec![])
        .expect("focusing the person button");
    let button = wait_for_speech(
        &orca_log,
        before,
        "Orca reading the person button",
        |line| line.contains("Talk to a person") && line.contains("push button"),
    );

    // The AT-SPI client walks the tree (WebKitGTK sends events only for
    // objects a client has asked about), then reports events.
    let events_out = desk.path("atspi-events.jsonl");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("atspi_events.py");
    let record = File::create(&events_out).expect("the AT-SPI record");
    desk.spawn(
        "atspi-events",
        Command::new("/usr/bin/python3").arg(&script).arg("30"),
        Some(record),
    );
    wait_until(Duration::from_secs(40), "the AT-SPI tree walked", || {
        let records = atspi_records(&events_out);
        if let Some(error) = records.iter().find(|r| field(r, "kind") == "error") {
            panic!("{error}: {}", desk.log("atspi-events"));
        }
        match records.iter().any(|r| field(r, "kind") == "ready") {
            true => Ok(Some(())),
            false => Err(desk.log("atspi-events")),
        }
    });
    let tree = atspi_records(&events_out);
    let has_node = |role: &str, name: &str| {
        tree.iter().any(|r| {
            field(r, "kind") == "node" && field(r, "role") == role && field(r, "name") == name
        })
    };
    assert!(
        has_node("push button", "Talk to a person"),
        "the person button is a push button with its name: {tree:?}"
    );
    assert!(
        has_node("log", "Conversation"),
        "the transcript is exposed as a log named Conversation: {tree:?}"
    );

    // A reply arrives: the log gets it as a new child, with its words.
    let mark = atspi_records(&events_out).len();
    let before_reply = spoken(&orca_log).len();
    let input = app.wait_for_visible("#composer-input");
    app.driver.send_keys(&input, "hello").expect("typing");
    app.driver
        .click(&app.wait_for_visible("#send-button"))
        .expect("pressing Send");
    let reply = wait_for_event(&events_out, mark, "the reply added to the log", |event| {
        field(event, "type").starts_with("object:children-changed:add")
            && field(event, "role") == "log"
            && field(event, "text").contains("How can I help you today?")
    });

    // Ask for a person: the live status says the place in the queue.
    let mark = atspi_records(&events_out).len();
    app.driver
        .click(&app.wait_for_visible("#person-button"))
        .expect("pressing Talk to a person");
    let queue = wait_for_event(
        &events_out,
        mark,
        "the queue position in the status",
        |event| {
            let text = field(event, "text");
            // The status (role=status) is empty, so not in the tree, until
            // it has words: then it is added to its parent.
            (field(event, "role") == "status bar" || field(event, "child") == "status bar")
                && text.contains("in line")
                && (text.contains("number") || text.contains("next"))
        },
    );
    // The agent joins and writes: her words are added to the log too.
    let agent = wait_for_event(
        &events_out,
        mark,
        "the agent's greeting in the log",
        |event| {
            field(event, "type").starts_with("object:children-changed:add")
                && field(event, "role") == "log"
                && field(event, "text").contains("this is Mei")
        },
    );
    let said_meanwhile: Vec<String> = spoken(&orca_log).split_off(before_reply);
    drop(app);

    eprintln!("Orca said, on the window: {window:?} then {text_box:?}");
    eprintln!("Orca said, on the person button: {button:?}");
    eprintln!("AT-SPI reply event: {reply}");
    eprintln!("AT-SPI queue event: {queue}");
    eprintln!("AT-SPI agent event: {agent}");
    eprintln!("Orca said from the message to the agent: {said_meanwhile:?}");
    eprintln!("screen reader test took {:?}", started.elapsed());
}
