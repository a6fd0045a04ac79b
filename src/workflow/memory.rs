//! Learning from the annotator without a trained model: every entity of a
//! document marked done is remembered as a gold string, and proposed from
//! then on wherever it occurs as whole words. Wraps any other proposer, so
//! the model branch's proposer slots in underneath (or replaces this, being
//! a `Proposer` + `Learner` itself) with one line in the binary.

use std::collections::BTreeMap;
use std::sync::RwLock;

use crate::annotation::{Proposal, Source, Span};
use crate::arabic::normalize;
use crate::text::slice_chars;

use super::learning::{Learner, RetrainError};
use super::proposals::Proposer;
use super::search::whole_word_occurrences;
use super::words::WordEdges;
use crate::propose::train::TrainControl;

/// Confidence of a remembered string: a person already said so.
pub const MEMORY_CONFIDENCE: f32 = crate::annotation::DECIDED_CONFIDENCE;

/// Confidence of a spelling variant of a confirmed name (see
/// [`super::names`]): below the bulk-accept threshold of 0.8 the UI offers,
/// so variants are looked at one by one.
pub const VARIANT_CONFIDENCE: f32 = 0.75;

/// A proposer that also learns gold strings.
pub struct LearningProposer<P> {
    base: P,
    /// Normalised text → (text as first seen, label). The first label
    /// remembered for a text stays.
    memory: RwLock<BTreeMap<String, (String, String)>>,
}

impl<P: Proposer> LearningProposer<P> {
    pub fn new(base: P) -> LearningProposer<P> {
        LearningProposer {
            base,
            memory: RwLock::new(BTreeMap::new()),
        }
    }

    /// How many gold strings are remembered.
    pub fn remembered(&self) -> usize {
        self.memory.read().map_or(0, |m| m.len())
    }
}

impl<P: Proposer> Proposer for LearningProposer<P> {
    fn propose(&self, doc_id: &str, text: &str) -> Vec<Proposal> {
        let mut out = self.base.propose(doc_id, text);
        let memory: Vec<(String, String)> = match self.memory.read() {
            Ok(m) => m.values().cloned().collect(),
            Err(_) => Vec::new(),
        };
        if memory.is_empty() {
            return out;
        }
        let words = WordEdges::new(text);
        for (gold, label) in memory {
            for (start, end) in whole_word_occurrences(text, &words, &gold) {
                let found = slice_chars(text, start, end)
                    .unwrap_or_default()
                    .to_string();
                // One box per place: the remembered label wins.
                out.retain(|p| (p.start, p.end) != (start, end));
                out.push(Proposal {
                    start,
                    end,
                    label: label.clone(),
                    text: found,
                    confidence: MEMORY_CONFIDENCE,
                    source: Source::Memory,
                });
            }
        }
        out.sort_by(|a, b| a.key().cmp(&b.key()));
        out
    }
}

impl<P: Proposer> Learner for LearningProposer<P> {
    fn remember(&self, _doc_id: &str, _text: &str, entities: &[Span]) {
        let Ok(mut m) = self.memory.write() else {
            return;
        };
        for e in entities {
            let key = normalize(e.text.trim()).as_str().to_string();
            if key.chars().count() >= 2 {
                m.entry(key)
                    .or_insert_with(|| (e.text.trim().to_string(), e.label.clone()));
            }
        }
    }

    /// Nothing to train without a model: reports what the memory holds, so
    /// the status bar can say that new proposals are ready.
    fn retrain(&self, _: &TrainControl) -> Result<String, RetrainError> {
        Ok(format!("{} gold names remembered", self.remembered()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Nothing;
    impl Proposer for Nothing {
        fn propose(&self, _: &str, _: &str) -> Vec<Proposal> {
            Vec::new()
        }
    }

    #[test]
    fn remembered_names_are_proposed_as_whole_words_with_their_label() {
        let p = LearningProposer::new(Nothing);
        let text = "زار إلهام علييف باكو ثم عاد علييف";
        assert!(p.propose("d", text).is_empty());
        let span = |t: &str, l: &str| Span::manual_with_text(0, t.chars().count(), l, t);
        p.remember("x", "", &[span("علييف", "PER"), span("علييف", "LOC")]);
        assert_eq!(
            p.retrain(&TrainControl::new()).unwrap(),
            "1 gold names remembered"
        );
        let got = p.propose("d", text);
        assert_eq!(got.len(), 2);
        assert!(got.iter().all(|q| q.label == "PER" && q.text == "علييف"));
        assert!(got.iter().all(|q| q.source == Source::Memory));
        // Not inside another word.
        assert!(p.propose("d", "علييفون").is_empty());
    }
}
