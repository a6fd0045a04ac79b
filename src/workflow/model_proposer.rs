//! The adapter between the session and the combined proposer of
//! [`crate::propose::proposer`] (trained model, rules, dates, gazetteers and
//! the memory of gold names): one object that is the session's
//! [`Proposer`] and its [`Learner`]. Marking a document done teaches the
//! memory at once; retraining trains a new model on a base CoNLL file plus
//! every document marked done so far, off the UI thread, and swaps it in.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Mutex, RwLock};

use crate::annotation::{DocAnnotations, Proposal, Span};
use crate::propose::gold::sentences_of;
use crate::propose::iob::{Sentence, read_conll};
use crate::propose::proposer::Proposer as Combined;
use crate::propose::train::{TrainConfig, maintained_gazetteer, train};

use super::learning::Learner;
use super::proposals::Proposer;

/// The combined proposer behind the workflow's traits.
pub struct ModelProposer {
    inner: RwLock<Combined>,
    /// Gold sentences of the documents marked done, by document id (marking
    /// a document done again replaces its sentences).
    gold: Mutex<BTreeMap<String, Vec<Sentence>>>,
    /// CoNLL training data the model is retrained on, with the gold; `None`:
    /// retraining only reports the memory (a model trained on a handful of
    /// documents alone would be worse than the shipped one).
    base: Option<PathBuf>,
}

impl ModelProposer {
    pub fn new(proposer: Combined, base: Option<PathBuf>) -> ModelProposer {
        ModelProposer {
            inner: RwLock::new(proposer),
            gold: Mutex::new(BTreeMap::new()),
            base,
        }
    }

    fn memory_len(&self) -> usize {
        self.inner.read().map_or(0, |p| p.memory_len())
    }
}

impl Proposer for ModelProposer {
    fn propose(&self, _doc_id: &str, text: &str) -> Vec<Proposal> {
        match self.inner.read() {
            Ok(p) => p.propose(text),
            Err(e) => e.into_inner().propose(text),
        }
    }
}

impl Learner for ModelProposer {
    fn remember(&self, doc_id: &str, text: &str, entities: &[Span]) {
        let ann = DocAnnotations {
            entities: entities.to_vec(),
            ..Default::default()
        };
        if let Ok(mut p) = self.inner.write() {
            p.remember_all(&ann);
        }
        if let Ok(mut g) = self.gold.lock() {
            g.insert(doc_id.to_string(), sentences_of(text, entities));
        }
    }

    fn retrain(&self) -> Result<String, String> {
        let Some(base) = &self.base else {
            return Ok(format!(
                "{} gold names remembered (no training data given: the model is unchanged)",
                self.memory_len()
            ));
        };
        let text = std::fs::read_to_string(base).map_err(|e| format!("{}: {e}", base.display()))?;
        let mut data = read_conll(&text, true).map_err(|e| format!("{}: {e}", base.display()))?;
        let gold: Vec<Sentence> = match self.gold.lock() {
            Ok(g) => g.values().flatten().cloned().collect(),
            Err(e) => e.into_inner().values().flatten().cloned().collect(),
        };
        let added = gold.len();
        data.extend(gold);
        let model = train(
            &data,
            &maintained_gazetteer(),
            &TrainConfig::default(),
            |_| {},
        )
        .map_err(|e| e.to_string())?;
        match self.inner.write() {
            Ok(mut p) => p.set_model(std::sync::Arc::new(model)),
            Err(e) => e.into_inner().set_model(std::sync::Arc::new(model)),
        }
        Ok(format!(
            "model retrained with {added} gold sentences; {} gold names remembered",
            self.memory_len()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::propose::bundled;
    use std::sync::Arc;

    #[test]
    fn proposes_with_the_model_and_learns_gold_names() {
        let model = bundled::load().expect("shipped model");
        let p = ModelProposer::new(Combined::new(Arc::new(model)), None);
        let text = "قال وزير الخارجية الأمريكي أنتوني بلينكين في واشنطن إن زيزفونة وافقت";
        let before = p.propose("d", text);
        assert!(
            before.iter().any(|q| q.text.contains("واشنطن")),
            "{before:?}"
        );
        assert!(!before.iter().any(|q| q.text == "زيزفونة"));
        let s = text.chars().position(|c| c == 'ز').unwrap();
        let span = Span::manual_with_text(s, s + 7, "ORG", "زيزفونة");
        p.remember("d", text, &[span]);
        let msg = p.retrain().unwrap();
        assert!(msg.contains("1 gold names"), "{msg}");
        let after = p.propose("e", "ثم قالت زيزفونة شيئا");
        assert!(
            after
                .iter()
                .any(|q| q.text == "زيزفونة" && q.label == "ORG"),
            "{after:?}"
        );
    }

    #[test]
    fn retraining_with_base_data_swaps_in_a_model_trained_with_the_gold() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("base.conll");
        std::fs::write(
            &base,
            "قال O\nبلينكين B-PERS\n. O\n\nفي O\nباريس B-LOC\n. O\n",
        )
        .unwrap();
        let model = bundled::load().expect("shipped model");
        let p = ModelProposer::new(Combined::new(Arc::new(model)), Some(base));
        let text = "وصل ممدوح إلى القاهرة .";
        let s = text.chars().position(|c| c == 'م').unwrap();
        let span = Span::manual_with_text(s, s + 5, "PER", "ممدوح");
        p.remember("d", text, &[span]);
        let msg = p.retrain().unwrap();
        assert!(msg.contains("retrained with 1 gold sentences"), "{msg}");
        // A missing base file is an error that names it.
        let q = ModelProposer::new(
            Combined::new(Arc::new(bundled::load().unwrap())),
            Some(dir.path().join("missing.conll")),
        );
        let err = q.retrain().unwrap_err();
        assert!(err.contains("missing.conll"), "{err}");
    }
}
