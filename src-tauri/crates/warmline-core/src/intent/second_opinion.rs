//! A second opinion on what the rules could not place: the optional hook an
//! AI tier plugs into.
//!
//! The rules stay in charge. The engine asks a second opinion only about a
//! message in which no rule matched at all: never about one the rules
//! recognised (so it is never a veto on a request), never about one they
//! read as negated ("I don't need a person" is the rules' answer), and never
//! for the urgent topics, which the rules decide alone and at once. A yes
//! does not even request a person: it only offers one (the highlighted
//! button and a question), because a model can be wrong and a request the
//! user never made would be worse than a question they can pass over.
//! While the opinion is being formed the conversation goes on, and an error
//! or no answer changes nothing.

use async_trait::async_trait;

/// The rule name of an offer of a person that came from a second opinion
/// (in the log).
pub const SECOND_OPINION_RULE: &str = "second-opinion";

/// Something that can tell whether a message asks for a person when the
/// phrase rules found nothing in it (an AI tier, for example).
#[async_trait]
pub trait SecondOpinion: Send + Sync + std::fmt::Debug {
    /// Whether `text`, a message of the user, asks to talk to a person.
    /// `Err` (with why, for the log) and `Ok(false)` both leave it at that.
    async fn asks_for_person(&self, text: &str) -> Result<bool, String>;
}
