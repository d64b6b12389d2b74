use std::path::PathBuf;

use super::*;

fn bindings_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts")
}

/// `ui/src/bindings.ts` is generated from the Rust commands and types. Run
/// `WARMLINE_UPDATE_BINDINGS=1 cargo test -p warmline bindings` after changing
/// them; without that variable this test fails when the file is stale.
#[test]
fn typescript_bindings_are_current() {
    let generated =
        std::env::temp_dir().join(format!("warmline-bindings-{}.ts", std::process::id()));
    specta_builder()
        .export(specta_typescript::Typescript::default(), &generated)
        .expect("exporting TypeScript bindings");
    let fresh = std::fs::read_to_string(&generated).expect("reading the exported bindings");
    let _ = std::fs::remove_file(&generated);

    let path = bindings_path();
    if std::env::var_os("WARMLINE_UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &fresh).expect("writing ui/src/bindings.ts");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "ui/src/bindings.ts is stale: run `WARMLINE_UPDATE_BINDINGS=1 cargo test -p warmline bindings`"
    );
}

#[test]
fn startup_settings_pick_a_supported_language_and_demo_timing() {
    let settings = StartupSettings::from_lookup(
        |name| match name {
            "WARMLINE_LOCALE" => Some("zh_HK.UTF-8".into()),
            "WARMLINE_DEMO_QUEUE_STEP_MS" => Some("1500".into()),
            "WARMLINE_DEMO_REPLY_DELAY_MS" => Some("not a number".into()),
            "WARMLINE_DEMO_AFTER_HOURS" => Some("1".into()),
            "WARMLINE_DATA_DIR" => Some("/tmp/warmline-test-data".into()),
            _ => None,
        },
        || Some("en-US".into()),
    );
    assert_eq!(settings.locale, "zh-TW");
    assert!(settings.demo.after_hours);
    assert_eq!(
        settings.data_dir.as_deref(),
        Some(std::path::Path::new("/tmp/warmline-test-data"))
    );
    assert_eq!(
        settings.demo.queue_step,
        std::time::Duration::from_millis(1500)
    );
    assert_eq!(
        settings.demo.reply_delay,
        warmline_backends::demo::DemoConfig::default().reply_delay,
        "a malformed value is ignored, not fatal"
    );

    let from_system = StartupSettings::from_lookup(|_| None, || Some("zh-CN".into()));
    assert_eq!(from_system.locale, "zh-CN");
    let nothing = StartupSettings::from_lookup(|_| None, || None);
    assert_eq!(nothing.locale, "en-US");
    assert!(!nothing.demo.after_hours);
}

#[test]
fn a_store_that_cannot_be_opened_is_reported_and_the_app_goes_on_in_memory() {
    let dir = std::env::temp_dir().join(format!("warmline-garbage-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = warmline_store::default_path(&dir);
    std::fs::write(&path, vec![0x5a_u8; 4096]).unwrap();
    let store = warmline_session::open_profile_store(
        Some(&dir),
        &warmline_backends::profile::ProfileId::demo(),
    );
    assert!(
        store.load().is_err(),
        "the failure is reported to the engine"
    );
    store.save_draft("still works").unwrap();
    assert_eq!(
        std::fs::read(&path).unwrap(),
        vec![0x5a_u8; 4096],
        "the damaged file is kept"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn voice_in(dir: &std::path::Path, locale: &str) -> voice::Voice {
    let service = warmline_voice::VoiceService::new(warmline_voice::VoiceConfig {
        models_dir: dir.to_path_buf(),
        ..warmline_voice::VoiceConfig::default()
    });
    voice::Voice::new(service, locale.into(), false)
}

#[test]
fn without_a_model_the_window_is_told_which_download_it_needs() {
    let dir = std::env::temp_dir().join(format!("warmline-voice-app-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let catalogue = warmline_voice::Catalogue::builtin();
    for (locale, language) in [
        ("en-US", warmline_voice::Language::English),
        ("zh-TW", warmline_voice::Language::Mandarin),
    ] {
        let voice = voice_in(&dir, locale);
        let first = &catalogue.preference(language)[0];
        let size = catalogue.get(first).unwrap().size_mib;
        let status = voice.status();
        assert_eq!(
            status.model,
            VoiceModelState::Missing {
                megabytes: u32::try_from(size).unwrap()
            },
            "{locale}"
        );
        assert_eq!(status.phase, DictationPhase::Idle);
        // Pressing the button says why nothing happens, in the user's words.
        let error = voice.start().unwrap_err();
        assert_eq!(error.message_id, "voice-error-no-model");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn voice_events_reach_the_window_translated() {
    let dir = std::env::temp_dir().join(format!("warmline-voice-events-{}", std::process::id()));
    let voice = voice_in(&dir, "zh-CN");
    use warmline_voice::VoiceEvent;
    assert_eq!(
        voice.update_for(VoiceEvent::Final { text: "  ".into() }),
        VoiceUpdate::NothingHeard
    );
    assert_eq!(
        voice.update_for(VoiceEvent::Final {
            text: "我的包裹".into()
        }),
        VoiceUpdate::Final {
            text: "我的包裹".into()
        }
    );
    let lost = warmline_voice::VoiceError::DeviceLost("unplugged".into()).to_failure();
    match voice.update_for(VoiceEvent::Failed { error: lost }) {
        VoiceUpdate::Failed { error } => {
            assert_eq!(error.message_id, "voice-error-device-lost");
            assert!(error.args.is_empty(), "no detail reaches the window");
        }
        other => panic!("{other:?}"),
    }
}

/// Each window's capability file grants exactly its list in
/// `command_lists.rs`: the chat window no command that reads or changes the
/// caregiver's set-up, the settings window no conversation command.
#[test]
fn each_window_may_call_only_its_own_commands() {
    let granted = |file: &str| -> Vec<String> {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("capabilities")
            .join(file);
        let text = std::fs::read_to_string(&path).expect("reading a capability file");
        let json: serde_json::Value = serde_json::from_str(&text).expect("a JSON capability");
        let mut commands: Vec<String> = json["permissions"]
            .as_array()
            .expect("a permission list")
            .iter()
            .filter_map(|p| p.as_str()?.strip_prefix("allow-"))
            .map(|p| p.replace('-', "_"))
            .collect();
        commands.sort();
        commands
    };
    let sorted = |list: &[&str]| {
        let mut list: Vec<String> = list.iter().map(|c| (*c).to_owned()).collect();
        list.sort();
        list
    };
    assert_eq!(granted("default.json"), sorted(command_lists::CHAT_WINDOW));
    assert_eq!(
        granted("settings.json"),
        sorted(command_lists::SETTINGS_WINDOW)
    );
    for command in command_lists::CHAT_WINDOW {
        assert!(
            *command == "settings_status" || !command.starts_with("settings_"),
            "the chat window must not get {command}"
        );
    }
    for command in [
        "send_message",
        "request_person",
        "save_draft",
        "open_settings",
        "set_text_scale",
    ] {
        assert!(
            !command_lists::SETTINGS_WINDOW.contains(&command),
            "{command}"
        );
    }
    // Every command the bindings know is in the list, and nothing else.
    let bindings = std::fs::read_to_string(bindings_path()).unwrap_or_default();
    let mut invoked: Vec<String> = bindings
        .split("__TAURI_INVOKE")
        .skip(1)
        .filter(|rest| rest.starts_with('(') || rest.starts_with('<'))
        .filter_map(|rest| rest.split_once("(\"").map(|(_, name)| name))
        .filter_map(|rest| rest.split('"').next().map(str::to_owned))
        .collect();
    invoked.sort();
    invoked.dedup();
    for list in [command_lists::CHAT_WINDOW, command_lists::SETTINGS_WINDOW] {
        let mut once = sorted(list);
        once.dedup();
        assert_eq!(once.len(), list.len(), "a command listed twice");
    }
    let all: Vec<String> = command_lists::all()
        .into_iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(invoked, all);
}

#[test]
fn a_settings_file_put_aside_at_start_is_still_told_by_check_everything_and_no_flag_reads_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.json");
    std::fs::write(&path, b"{\"version\": 1, \"activeProfile\": ").unwrap();
    let startup = StartupSettings::from_lookup(|_| None, || Some("en-US".into()));

    // No flag: the file is the app's to read (and to say it is damaged).
    assert_eq!(cli::run(&cli::Args::default(), &startup), None);
    assert!(
        path.exists(),
        "no flag, no read: the damaged file is where it was"
    );

    let file = warmline_settings::SettingsFile::new(dir.path().to_path_buf());
    let at_start = file.load();
    assert!(at_start.problem.is_some(), "the start finds the damage");
    assert!(file.load().problem.is_none(), "and the file is aside now");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let results = runtime.block_on(cli::run_checks(&file, at_start.problem, &startup));
    let settings = results
        .iter()
        .find(|result| result.check == warmline_settings::check::CheckId::Settings)
        .expect("a settings check");
    assert!(!settings.passed);
    assert_eq!(settings.message_id, "settings-problem-damaged");
}
