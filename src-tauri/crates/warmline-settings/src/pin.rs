//! The caregiver's PIN, which guards the settings area (never the chat).
//!
//! Only an Argon2id hash (PHC string, random salt) is kept, in `pin.json`
//! beside the settings file, together with the count of wrong attempts.
//! After [`FREE_ATTEMPTS`] wrong attempts each further one must wait, and
//! the wait doubles ([`wait_after`]); the count is on disk so restarting the
//! app does not reset it. This is the only waiting anywhere in Warmline.
//! Time comes from a [`Clock`] so tests move it instead of sleeping.
//!
//! Recovery: `warmline --reset-pin` removes this file and the profiles'
//! secrets, never the conversation (see README).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use serde::{Deserialize, Serialize};

use crate::file::write_atomic;

/// The PIN file's name in the config directory.
pub const FILE_NAME: &str = "pin.json";
/// Wrong attempts allowed before the first wait.
pub const FREE_ATTEMPTS: u32 = 5;
/// The first wait; each later wrong attempt doubles it, up to [`MAX_WAIT`].
pub const FIRST_WAIT: Duration = Duration::from_secs(30);
/// The longest wait between attempts.
pub const MAX_WAIT: Duration = Duration::from_secs(60 * 60);
const FORMAT: &str = "warmline-pin";

/// Where the time comes from.
pub trait Clock: Send + Sync {
    /// Now.
    fn now(&self) -> SystemTime;
}

/// The system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// Why a PIN was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PinError {
    /// A PIN is 4 to 8 digits.
    #[error("a PIN is 4 to 8 digits")]
    BadForm,
    /// No PIN has been set yet.
    #[error("no PIN is set")]
    NotSet,
    /// The PIN is wrong; `attempts_left` more may be tried before waits start.
    #[error("wrong PIN")]
    Wrong {
        /// Attempts left before each attempt must wait.
        attempts_left: u32,
    },
    /// Too many wrong attempts: try again after this many seconds.
    #[error("too many wrong attempts; wait {seconds} s")]
    Wait {
        /// Seconds until the next attempt is checked.
        seconds: u64,
    },
    /// The PIN file cannot be read or written; the recovery flag resets it.
    #[error("the PIN file cannot be used: {0}")]
    Storage(String),
}

impl PinError {
    /// The Fluent message for the caregiver.
    pub fn message_id(&self) -> &'static str {
        match self {
            Self::BadForm => "pin-bad-form",
            Self::NotSet => "pin-not-set",
            Self::Wrong { .. } => "pin-wrong",
            Self::Wait { .. } => "pin-wait",
            Self::Storage(_) => "pin-storage",
        }
    }
}

/// What `pin.json` holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PinState {
    format: String,
    /// Argon2id PHC string; never the PIN.
    hash: String,
    /// Wrong attempts since the last right one.
    failures: u32,
    /// Seconds since 1970 before which no attempt is checked.
    wait_until: Option<u64>,
}

/// How long to wait after `failures` wrong attempts in a row.
pub fn wait_after(failures: u32) -> Duration {
    if failures < FREE_ATTEMPTS {
        return Duration::ZERO;
    }
    let doublings = (failures - FREE_ATTEMPTS).min(16);
    (FIRST_WAIT * 2u32.pow(doublings)).min(MAX_WAIT)
}

/// True for 4–8 ASCII digits.
pub fn is_well_formed(pin: &str) -> bool {
    (4..=8).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit())
}

/// The PIN of one config directory.
pub struct PinLock<C: Clock = SystemClock> {
    path: PathBuf,
    clock: C,
}

impl PinLock<SystemClock> {
    /// The PIN kept in `dir`.
    pub fn new(dir: &Path) -> Self {
        Self::with_clock(dir, SystemClock)
    }
}

impl<C: Clock> PinLock<C> {
    /// The PIN kept in `dir`, with time from `clock`.
    pub fn with_clock(dir: &Path, clock: C) -> Self {
        Self {
            path: dir.join(FILE_NAME),
            clock,
        }
    }

    /// Whether a PIN has been set (a damaged file counts as set, so it
    /// cannot be replaced without the recovery flag).
    pub fn is_set(&self) -> bool {
        self.path.exists()
    }

    /// Sets (or replaces) the PIN. The caller checks the settings area is
    /// unlocked, or that no PIN is set yet.
    pub fn set(&self, pin: &str) -> Result<(), PinError> {
        if !is_well_formed(pin) {
            return Err(PinError::BadForm);
        }
        let salt = SaltString::generate(&mut OsRng);
        let hash = Argon2::default()
            .hash_password(pin.as_bytes(), &salt)
            .map_err(|error| PinError::Storage(error.to_string()))?
            .to_string();
        self.write(&PinState {
            format: FORMAT.to_owned(),
            hash,
            failures: 0,
            wait_until: None,
        })
    }

    /// Checks `pin`. A wrong one counts; while a wait runs nothing is
    /// checked (so guessing cannot go faster than the waits).
    pub fn verify(&self, pin: &str) -> Result<(), PinError> {
        let mut state = self.read()?;
        let now = seconds(self.clock.now());
        if let Some(until) = state.wait_until.filter(|until| *until > now) {
            return Err(PinError::Wait {
                seconds: until - now,
            });
        }
        let hash =
            PasswordHash::new(&state.hash).map_err(|error| PinError::Storage(error.to_string()))?;
        let right = is_well_formed(pin)
            && Argon2::default()
                .verify_password(pin.as_bytes(), &hash)
                .is_ok();
        if right {
            if state.failures > 0 {
                state.failures = 0;
                state.wait_until = None;
                self.write(&state)?;
            }
            return Ok(());
        }
        state.failures = state.failures.saturating_add(1);
        let wait = wait_after(state.failures);
        state.wait_until = (!wait.is_zero()).then(|| now + wait.as_secs());
        self.write(&state)?;
        if wait.is_zero() {
            Err(PinError::Wrong {
                attempts_left: FREE_ATTEMPTS - state.failures,
            })
        } else {
            Err(PinError::Wait {
                seconds: wait.as_secs(),
            })
        }
    }

    /// Removes the PIN (the recovery path). Removing none succeeds.
    pub fn clear(&self) -> io::Result<()> {
        match fs::remove_file(&self.path) {
            Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
            _ => Ok(()),
        }
    }

    fn read(&self) -> Result<PinState, PinError> {
        let bytes = match fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Err(PinError::NotSet),
            Err(error) => return Err(PinError::Storage(error.to_string())),
        };
        let state: PinState =
            serde_json::from_slice(&bytes).map_err(|error| PinError::Storage(error.to_string()))?;
        if state.format != FORMAT {
            return Err(PinError::Storage("not a Warmline PIN file".into()));
        }
        Ok(state)
    }

    fn write(&self, state: &PinState) -> Result<(), PinError> {
        let bytes = serde_json::to_vec(state).map_err(|e| PinError::Storage(e.to_string()))?;
        if let Some(dir) = self.path.parent() {
            fs::create_dir_all(dir).map_err(|e| PinError::Storage(e.to_string()))?;
        }
        write_atomic(&self.path, &bytes).map_err(|e| PinError::Storage(e.to_string()))
    }
}

fn seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[derive(Clone)]
    struct TestClock(Arc<Mutex<SystemTime>>);

    impl TestClock {
        fn advance(&self, by: Duration) {
            *self.0.lock().unwrap() += by;
        }
    }

    impl Clock for TestClock {
        fn now(&self) -> SystemTime {
            *self.0.lock().unwrap()
        }
    }

    fn lock_in(dir: &Path) -> (PinLock<TestClock>, TestClock) {
        let clock = TestClock(Arc::new(Mutex::new(
            UNIX_EPOCH + Duration::from_secs(1_800_000_000),
        )));
        (PinLock::with_clock(dir, clock.clone()), clock)
    }

    #[test]
    fn only_four_to_eight_digits_are_a_pin() {
        for good in ["1234", "00000000", "5678901"] {
            assert!(is_well_formed(good), "{good}");
        }
        for bad in ["", "123", "123456789", "12a4", "１２３４", "12 34", "-1234"] {
            assert!(!is_well_formed(bad), "{bad}");
        }
        let dir = tempfile::tempdir().unwrap();
        let (lock, _) = lock_in(dir.path());
        assert_eq!(lock.set("12"), Err(PinError::BadForm));
        assert!(!lock.is_set());
        assert_eq!(lock.verify("1234"), Err(PinError::NotSet));
    }

    #[test]
    fn only_an_argon2id_hash_is_kept_and_it_verifies() {
        let dir = tempfile::tempdir().unwrap();
        let (lock, _) = lock_in(dir.path());
        lock.set("908172").unwrap();
        let text = fs::read_to_string(dir.path().join(FILE_NAME)).unwrap();
        assert!(!text.contains("908172"), "{text}");
        assert!(text.contains("$argon2id$"), "{text}");
        assert_eq!(lock.verify("908172"), Ok(()));
        assert_eq!(
            lock.verify("908173"),
            Err(PinError::Wrong { attempts_left: 4 })
        );
        // Two PINs set alike get different salts.
        let other = tempfile::tempdir().unwrap();
        let (second, _) = lock_in(other.path());
        second.set("908172").unwrap();
        assert_ne!(
            text,
            fs::read_to_string(other.path().join(FILE_NAME)).unwrap()
        );
    }

    #[test]
    fn waits_grow_after_five_wrong_attempts_and_survive_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let (lock, clock) = lock_in(dir.path());
        lock.set("2468").unwrap();
        for left in (1..FREE_ATTEMPTS).rev() {
            assert_eq!(
                lock.verify("0000"),
                Err(PinError::Wrong {
                    attempts_left: left
                })
            );
        }
        assert_eq!(lock.verify("0000"), Err(PinError::Wait { seconds: 30 }));
        // While waiting even the right PIN is not checked.
        assert_eq!(lock.verify("2468"), Err(PinError::Wait { seconds: 30 }));
        clock.advance(Duration::from_secs(10));
        // A new lock on the same directory (an app restart) keeps the wait.
        let (restarted, _) = (PinLock::with_clock(dir.path(), clock.clone()), ());
        assert_eq!(
            restarted.verify("2468"),
            Err(PinError::Wait { seconds: 20 })
        );
        clock.advance(Duration::from_secs(20));
        assert_eq!(
            restarted.verify("1111"),
            Err(PinError::Wait { seconds: 60 })
        );
        clock.advance(Duration::from_secs(60));
        assert_eq!(
            restarted.verify("1111"),
            Err(PinError::Wait { seconds: 120 })
        );
        clock.advance(Duration::from_secs(120));
        assert_eq!(restarted.verify("2468"), Ok(()));
        // The right PIN resets the count.
        assert_eq!(
            restarted.verify("0000"),
            Err(PinError::Wrong { attempts_left: 4 })
        );
    }

    #[test]
    fn waits_are_capped_and_recovery_clears_the_pin() {
        assert_eq!(wait_after(4), Duration::ZERO);
        assert_eq!(wait_after(5), FIRST_WAIT);
        assert_eq!(wait_after(6), FIRST_WAIT * 2);
        assert_eq!(wait_after(40), MAX_WAIT);
        let dir = tempfile::tempdir().unwrap();
        let (lock, _) = lock_in(dir.path());
        lock.set("1357").unwrap();
        lock.clear().unwrap();
        assert!(!lock.is_set());
        assert_eq!(lock.verify("1357"), Err(PinError::NotSet));
        lock.clear().unwrap();
    }

    #[test]
    fn a_damaged_pin_file_opens_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (lock, _) = lock_in(dir.path());
        fs::write(dir.path().join(FILE_NAME), b"{\"hash\":").unwrap();
        assert!(lock.is_set());
        assert!(matches!(lock.verify("1234"), Err(PinError::Storage(_))));
    }
}
