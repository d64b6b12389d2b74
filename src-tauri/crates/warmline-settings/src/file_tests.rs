use super::*;
use warmline_backends::profile::{BackendSettings, RelaySettings};

fn relay_profile(id: &str, url: &str) -> BackendProfile {
    BackendProfile {
        id: ProfileId(id.into()),
        name: "My bank".into(),
        backend: BackendSettings::Relay(RelaySettings {
            url: url.into(),
            extra_ca: None,
        }),
    }
}

fn codes(settings: &Settings) -> Vec<(String, FieldErrorCode)> {
    settings
        .validate()
        .into_iter()
        .map(|e| (e.field, e.code))
        .collect()
}

#[test]
fn defaults_are_the_demo_at_normal_size_with_the_buttons() {
    let settings = Settings::default();
    assert!(settings.validate().is_empty());
    assert_eq!(settings.active(), BackendProfile::demo());
    assert_eq!(settings.text_scale_percent, 100);
    assert!(settings.show_text_size_buttons);
}

#[test]
fn every_bad_value_names_its_field_and_its_own_code() {
    let field = |name: &str, code| (name.to_owned(), code);
    let base = || Settings {
        profiles: vec![relay_profile("p-bank", "wss://bank.example")],
        active_profile: ProfileId("p-bank".into()),
        ..Settings::default()
    };
    assert!(base().validate().is_empty());

    for (scale, ok) in [
        (99, false),
        (100, true),
        (300, true),
        (301, false),
        (0, false),
    ] {
        let settings = Settings {
            text_scale_percent: scale,
            ..base()
        };
        let expected = if ok {
            vec![]
        } else {
            vec![field("textScalePercent", FieldErrorCode::OutOfRange)]
        };
        assert_eq!(codes(&settings), expected, "{scale}");
    }
    let settings = Settings {
        locale: Some("fr-FR".into()),
        ..base()
    };
    assert_eq!(
        codes(&settings),
        [field("locale", FieldErrorCode::Unsupported)]
    );
    let settings = Settings {
        active_profile: ProfileId("p-gone".into()),
        ..base()
    };
    assert_eq!(
        codes(&settings),
        [field("activeProfile", FieldErrorCode::NotFound)]
    );
    let mut settings = base();
    settings
        .profiles
        .push(relay_profile("p-bank", "wss://other.example"));
    settings
        .profiles
        .push(relay_profile("demo", "wss://x.example"));
    assert_eq!(
        codes(&settings),
        [
            field("profiles[1].id", FieldErrorCode::Duplicate),
            field("profiles[2].id", FieldErrorCode::Duplicate)
        ]
    );
    let settings = Settings {
        profiles: vec![relay_profile("p-bank", "ws://bank.example")],
        ..base()
    };
    assert_eq!(
        codes(&settings),
        [field("profiles[0].backend.url", FieldErrorCode::Insecure)]
    );
    let mut settings = base();
    settings.voice.model_mirror = Some("ftp://mirror.example".into());
    assert_eq!(
        codes(&settings),
        [field("voice.modelMirror", FieldErrorCode::WrongScheme)]
    );
    settings.voice.model_mirror = Some("https://mirror.example/models".into());
    assert!(settings.validate().is_empty());
    for rate in [49, 201] {
        settings.read_aloud.rate_percent = rate;
        assert_eq!(
            codes(&settings),
            [field("readAloud.ratePercent", FieldErrorCode::OutOfRange)]
        );
    }
    settings.read_aloud.rate_percent = 200;
    assert!(settings.validate().is_empty());
}

#[test]
fn a_file_from_before_read_aloud_loads_with_read_aloud_off() {
    let dir = tempfile::tempdir().unwrap();
    let file = SettingsFile::new(dir.path());
    fs::create_dir_all(dir.path()).unwrap();
    fs::write(
        file.path(),
        b"{\"format\": \"warmline-settings\", \"version\": 1, \"profiles\": [], \"activeProfile\": \"demo\", \"locale\": null, \"textScalePercent\": 150, \"showTextSizeButtons\": true, \"voice\": {\"sendAtOnce\": false, \"modelMirror\": null}}",
    )
    .unwrap();
    let loaded = file.load();
    assert_eq!(loaded.problem, None);
    assert_eq!(loaded.settings.text_scale_percent, 150);
    assert_eq!(loaded.settings.read_aloud, ReadAloudSettings::default());
    assert!(!loaded.settings.read_aloud.enabled);
}

#[test]
fn saved_settings_load_back_and_invalid_ones_are_not_written() {
    let dir = tempfile::tempdir().unwrap();
    let file = SettingsFile::new(dir.path().join("config"));
    let settings = Settings {
        profiles: vec![relay_profile("p-bank", "wss://bank.example")],
        active_profile: ProfileId("p-bank".into()),
        locale: Some("zh-TW".into()),
        text_scale_percent: 200,
        show_text_size_buttons: false,
        voice: VoiceSettings {
            send_at_once: true,
            model_mirror: None,
        },
        read_aloud: ReadAloudSettings {
            enabled: true,
            rate_percent: 80,
            voice: Some("Mandarin".into()),
        },
        ..Settings::default()
    };
    file.save(&settings).unwrap();
    assert_eq!(
        file.load(),
        Loaded {
            settings: settings.clone(),
            problem: None
        }
    );
    let bad = Settings {
        text_scale_percent: 500,
        ..settings.clone()
    };
    assert!(matches!(file.save(&bad), Err(SaveError::Invalid(_))));
    assert_eq!(file.load().settings, settings);
}

#[test]
fn a_failure_between_write_and_rename_leaves_the_old_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FILE_NAME);
    write_atomic(&path, b"old and whole").unwrap();
    let result = write_atomic_with(&path, b"new", || Err(io::Error::other("power cut")));
    assert!(result.is_err());
    assert_eq!(fs::read(&path).unwrap(), b"old and whole");
    // No temporary file is left behind to confuse anyone.
    let names: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, [FILE_NAME]);
    write_atomic(&path, b"new").unwrap();
    assert_eq!(fs::read(&path).unwrap(), b"new");
}

#[test]
fn an_unusable_file_is_kept_aside_and_the_last_good_settings_are_used() {
    let good = Settings {
        text_scale_percent: 250,
        ..Settings::default()
    };
    let cases: [(&[u8], SettingsProblemCode); 5] = [
        (b"{\"format\": \"warmline-settings\", \"vers", SettingsProblemCode::Damaged),
        (b"{\"theme\": \"dark\"}", SettingsProblemCode::Foreign),
        (
            b"{\"format\": \"warmline-settings\", \"version\": 2, \"new\": true}",
            SettingsProblemCode::Newer,
        ),
        (b"\xff\xfe\x00garbage", SettingsProblemCode::Damaged),
        (
            b"{\"format\": \"warmline-settings\", \"version\": 1, \"profiles\": [], \"activeProfile\": \"demo\", \"locale\": null, \"textScalePercent\": 900, \"showTextSizeButtons\": true, \"voice\": {\"sendAtOnce\": false, \"modelMirror\": null}}",
            SettingsProblemCode::Invalid,
        ),
    ];
    for (bytes, code) in cases {
        let dir = tempfile::tempdir().unwrap();
        let file = SettingsFile::new(dir.path());
        file.save(&good).unwrap();
        fs::write(file.path(), bytes).unwrap();
        let loaded = file.load();
        assert_eq!(loaded.settings, good, "{code:?}");
        let problem = loaded.problem.expect("a problem is reported");
        assert_eq!(problem.code, code);
        assert!(problem.used_last_good);
        if code == SettingsProblemCode::Invalid {
            assert_eq!(
                problem.fields,
                [FieldError::new(
                    "textScalePercent",
                    FieldErrorCode::OutOfRange
                )]
            );
        }
        // The unusable file is kept byte for byte, under a name no save uses.
        let kept = problem.kept_as.expect("kept aside");
        assert_eq!(fs::read(&kept).unwrap(), bytes);
        // Saving afterwards never touches the kept file.
        file.save(&Settings::default()).unwrap();
        assert_eq!(fs::read(&kept).unwrap(), bytes);
    }
}

#[test]
fn without_a_last_good_copy_the_demo_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let file = SettingsFile::new(dir.path());
    fs::write(file.path(), b"not json").unwrap();
    let loaded = file.load();
    assert_eq!(loaded.settings, Settings::default());
    let problem = loaded.problem.unwrap();
    assert_eq!(problem.code, SettingsProblemCode::Damaged);
    assert!(!problem.used_last_good);
    // A missing file is simply the defaults, with nothing to report.
    let empty = tempfile::tempdir().unwrap();
    assert_eq!(
        SettingsFile::new(empty.path()).load(),
        Loaded {
            settings: Settings::default(),
            problem: None
        }
    );
}

#[test]
fn every_problem_code_has_a_sentence_in_every_language() {
    for locale in warmline_i18n::SUPPORTED_LOCALES {
        let localizer = warmline_i18n::Localizer::new(locale);
        for code in SettingsProblemCode::ALL {
            assert!(localizer.has(code.message_id()), "{locale} {code:?}");
        }
        for code in FieldErrorCode::ALL {
            assert!(localizer.has(code.message_id()), "{locale} {code:?}");
        }
    }
}
