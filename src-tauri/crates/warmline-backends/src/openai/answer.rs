//! Judging what the model wrote before the user sees it, and cutting a
//! streamed answer into pieces worth showing.
//!
//! A small or confused model can answer with nothing, with a jumble, or in
//! another language than the user's. Each of these becomes a calm notice and
//! the offer of a person ([`Trouble`]), never a puzzle for the user. The
//! checks are simple on purpose: counts of letters by script, no guessing of
//! meaning.

/// Why an answer is not shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Trouble {
    /// The model could not be asked (an error, a timeout, a refusal).
    Failed,
    /// Nothing readable came back.
    Empty,
    /// What came back is not text a person could read.
    Garbled,
    /// The answer is in another language than the user's.
    OtherLanguage,
}

impl Trouble {
    /// The notice the user reads (`locales/*/ai.ftl`).
    pub(crate) fn notice_id(self) -> &'static str {
        match self {
            Self::Failed => "ai-notice-failed",
            Self::Empty | Self::Garbled => "ai-notice-unclear",
            Self::OtherLanguage => "ai-notice-other-language",
        }
    }
}

/// The model's text as plain text: control characters (other than line
/// breaks and tabs) removed, outer spaces trimmed. Markup is left exactly
/// as written; the UI shows it as text, never as HTML.
pub(crate) fn clean(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect::<String>()
        .trim()
        .to_owned()
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2A6DF}')
}

fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic() || matches!(c, '\u{00C0}'..='\u{024F}')
}

/// Checks one piece of an answer for a user whose language is `locale`
/// (a supported Warmline locale: `en-US`, `zh-CN`, `zh-TW`).
pub(crate) fn check(text: &str, locale: &str) -> Result<(), Trouble> {
    let total = text.chars().filter(|c| !c.is_whitespace()).count();
    let (mut han, mut latin, mut other_letters, mut digits, mut replacement) = (0, 0, 0, 0, 0);
    for c in text.chars() {
        if is_han(c) {
            han += 1;
        } else if is_latin(c) {
            latin += 1;
        } else if c.is_alphabetic() {
            other_letters += 1;
        } else if c.is_numeric() {
            digits += 1;
        } else if c == '\u{FFFD}' {
            replacement += 1;
        }
    }
    let letters = han + latin + other_letters;
    if letters + digits == 0 {
        return Err(Trouble::Empty);
    }
    // Broken bytes, or mostly symbols: nothing a person could read.
    if replacement > 0 || (total >= 12 && (letters + digits) * 10 < total * 4) {
        return Err(Trouble::Garbled);
    }
    // Letters of neither script Warmline speaks (Cyrillic, Hangul, kana…)
    // outnumbering both.
    if other_letters > han + latin {
        return Err(Trouble::OtherLanguage);
    }
    let chinese_user = locale.starts_with("zh");
    // A Chinese answer holds Han characters (Latin words such as "App" or
    // "PIN" are fine beside them); an English answer is mostly Latin.
    let other = if chinese_user {
        han == 0 && latin >= 3
    } else {
        han > latin
    };
    if other {
        Err(Trouble::OtherLanguage)
    } else {
        Ok(())
    }
}

/// Cuts a streamed answer into pieces to show: the first as soon as its
/// first sentence is complete (so the first words appear early), the rest by
/// paragraph, or by sentence once a paragraph grows long.
#[derive(Debug, Default)]
pub(crate) struct Pieces {
    pending: String,
    shown: usize,
}

/// Shortest first piece, in characters: a lone "Hi." is not worth a bubble.
const FIRST_PIECE: usize = 16;
/// Longest piece that waits for its paragraph to end.
const LONG_PIECE: usize = 400;

fn sentence_end(text: &str, from: usize) -> Option<usize> {
    let mut chars = text[from..].char_indices().peekable();
    while let Some((index, c)) = chars.next() {
        let end = from + index + c.len_utf8();
        match c {
            '。' | '！' | '？' | '\n' => return Some(end),
            // Latin sentence ends only before a space: "3.5" and "e.g" go on.
            '.' | '!' | '?' if chars.peek().is_some_and(|(_, next)| next.is_whitespace()) => {
                return Some(end)
            }
            _ => {}
        }
    }
    None
}

impl Pieces {
    /// Adds text the model streamed; returns the pieces now complete.
    pub(crate) fn push(&mut self, delta: &str) -> Vec<String> {
        self.pending.push_str(delta);
        let mut out = Vec::new();
        loop {
            let cut = if self.shown == 0 {
                self.first_cut()
            } else {
                self.later_cut()
            };
            let Some(cut) = cut else { break };
            let piece = self.pending[..cut].trim().to_owned();
            self.pending.drain(..cut);
            if !piece.is_empty() {
                self.shown += 1;
                out.push(piece);
            }
        }
        out
    }

    fn first_cut(&self) -> Option<usize> {
        let mut from = 0;
        while let Some(end) = sentence_end(&self.pending, from) {
            if self.pending[..end].trim().chars().count() >= FIRST_PIECE {
                return Some(end);
            }
            from = end;
        }
        None
    }

    fn later_cut(&self) -> Option<usize> {
        if let Some(index) = self.pending.find("\n\n") {
            return Some(index + 2);
        }
        if self.pending.chars().count() >= LONG_PIECE {
            return sentence_end(&self.pending, 0);
        }
        None
    }

    /// The rest, when the model has finished.
    pub(crate) fn finish(&mut self) -> Option<String> {
        let rest = std::mem::take(&mut self.pending).trim().to_owned();
        (!rest.is_empty()).then(|| {
            self.shown += 1;
            rest
        })
    }

    /// How many pieces were handed out.
    pub(crate) fn shown(&self) -> usize {
        self.shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_answers_in_the_users_language_pass() {
        assert_eq!(check("Your parcel arrives on Monday.", "en-US"), Ok(()));
        assert_eq!(check("您的包裹周一到。请打开 App 查看。", "zh-CN"), Ok(()));
        assert_eq!(check("您的包裹週一到。", "zh-TW"), Ok(()));
        assert_eq!(
            check("<b>Hello</b> <script>alert(1)</script>", "en-US"),
            Ok(())
        );
        assert_eq!(check("42", "zh-CN"), Ok(()));
    }

    #[test]
    fn nothing_a_jumble_and_other_languages_are_trouble() {
        assert_eq!(check("", "en-US"), Err(Trouble::Empty));
        assert_eq!(check("  ...  !! ", "en-US"), Err(Trouble::Empty));
        assert_eq!(
            check("#$%^&*(){}[]<>?/|\\ ok", "en-US"),
            Err(Trouble::Garbled)
        );
        assert_eq!(
            check("Hello \u{FFFD}\u{FFFD}", "en-US"),
            Err(Trouble::Garbled)
        );
        assert_eq!(
            check("Your parcel arrives on Monday.", "zh-CN"),
            Err(Trouble::OtherLanguage)
        );
        assert_eq!(
            check("您的包裹周一到。", "en-US"),
            Err(Trouble::OtherLanguage)
        );
        assert_eq!(
            check("Ваша посылка придёт в понедельник", "en-US"),
            Err(Trouble::OtherLanguage)
        );
    }

    #[test]
    fn cleaning_drops_control_characters_and_keeps_markup_as_text() {
        assert_eq!(
            clean("  a\u{0007}b\n<i>c</i>\u{001b}[0m "),
            "ab\n<i>c</i>[0m"
        );
    }

    #[test]
    fn the_first_sentence_shows_early_and_the_rest_by_paragraph() {
        let mut pieces = Pieces::default();
        assert!(
            pieces.push("Hello. Your parcel").is_empty(),
            "too short a first piece"
        );
        assert_eq!(
            pieces.push(" is on its way. It"),
            ["Hello. Your parcel is on its way."]
        );
        assert!(pieces.push(" left on Monday.").is_empty());
        assert_eq!(pieces.push("\n\nCall us"), ["It left on Monday."]);
        assert_eq!(pieces.finish().as_deref(), Some("Call us"));
        assert_eq!(pieces.shown(), 3);
        assert_eq!(pieces.finish(), None);
        let mut chinese = Pieces::default();
        assert_eq!(
            chinese.push("您好！您的包裹已经发出，周一到。明天"),
            ["您好！您的包裹已经发出，周一到。"]
        );
    }
}
