//! Compiled rules and how one is matched against a normalized message.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::ops::Range;

use super::normalize::{CLAUSE, SENTENCE};
use super::pattern::{crosses_boundary, replace_all, skip_spaces, spans_of, tidy, units, Pattern};
use super::{Outcome, EXCLUDED};

/// One word of a rule's `all_of` or `in_order` list: any of its patterns.
pub(crate) type Element = Vec<Pattern>;

/// A named rule: lists of patterns that decide one outcome.
#[derive(Debug, Clone)]
pub(crate) struct Rule {
    pub(crate) name: String,
    pub(crate) outcome: Outcome,
    pub(crate) exclude: Vec<Pattern>,
    /// Sequences (as `in_order`, within `gap`) removed like `exclude`:
    /// "gave her son" takes the giving out of "she gave her son the code".
    pub(crate) exclude_in_order: Vec<Vec<Element>>,
    /// Words allowed between two words of an `exclude_in_order` sequence
    /// (the rule's `gap` unless set).
    pub(crate) exclude_gap: usize,
    pub(crate) unless: Vec<Pattern>,
    pub(crate) phrases: Vec<Pattern>,
    pub(crate) all_of: Vec<Vec<Element>>,
    pub(crate) in_order: Vec<Vec<Element>>,
    pub(crate) gap: usize,
    pub(crate) short_only: Vec<Pattern>,
    pub(crate) frames: Vec<Pattern>,
    pub(crate) negatable: bool,
    /// Whether the rule tells of a symptom that can be over ("short of
    /// breath last week, but the doctor says I'm fine"): see
    /// [`Shared::over_at`].
    pub(crate) over: bool,
}

/// The lists every rule shares: filler words, frame gap words, negation.
#[derive(Debug, Clone, Default)]
pub(crate) struct Shared {
    pub(crate) filler: Vec<Pattern>,
    pub(crate) frame_gap: Vec<Pattern>,
    pub(crate) max_gap: usize,
    pub(crate) negators: Vec<Pattern>,
    pub(crate) after_negators: Vec<Pattern>,
    pub(crate) not_negation: Vec<Pattern>,
    pub(crate) scope_end: Vec<Pattern>,
    pub(crate) scope: usize,
    /// Past time words ("last week", 昨天, 琴日).
    pub(crate) over_past: Vec<Pattern>,
    /// Recoveries ("the doctor says I'm fine", 已经好了, 冇事喇).
    pub(crate) over_recovered: Vec<Pattern>,
    /// Words of a symptom going on ("still", "since", 到而家, 又): with one
    /// anywhere in the message, nothing is over.
    pub(crate) over_ongoing: Vec<Pattern>,
    /// Phrases holding an ongoing word that tell of nothing going on: a
    /// feeling now about what is over ("it still makes me shudder",
    /// 想起来还是很怕), "long since".
    pub(crate) over_not_ongoing: Vec<Pattern>,
    /// Words of long ago ("years ago", 几年前, 旧年): a story told of then
    /// is over without a recovery, in its own clause.
    pub(crate) over_long_ago: Vec<Pattern>,
    /// Words of now ("now", "today", 刚才, 而家): a clause with one is not
    /// of long ago, whatever else it says.
    pub(crate) over_now: Vec<Pattern>,
    /// Others told of ("my neighbour", 朋友): with a past time word, their
    /// story is over in its clause like one of long ago.
    pub(crate) over_others: Vec<Pattern>,
}

impl Shared {
    /// Whether `message` (normalized) holds a past time word and a
    /// recovery at all: the cheap test before any rule looks for where a
    /// symptom is over. The past words go first: there are fewer of them,
    /// and most messages have none.
    pub(crate) fn may_be_over(&self, message: &str) -> bool {
        (self.over_past.iter().any(|p| p.occurs_in(message))
            && self.over_recovered.iter().any(|p| p.occurs_in(message)))
            || self.over_long_ago.iter().any(|p| p.occurs_in(message))
            || (self.over_others.iter().any(|p| p.occurs_in(message))
                && self.over_past.iter().any(|p| p.occurs_in(message)))
    }

    /// Whether a word of the thing going on occurs in `text` outside the
    /// phrases that only sound so ("long since", 还是很怕).
    fn goes_on(&self, text: &str) -> bool {
        let not: Vec<Range<usize>> = spans_of(&self.over_not_ongoing, text).collect();
        spans_of(&self.over_ongoing, text).any(|span| !overlaps_any(&span, &not))
    }

    /// The clauses of `text` told of long ago: each holds a word of long
    /// ago, or of someone else and a past time ("my neighbour, last month"),
    /// and no word of now ("years ago someone stole my purse", not "I
    /// opened it years ago and now there's money gone"). None at all if a
    /// word of the thing going on occurs anywhere in `text` ("it happened
    /// years ago and again today").
    pub(crate) fn long_ago_clauses(&self, text: &str) -> Vec<Range<usize>> {
        if self.goes_on(text) {
            return Vec::new();
        }
        let mut clauses = Vec::new();
        let mut start = 0;
        for (at, c) in text
            .char_indices()
            .filter(|(_, c)| *c == CLAUSE || *c == SENTENCE)
            .chain(std::iter::once((text.len(), CLAUSE)))
        {
            let clause = &text[start..at];
            let of_then = self.over_long_ago.iter().any(|p| p.occurs_in(clause))
                || (self.over_others.iter().any(|p| p.occurs_in(clause))
                    && self.over_past.iter().any(|p| p.occurs_in(clause)));
            if of_then && !self.over_now.iter().any(|p| p.occurs_in(clause)) {
                clauses.push(start..at);
            }
            start = at + c.len_utf8();
        }
        clauses
    }

    /// Where, in `text`, what came before is over: the end of the first
    /// recovery that is not negated ("not better") and has a past time word
    /// somewhere before it, provided no word of the symptom going on occurs
    /// anywhere in `text`. A symptom told after the recovery ("I was fine
    /// yesterday but now I can't breathe") is not before it, so it still
    /// counts.
    pub(crate) fn over_at(&self, text: &str) -> Option<usize> {
        if self.goes_on(text) {
            return None;
        }
        let mut recoveries: Vec<Range<usize>> = spans_of(&self.over_recovered, text).collect();
        recoveries.sort_by_key(|span| (span.start, std::cmp::Reverse(span.end)));
        recoveries
            .into_iter()
            .find(|span| {
                self.over_past
                    .iter()
                    .any(|p| p.occurs_in(&text[..span.start]))
                    && !self.negated_in_its_sentence(text, span)
            })
            .map(|span| span.end)
    }

    /// Whether a negation governs `span` of `text`, within its sentence.
    fn negated_in_its_sentence(&self, text: &str, span: &Range<usize>) -> bool {
        let start = text[..span.start].rfind(SENTENCE).map_or(0, |at| at + 1);
        let end = text[span.end..]
            .find(SENTENCE)
            .map_or(text.len(), |at| span.end + at);
        let negation = Negation {
            shared: self,
            sentence: &text[start..end],
            enabled: true,
        };
        let local = span.start - start..span.end - start;
        negation.negates(&local, std::slice::from_ref(&local))
    }
}

/// How a rule met a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Match {
    /// It matched and nothing negates it.
    Holds,
    /// It matched, but only inside the scope of a negation.
    Negated,
    /// It matched, but only before a recovery: a symptom that is over.
    Over,
    /// It did not match.
    No,
}

impl Rule {
    pub(crate) fn tidy(&mut self) {
        for list in [
            &mut self.exclude,
            &mut self.unless,
            &mut self.phrases,
            &mut self.short_only,
            &mut self.frames,
        ] {
            tidy(list);
        }
        for group in self
            .all_of
            .iter_mut()
            .chain(self.in_order.iter_mut())
            .chain(self.exclude_in_order.iter_mut())
        {
            for element in group {
                tidy(element);
            }
        }
    }

    fn without_exclusions<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let mut text = if self.exclude.is_empty() {
            Cow::Borrowed(text)
        } else {
            Cow::Owned(replace_all(text, &self.exclude, EXCLUDED))
        };
        for sequence in &self.exclude_in_order {
            let mut spans: Vec<Range<usize>> = self
                .in_order_matches(sequence, &text, self.exclude_gap)
                .iter()
                .map(|spans| spans[0].start..spans[spans.len() - 1].end)
                .collect();
            if spans.is_empty() {
                continue;
            }
            spans.sort_by_key(|span| (span.start, std::cmp::Reverse(span.end)));
            let mut out = String::with_capacity(text.len());
            let mut at = 0;
            for span in spans {
                if span.start >= at {
                    out.push_str(&text[at..span.start]);
                    out.push_str(EXCLUDED);
                    at = span.end;
                } else if span.end > at {
                    at = span.end;
                }
            }
            out.push_str(&text[at..]);
            text = Cow::Owned(out);
        }
        text
    }

    /// How this rule meets `message` (normalized); `may_be_over` keeps
    /// [`Shared::may_be_over`] of the message once a rule has needed it.
    ///
    /// A rule marked `over` that holds is over only when it holds on the
    /// text before the recovery alone and not on the text after it: words
    /// of the symptom on both sides of the recovery ("she fell this
    /// morning, she says she's fine but she hit her head") still count.
    pub(crate) fn check(
        &self,
        shared: &Shared,
        message: &str,
        may_be_over: &OnceCell<bool>,
    ) -> Match {
        let text = self.without_exclusions(message);
        let whole = self.check_text(shared, &text);
        if whole != Match::Holds
            || !self.over
            || !*may_be_over.get_or_init(|| shared.may_be_over(message))
        {
            return whole;
        }
        if let Some(cut) = shared.over_at(&text) {
            if self.check_text(shared, &text[cut..]) != Match::Holds
                && self.check_text(shared, &text[..cut]) == Match::Holds
            {
                return Match::Over;
            }
        }
        // A story of long ago ("my sister was conned years ago") is over when
        // the rule holds only in the clauses told of then.
        let long_ago = shared.long_ago_clauses(&text);
        if !long_ago.is_empty() {
            let mut rest = String::with_capacity(text.len());
            let mut at = 0;
            for clause in &long_ago {
                rest.push_str(&text[at..clause.start]);
                at = clause.end;
            }
            rest.push_str(&text[at..]);
            if self.check_text(shared, &rest) != Match::Holds {
                return Match::Over;
            }
        }
        Match::Holds
    }

    fn check_text(&self, shared: &Shared, text: &str) -> Match {
        let mut result = Match::No;
        for sentence in text.split(SENTENCE) {
            if self.unless.iter().any(|p| p.occurs_in(sentence)) {
                continue;
            }
            match self.check_sentence(shared, sentence) {
                Match::Holds => return Match::Holds,
                Match::Negated | Match::Over => result = Match::Negated,
                Match::No => {}
            }
        }
        result
    }

    fn check_sentence(&self, shared: &Shared, sentence: &str) -> Match {
        let negation = Negation {
            shared,
            sentence,
            enabled: self.negatable,
        };
        let mut found = false;
        let holds = |span: &Range<usize>, own: &[Range<usize>]| !negation.negates(span, own);
        for span in spans_of(&self.phrases, sentence) {
            found = true;
            if holds(&span, std::slice::from_ref(&span)) {
                return Match::Holds;
            }
        }
        for group in &self.all_of {
            if let Some(all_hold) = self.all_of_match(group, sentence, &negation) {
                found = true;
                if all_hold {
                    return Match::Holds;
                }
            }
        }
        for sequence in &self.in_order {
            for spans in self.in_order_matches(sequence, sentence, self.gap) {
                found = true;
                let whole = spans[0].start..spans[spans.len() - 1].end;
                if holds(&whole, &spans) && !negation.negates_inside(&spans) {
                    return Match::Holds;
                }
            }
        }
        if self.short_only.iter().any(|p| p.occurs_in(sentence)) {
            for span in self.triggers_after_frames(shared, sentence) {
                found = true;
                if holds(&span, std::slice::from_ref(&span)) {
                    return Match::Holds;
                }
            }
            // A clause on its own counts too: "not a bot, a person".
            if self.only_trigger_and_filler(shared, sentence)
                || sentence
                    .split(CLAUSE)
                    .any(|clause| self.only_trigger_and_filler(shared, clause))
            {
                return Match::Holds;
            }
        }
        if found {
            Match::Negated
        } else {
            Match::No
        }
    }

    /// `None` when some word of the group is missing; otherwise whether every
    /// word occurs at least once outside a negation.
    fn all_of_match(
        &self,
        group: &[Element],
        sentence: &str,
        negation: &Negation<'_>,
    ) -> Option<bool> {
        // Cheap test first: most groups miss a word, and then no span is
        // needed.
        if !group
            .iter()
            .all(|element| element.iter().any(|p| p.occurs_in(sentence)))
        {
            return None;
        }
        let spans: Vec<Vec<Range<usize>>> = group
            .iter()
            .map(|element| spans_of(element, sentence).collect())
            .collect();
        let own: Vec<Range<usize>> = spans.iter().flatten().cloned().collect();
        Some(
            spans
                .iter()
                .all(|element| element.iter().any(|span| !negation.negates(span, &own))),
        )
    }

    /// Every way the sequence occurs in order in one clause, each word within
    /// `gap` words of the one before.
    fn in_order_matches(
        &self,
        sequence: &[Element],
        sentence: &str,
        gap: usize,
    ) -> Vec<Vec<Range<usize>>> {
        if !sequence
            .iter()
            .all(|element| element.iter().any(|p| p.occurs_in(sentence)))
        {
            return Vec::new();
        }
        let mut partial: Vec<Vec<Range<usize>>> = spans_of(&sequence[0], sentence)
            .map(|span| vec![span])
            .collect();
        for element in &sequence[1..] {
            if partial.is_empty() {
                break;
            }
            let next: Vec<Range<usize>> = spans_of(element, sentence).collect();
            partial = partial
                .into_iter()
                .flat_map(|spans| {
                    let end = spans[spans.len() - 1].end;
                    next.iter()
                        .filter(move |span| {
                            span.start >= end && {
                                let between = &sentence[end..span.start];
                                !crosses_boundary(between)
                                    && !between.contains(EXCLUDED)
                                    && units(between) <= gap
                            }
                        })
                        .map(move |span| {
                            let mut spans = spans.clone();
                            spans.push(span.clone());
                            spans
                        })
                        .collect::<Vec<_>>()
                })
                .collect();
        }
        partial
    }

    /// Spans from a frame to a `short_only` trigger that follows it, with at
    /// most `max_gap` gap words between them.
    fn triggers_after_frames(&self, shared: &Shared, text: &str) -> Vec<Range<usize>> {
        let mut found = Vec::new();
        for frame in &self.frames {
            for start in frame.positions(text) {
                let mut at = start + frame.text.len();
                for _ in 0..=shared.max_gap {
                    at = skip_spaces(text, at);
                    if let Some(trigger) = self.short_only.iter().find(|t| t.matches_at(text, at)) {
                        found.push(start..at + trigger.text.len());
                        break;
                    }
                    match shared.frame_gap.iter().find(|g| g.matches_at(text, at)) {
                        Some(gap) => at += gap.text.len(),
                        None => break,
                    }
                }
            }
        }
        found
    }

    /// Whether nothing but triggers and filler words is left in the
    /// sentence.
    ///
    /// Each trigger is taken out first on its own, then the others: in
    /// "有没有人工" the trigger 人工 must win over the overlapping 有没有人.
    fn only_trigger_and_filler(&self, shared: &Shared, text: &str) -> bool {
        let text = text.replace(CLAUSE, " ");
        self.short_only.iter().any(|trigger| {
            trigger.occurs_in(&text) && {
                let rest = replace_all(&text, std::slice::from_ref(trigger), " ");
                let rest = replace_all(&rest, &self.short_only, " ");
                replace_all(&rest, &shared.filler, " ").trim().is_empty()
            }
        })
    }
}

/// The negations of one sentence.
struct Negation<'a> {
    shared: &'a Shared,
    sentence: &'a str,
    enabled: bool,
}

impl Negation<'_> {
    /// Whether a negation word governs `span`: one shortly before it in the
    /// same clause, or a "not needed" shortly after it. Negation words inside
    /// the rule's own matches (`own`: "didn't make" in "a charge I didn't
    /// make") and inside look-alikes ("是不是", "not sure") do not count.
    fn negates(&self, span: &Range<usize>, own: &[Range<usize>]) -> bool {
        if !self.enabled {
            return false;
        }
        let text = self.sentence;
        let clause_start = text[..span.start].rfind(CLAUSE).map_or(0, |at| at + 1);
        let clause_end = text[span.end..]
            .find(CLAUSE)
            .map_or(text.len(), |at| span.end + at);
        let pseudo: Vec<Range<usize>> = spans_of(&self.shared.not_negation, text).collect();
        let counts = |neg: &Range<usize>| {
            !overlaps_any(neg, &pseudo) && !overlaps_any(neg, own) && !overlaps(neg, span)
        };
        // A phrase that is itself negative ("never heard of", "didnt order")
        // is not undone by a negation before it: "I never joined and never
        // heard of it" says the same thing twice.
        let itself_negative = spans_of(&self.shared.negators, &text[span.clone()])
            .any(|r| r.start == 0 && units(&text[span.start + r.end..span.end]) > 0);
        let before = !itself_negative
            && spans_of(&self.shared.negators, &text[clause_start..span.start])
                .map(|r| clause_start + r.start..clause_start + r.end)
                .filter(counts)
                .any(|neg| {
                    let between = &text[neg.end..span.start];
                    units(between) <= self.shared.scope
                        && !self.shared.scope_end.iter().any(|p| p.occurs_in(between))
                        && !between.contains(EXCLUDED)
                });
        before
            || spans_of(&self.shared.after_negators, &text[span.end..clause_end])
                .map(|r| span.end + r.start..span.end + r.end)
                .filter(counts)
                .any(|neg| units(&text[span.end..neg.start]) <= self.shared.scope)
    }
}

impl Negation<'_> {
    /// Whether a negation word stands between two words of an `in_order`
    /// match: "我的卡没有被别人刷过", "胸口不痛" negate what the words
    /// say together, though nothing stands before the first of them.
    fn negates_inside(&self, spans: &[Range<usize>]) -> bool {
        if !self.enabled {
            return false;
        }
        let text = self.sentence;
        let pseudo: Vec<Range<usize>> = spans_of(&self.shared.not_negation, text).collect();
        spans.windows(2).any(|pair| {
            let gap = pair[0].end..pair[1].start;
            spans_of(&self.shared.negators, &text[gap.clone()])
                .map(|r| gap.start + r.start..gap.start + r.end)
                .any(|neg| !overlaps_any(&neg, &pseudo) && !overlaps_any(&neg, spans))
        })
    }
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

fn overlaps_any(a: &Range<usize>, others: &[Range<usize>]) -> bool {
    others.iter().any(|b| overlaps(a, b))
}
