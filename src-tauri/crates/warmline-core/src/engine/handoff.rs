//! Reaching a person: asking (by the button, in words, or when Warmline
//! offers it) and withdrawing the request. (Leaving a message when nobody
//! is available is in `left_messages.rs`.)
//!
//! A request is never lost: while the backend cannot be reached it waits
//! here and goes out with the next connection, a request that failed on the
//! way is asked again after a backoff (the conversation's event stream stays
//! as it is), and after a restart it is asked again.

use tokio::time::Instant;

use super::actor::{CallDone, Engine};
use super::left_messages::LeaveReply;
use super::view::waits_for_person;
use crate::backend::{BackendError, HandoffRequest};
use crate::domain::{HandoffReason, HandoffState, LocalizedText, MessageId};
use crate::error::{backend_error_code, EngineError, UiError};
use crate::intent::{Decision, UrgentTopic, SECOND_OPINION_RULE};
use crate::store::{PendingHandoff, StoredConversation};
use crate::summary::HandoffSummary;

/// The request for a person, as the engine keeps it.
#[derive(Debug)]
pub(super) struct Handoff {
    /// A request waiting for a connection.
    pub(super) to_send: Option<HandoffRequest>,
    /// Why the user last asked for a person, to ask again for the same reason.
    pub(super) reason: HandoffReason,
    /// The urgent topic of the last request, if it was one.
    urgent_topic: Option<UrgentTopic>,
    /// When a request that failed on its way is made again.
    pub(super) retry_at: Option<Instant>,
    /// Requests whose backend call is under way. While one is, the outbox
    /// holds what the user writes: a message written after the request
    /// reaches the backend after it (a tiered backend must not give it to
    /// the bot because its send overtook the request).
    pub(super) asking: usize,
    /// `leave_message` commands waiting for the backend's first answer.
    pub(super) leave_replies: Vec<(MessageId, LeaveReply)>,
    /// The phrase rule that recognised the last request made in words, for
    /// the summary, and (for the classifier's) what weighed most for it.
    rule: Option<String>,
    evidence: Vec<String>,
    /// The offer of a person that stands came from the second opinion, not
    /// from the frustration rules. The bot answers the same words at the
    /// same time, and its good answer takes back only the rules' offer (the
    /// bot helping says nothing about whether the user asked for a person).
    pub(super) offered_by_opinion: bool,
}

impl Handoff {
    pub(super) fn from_stored(stored: &StoredConversation) -> Self {
        let pending = stored.pending_handoff;
        Self {
            to_send: None,
            reason: pending.map_or(HandoffReason::Button, |p| p.reason),
            urgent_topic: pending.and_then(|p| p.urgent_topic),
            retry_at: None,
            asking: 0,
            leave_replies: Vec::new(),
            rule: None,
            evidence: Vec::new(),
            offered_by_opinion: false,
        }
    }

    /// What the store keeps of the request while the user waits.
    fn pending(&self) -> PendingHandoff {
        PendingHandoff {
            reason: self.reason,
            urgent_topic: self.urgent_topic,
        }
    }
}

/// True when the user may ask for a person (again).
fn may_ask(handoff: &HandoffState) -> bool {
    matches!(
        handoff,
        HandoffState::None
            | HandoffState::Unavailable
            | HandoffState::MessageQueued { .. }
            | HandoffState::MessageLeft { .. }
    )
}

/// The notes the transcript keeps of a request, advice first: a scam or
/// money taken gets what to do (and not do) until the person answers, a
/// medical emergency the emergency number before anything else.
fn requested_notices(reason: HandoffReason, topic: Option<UrgentTopic>) -> Vec<LocalizedText> {
    requested_notice_ids(reason, topic)
        .iter()
        .map(|id| LocalizedText::new(*id))
        .collect()
}

/// The Fluent ids of the notes a request for a person adds to the
/// transcript, in order. Public so the UI's fake backend can be given the
/// same outcome for the sentences its tests type (see
/// `data/ui-fake-intent.json`) instead of a copy of the rules.
pub fn requested_notice_ids(
    reason: HandoffReason,
    topic: Option<UrgentTopic>,
) -> &'static [&'static str] {
    match (reason, topic) {
        (HandoffReason::Urgent, Some(UrgentTopic::Medical)) => &[
            "notice-call-emergency-number",
            "notice-person-requested-urgent",
        ],
        (HandoffReason::Urgent, Some(UrgentTopic::Fraud)) => &["notice-person-requested-fraud"],
        (
            HandoffReason::Urgent,
            Some(UrgentTopic::StolenMoney | UrgentTopic::UnauthorizedCharge),
        ) => &["notice-person-requested-money"],
        (HandoffReason::Urgent, None) => &["notice-person-requested-urgent"],
        (HandoffReason::Complaint, _) => &["notice-person-requested-complaint"],
        (HandoffReason::UserAsked, _) => &["notice-person-requested-words"],
        (HandoffReason::Button | HandoffReason::BotFailed, _) => &["notice-person-requested"],
    }
}

impl Engine {
    /// Shows `handoff` and stores it with the request still to be honoured.
    pub(super) fn set_handoff(&mut self, handoff: HandoffState) {
        let pending = self.handoff.pending();
        self.view.set_handoff(handoff, Some(pending));
    }

    pub(super) fn handoff_request(&self, reason: HandoffReason) -> HandoffRequest {
        HandoffRequest {
            reason,
            urgent_topic: self.handoff.urgent_topic,
            locale: self.config.locale.clone(),
            summary: HandoffSummary {
                matched_rule: self.handoff.rule.clone(),
                matched_evidence: self.handoff.evidence.clone(),
                ..HandoffSummary::from_messages(&self.view.messages, &self.config.locale)
            },
        }
    }

    /// Asked for a person before a restart: ask again once connected.
    pub(super) fn resume_pending_handoff(&mut self) {
        if waits_for_person(&self.view.handoff) {
            self.handoff.to_send = Some(self.handoff_request(self.handoff.reason));
        }
    }

    /// The user's words asked for a person or told of something urgent.
    pub(super) fn request_person_in_words(&mut self, decision: &Decision) {
        let Some(reason) = decision.handoff_reason() else {
            return;
        };
        self.request_person_because(
            reason,
            decision.urgent_topic(),
            decision.rule(),
            decision.evidence(),
        );
    }

    /// Asks the configured second opinion about a message no rule matched;
    /// the conversation goes on meanwhile.
    pub(super) fn ask_second_opinion(&mut self, text: &str) {
        let Some(opinion) = self.config.second_opinion.clone() else {
            return;
        };
        if !may_ask(&self.view.handoff) {
            // A person is asked for or already there: a yes would change
            // nothing, and words meant for the person stay away from the model.
            return;
        }
        let text = text.to_owned();
        self.spawn_call(|_backend| async move {
            let asks_for_person = match opinion.asks_for_person(&text).await {
                Ok(asks) => asks,
                Err(error) => {
                    tracing::debug!(%error, "no second opinion");
                    false
                }
            };
            CallDone::SecondOpinion { asks_for_person }
        });
    }

    /// The second opinion thinks the words ask for a person: Warmline
    /// offers one (the highlighted button and a question) rather than
    /// asking for one. A wrong yes then costs nothing but a question the
    /// user can pass over; a right one is a press away.
    pub(super) fn second_opinion_suggests_person(&mut self) {
        tracing::debug!(rule = SECOND_OPINION_RULE, "offering a person");
        if self.offer_person_saying("notice-offer-person-words") {
            self.handoff.offered_by_opinion = true;
        }
    }

    pub(super) fn request_person(
        &mut self,
        reason: HandoffReason,
        urgent_topic: Option<UrgentTopic>,
    ) {
        self.request_person_because(reason, urgent_topic, None, &[]);
    }

    fn request_person_because(
        &mut self,
        reason: HandoffReason,
        urgent_topic: Option<UrgentTopic>,
        rule: Option<&str>,
        evidence: &[String],
    ) {
        if !may_ask(&self.view.handoff) {
            // Already asked or already talking to a person: one press is enough.
            return;
        }
        self.handoff.reason = reason;
        self.handoff.urgent_topic = urgent_topic;
        self.handoff.rule = rule.map(str::to_owned);
        self.handoff.evidence = evidence.to_vec();
        self.view.set_person_offered(false);
        self.set_handoff(HandoffState::Requested);
        for notice in requested_notices(reason, urgent_topic) {
            self.view.add_notice(notice);
        }
        let request = self.handoff_request(reason);
        if self.link.is_connected() && !self.sign_in.refused {
            self.send_handoff_request(request);
        } else {
            self.handoff.to_send = Some(request);
        }
    }

    pub(super) fn send_handoff_request(&mut self, request: HandoffRequest) {
        self.handoff.retry_at = None;
        let Some(conversation) = self.link.conversation.clone() else {
            self.handoff.to_send = Some(request);
            return;
        };
        self.handoff.asking += 1;
        self.spawn_call(|backend| async move {
            CallDone::HandoffRequested(backend.request_handoff(&conversation, request).await)
        });
    }

    pub(super) fn handoff_requested(&mut self, result: Result<(), BackendError>) {
        self.handoff.asking = self.handoff.asking.saturating_sub(1);
        self.answered_handoff_request(result);
        // What the user wrote meanwhile goes now (if nothing else holds it).
        self.flush_outbox();
    }

    fn answered_handoff_request(&mut self, result: Result<(), BackendError>) {
        match result {
            Ok(()) => self.connection_is_back(),
            Err(error) if error.needs_sign_in() => {
                // Kept: asked again once the sign-in works.
                self.handoff.to_send = Some(self.handoff_request(self.handoff.reason));
                self.sign_in_refused(&error);
            }
            Err(error) if error.is_transient() => {
                // Kept, and asked again after a backoff, or with the next
                // connection if this one is lost meanwhile. The event stream
                // stays: a person may be joining on it right now.
                tracing::info!(%error, "asking for a person failed; will ask again");
                self.transient_failure(&error);
                self.handoff.to_send = Some(self.handoff_request(self.handoff.reason));
                self.handoff.retry_at = Some(Instant::now() + self.link.backoff.next_wait());
                self.start_probe();
            }
            Err(error) => {
                self.set_handoff(HandoffState::None);
                self.view.report(UiError::from(backend_error_code(&error)));
            }
        }
    }

    /// The wait for asking again ended (or the backend is obviously back).
    pub(super) fn retry_handoff_request(&mut self) {
        self.handoff.retry_at = None;
        if !self.link.is_connected() || self.sign_in.refused {
            // The next connection asks.
            return;
        }
        if let Some(request) = self.handoff.to_send.take() {
            self.send_handoff_request(request);
        }
    }

    pub(super) fn cancel_person(&mut self) -> Result<(), EngineError> {
        if matches!(self.view.handoff, HandoffState::None) {
            return Ok(());
        }
        self.handoff.to_send = None;
        self.handoff.retry_at = None;
        if let Some(conversation) = self.link.conversation.clone() {
            let backend = std::sync::Arc::clone(&self.backend);
            self.spawn_task(async move {
                if let Err(error) = backend.cancel_handoff(&conversation).await {
                    tracing::warn!(%error, "cancelling the request for a person failed");
                }
            });
        }
        self.set_handoff(HandoffState::None);
        self.view
            .add_notice(LocalizedText::new("notice-person-cancelled"));
        Ok(())
    }

    /// Warmline offers a person (the UI highlights the button), once, and
    /// only while the user has not asked already.
    pub(super) fn offer_person(&mut self) {
        if self.offer_person_saying("notice-offer-person") {
            self.handoff.offered_by_opinion = false;
        }
    }

    /// The bot helped: takes back the frustration rules' offer, if one
    /// stands (an offer of the second opinion stays).
    pub(super) fn bot_helped(&mut self) {
        if !self.handoff.offered_by_opinion {
            self.view.set_person_offered(false);
        }
    }

    /// Offers a person with the notice `message_id`, on the same terms;
    /// whether it did (not when one is offered, asked for or there).
    fn offer_person_saying(&mut self, message_id: &str) -> bool {
        if self.view.person_offered || !matches!(self.view.handoff, HandoffState::None) {
            return false;
        }
        self.view.add_notice(LocalizedText::new(message_id));
        self.view.set_person_offered(true);
        true
    }
}
