//! Autosave: every edit reaches disk within a second, atomically, on a
//! background thread, so the caller (the UI thread) never waits on the disk.
//!
//! The session hands the saver a snapshot after each edit. Snapshots of the
//! same document are coalesced: a document is written at most once per
//! debounce interval, and a burst of edits never postpones the first write
//! (the due time of a pending snapshot is kept when a newer one replaces it).
//! A failed write is retried later; the session's in-memory state is never
//! touched by the saver, so an error loses nothing.

use std::collections::BTreeMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::annotation::DocAnnotations;
use crate::corpus::Document;
use crate::store::Store;

/// What the status bar shows about saving.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveStatus {
    /// Everything edited is on disk.
    Saved,
    /// Edits of this many documents are waiting or being written.
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
    ann: DocAnnotations,
    due: Instant,
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
}

type State = Arc<(Mutex<Shared>, Condvar)>;

/// The background writer of one session.
pub struct Saver {
    state: State,
    timing: SaveTiming,
    thread: Option<JoinHandle<()>>,
}

fn lock(state: &State) -> MutexGuard<'_, Shared> {
    // A panic while holding the lock leaves plain data behind; keep going.
    state.0.lock().unwrap_or_else(|e| e.into_inner())
}

impl Saver {
    pub fn new(store: Arc<Store>, timing: SaveTiming) -> Saver {
        let state: State = Arc::default();
        let worker = state.clone();
        let thread = std::thread::Builder::new()
            .name("kashif-autosave".into())
            .spawn(move || run(&worker, &store, timing))
            .ok();
        Saver {
            state,
            timing,
            thread,
        }
    }

    /// Queues `ann` as the newest state of `doc`. Returns at once.
    pub fn enqueue(&self, doc: Arc<Document>, ann: DocAnnotations) {
        let mut g = lock(&self.state);
        let due = match g.pending.get(&doc.id) {
            Some(old) => old.due,
            None => Instant::now() + self.timing.debounce,
        };
        let replaced = g.pending.insert(doc.id.clone(), Job { doc, ann, due });
        drop(g);
        self.state.1.notify_all();
        // Freeing a large snapshot is not done while holding the lock.
        drop(replaced);
    }

    pub fn status(&self) -> SaveStatus {
        let g = lock(&self.state);
        if let Some((doc_id, message)) = g.errors.iter().next() {
            return SaveStatus::Failed {
                doc_id: doc_id.clone(),
                message: message.clone(),
            };
        }
        let documents = g.pending.len() + g.writing;
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

    /// Whether a file is being written at this moment (benches show that
    /// commands run meanwhile).
    pub fn writing(&self) -> bool {
        lock(&self.state).writing > 0
    }

    /// Files written so far (for tests and benches).
    pub fn writes(&self) -> u64 {
        lock(&self.state).writes
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
    }
}

fn run(state: &State, store: &Store, timing: SaveTiming) {
    let mut g = lock(state);
    loop {
        let flushing = g.flush_asked > g.flush_done;
        let target = g.flush_asked;
        let now = Instant::now();
        let urgent = flushing || g.stop;
        let ready: Vec<String> = g
            .pending
            .iter()
            .filter(|(_, j)| urgent || j.due <= now)
            .map(|(id, _)| id.clone())
            .collect();
        if ready.is_empty() {
            if flushing {
                g.flush_done = target;
                state.1.notify_all();
                continue;
            }
            if g.stop {
                return;
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
        if flushing {
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
            SaveTiming {
                debounce: Duration::from_secs(3600),
                retry: Duration::from_secs(3600),
            },
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
            saver.enqueue(doc.clone(), ann);
        }
        assert_eq!(saver.status(), SaveStatus::Saving { documents: 1 });
        assert_eq!(saver.writes(), 0);
        saver.flush().unwrap();
        assert_eq!(saver.writes(), 1);
        assert_eq!(saver.status(), SaveStatus::Saved);
        let loaded = store.load(&doc, &Schema::builtin()).unwrap().unwrap();
        assert_eq!(loaded.annotations.status, Status::Done);
        // Dropping writes what is still queued.
        saver.enqueue(doc.clone(), DocAnnotations::default());
        drop(saver);
        let loaded = store.load(&doc, &Schema::builtin()).unwrap().unwrap();
        assert_eq!(loaded.annotations.status, Status::Todo);
    }
}
