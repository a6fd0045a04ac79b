//! Autosave: every edit is made durable at once in the folder's journal
//! ([`crate::store::Journal`], appended and `fdatasync`ed as soon as the
//! edit is handed over) and folded into the RON files within a second,
//! atomically — all on a background thread, so the caller (the UI thread)
//! never waits on the disk.
//!
//! The session hands the saver a snapshot after each edit. Snapshots of the
//! same document are coalesced: a document is written at most once per
//! debounce interval, and a burst of edits never postpones the first write
//! (the due time of a pending snapshot is kept when a newer one replaces it).
//! A failed write is retried later; the session's in-memory state is never
//! touched by the saver, so an error loses nothing.
//!
//! The timing records of decisions ([`crate::store::timing`]) ride on the
//! same journal thread: appended and `fdatasync`ed to the annotator's
//! timing file right after the journal, never on the caller's thread.
//!
//! Journal before files: every snapshot is appended to the journal before
//! its RON file is written, and the journal is emptied only when nothing is
//! pending, nothing is being written and no write failed, so the journal's
//! newest record of a document is never older than its RON file.

use std::collections::BTreeMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::annotation::DocAnnotations;
use crate::corpus::Document;
use crate::store::{AnnotationFile, Journal, Store, TimingLog, TimingRecord};

use super::waker::Waker;

/// What the status bar shows about saving. "Saved" is said only once every
/// edit is durable (its journal record `fdatasync`ed, or, without a journal,
/// its RON file written): an edit shown as saved survives a SIGKILL or a
/// power loss, however busy the machine, as a database acknowledges a
/// commit only once it is durable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveStatus {
    /// Every edit is durable on disk (the RON files may follow within a
    /// second: the next start replays the journal).
    Saved,
    /// Edits of this many documents are not durable yet.
    Saving { documents: usize },
    /// The last write of a document failed; it is retried, and the edits are
    /// safe in memory. `message` names the file.
    Failed { doc_id: String, message: String },
}

/// A save that failed, as returned by [`Saver::flush`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{doc_id}: {message}")]
pub struct SaveError {
    pub doc_id: String,
    pub message: String,
}

/// How long edits wait before being written, and retries after a failure.
#[derive(Debug, Clone, Copy)]
pub struct SaveTiming {
    pub debounce: Duration,
    pub retry: Duration,
}

impl Default for SaveTiming {
    fn default() -> Self {
        SaveTiming {
            debounce: Duration::from_millis(250),
            retry: Duration::from_secs(2),
        }
    }
}

struct Job {
    doc: Arc<Document>,
    ann: Arc<DocAnnotations>,
    due: Instant,
    /// Order of hand-over, to tell whether the job journaled is still the
    /// newest one of its document.
    seq: u64,
    journaled: bool,
}

#[derive(Default)]
struct Shared {
    pending: BTreeMap<String, Job>,
    /// Documents being written right now.
    writing: usize,
    errors: BTreeMap<String, String>,
    flush_asked: u64,
    flush_done: u64,
    stop: bool,
    writes: u64,
    next_seq: u64,
    /// Snapshots appended to the journal so far.
    journaled: u64,
    /// The last journal append failed (the RON writes go on).
    journal_error: Option<String>,
    /// The journal holds records that are in no RON file (see
    /// [`Saver::keep_journal`]): it is never emptied.
    keep_journal: bool,
    /// Timing records handed over, not yet appended to the timing file.
    timing: Vec<TimingRecord>,
    /// The last timing append failed (the records are dropped: time is
    /// never worth stopping the work for).
    timing_error: Option<String>,
    /// Timing records appended so far.
    timed: u64,
}

type State = Arc<(Mutex<Shared>, Condvar)>;

/// The background writer of one session.
pub struct Saver {
    state: State,
    timing: SaveTiming,
    /// Whether a journal thread runs (edits are durable once journaled).
    journal_on: bool,
    thread: Option<JoinHandle<()>>,
    journal_thread: Option<JoinHandle<()>>,
}

fn lock(state: &State) -> MutexGuard<'_, Shared> {
    // A panic while holding the lock leaves plain data behind; keep going.
    state.0.lock().unwrap_or_else(|e| e.into_inner())
}

impl Saver {
    /// A saver writing `store`'s files, journaling to `journal` first when
    /// one is given, and appending timing records to `timing_log` (on the
    /// journal's thread; without a journal, timing records are dropped);
    /// `waker` is called when edits became durable (the status bar then
    /// says "saved").
    pub fn new(
        store: Arc<Store>,
        journal: Option<Journal>,
        timing_log: Option<TimingLog>,
        timing: SaveTiming,
        waker: Waker,
    ) -> Saver {
        let state: State = Arc::default();
        let journal_thread = journal.and_then(|j| {
            let worker = state.clone();
            let annotator = store.annotator().to_string();
            std::thread::Builder::new()
                .name("kashif-journal".into())
                .spawn(move || run_journal(&worker, j, timing_log, &annotator, &waker))
                .ok()
        });
        // RON files wait for the journal only when a journal thread runs.
        let journal_on = journal_thread.is_some();
        let worker = state.clone();
        let thread = std::thread::Builder::new()
            .name("kashif-autosave".into())
            .spawn(move || run(&worker, &store, journal_on, timing))
            .ok();
        if thread.is_none() {
            // Nothing would ever drain the queue: let the journal thread end.
            lock(&state).stop = true;
            state.1.notify_all();
        }
        Saver {
            state,
            timing,
            journal_on,
            thread,
            journal_thread,
        }
    }

    /// Queues several documents' newest states under one lock and wakes
    /// the writers once: a decision that follows into 600 documents hands
    /// them over without waking the journal thread 600 times while the
    /// frame is still being built. Returns at once.
    pub fn enqueue_many(
        &self,
        snapshots: impl IntoIterator<Item = (Arc<Document>, Arc<DocAnnotations>)>,
    ) {
        let jobs: Vec<(Arc<Document>, Arc<DocAnnotations>)> = snapshots.into_iter().collect();
        if jobs.is_empty() {
            return;
        }
        let now = Instant::now();
        let mut replaced = Vec::with_capacity(jobs.len());
        let mut g = lock(&self.state);
        for (doc, ann) in jobs {
            let due = match g.pending.get(&doc.id) {
                Some(old) => old.due,
                None => now + self.timing.debounce,
            };
            g.next_seq += 1;
            let job = Job {
                doc,
                ann,
                due,
                seq: g.next_seq,
                journaled: false,
            };
            replaced.push(g.pending.insert(job.doc.id.clone(), job));
        }
        drop(g);
        self.state.1.notify_all();
        // Freeing large snapshots is not done while holding the lock.
        drop(replaced);
    }

    /// Hands decision timing records to the journal thread, which appends
    /// them to the timing file and makes them durable; returns at once.
    /// Dropped when no journal thread runs.
    pub fn record_timing(&self, records: Vec<TimingRecord>) {
        if records.is_empty() || !self.journal_on {
            return;
        }
        lock(&self.state).timing.extend(records);
        self.state.1.notify_all();
    }

    /// Why the last timing append failed, if it did (the file named).
    pub fn timing_error(&self) -> Option<String> {
        lock(&self.state).timing_error.clone()
    }

    /// Timing records appended so far (for tests).
    pub fn timed(&self) -> u64 {
        lock(&self.state).timed
    }

    pub fn status(&self) -> SaveStatus {
        let g = lock(&self.state);
        if let Some(message) = &g.journal_error {
            return SaveStatus::Failed {
                doc_id: "journal".into(),
                message: message.clone(),
            };
        }
        if let Some((doc_id, message)) = g.errors.iter().next() {
            return SaveStatus::Failed {
                doc_id: doc_id.clone(),
                message: message.clone(),
            };
        }
        // Journaled is durable: a RON write still to come is not waited for.
        let documents = if self.journal_on {
            g.pending.values().filter(|j| !j.journaled).count()
        } else {
            g.pending.len() + g.writing
        };
        if documents == 0 {
            SaveStatus::Saved
        } else {
            SaveStatus::Saving { documents }
        }
    }

    /// Writes everything queued now, without waiting for the debounce, and
    /// blocks until done: for closing the window and for tests. Returns the
    /// documents whose write failed (they stay queued for retry).
    pub fn flush(&self) -> Result<(), Vec<SaveError>> {
        let mut g = lock(&self.state);
        if self.thread.is_none() {
            return Err(vec![SaveError {
                doc_id: String::new(),
                message: "the autosave thread could not be started".into(),
            }]);
        }
        g.flush_asked += 1;
        let target = g.flush_asked;
        self.state.1.notify_all();
        while g.flush_done < target {
            g = self.state.1.wait(g).unwrap_or_else(|e| e.into_inner());
        }
        if g.errors.is_empty() {
            Ok(())
        } else {
            Err(g
                .errors
                .iter()
                .map(|(d, m)| SaveError {
                    doc_id: d.clone(),
                    message: m.clone(),
                })
                .collect())
        }
    }

    /// Never empties the journal: it holds records of documents whose
    /// files do not load, kept for when they do.
    pub fn keep_journal(&self) {
        lock(&self.state).keep_journal = true;
    }

    /// Blocks until every edit handed over so far is durable (journaled;
    /// without a journal, written), or its journal append failed: what the
    /// status bar's "saved" means. For the scripted runner, which prints
    /// `saved LINE` then; the window never waits, it shows "saving".
    pub fn wait_durable(&self) -> Result<(), SaveError> {
        if !self.journal_on {
            return self.flush().map_err(|mut e| e.remove(0));
        }
        let mut g = lock(&self.state);
        loop {
            if let Some(message) = &g.journal_error {
                return Err(SaveError {
                    doc_id: "journal".into(),
                    message: message.clone(),
                });
            }
            if g.pending.values().all(|j| j.journaled) {
                return Ok(());
            }
            g = self.state.1.wait(g).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Whether a file is being written at this moment (benches show that
    /// commands run meanwhile).
    pub fn writing(&self) -> bool {
        lock(&self.state).writing > 0
    }

    /// Files written so far (for tests and benches).
    pub fn writes(&self) -> u64 {
        lock(&self.state).writes
    }

    /// Snapshots made durable in the journal so far (for tests and benches).
    pub fn journaled(&self) -> u64 {
        lock(&self.state).journaled
    }
}

impl Drop for Saver {
    /// Writes what is queued, then stops the thread.
    fn drop(&mut self) {
        lock(&self.state).stop = true;
        self.state.1.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        if let Some(t) = self.journal_thread.take() {
            let _ = t.join();
        }
    }
}

/// Appends every snapshot not yet journaled and makes it durable; returns
/// the guard again. The lock is not held while writing.
fn journal_new<'a>(
    state: &'a State,
    g: MutexGuard<'a, Shared>,
    journal: &mut Journal,
    hashes: &mut BTreeMap<String, String>,
    annotator: &str,
) -> MutexGuard<'a, Shared> {
    let new: Vec<(u64, Arc<Document>, Arc<DocAnnotations>)> = g
        .pending
        .values()
        .filter(|j| !j.journaled)
        .map(|j| (j.seq, j.doc.clone(), j.ann.clone()))
        .collect();
    if new.is_empty() {
        return g;
    }
    drop(g);
    let files: Vec<AnnotationFile> = new
        .iter()
        .map(|(_, doc, ann)| {
            let hash = hashes
                .entry(doc.id.clone())
                .or_insert_with(|| doc.text_hash())
                .clone();
            AnnotationFile::new(&doc.id, hash, annotator, ann)
        })
        .collect();
    let r = journal.append(&files);
    drop(files);
    let mut g = lock(state);
    match r {
        Ok(()) => {
            g.journaled += new.len() as u64;
            g.journal_error = None;
        }
        Err(e) => g.journal_error = Some(e.to_string()),
    }
    // Marked even when the append failed: the RON write still comes within
    // the debounce, and the next edit tries the journal again.
    for (seq, doc, _) in &new {
        if let Some(j) = g.pending.get_mut(&doc.id)
            && j.seq == *seq
        {
            j.journaled = true;
        }
    }
    state.1.notify_all();
    g
}

/// The journal thread: appends every new snapshot at once (never waiting
/// behind a RON write), and empties the journal when everything in it is in
/// the RON files.
fn run_journal(
    state: &State,
    mut journal: Journal,
    mut timing_log: Option<TimingLog>,
    annotator: &str,
    waker: &Waker,
) {
    let mut hashes = BTreeMap::new();
    let mut g = lock(state);
    loop {
        let before = (g.journaled, g.journal_error.clone());
        g = journal_new(state, g, &mut journal, &mut hashes, annotator);
        if (g.journaled, &g.journal_error) != (before.0, &before.1) {
            // The status bar changes from "saving" to "saved" (or failed).
            drop(g);
            waker.wake();
            g = lock(state);
        }
        // Then the decisions' times, after the edits they followed.
        if !g.timing.is_empty() {
            let records = std::mem::take(&mut g.timing);
            drop(g);
            let r = match &mut timing_log {
                Some(log) => log.append(&records).map_err(|e| e.to_string()),
                None => Ok(()),
            };
            let failed = r.is_err();
            g = lock(state);
            match r {
                Ok(()) => {
                    g.timed += records.len() as u64;
                    g.timing_error = None;
                }
                Err(e) => g.timing_error = Some(e),
            }
            state.1.notify_all();
            if failed {
                // The status bar says so at the next frame.
                drop(g);
                waker.wake();
                g = lock(state);
            }
        }
        // Everything is in the RON files: the journal can start over. (Not
        // retried in a loop when emptying failed: the next append clears
        // the error and the next idle moment tries again.)
        if g.pending.is_empty()
            && g.writing == 0
            && g.errors.is_empty()
            && g.journal_error.is_none()
            && !g.keep_journal
            && !journal.is_empty()
        {
            drop(g);
            let r = journal.clear();
            g = lock(state);
            if let Err(e) = r {
                g.journal_error = Some(e.to_string());
            }
            continue;
        }
        if g.stop && g.pending.is_empty() && g.writing == 0 {
            return;
        }
        if g.pending.values().any(|j| !j.journaled) || !g.timing.is_empty() {
            continue;
        }
        g = state.1.wait(g).unwrap_or_else(|e| e.into_inner());
    }
}

/// The RON writer: writes each document's newest snapshot once it is due
/// (or at a flush or stop), and only once it is journaled, so the journal
/// is never older than a RON file.
fn run(state: &State, store: &Store, journal_on: bool, timing: SaveTiming) {
    let mut g = lock(state);
    loop {
        let flushing = g.flush_asked > g.flush_done;
        let target = g.flush_asked;
        let now = Instant::now();
        let urgent = flushing || g.stop;
        let ready: Vec<String> = g
            .pending
            .iter()
            .filter(|(_, j)| (urgent || j.due <= now) && (!journal_on || j.journaled))
            .map(|(id, _)| id.clone())
            .collect();
        if ready.is_empty() {
            let unjournaled = journal_on && g.pending.values().any(|j| !j.journaled);
            if flushing && !unjournaled {
                g.flush_done = target;
                state.1.notify_all();
                continue;
            }
            if g.stop && g.pending.is_empty() {
                return;
            }
            if unjournaled {
                // The journal thread notifies when it has appended them.
                g = state.1.wait(g).unwrap_or_else(|e| e.into_inner());
                continue;
            }
            let next_due = g.pending.values().map(|j| j.due).min();
            g = match next_due {
                Some(due) => {
                    let wait = due.saturating_duration_since(now);
                    state
                        .1
                        .wait_timeout(g, wait)
                        .unwrap_or_else(|e| e.into_inner())
                        .0
                }
                None => state.1.wait(g).unwrap_or_else(|e| e.into_inner()),
            };
            continue;
        }
        let jobs: Vec<(String, Job)> = ready
            .into_iter()
            .filter_map(|id| g.pending.remove_entry(&id))
            .collect();
        g.writing = jobs.len();
        drop(g);
        let results: Vec<_> = jobs
            .into_iter()
            .map(|(id, job)| {
                let r = store.save(&job.doc, &job.ann);
                (id, job, r)
            })
            .collect();
        g = lock(state);
        g.writing = 0;
        let mut written = Vec::new();
        for (id, mut job, r) in results {
            match r {
                Ok(()) => {
                    g.writes += 1;
                    g.errors.remove(&id);
                    written.push(job);
                }
                Err(e) => {
                    g.errors.insert(id.clone(), e.to_string());
                    // A newer snapshot supersedes this one; else retry later.
                    if !g.pending.contains_key(&id) && !g.stop {
                        job.due = Instant::now() + timing.retry;
                        g.pending.insert(id, job);
                    }
                }
            }
        }
        // A flush is done once everything queued is written, or failed in
        // this batch (queued again for retry); snapshots that became ready
        // while this batch was written go in the next one first.
        if flushing && g.pending.keys().all(|id| g.errors.contains_key(id)) {
            g.flush_done = target;
        }
        state.1.notify_all();
        drop(g);
        drop(written);
        g = lock(state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotation::Status;
    use crate::schema::Schema;

    #[test]
    fn snapshots_of_one_document_coalesce_into_one_write() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open(dir.path(), "a").unwrap());
        let doc = Arc::new(Document {
            id: "d".into(),
            text: "نص".into(),
            path: "d.txt".into(),
        });
        // Due in an hour: nothing is written until asked.
        let saver = Saver::new(
            store.clone(),
            None,
            None,
            SaveTiming {
                debounce: Duration::from_secs(3600),
                retry: Duration::from_secs(3600),
            },
            Waker::default(),
        );
        for i in 0..100 {
            let ann = DocAnnotations {
                status: if i == 99 {
                    Status::Done
                } else {
                    Status::InProgress
                },
                ..Default::default()
            };
            saver.enqueue_many([(doc.clone(), Arc::new(ann))]);
        }
        assert_eq!(saver.status(), SaveStatus::Saving { documents: 1 });
        assert_eq!(saver.writes(), 0);
        saver.flush().unwrap();
        assert_eq!(saver.writes(), 1);
        assert_eq!(saver.status(), SaveStatus::Saved);
        let loaded = store.load(&doc, &Schema::builtin()).unwrap().unwrap();
        assert_eq!(loaded.annotations.status, Status::Done);
        // Dropping writes what is still queued.
        saver.enqueue_many([(doc.clone(), Arc::new(DocAnnotations::default()))]);
        drop(saver);
        let loaded = store.load(&doc, &Schema::builtin()).unwrap().unwrap();
        assert_eq!(loaded.annotations.status, Status::Todo);
    }
}
