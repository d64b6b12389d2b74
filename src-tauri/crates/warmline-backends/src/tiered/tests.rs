//! Routing between the tiers, with recording stand-ins for both. (The real
//! model and the demo: tests/integration/tests/tiered_real_model.rs; the
//! engine on top: tiered_engine.rs.)

use super::*;
use warmline_core::{HandoffReason, HandoffSummary, Timestamp};

/// A tier that records what it was given and sends nothing by itself.
#[derive(Default)]
struct Recorder {
    kind: &'static str,
    log: Mutex<Vec<String>>,
    streams: Mutex<Vec<mpsc::Sender<BackendEvent>>>,
}

impl Recorder {
    fn new(kind: &'static str) -> Arc<Self> {
        Arc::new(Self {
            kind,
            ..Self::default()
        })
    }

    fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    fn note(&self, line: String) {
        self.log.lock().unwrap().push(line);
    }

    /// The stream of the last session opened.
    fn stream(&self) -> mpsc::Sender<BackendEvent> {
        self.streams.lock().unwrap().last().unwrap().clone()
    }
}

#[async_trait]
impl SupportBackend for Recorder {
    fn info(&self) -> BackendInfo {
        BackendInfo {
            kind: self.kind.into(),
            demo: false,
            capabilities: Capabilities {
                leave_message: self.kind == "human",
                queue_position: self.kind == "human",
                ..Capabilities::default()
            },
        }
    }

    async fn open_conversation(
        &self,
        options: ConversationOptions,
    ) -> Result<BackendSession, BackendError> {
        let (events, receiver) = mpsc::channel(16);
        self.streams.lock().unwrap().push(events);
        let id = options
            .resume
            .unwrap_or_else(|| ConversationId(format!("{}-{}", self.kind, MessageId::new())));
        self.note(format!("open {}", options.locale));
        Ok(BackendSession {
            conversation: id,
            events: receiver,
        })
    }

    async fn send_message(
        &self,
        _conversation: &ConversationId,
        message: OutgoingMessage,
    ) -> Result<SendReceipt, BackendError> {
        self.note(format!("send {}", message.text));
        Ok(SendReceipt {
            backend_id: format!("{}:{}", self.kind, message.id),
            duplicate: false,
        })
    }

    async fn request_handoff(
        &self,
        _conversation: &ConversationId,
        request: HandoffRequest,
    ) -> Result<(), BackendError> {
        self.note(format!("handoff {:?}", request.reason));
        Ok(())
    }

    async fn cancel_handoff(&self, _conversation: &ConversationId) -> Result<(), BackendError> {
        self.note("cancel".into());
        Ok(())
    }
}

fn message(text: &str) -> OutgoingMessage {
    OutgoingMessage {
        id: MessageId::new(),
        text: text.into(),
        written_at: Timestamp::now(),
    }
}

fn request() -> HandoffRequest {
    HandoffRequest {
        reason: HandoffReason::Button,
        urgent_topic: None,
        locale: "en-US".into(),
        summary: HandoffSummary::default(),
    }
}

fn setup() -> (TieredBackend, Arc<Recorder>, Arc<Recorder>) {
    let bot = Recorder::new("bot");
    let human = Recorder::new("human");
    let tiered = TieredBackend::new(bot.clone(), human.clone(), Arc::new(PhraseSet::builtin()));
    (tiered, bot, human)
}

fn options() -> ConversationOptions {
    ConversationOptions {
        locale: "en-US".into(),
        resume: None,
    }
}

#[tokio::test]
async fn the_bot_answers_until_the_button_then_the_person_gets_everything() {
    let (tiered, bot, human) = setup();
    let mut session = tiered.open_conversation(options()).await.unwrap();
    let id = session.conversation.clone();
    tiered
        .send_message(&id, message("Where is my parcel?"))
        .await
        .unwrap();
    // The bot's events reach the engine's stream while it answers.
    bot.stream()
        .send(BackendEvent::Typing {
            name: "Bot".into(),
            active: true,
        })
        .await
        .unwrap();
    assert!(matches!(
        session.events.recv().await,
        Some(BackendEvent::Typing { active: true, .. })
    ));

    tiered.request_handoff(&id, request()).await.unwrap();
    // The bot's typing dots go at once, and its stream is cut: an answer
    // it sends now reaches nobody.
    assert!(matches!(
        session.events.recv().await,
        Some(BackendEvent::Typing { active: false, .. })
    ));
    bot.stream().closed().await;
    tiered
        .send_message(&id, message("It was due Monday"))
        .await
        .unwrap();
    human
        .stream()
        .send(BackendEvent::AgentJoined { name: "Li".into() })
        .await
        .unwrap();
    assert_eq!(
        session.events.recv().await,
        Some(BackendEvent::AgentJoined { name: "Li".into() })
    );

    assert_eq!(bot.log(), ["open en-US", "send Where is my parcel?"]);
    assert_eq!(
        human.log(),
        ["open en-US", "handoff Button", "send It was due Monday"]
    );
    assert_eq!(tiered.info().kind, "tiered");
    assert!(
        tiered.info().capabilities.leave_message,
        "the human tier's capabilities"
    );
}

#[tokio::test]
async fn words_that_ask_for_a_person_or_tell_of_something_urgent_never_reach_the_bot() {
    for words in [
        "I want to talk to a human",
        "转人工",
        "Someone took money from my account",
        "我被骗了，对方让我转账",
    ] {
        let (tiered, bot, human) = setup();
        let session = tiered.open_conversation(options()).await.unwrap();
        // The message may come before the engine's request for a person.
        tiered
            .send_message(&session.conversation, message(words))
            .await
            .unwrap();
        tiered
            .send_message(&session.conversation, message("hello?"))
            .await
            .unwrap();
        assert_eq!(bot.log(), ["open en-US"], "{words}");
        assert_eq!(
            human.log(),
            ["open en-US", &format!("send {words}"), "send hello?"]
        );
    }
}

#[tokio::test]
async fn a_repeat_keeps_its_first_receipt_and_withdrawing_brings_the_bot_back() {
    let (tiered, bot, human) = setup();
    let session = tiered.open_conversation(options()).await.unwrap();
    let id = session.conversation;
    let first = message("Opening hours?");
    let receipt = tiered.send_message(&id, first.clone()).await.unwrap();
    tiered.request_handoff(&id, request()).await.unwrap();
    let again = tiered.send_message(&id, first).await.unwrap();
    assert!(again.duplicate && again.backend_id == receipt.backend_id);
    assert!(receipt.backend_id.starts_with("bot:"));

    tiered.cancel_handoff(&id).await.unwrap();
    tiered
        .send_message(&id, message("And on Sunday?"))
        .await
        .unwrap();
    assert_eq!(
        bot.log(),
        [
            "open en-US",
            "send Opening hours?",
            "open en-US",
            "send And on Sunday?"
        ]
    );
    assert_eq!(human.log(), ["open en-US", "handoff Button", "cancel"]);
    assert!(matches!(
        tiered
            .send_message(&ConversationId("nope".into()), message("x"))
            .await,
        Err(BackendError::UnknownConversation(_))
    ));
}
