//! The session: corpus, schema, the annotator's store, every document's
//! state, and where the annotator is (document, selection, focus). The UI
//! reads it each frame and changes it only through [`Session::apply`].

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::Receiver;

use crate::annotation::{DocAnnotations, Edit, EditError, Proposal, Source, Status};
use crate::corpus::{Corpus, CorpusError, Document};
use crate::propose::proposer::Tier;
use crate::schema::Schema;
use crate::store::{Journal, Reader, Store, StoreError, TimingLog};

use super::accurate::Loaded;
use super::autosave::{SaveError, SaveStatus, SaveTiming, Saver};
use super::bulk_job::{BACKGROUND_FROM, BulkJob, Found};
use super::command::Outcome;
use super::corpus_search::{SearchJob, build_index};
use super::doc_list::{DocFilter, DocRow, Progress, next_generation};
use super::doc_settle::{self, DocParts, Recheck};
use super::doc_state::DocState;
use super::focus::Focus;
use super::learning::{
    CancelRetrain, LearnProgress, LearnStatus, LearnWorker, Learner, RetrainError,
};
use super::proposals::{Answer, ProposalWorker, Proposer};
use super::search::Hit;
use super::search_index::SearchIndex;
use super::settle::{AdmitMemo, Knowledge, Places};
use super::undo::UndoStack;
use super::waker::Waker;

/// One annotator working through one corpus.
pub struct Session {
    pub(super) docs: Vec<Arc<Document>>,
    pub(super) root: PathBuf,
    pub(super) corpus_errors: Vec<CorpusError>,
    /// Damage found in the journal when the session opened (kept aside).
    pub(super) journal_damage: Option<crate::store::Damage>,
    pub(super) schema: Schema,
    pub(super) store: Arc<Store>,
    pub(super) states: Vec<DocState>,
    pub(super) current: Option<usize>,
    /// Chars `start..end`, non-empty, inside the current document.
    pub(super) selection: Option<(usize, usize)>,
    pub(super) focus: Option<Focus>,
    /// The keyboard caret ([`super::caret`]); its words are the selection.
    pub(super) caret: Option<super::caret::Caret>,
    /// The Arabic words of the whole corpus, for the clitic rule; built on
    /// first use ([`Session::lexicon`]).
    /// The Arabic words of every document (the clitic rule's), built on a
    /// thread of its own at open ([`super::caret::build_vocabulary`]).
    pub(super) vocabulary: Arc<std::sync::OnceLock<crate::arabic::Vocabulary>>,
    pub(super) undo: UndoStack,
    pub(super) saver: Saver,
    pub(super) waker: Waker,
    pub(super) proposer: Option<ProposalWorker>,
    /// The accurate tier's worker, once its files loaded (see
    /// [`super::accurate`]).
    pub(super) accurate: Option<ProposalWorker>,
    /// The accurate tier's files loading on a background thread.
    pub(super) accurate_loading: Option<Receiver<Loaded>>,
    /// Why the accurate tier is not in use (its files did not load).
    pub(super) accurate_off: Option<String>,
    pub(super) learner: Option<LearnWorker>,
    pub(super) hits: Vec<Hit>,
    pub(super) message: Option<String>,
    /// The annotator's decisions on names, over the corpus (kept equal to
    /// the annotations by [`Session::edit_doc`]). Shared, copied on write:
    /// a background job reads a snapshot of it.
    pub(super) knowledge: Arc<Knowledge>,
    /// Name keys the edits applied since the last commit touched.
    pub(super) touched_keys: Vec<String>,
    /// A follow-up whose documents' views are being built
    /// ([`super::steps::FOLLOW_BACKGROUND_FROM`]).
    pub(super) pending_follow: Option<super::steps::PendingFollow>,
    /// Pending-list changes made outside undo steps so far (proposals
    /// arriving, lists settled again after an undo): see
    /// [`super::undo::Step::outside_at`].
    pub(super) outside_changes: u64,
    /// The proposer, asked whether its data knows a name.
    pub(super) names: Option<Arc<dyn Proposer>>,
    /// See [`Session::list_generation`].
    pub(super) list_gen: u64,
    /// The corpus search index, once built.
    pub(super) search_index: Option<Arc<SearchIndex>>,
    /// The index being built on a background thread.
    pub(super) index_building: Option<Receiver<SearchIndex>>,
    /// The rest of a corpus search, streaming in.
    pub(super) search_job: Option<SearchJob>,
    /// Per document: see [`Session::doc_revision`].
    pub(super) revs: Vec<u64>,
    /// Documents holding views of their text, oldest first (see
    /// [`Session::note_views`]).
    pub(super) viewed: VecDeque<usize>,
    /// The clock of the document session, for the timing records
    /// ([`super::timing`]).
    pub(super) stopwatch: super::timing::Stopwatch,
    /// The timing file's last error, once the status bar has said it.
    pub(super) timing_said: Option<String>,
    /// The bulk command running in the background ([`super::bulk_job`]).
    pub(super) job: Option<BulkJob>,
    /// How the last background bulk command ended, until taken.
    /// Annotate-all results put in place as their job prepared them, and
    /// those decided on the frame's thread (something changed meanwhile);
    /// see [`Session::job_landings`].
    pub(super) landings: (usize, usize),
    pub(super) job_end: Option<JobEnd>,
    /// The annotate-all preview's occurrences being found in the
    /// background (the text looked for), and the last ones found.
    pub(super) preview_job: Option<(String, BulkJob)>,
    pub(super) preview_found: Option<(String, Found)>,
    /// See [`Session::set_background_from`].
    pub(super) background_from: usize,
    /// Tests: new jobs wait until [`Session::release_jobs`].
    pub(super) hold_jobs: bool,
    /// How many times annotate-all's landing is prepared again off the
    /// frame when something changed while its job ran (see
    /// [`Session::set_landing_tries`]).
    pub(super) landing_tries: u8,
    /// Views of documents let go of, to be freed off the frame's thread.
    pub(super) dropped_views: Vec<super::doc_state::Views>,
}

/// How a bulk command that ran in the background ended.
#[derive(Debug, Clone, PartialEq)]
pub enum JobEnd {
    /// Applied as one undo step; what the status bar says about it.
    Applied { outcome: Outcome, message: String },
    /// Nothing was applied (nothing to do, or refused); why.
    Nothing(String),
}

impl JobEnd {
    pub fn message(&self) -> &str {
        match self {
            JobEnd::Applied { message, .. } | JobEnd::Nothing(message) => message,
        }
    }
}

/// Documents whose views of their text (char index, words, normalised
/// forms, edges: tens of bytes per char) are kept at once; the oldest
/// others' are dropped and rebuilt when needed, so memory follows what is
/// worked on, not the corpus.
pub const VIEWS_KEPT: usize = 512;

/// Views let go of are freed elsewhere in batches of at most this many
/// documents (and at the end of each command and poll).
const DROP_BATCH: usize = 64;

impl Session {
    /// Opens `annotator`'s store under `annotations_dir` (taking its writer
    /// lock), loads every document's annotations, and opens the first
    /// document not done. A file that does not load makes its document
    /// read-only; only a store that cannot be opened is an error.
    pub fn open(
        corpus: Corpus,
        schema: Schema,
        annotations_dir: &Path,
        annotator: &str,
    ) -> Result<Session, StoreError> {
        Session::open_with(
            corpus,
            schema,
            annotations_dir,
            annotator,
            SaveTiming::default(),
        )
    }

    /// As [`Session::open`], with other autosave timing.
    pub fn open_with(
        corpus: Corpus,
        schema: Schema,
        annotations_dir: &Path,
        annotator: &str,
        timing: SaveTiming,
    ) -> Result<Session, StoreError> {
        // Opening the store writes what a killed run left in the journal to
        // the RON files; what could not be written stays in the journal.
        let store = Arc::new(Store::open(annotations_dir, annotator)?);
        let folded = store.folded().clone();
        let (journal, replay) = Journal::open(&annotations_dir.join(annotator))?;
        let replay_damage = replay.damage.clone();
        // The one read path: RON files with the journal replayed over them.
        let reader = Reader::with_replay(annotations_dir, annotator, replay);
        let docs: Vec<Arc<Document>> = corpus.documents.into_iter().map(Arc::new).collect();
        let mut unsaved = Vec::new();
        let mut states: Vec<DocState> = docs
            .iter()
            .enumerate()
            .map(|(i, d)| match reader.read_replayed(d, &schema) {
                Ok((None, _)) => DocState::new(DocAnnotations::default()),
                Ok((Some(loaded), from_journal)) => {
                    if from_journal {
                        unsaved.push(i);
                    }
                    let mut s = DocState::new(loaded.annotations);
                    s.problems = loaded.problems.iter().map(|p| p.to_string()).collect();
                    s
                }
                Err(e) => DocState::broken(e.to_string()),
            })
            .collect();
        let waker = Waker::default();
        // Decision times go to the timing file, created at the first one.
        let timing_log = TimingLog::new(&annotations_dir.join(annotator));
        let saver = Saver::new(
            store.clone(),
            Some(journal),
            Some(timing_log),
            timing,
            waker.clone(),
        );
        // Records kept in the journal (their file does not load) must
        // outlive this session: the journal is then never emptied.
        if !reader.journaled().is_empty() {
            saver.keep_journal();
        }
        // Edits journaled but not yet in their RON file (none once the
        // store folded them): queue them for their files.
        let mut message = None;
        let replayed = unsaved.len() + folded.written.len();
        let torn_bytes = folded.torn_bytes;
        for &i in &unsaved {
            states[i].edited = true;
        }
        saver.enqueue_many(
            unsaved
                .iter()
                .map(|&i| (docs[i].clone(), states[i].annotations.clone())),
        );
        let skipped: Vec<&str> = reader
            .journaled()
            .into_iter()
            .filter(|id| {
                docs.binary_search_by(|d| d.id.as_str().cmp(id))
                    .map_or(true, |i| states[i].read_only.is_some())
            })
            .collect();
        let journal_damage = folded.damage.clone().or(replay_damage);
        if let Some(d) = &journal_damage {
            // Said first and whole: the user must know some edits may be
            // missing and where the file was kept.
            message = Some(format!(
                "Warning: {d}; the unsaved edits of {replayed} document(s) before that byte were recovered"
            ));
        } else if replayed > 0 || !skipped.is_empty() || torn_bytes > 0 {
            let mut m =
                format!("Recovered the unsaved edits of {replayed} document(s) from the journal");
            if torn_bytes > 0 {
                m.push_str(&format!(
                    "; {torn_bytes} byte(s) of an edit cut short by the crash were dropped"
                ));
            }
            if !skipped.is_empty() {
                m.push_str(&format!(
                    "; journal records for {} not applied (document missing, or its file does not load); they stay in the journal",
                    skipped.join(", ")
                ));
            }
            message = Some(m);
        }

        let mut session = Session {
            docs,
            root: corpus.root,
            corpus_errors: corpus.errors,
            journal_damage,
            schema,
            saver,
            store,
            states,
            current: None,
            selection: None,
            focus: None,
            caret: None,
            vocabulary: Arc::new(std::sync::OnceLock::new()),
            undo: UndoStack::default(),
            waker,
            proposer: None,
            accurate: None,
            accurate_loading: None,
            accurate_off: None,
            learner: None,
            hits: Vec::new(),
            message,
            knowledge: Arc::default(),
            touched_keys: Vec::new(),
            pending_follow: None,
            outside_changes: 0,
            names: None,
            list_gen: next_generation(),
            search_index: None,
            index_building: None,
            search_job: None,
            revs: Vec::new(),
            viewed: VecDeque::new(),
            stopwatch: Default::default(),
            timing_said: None,
            job: None,
            job_end: None,
            landings: (0, 0),
            preview_job: None,
            preview_found: None,
            background_from: BACKGROUND_FROM,
            hold_jobs: false,
            landing_tries: super::bulk_job::LANDING_TRIES,
            dropped_views: Vec::new(),
        };
        let first_rev = next_generation();
        session.revs = vec![first_rev; session.docs.len()];
        // The search index is built off this thread: the first frame does
        // not wait for it (a search meanwhile looks in every document).
        session.index_building = Some(build_index(session.docs.clone(), session.waker.clone()));
        super::caret::build_vocabulary(&session.vocabulary, &session.docs);
        let know = Arc::make_mut(&mut session.knowledge);
        for s in &session.states {
            know.add_document(&s.annotations);
        }
        // Files written before these rules (or by hand) may hold clutter;
        // a document with no pending proposal has none (settling it changes
        // nothing), so it is not even looked at.
        for i in 0..session.docs.len() {
            if !session.states[i].annotations.proposals.is_empty() {
                session.resettle(i, Vec::new(), None, &AdmitMemo::default());
            }
        }
        let first = (0..session.docs.len())
            .find(|&i| session.states[i].annotations.status != Status::Done)
            .or((!session.docs.is_empty()).then_some(0));
        if let Some(i) = first {
            session.open_index(i);
        }
        Ok(session)
    }

    /// Sets what the background threads call when they have something new
    /// (the UI passes a repaint request).
    pub fn set_waker(&self, f: impl Fn() + Send + Sync + 'static) {
        self.waker.set(f);
    }

    /// Installs the proposer; the open document is proposed for at once,
    /// others when they open.
    pub fn set_proposer(&mut self, proposer: Arc<dyn Proposer>) {
        self.names = Some(proposer.clone());
        self.proposer = Some(ProposalWorker::new(
            proposer,
            Tier::Fast,
            self.waker.clone(),
        ));
        for s in &mut self.states {
            s.proposed = false;
        }
        if let Some(i) = self.current {
            self.request_proposals(i);
        }
    }

    /// Installs the learner and teaches it every document already done (a
    /// restart keeps what was learnt): memory at once, retraining in the
    /// background.
    pub fn set_learner(&mut self, learner: Arc<dyn Learner>) {
        let worker = LearnWorker::new(learner, self.waker.clone());
        let mut taught = 0;
        for (doc, s) in self.docs.iter().zip(&self.states) {
            if s.annotations.status == Status::Done && s.read_only.is_none() {
                worker
                    .learner
                    .remember(&doc.id, &doc.text, &s.annotations.entities);
                taught += 1;
            }
        }
        if taught > 0 {
            worker.retrain();
            for s in &mut self.states {
                s.proposed = false;
            }
        }
        self.learner = Some(worker);
    }

    // ----- reading the state -------------------------------------------

    pub fn documents(&self) -> &[Arc<Document>] {
        &self.docs
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Files of the corpus folder that did not load as documents.
    /// Damage found in the annotator's journal when the session opened
    /// (the whole file kept aside, the records after it not replayed): for
    /// the workbench to show among the folder's errors, not only once in
    /// the status bar.
    pub fn journal_damage(&self) -> Option<&crate::store::Damage> {
        self.journal_damage.as_ref()
    }

    pub fn corpus_errors(&self) -> &[CorpusError] {
        &self.corpus_errors
    }

    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    pub fn annotator(&self) -> &str {
        self.store.annotator()
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The annotator's edit journal, where every edit is durable before
    /// its RON file is written (named in messages about saving).
    pub fn journal_path(&self) -> PathBuf {
        self.store
            .annotations_dir()
            .join(self.store.annotator())
            .join(crate::store::JOURNAL_NAME)
    }

    pub fn index_of(&self, doc_id: &str) -> Option<usize> {
        self.docs
            .binary_search_by(|d| d.id.as_str().cmp(doc_id))
            .ok()
    }

    pub fn state(&self, i: usize) -> Option<&DocState> {
        self.states.get(i)
    }

    pub fn annotations(&self, i: usize) -> Option<&DocAnnotations> {
        self.states.get(i).map(|s| &*s.annotations)
    }

    /// Document `i`'s annotations as the session holds them, to share
    /// rather than copy: a follow-up that changed 1,700 documents at
    /// 20,000 had the view copy each list on the frame's thread.
    pub fn shared_annotations(&self, i: usize) -> Option<&Arc<DocAnnotations>> {
        self.states.get(i).map(|s| &s.annotations)
    }

    /// Index of the open document.
    pub fn current(&self) -> Option<usize> {
        self.current
    }

    pub fn current_document(&self) -> Option<&Document> {
        self.current.map(|i| &*self.docs[i])
    }

    pub fn current_annotations(&self) -> Option<&DocAnnotations> {
        self.current.map(|i| &*self.states[i].annotations)
    }

    /// Why the open document cannot be edited, if it cannot.
    pub fn read_only_reason(&self) -> Option<&str> {
        self.current
            .and_then(|i| self.states[i].read_only.as_deref())
    }

    pub fn selection(&self) -> Option<(usize, usize)> {
        self.selection
    }

    pub fn focus(&self) -> Option<&Focus> {
        self.focus.as_ref()
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.undo.redo.is_empty()
    }

    /// What Ctrl+Z would undo now ("accept LOC «أرمينيا»"); after an undo,
    /// [`Session::redo_name`] names the step just undone.
    pub fn undo_name(&self) -> Option<&str> {
        self.undo.undo.last().map(|s| s.name.as_str())
    }

    /// What redo would re-apply now (the step undone last).
    pub fn redo_name(&self) -> Option<&str> {
        self.undo.redo.last().map(|s| s.name.as_str())
    }

    pub fn search_hits(&self) -> &[Hit] {
        &self.hits
    }

    /// The latest notice for the status bar (a proposer failure, "every
    /// document is done", ...).
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    pub fn save_status(&self) -> SaveStatus {
        self.saver.status()
    }

    /// Blocks until every edit so far is durable (journaled), what the
    /// status bar's "saved" means; the scripted runner acknowledges a line
    /// as saved then. Fails when the journal append failed.
    pub fn wait_durable(&self) -> Result<(), SaveError> {
        self.saver.wait_durable()
    }

    /// Blocks until every edit so far is on disk (window close, tests).
    /// Failed documents stay queued and are retried; memory is untouched.
    pub fn flush(&self) -> Result<(), Vec<SaveError>> {
        self.saver.flush()
    }

    /// Whether autosave is writing a file right now.
    pub fn writing(&self) -> bool {
        self.saver.writing()
    }

    /// Files written by autosave so far.
    pub fn writes(&self) -> u64 {
        self.saver.writes()
    }

    /// Snapshots made durable in the journal so far (each edit's state is
    /// appended and `fdatasync`ed before its RON file is rewritten).
    pub fn journaled(&self) -> u64 {
        self.saver.journaled()
    }

    /// The retraining's progress while one runs or waits (the status
    /// bar's progress bar), else `None`.
    pub fn learn_progress(&self) -> Option<LearnProgress> {
        self.learner.as_ref().and_then(|l| l.progress())
    }

    /// Cancels the retraining ([`super::Command::CancelRetraining`]); what the
    /// status bar says.
    pub(super) fn cancel_retraining(&mut self) -> String {
        let done = self.learner.as_ref().map(|l| l.cancel());
        match done {
            Some(CancelRetrain::Cancelled) => RetrainError::Cancelled.to_string(),
            Some(CancelRetrain::Finished) => {
                "the retraining had already finished: its model is in use".into()
            }
            Some(CancelRetrain::NothingRunning) | None => "nothing is retraining".into(),
        }
    }

    pub fn learn_status(&self) -> LearnStatus {
        self.learner
            .as_ref()
            .map_or(LearnStatus::Idle, |l| l.status())
    }

    /// Whether proposals are being computed (by either tier) or the
    /// accurate tier is loading.
    pub fn proposing(&self) -> bool {
        self.proposer.as_ref().is_some_and(|p| p.outstanding > 0)
            || self.accurate_working()
            || self.accurate_loading.is_some()
    }

    /// Every document as the list shows it, passing `filter` (O(corpus):
    /// the workbench keeps [`Session::doc_indices`] between frames and asks
    /// [`Session::doc_row`] for the rows on screen only).
    pub fn doc_list(&self, filter: &str) -> Vec<DocRow> {
        self.doc_indices(filter)
            .into_iter()
            .filter_map(|i| self.doc_row(i))
            .collect()
    }

    /// Corpus positions of the documents passing the list's `filter` (see
    /// [`DocFilter`]), in corpus order. It depends on ids, statuses and
    /// read-only flags only, so it stays right while
    /// [`Session::list_generation`] is unchanged.
    pub fn doc_indices(&self, filter: &str) -> Vec<usize> {
        let f = DocFilter::new(filter);
        if f.is_empty() {
            return (0..self.docs.len()).collect();
        }
        self.docs
            .iter()
            .zip(&self.states)
            .enumerate()
            .filter(|(_, (d, s))| f.matches(&d.id, s.annotations.status, s.read_only.is_some()))
            .map(|(i, _)| i)
            .collect()
    }

    /// A number that changes whenever document `i`'s annotations (entities,
    /// proposals, status) may have changed, and differs between sessions:
    /// a copy taken under one value is still right while it is unchanged
    /// (the window copies only the documents that changed). 0 past the end.
    pub fn doc_revision(&self, i: usize) -> u64 {
        self.revs.get(i).copied().unwrap_or(0)
    }

    /// Notes that document `i`'s annotations changed.
    pub(super) fn touch(&mut self, i: usize) {
        if let Some(r) = self.revs.get_mut(i) {
            *r = next_generation();
        }
    }

    /// Document `index` as the list shows it (`None` past the corpus end).
    pub fn doc_row(&self, index: usize) -> Option<DocRow> {
        let (d, s) = (self.docs.get(index)?, self.states.get(index)?);
        Some(DocRow {
            index,
            id: d.id.clone(),
            status: s.annotations.status,
            entities: s.annotations.entities.len(),
            proposals: s.annotations.proposals.len(),
            read_only: s.read_only.clone(),
            current: self.current == Some(index),
        })
    }

    /// A number that changes whenever a document's status may have changed
    /// (every edit), and differs between sessions: a list filtered by
    /// status or the progress bar computed under one value stays right
    /// until it changes.
    pub fn list_generation(&self) -> u64 {
        self.list_gen
    }

    pub fn progress(&self) -> Progress {
        let mut p = Progress {
            total: self.docs.len(),
            ..Progress::default()
        };
        for s in &self.states {
            match s.annotations.status {
                Status::Done => p.done += 1,
                Status::InProgress => p.in_progress += 1,
                Status::Todo => {}
            }
        }
        p
    }

    // ----- background results -------------------------------------------

    /// Takes in what the background threads finished: proposals, and the end
    /// of a retraining (after which documents are proposed for again). Call
    /// once per frame; returns whether anything visible changed.
    pub fn poll(&mut self) -> bool {
        let mut changed = self.say_timing_error();
        let retrained = self.learner.as_ref().map(|l| (l.take_fresh(), l.status()));
        if let Some((true, status)) = retrained {
            changed = true;
            match status {
                LearnStatus::Ready(msg) => {
                    self.message = Some(format!("New proposals ready: {msg}"));
                    for s in &mut self.states {
                        s.proposed = false;
                    }
                    if let Some(i) = self.current {
                        self.request_proposals(i);
                    }
                }
                LearnStatus::Failed(msg) => {
                    self.message = Some(format!("Retraining failed: {msg}"))
                }
                _ => {}
            }
        }
        let answers = self
            .proposer
            .as_mut()
            .map(|p| p.try_answers())
            .unwrap_or_default();
        for a in answers {
            changed |= self.merge_proposals(a);
        }
        changed |= self.poll_accurate();
        changed |= self.land_follow(false);
        changed |= self.take_search_index();
        changed |= self.poll_jobs();
        if let Some(job) = &self.search_job {
            let (hits, over) = job.take();
            changed |= !hits.is_empty() || over;
            self.hits.extend(hits);
            if over {
                self.search_job = None;
            }
        }
        self.free_dropped_views();
        changed
    }

    /// Takes in the search index if its thread finished; returns whether
    /// it did just now.
    pub(super) fn take_search_index(&mut self) -> bool {
        let Some(rx) = &self.index_building else {
            return false;
        };
        match rx.try_recv() {
            Ok(ix) => {
                self.search_index = Some(Arc::new(ix));
                self.index_building = None;
                true
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => false,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                self.index_building = None;
                false
            }
        }
    }

    /// Whether the search index is built (a corpus search then looks only
    /// in the documents that may hold the query).
    pub fn search_index_ready(&mut self) -> bool {
        self.take_search_index();
        self.search_index.is_some()
    }

    /// Blocks until the search index is built (benches and tests).
    pub fn wait_for_search_index(&mut self) {
        if let Some(rx) = self.index_building.take()
            && let Ok(ix) = rx.recv()
        {
            self.search_index = Some(Arc::new(ix));
        }
    }

    /// Whether a corpus search is still streaming hits in.
    pub fn searching(&self) -> bool {
        self.search_job.is_some()
    }

    /// Blocks until the corpus search running finishes; its hits are then
    /// all in [`Session::search_hits`] (benches and tests).
    pub fn wait_for_search(&mut self) {
        if let Some(job) = self.search_job.take() {
            let rest = job.finish();
            self.hits.extend(rest);
        }
    }

    /// Blocks until every proposal request so far is answered and merged
    /// (tests and benches; the UI polls instead).
    pub fn wait_for_proposals(&mut self) {
        let answers = self
            .proposer
            .as_mut()
            .map(|p| p.wait_answers())
            .unwrap_or_default();
        for a in answers {
            self.merge_proposals(a);
        }
        self.wait_for_accurate();
    }

    /// Blocks until retraining finishes, then takes in its result (tests).
    pub fn wait_for_learning(&mut self) {
        if let Some(l) = &self.learner {
            l.wait();
        }
        self.poll();
    }

    pub(super) fn request_proposals(&mut self, i: usize) {
        let state = &mut self.states[i];
        if state.proposed || state.read_only.is_some() {
            return;
        }
        if let Some(p) = &mut self.proposer {
            state.proposed = true;
            p.request(i, self.docs[i].clone());
        }
    }

    /// Takes in one worker's answer: the accurate tier's replaces the
    /// document's machine proposals (see [`super::accurate`]).
    pub(super) fn merge_proposals(&mut self, answer: Answer) -> bool {
        if answer.tier == Tier::Accurate {
            return self.merge_accurate(answer);
        }
        let i = answer.doc;
        let proposals = match answer.proposals {
            Ok(p) => p,
            Err(msg) => {
                self.message = Some(msg);
                return true;
            }
        };
        let state = &mut self.states[i];
        // A done document passed the gate with nothing pending: the
        // machine does not reopen it (see `gate`).
        if state.read_only.is_some() || state.annotations.status == Status::Done {
            return false;
        }
        // The accurate tier's proposals stay: of a later fast answer (after
        // a retraining), only the memory's are taken.
        let proposals = match state.tier {
            Some(Tier::Accurate) => proposals
                .into_iter()
                .filter(|p| p.source == Source::Memory)
                .collect(),
            _ => {
                state.tier = Some(Tier::Fast);
                proposals
            }
        };
        let new = self.settle_machine(i, proposals);
        self.take_settled(i, new)
    }

    /// Document `i`'s pending list once a tier's `proposals` for it arrive
    /// (the one path: [`doc_settle::with_machine_proposals`]); `None`: the
    /// list stays as it is.
    pub(super) fn settle_machine(
        &mut self,
        i: usize,
        proposals: Vec<Proposal>,
    ) -> Option<Vec<Proposal>> {
        let parts = self.parts(i);
        doc_settle::with_machine_proposals(
            &parts,
            &self.states[i].annotations,
            proposals,
            &self.knowledge,
            &|k| self.knows_name(k),
            &AdmitMemo::default(),
        )
    }

    /// Whether the proposer's data knows a name key (the gazetteers without one).
    pub(super) fn knows_name(&self, key: &str) -> bool {
        doc_settle::knows_name(self.names.as_ref(), key)
    }

    /// Document `i`'s text and cached views, built on first use.
    pub(super) fn parts(&mut self, i: usize) -> DocParts {
        self.note_views(i);
        DocParts::from_state(self.docs[i].clone(), &mut self.states[i])
    }

    /// Document `i`'s pending list with `candidates` added (`None`: as it
    /// is): see
    /// [`doc_settle::settled`], the one place proposals enter a document's state.
    pub(super) fn settled(
        &mut self,
        i: usize,
        candidates: Vec<Proposal>,
        keys: Option<&[String]>,
        memo: &AdmitMemo,
    ) -> Option<Vec<Proposal>> {
        let parts = self.parts(i);
        doc_settle::settled(
            &parts,
            &self.states[i].annotations,
            candidates,
            Recheck {
                keys,
                places: &Places::All,
            },
            &self.knowledge,
            &|k| self.knows_name(k),
            memo,
        )
    }

    /// Settles document `i` with `candidates` outside any undo step (the
    /// machine's suggestions arriving); when something changed, saves only
    /// a document the annotator edited this session (see
    /// [`Session::save_if_edited`]). `keys`
    /// as in [`Session::settled`].
    pub(super) fn resettle(
        &mut self,
        i: usize,
        candidates: Vec<Proposal>,
        keys: Option<&[String]>,
        memo: &AdmitMemo,
    ) -> bool {
        if self.states[i].read_only.is_some() {
            return false;
        }
        let new = self.settled(i, candidates, keys, memo);
        self.take_settled(i, new)
    }

    /// Takes a settled pending list for document `i` (`None`: unchanged)
    /// outside any undo step; see [`Session::resettle`].
    pub(super) fn take_settled(&mut self, i: usize, new: Option<Vec<Proposal>>) -> bool {
        if self.states[i].read_only.is_some() {
            return false;
        }
        let Some(new) = new else {
            return false;
        };
        if new == self.states[i].annotations.proposals {
            return false;
        }
        self.states[i].annotations_mut().proposals = new;
        self.touch(i);
        self.outside_changes += 1;
        self.save_if_edited(i);
        true
    }

    // ----- helpers for applying commands ---------------------------------

    /// Opens document `i`: clears selection and focus, asks for its
    /// proposals, and for the next document's, so moving on finds them ready
    /// (from both tiers; the accurate tier takes document `i` first).
    pub(super) fn open_index(&mut self, i: usize) {
        if self.current != Some(i) {
            self.selection = None;
            self.focus = None;
            self.caret = None;
            // Hits of the document left (a search in it) are stale now;
            // corpus-wide hits across documents stay for the next click.
            if let Some(old) = self.current
                && !self.hits.is_empty()
                && self.hits.iter().all(|h| h.doc_id == self.docs[old].id)
                && self.search_job.is_none()
            {
                self.hits.clear();
            }
        }
        self.current = Some(i);
        self.stopwatch.open(i);
        self.request_proposals(i);
        self.request_accurate(i, true);
        if i + 1 < self.docs.len() {
            self.request_proposals(i + 1);
            self.request_accurate(i + 1, false);
        }
    }

    /// Applies one edit to document `i` and returns its inverse; no undo
    /// record, no save.
    pub(super) fn edit_doc(&mut self, i: usize, edit: Edit) -> Result<Edit, EditError> {
        self.note_views(i);
        let doc = self.docs[i].clone();
        let state = &mut self.states[i];
        let idx = state.index(&doc.text);
        let inverse = edit.apply(state.annotations_mut(), &doc.text, &idx)?;
        self.list_gen = next_generation();
        self.touch(i);
        // Copied first only while a background job holds a snapshot.
        if Knowledge::counts(&inverse) {
            Arc::make_mut(&mut self.knowledge).note(
                &inverse,
                &doc.text,
                &idx,
                &mut self.touched_keys,
            );
        }
        Ok(inverse)
    }

    /// Counts document `i` among those holding views of their text (call
    /// before building one); past [`VIEWS_KEPT`], the views of the document
    /// counted first (not the open one) are dropped.
    pub(super) fn note_views(&mut self, i: usize) {
        let Some(st) = self.states.get_mut(i) else {
            return;
        };
        if st.counted {
            return;
        }
        st.counted = true;
        self.viewed.push_back(i);
        let mut spared = 0;
        let mut dropped = Vec::new();
        while self.viewed.len() > VIEWS_KEPT && spared <= self.viewed.len() {
            let Some(j) = self.viewed.pop_front() else {
                break;
            };
            if Some(j) == self.current || j == i {
                self.viewed.push_back(j);
                spared += 1;
                continue;
            }
            dropped.push(self.states[j].drop_views());
        }
        if !dropped.is_empty() {
            self.dropped_views.extend(dropped);
            if self.dropped_views.len() >= DROP_BATCH {
                self.free_dropped_views();
            }
        }
    }

    /// Frees the views let go of so far off this thread (see
    /// [`Session::note_views`]).
    pub(super) fn free_dropped_views(&mut self) {
        if !self.dropped_views.is_empty() {
            doc_settle::drop_elsewhere(std::mem::take(&mut self.dropped_views));
        }
    }

    /// How many documents hold views of their text now (at most
    /// [`VIEWS_KEPT`] plus the open one; O(corpus), for tests and benches).
    pub fn docs_with_views(&self) -> usize {
        self.states.iter().filter(|s| s.has_views()).count()
    }

    /// Gives document `i` the views of its text a background job built
    /// (kept as any others: counted, dropped when too many are held).
    pub(super) fn seed_views(&mut self, i: usize, parts: &DocParts) {
        self.note_views(i);
        if let Some(st) = self.states.get_mut(i) {
            st.seed_views(parts);
        }
    }

    /// Hands document `i`'s state to the autosave thread.
    pub(super) fn save(&mut self, i: usize) {
        self.save_many([i]);
    }

    /// Saves document `i` after a change the machine made (proposals
    /// arriving), only when the annotator's edits already rewrote its file
    /// this session: opening a document never rewrites its file.
    pub(super) fn save_if_edited(&mut self, i: usize) {
        if self.states[i].edited {
            self.save(i);
        }
    }

    /// Hands the states of documents `docs` to the autosave thread at once
    /// (one hand-over, however many documents a decision reached); they
    /// count as edited from now on.
    pub(super) fn save_many(&mut self, docs: impl IntoIterator<Item = usize>) {
        let docs: Vec<usize> = docs
            .into_iter()
            .filter(|&i| self.states[i].read_only.is_none())
            .collect();
        for &i in &docs {
            self.states[i].edited = true;
        }
        self.saver.enqueue_many(docs.into_iter().map(|i| {
            (
                self.docs[i].clone(),
                Arc::clone(&self.states[i].annotations),
            )
        }));
    }
}

#[cfg(test)]
mod tests {
    /// The app may move the session into a thread or behind a mutex.
    #[test]
    fn session_is_send() {
        fn send<T: Send>() {}
        send::<super::Session>();
    }
}
