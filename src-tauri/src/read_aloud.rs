//! Read aloud in the app: the speech crate's [`ReadAloud`] as Tauri state,
//! fed with every change of the conversation, told when the microphone
//! opens and closes, and reporting to every window whether it reads (so
//! the chat shows "Stop reading"). What is read and when is the crate's
//! rule (`warmline-speech`); this file only connects it.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use specta::Type;
use tauri_specta::Event;
use warmline_core::{ConversationEvent, Message, MessageId, UiError};
use warmline_settings::ReadAloudSettings;
use warmline_speech::{ReadAloud, ReadAloudOptions, VoiceInfo};

use crate::session::AppSession;

/// Reading started or ended: the chat shows "Stop reading" while it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct ReadingUpdate {
    /// True while something is being read aloud.
    pub reading: bool,
}

/// The voices the settings area may offer, or why there are none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SpeechVoices {
    /// The engine's voices for the UI language (empty without an engine).
    pub voices: Vec<VoiceInfo>,
    /// Why replies cannot be read aloud on this computer (no speech
    /// engine, no voice for the language); `None` when they can.
    pub problem: Option<UiError>,
}

/// The caregiver's settings as the speech crate's options.
pub fn options_of(settings: &ReadAloudSettings) -> ReadAloudOptions {
    ReadAloudOptions {
        enabled: settings.enabled,
        rate_percent: settings.rate_percent,
        voice: settings.voice.clone(),
    }
}

/// Read-aloud, managed by Tauri. Cheap to clone.
#[derive(Clone)]
pub struct AppReadAloud {
    inner: Arc<ReadAloud>,
}

impl AppReadAloud {
    /// Read-aloud on the platform's speech engine (started only once there
    /// is something to read), following `changes` and telling every window
    /// whether it reads.
    pub fn start(
        app: tauri::AppHandle,
        locale: &str,
        settings: &ReadAloudSettings,
        changes: tokio::sync::broadcast::Receiver<ConversationEvent>,
    ) -> Self {
        let read = Self {
            inner: Arc::new(ReadAloud::platform(locale, options_of(settings))),
        };
        read.follow(changes);
        forward_reading(app, read.inner.speaking());
        read
    }

    /// Reads each change the crate's rules say to read. A thread of its
    /// own: handing text to the engine (and starting it, the first time)
    /// blocks, and must not hold up the async runtime.
    fn follow(&self, mut changes: tokio::sync::broadcast::Receiver<ConversationEvent>) {
        let read = self.inner.clone();
        let spawned = std::thread::Builder::new()
            .name("warmline-read-aloud".into())
            .spawn(move || loop {
                match changes.blocking_recv() {
                    Ok(event) => {
                        read.on_event(&event);
                    }
                    // Missed changes are on screen; reading them late would
                    // be worse than not at all.
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(skipped)) => {
                        tracing::warn!(skipped, "read-aloud fell behind the conversation");
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                }
            });
        if let Err(error) = spawned {
            tracing::error!(%error, "replies are not read aloud: no thread for it");
        }
    }

    /// New settings (or a new UI language) from the settings area.
    pub fn apply(&self, locale: &str, settings: &ReadAloudSettings) {
        self.inner.set_locale(locale);
        self.inner.set_options(options_of(settings));
    }

    /// The microphone opens (`true`: reading stops at once and nothing is
    /// read until it closes) or closed.
    pub fn set_listening(&self, listening: bool) {
        self.inner.set_listening(listening);
    }

    /// True while reading.
    pub fn reading(&self) -> bool {
        *self.inner.speaking().borrow()
    }

    /// "Stop reading".
    pub fn stop(&self) -> Result<(), UiError> {
        self.inner
            .stop()
            .map_err(|error| ui_error(error.code(), &error))
    }

    /// "Read aloud again" on one message of the conversation.
    pub async fn read_again(&self, session: &AppSession, id: MessageId) -> Result<(), UiError> {
        let message = find_message(session, id)
            .await?
            .ok_or_else(|| UiError::from(warmline_core::ErrorCode::NothingToRead))?;
        let read = self.inner.clone();
        blocking(move || {
            read.read_again(&message)
                .map_err(|error| ui_error(error.code(), &error))
        })
        .await
    }

    /// The voices for the UI language, or why there are none (starts the
    /// engine to ask it).
    pub async fn voices(&self) -> SpeechVoices {
        let read = self.inner.clone();
        let listed = blocking(move || {
            read.voices()
                .map_err(|error| ui_error(error.code(), &error))
        })
        .await;
        match listed {
            Ok(voices) if voices.is_empty() => SpeechVoices {
                voices,
                problem: Some(UiError::from(warmline_core::ErrorCode::NoSpeechVoice)),
            },
            Ok(voices) => SpeechVoices {
                voices,
                problem: None,
            },
            Err(problem) => SpeechVoices {
                voices: Vec::new(),
                problem: Some(problem),
            },
        }
    }
}

/// Runs `work` off the async runtime (the speech engine answers over a
/// blocking channel); a panic there is reported as a failure to read.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, UiError> + Send + 'static,
) -> Result<T, UiError> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .unwrap_or_else(|_| Err(UiError::from(warmline_core::ErrorCode::SpeechFailed)))
}

/// The message with `id`, from the newest page back to the oldest (a
/// "Read aloud again" button is on a message the window has drawn).
async fn find_message(session: &AppSession, id: MessageId) -> Result<Option<Message>, UiError> {
    const PAGE: usize = 200;
    let snapshot = session.session().recent_snapshot().await?;
    let mut messages = snapshot.messages;
    let mut has_older = snapshot.has_older;
    loop {
        if let Some(found) = messages.iter().find(|message| message.id == id) {
            return Ok(Some(found.clone()));
        }
        let Some(oldest) = messages.first().map(|message| message.id) else {
            return Ok(None);
        };
        if !has_older {
            return Ok(None);
        }
        let page = session.session().older_messages(oldest, PAGE).await?;
        messages = page.messages;
        has_older = page.has_older;
    }
}

fn ui_error(code: warmline_core::ErrorCode, error: &dyn std::fmt::Display) -> UiError {
    // The detail is for the log; the window gets the code and its message.
    tracing::warn!(%error, "read aloud");
    UiError::from(code)
}

/// Tells every window each time reading starts or ends.
fn forward_reading(app: tauri::AppHandle, mut speaking: tokio::sync::watch::Receiver<bool>) {
    tauri::async_runtime::spawn(async move {
        while speaking.changed().await.is_ok() {
            let reading = *speaking.borrow_and_update();
            if let Err(error) = (ReadingUpdate { reading }).emit(&app) {
                tracing::warn!(%error, "could not tell the windows whether Warmline reads");
            }
        }
    });
}
