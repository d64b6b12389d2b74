//! The phrase data file: its layout and how it compiles into rules.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;
use toml::Spanned;

use super::normalize::{normalize_with, Spoken};
use super::pattern::{tidy, Pattern};
use super::rules::{Element, Rule, Shared};
use super::{Outcome, PersonReason, PhraseSetError, UrgentTopic};

type Entries = Vec<Spanned<String>>;

/// Deepest nesting of `@concept` references (a concept naming another).
const MAX_CONCEPT_DEPTH: usize = 4;
/// Most spoken forms one `homophones` entry may stand for.
const MAX_HOMOPHONE_FORMS: usize = 200;

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct Data {
    pub(crate) matching: MatchingData,
    pub(crate) variants: FoldData,
    pub(crate) spoken: SpokenData,
    pub(crate) negation: NegationData,
    pub(crate) over: OverData,
    pub(crate) concepts: BTreeMap<String, Entries>,
    pub(crate) rule: Vec<Spanned<RuleData>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct MatchingData {
    pub(crate) max_gap: Option<usize>,
    pub(crate) frame_gap: Entries,
    pub(crate) filler: Entries,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct FoldData {
    pub(crate) pairs: Entries,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct SpokenData {
    pub(crate) pairs: Vec<Spanned<Vec<String>>>,
    pub(crate) homophones: Vec<Spanned<Vec<String>>>,
    pub(crate) fuzzy: Entries,
    pub(crate) quoted_starts: Entries,
    pub(crate) quoted_not_after: Entries,
    pub(crate) quoted_as: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct NegationData {
    pub(crate) scope: Option<usize>,
    pub(crate) before: Entries,
    pub(crate) after: Entries,
    pub(crate) not_negation: Entries,
    pub(crate) scope_end: Entries,
}

/// What tells that a symptom is over: a past time, then a recovery, and no
/// word of it going on (see `[over]` in `data/handoff-phrases.toml`).
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct OverData {
    pub(crate) past: Entries,
    pub(crate) recovered: Entries,
    pub(crate) ongoing: Entries,
    pub(crate) not_ongoing: Entries,
    pub(crate) long_ago: Entries,
    pub(crate) now: Entries,
    pub(crate) others: Entries,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleData {
    name: String,
    intent: IntentKind,
    #[serde(default)]
    topic: Option<TopicName>,
    #[serde(default)]
    reason: Option<ReasonName>,
    #[serde(default)]
    exclude: Entries,
    #[serde(default)]
    exclude_in_order: Vec<Spanned<Entries>>,
    #[serde(default)]
    unless: Entries,
    #[serde(default)]
    phrases: Entries,
    #[serde(default)]
    all_of: Vec<Spanned<Entries>>,
    #[serde(default)]
    in_order: Vec<Spanned<Entries>>,
    #[serde(default)]
    gap: Option<usize>,
    #[serde(default)]
    exclude_gap: Option<usize>,
    #[serde(default)]
    short_only: Entries,
    #[serde(default)]
    frames: Entries,
    #[serde(default = "yes")]
    negatable: bool,
    #[serde(default)]
    over: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum IntentKind {
    Person,
    Urgent,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum TopicName {
    Fraud,
    StolenMoney,
    UnauthorizedCharge,
    Medical,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum ReasonName {
    Asked,
    Complaint,
}

pub(crate) fn parse(source: &str) -> Result<Data, PhraseSetError> {
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

fn line_of<T>(source: &str, entry: &Spanned<T>) -> usize {
    let offset = entry.span().start;
    LINE_STARTS
        .with(|indexes| {
            indexes
                .borrow()
                .iter()
                .find(|index| index.is_for(source))
                .map(|index| index.line_at(offset))
        })
        .unwrap_or_else(|| line_and_column(source, offset).0)
}

/// Where each line of one source starts, for the line numbers every rule
/// and entry carries: counting newlines from the top for each of thousands
/// of entries made compiling the built-in data quadratic.
struct LineStarts {
    text: *const u8,
    len: usize,
    newlines: Vec<usize>,
}

impl LineStarts {
    fn new(source: &str) -> Self {
        Self {
            text: source.as_ptr(),
            len: source.len(),
            newlines: source.match_indices('\n').map(|(at, _)| at).collect(),
        }
    }

    fn is_for(&self, source: &str) -> bool {
        std::ptr::eq(self.text, source.as_ptr()) && self.len == source.len()
    }

    fn line_at(&self, offset: usize) -> usize {
        self.newlines.partition_point(|&at| at < offset) + 1
    }
}

thread_local! {
    /// The indexes of the sources being compiled on this thread.
    static LINE_STARTS: std::cell::RefCell<Vec<LineStarts>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Installs the sources' line indexes for as long as it lives: during
/// [`compile`], while the sources are borrowed, so an address cannot be
/// taken over by another text meanwhile.
struct IndexedSources;

impl IndexedSources {
    fn install(sources: &[(&str, Data)]) -> Self {
        LINE_STARTS.with(|indexes| {
            *indexes.borrow_mut() = sources.iter().map(|(s, _)| LineStarts::new(s)).collect();
        });
        Self
    }
}

impl Drop for IndexedSources {
    fn drop(&mut self) {
        LINE_STARTS.with(|indexes| indexes.borrow_mut().clear());
    }
}

pub(crate) fn fold_pairs(
    source: &str,
    pairs: &Entries,
) -> Result<HashMap<char, char>, PhraseSetError> {
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

/// Everything compiled from one or more sources.
pub(crate) struct Compiled {
    pub(crate) fold: HashMap<char, char>,
    pub(crate) spoken: Spoken,
    pub(crate) shared: Shared,
    pub(crate) rules: Vec<Rule>,
}

/// Compiles sources in order: later ones add to the lists of earlier ones.
pub(crate) fn compile(sources: &[(&str, Data)]) -> Result<Compiled, PhraseSetError> {
    let _lines = IndexedSources::install(sources);
    let mut fold = HashMap::new();
    for (source, data) in sources {
        fold.extend(fold_pairs(source, &data.variants.pairs)?);
    }
    let spoken = spoken_forms(sources, &fold)?;

    let mut concepts: BTreeMap<String, Vec<(usize, Spanned<String>)>> = BTreeMap::new();
    for (index, (_, data)) in sources.iter().enumerate() {
        for (name, entries) in &data.concepts {
            concepts
                .entry(name.clone())
                .or_default()
                .extend(entries.iter().map(|e| (index, e.clone())));
        }
    }

    let mut compiled = Compiled {
        fold,
        spoken,
        shared: Shared::default(),
        rules: Vec::new(),
    };
    for (index, (source, data)) in sources.iter().enumerate() {
        let compiler = Compiler {
            sources,
            index,
            source,
            fold: &compiled.fold,
            spoken: &compiled.spoken,
            concepts: &concepts,
        };
        let shared = &mut compiled.shared;
        if let Some(max_gap) = data.matching.max_gap {
            shared.max_gap = max_gap;
        }
        if let Some(scope) = data.negation.scope {
            shared.scope = scope;
        }
        compiler.extend(&mut shared.filler, &data.matching.filler)?;
        compiler.extend(&mut shared.frame_gap, &data.matching.frame_gap)?;
        compiler.extend(&mut shared.negators, &data.negation.before)?;
        compiler.extend(&mut shared.after_negators, &data.negation.after)?;
        compiler.extend(&mut shared.not_negation, &data.negation.not_negation)?;
        compiler.extend(&mut shared.scope_end, &data.negation.scope_end)?;
        compiler.extend(&mut shared.over_past, &data.over.past)?;
        compiler.extend(&mut shared.over_recovered, &data.over.recovered)?;
        compiler.extend(&mut shared.over_ongoing, &data.over.ongoing)?;
        compiler.extend(&mut shared.over_not_ongoing, &data.over.not_ongoing)?;
        compiler.extend(&mut shared.over_long_ago, &data.over.long_ago)?;
        compiler.extend(&mut shared.over_now, &data.over.now)?;
        compiler.extend(&mut shared.over_others, &data.over.others)?;
        for rule in &data.rule {
            let line = line_of(source, rule);
            let rule = compiler.rule(rule.get_ref(), line)?;
            if compiled.rules.iter().any(|r| r.name == rule.name) {
                return Err(PhraseSetError::DuplicateRule {
                    line,
                    name: rule.name,
                });
            }
            compiled.rules.push(rule);
        }
    }
    let shared = &mut compiled.shared;
    for list in [
        &mut shared.filler,
        &mut shared.frame_gap,
        &mut shared.negators,
        &mut shared.after_negators,
        &mut shared.not_negation,
        &mut shared.scope_end,
        &mut shared.over_past,
        &mut shared.over_recovered,
        &mut shared.over_ongoing,
        &mut shared.over_not_ongoing,
        &mut shared.over_long_ago,
        &mut shared.over_now,
        &mut shared.over_others,
    ] {
        tidy(list);
    }
    for rule in &mut compiled.rules {
        rule.tidy();
    }
    Ok(compiled)
}

/// The spoken forms of all sources, normalized without themselves.
fn spoken_forms(
    sources: &[(&str, Data)],
    fold: &HashMap<char, char>,
) -> Result<Spoken, PhraseSetError> {
    let plain = Spoken::default();
    let mut spoken = Spoken::default();
    for (source, data) in sources {
        for entry in &data.spoken.fuzzy {
            let word = normalize_with(entry.get_ref(), fold, &plain);
            if word.is_empty() || word.contains(' ') || !word.is_ascii() {
                return Err(PhraseSetError::BadSpokenForm {
                    line: line_of(source, entry),
                });
            }
            spoken.fuzzy.push(word);
        }
        for (entries, into) in [
            (&data.spoken.quoted_starts, &mut spoken.quoted_starts),
            (&data.spoken.quoted_not_after, &mut spoken.quoted_not_after),
        ] {
            for entry in entries {
                let word = normalize_with(entry.get_ref(), fold, &plain);
                if word.is_empty() || word.contains(' ') || !word.is_ascii() {
                    return Err(PhraseSetError::BadSpokenForm {
                        line: line_of(source, entry),
                    });
                }
                into.push(word);
            }
        }
        if let Some(quoted_as) = &data.spoken.quoted_as {
            let words = normalize_with(quoted_as.get_ref(), fold, &plain);
            if words.is_empty() || !words.is_ascii() {
                return Err(PhraseSetError::BadSpokenForm {
                    line: line_of(source, quoted_as),
                });
            }
            spoken.quoted_as = words;
        }
        let bad = |entry: &Spanned<Vec<String>>| PhraseSetError::BadSpokenForm {
            line: line_of(source, entry),
        };
        for pair in &data.spoken.pairs {
            let [heard, meant] = &pair.get_ref()[..] else {
                return Err(bad(pair));
            };
            spoken.pairs.push((heard.clone(), meant.clone()));
        }
        // ["人工", "人仁", "工公共"]: every way of writing 人工 with
        // characters that sound like its own.
        for entry in &data.spoken.homophones {
            let [word, sounds @ ..] = &entry.get_ref()[..] else {
                return Err(bad(entry));
            };
            if sounds.len() != word.chars().count() || sounds.is_empty() {
                return Err(bad(entry));
            }
            let mut forms = vec![String::new()];
            for (own, alike) in word.chars().zip(sounds) {
                let alike: Vec<char> = std::iter::once(own)
                    .chain(alike.chars().filter(|c| *c != own))
                    .collect();
                forms = forms
                    .iter()
                    .flat_map(|form| alike.iter().map(move |c| format!("{form}{c}")))
                    .collect();
                if forms.len() > MAX_HOMOPHONE_FORMS {
                    return Err(bad(entry));
                }
            }
            spoken.pairs.extend(
                forms
                    .into_iter()
                    .filter(|form| form != word)
                    .map(|form| (form, word.clone())),
            );
        }
    }
    let mut pairs = Vec::new();
    for (heard, meant) in spoken.pairs {
        let heard = normalize_with(&heard, fold, &plain);
        let meant = normalize_with(&meant, fold, &plain);
        if heard.is_empty() || meant.is_empty() {
            return Err(PhraseSetError::BadSpokenForm { line: 1 });
        }
        pairs.push((heard, meant));
    }
    // Longest first, so that a longer slip wins over one inside it.
    pairs.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.cmp(b)));
    pairs.dedup();
    spoken.pairs = pairs;
    Ok(spoken)
}

/// Normalizes the entries of one source, expanding `@concept` references.
struct Compiler<'a> {
    sources: &'a [(&'a str, Data)],
    index: usize,
    source: &'a str,
    fold: &'a HashMap<char, char>,
    spoken: &'a Spoken,
    concepts: &'a BTreeMap<String, Vec<(usize, Spanned<String>)>>,
}

impl Compiler<'_> {
    fn patterns(
        &self,
        source_index: usize,
        entry: &Spanned<String>,
        depth: usize,
        into: &mut Vec<Pattern>,
    ) -> Result<(), PhraseSetError> {
        let source = self.sources.get(source_index).map_or(self.source, |s| s.0);
        let line = line_of(source, entry);
        let text = entry.get_ref();
        if let Some(name) = text.strip_prefix('@') {
            let Some(members) = self.concepts.get(name) else {
                return Err(PhraseSetError::UnknownConcept {
                    line,
                    name: name.to_owned(),
                });
            };
            if depth >= MAX_CONCEPT_DEPTH {
                return Err(PhraseSetError::ConceptTooDeep {
                    line,
                    name: name.to_owned(),
                });
            }
            for (index, member) in members {
                self.patterns(*index, member, depth + 1, into)?;
            }
            return Ok(());
        }
        let normalized = normalize_with(text, self.fold, self.spoken);
        if normalized.is_empty() {
            return Err(PhraseSetError::EmptyPhrase {
                line,
                phrase: text.clone(),
            });
        }
        into.push(Pattern::new(normalized));
        Ok(())
    }

    fn extend(&self, into: &mut Vec<Pattern>, entries: &Entries) -> Result<(), PhraseSetError> {
        for entry in entries {
            self.patterns(self.index, entry, 0, into)?;
        }
        Ok(())
    }

    fn elements(&self, group: &Spanned<Entries>) -> Result<Vec<Element>, PhraseSetError> {
        if group.get_ref().is_empty() {
            return Err(PhraseSetError::EmptyGroup {
                line: line_of(self.source, group),
            });
        }
        group
            .get_ref()
            .iter()
            .map(|entry| {
                let mut element = Vec::new();
                self.patterns(self.index, entry, 0, &mut element)?;
                Ok(element)
            })
            .collect()
    }

    fn rule(&self, data: &RuleData, line: usize) -> Result<Rule, PhraseSetError> {
        let outcome = match (data.intent, data.topic) {
            (IntentKind::Person, None) => Outcome::Person(match data.reason {
                Some(ReasonName::Complaint) => PersonReason::Complaint,
                Some(ReasonName::Asked) | None => PersonReason::Asked,
            }),
            (IntentKind::Urgent, Some(topic)) if data.reason.is_none() => {
                Outcome::Urgent(match topic {
                    TopicName::Fraud => UrgentTopic::Fraud,
                    TopicName::StolenMoney => UrgentTopic::StolenMoney,
                    TopicName::UnauthorizedCharge => UrgentTopic::UnauthorizedCharge,
                    TopicName::Medical => UrgentTopic::Medical,
                })
            }
            _ => {
                return Err(PhraseSetError::BadRule {
                    line,
                    name: data.name.clone(),
                })
            }
        };
        let mut rule = Rule {
            name: data.name.clone(),
            outcome,
            exclude: Vec::new(),
            exclude_in_order: Vec::new(),
            exclude_gap: data.exclude_gap.or(data.gap).unwrap_or(2),
            unless: Vec::new(),
            phrases: Vec::new(),
            all_of: Vec::new(),
            in_order: Vec::new(),
            gap: data.gap.unwrap_or(2),
            short_only: Vec::new(),
            frames: Vec::new(),
            negatable: data.negatable,
            over: data.over,
        };
        self.extend(&mut rule.exclude, &data.exclude)?;
        self.extend(&mut rule.unless, &data.unless)?;
        self.extend(&mut rule.phrases, &data.phrases)?;
        self.extend(&mut rule.short_only, &data.short_only)?;
        self.extend(&mut rule.frames, &data.frames)?;
        for group in &data.all_of {
            rule.all_of.push(self.elements(group)?);
        }
        for group in &data.in_order {
            rule.in_order.push(self.elements(group)?);
        }
        for group in &data.exclude_in_order {
            rule.exclude_in_order.push(self.elements(group)?);
        }
        Ok(rule)
    }
}
