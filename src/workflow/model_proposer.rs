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
use crate::propose::train::{
    TrainConfig, TrainControl, TrainError, maintained_gazetteer, train_with_control,
};

use super::learning::{Learner, RetrainError};
use super::proposals::Proposer;

/// The combined proposer behind the workflow's traits.
pub struct ModelProposer {
    inner: RwLock<Combined>,
    /// Gold sentences of the documents marked done, by document id (marking
    /// a document done again replaces its sentences).
    gold: Mutex<BTreeMap<String, Vec<Sentence>>>,
    /// The data the model is retrained on, with the gold.
    base: Base,
    /// Where retrained models are kept, keyed by what they were trained on
    /// (see [`ModelProposer::with_cache`]); `None`: never kept.
    cache: Option<PathBuf>,
    /// Bumped whenever the gold changes, with the bump at which each
    /// document was last marked done (newest learnt first where only some
    /// fit: the accurate tier's neighbour memory).
    gold_seen: Mutex<(u64, BTreeMap<String, u64>)>,
    /// How many times each gold sentence enters retraining
    /// ([`DEFAULT_GOLD_WEIGHT`]; see [`ModelProposer::with_gold_weight`]).
    gold_weight: usize,
}

/// How many times a done document's sentences enter retraining by default.
/// The base data has 13,483 sentences and a news article about 30, so at
/// weight 1 ten done articles are 2 % of what the model learns from.
pub const DEFAULT_GOLD_WEIGHT: usize = 1;

/// Threads the workbench's retraining trains on (see [`Learner::retrain`]
/// for [`ModelProposer`]): one, to bound its memory.
pub const RETRAIN_THREADS: usize = 1;

/// Retrained models kept in the cache folder; older ones are removed.
const CACHE_KEEP: usize = 4;

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
            cache: None,
            gold_seen: Mutex::new((0, BTreeMap::new())),
            gold_weight: DEFAULT_GOLD_WEIGHT,
        }
    }

    /// Each done document's sentences enter retraining `copies` times
    /// (at least once), so that a few articles of the project's own domain
    /// weigh against the base data.
    pub fn with_gold_weight(mut self, copies: usize) -> ModelProposer {
        self.gold_weight = copies.max(1);
        self
    }

    /// Keeps each retrained model in `dir` (created when needed, with a
    /// `.gitignore` so a shared annotations folder does not carry it), as
    /// `retrained-<key>.model`, written atomically; the key is a SHA-256 of
    /// the base data, the gold sentences of the documents done, the
    /// training settings and Kashif's version. A retraining whose key is
    /// there loads that model instead of training (a start with nothing new
    /// done). The newest few models are kept, the others removed.
    pub fn with_cache(mut self, dir: PathBuf) -> ModelProposer {
        self.cache = Some(dir);
        self
    }

    /// The cache key of a retraining on `base_id` (a digest of the base
    /// data) plus `gold`.
    fn cache_key(
        base_id: &[u8],
        gold: &BTreeMap<String, Vec<Sentence>>,
        gold_weight: usize,
    ) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        let mut field = |b: &[u8]| {
            h.update((b.len() as u64).to_le_bytes());
            h.update(b);
        };
        field(b"kashif retrained model");
        field(env!("CARGO_PKG_VERSION").as_bytes());
        field(format!("{:?}", TrainConfig::default()).as_bytes());
        field(base_id);
        if gold_weight != 1 {
            field(format!("gold weight {gold_weight}").as_bytes());
        }
        for (id, sents) in gold {
            field(id.as_bytes());
            for s in sents {
                for (t, tag) in s.tokens.iter().zip(&s.tags) {
                    field(t.as_bytes());
                    field(tag.as_bytes());
                }
                field(b"");
            }
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The model kept under `key`, if it is there and loads.
    fn cached(&self, key: &str) -> Option<crate::propose::model::Model> {
        let path = self.cache.as_ref()?.join(format!("retrained-{key}.model"));
        let bytes = std::fs::read(&path).ok()?;
        match crate::propose::model::Model::from_bytes(&bytes) {
            Ok(m) => Some(m),
            Err(e) => {
                // A damaged cache file is retrained over, never trusted.
                eprintln!("kashif: {}: {e}; retraining", path.display());
                None
            }
        }
    }

    /// Keeps `model` under `key` (atomically) and removes all but the
    /// newest [`CACHE_KEEP`] models. Errors name the file; the model stays
    /// in use either way.
    fn keep(&self, key: &str, model: &crate::propose::model::Model) -> Result<(), String> {
        let Some(dir) = &self.cache else {
            return Ok(());
        };
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let ignore = dir.join(".gitignore");
        if !ignore.exists() {
            crate::store::write_atomic(
                &ignore,
                b"# Kashif's retrained models: a cache, not data\n*\n",
            )
            .map_err(|e| format!("{}: {e}", ignore.display()))?;
        }
        let path = dir.join(format!("retrained-{key}.model"));
        crate::store::write_atomic(&path, &model.to_bytes())
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let mut kept: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(dir)
            .map(|it| {
                it.filter_map(|e| e.ok())
                    .map(|e| e.path())
                    .filter(|p| {
                        p.file_name().is_some_and(|n| {
                            let n = n.to_string_lossy();
                            n.starts_with("retrained-") && n.ends_with(".model")
                        })
                    })
                    .filter_map(|p| Some((p.metadata().ok()?.modified().ok()?, p)))
                    .collect()
            })
            .unwrap_or_default();
        kept.sort();
        let extra = kept.len().saturating_sub(CACHE_KEEP);
        for (_, old) in kept.into_iter().take(extra) {
            if old != path {
                let _ = std::fs::remove_file(old);
            }
        }
        Ok(())
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

    /// A number that changes whenever a document's gold is learnt.
    pub(crate) fn gold_generation(&self) -> u64 {
        match self.gold_seen.lock() {
            Ok(g) => g.0,
            Err(e) => e.into_inner().0,
        }
    }

    /// The gold sentences of the documents done, newest learnt first
    /// (document id, sentences).
    pub(crate) fn gold_newest_first(&self) -> Vec<(String, Vec<Sentence>)> {
        let gold = match self.gold.lock() {
            Ok(g) => g.clone(),
            Err(e) => e.into_inner().clone(),
        };
        let seen = match self.gold_seen.lock() {
            Ok(g) => g.1.clone(),
            Err(e) => e.into_inner().1.clone(),
        };
        let mut out: Vec<(String, Vec<Sentence>)> = gold.into_iter().collect();
        out.sort_by_key(|(id, _)| std::cmp::Reverse(seen.get(id).copied().unwrap_or(0)));
        out
    }
}

/// Whether `proposer`'s data knows name key `key`: the gazetteers, or the
/// model's lexicon (a word its training data saw mostly inside names; the
/// first word of a multi-word key). The clitic rule asks it; the workbench
/// and `kashif propose` share it so both leave out the same proclitics.
pub fn knows_name_with(proposer: &Combined, key: &str) -> bool {
    if crate::propose::gazetteer::Gazetteer::builtin()
        .label_of(key)
        .is_some()
    {
        return true;
    }
    let first = key.split(' ').next().unwrap_or_default();
    proposer.model().lexicon.names(first)
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
        match self.inner.read() {
            Ok(p) => knows_name_with(&p, key),
            Err(e) => knows_name_with(&e.into_inner(), key),
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
        if let Ok(mut g) = self.gold_seen.lock() {
            g.0 += 1;
            let n = g.0;
            g.1.insert(doc_id.to_string(), n);
        }
    }

    /// Trains on one thread ([`RETRAIN_THREADS`]) with `control`'s
    /// progress and cancel; a cancelled retraining keeps the model in use
    /// and writes nothing to the cache.
    fn retrain(&self, control: &TrainControl) -> Result<String, RetrainError> {
        let started = std::time::Instant::now();
        let failed = RetrainError::Failed;
        if control.is_cancelled() {
            return Err(RetrainError::Cancelled);
        }
        // The base data as text, and what identifies it for the cache.
        let (base_text, base_id): (Vec<String>, Vec<u8>) = match &self.base {
            Base::Nothing => {
                return Ok(format!(
                    "{} gold names remembered (no retraining: the model is unchanged)",
                    self.memory_len()
                ));
            }
            Base::Shipped => {
                let mut id = b"shipped".to_vec();
                for part in crate::propose::base::BASE_PARTS {
                    use sha2::{Digest, Sha256};
                    id.extend_from_slice(&Sha256::digest(part.conll.as_bytes()));
                    id.extend_from_slice(&(part.weight as u64).to_le_bytes());
                }
                (Vec::new(), id)
            }
            Base::File(base) => {
                let text = std::fs::read_to_string(base)
                    .map_err(|e| failed(format!("{}: {e}", base.display())))?;
                use sha2::{Digest, Sha256};
                let id = [b"file".as_slice(), &Sha256::digest(text.as_bytes())].concat();
                (vec![text], id)
            }
        };
        let gold = match self.gold.lock() {
            Ok(g) => g.clone(),
            Err(e) => e.into_inner().clone(),
        };
        let docs = gold.len();
        if docs == 0 {
            return Ok(format!(
                "{} gold names remembered; the shipped model is in use",
                self.memory_len()
            ));
        }
        let added: usize = gold.values().map(Vec::len).sum();
        let key = ModelProposer::cache_key(&base_id, &gold, self.gold_weight);
        let (model, how) = match self.cached(&key) {
            Some(model) => (
                model,
                format!(
                    "loaded in {:.2} s (nothing new since it was trained)",
                    started.elapsed().as_secs_f64()
                ),
            ),
            None => {
                let mut data = match &self.base {
                    Base::File(base) => read_conll(&base_text[0], true)
                        .map_err(|e| failed(format!("{}: {e}", base.display())))?,
                    _ => crate::propose::base::base_sentences()
                        .map_err(|e| failed(format!("the shipped base data: {e}")))?,
                };
                for s in gold.into_values().flatten() {
                    data.extend(std::iter::repeat_n(s, self.gold_weight));
                }
                let run = || {
                    train_with_control(
                        &data,
                        &[],
                        &maintained_gazetteer(),
                        &TrainConfig::default(),
                        control,
                        |_| {},
                    )
                };
                // One model at a time: each fold model's perceptron holds
                // about 300 MB of weights while it trains, so the fold
                // models in parallel took the workbench past 1 GB (issue
                // 26: at most 800 MB while retraining). `kashif train`
                // keeps every core.
                let model = match rayon::ThreadPoolBuilder::new()
                    .num_threads(RETRAIN_THREADS)
                    .thread_name(|i| format!("kashif-retrain-{i}"))
                    .build()
                {
                    Ok(pool) => pool.install(run),
                    Err(_) => run(),
                }
                .map_err(|e| match e {
                    TrainError::Cancelled => RetrainError::Cancelled,
                    e => failed(e.to_string()),
                })?;
                // Cancelled just as it finished: not kept, not used.
                if !control.commit() {
                    return Err(RetrainError::Cancelled);
                }
                let mut how = format!("trained in {:.1} s", started.elapsed().as_secs_f64());
                if let Err(e) = self.keep(&key, &model) {
                    how.push_str(&format!("; not kept for the next start: {e}"));
                }
                (model, how)
            }
        };
        // (A kept model loaded: the same check before it goes in use.)
        if !control.commit() {
            return Err(RetrainError::Cancelled);
        }
        match self.inner.write() {
            Ok(mut p) => p.set_model(std::sync::Arc::new(model)),
            Err(e) => e.into_inner().set_model(std::sync::Arc::new(model)),
        }
        Ok(format!(
            "retrained model in use ({how}): base data + {docs} gold documents ({added} gold sentences); {} gold names remembered",
            self.memory_len()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::propose::bundled;
    use std::path::Path;
    use std::sync::Arc;

    /// A two-sentence base file, `dir/base.conll`: retraining on it takes
    /// a moment.
    fn small_base(dir: &Path) -> PathBuf {
        let base = dir.join("base.conll");
        std::fs::write(
            &base,
            "قال O\nبلينكين B-PERS\n. O\n\nفي O\nباريس B-LOC\n. O\n",
        )
        .unwrap();
        base
    }

    /// The document the retraining tests remember as gold.
    const MAMDOUH: &str = "وصل ممدوح إلى القاهرة .";

    /// `ممدوح` in [`MAMDOUH`] as `label`.
    fn mamdouh(label: &str) -> Span {
        let s = MAMDOUH.chars().position(|c| c == 'م').unwrap();
        Span::manual_with_text(s, s + 5, label, "ممدوح")
    }

    /// The shipped model, retrained on `base`, its models kept in `cache`.
    fn cached_proposer(base: &Path, cache: &Path) -> ModelProposer {
        ModelProposer::new(
            Combined::new(Arc::new(bundled::load().unwrap())),
            Some(base.to_path_buf()),
        )
        .with_cache(cache.to_path_buf())
    }

    /// The models kept in `cache` (none when it does not exist).
    fn kept_models(cache: &Path) -> Vec<PathBuf> {
        std::fs::read_dir(cache)
            .map(|it| {
                it.filter_map(|e| e.ok())
                    .filter(|e| e.file_name().to_string_lossy().ends_with(".model"))
                    .map(|e| e.path())
                    .collect()
            })
            .unwrap_or_default()
    }

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
        let msg = p.retrain(&TrainControl::new()).unwrap();
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
    fn a_retrained_model_is_kept_and_loaded_when_nothing_is_new() {
        let dir = tempfile::tempdir().unwrap();
        let base = small_base(dir.path());
        let cache = dir.path().join("cache");
        let start = || {
            let p = cached_proposer(&base, &cache);
            p.remember("d", MAMDOUH, &[mamdouh("PER")]);
            p
        };
        let models = || kept_models(&cache);
        let first = start();
        let msg = first.retrain(&TrainControl::new()).unwrap();
        assert!(msg.contains("trained in"), "{msg}");
        let kept = models();
        assert_eq!(kept.len(), 1);
        assert!(cache.join(".gitignore").exists());
        let trained = first.snapshot().model().to_bytes();
        // A new start with the same gold loads it: the same model, no training.
        let second = start();
        let msg = second.retrain(&TrainControl::new()).unwrap();
        assert!(msg.contains("loaded in"), "{msg}");
        assert_eq!(second.snapshot().model().to_bytes(), trained);
        // New gold (another label) is a new key: trained again, kept beside.
        let third = start();
        third.remember("d", MAMDOUH, &[mamdouh("ORG")]);
        let msg = third.retrain(&TrainControl::new()).unwrap();
        assert!(msg.contains("trained in"), "{msg}");
        assert_eq!(models().len(), 2);
        // A damaged cache file is not trusted: retrained over.
        std::fs::write(&kept[0], b"garbage").unwrap();
        let msg = start().retrain(&TrainControl::new()).unwrap();
        assert!(msg.contains("trained in"), "{msg}");
        assert_eq!(std::fs::read(&kept[0]).unwrap(), trained);
    }

    #[test]
    fn a_cancelled_retraining_stops_at_once_and_changes_and_keeps_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let base = small_base(dir.path());
        let cache = dir.path().join("cache");
        let models = || kept_models(&cache).len();
        let p = cached_proposer(&base, &cache);
        p.remember("d", MAMDOUH, &[mamdouh("PER")]);
        let shipped = p.snapshot().model().to_bytes();
        // Cancelled from its own progress once 30 % is done; every step
        // of progress after that is recorded.
        let after = Arc::new(std::sync::Mutex::new(Vec::new()));
        let a = after.clone();
        let control = TrainControl::with_listener(move |c| {
            if c.is_cancelled() {
                a.lock().unwrap().push(c.fraction());
            } else if c.fraction() >= 0.3 {
                c.cancel();
            }
        });
        assert_eq!(p.retrain(&control), Err(RetrainError::Cancelled));
        assert!(control.is_cancelled());
        assert!(control.fraction() < 0.5, "{control:?}");
        let after = after.lock().unwrap().clone();
        assert!(after.is_empty(), "work went on after the cancel: {after:?}");
        assert_eq!(p.snapshot().model().to_bytes(), shipped, "model unchanged");
        assert_eq!(models(), 0, "nothing kept in the cache");
        // A later retraining is a fresh one: trained, kept, in use.
        let msg = p.retrain(&TrainControl::new()).unwrap();
        assert!(msg.contains("trained in"), "{msg}");
        assert_eq!(models(), 1);
        let retrained = p.snapshot().model().to_bytes();
        assert_ne!(retrained, shipped);
        // Cancelled before a kept model is loaded: not loaded either.
        let q = cached_proposer(&base, &cache);
        q.remember("d", MAMDOUH, &[mamdouh("PER")]);
        let early = TrainControl::new();
        early.cancel();
        assert_eq!(q.retrain(&early), Err(RetrainError::Cancelled));
        assert_eq!(q.snapshot().model().to_bytes(), shipped);
        let msg = q.retrain(&TrainControl::new()).unwrap();
        assert!(msg.contains("loaded in"), "{msg}");
        assert_eq!(q.snapshot().model().to_bytes(), retrained);
    }

    /// A model retrained with the gold weighted is kept apart from one
    /// trained on it once (the cache would otherwise hand back the other),
    /// and weight 1 keeps the key models were kept under before weights.
    #[test]
    fn the_gold_weight_is_part_of_what_a_kept_model_was_trained_on() {
        let mut gold = BTreeMap::new();
        gold.insert(
            "d".to_string(),
            vec![Sentence {
                tokens: vec!["ممدوح".into()],
                tags: vec!["B-PER".into()],
                line: 1,
            }],
        );
        let once = ModelProposer::cache_key(b"base", &gold, 1);
        assert_eq!(once, ModelProposer::cache_key(b"base", &gold, 1));
        assert_ne!(once, ModelProposer::cache_key(b"base", &gold, 5));
        let p = ModelProposer::with_base(
            Combined::new(Arc::new(bundled::load().unwrap())),
            Base::Nothing,
        );
        assert_eq!(p.gold_weight, DEFAULT_GOLD_WEIGHT);
        assert_eq!(p.with_gold_weight(0).gold_weight, 1);
    }

    #[test]
    fn retraining_with_base_data_swaps_in_a_model_trained_with_the_gold() {
        let dir = tempfile::tempdir().unwrap();
        let base = small_base(dir.path());
        let model = bundled::load().expect("shipped model");
        let p = ModelProposer::new(Combined::new(Arc::new(model)), Some(base));
        p.remember("d", MAMDOUH, &[mamdouh("PER")]);
        let msg = p.retrain(&TrainControl::new()).unwrap();
        assert!(msg.contains("1 gold documents (1 gold sentences)"), "{msg}");
        // A missing base file is an error that names it.
        let q = ModelProposer::new(
            Combined::new(Arc::new(bundled::load().unwrap())),
            Some(dir.path().join("missing.conll")),
        );
        let err = q.retrain(&TrainControl::new()).unwrap_err().to_string();
        assert!(err.contains("missing.conll"), "{err}");
    }
}
