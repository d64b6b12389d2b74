//! Spotting, in what the user types or says, a request for a person and
//! urgent topics that must go to a person first.
//!
//! The phrases are data, not code: the default set is
//! `data/handoff-phrases.toml`, embedded at build time, and a caregiver or a
//! deploying company can add to it with a file of the same layout
//! ([`PhraseSet::with_extra`]). That file's comments explain the matching
//! rules in full; in short, a message is [normalized](normalize) and then
//! every rule is tried in turn:
//!
//! * `exclude` spans ("人工智能", "human resources") are blanked out first;
//! * `phrases` match anywhere, `all_of` groups when all their words appear;
//! * `short_only` triggers ("agent", "人工", "315") match only when they are
//!   the main content of a short message, or follow one of the rule's
//!   `frames` ("speak to", "转").
//!
//! Urgent topics are checked before the request for a person and win over it.
//!
//! ```
//! use warmline_core::intent::{Intent, PhraseSet, UrgentTopic};
//!
//! let phrases = PhraseSet::builtin();
//! assert_eq!(phrases.classify("轉 人 工！！"), Some(Intent::AskPerson));
//! assert_eq!(phrases.classify("Can I speak to a real person?"), Some(Intent::AskPerson));
//! assert_eq!(phrases.classify("I've been scammed, get me a human"),
//!            Some(Intent::Urgent(UrgentTopic::Fraud)));
//! assert_eq!(phrases.classify("人工智能是什么？"), None);
//! assert_eq!(phrases.classify("My address is 315 Main Street"), None);
//! ```

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::domain::HandoffReason;
use crate::script;

/// The built-in phrase data, `data/handoff-phrases.toml`.
pub const BUILTIN_PHRASES_TOML: &str = include_str!("../data/handoff-phrases.toml");

/// Stands in for an excluded span; normalization never produces it, so no
/// phrase can match across it.
const EXCLUDED: &str = "#";

/// Longest run of tokens that [`normalize`] collapses when it is repeated
/// ("转人工转人工" is a run of three).
const MAX_REPEAT_UNIT: usize = 8;

/// An urgent topic that goes to a person before anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum UrgentTopic {
    /// A scam or fraud: someone tricked, or is trying to trick, the user.
    Fraud,
    /// Money taken from the user's account, or the account taken over.
    StolenMoney,
    /// A charge or payment the user did not make.
    UnauthorizedCharge,
    /// A medical emergency.
    Medical,
}

impl UrgentTopic {
    /// Every topic, in the order [`PhraseSet::classify`] checks them: a
    /// medical emergency first.
    pub const CHECK_ORDER: [UrgentTopic; 4] = [
        UrgentTopic::Medical,
        UrgentTopic::Fraud,
        UrgentTopic::StolenMoney,
        UrgentTopic::UnauthorizedCharge,
    ];
}

/// What a message asks for, as far as reaching a person goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", content = "topic", rename_all = "camelCase")]
pub enum Intent {
    /// The user asked, in words, to talk to a person.
    AskPerson,
    /// The message is about an urgent topic; a person should take over even
    /// if the user did not ask for one.
    Urgent(UrgentTopic),
}

impl Intent {
    /// The reason to give the backend when this intent leads to a handoff.
    pub fn handoff_reason(self) -> HandoffReason {
        match self {
            Intent::AskPerson => HandoffReason::UserAsked,
            Intent::Urgent(_) => HandoffReason::Urgent,
        }
    }
}

/// Why phrase data could not be used. Line and column numbers count from 1
/// and refer to the TOML text that was passed in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PhraseSetError {
    /// The text is not valid TOML, or does not have the expected layout
    /// (including an unknown key, such as a misspelled list name).
    #[error("handoff phrases, line {line}, column {column}: {message}")]
    Syntax {
        /// Line of the error.
        line: usize,
        /// Column of the error, in characters.
        column: usize,
        /// What is wrong, as the TOML reader put it.
        message: String,
    },
    /// An entry of `[variants] pairs` is not two characters.
    #[error(
        "handoff phrases, line {line}: `{entry}` in [variants] must be two \
         characters, the variant and then the form it is read as"
    )]
    BadPair {
        /// Line of the entry.
        line: usize,
        /// The entry as written.
        entry: String,
    },
    /// Two entries of one file map the same character differently.
    #[error(
        "handoff phrases, line {line}: `{entry}` maps `{character}`, which line \
         {first_line} already maps to something else"
    )]
    ConflictingPair {
        /// Line of the second entry.
        line: usize,
        /// The second entry as written.
        entry: String,
        /// The character mapped twice.
        character: char,
        /// Line of the first entry.
        first_line: usize,
    },
    /// A phrase is nothing but punctuation or spaces, so it would match
    /// nothing (or, worse, everything).
    #[error("handoff phrases, line {line}: `{phrase}` has nothing left to match once normalized")]
    EmptyPhrase {
        /// Line of the phrase.
        line: usize,
        /// The phrase as written.
        phrase: String,
    },
    /// An `all_of` group with no words in it.
    #[error("handoff phrases, line {line}: an `all_of` group needs at least one phrase")]
    EmptyGroup {
        /// Line of the group.
        line: usize,
    },
}

/// A compiled set of handoff phrases: the built-in data plus any extra data,
/// normalized once so that [`classify`](Self::classify) only searches.
///
/// Build it once and keep it; classification is cheap enough to run on every
/// message.
#[derive(Debug, Clone)]
pub struct PhraseSet {
    fold: HashMap<char, char>,
    filler: Vec<Pattern>,
    frame_gap: Vec<Pattern>,
    max_gap: usize,
    person: Rule,
    urgent: Vec<(UrgentTopic, Rule)>,
}

impl Default for PhraseSet {
    fn default() -> Self {
        Self::builtin()
    }
}

impl PhraseSet {
    /// The built-in phrases (`data/handoff-phrases.toml`).
    pub fn builtin() -> PhraseSet {
        builtin_ref().clone()
    }

    /// The built-in phrases with `toml` (same layout as the built-in file,
    /// every key optional) added on top: its lists extend the built-in ones,
    /// its `[variants]` pairs override built-in pairs for the same
    /// character, and its `max_gap`, if set, replaces the built-in
    /// one.
    pub fn with_extra(toml: &str) -> Result<PhraseSet, PhraseSetError> {
        let builtin = parse(BUILTIN_PHRASES_TOML).expect("the built-in handoff phrases parse");
        let extra = parse(toml)?;
        PhraseSet::compile(&[(BUILTIN_PHRASES_TOML, builtin), (toml, extra)])
    }

    /// Normalizes `text` the way this set's phrases were normalized, with
    /// its own table of character variants. See [`normalize`].
    pub fn normalize(&self, text: &str) -> String {
        normalize_with(text, &self.fold)
    }

    /// What `text` asks for, if anything: an urgent topic, else a request
    /// for a person, else `None`.
    pub fn classify(&self, text: &str) -> Option<Intent> {
        let whole = self.normalize(text);
        if whole.is_empty() {
            return None;
        }
        // The short-message test also runs on each sentence, so that
        // "No more bots. Person please." counts.
        let sentences: Vec<String> = split_sentences(text)
            .map(|sentence| self.normalize(sentence))
            .filter(|sentence| !sentence.is_empty() && *sentence != whole)
            .collect();
        let matches = |rule: &Rule| self.matches(rule, &whole, &sentences);
        if let Some((topic, _)) = self.urgent.iter().find(|(_, rule)| matches(rule)) {
            return Some(Intent::Urgent(*topic));
        }
        matches(&self.person).then_some(Intent::AskPerson)
    }

    fn matches(&self, rule: &Rule, whole: &str, sentences: &[String]) -> bool {
        let text = rule.without_exclusions(whole);
        let text = text.as_ref();
        if rule.phrases.iter().any(|p| p.occurs_in(text)) {
            return true;
        }
        if rule
            .all_of
            .iter()
            .any(|group| group.iter().all(|p| p.occurs_in(text)))
        {
            return true;
        }
        if !rule.short_only.iter().any(|p| p.occurs_in(text)) {
            return false;
        }
        self.trigger_after_frame(rule, text)
            || self.only_trigger_and_filler(rule, text)
            || sentences.iter().any(|sentence| {
                self.only_trigger_and_filler(rule, &rule.without_exclusions(sentence))
            })
    }

    /// Whether a `short_only` trigger follows one of the rule's frames, with
    /// at most `max_gap` gap words between them.
    fn trigger_after_frame(&self, rule: &Rule, text: &str) -> bool {
        rule.frames.iter().any(|frame| {
            frame.positions(text).any(|start| {
                let mut at = start + frame.text.len();
                for _ in 0..=self.max_gap {
                    at = skip_spaces(text, at);
                    if rule.short_only.iter().any(|t| t.matches_at(text, at)) {
                        return true;
                    }
                    match self.frame_gap.iter().find(|g| g.matches_at(text, at)) {
                        Some(gap) => at += gap.text.len(),
                        None => return false,
                    }
                }
                false
            })
        })
    }

    /// Whether nothing but triggers and filler words is left in `text`.
    ///
    /// Each trigger is taken out first on its own, then the others: in
    /// "有没有人工" the trigger 人工 must win over the overlapping 有没有人.
    fn only_trigger_and_filler(&self, rule: &Rule, text: &str) -> bool {
        rule.short_only.iter().any(|trigger| {
            trigger.occurs_in(text) && {
                let rest = replace_all(text, std::slice::from_ref(trigger), " ");
                let rest = replace_all(&rest, &rule.short_only, " ");
                replace_all(&rest, &self.filler, " ").trim().is_empty()
            }
        })
    }

    fn compile(sources: &[(&str, Data)]) -> Result<PhraseSet, PhraseSetError> {
        let mut fold = HashMap::new();
        for (source, data) in sources {
            fold.extend(fold_pairs(source, &data.variants.pairs)?);
        }
        let mut set = PhraseSet {
            fold,
            filler: Vec::new(),
            frame_gap: Vec::new(),
            max_gap: 0,
            person: Rule::default(),
            urgent: UrgentTopic::CHECK_ORDER
                .iter()
                .map(|topic| (*topic, Rule::default()))
                .collect(),
        };
        for (source, data) in sources {
            let compiler = Compiler {
                source,
                fold: &set.fold,
            };
            if let Some(max_gap) = data.matching.max_gap {
                set.max_gap = max_gap;
            }
            compiler.extend(&mut set.filler, &data.matching.filler)?;
            compiler.extend(&mut set.frame_gap, &data.matching.frame_gap)?;
            compiler.extend_rule(&mut set.person, &data.person)?;
            for (topic, rule) in &mut set.urgent {
                compiler.extend_rule(rule, data.urgent.rule(*topic))?;
            }
        }
        set.finish();
        Ok(set)
    }

    /// Orders every list longest first (so that replacing takes the longest
    /// match) and drops duplicates.
    fn finish(&mut self) {
        tidy(&mut self.filler);
        tidy(&mut self.frame_gap);
        self.person.tidy();
        for (_, rule) in &mut self.urgent {
            rule.tidy();
        }
    }
}

/// Normalizes `text` for matching, with the built-in table of character
/// variants:
///
/// 1. full-width ASCII (U+FF01–U+FF5E) becomes half-width, the ideographic
///    space (U+3000) a space;
/// 2. lower case;
/// 3. traditional Chinese becomes simplified ([`crate::script::to_simplified`],
///    the program's one script conversion), then the data's `[variants]` are
///    folded onto one form ("帐" → "账");
/// 4. apostrophes are dropped ("don't" → "dont"), other punctuation and
///    symbols separate words;
/// 5. whitespace is collapsed, and removed next to a Chinese character
///    ("转 人 工" → "转人工");
/// 6. immediate repetitions collapse ("人工人工人工" → "人工",
///    "human human" → "human"); a single Chinese character on its own is kept
///    ("谢谢" stays).
///
/// ```
/// use warmline_core::intent::normalize;
///
/// assert_eq!(normalize("轉 人 工！！！"), "转人工");
/// assert_eq!(normalize("ＨＵＭＡＮ，　please"), "human please");
/// assert_eq!(normalize("I don't want a robot"), "i dont want a robot");
/// ```
pub fn normalize(text: &str) -> String {
    builtin_ref().normalize(text)
}

fn builtin_ref() -> &'static PhraseSet {
    static BUILTIN: OnceLock<PhraseSet> = OnceLock::new();
    BUILTIN.get_or_init(|| {
        let data = parse(BUILTIN_PHRASES_TOML).expect("the built-in handoff phrases parse");
        PhraseSet::compile(&[(BUILTIN_PHRASES_TOML, data)])
            .expect("the built-in handoff phrases compile")
    })
}

// ---------------------------------------------------------------------------
// Normalization
// ---------------------------------------------------------------------------

fn normalize_with(text: &str, fold: &HashMap<char, char>) -> String {
    let text = script::to_simplified(text);
    let mut tokens: Vec<Token> = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, tokens: &mut Vec<Token>| {
        if !word.is_empty() {
            tokens.push(Token {
                text: std::mem::take(word),
                cjk: false,
            });
        }
    };
    for c in text.chars().map(half_width) {
        for c in c.to_lowercase() {
            let c = fold.get(&c).copied().unwrap_or(c);
            if is_apostrophe(c) {
                continue;
            }
            if is_cjk(c) {
                flush(&mut word, &mut tokens);
                tokens.push(Token {
                    text: c.to_string(),
                    cjk: true,
                });
            } else if is_word_char(c) {
                word.push(c);
            } else {
                flush(&mut word, &mut tokens);
            }
        }
    }
    flush(&mut word, &mut tokens);

    let tokens = collapse_repeats(tokens);
    let mut out = String::with_capacity(text.len());
    let mut previous_cjk = true;
    for token in &tokens {
        if !previous_cjk && !token.cjk {
            out.push(' ');
        }
        out.push_str(&token.text);
        previous_cjk = token.cjk;
    }
    out
}

/// A word, or one Chinese character.
#[derive(Debug, PartialEq, Eq)]
struct Token {
    text: String,
    cjk: bool,
}

/// Drops immediate repetitions of runs of up to [`MAX_REPEAT_UNIT`] tokens,
/// except a lone Chinese character.
fn collapse_repeats(tokens: Vec<Token>) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    for token in tokens {
        out.push(token);
        'collapse: loop {
            for unit in 1..=MAX_REPEAT_UNIT.min(out.len() / 2) {
                let len = out.len();
                if unit == 1 && out[len - 1].cjk {
                    continue;
                }
                if out[len - 2 * unit..len - unit] == out[len - unit..] {
                    out.truncate(len - unit);
                    continue 'collapse;
                }
            }
            break;
        }
    }
    out
}

/// Splits `text` into sentences for the short-message test, at `.`, `!`,
/// `?`, `;`, their full-width and Chinese forms, the ellipsis and line
/// breaks. Commas and colons do not split ("订单号：315" is one sentence), nor
/// does a full stop before a digit ("No. 315", "3.15").
fn split_sentences(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        for (at, c) in rest.char_indices() {
            let ends = match half_width(c) {
                '.' => !rest[at + c.len_utf8()..]
                    .trim_start()
                    .starts_with(|next: char| half_width(next).is_ascii_digit()),
                '!' | '?' | ';' | '\n' | '\r' | '\u{3002}' | '\u{FF61}' | '\u{2026}' => true,
                _ => false,
            };
            if ends {
                let sentence = &rest[..at];
                rest = &rest[at + c.len_utf8()..];
                return Some(sentence);
            }
        }
        Some(std::mem::take(&mut rest))
    })
}

fn half_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2018}' | '\u{2019}' | '\u{02BC}' | '`' | '\u{00B4}'
    )
}

/// Chinese (and Japanese kana): written without spaces between words.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3005..=0x3007
        | 0x3040..=0x30FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF
        | 0x20000..=0x3134F)
}

/// Part of a space-separated word: letters, digits and combining accents.
fn is_word_char(c: char) -> bool {
    (c.is_alphanumeric() || matches!(c, '\u{0300}'..='\u{036F}')) && !is_cjk(c)
}

// ---------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------

/// A normalized phrase. Where it starts or ends with a letter or digit, the
/// match must not continue a word there ("agent" is not in "agents", "315"
/// not in "12315").
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pattern {
    text: String,
    word_start: bool,
    word_end: bool,
}

impl Pattern {
    fn new(text: String) -> Self {
        Pattern {
            word_start: text.chars().next().is_some_and(is_word_char),
            word_end: text.chars().next_back().is_some_and(is_word_char),
            text,
        }
    }

    fn matches_at(&self, text: &str, at: usize) -> bool {
        text.get(at..)
            .is_some_and(|rest| rest.starts_with(&self.text))
            && self.bounded(text, at..at + self.text.len())
    }

    fn bounded(&self, text: &str, span: Range<usize>) -> bool {
        (!self.word_start
            || !text[..span.start]
                .chars()
                .next_back()
                .is_some_and(is_word_char))
            && (!self.word_end || !text[span.end..].chars().next().is_some_and(is_word_char))
    }

    /// Start of every match, overlapping ones included.
    fn positions<'t>(&'t self, text: &'t str) -> impl Iterator<Item = usize> + 't {
        let mut from = 0;
        std::iter::from_fn(move || {
            while let Some(found) = text.get(from..)?.find(&self.text) {
                let start = from + found;
                from = start + text[start..].chars().next().map_or(1, char::len_utf8);
                if self.bounded(text, start..start + self.text.len()) {
                    return Some(start);
                }
            }
            None
        })
    }

    fn occurs_in(&self, text: &str) -> bool {
        self.positions(text).next().is_some()
    }
}

/// Replaces, left to right, every match of `patterns` (tried in order, so
/// longest first) with `with`.
fn replace_all(text: &str, patterns: &[Pattern], with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while let Some(c) = text[at..].chars().next() {
        match patterns.iter().find(|p| p.matches_at(text, at)) {
            Some(p) => {
                out.push_str(with);
                at += p.text.len();
            }
            None => {
                out.push(c);
                at += c.len_utf8();
            }
        }
    }
    out
}

fn skip_spaces(text: &str, at: usize) -> usize {
    at + text[at..].len() - text[at..].trim_start_matches(' ').len()
}

#[derive(Debug, Clone, Default)]
struct Rule {
    exclude: Vec<Pattern>,
    phrases: Vec<Pattern>,
    all_of: Vec<Vec<Pattern>>,
    short_only: Vec<Pattern>,
    frames: Vec<Pattern>,
}

impl Rule {
    fn without_exclusions<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if self.exclude.is_empty() {
            Cow::Borrowed(text)
        } else {
            Cow::Owned(replace_all(text, &self.exclude, EXCLUDED))
        }
    }

    fn tidy(&mut self) {
        tidy(&mut self.exclude);
        tidy(&mut self.phrases);
        tidy(&mut self.short_only);
        tidy(&mut self.frames);
        self.all_of
            .sort_by(|a, b| a.iter().map(|p| &p.text).cmp(b.iter().map(|p| &p.text)));
        self.all_of.dedup();
    }
}

fn tidy(patterns: &mut Vec<Pattern>) {
    patterns.sort_by(|a, b| {
        b.text
            .len()
            .cmp(&a.text.len())
            .then_with(|| a.text.cmp(&b.text))
    });
    patterns.dedup();
}

// ---------------------------------------------------------------------------
// The data file
// ---------------------------------------------------------------------------

type Entries = Vec<Spanned<String>>;

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Data {
    matching: MatchingData,
    variants: FoldData,
    person: RuleData,
    urgent: UrgentData,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct MatchingData {
    max_gap: Option<usize>,
    frame_gap: Entries,
    filler: Entries,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct FoldData {
    pairs: Entries,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RuleData {
    exclude: Entries,
    phrases: Entries,
    all_of: Vec<Spanned<Entries>>,
    short_only: Entries,
    frames: Entries,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct UrgentData {
    fraud: RuleData,
    stolen_money: RuleData,
    unauthorized_charge: RuleData,
    medical: RuleData,
}

impl UrgentData {
    fn rule(&self, topic: UrgentTopic) -> &RuleData {
        match topic {
            UrgentTopic::Fraud => &self.fraud,
            UrgentTopic::StolenMoney => &self.stolen_money,
            UrgentTopic::UnauthorizedCharge => &self.unauthorized_charge,
            UrgentTopic::Medical => &self.medical,
        }
    }
}

fn parse(source: &str) -> Result<Data, PhraseSetError> {
    toml::from_str(source).map_err(|error| {
        let (line, column) = error
            .span()
            .map_or((1, 1), |span| line_and_column(source, span.start));
        PhraseSetError::Syntax {
            line,
            column,
            message: error.message().trim().to_owned(),
        }
    })
}

fn line_and_column(source: &str, offset: usize) -> (usize, usize) {
    let before = source.get(..offset).unwrap_or(source);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn line_of(source: &str, entry: &Spanned<impl Sized>) -> usize {
    line_and_column(source, entry.span().start).0
}

fn fold_pairs(source: &str, pairs: &Entries) -> Result<HashMap<char, char>, PhraseSetError> {
    let mut fold = HashMap::new();
    let mut lines = HashMap::new();
    for pair in pairs {
        let line = line_of(source, pair);
        let mut chars = pair.get_ref().chars();
        let (Some(from), Some(to), None) = (chars.next(), chars.next(), chars.next()) else {
            return Err(PhraseSetError::BadPair {
                line,
                entry: pair.get_ref().clone(),
            });
        };
        if let Some(previous) = fold.insert(from, to) {
            if previous != to {
                return Err(PhraseSetError::ConflictingPair {
                    line,
                    entry: pair.get_ref().clone(),
                    character: from,
                    first_line: lines[&from],
                });
            }
        }
        lines.entry(from).or_insert(line);
    }
    Ok(fold)
}

/// Normalizes the entries of one source.
struct Compiler<'a> {
    source: &'a str,
    fold: &'a HashMap<char, char>,
}

impl Compiler<'_> {
    fn pattern(&self, entry: &Spanned<String>) -> Result<Pattern, PhraseSetError> {
        let text = normalize_with(entry.get_ref(), self.fold);
        if text.is_empty() {
            return Err(PhraseSetError::EmptyPhrase {
                line: line_of(self.source, entry),
                phrase: entry.get_ref().clone(),
            });
        }
        Ok(Pattern::new(text))
    }

    fn extend(&self, into: &mut Vec<Pattern>, entries: &Entries) -> Result<(), PhraseSetError> {
        for entry in entries {
            into.push(self.pattern(entry)?);
        }
        Ok(())
    }

    fn extend_rule(&self, rule: &mut Rule, data: &RuleData) -> Result<(), PhraseSetError> {
        self.extend(&mut rule.exclude, &data.exclude)?;
        self.extend(&mut rule.phrases, &data.phrases)?;
        self.extend(&mut rule.short_only, &data.short_only)?;
        self.extend(&mut rule.frames, &data.frames)?;
        for group in &data.all_of {
            if group.get_ref().is_empty() {
                return Err(PhraseSetError::EmptyGroup {
                    line: line_of(self.source, group),
                });
            }
            let mut patterns = Vec::new();
            self.extend(&mut patterns, group.get_ref())?;
            rule.all_of.push(patterns);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
