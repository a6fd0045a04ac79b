//! Long operations off the frame's thread: annotate-all and the bulk
//! accepts (and the corpus-wide follow-up of both) on a corpus of many
//! documents.
//!
//! What is expensive in them depends on the documents' texts only, which
//! never change while a session is open: finding the whole-word
//! occurrences of a string (normalising and tokenising every candidate
//! document), finding the documents that may hold the decided names (the
//! follow-up's corpus scan) and building the views of the text that
//! settling those documents reads ([`DocParts`]). A [`BulkJob`] does that on
//! a thread of its own over the corpus's `Arc<Document>`s and the search
//! index, reporting its progress ([`JobProgress`]) and stopping when
//! cancelled. What depends on the annotations, which the annotator keeps
//! editing meanwhile, is decided when the result is applied, in
//! [`super::Session::poll`], from the annotations as they are then: the
//! job's plan is made against the current revision of every document, so
//! an edit made while it ran is never lost or overwritten (see
//! `docs/workflow.md`). The whole operation is then one undo step.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::{Duration, Instant};

use crate::arabic::{name_key, normalize};
use crate::corpus::Document;

use crate::annotation::{DocAnnotations, Edit};

use super::bulk::{AnnotatePreview, plan_for};
use super::command::Outcome;
use super::doc_list::next_generation;
use super::doc_settle::{self, DocParts, may_hold};
use super::proposals::Proposer;
use super::search::{Scope, occurrence_query, whole_word_occurrences};
use super::search_index::{DocSet, SearchIndex};
use super::session::{JobEnd, Session};
use super::settle::Knowledge;
use super::steps::{SettleWith, Settled, changed_places, follow_inverse, settle_docs, start_edit};
use super::undo::{Change, Step, describe};
use super::waker::Waker;
use super::words::WordEdges;
use crate::text::count;

/// Corpora of at least this many documents run bulk commands and the
/// annotate-all preview in the background (smaller ones answer within a
/// frame: 24 ms for annotate-all at 1,000 documents before this existed);
/// see [`super::Session::set_background_from`].
pub const BACKGROUND_FROM: usize = 1000;

/// How many times annotate-all's landing is prepared again, on a snapshot
/// taken then, when something it read changed while its job ran (an edit,
/// proposals arriving in a document it reached), before the frame decides
/// it instead. Preparing again reuses the occurrences, the documents
/// holding the names and their views: tens of milliseconds at 20,000
/// documents, against 20 ms or more of one frame.
pub const LANDING_TRIES: u8 = 3;

/// The most often a job wakes the UI to show its progress.
const WAKE_EVERY: Duration = Duration::from_millis(30);

/// Whole-word occurrences per document (corpus position, char ranges), in
/// corpus order, documents with none left out.
pub(super) type Found = Vec<(usize, Vec<(usize, usize)>)>;

/// Per decided name key, the documents that may hold it ([`may_hold`]).
pub(super) type Holding = BTreeMap<String, Vec<usize>>;

/// Which accept-all a job prepares.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum AcceptWhich {
    Label(String),
    Above(f32),
}

/// What a job does once its background part is over.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum JobKind {
    AnnotateAll {
        text: String,
        label: String,
        scope: Scope,
    },
    /// Accept all of document `doc`'s pending proposals passing `which`.
    Accept { doc: usize, which: AcceptWhich },
}

impl JobKind {
    /// What the status bar calls it.
    pub(super) fn name(&self) -> String {
        match self {
            JobKind::AnnotateAll { text, label, scope } => {
                let where_ = match scope {
                    Scope::Corpus => "the corpus",
                    Scope::Document => "this document",
                };
                format!("annotate-all «{text}» as {label} in {where_}")
            }
            JobKind::Accept {
                which: AcceptWhich::Label(l),
                ..
            } => format!("accept all {l}"),
            JobKind::Accept {
                which: AcceptWhich::Above(t),
                ..
            } => format!("accept all above {t:.2}"),
        }
    }
}

/// What the job does now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobPhase {
    /// Finding the occurrences of the text (annotate-all).
    Finding,
    /// Finding the other documents that mention the decided names.
    Following,
    /// Reading the documents the decision reaches.
    Reading,
}

impl JobPhase {
    pub fn as_str(self) -> &'static str {
        match self {
            JobPhase::Finding => "finding occurrences",
            JobPhase::Following => "finding the names elsewhere",
            JobPhase::Reading => "reading the documents reached",
        }
    }
}

/// A running job's progress, for the status bar.
#[derive(Debug, Clone, PartialEq)]
pub struct JobProgress {
    /// What runs ("annotate-all «سوسة» as LOC in the corpus").
    pub what: String,
    pub phase: JobPhase,
    /// Documents done of `total` in this phase.
    pub done: usize,
    pub total: usize,
}

impl JobProgress {
    /// Done so far, 0 to 1, over all phases of the job.
    pub fn fraction(&self) -> f32 {
        let part = if self.total == 0 {
            1.0
        } else {
            self.done as f32 / self.total as f32
        };
        let (before, share) = match self.phase {
            JobPhase::Finding => (0.0, 0.5),
            JobPhase::Following => (0.5, 0.25),
            JobPhase::Reading => (0.75, 0.25),
        };
        (before + share * part).clamp(0.0, 1.0)
    }

    /// "annotate-all «سوسة» as LOC in the corpus: finding occurrences, 5,000 / 20,000 documents"
    pub fn text(&self) -> String {
        format!(
            "{}: {}, {} / {} documents",
            self.what,
            self.phase.as_str(),
            self.done,
            self.total
        )
    }
}

/// Shared between the job's thread and the session.
#[derive(Default)]
struct Shared {
    cancel: AtomicBool,
    phase: AtomicU8,
    done: AtomicUsize,
    total: AtomicUsize,
    /// Tests: while set, the thread waits after each document.
    held: AtomicBool,
}

/// What the job's thread is given: the corpus and what to look for.
pub(super) struct JobInput {
    pub docs: Vec<Arc<Document>>,
    pub index: Option<Arc<SearchIndex>>,
    /// Annotate-all: the text, and the documents to look in (`None`: the
    /// corpus, through the index when there is one).
    pub find: Option<(String, Option<Vec<usize>>)>,
    /// Occurrences already found (the preview's), instead of `find`.
    pub found: Option<Found>,
    /// Name keys known to be decided (accept-all) and documents known to be
    /// edited.
    pub keys: Vec<String>,
    pub edited: Vec<usize>,
    /// Only find the occurrences (the preview); no follow-up.
    pub find_only: bool,
    /// Annotate-all: what its landing is prepared from ([`Landing`]).
    pub land: Option<LandInput>,
    /// What an earlier run of the job found (the documents holding the
    /// names, their views), with `found`: only the landing is prepared.
    pub prepared: Option<(Holding, HashMap<usize, DocParts>)>,
}

/// A snapshot of what annotate-all's result depends on beyond the texts,
/// taken when the job starts (reference counts, no copies): with it the
/// job prepares the whole landing, so the frame that takes the result in
/// only puts it in place ([`Landing`]).
pub(super) struct LandInput {
    pub label: String,
    /// Every document's annotations, by corpus position.
    pub annotations: Vec<Arc<DocAnnotations>>,
    pub read_only: Vec<bool>,
    pub knowledge: Arc<Knowledge>,
    pub names: Option<Arc<dyn Proposer>>,
}

/// Annotate-all decided off the frame, on the annotations as they were
/// when the job started: what the frame's path
/// ([`Session::commit_prepared`]) would do, ready to be put in place. Used
/// only when nothing it read changed meanwhile (the same knowledge, the same
/// revision of every document it reached, see `Session::can_land`);
/// otherwise the frame decides on the annotations as they are then.
pub(super) struct Landing {
    /// The knowledge the job read; the session must still hold this one.
    pub from: Arc<Knowledge>,
    /// The proposer whose names the job asked about.
    pub names: Option<Arc<dyn Proposer>>,
    /// The knowledge once the edits are made.
    pub knowledge: Arc<Knowledge>,
    /// Every document the job reached (edited or settled): their revisions
    /// must be those the job started from.
    pub reach: Vec<usize>,
    /// The new annotations of every document that changed.
    pub annotations: Vec<(usize, Arc<DocAnnotations>)>,
    /// The undo step's changes: the edits' inverses, then the follow-up's.
    pub changes: Vec<Change>,
    /// How many of `changes` are the edits' (the rest followed).
    pub edits: usize,
    /// Occurrences annotated and documents they are in.
    pub items: usize,
    pub documents: usize,
}

/// What the job's thread found.
#[derive(Default)]
pub(super) struct JobOutput {
    pub found: Found,
    /// Per decided name key: the documents that may hold it or a variant
    /// ([`may_hold`]), read-only ones included.
    pub holding: BTreeMap<String, Vec<usize>>,
    /// The views settling reads, of every document the decision reaches.
    pub parts: HashMap<usize, DocParts>,
    /// Annotate-all's landing, when the job could prepare it.
    pub landing: Option<Landing>,
}

/// A job running on its own thread. Dropping it cancels it: the thread
/// stops at its next document and nothing is applied.
pub(super) struct BulkJob {
    pub kind: JobKind,
    /// Every document's revision when the job started (see
    /// [`super::Session::doc_revision`]), to count the documents edited
    /// while it ran.
    pub revs: Vec<u64>,
    rx: Receiver<JobOutput>,
    shared: Arc<Shared>,
    pub started: Instant,
    /// Times its landing was prepared again ([`LANDING_TRIES`]), and the
    /// documents that changed under the earlier tries.
    tries: u8,
    changed_before: usize,
}

impl BulkJob {
    /// Starts the job's thread; with `held`, it stops after its first
    /// document until [`BulkJob::release`] (tests).
    pub(super) fn start(
        kind: JobKind,
        input: JobInput,
        revs: Vec<u64>,
        waker: Waker,
        held: bool,
    ) -> BulkJob {
        let (tx, rx) = channel();
        let shared = Arc::new(Shared::default());
        shared.held.store(held, Ordering::SeqCst);
        // What the status bar says until the thread says more.
        let first = if input.prepared.is_some() {
            2
        } else if input.find.is_some() {
            0
        } else {
            1
        };
        shared.phase.store(first, Ordering::SeqCst);
        let on_thread = shared.clone();
        std::thread::Builder::new()
            .name("kashif-bulk".into())
            .spawn(move || {
                super::priority::lower_this_thread();
                let mut report = Report {
                    shared: &on_thread,
                    waker: &waker,
                    last: Instant::now(),
                };
                if let Some(out) = run(input, &mut report)
                    && tx.send(out).is_ok()
                {
                    waker.wake();
                }
            })
            .ok();
        BulkJob {
            kind,
            revs,
            rx,
            shared,
            started: Instant::now(),
            tries: 0,
            changed_before: 0,
        }
    }

    /// Lets a held job go on.
    pub(super) fn release(&self) {
        self.shared.held.store(false, Ordering::SeqCst);
    }

    pub(super) fn progress(&self) -> JobProgress {
        let phase = match self.shared.phase.load(Ordering::Relaxed) {
            0 => JobPhase::Finding,
            1 => JobPhase::Following,
            _ => JobPhase::Reading,
        };
        JobProgress {
            what: self.kind.name(),
            phase,
            done: self.shared.done.load(Ordering::Relaxed),
            total: self.shared.total.load(Ordering::Relaxed),
        }
    }

    /// The result once the thread finished; `Err(())` when the thread is
    /// gone without one (it failed).
    pub(super) fn try_take(&self) -> Result<Option<JobOutput>, ()> {
        match self.rx.try_recv() {
            Ok(out) => Ok(Some(out)),
            Err(TryRecvError::Empty) => Ok(None),
            Err(TryRecvError::Disconnected) => Err(()),
        }
    }

    /// Blocks until the thread finished (tests, benches).
    pub(super) fn wait(&self) -> Option<JobOutput> {
        self.release();
        self.rx.recv().ok()
    }
}

impl Drop for BulkJob {
    fn drop(&mut self) {
        self.shared.cancel.store(true, Ordering::SeqCst);
    }
}

/// The thread's side of the progress.
struct Report<'a> {
    shared: &'a Shared,
    waker: &'a Waker,
    last: Instant,
}

impl Report<'_> {
    fn phase(&mut self, phase: JobPhase, total: usize) {
        let p = match phase {
            JobPhase::Finding => 0,
            JobPhase::Following => 1,
            JobPhase::Reading => 2,
        };
        self.shared.done.store(0, Ordering::Relaxed);
        self.shared.total.store(total, Ordering::Relaxed);
        self.shared.phase.store(p, Ordering::Relaxed);
        self.waker.wake();
    }

    /// One more document done; `false` when cancelled.
    fn step(&mut self) -> bool {
        self.shared.done.fetch_add(1, Ordering::Relaxed);
        if self.last.elapsed() >= WAKE_EVERY {
            self.last = Instant::now();
            self.waker.wake();
        }
        while self.shared.held.load(Ordering::SeqCst) {
            if self.shared.cancel.load(Ordering::SeqCst) {
                return false;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        !self.shared.cancel.load(Ordering::Relaxed)
    }
}

/// The whole-word occurrences of `text` in document `doc`.
pub(super) fn occurrences(doc: &Document, words: &WordEdges, text: &str) -> Vec<(usize, usize)> {
    whole_word_occurrences(&doc.text, words, text)
}

/// Documents that may hold one of `keys` (or a variant), per key: those
/// the index names for any word of the key, tested with [`may_hold`] on
/// their normalised text (every document without an index).
fn holding(
    docs: &[Arc<Document>],
    index: Option<&SearchIndex>,
    keys: &[String],
    report: &mut Report,
) -> Option<BTreeMap<String, Vec<usize>>> {
    let mut out: BTreeMap<String, Vec<usize>> =
        keys.iter().map(|k| (k.clone(), Vec::new())).collect();
    if keys.is_empty() {
        return Some(out);
    }
    let look: Vec<usize> = match index {
        Some(ix) => candidates_for_keys(ix, keys),
        None => (0..docs.len()).collect(),
    };
    report.phase(JobPhase::Following, look.len());
    for i in look {
        let folded = normalize(&docs[i].text).into_string();
        for k in keys {
            if may_hold(&folded, k)
                && let Some(v) = out.get_mut(k)
            {
                v.push(i);
            }
        }
        if !report.step() {
            return None;
        }
    }
    Some(out)
}

/// Every document (ascending) the index says may hold one of `keys`: a superset of
/// those that [`may_hold`] one (a name key is normalised text, so a
/// document whose normalised text holds a word of it is a search candidate
/// for that word).
///
/// [`may_hold`] asks for every word of a name but one, and that one only
/// if the variant rule allows it (at least
/// [`super::names::VARIANT_MIN_LETTERS`] letters); a name's first word
/// also counts after a glued ل that took the article's alef. So a
/// document holds the name's words that cannot be variants, and all but
/// one of the others: the lookup asks for one word it must hold, or for
/// any of two or more words of three chars or more (found through the
/// index's trigrams). Only a name whose words of three chars are too
/// few is looked up by a short word (`بن`): each token is tested then.
pub(super) fn candidates_for_keys(ix: &SearchIndex, keys: &[String]) -> Vec<usize> {
    let mut out = DocSet::new(ix.len());
    for k in keys {
        let words: Vec<&str> = k.split(' ').filter(|w| !w.is_empty()).collect();
        if words.len() < 2 {
            ix.add_candidates(k, &mut out);
            continue;
        }
        // each word as it may stand in a document
        let forms = |j: usize, w: &str| -> Vec<String> {
            let mut f = vec![w.to_string()];
            if j == 0
                && let Some(stem) = w.strip_prefix("ال")
            {
                f.push(format!("ل{stem}"));
            }
            f
        };
        let long = |w: &str| w.chars().count() >= 3;
        let required = |w: &str| super::names::letters(w) < super::names::VARIANT_MIN_LETTERS;
        let look: Vec<usize> = match words
            .iter()
            .enumerate()
            .filter(|(_, w)| required(w))
            .max_by_key(|(_, w)| w.chars().count())
        {
            // one word it must hold, found through trigrams
            Some((j, w)) if long(w) => vec![j],
            // two words or more of which it holds one at least
            _ if words.iter().filter(|w| long(w)).count() >= 2 => {
                (0..words.len()).filter(|&j| long(words[j])).collect()
            }
            Some((j, _)) => vec![j],
            None => (0..words.len()).collect(),
        };
        for j in look {
            for f in forms(j, words[j]) {
                ix.add_candidates(&f, &mut out);
            }
        }
    }
    out.positions()
}

/// The job's background part; `None` when cancelled.
fn run(input: JobInput, report: &mut Report) -> Option<JobOutput> {
    let docs = &input.docs;
    let mut out = JobOutput::default();
    let mut keys: BTreeSet<String> = input.keys.iter().cloned().collect();
    let mut reach: BTreeSet<usize> = input.edited.iter().copied().collect();
    if input.prepared.is_some() && input.found.is_some() && input.land.is_some() {
        let (Some((holding, parts)), Some(found), Some(land)) =
            (input.prepared, input.found, input.land)
        else {
            return None;
        };
        out.found = found;
        out.holding = holding;
        out.parts = parts;
        out.landing = landing(&out, land, docs);
        return Some(out);
    }
    if let Some(found) = input.found {
        out.found = found;
    } else if let Some((text, look)) = &input.find {
        let look = match look {
            Some(v) => v.clone(),
            None => match &input.index {
                Some(ix) => ix.candidates(&occurrence_query(text)),
                None => (0..docs.len()).collect(),
            },
        };
        report.phase(JobPhase::Finding, look.len());
        for i in look {
            let Some(doc) = docs.get(i) else { continue };
            let words = WordEdges::new(&doc.text);
            let found = occurrences(doc, &words, text);
            if !found.is_empty() {
                out.found.push((i, found));
            }
            if !report.step() {
                return None;
            }
        }
    }
    if input.find_only {
        return Some(out);
    }
    // The names annotate-all decides: each occurrence's text, as a key.
    for (i, found) in &out.found {
        reach.insert(*i);
        let idx = crate::text::CharIndex::new(&docs[*i].text);
        for &(s, e) in found {
            if let Some(t) = idx.slice(&docs[*i].text, s, e) {
                keys.insert(name_key(t));
            }
        }
    }
    keys.retain(|k| !k.is_empty());
    let keys: Vec<String> = keys.into_iter().collect();
    out.holding = holding(docs, input.index.as_deref(), &keys, report)?;
    reach.extend(out.holding.values().flatten().copied());
    report.phase(JobPhase::Reading, reach.len());
    for i in reach {
        if let Some(doc) = docs.get(i) {
            out.parts.insert(i, DocParts::new(doc.clone()));
        }
        if !report.step() {
            return None;
        }
    }
    if let Some(land) = input.land {
        out.landing = landing(&out, land, docs);
    }
    Some(out)
}

/// Annotate-all's plan, edits and follow-up made on the job's snapshot
/// (`land`), as [`Session::commit_prepared`] makes them on the session:
/// the same functions ([`plan_for`], [`Edit::apply`], [`Knowledge::note`],
/// [`settle_docs`]) in the same order. `None` when there is nothing to do or
/// something the job did not read is needed (the frame's path then decides).
fn landing(out: &JobOutput, land: LandInput, docs: &[Arc<Document>]) -> Option<Landing> {
    let snap = &land.annotations;
    let plan = plan_for(&out.found, &land.label, &|i| {
        (
            docs[i].id.as_str(),
            &*snap[i],
            land.read_only.get(i).copied().unwrap_or(true),
        )
    });
    if plan.edits.is_empty() {
        return None;
    }
    let mut know = (*land.knowledge).clone();
    let mut keys = Vec::new();
    let mut changes = Vec::new();
    let mut edited: HashMap<usize, Arc<DocAnnotations>> = HashMap::new();
    for (i, mut edits) in plan.edits {
        let parts = out.parts.get(&i)?;
        let text = &docs[i].text;
        let mut ann = (*snap[i]).clone();
        // As `Session::starting`: the first decision starts the document.
        edits.extend(start_edit(ann.status));
        for e in edits {
            let inverse = e.apply(&mut ann, text, &parts.idx).ok()?;
            if Knowledge::counts(&inverse) {
                know.note(&inverse, text, &parts.idx, &mut keys);
            }
            changes.push(Change {
                doc: i,
                inverse,
                follows: false,
            });
        }
        edited.insert(i, Arc::new(ann));
    }
    keys.sort();
    keys.dedup();
    keys.retain(|k| !k.is_empty());
    let places = changed_places(&changes);
    let mut reach: BTreeSet<usize> = places.keys().copied().collect();
    for k in &keys {
        reach.extend(out.holding.get(k)?.iter().copied());
    }
    reach.retain(|&i| !land.read_only.get(i).copied().unwrap_or(true));
    let work: Vec<(usize, DocParts)> = reach
        .iter()
        .map(|&i| Some((i, out.parts.get(&i)?.clone())))
        .collect::<Option<_>>()?;
    let settled = settle_docs(
        &work,
        &|i| edited.get(&i).map_or(&*snap[i], |a| &**a),
        SettleWith {
            keys: &keys,
            edited: &places,
            know: &know,
            names: land.names.as_ref(),
        },
    );
    let edits = changes.len();
    let mut annotations: BTreeMap<usize, Arc<DocAnnotations>> = edited.into_iter().collect();
    for s in settled {
        annotations.insert(s.doc, s.annotations);
        changes.push(Change {
            doc: s.doc,
            inverse: follow_inverse(s.edits),
            follows: true,
        });
    }
    Some(Landing {
        from: land.knowledge,
        names: land.names,
        knowledge: Arc::new(know),
        reach: reach.into_iter().collect(),
        annotations: annotations.into_iter().collect(),
        changes,
        edits,
        items: plan.preview.new,
        documents: plan.preview.documents,
    })
}

impl Session {
    /// Bulk commands (annotate-all, accept all of a label or above a
    /// confidence) and the annotate-all preview run in the background on
    /// corpora of at least `n` documents ([`BACKGROUND_FROM`] by default;
    /// 0: always, `usize::MAX`: never), applied by [`Session::poll`] when
    /// done. Below, they are applied at once, in the command's call.
    pub fn set_background_from(&mut self, n: usize) {
        self.background_from = n;
    }

    /// Whether bulk commands run in the background in this session.
    pub fn in_background(&self) -> bool {
        self.docs.len() >= self.background_from
    }

    /// Tests: jobs started from now stop after their first document until
    /// [`Session::release_jobs`] (or until waited for), so their progress
    /// and cancelling them can be seen.
    pub fn hold_jobs(&mut self, hold: bool) {
        self.hold_jobs = hold;
    }

    /// Lets held jobs go on.
    pub fn release_jobs(&mut self) {
        self.hold_jobs = false;
        if let Some(j) = &self.job {
            j.release();
        }
        if let Some((_, j)) = &self.preview_job {
            j.release();
        }
    }

    /// How many annotate-all results were put in place as their job
    /// prepared them (nothing they read changed while they ran), and how
    /// many were decided on the frame's thread: for tests and benches.
    pub fn job_landings(&self) -> (usize, usize) {
        self.landings
    }

    /// Whether a bulk command runs in the background now.
    pub fn job_running(&self) -> bool {
        self.job.is_some()
    }

    /// The running bulk command's progress, for the status bar.
    pub fn job_progress(&self) -> Option<JobProgress> {
        self.job.as_ref().map(BulkJob::progress)
    }

    /// How the last background bulk command ended, once (the status bar
    /// says it).
    pub fn take_job_end(&mut self) -> Option<JobEnd> {
        self.job_end.take()
    }

    /// Blocks until the running bulk command's background part is over and
    /// applies it (tests, benches; the UI polls).
    pub fn wait_for_job(&mut self) {
        let Some(job) = self.job.take() else { return };
        let end = match job.wait() {
            Some(out) => self.finish_job(&job, out),
            None => Some(JobEnd::Nothing(format!(
                "{} failed: nothing was changed",
                job.kind.name()
            ))),
        };
        match end {
            Some(end) => self.job_end = Some(end),
            // Its landing is prepared again: wait for that one too.
            None => self.wait_for_job(),
        }
    }

    /// Cancels the running bulk command: nothing of it is applied. What
    /// the status bar says, or `None` when nothing runs.
    pub(super) fn cancel_job(&mut self) -> Option<String> {
        let job = self.job.take()?;
        Some(format!(
            "Cancelled {}: nothing was changed",
            job.kind.name()
        ))
    }

    /// Starts `kind` in the background, or says why not (one runs at a time).
    pub(super) fn start_job(&mut self, kind: JobKind, mut input: JobInput) -> Outcome {
        if let Some(j) = &self.job {
            return Outcome::Nothing(format!(
                "{} is still running: wait for it, or cancel it (Esc)",
                j.kind.name()
            ));
        }
        self.take_search_index();
        input.index = self.search_index.clone();
        let what = kind.name();
        self.job_end = None;
        self.job = Some(BulkJob::start(
            kind,
            input,
            self.revs.clone(),
            self.waker.clone(),
            self.hold_jobs,
        ));
        Outcome::Started(what)
    }

    /// The corpus as the job's thread reads it.
    pub(super) fn job_input(&self) -> JobInput {
        JobInput {
            docs: self.docs.clone(),
            index: None,
            find: None,
            found: None,
            keys: Vec::new(),
            edited: Vec::new(),
            find_only: false,
            land: None,
            prepared: None,
        }
    }

    /// Annotate-all's landing is prepared again at most `n` times when
    /// something changed while its job ran, before the frame decides it
    /// ([`LANDING_TRIES`] by default; 0: the frame decides at once). Tests.
    pub fn set_landing_tries(&mut self, n: u8) {
        self.landing_tries = n;
    }

    /// What annotate-all's job prepares its landing from: a snapshot of
    /// every document's annotations and of the knowledge (see [`LandInput`]).
    pub(super) fn land_input(&self, label: &str) -> LandInput {
        LandInput {
            label: label.to_string(),
            annotations: self.states.iter().map(|s| s.annotations.clone()).collect(),
            read_only: self.states.iter().map(|s| s.read_only.is_some()).collect(),
            knowledge: self.knowledge.clone(),
            names: self.names.clone(),
        }
    }

    /// Whether a job's prepared landing still holds: the session's
    /// knowledge and proposer are those the job read, and no document it
    /// reached changed since it started.
    fn can_land(&self, job: &BulkJob, l: &Landing) -> bool {
        let same_names = match (&self.names, &l.names) {
            (Some(a), Some(b)) => std::ptr::addr_eq(Arc::as_ptr(a), Arc::as_ptr(b)),
            (None, None) => true,
            _ => false,
        };
        Arc::ptr_eq(&self.knowledge, &l.from)
            && same_names
            && l.reach.iter().all(|&i| {
                job.revs.get(i) == self.revs.get(i)
                    && self.states.get(i).is_some_and(|s| s.read_only.is_none())
            })
    }

    /// Puts a job's prepared landing in place as one undo step: what
    /// [`Session::commit_prepared`] does, without deciding anything on this
    /// thread (swapping each changed document's annotations, one hand-over
    /// to autosave, the old states freed elsewhere).
    fn land(&mut self, l: Landing) -> Outcome {
        let Landing {
            from,
            knowledge,
            annotations,
            mut changes,
            edits,
            items,
            documents,
            ..
        } = l;
        self.put_settled(
            annotations
                .into_iter()
                .map(|(doc, annotations)| Settled {
                    doc,
                    annotations,
                    edits: Vec::new(),
                })
                .collect(),
        );
        self.list_gen = next_generation();
        let old_knowledge = std::mem::replace(&mut self.knowledge, knowledge);
        doc_settle::drop_elsewhere((old_knowledge, from));
        self.touched_keys.clear();
        let elsewhere = changes[edits..]
            .iter()
            .filter(|c| self.current != Some(c.doc))
            .map(|c| match &c.inverse {
                Edit::Batch(v) => v.len(),
                _ => 1,
            })
            .sum();
        self.say_elsewhere(elsewhere);
        let name = describe(&changes[..edits], |d| {
            self.states[d].annotations.status.as_str().to_string()
        });
        changes.shrink_to_fit();
        self.undo.push(Step {
            changes,
            items,
            name,
            outside_at: self.outside_changes,
        });
        Outcome::Edited {
            documents,
            changes: items,
        }
    }

    /// Takes in what the jobs finished: the bulk command's result is
    /// applied, the preview's occurrences kept. Whether anything changed.
    pub(super) fn poll_jobs(&mut self) -> bool {
        let mut changed = false;
        if let Some((text, job)) = &self.preview_job {
            match job.try_take() {
                Ok(Some(out)) => {
                    self.preview_found = Some((text.clone(), out.found));
                    self.preview_job = None;
                    changed = true;
                }
                Ok(None) => {}
                Err(()) => self.preview_job = None,
            }
        }
        let Some(job) = &self.job else {
            return changed;
        };
        let end = match job.try_take() {
            Ok(None) => return changed,
            Ok(Some(out)) => match self.job.take() {
                Some(job) => self.finish_job(&job, out),
                None => return changed,
            },
            Err(()) => {
                let name = job.kind.name();
                self.job = None;
                Some(JobEnd::Nothing(format!(
                    "{name} failed: nothing was changed"
                )))
            }
        };
        // `None`: its landing is being prepared again (a job runs on).
        if end.is_some() {
            self.job_end = end;
        }
        true
    }

    /// Applies a job's result, decided on the annotations as they are now,
    /// as one undo step.
    fn finish_job(&mut self, job: &BulkJob, mut out: JobOutput) -> Option<JobEnd> {
        // A follow-up still landing joins the step before this job's (what
        // it changes, the job's landing sees as changed under it).
        self.land_follow(true);
        let end = self.decide(job, &mut out);
        // What the job read and nobody took (the views of every document
        // it reached: thousands of allocations) is freed elsewhere.
        doc_settle::drop_elsewhere(out);
        end
    }

    /// [`Session::finish_job`]'s decision; `None` when annotate-all's
    /// landing is being prepared again (a new job runs).
    fn decide(&mut self, job: &BulkJob, out: &mut JobOutput) -> Option<JobEnd> {
        let secs = job.started.elapsed().as_secs_f64();
        let meanwhile = |s: &Session, docs: &mut dyn Iterator<Item = usize>| {
            docs.filter(|&i| job.revs.get(i) != s.revs.get(i)).count()
        };
        match &job.kind {
            JobKind::AnnotateAll { text, label, .. } => {
                let edited =
                    job.changed_before + meanwhile(self, &mut out.found.iter().map(|(i, _)| *i));
                // How it ended, whichever path put it in place.
                let applied = |outcome: Outcome| {
                    let Outcome::Edited { documents, changes } = outcome else {
                        return JobEnd::Nothing(String::new());
                    };
                    let mut message = format!(
                        "Annotated {} in {} ({secs:.1} s, one undo step)",
                        count(changes, "occurrence", "occurrences"),
                        count(documents, "document", "documents")
                    );
                    if edited > 0 {
                        message.push_str(&format!(
                            "; {} changed while it ran: planned on their annotations as they are now, none of your edits overwritten",
                            count(edited, "document", "documents")
                        ));
                    }
                    JobEnd::Applied { outcome, message }
                };
                if let Some(l) = out.landing.take() {
                    if self.can_land(job, &l) {
                        self.landings.0 += 1;
                        return Some(applied(self.land(l)));
                    }
                    // Something it read changed meanwhile: prepared again
                    // off the frame on a snapshot of now, reusing what the
                    // job found, a few times before the frame decides.
                    doc_settle::drop_elsewhere(l);
                    if job.tries < self.landing_tries {
                        let mut input = self.job_input();
                        input.found = Some(std::mem::take(&mut out.found));
                        input.prepared = Some((
                            std::mem::take(&mut out.holding),
                            std::mem::take(&mut out.parts),
                        ));
                        input.land = Some(self.land_input(label));
                        let mut next = BulkJob::start(
                            job.kind.clone(),
                            input,
                            self.revs.clone(),
                            self.waker.clone(),
                            false,
                        );
                        next.started = job.started;
                        next.tries = job.tries + 1;
                        next.changed_before = edited;
                        self.job = Some(next);
                        return None;
                    }
                }
                self.landings.1 += 1;
                let plan = self.plan_from(&out.found, label);
                if plan.edits.is_empty() {
                    return Some(JobEnd::Nothing(format!("no new occurrence of {text:?}")));
                }
                let items = plan.preview.new;
                let edits = plan
                    .edits
                    .into_iter()
                    .flat_map(|(i, e)| self.starting(i, e))
                    .collect();
                Some(match self.commit_prepared(edits, items, Some(out)) {
                    Ok(outcome) => applied(outcome),
                    Err(e) => JobEnd::Nothing(format!("{}: {e}", job.kind.name())),
                })
            }
            JobKind::Accept { doc, which } => {
                let i = *doc;
                if self.states[i].read_only.is_some() {
                    return Some(JobEnd::Nothing(self.read_only_error(i).to_string()));
                }
                let edits = self.accept_where(i, |p| match which {
                    AcceptWhich::Label(l) => &p.label == l,
                    AcceptWhich::Above(t) => p.confidence >= *t,
                });
                if edits.is_empty() {
                    return Some(JobEnd::Nothing("no such proposals".into()));
                }
                let n = edits.len();
                let edits = self.starting(i, edits);
                Some(match self.commit_prepared(edits, n, Some(out)) {
                    Ok(outcome) => {
                        if self.current == Some(i)
                            && let Some(f) = self.focus.clone()
                            && !f.exists(&self.states[i].annotations)
                        {
                            let ann = &self.states[i].annotations;
                            self.focus = super::focus::next(
                                ann,
                                Some(&f),
                                super::focus::Items::ProposalsOnly,
                            );
                        }
                        JobEnd::Applied {
                            outcome,
                            message: format!(
                                "Accepted {} ({secs:.1} s, one undo step)",
                                count(n, "proposal", "proposals")
                            ),
                        }
                    }
                    Err(e) => JobEnd::Nothing(format!("{}: {e}", job.kind.name())),
                })
            }
        }
    }

    /// What annotate-all would do, as [`Session::preview_annotate_all`],
    /// without stalling a frame: on a corpus run in the background, the
    /// occurrences across the corpus are found off this thread and `None`
    /// says they are being counted ([`Session::poll`] takes them in; the
    /// next call answers). The answer is made from the annotations as they
    /// are at the call.
    pub fn annotate_preview(
        &mut self,
        text: &str,
        label: &str,
        scope: Scope,
    ) -> Option<AnnotatePreview> {
        if scope == Scope::Document || !self.in_background() {
            return Some(self.preview_annotate_all(text, label, scope));
        }
        self.poll_jobs();
        if let Some((t, found)) = &self.preview_found
            && t == text
        {
            return Some(self.plan_from(found, label).preview);
        }
        if self.preview_job.as_ref().is_some_and(|(t, _)| t == text) {
            return None;
        }
        self.take_search_index();
        let mut input = self.job_input();
        input.index = self.search_index.clone();
        input.find = Some((text.to_string(), None));
        input.find_only = true;
        let kind = JobKind::AnnotateAll {
            text: text.to_string(),
            label: label.to_string(),
            scope,
        };
        let job = BulkJob::start(kind, input, Vec::new(), self.waker.clone(), self.hold_jobs);
        self.preview_job = Some((text.to_string(), job));
        None
    }

    /// Blocks until the preview's occurrences are found (tests, benches).
    pub fn wait_for_preview(&mut self) {
        if let Some((text, job)) = self.preview_job.take()
            && let Some(out) = job.wait()
        {
            self.preview_found = Some((text, out.found));
        }
    }

    /// The occurrences of `text` found for the preview, if those are the
    /// corpus's (annotate-all then need not look again).
    pub(super) fn found_for(&self, text: &str) -> Option<Found> {
        self.preview_found
            .as_ref()
            .filter(|(t, _)| t == text)
            .map(|(_, f)| f.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The seeds, and texts where a name stands only as a variant, after a
    /// glued ل, or beside a short word.
    fn texts() -> Vec<String> {
        let mut texts = super::super::search_index::tests::seed_texts();
        texts.extend(
            [
                "قال للولايات المتحدث إن الوفد وصل.",
                "التقى محمد بن سلمان وزير الخارجية.",
                "زار بن سليمان الرياض.",
                "في ناغورنو كاراباغ اشتباكات.",
                "كاراباخ وحدها هنا.",
                "حي الزهور",
            ]
            .map(String::from),
        );
        texts
    }

    #[test]
    fn the_lookup_misses_no_document_that_may_hold_a_name() {
        let texts = texts();
        let folded: Vec<String> = texts.iter().map(|t| normalize(t).into_string()).collect();
        let ix = SearchIndex::build(texts.iter().map(String::as_str));
        let words: Vec<&str> = folded
            .iter()
            .flat_map(|t| t.split(|c: char| !c.is_alphanumeric()))
            .filter(|w| !w.is_empty())
            .collect();
        let mut keys: Vec<String> = [
            "الولايات المتحدة",
            "محمد بن سلمان",
            "بن سلمان",
            "ناغورني كاراباخ",
            "غدوة حي",
            "حي الزهور",
        ]
        .map(|k| normalize(k).into_string())
        .to_vec();
        // names of two and three words from the texts, and the same with a
        // letter of one word changed (a variant)
        for (j, pair) in words.windows(3).enumerate().step_by(7) {
            keys.push(pair[..2].join(" "));
            keys.push(pair.join(" "));
            let mut changed: Vec<String> = pair.iter().map(|w| w.to_string()).collect();
            let w = &mut changed[j % 3];
            if w.chars().count() > 2 {
                let mut cs: Vec<char> = w.chars().collect();
                cs[1] = 'ز';
                *w = cs.into_iter().collect();
            }
            keys.push(changed.join(" "));
        }
        let mut held = 0;
        for k in &keys {
            let found = candidates_for_keys(&ix, std::slice::from_ref(k));
            for (d, f) in folded.iter().enumerate() {
                if may_hold(f, k) {
                    held += 1;
                    assert!(found.contains(&d), "{k:?} in document {d}");
                }
            }
        }
        assert!(held > keys.len(), "{held}");
        // a name is looked up by its words, not every document
        let k = normalize("الولايات المتحدة").into_string();
        let found = candidates_for_keys(&ix, std::slice::from_ref(&k));
        assert!(found.contains(&(texts.len() - 6)), "after a glued ل");
        assert!(found.len() < texts.len());
    }
}
