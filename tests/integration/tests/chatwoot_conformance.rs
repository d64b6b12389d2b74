//! The Chatwoot adapter passes the shared adapter conformance suite,
//! requests and replies as well as event streams, against the loopback
//! Chatwoot fake.

mod chatwoot_support;

use std::sync::Arc;

use warmline_backends::chatwoot::ChatwootBackend;
use warmline_chatwoot_fake::ChatwootFake;
use warmline_core::stream_conformance::StreamHarness;
use warmline_core::{BackendEvent, ConversationId, MemorySecrets, ResumeState, SupportBackend};

/// A fresh fake per test; it lives as long as the test's runtime, and the
/// adapter's requests are checked against the spec when it goes.
async fn chatwoot_backend() -> Arc<dyn SupportBackend> {
    let fake = ChatwootFake::start(chatwoot_support::fake_config())
        .await
        .expect("the fake starts");
    let backend = chatwoot_support::backend(&fake.url());
    tokio::spawn(async move {
        let _fake = fake;
        std::future::pending::<()>().await;
    });
    Arc::new(backend)
}

warmline_core::backend_conformance_tests!(chatwoot_backend());

/// Chatwoot's side of the stream checks: the fake, cut by closing its
/// websockets (HTTP keeps working, as when a proxy drops a socket), with a
/// person who answers every contact message and who writes when told.
struct ChatwootHarness {
    fake: Arc<ChatwootFake>,
    replier: tokio::task::JoinHandle<()>,
}

impl ChatwootHarness {
    async fn start() -> Arc<dyn StreamHarness> {
        let fake = Arc::new(
            ChatwootFake::start(chatwoot_support::fake_config())
                .await
                .expect("the fake starts"),
        );
        // Stands in for the agent at the dashboard: Chatwoot itself never
        // answers, so "an event arrives after a send" needs someone who does.
        let agent = Arc::clone(&fake);
        let replier = tokio::spawn(async move {
            let mut answered = 0;
            loop {
                let messages = agent.contact_messages();
                for message in messages.iter().skip(answered) {
                    agent.agent_reply(
                        message.conversation,
                        "Mei",
                        &format!("You wrote: {}", message.content),
                    );
                }
                answered = messages.len();
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
        });
        Arc::new(Self { fake, replier })
    }
}

impl Drop for ChatwootHarness {
    fn drop(&mut self) {
        self.replier.abort();
    }
}

#[async_trait::async_trait]
impl StreamHarness for ChatwootHarness {
    async fn backend(&self, resume: ResumeState) -> Arc<dyn SupportBackend> {
        Arc::new(ChatwootBackend::new(
            chatwoot_support::quick_config(&self.fake.url()),
            Arc::new(MemorySecrets::new()),
            resume,
        ))
    }

    async fn cut_connection(&self) {
        self.fake.drop_sockets();
    }

    async fn support_writes(&self, conversation: &ConversationId, text: &str) {
        let number = conversation.0.parse().expect("a Chatwoot display id");
        self.fake
            .agent_reply(number, "Mei", text)
            .expect("a conversation the fake knows");
    }

    fn answers(&self, sent: &str, event: &BackendEvent) -> bool {
        matches!(event, BackendEvent::AgentMessage { text, .. }
            if *text == format!("You wrote: {sent}"))
    }
}

mod stream {
    use super::*;
    warmline_core::stream_conformance_tests!(ChatwootHarness::start().await);
}
