//! The Matrix adapter passes the shared adapter conformance suite against a
//! real Synapse. Each test signs in with an account of its own that opens
//! direct rooms with a support account of its own.

use std::sync::Arc;

use warmline_core::SupportBackend;
use warmline_integration_tests::matrix::{
    blocking, matrix_backend_in_memory, quick_matrix_config, unique,
};
use warmline_synapse::Synapse;

async fn matrix_backend() -> Arc<dyn SupportBackend> {
    let (user, support, base_url) = blocking(|| {
        let synapse = Synapse::shared();
        let prefix = unique("conformance");
        let user = synapse.register(&format!("{prefix}-user"), "Anna").unwrap();
        let support = synapse
            .register(&format!("{prefix}-support"), "Support")
            .unwrap();
        (user, support, synapse.base_url())
    })
    .await;
    let settings = warmline_backends::matrix::MatrixSettings::with_support_account(
        &base_url,
        user.user_id(),
        support.user_id(),
    );
    Arc::new(matrix_backend_in_memory(
        quick_matrix_config(settings),
        &user,
    ))
}

warmline_core::backend_conformance_tests!(matrix_backend());
