//! The relay adapter passes the shared adapter conformance suite against the
//! reference relay server, signing in with a token the server requires.

use std::sync::Arc;

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
