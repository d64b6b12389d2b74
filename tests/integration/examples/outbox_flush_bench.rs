//! Benchmark: how long after the network comes back is the outbox flushed?
//!
//! Each trial takes the network away (the proxy refuses and cuts every
//! connection), queues messages while it is away, keeps it away for a
//! random 0.5 to 3 s (so the backoff timers are caught at every phase),
//! then lets it back and times until the last queued message is
//! acknowledged. The engine and the relay adapter run with their real
//! default settings on a SQLite store on disk.
//!
//! ```text
//! cargo run --release -p warmline-integration-tests --example outbox_flush_bench
//! cargo run --release -p warmline-integration-tests --example outbox_flush_bench -- --trials 20 --queued 50
//! ```
//!
//! It runs twice: with the relay's reachability probe (the default), and
//! with the probe effectively off, so only the engine's jittered backoff
//! brings the connection back; the difference is what "at once when the
//! connection is obviously back" buys.

use std::sync::Arc;
use std::time::{Duration, Instant};

use warmline_backends::relay::RelayConfig;
use warmline_core::{
    ConnectionState, ConversationChange, ConversationStore, DeliveryState, EngineConfig,
};
use warmline_integration_tests::{eventually, start_relay_engine};
use warmline_netfault::{FaultProxy, RelayServer, RelayServerConfig};
use warmline_store::SqliteStore;

const LIMIT: Duration = Duration::from_secs(120);

struct Options {
    trials: usize,
    queued: usize,
}

fn options() -> Options {
    let mut options = Options {
        trials: 50,
        queued: 20,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        let value = pair.get(1).and_then(|v| v.parse().ok());
        match (pair[0].as_str(), value) {
            ("--trials", Some(n)) => options.trials = n,
            ("--queued", Some(n)) => options.queued = n,
            _ => {
                eprintln!("usage: outbox_flush_bench [--trials N] [--queued N]");
                std::process::exit(2);
            }
        }
    }
    options
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

async fn run(label: &str, relay: impl Fn(String) -> RelayConfig, options: &Options) {
    let server = RelayServer::start(RelayServerConfig {
        bot_reply_every: 0,
        ..RelayServerConfig::default()
    })
    .await
    .expect("server");
    let proxy = FaultProxy::start(server.addr()).await.expect("proxy");
    let dir = tempfile::tempdir().expect("temp dir");
    let store =
        Arc::new(SqliteStore::open(&warmline_store::default_path(dir.path())).expect("store"));
    let engine = start_relay_engine(
        relay(proxy.ws_url()),
        store as Arc<dyn ConversationStore>,
        EngineConfig::new("en-US"),
    );
    eventually(&engine, "online", LIMIT, |s| {
        s.connection == ConnectionState::Online
    })
    .await;

    // Outage lengths from a fixed seed, so runs are comparable.
    let mut rng = 0x2545_F491_4F6C_DD1Du64;
    let mut times = Vec::with_capacity(options.trials);
    for trial in 0..options.trials {
        proxy.refuse();
        proxy.cut();
        eventually(&engine, "offline", LIMIT, |s| {
            s.connection != ConnectionState::Online
        })
        .await;
        let mut last = None;
        for i in 0..options.queued {
            last = Some(
                engine
                    .send_text(format!("trial {trial} message {i}"))
                    .await
                    .expect("stored"),
            );
        }
        let last = last.expect("at least one message");
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        tokio::time::sleep(Duration::from_millis(500 + rng % 2_500)).await;

        let mut changes = engine.subscribe();
        let back = Instant::now();
        proxy.resume();
        loop {
            match tokio::time::timeout(LIMIT, changes.recv()).await {
                Ok(Ok(event)) => {
                    if event.change
                        == (ConversationChange::DeliveryChanged {
                            id: last,
                            delivery: DeliveryState::Sent,
                        })
                    {
                        break;
                    }
                }
                // Fell behind the broadcast: the snapshot tells.
                Ok(Err(tokio::sync::broadcast::error::RecvError::Lagged(_))) => {
                    let snapshot = engine.snapshot().await.expect("engine");
                    if snapshot
                        .messages
                        .iter()
                        .any(|m| m.id == last && m.delivery == DeliveryState::Sent)
                    {
                        break;
                    }
                }
                _ => panic!("trial {trial}: the outbox was not flushed within {LIMIT:?}"),
            }
        }
        times.push(back.elapsed());
    }
    let received = server.received().len();
    assert_eq!(
        received,
        options.trials * options.queued,
        "every message once"
    );
    times.sort();
    let mean = times.iter().sum::<Duration>() / times.len() as u32;
    println!(
        "{label}: {} trials, {} queued messages each: median {:.0} ms, p95 {:.0} ms, \
         min {:.0} ms, max {:.0} ms, mean {:.0} ms",
        times.len(),
        options.queued,
        percentile(&times, 50.0).as_secs_f64() * 1e3,
        percentile(&times, 95.0).as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3,
        mean.as_secs_f64() * 1e3,
    );
}

fn main() {
    let options = options();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        println!("time from the network coming back to the outbox flushed (all queued messages acknowledged)");
        run("with the reachability probe (defaults)", RelayConfig::new, &options).await;
        run(
            "backoff timers only (probe off)",
            |url| RelayConfig {
                probe_interval: Duration::from_secs(24 * 3600),
                ..RelayConfig::new(url)
            },
            &options,
        )
        .await;
    });
}
