//! A project's naming conventions learnt from its done documents (issue
//! 22, point 3): the word a project's names start with, which the base
//! data leaves outside them.
//!
//! Why: ANERcorp, which both tiers learnt from, leaves a name's head noun
//! outside it (`حكومة` O before `الوفاق` ORG; `حركة` O before `حماس` ORG,
//! 24 + 13 times in its training part), while a project may mark the whole
//! name (the Libya 2017 benchmark's annotators mark `حكومة الوفاق`,
//! `اتفاق الصخيرات`, `قصر قرطاج`). The memory proposes the names marked,
//! never the next name of the same shape; a learnt *cue* does: after one
//! done document with `حكومة الوفاق` as ORG, `حكومة طرابلس` is proposed as
//! ORG where the tiers propose `طرابلس` alone.
//!
//! What is learnt, from each remembered entity of two words or more (not
//! `DATE`): its first word's lookup key (normalised, proclitics already
//! outside the entity, the article kept: `الحكومة` is not `حكومة`) with
//! the entity's label and its number of further words. Keys that are
//! function words (`في`) or known given names (`عبد`, `خليفة`: parts of names, the
//! memory's and the model's business) teach nothing; a key given two
//! labels keeps the one given most (ties: none).
//!
//! Where it proposes ([`Conventions::propose`]): a word of the new text
//! whose key (under any proclitic reading) is a cue, followed at once by a
//! proposal that starts on the next word (the name: `حكومة` + `طرابلس`)
//! → the cue's label over both; or, when a cue was learnt with one further
//! word, followed by a definite word no proposal covers (`حكومة` +
//! `الإنقاذ`) → the cue's label over the two. Not before an adjective
//! (`الجيش الليبي`, `الحرس الشخصي`: the head qualified, no name). A `PER` cue (a title the
//! project keeps inside names: `الشيخ`) only takes a person. Source [`Source::Memory`]
//! (it is the annotator's decision), confidence [`CUE_CONFIDENCE`]. The
//! guidelines mark the longest name and proposals do not nest, so
//! [`Conventions::apply`] drops what a cue's proposal covers after its
//! head (`طرابلس`, even remembered, inside `حكومة طرابلس`).

use std::collections::HashMap;

use crate::annotation::{Proposal, Source};

use super::gazetteer::Gazetteer;
use super::words::Words;

/// Confidence of a proposal made by a learnt cue: below a remembered
/// name's (0.95: exactly what a person marked), above the model's
/// typical uncertain span.
pub const CUE_CONFIDENCE: f32 = 0.8;

/// Words that start a phrase, never a name (normalised): a span marked
/// from one of them is a slip, not a convention. (The gazetteers' common
/// words are no guide here: they hold `حكومه` and `مجلس`, the very heads
/// a project's names may start with.)
#[rustfmt::skip]
const FUNCTION_WORDS: &[&str] = &[
    "في", "من", "علي", "الي", "عن", "مع", "بين", "بعد", "قبل", "حول", "عند", "منذ", "خلال",
    "ضد", "نحو", "لدي", "حتي", "هذا", "هذه", "ذلك", "تلك", "التي", "الذي", "الذين", "قد",
    "كما", "ان", "لا", "لم", "لن", "ما", "او", "ثم", "كل", "بعض", "غير", "دون", "عبر",
    // Particles of person names (`assets/gazetteer/per_names.txt` drops
    // them): `عبد الحكيم` teaches nothing about the next `عبد`.
    "عبد", "ابو", "ابي", "ابن", "بن", "بنت", "ام",
];

/// What one cue was learnt as.
#[derive(Debug, Clone, Default)]
struct Cue {
    /// Entities starting with it, by label.
    labels: HashMap<String, u32>,
    /// How many of them had exactly one further word.
    one_more: u32,
}

/// The cues learnt so far, and optionally a shared set learnt elsewhere
/// less some entities (`kashif propose`: every saved document's, less the
/// document's own: [`Conventions::shared_less`]). Cheap to clone for a
/// few hundred cues of its own.
#[derive(Debug, Clone, Default)]
pub struct Conventions {
    cues: HashMap<String, Cue>,
    shared: Option<std::sync::Arc<Conventions>>,
    less: HashMap<String, Cue>,
}

/// The cue key and whether one word follows, of an entity that can teach
/// one (see the module's documentation).
fn cue_of(text: &str, label: &str) -> Option<(String, bool)> {
    if label == "DATE" {
        return None;
    }
    let words = Words::from_text(text);
    let ws: Vec<_> = words.words.iter().filter(|w| w.is_word()).collect();
    let [first, rest @ ..] = ws.as_slice() else {
        return None;
    };
    let key = first.norm.clone();
    (!rest.is_empty()
        && key.chars().count() >= 3
        && !FUNCTION_WORDS.contains(&key.as_str())
        && !Gazetteer::given_names().contains(&key))
    .then_some((key, rest.len() == 1))
}

fn add_to(cues: &mut HashMap<String, Cue>, text: &str, label: &str) {
    if let Some((key, one_more)) = cue_of(text, label) {
        let cue = cues.entry(key).or_default();
        *cue.labels.entry(label.to_string()).or_default() += 1;
        cue.one_more += u32::from(one_more);
    }
}

impl Conventions {
    /// Whether an entity remembered with this memory confidence
    /// ([`crate::annotation::Span::memory_confidence`]) teaches its head:
    /// one the annotator decided on does, one accepted in bulk (the
    /// model's guess, below [`crate::annotation::DECIDED_CONFIDENCE`])
    /// does not. The one rule for the workbench's proposer and `kashif
    /// propose`'s recall.
    pub fn teaches(confidence: f32) -> bool {
        confidence >= crate::annotation::DECIDED_CONFIDENCE
    }

    /// Learns from one entity the annotator decided on: its text (as
    /// marked, no proclitic) and label.
    pub fn learn(&mut self, text: &str, label: &str) {
        add_to(&mut self.cues, text, label);
    }

    /// `shared` (learnt once from every saved document) less the entities
    /// `own` (text, label) it was also learnt from: what one document may
    /// use without its own gold, at the cost of its own entities only.
    pub fn shared_less<'a>(
        shared: std::sync::Arc<Conventions>,
        own: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Conventions {
        let mut less = HashMap::new();
        for (text, label) in own {
            add_to(&mut less, text, label);
        }
        Conventions {
            cues: HashMap::new(),
            shared: Some(shared),
            less,
        }
    }

    /// Cues learnt here (keys with at least one entity; a shared set's
    /// not counted).
    pub fn len(&self) -> usize {
        self.cues.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cues.is_empty() && self.shared.as_ref().is_none_or(|s| s.cues.is_empty())
    }

    /// The label the cue `key` proposes, the one most of its entities had
    /// (`None` on a tie or when it has none), and whether one of them had
    /// one further word.
    fn cue(&self, key: &str) -> Option<(String, bool)> {
        let sources = [
            (self.shared.as_ref().and_then(|s| s.cues.get(key)), 1i64),
            (self.cues.get(key), 1),
            (self.less.get(key), -1),
        ];
        if sources[0].0.is_none() && sources[1].0.is_none() {
            return None;
        }
        let mut labels: HashMap<&str, i64> = HashMap::new();
        let mut one_more = 0i64;
        for (cue, sign) in sources {
            if let Some(cue) = cue {
                for (l, n) in &cue.labels {
                    *labels.entry(l.as_str()).or_default() += sign * i64::from(*n);
                }
                one_more += sign * i64::from(cue.one_more);
            }
        }
        let best = labels.values().copied().max().filter(|&n| n > 0)?;
        let mut top = labels.iter().filter(|(_, n)| **n == best);
        let (label, _) = top.next()?;
        top.next()
            .is_none()
            .then(|| (label.to_string(), one_more > 0))
    }

    /// Adds the cues' proposals ([`Self::propose`]) to `all` and drops the
    /// proposals they hold after their head: the longest name is the one
    /// marked.
    pub fn apply(&self, words: &Words, all: &mut Vec<Proposal>) {
        let cued = self.propose(words, all);
        if cued.is_empty() {
            return;
        }
        all.retain(|p| !cued.iter().any(|c| c.start < p.start && p.end <= c.end));
        all.extend(cued);
    }

    /// Proposals the cues make in a text split into `words`, given the
    /// proposals `others` already made there (see the module's
    /// documentation). Offsets are chars of that text.
    pub fn propose(&self, words: &Words, others: &[Proposal]) -> Vec<Proposal> {
        let mut out = Vec::new();
        if self.is_empty() {
            return out;
        }
        // The longest proposal starting at each char offset: the name
        // after a cue.
        let mut starting: HashMap<usize, &Proposal> = HashMap::new();
        for p in others.iter().filter(|p| p.label != "DATE") {
            let e = starting.entry(p.start).or_insert(p);
            if p.end > e.end {
                *e = p;
            }
        }
        let covered =
            |start: usize, end: usize| others.iter().any(|p| p.start < end && start < p.end);
        let ws = &words.words;
        for i in 0..ws.len().saturating_sub(1) {
            let w = &ws[i];
            if !w.is_word() {
                continue;
            }
            let Some((split, (label, one_more))) = w
                .splits
                .iter()
                .find_map(|s| self.cue(&w.key(s)).map(|c| (s, c)))
            else {
                continue;
            };
            let label = label.as_str();
            let next = &ws[i + 1];
            // An adjective after the head qualifies it (`الجيش الليبي`,
            // `الحرس الشخصي`): no name follows.
            if !next.is_word() || super::rules::adjective_like(next) {
                continue;
            }
            let last = if let Some(p) = starting.get(&next.start) {
                // The name after the cue, to its last word. A person's cue
                // (a title the project keeps: `الشيخ`) takes only a person.
                if label == "PER" && p.label != "PER" {
                    continue;
                }
                // Words are in text order: the last one starting before
                // the proposal's end.
                match ws.partition_point(|x| x.start < p.end).checked_sub(1) {
                    Some(last) if last > i => last,
                    _ => continue,
                }
            } else if one_more
                && label != "PER"
                && next.splits.iter().any(|s| s.is_whole() && s.article)
                && !Gazetteer::builtin().is_common(&next.norm)
                && !covered(next.start, next.end)
            {
                i + 1
            } else {
                continue;
            };
            out.push(words.proposal(
                i,
                split.entity_start,
                last,
                label,
                CUE_CONFIDENCE,
                Source::Memory,
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proposal(words: &Words, first: usize, last: usize, label: &str) -> Proposal {
        words.proposal(first, 0, last, label, 0.9, Source::Model)
    }

    /// One done `حكومة الوفاق` ORG: `لحكومة طرابلس` (the model's LOC after
    /// it) and `حكومة الإنقاذ` (nothing proposed) become ORG; `حكومة
    /// جديدة` (no name after it) and `الحكومة` (another key) do not.
    #[test]
    fn a_learnt_head_takes_the_name_after_it() {
        let mut c = Conventions::default();
        c.learn("حكومة الوفاق", "ORG");
        assert_eq!(c.len(), 1);
        let text =
            "دعم لحكومة طرابلس و حكومة الإنقاذ و حكومة جديدة و الحكومة الليبية و حكومة الليبية";
        let words = Words::from_text(text);
        let loc = proposal(&words, 2, 2, "LOC");
        assert_eq!(loc.text, "طرابلس");
        let got = c.propose(&words, &[loc]);
        let texts: Vec<(&str, &str, Source)> = got
            .iter()
            .map(|p| (p.text.as_str(), p.label.as_str(), p.source))
            .collect();
        assert_eq!(
            texts,
            [
                ("حكومة طرابلس", "ORG", Source::Memory),
                ("حكومة الإنقاذ", "ORG", Source::Memory)
            ]
        );
    }

    /// Single words, dates, common words and given names teach nothing; a
    /// tie between two labels proposes nothing.
    #[test]
    fn names_parts_and_ties_teach_nothing() {
        let mut c = Conventions::default();
        c.learn("طرابلس", "LOC");
        c.learn("يوم الخميس", "DATE");
        c.learn("عبد الحكيم بالحاج", "PER");
        c.learn("في الوقت", "MISC");
        assert!(c.is_empty(), "{c:?}");
        c.learn("قصر قرطاج", "LOC");
        c.learn("قصر باكنغهام", "ORG");
        let words = Words::from_text("قصر الكرملين");
        assert!(c.propose(&words, &[]).is_empty());
        c.learn("قصر الضيافة", "LOC");
        let got = c.propose(&words, &[]);
        assert_eq!(got.len(), 1);
        assert_eq!(
            (got[0].text.as_str(), got[0].label.as_str()),
            ("قصر الكرملين", "LOC")
        );
    }
}
