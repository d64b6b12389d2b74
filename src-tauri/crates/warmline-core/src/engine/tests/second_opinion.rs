//! The second opinion (an AI tier's model, here a stand-in that says yes)
//! is asked only where no rule matched and only while a request for a
//! person could still be made.

use super::*;

/// Says yes to everything and notes what it was asked.
#[derive(Debug, Default)]
struct EagerOpinion {
    asked: std::sync::Mutex<Vec<String>>,
}

#[async_trait::async_trait]
impl crate::intent::SecondOpinion for EagerOpinion {
    async fn asks_for_person(&self, text: &str) -> Result<bool, String> {
        self.asked.lock().unwrap().push(text.to_owned());
        Ok(true)
    }
}

/// An engine over a scripted backend with `opinion` as its second opinion,
/// once it is online.
async fn online_with(
    opinion: Arc<dyn crate::intent::SecondOpinion>,
) -> (Arc<ScriptedBackend>, EngineHandle) {
    let backend = ScriptedBackend::with(Script::default());
    let engine = start_with(
        &backend,
        EngineConfig {
            second_opinion: Some(opinion),
            ..EngineConfig::new("en-US")
        },
    );
    eventually(&engine, "online", |s| {
        s.connection == ConnectionState::Online
    })
    .await;
    (backend, engine)
}

/// The second opinion is asked only where no rule matched, so it never
/// overrules the rules (a recognised request, a negation, an urgent topic);
/// where it is asked, its yes offers a person and requests nothing.
#[tokio::test(start_paused = true)]
async fn a_second_opinion_is_asked_only_where_no_rule_matched() {
    let cases = [
        ("My bill is wrong again and nobody fixes it", true),
        ("转人工", false),
        ("I don't need a person, thanks", false),
        ("我被骗了", false),
    ];
    for (text, asked) in cases {
        let opinion = Arc::new(EagerOpinion::default());
        let (backend, engine) =
            online_with(Arc::clone(&opinion) as Arc<dyn crate::intent::SecondOpinion>).await;
        engine.send_text(text.into()).await.unwrap();
        tokio::time::sleep(Duration::from_secs(1)).await;
        let was_asked = opinion.asked.lock().unwrap().clone();
        let handoffs = backend.script().handoffs.clone();
        let snapshot = engine.snapshot().await.unwrap();
        if asked {
            assert_eq!(was_asked, [text]);
            assert!(handoffs.is_empty(), "a yes requested a person: {text}");
            assert_eq!(snapshot.handoff, HandoffState::None, "{text}");
            assert!(snapshot.person_offered, "{text}");
            assert_eq!(
                texts(&snapshot),
                [text, "[notice-offer-person-words]"],
                "the words, then the offer"
            );
        } else {
            assert!(was_asked.is_empty(), "{text} was put to the second opinion");
            assert!(
                !texts(&snapshot).contains(&"[notice-offer-person-words]".to_owned()),
                "{text}"
            );
        }
    }
}

/// Once a person is requested (or there), the second opinion is not asked:
/// its yes could change nothing, and the words are meant for the person.
#[tokio::test(start_paused = true)]
async fn no_second_opinion_is_asked_once_a_person_is_requested() {
    let opinion = Arc::new(EagerOpinion::default());
    let (backend, engine) =
        online_with(Arc::clone(&opinion) as Arc<dyn crate::intent::SecondOpinion>).await;
    engine.request_person(HandoffReason::Button).await.unwrap();
    engine
        .send_text("My bill is wrong again and nobody fixes it".into())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(opinion.asked.lock().unwrap().is_empty());
    let handoffs = backend.script().handoffs.clone();
    assert_eq!(handoffs.len(), 1);
    assert_eq!(handoffs[0].reason, HandoffReason::Button);
}

/// Always gives the same answer.
#[derive(Debug)]
struct FixedOpinion(Result<bool, String>);

#[async_trait::async_trait]
impl crate::intent::SecondOpinion for FixedOpinion {
    async fn asks_for_person(&self, _text: &str) -> Result<bool, String> {
        self.0.clone()
    }
}

/// A no, and an opinion that could not be formed, leave the conversation
/// as it was: no request, no notice.
#[tokio::test(start_paused = true)]
async fn a_no_or_no_answer_from_the_second_opinion_changes_nothing() {
    for answer in [
        Ok(false),
        Err("the model gave no second opinion".to_owned()),
    ] {
        let (backend, engine) = online_with(Arc::new(FixedOpinion(answer.clone()))).await;
        engine
            .send_text("My bill is wrong again and nobody fixes it".into())
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert!(backend.script().handoffs.is_empty(), "{answer:?}");
        let snapshot = engine.snapshot().await.unwrap();
        assert_eq!(snapshot.handoff, HandoffState::None, "{answer:?}");
        assert_eq!(
            texts(&snapshot),
            ["My bill is wrong again and nobody fixes it"],
            "{answer:?}"
        );
    }
}

/// The bot answers the same words the opinion is asked about, at the same
/// time: its good answer, arriving after the opinion's yes, does not take
/// the opinion's offer back (it takes back only the frustration rules' own).
#[tokio::test(start_paused = true)]
async fn the_bots_good_answer_after_the_opinions_yes_keeps_the_offer() {
    let (backend, engine) = online_with(Arc::new(FixedOpinion(Ok(true)))).await;
    engine
        .send_text("My bill is wrong again and nobody fixes it".into())
        .await
        .unwrap();
    eventually(&engine, "the opinion's offer", |s| s.person_offered).await;
    backend
        .say(bot_says(
            "I have corrected your bill, it is fine now.",
            true,
        ))
        .await;
    let snapshot = eventually(&engine, "the bot's answer", |s| s.messages.len() == 3).await;
    assert!(
        snapshot.person_offered,
        "the bot's answer took the offer back"
    );
    assert_eq!(snapshot.handoff, HandoffState::None);
}
