//! Issue 12 item 5 in the real app: a relay profile (its sign-in token in a
//! real keyring) on the reference relay server. The app is closed, the
//! agent writes twice, the app starts again: both messages appear, once
//! each, in order. (`restart.rs` covers the demo's history, request and
//! draft across a restart; this is the relay's event cursor.)

use warmline_backends::profile::{BackendProfile, BackendSettings, ProfileId, RelaySettings};
use warmline_backends::relay::protocol::WireEvent;
use warmline_e2e::profile_setup::Caregiver;
use warmline_e2e::transcript::{count_messages, messages, send, wait_for_message};
use warmline_netfault::relay_server::{RelayServer, RelayServerConfig};

const TOKEN: &str = "relay-e2e-token-Yq4-never-in-a-file";
const FIRST: &str = "Your card is blocked for now, nothing was taken.";
const SECOND: &str = "A new card is on its way to you.";
const AFTER: &str = "Is there anything else?";

fn agent_writes(server: &RelayServer, conversation: &str, text: &str) {
    server.push_event(
        conversation,
        WireEvent::AgentMessage {
            name: "Agent Ruth".into(),
            text: text.into(),
        },
    );
}

#[test]
fn what_the_agent_wrote_while_the_app_was_closed_appears_once_in_order() {
    let started = std::time::Instant::now();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = runtime
        .block_on(RelayServer::start(RelayServerConfig {
            token: Some(TOKEN.into()),
            ..RelayServerConfig::default()
        }))
        .unwrap();
    let profile = BackendProfile {
        id: ProfileId("relay-e2e".into()),
        name: "My bank".into(),
        backend: BackendSettings::Relay(RelaySettings {
            url: server.url(),
            extra_ca: None,
        }),
    };
    let env = [("WARMLINE_LOCALE", "en-US")];
    let mut caregiver = Caregiver::new();
    let conversation = {
        let app = caregiver.set_up_profile(&profile, &[("token", TOKEN)], &env);
        app.wait_for_attribute("data-connection", "online");
        send(&app, "My card does not work");
        wait_for_message(&app, "bot", "Relay bot");
        let conversation = server.conversations().pop().expect("a conversation");
        agent_writes(&server, &conversation, "Hello, I am Ruth.");
        wait_for_message(&app, "agent", "Agent Ruth");
        let leaks = caregiver.files_with_secrets(&app);
        assert!(leaks.is_empty(), "the token is in {leaks:?}");
        conversation
    }; // The app is closed here.

    agent_writes(&server, &conversation, FIRST);
    agent_writes(&server, &conversation, SECOND);
    let app = caregiver.launch(&env);
    wait_for_message(&app, "agent", SECOND);
    // One more message after them shows the app has read past both.
    agent_writes(&server, &conversation, AFTER);
    wait_for_message(&app, "agent", AFTER);
    let agent = messages(&app, "agent").unwrap();
    assert_eq!(count_messages(&app, "agent", FIRST), 1, "{agent:#?}");
    assert_eq!(count_messages(&app, "agent", SECOND), 1, "{agent:#?}");
    let position = |needle: &str| agent.iter().position(|text| text.contains(needle));
    assert!(position(FIRST) < position(SECOND), "in order: {agent:#?}");
    assert_eq!(count_messages(&app, "user", "My card does not work"), 1);
    assert_eq!(server.conversations().len(), 1, "the same conversation");
    app.screenshot("relay-after-restart");
    drop(app);
    println!("relay resume e2e took {:?}", started.elapsed());
}
