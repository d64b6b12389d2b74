//! `SystemKeyring` against a REAL Secret Service: each test runs its body in
//! a child process under its own `dbus-run-session`, with a fresh
//! `gnome-keyring-daemon` (unlocked with a test password, then locked, or
//! absent), its own HOME, and a reference relay server on loopback that
//! requires the token. The parent then greps every file of the test's
//! directories and everything the child printed (trace-level logs
//! included) for the secret values.
//!
//! Needs `dbus-run-session`, `dbus-send` and `gnome-keyring-daemon`
//! (Debian: dbus, gnome-keyring; installed by .ci/setup). The daemon is
//! started by `warmline-keyring-session`, which the end-to-end tests of the
//! real app share.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use warmline_backends::profile::{BackendProfile, BackendSettings, ProfileId, RelaySettings};
use warmline_core::{Secret, SecretError, SecretSource};
use warmline_keyring_session::KeyringDaemon;
use warmline_netfault::relay_server::{RelayServer, RelayServerConfig};
use warmline_settings::check::{self, CheckId};
use warmline_settings::transfer;
use warmline_settings::{Settings, SettingsFile, SystemKeyring};

const SCENARIO: &str = "WARMLINE_KEYRING_TEST_ROOT";
const TOKEN: &str = "tok-Q7vX-never-in-a-file-93kz";
const OTHER_TOKEN: &str = "tok-second-Lm2p-never-logged";
const PASSWORD: &str = warmline_keyring_session::TEST_PASSWORD;

/// In the parent: runs `test` (this binary, filtered to one test) under a
/// new session bus with `root` as HOME, and returns what it printed.
/// In the child: `None`, and the caller runs the body.
fn in_own_session(test: &str, bus: Bus) -> Option<(tempfile::TempDir, String)> {
    if std::env::var_os(SCENARIO).is_some() {
        return None;
    }
    let root = tempfile::tempdir().unwrap();
    for dir in ["home", "run", "data", "config"] {
        std::fs::create_dir_all(root.path().join(dir)).unwrap();
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let run = root.path().join("run");
        std::fs::set_permissions(&run, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    let exe = std::env::current_exe().unwrap();
    let mut command = match bus {
        Bus::Own => {
            let mut command = Command::new("dbus-run-session");
            command.arg("--").arg(&exe);
            command
        }
        Bus::None => {
            let mut command = Command::new(&exe);
            command.env(
                "DBUS_SESSION_BUS_ADDRESS",
                format!("unix:path={}", root.path().join("no-bus").display()),
            );
            command
        }
    };
    let output = command
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(SCENARIO, root.path())
        .env("HOME", root.path().join("home"))
        .env("XDG_DATA_HOME", root.path().join("home/.local/share"))
        .env("XDG_CONFIG_HOME", root.path().join("home/.config"))
        .env("XDG_RUNTIME_DIR", root.path().join("run"))
        .env("WARMLINE_CONFIG_DIR", root.path().join("config"))
        .env("RUST_LOG", "trace")
        // No display: an unlock prompt must fail, not wait for a person.
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("dbus-run-session (Debian package dbus) is installed");
    let printed = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "the child failed:\n{printed}");
    assert!(
        printed.contains("1 passed"),
        "the child ran no test:\n{printed}"
    );
    Some((root, printed))
}

#[derive(Clone, Copy)]
enum Bus {
    Own,
    None,
}

fn root() -> PathBuf {
    PathBuf::from(std::env::var_os(SCENARIO).unwrap())
}

/// Logs everything at trace level, filtered as the app filters its logs
/// (`warmline_backends::SECRET_SAFE_LOG_DIRECTIVES`), to what the parent
/// greps.
fn log_everything() {
    let mut filter = tracing_subscriber::EnvFilter::new("trace");
    for directive in warmline_backends::SECRET_SAFE_LOG_DIRECTIVES {
        filter = filter.add_directive(directive.parse().unwrap());
    }
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Starts gnome-keyring-daemon on this session bus (the shared starter of
/// `warmline-keyring-session`); `unlock`: creates and unlocks the login
/// keyring with the test password.
fn start_keyring(unlock: bool) -> KeyringDaemon {
    KeyringDaemon::start(unlock.then_some(PASSWORD)).unwrap()
}

fn relay_profile(url: &str) -> BackendProfile {
    BackendProfile {
        id: ProfileId("p-bank".into()),
        name: "My bank".into(),
        backend: BackendSettings::Relay(RelaySettings {
            url: url.into(),
            extra_ca: None,
        }),
    }
}

/// Every file under `dir` that contains one of `needles`.
fn files_containing(dir: &Path, needles: &[&str]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                let text = String::from_utf8_lossy(&bytes);
                if needles.iter().any(|n| text.contains(n)) {
                    found.push(path);
                }
            }
        }
    }
    found
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn an_unlocked_keyring_keeps_the_token_and_the_relay_accepts_it() {
    if let Some((root, printed)) = in_own_session(
        "an_unlocked_keyring_keeps_the_token_and_the_relay_accepts_it",
        Bus::Own,
    ) {
        assert!(printed.contains("CHECKED signed-in"), "{printed}");
        let leaked: Vec<&str> = printed
            .lines()
            .filter(|line| line.contains(TOKEN) || line.contains(OTHER_TOKEN))
            .collect();
        assert!(
            leaked.is_empty(),
            "secret values in the output: {leaked:#?}"
        );
        let leaks = files_containing(root.path(), &[TOKEN, OTHER_TOKEN]);
        assert!(leaks.is_empty(), "secret values in {leaks:?}");
        // The keyring really holds something (its encrypted file exists).
        assert!(root.path().join("home/.local/share/keyrings").is_dir());
        return;
    }
    log_everything();
    let daemon = start_keyring(true);
    let rt = runtime();
    let server = rt
        .block_on(RelayServer::start(RelayServerConfig {
            token: Some(TOKEN.into()),
            ..RelayServerConfig::default()
        }))
        .unwrap();
    let file = SettingsFile::new(root().join("config"));
    let keyring_of = |p: &BackendProfile| SystemKeyring::new(p.id.clone());
    let settings = transfer::import(
        &file,
        &Settings::default(),
        relay_profile(&server.url()),
        &BTreeMap::from([("token".to_owned(), Secret::new(TOKEN))]),
        keyring_of,
        true,
    )
    .unwrap();
    assert_eq!(settings.active_profile, ProfileId("p-bank".into()));
    let keyring = SystemKeyring::new(ProfileId("p-bank".into()));
    assert_eq!(keyring.secret("token").unwrap().expose(), TOKEN);
    assert_eq!(
        keyring.secret("password"),
        Err(SecretError::Missing("password".into()))
    );
    assert!(check::keyring(&keyring).passed);

    let profile = file.load().settings.active();
    let [reachable, signed_in] =
        rt.block_on(check::backend(&profile, Arc::new(keyring.clone()), "en-US"));
    assert!(reachable.passed, "{reachable:?}");
    assert!(reachable.args.contains_key("ms"));
    assert!(signed_in.passed, "{signed_in:?}");
    assert_eq!(signed_in.check, CheckId::SignedIn);
    println!("CHECKED signed-in");
    // Everything, as `warmline --check` prints it (the microphone and the
    // model are the app's facts; here: none).
    let mut all = vec![check::settings(&file.load()), check::keyring(&keyring)];
    all.extend([reachable, signed_in]);
    all.push(check::microphone(None, false));
    all.push(check::speech_model(None));
    all.push(check::data_directory(Some(&root().join("data"))));
    for locale in ["en-US", "zh-TW"] {
        let localizer = warmline_i18n::Localizer::new(locale);
        println!("{}", check::render(&all, &localizer));
    }

    // A replaced token is the one the relay now sees: refused.
    keyring.store("token", &Secret::new(OTHER_TOKEN)).unwrap();
    let [_, refused] = rt.block_on(check::backend(&profile, Arc::new(keyring.clone()), "en-US"));
    assert_eq!(refused.message_id, "check-signin-refused");
    assert!(server.handshakes_refused() >= 1);

    // Deleting the profile's secrets leaves none; deleting twice is fine.
    keyring.delete_all(&["token"]).unwrap();
    keyring.delete_all(&["token"]).unwrap();
    assert_eq!(
        keyring.secret("token"),
        Err(SecretError::Missing("token".into()))
    );
    drop(server);
    drop(daemon);
}

#[test]
fn a_locked_keyring_is_reported_as_locked_and_loses_nothing() {
    if let Some((root, printed)) = in_own_session(
        "a_locked_keyring_is_reported_as_locked_and_loses_nothing",
        Bus::Own,
    ) {
        assert!(printed.contains("CHECKED locked"), "{printed}");
        assert!(!printed.contains(TOKEN));
        assert!(files_containing(root.path(), &[TOKEN]).is_empty());
        return;
    }
    log_everything();
    let daemon = start_keyring(true);
    let keyring = SystemKeyring::new(ProfileId("p-bank".into()));
    keyring.store("token", &Secret::new(TOKEN)).unwrap();
    daemon.lock().unwrap();
    let error = keyring.secret("token").unwrap_err();
    assert_eq!(error, SecretError::Locked, "{error:?}");
    let backend_error = warmline_core::BackendError::from(error);
    assert!(matches!(
        backend_error,
        warmline_core::BackendError::CredentialsUnavailable(_)
    ));
    assert!(backend_error.is_transient(), "a locked keyring is retried");
    let result = check::keyring(&keyring);
    assert!(!result.passed);
    assert_eq!(result.message_id, "keyring-locked");
    // An import into a locked keyring fails and changes no settings.
    let file = SettingsFile::new(root().join("config"));
    let error = transfer::import(
        &file,
        &Settings::default(),
        relay_profile("ws://127.0.0.1:9"),
        &BTreeMap::from([("token".to_owned(), Secret::new(TOKEN))]),
        |p| SystemKeyring::new(p.id.clone()),
        true,
    )
    .unwrap_err();
    assert!(
        matches!(error, transfer::ImportError::Keyring(_)),
        "{error:?}"
    );
    assert!(!file.path().exists());
    println!("CHECKED locked");
    drop(daemon);
}

#[test]
fn without_any_keyring_service_secrets_are_unavailable_and_never_written_elsewhere() {
    if let Some((root, printed)) = in_own_session(
        "without_any_keyring_service_secrets_are_unavailable_and_never_written_elsewhere",
        Bus::None,
    ) {
        assert!(printed.contains("CHECKED absent"), "{printed}");
        assert!(files_containing(root.path(), &[TOKEN]).is_empty());
        return;
    }
    log_everything();
    let keyring = SystemKeyring::new(ProfileId("p-bank".into()));
    let stored = keyring.store("token", &Secret::new(TOKEN));
    assert!(
        matches!(stored, Err(SecretError::Unavailable(_))),
        "{stored:?}"
    );
    assert!(matches!(
        keyring.secret("token"),
        Err(SecretError::Unavailable(_))
    ));
    let result = check::keyring(&keyring);
    assert_eq!(result.message_id, "keyring-unavailable");
    assert!(result.advice_id.is_some());
    println!("CHECKED absent");
}
