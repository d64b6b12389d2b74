//! What the user sees when the classifier, not a rule, recognises the words:
//! the same as for a rule, and the summary says why.

use std::time::Duration;

use super::*;
use crate::intent::UrgentTopic;

#[tokio::test(start_paused = true)]
async fn a_story_no_rule_knows_goes_to_a_person_with_the_safety_advice_typed_or_dictated() {
    // A scam told without a fraud word, as typed and as dictated.
    let typed = "我兒子LINE說他換了手機號碼,要我先幫他匯八萬塊給廠商";
    let dictated = "我兒子LINE說他換了手機號碼 要我先幫他匯八萬塊給廠商";
    for text in [typed, dictated] {
        let rules = crate::intent::PhraseSet::builtin().rules_only();
        assert_eq!(rules.classify(text), None, "a rule knows {text:?} now");
        let (backend, engine) = start_online(Script::default()).await;
        engine.send_text(text.into()).await.unwrap();
        tokio::time::sleep(Duration::from_secs(1)).await;
        let snapshot = engine.snapshot().await.unwrap();
        assert_eq!(snapshot.handoff, HandoffState::Requested, "{text}");
        assert_eq!(texts(&snapshot), [text, "[notice-person-requested-fraud]"]);
        let handoffs = backend.script().handoffs.clone();
        assert_eq!(handoffs.len(), 1);
        assert_eq!(handoffs[0].reason, HandoffReason::Urgent);
        assert_eq!(handoffs[0].urgent_topic, Some(UrgentTopic::Fraud));
        let summary = &handoffs[0].summary;
        assert_eq!(
            summary.matched_rule.as_deref(),
            Some("classifier.urgent.fraud")
        );
        assert!(!summary.matched_evidence.is_empty(), "{summary:?}");
        for piece in &summary.matched_evidence {
            let folded: String = piece.chars().filter(|c| !c.is_whitespace()).collect();
            assert!(
                text.to_lowercase().contains(&folded),
                "evidence {piece:?} is not in {text:?}"
            );
        }
    }
}

#[tokio::test(start_paused = true)]
async fn ordinary_words_and_a_negation_ask_for_nothing() {
    for text in [
        "hello",
        "still there?",
        "对，老毛病了",
        "不用转人工了，谢谢",
    ] {
        let (backend, engine) = start_online(Script::default()).await;
        engine.send_text(text.into()).await.unwrap();
        tokio::time::sleep(Duration::from_secs(1)).await;
        let snapshot = engine.snapshot().await.unwrap();
        assert_eq!(snapshot.handoff, HandoffState::None, "{text}");
        assert!(backend.script().handoffs.is_empty(), "{text}");
    }
}
