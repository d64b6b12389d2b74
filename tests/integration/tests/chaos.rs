//! The chaos test: 1,000 user messages through the real engine, a SQLite
//! store on disk and the relay adapter, while a seeded random schedule cuts
//! the network, stalls it, slows it, refuses connections and restarts the
//! server. Then the server counts: nothing lost, nothing twice, nothing out
//! of order. The server requires a sign-in token, so every one of the many
//! reconnections presents it.
//!
//! `WARMLINE_CHAOS_SEED=<n>` replays a run; the seed is printed either way.

use std::sync::Arc;
use std::time::Duration;

use warmline_core::ConversationStore;
use warmline_integration_tests::{
    all_sent, eventually, quick_engine_config, quick_relay_config, start_relay_engine_with_token,
    user_texts,
};
use warmline_netfault::{DeliveryCount, FaultProxy, RelayServer, RelayServerConfig};
use warmline_store::SqliteStore;

const MESSAGES: usize = 1_000;
const TOKEN: &str = "tok-chaos-0e6b-relay-secret";

/// xorshift64: the schedule must replay from its seed, nothing more.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn millis(&mut self, from: u64, to: u64) -> Duration {
        Duration::from_millis(from + self.below(to - from + 1))
    }
}

#[derive(Debug, Default)]
struct Faults {
    cuts: u32,
    stalls: u32,
    slowdowns: u32,
    refusals: u32,
    restarts: u32,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_messages_under_cuts_stalls_slowdowns_and_restarts_arrive_once_in_order() {
    let seed = std::env::var("WARMLINE_CHAOS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    println!("chaos seed: {seed} (WARMLINE_CHAOS_SEED={seed} replays the fault schedule)");
    let started = std::time::Instant::now();

    let mut server = RelayServer::start(RelayServerConfig {
        // Some answers, so events flow too, without doubling the writes.
        bot_reply_every: 25,
        token: Some(TOKEN.into()),
        ..RelayServerConfig::default()
    })
    .await
    .unwrap();
    let proxy = FaultProxy::start(server.addr()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = warmline_store::default_path(dir.path());
    let store = Arc::new(SqliteStore::open(&path).unwrap());
    let engine = start_relay_engine_with_token(
        quick_relay_config(proxy.ws_url()),
        TOKEN,
        Arc::clone(&store) as Arc<dyn ConversationStore>,
        quick_engine_config(seed),
    );

    // The user writes steadily, whatever the network does.
    let writer = {
        let engine = engine.clone();
        tokio::spawn(async move {
            let mut sent = Vec::with_capacity(MESSAGES);
            for i in 0..MESSAGES {
                let text = format!("chaos message {i:04}");
                engine.send_text(text.clone()).await.unwrap();
                sent.push(text);
                tokio::time::sleep(Duration::from_millis(8)).await;
            }
            sent
        })
    };

    let mut rng = Rng(seed);
    let mut faults = Faults::default();
    while !writer.is_finished() {
        tokio::time::sleep(rng.millis(50, 300)).await;
        match rng.below(100) {
            0..=29 => {
                faults.cuts += 1;
                proxy.cut();
            }
            30..=49 => {
                faults.stalls += 1;
                proxy.stall();
                tokio::time::sleep(rng.millis(100, 700)).await;
                proxy.resume();
            }
            50..=69 => {
                faults.slowdowns += 1;
                proxy.slow(rng.millis(1, 20), 1 + rng.below(64) as usize);
                tokio::time::sleep(rng.millis(100, 600)).await;
                proxy.resume();
            }
            70..=84 => {
                faults.refusals += 1;
                proxy.refuse();
                proxy.cut();
                tokio::time::sleep(rng.millis(50, 400)).await;
                proxy.resume();
            }
            _ => {
                faults.restarts += 1;
                server.stop().await;
                tokio::time::sleep(rng.millis(20, 300)).await;
                server.start_again().await.unwrap();
            }
        }
    }
    proxy.resume();
    let sent = writer.await.unwrap();
    let snapshot = eventually(
        &engine,
        "every message acknowledged",
        Duration::from_secs(60),
        all_sent,
    )
    .await;

    let received = server.received();
    let count = DeliveryCount::of(&sent, &received);
    println!(
        "chaos: seed {seed}; faults: {} cuts, {} stalls, {} slowdowns, {} refusals, {} server restarts; \
         sent {}, received {}, lost {}, duplicated {}, out of order {}; \
         {} resends recognized as duplicates by the server; {} connections, {} refused sign-ins; {:.1} s",
        faults.cuts,
        faults.stalls,
        faults.slowdowns,
        faults.refusals,
        faults.restarts,
        count.sent,
        count.received,
        count.lost,
        count.duplicated,
        count.out_of_order,
        server.duplicate_sends(),
        server.connections_accepted(),
        server.handshakes_refused(),
        started.elapsed().as_secs_f64(),
    );
    assert_eq!(count.sent, MESSAGES);
    assert!(count.is_perfect(), "{count:?}");
    assert_eq!(count.received, MESSAGES);
    // The faults really happened, and hit the connection.
    assert!(
        faults.cuts + faults.stalls + faults.refusals + faults.restarts >= 10,
        "{faults:?}"
    );
    assert!(server.connections_accepted() > 10);
    // Every reconnection signed in.
    assert_eq!(server.handshakes_refused(), 0);
    // What the user sees, and what the store keeps, agree with the server.
    assert_eq!(user_texts(&snapshot), sent);
    let stored = store.load().unwrap();
    let stored_sent = stored
        .messages
        .iter()
        .filter(|m| m.author == warmline_core::Author::User)
        .filter(|m| m.delivery == warmline_core::DeliveryState::Sent)
        .count();
    assert_eq!(stored_sent, MESSAGES);
    assert_eq!(stored.unsent().count(), 0);
}
