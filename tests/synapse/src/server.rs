//! One Synapse process on loopback: its configuration, start, stop, crash,
//! restart and wipe, and shared-secret registration of test accounts.

use std::fmt::Write as _;
use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use crate::client::TestUser;
use crate::install::synapse_python;

/// The server name of every test homeserver: user ids are `@name:localhost`.
pub const SERVER_NAME: &str = "localhost";

/// Longest wait for Synapse to answer after it was started. A safety net
/// for a busy 2-core machine (a first start creates the whole schema), not
/// a measurement.
const START_LIMIT: Duration = Duration::from_secs(180);
/// Longest wait for Synapse to stop by itself before it is killed.
const STOP_LIMIT: Duration = Duration::from_secs(30);

/// Runs Synapse and stops it when its standard input closes. A `keep` line
/// first (from [`Synapse::stop`]) stops it gracefully, keeping its data for
/// a restart. A bare end of input means the test process is gone (it ended
/// without dropping the shared server, was killed, or aborted): Synapse
/// deletes its folder and exits, so no homeserver or data outlives a test.
const LAUNCHER: &str = r#"
import os, shutil, sys, threading
config = os.path.abspath(sys.argv[1])
def stop_when_stdin_closes():
    if sys.stdin.readline().strip() != "keep":
        shutil.rmtree(os.path.dirname(config), ignore_errors=True)
        os._exit(0)
    timer = threading.Timer(20, lambda: os._exit(0))
    timer.daemon = True
    timer.start()
    try:
        from twisted.internet import reactor
        reactor.callFromThread(reactor.stop)
    except Exception:
        os._exit(0)
threading.Thread(target=stop_when_stdin_closes, daemon=True).start()
sys.argv = ["synapse.app.homeserver", "--config-path", config]
from synapse.app.homeserver import main
main()
"#;

/// A Synapse homeserver on `127.0.0.1`, with SQLite in a temporary folder.
/// Dropping it stops the process and deletes the folder.
pub struct Synapse {
    dir: tempfile::TempDir,
    port: u16,
    /// A second client listener with TLS, when asked for.
    tls: Option<(u16, PathBuf, PathBuf)>,
    shared_secret: String,
    python: PathBuf,
    process: Mutex<Option<Child>>,
    admin: OnceLock<TestUser>,
}

impl std::fmt::Debug for Synapse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Synapse")
            .field("port", &self.port)
            .field("dir", &self.dir.path())
            .finish_non_exhaustive()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Synapse {
    /// Installs Synapse if needed, writes a fresh configuration and starts
    /// it on a free loopback port; returns once it answers.
    pub fn start() -> Result<Self, String> {
        Self::start_inner(None)
    }

    /// Like [`Self::start`], plus a client listener with TLS serving
    /// `certificates` (made for `localhost`) at [`Self::tls_url`].
    pub fn start_with_tls(certificates: &crate::TestCertificates) -> Result<Self, String> {
        Self::start_inner(Some((certificates.certificate(), certificates.key())))
    }

    fn start_inner(tls: Option<(PathBuf, PathBuf)>) -> Result<Self, String> {
        let python = synapse_python()?;
        let dir = tempfile::Builder::new()
            .prefix("warmline-synapse-")
            .tempdir()
            .map_err(|error| format!("temporary folder: {error}"))?;
        let port = free_port()?;
        let tls = match tls {
            Some((certificate, key)) => Some((free_port()?, certificate, key)),
            None => None,
        };
        let synapse = Self {
            dir,
            port,
            tls,
            shared_secret: random_token(),
            python,
            process: Mutex::new(None),
            admin: OnceLock::new(),
        };
        synapse.write_config()?;
        synapse.launch()?;
        Ok(synapse)
    }

    /// One homeserver shared by every test of this test binary that needs
    /// no restart of its own (each such test uses accounts and rooms of its
    /// own). It stops when the test process ends.
    pub fn shared() -> &'static Synapse {
        static SHARED: OnceLock<Synapse> = OnceLock::new();
        SHARED.get_or_init(|| Synapse::start().expect("starting the shared Synapse"))
    }

    /// The client API's base address, e.g. `http://127.0.0.1:40123`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The TLS listener's address, `https://localhost:<port>`, when started
    /// with [`Self::start_with_tls`].
    pub fn tls_url(&self) -> Option<String> {
        self.tls
            .as_ref()
            .map(|(port, _, _)| format!("https://localhost:{port}"))
    }

    /// The socket address Synapse listens on (for a fault proxy in front).
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// The full user id of `localpart` on this server.
    pub fn user_id(&self, localpart: &str) -> String {
        format!("@{localpart}:{SERVER_NAME}")
    }

    /// True while the Synapse process runs.
    pub fn is_running(&self) -> bool {
        let mut process = lock(&self.process);
        match process.as_mut() {
            Some(child) => matches!(child.try_wait(), Ok(None)),
            None => false,
        }
    }

    /// Stops Synapse the way a service manager does (it finishes what it is
    /// doing), killing it only if it does not stop within a while.
    pub fn stop(&self) {
        let Some(mut child) = lock(&self.process).take() else {
            return;
        };
        if let Some(mut stdin) = child.stdin.take() {
            let _ = stdin.write_all(b"keep\n");
        }
        let deadline = Instant::now() + STOP_LIMIT;
        while Instant::now() < deadline {
            if matches!(child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
    }

    /// Kills Synapse at once (SIGKILL), as a crash or a power cut would.
    pub fn kill(&self) {
        if let Some(mut child) = lock(&self.process).take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts Synapse again on the same port with the same data.
    pub fn start_again(&self) -> Result<(), String> {
        self.stop();
        self.launch()
    }

    /// Stops Synapse, deletes its database and media, and starts a fresh,
    /// empty server with the same name and port: every account, token and
    /// room is gone, as after a server was reinstalled.
    pub fn wipe(&self) -> Result<(), String> {
        self.stop();
        for name in ["homeserver.db", "homeserver.db-wal", "homeserver.db-shm"] {
            let _ = std::fs::remove_file(self.dir.path().join(name));
        }
        let _ = std::fs::remove_dir_all(self.dir.path().join("media"));
        self.launch()
    }

    /// Registers an account through the shared-secret admin API and signs
    /// it in.
    pub fn register(&self, localpart: &str, display_name: &str) -> Result<TestUser, String> {
        self.register_account(
            localpart,
            display_name,
            false,
            &format!("pw-{}", random_token()),
        )
    }

    /// Registers an account with a given password (to set an account up
    /// again, as it was, after [`Self::wipe`]).
    pub fn register_with_password(
        &self,
        localpart: &str,
        display_name: &str,
        password: &str,
    ) -> Result<TestUser, String> {
        self.register_account(localpart, display_name, false, password)
    }

    /// An administrator of this server (registered on first use).
    pub fn admin(&self) -> &TestUser {
        self.admin.get_or_init(|| {
            self.register_account("warmline-admin", "Admin", true, &random_token())
                .expect("registering the admin account")
        })
    }

    fn register_account(
        &self,
        localpart: &str,
        display_name: &str,
        admin: bool,
        password: &str,
    ) -> Result<TestUser, String> {
        let password = password.to_owned();
        let agent = crate::client::http_agent();
        let url = format!("{}/_synapse/admin/v1/register", self.base_url());
        let nonce: serde_json::Value = agent
            .get(&url)
            .call()
            .map_err(|error| format!("register nonce: {error}"))?
            .into_json()
            .map_err(|error| format!("register nonce: {error}"))?;
        let nonce = nonce["nonce"]
            .as_str()
            .ok_or("register: no nonce")?
            .to_owned();
        let role = if admin { "admin" } else { "notadmin" };
        let message = format!("{nonce}\0{localpart}\0{password}\0{role}");
        let mac = hmac_sha1_hex(self.shared_secret.as_bytes(), message.as_bytes());
        let body = serde_json::json!({
            "nonce": nonce,
            "username": localpart,
            "displayname": display_name,
            "password": password,
            "admin": admin,
            "mac": mac,
        });
        let response: serde_json::Value = match agent.post(&url).send_json(body) {
            Ok(response) => response
                .into_json()
                .map_err(|error| format!("register {localpart}: {error}"))?,
            Err(ureq::Error::Status(code, response)) => {
                return Err(format!(
                    "register {localpart}: {code} {}",
                    response.into_string().unwrap_or_default()
                ))
            }
            Err(error) => return Err(format!("register {localpart}: {error}")),
        };
        let token = response["access_token"]
            .as_str()
            .ok_or("register: no access token")?;
        let user_id = response["user_id"].as_str().ok_or("register: no user id")?;
        Ok(TestUser::new(
            self.base_url(),
            user_id.to_owned(),
            password,
            token.to_owned(),
        ))
    }

    fn write_config(&self) -> Result<(), String> {
        let dir = self.dir.path();
        let write = |name: &str, text: &str| {
            std::fs::write(dir.join(name), text).map_err(|error| format!("writing {name}: {error}"))
        };
        write("log.yaml", &log_config(dir))?;
        write(
            "signing.key",
            &format!(
                "ed25519 a_test {}\n",
                unpadded_base64(&random_bytes::<32>())
            ),
        )?;
        write(
            "homeserver.yaml",
            &homeserver_config(dir, self.port, &self.shared_secret, self.tls.as_ref()),
        )
    }

    fn launch(&self) -> Result<(), String> {
        let config = self.dir.path().join("homeserver.yaml");
        let mut child = Command::new(&self.python)
            .arg("-c")
            .arg(LAUNCHER)
            .arg(&config)
            .current_dir(self.dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|error| format!("starting Synapse: {error}"))?;
        let deadline = Instant::now() + START_LIMIT;
        let agent = crate::client::http_agent();
        let health = format!("{}/health", self.base_url());
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                let mut stderr = String::new();
                if let Some(mut pipe) = child.stderr.take() {
                    let _ = pipe.read_to_string(&mut stderr);
                }
                return Err(format!(
                    "Synapse exited at start ({status}): {}\n{}",
                    tail(&stderr, 2000),
                    tail(&self.log(), 2000)
                ));
            }
            if agent.get(&health).call().is_ok() {
                break;
            }
            if Instant::now() >= deadline {
                let _ = child.kill();
                return Err(format!(
                    "Synapse did not answer within {START_LIMIT:?}: {}",
                    tail(&self.log(), 2000)
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        // Synapse writes little to stderr once it runs; drop the pipe so a
        // full pipe can never block it.
        drop(child.stderr.take());
        *lock(&self.process) = Some(child);
        Ok(())
    }

    /// Synapse's own log (warnings and errors), for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("homeserver.log")).unwrap_or_default()
    }
}

impl Drop for Synapse {
    fn drop(&mut self) {
        self.stop();
    }
}

fn tail(text: &str, chars: usize) -> &str {
    let start = text.len().saturating_sub(chars);
    let start = (start..text.len())
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(text.len());
    &text[start..]
}

fn free_port() -> Result<u16, String> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|error| format!("no free port: {error}"))?;
    listener
        .local_addr()
        .map(|addr| addr.port())
        .map_err(|error| format!("no free port: {error}"))
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    for chunk in bytes.chunks_mut(16) {
        let random = uuid::Uuid::new_v4().into_bytes();
        chunk.copy_from_slice(&random[..chunk.len()]);
    }
    bytes
}

fn random_token() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

fn unpadded_base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// HMAC-SHA1 as Synapse's shared-secret registration wants it (RFC 2104).
fn hmac_sha1_hex(key: &[u8], message: &[u8]) -> String {
    use sha1::{Digest, Sha1};
    const BLOCK: usize = 64;
    let mut block_key = [0u8; BLOCK];
    if key.len() > BLOCK {
        block_key[..20].copy_from_slice(&Sha1::digest(key));
    } else {
        block_key[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block_key.map(|k| k ^ byte);
    let inner = Sha1::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    let outer = Sha1::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize();
    outer.iter().fold(String::new(), |mut hex, byte| {
        let _ = write!(hex, "{byte:02x}");
        hex
    })
}

fn log_config(dir: &Path) -> String {
    format!(
        "version: 1\n\
         formatters:\n  plain:\n    format: '%(asctime)s %(name)s %(levelname)s %(message)s'\n\
         handlers:\n  file:\n    class: logging.FileHandler\n    formatter: plain\n    filename: {}\n\
         root:\n  level: WARNING\n  handlers: [file]\n\
         disable_existing_loggers: false\n",
        dir.join("homeserver.log").display()
    )
}

/// A homeserver for tests: SQLite, one client listener on loopback, no
/// federation, shared-secret registration, and every rate limit far above
/// what a test does (the chaos run sends a thousand messages in a minute).
fn homeserver_config(
    dir: &Path,
    port: u16,
    shared_secret: &str,
    tls: Option<&(u16, PathBuf, PathBuf)>,
) -> String {
    let unlimited = "{per_second: 100000, burst_count: 100000}";
    let d = dir.display();
    let tls_listener = match tls {
        Some((tls_port, certificate, key)) => format!(
            r#"  - port: {tls_port}
    bind_addresses: ["127.0.0.1"]
    type: http
    tls: true
    resources:
      - names: [client]
        compress: false
tls_certificate_path: "{}"
tls_private_key_path: "{}"
"#,
            certificate.display(),
            key.display()
        ),
        None => String::new(),
    };
    format!(
        r#"server_name: "{SERVER_NAME}"
public_baseurl: "http://127.0.0.1:{port}/"
pid_file: "{d}/homeserver.pid"
listeners:
  - port: {port}
    bind_addresses: ["127.0.0.1"]
    type: http
    tls: false
    x_forwarded: false
    resources:
      - names: [client]
        compress: false
{tls_listener}database:
  name: sqlite3
  args:
    database: "{d}/homeserver.db"
log_config: "{d}/log.yaml"
media_store_path: "{d}/media"
signing_key_path: "{d}/signing.key"
registration_shared_secret: "{shared_secret}"
macaroon_secret_key: "{macaroon}"
form_secret: "{form}"
enable_registration: false
report_stats: false
enable_metrics: false
trusted_key_servers: []
suppress_key_server_warning: true
url_preview_enabled: false
presence:
  enabled: false
rc_message: {unlimited}
rc_registration: {unlimited}
rc_login:
  address: {unlimited}
  account: {unlimited}
  failed_attempts: {unlimited}
rc_joins:
  local: {unlimited}
  remote: {unlimited}
rc_joins_per_room: {unlimited}
rc_invites:
  per_room: {unlimited}
  per_user: {unlimited}
  per_issuer: {unlimited}
rc_room_creation: {unlimited}
rc_admin_redaction: {unlimited}
rc_3pid_validation: {unlimited}
rc_delayed_event_mgmt: {unlimited}
rc_presence:
  per_user: {unlimited}
"#,
        macaroon = random_token(),
        form = random_token(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_sha1_matches_rfc_2202() {
        // RFC 2202, test case 2.
        assert_eq!(
            hmac_sha1_hex(b"Jefe", b"what do ya want for nothing?"),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"
        );
    }

    #[test]
    fn base64_without_padding() {
        assert_eq!(unpadded_base64(b"f"), "Zg");
        assert_eq!(unpadded_base64(b"fo"), "Zm8");
        assert_eq!(unpadded_base64(b"foo"), "Zm9v");
        assert_eq!(unpadded_base64(b"foobar"), "Zm9vYmFy");
    }
}
