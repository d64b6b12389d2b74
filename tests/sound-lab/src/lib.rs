//! A sound lab for read-aloud tests: a private PulseAudio with a null sink,
//! a private speech-dispatcher (with espeak-ng) playing into it, and a
//! recorder of the sink's monitor that counts the seconds of speech.
//!
//! Everything runs with runtime directories of its own (nothing of the
//! user's sound or speech set-up is touched) and stops when the
//! [`SoundLab`] is dropped, also when a test fails. A program reads into it
//! through speech-dispatcher at [`SoundLab::speechd_address`] (the
//! `SPEECHD_ADDRESS` variable of the speech-dispatcher client library).
//!
//! Needs `pulseaudio`, `pulseaudio-utils` (`pactl`, `parec`),
//! `speech-dispatcher` and `speech-dispatcher-espeak-ng` (`.ci/setup`
//! installs them).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Samples per second recorded.
pub const RATE: usize = 16_000;
/// 20 ms frames.
const FRAME: usize = RATE / 50;
/// RMS of a frame that has speech in it (espeak-ng peaks at ~15,000; the
/// null sink's silence is exactly 0).
const VOICED_RMS: f64 = 300.0;

/// A process killed when dropped.
struct Daemon(Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// PulseAudio with a null sink, speech-dispatcher playing into it, and a
/// recorder of the sink's monitor.
pub struct SoundLab {
    dir: tempfile::TempDir,
    speech_socket: PathBuf,
    samples: Arc<Mutex<Vec<i16>>>,
    // Dropped in this order: recorder, speech, sound server.
    _recorder: Daemon,
    _speech: Daemon,
    _pulse: Daemon,
}

/// Polls `ready` every 50 ms, at most 200 times (10 s).
pub fn wait_for(what: &str, ready: impl FnMut() -> bool) {
    wait_up_to(200, what, ready);
}

/// Polls `ready` every 50 ms, at most `tries` times. A bound against a hang,
/// not a timed assertion: a daemon that never comes up or reading that
/// never ends fails the test instead of hanging it.
pub fn wait_up_to(tries: u32, what: &str, mut ready: impl FnMut() -> bool) {
    for _ in 0..tries {
        if ready() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("waited in vain for {what}");
}

impl SoundLab {
    /// Starts the sound server, speech-dispatcher and the recorder; panics
    /// (failing the test) when one of them is missing or does not come up.
    pub fn start() -> Self {
        let dir = tempfile::tempdir().expect("a scratch directory");
        let root = dir.path();
        let run = root.join("run");
        std::fs::create_dir_all(&run).expect("a runtime directory");
        let pulse_socket = root.join("pulse.sock");
        let env = |command: &mut Command| {
            command
                .env("HOME", root)
                .env("XDG_RUNTIME_DIR", &run)
                .env("XDG_CONFIG_HOME", root.join("config"))
                .env("PULSE_SERVER", format!("unix:{}", pulse_socket.display()))
                .stdin(Stdio::null());
        };
        let mut pulse = Command::new("pulseaudio");
        env(&mut pulse);
        pulse
            .args([
                "--daemonize=no",
                "--exit-idle-time=-1",
                "--use-pid-file=no",
                "--system=false",
                "-n",
                "--log-target=stderr",
            ])
            .arg(format!(
                "--load=module-native-protocol-unix socket={} auth-anonymous=1",
                pulse_socket.display()
            ))
            .arg("--load=module-null-sink sink_name=warmline_test")
            .stdout(Stdio::null())
            .stderr(log_file(&root.join("pulseaudio.log")));
        let pulse = Daemon(pulse.spawn().expect("pulseaudio is installed"));
        wait_for("pulseaudio", || {
            let mut info = Command::new("pactl");
            env(&mut info);
            info.arg("info")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|status| status.success())
        });

        let speech_socket = root.join("speechd.sock");
        let logs = root.join("speechd-logs");
        std::fs::create_dir_all(&logs).expect("a log directory");
        let mut speech = Command::new("speech-dispatcher");
        env(&mut speech);
        speech
            .args(["--run-single", "--timeout", "0", "-c", "unix_socket", "-S"])
            .arg(&speech_socket)
            .arg("-L")
            .arg(&logs)
            .arg("-P")
            .arg(root.join("speechd.pid"))
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let speech = Daemon(speech.spawn().expect("speech-dispatcher is installed"));
        wait_for("speech-dispatcher", || speech_socket.exists());

        let mut parec = Command::new("parec");
        env(&mut parec);
        parec
            .args([
                "-d",
                "warmline_test.monitor",
                "--format=s16le",
                "--rate=16000",
                "--channels=1",
                "--raw",
                "--latency-msec=20",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let mut recorder = Daemon(parec.spawn().expect("parec is installed"));
        let samples = Arc::new(Mutex::new(Vec::new()));
        let stdout = recorder.0.stdout.take().expect("the recorder's output");
        record(stdout, samples.clone());
        let lab = Self {
            dir,
            speech_socket,
            samples,
            _recorder: recorder,
            _speech: speech,
            _pulse: pulse,
        };
        wait_for("the recorder", || lab.mark() > RATE / 10);
        lab
    }

    /// Where a speech-dispatcher client connects (`SPEECHD_ADDRESS`).
    pub fn speechd_address(&self) -> String {
        format!("unix_socket:{}", self.speech_socket.display())
    }

    /// Where a PulseAudio client connects (`PULSE_SERVER`).
    pub fn pulse_server(&self) -> String {
        format!("unix:{}", self.dir.path().join("pulse.sock").display())
    }

    /// The lab's scratch directory (its daemons' logs are in it).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Where the recording is now, in samples.
    pub fn mark(&self) -> usize {
        self.lock().len()
    }

    /// Lets `seconds` of audio be recorded (the null sink's clock).
    pub fn record_for(&self, seconds: f64) {
        let until = self.mark() + (seconds * RATE as f64) as usize;
        // Up to four times as long on the wall clock as recorded, against
        // a loaded machine; the bound only keeps a stuck recorder from
        // hanging the test.
        let tries = (seconds * 80.0).ceil() as u32 + 200;
        wait_up_to(tries, "the recording", || self.mark() >= until);
    }

    /// Seconds of speech (voiced 20 ms frames) between two marks.
    pub fn voiced_seconds(&self, from: usize, to: usize) -> f64 {
        let samples = self.lock();
        let to = to.min(samples.len());
        let voiced = samples[from.min(to)..to]
            .chunks(FRAME)
            .filter(|frame| {
                let energy: f64 = frame.iter().map(|s| f64::from(*s).powi(2)).sum();
                (energy / frame.len() as f64).sqrt() > VOICED_RMS
            })
            .count();
        voiced as f64 * FRAME as f64 / RATE as f64
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<i16>> {
        self.samples
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn log_file(path: &Path) -> Stdio {
    std::fs::File::create(path).map_or_else(|_| Stdio::null(), Stdio::from)
}

/// Reads the recorder's raw 16-bit samples into `samples` until it ends.
fn record(mut stdout: impl Read + Send + 'static, samples: Arc<Mutex<Vec<i16>>>) {
    std::thread::spawn(move || {
        let mut buffer = [0u8; 3200];
        let mut odd: Option<u8> = None;
        while let Ok(read) = stdout.read(&mut buffer) {
            if read == 0 {
                break;
            }
            let mut bytes: Vec<u8> = odd.take().into_iter().collect();
            bytes.extend_from_slice(&buffer[..read]);
            if bytes.len() % 2 == 1 {
                odd = bytes.pop();
            }
            let mut samples = samples
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            samples.extend(
                bytes
                    .chunks_exact(2)
                    .map(|pair| i16::from_le_bytes([pair[0], pair[1]])),
            );
        }
    });
}
