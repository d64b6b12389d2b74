//! The conversation engine on the built-in demo backend, end to end but
//! without a window: what the UI would receive, checked against the Fluent
//! files the UI renders.

use std::sync::Arc;
use std::time::Duration;

use warmline_backends::demo::{DemoBackend, DemoConfig};
use warmline_core::{
    Author, ConversationChange, ConversationSnapshot, EngineConfig, EngineHandle, HandoffReason,
    HandoffState, MessageBody, SupportBackend,
};
use warmline_i18n::Localizer;

fn start(locale: &str) -> EngineHandle {
    let demo = DemoBackend::new(DemoConfig {
        reply_delay: Duration::from_millis(800),
        queue_step: Duration::from_secs(5),
        ..DemoConfig::default()
    });
    EngineHandle::start(
        Arc::new(demo) as Arc<dyn SupportBackend>,
        EngineConfig::new(locale),
    )
}

/// Polls on tokio's paused clock, so waiting costs no real time.
async fn eventually(
    engine: &EngineHandle,
    what: &str,
    done: impl Fn(&ConversationSnapshot) -> bool,
) -> ConversationSnapshot {
    for _ in 0..10_000 {
        let snapshot = engine.snapshot().await.expect("engine running");
        if done(&snapshot) {
            return snapshot;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("never happened: {what}");
}

fn last_text(snapshot: &ConversationSnapshot) -> (Author, String) {
    let message = snapshot.messages.last().expect("a message");
    match &message.body {
        MessageBody::Text { text } => (message.author.clone(), text.clone()),
        MessageBody::Notice { notice } => {
            (message.author.clone(), format!("[{}]", notice.message_id))
        }
    }
}

#[tokio::test(start_paused = true)]
async fn hello_a_bilingual_answer_then_a_person_from_the_demo_queue() {
    let engine = start("en-US");
    let en = Localizer::new("en-US");
    let zh = Localizer::new("zh-CN");

    let snapshot = eventually(&engine, "welcome", |s| s.messages.len() == 1).await;
    assert!(snapshot.backend.demo);
    assert_eq!(last_text(&snapshot).1, en.format("demo-bot-welcome", None));

    engine.send_text("hello".into()).await.unwrap();
    let snapshot = eventually(&engine, "greeting reply", |s| s.messages.len() == 3).await;
    let (author, text) = last_text(&snapshot);
    assert_eq!(
        author,
        Author::Bot {
            name: "Sunny".into(),
            demo: true
        }
    );
    assert_eq!(text, en.format("demo-faq-greeting", None));

    engine.send_text("我要退款".into()).await.unwrap();
    let snapshot = eventually(&engine, "refund reply", |s| s.messages.len() == 5).await;
    assert_eq!(last_text(&snapshot).1, zh.format("demo-faq-refund", None));
    assert_eq!(
        last_text(&snapshot).0,
        Author::Bot {
            name: "小晴".into(),
            demo: true
        }
    );

    engine
        .send_text("I want my money back".into())
        .await
        .unwrap();
    eventually(&engine, "english again", |s| s.messages.len() == 7).await;

    let mut changes = engine.subscribe();
    engine.request_person(HandoffReason::Button).await.unwrap();
    let snapshot = eventually(&engine, "agent joined", |s| {
        matches!(s.handoff, HandoffState::Connected { .. })
    })
    .await;
    let mut queue = Vec::new();
    while let Ok(event) = changes.try_recv() {
        if let ConversationChange::HandoffChanged { handoff } = event.change {
            queue.push(handoff);
        }
    }
    assert_eq!(queue.first(), Some(&HandoffState::Requested));
    let positions: Vec<_> = queue
        .iter()
        .filter_map(|state| match state {
            HandoffState::Queued {
                position,
                estimated_wait_secs,
            } => {
                assert!(estimated_wait_secs.is_some(), "the demo estimates the wait");
                *position
            }
            _ => None,
        })
        .collect();
    assert_eq!(positions, [3, 2, 1], "the queue counts down");
    assert_eq!(
        snapshot.handoff,
        HandoffState::Connected {
            agent_name: "Mei".into(),
            demo: true
        }
    );
    let snapshot = eventually(&engine, "agent greeting", |s| {
        matches!(
            s.messages.last().map(|m| &m.author),
            Some(Author::Agent { .. })
        )
    })
    .await;
    let (author, text) = last_text(&snapshot);
    assert_eq!(
        author,
        Author::Agent {
            name: "Mei".into(),
            demo: true
        }
    );
    assert!(text.contains("Mei"), "{text}");

    // Every notice the engine produced is a message the UI can render.
    for message in &snapshot.messages {
        if let MessageBody::Notice { notice } = &message.body {
            assert!(
                en.has(&notice.message_id),
                "no Fluent message {}",
                notice.message_id
            );
        }
    }
}

/// A service that closes idle chats does not drop the user: after an hour of
/// silence the conversation carries on in a new one, the user keeps their
/// place request, and a later message is answered.
#[tokio::test(start_paused = true)]
async fn an_hour_of_silence_while_waiting_for_a_person_does_not_drop_the_user() {
    let demo = DemoBackend::new(DemoConfig {
        reply_delay: Duration::from_millis(800),
        // Nobody ever becomes free, so the user is still waiting at the end.
        queue_step: Duration::from_secs(24 * 3600),
        idle_close: Some(Duration::from_secs(10 * 60)),
        ..DemoConfig::default()
    });
    let engine = EngineHandle::start(
        Arc::new(demo) as Arc<dyn SupportBackend>,
        EngineConfig::new("en-US"),
    );
    eventually(&engine, "welcome", |s| s.messages.len() == 1).await;
    engine
        .send_text("Where is my parcel?".into())
        .await
        .unwrap();
    engine.request_person(HandoffReason::Button).await.unwrap();
    eventually(&engine, "queued", |s| {
        matches!(s.handoff, HandoffState::Queued { .. })
    })
    .await;
    engine
        .save_draft("I was going to say".into())
        .await
        .unwrap();

    tokio::time::sleep(Duration::from_secs(3600)).await;

    let snapshot = engine.snapshot().await.unwrap();
    let continues = snapshot
        .messages
        .iter()
        .filter(|m| {
            matches!(&m.body, MessageBody::Notice { notice }
                if notice.message_id == "notice-conversation-continues")
        })
        .count();
    // The demo closed the conversation six times in that hour (once every
    // ten minutes of silence), and each time the engine carried on.
    assert!(continues >= 5, "closed and continued {continues} times");
    assert!(
        matches!(snapshot.handoff, HandoffState::Queued { .. }),
        "{:?}",
        snapshot.handoff
    );
    assert_eq!(snapshot.draft, "I was going to say");
    assert!(snapshot.messages.iter().any(|m| matches!(&m.body,
        MessageBody::Text { text } if text == "Where is my parcel?")));

    engine.send_text("thank you".into()).await.unwrap();
    let en = Localizer::new("en-US");
    let thanks = en.format("demo-faq-thanks", None);
    eventually(&engine, "an answer after the silence", |s| {
        s.messages
            .last()
            .is_some_and(|m| matches!(&m.body, MessageBody::Text { text } if *text == thanks))
    })
    .await;
}
