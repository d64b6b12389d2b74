//! Forgiving reading for the demo assistant: common misspellings and short
//! forms ("my bil is to hi") become the words the topics know, and a long
//! keyword also matches a word one letter off ("pasword", "delivry").
//! People who type slowly or see poorly make exactly these mistakes; the demo
//! is the first thing a company or caregiver sees, so it should cope.

/// Short forms and misspellings, as whole words or phrases (lowercase, single
/// spaces), and what they stand for.
const REPLACEMENTS: &[(&str, &str)] = &[
    ("to hi", "too high"),
    ("too hi", "too high"),
    ("to high", "too high"),
    ("2 high", "too high"),
    ("to much", "too much"),
    ("2 much", "too much"),
    ("bil", "bill"),
    ("bils", "bills"),
    ("biil", "bill"),
    ("pls", "please"),
    ("plz", "please"),
    ("u", "you"),
    ("ur", "your"),
    ("r", "are"),
    ("pw", "password"),
    ("pwd", "password"),
    ("passwd", "password"),
    ("acct", "account"),
    ("pkg", "package"),
    ("addr", "address"),
    ("hrs", "hours"),
    ("thx", "thank you"),
    ("thanx", "thank you"),
    ("ty", "thank you"),
    ("wanna", "want to"),
    ("dont", "don't"),
    ("didnt", "didn't"),
    ("cant", "can't"),
    ("wheres", "where is"),
    ("whats", "what is"),
];

/// `words` (lowercase, padded with one space at each end, single spaces
/// between words) with the short forms and misspellings replaced.
pub fn correct(words: &str) -> String {
    let mut out = words.to_owned();
    for (wrong, right) in REPLACEMENTS {
        let wrong = format!(" {wrong} ");
        let right = format!(" {right} ");
        // Repeated, because a replacement's trailing space is the next
        // word's leading one ("u u" needs two passes).
        while out.contains(&wrong) {
            out = out.replace(&wrong, &right);
        }
    }
    out
}

/// True when `word` is `keyword` with at most one letter added, dropped or
/// changed (or two neighbours swapped), for keywords of five letters or more (shorter ones would match
/// too much: "bill" and "ball").
pub fn nearly(word: &str, keyword: &str) -> bool {
    if keyword.len() < 5 || !keyword.bytes().all(|b| b.is_ascii_lowercase()) {
        return false;
    }
    let (a, b) = (word.as_bytes(), keyword.as_bytes());
    if a.len().abs_diff(b.len()) > 1 || a.first() != b.first() {
        return false;
    }
    if a.len() == b.len() {
        // Two neighbouring letters swapped ("parcle") counts as one slip.
        let differ: Vec<usize> = (0..a.len()).filter(|&k| a[k] != b[k]).collect();
        if let [k, l] = differ[..] {
            if l == k + 1 && a[k] == b[l] && a[l] == b[k] {
                return true;
            }
        }
    }
    let (mut i, mut j, mut edits) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            i += 1;
            j += 1;
            continue;
        }
        edits += 1;
        if edits > 1 {
            return false;
        }
        match a.len().cmp(&b.len()) {
            std::cmp::Ordering::Greater => i += 1,
            std::cmp::Ordering::Less => j += 1,
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
            }
        }
    }
    edits + (a.len() - i) + (b.len() - j) <= 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_forms_become_whole_words() {
        assert_eq!(correct(" my bil is to hi "), " my bill is too high ");
        assert_eq!(correct(" u u r "), " you you are ");
        assert_eq!(correct(" this is it "), " this is it ");
    }

    #[test]
    fn one_letter_off_matches_only_long_keywords() {
        assert!(nearly("pasword", "password"));
        assert!(nearly("delivry", "delivery"));
        assert!(nearly("refunt", "refund"));
        assert!(nearly("adress", "address"));
        assert!(nearly("parcle", "parcel"));
        assert!(!nearly("ball", "bill"));
        assert!(!nearly("passport", "password"));
        assert!(!nearly("xassword", "password"));
    }
}
