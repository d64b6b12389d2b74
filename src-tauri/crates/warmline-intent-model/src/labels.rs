//! The labelled-sentence files of the development set and the evaluation
//! rounds, read line by line.
//!
//! One sentence a line, `label<TAB>variant<TAB>family<TAB>text` (or without
//! the family); `#` starts a comment line. A label is `person`, `none`,
//! `urgent` or `urgent:<topic>`. Classes and topics are numbered as in
//! [`CLASSES`] and [`TOPICS`]; `warmline-core` names them with its own types
//! and checks that the two orders agree.

/// The classes of the first decision, in the model's order.
pub const CLASSES: [&str; 3] = ["person", "urgent", "none"];

/// The topics of an urgent sentence, in the model's order.
pub const TOPICS: [&str; 4] = ["medical", "fraud", "stolen-money", "unauthorized-charge"];

/// The language variants a labelled file may use.
pub const VARIANTS: [&str; 4] = ["en", "zh-Hans", "zh-Hant", "yue"];

/// One labelled sentence, borrowed from its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line<'a> {
    /// Line in its file, from 1.
    pub line: usize,
    /// Index into [`CLASSES`].
    pub class: usize,
    /// Index into [`TOPICS`], for an urgent sentence labelled with a topic.
    pub topic: Option<usize>,
    /// One of [`VARIANTS`].
    pub variant: &'a str,
    /// What the sentence tests (`negation`, `scam-story`, …), `-` if unsaid.
    pub family: &'a str,
    /// The sentence.
    pub text: &'a str,
}

/// Reads a labelled file; the error names the line that is wrong.
pub fn parse(text: &str) -> Result<Vec<Line<'_>>, String> {
    let mut rows = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line_no = index + 1;
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let (label, variant, family, sentence) = match fields[..] {
            [label, variant, family, sentence] => (label, variant, family, sentence),
            [label, variant, sentence] => (label, variant, "-", sentence),
            _ => {
                return Err(format!(
                    "line {line_no}: expected 3 or 4 tab-separated fields"
                ))
            }
        };
        let class_of = |name: &str| CLASSES.iter().position(|c| *c == name);
        let (class, topic) =
            match label.split_once(':') {
                None => (
                    class_of(label)
                        .ok_or_else(|| format!("line {line_no}: unknown label {label:?}"))?,
                    None,
                ),
                Some(("urgent", topic)) => (
                    class_of("urgent").unwrap_or(1),
                    Some(TOPICS.iter().position(|t| *t == topic).ok_or_else(|| {
                        format!("line {line_no}: unknown urgent topic {topic:?}")
                    })?),
                ),
                _ => return Err(format!("line {line_no}: unknown label {label:?}")),
            };
        if !VARIANTS.contains(&variant) {
            return Err(format!("line {line_no}: unknown variant {variant:?}"));
        }
        if sentence.trim().is_empty() {
            return Err(format!("line {line_no}: empty sentence"));
        }
        rows.push(Line {
            line: line_no,
            class,
            topic,
            variant,
            family,
            text: sentence,
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_name_a_class_and_maybe_a_topic_and_bad_lines_are_named() {
        let rows = parse(
            "# comment\nurgent:fraud\ten\tscam-story\tI was scammed\nperson\tyue\t轉人工\n\nurgent\tzh-Hans\tx\t救命\n",
        )
        .unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!((rows[0].class, rows[0].topic), (1, Some(1)));
        assert_eq!(
            (rows[1].class, rows[1].topic, rows[1].family),
            (0, None, "-")
        );
        assert_eq!((rows[2].class, rows[2].topic, rows[2].line), (1, None, 5));
        for (bad, line) in [
            ("urgent:flood\ten\tx\ty\n", 1),
            ("person\tfr\tx\ty\n", 1),
            ("#\nperson\ten\n", 2),
            ("maybe\ten\tx\n", 1),
            ("none:x\ten\tx\ty\n", 1),
            ("none\ten\tx\t \n", 1),
        ] {
            let error = parse(bad).unwrap_err();
            assert!(
                error.starts_with(&format!("line {line}:")),
                "{bad:?}: {error}"
            );
        }
    }
}
