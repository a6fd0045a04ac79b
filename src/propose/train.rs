//! Training the tagger: jackknifed lexicon features, a count threshold on
//! features, and an averaged structured perceptron with integer updates and
//! a fixed shuffle, so training is byte-for-byte repeatable.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};

use rayon::prelude::*;

use super::features::{Groups, SentenceFeatures, Token, extract};
use super::iob::Sentence;
use super::lexicon::Lexicon;
use super::model::{Model, iob2_to_bioes, label_set, viterbi};

/// Training settings; the defaults built the shipped model.
#[derive(Debug, Clone)]
pub struct TrainConfig {
    pub groups: Groups,
    pub epochs: usize,
    /// Features seen fewer times than this in training are dropped.
    pub min_count: u32,
    /// Lexicon folds for the training sentences' own lexicon features.
    pub folds: usize,
    pub seed: u64,
    pub algorithm: Algorithm,
    /// CRF: L2 strength and first learning rate.
    pub c2: f64,
    pub eta0: f64,
    /// Training runs (different shuffles) whose weights are averaged.
    pub ensemble: usize,
    /// See [`Model::temperature`]; `None` = what suits the algorithm
    /// ([`Algorithm::temperature`]).
    pub temperature: Option<f32>,
    /// Weights this small (in absolute value) are left out of the file.
    pub prune: f32,
    /// Folds for the first-pass tags of the training sentences.
    pub first_pass_folds: usize,
    /// See [`Model::outside_penalty`].
    pub outside_penalty: f32,
    /// Learn BIOES tags instead of IOB2 (see [`label_set`]).
    pub bioes: bool,
    /// Perceptron: how much an extra-data sentence's update counts against
    /// a main-data one (in quarters: 0.5 = half; at least one quarter).
    pub extra_weight: f32,
    /// Daumé's "frustratingly easy" domain adaptation: every feature also
    /// gets a copy tagged with its sentence's domain (main or extra), so
    /// the model learns what holds in both and what holds in one; the
    /// saved model folds the main domain's copies into the shared weights.
    pub domain_copies: bool,
    /// Extra data feeds only the mined lexicon (its names, their classes,
    /// entity phrases, trigger words), not the weights: training costs
    /// about what the main data alone costs.
    pub extra_lexicon_only: bool,
    /// Extra data is not trained on; its lexicon fills in only the words,
    /// stems and phrases the main data's lexicon lacks
    /// ([`Lexicon::fill_unknown_from`]).
    pub extra_lexicon_fill: bool,
    /// With `extra_lexicon_fill`: only what the extra lexicon knows as
    /// persons (or as no entity) fills in.
    pub extra_fill_persons_only: bool,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            groups: Groups::default_set(),
            epochs: 12,
            min_count: 2,
            folds: 10,
            seed: 0x6b61_7368_6966,
            outside_penalty: 0.0,
            bioes: false,
            first_pass_folds: 5,
            algorithm: Algorithm::Perceptron,
            c2: 1.0,
            eta0: 0.1,
            prune: 1e-3,
            temperature: None,
            ensemble: 1,
            extra_weight: 1.0,
            domain_copies: false,
            extra_lexicon_only: false,
            extra_lexicon_fill: false,
            extra_fill_persons_only: false,
        }
    }
}

/// How the weights are learned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// Averaged structured perceptron.
    Perceptron,
    /// Linear-chain CRF, L2-regularised, stochastic gradient descent.
    Crf,
    /// Linear-chain CRF, L2-regularised, L-BFGS (`epochs` = most iterations).
    Lbfgs,
}

impl Algorithm {
    /// The score divisor that makes the marginals honest confidences: a
    /// CRF's scores are log-potentials already; a perceptron's are large
    /// (20 was chosen on the development part, docs/model.md).
    pub fn temperature(self) -> f32 {
        match self {
            Algorithm::Perceptron => 20.0,
            Algorithm::Crf | Algorithm::Lbfgs => 1.0,
        }
    }
}

impl std::str::FromStr for Algorithm {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "perceptron" => Ok(Algorithm::Perceptron),
            "crf" => Ok(Algorithm::Crf),
            "lbfgs" => Ok(Algorithm::Lbfgs),
            _ => Err(format!(
                "unknown algorithm {s:?} (perceptron, crf or lbfgs)"
            )),
        }
    }
}

/// Why training could not run.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    #[error("no tagged sentences to train on")]
    Empty,
    #[error("sentence at line {0} has {1} tokens but {2} tags")]
    Ragged(usize, usize, usize),
    #[error("more than 127 entity types")]
    TooManyTypes,
    /// [`TrainControl::cancel`] was called: training stopped at its next
    /// check (at most about one epoch of one model later); no model.
    #[error("training was cancelled")]
    Cancelled,
}

/// How far a training is, and a way to stop it, shared between the thread
/// that trains and whoever waits for it: the workbench retrains for most
/// of a minute on a thread of its own, and its status bar reads the
/// progress on the UI thread every frame, so everything here is a plain
/// atomic (reading never waits on the trainer).
///
/// Progress is counted in units of about one epoch's work over all the
/// stages (the tokens, each first-pass fold model, the first pass and the
/// final model; in each model its lexicon folds, its feature ids and its
/// epochs), so the fraction moves evenly rather than stalling in the
/// stages no epoch counter sees (about half of each model's time).
pub struct TrainControl {
    /// [`RUNNING`], [`CANCELLED`] or [`COMMITTED`].
    state: AtomicU8,
    done: AtomicU64,
    total: AtomicU64,
    listener: Option<Listener>,
}

/// Called after every step of progress, on the training's threads.
type Listener = Box<dyn Fn(&TrainControl) + Send + Sync>;

const RUNNING: u8 = 0;
const CANCELLED: u8 = 1;
const COMMITTED: u8 = 2;

impl Default for TrainControl {
    fn default() -> Self {
        TrainControl::new()
    }
}

impl std::fmt::Debug for TrainControl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrainControl")
            .field("state", &self.state.load(Ordering::Relaxed))
            .field("done", &self.done.load(Ordering::Relaxed))
            .field("total", &self.total.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl TrainControl {
    pub fn new() -> TrainControl {
        TrainControl {
            state: AtomicU8::new(RUNNING),
            done: AtomicU64::new(0),
            total: AtomicU64::new(0),
            listener: None,
        }
    }

    /// With `listener` called after every step of progress (on the
    /// training's threads; it must be quick): the workbench wakes its UI
    /// with it so the progress bar moves without polling.
    pub fn with_listener(listener: impl Fn(&TrainControl) + Send + Sync + 'static) -> TrainControl {
        TrainControl {
            listener: Some(Box::new(listener)),
            ..TrainControl::new()
        }
    }

    /// Asks the training to stop: it returns [`TrainError::Cancelled`] at
    /// its next check. `false` when it is too late: the result was already
    /// [`TrainControl::commit`]ted (put in use), so cancelling changes
    /// nothing; `true` otherwise, and then no result of this training is
    /// ever put in use.
    pub fn cancel(&self) -> bool {
        self.end_as(CANCELLED)
    }

    /// Moves a running training to `end` (cancelled or committed, each
    /// excluding the other); whether it now is there.
    fn end_as(&self, end: u8) -> bool {
        match self
            .state
            .compare_exchange(RUNNING, end, Ordering::SeqCst, Ordering::SeqCst)
        {
            Ok(_) => true,
            Err(now) => now == end,
        }
    }

    pub fn is_cancelled(&self) -> bool {
        self.state.load(Ordering::SeqCst) == CANCELLED
    }

    /// Called by whoever puts the trained model in use, just before: from
    /// then on [`TrainControl::cancel`] is refused, so "cancelled" always
    /// means "the model in use is unchanged". `false` when it was
    /// cancelled first (then the model must not be used or kept).
    pub fn commit(&self) -> bool {
        self.end_as(COMMITTED)
    }

    /// How far it is, 0 to 1; it only grows (0 before training starts).
    pub fn fraction(&self) -> f32 {
        let total = self.total.load(Ordering::Relaxed);
        if total == 0 {
            return 0.0;
        }
        let done = self.done.load(Ordering::Relaxed).min(total);
        (done as f64 / total as f64) as f32
    }

    /// Sets the work to come, in units (training does this itself; a
    /// [`crate::workflow::Learner`] that learns some other way reports
    /// through [`TrainControl::begin`] and [`TrainControl::advance`] too).
    pub fn begin(&self, total: u64) {
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
        self.notify();
    }

    /// `units` more of the work are done.
    pub fn advance(&self, units: u64) {
        if units > 0 {
            self.done.fetch_add(units, Ordering::Relaxed);
            self.notify();
        }
    }

    fn notify(&self) {
        if let Some(f) = &self.listener {
            f(self);
        }
    }

    /// `Err(Cancelled)` once cancelled: the stages' check.
    fn check(&self) -> Result<(), TrainError> {
        if self.is_cancelled() {
            Err(TrainError::Cancelled)
        } else {
            Ok(())
        }
    }
}

/// Units of progress (see [`TrainControl`]; one unit is about one epoch of
/// the workbench's retraining, 0.3 s on a quiet core): preparing the
/// tokens, building a model's full lexicon, each of its lexicon folds (with
/// the fold's features), and counting then numbering its features.
const PREP_UNITS: u64 = 1;
const LEXICON_UNITS: u64 = 1;
const FOLD_UNITS: u64 = 1;
const COUNT_UNITS: u64 = 2;
const IDS_UNITS: u64 = 2;

/// The units one model trained by [`train_tokens`] on `n_main` main
/// sentences counts (it advances exactly these).
fn model_units(cfg: &TrainConfig, n_main: usize) -> u64 {
    let folds = cfg.folds.clamp(1, n_main.max(1)) as u64;
    let epochs = (cfg.epochs * cfg.ensemble.max(1)) as u64;
    LEXICON_UNITS + folds * FOLD_UNITS + COUNT_UNITS + IDS_UNITS + epochs
}

/// Single-word gazetteer entries `(surface form, label)` given to the model.
pub type GazetteerEntries = [(String, String)];

/// The one-word names of the maintained lists (CLDR and ISO 3166 places,
/// organisations) under `assets/gazetteer/`. The lists mined from ANERcorp
/// are left out: the model's own lexicon mines the same data, jackknifed.
pub fn maintained_gazetteer() -> Vec<(String, String)> {
    let lists = [
        (include_str!("../../assets/gazetteer/loc.txt"), "LOC"),
        (include_str!("../../assets/gazetteer/org.txt"), "ORG"),
        (include_str!("../../assets/gazetteer/per_names.txt"), "PER"),
    ];
    let mut out = Vec::new();
    for (text, label) in lists {
        for line in text.lines().map(str::trim) {
            if !line.is_empty() && !line.starts_with('#') && !line.contains(' ') {
                out.push((line.to_string(), label.to_string()));
            }
        }
    }
    out
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

/// Trains a model; `progress` is told each finished epoch (1-based) of the
/// final pass. With the `document` group, a first-pass model is trained too,
/// and the training sentences get its tags from models that did not see
/// them (folds), as the second pass will see on new text.
pub fn train(
    data: &[Sentence],
    gazetteer: &GazetteerEntries,
    cfg: &TrainConfig,
    progress: impl FnMut(usize),
) -> Result<Model, TrainError> {
    train_with_extra(data, &[], gazetteer, cfg, progress)
}

/// As [`train_with_extra`], reporting its progress over all its stages to
/// `control` and stopping with [`TrainError::Cancelled`] soon after
/// `control` is cancelled (it checks between stages, after each lexicon
/// fold and after each epoch): the workbench's retraining, which runs for
/// most of a minute behind a progress bar with a Cancel button.
pub fn train_with_control(
    data: &[Sentence],
    extra: &[Sentence],
    gazetteer: &GazetteerEntries,
    cfg: &TrainConfig,
    control: &TrainControl,
    progress: impl FnMut(usize),
) -> Result<Model, TrainError> {
    train_inner(data, extra, gazetteer, cfg, control, progress)
}

/// As [`train`], with `extra` labelled sentences of another domain (e.g.
/// WikiFANE mapped to the same labels, `assets/train/`): they count
/// `cfg.extra_weight` as much, get their own feature copies with
/// `cfg.domain_copies`, and are cut into jackknife folds on their own, so
/// each main sentence's lexicon and first-pass tags are built without its
/// own share of the main data, as before.
pub fn train_with_extra(
    data: &[Sentence],
    extra: &[Sentence],
    gazetteer: &GazetteerEntries,
    cfg: &TrainConfig,
    progress: impl FnMut(usize),
) -> Result<Model, TrainError> {
    train_inner(data, extra, gazetteer, cfg, &TrainControl::new(), progress)
}

fn train_inner(
    data: &[Sentence],
    extra: &[Sentence],
    gazetteer: &GazetteerEntries,
    cfg: &TrainConfig,
    control: &TrainControl,
    progress: impl FnMut(usize),
) -> Result<Model, TrainError> {
    control.check()?;
    let main: Vec<&Sentence> = data.iter().filter(|s| !s.tokens.is_empty()).collect();
    if main.is_empty() {
        return Err(TrainError::Empty);
    }
    let n_main = main.len();
    let mut data = main;
    data.extend(extra.iter().filter(|s| !s.tokens.is_empty()));
    let domains = Domains {
        n_main,
        n_train: if cfg.extra_lexicon_only || cfg.extra_lexicon_fill {
            n_main
        } else {
            data.len()
        },
    };
    for s in &data {
        if s.tags.len() != s.tokens.len() {
            return Err(TrainError::Ragged(s.line, s.tokens.len(), s.tags.len()));
        }
    }
    let types: Vec<String> = data
        .iter()
        .flat_map(|s| s.tags.iter())
        .filter_map(|t| t.split_once('-').map(|(_, l)| l.to_string()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if types.len() > 127 {
        return Err(TrainError::TooManyTypes);
    }
    let plain = TrainConfig {
        groups: Groups(cfg.groups.0 & !Groups::DOCUMENT),
        ..cfg.clone()
    };
    let n = data.len();
    let n_train = domains.n_train;
    let folds = cfg.first_pass_folds.clamp(1, n_main);
    let first_pass = cfg.groups.has(Groups::DOCUMENT);
    // Every model this trains, in units (see `TrainControl`).
    let mut total = PREP_UNITS + model_units(cfg, n_main);
    if first_pass {
        total += model_units(&plain, n_main);
        for f in 0..folds {
            let outside = (0..n).filter(|&i| domains.fold(i, folds) != Some(f));
            let (mut any, mut main_outside) = (false, 0);
            for i in outside {
                any = true;
                main_outside += usize::from(i < n_main);
            }
            if any {
                total += model_units(&plain, main_outside);
            }
        }
    }
    control.begin(total);
    let mut toks: Vec<Vec<Token>> = data
        .iter()
        .map(|s| {
            let mut t: Vec<Token> = s.tokens.iter().map(|t| Token::new(t)).collect();
            if cfg.groups.has(Groups::RULES) {
                super::context::mark_rules(&s.tokens, &mut t, &types);
            }
            t
        })
        .collect();
    control.advance(PREP_UNITS);
    control.check()?;
    if !first_pass {
        return train_tokens(
            &toks, &data, &domains, &types, gazetteer, cfg, control, progress,
        );
    }
    // The fold models and the full first pass are independent: trained in
    // parallel (each is deterministic, so the model is the same whatever
    // the threads; with the silver base data this cuts the workbench's
    // retraining from 32 s to about 20 s on 2 cores).
    let fold_tags = |f: usize, inside: Vec<usize>| -> Vec<Vec<usize>> {
        let outside: Vec<usize> = (0..n)
            .filter(|&i| domains.fold(i, folds) != Some(f))
            .collect();
        let m = if outside.is_empty() {
            None
        } else {
            let t: Vec<Vec<Token>> = outside.iter().map(|&i| toks[i].clone()).collect();
            let d: Vec<&Sentence> = outside.iter().map(|&i| data[i]).collect();
            let dom = Domains {
                n_main: outside.iter().filter(|&&i| i < n_main).count(),
                n_train: outside.iter().filter(|&&i| i < n_train).count(),
            };
            Some(train_tokens(
                &t,
                &d,
                &dom,
                &types,
                gazetteer,
                &plain,
                control,
                |_| {},
            ))
        };
        inside
            .into_iter()
            .map(|i| match &m {
                Some(Ok(m)) => m.tag_tokens(&toks[i], false).tags,
                // Cancelled: placeholders, never used (checked below).
                Some(Err(_)) | None => vec![0; toks[i].len()],
            })
            .collect()
    };
    let (first_tags, first) = rayon::join(
        || per_fold(n_train, folds, |i| domains.fold(i, folds), fold_tags),
        || {
            train_tokens(
                &toks,
                &data,
                &domains,
                &types,
                gazetteer,
                &plain,
                control,
                |_| {},
            )
        },
    );
    control.check()?;
    let first = first?;
    super::context::annotate(
        &mut toks[..n_train],
        &first_tags,
        &first.tag_classes(),
        types.len(),
    );
    let mut model = train_tokens(
        &toks, &data, &domains, &types, gazetteer, cfg, control, progress,
    )?;
    model.first_pass = Some(Box::new(first));
    Ok(model)
}

/// Which sentences are main data (the first `n_main` of `n`), which extra
/// data trained on (up to `n_train`) and which extra data only feeds the
/// lexicon (the rest); folds are cut in each trained part on its own.
struct Domains {
    n_main: usize,
    n_train: usize,
}

impl Domains {
    fn is_extra(&self, i: usize) -> bool {
        i >= self.n_main
    }
    /// Contiguous fold of sentence `i` within its own part; `None` for a
    /// lexicon-only sentence (in every fold's lexicon, trained on by none).
    fn fold(&self, i: usize, folds: usize) -> Option<usize> {
        if i < self.n_main {
            Some(i * folds / self.n_main)
        } else if i < self.n_train {
            Some((i - self.n_main) * folds / (self.n_train - self.n_main).max(1))
        } else {
            None
        }
    }
}

/// The domain copy of feature hash `h` (domain 0 = main, 1 = extra).
fn domain_copy(h: u64, domain: u8) -> u64 {
    (h ^ (0x9E37_79B9_7F4A_7C15u64.wrapping_mul(domain as u64 + 1)))
        .wrapping_mul(0xFF51_AFD7_ED55_8CCD)
        .rotate_left(29)
}

/// One perceptron model over prepared tokens.
/// Jackknife work, one fold per task in parallel: `work(f, inside)` gets
/// the indices below `n` that `fold_of` puts in fold `f` (in order) and
/// returns one result for each; the results land at those indices of a
/// vector of `n` (`T::default()` where no fold holds an index). Each fold's
/// work depends on nothing but its fold, so the vector is the same whatever
/// the threads.
/// Feature hashes numbered in the order they are first met, with how
/// often each was met; training turns the numbers into the model's dense
/// ids (by hash order) once everything is counted.
///
/// The table holds only ids (4 bytes a slot), each id's hash kept once in
/// `hashes`: a map from hash to id held both (16 bytes a slot) and was the
/// largest single part of a retraining's peak (35.7 of 241.6 MB on the
/// shipped base data, heaptrack, 2026-12-07).
#[derive(Default)]
struct Interner {
    ids: hashbrown::HashTable<u32>,
    hashes: Vec<u64>,
    counts: Vec<u32>,
    /// Met as a feature of its own, not only as a domain copy.
    original: Vec<bool>,
}

impl Interner {
    /// The table's hash of a feature hash: feature hashes are made by
    /// several hash functions, so their bits are mixed once more.
    fn slot_hash(h: u64) -> u64 {
        (h ^ (h >> 29)).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }

    fn intern(&mut self, h: u64, original: bool) -> u32 {
        let hashes = &self.hashes;
        let id = match self.ids.entry(
            Self::slot_hash(h),
            |&id| hashes[id as usize] == h,
            |&id| Self::slot_hash(hashes[id as usize]),
        ) {
            hashbrown::hash_table::Entry::Occupied(e) => *e.get(),
            hashbrown::hash_table::Entry::Vacant(e) => {
                let id = self.hashes.len() as u32;
                e.insert(id);
                self.hashes.push(h);
                self.counts.push(0);
                self.original.push(false);
                id
            }
        };
        self.counts[id as usize] += 1;
        self.original[id as usize] |= original;
        id
    }

    /// The id of a feature hash met before.
    fn get(&self, h: u64) -> Option<u32> {
        self.ids
            .find(Self::slot_hash(h), |&id| self.hashes[id as usize] == h)
            .copied()
    }
}

fn per_fold<T: Send + Default>(
    n: usize,
    folds: usize,
    fold_of: impl Fn(usize) -> Option<usize> + Sync,
    work: impl Fn(usize, Vec<usize>) -> Vec<T> + Sync,
) -> Vec<T> {
    let done: Vec<(Vec<usize>, Vec<T>)> = (0..folds)
        .into_par_iter()
        .map(|f| {
            let inside: Vec<usize> = (0..n).filter(|&i| fold_of(i) == Some(f)).collect();
            (inside.clone(), work(f, inside))
        })
        .collect();
    let mut out: Vec<T> = (0..n).map(|_| T::default()).collect();
    for (inside, results) in done {
        for (i, r) in inside.into_iter().zip(results) {
            out[i] = r;
        }
    }
    out
}

/// One model; advances `control` by exactly [`model_units`] for
/// `domains.n_main` (unless cancelled: then `Err(Cancelled)`).
#[allow(clippy::too_many_arguments)]
fn train_tokens(
    toks: &[Vec<Token>],
    data: &[&Sentence],
    domains: &Domains,
    types: &[String],
    gazetteer: &GazetteerEntries,
    cfg: &TrainConfig,
    control: &TrainControl,
    mut progress: impl FnMut(usize),
) -> Result<Model, TrainError> {
    control.check()?;
    // What the previous model's training freed goes back to the system
    // before this one grows: otherwise each fold model's peak builds on
    // the last one's leftovers (a workbench retraining on the shipped base
    // data peaked at 568 MB; 524 MB with this, 475 MB with the two frees
    // below; one-thread runs of `ModelProposer::retrain`, 2026-12-06).
    crate::heap::trim();
    let labels = label_set(types, cfg.bioes);
    let l = labels.len();
    let label_id: HashMap<&str, usize> = labels
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i))
        .collect();
    let gold: Vec<Vec<usize>> = data[..domains.n_train]
        .iter()
        .map(|s| {
            let tags = if cfg.bioes {
                iob2_to_bioes(&s.tags)
            } else {
                s.tags.clone()
            };
            tags.iter().map(|t| label_id[t.as_str()]).collect()
        })
        .collect();

    // Sentences the lexicons are mined from; with `extra_lexicon_fill` the
    // extra data has a lexicon of its own that only fills gaps.
    let lex_end = if cfg.extra_lexicon_fill {
        domains.n_train
    } else {
        data.len()
    };
    let extra_lex = (cfg.extra_lexicon_fill && lex_end < data.len()).then(|| {
        Lexicon::build(
            types,
            (lex_end..data.len()).map(|i| (&toks[i][..], &data[i].tags[..])),
        )
    });
    // Person names only when their group is used: they would only make
    // the file bigger (and shadow places of the same spelling). Normalised
    // once, not once per lexicon fold.
    let names = cfg.groups.has(Groups::PERSON_NAMES);
    let gazetteer_norms: Vec<(String, &str)> = gazetteer
        .iter()
        .filter(|(_, l)| names || l != "PER")
        .map(|(form, label)| (Token::new(form).norm, label.as_str()))
        .collect();
    let with_gazetteer = |mut lex: Lexicon| {
        if let Some(x) = &extra_lex {
            if cfg.extra_fill_persons_only {
                let per = ["PER", "PERS"]
                    .iter()
                    .find_map(|p| types.iter().position(|t| t == p))
                    .map_or(u8::MAX, |p| p as u8 + 1);
                lex.fill_unknown_from_where(x, |c| c == 0 || c == per);
            } else {
                lex.fill_unknown_from(x);
            }
        }
        for (norm, label) in &gazetteer_norms {
            lex.add_gazetteer(norm, label);
        }
        lex
    };
    let full = with_gazetteer(Lexicon::build(
        types,
        toks[..lex_end]
            .iter()
            .zip(&data[..lex_end])
            .map(|(t, s)| (&t[..], &s.tags[..])),
    ));
    control.advance(LEXICON_UNITS);
    control.check()?;

    // Each training sentence sees a lexicon built without its own fold.
    // Its feature hashes are interned as they are made (4 bytes a feature
    // instead of 8, counted on the way): all sentences' hashes were held
    // whole before the ids were made, the largest part of the training's
    // peak memory.
    let n = domains.n_train;
    let folds = cfg.folds.clamp(1, domains.n_main.max(1));
    let fold_of = |i: usize| domains.fold(i, folds);
    let interner = std::sync::Mutex::new(Interner::default());
    let mut interned: Vec<(Vec<u32>, Vec<usize>)> = per_fold(n, folds, fold_of, |f, inside| {
        if control.is_cancelled() {
            // Placeholders, never used (checked below).
            return Vec::new();
        }
        let lex = if folds == 1 {
            full.clone()
        } else {
            with_gazetteer(Lexicon::build(
                types,
                (0..lex_end)
                    .filter(|&i| fold_of(i) != Some(f))
                    .map(|i| (&toks[i][..], &data[i].tags[..])),
            ))
        };
        let mut sf = SentenceFeatures::default();
        let mut copies = SentenceFeatures::default();
        let out = inside
            .into_iter()
            .map(|i| {
                extract(&toks[i], &lex, cfg.groups, &mut sf);
                let own = if cfg.domain_copies {
                    // Each feature beside its copy for the sentence's domain.
                    let d = domains.is_extra(i) as u8;
                    copies.hashes.clear();
                    copies.offsets.clear();
                    copies.offsets.push(0);
                    for t in 0..sf.len() {
                        for &h in sf.token(t) {
                            copies.hashes.push(h);
                            copies.hashes.push(domain_copy(h, d));
                        }
                        copies.offsets.push(copies.hashes.len());
                    }
                    &copies
                } else {
                    &sf
                };
                let mut table = interner.lock().unwrap_or_else(|e| e.into_inner());
                let ids = own
                    .hashes
                    .iter()
                    .enumerate()
                    // With domain copies every other hash is a copy.
                    .map(|(k, &h)| table.intern(h, !cfg.domain_copies || k % 2 == 0))
                    .collect();
                (ids, own.offsets.clone())
            })
            .collect();
        control.advance(FOLD_UNITS);
        out
    });
    control.check()?;
    let table = interner.into_inner().unwrap_or_else(|e| e.into_inner());
    // Perceptron step per sentence, in quarters.
    let extra_step = ((cfg.extra_weight * 4.0).round() as i32).max(1);
    let steps: Vec<i32> = (0..n)
        .map(|i| if domains.is_extra(i) { extra_step } else { 4 })
        .collect();

    // Dense ids for features seen often enough, in hash order.
    let mut kept: Vec<(u64, u32)> = table
        .hashes
        .iter()
        .zip(&table.counts)
        .enumerate()
        .filter(|&(_, (_, &c))| c >= cfg.min_count)
        .map(|(id, (&h, _))| (h, id as u32))
        .collect();
    kept.sort_unstable();
    let mut dense_of = vec![u32::MAX; table.hashes.len()];
    for (d, &(_, id)) in kept.iter().enumerate() {
        dense_of[id as usize] = d as u32;
    }
    let kept: Vec<u64> = kept.into_iter().map(|(h, _)| h).collect();
    control.advance(COUNT_UNITS);
    control.check()?;
    // Per sentence: per token the dense feature ids, made in place (the
    // features seen too rarely leave; each token's offsets follow).
    for (ids, off) in &mut interned {
        let mut w = 0;
        let mut a = off.first().copied().unwrap_or(0);
        for o in off.iter_mut().skip(1) {
            let b = *o;
            for r in a..b {
                let d = dense_of[ids[r] as usize];
                if d != u32::MAX {
                    ids[w] = d;
                    w += 1;
                }
            }
            *o = w;
            a = b;
        }
        ids.truncate(w);
        ids.shrink_to_fit();
    }
    let feats: Vec<(Vec<u32>, Vec<usize>)> = interned;
    // The hash → id table is needed again only to join domain copies; the
    // weights are trained without it.
    let copies = if cfg.domain_copies {
        Some((table, dense_of))
    } else {
        drop((table, dense_of));
        None
    };
    control.advance(IDS_UNITS);
    control.check()?;
    let nf = kept.len();
    let allowed = super::model::allowed_for(&labels);
    // Several runs over differently shuffled data, weights averaged: one
    // perceptron run moves by ±1 point of F1 with the shuffle alone.
    // The CRF learners' view of the same sentences.
    let items: Vec<super::crf::Item> = feats
        .iter()
        .zip(&gold)
        .map(|((ids, off), g)| super::crf::Item { ids, off, gold: g })
        .collect();
    let runs = cfg.ensemble.max(1);
    // One run's weights are the model's as they are (no zeroed sum beside
    // them: nf × l floats, 36 MB at the shipped base data); several are
    // averaged.
    let mut w: Vec<f32> = Vec::new();
    let mut trans: Vec<f32> = Vec::new();
    for run in 0..runs {
        let mut rng = Rng((cfg.seed.wrapping_add(run as u64 * 0x9E37_79B9)) | 1);
        let mut order: Vec<usize> = (0..n).collect();
        let mut next_order = |_epoch: usize| {
            rng.shuffle(&mut order);
            order.clone()
        };
        // Every epoch is a unit; `false` stops the run (cancelled).
        let mut reported = 0;
        let mut report = |e: usize| {
            reported += 1;
            control.advance(1);
            if run + 1 == runs {
                progress(e)
            }
            !control.is_cancelled()
        };
        let (rw, rt) = match cfg.algorithm {
            Algorithm::Perceptron => perceptron(
                &feats,
                &gold,
                &steps,
                nf,
                l,
                &allowed,
                cfg.epochs,
                &mut next_order,
                &mut report,
            ),
            Algorithm::Crf => {
                let sgd = super::crf::Sgd {
                    epochs: cfg.epochs,
                    c2: cfg.c2,
                    eta0: cfg.eta0,
                };
                super::crf::train(&items, &mut next_order, nf, l, &allowed, &sgd, &mut report)
            }
            Algorithm::Lbfgs => {
                let cfg = super::crf::Lbfgs {
                    max_iterations: cfg.epochs,
                    c2: cfg.c2,
                };
                super::crf::train_lbfgs(&items, nf, l, &allowed, &cfg, &mut report)
            }
        };
        control.check()?;
        // L-BFGS may converge before its last iteration: the rest counts.
        control.advance((cfg.epochs as u64).saturating_sub(reported));
        if runs == 1 {
            // As `0 + x / 1` gave them (a negative zero becomes 0).
            w = rw;
            trans = rt;
            for x in w.iter_mut().chain(trans.iter_mut()) {
                *x += 0.0;
            }
            continue;
        }
        if w.is_empty() {
            w = vec![0f32; nf * l];
            trans = vec![0f32; (l + 1) * l];
        }
        for (a, b) in w.iter_mut().zip(rw) {
            *a += b / runs as f32;
        }
        for (a, b) in trans.iter_mut().zip(rt) {
            *a += b / runs as f32;
        }
    }
    let mut out = Vec::with_capacity(nf);
    for (f, &h) in kept.iter().enumerate() {
        // With domain copies, a shared feature's weight gains its main-domain
        // copy's (new text is main-domain text); the copies themselves go.
        let main_copy = if let Some((table, dense_of)) = &copies {
            if !table.get(h).is_some_and(|i| table.original[i as usize]) {
                continue;
            }
            table
                .get(domain_copy(h, 0))
                .map(|i| dense_of[i as usize])
                .filter(|&c| c != u32::MAX)
                .map(|c| c as usize)
        } else {
            None
        };
        let ws: Vec<(u8, f32)> = (0..l)
            .filter_map(|k| {
                let x = w[f * l + k] + main_copy.map_or(0.0, |c| w[c * l + k]);
                (x.abs() > cfg.prune).then_some((k as u8, x))
            })
            .collect();
        if !ws.is_empty() {
            out.push((h, ws));
        }
    }
    let mut model = Model::from_parts(labels, cfg.groups, full, trans, out);
    model.outside_penalty = cfg.outside_penalty;
    model.temperature = cfg
        .temperature
        .unwrap_or_else(|| cfg.algorithm.temperature());
    Ok(model)
}

/// Averaged structured perceptron with integer updates; returns averaged
/// `(state weights nf × l, transition weights (l + 1) × l)`. `progress` is
/// told each finished epoch; `false` from it stops (cancelled).
#[allow(clippy::too_many_arguments)]
fn perceptron(
    feats: &[(Vec<u32>, Vec<usize>)],
    gold: &[Vec<usize>],
    steps: &[i32],
    nf: usize,
    l: usize,
    allowed: &[bool],
    epochs: usize,
    next_order: &mut dyn FnMut(usize) -> Vec<usize>,
    progress: &mut dyn FnMut(usize) -> bool,
) -> (Vec<f32>, Vec<f32>) {
    let mut w = vec![0i32; nf * l];
    let mut u = vec![0i64; nf * l];
    let tl = (l + 1) * l;
    let mut tw = vec![0i32; tl];
    let mut tu = vec![0i64; tl];
    let mut c: i64 = 1;
    let mut e: Vec<f32> = Vec::new();
    let trans_f = |tw: &[i32]| -> Vec<f32> { tw.iter().map(|&x| x as f32).collect() };
    for epoch in 0..epochs {
        let mut tf = trans_f(&tw);
        for s in next_order(epoch) {
            let (ids, off) = &feats[s];
            let len = off.len() - 1;
            e.clear();
            e.resize(len * l, 0.0);
            for i in 0..len {
                for &f in &ids[off[i]..off[i + 1]] {
                    let row = &w[f as usize * l..(f as usize + 1) * l];
                    for (k, &x) in row.iter().enumerate() {
                        e[i * l + k] += x as f32;
                    }
                }
            }
            let pred = viterbi(&e, &tf, allowed, l);
            let g = &gold[s];
            let step = steps[s];
            let cs = c * step as i64;
            if pred != *g {
                for i in 0..len {
                    if pred[i] != g[i] {
                        for &f in &ids[off[i]..off[i + 1]] {
                            let base = f as usize * l;
                            w[base + g[i]] += step;
                            u[base + g[i]] += cs;
                            w[base + pred[i]] -= step;
                            u[base + pred[i]] -= cs;
                        }
                    }
                    let pg = if i == 0 { l } else { g[i - 1] };
                    let pp = if i == 0 { l } else { pred[i - 1] };
                    if (pg, g[i]) != (pp, pred[i]) {
                        tw[pg * l + g[i]] += step;
                        tu[pg * l + g[i]] += cs;
                        tw[pp * l + pred[i]] -= step;
                        tu[pp * l + pred[i]] -= cs;
                    }
                }
                tf = trans_f(&tw);
            }
            c += 1;
        }
        if !progress(epoch + 1) {
            break;
        }
    }
    // Steps are in quarters (`steps`); dividing by 4 keeps the weights'
    // scale (exactly: 4 is a power of two), so temperature and penalties
    // mean what they meant before weights existed.
    let avg = |w: i32, u: i64| -> f32 { ((w as f64 - u as f64 / c as f64) / 4.0) as f32 };
    (
        w.iter().zip(&u).map(|(&a, &b)| avg(a, b)).collect(),
        tw.iter().zip(&tu).map(|(&a, &b)| avg(a, b)).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::propose::iob::read_conll;

    fn toy() -> Vec<Sentence> {
        let text = "\
قال O\nالرئيس O\nجورج B-PER\nبوش I-PER\nفي O\nباريس B-LOC\n\n\
زار O\nالرئيس O\nسامي B-PER\nلندن B-LOC\n\n\
وصل O\nوزير O\nالى O\nالقاهرة B-LOC\n\n\
قال O\nالسيد O\nجورج B-PER\nفي O\nمصر B-LOC\n\n";
        let mut s = read_conll(text, true).unwrap();
        let copy = s.clone();
        for _ in 0..5 {
            s.extend(copy.iter().cloned());
        }
        s
    }

    const SENTENCE: [&str; 6] = ["قال", "الرئيس", "جورج", "بوش", "في", "باريس"];

    /// Trains on the toy data, checks that `SENTENCE` gets its gold tags
    /// and that a second run gives the same bytes.
    fn fits_toy_repeatably(cfg: &TrainConfig) -> Model {
        let m = train(&toy(), &[], cfg, |_| {}).unwrap();
        let tags: Vec<&str> = m
            .tag(&SENTENCE)
            .into_iter()
            .map(|t| m.tag_name(t))
            .collect();
        assert_eq!(tags, ["O", "O", "B-PER", "I-PER", "O", "B-LOC"]);
        let again = train(&toy(), &[], cfg, |_| {}).unwrap();
        assert_eq!(m.to_bytes(), again.to_bytes());
        m
    }

    #[test]
    fn learns_the_training_data_and_is_repeatable() {
        fits_toy_repeatably(&TrainConfig {
            min_count: 1,
            folds: 2,
            ..TrainConfig::default()
        });
    }

    #[test]
    fn the_model_is_the_same_on_one_thread_and_on_several() {
        // Fold models and lexicon folds train in parallel; the file must
        // not depend on how many threads did it.
        let cfg = TrainConfig {
            min_count: 1,
            folds: 3,
            first_pass_folds: 3,
            ..TrainConfig::default()
        };
        let on = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("a thread pool");
            pool.install(|| train(&toy(), &[], &cfg, |_| {}).expect("trains").to_bytes())
        };
        let one = on(1);
        assert_eq!(one, on(3));
        assert_eq!(one, on(2));
    }

    #[test]
    fn lbfgs_training_learns_the_toy_data_repeatably_with_honest_confidences() {
        let cfg = TrainConfig {
            min_count: 1,
            folds: 2,
            first_pass_folds: 2,
            algorithm: Algorithm::Lbfgs,
            epochs: 60,
            ..TrainConfig::default()
        };
        let m = fits_toy_repeatably(&cfg);
        assert_eq!(m.temperature, 1.0, "CRF scores are log-potentials");
        let conf = &m.tag_document(&[SENTENCE.to_vec()], true)[0].confidence;
        assert!(conf.iter().all(|c| (0.5..=1.0).contains(c)), "{conf:?}");
    }

    #[test]
    fn bioes_training_tags_in_iob2_and_stores_its_tag_set() {
        let cfg = TrainConfig {
            min_count: 1,
            folds: 2,
            bioes: true,
            ..TrainConfig::default()
        };
        let m = fits_toy_repeatably(&cfg);
        assert!(m.labels.iter().any(|t| t == "S-LOC"));
        let back = Model::from_bytes(&m.to_bytes()).unwrap();
        assert_eq!(back.labels, m.labels);
        assert_eq!(back.to_bytes(), m.to_bytes());
    }

    /// Extra data of another domain: a name only it has.
    fn extra() -> Vec<Sentence> {
        let text = "زار O\nالرئيس O\nيوهانس B-PER\nروما B-LOC\n\n";
        let s = read_conll(text, true).unwrap();
        s.iter().cycle().take(6).cloned().collect()
    }

    #[test]
    fn extra_data_modes_train_repeatably_and_keep_the_main_data_right() {
        let base = TrainConfig {
            min_count: 1,
            folds: 2,
            first_pass_folds: 2,
            ..TrainConfig::default()
        };
        let modes = [
            base.clone(),
            TrainConfig {
                extra_weight: 0.5,
                domain_copies: true,
                ..base.clone()
            },
            TrainConfig {
                extra_lexicon_only: true,
                ..base.clone()
            },
            TrainConfig {
                extra_lexicon_fill: true,
                extra_fill_persons_only: true,
                ..base.clone()
            },
        ];
        let plain = train(&toy(), &[], &base, |_| {}).unwrap();
        for cfg in &modes {
            let m = train_with_extra(&toy(), &extra(), &[], cfg, |_| {}).unwrap();
            let again = train_with_extra(&toy(), &extra(), &[], cfg, |_| {}).unwrap();
            assert_eq!(m.to_bytes(), again.to_bytes(), "{cfg:?}");
            assert_ne!(
                m.to_bytes(),
                plain.to_bytes(),
                "the extra data changes the model"
            );
            let tags: Vec<&str> = m
                .tag(&SENTENCE)
                .into_iter()
                .map(|t| m.tag_name(t))
                .collect();
            assert_eq!(tags, ["O", "O", "B-PER", "I-PER", "O", "B-LOC"], "{cfg:?}");
            // the extra name is known to the lexicon the model keeps
            let name = crate::propose::features::Token::new("يوهانس");
            let known = m.lexicon.word_class(&name.norm).0 != crate::propose::lexicon::UNSEEN;
            assert!(known, "{cfg:?}");
        }
        // no extra data: the same model as `train`, byte for byte
        let none = train_with_extra(&toy(), &[], &[], &base, |_| {}).unwrap();
        assert_eq!(none.to_bytes(), plain.to_bytes());
    }

    /// Trains on the toy data on one thread (as the workbench does, so the
    /// listener sees the steps in order) with `control`.
    fn train_on_one_thread(
        cfg: &TrainConfig,
        control: &TrainControl,
        epochs: &mut usize,
    ) -> Result<Model, TrainError> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("a thread pool");
        pool.install(|| train_with_control(&toy(), &[], &[], cfg, control, |_| *epochs += 1))
    }

    fn small() -> TrainConfig {
        TrainConfig {
            min_count: 1,
            folds: 2,
            first_pass_folds: 2,
            ..TrainConfig::default()
        }
    }

    /// The fractions a control's listener saw, in order.
    fn recording(
        also: impl Fn(&TrainControl) + Send + Sync + 'static,
    ) -> (TrainControl, std::sync::Arc<std::sync::Mutex<Vec<f32>>>) {
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let s = seen.clone();
        let control = TrainControl::with_listener(move |c| {
            s.lock().expect("not poisoned").push(c.fraction());
            also(c);
        });
        (control, seen)
    }

    #[test]
    fn progress_rises_over_every_stage_to_one_and_changes_nothing() {
        let cfg = small();
        let (control, seen) = recording(|_| {});
        let mut epochs = 0;
        let m = train_on_one_thread(&cfg, &control, &mut epochs).unwrap();
        assert_eq!(
            m.to_bytes(),
            train(&toy(), &[], &cfg, |_| {}).unwrap().to_bytes(),
            "the same model as without a control"
        );
        assert_eq!(epochs, cfg.epochs, "the final pass's epochs still reported");
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen.first(), Some(&0.0), "begins at 0");
        assert!(seen.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
        assert_eq!(seen.last(), Some(&1.0), "{seen:?}");
        assert_eq!(control.fraction(), 1.0);
        // Every stage counts, not only epochs: the tokens (1 unit), then
        // two fold models, the first pass and the final model, each with
        // its lexicon (1), 2 lexicon folds (1 each), feature counting (2)
        // and ids (2), 12 epochs (1 each); one step each, after `begin`.
        let per_model = 1 + 2 + 2 + 2 + cfg.epochs;
        assert_eq!((1.0 / seen[1]).round() as usize, 1 + 4 * per_model);
        let steps = 1 + 2 + 1 + 1 + cfg.epochs;
        assert_eq!(seen.len(), 1 + 1 + 4 * steps, "{seen:?}");
    }

    #[test]
    fn a_cancelled_training_stops_at_its_next_check_with_its_own_error() {
        // Cancelled from the listener once 30 % is done (inside the first
        // fold model's epochs).
        let (control, seen) = recording(|c| {
            if c.fraction() >= 0.3 {
                c.cancel();
            }
        });
        let mut epochs = 0;
        let r = train_on_one_thread(&small(), &control, &mut epochs);
        assert!(matches!(r, Err(TrainError::Cancelled)), "{r:?}");
        assert!(control.is_cancelled());
        assert_eq!(epochs, 0, "the final pass never started");
        let seen = seen.lock().unwrap().clone();
        // The step that cancelled it is the last: no unit of work (about
        // one epoch) was done after it.
        let at = seen.iter().position(|&f| f >= 0.3).expect("reached 30 %");
        assert_eq!(at + 1, seen.len(), "{seen:?}");
        assert!(control.fraction() < 0.5);
        // Cancelled before it starts: nothing is done at all.
        let early = TrainControl::new();
        assert!(early.cancel());
        let r = train_with_control(&toy(), &[], &[], &small(), &early, |_| {});
        assert!(matches!(r, Err(TrainError::Cancelled)), "{r:?}");
        assert_eq!(early.fraction(), 0.0);
    }

    #[test]
    fn cancel_and_commit_exclude_each_other() {
        let c = TrainControl::new();
        assert!(c.commit());
        assert!(!c.cancel(), "too late once the model is in use");
        assert!(!c.is_cancelled());
        assert!(c.commit());
        let c = TrainControl::new();
        assert!(c.cancel());
        assert!(c.cancel());
        assert!(!c.commit(), "a cancelled training's model is never used");
    }

    #[test]
    fn rejects_empty_and_ragged_data() {
        assert!(matches!(
            train(&[], &[], &TrainConfig::default(), |_| {}),
            Err(TrainError::Empty)
        ));
        let bad = Sentence {
            tokens: vec!["a".into(), "b".into()],
            tags: vec!["O".into()],
            line: 7,
        };
        assert!(matches!(
            train(&[bad], &[], &TrainConfig::default(), |_| {}),
            Err(TrainError::Ragged(7, 2, 1))
        ));
    }
}
