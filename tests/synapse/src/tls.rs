//! A test certificate authority and a server certificate it signed, made
//! with the `cryptography` package of the Synapse venv (so no other tool
//! is needed), for a homeserver served over HTTPS on loopback.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::install::synapse_python;

const MAKE_CERTIFICATES: &str = r#"
import datetime, sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

out, host = sys.argv[1], sys.argv[2]
now = datetime.datetime.now(datetime.timezone.utc)
def name(text):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, text)])
ca_key = ec.generate_private_key(ec.SECP256R1())
ca = (x509.CertificateBuilder().subject_name(name("Warmline test CA")).issuer_name(name("Warmline test CA"))
      .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
      .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
      .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
      .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                   content_commitment=False, key_encipherment=False, data_encipherment=False,
                                   key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
      .sign(ca_key, hashes.SHA256()))
key = ec.generate_private_key(ec.SECP256R1())
cert = (x509.CertificateBuilder().subject_name(name(host)).issuer_name(ca.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256()))
pem = serialization.Encoding.PEM
open(out + "/ca.pem", "wb").write(ca.public_bytes(pem))
open(out + "/server.pem", "wb").write(cert.public_bytes(pem))
open(out + "/server.key", "wb").write(key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                                        serialization.NoEncryption()))
"#;

/// A CA and a certificate it signed for one host name, in a temporary
/// folder that is deleted on drop.
#[derive(Debug)]
pub struct TestCertificates {
    dir: tempfile::TempDir,
}

impl TestCertificates {
    /// Makes a fresh CA and a server certificate for `host` (e.g.
    /// `localhost`).
    pub fn new(host: &str) -> Result<Self, String> {
        let python = synapse_python()?;
        let dir = tempfile::Builder::new()
            .prefix("warmline-tls-")
            .tempdir()
            .map_err(|error| format!("temporary folder: {error}"))?;
        let output = Command::new(python)
            .arg("-c")
            .arg(MAKE_CERTIFICATES)
            .arg(dir.path())
            .arg(host)
            .output()
            .map_err(|error| format!("making certificates: {error}"))?;
        if !output.status.success() {
            return Err(format!(
                "making certificates failed: {}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        Ok(Self { dir })
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The CA certificate (PEM), what a profile's extra CA names.
    pub fn ca(&self) -> PathBuf {
        self.path("ca.pem")
    }

    /// The server certificate (PEM).
    pub fn certificate(&self) -> PathBuf {
        self.path("server.pem")
    }

    /// The server's private key (PEM).
    pub fn key(&self) -> PathBuf {
        self.path("server.key")
    }

    /// The folder the files are in.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}
