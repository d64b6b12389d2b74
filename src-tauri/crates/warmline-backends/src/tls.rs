//! TLS for adapters that talk to a company's server: rustls (with *ring*),
//! trusting the platform's root certificates plus, optionally, one extra CA
//! from a PEM file (for a company that runs its own certificate
//! authority). Shared by every adapter that takes an extra CA.
//!
//! How a failure maps: a certificate the client cannot verify (unknown
//! issuer, wrong host name, expired) is not a network failure that goes
//! away by waiting. Adapters report it as
//! [`BackendError::Unauthorized`](warmline_core::BackendError::Unauthorized)
//! ("Warmline cannot sign in; ask the person who set it up"): Warmline does
//! not sign in to a server it cannot verify, and only the person who set it
//! up (or the server's operator) can fix it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls::{ClientConfig, RootCertStore};

/// Why a TLS client configuration could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TlsSetupError {
    /// The extra CA file could not be read.
    #[error("the extra certificate file {path} cannot be read: {detail}")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// What the system said.
        detail: String,
    },
    /// The file holds no PEM certificate (or a damaged one).
    #[error("the extra certificate file {path} holds no readable PEM certificate")]
    NoCertificate {
        /// The file.
        path: PathBuf,
    },
    /// rustls refused a certificate of the file as a trust anchor.
    #[error(
        "the extra certificate file {path} holds a certificate that cannot be trusted: {detail}"
    )]
    Unusable {
        /// The file.
        path: PathBuf,
        /// Why.
        detail: String,
    },
}

/// Reads every certificate of a PEM file.
pub fn read_pem_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsSetupError> {
    let bytes = std::fs::read(path).map_err(|error| TlsSetupError::Unreadable {
        path: path.to_owned(),
        detail: error.to_string(),
    })?;
    let certificates = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| TlsSetupError::NoCertificate {
            path: path.to_owned(),
        })?;
    if certificates.is_empty() {
        return Err(TlsSetupError::NoCertificate {
            path: path.to_owned(),
        });
    }
    Ok(certificates)
}

/// A client configuration trusting the platform's roots and the
/// certificates of `extra_ca`, if given. Reads the platform store and the
/// file, so callers build it once and keep it.
pub fn client_config(extra_ca: Option<&Path>) -> Result<Arc<ClientConfig>, TlsSetupError> {
    let mut roots = RootCertStore::empty();
    let native = rustls_native_certs::load_native_certs();
    if !native.errors.is_empty() {
        tracing::warn!(errors = ?native.errors, "some platform root certificates could not be read");
    }
    let (added, ignored) = roots.add_parsable_certificates(native.certs);
    tracing::debug!(added, ignored, "platform root certificates");
    if let Some(path) = extra_ca {
        for certificate in read_pem_certificates(path)? {
            roots
                .add(certificate)
                .map_err(|error| TlsSetupError::Unusable {
                    path: path.to_owned(),
                    detail: error.to_string(),
                })?;
        }
    }
    if roots.is_empty() {
        // Not fatal here: the handshake then fails as "unknown issuer",
        // which says what to do (configure an extra CA).
        tracing::warn!("no root certificate to trust: every TLS server will be refused");
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports the default protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// The TLS failure inside `error` (anywhere in its chain of sources), in
/// words for logs: `Some` when the connection failed because of TLS, which
/// for a client means the server's certificate could not be verified or
/// the server would not speak TLS with it.
pub fn tls_failure(error: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut current = Some(error);
    while let Some(error) = current {
        if let Some(tls) = error.downcast_ref::<rustls::Error>() {
            return Some(match tls {
                rustls::Error::InvalidCertificate(problem) => {
                    format!("the server's certificate is not trusted: {problem:?}")
                }
                other => format!("the TLS handshake failed: {other}"),
            });
        }
        // `io::Error::source` skips the error it wraps (tokio-rustls wraps
        // the rustls error in one), so look inside explicitly.
        current = match error.downcast_ref::<std::io::Error>() {
            Some(io) => io
                .get_ref()
                .map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => error.source(),
        };
    }
    None
}
