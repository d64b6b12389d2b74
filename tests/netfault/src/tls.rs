//! Certificates made by a test, for a `wss://` reference server on
//! loopback: a throwaway certificate authority ([`TestCa`]) and server
//! certificates it signs ([`ServerIdentity`]), the way a company with its
//! own CA sets up its relay.

use std::path::Path;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A certificate authority that exists only for one test.
pub struct TestCa {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

impl TestCa {
    /// A new CA called `name`, with a fresh key.
    pub fn new(name: &str) -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("no names to check");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = KeyPair::generate().expect("a key");
        let issuer = CertifiedIssuer::self_signed(params, key).expect("a CA certificate");
        Self { issuer }
    }

    /// The CA's certificate, PEM-encoded: what a caregiver's extra CA file
    /// holds.
    pub fn certificate_pem(&self) -> String {
        self.issuer.pem()
    }

    /// Writes [`Self::certificate_pem`] to `path`.
    pub fn write_pem(&self, path: &Path) -> std::io::Result<()> {
        std::fs::write(path, self.certificate_pem())
    }

    /// A server certificate for `hosts` (DNS names or IP addresses), signed
    /// by this CA.
    pub fn issue(&self, hosts: &[&str]) -> ServerIdentity {
        self.issue_with(hosts, |_| {})
    }

    /// A server certificate for `hosts` that expired in 2020.
    pub fn issue_expired(&self, hosts: &[&str]) -> ServerIdentity {
        self.issue_with(hosts, |params| {
            params.not_before = rcgen::date_time_ymd(2019, 1, 1);
            params.not_after = rcgen::date_time_ymd(2020, 1, 1);
        })
    }

    fn issue_with(
        &self,
        hosts: &[&str],
        adjust: impl FnOnce(&mut CertificateParams),
    ) -> ServerIdentity {
        let names: Vec<String> = hosts.iter().map(|h| (*h).to_owned()).collect();
        let mut params = CertificateParams::new(names).expect("valid host names");
        params.distinguished_name.push(
            DnType::CommonName,
            hosts.first().copied().unwrap_or("server"),
        );
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ];
        params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
        adjust(&mut params);
        let key = KeyPair::generate().expect("a key");
        let certificate = params
            .signed_by(&key, &self.issuer)
            .expect("a signed certificate");
        ServerIdentity {
            chain: vec![certificate.der().clone(), self.issuer.der().clone()],
            key: Arc::new(key.serialize_der()),
        }
    }
}

/// A server's certificate chain and private key.
#[derive(Clone)]
pub struct ServerIdentity {
    chain: Vec<CertificateDer<'static>>,
    key: Arc<Vec<u8>>,
}

impl std::fmt::Debug for ServerIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerIdentity")
            .field("certificates", &self.chain.len())
            .finish_non_exhaustive()
    }
}

impl ServerIdentity {
    /// A rustls server configuration presenting this identity.
    pub fn server_config(&self) -> Arc<rustls::ServerConfig> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key.as_ref().clone()));
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("ring supports the default protocol versions")
            .with_no_client_auth()
            .with_single_cert(self.chain.clone(), key)
            .expect("the certificate matches its key");
        Arc::new(config)
    }
}
