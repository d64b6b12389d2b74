//! Normalization: what the user wrote or said, in the one form every phrase
//! is written in, so that case, width, punctuation, script and the quirks of
//! speech recognition do not change what a message means.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::script;

/// Ends a clause in normalized text (commas, semicolons). Phrases do
/// not match across it and negation does not reach past it.
pub(crate) const CLAUSE: char = '|';
/// Ends a sentence in normalized text; co-occurrence rules look within one.
pub(crate) const SENTENCE: char = '\n';

/// Longest run of tokens that is collapsed when it is repeated
/// ("转人工转人工" is a run of three).
const MAX_REPEAT_UNIT: usize = 8;

/// How speech recognition (and hurried typing) writes words: slips replaced
/// with what was meant, and words recognized with one letter wrong.
#[derive(Debug, Clone, Default)]
pub(crate) struct Spoken {
    /// (heard, meant), normalized, longest heard form first.
    pub(crate) pairs: Vec<(String, String)>,
    /// Latin words also recognized with one letter wrong, missing, extra or
    /// two letters swapped ("humon", "agnet").
    pub(crate) fuzzy: Vec<String>,
    /// A name in double quotes that starts with one of these words ("my",
    /// "the"), or comes right after one (`a "delivery company"`), is read
    /// with `quoted_as` before it: `a message from "my son"` reads as a
    /// message from a so-called son, the way the user says it.
    pub(crate) quoted_starts: Vec<String>,
    /// No such reading after these words: `he said "the bank is shut"` is
    /// speech, not a name.
    pub(crate) quoted_not_after: Vec<String>,
    pub(crate) quoted_as: String,
}

/// Most words in a quoted name that is read as a claim.
const MAX_QUOTED_WORDS: usize = 5;

/// `text` with every quoted name (see [`Spoken::quoted_starts`]) preceded by
/// `quoted_as`.
fn mark_quoted<'t>(text: &'t str, spoken: &Spoken) -> Cow<'t, str> {
    let is_quote = |c: char| matches!(c, '"' | '\u{201C}' | '\u{201D}' | '\u{00AB}' | '\u{00BB}');
    if spoken.quoted_starts.is_empty() || spoken.quoted_as.is_empty() || !text.contains(is_quote) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(open) = rest.find(is_quote) {
        let after_open = open + rest[open..].chars().next().map_or(1, char::len_utf8);
        let Some(close) = rest[after_open..].find(is_quote).map(|at| after_open + at) else {
            break;
        };
        let inner = &rest[after_open..close];
        let lower = inner.to_lowercase();
        let words: Vec<&str> = lower
            .split(|c: char| !(c.is_ascii_alphanumeric() || is_apostrophe(c)))
            .filter(|w| !w.is_empty())
            .collect();
        let before = rest[..open].to_lowercase();
        let previous = before
            .split(|c: char| !c.is_ascii_alphanumeric())
            .rfind(|w| !w.is_empty())
            .unwrap_or("");
        let a_name = (1..=MAX_QUOTED_WORDS).contains(&words.len())
            && inner.chars().all(|c| c.is_ascii() || is_apostrophe(c))
            && spoken
                .quoted_starts
                .iter()
                .any(|s| s == words[0] || s == previous)
            && !spoken.quoted_not_after.iter().any(|s| s == previous)
            && !before.trim_end().ends_with(':');
        out.push_str(&rest[..open]);
        if a_name {
            out.push(' ');
            out.push_str(&spoken.quoted_as);
            out.push(' ');
        }
        out.push_str(inner);
        out.push(' ');
        rest = &rest[close + rest[close..].chars().next().map_or(1, char::len_utf8)..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Shortest word that is matched with one letter wrong.
const MIN_FUZZY_LEN: usize = 5;

/// Normalizes `text` with the given character variants and spoken-form
/// replacements (see [`super::normalize`] for the steps).
pub(crate) fn normalize_with(text: &str, fold: &HashMap<char, char>, spoken: &Spoken) -> String {
    let text = mark_quoted(text, spoken);
    // Only Chinese text needs the script conversion.
    let text = if text.chars().any(is_cjk) {
        Cow::Owned(script::to_simplified(&text))
    } else {
        text
    };
    let mut tokens: Vec<Token> = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, tokens: &mut Vec<Token>| {
        if !word.is_empty() {
            tokens.push(Token::Word(std::mem::take(word)));
        }
    };
    let mut chars = text.chars().map(half_width);
    while let Some(c) = chars.next() {
        for c in c.to_lowercase() {
            let c = fold.get(&c).copied().unwrap_or(c);
            if is_apostrophe(c) {
                continue;
            }
            if is_cjk(c) {
                flush(&mut word, &mut tokens);
                tokens.push(Token::Cjk(c));
            } else if is_word_char(c) {
                word.push(c);
            } else {
                // A full stop before a digit is part of a number ("3.15",
                // "No. 315"), not the end of a sentence.
                let before_digit = chars
                    .clone()
                    .find(|next| *next != ' ')
                    .is_some_and(|next| next.is_ascii_digit());
                flush(&mut word, &mut tokens);
                if let Some(mark) = boundary(c, before_digit) {
                    push_boundary(&mut tokens, mark);
                }
            }
        }
    }
    flush(&mut word, &mut tokens);
    for token in &mut tokens {
        if let Token::Word(word) = token {
            if let Some(meant) = near_miss(word, &spoken.fuzzy) {
                *word = meant.to_owned();
            }
        }
    }
    while matches!(tokens.last(), Some(Token::Boundary(_))) {
        tokens.pop();
    }

    let tokens = collapse_repeats(tokens);
    let mut out = String::with_capacity(text.len());
    let mut previous_word = false;
    for token in &tokens {
        match token {
            Token::Word(word) => {
                if previous_word {
                    out.push(' ');
                }
                out.push_str(word);
                previous_word = true;
            }
            Token::Cjk(c) => {
                out.push(*c);
                previous_word = false;
            }
            Token::Boundary(mark) => {
                out.push(*mark);
                previous_word = false;
            }
        }
    }
    apply_spoken_forms(out, &spoken.pairs)
}

/// The fuzzy word `word` is one slip away from, if any.
fn near_miss<'f>(word: &str, fuzzy: &'f [String]) -> Option<&'f str> {
    let chars: Vec<char> = word.chars().collect();
    if chars.len() < MIN_FUZZY_LEN || fuzzy.iter().any(|f| f == word) {
        return None;
    }
    fuzzy
        .iter()
        // "someone's" (a possessive, an apostrophe dropped) and plurals are
        // other words, not slips.
        .filter(|f| word.strip_suffix('s') != Some(f.as_str()))
        .find(|f| one_slip(&chars, &f.chars().collect::<Vec<_>>()))
        .map(String::as_str)
}

/// Whether `a` becomes `b` by one substitution, insertion, deletion or swap
/// of neighbours.
fn one_slip(a: &[char], b: &[char]) -> bool {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    match (a.len(), b.len()) {
        (0, 0) => false,
        (la, lb) if la == lb => {
            a[1..] == b[1..] || (la >= 2 && a[0] == b[1] && a[1] == b[0] && a[2..] == b[2..])
        }
        (la, lb) if la == lb + 1 => a[1..] == *b,
        (la, lb) if la + 1 == lb => *a == b[1..],
        _ => false,
    }
}

/// Replaces the spoken-form slips of the data (whole words for Latin
/// script, substrings for Chinese) with what was meant.
fn apply_spoken_forms(mut text: String, spoken: &[(String, String)]) -> String {
    for (heard, meant) in spoken {
        if !text.contains(heard.as_str()) {
            continue;
        }
        let pattern = super::pattern::Pattern::new(heard.clone());
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for start in pattern.positions(&text).collect::<Vec<_>>() {
            if start < at {
                continue;
            }
            out.push_str(&text[at..start]);
            out.push_str(meant);
            at = start + heard.len();
        }
        out.push_str(&text[at..]);
        text = out;
    }
    text
}

/// A word, one Chinese character, or the end of a clause or sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    Cjk(char),
    Boundary(char),
}

fn boundary(c: char, before_digit: bool) -> Option<char> {
    match c {
        '.' if before_digit => None,
        '.' | '!' | '?' | '\n' | '\r' | '\u{3002}' | '\u{FF61}' | '\u{2026}' => Some(SENTENCE),
        // Not a colon: "订单号：315" is one clause.
        ',' | ';' | '\u{3001}' | '\u{FF64}' | '\u{FE50}' | '\u{FE51}' => Some(CLAUSE),
        _ => None,
    }
}

/// Adds a boundary, keeping the stronger of two in a row and none at the
/// start.
fn push_boundary(tokens: &mut Vec<Token>, mark: char) {
    match tokens.last_mut() {
        None => {}
        Some(Token::Boundary(last)) if mark == SENTENCE => *last = SENTENCE,
        Some(Token::Boundary(_)) => {}
        Some(_) => tokens.push(Token::Boundary(mark)),
    }
}

/// Drops immediate repetitions of runs of up to [`MAX_REPEAT_UNIT`] tokens,
/// except a lone Chinese character ("谢谢" stays) and a lone boundary.
fn collapse_repeats(tokens: Vec<Token>) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    for token in tokens {
        out.push(token);
        'collapse: loop {
            for unit in 1..=MAX_REPEAT_UNIT.min(out.len() / 2) {
                let len = out.len();
                if unit == 1 && !matches!(out[len - 1], Token::Word(_)) {
                    continue;
                }
                if out[len - 2 * unit..len - unit] == out[len - unit..] {
                    out.truncate(len - unit);
                    continue 'collapse;
                }
                // The same run again after a boundary: "转人工！转人工".
                if len > 2 * unit
                    && matches!(out[len - unit - 1], Token::Boundary(_))
                    && out[len - 2 * unit - 1..len - unit - 1] == out[len - unit..]
                {
                    out.truncate(len - unit - 1);
                    continue 'collapse;
                }
            }
            break;
        }
    }
    out
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
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3005..=0x3007
        | 0x3040..=0x30FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF
        | 0x20000..=0x3134F)
}

/// Part of a space-separated word: letters, digits and combining accents.
pub(crate) fn is_word_char(c: char) -> bool {
    (c.is_alphanumeric() || matches!(c, '\u{0300}'..='\u{036F}')) && !is_cjk(c)
}
