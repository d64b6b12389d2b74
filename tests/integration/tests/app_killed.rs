//! The app killed in the middle of a send and started again: a child
//! process runs the engine on a SQLite store and the relay adapter, writes
//! messages while the server is slow to acknowledge them, and is SIGKILLed.
//! A second child starts on the same store and sends what is left. The
//! server must hold every message exactly once, in the order written.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use warmline_core::{Author, ConversationStore, DeliveryState, MessageBody};
use warmline_integration_tests::{
    all_sent, eventually, quick_engine_config, quick_relay_config, start_relay_engine,
};
use warmline_netfault::{DeliveryCount, RelayServer, RelayServerConfig};
use warmline_store::SqliteStore;

/// Makes [`app_child`] run: the store's path.
const CHILD_DB: &str = "WARMLINE_KILL_CHILD_DB";
/// The relay's URL for the child.
const CHILD_URL: &str = "WARMLINE_KILL_CHILD_URL";
/// `write` (send messages until killed) or `flush` (send what is left).
const CHILD_MODE: &str = "WARMLINE_KILL_CHILD_MODE";
/// Printed by the child after `send_text` returned, i.e. after the message
/// was stored.
const STORED: &str = "stored: ";
const FLUSHED: &str = "flushed: ";
const WRITES: usize = 400;

/// Not a check of its own: the app that `the_app_killed_mid_send_...` runs
/// in a child process. Without the variables it returns at once.
#[test]
fn app_child() {
    let (Some(path), Ok(url), Ok(mode)) = (
        std::env::var_os(CHILD_DB),
        std::env::var(CHILD_URL),
        std::env::var(CHILD_MODE),
    ) else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let store = Arc::new(SqliteStore::open(Path::new(&path)).unwrap());
        let engine = start_relay_engine(
            quick_relay_config(url),
            store as Arc<dyn ConversationStore>,
            quick_engine_config(11),
        );
        match mode.as_str() {
            "write" => {
                for i in 0..WRITES {
                    let text = format!("kill test {i:03}");
                    engine.send_text(text.clone()).await.unwrap();
                    println!("{STORED}{text}");
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
                // Bounded, in case the parent dies before it kills us.
                tokio::time::sleep(Duration::from_secs(120)).await;
            }
            _ => {
                let snapshot =
                    eventually(&engine, "flushed", Duration::from_secs(60), all_sent).await;
                println!("{FLUSHED}{}", snapshot.messages.len());
            }
        }
    });
}

fn spawn_child(path: &Path, url: &str, mode: &str) -> (Child, mpsc::UnboundedReceiver<String>) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "app_child", "--nocapture", "--test-threads=1"])
        .env(CHILD_DB, path)
        .env(CHILD_URL, url)
        .env(CHILD_MODE, mode)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (lines, received) = mpsc::unbounded_channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    (child, received)
}

/// The payload after `marker` (libtest may print its own text first on the
/// same line).
fn after<'a>(line: &'a str, marker: &str) -> Option<&'a str> {
    line.split_once(marker).map(|(_, rest)| rest)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_killed_mid_send_and_started_again_delivers_every_message_once_in_order() {
    let server = RelayServer::start(RelayServerConfig {
        // Slow acknowledgements keep messages in flight when the kill lands.
        ack_delay: Duration::from_millis(15),
        bot_reply_every: 10,
        ..RelayServerConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = warmline_store::default_path(dir.path());

    let (mut child, mut lines) = spawn_child(&path, &server.url(), "write");
    let mut stored = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    // Kill once the app has stored well more than the server has received.
    while !(stored.len() >= 150 && server.received().len() >= 20) {
        let line = tokio::time::timeout_at(deadline, lines.recv()).await;
        match line {
            Ok(Some(line)) => {
                if let Some(text) = after(&line, STORED) {
                    stored.push(text.to_owned());
                }
            }
            _ => {
                let _ = child.kill();
                panic!("the app stopped after storing {} messages", stored.len());
            }
        }
    }
    // SIGKILL: no destructor, no flush, no goodbye to the server.
    child.kill().unwrap();
    let status = child.wait().unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(9), "{status:?}");
    }
    while let Ok(line) = lines.try_recv() {
        if let Some(text) = after(&line, STORED) {
            stored.push(text.to_owned());
        }
    }
    let received_at_kill = server.received().len();
    assert!(
        received_at_kill < stored.len(),
        "the kill must land with messages still unsent ({received_at_kill} of {})",
        stored.len()
    );

    // Started again on the same store: it sends what was left.
    let (mut child, mut lines) = spawn_child(&path, &server.url(), "flush");
    let flushed = loop {
        match tokio::time::timeout(Duration::from_secs(90), lines.recv()).await {
            Ok(Some(line)) if after(&line, FLUSHED).is_some() => break true,
            Ok(Some(_)) => {}
            _ => break false,
        }
    };
    let status = child.wait().unwrap();
    assert!(flushed && status.success(), "the restarted app: {status:?}");

    // What the store kept is what the user wrote; the server has exactly it.
    let store = SqliteStore::open(&path).unwrap();
    let kept = store.load().unwrap();
    let written: Vec<String> = kept
        .messages
        .iter()
        .filter(|m| m.author == Author::User)
        .filter_map(|m| match &m.body {
            MessageBody::Text { text } => Some(text.clone()),
            MessageBody::Notice { .. } => None,
        })
        .collect();
    assert!(
        kept.messages
            .iter()
            .filter(|m| m.author == Author::User)
            .all(|m| m.delivery == DeliveryState::Sent),
        "every stored message acknowledged"
    );
    // Every message the app reported stored is among them, in order.
    assert_eq!(written[..stored.len()], stored[..]);
    let received = server.received();
    let count = DeliveryCount::of(&written, &received);
    println!(
        "app killed mid-send: {} stored before the kill, {received_at_kill} received at the kill, \
         {} written in all; server: received {}, lost {}, duplicated {}, out of order {}; \
         {} resends recognized as duplicates",
        stored.len(),
        written.len(),
        count.received,
        count.lost,
        count.duplicated,
        count.out_of_order,
        server.duplicate_sends()
    );
    assert!(count.is_perfect(), "{count:?}");
    assert_eq!(count.received, written.len());
}
