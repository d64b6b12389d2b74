//! Issue 13 in the real app: a Chatwoot profile set up as a caregiver would
//! (the inbox's HMAC token in a real keyring), on the spec-validated
//! Chatwoot fake with an agent bot on the inbox, and the Warmline companion
//! beside it. A message; an agent's reply under the agent's name; the
//! account auto-resolves the conversation while the user sits with a
//! half-typed draft, and the conversation simply continues with the draft
//! intact; "Talk to a person": the companion opens the conversation for
//! people with a private note, and the agent answers.

use std::sync::Arc;
use std::time::Duration;

use warmline_backends::profile::{BackendProfile, BackendSettings, ChatwootSettings, ProfileId};
use warmline_chatwoot_companion::{Companion, Config, Hidden};
use warmline_chatwoot_fake::{AgentBot, ChatwootFake, FakeConfig};
use warmline_e2e::profile_setup::Caregiver;
use warmline_e2e::transcript::{count_messages, draft, send, wait_for_message, MESSAGE_WAIT};
use warmline_e2e::wait_until;

const HMAC_TOKEN: &str = "inbox-hmac-e2e-Zr81-never-in-a-file";
const BOT_TOKEN: &str = "companion-bot-e2e-token";
const WEBHOOK_SECRET: &str = "companion-webhook-e2e-secret";
const QUESTION: &str = "Hello, my phone bill is twice as high as usual";
const DRAFT: &str = "And one more thing about";

#[test]
fn an_agent_answers_auto_resolve_keeps_the_draft_and_the_companion_hands_over_to_a_person() {
    let started = std::time::Instant::now();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let companion_addr = listener.local_addr().unwrap();
    let inbox = FakeConfig::default().inbox_identifier;
    let fake = runtime
        .block_on(ChatwootFake::start(FakeConfig {
            hmac_token: HMAC_TOKEN.into(),
            hmac_mandatory: true,
            // Short, so the test need not sit idle for long.
            auto_resolve_after: Some(Duration::from_secs(6)),
            agent_bot: Some(AgentBot {
                name: "Front desk bot".into(),
                webhook_url: format!("http://{companion_addr}/webhook"),
                access_token: BOT_TOKEN.into(),
                webhook_secret: Some(WEBHOOK_SECRET.into()),
                webhook_timeout: Duration::from_secs(5),
            }),
            ..FakeConfig::default()
        }))
        .unwrap();
    let companion = Arc::new(
        Companion::new(Config {
            chatwoot_url: fake.url(),
            bot_token: Hidden::new(BOT_TOKEN),
            webhook_secret: Some(Hidden::new(WEBHOOK_SECRET)),
            listen: companion_addr,
            request_timeout: Duration::from_secs(4),
            max_webhook_age: Duration::from_secs(300),
        })
        .unwrap(),
    );
    runtime.spawn(companion.serve(listener));

    let profile = BackendProfile {
        id: ProfileId("chatwoot-e2e".into()),
        name: "My phone company".into(),
        backend: BackendSettings::Chatwoot(ChatwootSettings {
            server_url: fake.url(),
            inbox_identifier: inbox,
            contact_name: "Anna Li".into(),
            contact_identifier: "customer-4711".into(),
            agent_locale: "en-US".into(),
        }),
    };
    let mut caregiver = Caregiver::new();
    let app = caregiver.set_up_profile(
        &profile,
        &[("hmac-token", HMAC_TOKEN)],
        &[("WARMLINE_LOCALE", "en-US")],
    );
    app.wait_for_attribute("data-connection", "online");
    send(&app, QUESTION);
    let conversation = wait_until(MESSAGE_WAIT, "the message at the fake", || {
        let messages = fake.contact_messages();
        match messages.iter().find(|m| m.content == QUESTION) {
            Some(message) => Ok(Some(message.conversation)),
            None => Err(format!("{messages:?}")),
        }
    });
    assert_eq!(
        fake.status(conversation).as_deref(),
        Some("pending"),
        "a bot sits on the inbox"
    );
    fake.agent_reply(
        conversation,
        "Ann Wong",
        "Hello, I am Ann. Let me check your bill.",
    );
    let answer = wait_for_message(&app, "agent", "Let me check your bill");
    assert!(
        answer.contains("Ann Wong"),
        "labelled with the agent's name: {answer}"
    );

    // The user starts a sentence and stops; the account resolves the idle
    // conversation meanwhile.
    let input = app.wait_for("#composer-input");
    app.driver.send_keys(&input, DRAFT).unwrap();
    wait_until(MESSAGE_WAIT, "the auto-resolve", || {
        let status = fake.status(conversation);
        (status.as_deref() == Some("resolved"))
            .then_some(Some(()))
            .ok_or(format!("{status:?}"))
    });
    wait_for_message(&app, "system", "The conversation continues");
    app.wait_for_attribute("data-connection", "online");
    assert_eq!(draft(&app), DRAFT, "the half-typed draft is intact");

    app.driver.click(&app.wait_for("#person-button")).unwrap();
    wait_until(MESSAGE_WAIT, "the companion opens the conversation", || {
        let status = fake.status(conversation);
        (status.as_deref() == Some("open"))
            .then_some(Some(()))
            .ok_or(format!("{status:?}"))
    });
    let notes = wait_until(MESSAGE_WAIT, "the companion's private note", || {
        let notes = fake.private_notes(conversation);
        (!notes.is_empty())
            .then_some(Some(notes.clone()))
            .ok_or(format!("{notes:?}"))
    });
    assert!(
        notes[0].contains("phone bill"),
        "the note has the summary: {notes:?}"
    );
    fake.agent_reply(
        conversation,
        "Ann Wong",
        "I am here, Anna. I will fix the bill.",
    );
    wait_for_message(&app, "agent", "I will fix the bill");
    assert_eq!(draft(&app), DRAFT, "the draft is still intact");
    // One conversation all along, every message once.
    assert_eq!(fake.conversations(), vec![conversation]);
    assert_eq!(count_messages(&app, "user", QUESTION), 1);
    assert_eq!(count_messages(&app, "agent", "Let me check your bill"), 1);
    assert_eq!(
        fake.contact_messages()
            .iter()
            .filter(|m| m.content == QUESTION)
            .count(),
        1
    );
    assert_eq!(fake.webhook_failures(), 0);
    assert!(fake.violations().is_empty(), "{:?}", fake.violations());
    let leaks = caregiver.files_with_secrets(&app);
    assert!(leaks.is_empty(), "the HMAC token is in {leaks:?}");
    app.screenshot("chatwoot-conversation");
    drop(app);
    println!("chatwoot e2e took {:?}", started.elapsed());
}
