//! The Chatwoot adapter passes the shared adapter conformance suite against
//! the loopback Chatwoot fake.

mod chatwoot_support;

use std::sync::Arc;

use warmline_chatwoot_fake::ChatwootFake;
use warmline_core::SupportBackend;

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
