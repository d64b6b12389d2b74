//! The real microphone path in the real app, as a user's microphone would be
//! heard: a private PulseAudio server whose default source is the monitor of
//! a null sink, `paplay` playing a WAV file into that sink, the app capturing
//! its default input device through `cpal` (ALSA's `default` device, which
//! the `pulse` plugin of `libasound2-plugins` routes to PulseAudio), the
//! pause detector ending listening after the speech, and whisper's words in
//! the text box. No `WARMLINE_AUDIO_INPUT`: the app does not know it is a
//! test.
//!
//! Needs `WARMLINE_TEST_MODELS`, `pulseaudio`, `pulseaudio-utils`,
//! `libasound2-plugins` and `espeak-ng` (all in `.ci/setup`).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use warmline_e2e::voice::{edit_distance, models_folder, speech, text_box, words};
use warmline_e2e::{wait_until, App};

/// The null sink the "microphone" hears.
const SINK: &str = "warmline_mic";

/// A private PulseAudio server (its own HOME, runtime and config folders and
/// socket), stopped when dropped.
struct Pulse {
    daemon: Child,
    root: PathBuf,
    socket: PathBuf,
}

impl Pulse {
    fn start(root: &Path) -> Pulse {
        let root = root.join("pulse");
        std::fs::create_dir_all(root.join("run")).unwrap();
        let socket = root.join("native.sock");
        let mut command = Command::new("pulseaudio");
        let log = std::fs::File::create(root.join("pulseaudio.log")).unwrap();
        command
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
                socket.display()
            ))
            // A microphone's usual format, so the app resamples 48 kHz stereo.
            .arg(format!(
                "--load=module-null-sink sink_name={SINK} rate=48000 channels=2"
            ))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log);
        let pulse = Pulse {
            daemon: Pulse::env_of(&mut command, &root, &socket)
                .spawn()
                .expect("pulseaudio is installed (apt-get install pulseaudio)"),
            root,
            socket,
        };
        let started = Instant::now();
        while !pulse.pactl(&["info"]) {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "pulseaudio did not start; see {}",
                pulse.root.join("pulseaudio.log").display()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        assert!(pulse.pactl(&["set-default-source", &format!("{SINK}.monitor")]));
        pulse
    }

    fn env_of<'c>(command: &'c mut Command, root: &Path, socket: &Path) -> &'c mut Command {
        command
            .env("HOME", root)
            .env("XDG_RUNTIME_DIR", root.join("run"))
            .env("XDG_CONFIG_HOME", root.join("config"))
            .env("PULSE_SERVER", format!("unix:{}", socket.display()))
    }

    fn pactl(&self, args: &[&str]) -> bool {
        let mut command = Command::new("pactl");
        Pulse::env_of(&mut command, &self.root, &self.socket)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// What the app needs to reach this server (and nothing else of ours).
    fn server(&self) -> String {
        format!("unix:{}", self.socket.display())
    }

    /// Plays `wav` into the sink, the way a voice reaches a microphone.
    fn play(&self, wav: &Path) -> Child {
        let mut command = Command::new("paplay");
        Pulse::env_of(&mut command, &self.root, &self.socket)
            .arg("-d")
            .arg(SINK)
            .arg(wav)
            .stdin(Stdio::null())
            .spawn()
            .expect("paplay is installed (pulseaudio-utils)")
    }
}

impl Drop for Pulse {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

#[test]
fn a_sentence_heard_through_the_default_microphone_lands_in_the_text_box() {
    const SAID: &str = "I would like to check the balance of my bank account. \
        My card was not working at the shop this morning.";
    let scratch =
        std::env::temp_dir().join(format!("warmline-e2e-microphone-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let pulse = Pulse::start(&scratch);
    let models = models_folder(&scratch);
    let wav = speech(&scratch, "en", "en-us", SAID);
    let server = pulse.server();
    let models_dir = models.to_string_lossy().into_owned();
    let app = App::launch(&[
        ("WARMLINE_LOCALE", "en-US"),
        ("WARMLINE_MODELS_DIR", &models_dir),
        ("PULSE_SERVER", &server),
    ]);
    app.wait_for_attribute("data-loaded", "true");
    app.wait_for_element_attribute("#mic-button", "data-voice-state", "idle");
    app.driver.click(&app.wait_for("#mic-button")).unwrap();
    app.wait_for_element_attribute("#mic-button", "data-voice-state", "listening");
    let mut player = pulse.play(&wav);
    let text = wait_until(
        Duration::from_secs(180),
        "words heard through the microphone in the text box",
        || {
            let text = text_box(&app);
            if text.trim().is_empty() {
                Err(format!("text box: {text:?}"))
            } else {
                Ok(Some(text))
            }
        },
    );
    let _ = player.wait();
    let reference = words(SAID);
    let wer = edit_distance(&reference, &words(&text)) as f64 / reference.len() as f64;
    println!(
        "microphone (PulseAudio → ALSA → cpal, tiny.en) heard {text:?}: WER {:.1}%",
        wer * 100.0
    );
    assert!(wer <= 0.3, "WER {wer}: {text:?}");
    app.wait_for_text("#voice-status", "the done message", |t| t.contains("Done"));
    app.wait_for_element_attribute("#mic-button", "data-voice-state", "idle");
    let sent = app
        .driver
        .find_all("#transcript .message[data-author-kind='user']")
        .unwrap();
    assert!(sent.is_empty(), "heard words are not sent without the user");
    app.screenshot("voice-microphone");
    drop(app);
    drop(pulse);
    let _ = std::fs::remove_dir_all(&scratch);
}
