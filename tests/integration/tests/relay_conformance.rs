//! The relay adapter passes the shared adapter conformance suite, requests
//! and replies as well as event streams, against the reference relay
//! server, signing in with a token the server requires.

use std::sync::Arc;

use warmline_backends::factory::{build_backend, AdapterContext};
use warmline_backends::profile::{BackendSettings, RelaySettings};
use warmline_backends::relay::protocol::WireEvent;
use warmline_backends::relay::{RelayBackend, RelayConfig};
use warmline_core::SupportBackend;
use warmline_integration_tests::TestSecrets;
use warmline_netfault::{RelayServer, RelayServerConfig};

const TOKEN: &str = "tok-conformance-5a2e";

/// A fresh server per test; it lives as long as the test's runtime.
async fn relay_backend() -> Arc<dyn SupportBackend> {
    let server = RelayServer::start(RelayServerConfig {
        token: Some(TOKEN.into()),
        ..RelayServerConfig::default()
    })
    .await
    .expect("server starts");
    let url = server.url();
    // Kept running until the test's runtime ends.
    tokio::spawn(async move {
        let _server = server;
        std::future::pending::<()>().await;
    });
    Arc::new(RelayBackend::new(RelayConfig::new(url)).with_secrets(TestSecrets::new(Some(TOKEN))))
}

warmline_core::backend_conformance_tests!(relay_backend());

/// The relay's side of the stream checks: the reference server, cut by a
/// restart (it keeps everything it knew, like a server on a durable
/// database), written into as an agent would. Adapters come from the
/// factory, as the app makes them, so the checks see the resume wiring the
/// app uses.
struct RelayHarness {
    server: tokio::sync::Mutex<RelayServer>,
    url: String,
}

#[async_trait::async_trait]
impl warmline_core::stream_conformance::StreamHarness for RelayHarness {
    async fn backend(&self, resume: warmline_core::ResumeState) -> Arc<dyn SupportBackend> {
        let settings = BackendSettings::Relay(RelaySettings {
            url: self.url.clone(),
            extra_ca: None,
        });
        build_backend(
            &settings,
            AdapterContext {
                secrets: TestSecrets::new(Some(TOKEN)),
                resume,
                demo: Default::default(),
            },
        )
        .expect("a valid loopback relay profile")
    }

    async fn cut_connection(&self) {
        self.server.lock().await.restart().await.expect("restarts");
    }

    async fn support_writes(&self, conversation: &warmline_core::ConversationId, text: &str) {
        self.server.lock().await.push_event(
            &conversation.0,
            WireEvent::AgentMessage {
                name: "Mei".into(),
                text: text.into(),
            },
        );
    }

    fn answers(&self, sent: &str, event: &warmline_core::BackendEvent) -> bool {
        // The reference server's bot repeats what it was told.
        matches!(event, warmline_core::BackendEvent::BotMessage { text, .. }
            if *text == format!("You wrote: {sent}"))
    }
}

async fn relay_harness() -> Arc<dyn warmline_core::stream_conformance::StreamHarness> {
    let server = RelayServer::start(RelayServerConfig {
        token: Some(TOKEN.into()),
        ..RelayServerConfig::default()
    })
    .await
    .expect("server starts");
    Arc::new(RelayHarness {
        url: server.url(),
        server: tokio::sync::Mutex::new(server),
    })
}

mod stream {
    use super::*;
    warmline_core::stream_conformance_tests!(relay_harness().await);
}
