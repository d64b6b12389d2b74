//! `/sync` long-polling for one room, and the position that survives
//! restarts.
//!
//! After each event it reports, the task emits a checkpoint of its
//! [`Position`]: the last `since` plus the ids of the events of the current
//! batch already reported. The engine stores it after the event, so a
//! restart resumes at that `since` and skips exactly what was reported:
//! nothing is lost and nothing appears twice, even if the app dies in the
//! middle of a batch. Any failure ends the stream; the engine reconnects on
//! its backoff and the next task starts from the stored position.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio::sync::mpsc;
use tokio::time::Instant;
use warmline_core::BackendEvent;

use super::api::ApiError;
use super::model::{interpret, typing_changes, Meaning, RoomEvent, RoomState};
use super::Inner;

/// Where the event stream of one room was last read up to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Position {
    /// The `since` token of the next `/sync`.
    since: String,
    /// Events after `since` that were already reported.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    seen: Vec<String>,
}

impl Position {
    /// The resume key of `room`'s position.
    pub(super) fn key(room: &str) -> String {
        format!("position/{room}")
    }

    /// A position at `since` with nothing after it reported yet.
    pub(super) fn start(since: String) -> Self {
        Self {
            since,
            seen: Vec::new(),
        }
    }

    pub(super) fn parse(value: &str) -> Option<Self> {
        serde_json::from_str(value).ok()
    }

    fn to_value(&self) -> String {
        serde_json::to_string(self).expect("a position serializes")
    }
}

#[derive(Debug, Deserialize)]
struct SyncAnswer {
    next_batch: String,
    #[serde(default)]
    rooms: Rooms,
}

#[derive(Debug, Default, Deserialize)]
struct Rooms {
    #[serde(default)]
    join: HashMap<String, RoomUpdate>,
    #[serde(default)]
    leave: HashMap<String, RoomUpdate>,
}

#[derive(Debug, Default, Deserialize)]
struct RoomUpdate {
    #[serde(default)]
    timeline: Timeline,
    #[serde(default)]
    state: EventList,
    #[serde(default)]
    ephemeral: EventList,
}

#[derive(Debug, Default, Deserialize)]
struct Timeline {
    #[serde(default)]
    events: Vec<Value>,
    #[serde(default)]
    limited: bool,
    #[serde(default)]
    prev_batch: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct EventList {
    #[serde(default)]
    events: Vec<Value>,
}

#[derive(Debug, Deserialize)]
struct MessagesPage {
    #[serde(default)]
    chunk: Vec<Value>,
    #[serde(default)]
    end: Option<String>,
}

/// Reads a raw event; one broken event is skipped, not the whole batch.
fn read_event(raw: Value) -> Option<RoomEvent> {
    match serde_json::from_value::<RoomEvent>(raw) {
        Ok(event) if !event.event_id.is_empty() => Some(event),
        Ok(_) => None,
        Err(error) => {
            tracing::warn!(%error, "skipping an unreadable Matrix event");
            None
        }
    }
}

/// Why the task stops.
enum Stop {
    /// The engine dropped the stream.
    EngineGone,
    /// The user is not in the room any more; the stream ends after saying so.
    Removed,
    /// A request failed; the stream ends and the engine reconnects.
    Failed,
}

/// The task that long-polls `/sync` for one room and reports its events.
pub(super) struct SyncTask {
    inner: Arc<Inner>,
    room: String,
    position: Position,
    seen: HashSet<String>,
    state: RoomState,
    events: mpsc::Sender<BackendEvent>,
    /// Batches since the last checkpoint that reported nothing (the user's
    /// own echoes, typing), and when the last checkpoint was: such batches
    /// are checkpointed only now and then, since repeating them after a
    /// restart repeats nothing the user sees, and every checkpoint is a
    /// durable write.
    quiet_batches: u32,
    last_checkpoint: Instant,
}

/// A batch that reported nothing is checkpointed after this many such
/// batches...
const QUIET_BATCHES_PER_CHECKPOINT: u32 = 50;
/// ...or when the last checkpoint is this old.
const QUIET_CHECKPOINT_AGE: Duration = Duration::from_secs(60);

impl SyncTask {
    pub(super) fn new(
        inner: Arc<Inner>,
        room: String,
        position: Position,
        state: RoomState,
        events: mpsc::Sender<BackendEvent>,
    ) -> Self {
        Self {
            seen: position.seen.iter().cloned().collect(),
            inner,
            room,
            position,
            state,
            events,
            quiet_batches: 0,
            last_checkpoint: Instant::now(),
        }
    }

    /// Runs until the network fails, the user is removed, or the engine
    /// drops the stream; the stream ends with it.
    pub(super) async fn run(mut self) {
        loop {
            let answer = tokio::select! {
                answer = self.sync() => answer,
                () = self.events.closed() => return,
            };
            let answer = match answer {
                Ok(answer) => answer,
                Err(error) => {
                    tracing::info!(%error, room = %self.room, "Matrix sync ended");
                    // Every event reported is in the stream before its end,
                    // so the engine's stored position will be this task's:
                    // a reconnect can go on from there with this state.
                    super::lock(&self.inner.followed).insert(self.room.clone(), self.state.clone());
                    return;
                }
            };
            if let Err(stop) = self.take(answer).await {
                if matches!(stop, Stop::Failed) {
                    super::lock(&self.inner.followed).insert(self.room.clone(), self.state.clone());
                }
                return;
            }
        }
    }

    fn filter(&self) -> String {
        json!({
            "room": {
                "rooms": [self.room],
                "timeline": {"limit": self.inner.config.timeline_limit},
                "state": {"types": ["m.room.member", "m.room.power_levels"]},
                "ephemeral": {"types": ["m.typing"]},
                "account_data": {"types": []},
            },
            "presence": {"types": []},
            "account_data": {"types": []},
        })
        .to_string()
    }

    async fn sync(&self) -> Result<SyncAnswer, warmline_core::BackendError> {
        let config = &self.inner.config;
        let timeout = config.sync_timeout.as_millis().to_string();
        let filter = self.filter();
        let query = [
            ("since", self.position.since.as_str()),
            ("timeout", timeout.as_str()),
            ("filter", filter.as_str()),
        ];
        let answer = self
            .inner
            .authed(
                Method::GET,
                &["_matrix", "client", "v3", "sync"],
                &query,
                None,
                config.sync_timeout + config.request_timeout,
            )
            .await?;
        let result = answer.map_err(ApiError::into_backend);
        self.inner.note(&result);
        result
    }

    /// The events between `from` (a `prev_batch`) and the current `since`,
    /// oldest first: what a limited timeline left out.
    async fn gap(&self, from: &str) -> Result<Vec<Value>, warmline_core::BackendError> {
        let mut events = Vec::new();
        let mut from = from.to_owned();
        loop {
            let page: MessagesPage = self
                .inner
                .authed(
                    Method::GET,
                    &["_matrix", "client", "v3", "rooms", &self.room, "messages"],
                    &[
                        ("dir", "b"),
                        ("from", from.as_str()),
                        ("to", self.position.since.as_str()),
                        ("limit", "100"),
                    ],
                    None,
                    self.inner.config.request_timeout,
                )
                .await?
                .map_err(ApiError::into_backend)?;
            if page.chunk.is_empty() {
                break;
            }
            events.extend(page.chunk);
            match page.end {
                Some(end) if end != from => from = end,
                _ => break,
            }
        }
        events.reverse();
        Ok(events)
    }

    async fn send(&self, event: BackendEvent) -> Result<(), Stop> {
        self.events.send(event).await.map_err(|_| Stop::EngineGone)
    }

    async fn checkpoint(&mut self) -> Result<(), Stop> {
        let event = self
            .inner
            .resume
            .checkpoint(&Position::key(&self.room), self.position.to_value());
        self.quiet_batches = 0;
        self.last_checkpoint = Instant::now();
        self.send(event).await
    }

    async fn take(&mut self, answer: SyncAnswer) -> Result<(), Stop> {
        let joined = answer
            .rooms
            .join
            .into_iter()
            .find(|(id, _)| *id == self.room);
        let left = answer
            .rooms
            .leave
            .into_iter()
            .find(|(id, _)| *id == self.room);
        let removed = left.is_some();
        let mut stop = None;
        let mut reported = false;
        for (_, update) in joined.into_iter().chain(left) {
            for event in update.state.events.into_iter().filter_map(read_event) {
                self.state.absorb(&event);
            }
            let mut timeline = Vec::new();
            if update.timeline.limited {
                if let Some(prev_batch) = &update.timeline.prev_batch {
                    match self.gap(prev_batch).await {
                        Ok(gap) => timeline.extend(gap),
                        Err(error) => {
                            // Without the gap the batch cannot be reported in
                            // order; end the stream and read it all again.
                            tracing::info!(%error, "fetching missed Matrix events failed");
                            return Err(Stop::Failed);
                        }
                    }
                }
            }
            timeline.extend(update.timeline.events);
            let mut timeline: Vec<RoomEvent> =
                timeline.into_iter().filter_map(read_event).collect();
            // A room just joined comes with some of its history; what was
            // said before the user joined is not new to report.
            if let Some(joined_at) = timeline.iter().rposition(|e| e.is_join_of(&self.state.me)) {
                for event in timeline.drain(..=joined_at) {
                    self.state.absorb(&event);
                }
            }
            for event in timeline {
                if self.seen.contains(&event.event_id) {
                    continue;
                }
                match interpret(&mut self.state, &self.inner.rule, &event) {
                    Meaning::Event(meaning) => {
                        self.send(meaning).await?;
                        self.remember(event.event_id);
                        self.checkpoint().await?;
                        reported = true;
                    }
                    Meaning::UserRemoved => stop = Some(Stop::Removed),
                    Meaning::SupportLeft => {
                        // Nobody is left to answer in this direct room.
                        stop = Some(Stop::Removed);
                    }
                    Meaning::Nothing => {}
                }
            }
            for event in update.ephemeral.events {
                if event["type"] == "m.typing" {
                    let users: Vec<String> = event["content"]["user_ids"]
                        .as_array()
                        .map(|ids| {
                            ids.iter()
                                .filter_map(|id| id.as_str().map(str::to_owned))
                                .collect()
                        })
                        .unwrap_or_default();
                    for typing in typing_changes(&mut self.state, &users) {
                        self.send(typing).await?;
                    }
                }
            }
        }
        if answer.next_batch != self.position.since {
            self.position = Position::start(answer.next_batch);
            self.seen.clear();
            self.quiet_batches += 1;
            if reported
                || self.quiet_batches >= QUIET_BATCHES_PER_CHECKPOINT
                || self.last_checkpoint.elapsed() >= QUIET_CHECKPOINT_AGE
            {
                self.checkpoint().await?;
            }
        }
        if removed || stop.is_some() {
            if self.inner.config.settings.room().is_none() {
                // A direct room that is over: the engine opens a new one.
                self.send(BackendEvent::ConversationClosed).await?;
            }
            return Err(Stop::Removed);
        }
        Ok(())
    }

    fn remember(&mut self, event_id: String) {
        self.seen.insert(event_id.clone());
        self.position.seen.push(event_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_position_round_trips_and_bad_values_are_ignored() {
        let mut position = Position::start("s72_4".into());
        assert_eq!(position.to_value(), r#"{"since":"s72_4"}"#);
        position.seen.push("$a".into());
        assert_eq!(Position::parse(&position.to_value()), Some(position));
        assert_eq!(Position::parse("not json"), None);
    }

    #[test]
    fn an_event_without_an_id_or_type_is_skipped() {
        assert!(read_event(json!({"type": "m.room.message", "content": {}})).is_none());
        assert!(read_event(json!({"event_id": "$x", "content": {}})).is_none());
        assert!(read_event(json!({"event_id": "$x", "type": "m.room.message"})).is_some());
    }
}
