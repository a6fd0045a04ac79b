//! The adapter between the session and the combined proposer of
//! [`crate::propose::proposer`] (trained model, rules, dates, gazetteers and
//! the memory of gold names): one object that is the session's
//! [`Proposer`] and its [`Learner`]. Marking a document done teaches the
//! memory at once; retraining trains a new model on the base training data
//! (by default the data the shipped model was trained on, compiled in:
//! [`crate::propose::base`]) plus every document marked done so far, off the
//! UI thread, and swaps it in.

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
    /// The data the model is retrained on, with the gold.
    base: Base,
}

/// What the model is retrained on besides the annotator's gold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base {
    /// No retraining: only the memory learns (tests, `--no-retrain`).
    Nothing,
    /// The shipped base data ([`crate::propose::base::BASE_PARTS`]).
    Shipped,
    /// A CoNLL file instead (`kashif gui --train-data FILE`).
    File(PathBuf),
}

impl ModelProposer {
    /// `base`: a CoNLL file to retrain on, or `None` for no retraining
    /// (see [`ModelProposer::with_base`] for the shipped data).
    pub fn new(proposer: Combined, base: Option<PathBuf>) -> ModelProposer {
        ModelProposer::with_base(proposer, base.map_or(Base::Nothing, Base::File))
    }

    pub fn with_base(proposer: Combined, base: Base) -> ModelProposer {
        ModelProposer {
            inner: RwLock::new(proposer),
            gold: Mutex::new(BTreeMap::new()),
            base,
        }
    }

    /// The combined proposer as it is now (a cheap clone: the model is
    /// shared), for the accurate tier to run without holding the lock.
    pub(crate) fn snapshot(&self) -> Combined {
        match self.inner.read() {
            Ok(p) => p.clone(),
            Err(e) => e.into_inner().clone(),
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

    /// The gazetteers, or the model's lexicon: a word its training data saw
    /// mostly inside names (the first word of a multi-word key).
    fn knows_name(&self, key: &str) -> bool {
        if crate::propose::gazetteer::Gazetteer::builtin()
            .label_of(key)
            .is_some()
        {
            return true;
        }
        let first = key.split(' ').next().unwrap_or_default();
        let class = match self.inner.read() {
            Ok(p) => p.model().lexicon.word_class(first).0,
            Err(e) => e.into_inner().model().lexicon.word_class(first).0,
        };
        class != 0 && class != crate::propose::lexicon::UNSEEN
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
        let mut data = match &self.base {
            Base::Nothing => {
                return Ok(format!(
                    "{} gold names remembered (no retraining: the model is unchanged)",
                    self.memory_len()
                ));
            }
            Base::Shipped => crate::propose::base::base_sentences()
                .map_err(|e| format!("the shipped base data: {e}"))?,
            Base::File(base) => {
                let text = std::fs::read_to_string(base)
                    .map_err(|e| format!("{}: {e}", base.display()))?;
                read_conll(&text, true).map_err(|e| format!("{}: {e}", base.display()))?
            }
        };
        let (gold, docs): (Vec<Sentence>, usize) = match self.gold.lock() {
            Ok(g) => (g.values().flatten().cloned().collect(), g.len()),
            Err(e) => {
                let g = e.into_inner();
                (g.values().flatten().cloned().collect(), g.len())
            }
        };
        if docs == 0 {
            return Ok(format!(
                "{} gold names remembered; the shipped model is in use",
                self.memory_len()
            ));
        }
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
            "retrained model in use: base data + {docs} gold documents ({added} gold sentences); {} gold names remembered",
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
        assert!(msg.contains("1 gold documents (1 gold sentences)"), "{msg}");
        // A missing base file is an error that names it.
        let q = ModelProposer::new(
            Combined::new(Arc::new(bundled::load().unwrap())),
            Some(dir.path().join("missing.conll")),
        );
        let err = q.retrain().unwrap_err();
        assert!(err.contains("missing.conll"), "{err}");
    }
}
