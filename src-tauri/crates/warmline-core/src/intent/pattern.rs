//! Normalized phrases and where they occur in normalized text.

use std::ops::Range;

use super::normalize::{is_cjk, is_word_char, CLAUSE, SENTENCE};

/// A normalized phrase. Where it starts or ends with a letter or digit, the
/// match must not continue a word there ("agent" is not in "agents", "315"
/// not in "12315").
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pattern {
    pub(crate) text: String,
    word_start: bool,
    word_end: bool,
}

impl Pattern {
    pub(crate) fn new(text: String) -> Self {
        Pattern {
            word_start: text.chars().next().is_some_and(is_word_char),
            word_end: text.chars().next_back().is_some_and(is_word_char),
            text,
        }
    }

    pub(crate) fn matches_at(&self, text: &str, at: usize) -> bool {
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
    pub(crate) fn positions<'t>(&'t self, text: &'t str) -> impl Iterator<Item = usize> + 't {
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

    /// Every match as a byte range.
    pub(crate) fn spans<'t>(&'t self, text: &'t str) -> impl Iterator<Item = Range<usize>> + 't {
        self.positions(text)
            .map(move |start| start..start + self.text.len())
    }

    pub(crate) fn occurs_in(&self, text: &str) -> bool {
        self.positions(text).next().is_some()
    }
}

/// Every match of any of `patterns` in `text`.
pub(crate) fn spans_of<'t>(
    patterns: &'t [Pattern],
    text: &'t str,
) -> impl Iterator<Item = Range<usize>> + 't {
    patterns.iter().flat_map(move |p| p.spans(text))
}

/// Replaces, left to right, every match of `patterns` (tried in order, so
/// longest first) with `with`.
pub(crate) fn replace_all(text: &str, patterns: &[Pattern], with: &str) -> String {
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

pub(crate) fn skip_spaces(text: &str, at: usize) -> usize {
    at + text[at..].len() - text[at..].trim_start_matches(' ').len()
}

/// How many words (a Latin word or one Chinese character each) `text` holds.
pub(crate) fn units(text: &str) -> usize {
    let mut count = 0;
    let mut in_word = false;
    for c in text.chars() {
        if is_cjk(c) {
            count += 1;
            in_word = false;
        } else if is_word_char(c) {
            if !in_word {
                count += 1;
            }
            in_word = true;
        } else {
            in_word = false;
        }
    }
    count
}

/// Whether `text` holds a clause or sentence boundary.
pub(crate) fn crosses_boundary(text: &str) -> bool {
    text.contains([CLAUSE, SENTENCE])
}

/// Orders patterns longest first (so that replacing takes the longest
/// match) and drops duplicates.
pub(crate) fn tidy(patterns: &mut Vec<Pattern>) {
    patterns.sort_by(|a, b| {
        b.text
            .len()
            .cmp(&a.text.len())
            .then_with(|| a.text.cmp(&b.text))
    });
    patterns.dedup();
}
