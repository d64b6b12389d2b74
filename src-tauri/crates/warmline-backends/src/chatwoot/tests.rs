//! The adapter's pure parts: the identity hash and the error mapping.

use super::*;

#[test]
fn the_identifier_hash_is_chatwoots_hmac() {
    // OpenSSL::HMAC.hexdigest('sha256', 'key', 'The quick brown fox jumps over the lazy dog')
    assert_eq!(
        identifier_hash("key", "The quick brown fox jumps over the lazy dog"),
        "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
    );
}

#[test]
fn statuses_and_failures_map_to_the_engines_errors() {
    let conversation = ConversationId("4".into());
    let map = |status| ApiError::Status { status }.into_backend(Some(&conversation));
    assert!(map(401).needs_sign_in());
    assert!(matches!(map(404), BackendError::UnknownConversation(_)));
    assert!(matches!(map(422), BackendError::UnknownConversation(_)));
    assert!(map(503).is_transient());
    assert!(map(429).is_transient());
    assert!(matches!(map(400), BackendError::Rejected(_)));
    assert!(ApiError::Network("cut".into())
        .into_backend(None)
        .is_transient());
}
