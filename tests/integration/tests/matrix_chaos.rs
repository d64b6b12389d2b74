//! The Matrix chaos test: 1,000 user messages through the real engine, a
//! SQLite store on disk and the Matrix adapter, with the `netfault` proxy
//! between the adapter and a real Synapse. A seeded schedule cuts the
//! network, stalls it, slows it, refuses connections and restarts (or
//! kills) Synapse while the messages go out. Then an agent account reads
//! the room back from Synapse and counts: nothing lost, nothing twice,
//! nothing out of order.
//!
//! `WARMLINE_CHAOS_SEED=<n>` replays a fault schedule; the seed is printed
//! either way.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use warmline_core::ConversationStore;
use warmline_integration_tests::matrix::{blocking, quick_matrix_config, start_matrix_engine};
use warmline_integration_tests::{all_sent, eventually, unsent, user_texts};
use warmline_netfault::FaultProxy;
use warmline_store::SqliteStore;
use warmline_synapse::{SupportSetup, Synapse};

const MESSAGES: usize = 1_000;
/// A safety net against a hang, far above what a run needs; not a
/// measurement.
const RUN_LIMIT: Duration = Duration::from_secs(40 * 60);

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
    kills: u32,
}

/// How the room's copy compares with what the user wrote.
#[derive(Debug, PartialEq, Eq)]
struct Count {
    sent: usize,
    in_room: usize,
    lost: usize,
    duplicated: usize,
    out_of_order: usize,
}

fn count(sent: &[String], in_room: &[String]) -> Count {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for body in in_room {
        *seen.entry(body.as_str()).or_default() += 1;
    }
    let lost = sent
        .iter()
        .filter(|s| !seen.contains_key(s.as_str()))
        .count();
    let duplicated = seen.values().map(|n| n - 1).sum();
    // Order: the first copy of each message, in the room's order, must
    // follow the order written.
    let position: HashMap<&str, usize> = sent
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i))
        .collect();
    let mut first = Vec::new();
    let mut taken = std::collections::HashSet::new();
    for body in in_room {
        if taken.insert(body.as_str()) {
            if let Some(&i) = position.get(body.as_str()) {
                first.push(i);
            }
        }
    }
    let out_of_order = first.windows(2).filter(|w| w[1] < w[0]).count();
    Count {
        sent: sent.len(),
        in_room: in_room.len(),
        lost,
        duplicated,
        out_of_order,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_messages_through_cuts_stalls_slowdowns_and_synapse_restarts_arrive_once_in_order(
) {
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
    println!("matrix chaos seed: {seed} (WARMLINE_CHAOS_SEED={seed} replays the fault schedule)");
    let started = std::time::Instant::now();

    let (synapse, setup) = blocking(|| {
        let synapse = Arc::new(Synapse::start().expect("Synapse starts"));
        let setup = SupportSetup::new(&synapse, "chaos").expect("support setup");
        (synapse, setup)
    })
    .await;
    let proxy = FaultProxy::start(synapse.addr()).await.unwrap();
    let mut settings = setup.room_settings(&synapse);
    settings.homeserver = format!("http://{}", proxy.addr());
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SqliteStore::open(&warmline_store::default_path(dir.path())).unwrap());
    let engine = start_matrix_engine(
        quick_matrix_config(settings),
        &setup.user,
        Arc::clone(&store) as Arc<dyn ConversationStore>,
        seed,
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

    // Faults go on while messages are still on their way.
    let mut rng = Rng(seed);
    let mut faults = Faults::default();
    let mut round = 0u32;
    loop {
        round += 1;
        let snapshot = engine.snapshot().await.unwrap();
        if writer.is_finished() && unsent(&snapshot) == 0 {
            break;
        }
        assert!(
            started.elapsed() < RUN_LIMIT,
            "still {} unsent after {RUN_LIMIT:?} (seed {seed}, {faults:?})",
            unsent(&snapshot)
        );
        // A fault every second or so: each one makes the adapter reconnect
        // (several requests), and the messages must still make progress.
        tokio::time::sleep(rng.millis(300, 1500)).await;
        // Synapse itself goes down twice in every run, early, while most
        // messages are still to go: killed once (as in a crash) and stopped
        // once (as by a service manager). It takes seconds to start again.
        if round == 4 || round == 12 {
            let kill = round == 4;
            let server = Arc::clone(&synapse);
            blocking(move || {
                if kill {
                    server.kill();
                } else {
                    server.stop();
                }
                server.start_again().expect("Synapse starts again");
            })
            .await;
            if kill {
                faults.kills += 1;
            } else {
                faults.restarts += 1;
            }
            continue;
        }
        match rng.below(100) {
            0..=34 => {
                faults.cuts += 1;
                proxy.cut();
            }
            35..=59 => {
                faults.stalls += 1;
                proxy.stall();
                tokio::time::sleep(rng.millis(100, 1500)).await;
                proxy.resume();
            }
            60..=79 => {
                faults.slowdowns += 1;
                proxy.slow(rng.millis(1, 20), 1 + rng.below(256) as usize);
                tokio::time::sleep(rng.millis(100, 800)).await;
                proxy.resume();
            }
            _ => {
                faults.refusals += 1;
                proxy.refuse();
                proxy.cut();
                tokio::time::sleep(rng.millis(50, 500)).await;
                proxy.resume();
            }
        }
    }
    proxy.resume();
    let sent = writer.await.unwrap();
    let snapshot = eventually(
        &engine,
        "every message acknowledged",
        Duration::from_secs(300),
        all_sent,
    )
    .await;

    let (reader, room, user) = (
        setup.agents[1].clone(),
        setup.room.clone(),
        setup.user.user_id().to_owned(),
    );
    let in_room = blocking(move || reader.message_bodies_from(&room, &user)).await;
    let count = count(&sent, &in_room);
    println!(
        "matrix chaos: seed {seed}; faults: {} cuts, {} stalls, {} slowdowns, {} refusals, \
         {} Synapse restarts, {} Synapse kills; sent {}, in the room {}, lost {}, duplicated {}, \
         out of order {}; {} proxied connections; {:.1} s",
        faults.cuts,
        faults.stalls,
        faults.slowdowns,
        faults.refusals,
        faults.restarts,
        faults.kills,
        count.sent,
        count.in_room,
        count.lost,
        count.duplicated,
        count.out_of_order,
        proxy.connections_accepted(),
        started.elapsed().as_secs_f64(),
    );
    assert_eq!(
        count,
        Count {
            sent: MESSAGES,
            in_room: MESSAGES,
            lost: 0,
            duplicated: 0,
            out_of_order: 0
        }
    );
    assert!(
        faults.cuts + faults.stalls + faults.refusals >= 10,
        "{faults:?}"
    );
    assert!(faults.restarts == 1 && faults.kills == 1, "{faults:?}");
    // What the user sees, and what the store keeps, agree with the room.
    assert_eq!(user_texts(&snapshot), sent);
    assert_eq!(store.load().unwrap().unsent().count(), 0);
}

#[test]
fn the_count_finds_losses_doubles_and_disorder() {
    let sent: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
    let room = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(count(&sent, &room(&["a", "b", "c"])).lost, 0);
    assert_eq!(count(&sent, &room(&["a", "c"])).lost, 1);
    assert_eq!(count(&sent, &room(&["a", "b", "b", "c"])).duplicated, 1);
    assert_eq!(count(&sent, &room(&["b", "a", "c"])).out_of_order, 1);
}
