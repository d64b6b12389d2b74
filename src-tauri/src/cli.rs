//! Command-line flags for caregivers and help desks, handled before any
//! window opens:
//!
//! - `--check`: runs "check everything" and prints each result in the
//!   user's language; exit code 0 only when every check passed.
//! - `--reset-pin`: the recovery path; removes the PIN and every profile's
//!   secrets from the keyring, never the conversation or the profiles.
//! - `--profile FILE`: adds the prepared profile (an export file, without
//!   secrets) to the settings, makes it active, then starts as usual; the
//!   caregiver enters its secrets in the settings area.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use warmline_settings::{check, transfer, SettingsFile, SystemKeyring};

use crate::startup::StartupSettings;

/// What the arguments ask for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Args {
    /// `--check`.
    pub check: bool,
    /// `--reset-pin`.
    pub reset_pin: bool,
    /// `--profile FILE`.
    pub profile: Option<PathBuf>,
}

impl Args {
    /// Reads the flags; anything else is left to Tauri (which ignores it).
    pub fn parse(args: impl IntoIterator<Item = String>) -> Self {
        let mut parsed = Self::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--check" => parsed.check = true,
                "--reset-pin" => parsed.reset_pin = true,
                "--profile" => parsed.profile = args.next().map(PathBuf::from),
                other => {
                    if let Some(file) = other.strip_prefix("--profile=") {
                        parsed.profile = Some(PathBuf::from(file));
                    }
                }
            }
        }
        parsed
    }
}

/// Handles the flags. `Some(code)`: exit with it, no window; `None`: start
/// the app.
pub fn run(args: &Args, startup: &StartupSettings) -> Option<i32> {
    // Without a flag the file is left to the app: reading it puts a damaged
    // file aside, and the app must be the one that sees that, to say so.
    if *args == Args::default() {
        return None;
    }
    let file = SettingsFile::from_env()?;
    let loaded = file.load();
    let mut startup = startup.clone();
    apply_caregiver_settings(&mut startup, &loaded.settings, |name| {
        std::env::var(name).ok()
    });
    let startup = &startup;
    let localizer = warmline_i18n::Localizer::new(&startup.locale);
    if let Some(path) = &args.profile {
        if let Err(code) = import_profile(&file, path, &localizer) {
            return Some(code);
        }
    }
    if args.reset_pin {
        return Some(reset_pin(&file, &localizer));
    }
    if args.check {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime for the checks");
        let results = runtime.block_on(run_checks(&file, loaded.problem, startup));
        print!("{}", check::render(&results, &localizer));
        return Some(if check::all_passed(&results) { 0 } else { 1 });
    }
    None
}

fn import_profile(
    file: &SettingsFile,
    path: &Path,
    localizer: &warmline_i18n::Localizer,
) -> Result<(), i32> {
    let loaded = file.load();
    let imported = transfer::read(path).and_then(|profile| {
        transfer::import(
            file,
            &loaded.settings,
            profile,
            &Default::default(),
            |p| SystemKeyring::new(p.id.clone()),
            true,
        )
    });
    match imported {
        Ok(_) => Ok(()),
        Err(error) => {
            eprintln!("{}", localizer.format(error.message_id(), None));
            if let transfer::ImportError::Invalid(fields) = &error {
                for field in fields {
                    eprintln!(
                        "  {}: {}",
                        field.field,
                        localizer.format(field.message_id(), None)
                    );
                }
            }
            Err(2)
        }
    }
}

fn reset_pin(file: &SettingsFile, localizer: &warmline_i18n::Localizer) -> i32 {
    match warmline_settings::reset_pin_and_secrets(file) {
        Ok(left) if left.is_empty() => {
            println!("{}", localizer.format("reset-pin-done", None));
            0
        }
        Ok(left) => {
            let mut args = warmline_i18n::Args::new();
            args.set("profiles", left.join(", "));
            println!(
                "{}",
                localizer.format("reset-pin-secrets-left", Some(&args))
            );
            1
        }
        Err(error) => {
            tracing::error!(%error, "the PIN could not be removed");
            println!("{}", localizer.format("pin-storage", None));
            1
        }
    }
}

/// Every check of "check everything", in the order a help desk reads them.
/// `earlier` is the problem found when the settings were first read: that
/// read put a damaged file aside, so reading again finds none, and the
/// problem must still be told.
pub async fn run_checks(
    file: &SettingsFile,
    earlier: Option<warmline_settings::SettingsProblem>,
    startup: &StartupSettings,
) -> Vec<check::CheckResult> {
    let mut loaded = file.load();
    if loaded.problem.is_none() {
        loaded.problem = earlier;
    }
    let profile = loaded.settings.active();
    let keyring = SystemKeyring::new(profile.id.clone());
    let data_dir = startup.data_dir.clone().or_else(default_data_dir);
    let mut results = vec![check::settings(&loaded), check::keyring(&keyring)];
    results.extend(check::backend(&profile, Arc::new(keyring), &startup.locale).await);
    let microphone = warmline_voice::capture::default_microphone_name();
    results.push(check::microphone(
        microphone.as_deref(),
        startup.audio_input.is_some(),
    ));
    let voice = warmline_voice::VoiceService::new(startup.voice_config(data_dir.as_deref()));
    let status = voice.status();
    let model = status.english_model.or(status.chinese_model);
    results.push(check::speech_model(model.as_deref()));
    results.push(check::data_directory(data_dir.as_deref()));
    results
}

/// Where Tauri keeps app data when no window is there to ask: the
/// platform's data directory + the app identifier (tauri.conf.json).
fn default_data_dir() -> Option<PathBuf> {
    dirs::data_dir().map(|dir| dir.join("org.warmline.desktop"))
}

/// Applies what the caregiver set to the start-up settings. The
/// environment variables win (tests, diagnosis; see README): the file's
/// value is used only where the variable is unset.
pub fn apply_caregiver_settings(
    startup: &mut StartupSettings,
    settings: &warmline_settings::Settings,
    var: impl Fn(&str) -> Option<String>,
) {
    let unset = |name: &str| var(name).is_none_or(|value| value.trim().is_empty());
    if let Some(locale) = settings
        .locale
        .as_deref()
        .filter(|_| unset("WARMLINE_LOCALE"))
    {
        startup.locale = warmline_i18n::negotiate(locale).to_owned();
    }
    if unset("WARMLINE_VOICE_SEND_AT_ONCE") {
        startup.voice_sends_at_once = settings.voice.send_at_once;
    }
    if unset("WARMLINE_MODEL_MIRROR") {
        if let Some(mirror) = &settings.voice.model_mirror {
            startup.model_mirror = Some(mirror.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_settings_file_applies_where_no_variable_is_set() {
        let file = warmline_settings::Settings {
            locale: Some("zh-TW".into()),
            voice: warmline_settings::VoiceSettings {
                send_at_once: true,
                model_mirror: Some("https://mirror.example/models".into()),
            },
            ..Default::default()
        };
        let none = |_: &str| None;
        let mut startup = StartupSettings::from_lookup(none, || Some("en-US".into()));
        apply_caregiver_settings(&mut startup, &file, none);
        assert_eq!(startup.locale, "zh-TW");
        assert!(startup.voice_sends_at_once);
        assert_eq!(
            startup.model_mirror.as_deref(),
            Some("https://mirror.example/models")
        );
        // A variable wins over the file.
        let env = |name: &str| match name {
            "WARMLINE_LOCALE" => Some("zh-CN".to_owned()),
            "WARMLINE_VOICE_SEND_AT_ONCE" => Some("0".to_owned()),
            _ => None,
        };
        let mut startup = StartupSettings::from_lookup(env, || None);
        apply_caregiver_settings(&mut startup, &file, env);
        assert_eq!(startup.locale, "zh-CN");
        assert!(!startup.voice_sends_at_once);
    }

    #[test]
    fn flags_are_read_and_others_left_alone() {
        let args = |list: &[&str]| Args::parse(list.iter().map(|s| s.to_string()));
        assert_eq!(args(&[]), Args::default());
        assert!(args(&["--check"]).check);
        assert!(args(&["--reset-pin"]).reset_pin);
        assert_eq!(
            args(&["--profile", "/tmp/bank.json"]).profile,
            Some(PathBuf::from("/tmp/bank.json"))
        );
        assert_eq!(
            args(&["--profile=/tmp/b.json", "--something"]).profile,
            Some(PathBuf::from("/tmp/b.json"))
        );
    }
}
