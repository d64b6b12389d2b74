//! What the classifier sees of a sentence: TF-IDF weights of its character
//! n-grams, and of its Latin words and pairs of words.
//!
//! Each whitespace-separated word, padded with a space on either side, gives
//! its n-grams of 1 to [`MAX_N`] characters (a word shorter than `n` gives
//! itself once), so "call me" gives " c", "ca", …, "ll ", " me " and so on.
//! Chinese, written without spaces, is one long word whose n-grams are its
//! runs of characters. A count `c` weighs `1 + ln c`, times the n-gram's
//! inverse document frequency `1 + ln((1 + N) / (1 + df))`, and the vector
//! is scaled to length 1. This is the layout of scikit-learn's
//! `TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4),
//! sublinear_tf=True)` that the experiment of `data/intent-eval/RESULTS.md`
//! used. Since session 10, words and pairs of words written without Chinese
//! characters are features too (marked [`WORD`]): English requests and
//! grievances are said in words ("get nowhere", "someone senior") that
//! character n-grams split; cross-validation put recall at the same
//! precision about three points higher with them. Since session 11, runs of
//! three such words too ("taken it further", "a living soul"), together
//! with dropping n-grams of a single training sentence (`MIN_DF`). Chinese
//! runs give none: a whole clause as a feature would only remember its
//! sentence.

use std::collections::HashMap;

/// The mark that starts a word feature (a Latin word or two in a row).
pub(crate) const WORD: char = '_';

/// The longest n-gram, in characters.
pub(crate) const MAX_N: usize = 4;

/// The text as the classifier reads it: lower case, apostrophes dropped,
/// each run of digits read as one `0`,
/// other punctuation and symbols read as spaces, spaces collapsed and
/// removed next to a Chinese character. Typed and dictated text then read
/// the same: "有冇職員?我唔識" and "有冇職員我唔識", "Hello, I want" and
/// "hello I want".
pub(crate) fn prepare(text: &str) -> String {
    let mut spaced = String::with_capacity(text.len());
    let mut in_number = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if matches!(c, '\'' | '\u{2019}') {
            continue;
        }
        // A number is a number: its digits say nothing of what the message
        // asks, and learning them ("0000", "999") would make some numbers
        // alarming by accident. A run of digits reads as one "0".
        if c.is_numeric() {
            if !in_number {
                spaced.push('0');
            }
            in_number = true;
            continue;
        }
        in_number = false;
        spaced.push(if c.is_alphanumeric() { c } else { ' ' });
    }
    let words: Vec<&str> = spaced.split_whitespace().collect();
    let mut out = String::with_capacity(spaced.len());
    for (i, word) in words.iter().enumerate() {
        let joins =
            i > 0 && (ends_chinese(words[i - 1]) || word.chars().next().is_some_and(is_chinese));
        if i > 0 && !joins {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

fn ends_chinese(word: &str) -> bool {
    word.chars().last().is_some_and(is_chinese)
}

/// A CJK ideograph (the unified blocks and their first extension).
fn is_chinese(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

/// Every n-gram of `prepared`, with repeats, in order: the character
/// n-grams of each word, then, for words without a Chinese character, each
/// word and each run of two and three such words, marked with a leading `_`
/// (which no prepared text holds) so they are features of their own.
pub(crate) fn ngrams(prepared: &str) -> Vec<String> {
    let mut grams = char_ngrams(prepared);
    let latin: Vec<Option<&str>> = prepared
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(|w| (!w.chars().any(is_chinese)).then_some(w))
        .collect();
    for (i, word) in latin.iter().enumerate() {
        let Some(word) = word else { continue };
        grams.push(format!("{WORD}{word}"));
        if let Some(Some(next)) = latin.get(i + 1) {
            grams.push(format!("{WORD}{word} {next}"));
            if let Some(Some(third)) = latin.get(i + 2) {
                grams.push(format!("{WORD}{word} {next} {third}"));
            }
        }
    }
    grams
}

fn char_ngrams(prepared: &str) -> Vec<String> {
    let mut grams = Vec::new();
    for word in prepared.split(' ').filter(|w| !w.is_empty()) {
        let padded: Vec<char> = std::iter::once(' ')
            .chain(word.chars())
            .chain(std::iter::once(' '))
            .collect();
        for n in 1..=MAX_N {
            if padded.len() <= n {
                grams.push(padded.iter().collect());
                break;
            }
            for window in padded.windows(n) {
                grams.push(window.iter().collect());
            }
        }
    }
    grams
}

/// The n-grams of `prepared` with their counts, each once.
pub(crate) fn counts(prepared: &str) -> HashMap<String, u32> {
    let mut counts = HashMap::new();
    for gram in ngrams(prepared) {
        *counts.entry(gram).or_insert(0) += 1;
    }
    counts
}

/// The inverse document frequency of an n-gram found in `df` of `n`
/// training sentences.
pub(crate) fn idf(n: usize, df: usize) -> f64 {
    ((1.0 + n as f64) / (1.0 + df as f64)).ln() + 1.0
}

/// A sparse TF-IDF vector of unit length from (feature, count, idf) triples.
pub(crate) fn tfidf(terms: impl Iterator<Item = (u32, u32, f64)>) -> Vec<(u32, f64)> {
    let mut vector: Vec<(u32, f64)> = terms
        .map(|(feature, count, idf)| (feature, (1.0 + f64::from(count).ln()) * idf))
        .collect();
    vector.sort_by_key(|(feature, _)| *feature);
    let length = vector.iter().map(|(_, v)| v * v).sum::<f64>().sqrt();
    if length > 0.0 {
        for (_, v) in &mut vector {
            *v /= length;
        }
    }
    vector
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_padded_and_short_words_give_themselves_once() {
        assert_eq!(
            char_ngrams("a"),
            [" ", "a", " ", " a", "a ", " a "].map(String::from)
        );
        let grams = char_ngrams("call me");
        assert!(grams.contains(&" cal".to_owned()));
        assert!(grams.contains(&"all ".to_owned()));
        assert!(grams.contains(&" me ".to_owned()));
        assert!(!grams.iter().any(|g| g.contains("l m")), "{grams:?}");
    }

    #[test]
    fn latin_words_and_pairs_are_features_too_chinese_runs_are_not() {
        let grams = ngrams("please ring me");
        for word in [
            "_please",
            "_ring",
            "_me",
            "_please ring",
            "_ring me",
            "_please ring me",
        ] {
            assert!(grams.contains(&word.to_owned()), "{word} in {grams:?}");
        }
        assert!(!grams.contains(&"_please me".to_owned()));
        // A Chinese run breaks the pairs and is no word feature itself.
        let grams = ngrams("call 打我电话 me");
        assert!(
            !grams
                .iter()
                .any(|g| g.starts_with(WORD) && g.contains('打')),
            "{grams:?}"
        );
        assert!(!grams.contains(&"_call me".to_owned()), "{grams:?}");
        assert!(grams.contains(&"_call".to_owned()) && grams.contains(&"_me".to_owned()));
    }

    #[test]
    fn chinese_is_one_word_of_character_runs() {
        let grams = ngrams("转人工");
        for gram in [
            " 转",
            "转人",
            "人工",
            "转人工",
            " 转人工",
            "转人工 ",
            "人工 ",
        ] {
            assert!(grams.contains(&gram.to_owned()), "{gram} in {grams:?}");
        }
        assert_eq!(prepare("  I  Want\tA   PERSON "), "i want a person");
        assert_eq!(
            prepare("Hello, I don't want... a ROBOT!"),
            "hello i dont want a robot"
        );
        // Typed and dictated Chinese read the same.
        assert_eq!(prepare("有冇職員?我唔識 用"), "有冇職員我唔識用");
        assert_eq!(prepare("我要 human 客服"), "我要human客服");
        // Numbers read alike, whatever their digits.
        assert_eq!(prepare("message 0000"), prepare("message 1234"));
        assert_eq!(prepare("I paid £8,000 on the 3rd"), "i paid 0 0 on the 0rd");
    }

    #[test]
    fn vectors_have_unit_length_and_repeats_weigh_less_than_their_count() {
        let v = tfidf([(3, 1, 2.0), (1, 4, 1.0)].into_iter());
        assert_eq!(v.iter().map(|(f, _)| *f).collect::<Vec<_>>(), [1, 3]);
        let length: f64 = v.iter().map(|(_, x)| x * x).sum();
        assert!((length - 1.0).abs() < 1e-12);
        // 1 + ln 4 < 4: four repeats weigh 2.39 times one, not four times.
        assert!((v[0].1 / v[1].1 - (1.0 + 4f64.ln()) / 2.0).abs() < 1e-12);
        assert!(idf(10, 1) > idf(10, 9));
    }
}
