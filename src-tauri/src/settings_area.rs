//! The settings area's state: the settings in force, the PIN lock and
//! whether the area is open. Everything here that reads or changes the
//! caregiver's set-up refuses while the area is locked (one guard, kept
//! private with the state it guards); the commands themselves are in
//! `settings_commands`.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use warmline_backends::profile::{BackendProfile, ProfileId};
use warmline_core::Secret;
use warmline_settings::transfer;
use warmline_settings::{Settings, SettingsFile, SettingsProblem, SystemKeyring};

use crate::settings_commands::{FieldProblem, SettingsError, SettingsErrorCode, SettingsStatus};

/// The settings area as managed state.
pub struct SettingsArea {
    file: SettingsFile,
    pin: warmline_settings::PinLock,
    languages: UiLanguage,
    inner: Mutex<Inner>,
}

/// Where the UI language comes from: `WARMLINE_LOCALE` when set (it wins
/// over the file), else the file's choice, else the system's.
#[derive(Debug, Clone, Default)]
pub struct UiLanguage {
    /// The language fixed by `WARMLINE_LOCALE`, if set.
    pub fixed: Option<String>,
    /// The system's language (negotiated), used when the file has none.
    pub system: String,
}

/// What changes while the app runs, behind one lock.
struct Inner {
    unlocked: bool,
    settings: Settings,
    problem: Option<SettingsProblem>,
}

impl SettingsArea {
    /// Loads the settings in `file` (never fails; see `SettingsFile::load`).
    #[cfg(test)]
    pub fn new(file: SettingsFile) -> Self {
        let loaded = file.load();
        Self::from_loaded(file, loaded, UiLanguage::default())
    }

    /// The settings already read from `file`, with the problem found then.
    pub fn from_loaded(
        file: SettingsFile,
        loaded: warmline_settings::Loaded,
        languages: UiLanguage,
    ) -> Self {
        let pin = warmline_settings::PinLock::new(file.dir());
        Self {
            file,
            pin,
            languages,
            inner: Mutex::new(Inner {
                unlocked: false,
                settings: loaded.settings,
                problem: loaded.problem,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The settings now in force.
    pub fn settings(&self) -> Settings {
        self.lock().settings.clone()
    }

    /// The UI language in force now (see [`UiLanguage`]).
    pub fn locale(&self) -> String {
        let inner = self.lock();
        self.locale_of(&inner.settings)
    }

    fn locale_of(&self, settings: &Settings) -> String {
        if let Some(fixed) = &self.languages.fixed {
            return fixed.clone();
        }
        match settings.locale.as_deref() {
            Some(chosen) => warmline_i18n::negotiate(chosen).to_owned(),
            None if self.languages.system.is_empty() => warmline_i18n::negotiate("").to_owned(),
            None => self.languages.system.clone(),
        }
    }

    /// The elder's "Smaller text / Bigger text" (or Ctrl +/−): changes the
    /// text size alone, kept in the settings file. No PIN: it is the
    /// elder's own control, and nothing else of the set-up can change
    /// through it.
    pub fn set_text_scale(&self, percent: u16) -> Result<(), SettingsError> {
        let mut inner = self.lock();
        let mut next = inner.settings.clone();
        next.text_scale_percent = percent;
        self.file.save(&next)?;
        inner.settings = next;
        Ok(())
    }

    /// See [`settings_status`].
    pub fn status(&self) -> SettingsStatus {
        let inner = self.lock();
        SettingsStatus {
            locale: self.locale_of(&inner.settings),
            pin_set: self.pin.is_set(),
            unlocked: inner.unlocked,
            problem_message_id: inner
                .problem
                .as_ref()
                .map(|p| p.code.message_id().to_owned()),
            problem_fields: inner
                .problem
                .as_ref()
                .map(|p| p.fields.iter().map(FieldProblem::from).collect())
                .unwrap_or_default(),
            problem_kept_as: inner
                .problem
                .as_ref()
                .and_then(|p| p.kept_as.as_ref())
                .map(|path| path.display().to_string()),
            text_scale_percent: inner.settings.text_scale_percent,
            show_text_size_buttons: inner.settings.show_text_size_buttons,
        }
    }

    /// See [`settings_set_pin`].
    pub fn set_pin(&self, pin: &str) -> Result<(), SettingsError> {
        let mut inner = self.lock();
        if self.pin.is_set() && !inner.unlocked {
            return Err(SettingsError::new(
                SettingsErrorCode::Locked,
                "settings-locked",
            ));
        }
        self.pin.set(pin)?;
        inner.unlocked = true;
        Ok(())
    }

    /// See [`settings_unlock`].
    pub fn unlock(&self, pin: &str) -> Result<(), SettingsError> {
        self.pin.verify(pin)?;
        self.lock().unlocked = true;
        Ok(())
    }

    /// See [`settings_lock`].
    pub fn close(&self) {
        self.lock().unlocked = false;
    }

    /// See [`settings_get`].
    pub fn get(&self) -> Result<Settings, SettingsError> {
        Ok(self.unlocked()?.settings.clone())
    }

    /// See [`settings_save`].
    pub fn save(&self, settings: Settings) -> Result<(), SettingsError> {
        let mut inner = self.unlocked()?;
        self.file.save(&settings)?;
        inner.settings = settings;
        inner.problem = None;
        Ok(())
    }

    /// The settings file (for "Check everything", which reads it again).
    pub fn file(&self) -> &SettingsFile {
        &self.file
    }

    /// Why the settings file was not used at start, if it was not; refused
    /// unless the area is open.
    pub fn problem_if_unlocked(&self) -> Result<Option<SettingsProblem>, SettingsError> {
        Ok(self.unlocked()?.problem.clone())
    }

    /// Removes the profile `id` and saves; the demo becomes active if it
    /// was. The settings now and the profile removed (its secrets are the
    /// caller's to delete); `None` when there is no such profile.
    pub fn delete_profile(
        &self,
        id: &ProfileId,
    ) -> Result<Option<(Settings, BackendProfile)>, SettingsError> {
        let mut inner = self.unlocked()?;
        let mut next = inner.settings.clone();
        let Some(found) = next.profile(id) else {
            return Ok(None);
        };
        next.profiles.retain(|p| p.id != *id);
        if next.active_profile == *id {
            next.active_profile = ProfileId::demo();
        }
        self.file.save(&next)?;
        inner.settings = next.clone();
        Ok(Some((next, found)))
    }

    /// The profile `id` as an export file's text (no secrets).
    pub fn export(&self, id: &ProfileId) -> Result<String, SettingsError> {
        self.unlocked()?
            .settings
            .profile(id)
            .map(|p| transfer::export(&p))
            .ok_or_else(|| {
                SettingsError::new(
                    SettingsErrorCode::NotAProfile,
                    "profile-import-not-a-profile",
                )
            })
    }

    /// Imports a profile file's text with the secrets the caregiver typed,
    /// validating everything before changing anything; the settings now.
    pub fn import(
        &self,
        text: &str,
        secrets: BTreeMap<String, String>,
        activate: bool,
    ) -> Result<Settings, SettingsError> {
        let mut inner = self.unlocked()?;
        let profile = transfer::parse(text)?;
        let secrets = secrets
            .into_iter()
            .map(|(name, value)| (name, Secret::new(value)))
            .collect();
        let next = transfer::import(
            &self.file,
            &inner.settings,
            profile,
            &secrets,
            |p| SystemKeyring::new(p.id.clone()),
            activate,
        )?;
        inner.settings = next.clone();
        Ok(next)
    }

    /// Refuses unless the area is open (for commands that need no settings).
    pub fn require_unlocked(&self) -> Result<(), SettingsError> {
        self.unlocked().map(drop)
    }

    /// The guard every changing command passes first.
    fn unlocked(&self) -> Result<MutexGuard<'_, Inner>, SettingsError> {
        let inner = self.lock();
        if inner.unlocked {
            Ok(inner)
        } else {
            Err(SettingsError::new(
                SettingsErrorCode::Locked,
                "settings-locked",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use warmline_backends::profile::ProfileId;

    #[test]
    fn a_damaged_settings_file_is_explained_and_the_chat_gets_the_demo() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("settings.json"), b"{ not json").unwrap();
        let area = SettingsArea::new(SettingsFile::new(dir.path()));
        let status = area.status();
        assert_eq!(
            status.problem_message_id.as_deref(),
            Some("settings-problem-damaged")
        );
        assert_eq!(area.settings().active().id, ProfileId::demo());
    }

    #[test]
    fn nothing_is_read_or_changed_while_locked_and_a_wrong_pin_opens_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let area = SettingsArea::new(SettingsFile::new(dir.path()));
        assert!(!area.status().pin_set);
        // First use: choosing a PIN opens the area.
        area.set_pin("4711").unwrap();
        assert!(area.status().unlocked);
        let bigger = Settings {
            text_scale_percent: 200,
            ..Settings::default()
        };
        area.save(bigger.clone()).unwrap();
        area.close();
        // Locked: every read and change is refused in Rust.
        let locked = |r: Result<(), SettingsError>| matches!(r, Err(e) if e.code == SettingsErrorCode::Locked);
        assert!(locked(area.get().map(|_| ())));
        assert!(locked(area.save(Settings::default())));
        assert!(
            locked(area.set_pin("0000")),
            "the PIN cannot be replaced while locked"
        );
        let wrong = area.unlock("1234").unwrap_err();
        assert_eq!(wrong.code, SettingsErrorCode::Pin);
        assert_eq!(wrong.message_id, "pin-wrong");
        assert_eq!(wrong.args["attemptsLeft"], "4");
        assert!(!area.status().unlocked);
        // The main window still learns the text size while locked.
        assert_eq!(area.status().text_scale_percent, 200);
        area.unlock("4711").unwrap();
        assert_eq!(area.get().unwrap(), bigger);
        // A wrong field is named and nothing is saved.
        let error = area
            .save(Settings {
                text_scale_percent: 301,
                ..Settings::default()
            })
            .unwrap_err();
        assert_eq!(error.code, SettingsErrorCode::Invalid);
        assert_eq!(error.fields[0].field, "textScalePercent");
        assert_eq!(error.fields[0].message_id, "field-error-out-of-range");
        assert_eq!(
            SettingsArea::new(SettingsFile::new(dir.path()))
                .lock()
                .settings,
            bigger
        );
    }
}
