//! The companion against the loopback Chatwoot fake, with the real
//! Warmline adapter asking for a person: webhook → toggle_status → private
//! note; a bad signature, a bad bot token and a bot that never answers all
//! leave the conversation to people anyway; the token is never printed.

use std::sync::Arc;
use std::time::Duration;

use warmline_backends::chatwoot::{ChatwootBackend, ChatwootConfig};
use warmline_backends::profile::ChatwootSettings;
use warmline_chatwoot_companion::{Companion, Config, Hidden};
use warmline_chatwoot_fake::{AgentBot, ChatwootFake, FakeConfig};
use warmline_core::{
    BackendEvent, BackendSession, ConversationOptions, HandoffReason, HandoffRequest,
    HandoffSummary, MemorySecrets, ResumeState, SupportBackend,
};

const LIMIT: Duration = Duration::from_secs(20);
const BOT_TOKEN: &str = "companion-bot-token-7f3a";

async fn until(what: &str, done: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + LIMIT;
    while !done() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "never happened: {what}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The fake with a bot whose webhooks go to `webhook_url`, which the test
/// learns only after the fake's port is known: the fake is started with a
/// placeholder and the bot set by `FakeConfig` at start.
async fn fake_with_bot(webhook_url: String, secret: Option<&str>) -> ChatwootFake {
    ChatwootFake::start(FakeConfig {
        ping_interval: Duration::from_millis(100),
        agent_bot: Some(AgentBot {
            name: "Front desk bot".into(),
            webhook_url,
            access_token: BOT_TOKEN.into(),
            webhook_secret: secret.map(str::to_owned),
            webhook_timeout: Duration::from_millis(800),
        }),
        ..FakeConfig::default()
    })
    .await
    .unwrap()
}

fn adapter(url: &str) -> ChatwootBackend {
    let config = ChatwootConfig {
        request_timeout: Duration::from_millis(1500),
        connect_timeout: Duration::from_millis(1500),
        dead_after: Duration::from_millis(600),
        ..ChatwootConfig::from_settings(&ChatwootSettings {
            server_url: url.to_owned(),
            inbox_identifier: FakeConfig::default().inbox_identifier,
            contact_name: "Mei Lin".into(),
            contact_identifier: String::new(),
            agent_locale: "en-US".into(),
        })
    };
    ChatwootBackend::new(
        config,
        Arc::new(MemorySecrets::new()),
        ResumeState::in_memory("chatwoot"),
    )
}

async fn ask_for_a_person(backend: &ChatwootBackend) -> (BackendSession, u64) {
    let session = backend
        .open_conversation(ConversationOptions {
            locale: "en-US".into(),
            resume: None,
        })
        .await
        .unwrap();
    let number = session.conversation.0.parse().unwrap();
    backend
        .request_handoff(
            &session.conversation,
            HandoffRequest {
                reason: HandoffReason::Button,
                urgent_topic: None,
                locale: "en-US".into(),
                summary: HandoffSummary {
                    topic: Some("My pension payment did not arrive".into()),
                    ..HandoffSummary::default()
                },
            },
        )
        .await
        .unwrap();
    (session, number)
}

/// The port a companion will get, for a fake that must know it first.
async fn reserve_port() -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_for_a_person_is_handed_to_the_team_with_a_private_note_and_an_agent_answers() {
    // The companion needs the fake's URL and the fake the companion's: bind
    // the companion's listener first.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let webhook_url = format!("http://{}/webhook", listener.local_addr().unwrap());
    let fake = fake_with_bot(webhook_url, Some("webhook-secret")).await;
    let companion = Arc::new(
        Companion::new(Config {
            chatwoot_url: fake.url(),
            bot_token: Hidden::new(BOT_TOKEN),
            webhook_secret: Some(Hidden::new("webhook-secret")),
            listen: listener.local_addr().unwrap(),
            request_timeout: Duration::from_secs(4),
            max_webhook_age: Duration::from_secs(300),
        })
        .unwrap(),
    );
    tokio::spawn(companion.serve(listener));
    let backend = adapter(&fake.url());
    let (mut session, number) = ask_for_a_person(&backend).await;
    until("the companion opens the conversation", || {
        fake.status(number).as_deref() == Some("open")
    })
    .await;
    until("the private note", || {
        !fake.private_notes(number).is_empty()
    })
    .await;
    let note = &fake.private_notes(number)[0];
    assert!(note.contains("My pension payment did not arrive"), "{note}");
    assert!(!note.contains("[warmline:handoff]"), "{note}");
    assert_eq!(fake.webhook_failures(), 0);
    fake.agent_reply(
        number,
        "Ann Wong",
        "Hello, I am Ann. Let me check your payment.",
    );
    let joined = tokio::time::timeout(LIMIT, async {
        loop {
            match session.events.recv().await {
                Some(BackendEvent::AgentJoined { name }) => return name,
                Some(_) => continue,
                None => panic!("the stream ended"),
            }
        }
    })
    .await
    .unwrap();
    assert_eq!(joined, "Ann Wong");
    let violations = fake.violations();
    assert!(violations.is_empty(), "{violations:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_with_a_bad_signature_is_refused_and_chatwoot_falls_back_to_people() {
    let addr = reserve_port().await;
    let fake = fake_with_bot(format!("http://{addr}/webhook"), Some("not-the-secret")).await;
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    let companion = Arc::new(
        Companion::new(Config {
            chatwoot_url: fake.url(),
            bot_token: Hidden::new(BOT_TOKEN),
            webhook_secret: Some(Hidden::new("webhook-secret")),
            listen: addr,
            request_timeout: Duration::from_secs(4),
            max_webhook_age: Duration::from_secs(300),
        })
        .unwrap(),
    );
    tokio::spawn(Arc::clone(&companion).serve(listener));
    let backend = adapter(&fake.url());
    let (_session, number) = ask_for_a_person(&backend).await;
    until("the failed webhook", || fake.webhook_failures() >= 1).await;
    assert!(
        fake.private_notes(number).is_empty(),
        "nothing done on a forged webhook"
    );
    // Upstream opens a pending conversation whose bot failed.
    until("people get it anyway", || {
        fake.status(number).as_deref() == Some("open")
    })
    .await;
    // Unsigned: refused too.
    let unsigned = reqwest::Client::new()
        .post(format!("http://{addr}/webhook"))
        .body(r#"{"event":"message_created"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status().as_u16(), 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_bot_token_is_refused_by_chatwoot_and_the_conversation_still_reaches_people() {
    let addr = reserve_port().await;
    let fake = fake_with_bot(format!("http://{addr}/webhook"), None).await;
    let webhook = start_companion_at(addr, &fake.url(), "a-revoked-token").await;
    let backend = adapter(&fake.url());
    let (_session, number) = ask_for_a_person(&backend).await;
    until("the failed webhook", || fake.webhook_failures() >= 1).await;
    until("people get it anyway", || {
        fake.status(number).as_deref() == Some("open")
    })
    .await;
    assert!(fake.private_notes(number).is_empty());
    drop(webhook);
}

async fn start_companion_at(
    addr: std::net::SocketAddr,
    fake_url: &str,
    token: &str,
) -> tokio::task::JoinHandle<()> {
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    let companion = Arc::new(
        Companion::new(Config {
            chatwoot_url: fake_url.to_owned(),
            bot_token: Hidden::new(token),
            webhook_secret: None,
            listen: addr,
            request_timeout: Duration::from_secs(4),
            max_webhook_age: Duration::from_secs(300),
        })
        .unwrap(),
    );
    tokio::spawn(companion.serve(listener))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bot_that_never_answers_times_out_and_people_get_the_conversation() {
    // A listener that accepts and never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = silent.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = silent.accept().await {
            held.push(stream);
        }
    });
    let fake = fake_with_bot(format!("http://{addr}/webhook"), None).await;
    let backend = adapter(&fake.url());
    let (_session, number) = ask_for_a_person(&backend).await;
    assert_eq!(
        fake.status(number).as_deref(),
        Some("pending"),
        "the bot's until it fails"
    );
    until("the webhook times out", || fake.webhook_failures() >= 1).await;
    until("people get it", || {
        fake.status(number).as_deref() == Some("open")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_reads_its_token_from_a_file_hands_over_and_never_prints_the_token() {
    let addr = reserve_port().await;
    let fake = fake_with_bot(format!("http://{addr}/webhook"), None).await;
    let dir = std::env::temp_dir().join(format!("companion-bin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let token_file = dir.join("bot-token");
    std::fs::write(&token_file, format!("{BOT_TOKEN}\n")).unwrap();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_warmline-chatwoot-companion"))
        .env("CHATWOOT_URL", fake.url())
        .env("CHATWOOT_BOT_TOKEN_FILE", &token_file)
        .env("COMPANION_LISTEN", addr.to_string())
        .env("RUST_LOG", "trace")
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    // Wait until it listens.
    let deadline = tokio::time::Instant::now() + LIMIT;
    while tokio::net::TcpStream::connect(addr).await.is_err() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the companion never listened"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let backend = adapter(&fake.url());
    let (_session, number) = ask_for_a_person(&backend).await;
    until("the binary opens the conversation", || {
        fake.status(number).as_deref() == Some("open")
    })
    .await;
    until("its note", || !fake.private_notes(number).is_empty()).await;
    child.start_kill().unwrap();
    let output = child.wait_with_output().await.unwrap();
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        printed.contains("handed a Warmline conversation"),
        "{printed}"
    );
    assert!(
        !printed.contains(BOT_TOKEN),
        "the token was printed:\n{printed}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
