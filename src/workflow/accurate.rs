//! The accurate tier in the session (issue 12): the fast tier proposes for
//! a document the moment it opens; the accurate tier (the fine-tuned
//! encoder of [`crate::propose::accurate`], about a second for a 1,000-word
//! article on two cores) follows on its own background thread and, when its
//! answer is in, replaces the fast tier's proposals for that document.
//!
//! Replacing goes through the one path proposals enter a document by
//! ([`super::doc_settle::with_machine_proposals`], shared with `kashif propose`): the
//! document's pending machine proposals that did not come from the memory
//! are dropped and the accurate answer is merged in their place, so a
//! rejected proposal never comes back, an entity's place is never proposed
//! again, memory proposals and the annotator's decisions on names win, and
//! the undo history and the entities are never touched. Once a document has
//! the accurate tier's proposals, the fast tier's later answers for it (after
//! a retraining) bring only their memory proposals.
//!
//! The encoder's files load on a background thread too
//! ([`Session::load_accurate`]); when they are missing or broken the
//! session keeps the fast tier and [`Session::tier_status`] says why,
//! naming the file.

use std::path::Path;
use std::sync::mpsc::{TryRecvError, channel};
use std::sync::{Arc, Mutex};

use crate::annotation::{Proposal, Source, Status};
use crate::propose::accurate::knn::{DEFAULT_CAPACITY, KnnConfig, KnnMemory};
use crate::propose::accurate::{AccurateTagger, EncoderError};
use crate::propose::proposer::Tier;

use super::doc_state::AccurateAsk;
use super::focus::{Focus, FocusKind};
use super::model_proposer::ModelProposer;
use super::proposals::{Answer, ProposalWorker, Proposer};
use super::session::Session;

/// What the loading thread hands back: the accurate tier's proposer, or why
/// there is none (the error names the file).
pub(super) type Loaded = Result<Arc<dyn Proposer>, String>;

/// Where the open document's proposals come from, for the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TierStatus {
    /// No proposer, no document, or a read-only one.
    NoProposals,
    /// The fast tier; the accurate tier is off (`kashif gui --tagger fast`).
    Fast,
    /// The fast tier; the accurate tier's files are loading.
    Loading,
    /// The fast tier; the accurate tier is working on this document.
    Working,
    /// The accurate tier (with memory and the annotator's decisions).
    Accurate,
    /// The fast tier only, and why: the encoder's files did not load (the
    /// message names the file) or it failed on this document.
    FastOnly(String),
}

impl TierStatus {
    /// The status bar's words for it (`None`: nothing to say: no
    /// proposals, or only the fast tier because the annotator turned the
    /// accurate one off).
    pub fn text(&self) -> Option<String> {
        Some(match self {
            TierStatus::NoProposals | TierStatus::Fast => return None,
            TierStatus::Loading => "proposals: fast tier; accurate tier loading…".to_string(),
            TierStatus::Working => "proposals: fast tier; accurate tier working…".to_string(),
            TierStatus::Accurate => "proposals: accurate tier".to_string(),
            TierStatus::FastOnly(why) => format!("proposals: fast tier only: {why}"),
        })
    }
}

/// The accurate tier's proposer: the workbench's combined proposer as it is
/// now (its memory of gold names, rules, dates, gazetteers; the model's
/// lexicon for proclitics) with the model's spans from the encoder. Reads a
/// snapshot of the shared [`ModelProposer`] for each document, so marking a
/// document done or a retraining never waits on the encoder.
pub struct AccurateProposer {
    base: Arc<ModelProposer>,
    tagger: Arc<AccurateTagger>,
    /// The neighbour memory of done documents' words, and the gold
    /// generation it was brought up to date with; `None` in the config:
    /// off (the encoder alone, as before issue 22).
    knn: Mutex<(Arc<KnnMemory>, u64)>,
    knn_config: Option<KnnConfig>,
    /// The fast tagger's share of each word's distribution (the model in
    /// use: retrained on done documents), see
    /// [`crate::propose::proposer::Proposer::with_fast_weight`].
    fast_weight: f32,
}

impl AccurateProposer {
    /// With the neighbour memory on ([`KnnConfig::default`]).
    pub fn new(base: Arc<ModelProposer>, tagger: Arc<AccurateTagger>) -> AccurateProposer {
        AccurateProposer::with_knn(base, tagger, Some(KnnConfig::default()))
    }

    /// `knn`: how the neighbour memory of done documents is mixed in, or
    /// `None` for the encoder alone (benches compare the two).
    pub fn with_knn(
        base: Arc<ModelProposer>,
        tagger: Arc<AccurateTagger>,
        knn: Option<KnnConfig>,
    ) -> AccurateProposer {
        let dim = tagger.hidden_size();
        AccurateProposer {
            base,
            tagger,
            knn: Mutex::new((Arc::new(KnnMemory::new(dim, DEFAULT_CAPACITY)), u64::MAX)),
            knn_config: knn,
            fast_weight: crate::propose::proposer::DEFAULT_FAST_WEIGHT,
        }
    }

    /// The same with the fast tagger's share `w` (0: the encoder and
    /// neighbours alone, as before; benches compare).
    pub fn with_fast_weight(mut self, w: f32) -> AccurateProposer {
        self.fast_weight = w.clamp(0.0, 1.0);
        self
    }

    /// The combined proposer for one document: the model proposer's
    /// snapshot (memory, rules, gazetteers) with the encoder, and the
    /// neighbour memory brought up to date with the gold learnt so far.
    fn combined(&self) -> Result<crate::propose::proposer::Proposer, EncoderError> {
        let p = self
            .base
            .snapshot()
            .with_accurate(self.tagger.clone())
            .with_fast_weight(self.fast_weight);
        let Some(config) = self.knn_config else {
            return Ok(p);
        };
        Ok(p.with_knn(self.knn_memory()?, config))
    }

    /// The neighbour memory, with the documents learnt since the last call
    /// encoded (newest first, as many as fit) and those no longer done
    /// dropped. Runs on the accurate tier's thread (about a third of a
    /// second a 300-word document), never in a frame.
    pub fn knn_memory(&self) -> Result<Arc<KnnMemory>, EncoderError> {
        let mut guard = match self.knn.lock() {
            Ok(g) => g,
            Err(e) => e.into_inner(),
        };
        let generation = self.base.gold_generation();
        if guard.1 == generation {
            return Ok(guard.0.clone());
        }
        let gold = self.base.gold_newest_first();
        let memory = Arc::make_mut(&mut guard.0);
        if let Some(config) = self.knn_config
            && config.head.epochs > 0
            && config.head.replay > 0.0
            && !memory.has_replay()
            && let Ok(replay) = self.tagger.base_replay()
        {
            // Without the base data (a folder that lacks it) the head is
            // refitted on the done words alone.
            memory.set_replay(replay);
        }
        let mut fits = Vec::new();
        let mut words = 0;
        for (id, sents) in &gold {
            let n: usize = sents.iter().map(|s| s.tokens.len()).sum();
            if words > 0 && words + n > memory.capacity() {
                break;
            }
            words += n;
            fits.push((id, sents));
        }
        let keep: std::collections::HashSet<&str> =
            fits.iter().map(|(id, _)| id.as_str()).collect();
        let gone: Vec<String> = memory
            .ids()
            .filter(|id| !keep.contains(id))
            .map(str::to_string)
            .collect();
        for id in gone {
            memory.remove(&id);
        }
        // Oldest first, so the newest end up newest in the memory.
        for (id, sents) in fits.into_iter().rev() {
            keep_document(memory, &self.tagger, id, sents)?;
        }
        guard.1 = generation;
        Ok(guard.0.clone())
    }

    /// Loads the encoder's files from `dir` (about 100 ms for the shipped
    /// one; call it off the UI thread). Errors name the file at fault.
    pub fn load(dir: &Path, base: Arc<ModelProposer>) -> Result<AccurateProposer, EncoderError> {
        Ok(AccurateProposer::new(
            base,
            Arc::new(AccurateTagger::load(dir)?),
        ))
    }

    pub fn tagger(&self) -> &AccurateTagger {
        &self.tagger
    }
}

/// Keeps document `id`'s gold sentences in `memory`: each word's encoder
/// state with its gold tag ([`neighbour_tag`]); nothing is encoded when
/// the memory already holds the same gold for `id`. The one way done
/// documents enter a neighbour memory, for the workbench and `kashif
/// propose --tagger accurate` alike.
fn keep_document(
    memory: &mut KnnMemory,
    tagger: &AccurateTagger,
    id: &str,
    sents: &[crate::propose::iob::Sentence],
) -> Result<(), EncoderError> {
    let digest = digest_of(sents);
    if memory.digest_of(id) == Some(digest) {
        return Ok(());
    }
    let toks: Vec<Vec<&str>> = sents
        .iter()
        .map(|s| s.tokens.iter().map(String::as_str).collect())
        .collect();
    let rows = tagger.sentence_rows(&toks, true)?;
    let states: Vec<Vec<f32>> = rows.states.into_iter().flatten().collect();
    let scores: Vec<Vec<f32>> = rows.logits.into_iter().flatten().collect();
    let tags: Vec<String> = sents
        .iter()
        .flat_map(|s| s.tags.iter())
        .map(|t| neighbour_tag(t))
        .collect();
    memory.add_scored(id, digest, &states, &scores, &tags);
    Ok(())
}

/// The neighbour memory of `done` documents (id, text, entities), kept in
/// the order given ([`KnnMemory::add`]: when they hold more words than
/// [`DEFAULT_CAPACITY`], the first ones are left out), encoded as the workbench
/// encodes a document marked done: what `kashif propose --tagger accurate`
/// mixes in, with each document's own words hidden while it is proposed
/// for ([`KnnMemory::hiding`]).
///
/// # Errors
/// The encoder's, naming what failed.
pub fn knn_memory_of(
    tagger: &AccurateTagger,
    done: &[(String, String, Vec<crate::annotation::Span>)],
) -> Result<KnnMemory, EncoderError> {
    let mut memory = KnnMemory::new(tagger.hidden_size(), DEFAULT_CAPACITY);
    let sents: Vec<_> = done
        .iter()
        .map(|(_, text, entities)| crate::propose::gold::sentences_of(text, entities))
        .collect();
    // Only the last documents that fit are encoded (the others would go).
    let mut words = 0;
    let mut first = done.len();
    for (i, s) in sents.iter().enumerate().rev() {
        let n: usize = s.iter().map(|s| s.tokens.len()).sum();
        if words > 0 && words + n > memory.capacity() {
            break;
        }
        words += n;
        first = i;
    }
    for ((id, _, _), s) in done.iter().zip(&sents).skip(first) {
        keep_document(&mut memory, tagger, id, s)?;
    }
    Ok(memory)
}

/// A gold tag as the neighbour memory keeps it: dates are the date rules'
/// (the encoder never proposes them), so a date word is kept as `O`.
fn neighbour_tag(tag: &str) -> String {
    match tag.split_once('-') {
        Some((_, "DATE")) => "O".to_string(),
        _ => tag.to_string(),
    }
}

/// What a document's gold sentences hash to (tokens and tags).
fn digest_of(sents: &[crate::propose::iob::Sentence]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for s in sents {
        s.tokens.hash(&mut h);
        s.tags.hash(&mut h);
    }
    h.finish()
}

impl Proposer for AccurateProposer {
    fn propose(&self, doc_id: &str, text: &str) -> Vec<Proposal> {
        match self.try_propose(doc_id, text) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("kashif: accurate tier failed, fast tagger used: {e}");
                self.base.snapshot().propose(text)
            }
        }
    }

    /// An encoder failure is the answer (the status bar then names it and
    /// the fast tier's proposals stay), not a silent fall back.
    fn try_propose(&self, doc_id: &str, text: &str) -> Result<Vec<Proposal>, String> {
        self.combined()
            .and_then(|p| p.try_propose(text))
            .map_err(|e| format!("{doc_id}: {e}"))
    }

    fn knows_name(&self, key: &str) -> bool {
        self.base.knows_name(key)
    }
}

impl Session {
    /// Installs the accurate tier: the open document is sent to it at once,
    /// then the next; others when they open (the open one always first).
    pub fn set_accurate(&mut self, proposer: Arc<dyn Proposer>) {
        self.accurate_loading = None;
        self.accurate_off = None;
        self.accurate = Some(ProposalWorker::new(
            proposer,
            Tier::Accurate,
            self.waker.clone(),
        ));
        for s in &mut self.states {
            s.accurate = AccurateAsk::No;
        }
        if let Some(i) = self.current {
            self.request_accurate(i, true);
            if i + 1 < self.docs.len() {
                self.request_accurate(i + 1, false);
            }
        }
    }

    /// Loads the accurate tier with `load` on a background thread (never in
    /// a frame); [`Session::poll`] installs it when it is ready, or keeps
    /// the fast tier and records why (`load`'s error, which names the file).
    pub fn load_accurate(&mut self, load: impl FnOnce() -> Loaded + Send + 'static) {
        let (tx, rx) = channel::<Loaded>();
        let waker = self.waker.clone();
        let started = std::thread::Builder::new()
            .name("kashif-encoder-load".into())
            .spawn(move || {
                super::priority::lower_this_thread();
                let loaded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(load))
                    .unwrap_or_else(|_| Err("loading the encoder failed (panicked)".into()));
                let _ = tx.send(loaded);
                waker.wake();
            });
        match started {
            Ok(_) => {
                self.accurate_off = None;
                self.accurate_loading = Some(rx);
            }
            Err(e) => self.accurate_off = Some(format!("cannot start the encoder's thread: {e}")),
        }
    }

    /// Keeps the fast tier only, saying why (the accurate tier could not be
    /// set up: no fast model to build it on, say).
    pub fn accurate_unavailable(&mut self, why: String) {
        self.accurate = None;
        self.accurate_loading = None;
        self.accurate_off = Some(why);
    }

    /// Where the open document's proposals come from.
    pub fn tier_status(&self) -> TierStatus {
        let Some(i) = self.current else {
            return TierStatus::NoProposals;
        };
        let st = &self.states[i];
        let tiers = self.proposer.is_some()
            || self.accurate.is_some()
            || self.accurate_loading.is_some()
            || self.accurate_off.is_some();
        if st.read_only.is_some() || !tiers {
            return TierStatus::NoProposals;
        }
        if st.tier == Some(Tier::Accurate) {
            return TierStatus::Accurate;
        }
        if let Some(why) = &self.accurate_off {
            return TierStatus::FastOnly(why.clone());
        }
        if self.accurate_loading.is_some() {
            return TierStatus::Loading;
        }
        match (&self.accurate, &st.accurate) {
            (None, _) => TierStatus::Fast,
            (Some(_), AccurateAsk::Failed(why)) => TierStatus::FastOnly(why.clone()),
            (Some(_), _) => TierStatus::Working,
        }
    }

    /// Which tier document `i`'s machine proposals came from this session
    /// (`None`: no answer merged yet).
    pub fn proposal_tier(&self, i: usize) -> Option<Tier> {
        self.states.get(i).and_then(|s| s.tier)
    }

    /// Whether the accurate tier is computing proposals.
    pub fn accurate_working(&self) -> bool {
        self.accurate.as_ref().is_some_and(|w| w.outstanding > 0)
    }

    /// Sends document `i` to the accurate tier unless it was sent already;
    /// `first`: ahead of the documents waiting (the one just opened).
    pub(super) fn request_accurate(&mut self, i: usize, first: bool) {
        let Some(w) = &mut self.accurate else { return };
        let st = &mut self.states[i];
        if st.read_only.is_some() || st.tier == Some(Tier::Accurate) {
            return;
        }
        match st.accurate {
            AccurateAsk::No => {}
            // Waiting behind others: the annotator opened it, so it goes first.
            AccurateAsk::Asked if first => {}
            AccurateAsk::Asked | AccurateAsk::Failed(_) => return,
        }
        st.accurate = AccurateAsk::Asked;
        if first {
            w.request_first(i, self.docs[i].clone());
        } else {
            w.request(i, self.docs[i].clone());
        }
    }

    /// Installs the loaded tier and merges the accurate answers ready now.
    pub(super) fn poll_accurate(&mut self) -> bool {
        let mut changed = false;
        match self.accurate_loading.as_ref().map(|rx| rx.try_recv()) {
            None | Some(Err(TryRecvError::Empty)) => {}
            Some(Ok(loaded)) => {
                self.install(loaded);
                changed = true;
            }
            Some(Err(TryRecvError::Disconnected)) => {
                self.install(Err("loading the encoder failed".into()));
                changed = true;
            }
        }
        let answers = self
            .accurate
            .as_mut()
            .map(|w| w.try_answers())
            .unwrap_or_default();
        for a in answers {
            changed |= self.merge_proposals(a);
        }
        changed
    }

    /// Blocks until the accurate tier is loaded and every document sent to
    /// it is answered and merged (tests and benches).
    pub(super) fn wait_for_accurate(&mut self) {
        if let Some(rx) = self.accurate_loading.take() {
            let loaded = rx
                .recv()
                .unwrap_or_else(|_| Err("loading the encoder failed".into()));
            self.install(loaded);
        }
        let answers = self
            .accurate
            .as_mut()
            .map(|w| w.wait_answers())
            .unwrap_or_default();
        for a in answers {
            self.merge_proposals(a);
        }
    }

    fn install(&mut self, loaded: Loaded) {
        match loaded {
            Ok(p) => self.set_accurate(p),
            Err(why) => self.accurate_unavailable(why),
        }
    }

    /// Replaces document `i`'s pending machine proposals (all but memory's)
    /// with the accurate tier's, through the usual filters and settling.
    pub(super) fn merge_accurate(&mut self, answer: Answer) -> bool {
        let i = answer.doc;
        let proposals = match answer.proposals {
            Ok(p) => p,
            Err(msg) => {
                self.states[i].accurate = AccurateAsk::Failed(msg.clone());
                self.message = Some(format!(
                    "accurate tier: {msg}; the fast tier's proposals stay"
                ));
                return true;
            }
        };
        let state = &mut self.states[i];
        state.accurate = AccurateAsk::No;
        // A done document passed the gate with nothing pending: the
        // machine does not reopen it (see `gate`).
        if state.read_only.is_some() || state.annotations.status == Status::Done {
            return false;
        }
        state.tier = Some(Tier::Accurate);
        let before = state.annotations.proposals.clone();
        state
            .annotations_mut()
            .proposals
            .retain(|p| p.source == Source::Memory);
        let new = self.settle_machine(i, proposals);
        if let Some(new) = new {
            self.states[i].annotations_mut().proposals = new;
        }
        self.touch(i);
        if self.states[i].annotations.proposals != before {
            self.outside_changes += 1;
            self.save_if_edited(i);
            self.refocus(i);
        }
        true
    }

    /// After the proposals of the open document `i` were replaced: a focus
    /// on a proposal that is gone moves to the new proposal at its place,
    /// if there is one (the accurate tier may label it otherwise).
    fn refocus(&mut self, i: usize) {
        if self.current != Some(i) {
            return;
        }
        let Some(f) = &self.focus else { return };
        let ann = &self.states[i].annotations;
        if f.kind != FocusKind::Proposal || f.find_proposal(ann).is_some() {
            return;
        }
        if let Some(p) = ann
            .proposals
            .iter()
            .find(|p| p.start == f.start && p.end == f.end)
        {
            self.focus = Some(Focus::proposal(p));
        }
    }
}
